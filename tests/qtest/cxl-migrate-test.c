/*
 * Migration of the CXL devices: a host bridge, a root port and a
 * cxl-type3 (volatile, persistent, label storage) programmed through MMIO,
 * the mailbox and QMP, migrated to a file and loaded by a second QEMU
 * with the same command line (-incoming defer, migrate-incoming). Every
 * piece of state reads back the same on the destination; a background
 * operation in progress goes on there; a truncated or corrupt stream is
 * an error the destination survives.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/bswap.h"
#include "qemu/cutils.h"
#include "qemu/timer.h"
#include "libqtest.h"
#include "qobject/qdict.h"
#include "qobject/qjson.h"
#include "qobject/qstring.h"
#include "cxl-type3-qtest.h"
/* both headers have a find_dvsec() of their own */
#define find_dvsec sw_find_dvsec
#include "cxl-switch-qtest.h"
#undef find_dvsec

#define MIG_SANITIZE_MS     600000      /* ten minutes of virtual time */

static char *mig_file(char **dir)
{
    GError *err = NULL;

    *dir = g_dir_make_tmp("cxl-migrate-test-XXXXXX", &err);
    g_assert_no_error(err);
    return g_build_filename(*dir, "stream", NULL);
}

static void mig_save(QTestState *src, const char *file)
{
    g_autofree char *uri = g_strdup_printf("file:%s", file);

    qtest_qmp_assert_success(src, "{'execute': 'migrate', "
                             "'arguments': {'uri': %s}}", uri);
    g_assert_true(cxl_qtest_mig_wait(src));
}

/* Load @file into a new QEMU started with @args, where @src's clock is */
static QTestState *mig_move(const char *args, const char *file,
                            QTestState *src)
{
    bool ok;
    QTestState *dst = cxl_qtest_mig_load(args, file,
                                         qtest_clock_step(src, 1), &ok);

    g_assert_true(ok);
    return dst;
}

/* The source's state as the destination must show it */
static GByteArray *snapshot(T3 *t)
{
    GByteArray *s = g_byte_array_new();
    uint8_t out[4096];
    uint32_t len;

    /* configuration space of the device and of the root port */
    for (unsigned off = 0; off < 0x1000; off += 4) {
        uint32_t v = dcfgl(t, off);

        g_byte_array_append(s, (uint8_t *)&v, 4);
    }
    for (unsigned off = 0; off < 0x1000; off += 4) {
        uint32_t v = qtest_readl(t->qts, cxl_qtest_cfg(RP_BUS, 0, 0, off));

        g_byte_array_append(s, (uint8_t *)&v, 4);
    }
    /* the device's component registers (decoders, RAS) */
    for (unsigned off = 0x1000; off < 0x2000; off += 4) {
        uint32_t v = qtest_readl(t->qts, t->comp + off);

        g_byte_array_append(s, (uint8_t *)&v, 4);
    }
    /* event logs (reading does not clear them) */
    for (uint8_t log = 0; log < 4; log++) {
        g_assert_cmphex(mbox_send(t, 0x0100, &log, 1, out, sizeof(out),
                                  &len), ==, RC_SUCCESS);
        g_byte_array_append(s, out, len);
    }
    /* read-only commands: FW info, health, alerts, shutdown, security */
    static const uint16_t reads[] = { 0x0200, 0x4200, 0x4201, 0x4203,
                                      0x4500 };
    for (unsigned i = 0; i < ARRAY_SIZE(reads); i++) {
        g_assert_cmphex(mbox_send(t, reads[i], NULL, 0, out, sizeof(out),
                                  &len), ==, RC_SUCCESS);
        g_byte_array_append(s, out, len);
    }
    /* the LSA's first 256 bytes */
    {
        uint8_t in[8] = { 0 };

        stl_le_p(in + 4, 256);
        g_assert_cmphex(mbox_send(t, 0x4102, in, 8, out, sizeof(out), &len),
                        ==, RC_SUCCESS);
        g_byte_array_append(s, out, len);
    }
    return s;
}

static void check_same(GByteArray *a, GByteArray *b)
{
    g_assert_cmpuint(a->len, ==, b->len);
    for (unsigned i = 0; i < a->len; i++) {
        if (a->data[i] != b->data[i]) {
            g_test_message("first difference at byte %u", i);
            g_assert_cmphex(a->data[i], ==, b->data[i]);
        }
    }
}

