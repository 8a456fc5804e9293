/*
 * Poison and media scan for cxl-type3 (CXL r3.1 8.2.9.9.4): the device's
 * poison list, the commands that read, inject and clear it, Scan Media as
 * a background operation, and QMP cxl-inject-poison.
 *
 * The model. The device keeps a list of poisoned DPA ranges (64-byte
 * lines), sorted and disjoint; adjacent ranges of the same source merge,
 * clearing part of a range splits it. The list holds at most
 * poison-list-max ranges (reported in Identify Memory Device):
 * poison that does not fit is not tracked (the lines read normally) and
 * the list's Overflow flag is set with the timestamp of the first
 * overflow, until the list is empty again. Sources: Inject Poison records
 * "injected" (at most CXL_TYPE3_INJECT_POISON_LIMIT such ranges, then
 * Inject Poison Limit Reached), QMP cxl-inject-poison records "internal"
 * (as if the device had found the error itself). The list survives
 * device resets; it lasts for the QEMU run.
 *
 * Dynamic capacity (cxl-type3-dc.c) is part of the DPA space: every
 * command here takes DPA up to its end (Invalid Physical Address past
 * it) and its poison follows the same rules. Inject Poison and Clear
 * Poison change the media, so on the host's mailbox they take DC DPA only
 * in extents the host accepted (Invalid Physical Address elsewhere: a
 * host addresses only the capacity allocated to it); Get Poison List and
 * Scan Media read the device's list over any range. QMP cxl-inject-poison
 * (the device's or fabric manager's side) poisons any DPA. Releasing an
 * extent clears its poison with its data.
 *
 * CXL.mem reads of a poisoned line return all ones (a real device returns
 * poisoned data the host turns into a machine check; the emulator has no
 * such path, and all ones is what an unclaimed read returns). Writes
 * through CXL.mem store their data and do not clear poison: only Clear
 * Poison does, writing its 64 bytes of data to the line.
 *
 * Payloads are the structs of cxl-mailbox.h (Linux's struct
 * cxl_mbox_poison_in/out, cxl_mbox_inject_poison, cxl_mbox_clear_poison):
 *  Get Poison List (4300h): CXLGetPoisonListIn/Out, with a
 *    CXLMediaErrorRecord per range. A reply holds what fits in the
 *    payload; with More Media Error Records set, the same request returns
 *    the next records.
 *  Inject Poison (4301h): CXLInjectPoisonIn. Clear Poison (4302h):
 *    CXLClearPoisonIn.
 *  Get Scan Media Capabilities (4303h): CXLGetPoisonListIn in,
 *    CXLGetScanMediaCapsOut out (estimated scan time in ms).
 *  Scan Media (4304h, background): CXLScanMediaIn. Unless its "no event
 *    log" flag is set, when the scan completes each poisoned range it
 *    found (one per result record) adds a General Media Event Record to
 *    the failure log: DPA of the range's start (volatile flag for volatile
 *    and dynamic capacity), uncorrectable, ECC error, transaction type
 *    "host scan media" (03h).
 *  Get Scan Media Results (4305h): CXLGetScanMediaResultsOut, records as
 *    in Get Poison List.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qapi/error.h"
#include "migration/vmstate.h"
#include "qapi/qapi-commands-cxl.h"
#include "hw/cxl/cxl-mailbox.h"
#include "hw/cxl/cxl-notify.h"
#include "hw/cxl/cxl-type3.h"
#include "trace.h"

#define LINE                    CXL_POISON_LINE /* poison granule, bytes */
#define RECORD_MAX_UNITS        UINT32_MAX

/* Get Poison List flags */
#define LIST_MORE               BIT(0)
#define LIST_OVERFLOW           BIT(1)
#define LIST_SCANNING           BIT(2)
/* Get Scan Media Results flags */
#define SCAN_MORE               BIT(0)
#define SCAN_STOPPED            BIT(1)
#define SCAN_FLAGS_VALID        BIT(0)  /* no event log */

