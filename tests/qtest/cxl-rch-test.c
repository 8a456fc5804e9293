/*
 * qtest: CXL 1.1 Restricted CXL Host (pxb-cxl,rch=on) and its RCD (a
 * cxl-type3 on the RCH's bus), without a guest. What Linux reads
 * (drivers/cxl/acpi.c, core/regs.c, core/pci.c, core/hdm.c):
 *  - the CEDT CHBS of an RCH: CXL version 0 (1.1), length 8 KiB, base the
 *    downstream port RCRB, then the upstream port RCRB 4 KiB above;
 *  - in each RCRB the vendor and device IDs, Memory Space Enable, a 64-bit
 *    MEMBAR0 with the 64 KiB aligned component registers; in the
 *    downstream port's a PCIe capability (its link: the RCD's) and the Flex
 *    Bus Port DVSEC; the upstream port RCRB reads all ones without an RCD;
 *  - the downstream port's component registers (RAS and link, no HDM
 *    decoders), the RCD's (HDM decoder capability there but not enabled);
 *  - the RCD: a Root Complex Integrated Endpoint, a register locator with
 *    only its device registers, no BAR 0, the CXL device DVSEC's range
 *    registers that firmware sets (-machine cxl-region.N with the RCD as
 *    target) and Mem_Enable; window accesses land at the DPA the ranges
 *    give, in the backend files;
 *  - what is refused: ports or other devices on an RCH, a second RCD, an
 *    RCD with dynamic capacity, regions an RCD's ranges cannot be;
 *  - RAS (drivers/cxl/core/ras_rch.c, drivers/pci/pcie/aer.c, rcec.c): the
 *    downstream port RCRB's AER capability, found as Linux's
 *    cxl_rcrb_to_aer() finds it (the Device ID is the next-capability
 *    pointer); a pcie-rcec on the RCH's bus with the RCEC capabilities;
 *    QMP injection at the RCD logging the error in the port's RAS and
 *    RCRB AER and the RCEC's AER, whose MSI fires; an RCiEP's own AER
 *    messages reaching the RCEC.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/bswap.h"
#include "libqtest.h"
#include "qobject/qdict.h"
#include "qobject/qjson.h"
#include "cxl-qtest.h"

#define RCH_BUS         12
#define BAR_ADDR        (cxl_qtest_platform.mmio)

/* Offsets in the RCH's register area (hw/pci-bridge/cxl-host-bridge.c) */
#define RCRB_UP         (4 * KiB)
#define DP_REGS         (64 * KiB)
#define RCD_REGS        (128 * KiB)

/* CXL device DVSEC (Linux's PCI_DVSEC_CXL_*) */
#define DVSEC_CAP               0x0a
#define DVSEC_CTRL              0x0c
#define   DVSEC_MEM_ENABLE      (1u << 2)
#define DVSEC_SIZE_HI(i)        (0x18 + 0x10 * (i))
#define DVSEC_SIZE_LO(i)        (0x1c + 0x10 * (i))
#define DVSEC_BASE_HI(i)        (0x20 + 0x10 * (i))
#define DVSEC_BASE_LO(i)        (0x24 + 0x10 * (i))

static uint64_t rcd_cfg(int off)
{
    return cxl_qtest_cfg(RCH_BUS, 0, 0, off);
}

/* The CHBS of host bridge @uid in the CEDT: its version, base and length */
static void find_chbs(QTestState *qts, uint32_t uid, uint32_t *version,
                      uint64_t *base, uint64_t *len)
{
    size_t size;
    g_autofree uint8_t *t = cxl_qtest_fw_cfg_file(qts, "etc/acpi/tables",
                                                  &size);
    uint8_t *cedt = NULL, *p, *end;

    for (size_t off = 0; off + 36 <= size; off++) {
        if (!memcmp(t + off, "CEDT", 4)) {
            cedt = t + off;
            break;
        }
    }
    g_assert_nonnull(cedt);
    end = cedt + ldl_le_p(cedt + 4);
    for (p = cedt + 36; p < end; p += lduw_le_p(p + 2)) {
        g_assert_cmpuint(lduw_le_p(p + 2), >=, 8);
        if (p[0] == 0 && ldl_le_p(p + 4) == uid) {
            g_assert_cmpuint(lduw_le_p(p + 2), ==, 32);
            *version = ldl_le_p(p + 8);
            *base = ldq_le_p(p + 16);
            *len = ldq_le_p(p + 24);
            return;
        }
    }
    g_error("no CHBS for UID %u", uid);
}

/* The capability IDs of a component register block, as a bit mask */
static uint32_t cm_caps(QTestState *qts, uint64_t regs)
{
    uint32_t hdr = qtest_readl(qts, regs + CXL_QTEST_CM);
    uint32_t mask = 0;

    g_assert_cmphex(hdr & 0xffff, ==, 1);           /* capability array */
    for (unsigned i = 1; i <= hdr >> 24; i++) {
        mask |= 1u << (qtest_readl(qts, regs + CXL_QTEST_CM + 4 * i) & 0xffff);
    }
    return mask;
}

/* Offset of capability @id in a component register block (0: none) */
static uint32_t cm_cap(QTestState *qts, uint64_t regs, unsigned id)
{
    uint32_t hdr = qtest_readl(qts, regs + CXL_QTEST_CM);

    for (unsigned i = 1; i <= hdr >> 24; i++) {
        uint32_t h = qtest_readl(qts, regs + CXL_QTEST_CM + 4 * i);

        if ((h & 0xffff) == id) {
            return CXL_QTEST_CM + (h >> 20);
        }
    }
    return 0;
}

static uint64_t membar0(QTestState *qts, uint64_t rcrb)
{
    uint32_t lo = qtest_readl(qts, rcrb + 0x10);

    /* a 64-bit memory BAR (Linux refuses I/O and the 1M type) */
    g_assert_cmphex(lo & 0xf, ==, 0x4);
    return (uint64_t)qtest_readl(qts, rcrb + 0x14) << 32 | (lo & ~0xfu);
}

#define RCH_ARGS \
    "-machine q35,cxl=on,cxl-fmw.0.targets.0=rch,cxl-fmw.0.size=4G%s " \
    "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=rch,rch=on "

/* Backend files of the RCD: volatile, persistent, labels */
typedef struct RCDFiles {
    char *dir, *vol, *pmem, *lsa;
} RCDFiles;

