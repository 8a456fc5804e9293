/*
 * QTest of the CXL Performance Monitoring Units (hw/cxl/cxl-pmu.c) of a
 * cxl-type3 (num-cpmus, cpmu-counters, cpmu-counter-width): discovery
 * through the register locator, the capability and event capability
 * registers, enable, freeze and unfreeze, reset, overflow with its status
 * and MSI-X interrupt, the HDM decoder filter, counts equal to the reads
 * and writes done through the CXL window with the fast path on (which
 * leaves the device's memory while counting), clock ticks, the counter
 * layout (fixed-function counters 0 to 4, then configurable ones) and
 * counting the way Linux 7.3's cxl_pmu driver programs it, counters
 * that wrap and count on with x-cpmu-ignore-freeze-on-overflow,
 * migration, and bad programming logged as guest errors. Register layout: Linux's
 * drivers/perf/cxl_pmu.c.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/host-utils.h"
#include "qemu/units.h"
#include "libqtest.h"
#include "qobject/qdict.h"
#include "cxl-type3-qtest.h"

#define PMU_CAP             0x0
#define PMU_OVERFLOW        0x10
#define PMU_FREEZE          0x18
#define PMU_EVCAP(n)        (0x100 + 8 * (n))
#define PMU_CFG(n)          (0x200 + 8 * (n))
#define   CFG_TYPE(v)           ((v) & 3)
#define   CFG_ENABLE            (1ull << 8)
#define   CFG_INT               (1ull << 9)
#define   CFG_FREEZE_OVF        (1ull << 10)
#define   CFG_INVERT            (1ull << 12)
#define   CFG_THRESHOLD(t)      ((uint64_t)(t) << 16)
#define   CFG_THRESHOLD_MASK    (0xffull << 16)
#define   CFG_EVENTS(m)         ((uint64_t)(m) << 24)
#define   CFG_EVENTS_OF(v)      ((uint32_t)((v) >> 24))
#define   CFG_GROUP(g)          ((uint64_t)(g) << 59)
#define   CFG_GROUP_OF(v)       ((unsigned)((v) >> 59))
#define PMU_FILTER(n, f)    (0x400 + 4 * ((f) + (n) * 8))
#define PMU_COUNTER(n)      (0xc00 + 8 * (n))

/* our event capability registers */
#define EC_CLOCK            0
#define EC_M2S_REQ          1       /* MemRd, bit 1 */
#define EC_M2S_RWD          2       /* MemWr, bit 1 */
#define EC_S2M_NDR          3       /* Cmp, bit 0 */
#define EC_S2M_DRS          4       /* MemData, bit 0 */

/*
 * Counter n < 5 is the fixed-function counter of event capability n (so
 * 0 clock ticks, 1 MemRd, 2 MemWr, 3 Cmp, 4 MemData); from 5 on they are
 * configurable
 */
#define FIXED(ec, m)        (CFG_GROUP(ec) | CFG_EVENTS(m) | 1)
#define FIXED_CLOCK         FIXED(EC_CLOCK, 1)
#define FIXED_MEMRD         FIXED(EC_M2S_REQ, 2)
#define FIXED_MEMWR         FIXED(EC_M2S_RWD, 2)
#define FIXED_CMP           FIXED(EC_S2M_NDR, 1)
#define FIXED_MEMDATA       FIXED(EC_S2M_DRS, 1)
#define CONF                2       /* a configurable counter at reset */
#define C_CONF              5       /* the first configurable counter */

#define PMU_VECTOR          7
#define PMU_MSI_ADDR        (cxl_qtest_platform.ram + 0x300000ull)
#define PMU_MSI_DATA        0x5a5a0007u

/* The @i'th register block with identifier @id in the register locator */
static uint64_t regloc_nth(T3 *t, unsigned id, unsigned i, unsigned *count)
{
    uint16_t loc = find_dvsec(t, 8, NULL);
    uint32_t len = dcfgl(t, loc + 4) >> 20;
    uint64_t found = 0;
    unsigned n = 0;

    for (unsigned off = 0x0c; off + 8 <= len; off += 8) {
        uint32_t lo = dcfgl(t, loc + off), hi = dcfgl(t, loc + off + 4);

        if (((lo >> 8) & 0xff) != id) {
            continue;
        }
        if (n++ == i) {
            found = t->bar[lo & 7] + ((uint64_t)hi << 32 | (lo & 0xffff0000));
        }
    }
    if (count) {
        *count = n;
    }
    return found;
}

static void start(T3 *t, const char *opts)
{
    t3_start_opts(t, false, opts);
}

static uint64_t rd(T3 *t, uint64_t pmu, unsigned off)
{
    return qtest_readq(t->qts, pmu + off);
}

static void wr(T3 *t, uint64_t pmu, unsigned off, uint64_t v)
{
    qtest_writeq(t->qts, pmu + off, v);
}

/* Configure counter @n to count @events of event capability @ec */
static void count_on(T3 *t, uint64_t pmu, unsigned n, unsigned ec,
                     uint32_t events, uint64_t extra)
{
    wr(t, pmu, PMU_CFG(n), CFG_GROUP(ec) | CFG_EVENTS(events) | CFG_ENABLE |
       CFG_THRESHOLD(1) | extra);
}

static uint64_t mapped(T3 *t)
{
    return cxl_qtest_qom_uint(t->qts, "t3", "x-fast-path-mapped");
}

/* HDM decoders as firmware leaves them: vmem at the window, pmem after */
static void commit_memory(T3 *t)
{
    qtest_writel(t->qts, t->hdm + 4, 1 << 1);
    g_assert_cmphex(dec_commit(t, 0, t->window, 256 * MiB, 0), ==,
                    HDM_CTRL_COMMITTED);
    g_assert_cmphex(dec_commit(t, 1, t->window + 256 * MiB, 512 * MiB, 0),
                    ==, HDM_CTRL_COMMITTED);
    set_mem_enable(t, true);
}

/* MSI-X vector @v writes @data to @addr */
static void msix_vector(T3 *t, unsigned v, uint64_t addr, uint32_t data)
{
    uint8_t msix = cxl_qtest_find_cap(t->qts, DEV_BUS, 0, 0x11);
    uint64_t table = t->bar[4] + (dcfgl(t, msix + 4) & ~7u) + 16 * v;

    qtest_writel(t->qts, table + 0, (uint32_t)addr);
    qtest_writel(t->qts, table + 4, addr >> 32);
    qtest_writel(t->qts, table + 8, data);
    qtest_writel(t->qts, table + 12, 0);
    dcfg_writew(t, msix + 2, 1u << 15);
    qtest_writel(t->qts, addr, 0);
}

static uint16_t msix_table_size(T3 *t)
{
    uint8_t msix = cxl_qtest_find_cap(t->qts, DEV_BUS, 0, 0x11);

    return (dcfgw(t, msix + 2) & 0x7ff) + 1;
}

/* The interrupt is raised from a bottom half: let the main loop run */
static uint32_t msi_wait(T3 *t, uint64_t addr)
{
    uint32_t v = 0;

    for (unsigned i = 0; i < 100 && !v; i++) {
        v = qtest_readl(t->qts, addr);
        if (!v) {
            g_usleep(1000);
        }
    }
    return v;
}