/* Poison sources (record address bits [2:0]) */
#define SOURCE_INTERNAL         2
#define SOURCE_INJECTED         3

/* Poison Handling Capabilities: injected poison persists (across resets) */
#define CAPS_PERSISTENT_INJECT  BIT(0)

typedef struct PoisonRange {
    uint64_t start;
    uint64_t len;
    uint8_t source;
} PoisonRange;

typedef struct CXLType3Poison {
    GArray *list;               /* PoisonRange, sorted, disjoint */
    bool overflow;
    uint64_t overflow_ts;

    /* Get Poison List continuation: the request and where it stopped */
    bool more;
    uint64_t more_start;
    uint64_t more_len;
    uint64_t more_next;

    /* Scan Media: the range scanned and what it found */
    uint64_t scan_start;
    uint64_t scan_len;
    bool scan_no_event;         /* Scan Media's "no event log" flag */
    GArray *results;            /* PoisonRange, one record each */
    unsigned results_next;
    bool stopped;
    uint64_t restart;
    uint64_t restart_len;

    /* migration: the arrays as the stream has them */
    CXLType3Dev *ct3;
    PoisonRange *mig_list;
    int32_t mig_list_len;
    PoisonRange *mig_results;
    int32_t mig_results_len;
} CXLType3Poison;

/* The DPA space, dynamic capacity included */
static uint64_t capacity(CXLType3Dev *ct3)
{
    return cxl_type3_dpa_size(ct3);
}

static PoisonRange *range_at(GArray *a, unsigned i)
{
    return &g_array_index(a, PoisonRange, i);
}

/* Append @r to the sorted @a, merging with the last range when it can. */
static void range_append(GArray *a, PoisonRange r)
{
    PoisonRange *last = a->len ? range_at(a, a->len - 1) : NULL;

    if (!r.len) {
        return;
    }
    if (last && last->source == r.source && last->start + last->len == r.start) {
        last->len += r.len;
    } else {
        g_array_append_val(a, r);
    }
}

static void set_overflow(CXLType3Dev *ct3)
{
    CXLType3Poison *p = ct3->poison;

    trace_cxl_type3_poison_overflow();
    if (!p->overflow) {
        p->overflow = true;
        p->overflow_ts = cxl_cci_timestamp(&ct3->cci);
    }
}

/* Replace the list with @n if it fits; otherwise record an overflow. */
static bool list_replace(CXLType3Dev *ct3, GArray *n)
{
    CXLType3Poison *p = ct3->poison;

    if (n->len > ct3->poison_list_max) {
        set_overflow(ct3);
        g_array_unref(n);
        return false;
    }
    g_array_unref(p->list);
    p->list = n;
    p->more = false;
    /* poisoned pages are not mapped as RAM: they read all ones */
    cxl_notify_state_changed(OBJECT(ct3), CXL_NOTIFY_ALL, 0, 0);
    if (!n->len) {
        p->overflow = false;
        p->overflow_ts = 0;
    }
    return true;
}

/*
 * Poison [@start, @start + @len): the lines not yet poisoned get @source.
 * False if the list would hold too many ranges (then it is unchanged and
 * has overflowed).
 */
static bool poison_add(CXLType3Dev *ct3, uint64_t start, uint64_t len,
                       uint8_t source)
{
    GArray *old = ct3->poison->list;
    GArray *n = g_array_new(false, false, sizeof(PoisonRange));
    uint64_t end = start + len, cur = start;

    trace_cxl_type3_poison_add(start, len, source);
    for (unsigned i = 0; i < old->len; i++) {
        PoisonRange r = *range_at(old, i);

        if (cur < end && r.start > cur) {
            range_append(n, (PoisonRange) {
                cur, MIN(end, r.start) - cur, source });
        }
        cur = MAX(cur, r.start + r.len);
        range_append(n, r);
    }
    if (cur < end) {
        range_append(n, (PoisonRange) { cur, end - cur, source });
    }
    return list_replace(ct3, n);
}

