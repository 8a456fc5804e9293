/*
 * cxl-switch-mailbox-cci: the Switch Mailbox CCI of a CXL switch.
 *
 * A PCI function (usually function 1 beside the upstream port, which then
 * needs multifunction=on) whose BAR 0 holds CXL device registers with a
 * primary mailbox (found through its register locator DVSEC, block ID
 * 03h). The mailbox is served by the project's CCI engine with the
 * generic commands (Identify reports a switch; logs, timestamp,
 * background operations) and the FM API physical switch commands
 * (CXL r3.1 7.6.7.1; payloads in cxl-mailbox.h):
 *
 *  5100h Identify Switch Device (CXLIdentifySwitchOut).
 *  5101h Get Physical Port State (CXLGetPortStateIn/Out): for each port
 *        asked, a CXLPortStateInfo: connected device type 0 none, 4 CXL
 *        Type 3 SLD, 3 a switch; LTSSM state 3: L0.
 *  5102h Physical Port Control (CXLPortControlIn): opcode 0 assert
 *        PERST, 1 deassert PERST, 2 reset PPB; a reset of a downstream
 *        port resets what is below it. QMP: cxl-port-control.
 *  5103h Send PPB CXL.io Configuration Request (CXLPPBConfigIn/Out, from
 *        memory): a config access of the device below a downstream port,
 *        bound or not, see cmd_ppb_config().
 *
 * the FM API virtual switch commands (CXL r3.1 7.6.7.2, from memory;
 * VCS 0 is the upstream port the CCI serves (target) with its downstream
 * ports as vPPBs; a cxl-upstream with vcs-of=<target> adds VCS 1, 2...,
 * whose vPPBs show LDs of MLDs, see hw/pci-bridge/cxl-switch.c and
 * hw/cxl/cxl-switch-mld.c):
 *
 *  5200h Get Virtual CXL Switch Info (CXLGetVCSInfoIn/Out).
 *  5201h Bind vPPB (CXLBindVPPBIn), 5202h Unbind vPPB (CXLUnbindVPPBIn):
 *        background operations, see cmd_bind_vppb(), cmd_unbind_vppb().
 *  5203h Generate AER Event (CXLGenerateAERIn): an AER error detected by
 *        the vPPB's downstream port.
 *
 * and the FM API Tunnel Management Command (CXL r3.1 7.6.7.3.1, from
 * memory; CXLTunnelIn/Out):
 *
 *  5300h Tunnel Management Command: a CCI request message for the
 *        component below a downstream port, run on the fabric manager's
 *        CCI of the cxl-type3 there (cxl_type3_fm_cci(): a device with
 *        dynamic capacity has one, and an MLD, its LD-FAM CCI, see
 *        hw/mem/cxl-type3-mld.c) with cxl_cci_msg_execute(); the output
 *        is its response message. The tunnelled command's own return code
 *        is inside the response message: the tunnel succeeds whenever a
 *        response came back. Errors of the tunnel itself (the general
 *        rules of CXL r3.1 8.2.8.4.5.1; the choices are ours):
 *        - input shorter than 4 bytes, Command Size not the bytes after
 *          the 4-byte header, or smaller than a message header (12):
 *          Invalid Payload Length;
 *        - target type 1 (an LD pool CCI: not modelled): Unsupported;
 *          any other target type but 0: Invalid Input;
 *        - no such port, the upstream port, a port with nothing below it,
 *          or with something else than a cxl-type3 with an FM CCI (a
 *          device without dynamic capacity, another switch, a PCIe
 *          device): Invalid Input;
 *        - the message is not a request (category not 0): Invalid Input;
 *        - its response does not fit in this mailbox's payload after the
 *          4-byte output header: Invalid Payload Length (the command has
 *          run; only read-only commands have long outputs).
 *        A request whose payload length field disagrees with Command Size
 *        gets a response with Invalid Payload Length (cxl-cci.h). A
 *        tunnelled Tunnel Management Command nests only on an MLD's
 *        LD-FAM CCI (to one of its LDs' CCIs); the other targets (DCD
 *        FM CCIs) do not have 5300h, so it comes back as Unsupported
 *        inside the response.
 *
 * and, on an MLD's port, the FM API's Send LD CXL.io Configuration and
 * Memory Requests (5301h, 5302h, hw/cxl/cxl-switch-mld.c).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/error-report.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-cxl.h"
#include "hw/pci/msi.h"
#include "hw/pci/pci_bridge.h"
#include "hw/pci/pcie_aer.h"
#include "hw/pci/pcie_port.h"
#include "hw/qdev-properties.h"
#include "hw/registerfields.h"
#include "migration/vmstate.h"
#include "hw/cxl/cxl-dvsec.h"
#include "hw/cxl/cxl-events.h"
#include "hw/cxl/cxl-mailbox.h"
#include "hw/cxl/cxl-switch-cci.h"
#include "hw/cxl/cxl-type3.h"
#include "trace.h"

#define SCCI_PCIE_OFFSET        0x80
#define SCCI_MSI_OFFSET         0x60
#define SCCI_DVSEC_OFFSET       0x100
#define SCCI_CLASS              0x0c0b  /* CXL switch mailbox CCI */
#define SCCI_DEVICE_ID          0xc003
#define SCCI_DEFAULT_PAYLOAD    (64 * 1024)

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
    DEVICE_TYPE3_MLD = 5,       /* from memory */
};

