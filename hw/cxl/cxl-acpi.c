/*
 * ACPI for CXL (see include/hw/cxl/cxl-acpi.h).
 *
 * CEDT layout (CXL r3.1 9.18): CHBS (type 0, 32 bytes) per host bridge,
 * CFMWS (type 1, 36 bytes + 4 per target) per fixed memory window, CXIMS
 * (type 2, 8 bytes + 8 per map) per granularity of the XOR windows.
 *
 * Generic Ports: the user-creatable object acpi-generic-port (interface as
 * upstream QEMU's: pci-bus=<pxb-cxl id>, node=<NUMA node>) gives a CXL host
 * bridge a proximity domain of its own, described by a SRAT Generic Port
 * Affinity structure. HMAT latency and bandwidth to that node (-numa
 * hmat-lb,...,target=<node>) then describe the path from the CPUs to the
 * host bridge, which the OS combines with CDAT and link figures.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "qom/object_interfaces.h"
#include "hw/boards.h"
#include "system/numa.h"
#include "qapi/qapi-types-machine.h"
#include "hw/acpi/aml-build.h"
#include "hw/cxl/cxl-acpi.h"
#include "hw/cxl/cxl-host.h"
#include "hw/cxl/cxl-machine.h"

#define PCI_HOST_BRIDGE_OSC_UUID  "33DB4D5B-1FF7-401C-9657-7441C03DD766"
#define CXL_HOST_BRIDGE_OSC_UUID  "68F2D50B-C469-4D8A-BD3D-941A103FD3FC"
#define CXL_QTG_DSM_UUID          "F365F9A6-A7DE-4071-A66A-B40C0B4F8E52"

enum {
    CEDT_CHBS = 0,
    CEDT_CFMWS = 1,
    CEDT_CXIMS = 2,
};

#define CHBS_LENGTH             32
#define CHBS_VERSION_CXL11      0       /* RCRBs of an RCH */
#define CHBS_VERSION_CXL20      1       /* CHBCR, not an RCRB */
#define CFMWS_BASE_LENGTH       36
#define CFMWS_ARITH_MODULO      0
#define CFMWS_ARITH_XOR         1
#define CXIMS_BASE_LENGTH       8

/* _OSC status bits in the first capabilities DWORD */
#define OSC_UNRECOGNIZED_UUID   BIT(2)
#define OSC_UNRECOGNIZED_REV    BIT(3)

void cxl_acpi_host_bridge(Aml *dev)
{
    Aml *cid = aml_package(2);
    Aml *method, *known, *rev, *unknown;

    aml_append(dev, aml_name_decl("_HID", aml_string("ACPI0016")));
    aml_append(cid, aml_eisaid("PNP0A08"));
    aml_append(cid, aml_eisaid("PNP0A03"));
    aml_append(dev, aml_name_decl("_CID", cid));

    /*
     * _OSC for both the PCI host bridge UUID and the CXL one (which adds
     * CXL support and control DWORDs): the platform keeps nothing for
     * itself, so every control the OS requests is granted as requested,
     * including CXL memory error reporting.
     */
    method = aml_method("_OSC", 4, AML_NOTSERIALIZED);
    aml_append(method, aml_create_dword_field(aml_arg(3), aml_int(0), "CDW1"));
    known = aml_if(aml_lor(aml_equal(aml_arg(0), aml_touuid(PCI_HOST_BRIDGE_OSC_UUID)),
                           aml_equal(aml_arg(0), aml_touuid(CXL_HOST_BRIDGE_OSC_UUID))));
    rev = aml_if(aml_lnot(aml_equal(aml_arg(1), aml_int(1))));
    aml_append(rev, aml_or(aml_name("CDW1"), aml_int(OSC_UNRECOGNIZED_REV),
                           aml_name("CDW1")));
    aml_append(known, rev);
    aml_append(known, aml_return(aml_arg(3)));
    aml_append(method, known);
    unknown = aml_else();
    aml_append(unknown, aml_or(aml_name("CDW1"), aml_int(OSC_UNRECOGNIZED_UUID),
                               aml_name("CDW1")));
    aml_append(unknown, aml_return(aml_arg(3)));
    aml_append(method, unknown);
    aml_append(dev, method);
}

/*
 * QTG _DSM (CXL r3.1 9.18.3): function 0 lists the functions, function 1
 * maps a performance point to QoS throttling groups. This platform has one
 * group, 0, suitable for everything: Package { max QTG ID, Package { 0 } },
 * the max QTG ID being the highest of the windows' (cxl-fmw.N.qtg-id).
 */
