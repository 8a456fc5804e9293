/*
 * qtest: CXL root port (cxl-rp) configuration space and registers,
 * without a guest: the DVSECs Linux looks for (vendor 0x1e98: port
 * extensions 3, GPF for ports 4, flex bus port 7, register locator 8), the
 * register locator pointing at the component registers in BAR 0, and
 * those registers (RAS and link, no HDM decoders on a root port); the
 * PCIe link properties (x-speed, x-width, x-256b-flit) in the PCIe
 * capability, and the resource reservation capability (bus-reserve,
 * io-reserve, mem-reserve, pref32-reserve, pref64-reserve).
 *
 * Extended configuration space is reached through q35's ECAM, which the
 * test enables itself (no firmware runs under qtest): MCH PCIEXBAR
 * (config 0x60) = base | enable.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "libqtest.h"
#include "qobject/qdict.h"
#include "cxl-qtest.h"

#define BAR_ADDR        (cxl_qtest_platform.mmio)
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

/* PCIe capability registers (include/uapi/linux/pci_regs.h) */
#define EXP_FLAGS       0x02
#define   EXP_FLAGS_FLIT    0x8000
#define EXP_LNKCAP      0x0c
#define EXP_LNKSTA      0x12
#define EXP_LNKCAP2     0x2c
#define EXP_LNKSTA2     0x32
#define   EXP_LNKSTA2_FLIT  0x0400

static QTestState *rp_start(const char *props)
{
    g_autofree char *args = g_strdup_printf(
        "-machine q35,cxl=on "
        "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 "
        "-device cxl-rp,port=3,bus=cxl.1,id=rp0,chassis=0,slot=2%s", props);
    QTestState *qts = cxl_qtest_start(args);

    cxl_qtest_enable_ecam(qts);
    return qts;
}

/*
 * x-speed (Link Capabilities [3:0]: 1 = 2.5 ... 6 = 64 GT/s, and the
 * supported speeds vector of Link Capabilities 2 [7:1]), x-width (Link
 * Capabilities [9:4]); with no device below, Link Status reports the
 * capabilities (QEMU's pcie_sync_bridge_lnk()); x-256b-flit: Flit Mode
 * Supported, and no Flit Mode Status without a device at the other end.
 */
static void check_rp_link(const char *props, unsigned speed, unsigned width,
                          bool flit)
{
    QTestState *qts = rp_start(props);
    uint8_t pcie = cxl_qtest_find_cap(qts, RP_BUS, 0, 0x10);
    uint32_t lnkcap = qtest_readl(qts, rp_cfg(pcie + EXP_LNKCAP));
    uint16_t lnksta = qtest_readw(qts, rp_cfg(pcie + EXP_LNKSTA));

    g_assert_cmphex(lnkcap & 0xf, ==, speed);
    g_assert_cmphex((lnkcap >> 4) & 0x3f, ==, width);
    g_assert_cmphex(lnkcap >> 24, ==, 3);               /* port number */
    g_assert_cmphex(lnksta & 0xf, ==, speed);
    g_assert_cmphex((lnksta >> 4) & 0x3f, ==, width);
    g_assert_cmphex(qtest_readl(qts, rp_cfg(pcie + EXP_LNKCAP2)), ==,
                    speed > 2 ? (1u << (speed + 1)) - 2 : 0);
    g_assert_cmphex(qtest_readw(qts, rp_cfg(pcie + EXP_FLAGS)) &
                    EXP_FLAGS_FLIT, ==, flit ? EXP_FLAGS_FLIT : 0);
    g_assert_cmphex(qtest_readw(qts, rp_cfg(pcie + EXP_LNKSTA2)) &
                    EXP_LNKSTA2_FLIT, ==, 0);
    qtest_quit(qts);
}

/*
 * A guest ejects a device by powering its slot off (Slot Control: Power
 * Indicator off, Power Controller off), which QEMU takes as the unplug:
 * what is below the root port (@devices: "t3" among them) goes away, the
 * memory backends (@backends, checked by id) stay, and QEMU lives on.
 * Regressions: pcie_doe_fini() freed the DOECap embedded in the device's
 * state, and glibc aborted QEMU (free(): invalid pointer); a backend set
 * through "memdev" (or an MLD's, shared by its LD views) lost one
 * reference too many when its device was finalized, and QEMU aborted in
 * object_finalize() (a fuzzer input that powered off a switch's slot).
 */
