/*
 * qtest: the cxl-type3 memory device, driven through configuration space
 * and MMIO as a guest driver would, without a guest:
 *  - configuration space: class code, Device Serial Number, the CXL DVSECs
 *    (device with its range registers, GPF, flex bus, register locator),
 *    Mem_Enable and Config Lock;
 *  - the device registers in BAR 2: capability array, memory device status,
 *    the primary mailbox capabilities;
 *  - the HDM decoders in the component registers (BAR 0): capabilities,
 *    commit, DPA skip, commit errors;
 *  - CXL.mem through the fixed memory window down to the backend files;
 *  - the CDAT read over DOE Table Access as Linux's cxl_cdat_read_table()
 *    does it;
 *  - RAS error injection over QMP and the device-state file;
 *  - the PCIe link of x-speed, x-width and x-256b-flit, at the device and
 *    as its root port reports it.
 * The mailbox command tables and round trips are in cxl-type3-mbox-test;
 * firmware update, poison, sanitize and media operations in
 * cxl-type3-media-test; features, maintenance and security in
 * cxl-type3-mgmt-test; the helpers they share in cxl-type3-qtest.h.
 *
 * Register and payload layouts are Linux's (drivers/cxl/cxl.h, cxlmem.h,
 * cxlpci.h, include/uapi/linux/pci_regs.h). Extended configuration space is
 * reached through q35's ECAM, enabled by the test itself through MCH
 * PCIEXBAR (no firmware runs under qtest); the test also programs the root
 * port's bus numbers and memory window and assigns the device's BARs.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/bswap.h"
#include "qemu/crc32c.h"
#include "qemu/cutils.h"
#include "libqtest.h"
#include "qobject/qdict.h"
#include "cxl-type3-qtest.h"

/* ---- 1. configuration space ---- */

