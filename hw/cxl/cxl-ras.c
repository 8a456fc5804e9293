/*
 * CXL RAS capability (see include/hw/cxl/cxl-ras.h).
 *
 * The registers live in the component register block's ras[] array.
 * Uncorrectable errors are recorded in the order they occur
 * (ras_pending[]); the oldest whose status bit is still set is the first
 * error: its bit is the First Error Pointer and its header fills the
 * header log.
 *
 * Also QMP's RAS error injection, for every CXL device and port that
 * implements TYPE_CXL_RAS_SOURCE. For a CXL 1.1 RCD (a cxl-type3 on a
 * Restricted CXL Host) the error injected is one of the RCH downstream
 * port above it, reported the CXL 1.1 way (CXL r3.1 12.2.1.1): logged in
 * the port's RAS capability (its component registers) and, as an
 * internal error, in the AER capability of its RCRB; then the Root
 * Complex Event Collector associated with the RCD logs an internal error
 * of its own and raises its AER interrupt. Linux's AER driver sees an
 * RCEC internal error and calls the cxl_pci error handler of each RCD
 * the RCEC associates, which is where the port's AER and RAS are read
 * (cxl_handle_rdport_errors(); Linux 7.3.4 maps neither, see the CXL
 * 1.1 section of docs/system/devices/cxl.rst).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-cxl.h"
#include "qom/object.h"
#include "hw/pci/pci_device.h"
#include "hw/pci/pcie_aer.h"
#include "hw/cxl/cxl-component.h"
#include "hw/cxl/cxl-ras.h"
#include "hw/cxl/cxl-host.h"
#include "hw/pci/pcie_rcec.h"
#include "trace.h"

/*
 * Drop the pending errors whose status bit software cleared, and make the
 * oldest remaining one the first error: First Error Pointer and header
 * log (CXL r3.1 8.2.4.17.6-7).
 */
static void ras_update_first_error(CXLComponentRegs *c)
{
    uint32_t status = c->ras[A_CXL_RAS_UC_STATUS / 4];
    uint32_t *ctrl = &c->ras[A_CXL_RAS_CAP_CTRL / 4];
    unsigned kept = 0;

    for (unsigned i = 0; i < c->ras_nr_pending; i++) {
        if (status & BIT(c->ras_pending[i].bit)) {
            c->ras_pending[kept++] = c->ras_pending[i];
        }
    }
    c->ras_nr_pending = kept;
    memset(&c->ras[A_CXL_RAS_HEADER_LOG / 4], 0,
           CXL_RAS_HEADER_LOG_DWORDS * 4);
    if (!kept) {
        *ctrl = FIELD_DP32(*ctrl, CXL_RAS_CAP_CTRL, FIRST_ERROR_POINTER, 0);
        return;
    }
    *ctrl = FIELD_DP32(*ctrl, CXL_RAS_CAP_CTRL, FIRST_ERROR_POINTER,
                       c->ras_pending[0].bit);
    memcpy(&c->ras[A_CXL_RAS_HEADER_LOG / 4], c->ras_pending[0].header,
           CXL_RAS_HEADER_LOG_DWORDS * 4);
}

bool cxl_ras_inject_uncorrectable(CXLComponentRegs *c, unsigned bit,
                                  const uint32_t *header)
{
    uint32_t *status = &c->ras[A_CXL_RAS_UC_STATUS / 4];
    CXLRasRecord *rec;

    trace_cxl_ras_inject_uncorrectable(c->name, bit);
    if (!c->has_ras || !(BIT(bit) & CXL_RAS_UC_BITS) ||
        (c->ras[A_CXL_RAS_UC_MASK / 4] & BIT(bit))) {
        return false;
    }
    if (!(*status & BIT(bit)) && c->ras_nr_pending < CXL_RAS_MAX_PENDING) {
        rec = &c->ras_pending[c->ras_nr_pending++];
        rec->bit = bit;
        memcpy(rec->header, header, sizeof(rec->header));
    }
    *status |= BIT(bit);
    ras_update_first_error(c);
    return true;
}