/*
 * The clock-ticks counter, enabled with Interrupt on Overflow 100 ticks
 * below the top of 16 bits, wraps on time: overflow status, the counter
 * at 0, the MSI-X vector
 */
static void clock_wrap(T3 *t, uint64_t pmu)
{
    qtest_clock_step(t->qts, 99);
    g_assert_cmphex(rd(t, pmu, PMU_OVERFLOW), ==, 0);
    qtest_clock_step(t->qts, 1);
    g_assert_cmphex(rd(t, pmu, PMU_OVERFLOW), ==, 1);
    g_assert_cmphex(rd(t, pmu, PMU_COUNTER(0)), ==, 0);
    g_assert_cmphex(msi_wait(t, PMU_MSI_ADDR), ==, PMU_MSI_DATA);
}

/* Without num-cpmus nothing changes: no CPMU block, BAR 0, vectors */
static void test_default_off(void)
{
    T3 t;
    unsigned n;

    start(&t, "");
    g_assert_cmphex(regloc_nth(&t, 4, 0, &n), ==, 0);
    g_assert_cmpuint(n, ==, 0);
    g_assert_cmphex(t.bar_size[0], ==, 64 * KiB);
    g_assert_cmpuint(msix_table_size(&t), ==, 7);
    t3_stop(&t);
}

static void test_discover(void)
{
    T3 t;
    uint64_t pmu[3], cap, v;
    unsigned n;

    start(&t, ",num-cpmus=3,cpmu-counters=8,cpmu-counter-width=40");
    for (unsigned i = 0; i < 3; i++) {
        pmu[i] = regloc_nth(&t, 4, i, &n);
        g_assert_cmpuint(n, ==, 3);
        /* BAR 0, after the component registers, 64 KiB apart */
        g_assert_cmphex(pmu[i], ==, t.bar[0] + (i + 1) * 64 * KiB);
    }
    g_assert_cmphex(t.comp, ==, t.bar[0]);
    g_assert_cmphex(t.bar_size[0], ==, 256 * KiB);
    g_assert_cmpuint(msix_table_size(&t), ==, 8);

    cap = rd(&t, pmu[0], PMU_CAP);
    g_assert_cmpuint(cap & 0x3f, ==, 8 - 1);            /* counters */
    g_assert_cmpuint((cap >> 8) & 0xff, ==, 40);        /* width */
    g_assert_cmpuint((cap >> 20) & 0x1f, ==, 5 - 1);    /* event caps */
    g_assert_cmphex((cap >> 32) & 0xff, ==, 1);         /* HDM filter */
    g_assert_cmpuint((cap >> 44) & 0xf, ==, PMU_VECTOR);
    g_assert_true(cap & (1ull << 48));                  /* writable frozen */
    g_assert_true(cap & (1ull << 49));                  /* freeze */
    g_assert_true(cap & (1ull << 50));                  /* interrupt */
    g_assert_cmpuint(cap >> 60, ==, 1);                 /* version */
    /* 32-bit halves read the same */
    g_assert_cmphex(qtest_readl(t.qts, pmu[0] + 4), ==, cap >> 32);

    /* vendor 1E98h: clock ticks, M2S Req, M2S RwD, S2M NDR, S2M DRS */
    g_assert_cmphex(rd(&t, pmu[0], PMU_EVCAP(EC_CLOCK)), ==,
                    0x1e98ull << 48 | 0x00ull << 32 | 1);
    g_assert_cmphex(rd(&t, pmu[0], PMU_EVCAP(EC_M2S_REQ)), ==,
                    0x1e98ull << 48 | 0x20ull << 32 | 2);
    g_assert_cmphex(rd(&t, pmu[0], PMU_EVCAP(EC_M2S_RWD)), ==,
                    0x1e98ull << 48 | 0x21ull << 32 | 2);
    g_assert_cmphex(rd(&t, pmu[0], PMU_EVCAP(EC_S2M_NDR)), ==,
                    0x1e98ull << 48 | 0x24ull << 32 | 1);
    g_assert_cmphex(rd(&t, pmu[0], PMU_EVCAP(EC_S2M_DRS)), ==,
                    0x1e98ull << 48 | 0x25ull << 32 | 1);
    g_assert_cmphex(rd(&t, pmu[0], PMU_EVCAP(5)), ==, 0);

    /*
     * counters 0 to 4: fixed-function clock ticks, MemRd, MemWr, Cmp,
     * MemData; the others configurable
     */
    v = rd(&t, pmu[0], PMU_CFG(0));
    g_assert_cmpuint(CFG_TYPE(v), ==, 1);
    g_assert_cmphex(v, ==, FIXED_CLOCK);
    g_assert_cmphex(rd(&t, pmu[0], PMU_CFG(1)), ==, FIXED_MEMRD);
    g_assert_cmphex(rd(&t, pmu[0], PMU_CFG(2)), ==, FIXED_MEMWR);
    g_assert_cmphex(rd(&t, pmu[0], PMU_CFG(3)), ==, FIXED_CMP);
    g_assert_cmphex(rd(&t, pmu[0], PMU_CFG(4)), ==, FIXED_MEMDATA);
    for (unsigned i = 5; i < 8; i++) {
        g_assert_cmphex(rd(&t, pmu[0], PMU_CFG(i)), ==, CONF);
    }
    for (unsigned i = 0; i < 8; i++) {
        g_assert_cmphex(qtest_readl(t.qts, pmu[0] + PMU_FILTER(i, 0)), ==,
                        UINT32_MAX);
    }
    g_assert_cmphex(rd(&t, pmu[0], PMU_CFG(8)), ==, 0);
    g_assert_cmphex(rd(&t, pmu[0], PMU_OVERFLOW), ==, 0);
    g_assert_cmphex(rd(&t, pmu[0], PMU_FREEZE), ==, 0);
    t3_stop(&t);
}

/* The fixed counter counts clock ticks: 1 GHz of virtual time */
static void test_clock_ticks(void)
{
    T3 t;
    uint64_t pmu, c;

    start(&t, ",num-cpmus=1");
    pmu = regloc_nth(&t, 4, 0, NULL);
    /* the default: 8 counters of 48 bits */
    g_assert_cmpuint(rd(&t, pmu, PMU_CAP) & 0x3f, ==, 8 - 1);
    g_assert_cmpuint((rd(&t, pmu, PMU_CAP) >> 8) & 0xff, ==, 48);
    wr(&t, pmu, PMU_CFG(0), rd(&t, pmu, PMU_CFG(0)) | CFG_ENABLE);
    c = rd(&t, pmu, PMU_COUNTER(0));
    qtest_clock_step(t.qts, 1000000);                   /* 1 ms */
    g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(0)) - c, ==, 1000000);

    /* frozen: still */
    wr(&t, pmu, PMU_FREEZE, 1);
    g_assert_cmphex(rd(&t, pmu, PMU_FREEZE), ==, 1);
    c = rd(&t, pmu, PMU_COUNTER(0));
    qtest_clock_step(t.qts, 500000);
    g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(0)), ==, c);
    /* writable while frozen */
    wr(&t, pmu, PMU_COUNTER(0), 1000);
    g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(0)), ==, 1000);
    /* unfrozen: on from there */
    wr(&t, pmu, PMU_FREEZE, 0);
    qtest_clock_step(t.qts, 250);
    g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(0)), ==, 1250);
    /* disabled: still */
    wr(&t, pmu, PMU_CFG(0), rd(&t, pmu, PMU_CFG(0)) & ~CFG_ENABLE);
    qtest_clock_step(t.qts, 250);
    g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(0)), ==, 1250);

    /* a configurable counter may count them too */
    count_on(&t, pmu, C_CONF, EC_CLOCK, 1, 0);
    qtest_clock_step(t.qts, 777);
    g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(C_CONF)), ==, 777);
    /* ... but not with a threshold above 1, nor inverted */
    wr(&t, pmu, PMU_CFG(C_CONF), 0);
    wr(&t, pmu, PMU_COUNTER(C_CONF), 0);
    wr(&t, pmu, PMU_CFG(C_CONF), CFG_GROUP(EC_CLOCK) | CFG_EVENTS(1) |
       CFG_ENABLE | CFG_THRESHOLD(2));
    qtest_clock_step(t.qts, 100);
    g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(C_CONF)), ==, 0);
    t3_stop(&t);
}

