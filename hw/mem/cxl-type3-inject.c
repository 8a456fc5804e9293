/*
 * QMP commands that make a cxl-type3 device report events, as its
 * firmware would (qapi/cxl.json): General Media, DRAM, Memory Module and
 * Memory Sparing event records. (RAS error injection, which ports take
 * too, is hw/cxl/cxl-ras.c.)
 *
 * Record layouts are the structs of cxl-mailbox.h (CXL r3.1 8.2.9.2.1,
 * Linux's include/cxl/event.h): CXLEventGenMedia, CXLEventDram,
 * CXLEventMemModule and CXLEventMemSparing, each starting with the common
 * CXLEventRecordHdr. Validity flags say which optional fields are given.
 * The r3.2 fields (header maintenance operation class and subclass, LD-ID
 * and head ID; sub-types, CME/CVME counts, component IDs in PLDM format)
 * are those Linux 7.3 reads (drivers/cxl/core/trace.h), with its validity
 * bits and sub-type tables.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */


#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-cxl.h"
#include "hw/cxl/cxl-mailbox.h"
#include "hw/cxl/cxl-type3.h"
#include "trace.h"

#define DPA_FLAGS_MASK          0x3full
#define COMPONENT_ID_LEN        CXL_EVENT_COMPONENT_ID_LEN

/* Record UUIDs (CXL r3.1 Tables 8-45 to 8-47, r3.2 memory sparing) */
static const uint8_t gen_media_uuid[16] = {
    0xfb, 0xcd, 0x0a, 0x77, 0xc2, 0x60, 0x41, 0x7f,
    0x85, 0xa9, 0x08, 0x8b, 0x16, 0x21, 0xeb, 0xa6,
};
static const uint8_t dram_uuid[16] = {
    0x60, 0x1d, 0xcb, 0xb3, 0x9c, 0x06, 0x4e, 0xab,
    0xb8, 0xaf, 0x4e, 0x9b, 0xfb, 0x5c, 0x96, 0x24,
};
static const uint8_t mem_module_uuid[16] = {
    0xfe, 0x92, 0x74, 0x75, 0xdd, 0x59, 0x43, 0x39,
    0xa5, 0x86, 0x79, 0xba, 0xb1, 0x13, 0xb7, 0x74,
};
static const uint8_t mem_sparing_uuid[16] = {
    0xe7, 0x1f, 0x3a, 0x40, 0x2d, 0x29, 0x40, 0x92,
    0x8a, 0x39, 0x4d, 0x1c, 0x96, 0x6c, 0x7c, 0x65,
};

/*
 * General Media DPA flags, descriptor, memory event type and transaction
 * type (Linux's CXL_GMER_* in drivers/cxl/core/trace.h)
 */
#define GMER_DPA_VOLATILE       BIT(0)
#define GMER_DESC_UNCORRECTABLE BIT(0)
#define GMER_TYPE_ECC           0x00
#define GMER_TRANS_HOST_SCAN_MEDIA 0x03
/* General Media validity flags */
#define GMER_CHANNEL            BIT(0)
#define GMER_RANK               BIT(1)
#define GMER_DEVICE             BIT(2)
#define GMER_COMPONENT          BIT(3)
/* DRAM validity flags */
#define DER_CHANNEL             BIT(0)
#define DER_RANK                BIT(1)
#define DER_NIBBLE              BIT(2)
#define DER_BANK_GROUP          BIT(3)
#define DER_BANK                BIT(4)
#define DER_ROW                 BIT(5)
#define DER_COLUMN              BIT(6)
#define DER_CORRECTION_MASK     BIT(7)
/* Memory Sparing validity flags */
#define MSER_CHANNEL            BIT(0)
#define MSER_RANK               BIT(1)
#define MSER_NIBBLE             BIT(2)
#define MSER_BANK_GROUP         BIT(3)
#define MSER_BANK               BIT(4)
#define MSER_ROW                BIT(5)
#define MSER_COLUMN             BIT(6)
#define MSER_COMPONENT          BIT(7)
#define MSER_SUB_CHANNEL        BIT(9)

/*
 * Common header flags (24 bits) the r3.2 fields make valid (Linux's
 * CXL_EVENT_RECORD_FLAG_*)
 */
