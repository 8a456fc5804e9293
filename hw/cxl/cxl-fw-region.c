/*
 * Firmware-committed CXL regions: -machine cxl-region.N.* (see
 * include/hw/cxl/cxl-fw-region.h and qapi/cxl.json).
 *
 * At machine done each region is planned: the path of every target
 * device (host bridge -> root port -> (upstream -> downstream port)* ->
 * device) is found, the devices' interleave positions are split level by
 * level the way an OS would program them (the host-most level takes the
 * lowest position bits), and for each host bridge, switch and device on
 * the way one decoder is programmed: ways = the ports it spreads the
 * region over, granularity = the region's times the ways above it,
 * target list from the positions. The plan is checked by committing it
 * on copies of the decoder sets with the decoder model itself, so a
 * command line the hardware would refuse fails with a message instead.
 * At every reset, after the devices' own reset, the plan is committed
 * (with Lock On Commit when locked) and the devices get HDM Decoder
 * Enable and Mem_Enable.
 *
 * A region maps one kind of capacity of its devices (type): volatile,
 * persistent, or dynamic (dc: the DPA after the static capacity, every
 * DC region of the device, which follow each other). Of dynamic capacity
 * the host reaches only what it accepted in extents; the rest of the
 * range reads all ones (hw/mem/cxl-type3-dc.c). Linux 7.3, which has no
 * DCD driver, does not take such a decoder: Identify Memory Device gives
 * it the static capacity only, so it cannot reserve the decoder's DPA
 * range, its endpoint port fails to probe (-EBUSY) and cxl_mem gives the
 * memdev up; the memdev's mailbox still works, and the guest reaches the
 * window through /dev/mem (guest scenario dcd-fw-region).
 *
 * A region of size 0 (locked=on required) is what some firmware leaves in
 * decoders it does not use: at the next free decoder of every component
 * on the path, a committed, locked decoder with base at the region's
 * offset in the window and size 0, which decodes nothing, takes no DPA
 * (DPA skip 0) and lets the next decoder commit after it. Linux 7.3's
 * init_hdm_decoder() refuses such a decoder ("Committed with zero size",
 * -ENXIO), so the port that has one fails to enumerate its decoders;
 * 7.4 accepts it (guest scenario fw-region-zero-size).
 *
 * A region whose target is a CXL 1.1 RCD (a cxl-type3 on the bus of a
 * pxb-cxl with rch=on) is set up as a BIOS sets up such a device: it has
 * no decoders on its way (the RCH decodes everything its window sends it
 * to the RCD), so firmware programs the DVSEC range register of the
 * capacity (volatile: ram, persistent: pmem) with the region's base and
 * sets Mem_Enable. A range register maps one whole capacity, linearly:
 * such a region has the RCD as its only target, its window has the RCH as
 * its only target, and its size is the capacity's. Linux takes the range
 * as a locked, emulated decoder (cxl_setup_hdm_decoder_from_dvsec()) and
 * assembles the region, if a window with volatile memory allowed covers
 * it (dvsec_range_allowed() looks at windows that allow volatile memory,
 * for persistent ranges too).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/clone-visitor.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "qemu/error-report.h"
#include "qapi/qapi-visit-cxl.h"
#include "system/reset.h"
#include "hw/pci/pci_bridge.h"
#include "hw/pci/pcie_port.h"
#include "hw/cxl/cxl-fw-region.h"
#include "hw/cxl/cxl-host.h"
#include "hw/cxl/cxl-machine.h"
#include "hw/cxl/cxl-switch.h"
#include "hw/cxl/cxl-type3.h"

/* The capacity a region maps (cxl-region.N.type) */
typedef enum CXLFwKind {
    CXL_FW_RAM,                 /* volatile: DPA [0, vsize) */
    CXL_FW_PMEM,                /* persistent: after the volatile */
    CXL_FW_DC,                  /* dynamic: after the static capacity */
} CXLFwKind;

static const char *const fw_kind_name[] = {
    [CXL_FW_RAM] = "volatile", [CXL_FW_PMEM] = "persistent",
    [CXL_FW_DC] = "dynamic",
};

