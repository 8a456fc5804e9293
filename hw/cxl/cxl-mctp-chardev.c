/*
 * cxl-mctp-chardev: an MCTP endpoint of a CXL component on a QEMU
 * chardev, for a fabric manager outside the guest (out of band: the
 * guest neither sees nor resets it).
 *
 *   -chardev socket,id=fm,path=/tmp/fm.sock,server=on,wait=off
 *   -device cxl-mctp-chardev,chardev=fm,target=<id>[,eid=N][,mtu=N]
 *
 * Framing: DSP0253 (MCTP serial transport binding), as Linux's
 * drivers/net/mctp/mctp-serial.c speaks it: each MCTP packet (header and
 * payload) goes in a frame
 *
 *   7Eh  01h (revision)  byte count  packet...  FCS[15:8] FCS[7:0]  7Eh
 *
 * where 7Eh and 7Dh inside the packet are sent as 7Dh followed by the byte
 * XOR 20h, and the FCS is CRC-16/CCITT (reflected polynomial 8408h,
 * initial value FFFFh, no final inversion, as Linux computes it) over the
 * revision, byte count and the unescaped packet. A frame with another
 * revision, a byte count over 4 + mtu, a bad FCS or no closing flag is
 * dropped (traced); the receiver resynchronises on the next 7Eh, and one
 * flag may both close a frame and open the next. The endpoint's packets
 * carry at most @mtu bytes of payload (64, the baseline, by default; up to
 * 251, what one byte count allows).
 *
 * A bus-less device: it is not reset with the guest, so a fabric
 * manager's EID and connection survive guest reboots; a new connection on
 * the chardev forgets a half-received frame and message.
 *
 * Output never blocks QEMU: frames go to a bounded queue (TX_QUEUE_SIZE
 * bytes) written with qemu_chr_fe_write() as far as the chardev takes
 * them, the rest when it can take more (qemu_chr_fe_add_watch(), G_IO_OUT).
 * A fabric manager that stops reading fills the queue; frames that do not
 * fit are dropped whole (the cxl_mctp_serial_tx_drop trace event), as a
 * wire loses them, so the byte stream stays framed. A closed or new
 * connection empties the queue.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/crc-ccitt.h"
#include "qapi/error.h"
#include "chardev/char-fe.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"
#include "hw/qdev-properties-system.h"
#include "migration/vmstate.h"
#include "hw/cxl/cxl-mctp.h"
#include "trace.h"

#define TYPE_CXL_MCTP_CHARDEV "cxl-mctp-chardev"
OBJECT_DECLARE_SIMPLE_TYPE(CXLMCTPChardev, CXL_MCTP_CHARDEV)

#define FRAME_FLAG      0x7e
#define FRAME_ESC       0x7d
#define FRAME_REVISION  0x01
#define FCS_INIT        0xffff
#define MTU_MAX         (255 - CXL_MCTP_HDR_LEN)
/* bytes of frames waiting for the chardev: a few maximal messages */
#define TX_QUEUE_SIZE   (32 * 1024)

typedef enum RxState {
    RX_IDLE,            /* waiting for a flag */
    RX_REVISION,        /* after a flag */
    RX_COUNT,
    RX_DATA,
    RX_ESCAPE,
    RX_FCS_HI,
    RX_FCS_LO,
    RX_END,             /* the closing flag */
} RxState;

struct CXLMCTPChardev {
    DeviceState parent_obj;

    /* properties */
    CharFrontend chr;
    char *target;
    uint8_t eid;
    uint32_t mtu;

    CXLMCTPEndpoint ep;
    struct {
        RxState state;
        uint8_t count;
        uint8_t pos;
        uint16_t fcs;
        uint16_t fcs_rcvd;
        uint8_t buf[255];
    } rx;
    struct {
        uint8_t buf[TX_QUEUE_SIZE];
        size_t head;            /* first byte not yet written */
        size_t len;             /* bytes queued from head */
        guint watch;            /* waiting for the chardev to take more */
    } tx;
};

static void bad_frame(CXLMCTPChardev *s, const char *why)
{
    trace_cxl_mctp_serial_bad(s->ep.name, why);
    s->ep.dropped++;
}

