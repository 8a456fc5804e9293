/*
 * Unit tests for the CXL CDAT library (hw/cxl/cxl-cdat.c).
 *
 * The expectations come from outside the code under test:
 *  - byte offsets written out here from the CDAT specification (r1.03
 *    section 2; DSLBIS is Table 5 of r1.01) and decoded by hand, without the
 *    library's structures or accessors;
 *  - hand-worked entry/base-unit encodings of the performance figures;
 *  - what Linux does with the bytes: drivers/cxl/core/pci.c
 *    cxl_cdat_read_table() (DOE entry handles) and drivers/cxl/core/cdat.c
 *    cdat_dsmas_handler(), cdat_dslbis_handler(), cdat_normalize() and
 *    cdat_sslbis_handler(), with the values they derive worked out by hand.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/cxl/cxl-cdat.h"

#define MiB_ (1024ull * 1024)

/* CDAT header */
#define HDR_LENGTH      0       /* 4 bytes */
#define HDR_REVISION    4
#define HDR_CHECKSUM    5
#define HDR_RESERVED    6       /* 6 bytes */
#define HDR_SEQUENCE    12      /* 4 bytes */
#define HDR_SIZE        16

/* Common structure header */
#define S_TYPE          0
#define S_RESERVED      1
#define S_LENGTH        2       /* 2 bytes */

/* DSMAS, type 0, 24 bytes */
#define DSMAS_HANDLE    4
#define DSMAS_FLAGS     5
#define DSMAS_RESERVED  6       /* 2 bytes */
#define DSMAS_DPA_BASE  8       /* 8 bytes */
#define DSMAS_DPA_LEN   16      /* 8 bytes */
#define DSMAS_SIZE      24

/* DSLBIS, type 1, 24 bytes */
#define DSLBIS_HANDLE   4
#define DSLBIS_FLAGS    5
#define DSLBIS_TYPE     6
#define DSLBIS_RSVD     7
#define DSLBIS_UNIT     8       /* 8 bytes */
#define DSLBIS_ENTRY0   16      /* 2 bytes */
#define DSLBIS_ENTRY1   18
#define DSLBIS_ENTRY2   20
#define DSLBIS_RSVD2    22
#define DSLBIS_SIZE     24

/* DSEMTS, type 4, 24 bytes */
#define DSEMTS_HANDLE   4
#define DSEMTS_MEMTYPE  5
#define DSEMTS_RSVD     6       /* 2 bytes */
#define DSEMTS_OFFSET   8       /* 8 bytes */
#define DSEMTS_LENGTH   16      /* 8 bytes */
#define DSEMTS_SIZE     24

/* SSLBIS, type 5, 16 + 8 * n bytes */
#define SSLBIS_TYPE     4
#define SSLBIS_RSVD     5       /* 3 bytes */
#define SSLBIS_UNIT     8       /* 8 bytes */
#define SSLBIS_ENTRIES  16
#define SSLBE_X         0
#define SSLBE_Y         2
#define SSLBE_VALUE     4
#define SSLBE_RSVD      6
#define SSLBE_SIZE      8

/* HMAT data types */
#define READ_LATENCY    1
#define WRITE_LATENCY   2
#define READ_BANDWIDTH  4
#define WRITE_BANDWIDTH 5

/* Plain little-endian decoding, independent of the library */
static uint64_t le(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < bytes; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

static void put_le(uint8_t *p, unsigned bytes, uint64_t v)
{
    for (unsigned i = 0; i < bytes; i++) {
        p[i] = v >> (8 * i);
    }
}

static uint8_t byte_sum(const uint8_t *p, size_t len)
{
    uint8_t sum = 0;

    for (size_t i = 0; i < len; i++) {
        sum += p[i];
    }
    return sum;
}

/* After editing a table: header length = size, checksum = -(sum of rest) */
static void fix_table(GByteArray *t)
{
    put_le(t->data + HDR_LENGTH, 4, t->len);
    t->data[HDR_CHECKSUM] = 0;
    t->data[HDR_CHECKSUM] = -byte_sum(t->data, t->len);
}

static void assert_zero(const uint8_t *p, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++) {
        g_assert_cmpuint(p[i], ==, 0);
    }
}

static void check_header(const GByteArray *t, uint32_t sequence)
{
    g_assert_cmpuint(t->len, >=, HDR_SIZE);
    g_assert_cmpuint(le(t->data + HDR_LENGTH, 4), ==, t->len);
    g_assert_cmpuint(t->data[HDR_REVISION], ==, 1);
    assert_zero(t->data + HDR_RESERVED, 6);
    g_assert_cmpuint(le(t->data + HDR_SEQUENCE, 4), ==, sequence);
    g_assert_cmpuint(byte_sum(t->data, t->len), ==, 0);
}

/* What one range should encode as; performance as (entry, unit) pairs */
typedef struct Expect {
    uint64_t base, length;
    uint8_t flags;              /* DSMAS flags byte */
    uint8_t efi_type;
    struct {
        uint16_t entry;
        uint64_t unit;
    } perf[4];                  /* read lat, write lat, read bw, write bw */
} Expect;

