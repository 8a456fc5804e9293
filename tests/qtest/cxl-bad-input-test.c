/*
 * qtest: bad input everywhere, without a guest.
 *
 * QMP: every command of qapi/cxl.json given bad arguments (a path that
 * names nothing, a device of the wrong type, DPAs and lengths out of
 * range, zero and huge lengths, empty and overlong lists, overlapping
 * ranges, values past a field's width, unknown enumeration values) fails
 * with an error that names the argument, changes nothing the query
 * commands and the mailbox show, and QEMU answers the next command. The
 * other tests (cxl-type3-dc-test, cxl-type3-media-test, cxl-switch-bind-
 * test, cxl-type3-mld-test) check the meaning of many of these errors;
 * this one sweeps every command with one table and checks the state.
 *
 * Mailbox: every opcode the Command Effects Log of a cxl-type3 (volatile,
 * persistent and dynamic capacity) and of a switch's mailbox CCI lists,
 * read from the device itself so new commands are swept automatically, is
 * sent with all-zero payloads of every length up to 24 bytes, each side of
 * the longer input sizes, the mailbox's maximum and one byte more than it
 * holds, then all-one bytes (every reserved bit set) at the lengths it
 * takes: each gets a return code the spec defines, a length past the
 * mailbox gets Invalid Payload Length, and the device still answers.
 * Again while Sanitize runs: background commands get Busy or Media
 * Disabled and none starts, and the sanitize ends as it should.
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
#include "cxl-type3-qtest.h"
/* the switch helpers' own find_dvsec(), unused here, by another name */
#define find_dvsec sw_find_dvsec
#include "cxl-switch-qtest.h"
#undef find_dvsec

#define DC_END              (DC_BASE + DC_SIZE)

/* ---- QMP ---- */

/*
 * One bad command: @args (JSON) and what its error must contain (the
 * argument's name, as "name:" or QAPI's "'name'")
 */
typedef struct QmpCase {
    const char *cmd;
    const char *args;
    const char *want;
} QmpCase;

/*
 * The arguments of a case: its @args over those of the command's valid
 * use in @valid (so that only what the case changes is bad), unless the
 * case's own start with the path (a whole argument set)
 */
static QDict *case_args(const QmpCase *c, const QmpCase *valid, unsigned n)
{
    QDict *args = qobject_to(QDict, qobject_from_json(c->args, &error_abort));
    const QDictEntry *e;
    QDict *base = NULL;

    if (!strncmp(c->args, "{'path'", 7)) {
        return args;
    }
    for (unsigned i = 0; i < n && !base; i++) {
        if (!strcmp(valid[i].cmd, c->cmd)) {
            base = qobject_to(QDict, qobject_from_json(valid[i].args,
                                                       &error_abort));
        }
    }
    g_assert_nonnull(base);
    for (e = qdict_first(args); e; e = qdict_next(args, e)) {
        qdict_put_obj(base, qdict_entry_key(e),
                      qobject_ref(qdict_entry_value(e)));
    }
    qobject_unref(args);
    return base;
}

#define GM      "cxl-inject-general-media-event"
#define GM_OK   "'log': 'failure', 'flags': 0, 'dpa': 4096, " \
                "'descriptor': 1, 'type': 0, 'transaction-type': 0"
#define DR      "cxl-inject-dram-event"
#define MM      "cxl-inject-memory-module-event"
#define MM_OK   "'log': 'informational', 'flags': 0, 'type': 0, " \
                "'health-status': 0, 'media-status': 0, " \
                "'additional-status': 0, 'life-used': 10, " \
                "'temperature': 30, 'dirty-shutdown-count': 0, " \
                "'corrected-volatile-error-count': 0, " \
                "'corrected-persistent-error-count': 0"
#define MS      "cxl-inject-memory-sparing-event"
#define MS_OK   "'log': 'informational', 'flags': 0, 'sparing-flags': 0, " \
                "'result': 0, 'resources-available': 1"
#define PO      "cxl-inject-poison"
#define UE      "cxl-inject-uncorrectable-errors"
#define CE      "cxl-inject-correctable-error"
#define ADD     "cxl-add-dynamic-capacity"
#define ADD_OK  "'host-id': 0, 'selection-policy': 'prescriptive'"
#define REL     "cxl-release-dynamic-capacity"
#define REL_OK  "'host-id': 0, 'removal-policy': 'prescriptive'"
#define QDC     "cxl-query-dynamic-capacity"
#define EXT(o, l) "[{'offset': " #o ", 'len': " #l "}]"
#define LONG_ID "'component-id': '0123456789abcdefX'"

