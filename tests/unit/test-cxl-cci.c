/*
 * Unit tests for the CXL CCI command engine (hw/cxl/cxl-cci.c) on a fake
 * command table: input length rules, unsupported opcodes, the media gates,
 * background operations (start, Busy, progress, completion, abort,
 * notification, reset), the generated Command Effects Log read through Get
 * Supported Logs and Get Log, other logs, Identify and the timestamp; the
 * CCI message codec (cxl_cci_msg_execute(): header, malformed messages,
 * background operations through messages).
 *
 * Expectations are the rules written in include/hw/cxl/cxl-cci.h and the
 * payload layouts of CXL r3.1 8.2.9 as Linux reads them (drivers/cxl/
 * cxlmem.h: struct cxl_mbox_get_supported_logs, cxl_mbox_get_log,
 * cxl_cel_entry; drivers/cxl/core/mbox.c), worked out by hand here, not
 * taken from the engine.
 *
 * QEMU_CLOCK_VIRTUAL is this test's own clock: cpu_get_clock() below
 * replaces the stub qemu_clock_get_ns() reaches through
 * cpus_get_virtual_clock(), and advance() moves it and runs the expired
 * timers, as the main loop would.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/timer.h"
#include "system/cpu-timers.h"
#include "hw/cxl/cxl-cci.h"
#include "hw/cxl/cxl-mailbox.h"

/* ---- the virtual clock ---- */

static int64_t clock_ns;

int64_t cpu_get_clock(void)
{
    return clock_ns;
}

/* Let @ns of virtual time pass and run the timers that expired */
static void advance(int64_t ns)
{
    clock_ns += ns;
    qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL);
}

/* ---- the fake command tables ---- */

#define PAYLOAD_MAX     512

enum {
    OP_EXACT8 = 0xc000,         /* exactly 8 bytes in, echoed */
    OP_MIN4 = 0xc001,           /* at least 4 bytes in, echoed */
    OP_MEDIA = 0xc002,          /* accesses the media */
    OP_NO_MEDIA = 0xc003,       /* does not */
    OP_FAIL = 0xc004,           /* writes output, then fails */
    OP_BG_ABORTABLE = 0xc005,   /* background, abortable */
    OP_BG = 0xc006,             /* background, runs to completion */
    OP_BG_MEDIA = 0xc007,       /* background, accesses the media */
    OP_FULL = 0xc008,           /* a full payload out */
    OP_OTHER_SET = 0xd000,      /* in the second table */
    OP_UNKNOWN = 0xbeef,
};

/* What the handlers and callbacks saw */
static struct {
    unsigned calls;             /* handler runs */
    size_t last_in_len;
    unsigned completes;
    unsigned aborts;
    unsigned notifies;
    CXLCCI *notified;
    void *notify_opaque;
    CXLRetCode complete_rc;     /* what complete() returns */
} seen;

static CXLRetCode h_echo(CXLCCI *cci, const uint8_t *in, size_t in_len,
                         uint8_t *out, size_t *out_len)
{
    seen.calls++;
    seen.last_in_len = in_len;
    memcpy(out, in, in_len);
    *out_len = in_len;
    return CXL_RC_SUCCESS;
}

static CXLRetCode h_ok(CXLCCI *cci, const uint8_t *in, size_t in_len,
                       uint8_t *out, size_t *out_len)
{
    seen.calls++;
    seen.last_in_len = in_len;
    return CXL_RC_SUCCESS;
}

static CXLRetCode h_fail(CXLCCI *cci, const uint8_t *in, size_t in_len,
                         uint8_t *out, size_t *out_len)
{
    seen.calls++;
    memset(out, 0xaa, 16);
    *out_len = 16;
    return CXL_RC_INVALID_INPUT;
}

static CXLRetCode h_full(CXLCCI *cci, const uint8_t *in, size_t in_len,
                         uint8_t *out, size_t *out_len)
{
    seen.calls++;
    memset(out, 0x5c, cci->payload_max);
    *out_len = cci->payload_max;
    return CXL_RC_SUCCESS;
}

static CXLRetCode bg_complete(CXLCCI *cci)
{
    seen.completes++;
    return seen.complete_rc;
}

static void bg_abort(CXLCCI *cci)
{
    seen.aborts++;
}

/* A background command @op: 4 bytes in, the duration in milliseconds */
static CXLRetCode bg_start(CXLCCI *cci, uint16_t op, const uint8_t *in)
{
    seen.calls++;
    cxl_cci_bg_start(cci, op, ldl_le_p(in), bg_complete, bg_abort);
    return CXL_RC_BACKGROUND;
}

static CXLRetCode h_bg_abortable(CXLCCI *cci, const uint8_t *in,
                                 size_t in_len, uint8_t *out, size_t *out_len)
{
    return bg_start(cci, OP_BG_ABORTABLE, in);
}

static CXLRetCode h_bg(CXLCCI *cci, const uint8_t *in, size_t in_len,
                       uint8_t *out, size_t *out_len)
{
    return bg_start(cci, OP_BG, in);
}

static CXLRetCode h_bg_media(CXLCCI *cci, const uint8_t *in, size_t in_len,
                             uint8_t *out, size_t *out_len)
{
    return bg_start(cci, OP_BG_MEDIA, in);
}

#define EFF_BG      (CXL_CEL_BACKGROUND_OP | CXL_CEL_IMMEDIATE_DATA_CHANGE)

static const CXLCCICommand fake_cmds[] = {
    { OP_EXACT8, "exact 8", h_echo, CXL_CCI_IN_EXACT, 8,
      CXL_CEL_IMMEDIATE_CONFIG_CHANGE },
    { OP_MIN4, "min 4", h_echo, CXL_CCI_IN_MIN, 4, 0 },
    { OP_MEDIA, "media", h_ok, CXL_CCI_IN_EXACT, 0,
      CXL_CEL_IMMEDIATE_DATA_CHANGE, CXL_CCI_F_MEDIA },
    { OP_NO_MEDIA, "no media", h_ok, CXL_CCI_IN_EXACT, 0,
      CXL_CEL_IMMEDIATE_LOG_CHANGE },
    { OP_FAIL, "fail", h_fail, CXL_CCI_IN_MIN, 0, 0 },
    { OP_BG_ABORTABLE, "bg abortable", h_bg_abortable, CXL_CCI_IN_EXACT, 4,
      EFF_BG | CXL_CEL_ABORT_SUPPORTED },
    { OP_BG, "bg", h_bg, CXL_CCI_IN_EXACT, 4, EFF_BG },
    { OP_BG_MEDIA, "bg media", h_bg_media, CXL_CCI_IN_EXACT, 4, EFF_BG,
      CXL_CCI_F_MEDIA },
    { OP_FULL, "full", h_full, CXL_CCI_IN_EXACT, 0,
      CXL_CEL_SECURITY_STATE_CHANGE | CXL_CEL_CONFIG_CHANGE_COLD_RESET },
};

static const CXLCCICommand other_cmds[] = {
    { OP_OTHER_SET, "other set", h_ok, CXL_CCI_IN_EXACT, 0,
      CXL_CEL_SECONDARY_MBOX_SUPPORTED | CXL_CEL_IMMEDIATE_POLICY_CHANGE },
};

/* A log beside the CEL: 10 bytes 0x30, 0x31, ... */
static const uint8_t other_log_uuid[16] = {
    0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0x4c, 0xde,
    0x8f, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd,
};
#define OTHER_LOG_SIZE  10

static uint32_t other_log_size(CXLCCI *cci)
{
    return OTHER_LOG_SIZE;
}

static void other_log_read(CXLCCI *cci, uint32_t offset, uint32_t len,
                           uint8_t *out)
{
    g_assert_cmpuint(offset + len, <=, OTHER_LOG_SIZE);
    for (uint32_t i = 0; i < len; i++) {
        out[i] = 0x30 + offset + i;
    }
}

