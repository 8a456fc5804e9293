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
#include "libqtest.h"
#include "cxl-qtest.h"

#define MMIO_BASE           0xc0000000ull
#define RP_BUS              12
#define DEV_BUS             13

#define SERIAL              0x1234
#define VMEM_SIZE           (256 * MiB)
#define PMEM_SIZE           (512 * MiB)
#define LSA_SIZE            (1 * MiB)

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

/* Device registers (Linux's CXLDEV_*), offsets within the mailbox */
#define MBOX_CAPS           0x00
#define MBOX_CTRL           0x04
#define   MBOX_CTRL_DOORBELL    (1u << 0)
#define   MBOX_CTRL_BG_IRQ      (1u << 2)
#define MBOX_CMD            0x08
#define MBOX_STATUS         0x10
#define MBOX_BG_STATUS      0x18
#define MBOX_PAYLOAD        0x20

/* Mailbox return codes (CXL r3.1 Table 8-34) */
#define RC_SUCCESS          0x00
#define RC_INVALID_INPUT    0x02
#define RC_UNSUPPORTED      0x03
#define RC_INVALID_HANDLE   0x0e
#define RC_PAYLOAD_LEN      0x16
#define RC_INVALID_LOG      0x17

static const uint8_t cel_uuid[16] = {
    0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78,
    0x8f, 0x79, 0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17,
};

typedef struct T3 {
    QTestState *qts;
    uint64_t bar[6];
    uint64_t bar_size[6];
    uint64_t comp;          /* component registers (register locator) */
    uint64_t devregs;       /* memory device registers */
    uint64_t mbox;          /* primary mailbox */
    uint64_t mbox_len;      /* its length in the capability header */
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
    uint64_t arr = qtest_readq(t->qts, t->devregs);
    for (unsigned i = 1; i <= ((arr >> 32) & 0xffff); i++) {
        uint64_t h = t->devregs + 16 * i;
        uint16_t id = qtest_readl(t->qts, h) & 0xffff;
        uint64_t at = t->devregs + qtest_readl(t->qts, h + 4);

        if (id == 2) {
            t->mbox = at;
            t->mbox_len = qtest_readl(t->qts, h + 8);
        } else if (id == 0x4000) {
            t->memdev = at;
        } else if (id == 1) {
            t->status = at;
        }
    }
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
static void t3_start(T3 *t, bool files)
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
        "persistent-memdev=pmem0,lsa=lsa0,id=t3,sn=0x%x",
        mem, SERIAL);
    t->qts = cxl_qtest_start(args);
    platform_init(t);
    t->dvsec = find_dvsec(t, 0, NULL);
    g_assert_cmphex(t->dvsec, !=, 0);
    find_regs(t);
    t->window = cxl_qtest_mtree_addr(t->qts, "cxl-fixed-memory-window-0");
}

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

/*
 * Send @opcode with @copy bytes of @in in the payload registers and @len in
 * the command register's payload length (normally the same). Returns the
 * return code; on success copies up to @out_size bytes of the output to
 * @out and sets *@out_len to the output payload length the device gave.
 */