/* Unpoison [@start, @start + @len), splitting ranges. */
static void poison_remove(CXLType3Dev *ct3, uint64_t start, uint64_t len)
{
    GArray *old = ct3->poison->list;
    GArray *n = g_array_new(false, false, sizeof(PoisonRange));
    uint64_t end = start + len;

    trace_cxl_type3_poison_clear(start, len);
    for (unsigned i = 0; i < old->len; i++) {
        PoisonRange r = *range_at(old, i);
        uint64_t rend = r.start + r.len;

        if (rend <= start || r.start >= end) {
            g_array_append_val(n, r);
            continue;
        }
        if (r.start < start) {
            g_array_append_val(n, ((PoisonRange) {
                r.start, start - r.start, r.source }));
        }
        if (rend > end) {
            g_array_append_val(n, ((PoisonRange) {
                end, rend - end, r.source }));
        }
    }
    if (n->len > ct3->poison_list_max) {
        /* a split of a full list: its last range is no longer tracked */
        g_array_set_size(n, ct3->poison_list_max);
        set_overflow(ct3);
    }
    list_replace(ct3, n);
}

bool cxl_type3_poisoned(CXLType3Dev *ct3, uint64_t dpa, uint64_t len)
{
    GArray *l = ct3->poison ? ct3->poison->list : NULL;

    if (!l || !l->len) {
        return false;
    }
    for (unsigned i = 0; i < l->len; i++) {
        PoisonRange *r = range_at(l, i);

        if (r->start >= dpa + len) {
            break;
        }
        if (dpa < r->start + r->len) {
            return true;
        }
    }
    return false;
}

void cxl_type3_poison_clear_all(CXLType3Dev *ct3)
{
    trace_cxl_type3_poison_clear(0, capacity(ct3));
    list_replace(ct3, g_array_new(false, false, sizeof(PoisonRange)));
}

void cxl_type3_poison_clear_range(CXLType3Dev *ct3, uint64_t dpa,
                                  uint64_t len)
{
    /* nothing to forget: the list and the fast path's mappings stay */
    if (cxl_type3_poisoned(ct3, dpa, len)) {
        poison_remove(ct3, dpa, len);
    }
}

static unsigned injected_ranges(CXLType3Dev *ct3)
{
    GArray *l = ct3->poison->list;
    unsigned n = 0;

    for (unsigned i = 0; i < l->len; i++) {
        n += range_at(l, i)->source == SOURCE_INJECTED;
    }
    return n;
}

uint8_t cxl_type3_poison_caps(void)
{
    return CAPS_PERSISTENT_INJECT;
}

/* ---- commands ---- */

/* A DPA range from a request: 64-byte aligned, non-empty, in capacity. */
static CXLRetCode check_range(CXLType3Dev *ct3, uint64_t start,
                              uint64_t units, uint64_t *len)
{
    uint64_t cap = capacity(ct3);

    if (start % LINE || !units) {
        return CXL_RC_INVALID_INPUT;
    }
    if (start >= cap || units > (cap - start) / LINE) {
        return CXL_RC_INVALID_PHYSICAL_ADDRESS;
    }
    *len = units * LINE;
    return CXL_RC_SUCCESS;
}

/* The line at @dpa for Inject/Clear Poison */
static CXLRetCode check_line(CXLType3Dev *ct3, uint64_t dpa)
{
    if (dpa % LINE) {
        return CXL_RC_INVALID_INPUT;
    }
    if (dpa >= capacity(ct3)) {
        return CXL_RC_INVALID_PHYSICAL_ADDRESS;
    }
    return CXL_RC_SUCCESS;
}

