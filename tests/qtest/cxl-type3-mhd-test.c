/*
 * qtest: a multi-headed dynamic capacity device (hw/mem/cxl-type3-mhd.c)
 * with its two heads in two QEMU processes, sharing the DC backend (a
 * memory-backend-file with share=on) and the state file (mhd-state):
 * shared extents (an offer to one head, enable shared access on the
 * other) with data written by one head and read by the other, release on
 * one head keeping the other's data, unshared extents refused to the
 * other head, zeroing of capacity no head holds, a restarted head losing
 * its holdings, Get Multi-Headed Info (5500h) and the realize errors.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <sys/file.h>
#include "qemu/units.h"
#include "qemu/bswap.h"
#include "libqtest.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qnum.h"
#include "qobject/qjson.h"
#include "qapi/error.h"
#include "cxl-type3-qtest.h"

#define OP_GET_CONFIG       0x4800
#define OP_ADD_RESPONSE     0x4802
#define OP_RELEASE          0x4803
#define OP_GET_MHD_INFO     0x5500
#define TAG_B               "0f8e2b52-55d4-4a3b-9a4e-6c1a2b3c4d5e"
#define PATTERN             0x0123456789abcdefull

/* The files the heads share */
typedef struct MHD {
    char *dir;
    char *backend;
    char *state;
} MHD;

static void mhd_init(MHD *m)
{
    GError *err = NULL;

    m->dir = g_dir_make_tmp("cxl-mhd-test-XXXXXX", &err);
    g_assert_no_error(err);
    m->backend = g_build_filename(m->dir, "dc", NULL);
    m->state = g_build_filename(m->dir, "state", NULL);
}

static void mhd_cleanup(MHD *m)
{
    unlink(m->backend);
    unlink(m->state);
    rmdir(m->dir);
    g_free(m->backend);
    g_free(m->state);
    g_free(m->dir);
}

/* The device options of head @head (@extra: more cxl-type3 options) */
static char *head_opts(MHD *m, unsigned head, const char *extra)
{
    return g_strdup_printf(
        ",volatile-dc-memdev=dc0,num-dc-regions=2,mhd-state=%s,mhd-head=%u,"
        "dc-sharable-regions=1,x-fm-api-mailbox=on%s "
        "-object memory-backend-file,id=dc0,size=512M,share=on,mem-path=%s",
        m->state, head, extra, m->backend);
}

/* Start head @head, with decoder 2 over the DC capacity at DC_BASE */
static void head_start(T3 *t, MHD *m, unsigned head)
{
    g_autofree char *opts = head_opts(m, head, "");

    t3_start_opts(t, false, opts);
    map_all(t);
    g_assert_cmphex(dec_commit(t, 2, t->window + DC_BASE, DC_SIZE, 0), ==,
                    HDM_CTRL_COMMITTED);
}

/* The realize error of a head started with these options */
static char *head_error(MHD *m, unsigned head, const char *extra,
                        const char *backend_opts)
{
    g_autofree char *args = g_strdup_printf(
        "-machine q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G "
        "-object memory-backend-ram,id=vmem0,size=256M "
        "-object memory-backend-ram,id=pmem0,size=512M "
        "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 "
        "-device cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2 "
        "-device cxl-type3,bus=rp0,volatile-memdev=vmem0,"
        "persistent-memdev=pmem0,id=t3,"
        "volatile-dc-memdev=dc0,mhd-state=%s,mhd-head=%u%s "
        "-object memory-backend-file,id=dc0,mem-path=%s%s",
        m->state, head, extra, m->backend, backend_opts);

    return cxl_qtest_start_error(args);
}

static void check_error(char *err, const char *want)
{
    if (!strstr(err, want)) {
        g_test_message("'%s' lacks '%s'", err, want);
        g_assert_not_reached();
    }
    g_free(err);
}

/* cxl-add-dynamic-capacity to host @host of region @r */
static char *add(T3 *t, unsigned host, const char *policy, unsigned r,
                 const char *tag, const char *extents)
{
    g_autofree char *tagarg = tag ? g_strdup_printf(", 'tag': '%s'", tag)
                                  : g_strdup("");

    return dc_qmp(t, "cxl-add-dynamic-capacity",
                  "{'path': 't3', 'host-id': %u, 'selection-policy': '%s', "
                  "'region': %u%s, 'extents': %s}", host, policy, r, tagarg,
                  extents);
}

