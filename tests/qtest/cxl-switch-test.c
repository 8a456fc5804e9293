/*
 * qtest: the CXL switch ports cxl-upstream (USP) and cxl-downstream (DSP)
 * and CXL.mem routing through them, driven through configuration space
 * and MMIO as a guest would, without a guest:
 *  - USP configuration space: an upstream PCIe port with the Device Serial
 *    Number of its sn property and the CXL DVSECs Linux looks for (port
 *    extensions, flex bus port, register locator; no GPF DVSEC, which is
 *    for root and downstream ports only); its component registers with
 *    RAS, link and HDM decoder capabilities, and the HDM decoder
 *    capability as Linux's parse_hdm_decoder_caps() reads it;
 *  - DSP configuration space: downstream PCIe ports whose Link
 *    Capabilities port number is the port property, with the port DVSECs
 *    (GPF included) and component registers without HDM decoders;
 *  - the USP's CDAT read over DOE Table Access as Linux's
 *    cxl_cdat_read_table() does it, and its SSLBIS as Linux's
 *    cdat_sslbis_handler() uses them for each downstream port;
 *  - CXL.mem from the fixed memory window through a pass-through host
 *    bridge, the root port, the USP's 2-way interleaving decoder and the
 *    DSPs down to two Type 3 devices, checked in their backend files;
 *  - the PCIe links (x-speed, x-width, x-256b-flit of every device): Link
 *    Capabilities (and Capabilities 2), Link Status (a port's follows the
 *    device below it), Flit Mode Supported, and Flit Mode Status only
 *    where both ends of a link support flit mode (what Linux's
 *    cxl_pci_flit_256() reads);
 *  - command lines that must not start: a DSP not on a USP's bus, a USP
 *    on a root bus, two DSPs with one port number;
 *  - a firmware-committed region (-machine cxl-region.0.*, locked) across
 *    both devices: the decoders of the host bridge (which gets HDM
 *    decoders for it despite its single root port), the USP and the
 *    devices committed, locked and enabled without any programming, data
 *    where the spec puts it, the same again after a system reset, and the
 *    region options QEMU must refuse;
 *  - decoders firmware committed locked with size 0 (cxl-region.N.size=0):
 *    after a region and before one, at every level; they read back
 *    committed, locked, size 0, decode nothing, ignore writes, and the
 *    next decoder commits after them (a guest's too, and one starting
 *    below their base does not).
 * The switch mailbox CCI is in cxl-switch-cci-test; the helpers both share
 * (the topology, its set-up as firmware would do it) in cxl-switch-qtest.h.
 *
 * Register layouts are Linux's (drivers/cxl/cxl.h, cxlpci.h,
 * core/cdat.c, include/uapi/linux/pci_regs.h). The test enables q35's
 * ECAM, programs the bridges' bus numbers and memory windows and assigns
 * every BAR as firmware would (no firmware runs under qtest).
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

/* HDM decoder capability register (CXL_HDM_DECODER_*) */
#define HDM_CAP_IL_11_8     (1u << 8)
#define HDM_CAP_IL_14_12    (1u << 9)
#define HDM_CAP_IW_3_6_12   (1u << 11)

/* SSLBIS port ids (ACPI_CDAT_SSLBIS_*) and HMAT data types */
#define SSLBIS_US_PORT      0x0100
#define SSLBIS_ANY_PORT     0xffff
#define HMAT_READ_LATENCY   1
#define HMAT_WRITE_LATENCY  2
#define HMAT_READ_BANDWIDTH 4
#define HMAT_WRITE_BANDWIDTH 5

/* PCIe Device/Port Type of function @f */
static unsigned pcie_type(Sw *s, int f, uint8_t *pcie)
{
    *pcie = cxl_qtest_find_cap(s->qts, fn_at[f].bus, fn_at[f].dev, 0x10);
    g_assert_cmphex(*pcie, !=, 0);
    return (qtest_readw(s->qts, cfg(f, *pcie + PCIE_FLAGS)) >> 4) & 0xf;
}

/*
 * The register locator of function @f lists exactly one block, the
 * component registers at offset 0 of its 64-bit 64 KiB BAR 0.
 */
static void check_regloc(Sw *s, int f)
{
    uint16_t loc = find_dvsec(s, f, 8, NULL);
    uint32_t lo;

    g_assert_cmphex(loc, !=, 0);
    g_assert_cmphex(cfgl(s, f, loc + 4) >> 20, ==, 0x0c + 8);
    lo = cfgl(s, f, loc + 0x0c);
    g_assert_cmphex(lo & 7, ==, 0);
    g_assert_cmphex((lo >> 8) & 0xff, ==, 1);
    g_assert_cmphex(lo & 0xffff0000, ==, 0);
    g_assert_cmphex(cfgl(s, f, loc + 0x10), ==, 0);
    g_assert_cmphex(cfgl(s, f, 0x10) & 0x7, ==, 0x4);
    g_assert_cmphex(s->bar_size[f][0], ==, 64 * KiB);
    g_assert_cmphex(s->comp[f], ==, s->bar[f][0]);
}

/*
 * The CXL.cache/mem capability array of function @f: array header ID 1
 * and exactly the capabilities @ids (@n of them).
 */
static void check_cm_caps(Sw *s, int f, const uint16_t *ids, unsigned n)
{
    uint32_t hdr = qtest_readl(s->qts, s->comp[f] + CXL_QTEST_CM);

    g_assert_cmphex(hdr & 0xffff, ==, 1);
    g_assert_cmpuint(hdr >> 24, ==, n);
    for (unsigned i = 0; i < n; i++) {
        g_assert_cmphex(cxl_qtest_cm_cap(s->qts, s->comp[f], ids[i]), !=, 0);
    }
}

/* ---- 1. upstream port ---- */

