/*
 * Shadow copies: CXL memory interleaved finer than a page, at RAM speed.
 *
 * A page of a 256 B interleave belongs to up to 16 devices, so no mapping
 * of the devices' memory can serve it: every access would go through the
 * per-access path (cxl-route.c), about 100x slower than RAM under TCG.
 * Instead, the fast path (cxl-fast-path.c) maps a run of such pages as a
 * shadow: plain RAM holding the run's bytes in HPA order, filled from the
 * devices' memory when mapped, and written back to the devices' memory,
 * the pages the guest dirtied, when unmapped. In between, the shadow is
 * the memory of its range: CPUs and DMA use it directly, and a device-
 * side change (Clear Poison's data, Sanitize, Media Operations: a
 * CXL_NOTIFY_DATA_CHANGED notification) is copied into it
 * (cxl_shadow_dpa_changed()).
 *
 * Unmapping happens on every change a route depends on (the fast path's
 * flush), with the BQL; a vCPU may keep writing through its TLB until it
 * processes the TLB flush queued for it. So the write-back runs as safe
 * work (no vCPU executes, every TLB is flushed before any runs again),
 * and until it has run, the per-access path serves the shadow's range
 * from the shadow (cxl_shadow_access()); then the fast path maps again.
 * Mapping has the same problem the other way round: a vCPU may write
 * through the per-access path, to the devices' memory, while the copy is
 * made or until it processes the TLB flush of the mapping, and the
 * shadow would hide that write. So shadows are filled and mapped with
 * the vCPUs stopped (cxl_fast_path_map_all()).
 *
 * The devices' memory is out of date while a shadow is mapped, so by
 * default only memory no one outside QEMU can see is shadowed: backends
 * with share=off (memory-backend-ram, private file mappings). A shared
 * file stays per access, byte-exact at all times, unless
 * -machine cxl-fast-path-shadow-shared=on: then a shadow may copy it too,
 * and while mapped it is written back periodically (every
 * cxl-fast-path-shadow-writeback-ms, with the vCPUs running: the pages
 * dirtied since the last time, see shadow_sync()) and whenever the VM
 * stops (quit, shutdown, pause), so the file lags the guest by at most
 * one period while QEMU runs and is whole once it stopped. Memory other
 * hosts write (the DC backend of a multi-headed device) is never copied.
 * Each window has one RAM
 * region as big as the window, allocated on demand without reserve; the
 * write-back discards the pages it wrote back, so the host memory a
 * shadow takes is what the guest wrote, plus 1/32 for its table.
 * -machine cxl-fast-path-shadow=off turns shadows off.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/lockable.h"
#include "qemu/main-loop.h"
#include "qapi/error.h"
#include "exec/target_page.h"
#include "exec/translation-block.h"
#include "hw/core/cpu.h"
#include "system/physmem.h"
#include "system/qtest.h"
#include "system/ramblock.h"
#include "system/runstate.h"
#include "system/tcg.h"
#include "qemu/bitmap.h"
#include "qemu/timer.h"
#include "hw/cxl/cxl-shadow.h"
#include "hw/cxl/cxl-route.h"
#include "trace.h"

#define CHUNK           CXL_SHADOW_CHUNK
#define DEV_MASK        63u     /* chunk entries: DPA | device index */
#define MAX_DEVS        (DEV_MASK + 1)

struct CXLShadow {
    CXLWindow *w;
    hwaddr offset;              /* in the window and its shadow RAM */
    uint64_t size;
    bool pending;               /* unmapped, not written back yet */
    bool shared;                /* copies share=on memory: synced */
    /*
     * Per page: written back by a sync since the fill (so also written
     * back when unmapped: a store racing with the sync's clearing of the
     * dirty bits may have landed after its copy), and in the last sync
     * (so copied again by the next one, for the same reason)
     */
    unsigned long *synced, *recent;
    unsigned nr_devs;
    CXLFastTarget *devs[MAX_DEVS];  /* NULL: unplugged since */
    uint64_t *chunks;           /* per CHUNK bytes, in HPA order */
};

