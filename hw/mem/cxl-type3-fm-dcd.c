/*
 * The FM API DCD management command set (CXL r3.1 7.6.7.6) on the
 * cxl-type3's CCI: Get DCD Info (5600h), Get Host DC Region Configuration
 * (5601h), Set DC Region Configuration (5602h), Get DC Region Extent Lists
 * (5603h), Initiate Dynamic Capacity Add (5604h) and Initiate Dynamic
 * Capacity Release (5605h). Registered on the fabric manager's CCI of a
 * device with dynamic capacity (ct3_fm_cci_init() in cxl-type3.c), which
 * a switch's Tunnel Management Command reaches, and with
 * x-fm-api-mailbox=on on its host mailbox too (cxl_type3_dc_add_commands());
 * the work is done by the DC code (hw/mem/cxl-type3-dc.c), as for QMP.
 *
 * Linux has none of these commands: the payload layouts
 * (include/hw/cxl/cxl-mailbox.h) and the return codes below are from
 * memory of CXL r3.1 7.6.7.6.
 *
 * - A single-headed device has host 0 only; a head of a multi-headed device
 *   (cxl-type3-mhd.c) serves its own host id (mhd-head), the other heads'
 *   are served by their own QEMU processes. Another host id is Invalid
 *   Input.
 * - Initiate Add/Release take the extent list for every policy, as the QMP
 *   commands do: the device does not choose extents itself for the free
 *   and contiguous policies. The Length field must then be 0 or the sum of
 *   the extents' lengths (else Invalid Input). The extents' Start DPA are
 *   DPAs (QMP takes offsets in the region); their tag and shared sequence
 *   fields are ignored (the request's tag applies).
 * - Initiate Release names no region: a prescriptive release is of the
 *   region of its first extent (all its extents must be in that region:
 *   Invalid Physical Address otherwise, as QMP); a tag-based one releases
 *   the tag's accepted extents in every region, with one batch of records
 *   (More flags) per region.
 * - Release's sanitize on release flag is accepted and has no further
 *   effect: released capacity is always zeroed.
 * - Set DC Region Configuration on a region with extents is Unsupported.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "qemu/bswap.h"
#include "qemu/host-utils.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "hw/registerfields.h"
#include "hw/cxl/cxl-mailbox.h"
#include "hw/cxl/cxl-type3.h"

#define CAPACITY_UNIT           (256 * MiB)

/* Initiate Dynamic Capacity Release flags */
FIELD(DC_RELEASE_FLAGS, POLICY, 0, 4)
FIELD(DC_RELEASE_FLAGS, FORCED, 4, 1)
FIELD(DC_RELEASE_FLAGS, SANITIZE, 5, 1)

/* The selection and removal policies cxl_type3_dc_add/release implement */
#define ADD_POLICIES    (BIT(CXL_DC_SELECT_FREE) | \
                         BIT(CXL_DC_SELECT_CONTIGUOUS) | \
                         BIT(CXL_DC_SELECT_PRESCRIPTIVE))
#define REMOVAL_POLICIES (BIT(CXL_DC_REMOVE_TAG_BASED) | \
                          BIT(CXL_DC_REMOVE_PRESCRIPTIVE))

/* A refusal of the DC code: log its reason as a guest error */
static CXLRetCode fm_dcd_result(const char *cmd, CXLRetCode rc, Error *err)
{
    if (err) {
        qemu_log_mask(LOG_GUEST_ERROR, "cxl-type3: %s: %s\n", cmd,
                      error_get_pretty(err));
        error_free(err);
    }
    return rc;
}

