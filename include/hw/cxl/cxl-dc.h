/*
 * Dynamic capacity (DCD): the regions of a device's dynamic capacity and
 * its extent store, as pure logic (hw/cxl/cxl-dc.c, unit-tested in
 * tests/unit/test-cxl-dc.c). The device model, its mailbox commands and
 * QMP are in hw/mem/cxl-type3-dc.c.
 *
 * An extent is a block-aligned DPA range of one region, offered to one
 * host (its owner, host id) with a tag (a UUID; all zeros: untagged) and,
 * for sharable capacity, a shared extent sequence number. An offered
 * extent is pending until the host's Add Dynamic Capacity Response
 * accepts it (it becomes accepted: the host may access it) or the
 * response that completes its offer leaves it out (it is dropped).
 * Extents of one offer (one add request) share a batch number. Accepted
 * extents are released by the host's Release Dynamic Capacity, or forced
 * by the fabric manager. Pending and accepted extents never overlap, on
 * one device (sharing across hosts is the job of a shared store built on
 * this one).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_DC_H
#define HW_CXL_DC_H

#define CXL_DC_MAX_REGIONS          8
#define CXL_DC_TAG_LEN              16
/* Total number of supported extents (pending and accepted) */
#define CXL_DC_MAX_EXTENTS          512
/* Total number of supported tags (distinct non-zero tags in the store) */
#define CXL_DC_MAX_TAGS             512

/* A dynamic capacity region (Get Dynamic Capacity Configuration) */
typedef struct CXLDCRegion {
    uint64_t base;              /* DPA */
    uint64_t decode_len;        /* bytes (the mailbox reports 256 MiB units) */
    uint64_t len;
    uint64_t block_size;
    uint32_t dsmad_handle;      /* the region's CDAT DSMAS handle */
    bool sharable;              /* extents carry shared sequence numbers */
    bool sanitize_on_release;   /* reported; released capacity is zeroed */
} CXLDCRegion;

typedef enum CXLDCExtentState {
    CXL_DC_PENDING,             /* offered, no response yet */
    CXL_DC_ACCEPTED,            /* the host accepted it: it may access it */
} CXLDCExtentState;

typedef struct CXLDCExtent {
    uint64_t dpa;
    uint64_t len;
    uint8_t tag[CXL_DC_TAG_LEN];
    uint16_t shared_seq;
    bool shared;
    uint16_t host_id;           /* owner */
    uint8_t region;
    CXLDCExtentState state;
    uint32_t batch;             /* the offer it came with */
} CXLDCExtent;

/* The extent store of one device: its extents, sorted by DPA */
typedef struct CXLDCStore {
    GArray *extents;            /* of CXLDCExtent */
    unsigned max_extents;
    uint32_t generation;        /* extent list generation number */
    uint32_t next_batch;
} CXLDCStore;

/* A list of @n DPA ranges (an add or release request's extents) */
typedef struct CXLDCRanges {
    unsigned n;
    uint64_t *dpa;
    uint64_t *len;
} CXLDCRanges;

/* Room for @n ranges (their count set) */
static inline void cxl_dc_ranges_alloc(CXLDCRanges *r, unsigned n)
{
    r->n = n;
    r->dpa = g_new(uint64_t, n + 1);
    r->len = g_new(uint64_t, n + 1);
}

static inline void cxl_dc_ranges_clear(CXLDCRanges *r)
{
    g_free(r->dpa);
    g_free(r->len);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CXLDCRanges, cxl_dc_ranges_clear)

/* What is wrong with a range (cxl_dc_check_range()) */
typedef enum CXLDCRangeError {
    CXL_DC_RANGE_OK,
    CXL_DC_RANGE_ZERO_LEN,
    CXL_DC_RANGE_OUT_OF_REGION,
    CXL_DC_RANGE_UNALIGNED,     /* start or length not a block multiple */
} CXLDCRangeError;

void cxl_dc_store_init(CXLDCStore *s, unsigned max_extents);
void cxl_dc_store_cleanup(CXLDCStore *s);
/* Forget every extent (a device reset keeps them; power-on does not) */
void cxl_dc_store_clear(CXLDCStore *s);

static inline unsigned cxl_dc_count(const CXLDCStore *s)
{
    return s->extents->len;
}

static inline CXLDCExtent *cxl_dc_at(const CXLDCStore *s, unsigned i)
{
    return &g_array_index(s->extents, CXLDCExtent, i);
}

/*
 * Check [@dpa, @dpa + @len) against region @r: non-empty, inside it,
 * start and length multiples of its block size.
 */
CXLDCRangeError cxl_dc_check_range(const CXLDCRegion *r, uint64_t dpa,
                                   uint64_t len);
/* The index of the region of @regions holding [@dpa, +@len), or -1 */
int cxl_dc_region_of(const CXLDCRegion *regions, unsigned nr, uint64_t dpa,
                     uint64_t len);
/*
 * Whether two of the @n ranges ([dpa[i], dpa[i] + len[i])) overlap; sets
 * *@a and *@b to the first such pair (a < b).
 */
bool cxl_dc_ranges_overlap(const uint64_t *dpa, const uint64_t *len,
                           unsigned n, unsigned *a, unsigned *b);
/* The index of the first extent overlapping [@dpa, +@len), or -1 */
int cxl_dc_find_overlap(const CXLDCStore *s, uint64_t dpa, uint64_t len);
/*
 * The index of the extent in state @state containing all of
 * [@dpa, +@len), or -1.
 */
int cxl_dc_find_containing(const CXLDCStore *s, uint64_t dpa, uint64_t len,
                           CXLDCExtentState state);
/* Whether all of [@dpa, +@len) is in one accepted extent */
bool cxl_dc_accepted(const CXLDCStore *s, uint64_t dpa, uint64_t len);
/*
 * Around @dpa: [*@lo, *@hi) is the accepted extent holding @dpa (true),
 * or the gap between accepted extents holding it (false), within
 * [@lo, @hi) as given.
 */
bool cxl_dc_span(const CXLDCStore *s, uint64_t dpa, uint64_t *lo,
                 uint64_t *hi);
/* Insert @e (the caller checked it overlaps nothing); false if full */
bool cxl_dc_insert(CXLDCStore *s, const CXLDCExtent *e);
/*
 * Remove [@dpa, +@len) from extent @i, which contains it: the extent
 * shrinks or splits in two. False (nothing changed) if a split would
 * exceed the store's maximum.
 */
bool cxl_dc_remove_range(CXLDCStore *s, unsigned i, uint64_t dpa,
                         uint64_t len);
/* How many extents @state (or all, @state < 0) the store holds */
unsigned cxl_dc_count_state(const CXLDCStore *s, int state);
/* How many distinct non-zero tags the store holds */
unsigned cxl_dc_count_tags(const CXLDCStore *s);
/* The oldest batch that still has pending extents; false if none */
bool cxl_dc_oldest_batch(const CXLDCStore *s, uint32_t *batch);
/* Drop the pending extents of @batch; returns how many */
unsigned cxl_dc_drop_batch(CXLDCStore *s, uint32_t batch);

#endif /* HW_CXL_DC_H */
