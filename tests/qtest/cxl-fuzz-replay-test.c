/*
 * Replay of the CXL fuzz corpus (tests/qtest/fuzz/cxl-corpus, the inputs
 * `make fuzz` kept, crash reproducers included) and of a few hundred
 * seeded pseudo-random inputs through the fuzz interpreter
 * (tests/qtest/fuzz/cxl-fuzz-ops.c) against an ordinary
 * qemu-system-x86_64, with a system reset between inputs as the fuzzer
 * does. QEMU must survive every input: if it dies, the test fails and
 * names the input (file, or seed and index).
 *
 * The corpus directory comes from CXL_FUZZ_CORPUS (make check sets it),
 * else from next to the firmware directory of make check's build.
 * CXL_FUZZ_SEED picks another seed, CXL_FUZZ_RANDOM the number of random
 * inputs.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/bswap.h"
#include "libqtest.h"
#include "cxl-qtest.h"
#include "fuzz/cxl-fuzz-ops.h"

#define NR_RANDOM       300
#define RANDOM_MAX_LEN  768

/* What runs now: named by the abort handler (QEMU died, or a check) */
static char current[512];

static void name_input(void *data)
{
    if (current[0]) {
        fprintf(stderr, "cxl-fuzz-replay: aborted on input %s\n",
                current);
    }
}

static CXLFuzz *start(QTestState **qtsp)
{
    const char *fw = g_getenv("CXL_QTEST_FIRMWARE");
    QTestState *qts = qtest_initf("%s%s %s", fw ? "-L " : "", fw ? fw : "",
                                  CXL_FUZZ_ARGS);
    uint64_t hb = cxl_qtest_mtree_find(qts, "cxl-host-registers");
    CXLFuzz *f;

    g_assert_cmphex(hb, !=, 0);
    f = cxl_fuzz_new(qts, hb, cxl_qtest_window(qts, 0));
    if (g_test_verbose()) {
        g_autofree char *d = cxl_fuzz_describe(f);

        g_test_message("topology:\n%s", d);
    }
    qtest_system_reset(qts);
    *qtsp = qts;
    return f;
}

static void run_one(QTestState *qts, CXLFuzz *f, const uint8_t *data,
                    size_t len)
{
    cxl_fuzz_reinit(f);
    cxl_fuzz_run(f, data, len);
    qtest_system_reset(qts);
}

static char *corpus_dir(void)
{
    const char *dir = g_getenv("CXL_FUZZ_CORPUS");
    const char *fw = g_getenv("CXL_QTEST_FIRMWARE");

    if (dir) {
        return g_strdup(dir);
    }
    /* build/firmware -> build/qemu/tests/qtest/fuzz/cxl-corpus */
    return fw ? g_build_filename(fw, "..", "qemu", "tests", "qtest", "fuzz",
                                 "cxl-corpus", NULL) : NULL;
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every file of the corpus, in name order */
static void test_corpus(void)
{
    g_autofree char *dir = corpus_dir();
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) err = NULL;
    GDir *d;
    const char *n;
    QTestState *qts;
    CXLFuzz *f;

    if (!dir || !g_file_test(dir, G_FILE_TEST_IS_DIR)) {
        g_test_skip("no corpus directory (set CXL_FUZZ_CORPUS)");
        return;
    }
    d = g_dir_open(dir, 0, &err);
    g_assert_no_error(err);
    while ((n = g_dir_read_name(d))) {
        if (n[0] != '.') {
            g_ptr_array_add(names, g_strdup(n));
        }
    }
    g_dir_close(d);
    g_ptr_array_sort(names, compare_names);
    g_assert_cmpuint(names->len, >, 0);

    f = start(&qts);
    for (unsigned i = 0; i < names->len; i++) {
        g_autofree char *path = g_build_filename(dir, names->pdata[i], NULL);
        g_autofree char *data = NULL;
        size_t len;

        g_file_get_contents(path, &data, &len, &err);
        g_assert_no_error(err);
        g_snprintf(current, sizeof(current), "%s", path);
        run_one(qts, f, (const uint8_t *)data, len);
    }
    g_test_message("%u corpus inputs", names->len);
    current[0] = 0;
    cxl_fuzz_free(f);
    qtest_quit(qts);
}

/* Seeded pseudo-random inputs */
static void test_random(void)
{
    const char *s = g_getenv("CXL_FUZZ_SEED");
    const char *r = g_getenv("CXL_FUZZ_RANDOM");
    uint32_t seed = s ? strtoul(s, NULL, 0) : 0xc71f0221;
    unsigned nr = r ? strtoul(r, NULL, 0) : NR_RANDOM;
    g_autoptr(GRand) rand = g_rand_new_with_seed(seed);
    uint8_t buf[RANDOM_MAX_LEN];
    QTestState *qts;
    CXLFuzz *f = start(&qts);

    for (unsigned i = 0; i < nr; i++) {
        size_t len = g_rand_int_range(rand, 1, RANDOM_MAX_LEN + 1);

        for (size_t j = 0; j < len; j++) {
            buf[j] = g_rand_int(rand);
        }
        g_snprintf(current, sizeof(current),
                   "random %u of seed 0x%x (CXL_FUZZ_SEED)", i, seed);
        run_one(qts, f, buf, len);
    }
    current[0] = 0;
    cxl_fuzz_free(f);
    qtest_quit(qts);
}