#define HDR_MAINT_OP_SUBCLASS_VALID BIT(6)
#define HDR_LD_ID_VALID         BIT(7)
#define HDR_HEAD_ID_VALID       BIT(8)
/* General Media: component ID in PLDM format */
#define GMER_COMPONENT_PLDM     BIT(4)
/* DRAM: component ID, its PLDM format, sub-channel */
#define DER_COMPONENT           BIT(8)
#define DER_COMPONENT_PLDM      BIT(9)
#define DER_SUB_CHANNEL         BIT(10)
/* Memory Module validity flags */
#define MMER_COMPONENT          BIT(0)
#define MMER_COMPONENT_PLDM     BIT(1)

/*
 * Last entries of the sub-type tables: General Media and DRAM Memory Event
 * Sub-Type (0 not reported .. 5 media link CRC error), Memory Module
 * Device Event Sub-Type (0 not reported .. 3 unsupported memory media
 * FRU); Linux's show_mem_event_sub_type() and show_dev_event_sub_type()
 */
#define MEM_SUB_TYPE_MAX        0x05
#define DEV_SUB_TYPE_MAX        0x03

#define MAX_24BIT               0xffffffu
#define CORRECTION_MASKS        CXL_EVENT_DRAM_CORRECTION_MASKS

/* The device, and the header of its (zeroed) record: UUID and flags */
static CXLType3Dev *record_start(const char *path, uint8_t flags,
                                 const uint8_t *uuid, CXLEventRecordHdr *hdr,
                                 Error **errp)
{
    CXLType3Dev *ct3 = cxl_type3_from_qmp_path(path, errp);

    if (!ct3) {
        return NULL;
    }
    memcpy(hdr->uuid, uuid, CXL_UUID_LEN);
    hdr->flags[0] = flags;
    return ct3;
}

static void record_add(CXLType3Dev *ct3, CxlEventLog log, void *rec)
{
    cxl_events_add(&ct3->events, (CXLEventLogType)log, rec,
                   cxl_cci_timestamp(&ct3->cci));
}

/* @dpa (flags in bits [5:0]) is in the DPA space, dynamic capacity too */
static bool check_dpa(CXLType3Dev *ct3, uint64_t dpa, Error **errp)
{
    uint64_t cap = cxl_type3_dpa_size(ct3);
    uint64_t addr = dpa & ~DPA_FLAGS_MASK;

    if (addr >= cap) {
        error_setg(errp, "dpa: 0x%" PRIx64 " is beyond the device's capacity "
                   "(0x%" PRIx64 " bytes)", addr, cap);
        return false;
    }
    return true;
}

static bool check_24bit(const char *name, bool has, uint32_t v, Error **errp)
{
    if (has && v > MAX_24BIT) {
        error_setg(errp, "%s: 0x%" PRIx32 " does not fit the field's 24 bits",
                   name, v);
        return false;
    }
    return true;
}

static bool put_component_id(uint8_t *dst, const char *id, Error **errp)
{
    size_t len = strlen(id);

    if (len > COMPONENT_ID_LEN) {
        error_setg(errp, "component-id: at most %d bytes (got %zu)",
                   COMPONENT_ID_LEN, len);
        return false;
    }
    memcpy(dst, id, len);
    return true;
}

/*
 * The component ID and its format, with their validity bits @valid_id and
 * @valid_pldm; nothing if neither is given
 */
static bool put_component(uint8_t *dst, const char *id, bool has_pldm,
                          bool pldm, uint16_t valid_id, uint16_t valid_pldm,
                          uint16_t *valid, Error **errp)
{
    if (has_pldm && pldm && !id) {
        error_setg(errp, "is-comp-id-pldm: there is no component-id");
        return false;
    }
    if (!id) {
        return true;
    }
    if (!put_component_id(dst, id, errp)) {
        return false;
    }
    *valid |= valid_id | (has_pldm && pldm ? valid_pldm : 0);
    return true;
}

static bool check_sub_type(bool has, uint8_t sub_type, uint8_t max,
                           Error **errp)
{
    if (has && sub_type > max) {
        error_setg(errp, "sub-type: %u is not in the spec's table (0 to %u)",
                   sub_type, max);
        return false;
    }
    return true;
}

/*
 * The CXL r3.2 common header fields: maintenance operation class and
 * subclass, LD-ID and head ID, the last three with their validity flags
 */
