/*
 * Unit tests for the dynamic capacity extent store (hw/cxl/cxl-dc.c):
 * range checks against a region, overlap of lists, containment, split on
 * partial removal, the extent limit, tags and offers (batches).
 *
 * Expectations are worked by hand from the rules in
 * include/hw/cxl/cxl-dc.h.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "hw/cxl/cxl-dc.h"

#define BASE        (1 * GiB)
#define BLOCK       (2 * MiB)

static const CXLDCRegion regions[2] = {
    { .base = BASE, .decode_len = 256 * MiB, .len = 256 * MiB,
      .block_size = BLOCK },
    { .base = BASE + 256 * MiB, .decode_len = 256 * MiB, .len = 256 * MiB,
      .block_size = BLOCK },
};

static CXLDCExtent ext(uint64_t dpa, uint64_t len, CXLDCExtentState state,
                       uint32_t batch)
{
    return (CXLDCExtent) { .dpa = dpa, .len = len, .state = state,
                           .batch = batch };
}

static void test_check_range(void)
{
    const CXLDCRegion *r = &regions[0];

    g_assert_cmpint(cxl_dc_check_range(r, BASE, BLOCK), ==, CXL_DC_RANGE_OK);
    g_assert_cmpint(cxl_dc_check_range(r, BASE + 254 * MiB, BLOCK), ==,
                    CXL_DC_RANGE_OK);
    g_assert_cmpint(cxl_dc_check_range(r, BASE, 256 * MiB), ==,
                    CXL_DC_RANGE_OK);
    g_assert_cmpint(cxl_dc_check_range(r, BASE, 0), ==,
                    CXL_DC_RANGE_ZERO_LEN);
    g_assert_cmpint(cxl_dc_check_range(r, BASE + 1 * MiB, BLOCK), ==,
                    CXL_DC_RANGE_UNALIGNED);
    g_assert_cmpint(cxl_dc_check_range(r, BASE, BLOCK + 4096), ==,
                    CXL_DC_RANGE_UNALIGNED);
    g_assert_cmpint(cxl_dc_check_range(r, BASE - BLOCK, BLOCK), ==,
                    CXL_DC_RANGE_OUT_OF_REGION);
    g_assert_cmpint(cxl_dc_check_range(r, BASE + 256 * MiB, BLOCK), ==,
                    CXL_DC_RANGE_OUT_OF_REGION);
    g_assert_cmpint(cxl_dc_check_range(r, BASE + 254 * MiB, 2 * BLOCK), ==,
                    CXL_DC_RANGE_OUT_OF_REGION);
    /* wraps around */
    g_assert_cmpint(cxl_dc_check_range(r, BASE, UINT64_MAX - BLOCK + 1), ==,
                    CXL_DC_RANGE_OUT_OF_REGION);

    g_assert_cmpint(cxl_dc_region_of(regions, 2, BASE, BLOCK), ==, 0);
    g_assert_cmpint(cxl_dc_region_of(regions, 2, BASE + 256 * MiB, BLOCK),
                    ==, 1);
    /* across the two regions: neither holds it */
    g_assert_cmpint(cxl_dc_region_of(regions, 2, BASE + 254 * MiB,
                                     2 * BLOCK), ==, -1);
    g_assert_cmpint(cxl_dc_region_of(regions, 2, 0, BLOCK), ==, -1);
    g_assert_cmpint(cxl_dc_region_of(regions, 2, BASE, 0), ==, -1);
}

