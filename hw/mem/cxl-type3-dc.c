/*
 * Dynamic capacity (DCD) of cxl-type3: the regions, the extent store, the
 * Type 3 mailbox commands 4800h-4803h, the Dynamic Capacity event
 * records and the QMP commands that stand in for the fabric manager
 * (the FM API commands, hw/mem/cxl-type3-fm-dcd.c, call the same
 * operations).
 *
 * Layout. With num-dc-regions N > 0 and a volatile-dc-memdev backend,
 * the dynamic capacity follows the static (volatile, then persistent)
 * capacity in DPA space: region i is [dc_base + i * L, + L) with
 * L = dc-regions-total-size / N (default: the backend's size), decode
 * length L, block size dc-block-size and DSMAD handle = its CDAT DSMAS
 * entry (after the static ranges'). Identify Memory Device and Get
 * Partition Info report the static capacity only; the DC capacity is in
 * Get Dynamic Capacity Configuration.
 *
 * The add flow: cxl-add-dynamic-capacity makes its extents pending (one
 * batch) and adds one Add Capacity record per extent to the Dynamic
 * Capacity event log, all but the last with the More flag. The host's
 * Add Dynamic Capacity Response names the ones it accepts (any part of a
 * pending extent, block aligned); the response without the More flag
 * completes the batch that was the oldest when the response began, and
 * that batch's extents left pending are dropped. The release flow:
 * cxl-release-dynamic-capacity adds Release Capacity records and the
 * host's Release Dynamic Capacity gives accepted capacity back; with
 * forced-removal the capacity goes at once (Forced Capacity Release
 * records). Released capacity is zeroed at once and its poison cleared,
 * so no data or poison of one allocation is ever visible in a later one.
 *
 * Memory: the host may access DC DPA only inside accepted extents; other
 * DC DPA reads all ones and drops writes (cxl_type3_dpa_ptr() gives no
 * pointer: the per-access path and the fast path handle it as memory
 * the host may not access). The spec text is not on this machine: CXL
 * r3.1 9.13.3 as remembered says that accesses to DC capacity not
 * allocated to the host return all 1s / poison and writes are dropped;
 * we take all ones, as for media the host may not access.
 *
 * DC DPA in the other commands. The dynamic capacity is part of the
 * device's DPA space (cxl_type3_dpa_size()): commands and QMP commands
 * that take a DPA accept it, Invalid Physical Address (or a QMP error)
 * only past the end of the last region. Poison in it is listed, limited,
 * scanned and served on CXL.mem reads exactly as poison in the static
 * capacity is (the poison list is by DPA). The host's mailbox commands
 * that change the media at a DPA (Inject Poison, Clear Poison, Media
 * Operations' Sanitize and Zero) take only capacity the host owns
 * (cxl_type3_dpa_host_owned(): static, or in accepted extents), else
 * Invalid Physical Address: from the spec's intent, as remembered, a
 * host may address only the dynamic capacity allocated to it. Reading
 * commands (Get Poison List, Scan Media) cover any DPA range: the device
 * has one host, and the list is the device's. QMP cxl-inject-poison
 * stands for the device or the fabric manager and may poison any DPA.
 * Sanitize and Secure Erase zero the dynamic capacity too and leave the
 * extents as they are (cxl-type3-sanitize.c).
 *
 * Return codes (the spec's choices from memory of CXL r3.1 8.2.9.9.9.3
 * and .4): a malformed length is Invalid Payload Length; an extent of
 * length 0 or not block aligned Invalid Input; outside every DC region
 * Invalid Physical Address; overlapping another extent of the list, not
 * (in) an offered extent (Add Response) or not (in) an accepted extent
 * (Release) Invalid Extent List; more extents than the device supports
 * Resources Exhausted; a response when nothing was offered Invalid
 * Input. A command that fails changes nothing.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/error-report.h"
#include "qemu/units.h"
#include "qemu/uuid.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-cxl.h"
#include "migration/vmstate.h"
#include "system/runstate.h"
#include "hw/cxl/cxl-dc.h"
#include "hw/cxl/cxl-mailbox.h"
#include "hw/cxl/cxl-mhd.h"
#include "hw/cxl/cxl-notify.h"
#include "hw/cxl/cxl-type3.h"
#include "trace.h"

#define CAPACITY_UNIT           (256 * MiB)
#define RESPONSE_FLAG_MORE      BIT(0)

/* Dynamic Capacity Event Record UUID (Linux's DCD series, from memory) */
static const uint8_t dc_event_uuid[16] = {
    0xca, 0x95, 0xaf, 0xa7, 0xf1, 0x83, 0x40, 0x18,
    0x8c, 0x2f, 0x95, 0x26, 0x8e, 0x10, 0x1a, 0x2a,
};

static CXLRetCode dc_shared_sync(CXLType3Dev *ct3, const CXLDCStore *s);

uint64_t cxl_type3_dc_base(CXLType3Dev *ct3)
{
    return ct3->vsize + ct3->psize;
}

bool cxl_type3_dc_realize(CXLType3Dev *ct3, uint64_t backend_size,
                          Error **errp)
{
    uint64_t total = ct3->dc_total_size ?: backend_size, len;
    uint64_t bs = ct3->dc_block_size;
    CXLType3DC *dc;

    if (!cxl_type3_mhd_check_props(ct3, errp)) {
        return false;
    }
    if (!ct3->num_dc_regions && !ct3->hostdc) {
        return true;
    }
    if (ct3->num_dc_regions > CXL_DC_MAX_REGIONS) {
        error_setg(errp, "%s: num-dc-regions must be from 0 to %d (got %u)",
                   TYPE_CXL_TYPE3, CXL_DC_MAX_REGIONS, ct3->num_dc_regions);
        return false;
    }
    if (!ct3->num_dc_regions || !ct3->hostdc) {
        error_setg(errp, "%s: num-dc-regions (1 to %d) and volatile-dc-memdev "
                   "go together: set both or neither", TYPE_CXL_TYPE3,
                   CXL_DC_MAX_REGIONS);
        return false;
    }
    if (total > backend_size) {
        error_setg(errp, "%s: dc-regions-total-size (0x%" PRIx64 ") is larger "
                   "than volatile-dc-memdev (0x%" PRIx64 ")", TYPE_CXL_TYPE3,
                   total, backend_size);
        return false;
    }
    len = total / ct3->num_dc_regions;
    if (total % ct3->num_dc_regions || !len || len % CAPACITY_UNIT) {
        error_setg(errp, "%s: the dynamic capacity (0x%" PRIx64 " bytes, "
                   "dc-regions-total-size or the size of volatile-dc-memdev) "
                   "must divide into num-dc-regions (%u) regions of a "
                   "non-zero multiple of 256 MiB each", TYPE_CXL_TYPE3,
                   total, ct3->num_dc_regions);
        return false;
    }
    if (!is_power_of_2(bs) || bs < 64 || bs > len) {
        error_setg(errp, "%s: dc-block-size must be a power of two from 64 "
                   "bytes to the region size 0x%" PRIx64 " (got 0x%" PRIx64
                   ")", TYPE_CXL_TYPE3, len, bs);
        return false;
    }
    dc = ct3->dc = g_new0(CXLType3DC, 1);
    dc->owner = ct3;
    dc->nr_regions = ct3->num_dc_regions;
    for (unsigned i = 0; i < dc->nr_regions; i++) {
        dc->region[i] = (CXLDCRegion) {
            .base = cxl_type3_dc_base(ct3) + i * len,
            .decode_len = len,
            .len = len,
            .block_size = bs,
            .dsmad_handle = !!ct3->vsize + !!ct3->psize + i,
        };
    }
    cxl_dc_store_init(&dc->store, CXL_DC_MAX_EXTENTS);
    ct3->dcsize = total;
    ct3->events.has_dc = true;
    /* a head of a multi-headed device: the shared state */
    return cxl_type3_mhd_realize(ct3, errp);
}

void cxl_type3_dc_cleanup(CXLType3Dev *ct3)
{
    cxl_type3_mhd_cleanup(ct3);
    if (ct3->dc) {
        cxl_dc_store_cleanup(&ct3->dc->store);
        g_clear_pointer(&ct3->dc, g_free);
    }
    ct3->dcsize = 0;
    ct3->events.has_dc = false;
}

