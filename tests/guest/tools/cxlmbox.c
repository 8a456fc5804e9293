/*
 * cxlmbox: send mailbox commands to a CXL memory device through Linux's
 * CXL_MEM_SEND_COMMAND ioctl (include/uapi/linux/cxl_mem.h).
 *
 *   cxlmbox [-d DEV] query
 *   cxlmbox [-d DEV] send ID [-o OUTSIZE] [HEX]
 *   cxlmbox [-d DEV] raw OPCODE [-o OUTSIZE] [HEX]
 *
 * DEV defaults to /dev/cxl/mem0. query lists the commands the kernel
 * knows, one per line: "id=N flags=F in=I out=O" (flags: 1 enabled,
 * 2 exclusive to the kernel; sizes in hex, ffffffff: variable).
 *
 * send issues the kernel's command number ID (the CXL_MEM_COMMAND_ID_*
 * enum); raw sends OPCODE (hex) as CXL_MEM_COMMAND_ID_RAW, which the
 * kernel only allows with CONFIG_CXL_MEM_RAW_COMMANDS and not for the
 * opcodes it keeps for itself. HEX is the input payload as hex digits
 * (spaces and dots ignored: "00112233", "0011 2233"); OUTSIZE the output
 * room in bytes (default 256; the kernel caps it at the mailbox size).
 *
 * Output, when the ioctl succeeded (the device ran the command):
 *     retval=XX size=N
 *     out=HEX          (the N output bytes, if any)
 * and exit status 0 whatever the device's return code XX (hex, CXL r3.1
 * Table 8-34). When the ioctl fails (the kernel refused the command or the
 * transport failed) it prints "errno=NAME (N)" and exits with 2, so the
 * kernel's refusals are told apart from the device's return codes.
 *
 * The structures are Linux's uapi ABI, in cxl-mem-uapi.h.
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

#include "cxl-mem-uapi.h"
#include "hexarg.h"

#define MAX_PAYLOAD (1024 * 1024)

static void usage(void)
{
    fprintf(stderr, "usage: cxlmbox [-d DEV] query\n"
            "       cxlmbox [-d DEV] send ID [-o OUTSIZE] [HEX]\n"
            "       cxlmbox [-d DEV] raw OPCODE [-o OUTSIZE] [HEX]\n");
    exit(1);
}

static int query(int fd)
{
    struct cxl_mem_query_commands hdr = { 0 }, *q;

    if (ioctl(fd, CXL_MEM_QUERY_COMMANDS, &hdr) < 0) {
        printf("errno=%s (%d)\n", strerrorname_np(errno), errno);
        return 2;
    }
    q = calloc(1, sizeof(*q) + hdr.n_commands * sizeof(q->commands[0]));
    q->n_commands = hdr.n_commands;
    if (ioctl(fd, CXL_MEM_QUERY_COMMANDS, q) < 0) {
        printf("errno=%s (%d)\n", strerrorname_np(errno), errno);
        return 2;
    }
    for (uint32_t i = 0; i < q->n_commands; i++) {
        printf("id=%u flags=%x in=%x out=%x\n", q->commands[i].id,
               q->commands[i].flags, q->commands[i].size_in,
               q->commands[i].size_out);
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *dev = "/dev/cxl/mem0";
    struct cxl_send_command cmd = { 0 };
    uint8_t *in, *out;
    size_t in_len = 0;
    uint32_t out_size = 256;
    int fd, raw;
    char *end;

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
    if (!strcmp(argv[1], "query")) {
        return query(fd);
    }
    if (argc < 3 || (strcmp(argv[1], "send") && strcmp(argv[1], "raw"))) {
        usage();
    }
    raw = !strcmp(argv[1], "raw");
    if (raw) {
        cmd.id = CXL_MEM_COMMAND_ID_RAW;
        cmd.raw.opcode = strtoul(argv[2], &end, 16);
    } else {
        cmd.id = strtoul(argv[2], &end, 0);
    }
    if (*end) {
        usage();
    }
    argc -= 3;
    argv += 3;
    if (argc >= 2 && !strcmp(argv[0], "-o")) {
        out_size = strtoul(argv[1], &end, 0);
        if (*end || out_size > MAX_PAYLOAD) {
            usage();
        }
        argc -= 2;
        argv += 2;
    }
    in = calloc(1, MAX_PAYLOAD);
    out = calloc(1, MAX_PAYLOAD);
    if (argc == 1) {
        in_len = parse_hex("cxlmbox", argv[0], in, MAX_PAYLOAD);
    } else if (argc) {
        usage();
    }
    cmd.in.size = in_len;
    cmd.in.payload = (uintptr_t)in;
    cmd.out.size = out_size;
    cmd.out.payload = (uintptr_t)out;
    if (ioctl(fd, CXL_MEM_SEND_COMMAND, &cmd) < 0) {
        printf("errno=%s (%d)\n", strerrorname_np(errno), errno);
        return 2;
    }
    printf("retval=%02x size=%u\n", cmd.retval, cmd.out.size);
    if (cmd.out.size) {
        printf("out=");
        print_hex(out, cmd.out.size);
        printf("\n");
    }
    return 0;
}