static void test_config_space(void)
{
    T3 t;
    unsigned n;
    uint16_t dsn, dev, gpf, flex, loc;
    uint32_t lo;

    t3_start(&t, false);
    /* class 05h (memory), subclass 02h (CXL), prog-if 10h (memory device) */
    g_assert_cmphex(dcfgl(&t, 0x08) >> 8, ==, 0x050210);

    dsn = cxl_qtest_find_ext_cap(t.qts, DEV_BUS, 0, 0x0003);
    g_assert_cmphex(dsn, !=, 0);
    g_assert_cmphex(dcfgl(&t, dsn + 4), ==, SERIAL);
    g_assert_cmphex(dcfgl(&t, dsn + 8), ==, 0);

    dev = find_dvsec(&t, 0, &n);
    gpf = find_dvsec(&t, 5, &n);
    flex = find_dvsec(&t, 7, &n);
    loc = find_dvsec(&t, 8, &n);
    g_assert_cmpuint(n, ==, 4);
    g_assert_cmphex(dev, !=, 0);
    g_assert_cmphex(gpf, !=, 0);
    g_assert_cmphex(flex, !=, 0);
    g_assert_cmphex(loc, !=, 0);

    /* CXL device DVSEC: revision 1, 0x38 bytes */
    g_assert_cmphex((dcfgl(&t, dev + 4) >> 16) & 0xf, ==, 1);
    g_assert_cmphex(dcfgl(&t, dev + 4) >> 20, ==, 0x38);
    uint16_t cap = dcfgw(&t, dev + DVSEC_CAP);
    g_assert_true(cap & DVSEC_MEM_CAPABLE);
    g_assert_cmpuint((cap >> 4) & 3, ==, 2);            /* two ranges */
    /* range 1: volatile 256 MiB; range 2: persistent 512 MiB */
    g_assert_cmphex(dcfgl(&t, dev + DVSEC_SIZE_HI(0)), ==, 0);
    lo = dcfgl(&t, dev + DVSEC_SIZE_LO(0));
    g_assert_cmphex(lo & 0xf0000000, ==, VMEM_SIZE);
    g_assert_cmphex(lo & (DVSEC_MEM_INFO_VALID | DVSEC_MEM_ACTIVE), ==,
                    DVSEC_MEM_INFO_VALID | DVSEC_MEM_ACTIVE);
    g_assert_cmphex(dcfgl(&t, dev + DVSEC_SIZE_HI(1)), ==, 0);
    lo = dcfgl(&t, dev + DVSEC_SIZE_LO(1));
    g_assert_cmphex(lo & 0xf0000000, ==, PMEM_SIZE);
    g_assert_cmphex(lo & (DVSEC_MEM_INFO_VALID | DVSEC_MEM_ACTIVE), ==,
                    DVSEC_MEM_INFO_VALID | DVSEC_MEM_ACTIVE);

    g_assert_cmphex(dcfgl(&t, gpf + 4) >> 20, ==, 0x10);
    g_assert_cmphex(dcfgl(&t, flex + 4) >> 20, ==, 0x20);

    /* register locator: component in BAR 0 at 0, memdev in BAR 2 */
    g_assert_cmphex(dcfgl(&t, loc + 4) >> 20, ==, 0x0c + 2 * 8);
    bool comp = false, memdev = false;
    for (unsigned i = 0; i < 2; i++) {
        lo = dcfgl(&t, loc + 0x0c + 8 * i);
        uint32_t hi = dcfgl(&t, loc + 0x10 + 8 * i);
        unsigned id = (lo >> 8) & 0xff;

        if (id == 1) {
            g_assert_cmphex(lo & 7, ==, 0);
            g_assert_cmphex(lo & 0xffff0000, ==, 0);
            g_assert_cmphex(hi, ==, 0);
            comp = true;
        } else if (id == 3) {
            g_assert_cmphex(lo & 7, ==, 2);
            memdev = true;
        }
    }
    g_assert_true(comp && memdev);
    /* BAR 0 is 64-bit and 64 KiB, BAR 2 64-bit */
    g_assert_cmphex(t.bar_size[0], ==, 64 * KiB);
    g_assert_cmphex(dcfgl(&t, 0x10) & 0x7, ==, 0x4);
    g_assert_cmphex(dcfgl(&t, 0x18) & 0x7, ==, 0x4);
    g_assert_cmphex(t.bar_size[2], !=, 0);

    /* Mem_Enable and the range bases are writable */
    g_assert_cmphex(dcfgw(&t, dev + DVSEC_CTRL) & DVSEC_MEM_ENABLE, ==, 0);
    dcfg_writew(&t, dev + DVSEC_CTRL,
                dcfgw(&t, dev + DVSEC_CTRL) | DVSEC_MEM_ENABLE);
    g_assert_cmphex(dcfgw(&t, dev + DVSEC_CTRL) & DVSEC_MEM_ENABLE, ==,
                    DVSEC_MEM_ENABLE);
    dcfg_writel(&t, dev + DVSEC_BASE_LO(0), 0x30000000);
    g_assert_cmphex(dcfgl(&t, dev + DVSEC_BASE_LO(0)) & 0xf0000000, ==,
                    0x30000000);
    dcfg_writel(&t, dev + DVSEC_BASE_HI(0), 0x5);
    g_assert_cmphex(dcfgl(&t, dev + DVSEC_BASE_HI(0)), ==, 0x5);

    /* Config Lock: control and bases read-only until reset */
    dcfg_writew(&t, dev + DVSEC_LOCK, DVSEC_CONFIG_LOCK);
    g_assert_cmphex(dcfgw(&t, dev + DVSEC_LOCK) & DVSEC_CONFIG_LOCK, ==,
                    DVSEC_CONFIG_LOCK);
    dcfg_writew(&t, dev + DVSEC_CTRL,
                dcfgw(&t, dev + DVSEC_CTRL) & ~DVSEC_MEM_ENABLE);
    g_assert_cmphex(dcfgw(&t, dev + DVSEC_CTRL) & DVSEC_MEM_ENABLE, ==,
                    DVSEC_MEM_ENABLE);
    dcfg_writel(&t, dev + DVSEC_BASE_LO(0), 0x70000000);
    g_assert_cmphex(dcfgl(&t, dev + DVSEC_BASE_LO(0)) & 0xf0000000, ==,
                    0x30000000);
    dcfg_writel(&t, dev + DVSEC_BASE_HI(0), 0x9);
    g_assert_cmphex(dcfgl(&t, dev + DVSEC_BASE_HI(0)), ==, 0x5);
    /* the lock cannot be cleared by software */
    dcfg_writew(&t, dev + DVSEC_LOCK, 0);
    g_assert_cmphex(dcfgw(&t, dev + DVSEC_LOCK) & DVSEC_CONFIG_LOCK, ==,
                    DVSEC_CONFIG_LOCK);

    /* reset: unlocked, memory disabled, writable again */
    qtest_system_reset(t.qts);
    platform_init(&t);
    g_assert_cmphex(dcfgw(&t, dev + DVSEC_LOCK) & DVSEC_CONFIG_LOCK, ==, 0);
    g_assert_cmphex(dcfgw(&t, dev + DVSEC_CTRL) & DVSEC_MEM_ENABLE, ==, 0);
    dcfg_writew(&t, dev + DVSEC_CTRL,
                dcfgw(&t, dev + DVSEC_CTRL) | DVSEC_MEM_ENABLE);
    g_assert_cmphex(dcfgw(&t, dev + DVSEC_CTRL) & DVSEC_MEM_ENABLE, ==,
                    DVSEC_MEM_ENABLE);
    dcfg_writel(&t, dev + DVSEC_BASE_LO(1), 0x20000000);
    g_assert_cmphex(dcfgl(&t, dev + DVSEC_BASE_LO(1)) & 0xf0000000, ==,
                    0x20000000);
    t3_stop(&t);
}

/* ---- 2. device registers ---- */

