/*
 * CXL machine support: the "cxl" and "cxl-fmw" machine options, placement
 * of the CXL area (host bridge registers, then the fixed memory windows) in
 * the physical address space, and window -> host bridge linking.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/cutils.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "qapi/qapi-visit-cxl.h"
#include "qapi/util.h"
#include "qom/object.h"
#include "hw/qdev-core.h"
#include "hw/pci/pci.h"
#include "system/address-spaces.h"
#include "hw/cxl/cxl-machine.h"
#include "hw/cxl/cxl-fw-region.h"
#include "hw/cxl/cxl-fast-path.h"
#include "hw/cxl/cxl-host.h"
#include "hw/cxl/cxl-acpi.h"
#include "trace.h"

/* Machine object -> its CXL state (QOM may instantiate temporary machines). */
static GHashTable *cxl_states;

CXLMachineState *cxl_machine_get(void)
{
    Object *machine = qdev_get_machine();

    return cxl_states && machine ? g_hash_table_lookup(cxl_states, machine)
                                 : NULL;
}

bool cxl_machine_enabled(CXLMachineState *s)
{
    return s && s->enabled;
}

static void cxl_machine_get_enabled(Object *obj, Visitor *v, const char *name,
                                    void *opaque, Error **errp)
{
    CXLMachineState *s = opaque;

    visit_type_bool(v, name, &s->enabled, errp);
}

static void cxl_machine_set_enabled(Object *obj, Visitor *v, const char *name,
                                    void *opaque, Error **errp)
{
    CXLMachineState *s = opaque;

    if (!visit_type_bool(v, name, &s->enabled, errp) || !s->enabled) {
        return;
    }
    /*
     * DMA to CXL memory the fast path does not map (an interleave finer
     * than a page, or cxl-fast-path=off) is served per access, which for
     * a device means bounce buffers: allow requests of a few MiB in
     * flight instead of 4 KiB (a device's own setting still wins).
     */
    object_register_sugar_prop(TYPE_PCI_DEVICE, "x-max-bounce-buffer-size",
                               stringify(CXL_DMA_BOUNCE_BYTES), true);
}

/* Free an array of @n windows (their target ids, then the array). */
static void cxl_windows_free(CXLWindow *windows, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        for (unsigned t = 0; t < windows[i].nr_targets; t++) {
            g_free(windows[i].target_ids[t]);
        }
    }
    g_free(windows);
}

/* Check one window's options and fill @w from them. */
static bool cxl_window_parse(CXLWindow *w, unsigned index,
                             CXLFixedMemoryWindowOptions *o, Error **errp)
{
    strList *t;
    unsigned n = 0;

    w->index = index;
    if (o->size == 0 || o->size % CXL_WINDOW_ALIGN) {
        error_setg(errp, "cxl-fmw.%u.size: must be a non-zero multiple of "
                   "256 MiB (got %" PRIu64 " bytes)", index, o->size);
        return false;
    }
    w->size = o->size;

    w->granularity = o->has_interleave_granularity ? o->interleave_granularity
                                                   : CXL_IG_MIN_BYTES;
    if (!cxl_bytes_to_ig(w->granularity, &w->eig)) {
        error_setg(errp, "cxl-fmw.%u.interleave-granularity: %" PRIu64
                   " is not allowed; use 256, 512, 1k, 2k, 4k, 8k or 16k",
                   index, w->granularity);
        return false;
    }

    w->restrictions = 0;
    if (o->restrictions) {
        for (strList *r = o->restrictions; r; r = r->next) {
            int v = qapi_enum_parse(&CXLFixedMemoryWindowRestriction_lookup,
                                    r->value, -1, NULL);

            if (v < 0) {
                error_setg(errp, "cxl-fmw.%u.restrictions: '%s' is not a "
                           "restriction; use device-coherent, "
                           "host-only-coherent, volatile, persistent, "
                           "fixed-config or back-invalidate", index,
                           r->value);
                return false;
            }
            w->restrictions |= BIT(v);
        }
    } else {
        w->restrictions = CXL_WINDOW_DEFAULT_RESTRICTIONS;
    }
    if (!(w->restrictions & (BIT(CXL_FIXED_MEMORY_WINDOW_RESTRICTION_VOLATILE) |
                             BIT(CXL_FIXED_MEMORY_WINDOW_RESTRICTION_PERSISTENT)))) {
        error_setg(errp, "cxl-fmw.%u.restrictions: a window must allow "
                   "volatile or persistent memory (or both)", index);
        return false;
    }

    for (t = o->targets; t; t = t->next) {
        if (n == CXL_INTERLEAVE_MAX_WAYS) {
            error_setg(errp, "cxl-fmw.%u.targets: more than %d host bridges",
                       index, CXL_INTERLEAVE_MAX_WAYS);
            return false;
        }
        w->target_ids[n++] = g_strdup(t->value);
    }
    w->nr_targets = n;
    if (!cxl_ways_to_iw(n, &w->eiw)) {
        error_setg(errp, "cxl-fmw.%u.targets: %u host bridges given; a window "
                   "interleaves across 1, 2, 3, 4, 6, 8, 12 or 16", index, n);
        return false;
    }

    w->qtg_id = o->has_qtg_id ? o->qtg_id : 0;
    w->xor = false;
    if (o->interleave_arithmetic) {
        int v = qapi_enum_parse(&CXLInterleaveArithmetic_lookup,
                                o->interleave_arithmetic, -1, NULL);

        if (v < 0) {
            error_setg(errp, "cxl-fmw.%u.interleave-arithmetic: '%s' is not "
                       "allowed; use modulo or xor", index,
                       o->interleave_arithmetic);
            return false;
        }
        w->xor = v == CXL_INTERLEAVE_ARITHMETIC_XOR;
    }
    if (w->xor && !is_power_of_2(n)) {
        error_setg(errp, "cxl-fmw.%u.interleave-arithmetic: xor needs 1, 2, "
                   "4, 8 or 16 host bridges (%u given)", index, n);
        return false;
    }
    if (w->xor) {
        cxl_xor_platform_maps(w->eig, w->xor_maps);
        w->nr_xor_maps = cxl_xor_maps_for_ways(n);
    }
    return true;
}

