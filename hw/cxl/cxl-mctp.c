/*
 * MCTP endpoint core for CXL components (see include/hw/cxl/cxl-mctp.h):
 * packet checks, message reassembly, MCTP control messages, dispatch of
 * CXL messages and fragmentation of responses. Pure logic: no QOM, no
 * device; tests/unit/test-cxl-mctp.c drives it with packets.
 *
 * Rules (DSP0236 8.8 and 8.9, the choices are ours where it says so):
 *  - a packet shorter than the MCTP header, of another header version, or
 *    with more payload than the binding takes (rx_mtu) is dropped;
 *  - a packet for another EID is dropped; the endpoint takes packets for
 *    its own EID, the null EID (physical addressing: how a bus owner
 *    reaches an endpoint before it has an EID) and the broadcast EID;
 *  - one message is reassembled at a time: a start-of-message packet
 *    starts a new one (an unfinished one is dropped); a middle or last
 *    packet must come from the same source with the same tag and tag
 *    owner bit and the next sequence number, and a middle packet must be
 *    as long as the first, or the message is dropped; a message longer
 *    than CXL_MCTP_MSG_MAX is dropped;
 *  - requests only: a message without the tag owner bit (a response; the
 *    endpoint never sends requests) is dropped; so is one with the
 *    integrity check bit (no CXL or control message has one), one of a
 *    type the endpoint does not serve (DSP0236: silently discarded), and
 *    a control message that is a response or a datagram (whose answer
 *    would not be expected).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "hw/cxl/cxl-mctp.h"
#include "trace.h"

/* MCTP 1.3.1 (DSP0236) and the CXL bindings 1.0: version entries,
 * major.minor.update.alpha as BCD with the F nibble (from memory) */
static const uint8_t version_base[4] = { 0xf1, 0xf3, 0xf1, 0x00 };
static const uint8_t version_cxl[4] = { 0xf1, 0xf0, 0xf0, 0x00 };

void cxl_mctp_init(CXLMCTPEndpoint *ep, const char *name, void *opaque,
                   size_t mtu, uint8_t static_eid, uint32_t types,
                   size_t rsp_max, CXLMCTPHandler handle, CXLMCTPSend send)
{
    assert(mtu >= CXL_MCTP_BTU);
    memset(ep, 0, sizeof(*ep));
    ep->name = name;
    ep->opaque = opaque;
    ep->mtu = mtu;
    ep->rx_mtu = mtu;
    ep->static_eid = static_eid;
    ep->types = types;
    ep->rsp_max = rsp_max;
    ep->handle = handle;
    ep->send = send;
    cxl_mctp_reset(ep);
}

void cxl_mctp_reset(CXLMCTPEndpoint *ep)
{
    ep->eid = ep->static_eid;
    ep->discovered = false;
    ep->rx.active = false;
    ep->rx.len = 0;
    ep->notify.settings = 0;
}

static void drop(CXLMCTPEndpoint *ep, const char *why)
{
    ep->dropped++;
    trace_cxl_mctp_drop(ep->name, why);
}

void cxl_mctp_send_message(CXLMCTPEndpoint *ep, uint8_t dst, uint8_t src,
                           uint8_t tag, bool tag_owner, const uint8_t *msg,
                           size_t len)
{
    g_autofree uint8_t *pkt = g_malloc(CXL_MCTP_HDR_LEN + ep->mtu);
    size_t off = 0;
    uint8_t seq = 0;

    do {
        size_t n = MIN(ep->mtu, len - off);
        uint8_t flags = 0;

        flags = FIELD_DP8(flags, CXL_MCTP_FLAGS, TAG, tag);
        flags = FIELD_DP8(flags, CXL_MCTP_FLAGS, TO, tag_owner);
        flags = FIELD_DP8(flags, CXL_MCTP_FLAGS, SEQ, seq);
        flags = FIELD_DP8(flags, CXL_MCTP_FLAGS, SOM, off == 0);
        flags = FIELD_DP8(flags, CXL_MCTP_FLAGS, EOM, off + n == len);
        pkt[0] = CXL_MCTP_HDR_VERSION;
        pkt[1] = dst;
        pkt[2] = src;
        pkt[3] = flags;
        memcpy(pkt + CXL_MCTP_HDR_LEN, msg + off, n);
        ep->send(ep, pkt, CXL_MCTP_HDR_LEN + n);
        off += n;
        seq = (seq + 1) & 3;
    } while (off < len);
}

static bool valid_eid(uint8_t eid)
{
    return eid >= CXL_MCTP_EID_FIRST && eid != CXL_MCTP_EID_BROADCAST;
}

