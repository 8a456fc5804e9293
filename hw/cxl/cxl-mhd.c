/*
 * The extent table of a multi-headed dynamic capacity device (see
 * include/hw/cxl/cxl-mhd.h): pure logic over a sorted array, no file and
 * no device, so that tests/unit/test-cxl-mhd.c can check it alone.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "hw/cxl/cxl-mhd.h"

void cxl_mhd_table_init(CXLMHDTable *t, unsigned max_entries)
{
    t->entries = g_array_new(false, true, sizeof(CXLMHDEntry));
    t->max_entries = max_entries;
}

void cxl_mhd_table_cleanup(CXLMHDTable *t)
{
    g_clear_pointer(&t->entries, g_array_unref);
}

static uint64_t end_of(const CXLMHDEntry *e)
{
    return e->dpa + e->len;
}

bool cxl_mhd_append(CXLMHDTable *t, const CXLMHDEntry *e)
{
    unsigned n = cxl_mhd_count(t);

    if (n >= t->max_entries || !e->len || e->dpa + e->len < e->dpa ||
        !cxl_mhd_holders(e) ||
        (n && end_of(cxl_mhd_at(t, n - 1)) > e->dpa)) {
        return false;
    }
    g_array_append_val(t->entries, *e);
    return true;
}

static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

int cxl_mhd_find_overlap(const CXLMHDTable *t, uint64_t dpa, uint64_t len)
{
    for (unsigned i = 0; i < cxl_mhd_count(t); i++) {
        const CXLMHDEntry *e = cxl_mhd_at(t, i);

        if (overlap(e->dpa, e->len, dpa, len)) {
            return i;
        }
    }
    return -1;
}

uint16_t cxl_mhd_holders_of(const CXLMHDTable *t, uint64_t dpa,
                            uint64_t len)
{
    uint16_t mask = 0;

    for (unsigned i = 0; i < cxl_mhd_count(t); i++) {
        const CXLMHDEntry *e = cxl_mhd_at(t, i);

        if (overlap(e->dpa, e->len, dpa, len)) {
            mask |= cxl_mhd_holders(e);
        }
    }
    return mask;
}

/* Split entry @i of @a at @at (inside it): the tail follows at i + 1 */
static void split_at(GArray *a, unsigned i, uint64_t at)
{
    CXLMHDEntry *e = &g_array_index(a, CXLMHDEntry, i);
    CXLMHDEntry tail = *e;

    tail.dpa = at;
    tail.len = end_of(e) - at;
    e->len = at - e->dpa;
    g_array_insert_val(a, i + 1, tail);
}

static gint entry_cmp(gconstpointer a, gconstpointer b)
{
    const CXLMHDEntry *x = a, *y = b;

    return x->dpa < y->dpa ? -1 : x->dpa > y->dpa;
}

/* Give @bit (pending or accepted) over extent @x in the sorted @a */
static void hold_extent(GArray *a, const CXLDCExtent *x, uint16_t bit)
{
    uint64_t xend = x->dpa + x->len, cursor = x->dpa;
    g_autoptr(GArray) gaps = g_array_new(false, true, sizeof(CXLMHDEntry));

    /* split the entries that straddle the extent's ends */
    for (unsigned i = 0; i < a->len; i++) {
        CXLMHDEntry *e = &g_array_index(a, CXLMHDEntry, i);

        if (e->dpa < x->dpa && end_of(e) > x->dpa) {
            split_at(a, i, x->dpa);
        } else if (e->dpa < xend && end_of(e) > xend) {
            split_at(a, i, xend);
        }
    }
    /* the entries inside it now take the head; the gaps become entries */
    for (unsigned i = 0; i < a->len; i++) {
        CXLMHDEntry *e = &g_array_index(a, CXLMHDEntry, i);

        if (e->dpa < x->dpa || e->dpa >= xend) {
            continue;
        }
        if (x->state == CXL_DC_ACCEPTED) {
            e->accepted |= bit;
        } else {
            e->pending |= bit;
        }
        if (e->dpa > cursor) {
            CXLMHDEntry g = { .dpa = cursor, .len = e->dpa - cursor };

            g_array_append_val(gaps, g);
        }
        cursor = end_of(e);
    }
    if (cursor < xend) {
        CXLMHDEntry g = { .dpa = cursor, .len = xend - cursor };

        g_array_append_val(gaps, g);
    }
    for (unsigned k = 0; k < gaps->len; k++) {
        CXLMHDEntry *g = &g_array_index(gaps, CXLMHDEntry, k);

        memcpy(g->tag, x->tag, sizeof(g->tag));
        g->shared_seq = x->shared_seq;
        g->shared = x->shared;
        g->region = x->region;
        if (x->state == CXL_DC_ACCEPTED) {
            g->accepted = bit;
        } else {
            g->pending = bit;
        }
        g_array_append_val(a, *g);
    }
    if (gaps->len) {
        g_array_sort(a, entry_cmp);
    }
}

