/*
 * qtest: media management of the cxl-type3 device through its mailbox
 * (see cxl-type3-qtest.h for the topology): firmware update, poison
 * (Get/Inject/Clear Poison, Scan Media, reads of poisoned lines through
 * the window, QMP cxl-inject-poison), Sanitize, Secure Erase and Media
 * Operations, with their effect on the backend files.
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

/* ---- firmware update ---- */

#define FW_INFO_LEN         0x50
#define FW_REV(slot)        (0x10 + 16 * ((slot) - 1))

/* Transfer FW (0201h): @len bytes of @data at byte @offset */
static uint16_t fw_transfer(T3 *t, uint8_t action, uint8_t slot,
                            uint32_t offset, const uint8_t *data, size_t len)
{
    g_autofree uint8_t *in = g_malloc0(0x80 + len);

    in[0] = action;
    in[1] = slot;
    stl_le_p(in + 4, offset / 128);
    if (len) {
        memcpy(in + 0x80, data, len);
    }
    return mbox_send(t, 0x0201, in, 0x80 + len, NULL, 0, NULL);
}

static uint16_t fw_activate(T3 *t, uint8_t action, uint8_t slot)
{
    uint8_t in[2] = { action, slot };

    return mbox_send(t, 0x0202, in, 2, NULL, 0, NULL);
}

