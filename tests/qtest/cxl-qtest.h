/*
 * Helpers shared by the CXL qtests (cxl-hdm-test, cxl-port-test,
 * cxl-switch-test, cxl-type3-test): starting QEMU with our firmware
 * directory, enabling q35's ECAM (no firmware runs under qtest),
 * configuration space walks (capabilities, extended capabilities, CXL
 * DVSECs, the register locator), BAR and bridge window assignment as
 * firmware does it, addresses from the memory map, the CXL.cache/mem
 * capability array and HDM decoder registers of a component register
 * block, DOE exchanges and the CDAT read over DOE Table Access, and
 * reading backend files.
 *
 * Register layouts are Linux's (drivers/cxl/cxl.h, cxlpci.h,
 * drivers/pci/doe.c, include/uapi/linux/pci_regs.h). Everything here is
 * static inline, so a test only has to include this header.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TESTS_QTEST_CXL_QTEST_H
#define TESTS_QTEST_CXL_QTEST_H

#include "qemu/bswap.h"
#include "libqtest.h"

/* Where the tests place q35's ECAM window (MCH PCIEXBAR) */
#define CXL_QTEST_ECAM_BASE     0xb0000000ull
/* PCI vendor ID of the CXL consortium (its DVSECs and DOE protocols) */
#define CXL_QTEST_VENDOR        0x1e98
/* CXL.cache/mem registers (capability array) in a component register block */
#define CXL_QTEST_CM            0x1000

/* DOE extended capability registers (PCI_DOE_*) */
#define DOE_CTRL            0x08
#define   DOE_CTRL_GO           0x80000000u
#define DOE_STATUS          0x0c
#define   DOE_STATUS_BUSY       0x1u
#define   DOE_STATUS_ERROR      0x4u
#define   DOE_STATUS_READY      0x80000000u
#define DOE_WRITE           0x10
#define DOE_READ            0x14

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

/* Offset of extended capability @id of @bus:@dev.0, 0 if absent */
static inline uint16_t cxl_qtest_find_ext_cap(QTestState *qts, int bus,
                                              int dev, uint16_t id)
{
    uint16_t off = 0x100;
    unsigned guard = 0;

    while (off && guard++ < 64) {
        uint32_t hdr = qtest_readl(qts, cxl_qtest_cfg(bus, dev, 0, off));

        if ((hdr & 0xffff) == id) {
            return off;
        }
        off = hdr >> 20;
    }
    return 0;
}

/*
 * Size every memory BAR of @bus:@dev.0 (6 for a device, 2 for a bridge)
 * by writing all ones as a guest does, place each from @cursor (naturally
 * aligned) and enable memory decoding and bus mastering. @bar and @size (6
 * entries each) receive the addresses and sizes, 0 for unused BARs.
 * Returns the first free address.
 */
static inline uint64_t cxl_qtest_assign_bars(QTestState *qts, int bus,
                                             int dev, uint64_t cursor,
                                             uint64_t *bar, uint64_t *size)
{
    bool bridge = (qtest_readb(qts, cxl_qtest_cfg(bus, dev, 0, 0x0e)) &
                   0x7f) == 1;
    int nr = bridge ? 2 : 6;

    memset(bar, 0, 6 * sizeof(*bar));
    memset(size, 0, 6 * sizeof(*size));
    for (int i = 0; i < nr; i++) {
        uint64_t at = cxl_qtest_cfg(bus, dev, 0, 0x10 + 4 * i);
        uint32_t orig = qtest_readl(qts, at);
        bool is64 = (orig & 0x7) == 0x4;
        uint64_t mask;

        qtest_writel(qts, at, 0xffffffff);
        mask = qtest_readl(qts, at) & ~0xfull;
        if (is64) {
            qtest_writel(qts, at + 4, 0xffffffff);
            mask |= (uint64_t)qtest_readl(qts, at + 4) << 32;
        } else if (mask) {
            mask |= 0xffffffff00000000ull;
        }
        if (mask && !(orig & 1)) {
            size[i] = ~mask + 1;
            cursor = ROUND_UP(cursor, size[i]);
            bar[i] = cursor;
            cursor += size[i];
            qtest_writel(qts, at, (uint32_t)bar[i]);
            if (is64) {
                qtest_writel(qts, at + 4, bar[i] >> 32);
            }
        }
        if (is64) {
            i++;
        }
    }
    qtest_writew(qts, cxl_qtest_cfg(bus, dev, 0, 0x04), 0x6);
    return cursor;
}

