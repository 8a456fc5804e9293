/*
 * QTest of the CXL fast path (hw/cxl/cxl-fast-path.c): committed memory
 * mapped as RAM must be indistinguishable from the per-access path.
 *
 *  - equivalence: for each topology (1-way, interleave across root ports,
 *    host bridges and one or two levels of switches up to 16 ways, XOR
 *    windows, 3 and 6 ways, 1 KiB and 256 B), the same randomised writes
 *    with -machine cxl-fast-path=on and =off leave byte-identical backend
 *    files, and read back what was written;
 *  - the fast path engages exactly where the interleave allows it;
 *  - remapping: uncommit, recommit at another HPA, the data follows; poison,
 *    Mem_Enable and sanitize take effect on mapped memory at once;
 *  - shadows of shared backends (cxl-fast-path-shadow-shared=on) write the
 *    files back when the VM stops, within a period while it runs, and
 *    when QEMU quits.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "libqtest.h"
#include "qobject/qdict.h"
#include "cxl-type3-qtest.h"

#define DEV_SIZE        (256 * MiB)
#define MAX_DEVS        16
/* what the writes touch: the region's start and its last 64 KiB */
#define HEAD            (2 * MiB)
#define TAIL            (64 * KiB)

typedef struct Topo {
    const char *name;
    unsigned hbs, rps, dsps;    /* per host bridge, per root port (0: none) */
    unsigned dsps2;             /* a second switch level per DSP (0: none) */
    const char *gran;
    bool xor;
    bool mapped;                /* the fast path can map it */
} Topo;

static const Topo topos[] = {
    { "1way",            1, 1, 0, 0, "4k",  false, true },
    { "2rp-4k",          1, 2, 0, 0, "4k",  false, true },
    { "2hb-2rp-4k",      2, 2, 0, 0, "4k",  false, true },
    { "2hb-2rp-256",     2, 2, 0, 0, "256", false, false },
    { "switch-4dsp-4k",  1, 1, 4, 0, "4k",  false, true },
    { "2hb-2rp-2dsp-4k", 2, 2, 2, 0, "4k",  false, true },
    { "16way-4k",        2, 2, 4, 0, "4k",  false, true },
    { "2-switch-levels", 1, 1, 2, 2, "4k",  false, true },
    { "xor-2hb-4k",      2, 1, 0, 0, "4k",  true,  true },
    { "3rp-4k",          1, 3, 0, 0, "4k",  false, true },
    { "6way-2hb-3rp-4k", 2, 3, 0, 0, "4k",  false, true },
    { "3rp-1k",          1, 3, 0, 0, "1k",  false, false },
    { "16way-256",       2, 2, 4, 0, "256", false, false },
    { "xor-2hb-256",     2, 1, 0, 0, "256", true,  false },
};

typedef struct Run {
    QTestState *qts;
    char *dir;
    unsigned ndev;
    uint64_t window;
    uint64_t size;              /* of the region, at the window's start */
} Run;

static char *dev_file(Run *r, unsigned p)
{
    return g_strdup_printf("%s/m%u", r->dir, p);
}

/*
 * Start @t as a firmware-committed region over all its devices, in the
 * interleave-position order the docs describe: position p is below host
 * bridge p % hbs, root port (p / hbs) % rps, downstream port
 * (p / hbs / rps) % dsps, second-level downstream port p / hbs / rps /
 * dsps.
 */