static CXLRetCode cmd_get_dcd_info(CXLCCI *cci, const uint8_t *in,
                                   size_t in_len, uint8_t *out,
                                   size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);
    CXLType3DC *dc = ct3->dc;
    CXLGetDCDInfoOut *o = (CXLGetDCDInfoOut *)out;

    QEMU_BUILD_BUG_ON(ARRAY_SIZE(o->block_size_mask) < CXL_DC_MAX_REGIONS);
    memset(o, 0, sizeof(*o));
    /* a head of a multi-headed device: every head is a host */
    o->num_hosts = ct3->mhd ? ct3->mhd_heads : 1;
    o->num_regions = dc->nr_regions;
    o->add_policies = cpu_to_le16(ADD_POLICIES |
                                  (ct3->mhd ? BIT(CXL_DC_SELECT_ENABLE_SHARED)
                                            : 0));
    o->removal_policies = cpu_to_le16(REMOVAL_POLICIES);
    o->sanitize_mask = MAKE_64BIT_MASK(0, dc->nr_regions);
    o->total_capacity = cpu_to_le64(ct3->dcsize / CAPACITY_UNIT);
    for (unsigned r = 0; r < dc->nr_regions; r++) {
        o->block_size_mask[r] = cpu_to_le64(cxl_type3_dc_block_sizes(ct3, r));
    }
    *out_len = sizeof(*o);
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_get_host_dc_config(CXLCCI *cci, const uint8_t *in,
                                         size_t in_len, uint8_t *out,
                                         size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);
    CXLType3DC *dc = ct3->dc;
    const CXLGetHostDCConfigIn *i = (const CXLGetHostDCConfigIn *)in;
    CXLGetHostDCConfigOut *o = (CXLGetHostDCConfigOut *)out;
    CXLGetDCConfigTrailer *t;
    unsigned n, fit;

    if (le16_to_cpu(i->host_id) != cxl_type3_dc_host(ct3) ||
        i->start_region >= dc->nr_regions) {
        return CXL_RC_INVALID_INPUT;
    }
    fit = (cci->payload_max - sizeof(*o) - sizeof(*t)) /
          sizeof(o->region[0]);
    n = MIN(MIN(i->region_count, dc->nr_regions - i->start_region), fit);
    o->host_id = i->host_id;
    o->nr_regions = dc->nr_regions;
    o->regions_returned = n;
    for (unsigned r = 0; r < n; r++) {
        cxl_type3_dc_region_config(ct3, i->start_region + r, &o->region[r]);
    }
    t = (CXLGetDCConfigTrailer *)&o->region[n];
    cxl_type3_dc_config_trailer(ct3, t);
    *out_len = sizeof(*o) + n * sizeof(o->region[0]) + sizeof(*t);
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_set_dc_region_config(CXLCCI *cci, const uint8_t *in,
                                           size_t in_len, uint8_t *out,
                                           size_t *out_len)
{
    const CXLSetDCRegionConfigIn *i = (const CXLSetDCRegionConfigIn *)in;
    Error *err = NULL;
    CXLRetCode rc;

    rc = cxl_type3_dc_set_region(ct3_of(cci), i->region,
                                 le64_to_cpu(i->block_size),
                                 i->flags & CXL_DC_REGION_SANITIZE_ON_RELEASE,
                                 &err);
    return fm_dcd_result("Set DC Region Configuration", rc, err);
}

static CXLRetCode cmd_get_dc_region_extents(CXLCCI *cci, const uint8_t *in,
                                            size_t in_len, uint8_t *out,
                                            size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);
    const CXLGetDCRegionExtentsIn *i = (const CXLGetDCRegionExtentsIn *)in;
    CXLGetDCRegionExtentsOut *o = (CXLGetDCRegionExtentsOut *)out;
    uint32_t start = le32_to_cpu(i->start), count = le32_to_cpu(i->count);
    uint32_t total = cxl_dc_count_state(&ct3->dc->store, CXL_DC_ACCEPTED);
    uint32_t fit = (cci->payload_max - sizeof(*o)) / sizeof(o->extent[0]);
    uint32_t n;

    /* this process's host owns every extent of its store */
    if (le16_to_cpu(i->host_id) != cxl_type3_dc_host(ct3) || start > total) {
        return CXL_RC_INVALID_INPUT;
    }
    n = MIN(MIN(count, total - start), fit);
    memset(o, 0, sizeof(*o));
    o->host_id = i->host_id;
    o->start = cpu_to_le32(start);
    o->returned = cpu_to_le32(n);
    o->total = cpu_to_le32(total);
    o->generation = cpu_to_le32(ct3->dc->store.generation);
    cxl_type3_dc_extent_list(ct3, start, n, o->extent);
    *out_len = sizeof(*o) + n * sizeof(o->extent[0]);
    return CXL_RC_SUCCESS;
}

