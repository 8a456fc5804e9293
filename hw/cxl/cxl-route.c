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
 * The route also tells how far its answer holds (CXLExtent): that is
 * what lets the per-access path below cache its last decode, and the fast
 * path (cxl-fast-path.c) map whole pages as RAM. The per-access path
 * serves only what the fast path does not map.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/main-loop.h"
#include "hw/pci/pci_bridge.h"
#include "hw/pci/pcie_port.h"
#include "hw/cxl/cxl-host.h"
#include "hw/cxl/cxl-fast-path.h"
#include "hw/cxl/cxl-route.h"
#include "hw/cxl/cxl-shadow.h"
#include "hw/cxl/cxl-switch.h"
#include "trace.h"

/*
 * The PCIe port with port number @port on @bus; with @port < 0, the only
 * port on the bus (NULL if there are several).
 */
static PCIDevice *port_by_number(PCIBus *bus, int port)
{
    PCIDevice *only = NULL;
    BusChild *kid;
    unsigned n = 0;

    QTAILQ_FOREACH(kid, &BUS(bus)->children, sibling) {
        DeviceState *d = kid->child;

        if (!object_dynamic_cast(OBJECT(d), TYPE_PCIE_PORT)) {
            continue;
        }
        if (port >= 0 && PCIE_PORT(d)->port == port) {
            return PCI_DEVICE(d);
        }
        only = PCI_DEVICE(d);
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
                                 hwaddr hpa, CXLExtent *ext)
{
    uint8_t target;
    int i;

    if (!regs->has_hdm) {
        return port_by_number(bus, -1);
    }
    i = cxl_hdm_decode(&regs->hdm, hpa, &target, NULL);
    if (i < 0) {
        return NULL;
    }
    cxl_extent_clip_decoder(ext, &regs->hdm.dec[i], hpa);
    return port_by_number(bus, target);
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

bool cxl_route(CXLWindow *w, hwaddr hpa, CXLType3Dev **dev, uint64_t *dpa,
               CXLExtent *ext)
{
    CXLExtent local;
    CXLHostBridge *hb;
    PCIDevice *port, *below;

    ext = ext ? ext : &local;
    hb = window_decode(w, hpa, ext);
    if (!hb) {
        return false;
    }
    /* host bridge -> root port */
    port = decode_to_port(&hb->regs, hb->root_bus, hpa, ext);
    /* root or downstream port -> the device below, through switches */
    for (unsigned depth = 0; port && depth < CXL_ROUTE_MAX_DEPTH; depth++) {
        below = device_below(port);
        if (!below) {
            return false;
        }
        if (object_dynamic_cast(OBJECT(below), TYPE_CXL_TYPE3)) {
            *dev = CXL_TYPE3(below);
            return cxl_type3_mem_enabled(*dev) &&
                   cxl_type3_decode(*dev, hpa, dpa, ext);
        }
        if (!object_dynamic_cast(OBJECT(below), TYPE_CXL_USP)) {
            return false;
        }
        /* upstream port -> one of its downstream ports */
        port = decode_to_port(&CXL_USP(below)->regs,
                              pci_bridge_get_sec_bus(PCI_BRIDGE(below)), hpa,
                              ext);
    }
    return false;
}

/*
 * The per-access path runs without the BQL, so that vCPUs reach CXL memory
 * in parallel. Each thread caches its last decode: the extent it holds
 * for, when that is all memory and free of poison. cxl_route_changed()
 * (every change a route depends on) makes all of them stale; misses take
 * the BQL (routes read device state) and route.
 */
static unsigned route_gen = 1;

void cxl_route_changed(void)
{
    qatomic_inc(&route_gen);
}

typedef struct SlowCache {
    CXLWindow *w;
    unsigned gen;
    hwaddr lo, hi;              /* routes linearly to dev's memory... */
    CXLType3Dev *dev;
    uint64_t dpa;               /* ... from here */
    uint8_t *ptr;               /* its host memory */
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
    CXLType3Dev *dev;
    uint64_t dpa, len;
    uint8_t *ptr;
    unsigned gen;

    BQL_LOCK_GUARD();
    c->w = NULL;
    gen = qatomic_read(&route_gen);
    if (!cxl_route(w, hpa, &dev, &dpa, &ext)) {
        return NULL;
    }
    len = ext.hi - ext.lo;
    dpa -= hpa - ext.lo;
    ptr = cxl_type3_dpa_ptr(dev, dpa, len);
    if (!ptr || cxl_type3_poisoned(dev, dpa, len)) {
        /* per access, with the poison and media checks */
        return NULL;
    }
    *c = (SlowCache) {
        .w = w, .gen = gen, .lo = ext.lo, .hi = ext.hi, .dev = dev,
        .dpa = dpa, .ptr = ptr,
    };
    return cache_hit(w, hpa, size);
}

/* One byte that some level claims but the cache could not serve */
static uint8_t *route_byte(CXLWindow *w, hwaddr hpa, CXLType3Dev **dev,
                           uint64_t *dpa, bool *poisoned)
{
    uint8_t *p;

    BQL_LOCK_GUARD();
    if (!cxl_route(w, hpa, dev, dpa, NULL)) {
        return NULL;
    }
    p = cxl_type3_dpa_ptr(*dev, *dpa, 1);
    *poisoned = p && cxl_type3_poisoned(*dev, *dpa, 1);
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
    CXLType3Dev *dev;
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
    if (likely(c) || (!in_shadow && in_one_granule(hpa, size) &&
                      (c = cache_fill(w, hpa, size)))) {
        *data = ldn_le_p(c->ptr + (hpa - c->lo), size);
        return MEMTX_OK;
    }
    /* byte by byte: an unaligned access may span granules */
    for (unsigned i = 0; i < size; i++) {
        if (pending && cxl_shadow_access(w, addr + i, &b, 1, false)) {
            v |= (uint64_t)b << (8 * i);
            continue;
        }
        p = route_byte(w, hpa + i, &dev, &dpa, &poisoned);
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
    CXLType3Dev *dev;
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
    if (likely(c) || (!in_shadow && in_one_granule(hpa, size) &&
                      (c = cache_fill(w, hpa, size)))) {
        cxl_type3_dpa_write(c->dev, c->dpa + (hpa - c->lo), buf, size);
        return MEMTX_OK;
    }
    for (unsigned i = 0; i < size; i++) {
        if (pending && cxl_shadow_access(w, addr + i, &buf[i], 1, true)) {
            continue;
        }
        if (route_byte(w, hpa + i, &dev, &dpa, &poisoned)) {
            cxl_type3_dpa_write(dev, dpa, &buf[i], 1);
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
