/*
 * Unit tests for the CXL HDM decoder model (hw/cxl/cxl-hdm.c): capability
 * encodings, commit validation and decode.
 *
 * Expectations: the decoder count encoding is Linux's
 * cxl_hdm_decoder_count() (drivers/cxl/cxl.h); the commit rules and decode
 * results are worked by hand from the rules in the file comment of
 * cxl-hdm.c (CXL r3.1 8.2.4.20).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "hw/cxl/cxl-hdm.h"

static void test_count_encoding(void)
{
    /* Linux cxl_hdm_decoder_count(): 0 -> 1, 1..8 -> 2n, 9..12 -> (n-4)*4 */
    static const struct { uint8_t field; unsigned n; } t[] = {
        { 0, 1 }, { 1, 2 }, { 2, 4 }, { 3, 6 }, { 4, 8 }, { 5, 10 }, { 6, 12 },
        { 7, 14 }, { 8, 16 }, { 9, 20 }, { 10, 24 }, { 11, 28 }, { 12, 32 },
    };
    unsigned n;
    uint8_t f;

    for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
        g_assert_true(cxl_hdm_count_decode(t[i].field, &n));
        g_assert_cmpuint(n, ==, t[i].n);
        g_assert_true(cxl_hdm_count_encode(t[i].n, &f));
        g_assert_cmpuint(f, ==, t[i].field);
    }
    for (uint8_t bad = 13; bad < 16; bad++) {
        g_assert_false(cxl_hdm_count_decode(bad, &n));
    }
    g_assert_false(cxl_hdm_count_encode(0, &f));
    g_assert_false(cxl_hdm_count_encode(3, &f));
    g_assert_false(cxl_hdm_count_encode(18, &f));
    g_assert_false(cxl_hdm_count_encode(36, &f));
}

static CXLHDMDecoderSet *endpoint(uint64_t capacity)
{
    CXLHDMDecoderSet *s = g_new0(CXLHDMDecoderSet, 1);

    s->caps = (CXLHDMCaps) {
        .kind = CXL_HDM_ENDPOINT, .nr_decoders = 4, .iw_3_6_12 = true,
        .iw_16 = true, .dpa_size = capacity,
    };
    s->enabled = true;
    return s;
}

static CXLHDMDecoderSet *switch_port(unsigned targets, bool iw3)
{
    CXLHDMDecoderSet *s = g_new0(CXLHDMDecoderSet, 1);

    s->caps = (CXLHDMCaps) {
        .kind = CXL_HDM_SWITCH, .nr_decoders = 4, .nr_targets = targets,
        .iw_3_6_12 = iw3, .iw_16 = false,
    };
    s->enabled = true;
    return s;
}

static void program(CXLHDMDecoderSet *s, unsigned i, uint64_t base,
                    uint64_t size, unsigned ways, unsigned gran)
{
    g_assert_true(cxl_ways_to_iw(ways, &s->dec[i].eiw));
    g_assert_true(cxl_bytes_to_ig(gran, &s->dec[i].eig));
    s->dec[i].base = base;
    s->dec[i].size = size;
}

static void expect_commit_error(CXLHDMDecoderSet *s, unsigned i, const char *part)
{
    const char *why = NULL;

    g_assert_false(cxl_hdm_commit(s, i, &why));
    g_assert_nonnull(why);
    g_assert_nonnull(strstr(why, part));
    g_assert_true(s->dec[i].commit_error);
    g_assert_false(s->dec[i].committed);
}

static void expect_commit(CXLHDMDecoderSet *s, unsigned i)
{
    const char *why = NULL;

    if (!cxl_hdm_commit(s, i, &why)) {
        g_error("decoder %u did not commit: %s", i, why);
    }
    g_assert_true(s->dec[i].committed);
    g_assert_false(s->dec[i].commit_error);
}

