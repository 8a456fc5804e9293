/*
 * Unit tests for the CXL interleave arithmetic (hw/cxl/cxl-interleave.c).
 *
 * The expectations come from outside the code under test:
 *  - hand-worked examples from the spec's definitions (CXL r3.1 8.2.4.20.13,
 *    9.13.1): the granule number is HPA offset >> (IG + 8); the position is
 *    its low IW bits (power-of-two ways) or its value modulo the ways (3, 6,
 *    12); the device keeps every ways-th granule, packed;
 *  - the parameter-validity table and XOR maps of Linux's
 *    tools/testing/cxl/test/cxl_translate.c;
 *  - vectors computed by Linux's own translation functions, when
 *    CXL_LINUX_VECTORS names a file made by linux-interleave-vectors.py
 *    (make check does);
 *  - structural properties every correct decode has: HPA -> (position, DPA)
 *    is a bijection onto ways equal DPA ranges, and inverts DPA -> HPA.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "qemu/host-utils.h"
#include "hw/cxl/cxl-interleave.h"

static const uint8_t valid_iw[] = { 0, 1, 2, 3, 4, 8, 9, 10 };

static void test_encodings(void)
{
    static const struct { uint8_t eiw; unsigned ways; } iw[] = {
        { 0, 1 }, { 1, 2 }, { 2, 4 }, { 3, 8 }, { 4, 16 },
        { 8, 3 }, { 9, 6 }, { 10, 12 },
    };
    unsigned ways;
    uint64_t bytes;
    uint8_t e;

    for (size_t i = 0; i < ARRAY_SIZE(iw); i++) {
        g_assert_true(cxl_iw_to_ways(iw[i].eiw, &ways));
        g_assert_cmpuint(ways, ==, iw[i].ways);
        g_assert_true(cxl_ways_to_iw(iw[i].ways, &e));
        g_assert_cmpuint(e, ==, iw[i].eiw);
    }
    for (unsigned bad = 5; bad < 256; bad++) {
        if (bad >= 8 && bad <= 10) {
            continue;
        }
        g_assert_false(cxl_iw_to_ways(bad, &ways));
    }
    for (unsigned w = 0; w <= 64; w++) {
        bool allowed = w == 1 || w == 2 || w == 4 || w == 8 || w == 16 ||
                       w == 3 || w == 6 || w == 12;
        g_assert_cmpint(cxl_ways_to_iw(w, &e), ==, allowed);
    }

    for (uint8_t g = 0; g <= 6; g++) {
        g_assert_true(cxl_ig_to_bytes(g, &bytes));
        g_assert_cmpuint(bytes, ==, 256ull << g);
        g_assert_true(cxl_bytes_to_ig(bytes, &e));
        g_assert_cmpuint(e, ==, g);
    }
    g_assert_false(cxl_ig_to_bytes(7, &bytes));
    g_assert_false(cxl_bytes_to_ig(128, &e));
    g_assert_false(cxl_bytes_to_ig(768, &e));
    g_assert_false(cxl_bytes_to_ig(32 * 1024, &e));
    g_assert_false(cxl_bytes_to_ig(0, &e));
}

/* Linux tools/testing/cxl/test/cxl_translate.c: param_tests[] */
static void test_linux_param_table(void)
{
    static const struct {
        uint8_t eiw;
        uint16_t eig;
        int pos;
        bool expect;
    } t[] = {
        { 0x0, 0, 0, true }, { 0x0, 3, 0, true }, { 0x0, 6, 0, true },
        { 0x1, 0, 0, true }, { 0x1, 3, 1, true }, { 0x1, 6, 1, true },
        { 0x2, 0, 0, true }, { 0x2, 3, 3, true }, { 0x2, 6, 3, true },
        { 0x3, 0, 0, true }, { 0x3, 3, 7, true }, { 0x3, 6, 7, true },
        { 0x4, 0, 0, true }, { 0x4, 3, 15, true }, { 0x4, 6, 15, true },
        { 0x8, 0, 0, true }, { 0x8, 3, 2, true }, { 0x8, 6, 2, true },
        { 0x9, 0, 0, true }, { 0x9, 3, 5, true }, { 0x9, 6, 5, true },
        { 0xA, 0, 0, true }, { 0xA, 3, 11, true }, { 0xA, 6, 11, true },
        { 0x5, 0, 0, false }, { 0x7, 0, 0, false }, { 0xB, 0, 0, false },
        { 0xFF, 0, 0, false }, { 0x1, 7, 0, false }, { 0x2, 0x10, 0, false },
        { 0x3, 0xFFFF, 0, false }, { 0x1, 0, -1, false }, { 0x1, 0, 2, false },
        { 0x2, 0, 4, false }, { 0x3, 0, 8, false }, { 0x4, 0, 16, false },
        { 0x8, 0, 3, false }, { 0x9, 0, 6, false }, { 0xA, 0, 12, false },
    };

    for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
        unsigned ways = 0;
        bool ok = t[i].eig <= UINT8_MAX &&
                  cxl_interleave_valid(t[i].eiw, t[i].eig) &&
                  cxl_iw_to_ways(t[i].eiw, &ways) &&
                  t[i].pos >= 0 && (unsigned)t[i].pos < ways;
        g_assert_cmpint(ok, ==, t[i].expect);
    }
}

