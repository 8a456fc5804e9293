/*
 * The switch CCI's side of multi-logical devices and of a switch with
 * several virtual CXL switches (VCSs): the physical ports of all VCSs,
 * which (physical port, LD) a vPPB can be bound to, and the FM API
 * commands that reach an LD of an MLD on a physical port (from memory of
 * CXL r3.x 7.6.7.3, payloads in include/hw/cxl/cxl-mld.h):
 *
 *  5301h Send LD CXL.io Configuration Request: a dword configuration
 *        read or write (byte enables: contiguous bytes) of LD k's function
 *        (the MLD itself for LD 0, its cxl-type3-ld view for LD k), as the
 *        fabric manager sees it: whether a host has it bound or not.
 *  5302h Send LD CXL.io Memory Request: a read or write of at most
 *        CXL_LD_MEM_MAX bytes at an offset of LD k's memory (its DPA,
 *        within the LD's allocation), through the LD's DPA space.
 *  Invalid Input: no such port, not an MLD on it, no such LD or no view
 *  of it, bad byte enables, a range outside the LD's memory; Invalid
 *  Payload Length: a write whose data is not the length given, or a read
 *  whose output does not fit in the mailbox.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/log.h"
#include "hw/pci/pci_bridge.h"
#include "hw/pci/pcie_port.h"
#include "system/memory.h"
#include "hw/cxl/cxl-mailbox.h"
#include "hw/cxl/cxl-switch-cci.h"
#include "hw/cxl/cxl-type3.h"

unsigned cxl_switch_phys_ports(CXLUpstreamPort *usp, CXLSwitchPortInfo *ports)
{
    unsigned n = cxl_switch_ports(usp, ports);
    DECLARE_BITMAP(used, CXL_SWITCH_MAX_PORTS) = { 0 };

    for (unsigned i = 0; i < n; i++) {
        ports[i].vcs = 0;
        set_bit(ports[i].id, used);
    }
    /* the other VCSs' upstream ports, as cxl_switch_ports() numbers VCS 0's */
    for (unsigned c = 1; c < usp->nr_vcss && n < CXL_SWITCH_MAX_PORTS; c++) {
        CXLUpstreamPort *u = usp->vcs[c];
        unsigned id;

        if (!u) {
            continue;
        }
        id = PCIE_PORT(u)->port;
        if (test_bit(id, used)) {
            id = find_first_zero_bit(used, CXL_SWITCH_MAX_PORTS);
        }
        set_bit(id, used);
        ports[n].id = id;
        ports[n].port = PCI_DEVICE(u);
        ports[n].upstream = true;
        ports[n++].vcs = c;
    }
    return n;
}

CXLUpstreamPort *cxl_switch_vcs(CXLUpstreamPort *usp, unsigned vcs)
{
    return vcs < usp->nr_vcss ? usp->vcs[vcs] : NULL;
}

uint8_t cxl_switch_usp_id(CXLUpstreamPort *usp, unsigned vcs)
{
    CXLSwitchPortInfo ports[CXL_SWITCH_MAX_PORTS];
    unsigned n = cxl_switch_phys_ports(usp, ports);

    for (unsigned i = 0; i < n; i++) {
        if (ports[i].upstream && ports[i].vcs == vcs) {
            return ports[i].id;
        }
    }
    return 0xff;
}

/* The physical port ID of downstream port @dsp of VCS 0, if it is one */
static bool phys_dsp_id(CXLUpstreamPort *usp, CXLDownstreamPort *dsp,
                        uint8_t *id)
{
    CXLSwitchPortInfo ports[CXL_SWITCH_MAX_PORTS];
    unsigned n = cxl_switch_ports(usp, ports);

    for (unsigned i = 1; i < n; i++) {
        if (ports[i].port == PCI_DEVICE(dsp)) {
            *id = ports[i].id;
            return true;
        }
    }
    return false;
}

bool cxl_vppb_target(CXLUpstreamPort *usp, CXLDownstreamPort *dsp,
                     uint8_t *port, uint16_t *ld)
{
    PCIDevice *dev = cxl_dsp_device(dsp);
    CXLType3Dev *ct3 = dev && object_dynamic_cast(OBJECT(dev), TYPE_CXL_TYPE3)
                       ? CXL_TYPE3(dev) : NULL;
    CXLDownstreamPort *mld_dsp;

    if (ct3 && ct3->mld) {
        /* an LD: the MLD's port, if it is a physical port of this switch */
        mld_dsp = CXL_DSP(pci_get_bus(PCI_DEVICE(ct3->mld->owner))->parent_dev);
        *ld = ct3->ld_id;
        return phys_dsp_id(usp, mld_dsp, port);
    }
    /* anything else: its own physical port (VCS 0's downstream ports) */
    *ld = CXL_LD_ID_NONE;
    return phys_dsp_id(usp, dsp, port);
}

CXLType3Dev *cxl_switch_ld(CXLUpstreamPort *usp, uint8_t port, uint16_t ld,
                           const char **why)
{
    CXLSwitchPortInfo ports[CXL_SWITCH_MAX_PORTS];
    unsigned n = cxl_switch_ports(usp, ports);
    PCIDevice *below = NULL;
    CXLType3MLD *mld;

    for (unsigned i = 1; i < n; i++) {
        if (ports[i].id == port) {
            below = cxl_dsp_device(CXL_DSP(ports[i].port));
            break;
        }
    }
    if (!below || !object_dynamic_cast(OBJECT(below), TYPE_CXL_TYPE3) ||
        !CXL_TYPE3(below)->mld) {
        *why = "no MLD on that physical port";
        return NULL;
    }
    mld = CXL_TYPE3(below)->mld;
    if (ld >= mld->num_lds || !mld->ld[ld]) {
        *why = ld >= mld->num_lds ? "no such LD" :
               "the LD has no view (no cxl-type3-ld with its ld-id)";
        return NULL;
    }
    return mld->ld[ld];
}