static void test_commit_rules_endpoint(void)
{
    g_autofree CXLHDMDecoderSet *s = endpoint(1 * GiB);

    /* out of order */
    program(s, 1, 8 * GiB, 256 * MiB, 1, 256);
    expect_commit_error(s, 1, "previous decoder is not committed");
    /* misaligned */
    program(s, 0, 4 * GiB + 4096, 256 * MiB, 1, 256);
    expect_commit_error(s, 0, "256 MiB aligned");
    /* wraps */
    program(s, 0, UINT64_MAX - 256 * MiB + 1 - 255 * MiB, 512 * MiB, 1, 256);
    s->dec[0].base &= ~(CXL_HDM_ALIGN - 1);
    expect_commit_error(s, 0, "wraps");
    /* reserved ways encoding */
    program(s, 0, 4 * GiB, 256 * MiB, 1, 256);
    s->dec[0].eiw = 5;
    expect_commit_error(s, 0, "reserved interleave ways");
    /* reserved granularity */
    program(s, 0, 4 * GiB, 256 * MiB, 1, 256);
    s->dec[0].eig = 7;
    expect_commit_error(s, 0, "reserved interleave granularity");
    /* 2-way needs 2 x 256 MiB */
    program(s, 0, 4 * GiB, 256 * MiB, 2, 256);
    expect_commit_error(s, 0, "share of the range");
    /* more DPA than the device has: 1 GiB device, 2 GiB 1-way */
    program(s, 0, 4 * GiB, 2 * GiB, 1, 256);
    expect_commit_error(s, 0, "capacity");
    /* skip misaligned */
    program(s, 0, 4 * GiB, 256 * MiB, 1, 256);
    s->dec[0].dpa_skip = 4096;
    expect_commit_error(s, 0, "DPA skip");
    s->dec[0].dpa_skip = 0;

    /* good: 2-way 512 MiB -> 256 MiB of DPA */
    program(s, 0, 4 * GiB, 512 * MiB, 2, 4096);
    expect_commit(s, 0);
    g_assert_true(cxl_hdm_commit(s, 0, &(const char *){ NULL })); /* idempotent */

    /* decoder 1: overlaps decoder 0's range */
    program(s, 1, 4 * GiB + 256 * MiB, 256 * MiB, 1, 256);
    expect_commit_error(s, 1, "below the end of the previous");
    /* decoder 1 after a 256 MiB skip: 256 + 256 + 768 > 1 GiB */
    program(s, 1, 8 * GiB, 768 * MiB, 1, 256);
    s->dec[1].dpa_skip = 256 * MiB;
    expect_commit_error(s, 1, "capacity");
    /* exactly fits: 256 + 256 + 512 = 1 GiB */
    program(s, 1, 8 * GiB, 512 * MiB, 1, 256);
    expect_commit(s, 1);
    g_assert_cmphex(cxl_hdm_dpa_base(s, 1), ==, 512 * MiB);
}

static void test_commit_rules_switch(void)
{
    g_autofree CXLHDMDecoderSet *s = switch_port(2, false);

    program(s, 0, 4 * GiB, 1 * GiB, 4, 256);
    expect_commit_error(s, 0, "more interleave ways than target");
    program(s, 0, 4 * GiB, 768 * MiB, 3, 256);
    expect_commit_error(s, 0, "3, 6 and 12-way");
    program(s, 0, 4 * GiB, 1 * GiB, 2, 256);
    expect_commit(s, 0);

    g_autofree CXLHDMDecoderSet *s3 = switch_port(8, true);
    program(s3, 0, 4 * GiB, 768 * MiB, 3, 256);
    expect_commit(s3, 0);
    program(s3, 1, 8 * GiB, 4 * GiB, 16, 256);
    expect_commit_error(s3, 1, "16-way interleave not supported");
}

static void test_lock(void)
{
    g_autofree CXLHDMDecoderSet *s = endpoint(1 * GiB);

    program(s, 0, 4 * GiB, 256 * MiB, 1, 256);
    s->dec[0].lock_on_commit = true;
    expect_commit(s, 0);
    g_assert_false(cxl_hdm_uncommit(s, 0));
    g_assert_true(s->dec[0].committed);

    program(s, 1, 8 * GiB, 256 * MiB, 1, 256);
    expect_commit(s, 1);
    g_assert_true(cxl_hdm_uncommit(s, 1));
    g_assert_false(s->dec[1].committed);
    g_assert_false(cxl_hdm_uncommit(s, 7));     /* no such decoder */
}

/*
 * A decoder committed with size 0 (as firmware locks unused ones): it
 * commits, decodes nothing, takes no DPA, and the next decoder commits at
 * its base, not below it. At both kinds of component.
 */
