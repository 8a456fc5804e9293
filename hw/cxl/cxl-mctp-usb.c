/*
 * usb-cxl-mctp: an MCTP endpoint of a CXL component on USB (DMTF
 * DSP0283, MCTP over USB 1.0), for a fabric manager in the guest. Linux's
 * mctp-usb driver (drivers/net/mctp/mctp-usb.c, mctp-usblib.c) binds to
 * it and makes an mctpusbN network interface.
 *
 *   -device qemu-xhci,id=xhci
 *   -device usb-cxl-mctp,bus=xhci.0,target=<id>[,eid=N]
 *
 * What the device looks like (the facts from Linux's driver and
 * include/linux/usb/mctp-usb.h): a full-speed device with one interface
 * of class 14h (MCTP), subclass 00h (DSP0283 1.0, no spanning), protocol
 * 01h, and a bulk IN and a bulk OUT endpoint of 64 bytes. Each MCTP
 * packet on the wire is preceded by a 4-byte transport header: the DMTF
 * ID 1AB4h (big endian), a reserved byte, and the length of the header
 * and packet (one byte, so at most 255). An OUT transfer may carry
 * several packets back to back (Linux packs up to 512 bytes); an IN
 * transfer carries one packet of at most 64 bytes of payload (the
 * baseline MTU, the interface's default); packets from the host may carry
 * up to 247 (if its interface's MTU is raised). An OUT transfer whose header
 * has another ID, a length below 8 or beyond the transfer is dropped from
 * there (traced), as Linux does with what it receives.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/main-loop.h"
#include "qapi/error.h"
#include "hw/qdev-properties.h"
#include "hw/usb.h"
#include "hw/usb/desc.h"
#include "migration/vmstate.h"
#include "hw/cxl/cxl-mctp.h"
#include "trace.h"

#define TYPE_USB_CXL_MCTP "usb-cxl-mctp"
OBJECT_DECLARE_SIMPLE_TYPE(USBCXLMCTP, USB_CXL_MCTP)

#define USB_CLASS_MCTP          0x14
#define MCTP_USB_SUBCLASS_1_0   0x00
#define MCTP_USB_PROTOCOL       0x01
#define MCTP_USB_DMTF_ID        0x1ab4
#define MCTP_USB_HDR_LEN        4
#define EP_IN                   1
#define EP_OUT                  2
#define OUT_MAX                 (64 * 1024)
/* the largest packet payload: a one-byte length over both headers */
#define RX_MTU                  (255 - MCTP_USB_HDR_LEN - CXL_MCTP_HDR_LEN)
/* responses queued for the host (a 64 KiB CCI payload is 1025 packets) */
#define QUEUE_MAX               2048

struct USBCXLMCTP {
    USBDevice parent_obj;

    /* properties */
    char *target;
    uint8_t eid;

    CXLMCTPEndpoint ep;
    GQueue in;                  /* GByteArray: transfers for the host */
    USBEndpoint *ep_in;
    QEMUBH *wakeup;             /* kicks the IN endpoint outside an OUT */

    /* migration: the IN queue's transfers back to back */
    uint32_t mig_in_len;
    uint8_t *mig_in;
};

enum {
    STR_MANUFACTURER = 1,
    STR_PRODUCT,
    STR_SERIALNUMBER,
};

static const USBDescStrings desc_strings = {
    [STR_MANUFACTURER] = "QEMU",
    [STR_PRODUCT] = "QEMU CXL MCTP endpoint",
    [STR_SERIALNUMBER] = "1",
};

static const USBDescIface desc_iface = {
    .bInterfaceNumber = 0,
    .bNumEndpoints = 2,
    .bInterfaceClass = USB_CLASS_MCTP,
    .bInterfaceSubClass = MCTP_USB_SUBCLASS_1_0,
    .bInterfaceProtocol = MCTP_USB_PROTOCOL,
    .eps = (USBDescEndpoint[]) {
        {
            .bEndpointAddress = USB_DIR_IN | EP_IN,
            .bmAttributes = USB_ENDPOINT_XFER_BULK,
            .wMaxPacketSize = 64,
        }, {
            .bEndpointAddress = USB_DIR_OUT | EP_OUT,
            .bmAttributes = USB_ENDPOINT_XFER_BULK,
            .wMaxPacketSize = 64,
        },
    },
};

