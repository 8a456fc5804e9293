/*
 * qtest: the FM API DCD management commands on the cxl-type3's CCI
 * (hw/mem/cxl-type3-fm-dcd.c) through its mailbox registers: Get DCD Info,
 * Get Host DC Region Configuration, Set DC Region Configuration, Get DC
 * Region Extent Lists, Initiate Dynamic Capacity Add and Release, with
 * good input, every wrong length and out-of-range fields; Initiate Add
 * against QMP's cxl-add-dynamic-capacity.
 *
 * The payload layouts are from memory of CXL r3.1 7.6.7.6 (Linux has no
 * FM API DCD code), as in include/hw/cxl/cxl-mailbox.h.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/bitops.h"
#include "qemu/bswap.h"
#include "libqtest.h"
#include "cxl-type3-qtest.h"

#define OP_GET_CONFIG       0x4800
#define OP_ADD_RESPONSE     0x4802
#define OP_RELEASE          0x4803
#define OP_INFO             0x5600
#define OP_HOST_CONFIG      0x5601
#define OP_SET_REGION       0x5602
#define OP_EXTENTS          0x5603
#define OP_ADD              0x5604
#define OP_RELEASE_INIT     0x5605

#define ADD_HDR             0x20
#define EXTENT_LEN          0x28
#define MAX_EXT             4
#define RC_RETRY            0x05

/* A TAG_A in bytes (the UUID's byte order) */
static const uint8_t tag_a[16] = {
    0x5b, 0xe4, 0xd9, 0xb6, 0x0a, 0x1c, 0x4a, 0x66,
    0x9d, 0x7e, 0x2f, 0x1a, 0x6b, 0x9c, 0x4d, 0x01,
};

static const uint8_t tag_b[16] = { 0xbb, [15] = 0x02 };

/*
 * An Initiate Dynamic Capacity Add (@op 5604h; @b = selection policy) or
 * Release (5605h; @b = flags) request of @n extents (DPA, length)
 */
typedef struct DCDReq {
    uint8_t buf[ADD_HDR + EXTENT_LEN * MAX_EXT];
    size_t len;
} DCDReq;

static void req_init(DCDReq *r, uint16_t host, uint8_t b, uint8_t region,
                     uint64_t length, const uint8_t *tag, unsigned n,
                     const uint64_t *dpa, const uint64_t *len)
{
    g_assert_cmpuint(n, <=, MAX_EXT);
    memset(r->buf, 0, sizeof(r->buf));
    stw_le_p(r->buf, host);
    r->buf[2] = b;
    r->buf[3] = region;
    stq_le_p(r->buf + 4, length);
    if (tag) {
        memcpy(r->buf + 0xc, tag, 16);
    }
    stl_le_p(r->buf + 0x1c, n);
    for (unsigned k = 0; k < n; k++) {
        stq_le_p(r->buf + ADD_HDR + EXTENT_LEN * k, dpa[k]);
        stq_le_p(r->buf + ADD_HDR + EXTENT_LEN * k + 8, len[k]);
    }
    r->len = ADD_HDR + EXTENT_LEN * n;
}

static uint16_t req_send(T3 *t, uint16_t op, DCDReq *r)
{
    return mbox_send(t, op, r->buf, r->len, NULL, 0, NULL);
}

/* Initiate an add or release of one extent */
static uint16_t fm1(T3 *t, uint16_t op, uint8_t b, uint8_t region,
                    const uint8_t *tag, uint64_t dpa, uint64_t len)
{
    DCDReq r;

    req_init(&r, 0, b, region, 0, tag, 1, &dpa, &len);
    return req_send(t, op, &r);
}

/* Set DC Region Configuration */
static uint16_t set_region(T3 *t, uint8_t region, uint64_t bs, uint8_t flags)
{
    uint8_t in[16] = { region };

    stq_le_p(in + 4, bs);
    in[12] = flags;
    return mbox_send(t, OP_SET_REGION, in, sizeof(in), NULL, 0, NULL);
}

/* The FM API commands are on the host's mailbox only on request */
#define FM ",x-fm-api-mailbox=on"

/* none of the FM API DCD commands in @t's CEL, and 5600h Unsupported */
static void check_no_fm_commands(T3 *t)
{
    g_autofree uint8_t *cel = NULL;
    uint8_t out[256];
    uint32_t size, len;

    cel = cxl_qtest_read_cel(t->qts, t->mbox, t->payload_max, &size);
    for (uint32_t i = 0; i < size; i += 4) {
        g_assert_cmphex(lduw_le_p(cel + i) & 0xff00, !=, 0x5600);
    }
    g_assert_cmphex(mbox_send(t, OP_INFO, NULL, 0, out, sizeof(out), &len),
                    ==, RC_UNSUPPORTED);
}

