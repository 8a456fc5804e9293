/*
 * CXL interleave arithmetic (see include/hw/cxl/cxl-interleave.h).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "qemu/host-utils.h"
#include "hw/cxl/cxl-interleave.h"

/* IW encodings 8..10 are the 3 * 2^n way counts. */
#define CXL_IW_3WAY_BASE 8

/* log2 of the power-of-two factor of the way count */
static unsigned iw_pow2_bits(uint8_t eiw)
{
    return eiw >= CXL_IW_3WAY_BASE ? eiw - CXL_IW_3WAY_BASE : eiw;
}

bool cxl_iw_to_ways(uint8_t eiw, unsigned *ways)
{
    if (eiw <= 4) {
        *ways = 1u << eiw;
        return true;
    }
    if (eiw >= CXL_IW_3WAY_BASE && eiw <= CXL_IW_3WAY_BASE + 2) {
        *ways = 3u << (eiw - CXL_IW_3WAY_BASE);
        return true;
    }
    return false;
}

bool cxl_ways_to_iw(unsigned ways, uint8_t *eiw)
{
    if (ways == 0 || ways > CXL_INTERLEAVE_MAX_WAYS) {
        return false;
    }
    if (is_power_of_2(ways)) {
        *eiw = ctz32(ways);
        return true;
    }
    if (ways % 3 == 0 && is_power_of_2(ways / 3) && ways / 3 <= 4) {
        *eiw = CXL_IW_3WAY_BASE + ctz32(ways / 3);
        return true;
    }
    return false;
}

bool cxl_ig_to_bytes(uint8_t eig, uint64_t *bytes)
{
    if (eig > CXL_IG_MAX_ENCODED) {
        return false;
    }
    *bytes = (uint64_t)CXL_IG_MIN_BYTES << eig;
    return true;
}

bool cxl_bytes_to_ig(uint64_t bytes, uint8_t *eig)
{
    if (bytes < CXL_IG_MIN_BYTES || !is_power_of_2(bytes) ||
        bytes > ((uint64_t)CXL_IG_MIN_BYTES << CXL_IG_MAX_ENCODED)) {
        return false;
    }
    *eig = ctz64(bytes) - ctz64(CXL_IG_MIN_BYTES);
    return true;
}

bool cxl_interleave_valid(uint8_t eiw, uint8_t eig)
{
    unsigned ways;
    uint64_t bytes;

    return cxl_iw_to_ways(eiw, &ways) && cxl_ig_to_bytes(eig, &bytes);
}

/* Bit position of the lowest bit above the granule. */
static unsigned granule_shift(uint8_t eig)
{
    return eig + 8;
}

unsigned cxl_interleave_position(uint64_t hpa_offset, uint8_t eiw, uint8_t eig)
{
    unsigned ways;

    if (!cxl_iw_to_ways(eiw, &ways)) {
        return 0;
    }
    /* for power-of-two ways this is the IW bits above the granule */
    return (hpa_offset >> granule_shift(eig)) % ways;
}

uint64_t cxl_interleave_dpa_offset(uint64_t hpa_offset, uint8_t eiw, uint8_t eig)
{
    unsigned gs = granule_shift(eig);
    uint64_t within = hpa_offset & MAKE_64BIT_MASK(0, gs);
    uint64_t granule = hpa_offset >> gs;
    unsigned ways;

    if (!cxl_iw_to_ways(eiw, &ways)) {
        return hpa_offset;
    }
    /* Each device holds every ways-th granule, packed. */
    return ((granule / ways) << gs) | within;
}

uint64_t cxl_interleave_hpa_offset(uint64_t dpa_offset, unsigned pos,
                                   uint8_t eiw, uint8_t eig)
{
    unsigned gs = granule_shift(eig);
    uint64_t within = dpa_offset & MAKE_64BIT_MASK(0, gs);
    uint64_t granule = dpa_offset >> gs;
    unsigned ways;

    if (!cxl_iw_to_ways(eiw, &ways)) {
        return dpa_offset;
    }
    return ((granule * ways + pos) << gs) | within;
}

uint64_t cxl_xor_fold(uint64_t addr, const uint64_t *maps, unsigned nr_maps)
{
    for (unsigned i = 0; i < nr_maps; i++) {
        unsigned bit;
        uint64_t parity;

        if (!maps[i]) {
            continue;
        }
        bit = ctz64(maps[i]);
        parity = ctpop64(addr & maps[i]) & 1;
        addr = (addr & ~BIT_ULL(bit)) | (parity << bit);
    }
    return addr;
}

unsigned cxl_xor_maps_for_ways(unsigned ways)
{
    uint8_t eiw;

    if (!cxl_ways_to_iw(ways, &eiw)) {
        return 0;
    }
    return iw_pow2_bits(eiw);
}

void cxl_xor_platform_maps(uint8_t eig, uint64_t maps[CXL_XOR_MAX_MAPS])
{
    unsigned g = granule_shift(eig);

    /*
     * Map i selects the position bit g + i (its lowest set bit) and folds
     * in bits 5 and 13 places above it: the bits of the other maps never
     * overlap, so the fold is its own inverse and spreads consecutive
     * granules, 2^5 and 2^13 granules apart, over different host bridges.
     */
    for (unsigned i = 0; i < CXL_XOR_MAX_MAPS; i++) {
        maps[i] = BIT_ULL(g + i) | BIT_ULL(g + i + 5) | BIT_ULL(g + i + 13);
    }
}

unsigned cxl_interleave_block_bits(uint8_t eig, const uint64_t *maps,
                                   unsigned nr_maps)
{
    unsigned bits = CXL_IG_BITS(eig);

    /* the fold reads the address bits each map selects */
    for (unsigned i = 0; i < nr_maps; i++) {
        if (maps[i]) {
            bits = MIN(bits, ctz64(maps[i]));
        }
    }
    return bits;
}
