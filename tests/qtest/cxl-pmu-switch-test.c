/*
 * QTest of the CPMUs of CXL ports (hw/cxl/cxl-pmu.c on cxl-rp,
 * cxl-upstream and cxl-downstream; Linux 7.3 binds no CPMU driver on
 * ports, so this is where they are tested): discovery through each
 * port's register locator, counts of the traffic routed through each
 * port of a 2-way region behind a switch (each downstream port sees
 * half, the upstream and root port all of it), and the overflow
 * interrupt through the port's MSI.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "libqtest.h"
#include "cxl-switch-qtest.h"

#define PMU_CAP             0x0
#define PMU_OVERFLOW        0x10
#define PMU_CFG(n)          (0x200 + 8 * (n))
#define   CFG_ENABLE            (1ull << 8)
#define   CFG_INT               (1ull << 9)
#define   CFG_THRESHOLD(t)      ((uint64_t)(t) << 16)
#define   CFG_EVENTS(m)         ((uint64_t)(m) << 24)
#define   CFG_GROUP(g)          ((uint64_t)(g) << 59)
#define PMU_COUNTER(n)      (0xc00 + 8 * (n))

#define EC_M2S_REQ          1       /* MemRd, bit 1 */
#define EC_M2S_RWD          2       /* MemWr, bit 1 */

/*
 * Counter n < 5 is the fixed-function counter of event capability n with
 * these events: clock ticks, MemRd, MemWr, Cmp, MemData
 */
static const uint32_t fixed_events[5] = { 1, 2, 2, 1, 1 };

#define MSI_ADDR            (cxl_qtest_platform.ram + 0x300000ull)
#define MSI_DATA            0x4d5349u

#define GLOBALS \
    "-global cxl-rp.num-cpmus=1 -global cxl-upstream.num-cpmus=1 " \
    "-global cxl-downstream.num-cpmus=2"

/* The @i'th CPMU of function @f, and how many it has */
static uint64_t pmu_of(Sw *s, int f, unsigned i, unsigned *count)
{
    uint16_t loc = find_dvsec(s, f, 8, NULL);
    uint32_t len = cfgl(s, f, loc + 4) >> 20;
    uint64_t found = 0;
    unsigned n = 0;

    for (unsigned off = 0x0c; off + 8 <= len; off += 8) {
        uint32_t lo = cfgl(s, f, loc + off), hi = cfgl(s, f, loc + off + 4);

        if (((lo >> 8) & 0xff) == 4 && n++ == i) {
            found = s->bar[f][lo & 7] +
                    ((uint64_t)hi << 32 | (lo & 0xffff0000));
        }
    }
    if (count) {
        *count = n;
    }
    return found;
}

static void count_on(Sw *s, uint64_t pmu, unsigned n, unsigned ec,
                     uint32_t events, uint64_t extra)
{
    qtest_writeq(s->qts, pmu + PMU_CFG(n), CFG_GROUP(ec) | CFG_EVENTS(events) |
                 CFG_ENABLE | CFG_THRESHOLD(1) | extra);
}

static uint64_t counter(Sw *s, uint64_t pmu, unsigned n)
{
    return qtest_readq(s->qts, pmu + PMU_COUNTER(n));
}

