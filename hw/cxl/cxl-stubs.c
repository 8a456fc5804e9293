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
#include "qapi/error.h"
#include "qapi/qapi-commands-cxl.h"

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

hwaddr cxl_machine_windows_end(CXLMachineState *s, hwaddr start)
{
    return start;
}

void cxl_machine_map_registers(CXLMachineState *s, MemoryRegion *sysmem,
                               hwaddr base, uint64_t size)
{
}

hwaddr cxl_machine_map_windows(CXLMachineState *s, MemoryRegion *sysmem,
                               hwaddr start)
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

bool cxl_acpi_check_generic_ports(Error **errp)
{
    return true;
}

void cxl_acpi_build_srat(GArray *table_data)
{
}

/* QMP commands of cxl-type3 (qapi/cxl.json) */
static void cxl_unavailable(Error **errp)
{
    error_setg(errp, "CXL is not available in this QEMU");
}

void qmp_cxl_inject_general_media_event(const char *path, CxlEventLog log,
                                        uint8_t flags, uint64_t dpa,
                                        uint8_t descriptor, uint8_t type,
                                        uint8_t transaction_type,
                                        bool has_channel, uint8_t channel,
                                        bool has_rank, uint8_t rank,
                                        bool has_device, uint32_t device,
                                        const char *component_id,
                                        bool has_is_comp_id_pldm,
                                        bool is_comp_id_pldm,
                                        bool has_sub_type, uint8_t sub_type,
                                        bool has_cme_ev_flags,
                                        uint8_t cme_ev_flags,
                                        bool has_cme_count, uint32_t cme_count,
                                        bool has_maint_op_class,
                                        uint8_t maint_op_class,
                                        bool has_maint_op_subclass,
                                        uint8_t maint_op_subclass,
                                        bool has_ld_id, uint16_t ld_id,
                                        bool has_head_id, uint8_t head_id,
                                        Error **errp)
{
    cxl_unavailable(errp);
}

void qmp_cxl_inject_dram_event(const char *path, CxlEventLog log,
                               uint8_t flags, uint64_t dpa,
                               uint8_t descriptor, uint8_t type,
                               uint8_t transaction_type, bool has_channel,
                               uint8_t channel, bool has_rank, uint8_t rank,
                               bool has_nibble_mask, uint32_t nibble_mask,
                               bool has_bank_group, uint8_t bank_group,
                               bool has_bank, uint8_t bank, bool has_row,
                               uint32_t row, bool has_column, uint16_t column,
                               bool has_correction_mask,
                               uint64List *correction_mask,
                               const char *component_id,
                               bool has_is_comp_id_pldm, bool is_comp_id_pldm,
                               bool has_sub_channel, uint8_t sub_channel,
                               bool has_sub_type, uint8_t sub_type,
                               bool has_cme_ev_flags, uint8_t cme_ev_flags,
                               bool has_cvme_count, uint32_t cvme_count,
                               bool has_maint_op_class, uint8_t maint_op_class,
                               bool has_maint_op_subclass,
                               uint8_t maint_op_subclass,
                               bool has_ld_id, uint16_t ld_id,
                               bool has_head_id, uint8_t head_id,
                               Error **errp)
{
    cxl_unavailable(errp);
}

void qmp_cxl_inject_memory_module_event(const char *path, CxlEventLog log,
                                        uint8_t flags, uint8_t type,
                                        uint8_t health_status,
                                        uint8_t media_status,
                                        uint8_t additional_status,
                                        uint8_t life_used,
                                        int16_t temperature,
                                        uint32_t dirty_shutdown_count,
                                        uint32_t corrected_volatile_error_count,
                                        uint32_t corrected_persistent_error_count,
                                        const char *component_id,
                                        bool has_is_comp_id_pldm,
                                        bool is_comp_id_pldm,
                                        bool has_sub_type, uint8_t sub_type,
                                        bool has_maint_op_class,
                                        uint8_t maint_op_class,
                                        bool has_maint_op_subclass,
                                        uint8_t maint_op_subclass,
                                        bool has_ld_id, uint16_t ld_id,
                                        bool has_head_id, uint8_t head_id,
                                        Error **errp)
{
    cxl_unavailable(errp);
}

void qmp_cxl_inject_memory_sparing_event(const char *path, CxlEventLog log,
                                         uint8_t flags, uint8_t sparing_flags,
                                         uint8_t result,
                                         uint16_t resources_available,
                                         bool has_channel, uint8_t channel,
                                         bool has_rank, uint8_t rank,
                                         bool has_nibble_mask,
                                         uint32_t nibble_mask,
                                         bool has_bank_group,
                                         uint8_t bank_group, bool has_bank,
                                         uint8_t bank, bool has_row,
                                         uint32_t row, bool has_column,
                                         uint16_t column,
                                         const char *component_id,
                                         bool has_sub_channel,
                                         uint8_t sub_channel, Error **errp)
{
    cxl_unavailable(errp);
}

void qmp_cxl_inject_poison(const char *path, uint64_t start, uint64_t length,
                           Error **errp)
{
    cxl_unavailable(errp);
}

void qmp_cxl_inject_uncorrectable_errors(const char *path,
                                         CXLUncorErrorRecordList *errors,
                                         Error **errp)
{
    cxl_unavailable(errp);
}

void qmp_cxl_inject_correctable_error(const char *path, CxlCorErrorType type,
                                      Error **errp)
{
    cxl_unavailable(errp);
}


void qmp_cxl_add_dynamic_capacity(const char *path, uint16_t host_id,
                                  CxlExtentSelectionPolicy selection_policy,
                                  uint8_t region, const char *tag,
                                  CxlDynamicCapacityExtentList *extents,
                                  Error **errp)
{
    cxl_unavailable(errp);
}

void qmp_cxl_release_dynamic_capacity(const char *path, uint16_t host_id,
                                      CxlExtentRemovalPolicy removal_policy,
                                      bool has_forced_removal,
                                      bool forced_removal,
                                      bool has_sanitize_on_release,
                                      bool sanitize_on_release,
                                      uint8_t region, const char *tag,
                                      CxlDynamicCapacityExtentList *extents,
                                      Error **errp)
{
    cxl_unavailable(errp);
}

CxlDynamicCapacityInfo *qmp_cxl_query_dynamic_capacity(const char *path,
                                                       Error **errp)
{
    cxl_unavailable(errp);
    return NULL;
}

void qmp_cxl_bind_vppb(const char *path, uint8_t vppb, bool has_port,
                       uint8_t port, bool has_vcs, uint8_t vcs,
                       bool has_ld_id, uint16_t ld_id, Error **errp)
{
    cxl_unavailable(errp);
}

void qmp_cxl_unbind_vppb(const char *path, uint8_t vppb, bool has_mode,
                         CxlUnbindMode mode, bool has_vcs, uint8_t vcs,
                         Error **errp)
{
    cxl_unavailable(errp);
}

void qmp_cxl_set_ld_allocations(const char *path, sizeList *sizes,
                                bool has_start_ld, uint8_t start_ld,
                                Error **errp)
{
    cxl_unavailable(errp);
}

CxlSwitchInfo *qmp_cxl_query_switch(const char *path, Error **errp)
{
    cxl_unavailable(errp);
    return NULL;
}
