/*
 * Firmware-committed CXL regions: regions whose HDM decoders are
 * committed at reset, as platform firmware leaves them (-machine
 * cxl-region.N.*, see hw/cxl/cxl-fw-region.c).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_FW_REGION_H
#define HW_CXL_FW_REGION_H

#include "hw/cxl/cxl-machine.h"

/* Add the machine property cxl-region (from cxl_machine_create()). */
void cxl_fw_regions_init(CXLMachineState *s);

/*
 * Machine done, after the windows are resolved: plan the regions, check
 * the plan against the decoder model and commit it at every reset.
 */
bool cxl_fw_regions_done(CXLMachineState *s, Error **errp);

#endif /* HW_CXL_FW_REGION_H */
