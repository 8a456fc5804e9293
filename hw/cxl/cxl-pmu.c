/*
 * CXL Performance Monitoring Units (CPMU, CXL r3.0 8.2.7.2 and 13.2).
 *
 * Each instance is a register block (Linux drivers/perf/cxl_pmu.c has the
 * layout): capabilities at 0h, overflow status at 10h (RW1C), freeze at
 * 18h, event capabilities at 100h + 8n, counter configuration at 200h +
 * 8n, filter configuration at 400h + 4 * (f + 8n) and counters at C00h +
 * 8n. Counters may be frozen (all of them, or some) and are writable
 * while frozen; each is cpmu-counter-width bits wide.
 *
 * What the counters count is what the component really sees. Five event
 * capabilities, under the CXL vendor ID (1E98h): clock ticks (event group
 * 00h bit 0), 1 GHz of QEMU_CLOCK_VIRTUAL (one tick per nanosecond), M2S
 * Req MemRd (20h bit 1), M2S RwD MemWr (21h bit 1), S2M NDR Cmp (24h bit
 * 0) and S2M DRS MemData (25h bit 0). Counter n below five is the
 * fixed-function counter of event capability n (its Event Group ID Index
 * and Events read-only: 0 clock ticks, 1 MemRd, 2 MemWr, 3 Cmp, 4
 * MemData); the counters from 5 on are configurable, over any of the five.
 * With fewer than five counters, the first ones of that list are there.
 * Why fixed counters: Linux 7.3's drivers/perf/cxl_pmu.c never sets the
 * event capability index of a configurable counter
 * (cxl_pmu_get_event_idx() leaves it 0, clock ticks here), but it uses a
 * fixed counter whose group and events match an event exactly, as the
 * counter's configuration register says. Linux gives configurable
 * counters no event capability a fixed counter has, so it counts only on
 * the fixed ones here; software that programs counters itself may use
 * the configurable ones for any event.
 * A read of memory through a fixed memory window is a MemRd and its
 * MemData for each 64-byte line it touches; a write a MemWr and its Cmp.
 * QEMU has no cache in front of CXL memory: a load or store that reaches
 * the device is one request per line it touches (a program that touches
 * each line once counts one per line). Every component on the access's
 * route counts it: the root port, the switch ports and the memory device.
 * While a CPMU of a component counts traffic (a traffic counter enabled
 * and not frozen), memory routed through the component leaves the fast
 * path (cxl-fast-path.c): every access takes the per-access path, which
 * counts it (cxl-route-cache.c). When counting stops, it returns.
 *
 * The HDM decoder filter (filter ID 0, memory devices only): bit n of the
 * value selects traffic that the device's HDM decoder n decodes; all ones
 * (the reset value) does not filter. Threshold 0 and 1 and edge detection
 * count every event (no cycle sees more than one); a threshold above 1
 * counts nothing, and invert is not implemented (the counter stays still).
 *
 * On a wrap the counter's overflow status bit is set; with Interrupt on
 * Overflow the component raises its CPMU interrupt (the Interrupt Message
 * Number in the capabilities); with Freeze on Overflow every counter
 * freezes.
 *
 * x-cpmu-ignore-freeze-on-overflow=on (default off, experimental) is a
 * workaround for Linux 7.3's drivers/perf/cxl_pmu.c: cxl_pmu_event_start()
 * sets Freeze on Overflow in every counter it starts, and cxl_pmu_irq()
 * reads the overflowed counters and clears their overflow status but
 * never writes the freeze register, so every counter stops at the first
 * wrap until perf next enables the PMU. With the property a wrap still
 * sets the overflow status and raises the interrupt, but nothing
 * freezes: the counter wraps and counts on (Freeze on Overflow still
 * reads back as written, and the capabilities still report freeze
 * support, without which Linux does not bind).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/host-utils.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qapi/error.h"
#include "hw/registerfields.h"
#include "hw/pci/msi.h"
#include "hw/pci/msix.h"
#include "hw/cxl/cxl-dvsec.h"
#include "hw/cxl/cxl-notify.h"
#include "hw/cxl/cxl-pmu.h"
#include "trace.h"

#define CXL_VENDOR_ID_CXL       0x1e98

/* Event group IDs (CXL r3.0 Table 13-5) */
#define GID_CLOCK_TICKS         0x00
#define GID_M2S_REQ             0x20
#define GID_M2S_RWD             0x21
#define GID_S2M_NDR             0x24
#define GID_S2M_DRS             0x25
/* ... and the events of them we count */
#define EV_CLOCK_TICKS          BIT(0)
#define EV_M2S_REQ_MEMRD        BIT(1)
#define EV_M2S_RWD_MEMWR        BIT(1)
#define EV_S2M_NDR_CMP          BIT(0)
#define EV_S2M_DRS_MEMDATA      BIT(0)

