/*
 * qtest: multi-logical devices and a switch with two virtual CXL
 * switches, without a guest.
 *
 * The topology is cxl-switch-test's (cxl-switch-qtest.h) with t3b (below
 * downstream port 5, vPPB 1 of VCS 0) an MLD of two LDs over a 1 GiB
 * backend, plus a second root port rp1 with cxl-upstream us1 (vcs-of=us0:
 * VCS 1 of the same switch) whose downstream port ds1 (bound=off) has LD
 * 1's view, cxl-type3-ld ld1, below it. The fabric manager's commands go
 * through the switch's mailbox CCI: the MLD Components commands on the
 * MLD's LD-FAM CCI through the Tunnel Management Command to port 5
 * (5400h-5409h, and its own tunnel to an LD's CCI), Get Virtual CXL
 * Switch Info of both VCSs, Bind vPPB of VCS 1 to (port 5, LD 1) with
 * its hot-add, and Send LD CXL.io Configuration / Memory Request
 * (5301h/5302h) landing at the LD's offset of the MLD's backend.
 *
 * Every FM API payload layout here is FROM MEMORY of CXL r3.x 7.6.7.3 and
 * 7.6.7.4 (as in include/hw/cxl/cxl-mld.h and cxl-mailbox.h): Linux has
 * no code for them.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/bswap.h"
#include "libqtest.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qjson.h"
#include "qapi/error.h"
#include "cxl-switch-qtest.h"

#define RC_BUSY             0x06

#define OP_IDENTIFY         0x0001
#define OP_IDENTIFY_MEMDEV  0x4000
#define OP_IDENTIFY_SWITCH  0x5100
#define OP_PORT_STATE       0x5101
#define OP_GET_VCS_INFO     0x5200
#define OP_BIND_VPPB        0x5201
#define OP_UNBIND_VPPB      0x5202
#define OP_TUNNEL           0x5300
#define OP_LD_CONFIG        0x5301
#define OP_LD_MEMORY        0x5302
#define OP_LD_INFO          0x5400
#define OP_GET_ALLOC        0x5401
#define OP_SET_ALLOC        0x5402
#define OP_GET_QOS_CTRL     0x5403
#define OP_SET_QOS_CTRL     0x5404
#define OP_QOS_STATUS       0x5405
#define OP_GET_QOS_BW       0x5406
#define OP_SET_QOS_BW       0x5407
#define OP_GET_QOS_LIMIT    0x5408
#define OP_SET_QOS_LIMIT    0x5409

#define MSG_HDR             12
#define TUNNEL_HDR          4
#define MLD_PORT            5
#define VCS1_USP_ID         1       /* us1: port 0 is us0's, 1 is free */
#define G256                (256 * MiB)

#define VPPB_UNBOUND        0
#define VPPB_BOUND_LD       3

/* rp1 and what is below it (MLD_EXTRA), and where the test puts them */
#define RP1_BUS             12
#define RP1_DEV             1
#define US1_BUS             21
#define DS1_BUS             22
#define LD1_BUS             23

/* PCIe slot registers of ds1 (pci_regs.h) */
#define PCIE_SLTCTL         0x18
#define PCIE_SLTSTA         0x1a
#define   SLTSTA_PDS            0x0040

static void start(Sw *s)
{
    sw_start_sized(s, "1G", ",num-lds=2", MLD_EXTRA);
    /* bus numbers below rp1: rp1 -> us1 -> ds1 -> ld1 */
    qtest_writel(s->qts, cxl_qtest_cfg(RP1_BUS, RP1_DEV, 0, 0x18),
                 RP1_BUS | US1_BUS << 8 | LD1_BUS << 16);
    qtest_writel(s->qts, cxl_qtest_cfg(US1_BUS, 0, 0, 0x18),
                 US1_BUS | DS1_BUS << 8 | LD1_BUS << 16);
    qtest_writel(s->qts, cxl_qtest_cfg(DS1_BUS, 0, 0, 0x18),
                 DS1_BUS | LD1_BUS << 8 | LD1_BUS << 16);
}

/* ---- tunnels ---- */

typedef struct Rsp {
    uint16_t rc;                /* the innermost command's return code */
    uint8_t payload[4096];
    uint32_t len;
} Rsp;

/* Check a response message of @len bytes at @m to @op; its rc, payload */
static const uint8_t *unwrap(const uint8_t *m, size_t len, uint16_t op,
                             uint16_t *rc, uint32_t *plen)
{
    g_assert_cmpuint(len, >=, MSG_HDR);
    g_assert_cmphex(m[0] & 0xf, ==, 1);                 /* a response */
    g_assert_cmphex(lduw_le_p(m + 3), ==, op);
    *plen = (m[5] | m[6] << 8 | m[7] << 16) & 0x1fffff;
    g_assert_cmpuint(*plen, ==, len - MSG_HDR);
    *rc = lduw_le_p(m + 8);
    return m + MSG_HDR;
}

/*
 * Run @op on the MLD's LD-FAM CCI (tunnel to port 5); with @ld >= 0,
 * nested: the LD-FAM CCI's own tunnel to LD @ld's CCI. The tunnels must
 * succeed; the command's return code and payload go to @r.
 */
