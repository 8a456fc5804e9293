/*
 * qtest: dynamic capacity of the cxl-type3 device (hw/mem/cxl-type3-dc.c)
 * through its mailbox, its Dynamic Capacity event log, QMP and CXL.mem:
 * Get Dynamic Capacity Configuration, Get Dynamic Capacity Extent List,
 * Add Dynamic Capacity Response and Release Dynamic Capacity with every
 * bad input, the add/release flows started by cxl-add-dynamic-capacity and
 * cxl-release-dynamic-capacity and their bad input, what the host may
 * access, the realize errors of the DC properties, and the commands that
 * take a DPA over dynamic capacity: poison (mailbox and QMP, through
 * CXL.mem on the fast path and per access), Scan Media, Media
 * Operations, Sanitize and Secure Erase, event injection and PPR.
 *
 * The payload layouts are from memory of CXL r3.1 8.2.9.9.9 (Linux 7.3
 * has no DCD code), as in include/hw/cxl/cxl-mailbox.h.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/bswap.h"
#include "libqtest.h"
#include "qobject/qdict.h"
#include "qobject/qjson.h"
#include "qobject/qlist.h"
#include "qapi/error.h"
#include "cxl-type3-qtest.h"

#define RC_RESOURCES        0x1d

#define OP_GET_CONFIG       0x4800
#define OP_GET_EXTENTS      0x4801
#define OP_ADD_RESPONSE     0x4802
#define OP_RELEASE          0x4803

/* ---- QMP ---- */

static char *dc_release(T3 *t, unsigned r, bool forced, const char *extents)
{
    return dc_qmp(t, "cxl-release-dynamic-capacity",
                  "{'path': 't3', 'host-id': 0, 'removal-policy': "
                  "'prescriptive', 'forced-removal': %s, 'region': %u, "
                  "'extents': %s}", forced ? "true" : "false", r, extents);
}

/* ---- mailbox ---- */