/* CEL UUID, CXL r3.1 Table 8-67 (Linux's DEFINE_CXL_CEL_UUID) */
static const uint8_t cel_uuid[16] = {
    0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78,
    0x8f, 0x79, 0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17,
};

static void notify(CXLCCI *cci, void *opaque)
{
    seen.notifies++;
    seen.notified = cci;
    seen.notify_opaque = opaque;
}

static int owner_token;

/* A CCI with the generic set, the fake tables, and @with_log */
static CXLCCI *cci_new(size_t payload_max, bool with_log)
{
    CXLCCI *cci = g_new0(CXLCCI, 1);

    memset(&seen, 0, sizeof(seen));
    cxl_cci_init(cci, NULL, "test", NULL, payload_max);
    cxl_cci_add_commands(cci, fake_cmds, ARRAY_SIZE(fake_cmds));
    cxl_cci_add_commands(cci, other_cmds, ARRAY_SIZE(other_cmds));
    if (with_log) {
        CXLCCILog log = { .size = other_log_size, .read = other_log_read };

        memcpy(log.uuid, other_log_uuid, 16);
        cxl_cci_add_log(cci, &log);
    }
    cci->bg_notify = notify;
    cci->bg_notify_opaque = &owner_token;
    cxl_cci_finalize(cci);
    return cci;
}

static void cci_free(CXLCCI *cci)
{
    cxl_cci_cleanup(cci);
    g_free(cci);
}

/*
 * Run @op with @in_len bytes of @in (NULL: zeros); *@out_len receives the
 * output length. @out has room for the CCI's payload_max bytes.
 */
static CXLRetCode run(CXLCCI *cci, uint16_t op, const void *in,
                      size_t in_len, uint8_t *out, size_t *out_len)
{
    g_autofree uint8_t *zeros = NULL;
    size_t dummy;

    if (!in) {
        zeros = g_malloc0(in_len + 1);
        in = zeros;
    }
    return cxl_cci_execute(cci, op, in, in_len, out,
                           out_len ? out_len : &dummy);
}

/* Start background command @op lasting @ms */
static CXLRetCode bg_run(CXLCCI *cci, uint16_t op, uint32_t ms)
{
    uint8_t in[4], out[PAYLOAD_MAX];
    size_t out_len = 1;
    CXLRetCode rc;

    stl_le_p(in, ms);
    rc = run(cci, op, in, 4, out, &out_len);
    g_assert_cmpuint(out_len, ==, 0);
    return rc;
}

/* Background Operation Status (0002h): the 8 bytes, decoded */
typedef struct BgStatus {
    bool running;
    unsigned percent;
    uint16_t opcode;
    uint16_t rc;
    uint16_t vendor;
} BgStatus;

static BgStatus bg_status(CXLCCI *cci)
{
    uint8_t out[PAYLOAD_MAX];
    size_t len;

    g_assert_cmphex(run(cci, CXL_OP_BG_OP_STATUS, NULL, 0, out, &len), ==,
                    CXL_RC_SUCCESS);
    g_assert_cmpuint(len, ==, 8);
    return (BgStatus) {
        .running = out[0] & 1, .percent = out[0] >> 1,
        .opcode = lduw_le_p(out + 2), .rc = lduw_le_p(out + 4),
        .vendor = lduw_le_p(out + 6),
    };
}

/* ---- input length ---- */

static void test_length_exact(void)
{
    CXLCCI *cci = cci_new(PAYLOAD_MAX, false);
    uint8_t in[PAYLOAD_MAX + 1], out[PAYLOAD_MAX];
    size_t len;

    for (unsigned i = 0; i < sizeof(in); i++) {
        in[i] = i;
    }
    g_assert_cmphex(run(cci, OP_EXACT8, in, 8, out, &len), ==,
                    CXL_RC_SUCCESS);
    g_assert_cmpuint(seen.calls, ==, 1);
    g_assert_cmpuint(len, ==, 8);
    g_assert_cmpmem(out, 8, in, 8);

    /* one byte short, one byte long, none, the most the mailbox holds */
    for (size_t bad_len = 0; bad_len <= PAYLOAD_MAX + 1; bad_len++) {
        if (bad_len == 8 || (bad_len > 10 && bad_len < PAYLOAD_MAX - 1)) {
            continue;
        }
        len = 1234;
        g_assert_cmphex(run(cci, OP_EXACT8, in, bad_len, out, &len), ==,
                        CXL_RC_INVALID_PAYLOAD_LENGTH);
        g_assert_cmpuint(len, ==, 0);
    }
    /* the handler never ran with a wrong length */
    g_assert_cmpuint(seen.calls, ==, 1);

    /* the generic commands follow their rules too: Identify takes none */
    g_assert_cmphex(run(cci, CXL_OP_IDENTIFY, in, 1, out, &len), ==,
                    CXL_RC_INVALID_PAYLOAD_LENGTH);
    g_assert_cmphex(run(cci, CXL_OP_SET_TIMESTAMP, in, 7, out, &len), ==,
                    CXL_RC_INVALID_PAYLOAD_LENGTH);
    g_assert_cmphex(run(cci, CXL_OP_SET_TIMESTAMP, in, 9, out, &len), ==,
                    CXL_RC_INVALID_PAYLOAD_LENGTH);
    g_assert_cmphex(run(cci, CXL_OP_GET_LOG, in, 23, out, &len), ==,
                    CXL_RC_INVALID_PAYLOAD_LENGTH);
    cci_free(cci);
}

static void test_length_min(void)
{
    CXLCCI *cci = cci_new(PAYLOAD_MAX, false);
    g_autofree uint8_t *in = g_malloc0(PAYLOAD_MAX + 2);
    uint8_t out[PAYLOAD_MAX];
    size_t len;

    /* below the minimum */
    for (size_t l = 0; l < 4; l++) {
        g_assert_cmphex(run(cci, OP_MIN4, in, l, out, &len), ==,
                        CXL_RC_INVALID_PAYLOAD_LENGTH);
        g_assert_cmpuint(len, ==, 0);
    }
    g_assert_cmpuint(seen.calls, ==, 0);

    /* the minimum, more, and a full payload */
    g_assert_cmphex(run(cci, OP_MIN4, in, 4, out, &len), ==, CXL_RC_SUCCESS);
    g_assert_cmpuint(seen.last_in_len, ==, 4);
    g_assert_cmphex(run(cci, OP_MIN4, in, 100, out, &len), ==,
                    CXL_RC_SUCCESS);
    g_assert_cmpuint(seen.last_in_len, ==, 100);
    g_assert_cmphex(run(cci, OP_MIN4, in, PAYLOAD_MAX, out, &len), ==,
                    CXL_RC_SUCCESS);
    g_assert_cmpuint(seen.last_in_len, ==, PAYLOAD_MAX);
    g_assert_cmpuint(len, ==, PAYLOAD_MAX);
    g_assert_cmpuint(seen.calls, ==, 3);

    /* longer than the payload registers: refused whatever the rule */
    g_assert_cmphex(run(cci, OP_MIN4, in, PAYLOAD_MAX + 1, out, &len), ==,
                    CXL_RC_INVALID_PAYLOAD_LENGTH);
    g_assert_cmphex(run(cci, OP_FAIL, in, PAYLOAD_MAX + 1, out, &len), ==,
                    CXL_RC_INVALID_PAYLOAD_LENGTH);
    g_assert_cmpuint(seen.calls, ==, 3);
    cci_free(cci);
}

/* ---- opcodes and output ---- */