/* Check one range's DSMAS, 4 DSLBIS, DSEMTS at @off; return the next offset */
static size_t check_range(const GByteArray *t, size_t off, uint8_t handle,
                          const Expect *e)
{
    static const uint8_t types[4] = {
        READ_LATENCY, WRITE_LATENCY, READ_BANDWIDTH, WRITE_BANDWIDTH,
    };
    const uint8_t *s;

    g_assert_cmpuint(off + DSMAS_SIZE + 4 * DSLBIS_SIZE + DSEMTS_SIZE,
                     <=, t->len);

    s = t->data + off;
    g_assert_cmpuint(s[S_TYPE], ==, 0);
    g_assert_cmpuint(s[S_RESERVED], ==, 0);
    g_assert_cmpuint(le(s + S_LENGTH, 2), ==, 24);
    g_assert_cmpuint(s[DSMAS_HANDLE], ==, handle);
    g_assert_cmpuint(s[DSMAS_FLAGS], ==, e->flags);
    assert_zero(s + DSMAS_RESERVED, 2);
    g_assert_cmpuint(le(s + DSMAS_DPA_BASE, 8), ==, e->base);
    g_assert_cmpuint(le(s + DSMAS_DPA_LEN, 8), ==, e->length);
    off += DSMAS_SIZE;

    for (int i = 0; i < 4; i++) {
        s = t->data + off;
        g_assert_cmpuint(s[S_TYPE], ==, 1);
        g_assert_cmpuint(s[S_RESERVED], ==, 0);
        g_assert_cmpuint(le(s + S_LENGTH, 2), ==, 24);
        g_assert_cmpuint(s[DSLBIS_HANDLE], ==, handle);
        g_assert_cmpuint(s[DSLBIS_FLAGS], ==, 0);       /* memory */
        g_assert_cmpuint(s[DSLBIS_TYPE], ==, types[i]);
        g_assert_cmpuint(s[DSLBIS_RSVD], ==, 0);
        g_assert_cmpuint(le(s + DSLBIS_UNIT, 8), ==, e->perf[i].unit);
        g_assert_cmpuint(le(s + DSLBIS_ENTRY0, 2), ==, e->perf[i].entry);
        g_assert_cmpuint(le(s + DSLBIS_ENTRY1, 2), ==, 0);
        g_assert_cmpuint(le(s + DSLBIS_ENTRY2, 2), ==, 0);
        g_assert_cmpuint(le(s + DSLBIS_RSVD2, 2), ==, 0);
        off += DSLBIS_SIZE;
    }

    s = t->data + off;
    g_assert_cmpuint(s[S_TYPE], ==, 4);
    g_assert_cmpuint(s[S_RESERVED], ==, 0);
    g_assert_cmpuint(le(s + S_LENGTH, 2), ==, 24);
    g_assert_cmpuint(s[DSEMTS_HANDLE], ==, handle);
    g_assert_cmpuint(s[DSEMTS_MEMTYPE], ==, e->efi_type);
    assert_zero(s + DSEMTS_RSVD, 2);
    g_assert_cmpuint(le(s + DSEMTS_OFFSET, 8), ==, 0);
    g_assert_cmpuint(le(s + DSEMTS_LENGTH, 8), ==, e->length);
    return off + DSEMTS_SIZE;
}

static GByteArray *build_ok(const CXLCDATRange *r, unsigned nr)
{
    Error *err = NULL;
    GByteArray *t = cxl_cdat_build_type3(r, nr, &err);

    g_assert_null(err);
    g_assert_nonnull(t);
    return t;
}

/* Defaults: 150 ns both ways, 25600 MB/s both ways */
static const Expect volatile_256m = {
    .base = 0, .length = 256 * MiB_, .flags = 0,
    .efi_type = 1,                      /* conventional + EFI_MEMORY_SP */
    .perf = {
        { 15000, 10 },                  /* 150000 ps > 65534: 15000 * 10 */
        { 15000, 10 },
        { 25600, 1 },                   /* 25600 MB/s fits as is */
        { 25600, 1 },
    },
};

static void test_type3_volatile(void)
{
    CXLCDATRange r;
    GByteArray *t;

    cxl_cdat_range_init(&r, 0, 256 * MiB_, false);
    t = build_ok(&r, 1);

    /* header + DSMAS + 4 DSLBIS + DSEMTS = 16 + 6 * 24 */
    g_assert_cmpuint(t->len, ==, 160);
    check_header(t, 0);
    g_assert_cmpuint(check_range(t, HDR_SIZE, 0, &volatile_256m), ==, 160);
    g_byte_array_unref(t);
}

static void test_type3_persistent(void)
{
    /* Defaults: 250 ns read, 500 ns write, 12800 / 6400 MB/s */
    static const Expect pmem = {
        .base = 0, .length = 512 * MiB_,
        .flags = 0x04,                  /* bit 2: non-volatile */
        .efi_type = 1,
        .perf = {
            { 25000, 10 },              /* 250000 ps */
            { 50000, 10 },              /* 500000 ps */
            { 12800, 1 },
            { 6400, 1 },
        },
    };
    CXLCDATRange r;
    GByteArray *t;

    cxl_cdat_range_init(&r, 0, 512 * MiB_, true);
    t = build_ok(&r, 1);
    g_assert_cmpuint(t->len, ==, 160);
    check_header(t, 0);
    g_assert_cmpuint(check_range(t, HDR_SIZE, 0, &pmem), ==, 160);

    /* The sequence number can change; the checksum follows */
    cxl_cdat_set_sequence(t, 0x12345678);
    check_header(t, 0x12345678);
    g_byte_array_unref(t);
}

/*
 * Volatile 256 MiB at DPA 0 (defaults) and persistent 512 MiB after it,
 * shareable, read-only, EFI reserved, with figures that need rounding.
 */
static void make_two_ranges(CXLCDATRange r[2])
{
    cxl_cdat_range_init(&r[0], 0, 256 * MiB_, false);
    cxl_cdat_range_init(&r[1], 256 * MiB_, 512 * MiB_, true);
    r[1].shareable = true;
    r[1].read_only = true;
    r[1].efi_memory_type = CXL_CDAT_EFI_RESERVED;
    r[1].perf = (CXLCDATPerf) {
        .read_latency_ps = 1234567,
        .write_latency_ps = 65534,
        .read_bandwidth_mbs = 100000,
        .write_bandwidth_mbs = 65535,
    };
}