void cxl_type3_dc_reset(CXLType3Dev *ct3)
{
    CXLType3DC *dc = ct3->dc;
    uint32_t batch;

    if (!dc) {
        return;
    }
    /*
     * The reset empties the event log: offers whose records the host can
     * no longer see are withdrawn. Accepted extents stay (the fabric
     * manager allocated them; the host finds them in the extent list).
     */
    while (cxl_dc_oldest_batch(&dc->store, &batch)) {
        cxl_dc_drop_batch(&dc->store, batch);
    }
    dc->response_open = false;
    /*
     * A migration destination's reset before the load: its store is still
     * empty, the head's holdings in the shared table are the source's
     * (cxl-type3-mhd.c), and the load brings them
     */
    if (runstate_check(RUN_STATE_INMIGRATE)) {
        return;
    }
    /* removing holdings cannot fill the shared table */
    dc_shared_sync(ct3, &dc->store);
}

unsigned cxl_type3_dc_cdat_ranges(CXLType3Dev *ct3, CXLCDATRange *ranges)
{
    unsigned n = ct3->dc ? ct3->dc->nr_regions : 0;

    for (unsigned i = 0; i < n; i++) {
        cxl_cdat_range_init(&ranges[i], ct3->dc->region[i].base,
                            ct3->dc->region[i].len, false);
        /* DSMAS Shareable: the region's extents may be shared by hosts */
        ranges[i].shareable = ct3->dc->region[i].sharable;
    }
    return n;
}

uint8_t *cxl_type3_dc_ptr(CXLType3Dev *ct3, uint64_t dpa, uint64_t len)
{
    if (!ct3->dc || !cxl_dc_accepted(&ct3->dc->store, dpa, len)) {
        return NULL;
    }
    return ct3->dcptr + (dpa - cxl_type3_dc_base(ct3));
}

bool cxl_type3_dpa_host_owned(CXLType3Dev *ct3, uint64_t dpa, uint64_t len)
{
    uint64_t base = cxl_type3_dc_base(ct3), end = dpa + len;
    uint64_t at = MAX(dpa, base);

    /* the DC part, extent by accepted extent */
    while (at < end) {
        uint64_t lo = base, hi = base + ct3->dcsize;

        if (!ct3->dc || !cxl_dc_span(&ct3->dc->store, at, &lo, &hi)) {
            return false;
        }
        at = hi;
    }
    return true;
}

void cxl_type3_dc_clip(CXLType3Dev *ct3, uint64_t hpa, uint64_t dpa,
                       CXLExtent *ext)
{
    uint64_t base = cxl_type3_dc_base(ct3), lo, hi;

    if (!ct3->dc) {
        return;
    }
    if (dpa < base) {
        lo = 0;
        hi = base;
    } else {
        lo = base;
        hi = base + ct3->dcsize;
        cxl_dc_span(&ct3->dc->store, dpa, &lo, &hi);
    }
    /* @ext maps linearly around @hpa: narrow it to [lo, hi) of DPA */
    ext->lo = MAX(ext->lo, hpa - (dpa - lo));
    ext->hi = MIN(ext->hi, hpa + (hi - dpa));
}

/* ---- events ---- */

static void dc_event(CXLType3Dev *ct3, uint8_t type, const CXLDCExtent *e,
                     bool more)
{
    CXLType3DC *dc = ct3->dc;
    CXLEventDC rec = {
        .event_type = type,
        .host_id = cpu_to_le16(e->host_id),
        .region = e->region,
        .flags = more ? CXL_DC_EVENT_FLAG_MORE : 0,
        .extent = {
            .start_dpa = cpu_to_le64(e->dpa),
            .len = cpu_to_le64(e->len),
            .shared_seq = cpu_to_le16(e->shared_seq),
        },
        .avail_extents = cpu_to_le32(dc->store.max_extents -
                                     cxl_dc_count(&dc->store)),
        .avail_tags = cpu_to_le32(CXL_DC_MAX_TAGS -
                                  cxl_dc_count_tags(&dc->store)),
    };

    memcpy(rec.hdr.uuid, dc_event_uuid, sizeof(rec.hdr.uuid));
    memcpy(rec.extent.tag, e->tag, sizeof(rec.extent.tag));
    trace_cxl_type3_dc_event(type, e->dpa, e->len, more);
    cxl_events_add(&ct3->events, CXL_EVLOG_DC, (CXLEventRecord *)&rec,
                   cxl_cci_timestamp(&ct3->cci));
}

/* The host's access to [@dpa, +@len) changed (accepted or released) */
static void dc_access_changed(CXLType3Dev *ct3, uint64_t dpa, uint64_t len)
{
    cxl_notify_state_changed(OBJECT(ct3), CXL_NOTIFY_DPA, dpa, len);
}

/*
 * Released capacity: zeroed, and its poison forgotten, before it can be
 * offered again. The capacity leaves the host: what the host wrote is
 * gone, and so is the poison it injected or was told of; the next host
 * to accept the DPA gets clean, zeroed memory, as from a sanitize (which
 * clears poison too: the lines are overwritten). On a multi-headed
 * device the shared table's update zeroes it, when no head holds it any
 * more (another head's data stays); the poison records are this head's.
 */
static void dc_scrub(CXLType3Dev *ct3, uint64_t dpa, uint64_t len)
{
    if (!ct3->mhd) {
        cxl_type3_zero_dpa(ct3, dpa, len);
    }
    cxl_type3_poison_clear_range(ct3, dpa, len);
}

/* ---- mailbox ---- */

void cxl_type3_dc_region_config(CXLType3Dev *ct3, unsigned r,
                                CXLDCRegionConfig *out)
{
    const CXLDCRegion *reg = &ct3->dc->region[r];

    *out = (CXLDCRegionConfig) {
        .base = cpu_to_le64(reg->base),
        .decode_len = cpu_to_le64(reg->decode_len / CAPACITY_UNIT),
        .len = cpu_to_le64(reg->len),
        .block_size = cpu_to_le64(reg->block_size),
        .dsmad_handle = cpu_to_le32(reg->dsmad_handle),
        .flags = (reg->sanitize_on_release ?
                  CXL_DC_REGION_SANITIZE_ON_RELEASE : 0) |
                 (reg->sharable ? CXL_DC_REGION_SHARABLE : 0),
    };
}

void cxl_type3_dc_config_trailer(CXLType3Dev *ct3, CXLGetDCConfigTrailer *t)
{
    const CXLDCStore *s = &ct3->dc->store;

    *t = (CXLGetDCConfigTrailer) {
        .total_extents = cpu_to_le32(s->max_extents),
        .avail_extents = cpu_to_le32(s->max_extents - cxl_dc_count(s)),
        .total_tags = cpu_to_le32(CXL_DC_MAX_TAGS),
        .avail_tags = cpu_to_le32(CXL_DC_MAX_TAGS - cxl_dc_count_tags(s)),
    };
}

void cxl_type3_dc_extent_list(CXLType3Dev *ct3, uint32_t start, uint32_t n,
                              CXLDCExtentRaw *out)
{
    const CXLDCStore *s = &ct3->dc->store;
    uint32_t idx = 0;

    for (unsigned k = 0, r = 0; k < cxl_dc_count(s) && r < n; k++) {
        const CXLDCExtent *e = cxl_dc_at(s, k);

        if (e->state != CXL_DC_ACCEPTED || idx++ < start) {
            continue;
        }
        out[r] = (CXLDCExtentRaw) {
            .start_dpa = cpu_to_le64(e->dpa),
            .len = cpu_to_le64(e->len),
            .shared_seq = cpu_to_le16(e->shared_seq),
        };
        memcpy(out[r].tag, e->tag, sizeof(e->tag));
        r++;
    }
}

