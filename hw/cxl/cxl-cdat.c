/*
 * CXL CDAT builder, validator and DOE entry walk
 * (see include/hw/cxl/cxl-cdat.h).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qapi/error.h"
#include "hw/cxl/cxl-cdat.h"

QEMU_BUILD_BUG_ON(sizeof(CXLCDATHeader) != 16);
QEMU_BUILD_BUG_ON(offsetof(CXLCDATHeader, checksum) != 5);
QEMU_BUILD_BUG_ON(offsetof(CXLCDATHeader, sequence) != 12);
QEMU_BUILD_BUG_ON(sizeof(CXLCDATSubHeader) != 4);
QEMU_BUILD_BUG_ON(sizeof(CXLCDATDsmas) != 24);
QEMU_BUILD_BUG_ON(offsetof(CXLCDATDsmas, dpa_base) != 8);
QEMU_BUILD_BUG_ON(sizeof(CXLCDATDslbis) != 24);
QEMU_BUILD_BUG_ON(offsetof(CXLCDATDslbis, entry_base_unit) != 8);
QEMU_BUILD_BUG_ON(offsetof(CXLCDATDslbis, entry) != 16);
QEMU_BUILD_BUG_ON(sizeof(CXLCDATDsmscis) != 20);
QEMU_BUILD_BUG_ON(sizeof(CXLCDATDsis) != 8);
QEMU_BUILD_BUG_ON(sizeof(CXLCDATDsemts) != 24);
QEMU_BUILD_BUG_ON(sizeof(CXLCDATSslbis) != 16);
QEMU_BUILD_BUG_ON(sizeof(CXLCDATSslbe) != 8);

/* Largest entry value that is a figure (0xFFFF means "not available") */
#define CDAT_ENTRY_MAX  0xfffe

/* Fixed structure lengths; 0 where the length varies (SSLBIS) */
static const uint16_t cdat_fixed_length[CXL_CDAT_TYPE_MAX] = {
    [CXL_CDAT_TYPE_DSMAS] = sizeof(CXLCDATDsmas),
    [CXL_CDAT_TYPE_DSLBIS] = sizeof(CXLCDATDslbis),
    [CXL_CDAT_TYPE_DSMSCIS] = sizeof(CXLCDATDsmscis),
    [CXL_CDAT_TYPE_DSIS] = sizeof(CXLCDATDsis),
    [CXL_CDAT_TYPE_DSEMTS] = sizeof(CXLCDATDsemts),
    [CXL_CDAT_TYPE_SSLBIS] = 0,
};

static const char *const cdat_type_names[CXL_CDAT_TYPE_MAX] = {
    [CXL_CDAT_TYPE_DSMAS] = "DSMAS",
    [CXL_CDAT_TYPE_DSLBIS] = "DSLBIS",
    [CXL_CDAT_TYPE_DSMSCIS] = "DSMSCIS",
    [CXL_CDAT_TYPE_DSIS] = "DSIS",
    [CXL_CDAT_TYPE_DSEMTS] = "DSEMTS",
    [CXL_CDAT_TYPE_SSLBIS] = "SSLBIS",
};

const char *cxl_cdat_type_name(unsigned type)
{
    return type < CXL_CDAT_TYPE_MAX ? cdat_type_names[type] : "unknown";
}

/* ---- Builders ---- */

/*
 * Smallest power-of-ten entry base unit with which @max, rounded to
 * nearest, fits an entry.
 */
static uint64_t cdat_base_unit(uint32_t max)
{
    uint64_t unit = 1;

    while ((max + unit / 2) / unit > CDAT_ENTRY_MAX) {
        unit *= 10;
    }
    return unit;
}

/*
 * Entry for @value in @unit: rounded to nearest but never 0 (that would
 * read as "not available"), and never so high that entry * unit leaves the
 * 32 bits Linux's cdat_normalize() computes in.
 */
