/*
 * Helpers shared by the cxl-type3 qtests (cxl-type3-test: registers, the
 * CEL and the command tables; cxl-type3-media-test: firmware update,
 * poison, Scan Media, Sanitize, Secure Erase and Media Operations;
 * cxl-type3-mgmt-test: features, maintenance and security): the test
 * topology (one cxl-type3 behind a cxl-rp on a pxb-cxl) started and set
 * up as firmware would, the mailbox, background operation status, HDM
 * decoders, the poison commands, mapping the media through the window
 * and reading the backend files.
 *
 * Register and payload layouts are Linux's (drivers/cxl/cxl.h, cxlmem.h,
 * cxlpci.h). Everything here is static inline: a test only includes it.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TESTS_QTEST_CXL_TYPE3_QTEST_H
#define TESTS_QTEST_CXL_TYPE3_QTEST_H

#include "qemu/units.h"
#include "qemu/bswap.h"
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

static inline uint32_t dcfgl(T3 *t, int off)
{
    return qtest_readl(t->qts, cxl_qtest_cfg(DEV_BUS, 0, 0, off));
}

static inline uint16_t dcfgw(T3 *t, int off)
{
    return qtest_readw(t->qts, cxl_qtest_cfg(DEV_BUS, 0, 0, off));
}

static inline void dcfg_writel(T3 *t, int off, uint32_t v)
{
    qtest_writel(t->qts, cxl_qtest_cfg(DEV_BUS, 0, 0, off), v);
}

static inline void dcfg_writew(T3 *t, int off, uint16_t v)
{
    qtest_writew(t->qts, cxl_qtest_cfg(DEV_BUS, 0, 0, off), v);
}

/* Offset of CXL DVSEC @id, 0 if absent; counts the CXL DVSECs. */
static inline uint16_t find_dvsec(T3 *t, uint16_t id, unsigned *nr_cxl)
{
    return cxl_qtest_find_dvsec(t->qts, DEV_BUS, 0, id, nr_cxl);
}

/*
 * Size every BAR by writing all ones as a guest does, place them from
 * MMIO_BASE, open the root port's non-prefetchable window over them and
 * enable memory decoding and bus mastering on both functions.
 */
static inline void assign_bars(T3 *t)
{
    uint64_t cursor = cxl_qtest_assign_bars(t->qts, DEV_BUS, 0, MMIO_BASE,
                                            t->bar, t->bar_size);

    g_assert_cmphex(cursor, <=, CXL_QTEST_ECAM_BASE + 0x30000000ull);
    cxl_qtest_bridge_window(t->qts, RP_BUS, 0, MMIO_BASE,
                            ROUND_UP(cursor, 1 * MiB));
}

static inline void find_regs(T3 *t)
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
static inline void platform_init(T3 *t)
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
static inline void t3_start_opts(T3 *t, bool files, const char *dev_opts)
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
    t->window = cxl_qtest_window(t->qts, 0);
}

static inline void t3_start(T3 *t, bool files)
{
    t3_start_opts(t, files, "");
}

/* Run a table of mailbox cases on @t's device; returns the failures */
#define t3_run_cases(t, cases) \
    cxl_qtest_run_cases((t)->qts, (t)->mbox, (t)->payload_max, (cases), \
                        ARRAY_SIZE(cases))

static inline void t3_stop(T3 *t)
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
static inline uint16_t mbox_send_raw(T3 *t, uint16_t opcode, const void *in,
                                     size_t copy, uint32_t len, void *out,
                                     size_t out_size, uint32_t *out_len)
{
    return cxl_qtest_mbox_send_raw(t->qts, t->mbox, t->payload_max, opcode,
                                   in, copy, len, out, out_size, out_len);
}

static inline uint16_t mbox_send(T3 *t, uint16_t opcode, const void *in,
                                 size_t in_len, void *out, size_t out_size,
                                 uint32_t *out_len)
{
    return mbox_send_raw(t, opcode, in, in_len, in_len, out, out_size,
                         out_len);
}

/* ---- background operations ---- */

/* Where the mailbox MSI-X vector writes in guest RAM, and what */
#define FW_MSI_ADDR         0x200000ull     /* guest RAM the MSI writes */
#define FW_MSI_DATA         0xf1f2f3f4u

/* Background Operation Status (0002h): in progress; percent, opcode, rc */
static inline bool bg_status(T3 *t, unsigned *pct, uint16_t *op,
                             uint16_t *rc)
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
static inline uint16_t bg_wait(T3 *t, uint16_t opcode)
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

/* MSI-X vector 0 (the mailbox) writes FW_MSI_DATA to FW_MSI_ADDR */
static inline void enable_mbox_msix(T3 *t)
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

