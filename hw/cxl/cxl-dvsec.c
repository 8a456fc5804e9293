/*
 * CXL DVSECs in configuration space (see include/hw/cxl/cxl-dvsec.h).
 *
 * Layouts (CXL r3.1 8.1; field offsets as Linux's pci_regs.h has them):
 *  every DVSEC: extended capability header, Header 1 (vendor 0x1e98,
 *  revision [19:16], length [31:20]) at +4, Header 2 (DVSEC ID) at +8;
 *  port extensions: Port Control Extensions at +0xc (unmask SBR bit 0,
 *  unmask link disable bit 1);
 *  GPF for ports: phase 1 and phase 2 control at +0xc and +0xe
 *  (timeout base [3:0], scale [11:8]);
 *  flex bus port: capability +0xa, control +0xc, status +0xe (bit 0
 *  CXL.cache, bit 1 CXL.io, bit 2 CXL.mem);
 *  register locator: from +0xc, 8 bytes per block: low DWORD BIR [2:0],
 *  block ID [15:8], offset [31:16]; high DWORD offset [63:32].
 *
 * Also the PCIe link helpers of the CXL devices and ports (their x-speed,
 * x-width and x-256b-flit properties): PCIe Capabilities Flit Mode
 * Supported (bit 15) and Link Status 2 Flit Mode Status (bit 10), the bit
 * Linux's cxl_pci_flit_256() reads.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "qemu/range.h"
#include "hw/pci/pci_bridge.h"
#include "hw/pci/pcie.h"
#include "hw/cxl/cxl-dvsec.h"

#define FLEXBUS_CACHE   BIT(0)
#define FLEXBUS_IO      BIT(1)
#define FLEXBUS_MEM     BIT(2)
#define FLEXBUS_68B_VH  BIT(5)

uint16_t cxl_dvsec_add(PCIDevice *d, uint16_t offset, uint16_t id,
                       uint8_t rev, uint16_t length)
{
    pcie_add_capability(d, PCI_EXT_CAP_ID_DVSEC, 1, offset, length);
    pci_set_long(d->config + offset + 4,
                 CXL_VENDOR_ID | (rev << 16) | ((uint32_t)length << 20));
    pci_set_word(d->config + offset + 8, id);
    return offset;
}

uint16_t cxl_dvsec_add_register_locator(PCIDevice *d, uint16_t offset,
                                        const CXLRegBlock *blocks, unsigned n)
{
    uint16_t len = 0x0c + 8 * n;

    cxl_dvsec_add(d, offset, CXL_DVSEC_REG_LOCATOR, 0, len);
    for (unsigned i = 0; i < n; i++) {
        uint32_t lo = (blocks[i].bar & 7) | (blocks[i].id << 8) |
                      (blocks[i].offset & 0xffff0000u);

        pci_set_long(d->config + offset + 0x0c + 8 * i, lo);
        pci_set_long(d->config + offset + 0x10 + 8 * i, blocks[i].offset >> 32);
    }
    return offset + len;
}

uint16_t cxl_dvsec_add_flexbus(PCIDevice *d, uint16_t o)
{
    const uint16_t modes = FLEXBUS_IO | FLEXBUS_MEM | FLEXBUS_68B_VH;

    /* CXL.io and CXL.mem capable, enabled and trained as such */
    cxl_dvsec_add(d, o, CXL_DVSEC_FLEXBUS_PORT, 2, CXL_DVSEC_FLEXBUS_LENGTH);
    pci_set_word(d->config + o + 0x0a, modes);
    pci_set_word(d->config + o + 0x0c, modes);
    pci_set_word(d->wmask + o + 0x0c, modes);
    pci_set_word(d->config + o + 0x0e, modes);
    return o + CXL_DVSEC_FLEXBUS_LENGTH;
}

uint16_t cxl_dvsec_add_port_ext(PCIDevice *d, uint16_t o)
{
    /* port extensions: Unmask SBR / Unmask Link Disable are RW */
    cxl_dvsec_add(d, o, CXL_DVSEC_PORT_EXT, 0, CXL_DVSEC_PORT_EXT_LENGTH);
    pci_set_word(d->wmask + o + 0x0c, 0x3);
    return o + CXL_DVSEC_PORT_EXT_LENGTH;
}