static void test_ranges_overlap(void)
{
    uint64_t dpa[3] = { 0, 4 * MiB, 2 * MiB };
    uint64_t len[3] = { 2 * MiB, 2 * MiB, 2 * MiB };
    unsigned a, b;

    /* adjacent ranges do not overlap */
    g_assert_false(cxl_dc_ranges_overlap(dpa, len, 3, &a, &b));
    len[2] = 3 * MiB;           /* [2, 5) MiB meets [4, 6) */
    g_assert_true(cxl_dc_ranges_overlap(dpa, len, 3, &a, &b));
    g_assert_cmpuint(a, ==, 1);
    g_assert_cmpuint(b, ==, 2);
    dpa[2] = 0;                 /* the same as the first */
    len[2] = 2 * MiB;
    g_assert_true(cxl_dc_ranges_overlap(dpa, len, 3, &a, &b));
    g_assert_cmpuint(a, ==, 0);
    g_assert_cmpuint(b, ==, 2);
    g_assert_false(cxl_dc_ranges_overlap(dpa, len, 1, &a, &b));
}

static void test_store(void)
{
    CXLDCStore s;
    CXLDCExtent e;
    uint64_t lo, hi;
    uint32_t gen, batch;

    cxl_dc_store_init(&s, 4);
    e = ext(BASE + 8 * MiB, 4 * MiB, CXL_DC_ACCEPTED, 1);
    g_assert_true(cxl_dc_insert(&s, &e));
    e = ext(BASE, 2 * MiB, CXL_DC_PENDING, 2);
    g_assert_true(cxl_dc_insert(&s, &e));
    /* sorted by DPA */
    g_assert_cmphex(cxl_dc_at(&s, 0)->dpa, ==, BASE);
    g_assert_cmphex(cxl_dc_at(&s, 1)->dpa, ==, BASE + 8 * MiB);

    g_assert_cmpint(cxl_dc_find_overlap(&s, BASE + 2 * MiB, 6 * MiB), ==, -1);
    g_assert_cmpint(cxl_dc_find_overlap(&s, BASE + 2 * MiB, 8 * MiB), ==, 1);
    g_assert_cmpint(cxl_dc_find_containing(&s, BASE + 10 * MiB, 2 * MiB,
                                           CXL_DC_ACCEPTED), ==, 1);
    g_assert_cmpint(cxl_dc_find_containing(&s, BASE + 10 * MiB, 4 * MiB,
                                           CXL_DC_ACCEPTED), ==, -1);
    g_assert_cmpint(cxl_dc_find_containing(&s, BASE, 2 * MiB,
                                           CXL_DC_ACCEPTED), ==, -1);
    g_assert_cmpint(cxl_dc_find_containing(&s, BASE, 2 * MiB,
                                           CXL_DC_PENDING), ==, 0);
    /* pending capacity is not accessible */
    g_assert_false(cxl_dc_accepted(&s, BASE, 4096));
    g_assert_true(cxl_dc_accepted(&s, BASE + 8 * MiB, 4 * MiB));
    g_assert_false(cxl_dc_accepted(&s, BASE + 8 * MiB, 4 * MiB + 1));

    /* spans: an accepted extent, or the gap around a DPA */
    lo = BASE;
    hi = BASE + 256 * MiB;
    g_assert_true(cxl_dc_span(&s, BASE + 9 * MiB, &lo, &hi));
    g_assert_cmphex(lo, ==, BASE + 8 * MiB);
    g_assert_cmphex(hi, ==, BASE + 12 * MiB);
    lo = BASE;
    hi = BASE + 256 * MiB;
    g_assert_false(cxl_dc_span(&s, BASE + 1 * MiB, &lo, &hi));
    g_assert_cmphex(lo, ==, BASE);
    g_assert_cmphex(hi, ==, BASE + 8 * MiB);
    lo = BASE;
    hi = BASE + 256 * MiB;
    g_assert_false(cxl_dc_span(&s, BASE + 12 * MiB, &lo, &hi));
    g_assert_cmphex(lo, ==, BASE + 12 * MiB);
    g_assert_cmphex(hi, ==, BASE + 256 * MiB);

    /* removing the middle splits; the ends shrink */
    gen = s.generation;
    g_assert_true(cxl_dc_remove_range(&s, 1, BASE + 9 * MiB, 1 * MiB));
    g_assert_cmpuint(cxl_dc_count(&s), ==, 3);
    g_assert_cmpuint(s.generation, !=, gen);
    g_assert_cmphex(cxl_dc_at(&s, 1)->len, ==, 1 * MiB);
    g_assert_cmphex(cxl_dc_at(&s, 2)->dpa, ==, BASE + 10 * MiB);
    g_assert_cmphex(cxl_dc_at(&s, 2)->len, ==, 2 * MiB);
    g_assert_true(cxl_dc_remove_range(&s, 2, BASE + 11 * MiB, 1 * MiB));
    g_assert_cmphex(cxl_dc_at(&s, 2)->len, ==, 1 * MiB);
    g_assert_true(cxl_dc_remove_range(&s, 2, BASE + 10 * MiB, 1 * MiB));
    g_assert_cmpuint(cxl_dc_count(&s), ==, 2);

    /* the limit: a split that needs a fifth extent changes nothing */
    e = ext(BASE + 20 * MiB, 2 * MiB, CXL_DC_ACCEPTED, 1);
    g_assert_true(cxl_dc_insert(&s, &e));
    e = ext(BASE + 30 * MiB, 6 * MiB, CXL_DC_ACCEPTED, 1);
    g_assert_true(cxl_dc_insert(&s, &e));
    g_assert_false(cxl_dc_insert(&s, &e));
    g_assert_false(cxl_dc_remove_range(&s, 3, BASE + 32 * MiB, 2 * MiB));
    g_assert_cmpuint(cxl_dc_count(&s), ==, 4);
    g_assert_cmphex(cxl_dc_at(&s, 3)->len, ==, 6 * MiB);
    g_assert_cmpuint(cxl_dc_count_state(&s, CXL_DC_ACCEPTED), ==, 3);
    g_assert_cmpuint(cxl_dc_count_state(&s, CXL_DC_PENDING), ==, 1);
    g_assert_cmpuint(cxl_dc_count_state(&s, -1), ==, 4);

    /* offers: the oldest with pending extents, dropped as a whole */
    g_assert_true(cxl_dc_oldest_batch(&s, &batch));
    g_assert_cmpuint(batch, ==, 2);
    g_assert_cmpuint(cxl_dc_drop_batch(&s, 1), ==, 0);  /* accepted stay */
    g_assert_cmpuint(cxl_dc_drop_batch(&s, 2), ==, 1);
    g_assert_false(cxl_dc_oldest_batch(&s, &batch));
    g_assert_cmpuint(cxl_dc_count(&s), ==, 3);

    cxl_dc_store_clear(&s);
    g_assert_cmpuint(cxl_dc_count(&s), ==, 0);
    cxl_dc_store_cleanup(&s);
}

