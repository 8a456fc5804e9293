/*
 * qtest: the cxl-type3 memory device, driven through configuration space
 * and MMIO as a guest driver would, without a guest:
 *  - configuration space: class code, Device Serial Number, the CXL DVSECs
 *    (device with its range registers, GPF, flex bus, register locator),
 *    Mem_Enable and Config Lock;
 *  - the device registers in BAR 2: capability array, memory device status,
 *    the primary mailbox capabilities;
 *  - the mailbox, used exactly as Linux's __cxl_pci_mbox_send_cmd() does:
 *    Identify, Identify Memory Device, unknown opcodes, the Command Effects
 *    Log against this test's own command table, and for every command a
 *    table of inputs and the return codes the spec asks for, plus
 *    functional round trips (LSA, timestamp, alerts, shutdown state, event
 *    logs and their interrupt policy);
 *  - the HDM decoders in the component registers (BAR 0): capabilities,
 *    commit, DPA skip, commit errors;
 *  - CXL.mem through the fixed memory window down to the backend files;
 *  - the CDAT read over DOE Table Access as Linux's cxl_cdat_read_table()
 *    does it.
 *  - poison: Get/Inject/Clear Poison, Scan Media, reads of poisoned lines
 *    through the window, QMP cxl-inject-poison.
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
#include "cxl-qtest.h"

#define MMIO_BASE           0xc0000000ull
#define RP_BUS              12
#define DEV_BUS             13

#define SERIAL              0x1234
#define VMEM_SIZE           (256 * MiB)
#define PMEM_SIZE           (512 * MiB)
#define LSA_SIZE            (1 * MiB)

/* Return codes of background and firmware commands (CXL r3.1 Table 8-34) */
#define RC_BACKGROUND       0x01
#define RC_BUSY             0x06
#define RC_FW_IN_PROGRESS   0x08
#define RC_FW_OUT_OF_ORDER  0x09
#define RC_FW_VERIFY_FAILED 0x0a
#define RC_INVALID_SLOT     0x0b
#define RC_ABORTED          0x12
#define RC_MEDIA_DISABLED   0x07
/* ... and of the poison commands */
#define RC_INVALID_PA       0x0f
#define RC_POISON_LIMIT     0x10
/* ... and of the security commands */
#define RC_SECURITY_STATE   0x13
#define RC_PASSPHRASE       0x14

/* CXL device DVSEC (Linux's PCI_DVSEC_CXL_*) */
#define DVSEC_CAP           0x0a
#define   DVSEC_MEM_CAPABLE     (1u << 2)
#define DVSEC_CTRL          0x0c
#define   DVSEC_MEM_ENABLE      (1u << 2)
#define DVSEC_LOCK          0x14
#define   DVSEC_CONFIG_LOCK     (1u << 0)
#define DVSEC_SIZE_HI(i)    (0x18 + (i) * 0x10)
#define DVSEC_SIZE_LO(i)    (0x1c + (i) * 0x10)
#define   DVSEC_MEM_INFO_VALID  (1u << 0)
#define   DVSEC_MEM_ACTIVE      (1u << 1)
#define DVSEC_BASE_HI(i)    (0x20 + (i) * 0x10)
#define DVSEC_BASE_LO(i)    (0x24 + (i) * 0x10)

typedef struct T3 {
    QTestState *qts;
    uint64_t bar[6];
    uint64_t bar_size[6];
    uint64_t comp;          /* component registers (register locator) */
    uint64_t devregs;       /* memory device registers */
    uint64_t mbox;          /* primary mailbox */
    uint32_t mbox_len;      /* its length in the capability header */
    uint64_t memdev;        /* memory device status */
    uint64_t status;        /* device status (event status) */
    uint64_t hdm;           /* HDM decoder capability */
    uint64_t window;        /* CXL fixed memory window 0 */
    uint16_t dvsec;         /* CXL device DVSEC */
    uint16_t msix_vectors;
    uint32_t payload_max;
    char *dir;              /* memory-backend-file directory, or NULL */
    char *vfile;
    char *pfile;
} T3;

/* ---- configuration space ---- */

static uint32_t dcfgl(T3 *t, int off)
{
    return qtest_readl(t->qts, cxl_qtest_cfg(DEV_BUS, 0, 0, off));
}

static uint16_t dcfgw(T3 *t, int off)
{
    return qtest_readw(t->qts, cxl_qtest_cfg(DEV_BUS, 0, 0, off));
}

static void dcfg_writel(T3 *t, int off, uint32_t v)
{
    qtest_writel(t->qts, cxl_qtest_cfg(DEV_BUS, 0, 0, off), v);
}

static void dcfg_writew(T3 *t, int off, uint16_t v)
{
    qtest_writew(t->qts, cxl_qtest_cfg(DEV_BUS, 0, 0, off), v);
}

/* Offset of CXL DVSEC @id, 0 if absent; counts the CXL DVSECs. */
static uint16_t find_dvsec(T3 *t, uint16_t id, unsigned *nr_cxl)
{
    return cxl_qtest_find_dvsec(t->qts, DEV_BUS, 0, id, nr_cxl);
}

/*
 * Size every BAR by writing all ones as a guest does, place them from
 * MMIO_BASE, open the root port's non-prefetchable window over them and
 * enable memory decoding and bus mastering on both functions.
 */
static void assign_bars(T3 *t)
{
    uint64_t cursor = cxl_qtest_assign_bars(t->qts, DEV_BUS, 0, MMIO_BASE,
                                            t->bar, t->bar_size);

    g_assert_cmphex(cursor, <=, CXL_QTEST_ECAM_BASE + 0x30000000ull);
    cxl_qtest_bridge_window(t->qts, RP_BUS, 0, MMIO_BASE,
                            ROUND_UP(cursor, 1 * MiB));
}

static void find_regs(T3 *t)
{
    t->comp = cxl_qtest_regloc(t->qts, DEV_BUS, 0, t->bar, 1);
    t->devregs = cxl_qtest_regloc(t->qts, DEV_BUS, 0, t->bar, 3);
    g_assert_cmphex(t->comp, !=, 0);
    g_assert_cmphex(t->devregs, !=, 0);

    /* device capability array: find the mailbox and memdev status */
    t->mbox = cxl_qtest_dev_cap(t->qts, t->devregs, 2, &t->mbox_len);
    t->memdev = cxl_qtest_dev_cap(t->qts, t->devregs, 0x4000, NULL);
    t->status = cxl_qtest_dev_cap(t->qts, t->devregs, 1, NULL);
    if (t->mbox) {
        t->payload_max = 1u << (qtest_readl(t->qts, t->mbox + MBOX_CAPS) &
                                0x1f);
    }

    /* component registers: HDM decoder capability */
    t->hdm = cxl_qtest_cm_cap(t->qts, t->comp, 5);

    uint8_t msix = cxl_qtest_find_cap(t->qts, DEV_BUS, 0, 0x11);
    g_assert_cmphex(msix, !=, 0);
    t->msix_vectors = (dcfgw(t, msix + 2) & 0x7ff) + 1;
}

/*
 * What firmware would do, at start and after a reset: enable ECAM, give
 * the root port its secondary bus, assign the device's BARs.
 */
static void platform_init(T3 *t)
{
    cxl_qtest_enable_ecam(t->qts);

    /* root port: primary 12, secondary and subordinate 13 */
    qtest_writel(t->qts, cxl_qtest_cfg(RP_BUS, 0, 0, 0x18),
                 RP_BUS | DEV_BUS << 8 | DEV_BUS << 16);
    g_assert_cmphex(dcfgw(t, 0x00), !=, 0xffff);
    assign_bars(t);
}

/* Start QEMU with the test topology; @files: file backends in a tmp dir */
/* ... with @dev_opts appended to the cxl-type3 device's options */
static void t3_start_opts(T3 *t, bool files, const char *dev_opts)
{
    g_autofree char *mem = NULL;
    g_autofree char *args = NULL;

    memset(t, 0, sizeof(*t));
    if (files) {
        GError *err = NULL;

        t->dir = g_dir_make_tmp("cxl-type3-test-XXXXXX", &err);
        g_assert_no_error(err);
        t->vfile = g_build_filename(t->dir, "vmem", NULL);
        t->pfile = g_build_filename(t->dir, "pmem", NULL);
        mem = g_strdup_printf(
            "-object memory-backend-file,id=vmem0,size=256M,share=on,"
            "mem-path=%s "
            "-object memory-backend-file,id=pmem0,size=512M,share=on,"
            "mem-path=%s ", t->vfile, t->pfile);
    } else {
        mem = g_strdup("-object memory-backend-ram,id=vmem0,size=256M "
                       "-object memory-backend-ram,id=pmem0,size=512M ");
    }
    args = g_strdup_printf(
        "-machine q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G "
        "%s -object memory-backend-ram,id=lsa0,size=1M "
        "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 "
        "-device cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2 "
        "-device cxl-type3,bus=rp0,volatile-memdev=vmem0,"
        "persistent-memdev=pmem0,lsa=lsa0,id=t3,sn=0x%x%s",
        mem, SERIAL, dev_opts);
    t->qts = cxl_qtest_start(args);
    platform_init(t);
    t->dvsec = find_dvsec(t, 0, NULL);
    g_assert_cmphex(t->dvsec, !=, 0);
    find_regs(t);
    t->window = cxl_qtest_mtree_addr(t->qts, "cxl-fixed-memory-window-0");
}

static void t3_start(T3 *t, bool files)
{
    t3_start_opts(t, files, "");
}

/* Run a table of mailbox cases on @t's device; returns the failures */
#define t3_run_cases(t, cases) \
    cxl_qtest_run_cases((t)->qts, (t)->mbox, (t)->payload_max, (cases), \
                        ARRAY_SIZE(cases))

static void t3_stop(T3 *t)
{
    qtest_quit(t->qts);
    if (t->dir) {
        unlink(t->vfile);
        unlink(t->pfile);
        rmdir(t->dir);
    }
    g_free(t->vfile);
    g_free(t->pfile);
    g_free(t->dir);
}

/* ---- mailbox, as Linux's __cxl_pci_mbox_send_cmd() ---- */

/* Send @opcode as cxl_qtest_mbox_send_raw() does */
static uint16_t mbox_send_raw(T3 *t, uint16_t opcode, const void *in,
                              size_t copy, uint32_t len, void *out,
                              size_t out_size, uint32_t *out_len)
{
    return cxl_qtest_mbox_send_raw(t->qts, t->mbox, t->payload_max, opcode,
                                   in, copy, len, out, out_size, out_len);
}

static uint16_t mbox_send(T3 *t, uint16_t opcode, const void *in,
                          size_t in_len, void *out, size_t out_size,
                          uint32_t *out_len)
{
    return mbox_send_raw(t, opcode, in, in_len, in_len, out, out_size,
                         out_len);
}

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

/* ---- 3. mailbox basics ---- */

