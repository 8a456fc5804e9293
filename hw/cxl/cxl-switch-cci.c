/*
 * cxl-switch-mailbox-cci: the Switch Mailbox CCI of a CXL switch.
 *
 * A PCI function (usually function 1 beside the upstream port, which then
 * needs multifunction=on) whose BAR 0 holds CXL device registers with a
 * primary mailbox (found through its register locator DVSEC, block ID
 * 03h). The mailbox is served by the project's CCI engine with the
 * generic commands (Identify reports a switch; logs, timestamp,
 * background operations) and the FM API physical switch commands
 * (CXL r3.1 7.6.7.1):
 *
 *  5100h Identify Switch Device, 0x49 bytes out: ingress port ID, rsvd,
 *        number of physical ports, number of VCSs, active port bitmask
 *        (32 bytes), active VCS bitmask (32 bytes), total and bound vPPBs
 *        (2 bytes each), HDM decoders per USP.
 *  5101h Get Physical Port State: in, a port count and that many port IDs;
 *        out, the count, 3 reserved bytes, then 16 bytes per port: port
 *        ID, config state (3 DSP, 4 USP), connected device CXL version,
 *        rsvd, connected device type (0 none, 4 CXL Type 3 SLD, 3 a
 *        switch), connected protocols (bit 0 CXL.io, 2 CXL.mem), maximum
 *        and negotiated link width, supported speeds vector, maximum and
 *        current speed, LTSSM state (3: L0), first lane, link state flags
 *        (2 bytes), supported LD count.
 *  5102h Physical Port Control: PPB ID and opcode (0 assert PERST, 1
 *        deassert PERST, 2 reset PPB); a reset of a downstream port resets
 *        what is below it.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "hw/pci/msi.h"
#include "hw/pci/pci_bridge.h"
#include "hw/pci/pcie_port.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "hw/cxl/cxl-dvsec.h"
#include "hw/cxl/cxl-switch-cci.h"
#include "hw/cxl/cxl-type3.h"
#include "trace.h"

#define SCCI_PCIE_OFFSET        0x80
#define SCCI_MSI_OFFSET         0x60
#define SCCI_DVSEC_OFFSET       0x100
#define SCCI_CLASS              0x0c0b  /* CXL switch mailbox CCI */
#define SCCI_DEVICE_ID          0xc003
#define SCCI_DEFAULT_PAYLOAD    (64 * 1024)

#define IDENTIFY_SWITCH_LEN     0x49
#define PORT_STATE_HDR          4
#define PORT_STATE_INFO         16

enum {
    PORT_CONFIG_DSP = 3,
    PORT_CONFIG_USP = 4,
    PORT_CONFIG_INVALID = 0xf,
};

enum {
    DEVICE_NONE = 0,
    DEVICE_PCIE = 1,
    DEVICE_SWITCH = 3,          /* Type 2 device or HBR switch */
    DEVICE_TYPE3_SLD = 4,
};

unsigned cxl_switch_ports(CXLUpstreamPort *usp, CXLSwitchPortInfo *ports)
{
    PCIBus *sec = pci_bridge_get_sec_bus(PCI_BRIDGE(usp));
    DECLARE_BITMAP(used, CXL_SWITCH_MAX_PORTS) = { 0 };
    unsigned n = 1, id;

    for (int devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        PCIDevice *d = sec->devices[devfn];

        if (d && object_dynamic_cast(OBJECT(d), TYPE_CXL_DSP) &&
            n < CXL_SWITCH_MAX_PORTS) {
            ports[n].id = PCIE_PORT(d)->port;
            ports[n].port = d;
            ports[n++].upstream = false;
            set_bit(PCIE_PORT(d)->port, used);
        }
    }
    id = PCIE_PORT(usp)->port;
    if (test_bit(id, used)) {
        id = find_first_zero_bit(used, CXL_SWITCH_MAX_PORTS);
    }
    ports[0].id = id;
    ports[0].port = PCI_DEVICE(usp);
    ports[0].upstream = true;
    return n;
}

static CXLUpstreamPort *target_of(CXLCCI *cci)
{
    return CXL_SWITCH_CCI(cci->opaque)->target;
}

static CXLRetCode cmd_identify_switch(CXLCCI *cci, const uint8_t *in,
                                      size_t in_len, uint8_t *out,
                                      size_t *out_len)
{
    CXLSwitchPortInfo ports[CXL_SWITCH_MAX_PORTS];
    unsigned n = cxl_switch_ports(target_of(cci), ports);

    memset(out, 0, IDENTIFY_SWITCH_LEN);
    out[0] = ports[0].id;       /* the mailbox sits at the upstream port */
    out[2] = n;
    out[3] = 1;                 /* one virtual CXL switch */
    for (unsigned i = 0; i < n; i++) {
        out[4 + ports[i].id / 8] |= BIT(ports[i].id % 8);
    }
    out[36] = BIT(0);           /* VCS 0 active */
    stw_le_p(out + 68, n - 1);  /* a vPPB per downstream port, all bound */
    stw_le_p(out + 70, n - 1);
    out[72] = CXL_USP_DECODERS;
    *out_len = IDENTIFY_SWITCH_LEN;
    return CXL_RC_SUCCESS;
}

