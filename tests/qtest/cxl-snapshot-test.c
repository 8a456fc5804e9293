/*
 * Snapshots (HMP savevm and loadvm, into a qcow2 image) of machines with
 * CXL memory:
 *
 *  - a region interleaved finer than a page over private backends, served
 *    from a fast-path shadow (cxl-shadow.c): what was written before
 *    savevm, and only that, is there after loadvm, through the window and
 *    in the devices' memory; the shadows are mapped again after savevm
 *    and after loadvm; savevm of a paused VM too;
 *  - decoders changed after savevm: loadvm brings back the snapshot's,
 *    and the routes and the fast path follow them;
 *  - memory-backend-file with share=on: what QEMU does with shared memory
 *    (its contents are in the snapshot and loadvm writes them back into
 *    the file, unless the x-ignore-shared capability leaves them out), and
 *    the device-state file follows the loaded device state.
 *
 * The qcow2 image is made by QEMU itself (blockdev-create), so the test
 * needs no qemu-img.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/bswap.h"
#include "libqtest.h"
#include "qobject/qdict.h"
#include "cxl-type3-qtest.h"

#define DEV_SIZE        (256 * MiB)
/* what the test writes: the region's first 256 KiB and its last 64 KiB */
#define HEAD            (256 * KiB)
#define TAIL            (64 * KiB)

/* A scratch directory and the qcow2 image file in it (empty) */
static char *snap_dir(char **img)
{
    GError *err = NULL;
    char *dir = g_dir_make_tmp("cxl-snapshot-test-XXXXXX", &err);

    g_assert_no_error(err);
    *img = g_build_filename(dir, "disk.qcow2", NULL);
    g_assert_true(g_file_set_contents(*img, "", 0, NULL));
    return dir;
}

/* The command line piece that opens @img as the protocol node "snapf" */
static char *snap_blockdev(const char *img)
{
    return g_strdup_printf(" -blockdev driver=file,node-name=snapf,"
                           "filename=%s", img);
}

/*
 * Format the protocol node "snapf" as a 64 MiB qcow2 image and open it as
 * node "snap", which holds the snapshots (a node without parents is one
 * savevm writes the VM state to)
 */
static void snap_format(QTestState *qts)
{
    bool done = false;

    qtest_qmp_assert_success(qts, "{'execute': 'blockdev-create', "
                             "'arguments': {'job-id': 'mk', 'options': "
                             "{'driver': 'qcow2', 'file': 'snapf', "
                             "'size': %" PRIu64 "}}}", (uint64_t)64 * MiB);
    while (!done) {
        QDict *ev = qtest_qmp_eventwait_ref(qts, "JOB_STATUS_CHANGE");
        const char *status = qdict_get_str(qdict_get_qdict(ev, "data"),
                                           "status");

        g_assert_cmpstr(status, !=, "aborting");
        done = !strcmp(status, "concluded");
        qobject_unref(ev);
    }
    qtest_qmp_assert_success(qts, "{'execute': 'job-dismiss', "
                             "'arguments': {'id': 'mk'}}");
    qtest_qmp_assert_success(qts, "{'execute': 'blockdev-add', 'arguments': "
                             "{'driver': 'qcow2', 'node-name': 'snap', "
                             "'file': 'snapf'}}");
}

/* HMP @cmd (savevm, loadvm), which prints nothing when it succeeds */
static void hmp_ok(QTestState *qts, const char *cmd)
{
    g_autofree char *out = qtest_hmp(qts, "%s", cmd);

    g_assert_cmpstr(out, ==, "");
}

static void snap_cleanup(char *dir, char *img)
{
    unlink(img);
    rmdir(dir);
    g_free(dir);
}

/* The pattern of @seed at region offset @off (8-byte aligned) */
static uint64_t pat(uint64_t seed, uint64_t off)
{
    return off ^ (seed * 0x9e3779b97f4a7c15ull);
}

static void fill(uint8_t *buf, uint64_t seed, uint64_t off, uint64_t len)
{
    for (uint64_t o = 0; o < len; o += 8) {
        stq_le_p(buf + o, pat(seed, off + o));
    }
}

