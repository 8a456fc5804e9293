/*
 * qtest: the switch mailbox CCI (cxl-switch-mailbox-cci, function 1 beside
 * a cxl-upstream switch port), driven through configuration space and MMIO
 * as a guest would, without a guest: configuration space, register locator
 * and device registers, Identify, the CEL against this test's command
 * list, a table of inputs and return codes for every command (the generic
 * ones and the FM API physical switch set), Identify Switch Device and Get
 * Physical Port State against the topology, Physical Port Control
 * resetting only the device below the port, Send PPB CXL.io
 * Configuration Request (5103h, layout from memory) to bound, unbound
 * and absent devices, switches with more ports than
 * the FM API can name, and the properties QEMU must refuse; the Tunnel
 * Management Command (5300h) to the fabric manager CCI of a cxl-type3 with
 * dynamic capacity below a downstream port: Identify, its CEL, the FM API
 * DCD commands against the host mailbox and QMP, and the errors of the
 * tunnelled command and of the tunnel (hw/cxl/cxl-switch-cci.c documents
 * them; the message and tunnel layouts are from memory of CXL r3.1 7.6.3
 * and 7.6.7.3.1, as in include/hw/cxl/cxl-mailbox.h).
 *
 * The topology and its set-up are cxl-switch-test's (cxl-switch-qtest.h).
 * Register and payload layouts are Linux's (drivers/cxl/cxl.h, cxlpci.h,
 * cxlmem.h, include/uapi/linux/pci_regs.h).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/bswap.h"
#include "qemu/host-utils.h"
#include "libqtest.h"
#include "qobject/qdict.h"
#include "cxl-switch-qtest.h"

static void test_cci_config(void)
{
    Sw s;
    uint16_t loc;
    uint8_t pcie, msi;
    uint64_t arr;
    uint32_t cap, len, lo;
    uint8_t out[256];
    bool seen_status = false;

    sw_start(&s);
    /* class 0Ch (serial bus), subclass 0Bh (CXL switch mailbox CCI) */
    g_assert_cmphex(qtest_readl(s.qts, cci_cfg(0x08)) >> 16, ==, 0x0c0b);
    /* a type 0 header, function 1 of a multi-function device */
    g_assert_cmphex(qtest_readb(s.qts, cci_cfg(0x0e)) & 0x7f, ==, 0);
    g_assert_cmphex(qtest_readb(s.qts, cfg(USP, 0x0e)) & 0x80, ==, 0x80);
    /* a PCIe endpoint with MSI */
    pcie = cxl_qtest_find_cap_fn(s.qts, fn_at[USP].bus, fn_at[USP].dev,
                                 CCI_FN, 0x10);
    g_assert_cmphex(pcie, !=, 0);
    g_assert_cmphex((qtest_readw(s.qts, cci_cfg(pcie + PCIE_FLAGS)) >> 4) &
                    0xf, ==, 0);
    msi = cxl_qtest_find_cap_fn(s.qts, fn_at[USP].bus, fn_at[USP].dev,
                                CCI_FN, 0x05);
    g_assert_cmphex(msi, !=, 0);

    /* register locator: one block, the device registers at BAR 0 */
    loc = cxl_qtest_find_dvsec_fn(s.qts, fn_at[USP].bus, fn_at[USP].dev,
                                  CCI_FN, 8, NULL);
    g_assert_cmphex(loc, !=, 0);
    g_assert_cmphex(qtest_readl(s.qts, cci_cfg(loc + 4)) >> 20, ==, 0x0c + 8);
    lo = qtest_readl(s.qts, cci_cfg(loc + 0x0c));
    g_assert_cmphex(lo & 7, ==, 0);
    g_assert_cmphex((lo >> 8) & 0xff, ==, 3);
    g_assert_cmphex(qtest_readl(s.qts, cci_cfg(0x10)) & 0x7, ==, 0x4);
    g_assert_cmphex(s.cci_bar_size[0], !=, 0);
    /* no component registers: a CCI is not a CXL port */
    g_assert_cmphex(cxl_qtest_regloc_fn(s.qts, fn_at[USP].bus,
                                        fn_at[USP].dev, CCI_FN, s.cci_bar, 1),
                    ==, 0);

    /* capability array: device status and primary mailbox, nothing else */
    arr = qtest_readq(s.qts, s.cci_regs);
    g_assert_cmphex(arr & 0xffff, ==, 0);
    g_assert_cmpuint((arr >> 32) & 0xffff, ==, 2);
    for (unsigned i = 1; i <= 2; i++) {
        uint64_t h = s.cci_regs + 16 * i;
        uint32_t off = qtest_readl(s.qts, h + 4);

        len = qtest_readl(s.qts, h + 8);
        g_assert_cmpuint(off, >=, 16 * 3);              /* past the array */
        g_assert_cmpuint((uint64_t)off + len, <=, s.cci_bar_size[0]);
        seen_status |= (qtest_readl(s.qts, h) & 0xffff) == 1;
    }
    g_assert_true(seen_status);
    g_assert_cmphex(cxl_qtest_dev_cap(s.qts, s.cci_regs, 0x4000, NULL), ==,
                    0);

    /* mailbox: payload 2^8..2^20, its interrupt vector among MSI's */
    cap = qtest_readl(s.qts, s.mbox + MBOX_CAPS);
    g_assert_cmpuint(cap & 0x1f, >=, 8);
    g_assert_cmpuint(cap & 0x1f, <=, 20);
    g_assert_cmpuint(s.mbox_len, >=, MBOX_PAYLOAD + s.payload_max);
    if (cap & (1 << 6)) {
        unsigned vectors = 1u << ((qtest_readw(s.qts, cci_cfg(msi + 2)) >> 1)
                                  & 7);

        g_assert_cmpuint((cap >> 7) & 0xf, <, vectors);
    }
    g_assert_cmphex(qtest_readq(s.qts, s.mbox + MBOX_STATUS) & 1, ==, 0);

    /* Identify (0001h): a switch, with the USP's serial number */
    memset(out, 0, sizeof(out));
    g_assert_cmphex(sw_cci_send(&s, 0x0001, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 18);
    g_assert_cmphex(lduw_le_p(out + 0), ==, qtest_readw(s.qts, cci_cfg(0)));
    g_assert_cmphex(lduw_le_p(out + 2), ==, qtest_readw(s.qts, cci_cfg(2)));
    g_assert_cmphex(lduw_le_p(out + 4), ==,
                    qtest_readw(s.qts, cci_cfg(0x2c)));
    g_assert_cmphex(lduw_le_p(out + 6), ==,
                    qtest_readw(s.qts, cci_cfg(0x2e)));
    g_assert_cmphex(ldq_le_p(out + 8), ==, USP_SN);
    g_assert_cmpuint(out[16], ==, cap & 0x1f);
    g_assert_cmpuint(out[17], ==, 0);                   /* switch */
    sw_stop(&s);
}

/* The generic commands every CCI serves */
#define GENERIC_OPS CXL_QTEST_GENERIC_OPS

/* Every command the CCI may list in its CEL, and this test covers */
static const CXLQtestOp cci_ops[] = {
    GENERIC_OPS,
    { 0x0100, "Get Event Records" },
    { 0x0101, "Clear Event Records" },
    { 0x0102, "Get Event Interrupt Policy" },
    { 0x0103, "Set Event Interrupt Policy" },
    { 0x5100, "Identify Switch Device" },
    { 0x5101, "Get Physical Port State" },
    { 0x5102, "Physical Port Control" },
    { 0x5103, "Send PPB CXL.io Configuration Request" },
    { 0x5200, "Get Virtual CXL Switch Info" },
    { 0x5201, "Bind vPPB" },
    { 0x5202, "Unbind vPPB" },
    { 0x5203, "Generate AER Event" },
    { 0x5300, "Tunnel Management Command" },
    { 0x5301, "Send LD CXL.io Configuration Request" },
    { 0x5302, "Send LD CXL.io Memory Request" },
};