/* The head's extents: "state:region:offset+len[:s][:others],..." */
static char *query(T3 *t)
{
    QDict *rsp = qtest_qmp(t->qts, "{'execute': 'cxl-query-dynamic-capacity',"
                           " 'arguments': {'path': 't3'}}");
    QDict *ret = qdict_get_qdict(rsp, "return");
    GString *s = g_string_new("");
    QListEntry *e;

    g_assert_nonnull(ret);
    g_assert_true(qdict_haskey(ret, "head"));
    g_assert_cmpint(qdict_get_int(ret, "heads"), ==, 2);
    QLIST_FOREACH_ENTRY(qdict_get_qlist(ret, "extents"), e) {
        QDict *x = qobject_to(QDict, qlist_entry_obj(e));
        QList *others = qdict_get_qlist(x, "other-heads");
        QListEntry *o;

        g_string_append_printf(s, "%s%s:%u:0x%" PRIx64 "+0x%" PRIx64 "%s",
                               s->len ? "," : "",
                               qdict_get_str(x, "state"),
                               (unsigned)qdict_get_int(x, "region"),
                               (uint64_t)qdict_get_int(x, "offset"),
                               (uint64_t)qdict_get_int(x, "len"),
                               qdict_get_bool(x, "shared") ? ":s" : "");
        if (others) {
            g_string_append(s, ":");
            QLIST_FOREACH_ENTRY(others, o) {
                g_string_append_printf(s, "h%" PRId64,
                                       qnum_get_int(qobject_to(QNum,
                                                   qlist_entry_obj(o))));
            }
        }
    }
    qobject_unref(rsp);
    return g_string_free(s, false);
}

static void check_q(T3 *t, const char *want)
{
    g_autofree char *got = query(t);

    g_assert_cmpstr(got, ==, want);
}

static uint64_t rd(T3 *t, uint64_t dpa_off)
{
    return qtest_readq(t->qts, t->window + DC_BASE + dpa_off);
}

static void wr(T3 *t, uint64_t dpa_off, uint64_t v)
{
    qtest_writeq(t->qts, t->window + DC_BASE + dpa_off, v);
}

/*
 * One Add Capacity record in @t's Dynamic Capacity log: host @host, the
 * extent, sequence number @seq and the tag's first byte
 */
static void check_add_record(T3 *t, unsigned host, uint64_t dpa,
                             uint64_t len, uint16_t seq, uint8_t tag0)
{
    uint8_t recs[128 * 16];

    g_assert_cmpuint(dc_events(t, recs), ==, 1);
    g_assert_cmpuint(recs[0x30], ==, 0);                /* Add Capacity */
    g_assert_cmpuint(lduw_le_p(recs + 0x32), ==, host);
    g_assert_cmphex(ldq_le_p(recs + 0x38), ==, dpa);
    g_assert_cmphex(ldq_le_p(recs + 0x40), ==, len);
    g_assert_cmphex(recs[0x48], ==, tag0);
    g_assert_cmpuint(lduw_le_p(recs + 0x58), ==, seq);
}