/* Write the pattern of @seed over the head and the tail of a region */
static void put_pattern(QTestState *qts, uint64_t base, uint64_t size,
                          uint64_t seed)
{
    g_autofree uint8_t *buf = g_malloc(HEAD);

    fill(buf, seed, 0, HEAD);
    qtest_memwrite(qts, base, buf, HEAD);
    fill(buf, seed, size - TAIL, TAIL);
    qtest_memwrite(qts, base + size - TAIL, buf, TAIL);
}

/* The head and the tail of a region hold the pattern of @seed */
static void get_pattern(QTestState *qts, uint64_t base, uint64_t size,
                          uint64_t seed)
{
    g_autofree uint8_t *buf = g_malloc(HEAD);
    g_autofree uint8_t *want = g_malloc(HEAD);

    qtest_memread(qts, base, buf, HEAD);
    fill(want, seed, 0, HEAD);
    for (uint64_t o = 0; o < HEAD; o += 8) {
        g_assert_cmphex(ldq_le_p(buf + o), ==, ldq_le_p(want + o));
    }
    qtest_memread(qts, base + size - TAIL, buf, TAIL);
    fill(want, seed, size - TAIL, TAIL);
    for (uint64_t o = 0; o < TAIL; o += 8) {
        g_assert_cmphex(ldq_le_p(buf + o), ==, ldq_le_p(want + o));
    }
    /* and with 8-byte loads, as a CPU does */
    for (uint64_t o = 0; o < HEAD; o += 4 * KiB + 8) {
        g_assert_cmphex(qtest_readq(qts, base + o), ==, pat(seed, o));
    }
}

static void set_machine_bool(QTestState *qts, const char *prop, bool on)
{
    qtest_qmp_assert_success(qts, "{'execute': 'qom-set', 'arguments': "
                             "{'path': '/machine', 'property': %s, "
                             "'value': %i}}", prop, on);
}

static uint64_t mapped(QTestState *qts, const char *id)
{
    return cxl_qtest_qom_uint(qts, id, "x-fast-path-mapped");
}

static bool shadow_mapped(QTestState *qts)
{
    g_autofree char *mtree = qtest_hmp(qts, "info mtree");

    return strstr(mtree, "cxl-fixed-memory-window-0-shadow-") != NULL;
}

/* ---- a 2-way region at 256 B on private backends: shadows ---- */

/*
 * One host bridge, two root ports, two cxl-type3 with memory-backend-ram;
 * a region firmware committed over both at 256 B (cxl-machine.c's
 * cxl-region option), at the start of window 0.
 */
static QTestState *start_shadowed(const char *img)
{
    g_autofree char *bd = snap_blockdev(img);
    g_autofree char *args = g_strdup_printf(
        "-machine q35,cxl=on,cxl-fmw.0.targets.0=cxl.0,cxl-fmw.0.size=4G,"
        "cxl-fmw.0.interleave-granularity=256,"
        "cxl-region.0.window=0,cxl-region.0.size=512M,"
        "cxl-region.0.interleave-granularity=256,"
        "cxl-region.0.targets.0=t0,cxl-region.0.targets.1=t1 "
        "-device pxb-cxl,bus_nr=10,bus=pcie.0,id=cxl.0 "
        "-device cxl-rp,port=0,bus=cxl.0,id=rp0,chassis=0,slot=1 "
        "-device cxl-rp,port=1,bus=cxl.0,id=rp1,chassis=0,slot=2 "
        "-object memory-backend-ram,id=m0,size=256M "
        "-object memory-backend-ram,id=m1,size=256M "
        "-device cxl-type3,bus=rp0,volatile-memdev=m0,id=t0,sn=1 "
        "-device cxl-type3,bus=rp1,volatile-memdev=m1,id=t1,sn=2%s", bd);
    QTestState *qts = cxl_qtest_start(args);

    snap_format(qts);
    return qts;
}

/* Both devices' shares of the region are mapped, from a shadow */
static void check_shadowed(QTestState *qts)
{
    g_assert_cmpuint(mapped(qts, "t0"), ==, DEV_SIZE);
    g_assert_cmpuint(mapped(qts, "t1"), ==, DEV_SIZE);
    g_assert_true(shadow_mapped(qts));
}

