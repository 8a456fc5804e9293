/*
 * The CXL component behind an MCTP binding: from a target id to the CCI
 * that runs a CXL message (see include/hw/cxl/cxl-mctp.h).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/cxl/cxl-component.h"
#include "hw/cxl/cxl-mctp.h"
#include "hw/cxl/cxl-switch-cci.h"
#include "hw/cxl/cxl-type3.h"
#include "trace.h"

static CXLCCI *target_cci(const char *id, uint8_t type, const char **why)
{
    Object *obj = cxl_peripheral(id);

    *why = NULL;
    if (!obj) {
        *why = "no such device";
        return NULL;
    }
    if (object_dynamic_cast(obj, TYPE_CXL_USP)) {
        CXLSwitchCCI *s = cxl_switch_cci_of(CXL_USP(obj));

        if (!s) {
            *why = "the switch has no cxl-switch-mailbox-cci";
            return NULL;
        }
        obj = OBJECT(s);
    }
    if (object_dynamic_cast(obj, TYPE_CXL_SWITCH_CCI)) {
        if (type != CXL_MCTP_TYPE_CXL_FM_API &&
            type != CXL_MCTP_TYPE_CXL_CCI) {
            *why = "message type not served";
            return NULL;
        }
        return &CXL_SWITCH_CCI(obj)->cci;
    }
    if (object_dynamic_cast(obj, TYPE_CXL_TYPE3)) {
        CXLType3Dev *ct3 = CXL_TYPE3(obj);

        if (type == CXL_MCTP_TYPE_CXL_CCI) {
            return &ct3->cci;
        }
        if (type == CXL_MCTP_TYPE_CXL_FM_API && cxl_type3_fm_cci(ct3)) {
            return cxl_type3_fm_cci(ct3);
        }
        *why = type == CXL_MCTP_TYPE_CXL_FM_API ?
               "the cxl-type3 has no fabric manager CCI" :
               "message type not served";
        return NULL;
    }
    *why = "not a cxl-switch-mailbox-cci, cxl-upstream or cxl-type3";
    return NULL;
}

bool cxl_mctp_target_check(const char *id, uint8_t eid, const char *dev,
                           Error **errp)
{
    const char *why = NULL;

    if (eid && (eid < CXL_MCTP_EID_FIRST || eid == CXL_MCTP_EID_BROADCAST)) {
        error_setg(errp, "%s: eid must be 0 (assigned by the bus owner) or "
                   "from 8 to 254 (got %u)", dev, eid);
        return false;
    }
    if (!id) {
        error_setg(errp, "%s: target must name the CXL component whose CCI "
                   "the endpoint serves (the id of a cxl-switch-mailbox-cci, "
                   "cxl-upstream or cxl-type3)", dev);
        return false;
    }
    /* every target serves type 8 (a switch: through its mailbox CCI) */
    if (!target_cci(id, CXL_MCTP_TYPE_CXL_CCI, &why)) {
        error_setg(errp, "%s: target '%s': %s (give the id of a "
                   "cxl-switch-mailbox-cci, cxl-upstream or cxl-type3 that "
                   "comes before this device)", dev, id, why);
        return false;
    }
    return true;
}

uint32_t cxl_mctp_target_types(const char *id)
{
    uint32_t types = 0;
    const char *why;

    for (uint8_t t = CXL_MCTP_TYPE_CXL_FM_API; t <= CXL_MCTP_TYPE_CXL_CCI;
         t++) {
        if (target_cci(id, t, &why)) {
            types |= BIT(t);
        }
    }
    return types;
}

size_t cxl_mctp_target_rsp_max(const char *id)
{
    size_t max = CXL_CCI_PAYLOAD_MIN;
    const char *why;

    for (uint8_t t = CXL_MCTP_TYPE_CXL_FM_API; t <= CXL_MCTP_TYPE_CXL_CCI;
         t++) {
        CXLCCI *cci = target_cci(id, t, &why);

        if (cci) {
            max = MAX(max, cci->payload_max);
        }
    }
    return CXL_CCI_MSG_HDR_LEN + max;
}

size_t cxl_mctp_target_handle(const char *id, const char *ep, uint8_t type,
                              const uint8_t *req, size_t req_len,
                              uint8_t *rsp, size_t rsp_size)
{
    const char *why;
    CXLCCI *cci = target_cci(id, type, &why);
    size_t rsp_len = 0;
    CXLRetCode rc;

    if (!cci) {
        trace_cxl_mctp_drop(ep, why);
        return 0;
    }
    /*
     * No response when there is none to give (cxl-cci.h): a message
     * shorter than its header or one that is not a request
     */
    rc = cxl_cci_msg_execute(cci, req, req_len, rsp, rsp_size, &rsp_len);
    trace_cxl_mctp_cci(ep, id, type, rc);
    return rc == CXL_RC_SUCCESS ? rsp_len : 0;
}
