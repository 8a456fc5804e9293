/*
 * cxlfm: a fabric manager client in the guest, over Linux's MCTP stack
 * (AF_MCTP sockets, include/uapi/linux/mctp.h) and an MCTP network
 * interface such as mctpusbN (a usb-cxl-mctp device). The host's twin is
 * scripts/cxl-fm.py (the chardev binding); both print the same lines.
 *
 *   cxlfm [-i IF] [-l LOCAL] [-e EID] setup
 *   cxlfm [-i IF] [-l LOCAL] [-e EID] discover
 *   cxlfm [-i IF] [-l LOCAL] [-e EID] identify
 *   cxlfm [-i IF] [-l LOCAL] [-e EID] port-state [PORT...]
 *   cxlfm [-i IF] [-l LOCAL] [-e EID] raw [-t 7|8] OPCODE [HEX]
 *   cxlfm ... COMMAND [ARGS] (every FM API command: see usage())
 *   cxlfm ... listen [--count N] [--wait S]
 *
 * IF defaults to the first mctpusb* interface, LOCAL (our EID) to 8, EID
 * (the endpoint's) to 9. Every command first does what the guest has no
 * `mctp` tool for (Debian does not package it), through rtnetlink: brings
 * IF up, gives it the local EID and a route to EID (existing ones are
 * fine); then, if the endpoint does not answer Get Endpoint ID at EID,
 * assigns it with Set Endpoint ID sent to the null EID by direct
 * addressing on IF (MCTP_OPT_ADDR_EXT), as a bus owner does. `setup` does
 * only that.
 *
 * Exit status: 0 success, 1 the command failed (a completion or return
 * code other than success, printed), 2 a system call failed or no answer.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/mctp.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include "hexarg.h"

#ifndef AF_MCTP
#define AF_MCTP 45
#endif
#ifndef SOL_MCTP
#define SOL_MCTP 285
#endif

static const char *ifname;
static int ifindex;
static uint8_t local_eid = 8, eid = 9;
static uint8_t next_tag;

static int die(const char *what)
{
    printf("errno=%s (%d) in %s\n", strerrorname_np(errno) ?: "?", errno,
           what);
    exit(2);
}

/* ---- rtnetlink ---- */

struct nlreq {
    struct nlmsghdr nh;
    union {
        struct ifinfomsg ifi;
        struct ifaddrmsg ifa;
        struct rtmsg rt;
    };
    char attrs[64];
};

static void add_attr(struct nlreq *r, unsigned type, const void *data,
                     size_t len)
{
    struct rtattr *a = (struct rtattr *)((char *)r +
                                         NLMSG_ALIGN(r->nh.nlmsg_len));

    a->rta_type = type;
    a->rta_len = RTA_LENGTH(len);
    memcpy(RTA_DATA(a), data, len);
    r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/* Send @r, return the kernel's error (0, -EEXIST...) */
static int nl_talk(struct nlreq *r)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    char buf[512];
    struct nlmsghdr *h = (struct nlmsghdr *)buf;
    ssize_t n;

    if (fd < 0) {
        die("socket(AF_NETLINK)");
    }
    r->nh.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
    if (send(fd, r, r->nh.nlmsg_len, 0) < 0) {
        die("send(netlink)");
    }
    n = recv(fd, buf, sizeof(buf), 0);
    close(fd);
    if (n < (ssize_t)sizeof(*h) || h->nlmsg_type != NLMSG_ERROR) {
        errno = EPROTO;
        die("recv(netlink)");
    }
    return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
}

static void link_up(void)
{
    struct nlreq r = { .nh.nlmsg_type = RTM_NEWLINK };

    r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(r.ifi));
    r.ifi.ifi_family = AF_UNSPEC;
    r.ifi.ifi_index = ifindex;
    r.ifi.ifi_flags = IFF_UP;
    r.ifi.ifi_change = IFF_UP;
    errno = -nl_talk(&r);
    if (errno) {
        die("RTM_NEWLINK (up)");
    }
}

static void add_local_eid(void)
{
    struct nlreq r = { .nh.nlmsg_type = RTM_NEWADDR,
                       .nh.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL };

    r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(r.ifa));
    r.ifa.ifa_family = AF_MCTP;
    r.ifa.ifa_index = ifindex;
    add_attr(&r, IFA_LOCAL, &local_eid, 1);
    errno = -nl_talk(&r);
    if (errno && errno != EEXIST) {
        die("RTM_NEWADDR (local EID)");
    }
}

static void add_route(void)
{
    struct nlreq r = { .nh.nlmsg_type = RTM_NEWROUTE,
                       .nh.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL };
    uint32_t oif = ifindex;

    r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(r.rt));
    r.rt.rtm_family = AF_MCTP;
    r.rt.rtm_table = RT_TABLE_DEFAULT;
    r.rt.rtm_protocol = RTPROT_STATIC;
    r.rt.rtm_scope = RT_SCOPE_LINK;
    r.rt.rtm_type = RTN_UNICAST;
    add_attr(&r, RTA_DST, &eid, 1);
    add_attr(&r, RTA_OIF, &oif, 4);
    errno = -nl_talk(&r);
    if (errno && errno != EEXIST) {
        die("RTM_NEWROUTE (route to the endpoint)");
    }
}

/* ---- MCTP ---- */

/*
 * Send @msg (@len bytes, the body after the type byte) of @type to @dst
 * (the null EID: direct addressing on IF) and wait for the response body;
 * returns its length, -1 on timeout
 */
