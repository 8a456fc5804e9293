/*
 * Migration of a CCI's state and of its background operation (see
 * include/hw/cxl/cxl-cci.h). Apart from cxl-cci.c, which the unit tests
 * link alone.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "migration/vmstate.h"
#include "hw/cxl/cxl-cci.h"

static GPtrArray *bg_ops;       /* const CXLCCIBgOp * */

void cxl_cci_bg_register(const CXLCCIBgOp *op)
{
    assert(strlen(op->name) < sizeof(((CXLCCI *)0)->bg.mig_name));
    if (!bg_ops) {
        bg_ops = g_ptr_array_new();
    }
    for (unsigned i = 0; i < bg_ops->len; i++) {
        if (!strcmp(((CXLCCIBgOp *)g_ptr_array_index(bg_ops, i))->name,
                    op->name)) {
            return;
        }
    }
    g_ptr_array_add(bg_ops, (gpointer)op);
}

static const CXLCCIBgOp *bg_op_find(const char *name, CXLCCIBgComplete c,
                                    CXLCCIBgAbort a)
{
    for (unsigned i = 0; bg_ops && i < bg_ops->len; i++) {
        const CXLCCIBgOp *op = g_ptr_array_index(bg_ops, i);

        if (name ? !strcmp(op->name, name) :
            op->complete == c && op->abort == a) {
            return op;
        }
    }
    return NULL;
}

static int cxl_cci_pre_save(void *opaque)
{
    CXLCCI *cci = opaque;
    const CXLCCIBgOp *op;

    memset(cci->bg.mig_name, 0, sizeof(cci->bg.mig_name));
    if (!cci->bg.running) {
        return 0;
    }
    op = bg_op_find(NULL, cci->bg.complete, cci->bg.abort);
    if (!op) {
        error_report("%s: background operation 0x%04x cannot migrate",
                     cci->name, cci->bg.opcode);
        return -ENOTSUP;
    }
    pstrcpy((char *)cci->bg.mig_name, sizeof(cci->bg.mig_name), op->name);
    return 0;
}

static int cxl_cci_post_load(void *opaque, int version_id)
{
    CXLCCI *cci = opaque;
    const CXLCCIBgOp *op;

    if (cci->bg.percent > 100) {
        return -EINVAL;
    }
    if (!cci->bg.running) {
        cci->bg.complete = NULL;
        cci->bg.abort = NULL;
        return 0;
    }
    if (memchr(cci->bg.mig_name, 0, sizeof(cci->bg.mig_name)) == NULL ||
        !cxl_cci_find(cci, cci->bg.opcode) ||
        !(op = bg_op_find((char *)cci->bg.mig_name, NULL, NULL))) {
        error_report("%s: unknown background operation in the stream",
                     cci->name);
        return -EINVAL;
    }
    cci->bg.complete = op->complete;
    cci->bg.abort = op->abort;
    return 0;
}

static bool cxl_cci_bg_needed(void *opaque)
{
    CXLCCI *cci = opaque;

    return cci->bg.running || cci->bg.opcode;
}

static const VMStateDescription vmstate_cxl_cci_bg = {
    .name = "cxl-cci/bg",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = cxl_cci_bg_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_BOOL(bg.running, CXLCCI),
        VMSTATE_UINT16(bg.opcode, CXLCCI),
        VMSTATE_UINT8(bg.percent, CXLCCI),
        VMSTATE_UINT16(bg.ret, CXLCCI),
        VMSTATE_INT64(bg.start_ns, CXLCCI),
        VMSTATE_INT64(bg.duration_ns, CXLCCI),
        VMSTATE_TIMER_PTR(bg.timer, CXLCCI),
        VMSTATE_BUFFER(bg.mig_name, CXLCCI),
        VMSTATE_END_OF_LIST()
    },
};

const VMStateDescription vmstate_cxl_cci = {
    .name = "cxl-cci",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = cxl_cci_pre_save,
    .post_load = cxl_cci_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_BOOL(timestamp_set, CXLCCI),
        VMSTATE_UINT64(timestamp, CXLCCI),
        VMSTATE_INT64(timestamp_at_ns, CXLCCI),
        VMSTATE_BOOL(media_disabled, CXLCCI),
        VMSTATE_BOOL(media_locked, CXLCCI),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription * const []) {
        &vmstate_cxl_cci_bg,
        NULL
    },
};