/* The cxl-type3 't3' of dc_start(): 256 MiB + 512 MiB + 2 x 256 MiB DC */
static const QmpCase t3_cases[] = {
    /* every command: a path that names nothing, or the wrong device */
    { GM, "{'path': 'nothing', " GM_OK "}", "path: 'nothing'" },
    { GM, "{'path': 'rp0', " GM_OK "}", "path: 'rp0' is a cxl-rp" },
    { GM, "{'path': '/machine', " GM_OK "}", "path: '/machine'" },
    { GM, "{'path': '', " GM_OK "}", "path: ''" },
    { DR, "{'path': 'nothing', " GM_OK "}", "path: 'nothing'" },
    { DR, "{'path': 'cxl.1', " GM_OK "}", "path: 'cxl.1' is a pxb-cxl" },
    { MM, "{'path': 'nothing', " MM_OK "}", "path: 'nothing'" },
    { MM, "{'path': 'rp0', " MM_OK "}", "path: 'rp0'" },
    { MS, "{'path': 'nothing', " MS_OK "}", "path: 'nothing'" },
    { MS, "{'path': 'rp0', " MS_OK "}", "path: 'rp0'" },
    { PO, "{'path': 'nothing', 'start': 0, 'length': 64}", "path:" },
    { PO, "{'path': 'cxl.1', 'start': 0, 'length': 64}", "path: 'cxl.1'" },
    { UE, "{'path': 'nothing', 'errors': [{'type': 'internal', "
          "'header': []}]}", "path: 'nothing'" },
    { UE, "{'path': 'cxl.1', 'errors': [{'type': 'internal', "
          "'header': []}]}", "path: 'cxl.1' is a pxb-cxl" },
    { CE, "{'path': 'nothing', 'type': 'physical'}", "path: 'nothing'" },
    { CE, "{'path': '/machine/unattached', 'type': 'physical'}", "path:" },
    { ADD, "{'path': 'nothing', " ADD_OK ", 'region': 0, 'extents': "
           EXT(4194304, 2097152) "}", "path: 'nothing'" },
    { ADD, "{'path': 'rp0', " ADD_OK ", 'region': 0, 'extents': "
           EXT(4194304, 2097152) "}", "path: 'rp0'" },
    { REL, "{'path': 'nothing', " REL_OK ", 'region': 0, 'extents': "
           EXT(0, 2097152) "}", "path: 'nothing'" },
    { REL, "{'path': 'rp0', " REL_OK ", 'region': 0, 'extents': "
           EXT(0, 2097152) "}", "path: 'rp0'" },
    { QDC, "{'path': 'nothing'}", "path: 'nothing'" },
    { QDC, "{'path': 'rp0'}", "path: 'rp0'" },
    /* missing and unknown arguments, unknown enumeration values */
    { GM, "{'path': 't3'}", "'log'" },
    { GM, "{'path': 't3', 'bogus': 1, " GM_OK "}", "'bogus'" },
    { GM, "{'log': 'catastrophic'}", "'log'" },
    { MM, "{'log': 'severe'}", "'log'" },
    { MS, "{'log': 3}", "'log'" },
    { UE, "{'path': 't3', 'errors': [{'type': 'bogus', 'header': []}]}",
      "'type'" },
    { CE, "{'path': 't3', 'type': 'bogus'}", "'type'" },
    { ADD, "{'path': 't3', 'host-id': 0, 'selection-policy': 'any', "
           "'region': 0, 'extents': " EXT(4194304, 2097152) "}",
      "'selection-policy'" },
    { REL, "{'path': 't3', 'host-id': 0, 'removal-policy': 'all', "
           "'region': 0, 'extents': " EXT(0, 2097152) "}",
      "'removal-policy'" },
    /* values past the QAPI type's width */
    { GM, "{'flags': 256}", "'flags'" },
    { GM, "{'channel': 256}", "'channel'" },
    { GM, "{'ld-id': 65536}", "'ld-id'" },
    { GM, "{'dpa': -1}", "dpa: " },       /* QAPI takes -1 as 2^64 - 1 */
    { DR, "{'column': 65536}", "'column'" },
    { MM, "{'temperature': 32768}",
      "'temperature'" },
    { MS, "{'resources-available': 65536}",
      "'resources-available'" },
    { UE, "{'path': 't3', 'errors': [{'type': 'internal', "
          "'header': [4294967296]}]}",
      /* QEMU's visitor has no name for a list element: "'null'" */
      "expects uint32_t" },
    { ADD, "{'path': 't3', " ADD_OK ", 'region': 256, 'extents': "
           EXT(4194304, 2097152) "}", "'region'" },
    /* ... and past the record field's width (24-bit fields) */
    { GM, "{'device': 16777216}", "device: " },
    { GM, "{'cme-count': 16777216}",
      "cme-count: " },
    { DR, "{'nibble-mask': 16777216}",
      "nibble-mask: " },
    { DR, "{'row': 16777216}", "row: " },
    { DR, "{'cvme-count': 4294967295}",
      "cvme-count: " },
    { MS, "{'nibble-mask': 16777216}",
      "nibble-mask: " },
    { MS, "{'row': 4294967295}", "row: " },
    /* values the spec's tables do not have */
    { GM, "{'sub-type': 6}", "sub-type: " },
    { DR, "{'sub-type': 255}", "sub-type: " },
    { MM, "{'sub-type': 4}", "sub-type: " },
    { MM, "{'life-used': 101}", "life-used: " },
    /* component IDs: too long, or a format without an ID */
    { GM, "{" LONG_ID "}", "component-id: " },
    { DR, "{" LONG_ID "}", "component-id: " },
    { MM, "{" LONG_ID "}", "component-id: " },
    { MS, "{" LONG_ID "}", "component-id: " },
    { GM, "{'is-comp-id-pldm': true}",
      "is-comp-id-pldm: " },
    { DR, "{'is-comp-id-pldm': true}",
      "is-comp-id-pldm: " },
    { MM, "{'is-comp-id-pldm': true}",
      "is-comp-id-pldm: " },
    /* DPAs past the capacity (dynamic capacity included) */
    { GM, "{'dpa': 1342177280}", "dpa: " },
    { GM, "{'dpa': 18446744073709551615}",
      "dpa: " },
    { DR, "{'dpa': 1342177280}", "dpa: " },
    /* empty and overlong lists */
    { DR, "{'correction-mask': []}",
      "correction-mask: " },
    { DR, "{'correction-mask': [1, 2, 3, 4, 5]}",
      "correction-mask: " },
    { UE, "{'path': 't3', 'errors': []}", "errors: " },
    { UE, "{'path': 't3', 'errors': [{'type': 'internal', 'header': "
          "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]}]}",
      "errors[0].header: " },
    { UE, "{'path': 't3', 'errors': [{'type': 'internal', 'header': []}, "
          "{'type': 'internal', 'header': "
          "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]}]}",
      "errors[1].header: " },
    { ADD, "{'path': 't3', " ADD_OK ", 'region': 0, 'extents': []}",
      "extents" },
    { REL, "{'path': 't3', " REL_OK ", 'region': 0, 'extents': []}",
      "extents" },
    /* poison: zero, unaligned and huge lengths, starts past the end */
    { PO, "{'path': 't3', 'start': 0, 'length': 0}", "length: " },
    { PO, "{'path': 't3', 'start': 0, 'length': 65}", "length: " },
    { PO, "{'path': 't3', 'start': 1, 'length': 64}", "start: " },
    { PO, "{'path': 't3', 'start': 1342177280, 'length': 64}", "start: " },
    { PO, "{'path': 't3', 'start': 64, 'length': 18446744073709551552}",
      "length: " },
    { PO, "{'path': 't3', 'start': 18446744073709551552, 'length': 64}",
      "start: " },
    /* dynamic capacity: host, region, extents */
    { ADD, "{'path': 't3', 'host-id': 1, 'selection-policy': "
           "'prescriptive', 'region': 0, 'extents': "
           EXT(4194304, 2097152) "}", "host-id" },
    { ADD, "{'path': 't3', " ADD_OK ", 'region': 2, 'extents': "
           EXT(4194304, 2097152) "}", "region" },
    { ADD, "{'path': 't3', " ADD_OK ", 'region': 255, 'extents': "
           EXT(4194304, 2097152) "}", "region" },
    { ADD, "{'path': 't3', " ADD_OK ", 'region': 0, 'tag': 'x', "
           "'extents': " EXT(4194304, 2097152) "}", "tag" },
    { ADD, "{'path': 't3', " ADD_OK ", 'region': 0, 'extents': "
           EXT(4194304, 0) "}", "extents[0]" },
    { ADD, "{'path': 't3', " ADD_OK ", 'region': 0, 'extents': "
           EXT(4194305, 2097152) "}", "extents[0]" },
    { ADD, "{'path': 't3', " ADD_OK ", 'region': 0, 'extents': "
           EXT(266338304, 4194304) "}", "extents[0]" },
    { ADD, "{'path': 't3', " ADD_OK ", 'region': 0, 'extents': "
           EXT(2097152, 18446744073709549568) "}", "extents[0]" },
    { ADD, "{'path': 't3', " ADD_OK ", 'region': 0, 'extents': "
           EXT(18446744073709551614, 4194304) "}", "extents[0]" },
    { ADD, "{'path': 't3', " ADD_OK ", 'region': 0, 'extents': "
           EXT(0, 2097152) "}", "extents[0]" },
    { ADD, "{'path': 't3', " ADD_OK ", 'region': 0, 'extents': "
           "[{'offset': 4194304, 'len': 4194304}, "
           "{'offset': 6291456, 'len': 2097152}]}", "extents[" },
    { ADD, "{'path': 't3', " ADD_OK ", 'region': 0, 'extents': "
           "[{'offset': 4194304, 'len': 2097152}, "
           "{'offset': 4194304, 'len': 2097152}]}", "extents[" },
    { REL, "{'path': 't3', 'host-id': 7, 'removal-policy': "
           "'prescriptive', 'region': 0, 'extents': " EXT(0, 2097152) "}",
      "host-id" },
    { REL, "{'path': 't3', " REL_OK ", 'region': 9, 'extents': "
           EXT(0, 2097152) "}", "region" },
    { REL, "{'path': 't3', " REL_OK ", 'region': 0, 'extents': "
           EXT(0, 0) "}", "extents[0]" },
    { REL, "{'path': 't3', " REL_OK ", 'region': 0, 'extents': "
           EXT(0, 18446744073709549568) "}", "extents[0]" },
    { REL, "{'path': 't3', " REL_OK ", 'region': 0, 'extents': "
           EXT(8388608, 2097152) "}", "extents[0]" },
    { REL, "{'path': 't3', " REL_OK ", 'region': 0, 'extents': "
           "[{'offset': 0, 'len': 2097152}, "
           "{'offset': 0, 'len': 2097152}]}", "extents[" },
    { REL, "{'path': 't3', 'host-id': 0, 'removal-policy': 'tag-based', "
           "'region': 0, 'extents': []}", "tag" },
};

