/*
 * CXL.mem routing: which memory target and DPA a host physical address in
 * a fixed memory window reaches, following the committed HDM decoders at
 * each level (window interleave -> host bridge -> root port -> device;
 * switches insert more levels).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_ROUTE_H
#define HW_CXL_ROUTE_H

#include "hw/cxl/cxl-machine.h"
#include "hw/cxl/cxl-mem-target.h"
#include "hw/cxl/cxl-pmu.h"

/*
 * Route @hpa (an address inside @w), with the BQL. On success sets
 * @target (a memory target) and @dpa, and @ext if not NULL; false if
 * some level has no committed decoder for it (or nothing behind).
 */
bool cxl_route(CXLWindow *w, hwaddr hpa, CXLMemTarget **target,
               uint64_t *dpa, CXLExtent *ext);
/*
 * cxl_route(), and in @pmu the components on the route whose CPMUs count
 * traffic (hw/cxl/cxl-pmu.c): accesses that take a route with any must
 * be counted, so the fast path does not map it.
 */
bool cxl_route_pmu(CXLWindow *w, hwaddr hpa, CXLMemTarget **target,
                   uint64_t *dpa, CXLExtent *ext, CXLPMURoute *pmu);

#endif /* HW_CXL_ROUTE_H */
