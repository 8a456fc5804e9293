/*
 * cxlbench: sequential bandwidth and code execution speed of guest memory,
 * CXL against ordinary RAM in the same boot.
 *
 *   cxlbench [-s MIB] [-n REPS] [-t MS] [-j THREADS] NAME=SPEC...
 *
 * SPEC is the memory to measure, SIZE bytes of it (-s, default 32 MiB):
 *   dax:/dev/daxX.Y   the device DAX device, mapped shared (a CXL region)
 *   mem:PHYS          physical memory from PHYS (page aligned) through
 *                     /dev/mem, mapped shared (CXL memory no driver
 *                     claims, e.g. dynamic capacity behind decoders that
 *                     firmware committed: STRICT_DEVMEM lets through what
 *                     is not System RAM nor claimed exclusively)
 *   node:N            anonymous memory bound to NUMA node N (mbind
 *                     MPOL_BIND; every page is checked to be on node N)
 *   anon              anonymous memory with the default policy
 *
 * REPS rounds (-n, default 5) of four measurements; each measurement runs
 * on every memory in turn, back to back, so the memories compared see the
 * same host load:
 *   read   sum of 64-bit words over the buffer, in MB/s (10^6 bytes/s)
 *   write  64-bit stores over the buffer, MB/s
 *   copy   64-bit word copy of the first half to the second half, MB/s of
 *          bytes copied (each counted once, not read + write); the
 *          destination is skewed by 32 KiB from exactly half the buffer
 *          away, or source and destination pages would share a slot in
 *          TCG's direct-mapped TLB and copying would measure its misses
 *   exec   a small position-independent loop (xor eax,eax; 1: add rax,rdi;
 *          dec rdi; jnz 1b; ret; the same in aarch64 code there) copied to the start of every 4 KiB page
 *          of the first MiB (the mapping is PROT_EXEC) and called in turn,
 *          in millions of loop iterations per second; every call's result
 *          is checked (n(n+1)/2)
 * With -j THREADS (default 1), read, write and copy run on THREADS threads
 * at once, each pinned to its own CPU (0, 1, ...) and working on its own
 * 1/THREADS of the buffer, started together; the rate is the aggregate:
 * the sum of the threads' rates. exec is measured only with one thread.
 * Each measurement runs whole chunks (64 KiB; one copy of the loop for
 * exec) until at least MS milliseconds (-t, default 400) have passed, so a
 * slow memory covers fewer bytes in about the same time; the rate is the
 * work done divided by the time it took. Every page is touched (written)
 * once before the first round: page faults and first-touch costs are not
 * measured.
 *
 * Output: "result NAME METRIC UNIT V1 ... VREPS" per memory and metric,
 * then "median NAME METRIC VALUE UNIT" and, for every memory after the
 * first, "ratio NAME/FIRST METRIC R": the median of the per-round ratios
 * to the first memory (the reference), measured back to back.
 * Exit status 0 when every measurement ran and every check held.
 *
 * Built statically on the host (tests/perf/bench.py through
 * tests/guest/run.py's TOOLS) and run in the guest.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096ul
#define CHUNK (64ul << 10)
#define MAX_MEMS 8
#define MAX_REPS 15
#define MPOL_BIND 2
#define MPOL_F_NODE 1
#define MPOL_F_ADDR 2
#define EXEC_AREA (1ul << 20)
#define EXEC_ITERS 20000ul
#define MAX_THREADS 64

enum { READ, WRITE, COPY, EXEC, NR_METRICS };
static const char *metric_name[NR_METRICS] = { "read", "write", "copy", "exec" };
static const char *metric_unit[NR_METRICS] = { "MB/s", "MB/s", "MB/s", "Mloop/s" };

/* the loop: returns 1 + 2 + ... + n for n = rdi > 0 */
#if defined(__aarch64__)
static const uint32_t loop_code[] = {
    0xaa0003e1,             /* mov  x1, x0 */
    0xd2800000,             /* mov  x0, #0 */
    0x8b010000,             /* 1: add x0, x0, x1 */
    0xf1000421,             /* subs x1, x1, #1 */
    0x54ffffc1,             /* b.ne 1b */
    0xd65f03c0,             /* ret */
};
#else
static const uint8_t loop_code[] = {
    0x31, 0xc0,             /* xor  %eax,%eax */
    0x48, 0x01, 0xf8,       /* 1: add %rdi,%rax */
    0x48, 0xff, 0xcf,       /* dec  %rdi */
    0x75, 0xf8,             /* jnz  1b */
    0xc3,                   /* ret */
};
#endif