/* Physical Port Control opcodes */
enum {
    PORT_CONTROL_ASSERT_PERST = 0,
    PORT_CONTROL_DEASSERT_PERST = 1,
    PORT_CONTROL_RESET_PPB = 2,
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

typedef struct FindSwitchCCI {
    CXLUpstreamPort *usp;
    CXLSwitchCCI *found;
} FindSwitchCCI;

static int find_switch_cci(Object *obj, void *opaque)
{
    FindSwitchCCI *f = opaque;
    CXLSwitchCCI *s = (CXLSwitchCCI *)object_dynamic_cast(obj,
                                                          TYPE_CXL_SWITCH_CCI);

    if (s && s->target == f->usp) {
        f->found = s;
        return 1;
    }
    return 0;
}

CXLSwitchCCI *cxl_switch_cci_of(CXLUpstreamPort *usp)
{
    FindSwitchCCI f = { .usp = usp };

    object_child_foreach_recursive(object_get_root(), find_switch_cci, &f);
    return f.found;
}

static CXLUpstreamPort *target_of(CXLCCI *cci)
{
    return CXL_SWITCH_CCI(cci->opaque)->target;
}

static CXLRetCode cmd_identify_switch(CXLCCI *cci, const uint8_t *in,
                                      size_t in_len, uint8_t *out,
                                      size_t *out_len)
{
    CXLUpstreamPort *usp = target_of(cci);
    CXLSwitchPortInfo ports[CXL_SWITCH_MAX_PORTS];
    unsigned n = cxl_switch_phys_ports(usp, ports), bound = 0, total = 0;
    CXLIdentifySwitchOut *o = (CXLIdentifySwitchOut *)out;

    memset(o, 0, sizeof(*o));
    o->ingress_port_id = ports[0].id;   /* the mailbox is at the USP */
    o->num_physical_ports = n;
    for (unsigned i = 0; i < n; i++) {
        o->active_port_mask[ports[i].id / 8] |= BIT(ports[i].id % 8);
    }
    /* the VCSs: a vPPB per downstream port of each */
    for (unsigned c = 0; c < usp->nr_vcss; c++) {
        CXLSwitchPortInfo vp[CXL_SWITCH_MAX_PORTS];
        unsigned nv;

        if (!usp->vcs[c]) {
            continue;
        }
        o->num_vcss++;
        o->active_vcs_mask[c / 8] |= BIT(c % 8);
        nv = cxl_switch_ports(usp->vcs[c], vp);
        total += nv - 1;
        for (unsigned i = 1; i < nv; i++) {
            bound += CXL_DSP(vp[i].port)->binding == CXL_DSP_BOUND;
        }
    }
    o->total_vppbs = cpu_to_le16(total);
    o->bound_vppbs = cpu_to_le16(bound);
    o->num_hdm_decoders = target_of(cci)->nr_decoders;
    *out_len = sizeof(*o);
    return CXL_RC_SUCCESS;
}

/* What is connected below a port, as Get Physical Port State says it */
static void port_info(const CXLSwitchPortInfo *p, CXLPortStateInfo *o)
{
    PCIDevice *below = NULL;

    memset(o, 0, sizeof(*o));
    o->port_id = p->id;
    o->config_state = p->upstream ? PORT_CONFIG_USP : PORT_CONFIG_DSP;
    if (!p->upstream) {
        below = pci_bridge_get_sec_bus(PCI_BRIDGE(p->port))->devices[0];
    }
    o->max_link_width = 16;                     /* x16 */
    o->supported_speeds = 0x1f;                 /* 2.5 to 32 GT/s */
    o->max_link_speed = 5;                      /* 32 GT/s */
    if (p->upstream || below) {
        o->connected_cxl_version = BIT(1);      /* CXL 2.0 */
        o->connected_protocols = BIT(0) | BIT(2);   /* CXL.io, CXL.mem */
        if (p->upstream) {
            o->connected_device_type = DEVICE_NONE; /* the host side */
        } else if (object_dynamic_cast(OBJECT(below), TYPE_CXL_TYPE3) &&
                   CXL_TYPE3(below)->mld &&
                   CXL_TYPE3(below)->mld->owner == CXL_TYPE3(below)) {
            o->connected_device_type = DEVICE_TYPE3_MLD;
            o->supported_ld_count = CXL_TYPE3(below)->mld->num_lds;
        } else if (object_dynamic_cast(OBJECT(below), TYPE_CXL_TYPE3)) {
            o->connected_device_type = DEVICE_TYPE3_SLD;
        } else if (object_dynamic_cast(OBJECT(below), TYPE_CXL_USP)) {
            o->connected_device_type = DEVICE_SWITCH;
        } else {
            o->connected_device_type = DEVICE_PCIE;
            o->connected_protocols = BIT(0);
        }
        o->negotiated_link_width = 16;
        o->current_link_speed = 5;
        o->ltssm_state = 3;                     /* L0 */
    }
    if (!o->supported_ld_count) {
        o->supported_ld_count = 1;              /* one LD */
    }
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

/*
 * ---- Switch event records (layouts and UUIDs from memory of CXL r3.1
 * 7.6.8, in cxl-mailbox.h) ----
 *
 * The switch CCI has the informational, warning, failure and fatal event
 * logs (cxl-events.c; no interrupts: Set Event Interrupt Policy takes no
 * MSI/MSI-X mode) with Get/Clear Event Records and Get/Set Event Interrupt
 * Policy. It logs in the informational log:
 *  - a Physical Switch Event Record (Link State Change) for a downstream
 *    port when Physical Port Control asserts or deasserts PERST# or resets
 *    it (FM API or QMP); its port state is Get Physical Port State's;
 *  - a Virtual CXL Switch Event Record (Binding Change) when a vPPB is
 *    bound or unbound (Bind/Unbind vPPB completing, QMP cxl-bind-vppb; a
 *    QMP wait or managed unbind logs when it starts, binding status "in
 *    progress").
 */

static uint8_t vppb_binding_status(CXLUpstreamPort *usp,
                                   CXLDownstreamPort *dsp);
static CXLDownstreamPort *vppb_port(CXLUpstreamPort *usp, unsigned vppb,
                                    uint8_t *port_id, unsigned *nr_vppbs);

/* The upstream port of @dsp's switch (VCS 0's, whichever VCS @dsp is in) */
static CXLUpstreamPort *usp_of(CXLDownstreamPort *dsp)
{
    CXLUpstreamPort *u = CXL_USP(pci_get_bus(PCI_DEVICE(dsp))->qbus.parent);

    return u->vcs_of ?: u;
}

static void log_phys_event(CXLSwitchCCI *s, const CXLSwitchPortInfo *p,
                           uint8_t type)
{
    static const uint8_t uuid[] = { CXL_EVENT_PHYS_SWITCH_UUID };
    CXLEventPhysSwitch r = { };

    if (!s) {
        return;
    }
    memcpy(r.hdr.uuid, uuid, sizeof(uuid));
    r.port_id = p->id;
    r.event_type = type;
    port_info(p, &r.state);
    trace_cxl_switch_event(s->cci.name, "physical switch", p->id, type);
    cxl_events_add(&s->events, CXL_EVLOG_INFO, (CXLEventRecord *)&r,
                   cxl_cci_timestamp(&s->cci));
}

/*
 * A binding change of @dsp's vPPB. The physical port's own link (to the
 * device) does not change with the binding: no Physical Switch record.
 */
static void log_binding_event(CXLSwitchCCI *s, CXLDownstreamPort *dsp)
{
    static const uint8_t uuid[] = { CXL_EVENT_VIRT_SWITCH_UUID };
    CXLEventVirtSwitch r = { };
    PCIDevice *d = PCI_DEVICE(dsp);
    CXLUpstreamPort *usp;
    unsigned c, k = 0, nr = 0;
    uint16_t ld;
    uint8_t port;

    if (!s) {
        return;
    }
    usp = s->target;
    /* @dsp is vPPB k of VCS c */
    for (c = 0; c < usp->nr_vcss; c++) {
        CXLUpstreamPort *u = cxl_switch_vcs(usp, c);

        vppb_port(u, 0, NULL, &nr);
        for (k = 0; k < nr && vppb_port(u, k, NULL, NULL) != dsp; k++) {
            /* find the vPPB */
        }
        if (k < nr) {
            break;
        }
    }
    if (c == usp->nr_vcss) {
        return;
    }
    memcpy(r.hdr.uuid, uuid, sizeof(uuid));
    r.vcs_id = c;
    r.vppb_id = k;
    r.event_type = CXL_VIRT_SWITCH_BINDING_CHANGE;
    r.binding_status = vppb_binding_status(usp, dsp);
    r.port_id = 0xff;
    r.ld_id = 0xff;
    if (dsp->binding != CXL_DSP_UNBOUND &&
        cxl_vppb_target(usp, dsp, &port, &ld)) {
        r.port_id = port;
        r.ld_id = ld == CXL_LD_ID_NONE ? 0xff : ld;
    }
    r.link_control = cpu_to_le16(pci_get_word(d->config + d->exp.exp_cap +
                                              PCI_EXP_LNKCTL));
    r.slot_control = cpu_to_le16(pci_get_word(d->config + d->exp.exp_cap +
                                              PCI_EXP_SLTCTL));
    trace_cxl_switch_event(s->cci.name, "virtual switch", k,
                           r.binding_status);
    cxl_events_add(&s->events, CXL_EVLOG_INFO, (CXLEventRecord *)&r,
                   cxl_cci_timestamp(&s->cci));
}

static CXLRetCode cmd_get_port_state(CXLCCI *cci, const uint8_t *in,
                                     size_t in_len, uint8_t *out,
                                     size_t *out_len)
{
    CXLSwitchPortInfo ports[CXL_SWITCH_MAX_PORTS];
    unsigned n = cxl_switch_phys_ports(target_of(cci), ports);
    const CXLGetPortStateIn *pi = (const CXLGetPortStateIn *)in;
    CXLGetPortStateOut *o = (CXLGetPortStateOut *)out;
    unsigned req = pi->num_ports;

    if (in_len != sizeof(*pi) + req * sizeof(pi->port_id[0])) {
        return CXL_RC_INVALID_PAYLOAD_LENGTH;
    }
    if (!req || sizeof(*o) + req * sizeof(o->ports[0]) > cci->payload_max) {
        return CXL_RC_INVALID_INPUT;
    }
    for (unsigned i = 0; i < req; i++) {
        if (!find_port(ports, n, pi->port_id[i])) {
            return CXL_RC_INVALID_INPUT;
        }
    }
    memset(o, 0, sizeof(*o));
    o->num_ports = req;
    for (unsigned i = 0; i < req; i++) {
        port_info(find_port(ports, n, pi->port_id[i]), &o->ports[i]);
    }
    *out_len = sizeof(*o) + req * sizeof(o->ports[0]);
    return CXL_RC_SUCCESS;
}

/*
 * Physical Port Control of port @id of @usp (the FM API command and QMP's
 * cxl-port-control): NULL, or why not (then *@bad_op tells whether the
 * operation or the port is at fault)
 */
static const char *port_control(CXLUpstreamPort *usp, CXLSwitchCCI *s,
                                uint8_t id, unsigned op, bool *bad_op)
{
    CXLSwitchPortInfo ports[CXL_SWITCH_MAX_PORTS];
    unsigned n = cxl_switch_ports(usp, ports);
    const CXLSwitchPortInfo *p = find_port(ports, n, id);

    trace_cxl_switch_port_control(id, op);
    *bad_op = false;
    if (!p) {
        return "no such physical port";
    }
    if (p->upstream) {
        return "the upstream port (only downstream ports are controlled)";
    }
    if (op > PORT_CONTROL_RESET_PPB) {
        *bad_op = true;
        return "no such operation";
    }
    if (op == PORT_CONTROL_RESET_PPB) {
        /* reset the PPB: the port and everything below it */
        bus_cold_reset(BUS(pci_bridge_get_sec_bus(PCI_BRIDGE(p->port))));
        device_cold_reset(DEVICE(p->port));
    }
    /* PERST# assert/deassert: nothing to model for an emulated link */
    log_phys_event(s, p, CXL_PHYS_SWITCH_LINK_STATE_CHANGE);
    return NULL;
}

static CXLRetCode cmd_port_control(CXLCCI *cci, const uint8_t *in,
                                   size_t in_len, uint8_t *out,
                                   size_t *out_len)
{
    const CXLPortControlIn *i = (const CXLPortControlIn *)in;
    bool bad_op;
    const char *why = port_control(target_of(cci), cci->opaque, i->ppb_id,
                                   i->opcode, &bad_op);

    if (why) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: Physical Port Control: port %u "
                      "operation %u: %s\n", cci->name, i->ppb_id, i->opcode,
                      why);
        return CXL_RC_INVALID_INPUT;
    }
    return CXL_RC_SUCCESS;
}

