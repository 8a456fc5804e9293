/*
 * qtest: CXL Compliance Mode over DOE (CXL r3.1 14.16; vendor 1E98h,
 * data object type 0) on each kind of component, through the DOE mailbox
 * registers in configuration space as a compliance tool reaches them:
 *  - DOE discovery lists Compliance on a cxl-rp, a cxl-upstream, a
 *    cxl-downstream and a cxl-type3 (beside CDAT's Table Access on the
 *    upstream port and the device);
 *  - every request code gets its response: Query Capabilities (what each
 *    kind can do), Query Status, Halt All, and "unsupported injection
 *    function" (03h) for the options our components cannot do and for
 *    codes the spec does not define;
 *  - Inject Memory Device Poison on the device: the line lands in the
 *    poison list (Get Poison List), a clear writes its data to the
 *    backend, bad addresses and opcodes get their status;
 *  - Inject Viral on the device: with Viral_Enable set in its CXL device
 *    DVSEC, Viral_Status (RW1CS) gets set; not without, nor on CXL.cache;
 *  - malformed requests: shorter than the header or than the code's
 *    layout (discarded: no response, no error, the mailbox still works),
 *    longer ones and any version answered.
 *
 * The layouts are hw/cxl/cxl-compliance.c's (our reading of the spec:
 * no Linux code uses this protocol), written out here again by offset.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "libqtest.h"
#include "cxl-qtest.h"
#include "cxl-switch-qtest.h"

#define DOE_EXT_CAP         0x2e
#define COMP_TYPE           0
#define TABLE_ACCESS_TYPE   2
#define COMP_HDR1           (CXL_QTEST_VENDOR | COMP_TYPE << 16)
#define COMP_VERSION        2

/* Request codes (compliance options) */
enum {
    QUERY_CAPS = 0x00, QUERY_STATUS, HALT_ALL, MULTI_WRITE, PRODUCER_CONSUMER,
    BOGUS_WRITES, INJECT_POISON, INJECT_CRC, INJECT_FLOW_CONTROL,
    TOGGLE_CACHE_FLUSH, INJECT_MAC_DELAY, INSERT_UNEXPECTED_MAC,
    INJECT_VIRAL, INJECT_ALMP, IGNORE_ALMP, INJECT_BIT_ERROR,
    INJECT_MEM_POISON, NR_CODES,
};

/* Each request code's layout, in bytes (the DOE header included) */
static const unsigned req_len[NR_CODES] = {
    [QUERY_CAPS] = 0x0c, [QUERY_STATUS] = 0x0c, [HALT_ALL] = 0x0c,
    [MULTI_WRITE] = 0x44, [PRODUCER_CONSUMER] = 0x30,
    [BOGUS_WRITES] = 0x48, [INJECT_POISON] = 0x0d, [INJECT_CRC] = 0x0e,
    [INJECT_FLOW_CONTROL] = 0x0d, [TOGGLE_CACHE_FLUSH] = 0x0d,
    [INJECT_MAC_DELAY] = 0x0f, [INSERT_UNEXPECTED_MAC] = 0x0e,
    [INJECT_VIRAL] = 0x0d, [INJECT_ALMP] = 0x0d, [IGNORE_ALMP] = 0x0d,
    [INJECT_BIT_ERROR] = 0x0d, [INJECT_MEM_POISON] = 0x18,
};

/* Status of the responses to 02h and up */
#define ST_SUCCESS          0x00
#define ST_NOT_AUTHORIZED   0x01
#define ST_UNKNOWN_FAILURE  0x02
#define ST_UNSUPPORTED      0x03
#define ST_NOT_INITIALIZED  0x06
#define ST_INVALID_ADDRESS  0x07

/* What Query Capabilities reports: ports, and a memory device */
#define CAPS_PORT           0x7ull              /* codes 0, 1, 2 */
#define CAPS_TYPE3          (CAPS_PORT | 1ull << INJECT_VIRAL | \
                             1ull << INJECT_MEM_POISON)