/* One decoder to commit at reset */
typedef struct CXLFwAction {
    CXLComponentRegs *regs;
    unsigned idx;
    CXLHDMDecoder dec;
    CXLType3Dev *ct3;           /* endpoint decoders: the device */
    /* an RCD: no decoder, the DVSEC range of a capacity decodes from base */
    bool rcd_range;
    bool persistent;
} CXLFwAction;

/* A step of a device's path: the component with decoders, and the port
 * number of the root or downstream port the path goes on through */
typedef struct CXLFwHop {
    CXLComponentRegs *regs;
    const char *name;
    uint8_t port;
} CXLFwHop;

#define MAX_DEPTH   32

typedef struct CXLFwMember {
    unsigned pos;
    CXLType3Dev *ct3;
    CXLFwHop hops[MAX_DEPTH];
    unsigned nr_hops;
} CXLFwMember;

/* Planning state of one region */
typedef struct CXLFwPlan {
    CXLMachineState *s;
    unsigned index;             /* N of cxl-region.N */
    CXLCommittedRegionOptions *o;
    hwaddr base;
    uint64_t granularity;
    unsigned ways;
    CXLFwKind kind;
    GHashTable *next_dec;       /* CXLComponentRegs * -> next decoder + 1 */
    GHashTable *dpa_end;        /* CXLType3Dev * -> uint64_t * */
    GHashTable *rcd_ranges;     /* CXLType3Dev * -> mapped capacities + 1 */
    GArray *actions;
    CXLFwMember *members;
    GPtrArray *by_hb[CXL_INTERLEAVE_MAX_WAYS];    /* members by host bridge */
} CXLFwPlan;

/* ---- the machine property ---- */

static void fw_regions_set(Object *obj, Visitor *v, const char *name,
                           void *opaque, Error **errp)
{
    CXLMachineState *s = opaque;
    CXLCommittedRegionOptionsList *list = NULL;

    if (!visit_type_CXLCommittedRegionOptionsList(v, name, &list, errp)) {
        return;
    }
    qapi_free_CXLCommittedRegionOptionsList(s->fw_regions);
    s->fw_regions = list;
}

static void fw_regions_get(Object *obj, Visitor *v, const char *name,
                           void *opaque, Error **errp)
{
    CXLMachineState *s = opaque;
    CXLCommittedRegionOptionsList *copy = QAPI_CLONE(
        CXLCommittedRegionOptionsList, s->fw_regions);

    visit_type_CXLCommittedRegionOptionsList(v, name, &copy, errp);
    qapi_free_CXLCommittedRegionOptionsList(copy);
}

void cxl_fw_regions_init(CXLMachineState *s)
{
    object_property_add(s->machine, "cxl-region", "CXLCommittedRegion",
                        fw_regions_get, fw_regions_set, NULL, s);
    object_property_set_description(s->machine, "cxl-region",
        "CXL regions committed by firmware at reset: cxl-region.N.window=W,"
        "cxl-region.N.size=SIZE,cxl-region.N.targets.M=CXL-TYPE3-ID"
        "[,cxl-region.N.offset=OFF][,cxl-region.N.interleave-granularity=G]"
        "[,cxl-region.N.type=ram|pmem|dc][,cxl-region.N.locked=on]");
}

/* ---- planning ---- */

static const char *dev_name(DeviceState *d)
{
    return d->id ? d->id : object_get_typename(OBJECT(d));
}

/* The path from the host bridge down to @ct3; false if it is not below a
 * CXL host bridge through CXL root and switch ports. */
static bool find_path(CXLFwMember *m, CXLHostBridge **hb)
{
    PCIDevice *d = PCI_DEVICE(m->ct3);
    CXLFwHop up[MAX_DEPTH];
    unsigned n = 0;

    while (n < MAX_DEPTH) {
        PCIDevice *port = pci_get_bus(d)->parent_dev;
        PCIDevice *above;

        if (!port || !object_dynamic_cast(OBJECT(port), TYPE_PCIE_PORT)) {
            return false;
        }
        above = pci_get_bus(port)->parent_dev;
        if (!above) {
            return false;
        }
        up[n].port = PCIE_PORT(port)->port;
        if (object_dynamic_cast(OBJECT(above), TYPE_CXL_HOST_BRIDGE)) {
            *hb = CXL_HOST_BRIDGE(above);
            up[n].regs = &(*hb)->regs;
            up[n++].name = dev_name(DEVICE(above));
            break;
        }
        if (!object_dynamic_cast(OBJECT(above), TYPE_CXL_USP)) {
            return false;
        }
        up[n].regs = &CXL_USP(above)->regs;
        up[n++].name = dev_name(DEVICE(above));
        d = above;
    }
    if (n == MAX_DEPTH) {
        return false;
    }
    m->nr_hops = n;
    for (unsigned i = 0; i < n; i++) {
        m->hops[i] = up[n - 1 - i];
    }
    return true;
}

