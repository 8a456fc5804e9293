/*
 * cxl-rp: CXL root port (see hw/pci-bridge/cxl-root-port.c).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_ROOT_PORT_H
#define HW_CXL_ROOT_PORT_H

#include "hw/pci/pci_bridge.h"
#include "hw/pci/pcie_doe.h"
#include "hw/pci/pcie_port.h"
#include "hw/cxl/cxl-component.h"
#include "hw/cxl/cxl-pmu.h"

#define TYPE_CXL_ROOT_PORT "cxl-rp"
OBJECT_DECLARE_SIMPLE_TYPE(CXLRootPort, CXL_ROOT_PORT)

struct CXLRootPort {
    PCIESlot parent_obj;
    CXLComponentRegs regs;
    CXLPMUGroup pmus;           /* num-cpmus, ... (hw/cxl/cxl-pmu.c) */
    DOECap doe;                 /* Compliance Mode */
    /* properties (x-speed, x-width are PCIESlot's) */
    bool flit;
    PCIResReserve res_reserve;
};

#endif /* HW_CXL_ROOT_PORT_H */
