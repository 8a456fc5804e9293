/*
 * Helpers shared by the CXL qtests: see cxl-qtest.h.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "libqtest.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "cxl-qtest.h"

/* Log UUID of the Command Effects Log (CXL r3.1 8.2.9.5.2.1) */
const uint8_t cxl_qtest_cel_uuid[16] = {
    0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78,
    0x8f, 0x79, 0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17,
};

const uint8_t cxl_qtest_bad_uuid[16] = {
    0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x47, 0x88,
    0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00,
};

/* The generic commands every CCI serves */
const CXLQtestMboxCase cxl_qtest_generic_cases[] = {
    { "identify", 0x0001, {}, 0, false, RC_SUCCESS, 18, .exact = true },
    { "identify long", 0x0001, {}, 1, false, RC_PAYLOAD_LEN },
    { "bg status", 0x0002, {}, 0, false, RC_SUCCESS, 8, .exact = true },
    { "bg status long", 0x0002, {}, 1, false, RC_PAYLOAD_LEN },
    { "abort bg (none running)", 0x0005, {}, 0, false, RC_SUCCESS, 0,
      .exact = true },
    { "abort bg long", 0x0005, {}, 1, false, RC_PAYLOAD_LEN },
    /* timestamp */
    { "get timestamp", 0x0300, {}, 0, false, RC_SUCCESS, 8, .exact = true },
    { "get timestamp long", 0x0300, {}, 1, false, RC_PAYLOAD_LEN },
    { "set timestamp", 0x0301, { 1 }, 8, false, RC_SUCCESS, 0,
      .exact = true },
    { "set timestamp short", 0x0301, {}, 7, false, RC_PAYLOAD_LEN },
    { "set timestamp long", 0x0301, {}, 9, false, RC_PAYLOAD_LEN },
    /* logs: Get Log is UUID, offset, length; Get Log Caps the UUID */
    { "get supported logs", 0x0400, {}, 0, false, RC_SUCCESS, 8 + 20 },
    { "get supported logs long", 0x0400, {}, 1, false, RC_PAYLOAD_LEN },
    { "get log", 0x0401, { 0, 0, 0, 0, 4, 0, 0, 0 }, 24, false,
      RC_SUCCESS, 4, CEL_UUID, true },
    { "get log short", 0x0401, { 0, 0, 0, 0, 4, 0, 0, 0 }, 23, false,
      RC_PAYLOAD_LEN, 0, CEL_UUID },
    { "get log long", 0x0401, { 0, 0, 0, 0, 4, 0, 0, 0 }, 25, false,
      RC_PAYLOAD_LEN, 0, CEL_UUID },
    { "get log unknown uuid", 0x0401, { 0, 0, 0, 0, 4, 0, 0, 0 }, 24,
      false, RC_INVALID_LOG, 0, BAD_UUID },
    { "get log offset past the log", 0x0401,
      { 0, 0, 0x10, 0, 4, 0, 0, 0 }, 24, false, RC_INVALID_INPUT, 0,
      CEL_UUID },
    { "get log longer than the payload", 0x0401,
      { 0, 0, 0, 0, 0, 0, 0x20, 0 }, 24, false, RC_INVALID_INPUT, 0,
      CEL_UUID },
    { "get log caps", 0x0402, {}, 16, false, RC_SUCCESS, 4, CEL_UUID, true },
    { "get log caps short", 0x0402, {}, 15, false, RC_PAYLOAD_LEN, 0,
      CEL_UUID },
    { "get log caps long", 0x0402, {}, 17, false, RC_PAYLOAD_LEN, 0,
      CEL_UUID },
    { "get log caps unknown uuid", 0x0402, {}, 16, false, RC_INVALID_LOG,
      0, BAD_UUID },
};
const unsigned cxl_qtest_nr_generic_cases = ARRAY_SIZE(cxl_qtest_generic_cases);

CXLQtestPlatform cxl_qtest_platform = {
    .ecam = CXL_QTEST_Q35_ECAM,
    .mmio = 0xc0000000ull,
    .mmio_end = 0xe0000000ull,
};