REG64(CPMU_CAP, 0x0)
    FIELD(CPMU_CAP, NUM_COUNTERS, 0, 6)
    FIELD(CPMU_CAP, COUNTER_WIDTH, 8, 8)
    FIELD(CPMU_CAP, NUM_EVCAPS, 20, 5)
    FIELD(CPMU_CAP, FILTERS, 32, 8)
    FIELD(CPMU_CAP, MSI_N, 44, 4)
    FIELD(CPMU_CAP, WRITABLE_FROZEN, 48, 1)
    FIELD(CPMU_CAP, FREEZE, 49, 1)
    FIELD(CPMU_CAP, INT, 50, 1)
    FIELD(CPMU_CAP, VERSION, 60, 4)
REG64(CPMU_OVERFLOW, 0x10)
REG64(CPMU_FREEZE, 0x18)
REG64(CPMU_EVCAP, 0x100)
    FIELD(CPMU_EVCAP, EVENTS, 0, 32)
    FIELD(CPMU_EVCAP, GROUP_ID, 32, 16)
    FIELD(CPMU_EVCAP, VENDOR_ID, 48, 16)
REG64(CPMU_CFG, 0x200)
    FIELD(CPMU_CFG, TYPE, 0, 2)
    FIELD(CPMU_CFG, ENABLE, 8, 1)
    FIELD(CPMU_CFG, INT_ON_OVF, 9, 1)
    FIELD(CPMU_CFG, FREEZE_ON_OVF, 10, 1)
    FIELD(CPMU_CFG, EDGE, 11, 1)
    FIELD(CPMU_CFG, INVERT, 12, 1)
    FIELD(CPMU_CFG, THRESHOLD, 16, 8)
    FIELD(CPMU_CFG, EVENTS, 24, 32)
    FIELD(CPMU_CFG, GROUP_IDX, 59, 5)
REG32(CPMU_FILTER, 0x400)
REG64(CPMU_COUNTER, 0xc00)

#define CFG_TYPE_FIXED          1
#define CFG_TYPE_CONFIGURABLE   2
/* what software may write: the rest is reserved or read-only */
#define CFG_RW_FIXED    (R_CPMU_CFG_ENABLE_MASK | R_CPMU_CFG_INT_ON_OVF_MASK | \
                         R_CPMU_CFG_FREEZE_ON_OVF_MASK | R_CPMU_CFG_EDGE_MASK | \
                         R_CPMU_CFG_INVERT_MASK | R_CPMU_CFG_THRESHOLD_MASK)
#define CFG_RW_CONF     (CFG_RW_FIXED | R_CPMU_CFG_EVENTS_MASK | \
                         R_CPMU_CFG_GROUP_IDX_MASK)

#define FILTER_HDM              0
#define FILTER_NONE             UINT32_MAX
#define FILTERS_SUP_HDM         BIT(0)

#define LINE_BITS               6       /* 64-byte lines */

static const struct {
    uint16_t gid;
    uint32_t events;
} evcaps[CXL_PMU_NR_EVCAPS] = {
    [CXL_PMU_EVCAP_CLOCK] = { GID_CLOCK_TICKS, EV_CLOCK_TICKS },
    [CXL_PMU_EVCAP_M2S_REQ] = { GID_M2S_REQ, EV_M2S_REQ_MEMRD },
    [CXL_PMU_EVCAP_M2S_RWD] = { GID_M2S_RWD, EV_M2S_RWD_MEMWR },
    [CXL_PMU_EVCAP_S2M_NDR] = { GID_S2M_NDR, EV_S2M_NDR_CMP },
    [CXL_PMU_EVCAP_S2M_DRS] = { GID_S2M_DRS, EV_S2M_DRS_MEMDATA },
};

