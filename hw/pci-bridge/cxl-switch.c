/*
 * CXL switch: upstream port (cxl-upstream) and downstream ports
 * (cxl-downstream).
 *
 * A CXL switch is a PCIe switch whose ports are CXL components (CXL r3.1
 * 7.7, 9.12). Its upstream port sits below a CXL root port or a downstream
 * port of another switch; its downstream ports sit on the upstream port's
 * secondary bus, and memory devices (or further switches) below them.
 *
 * Both have upstream 11.1's link properties x-speed, x-width, x-256b-flit
 * (Link Capabilities; an upstream port's Link Status reports them too, a
 * downstream port's follows the device below, QEMU's
 * pcie_sync_bridge_lnk(); Flit Mode Supported, and Flit Mode Status when
 * the other end of the link supports it too).
 *
 * cxl-upstream (properties: bus, id, sn, cdat, vcs-of):
 *  - PCIe upstream port with MSI, AER, DSN (when sn is set) and a DOE
 *    mailbox serving its CDAT: SSLBIS latency and bandwidth between the
 *    upstream port and any downstream port, or the cdat file's table; and
 *    Compliance Mode (hw/cxl/cxl-compliance.c: the queries, Halt All);
 *  - CXL DVSECs: port extensions, flex bus port, register locator;
 *  - BAR 0: component registers with RAS, link and CXL_USP_DECODERS HDM
 *    decoders whose target lists hold downstream port numbers; the BI
 *    Route Table when a device below has hdm-db=on.
 * cxl-downstream (properties: bus, id, port, chassis, slot, bound):
 *  - PCIe downstream port with MSI, AER, a hot-plug slot and a DOE
 *    mailbox serving Compliance Mode (the queries, Halt All);
 *  - CXL DVSECs: port extensions, GPF for ports, flex bus, register
 *    locator;
 *  - BAR 0: component registers with RAS and link; the BI Decoder when a
 *    device below has hdm-db=on.
 * Both kinds take num-cpmus, cpmu-counters and cpmu-counter-width: CPMUs
 * in BAR 0 after the component registers (hw/cxl/cxl-pmu.c), counting the
 * traffic routed through the port, with MSI vector 0 (Linux 7.3 binds no
 * CPMU driver on ports).
 * The port property is the PCIe port number (Link Capabilities), the id
 * the upstream port's decoders use as target.
 *
 * Virtual CXL switches. A switch has one VCS per upstream port: the first
 * cxl-upstream is VCS 0 (with the switch's physical downstream ports and
 * its cxl-switch-mailbox-cci); cxl-upstream,vcs-of=<VCS 0's id> adds VCS
 * 1, 2... (in realize order) to the same physical switch, as another
 * upstream port (a physical port of the switch) whose downstream ports
 * are vPPBs only: what they show when bound is an LD of an MLD on one of
 * VCS 0's ports, declared below them as cxl-type3-ld (QEMU cannot move a
 * device between buses). Without vcs-of nothing changes.
 *
 * vPPB binding. A downstream port is also the switch's vPPB for its
 * physical port: the host sees the port (the vPPB), the device on its bus
 * is the device on the physical port. bound=off starts the vPPB unbound:
 * the slot reads empty (presence detect and data link layer link active
 * clear, slot powered off) and the device is disabled (pci_set_enabled():
 * its config space reads as all ones, its BARs are unmapped, and it is
 * held in reset, so nothing decodes its memory). A fabric manager binds
 * it (FM API Bind vPPB on cxl-switch-mailbox-cci, or QMP cxl-bind-vppb):
 * that is a PCIe hot-add, as pcie_cap_slot_plug_cb() does for a
 * hot-plugged device, but with Presence Detect Changed and Data Link Layer
 * State Changed. An unbind is a managed hot-remove (attention button; the
 * host powers the slot off), a wait for the host to power it off, or a
 * surprise removal; then the device is disabled again (reset: its
 * decoders uncommit; its memory backend keeps the data), never unrealized,
 * for a later bind. The binding belongs to the fabric manager: a host
 * reset keeps it (and completes a pending unbind: the host let go of the
 * link).
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
#include "hw/hotplug.h"
#include "hw/qdev-properties.h"
#include "hw/qdev-properties-system.h"
#include "migration/vmstate.h"
#include "hw/cxl/cxl-cdat.h"
#include "hw/cxl/cxl-compliance.h"
#include "hw/cxl/cxl-doe.h"
#include "hw/cxl/cxl-dvsec.h"
#include "hw/cxl/cxl-pmu.h"
#include "hw/cxl/cxl-mem-target.h"
#include "hw/cxl/cxl-ras.h"
#include "hw/cxl/cxl-switch.h"
#include "trace.h"

/* Configuration space layout, shared by both kinds of port */
#define SW_MSI_OFFSET           0x70
#define SW_EXP_OFFSET           0x90
#define SW_AER_OFFSET           0x100
#define SW_DSN_OFFSET           (SW_AER_OFFSET + PCI_ERR_SIZEOF)
#define SW_DOE_OFFSET           (SW_DSN_OFFSET + PCI_EXT_CAP_DSN_SIZEOF)
#define SW_DVSEC_OFFSET         0x200

