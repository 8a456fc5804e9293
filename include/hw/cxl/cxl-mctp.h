/*
 * An MCTP endpoint for CXL components: the transport-independent core
 * (hw/cxl/cxl-mctp.c) behind the MCTP bindings (usb-cxl-mctp, MCTP over
 * USB; cxl-mctp-chardev, MCTP packets framed as DSP0253 on a chardev).
 *
 * A binding hands the endpoint each MCTP packet it receives, without its
 * own transport header; the endpoint reassembles messages, answers MCTP
 * control messages itself and hands CXL messages (FM API, type 7; CXL
 * CCI, type 8) to its owner's handler, then sends the response back in
 * packets of at most the binding's MTU through the binding's send hook.
 *
 * Formats (DSP0236, MCTP base specification 1.3; the CXL message types of
 * DSP0234 and DSP0281 and the control message details from memory):
 *
 *   packet   byte 0: header version [3:0] (1), byte 1: destination EID,
 *            byte 2: source EID, byte 3: SOM [7], EOM [6], packet
 *            sequence [5:4], tag owner [3], message tag [2:0]; then the
 *            packet payload.
 *   message  byte 0: integrity check [7], message type [6:0]; then the
 *            message body (the first packet's payload starts with it).
 *   control  (type 0) byte 1: request [7], datagram [6], instance ID
 *            [4:0]; byte 2: command code; responses: byte 3 completion
 *            code; then the command's data.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_MCTP_H
#define HW_CXL_MCTP_H

#include "hw/registerfields.h"
#include "qemu/notify.h"

#define CXL_MCTP_HDR_LEN        4
#define CXL_MCTP_HDR_VERSION    1
/* the baseline transmission unit: packet payload every binding carries */
#define CXL_MCTP_BTU            64

/* packet header byte 3 */
FIELD(CXL_MCTP_FLAGS, TAG, 0, 3)
FIELD(CXL_MCTP_FLAGS, TO, 3, 1)
FIELD(CXL_MCTP_FLAGS, SEQ, 4, 2)
FIELD(CXL_MCTP_FLAGS, EOM, 6, 1)
FIELD(CXL_MCTP_FLAGS, SOM, 7, 1)

/* message byte 0 */
FIELD(CXL_MCTP_MSG, TYPE, 0, 7)
FIELD(CXL_MCTP_MSG, IC, 7, 1)

/* control message byte 1 */
FIELD(CXL_MCTP_CTRL, INSTANCE, 0, 5)
FIELD(CXL_MCTP_CTRL, D, 6, 1)
FIELD(CXL_MCTP_CTRL, RQ, 7, 1)

/* EIDs (DSP0236 8.2): 0 null, 1..7 reserved, 0xff broadcast */
#define CXL_MCTP_EID_NULL       0x00
#define CXL_MCTP_EID_FIRST      0x08
#define CXL_MCTP_EID_BROADCAST  0xff

/* Message types: DSP0239 (from memory; CXL's from DSP0234/DSP0281) */
enum {
    CXL_MCTP_TYPE_CONTROL = 0x00,
    CXL_MCTP_TYPE_CXL_FM_API = 0x07,    /* CXL FM API (DSP0234) */
    CXL_MCTP_TYPE_CXL_CCI = 0x08,       /* CXL CCI (DSP0281) */
};

/* MCTP control command codes (DSP0236 12, from memory) */
enum {
    CXL_MCTP_CTRL_SET_EID = 0x01,
    CXL_MCTP_CTRL_GET_EID = 0x02,
    CXL_MCTP_CTRL_GET_UUID = 0x03,
    CXL_MCTP_CTRL_GET_VERSION = 0x04,
    CXL_MCTP_CTRL_GET_MSG_TYPES = 0x05,
};

/* MCTP control completion codes (DSP0236 Table 13, from memory) */
enum {
    CXL_MCTP_CC_SUCCESS = 0x00,
    CXL_MCTP_CC_ERROR = 0x01,
    CXL_MCTP_CC_INVALID_DATA = 0x02,
    CXL_MCTP_CC_INVALID_LENGTH = 0x03,
    CXL_MCTP_CC_NOT_READY = 0x04,
    CXL_MCTP_CC_UNSUPPORTED_CMD = 0x05,
    /* Get MCTP Version Support: the message type is not supported */
    CXL_MCTP_CC_VERSION_TYPE_UNSUPPORTED = 0x80,
};

/* Set Endpoint ID operations (request byte 0 [1:0]) */
enum {
    CXL_MCTP_SET_EID_SET = 0,
    CXL_MCTP_SET_EID_FORCE = 1,
    CXL_MCTP_SET_EID_RESET = 2,
    CXL_MCTP_SET_EID_DISCOVERED = 3,
};

/* the largest message the endpoint reassembles (a CCI message: header
 * and a 4 KiB payload are more than any FM API request needs) */
#define CXL_MCTP_MSG_MAX        (4096 + 12 + 1)

typedef struct CXLMCTPEndpoint CXLMCTPEndpoint;

/*
 * A CXL message for the endpoint's owner: @type (CXL_MCTP_TYPE_CXL_*),
 * the message body after the type byte in @req (@req_len bytes). The
 * handler writes the response body (without the type byte) to @rsp, room
 * for @rsp_size bytes, and returns its length; 0: no response (the
 * request is dropped).
 */
typedef size_t (*CXLMCTPHandler)(CXLMCTPEndpoint *ep, uint8_t type,
                                 const uint8_t *req, size_t req_len,
                                 uint8_t *rsp, size_t rsp_size);
/* Send one MCTP packet (header included) on the binding. */
typedef void (*CXLMCTPSend)(CXLMCTPEndpoint *ep, const uint8_t *pkt,
                            size_t len);