static const USBDescDevice desc_device = {
    .bcdUSB = 0x0200,
    .bMaxPacketSize0 = 64,
    .bNumConfigurations = 1,
    .confs = (USBDescConfig[]) {
        {
            .bNumInterfaces = 1,
            .bConfigurationValue = 1,
            .bmAttributes = USB_CFG_ATT_ONE,
            .bMaxPower = 50,
            .nif = 1,
            .ifs = &desc_iface,
        },
    },
};

static const USBDesc desc = {
    .id = {
        .idVendor = 0x46f4,     /* QEMU's */
        .idProduct = 0x0cc1,    /* ours, not registered anywhere */
        .bcdDevice = 0x0100,
        .iManufacturer = STR_MANUFACTURER,
        .iProduct = STR_PRODUCT,
        .iSerialNumber = STR_SERIALNUMBER,
    },
    .full = &desc_device,
    .str = desc_strings,
};

static void usb_send(CXLMCTPEndpoint *ep, const uint8_t *pkt, size_t len)
{
    USBCXLMCTP *s = ep->opaque;
    GByteArray *t;
    uint8_t hdr[MCTP_USB_HDR_LEN];

    assert(len + MCTP_USB_HDR_LEN <= 255);
    if (g_queue_get_length(&s->in) >= QUEUE_MAX) {
        trace_cxl_mctp_usb_bad(ep->name, "IN queue full: packet dropped");
        return;
    }
    stw_be_p(hdr, MCTP_USB_DMTF_ID);
    stw_be_p(hdr + 2, len + MCTP_USB_HDR_LEN);
    t = g_byte_array_sized_new(len + MCTP_USB_HDR_LEN);
    g_byte_array_append(t, hdr, sizeof(hdr));
    g_byte_array_append(t, pkt, len);
    g_queue_push_tail(&s->in, t);
    qemu_bh_schedule(s->wakeup);
}

static void wakeup_bh(void *opaque)
{
    USBCXLMCTP *s = opaque;

    if (!g_queue_is_empty(&s->in)) {
        usb_wakeup(s->ep_in, 0);
    }
}

static size_t usb_handle(CXLMCTPEndpoint *ep, uint8_t type,
                         const uint8_t *req, size_t req_len, uint8_t *rsp,
                         size_t rsp_size)
{
    USBCXLMCTP *s = ep->opaque;

    return cxl_mctp_target_handle(s->target, ep, type, req, req_len, rsp,
                                  rsp_size);
}

static void flush_in(USBCXLMCTP *s)
{
    GByteArray *t;

    while ((t = g_queue_pop_head(&s->in))) {
        g_byte_array_free(t, true);
    }
}

/* An OUT transfer: MCTP packets, each behind its transport header */
static void token_out(USBCXLMCTP *s, USBPacket *p)
{
    size_t size = p->iov.size, off = 0;
    g_autofree uint8_t *buf = NULL;

    trace_cxl_mctp_usb_out(s->ep.name, size);
    if (size > OUT_MAX) {
        trace_cxl_mctp_usb_bad(s->ep.name, "transfer too long");
        p->actual_length = size;
        return;
    }
    buf = g_malloc(size);
    usb_packet_copy(p, buf, size);
    while (off < size) {
        size_t len;

        if (size - off < MCTP_USB_HDR_LEN) {
            trace_cxl_mctp_usb_bad(s->ep.name, "short transport header");
            break;
        }
        if (lduw_be_p(buf + off) != MCTP_USB_DMTF_ID) {
            trace_cxl_mctp_usb_bad(s->ep.name, "not the DMTF ID");
            break;
        }
        /* DSP0283 1.0: byte 2 is reserved, byte 3 the length */
        len = buf[off + 3];
        if (len < MCTP_USB_HDR_LEN + CXL_MCTP_HDR_LEN || len > size - off) {
            trace_cxl_mctp_usb_bad(s->ep.name, "bad packet length");
            break;
        }
        cxl_mctp_receive(&s->ep, buf + off + MCTP_USB_HDR_LEN,
                         len - MCTP_USB_HDR_LEN);
        off += len;
    }
}