/*
 * A control request (@req: the message from its type byte, @len >= 3).
 * Writes the response message to @rsp; returns its length. *@src_eid is
 * the EID the response comes from (Set Endpoint ID: the new one).
 */
static size_t control(CXLMCTPEndpoint *ep, const uint8_t *req, size_t len,
                      uint8_t *rsp, uint8_t *src_eid)
{
    const uint8_t *data = req + 3;
    size_t dlen = len - 3;
    uint8_t cmd = req[2];
    uint8_t *out = rsp + 4;
    size_t n = 0;
    uint8_t cc = CXL_MCTP_CC_SUCCESS;

    rsp[0] = CXL_MCTP_TYPE_CONTROL;
    rsp[1] = FIELD_DP8(0, CXL_MCTP_CTRL, INSTANCE,
                       FIELD_EX8(req[1], CXL_MCTP_CTRL, INSTANCE));
    rsp[2] = cmd;

    switch (cmd) {
    case CXL_MCTP_CTRL_SET_EID: {
        uint8_t op = data[0] & 3, eid = dlen > 1 ? data[1] : 0;

        if (dlen != 2) {
            cc = CXL_MCTP_CC_INVALID_LENGTH;
            break;
        }
        if ((op == CXL_MCTP_SET_EID_SET || op == CXL_MCTP_SET_EID_FORCE) &&
            !valid_eid(eid)) {
            cc = CXL_MCTP_CC_INVALID_DATA;
            break;
        }
        if (op == CXL_MCTP_SET_EID_SET || op == CXL_MCTP_SET_EID_FORCE) {
            ep->eid = eid;
        } else if (op == CXL_MCTP_SET_EID_RESET) {
            ep->eid = ep->static_eid;
        }
        ep->discovered = true;
        trace_cxl_mctp_eid(ep->name, ep->eid);
        *src_eid = ep->eid;
        /*
         * EID assignment status [5:4] 0: accepted; EID allocation status
         * [1:0] 0: no EID pool
         */
        out[0] = 0;
        out[1] = ep->eid;
        out[2] = 0;             /* EID pool size */
        n = 3;
        break;
    }
    case CXL_MCTP_CTRL_GET_EID:
        if (dlen != 0) {
            cc = CXL_MCTP_CC_INVALID_LENGTH;
            break;
        }
        out[0] = ep->eid;
        /*
         * endpoint type [5:4] 0: simple endpoint; EID type [1:0]: 0
         * dynamic, 2 static and the current EID is the static one, 3
         * static but another one was set (from memory)
         */
        out[1] = !ep->static_eid ? 0 : ep->eid == ep->static_eid ? 2 : 3;
        out[2] = 0;             /* medium-specific information */
        n = 3;
        break;
    case CXL_MCTP_CTRL_GET_VERSION: {
        uint8_t type = dlen ? data[0] : 0;
        const uint8_t *v;

        if (dlen != 1) {
            cc = CXL_MCTP_CC_INVALID_LENGTH;
            break;
        }
        if (type == 0xff || type == CXL_MCTP_TYPE_CONTROL) {
            v = version_base;
        } else if (type < 32 && (ep->types & BIT(type))) {
            v = version_cxl;
        } else {
            cc = CXL_MCTP_CC_VERSION_TYPE_UNSUPPORTED;
            break;
        }
        out[0] = 1;             /* one version entry */
        memcpy(out + 1, v, 4);
        n = 5;
        break;
    }
    case CXL_MCTP_CTRL_GET_MSG_TYPES:
        if (dlen != 0) {
            cc = CXL_MCTP_CC_INVALID_LENGTH;
            break;
        }
        /* the types besides control (from memory: control is implied) */
        for (unsigned t = 1; t < 32; t++) {
            if (ep->types & BIT(t)) {
                out[1 + n++] = t;
            }
        }
        out[0] = n;
        n++;
        break;
    default:
        cc = CXL_MCTP_CC_UNSUPPORTED_CMD;
        break;
    }
    trace_cxl_mctp_control(ep->name, cmd, cc);
    rsp[3] = cc;
    return 4 + (cc == CXL_MCTP_CC_SUCCESS ? n : 0);
}

