/*
 * daxpoke: write or check a pattern through a device-DAX character device.
 *
 *   daxpoke write DEV OFFSET LEN SEED
 *   daxpoke check DEV OFFSET LEN SEED
 *
 * Device DAX only supports mmap, so shell tools cannot reach it. daxpoke
 * maps the whole device and writes (or compares) LEN bytes at OFFSET (both
 * multiples of 8): the 64-bit little-endian word at device offset x is
 *     x ^ (SEED * 0x9e3779b97f4a7c15)
 * so a host that knows where the device's bytes live can check them.
 * Exit status 0 on success; check prints the first mismatch.
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

static uint64_t dev_size(const char *dev)
{
    char path[256], *name = strrchr(dev, '/');
    unsigned long long size = 0;
    FILE *f;

    snprintf(path, sizeof(path), "/sys/bus/dax/devices/%s/size",
             name ? name + 1 : dev);
    f = fopen(path, "r");
    if (!f || fscanf(f, "%llu", &size) != 1) {
        perror(path);
        exit(1);
    }
    fclose(f);
    return size;
}

int main(int argc, char **argv)
{
    uint64_t off, len, seed, size, k;
    volatile uint64_t *map;
    int fd, write_mode;

    if (argc != 6 || (strcmp(argv[1], "write") && strcmp(argv[1], "check"))) {
        fprintf(stderr, "usage: daxpoke write|check DEV OFFSET LEN SEED\n");
        return 2;
    }
    write_mode = !strcmp(argv[1], "write");
    off = strtoull(argv[3], NULL, 0);
    len = strtoull(argv[4], NULL, 0);
    seed = strtoull(argv[5], NULL, 0);
    size = dev_size(argv[2]);
    if ((off | len) % 8 || off > size || len > size - off) {
        fprintf(stderr, "daxpoke: bad range 0x%llx+0x%llx (size 0x%llx)\n",
                (unsigned long long)off, (unsigned long long)len,
                (unsigned long long)size);
        return 2;
    }
    fd = open(argv[2], O_RDWR);
    if (fd < 0) {
        perror(argv[2]);
        return 1;
    }
    map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        perror("daxpoke: mmap");
        return 1;
    }
    k = seed * 0x9e3779b97f4a7c15ull;
    for (uint64_t x = off; x < off + len; x += 8) {
        if (write_mode) {
            map[x / 8] = x ^ k;
        } else if (map[x / 8] != (x ^ k)) {
            printf("mismatch at 0x%llx: 0x%016llx, expected 0x%016llx\n",
                   (unsigned long long)x, (unsigned long long)map[x / 8],
                   (unsigned long long)(x ^ k));
            return 1;
        }
    }
    printf("%s 0x%llx bytes at 0x%llx\n", write_mode ? "wrote" : "checked",
           (unsigned long long)len, (unsigned long long)off);
    return 0;
}
