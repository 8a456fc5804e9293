/*
 * The fast path for CXL memory: committed memory mapped as RAM.
 *
 * A fixed memory window is a container holding the per-access path (an
 * I/O region that routes each access, cxl-route.c) and, above it, up to
 * CXL_FAST_PATH_OVERLAYS overlays over runs of pages that route, each as a
 * whole, to RAM. A run linear on one device (a 1-way region) is an alias
 * of that device's memory (the DPA space of the memory target,
 * include/hw/cxl/cxl-mem-target.h, in cxl-dpa-all):
 * plain RAM to every accelerator. Any other run is an IOMMU memory region
 * whose translate function looks the page up in the table the scan made
 * and hands out the device's memory, which TCG caches in its TLB and DMA
 * uses directly. That covers 1-way regions at any depth and every
 * interleave whose granules, at every level, are at least a target page.
 *
 * What cannot be mapped stays on the per-access path, under the overlays:
 * finer interleaves, pages with poison, devices whose media is disabled
 * or locked, addresses no decoder claims, and memory routed through a
 * component whose CPMU counts traffic (cxl-pmu.c), until it stops. Overlays translate to RAM only:
 * TCG resolves an I/O region behind an IOMMU in the CPU's own address
 * space, so the per-access path can never be an overlay's target.
 *
 * Any change a route depends on (decoder commit or reset, Mem_Enable,
 * poison, media state, hot-plug) is a notification (cxl-notify.h) on
 * which the fast path flushes: it unmaps every overlay, and the memory
 * transaction flushes the CPUs' TLBs, so no CPU keeps a stale mapping. A
 * bottom half then scans every committed region (the intersection of the
 * decoder ranges a route goes through) page by page, an extent at a time
 * (a 1-way region costs one route), and maps its runs of mappable pages,
 * before the CPUs or DMA use them.
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
#include "qemu/rcu.h"
#include "system/cpus.h"
#include "system/runstate.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "exec/target_page.h"
#include "migration/misc.h"
#include "migration/register.h"
#include "system/address-spaces.h"
#include "hw/cxl/cxl-fast-path.h"
#include "hw/cxl/cxl-notify.h"
#include "hw/cxl/cxl-route.h"
#include "hw/cxl/cxl-route-cache.h"
#include "hw/cxl/cxl-shadow.h"
#include "trace.h"

/* The machine whose windows are mapped (cxl_fast_path_init_window()) */
static CXLMachineState *fast_path_machine;
/*
 * A migration stream is being written (a migration, savevm) or read (an
 * incoming migration, loadvm): no shadows. Shadow memory is not migrated;
 * the devices' memory must hold the guest's bytes while a stream is
 * written, and no shadow may hold old ones while one is read
 * (cxl_fast_path_save_notify(), cxl_fast_path_load_setup()).
 */
static bool fast_path_saving, fast_path_loading;

static uint64_t page_size(void)
{
    return qemu_target_page_size();
}

/*
 * How many bytes from @hpa (page aligned), up to @limit, map linearly to
 * one target's memory, free of poison: a multiple of the page size, 0 if
 * the page at @hpa cannot be mapped. Sets @dev and @dpa for @hpa, and
 * @sub_page if the decoders interleave finer than a page there (as they
 * do over the whole region: its decoders are the same throughout), and
 * @counted if the route passes a component whose CPMUs count traffic.
 */
static uint64_t mappable(CXLWindow *w, hwaddr hpa, hwaddr limit,
                         CXLFastTarget **dev, uint64_t *dpa, bool *sub_page,
                         bool *counted)
{
    uint64_t page = page_size();
    CXLMemTarget *t;
    CXLExtent ext;
    CXLPMURoute pmu;
    hwaddr end;

    *sub_page = false;
    if (!cxl_route_pmu(w, hpa, &t, dpa, &ext, &pmu) || ext.lo > hpa) {
        return 0;
    }
    *counted = pmu.n;
    if (pmu.n) {
        return 0;               /* CPMUs count it: per access */
    }
    end = MIN(QEMU_ALIGN_DOWN(ext.hi, page), limit);
    if (end <= hpa) {
        *sub_page = ext.hi - ext.lo < page;
        return 0;
    }
    *dev = cxl_mem_target_fast_path(t);
    if (!(*dev)->in_dpa_all) {
        return 0;               /* not added (yet) */
    }
    if (cxl_mem_target_ptr(t, *dpa, end - hpa) &&
        !cxl_mem_target_poisoned(t, *dpa, end - hpa)) {
        return end - hpa;
    }
    /* poison (or the media's end) somewhere in the extent: page by page */
    if (cxl_mem_target_ptr(t, *dpa, page) &&
        !cxl_mem_target_poisoned(t, *dpa, page)) {
        return page;
    }
    return 0;
}