/*
 * Counts equal the accesses done through the window, with the fast path
 * on: while a traffic counter counts, the device's memory is not mapped;
 * when it stops, it is again. The configurable counters 5 to 8 count the
 * four traffic events here (test_linux_fixed() the fixed ones).
 */
static void test_traffic(void)
{
    T3 t;
    uint64_t pmu, w;
    const unsigned reads = 37, writes = 23;
    const unsigned c_rd = 5, c_wr = 6, c_cmp = 7, c_data = 8;

    start(&t, ",num-cpmus=1,cpmu-counters=9");
    pmu = regloc_nth(&t, 4, 0, NULL);
    commit_memory(&t);
    w = t.window;
    qtest_writeq(t.qts, w, 1);
    g_assert_cmpuint(mapped(&t), >, 0);                 /* fast path */

    count_on(&t, pmu, c_rd, EC_M2S_REQ, 1 << 1, 0);     /* MemRd */
    count_on(&t, pmu, c_wr, EC_M2S_RWD, 1 << 1, 0);     /* MemWr */
    count_on(&t, pmu, c_cmp, EC_S2M_NDR, 1 << 0, 0);    /* Cmp */
    count_on(&t, pmu, c_data, EC_S2M_DRS, 1 << 0, 0);   /* MemData */
    g_assert_cmpuint(mapped(&t), ==, 0);                /* per access */

    for (unsigned i = 0; i < reads; i++) {
        qtest_readq(t.qts, w + 0x10000 + 64 * i);
    }
    for (unsigned i = 0; i < writes; i++) {
        qtest_writel(t.qts, w + 256 * MiB + 0x2000 + 64 * i, i);
    }
    g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(c_rd)), ==, reads);
    g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(c_wr)), ==, writes);
    g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(c_cmp)), ==, writes);
    g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(c_data)), ==, reads);
    /* the fixed counters are not enabled: they stay at 0 */
    for (unsigned i = 0; i < C_CONF; i++) {
        g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(i)), ==, 0);
    }
    /* the data went where it belongs */
    g_assert_cmphex(qtest_readl(t.qts, w + 256 * MiB + 0x2000 + 64 * 5), ==,
                    5);
    g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(c_rd)), ==, reads + 1);

    /* an access across two lines is two of each */
    qtest_readq(t.qts, w + 0x20000 + 60);
    g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(c_rd)), ==, reads + 3);
    g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(c_data)), ==, reads + 3);

    /* frozen: nothing counts, the fast path comes back */
    wr(&t, pmu, PMU_FREEZE, ~0ull);
    g_assert_cmphex(rd(&t, pmu, PMU_FREEZE), ==, 0x1ff);
    g_assert_cmpuint(mapped(&t), >, 0);
    qtest_readq(t.qts, w + 0x10000);
    qtest_writeq(t.qts, w + 0x10000, 7);
    g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(c_rd)), ==, reads + 3);
    g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(c_wr)), ==, writes);
    /* unfrozen: counting again, per access */
    wr(&t, pmu, PMU_FREEZE, 0);
    g_assert_cmpuint(mapped(&t), ==, 0);
    g_assert_cmphex(qtest_readq(t.qts, w + 0x10000), ==, 7);
    g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(c_rd)), ==, reads + 4);

    /* all disabled: back on the fast path, no counts */
    for (unsigned i = c_rd; i <= c_data; i++) {
        wr(&t, pmu, PMU_CFG(i), rd(&t, pmu, PMU_CFG(i)) & ~CFG_ENABLE);
    }
    g_assert_cmpuint(mapped(&t), >, 0);
    qtest_readq(t.qts, w + 0x10000);
    g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(c_rd)), ==, reads + 4);

    /* enabled again from 0: counts on */
    count_on(&t, pmu, c_rd, EC_M2S_REQ, 1 << 1, 0);
    wr(&t, pmu, PMU_COUNTER(c_rd), 0);
    qtest_readb(t.qts, w + 5);
    g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(c_rd)), ==, 1);
    t3_stop(&t);
}

/* The HDM decoder filter: bit n selects what decoder n decodes */
static void test_hdm_filter(void)
{
    T3 t;
    uint64_t pmu, w;

    start(&t, ",num-cpmus=1");
    pmu = regloc_nth(&t, 4, 0, NULL);
    commit_memory(&t);
    w = t.window;
    /* configurable counters 5 to 7 and the fixed MemRd counter 1 */
    qtest_writel(t.qts, pmu + PMU_FILTER(5, 0), 1 << 0);
    qtest_writel(t.qts, pmu + PMU_FILTER(6, 0), 1 << 1);
    qtest_writel(t.qts, pmu + PMU_FILTER(1, 0), 1 << 1);
    g_assert_cmphex(qtest_readl(t.qts, pmu + PMU_FILTER(5, 0)), ==, 1);
    g_assert_cmphex(qtest_readl(t.qts, pmu + PMU_FILTER(6, 0)), ==, 2);
    g_assert_cmphex(qtest_readl(t.qts, pmu + PMU_FILTER(1, 0)), ==, 2);
    for (unsigned i = 5; i < 8; i++) {
        count_on(&t, pmu, i, EC_M2S_REQ, 1 << 1, 0);
    }
    wr(&t, pmu, PMU_CFG(1), rd(&t, pmu, PMU_CFG(1)) | CFG_ENABLE);
    for (unsigned i = 0; i < 5; i++) {
        qtest_readq(t.qts, w + 64 * i);                 /* decoder 0 */
    }
    for (unsigned i = 0; i < 3; i++) {
        qtest_readq(t.qts, w + 256 * MiB + 64 * i);     /* decoder 1 */
    }
    g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(5)), ==, 5);
    g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(6)), ==, 3);
    g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(7)), ==, 8);
    g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(1)), ==, 3);
    /* filter ID 1 (channel/rank/bank) is not there: reads "no filter" */
    g_assert_cmphex(qtest_readl(t.qts, pmu + PMU_FILTER(1, 1)), ==,
                    UINT32_MAX);
    t3_stop(&t);
}