static ssize_t request(uint8_t dst, uint8_t type, const void *msg,
                       size_t len, uint8_t *rsp, size_t size)
{
    int fd = socket(AF_MCTP, SOCK_DGRAM, 0);
    struct sockaddr_mctp_ext a = { 0 };
    struct sockaddr_mctp from;
    socklen_t fl = sizeof(from);
    struct pollfd p = { .fd = fd, .events = POLLIN };
    ssize_t n;
    int one = 1;

    if (fd < 0) {
        die("socket(AF_MCTP)");
    }
    a.smctp_base.smctp_family = AF_MCTP;
    a.smctp_base.smctp_network = MCTP_NET_ANY;
    a.smctp_base.smctp_addr.s_addr = dst;
    a.smctp_base.smctp_type = type;
    a.smctp_base.smctp_tag = MCTP_TAG_OWNER;
    if (dst == 0) {
        if (setsockopt(fd, SOL_MCTP, MCTP_OPT_ADDR_EXT, &one,
                       sizeof(one)) < 0) {
            die("setsockopt(MCTP_OPT_ADDR_EXT)");
        }
        a.smctp_ifindex = ifindex;
        a.smctp_halen = 0;
    }
    if (sendto(fd, msg, len, 0, (struct sockaddr *)&a,
               dst ? sizeof(a.smctp_base) : sizeof(a)) < 0) {
        die("sendto(AF_MCTP)");
    }
    if (poll(&p, 1, 5000) != 1) {
        close(fd);
        return -1;
    }
    n = recvfrom(fd, rsp, size, 0, (struct sockaddr *)&from, &fl);
    if (n < 0) {
        die("recvfrom(AF_MCTP)");
    }
    close(fd);
    return n;
}

static const char *cc_name(uint8_t cc)
{
    switch (cc) {
    case 0: return "success";
    case 1: return "error";
    case 2: return "invalid data";
    case 3: return "invalid length";
    case 4: return "not ready";
    case 5: return "unsupported command";
    case 0x80: return "message type not supported";
    }
    return "?";
}

/* A control request: completion code (-1 no answer); data in @out */
static int control(uint8_t dst, uint8_t cmd, const uint8_t *data, size_t n,
                   uint8_t *out, size_t *out_len)
{
    uint8_t m[32] = { 0x80 | 1, cmd }, r[256];
    ssize_t len;

    memcpy(m + 2, data, n);
    len = request(dst, 0, m, 2 + n, r, sizeof(r));
    if (len < 3 || r[1] != cmd) {
        return -1;
    }
    if (out) {
        memcpy(out, r + 3, len - 3);
        *out_len = len - 3;
    }
    return r[2];
}

/* Set up the link, addresses, route and the endpoint's EID */
static int setup(bool verbose)
{
    uint8_t d[64];
    size_t n;
    int cc;

    if (!ifname) {
        DIR *dir = opendir("/sys/class/net");
        struct dirent *e;

        while (dir && (e = readdir(dir))) {
            if (!strncmp(e->d_name, "mctpusb", 7)) {
                ifname = strdup(e->d_name);
                break;
            }
        }
        if (dir) {
            closedir(dir);
        }
        if (!ifname) {
            errno = ENODEV;
            die("finding an mctpusb interface");
        }
    }
    ifindex = if_nametoindex(ifname);
    if (!ifindex) {
        die("if_nametoindex");
    }
    link_up();
    add_local_eid();
    add_route();
    cc = control(eid, 2, NULL, 0, d, &n);
    if (cc == 0 && n >= 1 && d[0] == eid) {
        if (verbose) {
            printf("interface: %s eid: %u (already assigned)\n", ifname, eid);
        }
        return 0;
    }
    cc = control(0, 1, (uint8_t[]){ 0, eid }, 2, d, &n);
    if (cc < 0) {
        printf("set-eid: no answer\n");
        exit(2);
    }
    if (cc || n < 2 || d[1] != eid) {
        printf("set-eid: cc=%02x (%s)\n", cc, cc_name(cc));
        exit(1);
    }
    if (verbose) {
        printf("interface: %s eid: %u (assigned)\n", ifname, eid);
    }
    return 0;
}

static int cmd_discover(void)
{
    static const struct { uint8_t t; const char *name; } vers[] = {
        { 0xff, "base" }, { 0, "control" }, { 7, "fm-api" }, { 8, "cci" },
    };
    uint8_t d[64];
    size_t n;
    int cc, ok = 1;

    cc = control(eid, 2, NULL, 0, d, &n);
    if (cc == 0 && n >= 2) {
        printf("eid: %u (%s)\n", d[0], (d[1] & 3) ? "static" : "dynamic");
    } else {
        printf("eid: cc=%02x\n", cc & 0xff);
        ok = 0;
    }
    cc = control(eid, 5, NULL, 0, d, &n);
    if (cc == 0 && n >= 1 && n >= 1u + d[0]) {
        printf("message-types: 00h");
        for (unsigned i = 0; i < d[0]; i++) {
            printf(" %02xh", d[1 + i]);
        }
        printf("\n");
    } else {
        printf("message-types: cc=%02x\n", cc & 0xff);
        ok = 0;
    }
    for (unsigned v = 0; v < 4; v++) {
        cc = control(eid, 4, &vers[v].t, 1, d, &n);
        if (cc == 0 && n >= 5) {
            printf("version %s: %x.%x.%x\n", vers[v].name, d[1] & 0xf,
                   d[2] & 0xf, d[3] & 0xf);
        } else {
            printf("version %s: cc=%02x (%s)\n", vers[v].name, cc & 0xff,
                   cc_name(cc));
        }
    }
    return ok ? 0 : 1;
}

static const char *rc_name(unsigned rc)
{
    switch (rc) {
    case 0: return "Success";
    case 1: return "Background Command Started";
    case 2: return "Invalid Input";
    case 3: return "Unsupported";
    case 4: return "Internal Error";
    case 5: return "Retry Required";
    case 6: return "Busy";
    case 7: return "Media Disabled";
    case 0x0e: return "Invalid Handle";
    case 0x0f: return "Invalid Physical Address";
    case 0x12: return "Aborted";
    case 0x15: return "Unsupported Mailbox";
    case 0x16: return "Invalid Payload Length";
    case 0x1d: return "Resources Exhausted";
    case 0x1e: return "Invalid Extent List";
    }
    return "return code";
}

/* Message type of the commands (-t), and the tunnel ports (outermost first) */
static int msg_type = 7;
static uint8_t tunnel_port[8];
static unsigned tunnel_depth;

