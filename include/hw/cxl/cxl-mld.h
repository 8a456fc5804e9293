/*
 * Multi-logical devices (MLD): the allocation arithmetic (hw/cxl/cxl-mld.c,
 * pure, unit tested) and the payloads of the FM API MLD Components
 * command set (5400h-5409h) and of the switch's Send LD CXL.io requests
 * (5301h, 5302h).
 *
 * Linux has none of these commands and the specification is not on our
 * machines: every payload layout below is FROM MEMORY of CXL r3.0/r3.1
 * 7.6.7.3 and 7.6.7.4 and may differ from the spec in details.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_MLD_H
#define HW_CXL_MLD_H

#include "qemu/bitops.h"

/* LDs of an MLD: the FM API's LD IDs, and what we model */
#define CXL_MLD_MAX_LDS         16
/*
 * Allocation unit: Memory Granularity 0 (256 MiB), the only one we
 * report. Allocations are multiples of it, contiguous per LD, in LD
 * order: LD 0 first, from the start of the MLD's media.
 */
#define CXL_MLD_GRANULE         (256 * 1024 * 1024ull)
#define CXL_MLD_GRANULARITY_256M    0

/*
 * The default allocation of @capacity (a multiple of the granule) among
 * @n LDs: each gets capacity / n rounded down to the granule, the
 * remainder goes to LD 0 (the LD a host on the MLD's own port sees, and
 * the one bound at boot). Sizes to @size[0..n-1].
 */
void cxl_mld_default_alloc(uint64_t capacity, unsigned n, uint64_t *size);

/* The bases of contiguous allocations @size[0..n-1] in LD order */
void cxl_mld_layout(const uint64_t *size, unsigned n, uint64_t *base);

/*
 * Whether @size[0..n-1] can be the allocations of an MLD with @capacity:
 * every size a multiple of the granule and their sum at most @capacity.
 * NULL if so, else why not.
 */
const char *cxl_mld_check_alloc(uint64_t capacity, unsigned n,
                                const uint64_t *size);

/* ---- payloads, FROM MEMORY (see above) ---- */

#define CXL_OP_SEND_LD_CONFIG           0x5301
#define CXL_OP_SEND_LD_MEMORY           0x5302
#define CXL_OP_GET_LD_INFO              0x5400
#define CXL_OP_GET_LD_ALLOCATIONS       0x5401
#define CXL_OP_SET_LD_ALLOCATIONS       0x5402
#define CXL_OP_GET_QOS_CONTROL          0x5403
#define CXL_OP_SET_QOS_CONTROL          0x5404
#define CXL_OP_GET_QOS_STATUS           0x5405
#define CXL_OP_GET_QOS_ALLOC_BW         0x5406
#define CXL_OP_SET_QOS_ALLOC_BW         0x5407
#define CXL_OP_GET_QOS_BW_LIMIT         0x5408
#define CXL_OP_SET_QOS_BW_LIMIT         0x5409

/* Get LD Info (5400h) output */
typedef struct CXLGetLDInfoOut {
    uint64_t memory_size;               /* bytes, the whole MLD's */
    uint16_t ld_count;
    uint8_t qos_telemetry_caps;         /* bit 0 egress congestion, 1 TTR */
} QEMU_PACKED CXLGetLDInfoOut;
QEMU_BUILD_BUG_ON(sizeof(CXLGetLDInfoOut) != 11);

/* An LD Allocation List entry: multiples of the memory granularity */
typedef struct CXLLDAllocEntry {
    uint64_t range1;                    /* the LD's allocation */
    uint64_t range2;                    /* a second range: always 0 here */
} QEMU_PACKED CXLLDAllocEntry;
QEMU_BUILD_BUG_ON(sizeof(CXLLDAllocEntry) != 16);

/* Get LD Allocations (5401h) input */
typedef struct CXLGetLDAllocIn {
    uint8_t start_ld;
    uint8_t list_limit;                 /* at most this many entries */
} QEMU_PACKED CXLGetLDAllocIn;
QEMU_BUILD_BUG_ON(sizeof(CXLGetLDAllocIn) != 2);

/* Get LD Allocations (5401h) output */
typedef struct CXLGetLDAllocOut {
    uint8_t num_lds;                    /* the MLD's LD count */
    uint8_t granularity;                /* CXL_MLD_GRANULARITY_* */
    uint8_t start_ld;
    uint8_t list_len;                   /* entries that follow */
    CXLLDAllocEntry list[];
} QEMU_PACKED CXLGetLDAllocOut;
QEMU_BUILD_BUG_ON(sizeof(CXLGetLDAllocOut) != 4);