/* A valid use of each command (after the sweep: they change the state) */
static const QmpCase t3_valid[] = {
    { GM, "{'path': 't3', " GM_OK "}" },
    { DR, "{'path': 't3', " GM_OK "}" },
    { MM, "{'path': 't3', " MM_OK "}" },
    { MS, "{'path': 't3', " MS_OK "}" },
    { PO, "{'path': 't3', 'start': 0, 'length': 64}" },
    { UE, "{'path': 't3', 'errors': [{'type': 'internal', 'header': []}]}" },
    { CE, "{'path': 't3', 'type': 'physical'}" },
    { ADD, "{'path': 't3', " ADD_OK ", 'region': 0, 'extents': "
           EXT(4194304, 2097152) "}" },
    { REL, "{'path': 't3', " REL_OK ", 'region': 0, 'extents': "
           EXT(0, 2097152) "}" },
    { QDC, "{'path': 't3'}" },
};

/* Run @c; NULL on success, else the error's description */
static char *qmp_case(QTestState *qts, const QmpCase *c,
                      const QmpCase *valid, unsigned nvalid)
{
    QDict *args = case_args(c, valid, nvalid);

    return qmp_error_desc(qtest_qmp(qts, "{'execute': %s, 'arguments': %p}",
                                    c->cmd, args));
}