/*
 * Every shadow, mapped or waiting for its write-back. The lock orders
 * the write-back (safe work, without the BQL) against the per-access path
 * and device-side changes.
 */
static GPtrArray *shadows;
static QemuMutex shadow_lock;
static bool writeback_queued;
static QEMUTimer *sync_timer;   /* while a shared shadow is mapped */
static CXLMachineState *sync_machine;

static void shadow_sync_tick(void *opaque);
static void shadow_vm_state(void *opaque, bool running, RunState state);

static uint64_t nr_chunks(CXLShadow *s)
{
    return s->size / CHUNK;
}

static uint8_t *shadow_ptr(CXLShadow *s, uint64_t chunk)
{
    return (uint8_t *)memory_region_get_ram_ptr(s->w->shadow_ram) +
           s->offset + chunk * CHUNK;
}

/* ---- building ---- */

void cxl_shadow_build_init(CXLShadowBuild *b, CXLWindow *w, hwaddr lo)
{
    if (!b->chunks) {
        b->chunks = g_array_new(false, false, sizeof(uint64_t));
    }
    g_array_set_size(b->chunks, 0);
    b->w = w;
    b->lo = lo;
    b->nr_devs = 0;
    b->shared = false;
}

void cxl_shadow_build_clear(CXLShadowBuild *b)
{
    if (b->chunks) {
        g_array_free(b->chunks, true);
        b->chunks = NULL;
    }
}

static int build_dev_index(CXLShadowBuild *b, CXLFastTarget *dev)
{
    for (unsigned i = 0; i < b->nr_devs; i++) {
        if (b->devs[i] == dev) {
            return i;
        }
    }
    if (b->nr_devs == MAX_DEVS) {
        return -1;
    }
    b->devs[b->nr_devs] = dev;
    return b->nr_devs++;
}

/* Where @dev's next chunk may be, in the DPA order check of @b */
static uint64_t *build_next_dpa(CXLShadowBuild *b, CXLFastTarget *dev)
{
    for (unsigned i = 0; i < b->nr_seen; i++) {
        if (b->seen[i].dev == dev) {
            return &b->seen[i].next_dpa;
        }
    }
    if (b->nr_seen == ARRAY_SIZE(b->seen)) {
        return NULL;
    }
    b->seen[b->nr_seen].dev = dev;
    b->seen[b->nr_seen].next_dpa = 0;
    return &b->seen[b->nr_seen++].next_dpa;
}

bool cxl_shadow_add_page(CXLShadowBuild *b, hwaddr hpa)
{
    uint64_t page = qemu_target_page_size();
    unsigned chunks0 = b->chunks->len, devs0 = b->nr_devs;
    unsigned seen0 = b->nr_seen;
    bool shared0 = b->shared;
    uint64_t next0[ARRAY_SIZE(b->seen)];
    hwaddr a = hpa, end;

    for (unsigned i = 0; i < seen0; i++) {
        next0[i] = b->seen[i].next_dpa;
    }
    while (a < hpa + page) {
        CXLMemTarget *t;
        CXLFastTarget *dev;
        CXLExtent ext;
        CXLPMURoute pmu;
        uint64_t dpa, len, *next;
        int idx;

        if (!cxl_route_pmu(b->w, a, &t, &dpa, &ext, &pmu) || ext.lo > a ||
            pmu.n) {
            goto fail;          /* (CPMUs count it: per access) */
        }
        end = MIN(ext.hi, hpa + page);
        len = end - a;
        switch (cxl_mem_target_sharing(t, dpa, len)) {
        case CXL_MEM_PRIVATE:
            break;
        case CXL_MEM_SHARED:
            if (b->w->machine->fast_path_shadow_shared) {
                b->shared = true;
                break;
            }
            /* fall through */
        default:
            b->hopeless = true;
            goto fail;
        }
        dev = cxl_mem_target_fast_path(t);
        if ((a | len | dpa) & (CHUNK - 1) || !dev->in_dpa_all ||
            !cxl_mem_target_ptr(t, dpa, len) ||
            cxl_mem_target_poisoned(t, dpa, len)) {
            goto fail;
        }
        next = build_next_dpa(b, dev);
        if (!next || dpa < *next) {
            goto fail;          /* no room to check, or an alias */
        }
        *next = dpa + len;
        idx = build_dev_index(b, dev);
        if (idx < 0) {
            goto fail;
        }
        for (uint64_t o = 0; o < len; o += CHUNK) {
            uint64_t e = (dpa + o) | idx;

            g_array_append_val(b->chunks, e);
        }
        a = end;
    }
    return true;

fail:
    g_array_set_size(b->chunks, chunks0);
    b->nr_devs = devs0;
    b->nr_seen = seen0;
    b->shared = shared0;
    for (unsigned i = 0; i < seen0; i++) {
        b->seen[i].next_dpa = next0[i];
    }
    return false;
}