/* The command line for this platform (cxl-qtest.h, CXLQtestPlatform) */
static char *platform_args(const char *args)
{
    g_auto(GStrv) parts = NULL;
    g_autofree char *joined = NULL;

    if (strcmp(qtest_get_arch(), "aarch64")) {
        return g_strdup(args);
    }
    /* arm virt: its low PCIe MMIO window and RAM (hw/arm/virt.c) */
    cxl_qtest_platform = (CXLQtestPlatform) {
        .virt = true,
        .mmio = 0x10000000ull,
        .mmio_end = 0x3eff0000ull,
        .ram = 0x40000000ull,
    };
    parts = g_strsplit(args, "-machine q35", -1);
    joined = g_strjoinv("-machine virt,gic-version=3", parts);
    return g_strconcat("-cpu max ", joined, NULL);
}

QTestState *cxl_qtest_start(const char *args)
{
    const char *fw = g_getenv("CXL_QTEST_FIRMWARE");
    g_autofree char *a = platform_args(args);

    return qtest_initf("%s%s -nodefaults %s", fw ? "-L " : "", fw ? fw : "",
                       a);
}

/*
 * fw_cfg (docs/specs/fw_cfg.rst): virt's in MMIO (hw/arm/virt.c
 * create_fw_cfg(): data at +0, the big-endian selector at +8), q35's on I/O
 * ports (selector 0x510, data 0x511). The file directory is item 0x19 (a
 * big-endian count, then 64-byte entries: size, select, name).
 */
#define VIRT_FW_CFG_BASE    0x09020000ull

static void fw_cfg_select(QTestState *qts, uint16_t key)
{
    if (cxl_qtest_platform.virt) {
        qtest_writew(qts, VIRT_FW_CFG_BASE + 8, cpu_to_be16(key));
    } else {
        qtest_outw(qts, 0x510, key);
    }
}

static void fw_cfg_read(QTestState *qts, void *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        ((uint8_t *)buf)[i] = cxl_qtest_platform.virt ?
                              qtest_readb(qts, VIRT_FW_CFG_BASE) :
                              qtest_inb(qts, 0x511);
    }
}

uint8_t *cxl_qtest_fw_cfg_file(QTestState *qts, const char *name,
                               size_t *size)
{
    uint32_t count;

    fw_cfg_select(qts, 0x19);
    fw_cfg_read(qts, &count, 4);
    for (uint32_t i = 0; i < be32_to_cpu(count); i++) {
        uint8_t e[64];

        fw_cfg_read(qts, e, sizeof(e));
        if (!strncmp((char *)e + 8, name, 56)) {
            uint8_t *buf;

            *size = ldl_be_p(e);
            buf = g_malloc(*size);
            fw_cfg_select(qts, lduw_be_p(e + 4));
            fw_cfg_read(qts, buf, *size);
            return buf;
        }
    }
    g_error("fw_cfg has no file %s", name);
}

void cxl_qtest_enable_ecam(QTestState *qts)
{
    if (cxl_qtest_platform.virt) {
        cxl_qtest_platform.ecam = cxl_qtest_mtree_find(qts, "pcie-ecam");
        g_assert_cmphex(cxl_qtest_platform.ecam, !=, 0);
        return;
    }
    qtest_outl(qts, 0xcf8, 0x80000000 | 0x60);
    qtest_outl(qts, 0xcfc, (uint32_t)CXL_QTEST_Q35_ECAM | 1);
    qtest_outl(qts, 0xcf8, 0x80000000 | 0x64);
    qtest_outl(qts, 0xcfc, CXL_QTEST_Q35_ECAM >> 32);
}

uint8_t cxl_qtest_find_cap_fn(QTestState *qts, int bus, int dev, int fn,
                              uint8_t id)
{
    uint8_t p = qtest_readb(qts, cxl_qtest_cfg(bus, dev, fn, 0x34));
    unsigned guard = 0;

    while (p && guard++ < 48) {
        if (qtest_readb(qts, cxl_qtest_cfg(bus, dev, fn, p)) == id) {
            return p;
        }
        p = qtest_readb(qts, cxl_qtest_cfg(bus, dev, fn, p + 1));
    }
    return 0;
}

uint16_t cxl_qtest_find_dvsec_fn(QTestState *qts, int bus, int dev, int fn,
                                 uint16_t id, unsigned *nr_cxl)
{
    uint16_t off = 0x100, found = 0;
    unsigned guard = 0;

    if (nr_cxl) {
        *nr_cxl = 0;
    }
    while (off && guard++ < 64) {
        uint32_t hdr = qtest_readl(qts, cxl_qtest_cfg(bus, dev, fn, off));

        if ((hdr & 0xffff) == 0x23 &&
            (qtest_readl(qts, cxl_qtest_cfg(bus, dev, fn, off + 4)) &
             0xffff) == CXL_QTEST_VENDOR) {
            if (nr_cxl) {
                (*nr_cxl)++;
            }
            if (!found &&
                qtest_readw(qts, cxl_qtest_cfg(bus, dev, fn, off + 8)) == id) {
                found = off;
            }
        }
        off = hdr >> 20;
    }
    return found;
}