static void run_start_opts(Run *r, const Topo *t, bool fast, bool priv,
                           const char *machine)
{
    GString *a = g_string_new("");
    unsigned dsps = t->dsps ? t->dsps : 1, dsps2 = t->dsps2 ? t->dsps2 : 1;
    GError *err = NULL;

    memset(r, 0, sizeof(*r));
    r->ndev = t->hbs * t->rps * dsps * dsps2;
    g_assert_cmpuint(r->ndev, <=, MAX_DEVS);
    r->size = r->ndev * DEV_SIZE;
    r->dir = g_dir_make_tmp("cxl-fast-path-test-XXXXXX", &err);
    g_assert_no_error(err);

    g_string_append_printf(a, "-machine q35,cxl=on,cxl-fast-path=%s,"
                           "cxl-fmw.0.size=16G,"
                           "cxl-fmw.0.interleave-granularity=%s%s",
                           fast ? "on" : "off", t->gran,
                           t->xor ? ",cxl-fmw.0.interleave-arithmetic=xor"
                                  : "");
    if (machine) {
        g_string_append_printf(a, ",%s", machine);
    }
    for (unsigned h = 0; h < t->hbs; h++) {
        g_string_append_printf(a, ",cxl-fmw.0.targets.%u=cxl.%u", h, h);
    }
    g_string_append_printf(a, ",cxl-region.0.window=0,"
                           "cxl-region.0.size=%" PRIu64 "M,"
                           "cxl-region.0.interleave-granularity=%s",
                           r->size / MiB, t->gran);
    for (unsigned p = 0; p < r->ndev; p++) {
        g_string_append_printf(a, ",cxl-region.0.targets.%u=t%u", p, p);
    }
    for (unsigned h = 0; h < t->hbs; h++) {
        g_string_append_printf(a, " -device pxb-cxl,bus_nr=%u,bus=pcie.0,"
                               "id=cxl.%u", 10 + 60 * h, h);
        for (unsigned rp = 0; rp < t->rps; rp++) {
            g_string_append_printf(a, " -device cxl-rp,port=%u,bus=cxl.%u,"
                                   "id=rp%u.%u,chassis=%u,slot=%u",
                                   rp, h, h, rp, h, rp + 1);
            if (t->dsps) {
                g_string_append_printf(a, " -device cxl-upstream,"
                                       "bus=rp%u.%u,id=us%u.%u",
                                       h, rp, h, rp);
                for (unsigned d = 0; d < t->dsps; d++) {
                    g_string_append_printf(a, " -device cxl-downstream,"
                                           "port=%u,bus=us%u.%u,"
                                           "id=ds%u.%u.%u,chassis=%u,slot=%u",
                                           d, h, rp, h, rp, d, 100 + h,
                                           rp * 16 + d + 1);
                    if (t->dsps2) {
                        g_string_append_printf(a, " -device cxl-upstream,"
                                               "bus=ds%u.%u.%u,id=vs%u.%u.%u",
                                               h, rp, d, h, rp, d);
                    }
                    for (unsigned e = 0; e < t->dsps2; e++) {
                        g_string_append_printf(a, " -device cxl-downstream,"
                            "port=%u,bus=vs%u.%u.%u,id=es%u.%u.%u.%u,"
                            "chassis=%u,slot=%u", e, h, rp, d, h, rp, d, e,
                            200 + h * 16 + rp, d * 16 + e + 1);
                    }
                }
            }
        }
    }
    for (unsigned p = 0; p < r->ndev; p++) {
        unsigned h = p % t->hbs, rp = p / t->hbs % t->rps;
        unsigned d = p / t->hbs / t->rps % dsps;
        unsigned e = p / t->hbs / t->rps / dsps;
        g_autofree char *f = dev_file(r, p);
        g_autofree char *bus = t->dsps2
            ? g_strdup_printf("es%u.%u.%u.%u", h, rp, d, e)
            : t->dsps ? g_strdup_printf("ds%u.%u.%u", h, rp, d)
                      : g_strdup_printf("rp%u.%u", h, rp);

        if (priv) {
            g_string_append_printf(a, " -object memory-backend-ram,id=m%u,"
                                   "size=256M", p);
        } else {
            g_string_append_printf(a, " -object memory-backend-file,id=m%u,"
                                   "size=256M,share=on,mem-path=%s", p, f);
        }
        g_string_append_printf(a, " -device cxl-type3,bus=%s,"
                               "volatile-memdev=m%u,id=t%u,sn=%u",
                               bus, p, p, p + 1);
    }
    r->qts = cxl_qtest_start(a->str);
    g_string_free(a, true);
    r->window = cxl_qtest_window(r->qts, 0);
}

/* ... with file backends (share=on), which the test can read */
static void run_start(Run *r, const Topo *t, bool fast)
{
    run_start_opts(r, t, fast, false, NULL);
}

static void run_stop(Run *r, bool keep_files)
{
    qtest_quit(r->qts);
    if (!keep_files) {
        for (unsigned p = 0; p < r->ndev; p++) {
            g_autofree char *f = dev_file(r, p);

            unlink(f);
        }
        rmdir(r->dir);
        g_free(r->dir);
    }
}