/* Get DC Extent List of @count from @start: total; extents into @out */
static uint32_t dc_extents(T3 *t, uint32_t start, uint32_t count,
                           uint8_t *out, size_t out_size, uint32_t *gen)
{
    uint8_t in[8];
    uint32_t len;

    stl_le_p(in, count);
    stl_le_p(in + 4, start);
    g_assert_cmphex(mbox_send(t, OP_GET_EXTENTS, in, 8, out, out_size, &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 16 + 40 * ldl_le_p(out));
    if (gen) {
        *gen = ldl_le_p(out + 8);
    }
    return ldl_le_p(out + 4);
}

/* ---- tests ---- */

static void test_config(void)
{
    uint8_t out[512], in[4] = { 0 };    /* payloads up to 3 bytes */
    uint32_t len;
    T3 t;

    dc_start(&t, "");
    /* Identify: the static capacity only, and the DC event log's size */
    g_assert_cmphex(mbox_send(&t, 0x4000, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(ldq_le_p(out + 16), ==, (VMEM_SIZE + PMEM_SIZE) /
                     (256 * MiB));
    g_assert_cmpuint(lduw_le_p(out + 0x43), ==, 32);
    g_assert_cmphex(mbox_send(&t, 0x4100, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(ldq_le_p(out), ==, VMEM_SIZE / (256 * MiB));
    g_assert_cmpuint(ldq_le_p(out + 8), ==, PMEM_SIZE / (256 * MiB));

    /* both regions, after the static capacity */
    in[0] = 8;
    in[1] = 0;
    g_assert_cmphex(mbox_send(&t, OP_GET_CONFIG, in, 2, out, sizeof(out),
                              &len), ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 8 + 2 * 40 + 16);
    g_assert_cmpuint(out[0], ==, 2);
    g_assert_cmpuint(out[1], ==, 2);
    for (unsigned r = 0; r < 2; r++) {
        uint8_t *e = out + 8 + 40 * r;

        g_assert_cmphex(ldq_le_p(e), ==, DC_BASE + r * DC_REGION_LEN);
        g_assert_cmphex(ldq_le_p(e + 8), ==, DC_REGION_LEN / (256 * MiB));
        g_assert_cmphex(ldq_le_p(e + 16), ==, DC_REGION_LEN);
        g_assert_cmphex(ldq_le_p(e + 24), ==, BLOCK);
        g_assert_cmpuint(ldl_le_p(e + 32), ==, 2 + r);  /* after 2 DSMAS */
    }
    /* extents and tags: total and available */
    g_assert_cmpuint(ldl_le_p(out + 88), ==, 512);
    g_assert_cmpuint(ldl_le_p(out + 92), ==, 512);
    g_assert_cmpuint(ldl_le_p(out + 96), ==, 512);
    g_assert_cmpuint(ldl_le_p(out + 100), ==, 512);

    /* from region 1; none; past the last; wrong lengths */
    in[1] = 1;
    g_assert_cmphex(mbox_send(&t, OP_GET_CONFIG, in, 2, out, sizeof(out),
                              &len), ==, RC_SUCCESS);
    g_assert_cmpuint(out[0], ==, 2);
    g_assert_cmpuint(out[1], ==, 1);
    g_assert_cmphex(ldq_le_p(out + 8), ==, DC_BASE + DC_REGION_LEN);
    in[0] = 0;
    in[1] = 0;
    g_assert_cmphex(mbox_send(&t, OP_GET_CONFIG, in, 2, out, sizeof(out),
                              &len), ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 8 + 16);
    g_assert_cmpuint(out[1], ==, 0);
    in[0] = 1;
    in[1] = 2;
    g_assert_cmphex(mbox_send(&t, OP_GET_CONFIG, in, 2, out, sizeof(out),
                              &len), ==, RC_INVALID_INPUT);
    g_assert_cmphex(mbox_send(&t, OP_GET_CONFIG, in, 1, out, sizeof(out),
                              &len), ==, RC_PAYLOAD_LEN);
    g_assert_cmphex(mbox_send(&t, OP_GET_CONFIG, in, 3, out, sizeof(out),
                              &len), ==, RC_PAYLOAD_LEN);

    /* the extent list: empty; bad start; wrong lengths */
    g_assert_cmpuint(dc_extents(&t, 0, 16, out, sizeof(out), NULL), ==, 0);
    g_assert_cmphex(mbox_send(&t, OP_GET_EXTENTS, (uint8_t[8]){ 1, 0, 0, 0,
                                                               1, 0, 0, 0 },
                              8, out, sizeof(out), &len), ==,
                    RC_INVALID_INPUT);
    g_assert_cmphex(mbox_send(&t, OP_GET_EXTENTS, out, 7, out, sizeof(out),
                              &len), ==, RC_PAYLOAD_LEN);
    g_assert_cmphex(mbox_send(&t, OP_GET_EXTENTS, out, 9, out, sizeof(out),
                              &len), ==, RC_PAYLOAD_LEN);

    /* the DC event log exists: empty, and its interrupt can be set */
    g_assert_cmpuint(dc_events(&t, out), ==, 0);
    g_assert_cmphex(mbox_send(&t, 0x0103, (uint8_t[5]){ 0, 0, 0, 0, 2 }, 5,
                              NULL, 0, NULL), ==, RC_SUCCESS);
    g_assert_cmphex(mbox_send(&t, 0x0102, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 5);
    g_assert_cmpuint(out[4], ==, 2);
    g_assert_cmphex(mbox_send(&t, 0x0103, (uint8_t[5]){ 0, 0, 0, 0, 3 }, 5,
                              NULL, 0, NULL), ==, RC_INVALID_INPUT);
    g_assert_cmphex(mbox_send(&t, 0x0100, (uint8_t[1]){ 5 }, 1, out,
                              sizeof(out), &len), ==, RC_INVALID_INPUT);
    t3_stop(&t);
}

/* CDAT: a DSMAS per DC region, handles as Get DC Configuration says */
static void test_cdat(void)
{
    g_autoptr(GByteArray) cdat = NULL;
    unsigned found = 0;
    T3 t;

    dc_start(&t, "");
    cdat = cxl_qtest_read_cdat(t.qts, DEV_BUS, 0);
    for (unsigned off = 16; off < cdat->len;) {
        uint8_t *s = cdat->data + off;
        uint16_t slen = lduw_le_p(s + 2);

        g_assert_cmpuint(slen, >=, 4);
        if (s[0] == 0 && s[4] >= 2) {                   /* DC DSMAS */
            unsigned r = s[4] - 2;

            g_assert_cmpuint(r, <, 2);
            g_assert_cmphex(ldq_le_p(s + 8), ==, DC_BASE + r * DC_REGION_LEN);
            g_assert_cmphex(ldq_le_p(s + 16), ==, DC_REGION_LEN);
            g_assert_cmphex(s[5] & (1 << 2), ==, 0);   /* volatile */
            found |= 1u << r;
        }
        off += slen;
    }
    g_assert_cmphex(found, ==, 3);
    t3_stop(&t);
}

/* The CEL lists the four commands with their effects */
static void test_cel(void)
{
    static const uint16_t want[][2] = {
        { OP_GET_CONFIG, 0 }, { OP_GET_EXTENTS, 0 },
        { OP_ADD_RESPONSE, 0x6 }, { OP_RELEASE, 0x6 },
    };
    T3 t;

    dc_start(&t, "");
    dc_check_cel(&t, want, ARRAY_SIZE(want));
    t3_stop(&t);
}

static void test_add_flow(void)
{
    uint8_t recs[128 * 16], out[1024];
    uint64_t dpa[2], len[2];
    uint32_t gen0, gen1;
    T3 t;

    dc_start(&t, "");
    dc_extents(&t, 0, 8, out, sizeof(out), &gen0);
    qmp_ok(dc_add(&t, 0, TAG_A, "[{'offset': 0, 'len': 4194304}, "
                  "{'offset': 16777216, 'len': 2097152}, "
                  "{'offset': 33554432, 'len': 8388608}]"));
    check_query(&t, "pending:0:0x0+0x400000,pending:0:0x1000000+0x200000,"
                "pending:0:0x2000000+0x800000");
    /* three Add Capacity records, More on all but the last */
    g_assert_cmpuint(dc_events(&t, recs), ==, 3);
    check_dc_record(recs, 0, 0, DC_BASE, 4 * MiB, true);
    check_dc_record(recs + 128, 0, 0, DC_BASE + 16 * MiB, 2 * MiB, true);
    check_dc_record(recs + 256, 0, 0, DC_BASE + 32 * MiB, 8 * MiB, false);
    /* the tag, as the UUID's bytes */
    g_assert_cmphex(recs[0x48], ==, 0x5b);
    g_assert_cmphex(recs[0x57], ==, 0x01);
    /* pending extents are not in the list */
    g_assert_cmpuint(dc_extents(&t, 0, 8, out, sizeof(out), NULL), ==, 0);

    /* accept the first and the last; the second is dropped */
    dpa[0] = DC_BASE;
    len[0] = 4 * MiB;
    dpa[1] = DC_BASE + 32 * MiB;
    len[1] = 8 * MiB;
    g_assert_cmphex(dc_respond(&t, OP_ADD_RESPONSE, 0, 2, dpa, len), ==,
                    RC_SUCCESS);
    check_query(&t, "accepted:0:0x0+0x400000,accepted:0:0x2000000+0x800000");
    g_assert_cmpuint(dc_extents(&t, 0, 8, out, sizeof(out), &gen1), ==, 2);
    g_assert_cmpuint(gen1, !=, gen0);
    g_assert_cmpuint(ldl_le_p(out), ==, 2);
    g_assert_cmphex(ldq_le_p(out + 16), ==, DC_BASE);
    g_assert_cmphex(ldq_le_p(out + 24), ==, 4 * MiB);
    g_assert_cmphex(out[32], ==, 0x5b);
    g_assert_cmphex(ldq_le_p(out + 56), ==, DC_BASE + 32 * MiB);
    /* paging: from index 1, one extent */
    g_assert_cmpuint(dc_extents(&t, 1, 1, out, sizeof(out), NULL), ==, 2);
    g_assert_cmpuint(ldl_le_p(out), ==, 1);
    g_assert_cmphex(ldq_le_p(out + 16), ==, DC_BASE + 32 * MiB);
    g_assert_cmpuint(dc_extents(&t, 2, 1, out, sizeof(out), NULL), ==, 2);
    g_assert_cmpuint(ldl_le_p(out), ==, 0);

    /* a response in two parts (More), accepting part of an extent */
    qmp_ok(dc_add(&t, 1, NULL, "[{'offset': 0, 'len': 8388608}, "
                  "{'offset': 67108864, 'len': 2097152}]"));
    g_assert_cmpuint(dc_events(&t, recs), ==, 2);
    check_dc_record(recs, 0, 1, DC_BASE + DC_REGION_LEN, 8 * MiB, true);
    dpa[0] = DC_BASE + DC_REGION_LEN + 2 * MiB;
    len[0] = 2 * MiB;
    g_assert_cmphex(dc_respond(&t, OP_ADD_RESPONSE, 1, 1, dpa, len), ==,
                    RC_SUCCESS);
    dpa[0] = DC_BASE + DC_REGION_LEN + 64 * MiB;
    g_assert_cmphex(dc_respond(&t, OP_ADD_RESPONSE, 0, 1, dpa, len), ==,
                    RC_SUCCESS);
    check_query(&t, "accepted:0:0x0+0x400000,accepted:0:0x2000000+0x800000,"
                "accepted:1:0x200000+0x200000,accepted:1:0x4000000+0x200000");

    /* an empty response rejects the whole offer */
    qmp_ok(dc_add(&t, 1, NULL, "[{'offset': 134217728, 'len': 2097152}]"));
    g_assert_cmpuint(dc_events(&t, recs), ==, 1);
    check_dc_record(recs, 0, 1, DC_BASE + DC_REGION_LEN + 128 * MiB,
                    2 * MiB, false);
    g_assert_cmphex(dc_respond(&t, OP_ADD_RESPONSE, 0, 0, NULL, NULL), ==,
                    RC_SUCCESS);
    check_query(&t, "accepted:0:0x0+0x400000,accepted:0:0x2000000+0x800000,"
                "accepted:1:0x200000+0x200000,accepted:1:0x4000000+0x200000");
    t3_stop(&t);
}

/* Bad Add Dynamic Capacity Responses change nothing */
static void test_add_response_errors(void)
{
    static const char *state = "accepted:0:0x0+0x200000,"
                               "pending:0:0x400000+0x400000";
    uint8_t recs[128 * 16], in[8 + 24] = { 0 };
    uint64_t dpa[2], len[2];
    T3 t;

    dc_start(&t, "");
    /* nothing offered */
    g_assert_cmphex(dc_respond(&t, OP_ADD_RESPONSE, 0, 0, NULL, NULL), ==,
                    RC_INVALID_INPUT);
    g_assert_cmphex(dc_respond1(&t, OP_ADD_RESPONSE, DC_BASE, BLOCK), ==,
                    RC_INVALID_INPUT);
    qmp_ok(dc_add(&t, 0, NULL, "[{'offset': 0, 'len': 2097152}]"));
    g_assert_cmphex(dc_respond1(&t, OP_ADD_RESPONSE, DC_BASE, BLOCK), ==,
                    RC_SUCCESS);
    qmp_ok(dc_add(&t, 0, NULL, "[{'offset': 4194304, 'len': 4194304}]"));
    g_assert_cmpuint(dc_events(&t, recs), ==, 2);
    check_query(&t, state);

    /* never offered; already accepted; straddling the offer */
    g_assert_cmphex(dc_respond1(&t, OP_ADD_RESPONSE, DC_BASE + 64 * MiB,
                                BLOCK), ==, RC_EXTENT_LIST);
    g_assert_cmphex(dc_respond1(&t, OP_ADD_RESPONSE, DC_BASE, BLOCK), ==,
                    RC_EXTENT_LIST);
    g_assert_cmphex(dc_respond1(&t, OP_ADD_RESPONSE, DC_BASE + 2 * MiB,
                                4 * MiB), ==, RC_EXTENT_LIST);
    /* overlapping each other */
    dpa[0] = DC_BASE + 4 * MiB;
    len[0] = 4 * MiB;
    dpa[1] = DC_BASE + 6 * MiB;
    len[1] = 2 * MiB;
    g_assert_cmphex(dc_respond(&t, OP_ADD_RESPONSE, 0, 2, dpa, len), ==,
                    RC_EXTENT_LIST);
    /* one good, one never offered: nothing is accepted */
    dpa[1] = DC_BASE + 100 * MiB;
    g_assert_cmphex(dc_respond(&t, OP_ADD_RESPONSE, 0, 2, dpa, len), ==,
                    RC_EXTENT_LIST);
    /* unaligned, zero length, outside the DC regions */
    g_assert_cmphex(dc_respond1(&t, OP_ADD_RESPONSE, DC_BASE + 4 * MiB + 4096,
                                BLOCK), ==, RC_INVALID_INPUT);
    g_assert_cmphex(dc_respond1(&t, OP_ADD_RESPONSE, DC_BASE + 4 * MiB,
                                BLOCK + 4096), ==, RC_INVALID_INPUT);
    g_assert_cmphex(dc_respond1(&t, OP_ADD_RESPONSE, DC_BASE + 4 * MiB, 0),
                    ==, RC_INVALID_INPUT);
    g_assert_cmphex(dc_respond1(&t, OP_ADD_RESPONSE, 0, BLOCK), ==,
                    RC_INVALID_PA);
    g_assert_cmphex(dc_respond1(&t, OP_ADD_RESPONSE, DC_BASE + DC_SIZE,
                                BLOCK), ==, RC_INVALID_PA);
    g_assert_cmphex(dc_respond1(&t, OP_ADD_RESPONSE, UINT64_MAX - 4095,
                                8192), ==, RC_INVALID_PA);
    /* the count does not match the length; too short */
    stl_le_p(in, 2);
    stq_le_p(in + 8, DC_BASE + 4 * MiB);
    stq_le_p(in + 16, BLOCK);
    g_assert_cmphex(mbox_send(&t, OP_ADD_RESPONSE, in, sizeof(in), NULL, 0,
                              NULL), ==, RC_PAYLOAD_LEN);
    stl_le_p(in, 0);
    g_assert_cmphex(mbox_send(&t, OP_ADD_RESPONSE, in, sizeof(in), NULL, 0,
                              NULL), ==, RC_PAYLOAD_LEN);
    stl_le_p(in, UINT32_MAX);
    g_assert_cmphex(mbox_send(&t, OP_ADD_RESPONSE, in, sizeof(in), NULL, 0,
                              NULL), ==, RC_PAYLOAD_LEN);
    g_assert_cmphex(mbox_send(&t, OP_ADD_RESPONSE, in, 7, NULL, 0, NULL), ==,
                    RC_PAYLOAD_LEN);
    check_query(&t, state);
    g_assert_cmpuint(dc_events(&t, recs), ==, 0);
    /* still answerable */
    g_assert_cmphex(dc_respond1(&t, OP_ADD_RESPONSE, DC_BASE + 4 * MiB,
                                4 * MiB), ==, RC_SUCCESS);
    check_query(&t, "accepted:0:0x0+0x200000,accepted:0:0x400000+0x400000");
    t3_stop(&t);
}

/* Bad QMP input: an error naming the argument, and nothing changes */
static void test_qmp_errors(void)
{
    static const char *state = "accepted:0:0x0+0x200000";
    uint8_t recs[128 * 16];
    GString *many = g_string_new("[");
    T3 t;

    dc_start(&t, "");
    qmp_ok(dc_add(&t, 0, NULL, "[{'offset': 0, 'len': 2097152}]"));
    g_assert_cmphex(dc_respond1(&t, OP_ADD_RESPONSE, DC_BASE, BLOCK), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(dc_events(&t, recs), ==, 1);

    qmp_err(dc_qmp(&t, "cxl-add-dynamic-capacity",
                   "{'path': 'nothing', 'host-id': 0, 'selection-policy': "
                   "'prescriptive', 'region': 0, 'extents': []}"), "path");
    qmp_err(dc_qmp(&t, "cxl-add-dynamic-capacity",
                   "{'path': 't3', 'host-id': 1, 'selection-policy': "
                   "'prescriptive', 'region': 0, "
                   "'extents': [{'offset': 2097152, 'len': 2097152}]}"),
            "host-id");
    qmp_err(dc_add(&t, 2, NULL, "[{'offset': 0, 'len': 2097152}]"), "region");
    qmp_err(dc_add(&t, 0, "not-a-uuid", "[{'offset': 2097152, "
                   "'len': 2097152}]"), "tag");
    qmp_err(dc_add(&t, 0, NULL, "[]"), "extents");
    qmp_err(dc_add(&t, 0, NULL, "[{'offset': 2097152, 'len': 0}]"),
            "extents[0]: len is 0");
    qmp_err(dc_add(&t, 0, NULL, "[{'offset': 2097152, 'len': 2097152}, "
                   "{'offset': 4096, 'len': 2097152}]"), "extents[1]");
    qmp_err(dc_add(&t, 0, NULL, "[{'offset': 2097152, 'len': 4096}]"),
            "block size");
    qmp_err(dc_add(&t, 0, NULL, "[{'offset': 266338304, 'len': 4194304}]"),
            "runs past region 0");
    qmp_err(dc_add(&t, 0, NULL, "[{'offset': 18446744073709551615, "
                   "'len': 2097152}]"), "runs past");
    qmp_err(dc_add(&t, 0, NULL, "[{'offset': 2097152, 'len': 4194304}, "
                   "{'offset': 4194304, 'len': 2097152}]"),
            "extents[0] and extents[1] overlap");
    qmp_err(dc_add(&t, 0, NULL, "[{'offset': 0, 'len': 4194304}]"),
            "overlaps the accepted extent");
    qmp_err(dc_qmp(&t, "cxl-add-dynamic-capacity",
                   "{'path': 't3', 'host-id': 0, 'selection-policy': "
                   "'contiguous', 'region': 0, 'extents': "
                   "[{'offset': 4194304, 'len': 2097152}, "
                   "{'offset': 8388608, 'len': 2097152}]}"), "contiguous");
    qmp_err(dc_qmp(&t, "cxl-add-dynamic-capacity",
                   "{'path': 't3', 'host-id': 0, 'selection-policy': "
                   "'enable-shared-access', 'region': 0, 'extents': "
                   "[{'offset': 4194304, 'len': 2097152}]}"),
            "selection-policy");
    /* more extents than the event log has room for */
    for (unsigned i = 0; i < 33; i++) {
        g_string_append_printf(many, "%s{'offset': %u, 'len': 2097152}",
                               i ? ", " : "", (i + 8) * 2 * (unsigned)MiB);
    }
    g_string_append(many, "]");
    qmp_err(dc_add(&t, 0, NULL, many->str), "event log has room for 32");
    g_string_free(many, true);

    /* release: unknown, pending, partly outside an accepted extent */
    qmp_err(dc_release(&t, 0, false, "[{'offset': 8388608, "
                       "'len': 2097152}]"), "no extent there");
    qmp_ok(dc_add(&t, 0, NULL, "[{'offset': 8388608, 'len': 2097152}]"));
    qmp_err(dc_release(&t, 0, true, "[{'offset': 8388608, "
                       "'len': 2097152}]"), "still pending");
    qmp_err(dc_release(&t, 0, false, "[{'offset': 0, 'len': 4194304}]"),
            "extents[0]");
    qmp_err(dc_release(&t, 0, false, "[]"), "extents");
    qmp_err(dc_qmp(&t, "cxl-release-dynamic-capacity",
                   "{'path': 't3', 'host-id': 0, 'removal-policy': "
                   "'tag-based', 'region': 0, 'extents': []}"), "tag");
    qmp_err(dc_qmp(&t, "cxl-release-dynamic-capacity",
                   "{'path': 't3', 'host-id': 0, 'removal-policy': "
                   "'tag-based', 'region': 0, 'tag': '%s', 'extents': []}",
                   TAG_A), "tag");
    check_query(&t, "accepted:0:0x0+0x200000,pending:0:0x800000+0x200000");
    g_assert_cmpuint(dc_events(&t, recs), ==, 1);   /* the second offer */
    g_assert_cmphex(dc_respond(&t, OP_ADD_RESPONSE, 0, 0, NULL, NULL), ==,
                    RC_SUCCESS);
    check_query(&t, state);
    t3_stop(&t);
}

static void test_release(void)
{
    uint8_t recs[128 * 16], out[512];
    T3 t;

    dc_start(&t, "");
    qmp_ok(dc_add(&t, 0, TAG_A, "[{'offset': 0, 'len': 8388608}, "
                  "{'offset': 16777216, 'len': 2097152}]"));
    g_assert_cmphex(dc_respond1(&t, OP_ADD_RESPONSE, DC_BASE, 8 * MiB), ==,
                    RC_SUCCESS);
    qmp_ok(dc_add(&t, 0, NULL, "[{'offset': 33554432, 'len': 2097152}]"));
    g_assert_cmpuint(dc_events(&t, recs), ==, 3);

    /* the host's release: unknown, pending, bad, then a middle part */
    g_assert_cmphex(dc_respond1(&t, OP_RELEASE, DC_BASE + 64 * MiB, BLOCK),
                    ==, RC_EXTENT_LIST);
    g_assert_cmphex(dc_respond1(&t, OP_RELEASE, DC_BASE + 32 * MiB, BLOCK),
                    ==, RC_EXTENT_LIST);
    g_assert_cmphex(dc_respond1(&t, OP_RELEASE, DC_BASE + 6 * MiB, 4 * MiB),
                    ==, RC_EXTENT_LIST);
    g_assert_cmphex(dc_respond1(&t, OP_RELEASE, DC_BASE + 4096, BLOCK), ==,
                    RC_INVALID_INPUT);
    g_assert_cmphex(dc_respond1(&t, OP_RELEASE, 0, BLOCK), ==,
                    RC_INVALID_PA);
    g_assert_cmphex(dc_respond(&t, OP_RELEASE, 0, 0, NULL, NULL), ==,
                    RC_INVALID_INPUT);
    g_assert_cmphex(mbox_send(&t, OP_RELEASE, out, 7, NULL, 0, NULL), ==,
                    RC_PAYLOAD_LEN);
    check_query(&t, "accepted:0:0x0+0x800000,pending:0:0x2000000+0x200000");
    g_assert_cmphex(dc_respond1(&t, OP_RELEASE, DC_BASE + 2 * MiB, BLOCK),
                    ==, RC_SUCCESS);
    check_query(&t, "accepted:0:0x0+0x200000,accepted:0:0x400000+0x400000,"
                "pending:0:0x2000000+0x200000");
    g_assert_cmpuint(dc_extents(&t, 0, 8, out, sizeof(out), NULL), ==, 2);

    /* QMP release: records only, until the host releases */
    qmp_ok(dc_release(&t, 0, false, "[{'offset': 4194304, "
                      "'len': 4194304}]"));
    g_assert_cmpuint(dc_events(&t, recs), ==, 1);
    check_dc_record(recs, 1, 0, DC_BASE + 4 * MiB, 4 * MiB, false);
    check_query(&t, "accepted:0:0x0+0x200000,accepted:0:0x400000+0x400000,"
                "pending:0:0x2000000+0x200000");
    g_assert_cmphex(dc_respond1(&t, OP_RELEASE, DC_BASE + 4 * MiB, 4 * MiB),
                    ==, RC_SUCCESS);
    check_query(&t, "accepted:0:0x0+0x200000,pending:0:0x2000000+0x200000");

    /* forced: gone at once */
    qmp_ok(dc_release(&t, 0, true, "[{'offset': 0, 'len': 2097152}]"));
    g_assert_cmpuint(dc_events(&t, recs), ==, 1);
    check_dc_record(recs, 2, 0, DC_BASE, 2 * MiB, false);
    check_query(&t, "pending:0:0x2000000+0x200000");
    g_assert_cmphex(dc_respond1(&t, OP_RELEASE, DC_BASE, BLOCK), ==,
                    RC_EXTENT_LIST);
    g_assert_cmpuint(dc_extents(&t, 0, 8, out, sizeof(out), NULL), ==, 0);

    /* tag-based: every accepted extent with the tag */
    g_assert_cmphex(dc_respond(&t, OP_ADD_RESPONSE, 0, 0, NULL, NULL), ==,
                    RC_SUCCESS);
    qmp_ok(dc_add(&t, 1, TAG_A, "[{'offset': 0, 'len': 2097152}, "
                  "{'offset': 8388608, 'len': 2097152}]"));
    qmp_ok(dc_add(&t, 1, NULL, "[{'offset': 4194304, 'len': 2097152}]"));
    g_assert_cmpuint(dc_events(&t, recs), ==, 3);
    {
        uint64_t dpa[3] = { DC_BASE + DC_REGION_LEN,
                            DC_BASE + DC_REGION_LEN + 8 * MiB,
                            DC_BASE + DC_REGION_LEN + 4 * MiB };
        uint64_t len[3] = { BLOCK, BLOCK, BLOCK };

        g_assert_cmphex(dc_respond(&t, OP_ADD_RESPONSE, 0, 3, dpa, len), ==,
                        RC_SUCCESS);
    }
    qmp_ok(dc_qmp(&t, "cxl-release-dynamic-capacity",
                  "{'path': 't3', 'host-id': 0, 'removal-policy': "
                  "'tag-based', 'forced-removal': true, 'region': 1, "
                  "'tag': '%s', 'extents': []}", TAG_A));
    g_assert_cmpuint(dc_events(&t, recs), ==, 2);
    check_dc_record(recs, 2, 1, DC_BASE + DC_REGION_LEN, BLOCK, true);
    check_dc_record(recs + 128, 2, 1, DC_BASE + DC_REGION_LEN + 8 * MiB,
                    BLOCK, false);
    check_query(&t, "accepted:1:0x400000+0x200000");
    t3_stop(&t);
}

/* Bytes of the device the fast path maps as RAM now */
static uint64_t fast_mapped(T3 *t)
{
    QDict *rsp = qtest_qmp(t->qts, "{'execute': 'qom-get', 'arguments': "
                           "{'path': '/machine/peripheral/t3', "
                           "'property': 'x-fast-path-mapped'}}");
    uint64_t n;

    g_assert(qdict_haskey(rsp, "return"));
    n = qdict_get_int(rsp, "return");
    qobject_unref(rsp);
    return n;
}

/*
 * CXL.mem: DC DPA outside accepted extents reads all ones and drops
 * writes; accepted extents are memory; released ones are zeroed before
 * they come back. @fast: with the fast path (else every access is routed).
 */
static void check_memory(bool fast)
{
    uint64_t dc_hpa;
    T3 t;

    dc_start(&t, fast ? "" : " -machine cxl-fast-path=off");
    map_all(&t);
    dc_hpa = t.window + DC_BASE;
    g_assert_cmphex(dec_commit(&t, 2, dc_hpa, DC_SIZE, 0), ==,
                    HDM_CTRL_COMMITTED);

    /* nothing accepted: all ones, writes dropped */
    qtest_writeq(t.qts, dc_hpa, 0x1122334455667788ull);
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa), ==, UINT64_MAX);
    qmp_ok(dc_add(&t, 0, NULL, "[{'offset': 0, 'len': 4194304}]"));
    /* pending is not accessible either */
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa), ==, UINT64_MAX);
    g_assert_cmphex(dc_respond1(&t, OP_ADD_RESPONSE, DC_BASE, 4 * MiB), ==,
                    RC_SUCCESS);
    /* the dropped write left nothing */
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa), ==, 0);
    qtest_writeq(t.qts, dc_hpa, 0x1122334455667788ull);
    qtest_writeq(t.qts, dc_hpa + 4 * MiB - 8, 0xa5a5a5a5a5a5a5a5ull);
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa), ==, 0x1122334455667788ull);
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa + 4 * MiB - 8), ==,
                    0xa5a5a5a5a5a5a5a5ull);
    /* just past the extent */
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa + 4 * MiB), ==, UINT64_MAX);
    /* the static capacity is as it was */
    qtest_writeq(t.qts, t.window + 0x1000, 42);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x1000), ==, 42);
    /* the fast path maps the static capacity and the accepted extent only */
    g_assert_cmphex(fast_mapped(&t), ==,
                    fast ? VMEM_SIZE + PMEM_SIZE + 4 * MiB : 0);

    /* the host releases part: that part goes, the rest stays */
    g_assert_cmphex(dc_respond1(&t, OP_RELEASE, DC_BASE, 2 * MiB), ==,
                    RC_SUCCESS);
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa), ==, UINT64_MAX);
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa + 4 * MiB - 8), ==,
                    0xa5a5a5a5a5a5a5a5ull);
    g_assert_cmphex(fast_mapped(&t), ==,
                    fast ? VMEM_SIZE + PMEM_SIZE + 2 * MiB : 0);
    /* forced release of the rest */
    qmp_ok(dc_release(&t, 0, true, "[{'offset': 2097152, "
                      "'len': 2097152}]"));
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa + 4 * MiB - 8), ==,
                    UINT64_MAX);
    /* offered again: the old data is gone */
    qmp_ok(dc_add(&t, 0, NULL, "[{'offset': 0, 'len': 4194304}]"));
    g_assert_cmphex(dc_respond1(&t, OP_ADD_RESPONSE, DC_BASE, 4 * MiB), ==,
                    RC_SUCCESS);
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa), ==, 0);
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa + 4 * MiB - 8), ==, 0);
    t3_stop(&t);
}