static void test_mailbox_basics(void)
{
    T3 t;
    uint8_t out[256];
    uint32_t len;

    t3_start(&t, false);
    /* Identify (0001h) */
    memset(out, 0, sizeof(out));
    g_assert_cmphex(mbox_send(&t, 0x0001, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 18);
    g_assert_cmphex(lduw_le_p(out + 0), ==, dcfgw(&t, 0x00));
    g_assert_cmphex(lduw_le_p(out + 2), ==, dcfgw(&t, 0x02));
    g_assert_cmphex(lduw_le_p(out + 4), ==, dcfgw(&t, 0x2c));
    g_assert_cmphex(lduw_le_p(out + 6), ==, dcfgw(&t, 0x2e));
    g_assert_cmphex(ldq_le_p(out + 8), ==, SERIAL);
    g_assert_cmpuint(out[16], >=, 8);                   /* 2^n >= 256 */
    g_assert_cmpuint(out[16], <=, 20);
    g_assert_cmpuint(out[17], ==, 3);                   /* Type 3 device */

    /* Identify Memory Device (4000h) */
    memset(out, 0, sizeof(out));
    g_assert_cmphex(mbox_send(&t, 0x4000, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, >=, 0x45);
    g_assert_cmpuint(ldq_le_p(out + 0x10), ==, 3);      /* 256 MiB units */
    g_assert_cmpuint(ldq_le_p(out + 0x18), ==, 1);
    g_assert_cmpuint(ldq_le_p(out + 0x20), ==, 2);
    g_assert_cmpuint(ldl_le_p(out + 0x38), ==, LSA_SIZE);

    /* unknown opcodes: unsupported, no output */
    g_assert_cmphex(mbox_send(&t, 0xcafe, NULL, 0, NULL, 0, &len), ==,
                    RC_UNSUPPORTED);
    g_assert_cmphex(mbox_send(&t, 0x0000, NULL, 0, NULL, 0, &len), ==,
                    RC_UNSUPPORTED);
    /* the mailbox still works afterwards */
    g_assert_cmphex(mbox_send(&t, 0x0001, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    t3_stop(&t);
}

/* ---- 4./5. the command table ---- */

/* Every command the device may list in its CEL, and this test covers. */
static const CXLQtestOp tested_ops[] = {
    { 0x0001, "Identify" },
    { 0x0002, "Background Operation Status" },
    { 0x0005, "Request Abort Background Operation" },
    { 0x0100, "Get Event Records" },
    { 0x0101, "Clear Event Records" },
    { 0x0102, "Get Event Interrupt Policy" },
    { 0x0103, "Set Event Interrupt Policy" },
    { 0x0200, "Get FW Info" },
    { 0x0201, "Transfer FW" },
    { 0x0202, "Activate FW" },
    { 0x0300, "Get Timestamp" },
    { 0x0301, "Set Timestamp" },
    { 0x0400, "Get Supported Logs" },
    { 0x0401, "Get Log" },
    { 0x0402, "Get Log Capabilities" },
    { 0x0500, "Get Supported Features" },
    { 0x0501, "Get Feature" },
    { 0x0502, "Set Feature" },
    { 0x0600, "Perform Maintenance" },
    { 0x4000, "Identify Memory Device" },
    { 0x4100, "Get Partition Info" },
    { 0x4101, "Set Partition Info" },
    { 0x4102, "Get LSA" },
    { 0x4103, "Set LSA" },
    { 0x4200, "Get Health Info" },
    { 0x4201, "Get Alert Configuration" },
    { 0x4202, "Set Alert Configuration" },
    { 0x4203, "Get Shutdown State" },
    { 0x4204, "Set Shutdown State" },
    { 0x4300, "Get Poison List" },
    { 0x4301, "Inject Poison" },
    { 0x4302, "Clear Poison" },
    { 0x4303, "Get Scan Media Capabilities" },
    { 0x4304, "Scan Media" },
    { 0x4305, "Get Scan Media Results" },
    { 0x4400, "Sanitize" },
    { 0x4401, "Secure Erase" },
    { 0x4500, "Get Security State" },
    { 0x4501, "Set Passphrase" },
    { 0x4502, "Disable Passphrase" },
    { 0x4503, "Unlock" },
    { 0x4504, "Freeze Security State" },
    { 0x4505, "Passphrase Secure Erase" },
};

static void test_cel(void)
{
    T3 t;
    uint32_t size;
    g_autofree uint8_t *cel = NULL;

    t3_start(&t, false);
    cel = cxl_qtest_read_cel(t.qts, t.mbox, t.payload_max, &size);
    cxl_qtest_check_cel(cel, size, tested_ops, ARRAY_SIZE(tested_ops));
    t3_stop(&t);
}

/*
 * The command table (see CXLQtestMboxCase). Busy ("one background
 * operation at a time"), progress and abort need a running background
 * operation: test_fw_update covers them with Transfer FW; the last cases
 * here start a Scan Media and check Busy while it runs (the table never
 * steps the clock).
 */
static const CXLQtestMboxCase mbox_cases[] = {
    /* events */
    { "get events info", 0x0100, { 0 }, 1, false, RC_SUCCESS, 0x20 },
    { "get events fatal", 0x0100, { 3 }, 1, false, RC_SUCCESS, 0x20 },
    { "get events short", 0x0100, {}, 0, false, RC_PAYLOAD_LEN },
    { "get events long", 0x0100, { 0, 0 }, 2, false, RC_PAYLOAD_LEN },
    { "get events log 5", 0x0100, { 5 }, 1, false, RC_INVALID_INPUT },
    { "clear events all", 0x0101, { 0, 1, 0 }, 6, false, RC_SUCCESS, 0 },
    { "clear events short", 0x0101, { 0, 1, 0 }, 5, false, RC_PAYLOAD_LEN },
    { "clear events long", 0x0101, { 0, 0, 1, 0, 0, 0, 1, 0, 0 }, 9, false,
      RC_PAYLOAD_LEN },
    { "clear events missing handles", 0x0101, { 0, 0, 2, 0, 0, 0, 1, 0 }, 8,
      false, RC_PAYLOAD_LEN },
    { "clear events bad handle", 0x0101, { 0, 0, 1, 0, 0, 0, 1, 0 }, 8,
      false, RC_INVALID_HANDLE },
    { "clear events log 5", 0x0101, { 5, 1, 0 }, 6, false,
      RC_INVALID_INPUT },
    { "get int policy", 0x0102, {}, 0, false, RC_SUCCESS, 4 },
    { "get int policy long", 0x0102, {}, 1, false, RC_PAYLOAD_LEN },
    { "set int policy none", 0x0103, { 0, 0, 0, 0 }, 4, false,
      RC_SUCCESS, 0 },
    { "set int policy short", 0x0103, { 0, 0, 0 }, 3, false,
      RC_PAYLOAD_LEN },
    { "set int policy long", 0x0103, {}, 6, false, RC_PAYLOAD_LEN },
    { "set int policy reserved mode", 0x0103, { 3, 0, 0, 0 }, 4, false,
      RC_INVALID_INPUT },
    /* firmware */
    { "get fw info", 0x0200, {}, 0, false, RC_SUCCESS, 0x50 },
    { "get fw info long", 0x0200, {}, 1, false, RC_PAYLOAD_LEN },
    /*
     * Transfer FW: action, slot, offset (128-byte units) in a 0x80-byte
     * header, then data. Only cases that end before the background
     * operation would start; test_fw_update covers the rest.
     */
    { "transfer fw abort, none in progress", 0x0201, { 4 }, 0x80, false,
      RC_SUCCESS, 0 },
    { "transfer fw short", 0x0201, { 4 }, 0x7f, false, RC_PAYLOAD_LEN },
    { "transfer fw longer than the mailbox", 0x0201, { 0, 2 }, 0x80, true,
      RC_PAYLOAD_LEN },
    { "transfer fw reserved action", 0x0201, { 5, 2 }, 0x100, false,
      RC_INVALID_INPUT },
    { "transfer fw full to slot 0", 0x0201, { 0, 0 }, 0x100, false,
      RC_INVALID_SLOT },
    { "transfer fw full to the active slot", 0x0201, { 0, 1 }, 0x100, false,
      RC_INVALID_SLOT },
    { "transfer fw full beyond the slots", 0x0201, { 0, 3 }, 0x100, false,
      RC_INVALID_SLOT },
    { "transfer fw full without data", 0x0201, { 0, 2 }, 0x80, false,
      RC_INVALID_INPUT },
    { "transfer fw initiate not at 0", 0x0201, { 1, 0, 0, 0, 1 }, 0x100,
      false, RC_FW_OUT_OF_ORDER },
    { "transfer fw initiate, part of a unit", 0x0201, { 1 }, 0x80 + 64,
      false, RC_INVALID_INPUT },
    { "transfer fw continue without initiate", 0x0201, { 2, 0, 0, 0, 1 },
      0x100, false, RC_FW_OUT_OF_ORDER },
    { "transfer fw end without initiate", 0x0201, { 3, 2, 0, 0, 1 }, 0x100,
      false, RC_FW_OUT_OF_ORDER },
    /* Activate FW: action (0 online, 1 on reset), slot */
    { "activate fw active slot on reset", 0x0202, { 1, 1 }, 2, false,
      RC_SUCCESS, 0 },
    { "activate fw active slot online", 0x0202, { 0, 1 }, 2, false,
      RC_SUCCESS, 0 },
    { "activate fw short", 0x0202, { 1 }, 1, false, RC_PAYLOAD_LEN },
    { "activate fw long", 0x0202, { 1, 1 }, 3, false, RC_PAYLOAD_LEN },
    { "activate fw reserved action", 0x0202, { 2, 1 }, 2, false,
      RC_INVALID_INPUT },
    { "activate fw slot 0", 0x0202, { 1, 0 }, 2, false, RC_INVALID_SLOT },
    { "activate fw beyond the slots", 0x0202, { 0, 3 }, 2, false,
      RC_INVALID_SLOT },
    { "activate fw empty slot", 0x0202, { 1, 2 }, 2, false,
      RC_INVALID_SLOT },
    /* memory device */
    { "identify memdev", 0x4000, {}, 0, false, RC_SUCCESS, 0x45 },
    { "identify memdev long", 0x4000, {}, 1, false, RC_PAYLOAD_LEN },
    { "get partition", 0x4100, {}, 0, false, RC_SUCCESS, 0x20 },
    { "get partition long", 0x4100, {}, 1, false, RC_PAYLOAD_LEN },
    { "set partition as is", 0x4101, { 1 }, 0x0a, false, RC_SUCCESS, 0 },
    { "set partition short", 0x4101, { 1 }, 0x09, false, RC_PAYLOAD_LEN },
    { "set partition long", 0x4101, { 1 }, 0x0b, false, RC_PAYLOAD_LEN },
    { "set partition 512M volatile", 0x4101, { 2 }, 0x0a, false,
      RC_INVALID_INPUT },
    { "set partition beyond capacity", 0x4101, { 4 }, 0x0a, false,
      RC_INVALID_INPUT },
    /* Get LSA: offset, length; Set LSA: offset, reserved, data */
    { "get lsa", 0x4102, { 0, 0, 0, 0, 0x10, 0, 0, 0 }, 8, false,
      RC_SUCCESS, 16 },
    { "get lsa at the end", 0x4102, { 0xf8, 0xff, 0x0f, 0, 8, 0, 0, 0 }, 8,
      false, RC_SUCCESS, 8 },
    { "get lsa short", 0x4102, { 0, 0, 0, 0, 0x10, 0, 0, 0 }, 7, false,
      RC_PAYLOAD_LEN },
    { "get lsa long", 0x4102, { 0, 0, 0, 0, 0x10, 0, 0, 0 }, 9, false,
      RC_PAYLOAD_LEN },
    { "get lsa beyond the end", 0x4102,
      { 0xf8, 0xff, 0x0f, 0, 0x10, 0, 0, 0 }, 8, false, RC_INVALID_INPUT },
    { "get lsa offset past the end", 0x4102,
      { 0, 0, 0x10, 0, 1, 0, 0, 0 }, 8, false, RC_INVALID_INPUT },
    { "set lsa", 0x4103, { 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4 }, 12, false,
      RC_SUCCESS, 0 },
    { "set lsa short", 0x4103, {}, 7, false, RC_PAYLOAD_LEN },
    { "set lsa longer than the mailbox", 0x4103, {}, 8, true,
      RC_PAYLOAD_LEN },
    { "set lsa beyond the end", 0x4103,
      { 0xfc, 0xff, 0x0f, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 }, 16, false,
      RC_INVALID_INPUT },
    { "get health", 0x4200, {}, 0, false, RC_SUCCESS, 0x12 },
    { "get health long", 0x4200, {}, 1, false, RC_PAYLOAD_LEN },
    { "get alert config", 0x4201, {}, 0, false, RC_SUCCESS, 0x10 },
    { "get alert config long", 0x4201, {}, 1, false, RC_PAYLOAD_LEN },
    { "set alert config no change", 0x4202, {}, 0x0c, false,
      RC_SUCCESS, 0 },
    { "set alert config short", 0x4202, {}, 0x0b, false, RC_PAYLOAD_LEN },
    { "set alert config long", 0x4202, {}, 0x0d, false, RC_PAYLOAD_LEN },
    { "get shutdown state", 0x4203, {}, 0, false, RC_SUCCESS, 1 },
    { "get shutdown state long", 0x4203, {}, 1, false, RC_PAYLOAD_LEN },
    { "set shutdown state", 0x4204, { 0 }, 1, false, RC_SUCCESS, 0 },
    { "set shutdown state short", 0x4204, {}, 0, false, RC_PAYLOAD_LEN },
    { "set shutdown state long", 0x4204, { 0, 0 }, 2, false,
      RC_PAYLOAD_LEN },
    { "set shutdown state reserved bits", 0x4204, { 0x2 }, 1, false,
      RC_INVALID_INPUT },
    { "set shutdown state reserved bit 7", 0x4204, { 0x81 }, 1, false,
      RC_INVALID_INPUT },
    /*
     * poison: DPA (8) and length in 64-byte units (8); the capacity is
     * 0x30000000 bytes (0xc00000 units)
     */
    { "get poison list", 0x4300, { [8] = 1 }, 16, false, RC_SUCCESS, 0x20,
      NO_UUID, true },
    { "get poison list short", 0x4300, { [8] = 1 }, 15, false,
      RC_PAYLOAD_LEN },
    { "get poison list long", 0x4300, { [8] = 1 }, 17, false,
      RC_PAYLOAD_LEN },
    { "get poison list misaligned", 0x4300, { 0x20, [8] = 1 }, 16, false,
      RC_INVALID_INPUT },
    { "get poison list no length", 0x4300, {}, 16, false, RC_INVALID_INPUT },
    { "get poison list beyond capacity", 0x4300, { [3] = 0x30, [8] = 1 },
      16, false, RC_INVALID_PA },
    { "get poison list past capacity", 0x4300,
      { [8] = 0x01, [9] = 0, [10] = 0xc0 }, 16, false, RC_INVALID_PA },
    { "get poison list length wraps", 0x4300,
      { [0] = 0x40, [8] = 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
      16, false, RC_INVALID_PA },
    { "inject poison", 0x4301, { 0x00, 0x10 }, 8, false, RC_SUCCESS, 0,
      NO_UUID, true },
    { "inject poison again", 0x4301, { 0x00, 0x10 }, 8, false, RC_SUCCESS,
      0, NO_UUID, true },
    { "inject poison short", 0x4301, { 0x00, 0x10 }, 7, false,
      RC_PAYLOAD_LEN },
    { "inject poison long", 0x4301, { 0x00, 0x10 }, 9, false,
      RC_PAYLOAD_LEN },
    { "inject poison misaligned", 0x4301, { 0x08, 0x10 }, 8, false,
      RC_INVALID_INPUT },
    { "inject poison beyond capacity", 0x4301, { [3] = 0x30 }, 8, false,
      RC_INVALID_PA },
    { "inject poison far beyond", 0x4301,
      { 0xc0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 8, false,
      RC_INVALID_PA },
    { "get poison list with a record", 0x4300, { [8] = 0x80 }, 16, false,
      RC_SUCCESS, 0x30, NO_UUID, true },
    { "clear poison", 0x4302, { 0x00, 0x10 }, 72, false, RC_SUCCESS, 0,
      NO_UUID, true },
    { "clear poison not poisoned", 0x4302, { 0x40, 0x10 }, 72, false,
      RC_SUCCESS, 0, NO_UUID, true },
    { "clear poison short", 0x4302, { 0x00, 0x10 }, 71, false,
      RC_PAYLOAD_LEN },
    { "clear poison long", 0x4302, { 0x00, 0x10 }, 73, false,
      RC_PAYLOAD_LEN },
    { "clear poison no data", 0x4302, { 0x00, 0x10 }, 8, false,
      RC_PAYLOAD_LEN },
    { "clear poison misaligned", 0x4302, { 0x01, 0x10 }, 72, false,
      RC_INVALID_INPUT },
    { "clear poison beyond capacity", 0x4302, { [3] = 0x30 }, 72, false,
      RC_INVALID_PA },
    { "get poison list empty again", 0x4300, { [8] = 0x80 }, 16, false,
      RC_SUCCESS, 0x20, NO_UUID, true },
    { "get scan media caps", 0x4303, { [8] = 1 }, 16, false, RC_SUCCESS, 4,
      NO_UUID, true },
    { "get scan media caps short", 0x4303, { [8] = 1 }, 15, false,
      RC_PAYLOAD_LEN },
    { "get scan media caps long", 0x4303, { [8] = 1 }, 17, false,
      RC_PAYLOAD_LEN },
    { "get scan media caps misaligned", 0x4303, { 0x10, [8] = 1 }, 16,
      false, RC_INVALID_INPUT },
    { "get scan media caps no length", 0x4303, {}, 16, false,
      RC_INVALID_INPUT },
    { "get scan media caps beyond capacity", 0x4303,
      { [3] = 0x30, [8] = 1 }, 16, false, RC_INVALID_PA },
    { "get scan media results (none)", 0x4305, {}, 0, false, RC_SUCCESS,
      0x20, NO_UUID, true },
    { "get scan media results long", 0x4305, {}, 1, false, RC_PAYLOAD_LEN },
    { "scan media short", 0x4304, { [8] = 1 }, 16, false, RC_PAYLOAD_LEN },
    { "scan media long", 0x4304, { [8] = 1 }, 18, false, RC_PAYLOAD_LEN },
    { "scan media misaligned", 0x4304, { 0x04, [8] = 1 }, 17, false,
      RC_INVALID_INPUT },
    { "scan media no length", 0x4304, {}, 17, false, RC_INVALID_INPUT },
    { "scan media beyond capacity", 0x4304, { [3] = 0x30, [8] = 1 }, 17,
      false, RC_INVALID_PA },
    { "scan media reserved flags", 0x4304, { [8] = 1, [16] = 0x2 }, 17,
      false, RC_INVALID_INPUT },
    /* the last cases: a scan runs */
    { "scan media", 0x4304, { [8] = 1 }, 17, false, RC_BACKGROUND, 0 },
    { "scan media while scanning", 0x4304, { [8] = 1 }, 17, false,
      RC_BUSY },
    { "get scan media results while scanning", 0x4305, {}, 0, false,
      RC_BUSY },
    { "get poison list while scanning", 0x4300, { [8] = 1 }, 16, false,
      RC_SUCCESS, 0x20, NO_UUID, true },
    { "sanitize while scanning", 0x4400, {}, 0, false, RC_BUSY },
    { "secure erase while scanning", 0x4401, {}, 0, false, RC_BUSY },
};

/*
 * Run after mbox_cases once the scan has ended (no decoder is committed):
 * the sanitize commands, then, while Sanitize runs (the clock is not
 * stepped), Media Disabled for every command that accesses the media,
 * Busy for other background commands, and the rest served. Input length
 * is checked first.
 */
static const CXLQtestMboxCase sanitize_cases[] = {
    { "get security state", 0x4500, {}, 0, false, RC_SUCCESS, 4,
      .exact = true },
    { "get security state long", 0x4500, {}, 1, false, RC_PAYLOAD_LEN },
    { "secure erase", 0x4401, {}, 0, false, RC_SUCCESS, 0, .exact = true },
    { "secure erase long", 0x4401, {}, 1, false, RC_PAYLOAD_LEN },
    { "sanitize long", 0x4400, {}, 1, false, RC_PAYLOAD_LEN },
    { "sanitize", 0x4400, {}, 0, false, RC_BACKGROUND, 0 },
    /* the last cases: Sanitize runs */
    { "sanitize while sanitizing", 0x4400, {}, 0, false, RC_MEDIA_DISABLED },
    { "sanitize long while sanitizing", 0x4400, {}, 1, false,
      RC_PAYLOAD_LEN },
    { "secure erase while sanitizing", 0x4401, {}, 0, false,
      RC_MEDIA_DISABLED },
    { "get lsa while sanitizing", 0x4102, { 0, 0, 0, 0, 0x10, 0, 0, 0 }, 8,
      false, RC_MEDIA_DISABLED },
    { "get lsa short while sanitizing", 0x4102, {}, 7, false,
      RC_PAYLOAD_LEN },
    { "set lsa while sanitizing", 0x4103, { [8] = 1 }, 12, false,
      RC_MEDIA_DISABLED },
    { "get poison list while sanitizing", 0x4300, { [8] = 1 }, 16, false,
      RC_MEDIA_DISABLED },
    { "inject poison while sanitizing", 0x4301, {}, 8, false,
      RC_MEDIA_DISABLED },
    { "clear poison while sanitizing", 0x4302, {}, 72, false,
      RC_MEDIA_DISABLED },
    { "get scan media caps while sanitizing", 0x4303, { [8] = 1 }, 16,
      false, RC_MEDIA_DISABLED },
    { "scan media while sanitizing", 0x4304, { [8] = 1 }, 17, false,
      RC_MEDIA_DISABLED },
    { "get scan media results while sanitizing", 0x4305, {}, 0, false,
      RC_MEDIA_DISABLED },
    { "transfer fw while sanitizing", 0x0201, { 0, 2 }, 0x100, false,
      RC_BUSY },
    { "abort sanitize", 0x0005, {}, 0, false, RC_BUSY },
    { "get security state while sanitizing", 0x4500, {}, 0, false,
      RC_SUCCESS, 4, .exact = true },
    { "get health info while sanitizing", 0x4200, {}, 0, false, RC_SUCCESS,
      0x12 },
    { "identify memdev while sanitizing", 0x4000, {}, 0, false, RC_SUCCESS,
      0x45 },
};

/* ---- features and maintenance ---- */

/* Feature UUIDs (Linux's include/cxl/features.h), as input bytes */
#define UUID_SCRUB      0x96, 0xda, 0xd7, 0xd6, 0xfd, 0xe8, 0x48, 0x2b, \
                        0xa7, 0x33, 0x75, 0x77, 0x4e, 0x06, 0xdb, 0x8a
#define UUID_ECS        0xe5, 0xb1, 0x3f, 0x22, 0x23, 0x28, 0x4a, 0x14, \
                        0xb8, 0xba, 0xb9, 0x69, 0x1e, 0x89, 0x33, 0x86
#define UUID_SPPR       0x89, 0x2b, 0xa4, 0x75, 0xfa, 0xd8, 0x47, 0x4e, \
                        0x9d, 0x3e, 0x69, 0x2c, 0x91, 0x75, 0x68, 0xbb
#define UUID_HPPR       0x80, 0xea, 0x45, 0x21, 0x78, 0x6f, 0x41, 0x27, \
                        0xaf, 0xb1, 0xec, 0x74, 0x59, 0xfb, 0x0e, 0x24
#define UUID_CACHELINE  0x96, 0xc3, 0x33, 0x86, 0x91, 0xdd, 0x44, 0xc7, \
                        0x9e, 0xcb, 0xfd, 0xaf, 0x65, 0x03, 0xba, 0xc4
#define UUID_ROW        0x45, 0x0e, 0xbf, 0x67, 0xb1, 0x35, 0x4f, 0x97, \
                        0xa4, 0x98, 0xc2, 0xd5, 0x7f, 0x27, 0x9b, 0xed
#define UUID_BANK       0x78, 0xb7, 0x96, 0x36, 0x90, 0xac, 0x4b, 0x64, \
                        0xa4, 0xef, 0xfa, 0xac, 0x5d, 0x18, 0xa8, 0x63
#define UUID_RANK       0x34, 0xdb, 0xaf, 0xf5, 0x05, 0x52, 0x42, 0x81, \
                        0x8f, 0x76, 0xda, 0x0b, 0x5e, 0x7a, 0x76, 0xa7

#define NR_FEATURES     8
#define FEAT_ENTRY      48
#define RC_FEAT_VERSION         0x19
#define RC_FEAT_SELECTION       0x1a
#define RC_FEAT_IN_PROGRESS     0x1b
#define RC_FEAT_OUT_OF_ORDER    0x1c
#define RC_RESOURCES_EXHAUSTED  0x1d

/*
 * Set Feature input: UUID, flags (action [2:0], saved across reset [3]) at
 * 16, offset at 20, version at 22, data from 32. Get Feature: UUID, offset
 * at 16, count at 18, selection at 20. Perform Maintenance: class,
 * subclass, then for PPR flags, DPA (8), nibble mask (3); for sparing
 * flags, channel, rank, nibble mask (3), bank group, bank, row (3),
 * column (2), sub-channel.
 */
static const CXLQtestMboxCase feature_cases[] = {
    /* Get Supported Features: count (output bytes), start index */
    { "get supported features", 0x0500, { 0x00, 0x02 }, 8, false,
      RC_SUCCESS, 8 + NR_FEATURES * FEAT_ENTRY, .exact = true },
    { "get supported features header only", 0x0500, { 8 }, 8, false,
      RC_SUCCESS, 8, .exact = true },
    { "get supported features short", 0x0500, { 0x00, 0x02 }, 7, false,
      RC_PAYLOAD_LEN },
    { "get supported features long", 0x0500, { 0x00, 0x02 }, 9, false,
      RC_PAYLOAD_LEN },
    { "get supported features count below header", 0x0500, { 7 }, 8, false,
      RC_INVALID_INPUT },
    { "get supported features start past the end", 0x0500,
      { 0x00, 0x02, 0, 0, NR_FEATURES }, 8, false, RC_INVALID_INPUT },
    { "get supported features reserved", 0x0500, { 0x00, 0x02, [6] = 1 },
      8, false, RC_INVALID_INPUT },
    /* Get Feature */
    { "get feature scrub", 0x0501, { UUID_SCRUB, 0, 0, 4, 0, 0 }, 21,
      false, RC_SUCCESS, 4, .exact = true },
    { "get feature scrub default", 0x0501, { UUID_SCRUB, 0, 0, 4, 0, 1 },
      21, false, RC_SUCCESS, 4, .exact = true },
    { "get feature scrub saved", 0x0501, { UUID_SCRUB, 0, 0, 4, 0, 2 }, 21,
      false, RC_SUCCESS, 4, .exact = true },
    { "get feature ecs from 1, more than there is", 0x0501,
      { UUID_ECS, 1, 0, 0xff, 0, 0 }, 21, false, RC_SUCCESS, 8,
      .exact = true },
    { "get feature soft ppr", 0x0501, { UUID_SPPR, 0, 0, 20, 0, 0 }, 21,
      false, RC_SUCCESS, 20, .exact = true },
    { "get feature rank sparing", 0x0501, { UUID_RANK, 0, 0, 19, 0, 0 }, 21,
      false, RC_SUCCESS, 19, .exact = true },
    { "get feature short", 0x0501, { UUID_SCRUB, 0, 0, 4, 0, 0 }, 20, false,
      RC_PAYLOAD_LEN },
    { "get feature long", 0x0501, { UUID_SCRUB, 0, 0, 4, 0, 0 }, 22, false,
      RC_PAYLOAD_LEN },
    { "get feature unknown uuid", 0x0501, { 0, 0, 4, 0, 0 }, 21, false,
      RC_UNSUPPORTED, 0, BAD_UUID },
    { "get feature selection 3", 0x0501, { UUID_SCRUB, 0, 0, 4, 0, 3 }, 21,
      false, RC_FEAT_SELECTION },
    { "get feature offset past the end", 0x0501,
      { UUID_SCRUB, 4, 0, 1, 0, 0 }, 21, false, RC_INVALID_INPUT },
    { "get feature count 0", 0x0501, { UUID_SCRUB, 0, 0, 0, 0, 0 }, 21,
      false, RC_INVALID_INPUT },
    /* Set Feature, full transfers */
    { "set feature scrub", 0x0502, { UUID_SCRUB, [22] = 1, [32] = 6, 1 },
      34, false, RC_SUCCESS, 0, .exact = true },
    { "set feature scrub saved", 0x0502,
      { UUID_SCRUB, [16] = 0x8, [22] = 1, [32] = 6, 1 }, 34, false,
      RC_SUCCESS, 0, .exact = true },
    { "set feature short", 0x0502, { UUID_SCRUB, [22] = 1 }, 31, false,
      RC_PAYLOAD_LEN },
    { "set feature scrub data too long", 0x0502,
      { UUID_SCRUB, [22] = 1, [32] = 6, 1 }, 35, false, RC_PAYLOAD_LEN },
    { "set feature scrub data too short", 0x0502,
      { UUID_SCRUB, [22] = 1, [32] = 6 }, 33, false, RC_PAYLOAD_LEN },
    { "set feature unknown uuid", 0x0502, { [6] = 1, [16] = 6, 1 }, 34,
      false, RC_UNSUPPORTED, 0, BAD_UUID },
    { "set feature version 2", 0x0502, { UUID_SCRUB, [22] = 2, [32] = 6, 1 },
      34, false, RC_FEAT_VERSION },
    { "set feature version 0", 0x0502, { UUID_SCRUB, [32] = 6, 1 }, 34,
      false, RC_FEAT_VERSION },
    { "set feature reserved action", 0x0502,
      { UUID_SCRUB, [16] = 5, [22] = 1, [32] = 6, 1 }, 34, false,
      RC_INVALID_INPUT },
    { "set feature reserved flag", 0x0502,
      { UUID_SCRUB, [16] = 0x10, [22] = 1, [32] = 6, 1 }, 34, false,
      RC_INVALID_INPUT },
    { "set feature reserved bytes", 0x0502,
      { UUID_SCRUB, [22] = 1, [31] = 1, [32] = 6, 1 }, 34, false,
      RC_INVALID_INPUT },
    { "set feature full with an offset", 0x0502,
      { UUID_SCRUB, [20] = 1, [22] = 1, [32] = 6, 1 }, 34, false,
      RC_INVALID_INPUT },
    { "set feature scrub cycle below minimum", 0x0502,
      { UUID_SCRUB, [22] = 1, [32] = 0, 1 }, 34, false, RC_INVALID_INPUT },
    { "set feature scrub reserved flags", 0x0502,
      { UUID_SCRUB, [22] = 1, [32] = 6, 3 }, 34, false, RC_INVALID_INPUT },
    { "set feature ecs", 0x0502,
      { UUID_ECS, [22] = 1, [32] = 1, 0x0b, 0, 0x05, 0 }, 37, false,
      RC_SUCCESS, 0, .exact = true },
    { "set feature ecs reserved log entry type", 0x0502,
      { UUID_ECS, [22] = 1, [32] = 2, 4, 0, 4, 0 }, 37, false,
      RC_INVALID_INPUT },
    { "set feature ecs threshold index 2", 0x0502,
      { UUID_ECS, [22] = 1, [32] = 0, 4, 0, 2, 0 }, 37, false,
      RC_INVALID_INPUT },
    { "set feature ecs reserved config bits", 0x0502,
      { UUID_ECS, [22] = 1, [32] = 0, 4, 0x01, 4, 0 }, 37, false,
      RC_INVALID_INPUT },
    { "set feature soft ppr", 0x0502, { UUID_SPPR, [22] = 1, [34] = 1 },
      35, false, RC_SUCCESS, 0, .exact = true },
    { "set feature hard ppr device initiated", 0x0502,
      { UUID_HPPR, [22] = 1, [32] = 1 }, 35, false, RC_INVALID_INPUT },
    { "set feature hard ppr at boot", 0x0502,
      { UUID_HPPR, [22] = 1, [34] = 2 }, 35, false, RC_INVALID_INPUT },
    { "set feature hard ppr reserved mode", 0x0502,
      { UUID_HPPR, [22] = 1, [34] = 4 }, 35, false, RC_INVALID_INPUT },
    { "set feature row sparing", 0x0502, { UUID_ROW, [22] = 1 }, 34, false,
      RC_SUCCESS, 0, .exact = true },
    { "set feature bank sparing device initiated", 0x0502,
      { UUID_BANK, [22] = 1, [32] = 1 }, 34, false, RC_INVALID_INPUT },
    { "set feature cacheline sparing reserved mode", 0x0502,
      { UUID_CACHELINE, [22] = 1, [33] = 1 }, 34, false, RC_INVALID_INPUT },
    /* Set Feature, partial transfers of the ECS feature (5 bytes) */
    { "set feature continue without initiate", 0x0502,
      { UUID_ECS, [16] = 2, [22] = 1, [32] = 0 }, 33, false,
      RC_FEAT_OUT_OF_ORDER },
    { "set feature finish without initiate", 0x0502,
      { UUID_ECS, [16] = 3, [22] = 1, [32] = 0 }, 33, false,
      RC_FEAT_OUT_OF_ORDER },
    { "set feature initiate not at 0", 0x0502,
      { UUID_ECS, [16] = 1, [20] = 1, [22] = 1, [32] = 0 }, 33, false,
      RC_FEAT_OUT_OF_ORDER },
    { "set feature initiate past the feature", 0x0502,
      { UUID_ECS, [16] = 1, [22] = 1 }, 38, false, RC_INVALID_INPUT },
    { "set feature initiate", 0x0502,
      { UUID_ECS, [16] = 1, [22] = 1, [32] = 0, 4 }, 34, false, RC_SUCCESS,
      0, .exact = true },
    { "set feature initiate again", 0x0502,
      { UUID_ECS, [16] = 1, [22] = 1, [32] = 0, 4 }, 34, false,
      RC_FEAT_IN_PROGRESS },
    { "set feature full during a transfer", 0x0502,
      { UUID_SCRUB, [22] = 1, [32] = 6, 1 }, 34, false,
      RC_FEAT_IN_PROGRESS },
    { "set feature continue of another feature", 0x0502,
      { UUID_SCRUB, [16] = 2, [20] = 2, [22] = 1, [32] = 1 }, 33, false,
      RC_FEAT_IN_PROGRESS },
    { "set feature continue repeating an offset", 0x0502,
      { UUID_ECS, [16] = 2, [22] = 1, [32] = 0, 4 }, 34, false,
      RC_FEAT_OUT_OF_ORDER },
    { "set feature continue skipping bytes", 0x0502,
      { UUID_ECS, [16] = 2, [20] = 3, [22] = 1, [32] = 0 }, 33, false,
      RC_FEAT_OUT_OF_ORDER },
    { "set feature continue", 0x0502,
      { UUID_ECS, [16] = 2, [20] = 2, [22] = 1, [32] = 0, 4 }, 34, false,
      RC_SUCCESS, 0, .exact = true },
    { "set feature finish", 0x0502,
      { UUID_ECS, [16] = 3, [20] = 4, [22] = 1, [32] = 0 }, 33, false,
      RC_SUCCESS, 0, .exact = true },
    { "set feature abort, none in progress", 0x0502,
      { UUID_ECS, [16] = 4, [22] = 1 }, 32, false, RC_SUCCESS, 0,
      .exact = true },
    { "set feature finish short of the feature", 0x0502,
      { UUID_ECS, [16] = 1, [22] = 1, [32] = 0, 4 }, 34, false, RC_SUCCESS,
      0, .exact = true },
    { "... finish", 0x0502, { UUID_ECS, [16] = 3, [20] = 2, [22] = 1,
      [32] = 0 }, 33, false, RC_INVALID_INPUT },
    { "... dropped the transfer", 0x0502,
      { UUID_ECS, [16] = 2, [20] = 3, [22] = 1, [32] = 0 }, 33, false,
      RC_FEAT_OUT_OF_ORDER },
    { "set feature initiate, then abort", 0x0502,
      { UUID_ECS, [16] = 1, [22] = 1, [32] = 0, 4 }, 34, false, RC_SUCCESS,
      0, .exact = true },
    { "set feature abort", 0x0502, { UUID_ECS, [16] = 4, [22] = 1 }, 32,
      false, RC_SUCCESS, 0, .exact = true },
    { "set feature continue after abort", 0x0502,
      { UUID_ECS, [16] = 2, [20] = 2, [22] = 1, [32] = 0, 4 }, 34, false,
      RC_FEAT_OUT_OF_ORDER },
    /* Perform Maintenance (the capacity is 0x30000000 bytes) */
    { "perform maintenance short", 0x0600, { 1 }, 1, false,
      RC_PAYLOAD_LEN },
    { "perform maintenance soft ppr short", 0x0600, { 1, 0 }, 13, false,
      RC_PAYLOAD_LEN },
    { "perform maintenance soft ppr long", 0x0600, { 1, 0 }, 15, false,
      RC_PAYLOAD_LEN },
    { "perform maintenance row sparing long", 0x0600, { 2, 1 }, 18, false,
      RC_PAYLOAD_LEN },
    { "perform maintenance unknown class", 0x0600, { 3, 0 }, 14, false,
      RC_UNSUPPORTED },
    { "perform maintenance unknown ppr subclass", 0x0600, { 1, 2 }, 14,
      false, RC_UNSUPPORTED },
    { "perform maintenance unknown sparing subclass", 0x0600, { 2, 4 }, 17,
      false, RC_UNSUPPORTED },
    { "perform maintenance ppr reserved flags", 0x0600, { 1, 0, 0x2 }, 14,
      false, RC_INVALID_INPUT },
    { "perform maintenance ppr beyond capacity", 0x0600,
      { 1, 1, 0, [6] = 0x30 }, 14, false, RC_INVALID_PA },
    { "perform maintenance sparing reserved flags", 0x0600, { 2, 3, 0x10 },
      17, false, RC_INVALID_INPUT },
    { "perform maintenance sparing channel 8", 0x0600, { 2, 3, 0, 8 }, 17,
      false, RC_INVALID_INPUT },
    { "perform maintenance sparing rank 4", 0x0600, { 2, 3, 0, 0, 4 }, 17,
      false, RC_INVALID_INPUT },
    { "perform maintenance bank sparing bank group 8", 0x0600,
      { 2, 2, [8] = 8 }, 17, false, RC_INVALID_INPUT },
    { "perform maintenance bank sparing bank 4", 0x0600, { 2, 2, [9] = 4 },
      17, false, RC_INVALID_INPUT },
    { "perform maintenance row sparing row 0x40000", 0x0600,
      { 2, 1, [12] = 0x04 }, 17, false, RC_INVALID_INPUT },
    { "perform maintenance cacheline column 0x800", 0x0600,
      { 2, 0, [14] = 0x08 }, 17, false, RC_INVALID_INPUT },
    { "perform maintenance cacheline sub-channel 2", 0x0600,
      { 2, 0, 0x4, [15] = 2 }, 17, false, RC_INVALID_INPUT },
    /* the last cases: a maintenance operation runs */
    { "perform maintenance soft ppr", 0x0600, { 1, 0, 0, 0x00, 0x10 }, 14,
      false, RC_BACKGROUND, 0 },
    { "perform maintenance while one runs", 0x0600, { 2, 3 }, 17, false,
      RC_BUSY },
    { "scan media while maintenance runs", 0x4304, { [8] = 1 }, 17, false,
      RC_BUSY },
    { "set feature while maintenance runs", 0x0502,
      { UUID_SCRUB, [22] = 1, [32] = 6, 1 }, 34, false, RC_SUCCESS, 0,
      .exact = true },
};

/*
 * The security commands on a new device (no passphrase, which compares as
 * 32 zero bytes), in order. Set Passphrase: type (0 master, 1 user), 31
 * reserved, current passphrase at 32, new at 64 (96 bytes); Disable
 * Passphrase and Passphrase Secure Erase: type, 31 reserved, passphrase
 * at 32 (64 bytes); Unlock: the passphrase (32 bytes). The state
 * transitions, attempt limits and locking are in test_security.
 */
static const CXLQtestMboxCase security_cases[] = {
    { "get security state", 0x4500, {}, 0, false, RC_SUCCESS, 4,
      .exact = true },
    { "set passphrase short", 0x4501, { 1 }, 95, false, RC_PAYLOAD_LEN },
    { "set passphrase long", 0x4501, { 1 }, 97, false, RC_PAYLOAD_LEN },
    { "set passphrase bad type", 0x4501, { 2 }, 96, false,
      RC_INVALID_INPUT },
    { "disable user passphrase (none set)", 0x4502, { 1 }, 64, false,
      RC_SECURITY_STATE },
    { "disable master passphrase (none set)", 0x4502, { 0 }, 64, false,
      RC_SECURITY_STATE },
    { "unlock (not locked)", 0x4503, {}, 32, false, RC_SECURITY_STATE },
    { "unlock short", 0x4503, {}, 31, false, RC_PAYLOAD_LEN },
    { "unlock long", 0x4503, {}, 33, false, RC_PAYLOAD_LEN },
    { "set user passphrase wrong current", 0x4501, { 1, [32] = 9 }, 96,
      false, RC_PASSPHRASE },
    { "set user passphrase", 0x4501, { 1, [64] = 0x55 }, 96, false,
      RC_SUCCESS, 0, .exact = true },
    { "set master passphrase with user set", 0x4501, { 0 }, 96, false,
      RC_SECURITY_STATE },
    { "secure erase with user passphrase", 0x4401, {}, 0, false,
      RC_SECURITY_STATE },
    { "sanitize with user passphrase", 0x4400, {}, 0, false,
      RC_SECURITY_STATE },
    { "disable passphrase short", 0x4502, { 1 }, 63, false, RC_PAYLOAD_LEN },
    { "disable passphrase long", 0x4502, { 1 }, 65, false, RC_PAYLOAD_LEN },
    { "disable passphrase bad type", 0x4502, { 2 }, 64, false,
      RC_INVALID_INPUT },
    { "disable user passphrase wrong", 0x4502, { 1 }, 64, false,
      RC_PASSPHRASE },
    { "disable user passphrase", 0x4502, { 1, [32] = 0x55 }, 64, false,
      RC_SUCCESS, 0, .exact = true },
    { "set master passphrase", 0x4501, { 0, [64] = 0x66 }, 96, false,
      RC_SUCCESS, 0, .exact = true },
    { "passphrase erase short", 0x4505, { 0 }, 63, false, RC_PAYLOAD_LEN },
    { "passphrase erase long", 0x4505, { 0 }, 65, false, RC_PAYLOAD_LEN },
    { "passphrase erase bad type", 0x4505, { 2 }, 64, false,
      RC_INVALID_INPUT },
    { "passphrase erase master wrong", 0x4505, { 0 }, 64, false,
      RC_PASSPHRASE },
    { "passphrase erase master", 0x4505, { 0, [32] = 0x66 }, 64, false,
      RC_SUCCESS, 0, .exact = true },
    { "passphrase erase user (none set)", 0x4505, { 1, [32] = 7 }, 64,
      false, RC_SUCCESS, 0, .exact = true },
    { "freeze long", 0x4504, {}, 1, false, RC_PAYLOAD_LEN },
    { "freeze", 0x4504, {}, 0, false, RC_SUCCESS, 0, .exact = true },
    { "freeze again", 0x4504, {}, 0, false, RC_SUCCESS, 0, .exact = true },
    { "set user passphrase frozen", 0x4501, { 1 }, 96, false,
      RC_SECURITY_STATE },
    { "disable master passphrase frozen", 0x4502, { 0, [32] = 0x66 }, 64,
      false, RC_SECURITY_STATE },
    { "unlock frozen", 0x4503, {}, 32, false, RC_SECURITY_STATE },
    { "passphrase erase frozen", 0x4505, { 1 }, 64, false,
      RC_SECURITY_STATE },
    { "get security state frozen", 0x4500, {}, 0, false, RC_SUCCESS, 4,
      .exact = true },
};

/* After a reset with the user passphrase 32 x 55h set: locked */
static const CXLQtestMboxCase security_locked_cases[] = {
    { "get lsa locked", 0x4102, { 0, 0, 0, 0, 0x10 }, 8, false,
      RC_SECURITY_STATE },
    { "unlock wrong", 0x4503, {}, 32, false, RC_PASSPHRASE },
    { "unlock", 0x4503, { [0 ... 31] = 0x55 }, 32, false, RC_SUCCESS, 0,
      .exact = true },
    { "get lsa unlocked", 0x4102, { 0, 0, 0, 0, 0x10 }, 8, false,
      RC_SUCCESS, 0x10, .exact = true },
};

static void test_command_table(void)
{
    T3 t;
    unsigned failures;
    g_autoptr(GArray) all = g_array_new(false, false,
                                        sizeof(CXLQtestMboxCase));

    /* the tables cover every tested opcode with a success and a length case */
    g_array_append_vals(all, mbox_cases, ARRAY_SIZE(mbox_cases));
    g_array_append_vals(all, sanitize_cases, ARRAY_SIZE(sanitize_cases));
    g_array_append_vals(all, feature_cases, ARRAY_SIZE(feature_cases));
    g_array_append_vals(all, security_cases, ARRAY_SIZE(security_cases));
    g_array_append_vals(all, security_locked_cases,
                        ARRAY_SIZE(security_locked_cases));
    g_assert_cmpuint(cxl_qtest_cases_cover(tested_ops, ARRAY_SIZE(tested_ops),
                                           (CXLQtestMboxCase *)all->data,
                                           all->len), ==, 0);
    t3_start(&t, false);
    failures = t3_run_cases(&t, cxl_qtest_generic_cases);
    failures += t3_run_cases(&t, mbox_cases);
    /* let the scan end */
    qtest_clock_step(t.qts, 1000 * 1000000ull);
    failures += t3_run_cases(&t, sanitize_cases);
    t3_stop(&t);
    g_assert_cmpuint(failures, ==, 0);
}

/*
 * Get/Set LSA with an offset near 4 GiB whose sum with the length wraps
 * 32 bits: invalid input (CXL r3.1 8.2.9.9.2.3/4; the kernel's mock device
 * checks "offset > LSA_SIZE || length > LSA_SIZE - offset"). A 32-bit
 * offset loaded sign-extended once made "offset + len" wrap below the LSA
 * size, and the device read and wrote host memory in front of the LSA.
 */
static void test_lsa_offset_wrap(void)
{
    T3 t;
    uint8_t in[16], out[64];
    uint16_t get_rc, set_rc;

    t3_start(&t, false);
    stl_le_p(in, 0xfffffff0);
    stl_le_p(in + 4, 0x10);
    get_rc = mbox_send(&t, 0x4102, in, 8, out, sizeof(out), NULL);
    stl_le_p(in, 0xfffffffc);
    stl_le_p(in + 4, 0);
    memset(in + 8, 0, 8);
    set_rc = mbox_send(&t, 0x4103, in, 16, NULL, 0, NULL);
    t3_stop(&t);
    g_assert_cmphex(get_rc, ==, RC_INVALID_INPUT);
    g_assert_cmphex(set_rc, ==, RC_INVALID_INPUT);
}

static void test_command_functions(void)
{
    T3 t;
    uint8_t in[64], out[256];
    uint32_t len;

    t3_start(&t, false);

    /* Set LSA then Get LSA reads the bytes back */
    stl_le_p(in, 0x1000);
    stl_le_p(in + 4, 0);
    for (unsigned i = 0; i < 32; i++) {
        in[8 + i] = 0xa0 + i;
    }
    g_assert_cmphex(mbox_send(&t, 0x4103, in, 40, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    stl_le_p(in, 0x1000);
    stl_le_p(in + 4, 32);
    memset(out, 0, sizeof(out));
    g_assert_cmphex(mbox_send(&t, 0x4102, in, 8, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 32);
    for (unsigned i = 0; i < 32; i++) {
        g_assert_cmphex(out[i], ==, 0xa0 + i);
    }
    /* the last bytes of the LSA */
    stl_le_p(in, LSA_SIZE - 4);
    stl_le_p(in + 4, 0);
    stl_le_p(in + 8, 0xdeadbeef);
    g_assert_cmphex(mbox_send(&t, 0x4103, in, 12, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    stl_le_p(in, LSA_SIZE - 4);
    stl_le_p(in + 4, 4);
    g_assert_cmphex(mbox_send(&t, 0x4102, in, 8, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 4);
    g_assert_cmphex((uint32_t)ldl_le_p(out), ==, 0xdeadbeef);

    /* Set Timestamp then Get Timestamp: at least the value set */
    cxl_qtest_check_timestamp(t.qts, t.mbox, t.payload_max);

    /* Alert configuration round trip */
    g_assert_cmphex(mbox_send(&t, 0x4201, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, >=, 0x10);
    uint8_t life_crit = out[2];
    int16_t over_crit = lduw_le_p(out + 4);
    int16_t under_crit = lduw_le_p(out + 6);
    g_assert_true(out[1] & 0x1);                /* life used programmable */
    g_assert_true(out[1] & 0x2);                /* over-temp programmable */
    g_assert_cmpuint(life_crit, >, 1);
    memset(in, 0, 12);
    in[0] = 0x3;                                /* life used, over-temp */
    in[1] = 0x3;
    in[2] = life_crit / 2;
    stw_le_p(in + 4, over_crit - 5);
    g_assert_cmphex(mbox_send(&t, 0x4202, in, 12, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    g_assert_cmphex(mbox_send(&t, 0x4201, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmphex(out[0] & 0x3, ==, 0x3);
    g_assert_cmpuint(out[3], ==, life_crit / 2);
    g_assert_cmpint((int16_t)lduw_le_p(out + 8), ==, over_crit - 5);
    /* warnings beyond their critical thresholds are invalid input */
    if (life_crit < 0xff) {
        in[0] = in[1] = 0x1;
        in[2] = life_crit + 1;
        g_assert_cmphex(mbox_send(&t, 0x4202, in, 12, NULL, 0, NULL), ==,
                        RC_INVALID_INPUT);
    }
    in[0] = in[1] = 0x2;
    stw_le_p(in + 4, over_crit + 1);
    g_assert_cmphex(mbox_send(&t, 0x4202, in, 12, NULL, 0, NULL), ==,
                    RC_INVALID_INPUT);
    in[0] = in[1] = 0x4;
    stw_le_p(in + 6, under_crit - 1);
    g_assert_cmphex(mbox_send(&t, 0x4202, in, 12, NULL, 0, NULL), ==,
                    RC_INVALID_INPUT);
    /* ... and leave the configuration as it was */
    g_assert_cmphex(mbox_send(&t, 0x4201, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmphex(out[0] & 0x3, ==, 0x3);
    g_assert_cmpuint(out[3], ==, life_crit / 2);
    g_assert_cmpint((int16_t)lduw_le_p(out + 8), ==, over_crit - 5);

    /* Shutdown state round trip */
    in[0] = 1;
    g_assert_cmphex(mbox_send(&t, 0x4204, in, 1, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    g_assert_cmphex(mbox_send(&t, 0x4203, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 1);
    g_assert_cmphex(out[0] & 1, ==, 1);
    in[0] = 0;
    g_assert_cmphex(mbox_send(&t, 0x4204, in, 1, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    g_assert_cmphex(mbox_send(&t, 0x4203, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmphex(out[0] & 1, ==, 0);

    /* Partition info: 256 MiB volatile, 512 MiB persistent */
    g_assert_cmphex(mbox_send(&t, 0x4100, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(ldq_le_p(out), ==, 1);
    g_assert_cmpuint(ldq_le_p(out + 8), ==, 2);

    /* FW info: an active slot among the slots */
    g_assert_cmphex(mbox_send(&t, 0x0200, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(out[0], >=, 1);
    g_assert_cmpuint(out[1] & 7, >=, 1);
    g_assert_cmpuint(out[1] & 7, <=, out[0]);

    /* Empty event logs: no records, no overflow, no more */
    for (uint8_t log = 0; log < 4; log++) {
        g_assert_cmphex(mbox_send(&t, 0x0100, &log, 1, out, sizeof(out),
                                  &len), ==, RC_SUCCESS);
        g_assert_cmpuint(len, >=, 0x20);
        g_assert_cmphex(out[0] & 3, ==, 0);
        g_assert_cmpuint(lduw_le_p(out + 20), ==, 0);
    }
    /* event status register: nothing pending */
    g_assert_cmphex(qtest_readl(t.qts, t.status) & 0x1f, ==, 0);

    /* Event interrupt policy: MSI/MSI-X on all four logs */
    memset(in, 1, 4);
    g_assert_cmphex(mbox_send(&t, 0x0103, in, 4, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    g_assert_cmphex(mbox_send(&t, 0x0102, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, >=, 4);
    for (unsigned i = 0; i < 4; i++) {
        g_assert_cmphex(out[i] & 3, ==, 1);
        g_assert_cmpuint(out[i] >> 4, <, t.msix_vectors);
    }
    /* and back to none */
    memset(in, 0, 4);
    g_assert_cmphex(mbox_send(&t, 0x0103, in, 4, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    g_assert_cmphex(mbox_send(&t, 0x0102, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    for (unsigned i = 0; i < 4; i++) {
        g_assert_cmphex(out[i] & 3, ==, 0);
    }

    /* Background operation status: idle */
    g_assert_cmphex(mbox_send(&t, 0x0002, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmphex(out[0] & 1, ==, 0);
    t3_stop(&t);
}

/* ---- 5b. firmware update ---- */

#define FW_INFO_LEN         0x50
#define FW_REV(slot)        (0x10 + 16 * ((slot) - 1))
#define FW_MSI_ADDR         0x200000ull     /* guest RAM the MSI writes */
#define FW_MSI_DATA         0xf1f2f3f4u

/* Transfer FW (0201h): @len bytes of @data at byte @offset */
static uint16_t fw_transfer(T3 *t, uint8_t action, uint8_t slot,
                            uint32_t offset, const uint8_t *data, size_t len)
{
    g_autofree uint8_t *in = g_malloc0(0x80 + len);

    in[0] = action;
    in[1] = slot;
    stl_le_p(in + 4, offset / 128);
    if (len) {
        memcpy(in + 0x80, data, len);
    }
    return mbox_send(t, 0x0201, in, 0x80 + len, NULL, 0, NULL);
}

static uint16_t fw_activate(T3 *t, uint8_t action, uint8_t slot)
{
    uint8_t in[2] = { action, slot };

    return mbox_send(t, 0x0202, in, 2, NULL, 0, NULL);
}

static void fw_info(T3 *t, uint8_t *out)
{
    uint32_t len;

    g_assert_cmphex(mbox_send(t, 0x0200, NULL, 0, out, FW_INFO_LEN, &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, FW_INFO_LEN);
}

/* Background Operation Status (0002h): in progress; percent, opcode, rc */
static bool bg_status(T3 *t, unsigned *pct, uint16_t *op, uint16_t *rc)
{
    uint8_t out[8];
    uint32_t len;

    g_assert_cmphex(mbox_send(t, 0x0002, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 8);
    *pct = out[0] >> 1;
    *op = lduw_le_p(out + 2);
    *rc = lduw_le_p(out + 4);
    return out[0] & 1;
}

/* Let the running background operation of @opcode end; its return code */
static uint16_t bg_wait(T3 *t, uint16_t opcode)
{
    unsigned pct;
    uint16_t op, rc;

    for (unsigned i = 0; i < 100000; i++) {
        if (!bg_status(t, &pct, &op, &rc)) {
            g_assert_cmphex(op, ==, opcode);
            g_assert_cmpuint(pct, ==, 100);
            return rc;
        }
        qtest_clock_step(t->qts, 1000000);
    }
    g_assert_not_reached();
}

/* Transfer FW that starts a background operation, then its return code */
static uint16_t fw_transfer_wait(T3 *t, uint8_t action, uint8_t slot,
                                 uint32_t offset, const uint8_t *data,
                                 size_t len)
{
    g_assert_cmphex(fw_transfer(t, action, slot, offset, data, len), ==,
                    RC_BACKGROUND);
    return bg_wait(t, 0x0201);
}

/* The active firmware revision of Identify Memory Device (4000h) */
static void identify_fw_revision(T3 *t, char *rev)
{
    uint8_t out[0x45];
    uint32_t len;

    g_assert_cmphex(mbox_send(t, 0x4000, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    memcpy(rev, out, 16);
}

/* MSI-X vector 0 (the mailbox) writes FW_MSI_DATA to FW_MSI_ADDR */
static void enable_mbox_msix(T3 *t)
{
    uint8_t msix = cxl_qtest_find_cap(t->qts, DEV_BUS, 0, 0x11);
    uint64_t table;

    g_assert_cmphex(dcfgl(t, msix + 4) & 7, ==, 4);     /* table in BAR 4 */
    table = t->bar[4] + (dcfgl(t, msix + 4) & ~7u);
    qtest_writel(t->qts, table + 0, (uint32_t)FW_MSI_ADDR);
    qtest_writel(t->qts, table + 4, FW_MSI_ADDR >> 32);
    qtest_writel(t->qts, table + 8, FW_MSI_DATA);
    qtest_writel(t->qts, table + 12, 0);                /* unmasked */
    dcfg_writew(t, msix + 2, 1u << 15);                 /* MSI-X enable */
    qtest_writel(t->qts, t->mbox + MBOX_CTRL, MBOX_CTRL_BG_IRQ);
    qtest_writel(t->qts, FW_MSI_ADDR, 0);
}

/* A firmware image: a revision string, then deterministic bytes */
static uint8_t *fw_image(const char *rev, size_t len)
{
    uint8_t *img = g_malloc0(len);

    for (size_t i = 16; i < len; i++) {
        img[i] = i * 7 + 3;
    }
    memcpy(img, rev, MIN(strlen(rev), 16));
    return img;
}

static void test_fw_update(void)
{
    T3 t;
    uint8_t info[FW_INFO_LEN];
    char rev[16], want[16] = "QTEST-FW 2.0";
    unsigned pct;
    uint16_t op, rc;
    size_t part, len;
    g_autofree uint8_t *img = NULL;
    g_autofree uint8_t *blank = g_malloc0(1024);
    g_autofree uint8_t *binary = NULL;

    t3_start(&t, false);
    part = t.payload_max - 0x80;                /* what Linux sends */
    len = 2 * part + 1000;                      /* the last part is short */
    img = fw_image(want, len);

    /* 2 slots, slot 1 active with the built-in revision, online capable */
    fw_info(&t, info);
    g_assert_cmpuint(info[0], ==, 2);
    g_assert_cmphex(info[1], ==, 1);
    g_assert_cmphex(info[2] & 1, ==, 1);
    g_assert_cmpstr((char *)info + FW_REV(1), ==, "QEMU CXL 1.0");
    g_assert_true(buffer_is_zero(info + FW_REV(2), 16));

    /* part 1: a background operation; the mailbox interrupt at its end */
    enable_mbox_msix(&t);
    g_assert_cmphex(fw_transfer(&t, 1, 0, 0, img, part), ==, RC_BACKGROUND);
    g_assert_true(bg_status(&t, &pct, &op, &rc));
    g_assert_cmphex(op, ==, 0x0201);
    g_assert_cmpuint(pct, <, 100);
    /* mailbox status register: background operation */
    g_assert_cmphex(qtest_readq(t.qts, t.mbox + MBOX_STATUS) & 1, ==, 1);
    /* one background operation at a time */
    g_assert_cmphex(fw_transfer(&t, 2, 0, part, img + part, part), ==,
                    RC_BUSY);
    /* 256 KiB at 100 ms/MiB: about 25 ms; half way, half done */
    qtest_clock_step(t.qts, 12 * 1000000);
    g_assert_true(bg_status(&t, &pct, &op, &rc));
    g_assert_cmpuint(pct, >=, 25);
    g_assert_cmpuint(pct, <=, 75);
    g_assert_cmphex(qtest_readl(t.qts, FW_MSI_ADDR), ==, 0);
    g_assert_cmphex(bg_wait(&t, 0x0201), ==, RC_SUCCESS);
    g_assert_cmphex(qtest_readl(t.qts, FW_MSI_ADDR), ==, FW_MSI_DATA);
    g_assert_cmphex(qtest_readq(t.qts, t.mbox + MBOX_STATUS) & 1, ==, 0);

    /* part 2, then the end: not into the active slot, then slot 2 */
    g_assert_cmphex(fw_transfer_wait(&t, 2, 0, part, img + part, part), ==,
                    RC_SUCCESS);
    g_assert_cmphex(fw_transfer(&t, 3, 1, 2 * part, img + 2 * part,
                                len - 2 * part), ==, RC_INVALID_SLOT);
    g_assert_cmphex(fw_transfer_wait(&t, 3, 2, 2 * part, img + 2 * part,
                                     len - 2 * part), ==, RC_SUCCESS);
    fw_info(&t, info);
    g_assert_cmphex(info[1], ==, 1);                    /* nothing staged */
    g_assert_cmpmem(info + FW_REV(2), 16, want, 16);

    /* activate on reset: staged; the active revision changes at reset */
    g_assert_cmphex(fw_activate(&t, 1, 2), ==, RC_SUCCESS);
    fw_info(&t, info);
    g_assert_cmphex(info[1], ==, 1 | 2 << 3);
    identify_fw_revision(&t, rev);
    g_assert_cmpstr(rev, ==, "QEMU CXL 1.0");
    qtest_system_reset(t.qts);
    platform_init(&t);
    fw_info(&t, info);
    g_assert_cmphex(info[1], ==, 2);
    identify_fw_revision(&t, rev);
    g_assert_cmpmem(rev, 16, want, 16);
    /* slot 2 is active now: transfers go elsewhere */
    g_assert_cmphex(fw_transfer(&t, 0, 2, 0, img, 256), ==, RC_INVALID_SLOT);
    /* online activation of slot 1 */
    g_assert_cmphex(fw_activate(&t, 0, 1), ==, RC_SUCCESS);
    fw_info(&t, info);
    g_assert_cmphex(info[1], ==, 1);
    identify_fw_revision(&t, rev);
    g_assert_cmpstr(rev, ==, "QEMU CXL 1.0");

    /* out of order: the package is abandoned */
    g_assert_cmphex(fw_transfer_wait(&t, 1, 0, 0, img, part), ==,
                    RC_SUCCESS);
    g_assert_cmphex(fw_transfer(&t, 2, 0, 0, img, part), ==,
                    RC_FW_OUT_OF_ORDER);
    g_assert_cmphex(fw_transfer(&t, 2, 0, part, img + part, part), ==,
                    RC_FW_OUT_OF_ORDER);

    /* one package at a time; the abort action ends it */
    g_assert_cmphex(fw_transfer_wait(&t, 1, 0, 0, img, part), ==,
                    RC_SUCCESS);
    g_assert_cmphex(fw_transfer(&t, 0, 2, 0, img, 256), ==,
                    RC_FW_IN_PROGRESS);
    g_assert_cmphex(fw_transfer(&t, 1, 0, 0, img, 256), ==,
                    RC_FW_IN_PROGRESS);
    g_assert_cmphex(fw_transfer(&t, 4, 0, 0, NULL, 0), ==, RC_SUCCESS);
    g_assert_cmphex(fw_transfer(&t, 2, 0, part, img + part, part), ==,
                    RC_FW_OUT_OF_ORDER);

    /* Request Abort Background Operation (0005h) abandons the transfer */
    g_assert_cmphex(fw_transfer(&t, 1, 0, 0, img, part), ==, RC_BACKGROUND);
    g_assert_cmphex(mbox_send(&t, 0x0005, NULL, 0, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    g_assert_false(bg_status(&t, &pct, &op, &rc));
    g_assert_cmphex(op, ==, 0x0201);
    g_assert_cmphex(rc, ==, RC_ABORTED);
    g_assert_cmphex(fw_transfer(&t, 2, 0, part, img + part, part), ==,
                    RC_FW_OUT_OF_ORDER);
    /* a full transfer of a blank image fails verification */
    g_assert_cmphex(fw_transfer_wait(&t, 0, 2, 0, blank, 1024), ==,
                    RC_FW_VERIFY_FAILED);
    memset(blank, 0xff, 1024);
    g_assert_cmphex(fw_transfer_wait(&t, 0, 2, 0, blank, 1024), ==,
                    RC_FW_VERIFY_FAILED);
    /* slot 2 keeps its image through all of this */
    fw_info(&t, info);
    g_assert_cmpmem(info + FW_REV(2), 16, want, 16);

    /* an image without a printable revision: "image <crc32c>" */
    binary = fw_image("\x01\x02", 4096);
    g_assert_cmphex(fw_transfer_wait(&t, 0, 2, 0, binary, 4096), ==,
                    RC_SUCCESS);
    fw_info(&t, info);
    g_snprintf(want, sizeof(want), "image %08x",
               crc32c(0xffffffff, binary, 4096));
    g_assert_cmpmem(info + FW_REV(2), 16, want, 16);
    g_assert_cmpstr((char *)info + FW_REV(1), ==, "QEMU CXL 1.0");
    t3_stop(&t);
}

/* Images are capped at 16 MiB: a part beyond is invalid input */
static void test_fw_image_cap(void)
{
    T3 t;
    size_t part, off = 0;
    g_autofree uint8_t *img = NULL;

    t3_start(&t, false);
    part = t.payload_max - 0x80;
    img = fw_image("QTEST-FW BIG", part);
    g_assert_cmphex(fw_transfer_wait(&t, 1, 0, 0, img, part), ==,
                    RC_SUCCESS);
    for (off = part; off + part <= 16 * MiB; off += part) {
        g_assert_cmphex(fw_transfer_wait(&t, 2, 0, off, img, part), ==,
                        RC_SUCCESS);
    }
    g_assert_cmphex(fw_transfer(&t, 2, 0, off, img, part), ==,
                    RC_INVALID_INPUT);
    g_assert_cmphex(fw_transfer(&t, 3, 2, off, img, part), ==,
                    RC_INVALID_INPUT);
    /* the bytes up to the cap form an image */
    g_assert_cmphex(fw_transfer_wait(&t, 3, 2, off, img,
                                     16 * MiB - off), ==, RC_SUCCESS);
    t3_stop(&t);
}

/* ---- 6. HDM decoders ---- */

static uint64_t dec(T3 *t, unsigned n, unsigned reg)
{
    return cxl_qtest_hdm_dec(t->hdm, n, reg);
}

static uint32_t dec_ctrl(T3 *t, unsigned n)
{
    return qtest_readl(t->qts, dec(t, n, HDM_DEC_CTRL));
}

/* Program and commit decoder @n as Linux's cxl_decoder_commit() does */
static uint32_t dec_commit(T3 *t, unsigned n, uint64_t base, uint64_t size,
                           uint64_t skip)
{
    qtest_writel(t->qts, dec(t, n, HDM_DEC_BASE_HI), base >> 32);
    qtest_writel(t->qts, dec(t, n, HDM_DEC_BASE_LO), (uint32_t)base);
    qtest_writel(t->qts, dec(t, n, HDM_DEC_SIZE_HI), size >> 32);
    qtest_writel(t->qts, dec(t, n, HDM_DEC_SIZE_LO), (uint32_t)size);
    qtest_writel(t->qts, dec(t, n, HDM_DEC_SKIP_HI), skip >> 32);
    qtest_writel(t->qts, dec(t, n, HDM_DEC_SKIP_LO), (uint32_t)skip);
    /* IW 0, IG 0 (256 bytes), Type 3 */
    qtest_writel(t->qts, dec(t, n, HDM_DEC_CTRL),
                 HDM_CTRL_COMMIT | HDM_CTRL_HOSTONLY);
    return dec_ctrl(t, n) & (HDM_CTRL_COMMITTED | HDM_CTRL_ERR);
}

static void dec_clear(T3 *t, unsigned n)
{
    qtest_writel(t->qts, dec(t, n, HDM_DEC_CTRL), 0);
    g_assert_cmphex(dec_ctrl(t, n) &
                    (HDM_CTRL_COMMITTED | HDM_CTRL_ERR | HDM_CTRL_COMMIT),
                    ==, 0);
}

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

/* ---- 7. CXL.mem through the window ---- */

static void set_mem_enable(T3 *t, bool on)
{
    uint16_t c = dcfgw(t, t->dvsec + DVSEC_CTRL);

    dcfg_writew(t, t->dvsec + DVSEC_CTRL,
                on ? c | DVSEC_MEM_ENABLE : c & ~DVSEC_MEM_ENABLE);
}

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

/* ---- 8. DOE / CDAT ---- */

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

/* ---- 9. poison ---- */

#define POISON_LIST_MAX     256
#define INJECT_LIMIT        32
#define SRC_INTERNAL        2
#define SRC_INJECTED        3

/* Get Poison List of [@dpa, @dpa + @len): the reply's flags and count */
static uint16_t poison_list(T3 *t, uint64_t dpa, uint64_t len, uint8_t *out,
                            size_t out_size, uint8_t *flags)
{
    uint8_t in[16];
    uint32_t olen;

    stq_le_p(in, dpa);
    stq_le_p(in + 8, len / 64);
    g_assert_cmphex(mbox_send(t, 0x4300, in, 16, out, out_size, &olen), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(olen, ==, 0x20 + 16 * lduw_le_p(out + 10));
    *flags = out[0];
    return lduw_le_p(out + 10);
}

static void check_record(const uint8_t *out, unsigned i, uint64_t dpa,
                         uint64_t len, unsigned source)
{
    const uint8_t *r = out + 0x20 + 16 * i;

    g_assert_cmphex(ldq_le_p(r), ==, dpa | source);
    g_assert_cmpuint(ldl_le_p(r + 8), ==, len / 64);
}

static uint16_t poison_inject(T3 *t, uint64_t dpa)
{
    uint8_t in[8];

    stq_le_p(in, dpa);
    return mbox_send(t, 0x4301, in, 8, NULL, 0, NULL);
}

static uint16_t poison_clear(T3 *t, uint64_t dpa, uint8_t fill)
{
    uint8_t in[72];

    stq_le_p(in, dpa);
    memset(in + 8, fill, 64);
    return mbox_send(t, 0x4302, in, 72, NULL, 0, NULL);
}

/* cxl-inject-poison; NULL on success, else the error's description */
static char *qmp_poison(T3 *t, const char *path, uint64_t start,
                        uint64_t length)
{
    QDict *rsp = qtest_qmp(t->qts, "{'execute': 'cxl-inject-poison', "
                           "'arguments': {'path': %s, 'start': %" PRIu64
                           ", 'length': %" PRIu64 "}}", path, start, length);
    char *desc = NULL;

    g_assert(rsp);
    if (qdict_haskey(rsp, "error")) {
        desc = g_strdup(qdict_get_str(qdict_get_qdict(rsp, "error"),
                                      "desc"));
    } else {
        g_assert(qdict_haskey(rsp, "return"));
    }
    qobject_unref(rsp);
    return desc;
}

static void test_poison(void)
{
    T3 t;
    g_autofree uint8_t *out = NULL;
    uint8_t flags;
    unsigned n;

    t3_start(&t, true);
    out = g_malloc0(t.payload_max);

    /* Identify Memory Device: list maximum, inject limit, capabilities */
    g_assert_cmphex(mbox_send(&t, 0x4000, NULL, 0, out, t.payload_max, NULL),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(out[0x3c] | out[0x3d] << 8 | out[0x3e] << 16, ==,
                     POISON_LIST_MAX);
    g_assert_cmpuint(lduw_le_p(out + 0x3f), ==, INJECT_LIMIT);

    /* CXL.mem: both capacities mapped at the window */
    qtest_writel(t.qts, t.hdm + 4, 1 << 1);
    g_assert_cmphex(dec_commit(&t, 0, t.window, 256 * MiB, 0), ==,
                    HDM_CTRL_COMMITTED);
    g_assert_cmphex(dec_commit(&t, 1, t.window + 256 * MiB, 512 * MiB, 0),
                    ==, HDM_CTRL_COMMITTED);
    set_mem_enable(&t, true);
    qtest_writeq(t.qts, t.window + 0x2000, 0x1111222233334444ull);
    qtest_writeq(t.qts, t.window + 0x2040, 0x5555666677778888ull);

    /* inject: adjacent lines merge, the list is by DPA */
    g_assert_cmphex(poison_inject(&t, 0x2000), ==, RC_SUCCESS);
    g_assert_cmphex(poison_inject(&t, 0x1040), ==, RC_SUCCESS);
    g_assert_cmphex(poison_inject(&t, 0x1000), ==, RC_SUCCESS);
    n = poison_list(&t, 0, 768 * MiB, out, t.payload_max, &flags);
    g_assert_cmpuint(n, ==, 2);
    g_assert_cmphex(flags, ==, 0);
    check_record(out, 0, 0x1000, 128, SRC_INJECTED);
    check_record(out, 1, 0x2000, 64, SRC_INJECTED);
    /* a query range clips the records */
    n = poison_list(&t, 0x1040, 0x40, out, t.payload_max, &flags);
    g_assert_cmpuint(n, ==, 1);
    check_record(out, 0, 0x1040, 64, SRC_INJECTED);

    /* reads of a poisoned line return all ones, writes store but keep it */
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x2000), ==, UINT64_MAX);
    g_assert_cmphex(qtest_readb(t.qts, t.window + 0x203f), ==, 0xff);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x2040), ==,
                    0x5555666677778888ull);
    qtest_writeq(t.qts, t.window + 0x2008, 0xabcdull);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x2008), ==, UINT64_MAX);
    g_assert_cmphex(cxl_qtest_file_read64(t.vfile, 0x2008), ==, 0xabcd);
    /* a read that touches a poisoned line reads all ones */
    g_assert_cmphex(qtest_readw(t.qts, t.window + 0x203f), ==, 0xffff);

    /* clear: writes the data, unpoisons, splits a range */
    g_assert_cmphex(poison_clear(&t, 0x2000, 0x5a), ==, RC_SUCCESS);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x2000), ==,
                    0x5a5a5a5a5a5a5a5aull);
    g_assert_cmphex(cxl_qtest_file_read64(t.vfile, 0x2038), ==,
                    0x5a5a5a5a5a5a5a5aull);
    g_assert_null(qmp_poison(&t, "t3", 0x10000, 0x100));
    g_assert_cmphex(poison_clear(&t, 0x10040, 0), ==, RC_SUCCESS);
    g_assert_cmphex(poison_clear(&t, 0x1000, 0), ==, RC_SUCCESS);
    n = poison_list(&t, 0, 768 * MiB, out, t.payload_max, &flags);
    g_assert_cmpuint(n, ==, 3);
    check_record(out, 0, 0x1040, 64, SRC_INJECTED);
    check_record(out, 1, 0x10000, 64, SRC_INTERNAL);
    check_record(out, 2, 0x10080, 128, SRC_INTERNAL);
    /* persistent capacity through the window: DPA 256M + x */
    g_assert_null(qmp_poison(&t, "t3", 256 * MiB + 0x40, 64));
    g_assert_cmphex(qtest_readl(t.qts, t.window + 256 * MiB + 0x44), ==,
                    UINT32_MAX);
    g_assert_cmphex(poison_clear(&t, 256 * MiB + 0x40, 0x11), ==,
                    RC_SUCCESS);
    g_assert_cmphex(cxl_qtest_file_read64(t.pfile, 0x40), ==,
                    0x1111111111111111ull);

    /* Inject Poison Limit: injected ranges, not internal ones */
    for (n = 1; n < INJECT_LIMIT; n++) {
        g_assert_cmphex(poison_inject(&t, 0x100000 + n * 0x1000), ==,
                        RC_SUCCESS);
    }
    g_assert_cmphex(poison_inject(&t, 0x200000), ==, RC_POISON_LIMIT);
    g_assert_cmphex(poison_inject(&t, 0x1040), ==, RC_SUCCESS);
    g_assert_null(qmp_poison(&t, "t3", 0x200000, 64));
    g_assert_cmphex(poison_clear(&t, 0x101000, 0), ==, RC_SUCCESS);
    g_assert_cmphex(poison_inject(&t, 0x300000), ==, RC_SUCCESS);

    /* reset keeps the poison (media state) */
    qtest_system_reset(t.qts);
    platform_init(&t);
    n = poison_list(&t, 0, 768 * MiB, out, t.payload_max, &flags);
    g_assert_cmpuint(n, ==, 3 + INJECT_LIMIT);
    t3_stop(&t);
}

/* More Media Error Records and overflow, with a 256-byte mailbox */
static void test_poison_more_overflow(void)
{
    T3 t;
    uint8_t out[256], in[8];
    uint8_t flags;
    unsigned n, total = 0, calls = 0;
    uint64_t ts = 0x1800000000000000ull;

    t3_start_opts(&t, false, ",mailbox-payload-size=256");
    g_assert_cmpuint(t.payload_max, ==, 256);
    stq_le_p(in, ts);
    g_assert_cmphex(mbox_send(&t, 0x0301, in, 8, NULL, 0, NULL), ==,
                    RC_SUCCESS);

    /* 20 records: 14 fit in a 256-byte reply, then the next 6 */
    for (unsigned i = 0; i < 20; i++) {
        g_assert_null(qmp_poison(&t, "t3", 0x10000 * i, 64));
    }
    n = poison_list(&t, 0, 768 * MiB, out, sizeof(out), &flags);
    g_assert_cmpuint(n, ==, 14);
    g_assert_cmphex(flags, ==, 0x1);
    check_record(out, 13, 0x10000 * 13, 64, SRC_INTERNAL);
    n = poison_list(&t, 0, 768 * MiB, out, sizeof(out), &flags);
    g_assert_cmpuint(n, ==, 6);
    g_assert_cmphex(flags, ==, 0);
    check_record(out, 0, 0x10000 * 14, 64, SRC_INTERNAL);
    check_record(out, 5, 0x10000 * 19, 64, SRC_INTERNAL);
    /* done: the same request starts over */
    n = poison_list(&t, 0, 768 * MiB, out, sizeof(out), &flags);
    g_assert_cmpuint(n, ==, 14);
    check_record(out, 0, 0, 64, SRC_INTERNAL);

    /* fill the list: the range beyond the maximum overflows */
    for (unsigned i = 20; i < POISON_LIST_MAX; i++) {
        g_assert_null(qmp_poison(&t, "t3", 0x10000 * i, 64));
    }
    n = poison_list(&t, 0, 64, out, sizeof(out), &flags);
    g_assert_cmpuint(n, ==, 1);
    g_assert_cmphex(flags, ==, 0);
    g_assert_null(qmp_poison(&t, "t3", 0x8000000, 64));
    do {
        n = poison_list(&t, 0, 768 * MiB, out, sizeof(out), &flags);
        total += n;
        g_assert_cmphex(flags & 0x2, ==, 0x2);
        g_assert_cmpuint(ldq_le_p(out + 2), >=, ts);
        g_assert_cmpuint(ldq_le_p(out + 2), <, ts + 60000000000ull);
        g_assert_cmpuint(++calls, <=, POISON_LIST_MAX);
    } while (flags & 0x1);
    g_assert_cmpuint(total, ==, POISON_LIST_MAX);
    /* the untracked line is not poisoned */
    n = poison_list(&t, 0x8000000, 64, out, sizeof(out), &flags);
    g_assert_cmpuint(n, ==, 0);
    g_assert_cmphex(poison_inject(&t, 0x8000000), ==, RC_SUCCESS);
    n = poison_list(&t, 0x8000000, 64, out, sizeof(out), &flags);
    g_assert_cmpuint(n, ==, 0);

    /* clearing everything empties the list and ends the overflow */
    for (unsigned i = 0; i < POISON_LIST_MAX; i++) {
        g_assert_cmphex(poison_clear(&t, 0x10000 * i, 0), ==, RC_SUCCESS);
    }
    n = poison_list(&t, 0, 768 * MiB, out, sizeof(out), &flags);
    g_assert_cmpuint(n, ==, 0);
    g_assert_cmphex(flags, ==, 0);
    t3_stop(&t);
}

static uint16_t scan_media(T3 *t, uint64_t dpa, uint64_t len)
{
    uint8_t in[17] = { 0 };

    stq_le_p(in, dpa);
    stq_le_p(in + 8, len / 64);
    return mbox_send(t, 0x4304, in, 17, NULL, 0, NULL);
}

static void test_scan_media(void)
{
    T3 t;
    uint8_t out[256], in[16];
    uint32_t len, ms;
    uint8_t flags;

    t3_start_opts(&t, false, ",scan-media-ms=50");
    g_assert_null(qmp_poison(&t, "t3", 0x1000, 0x80));
    g_assert_null(qmp_poison(&t, "t3", 0x3000, 0x40));
    g_assert_cmphex(poison_inject(&t, 0x20000000), ==, RC_SUCCESS);

    stq_le_p(in, 0);
    stq_le_p(in + 8, 0x4000 / 64);
    g_assert_cmphex(mbox_send(&t, 0x4303, in, 16, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 4);
    ms = ldl_le_p(out);
    g_assert_cmpuint(ms, ==, 50);

    /* scan [0, 0x4000): busy while it runs, then its records */
    g_assert_cmphex(scan_media(&t, 0, 0x4000), ==, RC_BACKGROUND);
    g_assert_cmphex(scan_media(&t, 0, 0x4000), ==, RC_BUSY);
    g_assert_cmphex(mbox_send(&t, 0x4305, NULL, 0, out, sizeof(out), &len),
                    ==, RC_BUSY);
    poison_list(&t, 0, 0x4000, out, sizeof(out), &flags);
    g_assert_cmphex(flags & 0x4, ==, 0x4);          /* scan in progress */
    g_assert_cmphex(mbox_send(&t, 0x0002, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmphex(out[0] & 1, ==, 1);
    g_assert_cmphex(lduw_le_p(out + 2), ==, 0x4304);
    qtest_clock_step(t.qts, (ms + 1) * 1000000ull);
    g_assert_cmphex(mbox_send(&t, 0x0002, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmphex(out[0], ==, 100 << 1);
    g_assert_cmphex(lduw_le_p(out + 4), ==, RC_SUCCESS);
    poison_list(&t, 0, 0x4000, out, sizeof(out), &flags);
    g_assert_cmphex(flags, ==, 0);
    g_assert_cmphex(mbox_send(&t, 0x4305, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(lduw_le_p(out + 18), ==, 2);
    g_assert_cmpuint(len, ==, 0x20 + 2 * 16);
    g_assert_cmphex(out[16], ==, 0);
    check_record(out, 0, 0x1000, 0x80, SRC_INTERNAL);
    check_record(out, 1, 0x3000, 0x40, SRC_INTERNAL);
    /* read: nothing more */
    g_assert_cmphex(mbox_send(&t, 0x4305, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(lduw_le_p(out + 18), ==, 0);

    /* abort: stopped prematurely, restart from the start */
    g_assert_cmphex(scan_media(&t, 0x20000000, 0x10000000), ==,
                    RC_BACKGROUND);
    g_assert_cmphex(mbox_send(&t, 0x0005, NULL, 0, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    g_assert_cmphex(mbox_send(&t, 0x0002, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmphex(out[0] & 1, ==, 0);
    g_assert_cmphex(lduw_le_p(out + 4), ==, RC_ABORTED);
    g_assert_cmphex(mbox_send(&t, 0x4305, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmphex(out[16], ==, 0x2);
    g_assert_cmphex(ldq_le_p(out), ==, 0x20000000);
    g_assert_cmphex(ldq_le_p(out + 8), ==, 0x10000000 / 64);
    g_assert_cmpuint(lduw_le_p(out + 18), ==, 0);
    t3_stop(&t);
}

static void test_qmp_inject_poison(void)
{
    T3 t;
    static const struct {
        const char *path;
        uint64_t start, length;
        const char *arg;
    } bad[] = {
        { "no-such-device", 0, 64, "path" },
        { "rp0", 0, 64, "path" },
        { "t3", 0, 0, "length" },
        { "t3", 0, 63, "length" },
        { "t3", 0, 96, "length" },
        { "t3", 0x20, 64, "start" },
        { "t3", 768 * MiB, 64, "start" },
        { "t3", UINT64_MAX - 63, 64, "start" },
        { "t3", 768 * MiB - 64, 128, "length" },
        { "t3", 0x40, UINT64_MAX - 63, "length" },
    };
    uint8_t out[256], flags;

    t3_start(&t, false);
    for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
        g_autofree char *err = qmp_poison(&t, bad[i].path, bad[i].start,
                                          bad[i].length);
        g_autofree char *prefix = g_strdup_printf("%s: ", bad[i].arg);

        g_assert_nonnull(err);
        g_test_message("%s 0x%" PRIx64 " 0x%" PRIx64 ": %s", bad[i].path,
                       bad[i].start, bad[i].length, err);
        g_assert_true(g_str_has_prefix(err, prefix));
    }
    /* nothing was poisoned, and the device still works */
    g_assert_cmpuint(poison_list(&t, 0, 768 * MiB, out, sizeof(out),
                                 &flags), ==, 0);
    /* the full QOM path and the last line work */
    g_assert_null(qmp_poison(&t, "/machine/peripheral/t3", 768 * MiB - 64,
                             64));
    g_assert_cmpuint(poison_list(&t, 0, 768 * MiB, out, sizeof(out),
                                 &flags), ==, 1);
    check_record(out, 0, 768 * MiB - 64, 64, SRC_INTERNAL);
    t3_stop(&t);
}

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
                  " 'arguments': { 'path': 'rp0', 'type': 'physical' } }");
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

/* ---- 11. Sanitize and Secure Erase ---- */

#define MEDIA_STATUS(v)     (((v) >> 2) & 3)
#define MEDIA_READY         1
#define MEDIA_DISABLED      3
#define SANITIZE_MS         200

static unsigned media_status(T3 *t)
{
    return MEDIA_STATUS(qtest_readq(t->qts, t->memdev));
}

/* Commit decoders 0 (volatile) and 1 (persistent) at the window base */
static void map_all(T3 *t)
{
    qtest_writel(t->qts, t->hdm + 4, 1 << 1);
    g_assert_cmphex(dec_commit(t, 0, t->window, VMEM_SIZE, 0), ==,
                    HDM_CTRL_COMMITTED);
    g_assert_cmphex(dec_commit(t, 1, t->window + VMEM_SIZE, PMEM_SIZE, 0),
                    ==, HDM_CTRL_COMMITTED);
    set_mem_enable(t, true);
}

static void unmap_all(T3 *t)
{
    dec_clear(t, 1);
    dec_clear(t, 0);
}

/* Write a word near the start and the end of both capacities */
static void write_pattern(T3 *t, uint64_t v)
{
    qtest_writeq(t->qts, t->window + 0x1000, v);
    qtest_writeq(t->qts, t->window + VMEM_SIZE - 8, ~v);
    qtest_writeq(t->qts, t->window + VMEM_SIZE + 0x2000, v + 1);
    qtest_writeq(t->qts, t->window + VMEM_SIZE + PMEM_SIZE - 8, v - 1);
    g_assert_cmphex(cxl_qtest_file_read64(t->vfile, 0x1000), ==, v);
    g_assert_cmphex(cxl_qtest_file_read64(t->vfile, VMEM_SIZE - 8), ==, ~v);
    g_assert_cmphex(cxl_qtest_file_read64(t->pfile, 0x2000), ==, v + 1);
    g_assert_cmphex(cxl_qtest_file_read64(t->pfile, PMEM_SIZE - 8), ==,
                    v - 1);
}

/* Every byte of the file at @path is zero */
static bool file_is_zero(const char *path)
{
    g_autofree uint8_t *buf = g_malloc(1 * MiB);
    bool zero = true;
    ssize_t n;
    int fd = open(path, O_RDONLY);

    g_assert_cmpint(fd, >=, 0);
    while (zero && (n = read(fd, buf, 1 * MiB)) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i]) {
                g_test_message("%s: byte 0x%" PRIx64 " is 0x%02x", path,
                               (uint64_t)(lseek(fd, 0, SEEK_CUR) - n + i),
                               buf[i]);
                zero = false;
                break;
            }
        }
    }
    close(fd);
    return zero;
}

/* Number of records in the poison list of the whole capacity */
static unsigned poison_count(T3 *t)
{
    uint8_t out[0x20 + 16 * 8], flags;

    return poison_list(t, 0, VMEM_SIZE + PMEM_SIZE, out, sizeof(out), &flags);
}

/*
 * Sanitize: refused while a decoder is committed; otherwise a background
 * operation of sanitize-ms with progress, Media Status "disabled" and
 * CXL.mem reads of all ones (writes dropped) while it runs, the completion
 * interrupt, then all capacity zero in the backend files, poison gone and
 * the media enabled again. A reset ends a running Sanitize.
 */
static void test_sanitize(void)
{
    T3 t;
    unsigned pct;
    uint16_t op, rc;

    t3_start_opts(&t, true, ",sanitize-ms=" stringify(SANITIZE_MS));
    enable_mbox_msix(&t);
    map_all(&t);
    write_pattern(&t, 0x1122334455667788ull);
    g_assert_cmphex(poison_inject(&t, 0x4000), ==, RC_SUCCESS);
    g_assert_null(qmp_poison(&t, "t3", VMEM_SIZE + 0x8000, 0x100));
    g_assert_cmpuint(poison_count(&t), ==, 2);
    g_assert_cmpuint(media_status(&t), ==, MEDIA_READY);

    /* the memory is mapped: refused, nothing changes */
    g_assert_cmphex(mbox_send(&t, 0x4400, NULL, 0, NULL, 0, NULL), ==,
                    RC_BUSY);
    g_assert_false(bg_status(&t, &pct, &op, &rc));
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x1000), ==,
                    0x1122334455667788ull);
    dec_clear(&t, 1);
    g_assert_cmphex(mbox_send(&t, 0x4400, NULL, 0, NULL, 0, NULL), ==,
                    RC_BUSY);
    dec_clear(&t, 0);
    g_assert_cmphex(cxl_qtest_file_read64(t.pfile, 0x2000), ==,
                    0x1122334455667789ull);

    /* unmapped: starts */
    g_assert_cmphex(mbox_send(&t, 0x4400, NULL, 0, NULL, 0, NULL), ==,
                    RC_BACKGROUND);
    g_assert_true(bg_status(&t, &pct, &op, &rc));
    g_assert_cmphex(op, ==, 0x4400);
    g_assert_cmpuint(pct, <, 100);
    g_assert_cmpuint(media_status(&t), ==, MEDIA_DISABLED);
    /* interrupt only at the end */
    g_assert_cmphex(qtest_readl(t.qts, FW_MSI_ADDR), ==, 0);

    /* the guest maps the memory meanwhile: all ones, writes dropped */
    map_all(&t);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x1000), ==, UINT64_MAX);
    g_assert_cmphex(qtest_readq(t.qts, t.window + VMEM_SIZE + 0x2000), ==,
                    UINT64_MAX);
    qtest_writeq(t.qts, t.window + 0x3000, 0xabcdull);

    /* half way */
    qtest_clock_step(t.qts, SANITIZE_MS / 2 * 1000000ull);
    g_assert_true(bg_status(&t, &pct, &op, &rc));
    g_assert_cmpuint(pct, >=, 40);
    g_assert_cmpuint(pct, <=, 60);
    g_assert_cmpuint(media_status(&t), ==, MEDIA_DISABLED);
    g_assert_cmphex(qtest_readl(t.qts, FW_MSI_ADDR), ==, 0);

    /* done: interrupt, media back, everything zero */
    qtest_clock_step(t.qts, (SANITIZE_MS / 2 + 1) * 1000000ull);
    g_assert_false(bg_status(&t, &pct, &op, &rc));
    g_assert_cmphex(op, ==, 0x4400);
    g_assert_cmpuint(pct, ==, 100);
    g_assert_cmphex(rc, ==, RC_SUCCESS);
    g_assert_cmphex(qtest_readl(t.qts, FW_MSI_ADDR), ==, FW_MSI_DATA);
    g_assert_cmpuint(media_status(&t), ==, MEDIA_READY);
    g_assert_cmpuint(poison_count(&t), ==, 0);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x1000), ==, 0);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x3000), ==, 0);
    g_assert_cmphex(qtest_readq(t.qts, t.window + VMEM_SIZE + 0x2000), ==,
                    0);
    g_assert_true(file_is_zero(t.vfile));
    g_assert_true(file_is_zero(t.pfile));

    /* a reset while Sanitize runs ends it with the media enabled */
    write_pattern(&t, 0x0102030405060708ull);
    unmap_all(&t);
    g_assert_cmphex(mbox_send(&t, 0x4400, NULL, 0, NULL, 0, NULL), ==,
                    RC_BACKGROUND);
    g_assert_cmpuint(media_status(&t), ==, MEDIA_DISABLED);
    qtest_system_reset(t.qts);
    platform_init(&t);
    g_assert_false(bg_status(&t, &pct, &op, &rc));
    g_assert_cmpuint(media_status(&t), ==, MEDIA_READY);
    g_assert_true(file_is_zero(t.vfile));
    g_assert_true(file_is_zero(t.pfile));
    t3_stop(&t);
}

/*
 * Secure Erase: refused while a decoder is committed or a background
 * operation runs; otherwise completes at once with all capacity zero in
 * the backend files and the poison gone.
 */
static void test_secure_erase(void)
{
    T3 t;
    uint8_t state[4];
    uint32_t len;

    t3_start(&t, true);
    g_assert_cmphex(mbox_send(&t, 0x4500, NULL, 0, state, sizeof(state),
                              &len), ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 4);
    g_assert_cmphex(ldl_le_p(state), ==, 0);   /* no passphrase, unlocked */

    map_all(&t);
    write_pattern(&t, 0x8877665544332211ull);
    g_assert_null(qmp_poison(&t, "t3", 0x40, 0x40));
    g_assert_cmphex(mbox_send(&t, 0x4401, NULL, 0, NULL, 0, NULL), ==,
                    RC_BUSY);
    g_assert_cmphex(cxl_qtest_file_read64(t.vfile, 0x1000), ==,
                    0x8877665544332211ull);
    unmap_all(&t);

    /* while Scan Media runs: busy */
    g_assert_cmphex(scan_media(&t, 0, 0x1000), ==, RC_BACKGROUND);
    g_assert_cmphex(mbox_send(&t, 0x4401, NULL, 0, NULL, 0, NULL), ==,
                    RC_BUSY);
    g_assert_cmphex(bg_wait(&t, 0x4304), ==, RC_SUCCESS);

    g_assert_cmphex(mbox_send(&t, 0x4401, NULL, 0, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(media_status(&t), ==, MEDIA_READY);
    g_assert_cmpuint(poison_count(&t), ==, 0);
    g_assert_true(file_is_zero(t.vfile));
    g_assert_true(file_is_zero(t.pfile));
    t3_stop(&t);
}

static uint16_t sec_set(T3 *t, uint8_t type, uint8_t cur, uint8_t new);
#define PASS_USER           1

static void test_security_table(void)
{
    T3 t;
    unsigned failures;

    t3_start(&t, false);
    failures = t3_run_cases(&t, security_cases);
    /* a reset ends the frozen state; set the user passphrase, lock */
    qtest_system_reset(t.qts);
    platform_init(&t);
    g_assert_cmphex(sec_set(&t, PASS_USER, 0, 0x55), ==, RC_SUCCESS);
    qtest_system_reset(t.qts);
    platform_init(&t);
    failures += t3_run_cases(&t, security_locked_cases);
    t3_stop(&t);
    g_assert_cmpuint(failures, ==, 0);
}

static void test_feature_table(void)
{
    T3 t;
    unsigned failures;

    t3_start(&t, false);
    failures = t3_run_cases(&t, feature_cases);
    t3_stop(&t);
    g_assert_cmpuint(failures, ==, 0);
}

static const uint8_t feature_uuids[NR_FEATURES][16] = {
    { UUID_SCRUB }, { UUID_ECS }, { UUID_SPPR }, { UUID_HPPR },
    { UUID_CACHELINE }, { UUID_ROW }, { UUID_BANK }, { UUID_RANK },
};

/* Get Feature @uuid from 0, @len bytes of selection @sel */
static void get_feature(T3 *t, const uint8_t *uuid, uint8_t sel, uint8_t *out,
                        uint16_t len)
{
    uint8_t in[21] = { 0 };
    uint32_t out_len;

    memcpy(in, uuid, 16);
    stw_le_p(in + 18, len);
    in[20] = sel;
    g_assert_cmphex(mbox_send(t, 0x0501, in, 21, out, len, &out_len), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(out_len, ==, len);
}

/* Set Feature @uuid: @action and flags, @len bytes at @offset */
static uint16_t set_feature(T3 *t, const uint8_t *uuid, uint32_t flags,
                            uint16_t offset, const uint8_t *data, size_t len)
{
    uint8_t in[64] = { 0 };

    memcpy(in, uuid, 16);
    stl_le_p(in + 16, flags);
    stw_le_p(in + 20, offset);
    in[22] = 1;
    memcpy(in + 32, data, len);
    return mbox_send(t, 0x0502, in, 32 + len, NULL, 0, NULL);
}

/*
 * Get Supported Features paging: the entries of every window are those of
 * the whole list, as Linux's get_supported_features() pages through them.
 */
static void test_supported_features(void)
{
    static const struct { uint16_t get, set; } sizes[NR_FEATURES] = {
        { 4, 2 }, { 9, 5 }, { 20, 3 }, { 20, 3 },
        { 19, 2 }, { 19, 2 }, { 19, 2 }, { 19, 2 },
    };
    uint8_t in[8] = { 0 }, out[8 + NR_FEATURES * FEAT_ENTRY];
    T3 t;
    uint32_t len;

    t3_start(&t, false);
    for (unsigned start = 0; start < NR_FEATURES; start++) {
        for (unsigned want = 0; want <= NR_FEATURES; want++) {
            unsigned n = MIN(want, NR_FEATURES - start);

            /* room for @want entries and half of another */
            stl_le_p(in, 8 + want * FEAT_ENTRY + FEAT_ENTRY / 2);
            stw_le_p(in + 4, start);
            g_assert_cmphex(mbox_send(&t, 0x0500, in, 8, out, sizeof(out),
                                      &len), ==, RC_SUCCESS);
            g_assert_cmpuint(len, ==, 8 + n * FEAT_ENTRY);
            g_assert_cmpuint(lduw_le_p(out), ==, n);
            g_assert_cmpuint(lduw_le_p(out + 2), ==, NR_FEATURES);
            for (unsigned i = 0; i < n; i++) {
                const uint8_t *e = out + 8 + i * FEAT_ENTRY;
                unsigned f = start + i;

                g_assert_cmpmem(e, 16, feature_uuids[f], 16);
                g_assert_cmpuint(lduw_le_p(e + 16), ==, f);
                g_assert_cmpuint(lduw_le_p(e + 18), ==, sizes[f].get);
                g_assert_cmpuint(lduw_le_p(e + 20), ==, sizes[f].set);
                /* changeable, cold reset persistence, default and saved */
                g_assert_cmphex(ldl_le_p(e + 22), ==, 0x1 | 4 << 1 | 0x60);
                g_assert_cmpuint(e[26], ==, 1);
                g_assert_cmpuint(e[27], ==, 1);
                /* effects valid, an immediate change, nothing else */
                g_assert_cmphex(lduw_le_p(e + 28) & ~0xau, ==, 0x200);
                g_assert_cmphex(lduw_le_p(e + 28) & 0xau, !=, 0);
            }
        }
    }
    t3_stop(&t);
}

/*
 * Set Feature then Get Feature, for every feature: the current value
 * changes, the default does not, the saved one only with "saved across
 * reset", and a reset makes the saved value current.
 */
static void test_feature_round_trip(void)
{
    uint8_t out[32], w[8];
    T3 t;

    t3_start(&t, false);

    /* patrol scrub: 12 hours (minimum 1) and enabled by default */
    get_feature(&t, feature_uuids[0], 0, out, 4);
    g_assert_cmphex(out[0], ==, 0x1);
    g_assert_cmphex(lduw_le_p(out + 1), ==, 12 | 1 << 8);
    g_assert_cmphex(out[3], ==, 1);
    w[0] = 48;
    w[1] = 0;
    g_assert_cmphex(set_feature(&t, feature_uuids[0], 0, 0, w, 2), ==,
                    RC_SUCCESS);
    get_feature(&t, feature_uuids[0], 0, out, 4);
    g_assert_cmphex(lduw_le_p(out + 1), ==, 48 | 1 << 8);
    g_assert_cmphex(out[3], ==, 0);
    get_feature(&t, feature_uuids[0], 1, out, 4);
    g_assert_cmphex(lduw_le_p(out + 1), ==, 12 | 1 << 8);
    g_assert_cmphex(out[3], ==, 1);
    get_feature(&t, feature_uuids[0], 2, out, 4);
    g_assert_cmphex(lduw_le_p(out + 1), ==, 12 | 1 << 8);

    /* DDR5 ECS, saved across reset: log entry type, two FRU configs */
    w[0] = 1;
    stw_le_p(w + 1, 3 | 1 << 3 | 1 << 4);   /* 256, codewords, reset */
    stw_le_p(w + 3, 5);                     /* 4096, rows */
    g_assert_cmphex(set_feature(&t, feature_uuids[1], 0x8, 0, w, 5), ==,
                    RC_SUCCESS);
    get_feature(&t, feature_uuids[1], 0, out, 9);
    g_assert_cmphex(out[0], ==, 1);
    g_assert_cmphex(lduw_le_p(out + 2), ==, 3 | 1 << 3);  /* reset clears */
    g_assert_cmphex(lduw_le_p(out + 6), ==, 5);
    get_feature(&t, feature_uuids[1], 2, out, 9);
    g_assert_cmphex(lduw_le_p(out + 2), ==, 3 | 1 << 3);
    get_feature(&t, feature_uuids[1], 1, out, 9);
    g_assert_cmphex(out[0], ==, 0);
    g_assert_cmphex(lduw_le_p(out + 2), ==, 4);
    g_assert_cmphex(lduw_le_p(out + 6), ==, 4);

    /* soft and hard PPR: header, capabilities, the event record enable */
    for (unsigned f = 2; f <= 3; f++) {
        get_feature(&t, feature_uuids[f], 0, out, 20);
        g_assert_cmphex(out[0], ==, 3 << 4 | 10);     /* 10 ms */
        g_assert_cmphex(out[5], ==, 1);               /* class PPR */
        g_assert_cmphex(out[6], ==, f - 2);           /* soft 0, hard 1 */
        g_assert_cmphex(out[16], ==, 0x7);            /* DPA, nibble, event */
        g_assert_cmphex(out[19], ==, 1);
        memset(w, 0, 3);
        g_assert_cmphex(set_feature(&t, feature_uuids[f], 0, 0, w, 3), ==,
                        RC_SUCCESS);
        get_feature(&t, feature_uuids[f], 0, out, 20);
        g_assert_cmphex(out[19], ==, 0);
        get_feature(&t, feature_uuids[f], 1, out, 20);
        g_assert_cmphex(out[19], ==, 1);
    }

    /* sparing: class 2, subclass by granularity, hard and soft sparing */
    for (unsigned f = 4; f < NR_FEATURES; f++) {
        get_feature(&t, feature_uuids[f], 0, out, 19);
        g_assert_cmphex(out[5], ==, 2);
        g_assert_cmphex(out[6], ==, f - 4);
        g_assert_cmphex(lduw_le_p(out + 3), ==, 0);
        g_assert_cmphex(lduw_le_p(out + 17), ==, 0x6);
        memset(w, 0, 2);
        g_assert_cmphex(set_feature(&t, feature_uuids[f], 0x8, 0, w, 2), ==,
                        RC_SUCCESS);
    }

    /* a reset: saved values become current, unsaved ones are lost */
    qtest_system_reset(t.qts);
    platform_init(&t);
    get_feature(&t, feature_uuids[0], 0, out, 4);
    g_assert_cmphex(lduw_le_p(out + 1), ==, 12 | 1 << 8);
    get_feature(&t, feature_uuids[1], 0, out, 9);
    g_assert_cmphex(out[0], ==, 1);
    g_assert_cmphex(lduw_le_p(out + 2), ==, 3 | 1 << 3);
    get_feature(&t, feature_uuids[2], 0, out, 20);
    g_assert_cmphex(out[19], ==, 1);

    /* a partial transfer: initiate, continue, finish */
    w[0] = 0;
    stw_le_p(w + 1, 4);
    stw_le_p(w + 3, 3 | 1 << 3);
    g_assert_cmphex(set_feature(&t, feature_uuids[1], 1, 0, w, 2), ==,
                    RC_SUCCESS);
    g_assert_cmphex(set_feature(&t, feature_uuids[1], 2, 2, w + 2, 2), ==,
                    RC_SUCCESS);
    get_feature(&t, feature_uuids[1], 0, out, 9);
    g_assert_cmphex(out[0], ==, 1);             /* not applied yet */
    g_assert_cmphex(set_feature(&t, feature_uuids[1], 3, 4, w + 4, 1), ==,
                    RC_SUCCESS);
    get_feature(&t, feature_uuids[1], 0, out, 9);
    g_assert_cmphex(out[0], ==, 0);
    g_assert_cmphex(lduw_le_p(out + 2), ==, 4);
    g_assert_cmphex(lduw_le_p(out + 6), ==, 3 | 1 << 3);
    t3_stop(&t);
}

/* Perform Maintenance (0600h) and let it complete */
static void maintenance(T3 *t, const uint8_t *in, size_t len)
{
    g_assert_cmphex(mbox_send(t, 0x0600, in, len, NULL, 0, NULL), ==,
                    RC_BACKGROUND);
    g_assert_cmphex(bg_wait(t, 0x0600), ==, RC_SUCCESS);
}

/* The informational log's records: their number, the first at @rec */
static unsigned info_records(T3 *t, uint8_t *rec)
{
    uint8_t log = 0, out[0x20 + 128 * 4];
    uint32_t len;
    unsigned n;

    g_assert_cmphex(mbox_send(t, 0x0100, &log, 1, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    n = lduw_le_p(out + 0x14);
    g_assert_cmpuint(len, ==, 0x20 + 128 * n);
    if (n) {
        memcpy(rec, out + 0x20, 128);
    }
    return n;
}

/* Clear the informational log's first record */
static void info_clear(T3 *t, const uint8_t *rec)
{
    uint8_t in[8] = { 0, 0, 1 };

    stw_le_p(in + 6, lduw_le_p(rec + 0x14));
    g_assert_cmphex(mbox_send(t, 0x0101, in, 8, NULL, 0, NULL), ==,
                    RC_SUCCESS);
}

/*
 * Soft PPR and memory sparing through Perform Maintenance: each is a
 * background operation whose Memory Sparing Event Record (CXL r3.2
 * 8.2.10.2.1.4, Linux's struct cxl_event_mem_sparing) Get Event Records
 * returns; each uses a spare resource until none is left.
 */
static void test_maintenance(void)
{
    static const uint8_t mser_uuid[16] = {
        0xe7, 0x1f, 0x3a, 0x40, 0x2d, 0x29, 0x40, 0x92,
        0x8a, 0x39, 0x4d, 0x1c, 0x96, 0x6c, 0x7c, 0x65,
    };
    uint8_t in[17], rec[128], w[3] = { 0 };
    T3 t;

    t3_start(&t, false);
    g_assert_cmpuint(info_records(&t, rec), ==, 0);

    /* soft PPR of DPA 0x1000, nibbles 0xabcdef */
    memset(in, 0, sizeof(in));
    in[0] = 1;
    stq_le_p(in + 3, 0x1000);
    in[11] = 0xef;
    in[12] = 0xcd;
    in[13] = 0xab;
    maintenance(&t, in, 14);
    g_assert_cmpuint(info_records(&t, rec), ==, 1);
    g_assert_cmpmem(rec, 16, mser_uuid, 16);
    g_assert_cmphex(rec[0x20], ==, 1);          /* class PPR */
    g_assert_cmphex(rec[0x21], ==, 0);          /* soft */
    g_assert_cmphex(rec[0x32], ==, 0);          /* soft, no query */
    g_assert_cmphex(rec[0x33], ==, 0);          /* success */
    g_assert_cmphex(lduw_le_p(rec + 0x34), ==, 1 << 2);   /* nibble */
    g_assert_cmpuint(lduw_le_p(rec + 0x3c), ==, 3);       /* spares left */
    g_assert_cmphex(ldl_le_p(rec + 0x40) & 0xffffff, ==, 0xabcdef);
    info_clear(&t, rec);

    /* with the record disabled in the PPR operation mode: none */
    g_assert_cmphex(set_feature(&t, feature_uuids[2], 0, 0, w, 3), ==,
                    RC_SUCCESS);
    maintenance(&t, in, 14);
    g_assert_cmpuint(info_records(&t, rec), ==, 0);

    /* hard row sparing: channel 1, rank 2, bank group 3, bank 1, row */
    memset(in, 0, sizeof(in));
    in[0] = 2;
    in[1] = 1;
    in[2] = 0x2 | 0x8;                          /* hard, nibble mask valid */
    in[3] = 1;
    in[4] = 2;
    in[5] = 0x0f;
    in[8] = 3;
    in[9] = 1;
    in[10] = 0x34;
    in[11] = 0x12;
    in[12] = 0x01;
    maintenance(&t, in, 17);
    g_assert_cmpuint(info_records(&t, rec), ==, 1);
    g_assert_cmpmem(rec, 16, mser_uuid, 16);
    g_assert_cmphex(rec[0x20], ==, 2);
    g_assert_cmphex(rec[0x21], ==, 1);
    g_assert_cmphex(rec[0x32], ==, 0x2);        /* hard sparing */
    /* channel, rank, nibble, bank group, bank, row */
    g_assert_cmphex(lduw_le_p(rec + 0x34), ==, 0x3f);
    g_assert_cmpuint(lduw_le_p(rec + 0x3c), ==, 3);
    g_assert_cmphex(rec[0x3e], ==, 1);
    g_assert_cmphex(rec[0x3f], ==, 2);
    g_assert_cmphex(ldl_le_p(rec + 0x40) & 0xffffff, ==, 0x0f);
    g_assert_cmphex(rec[0x43], ==, 3);
    g_assert_cmphex(rec[0x44], ==, 1);
    g_assert_cmphex(ldl_le_p(rec + 0x45) & 0xffffff, ==, 0x11234);
    info_clear(&t, rec);

    /* a resource query uses no resource */
    in[2] = 0x1;
    maintenance(&t, in, 17);
    g_assert_cmpuint(info_records(&t, rec), ==, 1);
    g_assert_cmphex(rec[0x32], ==, 0x1);
    g_assert_cmpuint(lduw_le_p(rec + 0x3c), ==, 3);
    info_clear(&t, rec);

    /* three more row sparings use the spares; then none is left */
    in[2] = 0;
    for (unsigned i = 0; i < 3; i++) {
        maintenance(&t, in, 17);
        g_assert_cmpuint(info_records(&t, rec), ==, 1);
        g_assert_cmpuint(lduw_le_p(rec + 0x3c), ==, 2 - i);
        info_clear(&t, rec);
    }
    g_assert_cmphex(mbox_send(&t, 0x0600, in, 17, NULL, 0, NULL), ==,
                    RC_RESOURCES_EXHAUSTED);
    /* ... a query still reports it */
    in[2] = 0x1;
    maintenance(&t, in, 17);
    g_assert_cmpuint(info_records(&t, rec), ==, 1);
    g_assert_cmpuint(lduw_le_p(rec + 0x3c), ==, 0);
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

/* ---- security ---- */

#define SEC_USER_SET        (1u << 0)
#define SEC_MASTER_SET      (1u << 1)
#define SEC_LOCKED          (1u << 2)
#define SEC_FROZEN          (1u << 3)
#define SEC_USER_PLIMIT     (1u << 4)
#define SEC_MASTER_PLIMIT   (1u << 5)
#define PASS_MASTER         0

static uint32_t sec_state(T3 *t)
{
    uint8_t out[4];
    uint32_t len = 0;

    g_assert_cmphex(mbox_send(t, 0x4500, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 4);
    return ldl_le_p(out);
}

/* Set Passphrase of @type from 32 bytes of @cur to 32 bytes of @new */
static uint16_t sec_set(T3 *t, uint8_t type, uint8_t cur, uint8_t new)
{
    uint8_t in[96] = { type };

    memset(in + 32, cur, 32);
    memset(in + 64, new, 32);
    return mbox_send(t, 0x4501, in, sizeof(in), NULL, 0, NULL);
}

/* Disable Passphrase or Passphrase Secure Erase with 32 bytes of @pass */
static uint16_t sec_pass(T3 *t, uint16_t opcode, uint8_t type, uint8_t pass)
{
    uint8_t in[64] = { type };

    memset(in + 32, pass, 32);
    return mbox_send(t, opcode, in, sizeof(in), NULL, 0, NULL);
}

static uint16_t sec_unlock(T3 *t, uint8_t pass)
{
    uint8_t in[32];

    memset(in, pass, sizeof(in));
    return mbox_send(t, 0x4503, in, sizeof(in), NULL, 0, NULL);
}

static uint16_t get_lsa(T3 *t)
{
    uint8_t in[8] = { 0, 0, 0, 0, 0x10 }, out[0x10];

    return mbox_send(t, 0x4102, in, sizeof(in), out, sizeof(out), NULL);
}

static void sec_reset(T3 *t)
{
    qtest_system_reset(t->qts);
    platform_init(t);
}

/*
 * A user passphrase locks the device at reset: media commands return
 * Invalid Security State and CXL.mem reads all ones (writes dropped) until
 * Unlock. Wrong passphrases count up to the limit of 3, after which even
 * the right one is refused until a reset. Freeze refuses every change
 * until a reset. Passphrase Secure Erase with the master passphrase
 * erases a locked device: backend files zero, unlocked, no user
 * passphrase.
 */
static void test_security(void)
{
    T3 t;

    t3_start(&t, true);
    g_assert_cmphex(sec_state(&t), ==, 0);
    g_assert_cmphex(sec_set(&t, PASS_MASTER, 0, 0x66), ==, RC_SUCCESS);
    g_assert_cmphex(sec_set(&t, PASS_USER, 0, 0x11), ==, RC_SUCCESS);
    /* change it: the current one is needed */
    g_assert_cmphex(sec_set(&t, PASS_USER, 0, 0x55), ==, RC_PASSPHRASE);
    g_assert_cmphex(sec_set(&t, PASS_USER, 0x11, 0x55), ==, RC_SUCCESS);
    g_assert_cmphex(sec_state(&t), ==, SEC_USER_SET | SEC_MASTER_SET);
    map_all(&t);
    write_pattern(&t, 0x0123456789abcdefull);
    g_assert_cmphex(get_lsa(&t), ==, RC_SUCCESS);

    /* reset: locked */
    sec_reset(&t);
    g_assert_cmphex(sec_state(&t), ==,
                    SEC_USER_SET | SEC_MASTER_SET | SEC_LOCKED);
    g_assert_cmpuint(media_status(&t), ==, MEDIA_READY);
    g_assert_cmphex(get_lsa(&t), ==, RC_SECURITY_STATE);
    g_assert_cmphex(poison_inject(&t, 0x4000), ==, RC_SECURITY_STATE);
    g_assert_cmphex(scan_media(&t, 0, 0x1000), ==, RC_SECURITY_STATE);
    g_assert_cmphex(mbox_send(&t, 0x4400, NULL, 0, NULL, 0, NULL), ==,
                    RC_SECURITY_STATE);
    g_assert_cmphex(mbox_send(&t, 0x4401, NULL, 0, NULL, 0, NULL), ==,
                    RC_SECURITY_STATE);
    /* no passphrase change while locked */
    g_assert_cmphex(sec_set(&t, PASS_USER, 0x55, 0x77), ==,
                    RC_SECURITY_STATE);
    map_all(&t);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x1000), ==, UINT64_MAX);
    g_assert_cmphex(qtest_readq(t.qts, t.window + VMEM_SIZE + 0x2000), ==,
                    UINT64_MAX);
    qtest_writeq(t.qts, t.window + 0x1000, 0xdeadull);
    g_assert_cmphex(cxl_qtest_file_read64(t.vfile, 0x1000), ==,
                    0x0123456789abcdefull);

    /* two wrong attempts, then the right one: unlocked, data back */
    g_assert_cmphex(sec_unlock(&t, 0x56), ==, RC_PASSPHRASE);
    g_assert_cmphex(sec_unlock(&t, 0), ==, RC_PASSPHRASE);
    g_assert_cmphex(sec_unlock(&t, 0x55), ==, RC_SUCCESS);
    g_assert_cmphex(sec_state(&t), ==, SEC_USER_SET | SEC_MASTER_SET);
    g_assert_cmphex(sec_unlock(&t, 0x55), ==, RC_SECURITY_STATE);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x1000), ==,
                    0x0123456789abcdefull);
    g_assert_cmphex(qtest_readq(t.qts, t.window + VMEM_SIZE + 0x2000), ==,
                    0x0123456789abcdf0ull);
    g_assert_cmphex(get_lsa(&t), ==, RC_SUCCESS);

    /* the user attempt limit: the right passphrase no longer unlocks */
    sec_reset(&t);
    for (int i = 0; i < 3; i++) {
        g_assert_cmphex(sec_state(&t) & SEC_USER_PLIMIT, ==, 0);
        g_assert_cmphex(sec_unlock(&t, 0x99), ==, RC_PASSPHRASE);
    }
    g_assert_cmphex(sec_state(&t), ==, SEC_USER_SET | SEC_MASTER_SET |
                    SEC_LOCKED | SEC_USER_PLIMIT);
    g_assert_cmphex(sec_unlock(&t, 0x55), ==, RC_SECURITY_STATE);
    g_assert_cmphex(sec_pass(&t, 0x4502, PASS_USER, 0x55), ==,
                    RC_SECURITY_STATE);
    g_assert_cmphex(sec_pass(&t, 0x4505, PASS_USER, 0x55), ==,
                    RC_SECURITY_STATE);

    /* the master passphrase erases the locked device */
    map_all(&t);
    g_assert_cmphex(sec_pass(&t, 0x4505, PASS_MASTER, 0x66), ==, RC_BUSY);
    unmap_all(&t);
    g_assert_cmphex(sec_pass(&t, 0x4505, PASS_MASTER, 0x55), ==,
                    RC_PASSPHRASE);
    g_assert_cmphex(sec_pass(&t, 0x4505, PASS_MASTER, 0x66), ==, RC_SUCCESS);
    g_assert_cmphex(sec_state(&t) & (SEC_USER_SET | SEC_LOCKED), ==, 0);
    g_assert_true(file_is_zero(t.vfile));
    g_assert_true(file_is_zero(t.pfile));
    g_assert_cmphex(get_lsa(&t), ==, RC_SUCCESS);
    map_all(&t);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x1000), ==, 0);

    /* a reset ends the attempt limit; no user passphrase: not locked */
    sec_reset(&t);
    g_assert_cmphex(sec_state(&t), ==, SEC_MASTER_SET);

    /* the master attempt limit */
    for (int i = 0; i < 3; i++) {
        g_assert_cmphex(sec_pass(&t, 0x4502, PASS_MASTER, 0x67), ==,
                        RC_PASSPHRASE);
    }
    g_assert_cmphex(sec_state(&t), ==, SEC_MASTER_SET | SEC_MASTER_PLIMIT);
    g_assert_cmphex(sec_pass(&t, 0x4502, PASS_MASTER, 0x66), ==,
                    RC_SECURITY_STATE);
    g_assert_cmphex(sec_pass(&t, 0x4505, PASS_MASTER, 0x66), ==,
                    RC_SECURITY_STATE);
    sec_reset(&t);
    g_assert_cmphex(sec_pass(&t, 0x4502, PASS_MASTER, 0x66), ==, RC_SUCCESS);
    g_assert_cmphex(sec_state(&t), ==, 0);
    /* without a master passphrase, erasing with it is invalid */
    g_assert_cmphex(sec_pass(&t, 0x4505, PASS_MASTER, 0), ==,
                    RC_INVALID_INPUT);

    /* frozen: no change until a reset, which locks */
    g_assert_cmphex(sec_set(&t, PASS_USER, 0, 0x33), ==, RC_SUCCESS);
    g_assert_cmphex(mbox_send(&t, 0x4504, NULL, 0, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    g_assert_cmphex(sec_state(&t), ==, SEC_USER_SET | SEC_FROZEN);
    g_assert_cmphex(sec_set(&t, PASS_USER, 0x33, 0x34), ==,
                    RC_SECURITY_STATE);
    g_assert_cmphex(sec_pass(&t, 0x4502, PASS_USER, 0x33), ==,
                    RC_SECURITY_STATE);
    g_assert_cmphex(sec_pass(&t, 0x4505, PASS_USER, 0x33), ==,
                    RC_SECURITY_STATE);
    sec_reset(&t);
    g_assert_cmphex(sec_state(&t), ==, SEC_USER_SET | SEC_LOCKED);
    g_assert_cmphex(sec_unlock(&t, 0x33), ==, RC_SUCCESS);

    /* Passphrase Secure Erase with the user passphrase */
    map_all(&t);
    write_pattern(&t, 0x5555aaaa5555aaaaull);
    unmap_all(&t);
    g_assert_cmphex(sec_pass(&t, 0x4505, PASS_USER, 0x34), ==,
                    RC_PASSPHRASE);
    g_assert_cmphex(sec_pass(&t, 0x4505, PASS_USER, 0x33), ==, RC_SUCCESS);
    g_assert_cmphex(sec_state(&t), ==, 0);
    g_assert_true(file_is_zero(t.vfile));
    g_assert_true(file_is_zero(t.pfile));
    t3_stop(&t);
}

/* With device-state the passphrases outlive QEMU: locked at start */
static void test_security_persist(void)
{
    g_autofree char *dir = g_dir_make_tmp("cxl-sec-XXXXXX", NULL);
    g_autofree char *file = g_build_filename(dir, "t3.state", NULL);
    g_autofree char *opts = g_strdup_printf(",device-state=%s", file);
    T3 t;

    t3_start_opts(&t, false, opts);
    g_assert_cmphex(sec_set(&t, PASS_MASTER, 0, 0x42), ==, RC_SUCCESS);
    g_assert_cmphex(sec_set(&t, PASS_USER, 0, 0x24), ==, RC_SUCCESS);
    t3_stop(&t);

    t3_start_opts(&t, false, opts);
    g_assert_cmphex(sec_state(&t), ==,
                    SEC_USER_SET | SEC_MASTER_SET | SEC_LOCKED);
    g_assert_cmphex(get_lsa(&t), ==, RC_SECURITY_STATE);
    g_assert_cmphex(sec_unlock(&t, 0x42), ==, RC_PASSPHRASE);
    g_assert_cmphex(sec_unlock(&t, 0x24), ==, RC_SUCCESS);
    g_assert_cmphex(sec_pass(&t, 0x4502, PASS_USER, 0x24), ==, RC_SUCCESS);
    t3_stop(&t);

    t3_start_opts(&t, false, opts);
    g_assert_cmphex(sec_state(&t), ==, SEC_MASTER_SET);
    t3_stop(&t);

    unlink(file);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cxl/type3/config-space", test_config_space);
    qtest_add_func("/cxl/type3/device-registers", test_device_registers);
    qtest_add_func("/cxl/type3/mailbox-basics", test_mailbox_basics);
    qtest_add_func("/cxl/type3/cel", test_cel);
    qtest_add_func("/cxl/type3/command-table", test_command_table);
    qtest_add_func("/cxl/type3/feature-table", test_feature_table);
    qtest_add_func("/cxl/type3/supported-features", test_supported_features);
    qtest_add_func("/cxl/type3/feature-round-trip", test_feature_round_trip);
    qtest_add_func("/cxl/type3/maintenance", test_maintenance);
    qtest_add_func("/cxl/type3/command-functions", test_command_functions);
    qtest_add_func("/cxl/type3/lsa-offset-wrap", test_lsa_offset_wrap);
    qtest_add_func("/cxl/type3/fw-update", test_fw_update);
    qtest_add_func("/cxl/type3/fw-image-cap", test_fw_image_cap);
    qtest_add_func("/cxl/type3/hdm-decoders", test_hdm);
    qtest_add_func("/cxl/type3/cxl-mem", test_cxl_mem);
    qtest_add_func("/cxl/type3/cxl-mem-dvsec-range", test_cxl_mem_dvsec_range);
    qtest_add_func("/cxl/type3/cdat", test_cdat);
    qtest_add_func("/cxl/type3/poison", test_poison);
    qtest_add_func("/cxl/type3/poison-more-overflow",
                   test_poison_more_overflow);
    qtest_add_func("/cxl/type3/scan-media", test_scan_media);
    qtest_add_func("/cxl/type3/qmp-inject-poison", test_qmp_inject_poison);
    qtest_add_func("/cxl/type3/ras-injection", test_ras_injection);
    qtest_add_func("/cxl/type3/device-state", test_device_state);
    qtest_add_func("/cxl/type3/sanitize", test_sanitize);
    qtest_add_func("/cxl/type3/secure-erase", test_secure_erase);
    qtest_add_func("/cxl/type3/security-table", test_security_table);
    qtest_add_func("/cxl/type3/security", test_security);
    qtest_add_func("/cxl/type3/security-persist", test_security_persist);
    return g_test_run();
}