struct mem {
    const char *name, *spec;
    volatile uint64_t *buf;
    double v[NR_METRICS][MAX_REPS];
};

static size_t size = 32ul << 20;
static double budget = 0.4;
static int nthreads = 1;
static volatile uint64_t sink;

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void die(const char *what, const char *name)
{
    fprintf(stderr, "cxlbench: %s: %s: %s\n", name, what, strerror(errno));
    exit(1);
}

static volatile uint64_t *map_mem(struct mem *m)
{
    void *p;

    if (!strncmp(m->spec, "dax:", 4) || !strncmp(m->spec, "mem:", 4)) {
        int mem = m->spec[0] == 'm';
        const char *path = mem ? "/dev/mem" : m->spec + 4;
        off_t phys = mem ? (off_t)strtoull(m->spec + 4, NULL, 0) : 0;
        int fd = open(path, O_RDWR);

        if (fd < 0) {
            die("open", path);
        }
        p = mmap(NULL, size, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_SHARED, fd, phys);
        if (p == MAP_FAILED) {
            die("mmap", m->spec);
        }
        close(fd);
    } else if (!strncmp(m->spec, "node:", 5) || !strcmp(m->spec, "anon")) {
        p = mmap(NULL, size, PROT_READ | PROT_WRITE | PROT_EXEC,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            die("mmap", m->name);
        }
        if (m->spec[0] == 'n') {
            unsigned long node = strtoul(m->spec + 5, NULL, 0);
            unsigned long mask[16] = { 0 };

            if (node >= 16 * 64) {
                fprintf(stderr, "cxlbench: node %lu out of range\n", node);
                exit(2);
            }
            mask[node / 64] = 1ul << (node % 64);
            if (syscall(SYS_mbind, p, size, MPOL_BIND, mask, 16 * 64, 0)) {
                die("mbind", m->name);
            }
        }
    } else {
        fprintf(stderr, "cxlbench: %s: unknown memory '%s'\n", m->name, m->spec);
        exit(2);
    }
    /* first touch: fault every page in */
    for (size_t off = 0; off < size; off += PAGE) {
        ((volatile uint64_t *)p)[off / 8] = off;
    }
    if (!strncmp(m->spec, "node:", 5)) {
        long want = strtol(m->spec + 5, NULL, 0);

        for (size_t off = 0; off < size; off += PAGE) {
            int node = -1;

            if (syscall(SYS_get_mempolicy, &node, NULL, 0, (char *)p + off,
                        MPOL_F_NODE | MPOL_F_ADDR)) {
                die("get_mempolicy", m->name);
            }
            if (node != want) {
                fprintf(stderr, "cxlbench: %s: page at +0x%zx is on node %d\n",
                        m->name, off, node);
                exit(1);
            }
        }
    }
    return p;
}

/*
 * The loops use volatile 64-bit accesses, unrolled by 8: the compiler
 * emits exactly one 8-byte load or store per word, the same for every
 * memory (no vectorising, no library memcpy whose strategy could differ).
 */
static uint64_t read_chunk(volatile uint64_t *p, size_t words)
{
    uint64_t s = 0;

    for (size_t i = 0; i < words; i += 8) {
        s += p[i] + p[i + 1] + p[i + 2] + p[i + 3] +
             p[i + 4] + p[i + 5] + p[i + 6] + p[i + 7];
    }
    return s;
}

static void write_chunk(volatile uint64_t *p, size_t words, uint64_t v)
{
    for (size_t i = 0; i < words; i += 8) {
        p[i] = v; p[i + 1] = v; p[i + 2] = v; p[i + 3] = v;
        p[i + 4] = v; p[i + 5] = v; p[i + 6] = v; p[i + 7] = v;
    }
}

