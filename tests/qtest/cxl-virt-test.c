/*
 * QTest: CXL on the arm virt machine (qemu-system-aarch64): where the CXL
 * host registers and fixed memory windows sit in virt's memory map, that
 * the map without CXL is the one upstream QEMU has, the CEDT that the
 * firmware reads from fw_cfg, and the limits of the machine (16 host
 * bridges, windows that must fit in the physical address space).
 *
 * The other CXL qtests run on virt as well (cxl-qtest.h, CXLQtestPlatform):
 * this one checks what is particular to virt.
 *
 * virt's memory map (hw/arm/virt.c) with the default RAM: the high region
 * starts at 256 GiB with the second GIC redistributor region (64 MiB); the
 * CXL host registers (16 x 64 KiB) follow it; then the high PCIe ECAM at
 * 256 MiB alignment and the high PCIe MMIO window (512 GiB, ending at
 * 1 TiB); the CXL windows start at the first 256 MiB boundary after that.
 * CEDT layout: CXL r3.1 9.18 (Linux include/acpi/actbl1.h:
 * acpi_cedt_chbs, acpi_cedt_cfmws).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/bswap.h"
#include "libqtest.h"
#include "cxl-qtest.h"

#define HIGH_ECAM           0x4010000000ull
#define HIGH_MMIO           0x8000000000ull
#define CXL_HOST_REGS       0x4004000000ull
#define CXL_WINDOWS         0x10000000000ull

#define VIRT_ARGS           "-machine virt,gic-version=3"

/* Without cxl=on the map is upstream's, compact layout or not */
static void test_map_cxl_off(void)
{
    static const char *const machines[] = { "virt", "virt-7.1" };

    for (unsigned i = 0; i < ARRAY_SIZE(machines); i++) {
        g_autofree char *args = g_strdup_printf(
            "-machine %s,gic-version=3 -cpu max", machines[i]);
        QTestState *qts = cxl_qtest_start(args);

        g_assert_cmphex(cxl_qtest_mtree_find(qts, "pcie-ecam"), ==, HIGH_ECAM);
        g_assert_cmphex(cxl_qtest_mtree_find(qts, "pcie-mmio-high"), ==, HIGH_MMIO);
        g_assert_cmphex(cxl_qtest_mtree_find(qts, "cxl-host-registers"), ==, 0);
        qtest_quit(qts);
    }
}

/* With cxl=on: registers after the redistributors, windows after MMIO */
static void test_map_cxl_on(void)
{
    QTestState *qts = cxl_qtest_start(
        VIRT_ARGS ",cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G,"
        "cxl-fmw.1.targets.0=cxl.1,cxl-fmw.1.size=1G "
        "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 "
        "-device cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2");

    g_assert_cmphex(cxl_qtest_mtree_find(qts, "pcie-ecam"), ==, HIGH_ECAM);
    g_assert_cmphex(cxl_qtest_mtree_find(qts, "pcie-mmio-high"), ==, HIGH_MMIO);
    g_assert_cmphex(cxl_qtest_mtree_find(qts, "cxl-host-registers"), ==, CXL_HOST_REGS);
    g_assert_cmphex(cxl_qtest_window(qts, 0), ==, CXL_WINDOWS);
    g_assert_cmphex(cxl_qtest_window(qts, 1), ==, CXL_WINDOWS + 4 * GiB);
    /* the host bridge's CHBCR: CXL capability header (ID 1, version 1) */
    g_assert_cmphex(qtest_readl(qts, CXL_HOST_REGS + CXL_QTEST_CM) & 0xffff,
                    ==, 0x0001);
    qtest_quit(qts);
}