/* Worked by hand from the definitions (see the file comment). */
static void test_worked_examples(void)
{
    static const struct {
        unsigned ways;
        unsigned gran;
        uint64_t hpa;
        unsigned pos;
        uint64_t dpa;
    } t[] = {
        /* 1 way: identity */
        { 1, 256, 0x12345, 0, 0x12345 },
        /* 2 ways, 256 B: granule 2 -> position 0, device granule 1 */
        { 2, 256, 0x000, 0, 0x000 },
        { 2, 256, 0x100, 1, 0x000 },
        { 2, 256, 0x2a5, 0, 0x1a5 },
        { 2, 256, 0x3ff, 1, 0x1ff },
        /* 4 ways, 1 KiB: granule 7 -> position 3, device granule 1 */
        { 4, 1024, 0x1c00, 3, 0x400 },
        { 4, 1024, 0x2fff, 3, 0xbff },
        /* 8 ways, 256 B: granule 0x123 -> position 3, device granule 0x24 */
        { 8, 256, 0x12345, 3, 0x2445 },
        /* 16 ways, 16 KiB: granule 31 -> position 15, device granule 1 */
        { 16, 16384, 0x7c000, 15, 0x4000 },
        /* 3 ways, 256 B: granule 5 -> 5 % 3 = 2, 5 / 3 = 1 */
        { 3, 256, 0x500, 2, 0x100 },
        { 3, 256, 0x6ff, 0, 0x2ff },
        { 3, 256, 0x2ff, 2, 0x0ff },
        /* 6 ways, 512 B: granule 13 -> 13 % 6 = 1, 13 / 6 = 2 */
        { 6, 512, 0x1a00, 1, 0x400 },
        { 6, 512, 0x1bff, 1, 0x5ff },
        /* 12 ways, 4 KiB: granule 25 -> 25 % 12 = 1, 25 / 12 = 2 */
        { 12, 4096, 0x19123, 1, 0x2123 },
        /* 12 ways, 256 B, high: granule 0x1000000 = 16777216 -> % 12 = 4 */
        { 12, 256, 0x100000000ull, 4, (16777216ull / 12) << 8 },
    };

    for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
        uint8_t eiw, eig;

        g_assert_true(cxl_ways_to_iw(t[i].ways, &eiw));
        g_assert_true(cxl_bytes_to_ig(t[i].gran, &eig));
        g_assert_cmpuint(cxl_interleave_position(t[i].hpa, eiw, eig), ==, t[i].pos);
        g_assert_cmphex(cxl_interleave_dpa_offset(t[i].hpa, eiw, eig), ==, t[i].dpa);
        g_assert_cmphex(cxl_interleave_hpa_offset(t[i].dpa, t[i].pos, eiw, eig),
                        ==, t[i].hpa);
    }
}

/*
 * Every ways/granularity combination: walking HPA offsets over a span of
 * granules visits each (position, DPA) pair exactly once, fills each
 * device's DPA range without holes, and inverts.
 */
