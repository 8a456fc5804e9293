/*
 * Features and maintenance of cxl-type3 (CXL r3.2 8.2.10.6, 8.2.10.7):
 * Get Supported Features (0500h), Get Feature (0501h), Set Feature (0502h)
 * and Perform Maintenance (0600h).
 *
 * Payloads are the structs of cxl-mailbox.h (as Linux's
 * include/uapi/cxl/features.h and drivers/cxl/core/features.c have them):
 *  Get Supported Features: CXLGetSupportedFeaturesIn (count: bytes of
 *    output room), CXLGetSupportedFeaturesOut with a CXLFeatureEntry per
 *    feature.
 *  Get Feature: CXLGetFeatureIn (selection 0 current, 1 default,
 *    2 saved); out: count bytes of the readable attributes.
 *  Set Feature: CXLSetFeatureIn (flags: action [2:0]: 0 full, 1 initiate,
 *    2 continue, 3 finish, 4 abort; bit 3 saved across reset), then the
 *    writable attribute bytes.
 *  Perform Maintenance: CXLPerformMaintenanceIn (class, subclass), then
 *    the operation's payload: CXLMaintPPRIn or CXLMaintSparingIn.
 *
 * Feature layouts are those Linux's drivers/cxl/core/edac.c uses:
 *  patrol scrub: read cycle capability, cycle (le16: current hours [7:0],
 *    minimum hours [15:8]), flags (enabled [0]); write cycle hours, flags;
 *  DDR5 ECS: read log entry type, then per media FRU capability, config
 *    (le16: threshold index [2:0] (3: 256, 4: 1024, 5: 4096), count mode
 *    [3], reset counter [4]) and flags; write log entry type and the
 *    config of each FRU;
 *  soft/hard PPR and cacheline/row/bank/rank sparing: a 16-byte
 *    maintenance header (maximum latency, operation capability, operation
 *    mode, class, subclass, 9 reserved), then for PPR the PPR flags,
 *    restriction flags and PPR operation mode, for sparing a reserved byte
 *    and the restriction flags; written: the operation mode (le16), and for
 *    PPR the PPR operation mode (Memory Sparing Event Record enable [0]).
 *
 * QEMU's own feature, "emulated operation durations" (vendor specific, as
 * Linux's features.c allows: "Vendors may define custom features for the
 * device"; UUID b0f9f846-2882-47fa-947d-fb72c85fcb6d, generated for it):
 * read and written as CXLFeatDurations, the scan-media-ms,
 * fw-transfer-ms-per-mib, sanitize-ms and maintenance-ms properties. Its
 * default is what the command line (or the property defaults) gave; a
 * new current value changes the properties' fields at once (qom-get shows
 * it), and the next operation lasts that long. Its ranges are the
 * properties' (at most CXL_TYPE3_DURATION_MS_MAX, maintenance-ms 1 to
 * 15). Linux's fwctl lets user space set it, the other features being the
 * kernel's own.
 *
 * Each feature keeps its writable attributes per device: the current value
 * and the saved one (Set Feature with "saved across reset"); a device
 * reset makes the saved value current. A feature with a get_default hook
 * takes its default from the device, one with an apply hook acts on each
 * new current value. Maintenance operations are
 * background operations of the maintenance-ms property (also the maximum
 * latency the features report), or with maintenance-ms 0 (the default)
 * complete before Perform Maintenance returns; each uses one of the operation's spare
 * resources (the maintenance-spares property per operation) and reports a
 * Memory Sparing Event Record in the informational log (for PPR when the
 * PPR operation mode enables it).
 *
 * With device-state, the saved values and the spare resources left are
 * kept in its [features] group (cxl_type3_features_to_file()): per
 * feature, KEY = the saved writable bytes in hex and KEY-spares, KEY
 * being the feature's name in lower case with dashes ("patrol-scrub",
 * "soft-ppr", ...). At start the saved values become current, as at a
 * reset; a value that is not valid for its feature is ignored with a
 * warning, and no more spares are taken than maintenance-spares gives.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "migration/vmstate.h"
#include "hw/registerfields.h"
#include "hw/cxl/cxl-mailbox.h"
#include "hw/cxl/cxl-type3.h"
#include "trace.h"

/* Supported Feature Entry attribute flags */
FIELD(FEAT_FLAGS, CHANGEABLE, 0, 1)
FIELD(FEAT_FLAGS, PERSISTENCE, 1, 3)
FIELD(FEAT_FLAGS, PERSIST_FW_UPDATE, 4, 1)
FIELD(FEAT_FLAGS, DEFAULT_SEL, 5, 1)
FIELD(FEAT_FLAGS, SAVED_SEL, 6, 1)
#define PERSISTENCE_COLD_RESET  4
/* Set Feature Effects (as the CEL's, plus "effects valid") */
#define FEAT_EFFECTS_VALID      BIT(9)

/* Get Feature selection */
enum { SEL_CURRENT, SEL_DEFAULT, SEL_SAVED };

/* Set Feature flags */
FIELD(SF_FLAGS, ACTION, 0, 3)
FIELD(SF_FLAGS, SAVED, 3, 1)
#define SF_FLAGS_RSVD           0xfffffff0u
enum { SF_FULL, SF_INITIATE, SF_CONTINUE, SF_FINISH, SF_ABORT };

/* Patrol scrub */
#define SCRUB_GET_LEN           sizeof(CXLFeatScrubRead)
#define SCRUB_SET_LEN           sizeof(CXLFeatScrubWrite)
FIELD(SCRUB_CAP, CHANGEABLE, 0, 1)
FIELD(SCRUB_CAP, REALTIME, 1, 1)
FIELD(SCRUB_CYCLE, HOURS, 0, 8)
FIELD(SCRUB_CYCLE, MIN_HOURS, 8, 8)
FIELD(SCRUB_FLAGS, ENABLE, 0, 1)
#define SCRUB_FLAGS_RSVD        0xfe
#define SCRUB_DEF_HOURS         12
#define SCRUB_MIN_HOURS         1

