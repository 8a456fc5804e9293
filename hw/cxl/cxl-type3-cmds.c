/*
 * The memory device command set of cxl-type3 (CXL r3.1 8.2.9.9); the
 * firmware commands are in cxl-type3-fw.c. Layouts are those of Linux's
 * drivers/cxl/cxlmem.h and ndctl's cxl/lib/private.h structures (all
 * little-endian, packed):
 *
 *  Identify Memory Device (0x45 bytes): FW revision [16], total, volatile,
 *    persistent capacity and partition alignment (256 MiB units, 8 bytes
 *    each), informational/warning/failure/fatal event log sizes (2 each),
 *    LSA size (4), poison list maximum (3), inject poison limit (2),
 *    poison capabilities (1), QoS telemetry capabilities (1), dynamic
 *    capacity event log size (2).
 *  Get Partition Info (0x20): active volatile, active persistent, next
 *    volatile, next persistent (256 MiB units).
 *  Set Partition Info (0x0a in): volatile capacity (8), flags (1), rsvd.
 *  Get LSA (8 in): offset, length. Set LSA (8 + data): offset, rsvd, data.
 *  Get Health Info (0x12): health status, media status, additional status,
 *    life used, temperature (2), dirty shutdown count (4), corrected
 *    volatile and persistent error counts (4 each).
 *  Get Alert Configuration (0x10): valid alerts, programmable alerts, life
 *    used critical and warning thresholds, over/under-temperature critical
 *    then warning thresholds (2 each), corrected volatile and persistent
 *    error warning thresholds (2 each).
 *  Set Alert Configuration (0x0c in): valid actions, enable actions, life
 *    used warning threshold, rsvd, over/under-temperature warning,
 *    corrected volatile/persistent warning thresholds (2 each).
 *  Get/Set Shutdown State (1 byte): bit 0 dirty.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/units.h"
#include "hw/cxl/cxl-type3.h"

#define CAPACITY_UNIT           (256 * MiB)
#define IDENTIFY_MEMDEV_LEN     0x45
#define PARTITION_INFO_LEN      0x20
#define SET_PARTITION_LEN       0x0a
#define HEALTH_INFO_LEN         0x12
#define GET_ALERT_LEN           0x10
#define SET_ALERT_LEN           0x0c

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

    memset(out, 0, IDENTIFY_MEMDEV_LEN);
    memcpy(out, cxl_type3_fw_revision(ct3), CXL_TYPE3_FW_REVISION_LEN);
    stq_le_p(out + 0x10, (ct3->vsize + ct3->psize) / CAPACITY_UNIT);
    stq_le_p(out + 0x18, ct3->vsize / CAPACITY_UNIT);
    stq_le_p(out + 0x20, ct3->psize / CAPACITY_UNIT);
    stq_le_p(out + 0x28, 0);    /* not partitionable */
    for (unsigned t = 0; t < CXL_EVLOG_COUNT; t++) {
        stw_le_p(out + 0x30 + 2 * t, CXL_EVENT_LOG_CAPACITY);
    }
    stl_le_p(out + 0x38, lsa_size(ct3));
    /* poison list maximum (3 bytes), inject poison limit, capabilities */
    out[0x3c] = CXL_TYPE3_POISON_LIST_MAX & 0xff;
    out[0x3d] = (CXL_TYPE3_POISON_LIST_MAX >> 8) & 0xff;
    out[0x3e] = (CXL_TYPE3_POISON_LIST_MAX >> 16) & 0xff;
    stw_le_p(out + 0x3f, CXL_TYPE3_INJECT_POISON_LIMIT);
    out[0x41] = cxl_type3_poison_caps();
    *out_len = IDENTIFY_MEMDEV_LEN;
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_get_partition_info(CXLCCI *cci, const uint8_t *in,
                                         size_t in_len, uint8_t *out,
                                         size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);

    stq_le_p(out, ct3->vsize / CAPACITY_UNIT);
    stq_le_p(out + 8, ct3->psize / CAPACITY_UNIT);
    stq_le_p(out + 16, 0);
    stq_le_p(out + 24, 0);
    *out_len = PARTITION_INFO_LEN;
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_set_partition_info(CXLCCI *cci, const uint8_t *in,
                                         size_t in_len, uint8_t *out,
                                         size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);

    /*
     * Our capacities are static (partition alignment 0): the only valid
     * request is the partitioning the device already has.
     */
    if (ldq_le_p(in) != ct3->vsize / CAPACITY_UNIT || (in[8] & ~1)) {
        return CXL_RC_INVALID_INPUT;
    }
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_get_lsa(CXLCCI *cci, const uint8_t *in, size_t in_len,
                              uint8_t *out, size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);
    /* 32-bit unsigned fields: no sign extension into the 64-bit sums */
    uint64_t offset = (uint32_t)ldl_le_p(in), len = (uint32_t)ldl_le_p(in + 4);

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
    uint64_t offset = (uint32_t)ldl_le_p(in), len = in_len - 8;
    MemoryRegion *mr;

    if (offset + len > lsa_size(ct3)) {
        return CXL_RC_INVALID_INPUT;
    }
    if (len) {
        mr = host_memory_backend_get_memory(ct3->lsa);
        memcpy(lsa_ptr(ct3) + offset, in + 8, len);
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

void cxl_type3_health_info_put(uint8_t *out, const CXLHealth *h,
                               uint8_t additional_status)
{
    out[0] = h->health_status;
    out[1] = h->media_status;
    out[2] = additional_status;
    out[3] = h->life_used;
    stw_le_p(out + 4, h->temperature);
    stl_le_p(out + 6, h->dirty_shutdowns);
    stl_le_p(out + 10, h->corrected_volatile);
    stl_le_p(out + 14, h->corrected_persistent);
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

    cxl_type3_health_info_put(out, &ct3->health,
                              cxl_type3_additional_status(ct3));
    *out_len = HEALTH_INFO_LEN;
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_get_alert_config(CXLCCI *cci, const uint8_t *in,
                                       size_t in_len, uint8_t *out,
                                       size_t *out_len)
{
    CXLAlertConfig *a = &ct3_of(cci)->alerts;

    out[0] = a->valid;
    out[1] = ALERT_ALL;
    out[2] = a->life_used_crit;
    out[3] = a->life_used_warn;
    stw_le_p(out + 4, a->over_temp_crit);
    stw_le_p(out + 6, a->under_temp_crit);
    stw_le_p(out + 8, a->over_temp_warn);
    stw_le_p(out + 10, a->under_temp_warn);
    stw_le_p(out + 12, a->corr_volatile_warn);
    stw_le_p(out + 14, a->corr_persistent_warn);
    *out_len = GET_ALERT_LEN;
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_set_alert_config(CXLCCI *cci, const uint8_t *in,
                                       size_t in_len, uint8_t *out,
                                       size_t *out_len)
{
    CXLAlertConfig *a = &ct3_of(cci)->alerts;
    CXLAlertConfig n = *a;
    uint8_t valid = in[0], enable = in[1];

    if ((valid | enable) & ~ALERT_ALL || (enable & ~valid)) {
        return CXL_RC_INVALID_INPUT;
    }
    if (valid & ALERT_LIFE_USED) {
        n.life_used_warn = in[2];
    }
    if (valid & ALERT_OVER_TEMP) {
        n.over_temp_warn = lduw_le_p(in + 4);
    }
    if (valid & ALERT_UNDER_TEMP) {
        n.under_temp_warn = lduw_le_p(in + 6);
    }
    if (valid & ALERT_CORR_VOLATILE) {
        n.corr_volatile_warn = lduw_le_p(in + 8);
    }
    if (valid & ALERT_CORR_PERSISTENT) {
        n.corr_persistent_warn = lduw_le_p(in + 10);
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
    out[0] = ct3_of(cci)->shutdown_dirty;
    *out_len = 1;
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_set_shutdown_state(CXLCCI *cci, const uint8_t *in,
                                         size_t in_len, uint8_t *out,
                                         size_t *out_len)
{
    if (in[0] & ~1) {
        return CXL_RC_INVALID_INPUT;
    }
    ct3_of(cci)->shutdown_dirty = in[0] & 1;
    cxl_type3_state_save(ct3_of(cci));
    return CXL_RC_SUCCESS;
}

const CXLCCICommand cxl_type3_commands[] = {
    { CXL_OP_IDENTIFY_MEMDEV, "Identify Memory Device", cmd_identify_memdev,
      CXL_CCI_IN_EXACT, 0, 0 },
    { CXL_OP_GET_PARTITION_INFO, "Get Partition Info", cmd_get_partition_info,
      CXL_CCI_IN_EXACT, 0, 0 },
    { CXL_OP_SET_PARTITION_INFO, "Set Partition Info", cmd_set_partition_info,
      CXL_CCI_IN_EXACT, SET_PARTITION_LEN,
      CXL_CEL_CONFIG_CHANGE_COLD_RESET | CXL_CEL_IMMEDIATE_CONFIG_CHANGE },
    { CXL_OP_GET_LSA, "Get LSA", cmd_get_lsa, CXL_CCI_IN_EXACT, 8, 0,
      CXL_CCI_F_MEDIA },
    { CXL_OP_SET_LSA, "Set LSA", cmd_set_lsa, CXL_CCI_IN_MIN, 8,
      CXL_CEL_IMMEDIATE_CONFIG_CHANGE | CXL_CEL_IMMEDIATE_DATA_CHANGE,
      CXL_CCI_F_MEDIA },
    { CXL_OP_GET_HEALTH_INFO, "Get Health Info", cmd_get_health_info,
      CXL_CCI_IN_EXACT, 0, 0 },
    { CXL_OP_GET_ALERT_CONFIG, "Get Alert Configuration",
      cmd_get_alert_config, CXL_CCI_IN_EXACT, 0, 0 },
    { CXL_OP_SET_ALERT_CONFIG, "Set Alert Configuration",
      cmd_set_alert_config, CXL_CCI_IN_EXACT, SET_ALERT_LEN,
      CXL_CEL_IMMEDIATE_POLICY_CHANGE },
    { CXL_OP_GET_SHUTDOWN_STATE, "Get Shutdown State", cmd_get_shutdown_state,
      CXL_CCI_IN_EXACT, 0, 0 },
    { CXL_OP_SET_SHUTDOWN_STATE, "Set Shutdown State", cmd_set_shutdown_state,
      CXL_CCI_IN_EXACT, 1, CXL_CEL_IMMEDIATE_POLICY_CHANGE },
};
const size_t cxl_type3_commands_len = ARRAY_SIZE(cxl_type3_commands);
