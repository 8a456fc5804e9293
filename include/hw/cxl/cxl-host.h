/*
 * CXL host bridge (pxb-cxl): a PCIe expander bridge whose root bus is a CXL
 * bus, with a component register block (CHBCR) described by a CEDT CHBS.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_HOST_H
#define HW_CXL_HOST_H

#include "hw/pci/pci_bridge.h"
#include "hw/cxl/cxl-component.h"
#include "qom/object.h"

#define TYPE_CXL_HOST_BRIDGE "pxb-cxl"
OBJECT_DECLARE_SIMPLE_TYPE(CXLHostBridge, CXL_HOST_BRIDGE)

struct CXLHostBridge {
    PXBPCIEDev parent_obj;

    /* properties */
    bool hdm_for_passthrough;
    uint8_t nr_decoders;        /* hdm-decoders */

    PCIBus *root_bus;           /* our CXL root bus */
    unsigned slot;              /* index of our CHBCR in the host register area */
    CXLComponentRegs regs;      /* CHBCR */
};

/* Number of HDM decoders of a host bridge that has them. */
#define CXL_HOST_BRIDGE_DECODERS 4

/*
 * Machine done: with exactly one root port (and no hdm_for_passthrough),
 * the host bridge decodes everything to it and has no HDM decoder
 * capability, as the spec allows and Linux expects.
 */
void cxl_host_bridge_finalize_topology(CXLHostBridge *hb);

/*
 * The machine's part in a host bridge's realize. The machine
 * (hw/cxl/cxl-machine.c) registers it when it has CXL support; the host
 * bridge calls it and knows nothing else of the machine.
 */
typedef struct CXLHostBridgeMachineOps {
    /* Before anything is realized: false, with @errp, unless cxl=on */
    bool (*check)(Error **errp);
    /* Realized: take @hb (the machine maps its CHBCR at machine done) */
    bool (*add)(CXLHostBridge *hb, Error **errp);
} CXLHostBridgeMachineOps;

void cxl_host_bridge_set_machine_ops(const CXLHostBridgeMachineOps *ops);

/* The ACPI _UID of the host bridge (its root bus number, as for pxb-pcie). */
uint32_t cxl_host_bridge_uid(CXLHostBridge *hb);
/* Guest physical address of the CHBCR (valid after machine done). */
hwaddr cxl_host_bridge_regs_addr(CXLHostBridge *hb);

#endif /* HW_CXL_HOST_H */
