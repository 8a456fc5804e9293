/*
 * CXL event logs and their commands (see include/hw/cxl/cxl-events.h).
 *
 * Payloads (CXL r3.1 8.2.9.2) are the structs of cxl-mailbox.h:
 * CXLGetEventRecordsIn/Out (the records are CXLEventRecord),
 * CXLClearEventRecordsIn, CXLEventIntPolicy (one settings byte per log,
 * then the Dynamic Capacity log's, which exists with has_dc).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "migration/vmstate.h"
#include "qemu/bswap.h"
#include "hw/cxl/cxl-events.h"
#include "trace.h"

/* Get Event Records output flags */
#define GET_FLAG_OVERFLOW       BIT(0)
#define GET_FLAG_MORE           BIT(1)
/* Clear Event Records input flags */
#define CLEAR_FLAG_ALL          BIT(0)

static NotifierList added = NOTIFIER_LIST_INITIALIZER(added);

void cxl_events_add_notifier(Notifier *n)
{
    notifier_list_add(&added, n);
}

static CXLEventRecord *rec(CXLEventLog *l, unsigned i)
{
    return &l->records[(l->first + i) % l->capacity];
}

static bool log_valid(const CXLEventLogs *e, unsigned log)
{
    return log < CXL_EVLOG_COUNT || (log == CXL_EVLOG_DC && e->has_dc);
}

void cxl_events_init(CXLEventLogs *e, uint32_t capacity)
{
    assert(capacity && capacity <= CXL_EVENT_LOG_CAPACITY_MAX);
    for (unsigned t = 0; t < CXL_EVLOG_ALL; t++) {
        CXLEventLog *l = &e->log[t];

        l->records = g_new0(CXLEventRecord, capacity);
        l->capacity = capacity;
        l->records_bytes = capacity * sizeof(CXLEventRecord);
    }
}

void cxl_events_cleanup(CXLEventLogs *e)
{
    for (unsigned t = 0; t < CXL_EVLOG_ALL; t++) {
        g_clear_pointer(&e->log[t].records, g_free);
    }
}

void cxl_events_reset(CXLEventLogs *e, unsigned first_vector)
{
    for (unsigned t = 0; t < CXL_EVLOG_ALL; t++) {
        CXLEventLog *l = &e->log[t];

        /* the records stay where they are: nothing reads past count */
        assert(l->records);
        l->first = l->count = 0;
        l->next_handle = 1;
        l->overflow_count = 0;
        l->first_overflow_ts = l->last_overflow_ts = 0;
        l->int_mode = CXL_EVENT_INT_NONE;
        l->vector = first_vector + t;
    }
}

uint32_t cxl_events_status(const CXLEventLogs *e)
{
    uint32_t s = 0;

    for (unsigned t = 0; t < CXL_EVLOG_ALL; t++) {
        if (e->log[t].count) {
            s |= BIT(t);
        }
    }
    return s;
}

