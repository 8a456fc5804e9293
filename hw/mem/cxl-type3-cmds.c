/*
 * The memory device command set of cxl-type3 (CXL r3.1 8.2.9.9); the
 * firmware commands are in cxl-type3-fw.c. Payloads are the structs of
 * include/hw/cxl/cxl-mailbox.h: Identify Memory Device, Get/Set Partition
 * Info, Get/Set LSA, Get Health Info, Get/Set Alert Configuration and
 * Get/Set Shutdown State.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/units.h"
#include "hw/cxl/cxl-mailbox.h"
#include "hw/cxl/cxl-type3.h"

#define CAPACITY_UNIT           (256 * MiB)

/* Alert bits (valid/programmable/enable) */
#define ALERT_LIFE_USED         BIT(0)
#define ALERT_OVER_TEMP         BIT(1)
#define ALERT_UNDER_TEMP        BIT(2)
#define ALERT_CORR_VOLATILE     BIT(3)
#define ALERT_CORR_PERSISTENT   BIT(4)
#define ALERT_ALL               MAKE_64BIT_MASK(0, 5)

/* Additional status: life used [1:0], temperature [3:2], corrected [5:4] */
#define STATUS_NORMAL           0
#define STATUS_WARNING          1
#define STATUS_CRITICAL         2

static uint64_t lsa_size(CXLType3Dev *ct3)
{
    return ct3->lsa ?
        memory_region_size(host_memory_backend_get_memory(ct3->lsa)) : 0;
}

static uint8_t *lsa_ptr(CXLType3Dev *ct3)
{
    return memory_region_get_ram_ptr(host_memory_backend_get_memory(ct3->lsa));
}

static CXLRetCode cmd_identify_memdev(CXLCCI *cci, const uint8_t *in,
                                      size_t in_len, uint8_t *out,
                                      size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);
    CXLIdentifyMemdevOut *o = (CXLIdentifyMemdevOut *)out;

    memset(o, 0, sizeof(*o));
    memcpy(o->fw_revision, cxl_type3_fw_revision(ct3),
           CXL_TYPE3_FW_REVISION_LEN);
    o->total_capacity = cpu_to_le64((ct3->vsize + ct3->psize) /
                                    CAPACITY_UNIT);
    o->volatile_capacity = cpu_to_le64(ct3->vsize / CAPACITY_UNIT);
    o->persistent_capacity = cpu_to_le64(ct3->psize / CAPACITY_UNIT);
    o->partition_align = cpu_to_le64(0);        /* not partitionable */
    for (unsigned t = 0; t < CXL_EVLOG_COUNT; t++) {
        o->event_log_size[t] = cpu_to_le16(ct3->event_log_size);
    }
    o->lsa_size = cpu_to_le32(lsa_size(ct3));
    st24_le_p(o->poison_list_max, ct3->poison_list_max);
    o->inject_poison_limit = cpu_to_le16(CXL_TYPE3_INJECT_POISON_LIMIT);
    o->poison_caps = cxl_type3_poison_caps();
    /* dynamic capacity is not in the totals above (Get DC Configuration) */
    if (ct3->dc) {
        o->dc_event_log_size = cpu_to_le16(ct3->event_log_size);
    }
    *out_len = sizeof(*o);
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_get_partition_info(CXLCCI *cci, const uint8_t *in,
                                         size_t in_len, uint8_t *out,
                                         size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);
    CXLGetPartitionInfoOut *o = (CXLGetPartitionInfoOut *)out;

    *o = (CXLGetPartitionInfoOut) {
        .active_volatile = cpu_to_le64(ct3->vsize / CAPACITY_UNIT),
        .active_persistent = cpu_to_le64(ct3->psize / CAPACITY_UNIT),
        .next_volatile = 0,
        .next_persistent = 0,
    };
    *out_len = sizeof(*o);
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_set_partition_info(CXLCCI *cci, const uint8_t *in,
                                         size_t in_len, uint8_t *out,
                                         size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);
    const CXLSetPartitionInfoIn *i = (const CXLSetPartitionInfoIn *)in;

    /*
     * Our capacities are static (partition alignment 0): the only valid
     * request is the partitioning the device already has.
     */
    if (le64_to_cpu(i->volatile_capacity) != ct3->vsize / CAPACITY_UNIT ||
        (i->flags & ~1)) {
        return CXL_RC_INVALID_INPUT;
    }
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_get_lsa(CXLCCI *cci, const uint8_t *in, size_t in_len,
                              uint8_t *out, size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);
    const CXLGetLSAIn *i = (const CXLGetLSAIn *)in;
    /* 32-bit unsigned fields: no overflow in the 64-bit sums */
    uint64_t offset = le32_to_cpu(i->offset), len = le32_to_cpu(i->length);

    if (len > cci->payload_max || offset + len > lsa_size(ct3)) {
        return CXL_RC_INVALID_INPUT;
    }
    if (len) {
        memcpy(out, lsa_ptr(ct3) + offset, len);
    }
    *out_len = len;
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_set_lsa(CXLCCI *cci, const uint8_t *in, size_t in_len,
                              uint8_t *out, size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);
    const CXLSetLSAIn *i = (const CXLSetLSAIn *)in;
    uint64_t offset = le32_to_cpu(i->offset), len = in_len - sizeof(*i);
    MemoryRegion *mr;

    if (offset + len > lsa_size(ct3)) {
        return CXL_RC_INVALID_INPUT;
    }
    if (len) {
        mr = host_memory_backend_get_memory(ct3->lsa);
        memcpy(lsa_ptr(ct3) + offset, i->data, len);
        memory_region_set_dirty(mr, offset, len);
    }
    return CXL_RC_SUCCESS;
}

