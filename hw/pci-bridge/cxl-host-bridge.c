/*
 * pxb-cxl: CXL host bridge.
 *
 * A pxb-pcie expander bridge whose root bus is flagged as a CXL bus (so CXL
 * root ports create CXL secondary buses and the ACPI code describes it as an
 * ACPI0016 device), plus the host bridge's component register block (CHBCR),
 * which the machine maps in its CXL area and the CEDT CHBS describes.
 *
 * The CHBCR holds RAS, link and, unless the bridge decodes pass-through to
 * a single root port, HDM decoder capabilities (hw/cxl/cxl-component.c).
 *
 * With rch=on the host bridge is a CXL 1.1 Restricted CXL Host (RCH): no
 * root ports, one CXL memory device on its root bus as a Root Complex
 * Integrated Endpoint (the RCD, hw/mem/cxl-type3.c), and instead of a
 * CHBCR two RCRBs (hw/cxl/cxl-rcrb.c) that the CEDT CHBS (CXL 1.1) names:
 * the downstream port's, whose MEMBAR0 gives the downstream port's
 * component registers (RAS and link, no HDM decoders: the RCH decodes
 * whatever its windows send it to the RCD), and the RCD upstream port's,
 * whose MEMBAR0 gives the RCD's component registers. Its area of the host
 * register space (CXL_RCH_SLOTS slots of 64 KiB):
 *     +0        downstream port RCRB (4 KiB; with its AER capability)
 *     +4 KiB    upstream port RCRB (4 KiB; all ones without an RCD)
 *     +64 KiB   downstream port component registers
 *     +128 KiB  the RCD's component registers
 * What the window sends to an RCH goes to its RCD (hw/cxl/cxl-route.c),
 * which decodes it with its DVSEC range registers. Besides the RCD, the
 * bus takes Root Complex Event Collectors (pcie-rcec), part of the root
 * complex: the one associated with the RCD reports the errors of the
 * downstream port (hw/cxl/cxl-ras.c).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/qdev-properties.h"
#include "hw/pci/pci_bus.h"
#include "hw/pci/pci_bridge.h"
#include "hw/pci/pcie_port.h"
#include "hw/pci/pcie_rcec.h"
#include "migration/vmstate.h"
#include "hw/cxl/cxl-host.h"
#include "trace.h"

#define PXB_PCIE_TYPE "pxb-pcie"

typedef struct CXLHostBridgeClass {
    PCIDeviceClass parent_class;
    PCIUnregisterFunc *parent_exit;
    void (*parent_realize)(PCIDevice *dev, Error **errp);
} CXLHostBridgeClass;

DECLARE_CLASS_CHECKERS(CXLHostBridgeClass, CXL_HOST_BRIDGE, TYPE_CXL_HOST_BRIDGE)

/* NULL: this machine has no CXL support */
static const CXLHostBridgeMachineOps *machine_ops;

void cxl_host_bridge_set_machine_ops(const CXLHostBridgeMachineOps *ops)
{
    machine_ops = ops;
}

uint32_t cxl_host_bridge_uid(CXLHostBridge *hb)
{
    return pci_bus_num(hb->root_bus);
}

MemoryRegion *cxl_host_bridge_area(CXLHostBridge *hb)
{
    return hb->rch ? &hb->rch_mr : &hb->regs.mr;
}

unsigned cxl_host_bridge_slots(CXLHostBridge *hb)
{
    return hb->rch ? CXL_RCH_SLOTS : 1;
}

hwaddr cxl_host_bridge_regs_addr(CXLHostBridge *hb)
{
    MemoryRegion *mr = cxl_host_bridge_area(hb);

    return mr->addr + (mr->container ? mr->container->addr : 0);
}

static unsigned cxl_host_bridge_root_ports(CXLHostBridge *hb)
{
    unsigned n = 0;

    for (int devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        PCIDevice *d = hb->root_bus->devices[devfn];

        if (d && object_dynamic_cast(OBJECT(d), TYPE_PCIE_ROOT_PORT)) {
            n++;
        }
    }
    return n;
}

static const char *hb_name(CXLHostBridge *hb)
{
    return DEVICE(hb)->id ?: TYPE_CXL_HOST_BRIDGE;
}