#define USP_DEVICE_ID           0xc001
#define DSP_DEVICE_ID           0xc002

/* ---- shared ---- */

static int sw_common_init(PCIDevice *d, uint8_t type, Error **errp)
{
    int rc;

    pci_bridge_initfn(d, TYPE_CXL_BUS);
    /* a CXL bus: switches and memory devices may sit on it */
    pci_bridge_get_sec_bus(PCI_BRIDGE(d))->flags |= PCI_BUS_CXL;
    pcie_port_init_reg(d);
    cxl_port_disable_io_window(d);
    rc = msi_init(d, SW_MSI_OFFSET, 1, true, false, errp);
    if (rc < 0) {
        return rc;
    }
    rc = pcie_cap_init(d, SW_EXP_OFFSET, type, PCIE_PORT(d)->port, errp);
    if (rc < 0) {
        msi_uninit(d);
        return rc;
    }
    pcie_cap_flr_init(d);
    pcie_cap_deverr_init(d);
    return 0;
}

static void sw_common_exit(PCIDevice *d)
{
    pcie_aer_exit(d);
    pcie_cap_exit(d);
    msi_uninit(d);
    pci_bridge_exitfn(d);
}

/*
 * BAR 0: the component registers and the CPMUs (checked at the start of
 * realize); their register locator entries, in @blocks (1 + num-cpmus)
 */
static unsigned sw_component_bar(PCIDevice *d, CXLComponentRegs *regs,
                                 CXLPMUGroup *pmus, const char *name,
                                 CXLRegBlock *blocks)
{
    unsigned n = 1;

    pci_register_bar(d, 0, PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64,
                     cxl_pmu_realize(pmus, d, &regs->mr, name, 0,
                                     cxl_pmu_irq_msi, NULL, &error_abort));
    blocks[0] = (CXLRegBlock) {
        .bar = 0, .id = CXL_REGLOC_COMPONENT, .offset = 0,
    };
    cxl_pmu_reg_blocks(pmus, blocks, &n);
    return n;
}

/* ---- upstream port ---- */

static bool usp_doe_cdat(DOECap *doe)
{
    return cxl_doe_cdat_respond(doe, CXL_USP(doe->pdev)->cdat);
}

/* Compliance Mode: the queries and Halt All (hw/cxl/cxl-compliance.c) */
static bool sw_doe_compliance(DOECap *doe)
{
    return cxl_compliance_respond(doe, NULL);
}

static DOEProtocol usp_doe_protocols[] = {
    { CXL_VENDOR_ID, CXL_DOE_PROTOCOL_TABLE_ACCESS, usp_doe_cdat },
    { CXL_VENDOR_ID, CXL_DOE_PROTOCOL_COMPLIANCE, sw_doe_compliance },
    { }
};

/* ---- downstream port: DOE ---- */

static DOEProtocol dsp_doe_protocols[] = {
    { CXL_VENDOR_ID, CXL_DOE_PROTOCOL_COMPLIANCE, sw_doe_compliance },
    { }
};

static bool usp_build_cdat(CXLUpstreamPort *usp, Error **errp)
{
    CXLCDATSwitchPort any = {
        .port_id = CXL_CDAT_SSLBIS_ANY_PORT,
        .perf = {
            .read_latency_ps = CXL_CDAT_DEFAULT_SWITCH_LATENCY_PS,
            .write_latency_ps = CXL_CDAT_DEFAULT_SWITCH_LATENCY_PS,
            .read_bandwidth_mbs = CXL_CDAT_DEFAULT_SWITCH_BANDWIDTH_MBS,
            .write_bandwidth_mbs = CXL_CDAT_DEFAULT_SWITCH_BANDWIDTH_MBS,
        },
    };

    if (usp->cdat_file) {
        usp->cdat = cxl_cdat_load_file(usp->cdat_file, errp);
        if (!usp->cdat) {
            error_prepend(errp, "%s: cdat: ", TYPE_CXL_USP);
            return false;
        }
        return true;
    }
    usp->cdat = cxl_cdat_build_switch(&any, 1, errp);
    return usp->cdat != NULL;
}