static uint16_t cdat_entry_value(uint32_t value, uint64_t unit)
{
    uint64_t entry = (value + unit / 2) / unit;

    if (entry * unit > UINT32_MAX) {
        entry = value / unit;
    }
    return MAX(entry, 1);
}

static GByteArray *cdat_table_new(void)
{
    CXLCDATHeader hdr = {
        .revision = CXL_CDAT_REVISION,
    };
    GByteArray *table = g_byte_array_new();

    return g_byte_array_append(table, (const guint8 *)&hdr, sizeof(hdr));
}

static void cdat_table_checksum(GByteArray *table)
{
    uint8_t sum = 0;

    table->data[offsetof(CXLCDATHeader, checksum)] = 0;
    for (guint i = 0; i < table->len; i++) {
        sum += table->data[i];
    }
    table->data[offsetof(CXLCDATHeader, checksum)] = -sum;
}

static GByteArray *cdat_table_finish(GByteArray *table)
{
    stl_le_p(table->data + offsetof(CXLCDATHeader, length), table->len);
    cdat_table_checksum(table);
    return table;
}

void cxl_cdat_set_sequence(GByteArray *table, uint32_t sequence)
{
    stl_le_p(table->data + offsetof(CXLCDATHeader, sequence), sequence);
    cdat_table_checksum(table);
}

static void cdat_append(GByteArray *table, const void *s, size_t len)
{
    g_byte_array_append(table, s, len);
}

void cxl_cdat_range_init(CXLCDATRange *range, uint64_t dpa_base,
                         uint64_t dpa_length, bool nonvolatile)
{
    *range = (CXLCDATRange) {
        .dpa_base = dpa_base,
        .dpa_length = dpa_length,
        .nonvolatile = nonvolatile,
        .efi_memory_type = CXL_CDAT_EFI_CONVENTIONAL_SP,
    };
    if (nonvolatile) {
        range->perf = (CXLCDATPerf) {
            .read_latency_ps = CXL_CDAT_DEFAULT_PERSISTENT_READ_LATENCY_PS,
            .write_latency_ps = CXL_CDAT_DEFAULT_PERSISTENT_WRITE_LATENCY_PS,
            .read_bandwidth_mbs =
                CXL_CDAT_DEFAULT_PERSISTENT_READ_BANDWIDTH_MBS,
            .write_bandwidth_mbs =
                CXL_CDAT_DEFAULT_PERSISTENT_WRITE_BANDWIDTH_MBS,
        };
    } else {
        range->perf = (CXLCDATPerf) {
            .read_latency_ps = CXL_CDAT_DEFAULT_VOLATILE_READ_LATENCY_PS,
            .write_latency_ps = CXL_CDAT_DEFAULT_VOLATILE_WRITE_LATENCY_PS,
            .read_bandwidth_mbs = CXL_CDAT_DEFAULT_VOLATILE_BANDWIDTH_MBS,
            .write_bandwidth_mbs = CXL_CDAT_DEFAULT_VOLATILE_BANDWIDTH_MBS,
        };
    }
}

/* The four figures of a CXLCDATPerf, in the order the builders emit them */
static const struct {
    CXLCDATDataType type;
    const char *name;
} cdat_perf_fields[] = {
    { CXL_CDAT_READ_LATENCY, "read latency" },
    { CXL_CDAT_WRITE_LATENCY, "write latency" },
    { CXL_CDAT_READ_BANDWIDTH, "read bandwidth" },
    { CXL_CDAT_WRITE_BANDWIDTH, "write bandwidth" },
};

static uint32_t cdat_perf_get(const CXLCDATPerf *perf, unsigned field)
{
    switch (cdat_perf_fields[field].type) {
    case CXL_CDAT_READ_LATENCY:
        return perf->read_latency_ps;
    case CXL_CDAT_WRITE_LATENCY:
        return perf->write_latency_ps;
    case CXL_CDAT_READ_BANDWIDTH:
        return perf->read_bandwidth_mbs;
    case CXL_CDAT_WRITE_BANDWIDTH:
        return perf->write_bandwidth_mbs;
    default:
        g_assert_not_reached();
    }
}

