/*
 * Unit tests for the extent table of a multi-headed dynamic capacity
 * device (hw/cxl/cxl-mhd.c): heads taking and giving up extents, shared
 * extents held by two heads, partial acceptance and release (splits and
 * merges), what is freed (to be zeroed), the table's limit and the
 * search of enable shared access.
 *
 * Expectations are worked by hand from the rules in
 * include/hw/cxl/cxl-mhd.h.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "hw/cxl/cxl-mhd.h"

#define M           (1 * MiB)

static const uint8_t tag_a[CXL_DC_TAG_LEN] = { 0xa };
static const uint8_t tag_b[CXL_DC_TAG_LEN] = { 0xb };

static CXLDCExtent ext(uint64_t dpa, uint64_t len, CXLDCExtentState state,
                       const uint8_t *tag, uint16_t seq)
{
    CXLDCExtent e = { .dpa = dpa, .len = len, .state = state,
                      .shared = tag != NULL, .shared_seq = seq };

    if (tag) {
        memcpy(e.tag, tag, sizeof(e.tag));
    }
    return e;
}

/* The table as "dpa+len:pending/accepted,..." (hex, MiB for ranges) */
static char *show(const CXLMHDTable *t)
{
    GString *s = g_string_new("");

    for (unsigned i = 0; i < cxl_mhd_count(t); i++) {
        const CXLMHDEntry *e = cxl_mhd_at(t, i);

        g_string_append_printf(s, "%s%" PRIu64 "+%" PRIu64 ":%x/%x",
                               i ? "," : "", e->dpa / M, e->len / M,
                               e->pending, e->accepted);
    }
    return g_string_free(s, false);
}

static void check(const CXLMHDTable *t, const char *want)
{
    g_autofree char *got = show(t);

    g_assert_cmpstr(got, ==, want);
}

/* The freed ranges as "dpa+len,..." in MiB; emptied */
static void check_freed(GArray *freed, const char *want)
{
    GString *s = g_string_new("");
    g_autofree char *got = NULL;

    for (unsigned i = 0; i + 1 < freed->len; i += 2) {
        g_string_append_printf(s, "%s%" PRIu64 "+%" PRIu64, i ? "," : "",
                               g_array_index(freed, uint64_t, i) / M,
                               g_array_index(freed, uint64_t, i + 1) / M);
    }
    got = g_string_free(s, false);
    g_assert_cmpstr(got, ==, want);
    g_array_set_size(freed, 0);
}

static void test_heads(void)
{
    g_autoptr(GArray) freed = g_array_new(false, false, sizeof(uint64_t));
    CXLDCExtent a[2], b[1];
    CXLMHDTable t;

    cxl_mhd_table_init(&t, 8);
    /* head 0: two pending extents; head 1: one accepted elsewhere */
    a[0] = ext(0, 4 * M, CXL_DC_PENDING, NULL, 0);
    a[1] = ext(8 * M, 2 * M, CXL_DC_PENDING, NULL, 0);
    g_assert_true(cxl_mhd_set_head(&t, 0, a, 2, freed));
    b[0] = ext(16 * M, 2 * M, CXL_DC_ACCEPTED, NULL, 0);
    g_assert_true(cxl_mhd_set_head(&t, 1, b, 1, freed));
    check(&t, "0+4:1/0,8+2:1/0,16+2:0/2");
    check_freed(freed, "");
    g_assert_cmpint(cxl_mhd_find_overlap(&t, 3 * M, 2 * M), ==, 0);
    g_assert_cmpint(cxl_mhd_find_overlap(&t, 4 * M, 4 * M), ==, -1);
    g_assert_cmpint(cxl_mhd_find_overlap(&t, 17 * M, 8 * M), ==, 2);
    g_assert_cmphex(cxl_mhd_holders_of(&t, 0, 32 * M), ==, 3);
    g_assert_cmphex(cxl_mhd_holders_of(&t, 4 * M, 4 * M), ==, 0);

    /* head 0 accepts part of the first (2 MiB at 2 MiB), drops the rest */
    a[0] = ext(2 * M, 2 * M, CXL_DC_ACCEPTED, NULL, 0);
    g_assert_true(cxl_mhd_set_head(&t, 0, a, 1, freed));
    check(&t, "2+2:0/1,16+2:0/2");
    check_freed(freed, "0+2,8+2");

    /* head 1 gives everything up: its range is freed */
    g_assert_true(cxl_mhd_set_head(&t, 1, NULL, 0, freed));
    check(&t, "2+2:0/1");
    check_freed(freed, "16+2");
    /* ... and head 0 */
    g_assert_true(cxl_mhd_set_head(&t, 0, NULL, 0, freed));
    check(&t, "");
    check_freed(freed, "2+2");
    cxl_mhd_table_cleanup(&t);
}

