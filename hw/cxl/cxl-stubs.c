/*
 * Stubs for machines built without CONFIG_CXL: the machine has no CXL
 * options, and the hooks do nothing.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "hw/cxl/cxl-machine.h"
#include "hw/cxl/cxl-acpi.h"

CXLMachineState *cxl_machine_create(Object *machine)
{
    return NULL;
}

CXLMachineState *cxl_machine_get(void)
{
    return NULL;
}

bool cxl_machine_enabled(CXLMachineState *s)
{
    return false;
}

hwaddr cxl_machine_area_end(CXLMachineState *s, hwaddr start)
{
    return start;
}

hwaddr cxl_machine_map(CXLMachineState *s, MemoryRegion *sysmem, hwaddr start)
{
    return start;
}

void cxl_machine_done(CXLMachineState *s, Error **errp)
{
}

void cxl_acpi_host_bridge(Aml *dev)
{
}

void cxl_acpi_root_device(CXLMachineState *s, Aml *dsdt)
{
}

void cxl_acpi_build_cedt(CXLMachineState *s, GArray *table_offsets,
                         GArray *table_data, BIOSLinker *linker,
                         const char *oem_id, const char *oem_table_id)
{
}