static void test_device_registers(void)
{
    T3 t;
    bool seen_status = false, seen_mbox = false, seen_memdev = false;

    t3_start(&t, false);
    uint64_t arr = qtest_readq(t.qts, t.devregs);
    g_assert_cmphex(arr & 0xffff, ==, 0);               /* array ID */
    g_assert_cmpuint((arr >> 32) & 0xffff, ==, 3);
    for (unsigned i = 1; i <= 3; i++) {
        uint64_t h = t.devregs + 16 * i;
        uint16_t id = qtest_readl(t.qts, h) & 0xffff;
        uint32_t off = qtest_readl(t.qts, h + 4);
        uint32_t len = qtest_readl(t.qts, h + 8);

        g_assert_cmpuint(off, >=, 16 * 4);              /* past the array */
        g_assert_cmpuint((uint64_t)off + len, <=, t.bar_size[2]);
        if (id == 1) {
            seen_status = true;
            g_assert_cmpuint(len, >=, 8);
        } else if (id == 2) {
            seen_mbox = true;
        } else if (id == 0x4000) {
            seen_memdev = true;
            g_assert_cmpuint(len, >=, 8);
        }
    }
    g_assert_true(seen_status && seen_mbox && seen_memdev);

    /* memory device status: mailbox ready, media ready, no fatal/halt */
    uint64_t md = qtest_readq(t.qts, t.memdev);
    g_assert_cmphex(md & (1 << 4), ==, 1 << 4);
    g_assert_cmphex((md >> 2) & 3, ==, 1);
    g_assert_cmphex(md & 3, ==, 0);

    /* mailbox: payload 2^8..2^20, background interrupt with a vector */
    uint32_t cap = qtest_readl(t.qts, t.mbox + MBOX_CAPS);
    g_assert_cmpuint(cap & 0x1f, >=, 8);
    g_assert_cmpuint(cap & 0x1f, <=, 20);
    g_assert_cmpuint(t.mbox_len, >=, MBOX_PAYLOAD + t.payload_max);
    g_assert_true(cap & (1 << 6));
    g_assert_cmpuint((cap >> 7) & 0xf, <, t.msix_vectors);
    /* Linux enables the background interrupt in the control register */
    g_assert_cmphex(qtest_readl(t.qts, t.mbox + MBOX_CTRL), ==, 0);
    qtest_writel(t.qts, t.mbox + MBOX_CTRL, MBOX_CTRL_BG_IRQ);
    g_assert_cmphex(qtest_readl(t.qts, t.mbox + MBOX_CTRL), ==,
                    MBOX_CTRL_BG_IRQ);
    /* nothing running in the background */
    g_assert_cmphex(qtest_readq(t.qts, t.mbox + MBOX_STATUS) & 1, ==, 0);
    t3_stop(&t);
}

/* ---- 3. HDM decoders ---- */

static void test_hdm(void)
{
    T3 t;

    t3_start(&t, false);
    g_assert_cmphex(t.hdm, !=, 0);
    uint32_t cap = qtest_readl(t.qts, t.hdm);
    g_assert_cmpuint(cap & 0xf, ==, 2);                 /* 4 decoders */
    g_assert_true(cap & (1 << 11));                     /* 3/6/12-way */
    g_assert_true(cap & (1 << 12));                     /* 16-way */

    /* HDM Decoder Enable */
    qtest_writel(t.qts, t.hdm + 4, 1 << 1);
    g_assert_cmphex(qtest_readl(t.qts, t.hdm + 4) & (1 << 1), ==, 1 << 1);

    /* decoder 0: the volatile capacity at the window base */
    g_assert_cmphex(dec_commit(&t, 0, t.window, 256 * MiB, 0), ==,
                    HDM_CTRL_COMMITTED);
    g_assert_cmphex(qtest_readl(t.qts, dec(&t, 0, HDM_DEC_BASE_LO)), ==,
                    (uint32_t)t.window);
    g_assert_cmphex(qtest_readl(t.qts, dec(&t, 0, HDM_DEC_BASE_HI)), ==,
                    t.window >> 32);
    g_assert_cmphex(qtest_readl(t.qts, dec(&t, 0, HDM_DEC_SIZE_LO)), ==,
                    256 * MiB);
    g_assert_cmphex(qtest_readl(t.qts, dec(&t, 0, HDM_DEC_SIZE_HI)), ==, 0);
    g_assert_cmphex(dec_ctrl(&t, 0) & 0xff, ==, 0);     /* IW 0, IG 0 */

    /* out of order: decoder 2 before decoder 1 */
    g_assert_cmphex(dec_commit(&t, 2, t.window + 256 * MiB, 256 * MiB, 0),
                    ==, HDM_CTRL_ERR);
    dec_clear(&t, 2);
    /* decoder 1 overlapping decoder 0's HPA range */
    g_assert_cmphex(dec_commit(&t, 1, t.window, 256 * MiB, 0), ==,
                    HDM_CTRL_ERR);
    dec_clear(&t, 1);
    /* decoder 1 larger than the capacity left */
    g_assert_cmphex(dec_commit(&t, 1, t.window + 256 * MiB, 768 * MiB, 0),
                    ==, HDM_CTRL_ERR);
    dec_clear(&t, 1);
    /* decoder 1 skipping into DPA the device does not have */
    g_assert_cmphex(dec_commit(&t, 1, t.window + 256 * MiB, 512 * MiB,
                               256 * MiB), ==, HDM_CTRL_ERR);
    dec_clear(&t, 1);
    g_assert_cmphex(dec_commit(&t, 1, t.window + 256 * MiB, 256 * MiB,
                               768 * MiB), ==, HDM_CTRL_ERR);
    dec_clear(&t, 1);
    /* decoder 1 skipping 256 MiB: DPA 512M..768M, fits */
    g_assert_cmphex(dec_commit(&t, 1, t.window + 256 * MiB, 256 * MiB,
                               256 * MiB), ==, HDM_CTRL_COMMITTED);
    g_assert_cmphex(qtest_readl(t.qts, dec(&t, 1, HDM_DEC_SKIP_LO)), ==,
                    256 * MiB);
    g_assert_cmphex(qtest_readl(t.qts, dec(&t, 1, HDM_DEC_SKIP_HI)), ==, 0);
    /* decoder 2: nothing left */
    g_assert_cmphex(dec_commit(&t, 2, t.window + 512 * MiB, 256 * MiB, 0),
                    ==, HDM_CTRL_ERR);
    dec_clear(&t, 2);
    /* registers frozen while committed */
    qtest_writel(t.qts, dec(&t, 0, HDM_DEC_SIZE_LO), 0x70000000);
    g_assert_cmphex(qtest_readl(t.qts, dec(&t, 0, HDM_DEC_SIZE_LO)), ==,
                    256 * MiB);
    /* uncommit 1, then recommit it without the skip */
    dec_clear(&t, 1);
    g_assert_cmphex(dec_commit(&t, 1, t.window + 256 * MiB, 512 * MiB, 0),
                    ==, HDM_CTRL_COMMITTED);

    /* reset: everything uncommitted, decoding disabled */
    qtest_system_reset(t.qts);
    platform_init(&t);
    g_assert_cmphex(qtest_readl(t.qts, t.hdm + 4) & (1 << 1), ==, 0);
    g_assert_cmphex(dec_ctrl(&t, 1) & HDM_CTRL_COMMITTED, ==, 0);
    g_assert_cmphex(dec_ctrl(&t, 0) & HDM_CTRL_COMMITTED, ==, 0);
    t3_stop(&t);
}