/* Run the bad @cases; each must fail naming its argument, @state stays */
static unsigned run_qmp_cases(QTestState *qts, const QmpCase *cases,
                              unsigned n, const QmpCase *valid,
                              unsigned nvalid, char *(*state)(void *),
                              void *o)
{
    g_autofree char *before = state(o);
    unsigned failed = 0;

    for (unsigned i = 0; i < n; i++) {
        g_autofree char *err = qmp_case(qts, &cases[i], valid, nvalid);
        g_autofree char *after = NULL;

        if (!err || !strstr(err, cases[i].want)) {
            g_test_message("FAIL %s %s: %s (wanted '%s')", cases[i].cmd,
                           cases[i].args, err ? err : "succeeded",
                           cases[i].want);
            failed++;
        } else {
            g_test_message("%s: %s", cases[i].cmd, err);
        }
        after = state(o);
        if (strcmp(before, after)) {
            g_test_message("FAIL %s %s changed the state:\n%s\nto\n%s",
                           cases[i].cmd, cases[i].args, before, after);
            failed++;
            g_free(before);
            before = g_steal_pointer(&after);
        }
    }
    return failed;
}

/* Run the valid @cases: each must succeed */
static void run_valid(QTestState *qts, const QmpCase *cases, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        g_autofree char *err = qmp_case(qts, &cases[i], NULL, 0);

        if (err) {
            g_test_message("%s %s: %s", cases[i].cmd, cases[i].args, err);
        }
        g_assert_null(err);
    }
}

/*
 * What a bad command must not change on the cxl-type3: its event logs,
 * poison list, dynamic capacity extents, RAS status and health
 */
static char *t3_state(void *opaque)
{
    T3 *t = opaque;
    GString *s = g_string_new("");
    g_autofree char *dc = cxl_qtest_dc_query(t->qts, "t3");
    uint64_t ras = cxl_qtest_cm_cap(t->qts, t->comp, 2);
    uint8_t poison[0x20 + 16 * 16], rec[128], health[18], flags;
    uint32_t len;

    for (uint8_t log = 0; log <= LOG_DC; log++) {
        g_string_append_printf(s, "log %u: %u records\n", log,
                               event_records(t, log, rec, 0));
    }
    g_string_append_printf(s, "poison: %u records\n",
                           poison_list(t, 0, DC_END, poison, sizeof(poison),
                                       &flags));
    g_string_append_printf(s, "dc: %s\n", dc);
    g_string_append_printf(s, "ras: %08x %08x %08x\n",
                           qtest_readl(t->qts, ras + 0x00),
                           qtest_readl(t->qts, ras + 0x0c),
                           qtest_readl(t->qts, ras + 0x14));
    g_assert_cmphex(mbox_send(t, 0x4200, NULL, 0, health, sizeof(health),
                              &len), ==, RC_SUCCESS);
    g_string_append(s, "health:");
    for (unsigned i = 0; i < len && i < sizeof(health); i++) {
        g_string_append_printf(s, " %02x", health[i]);
    }
    return g_string_free(s, false);
}