static Aml *cxl_qtg_dsm(CXLMachineState *s)
{
    Aml *method = aml_method("_DSM", 4, AML_SERIALIZED);
    Aml *is_qtg = aml_if(aml_equal(aml_arg(0), aml_touuid(CXL_QTG_DSM_UUID)));
    Aml *query = aml_if(aml_equal(aml_arg(2), aml_int(0)));
    Aml *get = aml_if(aml_equal(aml_arg(2), aml_int(1)));
    uint8_t funcs[] = { BIT(0) | BIT(1) };
    Aml *ids = aml_package(1);
    Aml *result = aml_package(2);
    uint16_t max_qtg = 0;

    for (unsigned i = 0; i < s->nr_windows; i++) {
        max_qtg = MAX(max_qtg, s->windows[i].qtg_id);
    }

    aml_append(query, aml_return(aml_buffer(sizeof(funcs), funcs)));
    aml_append(is_qtg, query);
    aml_append(ids, aml_int(0));
    aml_append(result, aml_int(max_qtg));
    aml_append(result, ids);
    aml_append(get, aml_return(result));
    aml_append(is_qtg, get);
    aml_append(method, is_qtg);
    aml_append(method, aml_return(aml_buffer(1, (uint8_t[]){ 0 })));
    return method;
}

void cxl_acpi_root_device(CXLMachineState *s, Aml *dsdt)
{
    Aml *scope, *dev;

    if (!cxl_machine_enabled(s)) {
        return;
    }
    scope = aml_scope("_SB");
    dev = aml_device("CXLM");
    aml_append(dev, aml_name_decl("_HID", aml_string("ACPI0017")));
    aml_append(dev, cxl_qtg_dsm(s));
    aml_append(scope, dev);
    aml_append(dsdt, scope);
}

static void cedt_chbs(GArray *t, CXLHostBridge *hb)
{
    build_append_int_noprefix(t, CEDT_CHBS, 1);
    build_append_int_noprefix(t, 0, 1);                 /* reserved */
    build_append_int_noprefix(t, CHBS_LENGTH, 2);
    build_append_int_noprefix(t, cxl_host_bridge_uid(hb), 4);
    /* an RCH: CXL 1.1, the base of its downstream and upstream RCRBs */
    build_append_int_noprefix(t, hb->rch ? CHBS_VERSION_CXL11
                                         : CHBS_VERSION_CXL20, 4);
    build_append_int_noprefix(t, 0, 4);                 /* reserved */
    build_append_int_noprefix(t, cxl_host_bridge_regs_addr(hb), 8);
    build_append_int_noprefix(t, hb->rch ? CXL_RCH_CHBS_LENGTH
                                         : CXL_CHBCR_SIZE, 8);
}

static void cedt_cfmws(GArray *t, CXLWindow *w)
{
    build_append_int_noprefix(t, CEDT_CFMWS, 1);
    build_append_int_noprefix(t, 0, 1);                 /* reserved */
    build_append_int_noprefix(t, CFMWS_BASE_LENGTH + 4 * w->nr_targets, 2);
    build_append_int_noprefix(t, 0, 4);                 /* reserved */
    build_append_int_noprefix(t, w->base, 8);
    build_append_int_noprefix(t, w->size, 8);
    build_append_int_noprefix(t, w->eiw, 1);
    build_append_int_noprefix(t, w->xor ? CFMWS_ARITH_XOR : CFMWS_ARITH_MODULO,
                              1);
    build_append_int_noprefix(t, 0, 2);                 /* reserved */
    build_append_int_noprefix(t, w->eig, 4);
    build_append_int_noprefix(t, w->restrictions, 2);
    build_append_int_noprefix(t, w->qtg_id, 2);         /* QTG ID */
    for (unsigned i = 0; i < w->nr_targets; i++) {
        build_append_int_noprefix(t, cxl_host_bridge_uid(w->targets[i]), 4);
    }
}

/*
 * CXIMS (CXL r3.1 9.18.1.6): the XOR maps for windows of one host bridge
 * interleave granularity; OSes use the first log2(ways) of them.
 */
static void cedt_cxims(GArray *t, CXLWindow *w)
{
    build_append_int_noprefix(t, CEDT_CXIMS, 1);
    build_append_int_noprefix(t, 0, 1);                 /* reserved */
    build_append_int_noprefix(t, CXIMS_BASE_LENGTH + 8 * CXL_XOR_MAX_MAPS, 2);
    build_append_int_noprefix(t, 0, 2);                 /* reserved */
    build_append_int_noprefix(t, w->eig, 1);            /* HBIG */
    build_append_int_noprefix(t, CXL_XOR_MAX_MAPS, 1);
    for (unsigned i = 0; i < CXL_XOR_MAX_MAPS; i++) {
        build_append_int_noprefix(t, w->xor_maps[i], 8);
    }
}

