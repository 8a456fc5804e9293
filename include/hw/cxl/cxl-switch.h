/*
 * CXL switch ports: cxl-upstream (USP) and cxl-downstream (DSP), see
 * hw/pci-bridge/cxl-switch.c.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_SWITCH_H
#define HW_CXL_SWITCH_H

#include "hw/pci/pcie_port.h"
#include "hw/pci/pcie_doe.h"
#include "hw/cxl/cxl-component.h"

#define TYPE_CXL_USP "cxl-upstream"
OBJECT_DECLARE_SIMPLE_TYPE(CXLUpstreamPort, CXL_USP)

#define TYPE_CXL_DSP "cxl-downstream"
OBJECT_DECLARE_SIMPLE_TYPE(CXLDownstreamPort, CXL_DSP)

/*
 * Downstream ports per switch: with the upstream port, the FM API's one-byte
 * port count must hold them, and one port ID stays free for the upstream
 * port
 */
#define CXL_SWITCH_MAX_DSPS     254

/* HDM decoders of an upstream port (each with an 8-entry target list) */
#define CXL_USP_DECODERS        8

struct CXLUpstreamPort {
    PCIEPort parent_obj;

    /* properties */
    uint64_t sn;
    char *cdat_file;
    uint8_t nr_decoders;        /* hdm-decoders */
    PCIExpLinkSpeed speed;      /* x-speed */
    PCIExpLinkWidth width;      /* x-width */
    bool flit;                  /* x-256b-flit */

    CXLComponentRegs regs;
    DOECap doe;
    GByteArray *cdat;
};

struct CXLDownstreamPort {
    PCIESlot parent_obj;
    /* properties (x-speed, x-width are PCIESlot's) */
    bool flit;                  /* x-256b-flit */
    CXLComponentRegs regs;
};

#endif /* HW_CXL_SWITCH_H */