static void header_r32(CXLEventRecordHdr *hdr, bool has_maint_op_class,
                       uint8_t maint_op_class, bool has_maint_op_subclass,
                       uint8_t maint_op_subclass, bool has_ld_id,
                       uint16_t ld_id, bool has_head_id, uint8_t head_id)
{
    uint32_t flags = hdr->flags[0] | hdr->flags[1] << 8 |
                     hdr->flags[2] << 16;

    if (has_maint_op_class) {
        hdr->maint_op_class = maint_op_class;
    }
    if (has_maint_op_subclass) {
        hdr->maint_op_subclass = maint_op_subclass;
        flags |= HDR_MAINT_OP_SUBCLASS_VALID;
    }
    if (has_ld_id) {
        hdr->ld_id = cpu_to_le16(ld_id);
        flags |= HDR_LD_ID_VALID;
    }
    if (has_head_id) {
        hdr->head_id = head_id;
        flags |= HDR_HEAD_ID_VALID;
    }
    st24_le_p(hdr->flags, flags);
}

/* The fields General Media and DRAM records share (media header) */
static void media_header(CXLEventMediaHdr *m, uint64_t dpa,
                         uint8_t descriptor, uint8_t type,
                         uint8_t transaction_type, bool has_channel,
                         uint8_t channel, bool has_rank, uint8_t rank,
                         uint16_t *valid)
{
    m->dpa = cpu_to_le64(dpa);
    m->descriptor = descriptor;
    m->type = type;
    m->transaction_type = transaction_type;
    if (has_channel) {
        m->channel = channel;
        *valid |= BIT(0);
    }
    if (has_rank) {
        m->rank = rank;
        *valid |= BIT(1);
    }
}

void cxl_type3_scan_media_record(CXLEventGenMedia *rec, uint64_t dpa,
                                 bool volatile_dpa)
{
    uint16_t valid = 0;

    memset(rec, 0, sizeof(*rec));
    memcpy(rec->media.hdr.uuid, gen_media_uuid, CXL_UUID_LEN);
    media_header(&rec->media, dpa | (volatile_dpa ? GMER_DPA_VOLATILE : 0),
                 GMER_DESC_UNCORRECTABLE, GMER_TYPE_ECC,
                 GMER_TRANS_HOST_SCAN_MEDIA, false, 0, false, 0, &valid);
    rec->media.validity_flags = cpu_to_le16(valid);
}

void qmp_cxl_inject_general_media_event(const char *path, CxlEventLog log,
                                        uint8_t flags, uint64_t dpa,
                                        uint8_t descriptor, uint8_t type,
                                        uint8_t transaction_type,
                                        bool has_channel, uint8_t channel,
                                        bool has_rank, uint8_t rank,
                                        bool has_device, uint32_t device,
                                        const char *component_id,
                                        bool has_is_comp_id_pldm,
                                        bool is_comp_id_pldm,
                                        bool has_sub_type, uint8_t sub_type,
                                        bool has_cme_ev_flags,
                                        uint8_t cme_ev_flags,
                                        bool has_cme_count, uint32_t cme_count,
                                        bool has_maint_op_class,
                                        uint8_t maint_op_class,
                                        bool has_maint_op_subclass,
                                        uint8_t maint_op_subclass,
                                        bool has_ld_id, uint16_t ld_id,
                                        bool has_head_id, uint8_t head_id,
                                        Error **errp)
{
    CXLEventGenMedia rec = { };
    uint16_t valid = 0;
    CXLType3Dev *ct3 = record_start(path, flags, gen_media_uuid,
                                    &rec.media.hdr, errp);

    trace_cxl_inject_general_media_event(path, log, flags, dpa, descriptor,
                                         type, transaction_type);
    if (!ct3 || !check_dpa(ct3, dpa, errp) ||
        !check_24bit("device", has_device, device, errp) ||
        !check_sub_type(has_sub_type, sub_type, MEM_SUB_TYPE_MAX, errp) ||
        !check_24bit("cme-count", has_cme_count, cme_count, errp) ||
        !put_component(rec.component_id, component_id, has_is_comp_id_pldm,
                       is_comp_id_pldm, GMER_COMPONENT, GMER_COMPONENT_PLDM,
                       &valid, errp)) {
        return;
    }
    header_r32(&rec.media.hdr, has_maint_op_class, maint_op_class,
               has_maint_op_subclass, maint_op_subclass, has_ld_id, ld_id,
               has_head_id, head_id);
    media_header(&rec.media, dpa, descriptor, type, transaction_type,
                 has_channel, channel, has_rank, rank, &valid);
    if (has_device) {
        st24_le_p(rec.device, device);
        valid |= GMER_DEVICE;
    }
    /* no validity flags: sub-type 0 is "not reported", counts 0 none */
    rec.sub_type = sub_type;
    rec.cme_threshold_ev_flags = cme_ev_flags;
    st24_le_p(rec.cme_count, cme_count);
    rec.media.validity_flags = cpu_to_le16(valid);
    record_add(ct3, log, &rec);
}