/*
 * Open the non-prefetchable memory window of bridge @bus:@dev.0 over
 * [@base, @end) (1 MiB granules: bits 31:20 in [15:4] of the base and
 * limit words) and enable memory decoding and bus mastering on it.
 */
static inline void cxl_qtest_bridge_window(QTestState *qts, int bus, int dev,
                                           uint64_t base, uint64_t end)
{
    g_assert_cmphex(base % (1 << 20), ==, 0);
    g_assert_cmphex(end % (1 << 20), ==, 0);
    g_assert_cmphex(end, >, base);
    qtest_writel(qts, cxl_qtest_cfg(bus, dev, 0, 0x20),
                 ((base >> 16) & 0xfff0) | (((end - 1) >> 16) & 0xfff0) << 16);
    qtest_writew(qts, cxl_qtest_cfg(bus, dev, 0, 0x04), 0x6);
}

/*
 * Address of register block @id (1 component registers, 3 memory device
 * registers) that the register locator DVSEC of @bus:@dev.0 lists, with
 * the BARs at @bar; 0 if it lists none.
 */
static inline uint64_t cxl_qtest_regloc(QTestState *qts, int bus, int dev,
                                        const uint64_t *bar, unsigned id)
{
    uint16_t loc = cxl_qtest_find_dvsec(qts, bus, dev, 8, NULL);
    uint32_t len;

    g_assert_cmphex(loc, !=, 0);
    len = qtest_readl(qts, cxl_qtest_cfg(bus, dev, 0, loc + 4)) >> 20;
    for (unsigned off = 0x0c; off + 8 <= len; off += 8) {
        uint32_t lo = qtest_readl(qts, cxl_qtest_cfg(bus, dev, 0, loc + off));
        uint32_t hi = qtest_readl(qts,
                                  cxl_qtest_cfg(bus, dev, 0, loc + off + 4));

        if (((lo >> 8) & 0xff) == id) {
            g_assert_cmpuint(lo & 7, <, 6);
            g_assert_cmphex(bar[lo & 7], !=, 0);
            return bar[lo & 7] + ((uint64_t)hi << 32 | (lo & 0xffff0000));
        }
    }
    return 0;
}

/*
 * One exchange with the DOE mailbox at @doe of @bus:@dev.0, as Linux's
 * drivers/pci/doe.c does it: write the request's @req_dw dwords, set Go,
 * poll for Data Object Ready, then read the response one dword at a time
 * (acknowledging each). The response's first header dword must echo the
 * request's (vendor and type). Copies the dwords after the two header
 * dwords to @rsp (at most @max_dw) and returns their count.
 */