static void usp_realize(PCIDevice *d, Error **errp)
{
    ERRP_GUARD();
    CXLUpstreamPort *usp = CXL_USP(d);
    PCIBus *bus = pci_get_bus(d);
    CXLRegBlock blocks[1 + CXL_PMU_MAX_INSTANCES];
    unsigned nr_blocks;
    uint16_t o;

    trace_cxl_usp_realize(DEVICE(d)->id ?: "", d->devfn, PCIE_PORT(d)->port);
    if (!cxl_hdm_check_count(TYPE_CXL_USP, usp->nr_decoders, errp) ||
        !cxl_pmu_check(&usp->pmus, TYPE_CXL_USP, errp)) {
        return;
    }
    if (usp->vcs_of && (usp->vcs_of == usp || usp->vcs_of->vcs_of ||
                        !DEVICE(usp->vcs_of)->realized)) {
        error_setg(errp, "%s: vcs-of must name the switch's first "
                   "cxl-upstream (its VCS 0), declared before this one",
                   TYPE_CXL_USP);
        return;
    }
    if (usp->vcs_of && usp->vcs_of->nr_vcss == CXL_SWITCH_MAX_VCSS) {
        error_setg(errp, "%s: vcs-of: switch '%s' has %d VCSs already, the "
                   "most we model", TYPE_CXL_USP,
                   DEVICE(usp->vcs_of)->id ?: "", CXL_SWITCH_MAX_VCSS);
        return;
    }
    if (!pci_bus_is_cxl(bus) || pci_bus_is_root(bus)) {
        error_setg(errp, "%s: a CXL switch upstream port must be below a CXL "
                   "root port or switch downstream port (bus=<cxl-rp or "
                   "cxl-downstream id>)", TYPE_CXL_USP);
        return;
    }
    if (!usp_build_cdat(usp, errp)) {
        return;
    }
    if (sw_common_init(d, PCI_EXP_TYPE_UPSTREAM, errp) < 0) {
        goto fail_cdat;
    }
    if (pcie_aer_init(d, PCI_ERR_VER, SW_AER_OFFSET, PCI_ERR_SIZEOF,
                      errp) < 0) {
        pcie_cap_exit(d);
        msi_uninit(d);
        pci_bridge_exitfn(d);
        goto fail_cdat;
    }
    cxl_link_init_ep_usp(d, usp->speed, usp->width, usp->flit);
    if (usp->sn != CXL_SN_UNSET) {
        pcie_dev_ser_num_init(d, SW_DSN_OFFSET, usp->sn);
    }
    pcie_doe_init(d, &usp->doe, SW_DOE_OFFSET, usp_doe_protocols, true, 0);

    cxl_component_init(&usp->regs, OBJECT(d), "cxl-usp-registers",
                       &(CXLHDMCaps) {
                           .kind = CXL_HDM_SWITCH,
                           .nr_decoders = usp->nr_decoders,
                           .nr_targets = CXL_HDM_MAX_TARGETS,
                           .iw_3_6_12 = true,
                       });
    nr_blocks = sw_component_bar(d, &usp->regs, &usp->pmus, "cxl-usp-cpmu",
                                 blocks);

    /* port extensions, flex bus, register locator (no GPF on a USP) */
    o = SW_DVSEC_OFFSET;
    o = cxl_dvsec_add_port_ext(d, o);
    o = cxl_dvsec_add_flexbus(d, o);
    cxl_dvsec_add_register_locator(d, o, blocks, nr_blocks);
    if (usp->vcs_of) {
        usp->vcs_id = usp->vcs_of->nr_vcss;
        usp->vcs_of->vcs[usp->vcs_of->nr_vcss++] = usp;
    } else {
        usp->vcs[0] = usp;
        usp->nr_vcss = 1;
    }
    return;

fail_cdat:
    g_clear_pointer(&usp->cdat, g_byte_array_unref);
}

static void usp_exit(PCIDevice *d)
{
    CXLUpstreamPort *usp = CXL_USP(d);

    if (usp->vcs_of && usp->vcs_of->vcs[usp->vcs_id] == usp) {
        usp->vcs_of->vcs[usp->vcs_id] = NULL;
    }

    pcie_doe_fini(&usp->doe);
    cxl_pmu_unrealize(&usp->pmus);
    sw_common_exit(d);
    g_clear_pointer(&usp->cdat, g_byte_array_unref);
}

static void usp_write_config(PCIDevice *d, uint32_t addr, uint32_t val,
                             int len)
{
    pcie_doe_write_config(&CXL_USP(d)->doe, addr, val, len);
    pci_bridge_write_config(d, addr, val, len);
    pcie_cap_flr_write_config(d, addr, val, len);
    pcie_aer_write_config(d, addr, val, len);
}

static uint32_t usp_read_config(PCIDevice *d, uint32_t addr, int len)
{
    uint32_t val;

    if (pcie_doe_read_config(&CXL_USP(d)->doe, addr, len, &val)) {
        return val;
    }
    return pci_default_read_config(d, addr, len);
}

static void usp_reset(DeviceState *dev)
{
    PCIDevice *d = PCI_DEVICE(dev);

    trace_cxl_usp_reset(dev->id ?: "", d->devfn);
    pci_bridge_reset(dev);
    pcie_cap_deverr_reset(d);
    cxl_component_reset(&CXL_USP(dev)->regs);
    cxl_pmu_reset(&CXL_USP(dev)->pmus);
    /* BI Route Table when a device below has hdm-db=on */
    cxl_component_init_bi(&CXL_USP(dev)->regs,
                          cxl_bus_has_hdm_db(pci_bridge_get_sec_bus(
                              PCI_BRIDGE(d))) ? CXL_BI_ROUTE_TABLE
                                              : CXL_BI_NONE);
    cxl_aer_unmask_internal(d);
}

/* The decode target: one of our downstream ports, by our decoders */
static CXLDecodeResult usp_target_decode(CXLMemTarget *t, uint64_t hpa,
                                         CXLExtent *ext, PCIDevice **port,
                                         uint64_t *dpa)
{
    *port = cxl_decode_to_port(&CXL_USP(t)->regs,
                               pci_bridge_get_sec_bus(PCI_BRIDGE(t)), hpa,
                               ext);
    return *port ? CXL_DECODE_PORT : CXL_DECODE_NONE;
}