/* DDR5 ECS */
#define ECS_FRUS                2
#define ECS_GET_LEN             (sizeof(CXLFeatECSRead) + \
                                 ECS_FRUS * sizeof(CXLFeatECSFruRead))
#define ECS_SET_LEN             (sizeof(CXLFeatECSWrite) + \
                                 ECS_FRUS * sizeof(uint16_t))
FIELD(ECS_LOG_CAP, ENTRY_TYPE, 0, 2)
#define ECS_LOG_CAP_RSVD        0xfc
FIELD(ECS_CONFIG, THRESHOLD, 0, 3)
FIELD(ECS_CONFIG, COUNT_MODE, 3, 1)
FIELD(ECS_CONFIG, RESET_COUNTER, 4, 1)
#define ECS_CONFIG_RSVD         0xffe0
#define ECS_THRESHOLD_256       3
#define ECS_THRESHOLD_1024      4
#define ECS_THRESHOLD_4096      5

/* Maintenance features: the common readable header */
FIELD(MAINT_OP_MODE, DEV_INITIATED, 0, 1)
#define MAINT_OP_MODE_RSVD      0xfffe
/* maximum latency: value [3:0] in units of scale [7:4] (3: 1 ms) */
FIELD(MAINT_LATENCY, VALUE, 0, 4)
FIELD(MAINT_LATENCY, SCALE, 4, 4)
#define MAINT_LATENCY_SCALE_MS  3
/* PPR: readable flags, restriction flags, PPR operation mode */
#define PPR_GET_LEN             sizeof(CXLFeatPPRRead)
#define PPR_SET_LEN             sizeof(CXLFeatPPRWrite)
FIELD(PPR_FLAGS, DPA, 0, 1)
FIELD(PPR_FLAGS, NIBBLE, 1, 1)
FIELD(PPR_FLAGS, SPARING_EVENT, 2, 1)
FIELD(PPR_FLAGS, BOOT_PPR, 3, 1)
FIELD(PPR_OP_MODE, SPARING_EVENT_EN, 0, 1)
FIELD(PPR_OP_MODE, BOOT_PPR_EN, 1, 1)
#define PPR_OP_MODE_RSVD        0xfc
/* sparing: readable reserved byte, restriction flags */
#define SPARING_GET_LEN         sizeof(CXLFeatSparingRead)
#define SPARING_SET_LEN         sizeof(CXLFeatSparingWrite)
FIELD(SPARING_RESTRICTION, NOT_SAFE_IN_USE, 0, 1)
FIELD(SPARING_RESTRICTION, HARD, 1, 1)
FIELD(SPARING_RESTRICTION, SOFT, 2, 1)

/* Perform Maintenance classes, and the flags of its PPR and sparing input */
#define PM_CLASS_PPR            1
#define PM_CLASS_SPARING        2
FIELD(PM_PPR_FLAGS, QUERY, 0, 1)
#define PM_PPR_FLAGS_RSVD       0xfe
FIELD(PM_SP_FLAGS, QUERY, 0, 1)
FIELD(PM_SP_FLAGS, HARD, 1, 1)
FIELD(PM_SP_FLAGS, SUB_CHANNEL_VALID, 2, 1)
FIELD(PM_SP_FLAGS, NIBBLE_VALID, 3, 1)
#define PM_SP_FLAGS_RSVD        0xf0

/* The emulated DRAM geometry that sparing addresses */
#define GEO_CHANNELS            8
#define GEO_RANKS               4
#define GEO_BANK_GROUPS         8
#define GEO_BANKS               4
#define GEO_ROWS                0x40000
#define GEO_COLUMNS             0x800
#define GEO_SUB_CHANNELS        2

/* QEMU's emulated operation durations: read and written alike */
#define DURATIONS_LEN           sizeof(CXLFeatDurations)

#define FEAT_VERSION            1
#define FEAT_SET_MAX            MAX_CONST(ECS_SET_LEN, DURATIONS_LEN)
#define FEAT_GET_MAX            MAX_CONST(PPR_GET_LEN, DURATIONS_LEN)

typedef enum {
    FEAT_SCRUB, FEAT_ECS, FEAT_SPPR, FEAT_HPPR, FEAT_SP_CACHELINE,
    FEAT_SP_ROW, FEAT_SP_BANK, FEAT_SP_RANK, FEAT_DURATIONS, FEAT_COUNT,
} FeatId;

typedef struct FeatDesc {
    const char *name;
    uint8_t uuid[16];
    uint16_t get_size;
    uint16_t set_size;
    uint16_t effects;
    uint8_t op_class;           /* maintenance features: class, subclass */
    uint8_t op_subclass;
    uint8_t defaults[FEAT_SET_MAX];
    /* the default from the device instead of @defaults */
    void (*get_default)(CXLType3Dev *ct3, uint8_t *w);
    /* the device acts on @w, its new current value */
    void (*apply)(CXLType3Dev *ct3, const uint8_t *w);
} FeatDesc;

/* ---- QEMU's emulated operation durations ---- */

static void durations_default(CXLType3Dev *ct3, uint8_t *w)
{
    CXLFeatDurations *d = (CXLFeatDurations *)w;

    d->scan_media_ms = cpu_to_le32(ct3->scan_media_ms);
    d->fw_transfer_ms_per_mib = cpu_to_le32(ct3->fw_transfer_ms_per_mib);
    d->sanitize_ms = cpu_to_le32(ct3->sanitize_ms);
    d->maint_ms = cpu_to_le32(ct3->maint_ms);
}