/* ---- the overlays ---- */

/*
 * What an overlay maps, computed by the scan and fixed until the flush
 * that unmaps it: translating is a lookup, without the BQL or a route
 * (a vCPU fills its TLB this way once per page per TLB flush).
 */
#define FAST_MAP_MAX_DEVS       64
/* page entries: the DPA of the page, the device's index in the low bits */
#define FAST_MAP_DEV_MASK       (FAST_MAP_MAX_DEVS - 1)
/* beyond this many pages, a run that is not linear stays per access */
#define FAST_MAP_MAX_PAGES      (4 * MiB)

struct CXLFastMap {
    struct rcu_head rcu;
    uint64_t size;
    unsigned nr_devs;
    CXLFastTarget *devs[FAST_MAP_MAX_DEVS];
    bool linear;                /* all of it on devs[0], from dpa0 on */
    uint64_t dpa0;
    uint64_t pages[];           /* else, per page */
};

/* An extent the scan found mappable */
typedef struct FastExtent {
    CXLFastTarget *dev;
    uint64_t dpa;
    uint64_t len;
} FastExtent;

static IOMMUTLBEntry cxl_fast_translate(IOMMUMemoryRegion *iommu,
                                        hwaddr addr, IOMMUAccessFlags flags,
                                        int iommu_idx)
{
    CXLFastOverlay *ov = container_of(iommu, CXLFastOverlay, iommu);
    CXLFastMap *map = qatomic_rcu_read(&ov->map);
    uint64_t page = page_size(), mask = page - 1;
    IOMMUTLBEntry e = {
        .target_as = &address_space_memory,
        .iova = addr & ~mask,
        .addr_mask = mask,
        .perm = IOMMU_NONE,
    };
    CXLFastTarget *dev;
    uint64_t ent;

    /*
     * Linear runs are aliases: only page tables are translated. A refusal
     * is not harmless: TCG maps the page to unassigned memory for the
     * access in progress (reads 0), so an overlay keeps its map after it
     * is unmapped (cxl_fast_path_flush()).
     */
    if (!map || map->linear || addr >= map->size) {
        return e;
    }
    ent = map->pages[addr / page];
    dev = map->devs[ent & FAST_MAP_DEV_MASK];
    e.target_as = dev->as;
    e.translated_addr = ent & ~(uint64_t)FAST_MAP_DEV_MASK;
    e.perm = IOMMU_RW;
    qatomic_inc(&dev->maps);
    trace_cxl_fast_path_translate(ov->w->index, ov->w->base + ov->offset +
                                  e.iova, e.translated_addr, page);
    return e;
}

/* The map of a run of @size bytes made of the extents @ext, or NULL */
static CXLFastMap *fast_map_new(GArray *ext, uint64_t size)
{
    uint64_t page = page_size(), at = 0;
    FastExtent *f0 = &g_array_index(ext, FastExtent, 0);
    bool linear = true;
    CXLFastMap *map;

    for (unsigned i = 1; i < ext->len; i++) {
        FastExtent *f = &g_array_index(ext, FastExtent, i);
        FastExtent *prev = f - 1;

        linear &= f->dev == f0->dev && f->dpa == prev->dpa + prev->len;
    }
    if (linear) {
        map = g_new0(CXLFastMap, 1);
        map->linear = true;
        map->dpa0 = f0->dpa;
        map->devs[0] = f0->dev;
        map->nr_devs = 1;
        map->size = size;
        return map;
    }
    if (size / page > FAST_MAP_MAX_PAGES) {
        return NULL;
    }
    map = g_malloc0(sizeof(*map) + size / page * sizeof(uint64_t));
    map->size = size;
    for (unsigned i = 0; i < ext->len; i++) {
        FastExtent *f = &g_array_index(ext, FastExtent, i);
        unsigned d;

        for (d = 0; d < map->nr_devs && map->devs[d] != f->dev; d++) {
            continue;
        }
        if (d == map->nr_devs) {
            if (d == FAST_MAP_MAX_DEVS) {
                g_free(map);
                return NULL;
            }
            map->devs[map->nr_devs++] = f->dev;
        }
        for (uint64_t o = 0; o < f->len; o += page, at += page) {
            map->pages[at / page] = (f->dpa + o) | d;
        }
    }
    return map;
}