static bool take_decoder(CXLFwPlan *pl, CXLComponentRegs *regs,
                         const char *name, unsigned *idx, Error **errp)
{
    unsigned next = GPOINTER_TO_UINT(g_hash_table_lookup(pl->next_dec, regs));

    if (next >= regs->hdm.caps.nr_decoders) {
        error_setg(errp, "cxl-region.%u: %s has no free HDM decoder left "
                   "(it has %u)", pl->index, name, regs->hdm.caps.nr_decoders);
        return false;
    }
    g_hash_table_insert(pl->next_dec, regs, GUINT_TO_POINTER(next + 1));
    *idx = next;
    return true;
}

static void add_action(CXLFwPlan *pl, CXLComponentRegs *regs, unsigned idx,
                       const CXLHDMDecoder *dec, CXLType3Dev *ct3)
{
    CXLFwAction a = { .regs = regs, .idx = idx, .dec = *dec, .ct3 = ct3 };

    g_array_append_val(pl->actions, a);
}

/* The DPA range [*@start, *@end) of @ct3's capacity of kind @kind */
static void partition(CXLType3Dev *ct3, CXLFwKind kind, uint64_t *start,
                      uint64_t *end)
{
    switch (kind) {
    case CXL_FW_RAM:
        *start = 0;
        *end = ct3->vsize;
        break;
    case CXL_FW_PMEM:
        *start = ct3->vsize;
        *end = ct3->vsize + ct3->psize;
        break;
    case CXL_FW_DC:
        /* every DC region: they follow each other in DPA space */
        *start = cxl_type3_dc_base(ct3);
        *end = *start + ct3->dcsize;
        break;
    }
}

static bool plan_endpoint(CXLFwPlan *pl, CXLFwMember *m, Error **errp)
{
    CXLType3Dev *ct3 = m->ct3;
    uint64_t share = pl->o->size / pl->ways;
    uint64_t part_start, part_end;
    uint64_t *end = g_hash_table_lookup(pl->dpa_end, ct3);
    uint64_t start;
    CXLHDMDecoder dec = {
        .base = pl->base, .size = pl->o->size, .lock_on_commit = pl->o->locked,
        .host_only = true,
    };
    unsigned idx;

    partition(ct3, pl->kind, &part_start, &part_end);
    if (!end) {
        end = g_new0(uint64_t, 1);
        g_hash_table_insert(pl->dpa_end, ct3, end);
    }
    /* an empty decoder takes no DPA: no skip, the next one goes on */
    start = share ? MAX(*end, part_start) : *end;
    if (share && (start > part_end || share > part_end - start)) {
        error_setg(errp, "cxl-region.%u: device '%s' has not enough %s "
                   "capacity left for its 0x%" PRIx64 " bytes", pl->index,
                   dev_name(DEVICE(ct3)), fw_kind_name[pl->kind], share);
        return false;
    }
    cxl_ways_to_iw(pl->ways, &dec.eiw);
    cxl_bytes_to_ig(pl->granularity, &dec.eig);
    dec.dpa_skip = start - *end;
    *end = start + share;
    if (!take_decoder(pl, &ct3->comp, dev_name(DEVICE(ct3)), &idx, errp)) {
        return false;
    }
    add_action(pl, &ct3->comp, idx, &dec, ct3);
    return true;
}

/*
 * The component at hop @depth of @members (all the same one) spreads them
 * over its ports: position p goes to slot (p / @mult) % ways. Program its
 * decoder and go on below each port.
 */
