/*
 * Root Complex Register Blocks of a CXL 1.1 Restricted CXL Host (see
 * include/hw/cxl/cxl-rcrb.h).
 *
 * An RCRB is 4 KiB of memory-mapped registers that stand in for the
 * configuration space a CXL 1.1 port does not have. The CEDT CHBS of an
 * RCH gives the base of two of them (8 KiB): the RCH downstream port's,
 * then the RCD upstream port's. What Linux reads of them (drivers/cxl:
 * __rcrb_to_component(), cxl_rcrb_to_linkcap()):
 *  - 00h Vendor ID / Device ID (all ones: no port there; the downstream
 *    port's Device ID is a capability pointer, see below);
 *  - 04h Command (Memory Space Enable set, as firmware leaves it) and
 *    Status (Capabilities List);
 *  - 10h/14h MEMBAR0, a 64-bit memory BAR with the 64 KiB aligned address
 *    of the port's component registers (programmed by firmware;
 *    read-only here);
 *  - 34h Capabilities Pointer, and in the downstream port's a PCIe
 *    capability whose Link Capabilities and Link Status tell the link to
 *    the RCD (Linux's rcd_link_cap and friends in sysfs).
 * The downstream port's extended capabilities start at 100h with the Flex
 * Bus Port DVSEC (CXL.io and CXL.mem capable, enabled and trained as such;
 * CXL 1.1 links run 68B flits without VH), then its AER capability at
 * CXL_RCRB_AER, which ends the chain. Linux finds that AER capability
 * (cxl_rcrb_to_aer()) by reading the first DWORD as an extended
 * capability header and following its Next Capability Offset, bits
 * [31:20]: the downstream port's Device ID (bits [15:4] of it) is that
 * pointer, the offset of its first extended capability (100h), not an
 * ID. The AER capability is a root port's (with the Root Error registers)
 * and logs the port's errors as internal errors, whose detail is in the
 * RAS capability of the port's component registers; the RCEC associated
 * with the RCD reports them (hw/cxl/cxl-ras.c, hw/pci/pcie_rcec.c). As
 * firmware that hands error handling to the OS leaves it, the internal
 * errors are unmasked (Linux does not unmask them there).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "hw/pci/pci_regs.h"
#include "hw/pci/pcie_regs.h"
#include "hw/pci/pci.h"
#include "hw/pci/pcie_aer.h"
#include "hw/cxl/cxl-dvsec.h"
#include "hw/cxl/cxl-rcrb.h"

#define RCRB_FLEXBUS_CAP_IO     BIT(1)
#define RCRB_FLEXBUS_CAP_MEM    BIT(2)

static uint64_t rcrb_read(void *opaque, hwaddr addr, unsigned size)
{
    CXLRCRB *r = opaque;

    if (!r->present) {
        return MAKE_64BIT_MASK(0, size * 8);
    }
    return ldn_le_p(r->regs + addr, size);
}

static void rcrb_write(void *opaque, hwaddr addr, uint64_t val,
                       unsigned size)
{
    CXLRCRB *r = opaque;

    if (!r->present) {
        return;
    }
    for (unsigned i = 0; i < size; i++, val >>= 8) {
        uint8_t m = r->wmask[addr + i];
        uint8_t w1c = r->w1cmask[addr + i];

        r->regs[addr + i] = (r->regs[addr + i] & ~m) | (val & m);
        r->regs[addr + i] &= ~(val & w1c);
    }
}

static const MemoryRegionOps rcrb_ops = {
    .read = rcrb_read,
    .write = rcrb_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

void cxl_rcrb_init(CXLRCRB *r, Object *owner, const char *name)
{
    memory_region_init_io(&r->mr, owner, &rcrb_ops, r, name, CXL_RCRB_SIZE);
    cxl_rcrb_clear(r);
}

void cxl_rcrb_clear(CXLRCRB *r)
{
    r->present = false;
    memset(r->regs, 0, sizeof(r->regs));
    memset(r->wmask, 0, sizeof(r->wmask));
    memset(r->w1cmask, 0, sizeof(r->w1cmask));
}

static void rcrb_set_mask(uint8_t *mask, uint16_t off, uint32_t val)
{
    stl_le_p(mask + off, val);
}

static void rcrb_add_flexbus(CXLRCRB *r, uint16_t o)
{
    const uint16_t modes = RCRB_FLEXBUS_CAP_IO | RCRB_FLEXBUS_CAP_MEM;

    /* an extended capability header, then the DVSEC; AER next */
    stl_le_p(r->regs + o, PCI_EXT_CAP_ID_DVSEC | 1 << 16 |
             (uint32_t)CXL_RCRB_AER << 20);
    stl_le_p(r->regs + o + 4, CXL_VENDOR_ID | 2 << 16 |
             (uint32_t)CXL_DVSEC_FLEXBUS_LENGTH << 20);
    stw_le_p(r->regs + o + 8, CXL_DVSEC_FLEXBUS_PORT);
    stw_le_p(r->regs + o + 0x0a, modes);        /* capable */
    stw_le_p(r->regs + o + 0x0c, modes);        /* control: enabled */
    stw_le_p(r->regs + o + 0x0e, modes);        /* status: trained */
}