static void rcd_files(RCDFiles *f)
{
    GError *err = NULL;

    f->dir = g_dir_make_tmp("cxl-rch-XXXXXX", &err);
    g_assert_no_error(err);
    f->vol = g_build_filename(f->dir, "vol", NULL);
    f->pmem = g_build_filename(f->dir, "pmem", NULL);
    f->lsa = g_build_filename(f->dir, "lsa", NULL);
}

static void rcd_files_free(RCDFiles *f)
{
    unlink(f->vol);
    unlink(f->pmem);
    unlink(f->lsa);
    rmdir(f->dir);
    g_free(f->vol);
    g_free(f->pmem);
    g_free(f->lsa);
    g_free(f->dir);
}

static QTestState *start_rcd(RCDFiles *f, const char *regions)
{
    g_autofree char *m = g_strdup_printf(RCH_ARGS, regions);
    g_autofree char *args = g_strdup_printf(
        "%s -object memory-backend-file,id=v,share=on,mem-path=%s,size=256M "
        "-object memory-backend-file,id=p,share=on,mem-path=%s,size=256M "
        "-object memory-backend-file,id=l,share=on,mem-path=%s,size=1M "
        "-device cxl-type3,bus=rch,id=rcd,volatile-memdev=v,"
        "persistent-memdev=p,lsa=l,sn=7", m, f->vol, f->pmem, f->lsa);

    return cxl_qtest_start(args);
}

/* The CHBS, both RCRBs and the component registers behind them */
static void test_rcrb_layout(void)
{
    RCDFiles f;
    QTestState *qts;
    uint64_t rcrb, base, len, dp_regs, up_regs;
    uint32_t version, lnkcap;
    uint8_t pcie, rcd_pcie;

    rcd_files(&f);
    qts = start_rcd(&f, "");
    cxl_qtest_enable_ecam(qts);

    rcrb = cxl_qtest_mtree_find(qts, "cxl-rch-rcrb-downstream");
    g_assert_cmphex(rcrb, !=, 0);
    g_assert_cmphex(rcrb % (64 * KiB), ==, 0);
    g_assert_cmphex(cxl_qtest_mtree_find(qts, "cxl-rch-rcrb-upstream"), ==,
                    rcrb + RCRB_UP);

    /* CHBS: UID = bus number, CXL 1.1, the RCRBs (8 KiB) */
    find_chbs(qts, RCH_BUS, &version, &base, &len);
    g_assert_cmpuint(version, ==, 0);
    g_assert_cmphex(base, ==, rcrb);
    g_assert_cmphex(len, ==, 8 * KiB);

    /*
     * downstream port RCRB: the host bridge's vendor ID, a Device ID that
     * points at the extended capabilities (100h), memory enabled
     */
    g_assert_cmphex(qtest_readl(qts, rcrb), ==, 0x10001b36);
    g_assert_cmphex(qtest_readw(qts, rcrb + 0x04) & 0x2, ==, 0x2);
    g_assert_cmphex(qtest_readw(qts, rcrb + 0x06) & 0x10, ==, 0x10);
    g_assert_cmphex(qtest_readl(qts, rcrb + 0x08) >> 16, ==, 0x0604);
    dp_regs = membar0(qts, rcrb);
    g_assert_cmphex(dp_regs, ==, rcrb + DP_REGS);
    /* read-only: firmware programmed it */
    qtest_writel(qts, rcrb + 0x10, 0xffffffff);
    g_assert_cmphex(membar0(qts, rcrb), ==, dp_regs);

    /* its PCIe capability: a root port whose link is the RCD's */
    pcie = qtest_readb(qts, rcrb + 0x34);
    g_assert_cmphex(pcie, !=, 0);
    g_assert_cmphex(qtest_readb(qts, rcrb + pcie), ==, 0x10);
    g_assert_cmphex((qtest_readw(qts, rcrb + pcie + 2) >> 4) & 0xf, ==, 4);
    rcd_pcie = cxl_qtest_find_cap(qts, RCH_BUS, 0, 0x10);
    lnkcap = qtest_readl(qts, rcd_cfg(rcd_pcie + 0x0c)) & 0x00ffffff;
    g_assert_cmphex(lnkcap, !=, 0);
    g_assert_cmphex(qtest_readl(qts, rcrb + pcie + 0x0c), ==, lnkcap);
    g_assert_cmphex(qtest_readw(qts, rcrb + pcie + 0x12), ==,
                    qtest_readw(qts, rcd_cfg(rcd_pcie + 0x12)));

    /* extended capabilities: the Flex Bus Port DVSEC (CXL.io, CXL.mem) */
    g_assert_cmphex(qtest_readl(qts, rcrb + 0x100) & 0xffff, ==, 0x23);
    g_assert_cmphex(qtest_readl(qts, rcrb + 0x104) & 0xffff, ==,
                    CXL_QTEST_VENDOR);
    g_assert_cmphex(qtest_readw(qts, rcrb + 0x108), ==, 7);
    g_assert_cmphex(qtest_readw(qts, rcrb + 0x10e), ==, 0x6);

    /* the downstream port's component registers: RAS, link; no HDM */
    g_assert_cmphex(cm_caps(qts, dp_regs), ==, 1u << 2 | 1u << 4);

    /* upstream port RCRB: the RCD's IDs, MEMBAR0 its component registers */
    g_assert_cmphex(qtest_readl(qts, rcrb + RCRB_UP), ==,
                    qtest_readl(qts, rcd_cfg(0)));
    g_assert_cmphex(qtest_readw(qts, rcrb + RCRB_UP + 0x04) & 0x2, ==, 0x2);
    up_regs = membar0(qts, rcrb + RCRB_UP);
    g_assert_cmphex(up_regs, ==, rcrb + RCD_REGS);
    /* RAS, link and an HDM decoder capability Linux needs, not enabled */
    g_assert_cmphex(cm_caps(qts, up_regs) & (1u << 2 | 1u << 5), ==,
                    1u << 2 | 1u << 5);
    g_assert_cmphex(qtest_readl(qts, up_regs + cm_cap(qts, up_regs, 5) + 4) &
                    0x2, ==, 0);

    qtest_quit(qts);
    rcd_files_free(&f);
}