/* Send PPB CXL.io Configuration Request: the 24-bit request field */
FIELD(PPB_CFG, REG, 0, 8)
FIELD(PPB_CFG, EXT_REG, 8, 4)
FIELD(PPB_CFG, FIRST_BE, 12, 4)
FIELD(PPB_CFG, WRITE, 23, 1)

/*
 * One configuration access of @d at @addr: the bytes @be enables (a
 * DWORD, a word or a byte at once when they are one; else byte by byte,
 * as a PCIe completer splits nothing but we have no wider accessor for
 * scattered bytes), through the device's own config accessors (its
 * config_read/config_write: write masks, W1C bits and side effects as
 * for the host). Returns the bytes read, in place.
 */
static uint32_t ppb_config_access(PCIDevice *d, uint32_t addr, unsigned be,
                                  bool write, uint32_t data)
{
    static const struct { uint8_t be, off, len; } whole[] = {
        { 0xf, 0, 4 }, { 0x3, 0, 2 }, { 0xc, 2, 2 },
    };
    uint32_t val = 0;

    for (unsigned k = 0; k < ARRAY_SIZE(whole); k++) {
        if (be == whole[k].be) {
            uint32_t a = addr + whole[k].off, shift = 8 * whole[k].off;

            if (write) {
                d->config_write(d, a, data >> shift, whole[k].len);
                return 0;
            }
            return d->config_read(d, a, whole[k].len) << shift;
        }
    }
    for (unsigned b = 0; b < 4; b++) {
        if (be & BIT(b)) {
            if (write) {
                d->config_write(d, addr + b, (data >> (8 * b)) & 0xff, 1);
            } else {
                val |= (d->config_read(d, addr + b, 1) & 0xff) << (8 * b);
            }
        }
    }
    return val;
}

/*
 * Send PPB CXL.io Configuration Request (5103h, layout from memory in
 * cxl-mailbox.h): a configuration read or write of the device below the
 * downstream port named by PPB ID (function 0 of device 0 on its
 * secondary bus), not of the port's own bridge. It reaches the device
 * whether its vPPB is bound or not: an unbound device, hidden from the
 * host (its config space reads as all ones there), is still readable by
 * the fabric manager (its DVSECs, its identity); writes to it are lost
 * when a bind resets it. Nothing below the port: reads return all ones,
 * writes are dropped (a master abort), Success. Invalid Input: no such
 * port, the upstream port, no byte enabled, Register Number bits 1:0 set
 * (not a DWORD), an offset past the device's configuration space (256
 * bytes for a conventional PCI device; the 12-bit offset cannot exceed
 * 4 KiB).
 */
static CXLRetCode cmd_ppb_config(CXLCCI *cci, const uint8_t *in,
                                 size_t in_len, uint8_t *out, size_t *out_len)
{
    CXLSwitchPortInfo ports[CXL_SWITCH_MAX_PORTS];
    unsigned n = cxl_switch_ports(target_of(cci), ports);
    const CXLPPBConfigIn *i = (const CXLPPBConfigIn *)in;
    CXLPPBConfigOut *o = (CXLPPBConfigOut *)out;
    uint32_t req = i->request[0] | i->request[1] << 8 | i->request[2] << 16;
    uint32_t reg = FIELD_EX32(req, PPB_CFG, REG);
    uint32_t addr = FIELD_EX32(req, PPB_CFG, EXT_REG) << 8 | reg;
    unsigned be = FIELD_EX32(req, PPB_CFG, FIRST_BE);
    bool write = FIELD_EX32(req, PPB_CFG, WRITE);
    const CXLSwitchPortInfo *p = find_port(ports, n, i->ppb_id);
    PCIDevice *d = NULL;
    const char *why = NULL;

    trace_cxl_switch_ppb_config(i->ppb_id, addr, be, write,
                                le32_to_cpu(i->data));
    if (!p || p->upstream) {
        why = !p ? "no such physical port" : "the upstream port";
    } else if (!be) {
        why = "no byte enabled";
    } else if (reg & 3) {
        why = "the register number is not a DWORD's";
    } else {
        d = pci_bridge_get_sec_bus(PCI_BRIDGE(p->port))->devices[0];
        if (d && addr + 4 > pci_config_size(d)) {
            why = "past the device's configuration space";
        }
    }
    if (why) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: Send PPB CXL.io Configuration "
                      "Request: port %u offset %03xh byte enables %xh: %s\n",
                      cci->name, i->ppb_id, addr, be, why);
        return CXL_RC_INVALID_INPUT;
    }
    o->data = 0;
    if (!d) {
        o->data = write ? 0 : cpu_to_le32(UINT32_MAX);
    } else {
        o->data = cpu_to_le32(ppb_config_access(d, addr, be, write,
                                                le32_to_cpu(i->data)));
    }
    *out_len = sizeof(*o);
    return CXL_RC_SUCCESS;
}

