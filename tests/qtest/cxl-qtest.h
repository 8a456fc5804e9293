/*
 * Helpers shared by the CXL qtests (cxl-hdm-test, cxl-port-test,
 * cxl-type3-test): starting QEMU with our firmware directory, enabling
 * q35's ECAM (no firmware runs under qtest), configuration space walks
 * (capabilities, CXL DVSECs), addresses from the memory map, and the
 * CXL.cache/mem capability array and HDM decoder registers of a component
 * register block.
 *
 * Register layouts are Linux's (drivers/cxl/cxl.h, cxlpci.h). Everything
 * here is static inline, so a test only has to include this header.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TESTS_QTEST_CXL_QTEST_H
#define TESTS_QTEST_CXL_QTEST_H

#include "libqtest.h"

/* Where the tests place q35's ECAM window (MCH PCIEXBAR) */
#define CXL_QTEST_ECAM_BASE     0xb0000000ull
/* PCI vendor ID of the CXL consortium (its DVSECs and DOE protocols) */
#define CXL_QTEST_VENDOR        0x1e98
/* CXL.cache/mem registers (capability array) in a component register block */
#define CXL_QTEST_CM            0x1000

/* HDM decoder n's registers: cxl_qtest_hdm_dec(hdm, n, reg) */
enum {
    HDM_DEC_BASE_LO = 0x00,
    HDM_DEC_BASE_HI = 0x04,
    HDM_DEC_SIZE_LO = 0x08,
    HDM_DEC_SIZE_HI = 0x0c,
    HDM_DEC_CTRL    = 0x10,
    /* ports: target list; endpoints: DPA skip */
    HDM_DEC_TL_LO   = 0x14,
    HDM_DEC_TL_HI   = 0x18,
    HDM_DEC_SKIP_LO = 0x14,
    HDM_DEC_SKIP_HI = 0x18,
};
/* HDM decoder control: IG [3:0], IW [7:4] and these */
#define HDM_CTRL_LOCK       (1u << 8)
#define HDM_CTRL_COMMIT     (1u << 9)
#define HDM_CTRL_COMMITTED  (1u << 10)
#define HDM_CTRL_ERR        (1u << 11)
#define HDM_CTRL_HOSTONLY   (1u << 12)

/*
 * Start QEMU with @args, -nodefaults and the firmware directory from
 * CXL_QTEST_FIRMWARE (make check sets it) when there is one.
 */
static inline QTestState *cxl_qtest_start(const char *args)
{
    const char *fw = g_getenv("CXL_QTEST_FIRMWARE");

    return qtest_initf("%s%s -nodefaults %s", fw ? "-L " : "", fw ? fw : "",
                       args);
}

/*
 * Enable q35's ECAM at CXL_QTEST_ECAM_BASE as firmware would: MCH
 * PCIEXBAR (0:0.0, config 0x60) = base, 256 buses, enable.
 */
static inline void cxl_qtest_enable_ecam(QTestState *qts)
{
    qtest_outl(qts, 0xcf8, 0x80000000 | 0x60);
    qtest_outl(qts, 0xcfc, (uint32_t)CXL_QTEST_ECAM_BASE | 1);
    qtest_outl(qts, 0xcf8, 0x80000000 | 0x64);
    qtest_outl(qts, 0xcfc, CXL_QTEST_ECAM_BASE >> 32);
}

/* Address of configuration space offset @off of @bus:@dev.@fn in ECAM */
static inline uint64_t cxl_qtest_cfg(int bus, int dev, int fn, int off)
{
    return CXL_QTEST_ECAM_BASE + ((uint64_t)bus << 20) + (dev << 15) +
           (fn << 12) + off;
}

/* Offset of PCI capability @id of @bus:@dev.0, 0 if absent */
static inline uint8_t cxl_qtest_find_cap(QTestState *qts, int bus, int dev,
                                         uint8_t id)
{
    uint8_t p = qtest_readb(qts, cxl_qtest_cfg(bus, dev, 0, 0x34));
    unsigned guard = 0;

    while (p && guard++ < 48) {
        if (qtest_readb(qts, cxl_qtest_cfg(bus, dev, 0, p)) == id) {
            return p;
        }
        p = qtest_readb(qts, cxl_qtest_cfg(bus, dev, 0, p + 1));
    }
    return 0;
}

/*
 * Offset of the first CXL DVSEC (vendor 0x1e98) with DVSEC ID @id of
 * @bus:@dev.0, 0 if absent. If @nr_cxl is not NULL, it is set to the
 * number of CXL DVSECs of the function.
 */
static inline uint16_t cxl_qtest_find_dvsec(QTestState *qts, int bus, int dev,
                                            uint16_t id, unsigned *nr_cxl)
{
    uint16_t off = 0x100, found = 0;
    unsigned guard = 0;

    if (nr_cxl) {
        *nr_cxl = 0;
    }
    while (off && guard++ < 64) {
        uint32_t hdr = qtest_readl(qts, cxl_qtest_cfg(bus, dev, 0, off));

        if ((hdr & 0xffff) == 0x23 &&
            (qtest_readl(qts, cxl_qtest_cfg(bus, dev, 0, off + 4)) & 0xffff) ==
            CXL_QTEST_VENDOR) {
            if (nr_cxl) {
                (*nr_cxl)++;
            }
            if (!found &&
                qtest_readw(qts, cxl_qtest_cfg(bus, dev, 0, off + 8)) == id) {
                found = off;
            }
        }
        off = hdr >> 20;
    }
    return found;
}

/* Guest physical address of memory region @name in `info mtree -f` */
static inline uint64_t cxl_qtest_mtree_addr(QTestState *qts, const char *name)
{
    g_autofree char *mtree = qtest_hmp(qts, "info mtree -f");
    g_auto(GStrv) lines = g_strsplit(mtree, "\n", -1);

    for (char **l = lines; *l; l++) {
        if (strstr(*l, name)) {
            return g_ascii_strtoull(g_strstrip(*l), NULL, 16);
        }
    }
    g_error("%s not in the memory map", name);
}

/*
 * Address of the CXL.cache/mem capability @id (2 RAS, 4 link, 5 HDM
 * decoder) of the component register block at @comp, 0 if it has none.
 */
static inline uint64_t cxl_qtest_cm_cap(QTestState *qts, uint64_t comp,
                                        uint16_t id)
{
    uint64_t arr = comp + CXL_QTEST_CM;
    uint32_t hdr = qtest_readl(qts, arr);

    for (unsigned i = 1; i <= (hdr >> 24); i++) {
        uint32_t cap = qtest_readl(qts, arr + 4 * i);

        if ((cap & 0xffff) == id) {
            return arr + (cap >> 20);
        }
    }
    return 0;
}

/* Address of register @reg of HDM decoder @n of the capability at @hdm */
static inline uint64_t cxl_qtest_hdm_dec(uint64_t hdm, unsigned n,
                                         unsigned reg)
{
    return hdm + 0x10 + 0x20 * n + reg;
}

#endif /* TESTS_QTEST_CXL_QTEST_H */