/* The properties' fields: what the operations and qom-get read */
static void durations_apply(CXLType3Dev *ct3, const uint8_t *w)
{
    const CXLFeatDurations *d = (const CXLFeatDurations *)w;

    ct3->scan_media_ms = le32_to_cpu(d->scan_media_ms);
    ct3->fw_transfer_ms_per_mib = le32_to_cpu(d->fw_transfer_ms_per_mib);
    ct3->sanitize_ms = le32_to_cpu(d->sanitize_ms);
    ct3->maint_ms = le32_to_cpu(d->maint_ms);
}

/* A memory sparing feature: operation mode 0, as all defaults */
#define SPARING(name, subclass, ...) {                                      \
    name, { __VA_ARGS__ }, SPARING_GET_LEN, SPARING_SET_LEN,                \
    CXL_CEL_IMMEDIATE_POLICY_CHANGE, PM_CLASS_SPARING, subclass,            \
}

static const FeatDesc feats[FEAT_COUNT] = {
    [FEAT_SCRUB] = {
        "patrol scrub",
        { 0x96, 0xda, 0xd7, 0xd6, 0xfd, 0xe8, 0x48, 0x2b,
          0xa7, 0x33, 0x75, 0x77, 0x4e, 0x06, 0xdb, 0x8a },
        SCRUB_GET_LEN, SCRUB_SET_LEN, CXL_CEL_IMMEDIATE_CONFIG_CHANGE,
        .defaults = { SCRUB_DEF_HOURS, 1 },
    },
    [FEAT_ECS] = {
        "DDR5 ECS",
        { 0xe5, 0xb1, 0x3f, 0x22, 0x23, 0x28, 0x4a, 0x14,
          0xb8, 0xba, 0xb9, 0x69, 0x1e, 0x89, 0x33, 0x86 },
        ECS_GET_LEN, ECS_SET_LEN, CXL_CEL_IMMEDIATE_CONFIG_CHANGE,
        .defaults = { 0, ECS_THRESHOLD_1024, 0, ECS_THRESHOLD_1024, 0 },
    },
    [FEAT_SPPR] = {
        "soft PPR",
        { 0x89, 0x2b, 0xa4, 0x75, 0xfa, 0xd8, 0x47, 0x4e,
          0x9d, 0x3e, 0x69, 0x2c, 0x91, 0x75, 0x68, 0xbb },
        PPR_GET_LEN, PPR_SET_LEN, CXL_CEL_IMMEDIATE_POLICY_CHANGE,
        PM_CLASS_PPR, 0, { 0, 0, 1 },
    },
    [FEAT_HPPR] = {
        "hard PPR",
        { 0x80, 0xea, 0x45, 0x21, 0x78, 0x6f, 0x41, 0x27,
          0xaf, 0xb1, 0xec, 0x74, 0x59, 0xfb, 0x0e, 0x24 },
        PPR_GET_LEN, PPR_SET_LEN, CXL_CEL_IMMEDIATE_POLICY_CHANGE,
        PM_CLASS_PPR, 1, { 0, 0, 1 },
    },
    [FEAT_SP_CACHELINE] = SPARING("cacheline sparing", 0,
        0x96, 0xc3, 0x33, 0x86, 0x91, 0xdd, 0x44, 0xc7,
        0x9e, 0xcb, 0xfd, 0xaf, 0x65, 0x03, 0xba, 0xc4),
    [FEAT_SP_ROW] = SPARING("row sparing", 1,
        0x45, 0x0e, 0xbf, 0x67, 0xb1, 0x35, 0x4f, 0x97,
        0xa4, 0x98, 0xc2, 0xd5, 0x7f, 0x27, 0x9b, 0xed),
    [FEAT_SP_BANK] = SPARING("bank sparing", 2,
        0x78, 0xb7, 0x96, 0x36, 0x90, 0xac, 0x4b, 0x64,
        0xa4, 0xef, 0xfa, 0xac, 0x5d, 0x18, 0xa8, 0x63),
    [FEAT_SP_RANK] = SPARING("rank sparing", 3,
        0x34, 0xdb, 0xaf, 0xf5, 0x05, 0x52, 0x42, 0x81,
        0x8f, 0x76, 0xda, 0x0b, 0x5e, 0x7a, 0x76, 0xa7),
    /*
     * Ours: an immediate configuration change (the next operation takes
     * the new time), so Linux's fwctl wants its full write scope.
     */
    [FEAT_DURATIONS] = {
        "QEMU operation durations",
        { 0xb0, 0xf9, 0xf8, 0x46, 0x28, 0x82, 0x47, 0xfa,
          0x94, 0x7d, 0xfb, 0x72, 0xc8, 0x5f, 0xcb, 0x6d },
        DURATIONS_LEN, DURATIONS_LEN, CXL_CEL_IMMEDIATE_CONFIG_CHANGE,
        .get_default = durations_default, .apply = durations_apply,
    },
};

struct CXLType3Features {
    uint8_t defaults[FEAT_COUNT][FEAT_SET_MAX];
    uint8_t current[FEAT_COUNT][FEAT_SET_MAX];
    uint8_t saved[FEAT_COUNT][FEAT_SET_MAX];
    uint16_t spares[FEAT_COUNT];        /* maintenance resources left */
    /* a partial Set Feature transfer */
    bool xfer;
    FeatId xfer_feat;
    uint16_t xfer_next;                 /* offset the next part must have */
    uint8_t xfer_buf[FEAT_SET_MAX];
    /* the running Perform Maintenance */
    FeatId maint_feat;
    union {
        CXLPerformMaintenanceIn hdr;
        CXLMaintPPRIn ppr;
        CXLMaintSparingIn sparing;
    } maint_in;
    /* migration: the two FeatIds as numbers */
    int32_t mig_xfer_feat;
    int32_t mig_maint_feat;
};

static int feat_find(const uint8_t *uuid)
{
    for (int i = 0; i < FEAT_COUNT; i++) {
        if (!memcmp(feats[i].uuid, uuid, 16)) {
            return i;
        }
    }
    return -1;
}