static const Property usp_properties[] = {
    DEFINE_PROP_UINT64("sn", CXLUpstreamPort, sn, CXL_SN_UNSET),
    DEFINE_PROP_UINT8("hdm-decoders", CXLUpstreamPort, nr_decoders,
                      CXL_USP_DECODERS),
    DEFINE_PROP_STRING("cdat", CXLUpstreamPort, cdat_file),
    DEFINE_PROP_PCIE_LINK_SPEED("x-speed", CXLUpstreamPort, speed,
                                PCIE_LINK_SPEED_32),
    DEFINE_PROP_PCIE_LINK_WIDTH("x-width", CXLUpstreamPort, width,
                                PCIE_LINK_WIDTH_16),
    DEFINE_PROP_BOOL("x-256b-flit", CXLUpstreamPort, flit, false),
    DEFINE_PROP_LINK("vcs-of", CXLUpstreamPort, vcs_of, TYPE_CXL_USP,
                     CXLUpstreamPort *),
    /* CPMUs (hw/cxl/cxl-pmu.c): none by default */
    DEFINE_CXL_PMU_PROPERTIES(CXLUpstreamPort, pmus),
};

DEFINE_CXL_PMU_VMSTATE(usp_pmu_vmstate, TYPE_CXL_USP, CXLUpstreamPort, pmus);

/*
 * Configuration space (MSI), AER log, the CDAT exchange in progress, the
 * component registers; CDAT itself and the VCS table come from the
 * properties.
 */
static const VMStateDescription usp_vmstate = {
    .name = TYPE_CXL_USP,
    .priority = MIG_PRI_PCI_BUS,
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_PCI_DEVICE(parent_obj.parent_obj.parent_obj, CXLUpstreamPort),
        VMSTATE_STRUCT(parent_obj.parent_obj.parent_obj.exp.aer_log,
                       CXLUpstreamPort, 0, vmstate_pcie_aer_log, PCIEAERLog),
        VMSTATE_STRUCT(doe, CXLUpstreamPort, 1, vmstate_cxl_doe, DOECap),
        VMSTATE_STRUCT(regs, CXLUpstreamPort, 1, vmstate_cxl_component,
                       CXLComponentRegs),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription * const []) {
        &usp_pmu_vmstate,
        NULL
    },
};

static CXLComponentRegs *usp_ras_regs(Object *obj)
{
    return &CXL_USP(obj)->regs;
}

static void usp_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(oc);
    CXLMemTargetClass *mt = CXL_MEM_TARGET_CLASS(oc);

    CXL_RAS_SOURCE_CLASS(oc)->ras_regs = usp_ras_regs;
    mt->decode = usp_target_decode;
    k->realize = usp_realize;
    k->exit = usp_exit;
    k->config_write = usp_write_config;
    k->config_read = usp_read_config;
    k->vendor_id = PCI_VENDOR_ID_INTEL;
    k->device_id = USP_DEVICE_ID;
    k->revision = 1;
    set_bit(DEVICE_CATEGORY_BRIDGE, dc->categories);
    dc->desc = "CXL Switch Upstream Port";
    device_class_set_legacy_reset(dc, usp_reset);
    device_class_set_props(dc, usp_properties);
    dc->vmsd = &usp_vmstate;
}

/* ---- downstream port ---- */

PCIDevice *cxl_dsp_device(CXLDownstreamPort *dsp)
{
    /* downstream ports enforce device number 0 */
    return pci_bridge_get_sec_bus(PCI_BRIDGE(dsp))->devices[0];
}

static bool dsp_bound(CXLDownstreamPort *dsp)
{
    return dsp->binding == CXL_DSP_BOUND ||
           dsp->binding == CXL_DSP_UNBINDING;
}

static void dsp_hide_fn(PCIBus *bus, PCIDevice *d, void *opaque)
{
    pci_set_enabled(d, false);
}

/*
 * An unbound vPPB shows no device, whatever the host does to its slot
 * power: keep every function on the port disabled.
 */
static void dsp_sync_visibility(CXLDownstreamPort *dsp)
{
    PCIBus *sec = pci_bridge_get_sec_bus(PCI_BRIDGE(dsp));

    if (!dsp_bound(dsp)) {
        pci_for_each_device(sec, pci_bus_num(sec), dsp_hide_fn, NULL);
    }
}

static bool dsp_link_reports_dllla(PCIDevice *d)
{
    uint32_t lnkcap = pci_get_long(d->config + d->exp.exp_cap +
                                   PCI_EXP_LNKCAP);

    return (d->cap_present & QEMU_PCIE_LNKSTA_DLLLA) ||
           (lnkcap & PCI_EXP_LNKCAP_DLLLARC);
}

/* Presence detect and data link layer link active set or clear */
static void dsp_set_presence(PCIDevice *d, bool present)
{
    uint8_t *exp_cap = d->config + d->exp.exp_cap;

    if (present) {
        pci_word_test_and_set_mask(exp_cap + PCI_EXP_SLTSTA,
                                   PCI_EXP_SLTSTA_PDS);
    } else {
        pci_word_test_and_clear_mask(exp_cap + PCI_EXP_SLTSTA,
                                     PCI_EXP_SLTSTA_PDS);
    }
    if (dsp_link_reports_dllla(d)) {
        if (present) {
            pci_word_test_and_set_mask(exp_cap + PCI_EXP_LNKSTA,
                                       PCI_EXP_LNKSTA_DLLLA);
        } else {
            pci_word_test_and_clear_mask(exp_cap + PCI_EXP_LNKSTA,
                                         PCI_EXP_LNKSTA_DLLLA);
        }
    }
}

