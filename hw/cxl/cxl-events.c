/*
 * CXL event logs and their commands (see include/hw/cxl/cxl-events.h).
 *
 * Payloads (CXL r3.1 8.2.9.2; Linux's struct cxl_get_event_payload and
 * cxl_mbox_clear_event_payload):
 *  Get Event Records: in, the log (1 byte); out, a 32-byte header (flags:
 *    bit 0 overflow, bit 1 more records; overflow error count at 2; first
 *    and last overflow timestamps at 4 and 12; record count at 20) and the
 *    records;
 *  Clear Event Records: log, flags (bit 0 clear all), handle count, 3
 *    reserved bytes, then the handles (2 bytes each);
 *  Get/Set Event Interrupt Policy: one settings byte per log (info, warn,
 *    failure, fatal, then dynamic capacity, which we do not have).
 * Common record header (CXL r3.1 Table 8-42): UUID, length at 0x10, flags
 * at 0x11, handle at 0x14, related handle at 0x16, timestamp at 0x18.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "hw/cxl/cxl-events.h"
#include "trace.h"

#define GET_HDR_SIZE            0x20
#define GET_FLAG_OVERFLOW       BIT(0)
#define GET_FLAG_MORE           BIT(1)
#define CLEAR_HDR_SIZE          6
#define CLEAR_FLAG_ALL          BIT(0)
#define POLICY_LEN              4       /* info, warn, failure, fatal */
#define POLICY_LEN_DCD          5

#define REC_LENGTH              0x10
#define REC_HANDLE              0x14
#define REC_TIMESTAMP           0x18

static uint8_t *rec(CXLEventLog *l, unsigned i)
{
    return l->records[(l->first + i) % CXL_EVENT_LOG_CAPACITY];
}

void cxl_events_reset(CXLEventLogs *e, unsigned first_vector)
{
    for (unsigned t = 0; t < CXL_EVLOG_COUNT; t++) {
        CXLEventLog *l = &e->log[t];

        memset(l, 0, sizeof(*l));
        l->next_handle = 1;
        l->vector = first_vector + t;
    }
}

uint32_t cxl_events_status(const CXLEventLogs *e)
{
    uint32_t s = 0;

    for (unsigned t = 0; t < CXL_EVLOG_COUNT; t++) {
        if (e->log[t].count) {
            s |= BIT(t);
        }
    }
    return s;
}

void cxl_events_add(CXLEventLogs *e, CXLEventLogType type, uint8_t *record,
                    uint64_t timestamp)
{
    CXLEventLog *l = &e->log[type];

    if (l->count == CXL_EVENT_LOG_CAPACITY) {
        if (!l->overflow_count) {
            l->first_overflow_ts = timestamp;
        }
        l->last_overflow_ts = timestamp;
        if (l->overflow_count < UINT16_MAX) {
            l->overflow_count++;
        }
        trace_cxl_event_overflow(type, l->overflow_count);
        return;
    }
    record[REC_LENGTH] = CXL_EVENT_RECORD_SIZE;
    stw_le_p(record + REC_HANDLE, l->next_handle);
    stq_le_p(record + REC_TIMESTAMP, timestamp);
    memcpy(rec(l, l->count), record, CXL_EVENT_RECORD_SIZE);
    l->count++;
    trace_cxl_event_add(type, l->next_handle);
    /* handles are never 0 */
    l->next_handle = l->next_handle == UINT16_MAX ? 1 : l->next_handle + 1;
    if (l->int_mode == CXL_EVENT_INT_MSI_MSIX && e->irq) {
        e->irq(e->opaque, l->vector);
    }
}

static CXLRetCode cmd_get_records(CXLCCI *cci, const uint8_t *in,
                                  size_t in_len, uint8_t *out,
                                  size_t *out_len)
{
    CXLEventLog *l;
    unsigned n, max = (cci->payload_max - GET_HDR_SIZE) / CXL_EVENT_RECORD_SIZE;

    if (in[0] >= CXL_EVLOG_COUNT) {
        return CXL_RC_INVALID_INPUT;
    }
    l = &cci->events->log[in[0]];
    n = MIN(l->count, max);
    memset(out, 0, GET_HDR_SIZE);
    out[0] = (l->overflow_count ? GET_FLAG_OVERFLOW : 0) |
             (n < l->count ? GET_FLAG_MORE : 0);
    stw_le_p(out + 2, l->overflow_count);
    stq_le_p(out + 4, l->first_overflow_ts);
    stq_le_p(out + 12, l->last_overflow_ts);
    stw_le_p(out + 20, n);
    for (unsigned i = 0; i < n; i++) {
        memcpy(out + GET_HDR_SIZE + i * CXL_EVENT_RECORD_SIZE, rec(l, i),
               CXL_EVENT_RECORD_SIZE);
    }
    *out_len = GET_HDR_SIZE + n * CXL_EVENT_RECORD_SIZE;
    return CXL_RC_SUCCESS;
}