static uint16_t fam(Sw *s, int ld, uint16_t op, const void *in, size_t n,
                    Rsp *r)
{
    g_autofree uint8_t *req = g_malloc0(2 * (TUNNEL_HDR + MSG_HDR) + n);
    g_autofree uint8_t *out = g_malloc0(s->payload_max);
    const uint8_t *p;
    size_t inner, len;
    uint32_t out_len, plen;
    uint16_t rc;

    if (ld >= 0) {
        /* the inner tunnel request, as the LD-FAM CCI's message payload */
        uint8_t *t = req + TUNNEL_HDR + MSG_HDR;

        inner = sw_make_msg(t + TUNNEL_HDR, 0x21, op, in, n);
        t[0] = ld;
        t[1] = 0;
        stw_le_p(t + 2, inner);
        len = sw_make_msg(req + TUNNEL_HDR, 0x12, OP_TUNNEL, NULL, 0);
        /* patch the outer message's length to hold the inner tunnel */
        len += TUNNEL_HDR + inner;
        req[TUNNEL_HDR + 5] = (TUNNEL_HDR + inner);
        req[TUNNEL_HDR + 6] = (TUNNEL_HDR + inner) >> 8;
    } else {
        len = sw_make_msg(req + TUNNEL_HDR, 0x12, op, in, n);
    }
    req[0] = MLD_PORT;
    req[1] = 0;
    stw_le_p(req + 2, len);
    g_assert_cmphex(sw_cci_send(s, OP_TUNNEL, req, TUNNEL_HDR + len, out,
                                s->payload_max, &out_len), ==, RC_SUCCESS);
    g_assert_cmpuint(lduw_le_p(out), ==, out_len - TUNNEL_HDR);
    p = unwrap(out + TUNNEL_HDR, out_len - TUNNEL_HDR,
               ld >= 0 ? OP_TUNNEL : op, &rc, &plen);
    if (ld >= 0) {
        g_assert_cmphex(rc, ==, RC_SUCCESS);    /* the inner tunnel */
        g_assert_cmpuint(lduw_le_p(p), ==, plen - TUNNEL_HDR);
        p = unwrap(p + TUNNEL_HDR, plen - TUNNEL_HDR, op, &rc, &plen);
    }
    memset(r, 0, sizeof(*r));
    r->rc = rc;
    r->len = plen;
    g_assert_cmpuint(plen, <=, sizeof(r->payload));
    memcpy(r->payload, p, plen);
    return rc;
}

/* Get LD Allocations: LD @k's range 1 (256 MiB units) */
static uint64_t ld_alloc(Sw *s, unsigned k)
{
    uint8_t in[2] = { 0, 16 };
    Rsp r;

    g_assert_cmphex(fam(s, -1, OP_GET_ALLOC, in, 2, &r), ==, RC_SUCCESS);
    g_assert_cmpuint(r.len, ==, 4 + 2 * 16);
    g_assert_cmpuint(r.payload[0], ==, 2);      /* LDs */
    g_assert_cmpuint(r.payload[1], ==, 0);      /* 256 MiB granularity */
    g_assert_cmpuint(r.payload[2], ==, 0);      /* start */
    g_assert_cmpuint(r.payload[3], ==, 2);      /* entries */
    g_assert_cmphex(ldq_le_p(r.payload + 4 + 16 * k + 8), ==, 0);
    return ldq_le_p(r.payload + 4 + 16 * k);
}

/* Set LD Allocations of @n LDs from @start to @units; its return code */
static uint16_t set_alloc(Sw *s, uint8_t start, uint8_t n,
                          const uint64_t *units, uint64_t range2)
{
    uint8_t in[4 + 16 * 4] = { n, start };
    Rsp r;

    for (unsigned k = 0; k < n; k++) {
        stq_le_p(in + 4 + 16 * k, units[k]);
        stq_le_p(in + 4 + 16 * k + 8, range2);
    }
    fam(s, -1, OP_SET_ALLOC, in, 4 + 16 * n, &r);
    if (r.rc == RC_SUCCESS) {
        g_assert_cmpuint(r.len, ==, 4 + 16 * n);
        for (unsigned k = 0; k < n; k++) {
            g_assert_cmphex(ldq_le_p(r.payload + 4 + 16 * k), ==, units[k]);
        }
    }
    return r.rc;
}

/* ---- the LD-FAM CCI's commands ---- */

static void test_ld_info_alloc(void)
{
    Sw s;
    Rsp r;
    uint64_t u[2];
    uint8_t bad_start[2] = { 2, 1 }, in[2] = { 1, 1 };

    start(&s);
    g_assert_cmphex(fam(&s, -1, OP_LD_INFO, NULL, 0, &r), ==, RC_SUCCESS);
    g_assert_cmpuint(r.len, ==, 11);
    g_assert_cmphex(ldq_le_p(r.payload), ==, 1 * GiB);
    g_assert_cmpuint(lduw_le_p(r.payload + 8), ==, 2);
    g_assert_cmphex(r.payload[10], ==, 3);
    g_assert_cmphex(fam(&s, -1, OP_LD_INFO, in, 1, &r), ==, RC_PAYLOAD_LEN);

    /* default: 1 GiB split evenly */
    g_assert_cmpuint(ld_alloc(&s, 0), ==, 2);
    g_assert_cmpuint(ld_alloc(&s, 1), ==, 2);
    /* from LD 1, one entry */
    g_assert_cmphex(fam(&s, -1, OP_GET_ALLOC, in, 2, &r), ==, RC_SUCCESS);
    g_assert_cmpuint(r.len, ==, 4 + 16);
    g_assert_cmpuint(r.payload[2], ==, 1);
    g_assert_cmphex(ldq_le_p(r.payload + 4), ==, 2);
    g_assert_cmphex(fam(&s, -1, OP_GET_ALLOC, bad_start, 2, &r), ==,
                    RC_INVALID_INPUT);

    /* LD 0 is bound (ds5 bound at boot): its window may not change */
    u[0] = 3;
    u[1] = 1;
    g_assert_cmphex(set_alloc(&s, 0, 2, u, 0), ==, RC_BUSY);
    g_assert_cmpuint(ld_alloc(&s, 0), ==, 2);
    /* LD 1 alone (unbound; LD 0's window stays) */
    u[0] = 1;
    g_assert_cmphex(set_alloc(&s, 1, 1, u, 0), ==, RC_SUCCESS);
    g_assert_cmpuint(ld_alloc(&s, 1), ==, 1);
    /* bad: over capacity, out of range, range 2, no entry, length */
    u[0] = 3;
    g_assert_cmphex(set_alloc(&s, 1, 1, u, 0), ==, RC_INVALID_INPUT);
    u[0] = 1;
    g_assert_cmphex(set_alloc(&s, 2, 1, u, 0), ==, RC_INVALID_INPUT);
    g_assert_cmphex(set_alloc(&s, 1, 2, u, 0), ==, RC_INVALID_INPUT);
    g_assert_cmphex(set_alloc(&s, 1, 1, u, 1), ==, RC_INVALID_INPUT);
    g_assert_cmphex(set_alloc(&s, 0, 0, u, 0), ==, RC_INVALID_INPUT);
    {
        uint8_t shortin[4 + 8] = { 1, 1 };

        g_assert_cmphex(fam(&s, -1, OP_SET_ALLOC, shortin, sizeof(shortin),
                            &r), ==, RC_PAYLOAD_LEN);
    }
    g_assert_cmpuint(ld_alloc(&s, 0), ==, 2);
    g_assert_cmpuint(ld_alloc(&s, 1), ==, 1);

    /* LD 1's host view reports its allocation (Identify Memory Device) */
    g_assert_cmphex(fam(&s, 1, OP_IDENTIFY_MEMDEV, NULL, 0, &r), ==,
                    RC_SUCCESS);
    g_assert_cmphex(ldq_le_p(r.payload + 0x10), ==, 1);    /* total */
    g_assert_cmphex(ldq_le_p(r.payload + 0x18), ==, 1);    /* volatile */
    /* ... LD 0 (the MLD itself) its own */
    g_assert_cmphex(fam(&s, 0, OP_IDENTIFY_MEMDEV, NULL, 0, &r), ==,
                    RC_SUCCESS);
    g_assert_cmphex(ldq_le_p(r.payload + 0x10), ==, 2);
    /* the LD-FAM CCI's Identify */
    g_assert_cmphex(fam(&s, -1, OP_IDENTIFY, NULL, 0, &r), ==, RC_SUCCESS);
    /* LD 1 without memory: its view reports none */
    u[0] = 0;
    g_assert_cmphex(set_alloc(&s, 1, 1, u, 0), ==, RC_SUCCESS);
    g_assert_cmphex(fam(&s, 1, OP_IDENTIFY_MEMDEV, NULL, 0, &r), ==,
                    RC_SUCCESS);
    g_assert_cmphex(ldq_le_p(r.payload + 0x10), ==, 0);
    u[0] = 2;
    g_assert_cmphex(set_alloc(&s, 1, 1, u, 0), ==, RC_SUCCESS);
    g_assert_cmphex(fam(&s, 1, OP_IDENTIFY_MEMDEV, NULL, 0, &r), ==,
                    RC_SUCCESS);
    g_assert_cmphex(ldq_le_p(r.payload + 0x10), ==, 2);
    sw_stop(&s);
}