typedef struct Rsp {
    uint8_t b[128];         /* from the DOE header on, little endian */
    unsigned len;           /* bytes (whole dwords) */
} Rsp;

/*
 * A Compliance request of @len bytes (rounded up to dwords): the header
 * with @code and @version, then @body (@len - 12 bytes, may be NULL: zeros)
 */
static void make_req(uint32_t *dw, uint8_t code, uint8_t version,
                     const uint8_t *body, unsigned len)
{
    uint8_t b[256] = { };
    unsigned n = DIV_ROUND_UP(len, 4);

    g_assert_cmpuint(n * 4, <=, sizeof(b));
    stl_le_p(b, COMP_HDR1);
    stl_le_p(b + 4, n);
    b[8] = code;
    b[9] = version;
    if (body && len > 12) {
        memcpy(b + 12, body, len - 12);
    }
    for (unsigned i = 0; i < n; i++) {
        dw[i] = ldl_le_p(b + 4 * i);
    }
}

/* One exchange; the response (DOE header included) in @rsp */
static void comp_exchange(QTestState *qts, int bus, int dev, uint16_t doe,
                          uint8_t code, uint8_t version, const uint8_t *body,
                          unsigned len, Rsp *rsp)
{
    uint32_t req[64], out[30];
    unsigned n;

    make_req(req, code, version, body, len);
    n = cxl_qtest_doe_exchange(qts, bus, dev, doe, req, DIV_ROUND_UP(len, 4),
                               out, ARRAY_SIZE(out));
    stl_le_p(rsp->b, COMP_HDR1);
    stl_le_p(rsp->b + 4, n + 2);
    for (unsigned i = 0; i < n; i++) {
        stl_le_p(rsp->b + 8 + 4 * i, out[i]);
    }
    rsp->len = (n + 2) * 4;
    /* the response header: code, our version, its length in bytes */
    g_assert_cmpuint(rsp->b[8], ==, code);
    g_assert_cmpuint(rsp->b[9], ==, COMP_VERSION);
    g_assert_cmpuint(DIV_ROUND_UP(rsp->b[10], 4) * 4, ==, rsp->len);
}

/* A request answered with a status (02h and up): the status */
static uint8_t comp_status(QTestState *qts, int bus, int dev, uint16_t doe,
                           uint8_t code, const uint8_t *body, unsigned len)
{
    Rsp rsp;

    comp_exchange(qts, bus, dev, doe, code, COMP_VERSION, body, len, &rsp);
    g_assert_cmpuint(rsp.b[10], ==, 0x0c);
    return rsp.b[11];
}

/* The protocols DOE discovery lists, as (vendor | type << 16) */
static unsigned discover(QTestState *qts, int bus, int dev, uint16_t doe,
                         uint32_t *prot, unsigned max)
{
    unsigned index = 0, n = 0;

    do {
        uint32_t req[3] = { 0x0001, 3, index }, rsp[4];

        g_assert_cmpuint(cxl_qtest_doe_exchange(qts, bus, dev, doe, req, 3,
                                                rsp, 4), ==, 1);
        g_assert_cmpuint(n, <, max);
        prot[n++] = rsp[0] & 0xffffff;
        index = rsp[0] >> 24;
    } while (index);
    return n;
}

/*
 * The checks every kind of component passes: discovery lists Compliance
 * (and Table Access when @cdat), Query Capabilities reports @caps, Query
 * Status nothing in effect, Halt All succeeds, every request code outside
 * @caps, and codes past the spec's, get "unsupported"
 */