/* ---- 4. CXL.mem through the window ---- */

static void test_cxl_mem(void)
{
    T3 t;
    const uint64_t a = 0x0123456789abcdefull, b = 0xfedcba9876543210ull;

    t3_start(&t, true);
    qtest_writel(t.qts, t.hdm + 4, 1 << 1);
    g_assert_cmphex(dec_commit(&t, 0, t.window, 256 * MiB, 0), ==,
                    HDM_CTRL_COMMITTED);
    g_assert_cmphex(dec_commit(&t, 1, t.window + 256 * MiB, 512 * MiB, 0),
                    ==, HDM_CTRL_COMMITTED);
    set_mem_enable(&t, true);

    /* volatile: window + x is DPA x, offset x of the vmem backend */
    qtest_writeq(t.qts, t.window + 0x1000, a);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x1000), ==, a);
    qtest_writel(t.qts, t.window + 256 * MiB - 4, 0x55aa55aa);
    g_assert_cmphex(qtest_readl(t.qts, t.window + 256 * MiB - 4), ==,
                    0x55aa55aa);
    /* persistent: DPA 256M + x, offset x of the pmem backend */
    qtest_writeq(t.qts, t.window + 256 * MiB + 0x2000, b);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 256 * MiB + 0x2000), ==, b);
    qtest_writeb(t.qts, t.window + 768 * MiB - 1, 0x5a);
    g_assert_cmphex(qtest_readb(t.qts, t.window + 768 * MiB - 1), ==, 0x5a);

    /* the data is in the backend files at the DPA */
    g_assert_cmphex(cxl_qtest_file_read64(t.vfile, 0x1000), ==, a);
    g_assert_cmphex(cxl_qtest_file_read64(t.vfile, 256 * MiB - 8) >> 32,
                    ==, 0x55aa55aa);
    g_assert_cmphex(cxl_qtest_file_read64(t.pfile, 0x2000), ==, b);
    g_assert_cmphex(cxl_qtest_file_read64(t.pfile, 512 * MiB - 8) >> 56,
                    ==, 0x5a);
    /* and nowhere else: pmem offset 0x1000 untouched */
    g_assert_cmphex(cxl_qtest_file_read64(t.pfile, 0x1000), ==, 0);

    /* beyond the committed decoders: unclaimed, reads all ones */
    g_assert_cmphex(qtest_readq(t.qts, t.window + 768 * MiB), ==,
                    UINT64_MAX);

    /* Mem_Enable clear: reads all ones, writes dropped */
    set_mem_enable(&t, false);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x1000), ==, UINT64_MAX);
    qtest_writeq(t.qts, t.window + 0x1000, b);
    g_assert_cmphex(cxl_qtest_file_read64(t.vfile, 0x1000), ==, a);
    set_mem_enable(&t, true);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x1000), ==, a);
    t3_stop(&t);
}

