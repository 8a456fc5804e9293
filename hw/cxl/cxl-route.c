/*
 * CXL.mem routing of window accesses (see include/hw/cxl/cxl-route.h).
 *
 * Each level decodes the full HPA with its committed decoders, as the
 * hardware does (CXL r3.1 8.2.4.20, 9.13.1):
 *  - the window picks the host bridge from its interleave set;
 *  - a host bridge with HDM decoders picks a root port by its PCIe port
 *    number from the target list; a pass-through host bridge (one root
 *    port, no HDM decoder capability) forwards to its only root port;
 *  - a root port forwards to the device on its secondary bus (device 0,
 *    function 0); a switch upstream port there picks one of its
 *    downstream ports by port number from its decoders' target list, and
 *    so on through any number of switches;
 *  - a memory device's decoders give the DPA, if the device has CXL.mem
 *    enabled.
 * A CXL 1.1 Restricted CXL Host (pxb-cxl,rch=on) has no decoders and no
 * ports: what the window sends it goes to its one device (the RCD), whose
 * DVSEC range registers give the DPA.
 * Below a port, the router knows nothing of device types: what sits there
 * is a decode target (TYPE_CXL_MEM_TARGET, include/hw/cxl/cxl-mem-target.h)
 * that decodes to one of its downstream ports (a switch upstream port) or
 * to its own memory (a memory device).
 * An access that some level does not claim is an unclaimed request: reads
 * return all ones and writes are dropped (and traced). Reads of a
 * poisoned line also return all ones (cxl-type3-poison.c).
 *
 * The route also tells how far its answer holds (CXLExtent): that is
 * what lets the per-access path (cxl-route-cache.c) cache its last
 * decode, and the fast path (cxl-fast-path.c) map whole pages as RAM. The
 * per-access path serves only what the fast path does not map.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "hw/pci/pci_bridge.h"
#include "hw/cxl/cxl-host.h"
#include "hw/cxl/cxl-route.h"

static PCIDevice *device_below(PCIDevice *port)
{
    PCIBus *sec;

    if (!cxl_object_is(OBJECT(port), TYPE_PCI_BRIDGE)) {
        return NULL;
    }
    sec = pci_bridge_get_sec_bus((PCIBridge *)port);
    return sec->devices[PCI_DEVFN(0, 0)];
}

/* Switches nest at most this deep (PCIe bus numbers run out long before) */
#define CXL_ROUTE_MAX_DEPTH     32

/* The window level: which host bridge, and over which block that holds */
static CXLHostBridge *window_decode(CXLWindow *w, hwaddr hpa,
                                   CXLExtent *ext)
{
    /* XOR arithmetic folds the (full) address before the modulo step */
    hwaddr a = w->xor ? cxl_xor_fold(hpa, w->xor_maps, w->nr_xor_maps) : hpa;

    cxl_extent_init(ext, w->base, w->base + w->size);
    if (w->nr_targets > 1) {
        cxl_extent_clip_block(ext, hpa,
                              cxl_interleave_block_bits(w->eig, w->xor_maps,
                                                        w->xor ? w->nr_xor_maps
                                                               : 0));
    }
    return w->targets[cxl_interleave_position(a - w->base, w->eiw, w->eig)];
}

bool cxl_route_pmu(CXLWindow *w, hwaddr hpa, CXLMemTarget **target,
                   uint64_t *dpa, CXLExtent *ext, CXLPMURoute *pmu)
{
    CXLExtent local;
    CXLHostBridge *hb;
    PCIDevice *port, *below;
    /* only while some CPMU counts traffic: a look at each component */
    bool counting = pmu && cxl_pmu_counting();

    if (pmu) {
        pmu->n = 0;
    }
    ext = ext ? ext : &local;
    hb = window_decode(w, hpa, ext);
    if (!hb) {
        return false;
    }
    if (hb->rch) {
        /* a Restricted CXL Host: straight to its RCD, which decodes */
        CXLMemTarget *t = hb->rcd ? cxl_mem_target_of(OBJECT(hb->rcd)) : NULL;

        if (t && cxl_mem_target_decode(t, hpa, ext, &port, dpa) ==
                 CXL_DECODE_DPA) {
            *target = t;
            return true;
        }
        return false;
    }
    /* host bridge -> root port */
    port = cxl_decode_to_port(&hb->regs, hb->root_bus, hpa, ext);
    /* root or downstream port -> the target below, through switches */
    for (unsigned depth = 0; port && depth < CXL_ROUTE_MAX_DEPTH; depth++) {
        CXLMemTarget *t;

        below = device_below(port);
        t = below ? cxl_mem_target_of(OBJECT(below)) : NULL;
        if (!t) {
            return false;
        }
        if (unlikely(counting)) {
            cxl_pmu_route_hop(pmu, port, hpa);
            cxl_pmu_route_hop(pmu, below, hpa);
        }
        switch (cxl_mem_target_decode(t, hpa, ext, &port, dpa)) {
        case CXL_DECODE_PORT:
            continue;
        case CXL_DECODE_DPA:
            *target = t;
            return true;
        default:
            return false;
        }
    }
    return false;
}

bool cxl_route(CXLWindow *w, hwaddr hpa, CXLMemTarget **target,
               uint64_t *dpa, CXLExtent *ext)
{
    return cxl_route_pmu(w, hpa, target, dpa, ext, NULL);
}