static void test_shared(void)
{
    MHD m;
    T3 a, b;

    mhd_init(&m);
    head_start(&a, &m, 0);
    head_start(&b, &m, 1);

    /* A (head 0) is offered two tagged extents of sharable region 0 */
    qmp_ok(add(&a, 0, "prescriptive", 0, TAG_A,
               "[{'offset': 0, 'len': 4194304}, "
               "{'offset': 8388608, 'len': 2097152}]"));
    {
        uint8_t recs[128 * 16];

        g_assert_cmpuint(dc_events(&a, recs), ==, 2);
        g_assert_cmpuint(lduw_le_p(recs + 0x58), ==, 0);
        g_assert_cmpuint(lduw_le_p(recs + 128 + 0x58), ==, 1);
    }
    g_assert_cmphex(dc_respond1(&a, OP_ADD_RESPONSE, DC_BASE, 4 * MiB), ==,
                    RC_SUCCESS);
    check_q(&a, "accepted:0:0x0+0x400000:s");
    wr(&a, 0, PATTERN);
    wr(&a, 4 * MiB - 8, ~PATTERN);

    /* B: host 0 is not its host; A cannot serve host 1 */
    qmp_err(add(&b, 0, "prescriptive", 1, NULL,
                "[{'offset': 0, 'len': 2097152}]"), "mhd-head=0");
    qmp_err(add(&a, 1, "prescriptive", 1, NULL,
                "[{'offset': 0, 'len': 2097152}]"), "mhd-head=1");
    qmp_err(add(&a, 2, "prescriptive", 1, NULL,
                "[{'offset': 0, 'len': 2097152}]"), "host-id");
    /* B cannot take A's range prescriptively */
    qmp_err(add(&b, 1, "prescriptive", 0, TAG_A,
                "[{'offset': 2097152, 'len': 2097152}]"), "host 0");
    /* enable shared access: bad tag, extents given, no tag */
    qmp_err(add(&b, 1, "enable-shared-access", 0, TAG_B, "[]"), "tag");
    qmp_err(add(&b, 1, "enable-shared-access", 0, TAG_A,
                "[{'offset': 0, 'len': 4194304}]"), "extents");
    qmp_err(add(&b, 1, "enable-shared-access", 0, NULL, "[]"), "tag");
    /* ... the one A holds, with its tag and sequence number */
    qmp_ok(add(&b, 1, "enable-shared-access", 0, TAG_A, "[]"));
    check_add_record(&b, 1, DC_BASE, 4 * MiB, 0, 0x5b);
    check_q(&b, "pending:0:0x0+0x400000:s:h0");
    /* pending: not yet memory for B */
    g_assert_cmphex(rd(&b, 0), ==, UINT64_MAX);
    qmp_err(add(&b, 1, "enable-shared-access", 0, TAG_A, "[]"),
            "already holds");
    g_assert_cmphex(dc_respond1(&b, OP_ADD_RESPONSE, DC_BASE, 4 * MiB), ==,
                    RC_SUCCESS);
    check_q(&b, "accepted:0:0x0+0x400000:s:h0");
    check_q(&a, "accepted:0:0x0+0x400000:s:h1");

    /* A's data is B's; and B's writes are A's */
    g_assert_cmphex(rd(&b, 0), ==, PATTERN);
    g_assert_cmphex(rd(&b, 4 * MiB - 8), ==, ~PATTERN);
    wr(&b, 8, 0x5a5a5a5a5a5a5a5aull);
    g_assert_cmphex(rd(&a, 8), ==, 0x5a5a5a5a5a5a5a5aull);

    /* A releases: gone for A, intact for B */
    g_assert_cmphex(dc_respond1(&a, OP_RELEASE, DC_BASE, 4 * MiB), ==,
                    RC_SUCCESS);
    check_q(&a, "");
    check_q(&b, "accepted:0:0x0+0x400000:s");
    g_assert_cmphex(rd(&a, 0), ==, UINT64_MAX);
    g_assert_cmphex(rd(&b, 0), ==, PATTERN);
    g_assert_cmphex(rd(&b, 8), ==, 0x5a5a5a5a5a5a5a5aull);
    /* ... and A may get it back by shared access */
    qmp_ok(add(&a, 0, "enable-shared-access", 0, TAG_A, "[]"));
    check_add_record(&a, 0, DC_BASE, 4 * MiB, 0, 0x5b);
    g_assert_cmphex(dc_respond(&a, OP_ADD_RESPONSE, 0, 0, NULL, NULL), ==,
                    RC_SUCCESS);
    check_q(&a, "");

    /* an unshared extent (region 1) of A: not B's in any way */
    qmp_ok(add(&a, 0, "prescriptive", 1, TAG_A,
               "[{'offset': 0, 'len': 2097152}]"));
    g_assert_cmphex(dc_respond1(&a, OP_ADD_RESPONSE, DC_BASE + DC_REGION_LEN,
                                BLOCK), ==, RC_SUCCESS);
    check_q(&a, "accepted:1:0x0+0x200000");
    wr(&a, DC_REGION_LEN, PATTERN);
    qmp_err(add(&b, 1, "prescriptive", 1, NULL,
                "[{'offset': 0, 'len': 4194304}]"), "host 0");
    qmp_err(add(&b, 1, "free", 1, TAG_A,
                "[{'offset': 0, 'len': 2097152}]"), "host 0");
    qmp_err(add(&b, 1, "enable-shared-access", 1, TAG_A, "[]"),
            "region 1 is not");
    /* beside it is free */
    qmp_ok(add(&b, 1, "prescriptive", 1, NULL,
               "[{'offset': 2097152, 'len': 2097152}]"));
    g_assert_cmphex(dc_respond(&b, OP_ADD_RESPONSE, 0, 0, NULL, NULL), ==,
                    RC_SUCCESS);

    /* the last release (B's, forced) zeroes: offered again, zeros */
    qmp_ok(dc_qmp(&b, "cxl-release-dynamic-capacity",
                  "{'path': 't3', 'host-id': 1, 'removal-policy': "
                  "'tag-based', 'forced-removal': true, 'region': 0, "
                  "'tag': '%s', 'extents': []}", TAG_A));
    check_q(&b, "");
    g_assert_cmphex(rd(&b, 0), ==, UINT64_MAX);
    qmp_ok(add(&a, 0, "prescriptive", 0, NULL,
               "[{'offset': 0, 'len': 4194304}]"));
    g_assert_cmphex(dc_respond1(&a, OP_ADD_RESPONSE, DC_BASE, 4 * MiB), ==,
                    RC_SUCCESS);
    g_assert_cmphex(rd(&a, 0), ==, 0);
    g_assert_cmphex(rd(&a, 8), ==, 0);
    g_assert_cmphex(rd(&a, 4 * MiB - 8), ==, 0);

    /* an untagged extent of the sharable region cannot be shared */
    qmp_err(add(&b, 1, "enable-shared-access", 0, TAG_A, "[]"), "tag");

    t3_stop(&a);
    t3_stop(&b);
    mhd_cleanup(&m);
}