/*
 * Signal hot-plug events (Slot Status bits), as hw/pci/pcie.c does for
 * its own (its notifier is static): set them and interrupt when an enabled
 * event becomes pending. pcie.c has no Data Link Layer State Changed
 * event; our slots add it (DLLSC in Slot Status, RW1C, enabled by DLLSCE
 * in Slot Control, see dsp_realize()).
 */
static void dsp_slot_event(PCIDevice *d, uint16_t events)
{
    uint8_t *exp_cap = d->config + d->exp.exp_cap;
    bool prev = d->exp.hpev_notified;
    uint16_t ctl, sta;

    if (!dsp_link_reports_dllla(d)) {
        events &= ~PCI_EXP_SLTSTA_DLLSC;
    }
    pci_word_test_and_set_mask(exp_cap + PCI_EXP_SLTSTA, events);
    ctl = pci_get_word(exp_cap + PCI_EXP_SLTCTL);
    sta = pci_get_word(exp_cap + PCI_EXP_SLTSTA);
    d->exp.hpev_notified = (ctl & PCI_EXP_SLTCTL_HPIE) &&
        ((sta & ctl & PCI_EXP_HP_EV_SUPPORTED) ||
         ((sta & PCI_EXP_SLTSTA_DLLSC) && (ctl & PCI_EXP_SLTCTL_DLLSCE)));
    if (prev == d->exp.hpev_notified) {
        return;
    }
    if (msi_enabled(d)) {
        msi_notify(d, pcie_cap_flags_get_vector(d));
    } else if (pci_intx(d) != -1) {
        pci_set_irq(d, d->exp.hpev_notified);
    }
}

/* The slot as an unpopulated one after reset: powered off, LED off */
static void dsp_slot_power_off(PCIDevice *d)
{
    uint8_t *exp_cap = d->config + d->exp.exp_cap;

    if (d->cap_present & QEMU_PCIE_SLTCAP_PCP) {
        pci_word_test_and_clear_mask(exp_cap + PCI_EXP_SLTCTL,
                                     PCI_EXP_SLTCTL_PIC);
        pci_word_test_and_set_mask(exp_cap + PCI_EXP_SLTCTL,
                                   PCI_EXP_SLTCTL_PWR_OFF |
                                   PCI_EXP_SLTCTL_PWR_IND_OFF);
    }
}

/*
 * While an unbind waits for the host, the device is "partially hot-plugged"
 * with an unplug pending (as failover devices are): the host still sees
 * it, and pcie.c's slot power-off keeps it instead of unplugging it.
 */
static bool dsp_slot_powered_off(PCIDevice *d)
{
    uint16_t sltctl = pci_get_word(d->config + d->exp.exp_cap +
                                   PCI_EXP_SLTCTL);

    return (d->cap_present & QEMU_PCIE_SLTCAP_PCP) &&
           (sltctl & PCI_EXP_SLTCTL_PCC) == PCI_EXP_SLTCTL_PWR_OFF;
}

static void dsp_set_partially_hotplugged(CXLDownstreamPort *dsp, bool on)
{
    PCIDevice *dev = cxl_dsp_device(dsp);

    if (dev) {
        dev->partially_hotplugged = on;
        dev->qdev.pending_deleted_event = on;
    }
}

/* A pending unbind is done: the host has let go of the link */
static void dsp_unbind_done(CXLDownstreamPort *dsp)
{
    dsp_set_partially_hotplugged(dsp, false);
    dsp->binding = CXL_DSP_UNBOUND;
    dsp_sync_visibility(dsp);
    trace_cxl_dsp_binding(DEVICE(dsp)->id ?: "", "unbound");
}

void cxl_dsp_bind(CXLDownstreamPort *dsp)
{
    PCIDevice *d = PCI_DEVICE(dsp);
    PCIDevice *dev = cxl_dsp_device(dsp);

    assert(!dsp_bound(dsp));
    dsp->binding = CXL_DSP_BOUND;
    trace_cxl_dsp_binding(DEVICE(dsp)->id ?: "", "bound");
    if (!dev) {
        return;                 /* bound to an empty port */
    }
    /* the device shows when the host has the slot powered */
    if (!dsp_slot_powered_off(d)) {
        pci_set_enabled(dev, true);
    }
    dsp_set_presence(d, true);
    dsp_slot_event(d, PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_DLLSC);
}