static void test_type3_volatile_persistent(void)
{
    static const Expect pmem = {
        .base = 256 * MiB_, .length = 512 * MiB_,
        .flags = 0x04 | 0x08 | 0x40,    /* non-volatile, shareable, RO */
        .efi_type = 2,                  /* EfiReservedMemoryType */
        .perf = {
            /*
             * 1234567 / 10 = 123457 > 65534; / 100 = 12345.67 -> 12346
             */
            { 12346, 100 },
            { 65534, 1 },               /* the largest plain entry */
            { 10000, 10 },              /* 100000 / 10 */
            { 6554, 10 },               /* 65535 / 10 = 6553.5 -> 6554 */
        },
    };
    CXLCDATRange r[2];
    GByteArray *t;
    size_t off;

    make_two_ranges(r);
    t = build_ok(r, 2);
    g_assert_cmpuint(t->len, ==, 16 + 12 * 24);
    check_header(t, 0);
    off = check_range(t, HDR_SIZE, 0, &volatile_256m);
    off = check_range(t, off, 1, &pmem);
    g_assert_cmpuint(off, ==, t->len);
    g_byte_array_unref(t);
}

/* The largest figure stays within the 32 bits Linux computes in */
static void test_type3_extreme_values(void)
{
    CXLCDATRange r;
    GByteArray *t;
    const uint8_t *lat;

    cxl_cdat_range_init(&r, 0, 256 * MiB_, false);
    r.perf.read_latency_ps = UINT32_MAX;
    r.perf.write_latency_ps = 1;
    t = build_ok(&r, 1);

    /*
     * 4294967295 ps: unit 100000 gives 42949.67 -> 42950, but
     * 42950 * 100000 = 4295000000 > 4294967295, so 42949 (4294900000).
     */
    lat = t->data + HDR_SIZE + DSMAS_SIZE;
    g_assert_cmpuint(le(lat + DSLBIS_UNIT, 8), ==, 100000);
    g_assert_cmpuint(le(lat + DSLBIS_ENTRY0, 2), ==, 42949);
    /* 1 ps: unit 1, entry 1 */
    lat += DSLBIS_SIZE;
    g_assert_cmpuint(le(lat + DSLBIS_UNIT, 8), ==, 1);
    g_assert_cmpuint(le(lat + DSLBIS_ENTRY0, 2), ==, 1);
    g_byte_array_unref(t);
}

static void expect_build_error(const CXLCDATRange *r, unsigned nr,
                               const char *fragment)
{
    Error *err = NULL;

    g_assert_null(cxl_cdat_build_type3(r, nr, &err));
    g_assert_nonnull(err);
    if (!strstr(error_get_pretty(err), fragment)) {
        g_test_message("got '%s', want '%s'", error_get_pretty(err), fragment);
        g_assert_not_reached();
    }
    error_free(err);
}

static void test_type3_bad_input(void)
{
    CXLCDATRange r[2];

    make_two_ranges(r);
    expect_build_error(r, 0, "needs 1 to 256 memory ranges, not 0");

    make_two_ranges(r);
    r[1].dpa_length = 0;
    expect_build_error(r, 2, "range 1: length is zero");

    make_two_ranges(r);
    r[1].dpa_base = 255 * MiB_;
    expect_build_error(r, 2, "ranges 0 [0x0, +0x10000000) and 1 "
                       "[0xff00000, +0x20000000) overlap");

    make_two_ranges(r);
    r[1].dpa_base = 0;
    r[1].dpa_length = MiB_;
    expect_build_error(r, 2, "ranges 0 [0x0, +0x10000000) and 1 "
                       "[0x0, +0x100000) overlap");

    /* sharing only the last byte of range 0 */
    make_two_ranges(r);
    r[1].dpa_base = 256 * MiB_ - 1;
    expect_build_error(r, 2, "overlap");

    make_two_ranges(r);
    r[1].dpa_base = UINT64_MAX - MiB_;
    expect_build_error(r, 2, "beyond the 64-bit DPA space");

    /* a range ending exactly at the top of the DPA space is fine */
    make_two_ranges(r);
    r[1].dpa_base = UINT64_MAX - r[1].dpa_length + 1;
    g_byte_array_unref(build_ok(r, 2));

    make_two_ranges(r);
    r[0].perf.write_bandwidth_mbs = 0;
    expect_build_error(r, 2, "range 0: write bandwidth must be non-zero");

    make_two_ranges(r);
    r[1].efi_memory_type = 3;
    expect_build_error(r, 2, "range 1: EFI memory type 3 is reserved");
}

static void expect_invalid(const GByteArray *t, const char *fragment)
{
    Error *err = NULL;

    g_assert_false(cxl_cdat_validate(t->data, t->len, &err));
    g_assert_nonnull(err);
    if (!strstr(error_get_pretty(err), fragment)) {
        g_test_message("got '%s', want '%s'", error_get_pretty(err), fragment);
        g_assert_not_reached();
    }
    error_free(err);
}

static GByteArray *two_range_table(void)
{
    CXLCDATRange r[2];

    make_two_ranges(r);
    return build_ok(r, 2);
}

static GByteArray *copy_table(const GByteArray *t)
{
    GByteArray *c = g_byte_array_sized_new(t->len);

    return g_byte_array_append(c, t->data, t->len);
}

