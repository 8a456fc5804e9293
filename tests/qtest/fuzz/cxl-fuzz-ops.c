/*
 * The CXL fuzz interpreter: see cxl-fuzz-ops.h.
 *
 * Input format: a sequence of operations, each an operation byte followed
 * by its arguments (little endian; missing bytes read as zero, so every
 * input is valid). Operation bytes F0h-FFh are mailbox commands with
 * structured payloads (op_struct()); the others, taken modulo OP_MAX, the
 * register-level operations. Register layouts are Linux's (drivers/cxl/cxl.h,
 * cxlpci.h, cxlmem.h, drivers/pci/doe.c, include/uapi/linux/pci_regs.h).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/units.h"
#include "tests/qtest/libqtest.h"
#include "cxl-fuzz-ops.h"

#define MAX_FNS         16
#define MAX_DVSECS      12
#define MAX_DOES        4
#define MAX_CEL         256
#define MAX_DC          8
#define MAX_FEATS       8
#define HB              0           /* function 0: the host bridge */
#define COMP_SIZE       0x10000     /* a component register block */
#define CM              0x1000      /* its CXL.cache/mem capabilities */
#define WINDOW_SIZE     (4 * GiB)
#define CXL_VENDOR      0x1e98

/* DOE (PCI_DOE_*) and mailbox (CXLDEV_MBOX_*) registers */
#define DOE_CTRL        0x08
#define DOE_STATUS      0x0c
#define DOE_WRITE       0x10
#define DOE_READ        0x14
#define DOE_GO          0x80000000u
#define DOE_READY       0x80000000u
#define MBOX_CAPS       0x00
#define MBOX_CTRL       0x04
#define MBOX_CMD        0x08
#define MBOX_STATUS     0x10
#define MBOX_BG_STATUS  0x18
#define MBOX_PAYLOAD    0x20

typedef struct Fn {
    int bus, dev, fn;           /* bus -1: the host bridge (no config) */
    bool bridge;
    int parent;                 /* index of the bridge above, -1 */
    uint8_t port;               /* PCIe port number (root, downstream) */
    uint64_t bar[6];
    uint64_t comp;              /* component registers, 0 if none */
    uint64_t hdm;               /* its HDM decoder capability, 0 if none */
    unsigned nr_dec;
    uint64_t devregs;           /* device registers, 0 if none */
    uint64_t devregs_size;
    uint64_t mbox;              /* primary mailbox, 0 if none */
    uint32_t payload_max;
    uint16_t dvsec[MAX_DVSECS];
    unsigned nr_dvsec;
    uint16_t dvsec0;            /* the CXL device DVSEC (ID 0), 0 if none */
    uint16_t doe[MAX_DOES];
    unsigned nr_doe;
    uint16_t cel[MAX_CEL];      /* opcodes of its Command Effects Log */
    unsigned nr_cel;
    /* a memory device's, from its mailbox at set-up (structured payloads) */
    uint64_t capacity;          /* bytes, static capacity */
    uint32_t lsa_size;
    uint64_t dc_base[MAX_DC], dc_len[MAX_DC], dc_block[MAX_DC];
    unsigned nr_dc;
    uint8_t feat[MAX_FEATS][16];    /* UUIDs of its supported features */
    unsigned nr_feat;
} Fn;

typedef struct CfgWrite {
    uint64_t addr;
    uint32_t val;
    uint8_t size;
} CfgWrite;

struct CXLFuzz {
    QTestState *qts;
    uint64_t window;
    Fn fn[MAX_FNS];
    unsigned nr_fn;
    /* indices of functions with each kind of register */
    unsigned comp_fn[MAX_FNS], nr_comp;
    unsigned hdm_fn[MAX_FNS], nr_hdm;
    unsigned mbox_fn[MAX_FNS], nr_mbox;
    unsigned doe_fn[MAX_FNS], nr_doe;
    unsigned cfg_fn[MAX_FNS], nr_cfg;
    unsigned ep_fn[MAX_FNS], nr_ep;     /* endpoints with HDM decoders */
    GArray *setup;                      /* firmware's config writes */
    /* the reply to the last structured command (a tunnel's: the inner) */
    uint16_t last_rc;
    uint8_t *last_out;
    uint32_t last_len;
};

/* ---- input ---- */

typedef struct In {
    const uint8_t *p;
    size_t n;
} In;

static uint64_t get(In *in, unsigned bytes)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < bytes; i++) {
        if (in->n) {
            v |= (uint64_t)*in->p << (8 * i);
            in->p++;
            in->n--;
        }
    }
    return v;
}

static uint8_t get8(In *in)
{
    return get(in, 1);
}

static uint16_t get16(In *in)
{
    return get(in, 2);
}

static uint32_t get32(In *in)
{
    return get(in, 4);
}

/* ---- configuration space ---- */

static uint64_t cfg_addr(Fn *fn, unsigned off)
{
    return CXL_FUZZ_ECAM + ((uint64_t)fn->bus << 20) + (fn->dev << 15) +
           (fn->fn << 12) + off;
}

static uint32_t cfg_read(CXLFuzz *f, Fn *fn, unsigned off, unsigned size)
{
    uint64_t a = cfg_addr(fn, off);

    switch (size) {
    case 1:
        return qtest_readb(f->qts, a);
    case 2:
        return qtest_readw(f->qts, a);
    default:
        return qtest_readl(f->qts, a);
    }
}

static void cfg_write(CXLFuzz *f, Fn *fn, unsigned off, uint32_t val,
                      unsigned size)
{
    uint64_t a = cfg_addr(fn, off);

    switch (size) {
    case 1:
        qtest_writeb(f->qts, a, val);
        break;
    case 2:
        qtest_writew(f->qts, a, val);
        break;
    default:
        qtest_writel(f->qts, a, val);
        break;
    }
}

/* A set-up write: done now and again after every reset */
static void setup_write(CXLFuzz *f, Fn *fn, unsigned off, uint32_t val,
                        unsigned size)
{
    CfgWrite w = { cfg_addr(fn, off), val, size };

    g_array_append_val(f->setup, w);
    cfg_write(f, fn, off, val, size);
}

static void enable_ecam(QTestState *qts)
{
    qtest_outl(qts, 0xcf8, 0x80000000 | 0x60);
    qtest_outl(qts, 0xcfc, (uint32_t)CXL_FUZZ_ECAM | 1);
    qtest_outl(qts, 0xcf8, 0x80000000 | 0x64);
    qtest_outl(qts, 0xcfc, CXL_FUZZ_ECAM >> 32);
}

