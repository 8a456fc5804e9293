/*
 * Unit tests for the MCTP endpoint core (hw/cxl/cxl-mctp.c): packet
 * checks, reassembly, control messages, dispatch of CXL message types and
 * fragmentation of responses, with a fake binding that records the
 * packets the endpoint sends and a fake component that echoes.
 *
 * Expected bytes are written by hand from DSP0236 (as include/hw/cxl/
 * cxl-mctp.h summarises it; the control message details from memory).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "hw/cxl/cxl-mctp.h"

#define LOCAL   0x08            /* the requester's EID */
#define MTU     64

static CXLMCTPEndpoint ep;
static GPtrArray *sent;         /* GByteArray per packet */
static unsigned handled;
static uint8_t handled_type;

static void fake_send(CXLMCTPEndpoint *e, const uint8_t *pkt, size_t len)
{
    GByteArray *b = g_byte_array_new();

    g_byte_array_append(b, pkt, len);
    g_ptr_array_add(sent, b);
}

/* The component: echoes the request body reversed, 0 for empty ones */
static size_t fake_handle(CXLMCTPEndpoint *e, uint8_t type,
                          const uint8_t *req, size_t len, uint8_t *rsp,
                          size_t size)
{
    handled++;
    handled_type = type;
    g_assert_cmpuint(len, <=, size);
    for (size_t i = 0; i < len; i++) {
        rsp[i] = req[len - 1 - i];
    }
    return len;
}

static void setup(uint8_t static_eid)
{
    if (sent) {
        g_ptr_array_unref(sent);
    }
    sent = g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
    handled = 0;
    cxl_mctp_init(&ep, "test", NULL, MTU, static_eid,
                  BIT(CXL_MCTP_TYPE_CXL_FM_API), 8192, fake_handle,
                  fake_send);
}

/* Send one packet */
static void pkt(uint8_t dst, uint8_t flags, const uint8_t *data, size_t len)
{
    g_autofree uint8_t *p = g_malloc(4 + len);

    p[0] = 1;
    p[1] = dst;
    p[2] = LOCAL;
    p[3] = flags;
    memcpy(p + 4, data, len);
    cxl_mctp_receive(&ep, p, 4 + len);
}

#define SOM     0x80
#define EOM     0x40
#define TO      0x08
#define SEQ(n)  ((n) << 4)

/* The whole message of the responses sent, checking the packet headers */
static GByteArray *response(uint8_t src, uint8_t tag)
{
    GByteArray *msg = g_byte_array_new();

    g_assert_cmpuint(sent->len, >, 0);
    for (unsigned i = 0; i < sent->len; i++) {
        GByteArray *p = g_ptr_array_index(sent, i);
        uint8_t flags = p->data[3];

        g_assert_cmpuint(p->len, >, 4);
        g_assert_cmpuint(p->len - 4, <=, MTU);
        g_assert_cmphex(p->data[0], ==, 1);
        g_assert_cmphex(p->data[1], ==, LOCAL);
        g_assert_cmphex(p->data[2], ==, src);
        g_assert_cmphex(flags & 7, ==, tag);
        g_assert_false(flags & TO);
        g_assert_cmpuint((flags >> 4) & 3, ==, i & 3);
        g_assert_cmpuint(!!(flags & SOM), ==, i == 0);
        g_assert_cmpuint(!!(flags & EOM), ==, i == sent->len - 1);
        if (i < sent->len - 1) {
            g_assert_cmpuint(p->len - 4, ==, MTU);
        }
        g_byte_array_append(msg, p->data + 4, p->len - 4);
    }
    g_ptr_array_set_size(sent, 0);
    return msg;
}

/* A control request in one packet; returns the response message */
static GByteArray *control(uint8_t dst, uint8_t cmd, const uint8_t *data,
                           size_t len)
{
    uint8_t m[64] = { 0, 0x80 | 0x05, cmd };

    memcpy(m + 3, data, len);
    pkt(dst, SOM | EOM | TO | 3, m, 3 + len);
    return response(ep.eid, 3);
}