/*
 * With HDM Decoder Enable clear, a CXL.mem device decodes with the range
 * registers of its CXL device DVSEC (CXL r3.1 8.1.3.8 and 8.2.4.20.2:
 * "when set, the device shall use HDM decoders ... and not use the HDM
 * Base registers in DVSEC ID 0"). Linux relies on this for ranges that
 * firmware set up in the DVSEC (cxl_hdm_decode_init()).
 */
static void test_cxl_mem_dvsec_range(void)
{
    T3 t;

    t3_start(&t, false);
    g_assert_cmphex(qtest_readl(t.qts, t.hdm + 4) & (1 << 1), ==, 0);
    dcfg_writel(&t, t.dvsec + DVSEC_BASE_HI(0), t.window >> 32);
    dcfg_writel(&t, t.dvsec + DVSEC_BASE_LO(0), (uint32_t)t.window);
    set_mem_enable(&t, true);
    qtest_writeq(t.qts, t.window + 0x40, 0x1122334455667788ull);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x40), ==,
                    0x1122334455667788ull);
    /* beyond the range (256 MiB of volatile capacity): unclaimed */
    g_assert_cmphex(qtest_readq(t.qts, t.window + 256 * 1024 * 1024), ==,
                    UINT64_MAX);
    t3_stop(&t);
}

/* ---- 5. DOE / CDAT ---- */

static void test_cdat(void)
{
    T3 t;
    g_autoptr(GByteArray) cdat = NULL;
    bool vol = false, pers = false;

    t3_start(&t, false);
    /* the walk, lengths and checksum as cxl_cdat_read_table() */
    cdat = cxl_qtest_read_cdat(t.qts, DEV_BUS, 0);

    /* structures: a DSMAS per DPA range, DSLBIS naming existing DSMAS */
    bool dsmas_handle[256] = { false };
    for (unsigned off = 16; off < cdat->len;) {
        uint8_t *s = cdat->data + off;
        uint16_t slen = lduw_le_p(s + 2);

        g_assert_cmpuint(slen, >=, 4);
        if (s[0] == 0) {                                /* DSMAS */
            uint64_t base = ldq_le_p(s + 8), size = ldq_le_p(s + 16);
            bool nv = s[5] & (1 << 2);

            g_assert_cmpuint(slen, ==, 24);
            g_assert_false(dsmas_handle[s[4]]);
            dsmas_handle[s[4]] = true;
            if (base == 0 && size == VMEM_SIZE && !nv) {
                vol = true;
            } else if (base == VMEM_SIZE && size == PMEM_SIZE && nv) {
                pers = true;
            } else {
                g_error("DSMAS for unexpected range 0x%" PRIx64 "+0x%" PRIx64
                        " (%svolatile)", base, size, nv ? "non-" : "");
            }
        }
        off += slen;
    }
    g_assert_true(vol && pers);
    for (unsigned off = 16; off < cdat->len;) {
        uint8_t *s = cdat->data + off;

        if (s[0] == 1) {                                /* DSLBIS */
            g_assert_cmpuint(lduw_le_p(s + 2), ==, 24);
            g_assert_true(dsmas_handle[s[4]]);
        }
        off += lduw_le_p(s + 2);
    }
    t3_stop(&t);
}

/* ---- 6. RAS error injection, the device-state file ---- */

/*
 * RAS error injection over QMP (cxl-inject-uncorrectable-errors,
 * cxl-inject-correctable-error) as seen in the RAS capability (CXL r3.1
 * 8.2.4.17, Linux's cxl_handle_ras()): status bits (internal is bit 14),
 * First Error Pointer and header log of the first error; clearing the
 * first error's bit makes the next one first; masked errors are not
 * recorded; bad arguments name the argument.
 */