/* The events of an access: [CXLPMUTraffic][request, response] */
static const struct {
    unsigned evcap;
    uint32_t event;
} traffic_events[2][2] = {
    [CXL_PMU_READ] = {
        { CXL_PMU_EVCAP_M2S_REQ, EV_M2S_REQ_MEMRD },
        { CXL_PMU_EVCAP_S2M_DRS, EV_S2M_DRS_MEMDATA },
    },
    [CXL_PMU_WRITE] = {
        { CXL_PMU_EVCAP_M2S_RWD, EV_M2S_RWD_MEMWR },
        { CXL_PMU_EVCAP_S2M_NDR, EV_S2M_NDR_CMP },
    },
};

unsigned cxl_pmu_nr_counting;
/* The groups counting traffic (with the BQL) */
static QLIST_HEAD(, CXLPMUGroup) counting_groups =
    QLIST_HEAD_INITIALIZER(counting_groups);

static const char *pmu_name(CXLPMU *p)
{
    return DEVICE(p->group->owner)->id ?: object_get_typename(
        OBJECT(p->group->owner));
}

static uint64_t counters_mask(CXLPMUGroup *g)
{
    return MAKE_64BIT_MASK(0, g->nr_counters);
}

static uint64_t width_mask(CXLPMUGroup *g)
{
    return MAKE_64BIT_MASK(0, g->width);
}

static uint64_t cap(CXLPMUGroup *g)
{
    uint64_t v = 0;

    v = FIELD_DP64(v, CPMU_CAP, NUM_COUNTERS, g->nr_counters - 1);
    v = FIELD_DP64(v, CPMU_CAP, COUNTER_WIDTH, g->width);
    v = FIELD_DP64(v, CPMU_CAP, NUM_EVCAPS, CXL_PMU_NR_EVCAPS - 1);
    v = FIELD_DP64(v, CPMU_CAP, FILTERS, g->decoder ? FILTERS_SUP_HDM : 0);
    v = FIELD_DP64(v, CPMU_CAP, MSI_N, g->vector);
    v = FIELD_DP64(v, CPMU_CAP, WRITABLE_FROZEN, 1);
    v = FIELD_DP64(v, CPMU_CAP, FREEZE, 1);
    v = FIELD_DP64(v, CPMU_CAP, INT, 1);
    return FIELD_DP64(v, CPMU_CAP, VERSION, 1);
}

static uint64_t evcap(unsigned i)
{
    uint64_t v = 0;

    v = FIELD_DP64(v, CPMU_EVCAP, EVENTS, evcaps[i].events);
    v = FIELD_DP64(v, CPMU_EVCAP, GROUP_ID, evcaps[i].gid);
    return FIELD_DP64(v, CPMU_EVCAP, VENDOR_ID, CXL_VENDOR_ID_CXL);
}

/* Counter @n is a fixed-function counter: that of event capability @n */
static bool counter_fixed(unsigned n)
{
    return n < CXL_PMU_NR_EVCAPS;
}

/*
 * The configuration register at reset: a fixed counter's type, group
 * index and events are read-only, a configurable one's type only
 */
static uint64_t cfg_reset(unsigned n)
{
    uint64_t v = 0;

    if (counter_fixed(n)) {
        v = FIELD_DP64(v, CPMU_CFG, TYPE, CFG_TYPE_FIXED);
        v = FIELD_DP64(v, CPMU_CFG, EVENTS, evcaps[n].events);
        return FIELD_DP64(v, CPMU_CFG, GROUP_IDX, n);
    }
    return FIELD_DP64(v, CPMU_CFG, TYPE, CFG_TYPE_CONFIGURABLE);
}

/* Counter @n counts event @event of event capability @ec now */
static bool counts_event(CXLPMU *p, unsigned n, unsigned ec, uint32_t event)
{
    uint64_t c = p->cfg[n];

    return FIELD_EX64(c, CPMU_CFG, ENABLE) && !(p->freeze & BIT_ULL(n)) &&
           FIELD_EX64(c, CPMU_CFG, GROUP_IDX) == ec &&
           (FIELD_EX64(c, CPMU_CFG, EVENTS) & event) &&
           FIELD_EX64(c, CPMU_CFG, THRESHOLD) <= 1 &&
           !FIELD_EX64(c, CPMU_CFG, INVERT);
}

/*
 * Bring the clock-ticks counters up to @now (with p->lock). Returns
 * whether something froze.
 */
static bool add(CXLPMU *p, unsigned n, uint64_t delta);