static void slot_power_off(const char *machine, const char *devices,
                           bool window)
{
    static const char *const backends[] = { "vmem0", "pmem0", "dc0" };
    g_autofree char *args = g_strdup_printf(
        "-machine q35,cxl=on%s "
        "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 "
        "-device cxl-rp,port=3,bus=cxl.1,id=rp0,chassis=0,slot=2 "
        "-object memory-backend-ram,id=vmem0,size=512M "
        "-object memory-backend-ram,id=pmem0,size=256M "
        "-object memory-backend-ram,id=dc0,size=512M %s", machine, devices);
    QTestState *qts = cxl_qtest_start(args);
    uint8_t pcie;
    QDict *rsp;

    cxl_qtest_enable_ecam(qts);
    pcie = cxl_qtest_find_cap(qts, RP_BUS, 0, 0x10);

    g_assert_cmphex(qtest_readw(qts, rp_cfg(pcie + 0x1a)) & 0x40, ==, 0x40);
    rsp = qtest_qmp(qts, "{'execute': 'qom-get', 'arguments': {"
                    "'path': '/machine/peripheral/t3', 'property': 'type'}}");
    g_assert(qdict_haskey(rsp, "return"));
    qobject_unref(rsp);

    /* Slot Control (+0x18): Power Indicator off (3 << 8), Power off */
    qtest_writew(qts, rp_cfg(pcie + 0x18), 0x0700);

    rsp = qtest_qmp(qts, "{'execute': 'qom-get', 'arguments': {"
                    "'path': '/machine/peripheral/t3', 'property': 'type'}}");
    g_assert(qdict_haskey(rsp, "error"));
    qobject_unref(rsp);
    /* the port is still there and answers */
    g_assert_cmphex(qtest_readw(qts, rp_cfg(0x0a)), ==, 0x0604);
    /* the window has nothing behind it now; memory maps are rebuilt */
    if (window) {
        qtest_readq(qts, cxl_qtest_window(qts, 0));
    }
    /* old flat views go (RCU) and drop what they held */
    qtest_clock_step(qts, 1000000);
    g_usleep(100 * 1000);
    for (unsigned i = 0; i < ARRAY_SIZE(backends); i++) {
        g_autofree char *path = g_strdup_printf("/objects/%s", backends[i]);

        rsp = qtest_qmp(qts, "{'execute': 'qom-get', 'arguments': {"
                        "'path': %s, 'property': 'size'}}", path);
        g_assert(qdict_haskey(rsp, "return"));
        qobject_unref(rsp);
    }
    qtest_quit(qts);
}

static void test_slot_power_off(void)
{
    slot_power_off("", "-device cxl-type3,bus=rp0,volatile-memdev=vmem0,"
                   "persistent-memdev=pmem0,id=t3", false);
}

/* A dynamic capacity device */
static void test_slot_power_off_dc(void)
{
    slot_power_off("", "-device cxl-type3,bus=rp0,volatile-memdev=vmem0,id=t3,"
                   "volatile-dc-memdev=dc0,num-dc-regions=2", false);
}

/* A persistent device whose backend is set by the old name, memdev */
static void test_slot_power_off_memdev(void)
{
    slot_power_off("", "-device cxl-type3,bus=rp0,memdev=pmem0,id=t3", false);
}

/* A switch with an MLD and one of its LD views (sharing its backend) */
static void test_slot_power_off_mld(void)
{
    slot_power_off("",
                   "-device cxl-upstream,bus=rp0,id=us0 "
                   "-device cxl-downstream,port=0,bus=us0,id=ds0,chassis=0,"
                   "slot=4 "
                   "-device cxl-downstream,port=1,bus=us0,id=ds1,chassis=0,"
                   "slot=5 "
                   "-device cxl-type3,bus=ds0,volatile-memdev=vmem0,id=mld0,"
                   "sn=1,num-lds=2 "
                   "-device cxl-type3-ld,bus=ds1,mld=mld0,ld-id=1,id=t3,sn=2",
                   false);
}