/*
 * A 2-way endpoint decoder with 4 KiB granules over the DC partition: a
 * device strips the interleave bits, so HPA granules 2k and 2k + 1 are
 * DPA granule k. Accepted extents are memory through either; the fast
 * path translates them page by page and maps nothing else.
 */
static void test_memory_interleaved(void)
{
    uint64_t dc_hpa, maps;
    QDict *rsp;
    T3 t;

    dc_start(&t, "");
    map_all(&t);
    dc_hpa = t.window + DC_BASE;
    g_assert_cmphex(dec_commit_ways(&t, 2, dc_hpa, 2 * DC_SIZE, 0,
                                    (1 << 4) | 4), ==, HDM_CTRL_COMMITTED);
    qmp_ok(dc_add(&t, 0, NULL, "[{'offset': 2097152, 'len': 2097152}]"));
    g_assert_cmphex(dc_respond1(&t, OP_ADD_RESPONSE, DC_BASE + 2 * MiB,
                                2 * MiB), ==, RC_SUCCESS);
    /* DPA +2 MiB is HPA +4 MiB (granule 1024) and +4 MiB + 4 KiB */
    qtest_writeq(t.qts, dc_hpa + 4 * MiB + 8, 0x0123456789abcdefull);
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa + 4 * MiB + 4 * KiB + 8), ==,
                    0x0123456789abcdefull);
    /* the last accepted byte, and the first ones past it or before it */
    qtest_writeb(t.qts, dc_hpa + 8 * MiB - 1, 0x5a);
    g_assert_cmphex(qtest_readb(t.qts, dc_hpa + 8 * MiB - 4 * KiB - 1), ==,
                    0x5a);
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa + 8 * MiB), ==, UINT64_MAX);
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa + 4 * MiB - 8), ==,
                    UINT64_MAX);
    qtest_writeq(t.qts, dc_hpa + 8 * MiB, 1);
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa + 8 * MiB), ==, UINT64_MAX);
    /* translated page by page: 2 x 2 MiB of HPA pages, nothing else */
    g_assert_cmphex(fast_mapped(&t), ==, VMEM_SIZE + PMEM_SIZE + 4 * MiB);
    rsp = qtest_qmp(t.qts, "{'execute': 'qom-get', 'arguments': "
                    "{'path': '/machine/peripheral/t3', "
                    "'property': 'x-fast-path-maps'}}");
    maps = qdict_get_int(rsp, "return");
    qobject_unref(rsp);
    g_assert_cmpuint(maps, >, 0);
    t3_stop(&t);
}