/* Bus numbers depth first from @bus; returns the last bus number used */
static int scan_bus(CXLFuzz *f, int bus, int parent, int *next_bus)
{
    for (int dev = 0; dev < 32; dev++) {
        for (int func = 0; func < 8; func++) {
            Fn probe = { .bus = bus, .dev = dev, .fn = func };
            uint8_t hdr;
            Fn *fn;

            if (cfg_read(f, &probe, 0, 2) == 0xffff) {
                if (func == 0) {
                    break;
                }
                continue;
            }
            g_assert(f->nr_fn < MAX_FNS);
            fn = &f->fn[f->nr_fn++];
            *fn = probe;
            fn->parent = parent;
            hdr = cfg_read(f, fn, 0x0e, 1);
            fn->bridge = (hdr & 0x7f) == 1;
            if (fn->bridge) {
                int sec = (*next_bus)++, sub;

                setup_write(f, fn, 0x18, bus | sec << 8 | 0xff << 16, 4);
                sub = scan_bus(f, sec, fn - f->fn, next_bus);
                setup_write(f, fn, 0x18, bus | sec << 8 | sub << 16, 4);
            }
            if (func == 0 && !(hdr & 0x80)) {
                break;
            }
        }
    }
    return *next_bus - 1;
}

/* BARs and bridge windows depth first, as firmware does */
static uint64_t assign(CXLFuzz *f, int parent, uint64_t cursor)
{
    for (unsigned i = 1; i < f->nr_fn; i++) {
        Fn *fn = &f->fn[i];
        int nr = fn->bridge ? 2 : 6;

        if (fn->parent != parent) {
            continue;
        }
        for (int b = 0; b < nr; b++) {
            uint32_t orig = cfg_read(f, fn, 0x10 + 4 * b, 4);
            bool is64 = (orig & 0x7) == 0x4;
            uint64_t mask, size;

            cfg_write(f, fn, 0x10 + 4 * b, 0xffffffff, 4);
            mask = cfg_read(f, fn, 0x10 + 4 * b, 4) & ~0xfull;
            if (is64) {
                cfg_write(f, fn, 0x14 + 4 * b, 0xffffffff, 4);
                mask |= (uint64_t)cfg_read(f, fn, 0x14 + 4 * b, 4) << 32;
            } else if (mask) {
                mask |= 0xffffffff00000000ull;
            }
            if (mask && !(orig & 1)) {
                size = ~mask + 1;
                cursor = ROUND_UP(cursor, size);
                fn->bar[b] = cursor;
                cursor += size;
                setup_write(f, fn, 0x10 + 4 * b, (uint32_t)fn->bar[b], 4);
                if (is64) {
                    setup_write(f, fn, 0x14 + 4 * b, fn->bar[b] >> 32, 4);
                }
            } else {
                cfg_write(f, fn, 0x10 + 4 * b, orig, 4);
            }
            if (is64) {
                b++;
            }
        }
        setup_write(f, fn, 0x04, 0x6, 2);
        if (fn->bridge) {
            uint64_t base = cursor = ROUND_UP(cursor, 1 * MiB);

            cursor = ROUND_UP(assign(f, i, cursor), 1 * MiB);
            if (cursor == base) {
                cursor += 1 * MiB;
            }
            setup_write(f, fn, 0x20, ((base >> 16) & 0xfff0) |
                        (((cursor - 1) >> 16) & 0xfff0) << 16, 4);
        }
    }
    return cursor;
}

/* Extended capabilities: CXL DVSECs and DOE mailboxes */
static void find_ext_caps(CXLFuzz *f, Fn *fn)
{
    unsigned off = 0x100, guard = 0;

    while (off && guard++ < 64) {
        uint32_t hdr = cfg_read(f, fn, off, 4);

        if ((hdr & 0xffff) == 0x23 &&
            (cfg_read(f, fn, off + 4, 4) & 0xffff) == CXL_VENDOR &&
            fn->nr_dvsec < MAX_DVSECS) {
            fn->dvsec[fn->nr_dvsec++] = off;
            if (cfg_read(f, fn, off + 8, 2) == 0 && !fn->dvsec0) {
                fn->dvsec0 = off;
            }
        } else if ((hdr & 0xffff) == 0x2e && fn->nr_doe < MAX_DOES) {
            fn->doe[fn->nr_doe++] = off;
        }
        off = hdr >> 20;
    }
}

/* Register block @id of the register locator DVSEC (ID 8); its size */
static uint64_t regloc(CXLFuzz *f, Fn *fn, unsigned id, uint64_t *size)
{
    for (unsigned i = 0; i < fn->nr_dvsec; i++) {
        unsigned loc = fn->dvsec[i], len;

        if (cfg_read(f, fn, loc + 8, 2) != 8) {
            continue;
        }
        len = cfg_read(f, fn, loc + 4, 4) >> 20;
        for (unsigned off = 0x0c; off + 8 <= len; off += 8) {
            uint32_t lo = cfg_read(f, fn, loc + off, 4);
            uint32_t hi = cfg_read(f, fn, loc + off + 4, 4);
            unsigned bir = lo & 7;
            uint64_t at = (uint64_t)hi << 32 | (lo & 0xffff0000);

            if (((lo >> 8) & 0xff) == id && bir < 6 && fn->bar[bir]) {
                uint64_t bar_size = 0;

                /* up to the next BAR placed, or 64 KiB */
                for (unsigned b = 0; b < 6; b++) {
                    if (fn->bar[b] > fn->bar[bir] &&
                        (!bar_size || fn->bar[b] - fn->bar[bir] < bar_size)) {
                        bar_size = fn->bar[b] - fn->bar[bir];
                    }
                }
                *size = bar_size && bar_size > at ? bar_size - at : COMP_SIZE;
                return fn->bar[bir] + at;
            }
        }
    }
    return 0;
}

/* The HDM decoder capability (ID 5) of the component registers */
static void find_hdm(CXLFuzz *f, Fn *fn)
{
    uint64_t arr = fn->comp + CM;
    uint32_t hdr = qtest_readl(f->qts, arr);

    for (unsigned i = 1; i <= (hdr >> 24) && i < 32; i++) {
        uint32_t cap = qtest_readl(f->qts, arr + 4 * i);

        if ((cap & 0xffff) == 5) {
            uint32_t hcap;

            fn->hdm = arr + (cap >> 20);
            hcap = qtest_readl(f->qts, fn->hdm);
            fn->nr_dec = (hcap & 0xf) ? (hcap & 0xf) * 2 : 1;
            fn->nr_dec = MIN(fn->nr_dec, 10);
        }
    }
}