static bool feat_is_ppr(FeatId f)
{
    return f == FEAT_SPPR || f == FEAT_HPPR;
}

/* ---- readable attributes ---- */

/*
 * The maintenance header of @f's readable attributes; @op_mode: the
 * operation mode of its writable ones (le16)
 */
static void maint_header(CXLType3Dev *ct3, FeatId f, uint16_t op_mode,
                         CXLFeatMaintRead *h)
{
    uint8_t lat = 0;

    lat = FIELD_DP8(lat, MAINT_LATENCY, VALUE, ct3->maint_ms);
    lat = FIELD_DP8(lat, MAINT_LATENCY, SCALE, MAINT_LATENCY_SCALE_MS);
    h->max_latency = lat;
    h->op_cap = cpu_to_le16(0);     /* no device-initiated operation */
    h->op_mode = op_mode;
    h->op_class = feats[f].op_class;
    h->op_subclass = feats[f].op_subclass;
}

/* The readable attributes of @f whose writable ones are @w */
static void feat_read(CXLType3Dev *ct3, FeatId f, const uint8_t *w,
                      uint8_t *out)
{
    uint16_t cycle = 0;
    uint8_t v = 0;

    memset(out, 0, feats[f].get_size);
    switch (f) {
    case FEAT_SCRUB: {
        const CXLFeatScrubWrite *sw = (const CXLFeatScrubWrite *)w;
        CXLFeatScrubRead *sr = (CXLFeatScrubRead *)out;

        sr->cycle_cap = FIELD_DP8(0, SCRUB_CAP, CHANGEABLE, 1);
        cycle = FIELD_DP16(cycle, SCRUB_CYCLE, HOURS, sw->cycle_hours);
        cycle = FIELD_DP16(cycle, SCRUB_CYCLE, MIN_HOURS, SCRUB_MIN_HOURS);
        sr->cycle = cpu_to_le16(cycle);
        sr->flags = sw->flags;
        break;
    }
    case FEAT_ECS: {
        const CXLFeatECSWrite *ew = (const CXLFeatECSWrite *)w;
        CXLFeatECSRead *er = (CXLFeatECSRead *)out;

        er->log_cap = ew->log_cap;
        for (unsigned i = 0; i < ECS_FRUS; i++) {
            /* capability and flags 0: no real-time report, no error */
            er->fru[i].config = ew->config[i];
        }
        break;
    }
    case FEAT_SPPR:
    case FEAT_HPPR: {
        const CXLFeatPPRWrite *pw = (const CXLFeatPPRWrite *)w;
        CXLFeatPPRRead *pr = (CXLFeatPPRRead *)out;

        maint_header(ct3, f, pw->op_mode, &pr->hdr);
        v = FIELD_DP8(v, PPR_FLAGS, DPA, 1);
        v = FIELD_DP8(v, PPR_FLAGS, NIBBLE, 1);
        pr->ppr_flags = FIELD_DP8(v, PPR_FLAGS, SPARING_EVENT, 1);
        /* media accessible and data retained during the repair */
        pr->restriction_flags = cpu_to_le16(0);
        pr->ppr_op_mode = pw->ppr_op_mode;
        break;
    }
    case FEAT_DURATIONS:
        memcpy(out, w, DURATIONS_LEN);
        break;
    default: {
        const CXLFeatSparingWrite *spw = (const CXLFeatSparingWrite *)w;
        CXLFeatSparingRead *spr = (CXLFeatSparingRead *)out;

        maint_header(ct3, f, spw->op_mode, &spr->hdr);
        v = FIELD_DP8(v, SPARING_RESTRICTION, HARD, 1);
        spr->restriction_flags =
            cpu_to_le16(FIELD_DP8(v, SPARING_RESTRICTION, SOFT, 1));
        break;
    }
    }
}

/* ---- writable attributes ---- */

static bool ecs_config_valid(uint16_t c)
{
    unsigned t = FIELD_EX16(c, ECS_CONFIG, THRESHOLD);

    return !(c & ECS_CONFIG_RSVD) &&
        (t == ECS_THRESHOLD_256 || t == ECS_THRESHOLD_1024 ||
         t == ECS_THRESHOLD_4096);
}

/* Whether @w is a valid value of @f's writable attributes */
static bool feat_valid(FeatId f, const uint8_t *w)
{
    const CXLFeatScrubWrite *sw = (const CXLFeatScrubWrite *)w;
    const CXLFeatECSWrite *ew = (const CXLFeatECSWrite *)w;
    const CXLFeatPPRWrite *pw = (const CXLFeatPPRWrite *)w;
    const CXLFeatSparingWrite *spw = (const CXLFeatSparingWrite *)w;

    switch (f) {
    case FEAT_SCRUB:
        return sw->cycle_hours >= SCRUB_MIN_HOURS &&
            !(sw->flags & SCRUB_FLAGS_RSVD);
    case FEAT_ECS:
        if (ew->log_cap & ECS_LOG_CAP_RSVD ||
            FIELD_EX8(ew->log_cap, ECS_LOG_CAP, ENTRY_TYPE) > 1) {
            return false;
        }
        for (unsigned i = 0; i < ECS_FRUS; i++) {
            if (!ecs_config_valid(le16_to_cpu(ew->config[i]))) {
                return false;
            }
        }
        return true;
    case FEAT_SPPR:
    case FEAT_HPPR:
        /* no device-initiated operation, no PPR at boot */
        return !pw->op_mode && !(pw->ppr_op_mode & PPR_OP_MODE_RSVD) &&
            !FIELD_EX8(pw->ppr_op_mode, PPR_OP_MODE, BOOT_PPR_EN);
    case FEAT_DURATIONS: {
        const CXLFeatDurations *d = (const CXLFeatDurations *)w;
        uint32_t maint = le32_to_cpu(d->maint_ms);

        /* the ranges cxl-type3's realize checks the properties against */
        return le32_to_cpu(d->scan_media_ms) <= CXL_TYPE3_DURATION_MS_MAX &&
            le32_to_cpu(d->fw_transfer_ms_per_mib) <=
                CXL_TYPE3_DURATION_MS_MAX &&
            le32_to_cpu(d->sanitize_ms) <= CXL_TYPE3_DURATION_MS_MAX &&
            maint <= CXL_TYPE3_MAINT_MS_MAX;
    }
    default:
        return !spw->op_mode;
    }
}