static uint8_t level(int64_t value, bool warn_on, int64_t warn, int64_t crit,
                     bool above)
{
    if (above ? value >= crit : value <= crit) {
        return STATUS_CRITICAL;
    }
    if (warn_on && (above ? value >= warn : value <= warn)) {
        return STATUS_WARNING;
    }
    return STATUS_NORMAL;
}

void cxl_type3_health_info_put(CXLHealthInfo *out, const CXLHealth *h,
                               uint8_t additional_status)
{
    *out = (CXLHealthInfo) {
        .health_status = h->health_status,
        .media_status = h->media_status,
        .additional_status = additional_status,
        .life_used = h->life_used,
        .temperature = cpu_to_le16(h->temperature),
        .dirty_shutdowns = cpu_to_le32(h->dirty_shutdowns),
        .corrected_volatile = cpu_to_le32(h->corrected_volatile),
        .corrected_persistent = cpu_to_le32(h->corrected_persistent),
    };
}

uint8_t cxl_type3_additional_status(CXLType3Dev *ct3)
{
    CXLHealth *h = &ct3->health;
    CXLAlertConfig *a = &ct3->alerts;
    uint8_t life, temp;

    life = level(h->life_used, a->valid & ALERT_LIFE_USED, a->life_used_warn,
                 a->life_used_crit, true);
    temp = MAX(level(h->temperature, a->valid & ALERT_OVER_TEMP,
                     a->over_temp_warn, a->over_temp_crit, true),
               level(h->temperature, a->valid & ALERT_UNDER_TEMP,
                     a->under_temp_warn, a->under_temp_crit, false));
    return life | temp << 2 |
        ((a->valid & ALERT_CORR_VOLATILE) &&
         h->corrected_volatile >= a->corr_volatile_warn) << 4 |
        ((a->valid & ALERT_CORR_PERSISTENT) &&
         h->corrected_persistent >= a->corr_persistent_warn) << 5;
}

