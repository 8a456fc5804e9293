/*
 * Helpers shared by the cxl-type3 qtests: see cxl-type3-qtest.h.
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
#include "qobject/qlist.h"
#include "qapi/error.h"
#include "cxl-type3-qtest.h"

void assign_bars(T3 *t)
{
    uint64_t cursor = cxl_qtest_assign_bars(t->qts, DEV_BUS, 0, MMIO_BASE,
                                            t->bar, t->bar_size);

    g_assert_cmphex(cursor, <=, cxl_qtest_platform.mmio_end);
    cxl_qtest_bridge_window(t->qts, RP_BUS, 0, MMIO_BASE,
                            ROUND_UP(cursor, 1 * MiB));
}

void find_regs(T3 *t)
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

void platform_init(T3 *t)
{
    cxl_qtest_enable_ecam(t->qts);

    /* root port: primary 12, secondary and subordinate 13 */
    qtest_writel(t->qts, cxl_qtest_cfg(RP_BUS, 0, 0, 0x18),
                 RP_BUS | DEV_BUS << 8 | DEV_BUS << 16);
    g_assert_cmphex(dcfgw(t, 0x00), !=, 0xffff);
    assign_bars(t);
}

void t3_start_opts(T3 *t, bool files, const char *dev_opts)
{
    g_autofree char *opts = g_strdup_printf(",sn=0x%x%s", SERIAL, dev_opts);

    t3_start_raw(t, files, opts);
}

/* The topology with backends @mem, @dev_opts after the device's id */
static char *t3_args(const char *mem, const char *dev_opts)
{
    return g_strdup_printf(
        "-machine q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G "
        "%s -object memory-backend-ram,id=lsa0,size=1M "
        "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 "
        "-device cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2 "
        "-device cxl-type3,bus=rp0,volatile-memdev=vmem0,"
        "persistent-memdev=pmem0,lsa=lsa0,id=t3%s",
        mem, dev_opts);
}

char *t3_cmdline(const char *dev_opts)
{
    g_autofree char *opts = g_strdup_printf(",sn=0x%x%s", SERIAL, dev_opts);

    return t3_args("-object memory-backend-ram,id=vmem0,size=256M "
                   "-object memory-backend-ram,id=pmem0,size=512M ", opts);
}

void t3_start_raw(T3 *t, bool files, const char *dev_opts)
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
    args = t3_args(mem, dev_opts);
    t->qts = cxl_qtest_start(args);
    platform_init(t);
    t->dvsec = find_dvsec(t, 0, NULL);
    g_assert_cmphex(t->dvsec, !=, 0);
    find_regs(t);
    t->window = cxl_qtest_window(t->qts, 0);
}

void t3_stop(T3 *t)
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

bool bg_status(T3 *t, unsigned *pct, uint16_t *op, uint16_t *rc)
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

uint16_t bg_wait(T3 *t, uint16_t opcode)
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

void enable_mbox_msix(T3 *t)
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

unsigned event_records(T3 *t, uint8_t log, uint8_t *recs, unsigned max)
{
    /* room for the @max records copied out; the rest is not read */
    size_t size = 0x20 + 128 * max;
    g_autofree uint8_t *out = g_malloc0(size);
    uint32_t len;
    unsigned n;

    g_assert_cmphex(mbox_send(t, 0x0100, &log, 1, out, size, &len),
                    ==, RC_SUCCESS);
    n = lduw_le_p(out + 0x14);
    g_assert_cmpuint(len, ==, 0x20 + 128 * n);
    memcpy(recs, out + 0x20, 128 * MIN(n, max));
    return n;
}

void event_clear(T3 *t, uint8_t log, const uint8_t *rec)
{
    uint8_t in[8] = { log, 0, 1 };

    stw_le_p(in + 6, lduw_le_p(rec + 0x14));
    g_assert_cmphex(mbox_send(t, 0x0101, in, 8, NULL, 0, NULL), ==,
                    RC_SUCCESS);
}

uint32_t dec_commit_ways(T3 *t, unsigned n, uint64_t base, uint64_t size,
                         uint64_t skip, uint32_t iw_ig)
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

void dec_clear(T3 *t, unsigned n)
{
    qtest_writel(t->qts, dec(t, n, HDM_DEC_CTRL), 0);
    g_assert_cmphex(dec_ctrl(t, n) &
                    (HDM_CTRL_COMMITTED | HDM_CTRL_ERR | HDM_CTRL_COMMIT),
                    ==, 0);
}

void set_mem_enable(T3 *t, bool on)
{
    uint16_t c = dcfgw(t, t->dvsec + DVSEC_CTRL);

    dcfg_writew(t, t->dvsec + DVSEC_CTRL,
                on ? c | DVSEC_MEM_ENABLE : c & ~DVSEC_MEM_ENABLE);
}

