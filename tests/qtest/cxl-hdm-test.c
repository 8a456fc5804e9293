/*
 * qtest: CXL host bridge component registers (CHBCR) and HDM decoders,
 * driven through MMIO as a guest would, without a guest.
 *
 * Register layouts are Linux's (drivers/cxl/cxl.h): capability array at
 * 0x1000, capability headers with ID [15:0] and pointer [31:20], HDM
 * decoder n at +0x10 + 0x20 * n (base lo/hi, size lo/hi, control, target
 * list lo/hi), control IG [3:0], IW [7:4], lock [8], commit [9],
 * committed [10], error not committed [11].
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "libqtest.h"
#include "cxl-qtest.h"

typedef struct Env {
    QTestState *qts;
    uint64_t chbcr;         /* CHBCR address */
    uint64_t window;        /* window 0 base */
    uint64_t hdm;           /* HDM decoder capability address, 0 if none */
} Env;

static void env_start(Env *e, const char *extra)
{
    g_autofree char *args = g_strdup_printf(
        "-machine q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G "
        "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 %s", extra);

    e->qts = cxl_qtest_start(args);
    e->chbcr = cxl_qtest_mtree_addr(e->qts, "cxl-host-bridge-registers");
    e->window = cxl_qtest_window(e->qts, 0);
    e->hdm = cxl_qtest_cm_cap(e->qts, e->chbcr, 5);
}

static uint64_t dec(Env *e, unsigned n, unsigned reg)
{
    return cxl_qtest_hdm_dec(e->hdm, n, reg);
}

static void program(Env *e, unsigned n, uint64_t base, uint64_t size,
                    uint32_t ctrl, uint32_t tl_lo)
{
    qtest_writel(e->qts, dec(e, n, HDM_DEC_BASE_LO), (uint32_t)base);
    qtest_writel(e->qts, dec(e, n, HDM_DEC_BASE_HI), base >> 32);
    qtest_writel(e->qts, dec(e, n, HDM_DEC_SIZE_LO), (uint32_t)size);
    qtest_writel(e->qts, dec(e, n, HDM_DEC_SIZE_HI), size >> 32);
    qtest_writel(e->qts, dec(e, n, HDM_DEC_TL_LO), tl_lo);
    qtest_writel(e->qts, dec(e, n, HDM_DEC_CTRL), ctrl);
}

static uint32_t ctrl(Env *e, unsigned n)
{
    return qtest_readl(e->qts, dec(e, n, HDM_DEC_CTRL));
}

static void test_capability_array(void)
{
    Env e;

    env_start(&e, "");
    uint32_t hdr = qtest_readl(e.qts, e.chbcr + CXL_QTEST_CM);
    g_assert_cmphex(hdr & 0xffff, ==, 1);               /* array header ID */
    g_assert_cmpuint(hdr >> 24, ==, 3);                 /* RAS, link, HDM */
    bool seen[6] = { false };
    for (unsigned i = 1; i <= 3; i++) {
        uint32_t cap = qtest_readl(e.qts, e.chbcr + CXL_QTEST_CM + 4 * i);
        unsigned id = cap & 0xffff, ptr = cap >> 20;
        g_assert_cmpuint(id, <, 6);
        seen[id] = true;
        g_assert_cmpuint(ptr, >=, 0x10);                /* past the headers */
        g_assert_cmpuint(ptr, <, 0x1000);
    }
    g_assert_true(seen[2] && seen[4] && seen[5]);
    g_assert_cmphex(e.hdm, !=, 0);

    uint32_t cap = qtest_readl(e.qts, e.hdm);
    g_assert_cmpuint(cap & 0xf, ==, 2);                 /* 4 decoders */
    g_assert_cmpuint((cap >> 4) & 0xf, ==, 8);          /* 8 targets */
    g_assert_true(cap & (1 << 11));                     /* 3/6/12-way */
    /* the CXL.io part reads as zero */
    g_assert_cmphex(qtest_readl(e.qts, e.chbcr), ==, 0);
    qtest_quit(e.qts);
}

static void test_commit(void)
{
    Env e;

    env_start(&e, "");
    /*
     * HDM Decoder Enable only applies to devices: a host bridge reads it
     * as 0 (CXL r3.1 8.2.4.20.2) and decodes with its committed decoders
     */
    qtest_writel(e.qts, e.hdm + 4, 1 << 1);
    g_assert_cmphex(qtest_readl(e.qts, e.hdm + 4), ==, 0);

    /* decoder 0: the whole window, 1 way, target port 0 */
    program(&e, 0, e.window, 4 * GiB, HDM_CTRL_COMMIT, 0);
    g_assert_cmphex(ctrl(&e, 0) & (HDM_CTRL_COMMITTED | HDM_CTRL_ERR), ==,
                    HDM_CTRL_COMMITTED);
    g_assert_cmphex(qtest_readl(e.qts, dec(&e, 0, HDM_DEC_BASE_HI)), ==,
                    e.window >> 32);
    g_assert_cmphex(qtest_readl(e.qts, dec(&e, 0, HDM_DEC_SIZE_HI)), ==, 1);

    /* frozen while committed */
    qtest_writel(e.qts, dec(&e, 0, HDM_DEC_BASE_HI), 0x77);
    g_assert_cmphex(qtest_readl(e.qts, dec(&e, 0, HDM_DEC_BASE_HI)), ==,
                    e.window >> 32);

    /* uncommit */
    qtest_writel(e.qts, dec(&e, 0, HDM_DEC_CTRL), 0);
    g_assert_cmphex(ctrl(&e, 0) & (HDM_CTRL_COMMITTED | HDM_CTRL_COMMIT), ==, 0);
    qtest_quit(e.qts);
}