static void test_zero_size(void)
{
    g_autofree CXLHDMDecoderSet *ep = endpoint(1 * GiB);
    g_autofree CXLHDMDecoderSet *sw = switch_port(4, false);
    uint8_t t = 0xff;
    uint64_t dpa = 0;

    /* endpoint: region, empty decoder at its end, region */
    program(ep, 0, 4 * GiB, 256 * MiB, 1, 256);
    expect_commit(ep, 0);
    program(ep, 1, 4 * GiB + 256 * MiB, 0, 1, 256);
    ep->dec[1].lock_on_commit = true;
    expect_commit(ep, 1);
    g_assert_false(cxl_hdm_uncommit(ep, 1));
    g_assert_cmpuint(cxl_hdm_dpa_len(ep, 1), ==, 0);
    program(ep, 2, 4 * GiB, 256 * MiB, 1, 256);
    expect_commit_error(ep, 2, "below the end of the previous");
    ep->dec[2].commit_error = false;
    program(ep, 2, 4 * GiB + 256 * MiB, 512 * MiB, 2, 256);
    expect_commit(ep, 2);
    g_assert_cmpuint(cxl_hdm_dpa_base(ep, 2), ==, 256 * MiB);
    /* the empty decoder's base decodes through decoder 2 */
    g_assert_cmpint(cxl_hdm_decode(ep, 4 * GiB + 256 * MiB, &t, &dpa), ==, 2);
    g_assert_cmphex(dpa, ==, 256 * MiB);
    /* the full device takes one more empty decoder */
    program(ep, 3, 5 * GiB, 0, 1, 256);
    expect_commit(ep, 3);
    g_assert_cmpint(cxl_hdm_decode(ep, 5 * GiB, &t, &dpa), ==, -1);

    /* switch: the only decoder is empty: nothing decodes */
    sw->dec[0].targets[0] = 3;
    program(sw, 0, 4 * GiB, 0, 1, 256);
    expect_commit(sw, 0);
    g_assert_cmpint(cxl_hdm_decode(sw, 4 * GiB, &t, &dpa), ==, -1);
    g_assert_cmpint(cxl_hdm_decode(sw, 4 * GiB - 1, &t, &dpa), ==, -1);
    program(sw, 1, 4 * GiB, 256 * MiB, 1, 256);
    expect_commit(sw, 1);
    g_assert_cmpint(cxl_hdm_decode(sw, 4 * GiB, &t, &dpa), ==, 1);
}

static void test_decode_switch(void)
{
    g_autofree CXLHDMDecoderSet *s = switch_port(4, true);
    uint8_t t = 0xff;
    uint64_t dpa;

    s->dec[0].targets[0] = 7;
    s->dec[0].targets[1] = 3;
    s->dec[0].targets[2] = 5;
    program(s, 0, 4 * GiB, 768 * MiB, 3, 1024);
    expect_commit(s, 0);

    /* granule (1 KiB) 0 -> target 0, 1 -> 1, 2 -> 2, 3 -> 0 */
    g_assert_cmpint(cxl_hdm_decode(s, 4 * GiB, &t, &dpa), ==, 0);
    g_assert_cmpuint(t, ==, 7);
    g_assert_cmpint(cxl_hdm_decode(s, 4 * GiB + 0x7ff, &t, &dpa), ==, 0);
    g_assert_cmpuint(t, ==, 3);
    g_assert_cmpint(cxl_hdm_decode(s, 4 * GiB + 0xa00, &t, &dpa), ==, 0);
    g_assert_cmpuint(t, ==, 5);
    g_assert_cmpint(cxl_hdm_decode(s, 4 * GiB + 0xc00, &t, &dpa), ==, 0);
    g_assert_cmpuint(t, ==, 7);
    /* outside */
    g_assert_cmpint(cxl_hdm_decode(s, 4 * GiB - 1, &t, &dpa), ==, -1);
    g_assert_cmpint(cxl_hdm_decode(s, 4 * GiB + 768 * MiB, &t, &dpa), ==, -1);
    /* HDM Decoder Enable does not apply to switch and host bridge ports */
    s->enabled = false;
    g_assert_cmpint(cxl_hdm_decode(s, 4 * GiB + 0xc00, &t, &dpa), ==, 0);
    g_assert_cmpuint(t, ==, 7);
}

static void test_decode_endpoint(void)
{
    g_autofree CXLHDMDecoderSet *s = endpoint(2 * GiB);
    uint8_t t;
    uint64_t dpa = 0;

    /* decoder 0: 4-way at 256 B over 1 GiB -> 256 MiB of DPA at 0 */
    program(s, 0, 16 * GiB, 1 * GiB, 4, 256);
    expect_commit(s, 0);
    /* decoder 1: 256 MiB skip, then 1-way 512 MiB -> DPA 512M..1G */
    program(s, 1, 32 * GiB, 512 * MiB, 1, 256);
    s->dec[1].dpa_skip = 256 * MiB;
    expect_commit(s, 1);

    /* HPA offset 0x1234 in a 4-way/256 B set: granule 0x12 -> DPA granule 4 */
    g_assert_cmpint(cxl_hdm_decode(s, 16 * GiB + 0x1234, &t, &dpa), ==, 0);
    g_assert_cmphex(dpa, ==, 0x434);
    g_assert_cmpint(cxl_hdm_decode(s, 32 * GiB + 0x1234, &t, &dpa), ==, 1);
    g_assert_cmphex(dpa, ==, 512 * MiB + 0x1234);
    g_assert_cmpint(cxl_hdm_decode(s, 32 * GiB + 512 * MiB, &t, &dpa), ==, -1);

    /* an uncommitted decoder does not decode */
    g_assert_true(cxl_hdm_uncommit(s, 1));
    g_assert_cmpint(cxl_hdm_decode(s, 32 * GiB, &t, &dpa), ==, -1);
}