static void test_usp(void)
{
    static const uint16_t caps[] = { 2, 4, 5 };     /* RAS, link, HDM */
    Sw s;
    uint8_t pcie;
    unsigned n;
    uint16_t dsn;

    sw_start(&s);
    g_assert_cmphex(cfgl(&s, USP, 0x08) >> 16, ==, 0x0604);   /* bridge */
    g_assert_cmpuint(pcie_type(&s, USP, &pcie), ==, PCIE_TYPE_UPSTREAM);

    dsn = cxl_qtest_find_ext_cap(s.qts, fn_at[USP].bus, fn_at[USP].dev, 3);
    g_assert_cmphex(dsn, !=, 0);
    g_assert_cmphex(cfgl(&s, USP, dsn + 4), ==, USP_SN);
    g_assert_cmphex(cfgl(&s, USP, dsn + 8), ==, 0);

    /* port extensions, flex bus, register locator; no GPF on a USP */
    g_assert_cmphex(find_dvsec(&s, USP, 3, &n), !=, 0);
    g_assert_cmpuint(n, ==, 3);
    g_assert_cmphex(find_dvsec(&s, USP, 7, NULL), !=, 0);
    g_assert_cmphex(find_dvsec(&s, USP, 4, NULL), ==, 0);
    g_assert_cmphex(cfgl(&s, USP, find_dvsec(&s, USP, 3, NULL) + 4) >> 20,
                    ==, 0x28);
    g_assert_cmphex(cfgl(&s, USP, find_dvsec(&s, USP, 7, NULL) + 4) >> 20,
                    ==, 0x20);
    check_regloc(&s, USP);

    check_cm_caps(&s, USP, caps, ARRAY_SIZE(caps));
    uint64_t hdm = cxl_qtest_cm_cap(s.qts, s.comp[USP], 5);
    uint32_t cap = qtest_readl(s.qts, hdm);
    /* cxl_hdm_decoder_count(): field 4 is 8 decoders */
    g_assert_cmpuint(cap & 0xf, ==, 4);
    g_assert_cmpuint((cap >> 4) & 0xf, ==, 8);          /* target count */
    /* interleave on HPA bits 8-14 (a 1 KiB granule needs bit 10) */
    g_assert_cmphex(cap & (HDM_CAP_IL_11_8 | HDM_CAP_IL_14_12), ==,
                    HDM_CAP_IL_11_8 | HDM_CAP_IL_14_12);
    g_assert_cmphex(cap & HDM_CAP_IW_3_6_12, ==, HDM_CAP_IW_3_6_12);
    /* HDM Decoder Enable is for devices: reads 0 on a USP */
    qtest_writel(s.qts, hdm + 4, HDM_GLOBAL_ENABLE);
    g_assert_cmphex(qtest_readl(s.qts, hdm + 4) & HDM_GLOBAL_ENABLE, ==, 0);
    /* decoder 0 starts uncommitted */
    g_assert_cmphex(qtest_readl(s.qts, cxl_qtest_hdm_dec(hdm, 0,
                                                         HDM_DEC_CTRL)) &
                    (HDM_CTRL_COMMITTED | HDM_CTRL_ERR), ==, 0);
    sw_stop(&s);
}

/* ---- PCIe links ---- */

#define PCIE_LNKSTA         0x12
#define PCIE_LNKCAP2        0x2c
#define PCIE_LNKSTA2        0x32
#define   PCIE_FLAGS_FLIT       0x8000
#define   PCIE_LNKSTA2_FLIT     0x0400

typedef struct LinkWant {
    unsigned cap_speed, cap_width;      /* Link Capabilities */
    unsigned sta_speed, sta_width;      /* Link Status */
    bool flit_supported, flit_status;
} LinkWant;

/* The link registers of functions @fns[@n] as @want says */
static void check_links_now(Sw *s, const int *fns, int n,
                            const LinkWant *want)
{
    for (int i = 0; i < n; i++) {
        const LinkWant *w = &want[i];
        int f = fns[i];
        uint8_t pcie;
        uint32_t cap, cap2;
        uint16_t sta;

        pcie_type(s, f, &pcie);
        cap = cfgl(s, f, pcie + PCIE_LNKCAP);
        sta = qtest_readw(s->qts, cfg(f, pcie + PCIE_LNKSTA));
        cap2 = cfgl(s, f, pcie + PCIE_LNKCAP2);
        g_test_message("function %d: LNKCAP %08x LNKSTA %04x LNKCAP2 %08x",
                       f, cap, sta, cap2);
        g_assert_cmphex(cap & 0xf, ==, w->cap_speed);
        g_assert_cmphex((cap >> 4) & 0x3f, ==, w->cap_width);
        g_assert_cmphex(sta & 0xf, ==, w->sta_speed);
        g_assert_cmphex((sta >> 4) & 0x3f, ==, w->sta_width);
        /* supported speeds vector [7:1]: every speed up to the maximum */
        g_assert_cmphex(cap2 & 0xfe, ==, (1u << (w->cap_speed + 1)) - 2);
        g_assert_cmphex(qtest_readw(s->qts, cfg(f, pcie + PCIE_FLAGS)) &
                        PCIE_FLAGS_FLIT, ==,
                        w->flit_supported ? PCIE_FLAGS_FLIT : 0);
        g_assert_cmphex(qtest_readw(s->qts, cfg(f, pcie + PCIE_LNKSTA2)) &
                        PCIE_LNKSTA2_FLIT, ==,
                        w->flit_status ? PCIE_LNKSTA2_FLIT : 0);
    }
}

/*
 * Check the link registers of RP, USP, DSP3 and EP1 (@want in that order)
 * with @extra (-global options) on the command line; again after the
 * guest wrote zeroes over them (they are read-only) and a system reset.
 */