/* A root port's AER capability, the last in the chain */
static void rcrb_add_aer(CXLRCRB *r, uint16_t o)
{
    stl_le_p(r->regs + o, PCI_EXT_CAP_ID_ERR | PCI_ERR_VER << 16);
    /* internal errors unmasked, as firmware handing RAS to the OS does */
    stl_le_p(r->regs + o + PCI_ERR_UNCOR_SEVER, PCI_ERR_UNC_SEVERITY_DEFAULT);
    stl_le_p(r->regs + o + PCI_ERR_COR_MASK,
             PCI_ERR_COR_MASK_DEFAULT & ~PCI_ERR_COR_INTERNAL);
    rcrb_set_mask(r->w1cmask, o + PCI_ERR_UNCOR_STATUS, PCI_ERR_UNC_SUPPORTED);
    rcrb_set_mask(r->wmask, o + PCI_ERR_UNCOR_MASK, PCI_ERR_UNC_SUPPORTED);
    rcrb_set_mask(r->wmask, o + PCI_ERR_UNCOR_SEVER, PCI_ERR_UNC_SUPPORTED);
    rcrb_set_mask(r->w1cmask, o + PCI_ERR_COR_STATUS, PCI_ERR_COR_SUPPORTED);
    rcrb_set_mask(r->wmask, o + PCI_ERR_COR_MASK, PCI_ERR_COR_SUPPORTED);
    rcrb_set_mask(r->wmask, o + PCI_ERR_ROOT_COMMAND,
                  PCI_ERR_ROOT_CMD_EN_MASK);
    rcrb_set_mask(r->w1cmask, o + PCI_ERR_ROOT_STATUS,
                  PCI_ERR_ROOT_STATUS_REPORT_MASK);
}

bool cxl_rcrb_aer_record(CXLRCRB *r, bool correctable)
{
    uint8_t *aer = r->regs + CXL_RCRB_AER;
    uint32_t bit, status, mask, cap;

    if (!r->present) {
        return false;
    }
    if (correctable) {
        bit = PCI_ERR_COR_INTERNAL;
        stl_le_p(aer + PCI_ERR_COR_STATUS,
                 ldl_le_p(aer + PCI_ERR_COR_STATUS) | bit);
        return !(ldl_le_p(aer + PCI_ERR_COR_MASK) & bit);
    }
    bit = PCI_ERR_UNC_INTN;
    status = ldl_le_p(aer + PCI_ERR_UNCOR_STATUS);
    mask = ldl_le_p(aer + PCI_ERR_UNCOR_MASK);
    if (!(mask & bit) && !(status & ~mask)) {
        /* the first unmasked error: First Error Pointer; no TLP header */
        cap = ldl_le_p(aer + PCI_ERR_CAP) & ~PCI_ERR_CAP_FEP_MASK;
        stl_le_p(aer + PCI_ERR_CAP, cap | PCI_ERR_CAP_FEP(ctz32(bit)));
        memset(aer + PCI_ERR_HEADER_LOG, 0, PCI_ERR_HEADER_LOG_SIZE);
    }
    stl_le_p(aer + PCI_ERR_UNCOR_STATUS, status | bit);
    return !(mask & bit);
}

void cxl_rcrb_build(CXLRCRB *r, const CXLRCRBInfo *info)
{
    cxl_rcrb_clear(r);
    r->present = true;
    stw_le_p(r->regs + PCI_VENDOR_ID, info->vendor_id);
    /* downstream: the pointer to the extended capabilities (see above) */
    stw_le_p(r->regs + PCI_DEVICE_ID,
             info->downstream ? CXL_RCRB_EXT_CAP << 4 : info->device_id);
    stw_le_p(r->regs + PCI_COMMAND, PCI_COMMAND_MEMORY);
    stl_le_p(r->regs + PCI_CLASS_REVISION, info->class_rev);
    r->regs[PCI_HEADER_TYPE] = info->downstream ? PCI_HEADER_TYPE_BRIDGE
                                                : PCI_HEADER_TYPE_NORMAL;
    stl_le_p(r->regs + PCI_BASE_ADDRESS_0, (info->membar0 & 0xffff0000u) |
             PCI_BASE_ADDRESS_SPACE_MEMORY | PCI_BASE_ADDRESS_MEM_TYPE_64);
    stl_le_p(r->regs + PCI_BASE_ADDRESS_1, info->membar0 >> 32);
    if (!info->downstream) {
        return;
    }

    stw_le_p(r->regs + PCI_STATUS, PCI_STATUS_CAP_LIST);
    r->regs[PCI_CAPABILITY_LIST] = CXL_RCRB_PCIE_CAP;
    r->regs[CXL_RCRB_PCIE_CAP + PCI_CAP_LIST_ID] = PCI_CAP_ID_EXP;
    r->regs[CXL_RCRB_PCIE_CAP + PCI_CAP_LIST_NEXT] = 0;
    stw_le_p(r->regs + CXL_RCRB_PCIE_CAP + PCI_EXP_FLAGS,
             PCI_EXP_FLAGS_VER2 | PCI_EXP_TYPE_ROOT_PORT << 4);
    stl_le_p(r->regs + CXL_RCRB_PCIE_CAP + PCI_EXP_LNKCAP, info->lnkcap);
    stw_le_p(r->regs + CXL_RCRB_PCIE_CAP + PCI_EXP_LNKSTA, info->lnksta);
    rcrb_add_flexbus(r, CXL_RCRB_EXT_CAP);
    rcrb_add_aer(r, CXL_RCRB_AER);
}