uint16_t cxl_dvsec_add_port(PCIDevice *d, uint16_t offset,
                            const CXLRegBlock *regs, unsigned n)
{
    uint16_t o = cxl_dvsec_add_port_ext(d, offset);

    /* GPF: timeouts are software-programmed */
    cxl_dvsec_add(d, o, CXL_DVSEC_PORT_GPF, 0, CXL_DVSEC_PORT_GPF_LENGTH);
    pci_set_word(d->wmask + o + 0x0c, 0x0f0f);
    pci_set_word(d->wmask + o + 0x0e, 0x0f0f);
    o += CXL_DVSEC_PORT_GPF_LENGTH;

    o = cxl_dvsec_add_flexbus(d, o);
    return cxl_dvsec_add_register_locator(d, o, regs, n);
}

void cxl_port_disable_io_window(PCIDevice *d)
{
    /*
     * The I/O base and limit registers are optional in a bridge; reading
     * as zero they tell the OS there is no I/O window (Linux probes them
     * in pci_read_bridge_windows()). CXL memory devices have no I/O BARs,
     * and the 64 KiB of I/O space would not stretch to the hot-plug
     * reservations of dozens of CXL ports.
     */
    pci_set_byte(d->config + PCI_IO_BASE, 0);
    pci_set_byte(d->config + PCI_IO_LIMIT, 0);
    pci_set_word(d->config + PCI_IO_BASE_UPPER16, 0);
    pci_set_word(d->config + PCI_IO_LIMIT_UPPER16, 0);
    pci_set_byte(d->wmask + PCI_IO_BASE, 0);
    pci_set_byte(d->wmask + PCI_IO_LIMIT, 0);
    pci_set_word(d->wmask + PCI_IO_BASE_UPPER16, 0);
    pci_set_word(d->wmask + PCI_IO_LIMIT_UPPER16, 0);
}

static bool cxl_link_flit_supported(PCIDevice *d)
{
    return d && d->exp.exp_cap &&
           (pci_get_word(d->config + d->exp.exp_cap + PCI_EXP_FLAGS) &
            PCI_EXP_FLAGS_FLIT);
}

static void cxl_link_set_flit_status(PCIDevice *d, bool on)
{
    uint8_t *lnksta2 = d->config + d->exp.exp_cap + PCI_EXP_LNKSTA2;

    if (on) {
        pci_word_test_and_set_mask(lnksta2, PCI_EXP_LNKSTA2_FLIT);
    } else {
        pci_word_test_and_clear_mask(lnksta2, PCI_EXP_LNKSTA2_FLIT);
    }
}

void cxl_link_init_port_flit(PCIDevice *d, bool flit)
{
    if (flit) {
        pci_word_test_and_set_mask(d->config + d->exp.exp_cap +
                                   PCI_EXP_FLAGS, PCI_EXP_FLAGS_FLIT);
    }
}

void cxl_link_init_ep_usp(PCIDevice *d, PCIExpLinkSpeed speed,
                          PCIExpLinkWidth width, bool flit)
{
    pcie_cap_fill_link_ep_usp(d, width, speed);
    cxl_link_init_port_flit(d, flit);
    cxl_link_set_flit_status(d, flit &&
                             cxl_link_flit_supported(pci_get_bus(d)->parent_dev));
}

uint32_t cxl_port_read_config(PCIDevice *d, uint32_t addr, int len)
{
    PCIBus *sec = pci_bridge_get_sec_bus(PCI_BRIDGE(d));

    if (ranges_overlap(addr, len, d->exp.exp_cap + PCI_EXP_LNKSTA2, 2)) {
        cxl_link_set_flit_status(d, cxl_link_flit_supported(d) &&
                                 cxl_link_flit_supported(sec->devices[0]));
    }
    return pci_default_read_config(d, addr, len);
}