static bool plan_level(CXLFwPlan *pl, GPtrArray *members, unsigned depth,
                       unsigned mult, Error **errp)
{
    CXLFwMember *first = g_ptr_array_index(members, 0);
    CXLFwHop *hop = &first->hops[depth];
    int slot_port[CXL_INTERLEAVE_MAX_WAYS];
    uint8_t ports[CXL_INTERLEAVE_MAX_WAYS];
    unsigned ways = 0;
    CXLHDMDecoder dec = {
        .base = pl->base, .size = pl->o->size, .lock_on_commit = pl->o->locked,
        .host_only = true,
    };
    unsigned idx;

    /* the distinct ports, in order of first use */
    for (unsigned i = 0; i < members->len; i++) {
        CXLFwMember *m = g_ptr_array_index(members, i);
        unsigned k;

        for (k = 0; k < ways && ports[k] != m->hops[depth].port; k++) {
        }
        if (k == ways) {
            if (ways == CXL_INTERLEAVE_MAX_WAYS) {
                error_setg(errp, "cxl-region.%u: %s would interleave across "
                           "more than %d ports", pl->index, hop->name,
                           CXL_INTERLEAVE_MAX_WAYS);
                return false;
            }
            ports[ways++] = m->hops[depth].port;
        }
    }
    for (unsigned k = 0; k < ways; k++) {
        slot_port[k] = -1;
    }
    for (unsigned i = 0; i < members->len; i++) {
        CXLFwMember *m = g_ptr_array_index(members, i);
        unsigned slot = (m->pos / mult) % ways;

        if (slot_port[slot] < 0) {
            slot_port[slot] = m->hops[depth].port;
        } else if (slot_port[slot] != m->hops[depth].port) {
            error_setg(errp, "cxl-region.%u: targets in positions that %s "
                       "sends to one port are below different ports (%d and "
                       "%u); list the devices in interleave-position order",
                       pl->index, hop->name, slot_port[slot],
                       m->hops[depth].port);
            return false;
        }
    }

    /*
     * A host bridge with one root port decodes as a pass-through, without
     * HDM decoders; but an OS assembling a region that firmware set up
     * looks for a committed decoder with the region's range at every
     * level (Linux's find_pos_and_ways()), so a host bridge that a
     * firmware region goes through has its decoders, as with
     * hdm_for_passthrough=on.
     */
    hop->regs->has_hdm = true;
    {
        if (!cxl_ways_to_iw(ways, &dec.eiw) ||
            ways > hop->regs->hdm.caps.nr_targets) {
            error_setg(errp, "cxl-region.%u: %s would interleave %u ways, "
                       "which its decoders cannot do", pl->index, hop->name,
                       ways);
            return false;
        }
        if (!cxl_bytes_to_ig(pl->granularity * mult, &dec.eig)) {
            error_setg(errp, "cxl-region.%u: %s would need a granularity of "
                       "%" PRIu64 " bytes (above 16k)", pl->index, hop->name,
                       pl->granularity * mult);
            return false;
        }
        for (unsigned k = 0; k < ways; k++) {
            dec.targets[k] = slot_port[k];
        }
        if (!take_decoder(pl, hop->regs, hop->name, &idx, errp)) {
            return false;
        }
        add_action(pl, hop->regs, idx, &dec, NULL);
    }

    for (unsigned k = 0; k < ways; k++) {
        g_autoptr(GPtrArray) below = g_ptr_array_new();
        CXLFwMember *m = NULL;

        for (unsigned i = 0; i < members->len; i++) {
            m = g_ptr_array_index(members, i);
            if (m->hops[depth].port == slot_port[k]) {
                g_ptr_array_add(below, m);
            }
        }
        m = g_ptr_array_index(below, 0);
        if (m->nr_hops == depth + 1) {
            /* the device itself is below this port */
            if (mult * ways != pl->ways) {
                error_setg(errp, "cxl-region.%u: the path to '%s' spreads the "
                           "region %u ways, not %u; list the devices in "
                           "interleave-position order", pl->index,
                           dev_name(DEVICE(m->ct3)), mult * ways, pl->ways);
                return false;
            }
            if (!plan_endpoint(pl, m, errp)) {
                return false;
            }
        } else if (!plan_level(pl, below, depth + 1, mult * ways, errp)) {
            return false;
        }
    }
    return true;
}

/*
 * A region of CXL 1.1 RCD @ct3: its DVSEC range register for the region's
 * capacity, set from the region's base at reset.
 */
