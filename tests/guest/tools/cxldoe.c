/*
 * cxldoe: one DOE (PCIe r6.0 6.30) exchange with a PCI device's first DOE
 * mailbox, through its configuration space in sysfs, as a compliance tool
 * would reach the CXL Compliance DOE when the kernel offers no interface
 * for it (Linux's drivers/pci/doe.c keeps its mailboxes to itself).
 *
 *   cxldoe BDF VENDOR TYPE [HEX]
 *
 * BDF is the device (e.g. 0000:0d:00.0), VENDOR and TYPE (hex) the data
 * object's protocol, HEX the bytes after the 8-byte DOE header (padded
 * with zeros to whole dwords; the header's length is computed). Prints
 * "rsp=HEX", the whole response object, header included; "none" and exit
 * status 3 when no response comes within a second (a request the device
 * discarded); "error" and exit status 4 when the mailbox sets DOE Error.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hexarg.h"

#define EXT_CAP_DOE     0x2e
#define DOE_CTRL        0x08
#define   DOE_ABORT         0x1u
#define   DOE_GO            0x80000000u
#define DOE_STATUS      0x0c
#define   DOE_BUSY          0x1u
#define   DOE_ERROR         0x4u
#define   DOE_READY         0x80000000u
#define DOE_WRITE       0x10
#define DOE_READ        0x14
#define MAX_DW          256

static int fd;

/* Little-endian dword accesses: a 4-byte aligned access is one dword */
static uint32_t rd(unsigned off)
{
    uint8_t b[4];

    if (pread(fd, b, 4, off) != 4) {
        fprintf(stderr, "cxldoe: config read at 0x%x: %s\n", off,
                strerror(errno));
        exit(1);
    }
    return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

static void wr(unsigned off, uint32_t v)
{
    uint8_t b[4] = { v, v >> 8, v >> 16, v >> 24 };

    if (pwrite(fd, b, 4, off) != 4) {
        fprintf(stderr, "cxldoe: config write at 0x%x: %s\n", off,
                strerror(errno));
        exit(1);
    }
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The first DOE extended capability, 0 if none */
static unsigned find_doe(void)
{
    unsigned off = 0x100;

    for (int i = 0; off && i < 64; i++) {
        uint32_t hdr = rd(off);

        if ((hdr & 0xffff) == EXT_CAP_DOE) {
            return off;
        }
        off = hdr >> 20;
    }
    return 0;
}

int main(int argc, char **argv)
{
    uint8_t body[MAX_DW * 4] = { 0 };
    uint32_t rsp[MAX_DW];
    size_t n = 0;
    unsigned doe, len_dw, rsp_len;
    uint32_t st;
    char path[256];
    double t0;

    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: cxldoe BDF VENDOR TYPE [HEX]\n");
        return 1;
    }
    if (argc == 5) {
        n = parse_hex("cxldoe", argv[4], body, sizeof(body) - 8);
    }
    snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", argv[1]);
    fd = open(path, O_RDWR);
    if (fd < 0) {
        fprintf(stderr, "cxldoe: %s: %s\n", path, strerror(errno));
        return 1;
    }
    doe = find_doe();
    if (!doe) {
        fprintf(stderr, "cxldoe: %s has no DOE capability\n", argv[1]);
        return 1;
    }
    /* a response nobody read, or an error: start afresh */
    if (rd(doe + DOE_STATUS) & (DOE_READY | DOE_ERROR)) {
        wr(doe + DOE_CTRL, DOE_ABORT);
    }
    len_dw = 2 + (n + 3) / 4;
    wr(doe + DOE_WRITE, strtoul(argv[2], NULL, 16) |
                        strtoul(argv[3], NULL, 16) << 16);
    wr(doe + DOE_WRITE, len_dw);
    for (unsigned i = 0; i < len_dw - 2; i++) {
        uint8_t *b = body + 4 * i;

        wr(doe + DOE_WRITE, b[0] | b[1] << 8 | b[2] << 16 |
                            (uint32_t)b[3] << 24);
    }
    wr(doe + DOE_CTRL, DOE_GO);
    t0 = now();
    while (!((st = rd(doe + DOE_STATUS)) & (DOE_READY | DOE_ERROR))) {
        if (now() - t0 > 1.0) {
            printf("none\n");
            return 3;
        }
        usleep(1000);
    }
    if (st & DOE_ERROR) {
        wr(doe + DOE_CTRL, DOE_ABORT);
        printf("error\n");
        return 4;
    }
    for (rsp_len = 0; rsp_len < MAX_DW; rsp_len++) {
        if (rsp_len >= 2 && rsp_len >= (rsp[1] & 0x3ffff)) {
            break;
        }
        if (!(rd(doe + DOE_STATUS) & DOE_READY)) {
            break;
        }
        rsp[rsp_len] = rd(doe + DOE_READ);
        wr(doe + DOE_READ, 0);
    }
    printf("rsp=");
    for (unsigned i = 0; i < rsp_len; i++) {
        uint8_t b[4] = { rsp[i], rsp[i] >> 8, rsp[i] >> 16, rsp[i] >> 24 };

        print_hex(b, 4);
    }
    printf("\n");
    return 0;
}
