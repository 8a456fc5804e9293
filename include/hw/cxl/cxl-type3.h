/*
 * cxl-type3: CXL Type 3 memory device (see hw/mem/cxl-type3.c).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_TYPE3_H
#define HW_CXL_TYPE3_H

#include "qemu/units.h"
#include "hw/pci/pci_device.h"
#include "hw/pci/pcie_doe.h"
#include "system/hostmem.h"
#include "hw/cxl/cxl-cci.h"
#include "hw/cxl/cxl-cdat.h"
#include "hw/cxl/cxl-component.h"
#include "hw/cxl/cxl-dc.h"
#include "hw/cxl/cxl-device-regs.h"
#include "hw/cxl/cxl-events.h"
#include "hw/cxl/cxl-mem-target.h"
#include "hw/cxl/cxl-mld.h"
#include "hw/cxl/cxl-pmu.h"

#define TYPE_CXL_TYPE3 "cxl-type3"
OBJECT_DECLARE_SIMPLE_TYPE(CXLType3Dev, CXL_TYPE3)

#define CXL_TYPE3_DECODERS              4
#define CXL_TYPE3_DEFAULT_PAYLOAD       (256 * 1024)
#define CXL_TYPE3_FW_REVISION           "QEMU CXL 1.0"
#define CXL_TYPE3_FW_REVISION_LEN       16
#define CXL_TYPE3_FW_SLOTS              2
#define CXL_TYPE3_FW_MAX_SLOTS          4
#define CXL_TYPE3_FW_MAX_IMAGE          (16 * 1024 * 1024)
#define CXL_TYPE3_FW_MS_PER_MIB         100

/* Get/Set Alert Configuration state (CXL r3.1 8.2.9.9.3.2) */
typedef struct CXLAlertConfig {
    uint8_t valid;              /* programmable warning thresholds enabled */
    uint8_t life_used_crit;
    uint8_t life_used_warn;
    int16_t over_temp_crit;
    int16_t under_temp_crit;
    int16_t over_temp_warn;
    int16_t under_temp_warn;
    uint16_t corr_volatile_warn;
    uint16_t corr_persistent_warn;
} CXLAlertConfig;

/* Health (Get Health Info, CXL r3.1 8.2.9.9.3.1) */
typedef struct CXLHealth {
    uint8_t health_status;
    uint8_t media_status;
    uint8_t life_used;          /* percent */
    int16_t temperature;        /* degrees Celsius */
    uint32_t dirty_shutdowns;
    uint32_t corrected_volatile;
    uint32_t corrected_persistent;
} CXLHealth;

/* A firmware slot (Get FW Info, CXL r3.1 8.2.9.3.1) */
typedef struct CXLType3FWSlot {
    bool valid;                 /* holds firmware that can be activated */
    char revision[CXL_TYPE3_FW_REVISION_LEN];
    uint8_t *image;             /* transferred image; NULL: built in */
    size_t image_len;
    uint32_t mig_len;           /* migration: image_len, 0 without image */
} CXLType3FWSlot;

/*
 * Security state (cxl-type3-security.c): Get Security State bits (Linux's
 * CXL_PMEM_SEC_STATE_*), passphrases and wrong-passphrase attempts.
 */
#define CXL_TYPE3_PASS_LEN              32
#define CXL_TYPE3_SEC_TRY_LIMIT         3
#define CXL_TYPE3_SEC_USER_PASS_SET     BIT(0)
#define CXL_TYPE3_SEC_MASTER_PASS_SET   BIT(1)
#define CXL_TYPE3_SEC_LOCKED            BIT(2)
#define CXL_TYPE3_SEC_FROZEN            BIT(3)
#define CXL_TYPE3_SEC_USER_PLIMIT       BIT(4)
#define CXL_TYPE3_SEC_MASTER_PLIMIT     BIT(5)
typedef struct CXLType3Security {
    uint32_t state;
    uint8_t user_tries;
    uint8_t master_tries;
    uint8_t user_pass[CXL_TYPE3_PASS_LEN];
    uint8_t master_pass[CXL_TYPE3_PASS_LEN];
} CXLType3Security;

/* Firmware slots and the transfer in progress (cxl-type3-fw.c) */
typedef struct CXLType3FW {
    uint8_t nr_slots;
    uint8_t active;             /* 1..nr_slots */
    uint8_t staged;             /* active after the next reset; 0: none */
    CXLType3FWSlot slot[CXL_TYPE3_FW_MAX_SLOTS];
    bool xfer_open;             /* initiated, end not yet received */
    uint8_t xfer_slot;          /* target of the running last part */
    uint8_t *xfer_buf;
    size_t xfer_len;            /* bytes received by completed parts */
    size_t xfer_pending;        /* ... and with the running part */
    /* migration: xfer_len, and xfer_pending (0 without xfer_buf) */
    uint32_t mig_xfer_len;
    uint32_t mig_xfer_pending;
} CXLType3FW;

