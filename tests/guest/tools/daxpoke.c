/*
 * daxpoke: write or check a pattern through a device-DAX character device.
 *
 *   daxpoke write DEV OFFSET LEN SEED
 *   daxpoke check DEV OFFSET LEN SEED
 *   daxpoke zero DEV OFFSET LEN
 *   daxpoke ones DEV OFFSET LEN
 *   daxpoke dma-in DEV OFFSET LEN DISK DISKOFF
 *   daxpoke dma-out DEV OFFSET LEN DISK DISKOFF
 *   daxpoke exec DEV OFFSET VALUE
 *   daxpoke call DEV OFFSET VALUE
 *
 * Device DAX only supports mmap, so shell tools cannot reach it. daxpoke
 * maps the whole device and writes (or compares) LEN bytes at OFFSET (both
 * multiples of 8): the 64-bit little-endian word at device offset x is
 *     x ^ (SEED * 0x9e3779b97f4a7c15)
 * so a host that knows where the device's bytes live can check them.
 * Exit status 0 on success; check prints the first mismatch. zero checks
 * that the LEN bytes at OFFSET are all zero, ones that they are all ones.
 *
 * DEV may also be mem:PHYS+SIZE: SIZE bytes of physical memory from
 * PHYS, mapped through /dev/mem (memory no driver claims, such as CXL
 * capacity that firmware decodes and Linux leaves alone; PHYS and SIZE
 * page aligned), OFFSET counting from PHYS.
 *
 * dma-in reads LEN bytes of the block device DISK at DISKOFF into the DAX
 * device at OFFSET, dma-out writes them the other way, both with O_DIRECT:
 * the disk's controller (virtio-blk, say) moves the data to or from the
 * DAX device's memory by DMA. Offsets and LEN: multiples of 4 KiB.
 *
 * exec writes, at OFFSET, code returning VALUE (x86-64: movabs rax, VALUE;
 * ret; aarch64: movz/movk x0 with its four halfwords; ret), then calls it; call only calls what is there. Both fail unless the
 * call returns VALUE: code run from the device's memory must be the code
 * last written there, however it was written.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* mem:PHYS+SIZE: true, with @phys and @size set */
static int mem_spec(const char *dev, uint64_t *phys, uint64_t *size)
{
    char *end;

    if (strncmp(dev, "mem:", 4)) {
        return 0;
    }
    *phys = strtoull(dev + 4, &end, 0);
    if (*end != '+') {
        fprintf(stderr, "daxpoke: %s: expected mem:PHYS+SIZE\n", dev);
        exit(2);
    }
    *size = strtoull(end + 1, NULL, 0);
    return 1;
}