static void test_ras_injection(void)
{
    T3 t;
    uint64_t ras;
    QDict *r;

    t3_start(&t, false);
    ras = cxl_qtest_cm_cap(t.qts, t.comp, 2);
    g_assert_cmphex(ras, !=, 0);

    r = qtest_qmp(t.qts, "{'execute': 'cxl-inject-uncorrectable-errors',"
                  " 'arguments': { 'path': 't3', 'errors': ["
                  "  { 'type': 'mem-data-ecc', 'header': [ 17, 34, 51 ] },"
                  "  { 'type': 'internal', 'header': [ 68 ] } ] } }");
    g_assert_true(qdict_haskey(r, "return"));
    qobject_unref(r);
    g_assert_cmphex(qtest_readl(t.qts, ras + 0x00), ==, (1u << 7) | (1u << 14));
    g_assert_cmphex(qtest_readl(t.qts, ras + 0x14) & 0x3f, ==, 7);
    g_assert_cmphex(qtest_readl(t.qts, ras + 0x18), ==, 17);
    g_assert_cmphex(qtest_readl(t.qts, ras + 0x1c), ==, 34);
    g_assert_cmphex(qtest_readl(t.qts, ras + 0x20), ==, 51);
    g_assert_cmphex(qtest_readl(t.qts, ras + 0x24), ==, 0);
    /* clearing the first error makes the internal error first */
    qtest_writel(t.qts, ras + 0x00, 1u << 7);
    g_assert_cmphex(qtest_readl(t.qts, ras + 0x00), ==, 1u << 14);
    g_assert_cmphex(qtest_readl(t.qts, ras + 0x14) & 0x3f, ==, 14);
    g_assert_cmphex(qtest_readl(t.qts, ras + 0x18), ==, 68);
    g_assert_cmphex(qtest_readl(t.qts, ras + 0x1c), ==, 0);
    qtest_writel(t.qts, ras + 0x00, 1u << 14);
    g_assert_cmphex(qtest_readl(t.qts, ras + 0x00), ==, 0);

    /* masked: not recorded */
    qtest_writel(t.qts, ras + 0x04, 1u << 0);
    qtest_qmp_assert_success(t.qts,
        "{'execute': 'cxl-inject-uncorrectable-errors', 'arguments': {"
        " 'path': 't3', 'errors': [ { 'type': 'cache-data-parity',"
        " 'header': [] } ] } }");
    g_assert_cmphex(qtest_readl(t.qts, ras + 0x00), ==, 0);

    /* correctable: status bit, RW1C */
    qtest_qmp_assert_success(t.qts,
        "{'execute': 'cxl-inject-correctable-error',"
        " 'arguments': { 'path': 't3', 'type': 'physical' } }");
    g_assert_cmphex(qtest_readl(t.qts, ras + 0x0c), ==, 1u << 6);
    qtest_writel(t.qts, ras + 0x0c, 1u << 6);
    g_assert_cmphex(qtest_readl(t.qts, ras + 0x0c), ==, 0);

    /* bad arguments name the argument */
    r = qtest_qmp(t.qts, "{'execute': 'cxl-inject-correctable-error',"
                  " 'arguments': { 'path': 'cxl.1', 'type': 'physical' } }");
    g_assert_nonnull(strstr(qdict_get_str(qdict_get_qdict(r, "error"),
                                          "desc"), "path"));
    qobject_unref(r);
    r = qtest_qmp(t.qts, "{'execute': 'cxl-inject-uncorrectable-errors',"
                  " 'arguments': { 'path': 't3', 'errors': ["
                  "  { 'type': 'internal', 'header': [ 1, 2, 3, 4, 5, 6, 7,"
                  "    8, 9, 10, 11, 12, 13, 14, 15, 16, 17 ] } ] } }");
    g_assert_nonnull(strstr(qdict_get_str(qdict_get_qdict(r, "error"),
                                          "desc"), "header"));
    qobject_unref(r);
    t3_stop(&t);
}

/*
 * device-state=FILE: the device's own state outlives QEMU. Alert settings
 * and the dirty shutdown count come back after a restart; a clean exit
 * (QEMU quits) leaves the shutdown state clean, so the count does not
 * move. (Unreadable and unwritable files are refused at start-up:
 * tests/cli. The count rising after QEMU is killed is checked by the
 * type3-dirty-shutdown guest scenario.)
 */
static void test_device_state(void)
{
    g_autofree char *dir = g_dir_make_tmp("cxl-state-XXXXXX", NULL);
    g_autofree char *file = g_build_filename(dir, "t3.state", NULL);
    g_autofree char *opts = g_strdup_printf(",device-state=%s", file);
    g_autofree char *text = NULL;
    uint8_t set[12] = { 0 }, out[64];
    uint32_t len;
    T3 t;

    t3_start_opts(&t, false, opts);
    /* life used warning at 42 %, over-temperature warning at 70 C */
    set[0] = 0x3;
    set[1] = 0x3;
    set[2] = 42;
    stw_le_p(set + 4, 70);
    g_assert_cmphex(mbox_send(&t, 0x4202, set, sizeof(set), NULL, 0, NULL),
                    ==, 0);
    /* arm dirty shutdown, then quit cleanly */
    g_assert_cmphex(mbox_send(&t, 0x4204, (uint8_t[]){ 1 }, 1, NULL, 0, NULL),
                    ==, 0);
    t3_stop(&t);
    g_assert_true(g_file_get_contents(file, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, "armed=false"));

    t3_start_opts(&t, false, opts);
    g_assert_cmphex(mbox_send(&t, 0x4201, NULL, 0, out, sizeof(out), &len),
                    ==, 0);
    g_assert_cmphex(out[0] & 0x3, ==, 0x3);
    g_assert_cmpuint(out[3], ==, 42);
    g_assert_cmpint((int16_t)lduw_le_p(out + 8), ==, 70);
    g_assert_cmphex(mbox_send(&t, 0x4200, NULL, 0, out, sizeof(out), &len),
                    ==, 0);
    g_assert_cmpuint(ldl_le_p(out + 6), ==, 0);     /* no dirty shutdown */
    t3_stop(&t);

    unlink(file);
    rmdir(dir);
}


/* ---- the PCIe link ---- */