/* ---- Restricted CXL Host ---- */

CXLHostBridge *cxl_rch_of_bus(PCIBus *bus)
{
    CXLHostBridge *hb;

    if (!bus || !pci_bus_is_root(bus) || !bus->parent_dev) {
        return NULL;
    }
    hb = (CXLHostBridge *)object_dynamic_cast(OBJECT(bus->parent_dev),
                                              TYPE_CXL_HOST_BRIDGE);
    return hb && hb->rch && hb->root_bus == bus ? hb : NULL;
}

bool cxl_rch_attach_rcd(CXLHostBridge *hb, PCIDevice *dev, MemoryRegion *regs,
                        Error **errp)
{
    if (hb->rcd) {
        error_setg(errp, "%s '%s': a Restricted CXL Host (pxb-cxl '%s', "
                   "rch=on) links to one RCD, and '%s' is that already",
                   object_get_typename(OBJECT(dev)),
                   DEVICE(dev)->id ?: "", hb_name(hb),
                   DEVICE(hb->rcd)->id ?: object_get_typename(OBJECT(hb->rcd)));
        return false;
    }
    hb->rcd = dev;
    hb->rcd_regs = regs;
    return true;
}

void cxl_rch_detach_rcd(CXLHostBridge *hb, PCIDevice *dev)
{
    if (hb->rcd != dev) {
        return;
    }
    if (hb->rcd_regs->container == &hb->rch_mr) {
        memory_region_del_subregion(&hb->rch_mr, hb->rcd_regs);
    }
    hb->rcd = NULL;
    hb->rcd_regs = NULL;
    cxl_rcrb_clear(&hb->rcrb_up);
}

/* The RCRBs from what is mapped where (machine done, and reset) */
static void rch_build_rcrbs(CXLHostBridge *hb)
{
    hwaddr base = cxl_host_bridge_regs_addr(hb);
    PCIDevice *hd = PCI_DEVICE(hb);
    CXLRCRBInfo dp = {
        .vendor_id = pci_get_word(hd->config + PCI_VENDOR_ID),
        .device_id = pci_get_word(hd->config + PCI_DEVICE_ID),
        .class_rev = PCI_CLASS_BRIDGE_PCI << 16,
        .membar0 = base + CXL_RCH_DP_REGS,
        .downstream = true,
    };
    PCIDevice *rcd = hb->rcd;

    if (rcd && rcd->exp.exp_cap) {
        /* the link is the RCD's: what it reports, the port reports */
        dp.lnkcap = pci_get_long(rcd->config + rcd->exp.exp_cap +
                                 PCI_EXP_LNKCAP) & ~PCI_EXP_LNKCAP_PN;
        dp.lnksta = pci_get_word(rcd->config + rcd->exp.exp_cap +
                                 PCI_EXP_LNKSTA);
    }
    cxl_rcrb_build(&hb->rcrb_dp, &dp);
    if (rcd) {
        CXLRCRBInfo up = {
            .vendor_id = pci_get_word(rcd->config + PCI_VENDOR_ID),
            .device_id = pci_get_word(rcd->config + PCI_DEVICE_ID),
            .class_rev = pci_get_long(rcd->config + PCI_CLASS_REVISION),
            .membar0 = base + CXL_RCH_RCD_REGS,
        };

        cxl_rcrb_build(&hb->rcrb_up, &up);
    } else {
        cxl_rcrb_clear(&hb->rcrb_up);
    }
}

static bool rch_finalize(CXLHostBridge *hb, Error **errp)
{
    BusChild *kid;

    /* CXL 1.1: the RCH's one link goes to an RCD, no ports in between */
    QTAILQ_FOREACH(kid, &BUS(hb->root_bus)->children, sibling) {
        DeviceState *d = kid->child;

        /* an RCEC is part of the root complex, not on the link */
        if (PCI_DEVICE(d) != hb->rcd &&
            !object_dynamic_cast(OBJECT(d), TYPE_PCIE_RCEC)) {
            error_setg(errp, "%s '%s': a Restricted CXL Host (pxb-cxl '%s', "
                       "rch=on) has no root ports or other devices on its "
                       "bus, only its RCD (one cxl-type3) and Root Complex "
                       "Event Collectors (pcie-rcec): CXL 1.1 links the "
                       "host straight to one device",
                       object_get_typename(OBJECT(d)), d->id ?: "",
                       hb_name(hb));
            return false;
        }
    }
    if (hb->rcd && !hb->rcd_regs->container) {
        memory_region_add_subregion(&hb->rch_mr, CXL_RCH_RCD_REGS,
                                    hb->rcd_regs);
    }
    return true;
}