static bool plan_rcd(CXLFwPlan *pl, CXLType3Dev *ct3, const char *id,
                     CXLWindow *w, Error **errp)
{
    unsigned n = pl->index;
    const char *rch = DEVICE(ct3->rch)->id ?: "";
    bool persistent = pl->kind == CXL_FW_PMEM;
    uint64_t size = persistent ? ct3->psize : ct3->vsize;
    unsigned done = GPOINTER_TO_UINT(g_hash_table_lookup(pl->rcd_ranges,
                                                         ct3));
    unsigned bit = 1u << persistent;
    CXLFwAction a = {
        .regs = &ct3->comp, .ct3 = ct3, .rcd_range = true,
        .persistent = persistent, .dec = { .base = pl->base },
    };

    if (pl->ways != 1) {
        error_setg(errp, "cxl-region.%u.targets: '%s' is a CXL 1.1 RCD (on "
                   "Restricted CXL Host '%s'): its range registers do not "
                   "interleave, so it is a region's only target", n, id, rch);
        return false;
    }
    if (w->nr_targets != 1 || w->targets[0] != ct3->rch) {
        error_setg(errp, "cxl-region.%u.window: '%s' is a CXL 1.1 RCD: its "
                   "region's window must have its Restricted CXL Host '%s' "
                   "as only target", n, id, rch);
        return false;
    }
    if (pl->kind == CXL_FW_DC) {
        error_setg(errp, "cxl-region.%u.type: '%s' is a CXL 1.1 RCD: it has "
                   "no dynamic capacity", n, id);
        return false;
    }
    if (pl->o->locked) {
        error_setg(errp, "cxl-region.%u.locked: '%s' is a CXL 1.1 RCD: "
                   "there are no decoders to lock (its range registers are "
                   "what decodes)", n, id);
        return false;
    }
    if (!size || pl->o->size != size) {
        error_setg(errp, "cxl-region.%u.size: '%s' is a CXL 1.1 RCD: a "
                   "range register maps its whole %s capacity (0x%" PRIx64
                   " bytes), so that is the region's size", n, id,
                   fw_kind_name[pl->kind], size);
        return false;
    }
    if (done & bit) {
        error_setg(errp, "cxl-region.%u: the %s capacity of CXL 1.1 RCD '%s' "
                   "is in a region already", n, fw_kind_name[pl->kind], id);
        return false;
    }
    g_hash_table_insert(pl->rcd_ranges, ct3, GUINT_TO_POINTER(done | bit));
    g_array_append_val(pl->actions, a);
    return true;
}

static CXLType3Dev *find_type3(const char *id)
{
    Object *obj = cxl_peripheral(id);

    return obj ? (CXLType3Dev *)object_dynamic_cast(obj, TYPE_CXL_TYPE3) : NULL;
}