static CXLRetCode cmd_get_dc_config(CXLCCI *cci, const uint8_t *in,
                                    size_t in_len, uint8_t *out,
                                    size_t *out_len)
{
    CXLType3DC *dc = ct3_of(cci)->dc;
    const CXLGetDCConfigIn *i = (const CXLGetDCConfigIn *)in;
    CXLGetDCConfigOut *o = (CXLGetDCConfigOut *)out;
    CXLGetDCConfigTrailer *t;
    unsigned n, fit;

    if (i->start_region >= dc->nr_regions) {
        return CXL_RC_INVALID_INPUT;
    }
    fit = (cci->payload_max - sizeof(*o) - sizeof(*t)) /
          sizeof(o->region[0]);
    n = MIN(MIN(i->region_count, dc->nr_regions - i->start_region), fit);
    memset(o, 0, sizeof(*o));
    o->nr_regions = dc->nr_regions;
    o->regions_returned = n;
    for (unsigned r = 0; r < n; r++) {
        cxl_type3_dc_region_config(ct3_of(cci), i->start_region + r,
                                   &o->region[r]);
    }
    t = (CXLGetDCConfigTrailer *)&o->region[n];
    cxl_type3_dc_config_trailer(ct3_of(cci), t);
    *out_len = sizeof(*o) + n * sizeof(o->region[0]) + sizeof(*t);
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_get_dc_extent_list(CXLCCI *cci, const uint8_t *in,
                                         size_t in_len, uint8_t *out,
                                         size_t *out_len)
{
    CXLType3DC *dc = ct3_of(cci)->dc;
    const CXLGetDCExtentListIn *i = (const CXLGetDCExtentListIn *)in;
    CXLGetDCExtentListOut *o = (CXLGetDCExtentListOut *)out;
    uint32_t start = le32_to_cpu(i->start), count = le32_to_cpu(i->count);
    uint32_t total = cxl_dc_count_state(&dc->store, CXL_DC_ACCEPTED);
    uint32_t fit = (cci->payload_max - sizeof(*o)) / sizeof(o->extent[0]);
    uint32_t n;

    if (start > total) {
        return CXL_RC_INVALID_INPUT;
    }
    n = MIN(MIN(count, total - start), fit);
    memset(o, 0, sizeof(*o));
    o->returned = cpu_to_le32(n);
    o->total = cpu_to_le32(total);
    o->generation = cpu_to_le32(dc->store.generation);
    cxl_type3_dc_extent_list(ct3_of(cci), start, n, o->extent);
    *out_len = sizeof(*o) + n * sizeof(o->extent[0]);
    return CXL_RC_SUCCESS;
}

/*
 * Check the extent list of Add Dynamic Capacity Response or Release
 * Dynamic Capacity (@in) and apply it to @s, a copy of the store: each
 * extent must lie in one extent of state @from, which gives it up. For a
 * response the part becomes an accepted extent.
 */
static CXLRetCode dc_apply_list(CXLType3Dev *ct3, const CXLDCResponseIn *in,
                                CXLDCStore *s, CXLDCExtentState from)
{
    CXLType3DC *dc = ct3->dc;
    uint32_t n = le32_to_cpu(in->nr_extents);
    g_autofree uint64_t *dpa = g_new(uint64_t, n + 1);
    g_autofree uint64_t *len = g_new(uint64_t, n + 1);
    unsigned a, b;

    for (uint32_t k = 0; k < n; k++) {
        int r;

        dpa[k] = le64_to_cpu(in->extent[k].start_dpa);
        len[k] = le64_to_cpu(in->extent[k].len);
        if (!len[k]) {
            return CXL_RC_INVALID_INPUT;
        }
        r = cxl_dc_region_of(dc->region, dc->nr_regions, dpa[k], len[k]);
        if (r < 0) {
            return CXL_RC_INVALID_PHYSICAL_ADDRESS;
        }
        if (cxl_dc_check_range(&dc->region[r], dpa[k], len[k]) !=
            CXL_DC_RANGE_OK) {
            return CXL_RC_INVALID_INPUT;
        }
    }
    if (cxl_dc_ranges_overlap(dpa, len, n, &a, &b)) {
        return CXL_RC_INVALID_EXTENT_LIST;
    }
    for (uint32_t k = 0; k < n; k++) {
        int i = cxl_dc_find_containing(s, dpa[k], len[k], from);
        CXLDCExtent part;

        if (i < 0) {
            return CXL_RC_INVALID_EXTENT_LIST;
        }
        part = *cxl_dc_at(s, i);
        if (!cxl_dc_remove_range(s, i, dpa[k], len[k])) {
            return CXL_RC_RESOURCES_EXHAUSTED;
        }
        if (from == CXL_DC_PENDING) {
            part.dpa = dpa[k];
            part.len = len[k];
            part.state = CXL_DC_ACCEPTED;
            if (!cxl_dc_insert(s, &part)) {
                return CXL_RC_RESOURCES_EXHAUSTED;
            }
        }
    }
    return CXL_RC_SUCCESS;
}

static CXLDCStore dc_store_copy(const CXLDCStore *s)
{
    CXLDCStore c = *s;

    c.extents = g_array_copy(s->extents);
    return c;
}

/* Make @copy the store; notify the changed access of @in's extents */
static void dc_commit(CXLType3Dev *ct3, CXLDCStore *copy,
                      const CXLDCResponseIn *in, bool release)
{
    CXLDCStore *s = &ct3->dc->store;

    g_array_unref(s->extents);
    *s = *copy;
    for (uint32_t k = 0; k < le32_to_cpu(in->nr_extents); k++) {
        uint64_t dpa = le64_to_cpu(in->extent[k].start_dpa);
        uint64_t len = le64_to_cpu(in->extent[k].len);

        trace_cxl_type3_dc_update(release ? "released" : "accepted", dpa, len);
        dc_access_changed(ct3, dpa, len);
        if (release) {
            dc_scrub(ct3, dpa, len);
        }
    }
}

static bool dc_in_len_ok(const CXLDCResponseIn *in, size_t in_len)
{
    return (uint64_t)le32_to_cpu(in->nr_extents) * sizeof(in->extent[0]) ==
           in_len - sizeof(*in);
}

static CXLRetCode cmd_add_dc_response(CXLCCI *cci, const uint8_t *in,
                                      size_t in_len, uint8_t *out,
                                      size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);
    CXLType3DC *dc = ct3->dc;
    const CXLDCResponseIn *i = (const CXLDCResponseIn *)in;
    CXLDCStore copy;
    uint32_t batch;
    CXLRetCode rc;

    if (!dc_in_len_ok(i, in_len)) {
        return CXL_RC_INVALID_PAYLOAD_LENGTH;
    }
    if (dc->response_open) {
        batch = dc->response_batch;
    } else if (!cxl_dc_oldest_batch(&dc->store, &batch)) {
        return CXL_RC_INVALID_INPUT;        /* nothing was offered */
    }
    copy = dc_store_copy(&dc->store);
    rc = dc_apply_list(ct3, i, &copy, CXL_DC_PENDING);
    if (rc == CXL_RC_SUCCESS && !(i->flags & RESPONSE_FLAG_MORE)) {
        /* the offer is complete: what is left of it pending is dropped */
        trace_cxl_type3_dc_batch_done(batch, cxl_dc_drop_batch(&copy, batch));
    }
    if (rc == CXL_RC_SUCCESS) {
        rc = dc_shared_sync(ct3, &copy);
    }
    if (rc != CXL_RC_SUCCESS) {
        g_array_unref(copy.extents);
        trace_cxl_type3_dc_refused("Add Dynamic Capacity Response", rc);
        return rc;
    }
    dc_commit(ct3, &copy, i, false);
    dc->response_open = i->flags & RESPONSE_FLAG_MORE;
    dc->response_batch = batch;
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_release_dc(CXLCCI *cci, const uint8_t *in,
                                 size_t in_len, uint8_t *out,
                                 size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);
    const CXLDCResponseIn *i = (const CXLDCResponseIn *)in;
    CXLDCStore copy;
    CXLRetCode rc;

    if (!dc_in_len_ok(i, in_len)) {
        return CXL_RC_INVALID_PAYLOAD_LENGTH;
    }
    if (!i->nr_extents) {
        return CXL_RC_INVALID_INPUT;
    }
    copy = dc_store_copy(&ct3->dc->store);
    rc = dc_apply_list(ct3, i, &copy, CXL_DC_ACCEPTED);
    if (rc == CXL_RC_SUCCESS) {
        rc = dc_shared_sync(ct3, &copy);
    }
    if (rc != CXL_RC_SUCCESS) {
        g_array_unref(copy.extents);
        trace_cxl_type3_dc_refused("Release Dynamic Capacity", rc);
        return rc;
    }
    dc_commit(ct3, &copy, i, true);
    return CXL_RC_SUCCESS;
}