struct CXLType3Dev {
    PCIDevice parent_obj;

    /* properties */
    HostMemoryBackend *hostvmem;
    HostMemoryBackend *hostpmem;
    HostMemoryBackend *hostmem_legacy;  /* "memdev": moved to hostpmem */
    HostMemoryBackend *lsa;
    uint64_t sn;
    char *cdat_file;
    uint32_t payload_size;
    uint32_t event_log_size;    /* records per event log, property */
    uint8_t nr_decoders;        /* hdm-decoders */
    PCIExpLinkSpeed speed;      /* x-speed */
    PCIExpLinkWidth width;      /* x-width */
    bool flit;                  /* x-256b-flit */
    bool hdm_db;                /* hdm-db: Back-Invalidate (HDM-DB) */
    /*
     * x-fm-api-mailbox: the FM API DCD commands on the host's mailbox
     * (prototyping; a fabric manager's CCI is their place)
     */
    bool fm_api_mailbox;

    /* dynamic capacity properties (cxl-type3-dc.c) */
    HostMemoryBackend *hostdc;
    uint8_t num_dc_regions;
    uint64_t dc_total_size;     /* 0: the size of hostdc */
    uint64_t dc_block_size;
    /* multi-headed dynamic capacity (cxl-type3-mhd.c) */
    char *mhd_state;            /* the heads' shared state file */
    uint8_t mhd_head;           /* this process's head (host id, LD-ID) */
    uint8_t mhd_heads;
    uint8_t dc_sharable_regions;    /* bit r: region r is sharable */

    uint64_t vsize;             /* volatile capacity: DPA [0, vsize) */
    uint64_t psize;             /* persistent: DPA [vsize, vsize + psize) */
    uint64_t dcsize;            /* dynamic: [vsize + psize, + dcsize) */
    uint8_t *vptr;              /* host pointers to the backends */
    uint8_t *pptr;
    uint8_t *dcptr;
    struct CXLType3DC *dc;      /* NULL without dynamic capacity */
    struct CXLType3MHD *mhd;    /* NULL unless a head of a multi-headed DCD */
    /*
     * multi-logical device (cxl-type3-mld.c): num-lds > 1 makes this
     * device an MLD and the host view of its LD 0; a cxl-type3-ld (mld,
     * ld-id properties) is the host view of another LD. Both have @mld,
     * and their capacity is their LD's window of the MLD's media, at
     * @media_offset in its backend.
     */
    uint8_t num_lds;            /* num-lds */
    CXLType3Dev *ld_of;         /* cxl-type3-ld: mld */
    uint8_t ld_id;              /* cxl-type3-ld: ld-id */
    struct CXLType3MLD *mld;    /* NULL: a single logical device */
    uint64_t media_offset;
    /* the DPA space: the backends in DPA order (a CXLMemTarget's) */
    MemoryRegion dpa_mr;
    MemoryRegion dpa_alias[3];
    AddressSpace dpa_as;
    CXLFastTarget fast_path;    /* the fast path's, not ours to look in */

    CXLComponentRegs comp;
    /* CPMUs (num-cpmus, cpmu-counters, cpmu-counter-width): BAR 0 */
    CXLPMUGroup pmus;
    CXLDeviceRegs devregs;
    MemoryRegion bar_regs;      /* BAR 2: the device register block */
    CXLCCI cci;
    /*
     * The fabric manager's CCI (FM-owned, a device with dynamic capacity
     * has one): the generic commands and the FM API command sets, reached
     * through a switch's Tunnel Management Command. See cxl_type3_fm_cci().
     */
    CXLCCI fm_cci;
    bool has_fm_cci;
    CXLEventLogs events;
    DOECap doe;
    GByteArray *cdat;
    uint16_t dvsec_device;      /* config offset of the CXL device DVSEC */
    /*
     * On the root bus of a Restricted CXL Host (pxb-cxl,rch=on): a CXL 1.1
     * RCD, a Root Complex Integrated Endpoint whose component registers
     * the RCH maps behind its upstream port RCRB (no BAR, no register
     * locator entry for them).
     */
    struct CXLHostBridge *rch;