static void check_links(const char *extra, const LinkWant *want)
{
    static const int fns[] = { RP, USP, DSP3, EP1 };
    Sw s;

    sw_start_with(&s, extra);
    for (int pass = 0; pass < 2; pass++) {
        if (pass) {
            for (int i = 0; i < ARRAY_SIZE(fns); i++) {
                uint8_t pcie;

                pcie_type(&s, fns[i], &pcie);
                qtest_writew(s.qts, cfg(fns[i], pcie + PCIE_FLAGS), 0);
                qtest_writew(s.qts, cfg(fns[i], pcie + PCIE_LNKSTA2), 0);
            }
            qtest_system_reset(s.qts);
            sw_platform_init(&s);
        }
        check_links_now(&s, fns, ARRAY_SIZE(fns), want);
    }
    sw_stop(&s);
}

/* speeds: 3 = 8 GT/s, 5 = 32 GT/s, 6 = 64 GT/s */
static void test_links(void)
{
    /*
     * upstream 11.1's defaults: root port 64 GT/s x32 and downstream port
     * 64 GT/s x16 with flit mode, upstream port and device 32 GT/s x16
     * without: every link runs at 32 GT/s x16 with 68-byte flits
     */
    check_links("", (const LinkWant[]) {
        { 6, 32, 5, 16, true, false },
        { 5, 16, 5, 16, false, false },
        { 6, 16, 5, 16, true, false },
        { 5, 16, 5, 16, false, false },
    });
    /* a narrower root port, a slower upstream port, a faster device */
    check_links("-global cxl-type3.x-256b-flit=on "
                "-global cxl-type3.x-speed=64 -global cxl-type3.x-width=8 "
                "-global cxl-upstream.x-256b-flit=on "
                "-global cxl-upstream.x-speed=8 "
                "-global cxl-rp.x-width=4", (const LinkWant[]) {
        { 6, 4, 3, 4, true, true },
        { 3, 16, 3, 16, true, true },
        { 6, 16, 6, 8, true, true },
        { 6, 8, 6, 8, true, true },
    });
    /* flit mode only where both ends support it */
    check_links("-global cxl-type3.x-256b-flit=on "
                "-global cxl-downstream.x-256b-flit=off "
                "-global cxl-upstream.x-256b-flit=on "
                "-global cxl-rp.x-256b-flit=off", (const LinkWant[]) {
        { 6, 32, 5, 16, false, false },
        { 5, 16, 5, 16, true, false },
        { 6, 16, 5, 16, false, false },
        { 5, 16, 5, 16, true, false },
    });
}

/* ---- 2. downstream ports ---- */

static void test_dsp(void)
{
    static const uint16_t caps[] = { 2, 4 };        /* RAS, link */
    static const struct { int f; unsigned port; } dsps[] = {
        { DSP3, 3 }, { DSP5, 5 },
    };
    Sw s;

    sw_start(&s);
    for (unsigned i = 0; i < ARRAY_SIZE(dsps); i++) {
        int f = dsps[i].f;
        uint8_t pcie;
        unsigned n;

        g_test_message("downstream port %u", dsps[i].port);
        g_assert_cmphex(cfgl(&s, f, 0x08) >> 16, ==, 0x0604);
        g_assert_cmpuint(pcie_type(&s, f, &pcie), ==, PCIE_TYPE_DOWNSTREAM);
        g_assert_cmpuint(cfgl(&s, f, pcie + PCIE_LNKCAP) >> 24, ==,
                         dsps[i].port);

        g_assert_cmphex(find_dvsec(&s, f, 3, &n), !=, 0);
        g_assert_cmpuint(n, ==, 4);
        g_assert_cmphex(find_dvsec(&s, f, 4, NULL), !=, 0);
        g_assert_cmphex(find_dvsec(&s, f, 7, NULL), !=, 0);
        g_assert_cmphex(cfgl(&s, f, find_dvsec(&s, f, 4, NULL) + 4) >> 20,
                        ==, 0x10);
        check_regloc(&s, f);

        check_cm_caps(&s, f, caps, ARRAY_SIZE(caps));
        g_assert_cmphex(cxl_qtest_cm_cap(s.qts, s.comp[f], 5), ==, 0);
    }
    /* the devices below: sn 1 behind port 3, sn 2 behind port 5 */
    for (int f = EP1; f <= EP2; f++) {
        uint16_t dsn = cxl_qtest_find_ext_cap(s.qts, fn_at[f].bus,
                                              fn_at[f].dev, 3);

        g_assert_cmphex(dsn, !=, 0);
        g_assert_cmphex(cfgl(&s, f, dsn + 4), ==, f - EP1 + 1);
    }
    sw_stop(&s);
}

/* ---- 3. CDAT ---- */

/*
 * The value Linux's cdat_sslbis_handler() takes from the SSLBIS at @p for
 * downstream port @port: the first entry whose downstream side is @port or
 * any port, normalized by cdat_normalize() (ps -> ns for latencies); 0 if
 * there is none or it is invalid.
 */
static uint64_t sslbis_value_for(const uint8_t *p, unsigned port)
{
    unsigned entries = (lduw_le_p(p + 2) - 16) / 8;
    uint64_t base = ldq_le_p(p + 8);

    for (unsigned i = 0; i < entries; i++) {
        const uint8_t *e = p + 16 + 8 * i;
        uint16_t x = lduw_le_p(e), y = lduw_le_p(e + 2), v = lduw_le_p(e + 4);
        uint16_t dsp = x;

        if (x == SSLBIS_US_PORT || (x == SSLBIS_ANY_PORT &&
                                    y != SSLBIS_US_PORT)) {
            dsp = y;
        }
        if (dsp != SSLBIS_ANY_PORT && dsp != port) {
            continue;
        }
        if (v == 0 || v == 0xffff || base > UINT32_MAX / v) {
            return 0;
        }
        return p[4] <= HMAT_WRITE_LATENCY ? DIV_ROUND_UP(v * base, 1000)
                                          : v * base;
    }
    return 0;
}

