/*
 * qtest of cxl-mctp-chardev: a fabric manager on a UNIX socket speaking
 * MCTP in DSP0253 frames (as Linux's drivers/net/mctp/mctp-serial.c
 * frames them) to the MCTP endpoint of a switch and of cxl-type3s (with
 * and without dynamic capacity, so with and without an FM CCI):
 * control messages, FM API Identify Switch Device and Get Physical Port
 * State against the topology, the Tunnel Management Command to a device's
 * FM CCI below the switch, multi-packet requests and responses,
 * malformed frames and packets, wrong message types and truncated
 * payloads (the CXL return codes of include/hw/cxl/cxl-cci.h), and that
 * QEMU keeps answering afterwards, also when the fabric manager stops
 * reading (back-pressure: QMP still answers).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <sys/socket.h>
#include <sys/un.h>
#include "qobject/qdict.h"
#include "cxl-qtest.h"

#define BTU     64

/* switch: USP (gets port ID 1), DSPs 0 and 3, a cxl-type3 below DSP 0 */
#define TOPOLOGY \
    "-machine q35,cxl=on " \
    "-object memory-backend-ram,id=vmem0,size=256M " \
    "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 " \
    "-device cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2 " \
    "-device cxl-upstream,bus=rp0,id=us0,addr=0.0,multifunction=on,sn=0x99 " \
    "-device cxl-switch-mailbox-cci,bus=rp0,addr=0.1,target=us0,id=swcci " \
    "-device cxl-downstream,port=0,bus=us0,id=ds0,chassis=0,slot=4 " \
    "-device cxl-downstream,port=3,bus=us0,id=ds3,chassis=0,slot=5 " \
    "-device cxl-type3,bus=ds0,volatile-memdev=vmem0,id=t3,sn=1 "

typedef struct FM {
    QTestState *qts;
    int fd;
    uint8_t tag;
    char *dir;
} FM;

static uint16_t fcs16(uint16_t crc, const uint8_t *p, size_t n)
{
    while (n--) {
        crc ^= *p++;
        for (int i = 0; i < 8; i++) {
            crc = crc & 1 ? (crc >> 1) ^ 0x8408 : crc >> 1;
        }
    }
    return crc;
}

static void send_raw(FM *fm, const uint8_t *b, size_t n)
{
    g_assert_cmpint(send(fm->fd, b, n, 0), ==, n);
}

/* One DSP0253 frame around @pkt; @bad_fcs flips the FCS */
static void send_frame(FM *fm, const uint8_t *pkt, size_t len, bool bad_fcs)
{
    uint8_t f[600], hdr[2] = { 1, len };
    size_t n = 0;
    uint16_t fcs = fcs16(fcs16(0xffff, hdr, 2), pkt, len) ^ bad_fcs;

    f[n++] = 0x7e;
    f[n++] = 1;
    f[n++] = len;
    for (size_t i = 0; i < len; i++) {
        if (pkt[i] == 0x7e || pkt[i] == 0x7d) {
            f[n++] = 0x7d;
            f[n++] = pkt[i] ^ 0x20;
        } else {
            f[n++] = pkt[i];
        }
    }
    f[n++] = fcs >> 8;
    f[n++] = fcs;
    f[n++] = 0x7e;
    send_raw(fm, f, n);
}

/* Send message @msg to @dst in packets of the BTU, tag owner, tag @tag */
static void send_msg(FM *fm, uint8_t dst, uint8_t tag, const uint8_t *msg,
                     size_t len)
{
    for (size_t off = 0, seq = 0; off < len; off += BTU, seq++) {
        uint8_t p[4 + BTU];
        size_t n = MIN(BTU, len - off);

        p[0] = 1;
        p[1] = dst;
        p[2] = 8;
        p[3] = 0x08 | tag | ((seq & 3) << 4) | (off ? 0 : 0x80) |
               (off + n == len ? 0x40 : 0);
        memcpy(p + 4, msg + off, n);
        send_frame(fm, p, 4 + n, false);
    }
}

/* Read one frame's packet; false on timeout */
static bool recv_packet(FM *fm, uint8_t *pkt, size_t *len, int timeout_ms)
{
    uint8_t b, buf[300];
    size_t n = 0;
    bool in = false, esc = false;
    struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };

    setsockopt(fm->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    for (;;) {
        if (recv(fm->fd, &b, 1, 0) != 1) {
            return false;
        }
        if (b == 0x7e) {
            if (in && n >= 4) {
                uint16_t fcs = fcs16(0xffff, buf, n - 2);

                g_assert_cmphex(buf[0], ==, 1);
                g_assert_cmpuint(buf[1], ==, n - 4);
                g_assert_cmphex(fcs, ==, buf[n - 2] << 8 | buf[n - 1]);
                *len = n - 4;
                memcpy(pkt, buf + 2, *len);
                return true;
            }
            in = true;
            n = 0;
            continue;
        }
        /* the packet's bytes are escaped, the two FCS bytes after not */
        if (b == 0x7d && (n < 2 || n < 2 + (size_t)buf[1])) {
            esc = true;
            continue;
        }
        g_assert_cmpuint(n, <, sizeof(buf));
        buf[n++] = esc ? b ^ 0x20 : b;
        esc = false;
    }
}