static bool plan_region(CXLFwPlan *pl, uint64_t *window_next, Error **errp)
{
    CXLCommittedRegionOptions *o = pl->o;
    unsigned n = pl->index, nt = 0, hb_ways;
    CXLWindow *w;
    uint64_t offset;
    strList *t;
    uint8_t eiw, eig;

    if (o->window >= pl->s->nr_windows) {
        error_setg(errp, "cxl-region.%u.window: there is no window %u (%u "
                   "given with cxl-fmw)", n, o->window, pl->s->nr_windows);
        return false;
    }
    w = &pl->s->windows[o->window];
    hb_ways = w->nr_targets;
    for (t = o->targets; t; t = t->next) {
        nt++;
    }
    if (!cxl_ways_to_iw(nt, &eiw)) {
        error_setg(errp, "cxl-region.%u.targets: %u devices given; a region "
                   "interleaves across 1, 2, 3, 4, 6, 8, 12 or 16", n, nt);
        return false;
    }
    pl->ways = nt;
    if (nt % hb_ways) {
        error_setg(errp, "cxl-region.%u.targets: %u devices cannot spread over "
                   "the %u host bridges of window %u", n, nt, hb_ways,
                   o->window);
        return false;
    }
    pl->granularity = o->has_interleave_granularity ?
                      o->interleave_granularity : w->granularity;
    if (!cxl_bytes_to_ig(pl->granularity, &eig)) {
        error_setg(errp, "cxl-region.%u.interleave-granularity: %" PRIu64
                   " is not allowed; use 256, 512, 1k, 2k, 4k, 8k or 16k", n,
                   pl->granularity);
        return false;
    }
    if (hb_ways > 1 && pl->granularity != w->granularity) {
        error_setg(errp, "cxl-region.%u.interleave-granularity: must be the "
                   "granularity of window %u (%" PRIu64 ") as the window "
                   "interleaves", n, o->window, w->granularity);
        return false;
    }
    if (!o->type || !strcmp(o->type, "ram")) {
        pl->kind = CXL_FW_RAM;
    } else if (!strcmp(o->type, "pmem")) {
        pl->kind = CXL_FW_PMEM;
    } else if (!strcmp(o->type, "dc")) {
        pl->kind = CXL_FW_DC;
    } else {
        error_setg(errp, "cxl-region.%u.type: '%s' is not allowed; use ram, "
                   "pmem or dc", n, o->type);
        return false;
    }
    /* dynamic capacity is volatile */
    if (!(w->restrictions & BIT(pl->kind == CXL_FW_PMEM ?
                                CXL_FIXED_MEMORY_WINDOW_RESTRICTION_PERSISTENT :
                                CXL_FIXED_MEMORY_WINDOW_RESTRICTION_VOLATILE))) {
        error_setg(errp, "cxl-region.%u.type: window %u does not allow %s "
                   "memory (see cxl-fmw.%u.restrictions)", n, o->window,
                   pl->kind == CXL_FW_PMEM ? "persistent" : "volatile",
                   o->window);
        return false;
    }
    if (o->size % ((uint64_t)nt * CXL_HDM_ALIGN)) {
        error_setg(errp, "cxl-region.%u.size: must be 0 or a multiple of "
                   "256 MiB times the number of targets (%u)", n, nt);
        return false;
    }
    if (!o->size && !o->locked) {
        error_setg(errp, "cxl-region.%u.size: 0 (decoders committed empty) "
                   "needs cxl-region.%u.locked=on", n, n);
        return false;
    }
    offset = o->has_offset ? o->offset : window_next[o->window];
    /* an empty decoder's base is in the window too */
    if (offset % CXL_HDM_ALIGN || offset >= w->size ||
        o->size > w->size - offset) {
        error_setg(errp, "cxl-region.%u: 0x%" PRIx64 " bytes at offset 0x%"
                   PRIx64 " do not fit 256 MiB aligned in window %u (0x%"
                   PRIx64 " bytes)", n, o->size, offset, o->window, w->size);
        return false;
    }
    if (offset < window_next[o->window]) {
        error_setg(errp, "cxl-region.%u.offset: overlaps the window's "
                   "previous region (regions go in address order)", n);
        return false;
    }
    window_next[o->window] = offset + o->size;
    pl->base = w->base + offset;

    /* the devices, their paths and their host bridges */
    pl->members = g_new0(CXLFwMember, nt);
    for (unsigned h = 0; h < hb_ways; h++) {
        pl->by_hb[h] = g_ptr_array_new();
    }
    {
        unsigned p = 0;

        for (t = o->targets; t; t = t->next, p++) {
            CXLFwMember *m = &pl->members[p];
            CXLHostBridge *hb = NULL;

            m->pos = p;
            m->ct3 = find_type3(t->value);
            if (!m->ct3) {
                error_setg(errp, "cxl-region.%u.targets.%u: '%s' is not a "
                           "cxl-type3 device", n, p, t->value);
                return false;
            }
            for (unsigned q = 0; q < p; q++) {
                if (pl->members[q].ct3 == m->ct3) {
                    error_setg(errp, "cxl-region.%u.targets.%u: '%s' is "
                               "already target %u", n, p, t->value, q);
                    return false;
                }
            }
            if (pl->kind == CXL_FW_DC && !m->ct3->dc) {
                error_setg(errp, "cxl-region.%u.type: dc needs dynamic "
                           "capacity, and target %u ('%s') has none (see its "
                           "num-dc-regions and volatile-dc-memdev)", n, p,
                           t->value);
                return false;
            }
            if (m->ct3->rch) {
                return plan_rcd(pl, m->ct3, t->value, w, errp);
            }
            if (!find_path(m, &hb)) {
                error_setg(errp, "cxl-region.%u.targets.%u: '%s' is not below "
                           "a CXL host bridge through CXL ports", n, p,
                           t->value);
                return false;
            }
            if (hb != w->targets[p % hb_ways]) {
                error_setg(errp, "cxl-region.%u.targets.%u: '%s' is below "
                           "host bridge '%s', but window %u sends position "
                           "%u to '%s'", n, p, t->value,
                           dev_name(DEVICE(hb)), o->window, p,
                           w->target_ids[p % hb_ways]);
                return false;
            }
            g_ptr_array_add(pl->by_hb[p % hb_ways], m);
        }
        for (unsigned h = 0; h < hb_ways; h++) {
            if (!plan_level(pl, pl->by_hb[h], 0, hb_ways, errp)) {
                return false;
            }
        }
    }
    return true;
}