static void fw_info(T3 *t, uint8_t *out)
{
    uint32_t len;

    g_assert_cmphex(mbox_send(t, 0x0200, NULL, 0, out, FW_INFO_LEN, &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, FW_INFO_LEN);
}

/* Transfer FW that starts a background operation, then its return code */
static uint16_t fw_transfer_wait(T3 *t, uint8_t action, uint8_t slot,
                                 uint32_t offset, const uint8_t *data,
                                 size_t len)
{
    g_assert_cmphex(fw_transfer(t, action, slot, offset, data, len), ==,
                    RC_BACKGROUND);
    return bg_wait(t, 0x0201);
}

/* The active firmware revision of Identify Memory Device (4000h) */
static void identify_fw_revision(T3 *t, char *rev)
{
    uint8_t out[0x45];
    uint32_t len;

    g_assert_cmphex(mbox_send(t, 0x4000, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    memcpy(rev, out, 16);
}

/* A firmware image: a revision string, then deterministic bytes */
static uint8_t *fw_image(const char *rev, size_t len)
{
    uint8_t *img = g_malloc0(len);

    for (size_t i = 16; i < len; i++) {
        img[i] = i * 7 + 3;
    }
    memcpy(img, rev, MIN(strlen(rev), 16));
    return img;
}

static void test_fw_update(void)
{
    T3 t;
    uint8_t info[FW_INFO_LEN];
    char rev[16], want[16] = "QTEST-FW 2.0";
    unsigned pct;
    uint16_t op, rc;
    size_t part, len;
    g_autofree uint8_t *img = NULL;
    g_autofree uint8_t *blank = g_malloc0(1024);
    g_autofree uint8_t *binary = NULL;

    t3_start(&t, false);
    part = t.payload_max - 0x80;                /* what Linux sends */
    len = 2 * part + 1000;                      /* the last part is short */
    img = fw_image(want, len);

    /* 2 slots, slot 1 active with the built-in revision, online capable */
    fw_info(&t, info);
    g_assert_cmpuint(info[0], ==, 2);
    g_assert_cmphex(info[1], ==, 1);
    g_assert_cmphex(info[2] & 1, ==, 1);
    g_assert_cmpstr((char *)info + FW_REV(1), ==, "QEMU CXL 1.0");
    g_assert_true(buffer_is_zero(info + FW_REV(2), 16));

    /* part 1: a background operation; the mailbox interrupt at its end */
    enable_mbox_msix(&t);
    g_assert_cmphex(fw_transfer(&t, 1, 0, 0, img, part), ==, RC_BACKGROUND);
    g_assert_true(bg_status(&t, &pct, &op, &rc));
    g_assert_cmphex(op, ==, 0x0201);
    g_assert_cmpuint(pct, <, 100);
    /* mailbox status register: background operation */
    g_assert_cmphex(qtest_readq(t.qts, t.mbox + MBOX_STATUS) & 1, ==, 1);
    /* one background operation at a time */
    g_assert_cmphex(fw_transfer(&t, 2, 0, part, img + part, part), ==,
                    RC_BUSY);
    /* 256 KiB at 100 ms/MiB: about 25 ms; half way, half done */
    qtest_clock_step(t.qts, 12 * 1000000);
    g_assert_true(bg_status(&t, &pct, &op, &rc));
    g_assert_cmpuint(pct, >=, 25);
    g_assert_cmpuint(pct, <=, 75);
    g_assert_cmphex(qtest_readl(t.qts, FW_MSI_ADDR), ==, 0);
    g_assert_cmphex(bg_wait(&t, 0x0201), ==, RC_SUCCESS);
    g_assert_cmphex(qtest_readl(t.qts, FW_MSI_ADDR), ==, FW_MSI_DATA);
    g_assert_cmphex(qtest_readq(t.qts, t.mbox + MBOX_STATUS) & 1, ==, 0);

    /* part 2, then the end: not into the active slot, then slot 2 */
    g_assert_cmphex(fw_transfer_wait(&t, 2, 0, part, img + part, part), ==,
                    RC_SUCCESS);
    g_assert_cmphex(fw_transfer(&t, 3, 1, 2 * part, img + 2 * part,
                                len - 2 * part), ==, RC_INVALID_SLOT);
    g_assert_cmphex(fw_transfer_wait(&t, 3, 2, 2 * part, img + 2 * part,
                                     len - 2 * part), ==, RC_SUCCESS);
    fw_info(&t, info);
    g_assert_cmphex(info[1], ==, 1);                    /* nothing staged */
    g_assert_cmpmem(info + FW_REV(2), 16, want, 16);

    /* activate on reset: staged; the active revision changes at reset */
    g_assert_cmphex(fw_activate(&t, 1, 2), ==, RC_SUCCESS);
    fw_info(&t, info);
    g_assert_cmphex(info[1], ==, 1 | 2 << 3);
    identify_fw_revision(&t, rev);
    g_assert_cmpstr(rev, ==, "QEMU CXL 1.0");
    qtest_system_reset(t.qts);
    platform_init(&t);
    fw_info(&t, info);
    g_assert_cmphex(info[1], ==, 2);
    identify_fw_revision(&t, rev);
    g_assert_cmpmem(rev, 16, want, 16);
    /* slot 2 is active now: transfers go elsewhere */
    g_assert_cmphex(fw_transfer(&t, 0, 2, 0, img, 256), ==, RC_INVALID_SLOT);
    /* online activation of slot 1 */
    g_assert_cmphex(fw_activate(&t, 0, 1), ==, RC_SUCCESS);
    fw_info(&t, info);
    g_assert_cmphex(info[1], ==, 1);
    identify_fw_revision(&t, rev);
    g_assert_cmpstr(rev, ==, "QEMU CXL 1.0");

    /* out of order: the package is abandoned */
    g_assert_cmphex(fw_transfer_wait(&t, 1, 0, 0, img, part), ==,
                    RC_SUCCESS);
    g_assert_cmphex(fw_transfer(&t, 2, 0, 0, img, part), ==,
                    RC_FW_OUT_OF_ORDER);
    g_assert_cmphex(fw_transfer(&t, 2, 0, part, img + part, part), ==,
                    RC_FW_OUT_OF_ORDER);

    /* one package at a time; the abort action ends it */
    g_assert_cmphex(fw_transfer_wait(&t, 1, 0, 0, img, part), ==,
                    RC_SUCCESS);
    g_assert_cmphex(fw_transfer(&t, 0, 2, 0, img, 256), ==,
                    RC_FW_IN_PROGRESS);
    g_assert_cmphex(fw_transfer(&t, 1, 0, 0, img, 256), ==,
                    RC_FW_IN_PROGRESS);
    g_assert_cmphex(fw_transfer(&t, 4, 0, 0, NULL, 0), ==, RC_SUCCESS);
    g_assert_cmphex(fw_transfer(&t, 2, 0, part, img + part, part), ==,
                    RC_FW_OUT_OF_ORDER);

    /* Request Abort Background Operation (0005h) abandons the transfer */
    g_assert_cmphex(fw_transfer(&t, 1, 0, 0, img, part), ==, RC_BACKGROUND);
    g_assert_cmphex(mbox_send(&t, 0x0005, NULL, 0, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    g_assert_false(bg_status(&t, &pct, &op, &rc));
    g_assert_cmphex(op, ==, 0x0201);
    g_assert_cmphex(rc, ==, RC_ABORTED);
    g_assert_cmphex(fw_transfer(&t, 2, 0, part, img + part, part), ==,
                    RC_FW_OUT_OF_ORDER);
    /* a full transfer of a blank image fails verification */
    g_assert_cmphex(fw_transfer_wait(&t, 0, 2, 0, blank, 1024), ==,
                    RC_FW_VERIFY_FAILED);
    memset(blank, 0xff, 1024);
    g_assert_cmphex(fw_transfer_wait(&t, 0, 2, 0, blank, 1024), ==,
                    RC_FW_VERIFY_FAILED);
    /* slot 2 keeps its image through all of this */
    fw_info(&t, info);
    g_assert_cmpmem(info + FW_REV(2), 16, want, 16);

    /* an image without a printable revision: "image <crc32c>" */
    binary = fw_image("\x01\x02", 4096);
    g_assert_cmphex(fw_transfer_wait(&t, 0, 2, 0, binary, 4096), ==,
                    RC_SUCCESS);
    fw_info(&t, info);
    g_snprintf(want, sizeof(want), "image %08x",
               crc32c(0xffffffff, binary, 4096));
    g_assert_cmpmem(info + FW_REV(2), 16, want, 16);
    g_assert_cmpstr((char *)info + FW_REV(1), ==, "QEMU CXL 1.0");
    t3_stop(&t);
}

/* Images are capped at 16 MiB: a part beyond is invalid input */
static void test_fw_image_cap(void)
{
    T3 t;
    size_t part, off = 0;
    g_autofree uint8_t *img = NULL;

    t3_start(&t, false);
    part = t.payload_max - 0x80;
    img = fw_image("QTEST-FW BIG", part);
    g_assert_cmphex(fw_transfer_wait(&t, 1, 0, 0, img, part), ==,
                    RC_SUCCESS);
    for (off = part; off + part <= 16 * MiB; off += part) {
        g_assert_cmphex(fw_transfer_wait(&t, 2, 0, off, img, part), ==,
                        RC_SUCCESS);
    }
    g_assert_cmphex(fw_transfer(&t, 2, 0, off, img, part), ==,
                    RC_INVALID_INPUT);
    g_assert_cmphex(fw_transfer(&t, 3, 2, off, img, part), ==,
                    RC_INVALID_INPUT);
    /* the bytes up to the cap form an image */
    g_assert_cmphex(fw_transfer_wait(&t, 3, 2, off, img,
                                     16 * MiB - off), ==, RC_SUCCESS);
    t3_stop(&t);
}

/* ---- poison ---- */

static void test_poison(void)
{
    T3 t;
    g_autofree uint8_t *out = NULL;
    uint8_t flags;
    unsigned n;

    t3_start(&t, true);
    out = g_malloc0(t.payload_max);

    /* Identify Memory Device: list maximum, inject limit, capabilities */
    g_assert_cmphex(mbox_send(&t, 0x4000, NULL, 0, out, t.payload_max, NULL),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(out[0x3c] | out[0x3d] << 8 | out[0x3e] << 16, ==,
                     POISON_LIST_MAX);
    g_assert_cmpuint(lduw_le_p(out + 0x3f), ==, INJECT_LIMIT);

    /* CXL.mem: both capacities mapped at the window */
    qtest_writel(t.qts, t.hdm + 4, 1 << 1);
    g_assert_cmphex(dec_commit(&t, 0, t.window, 256 * MiB, 0), ==,
                    HDM_CTRL_COMMITTED);
    g_assert_cmphex(dec_commit(&t, 1, t.window + 256 * MiB, 512 * MiB, 0),
                    ==, HDM_CTRL_COMMITTED);
    set_mem_enable(&t, true);
    qtest_writeq(t.qts, t.window + 0x2000, 0x1111222233334444ull);
    qtest_writeq(t.qts, t.window + 0x2040, 0x5555666677778888ull);

    /* inject: adjacent lines merge, the list is by DPA */
    g_assert_cmphex(poison_inject(&t, 0x2000), ==, RC_SUCCESS);
    g_assert_cmphex(poison_inject(&t, 0x1040), ==, RC_SUCCESS);
    g_assert_cmphex(poison_inject(&t, 0x1000), ==, RC_SUCCESS);
    n = poison_list(&t, 0, 768 * MiB, out, t.payload_max, &flags);
    g_assert_cmpuint(n, ==, 2);
    g_assert_cmphex(flags, ==, 0);
    check_record(out, 0, 0x1000, 128, SRC_INJECTED);
    check_record(out, 1, 0x2000, 64, SRC_INJECTED);
    /* a query range clips the records */
    n = poison_list(&t, 0x1040, 0x40, out, t.payload_max, &flags);
    g_assert_cmpuint(n, ==, 1);
    check_record(out, 0, 0x1040, 64, SRC_INJECTED);

    /* reads of a poisoned line return all ones, writes store but keep it */
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x2000), ==, UINT64_MAX);
    g_assert_cmphex(qtest_readb(t.qts, t.window + 0x203f), ==, 0xff);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x2040), ==,
                    0x5555666677778888ull);
    qtest_writeq(t.qts, t.window + 0x2008, 0xabcdull);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x2008), ==, UINT64_MAX);
    g_assert_cmphex(cxl_qtest_file_read64(t.vfile, 0x2008), ==, 0xabcd);
    /* a read that touches a poisoned line reads all ones */
    g_assert_cmphex(qtest_readw(t.qts, t.window + 0x203f), ==, 0xffff);

    /* clear: writes the data, unpoisons, splits a range */
    g_assert_cmphex(poison_clear(&t, 0x2000, 0x5a), ==, RC_SUCCESS);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x2000), ==,
                    0x5a5a5a5a5a5a5a5aull);
    g_assert_cmphex(cxl_qtest_file_read64(t.vfile, 0x2038), ==,
                    0x5a5a5a5a5a5a5a5aull);
    g_assert_null(qmp_poison(&t, "t3", 0x10000, 0x100));
    g_assert_cmphex(poison_clear(&t, 0x10040, 0), ==, RC_SUCCESS);
    g_assert_cmphex(poison_clear(&t, 0x1000, 0), ==, RC_SUCCESS);
    n = poison_list(&t, 0, 768 * MiB, out, t.payload_max, &flags);
    g_assert_cmpuint(n, ==, 3);
    check_record(out, 0, 0x1040, 64, SRC_INJECTED);
    check_record(out, 1, 0x10000, 64, SRC_INTERNAL);
    check_record(out, 2, 0x10080, 128, SRC_INTERNAL);
    /* persistent capacity through the window: DPA 256M + x */
    g_assert_null(qmp_poison(&t, "t3", 256 * MiB + 0x40, 64));
    g_assert_cmphex(qtest_readl(t.qts, t.window + 256 * MiB + 0x44), ==,
                    UINT32_MAX);
    g_assert_cmphex(poison_clear(&t, 256 * MiB + 0x40, 0x11), ==,
                    RC_SUCCESS);
    g_assert_cmphex(cxl_qtest_file_read64(t.pfile, 0x40), ==,
                    0x1111111111111111ull);

    /* Inject Poison Limit: injected ranges, not internal ones */
    for (n = 1; n < INJECT_LIMIT; n++) {
        g_assert_cmphex(poison_inject(&t, 0x100000 + n * 0x1000), ==,
                        RC_SUCCESS);
    }
    g_assert_cmphex(poison_inject(&t, 0x200000), ==, RC_POISON_LIMIT);
    g_assert_cmphex(poison_inject(&t, 0x1040), ==, RC_SUCCESS);
    g_assert_null(qmp_poison(&t, "t3", 0x200000, 64));
    g_assert_cmphex(poison_clear(&t, 0x101000, 0), ==, RC_SUCCESS);
    g_assert_cmphex(poison_inject(&t, 0x300000), ==, RC_SUCCESS);

    /* reset keeps the poison (media state) */
    qtest_system_reset(t.qts);
    platform_init(&t);
    n = poison_list(&t, 0, 768 * MiB, out, t.payload_max, &flags);
    g_assert_cmpuint(n, ==, 3 + INJECT_LIMIT);
    t3_stop(&t);
}