/*
 * The interpreter reaches the media: a route committed to each endpoint
 * (at its own 256 MiB unit of the window) carries writes and reads
 */
static void test_route(void)
{
    QTestState *qts;
    CXLFuzz *f = start(&qts);
    uint64_t window = cxl_qtest_window(qts, 0);

    cxl_fuzz_reinit(f);
    for (uint8_t ep = 0; ep < 3; ep++) {
        const uint8_t route[] = { 13, ep, ep * 4, 0, 0 };
        uint64_t a = window + ((uint64_t)ep * 4 << 28) + 0x40;

        g_snprintf(current, sizeof(current), "route to endpoint %u", ep);
        cxl_fuzz_run(f, route, sizeof(route));
        qtest_writel(qts, a, 0x5a5a0000 + ep);
        g_assert_cmphex(qtest_readl(qts, a), ==, 0x5a5a0000 + ep);
    }
    current[0] = 0;
    cxl_fuzz_free(f);
    qtest_quit(qts);
}

/* Run @data (one structured command); its return code, output */
static uint16_t run_struct(CXLFuzz *f, const uint8_t *data, size_t len,
                           const uint8_t **out, uint32_t *out_len)
{
    cxl_fuzz_run(f, data, len);
    return cxl_fuzz_last_reply(f, out, out_len);
}

/*
 * The structured commands (operation bytes F0h-FFh) build payloads a
 * device takes: through the switch CCI's tunnel the FM offers an extent
 * of the DCD below port 5 (Initiate Dynamic Capacity Add, prescriptive),
 * the host accepts it on that device's mailbox (Add Dynamic Capacity
 * Response) and its extent list holds it; poison injected in range is
 * listed, and cleared.
 */
static void test_structured(void)
{
    /* FEh: the FM's add; pick, device, host, policy, region, length DPA
     * (sel, v16), length, tag, one extent (sel, v16, length, tag), msg tag */
    static const uint8_t fm_add[] = {
        0xfe, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0,
    };
    /*
     * FBh on mailbox 1 (t3b; the mailboxes in scan order: t3a, t3b, the
     * switch CCI, t3c): one updated extent at region 0's start
     */
    static const uint8_t accept[] = { 0xfb, 1, 1, 0, 0, 0, 0, 0 };
    /* FAh on t3b: Get DC Extent List, up to 8 from index 0 */
    static const uint8_t list[] = { 0xfa, 1, 8, 0 };
    /* F1h/F0h/F2h on mailbox 0 (t3a): poison at 64 KiB; 1026 lines */
    static const uint8_t inject[] = { 0xf1, 0, 0, 1, 0 };
    static const uint8_t plist[] = { 0xf0, 0, 0, 0, 0, 0x01, 0x04 };
    static const uint8_t clear[] = { 0xf2, 0, 0, 1, 0 };
    QTestState *qts;
    CXLFuzz *f = start(&qts);
    const uint8_t *out;
    uint32_t len;

    cxl_fuzz_reinit(f);
    g_snprintf(current, sizeof(current), "structured commands");
    g_assert_cmphex(run_struct(f, fm_add, sizeof(fm_add), &out, &len), ==, 0);
    g_assert_cmphex(run_struct(f, accept, sizeof(accept), &out, &len), ==, 0);
    g_assert_cmphex(run_struct(f, list, sizeof(list), &out, &len), ==, 0);
    g_assert_cmpuint(len, >=, 16 + 40);
    g_assert_cmpuint(ldl_le_p(out), ==, 1);             /* returned */
    g_assert_cmpuint(ldl_le_p(out + 4), ==, 1);         /* total */

    g_assert_cmphex(run_struct(f, inject, sizeof(inject), &out, &len), ==, 0);
    g_assert_cmphex(run_struct(f, plist, sizeof(plist), &out, &len), ==, 0);
    g_assert_cmpuint(len, >=, 0x20 + 16);
    g_assert_cmpuint(lduw_le_p(out + 0x0a), ==, 1);     /* records */
    g_assert_cmphex(ldq_le_p(out + 0x20) & ~0x3full, ==, 64 * KiB);
    g_assert_cmphex(run_struct(f, clear, sizeof(clear), &out, &len), ==, 0);
    g_assert_cmphex(run_struct(f, plist, sizeof(plist), &out, &len), ==, 0);
    g_assert_cmpuint(lduw_le_p(out + 0x0a), ==, 0);
    current[0] = 0;
    cxl_fuzz_free(f);
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_abrt_handler(name_input, NULL);
    qtest_add_func("/cxl-fuzz-replay/route", test_route);
    qtest_add_func("/cxl-fuzz-replay/structured", test_structured);
    qtest_add_func("/cxl-fuzz-replay/corpus", test_corpus);
    qtest_add_func("/cxl-fuzz-replay/random", test_random);
    return g_test_run();
}