/* Wrap: overflow status (RW1C), the MSI-X vector, freeze on overflow */
static void test_overflow(void)
{
    T3 t;
    uint64_t pmu, w;

    start(&t, ",num-cpmus=2,cpmu-counters=6,cpmu-counter-width=16");
    pmu = regloc_nth(&t, 4, 1, NULL);                   /* the second */
    commit_memory(&t);
    w = t.window;
    msix_vector(&t, PMU_VECTOR, PMU_MSI_ADDR, PMU_MSI_DATA);

    /* counters are 16 bits wide: the bits above read 0 */
    wr(&t, pmu, PMU_COUNTER(1), 0x12345fffeull);
    g_assert_cmphex(rd(&t, pmu, PMU_COUNTER(1)), ==, 0xfffe);
    count_on(&t, pmu, 1, EC_M2S_REQ, 1 << 1, CFG_INT);
    count_on(&t, pmu, 5, EC_S2M_DRS, 1 << 0, 0);
    qtest_readq(t.qts, w);
    g_assert_cmphex(rd(&t, pmu, PMU_OVERFLOW), ==, 0);
    g_assert_cmphex(qtest_readl(t.qts, PMU_MSI_ADDR), ==, 0);
    qtest_readq(t.qts, w + 64);
    qtest_readq(t.qts, w + 128);
    g_assert_cmphex(rd(&t, pmu, PMU_COUNTER(1)), ==, 1);
    g_assert_cmphex(rd(&t, pmu, PMU_COUNTER(5)), ==, 3);
    g_assert_cmphex(rd(&t, pmu, PMU_OVERFLOW), ==, 1 << 1);
    g_assert_cmphex(msi_wait(&t, PMU_MSI_ADDR), ==, PMU_MSI_DATA);
    /* RW1C: writing 0 clears nothing, 1 clears */
    wr(&t, pmu, PMU_OVERFLOW, 0);
    g_assert_cmphex(rd(&t, pmu, PMU_OVERFLOW), ==, 1 << 1);
    wr(&t, pmu, PMU_OVERFLOW, 1 << 1);
    g_assert_cmphex(rd(&t, pmu, PMU_OVERFLOW), ==, 0);

    /* without interrupt enable: status, no interrupt */
    qtest_writel(t.qts, PMU_MSI_ADDR, 0);
    wr(&t, pmu, PMU_COUNTER(5), 0xffff);
    qtest_readq(t.qts, w);
    g_assert_cmphex(rd(&t, pmu, PMU_OVERFLOW), ==, 1 << 5);
    g_assert_cmphex(msi_wait(&t, PMU_MSI_ADDR), ==, 0);
    wr(&t, pmu, PMU_OVERFLOW, ~0ull);

    /* freeze on overflow: every counter stops */
    count_on(&t, pmu, 1, EC_M2S_REQ, 1 << 1, CFG_FREEZE_OVF);
    wr(&t, pmu, PMU_COUNTER(1), 0xffff);
    wr(&t, pmu, PMU_COUNTER(5), 10);
    qtest_readq(t.qts, w);
    g_assert_cmphex(rd(&t, pmu, PMU_FREEZE), ==, 0x3f);
    g_assert_cmphex(rd(&t, pmu, PMU_OVERFLOW), ==, 1 << 1);
    g_assert_cmphex(rd(&t, pmu, PMU_COUNTER(5)), ==, 11);
    qtest_readq(t.qts, w + 64);
    g_assert_cmphex(rd(&t, pmu, PMU_COUNTER(1)), ==, 0);
    g_assert_cmphex(rd(&t, pmu, PMU_COUNTER(5)), ==, 11);
    /* the other instance saw it all */
    g_assert_cmphex(rd(&t, regloc_nth(&t, 4, 0, NULL), PMU_OVERFLOW), ==, 0);

    /* clock ticks wrap on time, with the interrupt */
    qtest_writel(t.qts, PMU_MSI_ADDR, 0);
    wr(&t, pmu, PMU_OVERFLOW, ~0ull);
    wr(&t, pmu, PMU_FREEZE, 0);
    wr(&t, pmu, PMU_CFG(1), rd(&t, pmu, PMU_CFG(1)) & ~CFG_ENABLE);
    wr(&t, pmu, PMU_CFG(5), 0);
    wr(&t, pmu, PMU_COUNTER(0), 0xffff - 99);
    wr(&t, pmu, PMU_CFG(0), rd(&t, pmu, PMU_CFG(0)) | CFG_ENABLE | CFG_INT);
    clock_wrap(&t, pmu);
    t3_stop(&t);
}

/*
 * x-cpmu-ignore-freeze-on-overflow (the workaround for Linux 7.3's
 * cxl_pmu, which never unfreezes): counters preset near the top and
 * programmed as the driver does (enable, interrupt and freeze on
 * overflow) wrap, set their overflow status and raise the interrupt.
 * With the property they count on, and nothing freezes; without it
 * (the default, the spec's behaviour) the same wrap freezes every
 * counter. Traffic (MemRd, MemData) and clock ticks alike.
 */