/* Send a command and wait for the doorbell to clear: the return code */
static uint16_t mbox_cmd(CXLFuzz *f, Fn *fn, uint16_t op, const void *in,
                         size_t copy, uint32_t len, void *out,
                         size_t out_size, uint32_t *out_len)
{
    uint64_t cmd;
    uint32_t olen;
    uint16_t rc;
    unsigned i;

    if (qtest_readl(f->qts, fn->mbox + MBOX_CTRL) & 1) {
        return 0xffff;          /* busy: the doorbell is still set */
    }
    if (copy) {
        qtest_memwrite(f->qts, fn->mbox + MBOX_PAYLOAD, in, copy);
    }
    qtest_writeq(f->qts, fn->mbox + MBOX_CMD,
                 op | ((uint64_t)len & 0x1fffff) << 16);
    qtest_writel(f->qts, fn->mbox + MBOX_CTRL, 1);
    for (i = 0; i < 100; i++) {
        if (!(qtest_readl(f->qts, fn->mbox + MBOX_CTRL) & 1)) {
            break;
        }
        qtest_clock_step(f->qts, 1000000);
    }
    rc = qtest_readq(f->qts, fn->mbox + MBOX_STATUS) >> 32;
    cmd = qtest_readq(f->qts, fn->mbox + MBOX_CMD);
    olen = MIN((cmd >> 16) & 0x1fffff, fn->payload_max);
    if (out && olen) {
        qtest_memread(f->qts, fn->mbox + MBOX_PAYLOAD, out,
                      MIN(olen, out_size));
    }
    if (out_len) {
        *out_len = olen;
    }
    return rc;
}

static const uint8_t cel_uuid[16] = {
    0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78,
    0x8f, 0x79, 0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17,
};

/* The opcodes of the Command Effects Log (Get Supported Logs, Get Log) */
static void read_cel(CXLFuzz *f, Fn *fn)
{
    g_autofree uint8_t *buf = g_malloc0(fn->payload_max);
    uint32_t olen, size = 0;
    uint8_t in[24];

    if (mbox_cmd(f, fn, 0x0400, NULL, 0, 0, buf, fn->payload_max, &olen) ||
        olen < 8) {
        return;
    }
    for (unsigned i = 0; i < lduw_le_p(buf) && 8 + 20 * (i + 1) <= olen;
         i++) {
        if (!memcmp(buf + 8 + 20 * i, cel_uuid, 16)) {
            size = ldl_le_p(buf + 8 + 20 * i + 16);
        }
    }
    for (uint32_t off = 0; off < size && fn->nr_cel < MAX_CEL;) {
        uint32_t chunk = MIN(size - off, fn->payload_max & ~3u);

        memcpy(in, cel_uuid, 16);
        stl_le_p(in + 16, off);
        stl_le_p(in + 20, chunk);
        if (mbox_cmd(f, fn, 0x0401, in, 24, 24, buf, fn->payload_max,
                     &olen) || !olen) {
            return;
        }
        for (uint32_t i = 0; i + 4 <= olen && fn->nr_cel < MAX_CEL; i += 4) {
            fn->cel[fn->nr_cel++] = lduw_le_p(buf + i);
        }
        off += olen;
    }
}

static bool has_op(Fn *fn, uint16_t op)
{
    for (unsigned i = 0; i < fn->nr_cel; i++) {
        if (fn->cel[i] == op) {
            return true;
        }
    }
    return false;
}

/*
 * What structured payloads need of a memory device: its capacity and LSA
 * size (Identify Memory Device), its dynamic capacity regions (Get DC
 * Config) and the UUIDs of its features (Get Supported Features)
 */
static void read_memdev(CXLFuzz *f, Fn *fn)
{
    g_autofree uint8_t *buf = g_malloc0(fn->payload_max);
    uint8_t in[8] = { 0 };
    uint32_t olen;

    if (has_op(fn, 0x4000) &&
        !mbox_cmd(f, fn, 0x4000, NULL, 0, 0, buf, fn->payload_max, &olen) &&
        olen >= 0x3c) {
        fn->capacity = ldq_le_p(buf + 0x10) * 256 * MiB;
        fn->lsa_size = ldl_le_p(buf + 0x38);
    }
    in[0] = MAX_DC;
    if (has_op(fn, 0x4800) &&
        !mbox_cmd(f, fn, 0x4800, in, 2, 2, buf, fn->payload_max, &olen) &&
        olen >= 8) {
        for (unsigned r = 0; r < MIN(buf[1], MAX_DC) &&
             8 + 0x28 * (r + 1) <= olen; r++) {
            const uint8_t *e = buf + 8 + 0x28 * r;

            fn->dc_base[r] = ldq_le_p(e);
            fn->dc_len[r] = ldq_le_p(e + 16);
            fn->dc_block[r] = MAX(ldq_le_p(e + 24), 64);
            fn->nr_dc = r + 1;
        }
    }
    stl_le_p(in, fn->payload_max);
    stl_le_p(in + 4, 0);
    if (has_op(fn, 0x0500) &&
        !mbox_cmd(f, fn, 0x0500, in, 8, 8, buf, fn->payload_max, &olen) &&
        olen >= 8) {
        for (unsigned k = 0; k < MIN(lduw_le_p(buf), MAX_FEATS) &&
             8 + 48 * (k + 1) <= olen; k++) {
            memcpy(fn->feat[k], buf + 8 + 48 * k, 16);
            fn->nr_feat = k + 1;
        }
    }
}

