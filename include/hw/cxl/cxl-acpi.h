/*
 * ACPI description of CXL: the CEDT table (CHBS per host bridge, CFMWS per
 * window), ACPI0016 host bridge objects and the ACPI0017 CXL root object.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_ACPI_H
#define HW_CXL_ACPI_H

#include "hw/acpi/aml-build.h"
#include "hw/acpi/bios-linker-loader.h"

typedef struct CXLMachineState CXLMachineState;

/* _HID, _CID and _OSC of the DSDT device of a CXL host bridge's root bus. */
void cxl_acpi_host_bridge(Aml *dev);
/* The ACPI0017 CXL root device (with the QTG _DSM), if CXL is enabled. */
void cxl_acpi_root_device(CXLMachineState *s, Aml *dsdt);
/* The CEDT table, if CXL is enabled. */
void cxl_acpi_build_cedt(CXLMachineState *s, GArray *table_offsets,
                         GArray *table_data, BIOSLinker *linker,
                         const char *oem_id, const char *oem_table_id);

/*
 * The acpi-generic-port objects (-object acpi-generic-port,id=..,
 * pci-bus=<pxb-cxl id>,node=N): at machine done, check that each names a
 * CXL host bridge and an existing NUMA node (false with @errp otherwise).
 */
bool cxl_acpi_check_generic_ports(Error **errp);
/* Their SRAT Generic Port Affinity structures. */
void cxl_acpi_build_srat(GArray *table_data);

#endif /* HW_CXL_ACPI_H */