static void test_control(void)
{
    GByteArray *r;
    static const uint8_t set9[] = { 0, 9 };

    setup(0);
    /* Get Endpoint ID before assignment, to the null EID */
    r = control(0, CXL_MCTP_CTRL_GET_EID, NULL, 0);
    g_assert_cmpuint(r->len, ==, 7);
    g_assert_cmphex(r->data[0], ==, 0);
    g_assert_cmphex(r->data[1], ==, 0x05);     /* response, instance 5 */
    g_assert_cmphex(r->data[2], ==, CXL_MCTP_CTRL_GET_EID);
    g_assert_cmphex(r->data[3], ==, CXL_MCTP_CC_SUCCESS);
    g_assert_cmphex(r->data[4], ==, 0);        /* no EID yet */
    g_assert_cmphex(r->data[5], ==, 0);        /* simple, dynamic */
    g_byte_array_unref(r);

    /* Set Endpoint ID: the response comes from the new EID */
    pkt(0, SOM | EOM | TO | 3, (uint8_t[]){ 0, 0x81, 1, 0, 9 }, 5);
    r = response(9, 3);
    g_assert_cmpuint(r->len, ==, 7);
    g_assert_cmphex(r->data[3], ==, 0);
    g_assert_cmphex(r->data[4], ==, 0);        /* accepted, no pool */
    g_assert_cmphex(r->data[5], ==, 9);
    g_assert_cmphex(r->data[6], ==, 0);
    g_byte_array_unref(r);
    g_assert_cmpuint(ep.eid, ==, 9);

    /* now a packet for EID 10 is not ours; 9, null and broadcast are */
    pkt(10, SOM | EOM | TO, (uint8_t[]){ 0, 0x80, 2 }, 3);
    g_assert_cmpuint(sent->len, ==, 0);
    g_assert_cmpuint(ep.dropped, ==, 1);
    r = control(9, CXL_MCTP_CTRL_GET_EID, NULL, 0);
    g_assert_cmphex(r->data[4], ==, 9);
    g_byte_array_unref(r);
    r = control(0xff, CXL_MCTP_CTRL_GET_EID, NULL, 0);
    g_assert_cmphex(r->data[4], ==, 9);
    g_byte_array_unref(r);

    /* invalid EIDs and lengths */
    r = control(9, CXL_MCTP_CTRL_SET_EID, (uint8_t[]){ 0, 0 }, 2);
    g_assert_cmpuint(r->len, ==, 4);
    g_assert_cmphex(r->data[3], ==, CXL_MCTP_CC_INVALID_DATA);
    g_byte_array_unref(r);
    r = control(9, CXL_MCTP_CTRL_SET_EID, (uint8_t[]){ 1, 0xff }, 2);
    g_assert_cmphex(r->data[3], ==, CXL_MCTP_CC_INVALID_DATA);
    g_byte_array_unref(r);
    r = control(9, CXL_MCTP_CTRL_SET_EID, (uint8_t[]){ 0, 7 }, 2);
    g_assert_cmphex(r->data[3], ==, CXL_MCTP_CC_INVALID_DATA);
    g_byte_array_unref(r);
    r = control(9, CXL_MCTP_CTRL_SET_EID, set9, 1);
    g_assert_cmphex(r->data[3], ==, CXL_MCTP_CC_INVALID_LENGTH);
    g_byte_array_unref(r);
    r = control(9, CXL_MCTP_CTRL_GET_EID, set9, 2);
    g_assert_cmphex(r->data[3], ==, CXL_MCTP_CC_INVALID_LENGTH);
    g_byte_array_unref(r);
    g_assert_cmpuint(ep.eid, ==, 9);

    /* versions: base and control 1.3.1, FM API 1.0.0, CCI not served */
    r = control(9, CXL_MCTP_CTRL_GET_VERSION, (uint8_t[]){ 0xff }, 1);
    g_assert_cmpuint(r->len, ==, 9);
    g_assert_cmphex(r->data[3], ==, 0);
    g_assert_cmphex(r->data[4], ==, 1);
    g_assert_cmpmem(r->data + 5, 4, ((uint8_t[]){ 0xf1, 0xf3, 0xf1, 0 }), 4);
    g_byte_array_unref(r);
    r = control(9, CXL_MCTP_CTRL_GET_VERSION, (uint8_t[]){ 7 }, 1);
    g_assert_cmpmem(r->data + 5, 4, ((uint8_t[]){ 0xf1, 0xf0, 0xf0, 0 }), 4);
    g_byte_array_unref(r);
    r = control(9, CXL_MCTP_CTRL_GET_VERSION, (uint8_t[]){ 8 }, 1);
    g_assert_cmpuint(r->len, ==, 4);
    g_assert_cmphex(r->data[3], ==, CXL_MCTP_CC_VERSION_TYPE_UNSUPPORTED);
    g_byte_array_unref(r);

    /* message types: FM API only (control implied) */
    r = control(9, CXL_MCTP_CTRL_GET_MSG_TYPES, NULL, 0);
    g_assert_cmpuint(r->len, ==, 6);
    g_assert_cmphex(r->data[4], ==, 1);
    g_assert_cmphex(r->data[5], ==, 7);
    g_byte_array_unref(r);

    /* any other command: unsupported, only the completion code */
    r = control(9, 0x0a, NULL, 0);
    g_assert_cmpuint(r->len, ==, 4);
    g_assert_cmphex(r->data[3], ==, CXL_MCTP_CC_UNSUPPORTED_CMD);
    g_byte_array_unref(r);

    /* Set Endpoint ID reset: back to the static EID (none) */
    pkt(9, SOM | EOM | TO, (uint8_t[]){ 0, 0x80, 1, 2, 0 }, 5);
    r = response(0, 0);
    g_assert_cmphex(r->data[3], ==, 0);
    g_byte_array_unref(r);
    g_assert_cmpuint(ep.eid, ==, 0);
    g_assert_cmpuint(handled, ==, 0);
}