static void token_in(USBCXLMCTP *s, USBPacket *p)
{
    GByteArray *t = g_queue_peek_head(&s->in);

    if (!t) {
        p->status = USB_RET_NAK;
        return;
    }
    if (p->iov.size < t->len) {
        /* the host asked for less than a packet: it cannot take it */
        trace_cxl_mctp_usb_bad(s->ep.name, "IN transfer shorter than a "
                               "packet: packet dropped");
        p->status = USB_RET_BABBLE;
    } else {
        usb_packet_copy(p, t->data, t->len);
    }
    g_queue_pop_head(&s->in);
    g_byte_array_free(t, true);
}

static void usb_cxl_mctp_handle_data(USBDevice *dev, USBPacket *p)
{
    USBCXLMCTP *s = USB_CXL_MCTP(dev);

    if (p->pid == USB_TOKEN_OUT && p->ep->nr == EP_OUT) {
        token_out(s, p);
    } else if (p->pid == USB_TOKEN_IN && p->ep->nr == EP_IN) {
        token_in(s, p);
    } else {
        p->status = USB_RET_STALL;
    }
}

static void usb_cxl_mctp_handle_control(USBDevice *dev, USBPacket *p,
                                        int request, int value, int index,
                                        int length, uint8_t *data)
{
    int ret = usb_desc_handle_control(dev, p, request, value, index, length,
                                      data);

    if (ret >= 0) {
        return;
    }
    switch (request) {
    case EndpointOutRequest | USB_REQ_CLEAR_FEATURE:
        break;
    default:
        p->status = USB_RET_STALL;
        break;
    }
}

static void usb_cxl_mctp_handle_reset(USBDevice *dev)
{
    USBCXLMCTP *s = USB_CXL_MCTP(dev);

    flush_in(s);
    cxl_mctp_reset(&s->ep);
}

static void usb_cxl_mctp_realize(USBDevice *dev, Error **errp)
{
    USBCXLMCTP *s = USB_CXL_MCTP(dev);
    const char *name = DEVICE(dev)->id ?: TYPE_USB_CXL_MCTP;

    if (!cxl_mctp_target_check(s->target, s->eid, TYPE_USB_CXL_MCTP, errp)) {
        return;
    }
    usb_desc_create_serial(dev);
    usb_desc_init(dev);
    g_queue_init(&s->in);
    s->ep_in = usb_ep_get(dev, USB_TOKEN_IN, EP_IN);
    s->wakeup = qemu_bh_new_guarded(wakeup_bh, s,
                                    &DEVICE(dev)->mem_reentrancy_guard);
    cxl_mctp_init(&s->ep, g_strdup(name), s, CXL_MCTP_BTU, s->eid,
                  cxl_mctp_target_types(s->target),
                  cxl_mctp_target_rsp_max(s->target), usb_handle, usb_send);
    /* take what the host may send if it raises its MTU (255 - 4 - 4) */
    s->ep.rx_mtu = RX_MTU;
    cxl_mctp_target_watch(&s->ep, s->target);
}

static void usb_cxl_mctp_unrealize(USBDevice *dev)
{
    USBCXLMCTP *s = USB_CXL_MCTP(dev);

    cxl_mctp_target_unwatch(&s->ep);
    flush_in(s);
    qemu_bh_delete(s->wakeup);
    g_free((char *)s->ep.name);
}

static const Property usb_cxl_mctp_properties[] = {
    DEFINE_PROP_STRING("target", USBCXLMCTP, target),
    DEFINE_PROP_UINT8("eid", USBCXLMCTP, eid, 0),
};

/*
 * Migration: the USB device (address, configuration: the host's xHCI
 * state migrates with it), the endpoint (its EID, the event notification
 * policy, a message being reassembled: the fabric manager goes on at the
 * same EID without rediscovery) and the packets queued for the host (the
 * responses and notifications it has not read yet). An OUT transfer is
 * handled whole when the host sends it: nothing of it is in flight.
 */

static int usb_cxl_mctp_pre_save(void *opaque)
{
    USBCXLMCTP *s = opaque;
    GByteArray *all = g_byte_array_new();

    for (GList *l = s->in.head; l; l = l->next) {
        GByteArray *t = l->data;

        g_byte_array_append(all, t->data, t->len);
    }
    s->mig_in_len = all->len;
    s->mig_in = g_byte_array_free(all, false);
    return 0;
}