void cxl_acpi_build_cedt(CXLMachineState *s, GArray *table_offsets,
                         GArray *table_data, BIOSLinker *linker,
                         const char *oem_id, const char *oem_table_id)
{
    AcpiTable table = { .sig = "CEDT", .rev = 1, .oem_id = oem_id,
                        .oem_table_id = oem_table_id };

    if (!cxl_machine_enabled(s)) {
        return;
    }
    acpi_add_table(table_offsets, table_data);
    acpi_table_begin(&table, table_data);
    for (unsigned i = 0; i < s->host_bridges->len; i++) {
        cedt_chbs(table_data, g_ptr_array_index(s->host_bridges, i));
    }
    for (unsigned i = 0; i < s->nr_windows; i++) {
        cedt_cfmws(table_data, &s->windows[i]);
    }
    /* one CXIMS per granularity that XOR windows use */
    for (unsigned i = 0; i < s->nr_windows; i++) {
        CXLWindow *w = &s->windows[i];
        bool seen = false;

        for (unsigned j = 0; j < i; j++) {
            seen |= s->windows[j].xor && s->windows[j].eig == w->eig;
        }
        if (w->xor && !seen) {
            cedt_cxims(table_data, w);
        }
    }
    acpi_table_end(linker, &table);
}

/* -object acpi-generic-port */

#define TYPE_CXL_GENERIC_PORT "acpi-generic-port"
OBJECT_DECLARE_SIMPLE_TYPE(CXLGenericPort, CXL_GENERIC_PORT)

struct CXLGenericPort {
    Object parent_obj;

    char *pci_bus;              /* id of the pxb-cxl */
    uint32_t node;              /* proximity domain */
    bool has_node;
    CXLHostBridge *hb;          /* resolved at machine done */
};

static char *cxl_gp_get_pci_bus(Object *obj, Error **errp)
{
    return g_strdup(CXL_GENERIC_PORT(obj)->pci_bus);
}

static void cxl_gp_set_pci_bus(Object *obj, const char *value, Error **errp)
{
    CXLGenericPort *gp = CXL_GENERIC_PORT(obj);

    g_free(gp->pci_bus);
    gp->pci_bus = g_strdup(value);
}

static void cxl_gp_get_node(Object *obj, Visitor *v, const char *name,
                            void *opaque, Error **errp)
{
    visit_type_uint32(v, name, &CXL_GENERIC_PORT(obj)->node, errp);
}

static void cxl_gp_set_node(Object *obj, Visitor *v, const char *name,
                            void *opaque, Error **errp)
{
    CXLGenericPort *gp = CXL_GENERIC_PORT(obj);
    uint32_t value;

    if (!visit_type_uint32(v, name, &value, errp)) {
        return;
    }
    if (value >= MAX_NODES) {
        error_setg(errp, "%s: node %" PRIu32 " is out of range (0 to %d)",
                   TYPE_CXL_GENERIC_PORT, value, MAX_NODES - 1);
        return;
    }
    gp->node = value;
    gp->has_node = true;
}

static void cxl_gp_finalize(Object *obj)
{
    g_free(CXL_GENERIC_PORT(obj)->pci_bus);
}

static void cxl_gp_class_init(ObjectClass *oc, const void *data)
{
    object_class_property_add_str(oc, "pci-bus", cxl_gp_get_pci_bus,
                                  cxl_gp_set_pci_bus);
    object_class_property_set_description(oc, "pci-bus",
        "id of the CXL host bridge (pxb-cxl) this Generic Port describes");
    object_class_property_add(oc, "node", "uint32", cxl_gp_get_node,
                              cxl_gp_set_node, NULL, NULL);
    object_class_property_set_description(oc, "node",
        "NUMA node (proximity domain) of the Generic Port, the target of "
        "its HMAT latency and bandwidth");
}

static const TypeInfo cxl_gp_info = {
    .name = TYPE_CXL_GENERIC_PORT,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(CXLGenericPort),
    .instance_finalize = cxl_gp_finalize,
    .class_init = cxl_gp_class_init,
    .interfaces = (const InterfaceInfo[]) {
        { TYPE_USER_CREATABLE },
        { }
    },
};

static void cxl_gp_register_types(void)
{
    type_register_static(&cxl_gp_info);
}
type_init(cxl_gp_register_types)

/*
 * With hmat=on and no -numa hmat-lb for a Generic Port's node, give each
 * initiator (node with CPUs) an access latency and bandwidth to it, so the
 * OS has a figure for the path to the host bridge. These are this QEMU's
 * choice, not a specification figure: about a socket's uncore hop, and the
 * bandwidth of a x16 PCIe 6.0 link, so that the device and its link limit
 * what the OS computes, as on most real systems.
 */