void qmp_cxl_inject_dram_event(const char *path, CxlEventLog log,
                               uint8_t flags, uint64_t dpa,
                               uint8_t descriptor, uint8_t type,
                               uint8_t transaction_type, bool has_channel,
                               uint8_t channel, bool has_rank, uint8_t rank,
                               bool has_nibble_mask, uint32_t nibble_mask,
                               bool has_bank_group, uint8_t bank_group,
                               bool has_bank, uint8_t bank, bool has_row,
                               uint32_t row, bool has_column, uint16_t column,
                               bool has_correction_mask,
                               uint64List *correction_mask,
                               const char *component_id,
                               bool has_is_comp_id_pldm, bool is_comp_id_pldm,
                               bool has_sub_channel, uint8_t sub_channel,
                               bool has_sub_type, uint8_t sub_type,
                               bool has_cme_ev_flags, uint8_t cme_ev_flags,
                               bool has_cvme_count, uint32_t cvme_count,
                               bool has_maint_op_class, uint8_t maint_op_class,
                               bool has_maint_op_subclass,
                               uint8_t maint_op_subclass,
                               bool has_ld_id, uint16_t ld_id,
                               bool has_head_id, uint8_t head_id,
                               Error **errp)
{
    CXLEventDram rec = { };
    uint16_t valid = 0;
    unsigned n = 0;
    CXLType3Dev *ct3 = record_start(path, flags, dram_uuid, &rec.media.hdr,
                                    errp);

    trace_cxl_inject_dram_event(path, log, flags, dpa, descriptor, type,
                                transaction_type);
    if (!ct3 || !check_dpa(ct3, dpa, errp) ||
        !check_24bit("nibble-mask", has_nibble_mask, nibble_mask, errp) ||
        !check_24bit("row", has_row, row, errp) ||
        !check_sub_type(has_sub_type, sub_type, MEM_SUB_TYPE_MAX, errp) ||
        !check_24bit("cvme-count", has_cvme_count, cvme_count, errp) ||
        !put_component(rec.component_id, component_id, has_is_comp_id_pldm,
                       is_comp_id_pldm, DER_COMPONENT, DER_COMPONENT_PLDM,
                       &valid, errp)) {
        return;
    }
    if (has_correction_mask && !correction_mask) {
        error_setg(errp, "correction-mask: give at least one mask, or leave "
                   "the argument out");
        return;
    }
    for (uint64List *m = correction_mask; m; m = m->next) {
        if (n == CORRECTION_MASKS) {
            error_setg(errp, "correction-mask: at most %d masks",
                       CORRECTION_MASKS);
            return;
        }
        rec.correction_mask[n++] = cpu_to_le64(m->value);
    }
    media_header(&rec.media, dpa, descriptor, type, transaction_type,
                 has_channel, channel, has_rank, rank, &valid);
    if (has_nibble_mask) {
        st24_le_p(rec.nibble_mask, nibble_mask);
        valid |= DER_NIBBLE;
    }
    if (has_bank_group) {
        rec.bank_group = bank_group;
        valid |= DER_BANK_GROUP;
    }
    if (has_bank) {
        rec.bank = bank;
        valid |= DER_BANK;
    }
    if (has_row) {
        st24_le_p(rec.row, row);
        valid |= DER_ROW;
    }
    if (has_column) {
        rec.column = cpu_to_le16(column);
        valid |= DER_COLUMN;
    }
    if (n) {
        valid |= DER_CORRECTION_MASK;
    }
    if (has_sub_channel) {
        rec.sub_channel = sub_channel;
        valid |= DER_SUB_CHANNEL;
    }
    header_r32(&rec.media.hdr, has_maint_op_class, maint_op_class,
               has_maint_op_subclass, maint_op_subclass, has_ld_id, ld_id,
               has_head_id, head_id);
    rec.sub_type = sub_type;
    rec.cme_threshold_ev_flags = cme_ev_flags;
    st24_le_p(rec.cvme_count, cvme_count);
    rec.media.validity_flags = cpu_to_le16(valid);
    record_add(ct3, log, &rec);
}