static void test_bijection_all_combinations(void)
{
    for (size_t w = 0; w < ARRAY_SIZE(valid_iw); w++) {
        for (uint8_t eig = 0; eig <= CXL_IG_MAX_ENCODED; eig++) {
            uint8_t eiw = valid_iw[w];
            unsigned ways;
            uint64_t gran;
            const unsigned granules_per_dev = 8;
            uint64_t *next;

            g_assert_true(cxl_iw_to_ways(eiw, &ways));
            g_assert_true(cxl_ig_to_bytes(eig, &gran));
            next = g_new0(uint64_t, ways);

            /* Step through the span a granule at a time: DPAs must be dense. */
            for (uint64_t hpa = 0; hpa < gran * ways * granules_per_dev; hpa += gran) {
                unsigned pos = cxl_interleave_position(hpa, eiw, eig);
                uint64_t dpa = cxl_interleave_dpa_offset(hpa, eiw, eig);

                g_assert_cmpuint(pos, <, ways);
                g_assert_cmphex(dpa, ==, next[pos]);
                next[pos] += gran;
                g_assert_cmphex(cxl_interleave_hpa_offset(dpa, pos, eiw, eig), ==, hpa);
                /* every byte of the granule follows its first byte */
                g_assert_cmpuint(cxl_interleave_position(hpa + gran - 1, eiw, eig), ==, pos);
                g_assert_cmphex(cxl_interleave_dpa_offset(hpa + gran - 1, eiw, eig),
                                ==, dpa + gran - 1);
            }
            for (unsigned p = 0; p < ways; p++) {
                g_assert_cmphex(next[p], ==, gran * granules_per_dev);
            }
            g_free(next);
        }
    }
}

/* DPA -> HPA -> DPA round trips for random DPAs and positions. */
static void test_random_round_trips(void)
{
    GRand *r = g_rand_new_with_seed(0xc0ffee);

    for (int i = 0; i < 100000; i++) {
        uint8_t eiw = valid_iw[g_rand_int_range(r, 0, ARRAY_SIZE(valid_iw))];
        uint8_t eig = g_rand_int_range(r, 0, CXL_IG_MAX_ENCODED + 1);
        unsigned ways, pos;
        uint64_t dpa, hpa;

        g_assert_true(cxl_iw_to_ways(eiw, &ways));
        pos = g_rand_int_range(r, 0, ways);
        /* DPAs up to 2^40: HPA offsets stay below 2^52 as in the spec */
        dpa = (((uint64_t)g_rand_int(r) << 32) | g_rand_int(r)) >> 24;
        hpa = cxl_interleave_hpa_offset(dpa, pos, eiw, eig);
        g_assert_cmpuint(cxl_interleave_position(hpa, eiw, eig), ==, pos);
        g_assert_cmphex(cxl_interleave_dpa_offset(hpa, eiw, eig), ==, dpa);
    }
    g_rand_free(r);
}

/* The XOR maps of Linux's cxl_translate.c. */
static const uint64_t linux_xormaps[] = { 0x2020900, 0x4041200, 0x1010400, 0x800 };