static void test_cci_cel(void)
{
    Sw s;
    uint32_t size;
    g_autofree uint8_t *cel = NULL;

    sw_start(&s);
    cel = cxl_qtest_read_cel(s.qts, s.mbox, s.payload_max, &size);
    cxl_qtest_check_cel(cel, size, cci_ops, ARRAY_SIZE(cci_ops));
    sw_stop(&s);
}

/*
 * The command table for the default topology, after the generic one: the
 * USP is port 0, the DSPs ports 3 and 5. Only Bind and Unbind vPPB
 * start background operations: cxl-switch-bind-test covers them, this
 * table only their errors (both vPPBs are bound).
 */
static const CXLQtestMboxCase cci_cases[] = {
    /* not a memory device, and no such opcode */
    { "identify memdev", 0x4000, {}, 0, false, RC_UNSUPPORTED },
    { "unknown opcode", 0xcafe, {}, 0, false, RC_UNSUPPORTED },
    /*
     * the event logs: informational to fatal, no Dynamic Capacity log, no
     * interrupts (the switch CCI's events are FM API ones)
     */
    { "get events (informational, empty)", 0x0100, { 0 }, 1, false,
      RC_SUCCESS, 0x20, .exact = true },
    { "get events of the DC log", 0x0100, { 4 }, 1, false,
      RC_INVALID_INPUT },
    { "get events short", 0x0100, {}, 0, false, RC_PAYLOAD_LEN },
    { "clear all events", 0x0101, { 0, 1, 0 }, 6, false, RC_SUCCESS, 0,
      .exact = true },
    { "clear events short", 0x0101, { 0, 1 }, 5, false, RC_PAYLOAD_LEN },
    { "get event policy", 0x0102, {}, 0, false, RC_SUCCESS, 5,
      .exact = true },
    { "get event policy long", 0x0102, { 0 }, 1, false, RC_PAYLOAD_LEN },
    { "set event policy: none", 0x0103, { 0, 0, 0, 0 }, 4, false,
      RC_SUCCESS, 0, .exact = true },
    { "set event policy: MSI", 0x0103, { 1, 0, 0, 0 }, 4, false,
      RC_INVALID_INPUT },
    { "set event policy short", 0x0103, { 0 }, 1, false, RC_PAYLOAD_LEN },
    /* Identify Switch Device: no input, 49h bytes out */
    { "identify switch", 0x5100, {}, 0, false, RC_SUCCESS, 0x49,
      .exact = true },
    { "identify switch long", 0x5100, {}, 1, false, RC_PAYLOAD_LEN },
    /* Get Physical Port State: count, IDs; 4 + 16 bytes a port out */
    { "port state of port 3", 0x5101, { 1, 3 }, 2, false, RC_SUCCESS,
      4 + 16, .exact = true },
    { "port state of the USP", 0x5101, { 1, 0 }, 2, false, RC_SUCCESS,
      4 + 16, .exact = true },
    { "port state of all ports", 0x5101, { 3, 5, 0, 3 }, 4, false,
      RC_SUCCESS, 4 + 3 * 16, .exact = true },
    { "port state short", 0x5101, {}, 0, false, RC_PAYLOAD_LEN },
    { "port state long", 0x5101, { 1, 3, 5 }, 3, false, RC_PAYLOAD_LEN },
    { "port state of no port", 0x5101, { 0 }, 1, false, RC_INVALID_INPUT },
    { "port state of unknown port 9", 0x5101, { 1, 9 }, 2, false,
      RC_INVALID_INPUT },
    { "port state of 3 ports, 2 IDs", 0x5101, { 3, 3, 5 }, 3, false,
      RC_PAYLOAD_LEN },
    { "port state longer than the mailbox", 0x5101, { 1, 3 }, 2, true,
      RC_PAYLOAD_LEN },
    /* Physical Port Control: PPB ID, opcode */
    { "deassert PERST on port 5", 0x5102, { 5, 1 }, 2, false, RC_SUCCESS, 0,
      .exact = true },
    { "port control short", 0x5102, { 5 }, 1, false, RC_PAYLOAD_LEN },
    { "port control long", 0x5102, { 5, 1, 0 }, 3, false, RC_PAYLOAD_LEN },
    { "port control of unknown port 9", 0x5102, { 9, 1 }, 2, false,
      RC_INVALID_INPUT },
    { "port control of the USP", 0x5102, { 0, 2 }, 2, false,
      RC_INVALID_INPUT },
    { "port control opcode 3", 0x5102, { 5, 3 }, 2, false,
      RC_INVALID_INPUT },
    /*
     * Send PPB CXL.io Configuration Request (from memory): PPB ID, register
     * number, extended register number [3:0] and byte enables [7:4],
     * write [7], data (4); the data read out
     */
    { "PPB config read on port 3", 0x5103, { 3, 0, 0xf0, 0 }, 8, false,
      RC_SUCCESS, 4, .exact = true },
    { "PPB config short", 0x5103, { 3, 0, 0xf0, 0 }, 7, false,
      RC_PAYLOAD_LEN },
    { "PPB config long", 0x5103, { 3, 0, 0xf0, 0 }, 9, false,
      RC_PAYLOAD_LEN },
    { "PPB config of unknown port 9", 0x5103, { 9, 0, 0xf0, 0 }, 8, false,
      RC_INVALID_INPUT },
    { "PPB config of the USP", 0x5103, { 0, 0, 0xf0, 0 }, 8, false,
      RC_INVALID_INPUT },
    { "PPB config without byte enables", 0x5103, { 3, 0, 0, 0 }, 8, false,
      RC_INVALID_INPUT },
    { "PPB config at offset 2", 0x5103, { 3, 2, 0xf0, 0 }, 8, false,
      RC_INVALID_INPUT },
    /* the virtual switch commands (from memory of CXL r3.1 7.6.7.2) */
    { "VCS info", 0x5200, { 0, 255, 1, 0 }, 4, false, RC_SUCCESS, 8 + 2 * 4,
      .exact = true },
    { "VCS info short", 0x5200, { 0 }, 1, false, RC_PAYLOAD_LEN },
    { "bind bound vPPB 0", 0x5201, { 0, 0, 3, 0, 0xff, 0xff }, 6, false,
      RC_INVALID_INPUT },
    { "bind short", 0x5201, { 0 }, 1, false, RC_PAYLOAD_LEN },
    { "unbind option 3", 0x5202, { 0, 0, 3 }, 3, false, RC_INVALID_INPUT },
    { "unbind short", 0x5202, { 0 }, 1, false, RC_PAYLOAD_LEN },
    /* Generate AER Event: VCS, vPPB, reserved (2), AER error, header */
    { "AER completion timeout on vPPB 0", 0x5203, { 0, 0, 0, 0, 14 }, 40,
      false, RC_SUCCESS, 0, .exact = true },
    { "AER receiver error on vPPB 1", 0x5203,
      { 0, 1, 0, 0, 0, 0, 0, 0x80 }, 40, false, RC_SUCCESS, 0,
      .exact = true },
    { "AER bit 0 uncorrectable", 0x5203, { 0, 0, 0, 0, 0 }, 40, false,
      RC_INVALID_INPUT },
    { "AER on vPPB 2", 0x5203, { 0, 2, 0, 0, 14 }, 40, false,
      RC_INVALID_INPUT },
    { "AER in VCS 1", 0x5203, { 1, 0, 0, 0, 14 }, 40, false,
      RC_INVALID_INPUT },
    { "AER short", 0x5203, { 0, 0, 0, 0, 14 }, 39, false, RC_PAYLOAD_LEN },
    { "AER long", 0x5203, { 0, 0, 0, 0, 14 }, 41, false, RC_PAYLOAD_LEN },
    /*
     * Send LD CXL.io requests (from memory; no MLD here, see
     * cxl-type3-mld-test): port, reserved, LD ID (2), then the request
     */
    { "LD config read, port 5 (no MLD)", 0x5301,
      { 5, 0, 0, 0, 0, 0, 0x0f, 0 }, 12, false, RC_INVALID_INPUT },
    { "LD config short", 0x5301, { 5 }, 11, false, RC_PAYLOAD_LEN },
    { "LD config long", 0x5301, { 5 }, 13, false, RC_PAYLOAD_LEN },
    { "LD memory read, port 5 (no MLD)", 0x5302,
      { 5, 0, 0, 0, 0, 0, 8, 0 }, 16, false, RC_INVALID_INPUT },
    { "LD memory short", 0x5302, { 5 }, 15, false, RC_PAYLOAD_LEN },
    { "LD memory read with data", 0x5302, { 5, 0, 0, 0, 0, 0, 8, 0 }, 24,
      false, RC_PAYLOAD_LEN },
};