/*
 * A cxl-type3's fast-path counter @prop: x-fast-path-mapped (bytes mapped
 * as RAM now) or x-fast-path-maps (translations of interleaved memory)
 */
static uint64_t fast_prop(QTestState *qts, const char *id, const char *prop)
{
    return cxl_qtest_qom_uint(qts, id, prop);
}

/* Region offset of the @i'th random location: head or tail */
static uint64_t pick(GRand *g, uint64_t size, uint64_t len)
{
    if (g_rand_boolean(g)) {
        return g_rand_int_range(g, 0, HEAD - len);
    }
    return size - TAIL + g_rand_int_range(g, 0, TAIL - len);
}

/*
 * The same randomised writes for every run of a topology (seeded by its
 * name): 8/4/2/1-byte stores at random, often unaligned, offsets, and
 * bulk writes crossing pages and granules. @shadow (HEAD + TAIL bytes)
 * follows what the region should hold.
 */
static void write_random(Run *r, const char *seed, uint8_t *shadow)
{
    GRand *g = g_rand_new_with_seed(g_str_hash(seed));
    uint8_t buf[12 * KiB];

    for (unsigned i = 0; i < 1500; i++) {
        static const unsigned sizes[] = { 1, 2, 4, 8 };
        unsigned size = sizes[g_rand_int_range(g, 0, 4)];
        uint64_t off = pick(g, r->size, size);
        uint64_t v = (uint64_t)g_rand_int(g) << 32 | g_rand_int(g);
        uint8_t *s = off < HEAD ? shadow + off
                                : shadow + HEAD + (off - (r->size - TAIL));

        switch (size) {
        case 1:
            qtest_writeb(r->qts, r->window + off, v);
            break;
        case 2:
            qtest_writew(r->qts, r->window + off, v);
            break;
        case 4:
            qtest_writel(r->qts, r->window + off, v);
            break;
        default:
            qtest_writeq(r->qts, r->window + off, v);
        }
        stn_le_p(s, size, v);
    }
    for (unsigned i = 0; i < 24; i++) {
        unsigned len = g_rand_int_range(g, 1, sizeof(buf));
        uint64_t off = pick(g, r->size, len);
        uint8_t *s = off < HEAD ? shadow + off
                                : shadow + HEAD + (off - (r->size - TAIL));

        for (unsigned j = 0; j < len; j++) {
            buf[j] = g_rand_int(g);
        }
        qtest_memwrite(r->qts, r->window + off, buf, len);
        memcpy(s, buf, len);
    }
    g_rand_free(g);
}

/* The region reads back what the shadow says, through the window */
static void check_readback(Run *r, const uint8_t *shadow)
{
    g_autofree uint8_t *head = g_malloc(HEAD);
    g_autofree uint8_t *tail = g_malloc(TAIL);

    qtest_memread(r->qts, r->window, head, HEAD);
    g_assert(memcmp(head, shadow, HEAD) == 0);
    qtest_memread(r->qts, r->window + r->size - TAIL, tail, TAIL);
    g_assert(memcmp(tail, shadow + HEAD, TAIL) == 0);
    /* and the same with 8-byte loads, as a CPU does */
    for (uint64_t o = 0; o < HEAD; o += 4 * KiB + 8) {
        g_assert_cmphex(qtest_readq(r->qts, r->window + o), ==,
                        ldq_le_p(shadow + o));
    }
}

/* Two backend files are equal, all of them */
static void check_same_file(const char *a, const char *b)
{
    g_autofree uint8_t *ba = g_malloc(MiB);
    g_autofree uint8_t *bb = g_malloc(MiB);
    int fa = open(a, O_RDONLY), fb = open(b, O_RDONLY);

    g_assert_cmpint(fa, >=, 0);
    g_assert_cmpint(fb, >=, 0);
    for (off_t o = 0; o < DEV_SIZE; o += MiB) {
        g_assert_cmpint(pread(fa, ba, MiB, o), ==, MiB);
        g_assert_cmpint(pread(fb, bb, MiB, o), ==, MiB);
        if (memcmp(ba, bb, MiB)) {
            for (unsigned i = 0; i < MiB; i++) {
                if (ba[i] != bb[i]) {
                    g_error("%s and %s differ at 0x%" PRIx64 ": %02x %02x",
                            a, b, (uint64_t)o + i, ba[i], bb[i]);
                }
            }
        }
    }
    close(fa);
    close(fb);
}