static void check_component(QTestState *qts, int bus, int dev, bool cdat,
                            uint64_t caps)
{
    uint16_t doe = cxl_qtest_find_ext_cap(qts, bus, dev, DOE_EXT_CAP);
    uint32_t prot[8];
    unsigned n;
    Rsp rsp;

    g_assert_cmphex(doe, !=, 0);
    n = discover(qts, bus, dev, doe, prot, ARRAY_SIZE(prot));
    g_assert_cmpuint(n, ==, cdat ? 3 : 2);
    g_assert_cmphex(prot[0], ==, 0x0001);              /* discovery */
    if (cdat) {
        g_assert_cmphex(prot[1], ==,
                        CXL_QTEST_VENDOR | TABLE_ACCESS_TYPE << 16);
    }
    g_assert_cmphex(prot[n - 1], ==, COMP_HDR1);

    /* Query Capabilities: available and enabled bitmasks */
    comp_exchange(qts, bus, dev, doe, QUERY_CAPS, COMP_VERSION, NULL, 12,
                  &rsp);
    g_assert_cmpuint(rsp.len, ==, 0x1c);
    g_assert_cmpuint(rsp.b[10], ==, 0x1c);
    g_assert_cmpuint(rsp.b[11], ==, ST_SUCCESS);
    g_assert_cmphex(ldq_le_p(rsp.b + 0x0c), ==, caps);
    g_assert_cmphex(ldq_le_p(rsp.b + 0x14), ==, caps);

    /* Query Status: nothing in effect, no cache */
    comp_exchange(qts, bus, dev, doe, QUERY_STATUS, COMP_VERSION, NULL, 12,
                  &rsp);
    g_assert_cmpuint(rsp.b[10], ==, 0x12);
    g_assert_cmpuint(rsp.len, ==, 0x14);
    g_assert_cmphex(ldl_le_p(rsp.b + 0x0b), ==, 0);
    g_assert_cmphex(lduw_le_p(rsp.b + 0x0f), ==, 0);
    g_assert_cmphex(rsp.b[0x11], ==, 0);

    g_assert_cmphex(comp_status(qts, bus, dev, doe, HALT_ALL, NULL, 12), ==,
                    ST_SUCCESS);

    /* every option we cannot do, with a request of its full layout */
    for (unsigned code = MULTI_WRITE; code < NR_CODES; code++) {
        uint8_t body[0x40];

        if (caps & 1ull << code) {
            continue;
        }
        memset(body, 0x01, sizeof(body));
        if (code == INJECT_MEM_POISON) {
            body[0] = 0;        /* inject (a clear has 64 more bytes) */
        }
        g_assert_cmphex(comp_status(qts, bus, dev, doe, code, body,
                                    req_len[code]), ==, ST_UNSUPPORTED);
    }
    /* codes the spec does not define */
    for (unsigned code = NR_CODES; code <= 0xff; code += 0x17) {
        g_assert_cmphex(comp_status(qts, bus, dev, doe, code, NULL, 12), ==,
                        ST_UNSUPPORTED);
    }
    g_assert_cmphex(comp_status(qts, bus, dev, doe, 0xff, NULL, 12), ==,
                    ST_UNSUPPORTED);
}

/* A root port, a switch's upstream and downstream ports, a device */
static void test_components(void)
{
    Sw s;

    sw_start(&s);
    check_component(s.qts, fn_at[RP].bus, fn_at[RP].dev, false, CAPS_PORT);
    check_component(s.qts, fn_at[USP].bus, fn_at[USP].dev, true, CAPS_PORT);
    check_component(s.qts, fn_at[DSP3].bus, fn_at[DSP3].dev, false,
                    CAPS_PORT);
    check_component(s.qts, fn_at[DSP5].bus, fn_at[DSP5].dev, false,
                    CAPS_PORT);
    check_component(s.qts, fn_at[EP1].bus, fn_at[EP1].dev, true, CAPS_TYPE3);
    /* CDAT's Table Access still works beside Compliance */
    g_byte_array_unref(cxl_qtest_read_cdat(s.qts, fn_at[EP1].bus,
                                           fn_at[EP1].dev));
    g_byte_array_unref(cxl_qtest_read_cdat(s.qts, fn_at[USP].bus,
                                           fn_at[USP].dev));
    sw_stop(&s);
}

/* ---- Inject Memory Device Poison ---- */

#define EP_BUS              (fn_at[EP1].bus)
#define EP_DEV              (fn_at[EP1].dev)
#define RC_SUCCESS_         0
#define SOURCE_INJECTED     3

