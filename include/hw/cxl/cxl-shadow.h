/*
 * Shadow copies of CXL memory interleaved finer than a page: the fast
 * path's way of serving such regions at RAM speed (hw/cxl/cxl-shadow.c).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_SHADOW_H
#define HW_CXL_SHADOW_H

#include "hw/cxl/cxl-machine.h"
#include "hw/cxl/cxl-mem-target.h"

/* What a shadow copies at a time: the finest interleave granule */
#define CXL_SHADOW_CHUNK        256

/* Windows larger than this get no shadow (its RAM spans the window) */
#define CXL_SHADOW_MAX_WINDOW   (128 * GiB)

/* cxl-fast-path-shadow-writeback-ms: default and limits */
#define CXL_SHADOW_WRITEBACK_MS_DEFAULT 100
#define CXL_SHADOW_WRITEBACK_MS_MAX     60000

/* A shadow being built: the chunks of a run of pages, in HPA order */
typedef struct CXLShadowBuild {
    CXLWindow *w;
    hwaddr lo;                  /* the run's first page */
    unsigned nr_devs;
    CXLFastTarget *devs[64];
    GArray *chunks;             /* uint64_t: DPA | index in devs */
    /*
     * Over every run of a scan: the DPA each device's next chunk must be
     * at least at. Within a region a device's DPA grows with the HPA;
     * decoders that disagree on the ways can route two HPAs to one DPA,
     * which a copy cannot serve (writes to one would not show at the
     * other): such pages stay per access.
     */
    unsigned nr_seen;
    bool hopeless;              /* a backend it may not copy: stop */
    bool shared;                /* some chunk's backend is share=on */
    struct {
        CXLFastTarget *dev;
        uint64_t next_dpa;
    } seen[64];
} CXLShadowBuild;

void cxl_shadow_build_init(CXLShadowBuild *b, CXLWindow *w, hwaddr lo);
void cxl_shadow_build_clear(CXLShadowBuild *b);

/*
 * Add the page at @hpa to @b if every chunk of it routes to memory a
 * shadow may copy (free of poison, media usable; private, or shared with
 * cxl-fast-path-shadow-shared=on but never written by another host);
 * false, with @b unchanged, if not. Sets b->hopeless when the reason
 * holds for the rest of the scan (a backend the shadow may not copy):
 * the caller stops trying, as the check costs a route per page.
 */
bool cxl_shadow_add_page(CXLShadowBuild *b, hwaddr hpa);

/*
 * The shadow of the run @b holds, filled from the devices' memory, for
 * mapping over @ov (its alias into the window's shadow RAM is set up);
 * NULL if the window cannot have one. Takes @b's chunks.
 */
CXLShadow *cxl_shadow_new(CXLShadowBuild *b, CXLFastOverlay *ov);

/* Add the bytes of each target's memory @s maps to its x-fast-path-mapped */
void cxl_shadow_account(CXLShadow *s, int sign);

/*
 * @s was unmapped: it stays the memory of its range (the per-access path
 * serves that range from it, see cxl_shadow_access()) until the write-
 * back cxl_shadow_writeback_schedule() starts. Call with the BQL.
 */
void cxl_shadow_unmapped(CXLShadow *s);
void cxl_shadow_writeback_schedule(CXLMachineState *s);

/*
 * No vCPU executes guest code, so none can write through a stale mapping
 * or the per-access path (with the BQL, which the vCPU threads take to
 * change this); always true under qtest, which has no vCPUs
 */
bool cxl_shadow_vcpus_stopped(void);

/* cxl-fast-path-shadow-writeback-ms changed: the next sync is due then */
void cxl_shadow_writeback_period_changed(void);

/* Some window has unmapped shadows not written back yet */
bool cxl_shadow_writeback_pending(void);

/*
 * Forget every unmapped shadow without writing it back: a migration
 * stream (an incoming migration, loadvm) is about to replace the devices'
 * memory, and what the guest wrote to a shadow since belongs to the state
 * being replaced. With the BQL and no vCPU running.
 */
void cxl_shadow_drop(void);

/*
 * The per-access path, for window @w (offset @addr) while some shadow of
 * it waits for its write-back: reads or writes @size bytes of @buf in
 * the shadow. Returns how many bytes from @addr on a pending shadow
 * covers (0: none; @size: all, and done).
 */
unsigned cxl_shadow_access(CXLWindow *w, hwaddr addr, uint8_t *buf,
                           unsigned size, bool write);

/*
 * The device itself changed @len bytes of its memory at @dpa (Clear
 * Poison's data, Sanitize, Media Operations): shadows take the new bytes.
 */
void cxl_shadow_dpa_changed(CXLMemTarget *t, uint64_t dpa, uint64_t len);

/* @t goes away: write back what shadows hold of it, then forget it */
void cxl_shadow_del_device(CXLMemTarget *t);

#endif /* HW_CXL_SHADOW_H */