static void test_unsupported(void)
{
    CXLCCI *cci = cci_new(PAYLOAD_MAX, false);
    uint8_t out[PAYLOAD_MAX];
    size_t len = 99;

    g_assert_null(cxl_cci_find(cci, OP_UNKNOWN));
    g_assert_cmphex(run(cci, OP_UNKNOWN, NULL, 0, out, &len), ==,
                    CXL_RC_UNSUPPORTED);
    g_assert_cmpuint(len, ==, 0);
    /* whatever the length: there is no rule to check it against */
    g_assert_cmphex(run(cci, OP_UNKNOWN, NULL, PAYLOAD_MAX + 1, out, &len),
                    ==, CXL_RC_UNSUPPORTED);
    /* a memory device command this CCI does not have */
    g_assert_cmphex(run(cci, CXL_OP_IDENTIFY_MEMDEV, NULL, 0, out, &len), ==,
                    CXL_RC_UNSUPPORTED);
    g_assert_cmpuint(seen.calls, ==, 0);
    cci_free(cci);
}

static void test_find(void)
{
    CXLCCI *cci = cci_new(PAYLOAD_MAX, false);
    uint8_t out[PAYLOAD_MAX];
    size_t len;

    /* every table is searched: generic, fake, other */
    g_assert_true(cxl_cci_find(cci, CXL_OP_IDENTIFY) ==
                  &cxl_cci_generic_commands[0]);
    g_assert_true(cxl_cci_find(cci, OP_EXACT8) == &fake_cmds[0]);
    g_assert_true(cxl_cci_find(cci, OP_FULL) ==
                  &fake_cmds[ARRAY_SIZE(fake_cmds) - 1]);
    g_assert_true(cxl_cci_find(cci, OP_OTHER_SET) == &other_cmds[0]);
    g_assert_cmphex(run(cci, OP_OTHER_SET, NULL, 0, out, &len), ==,
                    CXL_RC_SUCCESS);
    g_assert_cmpuint(seen.calls, ==, 1);
    cci_free(cci);
}

static void test_output(void)
{
    CXLCCI *cci = cci_new(PAYLOAD_MAX, false);
    uint8_t out[PAYLOAD_MAX];
    size_t len;

    /* a failing command has no output, whatever the handler wrote */
    g_assert_cmphex(run(cci, OP_FAIL, NULL, 0, out, &len), ==,
                    CXL_RC_INVALID_INPUT);
    g_assert_cmpuint(seen.calls, ==, 1);
    g_assert_cmpuint(len, ==, 0);
    /* a full payload out is allowed */
    g_assert_cmphex(run(cci, OP_FULL, NULL, 0, out, &len), ==,
                    CXL_RC_SUCCESS);
    g_assert_cmpuint(len, ==, PAYLOAD_MAX);
    g_assert_cmphex(out[PAYLOAD_MAX - 1], ==, 0x5c);
    /* the return code names */
    g_assert_cmpstr(cxl_cci_retcode_name(CXL_RC_SUCCESS), ==, "success");
    g_assert_cmpstr(cxl_cci_retcode_name(CXL_RC_INVALID_PAYLOAD_LENGTH), ==,
                    "invalid payload length");
    g_assert_cmpstr(cxl_cci_retcode_name(0x7fff), ==, "unknown");
    cci_free(cci);
}

/* ---- media gates ---- */

static void test_media_gates(void)
{
    CXLCCI *cci = cci_new(PAYLOAD_MAX, false);
    uint8_t out[PAYLOAD_MAX];
    size_t len;
    static const struct {
        bool disabled, locked;
        CXLRetCode media_rc;
    } t[] = {
        { false, false, CXL_RC_SUCCESS },
        { true, false, CXL_RC_MEDIA_DISABLED },
        { false, true, CXL_RC_INVALID_SECURITY_STATE },
        /* disabled media is reported before the security state */
        { true, true, CXL_RC_MEDIA_DISABLED },
    };

    for (unsigned i = 0; i < ARRAY_SIZE(t); i++) {
        unsigned calls = seen.calls;

        cci->media_disabled = t[i].disabled;
        cci->media_locked = t[i].locked;
        len = 77;
        g_assert_cmphex(run(cci, OP_MEDIA, NULL, 0, out, &len), ==,
                        t[i].media_rc);
        g_assert_cmpuint(len, ==, 0);
        /* the handler runs only when the gate is open */
        g_assert_cmpuint(seen.calls - calls, ==,
                         t[i].media_rc == CXL_RC_SUCCESS);
        /* a background media command is gated the same way */
        if (t[i].media_rc != CXL_RC_SUCCESS) {
            g_assert_cmphex(bg_run(cci, OP_BG_MEDIA, 10), ==,
                            t[i].media_rc);
            g_assert_false(cxl_cci_bg_running(cci));
        }
        /* commands without CXL_CCI_F_MEDIA are not gated */
        g_assert_cmphex(run(cci, OP_NO_MEDIA, NULL, 0, out, &len), ==,
                        CXL_RC_SUCCESS);
        g_assert_cmphex(run(cci, OP_EXACT8, NULL, 8, out, &len), ==,
                        CXL_RC_SUCCESS);
        g_assert_cmphex(run(cci, CXL_OP_IDENTIFY, NULL, 0, out, &len), ==,
                        CXL_RC_SUCCESS);
        g_assert_cmphex(run(cci, OP_OTHER_SET, NULL, 0, out, &len), ==,
                        CXL_RC_SUCCESS);
        /* the length is checked first */
        g_assert_cmphex(run(cci, OP_MEDIA, NULL, 1, out, &len), ==,
                        CXL_RC_INVALID_PAYLOAD_LENGTH);
    }
    cci_free(cci);
}

/* ---- background operations ---- */

static void test_bg_complete(void)
{
    CXLCCI *cci = cci_new(PAYLOAD_MAX, false);
    uint8_t out[PAYLOAD_MAX];
    size_t len;
    BgStatus st;

    /* idle: nothing running, 100 % */
    st = bg_status(cci);
    g_assert_false(st.running);
    g_assert_cmpuint(st.percent, ==, 100);
    g_assert_cmphex(st.opcode, ==, 0);
    g_assert_cmphex(st.rc, ==, 0);

    seen.complete_rc = CXL_RC_SUCCESS;
    g_assert_cmphex(bg_run(cci, OP_BG, 100), ==, CXL_RC_BACKGROUND);
    g_assert_true(cxl_cci_bg_running(cci));
    st = bg_status(cci);
    g_assert_true(st.running);
    g_assert_cmpuint(st.percent, ==, 0);
    g_assert_cmphex(st.opcode, ==, OP_BG);
    g_assert_cmphex(st.rc, ==, 0);
    g_assert_cmphex(st.vendor, ==, 0);

    /* one background operation at a time: the others are Busy */
    g_assert_cmphex(bg_run(cci, OP_BG_ABORTABLE, 10), ==, CXL_RC_BUSY);
    g_assert_cmphex(bg_run(cci, OP_BG, 10), ==, CXL_RC_BUSY);
    g_assert_cmpuint(seen.calls, ==, 1);
    /* ... but the length is checked first, and others still run */
    g_assert_cmphex(run(cci, OP_BG, NULL, 3, out, &len), ==,
                    CXL_RC_INVALID_PAYLOAD_LENGTH);
    g_assert_cmphex(run(cci, OP_EXACT8, NULL, 8, out, &len), ==,
                    CXL_RC_SUCCESS);
    g_assert_cmphex(bg_status(cci).opcode, ==, OP_BG);

    /* progress follows the virtual clock */
    advance(25 * SCALE_MS);
    g_assert_cmpuint(bg_status(cci).percent, ==, 25);
    advance(25 * SCALE_MS);
    st = bg_status(cci);
    g_assert_true(st.running);
    g_assert_cmpuint(st.percent, ==, 50);
    g_assert_cmpuint(cxl_cci_bg_percent(cci), ==, 50);
    /* 1 ns before the end: 99 % at most, not complete */
    advance(50 * SCALE_MS - 1);
    st = bg_status(cci);
    g_assert_true(st.running);
    g_assert_cmpuint(st.percent, ==, 99);
    g_assert_cmpuint(seen.completes, ==, 0);
    g_assert_cmpuint(seen.notifies, ==, 0);

    /* the end: complete() runs once, the transport is told once */
    advance(1);
    g_assert_cmpuint(seen.completes, ==, 1);
    g_assert_cmpuint(seen.notifies, ==, 1);
    g_assert_true(seen.notified == cci);
    g_assert_true(seen.notify_opaque == &owner_token);
    g_assert_false(cxl_cci_bg_running(cci));
    st = bg_status(cci);
    g_assert_false(st.running);
    g_assert_cmpuint(st.percent, ==, 100);
    g_assert_cmphex(st.opcode, ==, OP_BG);
    g_assert_cmphex(st.rc, ==, CXL_RC_SUCCESS);
    advance(1000 * SCALE_MS);
    g_assert_cmpuint(seen.completes, ==, 1);
    g_assert_cmpuint(seen.notifies, ==, 1);

    /* the next one may start; its complete() return code is reported */
    seen.complete_rc = CXL_RC_INTERNAL_ERROR;
    g_assert_cmphex(bg_run(cci, OP_BG_ABORTABLE, 10), ==, CXL_RC_BACKGROUND);
    st = bg_status(cci);
    g_assert_true(st.running);
    g_assert_cmphex(st.opcode, ==, OP_BG_ABORTABLE);
    g_assert_cmphex(st.rc, ==, 0);
    advance(10 * SCALE_MS);
    st = bg_status(cci);
    g_assert_false(st.running);
    g_assert_cmphex(st.opcode, ==, OP_BG_ABORTABLE);
    g_assert_cmphex(st.rc, ==, CXL_RC_INTERNAL_ERROR);
    g_assert_cmpuint(seen.completes, ==, 2);
    g_assert_cmpuint(seen.notifies, ==, 2);
    g_assert_cmpuint(seen.aborts, ==, 0);

    /* no notification hook: completion still happens */
    cci->bg_notify = NULL;
    g_assert_cmphex(bg_run(cci, OP_BG, 0), ==, CXL_RC_BACKGROUND);
    g_assert_cmpuint(bg_status(cci).percent, <, 100);
    advance(0);
    g_assert_false(cxl_cci_bg_running(cci));
    g_assert_cmpuint(seen.completes, ==, 3);
    g_assert_cmpuint(seen.notifies, ==, 2);
    cci_free(cci);
}