void cxl_events_add(CXLEventLogs *e, CXLEventLogType type,
                    CXLEventRecord *record, uint64_t timestamp)
{
    CXLEventLog *l = &e->log[type];

    if (l->count == l->capacity) {
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
    record->hdr.length = sizeof(*record);
    record->hdr.handle = cpu_to_le16(l->next_handle);
    record->hdr.timestamp = cpu_to_le64(timestamp);
    *rec(l, l->count) = *record;
    l->count++;
    trace_cxl_event_add(type, l->next_handle);
    /* handles are never 0 */
    l->next_handle = l->next_handle == UINT16_MAX ? 1 : l->next_handle + 1;
    if (l->int_mode == CXL_EVENT_INT_MSI_MSIX && e->irq) {
        e->irq(e->opaque, l->vector);
    }
    notifier_list_notify(&added, &(CXLEventAdded) { e, type });
}

unsigned cxl_events_room(const CXLEventLogs *e, CXLEventLogType type)
{
    return e->log[type].capacity - e->log[type].count;
}

static CXLRetCode cmd_get_records(CXLCCI *cci, const uint8_t *in,
                                  size_t in_len, uint8_t *out,
                                  size_t *out_len)
{
    const CXLGetEventRecordsIn *i = (const CXLGetEventRecordsIn *)in;
    CXLGetEventRecordsOut *o = (CXLGetEventRecordsOut *)out;
    CXLEventLog *l;
    unsigned n, max = (cci->payload_max - sizeof(*o)) / sizeof(o->records[0]);

    if (!log_valid(cci->events, i->log)) {
        return CXL_RC_INVALID_INPUT;
    }
    l = &cci->events->log[i->log];
    n = MIN(l->count, max);
    *o = (CXLGetEventRecordsOut) {
        .flags = (l->overflow_count ? GET_FLAG_OVERFLOW : 0) |
                 (n < l->count ? GET_FLAG_MORE : 0),
        .overflow_err_count = cpu_to_le16(l->overflow_count),
        .first_overflow_ts = cpu_to_le64(l->first_overflow_ts),
        .last_overflow_ts = cpu_to_le64(l->last_overflow_ts),
        .record_count = cpu_to_le16(n),
    };
    for (unsigned r = 0; r < n; r++) {
        o->records[r] = *rec(l, r);
    }
    *out_len = sizeof(*o) + n * sizeof(o->records[0]);
    return CXL_RC_SUCCESS;
}

static int find_handle(CXLEventLog *l, uint16_t handle)
{
    for (unsigned i = 0; i < l->count; i++) {
        if (le16_to_cpu(rec(l, i)->hdr.handle) == handle) {
            return i;
        }
    }
    return -1;
}

static CXLRetCode cmd_clear_records(CXLCCI *cci, const uint8_t *in,
                                    size_t in_len, uint8_t *out,
                                    size_t *out_len)
{
    const CXLClearEventRecordsIn *ci = (const CXLClearEventRecordsIn *)in;
    CXLEventLog *l;
    unsigned nr = ci->nr_handles;
    bool all = ci->flags & CLEAR_FLAG_ALL;
    g_autofree bool *clear = NULL;
    unsigned kept = 0, head = 0;

    if (in_len != sizeof(*ci) + sizeof(ci->handles[0]) * nr) {
        return CXL_RC_INVALID_PAYLOAD_LENGTH;
    }
    if (!log_valid(cci->events, ci->log) || (all && nr)) {
        return CXL_RC_INVALID_INPUT;
    }
    l = &cci->events->log[ci->log];
    if (all) {
        l->count = 0;
    } else {
        unsigned cleared = 0;

        /* every handle must name a record in the log, or nothing clears */
        clear = g_new0(bool, l->count);
        for (unsigned i = 0; i < nr; i++) {
            int idx = find_handle(l, le16_to_cpu(ci->handles[i]));

            if (idx < 0) {
                return CXL_RC_INVALID_HANDLE;
            }
            cleared += !clear[idx];
            clear[idx] = true;
        }
        while (head < l->count && clear[head]) {
            head++;
        }
        if (head == cleared) {
            /* the oldest records (as hosts clear what they read): drop them */
            l->first = (l->first + head) % l->capacity;
            l->count -= head;
        } else {
            for (unsigned i = 0; i < l->count; i++) {
                if (!clear[i]) {
                    memmove(rec(l, kept++), rec(l, i), sizeof(CXLEventRecord));
                }
            }
            l->count = kept;
        }
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
    CXLEventIntPolicy *o = (CXLEventIntPolicy *)out;

    for (unsigned t = 0; t < CXL_EVLOG_COUNT; t++) {
        CXLEventLog *l = &cci->events->log[t];

        o->settings[t] = l->int_mode |
            (l->int_mode == CXL_EVENT_INT_MSI_MSIX ? (l->vector & 0xf) << 4 : 0);
    }
    if (cci->events->has_dc) {
        CXLEventLog *l = &cci->events->log[CXL_EVLOG_DC];

        o->dcd_settings = l->int_mode |
            (l->int_mode == CXL_EVENT_INT_MSI_MSIX ? (l->vector & 0xf) << 4 : 0);
    } else {
        o->dcd_settings = 0;        /* dynamic capacity: none */
    }
    *out_len = sizeof(*o);
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_set_int_policy(CXLCCI *cci, const uint8_t *in,
                                     size_t in_len, uint8_t *out,
                                     size_t *out_len)
{
    const CXLEventIntPolicy *i = (const CXLEventIntPolicy *)in;

    if (in_len > sizeof(*i)) {
        return CXL_RC_INVALID_PAYLOAD_LENGTH;
    }
    for (unsigned t = 0; t < CXL_EVLOG_COUNT; t++) {
        uint8_t mode = i->settings[t] & 3;

        if (mode > CXL_EVENT_INT_FW ||
            (mode == CXL_EVENT_INT_MSI_MSIX && !cci->events->irq)) {
            return CXL_RC_INVALID_INPUT;
        }
    }
    if (in_len == sizeof(*i)) {
        uint8_t mode = i->dcd_settings & 3;

        if (cci->events->has_dc
            ? mode > CXL_EVENT_INT_FW ||
              (mode == CXL_EVENT_INT_MSI_MSIX && !cci->events->irq)
            : mode != CXL_EVENT_INT_NONE) {
            return CXL_RC_INVALID_INPUT;
        }
    }
    for (unsigned t = 0; t < CXL_EVLOG_COUNT; t++) {
        cci->events->log[t].int_mode = i->settings[t] & 3;
    }
    if (in_len == sizeof(*i) && cci->events->has_dc) {
        cci->events->log[CXL_EVLOG_DC].int_mode = i->dcd_settings & 3;
    }
    return CXL_RC_SUCCESS;
}

const CXLCCICommand cxl_event_commands[] = {
    { CXL_OP_GET_EVENT_RECORDS, "Get Event Records", cmd_get_records,
      CXL_CCI_IN_EXACT, sizeof(CXLGetEventRecordsIn), 0 },
    { CXL_OP_CLEAR_EVENT_RECORDS, "Clear Event Records", cmd_clear_records,
      CXL_CCI_IN_MIN, sizeof(CXLClearEventRecordsIn),
      CXL_CEL_IMMEDIATE_LOG_CHANGE },
    { CXL_OP_GET_EVENT_INT_POLICY, "Get Event Interrupt Policy",
      cmd_get_int_policy, CXL_CCI_IN_EXACT, 0, 0 },
    { CXL_OP_SET_EVENT_INT_POLICY, "Set Event Interrupt Policy",
      cmd_set_int_policy, CXL_CCI_IN_MIN, CXL_EVENT_INT_POLICY_MIN_LEN,
      CXL_CEL_IMMEDIATE_CONFIG_CHANGE },
};
const size_t cxl_event_commands_len = ARRAY_SIZE(cxl_event_commands);

/* ---- migration ---- */

static int cxl_event_log_post_load(void *opaque, int version_id)
{
    CXLEventLog *l = opaque;

    if (l->first >= l->capacity || l->count > l->capacity) {
        return -EINVAL;
    }
    return 0;
}

static const VMStateDescription vmstate_cxl_event_log = {
    .name = "cxl-event-log",
    .version_id = 2,
    .minimum_version_id = 2,
    .post_load = cxl_event_log_post_load,
    .fields = (const VMStateField[]) {
        /* records are in their little-endian wire format */
        /* both sides have the same event-log-size */
        VMSTATE_UINT32_EQUAL(capacity, CXLEventLog, NULL),
        VMSTATE_VBUFFER_UINT32(records, CXLEventLog, 2, NULL, records_bytes),
        VMSTATE_UINT32(first, CXLEventLog),
        VMSTATE_UINT32(count, CXLEventLog),
        VMSTATE_UINT16(next_handle, CXLEventLog),
        VMSTATE_UINT16(overflow_count, CXLEventLog),
        VMSTATE_UINT64(first_overflow_ts, CXLEventLog),
        VMSTATE_UINT64(last_overflow_ts, CXLEventLog),
        VMSTATE_UINT8(int_mode, CXLEventLog),
        VMSTATE_END_OF_LIST()
    },
};

const VMStateDescription vmstate_cxl_event_logs = {
    .name = "cxl-event-logs",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_STRUCT_ARRAY(log, CXLEventLogs, CXL_EVLOG_ALL, 1,
                             vmstate_cxl_event_log, CXLEventLog),
        VMSTATE_END_OF_LIST()
    },
};