static CXLRetCode cmd_get_health_info(CXLCCI *cci, const uint8_t *in,
                                      size_t in_len, uint8_t *out,
                                      size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);

    cxl_type3_health_info_put((CXLHealthInfo *)out, &ct3->health,
                              cxl_type3_additional_status(ct3));
    *out_len = sizeof(CXLHealthInfo);
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_get_alert_config(CXLCCI *cci, const uint8_t *in,
                                       size_t in_len, uint8_t *out,
                                       size_t *out_len)
{
    CXLAlertConfig *a = &ct3_of(cci)->alerts;
    CXLGetAlertConfigOut *o = (CXLGetAlertConfigOut *)out;

    *o = (CXLGetAlertConfigOut) {
        .valid_alerts = a->valid,
        .programmable_alerts = ALERT_ALL,
        .life_used_crit = a->life_used_crit,
        .life_used_warn = a->life_used_warn,
        .over_temp_crit = cpu_to_le16(a->over_temp_crit),
        .under_temp_crit = cpu_to_le16(a->under_temp_crit),
        .over_temp_warn = cpu_to_le16(a->over_temp_warn),
        .under_temp_warn = cpu_to_le16(a->under_temp_warn),
        .corr_volatile_warn = cpu_to_le16(a->corr_volatile_warn),
        .corr_persistent_warn = cpu_to_le16(a->corr_persistent_warn),
    };
    *out_len = sizeof(*o);
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_set_alert_config(CXLCCI *cci, const uint8_t *in,
                                       size_t in_len, uint8_t *out,
                                       size_t *out_len)
{
    const CXLSetAlertConfigIn *i = (const CXLSetAlertConfigIn *)in;
    CXLAlertConfig *a = &ct3_of(cci)->alerts;
    CXLAlertConfig n = *a;
    uint8_t valid = i->valid_actions, enable = i->enable_actions;

    if ((valid | enable) & ~ALERT_ALL || (enable & ~valid)) {
        return CXL_RC_INVALID_INPUT;
    }
    if (valid & ALERT_LIFE_USED) {
        n.life_used_warn = i->life_used_warn;
    }
    if (valid & ALERT_OVER_TEMP) {
        n.over_temp_warn = le16_to_cpu(i->over_temp_warn);
    }
    if (valid & ALERT_UNDER_TEMP) {
        n.under_temp_warn = le16_to_cpu(i->under_temp_warn);
    }
    if (valid & ALERT_CORR_VOLATILE) {
        n.corr_volatile_warn = le16_to_cpu(i->corr_volatile_warn);
    }
    if (valid & ALERT_CORR_PERSISTENT) {
        n.corr_persistent_warn = le16_to_cpu(i->corr_persistent_warn);
    }
    n.valid = (a->valid & ~valid) | enable;
    /* a warning threshold must come before its critical one */
    if ((n.valid & ALERT_LIFE_USED && n.life_used_warn >= n.life_used_crit) ||
        (n.valid & ALERT_OVER_TEMP && n.over_temp_warn >= n.over_temp_crit) ||
        (n.valid & ALERT_UNDER_TEMP &&
         n.under_temp_warn <= n.under_temp_crit)) {
        return CXL_RC_INVALID_INPUT;
    }
    *a = n;
    cxl_type3_state_save(ct3_of(cci));
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_get_shutdown_state(CXLCCI *cci, const uint8_t *in,
                                         size_t in_len, uint8_t *out,
                                         size_t *out_len)
{
    CXLShutdownState *o = (CXLShutdownState *)out;

    o->state = ct3_of(cci)->shutdown_dirty;
    *out_len = sizeof(*o);
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_set_shutdown_state(CXLCCI *cci, const uint8_t *in,
                                         size_t in_len, uint8_t *out,
                                         size_t *out_len)
{
    const CXLShutdownState *i = (const CXLShutdownState *)in;

    if (i->state & ~1) {
        return CXL_RC_INVALID_INPUT;
    }
    ct3_of(cci)->shutdown_dirty = i->state & 1;
    cxl_type3_state_save(ct3_of(cci));
    return CXL_RC_SUCCESS;
}

const CXLCCICommand cxl_type3_commands[] = {
    { CXL_OP_IDENTIFY_MEMDEV, "Identify Memory Device", cmd_identify_memdev,
      CXL_CCI_IN_EXACT, 0, 0 },
    { CXL_OP_GET_PARTITION_INFO, "Get Partition Info", cmd_get_partition_info,
      CXL_CCI_IN_EXACT, 0, 0 },
    { CXL_OP_SET_PARTITION_INFO, "Set Partition Info", cmd_set_partition_info,
      CXL_CCI_IN_EXACT, sizeof(CXLSetPartitionInfoIn),
      CXL_CEL_CONFIG_CHANGE_COLD_RESET | CXL_CEL_IMMEDIATE_CONFIG_CHANGE },
    { CXL_OP_GET_LSA, "Get LSA", cmd_get_lsa, CXL_CCI_IN_EXACT,
      sizeof(CXLGetLSAIn), 0, CXL_CCI_F_MEDIA },
    { CXL_OP_SET_LSA, "Set LSA", cmd_set_lsa, CXL_CCI_IN_MIN,
      sizeof(CXLSetLSAIn),
      CXL_CEL_IMMEDIATE_CONFIG_CHANGE | CXL_CEL_IMMEDIATE_DATA_CHANGE,
      CXL_CCI_F_MEDIA },
    { CXL_OP_GET_HEALTH_INFO, "Get Health Info", cmd_get_health_info,
      CXL_CCI_IN_EXACT, 0, 0 },
    { CXL_OP_GET_ALERT_CONFIG, "Get Alert Configuration",
      cmd_get_alert_config, CXL_CCI_IN_EXACT, 0, 0 },
    { CXL_OP_SET_ALERT_CONFIG, "Set Alert Configuration",
      cmd_set_alert_config, CXL_CCI_IN_EXACT, sizeof(CXLSetAlertConfigIn),
      CXL_CEL_IMMEDIATE_POLICY_CHANGE },
    { CXL_OP_GET_SHUTDOWN_STATE, "Get Shutdown State", cmd_get_shutdown_state,
      CXL_CCI_IN_EXACT, 0, 0 },
    { CXL_OP_SET_SHUTDOWN_STATE, "Set Shutdown State", cmd_set_shutdown_state,
      CXL_CCI_IN_EXACT, sizeof(CXLShutdownState),
      CXL_CEL_IMMEDIATE_POLICY_CHANGE },
};
const size_t cxl_type3_commands_len = ARRAY_SIZE(cxl_type3_commands);