static void test_bg_abort(void)
{
    CXLCCI *cci = cci_new(PAYLOAD_MAX, false);
    uint8_t out[PAYLOAD_MAX];
    size_t len;
    BgStatus st;

    /* nothing to abort */
    g_assert_cmphex(run(cci, CXL_OP_REQUEST_ABORT_BG_OP, NULL, 0, out, &len),
                    ==, CXL_RC_SUCCESS);
    g_assert_cmpuint(len, ==, 0);
    g_assert_cmpuint(seen.aborts + seen.notifies, ==, 0);

    /* an abortable operation stops at once: Aborted, abort() not complete() */
    g_assert_cmphex(bg_run(cci, OP_BG_ABORTABLE, 100), ==, CXL_RC_BACKGROUND);
    advance(30 * SCALE_MS);
    g_assert_cmphex(run(cci, CXL_OP_REQUEST_ABORT_BG_OP, NULL, 0, out, &len),
                    ==, CXL_RC_SUCCESS);
    g_assert_cmpuint(seen.aborts, ==, 1);
    g_assert_cmpuint(seen.completes, ==, 0);
    g_assert_cmpuint(seen.notifies, ==, 1);
    st = bg_status(cci);
    g_assert_false(st.running);
    g_assert_cmpuint(st.percent, ==, 100);
    g_assert_cmphex(st.opcode, ==, OP_BG_ABORTABLE);
    g_assert_cmphex(st.rc, ==, CXL_RC_ABORTED);
    /* its timer is gone */
    advance(200 * SCALE_MS);
    g_assert_cmpuint(seen.completes, ==, 0);
    g_assert_cmpuint(seen.notifies, ==, 1);

    /* one without Abort Supported runs to completion: Busy */
    g_assert_cmphex(bg_run(cci, OP_BG, 100), ==, CXL_RC_BACKGROUND);
    g_assert_cmphex(run(cci, CXL_OP_REQUEST_ABORT_BG_OP, NULL, 0, out, &len),
                    ==, CXL_RC_BUSY);
    g_assert_cmpuint(seen.aborts, ==, 1);
    st = bg_status(cci);
    g_assert_true(st.running);
    g_assert_cmphex(st.opcode, ==, OP_BG);
    advance(100 * SCALE_MS);
    st = bg_status(cci);
    g_assert_false(st.running);
    g_assert_cmphex(st.rc, ==, CXL_RC_SUCCESS);
    g_assert_cmpuint(seen.completes, ==, 1);
    g_assert_cmpuint(seen.notifies, ==, 2);

    /* abort takes no input */
    g_assert_cmphex(run(cci, CXL_OP_REQUEST_ABORT_BG_OP, NULL, 1, out, &len),
                    ==, CXL_RC_INVALID_PAYLOAD_LENGTH);
    cci_free(cci);
}

static void test_bg_reset(void)
{
    CXLCCI *cci = cci_new(PAYLOAD_MAX, false);
    BgStatus st;

    g_assert_cmphex(bg_run(cci, OP_BG, 100), ==, CXL_RC_BACKGROUND);
    advance(10 * SCALE_MS);
    /* a reset aborts the operation (even one that cannot be aborted) */
    cxl_cci_reset(cci);
    g_assert_cmpuint(seen.aborts, ==, 1);
    g_assert_false(cxl_cci_bg_running(cci));
    st = bg_status(cci);
    g_assert_false(st.running);
    g_assert_cmpuint(st.percent, ==, 100);
    g_assert_cmphex(st.opcode, ==, 0);
    g_assert_cmphex(st.rc, ==, 0);
    advance(200 * SCALE_MS);
    g_assert_cmpuint(seen.completes, ==, 0);
    /* and the next may start */
    g_assert_cmphex(bg_run(cci, OP_BG, 1), ==, CXL_RC_BACKGROUND);
    advance(1 * SCALE_MS);
    g_assert_cmpuint(seen.completes, ==, 1);
    cci_free(cci);
}

/* ---- logs ---- */

/* Get Log of @len bytes from @offset of log @uuid */
static CXLRetCode get_log(CXLCCI *cci, const uint8_t *uuid, uint32_t offset,
                          uint32_t len, uint8_t *out, size_t *out_len)
{
    uint8_t in[24];

    memcpy(in, uuid, 16);
    stl_le_p(in + 16, offset);
    stl_le_p(in + 20, len);
    return run(cci, CXL_OP_GET_LOG, in, sizeof(in), out, out_len);
}

/* The CEL entry of table entry @c: opcode, then effects, little-endian */
static void expect_cel_entry(const uint8_t *cel, size_t cel_len,
                             const CXLCCICommand *c)
{
    unsigned found = 0;

    for (size_t o = 0; o < cel_len; o += 4) {
        if (cel[o] == (c->opcode & 0xff) && cel[o + 1] == c->opcode >> 8) {
            g_assert_cmphex(cel[o + 2], ==, c->effects & 0xff);
            g_assert_cmphex(cel[o + 3], ==, c->effects >> 8);
            found++;
        }
    }
    if (found != 1) {
        g_test_message("%04xh (%s) is in the CEL %u times", c->opcode,
                       c->name, found);
    }
    g_assert_cmpuint(found, ==, 1);
}

