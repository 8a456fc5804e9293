/*
 * CXL.mem decode targets: the QOM interface through which the router
 * (hw/cxl/cxl-route.c), the per-access path (cxl-route-cache.c) and the
 * fast path (cxl-fast-path.c, cxl-shadow.c) reach what sits below a CXL
 * root port or switch downstream port, without knowing its type.
 *
 * A target decodes an HPA either to one of its own downstream ports (a
 * switch upstream port: the walk goes on below that port) or to an
 * address of its own memory (a memory device: DPA). A memory target also
 * tells whether DPA ranges are memory the host may access directly, and
 * gives its DPA space. cxl-type3 (memory) and cxl-upstream (ports)
 * implement it; a new kind of device (a dynamic-capacity region, a
 * logical device of an MLD, a Type 2 device) implements it too and the
 * router needs no change.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_MEM_TARGET_H
#define HW_CXL_MEM_TARGET_H

#include "qom/object.h"
#include "system/memory.h"
#include "hw/cxl/cxl-component.h"

#define TYPE_CXL_MEM_TARGET "cxl-mem-target"
typedef struct CXLMemTargetClass CXLMemTargetClass;
DECLARE_CLASS_CHECKERS(CXLMemTargetClass, CXL_MEM_TARGET, TYPE_CXL_MEM_TARGET)
#define CXL_MEM_TARGET(obj) \
    INTERFACE_CHECK(CXLMemTarget, (obj), TYPE_CXL_MEM_TARGET)

/* An object that implements TYPE_CXL_MEM_TARGET (never dereferenced) */
typedef struct CXLMemTarget CXLMemTarget;

/* What a target made of an HPA */
typedef enum CXLDecodeResult {
    CXL_DECODE_NONE,            /* not claimed: an unclaimed request */
    CXL_DECODE_PORT,            /* forwarded to a downstream port */
    CXL_DECODE_DPA,             /* an address of the target's memory */
} CXLDecodeResult;

/*
 * What the fast path keeps per memory target: a memory target embeds one
 * and returns it from CXLMemTargetClass::fast_path. Device code only
 * passes it on (cxl_mem_target_init_fast_path()); the fast path
 * (hw/cxl/cxl-fast-path.c) owns the fields.
 */
/* Who else sees a range of a target's memory */
typedef enum CXLMemSharing {
    CXL_MEM_PRIVATE,            /* no one outside QEMU (share=off) */
    CXL_MEM_SHARED,             /* a shared mapping (share=on): readers
                                 * outside QEMU, data that outlives it */
    CXL_MEM_MULTI_HOST,         /* other QEMU processes (hosts) write it */
    CXL_MEM_MIXED,              /* the range spans backends or capacity */
} CXLMemSharing;

typedef struct CXLFastTarget {
    CXLMemTarget *target;
    AddressSpace *as;           /* its DPA space (TLB fills target it) */
    bool in_dpa_all;            /* dpa_all_alias is in cxl-dpa-all */
    unsigned slot;              /* ... at slot << CXL_FAST_PATH_SLOT_BITS */
    MemoryRegion dpa_all_alias;
    uint64_t maps;              /* x-fast-path-maps */
    uint64_t mapped;            /* x-fast-path-mapped */
} CXLFastTarget;

struct CXLMemTargetClass {
    InterfaceClass parent_class;

    /*
     * Decode @hpa (with the BQL). CXL_DECODE_PORT sets @port, a PCIe port
     * on the target's secondary bus; CXL_DECODE_DPA sets @dpa. Either
     * narrows @ext to the addresses that decode the same way (linearly)
     * through this target (cxl_extent_clip_decoder()).
     */
    CXLDecodeResult (*decode)(CXLMemTarget *t, uint64_t hpa, CXLExtent *ext,
                              PCIDevice **port, uint64_t *dpa);

    /* Memory targets (decode() may give CXL_DECODE_DPA) only: */