static void test_validate_accepts_built(void)
{
    CXLCDATSwitchPort p = { .port_id = 0 };
    CXLCDATRange r;
    GByteArray *t;

    t = two_range_table();
    g_assert_true(cxl_cdat_validate(t->data, t->len, &error_abort));
    g_byte_array_unref(t);

    cxl_cdat_range_init(&r, 0, 256 * MiB_, true);
    t = build_ok(&r, 1);
    g_assert_true(cxl_cdat_validate(t->data, t->len, &error_abort));
    g_byte_array_unref(t);

    p.perf = (CXLCDATPerf) { 1, 1, 1, 1 };
    t = cxl_cdat_build_switch(&p, 1, &error_abort);
    g_assert_true(cxl_cdat_validate(t->data, t->len, &error_abort));
    g_byte_array_unref(t);
}

static void test_validate_rejects(void)
{
    GByteArray *good = two_range_table();
    GByteArray *t;
    /* offsets of the structures of the two-range table */
    const size_t dsmas0 = 16, dslbis0 = 40, dsemts1 = 16 + 11 * 24;
    const size_t dsmas1 = 16 + 6 * 24;

    /* header length disagrees with the buffer */
    t = copy_table(good);
    put_le(t->data + HDR_LENGTH, 4, t->len + 4);
    expect_invalid(t, "header length 308 does not match the table size 304");
    g_byte_array_set_size(t, 8);
    expect_invalid(t, "CDAT of 8 bytes is shorter than its 16-byte header");
    g_byte_array_unref(t);

    /* a byte changed without fixing the checksum */
    t = copy_table(good);
    t->data[dsmas0 + DSMAS_RESERVED] ^= 0x10;
    expect_invalid(t, "checksum is wrong: the bytes sum to 0x10");
    g_byte_array_unref(t);

    /* revision 2 */
    t = copy_table(good);
    t->data[HDR_REVISION] = 2;
    fix_table(t);
    expect_invalid(t, "revision 2 is not supported (expected 1)");
    g_byte_array_unref(t);

    /* DSLBIS claiming 20 bytes: truncated */
    t = copy_table(good);
    put_le(t->data + dslbis0 + S_LENGTH, 2, 20);
    fix_table(t);
    expect_invalid(t, "CDAT offset 0x28: truncated DSLBIS structure: "
                   "length 20, DSLBIS is 24 bytes");
    g_byte_array_unref(t);

    /* DSMAS of 28 bytes: longer than the fixed 24 */
    t = copy_table(good);
    put_le(t->data + dsmas0 + S_LENGTH, 2, 28);
    fix_table(t);
    expect_invalid(t, "CDAT offset 0x10: DSMAS structure length 28, DSMAS is "
                   "exactly 24 bytes");
    g_byte_array_unref(t);

    /* two bytes after the last structure: a truncated structure header */
    t = copy_table(good);
    g_byte_array_set_size(t, t->len + 2);
    t->data[t->len - 2] = 0;
    t->data[t->len - 1] = 0;
    fix_table(t);
    expect_invalid(t, "CDAT offset 0x130: truncated structure: 2 bytes left");
    g_byte_array_unref(t);

    /* last structure running past the end */
    t = copy_table(good);
    put_le(t->data + dsemts1 + S_LENGTH, 2, 28);
    fix_table(t);
    expect_invalid(t, "CDAT offset 0x118: DSEMTS structure of 28 bytes "
                   "overruns the table end at 0x130");
    g_byte_array_unref(t);

    /* zero-length structure (would loop forever in a naive walker) */
    t = copy_table(good);
    put_le(t->data + dsmas1 + S_LENGTH, 2, 0);
    fix_table(t);
    expect_invalid(t, "CDAT offset 0xa0: zero-length structure (type 0, "
                   "DSMAS)");
    g_byte_array_unref(t);

    /* shorter than the structure header itself */
    t = copy_table(good);
    put_le(t->data + dsmas1 + S_LENGTH, 2, 2);
    fix_table(t);
    expect_invalid(t, "DSMAS structure length 2 is shorter than the 4-byte "
                   "structure header");
    g_byte_array_unref(t);

    /* not a whole number of dwords */
    t = copy_table(good);
    put_le(t->data + dsmas1 + S_LENGTH, 2, 26);
    fix_table(t);
    expect_invalid(t, "DSMAS structure length 26 is not a multiple of 4");
    g_byte_array_unref(t);

    /* two DSMAS with handle 0: Linux's xa_insert() would fail the table */
    t = copy_table(good);
    t->data[dsmas1 + DSMAS_HANDLE] = 0;
    fix_table(t);
    expect_invalid(t, "CDAT offset 0xa0: DSMAS handle 0 is already used by "
                   "the DSMAS at offset 0x10");
    g_byte_array_unref(t);

    /* SSLBIS without entries (Linux rejects it) and with half an entry */
    t = g_byte_array_new();
    g_byte_array_set_size(t, HDR_SIZE + 16);
    memset(t->data, 0, t->len);
    t->data[HDR_REVISION] = 1;
    t->data[HDR_SIZE + S_TYPE] = 5;
    put_le(t->data + HDR_SIZE + S_LENGTH, 2, 16);
    fix_table(t);
    expect_invalid(t, "CDAT offset 0x10: truncated SSLBIS structure: "
                   "length 16, SSLBIS needs at least 24");
    g_byte_array_set_size(t, HDR_SIZE + 28);
    memset(t->data + HDR_SIZE + 16, 0, 12);
    put_le(t->data + HDR_SIZE + S_LENGTH, 2, 28);
    fix_table(t);
    expect_invalid(t, "SSLBIS length 28 is not 16 + 8 * n");
    g_byte_array_unref(t);

    /* a reserved structure type of sane length is accepted */
    t = copy_table(good);
    g_byte_array_set_size(t, t->len + 8);
    memset(t->data + t->len - 8, 0, 8);
    t->data[t->len - 8 + S_TYPE] = 0x42;
    put_le(t->data + t->len - 8 + S_LENGTH, 2, 8);
    fix_table(t);
    g_assert_true(cxl_cdat_validate(t->data, t->len, &error_abort));
    g_byte_array_unref(t);

    g_byte_array_unref(good);
}