/* The Memory Module Event Record's event type and health information */
static void mem_module_fill(CXLEventMemModule *rec, uint8_t type,
                            const CXLHealth *h, uint8_t additional_status)
{
    rec->event_type = type;
    cxl_type3_health_info_put(&rec->info, h, additional_status);
}

void qmp_cxl_inject_memory_module_event(const char *path, CxlEventLog log,
                                        uint8_t flags, uint8_t type,
                                        uint8_t health_status,
                                        uint8_t media_status,
                                        uint8_t additional_status,
                                        uint8_t life_used,
                                        int16_t temperature,
                                        uint32_t dirty_shutdown_count,
                                        uint32_t corrected_volatile_error_count,
                                        uint32_t corrected_persistent_error_count,
                                        const char *component_id,
                                        bool has_is_comp_id_pldm,
                                        bool is_comp_id_pldm,
                                        bool has_sub_type, uint8_t sub_type,
                                        bool has_maint_op_class,
                                        uint8_t maint_op_class,
                                        bool has_maint_op_subclass,
                                        uint8_t maint_op_subclass,
                                        bool has_ld_id, uint16_t ld_id,
                                        bool has_head_id, uint8_t head_id,
                                        Error **errp)
{
    CXLEventMemModule rec = { };
    uint16_t valid = 0;
    CXLType3Dev *ct3 = record_start(path, flags, mem_module_uuid, &rec.hdr,
                                    errp);
    CXLHealth health = {
        .health_status = health_status,
        .media_status = media_status,
        .life_used = life_used,
        .temperature = temperature,
        .dirty_shutdowns = dirty_shutdown_count,
        .corrected_volatile = corrected_volatile_error_count,
        .corrected_persistent = corrected_persistent_error_count,
    };

    trace_cxl_inject_memory_module_event(path, log, flags, type, health_status,
                                         media_status, life_used, temperature);
    if (!ct3) {
        return;
    }
    if (life_used > 100) {
        error_setg(errp, "life-used: %u is not a percentage (0 to 100)",
                   life_used);
        return;
    }
    if (!check_sub_type(has_sub_type, sub_type, DEV_SUB_TYPE_MAX, errp) ||
        !put_component(rec.component_id, component_id, has_is_comp_id_pldm,
                       is_comp_id_pldm, MMER_COMPONENT, MMER_COMPONENT_PLDM,
                       &valid, errp)) {
        return;
    }
    header_r32(&rec.hdr, has_maint_op_class, maint_op_class,
               has_maint_op_subclass, maint_op_subclass, has_ld_id, ld_id,
               has_head_id, head_id);
    mem_module_fill(&rec, type, &health, additional_status);
    rec.event_sub_type = sub_type;
    rec.validity_flags = cpu_to_le16(valid);
    record_add(ct3, log, &rec);
    /*
     * The record reports the device's health: it becomes the device's
     * (Get Health Info), and alert thresholds it crosses raise warnings.
     * The dirty shutdown count stays the device's own.
     */
    health.dirty_shutdowns = ct3->health.dirty_shutdowns;
    cxl_type3_health_update(ct3, &health);
}

/* Memory Module Event Types (CXL r3.1 Table 8-47) */
#define MMER_HEALTH_STATUS_CHANGE   0x00
#define MMER_LIFE_USED_CHANGE       0x02
#define MMER_TEMPERATURE_CHANGE     0x03

/* Additional Status fields */
#define ADD_STATUS_LIFE_USED        0x03
#define ADD_STATUS_TEMPERATURE      0x0c
#define ADD_STATUS_CORR_VOLATILE    0x10
#define ADD_STATUS_CORR_PERSISTENT  0x20

void cxl_type3_health_update(CXLType3Dev *ct3, const CXLHealth *h)
{
    static const struct {
        uint8_t mask;
        uint8_t event_type;
    } alerts[] = {
        { ADD_STATUS_LIFE_USED, MMER_LIFE_USED_CHANGE },
        { ADD_STATUS_TEMPERATURE, MMER_TEMPERATURE_CHANGE },
        { ADD_STATUS_CORR_VOLATILE, MMER_HEALTH_STATUS_CHANGE },
        { ADD_STATUS_CORR_PERSISTENT, MMER_HEALTH_STATUS_CHANGE },
    };
    uint8_t before = cxl_type3_additional_status(ct3), after;

    ct3->health = *h;
    after = cxl_type3_additional_status(ct3);
    for (unsigned i = 0; i < ARRAY_SIZE(alerts); i++) {
        CXLEventMemModule rec = { };

        if ((after & alerts[i].mask) <= (before & alerts[i].mask)) {
            continue;
        }
        memcpy(rec.hdr.uuid, mem_module_uuid, CXL_UUID_LEN);
        mem_module_fill(&rec, alerts[i].event_type, &ct3->health, after);
        cxl_events_add(&ct3->events, CXL_EVLOG_WARN, (CXLEventRecord *)&rec,
                       cxl_cci_timestamp(&ct3->cci));
    }
}