CXLFuzz *cxl_fuzz_new(QTestState *qts, uint64_t hb_regs, uint64_t window)
{
    CXLFuzz *f = g_new0(CXLFuzz, 1);
    int next_bus = 13;

    f->qts = qts;
    f->window = window;
    f->setup = g_array_new(false, false, sizeof(CfgWrite));
    enable_ecam(qts);
    f->fn[HB] = (Fn) { .bus = -1, .parent = -1, .comp = hb_regs };
    f->nr_fn = 1;
    scan_bus(f, 12, HB, &next_bus);
    assign(f, HB, CXL_FUZZ_MMIO);

    for (unsigned i = 0; i < f->nr_fn; i++) {
        Fn *fn = &f->fn[i];

        if (i != HB) {
            uint8_t pcie = cfg_read(f, fn, 0x34, 1);
            unsigned guard = 0;

            f->cfg_fn[f->nr_cfg++] = i;
            find_ext_caps(f, fn);
            while (pcie && guard++ < 48) {
                if (cfg_read(f, fn, pcie, 1) == 0x10) {
                    fn->port = cfg_read(f, fn, pcie + 0x0c, 4) >> 24;
                    break;
                }
                pcie = cfg_read(f, fn, pcie + 1, 1);
            }
            fn->comp = regloc(f, fn, 1, &fn->devregs_size);
            fn->devregs = regloc(f, fn, 3, &fn->devregs_size);
        }
        if (fn->comp) {
            f->comp_fn[f->nr_comp++] = i;
            find_hdm(f, fn);
            if (fn->hdm) {
                f->hdm_fn[f->nr_hdm++] = i;
                if (i != HB && !fn->bridge) {
                    f->ep_fn[f->nr_ep++] = i;
                }
            }
        }
        if (fn->nr_doe) {
            f->doe_fn[f->nr_doe++] = i;
        }
        if (fn->devregs) {
            uint64_t arr = qtest_readq(qts, fn->devregs);

            for (unsigned c = 1; c <= ((arr >> 32) & 0xffff) && c < 16;
                 c++) {
                uint64_t h = fn->devregs + 16 * c;

                if ((qtest_readl(qts, h) & 0xffff) == 2) {
                    fn->mbox = fn->devregs + qtest_readl(qts, h + 4);
                }
            }
        }
        if (fn->mbox) {
            fn->payload_max =
                1u << MIN(qtest_readl(qts, fn->mbox + MBOX_CAPS) & 0x1f, 20);
            f->mbox_fn[f->nr_mbox++] = i;
            read_cel(f, fn);
            read_memdev(f, fn);
        }
    }
    return f;
}

void cxl_fuzz_reinit(CXLFuzz *f)
{
    enable_ecam(f->qts);
    for (unsigned i = 0; i < f->setup->len; i++) {
        CfgWrite *w = &g_array_index(f->setup, CfgWrite, i);

        switch (w->size) {
        case 1:
            qtest_writeb(f->qts, w->addr, w->val);
            break;
        case 2:
            qtest_writew(f->qts, w->addr, w->val);
            break;
        default:
            qtest_writel(f->qts, w->addr, w->val);
            break;
        }
    }
}

char *cxl_fuzz_describe(CXLFuzz *f)
{
    GString *s = g_string_new("");

    for (unsigned i = 0; i < f->nr_fn; i++) {
        Fn *fn = &f->fn[i];

        g_string_append_printf(s, "%02x:%02x.%x%s port %u comp 0x%" PRIx64
                               " (%u decoders) devregs 0x%" PRIx64
                               " mbox 0x%" PRIx64 " (%u opcodes)"
                               " dvsecs %u does %u\n",
                               fn->bus & 0xff, fn->dev, fn->fn,
                               fn->bridge ? " bridge" : "", fn->port,
                               fn->comp, fn->nr_dec, fn->devregs, fn->mbox,
                               fn->nr_cel, fn->nr_dvsec, fn->nr_doe);
    }
    return g_string_free(s, false);
}

void cxl_fuzz_free(CXLFuzz *f)
{
    g_free(f->last_out);
    g_array_free(f->setup, true);
    g_free(f);
}

/* ---- operations ---- */

enum {
    OP_MMIO_WRITE,
    OP_MMIO_READ,
    OP_CFG_WRITE,
    OP_CFG_READ,
    OP_HDM_PROGRAM,
    OP_HDM_CTRL,
    OP_DOE,
    OP_MBOX,
    OP_MBOX_CEL,
    OP_BG_POLL,
    OP_WINDOW_WRITE,
    OP_WINDOW_READ,
    OP_CLOCK,
    OP_ROUTE,
    OP_MEM_ENABLE,
    OP_MMIO_BURST,
    OP_MAX
};

static Fn *pick(CXLFuzz *f, const unsigned *list, unsigned n, In *in)
{
    uint8_t k = get8(in);

    return n ? &f->fn[list[k % n]] : NULL;
}

static void mmio_write(QTestState *qts, uint64_t a, unsigned size,
                       uint64_t v)
{
    switch (size) {
    case 0:
        qtest_writeb(qts, a, v);
        break;
    case 1:
        qtest_writew(qts, a, v);
        break;
    case 2:
        qtest_writel(qts, a, v);
        break;
    default:
        qtest_writeq(qts, a, v);
        break;
    }
}

static void mmio_read(QTestState *qts, uint64_t a, unsigned size)
{
    switch (size) {
    case 0:
        qtest_readb(qts, a);
        break;
    case 1:
        qtest_readw(qts, a);
        break;
    case 2:
        qtest_readl(qts, a);
        break;
    default:
        qtest_readq(qts, a);
        break;
    }
}

/*
 * A register of a component or device register block: selector bit 7
 * picks the device registers (when the function has them), the offset
 * is within the block, aligned to the access size.
 */
static bool reg_target(CXLFuzz *f, In *in, uint64_t *addr, unsigned *size)
{
    Fn *fn = pick(f, f->comp_fn, f->nr_comp, in);
    uint8_t sel = get8(in);
    uint16_t off = get16(in);

    *size = sel & 3;
    if (!fn) {
        return false;
    }
    if ((sel & 0x80)) {
        /* the device registers: of a function with a mailbox */
        fn = &f->fn[f->mbox_fn[(sel >> 2) % MAX(f->nr_mbox, 1)]];
        if (!f->nr_mbox) {
            return false;
        }
        *addr = fn->devregs + (off % MIN(fn->devregs_size, 0x10000));
    } else if (sel & 0x40) {
        /* the CXL.cache/mem capabilities */
        *addr = fn->comp + CM + (off & 0xfff);
    } else {
        *addr = fn->comp + off;
    }
    *addr &= ~((1ull << *size) - 1);
    return true;
}

