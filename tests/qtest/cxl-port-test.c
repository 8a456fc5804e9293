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

#define ECAM_BASE       0xb0000000ull
#define BAR_ADDR        0xc0000000ull
#define CXL_VENDOR      0x1e98

static QTestState *start(const char *args)
{
    const char *fw = g_getenv("CXL_QTEST_FIRMWARE");
    QTestState *qts = qtest_initf("%s%s -nodefaults %s", fw ? "-L " : "",
                                  fw ? fw : "", args);

    /* MCH PCIEXBAR (0:0.0, 0x60): base, 256 buses, enable */
    qtest_outl(qts, 0xcf8, 0x80000000 | 0x60);
    qtest_outl(qts, 0xcfc, (uint32_t)ECAM_BASE | 1);
    qtest_outl(qts, 0xcf8, 0x80000000 | 0x64);
    qtest_outl(qts, 0xcfc, ECAM_BASE >> 32);
    return qts;
}

static uint64_t cfg(int bus, int dev, int fn, int off)
{
    return ECAM_BASE + ((uint64_t)bus << 20) + (dev << 15) + (fn << 12) + off;
}

/* Offset of DVSEC @id (CXL vendor), 0 if absent; counts CXL DVSECs. */
static uint16_t find_dvsec(QTestState *qts, int bus, int dev, uint16_t id,
                           unsigned *nr_cxl)
{
    uint16_t off = 0x100, found = 0;
    unsigned guard = 0;

    *nr_cxl = 0;
    while (off && guard++ < 64) {
        uint32_t hdr = qtest_readl(qts, cfg(bus, dev, 0, off));

        if ((hdr & 0xffff) == 0x23) {
            uint32_t h1 = qtest_readl(qts, cfg(bus, dev, 0, off + 4));
            uint16_t dvsec_id = qtest_readw(qts, cfg(bus, dev, 0, off + 8));

            if ((h1 & 0xffff) == CXL_VENDOR) {
                (*nr_cxl)++;
                if (dvsec_id == id && !found) {
                    found = off;
                }
            }
        }
        off = hdr >> 20;
    }
    return found;
}

static void test_dvsecs_and_registers(void)
{
    QTestState *qts = start("-machine q35,cxl=on "
                            "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 "
                            "-device cxl-rp,port=3,bus=cxl.1,id=rp0,chassis=0,slot=2");
    unsigned n;
    uint16_t ext, gpf, flex, loc;

    /* the root port is device 0 of the host bridge's bus 12 */
    g_assert_cmphex(qtest_readw(qts, cfg(12, 0, 0, 0x0a)), ==, 0x0604); /* bridge */
    /* PCIe capability: a root port, port number 3 in Link Capabilities */
    uint8_t pcie = qtest_readb(qts, cfg(12, 0, 0, 0x34));
    while (pcie && qtest_readb(qts, cfg(12, 0, 0, pcie)) != 0x10) {
        pcie = qtest_readb(qts, cfg(12, 0, 0, pcie + 1));
    }
    g_assert_cmphex(pcie, !=, 0);
    g_assert_cmphex((qtest_readw(qts, cfg(12, 0, 0, pcie + 2)) >> 4) & 0xf, ==, 4);
    g_assert_cmphex(qtest_readl(qts, cfg(12, 0, 0, pcie + 0xc)) >> 24, ==, 3);

    ext = find_dvsec(qts, 12, 0, 3, &n);
    gpf = find_dvsec(qts, 12, 0, 4, &n);
    flex = find_dvsec(qts, 12, 0, 7, &n);
    loc = find_dvsec(qts, 12, 0, 8, &n);
    g_assert_cmpuint(n, ==, 4);
    g_assert_cmphex(ext, !=, 0);
    g_assert_cmphex(gpf, !=, 0);
    g_assert_cmphex(flex, !=, 0);
    g_assert_cmphex(loc, !=, 0);

    /* lengths in DVSEC header 1 [31:20] */
    g_assert_cmphex(qtest_readl(qts, cfg(12, 0, 0, ext + 4)) >> 20, ==, 0x28);
    g_assert_cmphex(qtest_readl(qts, cfg(12, 0, 0, gpf + 4)) >> 20, ==, 0x10);
    g_assert_cmphex(qtest_readl(qts, cfg(12, 0, 0, flex + 4)) >> 20, ==, 0x20);
    g_assert_cmphex(qtest_readl(qts, cfg(12, 0, 0, loc + 4)) >> 20, ==, 0x14);

    /* flex bus status: trained as CXL.io and CXL.mem */
    g_assert_cmphex(qtest_readw(qts, cfg(12, 0, 0, flex + 0xe)) & 0x6, ==, 0x6);
    /* GPF phase 1 control is writable (timeout base/scale) */
    qtest_writew(qts, cfg(12, 0, 0, gpf + 0xc), 0x0305);
    g_assert_cmphex(qtest_readw(qts, cfg(12, 0, 0, gpf + 0xc)), ==, 0x0305);
    /* port control extensions: only unmask SBR / link disable writable */
    qtest_writew(qts, cfg(12, 0, 0, ext + 0xc), 0xffff);
    g_assert_cmphex(qtest_readw(qts, cfg(12, 0, 0, ext + 0xc)), ==, 0x3);

    /* register locator: one block, component registers, BAR 0, offset 0 */
    uint32_t lo = qtest_readl(qts, cfg(12, 0, 0, loc + 0xc));
    g_assert_cmphex(lo & 7, ==, 0);
    g_assert_cmphex((lo >> 8) & 0xff, ==, 1);
    g_assert_cmphex(lo & 0xffff0000, ==, 0);
    g_assert_cmphex(qtest_readl(qts, cfg(12, 0, 0, loc + 0x10)), ==, 0);

    /* BAR 0: 64-bit memory, 64 KiB */
    qtest_writel(qts, cfg(12, 0, 0, 0x10), 0xffffffff);
    g_assert_cmphex(qtest_readl(qts, cfg(12, 0, 0, 0x10)), ==, 0xffff0004);
    qtest_writel(qts, cfg(12, 0, 0, 0x10), (uint32_t)BAR_ADDR);
    qtest_writel(qts, cfg(12, 0, 0, 0x14), BAR_ADDR >> 32);
    qtest_writew(qts, cfg(12, 0, 0, 0x04), 0x2);        /* memory space */

    /* component registers: capability array with RAS and link only */
    uint32_t hdr = qtest_readl(qts, BAR_ADDR + 0x1000);
    g_assert_cmphex(hdr & 0xffff, ==, 1);
    g_assert_cmpuint(hdr >> 24, ==, 2);
    bool ras = false, link = false;
    for (unsigned i = 1; i <= 2; i++) {
        uint32_t cap = qtest_readl(qts, BAR_ADDR + 0x1000 + 4 * i);
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
