/*
 * pcie-rcec: a PCI Express Root Complex Event Collector (RCEC).
 *
 * An RCEC (PCIe r6.0 1.3.4, 6.2.8.2) collects the errors and PME events
 * of the Root Complex Integrated Endpoints (RCiEPs) it is associated
 * with, and reports them as a Root Port would: it is a function of class
 * 08h/07h/00h with a PCI Express capability of type Root Complex Event
 * Collector (with the root control and status registers), an AER
 * capability with the Root Error Command, Root Error Status and Error
 * Source Identification registers, MSI for its interrupt (AER uses
 * vector 0, as do PME events), and the RCEC Endpoint Association
 * capability (PCIe r6.0 7.9.10, version 2) that says which RCiEPs are
 * its: a bitmap of device numbers on its own bus (property rciep-bitmap,
 * default every device number but its own), and a range of other bus
 * numbers whose RCiEPs are all its (properties next-bus and last-bus;
 * none by default).
 *
 * Error messages of an associated RCiEP (pcie_aer_inject_error() on it)
 * reach the RCEC (hw/pci/pcie_aer.c asks pcie_rcec_find()), which sets
 * Root Error Status and the Error Source ID and raises its interrupt
 * when the Root Error Command enables it; errors the RCEC detects itself
 * (pcie_rcec_internal_error()) are reported with its own ID. Linux's
 * portdrv binds to it by class code, and its AER driver handles it as a
 * Root Port, walking the associated RCiEPs (drivers/pci/pcie/rcec.c).
 *
 * -device pcie-rcec,bus=BUS,addr=SLOT: on a PCIe root bus (pcie.0, or
 * the root bus of a pxb-pcie or pxb-cxl), as RCECs sit in a root complex.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bitops.h"
#include "qemu/queue.h"
#include "hw/qdev-properties.h"
#include "hw/pci/pci_bus.h"
#include "hw/pci/pci_ids.h"
#include "hw/pci/pcie.h"
#include "hw/pci/pcie_aer.h"
#include "hw/pci/pcie_regs.h"
#include "hw/pci/pcie_rcec.h"
#include "hw/pci/msi.h"
#include "migration/vmstate.h"

/* Class code 08h/07h/00h: Root Complex Event Collector */
#ifndef PCI_CLASS_SYSTEM_RCEC
#define PCI_CLASS_SYSTEM_RCEC   0x0807
#endif
/*
 * Red Hat's vendor ID with a device ID QEMU has not allocated: guests
 * bind to an RCEC by its class code (Linux's portdrv does).
 */
#define PCIE_RCEC_DEVICE_ID     0x00f0

typedef struct PCIERCEC {
    PCIDevice parent_obj;
    uint32_t bitmap;                    /* rciep-bitmap */
    uint8_t next_bus, last_bus;         /* next-bus, last-bus */
    QTAILQ_ENTRY(PCIERCEC) next;
} PCIERCEC;

OBJECT_DECLARE_SIMPLE_TYPE(PCIERCEC, PCIE_RCEC)

static QTAILQ_HEAD(, PCIERCEC) rcecs = QTAILQ_HEAD_INITIALIZER(rcecs);

static bool rcec_associates(PCIERCEC *r, PCIDevice *rciep)
{
    PCIDevice *d = PCI_DEVICE(r);
    PCIBus *bus = pci_get_bus(rciep);
    int busnr = pci_bus_num(bus);

    if (bus == pci_get_bus(d)) {
        return r->bitmap & BIT(PCI_SLOT(rciep->devfn));
    }
    /* next 0xff, last 0: no bus range (PCIe r6.0 7.9.10.3) */
    return r->next_bus <= r->last_bus && busnr >= r->next_bus &&
           busnr <= r->last_bus && busnr != pci_dev_bus_num(d);
}

PCIDevice *pcie_rcec_find(PCIDevice *rciep)
{
    PCIERCEC *r;

    QTAILQ_FOREACH(r, &rcecs, next) {
        if (PCI_DEVICE(r) != rciep && rcec_associates(r, rciep)) {
            return PCI_DEVICE(r);
        }
    }
    return NULL;
}

void pcie_rcec_internal_error(PCIDevice *rcec, bool correctable)
{
    PCIEAERErr err = {
        .status = correctable ? PCI_ERR_COR_INTERNAL : PCI_ERR_UNC_INTN,
        .source_id = pci_requester_id(rcec),
        .flags = correctable ? PCIE_AER_ERR_IS_CORRECTABLE : 0,
    };

    pcie_aer_inject_error(rcec, &err);
}

static void rcec_write_config(PCIDevice *d, uint32_t addr, uint32_t val,
                              int len)
{
    uint32_t root_cmd =
        pci_get_long(d->config + d->exp.aer_cap + PCI_ERR_ROOT_COMMAND);

    pci_default_write_config(d, addr, val, len);
    msi_write_config(d, addr, val, len);
    pcie_aer_write_config(d, addr, val, len);
    pcie_aer_root_write_config(d, addr, val, len, root_cmd);
}

static void rcec_reset_hold(Object *obj, ResetType type)
{
    PCIDevice *d = PCI_DEVICE(obj);

    pcie_cap_deverr_reset(d);
    pcie_cap_root_reset(d);
    pcie_aer_root_reset(d);
    msi_reset(d);
}