static void copy_chunk(volatile uint64_t *d, volatile uint64_t *s, size_t words)
{
    for (size_t i = 0; i < words; i += 8) {
        d[i] = s[i]; d[i + 1] = s[i + 1]; d[i + 2] = s[i + 2]; d[i + 3] = s[i + 3];
        d[i + 4] = s[i + 4]; d[i + 5] = s[i + 5]; d[i + 6] = s[i + 6]; d[i + 7] = s[i + 7];
    }
}

/*
 * Run chunks in @len bytes at @b until the budget is spent; MB/s. Copy
 * copies the first half of the slice to its second half.
 */
static double bandwidth(struct mem *m, volatile uint64_t *b, size_t len,
                        int metric, uint64_t round)
{
    size_t span = metric == COPY ? len / 2 - CHUNK : len, off = 0, done = 0;
    size_t dst = len / 2 + CHUNK / 2;       /* see "copy" above */
    uint64_t s = 0;
    double t0 = now(), t;

    do {
        switch (metric) {
        case READ:
            s += read_chunk(b + off / 8, CHUNK / 8);
            break;
        case WRITE:
            write_chunk(b + off / 8, CHUNK / 8, round * 0x0101010101010101ull);
            break;
        case COPY:
            copy_chunk(b + (dst + off) / 8, b + off / 8, CHUNK / 8);
            break;
        }
        done += CHUNK;
        off = (off + CHUNK) % span;
        t = now() - t0;
    } while (t < budget);
    sink = s;
    if (metric == COPY) {
        /* the last chunk copied arrived */
        size_t last = (off ? off : span) - 8;

        if (b[(dst + last) / 8] != b[last / 8]) {
            fprintf(stderr, "cxlbench: %s: copy mismatch at +0x%zx\n", m->name,
                    (size_t)((volatile char *)b - (volatile char *)m->buf) + last);
            exit(1);
        }
    }
    return done / t / 1e6;
}

struct worker {
    pthread_t thread;
    struct mem *m;
    int metric, cpu;
    uint64_t round;
    volatile uint64_t *b;
    size_t len;
    double rate;
};

static pthread_barrier_t start;

static void *worker_run(void *opaque)
{
    struct worker *w = opaque;
    cpu_set_t set;

    CPU_ZERO(&set);
    CPU_SET(w->cpu, &set);
    if (sched_setaffinity(0, sizeof(set), &set)) {
        die("sched_setaffinity", w->m->name);
    }
    pthread_barrier_wait(&start);
    w->rate = bandwidth(w->m, w->b, w->len, w->metric, w->round);
    return NULL;
}

/* the aggregate MB/s of nthreads threads, each on its slice */
static double bandwidth_all(struct mem *m, int metric, uint64_t round)
{
    struct worker w[MAX_THREADS];
    size_t slice = size / nthreads;
    double total = 0;

    if (nthreads == 1) {
        return bandwidth(m, m->buf, size, metric, round);
    }
    pthread_barrier_init(&start, NULL, nthreads);
    for (int i = 0; i < nthreads; i++) {
        w[i] = (struct worker){ .m = m, .metric = metric, .cpu = i, .round = round,
                                .b = m->buf + i * slice / 8, .len = slice };
        if (i && pthread_create(&w[i].thread, NULL, worker_run, &w[i])) {
            die("pthread_create", m->name);
        }
    }
    worker_run(&w[0]);
    for (int i = 0; i < nthreads; i++) {
        if (i) {
            pthread_join(w[i].thread, NULL);
        }
        total += w[i].rate;
    }
    pthread_barrier_destroy(&start);
    return total;
}