static void cxl_machine_set_fmw(Object *obj, Visitor *v, const char *name,
                                void *opaque, Error **errp)
{
    CXLMachineState *s = opaque;
    CXLFixedMemoryWindowOptionsList *list = NULL, *it;
    CXLWindow *windows;
    unsigned n = 0;

    if (!visit_type_CXLFixedMemoryWindowOptionsList(v, name, &list, errp)) {
        return;
    }
    for (it = list; it; it = it->next) {
        n++;
    }
    windows = g_new0(CXLWindow, n);
    n = 0;
    for (it = list; it; it = it->next, n++) {
        if (!cxl_window_parse(&windows[n], n, it->value, errp)) {
            cxl_windows_free(windows, n + 1);
            qapi_free_CXLFixedMemoryWindowOptionsList(list);
            return;
        }
        windows[n].machine = s;
    }
    qapi_free_CXLFixedMemoryWindowOptionsList(list);

    cxl_windows_free(s->windows, s->nr_windows);
    s->windows = windows;
    s->nr_windows = n;
}

static void cxl_machine_get_fmw(Object *obj, Visitor *v, const char *name,
                                void *opaque, Error **errp)
{
    CXLMachineState *s = opaque;
    CXLFixedMemoryWindowOptionsList *list = NULL, **tail = &list;

    for (unsigned i = 0; i < s->nr_windows; i++) {
        CXLWindow *w = &s->windows[i];
        CXLFixedMemoryWindowOptions *o = g_new0(CXLFixedMemoryWindowOptions, 1);
        strList **ttail = &o->targets;

        o->size = w->size;
        o->has_interleave_granularity = true;
        o->interleave_granularity = w->granularity;
        o->has_restrictions = true;
        for (int r = CXL_FIXED_MEMORY_WINDOW_RESTRICTION__MAX - 1; r >= 0; r--) {
            if (w->restrictions & BIT(r)) {
                QAPI_LIST_PREPEND(o->restrictions,
                    g_strdup(CXLFixedMemoryWindowRestriction_str(r)));
            }
        }
        for (unsigned t = 0; t < w->nr_targets; t++) {
            QAPI_LIST_APPEND(ttail, g_strdup(w->target_ids[t]));
        }
        o->interleave_arithmetic = g_strdup(CXLInterleaveArithmetic_str(
            w->xor ? CXL_INTERLEAVE_ARITHMETIC_XOR
                   : CXL_INTERLEAVE_ARITHMETIC_MODULO));
        o->has_qtg_id = true;
        o->qtg_id = w->qtg_id;
        QAPI_LIST_APPEND(tail, o);
    }
    visit_type_CXLFixedMemoryWindowOptionsList(v, name, &list, errp);
    qapi_free_CXLFixedMemoryWindowOptionsList(list);
}