static void test_equivalence(const void *opaque)
{
    const Topo *t = opaque;
    g_autofree uint8_t *shadow = g_malloc0(HEAD + TAIL);
    Run slow, fast;
    uint64_t maps = 0;

    run_start(&slow, t, false);
    write_random(&slow, t->name, shadow);
    check_readback(&slow, shadow);
    for (unsigned p = 0; p < slow.ndev; p++) {
        g_autofree char *id = g_strdup_printf("t%u", p);

        g_assert_cmpuint(fast_prop(slow.qts, id, "x-fast-path-mapped"), ==, 0);
        g_assert_cmpuint(fast_prop(slow.qts, id, "x-fast-path-maps"), ==, 0);
    }
    run_stop(&slow, true);

    memset(shadow, 0, HEAD + TAIL);
    run_start(&fast, t, true);
    write_random(&fast, t->name, shadow);
    check_readback(&fast, shadow);
    for (unsigned p = 0; p < fast.ndev; p++) {
        g_autofree char *id = g_strdup_printf("t%u", p);
        uint64_t n = fast_prop(fast.qts, id, "x-fast-path-mapped");

        /*
         * engaged on every device exactly when the interleave allows: all
         * of each device's share of the region is mapped
         */
        g_assert_cmpuint(n, ==, t->mapped ? DEV_SIZE : 0);
        maps += fast_prop(fast.qts, id, "x-fast-path-maps");
    }
    /* interleaved regions are translated page by page, 1-way ones not */
    if (!t->mapped || fast.ndev == 1) {
        g_assert_cmpuint(maps, ==, 0);
    } else {
        g_assert_cmpuint(maps, >, 0);
    }
    if (t->mapped) {
        g_autofree char *mtree = qtest_hmp(fast.qts, "info mtree");

        g_assert(strstr(mtree, "cxl-fixed-memory-window-0-ram-0"));
    }
    run_stop(&fast, true);

    for (unsigned p = 0; p < slow.ndev; p++) {
        g_autofree char *a = dev_file(&slow, p);
        g_autofree char *b = dev_file(&fast, p);

        check_same_file(a, b);
    }
    slow.qts = fast.qts = NULL;
    for (Run *r = &slow; r; r = r == &slow ? &fast : NULL) {
        for (unsigned p = 0; p < r->ndev; p++) {
            g_autofree char *f = dev_file(r, p);

            unlink(f);
        }
        rmdir(r->dir);
        g_free(r->dir);
    }
}

/* ---- shadows: interleaves finer than a page, private backends ---- */

static void set_machine_bool(QTestState *qts, const char *prop, bool on)
{
    QDict *rsp = qtest_qmp(qts, "{'execute': 'qom-set', 'arguments': "
                           "{'path': '/machine', 'property': %s, "
                           "'value': %i}}", prop, on);

    g_assert(qdict_haskey(rsp, "return"));
    qobject_unref(rsp);
}

/* x-fast-path-mapped over every device of @r */
static uint64_t mapped_sum(Run *r)
{
    uint64_t sum = 0;

    for (unsigned p = 0; p < r->ndev; p++) {
        g_autofree char *id = g_strdup_printf("t%u", p);

        sum += fast_prop(r->qts, id, "x-fast-path-mapped");
    }
    return sum;
}

/*
 * Served from a shadow copy (cxl-shadow.c): what goes through the copy
 * is what the per-access path finds in the devices' memory afterwards,
 * and the other way round. (Backends with share=off cannot be read from
 * here; the equivalence test shows the per-access path puts each byte
 * where the spec says.)
 */