/*
 * Whether @f continues the run @ext linearly on its first device; false
 * for an empty run
 */
static bool extends_linear(GArray *ext, const FastExtent *f)
{
    FastExtent *f0, *last;

    if (!ext->len) {
        return false;
    }
    f0 = &g_array_index(ext, FastExtent, 0);
    last = &g_array_index(ext, FastExtent, ext->len - 1);
    return f->dev == f0->dev && f->dpa == last->dpa + last->len;
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

/* ---- every device's DPA space in one container ---- */

static MemoryRegion *dpa_all;
static unsigned dpa_all_slots;

static MemoryRegion *cxl_fast_path_dpa_all(void)
{
    if (!dpa_all) {
        dpa_all = g_new0(MemoryRegion, 1);
        memory_region_init(dpa_all, NULL, "cxl-dpa-all", UINT64_MAX);
    }
    return dpa_all;
}

/* A memory target was realized: its DPA space joins cxl-dpa-all */
static void add_target(CXLMemTarget *t)
{
    CXLFastTarget *ft = cxl_mem_target_fast_path(t);
    Object *obj = OBJECT(t);
    g_autofree char *name = g_strdup_printf("%s-dpa-all",
                                            object_get_typename(obj));

    ft->target = t;
    ft->as = cxl_mem_target_space(t);
    ft->slot = dpa_all_slots++;
    memory_region_init_alias(&ft->dpa_all_alias, obj, name, ft->as->root, 0,
                             memory_region_size(ft->as->root));
    memory_region_add_subregion(cxl_fast_path_dpa_all(),
                                (uint64_t)ft->slot << CXL_FAST_PATH_SLOT_BITS,
                                &ft->dpa_all_alias);
    ft->in_dpa_all = true;
}

/* A memory target goes away: no window may keep mapping its memory */
static void del_target(CXLMemTarget *t)
{
    CXLFastTarget *ft = cxl_mem_target_fast_path(t);

    if (ft->in_dpa_all) {
        memory_region_del_subregion(cxl_fast_path_dpa_all(),
                                    &ft->dpa_all_alias);
        ft->in_dpa_all = false;
    }
}

/* How much of each device's memory @map maps: +/- @sign */
static void account(CXLFastMap *map, int sign)
{
    uint64_t page = page_size();

    if (map->linear) {
        map->devs[0]->mapped += sign * map->size;
        return;
    }
    for (uint64_t i = 0; i < map->size / page; i++) {
        map->devs[map->pages[i] & FAST_MAP_DEV_MASK]->mapped += sign * page;
    }
}

/* A window's unmapped overlay, or NULL (traced) if all are in use */
static CXLFastOverlay *overlay_free(CXLWindow *w, hwaddr lo, hwaddr hi)
{
    for (unsigned i = 0; i < CXL_FAST_PATH_OVERLAYS; i++) {
        if (!w->overlays[i].mapped && !w->overlays[i].reserved) {
            return &w->overlays[i];
        }
    }
    trace_cxl_fast_path_full(w->index, lo, hi - lo);
    return NULL;
}

/* Map @ov's region @mr over [@lo, @hi) of its window */
static void overlay_place(CXLFastOverlay *ov, MemoryRegion *mr, hwaddr lo,
                          hwaddr hi)
{
    CXLWindow *w = ov->w;

    ov->offset = lo - w->base;
    ov->size = hi - lo;
    ov->mapped = true;
    ov->in_use = mr;
    memory_region_set_size(mr, ov->size);
    memory_region_add_subregion_overlap(&w->container, ov->offset, mr, 1);
}

/* Map the run [@lo, @hi) of extents @ext; false when out of overlays */
static bool overlay_map(CXLWindow *w, hwaddr lo, hwaddr hi, GArray *ext)
{
    CXLFastOverlay *ov = overlay_free(w, lo, hi);
    CXLFastMap *map;

    if (!ov) {
        return false;
    }
    map = fast_map_new(ext, hi - lo);
    if (!map) {
        trace_cxl_fast_path_too_big(w->index, lo, hi - lo);
        return true;
    }
    /* the map it kept since the flush that unmapped it */
    if (ov->map) {
        g_free_rcu(ov->map, rcu);
    }
    qatomic_rcu_set(&ov->map, map);
    if (map->linear) {
        /* plain RAM: the device's memory from dpa0 on */
        memory_region_set_alias_offset(&ov->alias,
            ((uint64_t)map->devs[0]->slot << CXL_FAST_PATH_SLOT_BITS) +
            map->dpa0);
        overlay_place(ov, &ov->alias, lo, hi);
    } else {
        overlay_place(ov, MEMORY_REGION(&ov->iommu), lo, hi);
    }
    account(map, 1);
    trace_cxl_fast_path_map(w->index, ov - w->overlays, lo, hi - lo,
                            map->nr_devs, map->linear);
    return true;
}

/*
 * Shadows are filled and mapped with every vCPU stopped (see
 * cxl_fast_path_map_all()). Until they are (!shadow_fill_ok), a scan
 * keeps each shadow run it finds in @shadow_runs, with an overlay
 * reserved for it.
 */
typedef struct ShadowRun {
    CXLFastOverlay *ov;
    CXLShadowBuild b;
    hwaddr hi;
} ShadowRun;

static bool shadow_fill_ok;
static GPtrArray *shadow_runs;
/* flushes so far: what a scan kept is stale once this changed */
static unsigned fast_path_flushes;

static void shadow_run_free(gpointer p)
{
    ShadowRun *r = p;

    r->ov->reserved = false;
    cxl_shadow_build_clear(&r->b);
    g_free(r);
}

/* Fill and map the shadow run @b, up to @hi, over @ov */
static void overlay_map_shadow_on(CXLFastOverlay *ov, CXLShadowBuild *b,
                                  hwaddr hi)
{
    CXLWindow *w = ov->w;

    ov->shadow = cxl_shadow_new(b, ov);
    if (!ov->shadow) {
        return;                 /* per access, then */
    }
    overlay_place(ov, &ov->shadow_alias, b->lo, hi);
    cxl_shadow_account(ov->shadow, 1);
    trace_cxl_fast_path_map(w->index, ov - w->overlays, b->lo, hi - b->lo,
                            0, false);
}

/*
 * Map the shadow run @b has built, up to @hi, or keep it for later; false
 * when out of overlays
 */
static bool overlay_map_shadow(CXLWindow *w, CXLShadowBuild *b, hwaddr hi)
{
    CXLFastOverlay *ov = overlay_free(w, b->lo, hi);
    ShadowRun *r;

    if (!ov) {
        return false;
    }
    if (shadow_fill_ok) {
        overlay_map_shadow_on(ov, b, hi);
        return true;
    }
    r = g_new0(ShadowRun, 1);
    r->ov = ov;
    r->b = *b;
    r->hi = hi;
    b->chunks = NULL;           /* (the run has them now) */
    ov->reserved = true;
    g_ptr_array_add(shadow_runs, r);
    return true;
}

/*
 * Map every page of the region @ext claims that can be: runs of pages
 * that route whole to RAM, and runs of pages interleaved finer than that
 * as shadows (cxl-shadow.c), skipping what overlays map already.
 */
static void map_region(CXLWindow *w, const CXLExtent *ext)
{
    enum { NONE, PAGES, SHADOW } run = NONE, kind;
    uint64_t page = page_size();
    hwaddr lo = ROUND_UP(ext->claim_lo, page);
    hwaddr hi = QEMU_ALIGN_DOWN(ext->claim_hi, page);
    hwaddr start = 0, p = lo, end, next;
    bool room = true, sub_page = false, counted = false, linear = false;
    bool shadows = w->machine->fast_path_shadow && !fast_path_saving &&
                   !fast_path_loading && w->size <= CXL_SHADOW_MAX_WINDOW;
    g_autoptr(GArray) exts = g_array_new(false, false, sizeof(FastExtent));
    CXLShadowBuild build = { 0 };
    FastExtent f;

    memory_region_transaction_begin();
    while (p < hi && room) {
        bool grows_linear;

        end = overlay_at(w, p, &next);
        f.len = end ? 0 : mappable(w, p, MIN(hi, next), &f.dev, &f.dpa,
                                   &sub_page, &counted);
        if (counted) {
            break;              /* the rest of the region: per access */
        }
        kind = f.len ? PAGES : NONE;
        if (sub_page && (!shadows || build.hopeless) && run == NONE) {
            break;              /* no page of it can be mapped */
        }
        if (!end && !f.len && shadows && !build.hopeless) {
            if (run != SHADOW) {
                cxl_shadow_build_init(&build, w, p);
            }
            kind = cxl_shadow_add_page(&build, p) ? SHADOW : NONE;
        }
        /* f continues a run that is linear so far: it stays an alias */
        grows_linear = kind == PAGES && run == PAGES && linear &&
                       extends_linear(exts, &f);
        if (run != kind && run == PAGES) {
            room = overlay_map(w, start, p, exts);
        } else if (run != kind && run == SHADOW) {
            room = overlay_map_shadow(w, &build, p);
        } else if (kind == PAGES && run == PAGES && !grows_linear &&
                   (p + f.len - start) / page > FAST_MAP_MAX_PAGES) {
            /*
             * As long as a translated run may be: map it and go on with
             * the next (fast_map_new() would refuse the whole run, after
             * a route and 24 bytes per page for nothing)
             */
            room = overlay_map(w, start, p, exts);
            run = NONE;
        }
        if (run != kind) {
            start = p;
            g_array_set_size(exts, 0);
        }
        run = kind;
        if (kind == PAGES) {
            /* a run's first extent is linear by itself */
            linear = !exts->len || grows_linear;
            g_array_append_val(exts, f);
        }
        p = end ? end : p + (f.len ? f.len : page);
    }
    if (room && run == PAGES) {
        overlay_map(w, start, MIN(p, hi), exts);
    } else if (room && run == SHADOW) {
        overlay_map_shadow(w, &build, MIN(p, hi));
    }
    memory_region_transaction_commit();
    cxl_shadow_build_clear(&build);
    trace_cxl_fast_path_scan(w->index, ext->claim_lo,
                             ext->claim_hi - ext->claim_lo);
}

/* Unmap every window's overlays; shadows wait for their write-back */
static void cxl_fast_path_unmap(CXLMachineState *s)
{
    fast_path_flushes++;
    memory_region_transaction_begin();
    for (unsigned i = 0; i < s->nr_windows; i++) {
        CXLWindow *w = &s->windows[i];

        if (!w->overlays) {
            continue;           /* not mapped yet */
        }
        for (unsigned j = 0; j < CXL_FAST_PATH_OVERLAYS; j++) {
            CXLFastOverlay *ov = &w->overlays[j];

            if (!ov->mapped) {
                continue;
            }
            memory_region_del_subregion(&w->container, ov->in_use);
            ov->mapped = false;
            if (ov->shadow) {
                cxl_shadow_account(ov->shadow, -1);
                /* the memory of its range until written back */
                cxl_shadow_unmapped(ov->shadow);
                ov->shadow = NULL;
            } else {
                account(ov->map, -1);
                /*
                 * Keep ov->map: vCPUs fill their TLBs without the BQL, from
                 * the flat view current when they look, which still holds
                 * this overlay until the commit below. Translating to
                 * nothing there gave them unassigned memory (a page-table
                 * walk reading zeroes). What the old map answers is still
                 * the devices' memory; overlay_map() frees it when it
                 * reuses the overlay.
                 */
            }
        }
    }
    memory_region_transaction_commit();
    trace_cxl_fast_path_flush();
}

/*
 * Something a route depends on changed: unmap every window's overlays. A
 * bottom half maps every region again, after shadows (cxl-shadow.c) have
 * been written back.
 */
static void cxl_fast_path_flush(void)
{
    CXLMachineState *s = fast_path_machine;

    if (!s) {
        return;
    }
    cxl_fast_path_unmap(s);
    /* shadows go back to the devices once no CPU can write them */
    cxl_shadow_writeback_schedule(s);
    /* map again before the CPUs or DMA come back */
    if (s->fast_path && s->fast_path_bh) {
        qemu_bh_schedule(s->fast_path_bh);
    }
}

/* Map every committed region of every window (see map_region()) */
static void map_windows(CXLMachineState *s)
{
    for (unsigned i = 0; s->fast_path && i < s->nr_windows; i++) {
        CXLWindow *w = &s->windows[i];

        if (!w->overlays) {
            continue;           /* not mapped yet */
        }
        for (hwaddr p = w->base; p < w->base + w->size; p += CXL_HDM_ALIGN) {
            CXLExtent ext;
            CXLMemTarget *t;
            uint64_t dpa;

            if (cxl_route(w, p, &t, &dpa, &ext)) {
                map_region(w, &ext);
                p = MAX(p, QEMU_ALIGN_DOWN(ext.claim_hi - 1, CXL_HDM_ALIGN));
            }
        }
    }
}

/*
 * After a change: map every committed region of the windows, before the
 * CPUs or DMA use it. Decoder ranges are 256 MiB aligned, so a route at
 * every 256 MiB finds each region; the rest of a region found is skipped.
 *
 * The scan maps what the devices' memory backs with the vCPUs running:
 * a vCPU that still reaches such a page through the per-access path (it
 * has not processed the memory transaction's TLB flush yet) reaches the
 * same memory. A shadow is a copy: a write of such a vCPU, or one the
 * per-access path was doing while the copy was made, would land in the
 * devices' memory behind it and be lost. So the scan keeps the shadow
 * runs it finds; the vCPUs stop; the runs are filled and mapped; and the
 * vCPUs run again, each taking the new mappings first (its TLB flush is
 * queued work, done before it runs guest code). They stop for the copy
 * only: 0.03 s for 512 MiB on the machine this was measured on.
 */
static void cxl_fast_path_map_all(void *opaque)
{
    CXLMachineState *s = opaque;
    unsigned flushes = fast_path_flushes;
    bool paused = false;

    if (cxl_shadow_writeback_pending()) {
        return;                 /* the write-back maps again when done */
    }
    if (!shadow_runs) {
        shadow_runs = g_ptr_array_new_with_free_func(shadow_run_free);
    }
    shadow_fill_ok = cxl_shadow_vcpus_stopped();
    map_windows(s);
    shadow_fill_ok = false;
    if (!shadow_runs->len || !runstate_is_running()) {
        goto out;               /* (vCPUs between states: per access) */
    }
    trace_cxl_fast_path_pause(shadow_runs->len);
    pause_all_vcpus();
    paused = true;
    /* (the BQL was let go: after a flush, the runs are stale) */
    if (flushes != fast_path_flushes) {
        goto out;
    }
    memory_region_transaction_begin();
    for (unsigned i = 0; i < shadow_runs->len; i++) {
        ShadowRun *r = g_ptr_array_index(shadow_runs, i);

        r->ov->reserved = false;
        overlay_map_shadow_on(r->ov, &r->b, r->hi);
    }
    memory_region_transaction_commit();
out:
    g_ptr_array_set_size(shadow_runs, 0);
    if (paused) {
        resume_all_vcpus();
    }
}

void cxl_fast_path_init_window(CXLWindow *w, Object *owner)
{
    g_autofree char *name = g_strdup_printf("cxl-fixed-memory-window-%u",
                                            w->index);
    g_autofree char *io = g_strdup_printf("%s-access", name);

    fast_path_machine = w->machine;
    memory_region_init(&w->container, owner, name, w->size);
    cxl_route_cache_init_window(w, owner, io);
    memory_region_add_subregion(&w->container, 0, &w->mr);
    w->overlays = g_new0(CXLFastOverlay, CXL_FAST_PATH_OVERLAYS);
    for (unsigned i = 0; i < CXL_FAST_PATH_OVERLAYS; i++) {
        g_autofree char *ov = g_strdup_printf("%s-ram-%u", name, i);

        w->overlays[i].w = w;
        memory_region_init_iommu(&w->overlays[i].iommu,
                                 sizeof(w->overlays[i].iommu),
                                 TYPE_CXL_WINDOW_IOMMU, owner, ov, w->size);
        memory_region_init_alias(&w->overlays[i].alias, owner, ov,
                                 cxl_fast_path_dpa_all(), 0, w->size);
    }
}

/* ---- the machine option ---- */

/* The options: @opaque is the flag; a change flushes every mapping */
static void get_flag(Object *obj, Visitor *v, const char *name,
                     void *opaque, Error **errp)
{
    visit_type_bool(v, name, opaque, errp);
}

static void set_flag(Object *obj, Visitor *v, const char *name,
                     void *opaque, Error **errp)
{
    bool on;

    if (!visit_type_bool(v, name, &on, errp)) {
        return;
    }
    *(bool *)opaque = on;
    cxl_notify_state_changed(obj, CXL_NOTIFY_ALL, 0, 0);
}

static void get_writeback_ms(Object *obj, Visitor *v, const char *name,
                             void *opaque, Error **errp)
{
    visit_type_uint32(v, name, opaque, errp);
}

static void set_writeback_ms(Object *obj, Visitor *v, const char *name,
                             void *opaque, Error **errp)
{
    uint32_t ms;

    if (!visit_type_uint32(v, name, &ms, errp)) {
        return;
    }
    if (ms < 1 || ms > CXL_SHADOW_WRITEBACK_MS_MAX) {
        error_setg(errp, "%s must be 1 to %u (milliseconds), not %" PRIu32,
                   name, CXL_SHADOW_WRITEBACK_MS_MAX, ms);
        return;
    }
    *(uint32_t *)opaque = ms;
    cxl_shadow_writeback_period_changed();
}

/* What the fast path does on each state-change notification */
static void cxl_fast_path_notify(Notifier *n, void *data)
{
    CXLNotifyEvent *ev = data;
    CXLMemTarget *t = NULL;

    if (ev->kind != CXL_NOTIFY_STATE_CHANGED) {
        t = cxl_mem_target_of(ev->source);
        assert(t);
    }
    switch (ev->kind) {
    case CXL_NOTIFY_STATE_CHANGED:
        cxl_fast_path_flush();
        break;
    case CXL_NOTIFY_DATA_CHANGED:
        /* a shadow not written back yet must not bring the old bytes back */
        cxl_shadow_dpa_changed(t, ev->lo, ev->len);
        break;
    case CXL_NOTIFY_TARGET_ADDED:
        add_target(t);
        /* a window may now reach memory it found nothing behind before */
        cxl_fast_path_flush();
        break;
    case CXL_NOTIFY_TARGET_REMOVED:
        /* no window may keep mapping the memory */
        cxl_fast_path_flush();
        cxl_shadow_del_device(t);
        del_target(t);
        break;
    }
}

static Notifier cxl_fast_path_subscriber = { .notify = cxl_fast_path_notify };

/*
 * Migration streams: migrations, savevm and loadvm (HMP, or QMP
 * snapshot-save and snapshot-load).
 *
 * Saving. Every path that saves RAM goes through
 * qemu_savevm_state_setup(), which raises the precopy notifier
 * PRECOPY_NOTIFY_SETUP after the RAM handler's setup (every page dirty,
 * dirty logging on) and before any page is sent, with the BQL; and
 * qemu_savevm_state_cleanup() raises PRECOPY_NOTIFY_CLEANUP when the
 * save ends, completed, failed or cancelled. At setup the fast path
 * unmaps everything, which writes the shadows back (at once when the
 * vCPUs are stopped, as savevm stops them; else as safe work, and the
 * writes mark the devices' memory dirty, so RAM migration sends them
 * again), and maps without shadows until the cleanup maps with them
 * again. The other hooks QEMU 10.2 offers are not enough: migration
 * notifiers (MIG_EVENT_PRECOPY_SETUP) are not raised by savevm; a VM
 * state change handler is not called when the VM was paused already
 * before savevm; and a vmstate pre_save runs after RAM has been saved
 * (non-iterable devices come last), too late for the write-back.
 * Background snapshots (migrate with background-snapshot) raise the same
 * notifiers, but with the VM running at setup; whether their queued
 * write-back lands before RAM is write-protected is not verified.
 */
static int cxl_fast_path_save_notify(NotifierWithReturn *n, void *data,
                                     Error **errp)
{
    PrecopyNotifyData *pnd = data;
    bool saving;

    switch (pnd->reason) {
    case PRECOPY_NOTIFY_SETUP:
        saving = true;
        break;
    case PRECOPY_NOTIFY_CLEANUP:
        saving = false;
        break;
    default:
        return 0;
    }
    if (fast_path_machine && saving != fast_path_saving) {
        fast_path_saving = saving;
        cxl_notify_state_changed(fast_path_machine->machine, CXL_NOTIFY_ALL,
                                 0, 0);
    }
    return 0;
}

static NotifierWithReturn cxl_fast_path_save_notifier = {
    .notify = cxl_fast_path_save_notify,
};

/*
 * Loading. qemu_loadvm_state() calls every handler's load_setup before
 * it reads the first section, RAM's included, and load_cleanup when the
 * load is over (migration_incoming_state_destroy(), after success or
 * failure). loadvm runs on a machine that may have shadows mapped, with
 * writes in them the loaded state knows nothing of (it resets the
 * machine first, which writes them back, but a write-back queued before
 * the VM stopped may still be pending, and the bottom half may map new
 * shadows while the stream is read). So load_setup unmaps everything and
 * drops the shadows without writing them back, and until load_cleanup
 * the fast path maps without shadows: the loaded decoders' notifications
 * (post_load) rebuild the routes and the mappings, and load_cleanup maps
 * again with shadows filled from the loaded memory. The handler has no
 * save hooks, so it adds nothing to the stream.
 */
static int cxl_fast_path_load_setup(QEMUFile *f, void *opaque, Error **errp)
{
    CXLMachineState *s = fast_path_machine;

    fast_path_loading = true;
    if (s) {
        /* no vCPU runs: loadvm stops the VM, an incoming one never ran */
        cxl_fast_path_unmap(s);
        cxl_shadow_drop();
        if (s->fast_path && s->fast_path_bh) {
            qemu_bh_schedule(s->fast_path_bh);
        }
    }
    return 0;
}

static int cxl_fast_path_load_cleanup(void *opaque)
{
    if (fast_path_loading) {
        fast_path_loading = false;
        if (fast_path_machine) {
            cxl_notify_state_changed(fast_path_machine->machine,
                                     CXL_NOTIFY_ALL, 0, 0);
        }
    }
    return 0;
}

static const SaveVMHandlers cxl_fast_path_load_handlers = {
    .load_setup = cxl_fast_path_load_setup,
    .load_cleanup = cxl_fast_path_load_cleanup,
};

void cxl_fast_path_add_option(CXLMachineState *s)
{
    static bool subscribed;

    if (!subscribed) {
        cxl_notify_subscribe(&cxl_fast_path_subscriber);
        precopy_add_notifier(&cxl_fast_path_save_notifier);
        register_savevm_live("cxl-fast-path", 0, 1,
                             &cxl_fast_path_load_handlers, NULL);
        subscribed = true;
    }
    s->fast_path = true;
    s->fast_path_shadow = true;
    s->shadow_writeback_ms = CXL_SHADOW_WRITEBACK_MS_DEFAULT;
    s->fast_path_bh = qemu_bh_new(cxl_fast_path_map_all, s);
    object_property_add(s->machine, "cxl-fast-path", "bool", get_flag,
                        set_flag, NULL, &s->fast_path);
    object_property_set_description(s->machine, "cxl-fast-path",
        "Map committed CXL memory as RAM where the interleave allows "
        "(default on); off serves every access through the decoders");
    object_property_add(s->machine, "cxl-fast-path-shadow", "bool",
                        get_flag, set_flag, NULL, &s->fast_path_shadow);
    object_property_set_description(s->machine, "cxl-fast-path-shadow",
        "Serve committed CXL memory interleaved finer than a page from a "
        "copy in RAM, written back when the decoders change (default on; "
        "only memory whose backends have share=off, unless "
        "cxl-fast-path-shadow-shared=on)");
    object_property_add(s->machine, "cxl-fast-path-shadow-shared", "bool",
                        get_flag, set_flag, NULL,
                        &s->fast_path_shadow_shared);
    object_property_set_description(s->machine,
        "cxl-fast-path-shadow-shared",
        "Also serve memory whose backends have share=on from a copy, "
        "written back every cxl-fast-path-shadow-writeback-ms while mapped "
        "and whenever the VM stops (default off: such memory goes per "
        "access and its files are exact at every moment)");
    object_property_add(s->machine, "cxl-fast-path-shadow-writeback-ms",
                        "uint32", get_writeback_ms, set_writeback_ms, NULL,
                        &s->shadow_writeback_ms);
    object_property_set_description(s->machine,
        "cxl-fast-path-shadow-writeback-ms",
        "How often shadows of share=on memory are written back while "
        "mapped, 1 to 60000 ms (default 100)");
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