static void test_memory_fast(void)
{
    check_memory(true);
}

static void test_memory_routed(void)
{
    check_memory(false);
}

/* A device without dynamic capacity has none of it */
static void test_no_dc(void)
{
    uint8_t out[128], in[2] = { 8, 0 };
    uint32_t len;
    T3 t;

    t3_start(&t, false);
    for (uint16_t op = OP_GET_CONFIG; op <= OP_RELEASE; op++) {
        g_assert_cmphex(mbox_send(&t, op, in, 2, out, sizeof(out), &len), ==,
                        RC_UNSUPPORTED);
    }
    g_assert_cmphex(mbox_send(&t, 0x0100, (uint8_t[1]){ LOG_DC }, 1, out,
                              sizeof(out), &len), ==, RC_INVALID_INPUT);
    g_assert_cmphex(mbox_send(&t, 0x4000, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(lduw_le_p(out + 0x43), ==, 0);
    qmp_err(dc_add(&t, 0, NULL, "[{'offset': 0, 'len': 2097152}]"),
            "path: 't3' has no dynamic capacity");
    qmp_err(dc_release(&t, 0, true, "[{'offset': 0, 'len': 2097152}]"),
            "path: 't3' has no dynamic capacity");
    qmp_err(dc_qmp(&t, "cxl-query-dynamic-capacity", "{'path': 't3'}"),
            "path: 't3' has no dynamic capacity");
    t3_stop(&t);
}

/* The free policy takes the given extents; so does contiguous, one */
static void test_policies(void)
{
    T3 t;

    dc_start(&t, "");
    qmp_ok(dc_qmp(&t, "cxl-add-dynamic-capacity",
                  "{'path': 't3', 'host-id': 0, 'selection-policy': 'free', "
                  "'region': 1, 'extents': [{'offset': 0, 'len': 2097152}, "
                  "{'offset': 4194304, 'len': 2097152}]}"));
    qmp_ok(dc_qmp(&t, "cxl-add-dynamic-capacity",
                  "{'path': 't3', 'host-id': 0, 'selection-policy': "
                  "'contiguous', 'region': 1, "
                  "'extents': [{'offset': 8388608, 'len': 8388608}]}"));
    check_query(&t, "pending:1:0x0+0x200000,pending:1:0x400000+0x200000,"
                "pending:1:0x800000+0x800000");
    t3_stop(&t);
}

/* Clear Event Records: all of the Dynamic Capacity log */
static void dc_events_clear_all(T3 *t)
{
    uint8_t in[6] = { LOG_DC, 1 };

    g_assert_cmphex(mbox_send(t, 0x0101, in, 6, NULL, 0, NULL), ==,
                    RC_SUCCESS);
}

/* The device supports 512 extents: beyond that, Resources Exhausted */
static void test_limits(void)
{
    const uint64_t blk = 64 * KiB;
    uint8_t in[8 + 24 * 32], out[512], cfg[2] = { 1, 0 };
    GString *list;
    uint32_t len;
    T3 t;

    dc_start(&t, ",dc-block-size=64K");
    /* 16 offers of 32 one-block extents, every other block, all accepted */
    for (unsigned r = 0; r < 16; r++) {
        list = g_string_new("[");
        memset(in, 0, sizeof(in));
        stl_le_p(in, 32);
        for (unsigned i = 0; i < 32; i++) {
            uint64_t off = (r * 32 + i) * 2 * blk;

            g_string_append_printf(list, "%s{'offset': %" PRIu64
                                   ", 'len': %" PRIu64 "}", i ? ", " : "",
                                   off, blk);
            stq_le_p(in + 8 + 24 * i, DC_BASE + off);
            stq_le_p(in + 16 + 24 * i, blk);
        }
        g_string_append(list, "]");
        qmp_ok(dc_add(&t, 0, NULL, list->str));
        g_string_free(list, true);
        g_assert_cmphex(mbox_send(&t, OP_ADD_RESPONSE, in, sizeof(in), NULL,
                                  0, NULL), ==, RC_SUCCESS);
        dc_events_clear_all(&t);
    }
    g_assert_cmpuint(dc_extents(&t, 0, 1, out, sizeof(out), NULL), ==, 512);
    g_assert_cmphex(mbox_send(&t, OP_GET_CONFIG, cfg, 2, out, sizeof(out),
                              &len), ==, RC_SUCCESS);
    g_assert_cmpuint(ldl_le_p(out + 8 + 40 + 4), ==, 0);  /* available */
    qmp_err(dc_add(&t, 1, NULL, "[{'offset': 0, 'len': 65536}]"),
            "exceed the 512");

    /* one free slot: a 3-block offer; only all of it can be accepted */
    g_assert_cmphex(dc_respond1(&t, OP_RELEASE, DC_BASE, blk), ==,
                    RC_SUCCESS);
    qmp_ok(dc_add(&t, 1, NULL, "[{'offset': 0, 'len': 196608}]"));
    g_assert_cmphex(dc_respond1(&t, OP_ADD_RESPONSE,
                                DC_BASE + DC_REGION_LEN + blk, blk), ==,
                    RC_RESOURCES);
    g_assert_cmphex(dc_respond1(&t, OP_ADD_RESPONSE, DC_BASE + DC_REGION_LEN,
                                blk), ==, RC_RESOURCES);
    g_assert_cmphex(dc_respond1(&t, OP_ADD_RESPONSE, DC_BASE + DC_REGION_LEN,
                                3 * blk), ==, RC_SUCCESS);
    /* releasing its middle would split it: refused, by host and by force */
    g_assert_cmphex(dc_respond1(&t, OP_RELEASE,
                                DC_BASE + DC_REGION_LEN + blk, blk), ==,
                    RC_RESOURCES);
    qmp_err(dc_release(&t, 1, true, "[{'offset': 65536, 'len': 65536}]"),
            "exceed the 512");
    g_assert_cmpuint(dc_extents(&t, 0, 1, out, sizeof(out), NULL), ==, 512);
    /* its end can go */
    g_assert_cmphex(dc_respond1(&t, OP_RELEASE,
                                DC_BASE + DC_REGION_LEN + 2 * blk, blk), ==,
                    RC_SUCCESS);
    t3_stop(&t);
}

/* A reset withdraws pending offers (their records are gone) */
static void test_reset(void)
{
    uint8_t recs[128 * 16], out[512];
    T3 t;

    dc_start(&t, "");
    qmp_ok(dc_add(&t, 0, NULL, "[{'offset': 0, 'len': 2097152}]"));
    g_assert_cmphex(dc_respond1(&t, OP_ADD_RESPONSE, DC_BASE, BLOCK), ==,
                    RC_SUCCESS);
    qmp_ok(dc_add(&t, 1, NULL, "[{'offset': 0, 'len': 2097152}]"));
    check_query(&t, "accepted:0:0x0+0x200000,pending:1:0x0+0x200000");
    sec_reset(&t);
    check_query(&t, "accepted:0:0x0+0x200000");
    g_assert_cmpuint(dc_events(&t, recs), ==, 0);
    g_assert_cmpuint(dc_extents(&t, 0, 8, out, sizeof(out), NULL), ==, 1);
    g_assert_cmphex(dc_respond(&t, OP_ADD_RESPONSE, 0, 0, NULL, NULL), ==,
                    RC_INVALID_INPUT);
    t3_stop(&t);
}

/* Realize errors name the property and what it allows */
static void test_props(void)
{
    static const struct { const char *opts, *want; } cases[] = {
        { ",num-dc-regions=9,volatile-dc-memdev=dc0 -object "
          "memory-backend-ram,id=dc0,size=512M",
          "num-dc-regions must be from 0 to 8" },
        { ",num-dc-regions=2", "volatile-dc-memdev" },
        { ",volatile-dc-memdev=dc0 -object memory-backend-ram,id=dc0,"
          "size=512M", "num-dc-regions" },
        { ",volatile-dc-memdev=dc0,num-dc-regions=3 -object "
          "memory-backend-ram,id=dc0,size=512M", "divide into" },
        { ",volatile-dc-memdev=dc0,num-dc-regions=1 -object "
          "memory-backend-ram,id=dc0,size=100M", "volatile-dc-memdev" },
        { ",volatile-dc-memdev=dc0,num-dc-regions=1,dc-block-size=3000 "
          "-object memory-backend-ram,id=dc0,size=256M", "dc-block-size" },
        { ",volatile-dc-memdev=dc0,num-dc-regions=1,dc-block-size=512M "
          "-object memory-backend-ram,id=dc0,size=256M", "dc-block-size" },
        { ",volatile-dc-memdev=dc0,num-dc-regions=1,"
          "dc-regions-total-size=1G -object memory-backend-ram,id=dc0,"
          "size=256M", "dc-regions-total-size" },
    };

    for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
        g_autofree char *args = g_strdup_printf(
            "-machine q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G "
            "-object memory-backend-ram,id=vmem0,size=256M "
            "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 "
            "-device cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2 "
            "-device cxl-type3,bus=rp0,volatile-memdev=vmem0,id=t3%s",
            cases[i].opts);
        g_autofree char *err = cxl_qtest_start_error(args);

        if (!strstr(err, cases[i].want)) {
            g_test_message("case %u: '%s' lacks '%s'", i, err, cases[i].want);
            g_assert_not_reached();
        }
    }
}

/* A total smaller than the backend, and a small block size */
static void test_total_size(void)
{
    uint8_t out[512], in[2] = { 8, 0 };
    uint32_t len;
    T3 t;

    t3_start_opts(&t, false, ",volatile-dc-memdev=dc0,num-dc-regions=1,"
                  "dc-regions-total-size=256M,dc-block-size=64K "
                  "-object memory-backend-ram,id=dc0,size=512M");
    g_assert_cmphex(mbox_send(&t, OP_GET_CONFIG, in, 2, out, sizeof(out),
                              &len), ==, RC_SUCCESS);
    g_assert_cmpuint(out[0], ==, 1);
    g_assert_cmphex(ldq_le_p(out + 8 + 16), ==, 256 * MiB);
    g_assert_cmphex(ldq_le_p(out + 8 + 24), ==, 64 * KiB);
    qmp_err(dc_add(&t, 0, NULL, "[{'offset': 0, 'len': 4096}]"),
            "block size 0x10000");
    qmp_ok(dc_add(&t, 0, NULL, "[{'offset': 65536, 'len': 65536}]"));
    t3_stop(&t);
}

/* ---- poison, scan media, media operations and events over DC ---- */

#define DC_END              (DC_BASE + DC_SIZE)
#define LOG_FAIL            2

/* Get Poison List of [@dpa, +@len), which must be refused with @rc */
static void poison_list_refused(T3 *t, uint64_t dpa, uint64_t len,
                                uint16_t rc)
{
    uint8_t in[16], out[64];

    stq_le_p(in, dpa);
    stq_le_p(in + 8, len / 64);
    g_assert_cmphex(mbox_send(t, 0x4300, in, 16, out, sizeof(out), NULL),
                    ==, rc);
}

/* The poison records of the DC range, into @out (at most 8) */
static unsigned dc_poison(T3 *t, uint8_t *out)
{
    uint8_t flags;
    unsigned n = poison_list(t, DC_BASE, DC_SIZE, out, 0x20 + 16 * 8,
                             &flags);

    g_assert_cmphex(flags, ==, 0);
    return n;
}

/* Map the static capacity (decoders 0, 1) and the DC partition (2) */
static uint64_t map_dc(T3 *t)
{
    uint64_t dc_hpa = t->window + DC_BASE;

    map_all(t);
    g_assert_cmphex(dec_commit(t, 2, dc_hpa, DC_SIZE, 0), ==,
                    HDM_CTRL_COMMITTED);
    return dc_hpa;
}

/* Offer region @r's [@off, +@len) and accept all of it */
static void dc_accept(T3 *t, unsigned r, uint64_t off, uint64_t len)
{
    g_autofree char *ext = g_strdup_printf(
        "[{'offset': %" PRIu64 ", 'len': %" PRIu64 "}]", off, len);
    uint8_t recs[128 * 16];

    qmp_ok(dc_add(t, r, NULL, ext));
    g_assert_cmpuint(dc_events(t, recs), ==, 1);
    g_assert_cmphex(dc_respond1(t, OP_ADD_RESPONSE,
                                DC_BASE + r * DC_REGION_LEN + off, len), ==,
                    RC_SUCCESS);
}

/*
 * Poison in an accepted extent: Inject Poison lists it, CXL.mem reads of
 * the line return all ones (the fast path leaves its page to the
 * per-access path), Clear Poison writes the line and lists nothing.
 * Outside accepted extents the host's mailbox refuses both with Invalid
 * Physical Address; past the DC capacity every command does. The inject
 * limit counts DC poison as any other. @fast: with the fast path.
 */
static void check_poison_extent(bool fast)
{
    const uint64_t line = DC_BASE + 0x1000;
    uint8_t out[0x20 + 16 * 8], flags;
    uint64_t dc_hpa;
    T3 t;

    dc_start(&t, fast ? "" : " -machine cxl-fast-path=off");
    dc_hpa = map_dc(&t);
    dc_accept(&t, 0, 0, 4 * MiB);
    qtest_writeq(t.qts, dc_hpa + 0x1000, 0x1122334455667788ull);
    qtest_writeq(t.qts, dc_hpa + 0x1040, 0x99aabbccddeeff00ull);
    g_assert_cmphex(fast_mapped(&t), ==,
                    fast ? VMEM_SIZE + PMEM_SIZE + 4 * MiB : 0);

    g_assert_cmphex(poison_inject(&t, line), ==, RC_SUCCESS);
    g_assert_cmpuint(dc_poison(&t, out), ==, 1);
    check_record(out, 0, line, 64, SRC_INJECTED);
    /* the line reads all ones, its neighbour its data */
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa + 0x1000), ==, UINT64_MAX);
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa + 0x1038), ==, UINT64_MAX);
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa + 0x1040), ==,
                    0x99aabbccddeeff00ull);
    /* the fast path no longer maps the poisoned page */
    g_assert_cmphex(fast_mapped(&t), ==,
                    fast ? VMEM_SIZE + PMEM_SIZE + 4 * MiB - 4 * KiB : 0);
    /* a write stores its data but does not clear the poison */
    qtest_writeq(t.qts, dc_hpa + 0x1000, 42);
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa + 0x1000), ==, UINT64_MAX);

    /* Clear Poison writes its data to the line */
    g_assert_cmphex(poison_clear(&t, line, 0x5a), ==, RC_SUCCESS);
    g_assert_cmpuint(dc_poison(&t, out), ==, 0);
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa + 0x1000), ==,
                    0x5a5a5a5a5a5a5a5aull);
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa + 0x1040), ==,
                    0x99aabbccddeeff00ull);
    g_assert_cmphex(fast_mapped(&t), ==,
                    fast ? VMEM_SIZE + PMEM_SIZE + 4 * MiB : 0);

    /* not the host's: no extent, a pending one, the other region */
    qmp_ok(dc_add(&t, 0, NULL, "[{'offset': 8388608, 'len': 2097152}]"));
    g_assert_cmphex(poison_inject(&t, DC_BASE + 4 * MiB), ==, RC_INVALID_PA);
    g_assert_cmphex(poison_inject(&t, DC_BASE + 8 * MiB), ==, RC_INVALID_PA);
    g_assert_cmphex(poison_inject(&t, DC_BASE + DC_REGION_LEN), ==,
                    RC_INVALID_PA);
    g_assert_cmphex(poison_clear(&t, DC_BASE + 4 * MiB, 0), ==,
                    RC_INVALID_PA);
    g_assert_cmphex(poison_clear(&t, DC_BASE + 8 * MiB, 0), ==,
                    RC_INVALID_PA);
    /* misaligned; past the DC capacity */
    g_assert_cmphex(poison_inject(&t, line + 8), ==, RC_INVALID_INPUT);
    g_assert_cmphex(poison_inject(&t, DC_END), ==, RC_INVALID_PA);
    g_assert_cmphex(poison_clear(&t, DC_END, 0), ==, RC_INVALID_PA);
    g_assert_cmpuint(dc_poison(&t, out), ==, 0);
    /* the last accepted line, and the first past the extent */
    g_assert_cmphex(poison_inject(&t, DC_BASE + 4 * MiB - 64), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(dc_poison(&t, out), ==, 1);
    check_record(out, 0, DC_BASE + 4 * MiB - 64, 64, SRC_INJECTED);

    /* Get Poison List: up to the end of the DC capacity, not past it */
    poison_list_refused(&t, DC_END, 64, RC_INVALID_PA);
    poison_list_refused(&t, DC_BASE, DC_SIZE + 64, RC_INVALID_PA);
    poison_list_refused(&t, DC_END - 64, 128, RC_INVALID_PA);
    g_assert_cmpuint(poison_list(&t, 0, DC_END, out, sizeof(out), &flags),
                     ==, 1);

    /* the inject limit counts DC and static poison alike */
    for (unsigned i = 1; i < INJECT_LIMIT; i++) {
        uint64_t dpa = i % 2 ? 0x10000 + i * 128 : DC_BASE + i * 128;

        g_assert_cmphex(poison_inject(&t, dpa), ==, RC_SUCCESS);
    }
    g_assert_cmphex(poison_inject(&t, DC_BASE + 0x100000), ==,
                    RC_POISON_LIMIT);
    g_assert_cmphex(poison_inject(&t, 0x100000), ==, RC_POISON_LIMIT);
    t3_stop(&t);
}