static void test_cdat(void)
{
    Sw s;
    g_autoptr(GByteArray) cdat = NULL;
    unsigned seen[6] = { 0 }, nr_sslbis = 0;

    sw_start(&s);
    /* the walk, lengths and checksum as cxl_cdat_read_table() */
    cdat = cxl_qtest_read_cdat(s.qts, fn_at[USP].bus, fn_at[USP].dev);

    for (unsigned off = 16; off < cdat->len;) {
        const uint8_t *p = cdat->data + off;
        uint16_t len = lduw_le_p(p + 2);
        bool us_any = false;

        g_assert_cmpuint(len, >=, 4);
        off += len;
        if (p[0] != 5) {
            continue;
        }
        nr_sslbis++;
        /* 16-byte header, then n >= 1 8-byte entries (Linux's check) */
        g_assert_cmpuint(len, >, 16);
        g_assert_cmpuint((len - 16) % 8, ==, 0);
        g_assert_cmpuint(p[4], <, ARRAY_SIZE(seen));
        seen[p[4]]++;
        for (unsigned e = 16; e < len; e += 8) {
            if (lduw_le_p(p + e) == SSLBIS_US_PORT &&
                lduw_le_p(p + e + 2) == SSLBIS_ANY_PORT) {
                uint16_t v = lduw_le_p(p + e + 4);

                g_assert_cmphex(v, !=, 0);
                g_assert_cmphex(v, !=, 0xffff);
                us_any = true;
            }
        }
        g_assert_true(us_any);
        /* what Linux sets for each of our downstream ports */
        g_assert_cmpuint(sslbis_value_for(p, 3), >, 0);
        g_assert_cmpuint(sslbis_value_for(p, 5), >, 0);
    }
    g_assert_cmpuint(nr_sslbis, ==, 4);
    g_assert_cmpuint(seen[HMAT_READ_LATENCY], ==, 1);
    g_assert_cmpuint(seen[HMAT_WRITE_LATENCY], ==, 1);
    g_assert_cmpuint(seen[HMAT_READ_BANDWIDTH], ==, 1);
    g_assert_cmpuint(seen[HMAT_WRITE_BANDWIDTH], ==, 1);
    sw_stop(&s);
}

/* ---- 4. CXL.mem routing through the switch ---- */


static uint64_t pattern(uint64_t off)
{
    return 0x5a5a000000000000ull ^ (off * 0x9e3779b97f4a7c15ull);
}

/* Write pattern(o) through the window at each of the @n offsets @offs */
static void write_interleaved(Sw *s, const uint64_t *offs, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        qtest_writeq(s->qts, s->window + offs[i], pattern(offs[i]));
    }
}

/*
 * pattern(o) reads back through the window at each of the @n offsets
 * @offs, and is where a 2-way 1 KiB interleave puts it: position
 * (o / 1 KiB) % 2 (EP1 then EP2), DPA (o / 2 KiB) * 1 KiB + o % 1 KiB.
 */
static void check_interleaved(Sw *s, const uint64_t *offs, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint64_t o = offs[i];
        unsigned pos = (o / KiB) % 2;
        uint64_t dpa = (o / (2 * KiB)) * KiB + o % KiB;

        g_test_message("offset 0x%" PRIx64 ": device %u, DPA 0x%" PRIx64,
                       o, pos, dpa);
        g_assert_cmphex(qtest_readq(s->qts, s->window + o), ==, pattern(o));
        g_assert_cmphex(cxl_qtest_file_read64(s->file[pos], dpa), ==,
                        pattern(o));
    }
}


static void test_routing(void)
{
    /* 0..4 KiB every 512 bytes, and the last 8 bytes of the interleave */
    static const uint64_t offs[] = {
        0, 512, 1024, 1536, 2048, 2560, 3072, 3584, 512 * MiB - 8,
    };
    Sw s;
    uint64_t usp_hdm;

    sw_start(&s);
    usp_hdm = cxl_qtest_cm_cap(s.qts, s.comp[USP], 5);
    g_assert_cmphex(usp_hdm, !=, 0);

    sw_enable_devices(&s);
    /* nothing routes while the USP has no committed decoder */
    g_assert_cmphex(qtest_readq(s.qts, s.window), ==, UINT64_MAX);

    /* the USP: position 0 is port 3, position 1 port 5 */
    g_assert_cmphex(sw_commit_2way(&s, usp_hdm, 3 | 5 << 8), ==,
                    HDM_CTRL_COMMITTED);
    g_assert_cmphex(qtest_readl(s.qts, cxl_qtest_hdm_dec(usp_hdm, 0,
                                                         HDM_DEC_TL_LO)),
                    ==, 3 | 5 << 8);

    write_interleaved(&s, offs, ARRAY_SIZE(offs));
    check_interleaved(&s, offs, ARRAY_SIZE(offs));

    /* USP decoder uncommitted: unclaimed, reads all ones, writes dropped */
    qtest_writel(s.qts, cxl_qtest_hdm_dec(usp_hdm, 0, HDM_DEC_CTRL), 0);
    g_assert_cmphex(qtest_readl(s.qts, cxl_qtest_hdm_dec(usp_hdm, 0,
                                                         HDM_DEC_CTRL)) &
                    HDM_CTRL_COMMITTED, ==, 0);
    for (unsigned i = 0; i < ARRAY_SIZE(offs); i++) {
        g_assert_cmphex(qtest_readq(s.qts, s.window + offs[i]), ==,
                        UINT64_MAX);
    }
    qtest_writeq(s.qts, s.window, 0);
    g_assert_cmphex(cxl_qtest_file_read64(s.file[0], 0), ==, pattern(0));
    sw_stop(&s);
}