/*
 * The response message to tag @tag from @src (reassembled, headers
 * checked); its length, 0 if none came
 */
static size_t recv_msg(FM *fm, uint8_t src, uint8_t tag, uint8_t *msg,
                       int timeout_ms)
{
    uint8_t p[300];
    size_t len, total = 0;
    unsigned seq = 0;

    for (;;) {
        if (!recv_packet(fm, p, &len, timeout_ms)) {
            g_assert_cmpuint(seq, ==, 0);
            return 0;
        }
        g_assert_cmpuint(len, >, 4);
        g_assert_cmpuint(len - 4, <=, BTU);
        g_assert_cmphex(p[1], ==, 8);
        g_assert_cmphex(p[2], ==, src);
        g_assert_cmphex(p[3] & 0x0f, ==, tag);          /* TO clear */
        g_assert_cmpuint((p[3] >> 4) & 3, ==, seq & 3);
        g_assert_cmpuint(!!(p[3] & 0x80), ==, seq == 0);
        memcpy(msg + total, p + 4, len - 4);
        total += len - 4;
        seq++;
        if (p[3] & 0x40) {
            return total;
        }
        g_assert_cmpuint(len - 4, ==, BTU);
    }
}

static void fm_start(FM *fm, const char *extra)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    g_autofree char *args = NULL;

    fm->dir = g_dir_make_tmp("cxl-mctp-XXXXXX", NULL);
    g_assert(fm->dir);
    args = g_strdup_printf(
        TOPOLOGY "-chardev socket,id=fm,path=%s/fm.sock,server=on,wait=off "
        "%s", fm->dir, extra);
    fm->qts = cxl_qtest_start(args);
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/fm.sock", fm->dir);
    fm->fd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_assert_cmpint(connect(fm->fd, (struct sockaddr *)&sa, sizeof(sa)), ==,
                    0);
    fm->tag = 0;
}

static void fm_stop(FM *fm)
{
    g_autofree char *sock = g_strdup_printf("%s/fm.sock", fm->dir);

    close(fm->fd);
    qtest_quit(fm->qts);
    unlink(sock);
    rmdir(fm->dir);
    g_free(fm->dir);
}

/* A control request to @dst: the response's completion code, data */
static int control(FM *fm, uint8_t dst, uint8_t src, uint8_t cmd,
                   const uint8_t *data, size_t n, uint8_t *out)
{
    uint8_t m[64] = { 0, 0x80 | 3, cmd }, r[64];
    uint8_t tag = fm->tag++ & 7;
    size_t len;

    memcpy(m + 3, data, n);
    send_msg(fm, dst, tag, m, 3 + n);
    len = recv_msg(fm, src, tag, r, 5000);
    g_assert_cmpuint(len, >=, 4);
    g_assert_cmphex(r[0], ==, 0);
    g_assert_cmphex(r[1], ==, 3);
    g_assert_cmphex(r[2], ==, cmd);
    if (out) {
        memcpy(out, r + 4, len - 4);
    }
    return r[3];
}

/* A CCI request message of type @type: return code, output, its length */
static int cci(FM *fm, uint8_t dst, uint8_t type, uint16_t op,
               const uint8_t *in, size_t n, uint8_t *out, size_t *out_len)
{
    g_autofree uint8_t *m = g_malloc0(13 + n);
    g_autofree uint8_t *r = g_malloc0(8192);
    uint8_t tag = fm->tag++ & 7;
    size_t len;

    m[0] = type;
    m[2] = 0x42;                        /* the CCI message tag */
    stw_le_p(m + 4, op);
    m[6] = n;
    m[7] = n >> 8;
    memcpy(m + 13, in, n);
    send_msg(fm, dst, tag, m, 13 + n);
    len = recv_msg(fm, dst, tag, r, 5000);
    g_assert_cmpuint(len, >=, 13);
    g_assert_cmphex(r[0], ==, type);
    g_assert_cmphex(r[1] & 0xf, ==, 1);         /* a response */
    g_assert_cmphex(r[2], ==, 0x42);
    g_assert_cmphex(lduw_le_p(r + 4), ==, op);
    g_assert_cmpuint(ldl_le_p(r + 6) & 0x1fffff, ==, len - 13);
    if (out) {
        memcpy(out, r + 13, len - 13);
    }
    if (out_len) {
        *out_len = len - 13;
    }
    return lduw_le_p(r + 9);
}

/* Nothing comes back for what was just sent */
static void no_answer(FM *fm)
{
    uint8_t p[300];
    size_t len;

    g_assert_false(recv_packet(fm, p, &len, 300));
}

