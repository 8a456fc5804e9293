/*
 * qtest: features, maintenance and security of the cxl-type3 device
 * through its mailbox (see cxl-type3-qtest.h for the topology): Get
 * Supported Features, Get/Set Feature round trips, Perform Maintenance
 * and its events, the security state machine and passphrases, and what
 * outlives QEMU in the device-state file.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/bswap.h"
#include "qemu/crc32c.h"
#include "qemu/cutils.h"
#include "libqtest.h"
#include "qobject/qdict.h"
#include "cxl-type3-qtest.h"

/* ---- features and maintenance ---- */

static const uint8_t feature_uuids[NR_FEATURES][16] = {
    { UUID_SCRUB }, { UUID_ECS }, { UUID_SPPR }, { UUID_HPPR },
    { UUID_CACHELINE }, { UUID_ROW }, { UUID_BANK }, { UUID_RANK },
    { UUID_DURATIONS },
};
#define FEAT_DURATIONS  8

/* Get Feature @uuid from 0, @len bytes of selection @sel */
static void get_feature(T3 *t, const uint8_t *uuid, uint8_t sel, uint8_t *out,
                        uint16_t len)
{
    uint8_t in[21] = { 0 };
    uint32_t out_len;

    memcpy(in, uuid, 16);
    stw_le_p(in + 18, len);
    in[20] = sel;
    g_assert_cmphex(mbox_send(t, 0x0501, in, 21, out, len, &out_len), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(out_len, ==, len);
}

/* Set Feature @uuid: @action and flags, @len bytes at @offset */
static uint16_t set_feature(T3 *t, const uint8_t *uuid, uint32_t flags,
                            uint16_t offset, const uint8_t *data, size_t len)
{
    uint8_t in[64] = { 0 };

    memcpy(in, uuid, 16);
    stl_le_p(in + 16, flags);
    stw_le_p(in + 20, offset);
    in[22] = 1;
    memcpy(in + 32, data, len);
    return mbox_send(t, 0x0502, in, 32 + len, NULL, 0, NULL);
}

/*
 * Get Supported Features paging: the entries of every window are those of
 * the whole list, as Linux's get_supported_features() pages through them.
 */
static void test_supported_features(void)
{
    static const struct { uint16_t get, set; } sizes[NR_FEATURES] = {
        { 4, 2 }, { 9, 5 }, { 20, 3 }, { 20, 3 },
        { 19, 2 }, { 19, 2 }, { 19, 2 }, { 19, 2 }, { 16, 16 },
    };
    uint8_t in[8] = { 0 }, out[8 + NR_FEATURES * FEAT_ENTRY];
    T3 t;
    uint32_t len;

    t3_start(&t, false);
    for (unsigned start = 0; start < NR_FEATURES; start++) {
        for (unsigned want = 0; want <= NR_FEATURES; want++) {
            unsigned n = MIN(want, NR_FEATURES - start);

            /* room for @want entries and half of another */
            stl_le_p(in, 8 + want * FEAT_ENTRY + FEAT_ENTRY / 2);
            stw_le_p(in + 4, start);
            g_assert_cmphex(mbox_send(&t, 0x0500, in, 8, out, sizeof(out),
                                      &len), ==, RC_SUCCESS);
            g_assert_cmpuint(len, ==, 8 + n * FEAT_ENTRY);
            g_assert_cmpuint(lduw_le_p(out), ==, n);
            g_assert_cmpuint(lduw_le_p(out + 2), ==, NR_FEATURES);
            for (unsigned i = 0; i < n; i++) {
                const uint8_t *e = out + 8 + i * FEAT_ENTRY;
                unsigned f = start + i;

                g_assert_cmpmem(e, 16, feature_uuids[f], 16);
                g_assert_cmpuint(lduw_le_p(e + 16), ==, f);
                g_assert_cmpuint(lduw_le_p(e + 18), ==, sizes[f].get);
                g_assert_cmpuint(lduw_le_p(e + 20), ==, sizes[f].set);
                /* changeable, cold reset persistence, default and saved */
                g_assert_cmphex(ldl_le_p(e + 22), ==, 0x1 | 4 << 1 | 0x60);
                g_assert_cmpuint(e[26], ==, 1);
                g_assert_cmpuint(e[27], ==, 1);
                /* effects valid, an immediate change, nothing else */
                g_assert_cmphex(lduw_le_p(e + 28) & ~0xau, ==, 0x200);
                g_assert_cmphex(lduw_le_p(e + 28) & 0xau, !=, 0);
                if (f == FEAT_DURATIONS) {
                    /* a configuration change: Linux's fwctl full scope */
                    g_assert_cmphex(lduw_le_p(e + 28), ==, 0x202);
                }
            }
        }
    }
    t3_stop(&t);
}

/*
 * Set Feature then Get Feature, for every feature: the current value
 * changes, the default does not, the saved one only with "saved across
 * reset", and a reset makes the saved value current.
 */
static void test_feature_round_trip(void)
{
    uint8_t out[32], w[8];
    T3 t;

    t3_start(&t, false);

    /* patrol scrub: 12 hours (minimum 1) and enabled by default */
    get_feature(&t, feature_uuids[0], 0, out, 4);
    g_assert_cmphex(out[0], ==, 0x1);
    g_assert_cmphex(lduw_le_p(out + 1), ==, 12 | 1 << 8);
    g_assert_cmphex(out[3], ==, 1);
    w[0] = 48;
    w[1] = 0;
    g_assert_cmphex(set_feature(&t, feature_uuids[0], 0, 0, w, 2), ==,
                    RC_SUCCESS);
    get_feature(&t, feature_uuids[0], 0, out, 4);
    g_assert_cmphex(lduw_le_p(out + 1), ==, 48 | 1 << 8);
    g_assert_cmphex(out[3], ==, 0);
    get_feature(&t, feature_uuids[0], 1, out, 4);
    g_assert_cmphex(lduw_le_p(out + 1), ==, 12 | 1 << 8);
    g_assert_cmphex(out[3], ==, 1);
    get_feature(&t, feature_uuids[0], 2, out, 4);
    g_assert_cmphex(lduw_le_p(out + 1), ==, 12 | 1 << 8);

    /* DDR5 ECS, saved across reset: log entry type, two FRU configs */
    w[0] = 1;
    stw_le_p(w + 1, 3 | 1 << 3 | 1 << 4);   /* 256, codewords, reset */
    stw_le_p(w + 3, 5);                     /* 4096, rows */
    g_assert_cmphex(set_feature(&t, feature_uuids[1], 0x8, 0, w, 5), ==,
                    RC_SUCCESS);
    get_feature(&t, feature_uuids[1], 0, out, 9);
    g_assert_cmphex(out[0], ==, 1);
    g_assert_cmphex(lduw_le_p(out + 2), ==, 3 | 1 << 3);  /* reset clears */
    g_assert_cmphex(lduw_le_p(out + 6), ==, 5);
    get_feature(&t, feature_uuids[1], 2, out, 9);
    g_assert_cmphex(lduw_le_p(out + 2), ==, 3 | 1 << 3);
    get_feature(&t, feature_uuids[1], 1, out, 9);
    g_assert_cmphex(out[0], ==, 0);
    g_assert_cmphex(lduw_le_p(out + 2), ==, 4);
    g_assert_cmphex(lduw_le_p(out + 6), ==, 4);

    /* soft and hard PPR: header, capabilities, the event record enable */
    for (unsigned f = 2; f <= 3; f++) {
        get_feature(&t, feature_uuids[f], 0, out, 20);
        g_assert_cmphex(out[0], ==, 3 << 4 | 0);      /* 0 ms: at once */
        g_assert_cmphex(out[5], ==, 1);               /* class PPR */
        g_assert_cmphex(out[6], ==, f - 2);           /* soft 0, hard 1 */
        g_assert_cmphex(out[16], ==, 0x7);            /* DPA, nibble, event */
        g_assert_cmphex(out[19], ==, 1);
        memset(w, 0, 3);
        g_assert_cmphex(set_feature(&t, feature_uuids[f], 0, 0, w, 3), ==,
                        RC_SUCCESS);
        get_feature(&t, feature_uuids[f], 0, out, 20);
        g_assert_cmphex(out[19], ==, 0);
        get_feature(&t, feature_uuids[f], 1, out, 20);
        g_assert_cmphex(out[19], ==, 1);
    }

    /* sparing: class 2, subclass by granularity, hard and soft sparing */
    for (unsigned f = 4; f <= 7; f++) {
        get_feature(&t, feature_uuids[f], 0, out, 19);
        g_assert_cmphex(out[5], ==, 2);
        g_assert_cmphex(out[6], ==, f - 4);
        g_assert_cmphex(lduw_le_p(out + 3), ==, 0);
        g_assert_cmphex(lduw_le_p(out + 17), ==, 0x6);
        memset(w, 0, 2);
        g_assert_cmphex(set_feature(&t, feature_uuids[f], 0x8, 0, w, 2), ==,
                        RC_SUCCESS);
    }

    /* a reset: saved values become current, unsaved ones are lost */
    qtest_system_reset(t.qts);
    platform_init(&t);
    get_feature(&t, feature_uuids[0], 0, out, 4);
    g_assert_cmphex(lduw_le_p(out + 1), ==, 12 | 1 << 8);
    get_feature(&t, feature_uuids[1], 0, out, 9);
    g_assert_cmphex(out[0], ==, 1);
    g_assert_cmphex(lduw_le_p(out + 2), ==, 3 | 1 << 3);
    get_feature(&t, feature_uuids[2], 0, out, 20);
    g_assert_cmphex(out[19], ==, 1);

    /* a partial transfer: initiate, continue, finish */
    w[0] = 0;
    stw_le_p(w + 1, 4);
    stw_le_p(w + 3, 3 | 1 << 3);
    g_assert_cmphex(set_feature(&t, feature_uuids[1], 1, 0, w, 2), ==,
                    RC_SUCCESS);
    g_assert_cmphex(set_feature(&t, feature_uuids[1], 2, 2, w + 2, 2), ==,
                    RC_SUCCESS);
    get_feature(&t, feature_uuids[1], 0, out, 9);
    g_assert_cmphex(out[0], ==, 1);             /* not applied yet */
    g_assert_cmphex(set_feature(&t, feature_uuids[1], 3, 4, w + 4, 1), ==,
                    RC_SUCCESS);
    get_feature(&t, feature_uuids[1], 0, out, 9);
    g_assert_cmphex(out[0], ==, 0);
    g_assert_cmphex(lduw_le_p(out + 2), ==, 4);
    g_assert_cmphex(lduw_le_p(out + 6), ==, 3 | 1 << 3);
    t3_stop(&t);
}

/* The durations feature's four le32 fields in @d: @scan, @fw, @san, @maint */
static void check_durations(const uint8_t *d, uint32_t scan, uint32_t fw,
                            uint32_t san, uint32_t maint)
{
    g_assert_cmpuint(ldl_le_p(d), ==, scan);
    g_assert_cmpuint(ldl_le_p(d + 4), ==, fw);
    g_assert_cmpuint(ldl_le_p(d + 8), ==, san);
    g_assert_cmpuint(ldl_le_p(d + 12), ==, maint);
}

/* ... and the properties qom-get reads */
static void check_duration_props(T3 *t, uint32_t scan, uint32_t fw,
                                 uint32_t san, uint32_t maint)
{
    g_assert_cmpuint(cxl_qtest_qom_uint(t->qts, "t3", "scan-media-ms"), ==,
                     scan);
    g_assert_cmpuint(cxl_qtest_qom_uint(t->qts, "t3",
                                        "fw-transfer-ms-per-mib"), ==, fw);
    g_assert_cmpuint(cxl_qtest_qom_uint(t->qts, "t3", "sanitize-ms"), ==,
                     san);
    g_assert_cmpuint(cxl_qtest_qom_uint(t->qts, "t3", "maintenance-ms"), ==,
                     maint);
}

static void put_durations(uint8_t *d, uint32_t scan, uint32_t fw,
                          uint32_t san, uint32_t maint)
{
    stl_le_p(d, scan);
    stl_le_p(d + 4, fw);
    stl_le_p(d + 8, san);
    stl_le_p(d + 12, maint);
}

/*
 * QEMU's emulated operation durations feature: Get Feature reads the
 * scan-media-ms, fw-transfer-ms-per-mib, sanitize-ms and maintenance-ms
 * properties (the default: as the command line gave them); Set Feature
 * changes them at once: qom-get, Get Scan Media Capabilities' estimate,
 * the maintenance features' maximum latency and the time Perform
 * Maintenance takes follow. A reset makes the saved value current. The
 * ranges are the properties': 0 to an hour, maintenance 0 (completes at
 * once) to 15 ms.
 */
static void test_durations_feature(void)
{
    const uint8_t *uuid = feature_uuids[FEAT_DURATIONS];
    uint8_t out[20], w[16], range[16] = { [8] = 1 }, in[14] = { 1 };
    uint32_t len;
    unsigned pct;
    uint16_t op, rc;
    T3 t;

    t3_start_opts(&t, false, ",scan-media-ms=30,sanitize-ms=70");
    for (uint8_t sel = 0; sel <= 2; sel++) {
        get_feature(&t, uuid, sel, out, 16);
        check_durations(out, 30, 100, 70, 0);
    }
    check_duration_props(&t, 30, 100, 70, 0);

    /* current only */
    put_durations(w, 1000, 5, 2000, 15);
    g_assert_cmphex(set_feature(&t, uuid, 0, 0, w, 16), ==, RC_SUCCESS);
    get_feature(&t, uuid, 0, out, 16);
    check_durations(out, 1000, 5, 2000, 15);
    check_duration_props(&t, 1000, 5, 2000, 15);
    get_feature(&t, uuid, 1, out, 16);
    check_durations(out, 30, 100, 70, 0);
    get_feature(&t, uuid, 2, out, 16);
    check_durations(out, 30, 100, 70, 0);
    /* the device uses them: Scan Media's estimate, maintenance latency */
    g_assert_cmphex(mbox_send(&t, 0x4303, range, 16, out, 4, &len), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(ldl_le_p(out), ==, 1000);
    get_feature(&t, feature_uuids[2], 0, out, 20);
    g_assert_cmphex(out[0], ==, 3 << 4 | 15);
    /* soft PPR of DPA 0: still running after 14 ms, done after 15 */
    g_assert_cmphex(mbox_send(&t, 0x0600, in, sizeof(in), NULL, 0, NULL),
                    ==, RC_BACKGROUND);
    qtest_clock_step(t.qts, 14 * 1000 * 1000);
    g_assert_true(bg_status(&t, &pct, &op, &rc));
    qtest_clock_step(t.qts, 1000 * 1000);
    g_assert_false(bg_status(&t, &pct, &op, &rc));
    g_assert_cmphex(op, ==, 0x0600);
    g_assert_cmphex(rc, ==, RC_SUCCESS);

    /* a reset: the saved value (the command line's) is current again */
    qtest_system_reset(t.qts);
    platform_init(&t);
    check_duration_props(&t, 30, 100, 70, 0);

    /* saved across reset, the extremes: 0 and an hour, 1 and 15 ms */
    put_durations(w, 0, 3600000, 0, 1);
    g_assert_cmphex(set_feature(&t, uuid, 0x8, 0, w, 16), ==, RC_SUCCESS);
    qtest_system_reset(t.qts);
    platform_init(&t);
    check_duration_props(&t, 0, 3600000, 0, 1);
    get_feature(&t, uuid, 2, out, 16);
    check_durations(out, 0, 3600000, 0, 1);
    get_feature(&t, uuid, 1, out, 16);
    check_durations(out, 30, 100, 70, 0);

    /* out of range: nothing changes */
    put_durations(w, 3600001, 100, 50, 10);
    g_assert_cmphex(set_feature(&t, uuid, 0, 0, w, 16), ==,
                    RC_INVALID_INPUT);
    put_durations(w, 20, 100, 50, 16);
    g_assert_cmphex(set_feature(&t, uuid, 0, 0, w, 16), ==,
                    RC_INVALID_INPUT);
    g_assert_cmphex(set_feature(&t, uuid, 0, 0, w, 15), ==, RC_PAYLOAD_LEN);
    check_duration_props(&t, 0, 3600000, 0, 1);

    /* a partial transfer: applied at its finish, checked there */
    put_durations(w, 3600000, 1, 3600000, 2);
    g_assert_cmphex(set_feature(&t, uuid, 1, 0, w, 8), ==, RC_SUCCESS);
    check_duration_props(&t, 0, 3600000, 0, 1);
    g_assert_cmphex(set_feature(&t, uuid, 3, 8, w + 8, 8), ==, RC_SUCCESS);
    check_duration_props(&t, 3600000, 1, 3600000, 2);
    stl_le_p(w + 12, 16);
    g_assert_cmphex(set_feature(&t, uuid, 1, 0, w, 8), ==, RC_SUCCESS);
    g_assert_cmphex(set_feature(&t, uuid, 3, 8, w + 8, 8), ==,
                    RC_INVALID_INPUT);
    check_duration_props(&t, 3600000, 1, 3600000, 2);
    t3_stop(&t);
}

/*
 * Perform Maintenance (0600h): it completes before it returns (the
 * default, maintenance-ms=0), or with @background (maintenance-ms set) it
 * runs as a background operation: wait for it.
 */
static void maintenance_run(T3 *t, const uint8_t *in, size_t len,
                            bool background)
{
    if (!background) {
        g_assert_cmphex(mbox_send(t, 0x0600, in, len, NULL, 0, NULL), ==,
                        RC_SUCCESS);
        return;
    }
    g_assert_cmphex(mbox_send(t, 0x0600, in, len, NULL, 0, NULL), ==,
                    RC_BACKGROUND);
    g_assert_cmphex(bg_wait(t, 0x0600), ==, RC_SUCCESS);
}

static void maintenance(T3 *t, const uint8_t *in, size_t len)
{
    maintenance_run(t, in, len, false);
}

/*
 * With maintenance-ms, Perform Maintenance is a background operation:
 * the Background Command Status register shows it until it ends, then the
 * event record is there and the spare is used.
 */
static void test_maintenance_background(void)
{
    uint8_t in[14] = { 1 }, rec[128], out[20];
    T3 t;

    t3_start_opts(&t, false, ",maintenance-ms=10");
    get_feature(&t, feature_uuids[2], 0, out, 20);
    g_assert_cmphex(out[0], ==, 3 << 4 | 10);         /* 10 ms */
    stq_le_p(in + 3, 0x2000);
    maintenance_run(&t, in, sizeof(in), true);
    g_assert_cmpuint(event_records(&t, 0, rec, 1), ==, 1);
    g_assert_cmphex(rec[0x20], ==, 1);          /* class PPR */
    g_assert_cmpuint(lduw_le_p(rec + 0x3c), ==, 3);       /* spares left */
    t3_stop(&t);
}

/*
 * Soft PPR and memory sparing through Perform Maintenance (completing
 * before it returns, the default): each gives a Memory Sparing Event
 * Record (CXL r3.2 8.2.10.2.1.4, Linux's struct cxl_event_mem_sparing)
 * that Get Event Records returns; each uses a spare resource until none
 * is left.
 */
static void test_maintenance(void)
{
    static const uint8_t mser_uuid[16] = {
        0xe7, 0x1f, 0x3a, 0x40, 0x2d, 0x29, 0x40, 0x92,
        0x8a, 0x39, 0x4d, 0x1c, 0x96, 0x6c, 0x7c, 0x65,
    };
    uint8_t in[17], rec[128], w[3] = { 0 };
    T3 t;

    t3_start(&t, false);
    g_assert_cmpuint(event_records(&t, 0, rec, 1), ==, 0);

    /* soft PPR of DPA 0x1000, nibbles 0xabcdef */
    memset(in, 0, sizeof(in));
    in[0] = 1;
    stq_le_p(in + 3, 0x1000);
    in[11] = 0xef;
    in[12] = 0xcd;
    in[13] = 0xab;
    maintenance(&t, in, 14);
    g_assert_cmpuint(event_records(&t, 0, rec, 1), ==, 1);
    g_assert_cmpmem(rec, 16, mser_uuid, 16);
    g_assert_cmphex(rec[0x20], ==, 1);          /* class PPR */
    g_assert_cmphex(rec[0x21], ==, 0);          /* soft */
    g_assert_cmphex(rec[0x32], ==, 0);          /* soft, no query */
    g_assert_cmphex(rec[0x33], ==, 0);          /* success */
    g_assert_cmphex(lduw_le_p(rec + 0x34), ==, 1 << 2);   /* nibble */
    g_assert_cmpuint(lduw_le_p(rec + 0x3c), ==, 3);       /* spares left */
    g_assert_cmphex(ldl_le_p(rec + 0x40) & 0xffffff, ==, 0xabcdef);
    event_clear(&t, 0, rec);

    /* with the record disabled in the PPR operation mode: none */
    g_assert_cmphex(set_feature(&t, feature_uuids[2], 0, 0, w, 3), ==,
                    RC_SUCCESS);
    maintenance(&t, in, 14);
    g_assert_cmpuint(event_records(&t, 0, rec, 1), ==, 0);

    /* hard row sparing: channel 1, rank 2, bank group 3, bank 1, row */
    memset(in, 0, sizeof(in));
    in[0] = 2;
    in[1] = 1;
    in[2] = 0x2 | 0x8;                          /* hard, nibble mask valid */
    in[3] = 1;
    in[4] = 2;
    in[5] = 0x0f;
    in[8] = 3;
    in[9] = 1;
    in[10] = 0x34;
    in[11] = 0x12;
    in[12] = 0x01;
    maintenance(&t, in, 17);
    g_assert_cmpuint(event_records(&t, 0, rec, 1), ==, 1);
    g_assert_cmpmem(rec, 16, mser_uuid, 16);
    g_assert_cmphex(rec[0x20], ==, 2);
    g_assert_cmphex(rec[0x21], ==, 1);
    g_assert_cmphex(rec[0x32], ==, 0x2);        /* hard sparing */
    /* channel, rank, nibble, bank group, bank, row */
    g_assert_cmphex(lduw_le_p(rec + 0x34), ==, 0x3f);
    g_assert_cmpuint(lduw_le_p(rec + 0x3c), ==, 3);
    g_assert_cmphex(rec[0x3e], ==, 1);
    g_assert_cmphex(rec[0x3f], ==, 2);
    g_assert_cmphex(ldl_le_p(rec + 0x40) & 0xffffff, ==, 0x0f);
    g_assert_cmphex(rec[0x43], ==, 3);
    g_assert_cmphex(rec[0x44], ==, 1);
    g_assert_cmphex(ldl_le_p(rec + 0x45) & 0xffffff, ==, 0x11234);
    event_clear(&t, 0, rec);

    /* a resource query uses no resource */
    in[2] = 0x1;
    maintenance(&t, in, 17);
    g_assert_cmpuint(event_records(&t, 0, rec, 1), ==, 1);
    g_assert_cmphex(rec[0x32], ==, 0x1);
    g_assert_cmpuint(lduw_le_p(rec + 0x3c), ==, 3);
    event_clear(&t, 0, rec);

    /* three more row sparings use the spares; then none is left */
    in[2] = 0;
    for (unsigned i = 0; i < 3; i++) {
        maintenance(&t, in, 17);
        g_assert_cmpuint(event_records(&t, 0, rec, 1), ==, 1);
        g_assert_cmpuint(lduw_le_p(rec + 0x3c), ==, 2 - i);
        event_clear(&t, 0, rec);
    }
    g_assert_cmphex(mbox_send(&t, 0x0600, in, 17, NULL, 0, NULL), ==,
                    RC_RESOURCES_EXHAUSTED);
    /* ... a query still reports it */
    in[2] = 0x1;
    maintenance(&t, in, 17);
    g_assert_cmpuint(event_records(&t, 0, rec, 1), ==, 1);
    g_assert_cmpuint(lduw_le_p(rec + 0x3c), ==, 0);
    t3_stop(&t);
}

/*
 * With device-state, feature values set "saved across reset" and the
 * spare resources left outlive QEMU; values set without it do not (a
 * power cycle is a reset). maintenance-spares sets the spares. Saved
 * durations become the properties' values at the next start; the
 * default stays the command line's.
 */
static void test_feature_persist(void)
{
    g_autofree char *dir = g_dir_make_tmp("cxl-feat-XXXXXX", NULL);
    g_autofree char *file = g_build_filename(dir, "t3.state", NULL);
    g_autofree char *opts = g_strdup_printf(",device-state=%s,"
                                            "maintenance-spares=3", file);
    g_autofree char *text = NULL;
    uint8_t out[8], w[2] = { 6, 1 }, in[14] = { 1 }, rec[128], d[16];
    T3 t;

    t3_start_opts(&t, false, opts);
    /* patrol scrub: 6 hours, saved; then ECS without "saved" */
    g_assert_cmphex(set_feature(&t, feature_uuids[0], 1u << 3, 0, w, 2), ==,
                    RC_SUCCESS);
    g_assert_cmphex(set_feature(&t, feature_uuids[1], 0, 0,
                                (uint8_t[]){ 1, 4, 0, 4, 0 }, 5), ==,
                    RC_SUCCESS);
    get_feature(&t, feature_uuids[1], 0, out, 1);
    g_assert_cmphex(out[0], ==, 1);
    /* durations: Scan Media 40 ms, saved */
    put_durations(d, 40, 100, 50, 0);
    g_assert_cmphex(set_feature(&t, feature_uuids[FEAT_DURATIONS], 1u << 3,
                                0, d, 16), ==, RC_SUCCESS);
    /* soft PPR of DPA 0x1000: 2 of 3 spares left */
    stq_le_p(in + 3, 0x1000);
    maintenance(&t, in, sizeof(in));
    g_assert_cmpuint(event_records(&t, 0, rec, 1), ==, 1);
    g_assert_cmpuint(lduw_le_p(rec + 0x3c), ==, 2);
    t3_stop(&t);
    g_assert_true(g_file_get_contents(file, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, "[features]"));
    g_assert_nonnull(strstr(text, "patrol-scrub=0601\n"));
    g_assert_nonnull(strstr(text, "soft-ppr-spares=2\n"));
    g_assert_nonnull(strstr(text, "hard-ppr-spares=3\n"));
    g_assert_nonnull(strstr(text, "qemu-operation-durations="
                            "28000000640000003200000000000000\n"));

    t3_start_opts(&t, false, opts);
    get_feature(&t, feature_uuids[0], 0, out, 4);
    g_assert_cmphex(lduw_le_p(out + 1), ==, 6 | 1 << 8);
    g_assert_cmphex(out[3], ==, 1);
    get_feature(&t, feature_uuids[0], 2, out, 4);       /* saved */
    g_assert_cmphex(lduw_le_p(out + 1), ==, 6 | 1 << 8);
    get_feature(&t, feature_uuids[1], 0, out, 1);       /* ECS: default */
    g_assert_cmphex(out[0], ==, 0);
    check_duration_props(&t, 40, 100, 50, 0);
    get_feature(&t, feature_uuids[FEAT_DURATIONS], 1, d, 16);
    check_durations(d, 20, 100, 50, 0);
    maintenance(&t, in, sizeof(in));
    g_assert_cmpuint(event_records(&t, 0, rec, 1), ==, 1);
    g_assert_cmpuint(lduw_le_p(rec + 0x3c), ==, 1);
    t3_stop(&t);

    /* a device with fewer spares than the file takes no more */
    g_free(opts);
    opts = g_strdup_printf(",device-state=%s,maintenance-spares=0", file);
    t3_start_opts(&t, false, opts);
    g_assert_cmphex(mbox_send(&t, 0x0600, in, sizeof(in), NULL, 0, NULL), ==,
                    RC_RESOURCES_EXHAUSTED);
    t3_stop(&t);

    unlink(file);
    rmdir(dir);
}

/* ---- security ---- */

/*
 * A user passphrase locks the device at reset: media commands return
 * Invalid Security State and CXL.mem reads all ones (writes dropped) until
 * Unlock. Wrong passphrases count up to the limit of 3, after which even
 * the right one is refused until a reset. Freeze refuses every change
 * until a reset. Passphrase Secure Erase with the master passphrase
 * erases a locked device: backend files zero, unlocked, no user
 * passphrase.
 */
static void test_security(void)
{
    T3 t;

    t3_start(&t, true);
    g_assert_cmphex(sec_state(&t), ==, 0);
    g_assert_cmphex(sec_set(&t, PASS_MASTER, 0, 0x66), ==, RC_SUCCESS);
    g_assert_cmphex(sec_set(&t, PASS_USER, 0, 0x11), ==, RC_SUCCESS);
    /* change it: the current one is needed */
    g_assert_cmphex(sec_set(&t, PASS_USER, 0, 0x55), ==, RC_PASSPHRASE);
    g_assert_cmphex(sec_set(&t, PASS_USER, 0x11, 0x55), ==, RC_SUCCESS);
    g_assert_cmphex(sec_state(&t), ==, SEC_USER_SET | SEC_MASTER_SET);
    map_all(&t);
    write_pattern(&t, 0x0123456789abcdefull);
    g_assert_cmphex(get_lsa(&t), ==, RC_SUCCESS);

    /* reset: locked */
    sec_reset(&t);
    g_assert_cmphex(sec_state(&t), ==,
                    SEC_USER_SET | SEC_MASTER_SET | SEC_LOCKED);
    g_assert_cmpuint(media_status(&t), ==, MEDIA_READY);
    g_assert_cmphex(get_lsa(&t), ==, RC_SECURITY_STATE);
    g_assert_cmphex(poison_inject(&t, 0x4000), ==, RC_SECURITY_STATE);
    g_assert_cmphex(scan_media(&t, 0, 0x1000), ==, RC_SECURITY_STATE);
    g_assert_cmphex(mbox_send(&t, 0x4400, NULL, 0, NULL, 0, NULL), ==,
                    RC_SECURITY_STATE);
    g_assert_cmphex(mbox_send(&t, 0x4401, NULL, 0, NULL, 0, NULL), ==,
                    RC_SECURITY_STATE);
    /* no passphrase change while locked */
    g_assert_cmphex(sec_set(&t, PASS_USER, 0x55, 0x77), ==,
                    RC_SECURITY_STATE);
    map_all(&t);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x1000), ==, UINT64_MAX);
    g_assert_cmphex(qtest_readq(t.qts, t.window + VMEM_SIZE + 0x2000), ==,
                    UINT64_MAX);
    qtest_writeq(t.qts, t.window + 0x1000, 0xdeadull);
    g_assert_cmphex(cxl_qtest_file_read64(t.vfile, 0x1000), ==,
                    0x0123456789abcdefull);

    /* two wrong attempts, then the right one: unlocked, data back */
    g_assert_cmphex(sec_unlock(&t, 0x56), ==, RC_PASSPHRASE);
    g_assert_cmphex(sec_unlock(&t, 0), ==, RC_PASSPHRASE);
    g_assert_cmphex(sec_unlock(&t, 0x55), ==, RC_SUCCESS);
    g_assert_cmphex(sec_state(&t), ==, SEC_USER_SET | SEC_MASTER_SET);
    g_assert_cmphex(sec_unlock(&t, 0x55), ==, RC_SECURITY_STATE);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x1000), ==,
                    0x0123456789abcdefull);
    g_assert_cmphex(qtest_readq(t.qts, t.window + VMEM_SIZE + 0x2000), ==,
                    0x0123456789abcdf0ull);
    g_assert_cmphex(get_lsa(&t), ==, RC_SUCCESS);

    /* the user attempt limit: the right passphrase no longer unlocks */
    sec_reset(&t);
    for (int i = 0; i < 3; i++) {
        g_assert_cmphex(sec_state(&t) & SEC_USER_PLIMIT, ==, 0);
        g_assert_cmphex(sec_unlock(&t, 0x99), ==, RC_PASSPHRASE);
    }
    g_assert_cmphex(sec_state(&t), ==, SEC_USER_SET | SEC_MASTER_SET |
                    SEC_LOCKED | SEC_USER_PLIMIT);
    g_assert_cmphex(sec_unlock(&t, 0x55), ==, RC_SECURITY_STATE);
    g_assert_cmphex(sec_pass(&t, 0x4502, PASS_USER, 0x55), ==,
                    RC_SECURITY_STATE);
    g_assert_cmphex(sec_pass(&t, 0x4505, PASS_USER, 0x55), ==,
                    RC_SECURITY_STATE);

    /* the master passphrase erases the locked device */
    map_all(&t);
    g_assert_cmphex(sec_pass(&t, 0x4505, PASS_MASTER, 0x66), ==, RC_BUSY);
    unmap_all(&t);
    g_assert_cmphex(sec_pass(&t, 0x4505, PASS_MASTER, 0x55), ==,
                    RC_PASSPHRASE);
    g_assert_cmphex(sec_pass(&t, 0x4505, PASS_MASTER, 0x66), ==, RC_SUCCESS);
    g_assert_cmphex(sec_state(&t) & (SEC_USER_SET | SEC_LOCKED), ==, 0);
    g_assert_true(file_is_zero(t.vfile));
    g_assert_true(file_is_zero(t.pfile));
    g_assert_cmphex(get_lsa(&t), ==, RC_SUCCESS);
    map_all(&t);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x1000), ==, 0);

    /* a reset ends the attempt limit; no user passphrase: not locked */
    sec_reset(&t);
    g_assert_cmphex(sec_state(&t), ==, SEC_MASTER_SET);

    /* the master attempt limit */
    for (int i = 0; i < 3; i++) {
        g_assert_cmphex(sec_pass(&t, 0x4502, PASS_MASTER, 0x67), ==,
                        RC_PASSPHRASE);
    }
    g_assert_cmphex(sec_state(&t), ==, SEC_MASTER_SET | SEC_MASTER_PLIMIT);
    g_assert_cmphex(sec_pass(&t, 0x4502, PASS_MASTER, 0x66), ==,
                    RC_SECURITY_STATE);
    g_assert_cmphex(sec_pass(&t, 0x4505, PASS_MASTER, 0x66), ==,
                    RC_SECURITY_STATE);
    sec_reset(&t);
    g_assert_cmphex(sec_pass(&t, 0x4502, PASS_MASTER, 0x66), ==, RC_SUCCESS);
    g_assert_cmphex(sec_state(&t), ==, 0);
    /* without a master passphrase, erasing with it is invalid */
    g_assert_cmphex(sec_pass(&t, 0x4505, PASS_MASTER, 0), ==,
                    RC_INVALID_INPUT);

    /* frozen: no change until a reset, which locks */
    g_assert_cmphex(sec_set(&t, PASS_USER, 0, 0x33), ==, RC_SUCCESS);
    g_assert_cmphex(mbox_send(&t, 0x4504, NULL, 0, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    g_assert_cmphex(sec_state(&t), ==, SEC_USER_SET | SEC_FROZEN);
    g_assert_cmphex(sec_set(&t, PASS_USER, 0x33, 0x34), ==,
                    RC_SECURITY_STATE);
    g_assert_cmphex(sec_pass(&t, 0x4502, PASS_USER, 0x33), ==,
                    RC_SECURITY_STATE);
    g_assert_cmphex(sec_pass(&t, 0x4505, PASS_USER, 0x33), ==,
                    RC_SECURITY_STATE);
    sec_reset(&t);
    g_assert_cmphex(sec_state(&t), ==, SEC_USER_SET | SEC_LOCKED);
    g_assert_cmphex(sec_unlock(&t, 0x33), ==, RC_SUCCESS);

    /* Passphrase Secure Erase with the user passphrase */
    map_all(&t);
    write_pattern(&t, 0x5555aaaa5555aaaaull);
    unmap_all(&t);
    g_assert_cmphex(sec_pass(&t, 0x4505, PASS_USER, 0x34), ==,
                    RC_PASSPHRASE);
    g_assert_cmphex(sec_pass(&t, 0x4505, PASS_USER, 0x33), ==, RC_SUCCESS);
    g_assert_cmphex(sec_state(&t), ==, 0);
    g_assert_true(file_is_zero(t.vfile));
    g_assert_true(file_is_zero(t.pfile));
    t3_stop(&t);
}

/* With device-state the passphrases outlive QEMU: locked at start */
static void test_security_persist(void)
{
    g_autofree char *dir = g_dir_make_tmp("cxl-sec-XXXXXX", NULL);
    g_autofree char *file = g_build_filename(dir, "t3.state", NULL);
    g_autofree char *opts = g_strdup_printf(",device-state=%s", file);
    T3 t;

    t3_start_opts(&t, false, opts);
    g_assert_cmphex(sec_set(&t, PASS_MASTER, 0, 0x42), ==, RC_SUCCESS);
    g_assert_cmphex(sec_set(&t, PASS_USER, 0, 0x24), ==, RC_SUCCESS);
    t3_stop(&t);

    t3_start_opts(&t, false, opts);
    g_assert_cmphex(sec_state(&t), ==,
                    SEC_USER_SET | SEC_MASTER_SET | SEC_LOCKED);
    g_assert_cmphex(get_lsa(&t), ==, RC_SECURITY_STATE);
    g_assert_cmphex(sec_unlock(&t, 0x42), ==, RC_PASSPHRASE);
    g_assert_cmphex(sec_unlock(&t, 0x24), ==, RC_SUCCESS);
    g_assert_cmphex(sec_pass(&t, 0x4502, PASS_USER, 0x24), ==, RC_SUCCESS);
    t3_stop(&t);

    t3_start_opts(&t, false, opts);
    g_assert_cmphex(sec_state(&t), ==, SEC_MASTER_SET);
    t3_stop(&t);

    unlink(file);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cxl/type3/supported-features", test_supported_features);
    qtest_add_func("/cxl/type3/feature-round-trip", test_feature_round_trip);
    qtest_add_func("/cxl/type3/durations-feature", test_durations_feature);
    qtest_add_func("/cxl/type3/maintenance", test_maintenance);
    qtest_add_func("/cxl/type3/maintenance-background",
                   test_maintenance_background);
    qtest_add_func("/cxl/type3/feature-persist", test_feature_persist);
    qtest_add_func("/cxl/type3/security", test_security);
    qtest_add_func("/cxl/type3/security-persist", test_security_persist);
    return g_test_run();
}