/* EP1's primary mailbox, and its payload size */
static uint64_t ep_mbox(Sw *s, uint32_t *payload_max)
{
    uint64_t devregs = cxl_qtest_regloc(s->qts, EP_BUS, EP_DEV, s->bar[EP1],
                                        3);
    uint64_t mbox = cxl_qtest_dev_cap(s->qts, devregs, 2, NULL);

    g_assert_cmphex(mbox, !=, 0);
    *payload_max = 1u << (qtest_readl(s->qts, mbox + MBOX_CAPS) & 0x1f);
    return mbox;
}

/* Get Poison List (4300h) of all of EP1: the records' count */
static unsigned ep_poison_list(Sw *s, uint8_t *out, size_t size)
{
    uint32_t payload_max, olen;
    uint64_t mbox = ep_mbox(s, &payload_max);
    uint8_t in[16];

    stq_le_p(in, 0);
    stq_le_p(in + 8, VMEM_SIZE / 64);
    g_assert_cmphex(cxl_qtest_mbox_send_raw(s->qts, mbox, payload_max,
                                            0x4300, in, 16, 16, out, size,
                                            &olen), ==, RC_SUCCESS_);
    g_assert_cmpuint(olen, ==, 0x20 + 16 * lduw_le_p(out + 10));
    return lduw_le_p(out + 10);
}

static void check_record(const uint8_t *out, unsigned i, uint64_t dpa)
{
    const uint8_t *r = out + 0x20 + 16 * i;

    g_assert_cmphex(ldq_le_p(r), ==, dpa | SOURCE_INJECTED);
    g_assert_cmpuint(ldl_le_p(r + 8), ==, 1);
}

static uint8_t mem_poison(Sw *s, uint16_t doe, uint8_t opcode, uint64_t dpa,
                          const uint8_t *data)
{
    uint8_t body[0x58 - 12] = { };

    body[0] = opcode;
    stq_le_p(body + 4, dpa);
    if (data) {
        memcpy(body + 12, data, 64);
    }
    return comp_status(s->qts, EP_BUS, EP_DEV, doe, INJECT_MEM_POISON, body,
                       data ? 0x58 : 0x18);
}

