/*
 * cxl-rp: CXL root port.
 *
 * A PCIe root port (QEMU's pcie-root-port-base: PCIe, AER and ACS
 * capabilities, hot-plug slot) that is a CXL component: its secondary bus
 * is a CXL bus, it carries the port DVSECs (port extensions, GPF, flex bus,
 * register locator) and its component registers (RAS and link; root ports
 * have no HDM decoders, their host bridge does; the BI Decoder when a
 * device below has hdm-db=on) sit at the start of BAR 0; with num-cpmus
 * (cpmu-counters, cpmu-counter-width) CPMUs follow them (hw/cxl/cxl-pmu.c:
 * counting the traffic routed through the port; Linux 7.3 binds no CPMU
 * driver on ports). Interrupts are MSI (vector 0, the CPMUs' too). A DOE
 * mailbox serves Compliance Mode (hw/cxl/cxl-compliance.c: the queries
 * and Halt All).
 *
 * Properties are those of upstream's documented interface: bus, id, port
 * (the PCIe port number, which the host bridge's decoders use as the
 * target id), chassis, slot; and upstream 11.1's: x-speed, x-width (Link
 * Capabilities; Link Status follows the device below, QEMU's
 * pcie_sync_bridge_lnk()), x-256b-flit (Flit Mode Supported; Flit Mode
 * Status when the device below supports it too), bus-reserve, io-reserve,
 * mem-reserve, pref32-reserve, pref64-reserve (QEMU's resource reservation
 * capability, as pcie-root-port has it, for firmware sizing the bridge
 * windows; only when one is set). The port has no I/O window, so
 * io-reserve may only be 0. SeaBIOS reads that capability only on QEMU's
 * Red Hat root ports and bridges, so it ignores ours.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/pci/msi.h"
#include "hw/pci/pci_bridge.h"
#include "hw/pci/pci_bus.h"
#include "hw/pci/pcie.h"
#include "hw/pci/pcie_aer.h"
#include "hw/pci/pcie_port.h"
#include "hw/qdev-properties.h"
#include "hw/qdev-properties-system.h"
#include "migration/vmstate.h"
#include "hw/cxl/cxl-compliance.h"
#include "hw/cxl/cxl-component.h"
#include "hw/cxl/cxl-doe.h"
#include "hw/cxl/cxl-dvsec.h"
#include "hw/cxl/cxl-pmu.h"
#include "hw/cxl/cxl-ras.h"
#include "hw/cxl/cxl-root-port.h"
#include "trace.h"

#define CXL_RP_MSI_OFFSET       0x60
#define CXL_RP_AER_OFFSET       0x100
#define CXL_RP_ACS_OFFSET       (CXL_RP_AER_OFFSET + PCI_ERR_SIZEOF)
#define CXL_RP_DOE_OFFSET       (CXL_RP_ACS_OFFSET + PCI_ACS_SIZEOF)
#define CXL_RP_DVSEC_OFFSET     0x200

typedef struct CXLRootPortClass {
    PCIERootPortClass parent_class;
    DeviceRealize parent_realize;
    DeviceUnrealize parent_unrealize;
    ResettablePhases parent_phases;
    void (*parent_exit)(PCIDevice *d);
    PCIConfigWriteFunc *parent_config_write;
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

/* Compliance Mode over DOE */
static bool cxl_rp_doe_compliance(DOECap *doe)
{
    return cxl_compliance_respond(doe, NULL);
}

static DOEProtocol cxl_rp_doe_protocols[] = {
    { CXL_VENDOR_ID, CXL_DOE_PROTOCOL_COMPLIANCE, cxl_rp_doe_compliance },
    { }
};

static void cxl_rp_write_config(PCIDevice *d, uint32_t addr, uint32_t val,
                                int len)
{
    pcie_doe_write_config(&CXL_ROOT_PORT(d)->doe, addr, val, len);
    CXL_ROOT_PORT_GET_CLASS(d)->parent_config_write(d, addr, val, len);
}

static uint32_t cxl_rp_read_config(PCIDevice *d, uint32_t addr, int len)
{
    uint32_t val;

    if (pcie_doe_read_config(&CXL_ROOT_PORT(d)->doe, addr, len, &val)) {
        return val;
    }
    return cxl_port_read_config(d, addr, len);
}

