/*
 * memfill: fill memory of one NUMA node with a pattern a host can check.
 *
 *   memfill NODE MIB SEED
 *
 * Binds its allocations to NODE (set_mempolicy MPOL_BIND), maps MIB MiB,
 * and writes every page with a pattern derived from the page's physical
 * frame number (read from /proc/self/pagemap, so run it as root) and
 * SEED: 64-bit word i of the page at PFN p is
 *     ((p << 12) | (i * 8)) ^ (SEED * 0x9e3779b97f4a7c15)
 * It then reads every page back and checks it, checks that every page is
 * on NODE's memory (its PFN is in the range the caller can compare), and
 * prints "pages N first_pfn F last_pfn L bad B". Exit status 0 when every
 * page read back intact. With MEMFILL_HOLD set it then keeps the pages;
 * each SIGUSR1 reads them back again and prints "recheck bad B" (e.g.
 * after the guest was migrated).
 *
 * Built statically on the host (tests/guest/run.py, TOOLS) and run in the
 * guest, where there is no compiler.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096ul
#define MPOL_BIND 2

static uint64_t word(uint64_t pfn, unsigned i, uint64_t seed)
{
    return ((pfn << 12) | (i * 8ull)) ^ (seed * 0x9e3779b97f4a7c15ull);
}

/* The pages of @buf that do not hold their pattern (-1: no pagemap) */
static long check_pages(uint8_t *buf, size_t pages, int pm, uint64_t seed)
{
    long bad = 0;

    for (size_t p = 0; p < pages; p++) {
        uint64_t e, pfn, *w = (uint64_t *)(buf + p * PAGE);

        if (pread(pm, &e, 8, ((uintptr_t)w / PAGE) * 8) != 8) {
            return -1;
        }
        pfn = e & ((1ull << 55) - 1);
        for (unsigned i = 0; i < PAGE / 8; i++) {
            if (w[i] != word(pfn, i, seed)) {
                bad++;
                break;
            }
        }
    }
    return bad;
}

static volatile sig_atomic_t recheck;

static void on_usr1(int sig)
{
    recheck = 1;
}

int main(int argc, char **argv)
{
    unsigned long node, nodemask[16] = { 0 };
    size_t len, pages, bad = 0;
    uint64_t seed, first = UINT64_MAX, last = 0;
    uint8_t *buf;
    int pm;

    if (argc != 4) {
        fprintf(stderr, "usage: memfill NODE MIB SEED\n");
        return 2;
    }
    node = strtoul(argv[1], NULL, 0);
    len = strtoull(argv[2], NULL, 0) << 20;
    seed = strtoull(argv[3], NULL, 0);
    pages = len / PAGE;
    if (node >= 16 * 8 * sizeof(long)) {
        fprintf(stderr, "memfill: node %lu out of range\n", node);
        return 2;
    }
    nodemask[node / (8 * sizeof(long))] = 1ul << (node % (8 * sizeof(long)));
    if (syscall(SYS_set_mempolicy, MPOL_BIND, nodemask, 16 * 8 * sizeof(long))) {
        perror("memfill: set_mempolicy");
        return 1;
    }
    buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (buf == MAP_FAILED) {
        perror("memfill: mmap");
        return 1;
    }
    pm = open("/proc/self/pagemap", O_RDONLY);
    if (pm < 0) {
        perror("memfill: /proc/self/pagemap");
        return 1;
    }
    for (size_t p = 0; p < pages; p++) {
        uint64_t e, pfn, *w = (uint64_t *)(buf + p * PAGE);

        w[0] = 1;                   /* fault it in */
        if (pread(pm, &e, 8, ((uintptr_t)w / PAGE) * 8) != 8 ||
            !(e >> 63) || !(pfn = e & ((1ull << 55) - 1))) {
            fprintf(stderr, "memfill: no PFN for page %zu\n", p);
            return 1;
        }
        first = pfn < first ? pfn : first;
        last = pfn > last ? pfn : last;
        for (unsigned i = 0; i < PAGE / 8; i++) {
            w[i] = word(pfn, i, seed);
        }
    }
    {
        long b = check_pages(buf, pages, pm, seed);

        if (b < 0) {
            return 1;
        }
        bad = b;
    }
    printf("pages %zu first_pfn 0x%llx last_pfn 0x%llx bad %zu\n", pages,
           (unsigned long long)first, (unsigned long long)last, bad);
    fflush(stdout);
    /* keep the pages (and the pattern) until the host has looked */
    if (getenv("MEMFILL_HOLD")) {
        signal(SIGUSR1, on_usr1);
        for (;;) {
            pause();
            if (recheck) {
                recheck = 0;
                printf("recheck bad %ld\n", check_pages(buf, pages, pm, seed));
                fflush(stdout);
            }
        }
    }
    return bad ? 1 : 0;
}