static void test_ignore_freeze(void)
{
    const uint64_t linux_cfg = CFG_ENABLE | CFG_INT | CFG_FREEZE_OVF;

    for (int on = 0; on < 2; on++) {
        g_autofree char *opts = g_strdup_printf(
            ",num-cpmus=1,cpmu-counter-width=16%s",
            on ? ",x-cpmu-ignore-freeze-on-overflow=on" : "");
        uint64_t pmu, w;
        T3 t;

        start(&t, opts);
        pmu = regloc_nth(&t, 4, 0, NULL);
        commit_memory(&t);
        w = t.window;
        msix_vector(&t, PMU_VECTOR, PMU_MSI_ADDR, PMU_MSI_DATA);
        /* the capabilities still report freeze support (Linux needs it) */
        g_assert_true(rd(&t, pmu, PMU_CAP) & (1ull << 49));

        /* MemRd 2 below the top, MemData at 10 */
        wr(&t, pmu, PMU_FREEZE, ~0ull);
        wr(&t, pmu, PMU_CFG(1), rd(&t, pmu, PMU_CFG(1)) | linux_cfg);
        wr(&t, pmu, PMU_COUNTER(1), 0xfffe);
        wr(&t, pmu, PMU_CFG(4), rd(&t, pmu, PMU_CFG(4)) | linux_cfg);
        wr(&t, pmu, PMU_COUNTER(4), 10);
        wr(&t, pmu, PMU_FREEZE, 0);
        for (unsigned i = 0; i < 5; i++) {
            qtest_readq(t.qts, w + 64 * i);
        }
        g_assert_cmphex(rd(&t, pmu, PMU_OVERFLOW), ==, 1 << 1);
        g_assert_cmphex(msi_wait(&t, PMU_MSI_ADDR), ==, PMU_MSI_DATA);
        g_assert_true(rd(&t, pmu, PMU_CFG(1)) & CFG_FREEZE_OVF);
        if (on) {
            /* 0xfffe + 5 wrapped to 3, and both counted every read */
            g_assert_cmphex(rd(&t, pmu, PMU_FREEZE), ==, 0);
            g_assert_cmphex(rd(&t, pmu, PMU_COUNTER(1)), ==, 3);
            g_assert_cmphex(rd(&t, pmu, PMU_COUNTER(4)), ==, 15);
        } else {
            /* the second read wrapped it: all 8 counters froze there */
            g_assert_cmphex(rd(&t, pmu, PMU_FREEZE), ==, 0xff);
            g_assert_cmphex(rd(&t, pmu, PMU_COUNTER(1)), ==, 0);
            g_assert_cmphex(rd(&t, pmu, PMU_COUNTER(4)), ==, 12);
        }
        /* the interrupt handler clears the status (RW1C) */
        wr(&t, pmu, PMU_OVERFLOW, 1 << 1);
        g_assert_cmphex(rd(&t, pmu, PMU_OVERFLOW), ==, 0);
        qtest_readq(t.qts, w + 64 * 5);
        g_assert_cmphex(rd(&t, pmu, PMU_COUNTER(1)), ==, on ? 4 : 0);
        g_assert_cmphex(rd(&t, pmu, PMU_COUNTER(4)), ==, on ? 16 : 12);
        g_assert_cmphex(rd(&t, pmu, PMU_OVERFLOW), ==, 0);

        /* clock ticks 100 below the top: a wrap on time */
        wr(&t, pmu, PMU_FREEZE, ~0ull);
        wr(&t, pmu, PMU_CFG(1), rd(&t, pmu, PMU_CFG(1)) & ~CFG_ENABLE);
        wr(&t, pmu, PMU_CFG(4), rd(&t, pmu, PMU_CFG(4)) & ~CFG_ENABLE);
        wr(&t, pmu, PMU_OVERFLOW, ~0ull);
        qtest_writel(t.qts, PMU_MSI_ADDR, 0);
        wr(&t, pmu, PMU_CFG(0), rd(&t, pmu, PMU_CFG(0)) | linux_cfg);
        wr(&t, pmu, PMU_COUNTER(0), 0xffff - 99);
        wr(&t, pmu, PMU_FREEZE, 0);
    clock_wrap(&t, pmu);
        qtest_clock_step(t.qts, 50);
        g_assert_cmphex(rd(&t, pmu, PMU_FREEZE), ==, on ? 0 : 0xff);
        g_assert_cmphex(rd(&t, pmu, PMU_COUNTER(0)), ==, on ? 50 : 0);
        if (on) {
            /* ... and the next wrap, 2^16 ticks later, interrupts again */
            wr(&t, pmu, PMU_OVERFLOW, 1);
            qtest_writel(t.qts, PMU_MSI_ADDR, 0);
            qtest_clock_step(t.qts, 0x10000 - 51);
            g_assert_cmphex(rd(&t, pmu, PMU_OVERFLOW), ==, 0);
            g_assert_cmphex(rd(&t, pmu, PMU_COUNTER(0)), ==, 0xffff);
            qtest_clock_step(t.qts, 51);
            g_assert_cmphex(rd(&t, pmu, PMU_OVERFLOW), ==, 1);
            g_assert_cmphex(rd(&t, pmu, PMU_COUNTER(0)), ==, 50);
            g_assert_cmphex(msi_wait(&t, PMU_MSI_ADDR), ==, PMU_MSI_DATA);
        }
        t3_stop(&t);
    }
}

/* A reset puts every register back and the fast path returns */
static void test_reset(void)
{
    T3 t;
    uint64_t pmu;

    start(&t, ",num-cpmus=1");
    pmu = regloc_nth(&t, 4, 0, NULL);
    count_on(&t, pmu, C_CONF, EC_M2S_RWD, 1 << 1, CFG_INT);
    wr(&t, pmu, PMU_CFG(0), rd(&t, pmu, PMU_CFG(0)) | CFG_ENABLE);
    wr(&t, pmu, PMU_CFG(2), rd(&t, pmu, PMU_CFG(2)) | CFG_ENABLE | CFG_INT);
    wr(&t, pmu, PMU_COUNTER(C_CONF), 1234);
    wr(&t, pmu, PMU_COUNTER(2), 99);
    wr(&t, pmu, PMU_FREEZE, 2);
    qtest_writel(t.qts, pmu + PMU_FILTER(C_CONF, 0), 4);
    qtest_system_reset(t.qts);
    platform_init(&t);
    find_regs(&t);
    pmu = regloc_nth(&t, 4, 0, NULL);
    g_assert_cmphex(rd(&t, pmu, PMU_CFG(0)), ==, FIXED_CLOCK);
    g_assert_cmphex(rd(&t, pmu, PMU_CFG(2)), ==, FIXED_MEMWR);
    g_assert_cmphex(rd(&t, pmu, PMU_CFG(C_CONF)), ==, CONF);
    g_assert_cmphex(rd(&t, pmu, PMU_COUNTER(0)), ==, 0);
    g_assert_cmphex(rd(&t, pmu, PMU_COUNTER(2)), ==, 0);
    g_assert_cmphex(rd(&t, pmu, PMU_COUNTER(C_CONF)), ==, 0);
    g_assert_cmphex(rd(&t, pmu, PMU_FREEZE), ==, 0);
    g_assert_cmphex(qtest_readl(t.qts, pmu + PMU_FILTER(C_CONF, 0)), ==,
                    UINT32_MAX);
    qtest_clock_step(t.qts, 1000);
    g_assert_cmphex(rd(&t, pmu, PMU_COUNTER(0)), ==, 0);
    t3_stop(&t);
}

/*
 * Start with @opts, guest errors and unimplemented features logged to a
 * new file; returns its name
 */
static char *start_logged(T3 *t, const char *opts)
{
    g_autofree char *args = NULL;
    g_autoptr(GError) err = NULL;
    char *log = NULL;
    int fd = g_file_open_tmp("cxl-pmu-test-XXXXXX.log", &log, &err);

    g_assert_no_error(err);
    close(fd);
    args = g_strdup_printf("%s -d guest_errors,unimp -D %s", opts, log);
    start(t, args);
    return log;
}