/* ---- 5. command lines that must not start ---- */


static void test_bad_topologies(void)
{
    /* a DSP needs a USP's bus */
    expect_start_error("-device cxl-downstream,port=0,bus=rp0,id=ds0,"
                       "chassis=0,slot=4", "cxl-downstream");
    /* a USP needs a CXL root port or DSP above it */
    expect_start_error("-device cxl-upstream,bus=pcie.0,id=us0",
                       "cxl-upstream");
    /* the USP's decoders target DSPs by port number: no duplicates */
    expect_start_error("-device cxl-upstream,bus=rp0,id=us0 "
                       "-device cxl-downstream,port=3,bus=us0,id=ds3,"
                       "chassis=0,slot=4 "
                       "-device cxl-downstream,port=3,bus=us0,id=ds3b,"
                       "chassis=0,slot=5", "port 3");
}

/* ---- 6. a firmware-committed region through the switch ---- */

/* 512 MiB at the window's base, 1 KiB across t3a (below ds3) and t3b */
#define FW_REGION \
    "-machine cxl-region.0.window=0,cxl-region.0.size=512M," \
    "cxl-region.0.interleave-granularity=1k,cxl-region.0.targets.0=t3a," \
    "cxl-region.0.targets.1=t3b,cxl-region.0.locked=on"
#define FW_REGION_SIZE      (512 * MiB)

/* Control of a decoder firmware committed locked for Type 3 memory */
#define FW_CTRL_LOCKED      (HDM_CTRL_LOCK | HDM_CTRL_COMMIT | \
                             HDM_CTRL_COMMITTED | HDM_CTRL_HOSTONLY)

/* The decoders of the region: host bridge (f = -1), USP, EP1, EP2 */
static const struct {
    int f;
    const char *name;
    uint32_t ig_iw;         /* IG [3:0] and IW [7:4] of the control */
    uint32_t tl;            /* ports: target list; devices: DPA skip */
} fw_decs[] = {
    /* 1 way, 1 KiB (region granularity times the window's 1 way) */
    { -1,  "host bridge", 2 | 0 << 4, 0 },     /* root port 0 */
    /* 2 ways of 1 KiB: position 0 port 3, position 1 port 5 */
    { USP, "upstream port", 2 | 1 << 4, 3 | 5 << 8 },
    { EP1, "t3a", 2 | 1 << 4, 0 },
    { EP2, "t3b", 2 | 1 << 4, 0 },
};

/* HDM decoder capability of the host bridge (@f < 0) or of function @f */
static uint64_t fw_hdm(Sw *s, int f)
{
    uint64_t comp = f >= 0 ? s->comp[f] :
        cxl_qtest_mtree_addr(s->qts, "cxl-host-bridge-registers");
    uint64_t hdm = cxl_qtest_cm_cap(s->qts, comp, 5);

    g_assert_cmphex(hdm, !=, 0);
    return hdm;
}

/* HDM decoder 0 registers, in this order */
static const unsigned fw_regs[] = {
    HDM_DEC_BASE_LO, HDM_DEC_BASE_HI, HDM_DEC_SIZE_LO, HDM_DEC_SIZE_HI,
    HDM_DEC_CTRL, HDM_DEC_TL_LO, HDM_DEC_TL_HI,
};

/*
 * Decoder @idx of every component of the region (fw_decs) is committed
 * and locked at @base with @size; with @last, @idx + 1 is free.
 */
static void check_decoder_at(Sw *s, unsigned idx, uint64_t base,
                             uint64_t size, bool last)
{
    for (unsigned i = 0; i < ARRAY_SIZE(fw_decs); i++) {
        uint64_t hdm = fw_hdm(s, fw_decs[i].f);
        const uint32_t want[] = {
            (uint32_t)base, base >> 32, (uint32_t)size, size >> 32,
            fw_decs[i].ig_iw | FW_CTRL_LOCKED, fw_decs[i].tl, 0,
        };

        g_test_message("%s: decoder %u", fw_decs[i].name, idx);
        for (unsigned r = 0; r < ARRAY_SIZE(fw_regs); r++) {
            g_assert_cmphex(qtest_readl(s->qts,
                                        cxl_qtest_hdm_dec(hdm, idx,
                                                          fw_regs[r])),
                            ==, want[r]);
        }
        if (last) {
            g_assert_cmphex(qtest_readl(s->qts,
                                        cxl_qtest_hdm_dec(hdm, idx + 1,
                                                          HDM_DEC_CTRL)) &
                            (HDM_CTRL_COMMITTED | HDM_CTRL_ERR), ==, 0);
        }
    }
}

/*
 * Every decoder of the region is decoder 0 of its component, committed
 * and locked with the region's range; the next decoder is free. The
 * devices have HDM Decoder Enable and Mem_Enable.
 */
static void check_devices_enabled(Sw *s);

static void check_fw_decoders(Sw *s)
{
    check_decoder_at(s, 0, s->window, FW_REGION_SIZE, true);
    check_devices_enabled(s);
}

/* The devices have HDM Decoder Enable and Mem_Enable */
static void check_devices_enabled(Sw *s)
{
    for (int f = EP1; f <= EP2; f++) {
        uint16_t dvsec = find_dvsec(s, f, 0, NULL);

        g_assert_cmphex(qtest_readl(s->qts, fw_hdm(s, f) + 4) &
                        HDM_GLOBAL_ENABLE, ==, HDM_GLOBAL_ENABLE);
        g_assert_cmphex(dvsec, !=, 0);
        g_assert_cmphex(qtest_readw(s->qts, cfg(f, dvsec + DVSEC_CTRL)) &
                        DVSEC_MEM_ENABLE, ==, DVSEC_MEM_ENABLE);
    }
}