static bool clock_sync(CXLPMU *p, int64_t now)
{
    uint64_t delta = now > p->clock_ns ? now - p->clock_ns : 0;
    uint64_t clocks = p->clocks;
    bool froze = false;

    p->clock_ns = now;
    if (!delta) {
        return false;
    }
    while (clocks) {
        unsigned n = ctz64(clocks);

        clocks &= clocks - 1;
        froze |= add(p, n, delta);
    }
    return froze;
}

/* Recompute what the counters count (with p->lock); re-arm the timer */
static void update(CXLPMU *p)
{
    CXLPMUGroup *g = p->group;
    uint64_t next = UINT64_MAX;

    p->clocks = 0;
    memset(p->counts, 0, sizeof(p->counts));
    for (unsigned n = 0; n < g->nr_counters; n++) {
        if (counts_event(p, n, CXL_PMU_EVCAP_CLOCK, EV_CLOCK_TICKS)) {
            p->clocks |= BIT_ULL(n);
            next = MIN(next, width_mask(g) - p->counter[n] + 1);
        }
        for (unsigned t = 0; t < 2; t++) {
            for (unsigned k = 0; k < 2; k++) {
                if (counts_event(p, n, traffic_events[t][k].evcap,
                                 traffic_events[t][k].event)) {
                    p->counts[t][k] |= BIT_ULL(n);
                }
            }
        }
    }
    p->traffic = p->counts[0][0] | p->counts[0][1] | p->counts[1][0] |
                 p->counts[1][1];
    if (p->clocks) {
        /* the first wrap (ticks are nanoseconds) */
        timer_mod_ns(p->timer, p->clock_ns + MIN(next, INT64_MAX / 2));
    } else {
        timer_del(p->timer);
    }
}

/*
 * Add @delta to counter @n (with p->lock): on a wrap, overflow status,
 * interrupt and freeze as the counter is configured. Returns whether the
 * counters froze.
 */
static bool add(CXLPMU *p, unsigned n, uint64_t delta)
{
    CXLPMUGroup *g = p->group;
    uint64_t mask = width_mask(g), v = p->counter[n] + delta;

    if (v <= mask) {
        p->counter[n] = v;
        return false;
    }
    p->counter[n] = v & mask;
    p->overflow |= BIT_ULL(n);
    trace_cxl_pmu_overflow(pmu_name(p), p->index, n);
    if (FIELD_EX64(p->cfg[n], CPMU_CFG, INT_ON_OVF)) {
        p->irq_pending = true;
    }
    if (FIELD_EX64(p->cfg[n], CPMU_CFG, FREEZE_ON_OVF)) {
        if (g->ignore_freeze) {
            trace_cxl_pmu_freeze_ignored(pmu_name(p), p->index, n);
            return false;
        }
        p->freeze = counters_mask(g);
        return true;
    }
    return false;
}

/*
 * With the BQL: raise pending interrupts, and follow whether the group
 * counts traffic (routes change with it: the notification flushes the
 * fast path and the per-access path's decode caches).
 */
static void group_refresh(CXLPMUGroup *g)
{
    bool traffic = false, irq = false;

    for (unsigned i = 0; i < g->nr; i++) {
        CXLPMU *p = &g->pmu[i];

        qemu_mutex_lock(&p->lock);
        traffic |= p->traffic;
        irq |= p->irq_pending;
        p->irq_pending = false;
        qemu_mutex_unlock(&p->lock);
    }
    if (irq) {
        trace_cxl_pmu_irq(DEVICE(g->owner)->id ?: "", g->vector);
        g->irq(g->owner, g->vector);
    }
    g->traffic = traffic;
    if (traffic != g->routed) {
        g->routed = traffic;
        if (traffic) {
            QLIST_INSERT_HEAD(&counting_groups, g, next);
            qatomic_inc(&cxl_pmu_nr_counting);
        } else {
            QLIST_REMOVE(g, next);
            qatomic_dec(&cxl_pmu_nr_counting);
        }
        trace_cxl_pmu_counting(DEVICE(g->owner)->id ?: "", traffic);
        cxl_notify_state_changed(OBJECT(g->owner), CXL_NOTIFY_ALL, 0, 0);
    }
}

static void group_bh(void *opaque)
{
    group_refresh(opaque);
}