void cxl_dsp_unbind(CXLDownstreamPort *dsp, CXLUnbindMode mode)
{
    PCIDevice *d = PCI_DEVICE(dsp);
    uint16_t sltsta = pci_get_word(d->config + d->exp.exp_cap +
                                   PCI_EXP_SLTSTA);

    assert(dsp->binding == CXL_DSP_BOUND);
    if (!(sltsta & PCI_EXP_SLTSTA_PDS)) {
        /* nothing the host sees on the port: nothing to wait for */
        dsp_unbind_done(dsp);
        return;
    }
    if (mode == CXL_DSP_UNBIND_SURPRISE || dsp_slot_powered_off(d)) {
        /* at once (the host does not use a slot it powered off) */
        dsp_set_presence(d, false);
        dsp_unbind_done(dsp);
        dsp_slot_event(d, PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_DLLSC);
        return;
    }
    /*
     * Wait for the host to power the slot off. pcie_cap_slot_write_config()
     * then clears presence detect and data link layer link active; the
     * device is kept (partially hot-plugged) for a later bind.
     */
    dsp->binding = CXL_DSP_UNBINDING;
    dsp_set_partially_hotplugged(dsp, true);
    trace_cxl_dsp_binding(DEVICE(dsp)->id ?: "", "unbinding");
    if (mode == CXL_DSP_UNBIND_MANAGED) {
        pcie_cap_slot_push_attention_button(d);
    }
}

void cxl_dsp_unbind_cancel(CXLDownstreamPort *dsp)
{
    if (dsp->binding == CXL_DSP_UNBINDING) {
        dsp_set_partially_hotplugged(dsp, false);
        dsp->binding = CXL_DSP_BOUND;
        trace_cxl_dsp_binding(DEVICE(dsp)->id ?: "", "bound");
    }
}

/* After the host wrote the slot registers or reset them */
static void dsp_binding_update(CXLDownstreamPort *dsp)
{
    PCIDevice *d = PCI_DEVICE(dsp);
    uint16_t sltsta = pci_get_word(d->config + d->exp.exp_cap +
                                   PCI_EXP_SLTSTA);

    if (dsp->binding == CXL_DSP_UNBINDING &&
        !(sltsta & PCI_EXP_SLTSTA_PDS)) {
        dsp_unbind_done(dsp);
    }
    dsp_sync_visibility(dsp);
}

/* Hot-plug handler: a device plugged below an unbound vPPB stays hidden */
static void dsp_plug_cb(HotplugHandler *hotplug_dev, DeviceState *dev,
                        Error **errp)
{
    CXLDownstreamPort *dsp = CXL_DSP(hotplug_dev);

    if (dsp_bound(dsp)) {
        pcie_cap_slot_plug_cb(hotplug_dev, dev, errp);
        return;
    }
    pci_set_enabled(PCI_DEVICE(dev), false);
}

static void dsp_unplug_request_cb(HotplugHandler *hotplug_dev,
                                  DeviceState *dev, Error **errp)
{
    ERRP_GUARD();
    CXLDownstreamPort *dsp = CXL_DSP(hotplug_dev);

    switch (dsp->binding) {
    case CXL_DSP_BOUND:
        pcie_cap_slot_unplug_request_cb(hotplug_dev, dev, errp);
        break;
    case CXL_DSP_UNBOUND:
        /* the host does not see it: remove it at once */
        hotplug_handler_unplug(hotplug_dev, dev, errp);
        if (!*errp) {
            object_unparent(OBJECT(dev));
        }
        break;
    default:
        error_setg(errp, "%s '%s': a bind or unbind of its vPPB is in "
                   "progress", TYPE_CXL_DSP, DEVICE(dsp)->id ?: "");
        break;
    }
}