static bool cdat_perf_check(const CXLCDATPerf *perf, const char *what,
                            unsigned index, Error **errp)
{
    for (unsigned f = 0; f < ARRAY_SIZE(cdat_perf_fields); f++) {
        if (!cdat_perf_get(perf, f)) {
            error_setg(errp, "CDAT %s %u: %s must be non-zero",
                       what, index, cdat_perf_fields[f].name);
            return false;
        }
    }
    return true;
}

static bool cdat_check_ranges(const CXLCDATRange *ranges, unsigned nr,
                              Error **errp)
{
    if (nr == 0 || nr > CXL_CDAT_MAX_RANGES) {
        error_setg(errp, "a Type 3 CDAT needs 1 to %u memory ranges, not %u",
                   CXL_CDAT_MAX_RANGES, nr);
        return false;
    }
    for (unsigned i = 0; i < nr; i++) {
        const CXLCDATRange *r = &ranges[i];

        if (r->dpa_length == 0) {
            error_setg(errp, "CDAT range %u: length is zero", i);
            return false;
        }
        if (r->dpa_base + (r->dpa_length - 1) < r->dpa_base) {
            error_setg(errp, "CDAT range %u: base 0x%" PRIx64 " + length 0x%"
                       PRIx64 " is beyond the 64-bit DPA space",
                       i, r->dpa_base, r->dpa_length);
            return false;
        }
        if ((unsigned)r->efi_memory_type >= CXL_CDAT_EFI_MAX) {
            error_setg(errp, "CDAT range %u: EFI memory type %u is reserved "
                       "(allowed: 0 conventional, 1 conventional with "
                       "EFI_MEMORY_SP, 2 reserved)",
                       i, (unsigned)r->efi_memory_type);
            return false;
        }
        if (!cdat_perf_check(&r->perf, "range", i, errp)) {
            return false;
        }
        for (unsigned j = 0; j < i; j++) {
            const CXLCDATRange *o = &ranges[j];

            if (r->dpa_base <= o->dpa_base + (o->dpa_length - 1) &&
                o->dpa_base <= r->dpa_base + (r->dpa_length - 1)) {
                error_setg(errp, "CDAT ranges %u [0x%" PRIx64 ", +0x%" PRIx64
                           ") and %u [0x%" PRIx64 ", +0x%" PRIx64
                           ") overlap", j, o->dpa_base, o->dpa_length,
                           i, r->dpa_base, r->dpa_length);
                return false;
            }
        }
    }
    return true;
}

GByteArray *cxl_cdat_build_type3(const CXLCDATRange *ranges, unsigned nr,
                                 Error **errp)
{
    GByteArray *table;

    if (!cdat_check_ranges(ranges, nr, errp)) {
        return NULL;
    }

    table = cdat_table_new();
    for (unsigned i = 0; i < nr; i++) {
        const CXLCDATRange *r = &ranges[i];
        uint8_t flags = 0;
        CXLCDATDsmas dsmas;
        CXLCDATDsemts dsemts;

        if (r->nonvolatile) {
            flags |= CXL_CDAT_DSMAS_FLAG_NONVOLATILE;
        }
        if (r->shareable) {
            flags |= CXL_CDAT_DSMAS_FLAG_SHAREABLE;
        }
        if (r->read_only) {
            flags |= CXL_CDAT_DSMAS_FLAG_READ_ONLY;
        }
        dsmas = (CXLCDATDsmas) {
            .header.type = CXL_CDAT_TYPE_DSMAS,
            .header.length = cpu_to_le16(sizeof(dsmas)),
            .handle = i,
            .flags = flags,
            .dpa_base = cpu_to_le64(r->dpa_base),
            .dpa_length = cpu_to_le64(r->dpa_length),
        };
        cdat_append(table, &dsmas, sizeof(dsmas));

        for (unsigned f = 0; f < ARRAY_SIZE(cdat_perf_fields); f++) {
            uint32_t value = cdat_perf_get(&r->perf, f);
            uint64_t unit = cdat_base_unit(value);
            CXLCDATDslbis dslbis = {
                .header.type = CXL_CDAT_TYPE_DSLBIS,
                .header.length = cpu_to_le16(sizeof(dslbis)),
                .handle = i,
                .flags = CXL_CDAT_HMAT_MEMORY,
                .data_type = cdat_perf_fields[f].type,
                .entry_base_unit = cpu_to_le64(unit),
                .entry[0] = cpu_to_le16(cdat_entry_value(value, unit)),
            };

            cdat_append(table, &dslbis, sizeof(dslbis));
        }

        dsemts = (CXLCDATDsemts) {
            .header.type = CXL_CDAT_TYPE_DSEMTS,
            .header.length = cpu_to_le16(sizeof(dsemts)),
            .handle = i,
            .efi_memory_type = r->efi_memory_type,
            .dpa_offset = 0,
            .dpa_length = cpu_to_le64(r->dpa_length),
        };
        cdat_append(table, &dsemts, sizeof(dsemts));
    }
    return cdat_table_finish(table);
}