static void rx_byte(CXLMCTPChardev *s, uint8_t c)
{
    if (c == FRAME_FLAG) {
        switch (s->rx.state) {
        case RX_END:
            if (s->rx.fcs != s->rx.fcs_rcvd) {
                bad_frame(s, "FCS mismatch");
            } else {
                cxl_mctp_receive(&s->ep, s->rx.buf, s->rx.count);
            }
            break;
        case RX_IDLE:
        case RX_REVISION:
            break;
        default:
            bad_frame(s, "frame cut short by a flag");
            break;
        }
        /* a flag (also) opens the next frame */
        s->rx.state = RX_REVISION;
        return;
    }
    switch (s->rx.state) {
    case RX_IDLE:
        break;
    case RX_REVISION:
        if (c != FRAME_REVISION) {
            bad_frame(s, "revision not 1");
            s->rx.state = RX_IDLE;
            break;
        }
        s->rx.fcs = crc_ccitt_byte(FCS_INIT, c);
        s->rx.state = RX_COUNT;
        break;
    case RX_COUNT:
        if (c > CXL_MCTP_HDR_LEN + s->mtu) {
            bad_frame(s, "byte count over the MTU");
            s->rx.state = RX_IDLE;
            break;
        }
        s->rx.fcs = crc_ccitt_byte(s->rx.fcs, c);
        s->rx.count = c;
        s->rx.pos = 0;
        s->rx.state = c ? RX_DATA : RX_FCS_HI;
        break;
    case RX_DATA:
        if (c == FRAME_ESC) {
            s->rx.state = RX_ESCAPE;
            break;
        }
        /* fall through */
    case RX_ESCAPE:
        if (s->rx.state == RX_ESCAPE) {
            c ^= 0x20;
        }
        s->rx.fcs = crc_ccitt_byte(s->rx.fcs, c);
        s->rx.buf[s->rx.pos++] = c;
        s->rx.state = s->rx.pos == s->rx.count ? RX_FCS_HI : RX_DATA;
        break;
    case RX_FCS_HI:
        s->rx.fcs_rcvd = c << 8;
        s->rx.state = RX_FCS_LO;
        break;
    case RX_FCS_LO:
        s->rx.fcs_rcvd |= c;
        s->rx.state = RX_END;
        break;
    case RX_END:
        bad_frame(s, "no flag after the FCS");
        s->rx.state = RX_IDLE;
        break;
    }
}

static void tx_flush(CXLMCTPChardev *s);

static gboolean tx_writable(void *do_not_use, GIOCondition cond,
                            void *opaque)
{
    CXLMCTPChardev *s = opaque;

    s->tx.watch = 0;
    tx_flush(s);
    return G_SOURCE_REMOVE;
}

/*
 * Write what the chardev takes now; wait for it to take the rest. No
 * fabric manager connected: the chardev discards what it is given (the
 * response is lost, as on a wire).
 */
static void tx_flush(CXLMCTPChardev *s)
{
    while (s->tx.len) {
        int n = qemu_chr_fe_write(&s->chr, s->tx.buf + s->tx.head,
                                  s->tx.len);

        if (n <= 0) {
            break;
        }
        s->tx.head += n;
        s->tx.len -= n;
    }
    if (!s->tx.len) {
        s->tx.head = 0;
    } else if (!s->tx.watch) {
        s->tx.watch = qemu_chr_fe_add_watch(&s->chr, G_IO_OUT | G_IO_HUP,
                                            tx_writable, s);
        if (!s->tx.watch) {
            /* the chardev cannot tell when it is writable: nobody there */
            s->tx.head = s->tx.len = 0;
        }
    }
}

static void tx_reset(CXLMCTPChardev *s)
{
    if (s->tx.watch) {
        g_source_remove(s->tx.watch);
        s->tx.watch = 0;
    }
    s->tx.head = s->tx.len = 0;
}

/* Queue frame @f (@n bytes) whole, or drop it if it does not fit */
static void tx_queue(CXLMCTPChardev *s, const uint8_t *f, size_t n)
{
    if (s->tx.len + n > TX_QUEUE_SIZE) {
        trace_cxl_mctp_serial_tx_drop(s->ep.name, n, s->tx.len);
        return;
    }
    if (s->tx.head + s->tx.len + n > TX_QUEUE_SIZE) {
        memmove(s->tx.buf, s->tx.buf + s->tx.head, s->tx.len);
        s->tx.head = 0;
    }
    memcpy(s->tx.buf + s->tx.head + s->tx.len, f, n);
    s->tx.len += n;
    tx_flush(s);
}

static void chr_send(CXLMCTPEndpoint *ep, const uint8_t *pkt, size_t len)
{
    CXLMCTPChardev *s = ep->opaque;
    uint8_t frame[3 + 2 * 255 + 3];
    size_t n = 0;
    uint16_t fcs;

    assert(len <= 255);
    frame[n++] = FRAME_FLAG;
    frame[n++] = FRAME_REVISION;
    frame[n++] = len;
    fcs = crc_ccitt(FCS_INIT, frame + 1, 2);
    fcs = crc_ccitt(fcs, pkt, len);
    for (size_t i = 0; i < len; i++) {
        if (pkt[i] == FRAME_FLAG || pkt[i] == FRAME_ESC) {
            frame[n++] = FRAME_ESC;
            frame[n++] = pkt[i] ^ 0x20;
        } else {
            frame[n++] = pkt[i];
        }
    }
    frame[n++] = fcs >> 8;
    frame[n++] = fcs & 0xff;
    frame[n++] = FRAME_FLAG;
    tx_queue(s, frame, n);
}

