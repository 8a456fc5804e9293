/*
 * The CXL component behind an MCTP binding: from a target id to the CCI
 * that runs a CXL message (see include/hw/cxl/cxl-mctp.h).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "migration/vmstate.h"
#include "hw/cxl/cxl-component.h"
#include "qemu/bswap.h"
#include "hw/cxl/cxl-events.h"
#include "hw/cxl/cxl-mailbox.h"
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

/*
 * ---- MCTP event notification (from memory of CXL r3.1 8.2.9.2.6 to
 * 8.2.9.2.8; not checked against the spec text) ----
 *
 * Get MCTP Event Interrupt Policy (0104h): no input; output the 2-byte
 * Event Interrupt Settings: bit n enables notifications for event log n
 * (0 informational, 1 warning, 2 failure, 3 fatal, 4 Dynamic Capacity).
 * Set MCTP Event Interrupt Policy (0105h): input the same 2 bytes, output
 * the settings now in force. Event Notification (0106h): a request the
 * component sends, with the same 2 bytes saying which log got a record.
 *
 * The settings belong to the endpoint (each MCTP binding its own fabric
 * manager), not to the CCI: the endpoint answers 0104h/0105h itself, for
 * a component whose CCI (of the message type used) has event logs, else
 * Unsupported; a bit for a log that does not exist or a reserved bit is
 * Invalid Input. Set remembers the requester's EID and the message type:
 * each record later added to an enabled log of that CCI sends that EID an
 * Event Notification request (tag owner set, the endpoint's own tag, from
 * the endpoint's EID) of that type; its response is dropped, as every
 * response the endpoint receives. A bus reset (USB) clears the settings.
 * These two commands are not in the CCI's Command Effects Log.
 */

#define OP_GET_MCTP_EVENT_POLICY    0x0104
#define OP_SET_MCTP_EVENT_POLICY    0x0105
#define OP_EVENT_NOTIFICATION       0x0106
#define EVENT_SETTINGS_LOGS         0x000f  /* info, warn, fail, fatal */
#define EVENT_SETTINGS_DC           0x0010

/* A CCI message header, after the MCTP type byte */
static void msg_header(uint8_t *h, uint8_t category, uint8_t tag,
                       uint16_t opcode, uint32_t len, uint16_t rc)
{
    CXLCCIMsgHeader *m = (CXLCCIMsgHeader *)h;

    memset(m, 0, sizeof(*m));
    m->category = category;
    m->tag = tag;
    m->opcode = cpu_to_le16(opcode);
    st24_le_p(m->payload_len, len);
    m->return_code = cpu_to_le16(rc);
}

static size_t event_policy(CXLMCTPEndpoint *ep, CXLCCI *cci, uint8_t type,
                           const uint8_t *req, size_t req_len, uint8_t *rsp,
                           size_t rsp_size)
{
    const CXLCCIMsgHeader *rq = (const CXLCCIMsgHeader *)req;
    uint16_t opcode = le16_to_cpu(rq->opcode);
    size_t in_len = cxl_ld24_le(rq->payload_len) & CXL_CCI_MSG_LEN_MASK;
    uint16_t valid, want;
    CXLRetCode rc = CXL_RC_SUCCESS;

    if (in_len != req_len - CXL_CCI_MSG_HDR_LEN) {
        rc = CXL_RC_INVALID_PAYLOAD_LENGTH;
    } else if (!cci->events) {
        rc = CXL_RC_UNSUPPORTED;
    } else if (opcode == OP_GET_MCTP_EVENT_POLICY) {
        rc = in_len ? CXL_RC_INVALID_PAYLOAD_LENGTH : CXL_RC_SUCCESS;
    } else if (in_len != 2) {
        rc = CXL_RC_INVALID_PAYLOAD_LENGTH;
    } else {
        valid = EVENT_SETTINGS_LOGS |
                (cci->events->has_dc ? EVENT_SETTINGS_DC : 0);
        want = lduw_le_p(req + CXL_CCI_MSG_HDR_LEN);
        if (want & ~valid) {
            rc = CXL_RC_INVALID_INPUT;
        } else {
            ep->notify.settings = want;
            ep->notify.fm_eid = ep->msg_src;
            ep->notify.type = type;
        }
    }
    trace_cxl_mctp_event_policy(ep->name, opcode, ep->notify.settings,
                                ep->notify.fm_eid, rc);
    msg_header(rsp, CXL_CCI_MSG_RESPONSE, rq->tag, opcode,
               rc == CXL_RC_SUCCESS ? 2 : 0, rc);
    if (rc != CXL_RC_SUCCESS) {
        return CXL_CCI_MSG_HDR_LEN;
    }
    stw_le_p(rsp + CXL_CCI_MSG_HDR_LEN, ep->notify.settings);
    return CXL_CCI_MSG_HDR_LEN + 2;
}

static void event_added(Notifier *n, void *data)
{
    CXLMCTPEndpoint *ep = container_of(n, CXLMCTPEndpoint, notify.added);
    const CXLEventAdded *ev = data;
    uint8_t msg[1 + CXL_CCI_MSG_HDR_LEN + 2];
    uint8_t tag = ep->notify.next_tag++ & 7;
    const char *why;
    CXLCCI *cci;

    if (!(ep->notify.settings & BIT(ev->type))) {
        return;
    }
    cci = target_cci(ep->notify.target, ep->notify.type, &why);
    if (!cci || cci->events != ev->logs) {
        return;
    }
    msg[0] = ep->notify.type;
    msg_header(msg + 1, CXL_CCI_MSG_REQUEST, tag, OP_EVENT_NOTIFICATION, 2,
               0);
    stw_le_p(msg + 1 + CXL_CCI_MSG_HDR_LEN, BIT(ev->type));
    trace_cxl_mctp_event_notification(ep->name, ep->notify.fm_eid, ev->type);
    cxl_mctp_send_message(ep, ep->notify.fm_eid, ep->eid, tag, true, msg,
                          sizeof(msg));
}

