/*
 * CXL component registers (CXL r3.1 8.2.3, 8.2.4): the 64 KiB block that
 * host bridges (CHBCR), root ports, switch ports and devices expose, with
 * the CXL.cache/mem capability array at 0x1000 and, in it, the HDM
 * decoder, RAS and link capabilities.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_COMPONENT_H
#define HW_CXL_COMPONENT_H

#include "hw/registerfields.h"
#include "system/memory.h"
#include "hw/cxl/cxl-ras.h"
#include "hw/cxl/cxl-hdm.h"

#define CXL_COMPONENT_BLOCK_SIZE        0x10000
#define CXL_CM_OFFSET                   0x1000  /* CXL.cache/mem registers */
#define CXL_CM_SIZE                     0x1000

/* Capability IDs (CXL r3.1 Table 8-22) */
#define CXL_CM_CAP_ID_ARRAY             1
#define CXL_CM_CAP_ID_RAS               2
#define CXL_CM_CAP_ID_LINK              4
#define CXL_CM_CAP_ID_HDM               5

/* Where our capabilities live inside the CXL.cache/mem area */
#define CXL_CM_RAS_OFFSET               0x100
#define CXL_CM_LINK_OFFSET              0x200
#define CXL_CM_HDM_OFFSET               0x400

/* Capability array header (first DWORD of the CXL.cache/mem area) */
REG32(CXL_CM_CAP_ARRAY, 0x0)
    FIELD(CXL_CM_CAP_ARRAY, ID, 0, 16)
    FIELD(CXL_CM_CAP_ARRAY, VERSION, 16, 4)
    FIELD(CXL_CM_CAP_ARRAY, CM_VERSION, 20, 4)
    FIELD(CXL_CM_CAP_ARRAY, SIZE, 24, 8)
/* Each capability header (DWORDs 1..SIZE) */
REG32(CXL_CM_CAP_HDR, 0x0)
    FIELD(CXL_CM_CAP_HDR, ID, 0, 16)
    FIELD(CXL_CM_CAP_HDR, VERSION, 16, 4)
    FIELD(CXL_CM_CAP_HDR, POINTER, 20, 12)

/* RAS capability (CXL r3.1 8.2.4.17): include/hw/cxl/cxl-ras.h */

/* Link capability (CXL r3.1 8.2.4.19): present, contents reserved here */
#define CXL_LINK_LENGTH         0x38

/* HDM decoder capability (CXL r3.1 8.2.4.20), offsets within it */
REG32(CXL_HDM_CAP, 0x00)
    FIELD(CXL_HDM_CAP, DECODER_COUNT, 0, 4)
    FIELD(CXL_HDM_CAP, TARGET_COUNT, 4, 4)
    FIELD(CXL_HDM_CAP, IL_11_8, 8, 1)
    FIELD(CXL_HDM_CAP, IL_14_12, 9, 1)
    FIELD(CXL_HDM_CAP, POISON_ON_ERR, 10, 1)
    FIELD(CXL_HDM_CAP, IW_3_6_12, 11, 1)
    FIELD(CXL_HDM_CAP, IW_16, 12, 1)
REG32(CXL_HDM_GLOBAL_CTRL, 0x04)
    FIELD(CXL_HDM_GLOBAL_CTRL, POISON_ON_ERR_EN, 0, 1)
    FIELD(CXL_HDM_GLOBAL_CTRL, ENABLE, 1, 1)
/* Decoder n's registers are at 0x10 + 0x20 * n + offset */
#define CXL_HDM_DECODER_STRIDE  0x20
#define CXL_HDM_DECODER_FIRST   0x10
REG32(CXL_HDM_DEC_BASE_LO, 0x00)
    FIELD(CXL_HDM_DEC_BASE_LO, BASE, 28, 4)
REG32(CXL_HDM_DEC_BASE_HI, 0x04)
REG32(CXL_HDM_DEC_SIZE_LO, 0x08)
    FIELD(CXL_HDM_DEC_SIZE_LO, SIZE, 28, 4)
REG32(CXL_HDM_DEC_SIZE_HI, 0x0c)
REG32(CXL_HDM_DEC_CTRL, 0x10)
    FIELD(CXL_HDM_DEC_CTRL, IG, 0, 4)
    FIELD(CXL_HDM_DEC_CTRL, IW, 4, 4)
    FIELD(CXL_HDM_DEC_CTRL, LOCK_ON_COMMIT, 8, 1)
    FIELD(CXL_HDM_DEC_CTRL, COMMIT, 9, 1)
    FIELD(CXL_HDM_DEC_CTRL, COMMITTED, 10, 1)
    FIELD(CXL_HDM_DEC_CTRL, ERR_NOT_COMMITTED, 11, 1)
    FIELD(CXL_HDM_DEC_CTRL, TARGET_TYPE, 12, 1)   /* 1: host-only coherent */
/* switch: target list; endpoint: DPA skip (bits 31:28 of the low DWORD) */
REG32(CXL_HDM_DEC_TL_LO, 0x14)
    FIELD(CXL_HDM_DEC_TL_LO, SKIP, 28, 4)
REG32(CXL_HDM_DEC_TL_HI, 0x18)

typedef struct CXLComponentRegs {
    MemoryRegion mr;                /* the 64 KiB block */
    bool has_hdm;
    bool has_ras;
    bool has_link;
    CXLHDMDecoderSet hdm;
    bool commit_bit[CXL_HDM_MAX_DECODERS];  /* Commit as written by software */
    uint32_t ras[CXL_RAS_LENGTH / 4];
    /* uncorrectable errors in order; the first is the first error */
    CXLRasRecord ras_pending[CXL_RAS_MAX_PENDING];
    unsigned ras_nr_pending;
    /*
     * The device whose block this is: the source of the state-change
     * notifications (hw/cxl/cxl-notify.h) a decoder commit, uncommit or
     * reset, or a change of HDM Decoder Enable, raises
     */
    Object *owner;
    const char *name;               /* for traces */
} CXLComponentRegs;

/*
 * Set up a component register block. @hdm_caps NULL: no HDM decoder
 * capability (a pass-through host bridge). RAS and link capabilities are
 * present on every CXL 2.0 port and device.
 */
void cxl_component_init(CXLComponentRegs *c, Object *owner, const char *name,
                        const CXLHDMCaps *hdm_caps);
/* Power-on state: decoders uncommitted and zero, RAS status clear. */
void cxl_component_reset(CXLComponentRegs *c);

/*
 * Platform firmware: program decoder @idx as @d and commit it, as if
 * software had written the registers and set Commit. False, with @why,
 * if the decoder model refuses the commit.
 */
bool cxl_component_fw_commit(CXLComponentRegs *c, unsigned idx,
                             const CXLHDMDecoder *d, const char **why);

/* Platform firmware: set HDM Decoder Enable (endpoints). */
void cxl_component_fw_enable_hdm(CXLComponentRegs *c);

/*
 * The device a QMP command's path argument names: its QOM path, or its id
 * (a device's id may also be the name of its bus, as pxb-cxl's is, so an
 * id is looked up among the user's devices first), of type @type (NULL:
 * any). The error names the argument "path".
 */
Object *cxl_qmp_device(const char *path, const char *type, Error **errp);

#endif /* HW_CXL_COMPONENT_H */