static void test_shadow(const void *opaque)
{
    const Topo *t = opaque;
    g_autofree uint8_t *expect = g_malloc0(HEAD + TAIL);
    g_autofree uint8_t *head = g_malloc(HEAD);
    g_autofree char *mtree = NULL;
    g_autofree char *seed2 = g_strdup_printf("%s-again", t->name);
    unsigned bad = 0;
    QDict *rsp;
    Run r;

    run_start_opts(&r, t, true, true, NULL);
    /* all of each device's share, before any access */
    for (unsigned p = 0; p < r.ndev; p++) {
        g_autofree char *id = g_strdup_printf("t%u", p);

        g_assert_cmpuint(fast_prop(r.qts, id, "x-fast-path-mapped"), ==,
                         DEV_SIZE);
    }
    mtree = qtest_hmp(r.qts, "info mtree");
    g_assert(strstr(mtree, "cxl-fixed-memory-window-0-shadow-0"));
    write_random(&r, t->name, expect);
    check_readback(&r, expect);

    /* shadows off: written back, and read per access from the devices */
    set_machine_bool(r.qts, "cxl-fast-path-shadow", false);
    g_assert_cmpuint(mapped_sum(&r), ==, 0);
    check_readback(&r, expect);

    /* written per access, then shadowed again: the copy has it all */
    write_random(&r, seed2, expect);
    set_machine_bool(r.qts, "cxl-fast-path-shadow", true);
    g_assert_cmpuint(mapped_sum(&r), ==, r.ndev * DEV_SIZE);
    check_readback(&r, expect);

    /*
     * Poison in t0's first line: its page goes back to the per-access
     * path, whose reads of that line are all ones; nothing else changes
     */
    rsp = qtest_qmp(r.qts, "{'execute': 'cxl-inject-poison', 'arguments': "
                    "{'path': 't0', 'start': 0, 'length': 64}}");
    g_assert(qdict_haskey(rsp, "return"));
    qobject_unref(rsp);
    g_assert_cmpuint(mapped_sum(&r), ==, r.ndev * DEV_SIZE - 4 * KiB);
    qtest_memread(r.qts, r.window, head, HEAD);
    for (uint64_t o = 0; o < HEAD; o += 64) {
        if (memcmp(head + o, expect + o, 64)) {
            for (unsigned i = 0; i < 64; i++) {
                g_assert_cmphex(head[o + i], ==, 0xff);
            }
            bad++;
        }
    }
    g_assert_cmpuint(bad, ==, 1);
    run_stop(&r, false);
}

/* ---- shadows of shared backends (cxl-fast-path-shadow-shared=on) ---- */

/*
 * What the writes reach of each backend file: the start and the end of
 * each device's memory (HEAD and TAIL of the region, interleaved)
 */
#define ENDS            (MiB + TAIL)

static uint8_t *read_ends(Run *r)
{
    uint8_t *buf = g_malloc(r->ndev * ENDS);

    for (unsigned p = 0; p < r->ndev; p++) {
        g_autofree char *f = dev_file(r, p);
        int fd = open(f, O_RDONLY);

        g_assert_cmpint(fd, >=, 0);
        g_assert_cmpint(pread(fd, buf + p * ENDS, MiB, 0), ==, MiB);
        g_assert_cmpint(pread(fd, buf + p * ENDS + MiB, TAIL,
                              DEV_SIZE - TAIL), ==, TAIL);
        close(fd);
    }
    return buf;
}

static bool ends_are(Run *r, const uint8_t *expect)
{
    g_autofree uint8_t *now = read_ends(r);

    return !memcmp(now, expect, r->ndev * ENDS);
}

static void set_writeback_ms(QTestState *qts, unsigned ms)
{
    qtest_qmp_assert_success(qts, "{'execute': 'qom-set', 'arguments': "
                             "{'path': '/machine', 'property': "
                             "'cxl-fast-path-shadow-writeback-ms', "
                             "'value': %u}}", ms);
}

/*
 * share=on backends served from a shadow: the per-access path (which
 * writes the files at once) gives the files each round of writes must
 * leave; with the shadow the files get them when the VM stops, within
 * a write-back period while it runs, and when QEMU quits.
 */