bool cxl_ras_inject_correctable(CXLComponentRegs *c, unsigned bit)
{
    trace_cxl_ras_inject_correctable(c->name, bit);
    if (!c->has_ras || !(BIT(bit) & CXL_RAS_C_BITS) ||
        (c->ras[A_CXL_RAS_C_MASK / 4] & BIT(bit))) {
        return false;
    }
    c->ras[A_CXL_RAS_C_STATUS / 4] |= BIT(bit);
    return true;
}

uint32_t cxl_ras_read(CXLComponentRegs *c, hwaddr off)
{
    return c->ras[off / 4];
}

void cxl_ras_write(CXLComponentRegs *c, hwaddr off, uint32_t v)
{
    uint32_t *r = &c->ras[off / 4];

    switch (off) {
    case A_CXL_RAS_UC_STATUS:
        *r &= ~(v & CXL_RAS_UC_BITS);           /* RW1C */
        ras_update_first_error(c);
        break;
    case A_CXL_RAS_C_STATUS:
        *r &= ~(v & CXL_RAS_C_BITS);            /* RW1C */
        break;
    case A_CXL_RAS_UC_MASK:
    case A_CXL_RAS_UC_SEVERITY:
        *r = v & CXL_RAS_UC_BITS;
        break;
    case A_CXL_RAS_C_MASK:
        *r = v & CXL_RAS_C_BITS;
        break;
    default:                                    /* first error ptr, log: RO */
        qemu_log_mask(LOG_GUEST_ERROR, "%s: write to read-only RAS register "
                      "at 0x%" HWADDR_PRIx " ignored\n", c->name, off);
        break;
    }
}

void cxl_ras_reset(CXLComponentRegs *c)
{
    memset(c->ras, 0, sizeof(c->ras));
    c->ras_nr_pending = 0;
    /* everything unmasked; uncorrectable errors fatal by default */
    c->ras[A_CXL_RAS_UC_SEVERITY / 4] = CXL_RAS_UC_BITS;
}

void cxl_aer_unmask_internal(PCIDevice *d)
{
    uint16_t aer = d->exp.aer_cap;

    pci_long_test_and_clear_mask(d->config + aer + PCI_ERR_UNCOR_MASK,
                                 PCI_ERR_UNC_INTN);
    pci_long_test_and_clear_mask(d->config + aer + PCI_ERR_COR_MASK,
                                 PCI_ERR_COR_INTERNAL);
}

/* ---- QMP error injection (TYPE_CXL_RAS_SOURCE) ---- */

/* Uncorrectable status bit of each CxlUncorErrorType (bits 12-13 rsvd) */
static unsigned uncor_bit(CxlUncorErrorType t)
{
    return t < CXL_UNCOR_ERROR_TYPE_INTERNAL ? t :
           14 + (t - CXL_UNCOR_ERROR_TYPE_INTERNAL);
}

/* Where an injected error goes */
typedef struct RasTarget {
    CXLComponentRegs *regs;     /* the RAS capability that logs it */
    PCIDevice *dev;             /* signalled with AER from this device... */
    CXLHostBridge *rch;         /* ...or the RCH downstream port's... */
    PCIDevice *rcec;            /* ...through this RCEC */
} RasTarget;