static void cxl_rp_exit(PCIDevice *d)
{
    pcie_doe_fini(&CXL_ROOT_PORT(d)->doe);
    CXL_ROOT_PORT_GET_CLASS(d)->parent_exit(d);
}

static void cxl_rp_realize(DeviceState *dev, Error **errp)
{
    ERRP_GUARD();
    PCIDevice *d = PCI_DEVICE(dev);
    CXLRootPort *rp = CXL_ROOT_PORT(dev);
    CXLRootPortClass *rpc = CXL_ROOT_PORT_GET_CLASS(dev);
    PCIBus *bus = pci_get_bus(d);
    CXLRegBlock blocks[1 + CXL_PMU_MAX_INSTANCES] = {
        { .bar = 0, .id = CXL_REGLOC_COMPONENT, .offset = 0 },
    };
    unsigned nr_blocks = 1;

    if (!pci_bus_is_cxl(bus) || !pci_bus_is_root(bus)) {
        error_setg(errp, "%s: a CXL root port must be on the root bus of a "
                   "CXL host bridge (bus=<pxb-cxl id>)", TYPE_CXL_ROOT_PORT);
        return;
    }
    if (rp->res_reserve.io != (uint64_t)-1 && rp->res_reserve.io) {
        error_setg(errp, "%s: io-reserve: a CXL root port has no I/O window; "
                   "only io-reserve=0 is accepted", TYPE_CXL_ROOT_PORT);
        return;
    }
    if (!cxl_pmu_check(&rp->pmus, TYPE_CXL_ROOT_PORT, errp)) {
        return;
    }
    if (rp->res_reserve.mem_pref_32 != (uint64_t)-1 &&
        rp->res_reserve.mem_pref_64 != (uint64_t)-1) {
        error_setg(errp, "%s: pref32-reserve and pref64-reserve: set at most "
                   "one (firmware reserves 32-bit or 64-bit prefetchable "
                   "memory, not both)", TYPE_CXL_ROOT_PORT);
        return;
    }
    rpc->parent_realize(dev, errp);
    if (*errp) {
        return;
    }
    /* the PCI device's realize placed it: devfn is known from here */
    trace_cxl_root_port_realize(dev->id ?: "", d->devfn, PCIE_PORT(d)->port);

    /* the checks and the capability of QEMU's generic root port */
    if (pci_bridge_qemu_reserve_cap_init(d, 0, rp->res_reserve, errp) < 0) {
        error_prepend(errp, "%s: ", TYPE_CXL_ROOT_PORT);
        DEVICE_GET_CLASS(dev)->unrealize(dev);
        return;
    }
    cxl_link_init_port_flit(d, rp->flit);
    cxl_port_disable_io_window(d);
    /* our secondary bus is a CXL bus: memory devices may sit on it */
    pci_bridge_get_sec_bus(PCI_BRIDGE(d))->flags |= PCI_BUS_CXL;

    cxl_component_init(&rp->regs, OBJECT(dev), "cxl-root-port-registers", NULL);
    pci_register_bar(d, 0, PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64,
                     cxl_pmu_realize(&rp->pmus, d, &rp->regs.mr,
                                     "cxl-root-port-cpmu", 0, cxl_pmu_irq_msi,
                                     NULL, &error_abort));
    cxl_pmu_reg_blocks(&rp->pmus, blocks, &nr_blocks);
    cxl_dvsec_add_port(d, CXL_RP_DVSEC_OFFSET, blocks, nr_blocks);
    pcie_doe_init(d, &rp->doe, CXL_RP_DOE_OFFSET, cxl_rp_doe_protocols, true,
                  0);
}

static void cxl_rp_unrealize(DeviceState *dev)
{
    cxl_pmu_unrealize(&CXL_ROOT_PORT(dev)->pmus);
    CXL_ROOT_PORT_GET_CLASS(dev)->parent_unrealize(dev);
}