static void cxl_machine_release(Object *obj, const char *name, void *opaque)
{
    CXLMachineState *s = opaque;

    g_hash_table_remove(cxl_states, obj);
    cxl_windows_free(s->windows, s->nr_windows);
    g_ptr_array_free(s->host_bridges, true);
    qapi_free_CXLCommittedRegionOptionsList(s->fw_regions);
    if (s->fw_actions) {
        g_array_free(s->fw_actions, true);
    }
    g_free(s);
}

/* The host bridge model's calls (cxl_host_bridge_set_machine_ops()) */
static bool cxl_machine_check_host_bridge(Error **errp)
{
    CXLMachineState *m = cxl_machine_get();

    if (!cxl_machine_enabled(m)) {
        error_setg(errp, "%s: CXL host bridges need the machine option "
                   "cxl=on%s", TYPE_CXL_HOST_BRIDGE,
                   m ? "" : " (this machine has no CXL support)");
        return false;
    }
    return true;
}

static bool cxl_machine_add_host_bridge(CXLHostBridge *hb, Error **errp)
{
    CXLMachineState *s = cxl_machine_get();

    if (!cxl_machine_enabled(s)) {
        error_setg(errp, "%s: CXL host bridges need the machine option cxl=on",
                   TYPE_CXL_HOST_BRIDGE);
        return false;
    }
    if (s->next_slot + cxl_host_bridge_slots(hb) > s->max_host_bridges) {
        error_setg(errp, "%s: at most %u CXL host bridges are supported on "
                   "this machine (a Restricted CXL Host, rch=on, counts %u)",
                   TYPE_CXL_HOST_BRIDGE, s->max_host_bridges, CXL_RCH_SLOTS);
        return false;
    }
    hb->slot = s->next_slot;
    s->next_slot += cxl_host_bridge_slots(hb);
    g_ptr_array_add(s->host_bridges, hb);
    return true;
}

static const CXLHostBridgeMachineOps cxl_machine_host_bridge_ops = {
    .check = cxl_machine_check_host_bridge,
    .add = cxl_machine_add_host_bridge,
};

CXLMachineState *cxl_machine_create(Object *machine)
{
    CXLMachineState *s = g_new0(CXLMachineState, 1);

    s->machine = machine;
    s->host_bridges = g_ptr_array_new();
    s->max_host_bridges = CXL_MAX_HOST_BRIDGES;
    if (!cxl_states) {
        cxl_states = g_hash_table_new(NULL, NULL);
    }
    g_hash_table_insert(cxl_states, machine, s);

    object_property_add(machine, "cxl", "bool", cxl_machine_get_enabled,
                        cxl_machine_set_enabled, NULL, s);
    object_property_set_description(machine, "cxl",
        "Enable CXL: CXL host bridges (pxb-cxl) and fixed memory windows");
    /* its release frees the state when the machine object goes */
    object_property_add(machine, "cxl-fmw", "CXLFixedMemoryWindow",
                        cxl_machine_get_fmw, cxl_machine_set_fmw,
                        cxl_machine_release, s);
    object_property_set_description(machine, "cxl-fmw",
        "CXL Fixed Memory Windows: cxl-fmw.N.size=SIZE,"
        "cxl-fmw.N.targets.M=HOSTBRIDGE[,cxl-fmw.N.interleave-granularity=G]"
        "[,cxl-fmw.N.interleave-arithmetic=modulo|xor]");
    cxl_fast_path_add_option(s);
    cxl_fw_regions_init(s);
    cxl_host_bridge_set_machine_ops(&cxl_machine_host_bridge_ops);
    return s;
}

/* Layout of the windows from @addr, each 256 MiB aligned; returns the end. */
static hwaddr cxl_machine_layout_windows(CXLMachineState *s, hwaddr addr,
                                         bool assign)
{
    for (unsigned i = 0; i < s->nr_windows; i++) {
        addr = ROUND_UP(addr, CXL_WINDOW_ALIGN);
        if (assign) {
            s->windows[i].base = addr;
        }
        addr += s->windows[i].size;
    }
    return addr;
}

hwaddr cxl_machine_area_end(CXLMachineState *s, hwaddr start)
{
    if (!cxl_machine_enabled(s)) {
        return start;
    }
    return cxl_machine_layout_windows(s, ROUND_UP(start, CXL_WINDOW_ALIGN) +
                                      CXL_HOST_REGS_SIZE, false);
}

