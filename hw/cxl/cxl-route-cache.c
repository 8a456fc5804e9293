/*
 * The per-access path of the fixed memory windows: every access the fast
 * path (cxl-fast-path.c) does not map as RAM is an MMIO access of the
 * window's I/O region, routed (cxl-route.c) to a memory target's DPA.
 *
 * It runs without the BQL, so that vCPUs reach CXL memory in parallel.
 * Each thread caches its last decode: the extent it holds for, when that
 * is all memory and free of poison. Every state change (a
 * CXL_NOTIFY_STATE_CHANGED event, include/hw/cxl/cxl-notify.h) makes all
 * of them stale; misses take the BQL (routes read device state) and
 * route. A hit neither locks nor calls through the decode interface: it
 * reads host memory, and writes through the target's DPA space.
 *
 * While CPMUs count traffic (cxl-pmu.c), a route also names the
 * components on it whose CPMUs do, and every access counts on them: one
 * request and response per 64-byte line it touches.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/main-loop.h"
#include "hw/cxl/cxl-notify.h"
#include "hw/cxl/cxl-route.h"
#include "hw/cxl/cxl-route-cache.h"
#include "hw/cxl/cxl-shadow.h"
#include "trace.h"

static unsigned route_gen = 1;

/* Something a route depends on changed: every cached decode is stale */
static void route_cache_notify(Notifier *n, void *data)
{
    CXLNotifyEvent *ev = data;

    if (ev->kind != CXL_NOTIFY_DATA_CHANGED) {
        qatomic_inc(&route_gen);
    }
}

static Notifier route_cache_subscriber = { .notify = route_cache_notify };

typedef struct SlowCache {
    CXLWindow *w;
    unsigned gen;
    hwaddr lo, hi;              /* routes linearly to a target's memory... */
    AddressSpace *as;           /* ... its DPA space (writes) ... */
    uint64_t dpa;               /* ... from here */
    uint8_t *ptr;               /* its host memory */
    CXLPMURoute pmu;            /* the CPMUs that count its accesses */
} SlowCache;

static __thread SlowCache slow_cache;

/* The cached decode of [hpa, hpa + size), if the cache covers it */
static inline SlowCache *cache_hit(CXLWindow *w, hwaddr hpa, unsigned size)
{
    SlowCache *c = &slow_cache;

    if (c->w == w && c->gen == qatomic_read(&route_gen) && hpa >= c->lo &&
        hpa + size <= c->hi) {
        return c;
    }
    return NULL;
}

static SlowCache *cache_fill(CXLWindow *w, hwaddr hpa, unsigned size)
{
    SlowCache *c = &slow_cache;
    CXLExtent ext;
    CXLMemTarget *t;
    uint64_t dpa, len;
    uint8_t *ptr;
    unsigned gen;

    BQL_LOCK_GUARD();
    c->w = NULL;
    gen = qatomic_read(&route_gen);
    if (!cxl_route_pmu(w, hpa, &t, &dpa, &ext, &c->pmu)) {
        return NULL;
    }
    len = ext.hi - ext.lo;
    dpa -= hpa - ext.lo;
    ptr = cxl_mem_target_ptr(t, dpa, len);
    if (!ptr || cxl_mem_target_poisoned(t, dpa, len)) {
        /* per access, with the poison and media checks */
        return NULL;
    }
    c->w = w;
    c->gen = gen;
    c->lo = ext.lo;
    c->hi = ext.hi;
    c->as = cxl_mem_target_space(t);
    c->dpa = dpa;
    c->ptr = ptr;
    return cache_hit(w, hpa, size);
}

/*
 * One byte that some level claims but the cache could not serve. The
 * first byte of the access (@first) and the first of each 64-byte line
 * count the access on the CPMUs of the route (a line is in one granule:
 * all of its bytes take one route).
 */
static uint8_t *route_byte(CXLWindow *w, hwaddr hpa, CXLMemTarget **t,
                           uint64_t *dpa, bool *poisoned, bool first,
                           CXLPMUTraffic traffic, hwaddr end)
{
    CXLPMURoute *pmu = NULL;
    uint8_t *p;

    BQL_LOCK_GUARD();
    if (unlikely(cxl_pmu_counting()) && (first || !(hpa % 64))) {
        pmu = g_newa(CXLPMURoute, 1);
    }
    if (!cxl_route_pmu(w, hpa, t, dpa, NULL, pmu)) {
        return NULL;
    }
    if (pmu && pmu->n) {
        cxl_pmu_count(pmu, traffic, hpa,
                      MIN(end, QEMU_ALIGN_UP(hpa + 1, 64)) - hpa);
    }
    p = cxl_mem_target_ptr(*t, *dpa, 1);
    *poisoned = p && cxl_mem_target_poisoned(*t, *dpa, 1);
    return p;
}

static bool in_one_granule(hwaddr hpa, unsigned size)
{
    return (hpa % CXL_IG_MIN_BYTES) + size <= CXL_IG_MIN_BYTES;
}