/* ---- event logs ---- */

/*
 * Records of event log @log (0 info .. 3 fatal): their number; up to @max
 * of them (128 bytes each) copied to @recs
 */
static inline unsigned event_records(T3 *t, uint8_t log, uint8_t *recs,
                                     unsigned max)
{
    uint8_t out[0x20 + 128 * 4];
    uint32_t len;
    unsigned n;

    g_assert_cmphex(mbox_send(t, 0x0100, &log, 1, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    n = lduw_le_p(out + 0x14);
    g_assert_cmpuint(len, ==, 0x20 + 128 * n);
    memcpy(recs, out + 0x20, 128 * MIN(n, max));
    return n;
}

/* Clear Event Records: the record @rec of log @log */
static inline void event_clear(T3 *t, uint8_t log, const uint8_t *rec)
{
    uint8_t in[8] = { log, 0, 1 };

    stw_le_p(in + 6, lduw_le_p(rec + 0x14));
    g_assert_cmphex(mbox_send(t, 0x0101, in, 8, NULL, 0, NULL), ==,
                    RC_SUCCESS);
}

/* ---- HDM decoders and CXL.mem ---- */

static inline uint64_t dec(T3 *t, unsigned n, unsigned reg)
{
    return cxl_qtest_hdm_dec(t->hdm, n, reg);
}

static inline uint32_t dec_ctrl(T3 *t, unsigned n)
{
    return qtest_readl(t->qts, dec(t, n, HDM_DEC_CTRL));
}

/* Program and commit decoder @n as Linux's cxl_decoder_commit() does */
/* Commit decoder @n with @iw_ig (Control bits 7:0: IW << 4 | IG) */
static inline uint32_t dec_commit_ways(T3 *t, unsigned n, uint64_t base,
                                       uint64_t size, uint64_t skip,
                                       uint32_t iw_ig)
{
    qtest_writel(t->qts, dec(t, n, HDM_DEC_BASE_HI), base >> 32);
    qtest_writel(t->qts, dec(t, n, HDM_DEC_BASE_LO), (uint32_t)base);
    qtest_writel(t->qts, dec(t, n, HDM_DEC_SIZE_HI), size >> 32);
    qtest_writel(t->qts, dec(t, n, HDM_DEC_SIZE_LO), (uint32_t)size);
    qtest_writel(t->qts, dec(t, n, HDM_DEC_SKIP_HI), skip >> 32);
    qtest_writel(t->qts, dec(t, n, HDM_DEC_SKIP_LO), (uint32_t)skip);
    qtest_writel(t->qts, dec(t, n, HDM_DEC_CTRL),
                 HDM_CTRL_COMMIT | HDM_CTRL_HOSTONLY | iw_ig);
    return dec_ctrl(t, n) & (HDM_CTRL_COMMITTED | HDM_CTRL_ERR);
}

/* ... 1-way (IW 0, IG 0: 256 bytes), Type 3 */
static inline uint32_t dec_commit(T3 *t, unsigned n, uint64_t base,
                                  uint64_t size, uint64_t skip)
{
    return dec_commit_ways(t, n, base, size, skip, 0);
}

static inline void dec_clear(T3 *t, unsigned n)
{
    qtest_writel(t->qts, dec(t, n, HDM_DEC_CTRL), 0);
    g_assert_cmphex(dec_ctrl(t, n) &
                    (HDM_CTRL_COMMITTED | HDM_CTRL_ERR | HDM_CTRL_COMMIT),
                    ==, 0);
}

static inline void set_mem_enable(T3 *t, bool on)
{
    uint16_t c = dcfgw(t, t->dvsec + DVSEC_CTRL);

    dcfg_writew(t, t->dvsec + DVSEC_CTRL,
                on ? c | DVSEC_MEM_ENABLE : c & ~DVSEC_MEM_ENABLE);
}

/* ---- poison ---- */

#define POISON_LIST_MAX     256
#define INJECT_LIMIT        32
#define SRC_INTERNAL        2
#define SRC_INJECTED        3

/* Get Poison List of [@dpa, @dpa + @len): the reply's flags and count */
static inline uint16_t poison_list(T3 *t, uint64_t dpa, uint64_t len,
                                   uint8_t *out, size_t out_size,
                                   uint8_t *flags)
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

static inline void check_record(const uint8_t *out, unsigned i, uint64_t dpa,
                                uint64_t len, unsigned source)
{
    const uint8_t *r = out + 0x20 + 16 * i;

    g_assert_cmphex(ldq_le_p(r), ==, dpa | source);
    g_assert_cmpuint(ldl_le_p(r + 8), ==, len / 64);
}

static inline uint16_t poison_inject(T3 *t, uint64_t dpa)
{
    uint8_t in[8];

    stq_le_p(in, dpa);
    return mbox_send(t, 0x4301, in, 8, NULL, 0, NULL);
}

static inline uint16_t poison_clear(T3 *t, uint64_t dpa, uint8_t fill)
{
    uint8_t in[72];

    stq_le_p(in, dpa);
    memset(in + 8, fill, 64);
    return mbox_send(t, 0x4302, in, 72, NULL, 0, NULL);
}

/* cxl-inject-poison; NULL on success, else the error's description */
static inline char *qmp_poison(T3 *t, const char *path, uint64_t start,
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

static inline uint16_t scan_media(T3 *t, uint64_t dpa, uint64_t len)
{
    uint8_t in[17] = { 0 };

    stq_le_p(in, dpa);
    stq_le_p(in + 8, len / 64);
    return mbox_send(t, 0x4304, in, 17, NULL, 0, NULL);
}

/* ---- media status, the media through the window, backend files ---- */

#define MEDIA_STATUS(v)     (((v) >> 2) & 3)
#define MEDIA_READY         1
#define MEDIA_DISABLED      3
#define SANITIZE_MS         200

static inline unsigned media_status(T3 *t)
{
    return MEDIA_STATUS(qtest_readq(t->qts, t->memdev));
}

/* Commit decoders 0 (volatile) and 1 (persistent) at the window base */
static inline void map_all(T3 *t)
{
    qtest_writel(t->qts, t->hdm + 4, 1 << 1);
    g_assert_cmphex(dec_commit(t, 0, t->window, VMEM_SIZE, 0), ==,
                    HDM_CTRL_COMMITTED);
    g_assert_cmphex(dec_commit(t, 1, t->window + VMEM_SIZE, PMEM_SIZE, 0),
                    ==, HDM_CTRL_COMMITTED);
    set_mem_enable(t, true);
}

static inline void unmap_all(T3 *t)
{
    dec_clear(t, 1);
    dec_clear(t, 0);
}

/* Write a word near the start and the end of both capacities */
static inline void write_pattern(T3 *t, uint64_t v)
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
static inline bool file_is_zero(const char *path)
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
static inline unsigned poison_count(T3 *t)
{
    uint8_t out[0x20 + 16 * 8], flags;

    return poison_list(t, 0, VMEM_SIZE + PMEM_SIZE, out, sizeof(out), &flags);
}

/* ---- features ---- */

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

/* ---- security ---- */

#define SEC_USER_SET        (1u << 0)
#define SEC_MASTER_SET      (1u << 1)
#define SEC_LOCKED          (1u << 2)
#define SEC_FROZEN          (1u << 3)
#define SEC_USER_PLIMIT     (1u << 4)
#define SEC_MASTER_PLIMIT   (1u << 5)
#define PASS_USER           1
#define PASS_MASTER         0

static inline uint32_t sec_state(T3 *t)
{
    uint8_t out[4];
    uint32_t len = 0;

    g_assert_cmphex(mbox_send(t, 0x4500, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 4);
    return ldl_le_p(out);
}

/* Set Passphrase of @type from 32 bytes of @cur to 32 bytes of @new */
static inline uint16_t sec_set(T3 *t, uint8_t type, uint8_t cur, uint8_t new)
{
    uint8_t in[96] = { type };

    memset(in + 32, cur, 32);
    memset(in + 64, new, 32);
    return mbox_send(t, 0x4501, in, sizeof(in), NULL, 0, NULL);
}

/* Disable Passphrase or Passphrase Secure Erase with 32 bytes of @pass */
static inline uint16_t sec_pass(T3 *t, uint16_t opcode, uint8_t type,
                                uint8_t pass)
{
    uint8_t in[64] = { type };

    memset(in + 32, pass, 32);
    return mbox_send(t, opcode, in, sizeof(in), NULL, 0, NULL);
}

static inline uint16_t sec_unlock(T3 *t, uint8_t pass)
{
    uint8_t in[32];

    memset(in, pass, sizeof(in));
    return mbox_send(t, 0x4503, in, sizeof(in), NULL, 0, NULL);
}

static inline uint16_t get_lsa(T3 *t)
{
    uint8_t in[8] = { 0, 0, 0, 0, 0x10 }, out[0x10];

    return mbox_send(t, 0x4102, in, sizeof(in), out, sizeof(out), NULL);
}

static inline void sec_reset(T3 *t)
{
    qtest_system_reset(t->qts);
    platform_init(t);
}

#endif