static void test_mem_poison(void)
{
    Sw s;
    uint16_t doe;
    uint8_t out[0x20 + 16 * 40], line[64], in[72];
    uint64_t dpa = 0x10000, dpa2 = 0x2040;
    uint32_t payload_max;

    sw_start(&s);
    doe = cxl_qtest_find_ext_cap(s.qts, EP_BUS, EP_DEV, DOE_EXT_CAP);
    g_assert_cmphex(doe, !=, 0);

    /* inject: the line is in the poison list, source "injected" */
    g_assert_cmphex(mem_poison(&s, doe, 0, dpa, NULL), ==, ST_SUCCESS);
    g_assert_cmphex(mem_poison(&s, doe, 0, dpa2, NULL), ==, ST_SUCCESS);
    g_assert_cmpuint(ep_poison_list(&s, out, sizeof(out)), ==, 2);
    check_record(out, 0, dpa2);
    check_record(out, 1, dpa);
    /* again: nothing changes */
    g_assert_cmphex(mem_poison(&s, doe, 0, dpa, NULL), ==, ST_SUCCESS);
    g_assert_cmpuint(ep_poison_list(&s, out, sizeof(out)), ==, 2);

    /* clear: the data lands in the backend, the line leaves the list */
    memset(line, 0x5a, sizeof(line));
    g_assert_cmphex(mem_poison(&s, doe, 1, dpa2, line), ==, ST_SUCCESS);
    g_assert_cmpuint(ep_poison_list(&s, out, sizeof(out)), ==, 1);
    check_record(out, 0, dpa);
    for (unsigned i = 0; i < 64; i += 8) {
        g_assert_cmphex(cxl_qtest_file_read64(s.file[0], dpa2 + i), ==,
                        0x5a5a5a5a5a5a5a5aull);
    }
    /* the mailbox's Clear Poison (4302h) sees the same list */
    memset(in, 0, sizeof(in));
    stq_le_p(in, dpa);
    g_assert_cmphex(cxl_qtest_mbox_send_raw(s.qts, ep_mbox(&s, &payload_max),
                                            payload_max, 0x4302, in, 72, 72,
                                            NULL, 0, NULL), ==, RC_SUCCESS_);
    g_assert_cmpuint(ep_poison_list(&s, out, sizeof(out)), ==, 0);

    /* not a line, past the capacity: invalid address; nothing poisoned */
    g_assert_cmphex(mem_poison(&s, doe, 0, dpa + 8, NULL), ==,
                    ST_INVALID_ADDRESS);
    g_assert_cmphex(mem_poison(&s, doe, 0, VMEM_SIZE, NULL), ==,
                    ST_INVALID_ADDRESS);
    g_assert_cmphex(mem_poison(&s, doe, 1, VMEM_SIZE, line), ==,
                    ST_INVALID_ADDRESS);
    g_assert_cmphex(mem_poison(&s, doe, 0, UINT64_MAX - 63, NULL), ==,
                    ST_INVALID_ADDRESS);
    /* an opcode that is neither inject nor clear */
    g_assert_cmphex(mem_poison(&s, doe, 2, dpa, NULL), ==, ST_UNSUPPORTED);
    g_assert_cmphex(mem_poison(&s, doe, 0xff, dpa, line), ==, ST_UNSUPPORTED);
    g_assert_cmpuint(ep_poison_list(&s, out, sizeof(out)), ==, 0);

    /* the inject limit (32, as Inject Poison's): the 33rd line fails */
    for (unsigned i = 0; i < 32; i++) {
        g_assert_cmphex(mem_poison(&s, doe, 0, i * 128, NULL), ==,
                        ST_SUCCESS);
    }
    g_assert_cmphex(mem_poison(&s, doe, 0, 32 * 128, NULL), ==,
                    ST_UNKNOWN_FAILURE);
    g_assert_cmpuint(ep_poison_list(&s, out, sizeof(out)), ==, 32);
    sw_stop(&s);
}

/* ---- Inject Viral ---- */

/* CXL device DVSEC: Capability, Control, Status; bit 14 is viral's */
#define DVSEC_CAP           0x0a
#define DVSEC_STATUS        0x0e
#define DVSEC_VIRAL         (1u << 14)
#define PROTO_IO            0
#define PROTO_CACHE         1
#define PROTO_MEM           2

static uint8_t viral(Sw *s, uint16_t doe, uint8_t protocol)
{
    return comp_status(s->qts, EP_BUS, EP_DEV, doe, INJECT_VIRAL,
                       (uint8_t[1]) { protocol }, 13);
}

static uint16_t dvsec_status(Sw *s, uint16_t dvsec)
{
    return qtest_readw(s->qts, cfg(EP1, dvsec + DVSEC_STATUS));
}