static CXLUpstreamPort *sw_of(CXLCCI *cci)
{
    return CXL_SWITCH_CCI(cci->opaque)->target;
}

/* Send LD CXL.io Configuration Request (5301h), from memory */
static CXLRetCode cmd_send_ld_config(CXLCCI *cci, const uint8_t *in,
                                     size_t in_len, uint8_t *out,
                                     size_t *out_len)
{
    const CXLSendLDConfigIn *i = (const CXLSendLDConfigIn *)in;
    CXLSendLDConfigOut *o = (CXLSendLDConfigOut *)out;
    uint32_t reg = le32_to_cpu(i->reg);
    unsigned be = (reg >> CXL_LD_CFG_BE_SHIFT) & CXL_LD_CFG_BE_MASK;
    unsigned first = ctz32(be | 0x10), len = ctpop32(be);
    uint32_t addr = (reg & CXL_LD_CFG_OFFSET_MASK) + first;
    const char *why = NULL;
    CXLType3Dev *ct3 = cxl_switch_ld(sw_of(cci), i->port_id,
                                     le16_to_cpu(i->ld_id), &why);
    PCIDevice *d;
    uint32_t v;

    if (ct3 && (!be || be >> first != (1u << len) - 1)) {
        why = "byte enables must select contiguous bytes";
        ct3 = NULL;
    } else if (ct3 && addr + len > pci_config_size(PCI_DEVICE(ct3))) {
        why = "past the function's configuration space";
        ct3 = NULL;
    }
    if (!ct3) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: Send LD CXL.io Configuration "
                      "Request: port %u LD %u: %s\n", cci->name, i->port_id,
                      le16_to_cpu(i->ld_id), why);
        return CXL_RC_INVALID_INPUT;
    }
    d = PCI_DEVICE(ct3);
    if (reg & CXL_LD_CFG_WRITE) {
        v = le32_to_cpu(i->data) >> (8 * first);
        PCI_DEVICE_GET_CLASS(d)->config_write(d, addr, v, len);
        o->data = 0;
    } else {
        v = PCI_DEVICE_GET_CLASS(d)->config_read(d, addr, len);
        o->data = cpu_to_le32(len == 4 ? v : (v & ((1u << 8 * len) - 1))
                              << (8 * first));
    }
    *out_len = sizeof(*o);
    return CXL_RC_SUCCESS;
}

/* Send LD CXL.io Memory Request (5302h), from memory */
static CXLRetCode cmd_send_ld_memory(CXLCCI *cci, const uint8_t *in,
                                     size_t in_len, uint8_t *out,
                                     size_t *out_len)
{
    const CXLSendLDMemIn *i = (const CXLSendLDMemIn *)in;
    CXLSendLDMemOut *o = (CXLSendLDMemOut *)out;
    bool write = i->flags & CXL_LD_MEM_WRITE;
    uint64_t off = le64_to_cpu(i->offset);
    size_t len = le16_to_cpu(i->length);
    const char *why = NULL;
    CXLType3Dev *ct3;
    uint64_t size;

    if (write ? in_len != sizeof(*i) + len : in_len != sizeof(*i)) {
        return CXL_RC_INVALID_PAYLOAD_LENGTH;
    }
    ct3 = cxl_switch_ld(sw_of(cci), i->port_id, le16_to_cpu(i->ld_id), &why);
    if (ct3) {
        size = cxl_type3_dpa_size(ct3);
        if (!len || len > CXL_LD_MEM_MAX || off >= size || len > size - off) {
            why = "not a range of the LD's memory (at most 4 KiB)";
            ct3 = NULL;
        }
    }
    if (!ct3) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: Send LD CXL.io Memory Request: "
                      "port %u LD %u offset 0x%" PRIx64 " length %zu: %s\n",
                      cci->name, i->port_id, le16_to_cpu(i->ld_id), off, len,
                      why);
        return CXL_RC_INVALID_INPUT;
    }
    if (!write && sizeof(*o) + len > cci->payload_max) {
        return CXL_RC_INVALID_PAYLOAD_LENGTH;
    }
    memset(o, 0, sizeof(*o));
    if (write) {
        cxl_type3_dpa_write(ct3, off, i->data, len);
        *out_len = sizeof(*o);
        return CXL_RC_SUCCESS;
    }
    address_space_read(&ct3->dpa_as, off, MEMTXATTRS_UNSPECIFIED, o->data,
                       len);
    o->length = cpu_to_le16(len);
    *out_len = sizeof(*o) + len;
    return CXL_RC_SUCCESS;
}

const CXLCCICommand cxl_switch_ld_commands[] = {
    { CXL_OP_SEND_LD_CONFIG, "Send LD CXL.io Configuration Request",
      cmd_send_ld_config, CXL_CCI_IN_EXACT, sizeof(CXLSendLDConfigIn),
      CXL_CEL_IMMEDIATE_CONFIG_CHANGE },
    { CXL_OP_SEND_LD_MEMORY, "Send LD CXL.io Memory Request",
      cmd_send_ld_memory, CXL_CCI_IN_MIN, sizeof(CXLSendLDMemIn),
      CXL_CEL_IMMEDIATE_DATA_CHANGE },
};
const size_t cxl_switch_ld_commands_len = ARRAY_SIZE(cxl_switch_ld_commands);