/* What is connected below a port, as Get Physical Port State says it */
static void port_info(const CXLSwitchPortInfo *p, uint8_t *o)
{
    PCIDevice *below = NULL;

    memset(o, 0, PORT_STATE_INFO);
    o[0] = p->id;
    o[1] = p->upstream ? PORT_CONFIG_USP : PORT_CONFIG_DSP;
    if (!p->upstream) {
        below = pci_bridge_get_sec_bus(PCI_BRIDGE(p->port))->devices[0];
    }
    if (p->upstream || below) {
        o[2] = BIT(1);                          /* CXL 2.0 */
        o[5] = BIT(0) | BIT(2);                 /* CXL.io, CXL.mem */
        if (p->upstream) {
            o[4] = DEVICE_NONE;                 /* the host side */
        } else if (object_dynamic_cast(OBJECT(below), TYPE_CXL_TYPE3)) {
            o[4] = DEVICE_TYPE3_SLD;
        } else if (object_dynamic_cast(OBJECT(below), TYPE_CXL_USP)) {
            o[4] = DEVICE_SWITCH;
        } else {
            o[4] = DEVICE_PCIE;
            o[5] = BIT(0);
        }
        o[6] = 16;                              /* x16 */
        o[7] = 16;
        o[8] = 0x1f;                            /* 2.5 to 32 GT/s */
        o[9] = 5;                               /* 32 GT/s */
        o[10] = 5;
        o[11] = 3;                              /* L0 */
    } else {
        o[6] = 16;
        o[8] = 0x1f;
        o[9] = 5;
    }
    o[15] = 1;                                  /* one LD */
}

static const CXLSwitchPortInfo *find_port(const CXLSwitchPortInfo *ports,
                                          unsigned n, uint8_t id)
{
    for (unsigned i = 0; i < n; i++) {
        if (ports[i].id == id) {
            return &ports[i];
        }
    }
    return NULL;
}

static CXLRetCode cmd_get_port_state(CXLCCI *cci, const uint8_t *in,
                                     size_t in_len, uint8_t *out,
                                     size_t *out_len)
{
    CXLSwitchPortInfo ports[CXL_SWITCH_MAX_PORTS];
    unsigned n = cxl_switch_ports(target_of(cci), ports);
    unsigned req = in[0];

    if (in_len != 1 + req) {
        return CXL_RC_INVALID_PAYLOAD_LENGTH;
    }
    if (!req || PORT_STATE_HDR + req * PORT_STATE_INFO > cci->payload_max) {
        return CXL_RC_INVALID_INPUT;
    }
    for (unsigned i = 0; i < req; i++) {
        if (!find_port(ports, n, in[1 + i])) {
            return CXL_RC_INVALID_INPUT;
        }
    }
    memset(out, 0, PORT_STATE_HDR);
    out[0] = req;
    for (unsigned i = 0; i < req; i++) {
        port_info(find_port(ports, n, in[1 + i]),
                  out + PORT_STATE_HDR + i * PORT_STATE_INFO);
    }
    *out_len = PORT_STATE_HDR + req * PORT_STATE_INFO;
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_port_control(CXLCCI *cci, const uint8_t *in,
                                   size_t in_len, uint8_t *out,
                                   size_t *out_len)
{
    CXLSwitchPortInfo ports[CXL_SWITCH_MAX_PORTS];
    unsigned n = cxl_switch_ports(target_of(cci), ports);
    const CXLSwitchPortInfo *p = find_port(ports, n, in[0]);

    trace_cxl_switch_port_control(in[0], in[1]);
    if (!p || p->upstream || in[1] > 2) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: Physical Port Control: port %u "
                      "operation %u: %s\n", cci->name, in[0], in[1],
                      !p ? "no such port" :
                      p->upstream ? "not a downstream port" :
                      "no such operation");
        return CXL_RC_INVALID_INPUT;
    }
    if (in[1] == 2) {
        /* reset the PPB: the port and everything below it */
        bus_cold_reset(BUS(pci_bridge_get_sec_bus(PCI_BRIDGE(p->port))));
        device_cold_reset(DEVICE(p->port));
    }
    /* PERST# assert/deassert: nothing to model for an emulated link */
    return CXL_RC_SUCCESS;
}

const CXLCCICommand cxl_switch_commands[] = {
    { CXL_OP_IDENTIFY_SWITCH_DEVICE, "Identify Switch Device",
      cmd_identify_switch, CXL_CCI_IN_EXACT, 0, 0 },
    { CXL_OP_GET_PHYSICAL_PORT_STATE, "Get Physical Port State",
      cmd_get_port_state, CXL_CCI_IN_MIN, 1, 0 },
    { CXL_OP_PHYSICAL_PORT_CONTROL, "Physical Port Control",
      cmd_port_control, CXL_CCI_IN_EXACT, 2,
      CXL_CEL_IMMEDIATE_CONFIG_CHANGE },
};
const size_t cxl_switch_commands_len = ARRAY_SIZE(cxl_switch_commands);

