/*
 * cxl-rp: CXL root port.
 *
 * A PCIe root port (QEMU's pcie-root-port-base: PCIe, AER and ACS
 * capabilities, hot-plug slot) that is a CXL component: its secondary bus
 * is a CXL bus, it carries the port DVSECs (port extensions, GPF, flex bus,
 * register locator) and its component registers (RAS and link; root ports
 * have no HDM decoders, their host bridge does) sit at the start of BAR 0.
 * Interrupts are MSI.
 *
 * Properties are those of upstream's documented interface: bus, id, port
 * (the PCIe port number, which the host bridge's decoders use as the
 * target id), chassis, slot.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/pci/msi.h"
#include "hw/pci/pci_bus.h"
#include "hw/pci/pcie.h"
#include "hw/pci/pcie_port.h"
#include "hw/qdev-properties.h"
#include "hw/cxl/cxl-component.h"
#include "hw/cxl/cxl-dvsec.h"
#include "hw/cxl/cxl-root-port.h"
#include "trace.h"

#define CXL_RP_MSI_OFFSET       0x60
#define CXL_RP_AER_OFFSET       0x100
#define CXL_RP_ACS_OFFSET       (CXL_RP_AER_OFFSET + PCI_ERR_SIZEOF)
#define CXL_RP_DVSEC_OFFSET     0x200

typedef struct CXLRootPortClass {
    PCIERootPortClass parent_class;
    DeviceRealize parent_realize;
    ResettablePhases parent_phases;
} CXLRootPortClass;

DECLARE_CLASS_CHECKERS(CXLRootPortClass, CXL_ROOT_PORT, TYPE_CXL_ROOT_PORT)

static uint8_t cxl_rp_aer_vector(const PCIDevice *d)
{
    return 0;
}

static int cxl_rp_interrupts_init(PCIDevice *d, Error **errp)
{
    return msi_init(d, CXL_RP_MSI_OFFSET, 1, true, false, errp);
}

static void cxl_rp_interrupts_uninit(PCIDevice *d)
{
    msi_uninit(d);
}

static void cxl_rp_realize(DeviceState *dev, Error **errp)
{
    ERRP_GUARD();
    PCIDevice *d = PCI_DEVICE(dev);
    CXLRootPort *rp = CXL_ROOT_PORT(dev);
    CXLRootPortClass *rpc = CXL_ROOT_PORT_GET_CLASS(dev);
    PCIBus *bus = pci_get_bus(d);

    if (!pci_bus_is_cxl(bus) || !pci_bus_is_root(bus)) {
        error_setg(errp, "%s: a CXL root port must be on the root bus of a "
                   "CXL host bridge (bus=<pxb-cxl id>)", TYPE_CXL_ROOT_PORT);
        return;
    }
    rpc->parent_realize(dev, errp);
    if (*errp) {
        return;
    }
    /* the PCI device's realize placed it: devfn is known from here */
    trace_cxl_root_port_realize(dev->id ?: "", d->devfn, PCIE_PORT(d)->port);

    cxl_port_disable_io_window(d);
    /* our secondary bus is a CXL bus: memory devices may sit on it */
    pci_bridge_get_sec_bus(PCI_BRIDGE(d))->flags |= PCI_BUS_CXL;

    cxl_component_init(&rp->regs, OBJECT(dev), "cxl-root-port-registers", NULL);
    pci_register_bar(d, 0, PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64, &rp->regs.mr);
    cxl_dvsec_add_port(d, CXL_RP_DVSEC_OFFSET, &(CXLRegBlock) {
        .bar = 0, .id = CXL_REGLOC_COMPONENT, .offset = 0,
    });
}

static void cxl_rp_reset_hold(Object *obj, ResetType type)
{
    CXLRootPortClass *rpc = CXL_ROOT_PORT_GET_CLASS(obj);

    trace_cxl_root_port_reset(DEVICE(obj)->id ?: "", PCI_DEVICE(obj)->devfn);
    if (rpc->parent_phases.hold) {
        rpc->parent_phases.hold(obj, type);
    }
    /* the parent's reset parks the I/O window at base > limit: no window */
    cxl_port_disable_io_window(PCI_DEVICE(obj));
    cxl_component_reset(&CXL_ROOT_PORT(obj)->regs);
}

static void cxl_rp_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);
    PCIERootPortClass *prc = PCIE_ROOT_PORT_CLASS(klass);
    CXLRootPortClass *rpc = CXL_ROOT_PORT_CLASS(klass);
    ResettableClass *rc = RESETTABLE_CLASS(klass);

    k->vendor_id = PCI_VENDOR_ID_INTEL;
    k->device_id = 0x7075;      /* the IDs guests know QEMU's cxl-rp by */
    dc->desc = "CXL Root Port";
    prc->aer_vector = cxl_rp_aer_vector;
    prc->interrupts_init = cxl_rp_interrupts_init;
    prc->interrupts_uninit = cxl_rp_interrupts_uninit;
    prc->aer_offset = CXL_RP_AER_OFFSET;
    prc->acs_offset = CXL_RP_ACS_OFFSET;
    device_class_set_parent_realize(dc, cxl_rp_realize, &rpc->parent_realize);
    resettable_class_set_parent_phases(rc, NULL, cxl_rp_reset_hold, NULL,
                                       &rpc->parent_phases);
}

static const TypeInfo cxl_root_port_info = {
    .name          = TYPE_CXL_ROOT_PORT,
    .parent        = TYPE_PCIE_ROOT_PORT,
    .instance_size = sizeof(CXLRootPort),
    .class_size    = sizeof(CXLRootPortClass),
    .class_init    = cxl_rp_class_init,
    .interfaces = (const InterfaceInfo[]) {
        { INTERFACE_CXL_DEVICE },
        { }
    },
};

static void cxl_root_port_register_types(void)
{
    type_register_static(&cxl_root_port_info);
}

type_init(cxl_root_port_register_types)