/* Commit @actions on copies of the decoder sets: does the model agree? */
static bool check_actions(GArray *actions, Error **errp)
{
    g_autoptr(GHashTable) copies = g_hash_table_new_full(NULL, NULL, NULL,
                                                         g_free);

    for (unsigned i = 0; i < actions->len; i++) {
        CXLFwAction *a = &g_array_index(actions, CXLFwAction, i);
        CXLHDMDecoderSet *set;
        const char *why;

        if (a->rcd_range) {
            continue;
        }
        set = g_hash_table_lookup(copies, a->regs);
        if (!set) {
            set = g_memdup2(&a->regs->hdm, sizeof(a->regs->hdm));
            g_hash_table_insert(copies, a->regs, set);
        }
        set->dec[a->idx] = a->dec;
        if (!cxl_hdm_commit(set, a->idx, &why)) {
            error_setg(errp, "cxl-region: %s decoder %u would not commit: %s",
                       a->regs->name, a->idx, why);
            return false;
        }
    }
    return true;
}

static void fw_regions_reset(void *opaque)
{
    CXLMachineState *s = opaque;

    for (unsigned i = 0; i < s->fw_actions->len; i++) {
        CXLFwAction *a = &g_array_index(s->fw_actions, CXLFwAction, i);
        const char *why;

        if (a->rcd_range) {
            cxl_type3_fw_set_range(a->ct3, a->persistent, a->dec.base);
            cxl_type3_fw_enable_mem(a->ct3);
            continue;
        }
        if (a->ct3) {
            cxl_component_fw_enable_hdm(a->regs);
            cxl_type3_fw_enable_mem(a->ct3);
        }
        if (!cxl_component_fw_commit(a->regs, a->idx, &a->dec, &why)) {
            /* checked at machine done: cannot happen */
            error_report("cxl-region: %s decoder %u: %s", a->regs->name,
                         a->idx, why);
        }
    }
}

bool cxl_fw_regions_done(CXLMachineState *s, Error **errp)
{
    g_autoptr(GHashTable) next_dec = g_hash_table_new(NULL, NULL);
    g_autoptr(GHashTable) dpa_end = g_hash_table_new_full(NULL, NULL, NULL,
                                                          g_free);
    g_autoptr(GHashTable) rcd_ranges = g_hash_table_new(NULL, NULL);
    g_autofree uint64_t *window_next = g_new0(uint64_t, s->nr_windows + 1);
    unsigned n = 0;

    if (!s->fw_regions) {
        return true;
    }
    s->fw_actions = g_array_new(false, true, sizeof(CXLFwAction));
    for (CXLCommittedRegionOptionsList *it = s->fw_regions; it;
         it = it->next, n++) {
        CXLFwPlan pl = {
            .s = s, .index = n, .o = it->value, .next_dec = next_dec,
            .dpa_end = dpa_end, .rcd_ranges = rcd_ranges,
            .actions = s->fw_actions,
        };
        bool ok = plan_region(&pl, window_next, errp);

        g_free(pl.members);
        for (unsigned h = 0; h < CXL_INTERLEAVE_MAX_WAYS; h++) {
            if (pl.by_hb[h]) {
                g_ptr_array_free(pl.by_hb[h], true);
            }
        }
        if (!ok) {
            return false;
        }
    }
    if (!check_actions(s->fw_actions, errp)) {
        return false;
    }
    qemu_register_reset(fw_regions_reset, s);
    return true;
}