static void test_load_file(void)
{
    GByteArray *good = two_range_table();
    GByteArray *t;
    Error *err = NULL;
    g_autofree char *path = NULL;
    int fd;

    fd = g_file_open_tmp("cxl-cdat-XXXXXX", &path, NULL);
    g_assert_cmpint(fd, >=, 0);
    close(fd);

    g_assert_true(g_file_set_contents(path, (const char *)good->data,
                                      good->len, NULL));
    t = cxl_cdat_load_file(path, &error_abort);
    g_assert_cmpmem(t->data, t->len, good->data, good->len);
    g_byte_array_unref(t);

    good->data[HDR_SEQUENCE] ^= 1;      /* checksum now off by one */
    g_assert_true(g_file_set_contents(path, (const char *)good->data,
                                      good->len, NULL));
    g_assert_null(cxl_cdat_load_file(path, &err));
    g_assert_nonnull(strstr(error_get_pretty(err), path));
    g_assert_nonnull(strstr(error_get_pretty(err), "checksum is wrong"));
    error_free(err);
    err = NULL;

    unlink(path);
    g_assert_null(cxl_cdat_load_file(path, &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "cannot read CDAT file"));
    g_assert_nonnull(strstr(error_get_pretty(err), path));
    error_free(err);
    g_byte_array_unref(good);
}

/*
 * Read a table the way Linux's cxl_cdat_read_table() does: start at handle
 * 0, request the handle each response names, stop at 0xFFFF. The header
 * must come back as exactly 16 bytes, every other entry exactly as long as
 * its own length field, and the entries concatenated must be the table.
 */
static void read_like_linux(const GByteArray *t, unsigned expect_entries)
{
    GByteArray *copy = g_byte_array_new();
    uint16_t handle = 0, next;
    unsigned entries = 0;
    size_t off = 0;

    do {
        const uint8_t *entry;
        size_t len;

        g_assert_true(cxl_cdat_entry(t->data, t->len, handle, &entry, &len,
                                     &next));
        g_assert_true(entry == t->data + off);  /* in table order */
        if (handle == 0) {
            g_assert_cmpuint(len, ==, HDR_SIZE);
        } else {
            g_assert_cmpuint(len, >=, 4);
            g_assert_cmpuint(len, ==, le(entry + S_LENGTH, 2));
        }
        g_assert_cmpuint(len % 4, ==, 0);       /* whole DOE dwords */
        g_byte_array_append(copy, entry, len);
        off += len;
        entries++;
        g_assert_cmpuint(entries, <=, expect_entries);
        /* our scheme: handle = index */
        g_assert_true(next == handle + 1 || next == 0xffff);
        handle = next;
    } while (handle != 0xffff);

    g_assert_cmpuint(entries, ==, expect_entries);
    g_assert_cmpmem(copy->data, copy->len, t->data, t->len);
    g_byte_array_unref(copy);
}

static void test_entries(void)
{
    GByteArray *t = two_range_table();
    const uint8_t *entry;
    size_t len;
    uint16_t next;
    uint8_t header_only[HDR_SIZE] = { HDR_SIZE, 0, 0, 0, 1 };

    /* header + 2 * (DSMAS + 4 DSLBIS + DSEMTS) */
    read_like_linux(t, 1 + 12);

    /* explicit handles: entry 1 is the first DSMAS, 12 the last DSEMTS */
    g_assert_true(cxl_cdat_entry(t->data, t->len, 1, &entry, &len, &next));
    g_assert_true(entry == t->data + 16);
    g_assert_cmpuint(len, ==, 24);
    g_assert_cmpuint(entry[S_TYPE], ==, 0);
    g_assert_cmpuint(next, ==, 2);
    g_assert_true(cxl_cdat_entry(t->data, t->len, 12, &entry, &len, &next));
    g_assert_true(entry == t->data + 16 + 11 * 24);
    g_assert_cmpuint(entry[S_TYPE], ==, 4);
    g_assert_cmpuint(next, ==, 0xffff);

    /* past the end, and the end marker itself, are not entries */
    g_assert_false(cxl_cdat_entry(t->data, t->len, 13, &entry, &len, &next));
    g_assert_false(cxl_cdat_entry(t->data, t->len, 0xffff, &entry, &len,
                                  &next));

    /* a corrupt length stops the walk instead of running off the end */
    put_le(t->data + 16 + 11 * 24 + S_LENGTH, 2, 28);
    g_assert_false(cxl_cdat_entry(t->data, t->len, 12, &entry, &len, &next));
    put_le(t->data + 16 + 24 + S_LENGTH, 2, 0);
    g_assert_false(cxl_cdat_entry(t->data, t->len, 3, &entry, &len, &next));
    g_byte_array_unref(t);

    /*
     * Two bytes after the last structure, in an exactly sized buffer (so
     * valgrind sees any read past it): the last real entry is still
     * served, the stub is not an entry.
     */
    t = two_range_table();
    g_byte_array_set_size(t, t->len + 2);
    t->data[t->len - 2] = t->data[t->len - 1] = 0;
    {
        g_autofree uint8_t *exact = g_memdup2(t->data, t->len);

        g_assert_true(cxl_cdat_entry(exact, t->len, 12, &entry, &len, &next));
        g_assert_cmpuint(next, ==, 13);
        g_assert_false(cxl_cdat_entry(exact, t->len, 13, &entry, &len,
                                      &next));
    }
    g_byte_array_unref(t);

    /* a header-only table: entry 0 is also the last */
    header_only[HDR_CHECKSUM] = -byte_sum(header_only, HDR_SIZE);
    g_assert_true(cxl_cdat_validate(header_only, HDR_SIZE, &error_abort));
    g_assert_true(cxl_cdat_entry(header_only, HDR_SIZE, 0, &entry, &len,
                                 &next));
    g_assert_cmpuint(len, ==, HDR_SIZE);
    g_assert_cmpuint(next, ==, 0xffff);
    g_assert_false(cxl_cdat_entry(header_only, HDR_SIZE, 1, &entry, &len,
                                  &next));
}