/* More Media Error Records and overflow, with a 256-byte mailbox */
static void test_poison_more_overflow(void)
{
    T3 t;
    uint8_t out[256], in[8];
    uint8_t flags;
    unsigned n, total = 0, calls = 0;
    uint64_t ts = 0x1800000000000000ull;

    t3_start_opts(&t, false, ",mailbox-payload-size=256");
    g_assert_cmpuint(t.payload_max, ==, 256);
    stq_le_p(in, ts);
    g_assert_cmphex(mbox_send(&t, 0x0301, in, 8, NULL, 0, NULL), ==,
                    RC_SUCCESS);

    /* 20 records: 14 fit in a 256-byte reply, then the next 6 */
    for (unsigned i = 0; i < 20; i++) {
        g_assert_null(qmp_poison(&t, "t3", 0x10000 * i, 64));
    }
    n = poison_list(&t, 0, 768 * MiB, out, sizeof(out), &flags);
    g_assert_cmpuint(n, ==, 14);
    g_assert_cmphex(flags, ==, 0x1);
    check_record(out, 13, 0x10000 * 13, 64, SRC_INTERNAL);
    n = poison_list(&t, 0, 768 * MiB, out, sizeof(out), &flags);
    g_assert_cmpuint(n, ==, 6);
    g_assert_cmphex(flags, ==, 0);
    check_record(out, 0, 0x10000 * 14, 64, SRC_INTERNAL);
    check_record(out, 5, 0x10000 * 19, 64, SRC_INTERNAL);
    /* done: the same request starts over */
    n = poison_list(&t, 0, 768 * MiB, out, sizeof(out), &flags);
    g_assert_cmpuint(n, ==, 14);
    check_record(out, 0, 0, 64, SRC_INTERNAL);

    /* fill the list: the range beyond the maximum overflows */
    for (unsigned i = 20; i < POISON_LIST_MAX; i++) {
        g_assert_null(qmp_poison(&t, "t3", 0x10000 * i, 64));
    }
    n = poison_list(&t, 0, 64, out, sizeof(out), &flags);
    g_assert_cmpuint(n, ==, 1);
    g_assert_cmphex(flags, ==, 0);
    g_assert_null(qmp_poison(&t, "t3", 0x8000000, 64));
    do {
        n = poison_list(&t, 0, 768 * MiB, out, sizeof(out), &flags);
        total += n;
        g_assert_cmphex(flags & 0x2, ==, 0x2);
        g_assert_cmpuint(ldq_le_p(out + 2), >=, ts);
        g_assert_cmpuint(ldq_le_p(out + 2), <, ts + 60000000000ull);
        g_assert_cmpuint(++calls, <=, POISON_LIST_MAX);
    } while (flags & 0x1);
    g_assert_cmpuint(total, ==, POISON_LIST_MAX);
    /* the untracked line is not poisoned */
    n = poison_list(&t, 0x8000000, 64, out, sizeof(out), &flags);
    g_assert_cmpuint(n, ==, 0);
    g_assert_cmphex(poison_inject(&t, 0x8000000), ==, RC_SUCCESS);
    n = poison_list(&t, 0x8000000, 64, out, sizeof(out), &flags);
    g_assert_cmpuint(n, ==, 0);

    /* clearing everything empties the list and ends the overflow */
    for (unsigned i = 0; i < POISON_LIST_MAX; i++) {
        g_assert_cmphex(poison_clear(&t, 0x10000 * i, 0), ==, RC_SUCCESS);
    }
    n = poison_list(&t, 0, 768 * MiB, out, sizeof(out), &flags);
    g_assert_cmpuint(n, ==, 0);
    g_assert_cmphex(flags, ==, 0);
    t3_stop(&t);
}