/* The same with the device's memory mapped: a region firmware committed */
static void test_slot_power_off_mapped(void)
{
    slot_power_off(",cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G,"
                   "cxl-region.0.window=0,cxl-region.0.size=256M,"
                   "cxl-region.0.targets.0=t3",
                   "-device cxl-type3,bus=rp0,volatile-memdev=vmem0,id=t3",
                   true);
}

static void test_link(void)
{
    /* upstream 11.1's defaults: 64 GT/s, x32, 256-byte flit */
    check_rp_link("", 6, 32, true);
    check_rp_link(",x-speed=8,x-width=4,x-256b-flit=off", 3, 4, false);
    check_rp_link(",x-speed=2_5,x-width=1", 1, 1, true);
    check_rp_link(",x-speed=32,x-width=16", 5, 16, true);
}

/*
 * QEMU's resource reservation capability (vendor-specific, Red Hat type 1;
 * hw/pci/pci_bridge.h PCIBridgeQemuCap): length 0x20; bus reserve (+4,
 * 32 bits), I/O (+8, 64), memory (+0x10, 32), prefetchable 32-bit (+0x14,
 * 32) and 64-bit (+0x18, 64); -1 for those not set. Only present when one
 * is set; the other capabilities stay where they were.
 */
static void test_reserve(void)
{
    QTestState *qts = rp_start("");
    uint8_t msi = cxl_qtest_find_cap(qts, RP_BUS, 0, 0x05);
    uint8_t pcie = cxl_qtest_find_cap(qts, RP_BUS, 0, 0x10);
    uint8_t vndr;

    g_assert_cmphex(cxl_qtest_find_cap(qts, RP_BUS, 0, 0x09), ==, 0);
    qtest_quit(qts);

    qts = rp_start(",bus-reserve=4,io-reserve=0,mem-reserve=2M,"
                   "pref64-reserve=1G");
    g_assert_cmphex(cxl_qtest_find_cap(qts, RP_BUS, 0, 0x05), ==, msi);
    g_assert_cmphex(cxl_qtest_find_cap(qts, RP_BUS, 0, 0x10), ==, pcie);
    vndr = cxl_qtest_find_cap(qts, RP_BUS, 0, 0x09);
    g_assert_cmphex(vndr, !=, 0);
    g_assert_cmphex(qtest_readb(qts, rp_cfg(vndr + 2)), ==, 0x20);
    g_assert_cmphex(qtest_readb(qts, rp_cfg(vndr + 3)), ==, 1);
    g_assert_cmphex(qtest_readl(qts, rp_cfg(vndr + 4)), ==, 4);
    g_assert_cmphex(qtest_readq(qts, rp_cfg(vndr + 8)), ==, 0);
    g_assert_cmphex(qtest_readl(qts, rp_cfg(vndr + 0x10)), ==, 2 * MiB);
    g_assert_cmphex(qtest_readl(qts, rp_cfg(vndr + 0x14)), ==, UINT32_MAX);
    g_assert_cmphex(qtest_readq(qts, rp_cfg(vndr + 0x18)), ==, 1 * GiB);
    /* read-only */
    qtest_writel(qts, rp_cfg(vndr + 4), 9);
    g_assert_cmphex(qtest_readl(qts, rp_cfg(vndr + 4)), ==, 4);
    /* the I/O window stays absent (base and limit read as zero) */
    qtest_writew(qts, rp_cfg(0x1c), 0xf0f0);
    g_assert_cmphex(qtest_readw(qts, rp_cfg(0x1c)), ==, 0);
    qtest_quit(qts);

    /* pref32 only; unset fields read -1 */
    qts = rp_start(",pref32-reserve=64M");
    vndr = cxl_qtest_find_cap(qts, RP_BUS, 0, 0x09);
    g_assert_cmphex(vndr, !=, 0);
    g_assert_cmphex(qtest_readl(qts, rp_cfg(vndr + 4)), ==, UINT32_MAX);
    g_assert_cmphex(qtest_readq(qts, rp_cfg(vndr + 8)), ==, UINT64_MAX);
    g_assert_cmphex(qtest_readl(qts, rp_cfg(vndr + 0x10)), ==, UINT32_MAX);
    g_assert_cmphex(qtest_readl(qts, rp_cfg(vndr + 0x14)), ==, 64 * MiB);
    g_assert_cmphex(qtest_readq(qts, rp_cfg(vndr + 0x18)), ==, UINT64_MAX);
    qtest_quit(qts);
}