static void test_control(void)
{
    FM fm;
    uint8_t d[64];

    fm_start(&fm, "-device cxl-mctp-chardev,chardev=fm,target=us0");
    g_assert_cmpint(control(&fm, 0, 0, 2, NULL, 0, d), ==, 0);
    g_assert_cmpuint(d[0], ==, 0);              /* no EID yet */
    g_assert_cmpint(control(&fm, 0, 9, 1, (uint8_t[]){ 0, 9 }, 2, d), ==, 0);
    g_assert_cmpuint(d[1], ==, 9);
    g_assert_cmpint(control(&fm, 9, 9, 2, NULL, 0, d), ==, 0);
    g_assert_cmpuint(d[0], ==, 9);
    /* a switch serves FM API (7) and CXL CCI (8) messages */
    g_assert_cmpint(control(&fm, 9, 9, 5, NULL, 0, d), ==, 0);
    g_assert_cmpuint(d[0], ==, 2);
    g_assert_cmpuint(d[1], ==, 7);
    g_assert_cmpuint(d[2], ==, 8);
    g_assert_cmpint(control(&fm, 9, 9, 4, (uint8_t[]){ 0xff }, 1, d), ==, 0);
    g_assert_cmpuint(d[0], ==, 1);
    g_assert_cmphex((uint32_t)ldl_be_p(d + 1), ==, 0xf1f3f100);
    g_assert_cmpint(control(&fm, 9, 9, 4, (uint8_t[]){ 5 }, 1, d), ==, 0x80);
    g_assert_cmpint(control(&fm, 9, 9, 0x0b, NULL, 0, d), ==, 5);
    g_assert_cmpint(control(&fm, 9, 9, 1, (uint8_t[]){ 0, 0xff }, 2, d), ==,
                    2);
    g_assert_cmpint(control(&fm, 9, 9, 2, (uint8_t[]){ 1 }, 1, d), ==, 3);
    /* another EID: not answered */
    send_msg(&fm, 10, 0, (uint8_t[]){ 0, 0x80, 2 }, 3);
    no_answer(&fm);
    fm_stop(&fm);
}

static void test_fm_api(void)
{
    FM fm;
    uint8_t out[4096], ids[60];
    size_t n;

    fm_start(&fm, "-device cxl-mctp-chardev,chardev=fm,target=swcci,eid=20");
    /* Identify Switch Device: USP 1, DSPs 0 and 3 */
    g_assert_cmpint(cci(&fm, 20, 7, 0x5100, NULL, 0, out, &n), ==, 0);
    g_assert_cmpuint(n, ==, 0x49);
    g_assert_cmpuint(out[0], ==, 1);            /* ingress port: the USP */
    g_assert_cmpuint(out[2], ==, 3);            /* physical ports */
    g_assert_cmpuint(out[3], ==, 1);            /* VCSs */
    g_assert_cmphex(out[4], ==, 0x0b);          /* ports 0, 1, 3 */
    g_assert_cmpuint(lduw_le_p(out + 68), ==, 2);
    /* Get Physical Port State: a type 3 SLD below 0, nothing below 3 */
    g_assert_cmpint(cci(&fm, 20, 7, 0x5101, (uint8_t[]){ 2, 0, 3 }, 3, out,
                        &n), ==, 0);
    g_assert_cmpuint(n, ==, 4 + 2 * 16);
    g_assert_cmpuint(out[0], ==, 2);
    g_assert_cmpuint(out[4], ==, 0);
    g_assert_cmpuint(out[5], ==, 3);            /* DSP */
    g_assert_cmpuint(out[8], ==, 4);            /* CXL type 3 SLD */
    g_assert_cmpuint(out[20], ==, 3);
    g_assert_cmpuint(out[24], ==, 0);           /* nothing */
    /* a request of two packets and a response of sixteen */
    for (int i = 0; i < 60; i++) {
        ids[i] = i & 1 ? 3 : 0;
    }
    {
        uint8_t in[61];

        in[0] = 60;
        memcpy(in + 1, ids, 60);
        g_assert_cmpint(cci(&fm, 20, 7, 0x5101, in, 61, out, &n), ==, 0);
        g_assert_cmpuint(n, ==, 4 + 60 * 16);
        g_assert_cmpuint(out[4 + 59 * 16], ==, 3);
        g_assert_cmpuint(out[4 + 58 * 16 + 4], ==, 4);
    }
    /* the generic commands, in either message type: Identify a switch */
    g_assert_cmpint(cci(&fm, 20, 8, 0x0001, NULL, 0, out, &n), ==, 0);
    g_assert_cmpuint(n, ==, 0x12);
    g_assert_cmpuint(out[17], ==, 0);           /* component: switch */
    /* truncated and malformed payloads: return codes */
    g_assert_cmpint(cci(&fm, 20, 7, 0x5101, NULL, 0, NULL, &n), ==, 0x16);
    g_assert_cmpuint(n, ==, 0);
    g_assert_cmpint(cci(&fm, 20, 7, 0x5101, (uint8_t[]){ 2, 0 }, 2, NULL,
                        &n), ==, 0x16);
    g_assert_cmpint(cci(&fm, 20, 7, 0x5100, (uint8_t[]){ 0 }, 1, NULL, &n),
                    ==, 0x16);
    g_assert_cmpint(cci(&fm, 20, 7, 0x5101, (uint8_t[]){ 1, 7 }, 2, NULL,
                        &n), ==, 0x02);         /* no port 7 */
    g_assert_cmpint(cci(&fm, 20, 7, 0x5123, NULL, 0, NULL, &n), ==, 0x03);
    {
        /* the payload length field says 5, the message has 1 byte */
        uint8_t m[14] = { 7, 0, 1, 0, 0x01, 0x51, 5, 0, 0, 0, 0, 0, 0, 1 };
        uint8_t r[64];

        send_msg(&fm, 20, 5, m, sizeof(m));
        g_assert_cmpuint(recv_msg(&fm, 20, 5, r, 5000), ==, 13);
        g_assert_cmphex(lduw_le_p(r + 9), ==, 0x16);
    }
    fm_stop(&fm);
}

