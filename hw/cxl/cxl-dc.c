/*
 * Dynamic capacity regions and the extent store (see
 * include/hw/cxl/cxl-dc.h): pure logic over a sorted array, no device
 * state, so that tests/unit/test-cxl-dc.c can check it alone.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "hw/cxl/cxl-dc.h"

void cxl_dc_store_init(CXLDCStore *s, unsigned max_extents)
{
    s->extents = g_array_new(false, true, sizeof(CXLDCExtent));
    s->max_extents = max_extents;
    s->generation = 0;
    s->next_batch = 1;
}

void cxl_dc_store_cleanup(CXLDCStore *s)
{
    g_clear_pointer(&s->extents, g_array_unref);
}

void cxl_dc_store_clear(CXLDCStore *s)
{
    g_array_set_size(s->extents, 0);
    s->generation++;
}

static bool range_valid(uint64_t dpa, uint64_t len)
{
    return len && dpa + len > dpa;
}

CXLDCRangeError cxl_dc_check_range(const CXLDCRegion *r, uint64_t dpa,
                                   uint64_t len)
{
    if (!len) {
        return CXL_DC_RANGE_ZERO_LEN;
    }
    if (!range_valid(dpa, len) || dpa < r->base ||
        dpa + len > r->base + r->len) {
        return CXL_DC_RANGE_OUT_OF_REGION;
    }
    if ((dpa - r->base) % r->block_size || len % r->block_size) {
        return CXL_DC_RANGE_UNALIGNED;
    }
    return CXL_DC_RANGE_OK;
}

int cxl_dc_region_of(const CXLDCRegion *regions, unsigned nr, uint64_t dpa,
                     uint64_t len)
{
    if (!range_valid(dpa, len)) {
        return -1;
    }
    for (unsigned i = 0; i < nr; i++) {
        if (dpa >= regions[i].base &&
            dpa + len <= regions[i].base + regions[i].len) {
            return i;
        }
    }
    return -1;
}

static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

bool cxl_dc_ranges_overlap(const uint64_t *dpa, const uint64_t *len,
                           unsigned n, unsigned *a, unsigned *b)
{
    for (unsigned j = 1; j < n; j++) {
        for (unsigned i = 0; i < j; i++) {
            if (overlap(dpa[i], len[i], dpa[j], len[j])) {
                *a = i;
                *b = j;
                return true;
            }
        }
    }
    return false;
}

int cxl_dc_find_overlap(const CXLDCStore *s, uint64_t dpa, uint64_t len)
{
    for (unsigned i = 0; i < cxl_dc_count(s); i++) {
        CXLDCExtent *e = cxl_dc_at(s, i);

        if (overlap(e->dpa, e->len, dpa, len)) {
            return i;
        }
    }
    return -1;
}

int cxl_dc_find_containing(const CXLDCStore *s, uint64_t dpa, uint64_t len,
                           CXLDCExtentState state)
{
    for (unsigned i = 0; i < cxl_dc_count(s); i++) {
        CXLDCExtent *e = cxl_dc_at(s, i);

        if (e->state == state && dpa >= e->dpa && len <= e->len &&
            dpa - e->dpa <= e->len - len) {
            return i;
        }
    }
    return -1;
}

bool cxl_dc_accepted(const CXLDCStore *s, uint64_t dpa, uint64_t len)
{
    return range_valid(dpa, len) &&
           cxl_dc_find_containing(s, dpa, len, CXL_DC_ACCEPTED) >= 0;
}

bool cxl_dc_span(const CXLDCStore *s, uint64_t dpa, uint64_t *lo,
                 uint64_t *hi)
{
    for (unsigned i = 0; i < cxl_dc_count(s); i++) {
        CXLDCExtent *e = cxl_dc_at(s, i);

        if (e->state != CXL_DC_ACCEPTED) {
            continue;
        }
        if (dpa >= e->dpa && dpa - e->dpa < e->len) {
            *lo = MAX(*lo, e->dpa);
            *hi = MIN(*hi, e->dpa + e->len);
            return true;
        }
        if (e->dpa + e->len <= dpa) {
            *lo = MAX(*lo, e->dpa + e->len);
        } else {
            *hi = MIN(*hi, e->dpa);
        }
    }
    return false;
}

bool cxl_dc_insert(CXLDCStore *s, const CXLDCExtent *e)
{
    unsigned i;

    if (cxl_dc_count(s) >= s->max_extents) {
        return false;
    }
    for (i = 0; i < cxl_dc_count(s) && cxl_dc_at(s, i)->dpa < e->dpa; i++) {
        continue;
    }
    g_array_insert_val(s->extents, i, *e);
    s->generation++;
    return true;
}

bool cxl_dc_remove_range(CXLDCStore *s, unsigned i, uint64_t dpa,
                         uint64_t len)
{
    CXLDCExtent *e = cxl_dc_at(s, i);
    uint64_t end = dpa + len, e_end = e->dpa + e->len;

    if (dpa > e->dpa && end < e_end) {
        CXLDCExtent tail;

        if (cxl_dc_count(s) >= s->max_extents) {
            return false;
        }
        tail = *e;
        tail.dpa = end;
        tail.len = e_end - end;
        e->len = dpa - e->dpa;
        g_array_insert_val(s->extents, i + 1, tail);
    } else if (dpa > e->dpa) {
        e->len = dpa - e->dpa;
    } else if (end < e_end) {
        e->dpa = end;
        e->len = e_end - end;
    } else {
        g_array_remove_index(s->extents, i);
    }
    s->generation++;
    return true;
}

unsigned cxl_dc_count_state(const CXLDCStore *s, int state)
{
    unsigned n = 0;

    for (unsigned i = 0; i < cxl_dc_count(s); i++) {
        n += state < 0 || cxl_dc_at(s, i)->state == state;
    }
    return n;
}

static bool tag_zero(const uint8_t *tag)
{
    for (unsigned i = 0; i < CXL_DC_TAG_LEN; i++) {
        if (tag[i]) {
            return false;
        }
    }
    return true;
}

unsigned cxl_dc_count_tags(const CXLDCStore *s)
{
    unsigned n = 0;

    for (unsigned i = 0; i < cxl_dc_count(s); i++) {
        const uint8_t *tag = cxl_dc_at(s, i)->tag;
        bool seen = tag_zero(tag);

        for (unsigned j = 0; j < i && !seen; j++) {
            seen = !memcmp(cxl_dc_at(s, j)->tag, tag, CXL_DC_TAG_LEN);
        }
        n += !seen;
    }
    return n;
}

bool cxl_dc_oldest_batch(const CXLDCStore *s, uint32_t *batch)
{
    bool found = false;

    for (unsigned i = 0; i < cxl_dc_count(s); i++) {
        CXLDCExtent *e = cxl_dc_at(s, i);

        if (e->state == CXL_DC_PENDING && (!found || e->batch < *batch)) {
            *batch = e->batch;
            found = true;
        }
    }
    return found;
}

unsigned cxl_dc_drop_batch(CXLDCStore *s, uint32_t batch)
{
    unsigned n = 0;

    for (unsigned i = cxl_dc_count(s); i-- > 0;) {
        CXLDCExtent *e = cxl_dc_at(s, i);

        if (e->state == CXL_DC_PENDING && e->batch == batch) {
            g_array_remove_index(s->extents, i);
            n++;
        }
    }
    if (n) {
        s->generation++;
    }
    return n;
}