static double exec_rate(struct mem *m)
{
    uint8_t *area = (uint8_t *)m->buf;
    size_t copies = (EXEC_AREA < size ? EXEC_AREA : size) / PAGE, i = 0;
    uint64_t iters = 0;
    double t0, t;

    for (size_t c = 0; c < copies; c++) {
        memcpy(area + c * PAGE, loop_code, sizeof(loop_code));
    }
    __builtin___clear_cache((char *)area, (char *)area + copies * PAGE);
    for (size_t c = 0; c < copies; c++) {       /* translate/fetch once */
        uint64_t (*fn)(uint64_t) = (uint64_t (*)(uint64_t))(area + c * PAGE);

        if (fn(3) != 6) {
            fprintf(stderr, "cxlbench: %s: the loop at page %zu returned a wrong sum\n",
                    m->name, c);
            exit(1);
        }
    }
    t0 = now();
    do {
        uint64_t (*fn)(uint64_t) = (uint64_t (*)(uint64_t))(area + i * PAGE);

        if (fn(EXEC_ITERS) != EXEC_ITERS * (EXEC_ITERS + 1) / 2) {
            fprintf(stderr, "cxlbench: %s: the loop at page %zu returned a wrong sum\n",
                    m->name, i);
            exit(1);
        }
        iters += EXEC_ITERS;
        i = (i + 1) % copies;
        t = now() - t0;
    } while (t < budget);
    return iters / t / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double median(const double *v, int n)
{
    double s[MAX_REPS];

    memcpy(s, v, n * sizeof(*v));
    qsort(s, n, sizeof(*s), cmp_double);
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    struct mem mems[MAX_MEMS];
    int nmem = 0, reps = 5, opt, nr_metrics;

    while ((opt = getopt(argc, argv, "s:n:t:j:")) != -1) {
        switch (opt) {
        case 's':
            size = strtoull(optarg, NULL, 0) << 20;
            break;
        case 'n':
            reps = atoi(optarg);
            break;
        case 't':
            budget = atof(optarg) / 1000;
            break;
        case 'j':
            nthreads = atoi(optarg);
            break;
        default:
            goto usage;
        }
    }
    if (optind >= argc || argc - optind > MAX_MEMS || reps < 1 || reps > MAX_REPS ||
        size < 4 * CHUNK || size % (2 * CHUNK) || budget <= 0 ||
        nthreads < 1 || nthreads > MAX_THREADS || size / nthreads < 4 * CHUNK ||
        size % (2 * CHUNK * nthreads)) {
        goto usage;
    }
    for (int i = optind; i < argc; i++) {
        struct mem *m = &mems[nmem++];
        char *eq = strchr(argv[i], '=');

        if (!eq) {
            goto usage;
        }
        *eq = 0;
        m->name = argv[i];
        m->spec = eq + 1;
        m->buf = map_mem(m);
    }
    nr_metrics = nthreads > 1 ? EXEC : NR_METRICS;
    for (int r = 0; r < reps; r++) {
        for (int metric = 0; metric < nr_metrics; metric++) {
            for (int k = 0; k < nmem; k++) {
                mems[k].v[metric][r] = metric == EXEC ? exec_rate(&mems[k])
                                       : bandwidth_all(&mems[k], metric, r + 1);
            }
        }
    }
    for (int k = 0; k < nmem; k++) {
        for (int metric = 0; metric < nr_metrics; metric++) {
            printf("result %s %s %s", mems[k].name, metric_name[metric], metric_unit[metric]);
            for (int r = 0; r < reps; r++) {
                printf(" %.3f", mems[k].v[metric][r]);
            }
            printf("\n");
        }
    }
    for (int k = 0; k < nmem; k++) {
        for (int metric = 0; metric < nr_metrics; metric++) {
            printf("median %s %s %.3f %s\n", mems[k].name, metric_name[metric],
                   median(mems[k].v[metric], reps), metric_unit[metric]);
        }
    }
    for (int k = 1; k < nmem; k++) {
        for (int metric = 0; metric < nr_metrics; metric++) {
            double q[MAX_REPS];

            for (int r = 0; r < reps; r++) {
                q[r] = mems[k].v[metric][r] / mems[0].v[metric][r];
            }
            printf("ratio %s/%s %s %.4f\n", mems[k].name, mems[0].name, metric_name[metric],
                   median(q, reps));
        }
    }
    return 0;

usage:
    fprintf(stderr, "usage: cxlbench [-s MIB] [-n REPS] [-t MS] [-j THREADS] "
            "NAME=dax:/dev/daxX.Y|mem:PHYS|node:N|anon...\n"
            "  (MIB >= 1, REPS 1..%d, THREADS 1..%d, at most %d memories;\n"
            "   each thread's slice is a multiple of 128 KiB)\n", MAX_REPS, MAX_THREADS, MAX_MEMS);
    return 2;
}