static int find_handle(CXLEventLog *l, uint16_t handle)
{
    for (unsigned i = 0; i < l->count; i++) {
        if (lduw_le_p(rec(l, i) + REC_HANDLE) == handle) {
            return i;
        }
    }
    return -1;
}

static CXLRetCode cmd_clear_records(CXLCCI *cci, const uint8_t *in,
                                    size_t in_len, uint8_t *out,
                                    size_t *out_len)
{
    CXLEventLog *l;
    unsigned nr = in[2];
    bool all = in[1] & CLEAR_FLAG_ALL;
    bool clear[CXL_EVENT_LOG_CAPACITY] = { };
    unsigned kept = 0;

    if (in_len != CLEAR_HDR_SIZE + 2 * nr) {
        return CXL_RC_INVALID_PAYLOAD_LENGTH;
    }
    if (in[0] >= CXL_EVLOG_COUNT || (all && nr)) {
        return CXL_RC_INVALID_INPUT;
    }
    l = &cci->events->log[in[0]];
    if (all) {
        l->count = 0;
    } else {
        /* every handle must name a record in the log, or nothing clears */
        for (unsigned i = 0; i < nr; i++) {
            int idx = find_handle(l, lduw_le_p(in + CLEAR_HDR_SIZE + 2 * i));

            if (idx < 0) {
                return CXL_RC_INVALID_HANDLE;
            }
            clear[idx] = true;
        }
        for (unsigned i = 0; i < l->count; i++) {
            if (!clear[i]) {
                memmove(rec(l, kept++), rec(l, i), CXL_EVENT_RECORD_SIZE);
            }
        }
        l->count = kept;
    }
    if (!l->count) {
        l->first = 0;
        l->overflow_count = 0;
        l->first_overflow_ts = l->last_overflow_ts = 0;
    }
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_get_int_policy(CXLCCI *cci, const uint8_t *in,
                                     size_t in_len, uint8_t *out,
                                     size_t *out_len)
{
    for (unsigned t = 0; t < CXL_EVLOG_COUNT; t++) {
        CXLEventLog *l = &cci->events->log[t];

        out[t] = l->int_mode |
            (l->int_mode == CXL_EVENT_INT_MSI_MSIX ? (l->vector & 0xf) << 4 : 0);
    }
    out[CXL_EVLOG_COUNT] = 0;       /* dynamic capacity: none */
    *out_len = POLICY_LEN_DCD;
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_set_int_policy(CXLCCI *cci, const uint8_t *in,
                                     size_t in_len, uint8_t *out,
                                     size_t *out_len)
{
    if (in_len > POLICY_LEN_DCD) {
        return CXL_RC_INVALID_PAYLOAD_LENGTH;
    }
    for (unsigned t = 0; t < CXL_EVLOG_COUNT; t++) {
        uint8_t mode = in[t] & 3;

        if (mode > CXL_EVENT_INT_FW ||
            (mode == CXL_EVENT_INT_MSI_MSIX && !cci->events->irq)) {
            return CXL_RC_INVALID_INPUT;
        }
    }
    if (in_len == POLICY_LEN_DCD && (in[4] & 3) != CXL_EVENT_INT_NONE) {
        return CXL_RC_INVALID_INPUT;
    }
    for (unsigned t = 0; t < CXL_EVLOG_COUNT; t++) {
        cci->events->log[t].int_mode = in[t] & 3;
    }
    return CXL_RC_SUCCESS;
}

const CXLCCICommand cxl_event_commands[] = {
    { CXL_OP_GET_EVENT_RECORDS, "Get Event Records", cmd_get_records,
      CXL_CCI_IN_EXACT, 1, 0 },
    { CXL_OP_CLEAR_EVENT_RECORDS, "Clear Event Records", cmd_clear_records,
      CXL_CCI_IN_MIN, CLEAR_HDR_SIZE, CXL_CEL_IMMEDIATE_LOG_CHANGE },
    { CXL_OP_GET_EVENT_INT_POLICY, "Get Event Interrupt Policy",
      cmd_get_int_policy, CXL_CCI_IN_EXACT, 0, 0 },
    { CXL_OP_SET_EVENT_INT_POLICY, "Set Event Interrupt Policy",
      cmd_set_int_policy, CXL_CCI_IN_MIN, POLICY_LEN,
      CXL_CEL_IMMEDIATE_CONFIG_CHANGE },
};
const size_t cxl_event_commands_len = ARRAY_SIZE(cxl_event_commands);
