/*
 * cxlfwctl: talk to a CXL memory device's fwctl character device
 * (Linux's include/uapi/fwctl/fwctl.h and fwctl/cxl.h).
 *
 *   cxlfwctl [-d DEV] info
 *   cxlfwctl [-d DEV] features
 *   cxlfwctl [-d DEV] get UUID COUNT [SELECTION]
 *   cxlfwctl [-d DEV] set UUID VERSION HEX [SCOPE]
 *
 * DEV defaults to /dev/fwctl/fwctl0; UUID is 32 hex digits (the bytes in
 * order, dashes allowed). info prints "type=N" (2: CXL). features lists
 * the Supported Feature Entries the kernel returns (Get Supported
 * Features), one per line: "uuid=... id=N get=N set=N flags=F effects=E
 * version=G/S". get prints "retval=XX size=N" and "out=HEX" (Get Feature
 * of COUNT bytes at offset 0; SELECTION 0 current, 1 default, 2 saved).
 * set sends Set Feature (full transfer, HEX the feature data) in SCOPE
 * (default 3, FWCTL_RPC_DEBUG_WRITE_FULL) and prints "retval=XX".
 *
 * Exit status 0 when the RPC was delivered (whatever the device's return
 * code); when the kernel refuses it, "errno=NAME (N)" and exit status 2.
 *
 * The structures are Linux's uapi ABI, repeated here as hosts' headers may
 * not have fwctl.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hexarg.h"

#define FWCTL_TYPE 0x9A
#define FWCTL_INFO _IO(FWCTL_TYPE, 0)
#define FWCTL_RPC _IO(FWCTL_TYPE, 1)

#define CXL_MBOX_OP_GET_SUPPORTED_FEATURES 0x0500
#define CXL_MBOX_OP_GET_FEATURE 0x0501
#define CXL_MBOX_OP_SET_FEATURE 0x0502

struct fwctl_info {
    uint32_t size;
    uint32_t flags;
    uint32_t out_device_type;
    uint32_t device_data_len;
    uint64_t out_device_data;
};

struct fwctl_rpc {
    uint32_t size;
    uint32_t scope;
    uint32_t in_len;
    uint32_t out_len;
    uint64_t in;
    uint64_t out;
};

struct cxl_feat_entry {
    uint8_t uuid[16];
    uint16_t id;
    uint16_t get_feat_size;
    uint16_t set_feat_size;
    uint32_t flags;
    uint8_t get_feat_ver;
    uint8_t set_feat_ver;
    uint16_t effects;
    uint8_t reserved[18];
} __attribute__((packed));

struct fwctl_rpc_cxl_hdr {
    uint32_t opcode;
    uint32_t flags;
    uint32_t op_size;
    uint32_t reserved1;
};

struct get_sup_feats_in {
    uint32_t count;
    uint16_t start_idx;
    uint8_t reserved[2];
} __attribute__((packed));

struct get_feat_in {
    uint8_t uuid[16];
    uint16_t offset;
    uint16_t count;
    uint8_t selection;
} __attribute__((packed));

struct set_feat_in {
    uint8_t uuid[16];
    uint32_t flags;
    uint16_t offset;
    uint8_t version;
    uint8_t rsvd[9];
    uint8_t feat_data[];
} __attribute__((packed));

struct fwctl_rpc_cxl_out_hdr {
    uint32_t size;
    uint32_t retval;
};

struct get_sup_feats_out {
    uint16_t num_entries;
    uint16_t supported_feats;
    uint8_t reserved[4];
    struct cxl_feat_entry ents[];
} __attribute__((packed));

#define SET_FEAT_SAVED_ACROSS_RESET (1u << 3)
#define BUF 65536

static int fd;

static void usage(void)
{
    fprintf(stderr, "usage: cxlfwctl [-d DEV] info | features | "
            "get UUID COUNT [SEL] | set UUID VERSION HEX [SCOPE]\n");
    exit(1);
}

static void parse_uuid(const char *s, uint8_t *uuid)
{
    if (parse_hex("cxlfwctl", s, uuid, 16) != 16) {
        fprintf(stderr, "cxlfwctl: a UUID has 16 bytes\n");
        exit(1);
    }
}

/* One RPC: @in of @in_len bytes, the reply in @out; 0 or exit status 2 */
static int rpc(uint32_t scope, void *in, size_t in_len, void *out,
               size_t out_len)
{
    struct fwctl_rpc r = {
        .size = sizeof(r), .scope = scope,
        .in_len = in_len, .out_len = out_len,
        .in = (uintptr_t)in, .out = (uintptr_t)out,
    };

    if (ioctl(fd, FWCTL_RPC, &r) < 0) {
        printf("errno=%s (%d)\n", strerrorname_np(errno), errno);
        return 2;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *dev = "/dev/fwctl/fwctl0";
    uint8_t *in = calloc(1, BUF), *out = calloc(1, BUF);
    struct fwctl_rpc_cxl_hdr *h = (struct fwctl_rpc_cxl_hdr *)in;
    struct fwctl_rpc_cxl_out_hdr *oh = (struct fwctl_rpc_cxl_out_hdr *)out;
    void *payload = in + sizeof(*h);
    uint8_t *reply = out + sizeof(*oh);

    if (argc > 2 && !strcmp(argv[1], "-d")) {
        dev = argv[2];
        argc -= 2;
        argv += 2;
    }
    if (argc < 2) {
        usage();
    }
    fd = open(dev, O_RDWR);
    if (fd < 0) {
        perror(dev);
        return 1;
    }
    if (!strcmp(argv[1], "info")) {
        struct fwctl_info info = { .size = sizeof(info) };

        if (ioctl(fd, FWCTL_INFO, &info) < 0) {
            printf("errno=%s (%d)\n", strerrorname_np(errno), errno);
            return 2;
        }
        printf("type=%u\n", info.out_device_type);
        return 0;
    }
    if (!strcmp(argv[1], "features")) {
        struct get_sup_feats_in *gi = payload;
        struct get_sup_feats_out *go = (struct get_sup_feats_out *)reply;

        h->opcode = CXL_MBOX_OP_GET_SUPPORTED_FEATURES;
        h->op_size = sizeof(*gi);
        gi->count = BUF / 2;
        if (rpc(1, in, sizeof(*h) + sizeof(*gi), out, BUF)) {
            return 2;
        }
        printf("retval=%02x entries=%u supported=%u\n", oh->retval,
               go->num_entries, go->supported_feats);
        for (unsigned i = 0; i < go->num_entries; i++) {
            struct cxl_feat_entry *e = &go->ents[i];

            printf("uuid=");
            print_hex(e->uuid, 16);
            printf(" id=%u get=%u set=%u flags=%x effects=%x version=%u/%u\n",
                   e->id, e->get_feat_size, e->set_feat_size, e->flags,
                   e->effects, e->get_feat_ver, e->set_feat_ver);
        }
        return 0;
    }
    if (!strcmp(argv[1], "get") && (argc == 4 || argc == 5)) {
        struct get_feat_in *gi = payload;

        h->opcode = CXL_MBOX_OP_GET_FEATURE;
        h->op_size = sizeof(*gi);
        parse_uuid(argv[2], gi->uuid);
        gi->count = strtoul(argv[3], NULL, 0);
        gi->selection = argc == 5 ? strtoul(argv[4], NULL, 0) : 0;
        if (rpc(1, in, sizeof(*h) + sizeof(*gi), out,
                sizeof(*oh) + gi->count)) {
            return 2;
        }
        printf("retval=%02x size=%u\n", oh->retval, oh->size);
        if (oh->size) {
            printf("out=");
            print_hex(reply, oh->size);
            printf("\n");
        }
        return 0;
    }
    if (!strcmp(argv[1], "set") && (argc == 5 || argc == 6)) {
        struct set_feat_in *si = payload;
        size_t n;

        h->opcode = CXL_MBOX_OP_SET_FEATURE;
        parse_uuid(argv[2], si->uuid);
        si->version = strtoul(argv[3], NULL, 0);
        si->flags = SET_FEAT_SAVED_ACROSS_RESET;
        n = parse_hex("cxlfwctl", argv[4], si->feat_data, BUF / 2);
        h->op_size = sizeof(*si) + n;
        if (rpc(argc == 6 ? strtoul(argv[5], NULL, 0) : 3, in,
                sizeof(*h) + h->op_size, out, sizeof(*oh))) {
            return 2;
        }
        printf("retval=%02x\n", oh->retval);
        return 0;
    }
    usage();
}
