/*
 * CXL DVSECs (Designated Vendor-Specific Extended Capabilities, CXL r3.1
 * 8.1) in PCI configuration space, shared by ports and devices.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_DVSEC_H
#define HW_CXL_DVSEC_H

#include "hw/pci/pci_device.h"
#include "hw/pci/pcie_regs.h"

#define CXL_VENDOR_ID                   0x1e98

/*
 * The sn property's default, as upstream QEMU's: no serial number. The
 * device then has no PCIe Device Serial Number capability and reports
 * serial number 0 where a command carries one (Identify); any other value,
 * 0 included, is a serial number, with the capability.
 */
#define CXL_SN_UNSET                    UINT64_MAX

static inline uint64_t cxl_serial(uint64_t sn)
{
    return sn == CXL_SN_UNSET ? 0 : sn;
}

/* DVSEC IDs */
#define CXL_DVSEC_DEVICE                0
#define CXL_DVSEC_PORT_EXT              3
#define CXL_DVSEC_PORT_GPF              4
#define CXL_DVSEC_DEVICE_GPF            5
#define CXL_DVSEC_FLEXBUS_PORT          7
#define CXL_DVSEC_REG_LOCATOR           8

/* Lengths (including the 10-byte DVSEC header) */
#define CXL_DVSEC_PORT_EXT_LENGTH       0x28
#define CXL_DVSEC_PORT_GPF_LENGTH       0x10
#define CXL_DVSEC_FLEXBUS_LENGTH        0x20

/* Register Locator block identifiers */
#define CXL_REGLOC_COMPONENT            1
#define CXL_REGLOC_MEMDEV               3

typedef struct CXLRegBlock {
    uint8_t bar;                /* BAR indicator register */
    uint8_t id;                 /* CXL_REGLOC_* */
    uint64_t offset;            /* within the BAR, 64 KiB aligned */
} CXLRegBlock;

/* Configuration space used by the DVSECs a port carries (one block) */
#define CXL_PORT_DVSECS_SIZE \
    (CXL_DVSEC_PORT_EXT_LENGTH + CXL_DVSEC_PORT_GPF_LENGTH + \
     CXL_DVSEC_FLEXBUS_LENGTH + 0x0c + 8)

/*
 * Add the DVSECs of a CXL root or switch port from config offset @offset:
 * port extensions, GPF for ports, flex bus port (trained as CXL.io and
 * CXL.mem) and a register locator listing the @n blocks @regs. Returns
 * the first free offset after them.
 */
uint16_t cxl_dvsec_add_port(PCIDevice *d, uint16_t offset,
                            const CXLRegBlock *regs, unsigned n);

/* Add the CXL extensions DVSEC for ports at @offset; returns its end. */
uint16_t cxl_dvsec_add_port_ext(PCIDevice *d, uint16_t offset);

/*
 * Add a flex bus port DVSEC (CXL.io and CXL.mem capable and trained) at
 * @offset; returns its end.
 */
uint16_t cxl_dvsec_add_flexbus(PCIDevice *d, uint16_t offset);

/* Add a register locator DVSEC listing @n blocks; returns its end. */
uint16_t cxl_dvsec_add_register_locator(PCIDevice *d, uint16_t offset,
                                        const CXLRegBlock *blocks, unsigned n);

/*
 * Make a CXL root or switch port's I/O window registers read-only zero:
 * the port forwards no I/O space.
 */
void cxl_port_disable_io_window(PCIDevice *d);

/*
 * PCIe link properties (x-speed, x-width, x-256b-flit) of an endpoint or a
 * switch upstream port: Link Capabilities (and Capabilities 2) and Link
 * Status report @speed and @width (QEMU's pcie_cap_fill_link_ep_usp()),
 * the PCIe Capabilities register Flit Mode Supported when @flit; Link
 * Status 2 Flit Mode Status when the port above supports flit mode too
 * (a link runs in flit mode only when both ends do).
 */
void cxl_link_init_ep_usp(PCIDevice *d, PCIExpLinkSpeed speed,
                          PCIExpLinkWidth width, bool flit);

/*
 * Flit Mode Supported of a root or downstream port (whose speed and width
 * come from PCIESlot's x-speed and x-width).
 */
void cxl_link_init_port_flit(PCIDevice *d, bool flit);

/*
 * config_read of a root or downstream port: pci_default_read_config(), and
 * a read of Link Status 2 reports Flit Mode Status from the device below
 * the port: set when the port and that device both support flit mode.
 */
uint32_t cxl_port_read_config(PCIDevice *d, uint32_t addr, int len);

/* Add an empty DVSEC header of @length bytes; returns @offset. */
uint16_t cxl_dvsec_add(PCIDevice *d, uint16_t offset, uint16_t id,
                       uint8_t rev, uint16_t length);

#endif /* HW_CXL_DVSEC_H */