/* Bad programming is logged as a guest error and changes nothing else */
static void test_bad_programming(void)
{
    g_autofree char *log = NULL;
    g_autofree char *text = NULL;
    uint64_t pmu, cap, w;
    T3 t;

    log = start_logged(&t, ",num-cpmus=1");
    pmu = regloc_nth(&t, 4, 0, NULL);
    commit_memory(&t);
    w = t.window;
    cap = rd(&t, pmu, PMU_CAP);

    /* read-only registers */
    wr(&t, pmu, PMU_CAP, 0);
    wr(&t, pmu, PMU_EVCAP(1), 0);
    g_assert_cmphex(rd(&t, pmu, PMU_CAP), ==, cap);
    g_assert_cmphex(rd(&t, pmu, PMU_EVCAP(1)), ==,
                    0x1e98ull << 48 | 0x20ull << 32 | 2);
    /* out-of-range counter and filter indices */
    wr(&t, pmu, PMU_CFG(8), CFG_ENABLE);
    wr(&t, pmu, PMU_CFG(63), CFG_ENABLE);
    wr(&t, pmu, PMU_COUNTER(9), 5);
    qtest_writel(t.qts, pmu + PMU_FILTER(11, 0), 1);
    g_assert_cmphex(rd(&t, pmu, PMU_CFG(8)), ==, 0);
    g_assert_cmphex(rd(&t, pmu, PMU_COUNTER(9)), ==, 0);
    /* the fixed counters' type, group and events are read-only */
    wr(&t, pmu, PMU_CFG(0), CFG_GROUP(EC_M2S_REQ) | CFG_EVENTS(2) | 2);
    g_assert_cmphex(rd(&t, pmu, PMU_CFG(0)), ==, FIXED_CLOCK);
    wr(&t, pmu, PMU_CFG(3), CFG_GROUP(EC_CLOCK) | CFG_EVENTS(1) | 2 |
       CFG_ENABLE);
    g_assert_cmphex(rd(&t, pmu, PMU_CFG(3)), ==, FIXED_CMP | CFG_ENABLE);
    wr(&t, pmu, PMU_CFG(3), FIXED_CMP);
    /* reserved bits, a reserved event capability, reserved events */
    wr(&t, pmu, PMU_CFG(5), 0xfcull | CFG_ENABLE | CFG_GROUP(EC_M2S_REQ) |
       CFG_EVENTS(2));
    g_assert_cmphex(rd(&t, pmu, PMU_CFG(5)), ==,
                    2 | CFG_ENABLE | CFG_GROUP(EC_M2S_REQ) | CFG_EVENTS(2));
    count_on(&t, pmu, 6, 7, 1, 0);
    count_on(&t, pmu, 7, EC_M2S_REQ, 0xfffffffd, 0);
    qtest_readq(t.qts, w);
    g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(5)), ==, 1);
    g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(6)), ==, 0);
    g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(7)), ==, 0);
    /* invert is not implemented: counts nothing */
    count_on(&t, pmu, 7, EC_M2S_REQ, 2, CFG_INVERT);
    qtest_readq(t.qts, w);
    g_assert_cmpuint(rd(&t, pmu, PMU_COUNTER(7)), ==, 0);
    /* an unsupported filter */
    qtest_writel(t.qts, pmu + PMU_FILTER(5, 1), 5);
    g_assert_cmphex(qtest_readl(t.qts, pmu + PMU_FILTER(5, 1)), ==,
                    UINT32_MAX);
    /* reserved space, and past the registers */
    wr(&t, pmu, 0x8, 1);
    wr(&t, pmu, 0xe00, 1);
    g_assert_cmphex(rd(&t, pmu, 0x8), ==, 0);
    g_assert_cmphex(rd(&t, pmu, 0xe00), ==, 0);
    /* QEMU lives */
    g_assert_cmphex(rd(&t, pmu, PMU_CAP), ==, cap);
    t3_stop(&t);

    g_assert_true(g_file_get_contents(log, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, "read-only or reserved register 0x0"));
    g_assert_nonnull(strstr(text, "read-only or reserved register 0x108"));
    g_assert_nonnull(strstr(text, "counter 8 does not exist"));
    g_assert_nonnull(strstr(text, "counter 63 does not exist"));
    g_assert_nonnull(strstr(text, "counter 9 does not exist"));
    g_assert_nonnull(strstr(text, "filter 0 of counter 11: no such "
                            "counter"));
    g_assert_nonnull(strstr(text, "counter 0 configuration: read-only"));
    g_assert_nonnull(strstr(text, "counter 3 configuration: read-only"));
    g_assert_nonnull(strstr(text, "counter 5 configuration: read-only"));
    g_assert_nonnull(strstr(text, "event capability 7 does not exist"));
    g_assert_nonnull(strstr(text, "reserved events 0xfffffffd of group "
                            "0x20"));
    g_assert_nonnull(strstr(text, "invert is not implemented"));
    g_assert_nonnull(strstr(text, "filter ID 1 is not supported"));
    g_assert_nonnull(strstr(text, "past the registers"));
    unlink(log);
}

/* ---- counting the way Linux 7.3's drivers/perf/cxl_pmu.c programs it ---- */

/* A perf event of the driver: its config's gid and mask (vid 1E98h) */
typedef struct PerfEvent {
    const char *name;
    uint16_t gid;
    uint32_t mask;
} PerfEvent;

static const PerfEvent perf_events[] = {
    { "clock_ticks", 0x00, 1 << 0 },
    { "m2s_req_memrd", 0x20, 1 << 1 },
    { "m2s_rwd_memwr", 0x21, 1 << 1 },
    { "s2m_ndr_cmp", 0x24, 1 << 0 },
    { "s2m_drs_memdata", 0x25, 1 << 0 },
};

/* What the driver's cxl_pmu_parse_caps() makes of a CPMU */
typedef struct LinuxPMU {
    unsigned nr;                        /* counters */
    bool filter_hdm;
    uint64_t fixed;                     /* the fixed counters... */
    uint16_t vid[64], gid[64];          /* ... with their event capability */
    uint32_t mask[64];                  /* ... and their Events field */
    uint64_t conf;                      /* the configurable counters */
    uint64_t conf_evcaps;               /* event capabilities they may use */
    uint64_t evcap[32];
} LinuxPMU;

static void linux_parse_caps(T3 *t, uint64_t pmu, LinuxPMU *l)
{
    uint64_t cap = rd(t, pmu, PMU_CAP), fixed_evcaps = 0;
    unsigned nr_evcaps = ((cap >> 20) & 0x1f) + 1;

    memset(l, 0, sizeof(*l));
    /* the driver refuses a CPMU whose counters cannot be written frozen */
    g_assert_true(cap & (1ull << 48) && cap & (1ull << 49));
    l->nr = (cap & 0x3f) + 1;
    l->filter_hdm = (cap >> 32) & 1;
    for (unsigned n = 0; n < l->nr; n++) {
        uint64_t v = rd(t, pmu, PMU_CFG(n)), ec;

        if (CFG_TYPE(v) == 2) {
            l->conf |= 1ull << n;
        }
        if (CFG_TYPE(v) != 1) {
            continue;
        }
        ec = rd(t, pmu, PMU_EVCAP(CFG_GROUP_OF(v)));
        l->fixed |= 1ull << n;
        l->vid[n] = ec >> 48;
        l->gid[n] = ec >> 32;
        l->mask[n] = CFG_EVENTS_OF(v);  /* the counter's, not the evcap's */
        fixed_evcaps |= 1ull << CFG_GROUP_OF(v);
    }
    for (unsigned j = 0; l->conf && j < nr_evcaps; j++) {
        /* configurable counters get the event capabilities left over */
        if (!(fixed_evcaps & (1ull << j))) {
            l->conf_evcaps |= 1ull << j;
            l->evcap[j] = rd(t, pmu, PMU_EVCAP(j));
        }
    }
}

/*
 * cxl_pmu_get_event_idx(): the counter the driver gives @e with the
 * counters @used taken, or -1 (-EINVAL). A fixed counter whose group and
 * events match exactly first, else the first free configurable one.
 */
static int linux_counter(LinuxPMU *l, const PerfEvent *e, uint64_t used)
{
    for (unsigned n = 0; n < l->nr; n++) {
        if ((l->fixed & (1ull << n)) && l->vid[n] == 0x1e98 &&
            l->gid[n] == e->gid && l->mask[n] == e->mask &&
            !(used & (1ull << n))) {
            return n;
        }
    }
    for (unsigned j = 0; j < 32; j++) {
        uint64_t ec = l->evcap[j];

        if ((l->conf_evcaps & (1ull << j)) && ec >> 48 == 0x1e98 &&
            (uint16_t)(ec >> 32) == e->gid && !(e->mask & ~(uint32_t)ec)) {
            uint64_t free = l->conf & ~used;

            return free ? ctz64(free) : -1;
        }
    }
    return -1;
}