/* The FM CCI of the device below downstream port @id, or NULL (why) */
static CXLCCI *tunnel_target(CXLCCI *cci, uint8_t id, const char **why)
{
    CXLSwitchPortInfo ports[CXL_SWITCH_MAX_PORTS];
    unsigned n = cxl_switch_ports(target_of(cci), ports);
    const CXLSwitchPortInfo *p = find_port(ports, n, id);
    PCIDevice *below;
    CXLCCI *fm;

    if (!p || p->upstream) {
        *why = !p ? "no such port" : "the upstream port";
        return NULL;
    }
    below = pci_bridge_get_sec_bus(PCI_BRIDGE(p->port))->devices[0];
    if (!below) {
        *why = "nothing below the port";
        return NULL;
    }
    if (!object_dynamic_cast(OBJECT(below), TYPE_CXL_TYPE3)) {
        *why = "not a cxl-type3 below the port";
        return NULL;
    }
    fm = cxl_type3_fm_cci(CXL_TYPE3(below));
    if (!fm) {
        *why = "the cxl-type3 below the port has no fabric manager CCI "
               "(no dynamic capacity, not an MLD)";
    }
    return fm;
}

static CXLRetCode cmd_tunnel(CXLCCI *cci, const uint8_t *in, size_t in_len,
                             uint8_t *out, size_t *out_len)
{
    const CXLTunnelIn *i = (const CXLTunnelIn *)in;
    const char *why = NULL;
    CXLCCI *fm;

    trace_cxl_switch_tunnel(i->port_or_ld, i->target_type,
                            le16_to_cpu(i->command_size));
    if (!cxl_cci_tunnel_size_ok(cci, in, in_len)) {
        return CXL_RC_INVALID_PAYLOAD_LENGTH;
    }
    if (i->target_type == CXL_TUNNEL_TARGET_LD_POOL_CCI) {
        return CXL_RC_UNSUPPORTED;
    }
    if (i->target_type != CXL_TUNNEL_TARGET_PORT_OR_LD) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: Tunnel Management Command: "
                      "target type %u\n", cci->name, i->target_type);
        return CXL_RC_INVALID_INPUT;
    }
    fm = tunnel_target(cci, i->port_or_ld, &why);
    if (!fm) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: Tunnel Management Command: "
                      "port %u: %s\n", cci->name, i->port_or_ld, why);
        return CXL_RC_INVALID_INPUT;
    }
    return cxl_cci_tunnel_forward(cci, fm, in, out, out_len);
}

/* ---- FM API virtual switch commands (CXL r3.1 7.6.7.2, from memory) ---- */

/* vPPB @vppb of the switch (its downstream port), or NULL */
static CXLDownstreamPort *vppb_port(CXLUpstreamPort *usp, unsigned vppb,
                                    uint8_t *port_id, unsigned *nr_vppbs)
{
    CXLSwitchPortInfo ports[CXL_SWITCH_MAX_PORTS];
    unsigned n = cxl_switch_ports(usp, ports);

    if (nr_vppbs) {
        *nr_vppbs = n - 1;
    }
    if (vppb + 1 >= n) {
        return NULL;
    }
    if (port_id) {
        *port_id = ports[vppb + 1].id;
    }
    return CXL_DSP(ports[vppb + 1].port);
}

static uint8_t vppb_binding_status(CXLUpstreamPort *usp,
                                   CXLDownstreamPort *dsp)
{
    uint16_t ld;
    uint8_t port;

    switch (dsp->binding) {
    case CXL_DSP_BOUND:
        return cxl_vppb_target(usp, dsp, &port, &ld) &&
               ld != CXL_LD_ID_NONE ? CXL_VPPB_BOUND_LD : CXL_VPPB_BOUND_PORT;
    case CXL_DSP_UNBOUND:
        return CXL_VPPB_UNBOUND;
    default:
        return CXL_VPPB_IN_PROGRESS;
    }
}

/* The vPPBs of VCS @c listed from @start, at most @limit; 0 if none */
static unsigned vcs_listed(CXLUpstreamPort *usp, unsigned c, unsigned start,
                           unsigned limit, unsigned *total)
{
    unsigned nr = 0;

    vppb_port(cxl_switch_vcs(usp, c), 0, NULL, &nr);
    *total = nr;
    return start < nr ? MIN(nr - start, limit) : 0;
}

/*
 * Get Virtual CXL Switch Info (5200h). VCS c (0 the CCI's upstream port,
 * 1... those with vcs-of) has a vPPB per downstream port of its upstream
 * port. Number of vPPBs is the VCS's total; the list holds the vPPBs from
 * Start vPPB on, at most vPPB List Limit of them; each VCS's block is as
 * long as its list. A bound vPPB reports the physical port and the LD
 * (FFh for a single logical device). Invalid Input: no VCS asked, a VCS
 * the switch does not have, or an output larger than the mailbox payload
 * (ask for fewer vPPBs).
 */
static CXLRetCode cmd_get_vcs_info(CXLCCI *cci, const uint8_t *in,
                                   size_t in_len, uint8_t *out,
                                   size_t *out_len)
{
    CXLUpstreamPort *usp = target_of(cci);
    const CXLGetVCSInfoIn *i = (const CXLGetVCSInfoIn *)in;
    CXLGetVCSInfoOut *o = (CXLGetVCSInfoOut *)out;
    unsigned total;
    size_t len = sizeof(*o);
    uint8_t *at;

    if (in_len != sizeof(*i) + i->num_vcss) {
        return CXL_RC_INVALID_PAYLOAD_LENGTH;
    }
    for (unsigned v = 0; v < i->num_vcss; v++) {
        if (!cxl_switch_vcs(usp, i->vcs_id[v])) {
            qemu_log_mask(LOG_GUEST_ERROR, "%s: Get Virtual CXL Switch "
                          "Info: no VCS %u (the switch has VCS 0 to %u)\n",
                          cci->name, i->vcs_id[v], usp->nr_vcss - 1);
            return CXL_RC_INVALID_INPUT;
        }
        len += sizeof(CXLVCSInfo) + sizeof(CXLVPPBInfo) *
               vcs_listed(usp, i->vcs_id[v], i->start_vppb,
                          i->vppb_list_limit, &total);
    }
    if (!i->num_vcss || len > cci->payload_max) {
        return CXL_RC_INVALID_INPUT;
    }
    memset(o, 0, len);
    o->num_vcss = i->num_vcss;
    at = o->vcs_info;
    for (unsigned v = 0; v < i->num_vcss; v++) {
        CXLVCSInfo *vcs = (CXLVCSInfo *)at;
        uint8_t c = i->vcs_id[v];
        CXLUpstreamPort *u = cxl_switch_vcs(usp, c);
        unsigned listed = vcs_listed(usp, c, i->start_vppb,
                                     i->vppb_list_limit, &total);

        vcs->vcs_id = c;
        vcs->vcs_state = CXL_VCS_STATE_ENABLED;
        vcs->usp_id = cxl_switch_usp_id(usp, c);
        vcs->num_vppbs = total;
        for (unsigned k = 0; k < listed; k++) {
            CXLDownstreamPort *dsp = vppb_port(u, i->start_vppb + k, NULL,
                                               NULL);
            uint16_t ld;
            uint8_t port;

            vcs->vppbs[k].binding_status = vppb_binding_status(usp, dsp);
            vcs->vppbs[k].bound_port_id = 0xff;
            vcs->vppbs[k].bound_ld_id = 0xff;
            if (dsp->binding != CXL_DSP_UNBOUND &&
                cxl_vppb_target(usp, dsp, &port, &ld)) {
                vcs->vppbs[k].bound_port_id = port;
                vcs->vppbs[k].bound_ld_id = ld == CXL_LD_ID_NONE ? 0xff : ld;
            }
        }
        at += sizeof(CXLVCSInfo) + listed * sizeof(CXLVPPBInfo);
    }
    *out_len = len;
    return CXL_RC_SUCCESS;
}

/* Background operation durations (virtual time) */
#define BIND_MS                 10      /* link training after a bind */
#define UNBIND_POLL_MS          10      /* is the host done with the port? */