static void test_malformed(void)
{
    FM fm;
    uint8_t out[256];
    size_t n;
    static const uint8_t get_eid[] = { 1, 0, 8, 0xc8, 0, 0x80, 2 };

    fm_start(&fm, "-device cxl-mctp-chardev,chardev=fm,target=us0");
    /* bad FCS, wrong revision, byte count over the MTU, garbage */
    send_frame(&fm, get_eid, sizeof(get_eid), true);
    no_answer(&fm);
    send_raw(&fm, (uint8_t[]){ 0x7e, 2, 7, 1, 0, 8, 0xc8, 0, 0x80, 2, 0, 0,
                               0x7e }, 13);
    send_raw(&fm, (uint8_t[]){ 0x7e, 1, 69, 1, 2, 3, 0x7e }, 7);
    send_raw(&fm, (uint8_t[]){ 0x12, 0x7d, 0x7d, 0x34, 0xff }, 5);
    no_answer(&fm);
    /* a frame cut short by the next one: the next one is answered */
    send_raw(&fm, (uint8_t[]){ 0x7e, 1, 7, 1, 0 }, 5);
    send_frame(&fm, get_eid, sizeof(get_eid), false);
    g_assert_cmpuint(recv_msg(&fm, 0, 0, out, 5000), ==, 7);
    /* packets: short, header version 2, SOM without a type */
    send_frame(&fm, (uint8_t[]){ 1, 0, 8 }, 3, false);
    send_frame(&fm, (uint8_t[]){ 2, 0, 8, 0xc8, 0, 0x80, 2 }, 7, false);
    send_frame(&fm, (uint8_t[]){ 1, 0, 8, 0xc8 }, 4, false);
    /* messages: wrong types, a response, a CCI message under 12 bytes */
    send_msg(&fm, 0, 1, (uint8_t[]){ 0x7e, 1, 2, 3 }, 4);
    send_msg(&fm, 0, 1, (uint8_t[]){ 0x05, 1, 2, 3 }, 4);
    send_msg(&fm, 0, 1, (uint8_t[]){ 0x87, 1, 2, 3 }, 4);
    send_msg(&fm, 0, 1, (uint8_t[]){ 7, 0, 1, 0, 0, 0x51 }, 6);
    {
        uint8_t rsp[13] = { 7, 1, 1, 0, 0, 0x51 };      /* category 1 */

        send_msg(&fm, 0, 1, rsp, sizeof(rsp));
    }
    /* out of sequence: the second packet of a message skips one */
    send_frame(&fm, (uint8_t[]){ 1, 0, 8, 0x88, 7, 0, 1, 0, 0, 0x51 }, 10,
               false);
    send_frame(&fm, (uint8_t[]){ 1, 0, 8, 0x68, 0, 0, 0, 0, 0 }, 9, false);
    no_answer(&fm);
    /* still answering, with the right codes */
    g_assert_cmpint(cci(&fm, 0, 7, 0x5100, NULL, 0, out, &n), ==, 0);
    g_assert_cmpuint(n, ==, 0x49);
    g_assert_cmpint(qtest_readb(fm.qts, 0), ==, qtest_readb(fm.qts, 0));
    fm_stop(&fm);
}

static void test_type3(void)
{
    FM fm;
    uint8_t d[64], out[256];
    size_t n;

    fm_start(&fm, "-device cxl-mctp-chardev,chardev=fm,target=t3");
    /* no dynamic capacity, no FM CCI: CXL CCI messages only */
    g_assert_cmpint(control(&fm, 0, 0, 5, NULL, 0, d), ==, 0);
    g_assert_cmpuint(d[0], ==, 1);
    g_assert_cmpuint(d[1], ==, 8);
    g_assert_cmpint(cci(&fm, 0, 8, 0x0001, NULL, 0, out, &n), ==, 0);
    g_assert_cmpuint(out[17], ==, 3);           /* component: type 3 */
    g_assert_cmpint(cci(&fm, 0, 8, 0x5100, NULL, 0, out, &n), ==, 0x03);
    send_msg(&fm, 0, 1, (uint8_t[]){ 7, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 },
             13);
    no_answer(&fm);
    fm_stop(&fm);
}