static void test_poison_fast(void)
{
    check_poison_extent(true);
}

static void test_poison_routed(void)
{
    check_poison_extent(false);
}

/*
 * QMP cxl-inject-poison (the device's side) poisons any DC DPA, accepted
 * or not; Get Poison List and Scan Media find it; past the DC capacity
 * the command is refused naming its argument.
 */
static void test_poison_qmp_scan(void)
{
    static const uint8_t gen_media_uuid[16] = {
        0xfb, 0xcd, 0x0a, 0x77, 0xc2, 0x60, 0x41, 0x7f,
        0x85, 0xa9, 0x08, 0x8b, 0x16, 0x21, 0xeb, 0xa6,
    };
    const uint64_t r1 = DC_BASE + DC_REGION_LEN;
    uint8_t out[0x20 + 16 * 8], rec[128 * 4], flags;
    uint32_t len;
    T3 t;

    dc_start(&t, ",scan-media-ms=10");
    dc_accept(&t, 0, 0, BLOCK);
    /* in an accepted extent, in unallocated capacity, at the very end */
    g_assert_null(qmp_poison(&t, "t3", DC_BASE + 0x2000, 0x80));
    g_assert_null(qmp_poison(&t, "t3", r1 + 0x10000, 0x100));
    g_assert_null(qmp_poison(&t, "t3", DC_END - 64, 64));
    g_assert_cmpuint(dc_poison(&t, out), ==, 3);
    check_record(out, 0, DC_BASE + 0x2000, 0x80, SRC_INTERNAL);
    check_record(out, 1, r1 + 0x10000, 0x100, SRC_INTERNAL);
    check_record(out, 2, DC_END - 64, 64, SRC_INTERNAL);
    /* a range of region 1 only */
    g_assert_cmpuint(poison_list(&t, r1, DC_REGION_LEN, out, sizeof(out),
                                 &flags), ==, 2);
    check_record(out, 0, r1 + 0x10000, 0x100, SRC_INTERNAL);
    /* past the DC capacity: the argument named, nothing poisoned */
    qmp_err(qmp_poison(&t, "t3", DC_END, 64), "start");
    qmp_err(qmp_poison(&t, "t3", DC_END - 64, 128), "length");
    g_assert_cmpuint(dc_poison(&t, out), ==, 3);

    /* Get Scan Media Capabilities and Scan Media over region 1 */
    stq_le_p(rec, r1);
    stq_le_p(rec + 8, DC_REGION_LEN / 64);
    g_assert_cmphex(mbox_send(&t, 0x4303, rec, 16, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    stq_le_p(rec + 8, DC_REGION_LEN / 64 + 1);
    g_assert_cmphex(mbox_send(&t, 0x4303, rec, 16, out, sizeof(out), &len),
                    ==, RC_INVALID_PA);
    g_assert_cmphex(scan_media(&t, r1, DC_REGION_LEN + 64), ==,
                    RC_INVALID_PA);
    g_assert_cmphex(scan_media(&t, DC_END, 64), ==, RC_INVALID_PA);
    g_assert_cmphex(scan_media(&t, r1, DC_REGION_LEN), ==, RC_BACKGROUND);
    g_assert_cmphex(bg_wait(&t, 0x4304), ==, RC_SUCCESS);
    g_assert_cmphex(mbox_send(&t, 0x4305, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(lduw_le_p(out + 18), ==, 2);
    check_record(out, 0, r1 + 0x10000, 0x100, SRC_INTERNAL);
    check_record(out, 1, DC_END - 64, 64, SRC_INTERNAL);
    /* one General Media record each, with the volatile flag: DC is */
    g_assert_cmpuint(event_records(&t, LOG_FAIL, rec, 4), ==, 2);
    g_assert_cmpmem(rec, 16, gen_media_uuid, 16);
    g_assert_cmphex(ldq_le_p(rec + 0x30), ==, (r1 + 0x10000) | 1);
    g_assert_cmphex(rec[0x3a], ==, 0x3);            /* host scan media */
    g_assert_cmphex(ldq_le_p(rec + 128 + 0x30), ==, (DC_END - 64) | 1);
    t3_stop(&t);
}

/*
 * Releasing an extent, by the host or by force, zeroes it and clears its
 * poison: offered and accepted again, it reads zeros and lists nothing.
 * Poison outside the released part stays.
 */
static void test_poison_release(void)
{
    uint8_t out[0x20 + 16 * 8], recs[128 * 16];
    uint64_t dc_hpa;
    T3 t;

    dc_start(&t, "");
    dc_hpa = map_dc(&t);
    dc_accept(&t, 0, 0, 4 * MiB);
    qtest_writeq(t.qts, dc_hpa + 0x40, 0x0123456789abcdefull);
    qtest_writeq(t.qts, dc_hpa + 2 * MiB + 0x40, 0xfedcba9876543210ull);
    /* host-injected and QMP poison in both halves */
    g_assert_cmphex(poison_inject(&t, DC_BASE), ==, RC_SUCCESS);
    g_assert_null(qmp_poison(&t, "t3", DC_BASE + 0x100000, 0x200));
    g_assert_cmphex(poison_inject(&t, DC_BASE + 2 * MiB), ==, RC_SUCCESS);
    g_assert_cmpuint(dc_poison(&t, out), ==, 3);
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa), ==, UINT64_MAX);

    /* the host releases the first half: its poison goes with it */
    g_assert_cmphex(dc_respond1(&t, OP_RELEASE, DC_BASE, 2 * MiB), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(dc_poison(&t, out), ==, 1);
    check_record(out, 0, DC_BASE + 2 * MiB, 64, SRC_INJECTED);
    /* forced release of the second half */
    qmp_ok(dc_release(&t, 0, true, "[{'offset': 2097152, "
                      "'len': 2097152}]"));
    g_assert_cmpuint(dc_events(&t, recs), ==, 1);
    check_dc_record(recs, 2, 0, DC_BASE + 2 * MiB, 2 * MiB, false);
    g_assert_cmpuint(dc_poison(&t, out), ==, 0);

    /* offered again: zeros, no poison, the fast path maps all of it */
    dc_accept(&t, 0, 0, 4 * MiB);
    g_assert_cmpuint(dc_poison(&t, out), ==, 0);
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa), ==, 0);
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa + 0x40), ==, 0);
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa + 0x100000), ==, 0);
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa + 2 * MiB), ==, 0);
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa + 2 * MiB + 0x40), ==, 0);
    g_assert_cmphex(fast_mapped(&t), ==, VMEM_SIZE + PMEM_SIZE + 4 * MiB);

    /* poison of capacity never accepted stays: it is the media's */
    g_assert_null(qmp_poison(&t, "t3", DC_BASE + 8 * MiB, 64));
    dc_accept(&t, 0, 8 * MiB, BLOCK);
    g_assert_cmpuint(dc_poison(&t, out), ==, 1);
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa + 8 * MiB), ==, UINT64_MAX);
    t3_stop(&t);
}