/*
 * RAS error injection on a root port (QMP, as on a device): the error is
 * recorded in the RAS capability of its component registers and
 * signalled as an internal error in its own AER capability (uncorrectable
 * status bit 22, correctable status bit 14)
 */
static void test_ras_injection(void)
{
    QTestState *qts = rp_start("");
    uint16_t aer = cxl_qtest_find_ext_cap(qts, RP_BUS, 0, 0x0001);
    uint64_t ras;
    QDict *r;

    qtest_writel(qts, rp_cfg(0x10), (uint32_t)BAR_ADDR);
    qtest_writel(qts, rp_cfg(0x14), BAR_ADDR >> 32);
    qtest_writew(qts, rp_cfg(0x04), 0x2);
    ras = cxl_qtest_cm_cap(qts, BAR_ADDR, 2);
    g_assert_cmphex(ras, !=, 0);
    g_assert_cmphex(aer, !=, 0);
    g_assert_cmphex(qtest_readl(qts, rp_cfg(aer + 4)), ==, 0);

    qtest_qmp_assert_success(qts,
        "{'execute': 'cxl-inject-uncorrectable-errors', 'arguments': {"
        " 'path': 'rp0', 'errors': [ { 'type': 'mem-data-parity',"
        " 'header': [ 7, 8 ] } ] } }");
    g_assert_cmphex(qtest_readl(qts, ras + 0x00), ==, 1u << 4);
    g_assert_cmphex(qtest_readl(qts, ras + 0x14) & 0x3f, ==, 4);
    g_assert_cmphex(qtest_readl(qts, ras + 0x18), ==, 7);
    g_assert_cmphex(qtest_readl(qts, rp_cfg(aer + 4)) & (1u << 22), ==,
                    1u << 22);

    qtest_qmp_assert_success(qts,
        "{'execute': 'cxl-inject-correctable-error',"
        " 'arguments': { 'path': 'rp0', 'type': 'retry-threshold' } }");
    g_assert_cmphex(qtest_readl(qts, ras + 0x0c), ==, 1u << 3);
    g_assert_cmphex(qtest_readl(qts, rp_cfg(aer + 0x10)) & (1u << 14), ==,
                    1u << 14);

    /* a masked error is not recorded, and not signalled */
    qtest_writel(qts, rp_cfg(aer + 0x10), 1u << 14);
    qtest_writel(qts, ras + 0x10, 1u << 0);
    qtest_qmp_assert_success(qts,
        "{'execute': 'cxl-inject-correctable-error',"
        " 'arguments': { 'path': 'rp0', 'type': 'cache-data-ecc' } }");
    g_assert_cmphex(qtest_readl(qts, ras + 0x0c), ==, 1u << 3);
    g_assert_cmphex(qtest_readl(qts, rp_cfg(aer + 0x10)) & (1u << 14), ==, 0);

    /* not a CXL device or port (a host bridge): refused, naming path */
    r = qtest_qmp(qts, "{'execute': 'cxl-inject-correctable-error',"
                  " 'arguments': { 'path': 'cxl.1', 'type': 'physical' } }");
    g_assert_nonnull(strstr(qdict_get_str(qdict_get_qdict(r, "error"),
                                          "desc"),
                            "path: 'cxl.1' is a pxb-cxl, not a CXL device or "
                            "port"));
    qobject_unref(r);
    qtest_quit(qts);
}

/*
 * A root port with an hdm-db=on device below: the BI Decoder capability
 * (registers in cxl-qtest.h), BI Forward and explicit commit; without
 * one, no BI Decoder.
 */