/*
 * The @n extents at @ext of a request of @in_len bytes whose fixed part is
 * @hdr bytes: Invalid Payload Length if the list does not fill the rest
 * exactly; Invalid Input if @length is neither 0 nor their total length.
 */
static CXLRetCode fm_dcd_extents(CXLDCRanges *x, size_t in_len, size_t hdr,
                                 uint32_t n, const CXLDCExtentRaw *ext,
                                 uint64_t length)
{
    uint64_t sum = 0;
    bool wrapped = false;

    if ((uint64_t)n * sizeof(*ext) != in_len - hdr) {
        return CXL_RC_INVALID_PAYLOAD_LENGTH;
    }
    cxl_dc_ranges_alloc(x, n);
    for (uint32_t k = 0; k < n; k++) {
        x->dpa[k] = le64_to_cpu(ext[k].start_dpa);
        x->len[k] = le64_to_cpu(ext[k].len);
        wrapped |= uadd64_overflow(sum, x->len[k], &sum);
    }
    if (length && (wrapped || length != sum)) {
        qemu_log_mask(LOG_GUEST_ERROR, "cxl-type3: Initiate Dynamic Capacity "
                      "Add/Release: length 0x%" PRIx64 " is not the extents' "
                      "total length\n", length);
        return CXL_RC_INVALID_INPUT;
    }
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_initiate_dc_add(CXLCCI *cci, const uint8_t *in,
                                      size_t in_len, uint8_t *out,
                                      size_t *out_len)
{
    const CXLInitiateDCAddIn *i = (const CXLInitiateDCAddIn *)in;
    g_auto(CXLDCRanges) x = { };
    Error *err = NULL;
    CXLRetCode rc;

    rc = fm_dcd_extents(&x, in_len, sizeof(*i), le32_to_cpu(i->nr_extents),
                        i->extent, le64_to_cpu(i->length));
    if (rc != CXL_RC_SUCCESS) {
        return rc;
    }
    rc = cxl_type3_dc_add(ct3_of(cci), le16_to_cpu(i->host_id),
                          i->policy & 0xf, i->region, i->tag, x.n, x.dpa,
                          x.len, &err);
    return fm_dcd_result("Initiate Dynamic Capacity Add", rc, err);
}

/*
 * Tag-based release: the request names no region, so release the tag's
 * accepted extents region by region (one batch of records per region).
 * The event log must have room for all of them first, so that the
 * release is all or nothing.
 */
static CXLRetCode fm_dcd_release_tag(CXLType3Dev *ct3, uint16_t host_id,
                                     bool forced, const uint8_t *tag)
{
    CXLType3DC *dc = ct3->dc;
    unsigned per_region[CXL_DC_MAX_REGIONS] = { 0 }, total = 0;
    Error *err = NULL;
    CXLRetCode rc = CXL_RC_SUCCESS;

    if (host_id != cxl_type3_dc_host(ct3)) {
        return CXL_RC_INVALID_INPUT;
    }
    for (unsigned k = 0; k < cxl_dc_count(&dc->store); k++) {
        const CXLDCExtent *e = cxl_dc_at(&dc->store, k);

        if (e->state == CXL_DC_ACCEPTED &&
            !memcmp(e->tag, tag, sizeof(e->tag))) {
            per_region[e->region]++;
            total++;
        }
    }
    if (!total) {
        return CXL_RC_INVALID_EXTENT_LIST;
    }
    if (total > cxl_events_room(&ct3->events, CXL_EVLOG_DC)) {
        return CXL_RC_RETRY;
    }
    for (unsigned r = 0; r < dc->nr_regions && rc == CXL_RC_SUCCESS; r++) {
        if (per_region[r]) {
            /* whole extents: cannot fail now */
            rc = cxl_type3_dc_release(ct3, host_id, CXL_DC_REMOVE_TAG_BASED,
                                      forced, r, tag, 0, NULL, NULL, &err);
        }
    }
    return fm_dcd_result("Initiate Dynamic Capacity Release", rc, err);
}

static CXLRetCode cmd_initiate_dc_release(CXLCCI *cci, const uint8_t *in,
                                          size_t in_len, uint8_t *out,
                                          size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);
    const CXLInitiateDCReleaseIn *i = (const CXLInitiateDCReleaseIn *)in;
    static const uint8_t untagged[CXL_DC_TAG_LEN];
    g_auto(CXLDCRanges) x = { };
    const uint8_t *tag;
    Error *err = NULL;
    uint8_t policy;
    bool forced;
    int region;
    CXLRetCode rc;

    rc = fm_dcd_extents(&x, in_len, sizeof(*i), le32_to_cpu(i->nr_extents),
                        i->extent, le64_to_cpu(i->length));
    if (rc != CXL_RC_SUCCESS) {
        return rc;
    }
    policy = FIELD_EX8(i->flags, DC_RELEASE_FLAGS, POLICY);
    forced = FIELD_EX8(i->flags, DC_RELEASE_FLAGS, FORCED);
    /* an all-zero tag: any tag (prescriptive), as QMP without a tag */
    tag = memcmp(i->tag, untagged, sizeof(untagged)) ? i->tag : NULL;
    if (policy == CXL_DC_REMOVE_TAG_BASED && tag) {
        return fm_dcd_release_tag(ct3, le16_to_cpu(i->host_id), forced, tag);
    }
    /* the request has no region: the first extent's (any for no tag) */
    region = 0;
    if (policy != CXL_DC_REMOVE_TAG_BASED && x.n) {
        region = cxl_dc_region_of(ct3->dc->region, ct3->dc->nr_regions,
                                  x.dpa[0], 1);
        if (region < 0) {
            return CXL_RC_INVALID_PHYSICAL_ADDRESS;
        }
    }
    rc = cxl_type3_dc_release(ct3, le16_to_cpu(i->host_id), policy, forced,
                              region, tag, x.n, x.dpa, x.len, &err);
    return fm_dcd_result("Initiate Dynamic Capacity Release", rc, err);
}