/* Start with the DC capacity in a file (@path, removed by the caller) */
static void dc_start_file(T3 *t, char **path)
{
    g_autofree char *opts = NULL;
    GError *err = NULL;
    int fd = g_file_open_tmp("cxl-dc-XXXXXX", path, &err);

    g_assert_no_error(err);
    close(fd);
    opts = g_strdup_printf(",volatile-dc-memdev=dc0,num-dc-regions=2,"
                           "sanitize-ms=20 -object memory-backend-file,"
                           "id=dc0,size=512M,share=on,mem-path=%s", *path);
    t3_start_opts(t, false, opts);
}

static void dc_stop_file(T3 *t, char *path)
{
    t3_stop(t);
    unlink(path);
    g_free(path);
}

/*
 * Media Operations over dynamic capacity: ranges in accepted extents
 * (several adjacent ones too) are zeroed in the backend with their
 * poison, though the decoder over the DC partition is committed; ranges
 * with DPA the host has not accepted are Invalid Physical Address, as
 * past the DC capacity.
 */
static void test_media_ops(void)
{
    uint8_t out[0x20 + 16 * 8];
    uint64_t dc_hpa;
    char *path;
    T3 t;

    dc_start_file(&t, &path);
    dc_hpa = map_dc(&t);
    dc_accept(&t, 0, 0, 4 * MiB);
    dc_accept(&t, 0, 4 * MiB, BLOCK);
    qmp_ok(dc_add(&t, 0, NULL, "[{'offset': 16777216, 'len': 2097152}]"));
    qtest_writeq(t.qts, dc_hpa + 0x2000, 0x1111111111111111ull);
    qtest_writeq(t.qts, dc_hpa + 0x2040, 0x2222222222222222ull);
    qtest_writeq(t.qts, dc_hpa + 4 * MiB - 8, 0x3333333333333333ull);
    qtest_writeq(t.qts, dc_hpa + 4 * MiB, 0x4444444444444444ull);
    g_assert_cmphex(cxl_qtest_file_read64(path, 0x2000), ==,
                    0x1111111111111111ull);

    /* Zero of one line: zeroed in the file at once, the rest kept */
    g_assert_cmphex(media_op(&t, 1, DC_BASE + 0x2000, 0x40), ==,
                    RC_BACKGROUND);
    g_assert_cmphex(cxl_qtest_file_read64(path, 0x2000), ==, 0);
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa + 0x2000), ==, 0);
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa + 0x2040), ==,
                    0x2222222222222222ull);
    g_assert_cmphex(bg_wait(&t, 0x4402), ==, RC_SUCCESS);

    /* across two adjacent accepted extents, with poison in it */
    g_assert_cmphex(poison_inject(&t, DC_BASE + 4 * MiB), ==, RC_SUCCESS);
    g_assert_cmphex(media_op(&t, 1, DC_BASE + 4 * MiB - 0x40, 0x80), ==,
                    RC_BACKGROUND);
    g_assert_cmphex(bg_wait(&t, 0x4402), ==, RC_SUCCESS);
    g_assert_cmphex(cxl_qtest_file_read64(path, 4 * MiB - 8), ==, 0);
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa + 4 * MiB), ==, 0);
    g_assert_cmpuint(dc_poison(&t, out), ==, 0);

    /* not the host's: no extent, past the extents, pending, the end */
    g_assert_cmphex(media_op(&t, 1, DC_BASE + 8 * MiB, 0x40), ==,
                    RC_INVALID_PA);
    g_assert_cmphex(media_op(&t, 1, DC_BASE + 6 * MiB - 0x40, 0x80), ==,
                    RC_INVALID_PA);
    g_assert_cmphex(media_op(&t, 0, DC_BASE + 16 * MiB, 0x40), ==,
                    RC_INVALID_PA);
    g_assert_cmphex(media_op(&t, 1, DC_END - 0x40, 0x80), ==,
                    RC_INVALID_PA);
    g_assert_cmphex(media_op(&t, 1, DC_END, 0x40), ==, RC_INVALID_PA);
    /* the static capacity under its committed decoders stays busy */
    g_assert_cmphex(media_op(&t, 1, DC_BASE - 0x40, 0x80), ==, RC_BUSY);

    /* Sanitize: media disabled until it completes, the range zeroed */
    g_assert_cmphex(media_op(&t, 0, DC_BASE, 4 * MiB), ==, RC_BACKGROUND);
    g_assert_cmpuint(media_status(&t), ==, MEDIA_DISABLED);
    g_assert_cmphex(bg_wait(&t, 0x4402), ==, RC_SUCCESS);
    g_assert_cmphex(qtest_readq(t.qts, dc_hpa + 0x2040), ==, 0);
    g_assert_cmphex(cxl_qtest_file_read64(path, 0x2040), ==, 0);
    check_query(&t, "accepted:0:0x0+0x400000,accepted:0:0x400000+0x200000,"
                "pending:0:0x1000000+0x200000");
    dc_stop_file(&t, path);
}