static const CXLCCICommand dc_commands[] = {
    { CXL_OP_GET_DC_CONFIG, "Get Dynamic Capacity Configuration",
      cmd_get_dc_config, CXL_CCI_IN_EXACT, sizeof(CXLGetDCConfigIn), 0 },
    { CXL_OP_GET_DC_EXTENT_LIST, "Get Dynamic Capacity Extent List",
      cmd_get_dc_extent_list, CXL_CCI_IN_EXACT,
      sizeof(CXLGetDCExtentListIn), 0 },
    { CXL_OP_ADD_DC_RESPONSE, "Add Dynamic Capacity Response",
      cmd_add_dc_response, CXL_CCI_IN_MIN, sizeof(CXLDCResponseIn),
      CXL_CEL_IMMEDIATE_CONFIG_CHANGE | CXL_CEL_IMMEDIATE_DATA_CHANGE,
      CXL_CCI_F_MEDIA },
    { CXL_OP_RELEASE_DC, "Release Dynamic Capacity", cmd_release_dc,
      CXL_CCI_IN_MIN, sizeof(CXLDCResponseIn),
      CXL_CEL_IMMEDIATE_CONFIG_CHANGE | CXL_CEL_IMMEDIATE_DATA_CHANGE,
      CXL_CCI_F_MEDIA },
};

void cxl_type3_dc_add_commands(CXLType3Dev *ct3)
{
    if (ct3->dc) {
        cxl_cci_add_commands(&ct3->cci, dc_commands, ARRAY_SIZE(dc_commands));
        /*
         * The FM API commands belong on the fabric manager's CCI (ct3->
         * fm_cci: a switch's tunnel, MCTP), not on the host's mailbox,
         * where a host could give itself capacity: there only on request,
         * for prototyping.
         */
        if (ct3->fm_api_mailbox) {
            cxl_type3_fm_dcd_add_commands(&ct3->cci);
            cxl_type3_mhd_add_commands(ct3, &ct3->cci);
        }
    }
}

/*
 * ---- the fabric manager's operations (QMP, and the FM API commands of
 * cxl-type3-fm-dcd.c) ----
 */

static bool dc_check_target(CXLType3Dev *ct3, uint16_t host_id,
                            uint8_t region, Error **errp)
{
    const char *id = DEVICE(ct3)->id ?: TYPE_CXL_TYPE3;

    if (ct3->mhd && host_id != ct3->mhd_head && host_id < ct3->mhd_heads) {
        error_setg(errp, "host-id: host %u is head %u of multi-headed '%s', "
                   "served by the QEMU process with mhd-head=%u (this one "
                   "has mhd-head=%u)", host_id, host_id, id, host_id,
                   ct3->mhd_head);
        return false;
    }
    if (ct3->mhd && host_id != ct3->mhd_head) {
        error_setg(errp, "host-id: %u is not a host of '%s' (a multi-headed "
                   "device with mhd-heads=%u has hosts 0 to %u)", host_id, id,
                   ct3->mhd_heads, ct3->mhd_heads - 1);
        return false;
    }
    if (!ct3->mhd && host_id != 0) {
        error_setg(errp, "host-id: %u is not a host of '%s' (a single-headed "
                   "device has host 0 only)", host_id, id);
        return false;
    }
    if (region >= ct3->dc->nr_regions) {
        error_setg(errp, "region: %u is not a dynamic capacity region of "
                   "'%s' (it has %u: 0 to %u)", region, id,
                   ct3->dc->nr_regions, ct3->dc->nr_regions - 1);
        return false;
    }
    return true;
}

/*
 * The @n ranges (@dpa, @len) against region @r: each non-empty, in the
 * region and block aligned (Invalid Input or Invalid Physical Address),
 * no two overlapping (Invalid Extent List).
 */
static CXLRetCode dc_check_ranges(CXLType3DC *dc, uint8_t r, unsigned n,
                                  const uint64_t *dpa, const uint64_t *len,
                                  Error **errp)
{
    const CXLDCRegion *reg = &dc->region[r];
    unsigned a, b;

    if (!n) {
        error_setg(errp, "extents: the list is empty");
        return CXL_RC_INVALID_INPUT;
    }
    for (unsigned k = 0; k < n; k++) {
        uint64_t off = dpa[k] - reg->base, l = len[k];

        if (!l) {
            error_setg(errp, "extents[%u]: len is 0", k);
            return CXL_RC_INVALID_INPUT;
        }
        if (dpa[k] < reg->base) {
            error_setg(errp, "extents[%u]: DPA 0x%" PRIx64 " is below region "
                       "%u (DPA 0x%" PRIx64 ")", k, dpa[k], r, reg->base);
            return CXL_RC_INVALID_PHYSICAL_ADDRESS;
        }
        if (off >= reg->len || l > reg->len - off) {
            error_setg(errp, "extents[%u]: offset 0x%" PRIx64 " len 0x%"
                       PRIx64 " runs past region %u (0x%" PRIx64 " bytes)",
                       k, off, l, r, reg->len);
            return CXL_RC_INVALID_PHYSICAL_ADDRESS;
        }
        if (off % reg->block_size || l % reg->block_size) {
            error_setg(errp, "extents[%u]: offset 0x%" PRIx64 " and len 0x%"
                       PRIx64 " must be multiples of region %u's block size "
                       "0x%" PRIx64, k, off, l, r, reg->block_size);
            return CXL_RC_INVALID_INPUT;
        }
    }
    if (cxl_dc_ranges_overlap(dpa, len, n, &a, &b)) {
        error_setg(errp, "extents[%u] and extents[%u] overlap", a, b);
        return CXL_RC_INVALID_EXTENT_LIST;
    }
    return CXL_RC_SUCCESS;
}

/* The Dynamic Capacity log has room for @n records */
static bool dc_log_room(CXLType3Dev *ct3, unsigned n, Error **errp)
{
    unsigned room = cxl_events_room(&ct3->events, CXL_EVLOG_DC);

    if (n > room) {
        error_setg(errp, "extents: %u extents need %u Dynamic Capacity event "
                   "records; the event log has room for %u", n, n, room);
        return false;
    }
    return true;
}

uint64_t cxl_type3_dc_block_sizes(CXLType3Dev *ct3, unsigned r)
{
    const CXLDCRegion *reg = &ct3->dc->region[r];
    uint64_t mask = 0;

    /* powers of two from 64 bytes that divide the region's base and length */
    for (unsigned k = 6; k < 64; k++) {
        uint64_t bs = 1ull << k;

        if (bs <= reg->len && !(reg->base % bs) && !(reg->len % bs)) {
            mask |= bs;
        }
    }
    return mask;
}

CXLRetCode cxl_type3_dc_set_region(CXLType3Dev *ct3, uint8_t region,
                                   uint64_t block_size, bool sanitize,
                                   Error **errp)
{
    CXLType3DC *dc = ct3->dc;
    CXLDCRegion *reg;
    CXLDCExtent e = { .region = region };

    if (region >= dc->nr_regions) {
        error_setg(errp, "region: %u is not a dynamic capacity region (the "
                   "device has %u)", region, dc->nr_regions);
        return CXL_RC_INVALID_INPUT;
    }
    reg = &dc->region[region];
    if (ct3->mhd) {
        error_setg(errp, "the regions of a multi-headed device are fixed "
                   "(every head checks them against mhd-state)");
        return CXL_RC_UNSUPPORTED;
    }
    if (!is_power_of_2(block_size) ||
        !(cxl_type3_dc_block_sizes(ct3, region) & block_size)) {
        error_setg(errp, "block size 0x%" PRIx64 " is not supported by "
                   "region %u", block_size, region);
        return CXL_RC_INVALID_INPUT;
    }
    for (unsigned i = 0; i < cxl_dc_count(&dc->store); i++) {
        if (cxl_dc_at(&dc->store, i)->region == region) {
            error_setg(errp, "region %u has extents (pending or accepted)",
                       region);
            return CXL_RC_UNSUPPORTED;
        }
    }
    if (!cxl_events_room(&ct3->events, CXL_EVLOG_DC)) {
        error_setg(errp, "the Dynamic Capacity event log is full");
        return CXL_RC_RETRY;
    }
    reg->block_size = block_size;
    reg->sanitize_on_release = sanitize;
    /* the record names the region; its extent fields are zero */
    dc_event(ct3, CXL_DC_EVENT_REGION_CONFIG, &e, false);
    return CXL_RC_SUCCESS;
}