static int usb_cxl_mctp_post_save(void *opaque)
{
    USBCXLMCTP *s = opaque;

    g_clear_pointer(&s->mig_in, g_free);
    return 0;
}

static int usb_cxl_mctp_pre_load(void *opaque)
{
    USBCXLMCTP *s = opaque;

    s->mig_in = NULL;
    return 0;
}

static bool usb_cxl_mctp_in_len_ok(void *opaque, int version_id)
{
    USBCXLMCTP *s = opaque;

    return s->mig_in_len <= QUEUE_MAX * 255;
}

static int usb_cxl_mctp_post_load(void *opaque, int version_id)
{
    USBCXLMCTP *s = opaque;
    GQueue q = G_QUEUE_INIT;
    uint32_t off = 0;
    int ret = 0;

    /* each transfer as usb_send() made it: DMTF ID, length 8 to 255 */
    while (off < s->mig_in_len) {
        uint32_t len;
        GByteArray *t;

        if (s->mig_in_len - off < MCTP_USB_HDR_LEN ||
            lduw_be_p(s->mig_in + off) != MCTP_USB_DMTF_ID ||
            (len = lduw_be_p(s->mig_in + off + 2)) <
            MCTP_USB_HDR_LEN + CXL_MCTP_HDR_LEN || len > 255 ||
            len > s->mig_in_len - off ||
            g_queue_get_length(&q) >= QUEUE_MAX) {
            ret = -EINVAL;
            break;
        }
        t = g_byte_array_sized_new(len);
        g_byte_array_append(t, s->mig_in + off, len);
        g_queue_push_tail(&q, t);
        off += len;
    }
    g_clear_pointer(&s->mig_in, g_free);
    if (ret) {
        GByteArray *t;

        while ((t = g_queue_pop_head(&q))) {
            g_byte_array_free(t, true);
        }
        return ret;
    }
    flush_in(s);
    s->in = q;
    if (!g_queue_is_empty(&s->in)) {
        qemu_bh_schedule(s->wakeup);
    }
    return 0;
}

static const VMStateDescription usb_cxl_mctp_vmstate = {
    .name = TYPE_USB_CXL_MCTP,
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = usb_cxl_mctp_pre_save,
    .post_save = usb_cxl_mctp_post_save,
    .pre_load = usb_cxl_mctp_pre_load,
    .post_load = usb_cxl_mctp_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_USB_DEVICE(parent_obj, USBCXLMCTP),
        VMSTATE_STRUCT(ep, USBCXLMCTP, 1, vmstate_cxl_mctp_endpoint,
                       CXLMCTPEndpoint),
        VMSTATE_UINT32(mig_in_len, USBCXLMCTP),
        VMSTATE_VALIDATE("usb-cxl-mctp IN queue size",
                         usb_cxl_mctp_in_len_ok),
        VMSTATE_VBUFFER_ALLOC_UINT32(mig_in, USBCXLMCTP, 1, NULL,
                                     mig_in_len),
        VMSTATE_END_OF_LIST()
    },
};

static void usb_cxl_mctp_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    USBDeviceClass *uc = USB_DEVICE_CLASS(oc);

    uc->realize = usb_cxl_mctp_realize;
    uc->unrealize = usb_cxl_mctp_unrealize;
    uc->handle_reset = usb_cxl_mctp_handle_reset;
    uc->handle_control = usb_cxl_mctp_handle_control;
    uc->handle_data = usb_cxl_mctp_handle_data;
    uc->handle_attach = usb_desc_attach;
    uc->product_desc = "QEMU CXL MCTP endpoint";
    uc->usb_desc = &desc;
    dc->desc = "CXL MCTP endpoint over USB (DSP0283)";
    dc->vmsd = &usb_cxl_mctp_vmstate;
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
    device_class_set_props(dc, usb_cxl_mctp_properties);
}

static const TypeInfo usb_cxl_mctp_info = {
    .name = TYPE_USB_CXL_MCTP,
    .parent = TYPE_USB_DEVICE,
    .instance_size = sizeof(USBCXLMCTP),
    .class_init = usb_cxl_mctp_class_init,
};

static void usb_cxl_mctp_register_types(void)
{
    type_register_static(&usb_cxl_mctp_info);
}

type_init(usb_cxl_mctp_register_types)