/* The window's shadow RAM, made on first use; false if it cannot have one */
static bool window_shadow_init(CXLWindow *w)
{
    g_autofree char *name = NULL;
    Error *err = NULL;
    MemoryRegion *mr;

    if (w->shadow_ram) {
        return true;
    }
    if (w->size > CXL_SHADOW_MAX_WINDOW) {
        return false;
    }
    name = g_strdup_printf("cxl-fixed-memory-window-%u-shadow", w->index);
    mr = g_new0(MemoryRegion, 1);
    /* address space only: pages exist once written */
    if (!memory_region_init_ram_flags_nomigrate(mr, w->machine->machine, name,
                                                w->size, RAM_NORESERVE,
                                                &err)) {
        trace_cxl_shadow_no_ram(w->index, error_get_pretty(err));
        error_free(err);
        g_free(mr);
        return false;
    }
    /* which pages the guest wrote: those are written back */
    memory_region_set_log(mr, true, DIRTY_MEMORY_VGA);
    address_space_init(&w->shadow_as, mr, name);
    w->shadow_ram = mr;
    if (!shadows) {
        shadows = g_ptr_array_new();
        qemu_mutex_init(&shadow_lock);
        sync_machine = w->machine;
        sync_timer = timer_new_ms(QEMU_CLOCK_REALTIME, shadow_sync_tick,
                                  NULL);
        qemu_add_vm_change_state_handler(shadow_vm_state, NULL);
    }
    return true;
}

static void shadow_free(CXLShadow *s)
{
    g_free(s->chunks);
    g_free(s->synced);
    g_free(s->recent);
    g_free(s);
}

/* ---- keeping shared backends up to date (cxl-fast-path-shadow-shared) ---- */

static void shadow_put_page(CXLShadow *s, uint64_t page_nr, int only,
                            bool copy);

/*
 * Write back the pages the guest dirtied in every mapped shadow of @w
 * since the last sync (and those of the last sync again), with the vCPUs
 * running. With shadow_lock. Returns the bytes written back.
 *
 * A plain copy to the devices' memory is enough: it is mapped nowhere
 * else while a shadow is (no translated code to drop), and not migrated
 * while shadows exist (a migration writes them back and maps without
 * them first).
 */
static uint64_t shadow_sync_window(CXLWindow *w)
{
    uint64_t page = qemu_target_page_size(), written = 0;
    hwaddr lo = UINT64_MAX, hi = 0;
    DirtyBitmapSnapshot *snap;

    for (unsigned i = 0; i < shadows->len; i++) {
        CXLShadow *s = g_ptr_array_index(shadows, i);

        if (s->w == w) {
            lo = MIN(lo, s->offset);
            hi = MAX(hi, s->offset + s->size);
        }
    }
    if (lo >= hi) {
        return 0;
    }
    /*
     * Clearing is by 64 pages: whatever else the rounded range holds
     * belongs to no shadow (any there is in [lo, hi), and mapped)
     */
    snap = physical_memory_snapshot_and_clear_dirty(w->shadow_ram, lo,
                                                    hi - lo,
                                                    DIRTY_MEMORY_VGA);
    for (unsigned i = 0; i < shadows->len; i++) {
        CXLShadow *s = g_ptr_array_index(shadows, i);

        if (s->w != w) {
            continue;
        }
        for (uint64_t p = 0; p < s->size / page; p++) {
            bool dirty = memory_region_snapshot_get_dirty(
                w->shadow_ram, snap, s->offset + p * page, page);

            if (dirty || test_bit(p, s->recent)) {
                shadow_put_page(s, p, -1, true);
                written += page;
            }
            if (dirty) {
                set_bit(p, s->synced);
                set_bit(p, s->recent);
            } else {
                clear_bit(p, s->recent);
            }
        }
    }
    g_free(snap);
    return written;
}