static CXLRetCode bind_complete(CXLCCI *cci)
{
    CXLDownstreamPort *dsp = CXL_SWITCH_CCI(cci->opaque)->bg_dsp;

    if (dsp->binding == CXL_DSP_BINDING) {
        cxl_dsp_bind(dsp);
        log_binding_event(cci->opaque, dsp);
    }
    return CXL_RC_SUCCESS;
}

static void bind_abort(CXLCCI *cci)
{
    CXLDownstreamPort *dsp = CXL_SWITCH_CCI(cci->opaque)->bg_dsp;

    if (dsp->binding == CXL_DSP_BINDING) {
        dsp->binding = CXL_DSP_UNBOUND;
    }
}

static CXLRetCode unbind_complete(CXLCCI *cci)
{
    CXLDownstreamPort *dsp = CXL_SWITCH_CCI(cci->opaque)->bg_dsp;

    if (dsp->binding == CXL_DSP_UNBINDING) {
        return CXL_RC_BACKGROUND;
    }
    log_binding_event(cci->opaque, dsp);
    return CXL_RC_SUCCESS;
}

static void unbind_abort(CXLCCI *cci)
{
    cxl_dsp_unbind_cancel(CXL_SWITCH_CCI(cci->opaque)->bg_dsp);
}

/*
 * The vPPB of a Bind or Unbind vPPB request, or NULL with the return code
 * in *@rc: Invalid Input for a VCS the switch does not have or no such
 * vPPB; Busy while a bind or unbind of it is in progress (started
 * through QMP).
 */
static CXLDownstreamPort *vppb_of_request(CXLCCI *cci, const char *cmd,
                                          uint8_t vcs, uint8_t vppb,
                                          CXLRetCode *rc)
{
    unsigned nr = 0;
    CXLUpstreamPort *u = cxl_switch_vcs(target_of(cci), vcs);
    CXLDownstreamPort *dsp = u ? vppb_port(u, vppb, NULL, &nr) : NULL;

    *rc = CXL_RC_INVALID_INPUT;
    if (!dsp) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: %s: VCS %u vPPB %u: %s %u "
                      "vPPBs\n", cci->name, cmd, vcs, vppb,
                      u ? "the VCS has" : "no such VCS;", nr);
        return NULL;
    }
    if (dsp->binding == CXL_DSP_BINDING ||
        dsp->binding == CXL_DSP_UNBINDING) {
        *rc = CXL_RC_BUSY;
        return NULL;
    }
    return dsp;
}

/*
 * Bind vPPB (5201h), a background operation: the vPPB is bound to its
 * physical port BIND_MS later (a PCIe hot-add of the device there).
 * Each vPPB can take one binding, the device declared below it
 * (cxl_vppb_target()): a VCS 0 vPPB its own physical port (LD FFFFh; LD
 * 0 when an MLD is on it), a vPPB whose device is LD k of an MLD (port
 * p, LD k). Invalid Input: VCS or vPPB out of range, any other (port, LD)
 * (logged with the binding the vPPB can take), a vPPB already bound (so
 * an LD is never bound twice: only its vPPB shows it); Busy: a bind or
 * unbind of the vPPB in progress. Binding a port with nothing connected
 * succeeds (an empty slot, as on real hardware).
 */
static CXLRetCode cmd_bind_vppb(CXLCCI *cci, const uint8_t *in,
                                size_t in_len, uint8_t *out, size_t *out_len)
{
    const CXLBindVPPBIn *i = (const CXLBindVPPBIn *)in;
    CXLRetCode rc;
    uint16_t ld, want_ld = le16_to_cpu(i->ld_id);
    uint8_t port;
    CXLDownstreamPort *dsp = vppb_of_request(cci, "Bind vPPB", i->vcs_id,
                                             i->vppb_id, &rc);
    bool ok;

    trace_cxl_switch_bind(i->vppb_id, i->port_id);
    if (!dsp) {
        return rc;
    }
    ok = cxl_vppb_target(target_of(cci), dsp, &port, &ld);
    if (!ok || i->port_id != port || want_ld != ld ||
        dsp->binding != CXL_DSP_UNBOUND) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: Bind vPPB %u of VCS %u to port "
                      "%u LD %04xh: %s (it can be bound to port %u LD "
                      "%04xh only)\n", cci->name, i->vppb_id, i->vcs_id,
                      i->port_id, want_ld,
                      !ok ? "its device is not on a physical port of the "
                      "switch" :
                      i->port_id != port ? "not the vPPB's port" :
                      want_ld != ld ? (ld == CXL_LD_ID_NONE ?
                      "not an MLD port (LD ID must be FFFFh)" :
                      "not the LD of the device below the vPPB") :
                      "already bound", ok ? port : 0xff,
                      ok ? ld : 0xffff);
        return CXL_RC_INVALID_INPUT;
    }
    dsp->binding = CXL_DSP_BINDING;
    CXL_SWITCH_CCI(cci->opaque)->bg_dsp = dsp;
    cxl_cci_bg_start(cci, CXL_OP_BIND_VPPB, BIND_MS, bind_complete,
                     bind_abort);
    return CXL_RC_BACKGROUND;
}

static const CXLUnbindMode unbind_modes[] = {
    [CXL_UNBIND_WAIT_LINK_DOWN] = CXL_DSP_UNBIND_WAIT,
    [CXL_UNBIND_MANAGED] = CXL_DSP_UNBIND_MANAGED,
    [CXL_UNBIND_SURPRISE] = CXL_DSP_UNBIND_SURPRISE,
};

/*
 * Unbind vPPB (5202h), a background operation that completes when the
 * vPPB is unbound: at once for a surprise unbind or an empty slot, else
 * when the host has powered the slot off (option 0: the host does it on
 * its own, e.g. Linux's sysfs slot power; option 1: after an attention
 * button press, as pciehp handles a hot-remove request). Aborting it
 * leaves the vPPB bound. Invalid Input: VCS or vPPB out of range, an
 * option above 2, a vPPB not bound; Busy: a bind or unbind of the vPPB
 * in progress.
 */
static CXLRetCode cmd_unbind_vppb(CXLCCI *cci, const uint8_t *in,
                                  size_t in_len, uint8_t *out,
                                  size_t *out_len)
{
    const CXLUnbindVPPBIn *i = (const CXLUnbindVPPBIn *)in;
    uint8_t option = i->option & CXL_UNBIND_OPTION_MASK;
    CXLRetCode rc;
    CXLDownstreamPort *dsp = vppb_of_request(cci, "Unbind vPPB", i->vcs_id,
                                             i->vppb_id, &rc);

    trace_cxl_switch_unbind(i->vppb_id, option);
    if (!dsp) {
        return rc;
    }
    if (option >= ARRAY_SIZE(unbind_modes) ||
        dsp->binding != CXL_DSP_BOUND) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: Unbind vPPB %u option %u: %s\n",
                      cci->name, i->vppb_id, option,
                      dsp->binding != CXL_DSP_BOUND ? "not bound" :
                      "no such option");
        return CXL_RC_INVALID_INPUT;
    }
    CXL_SWITCH_CCI(cci->opaque)->bg_dsp = dsp;
    cxl_dsp_unbind(dsp, unbind_modes[option]);
    cxl_cci_bg_start(cci, CXL_OP_UNBIND_VPPB, UNBIND_POLL_MS,
                     unbind_complete, unbind_abort);
    return CXL_RC_BACKGROUND;
}

/*
 * Generate AER Event (5203h): the vPPB (its downstream port) detects the
 * error: it is logged in the port's AER capability, with the TLP header
 * given, and signalled upstream as AER does (pcie_aer_inject_error()).
 * Invalid Input: VCS or vPPB out of range, a vPPB not bound (the host has
 * no device there to blame), an error bit that is not an error of that
 * register.
 */