static void test_viral(void)
{
    Sw s;
    uint16_t doe, dvsec, ctrl;

    sw_start(&s);
    doe = cxl_qtest_find_ext_cap(s.qts, EP_BUS, EP_DEV, DOE_EXT_CAP);
    dvsec = find_dvsec(&s, EP1, 0, NULL);
    g_assert_cmphex(dvsec, !=, 0);
    g_assert_cmphex(qtest_readw(s.qts, cfg(EP1, dvsec + DVSEC_CAP)) &
                    DVSEC_VIRAL, ==, DVSEC_VIRAL);             /* capable */
    g_assert_cmphex(dvsec_status(&s, dvsec) & DVSEC_VIRAL, ==, 0);

    /* Viral_Enable clear: the device does not go viral */
    g_assert_cmphex(viral(&s, doe, PROTO_MEM), ==, ST_NOT_INITIALIZED);
    g_assert_cmphex(dvsec_status(&s, dvsec) & DVSEC_VIRAL, ==, 0);

    ctrl = qtest_readw(s.qts, cfg(EP1, dvsec + DVSEC_CTRL));
    qtest_writew(s.qts, cfg(EP1, dvsec + DVSEC_CTRL), ctrl | DVSEC_VIRAL);
    g_assert_cmphex(qtest_readw(s.qts, cfg(EP1, dvsec + DVSEC_CTRL)), ==,
                    ctrl | DVSEC_VIRAL);
    /* no CXL.cache, no protocol 3 */
    g_assert_cmphex(viral(&s, doe, PROTO_CACHE), ==, ST_UNSUPPORTED);
    g_assert_cmphex(viral(&s, doe, 3), ==, ST_UNSUPPORTED);
    g_assert_cmphex(dvsec_status(&s, dvsec) & DVSEC_VIRAL, ==, 0);

    /* CXL.mem: viral; software clears it (RW1C); CXL.io: viral again */
    g_assert_cmphex(viral(&s, doe, PROTO_MEM), ==, ST_SUCCESS);
    g_assert_cmphex(dvsec_status(&s, dvsec) & DVSEC_VIRAL, ==, DVSEC_VIRAL);
    qtest_writew(s.qts, cfg(EP1, dvsec + DVSEC_STATUS), 0);
    g_assert_cmphex(dvsec_status(&s, dvsec) & DVSEC_VIRAL, ==, DVSEC_VIRAL);
    qtest_writew(s.qts, cfg(EP1, dvsec + DVSEC_STATUS), DVSEC_VIRAL);
    g_assert_cmphex(dvsec_status(&s, dvsec) & DVSEC_VIRAL, ==, 0);
    g_assert_cmphex(viral(&s, doe, PROTO_IO), ==, ST_SUCCESS);
    g_assert_cmphex(dvsec_status(&s, dvsec) & DVSEC_VIRAL, ==, DVSEC_VIRAL);
    /* nothing stays "in effect" for Query Status; the other device is not
     * viral */
    g_assert_cmphex(qtest_readw(s.qts, cfg(EP2, find_dvsec(&s, EP2, 0, NULL) +
                                            DVSEC_STATUS)) & DVSEC_VIRAL,
                    ==, 0);
    sw_stop(&s);
}

/* ---- malformed requests ---- */

/* Send @n dwords and Go: the request must be discarded (no response) */
static void expect_discarded(Sw *s, uint16_t doe, const uint32_t *req,
                             unsigned n)
{
    uint64_t base = cxl_qtest_cfg(EP_BUS, EP_DEV, 0, doe);
    uint32_t status;

    for (unsigned i = 0; i < n; i++) {
        qtest_writel(s->qts, base + DOE_WRITE, req[i]);
    }
    qtest_writel(s->qts, base + DOE_CTRL, DOE_CTRL_GO);
    qtest_clock_step(s->qts, 1000000);
    status = qtest_readl(s->qts, base + DOE_STATUS);
    g_assert_cmphex(status & (DOE_STATUS_READY | DOE_STATUS_ERROR |
                              DOE_STATUS_BUSY), ==, 0);
    g_assert_cmphex(qtest_readl(s->qts, base + DOE_READ), ==, 0);
}