static void test_static_eid(void)
{
    GByteArray *r;

    setup(0x20);
    r = control(0x20, CXL_MCTP_CTRL_GET_EID, NULL, 0);
    g_assert_cmphex(r->data[4], ==, 0x20);
    g_assert_cmphex(r->data[5], ==, 2);        /* static, current */
    g_byte_array_unref(r);
    pkt(0x20, SOM | EOM | TO, (uint8_t[]){ 0, 0x80, 1, 1, 0x30 }, 5);
    g_byte_array_unref(response(0x30, 0));
    r = control(0x30, CXL_MCTP_CTRL_GET_EID, NULL, 0);
    g_assert_cmphex(r->data[5], ==, 3);        /* static, another one */
    g_byte_array_unref(r);
    cxl_mctp_reset(&ep);
    g_assert_cmpuint(ep.eid, ==, 0x20);
}

/* Requests the endpoint drops without an answer */
static void test_dropped(void)
{
    uint8_t big[MTU + 1] = { 7 };
    uint64_t d;

    setup(9);
    d = ep.dropped;
    cxl_mctp_receive(&ep, (uint8_t[]){ 1, 9, 8 }, 3);          /* short */
    cxl_mctp_receive(&ep, (uint8_t[]){ 2, 9, 8, 0xc8, 0, 0x80, 2 }, 7);
    pkt(9, SOM | EOM | TO, big, sizeof(big));                   /* > MTU */
    pkt(9, SOM | EOM | TO, NULL, 0);                            /* no type */
    pkt(9, SOM | EOM, (uint8_t[]){ 0, 0x80, 2 }, 3);    /* a response */
    pkt(9, SOM | EOM | TO, (uint8_t[]){ 0, 0x00, 2 }, 3);       /* Rq 0 */
    pkt(9, SOM | EOM | TO, (uint8_t[]){ 0, 0xc0, 2 }, 3);       /* D 1 */
    pkt(9, SOM | EOM | TO, (uint8_t[]){ 0, 0x80 }, 2);  /* no command */
    pkt(9, SOM | EOM | TO, (uint8_t[]){ 0x80, 0x80, 2 }, 3);    /* IC */
    pkt(9, SOM | EOM | TO, (uint8_t[]){ 8, 1, 2, 3 }, 4);   /* type 8 */
    pkt(9, SOM | EOM | TO, (uint8_t[]){ 0x7e, 1 }, 2);      /* vendor */
    pkt(9, EOM | TO | SEQ(1), (uint8_t[]){ 7, 1 }, 2);  /* never started */
    g_assert_cmpuint(sent->len, ==, 0);
    g_assert_cmpuint(handled, ==, 0);
    g_assert_cmpuint(ep.dropped - d, ==, 12);
}

/* A CXL message in @n packets of MTU bytes (the last @last bytes) */
static void send_fm(unsigned n, size_t last, uint8_t tag)
{
    uint8_t m[MTU];

    for (unsigned i = 0; i < n; i++) {
        uint8_t flags = TO | tag | SEQ(i & 3);

        memset(m, i + 1, sizeof(m));
        if (i == 0) {
            m[0] = CXL_MCTP_TYPE_CXL_FM_API;
            flags |= SOM;
        }
        if (i == n - 1) {
            flags |= EOM;
        }
        pkt(9, flags, m, i == n - 1 ? last : MTU);
    }
}