static MemTxResult cxl_window_read(void *opaque, hwaddr addr, uint64_t *data,
                                   unsigned size, MemTxAttrs attrs)
{
    CXLWindow *w = opaque;
    hwaddr hpa = w->base + addr;
    CXLMemTarget *t;
    uint64_t dpa, v = 0;
    bool poisoned, pending = qatomic_read(&w->shadow_pending);
    unsigned in_shadow = 0;
    SlowCache *c;
    uint8_t *p, b;

    if (unlikely(pending)) {
        uint8_t buf[8];

        /* a shadow waiting for its write-back is the memory there */
        in_shadow = cxl_shadow_access(w, addr, buf, size, false);
        if (in_shadow == size) {
            *data = ldn_le_p(buf, size);
            return MEMTX_OK;
        }
    }
    /* (partly in a shadow: byte by byte) */
    c = in_shadow ? NULL : cache_hit(w, hpa, size);
    if (unlikely(!c) && !in_shadow && in_one_granule(hpa, size)) {
        c = cache_fill(w, hpa, size);
    }
    if (likely(c)) {
        *data = ldn_le_p(c->ptr + (hpa - c->lo), size);
        if (unlikely(c->pmu.n)) {
            cxl_pmu_count(&c->pmu, CXL_PMU_READ, hpa, size);
        }
        return MEMTX_OK;
    }
    /* byte by byte: an unaligned access may span granules */
    for (unsigned i = 0; i < size; i++) {
        if (pending && cxl_shadow_access(w, addr + i, &b, 1, false)) {
            v |= (uint64_t)b << (8 * i);
            continue;
        }
        p = route_byte(w, hpa + i, &t, &dpa, &poisoned, i == 0,
                       CXL_PMU_READ, hpa + size);
        if (!p) {
            trace_cxl_window_unclaimed(w->index, hpa + i, 1, false);
        } else if (unlikely(poisoned)) {
            /* a read touching a poisoned line reads all ones */
            trace_cxl_type3_poison_read(dpa, size);
            v = UINT64_MAX;
            break;
        }
        v |= (uint64_t)(p ? *p : 0xff) << (8 * i);
    }
    *data = v & MAKE_64BIT_MASK(0, size * 8);
    return MEMTX_OK;
}

static MemTxResult cxl_window_write(void *opaque, hwaddr addr, uint64_t data,
                                    unsigned size, MemTxAttrs attrs)
{
    CXLWindow *w = opaque;
    hwaddr hpa = w->base + addr;
    CXLMemTarget *t;
    uint64_t dpa;
    bool poisoned, pending = qatomic_read(&w->shadow_pending);
    unsigned in_shadow = 0;
    SlowCache *c;
    uint8_t buf[8];

    stn_le_p(buf, size, data);
    if (unlikely(pending)) {
        /* a shadow waiting for its write-back is the memory there */
        in_shadow = cxl_shadow_access(w, addr, buf, size, true);
        if (in_shadow == size) {
            return MEMTX_OK;
        }
    }
    /* (partly in a shadow: byte by byte) */
    c = in_shadow ? NULL : cache_hit(w, hpa, size);
    if (unlikely(!c) && !in_shadow && in_one_granule(hpa, size)) {
        c = cache_fill(w, hpa, size);
    }
    if (likely(c)) {
        /* as cxl_mem_target_write() does */
        address_space_write(c->as, c->dpa + (hpa - c->lo),
                            MEMTXATTRS_UNSPECIFIED, buf, size);
        if (unlikely(c->pmu.n)) {
            cxl_pmu_count(&c->pmu, CXL_PMU_WRITE, hpa, size);
        }
        return MEMTX_OK;
    }
    for (unsigned i = 0; i < size; i++) {
        if (pending && cxl_shadow_access(w, addr + i, &buf[i], 1, true)) {
            continue;
        }
        if (route_byte(w, hpa + i, &t, &dpa, &poisoned, i == 0,
                       CXL_PMU_WRITE, hpa + size)) {
            cxl_mem_target_write(t, dpa, &buf[i], 1);
        } else {
            trace_cxl_window_unclaimed(w->index, hpa + i, 1, true);
        }
    }
    return MEMTX_OK;
}

static const MemoryRegionOps cxl_window_ops = {
    .read_with_attrs = cxl_window_read,
    .write_with_attrs = cxl_window_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 8,
        .unaligned = true,
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 8,
        .unaligned = true,
    },
};

void cxl_route_cache_init_window(CXLWindow *w, Object *owner,
                                 const char *name)
{
    static bool subscribed;

    if (!subscribed) {
        cxl_notify_subscribe(&route_cache_subscriber);
        subscribed = true;
    }
    memory_region_init_io(&w->mr, owner, &cxl_window_ops, w, name, w->size);
    /* this file serialises what needs it: vCPUs access in parallel */
    memory_region_enable_lockless_io(&w->mr);
}