static void test_malformed(void)
{
    Sw s;
    uint16_t doe;
    uint32_t req[32];
    Rsp rsp;

    sw_start(&s);
    doe = cxl_qtest_find_ext_cap(s.qts, EP_BUS, EP_DEV, DOE_EXT_CAP);

    /* the DOE header only: shorter than the request header */
    make_req(req, QUERY_CAPS, COMP_VERSION, NULL, 12);
    req[1] = 2;
    expect_discarded(&s, doe, req, 2);
    /* a length that does not match the dwords written (pcie_doe) */
    make_req(req, QUERY_CAPS, COMP_VERSION, NULL, 12);
    req[1] = 4;
    expect_discarded(&s, doe, req, 3);
    /* each option's request one dword shorter than its layout */
    for (unsigned code = MULTI_WRITE; code < NR_CODES; code++) {
        unsigned n = DIV_ROUND_UP(req_len[code], 4) - 1;

        if (n < 4) {
            continue;           /* 13..16 bytes: 3 dwords is the header */
        }
        make_req(req, code, COMP_VERSION, NULL, n * 4);
        expect_discarded(&s, doe, req, n);
    }
    /* ... or the header alone */
    for (unsigned code = MULTI_WRITE; code < NR_CODES; code++) {
        make_req(req, code, COMP_VERSION, NULL, 12);
        expect_discarded(&s, doe, req, 3);
    }
    /* a clear of memory device poison without all of the line's data */
    make_req(req, INJECT_MEM_POISON, COMP_VERSION,
             (uint8_t[0x48]) { [0] = 1 }, 0x54);
    expect_discarded(&s, doe, req, 0x54 / 4);

    /* the mailbox works after all that */
    comp_exchange(s.qts, EP_BUS, EP_DEV, doe, QUERY_CAPS, COMP_VERSION, NULL,
                  12, &rsp);
    g_assert_cmphex(ldq_le_p(rsp.b + 0x0c), ==, CAPS_TYPE3);

    /* any version is answered, with ours */
    comp_exchange(s.qts, EP_BUS, EP_DEV, doe, QUERY_CAPS, 0, NULL, 12, &rsp);
    g_assert_cmphex(ldq_le_p(rsp.b + 0x0c), ==, CAPS_TYPE3);
    comp_exchange(s.qts, EP_BUS, EP_DEV, doe, QUERY_STATUS, 0xff, NULL, 12,
                  &rsp);
    g_assert_cmpuint(rsp.b[10], ==, 0x12);
    /* a longer request: the bytes past the layout are ignored */
    comp_exchange(s.qts, EP_BUS, EP_DEV, doe, QUERY_CAPS, COMP_VERSION,
                  (uint8_t[52]) { 0xff }, 64, &rsp);
    g_assert_cmphex(ldq_le_p(rsp.b + 0x0c), ==, CAPS_TYPE3);
    g_assert_cmphex(comp_status(s.qts, EP_BUS, EP_DEV, doe, HALT_ALL,
                                (uint8_t[4]) { 0xff }, 16), ==, ST_SUCCESS);
    sw_stop(&s);
}

/*
 * More dwords than the largest data object (2^18) without Go: DOE Error,
 * not a write past QEMU's mailbox buffer (hw/pci/pcie_doe.c, patch
 * 0021); Abort (control bit 0) clears it and the mailbox works again.
 * (2^18 + 1 config writes: about 6 s.)
 */
static void test_overfull(void)
{
    Sw s;
    uint16_t doe;
    uint64_t base;
    Rsp rsp;

    sw_start(&s);
    doe = cxl_qtest_find_ext_cap(s.qts, EP_BUS, EP_DEV, DOE_EXT_CAP);
    base = cxl_qtest_cfg(EP_BUS, EP_DEV, 0, doe);
    for (unsigned i = 0; i <= (1u << 18); i++) {
        qtest_writel(s.qts, base + DOE_WRITE, i);
    }
    g_assert_cmphex(qtest_readl(s.qts, base + DOE_STATUS) & DOE_STATUS_ERROR,
                    ==, DOE_STATUS_ERROR);
    qtest_writel(s.qts, base + DOE_CTRL, 1);            /* Abort */
    g_assert_cmphex(qtest_readl(s.qts, base + DOE_STATUS) & DOE_STATUS_ERROR,
                    ==, 0);
    comp_exchange(s.qts, EP_BUS, EP_DEV, doe, QUERY_CAPS, COMP_VERSION, NULL,
                  12, &rsp);
    g_assert_cmphex(ldq_le_p(rsp.b + 0x0c), ==, CAPS_TYPE3);
    sw_stop(&s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cxl/compliance/components", test_components);
    qtest_add_func("/cxl/compliance/mem-poison", test_mem_poison);
    qtest_add_func("/cxl/compliance/viral", test_viral);
    qtest_add_func("/cxl/compliance/malformed", test_malformed);
    qtest_add_func("/cxl/compliance/overfull", test_overfull);
    return g_test_run();
}