void cxl_type3_sparing_record(CXLEventMemSparing *rec,
                              const CXLSparingEvent *ev)
{
    uint16_t valid = 0;

    memset(rec, 0, sizeof(*rec));
    memcpy(rec->hdr.uuid, mem_sparing_uuid, CXL_UUID_LEN);
    rec->hdr.flags[0] = ev->flags;
    rec->hdr.maint_op_class = ev->op_class;
    rec->hdr.maint_op_subclass = ev->op_subclass;
    rec->flags = ev->sparing_flags;
    rec->result = ev->result;
    rec->resources_available = cpu_to_le16(ev->resources_available);
    if (ev->has_channel) {
        rec->channel = ev->channel;
        valid |= MSER_CHANNEL;
    }
    if (ev->has_rank) {
        rec->rank = ev->rank;
        valid |= MSER_RANK;
    }
    if (ev->has_nibble_mask) {
        st24_le_p(rec->nibble_mask, ev->nibble_mask);
        valid |= MSER_NIBBLE;
    }
    if (ev->has_bank_group) {
        rec->bank_group = ev->bank_group;
        valid |= MSER_BANK_GROUP;
    }
    if (ev->has_bank) {
        rec->bank = ev->bank;
        valid |= MSER_BANK;
    }
    if (ev->has_row) {
        st24_le_p(rec->row, ev->row);
        valid |= MSER_ROW;
    }
    if (ev->has_column) {
        rec->column = cpu_to_le16(ev->column);
        valid |= MSER_COLUMN;
    }
    if (ev->component_id) {
        memcpy(rec->component_id, ev->component_id,
               strnlen(ev->component_id, COMPONENT_ID_LEN));
        valid |= MSER_COMPONENT;
    }
    if (ev->has_sub_channel) {
        rec->sub_channel = ev->sub_channel;
        valid |= MSER_SUB_CHANNEL;
    }
    rec->validity_flags = cpu_to_le16(valid);
}

void qmp_cxl_inject_memory_sparing_event(const char *path, CxlEventLog log,
                                         uint8_t flags, uint8_t sparing_flags,
                                         uint8_t result,
                                         uint16_t resources_available,
                                         bool has_channel, uint8_t channel,
                                         bool has_rank, uint8_t rank,
                                         bool has_nibble_mask,
                                         uint32_t nibble_mask,
                                         bool has_bank_group,
                                         uint8_t bank_group, bool has_bank,
                                         uint8_t bank, bool has_row,
                                         uint32_t row, bool has_column,
                                         uint16_t column,
                                         const char *component_id,
                                         bool has_sub_channel,
                                         uint8_t sub_channel, Error **errp)
{
    CXLEventMemSparing rec = { };
    CXLType3Dev *ct3 = record_start(path, flags, mem_sparing_uuid, &rec.hdr,
                                    errp);
    CXLSparingEvent ev = {
        .flags = flags, .sparing_flags = sparing_flags, .result = result,
        .resources_available = resources_available,
        .has_channel = has_channel, .channel = channel,
        .has_rank = has_rank, .rank = rank,
        .has_nibble_mask = has_nibble_mask, .nibble_mask = nibble_mask,
        .has_bank_group = has_bank_group, .bank_group = bank_group,
        .has_bank = has_bank, .bank = bank, .has_row = has_row, .row = row,
        .has_column = has_column, .column = column,
        .component_id = component_id,
        .has_sub_channel = has_sub_channel, .sub_channel = sub_channel,
    };

    trace_cxl_inject_memory_sparing_event(path, log, flags, sparing_flags,
                                          result, resources_available);
    if (!ct3 ||
        !check_24bit("nibble-mask", has_nibble_mask, nibble_mask, errp) ||
        !check_24bit("row", has_row, row, errp) ||
        (component_id &&
         !put_component_id(rec.component_id, component_id, errp))) {
        return;
    }
    cxl_type3_sparing_record(&rec, &ev);
    record_add(ct3, log, &rec);
}