static void clock_timer(void *opaque)
{
    CXLPMU *p = opaque;

    qemu_mutex_lock(&p->lock);
    clock_sync(p, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
    update(p);
    qemu_mutex_unlock(&p->lock);
    group_refresh(p->group);
}

/* ---- counting ---- */

void cxl_pmu_route_hop(CXLPMURoute *r, PCIDevice *d, uint64_t hpa)
{
    CXLPMUGroup *g;

    QLIST_FOREACH(g, &counting_groups, next) {
        if (g->owner == d && r->n < CXL_PMU_ROUTE_MAX) {
            r->g[r->n] = g;
            r->decoder[r->n] = g->decoder ? g->decoder(d, hpa) : -1;
            r->n++;
            return;
        }
    }
}

static bool filter_pass(CXLPMU *p, unsigned n, int decoder)
{
    uint32_t f = p->filter_hdm[n];

    return f == FILTER_NONE || (decoder >= 0 && decoder < 32 &&
                                (f & BIT(decoder)));
}

void cxl_pmu_count(const CXLPMURoute *r, CXLPMUTraffic t, uint64_t hpa,
                   unsigned size)
{
    uint64_t lines = ((hpa + size - 1) >> LINE_BITS) - (hpa >> LINE_BITS) + 1;

    for (unsigned i = 0; i < r->n; i++) {
        CXLPMUGroup *g = r->g[i];

        for (unsigned j = 0; j < g->nr; j++) {
            CXLPMU *p = &g->pmu[j];
            bool kick = false;

            qemu_mutex_lock(&p->lock);
            for (unsigned k = 0; k < 2; k++) {
                uint64_t bits = p->counts[t][k];

                while (bits) {
                    unsigned n = ctz64(bits);

                    bits &= bits - 1;
                    if (filter_pass(p, n, r->decoder[i])) {
                        kick |= add(p, n, lines);
                    }
                }
            }
            if (kick) {
                /* bring the clocks to the freeze (they count no further) */
                clock_sync(p, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
                update(p);
            }
            kick |= p->irq_pending;
            qemu_mutex_unlock(&p->lock);
            if (kick) {
                /* this thread may not hold the BQL */
                qemu_bh_schedule(g->bh);
            }
        }
    }
}

/* ---- registers ---- */

static bool counter_index(CXLPMU *p, hwaddr a, hwaddr base, unsigned *n,
                          bool write)
{
    *n = (a - base) / 8;
    if (*n < p->group->nr_counters) {
        return true;
    }
    if (write) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: CPMU %u: counter %u does not "
                      "exist (%u counters)\n", pmu_name(p), p->index, *n,
                      p->group->nr_counters);
    }
    return false;
}

static uint64_t reg_read(CXLPMU *p, hwaddr a)
{
    CXLPMUGroup *g = p->group;
    unsigned n;

    switch (a) {
    case A_CPMU_CAP:
        return cap(g);
    case A_CPMU_OVERFLOW:
        return p->overflow;
    case A_CPMU_FREEZE:
        return p->freeze;
    }
    if (a >= A_CPMU_EVCAP && a < A_CPMU_EVCAP + 8 * CXL_PMU_NR_EVCAPS) {
        return evcap((a - A_CPMU_EVCAP) / 8);
    }
    if (a >= A_CPMU_CFG && a < A_CPMU_FILTER) {
        return counter_index(p, a, A_CPMU_CFG, &n, false) ? p->cfg[n] : 0;
    }
    if (a >= A_CPMU_COUNTER && a < CXL_PMU_REGS_SIZE) {
        if (!counter_index(p, a, A_CPMU_COUNTER, &n, false)) {
            return 0;
        }
        clock_sync(p, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
        return p->counter[n];
    }
    return 0;                   /* reserved */
}

/* A filter configuration register (32 bits) */
static uint32_t filter_read(CXLPMU *p, hwaddr a)
{
    unsigned f = (a - A_CPMU_FILTER) / 4 % CXL_PMU_FILTERS;
    unsigned n = (a - A_CPMU_FILTER) / 4 / CXL_PMU_FILTERS;

    if (n >= p->group->nr_counters) {
        return 0;
    }
    if (f == FILTER_HDM && p->group->decoder) {
        return p->filter_hdm[n];
    }
    return FILTER_NONE;         /* a filter we do not have: no filtering */
}

static void filter_write(CXLPMU *p, hwaddr a, uint32_t v)
{
    unsigned f = (a - A_CPMU_FILTER) / 4 % CXL_PMU_FILTERS;
    unsigned n = (a - A_CPMU_FILTER) / 4 / CXL_PMU_FILTERS;

    if (n >= p->group->nr_counters) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: CPMU %u: filter %u of counter %u:"
                      " no such counter\n", pmu_name(p), p->index, f, n);
        return;
    }
    if (f == FILTER_HDM && p->group->decoder) {
        p->filter_hdm[n] = v;
        return;
    }
    if (v != FILTER_NONE) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: CPMU %u: filter ID %u is not "
                      "supported (counter %u, value 0x%x)\n", pmu_name(p),
                      p->index, f, n, v);
    }
}