/*
 * Writes to decoder @idx (locked) of every component change nothing: new
 * values, uncommit, commit with other ways and granularity
 */
static void check_locked(Sw *s, unsigned idx)
{
    for (unsigned i = 0; i < ARRAY_SIZE(fw_decs); i++) {
        uint64_t hdm = fw_hdm(s, fw_decs[i].f);
        uint64_t ctrl = cxl_qtest_hdm_dec(hdm, idx, HDM_DEC_CTRL);
        uint32_t was[ARRAY_SIZE(fw_regs)];

        g_test_message("%s: decoder %u locked", fw_decs[i].name, idx);
        for (unsigned r = 0; r < ARRAY_SIZE(fw_regs); r++) {
            uint64_t at = cxl_qtest_hdm_dec(hdm, idx, fw_regs[r]);

            was[r] = qtest_readl(s->qts, at);
            if (fw_regs[r] != HDM_DEC_CTRL) {
                qtest_writel(s->qts, at, was[r] ^ 0xf0000000u);
            }
        }
        qtest_writel(s->qts, ctrl, was[4] & ~HDM_CTRL_COMMIT);
        qtest_writel(s->qts, ctrl, (was[4] & ~0xffu) | 0x3 | 2 << 4);
        for (unsigned r = 0; r < ARRAY_SIZE(fw_regs); r++) {
            g_assert_cmphex(qtest_readl(s->qts,
                                        cxl_qtest_hdm_dec(hdm, idx,
                                                          fw_regs[r])),
                            ==, was[r]);
        }
    }
}

/* 0..4 KiB every 512 bytes, and the last 8 bytes of the region */
static const uint64_t fw_offs[] = {
    0, 512, 1024, 1536, 2048, 2560, 3072, 3584, 4096, FW_REGION_SIZE - 8,
};

static void test_fw_region_decoders(void)
{
    static const uint64_t offs[] = { 0, 1024 };
    Sw s;

    sw_start_with(&s, FW_REGION);
    check_fw_decoders(&s);

    /* locked: reprogramming and uncommitting are ignored */
    check_locked(&s, 0);
    /* and the region still decodes */
    write_interleaved(&s, offs, ARRAY_SIZE(offs));
    check_interleaved(&s, offs, ARRAY_SIZE(offs));
    sw_stop(&s);
}

static void test_fw_region_data(void)
{
    Sw s;

    sw_start_with(&s, FW_REGION);
    write_interleaved(&s, fw_offs, ARRAY_SIZE(fw_offs));
    check_interleaved(&s, fw_offs, ARRAY_SIZE(fw_offs));
    sw_stop(&s);
}

static void test_fw_region_after_reset(void)
{
    Sw s;

    sw_start_with(&s, FW_REGION);
    write_interleaved(&s, fw_offs, ARRAY_SIZE(fw_offs));
    /* what the guest may turn off, the next reset's firmware turns on */
    for (int f = EP1; f <= EP2; f++) {
        uint16_t dvsec = find_dvsec(&s, f, 0, NULL);
        uint64_t at = cfg(f, dvsec + DVSEC_CTRL);

        qtest_writew(s.qts, at, qtest_readw(s.qts, at) & ~DVSEC_MEM_ENABLE);
        g_assert_cmphex(qtest_readw(s.qts, at) & DVSEC_MEM_ENABLE, ==, 0);
        qtest_writel(s.qts, fw_hdm(&s, f) + 4, 0);
        g_assert_cmphex(qtest_readl(s.qts, fw_hdm(&s, f) + 4) &
                        HDM_GLOBAL_ENABLE, ==, 0);
    }
    /* nothing decodes now */
    g_assert_cmphex(qtest_readq(s.qts, s.window), ==, UINT64_MAX);
    qtest_system_reset(s.qts);
    /* the reset undid the bus numbers and BARs */
    sw_platform_init(&s);
    check_fw_decoders(&s);
    check_interleaved(&s, fw_offs, ARRAY_SIZE(fw_offs));
    sw_stop(&s);
}

/* ---- 7. decoders committed with size 0 ---- */

/* Program decoder @idx of the capability at @hdm and commit it; the
 * commit status bits */
static uint32_t commit_dec(Sw *s, uint64_t hdm, unsigned idx, uint64_t base,
                           uint64_t size, uint32_t ig_iw, uint32_t tl)
{
    const struct {
        unsigned reg;
        uint32_t v;
    } w[] = {
        { HDM_DEC_BASE_HI, base >> 32 }, { HDM_DEC_BASE_LO, base },
        { HDM_DEC_SIZE_HI, size >> 32 }, { HDM_DEC_SIZE_LO, size },
        { HDM_DEC_TL_HI, 0 }, { HDM_DEC_TL_LO, tl },
        { HDM_DEC_CTRL, ig_iw | HDM_CTRL_COMMIT | HDM_CTRL_HOSTONLY },
    };

    for (unsigned i = 0; i < ARRAY_SIZE(w); i++) {
        qtest_writel(s->qts, cxl_qtest_hdm_dec(hdm, idx, w[i].reg), w[i].v);
    }
    return qtest_readl(s->qts, cxl_qtest_hdm_dec(hdm, idx, HDM_DEC_CTRL)) &
           (HDM_CTRL_COMMITTED | HDM_CTRL_ERR);
}

/* Reads of @n bytes every 64 MiB from @hpa: all ones, and writes drop */
static void check_decodes_nothing(Sw *s, uint64_t hpa, uint64_t n)
{
    for (uint64_t o = 0; o < n; o += 64 * MiB) {
        qtest_writeq(s->qts, hpa + o, 0x1234);
        g_assert_cmphex(qtest_readq(s->qts, hpa + o), ==, UINT64_MAX);
    }
}

