/*
 * CXL CDAT (Coherent Device Attribute Table): builder, validator and the
 * entry walk DOE Table Access uses.
 *
 * Pure code with no QEMU device state, unit-tested on its own
 * (tests/unit/test-cxl-cdat.c).
 *
 * Sources of the layouts below:
 *  - CDAT Specification r1.03, section 2 "CDAT Data Structures" (the header
 *    and the structure types; Linux's drivers/cxl/cxlpci.h cites the same
 *    section, and drivers/cxl/core/cdat.c cites Table 5, DSLBIS, of r1.01);
 *  - the latency/bandwidth fields follow ACPI HMAT's System Locality Latency
 *    and Bandwidth Information structure (ACPI 6.5 5.2.28.4): data types,
 *    flags and "entry * entry base unit" values in picoseconds or MB/s;
 *  - DOE Table Access: CXL r3.1 8.1.11, Table 8-13 (Read Entry Request) and
 *    Table 8-14 (Read Entry Response).
 *
 * All multi-byte fields are little-endian.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_CDAT_H
#define HW_CXL_CDAT_H

#include "qapi/error.h"

/*
 * CDAT header (CDAT r1.03 section 2). The checksum makes the bytes
 * of the whole table (header included) sum to 0 modulo 256. The sequence
 * number changes whenever the table content changes.
 */
typedef struct QEMU_PACKED CXLCDATHeader {
    uint32_t length;            /* 0x00: whole table, header included */
    uint8_t revision;           /* 0x04: CXL_CDAT_REVISION */
    uint8_t checksum;           /* 0x05 */
    uint8_t reserved[6];        /* 0x06 */
    uint32_t sequence;          /* 0x0c */
} CXLCDATHeader;                /* 0x10 */

#define CXL_CDAT_REVISION       1

/* Common header of every CDAT structure (CDAT r1.03 section 2). */
typedef struct QEMU_PACKED CXLCDATSubHeader {
    uint8_t type;               /* 0x00: CXLCDATType */
    uint8_t reserved;           /* 0x01 */
    uint16_t length;            /* 0x02: whole structure, header included */
} CXLCDATSubHeader;             /* 0x04 */

/* Structure types (CDAT r1.03 section 2). */
typedef enum CXLCDATType {
    CXL_CDAT_TYPE_DSMAS = 0,    /* Device Scoped Memory Affinity */
    CXL_CDAT_TYPE_DSLBIS = 1,   /* Device Scoped Latency and Bandwidth Info */
    CXL_CDAT_TYPE_DSMSCIS = 2,  /* Device Scoped Memory Side Cache Info */
    CXL_CDAT_TYPE_DSIS = 3,     /* Device Scoped Initiator */
    CXL_CDAT_TYPE_DSEMTS = 4,   /* Device Scoped EFI Memory Type */
    CXL_CDAT_TYPE_SSLBIS = 5,   /* Switch Scoped Latency and Bandwidth Info */
    CXL_CDAT_TYPE_MAX,          /* types from here on are not known to us */
} CXLCDATType;

/*
 * DSMAS: one DPA range with its own memory attributes (CDAT r1.03 section
 * 2, type 0). Linux requires the length to be exactly 24 and the handles to
 * be unique (it fails the whole table otherwise).
 */
typedef struct QEMU_PACKED CXLCDATDsmas {
    CXLCDATSubHeader header;    /* 0x00: type 0, length 24 */
    uint8_t handle;             /* 0x04: DSMAD handle */
    uint8_t flags;              /* 0x05: CXL_CDAT_DSMAS_FLAG_* */
    uint16_t reserved;          /* 0x06 */
    uint64_t dpa_base;          /* 0x08 */
    uint64_t dpa_length;        /* 0x10 */
} CXLCDATDsmas;                 /* 0x18 */

/* DSMAS flags (bits 0-1 reserved; the same bits as ACPICA's actbl1.h) */
#define CXL_CDAT_DSMAS_FLAG_NONVOLATILE (1u << 2)
#define CXL_CDAT_DSMAS_FLAG_SHAREABLE   (1u << 3)
#define CXL_CDAT_DSMAS_FLAG_READ_ONLY   (1u << 6)