/* A head that starts again (a new QEMU) has lost what it held */
static void test_restart(void)
{
    MHD m;
    T3 a, b;

    mhd_init(&m);
    head_start(&a, &m, 0);
    head_start(&b, &m, 1);
    /* A: a shared extent B also holds, and an unshared one */
    qmp_ok(add(&a, 0, "prescriptive", 0, TAG_A,
               "[{'offset': 0, 'len': 2097152}]"));
    g_assert_cmphex(dc_respond1(&a, OP_ADD_RESPONSE, DC_BASE, BLOCK), ==,
                    RC_SUCCESS);
    qmp_ok(add(&a, 0, "prescriptive", 1, NULL,
               "[{'offset': 0, 'len': 2097152}]"));
    g_assert_cmphex(dc_respond1(&a, OP_ADD_RESPONSE, DC_BASE + DC_REGION_LEN,
                                BLOCK), ==, RC_SUCCESS);
    qmp_ok(add(&b, 1, "enable-shared-access", 0, TAG_A, "[]"));
    g_assert_cmphex(dc_respond1(&b, OP_ADD_RESPONSE, DC_BASE, BLOCK), ==,
                    RC_SUCCESS);
    wr(&a, 0, PATTERN);
    wr(&a, DC_REGION_LEN, PATTERN);
    check_q(&b, "accepted:0:0x0+0x200000:s:h0");
    qmp_err(add(&b, 1, "prescriptive", 1, NULL,
                "[{'offset': 0, 'len': 2097152}]"), "host 0");

    /* A quits and starts again: B alone holds the shared extent */
    t3_stop(&a);
    head_start(&a, &m, 0);
    check_q(&a, "");
    check_q(&b, "accepted:0:0x0+0x200000:s");
    g_assert_cmphex(rd(&b, 0), ==, PATTERN);
    g_assert_cmphex(rd(&a, 0), ==, UINT64_MAX);
    /* A's unshared extent is free, and was zeroed */
    qmp_ok(add(&b, 1, "prescriptive", 1, NULL,
               "[{'offset': 0, 'len': 2097152}]"));
    g_assert_cmphex(dc_respond1(&b, OP_ADD_RESPONSE, DC_BASE + DC_REGION_LEN,
                                BLOCK), ==, RC_SUCCESS);
    g_assert_cmphex(rd(&b, DC_REGION_LEN), ==, 0);
    t3_stop(&a);
    t3_stop(&b);
    mhd_cleanup(&m);
}

