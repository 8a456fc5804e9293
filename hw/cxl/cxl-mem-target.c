/*
 * CXL.mem decode targets (see include/hw/cxl/cxl-mem-target.h): the
 * interface type, and what every implementation shares.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qom/object.h"
#include "hw/pci/pci_device.h"
#include "hw/pci/pcie_port.h"
#include "hw/cxl/cxl-mem-target.h"

/*
 * object_class_dynamic_cast(@oc, @type) (@type compared by pointer).
 * Classes do not change once made, so each thread keeps the last few
 * answers: the route asks for every access, and a lookup by type name
 * each time cost a quarter of a scan.
 */
static ObjectClass *class_cast(ObjectClass *oc, const char *type)
{
    static __thread struct {
        ObjectClass *oc;
        const char *type;
        ObjectClass *cast;
    } cache[16];
    unsigned i = (((uintptr_t)oc >> 6) ^ ((uintptr_t)type >> 3)) %
                 ARRAY_SIZE(cache);

    if (cache[i].oc != oc || cache[i].type != type) {
        cache[i].cast = object_class_dynamic_cast(oc, type);
        cache[i].oc = oc;
        cache[i].type = type;
    }
    return cache[i].cast;
}

/* The decode-target interface of class @oc, or NULL */
static CXLMemTargetClass *target_class(ObjectClass *oc)
{
    return (CXLMemTargetClass *)class_cast(oc, TYPE_CXL_MEM_TARGET);
}

bool cxl_object_is(Object *obj, const char *type)
{
    return class_cast(object_get_class(obj), type);
}

CXLMemTarget *cxl_mem_target_of(Object *obj)
{
    return obj && target_class(object_get_class(obj)) ? (CXLMemTarget *)obj
                                                       : NULL;
}

CXLMemTargetClass *cxl_mem_target_class(CXLMemTarget *t)
{
    CXLMemTargetClass *tc = target_class(object_get_class(OBJECT(t)));

    assert(tc);
    return tc;
}

void cxl_mem_target_write(CXLMemTarget *t, uint64_t dpa, const void *buf,
                          uint64_t len)
{
    address_space_write(cxl_mem_target_space(t), dpa, MEMTXATTRS_UNSPECIFIED,
                        buf, len);
}

void cxl_mem_target_init_fast_path(Object *obj, CXLFastTarget *ft)
{
    object_property_add_uint64_ptr(obj, "x-fast-path-maps", &ft->maps,
                                   OBJ_PROP_FLAG_READ);
    object_property_set_description(obj, "x-fast-path-maps",
        "How many times a window translated an access to this device's "
        "interleaved memory to RAM (cxl-fast-path; a TLB fill or a DMA "
        "translation each)");
    object_property_add_uint64_ptr(obj, "x-fast-path-mapped", &ft->mapped,
                                   OBJ_PROP_FLAG_READ);
    object_property_set_description(obj, "x-fast-path-mapped",
        "How many bytes of this device's memory the windows map as RAM "
        "right now (cxl-fast-path)");
}

/*
 * The PCIe port with port number @port on @bus; with @port < 0, the only
 * port on the bus (NULL if there are several).
 */
static PCIDevice *port_by_number(PCIBus *bus, int port)
{
    PCIDevice *only = NULL;
    BusChild *kid;
    unsigned n = 0;

    /* on every route: checked casts (a type lookup each) cost too much */
    QTAILQ_FOREACH(kid, &bus->qbus.children, sibling) {
        DeviceState *d = kid->child;

        if (!cxl_object_is(OBJECT(d), TYPE_PCIE_PORT)) {
            continue;
        }
        if (port >= 0 && ((PCIEPort *)d)->port == port) {
            return (PCIDevice *)d;
        }
        only = (PCIDevice *)d;
        n++;
    }
    return port < 0 && n == 1 ? only : NULL;
}

PCIDevice *cxl_decode_to_port(CXLComponentRegs *regs, PCIBus *bus,
                              uint64_t hpa, CXLExtent *ext)
{
    uint8_t target;
    int i;

    if (!regs->has_hdm) {
        return port_by_number(bus, -1);
    }
    i = cxl_hdm_decode(&regs->hdm, hpa, &target, NULL);
    if (i < 0) {
        return NULL;
    }
    cxl_extent_clip_decoder(ext, &regs->hdm.dec[i], hpa);
    return port_by_number(bus, target);
}

static const TypeInfo cxl_mem_target_info = {
    .name = TYPE_CXL_MEM_TARGET,
    .parent = TYPE_INTERFACE,
    .class_size = sizeof(CXLMemTargetClass),
};

static void cxl_mem_target_register_types(void)
{
    type_register_static(&cxl_mem_target_info);
}

type_init(cxl_mem_target_register_types)