/*
 * DSLBIS: one latency or bandwidth figure for a DSMAS range (CDAT r1.01
 * Table 5). Value = entry[0] * entry_base_unit, in picoseconds for
 * latencies and MB/s for bandwidths; entry values 0 and 0xFFFF mean "not
 * available" (Linux's cdat_normalize() turns both into 0). entry[1] and
 * entry[2] are unused for a device and are 0.
 */
typedef struct QEMU_PACKED CXLCDATDslbis {
    CXLCDATSubHeader header;    /* 0x00: type 1, length 24 */
    uint8_t handle;             /* 0x04: DSMAD handle of the DSMAS */
    uint8_t flags;              /* 0x05: HMAT flags; bits 3:0 = 0: memory */
    uint8_t data_type;          /* 0x06: CXLCDATDataType */
    uint8_t reserved;           /* 0x07 */
    uint64_t entry_base_unit;   /* 0x08 */
    uint16_t entry[3];          /* 0x10 */
    uint16_t reserved2;         /* 0x16 */
} CXLCDATDslbis;                /* 0x18 */

/* HMAT SLLBI data types, used by DSLBIS and SSLBIS (ACPI 6.5 5.2.28.4) */
typedef enum CXLCDATDataType {
    CXL_CDAT_ACCESS_LATENCY = 0,
    CXL_CDAT_READ_LATENCY = 1,
    CXL_CDAT_WRITE_LATENCY = 2,
    CXL_CDAT_ACCESS_BANDWIDTH = 3,
    CXL_CDAT_READ_BANDWIDTH = 4,
    CXL_CDAT_WRITE_BANDWIDTH = 5,
} CXLCDATDataType;

/* HMAT flags bits 3:0, memory hierarchy: 0 = the memory itself */
#define CXL_CDAT_HMAT_MEMORY_HIERARCHY_MASK 0x0f
#define CXL_CDAT_HMAT_MEMORY                0

/* Entry values that mean "no figure" (HMAT) */
#define CXL_CDAT_ENTRY_NONE     0
#define CXL_CDAT_ENTRY_INVALID  0xffff

/* DSMSCIS (CDAT r1.03 section 2, type 2): memory side cache of a range */
typedef struct QEMU_PACKED CXLCDATDsmscis {
    CXLCDATSubHeader header;    /* 0x00: type 2, length 20 */
    uint8_t handle;             /* 0x04 */
    uint8_t reserved[3];        /* 0x05 */
    uint64_t side_cache_size;   /* 0x08 */
    uint32_t cache_attributes;  /* 0x10 */
} CXLCDATDsmscis;               /* 0x14 */

/* DSIS (CDAT r1.03 section 2, type 3): an initiator inside the device */
typedef struct QEMU_PACKED CXLCDATDsis {
    CXLCDATSubHeader header;    /* 0x00: type 3, length 8 */
    uint8_t flags;              /* 0x04 */
    uint8_t handle;             /* 0x05 */
    uint16_t reserved;          /* 0x06 */
} CXLCDATDsis;                  /* 0x08 */

/*
 * DSEMTS (CDAT r1.03 section 2, type 4): the EFI memory type and
 * attribute system firmware should give (part of) a DSMAS range in the EFI
 * memory map. dpa_offset is relative to the DSMAS DPA base. Linux itself
 * does not parse DSEMTS.
 */
typedef struct QEMU_PACKED CXLCDATDsemts {
    CXLCDATSubHeader header;    /* 0x00: type 4, length 24 */
    uint8_t handle;             /* 0x04: DSMAD handle of the DSMAS */
    uint8_t efi_memory_type;    /* 0x05: CXLCDATEfiMemoryType */
    uint16_t reserved;          /* 0x06 */
    uint64_t dpa_offset;        /* 0x08 */
    uint64_t dpa_length;        /* 0x10 */
} CXLCDATDsemts;                /* 0x18 */

/* DSEMTS "EFI Memory Type and Attribute" values; 3..255 are reserved */
typedef enum CXLCDATEfiMemoryType {
    CXL_CDAT_EFI_CONVENTIONAL = 0,      /* EfiConventionalMemory */
    CXL_CDAT_EFI_CONVENTIONAL_SP = 1,   /* ... with EFI_MEMORY_SP */
    CXL_CDAT_EFI_RESERVED = 2,          /* EfiReservedMemoryType */
    CXL_CDAT_EFI_MAX,
} CXLCDATEfiMemoryType;