static bool cdat_check_switch_ports(const CXLCDATSwitchPort *ports,
                                    unsigned nr, Error **errp)
{
    if (nr == 0) {
        error_setg(errp, "a switch CDAT needs at least one port entry");
        return false;
    }
    for (unsigned i = 0; i < nr; i++) {
        uint16_t id = ports[i].port_id;

        if (id > CXL_CDAT_SSLBIS_MAX_DSP_ID && id != CXL_CDAT_SSLBIS_ANY_PORT) {
            error_setg(errp, "CDAT switch port %u: port id 0x%x is not a "
                       "downstream port number (0..0x%x) or any-port "
                       "(0x%x)", i, id, CXL_CDAT_SSLBIS_MAX_DSP_ID,
                       CXL_CDAT_SSLBIS_ANY_PORT);
            return false;
        }
        for (unsigned j = 0; j < i; j++) {
            if (ports[j].port_id == id) {
                error_setg(errp, "CDAT switch ports %u and %u both have "
                           "port id 0x%x", j, i, id);
                return false;
            }
        }
        if (!cdat_perf_check(&ports[i].perf, "switch port", i, errp)) {
            return false;
        }
    }
    return true;
}

static void cdat_append_sslbe(GByteArray *table, const CXLCDATSwitchPort *p,
                              unsigned field, uint64_t unit)
{
    CXLCDATSslbe sslbe = {
        .port_x_id = cpu_to_le16(CXL_CDAT_SSLBIS_USP_ID),
        .port_y_id = cpu_to_le16(p->port_id),
        .value = cpu_to_le16(cdat_entry_value(cdat_perf_get(&p->perf, field),
                                              unit)),
    };

    cdat_append(table, &sslbe, sizeof(sslbe));
}

GByteArray *cxl_cdat_build_switch(const CXLCDATSwitchPort *ports, unsigned nr,
                                  Error **errp)
{
    GByteArray *table;

    if (!cdat_check_switch_ports(ports, nr, errp)) {
        return NULL;
    }

    table = cdat_table_new();
    for (unsigned f = 0; f < ARRAY_SIZE(cdat_perf_fields); f++) {
        const CXLCDATSwitchPort *any = NULL;
        uint32_t max = 0;
        uint64_t unit;
        CXLCDATSslbis sslbis;

        for (unsigned i = 0; i < nr; i++) {
            max = MAX(max, cdat_perf_get(&ports[i].perf, f));
        }
        unit = cdat_base_unit(max);
        sslbis = (CXLCDATSslbis) {
            .header.type = CXL_CDAT_TYPE_SSLBIS,
            .header.length = cpu_to_le16(sizeof(sslbis) +
                                         nr * sizeof(CXLCDATSslbe)),
            .data_type = cdat_perf_fields[f].type,
            .entry_base_unit = cpu_to_le64(unit),
        };
        cdat_append(table, &sslbis, sizeof(sslbis));

        /* Linux uses the first entry that matches: any-port goes last */
        for (unsigned i = 0; i < nr; i++) {
            if (ports[i].port_id == CXL_CDAT_SSLBIS_ANY_PORT) {
                any = &ports[i];
            } else {
                cdat_append_sslbe(table, &ports[i], f, unit);
            }
        }
        if (any) {
            cdat_append_sslbe(table, any, f, unit);
        }
    }
    return cdat_table_finish(table);
}