/* @w becomes @f's current value, which the device acts on */
static void feat_set_current(CXLType3Dev *ct3, FeatId f, const uint8_t *w)
{
    memcpy(ct3->features->current[f], w, feats[f].set_size);
    if (feats[f].apply) {
        feats[f].apply(ct3, w);
    }
}

/* Apply @w to @f: ECS's reset counter bits act and do not stick. */
static void feat_store(CXLType3Dev *ct3, FeatId f, const uint8_t *w,
                       bool saved)
{
    CXLType3Features *fs = ct3->features;
    uint8_t v[FEAT_SET_MAX];

    memcpy(v, w, feats[f].set_size);
    if (f == FEAT_ECS) {
        CXLFeatECSWrite *ew = (CXLFeatECSWrite *)v;

        for (unsigned i = 0; i < ECS_FRUS; i++) {
            ew->config[i] = cpu_to_le16(FIELD_DP16(le16_to_cpu(ew->config[i]),
                                                   ECS_CONFIG, RESET_COUNTER,
                                                   0));
        }
    }
    feat_set_current(ct3, f, v);
    if (saved) {
        memcpy(fs->saved[f], v, feats[f].set_size);
    }
    trace_cxl_type3_feature_set(feats[f].name, saved);
}

/* The feature's key in the device-state file: "patrol-scrub", ... */
static char *feat_key(FeatId f)
{
    char *key = g_ascii_strdown(feats[f].name, -1);

    return g_strdelimit(key, " ", '-');
}

void cxl_type3_features_to_file(CXLType3Dev *ct3, GKeyFile *kf)
{
    CXLType3Features *fs = ct3->features;

    for (unsigned f = 0; f < FEAT_COUNT; f++) {
        g_autofree char *key = feat_key(f);
        g_autofree char *spares = g_strconcat(key, "-spares", NULL);
        g_autoptr(GString) hex = g_string_new("");

        for (unsigned i = 0; i < feats[f].set_size; i++) {
            g_string_append_printf(hex, "%02x", fs->saved[f][i]);
        }
        g_key_file_set_string(kf, CXL_TYPE3_FEATURES_GROUP, key, hex->str);
        if (feats[f].op_class) {
            g_key_file_set_integer(kf, CXL_TYPE3_FEATURES_GROUP, spares,
                                   fs->spares[f]);
        }
    }
}

/* @hex as the @len bytes of @out; false if it is not exactly that */
static bool hex_decode(const char *hex, uint8_t *out, size_t len)
{
    if (strlen(hex) != len * 2) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        int hi = g_ascii_xdigit_value(hex[2 * i]);
        int lo = g_ascii_xdigit_value(hex[2 * i + 1]);

        if (hi < 0 || lo < 0) {
            return false;
        }
        out[i] = hi << 4 | lo;
    }
    return true;
}

void cxl_type3_features_from_file(CXLType3Dev *ct3, GKeyFile *kf)
{
    CXLType3Features *fs = ct3->features;

    for (unsigned f = 0; f < FEAT_COUNT; f++) {
        g_autofree char *key = feat_key(f);
        g_autofree char *spares = g_strconcat(key, "-spares", NULL);
        g_autofree char *hex = g_key_file_get_string(kf,
                                                     CXL_TYPE3_FEATURES_GROUP,
                                                     key, NULL);
        uint8_t v[FEAT_SET_MAX] = { 0 };
        g_autoptr(GError) err = NULL;
        int n;

        if (hex) {
            if (hex_decode(hex, v, feats[f].set_size) && feat_valid(f, v)) {
                feat_store(ct3, f, v, true);
            } else {
                warn_report("%s: device-state: [%s] %s is not a valid value "
                            "of the %s feature; ignored", TYPE_CXL_TYPE3,
                            CXL_TYPE3_FEATURES_GROUP, key, feats[f].name);
            }
        }
        if (!feats[f].op_class) {
            continue;
        }
        n = g_key_file_get_integer(kf, CXL_TYPE3_FEATURES_GROUP, spares,
                                   &err);
        if (!err && n >= 0) {
            fs->spares[f] = MIN(n, fs->spares[f]);
        }
    }
}

/* ---- commands ---- */