uint16_t poison_list(T3 *t, uint64_t dpa, uint64_t len, uint8_t *out,
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

void check_record(const uint8_t *out, unsigned i, uint64_t dpa, uint64_t len,
                  unsigned source)
{
    const uint8_t *r = out + 0x20 + 16 * i;

    g_assert_cmphex(ldq_le_p(r), ==, dpa | source);
    g_assert_cmpuint(ldl_le_p(r + 8), ==, len / 64);
}

uint16_t poison_inject(T3 *t, uint64_t dpa)
{
    uint8_t in[8];

    stq_le_p(in, dpa);
    return mbox_send(t, 0x4301, in, 8, NULL, 0, NULL);
}

uint16_t poison_clear(T3 *t, uint64_t dpa, uint8_t fill)
{
    uint8_t in[72];

    stq_le_p(in, dpa);
    memset(in + 8, fill, 64);
    return mbox_send(t, 0x4302, in, 72, NULL, 0, NULL);
}

char *qmp_error_desc(QDict *rsp)
{
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

char *t3_qmp(T3 *t, const char *cmd, const char *args)
{
    QObject *a = qobject_from_json(args, &error_abort);

    return qmp_error_desc(qtest_qmp(t->qts, "{'execute': %s, "
                                    "'arguments': %p}", cmd, a));
}

char *qmp_poison(T3 *t, const char *path, uint64_t start, uint64_t length)
{
    g_autofree char *args = g_strdup_printf(
        "{'path': '%s', 'start': %" PRIu64 ", 'length': %" PRIu64 "}",
        path, start, length);

    return t3_qmp(t, "cxl-inject-poison", args);
}

uint16_t scan_media(T3 *t, uint64_t dpa, uint64_t len)
{
    uint8_t in[17] = { 0 };

    stq_le_p(in, dpa);
    stq_le_p(in + 8, len / 64);
    return mbox_send(t, 0x4304, in, 17, NULL, 0, NULL);
}

uint16_t media_op(T3 *t, uint8_t subclass, uint64_t dpa, uint64_t len)
{
    uint8_t in[24] = { 1, subclass, 0, 0, 1 };

    stq_le_p(in + 8, dpa);
    stq_le_p(in + 16, len);
    return mbox_send(t, 0x4402, in, sizeof(in), NULL, 0, NULL);
}

void map_all(T3 *t)
{
    qtest_writel(t->qts, t->hdm + 4, 1 << 1);
    g_assert_cmphex(dec_commit(t, 0, t->window, VMEM_SIZE, 0), ==,
                    HDM_CTRL_COMMITTED);
    g_assert_cmphex(dec_commit(t, 1, t->window + VMEM_SIZE, PMEM_SIZE, 0),
                    ==, HDM_CTRL_COMMITTED);
    set_mem_enable(t, true);
}

void unmap_all(T3 *t)
{
    dec_clear(t, 1);
    dec_clear(t, 0);
}

void write_pattern(T3 *t, uint64_t v)
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

bool file_is_zero(const char *path)
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

unsigned poison_count(T3 *t)
{
    uint8_t out[0x20 + 16 * 8], flags;

    return poison_list(t, 0, VMEM_SIZE + PMEM_SIZE, out, sizeof(out), &flags);
}

uint32_t sec_state(T3 *t)
{
    uint8_t out[4];
    uint32_t len = 0;

    g_assert_cmphex(mbox_send(t, 0x4500, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 4);
    return ldl_le_p(out);
}

uint16_t sec_set(T3 *t, uint8_t type, uint8_t cur, uint8_t new)
{
    uint8_t in[96] = { type };

    memset(in + 32, cur, 32);
    memset(in + 64, new, 32);
    return mbox_send(t, 0x4501, in, sizeof(in), NULL, 0, NULL);
}

uint16_t sec_pass(T3 *t, uint16_t opcode, uint8_t type, uint8_t pass)
{
    uint8_t in[64] = { type };

    memset(in + 32, pass, 32);
    return mbox_send(t, opcode, in, sizeof(in), NULL, 0, NULL);
}

uint16_t sec_unlock(T3 *t, uint8_t pass)
{
    uint8_t in[32];

    memset(in, pass, sizeof(in));
    return mbox_send(t, 0x4503, in, sizeof(in), NULL, 0, NULL);
}

uint16_t get_lsa(T3 *t)
{
    uint8_t in[8] = { 0, 0, 0, 0, 0x10 }, out[0x10];

    return mbox_send(t, 0x4102, in, sizeof(in), out, sizeof(out), NULL);
}

void sec_reset(T3 *t)
{
    qtest_system_reset(t->qts);
    platform_init(t);
}

/* ---- dynamic capacity (cxl-type3-dc-test, cxl-type3-fm-dcd-test) ---- */

void dc_start(T3 *t, const char *extra)
{
    g_autofree char *opts = g_strdup_printf(
        ",volatile-dc-memdev=dc0,num-dc-regions=2%s "
        "-object memory-backend-ram,id=dc0,size=512M", extra);

    t3_start_opts(t, false, opts);
}

/* Run @cmd with the JSON object @args; NULL or the error's description */
char *dc_qmp(T3 *t, const char *cmd, const char *fmt, ...)
{
    g_autofree char *json = NULL;
    QObject *args;
    QDict *rsp;
    va_list ap;

    va_start(ap, fmt);
    json = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    args = qobject_from_json(json, &error_abort);
    rsp = qtest_qmp(t->qts, "{'execute': %s, 'arguments': %p}", cmd, args);
    return qmp_error_desc(rsp);
}

void qmp_ok(char *desc)
{
    g_assert_null(desc);
}

/* The error @desc mentions @what */
void qmp_err(char *desc, const char *what)
{
    g_assert_nonnull(desc);
    if (!strstr(desc, what)) {
        g_test_message("error '%s' lacks '%s'", desc, what);
        g_assert_not_reached();
    }
    g_free(desc);
}

/* Offer the extents of region @r (JSON list @extents) */
char *dc_add(T3 *t, unsigned r, const char *tag, const char *extents)
{
    g_autofree char *tagarg = tag ? g_strdup_printf(", 'tag': '%s'", tag)
                                  : g_strdup("");

    return dc_qmp(t, "cxl-add-dynamic-capacity",
                  "{'path': 't3', 'host-id': 0, 'selection-policy': "
                  "'prescriptive', 'region': %u%s, 'extents': %s}",
                  r, tagarg, extents);
}

/* cxl-query-dynamic-capacity's extents, as "state:offset+len,..." */
char *dc_query(T3 *t)
{
    return cxl_qtest_dc_query(t->qts, "t3");
}

void check_query(T3 *t, const char *want)
{
    g_autofree char *got = dc_query(t);

    g_assert_cmpstr(got, ==, want);
}

/* The records of the Dynamic Capacity log (at most 16), cleared */
unsigned dc_events(T3 *t, uint8_t *recs)
{
    uint8_t out[0x20 + 128 * 16];
    uint8_t in[6 + 2 * 16] = { LOG_DC, 0 };
    uint32_t len;
    unsigned n;

    g_assert_cmphex(mbox_send(t, 0x0100, (uint8_t[]){ LOG_DC }, 1, out,
                              sizeof(out), &len), ==, RC_SUCCESS);
    n = lduw_le_p(out + 0x14);
    g_assert_cmpuint(n, <=, 16);
    g_assert_cmpuint(len, ==, 0x20 + 128 * n);
    memcpy(recs, out + 0x20, 128 * n);
    if (n) {
        in[2] = n;
        for (unsigned i = 0; i < n; i++) {
            stw_le_p(in + 6 + 2 * i, lduw_le_p(recs + 128 * i + 0x14));
        }
        g_assert_cmphex(mbox_send(t, 0x0101, in, 6 + 2 * n, NULL, 0, NULL),
                        ==, RC_SUCCESS);
    }
    return n;
}

const uint8_t dc_uuid[16] = {
    0xca, 0x95, 0xaf, 0xa7, 0xf1, 0x83, 0x40, 0x18,
    0x8c, 0x2f, 0x95, 0x26, 0x8e, 0x10, 0x1a, 0x2a,
};

/* Dynamic Capacity Event Record @rec: @type, extent, More */
void check_dc_record(const uint8_t *rec, uint8_t type, uint8_t region,
                     uint64_t dpa, uint64_t len, bool more)
{
    g_assert_cmpmem(rec, 16, dc_uuid, 16);
    g_assert_cmpuint(rec[16], ==, 128);
    g_assert_cmpuint(rec[0x30], ==, type);
    g_assert_cmpuint(lduw_le_p(rec + 0x32), ==, 0);    /* host id */
    g_assert_cmpuint(rec[0x34], ==, region);
    g_assert_cmpuint(rec[0x35] & 1, ==, more);
    g_assert_cmphex(ldq_le_p(rec + 0x38), ==, dpa);
    g_assert_cmphex(ldq_le_p(rec + 0x40), ==, len);
}

/* Add Dynamic Capacity Response or Release Dynamic Capacity */
uint16_t dc_respond(T3 *t, uint16_t op, uint8_t flags, unsigned n,
                    const uint64_t *dpa, const uint64_t *len)
{
    uint8_t in[8 + 24 * 8] = { 0 };

    g_assert_cmpuint(n, <=, 8);
    stl_le_p(in, n);
    in[4] = flags;
    for (unsigned i = 0; i < n; i++) {
        stq_le_p(in + 8 + 24 * i, dpa[i]);
        stq_le_p(in + 16 + 24 * i, len[i]);
    }
    return mbox_send(t, op, in, 8 + 24 * n, NULL, 0, NULL);
}

uint16_t dc_respond1(T3 *t, uint16_t op, uint64_t dpa, uint64_t len)
{
    return dc_respond(t, op, 0, 1, &dpa, &len);
}

void dc_check_cel(T3 *t, const uint16_t (*want)[2], unsigned n)
{
    g_autofree uint8_t *cel = NULL;
    uint32_t size;

    cel = cxl_qtest_read_cel(t->qts, t->mbox, t->payload_max, &size);
    for (unsigned w = 0; w < n; w++) {
        bool found = false;

        for (uint32_t i = 0; i < size; i += 4) {
            if (lduw_le_p(cel + i) == want[w][0]) {
                g_assert_cmphex(lduw_le_p(cel + i + 2), ==, want[w][1]);
                found = true;
            }
        }
        g_assert_true(found);
    }
}
