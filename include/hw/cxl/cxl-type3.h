/*
 * cxl-type3: CXL Type 3 memory device (see hw/cxl/cxl-type3.c).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_TYPE3_H
#define HW_CXL_TYPE3_H

#include "hw/pci/pci_device.h"
#include "hw/pci/pcie_doe.h"
#include "system/hostmem.h"
#include "hw/cxl/cxl-cci.h"
#include "hw/cxl/cxl-component.h"
#include "hw/cxl/cxl-device-regs.h"
#include "hw/cxl/cxl-events.h"

#define TYPE_CXL_TYPE3 "cxl-type3"
OBJECT_DECLARE_SIMPLE_TYPE(CXLType3Dev, CXL_TYPE3)

#define CXL_TYPE3_DECODERS              4
#define CXL_TYPE3_DEFAULT_PAYLOAD       (256 * 1024)
#define CXL_TYPE3_FW_REVISION           "QEMU CXL 1.0"

/* Get/Set Alert Configuration state (CXL r3.1 8.2.9.9.3.2) */
typedef struct CXLAlertConfig {
    uint8_t valid;              /* programmable warning thresholds enabled */
    uint8_t life_used_crit;
    uint8_t life_used_warn;
    int16_t over_temp_crit;
    int16_t under_temp_crit;
    int16_t over_temp_warn;
    int16_t under_temp_warn;
    uint16_t corr_volatile_warn;
    uint16_t corr_persistent_warn;
} CXLAlertConfig;

/* Health (Get Health Info, CXL r3.1 8.2.9.9.3.1) */
typedef struct CXLHealth {
    uint8_t health_status;
    uint8_t media_status;
    uint8_t life_used;          /* percent */
    int16_t temperature;        /* degrees Celsius */
    uint32_t dirty_shutdowns;
    uint32_t corrected_volatile;
    uint32_t corrected_persistent;
} CXLHealth;

struct CXLType3Dev {
    PCIDevice parent_obj;

    /* properties */
    HostMemoryBackend *hostvmem;
    HostMemoryBackend *hostpmem;
    HostMemoryBackend *lsa;
    uint64_t sn;
    char *cdat_file;
    uint32_t payload_size;

    uint64_t vsize;             /* volatile capacity: DPA [0, vsize) */
    uint64_t psize;             /* persistent: DPA [vsize, vsize + psize) */
    uint8_t *vptr;              /* host pointers to the backends */
    uint8_t *pptr;

    CXLComponentRegs comp;
    CXLDeviceRegs devregs;
    MemoryRegion bar_regs;      /* BAR 2: the device register block */
    CXLCCI cci;
    CXLEventLogs events;
    DOECap doe;
    GByteArray *cdat;
    uint16_t dvsec_device;      /* config offset of the CXL device DVSEC */

    bool shutdown_dirty;        /* Set Shutdown State */
    CXLHealth health;
    CXLAlertConfig alerts;
};

/* The memory device command set (cxl-type3-cmds.c) */
extern const CXLCCICommand cxl_type3_commands[];
extern const size_t cxl_type3_commands_len;

/*
 * Routing: the DPA the device's committed decoders map @hpa to. False if
 * no committed decoder claims it.
 */
bool cxl_type3_decode(CXLType3Dev *ct3, uint64_t hpa, uint64_t *dpa);
/* CXL.mem enabled (Mem_Enable in the CXL device DVSEC control register) */
bool cxl_type3_mem_enabled(CXLType3Dev *ct3);
/* Platform firmware: set Mem_Enable. */
void cxl_type3_fw_enable_mem(CXLType3Dev *ct3);
/* Host pointer to @len bytes at @dpa, or NULL if they are not all memory. */
uint8_t *cxl_type3_dpa_ptr(CXLType3Dev *ct3, uint64_t dpa, uint64_t len);
/* Mark the backend covering @dpa dirty after a write (migration, etc.) */
void cxl_type3_dpa_written(CXLType3Dev *ct3, uint64_t dpa, uint64_t len);

#endif /* HW_CXL_TYPE3_H */