/* A CCI request message to the endpoint: return code, output in @out */
static int cci_direct(uint8_t type, uint16_t op, const uint8_t *in, size_t n,
                      uint8_t *out, size_t *out_len)
{
    static uint8_t m[12 + 4096], r[12 + 65536];
    ssize_t len;
    size_t plen;

    if (n > sizeof(m) - 12) {
        fprintf(stderr, "cxlfm: payload too long\n");
        exit(2);
    }
    memset(m, 0, 12);
    m[1] = next_tag++;
    m[3] = op;
    m[4] = op >> 8;
    m[5] = n;
    m[6] = n >> 8;
    memcpy(m + 12, in, n);
    len = request(eid, type, m, 12 + n, r, sizeof(r));
    if (len < 12) {
        printf("no answer\n");
        exit(2);
    }
    plen = (r[5] | r[6] << 8 | r[7] << 16) & 0x1fffff;
    *out_len = plen <= (size_t)len - 12 ? plen : (size_t)len - 12;
    memcpy(out, r + 12, *out_len);
    return r[8] | r[9] << 8;
}

/*
 * A command at tunnel level @level: direct to the endpoint at level 0, else
 * inside a Tunnel Management Command (5300h) to the port of that level
 */
static int cci_level(unsigned level, uint16_t op, const uint8_t *in,
                     size_t n, uint8_t *out, size_t *out_len)
{
    static uint8_t t[4 + 12 + 4096];
    uint8_t *msg = t + 4;
    size_t tl, rl;
    int rc;

    if (level == 0) {
        return cci_direct(msg_type, op, in, n, out, out_len);
    }
    if (n > sizeof(t) - 16) {
        fprintf(stderr, "cxlfm: payload too long\n");
        exit(2);
    }
    memset(t, 0, 16);
    t[0] = tunnel_port[tunnel_depth - level];
    t[2] = (12 + n) & 0xff;
    t[3] = (12 + n) >> 8;
    msg[3] = op;
    msg[4] = op >> 8;
    msg[5] = n;
    msg[6] = n >> 8;
    memmove(msg + 12, in, n);
    rc = cci_level(level - 1, 0x5300, t, 16 + n, out, &tl);
    if (rc) {
        printf("tunnel: return code %02xh (%s)\n", rc, rc_name(rc));
        exit(1);
    }
    rl = out[0] | out[1] << 8;
    if (tl < 16 || rl < 12 || rl > tl - 4) {
        printf("tunnel: malformed response\n");
        exit(2);
    }
    *out_len = (out[4 + 5] | out[4 + 6] << 8 | out[4 + 7] << 16) & 0x1fffff;
    if (*out_len > rl - 12) {
        *out_len = rl - 12;
    }
    rc = out[4 + 8] | out[4 + 9] << 8;
    memmove(out, out + 16, *out_len);
    return rc;
}

static int cci(uint8_t type, uint16_t op, const uint8_t *in, size_t n,
               uint8_t *out, size_t *out_len)
{
    if (tunnel_depth) {
        return cci_level(tunnel_depth, op, in, n, out, out_len);
    }
    return cci_direct(type, op, in, n, out, out_len);
}

static uint8_t out[65536];

static int active_ports(uint8_t *ports, bool print)
{
    size_t n;
    int rc = cci(7, 0x5100, NULL, 0, out, &n), np = 0;

    if (rc || n < 0x49) {
        printf("identify-switch: return code %02xh (%s)\n", rc, rc_name(rc));
        return -1;
    }
    for (int i = 0; i < 256; i++) {
        if (out[4 + i / 8] & (1 << (i % 8))) {
            ports[np++] = i;
        }
    }
    if (print) {
        printf("ingress-port: %u\n", out[0]);
        printf("physical-ports: %u\n", out[2]);
        printf("vcss: %u\n", out[3]);
        printf("active-ports:");
        for (int i = 0; i < np; i++) {
            printf(" %u", ports[i]);
        }
        printf("\nvppbs: %u bound: %u\n", out[68] | out[69] << 8,
               out[70] | out[71] << 8);
        printf("hdm-decoders: %u\n", out[72]);
    }
    return np;
}

static const char *config_state(uint8_t s)
{
    switch (s) {
    case 0: return "disabled";
    case 1: return "bind in progress";
    case 2: return "unbind in progress";
    case 3: return "DSP";
    case 4: return "USP";
    case 5: return "fabric port";
    case 0xf: return "invalid port id";
    }
    return "?";
}

static const char *device_type(uint8_t t)
{
    switch (t) {
    case 0: return "none";
    case 1: return "PCIe";
    case 2: return "CXL type 1";
    case 3: return "CXL type 2/switch";
    case 4: return "CXL type 3 SLD";
    case 5: return "CXL type 3 MLD";
    }
    return "?";
}

static int cmd_port_state(int argc, char **argv)
{
    uint8_t in[257];
    int np = 0, rc;
    size_t n;

    for (int i = 0; i < argc && np < 256; i++) {
        in[1 + np++] = strtoul(argv[i], NULL, 0);
    }
    if (!np) {
        np = active_ports(in + 1, false);
        if (np < 0) {
            return 1;
        }
    }
    in[0] = np;
    rc = cci(7, 0x5101, in, 1 + np, out, &n);
    if (rc) {
        printf("port-state: return code %02xh (%s)\n", rc, rc_name(rc));
        return 1;
    }
    for (unsigned i = 0; i < out[0] && 4 + 16 * (i + 1) <= n; i++) {
        uint8_t *p = out + 4 + 16 * i;

        printf("port %u: %s device=%s width=x%u speed=%u ltssm=%u lds=%u\n",
               p[0], config_state(p[1]), device_type(p[4]), p[7], p[10],
               p[11], p[15]);
    }
    return 0;
}

/*
 * ---- the FM API commands, one declaration each ----
 *
 * The same declarations as scripts/cxl-fm.py's COMMANDS (see there for
 * the spec language): fields "name:TYPE[{e0,e1,...}][=DEFAULT]" in payload
 * order, TYPE u8..u64 (decimal), x8..x64 (hex), bN (bytes as hex), rN
 * (reserved); output sections "header | label[COUNT,BASE]: entry | trailer";
 * an input may end with a list whose entries are given as "A:B:...".
 */
struct cmd {
    const char *name;           /* one to three words */
    uint16_t opcode;
    const char *in;             /* input spec */
    const char *args;           /* positional arguments, in order */
    const char *out;            /* output spec */
    bool bg;                    /* may start a background operation */
    const char *doc;
};