static uint16_t mbox_send_raw(T3 *t, uint16_t opcode, const void *in,
                              size_t copy, uint32_t len, void *out,
                              size_t out_size, uint32_t *out_len)
{
    QTestState *qts = t->qts;
    uint64_t status, cmd;
    uint16_t rc;
    uint32_t olen;
    unsigned i;

    /* #1: doorbell clear */
    g_assert_cmphex(qtest_readl(qts, t->mbox + MBOX_CTRL) &
                    MBOX_CTRL_DOORBELL, ==, 0);
    /* #2, #3: payload and command register */
    if (copy) {
        qtest_memwrite(qts, t->mbox + MBOX_PAYLOAD, in, copy);
    }
    qtest_writeq(qts, t->mbox + MBOX_CMD,
                 opcode | ((uint64_t)len & 0x1fffff) << 16);
    /* #4: doorbell */
    qtest_writel(qts, t->mbox + MBOX_CTRL, MBOX_CTRL_DOORBELL);
    /* #5: wait for the doorbell to clear */
    for (i = 0; i < 1000; i++) {
        if (!(qtest_readl(qts, t->mbox + MBOX_CTRL) & MBOX_CTRL_DOORBELL)) {
            break;
        }
        qtest_clock_step(qts, 1000000);
    }
    g_assert_cmpuint(i, <, 1000);
    /* #6: return code; #7: output length; #8: output payload */
    status = qtest_readq(qts, t->mbox + MBOX_STATUS);
    rc = (status >> 32) & 0xffff;
    cmd = qtest_readq(qts, t->mbox + MBOX_CMD);
    olen = (cmd >> 16) & 0x1fffff;
    g_assert_cmpuint(olen, <=, t->payload_max);
    if (rc == RC_SUCCESS && out && olen) {
        qtest_memread(qts, t->mbox + MBOX_PAYLOAD, out, MIN(olen, out_size));
    }
    if (out_len) {
        *out_len = olen;
    }
    return rc;
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
static const struct {
    uint16_t opcode;
    const char *name;
} tested_ops[] = {
    { 0x0001, "Identify" },
    { 0x0002, "Background Operation Status" },
    { 0x0005, "Request Abort Background Operation" },
    { 0x0100, "Get Event Records" },
    { 0x0101, "Clear Event Records" },
    { 0x0102, "Get Event Interrupt Policy" },
    { 0x0103, "Set Event Interrupt Policy" },
    { 0x0200, "Get FW Info" },
    { 0x0300, "Get Timestamp" },
    { 0x0301, "Set Timestamp" },
    { 0x0400, "Get Supported Logs" },
    { 0x0401, "Get Log" },
    { 0x0402, "Get Log Capabilities" },
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
};

static bool op_tested(uint16_t opcode)
{
    for (unsigned i = 0; i < ARRAY_SIZE(tested_ops); i++) {
        if (tested_ops[i].opcode == opcode) {
            return true;
        }
    }
    return false;
}

/* Read the whole CEL: returns its entries (4 bytes each), sets *@len. */
static uint8_t *read_cel(T3 *t, uint32_t *cel_len)
{
    g_autofree uint8_t *gsl = g_malloc0(4096);
    uint8_t in[24];
    uint32_t len, size = 0;
    bool found = false;
    uint8_t *cel;

    g_assert_cmphex(mbox_send(t, 0x0400, NULL, 0, gsl, 4096, &len), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(len, >=, 8);
    unsigned n = lduw_le_p(gsl);
    g_assert_cmpuint(len, >=, 8 + 20 * n);
    for (unsigned i = 0; i < n && 8 + 20 * (i + 1) <= 4096; i++) {
        if (!memcmp(gsl + 8 + 20 * i, cel_uuid, 16)) {
            size = ldl_le_p(gsl + 8 + 20 * i + 16);
            found = true;
        }
    }
    g_assert_true(found);
    g_assert_cmpuint(size, >, 0);
    g_assert_cmpuint(size % 4, ==, 0);
    g_assert_cmpuint(size, <=, t->payload_max);

    memcpy(in, cel_uuid, 16);
    stl_le_p(in + 16, 0);
    stl_le_p(in + 20, size);
    cel = g_malloc0(size);
    g_assert_cmphex(mbox_send(t, 0x0401, in, 24, cel, size, &len), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(len, ==, size);
    *cel_len = size;
    return cel;
}

static void test_cel(void)
{
    T3 t;
    uint32_t size;
    g_autofree uint8_t *cel = NULL;
    g_autoptr(GString) untested = g_string_new("");
    g_autoptr(GString) unlisted = g_string_new("");

    t3_start(&t, false);
    cel = read_cel(&t, &size);
    for (uint32_t o = 0; o < size; o += 4) {
        uint16_t op = lduw_le_p(cel + o);

        if (!op_tested(op)) {
            g_string_append_printf(untested, " %04xh", op);
        }
        /* each opcode once */
        for (uint32_t p = o + 4; p < size; p += 4) {
            g_assert_cmphex(lduw_le_p(cel + p), !=, op);
        }
    }
    for (unsigned i = 0; i < ARRAY_SIZE(tested_ops); i++) {
        bool listed = false;

        for (uint32_t o = 0; o < size; o += 4) {
            listed |= lduw_le_p(cel + o) == tested_ops[i].opcode;
        }
        if (!listed) {
            g_string_append_printf(unlisted, " %04xh (%s)",
                                   tested_ops[i].opcode, tested_ops[i].name);
        }
    }
    if (untested->len) {
        g_test_message("CEL opcodes without a test:%s", untested->str);
    }
    if (unlisted->len) {
        g_test_message("tested opcodes missing from the CEL:%s",
                       unlisted->str);
    }
    g_assert_cmpstr(untested->str, ==, "");
    g_assert_cmpstr(unlisted->str, ==, "");
    t3_stop(&t);
}

/*
 * One mailbox command and the return code the spec asks for. For a
 * success, the reply must be at least @min_out bytes (Linux's structure
 * size: it rejects shorter replies). @len_over: instead of @in_len, claim a
 * payload one byte longer than the mailbox can hold.
 *
 * No command of this device starts a background operation yet, so there is
 * no Busy case ("one background operation at a time") to test here.
 */
typedef struct MboxCase {
    const char *what;
    uint16_t opcode;
    uint8_t in[32];             /* little-endian fields, after the UUID */
    uint32_t in_len;            /* total, UUID included */
    bool len_over;
    uint16_t rc;
    uint32_t min_out;
    uint8_t uuid;               /* input starts with a log UUID */
} MboxCase;

enum { NO_UUID, CEL_UUID, BAD_UUID };

static const uint8_t bad_uuid[16] = {
    0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x47, 0x88,
    0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00,
};

static const MboxCase mbox_cases[] = {
    /* generic */
    { "identify", 0x0001, {}, 0, false, RC_SUCCESS, 0x12 },
    { "identify long", 0x0001, {}, 1, false, RC_PAYLOAD_LEN },
    { "bg status", 0x0002, {}, 0, false, RC_SUCCESS, 8 },
    { "bg status long", 0x0002, {}, 1, false, RC_PAYLOAD_LEN },
    { "abort bg (none running)", 0x0005, {}, 0, false, RC_SUCCESS, 0 },
    { "abort bg long", 0x0005, {}, 1, false, RC_PAYLOAD_LEN },
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
    /* timestamp */
    { "get timestamp", 0x0300, {}, 0, false, RC_SUCCESS, 8 },
    { "get timestamp long", 0x0300, {}, 1, false, RC_PAYLOAD_LEN },
    { "set timestamp", 0x0301, { 1 }, 8, false, RC_SUCCESS, 0 },
    { "set timestamp short", 0x0301, {}, 7, false, RC_PAYLOAD_LEN },
    { "set timestamp long", 0x0301, {}, 9, false, RC_PAYLOAD_LEN },
    /* logs: Get Log is UUID, offset, length; Get Log Caps the UUID */
    { "get supported logs", 0x0400, {}, 0, false, RC_SUCCESS, 8 + 20 },
    { "get supported logs long", 0x0400, {}, 1, false, RC_PAYLOAD_LEN },
    { "get log", 0x0401, { 0, 0, 0, 0, 4, 0, 0, 0 }, 24, false,
      RC_SUCCESS, 4, CEL_UUID },
    { "get log short", 0x0401, { 0, 0, 0, 0, 4, 0, 0, 0 }, 23, false,
      RC_PAYLOAD_LEN, 0, CEL_UUID },
    { "get log long", 0x0401, { 0, 0, 0, 0, 4, 0, 0, 0 }, 25, false,
      RC_PAYLOAD_LEN, 0, CEL_UUID },
    { "get log unknown uuid", 0x0401, { 0, 0, 0, 0, 4, 0, 0, 0 }, 24,
      false, RC_INVALID_LOG, 0, BAD_UUID },
    { "get log offset past the log", 0x0401,
      { 0, 0, 0x10, 0, 4, 0, 0, 0 }, 24, false, RC_INVALID_INPUT, 0,
      CEL_UUID },
    { "get log longer than the payload", 0x0401,
      { 0, 0, 0, 0, 0, 0, 0x20, 0 }, 24, false, RC_INVALID_INPUT, 0,
      CEL_UUID },
    { "get log caps", 0x0402, {}, 16, false, RC_SUCCESS, 4, CEL_UUID },
    { "get log caps short", 0x0402, {}, 15, false, RC_PAYLOAD_LEN, 0,
      CEL_UUID },
    { "get log caps long", 0x0402, {}, 17, false, RC_PAYLOAD_LEN, 0,
      CEL_UUID },
    { "get log caps unknown uuid", 0x0402, {}, 16, false, RC_INVALID_LOG,
      0, BAD_UUID },
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
};

static void test_command_table(void)
{
    T3 t;
    g_autofree uint8_t *out = NULL;
    unsigned failures = 0;

    /* the table covers every tested opcode with a success and a length case */
    for (unsigned i = 0; i < ARRAY_SIZE(tested_ops); i++) {
        bool good = false, len = false;

        for (unsigned c = 0; c < ARRAY_SIZE(mbox_cases); c++) {
            if (mbox_cases[c].opcode == tested_ops[i].opcode) {
                good |= mbox_cases[c].rc == RC_SUCCESS;
                len |= mbox_cases[c].rc == RC_PAYLOAD_LEN;
            }
        }
        if (!good || !len) {
            g_test_message("%s (%04xh) lacks a %s case", tested_ops[i].name,
                           tested_ops[i].opcode, good ? "length" : "success");
            failures++;
        }
    }
    g_assert_cmpuint(failures, ==, 0);

    t3_start(&t, false);
    out = g_malloc0(t.payload_max);
    for (unsigned c = 0; c < ARRAY_SIZE(mbox_cases); c++) {
        const MboxCase *m = &mbox_cases[c];
        uint32_t len = m->len_over ? t.payload_max + 1 : m->in_len;
        uint8_t in[16 + sizeof(m->in)] = { 0 };
        size_t at = m->uuid == NO_UUID ? 0 : 16;
        uint32_t out_len = 0;
        uint16_t rc;

        g_assert_cmpuint(m->in_len, <=, sizeof(in));
        if (m->uuid != NO_UUID) {
            memcpy(in, m->uuid == CEL_UUID ? cel_uuid : bad_uuid, 16);
        }
        memcpy(in + at, m->in, sizeof(m->in));
        rc = mbox_send_raw(&t, m->opcode, in, m->in_len, len, out,
                           t.payload_max, &out_len);
        if (rc != m->rc || (rc == RC_SUCCESS && out_len < m->min_out)) {
            g_test_message("%04xh %s: return code %02xh (expected %02xh), "
                           "output %u bytes (expected >= %u)", m->opcode,
                           m->what, rc, m->rc, out_len, m->min_out);
            failures++;
        }
    }
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
    uint64_t ts = 0x1700000000000000ull;
    stq_le_p(in, ts);
    g_assert_cmphex(mbox_send(&t, 0x0301, in, 8, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    qtest_clock_step(t.qts, 1000000);
    g_assert_cmphex(mbox_send(&t, 0x0300, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 8);
    g_assert_cmpuint(ldq_le_p(out), >=, ts);
    g_assert_cmpuint(ldq_le_p(out), <, ts + 60000000000ull);

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

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cxl/type3/config-space", test_config_space);
    qtest_add_func("/cxl/type3/device-registers", test_device_registers);
    qtest_add_func("/cxl/type3/mailbox-basics", test_mailbox_basics);
    qtest_add_func("/cxl/type3/cel", test_cel);
    qtest_add_func("/cxl/type3/command-table", test_command_table);
    qtest_add_func("/cxl/type3/command-functions", test_command_functions);
    qtest_add_func("/cxl/type3/lsa-offset-wrap", test_lsa_offset_wrap);
    qtest_add_func("/cxl/type3/hdm-decoders", test_hdm);
    qtest_add_func("/cxl/type3/cxl-mem", test_cxl_mem);
    qtest_add_func("/cxl/type3/cxl-mem-dvsec-range", test_cxl_mem_dvsec_range);
    qtest_add_func("/cxl/type3/cdat", test_cdat);
    return g_test_run();
}