/* The heads of mask @heads, as "1" or "0, 2" (for messages) */
static char *dc_heads_str(uint16_t heads)
{
    GString *s = g_string_new("");

    for (unsigned h = 0; h < 16; h++) {
        if (heads & BIT(h)) {
            g_string_append_printf(s, "%s%u", s->len ? ", " : "", h);
        }
    }
    return g_string_free(s, false);
}

/*
 * A multi-headed device's offer, with the shared table locked: the
 * extents must not overlap what another head holds.
 */
static CXLRetCode dc_check_other_heads(CXLType3Dev *ct3, unsigned n,
                                       const uint64_t *dpa,
                                       const uint64_t *len, Error **errp)
{
    const CXLMHDTable *t = cxl_type3_mhd_table(ct3);

    for (unsigned k = 0; t && k < n; k++) {
        int i = cxl_mhd_find_overlap(t, dpa[k], len[k]);

        if (i >= 0) {
            const CXLMHDEntry *e = cxl_mhd_at(t, i);
            g_autofree char *heads = dc_heads_str(cxl_mhd_holders(e));

            error_setg(errp, "extents[%u] overlaps the extent at DPA 0x%"
                       PRIx64 " (0x%" PRIx64 " bytes) that host %s holds "
                       "(the QEMU process with that mhd-head)", k, e->dpa,
                       e->len, heads);
            return CXL_RC_INVALID_EXTENT_LIST;
        }
    }
    return CXL_RC_SUCCESS;
}

/*
 * Enable shared access, with the shared table locked: the shared extents
 * of @region with @tag that other heads hold and this one does not, into
 * @out (of CXLDCExtent, pending)
 */
static CXLRetCode dc_shared_extents(CXLType3Dev *ct3, uint8_t region,
                                    const uint8_t *tag, unsigned n,
                                    GArray *out, Error **errp)
{
    g_autoptr(GArray) found = g_array_new(false, false, sizeof(CXLMHDEntry));
    uint16_t head = cxl_type3_dc_host(ct3);

    if (!ct3->mhd) {
        error_setg(errp, "selection-policy: enable-shared-access needs a "
                   "multi-headed device (mhd-state); this one has one host");
        return CXL_RC_UNSUPPORTED;
    }
    if (!ct3->dc->region[region].sharable) {
        error_setg(errp, "region: enable-shared-access needs a sharable "
                   "region; region %u is not (dc-sharable-regions)", region);
        return CXL_RC_INVALID_INPUT;
    }
    if (!tag) {
        error_setg(errp, "tag: enable-shared-access needs the tag of the "
                   "shared extents");
        return CXL_RC_INVALID_INPUT;
    }
    if (n) {
        error_setg(errp, "extents: enable-shared-access takes no extents "
                   "(the tag selects them)");
        return CXL_RC_INVALID_INPUT;
    }
    switch (cxl_mhd_shared_find(cxl_type3_mhd_table(ct3), head, region, tag,
                                found)) {
    case CXL_MHD_SHARED_NONE:
        error_setg(errp, "tag: no other host holds a shared extent of "
                   "region %u with that tag", region);
        return CXL_RC_INVALID_EXTENT_LIST;
    case CXL_MHD_SHARED_HELD:
        error_setg(errp, "tag: host %u already holds the shared extents of "
                   "region %u with that tag", head, region);
        return CXL_RC_INVALID_EXTENT_LIST;
    case CXL_MHD_SHARED_FOUND:
        break;
    }
    for (unsigned k = 0; k < found->len; k++) {
        const CXLMHDEntry *f = &g_array_index(found, CXLMHDEntry, k);
        CXLDCExtent e = {
            .dpa = f->dpa, .len = f->len, .host_id = head,
            .region = region, .state = CXL_DC_PENDING,
            .shared = true, .shared_seq = f->shared_seq,
        };

        memcpy(e.tag, f->tag, sizeof(e.tag));
        g_array_append_val(out, e);
    }
    return CXL_RC_SUCCESS;
}

/* Make this head hold @s in the shared table (multi-headed) */
static CXLRetCode dc_shared_update(CXLType3Dev *ct3, const CXLDCStore *s,
                                   Error **errp)
{
    if (!cxl_type3_mhd_update(ct3, s)) {
        error_setg(errp, "extents: the device's shared extent table is full "
                   "(%u extents over all heads)", CXL_DC_MAX_EXTENTS);
        return CXL_RC_RESOURCES_EXHAUSTED;
    }
    return CXL_RC_SUCCESS;
}

/* The mailbox's changes of this head's store, in the shared table */
static CXLRetCode dc_shared_sync(CXLType3Dev *ct3, const CXLDCStore *s)
{
    Error *err = NULL;
    CXLRetCode rc;

    if (!ct3->mhd) {
        return CXL_RC_SUCCESS;
    }
    if (!cxl_type3_mhd_begin(ct3, &err)) {
        error_report_err(err);
        return CXL_RC_INTERNAL_ERROR;
    }
    rc = dc_shared_update(ct3, s, &err);
    cxl_type3_mhd_end(ct3);
    if (err) {
        error_free(err);
    }
    return rc;
}

/* cxl_type3_dc_add() with the shared table (if any) locked */
static CXLRetCode dc_add_locked(CXLType3Dev *ct3, uint16_t host_id,
                                uint8_t policy, uint8_t region,
                                const uint8_t *tag, unsigned n,
                                const uint64_t *dpa, const uint64_t *len,
                                Error **errp)
{
    CXLType3DC *dc = ct3->dc;
    g_autoptr(GArray) add = g_array_new(false, false, sizeof(CXLDCExtent));
    CXLDCStore copy;
    uint32_t batch;
    CXLRetCode rc;

    if (policy == CXL_DC_SELECT_ENABLE_SHARED) {
        rc = dc_shared_extents(ct3, region, tag, n, add, errp);
        if (rc != CXL_RC_SUCCESS) {
            return rc;
        }
    } else {
        for (unsigned k = 0; k < n; k++) {
            CXLDCExtent e = {
                .dpa = dpa[k], .len = len[k], .host_id = host_id,
                .region = region, .state = CXL_DC_PENDING,
                .shared = dc->region[region].sharable,
                .shared_seq = dc->region[region].sharable ? k : 0,
            };

            if (tag) {
                memcpy(e.tag, tag, sizeof(e.tag));
            }
            g_array_append_val(add, e);
        }
    }
    n = add->len;
    if (!dc_log_room(ct3, n, errp)) {
        return CXL_RC_RETRY;
    }
    if (n > dc->store.max_extents - cxl_dc_count(&dc->store)) {
        error_setg(errp, "extents: %u extents would exceed the %u the device "
                   "supports (%u in use)", n, dc->store.max_extents,
                   cxl_dc_count(&dc->store));
        return CXL_RC_RESOURCES_EXHAUSTED;
    }
    if (policy != CXL_DC_SELECT_ENABLE_SHARED) {
        rc = dc_check_ranges(dc, region, n, dpa, len, errp);
        if (rc != CXL_RC_SUCCESS) {
            return rc;
        }
        for (unsigned k = 0; k < n; k++) {
            int i = cxl_dc_find_overlap(&dc->store, dpa[k], len[k]);

            if (i >= 0) {
                const CXLDCExtent *e = cxl_dc_at(&dc->store, i);

                error_setg(errp, "extents[%u] overlaps the %s extent at DPA "
                           "0x%" PRIx64 " (0x%" PRIx64 " bytes)", k,
                           e->state == CXL_DC_PENDING ? "pending"
                                                      : "accepted",
                           e->dpa, e->len);
                return CXL_RC_INVALID_EXTENT_LIST;
            }
        }
        rc = dc_check_other_heads(ct3, n, dpa, len, errp);
        if (rc != CXL_RC_SUCCESS) {
            return rc;
        }
    }
    /* the shared table first: it may be full */
    batch = dc->store.next_batch;
    copy = dc_store_copy(&dc->store);
    for (unsigned k = 0; k < n; k++) {
        CXLDCExtent *e = &g_array_index(add, CXLDCExtent, k);
        bool ok;

        e->batch = batch;
        ok = cxl_dc_insert(&copy, e);           /* room checked above */
        assert(ok);
    }
    rc = dc_shared_update(ct3, &copy, errp);
    g_array_unref(copy.extents);
    if (rc != CXL_RC_SUCCESS) {
        return rc;
    }
    dc->store.next_batch++;
    for (unsigned k = 0; k < n; k++) {
        CXLDCExtent *e = &g_array_index(add, CXLDCExtent, k);
        bool ok = cxl_dc_insert(&dc->store, e);

        assert(ok);
        dc_event(ct3, CXL_DC_EVENT_ADD_CAPACITY, e, k + 1 < n);
    }
    trace_cxl_type3_dc_offer(DEVICE(ct3)->id ?: "", region, n, batch);
    return CXL_RC_SUCCESS;
}

