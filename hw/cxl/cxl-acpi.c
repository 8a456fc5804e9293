/*
 * ACPI for CXL (see include/hw/cxl/cxl-acpi.h).
 *
 * CEDT layout (CXL r3.1 9.18): CHBS (type 0, 32 bytes) per host bridge,
 * CFMWS (type 1, 36 bytes + 4 per target) per fixed memory window, CXIMS
 * (type 2, 8 bytes + 8 per map) per granularity of the XOR windows.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
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
 * group, 0, suitable for everything: Package { max QTG ID, Package { 0 } }.
 */
static Aml *cxl_qtg_dsm(void)
{
    Aml *method = aml_method("_DSM", 4, AML_SERIALIZED);
    Aml *is_qtg = aml_if(aml_equal(aml_arg(0), aml_touuid(CXL_QTG_DSM_UUID)));
    Aml *query = aml_if(aml_equal(aml_arg(2), aml_int(0)));
    Aml *get = aml_if(aml_equal(aml_arg(2), aml_int(1)));
    uint8_t funcs[] = { BIT(0) | BIT(1) };
    Aml *ids = aml_package(1);
    Aml *result = aml_package(2);

    aml_append(query, aml_return(aml_buffer(sizeof(funcs), funcs)));
    aml_append(is_qtg, query);
    aml_append(ids, aml_int(0));
    aml_append(result, aml_int(0));
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
    aml_append(dev, cxl_qtg_dsm());
    aml_append(scope, dev);
    aml_append(dsdt, scope);
}

static void cedt_chbs(GArray *t, CXLHostBridge *hb)
{
    build_append_int_noprefix(t, CEDT_CHBS, 1);
    build_append_int_noprefix(t, 0, 1);                 /* reserved */
    build_append_int_noprefix(t, CHBS_LENGTH, 2);
    build_append_int_noprefix(t, cxl_host_bridge_uid(hb), 4);
    build_append_int_noprefix(t, CHBS_VERSION_CXL20, 4);
    build_append_int_noprefix(t, 0, 4);                 /* reserved */
    build_append_int_noprefix(t, cxl_host_bridge_regs_addr(hb), 8);
    build_append_int_noprefix(t, CXL_CHBCR_SIZE, 8);
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
    build_append_int_noprefix(t, 0, 2);                 /* QTG ID */
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