static void test_cel(void)
{
    CXLCCI *cci = cci_new(PAYLOAD_MAX, false);
    const size_t n = cxl_cci_generic_commands_len + ARRAY_SIZE(fake_cmds) +
                     ARRAY_SIZE(other_cmds);
    uint8_t out[PAYLOAD_MAX], cel[PAYLOAD_MAX];
    size_t len, cel_len;

    /* Get Supported Logs: one log, the CEL, 4 bytes per table entry */
    g_assert_cmphex(run(cci, CXL_OP_GET_SUPPORTED_LOGS, NULL, 0, out, &len),
                    ==, CXL_RC_SUCCESS);
    g_assert_cmpuint(len, ==, 8 + 20);
    g_assert_cmpuint(lduw_le_p(out), ==, 1);
    g_assert_cmpmem(out + 8, 16, cel_uuid, 16);
    g_assert_cmpuint(ldl_le_p(out + 24), ==, 4 * n);

    /* the whole CEL in one Get Log, as Linux reads it */
    g_assert_cmphex(get_log(cci, cel_uuid, 0, 4 * n, cel, &cel_len), ==,
                    CXL_RC_SUCCESS);
    g_assert_cmpuint(cel_len, ==, 4 * n);
    for (size_t i = 0; i < cxl_cci_generic_commands_len; i++) {
        expect_cel_entry(cel, cel_len, &cxl_cci_generic_commands[i]);
    }
    for (size_t i = 0; i < ARRAY_SIZE(fake_cmds); i++) {
        expect_cel_entry(cel, cel_len, &fake_cmds[i]);
    }
    expect_cel_entry(cel, cel_len, &other_cmds[0]);
    /* a longer read returns what there is */
    g_assert_cmphex(get_log(cci, cel_uuid, 0, PAYLOAD_MAX, out, &len), ==,
                    CXL_RC_SUCCESS);
    g_assert_cmpuint(len, ==, cel_len);
    g_assert_cmpmem(out, len, cel, cel_len);
    /* a part: entries 1 and 2; unaligned: bytes 1 to 3 */
    g_assert_cmphex(get_log(cci, cel_uuid, 4, 8, out, &len), ==,
                    CXL_RC_SUCCESS);
    g_assert_cmpmem(out, len, cel + 4, 8);
    g_assert_cmphex(get_log(cci, cel_uuid, 1, 3, out, &len), ==,
                    CXL_RC_SUCCESS);
    g_assert_cmpmem(out, len, cel + 1, 3);
    /* across the end: the last 2 bytes */
    g_assert_cmphex(get_log(cci, cel_uuid, cel_len - 2, 8, out, &len), ==,
                    CXL_RC_SUCCESS);
    g_assert_cmpmem(out, len, cel + cel_len - 2, 2);
    /* at the end, and nothing asked: no bytes */
    g_assert_cmphex(get_log(cci, cel_uuid, cel_len, 4, out, &len), ==,
                    CXL_RC_SUCCESS);
    g_assert_cmpuint(len, ==, 0);
    g_assert_cmphex(get_log(cci, cel_uuid, 0, 0, out, &len), ==,
                    CXL_RC_SUCCESS);
    g_assert_cmpuint(len, ==, 0);
    /* past the end, or longer than a payload: Invalid Input */
    g_assert_cmphex(get_log(cci, cel_uuid, cel_len + 1, 4, out, &len), ==,
                    CXL_RC_INVALID_INPUT);
    g_assert_cmphex(get_log(cci, cel_uuid, UINT32_MAX, 4, out, &len), ==,
                    CXL_RC_INVALID_INPUT);
    g_assert_cmphex(get_log(cci, cel_uuid, 0, PAYLOAD_MAX + 1, out, &len),
                    ==, CXL_RC_INVALID_INPUT);
    g_assert_cmphex(get_log(cci, cel_uuid, 4, UINT32_MAX, out, &len), ==,
                    CXL_RC_INVALID_INPUT);
    g_assert_cmpuint(len, ==, 0);
    /* a log the CCI does not have */
    g_assert_cmphex(get_log(cci, other_log_uuid, 0, 4, out, &len), ==,
                    CXL_RC_INVALID_LOG);

    /* Get Log Capabilities: the CEL has none; unknown logs are refused */
    g_assert_cmphex(run(cci, CXL_OP_GET_LOG_CAPS, cel_uuid, 16, out, &len),
                    ==, CXL_RC_SUCCESS);
    g_assert_cmpuint(len, ==, 4);
    g_assert_cmphex(ldl_le_p(out), ==, 0);
    g_assert_cmphex(run(cci, CXL_OP_GET_LOG_CAPS, other_log_uuid, 16, out,
                        &len), ==, CXL_RC_INVALID_LOG);
    cci_free(cci);
}

/* The smallest mailbox still holds this CEL, and serves it whole */
static void test_cel_small_payload(void)
{
    CXLCCI *cci = cci_new(CXL_CCI_PAYLOAD_MIN, false);
    const size_t n = cxl_cci_generic_commands_len + ARRAY_SIZE(fake_cmds) +
                     ARRAY_SIZE(other_cmds);
    uint8_t out[CXL_CCI_PAYLOAD_MIN];
    size_t len;

    g_assert_cmphex(get_log(cci, cel_uuid, 0, CXL_CCI_PAYLOAD_MIN, out, &len),
                    ==, CXL_RC_SUCCESS);
    g_assert_cmpuint(len, ==, 4 * n);
    g_assert_cmphex(get_log(cci, cel_uuid, 0, CXL_CCI_PAYLOAD_MIN + 1, out,
                            &len), ==, CXL_RC_INVALID_INPUT);
    cci_free(cci);
}

static void test_other_log(void)
{
    CXLCCI *cci = cci_new(PAYLOAD_MAX, true);
    uint8_t out[PAYLOAD_MAX];
    size_t len;

    g_assert_cmphex(run(cci, CXL_OP_GET_SUPPORTED_LOGS, NULL, 0, out, &len),
                    ==, CXL_RC_SUCCESS);
    g_assert_cmpuint(len, ==, 8 + 2 * 20);
    g_assert_cmpuint(lduw_le_p(out), ==, 2);
    g_assert_cmpmem(out + 8, 16, cel_uuid, 16);
    g_assert_cmpmem(out + 28, 16, other_log_uuid, 16);
    g_assert_cmpuint(ldl_le_p(out + 44), ==, OTHER_LOG_SIZE);

    g_assert_cmphex(get_log(cci, other_log_uuid, 0, 64, out, &len), ==,
                    CXL_RC_SUCCESS);
    g_assert_cmpmem(out, len, "0123456789", OTHER_LOG_SIZE);
    g_assert_cmphex(get_log(cci, other_log_uuid, 7, 64, out, &len), ==,
                    CXL_RC_SUCCESS);
    g_assert_cmpmem(out, len, "789", 3);
    g_assert_cmphex(get_log(cci, other_log_uuid, OTHER_LOG_SIZE + 1, 1, out,
                            &len), ==, CXL_RC_INVALID_INPUT);
    g_assert_cmphex(run(cci, CXL_OP_GET_LOG_CAPS, other_log_uuid, 16, out,
                        &len), ==, CXL_RC_SUCCESS);
    cci_free(cci);
}

/* ---- Identify and the timestamp ---- */

static void test_identify(void)
{
    static const struct {
        size_t payload_max;
        uint8_t component_type;
    } t[] = {
        { CXL_CCI_PAYLOAD_MIN, CXL_CCI_COMPONENT_SWITCH },
        { PAYLOAD_MAX, CXL_CCI_COMPONENT_TYPE3 },
        { CXL_CCI_PAYLOAD_MAX, CXL_CCI_COMPONENT_TYPE3 },
    };

    for (unsigned i = 0; i < ARRAY_SIZE(t); i++) {
        CXLCCI *cci = cci_new(t[i].payload_max, false);
        g_autofree uint8_t *out = g_malloc0(t[i].payload_max);
        static const uint8_t want[16] = {
            0x86, 0x80,                 /* vendor */
            0x34, 0x12,                 /* device */
            0xf4, 0x1a,                 /* subsystem vendor */
            0x00, 0x11,                 /* subsystem */
            0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, /* serial */
        };
        size_t len;

        cci->vendor_id = 0x8086;
        cci->device_id = 0x1234;
        cci->subsys_vendor_id = 0x1af4;
        cci->subsys_id = 0x1100;
        cci->serial = 0x0102030405060708ull;
        cci->component_type = t[i].component_type;
        g_assert_cmphex(run(cci, CXL_OP_IDENTIFY, NULL, 0, out, &len), ==,
                        CXL_RC_SUCCESS);
        g_assert_cmpuint(len, ==, 18);
        g_assert_cmpmem(out, 16, want, 16);
        /* maximum supported message size: 2^n bytes */
        g_assert_cmpuint(1ull << out[16], ==, t[i].payload_max);
        g_assert_cmpuint(out[17], ==, t[i].component_type);
        cci_free(cci);
    }
}