static void put_record(CXLMediaErrorRecord *rec, uint64_t start,
                       uint64_t len, uint8_t source)
{
    *rec = (CXLMediaErrorRecord) {
        .address = cpu_to_le64(start | source),
        .length = cpu_to_le32(len / LINE),
        .rsvd = 0,
    };
}

static bool scanning(CXLCCI *cci)
{
    return cxl_cci_bg_running(cci) &&
           cxl_cci_bg_opcode(cci) == CXL_OP_SCAN_MEDIA;
}

static CXLRetCode cmd_get_poison_list(CXLCCI *cci, const uint8_t *in,
                                      size_t in_len, uint8_t *out,
                                      size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);
    CXLType3Poison *p = ct3->poison;
    const CXLGetPoisonListIn *i = (const CXLGetPoisonListIn *)in;
    CXLGetPoisonListOut *o = (CXLGetPoisonListOut *)out;
    uint64_t start = le64_to_cpu(i->dpa), len, end, from;
    unsigned max = (cci->payload_max - sizeof(*o)) / sizeof(o->record[0]);
    unsigned n = 0;
    bool more = false;
    CXLRetCode rc;

    rc = check_range(ct3, start, le64_to_cpu(i->length), &len);
    if (rc) {
        return rc;
    }
    end = start + len;
    from = start;
    if (p->more && p->more_start == start && p->more_len == len) {
        from = p->more_next;
    }
    for (unsigned k = 0; k < p->list->len && !more; k++) {
        PoisonRange *r = range_at(p->list, k);
        uint64_t s = MAX(r->start, from), e = MIN(r->start + r->len, end);

        while (s < e) {
            uint64_t chunk = MIN(e - s, (uint64_t)RECORD_MAX_UNITS * LINE);

            if (n == max) {
                more = true;
                from = s;
                break;
            }
            put_record(&o->record[n], s, chunk, r->source);
            s += chunk;
            n++;
        }
    }
    p->more = more;
    p->more_start = start;
    p->more_len = len;
    p->more_next = from;

    memset(o, 0, sizeof(*o));
    o->flags = (more ? LIST_MORE : 0) | (p->overflow ? LIST_OVERFLOW : 0) |
               (scanning(cci) ? LIST_SCANNING : 0);
    o->overflow_ts = cpu_to_le64(p->overflow ? p->overflow_ts : 0);
    o->count = cpu_to_le16(n);
    *out_len = sizeof(*o) + n * sizeof(o->record[0]);
    return CXL_RC_SUCCESS;
}

CXLRetCode cxl_type3_inject_poison(CXLType3Dev *ct3, uint64_t dpa)
{
    CXLRetCode rc = check_line(ct3, dpa);

    if (rc) {
        return rc;
    }
    if (!cxl_type3_dpa_host_owned(ct3, dpa, LINE)) {
        /* dynamic capacity the host has not accepted is not its own */
        return CXL_RC_INVALID_PHYSICAL_ADDRESS;
    }
    if (cxl_type3_poisoned(ct3, dpa, LINE)) {
        return CXL_RC_SUCCESS;      /* already poisoned: nothing to do */
    }
    if (injected_ranges(ct3) >= CXL_TYPE3_INJECT_POISON_LIMIT) {
        return CXL_RC_INJECT_POISON_LIMIT;
    }
    /* a full list overflows: the poison is injected but not listed */
    poison_add(ct3, dpa, LINE, SOURCE_INJECTED);
    return CXL_RC_SUCCESS;
}

