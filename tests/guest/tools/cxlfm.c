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
    case 0x16: return "Invalid Payload Length";
    }
    return "return code";
}

/* A CCI request message: return code (-1 no answer), output in @out */
static int cci(uint8_t type, uint16_t op, const uint8_t *in, size_t n,
               uint8_t *out, size_t *out_len)
{
    static uint8_t m[12 + 4096], r[12 + 65536];
    ssize_t len;
    size_t plen;

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

static int usage(void)
{
    fprintf(stderr, "usage: cxlfm [-i IF] [-l LOCAL] [-e EID] setup|discover|"
            "identify|port-state [PORT...]|raw [-t 7|8] OPCODE [HEX]\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *cmd;
    int c, type = 7;

    setvbuf(stdout, NULL, _IOLBF, 0);
    while ((c = getopt(argc, argv, "+i:l:e:")) != -1) {
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
        default:
            return usage();
        }
    }
    if (optind >= argc) {
        return usage();
    }
    cmd = argv[optind++];
    setup(!strcmp(cmd, "setup"));
    if (!strcmp(cmd, "setup")) {
        return 0;
    } else if (!strcmp(cmd, "discover")) {
        return cmd_discover();
    } else if (!strcmp(cmd, "identify")) {
        uint8_t ports[256];

        return active_ports(ports, true) < 0 ? 1 : 0;
    } else if (!strcmp(cmd, "port-state")) {
        return cmd_port_state(argc - optind, argv + optind);
    } else if (!strcmp(cmd, "raw")) {
        if (optind < argc && !strcmp(argv[optind], "-t") &&
            optind + 1 < argc) {
            type = atoi(argv[optind + 1]);
            optind += 2;
        }
        if (optind >= argc || (type != 7 && type != 8)) {
            return usage();
        }
        return cmd_raw(type, argv[optind],
                       optind + 1 < argc ? argv[optind + 1] : NULL);
    }
    return usage();
}