/* ---- Validation and DOE entries ---- */

/*
 * Length of the structure at @off if its header fits and its length
 * covers the header and stays inside the table; 0 otherwise.
 */
static size_t cdat_struct_length(const uint8_t *table, size_t len, size_t off)
{
    size_t slen;

    if (len - off < sizeof(CXLCDATSubHeader)) {
        return 0;
    }
    slen = lduw_le_p(table + off + offsetof(CXLCDATSubHeader, length));
    if (slen < sizeof(CXLCDATSubHeader) || slen > len - off) {
        return 0;
    }
    return slen;
}

static bool cdat_validate_struct(const uint8_t *table, size_t len, size_t off,
                                 size_t *dsmas_at, Error **errp)
{
    size_t left = len - off;
    unsigned type, slen, fixed;
    const char *name;

    if (left < sizeof(CXLCDATSubHeader)) {
        error_setg(errp, "CDAT offset 0x%zx: truncated structure: %zu bytes "
                   "left, a structure header needs %zu",
                   off, left, sizeof(CXLCDATSubHeader));
        return false;
    }
    type = table[off + offsetof(CXLCDATSubHeader, type)];
    slen = lduw_le_p(table + off + offsetof(CXLCDATSubHeader, length));
    name = cxl_cdat_type_name(type);

    if (slen == 0) {
        error_setg(errp, "CDAT offset 0x%zx: zero-length structure "
                   "(type %u, %s)", off, type, name);
        return false;
    }
    if (slen < sizeof(CXLCDATSubHeader)) {
        error_setg(errp, "CDAT offset 0x%zx: %s structure length %u is "
                   "shorter than the %zu-byte structure header",
                   off, name, slen, sizeof(CXLCDATSubHeader));
        return false;
    }
    if (slen % 4) {
        error_setg(errp, "CDAT offset 0x%zx: %s structure length %u is not "
                   "a multiple of 4 (DOE returns whole dwords)",
                   off, name, slen);
        return false;
    }
    if (slen > left) {
        error_setg(errp, "CDAT offset 0x%zx: %s structure of %u bytes "
                   "overruns the table end at 0x%zx", off, name, slen, len);
        return false;
    }
    if (type >= CXL_CDAT_TYPE_MAX) {
        return true;            /* reserved type: Linux skips it too */
    }

    fixed = cdat_fixed_length[type];
    if (type == CXL_CDAT_TYPE_SSLBIS) {
        unsigned min = sizeof(CXLCDATSslbis) + sizeof(CXLCDATSslbe);

        if (slen < min) {
            error_setg(errp, "CDAT offset 0x%zx: truncated SSLBIS structure: "
                       "length %u, SSLBIS needs at least %u (16 + 8 per "
                       "port pair)", off, slen, min);
            return false;
        }
        if ((slen - sizeof(CXLCDATSslbis)) % sizeof(CXLCDATSslbe)) {
            error_setg(errp, "CDAT offset 0x%zx: SSLBIS length %u is not "
                       "16 + 8 * n", off, slen);
            return false;
        }
    } else if (slen < fixed) {
        error_setg(errp, "CDAT offset 0x%zx: truncated %s structure: "
                   "length %u, %s is %u bytes", off, name, slen, name, fixed);
        return false;
    } else if (slen > fixed) {
        error_setg(errp, "CDAT offset 0x%zx: %s structure length %u, %s is "
                   "exactly %u bytes", off, name, slen, name, fixed);
        return false;
    }

    if (type == CXL_CDAT_TYPE_DSMAS) {
        uint8_t handle = table[off + offsetof(CXLCDATDsmas, handle)];

        if (dsmas_at[handle]) {
            error_setg(errp, "CDAT offset 0x%zx: DSMAS handle %u is already "
                       "used by the DSMAS at offset 0x%zx",
                       off, handle, dsmas_at[handle]);
            return false;
        }
        dsmas_at[handle] = off;
    }
    return true;
}