static void dsp_realize(PCIDevice *d, Error **errp)
{
    ERRP_GUARD();
    CXLDownstreamPort *dsp = CXL_DSP(d);
    PCIESlot *s = PCIE_SLOT(d);
    PCIBus *bus = pci_get_bus(d);
    PCIDevice *up = bus->parent_dev;
    CXLRegBlock blocks[1 + CXL_PMU_MAX_INSTANCES];
    unsigned nr_blocks;
    int rc;

    trace_cxl_dsp_realize(DEVICE(d)->id ?: "", d->devfn, PCIE_PORT(d)->port,
                          s->chassis, s->slot);
    if (!up || !object_dynamic_cast(OBJECT(up), TYPE_CXL_USP)) {
        error_setg(errp, "%s: a CXL switch downstream port must be on the "
                   "bus of a CXL switch upstream port (bus=<cxl-upstream "
                   "id>)", TYPE_CXL_DSP);
        return;
    }
    for (int devfn = 0, n = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        PCIDevice *o = bus->devices[devfn];

        if (o && o != d && object_dynamic_cast(OBJECT(o), TYPE_CXL_DSP) &&
            ++n == CXL_SWITCH_MAX_DSPS) {
            error_setg(errp, "%s: a switch has at most %d downstream ports "
                       "(the FM API counts a switch's ports in one byte)",
                       TYPE_CXL_DSP, CXL_SWITCH_MAX_DSPS);
            return;
        }
        if (o && o != d && object_dynamic_cast(OBJECT(o), TYPE_CXL_DSP) &&
            PCIE_PORT(o)->port == PCIE_PORT(d)->port) {
            error_setg(errp, "%s: port %u is already used by downstream port "
                       "'%s' of this switch; the upstream port's decoders "
                       "tell downstream ports apart by port number",
                       TYPE_CXL_DSP, PCIE_PORT(d)->port,
                       o->qdev.id ? o->qdev.id : object_get_typename(OBJECT(o)));
            return;
        }
    }
    if (!cxl_pmu_check(&dsp->pmus, TYPE_CXL_DSP, errp) ||
        sw_common_init(d, PCI_EXP_TYPE_DOWNSTREAM, errp) < 0) {
        return;
    }
    dsp->binding = dsp->bound_at_boot ? CXL_DSP_BOUND : CXL_DSP_UNBOUND;
    cxl_link_init_port_flit(d, dsp->flit);
    pcie_cap_slot_init(d, s);
    if (dsp_link_reports_dllla(d)) {
        /* Data Link Layer State Changed events (vPPB bind and unbind) */
        pci_word_test_and_set_mask(d->wmask + d->exp.exp_cap +
                                   PCI_EXP_SLTCTL, PCI_EXP_SLTCTL_DLLSCE);
        pci_word_test_and_set_mask(d->w1cmask + d->exp.exp_cap +
                                   PCI_EXP_SLTSTA, PCI_EXP_SLTSTA_DLLSC);
    }
    pcie_cap_arifwd_init(d);
    pcie_chassis_create(s->chassis);
    rc = pcie_chassis_add_slot(s);
    if (rc < 0) {
        error_setg(errp, "%s: chassis %u slot %u is already in use",
                   TYPE_CXL_DSP, s->chassis, s->slot);
        goto fail;
    }
    if (pcie_aer_init(d, PCI_ERR_VER, SW_AER_OFFSET, PCI_ERR_SIZEOF,
                      errp) < 0) {
        pcie_chassis_del_slot(s);
        goto fail;
    }
    /* where an upstream port has its DSN (none here) and DOE */
    pcie_doe_init(d, &dsp->doe, SW_DOE_OFFSET, dsp_doe_protocols, true, 0);
    cxl_component_init(&dsp->regs, OBJECT(d), "cxl-dsp-registers", NULL);
    nr_blocks = sw_component_bar(d, &dsp->regs, &dsp->pmus, "cxl-dsp-cpmu",
                                 blocks);
    cxl_dvsec_add_port(d, SW_DVSEC_OFFSET, blocks, nr_blocks);
    return;

fail:
    pcie_cap_exit(d);
    msi_uninit(d);
    pci_bridge_exitfn(d);
}

static void dsp_exit(PCIDevice *d)
{
    cxl_pmu_unrealize(&CXL_DSP(d)->pmus);
    pcie_doe_fini(&CXL_DSP(d)->doe);
    pcie_chassis_del_slot(PCIE_SLOT(d));
    sw_common_exit(d);
}

static void dsp_write_config(PCIDevice *d, uint32_t addr, uint32_t val,
                             int len)
{
    uint16_t slt_ctl, slt_sta;

    pcie_cap_slot_get(d, &slt_ctl, &slt_sta);
    pcie_doe_write_config(&CXL_DSP(d)->doe, addr, val, len);
    pci_bridge_write_config(d, addr, val, len);
    pcie_cap_flr_write_config(d, addr, val, len);
    pcie_cap_slot_write_config(d, slt_ctl, slt_sta, addr, val, len);
    pcie_aer_write_config(d, addr, val, len);
    dsp_binding_update(CXL_DSP(d));
}

static uint32_t dsp_read_config(PCIDevice *d, uint32_t addr, int len)
{
    uint32_t val;

    if (pcie_doe_read_config(&CXL_DSP(d)->doe, addr, len, &val)) {
        return val;
    }
    return cxl_port_read_config(d, addr, len);
}

static const Property dsp_properties[] = {
    DEFINE_PROP_PCIE_LINK_SPEED("x-speed", PCIESlot, speed,
                                PCIE_LINK_SPEED_64),
    DEFINE_PROP_PCIE_LINK_WIDTH("x-width", PCIESlot, width,
                                PCIE_LINK_WIDTH_16),
    DEFINE_PROP_BOOL("x-256b-flit", CXLDownstreamPort, flit, true),
    DEFINE_PROP_BOOL("bound", CXLDownstreamPort, bound_at_boot, true),
    /* CPMUs (hw/cxl/cxl-pmu.c): none by default */
    DEFINE_CXL_PMU_PROPERTIES(CXLDownstreamPort, pmus),
    /*
     * a slot power controller, as QEMU's other downstream ports: the host
     * powers the slot off to release a device (hot-remove, vPPB unbind)
     */
    DEFINE_PROP_BIT(COMPAT_PROP_PCP, PCIDevice, cap_present,
                    QEMU_PCIE_SLTCAP_PCP_BITNR, true),
};