static void test_qos(void)
{
    Sw s;
    Rsp r;
    const uint8_t good[7] = { 3, 20, 40, 15, 0x34, 0x12, 7 };
    const uint8_t bad[][7] = {
        { 4, 20, 40, 8 },       /* unknown control bit */
        { 0, 0, 40, 8 },        /* moderate 0 */
        { 0, 20, 101, 8 },      /* severe over 100 */
        { 0, 50, 40, 8 },       /* moderate above severe */
        { 0, 20, 40, 16 },      /* sample interval */
    };
    uint8_t bw_get[2] = { 2, 0 }, bw_set[4] = { 2, 0, 0x40, 0xc0 };
    uint8_t bw_bad[3] = { 1, 2, 0x10 }, bw_zero[2] = { 0, 0 };

    start(&s);
    g_assert_cmphex(fam(&s, -1, OP_GET_QOS_CTRL, NULL, 0, &r), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(r.len, ==, 7);
    g_assert_cmpuint(r.payload[1], ==, 10);
    g_assert_cmpuint(r.payload[2], ==, 25);
    g_assert_cmphex(fam(&s, -1, OP_SET_QOS_CTRL, good, 7, &r), ==,
                    RC_SUCCESS);
    g_assert_cmpmem(r.payload, r.len, good, 7);
    for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
        g_assert_cmphex(fam(&s, -1, OP_SET_QOS_CTRL, bad[i], 7, &r), ==,
                        RC_INVALID_INPUT);
    }
    g_assert_cmphex(fam(&s, -1, OP_SET_QOS_CTRL, good, 6, &r), ==,
                    RC_PAYLOAD_LEN);
    g_assert_cmphex(fam(&s, -1, OP_GET_QOS_CTRL, NULL, 0, &r), ==,
                    RC_SUCCESS);
    g_assert_cmpmem(r.payload, r.len, good, 7);
    g_assert_cmphex(fam(&s, -1, OP_QOS_STATUS, NULL, 0, &r), ==, RC_SUCCESS);
    g_assert_cmpuint(r.len, ==, 1);
    g_assert_cmpuint(r.payload[0], ==, 0);

    /* allocated bandwidth: default even, set, read back */
    g_assert_cmphex(fam(&s, -1, OP_GET_QOS_BW, bw_get, 2, &r), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(r.len, ==, 4);
    g_assert_cmpuint(r.payload[2], ==, 128);
    g_assert_cmphex(fam(&s, -1, OP_SET_QOS_BW, bw_set, 4, &r), ==,
                    RC_SUCCESS);
    g_assert_cmphex(fam(&s, -1, OP_GET_QOS_BW, bw_get, 2, &r), ==,
                    RC_SUCCESS);
    g_assert_cmpmem(r.payload, r.len, bw_set, 4);
    g_assert_cmphex(fam(&s, -1, OP_SET_QOS_BW, bw_bad, 3, &r), ==,
                    RC_INVALID_INPUT);
    g_assert_cmphex(fam(&s, -1, OP_SET_QOS_BW, bw_set, 3, &r), ==,
                    RC_PAYLOAD_LEN);
    g_assert_cmphex(fam(&s, -1, OP_GET_QOS_BW, bw_zero, 2, &r), ==,
                    RC_INVALID_INPUT);
    /* bandwidth limit: default all, set LD 1 */
    g_assert_cmphex(fam(&s, -1, OP_GET_QOS_LIMIT, bw_get, 2, &r), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(r.payload[2], ==, 0xff);
    g_assert_cmpuint(r.payload[3], ==, 0xff);
    bw_bad[1] = 1;
    g_assert_cmphex(fam(&s, -1, OP_SET_QOS_LIMIT, bw_bad, 3, &r), ==,
                    RC_SUCCESS);
    g_assert_cmphex(fam(&s, -1, OP_GET_QOS_LIMIT, bw_get, 2, &r), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(r.payload[2], ==, 0xff);
    g_assert_cmpuint(r.payload[3], ==, 0x10);
    sw_stop(&s);
}

/* The commands the LD-FAM CCI lists in its CEL, all tested here */
static const CXLQtestOp ld_fam_ops[] = {
    CXL_QTEST_GENERIC_OPS,
    { OP_TUNNEL, "Tunnel Management Command" },
    { OP_LD_INFO, "Get LD Info" },
    { OP_GET_ALLOC, "Get LD Allocations" },
    { OP_SET_ALLOC, "Set LD Allocations" },
    { OP_GET_QOS_CTRL, "Get QoS Control" },
    { OP_SET_QOS_CTRL, "Set QoS Control" },
    { OP_QOS_STATUS, "Get QoS Status" },
    { OP_GET_QOS_BW, "Get QoS Allocated BW" },
    { OP_SET_QOS_BW, "Set QoS Allocated BW" },
    { OP_GET_QOS_LIMIT, "Get QoS BW Limit" },
    { OP_SET_QOS_LIMIT, "Set QoS BW Limit" },
};

/* The LD-FAM CCI's CEL through the tunnel (Get Supported Logs, Get Log) */
static void test_ld_fam_cel(void)
{
    Sw s;
    Rsp r;
    uint8_t in[24];
    uint32_t size = 0;

    start(&s);
    g_assert_cmphex(fam(&s, -1, 0x0400, NULL, 0, &r), ==, RC_SUCCESS);
    for (unsigned i = 0; i < lduw_le_p(r.payload); i++) {
        const uint8_t *e = r.payload + 8 + 20 * i;

        if (!memcmp(e, cxl_qtest_cel_uuid, 16)) {
            size = ldl_le_p(e + 16);
        }
    }
    g_assert_cmpuint(size, ==, 4 * ARRAY_SIZE(ld_fam_ops));
    memcpy(in, cxl_qtest_cel_uuid, 16);
    stl_le_p(in + 16, 0);
    stl_le_p(in + 20, size);
    g_assert_cmphex(fam(&s, -1, 0x0401, in, sizeof(in), &r), ==, RC_SUCCESS);
    g_assert_cmpuint(r.len, ==, size);
    cxl_qtest_check_cel(r.payload, r.len, ld_fam_ops, ARRAY_SIZE(ld_fam_ops));
    sw_stop(&s);
}

#define RC_MAX              0x1e    /* Invalid Extent List, the last */

/*
 * Bad input through the tunnels: every LD-FAM opcode, and Identify and
 * Identify Memory Device on each LD's CCI through the nested tunnel, with
 * payloads of zero and of all-one bytes (every reserved bit set) of many
 * lengths. The tunnels carry them and their replies well formed (fam()
 * checks both), every return code is one the spec defines, and the MLD
 * still answers. Malformed tunnel requests to the switch's CCI (a port
 * that is no MLD, a Command Size that disagrees with the payload, a
 * message shorter than its header) get Invalid Input or Invalid Payload
 * Length; a message whose own length field disagrees gets a response
 * with Invalid Payload Length (hw/cxl/cxl-switch-cci.c).
 */
static void test_ld_fam_bad_input(void)
{
    static const uint32_t lens[] = {
        0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 20, 24, 31, 32, 33, 36, 63,
        64, 65, 68, 80, 128,
    };
    static const uint16_t ld_ops[] = { OP_IDENTIFY, OP_IDENTIFY_MEMDEV };
    g_autofree uint8_t *out = NULL;
    uint8_t in[128], req[64];
    unsigned failed = 0;
    uint32_t out_len;
    uint16_t rc;
    Sw s;
    Rsp r;

    start(&s);
    out = g_malloc(s.payload_max);
    for (int ld = -1; ld < 2; ld++) {
        unsigned nops = ld < 0 ? ARRAY_SIZE(ld_fam_ops) : ARRAY_SIZE(ld_ops);

        for (unsigned i = 0; i < nops; i++) {
            uint16_t op = ld < 0 ? ld_fam_ops[i].opcode : ld_ops[i];

            for (int fill = 0; fill < 0x100; fill += 0xff) {
                for (unsigned k = 0; k < ARRAY_SIZE(lens); k++) {
                    memset(in, fill, lens[k]);
                    rc = fam(&s, ld, op, in, lens[k], &r);
                    if (rc > RC_MAX) {
                        g_test_message("FAIL LD %d %04xh, %u bytes of %02x: "
                                       "rc %02x", ld, op, lens[k], fill, rc);
                        failed++;
                    }
                }
            }
        }
    }
    g_assert_cmpuint(failed, ==, 0);

    /* a port that is no MLD's; port 5 with lengths that disagree */
    memset(req, 0, sizeof(req));
    sw_make_msg(req + TUNNEL_HDR, 0x12, OP_IDENTIFY, NULL, 0);
    req[0] = 0xff;
    stw_le_p(req + 2, MSG_HDR);
    rc = sw_cci_send(&s, OP_TUNNEL, req, TUNNEL_HDR + MSG_HDR, out,
                     s.payload_max, &out_len);
    g_assert_true(rc == RC_INVALID_INPUT);
    req[0] = MLD_PORT;
    stw_le_p(req + 2, MSG_HDR + 8);             /* more than follows */
    rc = sw_cci_send(&s, OP_TUNNEL, req, TUNNEL_HDR + MSG_HDR, out,
                     s.payload_max, &out_len);
    g_assert_true(rc == RC_INVALID_INPUT || rc == RC_PAYLOAD_LEN);
    stw_le_p(req + 2, MSG_HDR - 4);             /* a cut header */
    rc = sw_cci_send(&s, OP_TUNNEL, req, TUNNEL_HDR + MSG_HDR - 4, out,
                     s.payload_max, &out_len);
    g_assert_true(rc == RC_INVALID_INPUT || rc == RC_PAYLOAD_LEN);
    stw_le_p(req + 2, MSG_HDR);
    /* the message's own length disagrees: its response says so */
    req[TUNNEL_HDR + 5] = 40;
    rc = sw_cci_send(&s, OP_TUNNEL, req, TUNNEL_HDR + MSG_HDR, out,
                     s.payload_max, &out_len);
    g_assert_cmphex(rc, ==, RC_SUCCESS);
    g_assert_cmpuint(out_len, >=, TUNNEL_HDR + MSG_HDR);
    g_assert_cmphex(lduw_le_p(out + TUNNEL_HDR + 8), ==, RC_PAYLOAD_LEN);

    /* all is still well */
    g_assert_cmphex(fam(&s, -1, OP_IDENTIFY, NULL, 0, &r), ==, RC_SUCCESS);
    g_assert_cmphex(fam(&s, 1, OP_IDENTIFY_MEMDEV, NULL, 0, &r), ==,
                    RC_SUCCESS);
    sw_stop(&s);
}

/* ---- VCSs and binding ---- */

/* Get Virtual CXL Switch Info of VCS 0 and 1: checks, and VCS 1's vPPB */
static void vcs_info(Sw *s, uint8_t *status, uint8_t *port, uint8_t *ld)
{
    uint8_t in[5] = { 0, 8, 2, 0, 1 }, out[256];
    uint8_t bad[4] = { 0, 8, 1, 2 };
    uint32_t len;

    g_assert_cmphex(sw_cci_send(s, OP_GET_VCS_INFO, in, sizeof(in), out,
                                sizeof(out), &len), ==, RC_SUCCESS);
    g_assert_cmpuint(out[0], ==, 2);
    /* VCS 0: us0, vPPBs 0 (port 3) and 1 (port 5, the MLD: LD 0) */
    g_assert_cmpuint(len, ==, 4 + (4 + 2 * 4) + (4 + 1 * 4));
    g_assert_cmpuint(out[4], ==, 0);
    g_assert_cmpuint(out[6], ==, 0);
    g_assert_cmpuint(out[7], ==, 2);
    g_assert_cmpuint(out[8], ==, 2);                /* bound to a port */
    g_assert_cmpuint(out[9], ==, 3);
    g_assert_cmpuint(out[10], ==, 0xff);
    g_assert_cmpuint(out[12], ==, VPPB_BOUND_LD);
    g_assert_cmpuint(out[13], ==, MLD_PORT);
    g_assert_cmpuint(out[14], ==, 0);
    /* VCS 1: us1 */
    g_assert_cmpuint(out[16], ==, 1);
    g_assert_cmpuint(out[18], ==, VCS1_USP_ID);
    g_assert_cmpuint(out[19], ==, 1);
    *status = out[20];
    *port = out[21];
    *ld = out[22];
    g_assert_cmphex(sw_cci_send(s, OP_GET_VCS_INFO, bad, sizeof(bad), out,
                                sizeof(out), &len), ==, RC_INVALID_INPUT);
}

static uint16_t vppb_bind(Sw *s, uint8_t vcs, uint8_t vppb, uint8_t port,
                     uint16_t ld)
{
    uint8_t in[6] = { vcs, vppb, port, 0, ld & 0xff, ld >> 8 };

    return sw_cci_send(s, OP_BIND_VPPB, in, sizeof(in), NULL, 0, NULL);
}

static uint16_t ds1_sltsta(Sw *s)
{
    uint8_t exp = cxl_qtest_find_cap(s->qts, DS1_BUS, 0, 0x10);

    g_assert_cmphex(exp, !=, 0);
    return qtest_readw(s->qts, cxl_qtest_cfg(DS1_BUS, 0, 0, exp +
                                             PCIE_SLTSTA));
}

/* The host powers ds1's slot on, as pciehp does after a presence change */
static void ds1_power_on(Sw *s)
{
    uint8_t exp = cxl_qtest_find_cap(s->qts, DS1_BUS, 0, 0x10);
    uint64_t ctl = cxl_qtest_cfg(DS1_BUS, 0, 0, exp + PCIE_SLTCTL);

    qtest_writew(s->qts, ctl, (qtest_readw(s->qts, ctl) & ~0x0700) | 0x0100);
}

static bool ld1_visible(Sw *s)
{
    return qtest_readw(s->qts, cxl_qtest_cfg(LD1_BUS, 0, 0, 0)) != 0xffff;
}

/*
 * The switch's informational log holds the Virtual CXL Switch Event Record
 * (Binding Change, layout from memory) of VCS 1's vPPB 0 bound to
 * (MLD_PORT, LD 1)
 */
static void check_bind_record(Sw *s)
{
    static const uint8_t uuid[16] = {
        0x40, 0xd2, 0x64, 0x25, 0x33, 0x96, 0x4c, 0x4d,
        0xa5, 0xda, 0x3d, 0x47, 0x26, 0x3a, 0xf4, 0x25,
    };
    uint8_t log = 0, out[0x20 + 128 * 8];
    uint32_t len;
    unsigned n, k;

    g_assert_cmphex(sw_cci_send(s, 0x0100, &log, 1, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    n = lduw_le_p(out + 0x14);
    g_assert_cmpuint(n, <=, 8);
    for (k = 0; k < n; k++) {
        const uint8_t *r = out + 0x20 + 128 * k;

        if (!memcmp(r, uuid, 16) && r[0x30] == 1) {
            break;
        }
    }
    g_assert_cmpuint(k, <, n);
    g_assert_cmpuint(out[0x20 + 128 * k + 0x31], ==, 0);        /* vPPB */
    g_assert_cmpuint(out[0x20 + 128 * k + 0x33], ==, VPPB_BOUND_LD);
    g_assert_cmpuint(out[0x20 + 128 * k + 0x34], ==, MLD_PORT);
    g_assert_cmpuint(out[0x20 + 128 * k + 0x35], ==, 1);        /* LD */
}

static void test_vcs_bind(void)
{
    Sw s;
    Rsp r;
    uint8_t out[256], status, port, ld;
    uint8_t state_in[2] = { 1, MLD_PORT }, unbind_in[3] = { 1, 0, 2 };
    uint32_t len;
    uint64_t u = 1;

    start(&s);
    /* Identify Switch Device: 2 VCSs, 4 physical ports, 3 vPPBs */
    g_assert_cmphex(sw_cci_send(&s, OP_IDENTIFY_SWITCH, NULL, 0, out,
                                sizeof(out), &len), ==, RC_SUCCESS);
    g_assert_cmpuint(out[2], ==, 4);
    g_assert_cmpuint(out[3], ==, 2);
    g_assert_cmphex(out[4], ==, 0x2b);      /* ports 0, 1, 3, 5 */
    g_assert_cmphex(out[36], ==, 0x3);      /* VCSs 0 and 1 */
    g_assert_cmpuint(lduw_le_p(out + 68), ==, 3);
    g_assert_cmpuint(lduw_le_p(out + 70), ==, 2);
    /* Get Physical Port State: an MLD of 2 LDs on port 5 */
    g_assert_cmphex(sw_cci_send(&s, OP_PORT_STATE, state_in, 2, out,
                                sizeof(out), &len), ==, RC_SUCCESS);
    g_assert_cmpuint(out[4 + 0], ==, MLD_PORT);
    g_assert_cmpuint(out[4 + 4], ==, 5);    /* connected: Type 3 MLD */
    g_assert_cmpuint(out[4 + 15], ==, 2);   /* supported LD count */
    state_in[1] = VCS1_USP_ID;
    g_assert_cmphex(sw_cci_send(&s, OP_PORT_STATE, state_in, 2, out,
                                sizeof(out), &len), ==, RC_SUCCESS);
    g_assert_cmpuint(out[4 + 1], ==, 4);    /* an upstream port */

    vcs_info(&s, &status, &port, &ld);
    g_assert_cmpuint(status, ==, VPPB_UNBOUND);
    g_assert_cmpuint(port, ==, 0xff);
    g_assert_false(ld1_visible(&s));
    g_assert_cmphex(ds1_sltsta(&s) & SLTSTA_PDS, ==, 0);

    /* not the binding VCS 1's vPPB can take; no such VCS or vPPB */
    g_assert_cmphex(vppb_bind(&s, 1, 0, 3, 1), ==, RC_INVALID_INPUT);
    g_assert_cmphex(vppb_bind(&s, 1, 0, MLD_PORT, 0), ==, RC_INVALID_INPUT);
    g_assert_cmphex(vppb_bind(&s, 1, 0, MLD_PORT, 0xffff), ==,
                    RC_INVALID_INPUT);
    g_assert_cmphex(vppb_bind(&s, 2, 0, MLD_PORT, 1), ==, RC_INVALID_INPUT);
    g_assert_cmphex(vppb_bind(&s, 1, 1, MLD_PORT, 1), ==, RC_INVALID_INPUT);
    /* VCS 0's vPPB 1 (the MLD's port) is bound already */
    g_assert_cmphex(vppb_bind(&s, 0, 1, MLD_PORT, 0), ==, RC_INVALID_INPUT);

    /* bind VCS 1 vPPB 0 to (port 5, LD 1): a hot-add below ds1 */
    g_assert_cmphex(vppb_bind(&s, 1, 0, MLD_PORT, 1), ==, RC_BACKGROUND);
    g_assert_cmphex(sw_bg_wait(&s, OP_BIND_VPPB), ==, RC_SUCCESS);
    g_assert_cmphex(ds1_sltsta(&s) & SLTSTA_PDS, ==, SLTSTA_PDS);
    ds1_power_on(&s);
    g_assert_true(ld1_visible(&s));
    vcs_info(&s, &status, &port, &ld);
    g_assert_cmpuint(status, ==, VPPB_BOUND_LD);
    g_assert_cmpuint(port, ==, MLD_PORT);
    g_assert_cmpuint(ld, ==, 1);
    check_bind_record(&s);
    /* twice: no state change */
    g_assert_cmphex(vppb_bind(&s, 1, 0, MLD_PORT, 1), ==, RC_INVALID_INPUT);
    /* LD 1 is bound now: its allocation stays */
    g_assert_cmphex(set_alloc(&s, 1, 1, &u, 0), ==, RC_BUSY);
    g_assert_cmpuint(ld_alloc(&s, 1), ==, 2);

    /* surprise unbind; unbinding the unbound vPPB */
    g_assert_cmphex(sw_cci_send(&s, OP_UNBIND_VPPB, unbind_in, 3, NULL, 0,
                                NULL), ==, RC_BACKGROUND);
    g_assert_cmphex(sw_bg_wait(&s, OP_UNBIND_VPPB), ==, RC_SUCCESS);
    g_assert_false(ld1_visible(&s));
    g_assert_cmphex(sw_cci_send(&s, OP_UNBIND_VPPB, unbind_in, 3, NULL, 0,
                                NULL), ==, RC_INVALID_INPUT);
    /* unbound again: its allocation may change */
    g_assert_cmphex(set_alloc(&s, 1, 1, &u, 0), ==, RC_SUCCESS);
    g_assert_cmphex(fam(&s, 1, OP_IDENTIFY_MEMDEV, NULL, 0, &r), ==,
                    RC_SUCCESS);
    g_assert_cmphex(ldq_le_p(r.payload + 0x10), ==, 1);
    sw_stop(&s);
}

/* ---- Send LD CXL.io Configuration and Memory Request ---- */

static uint16_t ld_mem(Sw *s, uint16_t ld, bool write, uint64_t off,
                       uint16_t len, void *data, size_t data_len)
{
    g_autofree uint8_t *in = g_malloc0(16 + data_len);
    g_autofree uint8_t *out = g_malloc0(s->payload_max);
    uint32_t out_len;
    uint16_t rc;

    in[0] = MLD_PORT;
    stw_le_p(in + 2, ld);
    in[4] = write;
    stw_le_p(in + 6, len);
    stq_le_p(in + 8, off);
    if (write) {
        memcpy(in + 16, data, data_len);
    }
    rc = sw_cci_send(s, OP_LD_MEMORY, in, 16 + (write ? data_len : 0), out,
                     s->payload_max, &out_len);
    if (rc == RC_SUCCESS && !write) {
        g_assert_cmpuint(out_len, ==, 4 + len);
        g_assert_cmpuint(lduw_le_p(out), ==, len);
        memcpy(data, out + 4, len);
    }
    return rc;
}

static void test_ld_io(void)
{
    Sw s;
    uint64_t v = 0x1122334455667788ull, back = 0;
    uint8_t cfg_in[12] = { MLD_PORT, 0, 1, 0 };
    uint8_t out[16];
    uint32_t len;

    start(&s);
    /* LD 1 is at 512 MiB of the MLD's backend (default allocation) */
    g_assert_cmphex(ld_mem(&s, 1, true, 0x1000, 8, &v, 8), ==, RC_SUCCESS);
    g_assert_cmphex(cxl_qtest_file_read64(s.file[1], 512 * MiB + 0x1000),
                    ==, v);
    g_assert_cmphex(ld_mem(&s, 1, false, 0x1000, 8, &back, 8), ==,
                    RC_SUCCESS);
    g_assert_cmphex(back, ==, v);
    /* LD 0 at 0 */
    v = ~v;
    g_assert_cmphex(ld_mem(&s, 0, true, 0x2000, 8, &v, 8), ==, RC_SUCCESS);
    g_assert_cmphex(cxl_qtest_file_read64(s.file[1], 0x2000), ==, v);
    /* bad: past the LD, too long, no such LD, wrong data length */
    g_assert_cmphex(ld_mem(&s, 1, false, 512 * MiB - 4, 8, &back, 8), ==,
                    RC_INVALID_INPUT);
    g_assert_cmphex(ld_mem(&s, 1, false, 0, 8192, NULL, 0), ==,
                    RC_INVALID_INPUT);
    g_assert_cmphex(ld_mem(&s, 2, false, 0, 8, &back, 8), ==,
                    RC_INVALID_INPUT);
    g_assert_cmphex(ld_mem(&s, 1, true, 0, 16, &v, 8), ==, RC_PAYLOAD_LEN);

    /* configuration read of LD 1's (unbound, hidden) function: its IDs */
    stl_le_p(cfg_in + 4, 0xf << 16);
    g_assert_cmphex(sw_cci_send(&s, OP_LD_CONFIG, cfg_in, 12, out, sizeof(out),
                                &len), ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 4);
    g_assert_cmphex(ldl_le_p(out), ==, 0x0d938086);
    /* byte 2 alone: the device ID's low byte */
    stl_le_p(cfg_in + 4, 0x4 << 16);
    g_assert_cmphex(sw_cci_send(&s, OP_LD_CONFIG, cfg_in, 12, out, sizeof(out),
                                &len), ==, RC_SUCCESS);
    g_assert_cmphex(ldl_le_p(out), ==, 0x00930000);
    /* non-contiguous byte enables; a port without an MLD */
    stl_le_p(cfg_in + 4, 0x5 << 16);
    g_assert_cmphex(sw_cci_send(&s, OP_LD_CONFIG, cfg_in, 12, out, sizeof(out),
                                &len), ==, RC_INVALID_INPUT);
    cfg_in[0] = 3;
    stl_le_p(cfg_in + 4, 0xf << 16);
    g_assert_cmphex(sw_cci_send(&s, OP_LD_CONFIG, cfg_in, 12, out, sizeof(out),
                                &len), ==, RC_INVALID_INPUT);
    sw_stop(&s);
}

/* ---- QMP ---- */

static QDict *qmp(Sw *s, const char *cmd, const char *args)
{
    QObject *a = qobject_from_json(args, &error_abort);

    return qtest_qmp(s->qts, "{'execute': %s, 'arguments': %p}", cmd, a);
}

static QDict *ld_entry(QDict *info, unsigned k)
{
    QList *lds = qdict_get_qlist(info, "lds");
    QListEntry *e;

    QLIST_FOREACH_ENTRY(lds, e) {
        QDict *l = qobject_to(QDict, qlist_entry_obj(e));

        if (qdict_get_int(l, "ld-id") == k) {
            return l;
        }
    }
    g_assert_not_reached();
}

static void test_qmp(void)
{
    Sw s;
    QDict *rsp, *info, *l, *v1, *vp;

    start(&s);
    sw_qmp_err(qmp(&s, "cxl-bind-vppb", "{'path': 'us0', 'vcs': 2, 'vppb': 0}"),
               "vcs:");
    sw_qmp_err(qmp(&s, "cxl-bind-vppb",
                   "{'path': 'us0', 'vcs': 1, 'vppb': 0, 'ld-id': 0}"),
               "ld-id:");
    sw_qmp_err(qmp(&s, "cxl-bind-vppb",
                   "{'path': 'us0', 'vcs': 1, 'vppb': 0, 'port': 3}"), "port:");
    sw_qmp_err(qmp(&s, "cxl-set-ld-allocations",
                   "{'path': 't3b', 'sizes': [268439552], 'start-ld': 1}"),
               "sizes:");
    sw_qmp_err(qmp(&s, "cxl-set-ld-allocations",
                   "{'path': 't3b', 'sizes': [1073741824], 'start-ld': 1}"),
               "sizes:");
    sw_qmp_err(qmp(&s, "cxl-set-ld-allocations",
                   "{'path': 't3a', 'sizes': [268435456]}"), "path:");
    sw_qmp_ok(qmp(&s, "cxl-set-ld-allocations",
                  "{'path': 't3b', 'sizes': [268435456], 'start-ld': 1}"));
    sw_qmp_ok(qmp(&s, "cxl-bind-vppb",
                  "{'path': 'us0', 'vcs': 1, 'vppb': 0, 'port': 5, "
                  "'ld-id': 1}"));
    ds1_power_on(&s);
    g_assert_true(ld1_visible(&s));
    sw_qmp_err(qmp(&s, "cxl-set-ld-allocations",
                   "{'path': 't3b', 'sizes': [536870912], 'start-ld': 1}"),
               "bound");

    rsp = qmp(&s, "cxl-query-switch", "{'path': 'us1'}");
    info = qdict_get_qdict(rsp, "return");
    g_assert_nonnull(info);
    g_assert_cmpuint(qlist_size(qdict_get_qlist(info, "vcss")), ==, 2);
    v1 = qobject_to(QDict, qlist_peek(qdict_get_qlist(info, "vcss")));
    g_assert_cmpint(qdict_get_int(v1, "vcs"), ==, 0);
    l = ld_entry(info, 1);
    g_assert_cmpint(qdict_get_int(l, "port"), ==, MLD_PORT);
    g_assert_cmphex(qdict_get_int(l, "base"), ==, 512 * MiB);
    g_assert_cmphex(qdict_get_int(l, "size"), ==, 256 * MiB);
    g_assert_true(qdict_get_bool(l, "bound"));
    g_assert_cmpstr(qdict_get_str(l, "device"), ==,
                    "/machine/peripheral/ld1");
    l = ld_entry(info, 0);
    g_assert_cmphex(qdict_get_int(l, "size"), ==, 512 * MiB);
    /* VCS 1's vPPB: bound to (port 5, LD 1) */
    {
        QList *vcss = qdict_get_qlist(info, "vcss");
        QListEntry *e;

        QLIST_FOREACH_ENTRY(vcss, e) {
            v1 = qobject_to(QDict, qlist_entry_obj(e));
        }
        g_assert_cmpint(qdict_get_int(v1, "vcs"), ==, 1);
        g_assert_cmpint(qdict_get_int(v1, "upstream-port-id"), ==,
                        VCS1_USP_ID);
        vp = qobject_to(QDict, qlist_peek(qdict_get_qlist(v1, "vppbs")));
        g_assert_cmpstr(qdict_get_str(vp, "state"), ==, "bound");
        g_assert_cmpint(qdict_get_int(vp, "bound-port"), ==, MLD_PORT);
        g_assert_cmpint(qdict_get_int(vp, "bound-ld"), ==, 1);
    }
    qobject_unref(rsp);
    /* us1 names VCS 1: its vPPB 0 */
    sw_qmp_err(qmp(&s, "cxl-bind-vppb", "{'path': 'us1', 'vppb': 0}"),
               "vppb: vPPB 0 is already bound");
    sw_qmp_ok(qmp(&s, "cxl-unbind-vppb",
                  "{'path': 'us1', 'vppb': 0, 'mode': 'surprise'}"));
    g_assert_false(ld1_visible(&s));
    sw_qmp_err(qmp(&s, "cxl-unbind-vppb",
                   "{'path': 'us0', 'vcs': 1, 'vppb': 0}"),
               "vppb: vPPB 0 is not bound");
    /* an LD may be left without memory (unbound); bound again */
    sw_qmp_ok(qmp(&s, "cxl-set-ld-allocations",
                  "{'path': 't3b', 'sizes': [0], 'start-ld': 1}"));
    sw_qmp_ok(qmp(&s, "cxl-bind-vppb", "{'path': 'us1', 'vppb': 0}"));
    ds1_power_on(&s);
    g_assert_true(ld1_visible(&s));
    sw_stop(&s);
}

/* ---- command lines QEMU refuses ---- */

static void test_bad_props(void)
{
    static const char *const sw =
        "-object memory-backend-ram,id=m,size=512M "
        "-device cxl-upstream,bus=rp0,id=us0 "
        "-device cxl-downstream,port=0,bus=us0,id=ds0,chassis=0,slot=4 "
        "-device cxl-downstream,port=1,bus=us0,id=ds1,chassis=0,slot=5 ";
    g_autofree char *a = g_strdup_printf("%s-device cxl-type3,bus=ds0,"
                                         "volatile-memdev=m,num-lds=17", sw);
    g_autofree char *b = g_strdup_printf("%s-device cxl-type3,bus=ds0,"
                                         "volatile-memdev=m,num-lds=3", sw);
    g_autofree char *c = g_strdup_printf("%s-device cxl-type3,bus=ds0,"
                                         "volatile-memdev=m,num-lds=2,id=t "
                                         "-device cxl-type3-ld,bus=ds1,mld=t,"
                                         "ld-id=2", sw);
    g_autofree char *d = g_strdup_printf("%s-device cxl-type3,bus=ds0,"
                                         "volatile-memdev=m,id=t "
                                         "-device cxl-type3-ld,bus=ds1,mld=t,"
                                         "ld-id=1", sw);
    g_autofree char *e = g_strdup_printf("%s-device cxl-type3,bus=ds0,"
                                         "volatile-memdev=m,num-lds=2,id=t "
                                         "-device cxl-type3-ld,bus=ds1,mld=t,"
                                         "ld-id=1,volatile-memdev=m", sw);

    expect_start_error("-object memory-backend-ram,id=m,size=512M "
                       "-device cxl-type3,bus=rp0,volatile-memdev=m,"
                       "num-lds=2",
                       "must be below a switch downstream port");
    expect_start_error(a, "num-lds must be 1");
    expect_start_error(b, "num-lds: 3 LDs need at least");
    expect_start_error(c, "ld-id must be 1 to 1");
    expect_start_error(d, "is not a multi-logical device");
    expect_start_error(e, "an LD's memory is the MLD's");
    expect_start_error("-device cxl-upstream,bus=rp0,id=us0,vcs-of=us0",
                       "vcs-of must name the switch's first");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cxl/mld/ld-info-alloc", test_ld_info_alloc);
    qtest_add_func("/cxl/mld/qos", test_qos);
    qtest_add_func("/cxl/mld/ld-fam-cel", test_ld_fam_cel);
    qtest_add_func("/cxl/mld/ld-fam-bad-input", test_ld_fam_bad_input);
    qtest_add_func("/cxl/mld/vcs-bind", test_vcs_bind);
    qtest_add_func("/cxl/mld/ld-io", test_ld_io);
    qtest_add_func("/cxl/mld/qmp", test_qmp);
    qtest_add_func("/cxl/mld/bad-props", test_bad_props);
    return g_test_run();
}