CXLRetCode cxl_type3_dc_add(CXLType3Dev *ct3, uint16_t host_id,
                            uint8_t policy, uint8_t region,
                            const uint8_t *tag, unsigned n,
                            const uint64_t *dpa, const uint64_t *len,
                            Error **errp)
{
    CXLRetCode rc;

    if (!dc_check_target(ct3, host_id, region, errp)) {
        return CXL_RC_INVALID_INPUT;
    }
    if (policy == CXL_DC_SELECT_ENABLE_SHARED && !ct3->mhd) {
        error_setg(errp, "selection-policy: enable-shared-access needs a "
                   "multi-headed device; this one has one host");
        return CXL_RC_UNSUPPORTED;
    }
    if (policy > CXL_DC_SELECT_ENABLE_SHARED) {
        error_setg(errp, "selection-policy: %u is not a policy", policy);
        return CXL_RC_INVALID_INPUT;
    }
    if (policy == CXL_DC_SELECT_CONTIGUOUS && n != 1) {
        error_setg(errp, "extents: selection-policy contiguous takes one "
                   "extent (got %u)", n);
        return CXL_RC_INVALID_INPUT;
    }
    if (!cxl_type3_mhd_begin(ct3, errp)) {
        return CXL_RC_INTERNAL_ERROR;
    }
    rc = dc_add_locked(ct3, host_id, policy, region, tag, n, dpa, len, errp);
    cxl_type3_mhd_end(ct3);
    return rc;
}

CXLRetCode cxl_type3_dc_release(CXLType3Dev *ct3, uint16_t host_id,
                                uint8_t policy, bool forced, uint8_t region,
                                const uint8_t *tag, unsigned n,
                                const uint64_t *dpa, const uint64_t *len,
                                Error **errp)
{
    CXLType3DC *dc = ct3->dc;
    g_autoptr(GArray) rel = g_array_new(false, false, sizeof(CXLDCExtent));
    CXLDCStore copy;
    CXLRetCode rc;

    if (!dc_check_target(ct3, host_id, region, errp)) {
        return CXL_RC_INVALID_INPUT;
    }
    if (policy == CXL_DC_REMOVE_TAG_BASED) {
        if (!tag) {
            error_setg(errp, "tag: removal-policy tag-based needs a tag");
            return CXL_RC_INVALID_INPUT;
        }
        for (unsigned i = 0; i < cxl_dc_count(&dc->store); i++) {
            const CXLDCExtent *e = cxl_dc_at(&dc->store, i);

            if (e->state == CXL_DC_ACCEPTED && e->region == region &&
                !memcmp(e->tag, tag, sizeof(e->tag))) {
                g_array_append_val(rel, *e);
            }
        }
        if (!rel->len) {
            error_setg(errp, "tag: no accepted extent of region %u has that "
                       "tag", region);
            return CXL_RC_INVALID_EXTENT_LIST;
        }
    } else if (policy == CXL_DC_REMOVE_PRESCRIPTIVE) {
        rc = dc_check_ranges(dc, region, n, dpa, len, errp);
        if (rc != CXL_RC_SUCCESS) {
            return rc;
        }
        for (unsigned k = 0; k < n; k++) {
            int i = cxl_dc_find_containing(&dc->store, dpa[k], len[k],
                                           CXL_DC_ACCEPTED);
            CXLDCExtent e;

            if (i < 0) {
                i = cxl_dc_find_overlap(&dc->store, dpa[k], len[k]);
                error_setg(errp, "extents[%u]: DPA 0x%" PRIx64 " (0x%" PRIx64
                           " bytes) is not in one accepted extent%s", k,
                           dpa[k], len[k],
                           i < 0 ? " (no extent there)" :
                           cxl_dc_at(&dc->store, i)->state == CXL_DC_PENDING
                           ? " (it is still pending)" : "");
                return CXL_RC_INVALID_EXTENT_LIST;
            }
            e = *cxl_dc_at(&dc->store, i);
            if (tag && memcmp(e.tag, tag, sizeof(e.tag))) {
                error_setg(errp, "extents[%u]: the extent at DPA 0x%" PRIx64
                           " does not have that tag", k, dpa[k]);
                return CXL_RC_INVALID_EXTENT_LIST;
            }
            e.dpa = dpa[k];
            e.len = len[k];
            g_array_append_val(rel, e);
        }
    } else {
        error_setg(errp, "removal-policy: %u is not a policy", policy);
        return CXL_RC_INVALID_INPUT;
    }
    if (!dc_log_room(ct3, rel->len, errp)) {
        return CXL_RC_RETRY;
    }
    if (forced) {
        copy = dc_store_copy(&dc->store);
        for (unsigned k = 0; k < rel->len; k++) {
            CXLDCExtent *e = &g_array_index(rel, CXLDCExtent, k);
            int i = cxl_dc_find_containing(&copy, e->dpa, e->len,
                                           CXL_DC_ACCEPTED);

            if (!cxl_dc_remove_range(&copy, i, e->dpa, e->len)) {
                g_array_unref(copy.extents);
                error_setg(errp, "extents: releasing parts of extents would "
                           "exceed the %u extents the device supports",
                           dc->store.max_extents);
                return CXL_RC_RESOURCES_EXHAUSTED;
            }
        }
        rc = dc_shared_sync(ct3, &copy);
        if (rc != CXL_RC_SUCCESS) {
            g_array_unref(copy.extents);
            error_setg(errp, "extents: releasing parts of extents would "
                       "exceed the %u extents of the device's shared extent "
                       "table", CXL_DC_MAX_EXTENTS);
            return rc;
        }
        g_array_unref(dc->store.extents);
        dc->store = copy;
    }
    for (unsigned k = 0; k < rel->len; k++) {
        CXLDCExtent *e = &g_array_index(rel, CXLDCExtent, k);

        if (forced) {
            dc_access_changed(ct3, e->dpa, e->len);
            dc_scrub(ct3, e->dpa, e->len);
        }
        dc_event(ct3, forced ? CXL_DC_EVENT_FORCED_RELEASE
                             : CXL_DC_EVENT_RELEASE_CAPACITY,
                 e, k + 1 < rel->len);
    }
    trace_cxl_type3_dc_release(DEVICE(ct3)->id ?: "", region, rel->len,
                               forced);
    return CXL_RC_SUCCESS;
}

/* ---- QMP ---- */

/* The QAPI enums are in the spec's order */
QEMU_BUILD_BUG_ON(CXL_EXTENT_SELECTION_POLICY_FREE != CXL_DC_SELECT_FREE);
QEMU_BUILD_BUG_ON(CXL_EXTENT_SELECTION_POLICY_CONTIGUOUS !=
                  CXL_DC_SELECT_CONTIGUOUS);
QEMU_BUILD_BUG_ON(CXL_EXTENT_SELECTION_POLICY_PRESCRIPTIVE !=
                  CXL_DC_SELECT_PRESCRIPTIVE);