static void dsp_reset(DeviceState *dev)
{
    PCIDevice *d = PCI_DEVICE(dev);
    CXLDownstreamPort *dsp = CXL_DSP(dev);

    trace_cxl_dsp_reset(dev->id ?: "", d->devfn);
    pcie_cap_deverr_reset(d);
    pcie_cap_slot_reset(d);
    pci_word_test_and_clear_mask(d->config + d->exp.exp_cap + PCI_EXP_SLTCTL,
                                 PCI_EXP_SLTCTL_DLLSCE);
    pci_word_test_and_clear_mask(d->config + d->exp.exp_cap + PCI_EXP_SLTSTA,
                                 PCI_EXP_SLTSTA_DLLSC);
    /* the fabric manager's binding survives; a pending unbind is done */
    if (dsp->binding == CXL_DSP_UNBINDING) {
        dsp_unbind_done(dsp);
    }
    if (!dsp_bound(dsp)) {
        dsp_set_presence(d, false);
        dsp_slot_power_off(d);
    } else if (cxl_dsp_device(dsp)) {
        dsp_set_presence(d, true);
    }
    dsp_sync_visibility(dsp);
    pcie_cap_arifwd_reset(d);
    pci_bridge_reset(dev);
    cxl_component_reset(&CXL_DSP(dev)->regs);
    cxl_pmu_reset(&CXL_DSP(dev)->pmus);
    /* BI Decoder (BI Forward) when a device below has hdm-db=on */
    cxl_component_init_bi(&CXL_DSP(dev)->regs,
                          cxl_bus_has_hdm_db(pci_bridge_get_sec_bus(
                              PCI_BRIDGE(d))) ? CXL_BI_DECODER : CXL_BI_NONE);
    cxl_aer_unmask_internal(d);
}

static int dsp_pre_save(void *opaque)
{
    CXLDownstreamPort *dsp = opaque;

    dsp->mig_binding = dsp->binding;
    return 0;
}

static int dsp_post_load(void *opaque, int version_id)
{
    CXLDownstreamPort *dsp = opaque;

    if (dsp->mig_binding > CXL_DSP_UNBINDING) {
        return -EINVAL;
    }
    dsp->binding = dsp->mig_binding;
    /* whether the host sees the device below follows the binding */
    dsp_sync_visibility(dsp);
    return pcie_cap_slot_post_load(opaque, version_id);
}

DEFINE_CXL_PMU_VMSTATE(dsp_pmu_vmstate, TYPE_CXL_DSP, CXLDownstreamPort,
                       pmus);

/* The Compliance DOE mailbox (a subsection: streams before it load) */
static const VMStateDescription dsp_doe_vmstate = {
    .name = TYPE_CXL_DSP "/doe",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_STRUCT(doe, CXLDownstreamPort, 1, vmstate_cxl_doe, DOECap),
        VMSTATE_END_OF_LIST()
    },
};

/*
 * Configuration space (slot, MSI), AER log, the vPPB's binding, the
 * component registers, the CPMUs and the Compliance DOE exchange in
 * progress.
 */
static const VMStateDescription dsp_vmstate = {
    .name = TYPE_CXL_DSP,
    .priority = MIG_PRI_PCI_BUS,
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = dsp_pre_save,
    .post_load = dsp_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_PCI_DEVICE(parent_obj.parent_obj.parent_obj.parent_obj,
                           CXLDownstreamPort),
        VMSTATE_STRUCT(parent_obj.parent_obj.parent_obj.parent_obj.exp.aer_log,
                       CXLDownstreamPort, 0, vmstate_pcie_aer_log, PCIEAERLog),
        VMSTATE_UINT32(mig_binding, CXLDownstreamPort),
        VMSTATE_STRUCT(regs, CXLDownstreamPort, 1, vmstate_cxl_component,
                       CXLComponentRegs),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription * const []) {
        &dsp_doe_vmstate,
        &dsp_pmu_vmstate,
        NULL
    },
};

static CXLComponentRegs *dsp_ras_regs(Object *obj)
{
    return &CXL_DSP(obj)->regs;
}

static void dsp_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(oc);

    HotplugHandlerClass *hc = HOTPLUG_HANDLER_CLASS(oc);

    CXL_RAS_SOURCE_CLASS(oc)->ras_regs = dsp_ras_regs;
    hc->plug = dsp_plug_cb;
    hc->unplug_request = dsp_unplug_request_cb;
    k->realize = dsp_realize;
    k->exit = dsp_exit;
    k->config_write = dsp_write_config;
    k->config_read = dsp_read_config;
    k->vendor_id = PCI_VENDOR_ID_INTEL;
    k->device_id = DSP_DEVICE_ID;
    k->revision = 1;
    set_bit(DEVICE_CATEGORY_BRIDGE, dc->categories);
    dc->desc = "CXL Switch Downstream Port";
    device_class_set_props(dc, dsp_properties);
    device_class_set_legacy_reset(dc, dsp_reset);
    dc->vmsd = &dsp_vmstate;
}

static const TypeInfo cxl_switch_types[] = {
    {
        .name = TYPE_CXL_USP,
        .parent = TYPE_PCIE_PORT,
        .instance_size = sizeof(CXLUpstreamPort),
        .class_init = usp_class_init,
        .interfaces = (const InterfaceInfo[]) {
            { INTERFACE_PCIE_DEVICE },
            { INTERFACE_CXL_DEVICE },
            { TYPE_CXL_MEM_TARGET },
            { TYPE_CXL_RAS_SOURCE },
            { }
        },
    }, {
        .name = TYPE_CXL_DSP,
        .parent = TYPE_PCIE_SLOT,
        .instance_size = sizeof(CXLDownstreamPort),
        .class_init = dsp_class_init,
        .interfaces = (const InterfaceInfo[]) {
            { INTERFACE_PCIE_DEVICE },
            { INTERFACE_CXL_DEVICE },
            { TYPE_CXL_RAS_SOURCE },
            { }
        },
    },
};

DEFINE_TYPES(cxl_switch_types)