/* ---- the PCI function ---- */

static void scci_irq(void *opaque, unsigned vector)
{
    PCIDevice *d = opaque;

    if (msi_enabled(d)) {
        msi_notify(d, vector);
    }
}

static void scci_realize(PCIDevice *d, Error **errp)
{
    ERRP_GUARD();
    CXLSwitchCCI *s = CXL_SWITCH_CCI(d);
    static const CXLRegBlock block = {
        .bar = 0, .id = CXL_REGLOC_MEMDEV, .offset = 0,
    };

    trace_cxl_switch_cci_realize(DEVICE(d)->id ?: "", d->devfn,
                                 s->payload_size);
    if (!s->target) {
        error_setg(errp, "%s: target must name the switch's cxl-upstream "
                   "port (target=<cxl-upstream id>)", TYPE_CXL_SWITCH_CCI);
        return;
    }
    if (!is_power_of_2(s->payload_size) ||
        s->payload_size < CXL_CCI_PAYLOAD_MIN ||
        s->payload_size > CXL_CCI_PAYLOAD_MAX) {
        error_setg(errp, "%s: mailbox-payload-size must be a power of two "
                   "from 256 to 1048576 (got %" PRIu32 ")", TYPE_CXL_SWITCH_CCI,
                   s->payload_size);
        return;
    }
    if (pcie_endpoint_cap_init(d, SCCI_PCIE_OFFSET) < 0 ||
        msi_init(d, SCCI_MSI_OFFSET, 1, true, false, errp) < 0) {
        if (!*errp) {
            error_setg(errp, "%s: PCIe capability", TYPE_CXL_SWITCH_CCI);
        }
        return;
    }

    cxl_cci_init(&s->cci, OBJECT(d), "cxl-switch-cci", s, s->payload_size);
    s->cci.vendor_id = pci_get_word(d->config + PCI_VENDOR_ID);
    s->cci.device_id = pci_get_word(d->config + PCI_DEVICE_ID);
    s->cci.subsys_vendor_id = pci_get_word(d->config + PCI_SUBSYSTEM_VENDOR_ID);
    s->cci.subsys_id = pci_get_word(d->config + PCI_SUBSYSTEM_ID);
    s->cci.serial = s->target->sn;
    s->cci.component_type = CXL_CCI_COMPONENT_SWITCH;
    cxl_cci_add_commands(&s->cci, cxl_switch_commands,
                         cxl_switch_commands_len);
    cxl_cci_finalize(&s->cci);

    s->regs.opaque = d;
    s->regs.irq = scci_irq;
    s->regs.irq_vector = 0;
    cxl_device_regs_init(&s->regs, OBJECT(d), "cxl-switch-cci-registers",
                         &s->cci, false);
    pci_register_bar(d, 0, PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64, &s->regs.mr);
    cxl_dvsec_add_register_locator(d, SCCI_DVSEC_OFFSET, &block, 1);
}

static void scci_exit(PCIDevice *d)
{
    CXLSwitchCCI *s = CXL_SWITCH_CCI(d);

    cxl_device_regs_cleanup(&s->regs);
    cxl_cci_cleanup(&s->cci);
    msi_uninit(d);
}

static void scci_reset(DeviceState *dev)
{
    CXLSwitchCCI *s = CXL_SWITCH_CCI(dev);

    trace_cxl_switch_cci_reset(dev->id ?: "", PCI_DEVICE(dev)->devfn);
    cxl_cci_reset(&s->cci);
    cxl_device_regs_reset(&s->regs);
}

static const Property scci_properties[] = {
    DEFINE_PROP_LINK("target", CXLSwitchCCI, target, TYPE_CXL_USP,
                     CXLUpstreamPort *),
    DEFINE_PROP_UINT32("mailbox-payload-size", CXLSwitchCCI, payload_size,
                       SCCI_DEFAULT_PAYLOAD),
};

static const VMStateDescription scci_vmstate = {
    .name = TYPE_CXL_SWITCH_CCI,
    .unmigratable = 1,
};

static void scci_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(oc);

    k->realize = scci_realize;
    k->exit = scci_exit;
    k->vendor_id = PCI_VENDOR_ID_INTEL;
    k->device_id = SCCI_DEVICE_ID;
    k->class_id = SCCI_CLASS;
    k->revision = 1;
    dc->desc = "CXL Switch Mailbox CCI";
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
    device_class_set_legacy_reset(dc, scci_reset);
    device_class_set_props(dc, scci_properties);
    dc->vmsd = &scci_vmstate;
}

static const TypeInfo scci_info = {
    .name = TYPE_CXL_SWITCH_CCI,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(CXLSwitchCCI),
    .class_init = scci_class_init,
    .interfaces = (const InterfaceInfo[]) {
        { INTERFACE_PCIE_DEVICE },
        { }
    },
};

static void scci_register_types(void)
{
    type_register_static(&scci_info);
}

type_init(scci_register_types)