static void test_timestamp(void)
{
    CXLCCI *cci = cci_new(PAYLOAD_MAX, false);
    uint8_t in[8], out[PAYLOAD_MAX];
    size_t len;

    /* never set: 0 */
    advance(5 * SCALE_MS);
    g_assert_cmphex(run(cci, CXL_OP_GET_TIMESTAMP, NULL, 0, out, &len), ==,
                    CXL_RC_SUCCESS);
    g_assert_cmpuint(len, ==, 8);
    g_assert_cmphex(ldq_le_p(out), ==, 0);
    /* set, then it runs with the virtual clock */
    stq_le_p(in, 0x1700000000000000ull);
    g_assert_cmphex(run(cci, CXL_OP_SET_TIMESTAMP, in, 8, out, &len), ==,
                    CXL_RC_SUCCESS);
    g_assert_cmpuint(len, ==, 0);
    advance(3 * SCALE_MS + 7);
    g_assert_cmphex(run(cci, CXL_OP_GET_TIMESTAMP, NULL, 0, out, &len), ==,
                    CXL_RC_SUCCESS);
    g_assert_cmphex(ldq_le_p(out), ==, 0x1700000000000000ull + 3 * SCALE_MS
                    + 7);
    g_assert_cmphex(cxl_cci_timestamp(cci), ==, ldq_le_p(out));
    /* a reset forgets it */
    cxl_cci_reset(cci);
    g_assert_cmphex(cxl_cci_timestamp(cci), ==, 0);
    cci_free(cci);
}

/*
 * ---- CCI messages (cxl_cci_msg_execute) ----
 *
 * The header, by hand (the layout cxl-cci.h gives, from memory of CXL
 * r3.1 7.6.3): byte 0 category [3:0] (0 request, 1 response), 1 tag,
 * 2 reserved, 3-4 opcode, 5-7 payload length [20:0] and background
 * operation [23], 8-9 return code, 10-11 vendor status, then the payload.
 */

#define HDR         12
#define MSG_MAX     (HDR + PAYLOAD_MAX + 16)

/* A message of @category, @tag, @op, length field @len_field, @n bytes */
static size_t msg(uint8_t *buf, uint8_t category, uint8_t tag, uint16_t op,
                  uint32_t len_field, const void *payload, size_t n)
{
    memset(buf, 0, HDR);
    buf[0] = category;
    buf[1] = tag;
    stw_le_p(buf + 3, op);
    buf[5] = len_field;
    buf[6] = len_field >> 8;
    buf[7] = len_field >> 16;
    if (n) {
        if (payload) {
            memcpy(buf + HDR, payload, n);
        } else {
            memset(buf + HDR, 0, n);
        }
    }
    return HDR + n;
}

/* A well-formed request */
static size_t req(uint8_t *buf, uint8_t tag, uint16_t op, const void *in,
                  size_t n)
{
    return msg(buf, 0, tag, op, n, in, n);
}

/*
 * A response of tag @tag to @op with return code @rc and @n payload bytes,
 * background operation flag @bo: check the header
 */
static void check_rsp(const uint8_t *rsp, size_t rsp_len, uint8_t tag,
                      uint16_t op, uint16_t rc, size_t n, bool bo)
{
    g_assert_cmpuint(rsp_len, ==, HDR + n);
    g_assert_cmphex(rsp[0], ==, 1);
    g_assert_cmphex(rsp[1], ==, tag);
    g_assert_cmphex(rsp[2], ==, 0);
    g_assert_cmphex(lduw_le_p(rsp + 3), ==, op);
    g_assert_cmphex(rsp[5] | rsp[6] << 8 | (rsp[7] & 0x1f) << 16, ==, n);
    g_assert_cmphex(rsp[7] & 0x60, ==, 0);
    g_assert_cmphex(!!(rsp[7] & 0x80), ==, bo);
    g_assert_cmphex(lduw_le_p(rsp + 8), ==, rc);
    g_assert_cmphex(lduw_le_p(rsp + 10), ==, 0);
}

/* Run the request @q of @qlen bytes: a response in @r (MSG_MAX bytes) */
static size_t exchange(CXLCCI *cci, const uint8_t *q, size_t qlen,
                       uint8_t *r)
{
    size_t rlen;

    g_assert_cmphex(cxl_cci_msg_execute(cci, q, qlen, r, MSG_MAX, &rlen), ==,
                    CXL_RC_SUCCESS);
    return rlen;
}