uint64_t cxl_qtest_mtree_addr(QTestState *qts, const char *name)
{
    g_autofree char *mtree = qtest_hmp(qts, "info mtree -f");
    g_auto(GStrv) lines = g_strsplit(mtree, "\n", -1);

    for (char **l = lines; *l; l++) {
        if (strstr(*l, name)) {
            return g_ascii_strtoull(g_strstrip(*l), NULL, 16);
        }
    }
    g_error("%s not in the memory map", name);
}

uint64_t cxl_qtest_mtree_find(QTestState *qts, const char *name)
{
    g_autofree char *mtree = qtest_hmp(qts, "info mtree");
    g_autofree char *suffix = g_strdup_printf(": %s", name);
    g_autofree char *alias = g_strdup_printf(": alias %s @", name);
    g_auto(GStrv) lines = g_strsplit(mtree, "\n", -1);

    for (char **l = lines; *l; l++) {
        g_strchomp(*l);
        if (g_str_has_suffix(*l, suffix) || strstr(*l, alias)) {
            return g_ascii_strtoull(g_strstrip(*l), NULL, 16);
        }
    }
    return 0;
}

uint64_t cxl_qtest_window(QTestState *qts, unsigned n)
{
    g_autofree char *name = g_strdup_printf("cxl-fixed-memory-window-%u", n);
    uint64_t addr = cxl_qtest_mtree_find(qts, name);

    if (!addr) {
        g_error("window %u not in the memory tree", n);
    }
    return addr;
}

uint64_t cxl_qtest_cm_cap(QTestState *qts, uint64_t comp, uint16_t id)
{
    uint64_t arr = comp + CXL_QTEST_CM;
    uint32_t hdr = qtest_readl(qts, arr);

    for (unsigned i = 1; i <= (hdr >> 24); i++) {
        uint32_t cap = qtest_readl(qts, arr + 4 * i);

        if ((cap & 0xffff) == id) {
            return arr + (cap >> 20);
        }
    }
    return 0;
}

uint16_t cxl_qtest_find_ext_cap(QTestState *qts, int bus, int dev, uint16_t id)
{
    uint16_t off = 0x100;
    unsigned guard = 0;

    while (off && guard++ < 64) {
        uint32_t hdr = qtest_readl(qts, cxl_qtest_cfg(bus, dev, 0, off));

        if ((hdr & 0xffff) == id) {
            return off;
        }
        off = hdr >> 20;
    }
    return 0;
}

uint64_t cxl_qtest_assign_bars_fn(QTestState *qts, int bus, int dev, int fn,
                                  uint64_t cursor, uint64_t *bar,
                                  uint64_t *size)
{
    bool bridge = (qtest_readb(qts, cxl_qtest_cfg(bus, dev, fn, 0x0e)) &
                   0x7f) == 1;
    int nr = bridge ? 2 : 6;

    memset(bar, 0, 6 * sizeof(*bar));
    memset(size, 0, 6 * sizeof(*size));
    for (int i = 0; i < nr; i++) {
        uint64_t at = cxl_qtest_cfg(bus, dev, fn, 0x10 + 4 * i);
        uint32_t orig = qtest_readl(qts, at);
        bool is64 = (orig & 0x7) == 0x4;
        uint64_t mask;

        qtest_writel(qts, at, 0xffffffff);
        mask = qtest_readl(qts, at) & ~0xfull;
        if (is64) {
            qtest_writel(qts, at + 4, 0xffffffff);
            mask |= (uint64_t)qtest_readl(qts, at + 4) << 32;
        } else if (mask) {
            mask |= 0xffffffff00000000ull;
        }
        if (mask && !(orig & 1)) {
            size[i] = ~mask + 1;
            cursor = ROUND_UP(cursor, size[i]);
            bar[i] = cursor;
            cursor += size[i];
            qtest_writel(qts, at, (uint32_t)bar[i]);
            if (is64) {
                qtest_writel(qts, at + 4, bar[i] >> 32);
            }
        }
        if (is64) {
            i++;
        }
    }
    qtest_writew(qts, cxl_qtest_cfg(bus, dev, fn, 0x04), 0x6);
    return cursor;
}