static CXLRetCode cmd_generate_aer(CXLCCI *cci, const uint8_t *in,
                                   size_t in_len, uint8_t *out,
                                   size_t *out_len)
{
    const CXLGenerateAERIn *i = (const CXLGenerateAERIn *)in;
    uint32_t aer_error = le32_to_cpu(i->aer_error);
    bool cor = aer_error & CXL_GEN_AER_CORRECTABLE;
    PCIEAERErr err = {
        .status = BIT(aer_error & CXL_GEN_AER_ERROR_BIT_MASK),
        .flags = cor ? PCIE_AER_ERR_IS_CORRECTABLE : PCIE_AER_ERR_HEADER_VALID,
    };
    CXLRetCode rc;
    CXLDownstreamPort *dsp = vppb_of_request(cci, "Generate AER Event",
                                             i->vcs_id, i->vppb_id, &rc);
    int ret;

    if (!dsp) {
        return rc;
    }
    if (dsp->binding != CXL_DSP_BOUND) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: Generate AER Event: vPPB %u is "
                      "not bound\n", cci->name, i->vppb_id);
        return CXL_RC_INVALID_INPUT;
    }
    err.source_id = pci_requester_id(PCI_DEVICE(dsp));
    for (unsigned k = 0; k < ARRAY_SIZE(err.header); k++) {
        err.header[k] = ldl_be_p(i->header + 4 * k);
    }
    ret = pcie_aer_inject_error(PCI_DEVICE(dsp), &err);
    if (ret == -EINVAL) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: Generate AER Event: bit %u is "
                      "not a %scorrectable error\n", cci->name,
                      aer_error & CXL_GEN_AER_ERROR_BIT_MASK, cor ? "" : "un");
        return CXL_RC_INVALID_INPUT;
    }
    return ret < 0 ? CXL_RC_INTERNAL_ERROR : CXL_RC_SUCCESS;
}

const CXLCCICommand cxl_switch_commands[] = {
    { CXL_OP_IDENTIFY_SWITCH_DEVICE, "Identify Switch Device",
      cmd_identify_switch, CXL_CCI_IN_EXACT, 0, 0 },
    { CXL_OP_GET_PHYSICAL_PORT_STATE, "Get Physical Port State",
      cmd_get_port_state, CXL_CCI_IN_MIN, sizeof(CXLGetPortStateIn), 0 },
    { CXL_OP_PHYSICAL_PORT_CONTROL, "Physical Port Control",
      cmd_port_control, CXL_CCI_IN_EXACT, sizeof(CXLPortControlIn),
      CXL_CEL_IMMEDIATE_CONFIG_CHANGE },
    { CXL_OP_SEND_PPB_CONFIG, "Send PPB CXL.io Configuration Request",
      cmd_ppb_config, CXL_CCI_IN_EXACT, sizeof(CXLPPBConfigIn),
      CXL_CEL_IMMEDIATE_CONFIG_CHANGE },
    { CXL_OP_GET_VCS_INFO, "Get Virtual CXL Switch Info", cmd_get_vcs_info,
      CXL_CCI_IN_MIN, sizeof(CXLGetVCSInfoIn), 0 },
    { CXL_OP_BIND_VPPB, "Bind vPPB", cmd_bind_vppb, CXL_CCI_IN_EXACT,
      sizeof(CXLBindVPPBIn), CXL_CEL_IMMEDIATE_CONFIG_CHANGE |
      CXL_CEL_BACKGROUND_OP | CXL_CEL_ABORT_SUPPORTED },
    { CXL_OP_UNBIND_VPPB, "Unbind vPPB", cmd_unbind_vppb, CXL_CCI_IN_EXACT,
      sizeof(CXLUnbindVPPBIn), CXL_CEL_IMMEDIATE_CONFIG_CHANGE |
      CXL_CEL_BACKGROUND_OP | CXL_CEL_ABORT_SUPPORTED },
    { CXL_OP_GENERATE_AER_EVENT, "Generate AER Event", cmd_generate_aer,
      CXL_CCI_IN_EXACT, sizeof(CXLGenerateAERIn), 0 },
    /*
     * no effect on the switch itself; the tunnelled command's effects are
     * in the target's own CEL
     */
    { CXL_OP_TUNNEL_MANAGEMENT, "Tunnel Management Command", cmd_tunnel,
      CXL_CCI_IN_MIN, sizeof(CXLTunnelIn), 0 },
};
const size_t cxl_switch_commands_len = ARRAY_SIZE(cxl_switch_commands);

/* ---- QMP mirrors of Bind vPPB, Unbind vPPB, Get Virtual CXL Switch Info ---- */

/* The cxl-upstream port @path names, itself or through its switch CCI */
static CXLUpstreamPort *qmp_switch(const char *path, Error **errp)
{
    Object *obj = cxl_qmp_device(path, NULL, errp);

    if (!obj) {
        return NULL;
    }
    if (object_dynamic_cast(obj, TYPE_CXL_SWITCH_CCI)) {
        return CXL_SWITCH_CCI(obj)->target;
    }
    if (!object_dynamic_cast(obj, TYPE_CXL_USP)) {
        error_setg(errp, "path: '%s' is a %s, not a %s or %s", path,
                   object_get_typename(obj), TYPE_CXL_USP,
                   TYPE_CXL_SWITCH_CCI);
        return NULL;
    }
    return CXL_USP(obj);
}

static CXLDownstreamPort *qmp_vppb(CXLUpstreamPort *usp, const char *path,
                                   uint8_t vcs, uint8_t vppb, Error **errp)
{
    CXLUpstreamPort *u = cxl_switch_vcs(usp, vcs);
    CXLDownstreamPort *dsp;
    unsigned nr;

    if (!u) {
        error_setg(errp, "vcs: switch '%s' has VCSs 0 to %u, not %u", path,
                   usp->nr_vcss - 1, vcs);
        return NULL;
    }
    dsp = vppb_port(u, vppb, NULL, &nr);
    if (!dsp) {
        g_autofree char *sw = vcs ? g_strdup_printf("VCS %u of switch '%s'",
                                                    vcs, path)
                                  : g_strdup_printf("switch '%s'", path);

        if (nr) {
            error_setg(errp, "vppb: %s has vPPBs 0 to %u, not %u", sw,
                       nr - 1, vppb);
        } else {
            error_setg(errp, "vppb: %s has no vPPB (no downstream port)",
                       sw);
        }
        return NULL;
    }
    if (dsp->binding == CXL_DSP_BINDING ||
        dsp->binding == CXL_DSP_UNBINDING) {
        error_setg(errp, "vppb: a %s of vPPB %u is in progress",
                   dsp->binding == CXL_DSP_BINDING ? "bind" : "unbind",
                   vppb);
        return NULL;
    }
    return dsp;
}

void qmp_cxl_bind_vppb(const char *path, uint8_t vppb, bool has_port,
                       uint8_t port, bool has_vcs, uint8_t vcs,
                       bool has_ld_id, uint16_t ld_id, Error **errp)
{
    CXLUpstreamPort *usp = qmp_switch(path, errp);
    CXLDownstreamPort *dsp;
    uint16_t ld = CXL_LD_ID_NONE;
    uint8_t own = 0;
    bool ok;

    if (!usp) {
        return;
    }
    dsp = qmp_vppb(usp->vcs_of ?: usp, path,
                   has_vcs ? vcs : usp->vcs_id, vppb, errp);
    usp = usp->vcs_of ?: usp;
    if (!dsp) {
        return;
    }
    ok = cxl_vppb_target(usp, dsp, &own, &ld);
    if (has_port && (!ok || port != own)) {
        if (ok && ld == CXL_LD_ID_NONE) {
            error_setg(errp, "port: vPPB %u can be bound to its own physical "
                       "port %u only, not %u", vppb, own, port);
        } else if (ok) {
            error_setg(errp, "port: vPPB %u can be bound to physical port %u "
                       "(LD %u) only, not %u", vppb, own, ld, port);
        } else {
            error_setg(errp, "port: vPPB %u has no physical port to bind "
                       "to (its device is not an LD of an MLD on the "
                       "switch)", vppb);
        }
        return;
    }
    if (has_ld_id && ld_id != ld) {
        error_setg(errp, "ld-id: vPPB %u can be bound to LD %u only, not %u "
                   "(65535: no LD)", vppb, ld, ld_id);
        return;
    }
    if (dsp->binding != CXL_DSP_UNBOUND) {
        error_setg(errp, "vppb: vPPB %u is already bound", vppb);
        return;
    }
    cxl_dsp_bind(dsp);
    log_binding_event(cxl_switch_cci_of(usp_of(dsp)), dsp);
}

