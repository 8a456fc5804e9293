/*
 * pxb-cxl: CXL host bridge.
 *
 * A pxb-pcie expander bridge whose root bus is flagged as a CXL bus (so CXL
 * root ports create CXL secondary buses and the ACPI code describes it as an
 * ACPI0016 device), plus the host bridge's component register block (CHBCR),
 * which the machine maps in its CXL area and the CEDT CHBS describes.
 *
 * The CHBCR's contents (HDM decoders) are not modelled yet: it reads as
 * zeros, i.e. an empty CXL capability array.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/qdev-properties.h"
#include "hw/pci/pci_bus.h"
#include "hw/pci/pci_bridge.h"
#include "hw/cxl/cxl-machine.h"
#include "hw/cxl/cxl-host.h"
#include "trace.h"

#define PXB_PCIE_TYPE "pxb-pcie"

typedef struct CXLHostBridgeClass {
    PCIDeviceClass parent_class;
    PCIUnregisterFunc *parent_exit;
    void (*parent_realize)(PCIDevice *dev, Error **errp);
} CXLHostBridgeClass;

DECLARE_CLASS_CHECKERS(CXLHostBridgeClass, CXL_HOST_BRIDGE, TYPE_CXL_HOST_BRIDGE)

uint32_t cxl_host_bridge_uid(CXLHostBridge *hb)
{
    return pci_bus_num(hb->root_bus);
}

hwaddr cxl_host_bridge_regs_addr(CXLHostBridge *hb)
{
    return hb->regs.addr + (hb->regs.container ? hb->regs.container->addr : 0);
}

static uint64_t cxl_chbcr_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void cxl_chbcr_write(void *opaque, hwaddr addr, uint64_t data,
                            unsigned size)
{
}

static const MemoryRegionOps cxl_chbcr_ops = {
    .read = cxl_chbcr_read,
    .write = cxl_chbcr_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 8 },
};

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
    CXLMachineState *m = cxl_machine_get();

    if (!cxl_machine_enabled(m)) {
        error_setg(errp, "%s: CXL host bridges need the machine option cxl=on%s",
                   TYPE_CXL_HOST_BRIDGE, m ? "" : " (this machine has no CXL support)");
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

    memory_region_init_io(&hb->regs, OBJECT(dev), &cxl_chbcr_ops, hb,
                          "cxl-host-bridge-registers", CXL_CHBCR_SIZE);
    if (!cxl_machine_add_host_bridge(m, hb, errp)) {
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
    device_class_set_props(dc, cxl_host_bridge_properties);
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