static void test_tags(void)
{
    CXLDCStore s;
    CXLDCExtent e;

    cxl_dc_store_init(&s, 16);
    e = ext(0, BLOCK, CXL_DC_ACCEPTED, 1);
    g_assert_true(cxl_dc_insert(&s, &e));           /* untagged */
    g_assert_cmpuint(cxl_dc_count_tags(&s), ==, 0);
    e = ext(BLOCK, BLOCK, CXL_DC_ACCEPTED, 1);
    e.tag[0] = 1;
    g_assert_true(cxl_dc_insert(&s, &e));
    e = ext(2 * BLOCK, BLOCK, CXL_DC_PENDING, 2);
    e.tag[0] = 1;
    g_assert_true(cxl_dc_insert(&s, &e));
    g_assert_cmpuint(cxl_dc_count_tags(&s), ==, 1);
    e = ext(3 * BLOCK, BLOCK, CXL_DC_PENDING, 2);
    e.tag[15] = 7;
    g_assert_true(cxl_dc_insert(&s, &e));
    g_assert_cmpuint(cxl_dc_count_tags(&s), ==, 2);
    cxl_dc_store_cleanup(&s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cxl-dc/check-range", test_check_range);
    g_test_add_func("/cxl-dc/ranges-overlap", test_ranges_overlap);
    g_test_add_func("/cxl-dc/store", test_store);
    g_test_add_func("/cxl-dc/tags", test_tags);
    return g_test_run();
}
