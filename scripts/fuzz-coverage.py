#!/usr/bin/env python3
"""Coverage of our device code from libFuzzer's -print_coverage=1 report.

Reads the report (COVERED_FUNC / UNCOVERED_FUNC lines, one per
instrumented function: hits, edges covered/total, name, file:line) and
prints, for hw/cxl/*.c and hw/mem/cxl-*.c, the functions and edges
(basic-block edges, libFuzzer's unit) reached per file, and the totals.
"""
import re
import sys
from collections import defaultdict

LINE = re.compile(r'^(UN)?COVERED_FUNC: hits: (\d+) edges: (\d+)/(\d+) '
                  r'(\S+) (\S+?):(\d+)')
OURS = re.compile(r'(?:^|/)(hw/cxl/[^/]+\.c|hw/mem/cxl-[^/]+\.c)$')


def main():
    files = defaultdict(lambda: [0, 0, 0, 0])   # funcs hit, funcs, edges
    seen = set()
    with open(sys.argv[1], errors='replace') as f:
        for line in f:
            m = LINE.match(line.strip())
            if not m:
                continue
            src = OURS.search(m.group(6))
            if not src or (m.group(5), src.group(1)) in seen:
                continue
            seen.add((m.group(5), src.group(1)))
            st = files[src.group(1)]
            st[0] += not m.group(1)
            st[1] += 1
            st[2] += int(m.group(3))
            st[3] += int(m.group(4))
    if not files:
        print('no coverage of hw/cxl in the report (is the fuzzer '
              'built with -fsanitize=fuzzer?)')
        return 1
    tot = [0, 0, 0, 0]
    print('%-32s %14s %16s' % ('file', 'functions', 'edges'))
    for name in sorted(files):
        st = files[name]
        tot = [a + b for a, b in zip(tot, st)]
        print('%-32s %5d/%-5d%3d%% %6d/%-6d%3d%%' % (
            name, st[0], st[1], 100 * st[0] // max(st[1], 1),
            st[2], st[3], 100 * st[2] // max(st[3], 1)))
    print('%-32s %5d/%-5d%3d%% %6d/%-6d%3d%%' % (
        'total', tot[0], tot[1], 100 * tot[0] // max(tot[1], 1),
        tot[2], tot[3], 100 * tot[2] // max(tot[3], 1)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