/* A complete message from @src with @tag (tag owner set) */
static void message(CXLMCTPEndpoint *ep, uint8_t src, uint8_t tag,
                    const uint8_t *msg, size_t len)
{
    uint8_t type = FIELD_EX8(msg[0], CXL_MCTP_MSG, TYPE);
    uint8_t from = ep->eid;
    g_autofree uint8_t *rsp = NULL;
    size_t rsp_len;

    ep->messages++;
    trace_cxl_mctp_message(ep->name, src, tag, type, len);
    if (FIELD_EX8(msg[0], CXL_MCTP_MSG, IC)) {
        drop(ep, "integrity check bit set");
        return;
    }
    if (type == CXL_MCTP_TYPE_CONTROL) {
        if (len < 3) {
            drop(ep, "control message without a command code");
            return;
        }
        if (!FIELD_EX8(msg[1], CXL_MCTP_CTRL, RQ) ||
            FIELD_EX8(msg[1], CXL_MCTP_CTRL, D)) {
            drop(ep, "control message not a request");
            return;
        }
        rsp = g_malloc0(64);
        rsp_len = control(ep, msg, len, rsp, &from);
    } else if (type < 32 && (ep->types & BIT(type))) {
        rsp = g_malloc0(1 + ep->rsp_max);
        ep->msg_src = src;
        rsp_len = ep->handle(ep, type, msg + 1, len - 1, rsp + 1,
                             ep->rsp_max);
        if (!rsp_len) {
            drop(ep, "no response from the component");
            return;
        }
        rsp[0] = type;
        rsp_len++;
    } else {
        drop(ep, "message type not supported");
        return;
    }
    cxl_mctp_send_message(ep, src, from, tag, false, rsp, rsp_len);
}

void cxl_mctp_receive(CXLMCTPEndpoint *ep, const uint8_t *pkt, size_t len)
{
    uint8_t flags, dst, src, tag, seq;
    bool som, eom, to;
    size_t plen;

    if (len < CXL_MCTP_HDR_LEN) {
        drop(ep, "shorter than the MCTP header");
        return;
    }
    plen = len - CXL_MCTP_HDR_LEN;
    if ((pkt[0] & 0xf) != CXL_MCTP_HDR_VERSION) {
        drop(ep, "header version not 1");
        return;
    }
    dst = pkt[1];
    src = pkt[2];
    flags = pkt[3];
    tag = FIELD_EX8(flags, CXL_MCTP_FLAGS, TAG);
    to = FIELD_EX8(flags, CXL_MCTP_FLAGS, TO);
    seq = FIELD_EX8(flags, CXL_MCTP_FLAGS, SEQ);
    som = FIELD_EX8(flags, CXL_MCTP_FLAGS, SOM);
    eom = FIELD_EX8(flags, CXL_MCTP_FLAGS, EOM);
    trace_cxl_mctp_packet(ep->name, dst, src, flags, plen);

    if (dst != ep->eid && dst != CXL_MCTP_EID_NULL &&
        dst != CXL_MCTP_EID_BROADCAST) {
        drop(ep, "for another EID");
        return;
    }
    if (plen > ep->rx_mtu) {
        drop(ep, "payload longer than the MTU");
        return;
    }
    if (som) {
        if (ep->rx.active) {
            drop(ep, "unfinished message replaced by a new one");
        }
        if (!plen) {
            ep->rx.active = false;
            drop(ep, "start of message without a message type");
            return;
        }
        ep->rx.active = true;
        ep->rx.src = src;
        ep->rx.tag = tag | (to << 3);
        ep->rx.frag = plen;
        ep->rx.len = 0;
    } else {
        if (!ep->rx.active) {
            drop(ep, "middle or end of a message never started");
            return;
        }
        if (src != ep->rx.src || (tag | (to << 3)) != ep->rx.tag) {
            /* another message interleaved: keep waiting for ours */
            drop(ep, "not the message being reassembled");
            return;
        }
        if (seq != ep->rx.seq) {
            ep->rx.active = false;
            drop(ep, "out of sequence: message dropped");
            return;
        }
        if (!eom && plen != ep->rx.frag) {
            ep->rx.active = false;
            drop(ep, "middle packet of another size: message dropped");
            return;
        }
    }
    if (ep->rx.len + plen > sizeof(ep->rx.buf)) {
        ep->rx.active = false;
        drop(ep, "message too long: dropped");
        return;
    }
    memcpy(ep->rx.buf + ep->rx.len, pkt + CXL_MCTP_HDR_LEN, plen);
    ep->rx.len += plen;
    ep->rx.seq = (seq + 1) & 3;
    if (!eom) {
        return;
    }
    ep->rx.active = false;
    if (!to) {
        drop(ep, "a response (tag owner clear): the endpoint asked nothing");
        return;
    }
    message(ep, src, tag, ep->rx.buf, ep->rx.len);
}