/* Set LD Allocations (5402h) input and output (what is now allocated) */
typedef struct CXLSetLDAlloc {
    uint8_t num_lds;                    /* entries that follow */
    uint8_t start_ld;
    uint8_t rsvd[2];
    CXLLDAllocEntry list[];
} QEMU_PACKED CXLSetLDAlloc;
QEMU_BUILD_BUG_ON(sizeof(CXLSetLDAlloc) != 4);

/* QoS Telemetry Control bits */
#define CXL_QOS_EGRESS_CONGESTION       BIT(0)
#define CXL_QOS_TEMP_THROUGHPUT_RED     BIT(1)

/* Get QoS Control (5403h) output, Set QoS Control (5404h) in and out */
typedef struct CXLQoSControl {
    uint8_t telemetry_control;          /* CXL_QOS_* */
    uint8_t egress_moderate_pct;        /* 1..100 */
    uint8_t egress_severe_pct;          /* 1..100, at least moderate */
    uint8_t backpressure_sample_interval;   /* 0..15 */
    uint16_t req_cmp_basis;
    uint8_t completion_collection_interval;
} QEMU_PACKED CXLQoSControl;
QEMU_BUILD_BUG_ON(sizeof(CXLQoSControl) != 7);

/* Get QoS Status (5405h) output */
typedef struct CXLQoSStatus {
    uint8_t backpressure_avg_pct;
} QEMU_PACKED CXLQoSStatus;

/* Get QoS Allocated BW (5406h), Get QoS BW Limit (5408h) input */
typedef struct CXLQoSBWIn {
    uint8_t num_lds;
    uint8_t start_ld;
} QEMU_PACKED CXLQoSBWIn;
QEMU_BUILD_BUG_ON(sizeof(CXLQoSBWIn) != 2);

/*
 * 5406h/5408h output, 5407h/5409h input and output: a fraction of 256
 * (bandwidth allocated, or the limit) per LD from @start_ld on
 */
typedef struct CXLQoSBW {
    uint8_t num_lds;
    uint8_t start_ld;
    uint8_t fraction[];
} QEMU_PACKED CXLQoSBW;
QEMU_BUILD_BUG_ON(sizeof(CXLQoSBW) != 2);

/*
 * Send LD CXL.io Configuration Request (5301h) input: a configuration
 * read or write of LD @ld_id's function on physical port @port_id
 * (from memory; the field packing is ours: register offset in bits
 * [11:0] of @reg, first dword byte enables in [19:16], write in bit 31)
 */
typedef struct CXLSendLDConfigIn {
    uint8_t port_id;
    uint8_t rsvd;
    uint16_t ld_id;
    uint32_t reg;                       /* CXL_LD_CFG_* */
    uint32_t data;                      /* the dword written */
} QEMU_PACKED CXLSendLDConfigIn;
QEMU_BUILD_BUG_ON(sizeof(CXLSendLDConfigIn) != 12);
#define CXL_LD_CFG_OFFSET_MASK          0xffcu
#define CXL_LD_CFG_BE_SHIFT             16
#define CXL_LD_CFG_BE_MASK              0xfu
#define CXL_LD_CFG_WRITE                BIT(31)

/* Send LD CXL.io Configuration Request output: the dword read */
typedef struct CXLSendLDConfigOut {
    uint32_t data;
} QEMU_PACKED CXLSendLDConfigOut;

/*
 * Send LD CXL.io Memory Request (5302h) input (from memory): a read or
 * write of @length bytes at @offset of LD @ld_id's memory (its DPA),
 * the data following a write
 */
#define CXL_LD_MEM_WRITE                BIT(0)
#define CXL_LD_MEM_MAX                  4096    /* bytes per request */
typedef struct CXLSendLDMemIn {
    uint8_t port_id;
    uint8_t rsvd;
    uint16_t ld_id;
    uint8_t flags;                      /* CXL_LD_MEM_WRITE */
    uint8_t rsvd2;
    uint16_t length;
    uint64_t offset;
    uint8_t data[];
} QEMU_PACKED CXLSendLDMemIn;
QEMU_BUILD_BUG_ON(sizeof(CXLSendLDMemIn) != 16);

/* Send LD CXL.io Memory Request output: the bytes read (none written) */
typedef struct CXLSendLDMemOut {
    uint16_t length;
    uint8_t rsvd[2];
    uint8_t data[];
} QEMU_PACKED CXLSendLDMemOut;
QEMU_BUILD_BUG_ON(sizeof(CXLSendLDMemOut) != 4);

#endif /* HW_CXL_MLD_H */