/* The QMP command of add() sent without waiting for its reply */
static void add_send(T3 *t, unsigned host, unsigned r, const char *extents)
{
    QObject *list = qobject_from_json(extents, &error_abort);

    qtest_qmp_send(t->qts, "{'execute': 'cxl-add-dynamic-capacity', "
                   "'arguments': {'path': 't3', 'host-id': %u, "
                   "'selection-policy': 'prescriptive', 'region': %u, "
                   "'extents': %p}}", host, r, list);
}

/* Its reply: NULL if it succeeded, else the error's description */
static char *add_receive(T3 *t)
{
    return qmp_error_desc(qtest_qmp_receive(t->qts));
}

/*
 * An offer waits for the state file's lock, then checks the table as it
 * is then: a range another head took meanwhile is refused
 */
static void test_lock(void)
{
    uint8_t e[48] = { 0 };
    MHD m;
    T3 a;
    int fd;

    mhd_init(&m);
    head_start(&a, &m, 0);
    fd = open(m.state, O_RDWR);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(flock(fd, LOCK_EX), ==, 0);
    add_send(&a, 0, 1, "[{'offset': 0, 'len': 4194304}]");
    g_usleep(300 * 1000);
    /* head 1 accepted region 1's first 4 MiB: table entry 0 */
    stq_le_p(e, DC_BASE + DC_REGION_LEN);
    stq_le_p(e + 8, 4 * MiB);
    stw_le_p(e + 36, 1 << 1);
    e[38] = 1;                                  /* region */
    e[39] = 1;                                  /* in use */
    g_assert_cmpint(pwrite(fd, e, sizeof(e), 512), ==, sizeof(e));
    g_assert_cmpint(flock(fd, LOCK_UN), ==, 0);
    qmp_err(add_receive(&a), "that host 1 holds");
    check_q(&a, "");
    close(fd);
    t3_stop(&a);
    mhd_cleanup(&m);
}

/*
 * Both heads offered overlapping unshared ranges at once: exactly one
 * gets them (the window is narrow: test_lock shows the locking itself)
 */
static void test_race(void)
{
    static const char *const ranges[] = {
        "[{'offset': 0, 'len': 4194304}]",
        "[{'offset': 2097152, 'len': 4194304}]",
    };
    unsigned wins[2] = { 0 };
    MHD m;
    T3 h[2];

    mhd_init(&m);
    head_start(&h[0], &m, 0);
    head_start(&h[1], &m, 1);
    for (unsigned round = 0; round < 20; round++) {
        bool ok[2];

        /* overlapping, not equal: region 1 is not sharable */
        add_send(&h[0], 0, 1, ranges[round & 1]);
        add_send(&h[1], 1, 1, ranges[!(round & 1)]);
        for (unsigned k = 0; k < 2; k++) {
            g_autofree char *err = add_receive(&h[k]);

            ok[k] = !err;
        }
        g_assert_true(ok[0] != ok[1]);
        for (unsigned k = 0; k < 2; k++) {
            uint8_t recs[128 * 16];

            if (ok[k]) {
                wins[k]++;
                g_assert_cmpuint(dc_events(&h[k], recs), ==, 1);
                /* rejected: free again for the next round */
                g_assert_cmphex(dc_respond(&h[k], OP_ADD_RESPONSE, 0, 0,
                                           NULL, NULL), ==, RC_SUCCESS);
            }
            check_q(&h[k], "");
        }
    }
    g_test_message("head 0 won %u rounds, head 1 %u", wins[0], wins[1]);
    t3_stop(&h[0]);
    t3_stop(&h[1]);
    mhd_cleanup(&m);
}