    bool shutdown_dirty;        /* Set Shutdown State */
    char *state_file;           /* device-state property (cxl-type3-state.c) */
    Notifier state_exit;
    NotifierWithReturn state_migration;
    VMChangeStateEntry *state_vmse;
    bool state_handed_over;     /* migrated: the destination owns the file */
    CXLHealth health;
    CXLAlertConfig alerts;

    /* poison (cxl-type3-poison.c) */
    uint32_t scan_media_ms;     /* Scan Media duration, property */
    uint32_t poison_list_max;   /* ranges the poison list holds, property */
    struct CXLType3Poison *poison;

    /* firmware update (cxl-type3-fw.c) */
    uint32_t fw_transfer_ms_per_mib;    /* property */
    CXLType3FW fw;

    /* features and maintenance (cxl-type3-features.c) */
    uint32_t maint_ms;          /* Perform Maintenance duration, property */
    uint32_t maint_spares;      /* spare resources per operation, property */
    struct CXLType3Features *features;

    /* Sanitize duration, property (cxl-type3-sanitize.c) */
    uint32_t sanitize_ms;

    /* security (cxl-type3-security.c) */
    CXLType3Security sec;
};

/* The cxl-type3 device behind its CCI (command handlers' @cci) */
static inline CXLType3Dev *ct3_of(CXLCCI *cci)
{
    return cci->opaque;
}

/* The device's fabric manager CCI, or NULL if it has none */
static inline CXLCCI *cxl_type3_fm_cci(CXLType3Dev *ct3)
{
    return ct3->has_fm_cci ? &ct3->fm_cci : NULL;
}

/*
 * The device's own state across power cycles (cxl-type3-state.c): load at
 * realize (counting a dirty shutdown if power went away while armed),
 * save after every change of it.
 */
bool cxl_type3_state_load(CXLType3Dev *ct3, Error **errp);
void cxl_type3_state_save(CXLType3Dev *ct3);
void cxl_type3_state_loaded(CXLType3Dev *ct3);
void cxl_type3_state_init(CXLType3Dev *ct3);
void cxl_type3_state_cleanup(CXLType3Dev *ct3);

/*
 * Additional Status of Get Health Info (cxl-type3-cmds.c): life used
 * [1:0] and temperature [3:2] normal/warning/critical, corrected volatile
 * [4] and persistent [5] error counts over their warning thresholds, from
 * the device's health and its alert configuration.
 */
uint8_t cxl_type3_additional_status(CXLType3Dev *ct3);
/*
 * The 18-byte Device Health Information of Get Health Info, also carried
 * by Memory Module Event Records (Linux's struct cxl_get_health_info).
 */
void cxl_type3_health_info_put(CXLHealthInfo *out, const CXLHealth *h,
                               uint8_t additional_status);
/*
 * The device's health changes to @h (cxl-type3-inject.c): each alert
 * whose status rose (to warning, or to critical) adds a Memory Module
 * Event Record to the warning log, as CXL r3.1 8.2.9.9.3.2 describes.
 */
void cxl_type3_health_update(CXLType3Dev *ct3, const CXLHealth *h);

/* The memory device command set (cxl-type3-cmds.c) */
extern const CXLCCICommand cxl_type3_commands[];
extern const size_t cxl_type3_commands_len;

/* Firmware update: Get FW Info, Transfer FW, Activate FW (cxl-type3-fw.c) */
extern const CXLCCICommand cxl_type3_fw_commands[];
extern const size_t cxl_type3_fw_commands_len;
void cxl_type3_fw_init(CXLType3Dev *ct3);
void cxl_type3_fw_cleanup(CXLType3Dev *ct3);
/* Device reset: a partial transfer is dropped, a staged slot activated. */
void cxl_type3_fw_reset(CXLType3Dev *ct3);
/* The revision of the active firmware (16 bytes, NUL padded) */
const char *cxl_type3_fw_revision(CXLType3Dev *ct3);

/*
 * Poison (cxl-type3-poison.c): the device's list of poisoned DPA ranges,
 * at most poison_list_max of them (property poison-list-max, by default
 * CXL_TYPE3_POISON_LIST_MAX, at most the 24-bit field Identify Memory
 * Device reports it in); at most CXL_TYPE3_INJECT_POISON_LIMIT may come
 * from Inject Poison.
 */
