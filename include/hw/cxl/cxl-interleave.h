/*
 * CXL interleave arithmetic: host physical address <-> device physical
 * address translation for HDM decoders and fixed memory windows.
 *
 * Pure functions with no QEMU state, shared by every decoder (host bridge,
 * switch, endpoint) and by the window routing, and unit-tested on their own
 * (tests/unit/test-cxl-interleave.c).
 *
 * Terms (CXL r3.1 8.2.4.20, 9.13.1):
 *  - ways (IW) and granularity (IG) are carried in their encoded forms:
 *    IW 0..4 = 1, 2, 4, 8, 16 ways; IW 8..10 = 3, 6, 12 ways;
 *    IG 0..6 = 256 B .. 16 KiB.
 *  - an HPA offset is an address relative to the decoder (or window) base.
 *  - with power-of-two ways the target position is the IW bits above the
 *    granule; with 3, 6 or 12 ways it is the granule number modulo the ways.
 *  - XOR arithmetic (CFMWS arithmetic 1, CXIMS) first replaces, for each
 *    map, the map's lowest set bit by the parity of the address bits the map
 *    selects, then applies the modulo arithmetic.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_INTERLEAVE_H
#define HW_CXL_INTERLEAVE_H

#define CXL_IG_MIN_BYTES        256
#define CXL_IG_MAX_ENCODED      6       /* 16 KiB */
/* log2 of the bytes of an encoded granularity */
#define CXL_IG_BITS(eig)        ((eig) + 8)
#define CXL_INTERLEAVE_MAX_WAYS 16
#define CXL_XOR_MAX_MAPS        4       /* 16 ways need 4 maps */

/* Encoded ways -> ways; false for a reserved encoding. */
bool cxl_iw_to_ways(uint8_t eiw, unsigned *ways);
/* Ways -> encoded ways; false for a way count the spec does not allow. */
bool cxl_ways_to_iw(unsigned ways, uint8_t *eiw);
/* Encoded granularity -> bytes; false above 16 KiB. */
bool cxl_ig_to_bytes(uint8_t eig, uint64_t *bytes);
/* Bytes -> encoded granularity; false unless a power of two, 256 B..16 KiB. */
bool cxl_bytes_to_ig(uint64_t bytes, uint8_t *eig);

/* True if (eiw, eig) is a valid pair of encodings. */
bool cxl_interleave_valid(uint8_t eiw, uint8_t eig);

/*
 * Target position (0 .. ways-1) of an HPA offset. eiw/eig must be valid
 * (cxl_interleave_valid()).
 */
unsigned cxl_interleave_position(uint64_t hpa_offset, uint8_t eiw, uint8_t eig);

/* DPA offset an endpoint decoder maps an HPA offset to. */
uint64_t cxl_interleave_dpa_offset(uint64_t hpa_offset, uint8_t eiw, uint8_t eig);

/*
 * The inverse: the HPA offset at which the device in position @pos maps
 * @dpa_offset. @pos must be below the way count.
 */
uint64_t cxl_interleave_hpa_offset(uint64_t dpa_offset, unsigned pos,
                                   uint8_t eiw, uint8_t eig);

/*
 * XOR arithmetic: apply @nr_maps XOR maps (CXIMS) to @addr. Self-inverse.
 * Zero maps are skipped.
 */
uint64_t cxl_xor_fold(uint64_t addr, const uint64_t *maps, unsigned nr_maps);

/* Number of CXIMS maps the spec uses for a host-bridge way count. */
unsigned cxl_xor_maps_for_ways(unsigned ways);

/*
 * The XOR maps this platform publishes (CXIMS) for windows of encoded
 * granularity @eig: map i has its lowest set bit at the granule's bit
 * position + i, and no bit of one map is in another.
 */
void cxl_xor_platform_maps(uint8_t eig, uint64_t maps[CXL_XOR_MAX_MAPS]);

/*
 * log2 of the aligned blocks inside which an interleave set (granularity
 * @eig; with XOR arithmetic, its @nr_maps maps) sends every address to the
 * same position.
 */
unsigned cxl_interleave_block_bits(uint8_t eig, const uint64_t *maps,
                                   unsigned nr_maps);

#endif /* HW_CXL_INTERLEAVE_H */