QEMU_BUILD_BUG_ON(CXL_EXTENT_SELECTION_POLICY_ENABLE_SHARED_ACCESS !=
                  CXL_DC_SELECT_ENABLE_SHARED);
QEMU_BUILD_BUG_ON(CXL_EXTENT_REMOVAL_POLICY_TAG_BASED !=
                  CXL_DC_REMOVE_TAG_BASED);
QEMU_BUILD_BUG_ON(CXL_EXTENT_REMOVAL_POLICY_PRESCRIPTIVE !=
                  CXL_DC_REMOVE_PRESCRIPTIVE);

static CXLType3Dev *dc_dev(const char *path, Error **errp)
{
    CXLType3Dev *ct3 = cxl_type3_from_qmp_path(path, errp);

    if (ct3 && !ct3->dc) {
        error_setg(errp, "path: '%s' has no dynamic capacity "
                   "(num-dc-regions is 0)", path);
        return NULL;
    }
    return ct3;
}

static bool dc_parse_tag(const char *tag, uint8_t *out, Error **errp)
{
    QemuUUID uuid;

    if (qemu_uuid_parse(tag, &uuid) < 0) {
        error_setg(errp, "tag: '%s' is not a UUID "
                   "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", tag);
        return false;
    }
    memcpy(out, uuid.data, CXL_DC_TAG_LEN);
    return true;
}

/* The arguments of an add or release, as cxl_type3_dc_add/release take */
typedef struct DCQmpArgs {
    CXLType3Dev *ct3;
    uint8_t tag[CXL_DC_TAG_LEN];
    const uint8_t *tagp;        /* tag, or NULL */
    CXLDCRanges ext;
} DCQmpArgs;