static void test_qmp_type3(void)
{
    T3 t;

    dc_start(&t, "");
    /* an accepted extent at the start of region 0 */
    qmp_ok(dc_add(&t, 0, NULL, EXT(0, 2097152)));
    g_assert_cmphex(dc_respond1(&t, 0x4802, DC_BASE, BLOCK), ==, RC_SUCCESS);
    g_assert_cmpuint(run_qmp_cases(t.qts, t3_cases, ARRAY_SIZE(t3_cases),
                                   t3_valid, ARRAY_SIZE(t3_valid),
                                   t3_state, &t), ==, 0);
    /* the same commands with valid arguments work */
    run_valid(t.qts, t3_valid, ARRAY_SIZE(t3_valid));
    t3_stop(&t);
}

#define BIND    "cxl-bind-vppb"
#define UNBIND  "cxl-unbind-vppb"
#define PCTL    "cxl-port-control"
#define QSW     "cxl-query-switch"
#define ALLOC   "cxl-set-ld-allocations"

static const QmpCase sw_cases[] = {
    { QSW, "{'path': 'nothing'}", "path: 'nothing'" },
    { QSW, "{'path': 't3a'}", "path: 't3a' is a cxl-type3" },
    { QSW, "{'path': 'ds3'}", "path: 'ds3' is a cxl-downstream" },
    { QSW, "{'path': '/machine'}", "path: '/machine'" },
    { BIND, "{'path': 'nothing', 'vppb': 0}", "path: 'nothing'" },
    { BIND, "{'path': 't3b', 'vppb': 0}", "path: 't3b'" },
    { BIND, "{'path': 'us0', 'vppb': 2}", "vppb: " },
    { BIND, "{'path': 'us0', 'vppb': 255}", "vppb: " },
    { BIND, "{'path': 'us0', 'vppb': 256}", "'vppb'" },
    { BIND, "{'path': 'us0', 'vppb': 0}", "vppb: " },    /* bound */
    { BIND, "{'path': 'us0', 'vcs': 2, 'vppb': 0}", "vcs: " },
    { BIND, "{'path': 'us0', 'vcs': 255, 'vppb': 0}", "vcs: " },
    { BIND, "{'path': 'us0', 'vcs': 1, 'vppb': 1}", "vppb: " },
    { BIND, "{'path': 'us0', 'vcs': 1, 'vppb': 0, 'port': 3}", "port: " },
    { BIND, "{'path': 'us0', 'vcs': 1, 'vppb': 0, 'port': 255}", "port: " },
    { BIND, "{'path': 'us0', 'vcs': 1, 'vppb': 0, 'ld-id': 0}", "ld-id: " },
    { BIND, "{'path': 'us0', 'vcs': 1, 'vppb': 0, 'ld-id': 65535}",
      "ld-id: " },
    { BIND, "{'path': 'us0', 'vcs': 1, 'vppb': 0, 'ld-id': 65536}",
      "'ld-id'" },
    { UNBIND, "{'path': 'nothing', 'vppb': 0}", "path: 'nothing'" },
    { UNBIND, "{'path': 'rp0', 'vppb': 0}", "path: 'rp0'" },
    { UNBIND, "{'path': 'us0', 'vppb': 2}", "vppb: " },
    { UNBIND, "{'path': 'us0', 'vppb': 0, 'vcs': 3}", "vcs: " },
    { UNBIND, "{'path': 'us0', 'vppb': 0, 'vcs': 1}", "vppb: " }, /* free */
    { UNBIND, "{'path': 'us0', 'vppb': 0, 'mode': 'later'}", "'mode'" },
    { PCTL, "{'path': 'nothing', 'port': 3, 'operation': 'reset'}",
      "path: 'nothing'" },
    { PCTL, "{'path': 'ds3', 'port': 3, 'operation': 'reset'}",
      "path: 'ds3'" },
    { PCTL, "{'path': 'us0', 'port': 4, 'operation': 'reset'}",
      "(its downstream ports: 3, 5)" },
    { PCTL, "{'path': 'us0', 'port': 255, 'operation': 'reset'}",
      "port: " },
    { PCTL, "{'path': 'us0', 'port': 0, 'operation': 'reset'}", "port: " },
    { PCTL, "{'path': 'us0', 'port': 3, 'operation': 'explode'}",
      "'operation'" },
    { ALLOC, "{'path': 'nothing', 'sizes': [268435456]}", "path: 'nothing'" },
    { ALLOC, "{'path': 't3a', 'sizes': [268435456]}", "path: 't3a'" },
    { ALLOC, "{'path': 'us0', 'sizes': [268435456]}", "path: 'us0'" },
    { ALLOC, "{'path': 't3b', 'sizes': []}", "sizes: give at least one" },
    { ALLOC, "{'path': 't3b', 'sizes': [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, "
             "1, 1, 1, 1, 1, 1]}", "sizes: " },
    { ALLOC, "{'path': 't3b', 'sizes': [4096]}", "sizes: " },
    { ALLOC, "{'path': 't3b', 'sizes': [1073741824, 268435456]}",
      "sizes: " },
    { ALLOC, "{'path': 't3b', 'sizes': [18446744073441116160, "
             "268435456]}", "sizes: " },
    { ALLOC, "{'path': 't3b', 'sizes': [268435456, 268435456], "
             "'start-ld': 1}", "sizes: " },
    { ALLOC, "{'path': 't3b', 'sizes': [268435456], 'start-ld': 2}",
      "start-ld: " },
    { ALLOC, "{'path': 't3b', 'sizes': [268435456], 'start-ld': 255}",
      "start-ld: " },
    { ALLOC, "{'path': 't3b', 'sizes': [-1]}", "sizes" },
};