#define EVENT_LOGS "{info,warn,fail,fatal,dcd}"
#define EXTENT "dpa:x64 len:x64 tag:b16=00 seq:u16=0 _:r6"

static const struct cmd commands[] = {
    { "bg-status", 0x0002, "", "",
      "status:x8 _:r1 opcode:x16 rc:x16 vendor:x16", false,
      "Background Operation Status (0002h)" },
    { "bg-abort", 0x0005, "", "", "", false,
      "Request Abort Background Operation (0005h)" },
    { "events get", 0x0100, "log:u8" EVENT_LOGS, "log",
      "flags:x8 _:r1 overflow:u16 first-overflow:u64 last-overflow:u64 "
      "count:u16 _:r10 | record[count]: uuid:b16 length:u8 flags:b3 "
      "handle:u16 related:u16 timestamp:u64 maint-class:u8 "
      "maint-subclass:u8 ld:u16 head:u8 _:r11 data:b80", false,
      "Get Event Records (0100h) of a log" },
    { "events clear", 0x0101, "log:u8" EVENT_LOGS " flags:x8=0 nr:u8=# _:r3 "
      "| handle[nr]: handle:u16", "log", "", false,
      "Clear Event Records (0101h): LOG HANDLE... (or flags=1: all)" },
    { "events policy get", 0x0102, "", "",
      "info:x8 warn:x8 fail:x8 fatal:x8 dcd:x8", false,
      "Get Event Interrupt Policy (0102h)" },
    { "events policy set", 0x0103, "info:x8=0 warn:x8=0 fail:x8=0 fatal:x8=0",
      "info warn fail fatal", "", false, "Set Event Interrupt Policy (0103h)" },
    { "mctp-event-policy get", 0x0104, "", "", "settings:x16", false,
      "Get MCTP Event Interrupt Policy (0104h): bit n = event log n" },
    { "mctp-event-policy set", 0x0105, "settings:x16", "settings",
      "settings:x16", false,
      "Set MCTP Event Interrupt Policy (0105h): 1 info, 2 warn, 4 fail, "
      "8 fatal, 10h DC" },
    { "port-control", 0x5102,
      "port:u8 op:u8{perst-assert,perst-deassert,reset}", "port op", "",
      false, "Physical Port Control (5102h)" },
    { "vcs-info", 0x5200, "start:u8=0 limit:u8=255 nr-vcss:u8=1 vcs:u8=0",
      "vcs start limit",
      "vcss:u8 _:r3 vcs:u8 state:u8{disabled,enabled} usp:u8 vppbs:u8 "
      "| vppb[vppbs,start]: status:u8{unbound,in-progress,bound,bound-ld} "
      "port:u8 ld:u8 _:r1", false,
      "Get Virtual CXL Switch Info (5200h) of one VCS" },
    { "bind", 0x5201, "vcs:u8=0 vppb:u8 port:u8 _:r1 ld:x16=0xffff",
      "vppb port", "", true, "Bind vPPB (5201h)" },
    { "unbind", 0x5202,
      "vcs:u8=0 vppb:u8 mode:u8{wait,managed,surprise}=managed",
      "vppb mode", "", true, "Unbind vPPB (5202h)" },
    { "aer", 0x5203, "vcs:u8=0 vppb:u8 _:r2 error:x32 header:b32=00",
      "vppb error header", "", false,
      "Generate AER Event (5203h): ERROR is the bit (+0x80000000: "
      "correctable)" },
    { "mhd-info", 0x5500, "start:u8=0 limit:u8=255", "start limit",
      "lds:u8 heads:u8 _:r2 start:u8 map-len:u8 _:r2 "
      "| ld[map-len,start]: head:u8", false, "Get Multi-Headed Info (5500h)" },
    { "dcd-info", 0x5600, "", "",
      "hosts:u8 regions:u8 _:r2 add-policies:x16 _:r2 removal-policies:x16 "
      "sanitize-mask:x8 _:r1 capacity-256m:u64 "
      "| region[regions]: block-size-mask:x64", false,
      "Get DCD Info (5600h)" },
    { "dc-config get", 0x5601, "host:u16=0 count:u8=8 start:u8=0",
      "host count start",
      "host:u16 regions:u8 returned:u8 | region[returned,start]: base:x64 "
      "decode-len:x64 len:x64 block-size:x64 dsmad:u32 flags:x8 _:r3 "
      "| total-extents:u32 avail-extents:u32 total-tags:u32 avail-tags:u32",
      false, "Get Host DC Region Configuration (5601h)" },
    { "dc-config set", 0x5602, "region:u8 _:r3 block-size:x64 flags:x8=0 _:r3",
      "region block-size flags", "", false,
      "Set DC Region Configuration (5602h)" },
    { "extents", 0x5603, "host:u16=0 _:r2 count:u32=64 start:u32=0",
      "host start count",
      "host:u16 _:r2 start:u32 returned:u32 total:u32 generation:u32 _:r4 "
      "| extent[returned,start]: " EXTENT, false,
      "Get DC Region Extent Lists (5603h)" },
    { "dc-add", 0x5604,
      "host:u16=0 policy:u8{free,contiguous,prescriptive,enable-shared}="
      "prescriptive region:u8=0 length:x64=0 tag:b16=00 nr:u32=# "
      "| extent[nr]: " EXTENT, "host region", "", false,
      "Initiate Dynamic Capacity Add (5604h): HOST REGION DPA:LEN..." },
    { "dc-release", 0x5605,
      "host:u16=0 flags:x8{tag-based,prescriptive}=prescriptive _:r1 "
      "length:x64=0 tag:b16=00 nr:u32=# | extent[nr]: " EXTENT, "host", "",
      false, "Initiate Dynamic Capacity Release (5605h): HOST DPA:LEN..." },
    /*
     * Multi-logical devices, payloads from memory of CXL r3.x 7.6.7.3 and
     * 7.6.7.4 as include/hw/cxl/cxl-mld.h has them: 5301h/5302h on the
     * switch; 54xxh on an MLD's LD-FAM CCI (its own endpoint, or
     * "tunnel PORT ..." through the switch)
     */
    { "ld-config read", 0x5301,
      "port:u8 _:r1 ld:u16 offset:x16 be:x8=0xf rw:x8=0 data:x32=0",
      "port ld offset",
      "data:x32", false,
      "Send LD CXL.io Configuration Request (5301h): a dword read" },
    { "ld-config write", 0x5301,
      "port:u8 _:r1 ld:u16 offset:x16 be:x8=0xf rw:x8=0x80 data:x32",
      "port ld offset data",
      "", false,
      "Send LD CXL.io Configuration Request (5301h): a dword write" },
    { "ld-mem read", 0x5302,
      "port:u8 _:r1 ld:u16 flags:x8=0 _:r1 length:u16 offset:x64",
      "port ld offset length",
      "length:u16 _:r2 | byte[length]: v:x8", false,
      "Send LD CXL.io Memory Request (5302h): LENGTH bytes at OFFSET of the LD's memory" },
    { "ld-mem write", 0x5302,
      "port:u8 _:r1 ld:u16 flags:x8=1 _:r1 length:u16=# offset:x64 | byte[length]: v:x8",
      "port ld offset",
      "length:u16 _:r2", false,
      "Send LD CXL.io Memory Request (5302h): write BYTE... at OFFSET" },
    { "ld-info", 0x5400,
      "",
      "",
      "memory-size:x64 lds:u16 qos-caps:x8", false,
      "Get LD Info (5400h)" },
    { "ld-alloc get", 0x5401,
      "start:u8=0 limit:u8=255",
      "start limit",
      "lds:u8 granularity:u8{256m,512m,1g} start:u8 len:u8 | ld[len,start]: range1:u64 range2:u64", false,
      "Get LD Allocations (5401h): ranges in units of the granularity" },
    { "ld-alloc set", 0x5402,
      "nr:u8=# start:u8=0 _:r2 | ld[nr]: range1:u64 range2:u64=0",
      "start",
      "nr:u8 start:u8 _:r2 | ld[nr,start]: range1:u64 range2:u64", false,
      "Set LD Allocations (5402h): START RANGE1[:RANGE2]... (256 MiB units)" },
    { "qos-control get", 0x5403,
      "",
      "",
      "control:x8 moderate-pct:u8 severe-pct:u8 sample-interval:u8 req-cmp-basis:u16 collection-interval:u8", false,
      "Get QoS Control (5403h)" },
    { "qos-control set", 0x5404,
      "control:x8 moderate-pct:u8 severe-pct:u8 sample-interval:u8 req-cmp-basis:u16 collection-interval:u8",
      "control moderate-pct severe-pct sample-interval req-cmp-basis collection-interval",
      "control:x8 moderate-pct:u8 severe-pct:u8 sample-interval:u8 req-cmp-basis:u16 collection-interval:u8", false,
      "Set QoS Control (5404h)" },
    { "qos-status", 0x5405,
      "",
      "",
      "backpressure-avg-pct:u8", false,
      "Get QoS Status (5405h)" },
    { "qos-bw get", 0x5406,
      "nr:u8=1 start:u8=0",
      "start nr",
      "nr:u8 start:u8 | ld[nr,start]: fraction:u8", false,
      "Get QoS Allocated BW (5406h): fractions of 256" },
    { "qos-bw set", 0x5407,
      "nr:u8=# start:u8=0 | ld[nr]: fraction:u8",
      "start",
      "nr:u8 start:u8 | ld[nr,start]: fraction:u8", false,
      "Set QoS Allocated BW (5407h): START FRACTION..." },
    { "qos-limit get", 0x5408,
      "nr:u8=1 start:u8=0",
      "start nr",
      "nr:u8 start:u8 | ld[nr,start]: fraction:u8", false,
      "Get QoS BW Limit (5408h): fractions of 256" },
    { "qos-limit set", 0x5409,
      "nr:u8=# start:u8=0 | ld[nr]: fraction:u8",
      "start",
      "nr:u8 start:u8 | ld[nr,start]: fraction:u8", false,
      "Set QoS BW Limit (5409h): START FRACTION..." },
};

