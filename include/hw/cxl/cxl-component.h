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
#include "hw/pci/pci.h"
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
#define CXL_CM_CAP_ID_BI_RT             0xb     /* from memory of CXL r3.1 */
#define CXL_CM_CAP_ID_BI_DEC            0xc     /* from memory of CXL r3.1 */

/* Where our capabilities live inside the CXL.cache/mem area */
#define CXL_CM_RAS_OFFSET               0x100
#define CXL_CM_LINK_OFFSET              0x200
#define CXL_CM_HDM_OFFSET               0x400
/* past the HDM decoder capability with its maximum of 32 decoders */
#define CXL_CM_BI_DEC_OFFSET            0x900
#define CXL_CM_BI_RT_OFFSET             0xa00

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
    /*
     * Supported Coherency Models (from memory of CXL r3.1 8.2.4.20.1):
     * 0 unknown, 1 device-coherent (HDM-D), 2 host-only coherent (HDM-H),
     * 3 both, with device-coherent including HDM-DB (Back-Invalidate).
     * Upstream QEMU 11.1 reports 3 on hdm-db devices and 0 otherwise.
     */
    FIELD(CXL_HDM_CAP, COHERENCY, 21, 2)
#define CXL_HDM_COHERENCY_HDM_H_AND_D   3
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
    /*
     * BI (from memory of CXL r3.0+ 8.2.4.20.7): with Target Type 0, the
     * range is HDM-DB (device-coherent with Back-Invalidate) rather than
     * HDM-D. Writable on the decoders of hdm-db devices; reserved (reads
     * 0) elsewhere.
     */
    FIELD(CXL_HDM_DEC_CTRL, BI, 13, 1)
/* switch: target list; endpoint: DPA skip (bits 31:28 of the low DWORD) */
REG32(CXL_HDM_DEC_TL_LO, 0x14)
    FIELD(CXL_HDM_DEC_TL_LO, SKIP, 28, 4)
REG32(CXL_HDM_DEC_TL_HI, 0x18)

/*
 * BI Decoder capability (from memory of CXL r3.1 8.2.4.27): on devices
 * that issue Back-Invalidate (HDM-DB) and on the downstream ports above
 * them (root ports, switch downstream ports), whether BI messages are
 * enabled (device) or forwarded (port).
 */
#define CXL_BI_DEC_LENGTH       0xc
REG32(CXL_BI_DEC_CAP, 0x0)
    FIELD(CXL_BI_DEC_CAP, HDM_D_CAPABLE, 0, 1)
    FIELD(CXL_BI_DEC_CAP, EXPLICIT_COMMIT, 1, 1)
REG32(CXL_BI_DEC_CTRL, 0x4)
    FIELD(CXL_BI_DEC_CTRL, BI_FORWARD, 0, 1)    /* ports */
    FIELD(CXL_BI_DEC_CTRL, BI_ENABLE, 1, 1)     /* devices */
    FIELD(CXL_BI_DEC_CTRL, COMMIT, 2, 1)
REG32(CXL_BI_DEC_STATUS, 0x8)
    FIELD(CXL_BI_DEC_STATUS, COMMITTED, 0, 1)
    FIELD(CXL_BI_DEC_STATUS, ERR_NOT_COMMITTED, 1, 1)
    FIELD(CXL_BI_DEC_STATUS, TIMEOUT_SCALE, 8, 4)
    FIELD(CXL_BI_DEC_STATUS, TIMEOUT_BASE, 12, 4)

/*
 * BI Route Table capability (from memory of CXL r3.1 8.2.4.26): on
 * switch upstream ports, the table that routes BI responses back down to
 * the downstream port whose device sent the BI snoop. Here: the
 * capability, control and status registers, with explicit commit.
 */
#define CXL_BI_RT_LENGTH        0xc
REG32(CXL_BI_RT_CAP, 0x0)
    FIELD(CXL_BI_RT_CAP, EXPLICIT_COMMIT, 0, 1)
REG32(CXL_BI_RT_CTRL, 0x4)
    FIELD(CXL_BI_RT_CTRL, COMMIT, 0, 1)
REG32(CXL_BI_RT_STATUS, 0x8)
    FIELD(CXL_BI_RT_STATUS, COMMITTED, 0, 1)
    FIELD(CXL_BI_RT_STATUS, ERR_NOT_COMMITTED, 1, 1)
    FIELD(CXL_BI_RT_STATUS, TIMEOUT_SCALE, 8, 4)
    FIELD(CXL_BI_RT_STATUS, TIMEOUT_BASE, 12, 4)

/* Which BI capabilities a component register block has */
typedef enum CXLBICaps {
    CXL_BI_NONE = 0,
    CXL_BI_DECODER = 1 << 0,
    CXL_BI_ROUTE_TABLE = 1 << 1,
} CXLBICaps;

typedef struct CXLComponentRegs {
    MemoryRegion mr;                /* the 64 KiB block */
    bool has_hdm;
    bool has_ras;
    bool has_link;
    bool has_bi_dec;                /* BI Decoder capability */
    bool has_bi_rt;                 /* BI Route Table capability */
    uint32_t bi_dec_ctrl;           /* as written by software */
    bool bi_dec_committed;
    uint32_t bi_rt_ctrl;
    bool bi_rt_committed;
    CXLHDMDecoderSet hdm;
    bool commit_bit[CXL_HDM_MAX_DECODERS];  /* Commit as written by software */
    uint32_t ras[CXL_RAS_LENGTH / 4];
    /* uncorrectable errors in order; the first is the first error */
    CXLRasRecord ras_pending[CXL_RAS_MAX_PENDING];
    unsigned ras_nr_pending;
    /* migration: each decoder's target list or DPA skip, as a number */
    uint64_t mig_tl[CXL_HDM_MAX_DECODERS];
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
/*
 * Add the Back-Invalidate capabilities @bi to the block (after
 * cxl_component_init(), before the guest sees it). A BI Decoder on an
 * endpoint also makes the HDM decoders HDM-DB capable: the Supported
 * Coherency Models of the HDM Decoder Capability and the BI bit of the
 * decoder control registers.
 */
void cxl_component_init_bi(CXLComponentRegs *c, CXLBICaps bi);

/*
 * Ports (root ports, switch ports): whether a device with hdm-db=on sits
 * anywhere below @bus, the secondary bus of the port. Ports give
 * themselves their BI capabilities at reset when one does (a root port or
 * downstream port the BI Decoder, an upstream port the BI Route Table),
 * so the register blocks of topologies without Back-Invalidate stay as
 * they were. Memory devices are not hot-pluggable: the answer is fixed
 * once the machine is built.
 */
bool cxl_bus_has_hdm_db(PCIBus *bus);
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

/* The device the user created with id @id (-device ...,id=ID), or NULL */
Object *cxl_peripheral(const char *id);

/*
 * The device a QMP command's path argument names: its QOM path, or its id
 * (a device's id may also be the name of its bus, as pxb-cxl's is, so an
 * id is looked up among the user's devices first), of type @type (NULL:
 * any). The error names the argument "path".
 */
Object *cxl_qmp_device(const char *path, const char *type, Error **errp);

/*
 * The block's state for the owner's VMStateDescription (VMSTATE_STRUCT):
 * decoders, BI and RAS registers. Loading checks every committed decoder
 * as a commit would and raises a state-change notification (the routes,
 * the fast path and the address-space mappings are rebuilt from it).
 */
extern const VMStateDescription vmstate_cxl_component;

#endif /* HW_CXL_COMPONENT_H */