/* @w has a mapped shadow of shared memory. With shadow_lock. */
static bool window_has_shared(CXLWindow *w)
{
    for (unsigned i = 0; i < shadows->len; i++) {
        CXLShadow *s = g_ptr_array_index(shadows, i);

        if (s->w == w && s->shared && !s->pending) {
            return true;
        }
    }
    return false;
}

/*
 * Sync every window that has a mapped shared shadow and none waiting for
 * its write-back (which would lose the dirty bits the sync clears; it
 * comes soon and writes everything back). Returns whether a shared
 * shadow is still mapped. With the BQL.
 */
static bool shadow_sync(void)
{
    bool any = false;

    QEMU_LOCK_GUARD(&shadow_lock);
    for (unsigned i = 0; i < sync_machine->nr_windows; i++) {
        CXLWindow *w = &sync_machine->windows[i];

        if (!window_has_shared(w)) {
            continue;
        }
        any = true;
        if (!qatomic_read(&w->shadow_pending)) {
            trace_cxl_shadow_sync(w->index, shadow_sync_window(w));
        }
    }
    return any;
}

static void shadow_sync_arm(void)
{
    timer_mod(sync_timer, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) +
                          sync_machine->shadow_writeback_ms);
}

void cxl_shadow_writeback_period_changed(void)
{
    if (sync_timer && timer_pending(sync_timer)) {
        shadow_sync_arm();
    }
}

static void shadow_sync_tick(void *opaque)
{
    if (shadow_sync()) {
        shadow_sync_arm();
    }
}

static void shadow_writeback(void);
static bool any_pending(void);

/*
 * The VM stops (quit, shutdown, stop): the files get all of it now, also
 * what shadows unmapped just before hold (their write-back, safe work,
 * might not run before QEMU exits)
 */
static void shadow_vm_state(void *opaque, bool running, RunState state)
{
    if (running) {
        return;
    }
    if (any_pending() && cxl_shadow_vcpus_stopped()) {
        WITH_QEMU_LOCK_GUARD(&shadow_lock) {
            shadow_writeback();
        }
        qemu_bh_schedule(sync_machine->fast_path_bh);   /* map again */
    }
    shadow_sync();
}

/* Copy the devices' memory in; false if some of it went away */
static bool shadow_fill(CXLShadow *s)
{
    uint64_t page = qemu_target_page_size(), per = page / CHUNK, copied = 0;
    ram_addr_t ram = memory_region_get_ram_addr(s->w->shadow_ram);
    g_autofree uint8_t *buf = g_malloc(page);

    for (uint64_t p = 0; p < s->size / page; p++) {
        for (uint64_t c = 0; c < per; c++) {
            uint64_t e = s->chunks[p * per + c];
            uint8_t *src = cxl_mem_target_ptr(s->devs[e & DEV_MASK]->target,
                                              e & ~(uint64_t)DEV_MASK, CHUNK);

            if (!src) {
                return false;
            }
            memcpy(buf + c * CHUNK, src, CHUNK);
        }
        /* the shadow starts out zero, without stale translated code */
        if (!buffer_is_zero(buf, page)) {
            address_space_write(&s->w->shadow_as, s->offset + p * page,
                                MEMTXATTRS_UNSPECIFIED, buf, page);
            copied += page;
        }
    }
    /* nothing to write back yet */
    physical_memory_test_and_clear_dirty(ram + s->offset, s->size,
                                         DIRTY_MEMORY_VGA);
    trace_cxl_shadow_fill(s->w->index, s->w->base + s->offset, s->size,
                          copied);
    return true;
}