/* The RCD's configuration space */
static void test_rcd_config(void)
{
    RCDFiles f;
    QTestState *qts;
    uint64_t bar[6] = { 0 }, size[6] = { 0 };
    uint16_t dvsec, loc;
    uint8_t pcie;
    unsigned n;

    rcd_files(&f);
    qts = start_rcd(&f, "");
    cxl_qtest_enable_ecam(qts);

    /* a memory device (0502h, 10h), a Root Complex Integrated Endpoint */
    g_assert_cmphex(qtest_readl(qts, rcd_cfg(0x08)) >> 8, ==, 0x050210);
    pcie = cxl_qtest_find_cap(qts, RCH_BUS, 0, 0x10);
    g_assert_cmphex(pcie, !=, 0);
    g_assert_cmphex((qtest_readw(qts, rcd_cfg(pcie + 2)) >> 4) & 0xf, ==, 9);

    /* no BAR 0 (component registers), BAR 2 device registers */
    cxl_qtest_assign_bars(qts, RCH_BUS, 0, BAR_ADDR, bar, size);
    g_assert_cmphex(size[0], ==, 0);
    g_assert_cmphex(size[2], !=, 0);

    /* the register locator lists the device registers only */
    loc = cxl_qtest_find_dvsec(qts, RCH_BUS, 0, 8, &n);
    g_assert_cmphex(loc, !=, 0);
    g_assert_cmpuint(qtest_readl(qts, rcd_cfg(loc + 4)) >> 20, ==, 0x0c + 8);
    g_assert_cmphex(qtest_readl(qts, rcd_cfg(loc + 0x0c)) & 0xff07, ==,
                    0x0302);
    g_assert_cmphex(cxl_qtest_regloc(qts, RCH_BUS, 0, bar, 1), ==, 0);
    g_assert_cmphex(cxl_qtest_regloc(qts, RCH_BUS, 0, bar, 3), ==, bar[2]);

    /* CXL device DVSEC: MEM capable, two ranges, Mem_Enable clear */
    dvsec = cxl_qtest_find_dvsec(qts, RCH_BUS, 0, 0, &n);
    g_assert_cmphex(dvsec, !=, 0);
    g_assert_cmphex(qtest_readw(qts, rcd_cfg(dvsec + DVSEC_CAP)) & 0x34, ==,
                    0x24);
    g_assert_cmphex(qtest_readw(qts, rcd_cfg(dvsec + DVSEC_CTRL)) &
                    DVSEC_MEM_ENABLE, ==, 0);
    for (unsigned i = 0; i < 2; i++) {
        /* 256 MiB each, Memory_Info_Valid and Memory_Active */
        g_assert_cmphex(qtest_readl(qts, rcd_cfg(dvsec + DVSEC_SIZE_HI(i))),
                        ==, 0);
        g_assert_cmphex(qtest_readl(qts, rcd_cfg(dvsec + DVSEC_SIZE_LO(i))) &
                        0xf0000003, ==, 0x10000003);
        g_assert_cmphex(qtest_readl(qts, rcd_cfg(dvsec + DVSEC_BASE_LO(i))),
                        ==, 0);
    }

    qtest_quit(qts);
    rcd_files_free(&f);
}

/* @len bytes of file @path at @off */
static void file_read(const char *path, uint64_t off, void *buf, size_t len)
{
    int fd = open(path, O_RDONLY);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(pread(fd, buf, len, off), ==, len);
    close(fd);
}

/*
 * Firmware's ranges: a ram region at the window's start, a pmem region
 * 1 GiB in; each range maps its capacity linearly, and what the host
 * writes through the window lands in that capacity's backend file.
 */
static void test_fw_ranges(void)
{
    RCDFiles f;
    QTestState *qts;
    uint64_t w, got;
    uint16_t dvsec;
    unsigned n;

    rcd_files(&f);
    qts = start_rcd(&f, ",cxl-region.0.window=0,cxl-region.0.size=256M,"
                    "cxl-region.0.targets.0=rcd,cxl-region.1.window=0,"
                    "cxl-region.1.size=256M,cxl-region.1.offset=1G,"
                    "cxl-region.1.type=pmem,cxl-region.1.targets.0=rcd");
    cxl_qtest_enable_ecam(qts);
    w = cxl_qtest_window(qts, 0);
    dvsec = cxl_qtest_find_dvsec(qts, RCH_BUS, 0, 0, &n);

    g_assert_cmphex(qtest_readw(qts, rcd_cfg(dvsec + DVSEC_CTRL)) &
                    DVSEC_MEM_ENABLE, ==, DVSEC_MEM_ENABLE);
    g_assert_cmphex(qtest_readl(qts, rcd_cfg(dvsec + DVSEC_BASE_HI(0))), ==,
                    w >> 32);
    g_assert_cmphex(qtest_readl(qts, rcd_cfg(dvsec + DVSEC_BASE_LO(0))), ==,
                    (uint32_t)w);
    g_assert_cmphex((uint64_t)qtest_readl(qts,
                                          rcd_cfg(dvsec + DVSEC_BASE_HI(1)))
                    << 32 |
                    qtest_readl(qts, rcd_cfg(dvsec + DVSEC_BASE_LO(1))), ==,
                    w + GiB);
    /* no HDM decoding: the range registers do */
    g_assert_cmphex(qtest_readl(qts, cxl_qtest_mtree_find(qts,
                                    "cxl-rch-rcrb-downstream") + RCD_REGS +
                                CXL_QTEST_CM + 0x400 + 4) & 0x2, ==, 0);

    qtest_writeq(qts, w + 0x123450, 0x1122334455667788ull);
    qtest_writeq(qts, w + GiB + 0x2000, 0x99aabbccddeeff00ull);
    g_assert_cmphex(qtest_readq(qts, w + 0x123450), ==, 0x1122334455667788ull);
    g_assert_cmphex(qtest_readq(qts, w + GiB + 0x2000), ==,
                    0x99aabbccddeeff00ull);
    /* between the ranges nothing answers: all ones */
    g_assert_cmphex(qtest_readq(qts, w + 512 * MiB), ==, UINT64_MAX);
    qtest_quit(qts);

    file_read(f.vol, 0x123450, &got, 8);
    g_assert_cmphex(le64_to_cpu(got), ==, 0x1122334455667788ull);
    file_read(f.pmem, 0x2000, &got, 8);
    g_assert_cmphex(le64_to_cpu(got), ==, 0x99aabbccddeeff00ull);
    rcd_files_free(&f);
}

