/*
 * CXL HDM decoders: commit validation and decode (see include/hw/cxl/cxl-hdm.h).
 *
 * Commit rules (CXL r3.1 8.2.4.20, as a device would enforce them):
 *  - decoders commit in order: decoder n needs decoders 0..n-1 committed,
 *    and its HPA range must start at or above the end of decoder n-1's;
 *  - the range must not wrap the address space;
 *  - the interleave ways must be an encoding the decoder supports (3/6/12
 *    and 16 ways only with the matching capability) and the granularity at
 *    most 16 KiB;
 *  - a switch decoder needs a target list entry per way;
 *  - an endpoint decoder's share of the range (size / ways) must be a whole
 *    number of 256 MiB units and, after its DPA skip, fit in the device's
 *    capacity following the previous decoders' DPA.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "qapi/error.h"
#include "hw/cxl/cxl-hdm.h"

bool cxl_hdm_count_encode(unsigned n, uint8_t *field)
{
    if (n == 1) {
        *field = 0;
    } else if (n >= 2 && n <= 16 && n % 2 == 0) {
        *field = n / 2;
    } else if (n >= 20 && n <= 32 && n % 4 == 0) {
        *field = n / 4 + 4;
    } else {
        return false;
    }
    return true;
}

bool cxl_hdm_check_count(const char *dev, unsigned n, Error **errp)
{
    uint8_t field;

    if (!cxl_hdm_count_encode(n, &field)) {
        error_setg(errp, "%s: hdm-decoders: %u is not a decoder count the "
                   "HDM Decoder Capability can report; use 1, 2, 4, 6, 8, "
                   "10, 12, 14, 16, 20, 24, 28 or 32", dev, n);
        return false;
    }
    return true;
}

bool cxl_hdm_count_decode(uint8_t field, unsigned *n)
{
    if (field == 0) {
        *n = 1;
    } else if (field <= 8) {
        *n = field * 2;
    } else if (field <= 12) {
        *n = (field - 4) * 4;
    } else {
        return false;
    }
    return true;
}

/* DPA this decoder's share of the interleave takes. */
static uint64_t dec_dpa_len(const CXLHDMDecoder *d)
{
    unsigned ways = 1;

    cxl_iw_to_ways(d->eiw, &ways);
    return d->size / ways;
}

uint64_t cxl_hdm_dpa_len(const CXLHDMDecoderSet *s, unsigned idx)
{
    return dec_dpa_len(&s->dec[idx]);
}

uint64_t cxl_hdm_dpa_base(const CXLHDMDecoderSet *s, unsigned idx)
{
    uint64_t dpa = 0;

    for (unsigned i = 0; i < idx; i++) {
        dpa += s->dec[i].dpa_skip + dec_dpa_len(&s->dec[i]);
    }
    return dpa + s->dec[idx].dpa_skip;
}

static const char *cxl_hdm_check(const CXLHDMDecoderSet *s, unsigned idx)
{
    const CXLHDMDecoder *d = &s->dec[idx];
    unsigned ways;

    if (idx > 0) {
        const CXLHDMDecoder *prev = &s->dec[idx - 1];

        if (!prev->committed) {
            return "the previous decoder is not committed";
        }
        if (d->base < prev->base + prev->size) {
            return "the range starts below the end of the previous decoder's";
        }
    }
    if (d->base % CXL_HDM_ALIGN || d->size % CXL_HDM_ALIGN) {
        return "base or size not 256 MiB aligned";
    }
    if (d->base + d->size < d->base) {
        return "the range wraps the address space";
    }
    if (!cxl_iw_to_ways(d->eiw, &ways)) {
        return "reserved interleave ways encoding";
    }
    if ((ways == 3 || ways == 6 || ways == 12) && !s->caps.iw_3_6_12) {
        return "3, 6 and 12-way interleave not supported";
    }
    if (ways == 16 && !s->caps.iw_16) {
        return "16-way interleave not supported";
    }
    if (d->eig > CXL_IG_MAX_ENCODED) {
        return "reserved interleave granularity encoding";
    }

    if (s->caps.kind == CXL_HDM_SWITCH) {
        if (ways > s->caps.nr_targets) {
            return "more interleave ways than target list entries";
        }
        return NULL;
    }

    if (d->dpa_skip % CXL_HDM_ALIGN) {
        return "DPA skip not 256 MiB aligned";
    }
    if (d->size % ((uint64_t)ways * CXL_HDM_ALIGN)) {
        return "the device's share of the range is not a multiple of 256 MiB";
    }
    if (cxl_hdm_dpa_base(s, idx) > s->caps.dpa_size ||
        dec_dpa_len(d) > s->caps.dpa_size - cxl_hdm_dpa_base(s, idx)) {
        return "the DPA range exceeds the device's capacity";
    }
    return NULL;
}