bool cxl_host_bridge_finalize_topology(CXLHostBridge *hb, Error **errp)
{
    if (hb->rch) {
        return rch_finalize(hb, errp);
    }
    hb->regs.has_hdm = hb->hdm_for_passthrough ||
                       cxl_host_bridge_root_ports(hb) != 1;
    return true;
}

static void cxl_host_bridge_reset(DeviceState *dev)
{
    CXLHostBridge *hb = CXL_HOST_BRIDGE(dev);

    trace_cxl_host_bridge_reset(cxl_host_bridge_uid(hb));
    cxl_component_reset(&hb->regs);
    if (hb->rch) {
        /* firmware's MEMBAR0s: where the machine mapped us */
        rch_build_rcrbs(hb);
    }
}

/* The root bus pxb-pcie created for us. */
static PCIBus *cxl_host_bridge_find_root_bus(PCIDevice *dev)
{
    PCIBus *bus;

    QLIST_FOREACH(bus, &pci_get_bus(dev)->child, sibling) {
        if (pci_bus_is_root(bus) && bus->parent_dev == dev) {
            return bus;
        }
    }
    return NULL;
}

static void cxl_host_bridge_realize(PCIDevice *dev, Error **errp)
{
    ERRP_GUARD();
    CXLHostBridge *hb = CXL_HOST_BRIDGE(dev);
    CXLHostBridgeClass *hbc = CXL_HOST_BRIDGE_GET_CLASS(dev);

    if (!cxl_hdm_check_count(TYPE_CXL_HOST_BRIDGE, hb->nr_decoders, errp)) {
        return;
    }
    if (hb->rch && hb->hdm_for_passthrough) {
        error_setg(errp, "%s '%s': rch=on and hdm_for_passthrough=on exclude "
                   "each other: a Restricted CXL Host has no HDM decoders",
                   TYPE_CXL_HOST_BRIDGE, hb_name(hb));
        return;
    }
    if (!machine_ops) {
        error_setg(errp, "%s: CXL host bridges need the machine option "
                   "cxl=on (this machine has no CXL support)",
                   TYPE_CXL_HOST_BRIDGE);
        return;
    }
    if (!machine_ops->check(errp)) {
        return;
    }
    if (!pci_bus_is_express(pci_get_bus(dev))) {
        error_setg(errp, "%s: CXL host bridges must be on a PCI Express bus "
                   "(such as pcie.0 of a q35 machine)", TYPE_CXL_HOST_BRIDGE);
        return;
    }
    hbc->parent_realize(dev, errp);
    if (*errp) {
        return;
    }
    hb->root_bus = cxl_host_bridge_find_root_bus(dev);
    if (!hb->root_bus) {
        error_setg(errp, "%s: root bus not found", TYPE_CXL_HOST_BRIDGE);
        return;
    }
    hb->root_bus->flags |= PCI_BUS_CXL;
    if (hb->rch) {
        /* the RCD, a Root Complex Integrated Endpoint, goes on it */
        hb->root_bus->flags |= PCI_BUS_RCIEP;
    }

    if (hb->rch) {
        /* downstream port component registers: RAS and link only */
        cxl_component_init(&hb->regs, OBJECT(dev), "cxl-rch-dp-registers",
                           NULL);
        memory_region_init(&hb->rch_mr, OBJECT(dev), "cxl-rch-registers",
                           CXL_RCH_SLOTS * CXL_COMPONENT_BLOCK_SIZE);
        cxl_rcrb_init(&hb->rcrb_dp, OBJECT(dev), "cxl-rch-rcrb-downstream");
        cxl_rcrb_init(&hb->rcrb_up, OBJECT(dev), "cxl-rch-rcrb-upstream");
        memory_region_add_subregion(&hb->rch_mr, CXL_RCH_RCRB_DP,
                                    &hb->rcrb_dp.mr);
        memory_region_add_subregion(&hb->rch_mr, CXL_RCH_RCRB_UP,
                                    &hb->rcrb_up.mr);
        memory_region_add_subregion(&hb->rch_mr, CXL_RCH_DP_REGS,
                                    &hb->regs.mr);
    } else {
        cxl_component_init(&hb->regs, OBJECT(dev), "cxl-host-bridge-registers",
                           &(CXLHDMCaps) {
                               .kind = CXL_HDM_SWITCH,
                               .nr_decoders = hb->nr_decoders,
                               .nr_targets = CXL_HDM_MAX_TARGETS,
                               .iw_3_6_12 = true,
                           });
    }
    if (!machine_ops->add(hb, errp)) {
        return;
    }
    trace_cxl_host_bridge_realize(cxl_host_bridge_uid(hb), hb->slot);
}