/* Without firmware's ranges, software may set them (Linux does not) */
static void test_sw_ranges(void)
{
    RCDFiles f;
    QTestState *qts;
    uint64_t w, got;
    uint16_t dvsec;
    unsigned n;

    rcd_files(&f);
    qts = start_rcd(&f, "");
    cxl_qtest_enable_ecam(qts);
    w = cxl_qtest_window(qts, 0);
    dvsec = cxl_qtest_find_dvsec(qts, RCH_BUS, 0, 0, &n);

    /* Mem_Enable clear: the RCD claims nothing */
    g_assert_cmphex(qtest_readq(qts, w + 0x1000), ==, UINT64_MAX);
    /* persistent capacity (range 2) at the window's second 256 MiB */
    qtest_writel(qts, rcd_cfg(dvsec + DVSEC_BASE_HI(1)), w >> 32);
    qtest_writel(qts, rcd_cfg(dvsec + DVSEC_BASE_LO(1)),
                 (uint32_t)(w + 256 * MiB));
    qtest_writew(qts, rcd_cfg(dvsec + DVSEC_CTRL),
                 qtest_readw(qts, rcd_cfg(dvsec + DVSEC_CTRL)) |
                 DVSEC_MEM_ENABLE);
    qtest_writeq(qts, w + 256 * MiB + 0x1000, 0x0123456789abcdefull);
    g_assert_cmphex(qtest_readq(qts, w + 256 * MiB + 0x1000), ==,
                    0x0123456789abcdefull);
    /* range 1's base is 0: outside the window */
    g_assert_cmphex(qtest_readq(qts, w + 0x1000), ==, UINT64_MAX);
    qtest_quit(qts);

    file_read(f.pmem, 0x1000, &got, 8);
    g_assert_cmphex(le64_to_cpu(got), ==, 0x0123456789abcdefull);
    rcd_files_free(&f);
}

/* An RCH without RCD; an RCH next to a CXL 2.0 host bridge */
static void test_no_rcd_and_mixed(void)
{
    QTestState *qts = cxl_qtest_start(
        "-machine q35,cxl=on,cxl-fmw.0.targets.0=rch,cxl-fmw.0.size=4G,"
        "cxl-fmw.1.targets.0=vh,cxl-fmw.1.size=4G "
        "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=rch,rch=on "
        "-device pxb-cxl,bus_nr=64,bus=pcie.0,id=vh "
        "-device cxl-rp,port=0,bus=vh,id=rp0,chassis=0,slot=2");
    uint64_t rcrb = cxl_qtest_mtree_find(qts, "cxl-rch-rcrb-downstream");
    uint64_t hregs = cxl_qtest_mtree_find(qts, "cxl-host-registers");
    uint64_t base, len;
    uint32_t version;

    /* the RCH takes three slots, the CXL 2.0 bridge's CHBCR follows */
    g_assert_cmphex(rcrb, ==, hregs);
    find_chbs(qts, RCH_BUS, &version, &base, &len);
    g_assert_cmpuint(version, ==, 0);
    g_assert_cmphex(base, ==, rcrb);
    find_chbs(qts, 64, &version, &base, &len);
    g_assert_cmpuint(version, ==, 1);
    g_assert_cmphex(base, ==, hregs + 3 * 64 * KiB);
    g_assert_cmphex(len, ==, 64 * KiB);
    g_assert_cmphex(qtest_readl(qts, base + CXL_QTEST_CM) & 0xffff, ==, 1);

    /* no RCD: its RCRB reads all ones; the downstream port's is there */
    g_assert_cmphex(qtest_readl(qts, rcrb + RCRB_UP), ==, UINT32_MAX);
    g_assert_cmphex(qtest_readl(qts, rcrb + RCRB_UP + 0x10), ==, UINT32_MAX);
    g_assert_cmphex(qtest_readl(qts, rcrb), ==, 0x10001b36);
    /* nothing behind the window */
    g_assert_cmphex(qtest_readq(qts, cxl_qtest_window(qts, 0)), ==,
                    UINT64_MAX);
    qtest_quit(qts);
}

static void expect_error(const char *args, const char *msg)
{
    g_autofree char *out = cxl_qtest_start_error(args);

    if (!strstr(out, msg)) {
        g_error("expected \"%s\" in:\n%s", msg, out);
    }
}

#define MEM(id) "-object memory-backend-ram,id=" id ",size=256M "
#define MEM_ARG MEM("v")

/* What the spec does not allow is refused, naming the device and rule */
static void test_placement_errors(void)
{
    g_autofree char *m = g_strdup_printf(RCH_ARGS, "");
    g_autofree char *rp = g_strconcat(m,
        "-device cxl-rp,port=0,bus=rch,id=rp0,chassis=0,slot=2", NULL);
    g_autofree char *two = g_strconcat(m, MEM("a") MEM("b"),
        "-device cxl-type3,bus=rch,id=rcd1,volatile-memdev=a "
        "-device cxl-type3,bus=rch,id=rcd2,volatile-memdev=b", NULL);
    g_autofree char *dc = g_strconcat(m, MEM("a"),
        "-device cxl-type3,bus=rch,id=rcd,volatile-dc-memdev=a,"
        "num-dc-regions=1", NULL);
    g_autofree char *hdm = g_strconcat(m,
        "-device pxb-cxl,bus_nr=64,bus=pcie.0,id=rch2,rch=on,"
        "hdm_for_passthrough=on", NULL);

    expect_error(rp, "cxl-rp 'rp0': a Restricted CXL Host (pxb-cxl 'rch', "
                 "rch=on) has no root ports or other devices on its bus");
    expect_error(two, "cxl-type3 'rcd2': a Restricted CXL Host (pxb-cxl "
                 "'rch', rch=on) links to one RCD, and 'rcd1' is that "
                 "already");
    expect_error(dc, "cxl-type3 'rcd': an RCD (a memory device on the bus of "
                 "Restricted CXL Host 'rch') cannot have dynamic capacity");
    expect_error(hdm, "pxb-cxl 'rch2': rch=on and hdm_for_passthrough=on "
                 "exclude each other");
}

