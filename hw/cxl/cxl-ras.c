/*
 * CXL RAS capability (see include/hw/cxl/cxl-ras.h).
 *
 * The registers live in the component register block's ras[] array.
 * Uncorrectable errors are recorded in the order they occur
 * (ras_pending[]); the oldest whose status bit is still set is the first
 * error: its bit is the First Error Pointer and its header fills the
 * header log.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "qemu/log.h"
#include "hw/cxl/cxl-component.h"
#include "hw/cxl/cxl-ras.h"
#include "trace.h"

/*
 * Drop the pending errors whose status bit software cleared, and make the
 * oldest remaining one the first error: First Error Pointer and header
 * log (CXL r3.1 8.2.4.17.6-7).
 */
static void ras_update_first_error(CXLComponentRegs *c)
{
    uint32_t status = c->ras[A_CXL_RAS_UC_STATUS / 4];
    uint32_t *ctrl = &c->ras[A_CXL_RAS_CAP_CTRL / 4];
    unsigned kept = 0;

    for (unsigned i = 0; i < c->ras_nr_pending; i++) {
        if (status & BIT(c->ras_pending[i].bit)) {
            c->ras_pending[kept++] = c->ras_pending[i];
        }
    }
    c->ras_nr_pending = kept;
    memset(&c->ras[A_CXL_RAS_HEADER_LOG / 4], 0,
           CXL_RAS_HEADER_LOG_DWORDS * 4);
    if (!kept) {
        *ctrl = FIELD_DP32(*ctrl, CXL_RAS_CAP_CTRL, FIRST_ERROR_POINTER, 0);
        return;
    }
    *ctrl = FIELD_DP32(*ctrl, CXL_RAS_CAP_CTRL, FIRST_ERROR_POINTER,
                       c->ras_pending[0].bit);
    memcpy(&c->ras[A_CXL_RAS_HEADER_LOG / 4], c->ras_pending[0].header,
           CXL_RAS_HEADER_LOG_DWORDS * 4);
}

bool cxl_ras_inject_uncorrectable(CXLComponentRegs *c, unsigned bit,
                                  const uint32_t *header)
{
    uint32_t *status = &c->ras[A_CXL_RAS_UC_STATUS / 4];
    CXLRasRecord *rec;

    trace_cxl_ras_inject_uncorrectable(c->name, bit);
    if (!c->has_ras || !(BIT(bit) & CXL_RAS_UC_BITS) ||
        (c->ras[A_CXL_RAS_UC_MASK / 4] & BIT(bit))) {
        return false;
    }
    if (!(*status & BIT(bit)) && c->ras_nr_pending < CXL_RAS_MAX_PENDING) {
        rec = &c->ras_pending[c->ras_nr_pending++];
        rec->bit = bit;
        memcpy(rec->header, header, sizeof(rec->header));
    }
    *status |= BIT(bit);
    ras_update_first_error(c);
    return true;
}

bool cxl_ras_inject_correctable(CXLComponentRegs *c, unsigned bit)
{
    trace_cxl_ras_inject_correctable(c->name, bit);
    if (!c->has_ras || !(BIT(bit) & CXL_RAS_C_BITS) ||
        (c->ras[A_CXL_RAS_C_MASK / 4] & BIT(bit))) {
        return false;
    }
    c->ras[A_CXL_RAS_C_STATUS / 4] |= BIT(bit);
    return true;
}

uint32_t cxl_ras_read(CXLComponentRegs *c, hwaddr off)
{
    return c->ras[off / 4];
}

void cxl_ras_write(CXLComponentRegs *c, hwaddr off, uint32_t v)
{
    uint32_t *r = &c->ras[off / 4];

    switch (off) {
    case A_CXL_RAS_UC_STATUS:
        *r &= ~(v & CXL_RAS_UC_BITS);           /* RW1C */
        ras_update_first_error(c);
        break;
    case A_CXL_RAS_C_STATUS:
        *r &= ~(v & CXL_RAS_C_BITS);            /* RW1C */
        break;
    case A_CXL_RAS_UC_MASK:
    case A_CXL_RAS_UC_SEVERITY:
        *r = v & CXL_RAS_UC_BITS;
        break;
    case A_CXL_RAS_C_MASK:
        *r = v & CXL_RAS_C_BITS;
        break;
    default:                                    /* first error ptr, log: RO */
        qemu_log_mask(LOG_GUEST_ERROR, "%s: write to read-only RAS register "
                      "at 0x%" HWADDR_PRIx " ignored\n", c->name, off);
        break;
    }
}

void cxl_ras_reset(CXLComponentRegs *c)
{
    memset(c->ras, 0, sizeof(c->ras));
    c->ras_nr_pending = 0;
    /* everything unmasked; uncorrectable errors fatal by default */
    c->ras[A_CXL_RAS_UC_SEVERITY / 4] = CXL_RAS_UC_BITS;
}