static inline unsigned cxl_qtest_doe_exchange(QTestState *qts, int bus,
                                              int dev, uint16_t doe,
                                              const uint32_t *req,
                                              unsigned req_dw, uint32_t *rsp,
                                              unsigned max_dw)
{
    uint64_t base = cxl_qtest_cfg(bus, dev, 0, doe);
    uint32_t status = qtest_readl(qts, base + DOE_STATUS), hdr1, len;
    unsigned i;

    g_assert_cmphex(status & (DOE_STATUS_BUSY | DOE_STATUS_ERROR), ==, 0);
    for (i = 0; i < req_dw; i++) {
        qtest_writel(qts, base + DOE_WRITE, req[i]);
    }
    qtest_writel(qts, base + DOE_CTRL, DOE_CTRL_GO);
    for (i = 0; i < 1000; i++) {
        status = qtest_readl(qts, base + DOE_STATUS);
        if (status & (DOE_STATUS_READY | DOE_STATUS_ERROR)) {
            break;
        }
        qtest_clock_step(qts, 1000000);
    }
    g_assert_cmphex(status & (DOE_STATUS_READY | DOE_STATUS_ERROR), ==,
                    DOE_STATUS_READY);

    hdr1 = qtest_readl(qts, base + DOE_READ);
    qtest_writel(qts, base + DOE_READ, 0);
    g_assert_cmphex(hdr1, ==, req[0]);                  /* vendor, type */
    len = qtest_readl(qts, base + DOE_READ) & 0x3ffff;
    qtest_writel(qts, base + DOE_READ, 0);
    if (!len) {
        len = 0x40000;
    }
    g_assert_cmpuint(len, >=, 2);
    g_assert_cmpuint(len - 2, <=, max_dw);
    for (i = 0; i < len - 2; i++) {
        rsp[i] = qtest_readl(qts, base + DOE_READ);
        qtest_writel(qts, base + DOE_READ, 0);
    }
    /* the whole object was consumed */
    status = qtest_readl(qts, base + DOE_STATUS);
    g_assert_cmphex(status & (DOE_STATUS_READY | DOE_STATUS_ERROR), ==, 0);
    return len - 2;
}

/*
 * Read the CDAT of @bus:@dev.0 over its DOE mailbox (Table Access, read
 * entry, table type CDAT) entry by entry as Linux's cxl_cdat_read_table()
 * does, checking what Linux checks: the header is 16 bytes, every entry is
 * as long as its header says, the header's length is the sum of all, and
 * the checksum (cdat_checksum()) is 0. Returns the table (little endian).
 */
static inline GByteArray *cxl_qtest_read_cdat(QTestState *qts, int bus,
                                              int dev)
{
    GByteArray *cdat = g_byte_array_new();
    uint16_t doe = cxl_qtest_find_ext_cap(qts, bus, dev, 0x2e);
    uint32_t rsp[256];
    unsigned handle = 0, entries = 0;
    uint8_t sum = 0;

    g_assert_cmphex(doe, !=, 0);
    do {
        uint32_t req[3] = {
            CXL_QTEST_VENDOR | (2 << 16), 3, 0 | (0 << 8) | (handle << 16),
        };
        unsigned n = cxl_qtest_doe_exchange(qts, bus, dev, doe, req, 3, rsp,
                                            ARRAY_SIZE(rsp));
        uint8_t *entry = (uint8_t *)(rsp + 1);
        unsigned bytes;

        g_assert_cmpuint(n, >=, 1);
        g_assert_cmphex(rsp[0] & 0xffff, ==, 0);       /* read entry, CDAT */
        bytes = (n - 1) * 4;
        for (unsigned i = 1; i < n; i++) {
            rsp[i] = cpu_to_le32(rsp[i]);
        }
        if (handle == 0) {
            g_assert_cmpuint(bytes, ==, 16);            /* the header */
        } else {
            g_assert_cmpuint(bytes, >=, 4);
            g_assert_cmpuint(bytes, ==, lduw_le_p(entry + 2));
        }
        g_byte_array_append(cdat, entry, bytes);
        handle = rsp[0] >> 16;
        g_assert_cmpuint(++entries, <, 256);
    } while (handle != 0xffff);

    g_assert_cmpuint(cdat->len, >=, 16);
    g_assert_cmpuint(ldl_le_p(cdat->data), ==, cdat->len);
    g_assert_cmpuint(cdat->data[4], ==, 1);             /* revision */
    for (unsigned i = 0; i < cdat->len; i++) {
        sum += cdat->data[i];
    }
    g_assert_cmphex(sum, ==, 0);
    return cdat;
}

/* The little-endian 64-bit value at offset @off of file @path */
static inline uint64_t cxl_qtest_file_read64(const char *path, off_t off)
{
    uint8_t buf[8];
    int fd = open(path, O_RDONLY);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(pread(fd, buf, 8, off), ==, 8);
    close(fd);
    return ldq_le_p(buf);
}

#endif /* TESTS_QTEST_CXL_QTEST_H */