/* A configuration register: standard, a DVSEC's, a DOE's or anywhere */
static bool cfg_target(CXLFuzz *f, In *in, Fn **fnp, unsigned *off,
                       unsigned *size)
{
    Fn *fn = pick(f, f->cfg_fn, f->nr_cfg, in);
    uint8_t sel = get8(in);
    uint8_t o = get8(in);

    if (!fn) {
        return false;
    }
    *size = 1u << (sel & 3) % 3;
    switch ((sel >> 2) & 3) {
    case 0:
        *off = o;
        break;
    case 1:
        if (!fn->nr_dvsec) {
            return false;
        }
        *off = fn->dvsec[(sel >> 4) % fn->nr_dvsec] + (o & 0x3f);
        break;
    case 2:
        if (!fn->nr_doe) {
            return false;
        }
        *off = fn->doe[(sel >> 4) % fn->nr_doe] + (o & 0x1f);
        break;
    default:
        *off = 0x100 + ((sel >> 4) << 8 | o) % 0xf00;
        break;
    }
    *off &= ~(*size - 1);
    *fnp = fn;
    return true;
}

static void op_hdm_program(CXLFuzz *f, In *in)
{
    Fn *fn = pick(f, f->hdm_fn, f->nr_hdm, in);
    uint8_t n = get8(in), flags = get8(in);
    uint8_t base = get8(in), size = get8(in);
    uint8_t iw_ig = get8(in);
    uint32_t tl_lo = get32(in), tl_hi = get32(in);
    uint64_t b, sz;
    uint64_t d;

    if (!fn) {
        return;
    }
    d = fn->hdm + 0x10 + 0x20 * (n % fn->nr_dec);
    /* window-relative in 256 MiB units, or anywhere (flags bit 7) */
    b = flags & 0x80 ? (uint64_t)base << 28 | (uint64_t)tl_hi << 36
                     : f->window + ((uint64_t)(base & 0xf) << 28);
    sz = (uint64_t)((size & 0x1f) + !(flags & 0x40)) << 28;
    if (flags & 0x20) {
        qtest_writel(f->qts, fn->hdm + 4, 2);   /* HDM Decoder Enable */
    }
    qtest_writel(f->qts, d + 0x04, b >> 32);
    qtest_writel(f->qts, d + 0x00, (uint32_t)b);
    qtest_writel(f->qts, d + 0x0c, sz >> 32);
    qtest_writel(f->qts, d + 0x08, (uint32_t)sz);
    qtest_writel(f->qts, d + 0x18, flags & 0x10 ? tl_hi : 0);
    qtest_writel(f->qts, d + 0x14, flags & 0x10 ? tl_lo : tl_lo & 0xff);
    /* IG, IW, then Lock (8), Commit (9), Type (12), BI (13) */
    qtest_writel(f->qts, d + 0x10, iw_ig | (flags & 1) << 8 |
                 !(flags & 2) << 9 | !(flags & 4) << 12 | (flags & 8) << 10);
    qtest_readl(f->qts, d + 0x10);
}

static void op_hdm_ctrl(CXLFuzz *f, In *in)
{
    Fn *fn = pick(f, f->hdm_fn, f->nr_hdm, in);
    uint8_t n = get8(in);
    uint32_t ctrl = get32(in);

    if (fn) {
        uint64_t d = fn->hdm + 0x10 + 0x20 * (n % fn->nr_dec);

        qtest_writel(f->qts, d + 0x10, ctrl);
        qtest_readl(f->qts, d + 0x10);
    }
}

/*
 * A DOE exchange: a request of up to 24 dwords (header biased to the CXL
 * vendor and its length correct unless asked; the longest request of our
 * protocols, Compliance's Inject Memory Device Poison clear, has 22), Go
 * (or a raw control value: Abort), then up to 32 response dwords read and
 * acknowledged
 */
static void op_doe(CXLFuzz *f, In *in)
{
    Fn *fn = pick(f, f->doe_fn, f->nr_doe, in);
    uint8_t sel = get8(in), nr = get8(in) % 25, nread = get8(in) % 33;
    uint64_t base;

    if (!fn) {
        return;
    }
    base = cfg_addr(fn, fn->doe[sel % fn->nr_doe]);
    for (unsigned i = 0; i < nr; i++) {
        uint32_t v = get32(in);

        if (!(sel & 0x40)) {
            if (i == 0) {
                v = (v & 0x00ff0000) | (v & 0x1000000 ? 0x0001 : CXL_VENDOR);
            } else if (i == 1) {
                v = nr;
            }
        }
        qtest_writel(f->qts, base + DOE_WRITE, v);
    }
    qtest_writel(f->qts, base + DOE_CTRL, sel & 0x80 ? get32(in) : DOE_GO);
    for (unsigned i = 0; i < nread; i++) {
        if (!(qtest_readl(f->qts, base + DOE_STATUS) & DOE_READY)) {
            qtest_clock_step(f->qts, 1000000);
            if (!(qtest_readl(f->qts, base + DOE_STATUS) & DOE_READY)) {
                break;
            }
        }
        qtest_readl(f->qts, base + DOE_READ);
        qtest_writel(f->qts, base + DOE_READ, 0);
    }
}

/* A mailbox command: @op, a fuzzed length and payload */
static void mbox_op(CXLFuzz *f, Fn *fn, uint16_t op, In *in)
{
    uint8_t lsel = get8(in);
    uint32_t len = get16(in), copy;
    g_autofree uint8_t *buf = NULL;

    /* mostly within the payload registers, sometimes past them */
    if (!(lsel & 0x80)) {
        len %= fn->payload_max + 1;
    } else {
        len |= (uint32_t)(lsel & 0x1f) << 16;
    }
    copy = MIN(MIN(len, fn->payload_max), in->n);
    if (copy) {
        buf = g_memdup2(in->p, copy);
        in->p += copy;
        in->n -= copy;
        qtest_memwrite(f->qts, fn->mbox + MBOX_PAYLOAD, buf, copy);
    }
    qtest_writeq(f->qts, fn->mbox + MBOX_CMD,
                 op | ((uint64_t)len & 0x1fffff) << 16);
    /* doorbell, with the background interrupt bit as fuzzed */
    qtest_writel(f->qts, fn->mbox + MBOX_CTRL, 1 | (lsel & 0x40 ? 4 : 0));
    for (unsigned i = 0; i < 4; i++) {
        if (!(qtest_readl(f->qts, fn->mbox + MBOX_CTRL) & 1)) {
            break;
        }
        qtest_clock_step(f->qts, 1000000);
    }
    qtest_readq(f->qts, fn->mbox + MBOX_STATUS);
    len = (qtest_readq(f->qts, fn->mbox + MBOX_CMD) >> 16) & 0x1fffff;
    if (len) {
        len = MIN(len, fn->payload_max);
        buf = g_realloc(buf, len);
        qtest_memread(f->qts, fn->mbox + MBOX_PAYLOAD, buf, len);
    }
}