hwaddr cxl_machine_windows_end(CXLMachineState *s, hwaddr start)
{
    if (!cxl_machine_enabled(s)) {
        return start;
    }
    return cxl_machine_layout_windows(s, start, false);
}

void cxl_machine_map_registers(CXLMachineState *s, MemoryRegion *sysmem,
                               hwaddr base, uint64_t size)
{
    if (!cxl_machine_enabled(s)) {
        return;
    }
    assert(size >= CXL_CHBCR_SIZE && size <= CXL_HOST_REGS_SIZE);
    s->max_host_bridges = size / CXL_CHBCR_SIZE;
    memory_region_init(&s->host_regs, s->machine, "cxl-host-registers", size);
    memory_region_add_subregion(sysmem, base, &s->host_regs);
}

hwaddr cxl_machine_map_windows(CXLMachineState *s, MemoryRegion *sysmem,
                               hwaddr start)
{
    hwaddr end;

    if (!cxl_machine_enabled(s)) {
        return start;
    }
    end = cxl_machine_layout_windows(s, start, true);
    /*
     * Devices that DMA in the system address space directly (virtio
     * without iommu_platform) bounce through address_space_memory's own
     * buffers for memory served per access: the same allowance as for
     * PCI bus masters (cxl_machine_set_enabled()).
     */
    address_space_memory.max_bounce_buffer_size =
        MAX(address_space_memory.max_bounce_buffer_size, CXL_DMA_BOUNCE_BYTES);
    for (unsigned i = 0; i < s->nr_windows; i++) {
        CXLWindow *w = &s->windows[i];

        cxl_fast_path_init_window(w, s->machine);
        memory_region_add_subregion(sysmem, w->base, &w->container);
        trace_cxl_window_map(i, w->base, w->size, w->nr_targets, w->granularity);
    }
    return end;
}

hwaddr cxl_machine_map(CXLMachineState *s, MemoryRegion *sysmem, hwaddr start)
{
    hwaddr base = ROUND_UP(start, CXL_WINDOW_ALIGN);

    if (!cxl_machine_enabled(s)) {
        return start;
    }
    cxl_machine_map_registers(s, sysmem, base, CXL_HOST_REGS_SIZE);
    return cxl_machine_map_windows(s, sysmem, base + CXL_HOST_REGS_SIZE);
}

CXLHostBridge *cxl_find_host_bridge(const char *id)
{
    Object *obj = cxl_peripheral(id);

    return obj ? (CXLHostBridge *)object_dynamic_cast(obj, TYPE_CXL_HOST_BRIDGE)
               : NULL;
}

void cxl_machine_done(CXLMachineState *s, Error **errp)
{
    if (!cxl_acpi_check_generic_ports(errp)) {
        return;
    }
    if (!cxl_machine_enabled(s)) {
        if (s && s->nr_windows) {
            error_setg(errp, "cxl-fmw: CXL fixed memory windows need the "
                       "machine option cxl=on");
        } else if (s && s->fw_regions) {
            error_setg(errp, "cxl-region: CXL regions need the machine "
                       "option cxl=on");
        }
        return;
    }

    for (unsigned i = 0; i < s->host_bridges->len; i++) {
        CXLHostBridge *hb = g_ptr_array_index(s->host_bridges, i);

        if (!cxl_host_bridge_finalize_topology(hb, errp)) {
            return;
        }
        memory_region_add_subregion(&s->host_regs, hb->slot * CXL_CHBCR_SIZE,
                                    cxl_host_bridge_area(hb));
    }

    for (unsigned i = 0; i < s->nr_windows; i++) {
        CXLWindow *w = &s->windows[i];

        for (unsigned t = 0; t < w->nr_targets; t++) {
            CXLHostBridge *hb = cxl_find_host_bridge(w->target_ids[t]);

            if (!hb) {
                error_setg(errp, "cxl-fmw.%u.targets.%u: '%s' is not a CXL "
                           "host bridge (a pxb-cxl device with that id)",
                           i, t, w->target_ids[t]);
                return;
            }
            for (unsigned u = 0; u < t; u++) {
                if (w->targets[u] == hb) {
                    error_setg(errp, "cxl-fmw.%u.targets.%u: host bridge '%s' "
                               "is already target %u of this window",
                               i, t, w->target_ids[t], u);
                    return;
                }
            }
            w->targets[t] = hb;
        }
    }
    cxl_fw_regions_done(s, errp);
}