/*
 * Entry handles are 16 bits and 0xFFFF ends the walk: a table can hold
 * 0xFFFE structures (handles 1..0xFFFE), not one more.
 */
static void test_entries_limit(void)
{
    const unsigned max = 0xfffe;
    GByteArray *t = g_byte_array_new();
    const uint8_t *entry;
    size_t len;
    uint16_t next;
    Error *err = NULL;

    /* header + 0xFFFF DSIS of 8 bytes (type 3, all other fields 0) */
    g_byte_array_set_size(t, HDR_SIZE + (max + 1) * 8);
    memset(t->data, 0, t->len);
    t->data[HDR_REVISION] = 1;
    for (unsigned i = 0; i <= max; i++) {
        t->data[HDR_SIZE + i * 8 + S_TYPE] = 3;
        t->data[HDR_SIZE + i * 8 + S_LENGTH] = 8;
    }
    fix_table(t);
    g_assert_false(cxl_cdat_validate(t->data, t->len, &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "more than 65534 "
                            "structures"));
    error_free(err);

    g_byte_array_set_size(t, HDR_SIZE + max * 8);
    fix_table(t);
    g_assert_true(cxl_cdat_validate(t->data, t->len, &error_abort));
    g_assert_true(cxl_cdat_entry(t->data, t->len, max - 1, &entry, &len,
                                 &next));
    g_assert_cmpuint(next, ==, max);
    g_assert_true(cxl_cdat_entry(t->data, t->len, max, &entry, &len, &next));
    g_assert_true(entry == t->data + HDR_SIZE + (max - 1) * 8);
    g_assert_cmpuint(len, ==, 8);
    g_assert_cmpuint(next, ==, 0xffff);
    g_byte_array_unref(t);
}

/* ---- Switch SSLBIS ---- */

/* Check the four SSLBIS of a switch table; @unit/@values per data type */
static void check_sslbis(const GByteArray *t, unsigned nr,
                         const uint16_t *ids, const uint64_t unit[4],
                         const uint16_t (*values)[4])
{
    static const uint8_t types[4] = {
        READ_LATENCY, WRITE_LATENCY, READ_BANDWIDTH, WRITE_BANDWIDTH,
    };
    size_t off = HDR_SIZE;

    check_header(t, 0);
    g_assert_cmpuint(t->len, ==, HDR_SIZE + 4 * (16 + nr * SSLBE_SIZE));
    for (int f = 0; f < 4; f++) {
        const uint8_t *s = t->data + off;

        g_assert_cmpuint(s[S_TYPE], ==, 5);
        g_assert_cmpuint(le(s + S_LENGTH, 2), ==, 16 + nr * SSLBE_SIZE);
        g_assert_cmpuint(s[SSLBIS_TYPE], ==, types[f]);
        assert_zero(s + SSLBIS_RSVD, 3);
        g_assert_cmpuint(le(s + SSLBIS_UNIT, 8), ==, unit[f]);
        for (unsigned i = 0; i < nr; i++) {
            const uint8_t *e = s + SSLBIS_ENTRIES + i * SSLBE_SIZE;

            g_assert_cmpuint(le(e + SSLBE_X, 2), ==, 0x100);
            g_assert_cmpuint(le(e + SSLBE_Y, 2), ==, ids[i]);
            g_assert_cmpuint(le(e + SSLBE_VALUE, 2), ==, values[i][f]);
            g_assert_cmpuint(le(e + SSLBE_RSVD, 2), ==, 0);
        }
        off += 16 + nr * SSLBE_SIZE;
    }
    g_assert_cmpuint(off, ==, t->len);
}

/* Ports given any-port first; the builder must move it to the end */
static const CXLCDATSwitchPort switch_ports[] = {
    { CXL_CDAT_SSLBIS_ANY_PORT, { 100000, 120000, 8000, 4000 } },
    { 0, { 20000, 20000, 32000, 32000 } },
    { 5, { 40000, 45000, 16000, 70000 } },
};

static void test_switch(void)
{
    /* entry order in the table: port 0, port 5, any */
    static const uint16_t ids[] = { 0, 5, 0xffff };
    /*
     * read latency: max 100000 ps -> unit 10; write latency: max 120000 ->
     * unit 10; read bandwidth: max 32000 -> unit 1; write bandwidth: max
     * 70000 > 65534 -> unit 10 (4000 -> 400, 32000 -> 3200, 70000 -> 7000)
     */
    static const uint64_t unit[4] = { 10, 10, 1, 10 };
    static const uint16_t values[3][4] = {
        { 2000, 2000, 32000, 3200 },    /* port 0 */
        { 4000, 4500, 16000, 7000 },    /* port 5 */
        { 10000, 12000, 8000, 400 },    /* any */
    };
    GByteArray *t = cxl_cdat_build_switch(switch_ports, 3, &error_abort);

    check_sslbis(t, 3, ids, unit, values);
    g_assert_true(cxl_cdat_validate(t->data, t->len, &error_abort));
    read_like_linux(t, 1 + 4);
    g_byte_array_unref(t);
}

