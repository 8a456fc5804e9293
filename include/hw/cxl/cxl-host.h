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
#include "hw/cxl/cxl-rcrb.h"
#include "qom/object.h"

#define TYPE_CXL_HOST_BRIDGE "pxb-cxl"
OBJECT_DECLARE_SIMPLE_TYPE(CXLHostBridge, CXL_HOST_BRIDGE)

struct CXLHostBridge {
    PXBPCIEDev parent_obj;

    /* properties */
    bool hdm_for_passthrough;
    uint8_t nr_decoders;        /* hdm-decoders */
    bool rch;                   /* rch: a CXL 1.1 Restricted CXL Host */

    PCIBus *root_bus;           /* our CXL root bus */
    unsigned slot;              /* index of our CHBCR in the host register area */
    CXLComponentRegs regs;      /* CHBCR; of an RCH, its downstream port's */

    /*
     * An RCH (rch=on): its register area (CXL_RCH_SLOTS host register
     * slots) holds the downstream and upstream port RCRBs, the downstream
     * port's component registers (regs: RAS and link, no HDM decoders)
     * and the RCD's (its upstream port's) component registers.
     */
    MemoryRegion rch_mr;
    CXLRCRB rcrb_dp, rcrb_up;
    PCIDevice *rcd;             /* the RCD on our root bus, if any */
    MemoryRegion *rcd_regs;     /* its component registers */
};

/* An RCH takes three 64 KiB slots of the host register area */
#define CXL_RCH_SLOTS           3
#define CXL_RCH_RCRB_DP         0                       /* 4 KiB */
#define CXL_RCH_RCRB_UP         CXL_RCRB_SIZE           /* 4 KiB */
#define CXL_RCH_DP_REGS         CXL_COMPONENT_BLOCK_SIZE        /* 64 KiB */
#define CXL_RCH_RCD_REGS        (2 * CXL_COMPONENT_BLOCK_SIZE)
/* The CHBS of an RCH (CXL 1.1) describes both RCRBs */
#define CXL_RCH_CHBS_LENGTH     (2 * CXL_RCRB_SIZE)

/* Number of HDM decoders of a host bridge that has them. */
#define CXL_HOST_BRIDGE_DECODERS 4

/*
 * Machine done: with exactly one root port (and no hdm_for_passthrough),
 * the host bridge decodes everything to it and has no HDM decoder
 * capability, as the spec allows and Linux expects.
 */
bool cxl_host_bridge_finalize_topology(CXLHostBridge *hb, Error **errp);
/* What the machine maps at the host bridge's slot (CHBCR or RCH area) */
MemoryRegion *cxl_host_bridge_area(CXLHostBridge *hb);
/* The host register slots the host bridge takes */
unsigned cxl_host_bridge_slots(CXLHostBridge *hb);

/*
 * The RCH whose root bus is @bus, or NULL (a bus of a host bridge without
 * rch=on, or any other bus).
 */
CXLHostBridge *cxl_rch_of_bus(PCIBus *bus);
/*
 * @dev (a memory device, in its realize) becomes @hb's RCD, with its
 * component registers @regs (64 KiB) reached through the upstream port
 * RCRB. false with @errp if @hb has one already.
 */
bool cxl_rch_attach_rcd(CXLHostBridge *hb, PCIDevice *dev, MemoryRegion *regs,
                        Error **errp);
void cxl_rch_detach_rcd(CXLHostBridge *hb, PCIDevice *dev);

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
/*
 * Guest physical address of what the CEDT CHBS names (valid after machine
 * done): the CHBCR, or of an RCH its RCRBs.
 */
hwaddr cxl_host_bridge_regs_addr(CXLHostBridge *hb);

#endif /* HW_CXL_HOST_H */
