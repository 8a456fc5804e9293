/*
 * The per-access path of the fixed memory windows, with its per-thread
 * decode cache (see hw/cxl/cxl-route-cache.c).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_ROUTE_CACHE_H
#define HW_CXL_ROUTE_CACHE_H

#include "hw/cxl/cxl-machine.h"

/*
 * Make @w->mr (@name, as big as the window) the window's per-access
 * path: routed accesses, all ones where nothing claims the address. Its
 * decode cache follows the state-change notifications from then on.
 */
void cxl_route_cache_init_window(CXLWindow *w, Object *owner,
                                 const char *name);

#endif /* HW_CXL_ROUTE_CACHE_H */
