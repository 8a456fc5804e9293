/*
 * Root Complex Register Blocks (RCRBs) of a CXL 1.1 Restricted CXL Host
 * (RCH): the 4 KiB memory-mapped registers of the RCH downstream port and
 * of the RCD's upstream port, found through the CEDT CHBS (CXL 1.1) of the
 * host bridge (see hw/cxl/cxl-rcrb.c).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_RCRB_H
#define HW_CXL_RCRB_H

#include "qemu/units.h"
#include "system/memory.h"

#define CXL_RCRB_SIZE           (4 * KiB)

/* Where we put what in an RCRB (the header fields are at PCI offsets) */
#define CXL_RCRB_PCIE_CAP       0x40    /* PCIe capability (downstream) */
#define CXL_RCRB_EXT_CAP        0x100   /* first extended capability */
#define CXL_RCRB_AER            0x200   /* AER capability (downstream) */

typedef struct CXLRCRB {
    MemoryRegion mr;
    bool present;               /* false: reads all ones, writes dropped */
    uint8_t regs[CXL_RCRB_SIZE];
    uint8_t wmask[CXL_RCRB_SIZE];
    uint8_t w1cmask[CXL_RCRB_SIZE];     /* write 1 to clear */
} CXLRCRB;

/* What an RCRB says about its port */
typedef struct CXLRCRBInfo {
    uint16_t vendor_id, device_id;
    uint32_t class_rev;         /* class code << 8 | revision */
    hwaddr membar0;             /* component registers (64 KiB aligned) */
    /* downstream port: a PCIe capability with the link partner's link */
    bool downstream;
    uint32_t lnkcap;
    uint16_t lnksta;
} CXLRCRBInfo;

void cxl_rcrb_init(CXLRCRB *r, Object *owner, const char *name);
/* (Re)build @r's registers from @info; @r reads as present from then on. */
void cxl_rcrb_build(CXLRCRB *r, const CXLRCRBInfo *info);
/* No port there: reads all ones. */
void cxl_rcrb_clear(CXLRCRB *r);
/*
 * An error of the downstream port @r, an internal error (its detail is in
 * the port's RAS capability): log it in the AER capability, Correctable
 * or Uncorrectable Internal Error (with the First Error Pointer if it is
 * the first). Returns true if the error is unmasked there, to be reported
 * (through the RCEC).
 */
bool cxl_rcrb_aer_record(CXLRCRB *r, bool correctable);

#endif /* HW_CXL_RCRB_H */
