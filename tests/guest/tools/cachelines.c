/*
 * cachelines: touch a known number of 64-byte lines of a device-DAX
 * device, one aligned 8-byte access per line, for counting with perf.
 *
 *   cachelines read DEV OFFSET LINES
 *   cachelines write DEV OFFSET LINES
 *
 * Maps the device (/dev/daxX.Y) from 0 to past the last line, rounded up
 * to 2 MiB (device DAX mappings are aligned to the device's alignment,
 * 2 MiB by default), and, for each line i of LINES, loads (read) or
 * stores (write) the 64-bit word at OFFSET + 64 * i (OFFSET a multiple
 * of 64) through a volatile pointer:
 * one 8-byte access per line, each line once, nothing else of the
 * device's memory (mapping and faulting device DAX pages do not touch
 * them). A device that counts one request per line an access touches
 * counts exactly LINES. Prints "read|write LINES lines".
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define LINE 64
#define ALIGN (2ull << 20)

static volatile uint64_t sink;      /* where the loads go */

int main(int argc, char **argv)
{
    uint64_t size, off, lines;
    volatile uint64_t *w;
    int write, fd;
    void *map;

    if (argc != 5 || (strcmp(argv[1], "read") && strcmp(argv[1], "write"))) {
        fprintf(stderr, "usage: cachelines read|write DEV OFFSET LINES\n");
        return 2;
    }
    write = !strcmp(argv[1], "write");
    off = strtoull(argv[3], NULL, 0);
    lines = strtoull(argv[4], NULL, 0);
    if (off % LINE) {
        fprintf(stderr, "cachelines: OFFSET is not a multiple of %d\n", LINE);
        return 2;
    }
    size = (off + lines * LINE + ALIGN - 1) / ALIGN * ALIGN;
    fd = open(argv[2], O_RDWR);
    if (fd < 0) {
        perror(argv[2]);
        return 1;
    }
    map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        perror("cachelines: mmap");
        return 1;
    }
    w = (volatile uint64_t *)((char *)map + off);
    for (uint64_t i = 0; i < lines; i++) {
        if (write) {
            w[i * (LINE / 8)] = i;
        } else {
            sink = w[i * (LINE / 8)];
        }
    }
    printf("%s %llu lines\n", argv[1], (unsigned long long)lines);
    return 0;
}