static void rcec_add_association(PCIERCEC *r)
{
    PCIDevice *d = PCI_DEVICE(r);
    uint16_t o = PCIE_RCEC_EA_OFFSET;

    pcie_add_capability(d, PCI_EXT_CAP_ID_RCEC, PCIE_RCEC_EA_VER, o,
                        PCIE_RCEC_EA_SIZEOF);
    pci_set_long(d->config + o + PCI_RCEC_RCIEP_BITMAP, r->bitmap);
    pci_set_long(d->config + o + PCI_RCEC_BUSN,
                 r->next_bus << 8 | r->last_bus << 16);
}

static void rcec_realize(PCIDevice *d, Error **errp)
{
    PCIERCEC *r = PCIE_RCEC(d);
    PCIBus *bus = pci_get_bus(d);
    bool range = r->next_bus != 0xff || r->last_bus != 0;

    if (!pci_bus_is_express(bus) || !pci_bus_is_root(bus)) {
        error_setg(errp, "%s: a Root Complex Event Collector goes on a PCI "
                   "Express root bus (such as pcie.0, or a pxb-pcie's or "
                   "pxb-cxl's bus), not on '%s'", TYPE_PCIE_RCEC,
                   BUS(bus)->name);
        return;
    }
    if (range && r->next_bus > r->last_bus) {
        error_setg(errp, "%s: next-bus (%u) is above last-bus (%u): the "
                   "associated bus range is next-bus to last-bus",
                   TYPE_PCIE_RCEC, r->next_bus, r->last_bus);
        return;
    }
    /* its own device number is not one of its RCiEPs */
    r->bitmap &= ~BIT(PCI_SLOT(d->devfn));

    pci_config_set_interrupt_pin(d->config, 1);
    if (pcie_cap_init(d, PCIE_RCEC_EXP_OFFSET, PCI_EXP_TYPE_RC_EC, 0,
                      errp) < 0) {
        return;
    }
    pcie_cap_deverr_init(d);
    pcie_cap_root_init(d);
    if (msi_init(d, PCIE_RCEC_MSI_OFFSET, 1, true, false, errp) < 0) {
        goto err_cap;
    }
    if (pcie_aer_init(d, PCI_ERR_VER, PCIE_RCEC_AER_OFFSET, PCI_ERR_SIZEOF,
                      errp) < 0) {
        goto err_msi;
    }
    pcie_aer_root_init(d);
    pcie_aer_root_set_vector(d, 0);
    /*
     * Read-only registers the RCEC itself sets when it logs an error:
     * not compared when migrating (the First Error Pointer, the logs and
     * the Error Source Identification)
     */
    pci_set_long(d->cmask + PCIE_RCEC_AER_OFFSET + PCI_ERR_CAP, 0);
    memset(d->cmask + PCIE_RCEC_AER_OFFSET + PCI_ERR_HEADER_LOG, 0,
           PCI_ERR_HEADER_LOG_SIZE);
    pci_set_long(d->cmask + PCIE_RCEC_AER_OFFSET + PCI_ERR_ROOT_ERR_SRC, 0);
    memset(d->cmask + PCIE_RCEC_AER_OFFSET + PCI_ERR_TLP_PREFIX_LOG, 0,
           PCI_ERR_TLP_PREFIX_LOG_SIZE);
    rcec_add_association(r);
    QTAILQ_INSERT_TAIL(&rcecs, r, next);
    return;

err_msi:
    msi_uninit(d);
err_cap:
    pcie_cap_exit(d);
}

static void rcec_exit(PCIDevice *d)
{
    PCIERCEC *r = PCIE_RCEC(d);

    QTAILQ_REMOVE(&rcecs, r, next);
    pcie_aer_exit(d);
    msi_uninit(d);
    pcie_cap_exit(d);
}

static const Property rcec_properties[] = {
    DEFINE_PROP_UINT32("rciep-bitmap", PCIERCEC, bitmap, UINT32_MAX),
    DEFINE_PROP_UINT8("next-bus", PCIERCEC, next_bus, 0xff),
    DEFINE_PROP_UINT8("last-bus", PCIERCEC, last_bus, 0),
    DEFINE_PROP_UINT16("aer_log_max", PCIERCEC,
                       parent_obj.exp.aer_log.log_max,
                       PCIE_AER_LOG_MAX_DEFAULT),
};

static const VMStateDescription vmstate_rcec = {
    .name = TYPE_PCIE_RCEC,
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_PCI_DEVICE(parent_obj, PCIERCEC),
        VMSTATE_STRUCT(parent_obj.exp.aer_log, PCIERCEC, 0,
                       vmstate_pcie_aer_log, PCIEAERLog),
        VMSTATE_END_OF_LIST()
    },
};

static void rcec_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);
    ResettableClass *rc = RESETTABLE_CLASS(klass);

    k->realize = rcec_realize;
    k->exit = rcec_exit;
    k->config_write = rcec_write_config;
    k->vendor_id = PCI_VENDOR_ID_REDHAT;
    k->device_id = PCIE_RCEC_DEVICE_ID;
    k->class_id = PCI_CLASS_SYSTEM_RCEC;
    k->revision = 0;
    dc->desc = "PCI Express Root Complex Event Collector";
    dc->vmsd = &vmstate_rcec;
    rc->phases.hold = rcec_reset_hold;
    device_class_set_props(dc, rcec_properties);
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
}

static const TypeInfo rcec_info = {
    .name = TYPE_PCIE_RCEC,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(PCIERCEC),
    .class_init = rcec_class_init,
    .interfaces = (const InterfaceInfo[]) {
        { INTERFACE_PCIE_DEVICE },
        { }
    },
};

static void rcec_register_types(void)
{
    type_register_static(&rcec_info);
}

type_init(rcec_register_types)