struct field {
    char name[32];
    char kind;                  /* u, x, b, r */
    unsigned size;              /* bytes */
    const char *def;            /* NULL: required */
    char defbuf[24];
    const char *enums[8];
    unsigned nr_enums;
    char enumbuf[96];
};

#define MAX_FIELDS 32

static void bad_spec(const char *spec)
{
    fprintf(stderr, "cxlfm: bad spec '%s'\n", spec);
    exit(2);
}

/* Parse the fields of @spec up to '|' or its end; returns the count */
static unsigned parse_fields(const char **spec, struct field *f)
{
    const char *p = *spec;
    unsigned n = 0;

    for (;;) {
        char tok[128], *c, *e;
        size_t len;

        while (*p == ' ') {
            p++;
        }
        if (!*p || *p == '|') {
            break;
        }
        len = strcspn(p, " |");
        if (len >= sizeof(tok) || n == MAX_FIELDS) {
            bad_spec(*spec);
        }
        memcpy(tok, p, len);
        tok[len] = 0;
        p += len;
        memset(&f[n], 0, sizeof(f[n]));
        c = strchr(tok, ':');
        if (!c) {
            bad_spec(tok);
        }
        *c++ = 0;
        snprintf(f[n].name, sizeof(f[n].name), "%.31s", tok);
        e = strchr(c, '=');
        if (e) {
            *e++ = 0;
            snprintf(f[n].defbuf, sizeof(f[n].defbuf), "%s", e);
            f[n].def = f[n].defbuf;
        }
        e = strchr(c, '{');
        if (e) {
            char *s;

            *e++ = 0;
            snprintf(f[n].enumbuf, sizeof(f[n].enumbuf), "%s", e);
            s = strtok(f[n].enumbuf, ",}");
            while (s && f[n].nr_enums < 8) {
                f[n].enums[f[n].nr_enums++] = s;
                s = strtok(NULL, ",}");
            }
        }
        f[n].kind = c[0];
        f[n].size = atoi(c + 1);
        if (f[n].kind == 'u' || f[n].kind == 'x') {
            f[n].size /= 8;
        }
        n++;
    }
    *spec = *p == '|' ? p + 1 : p;
    return n;
}