static void test_shadow_shared(const void *opaque)
{
    const Topo *t = opaque;
    g_autofree uint8_t *expect = g_malloc0(HEAD + TAIL);
    g_autofree uint8_t *e1 = NULL, *e2 = NULL, *e3 = NULL;
    g_autofree char *s2 = g_strdup_printf("%s-2", t->name);
    g_autofree char *s3 = g_strdup_printf("%s-3", t->name);
    gint64 deadline;
    Run slow, r;

    run_start(&slow, t, false);
    write_random(&slow, t->name, expect);
    e1 = read_ends(&slow);
    write_random(&slow, s2, expect);
    e2 = read_ends(&slow);
    write_random(&slow, s3, expect);
    e3 = read_ends(&slow);
    run_stop(&slow, false);

    memset(expect, 0, HEAD + TAIL);
    run_start_opts(&r, t, true, false, "cxl-fast-path-shadow-shared=on,"
                   "cxl-fast-path-shadow-writeback-ms=60000");
    /* shadowed, although shared */
    g_assert_cmpuint(mapped_sum(&r), ==, r.ndev * DEV_SIZE);
    write_random(&r, t->name, expect);
    check_readback(&r, expect);
    /* the copy has the writes; the files get them when the VM stops */
    g_assert(!ends_are(&r, e1));
    qtest_qmp_assert_success(r.qts, "{'execute': 'stop'}");
    g_assert(ends_are(&r, e1));
    qtest_qmp_assert_success(r.qts, "{'execute': 'cont'}");

    /* while it runs: within a period (50 ms here; allow 10 s) */
    set_writeback_ms(r.qts, 50);
    write_random(&r, s2, expect);
    deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (!ends_are(&r, e2)) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(20 * 1000);
    }
    check_readback(&r, expect);
    g_assert_cmpuint(mapped_sum(&r), ==, r.ndev * DEV_SIZE);

    /* and when QEMU quits (SIGTERM) */
    set_writeback_ms(r.qts, 60000);
    write_random(&r, s3, expect);
    g_assert(!ends_are(&r, e3));
    qtest_quit(r.qts);
    r.qts = NULL;
    g_assert(ends_are(&r, e3));
    for (unsigned p = 0; p < r.ndev; p++) {
        g_autofree char *f = dev_file(&r, p);

        unlink(f);
    }
    rmdir(r.dir);
    g_free(r.dir);
}

/*
 * A page-granular interleave longer than one translated run may be (16
 * GiB): 2 ways at 4 KiB over two 16 GiB devices (sparse files). The
 * fast path maps it in runs of 16 GiB, all of it; it used to route
 * every page of the region and then refuse the whole run, mapping
 * nothing. The last page reaches the second device's last page.
 */
static void test_long_interleave(void)
{
    const uint64_t dev = 16 * GiB, a = 0x0123456789abcdefull;
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("cxl-fast-path-test-XXXXXX", &err);
    g_autofree char *f0 = g_strdup_printf("%s/m0", dir);
    g_autofree char *f1 = g_strdup_printf("%s/m1", dir);
    g_autofree char *args = g_strdup_printf(
        "-machine q35,cxl=on,cxl-fmw.0.size=64G,"
        "cxl-fmw.0.interleave-granularity=4k,cxl-fmw.0.targets.0=cxl.0,"
        "cxl-region.0.window=0,cxl-region.0.size=32G,"
        "cxl-region.0.interleave-granularity=4k,"
        "cxl-region.0.targets.0=t0,cxl-region.0.targets.1=t1 "
        "-device pxb-cxl,bus_nr=10,bus=pcie.0,id=cxl.0 "
        "-device cxl-rp,port=0,bus=cxl.0,id=rp0,chassis=0,slot=1 "
        "-device cxl-rp,port=1,bus=cxl.0,id=rp1,chassis=0,slot=2 "
        "-object memory-backend-file,id=m0,size=16G,share=on,mem-path=%s "
        "-object memory-backend-file,id=m1,size=16G,share=on,mem-path=%s "
        "-device cxl-type3,bus=rp0,volatile-memdev=m0,id=t0,sn=1 "
        "-device cxl-type3,bus=rp1,volatile-memdev=m1,id=t1,sn=2",
        f0, f1);
    QTestState *qts;
    uint64_t window;

    g_assert_no_error(err);
    qts = cxl_qtest_start(args);
    window = cxl_qtest_window(qts, 0);
    g_assert_cmpuint(fast_prop(qts, "t0", "x-fast-path-mapped"), ==, dev);
    g_assert_cmpuint(fast_prop(qts, "t1", "x-fast-path-mapped"), ==, dev);
    qtest_writeq(qts, window + 2 * dev - 8, a);
    g_assert_cmphex(qtest_readq(qts, window + 2 * dev - 8), ==, a);
    g_assert_cmphex(cxl_qtest_file_read64(f1, dev - 8), ==, a);
    qtest_quit(qts);
    unlink(f0);
    unlink(f1);
    rmdir(dir);
}