#define CXL_TYPE3_POISON_LIST_MAX       256
#define CXL_TYPE3_POISON_LIST_MAX_MAX   0xffffff
#define CXL_TYPE3_INJECT_POISON_LIMIT   32
#define CXL_TYPE3_SCAN_MEDIA_MS         20
extern const CXLCCICommand cxl_type3_poison_commands[];
extern const size_t cxl_type3_poison_commands_len;
void cxl_type3_poison_init(CXLType3Dev *ct3);
void cxl_type3_poison_reset(CXLType3Dev *ct3);
void cxl_type3_poison_cleanup(CXLType3Dev *ct3);
/* Poison Handling Capabilities of Identify Memory Device */
uint8_t cxl_type3_poison_caps(void);
/*
 * Whether any of the @len bytes at @dpa is poisoned (CXL.mem reads of
 * them return all ones); cheap when the device has no poison.
 */
bool cxl_type3_poisoned(CXLType3Dev *ct3, uint64_t dpa, uint64_t len);
/*
 * Inject Poison and Clear Poison (4301h, 4302h) of the 64-byte
 * line at @dpa, as the mailbox commands do them (Clear writes @data, 64
 * bytes, there); also Compliance DOE's Inject Memory Device Poison.
 */
CXLRetCode cxl_type3_inject_poison(CXLType3Dev *ct3, uint64_t dpa);
CXLRetCode cxl_type3_clear_poison(CXLType3Dev *ct3, uint64_t dpa,
                                  const uint8_t *data);
/* Forget all poison (the media was overwritten: Sanitize, Secure Erase) */
void cxl_type3_poison_clear_all(CXLType3Dev *ct3);
/* Forget the poison of [@dpa, @dpa + @len) (overwritten: Media Operations) */
void cxl_type3_poison_clear_range(CXLType3Dev *ct3, uint64_t dpa,
                                  uint64_t len);

/*
 * Sanitize and Secure Erase (cxl-type3-sanitize.c); while Sanitize runs
 * the media is disabled (cci.media_disabled).
 */
#define CXL_TYPE3_SANITIZE_MS           50
extern const CXLCCICommand cxl_type3_sanitize_commands[];
extern const size_t cxl_type3_sanitize_commands_len;
/* Overwrite all capacity with zeros and forget the poison (@what: traces) */
void cxl_type3_erase_media(CXLType3Dev *ct3, const char *what);
/*
 * Overwrite the @len bytes at @dpa (within capacity) with zeros; returns
 * how many of them were not zero. Poison is left alone.
 */
uint64_t cxl_type3_zero_dpa(CXLType3Dev *ct3, uint64_t dpa, uint64_t len);
/* Media Status "disabled": media commands get Media Disabled, CXL.mem 1s */
void cxl_type3_media_set_disabled(CXLType3Dev *ct3, bool disabled);

/*
 * Media Operations (4402h, cxl-type3-media-ops.c): discovery, and
 * Sanitize and Zero over DPA ranges as background operations.
 */
#define CXL_TYPE3_MEDIA_OP_GRANULE      64
extern const CXLCCICommand cxl_type3_media_ops_commands[];
extern const size_t cxl_type3_media_ops_commands_len;
/* A HDM decoder of the device is committed: the host has it mapped. */
bool cxl_type3_memory_in_use(CXLType3Dev *ct3);

/*
 * Security (cxl-type3-security.c): Get Security State, Set/Disable
 * Passphrase, Unlock, Freeze Security State, Passphrase Secure Erase.
 * While locked (cci.media_locked) the media is not accessible.
 */
extern const CXLCCICommand cxl_type3_security_commands[];
extern const size_t cxl_type3_security_commands_len;
/* Reset or power on: locked if a user passphrase is set. */
void cxl_type3_security_reset(CXLType3Dev *ct3);
bool cxl_type3_security_user_pass_set(CXLType3Dev *ct3);

/*
 * Migration (VMSTATE_STRUCT or _POINTER in ct3_vmstate): firmware slots
 * and the transfer in progress, the poison list and Scan Media, features.
 */
extern const VMStateDescription vmstate_cxl_type3_fw;
extern const VMStateDescription vmstate_cxl_type3_poison;
extern const VMStateDescription vmstate_cxl_type3_features;

/*
 * Features (Get Supported Features, Get/Set Feature) and Perform
 * Maintenance (cxl-type3-features.c): patrol scrub, DDR5 ECS, soft/hard
 * PPR and cacheline/row/bank/rank sparing, and QEMU's emulated operation
 * durations (the scan-media-ms, fw-transfer-ms-per-mib, sanitize-ms and
 * maintenance-ms properties, each at most CXL_TYPE3_DURATION_MS_MAX). Each
 * maintenance operation has maintenance-spares spare resources (property)
 * and lasts maintenance-ms.
 */