/* A device with dynamic capacity has an FM CCI: type 7 goes there */
static void test_type3_dcd(void)
{
    FM fm;
    uint8_t d[64], out[256];
    size_t n;

    fm_start(&fm, "-device cxl-rp,port=1,bus=cxl.1,id=rp1,chassis=0,slot=3 "
             "-object memory-backend-ram,id=dc0,size=512M "
             "-device cxl-type3,bus=rp1,volatile-dc-memdev=dc0,"
             "num-dc-regions=2,id=dcd,sn=2 "
             "-device cxl-mctp-chardev,chardev=fm,target=dcd,eid=16");
    g_assert_cmpint(control(&fm, 16, 16, 5, NULL, 0, d), ==, 0);
    g_assert_cmpuint(d[0], ==, 2);
    g_assert_cmpuint(d[1], ==, 7);
    g_assert_cmpuint(d[2], ==, 8);
    /* Get DCD Info on the FM CCI: one host, two regions, 2 x 256 MiB */
    g_assert_cmpint(cci(&fm, 16, 7, 0x5600, NULL, 0, out, &n), ==, 0);
    g_assert_cmpuint(n, ==, 0x54);
    g_assert_cmpuint(out[0], ==, 1);
    g_assert_cmpuint(out[1], ==, 2);
    g_assert_cmphex(ldq_le_p(out + 12), ==, 2);
    g_assert_cmpint(cci(&fm, 16, 7, 0x5600, (uint8_t[]){ 0 }, 1, NULL, &n),
                    ==, 0x16);
    /* the host's mailbox CCI (type 8) has no FM API DCD commands */
    g_assert_cmpint(cci(&fm, 16, 8, 0x5600, NULL, 0, NULL, &n), ==, 0x03);
    g_assert_cmpint(cci(&fm, 16, 8, 0x0001, NULL, 0, out, &n), ==, 0);
    g_assert_cmpuint(out[17], ==, 3);
    fm_stop(&fm);
}

/*
 * A multi-logical device's endpoint: type 7 is its LD-FAM CCI (the MLD
 * Components commands, from memory of CXL r3.x 7.6.7.4), type 8 the
 * mailbox CCI of LD 0
 */
static void test_type3_mld(void)
{
    FM fm;
    uint8_t d[64], out[256], alloc_in[2] = { 0, 4 };
    size_t n;

    fm_start(&fm, "-object memory-backend-ram,id=mldmem,size=512M "
             "-device cxl-type3,bus=ds3,volatile-memdev=mldmem,num-lds=2,"
             "id=mld,sn=2 "
             "-device cxl-mctp-chardev,chardev=fm,target=mld,eid=16");
    g_assert_cmpint(control(&fm, 16, 16, 5, NULL, 0, d), ==, 0);
    g_assert_cmpuint(d[0], ==, 2);
    g_assert_cmpuint(d[1], ==, 7);
    g_assert_cmpuint(d[2], ==, 8);
    /* Get LD Info: 512 MiB, 2 LDs; Get LD Allocations: 256 MiB each */
    g_assert_cmpint(cci(&fm, 16, 7, 0x5400, NULL, 0, out, &n), ==, 0);
    g_assert_cmpuint(n, ==, 11);
    g_assert_cmphex(ldq_le_p(out), ==, 512 * 1024 * 1024);
    g_assert_cmpuint(lduw_le_p(out + 8), ==, 2);
    g_assert_cmpint(cci(&fm, 16, 7, 0x5401, alloc_in, 2, out, &n), ==, 0);
    g_assert_cmpuint(n, ==, 4 + 2 * 16);
    g_assert_cmphex(ldq_le_p(out + 4), ==, 1);
    g_assert_cmphex(ldq_le_p(out + 4 + 16), ==, 1);
    /* LD 0's mailbox: a memory device of 256 MiB, no MLD commands */
    g_assert_cmpint(cci(&fm, 16, 8, 0x5400, NULL, 0, NULL, &n), ==, 0x03);
    g_assert_cmpint(cci(&fm, 16, 8, 0x4000, NULL, 0, out, &n), ==, 0);
    g_assert_cmphex(ldq_le_p(out + 0x10), ==, 1);
    fm_stop(&fm);
}

/* The switch's Tunnel Management Command over MCTP, to a DCD's FM CCI */
static void test_tunnel(void)
{
    FM fm;
    uint8_t in[16] = { 3, 0, 12, 0, 0, 0x77, 0, 0, 0x56 }, out[256];
    size_t n;

    fm_start(&fm, "-object memory-backend-ram,id=dc0,size=512M "
             "-device cxl-type3,bus=ds3,volatile-dc-memdev=dc0,"
             "num-dc-regions=2,id=dcd,sn=2 "
             "-device cxl-mctp-chardev,chardev=fm,target=swcci");
    /* Get DCD Info (5600h) through port 3 */
    g_assert_cmpint(cci(&fm, 0, 7, 0x5300, in, sizeof(in), out, &n), ==, 0);
    g_assert_cmpuint(n, ==, 4 + 12 + 0x54);
    g_assert_cmpuint(lduw_le_p(out), ==, 12 + 0x54);
    g_assert_cmphex(out[4] & 0xf, ==, 1);       /* a response... */
    g_assert_cmphex(out[5], ==, 0x77);          /* ...to our tag */
    g_assert_cmphex(lduw_le_p(out + 7), ==, 0x5600);
    g_assert_cmphex(lduw_le_p(out + 12), ==, 0);    /* its return code */
    g_assert_cmpuint(out[16 + 1], ==, 2);       /* two regions */
    /* port 0's device has no FM CCI: the tunnel says Invalid Input */
    in[0] = 0;
    g_assert_cmpint(cci(&fm, 0, 7, 0x5300, in, sizeof(in), NULL, &n), ==,
                    0x02);
    fm_stop(&fm);
}

