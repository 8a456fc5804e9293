/*
 * pcie-rcec: a PCI Express Root Complex Event Collector (see
 * hw/pci/pcie_rcec.c).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_PCI_PCIE_RCEC_H
#define HW_PCI_PCIE_RCEC_H

#include "hw/pci/pci_device.h"

#define TYPE_PCIE_RCEC "pcie-rcec"

/* Where the RCEC puts its capabilities in configuration space */
#define PCIE_RCEC_EXP_OFFSET    0x40
#define PCIE_RCEC_MSI_OFFSET    0x80
#define PCIE_RCEC_AER_OFFSET    0x100
#define PCIE_RCEC_EA_OFFSET     (PCIE_RCEC_AER_OFFSET + PCI_ERR_SIZEOF)
#define PCIE_RCEC_EA_SIZEOF     0x0c
#define PCIE_RCEC_EA_VER        2       /* with the Associated Bus Numbers */

/*
 * The RCEC that associates Root Complex Integrated Endpoint @rciep (its
 * RCEC Endpoint Association capability names @rciep's device number on
 * its own bus, or @rciep's bus in its bus range), or NULL. An RCiEP's
 * error messages go there (hw/pci/pcie_aer.c).
 */
PCIDevice *pcie_rcec_find(PCIDevice *rciep);

/*
 * An internal error the RCEC @rcec itself detects (PCIe: Corrected or
 * Uncorrectable Internal Error), logged in its AER capability and, when
 * unmasked and enabled, signalled to itself as a root: Root Error Status,
 * Error Source Identification (its own ID) and its AER interrupt. CXL 1.1
 * reports the errors of an RCH downstream port this way.
 */
void pcie_rcec_internal_error(PCIDevice *rcec, bool correctable);

#endif /* HW_PCI_PCIE_RCEC_H */