    /*
     * Host pointer to the @len bytes at @dpa, or NULL if they are not all
     * memory the host may access now (beyond capacity, media disabled or
     * locked): such accesses read all ones and drop writes.
     */
    uint8_t *(*dpa_ptr)(CXLMemTarget *t, uint64_t dpa, uint64_t len);
    /* Any of the @len bytes at @dpa is poisoned (reads return all ones) */
    bool (*poisoned)(CXLMemTarget *t, uint64_t dpa, uint64_t len);
    /* Who else sees that memory (whether a copy of it may be served) */
    CXLMemSharing (*dpa_sharing)(CXLMemTarget *t, uint64_t dpa, uint64_t len);
    /*
     * The DPA space: writes go through it (so that migration and TCG see
     * them), and the fast path maps it as RAM. Valid from
     * CXL_NOTIFY_TARGET_ADDED to CXL_NOTIFY_TARGET_REMOVED.
     */
    AddressSpace *(*dpa_space)(CXLMemTarget *t);
    /* The target's CXLFastTarget */
    CXLFastTarget *(*fast_path)(CXLMemTarget *t);
};

/*
 * @obj is a @type (a QOM type name, compared by pointer for the cache):
 * object_dynamic_cast() answered from a per-thread cache, for the route
 * and other per-access paths
 */
bool cxl_object_is(Object *obj, const char *type);

/* @obj as a decode target, or NULL if it is none */
CXLMemTarget *cxl_mem_target_of(Object *obj);

/*
 * The class of @t. Every route takes it several times per access, so it
 * is looked up once per class: a QOM interface cast looks the type up by
 * its name.
 */
CXLMemTargetClass *cxl_mem_target_class(CXLMemTarget *t);

static inline CXLDecodeResult cxl_mem_target_decode(CXLMemTarget *t,
                                                    uint64_t hpa,
                                                    CXLExtent *ext,
                                                    PCIDevice **port,
                                                    uint64_t *dpa)
{
    return cxl_mem_target_class(t)->decode(t, hpa, ext, port, dpa);
}

static inline uint8_t *cxl_mem_target_ptr(CXLMemTarget *t, uint64_t dpa,
                                          uint64_t len)
{
    return cxl_mem_target_class(t)->dpa_ptr(t, dpa, len);
}

static inline bool cxl_mem_target_poisoned(CXLMemTarget *t, uint64_t dpa,
                                           uint64_t len)
{
    return cxl_mem_target_class(t)->poisoned(t, dpa, len);
}

static inline CXLMemSharing cxl_mem_target_sharing(CXLMemTarget *t,
                                                   uint64_t dpa, uint64_t len)
{
    return cxl_mem_target_class(t)->dpa_sharing(t, dpa, len);
}

static inline AddressSpace *cxl_mem_target_space(CXLMemTarget *t)
{
    return cxl_mem_target_class(t)->dpa_space(t);
}

static inline CXLFastTarget *cxl_mem_target_fast_path(CXLMemTarget *t)
{
    return cxl_mem_target_class(t)->fast_path(t);
}

/* Write @len bytes at @dpa as a memory access does (through the DPA space) */
void cxl_mem_target_write(CXLMemTarget *t, uint64_t dpa, const void *buf,
                          uint64_t len);

/*
 * For a memory target's instance_init: its @ft, and the read-only QOM
 * properties x-fast-path-maps and x-fast-path-mapped that show it.
 */
void cxl_mem_target_init_fast_path(Object *obj, CXLFastTarget *ft);

/*
 * The port a component with decoders @regs forwards @hpa to, on its
 * secondary bus @bus: by its committed decoders' target list (narrowing
 * @ext by the decoder), or the only port on @bus when it has no HDM
 * decoder capability (pass-through). NULL if nothing claims @hpa.
 */
PCIDevice *cxl_decode_to_port(CXLComponentRegs *regs, PCIBus *bus,
                              uint64_t hpa, CXLExtent *ext);

#endif /* HW_CXL_MEM_TARGET_H */