static void test_discover(void)
{
    static const unsigned nr[] = { [RP] = 1, [USP] = 1, [DSP3] = 2,
                                   [DSP5] = 2, [EP1] = 0, [EP2] = 0 };
    Sw s;

    sw_start_with(&s, GLOBALS);
    for (int f = RP; f <= EP2; f++) {
        unsigned n;
        uint64_t cap;

        pmu_of(&s, f, 0, &n);
        g_assert_cmpuint(n, ==, nr[f]);
        for (unsigned i = 0; i < n; i++) {
            uint64_t pmu = pmu_of(&s, f, i, NULL);

            /* BAR 0, after the component registers */
            g_assert_cmphex(pmu, ==, s.bar[f][0] + (i + 1) * 64 * KiB);
            cap = qtest_readq(s.qts, pmu + PMU_CAP);
            g_assert_cmpuint(cap & 0x3f, ==, 8 - 1);     /* the default */
            g_assert_cmpuint((cap >> 8) & 0xff, ==, 48);
            g_assert_cmphex((cap >> 32) & 0xff, ==, 0);     /* no filters */
            g_assert_cmpuint((cap >> 44) & 0xf, ==, 0);     /* MSI 0 */
            /* fixed counters: 0 clock ticks, 1 MemRd, ..., 4 MemData */
            for (unsigned k = 0; k < 8; k++) {
                uint64_t v = qtest_readq(s.qts, pmu + PMU_CFG(k));

                g_assert_cmphex(v, ==, k < 5 ?
                                CFG_GROUP(k) | CFG_EVENTS(fixed_events[k]) | 1
                                : 2);
            }
        }
    }
    sw_stop(&s);
}

/* A 2-way region behind the switch: each downstream port sees half */
static void test_routed_counts(void)
{
    const int fns[] = { RP, USP, DSP3, DSP5 };
    const unsigned lines = 40;
    uint64_t pmu[ARRAY_SIZE(fns)][2], usp_hdm;
    Sw s;

    sw_start_with(&s, GLOBALS);
    for (unsigned i = 0; i < ARRAY_SIZE(fns); i++) {
        for (unsigned k = 0; k < (fns[i] >= DSP3 ? 2 : 1); k++) {
            pmu[i][k] = pmu_of(&s, fns[i], k, NULL);
            /* the fixed counters 1 and 2, and configurable 5 and 6 */
            count_on(&s, pmu[i][k], 1, EC_M2S_REQ, 1 << 1, 0);
            count_on(&s, pmu[i][k], 2, EC_M2S_RWD, 1 << 1, 0);
            count_on(&s, pmu[i][k], 5, EC_M2S_REQ, 1 << 1, 0);
            count_on(&s, pmu[i][k], 6, EC_M2S_RWD, 1 << 1, 0);
        }
    }
    sw_enable_devices(&s);
    usp_hdm = cxl_qtest_cm_cap(s.qts, s.comp[USP], 5);
    g_assert_cmphex(sw_commit_2way(&s, usp_hdm, 3 | 5 << 8), ==,
                    HDM_CTRL_COMMITTED);

    /* 1 KiB granules: even ones below port 3, odd ones below port 5 */
    for (unsigned i = 0; i < lines; i++) {
        qtest_writeq(s.qts, s.window + 1 * KiB * i, i);
    }
    for (unsigned i = 0; i < lines; i++) {
        g_assert_cmphex(qtest_readq(s.qts, s.window + 1 * KiB * i), ==, i);
    }
    /* three more reads, all of port 5 */
    for (unsigned i = 0; i < 3; i++) {
        qtest_readl(s.qts, s.window + 1 * KiB + 64 * i);
    }
    for (unsigned c = 1; c <= 5; c += 4) {
        for (unsigned i = 0; i < 2; i++) {
            g_assert_cmpuint(counter(&s, pmu[i][0], c), ==, lines + 3);
            g_assert_cmpuint(counter(&s, pmu[i][0], c + 1), ==, lines);
        }
        for (unsigned k = 0; k < 2; k++) {
            g_assert_cmpuint(counter(&s, pmu[2][k], c), ==, lines / 2);
            g_assert_cmpuint(counter(&s, pmu[2][k], c + 1), ==, lines / 2);
            g_assert_cmpuint(counter(&s, pmu[3][k], c), ==, lines / 2 + 3);
            g_assert_cmpuint(counter(&s, pmu[3][k], c + 1), ==, lines / 2);
        }
    }
    /* unclaimed requests reach no port's counters below the USP... */
    qtest_writel(s.qts, cxl_qtest_hdm_dec(usp_hdm, 0, HDM_DEC_CTRL), 0);
    g_assert_cmphex(qtest_readq(s.qts, s.window), ==, UINT64_MAX);
    g_assert_cmpuint(counter(&s, pmu[2][0], 1), ==, lines / 2);
    /* ... nor above it: the route did not reach a memory device */
    g_assert_cmpuint(counter(&s, pmu[0][0], 1), ==, lines + 3);
    sw_stop(&s);
}