static void op_bg_poll(CXLFuzz *f, In *in)
{
    Fn *fn = pick(f, f->mbox_fn, f->nr_mbox, in);
    uint8_t steps = get8(in) % 64;

    if (!fn) {
        return;
    }
    for (unsigned i = 0; i <= steps; i++) {
        uint64_t st = qtest_readq(f->qts, fn->mbox + MBOX_BG_STATUS);

        if (((st >> 16) & 0x7f) == 100) {
            break;
        }
        qtest_clock_step(f->qts, 10 * 1000 * 1000);
    }
    qtest_readq(f->qts, fn->mbox + MBOX_STATUS);
}

static void op_window(CXLFuzz *f, In *in, bool write)
{
    uint8_t sel = get8(in);
    uint64_t off = get32(in) % WINDOW_SIZE;
    uint64_t a;

    /* bit 7: near the start of a 256 MiB unit, where decoders map */
    if (sel & 0x80) {
        off = (off & (0xfull << 28)) | (off & 0xfff);
    }
    a = f->window + off;
    if (sel & 0x40) {
        unsigned n = MIN((sel & 0x3f) + 1, WINDOW_SIZE - off);
        uint8_t buf[64];

        if (write) {
            memset(buf, 0, sizeof(buf));
            for (unsigned i = 0; i < n && in->n; i++) {
                buf[i] = get8(in);
            }
            qtest_memwrite(f->qts, a, buf, n);
        } else {
            qtest_memread(f->qts, a, buf, n);
        }
        return;
    }
    a &= ~((1ull << (sel & 3)) - 1);
    if (write) {
        mmio_write(f->qts, a, sel & 3, get(in, 8));
    } else {
        mmio_read(f->qts, a, sel & 3);
    }
}

/*
 * Commit a 1-way route to endpoint @ep as Linux does for a region: the
 * endpoint's decoder, its switch's upstream port decoder targeting its
 * downstream port, and the host bridge's targeting the root port, all at
 * the same fuzzed 256 MiB unit of the window; then Mem_Enable. Each level
 * uses its first decoder not yet committed (decoders commit in order).
 */
static void op_route(CXLFuzz *f, In *in)
{
    Fn *ep = pick(f, f->ep_fn, f->nr_ep, in);
    uint8_t unit = get8(in) & 0xf, n = get8(in), size = get8(in) % 4 + 1;
    uint64_t base = f->window + ((uint64_t)unit << 28);
    uint64_t sz = (uint64_t)size << 28;
    int down;

    if (!ep) {
        return;
    }
    for (Fn *fn = ep, *below = NULL; fn; below = fn,
         fn = fn->parent >= 0 ? &f->fn[fn->parent] : NULL) {
        uint64_t d;

        if (!fn->hdm) {
            continue;
        }
        /* the first decoder not committed, or decoder n (n bit 7) */
        d = fn->hdm + 0x10 + 0x20 * (n % fn->nr_dec);
        for (unsigned i = 0; !(n & 0x80) && i < fn->nr_dec; i++) {
            d = fn->hdm + 0x10 + 0x20 * i;
            if (!(qtest_readl(f->qts, d + 0x10) & (1 << 10))) {
                break;
            }
        }
        /* the port below: the endpoint's parent's port number */
        down = 0;
        if (fn != ep) {
            /* from @below (a port or the endpoint) down to the port */
            Fn *p = below;

            while (p && p->parent >= 0 && &f->fn[p->parent] != fn) {
                p = &f->fn[p->parent];
            }
            down = p ? p->port : 0;
        }
        qtest_writel(f->qts, fn->hdm + 4, 2);
        qtest_writel(f->qts, d + 0x04, base >> 32);
        qtest_writel(f->qts, d + 0x00, (uint32_t)base);
        qtest_writel(f->qts, d + 0x0c, sz >> 32);
        qtest_writel(f->qts, d + 0x08, (uint32_t)sz);
        qtest_writel(f->qts, d + 0x18, 0);
        qtest_writel(f->qts, d + 0x14, down);
        qtest_writel(f->qts, d + 0x10, 1 << 9 | 1 << 12);
        qtest_readl(f->qts, d + 0x10);
    }
    if (ep->dvsec0) {
        uint16_t ctrl = cfg_read(f, ep, ep->dvsec0 + 0x0c, 2);

        cfg_write(f, ep, ep->dvsec0 + 0x0c, ctrl | 4, 2);
    }
}

static void op_mem_enable(CXLFuzz *f, In *in)
{
    Fn *ep = pick(f, f->ep_fn, f->nr_ep, in);
    uint16_t ctrl = get16(in);

    if (ep && ep->dvsec0) {
        cfg_write(f, ep, ep->dvsec0 + 0x0c, ctrl, 2);
    }
}

/* ---- structured payloads (operation bytes F0h-FFh) ---- */

/*
 * A DPA of @fn for a command: mostly in its capacity and 64-byte aligned,
 * sometimes at or near its end, sometimes anything
 */
static uint64_t fz_dpa(Fn *fn, In *in)
{
    uint8_t sel = get8(in);
    uint64_t v = get16(in), cap = MAX(fn->capacity, 64);

    switch (sel & 3) {
    case 0:
    case 1:
        return (v * 64 * KiB + (sel >> 2) * 64) % cap;
    case 2:
        return cap - 64 * (v % 4);
    default:
        return v | get(in, 6) << 16;
    }
}

/* A DPA in one of @fn's dynamic capacity regions, block aligned mostly */
static uint64_t fz_dc_dpa(Fn *fn, In *in, uint64_t *block)
{
    uint8_t sel = get8(in);
    uint16_t v = get16(in);
    unsigned r;

    if (!fn->nr_dc) {
        *block = 2 * MiB;
        return fz_dpa(fn, in);
    }
    r = sel % fn->nr_dc;
    *block = fn->dc_block[r];
    return fn->dc_base[r] +
           (v % MAX(fn->dc_len[r] / *block, 1)) * *block +
           (sel & 0x80 ? 64 : 0);
}

/* @n bytes of the input into @p */
static void fz_bytes(In *in, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = get8(in);
    }
}