static const Property cxl_host_bridge_properties[] = {
    /*
     * Upstream-compatible: give a host bridge with a single root port HDM
     * decoders instead of pass-through decode. Accepted; decoders come with
     * the component register model.
     */
    DEFINE_PROP_BOOL("hdm_for_passthrough", CXLHostBridge, hdm_for_passthrough,
                     false),
    /* ours: the number of HDM decoders of the host bridge (CHBCR) */
    DEFINE_PROP_UINT8("hdm-decoders", CXLHostBridge, nr_decoders,
                      CXL_HOST_BRIDGE_DECODERS),
    /* ours: a CXL 1.1 Restricted CXL Host (RCRBs, one RCD on its bus) */
    DEFINE_PROP_BOOL("rch", CXLHostBridge, rch, false),
};

static bool cxl_host_bridge_rch_needed(void *opaque)
{
    return CXL_HOST_BRIDGE(opaque)->rch;
}

/* An RCH: the downstream port RCRB, whose AER capability logs errors */
static const VMStateDescription cxl_host_bridge_rch_vmstate = {
    .name = TYPE_CXL_HOST_BRIDGE "/rch",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = cxl_host_bridge_rch_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8_ARRAY(rcrb_dp.regs, CXLHostBridge, CXL_RCRB_SIZE),
        VMSTATE_END_OF_LIST()
    },
};

/*
 * The host bridge's configuration space and its CHBCR (decoders, RAS);
 * what the bus below holds migrates with its devices.
 */
static const VMStateDescription cxl_host_bridge_vmstate = {
    .name = TYPE_CXL_HOST_BRIDGE,
    .priority = MIG_PRI_PCI_BUS,
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_PCI_DEVICE(parent_obj.parent_obj.parent_obj, CXLHostBridge),
        VMSTATE_STRUCT(regs, CXLHostBridge, 1, vmstate_cxl_component,
                       CXLComponentRegs),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription * const []) {
        &cxl_host_bridge_rch_vmstate,
        NULL
    },
};

static void cxl_host_bridge_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);
    CXLHostBridgeClass *hbc = CXL_HOST_BRIDGE_CLASS(klass);

    hbc->parent_realize = k->realize;
    k->realize = cxl_host_bridge_realize;
    dc->desc = "CXL Host Bridge";
    dc->fw_name = "cxl";
    device_class_set_legacy_reset(dc, cxl_host_bridge_reset);
    device_class_set_props(dc, cxl_host_bridge_properties);
    dc->vmsd = &cxl_host_bridge_vmstate;
}

static const TypeInfo cxl_host_bridge_info = {
    .name          = TYPE_CXL_HOST_BRIDGE,
    .parent        = PXB_PCIE_TYPE,
    .instance_size = sizeof(CXLHostBridge),
    .class_size    = sizeof(CXLHostBridgeClass),
    .class_init    = cxl_host_bridge_class_init,
};

static void cxl_host_bridge_register_types(void)
{
    type_register_static(&cxl_host_bridge_info);
}

type_init(cxl_host_bridge_register_types)