static void test_xor(void)
{
    /* map 0 = bits 8, 11, 17, 25: bit 8 becomes their parity */
    g_assert_cmphex(cxl_xor_fold(0x100, linux_xormaps, 1), ==, 0x100);
    g_assert_cmphex(cxl_xor_fold(0x800, linux_xormaps, 1), ==, 0x900);
    g_assert_cmphex(cxl_xor_fold(0x20000, linux_xormaps, 1), ==, 0x20100);
    g_assert_cmphex(cxl_xor_fold(0x20100, linux_xormaps, 1), ==, 0x20000);
    g_assert_cmphex(cxl_xor_fold(0x2020900, linux_xormaps, 1), ==, 0x2020800);
    /* map 1 = bits 9, 12, 18, 26: bit 9 becomes their parity */
    g_assert_cmphex(cxl_xor_fold(0x1000, linux_xormaps, 2), ==, 0x1200);
    g_assert_cmphex(cxl_xor_fold(0x41000, linux_xormaps, 2), ==, 0x41000);
    /* zero maps are skipped */
    g_assert_cmphex(cxl_xor_fold(0x800, (const uint64_t[]){ 0, 0 }, 2), ==, 0x800);

    /* maps used per host-bridge way count (Linux hbiw_to_nr_maps) */
    static const unsigned nr[17] = {
        [1] = 0, [2] = 1, [3] = 0, [4] = 2, [6] = 1, [8] = 3, [12] = 2, [16] = 4
    };
    for (unsigned w = 1; w <= 16; w++) {
        uint8_t eiw;
        if (cxl_ways_to_iw(w, &eiw)) {
            g_assert_cmpuint(cxl_xor_maps_for_ways(w), ==, nr[w]);
        }
    }

    /* self-inverse, and a bijection on addresses */
    GRand *r = g_rand_new_with_seed(42);
    for (int i = 0; i < 10000; i++) {
        uint64_t a = (((uint64_t)g_rand_int(r) << 32) | g_rand_int(r)) >> 12;
        uint64_t b = cxl_xor_fold(a, linux_xormaps, 4);
        g_assert_cmphex(cxl_xor_fold(b, linux_xormaps, 4), ==, a);
        /* only the maps' lowest bits may change */
        g_assert_cmphex(a ^ b, ==, (a ^ b) & (0x100 | 0x200 | 0x400 | 0x800));
    }
    g_rand_free(r);

    /*
     * XOR with modulo: with 4 host bridges at 256 B, the folded address picks
     * the target; every target still gets one granule in four.
     */
    unsigned count[4] = { 0 };
    for (uint64_t hpa = 0; hpa < 0x10000000; hpa += 0x100) {
        uint64_t folded = cxl_xor_fold(hpa, linux_xormaps, 2);
        count[cxl_interleave_position(folded, 2, 0)]++;
    }
    for (int t = 0; t < 4; t++) {
        g_assert_cmpuint(count[t], ==, 0x10000000 / 0x100 / 4);
    }
}

/*
 * The maps our platform publishes in CXIMS: for each granularity, map i's
 * lowest set bit is the i-th position bit (what Linux's cxl_do_xormap_calc()
 * replaces), the maps share no bit, and folding twice gives the address
 * back; a fold spreads the position bits over every host bridge.
 */
static void test_xor_platform_maps(void)
{
    for (uint8_t eig = 0; eig <= CXL_IG_MAX_ENCODED; eig++) {
        uint64_t maps[CXL_XOR_MAX_MAPS], gran;
        unsigned g;

        g_assert_true(cxl_ig_to_bytes(eig, &gran));
        g = ctz64(gran);
        cxl_xor_platform_maps(eig, maps);
        for (unsigned i = 0; i < CXL_XOR_MAX_MAPS; i++) {
            g_assert_cmpuint(ctz64(maps[i]), ==, g + i);
            g_assert_cmpuint(ctpop64(maps[i]), >=, 2);
            for (unsigned j = 0; j < i; j++) {
                g_assert_cmphex(maps[i] & maps[j], ==, 0);
            }
        }
        for (unsigned ways = 2; ways <= 16; ways *= 2) {
            unsigned n = cxl_xor_maps_for_ways(ways);
            unsigned hits[16] = { 0 };

            /* every 2^(g+5) block of one position goes to every target */
            for (uint64_t k = 0; k < 64; k++) {
                uint64_t a = k << (g + 5);
                uint64_t f = cxl_xor_fold(a, maps, n);

                g_assert_cmphex(cxl_xor_fold(f, maps, n), ==, a);
                hits[(f >> g) & (ways - 1)]++;
            }
            for (unsigned p = 0; p < ways; p++) {
                g_assert_cmpuint(hits[p], >, 0);
            }
        }
    }
}

/*
 * cxl_interleave_block_bits(): inside each aligned block it gives, every
 * address has the position of the block's start, for every way count and
 * granularity, with modulo and with XOR arithmetic (the platform maps);
 * with the platform's maps, which start at the granule, a block is the
 * granule.
 */