/* cxl_pmu_event_start() of @e on counter @n */
static void linux_start(T3 *t, uint64_t pmu, LinuxPMU *l, unsigned n,
                        const PerfEvent *e)
{
    uint64_t cfg;

    if (l->filter_hdm) {
        qtest_writel(t->qts, pmu + PMU_FILTER(n, 0), UINT32_MAX);
    }
    cfg = rd(t, pmu, PMU_CFG(n));
    cfg |= CFG_INT | CFG_FREEZE_OVF | CFG_ENABLE;   /* no edge, no invert */
    if (l->conf & (1ull << n)) {
        /* Linux 7.3 never sets the event index: 0 */
        cfg |= CFG_GROUP(0) | CFG_EVENTS(e->mask);
    }
    cfg &= ~CFG_THRESHOLD_MASK;                     /* threshold 0 */
    wr(t, pmu, PMU_CFG(n), cfg);
    wr(t, pmu, PMU_COUNTER(n), 0);
}

/* cxl_pmu_event_stop(): the count, and the counter disabled */
static uint64_t linux_stop(T3 *t, uint64_t pmu, unsigned n)
{
    uint64_t c = rd(t, pmu, PMU_COUNTER(n));

    wr(t, pmu, PMU_CFG(n), rd(t, pmu, PMU_CFG(n)) & ~(CFG_INT | CFG_ENABLE));
    return c;
}

/*
 * perf stat of the five events on a default CPMU, programmed the way the
 * driver does: each lands on its fixed counter (enable, interrupt and
 * freeze on overflow written, group and events left as they are) and
 * counts exactly the traffic, with no guest error logged.
 */
static void test_linux_fixed(void)
{
    g_autofree char *log = NULL;
    g_autofree char *text = NULL;
    const unsigned reads = 1000, writes = 777, ns = 54321;
    const PerfEvent *ev = perf_events;
    int idx[ARRAY_SIZE(perf_events)];
    uint64_t pmu, used = 0, count[ARRAY_SIZE(perf_events)];
    LinuxPMU l;
    T3 t;

    log = start_logged(&t, ",num-cpmus=1");
    pmu = regloc_nth(&t, 4, 0, NULL);
    commit_memory(&t);

    /* probe: five fixed counters, three configurable ones with no event */
    linux_parse_caps(&t, pmu, &l);
    g_assert_cmpuint(l.nr, ==, 8);
    g_assert_cmphex(l.fixed, ==, 0x1f);
    g_assert_cmphex(l.conf, ==, 0xe0);
    g_assert_cmphex(l.conf_evcaps, ==, 0);
    g_assert_true(l.filter_hdm);

    /* event_init/add: fixed counter n for event n */
    for (unsigned i = 0; i < ARRAY_SIZE(perf_events); i++) {
        idx[i] = linux_counter(&l, &ev[i], used);
        g_assert_cmpint(idx[i], ==, i);
        used |= 1ull << idx[i];
    }
    /* a second m2s_req_memrd finds no counter: -EINVAL, nothing wrong */
    g_assert_cmpint(linux_counter(&l, &ev[1], used), ==, -1);
    /* events of groups we have but do not count: none (MemInv, MemWrPtl) */
    g_assert_cmpint(linux_counter(&l, &(PerfEvent){ "", 0x20, 1 }, 0), ==,
                    -1);
    g_assert_cmpint(linux_counter(&l, &(PerfEvent){ "", 0x21, 4 }, 0), ==,
                    -1);

    /* pmu_disable, add + start each, pmu_enable */
    wr(&t, pmu, PMU_FREEZE, ~0ull);
    for (unsigned i = 0; i < ARRAY_SIZE(perf_events); i++) {
        linux_start(&t, pmu, &l, idx[i], &ev[i]);
        g_assert_cmphex(rd(&t, pmu, PMU_CFG(idx[i])), ==,
                        FIXED(i, ev[i].mask) | CFG_ENABLE | CFG_INT |
                        CFG_FREEZE_OVF);
    }
    wr(&t, pmu, PMU_FREEZE, 0);
    g_assert_cmpuint(mapped(&t), ==, 0);

    /* the program: one 8-byte access per line */
    for (unsigned i = 0; i < reads; i++) {
        qtest_readq(t.qts, t.window + 64 * i);
    }
    for (unsigned i = 0; i < writes; i++) {
        qtest_writeq(t.qts, t.window + 256 * MiB + 65536 + 64 * i, i);
    }
    qtest_clock_step(t.qts, ns);

    /* pmu_disable, stop + del each */
    wr(&t, pmu, PMU_FREEZE, ~0ull);
    for (unsigned i = 0; i < ARRAY_SIZE(perf_events); i++) {
        count[i] = linux_stop(&t, pmu, idx[i]);
    }
    g_assert_cmpuint(count[0], ==, ns);                 /* clock_ticks */
    g_assert_cmpuint(count[1], ==, reads);              /* m2s_req_memrd */
    g_assert_cmpuint(count[2], ==, writes);             /* m2s_rwd_memwr */
    g_assert_cmpuint(count[3], ==, writes);             /* s2m_ndr_cmp */
    g_assert_cmpuint(count[4], ==, reads);              /* s2m_drs_memdata */
    wr(&t, pmu, PMU_FREEZE, 0);
    g_assert_cmpuint(mapped(&t), >, 0);                 /* fast path again */
    g_assert_cmphex(rd(&t, pmu, PMU_OVERFLOW), ==, 0);
    t3_stop(&t);

    /* the driver's programming is all valid */
    g_assert_true(g_file_get_contents(log, &text, NULL, NULL));
    g_assert_null(strstr(text, "CPMU"));
    unlink(log);
}

/*
 * Fewer counters: the fixed ones in the order clock ticks, MemRd, MemWr,
 * Cmp, MemData, as many as there are; configurable ones from counter 5
 */
static void test_fewer_counters(void)
{
    static const struct {
        unsigned counters;
        uint64_t fixed, conf;
    } cases[] = {
        { 1, 0x1, 0 }, { 3, 0x7, 0 }, { 5, 0x1f, 0 }, { 6, 0x1f, 0x20 },
    };

    for (unsigned c = 0; c < ARRAY_SIZE(cases); c++) {
        g_autofree char *opts = g_strdup_printf(",num-cpmus=1,"
                                                "cpmu-counters=%u",
                                                cases[c].counters);
        uint64_t pmu;
        LinuxPMU l;
        T3 t;

        start(&t, opts);
        pmu = regloc_nth(&t, 4, 0, NULL);
        linux_parse_caps(&t, pmu, &l);
        g_assert_cmpuint(l.nr, ==, cases[c].counters);
        g_assert_cmphex(l.fixed, ==, cases[c].fixed);
        g_assert_cmphex(l.conf, ==, cases[c].conf);
        g_assert_cmphex(l.conf_evcaps, ==, 0);
        for (unsigned i = 0; i < ARRAY_SIZE(perf_events); i++) {
            /* perf lists an event when it finds a counter for it */
            g_assert_cmpint(linux_counter(&l, &perf_events[i], 0), ==,
                            i < cases[c].counters ? (int)i : -1);
        }
        t3_stop(&t);
    }
}