/*
 * Bind and Unbind vPPB succeed by starting a background operation, one at
 * a time: each runs alone, Unbind on the default topology (after
 * cci_cases), Bind with vPPB 1 (port 5) unbound at boot.
 */
static const CXLQtestMboxCase unbind_cases[] = {
    { "unbind vPPB 1, surprise", 0x5202, { 0, 1, 2 }, 3, false,
      RC_BACKGROUND, 0, .exact = true },
};

/*
 * Send LD CXL.io requests to LD 0 of an MLD (t3b with num-lds=2 on a
 * 1 GiB backend): a configuration read of its IDs, a memory read
 */
static const CXLQtestMboxCase ld_cases[] = {
    { "LD config read of LD 0 on port 5", 0x5301,
      { 5, 0, 0, 0, 0, 0, 0x0f, 0 }, 12, false, RC_SUCCESS, 4,
      .exact = true },
    { "LD memory read of LD 0 on port 5", 0x5302,
      { 5, 0, 0, 0, 0, 0, 8, 0 }, 16, false, RC_SUCCESS, 4 + 8,
      .exact = true },
};

static const CXLQtestMboxCase bind_cases[] = {
    { "bind vPPB 1 to port 5", 0x5201, { 0, 1, 5, 0, 0xff, 0xff }, 6, false,
      RC_BACKGROUND, 0, .exact = true },
};

/*
 * Tunnel Management Command (5300h, from memory of CXL r3.1 7.6.7.3.1):
 * port or LD ID, target type, command size (2 bytes), then a CCI message:
 * category, tag, reserved, opcode (2), payload length (3), return code
 * (2), vendor status (2), payload. Output: response length (2), reserved
 * (2), the response message. Run with t3b (port 5) a device with dynamic
 * capacity, so with a fabric manager CCI.
 */
#define DC_OPTS     ",volatile-dc-memdev=dc0,num-dc-regions=2"
#define DC_OBJ      "-object memory-backend-ram,id=dc0,size=512M"
#define MSG_HDR     12
#define TUNNEL_HDR  4

static const CXLQtestMboxCase tunnel_cases[] = {
    { "tunnel Identify to port 5", 0x5300, { 5, 0, 12, 0, 0, 7, 0, 0x01 },
      TUNNEL_HDR + MSG_HDR, false, RC_SUCCESS,
      TUNNEL_HDR + MSG_HDR + 18, .exact = true },
    { "tunnel short", 0x5300, { 5, 0, 12 }, 3, false, RC_PAYLOAD_LEN },
    { "tunnel command size past the payload", 0x5300,
      { 5, 0, 13, 0, 0, 7, 0, 0x01 }, TUNNEL_HDR + MSG_HDR, false,
      RC_PAYLOAD_LEN },
    { "tunnel longer than the mailbox", 0x5300,
      { 5, 0, 12, 0, 0, 7, 0, 0x01 }, TUNNEL_HDR + MSG_HDR, true,
      RC_PAYLOAD_LEN },
    { "tunnel to port 3 (no FM CCI)", 0x5300, { 3, 0, 12, 0, 0, 7, 0, 0x01 },
      TUNNEL_HDR + MSG_HDR, false, RC_INVALID_INPUT },
};

/* A switch port as Get Physical Port State reports it */
typedef struct PortState {
    uint8_t id;
    uint8_t config;         /* 3 DSP, 4 USP */
    uint8_t device;         /* connected device type */
    uint8_t protocols;
    uint8_t width;          /* negotiated */
    uint8_t ltssm;
} PortState;

/* Get Physical Port State of the @n ports @ids, into @st */
static void port_state(Sw *s, const uint8_t *ids, unsigned n, PortState *st)
{
    uint8_t in[16], out[4 + 16 * 16];
    uint32_t len;

    g_assert_cmpuint(n, <, ARRAY_SIZE(in));
    in[0] = n;
    memcpy(in + 1, ids, n);
    g_assert_cmphex(sw_cci_send(s, 0x5101, in, 1 + n, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 4 + 16 * n);
    g_assert_cmpuint(out[0], ==, n);
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *o = out + 4 + 16 * i;

        st[i] = (PortState) {
            .id = o[0], .config = o[1], .device = o[4], .protocols = o[5],
            .width = o[7], .ltssm = o[11],
        };
        g_test_message("port %u: config %u, device %u, protocols %#x, "
                       "width %u, LTSSM %u", o[0], o[1], o[4], o[5], o[7],
                       o[11]);
        g_assert_cmpuint(st[i].id, ==, ids[i]);
    }
}

/*
 * Identify Switch Device: the USP (port @usp) is the ingress port, the
 * physical ports are it and the DSPs @dsps (@n), one VCS with a vPPB per
 * DSP, all bound.
 */
