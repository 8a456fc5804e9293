/*
 * CXL HDM decoders: one model for host bridges, switch ports and endpoints.
 *
 * This header holds the decoder state and the pure logic on it: commit
 * validation and HPA decode. The register interface (component registers,
 * include/hw/cxl/cxl-component.h) programs the state and asks these
 * functions whether a commit succeeds; routing asks them where an access
 * goes. Everything here is unit-tested (tests/unit/test-cxl-hdm.c).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_HDM_H
#define HW_CXL_HDM_H

#include "hw/cxl/cxl-interleave.h"

#define CXL_HDM_MAX_DECODERS    32
#define CXL_HDM_MAX_TARGETS     8       /* target list: 8 one-byte port ids */
#define CXL_HDM_ALIGN           (256 * 1024 * 1024ull)

typedef enum CXLHDMKind {
    CXL_HDM_SWITCH,         /* host bridge or upstream switch port: targets */
    CXL_HDM_ENDPOINT,       /* device: DPA skip, decodes to DPA */
} CXLHDMKind;

/* What a decoder set supports (the HDM Decoder Capability register). */
typedef struct CXLHDMCaps {
    CXLHDMKind kind;
    unsigned nr_decoders;       /* 1, 2, 4, ..., 32 */
    unsigned nr_targets;        /* switch: target list entries (1..8) */
    bool iw_3_6_12;             /* 3, 6, 12-way interleave */
    bool iw_16;                 /* 16-way interleave */
    bool hdm_db;                /* endpoint: HDM-DB (Back-Invalidate) */
    uint64_t dpa_size;          /* endpoint: device capacity */
} CXLHDMCaps;

typedef struct CXLHDMDecoder {
    uint64_t base;              /* HPA, 256 MiB aligned */
    uint64_t size;
    uint8_t eiw;
    uint8_t eig;
    bool lock_on_commit;
    bool committed;
    bool commit_error;
    bool host_only;             /* target type: Type 3 (host-only coherent) */
    bool bi;                    /* BI: HDM-DB (caps.hdm_db only) */
    union {
        uint8_t targets[CXL_HDM_MAX_TARGETS];   /* switch: port ids */
        uint64_t dpa_skip;                      /* endpoint */
    };
} CXLHDMDecoder;

typedef struct CXLHDMDecoderSet {
    CXLHDMCaps caps;
    bool enabled;               /* HDM Decoder Enable (global control) */
    bool locked;                /* a committed decoder had lock-on-commit */
    CXLHDMDecoder dec[CXL_HDM_MAX_DECODERS];
} CXLHDMDecoderSet;

/* Encoded decoder count of the capability register for @n decoders. */
bool cxl_hdm_count_encode(unsigned n, uint8_t *field);
bool cxl_hdm_count_decode(uint8_t field, unsigned *n);
/*
 * Check @n, the hdm-decoders property of device @dev: a count the
 * capability register can encode. The error names the property and the
 * counts allowed.
 */
bool cxl_hdm_check_count(const char *dev, unsigned n, Error **errp);

/*
 * Try to commit decoder @idx as programmed. Returns true if the decoder is
 * now committed; otherwise false with @why (a static string) saying which
 * rule the programming breaks, and the decoder marked with commit_error.
 */
bool cxl_hdm_commit(CXLHDMDecoderSet *s, unsigned idx, const char **why);
/* Uncommit decoder @idx (false if it is locked). */
bool cxl_hdm_uncommit(CXLHDMDecoderSet *s, unsigned idx);

/* Endpoint: first DPA decoder @idx maps (after its skip). */
uint64_t cxl_hdm_dpa_base(const CXLHDMDecoderSet *s, unsigned idx);
/* Endpoint: how many bytes of DPA decoder @idx maps (size / ways). */
uint64_t cxl_hdm_dpa_len(const CXLHDMDecoderSet *s, unsigned idx);

/*
 * Decode @hpa. Returns the index of the committed decoder that claims it,
 * or -1. For a switch decoder, @target is the port id it routes to; for an
 * endpoint, @dpa the device physical address.
 */
int cxl_hdm_decode(const CXLHDMDecoderSet *s, uint64_t hpa,
                   uint8_t *target, uint64_t *dpa);

/*
 * What a decode tells about the addresses around it (the unit of the fast
 * path, hw/cxl/cxl-fast-path.c). Every address in [lo, hi) decodes as the
 * decoded address did: to the same target, at DPAs linear in the address
 * (no level's interleave changes inside it). [claim_lo, claim_hi) is the
 * intersection of the decoder ranges the decode went through: the region
 * the address belongs to, whose other addresses may go elsewhere.
 */
typedef struct CXLExtent {
    uint64_t lo, hi;
    uint64_t claim_lo, claim_hi;
} CXLExtent;

/* An extent (and claim) of [@lo, @hi) */
void cxl_extent_init(CXLExtent *e, uint64_t lo, uint64_t hi);
/* Narrow @e to [@lo, @hi) (both the extent and the claim) */
void cxl_extent_clip(CXLExtent *e, uint64_t lo, uint64_t hi);
/* Narrow the extent (not the claim) to @hpa's aligned block of 2^@bits */
void cxl_extent_clip_block(CXLExtent *e, uint64_t hpa, unsigned bits);
/*
 * Narrow @e by decoder @d, which decoded @hpa: to its range, and to
 * @hpa's interleave granule if it interleaves.
 */
void cxl_extent_clip_decoder(CXLExtent *e, const CXLHDMDecoder *d,
                             uint64_t hpa);

#endif /* HW_CXL_HDM_H */