static uint64_t dev_size(const char *dev)
{
    char path[256], *name = strrchr(dev, '/');
    unsigned long long size = 0;
    uint64_t phys, msize;
    FILE *f;

    if (mem_spec(dev, &phys, &msize)) {
        return msize;
    }
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

/* O_DIRECT transfer between the disk and the mapped DAX device */
static int dma(int in, const char *disk, uint8_t *buf, uint64_t len,
               uint64_t diskoff)
{
    int fd = open(disk, (in ? O_RDONLY : O_WRONLY) | O_DIRECT);
    uint64_t done = 0;

    if (fd < 0) {
        perror(disk);
        return 1;
    }
    while (done < len) {
        ssize_t n = in ? pread(fd, buf + done, len - done, diskoff + done)
                       : pwrite(fd, buf + done, len - done, diskoff + done);

        if (n <= 0) {
            perror(in ? "daxpoke: read" : "daxpoke: write");
            return 1;
        }
        done += n;
    }
    if (!in && fsync(fd)) {
        perror("daxpoke: fsync");
        return 1;
    }
    close(fd);
    printf("%s 0x%llx bytes by DMA\n", in ? "read" : "wrote",
           (unsigned long long)len);
    return 0;
}

/* Map all of @dev (@size bytes); exits on failure */
static volatile uint64_t *map_dev(const char *dev, uint64_t size, int prot)
{
    uint64_t phys = 0, msize;
    int mem = mem_spec(dev, &phys, &msize);
    int fd = open(mem ? "/dev/mem" : dev, O_RDWR);
    void *map;

    if (fd < 0) {
        perror(mem ? "/dev/mem" : dev);
        exit(1);
    }
    map = mmap(NULL, size, prot, MAP_SHARED, fd, phys);
    if (map == MAP_FAILED) {
        perror("daxpoke: mmap");
        exit(1);
    }
    close(fd);
    return map;
}

/* exec / call: run the code at @code, expecting @value */
static int run_code(uint8_t *code, int write, uint64_t value)
{
    uint64_t (*fn)(void) = (uint64_t (*)(void))code;
    uint64_t got;

    if (write) {
#if defined(__aarch64__)
        uint32_t insn[5];

        for (int hw = 0; hw < 4; hw++) {    /* movz x0 / movk x0, #imm, lsl */
            insn[hw] = (hw ? 0xf2800000u : 0xd2800000u) | hw << 21 |
                       (uint32_t)((value >> (16 * hw)) & 0xffff) << 5;
        }
        insn[4] = 0xd65f03c0u;              /* ret */
        memcpy(code, insn, sizeof(insn));
        __builtin___clear_cache((char *)code, (char *)code + sizeof(insn));
#else
        code[0] = 0x48;                 /* movabs rax, imm64 */
        code[1] = 0xb8;
        memcpy(code + 2, &value, 8);
        code[10] = 0xc3;                /* ret */
        __builtin___clear_cache((char *)code, (char *)code + 11);
#endif
    }
    got = fn();
    if (got != value) {
        printf("the code returned 0x%llx, expected 0x%llx\n",
               (unsigned long long)got, (unsigned long long)value);
        return 1;
    }
    printf("the code returned 0x%llx\n", (unsigned long long)got);
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t off, len, seed, size, k;
    volatile uint64_t *map;
    int write_mode, dma_mode, code_mode, zero_mode, ones_mode;

    dma_mode = argc == 7 && (!strcmp(argv[1], "dma-in") ||
                             !strcmp(argv[1], "dma-out"));
    code_mode = argc == 5 && (!strcmp(argv[1], "exec") ||
                              !strcmp(argv[1], "call"));
    if (code_mode) {
        off = strtoull(argv[3], NULL, 0);
        size = dev_size(argv[2]);
        if (off % 16 || off + 16 > size) {
            fprintf(stderr, "daxpoke: cannot run code at 0x%llx of %s\n",
                    (unsigned long long)off, argv[2]);
            return 2;
        }
        map = map_dev(argv[2], size, PROT_READ | PROT_WRITE | PROT_EXEC);
        return run_code((uint8_t *)map + off, !strcmp(argv[1], "exec"),
                        strtoull(argv[4], NULL, 0));
    }
    zero_mode = argc == 5 && !strcmp(argv[1], "zero");
    ones_mode = argc == 5 && !strcmp(argv[1], "ones");
    if (!dma_mode && !zero_mode && !ones_mode &&
        (argc != 6 || (strcmp(argv[1], "write") && strcmp(argv[1], "check")))) {
        fprintf(stderr, "usage: daxpoke write|check DEV OFFSET LEN SEED\n"
                "       daxpoke zero|ones DEV OFFSET LEN\n"
                "       (DEV: a device DAX device or mem:PHYS+SIZE)\n"
                "       daxpoke dma-in|dma-out DEV OFFSET LEN DISK DISKOFF\n"
                "       daxpoke exec|call DEV OFFSET VALUE\n");
        return 2;
    }
    write_mode = !strcmp(argv[1], "write");
    off = strtoull(argv[3], NULL, 0);
    len = strtoull(argv[4], NULL, 0);
    seed = dma_mode || zero_mode || ones_mode ? 0 : strtoull(argv[5], NULL, 0);
    size = dev_size(argv[2]);
    if ((off | len) % (dma_mode ? 4096 : 8) || off > size || len > size - off) {
        fprintf(stderr, "daxpoke: bad range 0x%llx+0x%llx (size 0x%llx)\n",
                (unsigned long long)off, (unsigned long long)len,
                (unsigned long long)size);
        return 2;
    }
    map = map_dev(argv[2], size, PROT_READ | PROT_WRITE);
    if (dma_mode) {
        return dma(!strcmp(argv[1], "dma-in"), argv[5], (uint8_t *)map + off,
                   len, strtoull(argv[6], NULL, 0));
    }
    k = seed * 0x9e3779b97f4a7c15ull;
    for (uint64_t x = off; x < off + len; x += 8) {
        uint64_t want = zero_mode ? 0 : ones_mode ? ~0ull : x ^ k;

        if (write_mode) {
            map[x / 8] = want;
        } else if (map[x / 8] != want) {
            printf("mismatch at 0x%llx: 0x%016llx, expected 0x%016llx\n",
                   (unsigned long long)x, (unsigned long long)map[x / 8],
                   (unsigned long long)want);
            return 1;
        }
    }
    printf("%s 0x%llx bytes at 0x%llx\n", write_mode ? "wrote" : "checked",
           (unsigned long long)len, (unsigned long long)off);
    return 0;
}