/*
 * A fabric manager that sends and stops reading: QEMU keeps serving QMP
 * and reading requests (its output to the chardev never blocks), drops
 * the frames its queue cannot hold, and answers normally once the fabric
 * manager reads again.
 */
static void test_backpressure(void)
{
    enum { REQUESTS = 300, PACKETS = 16 };      /* a response of 16 packets */
    FM fm;
    uint8_t m[13 + 61] = { 7 }, p[300], d[8];
    size_t len;
    unsigned packets = 0;
    QDict *rsp;
    /* a QEMU that stops reading the socket fails the sends, not hangs */
    struct timeval tv = { 20, 0 };

    fm_start(&fm, "-device cxl-mctp-chardev,chardev=fm,target=swcci,eid=20");
    setsockopt(fm.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    /* Get Physical Port State of 60 ports: 4 + 60 * 16 bytes out */
    stw_le_p(m + 4, 0x5101);
    m[6] = 61;
    m[13] = 60;
    for (unsigned i = 0; i < REQUESTS; i++) {
        send_msg(&fm, 20, i & 7, m, sizeof(m));
    }
    /* QEMU is not stuck writing to the socket */
    rsp = qtest_qmp(fm.qts, "{'execute': 'query-status'}");
    g_assert_true(qdict_haskey(rsp, "return"));
    qobject_unref(rsp);
    /* some frames were dropped, whole: every packet read is well framed */
    while (recv_packet(&fm, p, &len, 1000)) {
        g_assert_cmpuint(len, >, 4);
        g_assert_cmphex(p[1], ==, 8);
        g_assert_cmphex(p[2], ==, 20);
        packets++;
    }
    g_test_message("%u of %u packets came", packets, REQUESTS * PACKETS);
    g_assert_cmpuint(packets, >, 0);
    g_assert_cmpuint(packets, <, REQUESTS * PACKETS);
    /* and the endpoint answers as before */
    g_assert_cmpint(control(&fm, 20, 20, 0x02, NULL, 0, d), ==, 0);
    g_assert_cmpuint(d[0], ==, 20);
    fm_stop(&fm);
}

/*
 * The switch's event log over MCTP: Physical Port Control logs a
 * Physical Switch Event Record each time; with the log full (32
 * records), Get Event Records returns what fits in one MCTP message and
 * sets More Event Records; clearing those handles leaves the rest.
 */
static void test_switch_events(void)
{
    FM fm;
    g_autofree uint8_t *out = g_malloc0(8192);
    uint8_t clr[6 + 2 * 32] = { 0 };
    size_t n;
    unsigned got;

    fm_start(&fm, "-device cxl-mctp-chardev,chardev=fm,target=swcci,eid=20");
    for (unsigned i = 0; i < 40; i++) {
        g_assert_cmpint(cci(&fm, 20, 7, 0x5102, (uint8_t[]){ 0, i & 1 }, 2,
                            NULL, &n), ==, 0);
    }
    g_assert_cmpint(cci(&fm, 20, 7, 0x0100, (uint8_t[]){ 0 }, 1, out, &n),
                    ==, 0);
    got = lduw_le_p(out + 0x14);
    g_test_message("%u records in one message, flags %02x", got, out[0]);
    g_assert_cmpuint(n, ==, 0x20 + 128 * got);
    g_assert_cmpuint(got, >, 0);
    g_assert_cmpuint(got, <=, 32);
    g_assert_cmphex(out[0] & 1, ==, 1);         /* overflow: 8 dropped */
    g_assert_cmpuint(lduw_le_p(out + 2), ==, 8);
    g_assert_cmphex(!!(out[0] & 2), ==, got < 32);
    g_assert_cmpuint(out[0x20 + 0x30], ==, 0);  /* port 0 */
    /* clear the ones read */
    clr[2] = got;
    for (unsigned i = 0; i < got; i++) {
        stw_le_p(clr + 6 + 2 * i, lduw_le_p(out + 0x20 + 128 * i + 0x14));
    }
    g_assert_cmpint(cci(&fm, 20, 7, 0x0101, clr, 6 + 2 * got, NULL, &n), ==,
                    0);
    g_assert_cmpint(cci(&fm, 20, 7, 0x0100, (uint8_t[]){ 0 }, 1, out, &n),
                    ==, 0);
    g_assert_cmpuint(lduw_le_p(out + 0x14), ==, 32 - got);
    fm_stop(&fm);
}

/*
 * MCTP event notification (from memory of CXL r3.1 8.2.9.2.6-8): Get and
 * Set MCTP Event Interrupt Policy (0104h, 0105h: 2 bytes, bit n = event
 * log n); with the informational log enabled, each record the switch logs
 * sends the EID that set the policy an Event Notification (0106h)
 * request: tag owner set, the endpoint's own tag, the log's bit.
 */
static void test_event_notification(void)
{
    FM fm;
    uint8_t out[64], m[13 + 2] = { 7 }, p[300], r[64];
    size_t n, len;

    fm_start(&fm, "-device cxl-mctp-chardev,chardev=fm,target=swcci,eid=20");
    g_assert_cmpint(cci(&fm, 20, 7, 0x0104, NULL, 0, out, &n), ==, 0);
    g_assert_cmpuint(n, ==, 2);
    g_assert_cmphex(lduw_le_p(out), ==, 0);
    g_assert_cmpint(cci(&fm, 20, 7, 0x0104, (uint8_t[]){ 0 }, 1, NULL, &n),
                    ==, 0x16);
    g_assert_cmpint(cci(&fm, 20, 7, 0x0105, (uint8_t[]){ 0x10, 0 }, 2, NULL,
                        &n), ==, 0x02);         /* no Dynamic Capacity log */
    g_assert_cmpint(cci(&fm, 20, 7, 0x0105, (uint8_t[]){ 1 }, 1, NULL, &n),
                    ==, 0x16);
    g_assert_cmpint(cci(&fm, 20, 7, 0x0105, (uint8_t[]){ 1, 0 }, 2, out, &n),
                    ==, 0);
    g_assert_cmpuint(n, ==, 2);
    g_assert_cmphex(lduw_le_p(out), ==, 1);
    g_assert_cmpint(cci(&fm, 20, 8, 0x0104, NULL, 0, out, &n), ==, 0);
    g_assert_cmphex(lduw_le_p(out), ==, 1);     /* the endpoint's setting */

    /* Physical Port Control logs a record: a notification, then the
     * response */
    stw_le_p(m + 4, 0x5102);
    m[6] = 2;
    m[13] = 0;
    m[14] = 1;
    send_msg(&fm, 20, 3, m, sizeof(m));
    g_assert_true(recv_packet(&fm, p, &len, 5000));
    g_assert_cmpuint(len, ==, 4 + 1 + 12 + 2);
    g_assert_cmphex(p[1], ==, 8);               /* to the fabric manager */
    g_assert_cmphex(p[2], ==, 20);
    g_assert_cmphex(p[3] & 0xc8, ==, 0xc8);     /* SOM, EOM, tag owner */
    g_assert_cmphex(p[4], ==, 7);               /* FM API */
    g_assert_cmphex(p[5] & 0xf, ==, 0);         /* a request */
    g_assert_cmphex(lduw_le_p(p + 8), ==, 0x0106);
    g_assert_cmpuint(p[9 + 1], ==, 2);
    g_assert_cmphex(lduw_le_p(p + 4 + 1 + 12), ==, 1);  /* informational */
    g_assert_cmpuint(recv_msg(&fm, 20, 3, r, 5000), ==, 13);
    g_assert_cmphex(lduw_le_p(r + 9), ==, 0);
    /* the fabric manager's response to it: dropped, nothing comes back */
    {
        uint8_t ack[13] = { 7, 1, p[5 + 1], 0, 0x06, 0x01 };

        send_msg(&fm, 20, 0, ack, sizeof(ack));
        no_answer(&fm);
    }

    /* disabled again: only the response */
    g_assert_cmpint(cci(&fm, 20, 7, 0x0105, (uint8_t[]){ 0, 0 }, 2, NULL,
                        &n), ==, 0);
    g_assert_cmpint(cci(&fm, 20, 7, 0x5102, (uint8_t[]){ 0, 1 }, 2, NULL,
                        &n), ==, 0);
    no_answer(&fm);
    fm_stop(&fm);

    /* a cxl-type3's FM API CCI (dynamic capacity) has no event logs */
    fm_start(&fm, "-object memory-backend-ram,id=dc0,size=256M "
             "-device cxl-rp,port=1,bus=cxl.1,id=rp1,chassis=0,slot=3 "
             "-device cxl-type3,bus=rp1,volatile-dc-memdev=dc0,"
             "num-dc-regions=1,id=dcd,sn=7 "
             "-device cxl-mctp-chardev,chardev=fm,target=dcd,eid=21");
    g_assert_cmpint(cci(&fm, 21, 7, 0x0104, NULL, 0, NULL, &n), ==, 0x03);
    g_assert_cmpint(cci(&fm, 21, 8, 0x0104, NULL, 0, out, &n), ==, 0);
    g_assert_cmpint(cci(&fm, 21, 8, 0x0105, (uint8_t[]){ 0x1f, 0 }, 2, out,
                        &n), ==, 0);            /* with its DC log */
    g_assert_cmphex(lduw_le_p(out), ==, 0x1f);
    fm_stop(&fm);
}

/* ---- migration ---- */

/*
 * The endpoint of a switch with the EID its fabric manager set and an
 * event notification policy, migrated to a file and loaded by a second
 * QEMU (its chardev at another path): the fabric manager connects there
 * and goes on at the same EID, without Set Endpoint ID, and the policy
 * still sends notifications.
 */
static void test_migrate(void)
{
    const char *dev = "-device cxl-mctp-chardev,chardev=fm,target=swcci";
    g_autofree char *file = NULL;
    g_autofree char *uri = NULL;
    uint8_t d[64], out[64], m[13 + 2] = { 7 }, p[300], r[64];
    size_t n, len;
    FM fm, dst;

    fm_start(&fm, dev);
    g_assert_cmpint(control(&fm, 0, 9, 1, (uint8_t[]){ 0, 9 }, 2, d), ==, 0);
    g_assert_cmpint(cci(&fm, 9, 7, 0x0105, (uint8_t[]){ 1, 0 }, 2, out, &n),
                    ==, 0);
    file = g_strdup_printf("%s/stream", fm.dir);
    uri = g_strdup_printf("file:%s", file);
    qtest_qmp_assert_success(fm.qts, "{'execute': 'migrate', "
                             "'arguments': {'uri': %s}}", uri);
    g_assert_true(cxl_qtest_mig_wait(fm.qts));

    fm_start(&dst, "-incoming defer -device cxl-mctp-chardev,chardev=fm,"
             "target=swcci");
    qtest_qmp_assert_success(dst.qts, "{'execute': 'migrate-incoming', "
                             "'arguments': {'uri': %s}}", uri);
    g_assert_true(cxl_qtest_mig_wait(dst.qts));
    /* the same EID, assigned (not the static one: there is none) */
    g_assert_cmpint(control(&dst, 9, 9, 2, NULL, 0, d), ==, 0);
    g_assert_cmpuint(d[0], ==, 9);
    g_assert_cmpint(cci(&dst, 9, 7, 0x0104, NULL, 0, out, &n), ==, 0);
    g_assert_cmphex(lduw_le_p(out), ==, 1);
    /* Physical Port Control: a notification to EID 8, then the response */
    stw_le_p(m + 4, 0x5102);
    m[6] = 2;
    m[13] = 0;
    m[14] = 1;
    send_msg(&dst, 9, 3, m, sizeof(m));
    g_assert_true(recv_packet(&dst, p, &len, 5000));
    g_assert_cmphex(p[1], ==, 8);
    g_assert_cmphex(p[2], ==, 9);
    g_assert_cmphex(lduw_le_p(p + 8), ==, 0x0106);
    g_assert_cmpuint(recv_msg(&dst, 9, 3, r, 5000), ==, 13);
    g_assert_cmphex(lduw_le_p(r + 9), ==, 0);

    unlink(file);
    fm_stop(&dst);
    fm_stop(&fm);
}

static void test_cli(void)
{
    g_autofree char *e1 = cxl_qtest_start_error(
        TOPOLOGY "-chardev null,id=c -device cxl-mctp-chardev,chardev=c");
    g_autofree char *e2 = cxl_qtest_start_error(
        TOPOLOGY "-chardev null,id=c "
        "-device cxl-mctp-chardev,chardev=c,target=rp0");
    g_autofree char *e3 = cxl_qtest_start_error(
        TOPOLOGY "-chardev null,id=c "
        "-device cxl-mctp-chardev,chardev=c,target=us0,mtu=32");
    g_autofree char *e4 = cxl_qtest_start_error(
        TOPOLOGY "-device cxl-mctp-chardev,target=us0");
    g_autofree char *e5 = cxl_qtest_start_error(
        TOPOLOGY "-chardev null,id=c "
        "-device cxl-mctp-chardev,chardev=c,target=us0,eid=5");

    g_assert_nonnull(strstr(e1, "target must name"));
    g_assert_nonnull(strstr(e2, "target 'rp0': not a cxl-switch-mailbox-cci"));
    g_assert_nonnull(strstr(e3, "mtu must be from 64 to 251"));
    g_assert_nonnull(strstr(e4, "chardev is required"));
    g_assert_nonnull(strstr(e5, "eid must be 0"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cxl-mctp/control", test_control);
    qtest_add_func("/cxl-mctp/migrate", test_migrate);
    qtest_add_func("/cxl-mctp/fm-api", test_fm_api);
    qtest_add_func("/cxl-mctp/malformed", test_malformed);
    qtest_add_func("/cxl-mctp/type3", test_type3);
    qtest_add_func("/cxl-mctp/type3-dcd", test_type3_dcd);
    qtest_add_func("/cxl-mctp/type3-mld", test_type3_mld);
    qtest_add_func("/cxl-mctp/tunnel", test_tunnel);
    qtest_add_func("/cxl-mctp/cli", test_cli);
    qtest_add_func("/cxl-mctp/backpressure", test_backpressure);
    qtest_add_func("/cxl-mctp/switch-events", test_switch_events);
    qtest_add_func("/cxl-mctp/event-notification", test_event_notification);
    return g_test_run();
}