static const CXLCCICommand fm_dcd_commands[] = {
    { CXL_OP_GET_DCD_INFO, "Get DCD Info", cmd_get_dcd_info,
      CXL_CCI_IN_EXACT, 0, 0 },
    { CXL_OP_GET_HOST_DC_REGION_CONFIG, "Get Host DC Region Configuration",
      cmd_get_host_dc_config, CXL_CCI_IN_EXACT,
      sizeof(CXLGetHostDCConfigIn), 0 },
    { CXL_OP_SET_DC_REGION_CONFIG, "Set DC Region Configuration",
      cmd_set_dc_region_config, CXL_CCI_IN_EXACT,
      sizeof(CXLSetDCRegionConfigIn),
      CXL_CEL_IMMEDIATE_CONFIG_CHANGE | CXL_CEL_IMMEDIATE_LOG_CHANGE },
    { CXL_OP_GET_DC_REGION_EXTENT_LISTS, "Get DC Region Extent Lists",
      cmd_get_dc_region_extents, CXL_CCI_IN_EXACT,
      sizeof(CXLGetDCRegionExtentsIn), 0 },
    { CXL_OP_INITIATE_DC_ADD, "Initiate Dynamic Capacity Add",
      cmd_initiate_dc_add, CXL_CCI_IN_MIN, sizeof(CXLInitiateDCAddIn),
      CXL_CEL_IMMEDIATE_CONFIG_CHANGE | CXL_CEL_IMMEDIATE_LOG_CHANGE },
    { CXL_OP_INITIATE_DC_RELEASE, "Initiate Dynamic Capacity Release",
      cmd_initiate_dc_release, CXL_CCI_IN_MIN,
      sizeof(CXLInitiateDCReleaseIn),
      CXL_CEL_IMMEDIATE_CONFIG_CHANGE | CXL_CEL_IMMEDIATE_DATA_CHANGE |
      CXL_CEL_IMMEDIATE_LOG_CHANGE },
};

void cxl_type3_fm_dcd_add_commands(CXLCCI *cci)
{
    assert(ct3_of(cci)->dc);
    cxl_cci_add_commands(cci, fm_dcd_commands,
                         ARRAY_SIZE(fm_dcd_commands));
}