static void test_block_bits(void)
{
    static const unsigned ways[] = { 2, 3, 4, 6, 8, 12, 16 };
    GRand *g = g_rand_new_with_seed(11);

    for (uint8_t eig = 0; eig <= CXL_IG_MAX_ENCODED; eig++) {
        uint64_t maps[CXL_XOR_MAX_MAPS];

        cxl_xor_platform_maps(eig, maps);
        for (unsigned w = 0; w < ARRAY_SIZE(ways); w++) {
            uint8_t eiw;
            bool pow2 = is_power_of_2(ways[w]);
            unsigned n = pow2 ? cxl_xor_maps_for_ways(ways[w]) : 0;

            g_assert_true(cxl_ways_to_iw(ways[w], &eiw));
            for (unsigned xor = 0; xor <= pow2; xor++) {
                unsigned bits = cxl_interleave_block_bits(eig, maps,
                                                          xor ? n : 0);

                for (unsigned i = 0; i < 200; i++) {
                    uint64_t a = (uint64_t)g_rand_int(g) << 20 ^
                                 g_rand_int(g);
                    uint64_t lo = a & ~MAKE_64BIT_MASK(0, bits);
                    uint64_t x = lo + (g_rand_int(g) &
                                       MAKE_64BIT_MASK(0, bits));
                    uint64_t fl = xor ? cxl_xor_fold(lo, maps, n) : lo;
                    uint64_t fx = xor ? cxl_xor_fold(x, maps, n) : x;

                    g_assert_cmpuint(cxl_interleave_position(fx, eiw, eig), ==,
                                     cxl_interleave_position(fl, eiw, eig));
                }
                /* not finer than needed: the granule itself */
                g_assert_cmpuint(bits, ==, CXL_IG_BITS(eig));
            }
        }
    }
    g_rand_free(g);
}

/* Vectors from Linux's cxl_calculate_*() and cxl_do_xormap_calc(). */
static void test_linux_vectors(void)
{
    const char *path = g_getenv("CXL_LINUX_VECTORS");
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    unsigned modulo = 0, xor = 0;

    if (!path) {
        g_test_skip("CXL_LINUX_VECTORS not set");
        return;
    }
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        unsigned eiw, eig, pos, hbiw;
        unsigned long long dpa, hpa, addr, folded;

        if (sscanf(*l, "M %u %u %u %llu %llu", &eiw, &eig, &pos, &dpa, &hpa) == 5) {
            g_assert_cmphex(cxl_interleave_hpa_offset(dpa, pos, eiw, eig), ==, hpa);
            g_assert_cmphex(cxl_interleave_dpa_offset(hpa, eiw, eig), ==, dpa);
            g_assert_cmpuint(cxl_interleave_position(hpa, eiw, eig), ==, pos);
            modulo++;
        } else if (sscanf(*l, "X %u %llu %llu", &hbiw, &addr, &folded) == 3) {
            g_assert_cmphex(cxl_xor_fold(addr, linux_xormaps,
                                         cxl_xor_maps_for_ways(hbiw)), ==, folded);
            xor++;
        } else {
            g_assert_cmpstr(*l, ==, "");
        }
    }
    /* every ways/granularity pair and every host-bridge way count */
    g_assert_cmpuint(modulo, >=, ARRAY_SIZE(valid_iw) * 7);
    g_assert_cmpuint(xor, >=, ARRAY_SIZE(valid_iw));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cxl/interleave/encodings", test_encodings);
    g_test_add_func("/cxl/interleave/linux-param-table", test_linux_param_table);
    g_test_add_func("/cxl/interleave/worked-examples", test_worked_examples);
    g_test_add_func("/cxl/interleave/bijection", test_bijection_all_combinations);
    g_test_add_func("/cxl/interleave/round-trips", test_random_round_trips);
    g_test_add_func("/cxl/interleave/xor", test_xor);
    g_test_add_func("/cxl/interleave/xor-platform-maps", test_xor_platform_maps);
    g_test_add_func("/cxl/interleave/linux-vectors", test_linux_vectors);
    g_test_add_func("/cxl/interleave/block-bits", test_block_bits);
    return g_test_run();
}
