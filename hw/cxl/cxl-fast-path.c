/*
 * The fast path for CXL memory: committed memory mapped as RAM.
 *
 * A fixed memory window is a container holding the per-access path (an
 * I/O region that routes each access, cxl-route.c) and, above it, up to
 * CXL_FAST_PATH_OVERLAYS overlays. An overlay is an IOMMU memory region
 * over a run of pages that route, each as a whole, to RAM: its translate
 * function routes the page and hands out the device's memory (the
 * device's DPA address space, cxl-type3.c), which TCG caches in its TLB
 * and DMA uses directly. That covers 1-way regions at any depth and every
 * interleave whose granules, at every level, are at least a target page.
 *
 * What cannot be mapped stays on the per-access path, under the overlays:
 * finer interleaves, pages with poison, devices whose media is disabled
 * or locked, addresses no decoder claims. Overlays translate to RAM only:
 * TCG resolves an I/O region behind an IOMMU in the CPU's own address
 * space, so the per-access path can never be an overlay's target.
 *
 * Overlays are made lazily: the first access through the per-access path
 * to a region (the intersection of the decoder ranges its route went
 * through) since the last flush scans that region page by page (an extent
 * at a time, so a 1-way region costs one route) and maps its runs of
 * mappable pages. Any change a route depends on (decoder commit or reset,
 * Mem_Enable, poison, media state, hot-plug) calls cxl_fast_path_flush(),
 * which unmaps every overlay: the memory transaction flushes the CPUs'
 * TLBs, so no CPU keeps a stale mapping.
 *
 * -machine cxl-fast-path=off keeps every access on the per-access path;
 * the backends see the same bytes either way (tests/qtest/cxl-fast-path-
 * test.c compares them).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qemu/range.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "exec/target_page.h"
#include "system/address-spaces.h"
#include "hw/cxl/cxl-fast-path.h"
#include "hw/cxl/cxl-type3.h"
#include "trace.h"

/* Translations hand out at most this much at once (DMA, qtest) */
#define FAST_PATH_MAX_BLOCK     (1 * GiB)

static uint64_t page_size(void)
{
    return qemu_target_page_size();
}

/*
 * How many bytes from @hpa (page aligned), up to @limit, map linearly to
 * one device's memory, free of poison: a multiple of the page size, 0 if
 * the page at @hpa cannot be mapped. Sets @dev and @dpa for @hpa.
 */
static uint64_t mappable(CXLWindow *w, hwaddr hpa, hwaddr limit,
                         CXLType3Dev **dev, uint64_t *dpa)
{
    uint64_t page = page_size();
    CXLRouteExtent ext;
    hwaddr end;

    if (!cxl_route(w, hpa, dev, dpa, &ext) || ext.lo > hpa) {
        return 0;
    }
    end = MIN(QEMU_ALIGN_DOWN(ext.hi, page), limit);
    if (end <= hpa) {
        return 0;
    }
    if (cxl_type3_dpa_ptr(*dev, *dpa, end - hpa) &&
        !cxl_type3_poisoned(*dev, *dpa, end - hpa)) {
        return end - hpa;
    }
    /* poison (or the media's end) somewhere in the extent: page by page */
    if (cxl_type3_dpa_ptr(*dev, *dpa, page) &&
        !cxl_type3_poisoned(*dev, *dpa, page)) {
        return page;
    }
    return 0;
}

/* ---- the overlays ---- */