CXLRetCode cxl_type3_clear_poison(CXLType3Dev *ct3, uint64_t dpa,
                                  const uint8_t *data)
{
    CXLRetCode rc = check_line(ct3, dpa);

    if (rc) {
        return rc;
    }
    /* as Inject Poison: DC capacity only in accepted extents */
    if (!cxl_type3_dpa_host_owned(ct3, dpa, LINE) ||
        !cxl_type3_dpa_ptr(ct3, dpa, LINE)) {
        return CXL_RC_INVALID_PHYSICAL_ADDRESS;
    }
    cxl_type3_dpa_write(ct3, dpa, data, LINE);
    cxl_notify_data_changed(OBJECT(ct3), dpa, LINE);
    poison_remove(ct3, dpa, LINE);
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_inject_poison(CXLCCI *cci, const uint8_t *in,
                                    size_t in_len, uint8_t *out,
                                    size_t *out_len)
{
    const CXLInjectPoisonIn *i = (const CXLInjectPoisonIn *)in;

    return cxl_type3_inject_poison(ct3_of(cci), le64_to_cpu(i->dpa));
}

static CXLRetCode cmd_clear_poison(CXLCCI *cci, const uint8_t *in,
                                   size_t in_len, uint8_t *out,
                                   size_t *out_len)
{
    const CXLClearPoisonIn *i = (const CXLClearPoisonIn *)in;

    return cxl_type3_clear_poison(ct3_of(cci), le64_to_cpu(i->dpa),
                                  i->write_data);
}

static CXLRetCode cmd_get_scan_media_caps(CXLCCI *cci, const uint8_t *in,
                                          size_t in_len, uint8_t *out,
                                          size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);
    const CXLGetPoisonListIn *i = (const CXLGetPoisonListIn *)in;
    CXLGetScanMediaCapsOut *o = (CXLGetScanMediaCapsOut *)out;
    uint64_t len;
    CXLRetCode rc = check_range(ct3, le64_to_cpu(i->dpa),
                                le64_to_cpu(i->length), &len);

    if (rc) {
        return rc;
    }
    /* every scan takes the configured time, whatever its length */
    o->estimated_runtime_ms = cpu_to_le32(ct3->scan_media_ms);
    *out_len = sizeof(*o);
    return CXL_RC_SUCCESS;
}

static void results_clear(CXLType3Poison *p)
{
    g_array_set_size(p->results, 0);
    p->results_next = 0;
    p->stopped = false;
    p->restart = p->restart_len = 0;
}

/* A General Media Event Record for each range the scan found */
static void scan_log_events(CXLType3Dev *ct3)
{
    CXLType3Poison *p = ct3->poison;
    CXLEventGenMedia rec;

    for (unsigned i = 0; i < p->results->len; i++) {
        PoisonRange *r = range_at(p->results, i);

        cxl_type3_scan_media_record(&rec, r->start,
                                    cxl_type3_dpa_volatile(ct3, r->start));
        cxl_events_add(&ct3->events, CXL_EVLOG_FAIL, (CXLEventRecord *)&rec,
                       cxl_cci_timestamp(&ct3->cci));
    }
}

static CXLRetCode scan_complete(CXLCCI *cci)
{
    CXLType3Poison *p = ct3_of(cci)->poison;
    uint64_t end = p->scan_start + p->scan_len;

    results_clear(p);
    for (unsigned i = 0; i < p->list->len; i++) {
        PoisonRange *r = range_at(p->list, i);
        uint64_t s = MAX(r->start, p->scan_start);
        uint64_t e = MIN(r->start + r->len, end);

        while (s < e) {
            uint64_t chunk = MIN(e - s, (uint64_t)RECORD_MAX_UNITS * LINE);

            g_array_append_val(p->results, ((PoisonRange) {
                s, chunk, r->source }));
            s += chunk;
        }
    }
    if (!p->scan_no_event) {
        scan_log_events(ct3_of(cci));
    }
    return CXL_RC_SUCCESS;
}

static void scan_abort(CXLCCI *cci)
{
    CXLType3Poison *p = ct3_of(cci)->poison;

    /* nothing was scanned: restart from the beginning */
    results_clear(p);
    p->stopped = true;
    p->restart = p->scan_start;
    p->restart_len = p->scan_len;
}