CXLShadow *cxl_shadow_new(CXLShadowBuild *b, CXLFastOverlay *ov)
{
    uint64_t page = qemu_target_page_size();
    CXLWindow *w = b->w;
    CXLShadow *s;

    if (!w->machine->fast_path_shadow || !b->chunks->len ||
        !window_shadow_init(w)) {
        return NULL;
    }
    s = g_new0(CXLShadow, 1);
    s->w = w;
    s->offset = b->lo - w->base;
    s->size = (uint64_t)b->chunks->len * CHUNK;
    g_assert(s->size % page == 0);
    s->nr_devs = b->nr_devs;
    memcpy(s->devs, b->devs, sizeof(s->devs[0]) * b->nr_devs);
    s->chunks = (uint64_t *)g_array_steal(b->chunks, NULL);
    s->shared = b->shared;
    s->synced = bitmap_new(s->size / page);
    s->recent = bitmap_new(s->size / page);
    if (!shadow_fill(s)) {
        shadow_free(s);
        return NULL;
    }
    if (!ov->shadow_alias_ready) {
        g_autofree char *name = g_strdup_printf(
            "cxl-fixed-memory-window-%u-shadow-%td", w->index,
            ov - w->overlays);

        memory_region_init_alias(&ov->shadow_alias, w->machine->machine,
                                 name, w->shadow_ram, 0, w->size);
        ov->shadow_alias_ready = true;
    }
    memory_region_set_alias_offset(&ov->shadow_alias, s->offset);
    WITH_QEMU_LOCK_GUARD(&shadow_lock) {
        g_ptr_array_add(shadows, s);
    }
    if (s->shared && !timer_pending(sync_timer)) {
        shadow_sync_arm();
    }
    return s;
}

void cxl_shadow_account(CXLShadow *s, int sign)
{
    for (uint64_t i = 0; i < nr_chunks(s); i++) {
        CXLFastTarget *dev = s->devs[s->chunks[i] & DEV_MASK];

        if (dev) {
            dev->mapped += sign * CHUNK;
        }
    }
}

/* ---- unmapping and writing back ---- */

void cxl_shadow_unmapped(CXLShadow *s)
{
    QEMU_LOCK_GUARD(&shadow_lock);
    s->pending = true;
    qatomic_inc(&s->w->shadow_pending);
}

/* Some shadow waits for its write-back */
static bool any_pending(void)
{
    QEMU_LOCK_GUARD(&shadow_lock);
    for (unsigned i = 0; i < shadows->len; i++) {
        if (((CXLShadow *)g_ptr_array_index(shadows, i))->pending) {
            return true;
        }
    }
    return false;
}

bool cxl_shadow_writeback_pending(void)
{
    return shadows && (qatomic_read(&writeback_queued) || any_pending());
}

/*
 * Write page @page_nr of @s back: its chunks of device index @only (or
 * all, if negative). @copy: by a plain copy (shadow_sync_window()), else
 * through the device's DPA space. A chunk of a device that went away
 * (NULL) is skipped; with @copy, so is one whose media did (a flush
 * unmaps @s soon).
 */
static void shadow_put_page(CXLShadow *s, uint64_t page_nr, int only,
                            bool copy)
{
    uint64_t per = qemu_target_page_size() / CHUNK;

    for (uint64_t c = page_nr * per; c < (page_nr + 1) * per; c++) {
        uint64_t e = s->chunks[c], dpa = e & ~(uint64_t)DEV_MASK;
        CXLFastTarget *dev = s->devs[e & DEV_MASK];
        uint8_t *dst;

        if (!dev || (only >= 0 && (e & DEV_MASK) != only)) {
            continue;
        }
        if (!copy) {
            address_space_write(dev->as, dpa, MEMTXATTRS_UNSPECIFIED,
                                shadow_ptr(s, c), CHUNK);
        } else if ((dst = cxl_mem_target_ptr(dev->target, dpa, CHUNK))) {
            memcpy(dst, shadow_ptr(s, c), CHUNK);
        }
    }
}