/*
 * hdm-decoders=32: the capability reports 32 (encoding Ch), decoders 0 to
 * 31 commit in order over consecutive 256 MiB, and there is no decoder 32
 */
static void test_decoder_count(void)
{
    Env e;

    e.qts = cxl_qtest_start(
        "-machine q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=8G "
        "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1,hdm-decoders=32");
    e.chbcr = cxl_qtest_mtree_addr(e.qts, "cxl-host-bridge-registers");
    e.window = cxl_qtest_window(e.qts, 0);
    e.hdm = cxl_qtest_cm_cap(e.qts, e.chbcr, 5);
    g_assert_cmpuint(qtest_readl(e.qts, e.hdm) & 0xf, ==, 0xc);
    for (unsigned n = 0; n < 32; n++) {
        program(&e, n, e.window + n * 256 * MiB, 256 * MiB, HDM_CTRL_COMMIT, 0);
        g_assert_cmphex(ctrl(&e, n) & (HDM_CTRL_COMMITTED | HDM_CTRL_ERR), ==,
                        HDM_CTRL_COMMITTED);
    }
    g_assert_cmphex(qtest_readl(e.qts, dec(&e, 31, HDM_DEC_BASE_LO)), ==,
                    (uint32_t)(e.window + 31 * 256 * MiB));
    /* past the last decoder: nothing */
    qtest_writel(e.qts, dec(&e, 32, HDM_DEC_SIZE_HI), 1);
    g_assert_cmphex(qtest_readl(e.qts, dec(&e, 32, HDM_DEC_SIZE_HI)), ==, 0);
    qtest_quit(e.qts);

    /* one decoder: encoding 0, and decoder 1 is not there */
    e.qts = cxl_qtest_start(
        "-machine q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G "
        "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1,hdm-decoders=1");
    e.chbcr = cxl_qtest_mtree_addr(e.qts, "cxl-host-bridge-registers");
    e.hdm = cxl_qtest_cm_cap(e.qts, e.chbcr, 5);
    g_assert_cmpuint(qtest_readl(e.qts, e.hdm) & 0xf, ==, 0);
    qtest_writel(e.qts, dec(&e, 1, HDM_DEC_SIZE_HI), 1);
    g_assert_cmphex(qtest_readl(e.qts, dec(&e, 1, HDM_DEC_SIZE_HI)), ==, 0);
    qtest_quit(e.qts);
}

static void test_commit_errors(void)
{
    Env e;

    env_start(&e, "");
    /* decoder 1 before decoder 0 */
    program(&e, 1, e.window, 1 * GiB, HDM_CTRL_COMMIT, 0);
    g_assert_cmphex(ctrl(&e, 1) & (HDM_CTRL_COMMITTED | HDM_CTRL_ERR), ==, HDM_CTRL_ERR);
    /* clearing Commit clears the error */
    qtest_writel(e.qts, dec(&e, 1, HDM_DEC_CTRL), 0);
    g_assert_cmphex(ctrl(&e, 1) & HDM_CTRL_ERR, ==, 0);

    /* reserved ways encoding 5 */
    program(&e, 0, e.window, 1 * GiB, HDM_CTRL_COMMIT | (5 << 4), 0);
    g_assert_cmphex(ctrl(&e, 0) & (HDM_CTRL_COMMITTED | HDM_CTRL_ERR), ==, HDM_CTRL_ERR);
    qtest_writel(e.qts, dec(&e, 0, HDM_DEC_CTRL), 0);
    /* 16 ways: more than the 8 target list entries */
    program(&e, 0, e.window, 4 * GiB, HDM_CTRL_COMMIT | (4 << 4), 0);
    g_assert_cmphex(ctrl(&e, 0) & (HDM_CTRL_COMMITTED | HDM_CTRL_ERR), ==, HDM_CTRL_ERR);
    qtest_writel(e.qts, dec(&e, 0, HDM_DEC_CTRL), 0);
    /* reserved granularity encoding 7 */
    program(&e, 0, e.window, 4 * GiB, HDM_CTRL_COMMIT | 7, 0);
    g_assert_cmphex(ctrl(&e, 0) & (HDM_CTRL_COMMITTED | HDM_CTRL_ERR), ==, HDM_CTRL_ERR);
    qtest_writel(e.qts, dec(&e, 0, HDM_DEC_CTRL), 0);
    /* 3 ways over 3 targets at 1 KiB: fine (3/6/12 capability) */
    program(&e, 0, e.window, 3 * GiB, HDM_CTRL_COMMIT | (8 << 4) | 2, 0x020100);
    g_assert_cmphex(ctrl(&e, 0) & (HDM_CTRL_COMMITTED | HDM_CTRL_ERR), ==, HDM_CTRL_COMMITTED);
    g_assert_cmphex(qtest_readl(e.qts, dec(&e, 0, HDM_DEC_TL_LO)), ==,
                    0x020100);
    /* decoder 1 overlapping decoder 0 */
    program(&e, 1, e.window + 1 * GiB, 256 * MiB, HDM_CTRL_COMMIT, 0);
    g_assert_cmphex(ctrl(&e, 1) & (HDM_CTRL_COMMITTED | HDM_CTRL_ERR), ==, HDM_CTRL_ERR);
    qtest_quit(e.qts);
}