/* A list header "label[COUNT,BASE]:" of @spec */
static void parse_list_head(const char **spec, char *label, char *count,
                            char *base)
{
    const char *p = *spec;
    int used = 0;

    while (*p == ' ') {
        p++;
    }
    base[0] = 0;
    if (sscanf(p, "%31[^[][%31[^],]%n", label, count, &used) != 2) {
        bad_spec(p);
    }
    p += used;
    if (*p == ',') {
        sscanf(p + 1, "%31[^]]", base);
        p = strchr(p, ']');
    }
    if (!p || p[1] != ':') {
        bad_spec(*spec);
    }
    *spec = p + 2;
}

static void usage_error(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "cxlfm: ");
    fprintf(stderr, fmt, a, b);
    fprintf(stderr, "\n");
    exit(2);
}

/* @text as a value of @f, into @buf (size bytes, little endian) */
static void field_parse(const struct field *f, const char *text,
                        uint8_t *buf)
{
    unsigned long long v;
    char *end;

    memset(buf, 0, f->size);
    if (f->kind == 'r') {
        return;
    }
    if (f->kind == 'b') {
        if (strcmp(text, "0")) {
            parse_hex("cxlfm", text, buf, f->size);
        }
        return;
    }
    for (unsigned i = 0; i < f->nr_enums; i++) {
        if (!strcmp(text, f->enums[i])) {
            buf[0] = i;
            return;
        }
    }
    errno = 0;
    v = strtoull(text, &end, 0);
    if (errno || !*text || *end || text[0] == '-') {
        usage_error("%s: '%s' is not a value", f->name, text);
    }
    if (f->size < 8 && v >> (8 * f->size)) {
        usage_error("%s: %s does not fit", f->name, text);
    }
    for (unsigned i = 0; i < f->size; i++) {
        buf[i] = v >> (8 * i);
    }
}

static unsigned long long field_value(const struct field *f,
                                      const uint8_t *p)
{
    unsigned long long v = 0;

    for (unsigned i = 0; i < f->size && i < 8; i++) {
        v |= (unsigned long long)p[i] << (8 * i);
    }
    return v;
}

static void field_print(const struct field *f, const uint8_t *p)
{
    unsigned long long v = field_value(f, p);

    if (f->kind == 'b') {
        print_hex(p, f->size);
    } else if (f->nr_enums && v < f->nr_enums) {
        printf("%s", f->enums[v]);
    } else if (f->kind == 'x') {
        printf("0x%llx", v);
    } else {
        printf("%llu", v);
    }
}

static const struct field *find_field(const struct field *f, unsigned n,
                                      const char *name)
{
    for (unsigned i = 0; i < n; i++) {
        if (!strcmp(f[i].name, name)) {
            return &f[i];
        }
    }
    return NULL;
}

static unsigned field_offset(const struct field *f, const struct field *x)
{
    unsigned off = 0;

    for (; f != x; f++) {
        off += f->size;
    }
    return off;
}

/* The input payload of @c from @argv; the input's bytes in @in */
static size_t build_input(const struct cmd *c, int argc, char **argv,
                          uint8_t *in, size_t room, struct field *inf,
                          unsigned *nr_inf)
{
    struct field lf[MAX_FIELDS];
    const char *vals[MAX_FIELDS] = { 0 }, *entries[64];
    const char *spec = c->in, *ap = c->args;
    char label[32], count[32], base[32];
    unsigned n = parse_fields(&spec, inf), nl = 0, ne = 0;
    bool has_list = *spec != 0;
    size_t len = 0;

    if (has_list) {
        parse_list_head(&spec, label, count, base);
        nl = parse_fields(&spec, lf);
    }
    *nr_inf = n;
    for (int i = 0; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        const struct field *f = NULL;
        char name[32];

        if (eq && (size_t)(eq - argv[i]) < sizeof(name)) {
            snprintf(name, sizeof(name), "%.*s", (int)(eq - argv[i]),
                     argv[i]);
            f = find_field(inf, n, name);
        }
        if (f) {
            vals[f - inf] = eq + 1;
        } else if (*ap && !(has_list && strchr(argv[i], ':'))) {
            size_t l = strcspn(ap, " ");

            snprintf(name, sizeof(name), "%.*s", (int)l, ap);
            ap += l;
            while (*ap == ' ') {
                ap++;
            }
            f = find_field(inf, n, name);
            vals[f - inf] = argv[i];
        } else if (has_list && ne < 64) {
            entries[ne++] = argv[i];
        } else {
            usage_error("%s: unexpected argument '%s'", c->name, argv[i]);
        }
    }
    for (unsigned i = 0; i < n; i++) {
        const char *v = vals[i] ? vals[i] : inf[i].def;
        char nbuf[16];

        if (len + inf[i].size > room) {
            usage_error("%s%s: input too long", c->name, "");
        }
        if (inf[i].kind != 'r' && !v) {
            usage_error("%s: %s is required", c->name, inf[i].name);
        }
        if (v && !strcmp(v, "#")) {
            snprintf(nbuf, sizeof(nbuf), "%u", ne);
            v = nbuf;
        }
        field_parse(&inf[i], v ? v : "0", in + len);
        len += inf[i].size;
    }
    for (unsigned e = 0; e < ne; e++) {
        char buf[256], *save = NULL, *tok;

        snprintf(buf, sizeof(buf), "%s", entries[e]);
        tok = strtok_r(buf, ":", &save);
        for (unsigned i = 0; i < nl; i++) {
            const char *v = lf[i].def;

            if (len + lf[i].size > room) {
                usage_error("%s%s: input too long", c->name, "");
            }
            if (lf[i].kind != 'r') {
                if (tok) {
                    v = tok;
                    tok = strtok_r(NULL, ":", &save);
                }
                if (!v) {
                    usage_error("%s: %s is required", entries[e], lf[i].name);
                }
            }
            field_parse(&lf[i], v ? v : "0", in + len);
            len += lf[i].size;
        }
        if (tok) {
            usage_error("%s: too many values in '%s'", c->name, entries[e]);
        }
    }
    return len;
}