/* ---- migration ---- */

/* Every register of every counter, the fast path state and counting go on */
static void test_migrate(void)
{
    const char *opts = ",num-cpmus=2,cpmu-counters=6,cpmu-counter-width=20";
    g_autofree char *args = t3_cmdline(opts);
    g_autofree char *dir = g_dir_make_tmp("cxl-pmu-test-XXXXXX", NULL);
    g_autofree char *file = g_build_filename(dir, "stream", NULL);
    g_autofree char *uri = g_strdup_printf("file:%s", file);
    g_autofree char *plain = t3_cmdline("");
    uint64_t pmu[2], regs[2][0x1000 / 8];
    int64_t clock;
    QTestState *bad;
    bool ok;
    T3 t, d;

    start(&t, opts);
    commit_memory(&t);
    for (unsigned i = 0; i < 2; i++) {
        pmu[i] = regloc_nth(&t, 4, i, NULL);
    }
    wr(&t, pmu[0], PMU_CFG(0), rd(&t, pmu[0], PMU_CFG(0)) | CFG_ENABLE);
    /* fixed counters 1 to 3 and configurable ones */
    qtest_writel(t.qts, pmu[0] + PMU_FILTER(1, 0), 1);
    wr(&t, pmu[0], PMU_CFG(1), rd(&t, pmu[0], PMU_CFG(1)) | CFG_ENABLE |
       CFG_INT);
    wr(&t, pmu[0], PMU_CFG(2), rd(&t, pmu[0], PMU_CFG(2)) | CFG_ENABLE |
       CFG_FREEZE_OVF);
    wr(&t, pmu[0], PMU_COUNTER(3), 0xfffff);
    wr(&t, pmu[0], PMU_CFG(3), rd(&t, pmu[0], PMU_CFG(3)) | CFG_ENABLE);
    count_on(&t, pmu[0], 5, EC_M2S_REQ, 1 << 1, 0);
    count_on(&t, pmu[1], 5, EC_S2M_DRS, 1, 0);
    count_on(&t, pmu[1], 1, EC_M2S_REQ, 1 << 1, 0);
    wr(&t, pmu[1], PMU_FREEZE, 1 << 5);
    for (unsigned i = 0; i < 7; i++) {
        qtest_readq(t.qts, t.window + 64 * i);
    }
    qtest_writeq(t.qts, t.window + 0x1000, 99);         /* counter 3 wraps */
    qtest_clock_step(t.qts, 12345);
    for (unsigned i = 0; i < 2; i++) {
        for (unsigned r = 0; r < 0x1000 / 8; r++) {
            regs[i][r] = rd(&t, pmu[i], 8 * r);
        }
    }
    g_assert_cmphex(regs[0][PMU_OVERFLOW / 8], ==, 1 << 3);
    g_assert_cmpuint(regs[0][PMU_COUNTER(1) / 8], ==, 7);
    g_assert_cmpuint(regs[0][PMU_COUNTER(5) / 8], ==, 7);
    g_assert_cmpuint(regs[1][PMU_COUNTER(1) / 8], ==, 7);
    g_assert_cmpuint(regs[1][PMU_COUNTER(5) / 8], ==, 0);
    g_assert_cmpuint(mapped(&t), ==, 0);

    qtest_qmp_assert_success(t.qts, "{'execute': 'migrate', "
                             "'arguments': {'uri': %s}}", uri);
    g_assert_true(cxl_qtest_mig_wait(t.qts));
    clock = qtest_clock_step(t.qts, 1);

    d = t;
    d.qts = cxl_qtest_mig_load(args, file, clock, &ok);
    g_assert_true(ok);
    for (unsigned i = 0; i < 2; i++) {
        for (unsigned r = 0; r < 0x1000 / 8; r++) {
            g_assert_cmphex(rd(&d, pmu[i], 8 * r), ==, regs[i][r]);
        }
    }
    /* counting goes on, off the fast path; so do the clock ticks */
    g_assert_cmpuint(mapped(&d), ==, 0);
    qtest_readq(d.qts, d.window);
    qtest_readq(d.qts, d.window + 256 * MiB);           /* decoder 1 */
    g_assert_cmpuint(rd(&d, pmu[0], PMU_COUNTER(1)), ==, 8);
    g_assert_cmpuint(rd(&d, pmu[0], PMU_COUNTER(5)), ==, 9);
    g_assert_cmpuint(rd(&d, pmu[1], PMU_COUNTER(1)), ==, 9);
    g_assert_cmpuint(rd(&d, pmu[1], PMU_COUNTER(5)), ==, 0);  /* frozen */
    qtest_clock_step(d.qts, 1000);
    g_assert_cmpuint(rd(&d, pmu[0], PMU_COUNTER(0)), ==,
                     regs[0][PMU_COUNTER(0) / 8] + 1000);

    /* a destination without CPMUs refuses the stream */
    bad = cxl_qtest_mig_load(plain, file, clock, &ok);
    g_assert_false(ok);
    qtest_quit(bad);

    qtest_quit(d.qts);
    t3_stop(&t);
    unlink(file);
    rmdir(dir);
}

/* Bad property values fail to start */
static void test_bad_properties(void)
{
    static const char *const bad[][2] = {
        { "num-cpmus=9", "at most 8 CPMU instances" },
        { "num-cpmus=1,cpmu-counters=0", "1 to 64 counters" },
        { "num-cpmus=1,cpmu-counters=65", "1 to 64 counters" },
        { "num-cpmus=1,cpmu-counter-width=7", "8 to 63 bits" },
        { "num-cpmus=1,cpmu-counter-width=64", "8 to 63 bits" },
    };

    for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
        g_autofree char *args = g_strdup_printf(
            "-machine q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G "
            "-object memory-backend-ram,id=vmem0,size=256M "
            "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 "
            "-device cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2 "
            "-device cxl-type3,bus=rp0,volatile-memdev=vmem0,%s", bad[i][0]);
        g_autofree char *err = cxl_qtest_start_error(args);

        g_assert_nonnull(strstr(err, bad[i][1]));
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cxl/pmu/default-off", test_default_off);
    qtest_add_func("/cxl/pmu/discover", test_discover);
    qtest_add_func("/cxl/pmu/clock-ticks", test_clock_ticks);
    qtest_add_func("/cxl/pmu/traffic", test_traffic);
    qtest_add_func("/cxl/pmu/hdm-filter", test_hdm_filter);
    qtest_add_func("/cxl/pmu/overflow", test_overflow);
    qtest_add_func("/cxl/pmu/ignore-freeze", test_ignore_freeze);
    qtest_add_func("/cxl/pmu/reset", test_reset);
    qtest_add_func("/cxl/pmu/bad-programming", test_bad_programming);
    qtest_add_func("/cxl/pmu/linux-fixed", test_linux_fixed);
    qtest_add_func("/cxl/pmu/fewer-counters", test_fewer_counters);
    qtest_add_func("/cxl/pmu/migrate", test_migrate);
    qtest_add_func("/cxl/pmu/bad-properties", test_bad_properties);
    return g_test_run();
}