void cxl_qtest_bridge_window(QTestState *qts, int bus, int dev, uint64_t base,
                             uint64_t end)
{
    g_assert_cmphex(base % (1 << 20), ==, 0);
    g_assert_cmphex(end % (1 << 20), ==, 0);
    g_assert_cmphex(end, >, base);
    qtest_writel(qts, cxl_qtest_cfg(bus, dev, 0, 0x20),
                 ((base >> 16) & 0xfff0) | (((end - 1) >> 16) & 0xfff0) << 16);
    qtest_writew(qts, cxl_qtest_cfg(bus, dev, 0, 0x04), 0x6);
}

uint64_t cxl_qtest_regloc_fn(QTestState *qts, int bus, int dev, int fn,
                             const uint64_t *bar, unsigned id)
{
    uint16_t loc = cxl_qtest_find_dvsec_fn(qts, bus, dev, fn, 8, NULL);
    uint32_t len;

    g_assert_cmphex(loc, !=, 0);
    len = qtest_readl(qts, cxl_qtest_cfg(bus, dev, fn, loc + 4)) >> 20;
    for (unsigned off = 0x0c; off + 8 <= len; off += 8) {
        uint32_t lo = qtest_readl(qts,
                                  cxl_qtest_cfg(bus, dev, fn, loc + off));
        uint32_t hi = qtest_readl(qts,
                                  cxl_qtest_cfg(bus, dev, fn, loc + off + 4));

        if (((lo >> 8) & 0xff) == id) {
            g_assert_cmpuint(lo & 7, <, 6);
            g_assert_cmphex(bar[lo & 7], !=, 0);
            return bar[lo & 7] + ((uint64_t)hi << 32 | (lo & 0xffff0000));
        }
    }
    return 0;
}

unsigned cxl_qtest_doe_exchange(QTestState *qts, int bus, int dev,
                                uint16_t doe, const uint32_t *req,
                                unsigned req_dw, uint32_t *rsp,
                                unsigned max_dw)
{
    uint64_t base = cxl_qtest_cfg(bus, dev, 0, doe);
    uint32_t status = qtest_readl(qts, base + DOE_STATUS), hdr1, len;
    unsigned i;

    g_assert_cmphex(status & (DOE_STATUS_BUSY | DOE_STATUS_ERROR), ==, 0);
    for (i = 0; i < req_dw; i++) {
        qtest_writel(qts, base + DOE_WRITE, req[i]);
    }
    qtest_writel(qts, base + DOE_CTRL, DOE_CTRL_GO);
    for (i = 0; i < 1000; i++) {
        status = qtest_readl(qts, base + DOE_STATUS);
        if (status & (DOE_STATUS_READY | DOE_STATUS_ERROR)) {
            break;
        }
        qtest_clock_step(qts, 1000000);
    }
    g_assert_cmphex(status & (DOE_STATUS_READY | DOE_STATUS_ERROR), ==,
                    DOE_STATUS_READY);

    hdr1 = qtest_readl(qts, base + DOE_READ);
    qtest_writel(qts, base + DOE_READ, 0);
    g_assert_cmphex(hdr1, ==, req[0]);                  /* vendor, type */
    len = qtest_readl(qts, base + DOE_READ) & 0x3ffff;
    qtest_writel(qts, base + DOE_READ, 0);
    if (!len) {
        len = 0x40000;
    }
    g_assert_cmpuint(len, >=, 2);
    g_assert_cmpuint(len - 2, <=, max_dw);
    for (i = 0; i < len - 2; i++) {
        rsp[i] = qtest_readl(qts, base + DOE_READ);
        qtest_writel(qts, base + DOE_READ, 0);
    }
    /* the whole object was consumed */
    status = qtest_readl(qts, base + DOE_STATUS);
    g_assert_cmphex(status & (DOE_STATUS_READY | DOE_STATUS_ERROR), ==, 0);
    return len - 2;
}

