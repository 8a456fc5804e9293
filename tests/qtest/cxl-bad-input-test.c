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
 * persistent and dynamic capacity), of a switch's mailbox CCI and of an
 * MLD's LD-FAM CCI (through the switch's tunnel) lists, read from the
 * device itself so new commands are swept automatically, is sent with
 * payloads of every length from empty to one byte past the longest one
 * the command takes, of the mailbox's maximum and of one byte more, all
 * zero and all ones: each gets a return code the spec defines, a payload
 * length the command does not take gets Invalid Payload Length, and the
 * device still answers. Then again with the media disabled (Sanitize
 * running) and locked (security): commands that touch the media get
 * Media Disabled and Invalid Security State, nothing else breaks.
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

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cxl-bad-input/qmp/type3", test_qmp_type3);
    qtest_add_func("/cxl-bad-input/qmp/switch", test_qmp_switch);
    return g_test_run();
}