static void expect_switch_error(const CXLCDATSwitchPort *p, unsigned nr,
                                const char *fragment)
{
    Error *err = NULL;

    g_assert_null(cxl_cdat_build_switch(p, nr, &err));
    g_assert_nonnull(err);
    if (!strstr(error_get_pretty(err), fragment)) {
        g_test_message("got '%s', want '%s'", error_get_pretty(err), fragment);
        g_assert_not_reached();
    }
    error_free(err);
}

static void test_switch_bad_input(void)
{
    CXLCDATSwitchPort p[2] = {
        { 1, { 1, 1, 1, 1 } },
        { 1, { 1, 1, 1, 1 } },
    };

    expect_switch_error(p, 0, "needs at least one port entry");
    expect_switch_error(p, 2, "ports 0 and 1 both have port id 0x1");
    p[1].port_id = 0x100;
    expect_switch_error(p, 2, "port id 0x100 is not a downstream port number");
    p[1].port_id = 2;
    p[1].perf.read_latency_ps = 0;
    expect_switch_error(p, 2, "switch port 1: read latency must be non-zero");
}

/* ---- What Linux derives ---- */

/* Linux's cdat_normalize() preconditions for an entry to count at all */
static void assert_linux_usable(uint16_t entry, uint64_t unit)
{
    g_assert_cmpuint(entry, !=, 0);
    g_assert_cmpuint(entry, !=, 0xffff);
    g_assert_cmpuint(unit, <=, UINT32_MAX / entry);
}

/*
 * The two-range device through Linux's eyes. cdat_dsmas_handler() wants
 * length 24 and records [base, base + length - 1] per handle;
 * cdat_dslbis_handler() wants length 24, data type <= 5, flags bits 3:0 = 0
 * (memory) and a known DSMAS handle, then cdat_normalize() gives
 * entry * unit, divided by 1000 rounding up for latencies (ps -> ns), as is
 * for bandwidths (MB/s). cxl_memdev_set_qos_class() then needs each DSMAS
 * range inside one partition (here ram [0, 256M), pmem [256M, 768M)).
 */
static void test_linux_endpoint_values(void)
{
    static const struct {
        uint64_t start, end;
        uint32_t rd_lat_ns, wr_lat_ns, rd_bw, wr_bw;
    } want[2] = {
        /*
         * handle 0: 15000 * 10 = 150000 ps -> 150 ns both ways;
         * 25600 * 1 = 25600 MB/s both ways
         */
        { 0x0, 0xfffffff, 150, 150, 25600, 25600 },
        /*
         * handle 1: 12346 * 100 = 1234600 ps -> ceil(1234.6) = 1235 ns;
         * 65534 * 1 = 65534 ps -> ceil(65.534) = 66 ns;
         * 10000 * 10 = 100000 MB/s; 6554 * 10 = 65540 MB/s
         */
        { 0x10000000, 0x2fffffff, 1235, 66, 100000, 65540 },
    };
    static const struct { uint64_t start, end; } part[2] = {
        { 0, 256 * MiB_ - 1 }, { 256 * MiB_, 768 * MiB_ - 1 },
    };
    uint32_t got[2][4] = { { 0 } };
    bool seen_dsmas[2] = { false, false };
    GByteArray *t = two_range_table();

    for (size_t off = HDR_SIZE; off < t->len; off += le(t->data + off +
                                                        S_LENGTH, 2)) {
        const uint8_t *s = t->data + off;
        uint8_t h = s[4];

        if (s[S_TYPE] == 0) {
            uint64_t start = le(s + DSMAS_DPA_BASE, 8);
            uint64_t end = start + le(s + DSMAS_DPA_LEN, 8) - 1;

            g_assert_cmpuint(le(s + S_LENGTH, 2), ==, 24);
            g_assert_cmpuint(h, <, 2);
            g_assert_false(seen_dsmas[h]);
            seen_dsmas[h] = true;
            g_assert_cmpuint(start, ==, want[h].start);
            g_assert_cmpuint(end, ==, want[h].end);
            g_assert_cmpuint(start, >=, part[h].start);
            g_assert_cmpuint(end, <=, part[h].end);
        } else if (s[S_TYPE] == 1) {
            uint16_t entry = le(s + DSLBIS_ENTRY0, 2);
            uint64_t unit = le(s + DSLBIS_UNIT, 8);
            uint8_t type = s[DSLBIS_TYPE];
            uint32_t value;

            g_assert_cmpuint(le(s + S_LENGTH, 2), ==, 24);
            g_assert_cmpuint(type, <=, 5);
            g_assert_cmpuint(s[DSLBIS_FLAGS] & 0xf, ==, 0);
            g_assert_true(seen_dsmas[h]);   /* DSMAS comes first */
            assert_linux_usable(entry, unit);
            value = entry * unit;
            switch (type) {
            case READ_LATENCY:
                got[h][0] = DIV_ROUND_UP(value, 1000);
                break;
            case WRITE_LATENCY:
                got[h][1] = DIV_ROUND_UP(value, 1000);
                break;
            case READ_BANDWIDTH:
                got[h][2] = value;
                break;
            case WRITE_BANDWIDTH:
                got[h][3] = value;
                break;
            default:
                g_assert_not_reached();
            }
        }
    }
    for (int h = 0; h < 2; h++) {
        g_assert_true(seen_dsmas[h]);
        g_assert_cmpuint(got[h][0], ==, want[h].rd_lat_ns);
        g_assert_cmpuint(got[h][1], ==, want[h].wr_lat_ns);
        g_assert_cmpuint(got[h][2], ==, want[h].rd_bw);
        g_assert_cmpuint(got[h][3], ==, want[h].wr_bw);
    }
    g_byte_array_unref(t);

    /*
     * The extreme case: 42949 * 100000 = 4294900000 <= UINT_MAX, so Linux
     * keeps it: ceil(4294900000 / 1000) = 4294900 ns.
     */
    assert_linux_usable(42949, 100000);
    g_assert_cmpuint(DIV_ROUND_UP(42949u * 100000u, 1000), ==, 4294900);
}

