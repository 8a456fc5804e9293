/*
 * CXL Performance Monitoring Units (CPMU, CXL r3.0 8.2.7.2, 13.2): the
 * register blocks a Register Locator DVSEC entry with block identifier 4
 * points at, and what they count (see hw/cxl/cxl-pmu.c).
 *
 * A component (cxl-type3, cxl-rp, cxl-upstream, cxl-downstream) owns a
 * CXLPMUGroup: its CPMU instances, each a 64 KiB register block in BAR 0
 * after the component registers. The per-access path (cxl-route-cache.c)
 * tells the groups on an access's route what it saw; the fast path keeps
 * off the memory of a route that a counting group is on.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_PMU_H
#define HW_CXL_PMU_H

#include "qemu/thread.h"
#include "qemu/timer.h"
#include "system/memory.h"
#include "hw/pci/pci_device.h"
#include "migration/vmstate.h"

/* Register Locator block identifier of a CPMU (Linux CXL_REGLOC_RBI_PMU) */
#define CXL_REGLOC_PMU                  4

/* The register block: 0xe00 bytes (Linux CXL_PMU_REGMAP_SIZE) */
#define CXL_PMU_REGS_SIZE               0xe00
/* ... each at its own 64 KiB (Register Locator offsets are 64 KiB units) */
#define CXL_PMU_BLOCK_SIZE              0x10000

#define CXL_PMU_MAX_INSTANCES           8
#define CXL_PMU_MAX_COUNTERS            64
#define CXL_PMU_FILTERS                 8       /* filter IDs per counter */
/* counters 0 to 4 fixed-function (clock ticks, the traffic events), 3 more */
#define CXL_PMU_DEFAULT_COUNTERS        8
#define CXL_PMU_DEFAULT_WIDTH           48
#define CXL_PMU_MIN_WIDTH               8
#define CXL_PMU_MAX_WIDTH               63

/* Clock ticks count at 1 GHz of QEMU_CLOCK_VIRTUAL: one per nanosecond */
#define CXL_PMU_CLOCK_HZ                1000000000ULL

/*
 * Event capability registers (event groups, CXL r3.0 Table 13-5). Counter
 * n (when there is one) is the fixed-function counter of event
 * capability n, the counters after these are configurable.
 */
enum {
    CXL_PMU_EVCAP_CLOCK,        /* clock ticks */
    CXL_PMU_EVCAP_M2S_REQ,      /* M2S Req: MemRd */
    CXL_PMU_EVCAP_M2S_RWD,      /* M2S RwD: MemWr */
    CXL_PMU_EVCAP_S2M_NDR,      /* S2M NDR: Cmp */
    CXL_PMU_EVCAP_S2M_DRS,      /* S2M DRS: MemData */
    CXL_PMU_NR_EVCAPS,
};

/* What an access to memory is, as the CPMUs on its route see it */
typedef enum CXLPMUTraffic {
    CXL_PMU_READ,               /* M2S Req MemRd, answered by S2M DRS */
    CXL_PMU_WRITE,              /* M2S RwD MemWr, answered by S2M NDR Cmp */
} CXLPMUTraffic;

typedef struct CXLPMUGroup CXLPMUGroup;

/* One CPMU instance */
typedef struct CXLPMU {
    CXLPMUGroup *group;
    unsigned index;
    MemoryRegion mr;
    QemuMutex lock;             /* the state below: vCPUs count unlocked */
    QEMUTimer *timer;           /* the next clock-ticks counter wrap */

    uint64_t cfg[CXL_PMU_MAX_COUNTERS];
    uint64_t counter[CXL_PMU_MAX_COUNTERS];
    uint32_t filter_hdm[CXL_PMU_MAX_COUNTERS];  /* filter ID 0 */
    uint64_t overflow;
    uint64_t freeze;
    /* the clock-ticks counters were last brought up to date at this time */
    int64_t clock_ns;

    /* derived (cxl_pmu_update()): the counters each traffic event feeds */
    uint64_t counts[2][2];      /* [CXLPMUTraffic][request, response] */
    uint64_t clocks;            /* counting clock ticks now */
    bool traffic;               /* counting some traffic event now */
    bool irq_pending;
} CXLPMU;

/*
 * The components' hooks: raise interrupt @vector (MSI or MSI-X, with the
 * BQL), and (memory devices, for the HDM decoder filter) which of the
 * component's HDM decoders decodes @hpa, or -1.
 */
typedef void (*CXLPMUIrqFn)(PCIDevice *d, unsigned vector);
typedef int (*CXLPMUDecoderFn)(PCIDevice *d, uint64_t hpa);

struct CXLPMUGroup {
    PCIDevice *owner;
    unsigned nr;                /* instances */
    unsigned nr_counters;       /* per instance, 0 to 4 the fixed ones */
    unsigned width;             /* counter width in bits */
    unsigned vector;            /* Interrupt Message Number */
    /*
     * x-cpmu-ignore-freeze-on-overflow: a wrap does not freeze the
     * counters (a workaround for Linux 7.3's cxl_pmu, which never
     * unfreezes them; see cxl_pmu.c)
     */
    bool ignore_freeze;
    CXLPMUIrqFn irq;
    CXLPMUDecoderFn decoder;    /* NULL: no HDM decoder filter */
    CXLPMU pmu[CXL_PMU_MAX_INSTANCES];
    MemoryRegion bar;           /* component registers and the CPMUs */
    QEMUBH *bh;                 /* interrupts and counting state changes */
    bool traffic;               /* an instance counts traffic */
    bool routed;                /* ... as the routes were last told */
    QLIST_ENTRY(CXLPMUGroup) next;
};