static const QmpCase sw_valid[] = {
    { QSW, "{'path': 'us1'}" },
    { QSW, "{'path': 'cci0'}" },
    { PCTL, "{'path': 'us0', 'port': 3, 'operation': 'perst-assert'}" },
    { ALLOC, "{'path': 't3b', 'sizes': [268435456], 'start-ld': 1}" },
    { BIND, "{'path': 'us0', 'vcs': 1, 'vppb': 0}" },
    { UNBIND, "{'path': 'us0', 'vcs': 1, 'vppb': 0, 'mode': 'surprise'}" },
};

/* What a bad command must not change on the switch: cxl-query-switch */
static char *sw_state(void *opaque)
{
    Sw *s = opaque;
    QDict *rsp = qtest_qmp(s->qts, "{'execute': 'cxl-query-switch', "
                           "'arguments': {'path': 'us0'}}");
    GString *json;

    g_assert_true(qdict_haskey(rsp, "return"));
    json = qobject_to_json(qdict_get(rsp, "return"));
    qobject_unref(rsp);
    return g_string_free(json, false);
}

static void test_qmp_switch(void)
{
    Sw s;

    /* cxl-type3-mld-test's topology: VCS 1 (us1), t3b an MLD of 2 LDs */
    sw_start_sized(&s, "1G", ",num-lds=2", MLD_EXTRA);
    g_assert_cmpuint(run_qmp_cases(s.qts, sw_cases, ARRAY_SIZE(sw_cases),
                                   sw_valid, ARRAY_SIZE(sw_valid),
                                   sw_state, &s), ==, 0);
    run_valid(s.qts, sw_valid, ARRAY_SIZE(sw_valid));
    sw_stop(&s);
}

/* ---- the mailbox: every opcode of the CEL ---- */

#define RC_MAX              0x1e    /* Invalid Extent List, the last */
#define CEL_EFFECT_BG       (1u << 6)

/* A mailbox: the device's primary one, or a switch's CCI */
typedef struct Mbox {
    QTestState *qts;
    uint64_t mbox;
    uint32_t payload_max;
    const char *name;
    bool busy;          /* a background operation runs throughout */
} Mbox;

static uint16_t mb_send(Mbox *m, uint16_t op, const uint8_t *in,
                        uint32_t len, bool over, uint32_t *out_len)
{
    g_autofree uint8_t *out = g_malloc(m->payload_max);

    *out_len = 0;
    return cxl_qtest_mbox_send_raw(m->qts, m->mbox, m->payload_max, op, in,
                                   MIN(len, m->payload_max),
                                   over ? m->payload_max + 1 : len, out,
                                   m->payload_max, out_len);
}

/*
 * Let a background operation end (virtual time); one that waits for the
 * host (Unbind vPPB) is aborted after a while
 */
static void mb_bg_settle(Mbox *m)
{
    uint8_t out[8];
    uint32_t len;

    for (int i = 0; i < 400; i++) {
        g_assert_cmphex(cxl_qtest_mbox_send_raw(m->qts, m->mbox,
                                                m->payload_max, 0x0002, NULL,
                                                0, 0, out, sizeof(out), &len),
                        ==, RC_SUCCESS);
        if (!(out[0] & 1)) {
            return;
        }
        if (i == 200) {
            g_assert_cmphex(mb_send(m, 0x0005, NULL, 0, false, &len), ==,
                            RC_SUCCESS);
        }
        qtest_clock_step(m->qts, 50 * 1000 * 1000);
    }
    g_test_message("%s: a background operation does not end", m->name);
    g_assert_not_reached();
}

/* Identify (0001h) answers */
static void mb_alive(Mbox *m)
{
    uint32_t len;

    g_assert_cmphex(mb_send(m, 0x0001, NULL, 0, false, &len), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(len, >=, 18);
}

/*
 * The payload lengths sent: every one up to 24, each side of the input
 * sizes commands have beyond (8-byte steps to 48, the LSA and feature
 * headers, Set Passphrase's 96, Transfer FW's 128), the mailbox's maximum
 * less one and the maximum (filled in), then one byte more than the
 * mailbox holds (claimed, not sent)
 */
static uint32_t sweep_lens[] = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
    20, 21, 22, 23, 24, 31, 32, 33, 39, 40, 41, 47, 48, 49, 63, 64, 65, 71,
    72, 73, 95, 96, 97, 127, 128, 129, 0, 0, 0,
};
#define NR_LENS         ARRAY_SIZE(sweep_lens)
#define LEN_OVER        (NR_LENS - 1)