/*
 * The devices' memory (not a shadow's copy) holds the pattern of @seed:
 * with shadows off, the region is read per access from the devices. The
 * shadows were filled from the devices' memory and nothing wrote to them
 * since, so turning them off writes nothing back.
 */
static void check_devices(QTestState *qts, uint64_t window, uint64_t seed)
{
    set_machine_bool(qts, "cxl-fast-path-shadow", false);
    g_assert_cmpuint(mapped(qts, "t0") + mapped(qts, "t1"), ==, 0);
    get_pattern(qts, window, 2 * DEV_SIZE, seed);
    set_machine_bool(qts, "cxl-fast-path-shadow", true);
    check_shadowed(qts);
}

static void test_shadow(void)
{
    g_autofree char *img = NULL;
    char *dir = snap_dir(&img);
    QTestState *qts = start_shadowed(img);
    uint64_t w = cxl_qtest_window(qts, 0), size = 2 * DEV_SIZE;

    check_shadowed(qts);
    /* A: written to the shadow only */
    put_pattern(qts, w, size, 1);
    hmp_ok(qts, "savevm a");
    /* after savevm: mapped from a shadow again, the data still there */
    check_shadowed(qts);
    get_pattern(qts, w, size, 1);

    /* B */
    put_pattern(qts, w, size, 2);
    get_pattern(qts, w, size, 2);
    hmp_ok(qts, "loadvm a");
    /* A again, from a shadow made from the loaded memory */
    check_shadowed(qts);
    get_pattern(qts, w, size, 1);
    check_devices(qts, w, 1);

    /* savevm of a paused VM: C */
    qtest_qmp_assert_success(qts, "{'execute': 'stop'}");
    put_pattern(qts, w, size, 3);
    hmp_ok(qts, "savevm c");
    put_pattern(qts, w, size, 4);
    hmp_ok(qts, "loadvm a");
    get_pattern(qts, w, size, 1);
    hmp_ok(qts, "loadvm c");
    check_shadowed(qts);
    get_pattern(qts, w, size, 3);
    check_devices(qts, w, 3);
    qtest_qmp_assert_success(qts, "{'execute': 'cont'}");
    get_pattern(qts, w, size, 3);

    qtest_quit(qts);
    snap_cleanup(dir, img);
}

/* ---- decoders changed after savevm ---- */

static void test_decoders(void)
{
    const uint64_t a = 0x1122334455667788ull, b = 0x8877665544332211ull;
    g_autofree char *img = NULL;
    char *dir = snap_dir(&img);
    g_autofree char *bd = snap_blockdev(img);
    T3 t;

    t3_start_opts(&t, false, bd);
    snap_format(t.qts);
    /* decoder 0: the volatile capacity at the window's start */
    qtest_writel(t.qts, t.hdm + 4, 1 << 1);
    g_assert_cmphex(dec_commit(&t, 0, t.window, 256 * MiB, 0), ==,
                    HDM_CTRL_COMMITTED);
    set_mem_enable(&t, true);
    g_assert_cmpuint(mapped(t.qts, "t3"), ==, DEV_SIZE);
    qtest_writeq(t.qts, t.window + 0x3008, a);
    hmp_ok(t.qts, "savevm a");

    /* recommitted 1 GiB further, written there */
    dec_clear(&t, 0);
    g_assert_cmphex(dec_commit(&t, 0, t.window + GiB, 256 * MiB, 0), ==,
                    HDM_CTRL_COMMITTED);
    qtest_writeq(t.qts, t.window + GiB + 0x3008, b);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x3008), ==, UINT64_MAX);

    /* the snapshot's decoder, routes and mapping, and its data */
    hmp_ok(t.qts, "loadvm a");
    g_assert_cmphex(dec_ctrl(&t, 0) & HDM_CTRL_COMMITTED, ==,
                    HDM_CTRL_COMMITTED);
    g_assert_cmphex(qtest_readl(t.qts, dec(&t, 0, HDM_DEC_BASE_LO)), ==,
                    (uint32_t)t.window);
    g_assert_cmpuint(mapped(t.qts, "t3"), ==, DEV_SIZE);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x3008), ==, a);
    g_assert_cmphex(qtest_readq(t.qts, t.window + GiB + 0x3008), ==,
                    UINT64_MAX);
    t3_stop(&t);
    snap_cleanup(dir, img);
}