static CXLRetCode cmd_scan_media(CXLCCI *cci, const uint8_t *in,
                                 size_t in_len, uint8_t *out, size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);
    CXLType3Poison *p = ct3->poison;
    const CXLScanMediaIn *i = (const CXLScanMediaIn *)in;
    uint64_t start = le64_to_cpu(i->dpa), len;
    CXLRetCode rc = check_range(ct3, start, le64_to_cpu(i->length), &len);

    if (rc) {
        return rc;
    }
    if (i->flags & ~SCAN_FLAGS_VALID) {
        return CXL_RC_INVALID_INPUT;
    }
    results_clear(p);
    p->scan_start = start;
    p->scan_len = len;
    p->scan_no_event = i->flags & SCAN_FLAGS_VALID;
    cxl_cci_bg_start(cci, CXL_OP_SCAN_MEDIA, ct3->scan_media_ms,
                     scan_complete, scan_abort);
    return CXL_RC_BACKGROUND;
}

static CXLRetCode cmd_get_scan_media_results(CXLCCI *cci, const uint8_t *in,
                                             size_t in_len, uint8_t *out,
                                             size_t *out_len)
{
    CXLType3Poison *p = ct3_of(cci)->poison;
    CXLGetScanMediaResultsOut *o = (CXLGetScanMediaResultsOut *)out;
    unsigned max = (cci->payload_max - sizeof(*o)) / sizeof(o->record[0]), n;

    if (scanning(cci)) {
        return CXL_RC_BUSY;
    }
    n = MIN(max, p->results->len - p->results_next);
    for (unsigned i = 0; i < n; i++) {
        PoisonRange *r = range_at(p->results, p->results_next + i);

        put_record(&o->record[i], r->start, r->len, r->source);
    }
    p->results_next += n;
    memset(o, 0, sizeof(*o));
    o->restart_dpa = cpu_to_le64(p->restart);
    o->restart_length = cpu_to_le64(p->restart_len / LINE);
    o->flags = (p->results_next < p->results->len ? SCAN_MORE : 0) |
               (p->stopped ? SCAN_STOPPED : 0);
    o->count = cpu_to_le16(n);
    *out_len = sizeof(*o) + n * sizeof(o->record[0]);
    return CXL_RC_SUCCESS;
}

const CXLCCICommand cxl_type3_poison_commands[] = {
    { CXL_OP_GET_POISON_LIST, "Get Poison List", cmd_get_poison_list,
      CXL_CCI_IN_EXACT, sizeof(CXLGetPoisonListIn), 0, CXL_CCI_F_MEDIA },
    { CXL_OP_INJECT_POISON, "Inject Poison", cmd_inject_poison,
      CXL_CCI_IN_EXACT, sizeof(CXLInjectPoisonIn),
      CXL_CEL_IMMEDIATE_DATA_CHANGE, CXL_CCI_F_MEDIA },
    { CXL_OP_CLEAR_POISON, "Clear Poison", cmd_clear_poison,
      CXL_CCI_IN_EXACT, sizeof(CXLClearPoisonIn),
      CXL_CEL_IMMEDIATE_DATA_CHANGE, CXL_CCI_F_MEDIA },
    { CXL_OP_GET_SCAN_MEDIA_CAPS, "Get Scan Media Capabilities",
      cmd_get_scan_media_caps, CXL_CCI_IN_EXACT, sizeof(CXLGetPoisonListIn),
      0, CXL_CCI_F_MEDIA },
    { CXL_OP_SCAN_MEDIA, "Scan Media", cmd_scan_media, CXL_CCI_IN_EXACT,
      sizeof(CXLScanMediaIn), CXL_CEL_BACKGROUND_OP | CXL_CEL_ABORT_SUPPORTED,
      CXL_CCI_F_MEDIA },
    { CXL_OP_GET_SCAN_MEDIA_RESULTS, "Get Scan Media Results",
      cmd_get_scan_media_results, CXL_CCI_IN_EXACT, 0, 0, CXL_CCI_F_MEDIA },
};
const size_t cxl_type3_poison_commands_len =
    ARRAY_SIZE(cxl_type3_poison_commands);