/* A port's counter wraps: overflow status and the port's MSI */
static void test_port_overflow(void)
{
    Sw s;
    uint64_t pmu, usp_hdm, msi = 0;
    uint8_t cap;
    uint32_t v = 0;

    sw_start_with(&s, GLOBALS " -global cxl-downstream.cpmu-counter-width=16");
    pmu = pmu_of(&s, DSP5, 1, NULL);
    cap = cxl_qtest_find_cap(s.qts, fn_at[DSP5].bus, fn_at[DSP5].dev, 0x05);
    g_assert_cmphex(cap, !=, 0);
    msi = cfg(DSP5, cap);
    qtest_writel(s.qts, msi + 4, (uint32_t)MSI_ADDR);
    qtest_writel(s.qts, msi + 8, MSI_ADDR >> 32);
    qtest_writew(s.qts, msi + 12, MSI_DATA & 0xffff);
    qtest_writew(s.qts, msi + 2, qtest_readw(s.qts, msi + 2) | 1);
    qtest_writel(s.qts, MSI_ADDR, 0);

    sw_enable_devices(&s);
    usp_hdm = cxl_qtest_cm_cap(s.qts, s.comp[USP], 5);
    g_assert_cmphex(sw_commit_2way(&s, usp_hdm, 3 | 5 << 8), ==,
                    HDM_CTRL_COMMITTED);
    qtest_writeq(s.qts, pmu + PMU_COUNTER(1), 0xffff);
    count_on(&s, pmu, 1, EC_M2S_REQ, 1 << 1, CFG_INT);
    qtest_readq(s.qts, s.window);                       /* port 3 */
    g_assert_cmphex(qtest_readq(s.qts, pmu + PMU_OVERFLOW), ==, 0);
    qtest_readq(s.qts, s.window + 1 * KiB);             /* port 5 */
    g_assert_cmphex(qtest_readq(s.qts, pmu + PMU_OVERFLOW), ==, 1 << 1);
    g_assert_cmpuint(counter(&s, pmu, 1), ==, 0);
    for (unsigned i = 0; i < 100 && !v; i++) {
        v = qtest_readl(s.qts, MSI_ADDR);
        if (!v) {
            g_usleep(1000);
        }
    }
    g_assert_cmphex(v, ==, MSI_DATA & 0xffff);
    sw_stop(&s);
}

static void test_bad_properties(void)
{
    expect_start_error("-device cxl-upstream,bus=rp0,id=us0,num-cpmus=9",
                       "cxl-upstream: num-cpmus: at most 8");
    expect_start_error("-device cxl-upstream,bus=rp0,id=us0 "
                       "-device cxl-downstream,port=0,bus=us0,id=ds0,"
                       "chassis=0,slot=4,cpmu-counters=65",
                       "cxl-downstream: cpmu-counters: 1 to 64");
    expect_start_error("-device cxl-rp,port=1,bus=cxl.1,id=rp1,chassis=0,"
                       "slot=3,cpmu-counter-width=4",
                       "cxl-rp: cpmu-counter-width: 8 to 63");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cxl/pmu-switch/discover", test_discover);
    qtest_add_func("/cxl/pmu-switch/routed-counts", test_routed_counts);
    qtest_add_func("/cxl/pmu-switch/port-overflow", test_port_overflow);
    qtest_add_func("/cxl/pmu-switch/bad-properties", test_bad_properties);
    return g_test_run();
}
