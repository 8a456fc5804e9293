/*
 * Multi-headed dynamic capacity: the extent table the heads of one
 * multi-headed device share (hw/cxl/cxl-mhd.c, pure logic, unit-tested in
 * tests/unit/test-cxl-mhd.c). The shared state file that holds it, its
 * locking and the device glue are in hw/mem/cxl-type3-mhd.c.
 *
 * Each head (a host, in its own QEMU process) keeps its own extent store
 * (CXLDCStore, include/hw/cxl/cxl-dc.h): what it was offered and what it
 * accepted. The table is the union of the heads' stores: entries are
 * disjoint DPA ranges, each with the region, tag and shared sequence
 * number of the extent it is (part of), and per head whether the head
 * holds it pending or accepted. A range no head holds is not in the
 * table: its capacity is free (and has been zeroed).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_MHD_H
#define HW_CXL_MHD_H

#include "hw/cxl/cxl-dc.h"

#define CXL_MHD_MAX_HEADS           16

typedef struct CXLMHDEntry {
    uint64_t dpa;
    uint64_t len;
    uint8_t tag[CXL_DC_TAG_LEN];
    uint16_t shared_seq;
    bool shared;                /* in a sharable region */
    uint8_t region;
    uint16_t pending;           /* heads holding it pending (bit = head) */
    uint16_t accepted;          /* heads that accepted it */
} CXLMHDEntry;

/* The table: its entries, disjoint and sorted by DPA */
typedef struct CXLMHDTable {
    GArray *entries;            /* of CXLMHDEntry */
    unsigned max_entries;
} CXLMHDTable;

void cxl_mhd_table_init(CXLMHDTable *t, unsigned max_entries);
void cxl_mhd_table_cleanup(CXLMHDTable *t);

static inline unsigned cxl_mhd_count(const CXLMHDTable *t)
{
    return t->entries->len;
}

static inline CXLMHDEntry *cxl_mhd_at(const CXLMHDTable *t, unsigned i)
{
    return &g_array_index(t->entries, CXLMHDEntry, i);
}

/* The heads holding entry @e (pending or accepted) */
static inline uint16_t cxl_mhd_holders(const CXLMHDEntry *e)
{
    return e->pending | e->accepted;
}

/* Append @e (a file's entry, in DPA order); false if out of order or full */
bool cxl_mhd_append(CXLMHDTable *t, const CXLMHDEntry *e);

/* The index of the first entry overlapping [@dpa, +@len), or -1 */
int cxl_mhd_find_overlap(const CXLMHDTable *t, uint64_t dpa, uint64_t len);

/* The heads holding any part of [@dpa, +@len) */
uint16_t cxl_mhd_holders_of(const CXLMHDTable *t, uint64_t dpa,
                            uint64_t len);

/*
 * Make head @head hold exactly the @n extents @ext (its store's: pending
 * or accepted, by their state): entries are split where an extent starts
 * or ends inside them, parts of an extent that no entry covers become new
 * entries (with the extent's region, tag and sequence number), and
 * entries no head holds any more are removed, their ranges appended to
 * @freed (if not NULL; of uint64_t pairs dpa, len) for the caller to
 * zero. Adjacent entries that differ in nothing merge. False, with @t
 * unchanged, if the table would exceed its maximum.
 */
bool cxl_mhd_set_head(CXLMHDTable *t, unsigned head, const CXLDCExtent *ext,
                      unsigned n, GArray *freed);

/* What cxl_mhd_shared_find() found */
typedef enum CXLMHDShared {
    CXL_MHD_SHARED_FOUND,       /* @out has the extents to offer */
    CXL_MHD_SHARED_NONE,        /* no other head holds one with the tag */
    CXL_MHD_SHARED_HELD,        /* @head holds all of them already */
} CXLMHDShared;

/*
 * Enable shared access: the shared entries of @region with @tag that
 * another head holds and @head does not, appended to @out (of
 * CXLMHDEntry).
 */
CXLMHDShared cxl_mhd_shared_find(const CXLMHDTable *t, unsigned head,
                                 uint8_t region, const uint8_t *tag,
                                 GArray *out);

#endif /* HW_CXL_MHD_H */