/* ---- remapping, on the single-device topology of cxl-type3-test ---- */

/* Bytes of the device's memory mapped as RAM */
static uint64_t t3_mapped(T3 *t)
{
    return fast_prop(t->qts, "t3", "x-fast-path-mapped");
}

/* Decoder 0 maps DPA 0.. (volatile) at @base; Mem_Enable on */
static void t3_map(T3 *t, uint64_t base)
{
    qtest_writel(t->qts, t->hdm + 4, 1 << 1);
    g_assert_cmphex(dec_commit(t, 0, base, 256 * MiB, 0), ==,
                    HDM_CTRL_COMMITTED);
    set_mem_enable(t, true);
}

static void test_remap(void)
{
    const uint64_t a = 0x1122334455667788ull;
    T3 t;

    t3_start(&t, true);
    g_assert_cmpuint(t3_mapped(&t), ==, 0);
    t3_map(&t, t.window);
    /* mapped right after the commit, before any access (as DMA needs) */
    g_assert_cmpuint(t3_mapped(&t), ==, 256 * MiB);
    qtest_writeq(t.qts, t.window + 0x3008, a);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x3008), ==, a);

    /* uncommitted: unmapped, the old HPA no longer reaches the memory */
    dec_clear(&t, 0);
    g_assert_cmpuint(t3_mapped(&t), ==, 0);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x3008), ==, UINT64_MAX);
    qtest_writeq(t.qts, t.window + 0x3008, 0);
    g_assert_cmphex(cxl_qtest_file_read64(t.vfile, 0x3008), ==, a);

    /* recommitted 1 GiB further: mapped again, the data follows the DPA */
    g_assert_cmphex(dec_commit(&t, 0, t.window + GiB, 256 * MiB, 0), ==,
                    HDM_CTRL_COMMITTED);
    g_assert_cmpuint(t3_mapped(&t), ==, 256 * MiB);
    g_assert_cmphex(qtest_readq(t.qts, t.window + GiB + 0x3008), ==, a);
    g_assert_cmphex(qtest_readq(t.qts, t.window + GiB + 0x3000), ==, 0);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x3008), ==, UINT64_MAX);
    t3_stop(&t);
}

/* Changes to mapped memory's state apply to the very next access */
static void test_mapped_state_changes(void)
{
    const uint64_t a = 0x0102030405060708ull;
    uint8_t in[16] = { 0 };
    T3 t;

    t3_start(&t, true);
    t3_map(&t, t.window);
    qtest_writeq(t.qts, t.window + 0x5000, a);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x5000), ==, a);
    g_assert_cmpuint(t3_mapped(&t), ==, 256 * MiB);

    /* poison injected into a mapped page reads all ones at once */
    stq_le_p(in, 0x5000);
    g_assert_cmphex(mbox_send(&t, 0x4301, in, 8, NULL, 0, NULL), ==, RC_SUCCESS);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x5000), ==, UINT64_MAX);
    /* only that page is left to the per-access path */
    g_assert_cmpuint(t3_mapped(&t), ==, 256 * MiB - 4 * KiB);
    /* the rest of the page and its neighbours keep their data */
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x5040), ==, 0);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x6000), ==, 0);
    /* cleared (with data 0x5a..): mapped again, with the new data */
    {
        uint8_t clr[72] = { 0 };

        stq_le_p(clr, 0x5000);
        memset(clr + 8, 0x5a, 64);
        g_assert_cmphex(mbox_send(&t, 0x4302, clr, sizeof(clr), NULL, 0,
                                  NULL),
                        ==, RC_SUCCESS);
    }
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x5000), ==,
                    0x5a5a5a5a5a5a5a5aull);
    g_assert_cmpuint(t3_mapped(&t), ==, 256 * MiB);

    /* Mem_Enable off: unmapped, all ones and dropped writes */
    set_mem_enable(&t, false);
    g_assert_cmpuint(t3_mapped(&t), ==, 0);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x5000), ==, UINT64_MAX);
    qtest_writeq(t.qts, t.window + 0x5000, a);
    set_mem_enable(&t, true);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x5000), ==,
                    0x5a5a5a5a5a5a5a5aull);

    /* sanitize while mapped is refused: the data stays */
    g_assert_cmphex(mbox_send(&t, 0x4400, NULL, 0, NULL, 0, NULL), ==, RC_BUSY);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x5000), ==,
                    0x5a5a5a5a5a5a5a5aull);
    g_assert_cmphex(cxl_qtest_file_read64(t.vfile, 0x5000), ==,
                    0x5a5a5a5a5a5a5a5aull);
    t3_stop(&t);
}