static uint64_t rp_bi_start(QTestState **qts, const char *t3_opts)
{
    g_autofree char *args = g_strdup_printf(
        "-machine q35,cxl=on "
        "-object memory-backend-ram,id=m0,size=256M "
        "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 "
        "-device cxl-rp,port=3,bus=cxl.1,id=rp0,chassis=0,slot=2 "
        "-device cxl-type3,bus=rp0,volatile-memdev=m0%s", t3_opts);

    *qts = cxl_qtest_start(args);
    cxl_qtest_enable_ecam(*qts);
    qtest_writel(*qts, rp_cfg(0x10), (uint32_t)BAR_ADDR);
    qtest_writel(*qts, rp_cfg(0x14), BAR_ADDR >> 32);
    qtest_writew(*qts, rp_cfg(0x04), 0x2);        /* memory space */
    return cxl_qtest_cm_cap(*qts, BAR_ADDR, CM_CAP_ID_BI_DEC);
}

static void test_bi_decoder(void)
{
    QTestState *qts;
    uint64_t bi = rp_bi_start(&qts, ",x-256b-flit=on");

    /* nothing below does Back-Invalidate: the array is RAS and link */
    g_assert_cmphex(bi, ==, 0);
    g_assert_cmpuint(qtest_readl(qts, BAR_ADDR + CXL_QTEST_CM) >> 24, ==, 2);
    qtest_quit(qts);

    bi = rp_bi_start(&qts, ",x-256b-flit=on,hdm-db=on");
    g_assert_cmphex(bi, !=, 0);
    g_assert_cmpuint(qtest_readl(qts, BAR_ADDR + CXL_QTEST_CM) >> 24, ==, 3);
    g_assert_cmphex(qtest_readl(qts, bi + BI_CAP), ==, 1u << 1);
    g_assert_cmphex(qtest_readl(qts, bi + BI_STATUS), ==, BI_TIMEOUT_2S);
    /* BI Forward is a port's; BI Enable (a device's) reads 0 here */
    qtest_writel(qts, bi + BI_CTRL, BI_FORWARD | BI_ENABLE);
    g_assert_cmphex(qtest_readl(qts, bi + BI_CTRL), ==, BI_FORWARD);
    qtest_writel(qts, bi + BI_CTRL, BI_FORWARD | BI_COMMIT);
    g_assert_cmphex(qtest_readl(qts, bi + BI_STATUS) &
                    (BI_COMMITTED | BI_ERR_NOT_COMMITTED), ==, BI_COMMITTED);
    /* frozen while committed */
    qtest_writel(qts, bi + BI_CTRL, BI_COMMIT);
    g_assert_cmphex(qtest_readl(qts, bi + BI_CTRL), ==,
                    BI_FORWARD | BI_COMMIT);
    /* reset: the capability stays, uncommitted and clear */
    qtest_system_reset(qts);
    cxl_qtest_enable_ecam(qts);
    qtest_writel(qts, rp_cfg(0x10), (uint32_t)BAR_ADDR);
    qtest_writel(qts, rp_cfg(0x14), BAR_ADDR >> 32);
    qtest_writew(qts, rp_cfg(0x04), 0x2);
    g_assert_cmphex(cxl_qtest_cm_cap(qts, BAR_ADDR, CM_CAP_ID_BI_DEC), ==, bi);
    g_assert_cmphex(qtest_readl(qts, bi + BI_CTRL), ==, 0);
    g_assert_cmphex(qtest_readl(qts, bi + BI_STATUS) & BI_COMMITTED, ==, 0);
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cxl/root-port/dvsecs-and-registers", test_dvsecs_and_registers);
    qtest_add_func("/cxl/root-port/link", test_link);
    qtest_add_func("/cxl/root-port/resource-reserve", test_reserve);
    qtest_add_func("/cxl/root-port/ras-injection", test_ras_injection);
    qtest_add_func("/cxl/root-port/bi-decoder", test_bi_decoder);
    qtest_add_func("/cxl/root-port/slot-power-off", test_slot_power_off);
    qtest_add_func("/cxl/root-port/slot-power-off-dc", test_slot_power_off_dc);
    qtest_add_func("/cxl/root-port/slot-power-off-mapped",
                   test_slot_power_off_mapped);
    qtest_add_func("/cxl/root-port/slot-power-off-memdev",
                   test_slot_power_off_memdev);
    qtest_add_func("/cxl/root-port/slot-power-off-mld",
                   test_slot_power_off_mld);
    return g_test_run();
}