/* A feature UUID of @fn's list, or (sometimes) any */
static void fz_feature(Fn *fn, In *in, uint8_t *uuid)
{
    uint8_t sel = get8(in);

    if (fn->nr_feat && !(sel & 0x80)) {
        memcpy(uuid, fn->feat[sel % fn->nr_feat], 16);
    } else {
        fz_bytes(in, uuid, 16);
    }
}

/*
 * @n DC extents (CXLDCExtentRaw, 40 bytes: DPA, length, tag, sequence)
 * or, @updated, Updated Extents (24 bytes: DPA, length) into @p
 */
static size_t fz_extents(Fn *fn, In *in, uint8_t *p, unsigned n,
                         bool updated)
{
    size_t sz = updated ? 24 : 40;

    for (unsigned i = 0; i < n; i++) {
        uint64_t block, dpa = fz_dc_dpa(fn, in, &block);

        memset(p + sz * i, 0, sz);
        stq_le_p(p + sz * i, dpa);
        stq_le_p(p + sz * i + 8, (get8(in) % 4 + 1) * block);
        if (!updated) {
            p[sz * i + 16] = get8(in);          /* tag */
        }
    }
    return sz * n;
}

/* The switch CCI function that can tunnel, the function with a DC FM */
static Fn *fz_tunnel(CXLFuzz *f, In *in, uint8_t *port, Fn **dev)
{
    unsigned cand[MAX_FNS], n = 0;
    Fn *cci = NULL;

    for (unsigned i = 0; i < f->nr_mbox; i++) {
        if (has_op(&f->fn[f->mbox_fn[i]], 0x5300)) {
            cci = &f->fn[f->mbox_fn[i]];
        }
    }
    if (!cci) {
        return NULL;
    }
    /* below a downstream port of the switch whose upstream port has it */
    for (unsigned i = 0; i < f->nr_fn; i++) {
        Fn *fn = &f->fn[i];
        Fn *dsp = fn->parent > HB ? &f->fn[fn->parent] : NULL;

        if (fn->nr_dc && dsp && dsp->parent > HB &&
            f->fn[dsp->parent].bus == cci->bus) {
            cand[n++] = i;
        }
    }
    if (!n) {
        return NULL;
    }
    *dev = &f->fn[cand[get8(in) % n]];
    *port = f->fn[(*dev)->parent].port;
    return cci;
}

enum {
    ST_POISON_LIST, ST_INJECT_POISON, ST_CLEAR_POISON, ST_SCAN_CAPS,
    ST_SCAN_MEDIA, ST_GET_LSA, ST_SET_LSA, ST_GET_FEATURE, ST_SET_FEATURE,
    ST_DC_CONFIG, ST_DC_EXTENTS, ST_DC_ADD_RSP, ST_DC_RELEASE, ST_MEDIA_OPS,
    ST_FM_DC_ADD, ST_FM_DC_RELEASE,
};

/*
 * A mailbox command whose payload is built from the input with fields a
 * device checks in range (DPAs in its capacity, block-aligned extents in
 * its DC regions, feature UUIDs it has, LSA offsets): the fuzzer reaches
 * the code behind the parsers. @k picks the command. The FM commands go
 * through the switch CCI's tunnel to a DCD below a downstream port.
 */
static void op_struct(CXLFuzz *f, In *in, unsigned k)
{
    Fn *fn = pick(f, f->mbox_fn, f->nr_mbox, in);
    g_autofree uint8_t *out = NULL;
    uint8_t p[512] = { 0 };
    size_t n = 0;
    uint16_t op = 0;
    unsigned cnt;

    if (!fn) {
        return;
    }
    switch (k) {
    case ST_POISON_LIST:
    case ST_SCAN_CAPS:
    case ST_SCAN_MEDIA:
        op = k == ST_POISON_LIST ? 0x4300 : k == ST_SCAN_CAPS ? 0x4303 : 0x4304;
        stq_le_p(p, fz_dpa(fn, in));
        stq_le_p(p + 8, get16(in) % 4096 + (k == ST_SCAN_CAPS ? 0 : 1));
        p[16] = get8(in);                       /* Scan Media flags */
        n = k == ST_SCAN_MEDIA ? 17 : 16;
        break;
    case ST_INJECT_POISON:
    case ST_CLEAR_POISON:
        op = k == ST_INJECT_POISON ? 0x4301 : 0x4302;
        stq_le_p(p, fz_dpa(fn, in));
        n = 8;
        if (k == ST_CLEAR_POISON) {
            fz_bytes(in, p + 8, 64);
            n = 72;
        }
        break;
    case ST_GET_LSA:
    case ST_SET_LSA:
        op = k == ST_GET_LSA ? 0x4102 : 0x4103;
        stl_le_p(p, get16(in) % (fn->lsa_size + 64));
        cnt = get8(in) % 128;
        if (k == ST_GET_LSA) {
            stl_le_p(p + 4, cnt);
            n = 8;
        } else {
            fz_bytes(in, p + 8, cnt);
            n = 8 + cnt;
        }
        break;
    case ST_GET_FEATURE:
        op = 0x0501;
        fz_feature(fn, in, p);
        stw_le_p(p + 16, get8(in) % 64);        /* offset */
        stw_le_p(p + 18, get8(in));             /* count */
        p[20] = get8(in) % 4;                   /* selection */
        n = 21;
        break;
    case ST_SET_FEATURE:
        op = 0x0502;
        fz_feature(fn, in, p);
        stl_le_p(p + 16, get8(in) % 8);         /* transfer action... */
        stw_le_p(p + 20, get8(in) % 64);        /* offset */
        p[22] = get8(in) % 4;                   /* version */
        cnt = get8(in) % 48;
        fz_bytes(in, p + 32, cnt);
        n = 32 + cnt;
        break;
    case ST_DC_CONFIG:
        op = 0x4800;
        p[0] = get8(in) % 10;
        p[1] = get8(in) % 10;
        n = 2;
        break;
    case ST_DC_EXTENTS:
        op = 0x4801;
        stl_le_p(p, get8(in));
        stl_le_p(p + 4, get8(in) % 16);
        n = 8;
        break;
    case ST_DC_ADD_RSP:
    case ST_DC_RELEASE:
        op = k == ST_DC_ADD_RSP ? 0x4802 : 0x4803;
        cnt = get8(in) % 5;
        stl_le_p(p, cnt);
        p[4] = get8(in) & 3;                    /* More, ... */
        n = 8 + fz_extents(fn, in, p + 8, cnt, true);
        break;
    case ST_MEDIA_OPS:
        op = 0x4402;
        p[0] = get8(in) % 3;                    /* class */
        p[1] = get8(in) % 3;                    /* subclass */
        cnt = get8(in) % 4;
        stl_le_p(p + 4, cnt);
        if (p[0] == 0) {                        /* discovery */
            stw_le_p(p + 8, get8(in) % 8);
            stw_le_p(p + 10, get8(in) % 8);
            n = 12;
            break;
        }
        for (unsigned i = 0; i < cnt; i++) {
            stq_le_p(p + 8 + 16 * i, fz_dpa(fn, in) & ~(uint64_t)63);
            stq_le_p(p + 16 + 16 * i, (get8(in) % 16 + 1) * 64);
        }
        n = 8 + 16 * cnt;
        break;
    case ST_FM_DC_ADD:
    case ST_FM_DC_RELEASE: {
        /* Initiate Dynamic Capacity Add/Release in a Tunnel Management
         * Command (tunnel header, CCI message header, payload) */
        uint8_t *m = p + 4, *q = p + 16, port = 0;
        Fn *dev = NULL;
        uint64_t block;

        fn = fz_tunnel(f, in, &port, &dev);
        if (!fn) {
            return;
        }
        stw_le_p(q, get8(in) & 0x80 ? get8(in) : 0);    /* host */
        q[2] = get8(in) % (k == ST_FM_DC_ADD ? 5 : 64);   /* policy/flags */
        q[3] = get8(in) % MAX(dev->nr_dc, 1);           /* region */
        fz_dc_dpa(dev, in, &block);
        stq_le_p(q + 4, (get8(in) % 4 + 1) * block);    /* length */
        q[12] = get8(in);                               /* tag */
        cnt = get8(in) % 4;
        stl_le_p(q + 28, cnt);
        cnt = 32 + fz_extents(dev, in, q + 32, cnt, false);
        op = k == ST_FM_DC_ADD ? 0x5604 : 0x5605;
        m[1] = get8(in);                                /* tag */
        stw_le_p(m + 3, op);
        m[5] = cnt;
        m[6] = cnt >> 8;
        p[0] = port;
        stw_le_p(p + 2, 12 + cnt);
        op = 0x5300;
        n = 4 + 12 + cnt;
        break;
    }
    default:
        return;
    }
    out = g_malloc0(fn->payload_max);
    f->last_rc = mbox_cmd(f, fn, op, p, MIN(n, fn->payload_max), n, out,
                          fn->payload_max, &f->last_len);
    f->last_len = MIN(f->last_len, fn->payload_max);
    if (op == 0x5300 && !f->last_rc && f->last_len >= 4 + 12) {
        /* the response message in the tunnel's output */
        f->last_rc = lduw_le_p(out + 4 + 8);
        f->last_len = MIN(ldl_le_p(out + 4 + 5) & 0x1fffff,
                          f->last_len - 16);
        memmove(out, out + 16, f->last_len);
    }
    g_free(f->last_out);
    f->last_out = g_steal_pointer(&out);
}