bool cxl_hdm_commit(CXLHDMDecoderSet *s, unsigned idx, const char **why)
{
    CXLHDMDecoder *d;
    const char *err;

    if (idx >= s->caps.nr_decoders) {
        *why = "no such decoder";
        return false;
    }
    d = &s->dec[idx];
    if (d->committed) {
        return true;
    }
    err = cxl_hdm_check(s, idx);
    d->commit_error = err != NULL;
    d->committed = err == NULL;
    *why = err;
    return d->committed;
}

bool cxl_hdm_uncommit(CXLHDMDecoderSet *s, unsigned idx)
{
    CXLHDMDecoder *d;

    if (idx >= s->caps.nr_decoders) {
        return false;
    }
    d = &s->dec[idx];
    if (d->committed && d->lock_on_commit) {
        return false;
    }
    d->committed = false;
    d->commit_error = false;
    return true;
}

int cxl_hdm_decode(const CXLHDMDecoderSet *s, uint64_t hpa,
                   uint8_t *target, uint64_t *dpa)
{
    /*
     * HDM Decoder Enable only applies to devices: root and upstream ports
     * read it as 0 and decode with their committed decoders (CXL r3.1
     * 8.2.4.20.2), which is why Linux never sets it on them.
     */
    if (s->caps.kind == CXL_HDM_ENDPOINT && !s->enabled) {
        return -1;
    }
    for (unsigned i = 0; i < s->caps.nr_decoders; i++) {
        const CXLHDMDecoder *d = &s->dec[i];
        uint64_t off;

        if (!d->committed || hpa < d->base || hpa - d->base >= d->size) {
            continue;
        }
        off = hpa - d->base;
        if (s->caps.kind == CXL_HDM_SWITCH) {
            *target = d->targets[cxl_interleave_position(off, d->eiw, d->eig)];
        } else {
            *dpa = cxl_hdm_dpa_base(s, i) +
                   cxl_interleave_dpa_offset(off, d->eiw, d->eig);
        }
        return i;
    }
    return -1;
}

void cxl_extent_init(CXLExtent *e, uint64_t lo, uint64_t hi)
{
    *e = (CXLExtent) { .lo = lo, .hi = hi, .claim_lo = lo, .claim_hi = hi };
}

void cxl_extent_clip(CXLExtent *e, uint64_t lo, uint64_t hi)
{
    e->lo = MAX(e->lo, lo);
    e->hi = MIN(e->hi, hi);
    e->claim_lo = MAX(e->claim_lo, lo);
    e->claim_hi = MIN(e->claim_hi, hi);
}

void cxl_extent_clip_block(CXLExtent *e, uint64_t hpa, unsigned bits)
{
    uint64_t lo = hpa & ~MAKE_64BIT_MASK(0, bits);

    e->lo = MAX(e->lo, lo);
    e->hi = MIN(e->hi, lo + BIT_ULL(bits));
}

void cxl_extent_clip_decoder(CXLExtent *e, const CXLHDMDecoder *d,
                             uint64_t hpa)
{
    cxl_extent_clip(e, d->base, d->base + d->size);
    /*
     * Decoder bases are 256 MiB aligned, so a granule of the decoder's
     * interleave is an aligned block of the HPA space too.
     */
    if (d->eiw) {
        cxl_extent_clip_block(e, hpa, CXL_IG_BITS(d->eig));
    }
}