static void test_msg_request(void)
{
    CXLCCI *cci = cci_new(PAYLOAD_MAX, false);
    static const uint8_t in[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    uint8_t q[MSG_MAX], r[MSG_MAX];
    size_t qlen;

    /* echoed: the command's output is the response's payload */
    qlen = req(q, 0x5a, OP_EXACT8, in, 8);
    memset(r, 0xff, sizeof(r));
    check_rsp(r, exchange(cci, q, qlen, r), 0x5a, OP_EXACT8, CXL_RC_SUCCESS, 8,
              false);
    g_assert_cmpmem(r + HDR, 8, in, 8);
    g_assert_cmpuint(seen.calls, ==, 1);

    /*
     * The request's reserved bits, return code, vendor status and
     * background operation flag are ignored
     */
    qlen = req(q, 0xff, OP_EXACT8, in, 8);
    q[0] = 0xf0;
    q[2] = 0xff;
    q[7] = 0x80;
    stw_le_p(q + 8, 0x1234);
    stw_le_p(q + 10, 0x5678);
    check_rsp(r, exchange(cci, q, qlen, r), 0xff, OP_EXACT8, CXL_RC_SUCCESS, 8,
              false);
    g_assert_cmpuint(seen.calls, ==, 2);

    /* the engine's rules: length, unsupported, a failing command */
    qlen = req(q, 1, OP_EXACT8, in, 7);
    check_rsp(r, exchange(cci, q, qlen, r), 1, OP_EXACT8,
              CXL_RC_INVALID_PAYLOAD_LENGTH, 0, false);
    qlen = req(q, 2, OP_UNKNOWN, NULL, 0);
    check_rsp(r, exchange(cci, q, qlen, r), 2, OP_UNKNOWN, CXL_RC_UNSUPPORTED,
              0, false);
    qlen = req(q, 3, OP_FAIL, NULL, 0);
    check_rsp(r, exchange(cci, q, qlen, r), 3, OP_FAIL, CXL_RC_INVALID_INPUT, 0,
              false);
    g_assert_cmpuint(seen.calls, ==, 3);
    /* a payload longer than the CCI's: Invalid Payload Length */
    qlen = req(q, 4, OP_MIN4, NULL, PAYLOAD_MAX + 1);
    check_rsp(r, exchange(cci, q, qlen, r), 4, OP_MIN4,
              CXL_RC_INVALID_PAYLOAD_LENGTH, 0, false);
    g_assert_cmpuint(seen.calls, ==, 3);

    /* Identify through a message: the same 18 bytes as from a mailbox */
    qlen = req(q, 5, CXL_OP_IDENTIFY, NULL, 0);
    check_rsp(r, exchange(cci, q, qlen, r), 5, CXL_OP_IDENTIFY, CXL_RC_SUCCESS,
              18, false);
    g_assert_cmpuint(1u << r[HDR + 16], ==, PAYLOAD_MAX);
    cci_free(cci);
}

static void test_msg_malformed(void)
{
    CXLCCI *cci = cci_new(PAYLOAD_MAX, false);
    static const uint8_t in[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    static const uint32_t bad_len[] = { 7, 9, 0, 0x100008, 0x1fffff };
    uint8_t q[MSG_MAX], r[MSG_MAX];
    size_t qlen, rlen;

    /* shorter than the header: no response */
    req(q, 1, CXL_OP_IDENTIFY, NULL, 0);
    for (size_t n = 0; n < HDR; n++) {
        rlen = 99;
        g_assert_cmphex(cxl_cci_msg_execute(cci, q, n, r, sizeof(r), &rlen),
                        ==, CXL_RC_INVALID_PAYLOAD_LENGTH);
        g_assert_cmpuint(rlen, ==, 0);
    }
    /* not a request: a response, or a reserved category */
    for (uint8_t c = 1; c < 16; c++) {
        qlen = msg(q, c, 1, OP_EXACT8, 8, in, 8);
        rlen = 99;
        g_assert_cmphex(cxl_cci_msg_execute(cci, q, qlen, r, sizeof(r),
                                            &rlen), ==, CXL_RC_INVALID_INPUT);
        g_assert_cmpuint(rlen, ==, 0);
    }
    g_assert_cmpuint(seen.calls, ==, 0);

    /*
     * the payload length field disagrees with the 8 bytes given: a
     * response with Invalid Payload Length; the command does not run
     */
    for (unsigned i = 0; i < ARRAY_SIZE(bad_len); i++) {
        qlen = msg(q, 0, 7, OP_MIN4, bad_len[i], in, 8);
        g_assert_cmphex(cxl_cci_msg_execute(cci, q, qlen, r, sizeof(r),
                                            &rlen), ==, CXL_RC_SUCCESS);
        check_rsp(r, rlen, 7, OP_MIN4, CXL_RC_INVALID_PAYLOAD_LENGTH, 0,
                  false);
    }
    /* bits 23:21 are not length: 8 bytes with them set */
    qlen = msg(q, 0, 8, OP_MIN4, 0xe00008, in, 8);
    check_rsp(r, exchange(cci, q, qlen, r), 8, OP_MIN4, CXL_RC_SUCCESS, 8,
              false);
    g_assert_cmpuint(seen.calls, ==, 1);

    /*
     * the output does not fit in the room for the response: no response
     * (the command has run); with exactly the room, it fits
     */
    qlen = req(q, 9, OP_FULL, NULL, 0);
    rlen = 99;
    g_assert_cmphex(cxl_cci_msg_execute(cci, q, qlen, r,
                                        HDR + PAYLOAD_MAX - 1, &rlen), ==,
                    CXL_RC_INVALID_PAYLOAD_LENGTH);
    g_assert_cmpuint(rlen, ==, 0);
    g_assert_cmpuint(seen.calls, ==, 2);
    g_assert_cmphex(cxl_cci_msg_execute(cci, q, qlen, r, HDR + PAYLOAD_MAX,
                                        &rlen), ==, CXL_RC_SUCCESS);
    check_rsp(r, rlen, 9, OP_FULL, CXL_RC_SUCCESS, PAYLOAD_MAX, false);
    g_assert_cmphex(r[HDR + PAYLOAD_MAX - 1], ==, 0x5c);
    /* a response room of just the header is enough for no output */
    qlen = req(q, 10, OP_NO_MEDIA, NULL, 0);
    g_assert_cmphex(cxl_cci_msg_execute(cci, q, qlen, r, HDR, &rlen), ==,
                    CXL_RC_SUCCESS);
    check_rsp(r, rlen, 10, OP_NO_MEDIA, CXL_RC_SUCCESS, 0, false);
    cci_free(cci);
}

/* Background Operation Status through a message */
static BgStatus msg_bg_status(CXLCCI *cci, uint8_t tag)
{
    uint8_t q[MSG_MAX], r[MSG_MAX];
    size_t qlen = req(q, tag, CXL_OP_BG_OP_STATUS, NULL, 0);

    check_rsp(r, exchange(cci, q, qlen, r), tag, CXL_OP_BG_OP_STATUS,
              CXL_RC_SUCCESS, 8, false);
    return (BgStatus) {
        .running = r[HDR] & 1, .percent = r[HDR] >> 1,
        .opcode = lduw_le_p(r + HDR + 2), .rc = lduw_le_p(r + HDR + 4),
        .vendor = lduw_le_p(r + HDR + 6),
    };
}

static void test_msg_background(void)
{
    CXLCCI *cci = cci_new(PAYLOAD_MAX, false);
    uint8_t in[4], q[MSG_MAX], r[MSG_MAX];
    size_t qlen;
    BgStatus st;

    /* started: Background Command Started, the BO flag, no payload */
    seen.complete_rc = CXL_RC_SUCCESS;
    stl_le_p(in, 100);
    qlen = req(q, 0x21, OP_BG, in, 4);
    check_rsp(r, exchange(cci, q, qlen, r), 0x21, OP_BG, CXL_RC_BACKGROUND, 0,
              true);
    advance(50 * SCALE_MS);
    st = msg_bg_status(cci, 0x22);
    g_assert_true(st.running);
    g_assert_cmpuint(st.percent, ==, 50);
    g_assert_cmphex(st.opcode, ==, OP_BG);
    g_assert_cmphex(st.rc, ==, 0);

    /* one at a time, whichever transport asks: Busy */
    qlen = req(q, 0x23, OP_BG_ABORTABLE, in, 4);
    check_rsp(r, exchange(cci, q, qlen, r), 0x23, OP_BG_ABORTABLE, CXL_RC_BUSY,
              0, false);
    g_assert_cmphex(bg_run(cci, OP_BG_MEDIA, 10), ==, CXL_RC_BUSY);

    /* done: 100 percent, its return code, the notification */
    seen.complete_rc = CXL_RC_MEDIA_DISABLED;
    advance(50 * SCALE_MS);
    g_assert_cmpuint(seen.completes, ==, 1);
    g_assert_cmpuint(seen.notifies, ==, 1);
    st = msg_bg_status(cci, 0x24);
    g_assert_false(st.running);
    g_assert_cmpuint(st.percent, ==, 100);
    g_assert_cmphex(st.opcode, ==, OP_BG);
    g_assert_cmphex(st.rc, ==, CXL_RC_MEDIA_DISABLED);
    /* the same through the engine directly */
    g_assert_cmphex(bg_status(cci).rc, ==, CXL_RC_MEDIA_DISABLED);

    /* started from a mailbox, aborted by a message */
    g_assert_cmphex(bg_run(cci, OP_BG_ABORTABLE, 100), ==,
                    CXL_RC_BACKGROUND);
    qlen = req(q, 0x25, CXL_OP_REQUEST_ABORT_BG_OP, NULL, 0);
    check_rsp(r, exchange(cci, q, qlen, r), 0x25, CXL_OP_REQUEST_ABORT_BG_OP,
              CXL_RC_SUCCESS, 0, false);
    g_assert_cmpuint(seen.aborts, ==, 1);
    st = msg_bg_status(cci, 0x26);
    g_assert_false(st.running);
    g_assert_cmphex(st.opcode, ==, OP_BG_ABORTABLE);
    g_assert_cmphex(st.rc, ==, CXL_RC_ABORTED);
    cci_free(cci);
}

/*
 * ---- benchmark mode: test-cxl-cci --bench [SECONDS] ----
 *
 * Not a test (make check does not run it; tests/perf/scenarios/mbox-rate.py
 * does): commands per second through cxl_cci_execute() on a CCI laid out
 * like cxl-type3's: the generic set, a set of four (the event commands'
 * place), then a memory device set whose first entry is Identify Memory
 * Device (4000h) and whose sixth is Get Health Info (4200h), then filler
 * commands up to BENCH_CEL_ENTRIES, as many as cxl-type3's CEL has with
 * its default options (44: 176 bytes, cxl-type3-mbox-test's benchmark
 * mode prints it), and its default payload (mailbox-payload-size,
 * 256 KiB). Get Log (0401h) reads the whole CEL with
 * the engine's own handler; Identify Memory Device and Get Health Info
 * are stand-ins that build outputs of the real sizes (69 and 18 bytes) as
 * the device's handlers do, from fields, so what is measured is the
 * engine: lookup, length rule, gates, handler call, trace point. Every
 * command's return code and output length are checked; a wrong one fails
 * the run (exit 1). Output, one line per command:
 *     engine OPCODE COMMANDS SECONDS RATE
 */

#define BENCH_PAYLOAD       (256 * 1024)
#define BENCH_CEL_ENTRIES   44

static uint64_t bench_state = 0x0123456789abcdefull;

static CXLRetCode h_bench_identify_memdev(CXLCCI *cci, const uint8_t *in,
                                          size_t in_len, uint8_t *out,
                                          size_t *out_len)
{
    CXLIdentifyMemdevOut *o = (CXLIdentifyMemdevOut *)out;

    memset(o, 0, sizeof(*o));
    memcpy(o->fw_revision, "bench", 6);
    o->total_capacity = cpu_to_le64(bench_state >> 28);
    o->volatile_capacity = cpu_to_le64(bench_state >> 29);
    o->persistent_capacity = cpu_to_le64(bench_state >> 29);
    for (unsigned t = 0; t < 4; t++) {
        o->event_log_size[t] = cpu_to_le16(32);
    }
    st24_le_p(o->poison_list_max, 256);
    o->inject_poison_limit = cpu_to_le16(32);
    *out_len = sizeof(*o);
    return CXL_RC_SUCCESS;
}

static CXLRetCode h_bench_health(CXLCCI *cci, const uint8_t *in,
                                 size_t in_len, uint8_t *out, size_t *out_len)
{
    CXLHealthInfo *o = (CXLHealthInfo *)out;

    memset(o, 0, sizeof(*o));
    o->life_used = bench_state & 0x7f;
    o->temperature = cpu_to_le16(25);
    *out_len = sizeof(*o);
    return CXL_RC_SUCCESS;
}

static CXLCCI *bench_cci_new(void)
{
    static CXLCCICommand events[4], memdev[10], filler[BENCH_CEL_ENTRIES];
    CXLCCI *cci = g_new0(CXLCCI, 1);
    size_t nfill;

    for (unsigned i = 0; i < ARRAY_SIZE(events); i++) {
        events[i] = (CXLCCICommand) { 0x0100 + i, "event", h_ok,
                                      CXL_CCI_IN_MIN, 0, 0 };
    }
    for (unsigned i = 0; i < ARRAY_SIZE(memdev); i++) {
        memdev[i] = (CXLCCICommand) { 0x4100 + i, "memdev", h_ok,
                                      CXL_CCI_IN_EXACT, 0, 0 };
    }
    memdev[0] = (CXLCCICommand) { CXL_OP_IDENTIFY_MEMDEV, "Identify Memory "
                                  "Device", h_bench_identify_memdev,
                                  CXL_CCI_IN_EXACT, 0, 0 };
    memdev[5] = (CXLCCICommand) { CXL_OP_GET_HEALTH_INFO, "Get Health Info",
                                  h_bench_health, CXL_CCI_IN_EXACT, 0, 0 };
    nfill = BENCH_CEL_ENTRIES - cxl_cci_generic_commands_len -
            ARRAY_SIZE(events) - ARRAY_SIZE(memdev);
    for (size_t i = 0; i < nfill; i++) {
        filler[i] = (CXLCCICommand) { 0x4300 + i, "filler", h_ok,
                                      CXL_CCI_IN_EXACT, 0, 0 };
    }
    cxl_cci_init(cci, NULL, "bench", NULL, BENCH_PAYLOAD);
    cxl_cci_add_commands(cci, events, ARRAY_SIZE(events));
    cxl_cci_add_commands(cci, memdev, ARRAY_SIZE(memdev));
    cxl_cci_add_commands(cci, filler, nfill);
    cxl_cci_finalize(cci);
    g_assert_cmpuint(cci->cel_len, ==, BENCH_CEL_ENTRIES * 4);
    return cci;
}

/* Run @op (@in_len bytes of @in) for @secs; the rate, or -1 if it failed */
static double bench_one(CXLCCI *cci, uint16_t op, const uint8_t *in,
                        size_t in_len, size_t want_len, double secs)
{
    g_autofree uint8_t *out = g_malloc0(BENCH_PAYLOAD);
    int64_t start = g_get_monotonic_time(), now;
    uint64_t n = 0;
    size_t out_len;

    do {
        for (unsigned i = 0; i < 1024; i++) {
            if (cxl_cci_execute(cci, op, in, in_len, out, &out_len) !=
                CXL_RC_SUCCESS || out_len != want_len) {
                fprintf(stderr, "%04x: failed or %zu bytes out (want %zu)\n",
                        op, out_len, want_len);
                return -1;
            }
            bench_state = bench_state * 6364136223846793005ull + out[0];
        }
        n += 1024;
        now = g_get_monotonic_time();
    } while (now - start < secs * G_USEC_PER_SEC);
    printf("engine %04x %" PRIu64 " %.3f %.0f\n", op, n,
           (now - start) / 1e6, n * 1e6 / (now - start));
    return n * 1e6 / (now - start);
}

static int bench(double secs)
{
    CXLCCI *cci = bench_cci_new();
    CXLGetLogIn gl = { .length = cpu_to_le32(BENCH_PAYLOAD) };
    bool ok;

    memcpy(gl.uuid, cel_uuid, 16);
    ok = bench_one(cci, CXL_OP_IDENTIFY_MEMDEV, NULL, 0,
                   sizeof(CXLIdentifyMemdevOut), secs) > 0 &&
         bench_one(cci, CXL_OP_GET_HEALTH_INFO, NULL, 0,
                   sizeof(CXLHealthInfo), secs) > 0 &&
         bench_one(cci, CXL_OP_GET_LOG, (uint8_t *)&gl, sizeof(gl),
                   BENCH_CEL_ENTRIES * 4, secs) > 0;
    cxl_cci_cleanup(cci);
    g_free(cci);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "--bench")) {
        qemu_init_clocks(NULL);
        qemu_clock_enable(QEMU_CLOCK_VIRTUAL, true);
        return bench(argc >= 3 ? atof(argv[2]) : 0.5);
    }
    g_test_init(&argc, &argv, NULL);
    qemu_init_clocks(NULL);
    /* the virtual clock runs while the VM does */
    qemu_clock_enable(QEMU_CLOCK_VIRTUAL, true);
    g_test_add_func("/cxl/cci/length/exact", test_length_exact);
    g_test_add_func("/cxl/cci/length/min", test_length_min);
    g_test_add_func("/cxl/cci/unsupported", test_unsupported);
    g_test_add_func("/cxl/cci/find", test_find);
    g_test_add_func("/cxl/cci/output", test_output);
    g_test_add_func("/cxl/cci/media-gates", test_media_gates);
    g_test_add_func("/cxl/cci/bg/complete", test_bg_complete);
    g_test_add_func("/cxl/cci/bg/abort", test_bg_abort);
    g_test_add_func("/cxl/cci/bg/reset", test_bg_reset);
    g_test_add_func("/cxl/cci/cel", test_cel);
    g_test_add_func("/cxl/cci/cel-small-payload", test_cel_small_payload);
    g_test_add_func("/cxl/cci/other-log", test_other_log);
    g_test_add_func("/cxl/cci/identify", test_identify);
    g_test_add_func("/cxl/cci/timestamp", test_timestamp);
    g_test_add_func("/cxl/cci/msg/request", test_msg_request);
    g_test_add_func("/cxl/cci/msg/malformed", test_msg_malformed);
    g_test_add_func("/cxl/cci/msg/background", test_msg_background);
    return g_test_run();
}