uint16_t cxl_fuzz_last_reply(CXLFuzz *f, const uint8_t **out, uint32_t *len)
{
    *out = f->last_out;
    *len = f->last_out ? f->last_len : 0;
    return f->last_rc;
}

static void op_mmio_burst(CXLFuzz *f, In *in)
{
    uint64_t a;
    unsigned size;
    uint8_t n = get8(in) % 64 + 1;
    uint8_t buf[64] = {};

    if (!reg_target(f, in, &a, &size)) {
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        buf[i] = get8(in);
    }
    qtest_memwrite(f->qts, a, buf, n);
}

void cxl_fuzz_run(CXLFuzz *f, const uint8_t *data, size_t len)
{
    In in = { data, len };
    unsigned nr_ops = 0;

    /* every input ends with the clock run on, so timers fire */
    while (in.n && nr_ops++ < 512) {
        uint8_t op = get8(&in);

        if (op >= 0xf0) {
            /* (F0h-FFh: added later; below, the first operations) */
            op_struct(f, &in, op & 0xf);
            continue;
        }
        op %= OP_MAX;
        uint64_t a;
        unsigned size, off;
        Fn *fn;

        switch (op) {
        case OP_MMIO_WRITE:
            if (reg_target(f, &in, &a, &size)) {
                mmio_write(f->qts, a, size, get(&in, 1u << size));
            }
            break;
        case OP_MMIO_READ:
            if (reg_target(f, &in, &a, &size)) {
                mmio_read(f->qts, a, size);
            }
            break;
        case OP_CFG_WRITE:
            if (cfg_target(f, &in, &fn, &off, &size)) {
                cfg_write(f, fn, off, get(&in, size), size);
            }
            break;
        case OP_CFG_READ:
            if (cfg_target(f, &in, &fn, &off, &size)) {
                cfg_read(f, fn, off, size);
            }
            break;
        case OP_HDM_PROGRAM:
            op_hdm_program(f, &in);
            break;
        case OP_HDM_CTRL:
            op_hdm_ctrl(f, &in);
            break;
        case OP_DOE:
            op_doe(f, &in);
            break;
        case OP_MBOX:
            fn = pick(f, f->mbox_fn, f->nr_mbox, &in);
            a = get16(&in);
            if (fn) {
                mbox_op(f, fn, a, &in);
            }
            break;
        case OP_MBOX_CEL:
            fn = pick(f, f->mbox_fn, f->nr_mbox, &in);
            a = get8(&in);
            if (fn && fn->nr_cel) {
                mbox_op(f, fn, fn->cel[a % fn->nr_cel], &in);
            }
            break;
        case OP_BG_POLL:
            op_bg_poll(f, &in);
            break;
        case OP_WINDOW_WRITE:
            op_window(f, &in, true);
            break;
        case OP_WINDOW_READ:
            op_window(f, &in, false);
            break;
        case OP_CLOCK:
            qtest_clock_step(f->qts, (int64_t)(get8(&in) + 1) * 1000000);
            break;
        case OP_ROUTE:
            op_route(f, &in);
            break;
        case OP_MEM_ENABLE:
            op_mem_enable(f, &in);
            break;
        case OP_MMIO_BURST:
            op_mmio_burst(f, &in);
            break;
        }
    }
    qtest_clock_step(f->qts, 100 * 1000 * 1000);
}