static void check_identify_switch(Sw *s, uint8_t usp, const uint8_t *dsps,
                                  unsigned n)
{
    uint8_t out[0x49], want[32] = { 0 };
    uint32_t len;

    want[usp / 8] |= 1 << (usp % 8);
    for (unsigned i = 0; i < n; i++) {
        want[dsps[i] / 8] |= 1 << (dsps[i] % 8);
    }
    g_assert_cmphex(sw_cci_send(s, 0x5100, NULL, 0, out, sizeof(out), &len), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(len, ==, 0x49);
    g_assert_cmpuint(out[0], ==, usp);                  /* ingress port */
    g_assert_cmpuint(out[2], ==, 1 + n);                /* physical ports */
    g_assert_cmpuint(out[3], ==, 1);                    /* VCSs */
    for (unsigned i = 0; i < 32; i++) {
        g_assert_cmphex(out[4 + i], ==, want[i]);       /* active ports */
        g_assert_cmphex(out[36 + i], ==, i ? 0 : 1);    /* active VCSs */
    }
    g_assert_cmpuint(lduw_le_p(out + 68), ==, n);       /* total vPPBs */
    g_assert_cmpuint(lduw_le_p(out + 70), ==, n);       /* bound vPPBs */
    g_assert_cmpuint(out[72], ==, 8);                   /* HDM decoders */
}

/* A port with a CXL link up: CXL.io and CXL.mem, L0, x16 */
static void check_link_up(const PortState *p)
{
    g_assert_cmphex(p->protocols & 0x5, ==, 0x5);
    g_assert_cmpuint(p->ltssm, ==, 3);
    g_assert_cmpuint(p->width, ==, 16);
}

/* Decoder 0 control and Mem_Enable of device @f */
static uint32_t dev_state(Sw *s, int f)
{
    uint64_t hdm = cxl_qtest_cm_cap(s->qts, s->comp[f], 5);
    uint16_t dvsec = find_dvsec(s, f, 0, NULL);

    g_assert_cmphex(dvsec, !=, 0);
    return (qtest_readl(s->qts, cxl_qtest_hdm_dec(hdm, 0, HDM_DEC_CTRL)) &
            HDM_CTRL_COMMITTED) |
           (qtest_readw(s->qts, cfg(f, dvsec + DVSEC_CTRL)) &
            DVSEC_MEM_ENABLE);
}

#define DEV_ENABLED     (HDM_CTRL_COMMITTED | DVSEC_MEM_ENABLE)

/* A third downstream port, 7, with nothing below it */
#define DSP7 "-device cxl-downstream,port=7,bus=us0,id=ds7,chassis=0,slot=6"

static void test_cci_commands(void)
{
    static const uint8_t dsps[] = { 3, 5, 7 };
    static const uint8_t ids[] = { 3, 5, 7, 0 };
    Sw s;
    PortState st[ARRAY_SIZE(ids)];
    uint8_t in[8] = { 0 }, out[256], many[1 + 16];
    uint32_t len, size;
    g_autofree uint8_t *cel = NULL;
    unsigned failures;

    size_t nr_all = ARRAY_SIZE(cci_cases) + ARRAY_SIZE(tunnel_cases) +
                    ARRAY_SIZE(unbind_cases) + ARRAY_SIZE(bind_cases) +
                    ARRAY_SIZE(ld_cases);
    g_autofree CXLQtestMboxCase *all = g_new(CXLQtestMboxCase, nr_all);
    CXLQtestMboxCase *next = all;

    memcpy(next, cci_cases, sizeof(cci_cases));
    next += ARRAY_SIZE(cci_cases);
    memcpy(next, tunnel_cases, sizeof(tunnel_cases));
    next += ARRAY_SIZE(tunnel_cases);
    memcpy(next, unbind_cases, sizeof(unbind_cases));
    next += ARRAY_SIZE(unbind_cases);
    memcpy(next, bind_cases, sizeof(bind_cases));
    next += ARRAY_SIZE(bind_cases);
    memcpy(next, ld_cases, sizeof(ld_cases));
    g_assert_cmpuint(cxl_qtest_cases_cover(cci_ops, ARRAY_SIZE(cci_ops), all,
                                           nr_all), ==, 0);
    sw_start(&s);
    failures = cxl_qtest_run_cases(s.qts, s.mbox, s.payload_max,
                                   cxl_qtest_generic_cases,
                                   cxl_qtest_nr_generic_cases);
    failures += cxl_qtest_run_cases(s.qts, s.mbox, s.payload_max, cci_cases,
                                    ARRAY_SIZE(cci_cases));
    g_assert_cmpuint(failures, ==, 0);
    /* the USP's port property is 0 and no DSP has it */
    check_identify_switch(&s, 0, dsps, 2);
    g_assert_cmpuint(cxl_qtest_run_cases(s.qts, s.mbox, s.payload_max,
                                         unbind_cases,
                                         ARRAY_SIZE(unbind_cases)), ==, 0);
    sw_stop(&s);
    sw_start_with(&s, "-set device.ds5.bound=off");
    g_assert_cmpuint(cxl_qtest_run_cases(s.qts, s.mbox, s.payload_max,
                                         bind_cases, ARRAY_SIZE(bind_cases)),
                     ==, 0);
    sw_stop(&s);

    sw_start_sized(&s, "1G", ",num-lds=2", "");
    g_assert_cmpuint(cxl_qtest_run_cases(s.qts, s.mbox, s.payload_max,
                                         ld_cases, ARRAY_SIZE(ld_cases)),
                     ==, 0);
    sw_stop(&s);

    /* the tunnel's cases, to the device with dynamic capacity at port 5 */
    sw_start_opts(&s, DC_OPTS, DC_OBJ);
    g_assert_cmpuint(cxl_qtest_run_cases(s.qts, s.mbox, s.payload_max,
                                         tunnel_cases,
                                         ARRAY_SIZE(tunnel_cases)), ==, 0);
    sw_stop(&s);

    sw_start_with(&s, DSP7);
    check_identify_switch(&s, 0, dsps, 3);
    port_state(&s, ids, ARRAY_SIZE(ids), st);
    for (unsigned i = 0; i < 2; i++) {
        g_assert_cmpuint(st[i].config, ==, 3);          /* DSP */
        g_assert_cmpuint(st[i].device, ==, 4);          /* Type 3 SLD */
        check_link_up(&st[i]);
    }
    /* nothing below port 7: no device, no link */
    g_assert_cmpuint(st[2].config, ==, 3);
    g_assert_cmpuint(st[2].device, ==, 0);
    g_assert_cmpuint(st[2].width, ==, 0);
    g_assert_cmpuint(st[2].ltssm, !=, 3);
    /* the USP, linked to the root port */
    g_assert_cmpuint(st[3].config, ==, 4);
    check_link_up(&st[3]);

    cxl_qtest_check_timestamp(s.qts, s.mbox, s.payload_max);

    /* Get Supported Logs lists the CEL, as long as Get Log reads it */
    cel = cxl_qtest_read_cel(s.qts, s.mbox, s.payload_max, &size);
    g_assert_cmphex(sw_cci_send(&s, 0x0400, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(lduw_le_p(out), >=, 1);
    g_assert_cmpmem(out + 8, 16, cxl_qtest_cel_uuid, 16);
    g_assert_cmpuint(ldl_le_p(out + 24), ==, size);
    g_assert_cmpuint(size, ==, 4 * ARRAY_SIZE(cci_ops));

    /* Reset PPB of port 3 resets the device below it, only that one */
    sw_enable_devices(&s);
    g_assert_cmphex(dev_state(&s, EP1), ==, DEV_ENABLED);
    g_assert_cmphex(dev_state(&s, EP2), ==, DEV_ENABLED);
    in[0] = 3;
    in[1] = 2;
    g_assert_cmphex(sw_cci_send(&s, 0x5102, in, 2, NULL, 0, &len), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(len, ==, 0);
    /* port 5's device, still reachable as before */
    g_assert_cmphex(dev_state(&s, EP2), ==, DEV_ENABLED);
    /* port 3's, after firmware enumerated it again */
    sw_platform_init(&s);
    g_assert_cmphex(dev_state(&s, EP1), ==, 0);
    g_assert_cmphex(dev_state(&s, EP2), ==, DEV_ENABLED);
    /* the ports are all still there */
    check_identify_switch(&s, 0, dsps, 3);
    sw_stop(&s);

    /*
     * A DSP with the USP's port number 0: the USP gets the lowest free
     * one, 1. Below it another switch (a CXL switch is type 3), and a
     * PCIe device below port 7 (type 1, no CXL.mem).
     */
    sw_start_with(&s, DSP7 " -device e1000e,bus=ds7 "
                  "-device cxl-downstream,port=0,bus=us0,id=ds0,"
                  "chassis=0,slot=7 -device cxl-upstream,bus=ds0,id=us1");
    check_identify_switch(&s, 1, (const uint8_t[]) { 3, 5, 7, 0 }, 4);
    port_state(&s, (const uint8_t[]) { 1, 0, 7 }, 3, st);
    g_assert_cmpuint(st[0].config, ==, 4);
    g_assert_cmpuint(st[1].config, ==, 3);
    g_assert_cmpuint(st[1].device, ==, 3);
    check_link_up(&st[1]);
    g_assert_cmpuint(st[2].device, ==, 1);
    g_assert_cmphex(st[2].protocols & 0x4, ==, 0);
    sw_stop(&s);

    /*
     * The smallest mailbox, 256 bytes: the states of 15 ports fit
     * (4 + 15 * 16 bytes), of 16 they do not.
     */
    sw_start_with(&s, "-global cxl-switch-mailbox-cci."
                  "mailbox-payload-size=256");
    g_assert_cmpuint(s.payload_max, ==, 256);
    memset(many, 3, sizeof(many));
    many[0] = 15;
    g_assert_cmphex(sw_cci_send(&s, 0x5101, many, 16, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 4 + 15 * 16);
    many[0] = 16;
    g_assert_cmphex(sw_cci_send(&s, 0x5101, many, 17, out, sizeof(out), &len),
                    ==, RC_INVALID_INPUT);
    /* the CEL still fits */
    g_free(cel);
    cel = cxl_qtest_read_cel(s.qts, s.mbox, s.payload_max, &size);
    cxl_qtest_check_cel(cel, size, cci_ops, ARRAY_SIZE(cci_ops));
    sw_stop(&s);
}

/*
 * Send PPB CXL.io Configuration Request (5103h): an access of @be at @off
 * of the device below port @port; the return code, the data in *@data
 */
static uint16_t ppb_config(Sw *s, uint8_t port, uint16_t off, uint8_t be,
                           bool write, uint32_t *data)
{
    uint8_t in[8] = {
        port, off & 0xff, ((off >> 8) & 0xf) | be << 4, write ? 0x80 : 0,
    };
    uint8_t out[4];
    uint32_t len;
    uint16_t rc;

    stl_le_p(in + 4, *data);
    rc = sw_cci_send(s, 0x5103, in, sizeof(in), out, sizeof(out), &len);
    if (rc == RC_SUCCESS) {
        g_assert_cmpuint(len, ==, 4);
        *data = ldl_le_p(out);
    }
    return rc;
}

static uint32_t ppb_read(Sw *s, uint8_t port, uint16_t off)
{
    uint32_t v = 0;

    g_assert_cmphex(ppb_config(s, port, off, 0xf, false, &v), ==,
                    RC_SUCCESS);
    return v;
}

/* Offset of CXL DVSEC @id of the device below @port, read through 5103h */
static uint16_t ppb_find_dvsec(Sw *s, uint8_t port, uint16_t id)
{
    for (uint16_t off = 0x100; off; ) {
        uint32_t hdr = ppb_read(s, port, off);

        if ((hdr & 0xffff) == 0x23 &&
            (ppb_read(s, port, off + 4) & 0xffff) == 0x1e98 &&
            (ppb_read(s, port, off + 8) & 0xffff) == id) {
            return off;
        }
        off = hdr >> 20;
    }
    return 0;
}

/*
 * Send PPB CXL.io Configuration Request reaches the device below a
 * downstream port, as its own config accessors see it: the same bytes as
 * the host reads, writes through the write masks, byte enables; the
 * device below an unbound vPPB too (hidden from the host: all ones
 * there), its DVSECs included; all ones below an empty port; Invalid
 * Input past the configuration space of a conventional PCI device.
 */
static void test_ppb_config(void)
{
    Sw s;
    uint32_t v;
    uint16_t dvsec;

    sw_start_with(&s, "-set device.ds5.bound=off " DSP7
                  " -device pci-testdev,bus=ds7");
    g_assert_true(s.absent[EP2]);
    /* port 3's device: what the host reads */
    for (unsigned off = 0; off < 0x40; off += 4) {
        g_assert_cmphex(ppb_read(&s, 3, off), ==, cfgl(&s, EP1, off));
    }
    dvsec = find_dvsec(&s, EP1, 0, NULL);
    g_assert_cmphex(dvsec, !=, 0);
    g_assert_cmphex(ppb_find_dvsec(&s, 3, 0), ==, dvsec);
    g_assert_cmphex(ppb_read(&s, 3, dvsec + DVSEC_CTRL), ==,
                    cfgl(&s, EP1, dvsec + DVSEC_CTRL));

    /* the hidden device below port 5: all ones for the host, not for FM */
    g_assert_cmphex(cfgl(&s, EP2, 0), ==, 0xffffffff);
    g_assert_cmphex(ppb_read(&s, 5, 0), ==, ppb_read(&s, 3, 0));
    g_assert_cmphex(ppb_find_dvsec(&s, 5, 0), ==, dvsec);
    g_assert_cmphex(ppb_find_dvsec(&s, 5, 8), ==, find_dvsec(&s, EP1, 8,
                                                             NULL));

    /* byte enables: the upper word alone, one byte */
    v = 0;
    g_assert_cmphex(ppb_config(&s, 3, 0, 0xc, false, &v), ==, RC_SUCCESS);
    g_assert_cmphex(v, ==, cfgl(&s, EP1, 0) & 0xffff0000);
    v = 0;
    g_assert_cmphex(ppb_config(&s, 3, 0, 0x2, false, &v), ==, RC_SUCCESS);
    g_assert_cmphex(v, ==, cfgl(&s, EP1, 0) & 0xff00);
    v = 0;
    g_assert_cmphex(ppb_config(&s, 3, 0, 0x5, false, &v), ==, RC_SUCCESS);
    g_assert_cmphex(v, ==, cfgl(&s, EP1, 0) & 0x00ff00ff);

    /* writes: the vendor ID is read-only, Command bits stick */
    v = 0x12345678;
    g_assert_cmphex(ppb_config(&s, 3, 0, 0xf, true, &v), ==, RC_SUCCESS);
    g_assert_cmphex(v, ==, 0);
    g_assert_cmphex(ppb_read(&s, 3, 0), ==, cfgl(&s, EP1, 0));
    v = 0;
    g_assert_cmphex(ppb_config(&s, 3, 4, 0x1, true, &v), ==, RC_SUCCESS);
    g_assert_cmphex(qtest_readw(s.qts, cfg(EP1, 4)) & 0x6, ==, 0);
    v = 0x6;
    g_assert_cmphex(ppb_config(&s, 3, 4, 0x1, true, &v), ==, RC_SUCCESS);
    g_assert_cmphex(qtest_readw(s.qts, cfg(EP1, 4)) & 0x6, ==, 0x6);

    /* port 7's conventional PCI device: 256 bytes of config space */
    g_assert_cmphex(ppb_read(&s, 7, 0) & 0xffff, ==, 0x1b36);
    v = 0;
    g_assert_cmphex(ppb_config(&s, 7, 0xfc, 0xf, false, &v), ==,
                    RC_SUCCESS);
    g_assert_cmphex(ppb_config(&s, 7, 0x100, 0xf, false, &v), ==,
                    RC_INVALID_INPUT);
    g_assert_cmphex(ppb_config(&s, 7, 0xffc, 0xf, false, &v), ==,
                    RC_INVALID_INPUT);
    /* a PCIe device: 4 KiB; the last DWORD reads */
    g_assert_cmphex(ppb_config(&s, 3, 0xffc, 0xf, false, &v), ==,
                    RC_SUCCESS);
    sw_stop(&s);

    /* nothing below port 7: all ones, writes dropped */
    sw_start_with(&s, DSP7);
    g_assert_cmphex(ppb_read(&s, 7, 0), ==, 0xffffffff);
    v = 1;
    g_assert_cmphex(ppb_config(&s, 7, 4, 0xf, true, &v), ==, RC_SUCCESS);
    sw_stop(&s);
}

/*
 * The FM API counts a switch's physical ports in one byte and names them
 * with 8-bit IDs: a switch may have at most 254 downstream ports (and one
 * ID left for the upstream port). More are refused at start-up; with 254,
 * Identify Switch Device describes them all consistently.
 */
static void test_cci_too_many_ports(void)
{
    static const unsigned nr[] = { 256, 255, 254 };

    for (unsigned c = 0; c < ARRAY_SIZE(nr); c++) {
        g_autoptr(GString) dsps = g_string_new(
            "-device cxl-upstream,bus=rp0,id=us0,addr=0.0,multifunction=on "
            "-device cxl-switch-mailbox-cci,bus=rp0,addr=0.1,target=us0");
        g_autofree char *args = NULL;
        unsigned bits = 0;
        uint8_t out[0x49];
        uint32_t len;
        uint16_t rc;
        Sw s = { 0 };

        for (unsigned i = 0; i < nr[c]; i++) {
            g_string_append_printf(dsps, " -device cxl-downstream,port=%u,"
                                   "bus=us0,id=ds%u,chassis=1,slot=%u,"
                                   "addr=%x.%u%s", i, i, i + 1, i / 8, i % 8,
                                   i % 8 ? "" : ",multifunction=on");
        }
        if (nr[c] > 254) {
            expect_start_error(dsps->str, "at most 254 downstream ports");
            continue;
        }
        args = g_strdup_printf("-machine q35,cxl=on "
                               "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 "
                               "-device cxl-rp,port=0,bus=cxl.1,id=rp0,"
                               "chassis=0,slot=2 %s", dsps->str);
        s.qts = cxl_qtest_start(args);
        /* the CCI alone: root port bus 13, its BAR, the window over it */
        cxl_qtest_enable_ecam(s.qts);
        qtest_writel(s.qts, cfg(RP, 0x18), fn_at[RP].bus |
                     fn_at[USP].bus << 8 | fn_at[USP].bus << 16);
        cxl_qtest_bridge_window(s.qts, fn_at[RP].bus, fn_at[RP].dev,
                                MMIO_BASE, ROUND_UP(cxl_qtest_assign_bars_fn(
                                    s.qts, fn_at[USP].bus, fn_at[USP].dev,
                                    CCI_FN, MMIO_BASE, s.cci_bar,
                                    s.cci_bar_size), 1 * MiB));
        sw_find_cci_mbox(&s);

        rc = sw_cci_send(&s, 0x5100, NULL, 0, out, sizeof(out), &len);
        g_assert_cmphex(rc, ==, RC_SUCCESS);
        for (unsigned i = 0; i < 32; i++) {
            bits += ctpop8(out[4 + i]);
        }
        g_assert_cmpuint(out[2], ==, 255);
        g_assert_cmpuint(bits, ==, 255);
        /* the upstream port's ID is the one the DSPs left: 254 */
        g_assert_cmpuint(out[0], ==, 254);
        g_assert_cmpuint(lduw_le_p(out + 68), ==, 254);
        qtest_quit(s.qts);
    }
}

static void test_cci_errors(void)
{
    static const char usp[] =
        "-device cxl-upstream,bus=rp0,id=us0,addr=0.0,multifunction=on ";
    static const struct {
        const char *cci;
        const char *msg;
    } bad[] = {
        { "", "target" },
        { ",target=rp0", "target" },
        { ",target=us0,mailbox-payload-size=1000", "mailbox-payload-size" },
        { ",target=us0,mailbox-payload-size=128", "mailbox-payload-size" },
        { ",target=us0,mailbox-payload-size=2097152",
          "mailbox-payload-size" },
    };

    for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
        g_autofree char *devs = g_strdup_printf(
            "%s-device cxl-switch-mailbox-cci,bus=rp0,addr=0.1%s", usp,
            bad[i].cci);

        expect_start_error(devs, bad[i].msg);
    }
}

/* ---- Tunnel Management Command (5300h) ---- */

#define OP_TUNNEL           0x5300
#define DC_PORT             5           /* t3b, with dynamic capacity */
#define DC_BASE             (256 * MiB) /* after t3b's volatile memory */
#define LOG_DC              4

/* The last tunnelled command's response */
typedef struct TunnelRsp {
    uint16_t rc;                /* the tunnelled command's return code */
    uint8_t payload[4096];
    uint32_t len;               /* its payload length */
} TunnelRsp;

/*
 * Send the Tunnel Management Command with @n bytes of @in: its return
 * code; the output in @out, *@out_len bytes
 */
static uint16_t tunnel_raw(Sw *s, const void *in, size_t n, uint8_t *out,
                           size_t out_size, uint32_t *out_len)
{
    return sw_cci_send(s, OP_TUNNEL, in, n, out, out_size, out_len);
}

/*
 * Tunnel @op with @n bytes of @in to @port (target type @type): the
 * tunnel's return code; on success the response message is checked (a
 * response, the request's tag and opcode, its lengths) and the tunnelled
 * command's return code and payload go to @r.
 */
static uint16_t tunnel_to(Sw *s, uint8_t port, uint8_t type, uint16_t op,
                          const void *in, size_t n, TunnelRsp *r)
{
    static uint8_t tag;
    g_autofree uint8_t *req = g_malloc0(TUNNEL_HDR + MSG_HDR + n);
    g_autofree uint8_t *out = g_malloc0(s->payload_max);
    size_t msg_len;
    uint32_t len;
    uint16_t rc;

    tag++;
    msg_len = sw_make_msg(req + TUNNEL_HDR, tag, op, in, n);
    req[0] = port;
    req[1] = type;
    stw_le_p(req + 2, msg_len);
    memset(r, 0, sizeof(*r));
    rc = tunnel_raw(s, req, TUNNEL_HDR + msg_len, out, s->payload_max, &len);
    if (rc != RC_SUCCESS) {
        return rc;
    }
    g_assert_cmpuint(len, >=, TUNNEL_HDR + MSG_HDR);
    g_assert_cmpuint(lduw_le_p(out), ==, len - TUNNEL_HDR);
    g_assert_cmpuint(lduw_le_p(out + 2), ==, 0);
    g_assert_cmphex(out[4] & 0xf, ==, 1);                   /* response */
    g_assert_cmphex(out[5], ==, tag);
    g_assert_cmphex(lduw_le_p(out + 7), ==, op);
    r->len = (out[9] | out[10] << 8 | out[11] << 16) & 0x1fffff;
    g_assert_cmpuint(r->len, ==, len - TUNNEL_HDR - MSG_HDR);
    g_assert_cmpuint(r->len, <=, sizeof(r->payload));
    r->rc = lduw_le_p(out + 12);
    memcpy(r->payload, out + TUNNEL_HDR + MSG_HDR, r->len);
    return rc;
}

/* Tunnel @op to the DC device; the tunnel must succeed */
static uint16_t tunnel(Sw *s, uint16_t op, const void *in, size_t n,
                       TunnelRsp *r)
{
    g_assert_cmphex(tunnel_to(s, DC_PORT, 0, op, in, n, r), ==, RC_SUCCESS);
    return r->rc;
}

/* The host mailbox of t3b (EP2) */
static uint64_t ep_mbox(Sw *s, uint32_t *payload_max)
{
    uint64_t regs = cxl_qtest_regloc(s->qts, fn_at[EP2].bus, fn_at[EP2].dev,
                                     s->bar[EP2], 3);
    uint64_t mbox;

    g_assert_cmphex(regs, !=, 0);
    mbox = cxl_qtest_dev_cap(s->qts, regs, 2, NULL);
    g_assert_cmphex(mbox, !=, 0);
    *payload_max = 1u << (qtest_readl(s->qts, mbox + MBOX_CAPS) & 0x1f);
    return mbox;
}

static uint16_t host_send(Sw *s, uint16_t op, const void *in, size_t n,
                          void *out, size_t out_size, uint32_t *out_len)
{
    uint32_t pmax;
    uint64_t mbox = ep_mbox(s, &pmax);

    return cxl_qtest_mbox_send_raw(s->qts, mbox, pmax, op, in, n, n, out,
                                   out_size, out_len);
}

/* The Dynamic Capacity event records in t3b's log (at most 8), not cleared */
static unsigned host_dc_events(Sw *s, uint8_t *recs)
{
    uint8_t out[0x20 + 128 * 8], log = LOG_DC;
    uint32_t len;
    unsigned n;

    g_assert_cmphex(host_send(s, 0x0100, &log, 1, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    n = lduw_le_p(out + 0x14);
    g_assert_cmpuint(n, <=, 8);
    g_assert_cmpuint(len, ==, 0x20 + 128 * n);
    if (recs) {
        memcpy(recs, out + 0x20, 128 * n);
    }
    return n;
}

/* cxl-query-dynamic-capacity of t3b */
static void check_query(Sw *s, const char *want)
{
    g_autofree char *got = cxl_qtest_dc_query(s->qts, "t3b");

    g_assert_cmpstr(got, ==, want);
}

/*
 * Initiate Dynamic Capacity Add (5604h, from memory of CXL r3.1 7.6.7.6.5):
 * host ID (2), selection policy, region, length (8), tag (16), extent
 * count (4), then the extents (DPA, length, 24 more bytes each)
 */
static size_t dc_add_req(uint8_t *buf, uint16_t host, uint8_t region,
                         uint32_t count, uint64_t dpa, uint64_t len)
{
    memset(buf, 0, 0x20 + 0x28);
    stw_le_p(buf, host);
    buf[2] = 2;                                 /* prescriptive */
    buf[3] = region;
    stl_le_p(buf + 0x1c, count);
    stq_le_p(buf + 0x20, dpa);
    stq_le_p(buf + 0x28, len);
    return 0x20 + 0x28;
}

/* The commands of the device's fabric manager CCI */
static const CXLQtestOp fm_ops[] = {
    GENERIC_OPS,
    { 0x5600, "Get DCD Info" },
    { 0x5601, "Get Host DC Region Configuration" },
    { 0x5602, "Set DC Region Configuration" },
    { 0x5603, "Get DC Region Extent Lists" },
    { 0x5604, "Initiate Dynamic Capacity Add" },
    { 0x5605, "Initiate Dynamic Capacity Release" },
};

/*
 * Through the tunnel: the device's identity, its FM CCI's own CEL, the
 * Background Operation Status, and the FM API DCD commands against what
 * the host mailbox says
 */
static void test_tunnel_identify(void)
{
    uint8_t host[256], in[24] = { 0 }, cfg_in[2] = { 8, 0 };
    uint32_t len, size;
    TunnelRsp r;
    Sw s;

    sw_start_opts(&s, DC_OPTS, DC_OBJ);
    /* Identify: the host mailbox's 18 bytes, a Type 3 device */
    g_assert_cmphex(tunnel(&s, 0x0001, NULL, 0, &r), ==, RC_SUCCESS);
    g_assert_cmpuint(r.len, ==, 18);
    g_assert_cmphex(host_send(&s, 0x0001, NULL, 0, host, sizeof(host), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 18);
    g_assert_cmpmem(r.payload, 18, host, 18);
    g_assert_cmphex(ldq_le_p(r.payload + 8), ==, 2);        /* sn of t3b */
    g_assert_cmpuint(r.payload[17], ==, 3);                 /* Type 3 */

    /* its CEL: the generic commands and the FM API DCD set, no others */
    g_assert_cmphex(tunnel(&s, 0x0400, NULL, 0, &r), ==, RC_SUCCESS);
    g_assert_cmpuint(lduw_le_p(r.payload), ==, 1);
    g_assert_cmpmem(r.payload + 8, 16, cxl_qtest_cel_uuid, 16);
    size = ldl_le_p(r.payload + 24);
    memcpy(in, cxl_qtest_cel_uuid, 16);
    stl_le_p(in + 20, size);
    g_assert_cmphex(tunnel(&s, 0x0401, in, 24, &r), ==, RC_SUCCESS);
    g_assert_cmpuint(r.len, ==, size);
    cxl_qtest_check_cel(r.payload, r.len, fm_ops, ARRAY_SIZE(fm_ops));

    /* no background operation */
    g_assert_cmphex(tunnel(&s, 0x0002, NULL, 0, &r), ==, RC_SUCCESS);
    g_assert_cmpuint(r.len, ==, 8);
    g_assert_cmphex(r.payload[0], ==, 100 << 1);

    /*
     * Get DCD Info: the device's DC configuration as Get Dynamic Capacity
     * Configuration (4800h) on the host mailbox gives it
     */
    g_assert_cmphex(host_send(&s, 0x4800, cfg_in, 2, host, sizeof(host),
                              &len), ==, RC_SUCCESS);
    g_assert_cmpuint(host[0], ==, 2);
    g_assert_cmphex(tunnel(&s, 0x5600, NULL, 0, &r), ==, RC_SUCCESS);
    g_assert_cmpuint(r.len, ==, 0x54);
    g_assert_cmpuint(r.payload[0], ==, 1);                  /* hosts */
    g_assert_cmpuint(r.payload[1], ==, host[0]);            /* regions */
    g_assert_cmpuint(ldq_le_p(r.payload + 12), ==, 2);      /* 256 MiB units */
    for (unsigned k = 0; k < 2; k++) {
        uint64_t bs = ldq_le_p(host + 8 + 40 * k + 24);

        g_assert_cmphex(bs, ==, 2 * MiB);
        g_assert_cmphex(ldq_le_p(r.payload + 0x14 + 8 * k) & bs, ==, bs);
    }
    /* Get Host DC Region Configuration: the same region entries */
    memset(in, 0, sizeof(in));
    in[2] = 8;
    g_assert_cmphex(tunnel(&s, 0x5601, in, 4, &r), ==, RC_SUCCESS);
    g_assert_cmpuint(r.len - 4, ==, len - 8);
    g_assert_cmpmem(r.payload + 4, r.len - 4, host + 8, len - 8);
    g_assert_cmphex(ldq_le_p(r.payload + 4), ==, DC_BASE);
    sw_stop(&s);
}

/*
 * Initiate Dynamic Capacity Add through the tunnel: the extent pending,
 * an Add Capacity record in the host's log, as QMP's add makes them
 */
static void tunnel_or_qmp_add(bool qmp, uint8_t *rec)
{
    uint8_t in[0x48];
    TunnelRsp r;
    Sw s;

    sw_start_opts(&s, DC_OPTS, DC_OBJ);
    check_query(&s, "");
    if (qmp) {
        QDict *rsp = qtest_qmp(s.qts, "{'execute': "
                               "'cxl-add-dynamic-capacity', 'arguments': "
                               "{'path': 't3b', 'host-id': 0, "
                               "'selection-policy': 'prescriptive', "
                               "'region': 0, 'extents': [{'offset': 0, "
                               "'len': 2097152}]}}");

        g_assert_true(qdict_haskey(rsp, "return"));
        qobject_unref(rsp);
    } else {
        size_t n = dc_add_req(in, 0, 0, 1, DC_BASE, 2 * MiB);

        g_assert_cmphex(tunnel(&s, 0x5604, in, n, &r), ==, RC_SUCCESS);
        g_assert_cmpuint(r.len, ==, 0);
    }
    check_query(&s, "pending:0:0x0+0x200000");
    g_assert_cmpuint(host_dc_events(&s, rec), ==, 1);
    sw_stop(&s);
}

static void test_tunnel_dc_add(void)
{
    uint8_t fm[128 * 8], qmp[128 * 8];

    tunnel_or_qmp_add(true, qmp);
    tunnel_or_qmp_add(false, fm);
    /* Add Capacity (type 0), region 0, the extent's DPA and length */
    g_assert_cmpuint(fm[0x30], ==, 0);
    g_assert_cmphex(ldq_le_p(fm + 0x38), ==, DC_BASE);
    g_assert_cmphex(ldq_le_p(fm + 0x40), ==, 2 * MiB);
    /* the same record but for its handle and timestamp */
    g_assert_cmpmem(fm, 0x14, qmp, 0x14);
    g_assert_cmpmem(fm + 0x30, 0x50, qmp + 0x30, 0x50);
}

/*
 * Errors: of the tunnelled command (inside a successful tunnel response),
 * and of the tunnel itself; none changes the device
 */
static void test_tunnel_errors(void)
{
    uint8_t in[0x48], msg[64], req[TUNNEL_HDR + MSG_HDR + 0x48], out[256];
    uint32_t len;
    size_t n;
    TunnelRsp r;
    Sw s;

    /* a third downstream port, 7, with nothing below it */
    sw_start_opts(&s, DC_OPTS, DC_OBJ " " DSP7);

    /* the tunnelled command's own return codes */
    n = dc_add_req(in, 1, 0, 1, DC_BASE, 2 * MiB);          /* host 1 */
    g_assert_cmphex(tunnel(&s, 0x5604, in, n, &r), ==, RC_INVALID_INPUT);
    n = dc_add_req(in, 0, 0, 2, DC_BASE, 2 * MiB);          /* 2 extents? */
    g_assert_cmphex(tunnel(&s, 0x5604, in, n, &r), ==, RC_PAYLOAD_LEN);
    n = dc_add_req(in, 0, 0, 1, 0, 2 * MiB);                /* static DPA */
    g_assert_cmphex(tunnel(&s, 0x5604, in, n, &r), ==, 0x0f);
    g_assert_cmphex(tunnel(&s, 0x5604, in, 8, &r), ==, RC_PAYLOAD_LEN);
    memset(in, 0, 4);
    in[3] = 9;                                              /* region 9 */
    g_assert_cmphex(tunnel(&s, 0x5601, in, 4, &r), ==, RC_INVALID_INPUT);
    g_assert_cmpuint(r.len, ==, 0);
    g_assert_cmphex(tunnel(&s, 0x5600, in, 1, &r), ==, RC_PAYLOAD_LEN);
    /* not FM CCI commands: the host's DC and event commands */
    g_assert_cmphex(tunnel(&s, 0x4800, in, 2, &r), ==, RC_UNSUPPORTED);
    g_assert_cmphex(tunnel(&s, 0x0100, in, 1, &r), ==, RC_UNSUPPORTED);
    /* a tunnel in the tunnel: the device has no 5300h */
    n = sw_make_msg(msg + TUNNEL_HDR, 1, 0x0001, NULL, 0);
    msg[0] = DC_PORT;
    msg[1] = 0;
    stw_le_p(msg + 2, n);
    g_assert_cmphex(tunnel(&s, OP_TUNNEL, msg, TUNNEL_HDR + n, &r), ==,
                    RC_UNSUPPORTED);
    g_assert_cmpuint(r.len, ==, 0);

    /* the tunnel's: no such target */
    g_assert_cmphex(tunnel_to(&s, 9, 0, 0x0001, NULL, 0, &r), ==,
                    RC_INVALID_INPUT);                      /* no port 9 */
    g_assert_cmphex(tunnel_to(&s, 0, 0, 0x0001, NULL, 0, &r), ==,
                    RC_INVALID_INPUT);                      /* the USP */
    g_assert_cmphex(tunnel_to(&s, 7, 0, 0x0001, NULL, 0, &r), ==,
                    RC_INVALID_INPUT);                      /* empty */
    g_assert_cmphex(tunnel_to(&s, 3, 0, 0x0001, NULL, 0, &r), ==,
                    RC_INVALID_INPUT);                      /* no DC */
    /* an LD pool CCI: no MLD; other target types are invalid */
    g_assert_cmphex(tunnel_to(&s, DC_PORT, 1, 0x0001, NULL, 0, &r), ==,
                    RC_UNSUPPORTED);
    g_assert_cmphex(tunnel_to(&s, DC_PORT, 2, 0x0001, NULL, 0, &r), ==,
                    RC_INVALID_INPUT);
    g_assert_cmphex(tunnel_to(&s, DC_PORT, 0xff, 0x0001, NULL, 0, &r), ==,
                    RC_INVALID_INPUT);

    /* sizes: the command is Command Size bytes, at least a header */
    n = sw_make_msg(req + TUNNEL_HDR, 1, 0x0001, NULL, 0);
    req[0] = DC_PORT;
    req[1] = 0;
    for (unsigned sz = 0; sz <= MSG_HDR + 1; sz++) {
        stw_le_p(req + 2, sz);
        g_assert_cmphex(tunnel_raw(&s, req, TUNNEL_HDR + MIN(sz, n), out,
                                   sizeof(out), &len), ==,
                        sz == MSG_HDR ? RC_SUCCESS : RC_PAYLOAD_LEN);
    }
    for (unsigned k = 0; k < TUNNEL_HDR; k++) {
        g_assert_cmphex(tunnel_raw(&s, req, k, out, sizeof(out), &len), ==,
                        RC_PAYLOAD_LEN);
    }
    stw_le_p(req + 2, n + 1);                               /* past it */
    g_assert_cmphex(tunnel_raw(&s, req, TUNNEL_HDR + n, out, sizeof(out),
                               &len), ==, RC_PAYLOAD_LEN);
    stw_le_p(req + 2, n - 1);                               /* short of it */
    g_assert_cmphex(tunnel_raw(&s, req, TUNNEL_HDR + n, out, sizeof(out),
                               &len), ==, RC_PAYLOAD_LEN);
    /* a message that is not a request */
    stw_le_p(req + 2, n);
    req[TUNNEL_HDR] = 1;
    g_assert_cmphex(tunnel_raw(&s, req, TUNNEL_HDR + n, out, sizeof(out),
                               &len), ==, RC_INVALID_INPUT);
    /*
     * a truncated message: its payload length says more than Command
     * Size carries; the response says Invalid Payload Length
     */
    n = sw_make_msg(req + TUNNEL_HDR, 0x77, 0x5604, in, 0x48);
    n -= 0x20;
    stw_le_p(req + 2, n);
    g_assert_cmphex(tunnel_raw(&s, req, TUNNEL_HDR + n, out, sizeof(out),
                               &len), ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, TUNNEL_HDR + MSG_HDR);
    g_assert_cmpuint(lduw_le_p(out), ==, MSG_HDR);
    g_assert_cmphex(out[TUNNEL_HDR], ==, 1);
    g_assert_cmphex(out[TUNNEL_HDR + 1], ==, 0x77);
    g_assert_cmphex(lduw_le_p(out + TUNNEL_HDR + 3), ==, 0x5604);
    g_assert_cmphex(lduw_le_p(out + TUNNEL_HDR + 8), ==, RC_PAYLOAD_LEN);

    /* none of it changed the device: no extent, no record */
    check_query(&s, "");
    g_assert_cmpuint(host_dc_events(&s, NULL), ==, 0);
    sw_stop(&s);

    /* The smallest switch mailbox: the tunnel still carries responses */
    sw_start_opts(&s, DC_OPTS, DC_OBJ " -global cxl-switch-mailbox-cci."
                  "mailbox-payload-size=256");
    g_assert_cmpuint(s.payload_max, ==, 256);
    memcpy(in, cxl_qtest_cel_uuid, 16);
    stl_le_p(in + 16, 0);
    stl_le_p(in + 20, 256 - TUNNEL_HDR - MSG_HDR);          /* fits */
    g_assert_cmphex(tunnel(&s, 0x0401, in, 24, &r), ==, RC_SUCCESS);
    g_assert_cmpuint(r.len, ==, 4 * ARRAY_SIZE(fm_ops));
    g_assert_cmphex(tunnel(&s, 0x5600, NULL, 0, &r), ==, RC_SUCCESS);
    g_assert_cmpuint(r.len, ==, 0x54);
    sw_stop(&s);

    /*
     * ... but not a response longer than its 256 bytes: Get Host DC
     * Region Configuration of 8 regions is 4 + 8 * 40 + 16 bytes, of 5
     * 220 (the message and tunnel headers take 16 of the 256)
     */
    sw_start_opts(&s, ",volatile-dc-memdev=dc0,num-dc-regions=8",
                  "-object memory-backend-ram,id=dc0,size=2G "
                  "-global cxl-switch-mailbox-cci.mailbox-payload-size=256");
    memset(in, 0, 4);
    in[2] = 8;
    g_assert_cmphex(tunnel_to(&s, DC_PORT, 0, 0x5601, in, 4, &r), ==,
                    RC_PAYLOAD_LEN);
    in[2] = 5;
    g_assert_cmphex(tunnel(&s, 0x5601, in, 4, &r), ==, RC_SUCCESS);
    g_assert_cmpuint(r.len, ==, 4 + 5 * 40 + 16);
    g_assert_cmpuint(r.payload[2], ==, 8);
    g_assert_cmpuint(r.payload[3], ==, 5);
    sw_stop(&s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cxl/switch/cci-config", test_cci_config);
    qtest_add_func("/cxl/switch/cci-cel", test_cci_cel);
    qtest_add_func("/cxl/switch/cci-commands", test_cci_commands);
    qtest_add_func("/cxl/switch/cci-errors", test_cci_errors);
    qtest_add_func("/cxl/switch/cci-too-many-ports", test_cci_too_many_ports);
    qtest_add_func("/cxl/switch/ppb-config", test_ppb_config);
    qtest_add_func("/cxl/switch/tunnel-identify", test_tunnel_identify);
    qtest_add_func("/cxl/switch/tunnel-dc-add", test_tunnel_dc_add);
    qtest_add_func("/cxl/switch/tunnel-errors", test_tunnel_errors);
    return g_test_run();
}