/* Regions an RCD's range registers cannot be are refused */
static void test_region_errors(void)
{
    static const struct {
        const char *machine, *msg;
    } cases[] = {
        { ",cxl-region.0.window=0,cxl-region.0.size=512M,"
          "cxl-region.0.targets.0=rcd",
          "cxl-region.0.size: 'rcd' is a CXL 1.1 RCD: a range register maps "
          "its whole volatile capacity (0x10000000 bytes)" },
        { ",cxl-region.0.window=0,cxl-region.0.size=256M,"
          "cxl-region.0.targets.0=rcd,cxl-region.0.locked=on",
          "cxl-region.0.locked: 'rcd' is a CXL 1.1 RCD: there are no "
          "decoders to lock" },
        { ",cxl-region.0.window=0,cxl-region.0.size=256M,"
          "cxl-region.0.targets.0=rcd,cxl-region.1.window=0,"
          "cxl-region.1.size=256M,cxl-region.1.targets.0=rcd",
          "cxl-region.1: the volatile capacity of CXL 1.1 RCD 'rcd' is in a "
          "region already" },
        { ",cxl-region.0.window=0,cxl-region.0.size=512M,"
          "cxl-region.0.targets.0=rcd,cxl-region.0.targets.1=t3",
          "cxl-region.0.targets: 'rcd' is a CXL 1.1 RCD (on Restricted CXL "
          "Host 'rch'): its range registers do not interleave" },
        { ",cxl-region.0.window=1,cxl-region.0.size=256M,"
          "cxl-region.0.targets.0=rcd",
          "cxl-region.0.window: 'rcd' is a CXL 1.1 RCD: its region's window "
          "must have its Restricted CXL Host 'rch' as only target" },
    };

    for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
        g_autofree char *args = g_strdup_printf(
            "-machine q35,cxl=on,cxl-fmw.0.targets.0=rch,cxl-fmw.0.size=4G,"
            "cxl-fmw.1.targets.0=vh,cxl-fmw.1.size=4G%s "
            "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=rch,rch=on "
            "-device pxb-cxl,bus_nr=64,bus=pcie.0,id=vh "
            "-device cxl-rp,port=0,bus=vh,id=rp0,chassis=0,slot=2 "
            MEM("a") MEM("b")
            "-device cxl-type3,bus=rch,id=rcd,volatile-memdev=a "
            "-device cxl-type3,bus=rp0,id=t3,volatile-memdev=b",
            cases[i].machine);

        expect_error(args, cases[i].msg);
    }
}

/* ---- RAS: the downstream port's AER, the RCEC ---- */

#define RCEC_SLOT       0x1f
#define RCEC_BDF        (RCH_BUS << 8 | RCEC_SLOT << 3)
#define RCD_BDF         (RCH_BUS << 8)

/* AER registers (Linux's PCI_ERR_*) */
#define AER_UNCOR_STATUS        0x04
#define AER_UNCOR_MASK          0x08
#define AER_UNCOR_SEVER         0x0c
#define AER_COR_STATUS          0x10
#define AER_COR_MASK            0x14
#define AER_CAP                 0x18
#define AER_ROOT_COMMAND        0x2c
#define AER_ROOT_STATUS         0x30
#define AER_ERR_SRC             0x34
#define UNC_INTN                (1u << 22)
#define COR_INTERNAL            (1u << 14)
/* Root Error Status */
#define ROOT_COR_RCV            (1u << 0)
#define ROOT_UNCOR_RCV          (1u << 2)
#define ROOT_FIRST_FATAL        (1u << 4)
#define ROOT_FATAL_RCV          (1u << 6)

static uint64_t rcec_cfg(int off)
{
    return cxl_qtest_cfg(RCH_BUS, RCEC_SLOT, 0, off);
}

/* Linux's cxl_rcrb_to_aer(): the AER capability's offset in an RCRB */
static uint16_t rcrb_to_aer(QTestState *qts, uint64_t rcrb)
{
    uint16_t offset = 0;
    uint32_t hdr = qtest_readl(qts, rcrb);
    unsigned n = 0;

    while ((hdr & 0xffff) != 0x0001) {
        offset = (hdr >> 20) & 0xffc;
        if (!offset) {
            break;
        }
        g_assert_cmpuint(++n, <, 16);
        hdr = qtest_readl(qts, rcrb + offset);
    }
    return offset;
}

/* The command line of an RCH with a volatile RCD, and @extra */
static char *rcd_rcec_args(const char *extra)
{
    g_autofree char *m = g_strdup_printf(RCH_ARGS, "");

    return g_strdup_printf(
        "%s " MEM_ARG "-device cxl-type3,bus=rch,id=rcd,volatile-memdev=v "
        "%s", m, extra);
}

static QTestState *start_rcd_rcec(const char *extra)
{
    g_autofree char *args = rcd_rcec_args(extra);
    QTestState *qts = cxl_qtest_start(args);

    cxl_qtest_enable_ecam(qts);
    return qts;
}