static void test_scan_media(void)
{
    T3 t;
    uint8_t out[256], in[16];
    uint32_t len, ms;
    uint8_t flags;

    t3_start_opts(&t, false, ",scan-media-ms=50");
    g_assert_null(qmp_poison(&t, "t3", 0x1000, 0x80));
    g_assert_null(qmp_poison(&t, "t3", 0x3000, 0x40));
    g_assert_cmphex(poison_inject(&t, 0x20000000), ==, RC_SUCCESS);

    stq_le_p(in, 0);
    stq_le_p(in + 8, 0x4000 / 64);
    g_assert_cmphex(mbox_send(&t, 0x4303, in, 16, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 4);
    ms = ldl_le_p(out);
    g_assert_cmpuint(ms, ==, 50);

    /* scan [0, 0x4000): busy while it runs, then its records */
    g_assert_cmphex(scan_media(&t, 0, 0x4000), ==, RC_BACKGROUND);
    g_assert_cmphex(scan_media(&t, 0, 0x4000), ==, RC_BUSY);
    g_assert_cmphex(mbox_send(&t, 0x4305, NULL, 0, out, sizeof(out), &len),
                    ==, RC_BUSY);
    poison_list(&t, 0, 0x4000, out, sizeof(out), &flags);
    g_assert_cmphex(flags & 0x4, ==, 0x4);          /* scan in progress */
    g_assert_cmphex(mbox_send(&t, 0x0002, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmphex(out[0] & 1, ==, 1);
    g_assert_cmphex(lduw_le_p(out + 2), ==, 0x4304);
    qtest_clock_step(t.qts, (ms + 1) * 1000000ull);
    g_assert_cmphex(mbox_send(&t, 0x0002, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmphex(out[0], ==, 100 << 1);
    g_assert_cmphex(lduw_le_p(out + 4), ==, RC_SUCCESS);
    poison_list(&t, 0, 0x4000, out, sizeof(out), &flags);
    g_assert_cmphex(flags, ==, 0);
    g_assert_cmphex(mbox_send(&t, 0x4305, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(lduw_le_p(out + 18), ==, 2);
    g_assert_cmpuint(len, ==, 0x20 + 2 * 16);
    g_assert_cmphex(out[16], ==, 0);
    check_record(out, 0, 0x1000, 0x80, SRC_INTERNAL);
    check_record(out, 1, 0x3000, 0x40, SRC_INTERNAL);
    /* read: nothing more */
    g_assert_cmphex(mbox_send(&t, 0x4305, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(lduw_le_p(out + 18), ==, 0);

    /* abort: stopped prematurely, restart from the start */
    g_assert_cmphex(scan_media(&t, 0x20000000, 0x10000000), ==,
                    RC_BACKGROUND);
    g_assert_cmphex(mbox_send(&t, 0x0005, NULL, 0, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    g_assert_cmphex(mbox_send(&t, 0x0002, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmphex(out[0] & 1, ==, 0);
    g_assert_cmphex(lduw_le_p(out + 4), ==, RC_ABORTED);
    g_assert_cmphex(mbox_send(&t, 0x4305, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmphex(out[16], ==, 0x2);
    g_assert_cmphex(ldq_le_p(out), ==, 0x20000000);
    g_assert_cmphex(ldq_le_p(out + 8), ==, 0x10000000 / 64);
    g_assert_cmpuint(lduw_le_p(out + 18), ==, 0);
    t3_stop(&t);
}

/*
 * What Scan Media finds goes to the failure log as General Media Event
 * Records (one per poisoned range: DPA with the volatile flag for
 * volatile capacity, uncorrectable, ECC error, transaction type "host
 * scan media"), unless the request's "no event log" flag is set.
 */
static void test_scan_media_events(void)
{
    static const uint8_t gen_media_uuid[16] = {
        0xfb, 0xcd, 0x0a, 0x77, 0xc2, 0x60, 0x41, 0x7f,
        0x85, 0xa9, 0x08, 0x8b, 0x16, 0x21, 0xeb, 0xa6,
    };
    uint8_t rec[128 * 4], in[17] = { 0 };
    T3 t;

    t3_start(&t, false);
    g_assert_null(qmp_poison(&t, "t3", 0x1000, 0x80));
    g_assert_cmphex(poison_inject(&t, VMEM_SIZE + 0x40), ==, RC_SUCCESS);
    g_assert_cmphex(poison_inject(&t, VMEM_SIZE + 0x100000), ==,
                    RC_SUCCESS);      /* not scanned */
    g_assert_cmphex(scan_media(&t, 0, VMEM_SIZE + 0x1000), ==,
                    RC_BACKGROUND);
    /* nothing is logged before the scan completes */
    g_assert_cmpuint(event_records(&t, 2, rec, 4), ==, 0);
    g_assert_cmphex(bg_wait(&t, 0x4304), ==, RC_SUCCESS);

    g_assert_cmpuint(event_records(&t, 2, rec, 4), ==, 2);
    for (unsigned i = 0; i < 2; i++) {
        uint8_t *r = rec + 128 * i;

        g_assert_cmpmem(r, 16, gen_media_uuid, 16);
        g_assert_cmpuint(r[0x10], ==, 128);             /* length */
        g_assert_cmphex(r[0x38], ==, 0x1);              /* uncorrectable */
        g_assert_cmphex(r[0x39], ==, 0x0);              /* ECC error */
        g_assert_cmphex(r[0x3a], ==, 0x3);              /* host scan media */
        g_assert_cmphex(lduw_le_p(r + 0x3b), ==, 0);    /* no optional */
    }
    g_assert_cmphex(ldq_le_p(rec + 0x30), ==, 0x1000 | 1);      /* volatile */
    g_assert_cmphex(ldq_le_p(rec + 128 + 0x30), ==, VMEM_SIZE + 0x40);
    /* the other logs stay empty */
    g_assert_cmpuint(event_records(&t, 0, rec + 256, 1), ==, 0);
    g_assert_cmpuint(event_records(&t, 1, rec + 256, 1), ==, 0);
    g_assert_cmpuint(event_records(&t, 3, rec + 256, 1), ==, 0);
    event_clear(&t, 2, rec);
    event_clear(&t, 2, rec + 128);
    g_assert_cmpuint(event_records(&t, 2, rec, 4), ==, 0);

    /* "no event log": the results, but no records */
    stq_le_p(in + 8, (VMEM_SIZE + 0x1000) / 64);
    in[16] = 1;
    g_assert_cmphex(mbox_send(&t, 0x4304, in, sizeof(in), NULL, 0, NULL),
                    ==, RC_BACKGROUND);
    g_assert_cmphex(bg_wait(&t, 0x4304), ==, RC_SUCCESS);
    g_assert_cmpuint(event_records(&t, 2, rec, 4), ==, 0);
    t3_stop(&t);
}

static void test_qmp_inject_poison(void)
{
    T3 t;
    static const struct {
        const char *path;
        uint64_t start, length;
        const char *arg;
    } bad[] = {
        { "no-such-device", 0, 64, "path" },
        { "rp0", 0, 64, "path" },
        { "t3", 0, 0, "length" },
        { "t3", 0, 63, "length" },
        { "t3", 0, 96, "length" },
        { "t3", 0x20, 64, "start" },
        { "t3", 768 * MiB, 64, "start" },
        { "t3", UINT64_MAX - 63, 64, "start" },
        { "t3", 768 * MiB - 64, 128, "length" },
        { "t3", 0x40, UINT64_MAX - 63, "length" },
    };
    uint8_t out[256], flags;

    t3_start(&t, false);
    for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
        g_autofree char *err = qmp_poison(&t, bad[i].path, bad[i].start,
                                          bad[i].length);
        g_autofree char *prefix = g_strdup_printf("%s: ", bad[i].arg);

        g_assert_nonnull(err);
        g_test_message("%s 0x%" PRIx64 " 0x%" PRIx64 ": %s", bad[i].path,
                       bad[i].start, bad[i].length, err);
        g_assert_true(g_str_has_prefix(err, prefix));
    }
    /* nothing was poisoned, and the device still works */
    g_assert_cmpuint(poison_list(&t, 0, 768 * MiB, out, sizeof(out),
                                 &flags), ==, 0);
    /* the full QOM path and the last line work */
    g_assert_null(qmp_poison(&t, "/machine/peripheral/t3", 768 * MiB - 64,
                             64));
    g_assert_cmpuint(poison_list(&t, 0, 768 * MiB, out, sizeof(out),
                                 &flags), ==, 1);
    check_record(out, 0, 768 * MiB - 64, 64, SRC_INTERNAL);
    t3_stop(&t);
}

/* ---- Sanitize and Secure Erase ---- */

/*
 * Sanitize: refused while a decoder is committed; otherwise a background
 * operation of sanitize-ms with progress, Media Status "disabled" and
 * CXL.mem reads of all ones (writes dropped) while it runs, the completion
 * interrupt, then all capacity zero in the backend files, poison gone and
 * the media enabled again. A reset ends a running Sanitize.
 */
static void test_sanitize(void)
{
    T3 t;
    unsigned pct;
    uint16_t op, rc;

    t3_start_opts(&t, true, ",sanitize-ms=" stringify(SANITIZE_MS));
    enable_mbox_msix(&t);
    map_all(&t);
    write_pattern(&t, 0x1122334455667788ull);
    g_assert_cmphex(poison_inject(&t, 0x4000), ==, RC_SUCCESS);
    g_assert_null(qmp_poison(&t, "t3", VMEM_SIZE + 0x8000, 0x100));
    g_assert_cmpuint(poison_count(&t), ==, 2);
    g_assert_cmpuint(media_status(&t), ==, MEDIA_READY);

    /* the memory is mapped: refused, nothing changes */
    g_assert_cmphex(mbox_send(&t, 0x4400, NULL, 0, NULL, 0, NULL), ==,
                    RC_BUSY);
    g_assert_false(bg_status(&t, &pct, &op, &rc));
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x1000), ==,
                    0x1122334455667788ull);
    dec_clear(&t, 1);
    g_assert_cmphex(mbox_send(&t, 0x4400, NULL, 0, NULL, 0, NULL), ==,
                    RC_BUSY);
    dec_clear(&t, 0);
    g_assert_cmphex(cxl_qtest_file_read64(t.pfile, 0x2000), ==,
                    0x1122334455667789ull);

    /* unmapped: starts */
    g_assert_cmphex(mbox_send(&t, 0x4400, NULL, 0, NULL, 0, NULL), ==,
                    RC_BACKGROUND);
    g_assert_true(bg_status(&t, &pct, &op, &rc));
    g_assert_cmphex(op, ==, 0x4400);
    g_assert_cmpuint(pct, <, 100);
    g_assert_cmpuint(media_status(&t), ==, MEDIA_DISABLED);
    /* interrupt only at the end */
    g_assert_cmphex(qtest_readl(t.qts, FW_MSI_ADDR), ==, 0);

    /* the guest maps the memory meanwhile: all ones, writes dropped */
    map_all(&t);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x1000), ==, UINT64_MAX);
    g_assert_cmphex(qtest_readq(t.qts, t.window + VMEM_SIZE + 0x2000), ==,
                    UINT64_MAX);
    qtest_writeq(t.qts, t.window + 0x3000, 0xabcdull);

    /* half way */
    qtest_clock_step(t.qts, SANITIZE_MS / 2 * 1000000ull);
    g_assert_true(bg_status(&t, &pct, &op, &rc));
    g_assert_cmpuint(pct, >=, 40);
    g_assert_cmpuint(pct, <=, 60);
    g_assert_cmpuint(media_status(&t), ==, MEDIA_DISABLED);
    g_assert_cmphex(qtest_readl(t.qts, FW_MSI_ADDR), ==, 0);

    /* done: interrupt, media back, everything zero */
    qtest_clock_step(t.qts, (SANITIZE_MS / 2 + 1) * 1000000ull);
    g_assert_false(bg_status(&t, &pct, &op, &rc));
    g_assert_cmphex(op, ==, 0x4400);
    g_assert_cmpuint(pct, ==, 100);
    g_assert_cmphex(rc, ==, RC_SUCCESS);
    g_assert_cmphex(qtest_readl(t.qts, FW_MSI_ADDR), ==, FW_MSI_DATA);
    g_assert_cmpuint(media_status(&t), ==, MEDIA_READY);
    g_assert_cmpuint(poison_count(&t), ==, 0);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x1000), ==, 0);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x3000), ==, 0);
    g_assert_cmphex(qtest_readq(t.qts, t.window + VMEM_SIZE + 0x2000), ==,
                    0);
    g_assert_true(file_is_zero(t.vfile));
    g_assert_true(file_is_zero(t.pfile));

    /* a reset while Sanitize runs ends it with the media enabled */
    write_pattern(&t, 0x0102030405060708ull);
    unmap_all(&t);
    g_assert_cmphex(mbox_send(&t, 0x4400, NULL, 0, NULL, 0, NULL), ==,
                    RC_BACKGROUND);
    g_assert_cmpuint(media_status(&t), ==, MEDIA_DISABLED);
    qtest_system_reset(t.qts);
    platform_init(&t);
    g_assert_false(bg_status(&t, &pct, &op, &rc));
    g_assert_cmpuint(media_status(&t), ==, MEDIA_READY);
    g_assert_true(file_is_zero(t.vfile));
    g_assert_true(file_is_zero(t.pfile));
    t3_stop(&t);
}

/*
 * Secure Erase: refused while a decoder is committed or a background
 * operation runs; otherwise completes at once with all capacity zero in
 * the backend files and the poison gone.
 */
static void test_secure_erase(void)
{
    T3 t;
    uint8_t state[4];
    uint32_t len;

    t3_start(&t, true);
    g_assert_cmphex(mbox_send(&t, 0x4500, NULL, 0, state, sizeof(state),
                              &len), ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 4);
    g_assert_cmphex(ldl_le_p(state), ==, 0);   /* no passphrase, unlocked */

    map_all(&t);
    write_pattern(&t, 0x8877665544332211ull);
    g_assert_null(qmp_poison(&t, "t3", 0x40, 0x40));
    g_assert_cmphex(mbox_send(&t, 0x4401, NULL, 0, NULL, 0, NULL), ==,
                    RC_BUSY);
    g_assert_cmphex(cxl_qtest_file_read64(t.vfile, 0x1000), ==,
                    0x8877665544332211ull);
    unmap_all(&t);

    /* while Scan Media runs: busy */
    g_assert_cmphex(scan_media(&t, 0, 0x1000), ==, RC_BACKGROUND);
    g_assert_cmphex(mbox_send(&t, 0x4401, NULL, 0, NULL, 0, NULL), ==,
                    RC_BUSY);
    g_assert_cmphex(bg_wait(&t, 0x4304), ==, RC_SUCCESS);

    g_assert_cmphex(mbox_send(&t, 0x4401, NULL, 0, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(media_status(&t), ==, MEDIA_READY);
    g_assert_cmpuint(poison_count(&t), ==, 0);
    g_assert_true(file_is_zero(t.vfile));
    g_assert_true(file_is_zero(t.pfile));
    t3_stop(&t);
}

/* ---- Media Operations ---- */

/*
 * Zero and Sanitize over DPA ranges really overwrite those ranges of the
 * backend files and nothing else, forget their poison, run in the
 * background (Sanitize with the media disabled, Zero without), and are
 * refused with Busy for ranges a committed decoder maps and with Invalid
 * Security State while a user passphrase is set. The return codes of
 * every malformed request are in cxl-type3-mbox-test's media-op-table.
 */
static void test_media_ops(void)
{
    const uint64_t v = 0x0123456789abcdefull;
    T3 t;

    t3_start(&t, true);
    map_all(&t);
    write_pattern(&t, v);
    /* only the volatile capacity stays mapped */
    dec_clear(&t, 1);
    g_assert_cmphex(poison_inject(&t, VMEM_SIZE + 0x2000), ==, RC_SUCCESS);
    g_assert_cmphex(poison_inject(&t, VMEM_SIZE + 0x100000), ==,
                    RC_SUCCESS);
    g_assert_cmpuint(poison_count(&t), ==, 2);

    /* ranges the committed decoder 0 maps, wholly or partly: busy */
    g_assert_cmphex(media_op(&t, 1, 0x1000, 0x40), ==, RC_BUSY);
    g_assert_cmphex(media_op(&t, 0, VMEM_SIZE - 0x40, 0x80), ==, RC_BUSY);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x1000), ==, v);
    g_assert_cmphex(cxl_qtest_file_read64(t.pfile, 0), ==, 0);

    /* Zero: in the background, media enabled, the range zeroed at once */
    g_assert_cmphex(media_op(&t, 1, VMEM_SIZE + 0x2000, 0x40), ==,
                    RC_BACKGROUND);
    g_assert_cmpuint(media_status(&t), ==, MEDIA_READY);
    g_assert_cmphex(cxl_qtest_file_read64(t.pfile, 0x2000), ==, 0);
    g_assert_cmphex(cxl_qtest_file_read64(t.pfile, PMEM_SIZE - 8), ==,
                    v - 1);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x1000), ==, v);
    g_assert_cmpuint(poison_count(&t), ==, 1);
    g_assert_cmphex(bg_wait(&t, 0x4402), ==, RC_SUCCESS);

    /* Sanitize: the media is disabled until it completes */
    g_assert_cmphex(media_op(&t, 0, VMEM_SIZE + PMEM_SIZE - 0x1000, 0x1000),
                    ==, RC_BACKGROUND);
    g_assert_cmpuint(media_status(&t), ==, MEDIA_DISABLED);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x1000), ==, UINT64_MAX);
    g_assert_cmphex(cxl_qtest_file_read64(t.pfile, PMEM_SIZE - 8), ==, 0);
    g_assert_cmphex(bg_wait(&t, 0x4402), ==, RC_SUCCESS);
    g_assert_cmpuint(media_status(&t), ==, MEDIA_READY);
    g_assert_cmphex(qtest_readq(t.qts, t.window + 0x1000), ==, v);
    g_assert_cmphex(cxl_qtest_file_read64(t.vfile, VMEM_SIZE - 8), ==, ~v);

    /* the poisoned line outside both ranges is still poisoned */
    g_assert_cmpuint(poison_count(&t), ==, 1);
    g_assert_cmphex(media_op(&t, 1, VMEM_SIZE + 0x100000, 0x40), ==,
                    RC_BACKGROUND);
    g_assert_cmphex(bg_wait(&t, 0x4402), ==, RC_SUCCESS);
    g_assert_cmpuint(poison_count(&t), ==, 0);

    /* with a user passphrase set, as for Sanitize */
    g_assert_cmphex(sec_set(&t, PASS_USER, 0, 0x55), ==, RC_SUCCESS);
    g_assert_cmphex(media_op(&t, 1, VMEM_SIZE, 0x40), ==,
                    RC_SECURITY_STATE);
    t3_stop(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cxl/type3/fw-update", test_fw_update);
    qtest_add_func("/cxl/type3/fw-image-cap", test_fw_image_cap);
    qtest_add_func("/cxl/type3/poison", test_poison);
    qtest_add_func("/cxl/type3/poison-more-overflow",
                   test_poison_more_overflow);
    qtest_add_func("/cxl/type3/scan-media", test_scan_media);
    qtest_add_func("/cxl/type3/scan-media-events", test_scan_media_events);
    qtest_add_func("/cxl/type3/qmp-inject-poison", test_qmp_inject_poison);
    qtest_add_func("/cxl/type3/sanitize", test_sanitize);
    qtest_add_func("/cxl/type3/secure-erase", test_secure_erase);
    qtest_add_func("/cxl/type3/media-ops", test_media_ops);
    return g_test_run();
}