#define CXL_TYPE3_MAINT_SPARES          4
#define CXL_TYPE3_MAINT_SPARES_MAX      UINT16_MAX
/*
 * 0: Perform Maintenance completes before it returns. Linux 7.3's EDAC
 * repair sends it without polling for a background operation
 * (cxl_perform_maintenance() leaves poll_count 0, so cxl_pci returns
 * ETIMEDOUT for one), as the kernel's mock device completes it at once.
 */
#define CXL_TYPE3_MAINT_MS              0
#define CXL_TYPE3_MAINT_MS_MAX          15  /* the maximum latency field */
#define CXL_TYPE3_DURATION_MS_MAX       3600000     /* an hour */
#define CXL_TYPE3_FEATURES_GROUP        "features"
typedef struct CXLType3Features CXLType3Features;
extern const CXLCCICommand cxl_type3_feature_commands[];
extern const size_t cxl_type3_feature_commands_len;
void cxl_type3_features_init(CXLType3Dev *ct3);
/* Device reset: saved feature values become current. */
void cxl_type3_features_reset(CXLType3Dev *ct3);
/* device-state: the saved values and the spares left, in [features] */
void cxl_type3_features_to_file(CXLType3Dev *ct3, GKeyFile *kf);
void cxl_type3_features_from_file(CXLType3Dev *ct3, GKeyFile *kf);
void cxl_type3_features_cleanup(CXLType3Dev *ct3);

/*
 * A Memory Sparing Event Record (CXL r3.2 8.2.10.2.1.4): the operation
 * that caused it (class and subclass, 0 for none), the sparing flags,
 * result and resources available, and the optional fields with has_*
 * set (they make the validity flags).
 */
typedef struct CXLSparingEvent {
    uint8_t flags;              /* record header flags */
    uint8_t op_class;
    uint8_t op_subclass;
    uint8_t sparing_flags;
    uint8_t result;
    uint16_t resources_available;
    bool has_channel, has_rank, has_nibble_mask, has_bank_group, has_bank;
    bool has_row, has_column, has_sub_channel;
    uint8_t channel;
    uint8_t rank;
    uint32_t nibble_mask;       /* 24 bits */
    uint8_t bank_group;
    uint8_t bank;
    uint32_t row;               /* 24 bits */
    uint16_t column;
    uint8_t sub_channel;
    const char *component_id;   /* NULL or at most 16 characters */
} CXLSparingEvent;
/* @ev's record, in @rec (cxl-type3-inject.c) */
void cxl_type3_sparing_record(CXLEventMemSparing *rec,
                              const CXLSparingEvent *ev);
/*
 * The General Media Event Record for poison Scan Media found at @dpa:
 * uncorrectable ECC error, transaction type "host scan media".
 */
void cxl_type3_scan_media_record(CXLEventGenMedia *rec, uint64_t dpa,
                                 bool volatile_dpa);

/*
 * Dynamic capacity (cxl-type3-dc.c): regions after the static capacity,
 * the extent store, commands 4800h-4803h and the Dynamic Capacity event
 * log. Only DPA in accepted extents is memory the host may access.
 */
#define CXL_TYPE3_DC_BLOCK_SIZE         (2 * MiB)
/* The dynamic capacity of a device (ct3->dc) */
typedef struct CXLType3DC {
    CXLDCRegion region[CXL_DC_MAX_REGIONS];
    unsigned nr_regions;
    CXLDCStore store;
    /* an Add Dynamic Capacity Response with More set was received */
    bool response_open;
    uint32_t response_batch;    /* ... for this batch */

    /* migration: loaded here, checked, then applied (cxl-type3-dc.c) */
    struct CXLType3Dev *owner;
    uint64_t mig_block_size[CXL_DC_MAX_REGIONS];
    bool mig_sanitize[CXL_DC_MAX_REGIONS];
    uint32_t mig_generation;
    uint32_t mig_next_batch;
    bool mig_response_open;
    uint32_t mig_response_batch;
    int32_t mig_nr_extents;
    struct CXLDCExtentMig *mig_extents;
} CXLType3DC;
/* An extent as the migration stream has it */
typedef struct CXLDCExtentMig {
    uint64_t dpa;
    uint64_t len;
    uint8_t tag[CXL_DC_TAG_LEN];
    uint16_t shared_seq;
    bool shared;
    uint16_t host_id;
    uint8_t region;
    uint8_t state;              /* CXLDCExtentState */
    uint32_t batch;
} CXLDCExtentMig;
/* Migration of ct3->dc (VMSTATE_STRUCT_POINTER in ct3_vmstate) */
extern const VMStateDescription vmstate_cxl_type3_dc;
/* Check the DC properties and set the regions up (hostdc is mapped) */
bool cxl_type3_dc_realize(CXLType3Dev *ct3, uint64_t backend_size,
                          Error **errp);