bool cxl_cdat_validate(const uint8_t *table, size_t len, Error **errp)
{
    size_t dsmas_at[CXL_CDAT_MAX_RANGES] = { 0 };
    unsigned count = 0;
    uint32_t hlen;
    uint8_t revision, sum = 0;
    size_t off;

    if (len < sizeof(CXLCDATHeader)) {
        error_setg(errp, "CDAT of %zu bytes is shorter than its %zu-byte "
                   "header", len, sizeof(CXLCDATHeader));
        return false;
    }
    hlen = ldl_le_p(table + offsetof(CXLCDATHeader, length));
    if (hlen != len) {
        error_setg(errp, "CDAT header length %" PRIu32 " does not match the "
                   "table size %zu", hlen, len);
        return false;
    }
    revision = table[offsetof(CXLCDATHeader, revision)];
    if (revision != CXL_CDAT_REVISION) {
        error_setg(errp, "CDAT header revision %u is not supported "
                   "(expected %u)", revision, CXL_CDAT_REVISION);
        return false;
    }

    for (off = sizeof(CXLCDATHeader); off < len;
         off += lduw_le_p(table + off + offsetof(CXLCDATSubHeader, length))) {
        if (++count > CXL_CDAT_MAX_STRUCTURES) {
            error_setg(errp, "CDAT offset 0x%zx: more than %u structures, "
                       "DOE entry handles cannot address them",
                       off, CXL_CDAT_MAX_STRUCTURES);
            return false;
        }
        if (!cdat_validate_struct(table, len, off, dsmas_at, errp)) {
            return false;
        }
    }

    for (off = 0; off < len; off++) {
        sum += table[off];
    }
    if (sum) {
        error_setg(errp, "CDAT checksum is wrong: the bytes sum to 0x%02x "
                   "modulo 256, not 0", sum);
        return false;
    }
    return true;
}

GByteArray *cxl_cdat_load_file(const char *path, Error **errp)
{
    ERRP_GUARD();
    g_autofree gchar *data = NULL;
    g_autoptr(GError) gerr = NULL;
    gsize len;

    if (!g_file_get_contents(path, &data, &len, &gerr)) {
        error_setg(errp, "cannot read CDAT file: %s", gerr->message);
        return NULL;
    }
    if (!cxl_cdat_validate((const uint8_t *)data, len, errp)) {
        error_prepend(errp, "CDAT file '%s': ", path);
        return NULL;
    }
    return g_byte_array_new_take((guint8 *)g_steal_pointer(&data), len);
}

bool cxl_cdat_entry(const uint8_t *table, size_t len, uint16_t handle,
                    const uint8_t **entry, size_t *entry_len,
                    uint16_t *next_handle)
{
    size_t off = sizeof(CXLCDATHeader);

    if (len < sizeof(CXLCDATHeader) || handle == CXL_CDAT_LAST_ENTRY_HANDLE) {
        return false;
    }
    if (handle == 0) {
        *entry = table;
        *entry_len = sizeof(CXLCDATHeader);
    } else {
        size_t slen = 0;

        /* Handle i is the i-th structure: walk to it */
        for (unsigned i = 1; i <= handle; i++) {
            off += slen;
            slen = cdat_struct_length(table, len, off);
            if (!slen) {
                return false;
            }
        }
        *entry = table + off;
        *entry_len = slen;
        off += slen;
    }
    /* handle <= 0xFFFE here, so handle + 1 never wraps to 0 */
    *next_handle = off < len ? handle + 1 : CXL_CDAT_LAST_ENTRY_HANDLE;
    return true;
}