void qmp_cxl_unbind_vppb(const char *path, uint8_t vppb, bool has_mode,
                         CxlUnbindMode mode, bool has_vcs, uint8_t vcs,
                         Error **errp)
{
    static const CXLUnbindMode modes[] = {
        [CXL_UNBIND_MODE_WAIT] = CXL_DSP_UNBIND_WAIT,
        [CXL_UNBIND_MODE_MANAGED] = CXL_DSP_UNBIND_MANAGED,
        [CXL_UNBIND_MODE_SURPRISE] = CXL_DSP_UNBIND_SURPRISE,
    };
    CXLUpstreamPort *usp = qmp_switch(path, errp);
    CXLDownstreamPort *dsp = usp ? qmp_vppb(usp->vcs_of ?: usp, path,
                                            has_vcs ? vcs : usp->vcs_id,
                                            vppb, errp) : NULL;

    if (!dsp) {
        return;
    }
    if (dsp->binding != CXL_DSP_BOUND) {
        error_setg(errp, "vppb: vPPB %u is not bound", vppb);
        return;
    }
    cxl_dsp_unbind(dsp, modes[has_mode ? mode : CXL_UNBIND_MODE_MANAGED]);
    log_binding_event(cxl_switch_cci_of(usp_of(dsp)), dsp);
}

void qmp_cxl_port_control(const char *path, uint8_t port,
                          CxlPortControl operation, Error **errp)
{
    static const unsigned ops[] = {
        [CXL_PORT_CONTROL_PERST_ASSERT] = PORT_CONTROL_ASSERT_PERST,
        [CXL_PORT_CONTROL_PERST_DEASSERT] = PORT_CONTROL_DEASSERT_PERST,
        [CXL_PORT_CONTROL_RESET] = PORT_CONTROL_RESET_PPB,
    };
    CXLUpstreamPort *usp = qmp_switch(path, errp);
    bool bad_op;
    const char *why;

    if (!usp) {
        return;
    }
    why = port_control(usp, cxl_switch_cci_of(usp), port, ops[operation],
                       &bad_op);
    if (why) {
        CXLSwitchPortInfo ports[CXL_SWITCH_MAX_PORTS];
        unsigned n = cxl_switch_ports(usp, ports);
        g_autoptr(GString) dsps = g_string_new("");

        /* the ports it can control */
        for (unsigned i = 0; i < n; i++) {
            if (!ports[i].upstream) {
                g_string_append_printf(dsps, "%s%u", dsps->len ? ", " : "",
                                       ports[i].id);
            }
        }
        error_setg(errp, "%s: port %u of switch '%s': %s%s%s%s",
                   bad_op ? "operation" : "port", port, path, why,
                   bad_op ? "" : " (its downstream ports: ",
                   bad_op ? "" : dsps->len ? dsps->str : "none",
                   bad_op ? "" : ")");
    }
}

static CxlVppbInfoList *qmp_vppbs(CXLUpstreamPort *usp, CXLUpstreamPort *u)
{
    static const CxlVppbState states[] = {
        [CXL_DSP_UNBOUND] = CXL_VPPB_STATE_UNBOUND,
        [CXL_DSP_BINDING] = CXL_VPPB_STATE_BINDING,
        [CXL_DSP_BOUND] = CXL_VPPB_STATE_BOUND,
        [CXL_DSP_UNBINDING] = CXL_VPPB_STATE_UNBINDING,
    };
    CXLSwitchPortInfo ports[CXL_SWITCH_MAX_PORTS];
    CxlVppbInfoList *list = NULL, **tail = &list;
    unsigned n = cxl_switch_ports(u, ports);

    for (unsigned i = 1; i < n; i++) {
        CXLDownstreamPort *dsp = CXL_DSP(ports[i].port);
        PCIDevice *dev = cxl_dsp_device(dsp);
        CxlVppbInfo *v = g_new0(CxlVppbInfo, 1);
        uint16_t ld;
        uint8_t port;

        v->vppb = i - 1;
        v->state = states[dsp->binding];
        v->port = ports[i].id;
        v->downstream_port = object_get_canonical_path(OBJECT(dsp));
        if (dev) {
            v->device = object_get_canonical_path(OBJECT(dev));
        }
        if (cxl_vppb_target(usp, dsp, &port, &ld)) {
            v->has_bound_port = true;
            v->bound_port = port;
            v->has_bound_ld = ld != CXL_LD_ID_NONE;
            v->bound_ld = v->has_bound_ld ? ld : 0;
        }
        QAPI_LIST_APPEND(tail, v);
    }
    return list;
}

CxlSwitchInfo *qmp_cxl_query_switch(const char *path, Error **errp)
{
    CXLUpstreamPort *usp = qmp_switch(path, errp);
    CXLSwitchPortInfo ports[CXL_SWITCH_MAX_PORTS];
    CxlVcsInfoList **vtail;
    CxlLdInfoList **ltail;
    CxlSwitchInfo *info;
    unsigned n;

    if (!usp) {
        return NULL;
    }
    if (usp->vcs_of) {
        usp = usp->vcs_of;      /* the switch: VCS 0's upstream port */
    }
    n = cxl_switch_ports(usp, ports);
    info = g_new0(CxlSwitchInfo, 1);
    info->upstream_port_id = ports[0].id;
    info->vppbs = qmp_vppbs(usp, usp);
    vtail = &info->vcss;
    for (unsigned c = 0; c < usp->nr_vcss; c++) {
        CxlVcsInfo *v;

        if (!usp->vcs[c]) {
            continue;
        }
        v = g_new0(CxlVcsInfo, 1);
        v->vcs = c;
        v->upstream_port_id = cxl_switch_usp_id(usp, c);
        v->upstream_port = object_get_canonical_path(OBJECT(usp->vcs[c]));
        v->vppbs = qmp_vppbs(usp, usp->vcs[c]);
        QAPI_LIST_APPEND(vtail, v);
    }
    ltail = &info->lds;
    for (unsigned i = 1; i < n; i++) {
        PCIDevice *dev = cxl_dsp_device(CXL_DSP(ports[i].port));
        CXLType3MLD *mld;

        if (!dev || !object_dynamic_cast(OBJECT(dev), TYPE_CXL_TYPE3) ||
            !CXL_TYPE3(dev)->mld || CXL_TYPE3(dev)->mld->owner !=
            CXL_TYPE3(dev)) {
            continue;
        }
        mld = CXL_TYPE3(dev)->mld;
        for (unsigned k = 0; k < mld->num_lds; k++) {
            CxlLdInfo *l = g_new0(CxlLdInfo, 1);

            l->port = ports[i].id;
            l->ld_id = k;
            l->base = mld->base[k];
            l->size = mld->size[k];
            if (mld->ld[k]) {
                l->device = object_get_canonical_path(OBJECT(mld->ld[k]));
            }
            l->bound = cxl_type3_mld_ld_bound(mld, k);
            QAPI_LIST_APPEND(ltail, l);
        }
    }
    return info;
}

