/*
 * cxlmboxbench: mailbox commands per second from a guest program through
 * Linux's CXL_MEM_SEND_COMMAND ioctl (include/uapi/linux/cxl_mem.h), the
 * path user-space tools take.
 *
 *   cxlmboxbench [-d DEV] [-t MS] [-r]
 *
 * For each of Identify Memory Device (4000h), Get Health Info (4200h) and
 * Get Log (0401h) of the whole Command Effects Log, issues the command as
 * often as it can for MS milliseconds (default 1000) on DEV (default
 * /dev/cxl/mem0) and prints
 *     result guest-OPCODE COMMANDS SECONDS RATE
 * Without -r it uses the kernel's own command numbers (IDENTIFY,
 * GET_HEALTH_INFO, GET_LOG), which every kernel with the CXL driver
 * allows; with -r the raw path (CXL_MEM_COMMAND_ID_RAW, only with
 * CONFIG_CXL_MEM_RAW_COMMANDS). The CEL's size comes from Get Supported
 * Logs first. Every command must succeed with the same output size as the
 * first; otherwise the tool says why and exits 1.
 *
 * The structures are Linux's uapi ABI, in
 * tests/guest/tools/cxl-mem-uapi.h.
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
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "../guest/tools/cxl-mem-uapi.h"

/* the kernel's command numbers (enum in include/uapi/linux/cxl_mem.h) */
#define ID_IDENTIFY             1
#define ID_GET_SUPPORTED_LOGS   3
#define ID_GET_HEALTH_INFO      7
#define ID_GET_LOG              8

static const uint8_t cel_uuid[16] = {
    0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78,
    0x8f, 0x79, 0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17,
};

static int fd;
static int raw;
static uint8_t outbuf[1 << 20];

/* Send kernel command @id (or raw @opcode with -r); output size, or -1 */
static long send(uint32_t id, uint16_t opcode, const void *in, uint32_t in_len,
                 uint32_t out_room, const char *what)
{
    struct cxl_send_command c = {
        .id = raw ? CXL_MEM_COMMAND_ID_RAW : id,
        .in = { .size = in_len, .payload = (uintptr_t)in },
        .out = { .size = out_room, .payload = (uintptr_t)outbuf },
    };

    if (raw) {
        c.raw.opcode = opcode;
    }
    if (ioctl(fd, CXL_MEM_SEND_COMMAND, &c) < 0) {
        fprintf(stderr, "%s (%04x): ioctl: %s\n", what, opcode, strerror(errno));
        return -1;
    }
    if (c.retval) {
        fprintf(stderr, "%s (%04x): return code %02x\n", what, opcode, c.retval);
        return -1;
    }
    return c.out.size;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int bench(uint32_t id, uint16_t opcode, const void *in, uint32_t in_len,
                 uint32_t out_room, const char *what, double secs)
{
    long first = send(id, opcode, in, in_len, out_room, what), size;
    double start = now(), t;
    unsigned long n = 0;

    if (first < 0) {
        return 1;
    }
    do {
        for (int i = 0; i < 16; i++) {
            size = send(id, opcode, in, in_len, out_room, what);
            if (size != first) {
                if (size >= 0) {
                    fprintf(stderr, "%s (%04x): %ld bytes out, first %ld\n",
                            what, opcode, size, first);
                }
                return 1;
            }
        }
        n += 16;
        t = now() - start;
    } while (t < secs);
    printf("result guest-%04x %lu %.3f %.0f\n", opcode, n, t, n / t);
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    const char *dev = "/dev/cxl/mem0";
    double secs = 1.0;
    uint8_t getlog[24];
    uint32_t cel_size = 0;
    long len;
    int opt, rc;

    while ((opt = getopt(argc, argv, "d:t:r")) != -1) {
        switch (opt) {
        case 'd':
            dev = optarg;
            break;
        case 't':
            secs = atoi(optarg) / 1000.0;
            break;
        case 'r':
            raw = 1;
            break;
        default:
            fprintf(stderr, "usage: cxlmboxbench [-d DEV] [-t MS] [-r]\n");
            return 2;
        }
    }
    fd = open(dev, O_RDWR);
    if (fd < 0) {
        perror(dev);
        return 1;
    }
    /* the CEL's size: Get Supported Logs, entries of UUID + size from 8 */
    len = send(ID_GET_SUPPORTED_LOGS, 0x0400, NULL, 0, 4096, "Get Supported Logs");
    if (len < 8) {
        return 1;
    }
    for (unsigned i = 0; i < (outbuf[0] | outbuf[1] << 8) && 8 + 20 * (i + 1) <= len; i++) {
        if (!memcmp(outbuf + 8 + 20 * i, cel_uuid, 16)) {
            memcpy(&cel_size, outbuf + 8 + 20 * i + 16, 4);
        }
    }
    if (!cel_size) {
        fprintf(stderr, "no Command Effects Log\n");
        return 1;
    }
    printf("cel %u bytes\n", cel_size);
    memcpy(getlog, cel_uuid, 16);
    memset(getlog + 16, 0, 4);
    memcpy(getlog + 20, &cel_size, 4);
    rc = bench(ID_IDENTIFY, 0x4000, NULL, 0, 0x45, "Identify Memory Device", secs) ||
         bench(ID_GET_HEALTH_INFO, 0x4200, NULL, 0, 0x12, "Get Health Info", secs) ||
         bench(ID_GET_LOG, 0x0401, getlog, sizeof(getlog), cel_size, "Get Log", secs);
    return rc;
}