/*
 * The extent of a decode (what the fast path maps from): for every
 * interleave a decoder can hold, random addresses' extents hold the
 * address, lie inside the claim, and every address sampled in them
 * decodes to the same target (switch) or at the linear DPA (endpoint);
 * just outside an interleaved extent, that no longer holds.
 */
static void test_extent(void)
{
    static const unsigned ways[] = { 1, 2, 3, 4, 6, 8, 12, 16 };
    GRand *g = g_rand_new_with_seed(7);

    for (unsigned w = 0; w < ARRAY_SIZE(ways); w++) {
        for (unsigned gran = 256; gran <= 16 * KiB; gran *= 2) {
            g_autofree CXLHDMDecoderSet *ep = endpoint(4 * GiB);
            g_autofree CXLHDMDecoderSet *sw = switch_port(16, true);
            uint64_t base = 64 * GiB, size = ways[w] * 256 * MiB;

            sw->caps.iw_16 = true;
            program(ep, 0, base, size, ways[w], gran);
            expect_commit(ep, 0);
            program(sw, 0, base, size, ways[w], gran);
            for (unsigned t = 0; t < ways[w]; t++) {
                sw->dec[0].targets[t] = t;
            }
            expect_commit(sw, 0);

            for (unsigned i = 0; i < 50; i++) {
                uint64_t hpa = base + ((uint64_t)g_rand_int(g) << 8 |
                                       g_rand_int_range(g, 0, 256)) % size;
                CXLExtent e, es;
                uint64_t dpa, d;
                uint8_t t, t0;

                cxl_extent_init(&e, 0, UINT64_MAX);
                cxl_extent_init(&es, 0, UINT64_MAX);
                g_assert_cmpint(cxl_hdm_decode(ep, hpa, NULL, &dpa), ==, 0);
                cxl_extent_clip_decoder(&e, &ep->dec[0], hpa);
                g_assert_cmpint(cxl_hdm_decode(sw, hpa, &t0, NULL), ==, 0);
                cxl_extent_clip_decoder(&es, &sw->dec[0], hpa);
                g_assert_true(e.lo <= hpa && hpa < e.hi);
                g_assert_cmphex(e.claim_lo, ==, base);
                g_assert_cmphex(e.claim_hi, ==, base + size);
                g_assert_true(e.lo >= e.claim_lo && e.hi <= e.claim_hi);
                /* the ends and random addresses inside */
                for (unsigned k = 0; k < 34; k++) {
                    uint64_t x = k == 0 ? e.lo : k == 1 ? e.hi - 1 :
                        e.lo + ((uint64_t)g_rand_int(g) << 12 |
                                g_rand_int_range(g, 0, 4096)) % (e.hi - e.lo);

                    g_assert_cmpint(cxl_hdm_decode(ep, x, NULL, &d), ==, 0);
                    g_assert_cmphex(d, ==, dpa + (x - hpa));
                    g_assert_cmpint(cxl_hdm_decode(sw, x, &t, NULL), ==, 0);
                    g_assert_cmpuint(t, ==, t0);
                }
                g_assert_cmphex(es.lo, ==, e.lo);
                g_assert_cmphex(es.hi, ==, e.hi);
                /* the extent of an interleave is no larger than it can be */
                if (ways[w] > 1 && e.hi < base + size) {
                    g_assert_cmpint(cxl_hdm_decode(sw, e.hi, &t, NULL), ==, 0);
                    g_assert_cmpuint(t, !=, t0);
                }
            }
        }
    }
    g_rand_free(g);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cxl/hdm/count-encoding", test_count_encoding);
    g_test_add_func("/cxl/hdm/commit-rules-endpoint", test_commit_rules_endpoint);
    g_test_add_func("/cxl/hdm/commit-rules-switch", test_commit_rules_switch);
    g_test_add_func("/cxl/hdm/lock", test_lock);
    g_test_add_func("/cxl/hdm/zero-size", test_zero_size);
    g_test_add_func("/cxl/hdm/decode-switch", test_decode_switch);
    g_test_add_func("/cxl/hdm/decode-endpoint", test_decode_endpoint);
    g_test_add_func("/cxl/hdm/extent", test_extent);
    return g_test_run();
}
