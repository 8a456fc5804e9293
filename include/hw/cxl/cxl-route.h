/*
 * CXL.mem routing: which device and DPA a host physical address in a fixed
 * memory window reaches, following the committed HDM decoders at each
 * level (window interleave -> host bridge -> root port -> device; switches
 * insert more levels).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_ROUTE_H
#define HW_CXL_ROUTE_H

#include "hw/cxl/cxl-machine.h"
#include "hw/cxl/cxl-type3.h"

/*
 * What a routed address tells about its neighbours. Every address in
 * [lo, hi) routes to the same device, at DPAs linear in the address
 * (dpa + (a - hpa)): no level's interleave changes target inside it.
 * [claim_lo, claim_hi) is the intersection of the committed decoder
 * ranges (and window) the route went through: the region the address
 * belongs to, whose other addresses may go to other devices.
 */
typedef struct CXLRouteExtent {
    hwaddr lo, hi;
    hwaddr claim_lo, claim_hi;
} CXLRouteExtent;

/*
 * Route @hpa (an address inside @w). On success sets @dev and @dpa, and
 * @ext if not NULL; false if some level has no committed decoder for it
 * (or no device behind).
 */
bool cxl_route(CXLWindow *w, hwaddr hpa, CXLType3Dev **dev, uint64_t *dpa,
               CXLRouteExtent *ext);

/*
 * Narrow @ext by decoder @d, which decoded @hpa: to its range, and to
 * @hpa's interleave granule if it interleaves.
 */
void cxl_route_clip_decoder(CXLRouteExtent *ext, const CXLHDMDecoder *d,
                            hwaddr hpa);
/* Narrow @ext to [lo, hi) (both the extent and the claim). */
void cxl_route_clip(CXLRouteExtent *ext, hwaddr lo, hwaddr hi);

/* The MMIO operations of a window: routed accesses, all-ones otherwise. */
extern const MemoryRegionOps cxl_window_ops;

#endif /* HW_CXL_ROUTE_H */
