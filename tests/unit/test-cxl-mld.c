/*
 * Unit tests: the allocation arithmetic of multi-logical devices
 * (hw/cxl/cxl-mld.c): the default split, the contiguous layout in LD
 * order, and what an allocation may be.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "hw/cxl/cxl-mld.h"

#define G   CXL_MLD_GRANULE

static void test_default_alloc(void)
{
    static const struct {
        uint64_t capacity;
        unsigned n;
        uint64_t size[4];
    } cases[] = {
        { 2 * G, 2, { G, G } },
        { 3 * G, 2, { 2 * G, G } },             /* remainder to LD 0 */
        { 4 * G, 4, { G, G, G, G } },
        { 7 * G, 3, { 3 * G, 2 * G, 2 * G } },
        { 1 * G, 2, { G, 0 } },                 /* fewer units than LDs */
        { 5 * G, 1, { 5 * G } },
    };

    for (unsigned c = 0; c < ARRAY_SIZE(cases); c++) {
        uint64_t size[CXL_MLD_MAX_LDS], sum = 0;

        cxl_mld_default_alloc(cases[c].capacity, cases[c].n, size);
        for (unsigned k = 0; k < cases[c].n; k++) {
            g_assert_cmphex(size[k], ==, cases[c].size[k]);
            sum += size[k];
        }
        g_assert_cmphex(sum, ==, cases[c].capacity);
        g_assert_null(cxl_mld_check_alloc(cases[c].capacity, cases[c].n,
                                          size));
    }
}

static void test_layout(void)
{
    const uint64_t size[4] = { 2 * G, 0, G, 3 * G };
    uint64_t base[4];

    cxl_mld_layout(size, 4, base);
    g_assert_cmphex(base[0], ==, 0);
    g_assert_cmphex(base[1], ==, 2 * G);
    g_assert_cmphex(base[2], ==, 2 * G);        /* an empty LD takes none */
    g_assert_cmphex(base[3], ==, 3 * G);
}

static void test_check_alloc(void)
{
    const uint64_t fits[3] = { G, 2 * G, 0 };
    const uint64_t over[3] = { G, 2 * G, G };
    const uint64_t odd[2] = { G + 4096, 0 };
    const uint64_t huge[2] = { UINT64_MAX & ~(G - 1), G };

    g_assert_null(cxl_mld_check_alloc(3 * G, 3, fits));
    g_assert_nonnull(cxl_mld_check_alloc(3 * G, 3, over));
    g_assert_nonnull(cxl_mld_check_alloc(3 * G, 2, odd));
    /* no wrap-around of the sum */
    g_assert_nonnull(cxl_mld_check_alloc(4 * G, 2, huge));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cxl/mld/default-alloc", test_default_alloc);
    g_test_add_func("/cxl/mld/layout", test_layout);
    g_test_add_func("/cxl/mld/check-alloc", test_check_alloc);
    return g_test_run();
}