/*
 * Link Capabilities/Status speed [3:0] and width [9:4], Flit Mode Supported
 * (PCIe Capabilities bit 15) and Flit Mode Status (Link Status 2 bit 10) of
 * the device (bus DEV_BUS) and its root port (RP_BUS), with @opts on the
 * device: the root port (64 GT/s x32, flit mode) reports the device's
 * link, and flit mode when the device supports it.
 */
static void check_link(const char *opts, unsigned speed, unsigned width,
                       bool flit)
{
    T3 t;

    t3_start_opts(&t, false, opts);
    for (int bus = RP_BUS; bus <= DEV_BUS; bus++) {
        uint8_t pcie = cxl_qtest_find_cap(t.qts, bus, 0, 0x10);
        uint64_t at = cxl_qtest_cfg(bus, 0, 0, pcie);
        uint32_t cap = qtest_readl(t.qts, at + 0x0c);
        uint16_t sta = qtest_readw(t.qts, at + 0x12);

        g_assert_cmphex(pcie, !=, 0);
        g_assert_cmphex(cap & 0xf, ==, bus == RP_BUS ? 6 : speed);
        g_assert_cmphex((cap >> 4) & 0x3f, ==, bus == RP_BUS ? 32 : width);
        g_assert_cmphex(sta & 0xf, ==, speed);
        g_assert_cmphex((sta >> 4) & 0x3f, ==, width);
        g_assert_cmphex(qtest_readw(t.qts, at + 0x02) & 0x8000, ==,
                        bus == RP_BUS || flit ? 0x8000 : 0);
        g_assert_cmphex(qtest_readw(t.qts, at + 0x32) & 0x0400, ==,
                        flit ? 0x0400 : 0);
    }
    t3_stop(&t);
}

/*
 * The serial number: sn as given, 0 included, in the DSN capability and
 * Identify; without sn (upstream's default) no DSN capability and serial 0
 */
static void check_serial(const char *opts, bool dsn, uint64_t serial)
{
    T3 t;
    uint8_t out[18];
    uint32_t len;
    uint16_t cap;

    t3_start_raw(&t, false, opts);
    cap = cxl_qtest_find_ext_cap(t.qts, DEV_BUS, 0, 0x0003);
    if (dsn) {
        g_assert_cmphex(cap, !=, 0);
        g_assert_cmphex(dcfgl(&t, cap + 4), ==, (uint32_t)serial);
        g_assert_cmphex(dcfgl(&t, cap + 8), ==, serial >> 32);
    } else {
        g_assert_cmphex(cap, ==, 0);
    }
    /* the capabilities after it are still found (the list is intact) */
    g_assert_cmphex(cxl_qtest_find_ext_cap(t.qts, DEV_BUS, 0, 0x002e), !=, 0);
    g_assert_cmphex(mbox_send(&t, 0x0001, NULL, 0, out, sizeof(out), &len),
                    ==, 0);
    g_assert_cmphex(ldq_le_p(out + 8), ==, serial);
    t3_stop(&t);
}

static void test_serial(void)
{
    check_serial("", false, 0);
    check_serial(",sn=0", true, 0);
    check_serial(",sn=0x123456789abcdef0", true, 0x123456789abcdef0ull);
}

static void test_link(void)
{
    check_link("", 5, 16, false);               /* 32 GT/s x16 */
    check_link(",x-speed=16,x-width=4,x-256b-flit=on", 4, 4, true);
    check_link(",x-speed=2_5,x-width=1", 1, 1, false);
}

/* hdm-db: see cxl-qtest.h for the registers */

/* the default device: no BI Decoder, coherency unknown, BI reserved */
static void test_hdm_db_off(void)
{
    T3 t;

    t3_start_opts(&t, false, ",x-256b-flit=on");
    g_assert_cmphex(cxl_qtest_cm_cap(t.qts, t.comp, CM_CAP_ID_BI_DEC), ==, 0);
    g_assert_cmpuint(HDM_CAP_COHERENCY(qtest_readl(t.qts, t.hdm)), ==, 0);
    qtest_writel(t.qts, dec(&t, 0, HDM_DEC_CTRL), HDM_CTRL_BI);
    g_assert_cmphex(dec_ctrl(&t, 0) & HDM_CTRL_BI, ==, 0);
    t3_stop(&t);
}

