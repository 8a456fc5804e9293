/*
 * CXL Table Access over DOE (see include/hw/cxl/cxl-doe.h).
 *
 * Request (3 DWORDs): the DOE header (vendor 1E98h, type 2; length), then
 * request code [7:0] (0: Read Entry), table type [15:8] (0: CDAT) and entry
 * handle [31:16]. Response: the DOE header, the same DWORD with the next
 * entry's handle in [31:16] (FFFFh after the last), then the entry.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "migration/vmstate.h"
#include "qemu/log.h"
#include "hw/cxl/cxl-cdat.h"
#include "hw/cxl/cxl-doe.h"
#include "hw/cxl/cxl-dvsec.h"
#include "trace.h"

#define TA_CODE(dw)     ((dw) & 0xff)
#define TA_TYPE(dw)     (((dw) >> 8) & 0xff)
#define TA_HANDLE(dw)   ((dw) >> 16)

bool cxl_doe_cdat_respond(DOECap *doe, const GByteArray *cdat)
{
    uint32_t *req = pcie_doe_get_write_mbox_ptr(doe);
    const uint8_t *entry;
    size_t entry_len;
    uint16_t next;
    uint32_t req_dw, rsp_len_dw;
    g_autofree uint32_t *rsp = NULL;

    /* DOE header (2 DWORDs) and the Read Entry request DWORD */
    if (pcie_doe_get_obj_len(req) < 3) {
        qemu_log_mask(LOG_GUEST_ERROR, "CXL Table Access over DOE: request "
                      "of %u DWORDs, a Read Entry request has 3\n",
                      pcie_doe_get_obj_len(req));
        return false;
    }
    req_dw = le32_to_cpu(req[2]);
    if (TA_CODE(req_dw) != CXL_DOE_TABLE_ACCESS_READ_ENTRY ||
        TA_TYPE(req_dw) != CXL_DOE_TABLE_TYPE_CDAT ||
        !cxl_cdat_entry(cdat->data, cdat->len, TA_HANDLE(req_dw), &entry,
                        &entry_len, &next)) {
        trace_cxl_doe_bad_request(req_dw);
        qemu_log_mask(LOG_GUEST_ERROR, "CXL Table Access over DOE: request "
                      "0x%08x refused: request code %u, table type %u, "
                      "entry handle 0x%04x\n", req_dw, TA_CODE(req_dw),
                      TA_TYPE(req_dw), TA_HANDLE(req_dw));
        return false;
    }
    rsp_len_dw = 3 + DIV_ROUND_UP(entry_len, 4);
    rsp = g_malloc0(rsp_len_dw * 4);
    rsp[0] = cpu_to_le32(CXL_VENDOR_ID | (CXL_DOE_PROTOCOL_TABLE_ACCESS << 16));
    rsp[1] = cpu_to_le32(rsp_len_dw);
    rsp[2] = cpu_to_le32(CXL_DOE_TABLE_ACCESS_READ_ENTRY |
                         (CXL_DOE_TABLE_TYPE_CDAT << 8) | ((uint32_t)next << 16));
    memcpy(rsp + 3, entry, entry_len);
    pcie_doe_set_rsp(doe, rsp);
    return true;
}

/* ---- migration ---- */

/* The stream's lengths, before the mailboxes are loaded with them */
static bool doe_lens_ok(void *opaque, int version_id)
{
    DOECap *doe = opaque;

    return doe->write_mbox_len <= PCI_DOE_DW_SIZE_MAX &&
           doe->read_mbox_len <= PCI_DOE_DW_SIZE_MAX &&
           doe->read_mbox_idx <= doe->read_mbox_len;
}

/*
 * A DOE exchange the guest had started: the request written so far, the
 * response not read yet and the status bits. The mailboxes are in host
 * order (pcie_doe's).
 */
const VMStateDescription vmstate_cxl_doe = {
    .name = "cxl-doe",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_BOOL(ctrl.abort, DOECap),
        VMSTATE_BOOL(ctrl.intr, DOECap),
        VMSTATE_BOOL(ctrl.go, DOECap),
        VMSTATE_BOOL(status.busy, DOECap),
        VMSTATE_BOOL(status.intr, DOECap),
        VMSTATE_BOOL(status.error, DOECap),
        VMSTATE_BOOL(status.ready, DOECap),
        VMSTATE_UINT32(read_mbox_idx, DOECap),
        VMSTATE_UINT32(read_mbox_len, DOECap),
        VMSTATE_UINT32(write_mbox_len, DOECap),
        VMSTATE_VALIDATE("DOE mailbox lengths", doe_lens_ok),
        VMSTATE_VBUFFER_MULTIPLY(write_mbox, DOECap, 1, NULL, write_mbox_len,
                                 sizeof(uint32_t)),
        VMSTATE_VBUFFER_MULTIPLY(read_mbox, DOECap, 1, NULL, read_mbox_len,
                                 sizeof(uint32_t)),
        VMSTATE_END_OF_LIST()
    },
};