/* Region 0 as FW_REGION, then one of size 0 after it on both devices */
#define FW_ZERO_AFTER \
    FW_REGION ",cxl-region.1.window=0,cxl-region.1.size=0," \
    "cxl-region.1.interleave-granularity=1k,cxl-region.1.targets.0=t3a,cxl-region.1.targets.1=t3b," \
    "cxl-region.1.locked=on"

static void test_fw_zero_size_after(void)
{
    uint64_t hb;
    Sw s;

    sw_start_with(&s, FW_ZERO_AFTER);
    /* the region at decoder 0, the empty decoder 1 at its end */
    check_decoder_at(&s, 0, s.window, FW_REGION_SIZE, false);
    check_devices_enabled(&s);
    check_decoder_at(&s, 1, s.window + FW_REGION_SIZE, 0, true);
    check_locked(&s, 1);
    check_decoder_at(&s, 1, s.window + FW_REGION_SIZE, 0, true);
    write_interleaved(&s, fw_offs, ARRAY_SIZE(fw_offs));
    check_interleaved(&s, fw_offs, ARRAY_SIZE(fw_offs));
    check_decodes_nothing(&s, s.window + FW_REGION_SIZE, 512 * MiB);

    /*
     * The host bridge's decoder 2 commits after it, at its base; not
     * below it (decoder 1's base is where decoder 2 may start)
     */
    hb = fw_hdm(&s, -1);
    g_assert_cmphex(commit_dec(&s, hb, 2, s.window + 256 * MiB, 256 * MiB,
                               2, 0), ==, HDM_CTRL_ERR);
    qtest_writel(s.qts, cxl_qtest_hdm_dec(hb, 2, HDM_DEC_CTRL), 0);
    g_assert_cmphex(commit_dec(&s, hb, 2, s.window + FW_REGION_SIZE,
                               256 * MiB, 2, 0), ==, HDM_CTRL_COMMITTED);

    /* the same after a reset */
    qtest_system_reset(s.qts);
    sw_platform_init(&s);
    check_decoder_at(&s, 0, s.window, FW_REGION_SIZE, false);
    check_decoder_at(&s, 1, s.window + FW_REGION_SIZE, 0, true);
    check_interleaved(&s, fw_offs, ARRAY_SIZE(fw_offs));
    sw_stop(&s);
}

/* Only a region of size 0 on both devices: decoder 0 of each component */
#define FW_ZERO_ONLY \
    "-machine cxl-region.0.window=0,cxl-region.0.size=0," \
    "cxl-region.0.interleave-granularity=1k,cxl-region.0.targets.0=t3a," \
    "cxl-region.0.targets.1=t3b,cxl-region.0.locked=on"

static void test_fw_zero_size_first(void)
{
    Sw s;

    sw_start_with(&s, FW_ZERO_ONLY);
    check_decoder_at(&s, 0, s.window, 0, true);
    check_locked(&s, 0);
    check_decoder_at(&s, 0, s.window, 0, true);
    /* the devices are enabled, and nothing decodes */
    check_devices_enabled(&s);
    check_decodes_nothing(&s, s.window, 1 * GiB);

    /*
     * The guest commits decoder 1 of every component at the same base:
     * the region of FW_REGION, from DPA 0 (the empty decoder takes none)
     */
    for (unsigned i = 0; i < ARRAY_SIZE(fw_decs); i++) {
        g_test_message("%s: decoder 1", fw_decs[i].name);
        g_assert_cmphex(commit_dec(&s, fw_hdm(&s, fw_decs[i].f), 1, s.window,
                                   FW_REGION_SIZE, fw_decs[i].ig_iw,
                                   fw_decs[i].tl), ==, HDM_CTRL_COMMITTED);
    }
    write_interleaved(&s, fw_offs, ARRAY_SIZE(fw_offs));
    check_interleaved(&s, fw_offs, ARRAY_SIZE(fw_offs));
    sw_stop(&s);
}

/*
 * Expect -machine cxl-region.0.window=0,@region (with a 4 GiB window 0 on
 * the host bridge) to be refused with @msg, with the switch topology and
 * its 256 MiB devices t3a (below port 3) and t3b (port 5) below rp0.
 */
static void expect_region_error(const char *region, const char *msg)
{
    g_autofree char *machine = g_strdup_printf(
        "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G,%s", region);

    expect_start_error_machine(machine,
        "-object memory-backend-ram,id=vmem1,size=256M "
        "-object memory-backend-ram,id=vmem2,size=256M "
        "-device cxl-upstream,bus=rp0,id=us0 "
        "-device cxl-downstream,port=3,bus=us0,id=ds3,chassis=0,slot=4 "
        "-device cxl-downstream,port=5,bus=us0,id=ds5,chassis=0,slot=5 "
        "-device cxl-type3,bus=ds3,volatile-memdev=vmem1,id=t3a "
        "-device cxl-type3,bus=ds5,volatile-memdev=vmem2,id=t3b", msg);
}

#define FW_BOTH "cxl-region.0.targets.0=t3a,cxl-region.0.targets.1=t3b"