#define CXL_GP_DEFAULT_LATENCY_NS       50
#define CXL_GP_DEFAULT_BANDWIDTH        (64 * GiB)      /* bytes/s */

static bool cxl_gp_default_hmat(MachineState *ms, CXLGenericPort *gp,
                                Error **errp)
{
    NumaState *numa = ms->numa_state;
    static const struct {
        HmatLBDataType type;
        uint8_t provided;       /* NodeInfo.lb_info_provided bit */
    } kinds[] = {
        { HMAT_LB_DATA_TYPE_ACCESS_LATENCY, BIT(0) },
        { HMAT_LB_DATA_TYPE_ACCESS_BANDWIDTH, BIT(1) },
    };

    if (!numa->hmat_enabled) {
        return true;
    }
    for (unsigned k = 0; k < ARRAY_SIZE(kinds); k++) {
        if (numa->nodes[gp->node].lb_info_provided & kinds[k].provided) {
            continue;
        }
        for (int i = 0; i < numa->num_nodes; i++) {
            NumaHmatLBOptions lb = {
                .initiator = i,
                .target = gp->node,
                .hierarchy = HMAT_LB_MEMORY_HIERARCHY_MEMORY,
                .data_type = kinds[k].type,
            };
            Error *err = NULL;

            if (!numa->nodes[i].has_cpu) {
                continue;
            }
            if (k == 0) {
                lb.has_latency = true;
                lb.latency = CXL_GP_DEFAULT_LATENCY_NS;
            } else {
                lb.has_bandwidth = true;
                lb.bandwidth = CXL_GP_DEFAULT_BANDWIDTH;
            }
            parse_numa_hmat_lb(numa, &lb, &err);
            if (err) {
                error_propagate_prepend(errp, err, "%s: default HMAT figures "
                    "for node %" PRIu32 ": ", TYPE_CXL_GENERIC_PORT,
                    gp->node);
                return false;
            }
        }
    }
    return true;
}

static int cxl_gp_check(Object *obj, void *opaque)
{
    CXLGenericPort *gp = (CXLGenericPort *)
        object_dynamic_cast(obj, TYPE_CXL_GENERIC_PORT);
    Error **errp = opaque;
    MachineState *ms = MACHINE(qdev_get_machine());
    const char *id = object_get_canonical_path_component(obj);

    if (!gp) {
        return 0;
    }
    if (!gp->pci_bus) {
        error_setg(errp, "%s '%s': property 'pci-bus' is required: the id of "
                   "a CXL host bridge (pxb-cxl device)",
                   TYPE_CXL_GENERIC_PORT, id);
        return 1;
    }
    gp->hb = cxl_find_host_bridge(gp->pci_bus);
    if (!gp->hb) {
        error_setg(errp, "%s '%s': property 'pci-bus': '%s' is not a CXL host "
                   "bridge; allowed: the id of a pxb-cxl device",
                   TYPE_CXL_GENERIC_PORT, id, gp->pci_bus);
        return 1;
    }
    if (!gp->has_node) {
        error_setg(errp, "%s '%s': property 'node' is required",
                   TYPE_CXL_GENERIC_PORT, id);
        return 1;
    }
    if (gp->node >= ms->numa_state->num_nodes) {
        error_setg(errp, "%s '%s': property 'node': NUMA node %" PRIu32
                   " does not exist (the machine has %d; declare it with "
                   "-numa node,nodeid=%" PRIu32 ")", TYPE_CXL_GENERIC_PORT,
                   id, gp->node, ms->numa_state->num_nodes, gp->node);
        return 1;
    }
    return cxl_gp_default_hmat(ms, gp, errp) ? 0 : 1;
}

bool cxl_acpi_check_generic_ports(Error **errp)
{
    return !object_child_foreach(object_get_objects_root(), cxl_gp_check,
                                 errp);
}

/*
 * ACPI 6.5 5.2.16.7 Generic Port Affinity Structure, with an ACPI device
 * handle (type 0: _HID "ACPI0016" and the host bridge's _UID). Linux
 * (drivers/acpi/numa/hmat.c) takes only ACPI handles and matches the _UID
 * with the CEDT CHBS UID of the host bridge.
 */
static int cxl_gp_build_srat(Object *obj, void *opaque)
{
    CXLGenericPort *gp = (CXLGenericPort *)
        object_dynamic_cast(obj, TYPE_CXL_GENERIC_PORT);

    if (gp && gp->hb) {
        build_srat_acpi_generic_port(opaque, gp->node, "ACPI0016",
                                     cxl_host_bridge_uid(gp->hb));
    }
    return 0;
}

void cxl_acpi_build_srat(GArray *table_data)
{
    object_child_foreach(object_get_objects_root(), cxl_gp_build_srat,
                         table_data);
}