/* The RCRB's AER capability and the RCEC's capabilities */
static void test_ras_layout(void)
{
    QTestState *qts = start_rcd_rcec(
        "-device pcie-rcec,bus=rch,id=rcec,addr=0x1f");
    uint64_t rcrb = cxl_qtest_mtree_find(qts, "cxl-rch-rcrb-downstream");
    uint64_t aer, ras;
    uint16_t rcec_aer, ea;
    uint8_t exp, msi;

    /* Device ID [15:4] -> 100h (Flex Bus DVSEC) -> AER at 200h, the end */
    g_assert_cmphex(qtest_readl(qts, rcrb) >> 20, ==, 0x100);
    g_assert_cmphex(qtest_readl(qts, rcrb + 0x100) >> 20, ==, 0x200);
    g_assert_cmphex(rcrb_to_aer(qts, rcrb), ==, 0x200);
    aer = rcrb + 0x200;
    g_assert_cmphex(qtest_readl(qts, aer), ==, 0x00020001);
    /* no error; internal errors unmasked (firmware's), fatal by default */
    g_assert_cmphex(qtest_readl(qts, aer + AER_UNCOR_STATUS), ==, 0);
    g_assert_cmphex(qtest_readl(qts, aer + AER_UNCOR_MASK) & UNC_INTN, ==, 0);
    g_assert_cmphex(qtest_readl(qts, aer + AER_UNCOR_SEVER) & UNC_INTN, ==,
                    UNC_INTN);
    g_assert_cmphex(qtest_readl(qts, aer + AER_COR_STATUS), ==, 0);
    g_assert_cmphex(qtest_readl(qts, aer + AER_COR_MASK) & COR_INTERNAL, ==,
                    0);
    /* root error command: Linux clears it (cxl_disable_rch_root_ints()) */
    qtest_writel(qts, aer + AER_ROOT_COMMAND, 7);
    g_assert_cmphex(qtest_readl(qts, aer + AER_ROOT_COMMAND), ==, 7);
    qtest_writel(qts, aer + AER_ROOT_COMMAND, 0);
    g_assert_cmphex(qtest_readl(qts, aer + AER_ROOT_COMMAND), ==, 0);
    /* masks are writable, status bits are write-1-to-clear */
    qtest_writel(qts, aer + AER_COR_MASK, COR_INTERNAL);
    g_assert_cmphex(qtest_readl(qts, aer + AER_COR_MASK), ==, COR_INTERNAL);
    qtest_writel(qts, aer + AER_COR_STATUS, UINT32_MAX);
    g_assert_cmphex(qtest_readl(qts, aer + AER_COR_STATUS), ==, 0);
    /* the port's RAS capability, in its component registers */
    ras = cxl_qtest_cm_cap(qts, membar0(qts, rcrb), 2);
    g_assert_cmphex(ras, !=, 0);
    g_assert_cmphex(qtest_readl(qts, ras), ==, 0);

    /* the RCEC: class 08h/07h/00h, PCIe type RCEC, MSI, AER, association */
    g_assert_cmphex(qtest_readl(qts, rcec_cfg(0x08)) >> 8, ==, 0x080700);
    exp = cxl_qtest_find_cap(qts, RCH_BUS, RCEC_SLOT, 0x10);
    g_assert_cmphex(exp, !=, 0);
    g_assert_cmphex((qtest_readw(qts, rcec_cfg(exp + 2)) >> 4) & 0xf, ==, 0xa);
    msi = cxl_qtest_find_cap(qts, RCH_BUS, RCEC_SLOT, 0x05);
    g_assert_cmphex(msi, !=, 0);
    rcec_aer = cxl_qtest_find_ext_cap(qts, RCH_BUS, RCEC_SLOT, 0x0001);
    g_assert_cmphex(rcec_aer, !=, 0);
    /* AER interrupt message number 0; internal errors masked at reset */
    g_assert_cmphex(qtest_readl(qts, rcec_cfg(rcec_aer + AER_ROOT_STATUS)) >>
                    27, ==, 0);
    g_assert_cmphex(qtest_readl(qts, rcec_cfg(rcec_aer + AER_COR_MASK)) &
                    COR_INTERNAL, ==, COR_INTERNAL);
    ea = cxl_qtest_find_ext_cap(qts, RCH_BUS, RCEC_SLOT, 0x0007);
    g_assert_cmphex(ea, !=, 0);
    g_assert_cmphex((qtest_readl(qts, rcec_cfg(ea)) >> 16) & 0xf, ==, 2);
    /* every device number on its bus but its own; no bus range */
    g_assert_cmphex(qtest_readl(qts, rcec_cfg(ea + 4)), ==,
                    ~(1u << RCEC_SLOT));
    g_assert_cmphex(qtest_readl(qts, rcec_cfg(ea + 8)), ==, 0x0000ff00);
    qtest_quit(qts);
}

/*
 * Set the RCEC up as Linux's AER driver does: MSI to @msg in RAM (data
 * 0x4321), error reporting on, internal errors unmasked, the root error
 * command enabling every interrupt. Returns its AER offset.
 */
static uint16_t rcec_setup(QTestState *qts, uint64_t msg)
{
    uint8_t msi = cxl_qtest_find_cap(qts, RCH_BUS, RCEC_SLOT, 0x05);
    uint8_t exp = cxl_qtest_find_cap(qts, RCH_BUS, RCEC_SLOT, 0x10);
    uint16_t aer = cxl_qtest_find_ext_cap(qts, RCH_BUS, RCEC_SLOT, 0x0001);

    qtest_writel(qts, rcec_cfg(msi + 4), (uint32_t)msg);
    qtest_writel(qts, rcec_cfg(msi + 8), msg >> 32);
    qtest_writew(qts, rcec_cfg(msi + 12), 0x4321);
    qtest_writew(qts, rcec_cfg(msi + 2), 1);                /* MSI enable */
    qtest_writew(qts, rcec_cfg(0x04), 0x6);             /* memory, master */
    qtest_writew(qts, rcec_cfg(exp + 8), 0xf);          /* devctl: report */
    qtest_writel(qts, rcec_cfg(aer + AER_COR_MASK), 0);
    qtest_writel(qts, rcec_cfg(aer + AER_UNCOR_MASK), 0);
    qtest_writel(qts, rcec_cfg(aer + AER_ROOT_COMMAND), 7);
    qtest_writel(qts, msg, 0);
    return aer;
}

/*
 * QMP injection at the RCD: the RCH downstream port's error, in its RAS
 * and its RCRB's AER, then an internal error of the RCEC with its own ID
 * as source and its MSI
 */