GByteArray *cxl_qtest_read_cdat(QTestState *qts, int bus, int dev)
{
    GByteArray *cdat = g_byte_array_new();
    uint16_t doe = cxl_qtest_find_ext_cap(qts, bus, dev, 0x2e);
    uint32_t rsp[256];
    unsigned handle = 0, entries = 0;
    uint8_t sum = 0;

    g_assert_cmphex(doe, !=, 0);
    do {
        uint32_t req[3] = {
            CXL_QTEST_VENDOR | (2 << 16), 3, 0 | (0 << 8) | (handle << 16),
        };
        unsigned n = cxl_qtest_doe_exchange(qts, bus, dev, doe, req, 3, rsp,
                                            ARRAY_SIZE(rsp));
        uint8_t *entry = (uint8_t *)(rsp + 1);
        unsigned bytes;

        g_assert_cmpuint(n, >=, 1);
        g_assert_cmphex(rsp[0] & 0xffff, ==, 0);       /* read entry, CDAT */
        bytes = (n - 1) * 4;
        for (unsigned i = 1; i < n; i++) {
            rsp[i] = cpu_to_le32(rsp[i]);
        }
        if (handle == 0) {
            g_assert_cmpuint(bytes, ==, 16);            /* the header */
        } else {
            g_assert_cmpuint(bytes, >=, 4);
            g_assert_cmpuint(bytes, ==, lduw_le_p(entry + 2));
        }
        g_byte_array_append(cdat, entry, bytes);
        handle = rsp[0] >> 16;
        g_assert_cmpuint(++entries, <, 256);
    } while (handle != 0xffff);

    g_assert_cmpuint(cdat->len, >=, 16);
    g_assert_cmpuint(ldl_le_p(cdat->data), ==, cdat->len);
    g_assert_cmpuint(cdat->data[4], ==, 1);             /* revision */
    for (unsigned i = 0; i < cdat->len; i++) {
        sum += cdat->data[i];
    }
    g_assert_cmphex(sum, ==, 0);
    return cdat;
}

uint64_t cxl_qtest_dev_cap(QTestState *qts, uint64_t devregs, uint16_t id,
                           uint32_t *len)
{
    uint64_t arr = qtest_readq(qts, devregs);

    for (unsigned i = 1; i <= ((arr >> 32) & 0xffff); i++) {
        uint64_t h = devregs + 16 * i;

        if ((qtest_readl(qts, h) & 0xffff) == id) {
            if (len) {
                *len = qtest_readl(qts, h + 8);
            }
            return devregs + qtest_readl(qts, h + 4);
        }
    }
    return 0;
}

uint16_t cxl_qtest_mbox_send_raw(QTestState *qts, uint64_t mbox,
                                 uint32_t payload_max, uint16_t opcode,
                                 const void *in, size_t copy, uint32_t len,
                                 void *out, size_t out_size, uint32_t *out_len)
{
    uint64_t status, cmd;
    uint16_t rc;
    uint32_t olen;
    unsigned i;

    /* #1: doorbell clear */
    g_assert_cmphex(qtest_readl(qts, mbox + MBOX_CTRL) &
                    MBOX_CTRL_DOORBELL, ==, 0);
    /* #2, #3: payload and command register */
    if (copy) {
        qtest_memwrite(qts, mbox + MBOX_PAYLOAD, in, copy);
    }
    qtest_writeq(qts, mbox + MBOX_CMD,
                 opcode | ((uint64_t)len & 0x1fffff) << 16);
    /* #4: doorbell */
    qtest_writel(qts, mbox + MBOX_CTRL, MBOX_CTRL_DOORBELL);
    /* #5: wait for the doorbell to clear */
    for (i = 0; i < 1000; i++) {
        if (!(qtest_readl(qts, mbox + MBOX_CTRL) & MBOX_CTRL_DOORBELL)) {
            break;
        }
        qtest_clock_step(qts, 1000000);
    }
    g_assert_cmpuint(i, <, 1000);
    /* #6: return code; #7: output length; #8: output payload */
    status = qtest_readq(qts, mbox + MBOX_STATUS);
    rc = (status >> 32) & 0xffff;
    cmd = qtest_readq(qts, mbox + MBOX_CMD);
    olen = (cmd >> 16) & 0x1fffff;
    g_assert_cmpuint(olen, <=, payload_max);
    if (rc == RC_SUCCESS && out && olen) {
        qtest_memread(qts, mbox + MBOX_PAYLOAD, out, MIN(olen, out_size));
    }
    if (out_len) {
        *out_len = olen;
    }
    return rc;
}