/* Give @s's memory back, and its translated code with it */
static void shadow_discard(CXLShadow *s)
{
    CXLWindow *w = s->w;
    ram_addr_t ram = memory_region_get_ram_addr(w->shadow_ram);

    ram_block_discard_range(w->shadow_ram->ram_block, s->offset, s->size);
    if (tcg_enabled()) {
        tb_invalidate_phys_range(NULL, ram + s->offset,
                                 ram + s->offset + s->size - 1);
    }
}

/* Write @s back, the pages @snap has dirty, and give its memory back */
static void shadow_put(CXLShadow *s, DirtyBitmapSnapshot *snap)
{
    uint64_t page = qemu_target_page_size(), written = 0;
    CXLWindow *w = s->w;

    for (uint64_t p = 0; p < s->size / page; p++) {
        if (test_bit(p, s->synced) ||
            memory_region_snapshot_get_dirty(w->shadow_ram, snap,
                                             s->offset + p * page, page)) {
            shadow_put_page(s, p, -1, false);
            written += page;
        }
    }
    shadow_discard(s);
    trace_cxl_shadow_writeback(w->index, w->base + s->offset, s->size,
                               written);
}

/* With shadow_lock, and no vCPU running (or able to use a stale TLB) */
static void shadow_writeback(void)
{
    CXLShadow *s;

    while (true) {
        DirtyBitmapSnapshot *snap;
        CXLWindow *w = NULL;

        for (unsigned i = 0; i < shadows->len && !w; i++) {
            s = g_ptr_array_index(shadows, i);
            w = s->pending ? s->w : NULL;
        }
        if (!w) {
            return;
        }
        /*
         * One snapshot of the whole window: clearing is by 64 pages, so a
         * smaller one could lose a neighbouring shadow's dirty pages. All
         * of the window's shadows are pending: a flush unmaps every one,
         * and nothing is mapped again until the write-back is done.
         */
        snap = physical_memory_snapshot_and_clear_dirty(w->shadow_ram, 0,
                                                        w->size,
                                                        DIRTY_MEMORY_VGA);
        for (unsigned i = 0; i < shadows->len;) {
            s = g_ptr_array_index(shadows, i);
            if (s->w != w) {
                i++;
            } else {
                shadow_put(s, snap);
                qatomic_dec(&w->shadow_pending);
                g_ptr_array_remove_index_fast(shadows, i);
                shadow_free(s);
            }
        }
        g_free(snap);
    }
}

static void shadow_writeback_work(CPUState *cpu, run_on_cpu_data data)
{
    CXLMachineState *ms = data.host_ptr;

    /*
     * First: a shadow unmapped from here on (by the main loop: no vCPU
     * runs) queues a write-back of its own, even if this one takes it
     */
    qatomic_set(&writeback_queued, false);
    WITH_QEMU_LOCK_GUARD(&shadow_lock) {
        shadow_writeback();
    }
    /* and map again */
    qemu_bh_schedule(ms->fast_path_bh);
}

bool cxl_shadow_vcpus_stopped(void)
{
    CPUState *cpu;

    if (qtest_enabled()) {
        return true;
    }
    CPU_FOREACH(cpu) {
        if (!cpu->stopped) {
            return false;
        }
    }
    return true;
}

void cxl_shadow_writeback_schedule(CXLMachineState *ms)
{
    if (!shadows || !any_pending()) {
        return;
    }
    /*
     * Stopped vCPUs (a paused VM, savevm, a migration's last stage): now.
     * This also overtakes a write-back queued while they ran and not run
     * yet, which then finds nothing to do: a stream saved from here on
     * must find the devices' memory up to date.
     */
    if (cxl_shadow_vcpus_stopped()) {
        WITH_QEMU_LOCK_GUARD(&shadow_lock) {
            shadow_writeback();
        }
        return;
    }
    if (qatomic_read(&writeback_queued)) {
        return;
    }
    qatomic_set(&writeback_queued, true);
    async_safe_run_on_cpu(first_cpu, shadow_writeback_work,
                          RUN_ON_CPU_HOST_PTR(ms));
}