/* The device or port at QOM @path: where its errors are logged */
static bool ras_source(const char *path, RasTarget *t, Error **errp)
{
    Object *obj = cxl_qmp_device(path, NULL, errp);

    if (!obj) {
        return false;
    }
    if (!object_dynamic_cast(obj, TYPE_CXL_RAS_SOURCE)) {
        error_setg(errp, "path: '%s' is a %s, not a CXL device or port "
                   "(cxl-type3, cxl-rp, cxl-upstream or cxl-downstream)",
                   path, object_get_typename(obj));
        return false;
    }
    *t = (RasTarget) {
        .regs = CXL_RAS_SOURCE_GET_CLASS(obj)->ras_regs(obj),
        .dev = PCI_DEVICE(obj),
        .rch = cxl_rch_of_bus(pci_get_bus(PCI_DEVICE(obj))),
    };
    if (t->rch && t->rch->rcd == t->dev) {
        /* an RCD: its RCH downstream port's error, through an RCEC */
        t->regs = &t->rch->regs;
        t->rcec = pcie_rcec_find(t->dev);
        if (!t->rcec) {
            error_setg(errp, "path: '%s' is a CXL 1.1 RCD, whose Restricted "
                       "CXL Host '%s' reports errors through a Root Complex "
                       "Event Collector, and none is associated with it "
                       "(add one on the host's bus: -device pcie-rcec,"
                       "bus=%s)", path, DEVICE(t->rch)->id ?: "",
                       DEVICE(t->rch)->id ?: "<the RCH's id>");
            return false;
        }
    } else {
        t->rch = NULL;
    }
    return true;
}

/* Signal an error of @t (@aer: what error) */
static void ras_signal(RasTarget *t, PCIEAERErr *aer)
{
    bool correctable = aer->flags & PCIE_AER_ERR_IS_CORRECTABLE;

    if (t->rch) {
        if (cxl_rcrb_aer_record(&t->rch->rcrb_dp, correctable)) {
            pcie_rcec_internal_error(t->rcec, correctable);
        }
        return;
    }
    aer->source_id = pci_requester_id(t->dev);
    pcie_aer_inject_error(t->dev, aer);
}

void qmp_cxl_inject_uncorrectable_errors(const char *path,
                                         CXLUncorErrorRecordList *errors,
                                         Error **errp)
{
    RasTarget t;
    PCIEAERErr aer = { .status = PCI_ERR_UNC_INTN };
    bool signal = false;
    unsigned i = 0;

    trace_cxl_inject_uncorrectable_errors(path, QAPI_LIST_LENGTH(errors));
    if (!ras_source(path, &t, errp)) {
        return;
    }
    if (!errors) {
        error_setg(errp, "errors: give at least one error");
        return;
    }
    for (CXLUncorErrorRecordList *e = errors; e; e = e->next, i++) {
        unsigned n = 0;

        for (uint32List *h = e->value->header; h; h = h->next) {
            if (++n > CXL_RAS_HEADER_LOG_DWORDS) {
                error_setg(errp, "errors[%u].header: at most %d DWORDs", i,
                           CXL_RAS_HEADER_LOG_DWORDS);
                return;
            }
        }
    }
    for (CXLUncorErrorRecordList *e = errors; e; e = e->next) {
        uint32_t header[CXL_RAS_HEADER_LOG_DWORDS] = { 0 };
        unsigned n = 0;

        for (uint32List *h = e->value->header; h; h = h->next) {
            header[n++] = h->value;
        }
        signal |= cxl_ras_inject_uncorrectable(t.regs,
                                               uncor_bit(e->value->type),
                                               header);
    }
    if (signal) {
        ras_signal(&t, &aer);
    }
}

void qmp_cxl_inject_correctable_error(const char *path, CxlCorErrorType type,
                                      Error **errp)
{
    RasTarget t;
    PCIEAERErr aer = {
        .status = PCI_ERR_COR_INTERNAL,
        .flags = PCIE_AER_ERR_IS_CORRECTABLE,
    };

    trace_cxl_inject_correctable_error(path, type);
    if (ras_source(path, &t, errp) &&
        cxl_ras_inject_correctable(t.regs, type)) {
        ras_signal(&t, &aer);
    }
}

static const TypeInfo cxl_ras_source_info = {
    .name = TYPE_CXL_RAS_SOURCE,
    .parent = TYPE_INTERFACE,
    .class_size = sizeof(CXLRasSourceClass),
};

static void cxl_ras_register_types(void)
{
    type_register_static(&cxl_ras_source_info);
}

type_init(cxl_ras_register_types)