/* The properties of a component with CPMUs (values in the CXLPMUGroup) */
#define DEFINE_CXL_PMU_PROPERTIES(_state, _field)                           \
    DEFINE_PROP_UINT32("num-cpmus", _state, _field.nr, 0),                  \
    DEFINE_PROP_UINT32("cpmu-counters", _state, _field.nr_counters,         \
                       CXL_PMU_DEFAULT_COUNTERS),                           \
    DEFINE_PROP_UINT32("cpmu-counter-width", _state, _field.width,          \
                       CXL_PMU_DEFAULT_WIDTH),                              \
    DEFINE_PROP_BOOL("x-cpmu-ignore-freeze-on-overflow", _state,            \
                     _field.ignore_freeze, false)

/* Check the properties (at the start of realize); the type names them */
bool cxl_pmu_check(CXLPMUGroup *g, const char *type, Error **errp);
/*
 * At realize, after the component registers @comp exist: check the
 * properties, create the instances (none with num-cpmus=0). Returns the
 * memory region to register as BAR 0: @comp itself without CPMUs, else
 * a container with @comp at 0 and CPMU i at (i + 1) * 64 KiB. @name
 * names the regions. @decoder is NULL for a component whose CPMUs have
 * no HDM decoder filter.
 */
MemoryRegion *cxl_pmu_realize(CXLPMUGroup *g, PCIDevice *owner,
                              MemoryRegion *comp, const char *name,
                              unsigned vector, CXLPMUIrqFn irq,
                              CXLPMUDecoderFn decoder, Error **errp);
void cxl_pmu_unrealize(CXLPMUGroup *g);
/* A @irq for a component whose interrupts are MSI-X or MSI */
void cxl_pmu_irq_msi(PCIDevice *d, unsigned vector);
void cxl_pmu_reset(CXLPMUGroup *g);
/*
 * Register Locator entries of the instances (BAR 0 at 64 KiB steps),
 * appended to @blocks[*n]
 */
struct CXLRegBlock;
void cxl_pmu_reg_blocks(CXLPMUGroup *g, struct CXLRegBlock *blocks,
                        unsigned *n);

/*
 * Routes (cxl-route.c, with the BQL): while some CPMU counts traffic, a
 * route collects the groups it passes that do. Their memory then stays
 * on the per-access path, which counts each access on them.
 */
#define CXL_PMU_ROUTE_MAX       (2 * 32 + 2)
typedef struct CXLPMURoute {
    unsigned n;
    CXLPMUGroup *g[CXL_PMU_ROUTE_MAX];
    int8_t decoder[CXL_PMU_ROUTE_MAX];  /* the group's HDM decoder or -1 */
} CXLPMURoute;

/* Some CPMU counts traffic: routes look for groups */
extern unsigned cxl_pmu_nr_counting;
static inline bool cxl_pmu_counting(void)
{
    return qatomic_read(&cxl_pmu_nr_counting) != 0;
}
/* The route passes @d (a port or the memory device) at @hpa */
void cxl_pmu_route_hop(CXLPMURoute *r, PCIDevice *d, uint64_t hpa);
/*
 * An access of @size bytes at @hpa that took route @r: each of the
 * 64-byte lines it touches is a request and its response (any thread).
 */
void cxl_pmu_count(const CXLPMURoute *r, CXLPMUTraffic t, uint64_t hpa,
                   unsigned size);

/* Migration: VMSTATE_STRUCT(field, State, 1, vmstate_cxl_pmu_group, ...) */
extern const VMStateDescription vmstate_cxl_pmu_group;
/*
 * ... or @var, a subsection "@name/cpmu" of @_state's field @_field, in
 * the stream only with CPMUs (a stream with it fails to load into a
 * component without)
 */
#define DEFINE_CXL_PMU_VMSTATE(_var, _name, _state, _field)                 \
    static bool _var##_needed(void *opaque)                                 \
    {                                                                       \
        return ((_state *)opaque)->_field.nr;                               \
    }                                                                       \
    static int _var##_pre_load(void *opaque)                                \
    {                                                                       \
        return _var##_needed(opaque) ? 0 : -EINVAL;                         \
    }                                                                       \
    static const VMStateDescription _var = {                                \
        .name = _name "/cpmu",                                              \
        .version_id = 1,                                                    \
        .minimum_version_id = 1,                                            \
        .needed = _var##_needed,                                            \
        .pre_load = _var##_pre_load,                                        \
        .fields = (const VMStateField[]) {                                  \
            VMSTATE_STRUCT(_field, _state, 1, vmstate_cxl_pmu_group,        \
                           CXLPMUGroup),                                    \
            VMSTATE_END_OF_LIST()                                           \
        },                                                                  \
    }

#endif /* HW_CXL_PMU_H */