/*
 * SSLBIS (CDAT r1.03 section 2, type 5): latency or bandwidth between
 * pairs of ports of a switch, one data type per structure, then n >= 1
 * entries of 8 bytes (Linux rejects n = 0). All entries share the entry
 * base unit.
 */
typedef struct QEMU_PACKED CXLCDATSslbis {
    CXLCDATSubHeader header;    /* 0x00: type 5, length 16 + 8 * n */
    uint8_t data_type;          /* 0x04: CXLCDATDataType */
    uint8_t reserved[3];        /* 0x05 */
    uint64_t entry_base_unit;   /* 0x08 */
} CXLCDATSslbis;                /* 0x10 */

typedef struct QEMU_PACKED CXLCDATSslbe {
    uint16_t port_x_id;         /* 0x00 */
    uint16_t port_y_id;         /* 0x02 */
    uint16_t value;             /* 0x04: latency or bandwidth entry */
    uint16_t reserved;          /* 0x06 */
} CXLCDATSslbe;                 /* 0x08 */

/*
 * SSLBIS port ids: a downstream port is its PCIe Port Number (0..255, as in
 * its Link Capabilities register); 0x100 is the upstream port, 0xFFFF any
 * port. Linux looks, per data type, for the first entry whose downstream
 * side is the dport's id or "any", taking the downstream side as Y when X
 * is the upstream port (or X is "any"), and as X otherwise.
 */
#define CXL_CDAT_SSLBIS_USP_ID      0x0100
#define CXL_CDAT_SSLBIS_ANY_PORT    0xffff
#define CXL_CDAT_SSLBIS_MAX_DSP_ID  0xff

/* DOE Table Access protocol (CXL r3.1 8.1.11) */
#define CXL_DOE_PROTOCOL_TABLE_ACCESS   2
#define CXL_DOE_TABLE_ACCESS_READ_ENTRY 0       /* request/response code */
#define CXL_DOE_TABLE_TYPE_CDAT         0
/* Response "next entry handle" after the last entry */
#define CXL_CDAT_LAST_ENTRY_HANDLE      0xffff
/* Handles 1..0xFFFE address structures, so a table holds at most this many */
#define CXL_CDAT_MAX_STRUCTURES         0xfffe

/* ---- Builders ---- */

/* Performance of a memory range or of a switch path */
typedef struct CXLCDATPerf {
    uint32_t read_latency_ps;
    uint32_t write_latency_ps;
    uint32_t read_bandwidth_mbs;        /* MB/s */
    uint32_t write_bandwidth_mbs;       /* MB/s */
} CXLCDATPerf;

/*
 * Defaults, loosely a DDR5 device behind its CXL controller (the figures
 * are the device's own part of the path: Linux adds the link and switch
 * latencies and takes the minimum bandwidth along the path).
 */
#define CXL_CDAT_DEFAULT_VOLATILE_READ_LATENCY_PS       150000  /* 150 ns */
#define CXL_CDAT_DEFAULT_VOLATILE_WRITE_LATENCY_PS      150000
#define CXL_CDAT_DEFAULT_VOLATILE_BANDWIDTH_MBS         25600   /* 25.6 GB/s */
#define CXL_CDAT_DEFAULT_PERSISTENT_READ_LATENCY_PS     250000  /* 250 ns */
#define CXL_CDAT_DEFAULT_PERSISTENT_WRITE_LATENCY_PS    500000  /* 500 ns */
#define CXL_CDAT_DEFAULT_PERSISTENT_READ_BANDWIDTH_MBS  12800
#define CXL_CDAT_DEFAULT_PERSISTENT_WRITE_BANDWIDTH_MBS 6400
/* A switch's own latency and bandwidth between its upstream and a dport */
#define CXL_CDAT_DEFAULT_SWITCH_LATENCY_PS              25000   /* 25 ns */
#define CXL_CDAT_DEFAULT_SWITCH_BANDWIDTH_MBS           64000

