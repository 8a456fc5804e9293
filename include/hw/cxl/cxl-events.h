/*
 * CXL event logs (CXL r3.1 8.2.9.2): the informational, warning, failure
 * and fatal logs of a device, their records, handles, overflow and
 * interrupt policy, and the commands that read and clear them.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_EVENTS_H
#define HW_CXL_EVENTS_H

#include "hw/cxl/cxl-cci.h"
#include "hw/cxl/cxl-mailbox.h"
#include "qemu/notify.h"

typedef enum CXLEventLogType {
    CXL_EVLOG_INFO = 0,
    CXL_EVLOG_WARN = 1,
    CXL_EVLOG_FAIL = 2,
    CXL_EVLOG_FATAL = 3,
    CXL_EVLOG_COUNT,
    /* the Dynamic Capacity log, only with CXLEventLogs.has_dc */
    CXL_EVLOG_DC = CXL_EVLOG_COUNT,
    CXL_EVLOG_ALL,
} CXLEventLogType;

/*
 * Records per log: the default, and the most Identify Memory Device's
 * 16-bit Event Log Size fields can report (CXL r3.1 Table 8-127)
 */
#define CXL_EVENT_LOG_CAPACITY      32
#define CXL_EVENT_LOG_CAPACITY_MAX  UINT16_MAX

/* Event Interrupt Policy settings byte: mode [1:0], message number [7:4] */
#define CXL_EVENT_INT_NONE          0
#define CXL_EVENT_INT_MSI_MSIX      1
#define CXL_EVENT_INT_FW            2

typedef struct CXLEventLog {
    CXLEventRecord *records;    /* a ring of @capacity records */
    uint32_t capacity;
    uint32_t records_bytes;     /* the ring's size in bytes (migration) */
    unsigned first;             /* index of the oldest record */
    unsigned count;
    uint16_t next_handle;
    uint16_t overflow_count;
    uint64_t first_overflow_ts;
    uint64_t last_overflow_ts;
    uint8_t int_mode;           /* CXL_EVENT_INT_* */
    unsigned vector;            /* MSI/MSI-X vector of this log */
} CXLEventLog;

typedef struct CXLEventLogs {
    CXLEventLog log[CXL_EVLOG_ALL];
    bool has_dc;                /* the Dynamic Capacity log exists */
    /* raise an interrupt (NULL: the device has none) */
    void (*irq)(void *opaque, unsigned vector);
    void *opaque;
} CXLEventLogs;

/* Commands 0100h-0103h; they find the logs through cci->events */
extern const CXLCCICommand cxl_event_commands[];
extern const size_t cxl_event_commands_len;

/*
 * Give each log room for @capacity records (1..CXL_EVENT_LOG_CAPACITY_MAX),
 * before the first cxl_events_reset(); cxl_events_cleanup() frees them.
 * The room is allocated, not touched: host memory grows with the records
 * actually held.
 */
void cxl_events_init(CXLEventLogs *e, uint32_t capacity);
void cxl_events_cleanup(CXLEventLogs *e);

/*
 * Power-on state: empty logs, interrupts off, vectors @first_vector + n
 * (the Dynamic Capacity log's is @first_vector + CXL_EVLOG_DC).
 */
void cxl_events_reset(CXLEventLogs *e, unsigned first_vector);

/* Event Status register bits: one per non-empty log (DC: bit 4) */
uint32_t cxl_events_status(const CXLEventLogs *e);

/*
 * Add a record to a log. @record is the full record (of any kind: they all
 * start with CXLEventRecordHdr and have CXLEventRecord's size); its length,
 * handle and timestamp fields are filled in here. A full log counts an
 * overflow and drops the record. Raises the log's interrupt when enabled.
 */
void cxl_events_add(CXLEventLogs *e, CXLEventLogType type,
                    CXLEventRecord *record, uint64_t timestamp);
/*
 * Every record added to any component's logs is announced to the
 * notifiers added here, with a CXLEventAdded (the MCTP endpoints' Event
 * Notification, hw/cxl/cxl-mctp-target.c).
 */
typedef struct CXLEventAdded {
    CXLEventLogs *logs;
    CXLEventLogType type;
} CXLEventAdded;
void cxl_events_add_notifier(Notifier *n);

/* Room left in a log (records it takes before it overflows) */
unsigned cxl_events_room(const CXLEventLogs *e, CXLEventLogType type);

/* The logs' records and settings (VMSTATE_STRUCT in the owner's) */
extern const VMStateDescription vmstate_cxl_event_logs;

#endif /* HW_CXL_EVENTS_H */