void qmp_cxl_set_ld_allocations(const char *path, sizeList *sizes,
                                bool has_start_ld, uint8_t start_ld,
                                Error **errp)
{
    CXLType3MLD *mld = cxl_type3_mld_from_qmp_path(path, errp);
    uint64_t size[CXL_MLD_MAX_LDS];
    unsigned n = 0;
    CXLRetCode rc;

    if (!mld) {
        return;
    }
    start_ld = has_start_ld ? start_ld : 0;
    if (start_ld >= mld->num_lds) {
        error_setg(errp, "start-ld: '%s' has LDs 0 to %u, not %u", path,
                   mld->num_lds - 1, start_ld);
        return;
    }
    if (!sizes) {
        error_setg(errp, "sizes: give at least one size (of LDs %u to %u)",
                   start_ld, mld->num_lds - 1);
        return;
    }
    for (sizeList *l = sizes; l; l = l->next) {
        if (n == mld->num_lds - start_ld) {
            error_setg(errp, "sizes: at most %u from start-ld %u ('%s' has "
                       "LDs 0 to %u)", mld->num_lds - start_ld, start_ld,
                       path, mld->num_lds - 1);
            return;
        }
        size[n++] = l->value;
    }
    if (!cxl_type3_mld_set_alloc(mld, start_ld, n, size, &rc, errp)) {
        error_prepend(errp, "sizes: ");
    }
}

/* ---- the PCI function ---- */

static void scci_irq(void *opaque, unsigned vector)
{
    PCIDevice *d = opaque;

    if (msi_enabled(d)) {
        msi_notify(d, vector);
    }
}

static uint32_t scci_event_status(void *opaque)
{
    return cxl_events_status(&CXL_SWITCH_CCI(opaque)->events);
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
    if (s->target->vcs_of) {
        error_setg(errp, "%s: target must be the switch's first cxl-upstream "
                   "(VCS 0), not '%s' (vcs-of)", TYPE_CXL_SWITCH_CCI,
                   DEVICE(s->target)->id ?: "");
        return;
    }
    if (!cxl_cci_check_payload_size(s->payload_size, TYPE_CXL_SWITCH_CCI,
                                    errp)) {
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
    cxl_cci_set_pci_identity(&s->cci, d);
    s->cci.serial = cxl_serial(s->target->sn);
    s->cci.component_type = CXL_CCI_COMPONENT_SWITCH;
    cxl_cci_add_commands(&s->cci, cxl_switch_commands,
                         cxl_switch_commands_len);
    cxl_cci_add_commands(&s->cci, cxl_switch_ld_commands,
                         cxl_switch_ld_commands_len);
    s->cci.events = &s->events;
    cxl_events_init(&s->events, CXL_EVENT_LOG_CAPACITY);
    cxl_events_reset(&s->events, 0);
    cxl_cci_add_commands(&s->cci, cxl_event_commands,
                         cxl_event_commands_len);
    cxl_cci_finalize(&s->cci);

    s->regs.opaque = d;
    s->regs.event_status = scci_event_status;
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
    cxl_events_cleanup(&s->events);
    msi_uninit(d);
}

static void scci_reset(DeviceState *dev)
{
    CXLSwitchCCI *s = CXL_SWITCH_CCI(dev);

    trace_cxl_switch_cci_reset(dev->id ?: "", PCI_DEVICE(dev)->devfn);
    cxl_cci_reset(&s->cci);
    cxl_events_reset(&s->events, 0);
    cxl_device_regs_reset(&s->regs);
}

static const Property scci_properties[] = {
    DEFINE_PROP_LINK("target", CXLSwitchCCI, target, TYPE_CXL_USP,
                     CXLUpstreamPort *),
    DEFINE_PROP_UINT32("mailbox-payload-size", CXLSwitchCCI, payload_size,
                       SCCI_DEFAULT_PAYLOAD),
};

/*
 * ---- migration ----
 *
 * The stream carries the PCI function (configuration space with MSI),
 * the CCI (timestamp, a running Bind or Unbind vPPB, which goes on on the
 * destination), the mailbox registers and payload, the event logs with
 * their interrupt policy, and the vPPB of the running background
 * operation as its VCS and vPPB numbers. The vPPBs' bindings are the
 * downstream ports' own state (hw/pci-bridge/cxl-switch.c); the LD
 * allocations and QoS state are the MLD's (hw/mem/cxl-type3-mld.c).
 */

static const CXLCCIBgOp bind_op = {
    .name = "cxl-switch-bind-vppb",
    .complete = bind_complete,
    .abort = bind_abort,
};

static const CXLCCIBgOp unbind_op = {
    .name = "cxl-switch-unbind-vppb",
    .complete = unbind_complete,
    .abort = unbind_abort,
};

/* The VCS and vPPB numbers of @dsp in @usp's switch; false if none */
static bool vppb_numbers(CXLUpstreamPort *usp, CXLDownstreamPort *dsp,
                         uint8_t *vcs, uint8_t *vppb)
{
    for (unsigned c = 0; c < usp->nr_vcss; c++) {
        CXLUpstreamPort *u = cxl_switch_vcs(usp, c);
        unsigned nr = 0;

        if (!u) {
            continue;
        }
        vppb_port(u, 0, NULL, &nr);
        for (unsigned k = 0; k < nr; k++) {
            if (vppb_port(u, k, NULL, NULL) == dsp) {
                *vcs = c;
                *vppb = k;
                return true;
            }
        }
    }
    return false;
}

static int scci_pre_save(void *opaque)
{
    CXLSwitchCCI *s = opaque;

    s->mig_bg_valid = false;
    s->mig_bg_vcs = s->mig_bg_vppb = 0;
    if (s->bg_dsp) {
        s->mig_bg_valid = vppb_numbers(s->target, s->bg_dsp, &s->mig_bg_vcs,
                                       &s->mig_bg_vppb);
    }
    return 0;
}

static int scci_post_load(void *opaque, int version_id)
{
    CXLSwitchCCI *s = opaque;
    CXLUpstreamPort *u;
    uint16_t op = s->cci.bg.opcode;

    s->bg_dsp = NULL;
    if (s->mig_bg_valid) {
        u = cxl_switch_vcs(s->target, s->mig_bg_vcs);
        s->bg_dsp = u ? vppb_port(u, s->mig_bg_vppb, NULL, NULL) : NULL;
        if (!s->bg_dsp) {
            error_report("%s: no VCS %u vPPB %u for the background "
                         "operation in the stream", TYPE_CXL_SWITCH_CCI,
                         s->mig_bg_vcs, s->mig_bg_vppb);
            return -EINVAL;
        }
    }
    /* a running Bind or Unbind vPPB needs its vPPB */
    if (s->cci.bg.running && !s->bg_dsp &&
        (op == CXL_OP_BIND_VPPB || op == CXL_OP_UNBIND_VPPB)) {
        return -EINVAL;
    }
    return 0;
}

static const VMStateDescription scci_vmstate = {
    .name = TYPE_CXL_SWITCH_CCI,
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = scci_pre_save,
    .post_load = scci_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_PCI_DEVICE(parent_obj, CXLSwitchCCI),
        VMSTATE_STRUCT(cci, CXLSwitchCCI, 1, vmstate_cxl_cci, CXLCCI),
        VMSTATE_STRUCT(regs, CXLSwitchCCI, 1, vmstate_cxl_device_regs,
                       CXLDeviceRegs),
        VMSTATE_STRUCT(events, CXLSwitchCCI, 1, vmstate_cxl_event_logs,
                       CXLEventLogs),
        VMSTATE_BOOL(mig_bg_valid, CXLSwitchCCI),
        VMSTATE_UINT8(mig_bg_vcs, CXLSwitchCCI),
        VMSTATE_UINT8(mig_bg_vppb, CXLSwitchCCI),
        VMSTATE_END_OF_LIST()
    },
};

static void scci_register_bg_ops(void)
{
    cxl_cci_bg_register(&bind_op);
    cxl_cci_bg_register(&unbind_op);
}

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
    scci_register_bg_ops();
}

type_init(scci_register_types)