/*
 * A device decoder interleaving 2 ways at 256 B below a host bridge that
 * passes everything through: HPA 0x10 and 0x110 reach the same DPA, as on
 * hardware. A shadow could not keep two copies of one DPA coherent, so
 * such pages stay per access (memory-backend-ram: shadows are allowed).
 */
static void test_shadow_alias(void)
{
    const uint64_t a = 0x5eed5eed5eed5eedull;
    T3 t;

    t3_start(&t, false);
    qtest_writel(t.qts, t.hdm + 4, 1 << 1);
    /* IW 1 (2 ways), IG 0 (256 B) */
    g_assert_cmphex(dec_commit_ways(&t, 0, t.window, 512 * MiB, 0, 1 << 4),
                    ==, HDM_CTRL_COMMITTED);
    set_mem_enable(&t, true);
    g_assert_cmpuint(t3_mapped(&t), ==, 0);
    qtest_writeq(t.qts, t.window + 0x10, a);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x110), ==, a);
    qtest_writeq(t.qts, t.window + 0x118, ~a);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x18), ==, ~a);
    t3_stop(&t);
}

/* Turning the option off at run time unmaps, the data stays */
static void test_option_off(void)
{
    const uint64_t a = 0xa5a5a5a55a5a5a5aull;
    T3 t;

    t3_start(&t, true);
    t3_map(&t, t.window);
    qtest_writeq(t.qts, t.window + 0x7000, a);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x7000), ==, a);
    g_assert_cmpuint(t3_mapped(&t), ==, 256 * MiB);
    set_machine_bool(t.qts, "cxl-fast-path", false);
    g_assert_cmpuint(t3_mapped(&t), ==, 0);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x7000), ==, a);
    qtest_writeq(t.qts, t.window + 0x7008, a);
    g_assert_cmpuint(t3_mapped(&t), ==, 0);
    g_assert_cmphex(cxl_qtest_file_read64(t.vfile, 0x7008), ==, a);
    t3_stop(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    for (unsigned i = 0; i < ARRAY_SIZE(topos); i++) {
        g_autofree char *path = g_strdup_printf("/cxl/fast-path/equivalence/%s",
                                                topos[i].name);

        qtest_add_data_func(path, &topos[i], test_equivalence);
        if (!topos[i].mapped) {
            g_autofree char *sp = g_strdup_printf("/cxl/fast-path/shadow/%s",
                                                  topos[i].name);

            qtest_add_data_func(sp, &topos[i], test_shadow);
        }
        if (!topos[i].mapped && !topos[i].xor && topos[i].hbs * topos[i].rps *
            MAX(topos[i].dsps, 1) <= 4) {
            g_autofree char *sp = g_strdup_printf(
                "/cxl/fast-path/shadow-shared/%s", topos[i].name);

            qtest_add_data_func(sp, &topos[i], test_shadow_shared);
        }
    }
    qtest_add_func("/cxl/fast-path/remap", test_remap);
    qtest_add_func("/cxl/fast-path/mapped-state-changes",
                   test_mapped_state_changes);
    qtest_add_func("/cxl/fast-path/option-off", test_option_off);
    qtest_add_func("/cxl/fast-path/shadow-alias", test_shadow_alias);
    qtest_add_func("/cxl/fast-path/long-interleave", test_long_interleave);
    return g_test_run();
}