void cxl_type3_dc_cleanup(CXLType3Dev *ct3);
/* Device reset: pending offers are withdrawn, accepted extents stay */
void cxl_type3_dc_reset(CXLType3Dev *ct3);
/* Register the DC commands (if the device has dynamic capacity) */
void cxl_type3_dc_add_commands(CXLType3Dev *ct3);
/*
 * The FM API DCD management commands (cxl-type3-fm-dcd.c), on @cci, a
 * CCI of a device with dynamic capacity (@cci->opaque is the device)
 */
void cxl_type3_fm_dcd_add_commands(CXLCCI *cci);
/* The DPA of the first DC region */
uint64_t cxl_type3_dc_base(CXLType3Dev *ct3);
/* Region @r's entry of Get (Host) DC (Region) Configuration */
void cxl_type3_dc_region_config(CXLType3Dev *ct3, unsigned r,
                                CXLDCRegionConfig *out);
/* The extents and tags (total, available) after the region entries */
void cxl_type3_dc_config_trailer(CXLType3Dev *ct3, CXLGetDCConfigTrailer *t);
/* The accepted extents @start to @start + @n - 1 (which exist), to @out */
void cxl_type3_dc_extent_list(CXLType3Dev *ct3, uint32_t start, uint32_t n,
                              CXLDCExtentRaw *out);
/* The block sizes region @r supports: bit k = 2^k bytes */
uint64_t cxl_type3_dc_block_sizes(CXLType3Dev *ct3, unsigned r);
/*
 * Set DC Region Configuration: region @region's block size and sanitize
 * on release flag, only while it has no extent (pending or accepted);
 * adds a Region Configuration Updated record. Invalid Input (no such
 * region, unsupported block size), Unsupported (the region has extents),
 * Retry (the event log is full); nothing changes unless it succeeds.
 */
CXLRetCode cxl_type3_dc_set_region(CXLType3Dev *ct3, uint8_t region,
                                   uint64_t block_size, bool sanitize,
                                   Error **errp);
/* CDAT ranges of the DC regions, into @ranges; returns how many */
unsigned cxl_type3_dc_cdat_ranges(CXLType3Dev *ct3, CXLCDATRange *ranges);
/* Host pointer to DC DPA [@dpa, +@len) if it is all in an accepted extent */
uint8_t *cxl_type3_dc_ptr(CXLType3Dev *ct3, uint64_t dpa, uint64_t len);
/*
 * Whether the host owns all of [@dpa, +@len) (within the DPA space): it
 * is static capacity, or dynamic capacity in accepted extents (one or
 * several adjacent ones). The host's mailbox commands that change the
 * media (Inject Poison, Clear Poison, Media Operations' Sanitize and
 * Zero) take only DPA the host owns.
 */
bool cxl_type3_dpa_host_owned(CXLType3Dev *ct3, uint64_t dpa, uint64_t len);
/*
 * The fabric manager's side (QMP cxl-add-dynamic-capacity and
 * cxl-release-dynamic-capacity call these, and the FM API's Initiate
 * Dynamic Capacity Add/Release). Extents are DPA ranges of region @region;
 * @tag is 16 bytes or NULL (untagged; for a release: any tag). The
 * return code is the spec's (Invalid Input, Invalid Physical Address,
 * Invalid Extent List, Resources Exhausted, Unsupported, Retry: the event
 * log is full) and @errp says why, naming the QMP argument; nothing
 * changes unless it succeeds. Selection policy (CXL r3.1 Table 7-70) and
 * removal policy (Table 7-71) values:
 */
#define CXL_DC_SELECT_FREE              0
#define CXL_DC_SELECT_CONTIGUOUS        1
#define CXL_DC_SELECT_PRESCRIPTIVE      2
#define CXL_DC_SELECT_ENABLE_SHARED     3
#define CXL_DC_REMOVE_TAG_BASED         0
#define CXL_DC_REMOVE_PRESCRIPTIVE      1
/* Offer the extents to host @host_id: pending, with Add Capacity records */
CXLRetCode cxl_type3_dc_add(CXLType3Dev *ct3, uint16_t host_id,
                            uint8_t policy, uint8_t region,
                            const uint8_t *tag, unsigned n,
                            const uint64_t *dpa, const uint64_t *len,
                            Error **errp);
/*
 * Ask the host to release accepted capacity (Release Capacity records),
 * or with @forced take it at once (zeroed; Forced Capacity Release
 * records). Tag-based: every accepted extent of the region with @tag.
 */