/* ---- life cycle ---- */

void cxl_type3_poison_init(CXLType3Dev *ct3)
{
    CXLType3Poison *p = g_new0(CXLType3Poison, 1);

    p->list = g_array_new(false, false, sizeof(PoisonRange));
    p->results = g_array_new(false, false, sizeof(PoisonRange));
    p->ct3 = ct3;
    ct3->poison = p;
    cxl_cci_add_commands(&ct3->cci, cxl_type3_poison_commands,
                         cxl_type3_poison_commands_len);
}

void cxl_type3_poison_reset(CXLType3Dev *ct3)
{
    /* the poison itself is media state and stays */
    ct3->poison->more = false;
    results_clear(ct3->poison);
}

void cxl_type3_poison_cleanup(CXLType3Dev *ct3)
{
    if (ct3->poison) {
        g_array_unref(ct3->poison->list);
        g_array_unref(ct3->poison->results);
        g_clear_pointer(&ct3->poison, g_free);
    }
}

/* ---- QMP ---- */

void qmp_cxl_inject_poison(const char *path, uint64_t start, uint64_t length,
                           Error **errp)
{
    CXLType3Dev *ct3 = cxl_type3_from_qmp_path(path, errp);
    uint64_t cap;

    trace_cxl_inject_poison(path, start, length);
    if (!ct3) {
        return;
    }
    cap = capacity(ct3);
    if (!length || length % LINE) {
        error_setg(errp, "length: must be a non-zero multiple of %d bytes "
                   "(got 0x%" PRIx64 ")", LINE, length);
        return;
    }
    if (start % LINE) {
        error_setg(errp, "start: 0x%" PRIx64 " is not a multiple of %d "
                   "bytes", start, LINE);
        return;
    }
    if (start >= cap) {
        error_setg(errp, "start: 0x%" PRIx64 " is beyond the capacity of "
                   "'%s' (0x%" PRIx64 " bytes)", start, path, cap);
        return;
    }
    if (length > cap - start) {
        error_setg(errp, "length: 0x%" PRIx64 " bytes from start 0x%"
                   PRIx64 " run past the capacity of '%s' (0x%" PRIx64
                   " bytes)", length, start, path, cap);
        return;
    }
    /* as on a device: poison that does not fit overflows the list */
    poison_add(ct3, start, length, SOURCE_INTERNAL);
}

/* ---- migration ---- */

static const VMStateDescription vmstate_poison_range = {
    .name = "cxl-type3-poison-range",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT64(start, PoisonRange),
        VMSTATE_UINT64(len, PoisonRange),
        VMSTATE_UINT8(source, PoisonRange),
        VMSTATE_END_OF_LIST()
    },
};

static int poison_pre_save(void *opaque)
{
    CXLType3Poison *p = opaque;

    p->mig_list = (PoisonRange *)p->list->data;
    p->mig_list_len = p->list->len;
    p->mig_results = (PoisonRange *)p->results->data;
    p->mig_results_len = p->results->len;
    return 0;
}

static int poison_post_save(void *opaque)
{
    CXLType3Poison *p = opaque;

    p->mig_list = p->mig_results = NULL;
    return 0;
}

static int poison_pre_load(void *opaque)
{
    CXLType3Poison *p = opaque;

    p->mig_list = p->mig_results = NULL;
    return 0;
}

/* The stream's counts, before anything is allocated for them */
static bool poison_lens_ok(void *opaque, int version_id)
{
    CXLType3Poison *p = opaque;

    return p->mig_list_len >= 0 &&
           p->mig_list_len <= p->ct3->poison_list_max &&
           p->mig_results_len >= 0 &&
           p->mig_results_len <= 4 * (int64_t)p->ct3->poison_list_max;
}

