/*
 * CXL RAS capability (CXL r3.1 8.2.4.17): the uncorrectable and
 * correctable error status, mask and severity registers, the First Error
 * Pointer and the header log, in the CXL.cache/mem area of a component
 * register block (include/hw/cxl/cxl-component.h places it and keeps its
 * state), and the error injection QMP uses.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_RAS_H
#define HW_CXL_RAS_H

#include "exec/hwaddr.h"
#include "qom/object.h"
#include "hw/registerfields.h"

/* RAS capability registers, offsets within it */
REG32(CXL_RAS_UC_STATUS, 0x00)
REG32(CXL_RAS_UC_MASK, 0x04)
REG32(CXL_RAS_UC_SEVERITY, 0x08)
REG32(CXL_RAS_C_STATUS, 0x0c)
REG32(CXL_RAS_C_MASK, 0x10)
REG32(CXL_RAS_CAP_CTRL, 0x14)
    FIELD(CXL_RAS_CAP_CTRL, FIRST_ERROR_POINTER, 0, 6)
REG32(CXL_RAS_HEADER_LOG, 0x18)
#define CXL_RAS_UC_BITS         (MAKE_64BIT_MASK(0, 12) | MAKE_64BIT_MASK(14, 3))
#define CXL_RAS_C_BITS          MAKE_64BIT_MASK(0, 7)
#define CXL_RAS_LENGTH          0x58
#define CXL_RAS_HEADER_LOG_DWORDS 16

/* An uncorrectable error waiting to be the first error */
typedef struct CXLRasRecord {
    uint8_t bit;                /* its bit in the status register */
    uint32_t header[CXL_RAS_HEADER_LOG_DWORDS];
} CXLRasRecord;

#define CXL_RAS_MAX_PENDING     32

/* The component register block that holds the RAS state */
struct CXLComponentRegs;

/* Register access at offset @off within the RAS capability */
uint32_t cxl_ras_read(struct CXLComponentRegs *c, hwaddr off);
void cxl_ras_write(struct CXLComponentRegs *c, hwaddr off, uint32_t v);
/* Power-on state: no error, all unmasked, uncorrectable errors fatal */
void cxl_ras_reset(struct CXLComponentRegs *c);

/*
 * RAS error injection: record uncorrectable error @bit with @header (16
 * DWORDs of header log) or correctable error @bit. Masked errors are not
 * recorded. Returns true if the error was recorded (and should be
 * signalled, e.g. through AER). The first uncorrectable error sets the
 * First Error Pointer and the header log; clearing its status bit makes
 * the next recorded one the first.
 */
bool cxl_ras_inject_uncorrectable(struct CXLComponentRegs *c, unsigned bit,
                                  const uint32_t *header);
bool cxl_ras_inject_correctable(struct CXLComponentRegs *c, unsigned bit);

/*
 * CXL.cache/mem errors reach the host as AER internal errors (CXL r3.1
 * 12.2.2), which PCIe masks by default. Platform firmware that hands RAS
 * to the OS unmasks them (Linux does it itself only for RCH ports, and
 * for other ports in a series not merged as of 7.4): a CXL device or
 * port calls this at reset, as such firmware would, so that its errors
 * are signalled. @d has an AER capability.
 */
struct PCIDevice;
void cxl_aer_unmask_internal(struct PCIDevice *d);

/*
 * What QMP's cxl-inject-uncorrectable-errors and cxl-inject-correctable-
 * error reach: a CXL device or port (cxl-type3, cxl-rp, cxl-upstream,
 * cxl-downstream) implements this interface, giving the component
 * register block that holds its RAS capability. The error is recorded
 * there and signalled with AER from the device or port itself, as an
 * internal error (uncorrectable, with the severity its AER registers
 * give; or correctable), as the spec has CXL.cache/mem errors reported.
 * A CXL 1.1 RCD is the exception: the error is its RCH downstream
 * port's, logged in the port's RAS and RCRB AER and reported through the
 * RCEC associated with the RCD (hw/cxl/cxl-ras.c).
 */
#define TYPE_CXL_RAS_SOURCE "cxl-ras-source"
typedef struct CXLRasSourceClass {
    InterfaceClass parent_class;
    struct CXLComponentRegs *(*ras_regs)(Object *obj);
} CXLRasSourceClass;
DECLARE_CLASS_CHECKERS(CXLRasSourceClass, CXL_RAS_SOURCE, TYPE_CXL_RAS_SOURCE)

#endif /* HW_CXL_RAS_H */