/* Send @op, @len bytes of @fill; check the reply; its return code */
static uint16_t sweep_one(Mbox *m, uint16_t op, uint16_t effects,
                          uint8_t *in, uint32_t len, bool over, int fill,
                          unsigned *failed)
{
    uint32_t out_len;
    uint16_t rc;

    memset(in, fill, m->payload_max);
    rc = mb_send(m, op, in, len, over, &out_len);
    if (rc > RC_MAX || (rc == RC_BACKGROUND && !(effects & CEL_EFFECT_BG)) ||
        (rc == RC_BACKGROUND && m->busy) ||
        (m->busy && (effects & CEL_EFFECT_BG) && rc != RC_PAYLOAD_LEN &&
         rc != RC_BUSY && rc != RC_MEDIA_DISABLED) ||
        (over && rc != RC_PAYLOAD_LEN) || out_len > m->payload_max) {
        g_test_message("FAIL %s: %04xh, %u bytes of %02x%s: rc %02x, %u "
                       "bytes out", m->name, op, len, fill,
                       over ? " (and past the mailbox)" : "", rc, out_len);
        (*failed)++;
    }
    if (rc == RC_BACKGROUND && !m->busy) {
        mb_bg_settle(m);
    }
    return rc;
}

/*
 * Send opcode @op with the payload lengths of sweep_lens[], all zero:
 * every return code is one the spec defines, Background Operation
 * Started only from an opcode the CEL marks so (@effects), a length past
 * the mailbox gets Invalid Payload Length, and the lengths taken (not
 * Invalid Payload Length) are one run (an exact length, a minimum, or a
 * few with optional fields). Then all-one bytes (every reserved bit set)
 * at the lengths taken, the empty payload and the maximum. The device
 * answers Identify after each.
 */
static unsigned sweep_op(Mbox *m, uint16_t op, uint16_t effects)
{
    g_autofree uint8_t *in = g_malloc(m->payload_max);
    uint32_t taken[NR_LENS], ones[] = { 0, m->payload_max };
    unsigned failed = 0, n = 0;
    bool ended = false, gap = false;

    sweep_lens[NR_LENS - 3] = m->payload_max - 1;
    sweep_lens[NR_LENS - 2] = sweep_lens[NR_LENS - 1] = m->payload_max;
    for (unsigned i = 0; i < NR_LENS; i++) {
        bool over = i == LEN_OVER;
        uint16_t rc = sweep_one(m, op, effects, in, sweep_lens[i], over, 0,
                                &failed);

        if (over) {
            break;
        }
        if (rc != RC_PAYLOAD_LEN) {
            gap |= ended;
            taken[n++] = sweep_lens[i];
        } else {
            ended = n > 0;
        }
    }
    if (gap) {
        g_test_message("FAIL %s: %04xh takes zero payloads of lengths %u "
                       "to %u, not those between", m->name, op, taken[0],
                       taken[n - 1]);
        failed++;
    }
    mb_alive(m);
    for (unsigned i = 0; i < n + ARRAY_SIZE(ones); i++) {
        sweep_one(m, op, effects, in, i < n ? taken[i] : ones[i - n],
                  false, 0xff, &failed);
    }
    mb_alive(m);
    return failed;
}

/* Sweep every opcode of @m's CEL; returns the failures */
static unsigned sweep_cel(Mbox *m, unsigned *nops)
{
    uint32_t cel_len;
    g_autofree uint8_t *cel = cxl_qtest_read_cel(m->qts, m->mbox,
                                                 m->payload_max, &cel_len);
    unsigned failed = 0;

    *nops = cel_len / 4;
    g_assert_cmpuint(*nops, >, 8);
    for (unsigned i = 0; i < *nops; i++) {
        uint16_t op = lduw_le_p(cel + 4 * i);

        if (m->busy && op == 0x0005) {
            continue;   /* Request Abort would end it */
        }
        failed += sweep_op(m, op, lduw_le_p(cel + 4 * i + 2));
    }
    g_test_message("%s: the CEL's %u opcodes swept, %u failures", m->name,
                   *nops, failed);
    return failed;
}

static void test_mbox_type3(void)
{
    Mbox m;
    unsigned n;
    T3 t;

    dc_start(&t, ",sanitize-ms=100");
    m = (Mbox) { t.qts, t.mbox, t.payload_max, "cxl-type3" };
    g_assert_cmpuint(sweep_cel(&m, &n), ==, 0);
    t3_stop(&t);
}

/*
 * The same while Sanitize runs (media disabled): background commands get
 * Busy or Media Disabled, none starts, media commands get Media
 * Disabled, and the sanitize goes on to its end
 */