static void test_ras_injection(void)
{
    QTestState *qts = start_rcd_rcec(
        "-device pcie-rcec,bus=rch,id=rcec,addr=0x1f");
    uint64_t rcrb = cxl_qtest_mtree_find(qts, "cxl-rch-rcrb-downstream");
    uint64_t aer = rcrb + rcrb_to_aer(qts, rcrb);
    uint64_t ras = cxl_qtest_cm_cap(qts, membar0(qts, rcrb), 2);
    uint64_t msg = cxl_qtest_platform.ram + 0x10000;
    uint16_t ra = rcec_setup(qts, msg);
    QDict *r;

    /* correctable: RAS bit 4, AER Corrected Internal Error, RCEC's ERR_COR */
    qtest_qmp_assert_success(qts, "{'execute': 'cxl-inject-correctable-error',"
        " 'arguments': {'path': 'rcd', 'type': 'cache-poison-received'}}");
    g_assert_cmphex(qtest_readl(qts, ras + 0x0c), ==, 1u << 4);
    g_assert_cmphex(qtest_readl(qts, aer + AER_COR_STATUS), ==, COR_INTERNAL);
    g_assert_cmphex(qtest_readl(qts, aer + AER_UNCOR_STATUS), ==, 0);
    g_assert_cmphex(qtest_readl(qts, rcec_cfg(ra + AER_COR_STATUS)), ==,
                    COR_INTERNAL);
    g_assert_cmphex(qtest_readl(qts, rcec_cfg(ra + AER_ROOT_STATUS)) & 0x7f,
                    ==, ROOT_COR_RCV);
    g_assert_cmphex(qtest_readw(qts, rcec_cfg(ra + AER_ERR_SRC)), ==,
                    RCEC_BDF);
    g_assert_cmphex(qtest_readl(qts, msg), ==, 0x4321);
    /* the RCD's own RAS is untouched */
    g_assert_cmphex(qtest_readl(qts, cxl_qtest_cm_cap(qts,
                    membar0(qts, rcrb + RCRB_UP), 2) + 0x0c), ==, 0);
    /* software clears what it handled (as Linux does) */
    qtest_writel(qts, ras + 0x0c, 1u << 4);
    qtest_writel(qts, aer + AER_COR_STATUS, COR_INTERNAL);
    qtest_writel(qts, rcec_cfg(ra + AER_COR_STATUS), COR_INTERNAL);
    qtest_writel(qts, rcec_cfg(ra + AER_ROOT_STATUS), 0x7f);
    g_assert_cmphex(qtest_readl(qts, rcec_cfg(ra + AER_ROOT_STATUS)) & 0x7f,
                    ==, 0);
    qtest_writel(qts, msg, 0);

    /* uncorrectable: RAS status and first error, AER INTN (fatal) */
    qtest_qmp_assert_success(qts,
        "{'execute': 'cxl-inject-uncorrectable-errors', 'arguments': {"
        " 'path': 'rcd', 'errors': [{'type': 'mem-data-ecc',"
        " 'header': [1, 2]}]}}");
    g_assert_cmphex(qtest_readl(qts, ras + 0x00), ==, 1u << 7);
    g_assert_cmphex(qtest_readl(qts, ras + 0x14) & 0x3f, ==, 7);
    g_assert_cmphex(qtest_readl(qts, ras + 0x18), ==, 1);
    g_assert_cmphex(qtest_readl(qts, aer + AER_UNCOR_STATUS), ==, UNC_INTN);
    g_assert_cmphex(qtest_readl(qts, aer + AER_CAP) & 0x1f, ==, 22);
    g_assert_cmphex(qtest_readl(qts, rcec_cfg(ra + AER_UNCOR_STATUS)), ==,
                    UNC_INTN);
    g_assert_cmphex(qtest_readl(qts, rcec_cfg(ra + AER_ROOT_STATUS)) & 0x7f,
                    ==, ROOT_UNCOR_RCV | ROOT_FIRST_FATAL | ROOT_FATAL_RCV);
    g_assert_cmphex(qtest_readw(qts, rcec_cfg(ra + AER_ERR_SRC + 2)), ==,
                    RCEC_BDF);
    g_assert_cmphex(qtest_readl(qts, msg), ==, 0x4321);
    qtest_writel(qts, rcec_cfg(ra + AER_ROOT_STATUS), 0x7f);
    qtest_writel(qts, msg, 0);

    /* masked in the port's AER: logged there, not reported */
    qtest_writel(qts, aer + AER_COR_MASK, COR_INTERNAL);
    qtest_qmp_assert_success(qts, "{'execute': 'cxl-inject-correctable-error',"
        " 'arguments': {'path': 'rcd', 'type': 'retry-threshold'}}");
    g_assert_cmphex(qtest_readl(qts, ras + 0x0c), ==, 1u << 3);
    g_assert_cmphex(qtest_readl(qts, aer + AER_COR_STATUS), ==, COR_INTERNAL);
    g_assert_cmphex(qtest_readl(qts, rcec_cfg(ra + AER_ROOT_STATUS)) & 0x7f,
                    ==, 0);
    g_assert_cmphex(qtest_readl(qts, msg), ==, 0);

    /* bad input: the argument named */
    r = qtest_qmp(qts, "{'execute': 'cxl-inject-correctable-error',"
                  " 'arguments': {'path': 'rcec', 'type': 'retry-threshold'}}");
    g_assert_true(qdict_haskey(r, "error"));
    g_assert_nonnull(strstr(qdict_get_str(qdict_get_qdict(r, "error"), "desc"),
                            "path: 'rcec' is a pcie-rcec, not a CXL device"));
    qobject_unref(r);
    qtest_quit(qts);
}

/* Without an RCEC an RCD's errors have nowhere to go: QMP says so */
static void test_ras_no_rcec(void)
{
    QTestState *qts = start_rcd_rcec("");
    QDict *r = qtest_qmp(qts, "{'execute': 'cxl-inject-correctable-error',"
                         " 'arguments': {'path': 'rcd',"
                         " 'type': 'retry-threshold'}}");

    g_assert_true(qdict_haskey(r, "error"));
    g_assert_nonnull(strstr(qdict_get_str(qdict_get_qdict(r, "error"), "desc"),
                            "path: 'rcd' is a CXL 1.1 RCD, whose Restricted "
                            "CXL Host 'rch' reports errors through a Root "
                            "Complex Event Collector, and none is "
                            "associated with it"));
    qobject_unref(r);
    qtest_quit(qts);
}

/*
 * The RCEC as a generic PCIe piece: an RCiEP's own AER messages (here
 * the RCD's, through HMP's pcie_aer_inject_error) reach the RCEC that
 * associates it, with the RCiEP as source; one whose bitmap leaves the
 * RCiEP out gets nothing.
 */
static void test_rcec_rciep(void)
{
    QTestState *qts = start_rcd_rcec(
        "-device pcie-rcec,bus=rch,id=rcec,addr=0x1f");
    uint64_t msg = cxl_qtest_platform.ram + 0x10000;
    uint16_t ra = rcec_setup(qts, msg);
    uint8_t exp = cxl_qtest_find_cap(qts, RCH_BUS, 0, 0x10);
    uint16_t aer = cxl_qtest_find_ext_cap(qts, RCH_BUS, 0, 0x0001);
    g_autofree char *out = NULL;

    /* the RCD: an RCiEP, reporting correctable errors */
    g_assert_cmphex((qtest_readw(qts, rcd_cfg(exp + 2)) >> 4) & 0xf, ==, 9);
    qtest_writew(qts, rcd_cfg(exp + 8), 0xf);
    qtest_writel(qts, rcd_cfg(aer + AER_COR_MASK), 0);
    out = qtest_hmp(qts, "pcie_aer_inject_error -c rcd 0x4000");
    g_assert_true(g_str_has_prefix(out, "OK id: rcd"));
    g_assert_cmphex(qtest_readl(qts, rcd_cfg(aer + AER_COR_STATUS)), ==,
                    COR_INTERNAL);
    g_assert_cmphex(qtest_readl(qts, rcec_cfg(ra + AER_ROOT_STATUS)) & 0x7f,
                    ==, ROOT_COR_RCV);
    g_assert_cmphex(qtest_readw(qts, rcec_cfg(ra + AER_ERR_SRC)), ==,
                    RCD_BDF);
    /* the RCEC's own AER status stays clear: the error is the RCD's */
    g_assert_cmphex(qtest_readl(qts, rcec_cfg(ra + AER_COR_STATUS)), ==, 0);
    g_assert_cmphex(qtest_readl(qts, msg), ==, 0x4321);
    qtest_quit(qts);

    /* an RCEC whose bitmap leaves device 0 out */
    qts = start_rcd_rcec("-device pcie-rcec,bus=rch,id=rcec,addr=0x1f,"
                         "rciep-bitmap=0x2");
    ra = rcec_setup(qts, msg);
    g_assert_cmphex(qtest_readl(qts, rcec_cfg(
        cxl_qtest_find_ext_cap(qts, RCH_BUS, RCEC_SLOT, 0x0007) + 4)), ==, 2);
    qtest_writew(qts, rcd_cfg(exp + 8), 0xf);
    qtest_writel(qts, rcd_cfg(aer + AER_COR_MASK), 0);
    g_free(qtest_hmp(qts, "pcie_aer_inject_error -c rcd 0x4000"));
    g_assert_cmphex(qtest_readl(qts, rcd_cfg(aer + AER_COR_STATUS)), ==,
                    COR_INTERNAL);
    g_assert_cmphex(qtest_readl(qts, rcec_cfg(ra + AER_ROOT_STATUS)) & 0x7f,
                    ==, 0);
    g_assert_cmphex(qtest_readl(qts, msg), ==, 0);
    qtest_quit(qts);
}