static CXLRetCode cmd_get_supported_features(CXLCCI *cci, const uint8_t *in,
                                             size_t in_len, uint8_t *out,
                                             size_t *out_len)
{
    const CXLGetSupportedFeaturesIn *gi =
        (const CXLGetSupportedFeaturesIn *)in;
    CXLGetSupportedFeaturesOut *o = (CXLGetSupportedFeaturesOut *)out;
    uint32_t count = le32_to_cpu(gi->count);
    uint16_t start = le16_to_cpu(gi->start_index);
    unsigned n;

    if (count < sizeof(*o) || start >= FEAT_COUNT || gi->rsvd) {
        return CXL_RC_INVALID_INPUT;
    }
    count = MIN(count, cci->payload_max);
    n = MIN((count - sizeof(*o)) / sizeof(o->entry[0]), FEAT_COUNT - start);
    memset(o, 0, sizeof(*o) + n * sizeof(o->entry[0]));
    o->entries = cpu_to_le16(n);
    o->supported = cpu_to_le16(FEAT_COUNT);
    for (unsigned i = 0; i < n; i++) {
        const FeatDesc *d = &feats[start + i];
        CXLFeatureEntry *e = &o->entry[i];
        uint32_t flags = 0;

        flags = FIELD_DP32(flags, FEAT_FLAGS, CHANGEABLE, 1);
        flags = FIELD_DP32(flags, FEAT_FLAGS, PERSISTENCE,
                           PERSISTENCE_COLD_RESET);
        flags = FIELD_DP32(flags, FEAT_FLAGS, DEFAULT_SEL, 1);
        flags = FIELD_DP32(flags, FEAT_FLAGS, SAVED_SEL, 1);
        memcpy(e->uuid, d->uuid, CXL_UUID_LEN);
        e->index = cpu_to_le16(start + i);
        e->get_size = cpu_to_le16(d->get_size);
        e->set_size = cpu_to_le16(d->set_size);
        e->flags = cpu_to_le32(flags);
        e->get_version = FEAT_VERSION;
        e->set_version = FEAT_VERSION;
        e->effects = cpu_to_le16(d->effects | FEAT_EFFECTS_VALID);
    }
    *out_len = sizeof(*o) + n * sizeof(o->entry[0]);
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_get_feature(CXLCCI *cci, const uint8_t *in,
                                  size_t in_len, uint8_t *out,
                                  size_t *out_len)
{
    CXLType3Features *fs = ct3_of(cci)->features;
    const CXLGetFeatureIn *gi = (const CXLGetFeatureIn *)in;
    int f = feat_find(gi->uuid);
    uint16_t offset = le16_to_cpu(gi->offset);
    uint16_t count = le16_to_cpu(gi->count);
    uint8_t sel = gi->selection;
    uint8_t buf[FEAT_GET_MAX];
    const uint8_t *w;

    if (f < 0) {
        return CXL_RC_UNSUPPORTED;
    }
    switch (sel) {
    case SEL_CURRENT:
        w = fs->current[f];
        break;
    case SEL_DEFAULT:
        w = fs->defaults[f];
        break;
    case SEL_SAVED:
        w = fs->saved[f];
        break;
    default:
        return CXL_RC_UNSUPPORTED_FEATURE_SELECTION;
    }
    if (!count || offset >= feats[f].get_size) {
        return CXL_RC_INVALID_INPUT;
    }
    feat_read(ct3_of(cci), f, w, buf);
    *out_len = MIN(count, feats[f].get_size - offset);
    memcpy(out, buf + offset, *out_len);
    return CXL_RC_SUCCESS;
}

static void xfer_end(CXLType3Features *fs)
{
    fs->xfer = false;
    fs->xfer_next = 0;
}

static CXLRetCode cmd_set_feature(CXLCCI *cci, const uint8_t *in,
                                  size_t in_len, uint8_t *out,
                                  size_t *out_len)
{
    CXLType3Features *fs = ct3_of(cci)->features;
    const CXLSetFeatureIn *si = (const CXLSetFeatureIn *)in;
    int f = feat_find(si->uuid);
    uint32_t flags = le32_to_cpu(si->flags);
    unsigned action = FIELD_EX32(flags, SF_FLAGS, ACTION);
    bool saved = FIELD_EX32(flags, SF_FLAGS, SAVED);
    uint16_t offset = le16_to_cpu(si->offset);
    size_t len = in_len - sizeof(*si);
    const uint8_t *data = si->data;

    trace_cxl_type3_feature_set_part(f < 0 ? "unknown" : feats[f].name,
                                     action, offset, len);
    if (f < 0) {
        return CXL_RC_UNSUPPORTED;
    }
    if (flags & SF_FLAGS_RSVD || action > SF_ABORT ||
        !buffer_is_zero(si->rsvd, sizeof(si->rsvd))) {
        return CXL_RC_INVALID_INPUT;
    }
    if (si->version != FEAT_VERSION) {
        return CXL_RC_UNSUPPORTED_FEATURE_VERSION;
    }
    /* a transfer in progress: only its own parts, or an abort */
    if (fs->xfer && (f != fs->xfer_feat ||
                     action == SF_FULL || action == SF_INITIATE)) {
        return CXL_RC_FEATURE_TRANSFER_IN_PROGRESS;
    }
    switch (action) {
    case SF_ABORT:
        xfer_end(fs);
        return CXL_RC_SUCCESS;
    case SF_FULL:
        if (offset) {
            return CXL_RC_INVALID_INPUT;
        }
        if (len != feats[f].set_size) {
            return CXL_RC_INVALID_PAYLOAD_LENGTH;
        }
        if (!feat_valid(f, data)) {
            return CXL_RC_INVALID_INPUT;
        }
        feat_store(ct3_of(cci), f, data, saved);
        if (saved) {
            cxl_type3_state_save(ct3_of(cci));
        }
        return CXL_RC_SUCCESS;
    case SF_INITIATE:
    case SF_CONTINUE:
    case SF_FINISH:
        if (action != SF_INITIATE && !fs->xfer) {
            return CXL_RC_FEATURE_TRANSFER_OUT_OF_ORDER;
        }
        if (offset != fs->xfer_next) {
            return CXL_RC_FEATURE_TRANSFER_OUT_OF_ORDER;
        }
        if (!len || len > feats[f].set_size - offset) {
            return CXL_RC_INVALID_INPUT;
        }
        memcpy(fs->xfer_buf + offset, data, len);
        fs->xfer = true;
        fs->xfer_feat = f;
        fs->xfer_next = offset + len;
        if (action != SF_FINISH) {
            return CXL_RC_SUCCESS;
        }
        xfer_end(fs);
        if (offset + len != feats[f].set_size ||
            !feat_valid(f, fs->xfer_buf)) {
            return CXL_RC_INVALID_INPUT;
        }
        feat_store(ct3_of(cci), f, fs->xfer_buf, saved);
        if (saved) {
            cxl_type3_state_save(ct3_of(cci));
        }
        return CXL_RC_SUCCESS;
    }
    g_assert_not_reached();
}

/* ---- Perform Maintenance ---- */

static const char *const maint_results[] = { "done", "query" };

static CXLRetCode maint_complete(CXLCCI *cci)
{
    CXLType3Dev *ct3 = ct3_of(cci);
    CXLType3Features *fs = ct3->features;
    FeatId f = fs->maint_feat;
    CXLSparingEvent ev = {
        .op_class = feats[f].op_class,
        .op_subclass = feats[f].op_subclass,
    };
    CXLEventMemSparing rec;
    bool query;

    if (feat_is_ppr(f)) {
        const CXLMaintPPRIn *in = &fs->maint_in.ppr;

        query = FIELD_EX8(in->flags, PM_PPR_FLAGS, QUERY);
        trace_cxl_type3_ppr(feats[f].name, le64_to_cpu(in->dpa),
                            cxl_ld24_le(in->nibble_mask), query);
        ev.sparing_flags = f == FEAT_HPPR ? R_PM_SP_FLAGS_HARD_MASK : 0;
        ev.has_nibble_mask = true;
        ev.nibble_mask = cxl_ld24_le(in->nibble_mask);
    } else {
        const CXLMaintSparingIn *in = &fs->maint_in.sparing;
        uint8_t fl = in->flags;

        query = FIELD_EX8(fl, PM_SP_FLAGS, QUERY);
        ev.sparing_flags = fl & (R_PM_SP_FLAGS_QUERY_MASK |
                                 R_PM_SP_FLAGS_HARD_MASK);
        ev.has_channel = ev.has_rank = true;
        ev.channel = in->channel;
        ev.rank = in->rank;
        ev.has_nibble_mask = FIELD_EX8(fl, PM_SP_FLAGS, NIBBLE_VALID);
        ev.nibble_mask = cxl_ld24_le(in->nibble_mask);
        ev.has_bank_group = ev.has_bank = f != FEAT_SP_RANK;
        ev.bank_group = in->bank_group;
        ev.bank = in->bank;
        ev.has_row = f == FEAT_SP_ROW || f == FEAT_SP_CACHELINE;
        ev.row = cxl_ld24_le(in->row);
        ev.has_column = f == FEAT_SP_CACHELINE;
        ev.column = le16_to_cpu(in->column);
        ev.has_sub_channel = f == FEAT_SP_CACHELINE &&
            FIELD_EX8(fl, PM_SP_FLAGS, SUB_CHANNEL_VALID);
        ev.sub_channel = in->sub_channel;
    }
    if (query) {
        ev.sparing_flags |= R_PM_SP_FLAGS_QUERY_MASK;
    } else {
        fs->spares[f]--;
    }
    ev.resources_available = fs->spares[f];
    trace_cxl_type3_maintenance(feats[f].name, maint_results[query],
                                fs->spares[f]);
    if (!query) {
        cxl_type3_state_save(ct3);
    }
    if (!feat_is_ppr(f) ||
        FIELD_EX8(((CXLFeatPPRWrite *)fs->current[f])->ppr_op_mode,
                  PPR_OP_MODE, SPARING_EVENT_EN)) {
        cxl_type3_sparing_record(&rec, &ev);
        cxl_events_add(&ct3->events, CXL_EVLOG_INFO, (CXLEventRecord *)&rec,
                       cxl_cci_timestamp(cci));
    }
    return CXL_RC_SUCCESS;
}

/* Check a sparing request against the emulated geometry */
static bool sparing_valid(FeatId f, const CXLMaintSparingIn *in)
{
    uint8_t fl = in->flags;

    if (fl & PM_SP_FLAGS_RSVD || in->channel >= GEO_CHANNELS ||
        in->rank >= GEO_RANKS) {
        return false;
    }
    if (f != FEAT_SP_RANK && (in->bank_group >= GEO_BANK_GROUPS ||
                              in->bank >= GEO_BANKS)) {
        return false;
    }
    if ((f == FEAT_SP_ROW || f == FEAT_SP_CACHELINE) &&
        cxl_ld24_le(in->row) >= GEO_ROWS) {
        return false;
    }
    return f != FEAT_SP_CACHELINE ||
        (le16_to_cpu(in->column) < GEO_COLUMNS &&
         (!FIELD_EX8(fl, PM_SP_FLAGS, SUB_CHANNEL_VALID) ||
          in->sub_channel < GEO_SUB_CHANNELS));
}

static CXLRetCode cmd_perform_maintenance(CXLCCI *cci, const uint8_t *in,
                                          size_t in_len, uint8_t *out,
                                          size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);
    CXLType3Features *fs = ct3->features;
    const CXLPerformMaintenanceIn *hdr = (const CXLPerformMaintenanceIn *)in;
    int f = -1;
    bool query;

    for (int i = 0; i < FEAT_COUNT; i++) {
        if (feats[i].op_class && feats[i].op_class == hdr->op_class &&
            feats[i].op_subclass == hdr->op_subclass) {
            f = i;
        }
    }
    if (f < 0) {
        return CXL_RC_UNSUPPORTED;
    }
    if (in_len != (feat_is_ppr(f) ? sizeof(CXLMaintPPRIn)
                                  : sizeof(CXLMaintSparingIn))) {
        return CXL_RC_INVALID_PAYLOAD_LENGTH;
    }
    if (feat_is_ppr(f)) {
        const CXLMaintPPRIn *ppr = (const CXLMaintPPRIn *)in;

        if (ppr->flags & PM_PPR_FLAGS_RSVD) {
            return CXL_RC_INVALID_INPUT;
        }
        /* any device DPA, dynamic capacity included */
        if (le64_to_cpu(ppr->dpa) >= cxl_type3_dpa_size(ct3)) {
            return CXL_RC_INVALID_PHYSICAL_ADDRESS;
        }
        query = FIELD_EX8(ppr->flags, PM_PPR_FLAGS, QUERY);
    } else {
        const CXLMaintSparingIn *sp = (const CXLMaintSparingIn *)in;

        if (!sparing_valid(f, sp)) {
            return CXL_RC_INVALID_INPUT;
        }
        query = FIELD_EX8(sp->flags, PM_SP_FLAGS, QUERY);
    }
    if (!query && !fs->spares[f]) {
        return CXL_RC_RESOURCES_EXHAUSTED;
    }
    fs->maint_feat = f;
    memcpy(&fs->maint_in, in, in_len);
    if (!ct3->maint_ms) {
        return maint_complete(cci);
    }
    cxl_cci_bg_start(cci, CXL_OP_PERFORM_MAINTENANCE, ct3->maint_ms,
                     maint_complete, NULL);
    return CXL_RC_BACKGROUND;
}