static void dc_qmp_args_clear(DCQmpArgs *a)
{
    cxl_dc_ranges_clear(&a->ext);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(DCQmpArgs, dc_qmp_args_clear)

/*
 * The device, tag and extents (region offsets, as DPA ranges of region
 * @r; an offset past the end of the DPA space saturates, and the range
 * checks refuse it)
 */
static bool dc_qmp_args(DCQmpArgs *a, const char *path, uint8_t r,
                        const char *tag,
                        CxlDynamicCapacityExtentList *list, Error **errp)
{
    unsigned n = 0;
    uint64_t base;

    a->ct3 = dc_dev(path, errp);
    if (!a->ct3 || (tag && !dc_parse_tag(tag, a->tag, errp))) {
        return false;
    }
    a->tagp = tag ? a->tag : NULL;
    base = r < a->ct3->dc->nr_regions ? a->ct3->dc->region[r].base : 0;
    for (CxlDynamicCapacityExtentList *l = list; l; l = l->next) {
        n++;
    }
    cxl_dc_ranges_alloc(&a->ext, n);
    for (unsigned k = 0; list; list = list->next, k++) {
        uint64_t off = list->value->offset;

        a->ext.dpa[k] = off > UINT64_MAX - base ? UINT64_MAX : base + off;
        a->ext.len[k] = list->value->len;
    }
    return true;
}

void qmp_cxl_add_dynamic_capacity(const char *path, uint16_t host_id,
                                  CxlExtentSelectionPolicy selection_policy,
                                  uint8_t region, const char *tag,
                                  CxlDynamicCapacityExtentList *extents,
                                  Error **errp)
{
    g_auto(DCQmpArgs) a = { };

    if (dc_qmp_args(&a, path, region, tag, extents, errp)) {
        cxl_type3_dc_add(a.ct3, host_id, selection_policy, region, a.tagp,
                         a.ext.n, a.ext.dpa, a.ext.len, errp);
    }
}

void qmp_cxl_release_dynamic_capacity(const char *path, uint16_t host_id,
                                      CxlExtentRemovalPolicy removal_policy,
                                      bool has_forced_removal,
                                      bool forced_removal,
                                      bool has_sanitize_on_release,
                                      bool sanitize_on_release,
                                      uint8_t region, const char *tag,
                                      CxlDynamicCapacityExtentList *extents,
                                      Error **errp)
{
    g_auto(DCQmpArgs) a = { };

    /* released capacity is always zeroed: sanitize-on-release is moot */
    if (dc_qmp_args(&a, path, region, tag, extents, errp)) {
        cxl_type3_dc_release(a.ct3, host_id, removal_policy, forced_removal,
                             region, a.tagp, a.ext.n, a.ext.dpa, a.ext.len,
                             errp);
    }
}

CxlDynamicCapacityInfo *qmp_cxl_query_dynamic_capacity(const char *path,
                                                       Error **errp)
{
    CXLType3Dev *ct3 = cxl_type3_from_qmp_path(path, errp);
    CxlDynamicCapacityInfo *info;
    CxlDynamicCapacityRegionInfoList **rt;
    CxlDynamicCapacityExtentInfoList **et;
    CXLType3DC *dc;

    if (!ct3) {
        return NULL;
    }
    dc = ct3->dc;
    if (!dc) {
        error_setg(errp, "path: '%s' has no dynamic capacity "
                   "(num-dc-regions is 0)", path);
        return NULL;
    }
    info = g_new0(CxlDynamicCapacityInfo, 1);
    if (ct3->mhd) {
        Error *err = NULL;

        info->has_head = info->has_heads = true;
        info->head = ct3->mhd_head;
        info->heads = ct3->mhd_heads;
        if (!cxl_type3_mhd_begin(ct3, &err)) {
            error_propagate(errp, err);
            qapi_free_CxlDynamicCapacityInfo(info);
            return NULL;
        }
    }
    rt = &info->regions;
    for (unsigned i = 0; i < dc->nr_regions; i++) {
        CxlDynamicCapacityRegionInfo *r = g_new0(CxlDynamicCapacityRegionInfo,
                                                 1);

        *r = (CxlDynamicCapacityRegionInfo) {
            .index = i,
            .base = dc->region[i].base,
            .decode_length = dc->region[i].decode_len,
            .length = dc->region[i].len,
            .block_size = dc->region[i].block_size,
            .dsmad_handle = dc->region[i].dsmad_handle,
            .has_sharable = !!ct3->mhd,
            .sharable = dc->region[i].sharable,
        };
        QAPI_LIST_APPEND(rt, r);
    }
    et = &info->extents;
    for (unsigned i = 0; i < cxl_dc_count(&dc->store); i++) {
        const CXLDCExtent *e = cxl_dc_at(&dc->store, i);
        CxlDynamicCapacityExtentInfo *x = g_new0(CxlDynamicCapacityExtentInfo,
                                                 1);
        QemuUUID uuid;

        memcpy(uuid.data, e->tag, sizeof(uuid.data));
        *x = (CxlDynamicCapacityExtentInfo) {
            .region = e->region,
            .dpa = e->dpa,
            .offset = e->dpa - dc->region[e->region].base,
            .len = e->len,
            .tag = qemu_uuid_is_null(&uuid) ? NULL
                                            : qemu_uuid_unparse_strdup(&uuid),
            .shared_seq = e->shared_seq,
            .state = e->state == CXL_DC_PENDING ? CXL_EXTENT_STATE_PENDING
                                                : CXL_EXTENT_STATE_ACCEPTED,
            .host_id = e->host_id,
        };
        if (ct3->mhd) {
            uint16_t others = cxl_mhd_holders_of(cxl_type3_mhd_table(ct3),
                                                 e->dpa, e->len) &
                              ~BIT(ct3->mhd_head);
            uint16List **ht = &x->other_heads;

            x->has_shared = true;
            x->shared = e->shared;
            for (unsigned h = 0; h < ct3->mhd_heads; h++) {
                if (others & BIT(h)) {
                    QAPI_LIST_APPEND(ht, h);
                }
            }
            x->has_other_heads = x->other_heads != NULL;
        }
        QAPI_LIST_APPEND(et, x);
    }
    cxl_type3_mhd_end(ct3);
    return info;
}

/*
 * ---- migration ----
 *
 * The stream carries what changes at run time: each region's block size
 * and sanitize on release flag (Set DC Region Configuration; the rest of
 * a region is the properties'), the extent store (pending and accepted
 * extents with their tags, shared sequence numbers and batches; the
 * extent list generation number, the next batch number) and an open Add
 * Dynamic Capacity Response. The Dynamic Capacity event records are in
 * the event logs (ct3_vmstate); the capacity's data is RAM migration's.
 * Everything is loaded aside, checked as the commands would have left
 * it, then applied; the DPA maps and the fast path follow the loaded
 * store on ct3_post_load()'s notification.
 */

static int dc_pre_save(void *opaque)
{
    CXLType3DC *dc = opaque;
    unsigned n = cxl_dc_count(&dc->store);

    for (unsigned r = 0; r < CXL_DC_MAX_REGIONS; r++) {
        dc->mig_block_size[r] = r < dc->nr_regions ?
                                dc->region[r].block_size : 0;
        dc->mig_sanitize[r] = r < dc->nr_regions &&
                              dc->region[r].sanitize_on_release;
    }
    dc->mig_generation = dc->store.generation;
    dc->mig_next_batch = dc->store.next_batch;
    dc->mig_response_open = dc->response_open;
    dc->mig_response_batch = dc->response_batch;
    dc->mig_nr_extents = n;
    dc->mig_extents = g_new0(CXLDCExtentMig, n);
    for (unsigned i = 0; i < n; i++) {
        const CXLDCExtent *e = cxl_dc_at(&dc->store, i);

        dc->mig_extents[i] = (CXLDCExtentMig) {
            .dpa = e->dpa,
            .len = e->len,
            .shared_seq = e->shared_seq,
            .shared = e->shared,
            .host_id = e->host_id,
            .region = e->region,
            .state = e->state,
            .batch = e->batch,
        };
        memcpy(dc->mig_extents[i].tag, e->tag, CXL_DC_TAG_LEN);
    }
    return 0;
}

static int dc_post_save(void *opaque)
{
    CXLType3DC *dc = opaque;

    g_clear_pointer(&dc->mig_extents, g_free);
    return 0;
}

static int dc_pre_load(void *opaque)
{
    CXLType3DC *dc = opaque;

    dc->mig_extents = NULL;
    return 0;
}

/* The stream's extent count, before anything is allocated for it */
static bool dc_nr_extents_ok(void *opaque, int version_id)
{
    CXLType3DC *dc = opaque;

    return dc->mig_nr_extents >= 0 &&
           dc->mig_nr_extents <= (int32_t)dc->store.max_extents;
}

/* Check the loaded state; on success @store holds the loaded extents */
static bool dc_loaded_ok(CXLType3DC *dc, CXLDCStore *store)
{
    CXLType3Dev *ct3 = dc->owner;

    for (unsigned r = 0; r < dc->nr_regions; r++) {
        uint64_t bs = dc->mig_block_size[r];

        if (!is_power_of_2(bs) || bs > dc->region[r].len ||
            !(cxl_type3_dc_block_sizes(ct3, r) & bs)) {
            return false;
        }
    }
    for (unsigned r = dc->nr_regions; r < CXL_DC_MAX_REGIONS; r++) {
        if (dc->mig_block_size[r] || dc->mig_sanitize[r]) {
            return false;
        }
    }
    if (!dc->mig_next_batch) {
        return false;           /* batches are numbered from 1 */
    }
    for (int32_t i = 0; i < dc->mig_nr_extents; i++) {
        const CXLDCExtentMig *m = &dc->mig_extents[i];
        CXLDCRegion reg;
        CXLDCExtent e = {
            .dpa = m->dpa,
            .len = m->len,
            .shared_seq = m->shared_seq,
            .shared = m->shared,
            .host_id = m->host_id,
            .region = m->region,
            .state = m->state,
            .batch = m->batch,
        };

        if (m->region >= dc->nr_regions ||
            (m->state != CXL_DC_PENDING && m->state != CXL_DC_ACCEPTED) ||
            m->host_id != cxl_type3_dc_host(ct3) ||
            (m->shared && !dc->region[m->region].sharable) ||
            (m->state == CXL_DC_PENDING &&
             (!m->batch || m->batch >= dc->mig_next_batch))) {
            return false;
        }
        reg = dc->region[m->region];
        reg.block_size = dc->mig_block_size[m->region];
        memcpy(e.tag, m->tag, CXL_DC_TAG_LEN);
        if (cxl_dc_check_range(&reg, e.dpa, e.len) != CXL_DC_RANGE_OK ||
            cxl_dc_find_overlap(store, e.dpa, e.len) >= 0 ||
            !cxl_dc_insert(store, &e)) {
            return false;
        }
    }
    if (cxl_dc_count_tags(store) > CXL_DC_MAX_TAGS) {
        return false;
    }
    /* an open response is for a batch that was offered */
    return !dc->mig_response_open ||
           (dc->mig_response_batch &&
            dc->mig_response_batch < dc->mig_next_batch);
}

static int dc_post_load(void *opaque, int version_id)
{
    CXLType3DC *dc = opaque;
    CXLDCStore store;
    Error *err = NULL;
    bool ok;

    cxl_dc_store_init(&store, dc->store.max_extents);
    ok = dc_loaded_ok(dc, &store);
    if (ok) {
        for (unsigned r = 0; r < dc->nr_regions; r++) {
            dc->region[r].block_size = dc->mig_block_size[r];
            dc->region[r].sanitize_on_release = dc->mig_sanitize[r];
        }
        cxl_dc_store_cleanup(&dc->store);
        dc->store = store;
        dc->store.generation = dc->mig_generation;
        dc->store.next_batch = dc->mig_next_batch;
        dc->response_open = dc->mig_response_open;
        dc->response_batch = dc->mig_response_batch;
        /* a head of a multi-headed device: the shared table holds it */
        if (!cxl_type3_mhd_migrated(dc->owner, &dc->store, &err)) {
            error_report_err(err);
            ok = false;
        }
    } else {
        error_report("%s: the dynamic capacity state in the stream is "
                     "inconsistent", TYPE_CXL_TYPE3);
        cxl_dc_store_cleanup(&store);
    }
    g_clear_pointer(&dc->mig_extents, g_free);
    return ok ? 0 : -EINVAL;
}

static const VMStateDescription vmstate_dc_extent = {
    .name = "cxl-dc-extent",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT64(dpa, CXLDCExtentMig),
        VMSTATE_UINT64(len, CXLDCExtentMig),
        VMSTATE_UINT8_ARRAY(tag, CXLDCExtentMig, CXL_DC_TAG_LEN),
        VMSTATE_UINT16(shared_seq, CXLDCExtentMig),
        VMSTATE_BOOL(shared, CXLDCExtentMig),
        VMSTATE_UINT16(host_id, CXLDCExtentMig),
        VMSTATE_UINT8(region, CXLDCExtentMig),
        VMSTATE_UINT8(state, CXLDCExtentMig),
        VMSTATE_UINT32(batch, CXLDCExtentMig),
        VMSTATE_END_OF_LIST()
    },
};

const VMStateDescription vmstate_cxl_type3_dc = {
    .name = "cxl-type3-dc",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = dc_pre_save,
    .post_save = dc_post_save,
    .pre_load = dc_pre_load,
    .post_load = dc_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32_EQUAL(nr_regions, CXLType3DC, NULL),
        VMSTATE_UINT64_ARRAY(mig_block_size, CXLType3DC, CXL_DC_MAX_REGIONS),
        VMSTATE_BOOL_ARRAY(mig_sanitize, CXLType3DC, CXL_DC_MAX_REGIONS),
        VMSTATE_UINT32(mig_generation, CXLType3DC),
        VMSTATE_UINT32(mig_next_batch, CXLType3DC),
        VMSTATE_BOOL(mig_response_open, CXLType3DC),
        VMSTATE_UINT32(mig_response_batch, CXLType3DC),
        VMSTATE_INT32(mig_nr_extents, CXLType3DC),
        VMSTATE_VALIDATE("dynamic capacity extent count", dc_nr_extents_ok),
        VMSTATE_STRUCT_VARRAY_ALLOC(mig_extents, CXLType3DC, mig_nr_extents,
                                    1, vmstate_dc_extent, CXLDCExtentMig),
        VMSTATE_END_OF_LIST()
    },
};