void cxl_mctp_target_watch(CXLMCTPEndpoint *ep, const char *id)
{
    ep->notify.target = id;
    ep->notify.added.notify = event_added;
    cxl_events_add_notifier(&ep->notify.added);
}

void cxl_mctp_target_unwatch(CXLMCTPEndpoint *ep)
{
    notifier_remove(&ep->notify.added);
}

size_t cxl_mctp_target_handle(const char *id, CXLMCTPEndpoint *ep,
                              uint8_t type, const uint8_t *req,
                              size_t req_len, uint8_t *rsp, size_t rsp_size)
{
    const char *why;
    CXLCCI *cci = target_cci(id, type, &why);
    size_t rsp_len = 0;
    CXLRetCode rc;

    if (!cci) {
        trace_cxl_mctp_drop(ep->name, why);
        return 0;
    }
    if (req_len >= CXL_CCI_MSG_HDR_LEN &&
        (req[0] & CXL_CCI_MSG_CATEGORY_MASK) == CXL_CCI_MSG_REQUEST &&
        (lduw_le_p(req + offsetof(CXLCCIMsgHeader, opcode)) ==
         OP_GET_MCTP_EVENT_POLICY ||
         lduw_le_p(req + offsetof(CXLCCIMsgHeader, opcode)) ==
         OP_SET_MCTP_EVENT_POLICY)) {
        return event_policy(ep, cci, type, req, req_len, rsp, rsp_size);
    }
    /*
     * No response when there is none to give (cxl-cci.h): a message
     * shorter than its header or one that is not a request
     */
    rc = cxl_cci_msg_execute(cci, req, req_len, rsp, rsp_size, &rsp_len);
    trace_cxl_mctp_cci(ep->name, id, type, rc);
    return rc == CXL_RC_SUCCESS ? rsp_len : 0;
}

/*
 * ---- migration of an endpoint ----
 *
 * The fabric manager keeps talking to the endpoint at the EID it gave it,
 * with the event notification policy it set: no rediscovery. A message
 * being reassembled goes on with its next packet.
 */

static int mctp_ep_pre_save(void *opaque)
{
    CXLMCTPEndpoint *ep = opaque;

    ep->mig_rx_frag = ep->rx.frag;
    ep->mig_rx_len = ep->rx.len;
    return 0;
}

static int mctp_ep_post_load(void *opaque, int version_id)
{
    CXLMCTPEndpoint *ep = opaque;
    uint16_t valid = EVENT_SETTINGS_LOGS | EVENT_SETTINGS_DC;
    bool eid_ok = ep->eid == CXL_MCTP_EID_NULL ||
                  (ep->eid >= CXL_MCTP_EID_FIRST &&
                   ep->eid != CXL_MCTP_EID_BROADCAST);

    if (!eid_ok || ep->mig_rx_len > sizeof(ep->rx.buf) ||
        (ep->rx.active && (!ep->mig_rx_frag ||
                           ep->mig_rx_frag > ep->rx_mtu ||
                           ep->rx.seq > 3 || ep->rx.tag > 0xf)) ||
        (ep->notify.settings & ~valid) ||
        (ep->notify.settings &&
         ep->notify.type != CXL_MCTP_TYPE_CXL_FM_API &&
         ep->notify.type != CXL_MCTP_TYPE_CXL_CCI)) {
        return -EINVAL;
    }
    if (!ep->rx.active) {
        ep->mig_rx_frag = ep->mig_rx_len = 0;
    }
    ep->rx.frag = ep->mig_rx_frag;
    ep->rx.len = ep->mig_rx_len;
    return 0;
}

const VMStateDescription vmstate_cxl_mctp_endpoint = {
    .name = "cxl-mctp-endpoint",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = mctp_ep_pre_save,
    .post_load = mctp_ep_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8(eid, CXLMCTPEndpoint),
        VMSTATE_BOOL(discovered, CXLMCTPEndpoint),
        VMSTATE_BOOL(rx.active, CXLMCTPEndpoint),
        VMSTATE_UINT8(rx.src, CXLMCTPEndpoint),
        VMSTATE_UINT8(rx.tag, CXLMCTPEndpoint),
        VMSTATE_UINT8(rx.seq, CXLMCTPEndpoint),
        VMSTATE_UINT32(mig_rx_frag, CXLMCTPEndpoint),
        VMSTATE_UINT32(mig_rx_len, CXLMCTPEndpoint),
        VMSTATE_BUFFER(rx.buf, CXLMCTPEndpoint),
        VMSTATE_UINT8(msg_src, CXLMCTPEndpoint),
        VMSTATE_UINT16(notify.settings, CXLMCTPEndpoint),
        VMSTATE_UINT8(notify.fm_eid, CXLMCTPEndpoint),
        VMSTATE_UINT8(notify.type, CXLMCTPEndpoint),
        VMSTATE_UINT8(notify.next_tag, CXLMCTPEndpoint),
        VMSTATE_UINT64(dropped, CXLMCTPEndpoint),
        VMSTATE_UINT64(messages, CXLMCTPEndpoint),
        VMSTATE_END_OF_LIST()
    },
};