/* Program the source: decoders, data, events, poison, passphrase, FW */
static void program(T3 *t)
{
    uint8_t fw[0x80 + 256] = { 0, 2 };          /* full transfer, slot 2 */
    uint8_t lsa[8 + 16] = { 0 };
    uint8_t alert[12] = { 0x01, 0x01, 77 };     /* life used warning 77% */
    uint8_t ts[8];
    char *err;

    /* HDM Decoder Enable; volatile and persistent decoders; Mem_Enable */
    qtest_writel(t->qts, t->hdm + 4, 1 << 1);
    g_assert_cmphex(dec_commit(t, 0, t->window, 256 * MiB, 0), ==,
                    HDM_CTRL_COMMITTED);
    g_assert_cmphex(dec_commit(t, 1, t->window + 256 * MiB, 512 * MiB, 0),
                    ==, HDM_CTRL_COMMITTED);
    set_mem_enable(t, true);
    qtest_writeq(t->qts, t->window + 0x1000, 0x0123456789abcdefull);
    qtest_writeq(t->qts, t->window + 256 * MiB + 0x2000,
                 0xfedcba9876543210ull);

    /* events through QMP, poison through QMP and the mailbox */
    err = t3_qmp(t, "cxl-inject-general-media-event",
                 "{'path': 't3', 'log': 'warning', 'flags': 8, "
                 "'dpa': 4096, 'descriptor': 2, 'type': 0, "
                 "'transaction-type': 2}");
    g_assert_null(err);
    err = t3_qmp(t, "cxl-inject-memory-module-event",
                 "{'path': 't3', 'log': 'informational', 'flags': 16, "
                 "'type': 3, 'health-status': 2, 'media-status': 0, "
                 "'additional-status': 0, 'life-used': 42, "
                 "'temperature': -7, 'dirty-shutdown-count': 1, "
                 "'corrected-volatile-error-count': 0, "
                 "'corrected-persistent-error-count': 0}");
    g_assert_null(err);
    err = t3_qmp(t, "cxl-inject-poison",
                 "{'path': 't3', 'start': 65536, 'length': 128}");
    g_assert_null(err);
    g_assert_cmphex(poison_inject(t, 0x3000000), ==, RC_SUCCESS);

    /* timestamp, alert configuration, label storage */
    stq_le_p(ts, 0x1122334455667788ull);
    g_assert_cmphex(mbox_send(t, 0x0301, ts, 8, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    g_assert_cmphex(mbox_send(t, 0x4202, alert, sizeof(alert), NULL, 0,
                              NULL), ==, RC_SUCCESS);
    memcpy(lsa + 8, "cxl-migrate-lsa!", 16);
    stl_le_p(lsa, 64);
    g_assert_cmphex(mbox_send(t, 0x4103, lsa, sizeof(lsa), NULL, 0, NULL),
                    ==, RC_SUCCESS);

    /* a firmware image into slot 2 */
    memcpy(fw + 0x80, "QEMU CXL migrat", 15);
    memset(fw + 0x80 + 16, 0xa5, 256 - 16);
    g_assert_cmphex(mbox_send(t, 0x0201, fw, sizeof(fw), NULL, 0, NULL), ==,
                    RC_BACKGROUND);
    g_assert_cmphex(bg_wait(t, 0x0201), ==, RC_SUCCESS);

    /* a user passphrase (locks the media at the next reset only) */
    g_assert_cmphex(sec_set(t, 1, 0, 0x55), ==, RC_SUCCESS);
}

static void test_migrate_state(void)
{
    g_autofree char *args = t3_cmdline("");
    g_autofree char *dir = NULL;
    g_autofree char *file = mig_file(&dir);
    g_autoptr(GByteArray) before = NULL;
    g_autoptr(GByteArray) after = NULL;
    uint8_t out[4096];
    uint32_t len;
    T3 t, d;

    t3_start(&t, false);
    program(&t);
    before = snapshot(&t);
    mig_save(t.qts, file);

    d = t;
    d.qts = mig_move(args, file, t.qts);
    after = snapshot(&d);
    check_same(before, after);

    /* decoders committed, data where it was, poison still poison */
    g_assert_cmphex(dec_ctrl(&d, 0) & HDM_CTRL_COMMITTED, ==,
                    HDM_CTRL_COMMITTED);
    g_assert_cmphex(dec_ctrl(&d, 1) & HDM_CTRL_COMMITTED, ==,
                    HDM_CTRL_COMMITTED);
    g_assert_cmphex(qtest_readq(d.qts, d.window + 0x1000), ==,
                    0x0123456789abcdefull);
    g_assert_cmphex(qtest_readq(d.qts, d.window + 256 * MiB + 0x2000), ==,
                    0xfedcba9876543210ull);
    g_assert_cmphex(qtest_readq(d.qts, d.window + 65536), ==, UINT64_MAX);
    {
        uint8_t flags;

        g_assert_cmpuint(poison_list(&d, 0, 768 * MiB, out, sizeof(out),
                                     &flags), ==, 2);
    }
    /* the timestamp went on from where it was */
    g_assert_cmphex(mbox_send(&d, 0x0300, NULL, 0, out, 8, &len), ==,
                    RC_SUCCESS);
    g_assert_cmphex(ldq_le_p(out), >=, 0x1122334455667788ull);
    /* the destination works: memory, a decoder, the passphrase */
    qtest_writeq(d.qts, d.window + 0x3000, 42);
    g_assert_cmphex(qtest_readq(d.qts, d.window + 0x3000), ==, 42);
    g_assert_cmphex(sec_state(&d) & 1, ==, 1);      /* user passphrase set */
    dec_clear(&d, 1);
    g_assert_cmphex(dec_ctrl(&d, 1) & HDM_CTRL_COMMITTED, ==, 0);

    qtest_quit(t.qts);
    qtest_quit(d.qts);
    unlink(file);
    rmdir(dir);
}

/* The shutdown state of the device-state file @path */
static void check_state_file(const char *path, bool armed, uint64_t dirty)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) err = NULL;

    g_assert_true(g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE,
                                            &err));
    g_assert_cmpint(g_key_file_get_boolean(kf, "shutdown", "armed", NULL),
                    ==, armed);
    g_assert_cmpuint(g_key_file_get_uint64(kf, "shutdown", "dirty-count",
                                           NULL), ==, dirty);
}

/*
 * The device-state file, which both hosts reach: the destination does
 * not take the migration for a dirty shutdown, and the source's exit
 * after the migration does not overwrite what the destination wrote.
 */