static void cfg_write(CXLPMU *p, unsigned n, uint64_t v)
{
    uint64_t old = p->cfg[n];
    uint64_t rw = counter_fixed(n) ? CFG_RW_FIXED : CFG_RW_CONF;
    unsigned ec;

    if ((v ^ old) & ~rw) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: CPMU %u: counter %u "
                      "configuration: read-only or reserved bits 0x%" PRIx64
                      " ignored\n", pmu_name(p), p->index, n,
                      (v ^ old) & ~rw);
    }
    v = (old & ~rw) | (v & rw);
    p->cfg[n] = v;
    if (!FIELD_EX64(v, CPMU_CFG, ENABLE)) {
        return;
    }
    ec = FIELD_EX64(v, CPMU_CFG, GROUP_IDX);
    if (ec >= CXL_PMU_NR_EVCAPS) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: CPMU %u: counter %u: event "
                      "capability %u does not exist: counts nothing\n",
                      pmu_name(p), p->index, n, ec);
    } else if (FIELD_EX64(v, CPMU_CFG, EVENTS) & ~evcaps[ec].events) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: CPMU %u: counter %u: reserved "
                      "events 0x%" PRIx64 " of group 0x%x: not counted\n",
                      pmu_name(p), p->index, n,
                      FIELD_EX64(v, CPMU_CFG, EVENTS) & ~evcaps[ec].events,
                      evcaps[ec].gid);
    }
    if (FIELD_EX64(v, CPMU_CFG, INVERT)) {
        qemu_log_mask(LOG_UNIMP, "%s: CPMU %u: counter %u: invert is not "
                      "implemented: counts nothing\n", pmu_name(p), p->index,
                      n);
    }
}

static void reg_write(CXLPMU *p, hwaddr a, uint64_t v)
{
    CXLPMUGroup *g = p->group;
    unsigned n;

    switch (a) {
    case A_CPMU_OVERFLOW:
        p->overflow &= ~v;      /* RW1C */
        return;
    case A_CPMU_FREEZE:
        /* Linux writes all ones: bits past the counters are RsvdZ */
        p->freeze = v & counters_mask(g);
        return;
    }
    if (a >= A_CPMU_CFG && a < A_CPMU_FILTER) {
        if (counter_index(p, a, A_CPMU_CFG, &n, true)) {
            cfg_write(p, n, v);
        }
        return;
    }
    if (a >= A_CPMU_COUNTER && a < CXL_PMU_REGS_SIZE) {
        if (counter_index(p, a, A_CPMU_COUNTER, &n, true)) {
            p->counter[n] = v & width_mask(g);
        }
        return;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "%s: CPMU %u: write 0x%" PRIx64 " to "
                  "read-only or reserved register 0x%" HWADDR_PRIx "\n",
                  pmu_name(p), p->index, v, a);
}

static uint64_t cxl_pmu_read(void *opaque, hwaddr addr, unsigned size)
{
    CXLPMU *p = opaque;
    uint64_t v;

    if (addr >= CXL_PMU_REGS_SIZE) {
        return 0;
    }
    qemu_mutex_lock(&p->lock);
    if (addr >= A_CPMU_FILTER && addr < A_CPMU_COUNTER) {
        v = filter_read(p, addr & ~3);
        v = size == 8 ? v | (uint64_t)filter_read(p, addr + 4) << 32 : v;
    } else {
        v = reg_read(p, addr & ~7) >> (8 * (addr & 7));
    }
    qemu_mutex_unlock(&p->lock);
    trace_cxl_pmu_read(pmu_name(p), p->index, addr, size, v);
    return size == 8 ? v : (uint32_t)v;
}