/* Get Multi-Headed Info (5500h); Get DC Configuration's sharable flag */
static void test_mhd_info(void)
{
    uint8_t out[64], cfg[2] = { 8, 0 };
    uint32_t len;
    MHD m;
    T3 b;

    mhd_init(&m);
    head_start(&b, &m, 1);
    g_assert_cmphex(mbox_send(&b, OP_GET_MHD_INFO, (uint8_t[2]){ 0, 8 }, 2,
                              out, sizeof(out), &len), ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 8 + 2);
    g_assert_cmpuint(out[0], ==, 2);            /* LDs */
    g_assert_cmpuint(out[1], ==, 2);            /* heads */
    g_assert_cmpuint(out[4], ==, 0);            /* start LD */
    g_assert_cmpuint(out[5], ==, 2);            /* LD map length */
    g_assert_cmpuint(out[8], ==, 0);
    g_assert_cmpuint(out[9], ==, 1);
    g_assert_cmphex(mbox_send(&b, OP_GET_MHD_INFO, (uint8_t[2]){ 1, 1 }, 2,
                              out, sizeof(out), &len), ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 8 + 1);
    g_assert_cmpuint(out[4], ==, 1);
    g_assert_cmpuint(out[5], ==, 1);
    g_assert_cmpuint(out[8], ==, 1);
    g_assert_cmphex(mbox_send(&b, OP_GET_MHD_INFO, (uint8_t[2]){ 0, 0 }, 2,
                              out, sizeof(out), &len), ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 8);
    g_assert_cmphex(mbox_send(&b, OP_GET_MHD_INFO, (uint8_t[2]){ 2, 8 }, 2,
                              out, sizeof(out), &len), ==, RC_INVALID_INPUT);
    g_assert_cmphex(mbox_send(&b, OP_GET_MHD_INFO, (uint8_t[2]){ 0, 8 }, 1,
                              out, sizeof(out), &len), ==, RC_PAYLOAD_LEN);

    /* region 0 is sharable, region 1 not */
    {
        uint8_t c[256];

        g_assert_cmphex(mbox_send(&b, OP_GET_CONFIG, cfg, 2, c, sizeof(c),
                                  &len), ==, RC_SUCCESS);
        g_assert_cmphex(c[8 + 0x24] & (1 << 3), ==, 1 << 3);
        g_assert_cmphex(c[8 + 40 + 0x24] & (1 << 3), ==, 0);
    }
    t3_stop(&b);

    /* single headed: no such command */
    dc_start(&b, ",x-fm-api-mailbox=on");
    g_assert_cmphex(mbox_send(&b, OP_GET_MHD_INFO, (uint8_t[2]){ 0, 8 }, 2,
                              out, sizeof(out), &len), ==, RC_UNSUPPORTED);
    t3_stop(&b);
    mhd_cleanup(&m);
}