static IOMMUTLBEntry cxl_fast_translate(IOMMUMemoryRegion *iommu,
                                        hwaddr addr, IOMMUAccessFlags flags,
                                        int iommu_idx)
{
    CXLFastOverlay *ov = container_of(iommu, CXLFastOverlay, iommu);
    CXLWindow *w = ov->w;
    uint64_t page = page_size();
    hwaddr ov_lo = w->base + ov->offset, ov_hi = ov_lo + ov->size;
    hwaddr hpa = ov_lo + QEMU_ALIGN_DOWN(addr, page);
    IOMMUTLBEntry e = {
        .target_as = &address_space_memory,
        .iova = QEMU_ALIGN_DOWN(addr, page),
        .addr_mask = page - 1,
        .perm = IOMMU_NONE,
    };
    CXLRouteExtent ext;
    CXLType3Dev *dev;
    uint64_t dpa, mask = page - 1;
    hwaddr lo;

    /* vCPUs fill their TLBs without the BQL; routes read device state */
    BQL_LOCK_GUARD();
    if (!cxl_route(w, hpa, &dev, &dpa, &ext) || ext.lo > hpa ||
        ext.hi < hpa + page || !cxl_type3_dpa_ptr(dev, dpa, page) ||
        cxl_type3_poisoned(dev, dpa, page)) {
        /* a change that did not flush: a bug, but no access goes astray */
        trace_cxl_fast_path_stale(w->index, hpa);
        return e;
    }
    /* the largest aligned block inside the extent, overlay and memory */
    for (;;) {
        uint64_t m = mask << 1 | 1;

        lo = hpa & ~m;
        if (m >= FAST_PATH_MAX_BLOCK || lo < MAX(ext.lo, ov_lo) ||
            lo + m >= MIN(ext.hi, ov_hi) || ((dpa - (hpa - lo)) & m) ||
            !cxl_type3_dpa_ptr(dev, dpa - (hpa - lo), m + 1) ||
            cxl_type3_poisoned(dev, dpa - (hpa - lo), m + 1)) {
            break;
        }
        mask = m;
    }
    lo = hpa & ~mask;
    e.target_as = &dev->dpa_as;
    e.iova = lo - ov_lo;
    e.translated_addr = dpa - (hpa - lo);
    e.addr_mask = mask;
    e.perm = IOMMU_RW;
    dev->fast_path_maps++;
    trace_cxl_fast_path_translate(w->index, lo, e.translated_addr, mask + 1);
    return e;
}

/* The overlay mapped over @hpa: its end; else 0, and the next start */
static hwaddr overlay_at(CXLWindow *w, hwaddr hpa, hwaddr *next)
{
    *next = w->base + w->size;
    for (unsigned i = 0; i < CXL_FAST_PATH_OVERLAYS; i++) {
        CXLFastOverlay *ov = &w->overlays[i];
        hwaddr lo = w->base + ov->offset;

        if (!ov->mapped) {
            continue;
        }
        if (hpa >= lo && hpa < lo + ov->size) {
            return lo + ov->size;
        }
        if (lo > hpa) {
            *next = MIN(*next, lo);
        }
    }
    return 0;
}

static bool overlay_map(CXLWindow *w, hwaddr lo, hwaddr hi)
{
    for (unsigned i = 0; i < CXL_FAST_PATH_OVERLAYS; i++) {
        CXLFastOverlay *ov = &w->overlays[i];

        if (ov->mapped) {
            continue;
        }
        ov->offset = lo - w->base;
        ov->size = hi - lo;
        ov->mapped = true;
        memory_region_set_size(MEMORY_REGION(&ov->iommu), ov->size);
        memory_region_add_subregion_overlap(&w->container, ov->offset,
                                            MEMORY_REGION(&ov->iommu), 1);
        trace_cxl_fast_path_map(w->index, i, lo, hi - lo);
        return true;
    }
    trace_cxl_fast_path_full(w->index, lo, hi - lo);
    return false;
}

static bool scanned(CXLWindow *w, hwaddr hpa)
{
    for (unsigned i = 0; i < w->scanned->len; i++) {
        if (range_contains(&g_array_index(w->scanned, Range, i), hpa)) {
            return true;
        }
    }
    return false;
}

void cxl_fast_path_miss(CXLWindow *w, hwaddr hpa, const CXLRouteExtent *ext)
{
    uint64_t page = page_size();
    hwaddr lo = ROUND_UP(ext->claim_lo, page);
    hwaddr hi = QEMU_ALIGN_DOWN(ext->claim_hi, page);
    hwaddr run = 0, p = lo, end, next;
    bool in_run = false, room = true;
    Range r;
    CXLType3Dev *dev;
    uint64_t dpa, n;

    if (!w->machine->fast_path || scanned(w, hpa)) {
        return;
    }
    range_init_nofail(&r, ext->claim_lo, ext->claim_hi - ext->claim_lo);
    g_array_append_val(w->scanned, r);

    memory_region_transaction_begin();
    while (p < hi && room) {
        end = overlay_at(w, p, &next);
        n = end ? 0 : mappable(w, p, MIN(hi, next), &dev, &dpa);
        if (n && !in_run) {
            run = p;
            in_run = true;
        } else if (!n && in_run) {
            room = overlay_map(w, run, p);
            in_run = false;
        }
        p = end ? end : p + (n ? n : page);
    }
    if (in_run && room) {
        overlay_map(w, run, MIN(p, hi));
    }
    memory_region_transaction_commit();
    trace_cxl_fast_path_scan(w->index, ext->claim_lo,
                             ext->claim_hi - ext->claim_lo);
}