/* @b continues @a and differs in nothing else */
static bool mergeable(const CXLMHDEntry *a, const CXLMHDEntry *b)
{
    return end_of(a) == b->dpa && a->region == b->region &&
           a->shared == b->shared && a->shared_seq == b->shared_seq &&
           a->pending == b->pending && a->accepted == b->accepted &&
           !memcmp(a->tag, b->tag, sizeof(a->tag));
}

bool cxl_mhd_set_head(CXLMHDTable *t, unsigned head, const CXLDCExtent *ext,
                      unsigned n, GArray *freed)
{
    GArray *a = g_array_copy(t->entries);
    uint16_t bit = 1u << head;
    unsigned i;

    for (i = 0; i < a->len; i++) {
        CXLMHDEntry *e = &g_array_index(a, CXLMHDEntry, i);

        e->pending &= ~bit;
        e->accepted &= ~bit;
    }
    for (unsigned k = 0; k < n; k++) {
        hold_extent(a, &ext[k], bit);
    }
    /* nobody's: gone (and to be zeroed); equal neighbours: one entry */
    for (i = 0; i < a->len;) {
        CXLMHDEntry *e = &g_array_index(a, CXLMHDEntry, i);

        if (!cxl_mhd_holders(e)) {
            if (freed) {
                g_array_append_val(freed, e->dpa);
                g_array_append_val(freed, e->len);
            }
            g_array_remove_index(a, i);
        } else if (i && mergeable(&g_array_index(a, CXLMHDEntry, i - 1), e)) {
            g_array_index(a, CXLMHDEntry, i - 1).len += e->len;
            g_array_remove_index(a, i);
        } else {
            i++;
        }
    }
    if (a->len > t->max_entries) {
        if (freed) {
            g_array_set_size(freed, 0);
        }
        g_array_unref(a);
        return false;
    }
    g_array_unref(t->entries);
    t->entries = a;
    return true;
}

CXLMHDShared cxl_mhd_shared_find(const CXLMHDTable *t, unsigned head,
                                 uint8_t region, const uint8_t *tag,
                                 GArray *out)
{
    uint16_t bit = 1u << head;
    bool any = false;

    for (unsigned i = 0; i < cxl_mhd_count(t); i++) {
        const CXLMHDEntry *e = cxl_mhd_at(t, i);

        if (!e->shared || e->region != region ||
            memcmp(e->tag, tag, sizeof(e->tag)) ||
            !(cxl_mhd_holders(e) & ~bit)) {
            continue;
        }
        any = true;
        if (!(cxl_mhd_holders(e) & bit)) {
            g_array_append_val(out, *e);
        }
    }
    if (!any) {
        return CXL_MHD_SHARED_NONE;
    }
    return out->len ? CXL_MHD_SHARED_FOUND : CXL_MHD_SHARED_HELD;
}