static void test_lock_and_reset(void)
{
    Env e;

    env_start(&e, "");
    program(&e, 0, e.window, 4 * GiB, HDM_CTRL_COMMIT | HDM_CTRL_LOCK, 0);
    g_assert_cmphex(ctrl(&e, 0) & HDM_CTRL_COMMITTED, ==, HDM_CTRL_COMMITTED);
    qtest_writel(e.qts, dec(&e, 0, HDM_DEC_CTRL), 0);   /* refused: locked */
    g_assert_cmphex(ctrl(&e, 0) & HDM_CTRL_COMMITTED, ==, HDM_CTRL_COMMITTED);
    qtest_system_reset(e.qts);
    g_assert_cmphex(ctrl(&e, 0) & (HDM_CTRL_COMMITTED | HDM_CTRL_LOCK), ==, 0);
    g_assert_cmphex(qtest_readl(e.qts, dec(&e, 0, HDM_DEC_BASE_HI)), ==, 0);
    qtest_quit(e.qts);
}

static void test_passthrough(void)
{
    Env e;

    /* one root port: pass-through decode, no HDM decoder capability */
    env_start(&e, "-device pcie-root-port,bus=cxl.1,chassis=1,slot=1,id=rp0");
    g_assert_cmpuint(qtest_readl(e.qts, e.chbcr + CXL_QTEST_CM) >> 24, ==, 2);
    g_assert_cmphex(e.hdm, ==, 0);
    qtest_quit(e.qts);

    /* unless asked for */
    e.qts = cxl_qtest_start(
        "-machine q35,cxl=on "
        "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1,hdm_for_passthrough=on "
        "-device pcie-root-port,bus=cxl.1,chassis=1,slot=1,id=rp0");
    e.chbcr = cxl_qtest_mtree_addr(e.qts, "cxl-host-bridge-registers");
    g_assert_cmpuint(qtest_readl(e.qts, e.chbcr + CXL_QTEST_CM) >> 24, ==, 3);
    qtest_quit(e.qts);
}

static void test_ras(void)
{
    Env e;
    uint64_t ras;

    env_start(&e, "");
    ras = cxl_qtest_cm_cap(e.qts, e.chbcr, 2);
    g_assert_cmphex(ras, !=, 0);
    /* nothing pending; masks writable only where bits are defined */
    g_assert_cmphex(qtest_readl(e.qts, ras + 0x0), ==, 0);
    g_assert_cmphex(qtest_readl(e.qts, ras + 0xc), ==, 0);
    qtest_writel(e.qts, ras + 0x4, 0xffffffff);
    g_assert_cmphex(qtest_readl(e.qts, ras + 0x4), ==, 0x1cfff);
    qtest_writel(e.qts, ras + 0x10, 0xffffffff);
    g_assert_cmphex(qtest_readl(e.qts, ras + 0x10), ==, 0x7f);
    /* status is write-1-to-clear: writing ones sets nothing */
    qtest_writel(e.qts, ras + 0x0, 0xffffffff);
    g_assert_cmphex(qtest_readl(e.qts, ras + 0x0), ==, 0);
    qtest_quit(e.qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cxl/chbcr/capability-array", test_capability_array);
    qtest_add_func("/cxl/chbcr/hdm-commit", test_commit);
    qtest_add_func("/cxl/chbcr/hdm-commit-errors", test_commit_errors);
    qtest_add_func("/cxl/chbcr/hdm-lock-and-reset", test_lock_and_reset);
    qtest_add_func("/cxl/chbcr/passthrough", test_passthrough);
    qtest_add_func("/cxl/chbcr/ras", test_ras);
    qtest_add_func("/cxl/chbcr/decoder-count", test_decoder_count);
    return g_test_run();
}
