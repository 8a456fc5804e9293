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
 *  - the Type 3 device's decoders give the DPA, if the device has CXL.mem
 *    enabled.
 * An access that some level does not claim is an unclaimed request: reads
 * return all ones and writes are dropped (and traced). Reads of a
 * poisoned line also return all ones (cxl-type3-poison.c).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "hw/pci/pci_bridge.h"
#include "hw/pci/pcie_port.h"
#include "hw/cxl/cxl-host.h"
#include "hw/cxl/cxl-route.h"
#include "hw/cxl/cxl-switch.h"
#include "trace.h"

/*
 * The PCIe port with port number @port on @bus; with @port < 0, the only
 * port on the bus (NULL if there are several).
 */
static PCIDevice *port_by_number(PCIBus *bus, int port)
{
    PCIDevice *only = NULL;
    unsigned n = 0;

    for (int devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        PCIDevice *d = bus->devices[devfn];

        if (!d || !object_dynamic_cast(OBJECT(d), TYPE_PCIE_PORT)) {
            continue;
        }
        if (port >= 0 && PCIE_PORT(d)->port == port) {
            return d;
        }
        only = d;
        n++;
    }
    return port < 0 && n == 1 ? only : NULL;
}

static PCIDevice *device_below(PCIDevice *port)
{
    PCIBus *sec = pci_bridge_get_sec_bus(PCI_BRIDGE(port));

    return sec->devices[PCI_DEVFN(0, 0)];
}

/*
 * The port a component with decoders @regs forwards @hpa to, on @bus: by
 * its committed decoders' target, or the only port when it has no HDM
 * decoder capability (pass-through).
 */
static PCIDevice *decode_to_port(CXLComponentRegs *regs, PCIBus *bus,
                                 hwaddr hpa)
{
    uint8_t target;

    if (!regs->has_hdm) {
        return port_by_number(bus, -1);
    }
    if (cxl_hdm_decode(&regs->hdm, hpa, &target, NULL) < 0) {
        return NULL;
    }
    return port_by_number(bus, target);
}

/* Switches nest at most this deep (PCIe bus numbers run out long before) */
#define CXL_ROUTE_MAX_DEPTH     32

bool cxl_route(CXLWindow *w, hwaddr hpa, CXLType3Dev **dev, uint64_t *dpa)
{
    /* XOR arithmetic folds the (full) address before the modulo step */
    hwaddr a = w->xor ? cxl_xor_fold(hpa, w->xor_maps, w->nr_xor_maps) : hpa;
    unsigned pos = cxl_interleave_position(a - w->base, w->eiw, w->eig);
    CXLHostBridge *hb = w->targets[pos];
    PCIDevice *port, *below;

    if (!hb) {
        return false;
    }
    /* host bridge -> root port */
    port = decode_to_port(&hb->regs, hb->root_bus, hpa);
    /* root or downstream port -> the device below, through switches */
    for (unsigned depth = 0; port && depth < CXL_ROUTE_MAX_DEPTH; depth++) {
        below = device_below(port);
        if (!below) {
            return false;
        }
        if (object_dynamic_cast(OBJECT(below), TYPE_CXL_TYPE3)) {
            *dev = CXL_TYPE3(below);
            return cxl_type3_mem_enabled(*dev) &&
                   cxl_type3_decode(*dev, hpa, dpa);
        }
        if (!object_dynamic_cast(OBJECT(below), TYPE_CXL_USP)) {
            return false;
        }
        /* upstream port -> one of its downstream ports */
        port = decode_to_port(&CXL_USP(below)->regs,
                              pci_bridge_get_sec_bus(PCI_BRIDGE(below)), hpa);
    }
    return false;
}

/*
 * The host memory @size bytes at @hpa reach, or NULL. Accesses never span
 * two interleave granules unless they are unaligned; those go byte by
 * byte.
 */
static uint8_t *route_ptr(CXLWindow *w, hwaddr hpa, unsigned size,
                          CXLType3Dev **dev, uint64_t *dpa)
{
    if (!cxl_route(w, hpa, dev, dpa)) {
        return NULL;
    }
    return cxl_type3_dpa_ptr(*dev, *dpa, size);
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
    CXLType3Dev *dev;
    uint64_t dpa;
    uint8_t *p;

    if (in_one_granule(hpa, size)) {
        p = route_ptr(w, hpa, size, &dev, &dpa);
        if (p && unlikely(cxl_type3_poisoned(dev, dpa, size))) {
            /* a poisoned line reads all ones (cxl-type3-poison.c) */
            trace_cxl_type3_poison_read(dpa, size);
            *data = MAKE_64BIT_MASK(0, size * 8);
            return MEMTX_OK;
        }
        if (p) {
            *data = ldn_le_p(p, size);
            return MEMTX_OK;
        }
        trace_cxl_window_unclaimed(w->index, hpa, size, false);
        *data = MAKE_64BIT_MASK(0, size * 8);
        return MEMTX_OK;
    }
    *data = 0;
    for (unsigned i = 0; i < size; i++) {
        p = route_ptr(w, hpa + i, 1, &dev, &dpa);
        if (!p) {
            trace_cxl_window_unclaimed(w->index, hpa + i, 1, false);
        } else if (unlikely(cxl_type3_poisoned(dev, dpa, 1))) {
            p = NULL;
        }
        *data |= (uint64_t)(p ? *p : 0xff) << (8 * i);
    }
    return MEMTX_OK;
}

static MemTxResult cxl_window_write(void *opaque, hwaddr addr, uint64_t data,
                                    unsigned size, MemTxAttrs attrs)
{
    CXLWindow *w = opaque;
    hwaddr hpa = w->base + addr;
    CXLType3Dev *dev;
    uint64_t dpa;
    uint8_t *p;

    if (in_one_granule(hpa, size)) {
        p = route_ptr(w, hpa, size, &dev, &dpa);
        if (p) {
            stn_le_p(p, size, data);
            cxl_type3_dpa_written(dev, dpa, size);
        } else {
            trace_cxl_window_unclaimed(w->index, hpa, size, true);
        }
        return MEMTX_OK;
    }
    for (unsigned i = 0; i < size; i++) {
        p = route_ptr(w, hpa + i, 1, &dev, &dpa);
        if (p) {
            *p = data >> (8 * i);
            cxl_type3_dpa_written(dev, dpa, 1);
        } else {
            trace_cxl_window_unclaimed(w->index, hpa + i, 1, true);
        }
    }
    return MEMTX_OK;
}

const MemoryRegionOps cxl_window_ops = {
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