static void test_cxl_messages(void)
{
    GByteArray *r;

    setup(9);
    /* one packet */
    pkt(9, SOM | EOM | TO | 6, (uint8_t[]){ 7, 1, 2, 3 }, 4);
    g_assert_cmpuint(handled, ==, 1);
    g_assert_cmpuint(handled_type, ==, 7);
    r = response(9, 6);
    g_assert_cmpuint(r->len, ==, 4);
    g_assert_cmpmem(r->data, 4, ((uint8_t[]){ 7, 3, 2, 1 }), 4);
    g_byte_array_unref(r);

    /* six packets in, six out (sequence numbers wrap) */
    send_fm(6, 10, 2);
    g_assert_cmpuint(handled, ==, 2);
    r = response(9, 2);
    g_assert_cmpuint(r->len, ==, 5 * MTU + 10);
    g_assert_cmphex(r->data[0], ==, 7);
    g_assert_cmphex(r->data[1], ==, 6);        /* the last byte first */
    g_assert_cmphex(r->data[r->len - 1], ==, 1);   /* bytes 1..63 */
    g_byte_array_unref(r);

    /* exactly an MTU long: one packet */
    send_fm(1, MTU, 1);
    r = response(9, 1);
    g_assert_cmpuint(r->len, ==, MTU);
    g_byte_array_unref(r);
}

static void test_reassembly_errors(void)
{
    uint8_t m[MTU];
    uint64_t d;

    memset(m, 0, sizeof(m));
    m[0] = 7;
    setup(9);
    d = ep.dropped;

    /* out of sequence: the message is dropped */
    pkt(9, SOM | TO | SEQ(0), m, MTU);
    pkt(9, EOM | TO | SEQ(2), m, 4);
    g_assert_cmpuint(handled, ==, 0);
    g_assert_cmpuint(ep.dropped - d, ==, 1);

    /* and its end, arriving after, starts nothing */
    pkt(9, EOM | TO | SEQ(1), m, 4);
    g_assert_cmpuint(ep.dropped - d, ==, 2);

    /* a middle packet of another size */
    pkt(9, SOM | TO, m, MTU);
    pkt(9, TO | SEQ(1), m, 10);
    pkt(9, EOM | TO | SEQ(2), m, 4);
    g_assert_cmpuint(handled, ==, 0);
    g_assert_cmpuint(ep.dropped - d, ==, 4);

    /* another tag interleaved is dropped; ours goes on */
    pkt(9, SOM | TO | 1, m, MTU);
    pkt(9, EOM | TO | 2 | SEQ(1), m, 4);
    pkt(9, EOM | TO | 1 | SEQ(1), m, 4);
    g_assert_cmpuint(handled, ==, 1);
    g_assert_cmpuint(ep.dropped - d, ==, 5);
    g_byte_array_unref(response(9, 1));

    /* a new start replaces an unfinished message */
    pkt(9, SOM | TO | 1, m, MTU);
    pkt(9, SOM | EOM | TO | 3, m, 4);
    g_assert_cmpuint(handled, ==, 2);
    g_assert_cmpuint(ep.dropped - d, ==, 6);
    g_byte_array_unref(response(9, 3));

    /* too long: dropped, and the endpoint keeps working */
    for (unsigned i = 0; i * MTU <= CXL_MCTP_MSG_MAX; i++) {
        pkt(9, (i ? 0 : SOM) | TO | SEQ(i & 3), m, MTU);
    }
    g_assert_cmpuint(ep.dropped - d, ==, 7);
    g_assert_false(ep.rx.active);
    pkt(9, SOM | EOM | TO, (uint8_t[]){ 7, 1 }, 2);
    g_assert_cmpuint(handled, ==, 3);
    g_byte_array_unref(response(9, 0));

    /* the longest message the endpoint takes */
    {
        unsigned n = CXL_MCTP_MSG_MAX / MTU;
        size_t last = CXL_MCTP_MSG_MAX - n * MTU;

        send_fm(n + 1, last, 4);
        g_assert_cmpuint(handled, ==, 4);
        g_byte_array_unref(response(9, 4));
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cxl-mctp/control", test_control);
    g_test_add_func("/cxl-mctp/static-eid", test_static_eid);
    g_test_add_func("/cxl-mctp/dropped", test_dropped);
    g_test_add_func("/cxl-mctp/cxl-messages", test_cxl_messages);
    g_test_add_func("/cxl-mctp/reassembly-errors", test_reassembly_errors);
    return g_test_run();
}