static void test_mbox_type3_sanitizing(void)
{
    unsigned pct, n;
    uint16_t op, rc;
    Mbox m;
    T3 t;

    dc_start(&t, ",sanitize-ms=600000");
    m = (Mbox) { t.qts, t.mbox, t.payload_max, "cxl-type3 (sanitizing)",
                 .busy = true };
    g_assert_cmphex(mbox_send(&t, 0x4400, NULL, 0, NULL, 0, NULL), ==,
                    RC_BACKGROUND);
    g_assert_cmphex(get_lsa(&t), ==, RC_MEDIA_DISABLED);
    g_assert_cmpuint(sweep_cel(&m, &n), ==, 0);
    g_assert_true(bg_status(&t, &pct, &op, &rc));
    g_assert_cmphex(op, ==, 0x4400);
    g_assert_cmphex(get_lsa(&t), ==, RC_MEDIA_DISABLED);
    qtest_clock_step(t.qts, 600ll * 1000 * 1000 * 1000);
    g_assert_cmphex(bg_wait(&t, 0x4400), ==, RC_SUCCESS);
    g_assert_cmphex(get_lsa(&t), ==, RC_SUCCESS);
    t3_stop(&t);
}

/* @len bytes of @path from offset @off: all @byte */
static bool file_is(const char *path, off_t off, size_t len, uint8_t byte)
{
    g_autofree uint8_t *buf = g_malloc(len);
    int fd = open(path, O_RDONLY);
    bool same;

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(pread(fd, buf, len, off), ==, len);
    close(fd);
    same = buf[0] == byte && !memcmp(buf, buf + 1, len - 1);
    return same;
}

static void file_fill(const char *path, off_t off, size_t len, uint8_t byte)
{
    g_autofree uint8_t *buf = g_malloc(len);
    int fd = open(path, O_WRONLY);

    memset(buf, byte, len);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(pwrite(fd, buf, len, off), ==, len);
    close(fd);
}

/*
 * The same with the device locked (a user passphrase set, then a reset):
 * every return code is the spec's, nothing the sweep sends (Sanitize,
 * Secure Erase, Passphrase Secure Erase, Unlock, Set Passphrase with
 * passphrases of zero and all-one bytes) unlocks or erases anything, and
 * the data in the (file) backends is still there.
 */
static void test_mbox_type3_locked(void)
{
    uint32_t state;
    unsigned n;
    Mbox m;
    T3 t;

    t3_start_opts(&t, true, ",sanitize-ms=100");
    file_fill(t.vfile, 0, 64 * KiB, 0xa5);
    file_fill(t.pfile, 256 * MiB, 64 * KiB, 0x5a);
    g_assert_cmphex(sec_set(&t, PASS_USER, 0, 0x3c), ==, RC_SUCCESS);
    qtest_system_reset(t.qts);
    platform_init(&t);
    g_assert_cmphex(sec_state(&t) & SEC_LOCKED, ==, SEC_LOCKED);
    m = (Mbox) { t.qts, t.mbox, t.payload_max, "cxl-type3 (locked)" };
    g_assert_cmpuint(sweep_cel(&m, &n), ==, 0);
    state = sec_state(&t);
    g_assert_cmphex(state & (SEC_USER_SET | SEC_LOCKED), ==,
                    SEC_USER_SET | SEC_LOCKED);
    g_assert_true(file_is(t.vfile, 0, 64 * KiB, 0xa5));
    g_assert_true(file_is(t.pfile, 256 * MiB, 64 * KiB, 0x5a));
    /* the right passphrase still unlocks it (after a reset: tries) */
    qtest_system_reset(t.qts);
    platform_init(&t);
    g_assert_cmphex(sec_unlock(&t, 0x3c), ==, RC_SUCCESS);
    g_assert_cmphex(sec_state(&t) & SEC_LOCKED, ==, 0);
    t3_stop(&t);
}

static void test_mbox_switch(void)
{
    Mbox m;
    unsigned n;
    Sw s;

    sw_start_sized(&s, "1G", ",num-lds=2", MLD_EXTRA);
    sw_find_cci_mbox(&s);
    m = (Mbox) { s.qts, s.mbox, s.payload_max, "cxl-switch-mailbox-cci" };
    g_assert_cmpuint(sweep_cel(&m, &n), ==, 0);
    sw_stop(&s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cxl-bad-input/qmp/type3", test_qmp_type3);
    qtest_add_func("/cxl-bad-input/qmp/switch", test_qmp_switch);
    qtest_add_func("/cxl-bad-input/mbox/type3", test_mbox_type3);
    qtest_add_func("/cxl-bad-input/mbox/type3-sanitizing",
                   test_mbox_type3_sanitizing);
    qtest_add_func("/cxl-bad-input/mbox/type3-locked",
                   test_mbox_type3_locked);
    qtest_add_func("/cxl-bad-input/mbox/switch", test_mbox_switch);
    return g_test_run();
}