struct CXLMCTPEndpoint {
    /* set by the binding before cxl_mctp_init() returns */
    const char *name;           /* for traces */
    void *opaque;               /* the binding */
    size_t mtu;                 /* payload bytes of the packets it sends */
    size_t rx_mtu;              /* ...and of those it takes (mtu unless
                                 * the binding changes it after init) */
    uint8_t static_eid;         /* 0: the EID is assigned by the bus owner */
    CXLMCTPHandler handle;
    CXLMCTPSend send;
    /* CXL message types the handler serves (bit N: type N < 32) */
    uint32_t types;
    size_t rsp_max;             /* the largest response body */

    /* state */
    uint8_t eid;
    bool discovered;
    struct {
        bool active;
        uint8_t src;
        uint8_t tag;
        uint8_t seq;            /* the sequence number expected next */
        size_t frag;            /* the first packet's payload size */
        size_t len;
        uint8_t buf[CXL_MCTP_MSG_MAX];
    } rx;

    /* the source EID of the message being handled */
    uint8_t msg_src;

    /*
     * MCTP event notification (cxl-mctp-target.c): the Event Interrupt
     * Settings a fabric manager set with Set MCTP Event Interrupt Policy,
     * its EID and the message type it used, the tag of the endpoint's
     * next request; the target watched
     */
    struct {
        uint16_t settings;
        uint8_t fm_eid;
        uint8_t type;
        uint8_t next_tag;
        const char *target;
        Notifier added;
    } notify;

    /* counters (for tests and debugging) */
    uint64_t dropped;
    uint64_t messages;

    /* migration: rx.frag and rx.len as the stream has them */
    uint32_t mig_rx_frag;
    uint32_t mig_rx_len;
};

/*
 * The endpoint's state (VMSTATE_STRUCT in a binding's description,
 * hw/cxl/cxl-mctp-target.c): the EID and whether the bus owner assigned
 * it, the message being reassembled, the MCTP event notification policy
 * (settings, the fabric manager's EID, the message type, the next tag)
 * and the counters. Loaded values are checked (-EINVAL).
 */
extern const VMStateDescription vmstate_cxl_mctp_endpoint;

/*
 * Set up @ep; @mtu is the packet payload the binding carries (at least
 * CXL_MCTP_BTU), @static_eid the EID it starts with (0: none until a Set
 * Endpoint ID), @types the CXL message types @handle serves (bits).
 */
void cxl_mctp_init(CXLMCTPEndpoint *ep, const char *name, void *opaque,
                   size_t mtu, uint8_t static_eid, uint32_t types,
                   size_t rsp_max, CXLMCTPHandler handle, CXLMCTPSend send);
/* Back to the state after cxl_mctp_init() (a bus reset). */
void cxl_mctp_reset(CXLMCTPEndpoint *ep);
/*
 * One MCTP packet from the binding (@pkt: its MCTP header and payload).
 * Malformed or unexpected packets are dropped (traced, counted); a
 * complete request message is answered through ep->send before this
 * returns.
 */
void cxl_mctp_receive(CXLMCTPEndpoint *ep, const uint8_t *pkt, size_t len);

/*
 * Build the packets of message @msg (@len bytes, the type byte first)
 * from @src to @dst with @flags' tag owner and tag bits, payloads of at
 * most @mtu bytes, and hand each to @send. For bindings and tests.
 */
void cxl_mctp_send_message(CXLMCTPEndpoint *ep, uint8_t dst, uint8_t src,
                           uint8_t tag, bool tag_owner, const uint8_t *msg,
                           size_t len);

/*
 * ---- The CXL component behind an MCTP binding (hw/cxl/cxl-mctp-target.c)
 *
 * A binding's target= names (by id) a cxl-switch-mailbox-cci, a
 * cxl-upstream (whose switch mailbox CCI serves it) or a cxl-type3. CXL
 * messages run on the component's CCI with cxl_cci_msg_execute():
 *   switch   FM API (7) and CXL CCI (8): the switch mailbox CCI's engine
 *            (its generic and FM API command sets; the one background
 *            operation is shared with the mailbox);
 *   type 3   FM API (7): its fabric manager's CCI (devices with dynamic
 *            capacity have one; otherwise type 7 is not served); CXL CCI
 *            (8): its primary mailbox CCI.
 * The target is looked up again for every message: a device unplugged
 * since leaves messages unanswered (dropped, traced).
 */

/*
 * At realize: check @id names a target and @eid (the eid property) is 0 or
 * a valid EID; @dev names the binding.
 */
bool cxl_mctp_target_check(const char *id, uint8_t eid, const char *dev,
                           Error **errp);
/* The CXL message types (bits) @id's component serves */
uint32_t cxl_mctp_target_types(const char *id);
/* The largest response body (a CCI message) of @id's component */
size_t cxl_mctp_target_rsp_max(const char *id);
/*
 * A CXL message for @id's component: a CXLMCTPHandler's work. Get and Set
 * MCTP Event Interrupt Policy (0104h, 0105h) are the endpoint's own (see
 * cxl-mctp-target.c); everything else runs on the component's CCI.
 */
size_t cxl_mctp_target_handle(const char *id, CXLMCTPEndpoint *ep,
                              uint8_t type, const uint8_t *req,
                              size_t req_len, uint8_t *rsp, size_t rsp_size);
/*
 * Send @ep's fabric manager an Event Notification (0106h) when @id's
 * component logs an event its MCTP Event Interrupt Policy enables: call
 * at realize, after cxl_mctp_init(); cxl_mctp_target_unwatch() at
 * unrealize.
 */
void cxl_mctp_target_watch(CXLMCTPEndpoint *ep, const char *id);
void cxl_mctp_target_unwatch(CXLMCTPEndpoint *ep);

#endif /* HW_CXL_MCTP_H */