/* A shared extent: two holders; releasing on one keeps it */
static void test_shared(void)
{
    g_autoptr(GArray) freed = g_array_new(false, false, sizeof(uint64_t));
    g_autoptr(GArray) out = g_array_new(false, false, sizeof(CXLMHDEntry));
    CXLDCExtent a[2], b[2];
    CXLMHDTable t;

    cxl_mhd_table_init(&t, 8);
    a[0] = ext(0, 4 * M, CXL_DC_ACCEPTED, tag_a, 0);
    a[1] = ext(4 * M, 4 * M, CXL_DC_ACCEPTED, tag_a, 1);
    g_assert_true(cxl_mhd_set_head(&t, 0, a, 2, freed));
    /* adjacent, same tag, other sequence numbers: two entries */
    check(&t, "0+4:0/1,4+4:0/1");

    /* enable shared access for head 1: both, with tag and sequence */
    g_assert_cmpint(cxl_mhd_shared_find(&t, 1, 0, tag_a, out), ==,
                    CXL_MHD_SHARED_FOUND);
    g_assert_cmpuint(out->len, ==, 2);
    g_assert_cmpuint(g_array_index(out, CXLMHDEntry, 1).dpa, ==, 4 * M);
    g_assert_cmpuint(g_array_index(out, CXLMHDEntry, 1).shared_seq, ==, 1);
    g_array_set_size(out, 0);
    /* other tag, other region, the holder itself: nothing */
    g_assert_cmpint(cxl_mhd_shared_find(&t, 1, 0, tag_b, out), ==,
                    CXL_MHD_SHARED_NONE);
    g_assert_cmpint(cxl_mhd_shared_find(&t, 1, 1, tag_a, out), ==,
                    CXL_MHD_SHARED_NONE);
    g_assert_cmpint(cxl_mhd_shared_find(&t, 0, 0, tag_a, out), ==,
                    CXL_MHD_SHARED_NONE);
    g_assert_cmpuint(out->len, ==, 0);

    /* head 1 gets them pending, then accepts the second only */
    b[0] = ext(0, 4 * M, CXL_DC_PENDING, tag_a, 0);
    b[1] = ext(4 * M, 4 * M, CXL_DC_PENDING, tag_a, 1);
    g_assert_true(cxl_mhd_set_head(&t, 1, b, 2, freed));
    check(&t, "0+4:2/1,4+4:2/1");
    g_assert_cmpint(cxl_mhd_shared_find(&t, 1, 0, tag_a, out), ==,
                    CXL_MHD_SHARED_HELD);
    b[0] = b[1];
    b[0].state = CXL_DC_ACCEPTED;
    g_assert_true(cxl_mhd_set_head(&t, 1, b, 1, freed));
    check(&t, "0+4:0/1,4+4:0/3");
    check_freed(freed, "");
    /* the first is offered again */
    g_assert_cmpint(cxl_mhd_shared_find(&t, 1, 0, tag_a, out), ==,
                    CXL_MHD_SHARED_FOUND);
    g_assert_cmpuint(out->len, ==, 1);
    g_assert_cmpuint(g_array_index(out, CXLMHDEntry, 0).dpa, ==, 0);
    g_array_set_size(out, 0);

    /* head 0 releases a middle part of the shared one: split, not freed */
    {
        CXLDCExtent a3[3] = {
            a[0],
            ext(4 * M, 1 * M, CXL_DC_ACCEPTED, tag_a, 1),
            ext(6 * M, 2 * M, CXL_DC_ACCEPTED, tag_a, 1),
        };

        g_assert_true(cxl_mhd_set_head(&t, 0, a3, 3, freed));
    }
    check(&t, "0+4:0/1,4+1:0/3,5+1:0/2,6+2:0/3");
    check_freed(freed, "");
    /* holding all of it again: the pieces merge */
    g_assert_true(cxl_mhd_set_head(&t, 0, a, 2, freed));
    check(&t, "0+4:0/1,4+4:0/3");

    /* head 0 releases all: only its own extent is freed */
    g_assert_true(cxl_mhd_set_head(&t, 0, NULL, 0, freed));
    check(&t, "4+4:0/2");
    check_freed(freed, "0+4");
    g_assert_true(cxl_mhd_set_head(&t, 1, NULL, 0, freed));
    check(&t, "");
    check_freed(freed, "4+4");
    cxl_mhd_table_cleanup(&t);
}