static void cxl_pmu_write(void *opaque, hwaddr addr, uint64_t v,
                          unsigned size)
{
    CXLPMU *p = opaque;
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    trace_cxl_pmu_write(pmu_name(p), p->index, addr, size, v);
    if (addr >= CXL_PMU_REGS_SIZE) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: CPMU %u: write to 0x%"
                      HWADDR_PRIx " past the registers\n", pmu_name(p),
                      p->index, addr);
        return;
    }
    qemu_mutex_lock(&p->lock);
    /* the clocks count up to now under the old configuration */
    clock_sync(p, now);
    if (addr >= A_CPMU_FILTER && addr < A_CPMU_COUNTER) {
        filter_write(p, addr, v);
        if (size == 8) {
            filter_write(p, addr + 4, v >> 32);
        }
    } else if (size == 8) {
        reg_write(p, addr, v);
    } else {
        /* half a 64-bit register */
        hwaddr a = addr & ~7;
        unsigned sh = 8 * (addr & 7);
        /* RW1C: the other half's zeros clear nothing */
        uint64_t old = a == A_CPMU_OVERFLOW ? 0 : reg_read(p, a);

        reg_write(p, a, deposit64(old, sh, 32, v));
    }
    update(p);
    qemu_mutex_unlock(&p->lock);
    group_refresh(p->group);
}

static const MemoryRegionOps cxl_pmu_ops = {
    .read = cxl_pmu_read,
    .write = cxl_pmu_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 4,
        .max_access_size = 8,
        .unaligned = false,
    },
    .impl = {
        .min_access_size = 4,
        .max_access_size = 8,
    },
};

/* ---- the component's side ---- */

static void pmu_reset(CXLPMU *p)
{
    CXLPMUGroup *g = p->group;

    qemu_mutex_lock(&p->lock);
    for (unsigned n = 0; n < CXL_PMU_MAX_COUNTERS; n++) {
        p->cfg[n] = n < g->nr_counters ? cfg_reset(n) : 0;
        p->counter[n] = 0;
        p->filter_hdm[n] = FILTER_NONE;
    }
    p->overflow = 0;
    p->freeze = 0;
    p->irq_pending = false;
    p->clock_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    update(p);
    qemu_mutex_unlock(&p->lock);
}

bool cxl_pmu_check(CXLPMUGroup *g, const char *type, Error **errp)
{
    if (g->nr > CXL_PMU_MAX_INSTANCES) {
        error_setg(errp, "%s: num-cpmus: at most %u CPMU instances", type,
                   CXL_PMU_MAX_INSTANCES);
        return false;
    }
    if (g->nr_counters < 1 || g->nr_counters > CXL_PMU_MAX_COUNTERS) {
        error_setg(errp, "%s: cpmu-counters: 1 to %u counters (counter 0 "
                   "counts clock ticks)", type, CXL_PMU_MAX_COUNTERS);
        return false;
    }
    if (g->width < CXL_PMU_MIN_WIDTH || g->width > CXL_PMU_MAX_WIDTH) {
        error_setg(errp, "%s: cpmu-counter-width: %u to %u bits", type,
                   CXL_PMU_MIN_WIDTH, CXL_PMU_MAX_WIDTH);
        return false;
    }
    return true;
}

void cxl_pmu_irq_msi(PCIDevice *d, unsigned vector)
{
    if (msix_enabled(d)) {
        msix_notify(d, vector);
    } else if (msi_enabled(d)) {
        msi_notify(d, vector);
    }
}

MemoryRegion *cxl_pmu_realize(CXLPMUGroup *g, PCIDevice *owner,
                              MemoryRegion *comp, const char *name,
                              unsigned vector, CXLPMUIrqFn irq,
                              CXLPMUDecoderFn decoder, Error **errp)
{
    if (!cxl_pmu_check(g, object_get_typename(OBJECT(owner)), errp)) {
        return NULL;
    }
    if (!g->nr) {
        return comp;
    }
    g->owner = owner;
    g->vector = vector;
    g->irq = irq;
    g->decoder = decoder;
    g->bh = qemu_bh_new_guarded(group_bh, g,
                                &DEVICE(owner)->mem_reentrancy_guard);
    memory_region_init(&g->bar, OBJECT(owner), name,
                       pow2ceil((g->nr + 1) * CXL_PMU_BLOCK_SIZE));
    memory_region_add_subregion(&g->bar, 0, comp);
    for (unsigned i = 0; i < g->nr; i++) {
        CXLPMU *p = &g->pmu[i];
        g_autofree char *n = g_strdup_printf("%s-%u", name, i);

        p->group = g;
        p->index = i;
        qemu_mutex_init(&p->lock);
        p->timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, clock_timer, p);
        memory_region_init_io(&p->mr, OBJECT(owner), &cxl_pmu_ops, p, n,
                              CXL_PMU_BLOCK_SIZE);
        memory_region_add_subregion(&g->bar, (i + 1) * CXL_PMU_BLOCK_SIZE,
                                    &p->mr);
        pmu_reset(p);
    }
    return &g->bar;
}