CXLRetCode cxl_type3_dc_release(CXLType3Dev *ct3, uint16_t host_id,
                                uint8_t policy, bool forced, uint8_t region,
                                const uint8_t *tag, unsigned n,
                                const uint64_t *dpa, const uint64_t *len,
                                Error **errp);
/* The host id this device serves: its head (mhd-head), 0 single headed */
uint16_t cxl_type3_dc_host(CXLType3Dev *ct3);

/*
 * Multi-headed dynamic capacity (cxl-type3-mhd.c): with mhd-state the
 * device is head mhd-head of a multi-headed single-logical device whose
 * heads are in different QEMU processes, sharing the DC backend (a
 * memory-backend-file with share=on) and the state file (the extent
 * table of include/hw/cxl/cxl-mhd.h). Every change of this head's store
 * goes through begin (lock the file, load the table), update (this head
 * holds the store's extents; capacity no head holds any more is zeroed)
 * and end (write the table back, unlock). Single headed, they do nothing.
 */
#define CXL_TYPE3_MHD_HEADS_MAX         16
/* Check the MHD properties (before the DC regions are set up) */
bool cxl_type3_mhd_check_props(CXLType3Dev *ct3, Error **errp);
/* Open, check or create the state file; drop this head's old holdings */
bool cxl_type3_mhd_realize(CXLType3Dev *ct3, Error **errp);
void cxl_type3_mhd_cleanup(CXLType3Dev *ct3);
/* Lock and load; false (with @errp set) if the state file is unusable */
bool cxl_type3_mhd_begin(CXLType3Dev *ct3, Error **errp);
/* The table begin loaded (NULL single headed) */
struct CXLMHDTable *cxl_type3_mhd_table(CXLType3Dev *ct3);
/*
 * This head holds the extents of @s (to become its store); false, with
 * nothing changed, if the shared table would exceed its maximum
 */
bool cxl_type3_mhd_update(CXLType3Dev *ct3, const CXLDCStore *s);
/* Write the table back if updated, and unlock */
void cxl_type3_mhd_end(CXLType3Dev *ct3);
/*
 * After a migration's load: the shared table holds this head's store @s
 * (begin, update, end); false with @errp set if it cannot
 */
bool cxl_type3_mhd_migrated(CXLType3Dev *ct3, const CXLDCStore *s,
                            Error **errp);
/* The Get Multi-Headed Info command (FM API 5500h), on @cci */
void cxl_type3_mhd_add_commands(CXLType3Dev *ct3, CXLCCI *cci);

/*
 * Narrow @ext (linear around @hpa, which decodes to @dpa) to the DPA
 * that is all static capacity, all one accepted extent, or all one gap
 * between accepted extents.
 */
void cxl_type3_dc_clip(CXLType3Dev *ct3, uint64_t hpa, uint64_t dpa,
                       CXLExtent *ext);

/*
 * Routing: the DPA the device's committed decoders map @hpa to, narrowing
 * @ext (if not NULL) by the decoder used. False if no committed decoder
 * claims it.
 */
bool cxl_type3_decode(CXLType3Dev *ct3, uint64_t hpa, uint64_t *dpa,
                      CXLExtent *ext);
/* CXL.mem enabled (Mem_Enable in the CXL device DVSEC control register) */
bool cxl_type3_mem_enabled(CXLType3Dev *ct3);
/*
 * The cxl-type3 device a QMP command's @path argument names (a QOM path,
 * or a partial one such as the device id); errors name the argument.
 */
CXLType3Dev *cxl_type3_from_qmp_path(const char *path, Error **errp);
/* Platform firmware: set Mem_Enable. */
void cxl_type3_fw_enable_mem(CXLType3Dev *ct3);
/*
 * Platform firmware: the DVSEC range register for capacity @persistent
 * (volatile or persistent; the device must have it) decodes from @base
 * (256 MiB aligned).
 */
void cxl_type3_fw_set_range(CXLType3Dev *ct3, bool persistent, uint64_t base);
/*
 * The device's DPA space: the static capacity (volatile, persistent), then
 * the dynamic capacity. Every DPA below it is a device DPA for the
 * commands that take one (Invalid Physical Address only past it).
 */
static inline uint64_t cxl_type3_dpa_size(CXLType3Dev *ct3)
{
    return ct3->vsize + ct3->psize + ct3->dcsize;
}
/* @dpa is volatile capacity: volatile or dynamic (volatile-dc-memdev) */
static inline bool cxl_type3_dpa_volatile(CXLType3Dev *ct3, uint64_t dpa)
{
    return dpa < ct3->vsize || dpa >= ct3->vsize + ct3->psize;
}
/*
 * Host pointer to @len bytes at @dpa, or NULL if they are not all memory
 * or the media is disabled.
 */