/* One DSMAS range of a Type 3 device */
typedef struct CXLCDATRange {
    uint64_t dpa_base;
    uint64_t dpa_length;
    bool nonvolatile;
    bool shareable;
    bool read_only;
    CXLCDATEfiMemoryType efi_memory_type;
    CXLCDATPerf perf;
} CXLCDATRange;

/*
 * Fill @range for [@dpa_base, @dpa_base + @dpa_length) with the default
 * performance for its kind and EFI memory type CXL_CDAT_EFI_CONVENTIONAL_SP
 * (left to the CXL driver, as Linux's EFI_MEMORY_SP handling expects);
 * not shareable, writable.
 */
void cxl_cdat_range_init(CXLCDATRange *range, uint64_t dpa_base,
                         uint64_t dpa_length, bool nonvolatile);

/*
 * CDAT of a Type 3 device: the header, then per range in order one DSMAS
 * (handle = index in @ranges), four DSLBIS (read latency, write latency,
 * read bandwidth, write bandwidth) and one DSEMTS covering the whole range.
 * Each DSLBIS gets the smallest power-of-ten base unit that fits its value
 * in 16 bits (rounded to nearest when the value has more significant
 * digits). Ranges must be non-empty, must not overlap and every performance
 * figure must be non-zero. Sequence 0. Returns NULL and sets @errp on bad
 * input. Free with g_byte_array_unref().
 */
#define CXL_CDAT_MAX_RANGES     256     /* DSMAD handles are 8 bits */
GByteArray *cxl_cdat_build_type3(const CXLCDATRange *ranges, unsigned nr,
                                 Error **errp);

/* Performance between a switch's upstream port and one downstream port */
typedef struct CXLCDATSwitchPort {
    uint16_t port_id;           /* 0..0xFF, or CXL_CDAT_SSLBIS_ANY_PORT */
    CXLCDATPerf perf;
} CXLCDATSwitchPort;

/*
 * CDAT of a switch upstream port: the header and four SSLBIS (read latency,
 * write latency, read bandwidth, write bandwidth), each with one entry per
 * port (X = upstream port 0x100, Y = port_id). An entry with port_id
 * CXL_CDAT_SSLBIS_ANY_PORT applies to every downstream port without an
 * entry of its own; it is placed last because Linux takes the first match.
 * Port ids must be unique. One base unit per SSLBIS is chosen for its
 * largest value; smaller values are rounded to nearest (never to 0).
 */
GByteArray *cxl_cdat_build_switch(const CXLCDATSwitchPort *ports, unsigned nr,
                                  Error **errp);

/* Set the header's sequence number and fix the checksum. */
void cxl_cdat_set_sequence(GByteArray *table, uint32_t sequence);

/* ---- Validation and DOE entries ---- */

/*
 * Check a complete table: header length equals @len, revision 1, checksum,
 * then every structure: its 4-byte header fits, length non-zero, a multiple
 * of 4 (DOE transfers whole dwords) and within the table; known types have
 * their fixed length (SSLBIS: 16 + 8 * n, n >= 1); DSMAS handles are
 * unique; at most CXL_CDAT_MAX_STRUCTURES structures. Unknown types are
 * accepted. On failure sets @errp to a message naming the offset.
 */
bool cxl_cdat_validate(const uint8_t *table, size_t len, Error **errp);

/*
 * Read and validate a CDAT file (the cdat= device property). Errors name
 * @path. Free the result with g_byte_array_unref().
 */
GByteArray *cxl_cdat_load_file(const char *path, Error **errp);

/*
 * DOE Table Access read of entry @handle: handle 0 is the 16-byte header,
 * handle i >= 1 the i-th structure. On success points @entry/@entry_len at
 * the entry inside @table and sets @next_handle to the handle to request
 * next, CXL_CDAT_LAST_ENTRY_HANDLE after the last entry: the scheme Linux's
 * cxl_cdat_read_table() follows, starting at 0. Returns false for a
 * handle past the end (or a malformed @table).
 */
bool cxl_cdat_entry(const uint8_t *table, size_t len, uint16_t handle,
                    const uint8_t **entry, size_t *entry_len,
                    uint16_t *next_handle);

/* Printable name of a structure type ("DSMAS"), "unknown" otherwise */
const char *cxl_cdat_type_name(unsigned type);

#endif /* HW_CXL_CDAT_H */
