/*
 * qtest: the cxl-type3 memory device's mailbox, used exactly as Linux's
 * __cxl_pci_mbox_send_cmd() does, without a guest: Identify, Identify
 * Memory Device, unknown opcodes, the Command Effects Log against this
 * test's own command table, and for every command a table of inputs and
 * the return codes the spec asks for (the generic, event, firmware,
 * timestamp, log, LSA, health, poison, sanitize, media operations,
 * features, maintenance and security commands), plus functional round
 * trips (LSA, timestamp, alerts, shutdown state, event logs and their
 * interrupt policy), and event records injected through QMP (the 10.2
 * and 11.1 forms of the commands, CXL r3.2 fields) as Get Event Records
 * returns them.
 *
 * Registers, configuration space and CXL.mem are in cxl-type3-test; the
 * functions behind firmware update, poison, sanitize and media operations
 * in cxl-type3-media-test; features, maintenance and security in
 * cxl-type3-mgmt-test; the helpers they share in cxl-type3-qtest.h.
 *
 * Payload layouts are Linux's (drivers/cxl/cxlmem.h,
 * include/uapi/linux/cxl_mem.h).
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

/* ---- 1. mailbox basics ---- */

static void test_mailbox_basics(void)
{
    T3 t;
    uint8_t out[256];
    uint32_t len;

    t3_start(&t, false);
    /* Identify (0001h) */
    memset(out, 0, sizeof(out));
    g_assert_cmphex(mbox_send(&t, 0x0001, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 18);
    g_assert_cmphex(lduw_le_p(out + 0), ==, dcfgw(&t, 0x00));
    g_assert_cmphex(lduw_le_p(out + 2), ==, dcfgw(&t, 0x02));
    g_assert_cmphex(lduw_le_p(out + 4), ==, dcfgw(&t, 0x2c));
    g_assert_cmphex(lduw_le_p(out + 6), ==, dcfgw(&t, 0x2e));
    g_assert_cmphex(ldq_le_p(out + 8), ==, SERIAL);
    g_assert_cmpuint(out[16], >=, 8);                   /* 2^n >= 256 */
    g_assert_cmpuint(out[16], <=, 20);
    g_assert_cmpuint(out[17], ==, 3);                   /* Type 3 device */

    /* Identify Memory Device (4000h) */
    memset(out, 0, sizeof(out));
    g_assert_cmphex(mbox_send(&t, 0x4000, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, >=, 0x45);
    g_assert_cmpuint(ldq_le_p(out + 0x10), ==, 3);      /* 256 MiB units */
    g_assert_cmpuint(ldq_le_p(out + 0x18), ==, 1);
    g_assert_cmpuint(ldq_le_p(out + 0x20), ==, 2);
    g_assert_cmpuint(ldl_le_p(out + 0x38), ==, LSA_SIZE);

    /* unknown opcodes: unsupported, no output */
    g_assert_cmphex(mbox_send(&t, 0xcafe, NULL, 0, NULL, 0, &len), ==,
                    RC_UNSUPPORTED);
    g_assert_cmphex(mbox_send(&t, 0x0000, NULL, 0, NULL, 0, &len), ==,
                    RC_UNSUPPORTED);
    /* the mailbox still works afterwards */
    g_assert_cmphex(mbox_send(&t, 0x0001, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    t3_stop(&t);
}

/* ---- 2. the command table ---- */

/* Every command the device may list in its CEL, and this test covers. */
static const CXLQtestOp tested_ops[] = {
    { 0x0001, "Identify" },
    { 0x0002, "Background Operation Status" },
    { 0x0005, "Request Abort Background Operation" },
    { 0x0100, "Get Event Records" },
    { 0x0101, "Clear Event Records" },
    { 0x0102, "Get Event Interrupt Policy" },
    { 0x0103, "Set Event Interrupt Policy" },
    { 0x0200, "Get FW Info" },
    { 0x0201, "Transfer FW" },
    { 0x0202, "Activate FW" },
    { 0x0300, "Get Timestamp" },
    { 0x0301, "Set Timestamp" },
    { 0x0400, "Get Supported Logs" },
    { 0x0401, "Get Log" },
    { 0x0402, "Get Log Capabilities" },
    { 0x0500, "Get Supported Features" },
    { 0x0501, "Get Feature" },
    { 0x0502, "Set Feature" },
    { 0x0600, "Perform Maintenance" },
    { 0x4000, "Identify Memory Device" },
    { 0x4100, "Get Partition Info" },
    { 0x4101, "Set Partition Info" },
    { 0x4102, "Get LSA" },
    { 0x4103, "Set LSA" },
    { 0x4200, "Get Health Info" },
    { 0x4201, "Get Alert Configuration" },
    { 0x4202, "Set Alert Configuration" },
    { 0x4203, "Get Shutdown State" },
    { 0x4204, "Set Shutdown State" },
    { 0x4300, "Get Poison List" },
    { 0x4301, "Inject Poison" },
    { 0x4302, "Clear Poison" },
    { 0x4303, "Get Scan Media Capabilities" },
    { 0x4304, "Scan Media" },
    { 0x4305, "Get Scan Media Results" },
    { 0x4400, "Sanitize" },
    { 0x4401, "Secure Erase" },
    { 0x4402, "Media Operations" },
    { 0x4500, "Get Security State" },
    { 0x4501, "Set Passphrase" },
    { 0x4502, "Disable Passphrase" },
    { 0x4503, "Unlock" },
    { 0x4504, "Freeze Security State" },
    { 0x4505, "Passphrase Secure Erase" },
};

static void test_cel(void)
{
    T3 t;
    uint32_t size;
    g_autofree uint8_t *cel = NULL;

    t3_start(&t, false);
    cel = cxl_qtest_read_cel(t.qts, t.mbox, t.payload_max, &size);
    cxl_qtest_check_cel(cel, size, tested_ops, ARRAY_SIZE(tested_ops));
    t3_stop(&t);
}

/*
 * The command table (see CXLQtestMboxCase). Busy ("one background
 * operation at a time"), progress and abort need a running background
 * operation: test_fw_update covers them with Transfer FW; the last cases
 * here start a Scan Media and check Busy while it runs (the table never
 * steps the clock).
 */
static const CXLQtestMboxCase mbox_cases[] = {
    /* events */
    { "get events info", 0x0100, { 0 }, 1, false, RC_SUCCESS, 0x20 },
    { "get events fatal", 0x0100, { 3 }, 1, false, RC_SUCCESS, 0x20 },
    { "get events short", 0x0100, {}, 0, false, RC_PAYLOAD_LEN },
    { "get events long", 0x0100, { 0, 0 }, 2, false, RC_PAYLOAD_LEN },
    { "get events log 5", 0x0100, { 5 }, 1, false, RC_INVALID_INPUT },
    { "clear events all", 0x0101, { 0, 1, 0 }, 6, false, RC_SUCCESS, 0 },
    { "clear events short", 0x0101, { 0, 1, 0 }, 5, false, RC_PAYLOAD_LEN },
    { "clear events long", 0x0101, { 0, 0, 1, 0, 0, 0, 1, 0, 0 }, 9, false,
      RC_PAYLOAD_LEN },
    { "clear events missing handles", 0x0101, { 0, 0, 2, 0, 0, 0, 1, 0 }, 8,
      false, RC_PAYLOAD_LEN },
    { "clear events bad handle", 0x0101, { 0, 0, 1, 0, 0, 0, 1, 0 }, 8,
      false, RC_INVALID_HANDLE },
    { "clear events log 5", 0x0101, { 5, 1, 0 }, 6, false,
      RC_INVALID_INPUT },
    { "get int policy", 0x0102, {}, 0, false, RC_SUCCESS, 4 },
    { "get int policy long", 0x0102, {}, 1, false, RC_PAYLOAD_LEN },
    { "set int policy none", 0x0103, { 0, 0, 0, 0 }, 4, false,
      RC_SUCCESS, 0 },
    { "set int policy short", 0x0103, { 0, 0, 0 }, 3, false,
      RC_PAYLOAD_LEN },
    { "set int policy long", 0x0103, {}, 6, false, RC_PAYLOAD_LEN },
    { "set int policy reserved mode", 0x0103, { 3, 0, 0, 0 }, 4, false,
      RC_INVALID_INPUT },
    /* firmware */
    { "get fw info", 0x0200, {}, 0, false, RC_SUCCESS, 0x50 },
    { "get fw info long", 0x0200, {}, 1, false, RC_PAYLOAD_LEN },
    /*
     * Transfer FW: action, slot, offset (128-byte units) in a 0x80-byte
     * header, then data. Only cases that end before the background
     * operation would start; test_fw_update covers the rest.
     */
    { "transfer fw abort, none in progress", 0x0201, { 4 }, 0x80, false,
      RC_SUCCESS, 0 },
    { "transfer fw short", 0x0201, { 4 }, 0x7f, false, RC_PAYLOAD_LEN },
    { "transfer fw longer than the mailbox", 0x0201, { 0, 2 }, 0x80, true,
      RC_PAYLOAD_LEN },
    { "transfer fw reserved action", 0x0201, { 5, 2 }, 0x100, false,
      RC_INVALID_INPUT },
    { "transfer fw full to slot 0", 0x0201, { 0, 0 }, 0x100, false,
      RC_INVALID_SLOT },
    { "transfer fw full to the active slot", 0x0201, { 0, 1 }, 0x100, false,
      RC_INVALID_SLOT },
    { "transfer fw full beyond the slots", 0x0201, { 0, 3 }, 0x100, false,
      RC_INVALID_SLOT },
    { "transfer fw full without data", 0x0201, { 0, 2 }, 0x80, false,
      RC_INVALID_INPUT },
    { "transfer fw initiate not at 0", 0x0201, { 1, 0, 0, 0, 1 }, 0x100,
      false, RC_FW_OUT_OF_ORDER },
    { "transfer fw initiate, part of a unit", 0x0201, { 1 }, 0x80 + 64,
      false, RC_INVALID_INPUT },
    { "transfer fw continue without initiate", 0x0201, { 2, 0, 0, 0, 1 },
      0x100, false, RC_FW_OUT_OF_ORDER },
    { "transfer fw end without initiate", 0x0201, { 3, 2, 0, 0, 1 }, 0x100,
      false, RC_FW_OUT_OF_ORDER },
    /* Activate FW: action (0 online, 1 on reset), slot */
    { "activate fw active slot on reset", 0x0202, { 1, 1 }, 2, false,
      RC_SUCCESS, 0 },
    { "activate fw active slot online", 0x0202, { 0, 1 }, 2, false,
      RC_SUCCESS, 0 },
    { "activate fw short", 0x0202, { 1 }, 1, false, RC_PAYLOAD_LEN },
    { "activate fw long", 0x0202, { 1, 1 }, 3, false, RC_PAYLOAD_LEN },
    { "activate fw reserved action", 0x0202, { 2, 1 }, 2, false,
      RC_INVALID_INPUT },
    { "activate fw slot 0", 0x0202, { 1, 0 }, 2, false, RC_INVALID_SLOT },
    { "activate fw beyond the slots", 0x0202, { 0, 3 }, 2, false,
      RC_INVALID_SLOT },
    { "activate fw empty slot", 0x0202, { 1, 2 }, 2, false,
      RC_INVALID_SLOT },
    /* memory device */
    { "identify memdev", 0x4000, {}, 0, false, RC_SUCCESS, 0x45 },
    { "identify memdev long", 0x4000, {}, 1, false, RC_PAYLOAD_LEN },
    { "get partition", 0x4100, {}, 0, false, RC_SUCCESS, 0x20 },
    { "get partition long", 0x4100, {}, 1, false, RC_PAYLOAD_LEN },
    { "set partition as is", 0x4101, { 1 }, 0x0a, false, RC_SUCCESS, 0 },
    { "set partition short", 0x4101, { 1 }, 0x09, false, RC_PAYLOAD_LEN },
    { "set partition long", 0x4101, { 1 }, 0x0b, false, RC_PAYLOAD_LEN },
    { "set partition 512M volatile", 0x4101, { 2 }, 0x0a, false,
      RC_INVALID_INPUT },
    { "set partition beyond capacity", 0x4101, { 4 }, 0x0a, false,
      RC_INVALID_INPUT },
    /* Get LSA: offset, length; Set LSA: offset, reserved, data */
    { "get lsa", 0x4102, { 0, 0, 0, 0, 0x10, 0, 0, 0 }, 8, false,
      RC_SUCCESS, 16 },
    { "get lsa at the end", 0x4102, { 0xf8, 0xff, 0x0f, 0, 8, 0, 0, 0 }, 8,
      false, RC_SUCCESS, 8 },
    { "get lsa short", 0x4102, { 0, 0, 0, 0, 0x10, 0, 0, 0 }, 7, false,
      RC_PAYLOAD_LEN },
    { "get lsa long", 0x4102, { 0, 0, 0, 0, 0x10, 0, 0, 0 }, 9, false,
      RC_PAYLOAD_LEN },
    { "get lsa beyond the end", 0x4102,
      { 0xf8, 0xff, 0x0f, 0, 0x10, 0, 0, 0 }, 8, false, RC_INVALID_INPUT },
    { "get lsa offset past the end", 0x4102,
      { 0, 0, 0x10, 0, 1, 0, 0, 0 }, 8, false, RC_INVALID_INPUT },
    { "set lsa", 0x4103, { 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4 }, 12, false,
      RC_SUCCESS, 0 },
    { "set lsa short", 0x4103, {}, 7, false, RC_PAYLOAD_LEN },
    { "set lsa longer than the mailbox", 0x4103, {}, 8, true,
      RC_PAYLOAD_LEN },
    { "set lsa beyond the end", 0x4103,
      { 0xfc, 0xff, 0x0f, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 }, 16, false,
      RC_INVALID_INPUT },
    { "get health", 0x4200, {}, 0, false, RC_SUCCESS, 0x12 },
    { "get health long", 0x4200, {}, 1, false, RC_PAYLOAD_LEN },
    { "get alert config", 0x4201, {}, 0, false, RC_SUCCESS, 0x10 },
    { "get alert config long", 0x4201, {}, 1, false, RC_PAYLOAD_LEN },
    { "set alert config no change", 0x4202, {}, 0x0c, false,
      RC_SUCCESS, 0 },
    { "set alert config short", 0x4202, {}, 0x0b, false, RC_PAYLOAD_LEN },
    { "set alert config long", 0x4202, {}, 0x0d, false, RC_PAYLOAD_LEN },
    { "get shutdown state", 0x4203, {}, 0, false, RC_SUCCESS, 1 },
    { "get shutdown state long", 0x4203, {}, 1, false, RC_PAYLOAD_LEN },
    { "set shutdown state", 0x4204, { 0 }, 1, false, RC_SUCCESS, 0 },
    { "set shutdown state short", 0x4204, {}, 0, false, RC_PAYLOAD_LEN },
    { "set shutdown state long", 0x4204, { 0, 0 }, 2, false,
      RC_PAYLOAD_LEN },
    { "set shutdown state reserved bits", 0x4204, { 0x2 }, 1, false,
      RC_INVALID_INPUT },
    { "set shutdown state reserved bit 7", 0x4204, { 0x81 }, 1, false,
      RC_INVALID_INPUT },
    /*
     * poison: DPA (8) and length in 64-byte units (8); the capacity is
     * 0x30000000 bytes (0xc00000 units)
     */
    { "get poison list", 0x4300, { [8] = 1 }, 16, false, RC_SUCCESS, 0x20,
      NO_UUID, true },
    { "get poison list short", 0x4300, { [8] = 1 }, 15, false,
      RC_PAYLOAD_LEN },
    { "get poison list long", 0x4300, { [8] = 1 }, 17, false,
      RC_PAYLOAD_LEN },
    { "get poison list misaligned", 0x4300, { 0x20, [8] = 1 }, 16, false,
      RC_INVALID_INPUT },
    { "get poison list no length", 0x4300, {}, 16, false, RC_INVALID_INPUT },
    { "get poison list beyond capacity", 0x4300, { [3] = 0x30, [8] = 1 },
      16, false, RC_INVALID_PA },
    { "get poison list past capacity", 0x4300,
      { [8] = 0x01, [9] = 0, [10] = 0xc0 }, 16, false, RC_INVALID_PA },
    { "get poison list length wraps", 0x4300,
      { [0] = 0x40, [8] = 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
      16, false, RC_INVALID_PA },
    { "inject poison", 0x4301, { 0x00, 0x10 }, 8, false, RC_SUCCESS, 0,
      NO_UUID, true },
    { "inject poison again", 0x4301, { 0x00, 0x10 }, 8, false, RC_SUCCESS,
      0, NO_UUID, true },
    { "inject poison short", 0x4301, { 0x00, 0x10 }, 7, false,
      RC_PAYLOAD_LEN },
    { "inject poison long", 0x4301, { 0x00, 0x10 }, 9, false,
      RC_PAYLOAD_LEN },
    { "inject poison misaligned", 0x4301, { 0x08, 0x10 }, 8, false,
      RC_INVALID_INPUT },
    { "inject poison beyond capacity", 0x4301, { [3] = 0x30 }, 8, false,
      RC_INVALID_PA },
    { "inject poison far beyond", 0x4301,
      { 0xc0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 8, false,
      RC_INVALID_PA },
    { "get poison list with a record", 0x4300, { [8] = 0x80 }, 16, false,
      RC_SUCCESS, 0x30, NO_UUID, true },
    { "clear poison", 0x4302, { 0x00, 0x10 }, 72, false, RC_SUCCESS, 0,
      NO_UUID, true },
    { "clear poison not poisoned", 0x4302, { 0x40, 0x10 }, 72, false,
      RC_SUCCESS, 0, NO_UUID, true },
    { "clear poison short", 0x4302, { 0x00, 0x10 }, 71, false,
      RC_PAYLOAD_LEN },
    { "clear poison long", 0x4302, { 0x00, 0x10 }, 73, false,
      RC_PAYLOAD_LEN },
    { "clear poison no data", 0x4302, { 0x00, 0x10 }, 8, false,
      RC_PAYLOAD_LEN },
    { "clear poison misaligned", 0x4302, { 0x01, 0x10 }, 72, false,
      RC_INVALID_INPUT },
    { "clear poison beyond capacity", 0x4302, { [3] = 0x30 }, 72, false,
      RC_INVALID_PA },
    { "get poison list empty again", 0x4300, { [8] = 0x80 }, 16, false,
      RC_SUCCESS, 0x20, NO_UUID, true },
    { "get scan media caps", 0x4303, { [8] = 1 }, 16, false, RC_SUCCESS, 4,
      NO_UUID, true },
    { "get scan media caps short", 0x4303, { [8] = 1 }, 15, false,
      RC_PAYLOAD_LEN },
    { "get scan media caps long", 0x4303, { [8] = 1 }, 17, false,
      RC_PAYLOAD_LEN },
    { "get scan media caps misaligned", 0x4303, { 0x10, [8] = 1 }, 16,
      false, RC_INVALID_INPUT },
    { "get scan media caps no length", 0x4303, {}, 16, false,
      RC_INVALID_INPUT },
    { "get scan media caps beyond capacity", 0x4303,
      { [3] = 0x30, [8] = 1 }, 16, false, RC_INVALID_PA },
    { "get scan media results (none)", 0x4305, {}, 0, false, RC_SUCCESS,
      0x20, NO_UUID, true },
    { "get scan media results long", 0x4305, {}, 1, false, RC_PAYLOAD_LEN },
    { "scan media short", 0x4304, { [8] = 1 }, 16, false, RC_PAYLOAD_LEN },
    { "scan media long", 0x4304, { [8] = 1 }, 18, false, RC_PAYLOAD_LEN },
    { "scan media misaligned", 0x4304, { 0x04, [8] = 1 }, 17, false,
      RC_INVALID_INPUT },
    { "scan media no length", 0x4304, {}, 17, false, RC_INVALID_INPUT },
    { "scan media beyond capacity", 0x4304, { [3] = 0x30, [8] = 1 }, 17,
      false, RC_INVALID_PA },
    { "scan media reserved flags", 0x4304, { [8] = 1, [16] = 0x2 }, 17,
      false, RC_INVALID_INPUT },
    /* the last cases: a scan runs */
    { "scan media", 0x4304, { [8] = 1 }, 17, false, RC_BACKGROUND, 0 },
    { "scan media while scanning", 0x4304, { [8] = 1 }, 17, false,
      RC_BUSY },
    { "get scan media results while scanning", 0x4305, {}, 0, false,
      RC_BUSY },
    { "get poison list while scanning", 0x4300, { [8] = 1 }, 16, false,
      RC_SUCCESS, 0x20, NO_UUID, true },
    { "sanitize while scanning", 0x4400, {}, 0, false, RC_BUSY },
    { "secure erase while scanning", 0x4401, {}, 0, false, RC_BUSY },
    { "media ops zero while scanning", 0x4402,
      { 1, 1, 0, 0, 1, [17] = 0x10 }, 24, false, RC_BUSY },
};

/*
 * Run after mbox_cases once the scan has ended (no decoder is committed):
 * the sanitize commands, then, while Sanitize runs (the clock is not
 * stepped), Media Disabled for every command that accesses the media,
 * Busy for other background commands, and the rest served. Input length
 * is checked first.
 */
static const CXLQtestMboxCase sanitize_cases[] = {
    { "get security state", 0x4500, {}, 0, false, RC_SUCCESS, 4,
      .exact = true },
    { "get security state long", 0x4500, {}, 1, false, RC_PAYLOAD_LEN },
    { "secure erase", 0x4401, {}, 0, false, RC_SUCCESS, 0, .exact = true },
    { "secure erase long", 0x4401, {}, 1, false, RC_PAYLOAD_LEN },
    { "sanitize long", 0x4400, {}, 1, false, RC_PAYLOAD_LEN },
    { "sanitize", 0x4400, {}, 0, false, RC_BACKGROUND, 0 },
    /* the last cases: Sanitize runs */
    { "sanitize while sanitizing", 0x4400, {}, 0, false, RC_MEDIA_DISABLED },
    { "sanitize long while sanitizing", 0x4400, {}, 1, false,
      RC_PAYLOAD_LEN },
    { "secure erase while sanitizing", 0x4401, {}, 0, false,
      RC_MEDIA_DISABLED },
    { "get lsa while sanitizing", 0x4102, { 0, 0, 0, 0, 0x10, 0, 0, 0 }, 8,
      false, RC_MEDIA_DISABLED },
    { "get lsa short while sanitizing", 0x4102, {}, 7, false,
      RC_PAYLOAD_LEN },
    { "set lsa while sanitizing", 0x4103, { [8] = 1 }, 12, false,
      RC_MEDIA_DISABLED },
    { "get poison list while sanitizing", 0x4300, { [8] = 1 }, 16, false,
      RC_MEDIA_DISABLED },
    { "inject poison while sanitizing", 0x4301, {}, 8, false,
      RC_MEDIA_DISABLED },
    { "clear poison while sanitizing", 0x4302, {}, 72, false,
      RC_MEDIA_DISABLED },
    { "get scan media caps while sanitizing", 0x4303, { [8] = 1 }, 16,
      false, RC_MEDIA_DISABLED },
    { "scan media while sanitizing", 0x4304, { [8] = 1 }, 17, false,
      RC_MEDIA_DISABLED },
    { "get scan media results while sanitizing", 0x4305, {}, 0, false,
      RC_MEDIA_DISABLED },
    { "transfer fw while sanitizing", 0x0201, { 0, 2 }, 0x100, false,
      RC_BUSY },
    { "abort sanitize", 0x0005, {}, 0, false, RC_BUSY },
    { "get security state while sanitizing", 0x4500, {}, 0, false,
      RC_SUCCESS, 4, .exact = true },
    { "get health info while sanitizing", 0x4200, {}, 0, false, RC_SUCCESS,
      0x12 },
    { "identify memdev while sanitizing", 0x4000, {}, 0, false, RC_SUCCESS,
      0x45 },
    { "media ops zero while sanitizing", 0x4402,
      { 1, 1, 0, 0, 1, [17] = 0x10 }, 24, false, RC_MEDIA_DISABLED },
    { "media ops discovery while sanitizing", 0x4402, { [10] = 8 }, 12,
      false, RC_MEDIA_DISABLED },
    { "media ops short while sanitizing", 0x4402, {}, 7, false,
      RC_PAYLOAD_LEN },
};

/*
 * Media Operations (4402h; layout in hw/mem/cxl-type3-media-ops.c): class,
 * subclass, 2 reserved, DPA range count (4), then Discovery's start index
 * (2) and count (2), or the ranges: DPA (8), length (8). Discovery
 * returns 12 bytes and 2 per operation (Discovery, Sanitize, Zero). The
 * capacity is 768 MiB (0x30000000); the granule 64 bytes. On a new
 * device, in order; the last cases run while a Zero runs (the table never
 * steps the clock).
 */
static const CXLQtestMboxCase media_op_cases[] = {
    { "media ops discovery", 0x4402, { [10] = 8 }, 12, false, RC_SUCCESS,
      18, .exact = true },
    { "media ops discovery from 2", 0x4402, { [8] = 2, [10] = 8 }, 12, false,
      RC_SUCCESS, 14, .exact = true },
    { "media ops discovery none", 0x4402, { [8] = 3, [10] = 8 }, 12, false,
      RC_SUCCESS, 12, .exact = true },
    { "media ops discovery beyond", 0x4402, { [8] = 4, [10] = 8 }, 12, false,
      RC_INVALID_INPUT },
    { "media ops discovery with a range", 0x4402, { [4] = 1, [10] = 8 }, 12,
      false, RC_INVALID_INPUT },
    { "media ops short", 0x4402, {}, 7, false, RC_PAYLOAD_LEN },
    { "media ops discovery short", 0x4402, {}, 11, false, RC_PAYLOAD_LEN },
    { "media ops discovery long", 0x4402, { [10] = 8 }, 13, false,
      RC_PAYLOAD_LEN },
    { "media ops unknown class", 0x4402, { 2 }, 8, false, RC_UNSUPPORTED },
    { "media ops unknown general subclass", 0x4402, { 0, 1 }, 12, false,
      RC_UNSUPPORTED },
    { "media ops unknown sanitize subclass", 0x4402,
      { 1, 2, 0, 0, 1, [17] = 0x10 }, 24, false, RC_UNSUPPORTED },
    { "media ops zero without ranges", 0x4402, { 1, 1 }, 8, false,
      RC_INVALID_INPUT },
    { "media ops zero short", 0x4402, { 1, 1, 0, 0, 1, [17] = 0x10 }, 23,
      false, RC_PAYLOAD_LEN },
    { "media ops zero long", 0x4402, { 1, 1, 0, 0, 1, [17] = 0x10 }, 25,
      false, RC_PAYLOAD_LEN },
    { "media ops zero count 2, one range", 0x4402,
      { 1, 1, 0, 0, 2, [17] = 0x10 }, 24, false, RC_PAYLOAD_LEN },
    { "media ops zero count 2^28", 0x4402,
      { 1, 1, 0, 0, 0, 0, 0, 0x10, [17] = 0x10 }, 24, false,
      RC_PAYLOAD_LEN },
    { "media ops zero misaligned dpa", 0x4402,
      { 1, 1, 0, 0, 1, [8] = 0x20, [16] = 0x40 }, 24, false,
      RC_INVALID_INPUT },
    { "media ops zero misaligned length", 0x4402,
      { 1, 1, 0, 0, 1, [16] = 0x20 }, 24, false, RC_INVALID_INPUT },
    { "media ops zero empty range", 0x4402, { 1, 1, 0, 0, 1 }, 24, false,
      RC_INVALID_INPUT },
    { "media ops zero beyond capacity", 0x4402,
      { 1, 1, 0, 0, 1, [11] = 0x30, [16] = 0x40 }, 24, false,
      RC_INVALID_PA },
    { "media ops zero across the end", 0x4402,
      { 1, 1, 0, 0, 1, [8] = 0xc0, 0xff, 0xff, 0x2f, [16] = 0x80 }, 24,
      false, RC_INVALID_PA },
    { "media ops zero length wraps", 0x4402,
      { 1, 1, 0, 0, 1, [8] = 0x40, [16] = 0xc0, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff }, 24, false, RC_INVALID_PA },
    { "media ops sanitize second range misaligned", 0x4402,
      { 1, 0, 0, 0, 2, [17] = 0x10, [25] = 0x20, [32] = 0x10 }, 40, false,
      RC_INVALID_INPUT },
    { "media ops zero", 0x4402,
      { 1, 1, 0, 0, 2, [17] = 0x10, [25] = 0x20, [33] = 0x10 }, 40, false,
      RC_BACKGROUND, 0 },
    /* the last cases: Zero runs */
    { "media ops zero while zeroing", 0x4402,
      { 1, 1, 0, 0, 1, [17] = 0x10 }, 24, false, RC_BUSY },
    { "media ops discovery while zeroing", 0x4402, { [10] = 8 }, 12, false,
      RC_BUSY },
    { "sanitize while zeroing", 0x4400, {}, 0, false, RC_BUSY },
    { "abort zero", 0x0005, {}, 0, false, RC_BUSY },
    { "get lsa while zeroing", 0x4102, { 0, 0, 0, 0, 0x10 }, 8, false,
      RC_SUCCESS, 0x10, .exact = true },
};

/* After media_op_cases, once Zero has ended: a ranged Sanitize runs */
static const CXLQtestMboxCase media_op_sanitize_cases[] = {
    { "media ops sanitize", 0x4402, { 1, 0, 0, 0, 1, [17] = 0x10 }, 24,
      false, RC_BACKGROUND, 0 },
    { "media ops zero while range sanitizing", 0x4402,
      { 1, 1, 0, 0, 1, [17] = 0x10 }, 24, false, RC_MEDIA_DISABLED },
    { "get lsa while range sanitizing", 0x4102, { 0, 0, 0, 0, 0x10 }, 8,
      false, RC_MEDIA_DISABLED },
    { "sanitize while range sanitizing", 0x4400, {}, 0, false,
      RC_MEDIA_DISABLED },
    { "identify memdev while range sanitizing", 0x4000, {}, 0, false,
      RC_SUCCESS, 0x45 },
};

/* ---- features and maintenance ---- */

/*
 * Set Feature input: UUID, flags (action [2:0], saved across reset [3]) at
 * 16, offset at 20, version at 22, data from 32. Get Feature: UUID, offset
 * at 16, count at 18, selection at 20. Perform Maintenance: class,
 * subclass, then for PPR flags, DPA (8), nibble mask (3); for sparing
 * flags, channel, rank, nibble mask (3), bank group, bank, row (3),
 * column (2), sub-channel.
 */
static const CXLQtestMboxCase feature_cases[] = {
    /* Get Supported Features: count (output bytes), start index */
    { "get supported features", 0x0500, { 0x00, 0x02 }, 8, false,
      RC_SUCCESS, 8 + NR_FEATURES * FEAT_ENTRY, .exact = true },
    { "get supported features header only", 0x0500, { 8 }, 8, false,
      RC_SUCCESS, 8, .exact = true },
    { "get supported features short", 0x0500, { 0x00, 0x02 }, 7, false,
      RC_PAYLOAD_LEN },
    { "get supported features long", 0x0500, { 0x00, 0x02 }, 9, false,
      RC_PAYLOAD_LEN },
    { "get supported features count below header", 0x0500, { 7 }, 8, false,
      RC_INVALID_INPUT },
    { "get supported features start past the end", 0x0500,
      { 0x00, 0x02, 0, 0, NR_FEATURES }, 8, false, RC_INVALID_INPUT },
    { "get supported features reserved", 0x0500, { 0x00, 0x02, [6] = 1 },
      8, false, RC_INVALID_INPUT },
    /* Get Feature */
    { "get feature scrub", 0x0501, { UUID_SCRUB, 0, 0, 4, 0, 0 }, 21,
      false, RC_SUCCESS, 4, .exact = true },
    { "get feature scrub default", 0x0501, { UUID_SCRUB, 0, 0, 4, 0, 1 },
      21, false, RC_SUCCESS, 4, .exact = true },
    { "get feature scrub saved", 0x0501, { UUID_SCRUB, 0, 0, 4, 0, 2 }, 21,
      false, RC_SUCCESS, 4, .exact = true },
    { "get feature ecs from 1, more than there is", 0x0501,
      { UUID_ECS, 1, 0, 0xff, 0, 0 }, 21, false, RC_SUCCESS, 8,
      .exact = true },
    { "get feature soft ppr", 0x0501, { UUID_SPPR, 0, 0, 20, 0, 0 }, 21,
      false, RC_SUCCESS, 20, .exact = true },
    { "get feature rank sparing", 0x0501, { UUID_RANK, 0, 0, 19, 0, 0 }, 21,
      false, RC_SUCCESS, 19, .exact = true },
    { "get feature short", 0x0501, { UUID_SCRUB, 0, 0, 4, 0, 0 }, 20, false,
      RC_PAYLOAD_LEN },
    { "get feature long", 0x0501, { UUID_SCRUB, 0, 0, 4, 0, 0 }, 22, false,
      RC_PAYLOAD_LEN },
    { "get feature unknown uuid", 0x0501, { 0, 0, 4, 0, 0 }, 21, false,
      RC_UNSUPPORTED, 0, BAD_UUID },
    { "get feature selection 3", 0x0501, { UUID_SCRUB, 0, 0, 4, 0, 3 }, 21,
      false, RC_FEAT_SELECTION },
    { "get feature offset past the end", 0x0501,
      { UUID_SCRUB, 4, 0, 1, 0, 0 }, 21, false, RC_INVALID_INPUT },
    { "get feature count 0", 0x0501, { UUID_SCRUB, 0, 0, 0, 0, 0 }, 21,
      false, RC_INVALID_INPUT },
    /* Set Feature, full transfers */
    { "set feature scrub", 0x0502, { UUID_SCRUB, [22] = 1, [32] = 6, 1 },
      34, false, RC_SUCCESS, 0, .exact = true },
    { "set feature scrub saved", 0x0502,
      { UUID_SCRUB, [16] = 0x8, [22] = 1, [32] = 6, 1 }, 34, false,
      RC_SUCCESS, 0, .exact = true },
    { "set feature short", 0x0502, { UUID_SCRUB, [22] = 1 }, 31, false,
      RC_PAYLOAD_LEN },
    { "set feature scrub data too long", 0x0502,
      { UUID_SCRUB, [22] = 1, [32] = 6, 1 }, 35, false, RC_PAYLOAD_LEN },
    { "set feature scrub data too short", 0x0502,
      { UUID_SCRUB, [22] = 1, [32] = 6 }, 33, false, RC_PAYLOAD_LEN },
    { "set feature unknown uuid", 0x0502, { [6] = 1, [16] = 6, 1 }, 34,
      false, RC_UNSUPPORTED, 0, BAD_UUID },
    { "set feature version 2", 0x0502, { UUID_SCRUB, [22] = 2, [32] = 6, 1 },
      34, false, RC_FEAT_VERSION },
    { "set feature version 0", 0x0502, { UUID_SCRUB, [32] = 6, 1 }, 34,
      false, RC_FEAT_VERSION },
    { "set feature reserved action", 0x0502,
      { UUID_SCRUB, [16] = 5, [22] = 1, [32] = 6, 1 }, 34, false,
      RC_INVALID_INPUT },
    { "set feature reserved flag", 0x0502,
      { UUID_SCRUB, [16] = 0x10, [22] = 1, [32] = 6, 1 }, 34, false,
      RC_INVALID_INPUT },
    { "set feature reserved bytes", 0x0502,
      { UUID_SCRUB, [22] = 1, [31] = 1, [32] = 6, 1 }, 34, false,
      RC_INVALID_INPUT },
    { "set feature full with an offset", 0x0502,
      { UUID_SCRUB, [20] = 1, [22] = 1, [32] = 6, 1 }, 34, false,
      RC_INVALID_INPUT },
    { "set feature scrub cycle below minimum", 0x0502,
      { UUID_SCRUB, [22] = 1, [32] = 0, 1 }, 34, false, RC_INVALID_INPUT },
    { "set feature scrub reserved flags", 0x0502,
      { UUID_SCRUB, [22] = 1, [32] = 6, 3 }, 34, false, RC_INVALID_INPUT },
    { "set feature ecs", 0x0502,
      { UUID_ECS, [22] = 1, [32] = 1, 0x0b, 0, 0x05, 0 }, 37, false,
      RC_SUCCESS, 0, .exact = true },
    { "set feature ecs reserved log entry type", 0x0502,
      { UUID_ECS, [22] = 1, [32] = 2, 4, 0, 4, 0 }, 37, false,
      RC_INVALID_INPUT },
    { "set feature ecs threshold index 2", 0x0502,
      { UUID_ECS, [22] = 1, [32] = 0, 4, 0, 2, 0 }, 37, false,
      RC_INVALID_INPUT },
    { "set feature ecs reserved config bits", 0x0502,
      { UUID_ECS, [22] = 1, [32] = 0, 4, 0x01, 4, 0 }, 37, false,
      RC_INVALID_INPUT },
    { "set feature soft ppr", 0x0502, { UUID_SPPR, [22] = 1, [34] = 1 },
      35, false, RC_SUCCESS, 0, .exact = true },
    { "set feature hard ppr device initiated", 0x0502,
      { UUID_HPPR, [22] = 1, [32] = 1 }, 35, false, RC_INVALID_INPUT },
    { "set feature hard ppr at boot", 0x0502,
      { UUID_HPPR, [22] = 1, [34] = 2 }, 35, false, RC_INVALID_INPUT },
    { "set feature hard ppr reserved mode", 0x0502,
      { UUID_HPPR, [22] = 1, [34] = 4 }, 35, false, RC_INVALID_INPUT },
    { "set feature row sparing", 0x0502, { UUID_ROW, [22] = 1 }, 34, false,
      RC_SUCCESS, 0, .exact = true },
    { "set feature bank sparing device initiated", 0x0502,
      { UUID_BANK, [22] = 1, [32] = 1 }, 34, false, RC_INVALID_INPUT },
    { "set feature cacheline sparing reserved mode", 0x0502,
      { UUID_CACHELINE, [22] = 1, [33] = 1 }, 34, false, RC_INVALID_INPUT },
    /*
     * QEMU's emulated operation durations (16 bytes, le32 each: scan
     * media, firmware transfer per MiB, sanitize, maintenance; defaults
     * 20, 100, 50, 10 ms); 3600001 (0x36ee81) is past the maximum
     */
    { "get feature durations", 0x0501, { UUID_DURATIONS, 0, 0, 16, 0, 0 },
      21, false, RC_SUCCESS, 16, .exact = true },
    { "get feature durations saved", 0x0501,
      { UUID_DURATIONS, 0, 0, 16, 0, 2 }, 21, false, RC_SUCCESS, 16,
      .exact = true },
    { "set feature durations", 0x0502, { UUID_DURATIONS, [22] = 1,
      [32] = 20, [36] = 100, [40] = 50, [44] = 10 }, 48, false, RC_SUCCESS,
      0, .exact = true },
    { "set feature durations data too short", 0x0502, { UUID_DURATIONS,
      [22] = 1, [32] = 20, [36] = 100, [40] = 50, [44] = 10 }, 47, false,
      RC_PAYLOAD_LEN },
    { "set feature durations data too long", 0x0502, { UUID_DURATIONS,
      [22] = 1, [32] = 20, [36] = 100, [40] = 50, [44] = 10 }, 49, false,
      RC_PAYLOAD_LEN },
    { "set feature durations sanitize over an hour", 0x0502,
      { UUID_DURATIONS, [22] = 1, [32] = 20, [36] = 100,
        [40] = 0x81, 0xee, 0x36, [44] = 10 }, 48, false, RC_INVALID_INPUT },
    { "set feature durations maintenance 16", 0x0502, { UUID_DURATIONS,
      [22] = 1, [32] = 20, [36] = 100, [40] = 50, [44] = 16 }, 48, false,
      RC_INVALID_INPUT },
    { "set feature durations scan media past an hour", 0x0502,
      { UUID_DURATIONS, [22] = 1, [32] = 0x81, 0xee, 0x36, [36] = 100,
      [40] = 50, [44] = 10 }, 48, false, RC_INVALID_INPUT },
    { "set feature durations firmware transfer past an hour", 0x0502,
      { UUID_DURATIONS, [22] = 1, [32] = 20, [36] = 0x81, 0xee, 0x36,
      [40] = 50, [44] = 10 }, 48, false, RC_INVALID_INPUT },
    { "set feature durations sanitize past an hour", 0x0502,
      { UUID_DURATIONS, [22] = 1, [32] = 20, [36] = 100, [40] = 0x81, 0xee,
      0x36, [44] = 10 }, 48, false, RC_INVALID_INPUT },
    { "set feature durations maintenance 2^24 + 10", 0x0502,
      { UUID_DURATIONS, [22] = 1, [32] = 20, [36] = 100, [40] = 50,
      [44] = 10, [47] = 1 }, 48, false, RC_INVALID_INPUT },
    /* Set Feature, partial transfers of the ECS feature (5 bytes) */
    { "set feature continue without initiate", 0x0502,
      { UUID_ECS, [16] = 2, [22] = 1, [32] = 0 }, 33, false,
      RC_FEAT_OUT_OF_ORDER },
    { "set feature finish without initiate", 0x0502,
      { UUID_ECS, [16] = 3, [22] = 1, [32] = 0 }, 33, false,
      RC_FEAT_OUT_OF_ORDER },
    { "set feature initiate not at 0", 0x0502,
      { UUID_ECS, [16] = 1, [20] = 1, [22] = 1, [32] = 0 }, 33, false,
      RC_FEAT_OUT_OF_ORDER },
    { "set feature initiate past the feature", 0x0502,
      { UUID_ECS, [16] = 1, [22] = 1 }, 38, false, RC_INVALID_INPUT },
    { "set feature initiate", 0x0502,
      { UUID_ECS, [16] = 1, [22] = 1, [32] = 0, 4 }, 34, false, RC_SUCCESS,
      0, .exact = true },
    { "set feature initiate again", 0x0502,
      { UUID_ECS, [16] = 1, [22] = 1, [32] = 0, 4 }, 34, false,
      RC_FEAT_IN_PROGRESS },
    { "set feature full during a transfer", 0x0502,
      { UUID_SCRUB, [22] = 1, [32] = 6, 1 }, 34, false,
      RC_FEAT_IN_PROGRESS },
    { "set feature continue of another feature", 0x0502,
      { UUID_SCRUB, [16] = 2, [20] = 2, [22] = 1, [32] = 1 }, 33, false,
      RC_FEAT_IN_PROGRESS },
    { "set feature continue repeating an offset", 0x0502,
      { UUID_ECS, [16] = 2, [22] = 1, [32] = 0, 4 }, 34, false,
      RC_FEAT_OUT_OF_ORDER },
    { "set feature continue skipping bytes", 0x0502,
      { UUID_ECS, [16] = 2, [20] = 3, [22] = 1, [32] = 0 }, 33, false,
      RC_FEAT_OUT_OF_ORDER },
    { "set feature continue", 0x0502,
      { UUID_ECS, [16] = 2, [20] = 2, [22] = 1, [32] = 0, 4 }, 34, false,
      RC_SUCCESS, 0, .exact = true },
    { "set feature finish", 0x0502,
      { UUID_ECS, [16] = 3, [20] = 4, [22] = 1, [32] = 0 }, 33, false,
      RC_SUCCESS, 0, .exact = true },
    { "set feature abort, none in progress", 0x0502,
      { UUID_ECS, [16] = 4, [22] = 1 }, 32, false, RC_SUCCESS, 0,
      .exact = true },
    { "set feature finish short of the feature", 0x0502,
      { UUID_ECS, [16] = 1, [22] = 1, [32] = 0, 4 }, 34, false, RC_SUCCESS,
      0, .exact = true },
    { "... finish", 0x0502, { UUID_ECS, [16] = 3, [20] = 2, [22] = 1,
      [32] = 0 }, 33, false, RC_INVALID_INPUT },
    { "... dropped the transfer", 0x0502,
      { UUID_ECS, [16] = 2, [20] = 3, [22] = 1, [32] = 0 }, 33, false,
      RC_FEAT_OUT_OF_ORDER },
    { "set feature initiate, then abort", 0x0502,
      { UUID_ECS, [16] = 1, [22] = 1, [32] = 0, 4 }, 34, false, RC_SUCCESS,
      0, .exact = true },
    { "set feature abort", 0x0502, { UUID_ECS, [16] = 4, [22] = 1 }, 32,
      false, RC_SUCCESS, 0, .exact = true },
    { "set feature continue after abort", 0x0502,
      { UUID_ECS, [16] = 2, [20] = 2, [22] = 1, [32] = 0, 4 }, 34, false,
      RC_FEAT_OUT_OF_ORDER },
    /* Perform Maintenance (the capacity is 0x30000000 bytes) */
    { "perform maintenance short", 0x0600, { 1 }, 1, false,
      RC_PAYLOAD_LEN },
    { "perform maintenance soft ppr short", 0x0600, { 1, 0 }, 13, false,
      RC_PAYLOAD_LEN },
    { "perform maintenance soft ppr long", 0x0600, { 1, 0 }, 15, false,
      RC_PAYLOAD_LEN },
    { "perform maintenance row sparing long", 0x0600, { 2, 1 }, 18, false,
      RC_PAYLOAD_LEN },
    { "perform maintenance unknown class", 0x0600, { 3, 0 }, 14, false,
      RC_UNSUPPORTED },
    { "perform maintenance unknown ppr subclass", 0x0600, { 1, 2 }, 14,
      false, RC_UNSUPPORTED },
    { "perform maintenance unknown sparing subclass", 0x0600, { 2, 4 }, 17,
      false, RC_UNSUPPORTED },
    { "perform maintenance ppr reserved flags", 0x0600, { 1, 0, 0x2 }, 14,
      false, RC_INVALID_INPUT },
    { "perform maintenance ppr beyond capacity", 0x0600,
      { 1, 1, 0, [6] = 0x30 }, 14, false, RC_INVALID_PA },
    { "perform maintenance sparing reserved flags", 0x0600, { 2, 3, 0x10 },
      17, false, RC_INVALID_INPUT },
    { "perform maintenance sparing channel 8", 0x0600, { 2, 3, 0, 8 }, 17,
      false, RC_INVALID_INPUT },
    { "perform maintenance sparing rank 4", 0x0600, { 2, 3, 0, 0, 4 }, 17,
      false, RC_INVALID_INPUT },
    { "perform maintenance bank sparing bank group 8", 0x0600,
      { 2, 2, [8] = 8 }, 17, false, RC_INVALID_INPUT },
    { "perform maintenance bank sparing bank 4", 0x0600, { 2, 2, [9] = 4 },
      17, false, RC_INVALID_INPUT },
    { "perform maintenance row sparing row 0x40000", 0x0600,
      { 2, 1, [12] = 0x04 }, 17, false, RC_INVALID_INPUT },
    { "perform maintenance cacheline column 0x800", 0x0600,
      { 2, 0, [14] = 0x08 }, 17, false, RC_INVALID_INPUT },
    { "perform maintenance cacheline sub-channel 2", 0x0600,
      { 2, 0, 0x4, [15] = 2 }, 17, false, RC_INVALID_INPUT },
    /* the last cases: a maintenance operation runs */
    { "perform maintenance soft ppr", 0x0600, { 1, 0, 0, 0x00, 0x10 }, 14,
      false, RC_BACKGROUND, 0 },
    { "perform maintenance while one runs", 0x0600, { 2, 3 }, 17, false,
      RC_BUSY },
    { "scan media while maintenance runs", 0x4304, { [8] = 1 }, 17, false,
      RC_BUSY },
    { "set feature while maintenance runs", 0x0502,
      { UUID_SCRUB, [22] = 1, [32] = 6, 1 }, 34, false, RC_SUCCESS, 0,
      .exact = true },
};

/*
 * The security commands on a new device (no passphrase, which compares as
 * 32 zero bytes), in order. Set Passphrase: type (0 master, 1 user), 31
 * reserved, current passphrase at 32, new at 64 (96 bytes); Disable
 * Passphrase and Passphrase Secure Erase: type, 31 reserved, passphrase
 * at 32 (64 bytes); Unlock: the passphrase (32 bytes). The state
 * transitions, attempt limits and locking are in test_security.
 */
static const CXLQtestMboxCase security_cases[] = {
    { "get security state", 0x4500, {}, 0, false, RC_SUCCESS, 4,
      .exact = true },
    { "set passphrase short", 0x4501, { 1 }, 95, false, RC_PAYLOAD_LEN },
    { "set passphrase long", 0x4501, { 1 }, 97, false, RC_PAYLOAD_LEN },
    { "set passphrase bad type", 0x4501, { 2 }, 96, false,
      RC_INVALID_INPUT },
    { "disable user passphrase (none set)", 0x4502, { 1 }, 64, false,
      RC_SECURITY_STATE },
    { "disable master passphrase (none set)", 0x4502, { 0 }, 64, false,
      RC_SECURITY_STATE },
    { "unlock (not locked)", 0x4503, {}, 32, false, RC_SECURITY_STATE },
    { "unlock short", 0x4503, {}, 31, false, RC_PAYLOAD_LEN },
    { "unlock long", 0x4503, {}, 33, false, RC_PAYLOAD_LEN },
    { "set user passphrase wrong current", 0x4501, { 1, [32] = 9 }, 96,
      false, RC_PASSPHRASE },
    { "set user passphrase", 0x4501, { 1, [64] = 0x55 }, 96, false,
      RC_SUCCESS, 0, .exact = true },
    { "set master passphrase with user set", 0x4501, { 0 }, 96, false,
      RC_SECURITY_STATE },
    { "secure erase with user passphrase", 0x4401, {}, 0, false,
      RC_SECURITY_STATE },
    { "sanitize with user passphrase", 0x4400, {}, 0, false,
      RC_SECURITY_STATE },
    { "disable passphrase short", 0x4502, { 1 }, 63, false, RC_PAYLOAD_LEN },
    { "disable passphrase long", 0x4502, { 1 }, 65, false, RC_PAYLOAD_LEN },
    { "disable passphrase bad type", 0x4502, { 2 }, 64, false,
      RC_INVALID_INPUT },
    { "disable user passphrase wrong", 0x4502, { 1 }, 64, false,
      RC_PASSPHRASE },
    { "disable user passphrase", 0x4502, { 1, [32] = 0x55 }, 64, false,
      RC_SUCCESS, 0, .exact = true },
    { "set master passphrase", 0x4501, { 0, [64] = 0x66 }, 96, false,
      RC_SUCCESS, 0, .exact = true },
    { "passphrase erase short", 0x4505, { 0 }, 63, false, RC_PAYLOAD_LEN },
    { "passphrase erase long", 0x4505, { 0 }, 65, false, RC_PAYLOAD_LEN },
    { "passphrase erase bad type", 0x4505, { 2 }, 64, false,
      RC_INVALID_INPUT },
    { "passphrase erase master wrong", 0x4505, { 0 }, 64, false,
      RC_PASSPHRASE },
    { "passphrase erase master", 0x4505, { 0, [32] = 0x66 }, 64, false,
      RC_SUCCESS, 0, .exact = true },
    { "passphrase erase user (none set)", 0x4505, { 1, [32] = 7 }, 64,
      false, RC_SUCCESS, 0, .exact = true },
    { "freeze long", 0x4504, {}, 1, false, RC_PAYLOAD_LEN },
    { "freeze", 0x4504, {}, 0, false, RC_SUCCESS, 0, .exact = true },
    { "freeze again", 0x4504, {}, 0, false, RC_SUCCESS, 0, .exact = true },
    { "set user passphrase frozen", 0x4501, { 1 }, 96, false,
      RC_SECURITY_STATE },
    { "disable master passphrase frozen", 0x4502, { 0, [32] = 0x66 }, 64,
      false, RC_SECURITY_STATE },
    { "unlock frozen", 0x4503, {}, 32, false, RC_SECURITY_STATE },
    { "passphrase erase frozen", 0x4505, { 1 }, 64, false,
      RC_SECURITY_STATE },
    { "get security state frozen", 0x4500, {}, 0, false, RC_SUCCESS, 4,
      .exact = true },
};

/* After a reset with the user passphrase 32 x 55h set: locked */
static const CXLQtestMboxCase security_locked_cases[] = {
    { "get lsa locked", 0x4102, { 0, 0, 0, 0, 0x10 }, 8, false,
      RC_SECURITY_STATE },
    { "unlock wrong", 0x4503, {}, 32, false, RC_PASSPHRASE },
    { "unlock", 0x4503, { [0 ... 31] = 0x55 }, 32, false, RC_SUCCESS, 0,
      .exact = true },
    { "get lsa unlocked", 0x4102, { 0, 0, 0, 0, 0x10 }, 8, false,
      RC_SUCCESS, 0x10, .exact = true },
};

static void test_command_table(void)
{
    T3 t;
    unsigned failures;
    g_autoptr(GArray) all = g_array_new(false, false,
                                        sizeof(CXLQtestMboxCase));

    /* the tables cover every tested opcode with a success and a length case */
    g_array_append_vals(all, mbox_cases, ARRAY_SIZE(mbox_cases));
    g_array_append_vals(all, sanitize_cases, ARRAY_SIZE(sanitize_cases));
    g_array_append_vals(all, media_op_cases, ARRAY_SIZE(media_op_cases));
    g_array_append_vals(all, feature_cases, ARRAY_SIZE(feature_cases));
    g_array_append_vals(all, security_cases, ARRAY_SIZE(security_cases));
    g_array_append_vals(all, security_locked_cases,
                        ARRAY_SIZE(security_locked_cases));
    g_assert_cmpuint(cxl_qtest_cases_cover(tested_ops, ARRAY_SIZE(tested_ops),
                                           (CXLQtestMboxCase *)all->data,
                                           all->len), ==, 0);
    t3_start(&t, false);
    failures = cxl_qtest_run_cases(t.qts, t.mbox, t.payload_max,
                                   cxl_qtest_generic_cases,
                                   cxl_qtest_nr_generic_cases);
    failures += t3_run_cases(&t, mbox_cases);
    /* let the scan end */
    qtest_clock_step(t.qts, 1000 * 1000000ull);
    failures += t3_run_cases(&t, sanitize_cases);
    t3_stop(&t);
    g_assert_cmpuint(failures, ==, 0);
}

/*
 * Get/Set LSA with an offset near 4 GiB whose sum with the length wraps
 * 32 bits: invalid input (CXL r3.1 8.2.9.9.2.3/4; the kernel's mock device
 * checks "offset > LSA_SIZE || length > LSA_SIZE - offset"). A 32-bit
 * offset loaded sign-extended once made "offset + len" wrap below the LSA
 * size, and the device read and wrote host memory in front of the LSA.
 */
static void test_lsa_offset_wrap(void)
{
    T3 t;
    uint8_t in[16], out[64];
    uint16_t get_rc, set_rc;

    t3_start(&t, false);
    stl_le_p(in, 0xfffffff0);
    stl_le_p(in + 4, 0x10);
    get_rc = mbox_send(&t, 0x4102, in, 8, out, sizeof(out), NULL);
    stl_le_p(in, 0xfffffffc);
    stl_le_p(in + 4, 0);
    memset(in + 8, 0, 8);
    set_rc = mbox_send(&t, 0x4103, in, 16, NULL, 0, NULL);
    t3_stop(&t);
    g_assert_cmphex(get_rc, ==, RC_INVALID_INPUT);
    g_assert_cmphex(set_rc, ==, RC_INVALID_INPUT);
}

static void test_command_functions(void)
{
    T3 t;
    uint8_t in[64], out[256];
    uint32_t len;

    t3_start(&t, false);

    /* Set LSA then Get LSA reads the bytes back */
    stl_le_p(in, 0x1000);
    stl_le_p(in + 4, 0);
    for (unsigned i = 0; i < 32; i++) {
        in[8 + i] = 0xa0 + i;
    }
    g_assert_cmphex(mbox_send(&t, 0x4103, in, 40, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    stl_le_p(in, 0x1000);
    stl_le_p(in + 4, 32);
    memset(out, 0, sizeof(out));
    g_assert_cmphex(mbox_send(&t, 0x4102, in, 8, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 32);
    for (unsigned i = 0; i < 32; i++) {
        g_assert_cmphex(out[i], ==, 0xa0 + i);
    }
    /* the last bytes of the LSA */
    stl_le_p(in, LSA_SIZE - 4);
    stl_le_p(in + 4, 0);
    stl_le_p(in + 8, 0xdeadbeef);
    g_assert_cmphex(mbox_send(&t, 0x4103, in, 12, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    stl_le_p(in, LSA_SIZE - 4);
    stl_le_p(in + 4, 4);
    g_assert_cmphex(mbox_send(&t, 0x4102, in, 8, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 4);
    g_assert_cmphex((uint32_t)ldl_le_p(out), ==, 0xdeadbeef);

    /* Set Timestamp then Get Timestamp: at least the value set */
    cxl_qtest_check_timestamp(t.qts, t.mbox, t.payload_max);

    /* Alert configuration round trip */
    g_assert_cmphex(mbox_send(&t, 0x4201, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, >=, 0x10);
    uint8_t life_crit = out[2];
    int16_t over_crit = lduw_le_p(out + 4);
    int16_t under_crit = lduw_le_p(out + 6);
    g_assert_true(out[1] & 0x1);                /* life used programmable */
    g_assert_true(out[1] & 0x2);                /* over-temp programmable */
    g_assert_cmpuint(life_crit, >, 1);
    memset(in, 0, 12);
    in[0] = 0x3;                                /* life used, over-temp */
    in[1] = 0x3;
    in[2] = life_crit / 2;
    stw_le_p(in + 4, over_crit - 5);
    g_assert_cmphex(mbox_send(&t, 0x4202, in, 12, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    g_assert_cmphex(mbox_send(&t, 0x4201, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmphex(out[0] & 0x3, ==, 0x3);
    g_assert_cmpuint(out[3], ==, life_crit / 2);
    g_assert_cmpint((int16_t)lduw_le_p(out + 8), ==, over_crit - 5);
    /* warnings beyond their critical thresholds are invalid input */
    if (life_crit < 0xff) {
        in[0] = in[1] = 0x1;
        in[2] = life_crit + 1;
        g_assert_cmphex(mbox_send(&t, 0x4202, in, 12, NULL, 0, NULL), ==,
                        RC_INVALID_INPUT);
    }
    in[0] = in[1] = 0x2;
    stw_le_p(in + 4, over_crit + 1);
    g_assert_cmphex(mbox_send(&t, 0x4202, in, 12, NULL, 0, NULL), ==,
                    RC_INVALID_INPUT);
    in[0] = in[1] = 0x4;
    stw_le_p(in + 6, under_crit - 1);
    g_assert_cmphex(mbox_send(&t, 0x4202, in, 12, NULL, 0, NULL), ==,
                    RC_INVALID_INPUT);
    /* ... and leave the configuration as it was */
    g_assert_cmphex(mbox_send(&t, 0x4201, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmphex(out[0] & 0x3, ==, 0x3);
    g_assert_cmpuint(out[3], ==, life_crit / 2);
    g_assert_cmpint((int16_t)lduw_le_p(out + 8), ==, over_crit - 5);

    /* Shutdown state round trip */
    in[0] = 1;
    g_assert_cmphex(mbox_send(&t, 0x4204, in, 1, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    g_assert_cmphex(mbox_send(&t, 0x4203, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 1);
    g_assert_cmphex(out[0] & 1, ==, 1);
    in[0] = 0;
    g_assert_cmphex(mbox_send(&t, 0x4204, in, 1, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    g_assert_cmphex(mbox_send(&t, 0x4203, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmphex(out[0] & 1, ==, 0);

    /* Partition info: 256 MiB volatile, 512 MiB persistent */
    g_assert_cmphex(mbox_send(&t, 0x4100, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(ldq_le_p(out), ==, 1);
    g_assert_cmpuint(ldq_le_p(out + 8), ==, 2);

    /* FW info: an active slot among the slots */
    g_assert_cmphex(mbox_send(&t, 0x0200, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(out[0], >=, 1);
    g_assert_cmpuint(out[1] & 7, >=, 1);
    g_assert_cmpuint(out[1] & 7, <=, out[0]);

    /* Empty event logs: no records, no overflow, no more */
    for (uint8_t log = 0; log < 4; log++) {
        g_assert_cmphex(mbox_send(&t, 0x0100, &log, 1, out, sizeof(out),
                                  &len), ==, RC_SUCCESS);
        g_assert_cmpuint(len, >=, 0x20);
        g_assert_cmphex(out[0] & 3, ==, 0);
        g_assert_cmpuint(lduw_le_p(out + 20), ==, 0);
    }
    /* event status register: nothing pending */
    g_assert_cmphex(qtest_readl(t.qts, t.status) & 0x1f, ==, 0);

    /* Event interrupt policy: MSI/MSI-X on all four logs */
    memset(in, 1, 4);
    g_assert_cmphex(mbox_send(&t, 0x0103, in, 4, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    g_assert_cmphex(mbox_send(&t, 0x0102, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, >=, 4);
    for (unsigned i = 0; i < 4; i++) {
        g_assert_cmphex(out[i] & 3, ==, 1);
        g_assert_cmpuint(out[i] >> 4, <, t.msix_vectors);
    }
    /* and back to none */
    memset(in, 0, 4);
    g_assert_cmphex(mbox_send(&t, 0x0103, in, 4, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    g_assert_cmphex(mbox_send(&t, 0x0102, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    for (unsigned i = 0; i < 4; i++) {
        g_assert_cmphex(out[i] & 3, ==, 0);
    }

    /* Background operation status: idle */
    g_assert_cmphex(mbox_send(&t, 0x0002, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmphex(out[0] & 1, ==, 0);
    t3_stop(&t);
}


static void test_security_table(void)
{
    T3 t;
    unsigned failures;

    t3_start(&t, false);
    failures = t3_run_cases(&t, security_cases);
    /* a reset ends the frozen state; set the user passphrase, lock */
    qtest_system_reset(t.qts);
    platform_init(&t);
    g_assert_cmphex(sec_set(&t, PASS_USER, 0, 0x55), ==, RC_SUCCESS);
    qtest_system_reset(t.qts);
    platform_init(&t);
    failures += t3_run_cases(&t, security_locked_cases);
    t3_stop(&t);
    g_assert_cmpuint(failures, ==, 0);
}

static void test_media_op_table(void)
{
    T3 t;
    unsigned failures;

    t3_start(&t, false);
    failures = t3_run_cases(&t, media_op_cases);
    qtest_clock_step(t.qts, 1000 * 1000000ull);
    failures += t3_run_cases(&t, media_op_sanitize_cases);
    t3_stop(&t);
    g_assert_cmpuint(failures, ==, 0);
}

static void test_feature_table(void)
{
    T3 t;
    unsigned failures;

    /* the last cases need Perform Maintenance to run in the background */
    t3_start_opts(&t, false, ",maintenance-ms=10");
    failures = t3_run_cases(&t, feature_cases);
    t3_stop(&t);
    g_assert_cmpuint(failures, ==, 0);
}

/*
 * ---- event injection through QMP ----
 *
 * cxl-inject-general-media-event, -dram-event and -memory-module-event in
 * the 10.2 form and with the arguments upstream QEMU 11.1 added (CXL r3.2
 * fields), read back with Get Event Records. Offsets are those of Linux's
 * struct cxl_event_record_raw (include/cxl/event.h: the UUID, then the
 * common header, then the record), validity bits those of its
 * drivers/cxl/core/trace.h.
 */

/* common header */
#define EV_FLAGS            0x11    /* 24 bits */
#define EV_MAINT_CLASS      0x20
#define EV_MAINT_SUBCLASS   0x21
#define EV_LD_ID            0x22
#define EV_HEAD_ID          0x24
#define   EVF_SUBCLASS_VALID    (1u << 6)
#define   EVF_LD_ID_VALID       (1u << 7)
#define   EVF_HEAD_ID_VALID     (1u << 8)
/* General Media and DRAM (struct cxl_event_media_hdr) */
#define EV_DPA              0x30
#define EV_VALID            0x3b
#define EV_CHANNEL          0x3d
#define EV_RANK             0x3e
/* General Media */
#define GM_DEVICE           0x3f
#define GM_COMP_ID          0x42
#define GM_CME_FLAGS        0x52
#define GM_CME_COUNT        0x53
#define GM_SUB_TYPE         0x56
/* DRAM */
#define DR_ROW              0x44
#define DR_COMP_ID          0x69
#define DR_SUB_CHANNEL      0x79
#define DR_CME_FLAGS        0x7a
#define DR_CVME_COUNT       0x7b
#define DR_SUB_TYPE         0x7e
/* Memory Module */
#define MM_EVENT_TYPE       0x30
#define MM_LIFE_USED        0x34
#define MM_VALID            0x43
#define MM_COMP_ID          0x45
#define MM_SUB_TYPE         0x55

static const uint8_t gm_uuid[16] = {
    0xfb, 0xcd, 0x0a, 0x77, 0xc2, 0x60, 0x41, 0x7f,
    0x85, 0xa9, 0x08, 0x8b, 0x16, 0x21, 0xeb, 0xa6,
};

/* @cmd with @args succeeds; the one record it put in @log, then cleared */
static void inject_one(T3 *t, uint8_t log, const char *cmd, const char *args,
                       uint8_t *rec)
{
    g_autofree char *err = t3_qmp(t, cmd, args);

    g_assert_null(err);
    g_assert_cmpuint(event_records(t, log, rec, 1), ==, 1);
    g_assert_cmpuint(rec[0x10], ==, 128);       /* record length */
    event_clear(t, log, rec);
    g_assert_cmpuint(event_records(t, log, rec + 128, 1), ==, 0);
}

/*
 * @cmd with @args (the JSON object's members, after @base's) is refused
 * with an error that starts with @arg, and no log has a record
 */
static void inject_bad(T3 *t, const char *cmd, const char *base,
                       const char *more, const char *arg)
{
    g_autofree char *args = g_strdup_printf("{'log': 'informational', "
                                            "%s, %s}", base, more);
    g_autofree char *err = t3_qmp(t, cmd, args);
    uint8_t rec[128];

    g_test_message("%s %s: %s", cmd, more, err);
    g_assert_nonnull(err);
    g_assert(strstr(err, arg));
    for (uint8_t log = 0; log < 4; log++) {
        g_assert_cmpuint(event_records(t, log, rec, 1), ==, 0);
    }
}

static uint32_t ld24(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16;
}

/* The header carries none of the r3.2 fields */
static void check_no_r32_header(const uint8_t *rec, uint8_t flags)
{
    g_assert_cmphex(ld24(rec + EV_FLAGS), ==, flags);
    g_assert_cmphex(rec[EV_MAINT_CLASS], ==, 0);
    g_assert_cmphex(rec[EV_MAINT_SUBCLASS], ==, 0);
    g_assert_cmphex(lduw_le_p(rec + EV_LD_ID), ==, 0);
    g_assert_cmphex(rec[EV_HEAD_ID], ==, 0);
}

/* ... all of them: class 1, subclass 2, LD-ID 5, head ID 3 */
#define R32_HEADER_ARGS "'maint-op-class': 1, 'maint-op-subclass': 2, " \
                        "'ld-id': 5, 'head-id': 3"

static void check_r32_header(const uint8_t *rec, uint8_t flags)
{
    g_assert_cmphex(ld24(rec + EV_FLAGS), ==,
                    flags | EVF_SUBCLASS_VALID | EVF_LD_ID_VALID |
                    EVF_HEAD_ID_VALID);
    g_assert_cmphex(rec[EV_MAINT_CLASS], ==, 1);
    g_assert_cmphex(rec[EV_MAINT_SUBCLASS], ==, 2);
    g_assert_cmphex(lduw_le_p(rec + EV_LD_ID), ==, 5);
    g_assert_cmphex(rec[EV_HEAD_ID], ==, 3);
}

#define GM_CMD  "cxl-inject-general-media-event"
#define GM_BASE "'path': 't3', 'flags': 8, " \
                "'dpa': 4160, 'descriptor': 2, 'type': 0, " \
                "'transaction-type': 2"

static void test_inject_general_media(void)
{
    uint8_t rec[256];
    T3 t;

    t3_start(&t, false);

    /* the 10.2 form: sub-type "not reported", no r3.2 field */
    inject_one(&t, 0, GM_CMD, "{'log': 'informational', " GM_BASE ", "
               "'channel': 3, 'rank': 5, 'device': 4660, "
               "'component-id': 'DIMM7'}", rec);
    g_assert_cmpmem(rec, 16, gm_uuid, 16);
    check_no_r32_header(rec, 0x08);
    g_assert_cmphex(ldq_le_p(rec + EV_DPA), ==, 4160);
    /* channel, rank, device, component ID */
    g_assert_cmphex(lduw_le_p(rec + EV_VALID), ==, 0x0f);
    g_assert_cmphex(ld24(rec + GM_DEVICE), ==, 0x1234);
    g_assert_cmpmem(rec + GM_COMP_ID, 6, "DIMM7", 6);
    g_assert_cmphex(rec[GM_CME_FLAGS], ==, 0);
    g_assert_cmphex(ld24(rec + GM_CME_COUNT), ==, 0);
    g_assert_cmphex(rec[GM_SUB_TYPE], ==, 0);

    /* the 11.1 form, every argument; a PLDM component ID */
    inject_one(&t, 1, GM_CMD, "{'log': 'warning', " GM_BASE ", "
               "'sub-type': 5, 'cme-ev-flags': 2, 'cme-count': 7, "
               "'component-id': '\\u0003ABCDEFGHIJ', "
               "'is-comp-id-pldm': true, " R32_HEADER_ARGS "}", rec);
    check_r32_header(rec, 0x08);
    /* component ID and its PLDM format */
    g_assert_cmphex(lduw_le_p(rec + EV_VALID), ==, 0x18);
    g_assert_cmpmem(rec + GM_COMP_ID, 16,
                    "\x03" "ABCDEFGHIJ\0\0\0\0\0", 16);
    g_assert_cmphex(rec[GM_CME_FLAGS], ==, 2);
    g_assert_cmphex(ld24(rec + GM_CME_COUNT), ==, 7);
    g_assert_cmphex(rec[GM_SUB_TYPE], ==, 5);
    g_assert_cmphex(rec[GM_SUB_TYPE + 1], ==, 0);

    /* a component ID that is not PLDM; the largest 24-bit count */
    inject_one(&t, 2, GM_CMD, "{'log': 'failure', " GM_BASE ", "
               "'sub-type': 0, 'component-id': '0123456789abcdef', "
               "'is-comp-id-pldm': false, 'cme-count': 16777215, "
               "'ld-id': 65535}", rec);
    g_assert_cmphex(ld24(rec + EV_FLAGS), ==, 0x08 | EVF_LD_ID_VALID);
    g_assert_cmphex(lduw_le_p(rec + EV_LD_ID), ==, 0xffff);
    g_assert_cmphex(lduw_le_p(rec + EV_VALID), ==, 0x08);
    g_assert_cmpmem(rec + GM_COMP_ID, 16, "0123456789abcdef", 16);
    g_assert_cmphex(ld24(rec + GM_CME_COUNT), ==, 0xffffff);
    g_assert_cmphex(rec[GM_SUB_TYPE + 1], ==, 0);

    /* bad input: refused, naming the argument; nothing queued */
    inject_bad(&t, GM_CMD, GM_BASE, "'sub-type': 6", "sub-type");
    inject_bad(&t, GM_CMD, GM_BASE, "'sub-type': 256", "sub-type");
    inject_bad(&t, GM_CMD, GM_BASE, "'cme-count': 16777216", "cme-count");
    inject_bad(&t, GM_CMD, GM_BASE, "'cme-ev-flags': 256", "cme-ev-flags");
    inject_bad(&t, GM_CMD, GM_BASE, "'ld-id': 65536", "ld-id");
    inject_bad(&t, GM_CMD, GM_BASE, "'ld-id': -1", "ld-id");
    inject_bad(&t, GM_CMD, GM_BASE, "'head-id': 256", "head-id");
    inject_bad(&t, GM_CMD, GM_BASE, "'maint-op-class': 256",
               "maint-op-class");
    inject_bad(&t, GM_CMD, GM_BASE, "'maint-op-subclass': 300",
               "maint-op-subclass");
    inject_bad(&t, GM_CMD, GM_BASE, "'component-id': '0123456789abcdefg'",
               "component-id");
    inject_bad(&t, GM_CMD, GM_BASE, "'is-comp-id-pldm': true",
               "is-comp-id-pldm");
    inject_bad(&t, GM_CMD, GM_BASE, "'is-comp-id-pldm': 1",
               "is-comp-id-pldm");
    /* a valid r3.2 field does not let a bad 10.2 one through */
    inject_bad(&t, GM_CMD, GM_BASE, "'sub-type': 1, 'device': 16777216",
               "device");
    t3_stop(&t);
}

#define DR_CMD  "cxl-inject-dram-event"
#define DR_BASE "'path': 't3', 'flags': 4, " \
                "'dpa': 8320, 'descriptor': 2, 'type': 1, " \
                "'transaction-type': 1"

static void test_inject_dram(void)
{
    uint8_t rec[256];
    T3 t;

    t3_start(&t, false);

    /* the 10.2 form */
    inject_one(&t, 1, DR_CMD, "{'log': 'warning', " DR_BASE ", "
               "'channel': 6, 'row': 74565, 'correction-mask': [255]}", rec);
    check_no_r32_header(rec, 0x04);
    /* channel, row, correction mask */
    g_assert_cmphex(lduw_le_p(rec + EV_VALID), ==, 0xa1);
    g_assert_cmphex(ld24(rec + DR_ROW), ==, 74565);
    for (unsigned i = DR_COMP_ID; i < 128; i++) {
        g_assert_cmphex(rec[i], ==, 0);
    }

    /* the 11.1 form, every argument */
    inject_one(&t, 3, DR_CMD, "{'log': 'fatal', " DR_BASE ", "
               "'channel': 6, 'sub-type': 1, 'cme-ev-flags': 3, "
               "'cvme-count': 9, 'sub-channel': 4, 'component-id': 'CH0', "
               "'is-comp-id-pldm': false, " R32_HEADER_ARGS "}", rec);
    check_r32_header(rec, 0x04);
    /* channel, component ID, sub-channel */
    g_assert_cmphex(lduw_le_p(rec + EV_VALID), ==, 0x501);
    g_assert_cmpmem(rec + DR_COMP_ID, 4, "CH0", 4);
    g_assert_cmphex(rec[DR_SUB_CHANNEL], ==, 4);
    g_assert_cmphex(rec[DR_CME_FLAGS], ==, 3);
    g_assert_cmphex(ld24(rec + DR_CVME_COUNT), ==, 9);
    g_assert_cmphex(rec[DR_SUB_TYPE], ==, 1);
    g_assert_cmphex(rec[DR_SUB_TYPE + 1], ==, 0);

    /* PLDM format; sub-channel 0 is still given */
    inject_one(&t, 0, DR_CMD, "{'log': 'informational', " DR_BASE ", "
               "'sub-type': 5, 'sub-channel': 0, "
               "'component-id': '\\u0001abcdef', 'is-comp-id-pldm': true, "
               "'head-id': 255}", rec);
    g_assert_cmphex(ld24(rec + EV_FLAGS), ==, 0x04 | EVF_HEAD_ID_VALID);
    g_assert_cmphex(rec[EV_HEAD_ID], ==, 0xff);
    g_assert_cmphex(lduw_le_p(rec + EV_VALID), ==, 0x700);
    g_assert_cmpmem(rec + DR_COMP_ID, 8, "\x01" "abcdef\0", 8);
    g_assert_cmphex(rec[DR_SUB_TYPE], ==, 5);

    inject_bad(&t, DR_CMD, DR_BASE, "'sub-type': 6", "sub-type");
    inject_bad(&t, DR_CMD, DR_BASE, "'cvme-count': 16777216", "cvme-count");
    inject_bad(&t, DR_CMD, DR_BASE, "'sub-channel': 256", "sub-channel");
    inject_bad(&t, DR_CMD, DR_BASE, "'ld-id': 70000", "ld-id");
    inject_bad(&t, DR_CMD, DR_BASE, "'head-id': -1", "head-id");
    inject_bad(&t, DR_CMD, DR_BASE, "'component-id': 'xxxxxxxxxxxxxxxxx'",
               "component-id");
    inject_bad(&t, DR_CMD, DR_BASE, "'is-comp-id-pldm': true",
               "is-comp-id-pldm");
    inject_bad(&t, DR_CMD, DR_BASE, "'cme-count': 1", "cme-count");
    inject_bad(&t, DR_CMD, DR_BASE, "'sub-type': 1, 'row': 16777216", "row");
    t3_stop(&t);
}

#define MM_CMD  "cxl-inject-memory-module-event"
#define MM_BASE "'path': 't3', 'flags': 16, 'type': 3, " \
                "'health-status': 2, 'media-status': 0, " \
                "'additional-status': 0, 'life-used': 42, " \
                "'temperature': -7, 'dirty-shutdown-count': 1, " \
                "'corrected-volatile-error-count': 0, " \
                "'corrected-persistent-error-count': 0"

static void test_inject_memory_module(void)
{
    uint8_t rec[256];
    T3 t;

    t3_start(&t, false);

    /* the 10.2 form */
    inject_one(&t, 2, MM_CMD, "{'log': 'failure', " MM_BASE "}", rec);
    check_no_r32_header(rec, 0x10);
    g_assert_cmphex(rec[MM_EVENT_TYPE], ==, 3);
    g_assert_cmpuint(rec[MM_LIFE_USED], ==, 42);
    g_assert_cmphex(lduw_le_p(rec + MM_VALID), ==, 0);
    for (unsigned i = MM_COMP_ID; i < 128; i++) {
        g_assert_cmphex(rec[i], ==, 0);
    }

    /* the 11.1 form, every argument */
    inject_one(&t, 2, MM_CMD, "{'log': 'failure', " MM_BASE ", "
               "'sub-type': 3, 'component-id': '\\u0002XYZWVUTSRQ', "
               "'is-comp-id-pldm': true, " R32_HEADER_ARGS "}", rec);
    check_r32_header(rec, 0x10);
    g_assert_cmphex(lduw_le_p(rec + MM_VALID), ==, 0x3);
    g_assert_cmpmem(rec + MM_COMP_ID, 12, "\x02" "XYZWVUTSRQ", 12);
    g_assert_cmphex(rec[MM_SUB_TYPE], ==, 3);
    g_assert_cmphex(rec[MM_SUB_TYPE + 1], ==, 0);

    /* a plain component ID */
    inject_one(&t, 2, MM_CMD, "{'log': 'failure', " MM_BASE ", "
               "'component-id': 'MOD1', 'maint-op-class': 2}", rec);
    g_assert_cmphex(ld24(rec + EV_FLAGS), ==, 0x10);
    g_assert_cmphex(rec[EV_MAINT_CLASS], ==, 2);
    g_assert_cmphex(lduw_le_p(rec + MM_VALID), ==, 0x1);
    g_assert_cmpmem(rec + MM_COMP_ID, 5, "MOD1", 5);
    g_assert_cmphex(rec[MM_SUB_TYPE], ==, 0);

    inject_bad(&t, MM_CMD, MM_BASE, "'sub-type': 4", "sub-type");
    inject_bad(&t, MM_CMD, MM_BASE, "'ld-id': 65536", "ld-id");
    inject_bad(&t, MM_CMD, MM_BASE, "'head-id': 256", "head-id");
    inject_bad(&t, MM_CMD, MM_BASE, "'component-id': '01234567890123456'",
               "component-id");
    inject_bad(&t, MM_CMD, MM_BASE, "'is-comp-id-pldm': true",
               "is-comp-id-pldm");
    inject_bad(&t, MM_CMD, MM_BASE, "'sub-channel': 1", "sub-channel");
    t3_stop(&t);
}

/* ---- event log and poison list capacities (properties) ---- */

/* Identify Memory Device: event log sizes (4 x 16 bits), poison list max */
static void check_capacities(T3 *t, unsigned events, unsigned poison)
{
    uint8_t out[0x45];
    uint32_t len;

    g_assert_cmphex(mbox_send(t, 0x4000, NULL, 0, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 0x45);
    for (unsigned l = 0; l < 4; l++) {
        g_assert_cmpuint(lduw_le_p(out + 0x30 + 2 * l), ==, events);
    }
    g_assert_cmpuint(ld24(out + 0x3c), ==, poison);
}

/* Get Event Records of @log: the flags, overflow count and record count */
static unsigned event_flags(T3 *t, uint8_t log, uint8_t *flags,
                            uint16_t *overflows)
{
    uint8_t out[0x20 + 128];
    uint32_t len;

    g_assert_cmphex(mbox_send(t, 0x0100, &log, 1, out, sizeof(out), &len),
                    ==, RC_SUCCESS);
    *flags = out[0];
    *overflows = lduw_le_p(out + 2);
    return lduw_le_p(out + 0x14);
}

/*
 * event-log-size=N: Identify reports N for every log, N records fit in a
 * log and come back in order, the next one is dropped and counted; the
 * host drains them as Linux does (read, clear what it read); the spec's
 * maximum (65535) is accepted; poison-list-max=M: M distinct ranges fit,
 * read back over several Get Poison List replies, the next one overflows.
 */
static void test_capacities(void)
{
    enum { EVENTS = 300, POISON = 1000 };
    g_autofree uint8_t *recs = g_malloc0(128 * 64);
    g_autofree uint8_t *out = NULL;
    uint16_t overflows, expect_handle = 0;
    uint8_t flags;
    unsigned got = 0, n;
    T3 t;

    t3_start_opts(&t, false, ",event-log-size=65535");
    check_capacities(&t, 65535, POISON_LIST_MAX);
    t3_stop(&t);

    t3_start_opts(&t, false, ",event-log-size=300,poison-list-max=1000");
    check_capacities(&t, EVENTS, POISON);
    for (unsigned i = 0; i < EVENTS + 1; i++) {
        g_autofree char *args = g_strdup_printf(
            "{'path': 't3', 'log': 'warning', 'flags': 8, 'dpa': %u, "
            "'descriptor': 2, 'type': 0, 'transaction-type': 2}", 64 * i);

        g_assert_null(t3_qmp(&t, "cxl-inject-general-media-event", args));
    }
    g_assert_cmpuint(event_flags(&t, 1, &flags, &overflows), ==, EVENTS);
    g_assert_cmphex(flags & 1, ==, 1);                  /* overflow */
    g_assert_cmpuint(overflows, ==, 1);
    /* drain: each record once, oldest first, the dropped one not at all */
    while ((n = event_records(&t, 1, recs, 64))) {
        for (unsigned i = 0; i < MIN(n, 64); i++) {
            uint16_t h = lduw_le_p(recs + 128 * i + 0x14);

            g_assert_cmpuint(ldq_le_p(recs + 128 * i + EV_DPA) & ~0x3full,
                             ==, 64ull * got);
            if (got) {
                g_assert_cmpuint(h, ==, expect_handle);
            }
            expect_handle = h + 1;
            event_clear(&t, 1, recs + 128 * i);
            got++;
        }
    }
    g_assert_cmpuint(got, ==, EVENTS);
    /* empty: the overflow is over */
    g_assert_cmpuint(event_flags(&t, 1, &flags, &overflows), ==, 0);
    g_assert_cmphex(flags & 1, ==, 0);

    for (unsigned i = 0; i < POISON; i++) {
        g_assert_null(qmp_poison(&t, "t3", 128ull * i, 64));
    }
    out = g_malloc0(t.payload_max);
    got = 0;
    do {
        n = poison_list(&t, 0, VMEM_SIZE, out, t.payload_max, &flags);
        g_assert_cmphex(flags & 2, ==, 0);              /* no overflow */
        for (unsigned i = 0; i < n; i++) {
            check_record(out, i, 128ull * got++, 64, SRC_INTERNAL);
        }
    } while (flags & 1);                                /* more */
    g_assert_cmpuint(got, ==, POISON);
    g_assert_null(qmp_poison(&t, "t3", 128ull * POISON, 64));
    poison_list(&t, 0, VMEM_SIZE, out, t.payload_max, &flags);
    g_assert_cmphex(flags & 2, ==, 2);                  /* overflow */
    t3_stop(&t);
}

/*
 * ---- benchmark mode (CXL_MBOX_BENCH=SECONDS; make check does not set it,
 * tests/perf/scenarios/mbox-rate.py does) ----
 *
 * Commands per second through the primary mailbox's registers, as Linux
 * sends them (cxl_qtest_mbox_send_raw(): payload, command register,
 * doorbell, poll, status, output), no QMP in the loop: Identify Memory
 * Device (4000h), Get Health Info (4200h) and Get Log (0401h) of the whole
 * CEL. Each command's return code and output length are checked. One line
 * per command: "# bench qtest OPCODE COMMANDS SECONDS RATE".
 */
static void bench_one(T3 *t, uint16_t op, const void *in, size_t in_len,
                      uint32_t want_len, double secs)
{
    g_autofree uint8_t *out = g_malloc0(t->payload_max);
    gint64 start = g_get_monotonic_time(), now;
    uint64_t n = 0;
    uint32_t len;

    do {
        for (unsigned i = 0; i < 64; i++) {
            g_assert_cmphex(mbox_send(t, op, in, in_len, out, t->payload_max,
                                      &len), ==, RC_SUCCESS);
            g_assert_cmpuint(len, ==, want_len);
        }
        n += 64;
        now = g_get_monotonic_time();
    } while (now - start < secs * G_USEC_PER_SEC);
    printf("# bench qtest %04x %" PRIu64 " %.3f %.0f\n", op, n,
           (now - start) / 1e6, n * 1e6 / (now - start));
}

static void test_bench_rate(void)
{
    double secs = g_ascii_strtod(getenv("CXL_MBOX_BENCH"), NULL);
    g_autofree uint8_t *cel = NULL;
    uint8_t in[24];
    uint32_t cel_len;
    T3 t;

    t3_start(&t, false);
    cel = cxl_qtest_read_cel(t.qts, t.mbox, t.payload_max, &cel_len);
    printf("# bench qtest-cel-bytes %u payload %u\n", cel_len, t.payload_max);
    bench_one(&t, 0x4000, NULL, 0, 0x45, secs);
    bench_one(&t, 0x4200, NULL, 0, 0x12, secs);
    memcpy(in, cxl_qtest_cel_uuid, 16);
    stl_le_p(in + 16, 0);
    stl_le_p(in + 20, cel_len);
    bench_one(&t, 0x0401, in, sizeof(in), cel_len, secs);
    t3_stop(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (getenv("CXL_MBOX_BENCH")) {
        qtest_add_func("/cxl/type3/bench/rate", test_bench_rate);
        return g_test_run();
    }
    qtest_add_func("/cxl/type3/mailbox-basics", test_mailbox_basics);
    qtest_add_func("/cxl/type3/cel", test_cel);
    qtest_add_func("/cxl/type3/command-table", test_command_table);
    qtest_add_func("/cxl/type3/feature-table", test_feature_table);
    qtest_add_func("/cxl/type3/media-op-table", test_media_op_table);
    qtest_add_func("/cxl/type3/command-functions", test_command_functions);
    qtest_add_func("/cxl/type3/lsa-offset-wrap", test_lsa_offset_wrap);
    qtest_add_func("/cxl/type3/security-table", test_security_table);
    qtest_add_func("/cxl/type3/inject-general-media",
                   test_inject_general_media);
    qtest_add_func("/cxl/type3/inject-dram", test_inject_dram);
    qtest_add_func("/cxl/type3/inject-memory-module",
                   test_inject_memory_module);
    qtest_add_func("/cxl/type3/capacities", test_capacities);
    return g_test_run();
}