void cxl_pmu_unrealize(CXLPMUGroup *g)
{
    if (!g->nr || !g->owner) {
        return;
    }
    if (g->routed) {
        QLIST_REMOVE(g, next);
        qatomic_dec(&cxl_pmu_nr_counting);
        g->routed = false;
    }
    for (unsigned i = 0; i < g->nr; i++) {
        timer_free(g->pmu[i].timer);
        g->pmu[i].timer = NULL;
        qemu_mutex_destroy(&g->pmu[i].lock);
    }
    g_clear_pointer(&g->bh, qemu_bh_delete);
    g->owner = NULL;
}

void cxl_pmu_reset(CXLPMUGroup *g)
{
    if (!g->nr || !g->owner) {
        return;
    }
    for (unsigned i = 0; i < g->nr; i++) {
        pmu_reset(&g->pmu[i]);
    }
    group_refresh(g);
}

void cxl_pmu_reg_blocks(CXLPMUGroup *g, CXLRegBlock *blocks, unsigned *n)
{
    for (unsigned i = 0; i < g->nr; i++) {
        blocks[(*n)++] = (CXLRegBlock) {
            .bar = 0, .id = CXL_REGLOC_PMU,
            .offset = (i + 1) * CXL_PMU_BLOCK_SIZE,
        };
    }
}

/* ---- migration ---- */

static int cxl_pmu_pre_save(void *opaque)
{
    CXLPMU *p = opaque;

    qemu_mutex_lock(&p->lock);
    clock_sync(p, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
    qemu_mutex_unlock(&p->lock);
    return 0;
}

static int cxl_pmu_post_load(void *opaque, int version_id)
{
    CXLPMU *p = opaque;
    CXLPMUGroup *g = p->group;

    if ((p->overflow | p->freeze) & ~counters_mask(g)) {
        return -EINVAL;
    }
    for (unsigned n = 0; n < CXL_PMU_MAX_COUNTERS; n++) {
        uint64_t ro = n < g->nr_counters ? cfg_reset(n) : 0;
        uint64_t rw = n >= g->nr_counters ? 0 :
                      counter_fixed(n) ? CFG_RW_FIXED : CFG_RW_CONF;

        if ((p->cfg[n] & ~rw) != (ro & ~rw) || p->counter[n] > width_mask(g)) {
            return -EINVAL;
        }
    }
    qemu_mutex_lock(&p->lock);
    p->clock_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    p->irq_pending = false;
    update(p);
    qemu_mutex_unlock(&p->lock);
    return 0;
}

static const VMStateDescription vmstate_cxl_pmu = {
    .name = "cxl-pmu",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = cxl_pmu_pre_save,
    .post_load = cxl_pmu_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT64_ARRAY(cfg, CXLPMU, CXL_PMU_MAX_COUNTERS),
        VMSTATE_UINT64_ARRAY(counter, CXLPMU, CXL_PMU_MAX_COUNTERS),
        VMSTATE_UINT32_ARRAY(filter_hdm, CXLPMU, CXL_PMU_MAX_COUNTERS),
        VMSTATE_UINT64(overflow, CXLPMU),
        VMSTATE_UINT64(freeze, CXLPMU),
        VMSTATE_END_OF_LIST()
    },
};

static int cxl_pmu_group_post_load(void *opaque, int version_id)
{
    group_refresh(opaque);
    return 0;
}

const VMStateDescription vmstate_cxl_pmu_group = {
    .name = "cxl-pmu-group",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = cxl_pmu_group_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_STRUCT_VARRAY_UINT32(pmu, CXLPMUGroup, nr, 1,
                                     vmstate_cxl_pmu, CXLPMU),
        VMSTATE_END_OF_LIST()
    },
};
