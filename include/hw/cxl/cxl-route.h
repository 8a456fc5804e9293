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
 * Route @hpa (an address inside @w). On success sets @dev and @dpa, and
 * @ext if not NULL; false if some level has no committed decoder for it
 * (or no device behind).
 */
bool cxl_route(CXLWindow *w, hwaddr hpa, CXLType3Dev **dev, uint64_t *dpa,
               CXLExtent *ext);

/*
 * Something a route depends on changed: the per-access path's cached
 * decodes are stale (cxl_fast_path_flush() calls it).
 */
void cxl_route_changed(void);

/* The MMIO operations of a window: routed accesses, all-ones otherwise. */
extern const MemoryRegionOps cxl_window_ops;

#endif /* HW_CXL_ROUTE_H */
