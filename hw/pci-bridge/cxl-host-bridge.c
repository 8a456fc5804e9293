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
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/qdev-properties.h"
#include "hw/pci/pci_bus.h"
#include "hw/pci/pci_bridge.h"
#include "hw/pci/pcie_port.h"
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

hwaddr cxl_host_bridge_regs_addr(CXLHostBridge *hb)
{
    MemoryRegion *mr = &hb->regs.mr;

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

void cxl_host_bridge_finalize_topology(CXLHostBridge *hb)
{
    hb->regs.has_hdm = hb->hdm_for_passthrough ||
                       cxl_host_bridge_root_ports(hb) != 1;
}

static void cxl_host_bridge_reset(DeviceState *dev)
{
    trace_cxl_host_bridge_reset(cxl_host_bridge_uid(CXL_HOST_BRIDGE(dev)));
    cxl_component_reset(&CXL_HOST_BRIDGE(dev)->regs);
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

    cxl_component_init(&hb->regs, OBJECT(dev), "cxl-host-bridge-registers",
                       &(CXLHDMCaps) {
                           .kind = CXL_HDM_SWITCH,
                           .nr_decoders = hb->nr_decoders,
                           .nr_targets = CXL_HDM_MAX_TARGETS,
                           .iw_3_6_12 = true,
                       });
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