static const Property cxl_rp_properties[] = {
    DEFINE_PROP_PCIE_LINK_SPEED("x-speed", PCIESlot, speed,
                                PCIE_LINK_SPEED_64),
    DEFINE_PROP_PCIE_LINK_WIDTH("x-width", PCIESlot, width,
                                PCIE_LINK_WIDTH_32),
    DEFINE_PROP_BOOL("x-256b-flit", CXLRootPort, flit, true),
    DEFINE_PROP_UINT32("bus-reserve", CXLRootPort, res_reserve.bus, -1),
    DEFINE_PROP_SIZE("io-reserve", CXLRootPort, res_reserve.io, -1),
    DEFINE_PROP_SIZE("mem-reserve", CXLRootPort, res_reserve.mem_non_pref,
                     -1),
    DEFINE_PROP_SIZE("pref32-reserve", CXLRootPort, res_reserve.mem_pref_32,
                     -1),
    DEFINE_PROP_SIZE("pref64-reserve", CXLRootPort, res_reserve.mem_pref_64,
                     -1),
    /* CPMUs (hw/cxl/cxl-pmu.c): none by default */
    DEFINE_CXL_PMU_PROPERTIES(CXLRootPort, pmus),
};

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
    cxl_pmu_reset(&CXL_ROOT_PORT(obj)->pmus);
    /* BI Decoder (BI Forward) when a device below has hdm-db=on */
    cxl_component_init_bi(&CXL_ROOT_PORT(obj)->regs,
                          cxl_bus_has_hdm_db(pci_bridge_get_sec_bus(
                              PCI_BRIDGE(obj))) ? CXL_BI_DECODER : CXL_BI_NONE);
    cxl_aer_unmask_internal(PCI_DEVICE(obj));
}

static CXLComponentRegs *cxl_rp_ras_regs(Object *obj)
{
    return &CXL_ROOT_PORT(obj)->regs;
}

DEFINE_CXL_PMU_VMSTATE(cxl_rp_pmu_vmstate, TYPE_CXL_ROOT_PORT, CXLRootPort,
                       pmus);

/* The Compliance DOE mailbox (a subsection: streams before it load) */
static const VMStateDescription cxl_rp_doe_vmstate = {
    .name = TYPE_CXL_ROOT_PORT "/doe",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_STRUCT(doe, CXLRootPort, 1, vmstate_cxl_doe, DOECap),
        VMSTATE_END_OF_LIST()
    },
};

/*
 * pcie-root-port's state (configuration space with MSI, AER log; the slot
 * is brought up to date after loading), the component registers and the
 * CPMUs and the Compliance DOE exchange in progress.
 */
static const VMStateDescription cxl_rp_vmstate = {
    .name = TYPE_CXL_ROOT_PORT,
    .priority = MIG_PRI_PCI_BUS,
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = pcie_cap_slot_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_PCI_DEVICE(parent_obj.parent_obj.parent_obj.parent_obj,
                           CXLRootPort),
        VMSTATE_STRUCT(parent_obj.parent_obj.parent_obj.parent_obj.exp.aer_log,
                       CXLRootPort, 0, vmstate_pcie_aer_log, PCIEAERLog),
        VMSTATE_STRUCT(regs, CXLRootPort, 1, vmstate_cxl_component,
                       CXLComponentRegs),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription * const []) {
        &cxl_rp_doe_vmstate,
        &cxl_rp_pmu_vmstate,
        NULL
    },
};

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
    device_class_set_props(dc, cxl_rp_properties);
    k->config_read = cxl_rp_read_config;
    rpc->parent_config_write = k->config_write;
    k->config_write = cxl_rp_write_config;
    rpc->parent_exit = k->exit;
    k->exit = cxl_rp_exit;
    dc->vmsd = &cxl_rp_vmstate;
    CXL_RAS_SOURCE_CLASS(klass)->ras_regs = cxl_rp_ras_regs;
    prc->aer_vector = cxl_rp_aer_vector;
    prc->interrupts_init = cxl_rp_interrupts_init;
    prc->interrupts_uninit = cxl_rp_interrupts_uninit;
    prc->aer_offset = CXL_RP_AER_OFFSET;
    prc->acs_offset = CXL_RP_ACS_OFFSET;
    device_class_set_parent_realize(dc, cxl_rp_realize, &rpc->parent_realize);
    device_class_set_parent_unrealize(dc, cxl_rp_unrealize,
                                      &rpc->parent_unrealize);
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
        { TYPE_CXL_RAS_SOURCE },
        { }
    },
};

static void cxl_root_port_register_types(void)
{
    type_register_static(&cxl_root_port_info);
}

type_init(cxl_root_port_register_types)
