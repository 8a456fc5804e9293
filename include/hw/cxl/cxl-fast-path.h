/*
 * The fast path for CXL memory: committed memory mapped as RAM in the
 * fixed memory windows (see hw/cxl/cxl-fast-path.c).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_FAST_PATH_H
#define HW_CXL_FAST_PATH_H

#include "hw/cxl/cxl-machine.h"
#include "hw/cxl/cxl-route.h"

#define TYPE_CXL_WINDOW_IOMMU   "cxl-window-iommu"

/* Set up @w's memory: the per-access region and the (unmapped) overlays */
void cxl_fast_path_init_window(CXLWindow *w, Object *owner);

/*
 * Something a route depends on changed (a decoder, Mem_Enable, the media
 * state, poison, the topology): unmap every window's overlays and drop
 * the per-access cache. A bottom half maps every region again, after
 * shadows (cxl-shadow.c) have been written back.
 */
void cxl_fast_path_flush(void);

/*
 * Every cxl-type3's DPA space at (slot << CXL_FAST_PATH_SLOT_BITS) of one
 * container, which the overlays of linear runs alias: plain RAM, which
 * accelerators other than TCG (KVM) map into the guest too.
 */
#define CXL_FAST_PATH_SLOT_BITS 46
void cxl_fast_path_add_device(CXLType3Dev *ct3);
void cxl_fast_path_del_device(CXLType3Dev *ct3);

/* The machine option cxl-fast-path (on by default) */
void cxl_fast_path_add_option(CXLMachineState *s);

#endif /* HW_CXL_FAST_PATH_H */