static void test_fw_region_errors(void)
{
    g_autofree char *msgs = NULL;

    /* window 1 does not exist */
    expect_region_error("cxl-region.0.window=1,cxl-region.0.size=512M,"
                        FW_BOTH, "cxl-region.0.window");
    /* targets are cxl-type3 devices */
    expect_region_error("cxl-region.0.window=0,cxl-region.0.size=512M,"
                        "cxl-region.0.targets.0=us0,"
                        "cxl-region.0.targets.1=t3b",
                        "cxl-region.0.targets.0");
    /* 256 MiB per target */
    expect_region_error("cxl-region.0.window=0,cxl-region.0.size=256M,"
                        FW_BOTH, "cxl-region.0.size");
    expect_region_error("cxl-region.0.window=0,cxl-region.0.size=512M,"
                        "cxl-region.0.targets.0=t3a,"
                        "cxl-region.0.targets.1=t3a", "already target");
    expect_region_error("cxl-region.0.window=0,cxl-region.0.size=512M,"
                        "cxl-region.0.type=bogus," FW_BOTH,
                        "cxl-region.0.type");
    expect_region_error("cxl-region.0.window=0,cxl-region.0.size=512M,"
                        "cxl-region.0.interleave-granularity=3000," FW_BOTH,
                        "cxl-region.0.interleave-granularity");
    /* 8 GiB in the 4 GiB window */
    expect_region_error("cxl-region.0.window=0,cxl-region.0.size=8G,"
                        FW_BOTH, "do not fit");
    /* 512 MiB from each 256 MiB device */
    expect_region_error("cxl-region.0.window=0,cxl-region.0.size=1G,"
                        FW_BOTH, "not enough");

    /* no CXL at all */
    msgs = cxl_qtest_start_error("-machine q35,cxl-region.0.window=0,"
                                 "cxl-region.0.size=256M,"
                                 "cxl-region.0.targets.0=t3a");
    g_assert_nonnull(strstr(msgs, "cxl-region"));
    g_assert_nonnull(strstr(msgs, "cxl=on"));
}

/*
 * hdm-db=on on the device below downstream port 5: the ports on its path
 * take their BI capabilities (registers in cxl-qtest.h): the upstream
 * port the BI Route Table, port 5 and the root port the BI Decoder;
 * port 3, whose device has no hdm-db, neither.
 */
static void test_bi(void)
{
    Sw s;
    uint64_t rt;

    sw_start_opts(&s, ",hdm-db=on,x-256b-flit=on", "");
    g_assert_cmphex(cxl_qtest_cm_cap(s.qts, s.comp[RP], CM_CAP_ID_BI_DEC),
                    !=, 0);
    g_assert_cmphex(cxl_qtest_cm_cap(s.qts, s.comp[DSP5], CM_CAP_ID_BI_DEC),
                    !=, 0);
    g_assert_cmphex(cxl_qtest_cm_cap(s.qts, s.comp[DSP3], CM_CAP_ID_BI_DEC),
                    ==, 0);
    g_assert_cmphex(cxl_qtest_cm_cap(s.qts, s.comp[USP], CM_CAP_ID_BI_DEC),
                    ==, 0);
    rt = cxl_qtest_cm_cap(s.qts, s.comp[USP], CM_CAP_ID_BI_RT);
    g_assert_cmphex(rt, !=, 0);
    g_assert_cmphex(cxl_qtest_cm_cap(s.qts, s.comp[DSP5], CM_CAP_ID_BI_RT),
                    ==, 0);

    /* BI Route Table: explicit commit, Committed follows Commit */
    g_assert_cmphex(qtest_readl(s.qts, rt + BI_CAP), ==, 1);
    g_assert_cmphex(qtest_readl(s.qts, rt + BI_STATUS), ==, BI_TIMEOUT_2S);
    qtest_writel(s.qts, rt + BI_CTRL, 0xffffffff);
    g_assert_cmphex(qtest_readl(s.qts, rt + BI_CTRL), ==, BI_RT_COMMIT);
    g_assert_cmphex(qtest_readl(s.qts, rt + BI_STATUS) &
                    (BI_COMMITTED | BI_ERR_NOT_COMMITTED), ==, BI_COMMITTED);
    qtest_writel(s.qts, rt + BI_CTRL, 0);
    g_assert_cmphex(qtest_readl(s.qts, rt + BI_STATUS) & BI_COMMITTED, ==, 0);
    qtest_writel(s.qts, rt + BI_CTRL, BI_RT_COMMIT);
    /* reset uncommits */
    qtest_system_reset(s.qts);
    sw_platform_init(&s);
    g_assert_cmphex(cxl_qtest_cm_cap(s.qts, s.comp[USP], CM_CAP_ID_BI_RT),
                    ==, rt);
    g_assert_cmphex(qtest_readl(s.qts, rt + BI_STATUS) & BI_COMMITTED, ==, 0);
    sw_stop(&s);

    /* no hdm-db anywhere: no BI capability anywhere */
    sw_start(&s);
    for (int f = RP; f <= DSP5; f++) {
        g_assert_cmphex(cxl_qtest_cm_cap(s.qts, s.comp[f], CM_CAP_ID_BI_DEC),
                        ==, 0);
        g_assert_cmphex(cxl_qtest_cm_cap(s.qts, s.comp[f], CM_CAP_ID_BI_RT),
                        ==, 0);
    }
    sw_stop(&s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cxl/switch/upstream-port", test_usp);
    qtest_add_func("/cxl/switch/downstream-ports", test_dsp);
    qtest_add_func("/cxl/switch/links", test_links);
    qtest_add_func("/cxl/switch/cdat", test_cdat);
    qtest_add_func("/cxl/switch/routing", test_routing);
    qtest_add_func("/cxl/switch/back-invalidate", test_bi);
    qtest_add_func("/cxl/switch/bad-topologies", test_bad_topologies);
    qtest_add_func("/cxl/switch/fw-region-decoders", test_fw_region_decoders);
    qtest_add_func("/cxl/switch/fw-region-data", test_fw_region_data);
    qtest_add_func("/cxl/switch/fw-region-after-reset",
                   test_fw_region_after_reset);
    qtest_add_func("/cxl/switch/fw-region-errors", test_fw_region_errors);
    qtest_add_func("/cxl/switch/fw-zero-size-after", test_fw_zero_size_after);
    qtest_add_func("/cxl/switch/fw-zero-size-first", test_fw_zero_size_first);
    return g_test_run();
}