static size_t chr_handle(CXLMCTPEndpoint *ep, uint8_t type,
                         const uint8_t *req, size_t req_len, uint8_t *rsp,
                         size_t rsp_size)
{
    CXLMCTPChardev *s = ep->opaque;

    return cxl_mctp_target_handle(s->target, ep, type, req, req_len, rsp,
                                  rsp_size);
}

static int chr_can_read(void *opaque)
{
    return 4096;
}

static void chr_read(void *opaque, const uint8_t *buf, int size)
{
    CXLMCTPChardev *s = opaque;

    for (int i = 0; i < size; i++) {
        rx_byte(s, buf[i]);
    }
}

static void chr_event(void *opaque, QEMUChrEvent event)
{
    CXLMCTPChardev *s = opaque;

    if (event == CHR_EVENT_OPENED || event == CHR_EVENT_CLOSED) {
        s->rx.state = RX_IDLE;
        s->ep.rx.active = false;
        tx_reset(s);
    }
}

static void chr_realize(DeviceState *dev, Error **errp)
{
    CXLMCTPChardev *s = CXL_MCTP_CHARDEV(dev);
    const char *name = dev->id ?: TYPE_CXL_MCTP_CHARDEV;

    if (!qemu_chr_fe_backend_connected(&s->chr)) {
        error_setg(errp, "%s: chardev is required (the chardev the fabric "
                   "manager connects to)", TYPE_CXL_MCTP_CHARDEV);
        return;
    }
    if (s->mtu < CXL_MCTP_BTU || s->mtu > MTU_MAX) {
        error_setg(errp, "%s: mtu must be from %u to %u (got %" PRIu32 ")",
                   TYPE_CXL_MCTP_CHARDEV, CXL_MCTP_BTU, MTU_MAX, s->mtu);
        return;
    }
    if (!cxl_mctp_target_check(s->target, s->eid, TYPE_CXL_MCTP_CHARDEV, errp)) {
        return;
    }
    cxl_mctp_init(&s->ep, g_strdup(name), s, s->mtu, s->eid,
                  cxl_mctp_target_types(s->target),
                  cxl_mctp_target_rsp_max(s->target), chr_handle, chr_send);
    cxl_mctp_target_watch(&s->ep, s->target);
    qemu_chr_fe_set_handlers(&s->chr, chr_can_read, chr_read, chr_event,
                             NULL, s, NULL, true);
}

static void chr_unrealize(DeviceState *dev)
{
    CXLMCTPChardev *s = CXL_MCTP_CHARDEV(dev);

    cxl_mctp_target_unwatch(&s->ep);
    tx_reset(s);
    qemu_chr_fe_deinit(&s->chr, false);
    g_free((char *)s->ep.name);
}

static const Property chr_properties[] = {
    DEFINE_PROP_CHR("chardev", CXLMCTPChardev, chr),
    DEFINE_PROP_STRING("target", CXLMCTPChardev, target),
    DEFINE_PROP_UINT8("eid", CXLMCTPChardev, eid, 0),
    DEFINE_PROP_UINT32("mtu", CXLMCTPChardev, mtu, CXL_MCTP_BTU),
};

/*
 * Migration: the endpoint (its EID, the event notification policy, a
 * message being reassembled), so the fabric manager goes on at the same
 * EID without rediscovery. Not carried: the frame being received and the
 * frames queued for output. The fabric manager's connection is to the
 * source's chardev; reaching the destination is a new connection, which
 * drops both (and the message being reassembled) as any new connection
 * does: requests whose response was queued are lost, as MCTP packets may
 * be, and the fabric manager retries them.
 */
static const VMStateDescription chr_vmstate = {
    .name = TYPE_CXL_MCTP_CHARDEV,
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_STRUCT(ep, CXLMCTPChardev, 1, vmstate_cxl_mctp_endpoint,
                       CXLMCTPEndpoint),
        VMSTATE_END_OF_LIST()
    },
};

static void chr_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = chr_realize;
    dc->unrealize = chr_unrealize;
    dc->desc = "CXL MCTP endpoint on a chardev (DSP0253 framing)";
    dc->vmsd = &chr_vmstate;
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
    device_class_set_props(dc, chr_properties);
}

static const TypeInfo chr_info = {
    .name = TYPE_CXL_MCTP_CHARDEV,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(CXLMCTPChardev),
    .class_init = chr_class_init,
};

static void chr_register_types(void)
{
    type_register_static(&chr_info);
}

type_init(chr_register_types)