/* Print output @o (@n bytes) as @c's output spec says */
static void show_output(const struct cmd *c, const uint8_t *o, size_t n,
                        const struct field *inf, unsigned nr_inf,
                        const uint8_t *in)
{
    struct field hf[MAX_FIELDS], lf[MAX_FIELDS], tf[MAX_FIELDS];
    const char *spec = c->out;
    unsigned nh = parse_fields(&spec, hf), nl, nt;
    char label[32], count[32], base[32];
    unsigned long long cnt, first = 0;
    const struct field *f;
    size_t off = 0, esize = 0;

    for (unsigned i = 0; i < nh; i++) {
        if (hf[i].kind != 'r' && off + hf[i].size <= n) {
            printf("%s: ", hf[i].name);
            field_print(&hf[i], o + off);
            printf("\n");
        }
        off += hf[i].size;
    }
    if (!*spec) {
        return;
    }
    parse_list_head(&spec, label, count, base);
    nl = parse_fields(&spec, lf);
    f = find_field(hf, nh, count);
    cnt = f ? (field_offset(hf, f) + f->size <= n ?
               field_value(f, o + field_offset(hf, f)) : 0)
            : strtoull(count, NULL, 0);
    if (base[0]) {
        if ((f = find_field(hf, nh, base))) {
            first = field_value(f, o + field_offset(hf, f));
        } else if ((f = find_field(inf, nr_inf, base))) {
            first = field_value(f, in + field_offset(inf, f));
        }
    }
    for (unsigned i = 0; i < nl; i++) {
        esize += lf[i].size;
    }
    for (unsigned long long e = 0; e < cnt && off + esize <= n; e++) {
        const char *sep = "";

        printf("%s %llu: ", label, first + e);
        for (unsigned i = 0; i < nl; i++) {
            if (lf[i].kind != 'r') {
                printf("%s%s=", sep, lf[i].name);
                field_print(&lf[i], o + off);
                sep = " ";
            }
            off += lf[i].size;
        }
        printf("\n");
    }
    if (!*spec) {
        return;
    }
    nt = parse_fields(&spec, tf);
    for (unsigned i = 0; i < nt; i++) {
        if (tf[i].kind != 'r' && off + tf[i].size <= n) {
            printf("%s: ", tf[i].name);
            field_print(&tf[i], o + off);
            printf("\n");
        }
        off += tf[i].size;
    }
}

/* Background Operation Status until @op is done: its return code */
static int poll_background(uint16_t op)
{
    for (int i = 0; i < 1200; i++) {
        size_t n;
        uint8_t s[64];
        int rc = cci(msg_type, 0x0002, NULL, 0, s, &n);

        if (rc == 0 && n >= 8 && !(s[0] & 1) && (s[2] | s[3] << 8) == op) {
            return s[4] | s[5] << 8;
        }
        usleep(50000);
    }
    printf("background: did not finish\n");
    exit(2);
}

static int run_table(const struct cmd *c, int argc, char **argv)
{
    static uint8_t in[4096];
    struct field inf[MAX_FIELDS];
    unsigned nr_inf;
    size_t n = build_input(c, argc, argv, in, sizeof(in), inf, &nr_inf), on;
    int rc = cci(msg_type, c->opcode, in, n, out, &on), bg = -1;

    if (rc == 1 && c->bg) {
        bg = poll_background(c->opcode);
    }
    printf("return-code: %02xh (%s)\n", rc, rc_name(rc));
    if (bg >= 0) {
        printf("background: %02xh (%s)\n", bg, rc_name(bg));
    }
    if (rc == 0) {
        show_output(c, out, on, inf, nr_inf, in);
    }
    return rc == 0 || (rc == 1 && bg == 0) ? 0 : 1;
}

/*
 * Send PPB CXL.io Configuration Request (5103h): PORT read OFFSET [BE] or
 * PORT write OFFSET VALUE [BE]
 */
static int cmd_ppb_config(int argc, char **argv)
{
    bool write = argc >= 2 && !strcmp(argv[1], "write");
    uint8_t in[8];
    unsigned long off, be = 0xf, data = 0;
    size_t on;
    int rc;

    if (argc < 3 || (!write && strcmp(argv[1], "read")) ||
        argc > (write ? 5 : 4) || (write && argc < 4)) {
        usage_error("%s%s", "ppb-config PORT read OFFSET [BE] | "
                    "ppb-config PORT write OFFSET VALUE [BE]", "");
    }
    off = strtoul(argv[2], NULL, 0);
    if (write) {
        data = strtoul(argv[3], NULL, 0);
    }
    if (argc > (write ? 4 : 3)) {
        be = strtoul(argv[write ? 4 : 3], NULL, 0);
    }
    in[0] = strtoul(argv[0], NULL, 0);
    in[1] = off;
    in[2] = ((off >> 8) & 0xf) | (be & 0xf) << 4;
    in[3] = write ? 0x80 : 0;
    for (int i = 0; i < 4; i++) {
        in[4 + i] = data >> (8 * i);
    }
    rc = cci(msg_type, 0x5103, in, sizeof(in), out, &on);
    printf("return-code: %02xh (%s)\n", rc, rc_name(rc));
    if (rc == 0 && on >= 4 && !write) {
        printf("data: 0x%08x\n", out[0] | out[1] << 8 | out[2] << 16 |
               (unsigned)out[3] << 24);
    }
    return rc ? 1 : 0;
}

static int cmd_raw(int type, const char *op, const char *hex)
{
    static uint8_t in[4096];
    size_t n = hex ? parse_hex("cxlfm", hex, in, sizeof(in)) : 0, on;
    int rc;

    rc = cci(type, strtoul(op, NULL, 16), in, n, out, &on);
    printf("return-code: %02xh (%s)\noutput: ", rc, rc_name(rc));
    print_hex(out, on);
    printf("\n");
    return rc ? 1 : 0;
}

/*
 * Print the Event Notifications (0106h) the endpoint sends us, and answer
 * each: a socket bound to the message type (any address) gets the
 * requests (tag owner set) no request of ours is waiting for
 */