/* Realize errors name the property; a second head must match the first */
static void test_props(void)
{
    static const char share[] = ",size=512M,share=on";
    MHD m;
    T3 a;

    mhd_init(&m);
    check_error(head_error(&m, 2, ",num-dc-regions=2", share),
                "mhd-head must be from 0 to 1");
    check_error(head_error(&m, 0, ",num-dc-regions=2,mhd-heads=1", share),
                "mhd-heads must be from 2 to 16");
    check_error(head_error(&m, 0, ",num-dc-regions=2,mhd-heads=17", share),
                "mhd-heads must be from 2 to 16");
    check_error(head_error(&m, 0, ",num-dc-regions=2,dc-sharable-regions=4",
                           share), "dc-sharable-regions");
    check_error(head_error(&m, 0, ",num-dc-regions=2", ",size=512M"),
                "volatile-dc-memdev");
    {
        g_autofree char *err = cxl_qtest_start_error(
            "-machine q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G "
            "-object memory-backend-ram,id=dc0,size=512M,share=on "
            "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 "
            "-device cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2 "
            "-device cxl-type3,bus=rp0,id=t3,volatile-dc-memdev=dc0,"
            "num-dc-regions=2,mhd-state=/nonexistent/x");

        g_assert_nonnull(strstr(err, "volatile-dc-memdev"));
        g_assert_nonnull(strstr(err, "memory-backend-file"));
    }
    {
        g_autofree char *err = cxl_qtest_start_error(
            "-machine q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G "
            "-object memory-backend-ram,id=vmem0,size=256M "
            "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 "
            "-device cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2 "
            "-device cxl-type3,bus=rp0,id=t3,volatile-memdev=vmem0,"
            "mhd-head=1");

        g_assert_nonnull(strstr(err, "need mhd-state"));
    }
    {
        g_autofree char *err = cxl_qtest_start_error(
            "-machine q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G "
            "-object memory-backend-ram,id=vmem0,size=256M "
            "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 "
            "-device cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2 "
            "-device cxl-type3,bus=rp0,id=t3,volatile-memdev=vmem0,"
            "mhd-state=/tmp/nothing");

        g_assert_nonnull(strstr(err, "mhd-state needs dynamic capacity"));
    }

    /* head 0 runs: the state file is its; others must match it */
    head_start(&a, &m, 0);
    check_error(head_error(&m, 0, ",num-dc-regions=2,dc-sharable-regions=1",
                           share), "in use");
    check_error(head_error(&m, 1, ",num-dc-regions=2,mhd-heads=3,"
                           "dc-sharable-regions=1", share), "mhd-state");
    check_error(head_error(&m, 1, ",num-dc-regions=2,mhd-heads=3,"
                           "dc-sharable-regions=1", share), "mhd-heads=3");
    check_error(head_error(&m, 1, ",num-dc-regions=1,dc-sharable-regions=1",
                           share), "mhd-state");
    check_error(head_error(&m, 1, ",num-dc-regions=2", share),
                "geometry");
    /* head 1 with the same geometry starts: the checks above are real */
    {
        T3 b;

        head_start(&b, &m, 1);
        t3_stop(&b);
    }
    check_error(head_error(&m, 1, ",num-dc-regions=2,dc-block-size=64K,"
                           "dc-sharable-regions=1", share), "mhd-state");
    {
        /* another backend file */
        g_autofree char *other = g_build_filename(m.dir, "dc2", NULL);
        g_autofree char *args = g_strdup_printf(
            "-machine q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,"
            "cxl-fmw.0.size=4G "
            "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 "
            "-device cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2 "
            "-object memory-backend-ram,id=vmem0,size=256M "
            "-object memory-backend-ram,id=pmem0,size=512M "
            "-device cxl-type3,bus=rp0,id=t3,volatile-memdev=vmem0,"
            "persistent-memdev=pmem0,volatile-dc-memdev=dc0,"
            "num-dc-regions=2,dc-sharable-regions=1,mhd-state=%s,"
            "mhd-head=1 -object memory-backend-file,id=dc0,size=512M,"
            "share=on,mem-path=%s", m.state, other);

        check_error(cxl_qtest_start_error(args), "another file");
        unlink(other);
    }
    /* not a state file */
    {
        g_autofree char *bad = g_build_filename(m.dir, "bad", NULL);
        g_autofree char *args = NULL;

        g_assert_true(g_file_set_contents(bad, "not a state file", -1,
                                          NULL));
        args = g_strdup_printf(
            "-machine q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,"
            "cxl-fmw.0.size=4G "
            "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 "
            "-device cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2 "
            "-device cxl-type3,bus=rp0,id=t3,volatile-dc-memdev=dc0,"
            "num-dc-regions=2,mhd-state=%s -object memory-backend-file,"
            "id=dc0,size=512M,share=on,mem-path=%s", bad, m.backend);
        check_error(cxl_qtest_start_error(args), "mhd-state");
        unlink(bad);
    }
    t3_stop(&a);
    mhd_cleanup(&m);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cxl-type3-mhd/shared", test_shared);
    qtest_add_func("/cxl-type3-mhd/restart", test_restart);
    qtest_add_func("/cxl-type3-mhd/race", test_race);
    qtest_add_func("/cxl-type3-mhd/lock", test_lock);
    qtest_add_func("/cxl-type3-mhd/mhd-info", test_mhd_info);
    qtest_add_func("/cxl-type3-mhd/props", test_props);
    return g_test_run();
}