/*
 * The CEL lists the six commands with their effects with
 * x-fm-api-mailbox=on; none without DC, none by default
 */
static void test_cel(void)
{
    static const uint16_t want[][2] = {
        { OP_INFO, 0 }, { OP_HOST_CONFIG, 0 }, { OP_SET_REGION, 0x12 },
        { OP_EXTENTS, 0 }, { OP_ADD, 0x12 }, { OP_RELEASE_INIT, 0x16 },
    };
    T3 t;

    dc_start(&t, FM);
    dc_check_cel(&t, want, ARRAY_SIZE(want));
    t3_stop(&t);

    t3_start(&t, false);
    check_no_fm_commands(&t);
    t3_stop(&t);

    dc_start(&t, "");
    check_no_fm_commands(&t);
    t3_stop(&t);
}

static void test_info(void)
{
    /* 256 MiB regions at 256 MiB multiples: 64 bytes to 256 MiB */
    const uint64_t mask = MAKE_64BIT_MASK(6, 23);
    uint8_t out[256];
    uint32_t len;
    T3 t;

    dc_start(&t, FM);
    g_assert_cmphex(mbox_send(&t, OP_INFO, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 0x54);
    g_assert_cmpuint(out[0], ==, 1);                    /* hosts */
    g_assert_cmpuint(out[1], ==, 2);                    /* regions */
    g_assert_cmphex(lduw_le_p(out + 4), ==, 0x7);       /* free..prescr. */
    g_assert_cmphex(lduw_le_p(out + 8), ==, 0x3);       /* tag, prescr. */
    g_assert_cmphex(out[10], ==, 0x3);                  /* sanitize mask */
    g_assert_cmpuint(ldq_le_p(out + 12), ==, DC_SIZE / (256 * MiB));
    g_assert_cmphex(ldq_le_p(out + 0x14), ==, mask);
    g_assert_cmphex(ldq_le_p(out + 0x1c), ==, mask);
    for (unsigned r = 2; r < 8; r++) {
        g_assert_cmphex(ldq_le_p(out + 0x14 + 8 * r), ==, 0);
    }
    g_assert_cmphex(mbox_send(&t, OP_INFO, out, 1, out, sizeof(out), &len),
                    ==, RC_PAYLOAD_LEN);
    t3_stop(&t);
}

static void test_host_config(void)
{
    static const uint8_t all[2] = { 8, 0 };
    uint8_t out[512], dev[512], in[5] = { 0, 0, 8, 0, 0 };
    uint32_t len, dlen;
    T3 t;

    dc_start(&t, FM);
    g_assert_cmphex(mbox_send(&t, OP_HOST_CONFIG, in, 4, out, sizeof(out),
                              &len), ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 4 + 2 * 40 + 16);
    g_assert_cmpuint(lduw_le_p(out), ==, 0);
    g_assert_cmpuint(out[2], ==, 2);
    g_assert_cmpuint(out[3], ==, 2);
    /* the entries and extents/tags are Get DC Configuration's */
    g_assert_cmphex(mbox_send(&t, OP_GET_CONFIG, all, 2, dev, sizeof(dev),
                              &dlen), ==, RC_SUCCESS);
    g_assert_cmpuint(dlen - 8, ==, len - 4);
    g_assert_cmpmem(out + 4, len - 4, dev + 8, dlen - 8);
    g_assert_cmphex(ldq_le_p(out + 4), ==, DC_BASE);
    g_assert_cmphex(ldq_le_p(out + 4 + 40 + 24), ==, BLOCK);
    g_assert_cmpuint(ldl_le_p(out + 4 + 80), ==, 512);

    /* from region 1; none */
    in[3] = 1;
    g_assert_cmphex(mbox_send(&t, OP_HOST_CONFIG, in, 4, out, sizeof(out),
                              &len), ==, RC_SUCCESS);
    g_assert_cmpuint(out[3], ==, 1);
    g_assert_cmphex(ldq_le_p(out + 4), ==, DC_BASE + DC_REGION_LEN);
    in[2] = 0;
    g_assert_cmphex(mbox_send(&t, OP_HOST_CONFIG, in, 4, out, sizeof(out),
                              &len), ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 4 + 16);
    /* past the last region; another host; wrong lengths */
    in[2] = 1;
    in[3] = 2;
    g_assert_cmphex(mbox_send(&t, OP_HOST_CONFIG, in, 4, out, sizeof(out),
                              &len), ==, RC_INVALID_INPUT);
    in[3] = 0;
    in[0] = 1;
    g_assert_cmphex(mbox_send(&t, OP_HOST_CONFIG, in, 4, out, sizeof(out),
                              &len), ==, RC_INVALID_INPUT);
    in[0] = 0;
    in[1] = 1;
    g_assert_cmphex(mbox_send(&t, OP_HOST_CONFIG, in, 4, out, sizeof(out),
                              &len), ==, RC_INVALID_INPUT);
    g_assert_cmphex(mbox_send(&t, OP_HOST_CONFIG, in, 3, out, sizeof(out),
                              &len), ==, RC_PAYLOAD_LEN);
    g_assert_cmphex(mbox_send(&t, OP_HOST_CONFIG, in, 5, out, sizeof(out),
                              &len), ==, RC_PAYLOAD_LEN);
    t3_stop(&t);
}

/* Region @r's block size and flags, by Get DC Configuration */
static void check_region(T3 *t, unsigned r, uint64_t bs, uint8_t flags)
{
    uint8_t out[256], in[2] = { 1, r };
    uint32_t len;

    g_assert_cmphex(mbox_send(t, OP_GET_CONFIG, in, 2, out, sizeof(out),
                              &len), ==, RC_SUCCESS);
    g_assert_cmphex(ldq_le_p(out + 8 + 24), ==, bs);
    g_assert_cmphex(out[8 + 36], ==, flags);
}

static void test_set_region(void)
{
    uint8_t recs[128 * 16], in[17] = { 0 };   /* 16 bytes, and one too many */
    T3 t;

    dc_start(&t, FM);
    /* region 1: 4 MiB blocks, sanitize on release; one record */
    g_assert_cmphex(set_region(&t, 1, 4 * MiB, 1), ==, RC_SUCCESS);
    check_region(&t, 1, 4 * MiB, 1);
    check_region(&t, 0, BLOCK, 0);
    g_assert_cmpuint(dc_events(&t, recs), ==, 1);
    g_assert_cmpmem(recs, 16, dc_uuid, 16);
    g_assert_cmpuint(recs[0x30], ==, 3);         /* region config updated */
    g_assert_cmpuint(lduw_le_p(recs + 0x32), ==, 0);
    g_assert_cmpuint(recs[0x34], ==, 1);
    g_assert_cmpuint(recs[0x35], ==, 0);
    g_assert_cmphex(ldq_le_p(recs + 0x38), ==, 0);
    g_assert_cmphex(ldq_le_p(recs + 0x40), ==, 0);
    /* the new block size applies */
    qmp_err(dc_add(&t, 1, NULL, "[{'offset': 0, 'len': 2097152}]"),
            "block size 0x400000");
    qmp_ok(dc_add(&t, 1, NULL, "[{'offset': 0, 'len': 4194304}]"));
    g_assert_cmpuint(dc_events(&t, recs), ==, 1);

    /* refused while region 1 has a pending, then an accepted extent */
    g_assert_cmphex(set_region(&t, 1, BLOCK, 0), ==, RC_UNSUPPORTED);
    g_assert_cmphex(dc_respond1(&t, OP_ADD_RESPONSE, DC_BASE + DC_REGION_LEN,
                                4 * MiB), ==, RC_SUCCESS);
    g_assert_cmphex(set_region(&t, 1, BLOCK, 0), ==, RC_UNSUPPORTED);
    check_region(&t, 1, 4 * MiB, 1);
    /* region 0 has none: accepted */
    g_assert_cmphex(set_region(&t, 0, 64 * KiB, 0), ==, RC_SUCCESS);
    check_region(&t, 0, 64 * KiB, 0);
    g_assert_cmpuint(dc_events(&t, recs), ==, 1);
    g_assert_cmpuint(recs[0x34], ==, 0);
    /* accepted again once the extent is released */
    g_assert_cmphex(dc_respond1(&t, OP_RELEASE, DC_BASE + DC_REGION_LEN,
                                4 * MiB), ==, RC_SUCCESS);
    g_assert_cmphex(set_region(&t, 1, 256 * MiB, 0), ==, RC_SUCCESS);
    check_region(&t, 1, 256 * MiB, 0);
    g_assert_cmpuint(dc_events(&t, recs), ==, 1);

    /* bad region, block sizes; wrong lengths: nothing changes */
    g_assert_cmphex(set_region(&t, 2, BLOCK, 0), ==, RC_INVALID_INPUT);
    g_assert_cmphex(set_region(&t, 255, BLOCK, 0), ==, RC_INVALID_INPUT);
    g_assert_cmphex(set_region(&t, 0, 0, 0), ==, RC_INVALID_INPUT);
    g_assert_cmphex(set_region(&t, 0, 32, 0), ==, RC_INVALID_INPUT);
    g_assert_cmphex(set_region(&t, 0, 3 * MiB, 0), ==, RC_INVALID_INPUT);
    g_assert_cmphex(set_region(&t, 0, 512 * MiB, 0), ==, RC_INVALID_INPUT);
    g_assert_cmphex(set_region(&t, 0, 1ull << 63, 0), ==, RC_INVALID_INPUT);
    stq_le_p(in + 4, BLOCK);
    g_assert_cmphex(mbox_send(&t, OP_SET_REGION, in, 15, NULL, 0, NULL), ==,
                    RC_PAYLOAD_LEN);
    g_assert_cmphex(mbox_send(&t, OP_SET_REGION, in, 17, NULL, 0, NULL), ==,
                    RC_PAYLOAD_LEN);
    check_region(&t, 0, 64 * KiB, 0);
    check_region(&t, 1, 256 * MiB, 0);
    g_assert_cmpuint(dc_events(&t, recs), ==, 0);
    t3_stop(&t);
}

/* Get DC Region Extent Lists of host @host, @count from @start */
static uint16_t region_extents(T3 *t, uint16_t host, uint32_t start,
                               uint32_t count, uint8_t *out, size_t size,
                               uint32_t *len)
{
    uint8_t in[12] = { 0 };

    stw_le_p(in, host);
    stl_le_p(in + 4, count);
    stl_le_p(in + 8, start);
    return mbox_send(t, OP_EXTENTS, in, sizeof(in), out, size, len);
}

static void test_extent_lists(void)
{
    uint8_t out[1024], in[13] = { 0 };    /* 12 bytes, and one too many */
    uint64_t dpa[2] = { DC_BASE, DC_BASE + DC_REGION_LEN + 8 * MiB };
    uint64_t len[2] = { 4 * MiB, BLOCK };
    uint32_t olen, gen0;
    T3 t;

    dc_start(&t, FM);
    g_assert_cmphex(region_extents(&t, 0, 0, 8, out, sizeof(out), &olen), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(olen, ==, 0x18);
    g_assert_cmpuint(ldl_le_p(out + 8), ==, 0);
    g_assert_cmpuint(ldl_le_p(out + 12), ==, 0);
    gen0 = ldl_le_p(out + 16);

    qmp_ok(dc_add(&t, 0, TAG_A, "[{'offset': 0, 'len': 4194304}]"));
    g_assert_cmphex(dc_respond1(&t, OP_ADD_RESPONSE, dpa[0], len[0]), ==,
                    RC_SUCCESS);
    qmp_ok(dc_add(&t, 1, NULL, "[{'offset': 8388608, 'len': 2097152}]"));
    /* pending extents are not listed */
    g_assert_cmphex(region_extents(&t, 0, 0, 8, out, sizeof(out), &olen), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(ldl_le_p(out + 12), ==, 1);
    g_assert_cmphex(dc_respond1(&t, OP_ADD_RESPONSE, dpa[1], len[1]), ==,
                    RC_SUCCESS);

    g_assert_cmphex(region_extents(&t, 0, 0, 8, out, sizeof(out), &olen), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(olen, ==, 0x18 + 2 * 0x28);
    g_assert_cmpuint(lduw_le_p(out), ==, 0);
    g_assert_cmpuint(ldl_le_p(out + 4), ==, 0);      /* start */
    g_assert_cmpuint(ldl_le_p(out + 8), ==, 2);      /* returned */
    g_assert_cmpuint(ldl_le_p(out + 12), ==, 2);     /* total */
    g_assert_cmpuint(ldl_le_p(out + 16), !=, gen0);
    for (unsigned k = 0; k < 2; k++) {
        g_assert_cmphex(ldq_le_p(out + 0x18 + 0x28 * k), ==, dpa[k]);
        g_assert_cmphex(ldq_le_p(out + 0x20 + 0x28 * k), ==, len[k]);
    }
    g_assert_cmpmem(out + 0x28, 16, tag_a, 16);
    /* paging: from 1, one; from 2 (the end), none */
    g_assert_cmphex(region_extents(&t, 0, 1, 1, out, sizeof(out), &olen), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(olen, ==, 0x18 + 0x28);
    g_assert_cmpuint(ldl_le_p(out + 4), ==, 1);
    g_assert_cmpuint(ldl_le_p(out + 8), ==, 1);
    g_assert_cmphex(ldq_le_p(out + 0x18), ==, dpa[1]);
    g_assert_cmphex(region_extents(&t, 0, 0, 1, out, sizeof(out), &olen), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(ldl_le_p(out + 8), ==, 1);
    g_assert_cmphex(ldq_le_p(out + 0x18), ==, dpa[0]);
    g_assert_cmphex(region_extents(&t, 0, 2, 1, out, sizeof(out), &olen), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(ldl_le_p(out + 8), ==, 0);
    g_assert_cmpuint(olen, ==, 0x18);
    /* past the end; another host; wrong lengths */
    g_assert_cmphex(region_extents(&t, 0, 3, 1, out, sizeof(out), &olen), ==,
                    RC_INVALID_INPUT);
    g_assert_cmphex(region_extents(&t, 0, UINT32_MAX, 1, out, sizeof(out),
                                   &olen), ==, RC_INVALID_INPUT);
    g_assert_cmphex(region_extents(&t, 1, 0, 1, out, sizeof(out), &olen), ==,
                    RC_INVALID_INPUT);
    g_assert_cmphex(mbox_send(&t, OP_EXTENTS, in, 11, out, sizeof(out),
                              &olen), ==, RC_PAYLOAD_LEN);
    g_assert_cmphex(mbox_send(&t, OP_EXTENTS, in, 13, out, sizeof(out),
                              &olen), ==, RC_PAYLOAD_LEN);
    t3_stop(&t);
}

/*
 * The Dynamic Capacity records of an add of three extents of region 0
 * with TAG_A, by QMP (@fm false) or by Initiate Dynamic Capacity Add;
 * checks the pending extents
 */
static unsigned add_three(bool fm, uint8_t *recs)
{
    uint64_t dpa[3] = { DC_BASE, DC_BASE + 16 * MiB, DC_BASE + 32 * MiB };
    uint64_t len[3] = { 4 * MiB, 2 * MiB, 8 * MiB };
    unsigned n;
    DCDReq r;
    T3 t;

    dc_start(&t, FM);
    if (fm) {
        req_init(&r, 0, 2, 0, 14 * MiB, tag_a, 3, dpa, len);
        g_assert_cmphex(req_send(&t, OP_ADD, &r), ==, RC_SUCCESS);
    } else {
        qmp_ok(dc_add(&t, 0, TAG_A, "[{'offset': 0, 'len': 4194304}, "
                      "{'offset': 16777216, 'len': 2097152}, "
                      "{'offset': 33554432, 'len': 8388608}]"));
    }
    check_query(&t, "pending:0:0x0+0x400000,pending:0:0x1000000+0x200000,"
                "pending:0:0x2000000+0x800000");
    n = dc_events(&t, recs);
    t3_stop(&t);
    return n;
}

static void test_add_as_qmp(void)
{
    uint8_t qmp[128 * 16], fm[128 * 16];

    g_assert_cmpuint(add_three(false, qmp), ==, 3);
    g_assert_cmpuint(add_three(true, fm), ==, 3);
    check_dc_record(fm, 0, 0, DC_BASE, 4 * MiB, true);
    check_dc_record(fm + 256, 0, 0, DC_BASE + 32 * MiB, 8 * MiB, false);
    g_assert_cmpmem(fm + 0x48, 16, tag_a, 16);
    for (unsigned k = 0; k < 3; k++) {
        /* the same records but for their handles and timestamps */
        g_assert_cmpmem(fm + 128 * k, 0x14, qmp + 128 * k, 0x14);
        g_assert_cmpmem(fm + 128 * k + 0x30, 0x50, qmp + 128 * k + 0x30,
                        0x50);
    }
}

static void test_add(void)
{
    static const char *state = "accepted:0:0x0+0x200000";
    uint64_t dpa[2] = { DC_BASE + 4 * MiB, DC_BASE + 8 * MiB };
    uint64_t len[2] = { BLOCK, BLOCK };
    uint8_t recs[128 * 16];
    DCDReq r;
    T3 t;

    dc_start(&t, FM);
    /* the host accepts an extent offered through the FM API */
    g_assert_cmphex(fm1(&t, OP_ADD, 2, 0, NULL, DC_BASE, BLOCK), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(dc_events(&t, recs), ==, 1);
    check_dc_record(recs, 0, 0, DC_BASE, BLOCK, false);
    g_assert_cmphex(dc_respond1(&t, OP_ADD_RESPONSE, DC_BASE, BLOCK), ==,
                    RC_SUCCESS);
    check_query(&t, state);

    /* bad input: the spec's codes, nothing changes */
    req_init(&r, 1, 2, 0, 0, NULL, 1, dpa, len);           /* host */
    g_assert_cmphex(req_send(&t, OP_ADD, &r), ==, RC_INVALID_INPUT);
    g_assert_cmphex(fm1(&t, OP_ADD, 2, 2, NULL, dpa[0], BLOCK), ==,
                    RC_INVALID_INPUT);                       /* region */
    g_assert_cmphex(fm1(&t, OP_ADD, 3, 0, NULL, dpa[0], BLOCK), ==,
                    RC_UNSUPPORTED);                         /* shared */
    g_assert_cmphex(fm1(&t, OP_ADD, 4, 0, NULL, dpa[0], BLOCK), ==,
                    RC_INVALID_INPUT);                       /* policy */
    req_init(&r, 0, 1, 0, 0, NULL, 2, dpa, len);           /* contiguous */
    g_assert_cmphex(req_send(&t, OP_ADD, &r), ==, RC_INVALID_INPUT);
    req_init(&r, 0, 2, 0, 0, NULL, 0, NULL, NULL);         /* no extent */
    g_assert_cmphex(req_send(&t, OP_ADD, &r), ==, RC_INVALID_INPUT);
    req_init(&r, 0, 2, 0, 3 * MiB, NULL, 2, dpa, len);     /* length */
    g_assert_cmphex(req_send(&t, OP_ADD, &r), ==, RC_INVALID_INPUT);
    g_assert_cmphex(fm1(&t, OP_ADD, 2, 0, NULL, dpa[0] + 4096, BLOCK), ==,
                    RC_INVALID_INPUT);                       /* unaligned */
    g_assert_cmphex(fm1(&t, OP_ADD, 2, 0, NULL, dpa[0], 0), ==,
                    RC_INVALID_INPUT);                       /* empty */
    g_assert_cmphex(fm1(&t, OP_ADD, 2, 0, NULL, DC_BASE + DC_REGION_LEN,
                        BLOCK), ==, RC_INVALID_PA);          /* region 1 */
    g_assert_cmphex(fm1(&t, OP_ADD, 2, 0, NULL, 0, BLOCK), ==,
                    RC_INVALID_PA);                          /* static */
    g_assert_cmphex(fm1(&t, OP_ADD, 2, 0, NULL, UINT64_MAX - 4095, 8192),
                    ==, RC_INVALID_PA);
    g_assert_cmphex(fm1(&t, OP_ADD, 2, 0, NULL, DC_BASE, 4 * MiB), ==,
                    RC_EXTENT_LIST);                         /* accepted */
    dpa[1] = dpa[0];
    req_init(&r, 0, 2, 0, 0, NULL, 2, dpa, len);           /* overlap */
    g_assert_cmphex(req_send(&t, OP_ADD, &r), ==, RC_EXTENT_LIST);
    /* wrong lengths: short, the count does not match */
    dpa[1] = DC_BASE + 8 * MiB;
    req_init(&r, 0, 2, 0, 0, NULL, 2, dpa, len);
    g_assert_cmphex(mbox_send(&t, OP_ADD, r.buf, ADD_HDR - 1, NULL, 0, NULL),
                    ==, RC_PAYLOAD_LEN);
    g_assert_cmphex(mbox_send(&t, OP_ADD, r.buf, r.len - 1, NULL, 0, NULL),
                    ==, RC_PAYLOAD_LEN);
    g_assert_cmphex(mbox_send(&t, OP_ADD, r.buf, r.len + 1, NULL, 0, NULL),
                    ==, RC_PAYLOAD_LEN);
    g_assert_cmphex(mbox_send(&t, OP_ADD, r.buf, ADD_HDR + EXTENT_LEN, NULL,
                              0, NULL), ==, RC_PAYLOAD_LEN);
    stl_le_p(r.buf + 0x1c, UINT32_MAX);
    g_assert_cmphex(req_send(&t, OP_ADD, &r), ==, RC_PAYLOAD_LEN);
    check_query(&t, state);
    g_assert_cmpuint(dc_events(&t, recs), ==, 0);

    /* free and contiguous take the list too; length 0 or the total */
    req_init(&r, 0, 0, 0, 4 * MiB, NULL, 2, dpa, len);
    g_assert_cmphex(req_send(&t, OP_ADD, &r), ==, RC_SUCCESS);
    g_assert_cmphex(fm1(&t, OP_ADD, 1, 1, NULL, DC_BASE + DC_REGION_LEN,
                        4 * MiB), ==, RC_SUCCESS);
    check_query(&t, "accepted:0:0x0+0x200000,pending:0:0x400000+0x200000,"
                "pending:0:0x800000+0x200000,pending:1:0x0+0x400000");
    g_assert_cmpuint(dc_events(&t, recs), ==, 3);
    check_dc_record(recs + 256, 0, 1, DC_BASE + DC_REGION_LEN, 4 * MiB,
                    false);
    t3_stop(&t);
}

static void test_release(void)
{
    uint64_t dpa[2] = { DC_BASE, DC_BASE + 8 * MiB };
    uint64_t len[2] = { 4 * MiB, 4 * MiB };
    static const char *state = "accepted:0:0x0+0x400000,"
                               "accepted:0:0x800000+0x400000,"
                               "pending:0:0x1000000+0x200000";
    uint8_t recs[128 * 16];
    DCDReq r;
    T3 t;

    dc_start(&t, FM);
    req_init(&r, 0, 2, 0, 0, tag_a, 2, dpa, len);
    g_assert_cmphex(req_send(&t, OP_ADD, &r), ==, RC_SUCCESS);
    g_assert_cmphex(dc_respond(&t, OP_ADD_RESPONSE, 0, 2, dpa, len), ==,
                    RC_SUCCESS);
    g_assert_cmphex(fm1(&t, OP_ADD, 2, 0, NULL, DC_BASE + 16 * MiB, BLOCK),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(dc_events(&t, recs), ==, 3);
    check_query(&t, state);

    /* bad input: nothing changes, no record */
    g_assert_cmphex(fm1(&t, OP_RELEASE_INIT, 1, 0, NULL, DC_BASE + 16 * MiB,
                        BLOCK), ==, RC_EXTENT_LIST);         /* pending */
    g_assert_cmphex(fm1(&t, OP_RELEASE_INIT, 1, 0, NULL, DC_BASE + 2 * MiB,
                        4 * MiB), ==, RC_EXTENT_LIST);       /* straddles */
    g_assert_cmphex(fm1(&t, OP_RELEASE_INIT, 1, 0, NULL, DC_BASE + 64 * MiB,
                        BLOCK), ==, RC_EXTENT_LIST);         /* nothing */
    g_assert_cmphex(fm1(&t, OP_RELEASE_INIT, 1, 0, NULL, DC_BASE + 4096,
                        BLOCK), ==, RC_INVALID_INPUT);       /* unaligned */
    g_assert_cmphex(fm1(&t, OP_RELEASE_INIT, 1, 0, NULL, 0, BLOCK), ==,
                    RC_INVALID_PA);
    g_assert_cmphex(fm1(&t, OP_RELEASE_INIT, 0, 0, NULL, 0, 0), ==,
                    RC_INVALID_INPUT);                       /* no tag */
    g_assert_cmphex(fm1(&t, OP_RELEASE_INIT, 0, 0, tag_b, 0, 0), ==,
                    RC_EXTENT_LIST);                         /* no such */
    g_assert_cmphex(fm1(&t, OP_RELEASE_INIT, 2, 0, NULL, DC_BASE, BLOCK), ==,
                    RC_INVALID_INPUT);                       /* policy */
    g_assert_cmphex(fm1(&t, OP_RELEASE_INIT, 1, 0, NULL,
                        DC_BASE + DC_REGION_LEN, BLOCK), ==,
                    RC_EXTENT_LIST);                         /* region 1 */
    dpa[1] = DC_BASE + DC_REGION_LEN;                        /* two regions */
    req_init(&r, 0, 1, 0, 0, NULL, 2, dpa, len);
    g_assert_cmphex(req_send(&t, OP_RELEASE_INIT, &r), ==, RC_INVALID_PA);
    dpa[1] = DC_BASE + 8 * MiB;
    req_init(&r, 1, 1, 0, 0, NULL, 1, dpa, len);
    g_assert_cmphex(req_send(&t, OP_RELEASE_INIT, &r), ==, RC_INVALID_INPUT);
    req_init(&r, 0, 1, 0, BLOCK, NULL, 1, dpa, len);       /* length */
    g_assert_cmphex(req_send(&t, OP_RELEASE_INIT, &r), ==, RC_INVALID_INPUT);
    req_init(&r, 0, 1, 0, 0, NULL, 1, dpa, len);
    g_assert_cmphex(mbox_send(&t, OP_RELEASE_INIT, r.buf, r.len - 1, NULL, 0,
                              NULL), ==, RC_PAYLOAD_LEN);
    g_assert_cmphex(mbox_send(&t, OP_RELEASE_INIT, r.buf, r.len + 1, NULL, 0,
                              NULL), ==, RC_PAYLOAD_LEN);
    g_assert_cmphex(mbox_send(&t, OP_RELEASE_INIT, r.buf, ADD_HDR - 1, NULL,
                              0, NULL), ==, RC_PAYLOAD_LEN);
    check_query(&t, state);
    g_assert_cmpuint(dc_events(&t, recs), ==, 0);

    /* prescriptive, part of an extent: a Release Capacity record */
    g_assert_cmphex(fm1(&t, OP_RELEASE_INIT, 1, 0, NULL, DC_BASE + 2 * MiB,
                        BLOCK), ==, RC_SUCCESS);
    g_assert_cmpuint(dc_events(&t, recs), ==, 1);
    check_dc_record(recs, 1, 0, DC_BASE + 2 * MiB, BLOCK, false);
    check_query(&t, state);
    g_assert_cmphex(dc_respond1(&t, OP_RELEASE, DC_BASE + 2 * MiB, BLOCK),
                    ==, RC_SUCCESS);
    check_query(&t, "accepted:0:0x0+0x200000,accepted:0:0x800000+0x400000,"
                "pending:0:0x1000000+0x200000");

    /* tag-based: every accepted extent with the tag */
    g_assert_cmphex(fm1(&t, OP_RELEASE_INIT, 0, 0, tag_a, 0, 0), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(dc_events(&t, recs), ==, 2);
    check_dc_record(recs, 1, 0, DC_BASE, BLOCK, true);
    check_dc_record(recs + 128, 1, 0, DC_BASE + 8 * MiB, 4 * MiB, false);

    /* forced (with sanitize on release): gone at once */
    g_assert_cmphex(fm1(&t, OP_RELEASE_INIT, 0x31, 0, tag_a, DC_BASE + 8 * MiB,
                        4 * MiB), ==, RC_SUCCESS);
    g_assert_cmpuint(dc_events(&t, recs), ==, 1);
    check_dc_record(recs, 2, 0, DC_BASE + 8 * MiB, 4 * MiB, false);
    check_query(&t, "accepted:0:0x0+0x200000,pending:0:0x1000000+0x200000");
    t3_stop(&t);
}

/* Tag-based release of a tag in two regions: both, one batch each */
static void test_release_tag_regions(void)
{
    uint64_t dpa[2] = { DC_BASE, DC_BASE + DC_REGION_LEN + 4 * MiB };
    uint64_t len[2] = { BLOCK, BLOCK };
    uint8_t recs[128 * 16];
    T3 t;

    dc_start(&t, FM);
    g_assert_cmphex(fm1(&t, OP_ADD, 2, 0, tag_b, dpa[0], len[0]), ==,
                    RC_SUCCESS);
    g_assert_cmphex(dc_respond1(&t, OP_ADD_RESPONSE, dpa[0], len[0]), ==,
                    RC_SUCCESS);
    g_assert_cmphex(fm1(&t, OP_ADD, 2, 1, tag_b, dpa[1], len[1]), ==,
                    RC_SUCCESS);
    g_assert_cmphex(dc_respond1(&t, OP_ADD_RESPONSE, dpa[1], len[1]), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(dc_events(&t, recs), ==, 2);
    /* forced: both go at once */
    g_assert_cmphex(fm1(&t, OP_RELEASE_INIT, 0x10, 0, tag_b, 0, 0), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(dc_events(&t, recs), ==, 2);
    check_dc_record(recs, 2, 0, dpa[0], len[0], false);
    check_dc_record(recs + 128, 2, 1, dpa[1], len[1], false);
    check_query(&t, "");
    g_assert_cmphex(fm1(&t, OP_RELEASE_INIT, 0x10, 0, tag_b, 0, 0), ==,
                    RC_EXTENT_LIST);
    t3_stop(&t);
}

/* A full Dynamic Capacity log: Retry, and nothing changes */
static void test_log_full(void)
{
    g_autoptr(GString) ext = g_string_new("[");
    g_autofree char *state = NULL;
    uint8_t recs[128 * 16];
    T3 t;

    for (unsigned k = 0; k < 32; k++) {
        g_string_append_printf(ext, "%s{'offset': %u, 'len': 2097152}",
                               k ? ", " : "", k * 2 * 1024 * 1024);
    }
    g_string_append(ext, "]");
    dc_start(&t, FM);
    qmp_ok(dc_add(&t, 0, NULL, ext->str));
    state = dc_query(&t);
    g_assert_cmphex(set_region(&t, 1, 4 * MiB, 0), ==, RC_RETRY);
    check_region(&t, 1, BLOCK, 0);
    g_assert_cmphex(fm1(&t, OP_ADD, 2, 1, NULL, DC_BASE + DC_REGION_LEN,
                        BLOCK), ==, RC_RETRY);
    check_query(&t, state);
    /* the first record cleared: room for one again */
    g_assert_cmpuint(event_records(&t, LOG_DC, recs, 16), ==, 32);
    event_clear(&t, LOG_DC, recs);
    g_assert_cmphex(set_region(&t, 1, 4 * MiB, 0), ==, RC_SUCCESS);
    check_region(&t, 1, 4 * MiB, 0);
    t3_stop(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cxl-type3-fm-dcd/cel", test_cel);
    qtest_add_func("/cxl-type3-fm-dcd/info", test_info);
    qtest_add_func("/cxl-type3-fm-dcd/host-config", test_host_config);
    qtest_add_func("/cxl-type3-fm-dcd/set-region", test_set_region);
    qtest_add_func("/cxl-type3-fm-dcd/extent-lists", test_extent_lists);
    qtest_add_func("/cxl-type3-fm-dcd/add-as-qmp", test_add_as_qmp);
    qtest_add_func("/cxl-type3-fm-dcd/add", test_add);
    qtest_add_func("/cxl-type3-fm-dcd/release", test_release);
    qtest_add_func("/cxl-type3-fm-dcd/release-tag-regions",
                   test_release_tag_regions);
    qtest_add_func("/cxl-type3-fm-dcd/log-full", test_log_full);
    return g_test_run();
}