const CXLCCICommand cxl_type3_feature_commands[] = {
    { CXL_OP_GET_SUPPORTED_FEATURES, "Get Supported Features",
      cmd_get_supported_features, CXL_CCI_IN_EXACT,
      sizeof(CXLGetSupportedFeaturesIn), 0 },
    { CXL_OP_GET_FEATURE, "Get Feature", cmd_get_feature, CXL_CCI_IN_EXACT,
      sizeof(CXLGetFeatureIn), 0 },
    { CXL_OP_SET_FEATURE, "Set Feature", cmd_set_feature, CXL_CCI_IN_MIN,
      sizeof(CXLSetFeatureIn),
      CXL_CEL_IMMEDIATE_CONFIG_CHANGE | CXL_CEL_IMMEDIATE_POLICY_CHANGE },
    { CXL_OP_PERFORM_MAINTENANCE, "Perform Maintenance",
      cmd_perform_maintenance, CXL_CCI_IN_MIN,
      sizeof(CXLPerformMaintenanceIn),
      CXL_CEL_IMMEDIATE_CONFIG_CHANGE | CXL_CEL_IMMEDIATE_LOG_CHANGE |
      CXL_CEL_BACKGROUND_OP },
};
const size_t cxl_type3_feature_commands_len =
    ARRAY_SIZE(cxl_type3_feature_commands);