/* The CEDT in the ACPI tables the firmware loads from fw_cfg */
static void test_cedt(void)
{
    QTestState *qts = cxl_qtest_start(
        VIRT_ARGS ",cxl=on,cxl-fmw.0.targets.0=cxl.1,"
        "cxl-fmw.0.targets.1=cxl.2,cxl-fmw.0.size=8G,"
        "cxl-fmw.0.interleave-granularity=8k "
        "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 "
        "-device pxb-cxl,bus_nr=64,bus=pcie.0,id=cxl.2");
    size_t size;
    g_autofree uint8_t *t = cxl_qtest_fw_cfg_file(qts, "etc/acpi/tables",
                                                  &size);
    uint8_t *cedt = NULL, *p, *end;
    unsigned chbs = 0, cfmws = 0;

    for (size_t off = 0; off + 36 <= size; off++) {
        if (!memcmp(t + off, "CEDT", 4)) {
            cedt = t + off;
            break;
        }
    }
    g_assert_nonnull(cedt);
    g_assert_cmpuint(ldl_le_p(cedt + 4), <=, size - (cedt - t));
    /* (the checksum is the firmware's: a linker-loader command) */

    end = cedt + ldl_le_p(cedt + 4);
    for (p = cedt + 36; p < end; p += lduw_le_p(p + 2)) {
        g_assert_cmpuint(lduw_le_p(p + 2), >=, 8);
        switch (p[0]) {
        case 0:         /* CHBS: UID, CXL 2.0, CHBCR base and length */
            g_assert_cmpuint(ldl_le_p(p + 4), ==, chbs ? 64 : 12);
            g_assert_cmpuint(ldl_le_p(p + 8), ==, 1);
            g_assert_cmphex(ldq_le_p(p + 16), ==,
                            CXL_HOST_REGS + chbs * 64 * KiB);
            g_assert_cmphex(ldq_le_p(p + 24), ==, 64 * KiB);
            chbs++;
            break;
        case 1:         /* CFMWS: base, size, 2 ways (ENIW 1), 8k (HBIG 5) */
            g_assert_cmphex(ldq_le_p(p + 8), ==, CXL_WINDOWS);
            g_assert_cmphex(ldq_le_p(p + 16), ==, 8 * GiB);
            g_assert_cmpuint(p[24], ==, 1);
            g_assert_cmpuint(ldl_le_p(p + 28), ==, 5);
            g_assert_cmpuint(ldl_le_p(p + 36), ==, 12);
            g_assert_cmpuint(ldl_le_p(p + 40), ==, 64);
            cfmws++;
            break;
        }
    }
    g_assert_cmpuint(chbs, ==, 2);
    g_assert_cmpuint(cfmws, ==, 1);
    qtest_quit(qts);
}

/* virt has room for 16 host bridges' registers */
static void test_host_bridge_limit(void)
{
    g_autoptr(GString) args = g_string_new(VIRT_ARGS ",cxl=on -cpu max");
    g_autofree char *msgs = NULL;
    QTestState *qts;

    for (unsigned i = 0; i < 16; i++) {
        g_string_append_printf(args, " -device pxb-cxl,bus_nr=%u,bus=pcie.0,"
                               "id=cxl.%u", 8 + 8 * i, i);
    }
    qts = cxl_qtest_start(args->str);
    qtest_quit(qts);

    g_string_append(args, " -device pxb-cxl,bus_nr=200,bus=pcie.0,id=cxl.16");
    msgs = cxl_qtest_start_error(args->str);
    g_assert_nonnull(strstr(msgs, "pxb-cxl: at most 16 CXL host bridges are "
                            "supported on this machine"));
}

/* Windows that do not fit in the physical address space are refused */
static void test_windows_must_fit(void)
{
    g_autofree char *highmem = cxl_qtest_start_error(
        VIRT_ARGS ",cxl=on,highmem=off");
    g_autofree char *big = cxl_qtest_start_error(
        VIRT_ARGS ",cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=8192T "
        "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1");

    g_assert_nonnull(strstr(highmem, "cxl=on: the CXL host registers do not "
                            "fit in the 32-bit physical address space "
                            "(highmem=off)"));
    g_assert_nonnull(strstr(big, "cxl-fmw: the CXL fixed memory windows "
                            "(0x10000000000-0x2000ffffffffff) do not fit"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (strcmp(qtest_get_arch(), "aarch64")) {
        g_test_skip("arm virt only (qemu-system-aarch64)");
        return g_test_run();
    }
    qtest_add_func("/cxl/virt/map-cxl-off", test_map_cxl_off);
    qtest_add_func("/cxl/virt/map-cxl-on", test_map_cxl_on);
    qtest_add_func("/cxl/virt/cedt", test_cedt);
    qtest_add_func("/cxl/virt/host-bridge-limit", test_host_bridge_limit);
    qtest_add_func("/cxl/virt/windows-must-fit", test_windows_must_fit);
    return g_test_run();
}