/* Unshared extents (no tag) are never found for shared access */
static void test_unshared(void)
{
    g_autoptr(GArray) out = g_array_new(false, false, sizeof(CXLMHDEntry));
    CXLDCExtent a = ext(0, 2 * M, CXL_DC_ACCEPTED, tag_a, 0);
    CXLMHDTable t;

    a.shared = false;
    cxl_mhd_table_init(&t, 8);
    g_assert_true(cxl_mhd_set_head(&t, 0, &a, 1, NULL));
    g_assert_cmpint(cxl_mhd_shared_find(&t, 1, 0, tag_a, out), ==,
                    CXL_MHD_SHARED_NONE);
    cxl_mhd_table_cleanup(&t);
}

/* The limit: a change that needs more entries fails and changes nothing */
static void test_limit(void)
{
    g_autoptr(GArray) freed = g_array_new(false, false, sizeof(uint64_t));
    CXLDCExtent a[3], b[2];
    CXLMHDTable t;

    cxl_mhd_table_init(&t, 4);
    a[0] = ext(0, 8 * M, CXL_DC_ACCEPTED, tag_a, 0);
    g_assert_true(cxl_mhd_set_head(&t, 0, a, 1, freed));
    b[0] = ext(0, 8 * M, CXL_DC_ACCEPTED, tag_a, 0);
    g_assert_true(cxl_mhd_set_head(&t, 1, b, 1, freed));
    /* head 1 keeps two pieces: four entries, the maximum */
    b[0] = ext(0, 2 * M, CXL_DC_ACCEPTED, tag_a, 0);
    b[1] = ext(4 * M, 2 * M, CXL_DC_ACCEPTED, tag_a, 0);
    g_assert_true(cxl_mhd_set_head(&t, 1, b, 2, freed));
    check(&t, "0+2:0/3,2+2:0/1,4+2:0/3,6+2:0/1");
    cxl_mhd_table_cleanup(&t);

    cxl_mhd_table_init(&t, 3);
    g_assert_true(cxl_mhd_set_head(&t, 0, a, 1, freed));
    b[0] = ext(0, 8 * M, CXL_DC_ACCEPTED, tag_a, 0);
    g_assert_true(cxl_mhd_set_head(&t, 1, b, 1, freed));
    b[0] = ext(0, 2 * M, CXL_DC_ACCEPTED, tag_a, 0);
    b[1] = ext(4 * M, 2 * M, CXL_DC_ACCEPTED, tag_a, 0);
    g_assert_false(cxl_mhd_set_head(&t, 1, b, 2, freed));
    check(&t, "0+8:0/3");
    g_assert_cmpuint(freed->len, ==, 0);
    /* a new head's extent beside it still fits */
    a[1] = ext(16 * M, 2 * M, CXL_DC_PENDING, NULL, 0);
    g_assert_true(cxl_mhd_set_head(&t, 2, &a[1], 1, freed));
    check(&t, "0+8:0/3,16+2:4/0");
    cxl_mhd_table_cleanup(&t);
}

/* Appending a file's entries: in order, disjoint, held, within the limit */
static void test_append(void)
{
    CXLMHDEntry e = { .dpa = 4 * M, .len = 2 * M, .accepted = 1 };
    CXLMHDTable t;

    cxl_mhd_table_init(&t, 2);
    g_assert_true(cxl_mhd_append(&t, &e));
    e.dpa = 5 * M;
    g_assert_false(cxl_mhd_append(&t, &e));     /* overlaps */
    e.dpa = 6 * M;
    e.accepted = 0;
    g_assert_false(cxl_mhd_append(&t, &e));     /* nobody's */
    e.pending = 2;
    e.len = 0;
    g_assert_false(cxl_mhd_append(&t, &e));     /* empty */
    e.len = 2 * M;
    g_assert_true(cxl_mhd_append(&t, &e));
    e.dpa = 8 * M;
    g_assert_false(cxl_mhd_append(&t, &e));     /* full */
    check(&t, "4+2:0/1,6+2:2/0");
    cxl_mhd_table_cleanup(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cxl-mhd/heads", test_heads);
    g_test_add_func("/cxl-mhd/shared", test_shared);
    g_test_add_func("/cxl-mhd/unshared", test_unshared);
    g_test_add_func("/cxl-mhd/limit", test_limit);
    g_test_add_func("/cxl-mhd/append", test_append);
    return g_test_run();
}