/*
 * A logged error migrates: the RCRB's AER (pxb-cxl's state), the port's
 * RAS, the RCEC's AER and MSI set-up; the destination reports the next
 * error as the source would
 */
static void test_ras_migrate(void)
{
    const char *rcec = "-device pcie-rcec,bus=rch,id=rcec,addr=0x1f";
    g_autofree char *args = rcd_rcec_args(rcec);
    QTestState *src = start_rcd_rcec(rcec);
    uint64_t rcrb = cxl_qtest_mtree_find(src, "cxl-rch-rcrb-downstream");
    uint64_t aer = rcrb + rcrb_to_aer(src, rcrb);
    uint64_t ras = cxl_qtest_cm_cap(src, membar0(src, rcrb), 2);
    uint64_t msg = cxl_qtest_platform.ram + 0x10000;
    uint16_t ra = rcec_setup(src, msg);
    g_autofree char *dir = NULL, *file = NULL, *uri = NULL;
    QTestState *dst;
    bool ok;

    qtest_qmp_assert_success(src, "{'execute': 'cxl-inject-correctable-error',"
        " 'arguments': {'path': 'rcd', 'type': 'crc-threshold'}}");
    g_assert_cmphex(qtest_readl(src, msg), ==, 0x4321);

    dir = g_dir_make_tmp("cxl-rch-mig-XXXXXX", NULL);
    g_assert_nonnull(dir);
    file = g_build_filename(dir, "stream", NULL);
    uri = g_strdup_printf("file:%s", file);
    qtest_qmp_assert_success(src, "{'execute': 'migrate', "
                             "'arguments': {'uri': %s}}", uri);
    g_assert_true(cxl_qtest_mig_wait(src));
    dst = cxl_qtest_mig_load(args, file, qtest_clock_step(src, 1), &ok);
    if (!ok) {
        QDict *r = qtest_qmp(dst, "{'execute': 'query-migrate'}");
        g_autoptr(GString) js = qobject_to_json(QOBJECT(r));
        g_message("%s", js->str);
    }
    g_assert_true(ok);
    qtest_quit(src);

    g_assert_cmphex(qtest_readl(dst, ras + 0x0c), ==, 1u << 2);
    g_assert_cmphex(qtest_readl(dst, aer + AER_COR_STATUS), ==, COR_INTERNAL);
    g_assert_cmphex(qtest_readl(dst, rcec_cfg(ra + AER_COR_STATUS)), ==,
                    COR_INTERNAL);
    g_assert_cmphex(qtest_readl(dst, rcec_cfg(ra + AER_ROOT_STATUS)) & 0x7f,
                    ==, ROOT_COR_RCV);
    g_assert_cmphex(qtest_readl(dst, rcec_cfg(ra + AER_ROOT_COMMAND)), ==, 7);
    /* handled, and the next error interrupts again */
    qtest_writel(dst, rcec_cfg(ra + AER_ROOT_STATUS), 0x7f);
    qtest_writel(dst, msg, 0);
    qtest_qmp_assert_success(dst, "{'execute': 'cxl-inject-correctable-error',"
        " 'arguments': {'path': 'rcd', 'type': 'physical'}}");
    g_assert_cmphex(qtest_readl(dst, ras + 0x0c), ==, 1u << 2 | 1u << 6);
    g_assert_cmphex(qtest_readl(dst, msg), ==, 0x4321);
    qtest_quit(dst);
    unlink(file);
    rmdir(dir);
}

/* pcie-rcec's own rules */
static void test_rcec_errors(void)
{
    g_autofree char *m = g_strdup_printf(RCH_ARGS, "");
    g_autofree char *range = g_strconcat(m,
        "-device pcie-rcec,bus=rch,next-bus=20,last-bus=13", NULL);

    expect_error(range, "pcie-rcec: next-bus (20) is above last-bus (13)");
    expect_error("-machine q35 -device pcie-root-port,id=rp,chassis=1 "
                 "-device pcie-rcec,bus=rp",
                 "pcie-rcec: a Root Complex Event Collector goes on a PCI "
                 "Express root bus");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cxl/rch/rcrb-layout", test_rcrb_layout);
    qtest_add_func("/cxl/rch/rcd-config", test_rcd_config);
    qtest_add_func("/cxl/rch/fw-ranges", test_fw_ranges);
    qtest_add_func("/cxl/rch/sw-ranges", test_sw_ranges);
    qtest_add_func("/cxl/rch/no-rcd-and-mixed", test_no_rcd_and_mixed);
    qtest_add_func("/cxl/rch/placement-errors", test_placement_errors);
    qtest_add_func("/cxl/rch/region-errors", test_region_errors);
    qtest_add_func("/cxl/rch/ras-layout", test_ras_layout);
    qtest_add_func("/cxl/rch/ras-injection", test_ras_injection);
    qtest_add_func("/cxl/rch/ras-no-rcec", test_ras_no_rcec);
    qtest_add_func("/cxl/rch/rcec-rciep", test_rcec_rciep);
    qtest_add_func("/cxl/rch/ras-migrate", test_ras_migrate);
    qtest_add_func("/cxl/rch/rcec-errors", test_rcec_errors);
    return g_test_run();
}
