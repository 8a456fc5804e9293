#!/usr/bin/python3
"""Generate HPA/DPA translation vectors with Linux's own code.

Linux's CXL driver is the oracle for the interleave arithmetic: this script
takes the translation functions from the guest kernel's source (fetched by
scripts/fetch-oracles.sh; nothing of it is kept in this repository), builds
them into a small host program with a shim for the kernel helpers they use,
and prints vectors for every ways/granularity combination, modulo and XOR:

  M eiw eig pos dpa hpa          modulo arithmetic
  X hbiw addr folded             XOR maps of cxl_translate.c applied to addr

tests/unit/test-cxl-interleave.c checks the QEMU implementation against
them when CXL_LINUX_VECTORS names the output file.

Usage: linux-interleave-vectors.py LINUX_ORACLE_DIR OUTPUT
"""
import os
import re
import subprocess
import sys
import tempfile

FUNCS_REGION = ["cxl_validate_translation_params", "cxl_calculate_dpa_offset",
                "cxl_calculate_position", "cxl_calculate_hpa_offset"]
FUNCS_CXL_H = ["eig_to_granularity", "eiw_to_ways"]
FUNCS_ACPI = ["cxl_do_xormap_calc"]

SHIM = r"""
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
typedef uint64_t u64; typedef uint32_t u32; typedef uint16_t u16; typedef uint8_t u8;
#define EINVAL 22
#define ULLONG_MAX UINT64_MAX
#define SZ_16K 16384
#define GENMASK_ULL(h, l) ((~0ULL << (l)) & (~0ULL >> (63 - (h))))
#define GENMASK(h, l) GENMASK_ULL(h, l)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define pr_debug(...) do { } while (0)
#define EXPORT_SYMBOL_FOR_MODULES(a, b)
#define EXPORT_SYMBOL_NS_GPL(a, b)
#define EXPORT_SYMBOL_GPL(a)
static inline u64 div64_u64(u64 a, u64 b) { return a / b; }
static inline u64 div64_u64_rem(u64 a, u64 b, u64 *r) { *r = a % b; return a / b; }
static inline int hweight64(u64 x) { return __builtin_popcountll(x); }
static inline unsigned long __ffs(u64 x) { return __builtin_ctzll(x); }
struct cxl_cxims_data { int nr_maps; u64 xormaps[]; };
"""

DRIVER = r"""
static u64 next_rand(u64 *s) { *s ^= *s << 13; *s ^= *s >> 7; *s ^= *s << 17; return *s; }

int main(void)
{
    static const u8 eiws[] = { 0, 1, 2, 3, 4, 8, 9, 10 };
    static const u64 maps[] = { 0x2020900, 0x4041200, 0x1010400, 0x800 };
    static const int hbiws[] = { 1, 2, 3, 4, 6, 8, 12, 16 };
    struct cxl_cxims_data *c = malloc(sizeof(*c) + sizeof(maps));
    u64 seed = 0x5eed1234abcdULL;

    for (unsigned w = 0; w < ARRAY_SIZE(eiws); w++) {
        for (u16 eig = 0; eig <= 6; eig++) {
            int ways;
            eiw_to_ways(eiws[w], &ways);
            for (int i = 0; i < 64; i++) {
                int pos = next_rand(&seed) % ways;
                u64 dpa = next_rand(&seed) >> 24;
                u64 hpa = cxl_calculate_hpa_offset(dpa, pos, eiws[w], eig);
                if (hpa == ULLONG_MAX ||
                    cxl_calculate_dpa_offset(hpa, eiws[w], eig) != dpa ||
                    cxl_calculate_position(hpa, eiws[w], eig) != pos) {
                    fprintf(stderr, "linux round trip failed\n");
                    return 1;
                }
                printf("M %u %u %d %llu %llu\n", eiws[w], eig, pos,
                       (unsigned long long)dpa, (unsigned long long)hpa);
            }
        }
    }
    for (unsigned i = 0; i < ARRAY_SIZE(maps); i++) {
        c->xormaps[i] = maps[i];
    }
    for (unsigned h = 0; h < ARRAY_SIZE(hbiws); h++) {
        /* a window's CXIMS has as many maps as its ways need */
        c->nr_maps = hbiw_to_nr_maps[hbiws[h]];
        for (int i = 0; i < 256; i++) {
            u64 addr = next_rand(&seed) >> 20;
            u64 f = cxl_do_xormap_calc(c, addr, hbiws[h]);
            printf("X %d %llu %llu\n", hbiws[h], (unsigned long long)addr,
                   (unsigned long long)f);
        }
    }
    free(c);
    return 0;
}
"""


def extract(text, name, path):
    """Source of the function or static table NAME (signature to closing brace)."""
    m = re.search(r"(?m)^(?:static\s+)?(?:inline\s+)?[\w\s\*]*?\b%s\s*\([^;{]*?\)\s*\{" % re.escape(name), text)
    if not m:
        sys.exit("%s: %s() not found" % (path, name))
    depth, i = 0, m.end() - 1
    while True:
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[m.start():i + 1]
        i += 1


def main():
    linux, out = sys.argv[1], sys.argv[2]
    region = open(os.path.join(linux, "drivers/cxl/core/region.c")).read()
    cxlh = open(os.path.join(linux, "drivers/cxl/cxl.h")).read()
    acpi = open(os.path.join(linux, "drivers/cxl/acpi.c")).read()

    parts = [SHIM]
    for name in ("CXL_DECODER_MIN_GRANULARITY", "CXL_DECODER_MAX_ENCODED_IG",
                 "CXL_DECODER_MAX_INTERLEAVE"):
        m = re.search(r"(?m)^#define %s\b.*$" % name, cxlh)
        if not m:
            sys.exit("cxl.h: %s not found" % name)
        parts.append(m.group(0))
    m = re.search(r"(?m)^#define CXL_POS_ZERO\b.*$", region + cxlh)
    parts.append(m.group(0) if m else "#define CXL_POS_ZERO 0")
    parts += [extract(cxlh, f, "cxl.h") for f in FUNCS_CXL_H]
    # the static tables cxl_do_xormap_calc() uses
    for table in ("HBIW_TO_NR_MAPS_SIZE", ):
        m = re.search(r"(?m)^#define %s\b.*$" % table, acpi)
        parts.append(m.group(0))
    for table in ("hbiw_to_nr_maps", "valid_hbiw"):
        m = re.search(r"(?ms)^static const int %s\[.*?\};" % table, acpi)
        if not m:
            sys.exit("acpi.c: %s not found" % table)
        parts.append(m.group(0))
    parts += [extract(region, f, "region.c") for f in FUNCS_REGION]
    parts += [extract(acpi, f, "acpi.c") for f in FUNCS_ACPI]
    parts.append(DRIVER)

    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "linux-translate.c")
        exe = os.path.join(tmp, "linux-translate")
        with open(src, "w") as f:
            f.write("\n".join(parts))
        subprocess.run(["cc", "-O1", "-w", "-o", exe, src], check=True)
        with open(out, "w") as f:
            subprocess.run([exe], check=True, stdout=f)
    print("wrote %s" % out)


if __name__ == "__main__":
    main()
