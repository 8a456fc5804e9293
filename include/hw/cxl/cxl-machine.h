/*
 * CXL machine support: fixed memory windows and host bridge registers.
 *
 * A machine that supports CXL (pc/q35 and arm virt) owns one
 * CXLMachineState. It adds the machine options "cxl" and "cxl-fmw",
 * reserves regions of the physical address space for the host bridges'
 * component registers and the windows, and at machine-done time links each
 * window to its host bridges. Board code calls, in order:
 *
 *   cxl_machine_create()        instance_init: options
 *   cxl_machine_area_end()      any time: where the CXL area ends, from
 *                               the options alone (hole64, phys-bits check)
 *   cxl_machine_map()           memory init: map the area (registers for
 *                               CXL_MAX_HOST_BRIDGES, then the windows)
 *   cxl_machine_done()          machine done: resolve targets, map registers
 *
 * A board with its own place for the registers (arm virt) calls
 * cxl_machine_map_registers() and cxl_machine_map_windows() in place of
 * cxl_machine_map(), and cxl_machine_windows_end() in place of
 * cxl_machine_area_end().
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_MACHINE_H
#define HW_CXL_MACHINE_H

#include "qemu/units.h"
#include "exec/hwaddr.h"
#include "system/memory.h"
#include "qapi/qapi-types-cxl.h"
#include "hw/cxl/cxl-interleave.h"

/* Component register block of a CXL 2.0 host bridge (CHBCR), CXL r3.1 8.2.3 */
#define CXL_CHBCR_SIZE          (64 * KiB)
/* Room for this many host bridges' registers */
#define CXL_MAX_HOST_BRIDGES    64
#define CXL_HOST_REGS_SIZE      (CXL_MAX_HOST_BRIDGES * CXL_CHBCR_SIZE)
/* CFMWS Window Restrictions: bit n is CXLFixedMemoryWindowRestriction n */
#define CXL_WINDOW_DEFAULT_RESTRICTIONS \
    (BIT(CXL_FIXED_MEMORY_WINDOW_RESTRICTION_HOST_ONLY_COHERENT) | \
     BIT(CXL_FIXED_MEMORY_WINDOW_RESTRICTION_VOLATILE) | \
     BIT(CXL_FIXED_MEMORY_WINDOW_RESTRICTION_PERSISTENT))

/* Windows are 256 MiB aligned and sized (CEDT CFMWS) */
#define CXL_WINDOW_ALIGN        (256 * MiB)
/* Bounce buffers a PCI device may have in flight with cxl=on (32 MiB) */
#define CXL_DMA_BOUNCE_BYTES    33554432

typedef struct CXLHostBridge CXLHostBridge;
typedef struct CXLMachineState CXLMachineState;
typedef struct CXLWindow CXLWindow;

/* Overlays per window mapping committed memory (hw/cxl/cxl-fast-path.c) */
#define CXL_FAST_PATH_OVERLAYS  16

typedef struct CXLFastMap CXLFastMap;
typedef struct CXLShadow CXLShadow;

typedef struct CXLFastOverlay {
    IOMMUMemoryRegion iommu;    /* maps an interleaved run, page by page */
    MemoryRegion alias;         /* or a linear one (cxl_fast_path_dpa_all) */
    MemoryRegion shadow_alias;  /* or a finer interleave's shadow copy */
    bool shadow_alias_ready;    /* (made with the window's shadow) */
    MemoryRegion *in_use;       /* which of the three is mapped */
    CXLWindow *w;
    hwaddr offset;              /* in the window, when mapped */
    uint64_t size;
    bool mapped;
    bool reserved;              /* for a shadow the scan found (not mapped) */
    CXLFastMap *map;            /* what it maps (RCU: translate reads it) */
    CXLShadow *shadow;          /* or the shadow copy it maps */
} CXLFastOverlay;

struct CXLWindow {
    CXLMachineState *machine;
    unsigned index;
    hwaddr base;
    uint64_t size;
    uint64_t granularity;
    uint8_t eiw;                /* encoded interleave ways */
    uint8_t eig;                /* encoded interleave granularity */
    uint16_t restrictions;      /* CFMWS Window Restrictions bits */
    bool xor;                   /* XOR interleave arithmetic */
    uint16_t qtg_id;            /* CFMWS QoS Throttling Group */
    uint64_t xor_maps[CXL_XOR_MAX_MAPS];
    unsigned nr_xor_maps;       /* maps the window's way count uses */
    unsigned nr_targets;
    char *target_ids[CXL_INTERLEAVE_MAX_WAYS];
    CXLHostBridge *targets[CXL_INTERLEAVE_MAX_WAYS];
    MemoryRegion container;     /* what the address space maps */
    MemoryRegion mr;            /* in it: the per-access path, below... */
    CXLFastOverlay *overlays;   /* ... RAM overlays (the fast path) */
    /* interleaves finer than a page, copied in HPA order (cxl-shadow.c) */
    MemoryRegion *shadow_ram;   /* as big as the window, made on demand */
    AddressSpace shadow_as;     /* writes to it (dirty and TB tracking) */
    int shadow_pending;         /* unmapped shadows not written back yet */
};

struct CXLMachineState {
    Object *machine;
    bool enabled;               /* -machine cxl=on */
    bool fast_path;             /* -machine cxl-fast-path=on|off */
    bool fast_path_shadow;      /* -machine cxl-fast-path-shadow=on|off */
    bool fast_path_shadow_shared;   /* cxl-fast-path-shadow-shared=on|off */
    uint32_t shadow_writeback_ms;   /* cxl-fast-path-shadow-writeback-ms */
    QEMUBH *fast_path_bh;       /* maps committed regions after a change */
    unsigned nr_windows;
    CXLWindow *windows;         /* from -machine cxl-fmw.N... */
    MemoryRegion host_regs;     /* the host bridges' CHBCRs */
    unsigned max_host_bridges;  /* CHBCRs host_regs has room for */
    GPtrArray *host_bridges;    /* CXLHostBridge *, in realize order */
    unsigned next_slot;         /* the next free CHBCR slot of host_regs */
    /* -machine cxl-region: firmware-committed regions (cxl-fw-region.c) */
    CXLCommittedRegionOptionsList *fw_regions;
    GArray *fw_actions;
};

CXLMachineState *cxl_machine_create(Object *machine);
/* The machine's CXL state, or NULL if the machine has none. */
CXLMachineState *cxl_machine_get(void);
bool cxl_machine_enabled(CXLMachineState *s);
hwaddr cxl_machine_area_end(CXLMachineState *s, hwaddr start);
hwaddr cxl_machine_map(CXLMachineState *s, MemoryRegion *sysmem, hwaddr start);
/* Where the windows end if laid out from @start (256 MiB aligned each) */
hwaddr cxl_machine_windows_end(CXLMachineState *s, hwaddr start);
/* Map the host bridges' registers at @base: @size / CXL_CHBCR_SIZE bridges */
void cxl_machine_map_registers(CXLMachineState *s, MemoryRegion *sysmem,
                               hwaddr base, uint64_t size);
/* Map the windows from @start; returns where they end */
hwaddr cxl_machine_map_windows(CXLMachineState *s, MemoryRegion *sysmem,
                               hwaddr start);
void cxl_machine_done(CXLMachineState *s, Error **errp);
/* The pxb-cxl device with id @id, or NULL. */
CXLHostBridge *cxl_find_host_bridge(const char *id);

#endif /* HW_CXL_MACHINE_H */