void cxl_type3_features_init(CXLType3Dev *ct3)
{
    CXLType3Features *fs = g_new0(CXLType3Features, 1);

    for (unsigned f = 0; f < FEAT_COUNT; f++) {
        if (feats[f].get_default) {
            feats[f].get_default(ct3, fs->defaults[f]);
        } else {
            memcpy(fs->defaults[f], feats[f].defaults, FEAT_SET_MAX);
        }
        memcpy(fs->current[f], fs->defaults[f], FEAT_SET_MAX);
        memcpy(fs->saved[f], fs->defaults[f], FEAT_SET_MAX);
        fs->spares[f] = feats[f].op_class ? ct3->maint_spares : 0;
    }
    ct3->features = fs;
}

void cxl_type3_features_reset(CXLType3Dev *ct3)
{
    CXLType3Features *fs = ct3->features;

    /* saved values become current; a partial transfer is dropped */
    for (unsigned f = 0; f < FEAT_COUNT; f++) {
        feat_set_current(ct3, f, fs->saved[f]);
    }
    xfer_end(fs);
}

void cxl_type3_features_cleanup(CXLType3Dev *ct3)
{
    g_clear_pointer(&ct3->features, g_free);
}

/* ---- migration ---- */

static int features_post_load(void *opaque, int version_id)
{
    CXLType3Features *fs = opaque;

    if (fs->mig_xfer_feat < 0 || fs->mig_xfer_feat >= FEAT_COUNT ||
        fs->mig_maint_feat < 0 || fs->mig_maint_feat >= FEAT_COUNT ||
        fs->xfer_next > FEAT_SET_MAX) {
        return -EINVAL;
    }
    fs->xfer_feat = fs->mig_xfer_feat;
    fs->maint_feat = fs->mig_maint_feat;
    return 0;
}

static int features_pre_save(void *opaque)
{
    CXLType3Features *fs = opaque;

    fs->mig_xfer_feat = fs->xfer_feat;
    fs->mig_maint_feat = fs->maint_feat;
    return 0;
}

const VMStateDescription vmstate_cxl_type3_features = {
    .name = "cxl-type3-features",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = features_pre_save,
    .post_load = features_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_BUFFER_UNSAFE(current, CXLType3Features, 1,
                              sizeof(((CXLType3Features *)0)->current)),
        VMSTATE_BUFFER_UNSAFE(saved, CXLType3Features, 1,
                              sizeof(((CXLType3Features *)0)->saved)),
        VMSTATE_UINT16_ARRAY(spares, CXLType3Features, FEAT_COUNT),
        VMSTATE_BOOL(xfer, CXLType3Features),
        VMSTATE_INT32(mig_xfer_feat, CXLType3Features),
        VMSTATE_UINT16(xfer_next, CXLType3Features),
        VMSTATE_BUFFER(xfer_buf, CXLType3Features),
        VMSTATE_INT32(mig_maint_feat, CXLType3Features),
        /* the running Perform Maintenance's input, as the host sent it */
        VMSTATE_BUFFER_UNSAFE(maint_in, CXLType3Features, 1,
                              sizeof(((CXLType3Features *)0)->maint_in)),
        VMSTATE_END_OF_LIST()
    },
};

static const CXLCCIBgOp maint_op = {
    .name = "cxl-type3-maintenance",
    .complete = maint_complete,
};

static void features_register_bg_ops(void)
{
    cxl_cci_bg_register(&maint_op);
}

type_init(features_register_bg_ops)