uint8_t *cxl_qtest_read_cel(QTestState *qts, uint64_t mbox,
                            uint32_t payload_max, uint32_t *cel_len)
{
    g_autofree uint8_t *gsl = g_malloc0(4096);
    uint8_t in[24];
    uint32_t len, size = 0;
    bool found = false;
    uint8_t *cel;
    unsigned n;

    g_assert_cmphex(cxl_qtest_mbox_send_raw(qts, mbox, payload_max, 0x0400,
                                            NULL, 0, 0, gsl, 4096, &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, >=, 8);
    n = lduw_le_p(gsl);
    g_assert_cmpuint(len, >=, 8 + 20 * n);
    for (unsigned i = 0; i < n && 8 + 20 * (i + 1) <= 4096; i++) {
        if (!memcmp(gsl + 8 + 20 * i, cxl_qtest_cel_uuid, 16)) {
            size = ldl_le_p(gsl + 8 + 20 * i + 16);
            found = true;
        }
    }
    g_assert_true(found);
    g_assert_cmpuint(size, >, 0);
    g_assert_cmpuint(size % 4, ==, 0);
    g_assert_cmpuint(size, <=, payload_max);

    memcpy(in, cxl_qtest_cel_uuid, 16);
    stl_le_p(in + 16, 0);
    stl_le_p(in + 20, size);
    cel = g_malloc0(size);
    g_assert_cmphex(cxl_qtest_mbox_send_raw(qts, mbox, payload_max, 0x0401,
                                            in, 24, 24, cel, size, &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, size);
    *cel_len = size;
    return cel;
}

void cxl_qtest_check_timestamp(QTestState *qts, uint64_t mbox,
                               uint32_t payload_max)
{
    const uint64_t ts = 0x1700000000000000ull;
    uint8_t buf[8];
    uint32_t len;

    stq_le_p(buf, ts);
    g_assert_cmphex(cxl_qtest_mbox_send_raw(qts, mbox, payload_max, 0x0301,
                                            buf, 8, 8, NULL, 0, NULL),
                    ==, RC_SUCCESS);
    qtest_clock_step(qts, 1000000);
    g_assert_cmphex(cxl_qtest_mbox_send_raw(qts, mbox, payload_max, 0x0300,
                                            NULL, 0, 0, buf, 8, &len),
                    ==, RC_SUCCESS);
    g_assert_cmpuint(len, ==, 8);
    g_assert_cmpuint(ldq_le_p(buf), >=, ts + 1000000);
    g_assert_cmpuint(ldq_le_p(buf), <, ts + 60000000000ull);
}

bool cxl_qtest_op_known(const CXLQtestOp *ops, unsigned nops, uint16_t opcode)
{
    for (unsigned i = 0; i < nops; i++) {
        if (ops[i].opcode == opcode) {
            return true;
        }
    }
    return false;
}

void cxl_qtest_check_cel(const uint8_t *cel, uint32_t size,
                         const CXLQtestOp *ops, unsigned nops)
{
    g_autoptr(GString) untested = g_string_new("");
    g_autoptr(GString) unlisted = g_string_new("");

    g_assert_cmpuint(size % 4, ==, 0);
    for (uint32_t o = 0; o < size; o += 4) {
        uint16_t op = lduw_le_p(cel + o);

        if (!cxl_qtest_op_known(ops, nops, op)) {
            g_string_append_printf(untested, " %04xh", op);
        }
        /* each opcode once */
        for (uint32_t p = o + 4; p < size; p += 4) {
            g_assert_cmphex(lduw_le_p(cel + p), !=, op);
        }
    }
    for (unsigned i = 0; i < nops; i++) {
        bool listed = false;

        for (uint32_t o = 0; o < size; o += 4) {
            listed |= lduw_le_p(cel + o) == ops[i].opcode;
        }
        if (!listed) {
            g_string_append_printf(unlisted, " %04xh (%s)", ops[i].opcode,
                                   ops[i].name);
        }
    }
    if (untested->len) {
        g_test_message("CEL opcodes without a test:%s", untested->str);
    }
    if (unlisted->len) {
        g_test_message("tested opcodes missing from the CEL:%s",
                       unlisted->str);
    }
    g_assert_cmpstr(untested->str, ==, "");
    g_assert_cmpstr(unlisted->str, ==, "");
}

unsigned cxl_qtest_cases_cover(const CXLQtestOp *ops, unsigned nops,
                               const CXLQtestMboxCase *cases, unsigned n)
{
    unsigned failures = 0;

    for (unsigned i = 0; i < nops; i++) {
        bool good = false, len = false;

        for (unsigned c = 0; c < n + ARRAY_SIZE(cxl_qtest_generic_cases);
             c++) {
            const CXLQtestMboxCase *m = c < n ? &cases[c] :
                &cxl_qtest_generic_cases[c - n];

            if (m->opcode == ops[i].opcode) {
                /* a background command succeeds by starting */
                good |= m->rc == RC_SUCCESS || m->rc == RC_BACKGROUND;
                len |= m->rc == RC_PAYLOAD_LEN;
            }
        }
        if (!good || !len) {
            g_test_message("%s (%04xh) lacks a %s case", ops[i].name,
                           ops[i].opcode, good ? "length" : "success");
            failures++;
        }
    }
    return failures;
}

unsigned cxl_qtest_run_cases(QTestState *qts, uint64_t mbox,
                             uint32_t payload_max,
                             const CXLQtestMboxCase *cases, unsigned n)
{
    g_autofree uint8_t *out = g_malloc0(payload_max);
    unsigned failures = 0;

    for (unsigned c = 0; c < n; c++) {
        const CXLQtestMboxCase *m = &cases[c];
        uint32_t len = m->len_over ? payload_max + 1 : m->in_len;
        uint8_t in[CXL_QTEST_CASE_IN_MAX] = { 0 };
        size_t at = m->uuid == NO_UUID ? 0 : 16;
        uint32_t out_len = 0;
        uint16_t rc;

        g_assert_cmpuint(m->in_len, <=, sizeof(in));
        if (m->uuid != NO_UUID) {
            memcpy(in, m->uuid == CEL_UUID ? cxl_qtest_cel_uuid
                                           : cxl_qtest_bad_uuid, 16);
        }
        memcpy(in + at, m->in, sizeof(m->in));
        rc = cxl_qtest_mbox_send_raw(qts, mbox, payload_max, m->opcode, in,
                                     m->in_len, len, out, payload_max,
                                     &out_len);
        if (rc != m->rc || (rc == RC_SUCCESS &&
                            (out_len < m->min_out ||
                             (m->exact && out_len != m->min_out)))) {
            g_test_message("%04xh %s: return code %02xh (expected %02xh), "
                           "output %u bytes (expected %s%u)", m->opcode,
                           m->what, rc, m->rc, out_len,
                           m->exact ? "" : ">= ", m->min_out);
            failures++;
        }
    }
    return failures;
}

char *cxl_qtest_dc_query(QTestState *qts, const char *path)
{
    QDict *rsp = qtest_qmp(qts, "{'execute': 'cxl-query-dynamic-capacity',"
                           " 'arguments': {'path': %s}}", path);
    QDict *ret = qdict_get_qdict(rsp, "return");
    QList *ext = qdict_get_qlist(ret, "extents");
    GString *s = g_string_new("");
    QListEntry *e;

    QLIST_FOREACH_ENTRY(ext, e) {
        QDict *x = qobject_to(QDict, qlist_entry_obj(e));

        g_string_append_printf(s, "%s%s:%u:0x%" PRIx64 "+0x%" PRIx64,
                               s->len ? "," : "",
                               qdict_get_str(x, "state"),
                               (unsigned)qdict_get_int(x, "region"),
                               (uint64_t)qdict_get_int(x, "offset"),
                               (uint64_t)qdict_get_int(x, "len"));
    }
    qobject_unref(rsp);
    return g_string_free(s, false);
}

uint64_t cxl_qtest_file_read64(const char *path, off_t off)
{
    uint8_t buf[8];
    int fd = open(path, O_RDONLY);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(pread(fd, buf, 8, off), ==, 8);
    close(fd);
    return ldq_le_p(buf);
}

/*
 * The error messages in QEMU's output @out, without the location QEMU puts
 * before them ("qemu-system-x86_64: -device <options>: "), so that a
 * device type is only found if the message itself names it.
 */
static char *error_messages(const char *out)
{
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    GString *msgs = g_string_new("");

    for (char **l = lines; *l; l++) {
        const char *m = strstr(*l, ": ");

        m = m ? m + 2 : *l;
        if (g_str_has_prefix(m, "-device ") && strstr(m, ": ")) {
            m = strstr(m, ": ") + 2;
        }
        g_string_append_printf(msgs, "%s\n", m);
    }
    return g_string_free(msgs, false);
}

uint64_t cxl_qtest_qom_uint(QTestState *qts, const char *id,
                            const char *prop)
{
    g_autofree char *path = g_strdup_printf("/machine/peripheral/%s", id);
    QDict *rsp = qtest_qmp(qts, "{'execute': 'qom-get', 'arguments': "
                           "{'path': %s, 'property': %s}}", path, prop);
    uint64_t n;

    g_assert(qdict_haskey(rsp, "return"));
    n = qdict_get_int(rsp, "return");
    qobject_unref(rsp);
    return n;
}

/*
 * Run QEMU with @args and expect it to exit with status 1; returns its
 * error messages. Should it start anyway, QMP on stdin makes it quit
 * (status 0).
 */
char *cxl_qtest_start_error(const char *args)
{
    const char *qemu = g_getenv("QTEST_QEMU_BINARY");
    const char *fw = g_getenv("CXL_QTEST_FIRMWARE");
    static const char qmp[] =
        "{\"execute\": \"qmp_capabilities\"}\n{\"execute\": \"quit\"}\n";
    g_autofree char *cmd = NULL;
    g_autofree char *a = platform_args(args);
    g_auto(GStrv) argv = NULL;
    g_autoptr(GString) err = g_string_new("");
    GError *gerr = NULL;
    GPid pid;
    int in, errfd, status;
    char buf[512];
    ssize_t n;

    g_assert_nonnull(qemu);
    cmd = g_strdup_printf("%s %s%s -nodefaults -display none -S -qmp stdio "
                          "%s", qemu, fw ? "-L " : "", fw ? fw : "", a);
    g_assert_true(g_shell_parse_argv(cmd, NULL, &argv, &gerr));
    g_assert_no_error(gerr);
    g_assert_true(g_spawn_async_with_pipes(NULL, argv, NULL,
                                           G_SPAWN_DO_NOT_REAP_CHILD |
                                           G_SPAWN_STDOUT_TO_DEV_NULL,
                                           NULL, NULL, &pid, &in, NULL,
                                           &errfd, &gerr));
    g_assert_no_error(gerr);
    /* QEMU may have exited already: ignore a broken pipe */
    signal(SIGPIPE, SIG_IGN);
    if (write(in, qmp, sizeof(qmp) - 1) < 0) {
        g_assert_cmpint(errno, ==, EPIPE);
    }
    close(in);
    while ((n = read(errfd, buf, sizeof(buf))) > 0) {
        g_string_append_len(err, buf, n);
    }
    close(errfd);
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_spawn_close_pid(pid);

    g_test_message("%s: %s", a, err->str);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 1);
    return error_messages(err->str);
}

/* ---- migration ---- */

/* query-migrate's status ("none" before any) */
static const char *mig_status(QTestState *qts)
{
    QDict *rsp = qtest_qmp(qts, "{'execute': 'query-migrate'}");
    QDict *ret = qdict_get_qdict(rsp, "return");
    static char status[32];

    g_assert(ret);
    g_strlcpy(status, qdict_haskey(ret, "status") ?
              qdict_get_str(ret, "status") : "none", sizeof(status));
    qobject_unref(rsp);
    return status;
}

bool cxl_qtest_mig_wait(QTestState *qts)
{
    for (unsigned i = 0; i < 60000; i++) {
        const char *st = mig_status(qts);

        if (!strcmp(st, "completed")) {
            return true;
        }
        if (!strcmp(st, "failed") || !strcmp(st, "cancelled")) {
            return false;
        }
        g_usleep(1000);
    }
    g_assert_not_reached();
}

QTestState *cxl_qtest_mig_load(const char *args, const char *file,
                               int64_t clock, bool *ok)
{
    g_autofree char *a = g_strdup_printf("%s -incoming defer", args);
    g_autofree char *uri = g_strdup_printf("file:%s", file);
    uint64_t ecam = cxl_qtest_platform.ecam;
    QTestState *dst = cxl_qtest_start(a);

    /* (starting QEMU forgets where virt's ECAM was found: it is the same) */
    cxl_qtest_platform.ecam = ecam;
    qtest_clock_set(dst, clock);
    qtest_qmp_assert_success(dst, "{'execute': 'migrate-incoming', "
                             "'arguments': {'uri': %s, "
                             "'exit-on-error': false}}", uri);
    *ok = cxl_qtest_mig_wait(dst);
    return dst;
}
