/*
 * qtest: the switch mailbox CCI (cxl-switch-mailbox-cci, function 1 beside
 * a cxl-upstream switch port), driven through configuration space and MMIO
 * as a guest would, without a guest: configuration space, register locator
 * and device registers, Identify, the CEL against this test's command
 * list, a table of inputs and return codes for every command (the generic
 * ones and the FM API physical switch set), Identify Switch Device and Get
 * Physical Port State against the topology, Physical Port Control
 * resetting only the device below the port, switches with more ports than
 * the FM API can name, and the properties QEMU must refuse.
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
#include "cxl-switch-qtest.h"

/* Send @opcode with @len bytes of @in to the CCI's mailbox */
static uint16_t cci_send(Sw *s, uint16_t opcode, const void *in, size_t len,
                         void *out, size_t out_size, uint32_t *out_len)
{
    return cxl_qtest_mbox_send_raw(s->qts, s->mbox, s->payload_max, opcode,
                                   in, len, len, out, out_size, out_len);
}

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
    g_assert_cmphex(cci_send(&s, 0x0001, NULL, 0, out, sizeof(out), &len),
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

/* Every command the CCI may list in its CEL, and this test covers */
static const CXLQtestOp cci_ops[] = {
    { 0x0001, "Identify" },
    { 0x0002, "Background Operation Status" },
    { 0x0005, "Request Abort Background Operation" },
    { 0x0300, "Get Timestamp" },
    { 0x0301, "Set Timestamp" },
    { 0x0400, "Get Supported Logs" },
    { 0x0401, "Get Log" },
    { 0x0402, "Get Log Capabilities" },
    { 0x5100, "Identify Switch Device" },
    { 0x5101, "Get Physical Port State" },
    { 0x5102, "Physical Port Control" },
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
 * USP is port 0, the DSPs ports 3 and 5. No command of the CCI starts a
 * background operation.
 */
static const CXLQtestMboxCase cci_cases[] = {
    /* not a memory device, and no such opcode */
    { "identify memdev", 0x4000, {}, 0, false, RC_UNSUPPORTED },
    { "unknown opcode", 0xcafe, {}, 0, false, RC_UNSUPPORTED },
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
    g_assert_cmphex(cci_send(s, 0x5101, in, 1 + n, out, sizeof(out), &len),
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
    g_assert_cmphex(cci_send(s, 0x5100, NULL, 0, out, sizeof(out), &len), ==,
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

    g_assert_cmpuint(cxl_qtest_cases_cover(cci_ops, ARRAY_SIZE(cci_ops),
                                           cci_cases, ARRAY_SIZE(cci_cases)),
                     ==, 0);
    sw_start(&s);
    failures = cxl_qtest_run_cases(s.qts, s.mbox, s.payload_max,
                                   cxl_qtest_generic_cases,
                                   cxl_qtest_nr_generic_cases);
    failures += cxl_qtest_run_cases(s.qts, s.mbox, s.payload_max, cci_cases,
                                    ARRAY_SIZE(cci_cases));
    g_assert_cmpuint(failures, ==, 0);
    /* the USP's port property is 0 and no DSP has it */
    check_identify_switch(&s, 0, dsps, 2);
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
    g_assert_cmphex(cci_send(&s, 0x0400, NULL, 0, out, sizeof(out), &len),
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
    g_assert_cmphex(cci_send(&s, 0x5102, in, 2, NULL, 0, &len), ==,
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
    g_assert_cmphex(cci_send(&s, 0x5101, many, 16, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 4 + 15 * 16);
    many[0] = 16;
    g_assert_cmphex(cci_send(&s, 0x5101, many, 17, out, sizeof(out), &len),
                    ==, RC_INVALID_INPUT);
    /* the CEL still fits */
    g_free(cel);
    cel = cxl_qtest_read_cel(s.qts, s.mbox, s.payload_max, &size);
    cxl_qtest_check_cel(cel, size, cci_ops, ARRAY_SIZE(cci_ops));
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

        rc = cci_send(&s, 0x5100, NULL, 0, out, sizeof(out), &len);
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

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cxl/switch/cci-config", test_cci_config);
    qtest_add_func("/cxl/switch/cci-cel", test_cci_cel);
    qtest_add_func("/cxl/switch/cci-commands", test_cci_commands);
    qtest_add_func("/cxl/switch/cci-errors", test_cci_errors);
    qtest_add_func("/cxl/switch/cci-too-many-ports", test_cci_too_many_ports);
    return g_test_run();
}