static void test_hdm_db(void)
{
    T3 t;
    uint64_t bi;
    uint32_t st;

    t3_start_opts(&t, false, ",hdm-db=on,x-256b-flit=on");
    bi = cxl_qtest_cm_cap(t.qts, t.comp, CM_CAP_ID_BI_DEC);
    g_assert_cmphex(bi, !=, 0);
    /* both coherency models: host-only and device-coherent (HDM-DB) */
    g_assert_cmpuint(HDM_CAP_COHERENCY(qtest_readl(t.qts, t.hdm)), ==, 3);

    /* BI Decoder: explicit commit, nothing committed at reset */
    g_assert_cmphex(qtest_readl(t.qts, bi + BI_CAP), ==, 1u << 1);
    g_assert_cmphex(qtest_readl(t.qts, bi + BI_CTRL), ==, 0);
    st = qtest_readl(t.qts, bi + BI_STATUS);
    g_assert_cmphex(st & (BI_COMMITTED | BI_ERR_NOT_COMMITTED), ==, 0);
    g_assert_cmphex(st & BI_TIMEOUT_MASK, ==, BI_TIMEOUT_2S);

    /* BI Enable is a device's; BI Forward (a port's) reads 0 here */
    qtest_writel(t.qts, bi + BI_CTRL, BI_ENABLE | BI_FORWARD);
    g_assert_cmphex(qtest_readl(t.qts, bi + BI_CTRL), ==, BI_ENABLE);
    g_assert_cmphex(qtest_readl(t.qts, bi + BI_STATUS) & BI_COMMITTED,
                    ==, 0);
    /* commit: status reports it, the programming is frozen */
    qtest_writel(t.qts, bi + BI_CTRL, BI_ENABLE | BI_COMMIT);
    g_assert_cmphex(qtest_readl(t.qts, bi + BI_STATUS) &
                    (BI_COMMITTED | BI_ERR_NOT_COMMITTED), ==, BI_COMMITTED);
    qtest_writel(t.qts, bi + BI_CTRL, BI_COMMIT);
    g_assert_cmphex(qtest_readl(t.qts, bi + BI_CTRL), ==,
                    BI_ENABLE | BI_COMMIT);
    /* clearing Commit uncommits, and BI Enable is writable again */
    qtest_writel(t.qts, bi + BI_CTRL, BI_ENABLE);
    g_assert_cmphex(qtest_readl(t.qts, bi + BI_STATUS) & BI_COMMITTED,
                    ==, 0);
    qtest_writel(t.qts, bi + BI_CTRL, 0);
    g_assert_cmphex(qtest_readl(t.qts, bi + BI_CTRL), ==, 0);

    /* an HDM-DB decoder: BI set, device-coherent target type, commits */
    qtest_writel(t.qts, dec(&t, 0, HDM_DEC_CTRL), HDM_CTRL_BI);
    g_assert_cmphex(dec_ctrl(&t, 0) & HDM_CTRL_BI, ==, HDM_CTRL_BI);
    qtest_writel(t.qts, dec(&t, 0, HDM_DEC_BASE_LO), (uint32_t)t.window);
    qtest_writel(t.qts, dec(&t, 0, HDM_DEC_BASE_HI), t.window >> 32);
    qtest_writel(t.qts, dec(&t, 0, HDM_DEC_SIZE_LO), (uint32_t)VMEM_SIZE);
    qtest_writel(t.qts, dec(&t, 0, HDM_DEC_SIZE_HI), 0);
    qtest_writel(t.qts, dec(&t, 0, HDM_DEC_CTRL),
                 HDM_CTRL_BI | HDM_CTRL_COMMIT | HDM_CTRL_LOCK);
    g_assert_cmphex(dec_ctrl(&t, 0) &
                    (HDM_CTRL_BI | HDM_CTRL_COMMITTED | HDM_CTRL_ERR), ==,
                    HDM_CTRL_BI | HDM_CTRL_COMMITTED);
    /* locked on commit: BI cannot be cleared */
    qtest_writel(t.qts, dec(&t, 0, HDM_DEC_CTRL), 0);
    g_assert_cmphex(dec_ctrl(&t, 0) & (HDM_CTRL_BI | HDM_CTRL_COMMITTED),
                    ==, HDM_CTRL_BI | HDM_CTRL_COMMITTED);

    /* reset: BI decoder uncommitted and clear, HDM decoder too */
    qtest_writel(t.qts, bi + BI_CTRL, BI_ENABLE | BI_COMMIT);
    qtest_system_reset(t.qts);
    platform_init(&t);
    g_assert_cmphex(qtest_readl(t.qts, bi + BI_CTRL), ==, 0);
    g_assert_cmphex(qtest_readl(t.qts, bi + BI_STATUS) & BI_COMMITTED,
                    ==, 0);
    g_assert_cmphex(dec_ctrl(&t, 0) & (HDM_CTRL_BI | HDM_CTRL_COMMITTED),
                    ==, 0);
    t3_stop(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cxl/type3/config-space", test_config_space);
    qtest_add_func("/cxl/type3/device-registers", test_device_registers);
    qtest_add_func("/cxl/type3/hdm-decoders", test_hdm);
    qtest_add_func("/cxl/type3/cxl-mem", test_cxl_mem);
    qtest_add_func("/cxl/type3/cxl-mem-dvsec-range", test_cxl_mem_dvsec_range);
    qtest_add_func("/cxl/type3/cdat", test_cdat);
    qtest_add_func("/cxl/type3/ras-injection", test_ras_injection);
    qtest_add_func("/cxl/type3/device-state", test_device_state);
    qtest_add_func("/cxl/type3/link", test_link);
    qtest_add_func("/cxl/type3/serial", test_serial);
    qtest_add_func("/cxl/type3/hdm-db-off", test_hdm_db_off);
    qtest_add_func("/cxl/type3/hdm-db", test_hdm_db);
    return g_test_run();
}