/*
 * Sanitize and Secure Erase zero the dynamic capacity too and clear its
 * poison; the extents stay as they were.
 */
static void test_sanitize(void)
{
    const char *state = "accepted:0:0x0+0x400000,"
                        "pending:1:0x0+0x200000";
    uint8_t out[0x20 + 16 * 8];
    uint64_t dc_hpa;
    char *path;
    T3 t;

    dc_start_file(&t, &path);
    dc_hpa = map_dc(&t);
    dc_accept(&t, 0, 0, 4 * MiB);
    qmp_ok(dc_add(&t, 1, NULL, "[{'offset': 0, 'len': 2097152}]"));
    qtest_writeq(t.qts, dc_hpa + 0x1000, 0x5555555555555555ull);
    qtest_writeq(t.qts, dc_hpa + 4 * MiB - 8, 0x6666666666666666ull);
    g_assert_null(qmp_poison(&t, "t3", DC_BASE + DC_REGION_LEN, 64));
    g_assert_cmphex(poison_inject(&t, DC_BASE + 0x2000), ==, RC_SUCCESS);
    /* refused while the decoders are committed */
    g_assert_cmphex(mbox_send(&t, 0x4400, NULL, 0, NULL, 0, NULL), ==,
                    RC_BUSY);
    dec_clear(&t, 2);
    unmap_all(&t);
    g_assert_cmphex(mbox_send(&t, 0x4400, NULL, 0, NULL, 0, NULL), ==,
                    RC_BACKGROUND);
    g_assert_cmphex(bg_wait(&t, 0x4400), ==, RC_SUCCESS);
    g_assert_true(file_is_zero(path));
    g_assert_cmpuint(dc_poison(&t, out), ==, 0);
    check_query(&t, state);

    /* Secure Erase */
    dc_hpa = map_dc(&t);
    qtest_writeq(t.qts, dc_hpa + 0x3000, 0x7777777777777777ull);
    g_assert_cmphex(cxl_qtest_file_read64(path, 0x3000), ==,
                    0x7777777777777777ull);
    g_assert_null(qmp_poison(&t, "t3", DC_BASE + 0x100000, 64));
    dec_clear(&t, 2);
    unmap_all(&t);
    g_assert_cmphex(mbox_send(&t, 0x4401, NULL, 0, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    g_assert_true(file_is_zero(path));
    g_assert_cmpuint(dc_poison(&t, out), ==, 0);
    check_query(&t, state);
    dc_stop_file(&t, path);
}

/*
 * The DPA of QMP's General Media and DRAM events and of Perform
 * Maintenance's PPR may be DC DPA; past the DC capacity it is refused.
 */
static void test_event_dpa(void)
{
    static const char *const cmds[] = {
        "cxl-inject-general-media-event", "cxl-inject-dram-event",
    };
    uint8_t rec[128 * 2], in[14] = { 1, 0, 0 };
    T3 t;

    dc_start(&t, "");
    for (unsigned i = 0; i < ARRAY_SIZE(cmds); i++) {
        qmp_ok(dc_qmp(&t, cmds[i], "{'path': 't3', 'log': 'failure', "
                      "'flags': 0, 'dpa': %" PRIu64 ", 'descriptor': 1, "
                      "'type': 0, 'transaction-type': 0}",
                      (uint64_t)DC_END - 64));
        g_assert_cmpuint(event_records(&t, LOG_FAIL, rec, 2), ==, 1);
        g_assert_cmphex(ldq_le_p(rec + 0x30), ==, DC_END - 64);
        event_clear(&t, LOG_FAIL, rec);
        qmp_err(dc_qmp(&t, cmds[i], "{'path': 't3', 'log': 'failure', "
                       "'flags': 0, 'dpa': %" PRIu64 ", 'descriptor': 1, "
                       "'type': 0, 'transaction-type': 0}",
                       (uint64_t)DC_END), "dpa: ");
        g_assert_cmpuint(event_records(&t, LOG_FAIL, rec, 2), ==, 0);
    }

    /* soft PPR of the last DC line, then of the first DPA past it */
    stq_le_p(in + 3, DC_END - 64);
    g_assert_cmphex(mbox_send(&t, 0x0600, in, sizeof(in), NULL, 0, NULL),
                    ==, RC_SUCCESS);
    stq_le_p(in + 3, DC_END);
    g_assert_cmphex(mbox_send(&t, 0x0600, in, sizeof(in), NULL, 0, NULL),
                    ==, RC_INVALID_PA);
    t3_stop(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cxl-type3-dc/config", test_config);
    qtest_add_func("/cxl-type3-dc/cel", test_cel);
    qtest_add_func("/cxl-type3-dc/cdat", test_cdat);
    qtest_add_func("/cxl-type3-dc/add-flow", test_add_flow);
    qtest_add_func("/cxl-type3-dc/add-response-errors",
                   test_add_response_errors);
    qtest_add_func("/cxl-type3-dc/qmp-errors", test_qmp_errors);
    qtest_add_func("/cxl-type3-dc/release", test_release);
    qtest_add_func("/cxl-type3-dc/memory/fast-path", test_memory_fast);
    qtest_add_func("/cxl-type3-dc/memory/routed", test_memory_routed);
    qtest_add_func("/cxl-type3-dc/memory/interleaved",
                   test_memory_interleaved);
    qtest_add_func("/cxl-type3-dc/reset", test_reset);
    qtest_add_func("/cxl-type3-dc/limits", test_limits);
    qtest_add_func("/cxl-type3-dc/no-dc", test_no_dc);
    qtest_add_func("/cxl-type3-dc/policies", test_policies);
    qtest_add_func("/cxl-type3-dc/props", test_props);
    qtest_add_func("/cxl-type3-dc/total-size", test_total_size);
    qtest_add_func("/cxl-type3-dc/poison/fast-path", test_poison_fast);
    qtest_add_func("/cxl-type3-dc/poison/routed", test_poison_routed);
    qtest_add_func("/cxl-type3-dc/poison/qmp-scan", test_poison_qmp_scan);
    qtest_add_func("/cxl-type3-dc/poison/release", test_poison_release);
    qtest_add_func("/cxl-type3-dc/media-ops", test_media_ops);
    qtest_add_func("/cxl-type3-dc/sanitize", test_sanitize);
    qtest_add_func("/cxl-type3-dc/event-dpa", test_event_dpa);
    return g_test_run();
}