/*
 * The switch through cdat_sslbis_handler(): for a dport with id @dsp, per
 * SSLBIS, the first entry whose downstream id matches @dsp or 0xFFFF wins.
 * The downstream id is Y when X is the upstream port 0x100.
 */
static uint32_t linux_sslbis_value(const GByteArray *t, uint8_t data_type,
                                   uint16_t dsp)
{
    for (size_t off = HDR_SIZE; off < t->len; off += le(t->data + off +
                                                        S_LENGTH, 2)) {
        const uint8_t *s = t->data + off;
        unsigned len = le(s + S_LENGTH, 2);

        g_assert_cmpuint(s[S_TYPE], ==, 5);
        g_assert_cmpuint(len, >, 16);
        g_assert_cmpuint((len - 16) % 8, ==, 0);
        if (s[SSLBIS_TYPE] != data_type) {
            continue;
        }
        for (unsigned i = 0; i < (len - 16) / 8; i++) {
            const uint8_t *e = s + SSLBIS_ENTRIES + i * SSLBE_SIZE;
            uint16_t entry = le(e + SSLBE_VALUE, 2);
            uint64_t unit = le(s + SSLBIS_UNIT, 8);
            uint16_t y = le(e + SSLBE_Y, 2);

            g_assert_cmpuint(le(e + SSLBE_X, 2), ==, 0x100);
            if (y == dsp || y == 0xffff) {
                assert_linux_usable(entry, unit);
                if (data_type == READ_LATENCY || data_type == WRITE_LATENCY) {
                    return DIV_ROUND_UP(entry * unit, 1000);
                }
                return entry * unit;
            }
        }
    }
    return 0;
}

static void test_linux_switch_values(void)
{
    GByteArray *t = cxl_cdat_build_switch(switch_ports, 3, &error_abort);
    CXLCDATSwitchPort skewed[2] = {
        { 0, { 1000000000, 1, 1, 1 } },
        { 1, { 1234, 1, 1, 1 } },
    };

    /* dport 0: its own entry: 2000 * 10 ps = 20 ns; 32000 MB/s */
    g_assert_cmpuint(linux_sslbis_value(t, READ_LATENCY, 0), ==, 20);
    g_assert_cmpuint(linux_sslbis_value(t, READ_BANDWIDTH, 0), ==, 32000);
    /* dport 5: 4500 * 10 ps = 45 ns write; 7000 * 10 = 70000 MB/s write */
    g_assert_cmpuint(linux_sslbis_value(t, WRITE_LATENCY, 5), ==, 45);
    g_assert_cmpuint(linux_sslbis_value(t, WRITE_BANDWIDTH, 5), ==, 70000);
    /*
     * dport 7: no entry of its own, any-port: 10000 * 10 ps = 100 ns,
     * 8000 MB/s, 400 * 10 = 4000 MB/s write. Had any-port come first, dport
     * 0 and 5 would have got these too.
     */
    g_assert_cmpuint(linux_sslbis_value(t, READ_LATENCY, 7), ==, 100);
    g_assert_cmpuint(linux_sslbis_value(t, READ_BANDWIDTH, 7), ==, 8000);
    g_assert_cmpuint(linux_sslbis_value(t, WRITE_BANDWIDTH, 7), ==, 4000);
    g_byte_array_unref(t);

    /*
     * One base unit per SSLBIS: 1e9 ps needs unit 100000 (1e9 / 1e4 =
     * 100000 > 65534), so port 1's 1234 ps rounds to 0 entries; the builder
     * uses 1, never the "not available" 0: 100000 ps -> 100 ns.
     */
    t = cxl_cdat_build_switch(skewed, 2, &error_abort);
    g_assert_cmpuint(linux_sslbis_value(t, READ_LATENCY, 0), ==, 1000000);
    g_assert_cmpuint(linux_sslbis_value(t, READ_LATENCY, 1), ==, 100);
    g_byte_array_unref(t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/cxl/cdat/type3/volatile", test_type3_volatile);
    g_test_add_func("/cxl/cdat/type3/persistent", test_type3_persistent);
    g_test_add_func("/cxl/cdat/type3/volatile-persistent",
                    test_type3_volatile_persistent);
    g_test_add_func("/cxl/cdat/type3/extreme-values",
                    test_type3_extreme_values);
    g_test_add_func("/cxl/cdat/type3/bad-input", test_type3_bad_input);
    g_test_add_func("/cxl/cdat/validate/accepts-built",
                    test_validate_accepts_built);
    g_test_add_func("/cxl/cdat/validate/rejects", test_validate_rejects);
    g_test_add_func("/cxl/cdat/load-file", test_load_file);
    g_test_add_func("/cxl/cdat/entries", test_entries);
    g_test_add_func("/cxl/cdat/entries-limit", test_entries_limit);
    g_test_add_func("/cxl/cdat/switch/build", test_switch);
    g_test_add_func("/cxl/cdat/switch/bad-input", test_switch_bad_input);
    g_test_add_func("/cxl/cdat/linux/endpoint", test_linux_endpoint_values);
    g_test_add_func("/cxl/cdat/linux/switch", test_linux_switch_values);

    return g_test_run();
}