void cxl_shadow_drop(void)
{
    if (!shadows) {
        return;
    }
    QEMU_LOCK_GUARD(&shadow_lock);
    for (unsigned i = 0; i < shadows->len;) {
        CXLShadow *s = g_ptr_array_index(shadows, i);

        if (!s->pending) {
            i++;                /* still mapped: not ours to drop */
            continue;
        }
        shadow_discard(s);
        trace_cxl_shadow_drop(s->w->index, s->w->base + s->offset, s->size);
        qatomic_dec(&s->w->shadow_pending);
        g_ptr_array_remove_index_fast(shadows, i);
        shadow_free(s);
    }
}

unsigned cxl_shadow_access(CXLWindow *w, hwaddr addr, uint8_t *buf,
                           unsigned size, bool write)
{
    QEMU_LOCK_GUARD(&shadow_lock);
    for (unsigned i = 0; i < shadows->len; i++) {
        CXLShadow *s = g_ptr_array_index(shadows, i);
        unsigned n;

        if (s->w != w || !s->pending || addr < s->offset ||
            addr >= s->offset + s->size) {
            continue;
        }
        n = MIN(size, s->offset + s->size - addr);
        if (n < size) {
            return n;           /* the caller goes byte by byte */
        }
        if (write) {
            address_space_write(&w->shadow_as, addr, MEMTXATTRS_UNSPECIFIED,
                                buf, size);
        } else {
            memcpy(buf, shadow_ptr(s, 0) + (addr - s->offset), size);
        }
        return size;
    }
    return 0;
}

static int shadow_dev_index(CXLShadow *s, CXLFastTarget *dev)
{
    for (unsigned i = 0; i < s->nr_devs; i++) {
        if (s->devs[i] == dev) {
            return i;
        }
    }
    return -1;
}

void cxl_shadow_dpa_changed(CXLMemTarget *t, uint64_t dpa, uint64_t len)
{
    CXLFastTarget *ft;
    uint8_t tmp[CHUNK];

    if (!shadows || !len) {
        return;
    }
    ft = cxl_mem_target_fast_path(t);
    QEMU_LOCK_GUARD(&shadow_lock);
    for (unsigned i = 0; i < shadows->len; i++) {
        CXLShadow *s = g_ptr_array_index(shadows, i);
        int idx = shadow_dev_index(s, ft);

        for (uint64_t c = 0; idx >= 0 && c < nr_chunks(s); c++) {
            uint64_t e = s->chunks[c], cd = e & ~(uint64_t)DEV_MASK;
            uint64_t lo = MAX(cd, dpa), hi = MIN(cd + CHUNK, dpa + len);

            if ((e & DEV_MASK) != idx || lo >= hi) {
                continue;
            }
            address_space_read(ft->as, lo, MEMTXATTRS_UNSPECIFIED, tmp,
                               hi - lo);
            address_space_write(&s->w->shadow_as,
                                s->offset + c * CHUNK + (lo - cd),
                                MEMTXATTRS_UNSPECIFIED, tmp, hi - lo);
        }
    }
}

void cxl_shadow_del_device(CXLMemTarget *t)
{
    uint64_t page = qemu_target_page_size();
    CXLFastTarget *ft;

    if (!shadows) {
        return;
    }
    ft = cxl_mem_target_fast_path(t);
    QEMU_LOCK_GUARD(&shadow_lock);
    for (unsigned i = 0; i < shadows->len; i++) {
        CXLShadow *s = g_ptr_array_index(shadows, i);
        ram_addr_t ram = memory_region_get_ram_addr(s->w->shadow_ram);
        int idx = shadow_dev_index(s, ft);

        if (idx < 0) {
            continue;
        }
        for (uint64_t p = 0; p < s->size / page; p++) {
            if (test_bit(p, s->synced) ||
                physical_memory_get_dirty_flag(ram + s->offset + p * page,
                                               DIRTY_MEMORY_VGA)) {
                shadow_put_page(s, p, idx, false);
            }
        }
        s->devs[idx] = NULL;
    }
}