static void test_migrate_device_state(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *file = mig_file(&dir);
    g_autofree char *state = g_build_filename(dir, "t3-state", NULL);
    g_autofree char *opts = g_strdup_printf(",device-state=%s", state);
    g_autofree char *args = t3_cmdline(opts);
    uint8_t dirty = 1, out[64];
    uint32_t len;
    T3 t, d;

    t3_start_opts(&t, false, opts);
    /* Set Shutdown State (4204h): dirty, as Linux does for pmem */
    g_assert_cmphex(mbox_send(&t, 0x4204, &dirty, 1, out, sizeof(out),
                              &len), ==, RC_SUCCESS);
    check_state_file(state, true, 0);
    mig_save(t.qts, file);

    d = t;
    d.qts = mig_move(args, file, t.qts);
    check_state_file(state, true, 0);
    qtest_quit(t.qts);
    /* the source is gone: the destination's state is still the file's */
    check_state_file(state, true, 0);
    /* Get Health Info (4200h): no dirty shutdown (bytes 6..9) */
    g_assert_cmphex(mbox_send(&d, 0x4200, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(ldl_le_p(out + 6), ==, 0);
    qtest_quit(d.qts);
    /* the destination's clean exit */
    check_state_file(state, false, 0);
    unlink(state);
    unlink(file);
    rmdir(dir);
}

/* Sanitize runs for ten minutes: it goes on on the destination */
static void test_migrate_background(void)
{
    g_autofree char *args =
        t3_cmdline(",sanitize-ms=" stringify(MIG_SANITIZE_MS));
    g_autofree char *dir = NULL;
    g_autofree char *file = mig_file(&dir);
    unsigned pct;
    uint16_t op, rc;
    uint8_t flags, out[256];
    T3 t, d;

    t3_start_opts(&t, false, ",sanitize-ms=" stringify(MIG_SANITIZE_MS));
    g_assert_cmphex(mbox_send(&t, 0x4400, NULL, 0, NULL, 0, NULL), ==,
                    RC_BACKGROUND);
    qtest_clock_step(t.qts, 60 * NANOSECONDS_PER_SECOND);
    g_assert_true(bg_status(&t, &pct, &op, &rc));
    g_assert_cmphex(op, ==, 0x4400);
    g_assert_cmpuint(pct, ==, 10);
    mig_save(t.qts, file);

    d = t;
    d.qts = mig_move(args, file, t.qts);
    /* still running, where it was; the media still disabled */
    g_assert_true(bg_status(&d, &pct, &op, &rc));
    g_assert_cmphex(op, ==, 0x4400);
    g_assert_cmpuint(pct, ==, 10);
    g_assert_cmphex(mbox_send(&d, 0x4300, (uint8_t[16]) { [8] = 1 }, 16, out,
                              sizeof(out), NULL), ==, 0x07);
    /* half way */
    qtest_clock_step(d.qts, 240 * NANOSECONDS_PER_SECOND);
    g_assert_true(bg_status(&d, &pct, &op, &rc));
    g_assert_cmpuint(pct, ==, 50);
    /* done: success, media enabled */
    qtest_clock_step(d.qts, 301 * NANOSECONDS_PER_SECOND);
    g_assert_false(bg_status(&d, &pct, &op, &rc));
    g_assert_cmphex(op, ==, 0x4400);
    g_assert_cmpuint(pct, ==, 100);
    g_assert_cmphex(rc, ==, RC_SUCCESS);
    g_assert_cmpuint(poison_list(&d, 0, 768 * MiB, out, sizeof(out),
                                 &flags), ==, 0);

    qtest_quit(t.qts);
    qtest_quit(d.qts);
    unlink(file);
    rmdir(dir);
}

/* The destination is alive and answers QMP */
static void check_alive(QTestState *qts)
{
    qtest_qmp_assert_success(qts, "{'execute': 'query-status'}");
}

/*
 * A truncated stream and streams with bytes of the CXL devices' sections
 * overwritten: the load fails or completes, the destination never crashes.
 */
static void test_migrate_corrupt(void)
{
    g_autofree char *args = t3_cmdline("");
    g_autofree char *dir = NULL;
    g_autofree char *file = mig_file(&dir);
    g_autofree char *bad = g_build_filename(dir, "bad", NULL);
    g_autofree gchar *data = NULL;
    gsize size;
    const char *sec;
    size_t start;
    unsigned fails = 0, tried = 0;
    bool ok;
    T3 t;

    t3_start(&t, false);
    program(&t);
    mig_save(t.qts, file);
    g_assert_true(g_file_get_contents(file, &data, &size, NULL));

    /* truncated: in RAM, and in the middle of the type3 device's state */
    sec = memmem(data, size, "cxl-type3", 9);
    g_assert_nonnull(sec);
    start = sec - data;
    const size_t cut[] = { size / 2, start + 0x800 };
    for (unsigned i = 0; i < ARRAY_SIZE(cut); i++) {
        QTestState *dst;

        g_assert_cmpuint(cut[i], <, size);
        g_assert_true(g_file_set_contents(bad, data, cut[i], NULL));
        dst = cxl_qtest_mig_load(args, bad, 0, &ok);
        g_assert_false(ok);
        check_alive(dst);
        qtest_quit(dst);
    }

    /*
     * The type3 device's section, one word at a time overwritten with
     * ones: its start (configuration space, MSI-X, AER, DOE, component
     * registers, CCI, mailbox registers), and after the 256 KiB payload
     * (event logs, health, security, firmware, poison, features).
     */
    for (size_t off = start + 16; off < size - 4;
         off += off < start + 0x3000 ? 0x100 : 0x800) {
        QTestState *dst;
        uint32_t saved;

        if (off >= start + 0x3000 && off < start + 0x40000) {
            off = start + 0x40000;
        }
        if (off >= start + 0x50000) {
            break;
        }
        memcpy(&saved, data + off, 4);
        memset(data + off, 0xff, 4);
        g_assert_true(g_file_set_contents(bad, data, size, NULL));
        memcpy(data + off, &saved, 4);
        tried++;
        dst = cxl_qtest_mig_load(args, bad, 0, &ok);
        fails += !ok;
        check_alive(dst);
        qtest_quit(dst);
    }
    g_test_message("%u of %u corrupt streams failed to load", fails, tried);
    g_assert_cmpuint(fails, >, 0);

    qtest_quit(t.qts);
    unlink(bad);
    unlink(file);
    rmdir(dir);
}

/*
 * A switch (cxl-switch-qtest.c's layout, without its mailbox CCI, which
 * does not migrate yet): an upstream port, downstream port 3 with a
 * device, downstream port 5 unbound (its device hidden). The ports'
 * configuration, the upstream port's committed decoder and the binding
 * come back on the destination.
 */
static const struct {
    int bus, dev, sec, sub;
} sw_fn[] = {
    { 12, 0, 13, 20 },          /* root port */
    { 13, 0, 14, 20 },          /* upstream port */
    { 14, 0, 15, 15 },          /* downstream port 3 */
    { 14, 1, 16, 16 },          /* downstream port 5, unbound */
    { 15, 0 },                  /* t3a, below port 3 */
};
#define SW_HIDDEN_BUS   16      /* t3b, below port 5: hidden */

/* The switch's command line; @usp_opts and @extra: more options, devices */
static char *sw_args(const char *usp_opts, const char *extra)
{
    return g_strdup_printf(
        "-machine q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G "
        "-object memory-backend-ram,id=vmem1,size=256M "
        "-object memory-backend-ram,id=vmem2,size=256M "
        "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 "
        "-device cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2 "
        "-device cxl-upstream,bus=rp0,id=us0,sn=0x99%s "
        "-device cxl-downstream,port=3,bus=us0,id=ds3,chassis=0,slot=4 "
        "-device cxl-downstream,port=5,bus=us0,id=ds5,chassis=0,slot=5,"
        "bound=off "
        "-device cxl-type3,bus=ds3,volatile-memdev=vmem1,id=t3a,sn=1 "
        "-device cxl-type3,bus=ds5,volatile-memdev=vmem2,id=t3b,sn=2 %s",
        usp_opts, extra);
}

static GByteArray *sw_snapshot(QTestState *qts, uint64_t comp)
{
    GByteArray *s = g_byte_array_new();

    for (unsigned f = 0; f < ARRAY_SIZE(sw_fn); f++) {
        for (unsigned off = 0; off < 0x1000; off += 4) {
            uint32_t v = qtest_readl(qts, cxl_qtest_cfg(sw_fn[f].bus,
                                                        sw_fn[f].dev, 0, off));

            g_byte_array_append(s, (uint8_t *)&v, 4);
        }
    }
    for (unsigned off = 0x1000; off < 0x2000; off += 4) {
        uint32_t v = qtest_readl(qts, comp + off);

        g_byte_array_append(s, (uint8_t *)&v, 4);
    }
    return s;
}

static void test_migrate_switch(void)
{
    g_autofree char *args = sw_args("", "");
    g_autofree char *dir = NULL;
    g_autofree char *file = mig_file(&dir);
    g_autoptr(GByteArray) before = NULL;
    g_autoptr(GByteArray) after = NULL;
    uint64_t bar[6], size[6], cursor, comp, hdm, window;
    QTestState *src, *dst;

    src = cxl_qtest_start(args);
    cxl_qtest_enable_ecam(src);
    for (unsigned f = 0; f < 4; f++) {
        qtest_writel(src, cxl_qtest_cfg(sw_fn[f].bus, sw_fn[f].dev, 0, 0x18),
                     sw_fn[f].bus | sw_fn[f].sec << 8 | sw_fn[f].sub << 16);
    }
    g_assert_cmphex(qtest_readw(src, cxl_qtest_cfg(15, 0, 0, 0)), !=, 0xffff);
    g_assert_cmphex(qtest_readw(src, cxl_qtest_cfg(SW_HIDDEN_BUS, 0, 0, 0)),
                    ==, 0xffff);
    cursor = cxl_qtest_assign_bars(src, 13, 0, MMIO_BASE, bar, size);
    cxl_qtest_bridge_window(src, 12, 0, MMIO_BASE, ROUND_UP(cursor, 1 * MiB));
    comp = cxl_qtest_regloc(src, 13, 0, bar, 1);
    g_assert_cmphex(comp, !=, 0);
    hdm = cxl_qtest_cm_cap(src, comp, 5);
    g_assert_cmphex(hdm, !=, 0);
    window = cxl_qtest_window(src, 0);
    /* decoder 0: 256 MiB of the window to port 3 */
    qtest_writel(src, cxl_qtest_hdm_dec(hdm, 0, HDM_DEC_BASE_HI), window >> 32);
    qtest_writel(src, cxl_qtest_hdm_dec(hdm, 0, HDM_DEC_BASE_LO),
                 (uint32_t)window);
    qtest_writel(src, cxl_qtest_hdm_dec(hdm, 0, HDM_DEC_SIZE_HI), 0);
    qtest_writel(src, cxl_qtest_hdm_dec(hdm, 0, HDM_DEC_SIZE_LO), 256 * MiB);
    qtest_writel(src, cxl_qtest_hdm_dec(hdm, 0, HDM_DEC_TL_LO), 3);
    qtest_writel(src, cxl_qtest_hdm_dec(hdm, 0, HDM_DEC_CTRL),
                 HDM_CTRL_COMMIT | HDM_CTRL_HOSTONLY);
    g_assert_cmphex(qtest_readl(src, cxl_qtest_hdm_dec(hdm, 0, HDM_DEC_CTRL)) &
                    (HDM_CTRL_COMMITTED | HDM_CTRL_ERR), ==,
                    HDM_CTRL_COMMITTED);
    before = sw_snapshot(src, comp);
    mig_save(src, file);

    dst = mig_move(args, file, src);
    after = sw_snapshot(dst, comp);
    check_same(before, after);
    /* the unbound vPPB still hides its device */
    g_assert_cmphex(qtest_readw(dst, cxl_qtest_cfg(SW_HIDDEN_BUS, 0, 0, 0)),
                    ==, 0xffff);
    g_assert_cmphex(qtest_readl(dst, cxl_qtest_hdm_dec(hdm, 0, HDM_DEC_TL_LO)),
                    ==, 3);

    qtest_quit(src);
    qtest_quit(dst);
    unlink(file);
    rmdir(dir);
}

/* ---- the switch mailbox CCI ---- */

/*
 * cxl-switch-qtest.c's topology with RAM backends (the destination's
 * command line is the same); @ds5_opts: more options of port 5,
 * @t3b_opts: of t3b, @extra: more devices
 */
static char *scci_args(const char *ds5_opts, const char *vmem2_size,
                       const char *t3b_opts, const char *extra)
{
    return g_strdup_printf(
        "-machine q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G "
        "-object memory-backend-ram,id=vmem1,size=256M "
        "-object memory-backend-ram,id=vmem2,size=%s "
        "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 "
        "-device cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2 "
        "-device cxl-upstream,bus=rp0,id=us0,addr=0.0,multifunction=on,"
        "sn=0x%x "
        "-device cxl-switch-mailbox-cci,bus=rp0,addr=0.1,target=us0,id=cci0 "
        "-device cxl-downstream,port=3,bus=us0,id=ds3,chassis=0,slot=4 "
        "-device cxl-downstream,port=5,bus=us0,id=ds5,chassis=0,slot=5%s "
        "-device cxl-type3,bus=ds3,volatile-memdev=vmem1,id=t3a,sn=1 "
        "-device cxl-type3,bus=ds5,volatile-memdev=vmem2,id=t3b,sn=2%s %s",
        vmem2_size, USP_SN, ds5_opts, t3b_opts, extra);
}

static void scci_start(Sw *s, const char *args)
{
    memset(s, 0, sizeof(*s));
    s->qts = cxl_qtest_start(args);
    sw_platform_init(s);
    s->window = cxl_qtest_window(s->qts, 0);
}

static void append_cmd(Sw *s, GByteArray *a, uint16_t op, const void *in,
                       size_t in_len)
{
    g_autofree uint8_t *out = g_malloc(s->payload_max);
    uint32_t len = 0;

    g_assert_cmphex(sw_cci_send(s, op, in, in_len, out, s->payload_max,
                                &len), ==, RC_SUCCESS);
    g_byte_array_append(a, out, len);
}

/* The switch CCI's state as its mailbox and configuration space show it */
static GByteArray *scci_snapshot(Sw *s)
{
    GByteArray *a = g_byte_array_new();
    static const uint8_t ports[] = { 0, 3, 5 };
    uint8_t vcs[] = { 0, 8, 1, 0 };

    for (unsigned off = 0; off < 0x1000; off += 4) {
        uint32_t v = qtest_readl(s->qts, cci_cfg(off));

        g_byte_array_append(a, (uint8_t *)&v, 4);
    }
    for (uint8_t log = 0; log < 4; log++) {
        append_cmd(s, a, 0x0100, &log, 1);
    }
    append_cmd(s, a, 0x0102, NULL, 0);
    append_cmd(s, a, 0x5100, NULL, 0);
    {
        uint8_t in[1 + sizeof(ports)] = { sizeof(ports) };

        memcpy(in + 1, ports, sizeof(ports));
        append_cmd(s, a, 0x5101, in, sizeof(in));
    }
    append_cmd(s, a, 0x5200, vcs, sizeof(vcs));
    return a;
}

/*
 * Event records in the switch CCI's informational log (Physical Port
 * Control), its timestamp and event interrupt policy: the same on the
 * destination, whose mailbox works (records cleared, another port
 * control logged).
 */
static void test_migrate_switch_cci(void)
{
    g_autofree char *args = scci_args("", "256M", "", "");
    g_autofree char *dir = NULL;
    g_autofree char *file = mig_file(&dir);
    g_autoptr(GByteArray) before = NULL;
    g_autoptr(GByteArray) after = NULL;
    uint8_t ts[8], out[4096];
    uint32_t len;
    Sw s, d;

    scci_start(&s, args);
    stq_le_p(ts, 0x0102030405060708ull);
    g_assert_cmphex(sw_cci_send(&s, 0x0301, ts, 8, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    g_assert_cmphex(sw_cci_send(&s, 0x0103, (uint8_t[4]) { 0 }, 4, NULL, 0,
                                NULL), ==, RC_SUCCESS);
    g_assert_cmphex(sw_cci_send(&s, 0x5102, (uint8_t[2]) { 5, 1 }, 2, NULL,
                                0, NULL), ==, RC_SUCCESS);
    g_assert_cmphex(sw_cci_send(&s, 0x5102, (uint8_t[2]) { 3, 0 }, 2, NULL,
                                0, NULL), ==, RC_SUCCESS);
    before = scci_snapshot(&s);
    /* two records in the informational log */
    g_assert_cmphex(sw_cci_send(&s, 0x0100, (uint8_t[1]) { 0 }, 1, out,
                                sizeof(out), &len), ==, RC_SUCCESS);
    g_assert_cmpuint(lduw_le_p(out + 0x14), ==, 2);
    mig_save(s.qts, file);

    d = s;
    d.qts = mig_move(args, file, s.qts);
    after = scci_snapshot(&d);
    check_same(before, after);
    /* the timestamp went on */
    g_assert_cmphex(sw_cci_send(&d, 0x0300, NULL, 0, out, 8, &len), ==,
                    RC_SUCCESS);
    g_assert_cmphex(ldq_le_p(out), >=, 0x0102030405060708ull);
    /* clear both records, log a third */
    g_assert_cmphex(sw_cci_send(&d, 0x0100, (uint8_t[1]) { 0 }, 1, out,
                                sizeof(out), &len), ==, RC_SUCCESS);
    {
        uint8_t in[6 + 4] = { 0, 0, 2 };

        stw_le_p(in + 6, lduw_le_p(out + 0x20 + 0x14));
        stw_le_p(in + 8, lduw_le_p(out + 0x20 + 128 + 0x14));
        g_assert_cmphex(sw_cci_send(&d, 0x0101, in, sizeof(in), NULL, 0,
                                    NULL), ==, RC_SUCCESS);
    }
    g_assert_cmphex(sw_cci_send(&d, 0x5102, (uint8_t[2]) { 5, 1 }, 2, NULL,
                                0, NULL), ==, RC_SUCCESS);
    g_assert_cmphex(sw_cci_send(&d, 0x0100, (uint8_t[1]) { 0 }, 1, out,
                                sizeof(out), &len), ==, RC_SUCCESS);
    g_assert_cmpuint(lduw_le_p(out + 0x14), ==, 1);

    qtest_quit(s.qts);
    qtest_quit(d.qts);
    unlink(file);
    rmdir(dir);
}

/* cxl-query-switch's @what ("vppbs" of VCS 0, "lds") of us0, as JSON */
static char *switch_query(QTestState *qts, const char *what)
{
    QDict *rsp = qtest_qmp(qts, "{'execute': 'cxl-query-switch', "
                           "'arguments': {'path': 'us0'}}");
    QDict *ret = qdict_get_qdict(rsp, "return");
    GString *json;

    g_assert_nonnull(ret);
    json = qobject_to_json(qdict_get(ret, what));
    qobject_unref(rsp);
    return g_string_free(json, false);
}

/*
 * A Bind vPPB in progress when the source stops (port 5 unbound at
 * start): it completes on the destination, which sees the device
 */
static void test_migrate_switch_bind(void)
{
    g_autofree char *args = scci_args(",bound=off", "256M", "", "");
    g_autofree char *dir = NULL;
    g_autofree char *file = mig_file(&dir);
    uint8_t bind[6] = { 0, 1, 5, 0, 0xff, 0xff };   /* VCS 0 vPPB 1 */
    char *q;
    Sw s, d;

    scci_start(&s, args);
    g_assert_cmphex(qtest_readw(s.qts, cfg(EP2, 0)), ==, 0xffff);
    g_assert_cmphex(sw_cci_send(&s, 0x5201, bind, sizeof(bind), NULL, 0,
                                NULL), ==, RC_BACKGROUND);
    q = switch_query(s.qts, "vppbs");
    g_assert_nonnull(strstr(q, "\"binding\""));
    g_free(q);
    mig_save(s.qts, file);

    d = s;
    d.qts = mig_move(args, file, s.qts);
    q = switch_query(d.qts, "vppbs");
    g_assert_nonnull(strstr(q, "\"binding\""));
    g_free(q);
    g_assert_cmphex(sw_bg_wait(&d, 0x5201), ==, RC_SUCCESS);
    /* both vPPBs bound now */
    q = switch_query(d.qts, "vppbs");
    g_assert_null(strstr(q, "\"binding\""));
    g_assert_null(strstr(q, "unbound"));
    g_free(q);

    qtest_quit(s.qts);
    qtest_quit(d.qts);
    unlink(file);
    rmdir(dir);
}

/* ---- dynamic capacity ---- */

#define DC_OPTS ",volatile-dc-memdev=dc0,num-dc-regions=2 " \
                "-object memory-backend-ram,id=dc0,size=512M"

static GByteArray *dc_snapshot(T3 *t)
{
    GByteArray *s = snapshot(t);
    uint8_t out[4096], in[8] = { 0 };
    uint32_t len;
    g_autofree char *q = dc_query(t);

    g_byte_array_append(s, (uint8_t *)q, strlen(q));
    in[0] = 8;
    g_assert_cmphex(mbox_send(t, 0x4800, in, 2, out, sizeof(out), &len), ==,
                    RC_SUCCESS);
    g_byte_array_append(s, out, len);
    stl_le_p(in, 16);
    stl_le_p(in + 4, 0);
    g_assert_cmphex(mbox_send(t, 0x4801, in, 8, out, sizeof(out), &len), ==,
                    RC_SUCCESS);
    g_byte_array_append(s, out, len);
    {
        uint8_t log = LOG_DC;

        g_assert_cmphex(mbox_send(t, 0x0100, &log, 1, out, sizeof(out),
                                  &len), ==, RC_SUCCESS);
        g_byte_array_append(s, out, len);
    }
    return s;
}

/*
 * Extents added with cxl-add-dynamic-capacity (tagged), two accepted
 * through the mailbox and holding data, one offer pending with its
 * records in the DC event log: the same on the destination, the data in
 * the extents intact, and the flows go on there (the pending offer
 * accepted, an extent released).
 */
static void test_migrate_dc(void)
{
    g_autofree char *args = t3_cmdline(DC_OPTS);
    g_autofree char *dir = NULL;
    g_autofree char *file = mig_file(&dir);
    g_autoptr(GByteArray) before = NULL;
    g_autoptr(GByteArray) after = NULL;
    uint64_t dc_hpa;
    T3 t, d;

    t3_start_opts(&t, false, DC_OPTS);
    qtest_writel(t.qts, t.hdm + 4, 1 << 1);
    g_assert_cmphex(dec_commit(&t, 0, t.window, 256 * MiB, 0), ==,
                    HDM_CTRL_COMMITTED);
    g_assert_cmphex(dec_commit(&t, 1, t.window + 256 * MiB, 512 * MiB, 0),
                    ==, HDM_CTRL_COMMITTED);
    dc_hpa = t.window + DC_BASE;
    g_assert_cmphex(dec_commit(&t, 2, dc_hpa, DC_SIZE, 0), ==,
                    HDM_CTRL_COMMITTED);
    set_mem_enable(&t, true);

    qmp_ok(dc_add(&t, 0, TAG_A, "[{'offset': 0, 'len': 4194304}, "
                  "{'offset': 16777216, 'len': 2097152}]"));
    {
        uint64_t dpa[2] = { DC_BASE, DC_BASE + 16 * MiB };
        uint64_t len[2] = { 4 * MiB, 2 * MiB };

        g_assert_cmphex(dc_respond(&t, 0x4802, 0, 2, dpa, len), ==,
                        RC_SUCCESS);
    }
    qtest_writeq(t.qts, dc_hpa + 8, 0x1122334455667788ull);
    qtest_writeq(t.qts, dc_hpa + 16 * MiB + 0x100, 0xa5a5a5a5a5a5a5a5ull);
    /* a pending offer in region 1 */
    qmp_ok(dc_add(&t, 1, NULL, "[{'offset': 0, 'len': 2097152}]"));
    check_query(&t, "accepted:0:0x0+0x400000,accepted:0:0x1000000+0x200000,"
                "pending:1:0x0+0x200000");
    before = dc_snapshot(&t);
    mig_save(t.qts, file);

    d = t;
    d.qts = mig_move(args, file, t.qts);
    after = dc_snapshot(&d);
    check_same(before, after);
    g_assert_cmphex(qtest_readq(d.qts, dc_hpa + 8), ==,
                    0x1122334455667788ull);
    g_assert_cmphex(qtest_readq(d.qts, dc_hpa + 16 * MiB + 0x100), ==,
                    0xa5a5a5a5a5a5a5a5ull);
    /* not accepted: all ones */
    g_assert_cmphex(qtest_readq(d.qts, dc_hpa + 4 * MiB), ==, UINT64_MAX);
    /* the pending offer is accepted on the destination */
    g_assert_cmphex(dc_respond1(&d, 0x4802, DC_BASE + DC_REGION_LEN, BLOCK),
                    ==, RC_SUCCESS);
    qtest_writeq(d.qts, dc_hpa + DC_REGION_LEN, 77);
    g_assert_cmphex(qtest_readq(d.qts, dc_hpa + DC_REGION_LEN), ==, 77);
    /* the host releases the second extent: zeroed, not accessible */
    g_assert_cmphex(dc_respond1(&d, 0x4803, DC_BASE + 16 * MiB, 2 * MiB), ==,
                    RC_SUCCESS);
    g_assert_cmphex(qtest_readq(d.qts, dc_hpa + 16 * MiB + 0x100), ==,
                    UINT64_MAX);
    check_query(&d, "accepted:0:0x0+0x400000,accepted:1:0x0+0x200000");

    qtest_quit(t.qts);
    qtest_quit(d.qts);
    unlink(file);
    rmdir(dir);
}

/* A corrupt extent count or extent in the stream fails the load */
static void test_migrate_dc_corrupt(void)
{
    g_autofree char *args = t3_cmdline(DC_OPTS);
    g_autofree char *dir = NULL;
    g_autofree char *file = mig_file(&dir);
    g_autofree char *bad = g_build_filename(dir, "bad", NULL);
    g_autofree gchar *data = NULL;
    gsize size;
    const char *sec;
    size_t at;
    bool ok;
    T3 t;

    t3_start_opts(&t, false, DC_OPTS);
    qmp_ok(dc_add(&t, 0, TAG_A, "[{'offset': 0, 'len': 4194304}]"));
    g_assert_cmphex(dc_respond1(&t, 0x4802, DC_BASE, 4 * MiB), ==,
                    RC_SUCCESS);
    mig_save(t.qts, file);
    g_assert_true(g_file_get_contents(file, &data, &size, NULL));
    /* the subsection: its name, version, then the DC fields */
    sec = memmem(data, size, "cxl-type3/dc", 12);
    g_assert_nonnull(sec);
    at = sec - data + 12 + 4;
    /* nr_regions 2, 8 block sizes, 8 flags, generation, next batch... */
    g_assert_cmphex(ldl_be_p(data + at), ==, 2);
    at += 4 + 8 * 8 + 8 + 4 + 4 + 1 + 4;
    g_assert_cmphex(ldl_be_p(data + at), ==, 1);     /* one extent */
    const struct { size_t off; uint32_t val; } bad_vals[] = {
        { at, 0x7fffffff },                 /* extent count */
        { at, 2 },                          /* more extents than sent */
        { at + 4 + 8 + 4, 0x1000 },         /* its length: not a block */
        { at + 4 + 4, 0x7fffffff },         /* its DPA: outside */
    };
    for (unsigned i = 0; i < ARRAY_SIZE(bad_vals); i++) {
        QTestState *dst;
        uint32_t saved;

        memcpy(&saved, data + bad_vals[i].off, 4);
        stl_be_p(data + bad_vals[i].off, bad_vals[i].val);
        g_assert_true(g_file_set_contents(bad, data, size, NULL));
        memcpy(data + bad_vals[i].off, &saved, 4);
        dst = cxl_qtest_mig_load(args, bad, 0, &ok);
        g_assert_false(ok);
        check_alive(dst);
        qtest_quit(dst);
    }
    /* the unchanged stream loads */
    {
        QTestState *dst = cxl_qtest_mig_load(args, file, 0, &ok);

        g_assert_true(ok);
        qtest_quit(dst);
    }

    qtest_quit(t.qts);
    unlink(bad);
    unlink(file);
    rmdir(dir);
}

/* ---- multi-headed devices ---- */

/* The options of head @head of the device whose files are in @dir */
static char *mhd_opts(const char *dir, unsigned head)
{
    return g_strdup_printf(
        ",volatile-dc-memdev=dc0,num-dc-regions=2,mhd-state=%s/state,"
        "mhd-head=%u,dc-sharable-regions=1 "
        "-object memory-backend-file,id=dc0,size=512M,share=on,"
        "mem-path=%s/dc", dir, head, dir);
}

/* Decoders 0 to 2 over the static and the DC capacity, CXL.mem on */
static uint64_t mhd_map(T3 *t)
{
    qtest_writel(t->qts, t->hdm + 4, 1 << 1);
    g_assert_cmphex(dec_commit(t, 0, t->window, 256 * MiB, 0), ==,
                    HDM_CTRL_COMMITTED);
    g_assert_cmphex(dec_commit(t, 1, t->window + 256 * MiB, 512 * MiB, 0),
                    ==, HDM_CTRL_COMMITTED);
    g_assert_cmphex(dec_commit(t, 2, t->window + DC_BASE, DC_SIZE, 0), ==,
                    HDM_CTRL_COMMITTED);
    set_mem_enable(t, true);
    return t->window + DC_BASE;
}

/*
 * Head 0 of a two-headed device migrates while head 1 runs on: head 0's
 * extents and data are the same on the destination, head 1's data is
 * untouched (the shared backend is not part of head 0's stream), the
 * destination holds the head (a third process cannot be head 0) and
 * changes the shared table (a release, a new extent) as a head does.
 */
static void test_migrate_mhd(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *file = mig_file(&dir);
    g_autofree char *opts0 = mhd_opts(dir, 0);
    g_autofree char *opts1 = mhd_opts(dir, 1);
    g_autofree char *args = t3_cmdline(opts0);
    g_autoptr(GByteArray) before = NULL;
    g_autoptr(GByteArray) after = NULL;
    g_autofree char *err = NULL;
    uint64_t hpa0, hpa1;
    T3 h0, h1, d;

    t3_start_opts(&h0, false, opts0);
    hpa0 = mhd_map(&h0);
    t3_start_opts(&h1, false, opts1);
    hpa1 = mhd_map(&h1);
    qmp_ok(dc_add(&h0, 0, TAG_A, "[{'offset': 0, 'len': 4194304}]"));
    g_assert_cmphex(dc_respond1(&h0, 0x4802, DC_BASE, 4 * MiB), ==,
                    RC_SUCCESS);
    qmp_ok(dc_qmp(&h1, "cxl-add-dynamic-capacity",
                  "{'path': 't3', 'host-id': 1, 'selection-policy': "
                  "'prescriptive', 'region': 0, 'extents': "
                  "[{'offset': 8388608, 'len': 2097152}]}"));
    g_assert_cmphex(dc_respond1(&h1, 0x4802, DC_BASE + 8 * MiB, 2 * MiB), ==,
                    RC_SUCCESS);
    qtest_writeq(h0.qts, hpa0 + 0x40, 0x0123456789abcdefull);
    g_assert_cmphex(qtest_readq(h0.qts, hpa0 + 0x40), ==,
                    0x0123456789abcdefull);
    before = dc_snapshot(&h0);
    mig_save(h0.qts, file);
    /* head 1 writes on while head 0 is between processes */
    qtest_writeq(h1.qts, hpa1 + 8 * MiB, 0xfeedfacecafebeefull);

    d = h0;
    d.qts = mig_move(args, file, h0.qts);
    after = dc_snapshot(&d);
    check_same(before, after);
    g_assert_cmphex(qtest_readq(d.qts, hpa0 + 0x40), ==,
                    0x0123456789abcdefull);
    g_assert_cmphex(qtest_readq(d.qts, hpa0 + 8 * MiB), ==, UINT64_MAX);
    g_assert_cmphex(qtest_readq(h1.qts, hpa1 + 8 * MiB), ==,
                    0xfeedfacecafebeefull);
    /* the destination is head 0 now */
    err = cxl_qtest_start_error(args);
    g_assert_nonnull(strstr(err, "in use by another QEMU process"));
    /* it releases its extent (zeroed: no other head holds it), adds one */
    g_assert_cmphex(dc_respond1(&d, 0x4803, DC_BASE, 4 * MiB), ==,
                    RC_SUCCESS);
    qmp_ok(dc_add(&d, 0, NULL, "[{'offset': 16777216, 'len': 2097152}]"));
    g_assert_cmphex(dc_respond1(&d, 0x4802, DC_BASE + 16 * MiB, 2 * MiB), ==,
                    RC_SUCCESS);
    check_query(&d, "accepted:0:0x1000000+0x200000");
    /* head 1 cannot be offered what head 0 holds; its data is intact */
    g_free(err);
    err = dc_qmp(&h1, "cxl-add-dynamic-capacity",
                 "{'path': 't3', 'host-id': 1, "
                 "'selection-policy': 'prescriptive', "
                 "'region': 0, 'extents': "
                 "[{'offset': 16777216, 'len': 2097152}]}");
    g_assert_nonnull(err);
    g_assert_cmphex(qtest_readq(h1.qts, hpa1 + 8 * MiB), ==,
                    0xfeedfacecafebeefull);

    qtest_quit(h0.qts);
    qtest_quit(h1.qts);
    qtest_quit(d.qts);
    unlink(file);
    {
        g_autofree char *st = g_build_filename(dir, "state", NULL);
        g_autofree char *dc = g_build_filename(dir, "dc", NULL);

        unlink(st);
        unlink(dc);
    }
    rmdir(dir);
}

/* ---- multi-logical devices ---- */

#define MLD_EXTRA \
    "-device cxl-rp,port=1,bus=cxl.1,id=rp1,chassis=0,slot=6 " \
    "-device cxl-upstream,bus=rp1,id=us1,vcs-of=us0 " \
    "-device cxl-downstream,port=7,bus=us1,id=ds1,chassis=0,slot=7," \
    "bound=off " \
    "-device cxl-type3-ld,bus=ds1,mld=t3b,ld-id=1,id=ld1,sn=3"

/*
 * An MLD of two LDs (port 5 unbound, so its allocations may change):
 * allocations set through QMP come back on the destination, which takes
 * new ones
 */
static void test_migrate_mld(void)
{
    g_autofree char *args = scci_args(",bound=off", "1G", ",num-lds=2",
                                      MLD_EXTRA);
    g_autofree char *dir = NULL;
    g_autofree char *file = mig_file(&dir);
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    Sw s, d;

    scci_start(&s, args);
    qtest_qmp_assert_success(s.qts, "{'execute': 'cxl-set-ld-allocations', "
                             "'arguments': {'path': 't3b', "
                             "'sizes': [805306368, 268435456]}}");
    before = switch_query(s.qts, "lds");
    g_assert_nonnull(strstr(before, "805306368"));
    mig_save(s.qts, file);

    d = s;
    d.qts = mig_move(args, file, s.qts);
    after = switch_query(d.qts, "lds");
    g_assert_cmpstr(before, ==, after);
    /* the switch CCI and the MLD work on the destination */
    {
        uint8_t out[256];

        g_assert_cmphex(sw_cci_send(&d, 0x5100, NULL, 0, out, sizeof(out),
                                    NULL), ==, RC_SUCCESS);
    }
    qtest_qmp_assert_success(d.qts, "{'execute': 'cxl-set-ld-allocations', "
                             "'arguments': {'path': 't3b', "
                             "'sizes': [536870912, 536870912]}}");

    qtest_quit(s.qts);
    qtest_quit(d.qts);
    unlink(file);
    rmdir(dir);
}

/* ---- usb-cxl-mctp ---- */

/*
 * An MCTP endpoint on USB (no host driver talks to it here: the guest
 * scenario mctp-fm does): its USB device and endpoint state load, and the
 * target's mailbox works on the destination. The endpoint state itself is
 * the chardev binding's, which cxl-mctp-test's migrate case checks.
 */
static void test_migrate_usb_mctp(void)
{
    const char *opts = " -device qemu-xhci,bus=pcie.0,id=xhci "
                       "-device usb-cxl-mctp,bus=xhci.0,target=t3,eid=12";
    g_autofree char *args = t3_cmdline(opts);
    g_autofree char *dir = NULL;
    g_autofree char *file = mig_file(&dir);
    g_autoptr(GByteArray) before = NULL;
    g_autoptr(GByteArray) after = NULL;
    T3 t, d;

    t3_start_opts(&t, false, opts);
    before = snapshot(&t);
    mig_save(t.qts, file);
    d = t;
    d.qts = mig_move(args, file, t.qts);
    after = snapshot(&d);
    check_same(before, after);

    qtest_quit(t.qts);
    qtest_quit(d.qts);
    unlink(file);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cxl-migrate/state", test_migrate_state);
    qtest_add_func("/cxl-migrate/device-state", test_migrate_device_state);
    qtest_add_func("/cxl-migrate/background", test_migrate_background);
    qtest_add_func("/cxl-migrate/corrupt", test_migrate_corrupt);
    qtest_add_func("/cxl-migrate/switch", test_migrate_switch);
    qtest_add_func("/cxl-migrate/switch-cci", test_migrate_switch_cci);
    qtest_add_func("/cxl-migrate/switch-bind", test_migrate_switch_bind);
    qtest_add_func("/cxl-migrate/dc", test_migrate_dc);
    qtest_add_func("/cxl-migrate/dc-corrupt", test_migrate_dc_corrupt);
    qtest_add_func("/cxl-migrate/mhd", test_migrate_mhd);
    qtest_add_func("/cxl-migrate/mld", test_migrate_mld);
    if (qtest_has_device("usb-cxl-mctp")) {
        qtest_add_func("/cxl-migrate/usb-mctp", test_migrate_usb_mctp);
    }
    return g_test_run();
}
