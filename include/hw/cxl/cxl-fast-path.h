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

#define TYPE_CXL_WINDOW_IOMMU   "cxl-window-iommu"

/* Set up @w's memory: the per-access region and the (unmapped) overlays */
void cxl_fast_path_init_window(CXLWindow *w, Object *owner);

/*
 * The fast path follows the state-change notifications (cxl-notify.h):
 * a change a route depends on (a decoder, Mem_Enable, the media state,
 * poison, the topology) unmaps every window's overlays, and a bottom half
 * maps every region again; memory targets added and removed join and
 * leave cxl-dpa-all below.
 *
 * Every memory target's DPA space at (slot << CXL_FAST_PATH_SLOT_BITS) of
 * one container, which the overlays of linear runs alias: plain RAM,
 * which accelerators other than TCG (KVM) map into the guest too.
 */
#define CXL_FAST_PATH_SLOT_BITS 46

/*
 * The machine options cxl-fast-path and cxl-fast-path-shadow (on by
 * default); subscribes the fast path to the notifications.
 */
void cxl_fast_path_add_option(CXLMachineState *s);

#endif /* HW_CXL_FAST_PATH_H */
