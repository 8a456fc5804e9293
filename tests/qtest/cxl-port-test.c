/*
 * qtest: CXL root port (cxl-rp) configuration space and registers,
 * without a guest: the DVSECs Linux looks for (vendor 0x1e98: port
 * extensions 3, GPF for ports 4, flex bus port 7, register locator 8), the
 * register locator pointing at the component registers in BAR 0, and
 * those registers (RAS and link, no HDM decoders on a root port).
 *
 * Extended configuration space is reached through q35's ECAM, which the
 * test enables itself (no firmware runs under qtest): MCH PCIEXBAR
 * (config 0x60) = base | enable.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "libqtest.h"
#include "cxl-qtest.h"

#define BAR_ADDR        0xc0000000ull
#define RP_BUS          12

/* Configuration space of the root port, device 0 of the host bridge's bus */
static uint64_t rp_cfg(int off)
{
    return cxl_qtest_cfg(RP_BUS, 0, 0, off);
}

static void test_dvsecs_and_registers(void)
{
    QTestState *qts = cxl_qtest_start(
        "-machine q35,cxl=on "
        "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 "
        "-device cxl-rp,port=3,bus=cxl.1,id=rp0,chassis=0,slot=2");
    unsigned n;
    uint16_t ext, gpf, flex, loc;

    cxl_qtest_enable_ecam(qts);

    /* the root port is device 0 of the host bridge's bus 12 */
    g_assert_cmphex(qtest_readw(qts, rp_cfg(0x0a)), ==, 0x0604); /* bridge */
    /* PCIe capability: a root port, port number 3 in Link Capabilities */
    uint8_t pcie = cxl_qtest_find_cap(qts, RP_BUS, 0, 0x10);
    g_assert_cmphex(pcie, !=, 0);
    g_assert_cmphex((qtest_readw(qts, rp_cfg(pcie + 2)) >> 4) & 0xf, ==, 4);
    g_assert_cmphex(qtest_readl(qts, rp_cfg(pcie + 0xc)) >> 24, ==, 3);

    ext = cxl_qtest_find_dvsec(qts, RP_BUS, 0, 3, &n);
    gpf = cxl_qtest_find_dvsec(qts, RP_BUS, 0, 4, &n);
    flex = cxl_qtest_find_dvsec(qts, RP_BUS, 0, 7, &n);
    loc = cxl_qtest_find_dvsec(qts, RP_BUS, 0, 8, &n);
    g_assert_cmpuint(n, ==, 4);
    g_assert_cmphex(ext, !=, 0);
    g_assert_cmphex(gpf, !=, 0);
    g_assert_cmphex(flex, !=, 0);
    g_assert_cmphex(loc, !=, 0);

    /* lengths in DVSEC header 1 [31:20] */
    g_assert_cmphex(qtest_readl(qts, rp_cfg(ext + 4)) >> 20, ==, 0x28);
    g_assert_cmphex(qtest_readl(qts, rp_cfg(gpf + 4)) >> 20, ==, 0x10);
    g_assert_cmphex(qtest_readl(qts, rp_cfg(flex + 4)) >> 20, ==, 0x20);
    g_assert_cmphex(qtest_readl(qts, rp_cfg(loc + 4)) >> 20, ==, 0x14);

    /* flex bus status: trained as CXL.io and CXL.mem */
    g_assert_cmphex(qtest_readw(qts, rp_cfg(flex + 0xe)) & 0x6, ==, 0x6);
    /* GPF phase 1 control is writable (timeout base/scale) */
    qtest_writew(qts, rp_cfg(gpf + 0xc), 0x0305);
    g_assert_cmphex(qtest_readw(qts, rp_cfg(gpf + 0xc)), ==, 0x0305);
    /* port control extensions: only unmask SBR / link disable writable */
    qtest_writew(qts, rp_cfg(ext + 0xc), 0xffff);
    g_assert_cmphex(qtest_readw(qts, rp_cfg(ext + 0xc)), ==, 0x3);

    /* register locator: one block, component registers, BAR 0, offset 0 */
    uint32_t lo = qtest_readl(qts, rp_cfg(loc + 0xc));
    g_assert_cmphex(lo & 7, ==, 0);
    g_assert_cmphex((lo >> 8) & 0xff, ==, 1);
    g_assert_cmphex(lo & 0xffff0000, ==, 0);
    g_assert_cmphex(qtest_readl(qts, rp_cfg(loc + 0x10)), ==, 0);

    /* BAR 0: 64-bit memory, 64 KiB */
    qtest_writel(qts, rp_cfg(0x10), 0xffffffff);
    g_assert_cmphex(qtest_readl(qts, rp_cfg(0x10)), ==, 0xffff0004);
    qtest_writel(qts, rp_cfg(0x10), (uint32_t)BAR_ADDR);
    qtest_writel(qts, rp_cfg(0x14), BAR_ADDR >> 32);
    qtest_writew(qts, rp_cfg(0x04), 0x2);        /* memory space */

    /* component registers: capability array with RAS and link only */
    uint32_t hdr = qtest_readl(qts, BAR_ADDR + CXL_QTEST_CM);
    g_assert_cmphex(hdr & 0xffff, ==, 1);
    g_assert_cmpuint(hdr >> 24, ==, 2);
    bool ras = false, link = false;
    for (unsigned i = 1; i <= 2; i++) {
        uint32_t cap = qtest_readl(qts, BAR_ADDR + CXL_QTEST_CM + 4 * i);
        ras |= (cap & 0xffff) == 2;
        link |= (cap & 0xffff) == 4;
        g_assert_cmpuint(cap & 0xffff, !=, 5);          /* no HDM */
    }
    g_assert_true(ras && link);
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cxl/root-port/dvsecs-and-registers", test_dvsecs_and_registers);
    return g_test_run();
}