/* ---- memory-backend-file with share=on, the device-state file ---- */

/* Set Alert Configuration: the life used warning threshold at @pct */
static void set_life_warn(T3 *t, uint8_t pct)
{
    uint8_t alert[12] = { 0x01, 0x01, pct };

    g_assert_cmphex(mbox_send(t, 0x4202, alert, sizeof(alert), NULL, 0,
                              NULL), ==, RC_SUCCESS);
}

/* Get Alert Configuration: the life used warning threshold */
static uint8_t get_life_warn(T3 *t)
{
    uint8_t out[16];

    g_assert_cmphex(mbox_send(t, 0x4201, NULL, 0, out, sizeof(out), NULL),
                    ==, RC_SUCCESS);
    return out[3];
}

/* The threshold the device-state file @path keeps */
static int file_life_warn(const char *path)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();

    g_assert_true(g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, NULL));
    return g_key_file_get_integer(kf, "alerts", "life-used-warn", NULL);
}

/*
 * A share=on file is RAM like any other to a snapshot: its contents are
 * saved, and loadvm writes them back into the file. The x-ignore-shared
 * migration capability leaves such memory out: loadvm leaves the file
 * as it is. The device-state file follows the device's loaded state.
 */
static void test_shared_file(void)
{
    const uint64_t a = 0xaaaa5555aaaa5555ull, b = 0xbbbb4444bbbb4444ull;
    g_autofree char *img = NULL;
    char *dir = snap_dir(&img);
    g_autofree char *bd = snap_blockdev(img);
    g_autofree char *state = g_build_filename(dir, "t3.state", NULL);
    g_autofree char *opts = g_strdup_printf(",device-state=%s%s", state, bd);
    T3 t;

    t3_start_opts(&t, true, opts);
    snap_format(t.qts);
    qtest_writel(t.qts, t.hdm + 4, 1 << 1);
    g_assert_cmphex(dec_commit(&t, 0, t.window, 256 * MiB, 0), ==,
                    HDM_CTRL_COMMITTED);
    set_mem_enable(&t, true);
    qtest_writeq(t.qts, t.window + 0x3008, a);
    set_life_warn(&t, 77);
    hmp_ok(t.qts, "savevm a");
    qtest_writeq(t.qts, t.window + 0x3008, b);
    set_life_warn(&t, 55);
    g_assert_cmphex(cxl_qtest_file_read64(t.vfile, 0x3008), ==, b);
    g_assert_cmpint(file_life_warn(state), ==, 55);
    hmp_ok(t.qts, "loadvm a");
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x3008), ==, a);
    g_assert_cmphex(cxl_qtest_file_read64(t.vfile, 0x3008), ==, a);
    g_assert_cmpuint(get_life_warn(&t), ==, 77);
    g_assert_cmpint(file_life_warn(state), ==, 77);

    /* shared memory left out of the snapshot */
    qtest_qmp_assert_success(t.qts, "{'execute': 'migrate-set-capabilities', "
                             "'arguments': {'capabilities': [ "
                             "{'capability': 'x-ignore-shared', "
                             "'state': true}]}}");
    hmp_ok(t.qts, "savevm i");
    qtest_writeq(t.qts, t.window + 0x3008, b);
    hmp_ok(t.qts, "loadvm i");
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x3008), ==, b);
    g_assert_cmphex(cxl_qtest_file_read64(t.vfile, 0x3008), ==, b);
    t3_stop(&t);
    unlink(state);
    snap_cleanup(dir, img);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cxl-snapshot/shadow", test_shadow);
    qtest_add_func("/cxl-snapshot/decoders", test_decoders);
    qtest_add_func("/cxl-snapshot/shared-file", test_shared_file);
    return g_test_run();
}
