/*
 * Multi-logical devices: the allocation arithmetic (include/hw/cxl/cxl-mld.h).
 * Pure code, unit tested (tests/unit/test-cxl-mld.c).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "hw/cxl/cxl-mld.h"

void cxl_mld_default_alloc(uint64_t capacity, unsigned n, uint64_t *size)
{
    uint64_t units = capacity / CXL_MLD_GRANULE;

    for (unsigned k = 0; k < n; k++) {
        size[k] = units / n * CXL_MLD_GRANULE;
    }
    size[0] += units % n * CXL_MLD_GRANULE;
}

void cxl_mld_layout(const uint64_t *size, unsigned n, uint64_t *base)
{
    uint64_t at = 0;

    for (unsigned k = 0; k < n; k++) {
        base[k] = at;
        at += size[k];
    }
}

const char *cxl_mld_check_alloc(uint64_t capacity, unsigned n,
                                const uint64_t *size)
{
    uint64_t left = capacity;

    for (unsigned k = 0; k < n; k++) {
        if (size[k] % CXL_MLD_GRANULE) {
            return "not a multiple of 256 MiB";
        }
        if (size[k] > left) {
            return "more than the device's capacity";
        }
        left -= size[k];
    }
    return NULL;
}