static int cmd_listen(int argc, char **argv)
{
    static const char *const logs[] = { "info", "warn", "fail", "fatal",
                                        "dcd" };
    int fd = socket(AF_MCTP, SOCK_DGRAM, 0), count = 1, wait_s = 30;
    struct sockaddr_mctp a = { 0 }, from;
    socklen_t fl;
    uint8_t m[256];

    for (int i = 0; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--count")) {
            count = atoi(argv[i + 1]);
        } else if (!strcmp(argv[i], "--wait")) {
            wait_s = atoi(argv[i + 1]);
        } else {
            usage_error("listen: unknown option '%s'%s", argv[i], "");
        }
    }
    if (fd < 0) {
        die("socket(AF_MCTP)");
    }
    a.smctp_family = AF_MCTP;
    a.smctp_network = MCTP_NET_ANY;
    a.smctp_addr.s_addr = MCTP_ADDR_ANY;
    a.smctp_type = msg_type;
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        die("bind(AF_MCTP)");
    }
    for (int got = 0; got < count; ) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        char names[64] = "";
        unsigned bits;
        ssize_t n;

        if (poll(&p, 1, wait_s * 1000) != 1) {
            printf("listen: no event notification\n");
            return 2;
        }
        fl = sizeof(from);
        n = recvfrom(fd, m, sizeof(m), 0, (struct sockaddr *)&from, &fl);
        if (n < 0) {
            die("recvfrom(AF_MCTP)");
        }
        if (n < 12 || (m[3] | m[4] << 8) != 0x0106) {
            continue;
        }
        bits = n >= 14 ? m[12] | m[13] << 8 : 0;
        for (unsigned i = 0; i < 5; i++) {
            if (bits & (1u << i)) {
                strcat(names, names[0] ? "," : "");
                strcat(names, logs[i]);
            }
        }
        if (!names[0]) {
            snprintf(names, sizeof(names), "0x%x", bits);
        }
        printf("event-notification: eid=%u type=%u logs=%s\n",
               from.smctp_addr.s_addr, from.smctp_type, names);
        /* the response: category 1, the request's tag and opcode */
        memset(m + 12, 0, 2);
        m[0] = 1;
        memset(m + 5, 0, 7);
        from.smctp_tag &= ~MCTP_TAG_OWNER;
        if (sendto(fd, m, 12, 0, (struct sockaddr *)&from, sizeof(from)) < 0) {
            die("sendto(AF_MCTP)");
        }
        got++;
    }
    close(fd);
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: cxlfm [-i IF] [-l LOCAL] [-e EID] [-t 7|8] "
            "COMMAND\ncommands:\n"
            "  setup\n  discover\n"
            "  identify                  Identify Switch Device (5100h)\n"
            "  port-state [PORT...]      Get Physical Port State (5101h)\n"
            "  ppb-config PORT read OFFSET [BE] | PORT write OFFSET VALUE "
            "[BE]\n"
            "      Send PPB CXL.io Configuration Request (5103h)\n"
            "  tunnel PORT COMMAND...    COMMAND through Tunnel Management "
            "(5300h)\n"
            "  listen [--count N] [--wait S]  print (and answer) Event "
            "Notifications (0106h)\n"
            "  raw [-t 7|8] OPCODE [HEX] any command\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        fprintf(stderr, "  %s %s\n      %s\n", commands[i].name,
                commands[i].args, commands[i].doc);
    }
    return 2;
}

/* The table command named by the first words of @argv (*@used of them) */
static const struct cmd *lookup(int argc, char **argv, int *used)
{
    for (int w = 3; w >= 1; w--) {
        char name[64] = "";

        if (argc < w) {
            continue;
        }
        for (int i = 0; i < w; i++) {
            if (strlen(name) + strlen(argv[i]) + 2 > sizeof(name)) {
                return NULL;
            }
            strcat(name, i ? " " : "");
            strcat(name, argv[i]);
        }
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
            if (!strcmp(commands[i].name, name)) {
                *used = w;
                return &commands[i];
            }
        }
    }
    return NULL;
}

static int dispatch(int argc, char **argv)
{
    const struct cmd *c;
    const char *cmd;
    int used;

    if (argc < 1) {
        return usage();
    }
    cmd = argv[0];
    if (!strcmp(cmd, "tunnel")) {
        if (argc < 3 || tunnel_depth == sizeof(tunnel_port)) {
            return usage();
        }
        tunnel_port[tunnel_depth++] = strtoul(argv[1], NULL, 0);
        return dispatch(argc - 2, argv + 2);
    } else if (!strcmp(cmd, "discover") && !tunnel_depth) {
        return cmd_discover();
    } else if (!strcmp(cmd, "identify")) {
        uint8_t ports[256];

        return active_ports(ports, true) < 0 ? 1 : 0;
    } else if (!strcmp(cmd, "port-state")) {
        return cmd_port_state(argc - 1, argv + 1);
    } else if (!strcmp(cmd, "ppb-config")) {
        return cmd_ppb_config(argc - 1, argv + 1);
    } else if (!strcmp(cmd, "listen") && !tunnel_depth) {
        return cmd_listen(argc - 1, argv + 1);
    } else if (!strcmp(cmd, "raw")) {
        int type = msg_type, i = 1;

        if (i < argc && !strcmp(argv[i], "-t") && i + 1 < argc) {
            type = atoi(argv[i + 1]);
            i += 2;
        }
        if (i >= argc || (type != 7 && type != 8)) {
            return usage();
        }
        return cmd_raw(type, argv[i], i + 1 < argc ? argv[i + 1] : NULL);
    }
    c = lookup(argc, argv, &used);
    if (!c) {
        return usage();
    }
    return run_table(c, argc - used, argv + used);
}

int main(int argc, char **argv)
{
    int c;

    setvbuf(stdout, NULL, _IOLBF, 0);
    while ((c = getopt(argc, argv, "+i:l:e:t:")) != -1) {
        switch (c) {
        case 'i':
            ifname = optarg;
            break;
        case 'l':
            local_eid = strtoul(optarg, NULL, 0);
            break;
        case 'e':
            eid = strtoul(optarg, NULL, 0);
            break;
        case 't':
            msg_type = atoi(optarg);
            if (msg_type != 7 && msg_type != 8) {
                return usage();
            }
            break;
        default:
            return usage();
        }
    }
    if (optind >= argc) {
        return usage();
    }
    setup(!strcmp(argv[optind], "setup"));
    if (!strcmp(argv[optind], "setup")) {
        return 0;
    }
    return dispatch(argc - optind, argv + optind);
}