void cxl_fast_path_flush(void)
{
    CXLMachineState *s = cxl_machine_get();

    if (!s) {
        return;
    }
    memory_region_transaction_begin();
    for (unsigned i = 0; i < s->nr_windows; i++) {
        CXLWindow *w = &s->windows[i];

        w->slow.valid = false;
        if (!w->overlays) {
            continue;           /* not mapped yet */
        }
        g_array_set_size(w->scanned, 0);
        for (unsigned j = 0; j < CXL_FAST_PATH_OVERLAYS; j++) {
            CXLFastOverlay *ov = &w->overlays[j];

            if (ov->mapped) {
                memory_region_del_subregion(&w->container,
                                            MEMORY_REGION(&ov->iommu));
                ov->mapped = false;
            }
        }
    }
    memory_region_transaction_commit();
    trace_cxl_fast_path_flush();
}

void cxl_fast_path_init_window(CXLWindow *w, Object *owner)
{
    g_autofree char *name = g_strdup_printf("cxl-fixed-memory-window-%u",
                                            w->index);
    g_autofree char *io = g_strdup_printf("%s-access", name);

    memory_region_init(&w->container, owner, name, w->size);
    memory_region_init_io(&w->mr, owner, &cxl_window_ops, w, io, w->size);
    memory_region_add_subregion(&w->container, 0, &w->mr);
    w->scanned = g_array_new(false, false, sizeof(Range));
    w->overlays = g_new0(CXLFastOverlay, CXL_FAST_PATH_OVERLAYS);
    for (unsigned i = 0; i < CXL_FAST_PATH_OVERLAYS; i++) {
        g_autofree char *ov = g_strdup_printf("%s-ram-%u", name, i);

        w->overlays[i].w = w;
        memory_region_init_iommu(&w->overlays[i].iommu,
                                 sizeof(w->overlays[i].iommu),
                                 TYPE_CXL_WINDOW_IOMMU, owner, ov, w->size);
    }
}

/* ---- the machine option ---- */

static void get_fast_path(Object *obj, Visitor *v, const char *name,
                          void *opaque, Error **errp)
{
    CXLMachineState *s = opaque;

    visit_type_bool(v, name, &s->fast_path, errp);
}

static void set_fast_path(Object *obj, Visitor *v, const char *name,
                          void *opaque, Error **errp)
{
    CXLMachineState *s = opaque;
    bool on;

    if (!visit_type_bool(v, name, &on, errp)) {
        return;
    }
    s->fast_path = on;
    if (!on) {
        cxl_fast_path_flush();
    }
}

void cxl_fast_path_add_option(CXLMachineState *s)
{
    s->fast_path = true;
    object_property_add(s->machine, "cxl-fast-path", "bool", get_fast_path,
                        set_fast_path, NULL, s);
    object_property_set_description(s->machine, "cxl-fast-path",
        "Map committed CXL memory as RAM where the interleave allows "
        "(default on); off serves every access through the decoders");
}

/* One translation for every kind of transaction (TCG asks for an index) */
static int cxl_fast_attrs_to_index(IOMMUMemoryRegion *iommu, MemTxAttrs attrs)
{
    return 0;
}

static void cxl_window_iommu_class_init(ObjectClass *klass, const void *data)
{
    IOMMUMemoryRegionClass *imrc = IOMMU_MEMORY_REGION_CLASS(klass);

    imrc->translate = cxl_fast_translate;
    imrc->attrs_to_index = cxl_fast_attrs_to_index;
}

static const TypeInfo cxl_window_iommu_info = {
    .name = TYPE_CXL_WINDOW_IOMMU,
    .parent = TYPE_IOMMU_MEMORY_REGION,
    .class_init = cxl_window_iommu_class_init,
};

static void cxl_fast_path_register_types(void)
{
    type_register_static(&cxl_window_iommu_info);
}

type_init(cxl_fast_path_register_types)