static bool range_ok(CXLType3Poison *p, const PoisonRange *r)
{
    uint64_t cap = capacity(p->ct3);

    return r->len && r->start < cap && r->len <= cap - r->start &&
           !(r->start % LINE) && !(r->len % LINE);
}

static int poison_post_load(void *opaque, int version_id)
{
    CXLType3Poison *p = opaque;
    int ret = 0;

    for (int32_t i = 0; i < p->mig_list_len && !ret; i++) {
        const PoisonRange *r = &p->mig_list[i];

        /* sorted and disjoint, as the list always is */
        if (!range_ok(p, r) ||
            (i && r->start < p->mig_list[i - 1].start +
                             p->mig_list[i - 1].len)) {
            ret = -EINVAL;
        }
    }
    for (int32_t i = 0; i < p->mig_results_len && !ret; i++) {
        if (!range_ok(p, &p->mig_results[i])) {
            ret = -EINVAL;
        }
    }
    if (p->results_next > (unsigned)p->mig_results_len ||
        (p->more && (p->more_next < p->more_start ||
                     p->more_next > p->more_start + p->more_len)) ||
        p->scan_start > capacity(p->ct3) ||
        p->scan_len > capacity(p->ct3) - p->scan_start) {
        ret = -EINVAL;
    }
    if (!ret) {
        g_array_set_size(p->list, 0);
        g_array_append_vals(p->list, p->mig_list, p->mig_list_len);
        g_array_set_size(p->results, 0);
        g_array_append_vals(p->results, p->mig_results, p->mig_results_len);
    }
    g_free(p->mig_list);
    g_free(p->mig_results);
    p->mig_list = p->mig_results = NULL;
    return ret;
}

const VMStateDescription vmstate_cxl_type3_poison = {
    .name = "cxl-type3-poison",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = poison_pre_save,
    .post_save = poison_post_save,
    .pre_load = poison_pre_load,
    .post_load = poison_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_INT32(mig_list_len, CXLType3Poison),
        VMSTATE_INT32(mig_results_len, CXLType3Poison),
        VMSTATE_VALIDATE("poison list lengths", poison_lens_ok),
        VMSTATE_STRUCT_VARRAY_ALLOC(mig_list, CXLType3Poison, mig_list_len,
                                    1, vmstate_poison_range, PoisonRange),
        VMSTATE_STRUCT_VARRAY_ALLOC(mig_results, CXLType3Poison,
                                    mig_results_len, 1, vmstate_poison_range,
                                    PoisonRange),
        VMSTATE_BOOL(overflow, CXLType3Poison),
        VMSTATE_UINT64(overflow_ts, CXLType3Poison),
        VMSTATE_BOOL(more, CXLType3Poison),
        VMSTATE_UINT64(more_start, CXLType3Poison),
        VMSTATE_UINT64(more_len, CXLType3Poison),
        VMSTATE_UINT64(more_next, CXLType3Poison),
        VMSTATE_UINT64(scan_start, CXLType3Poison),
        VMSTATE_UINT64(scan_len, CXLType3Poison),
        VMSTATE_BOOL(scan_no_event, CXLType3Poison),
        VMSTATE_UINT32(results_next, CXLType3Poison),
        VMSTATE_BOOL(stopped, CXLType3Poison),
        VMSTATE_UINT64(restart, CXLType3Poison),
        VMSTATE_UINT64(restart_len, CXLType3Poison),
        VMSTATE_END_OF_LIST()
    },
};

static const CXLCCIBgOp scan_media_op = {
    .name = "cxl-type3-scan-media",
    .complete = scan_complete,
    .abort = scan_abort,
};

static void poison_register_bg_ops(void)
{
    cxl_cci_bg_register(&scan_media_op);
}

type_init(poison_register_bg_ops)