uint8_t *cxl_type3_dpa_ptr(CXLType3Dev *ct3, uint64_t dpa, uint64_t len);
/* Who else sees the backend of [@dpa, @dpa + @len) */
CXLMemSharing cxl_type3_dpa_sharing(CXLType3Dev *ct3, uint64_t dpa,
                                    uint64_t len);
/*
 * Write @len bytes at @dpa as a memory access would: the backend is marked
 * dirty (migration) and code translated from it is dropped (TCG). The
 * caller has checked the range with cxl_type3_dpa_ptr().
 */
void cxl_type3_dpa_write(CXLType3Dev *ct3, uint64_t dpa, const void *buf,
                         uint64_t len);

/*
 * Multi-logical devices (cxl-type3-mld.c). The MLD (a cxl-type3 with
 * num-lds > 1) owns the media, the LD allocations and the FM-owned LD's
 * CCI (its fm_cci, the LD-FAM CCI); a cxl-type3-ld is LD ld-id's host
 * view. An LD's window of the media is its allocation.
 */
#define TYPE_CXL_TYPE3_LD "cxl-type3-ld"

typedef struct CXLType3MLD {
    CXLType3Dev *owner;         /* the MLD (LD 0's view) */
    unsigned num_lds;
    uint64_t capacity;          /* the whole media */
    bool persistent;            /* the media is persistent-memdev */
    uint8_t *media;             /* its host pointer */
    uint64_t size[CXL_MLD_MAX_LDS];
    uint64_t base[CXL_MLD_MAX_LDS];
    CXLType3Dev *ld[CXL_MLD_MAX_LDS];   /* the views; ld[0] the owner */
    /* QoS state (kept and validated; no traffic shaping) */
    CXLQoSControl qos;
    uint8_t alloc_bw[CXL_MLD_MAX_LDS];
    uint8_t bw_limit[CXL_MLD_MAX_LDS];
    /* migration: loaded here, checked, then applied (cxl-type3-mld.c) */
    uint64_t mig_size[CXL_MLD_MAX_LDS];
    CXLQoSControl mig_qos;
    uint8_t mig_alloc_bw[CXL_MLD_MAX_LDS];
    uint8_t mig_bw_limit[CXL_MLD_MAX_LDS];
} CXLType3MLD;
/* Migration of an MLD's table (a section of its own, cxl-type3-mld.c) */
extern const VMStateDescription vmstate_cxl_type3_mld;

/*
 * Before anything is realized: check num-lds (and for a cxl-type3-ld its
 * mld and ld-id) and the rules of an MLD; a view takes the MLD's backend.
 */
bool cxl_type3_mld_check(CXLType3Dev *ct3, Error **errp);
/*
 * After the backends are mapped (the MLD) or instead of mapping them (a
 * view): the LD table, and this device's capacity narrowed to its LD's
 * window
 */
bool cxl_type3_mld_realize(CXLType3Dev *ct3, Error **errp);
/* Unregister a view, or free an MLD's table */
void cxl_type3_mld_cleanup(CXLType3Dev *ct3);
/* The MLD Components commands on the LD-FAM CCI (@cci->opaque the MLD) */
void cxl_type3_mld_add_commands(CXLCCI *cci);
/*
 * Whether a host may see LD @k of @mld: its view is below a vPPB that is
 * bound (or being bound or unbound)
 */
bool cxl_type3_mld_ld_bound(CXLType3MLD *mld, unsigned k);
/*
 * Set the allocations of LDs @start..@start + @n - 1 to @size (bytes); the
 * others keep theirs. False with @errp set (Invalid Input, or Busy: an
 * LD whose window would move or change is bound) and nothing changed.
 */
bool cxl_type3_mld_set_alloc(CXLType3MLD *mld, unsigned start, unsigned n,
                             const uint64_t *size, CXLRetCode *rc,
                             Error **errp);
/* The MLD a QMP command's @path names (or a view of it); errors name it */
CXLType3MLD *cxl_type3_mld_from_qmp_path(const char *path, Error **errp);
/*
 * The window of @ct3 (an MLD or view) is now @size bytes at @offset of
 * the media: its capacity, DPA space, DVSEC ranges, CDAT and HDM
 * capacity follow (cxl-type3.c). Only while no host sees it.
 */
void cxl_type3_set_window(CXLType3Dev *ct3, uint64_t offset, uint64_t size);

#endif /* HW_CXL_TYPE3_H */
