#!/usr/bin/python3
"""CXL memory against ordinary guest RAM: `make bench`.

    tests/perf/bench.py                    every case
    tests/perf/bench.py 1way online        the named cases
    tests/perf/bench.py --machine cxl-fast-path=off 1way
    tests/perf/bench.py --list

Each case is a guest scenario in tests/perf/scenarios/ (same format as
tests/guest/scenarios/, run by tests/guest/run.py's machinery but never by
`make check`). A bandwidth case boots once and runs tests/perf/cxlbench.c
in the guest: REPS rounds (default 5) in which every measurement (read,
write, copy, exec) runs on guest RAM and on the CXL memory back to back.
The table gives each memory's median and the median of the per-round
CXL/RAM ratios, which is what the target is checked against, and the
devices' fast-path counters after the run: MiB mapped as RAM
(x-fast-path-mapped) / translations of interleaved memory
(x-fast-path-maps), "n/a" without the fast path. A boot case (MARKS)
boots BOOTS times (the scenario's, else --boots, default 5) and gives the
median time from QEMU's start to each mark; boot cases of different sizes
are compared per device (DEVICES, SCALE_BASE: scale_rows()). Any other case defines
MEASURES(ctx, res), which returns its rows of the third table:
[measure, value, goal, result], result "pass", "info" or "FAIL...".

--quick runs the cases whose scenario sets QUICK = True (`make
bench-quick`, a few minutes).

Prints the table (also written to build/bench/results.txt) and exits
non-zero if a case failed to run or a target was missed.
"""

import argparse
import importlib.util
import os
import statistics
import sys
from pathlib import Path

sys.dont_write_bytecode = True

TOP = Path(__file__).resolve().parents[2]
PERF = TOP / "tests" / "perf"
SCENARIOS = PERF / "scenarios"
OUT = TOP / "build" / "bench"

spec = importlib.util.spec_from_file_location("cxl_guest_run", TOP / "tests" / "guest" / "run.py")
run = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run)
run.TOOL_DIRS.append(PERF)
for d in (run.SCENARIOS, SCENARIOS):      # _cxl.py, _bench.py
    if str(d) not in sys.path:
        sys.path.insert(0, str(d))

METRICS = ["read", "write", "copy", "exec"]


def load_cases():
    return {p.stem: run.Scenario(p) for p in sorted(SCENARIOS.glob("*.py"))
            if not p.name.startswith("_")}


def one_run(scn, image, opts):
    r = run.Run(scn, image, opts)
    res = r.run()
    status = "PASS" if res.ok else "FAIL"
    run.say(f"{status} {scn.name} ({res.duration:.1f}s)"
            + ("" if res.ok else ": " + "; ".join(res.reasons)), *([] if res.ok else res.details))
    return r, res


def bandwidth_rows(name, scn, ctx):
    """Rows for a bandwidth case from the "result" lines the guest sent:
    one set per pair of memories "ram[-jN]" and "cxl[-jN]" (cxlbench -j N,
    N threads, reported as "CASE jN")."""
    results = getattr(ctx, "results", {})
    targets = scn.get("TARGETS", {})
    maps = str(getattr(ctx, "fast_path_maps", "?"))
    rows = []
    suffixes = sorted({mem[3:] for mem, _ in results if mem.startswith("cxl")},
                      key=lambda x: int(x[2:]) if x.startswith("-j") else 0) or [""]
    for suffix in suffixes:
        label = name + (f" {suffix[1:]}" if suffix else "")
        for m in METRICS:
            cxl_key, ram_key = ("cxl" + suffix, m), ("ram" + suffix, m)
            if cxl_key not in results or ram_key not in results:
                if suffix and m == "exec":
                    continue            # exec: one thread only
                rows.append([label, m, "", "", "", "", fmt_target(targets.get(m)), maps,
                             "FAIL (no result)"])
                continue
            unit, cxl = results[cxl_key]
            _, ram = results[ram_key]
            ratio = statistics.median(c / r for c, r in zip(cxl, ram))
            target = targets.get(m)
            verdict = "info" if target is None else ("pass" if ratio >= target else "FAIL")
            rows.append([label, m, unit, num(statistics.median(cxl)), num(statistics.median(ram)),
                         f"{ratio:.3g}", fmt_target(target), maps, verdict])
    return rows


def scale_rows(scaled):
    """Rows comparing boot cases of different sizes: a MARKS case with
    DEVICES (its number of memory devices) and SCALE_BASE (the name of a
    smaller such case run in the same bench.py run) gets its time per
    device from the kernel's /init to its last mark against the base
    case's, which must stay within SCALE_TOLERANCE (default 1.25) of it:
    boot work after /init that grows linearly with the devices keeps the
    ratio at or below 1 (the fixed part weighs less with more devices)."""
    rows = []
    for name, (scn, med) in scaled.items():
        base = scn.get("SCALE_BASE")
        if not base or base == name or base not in scaled:
            continue
        bscn, bmed = scaled[base]
        last = scn.get("MARKS")[-1]
        per = (med[last] - med["init"]) / scn.get("DEVICES")
        bper = (bmed[last] - bmed["init"]) / bscn.get("DEVICES")
        tol = scn.get("SCALE_TOLERANCE", 1.25)
        ratio = per / bper
        rows.append([name, f"s/device /init->{last} vs {base}",
                     f"{per:.3g} vs {bper:.3g} s ({ratio:.2f}x)", f"<= {tol:g}x",
                     "pass" if ratio <= tol else "FAIL"])
        rows.append([name, f"s/device start->/init vs {base}",
                     f"{med['init'] / scn.get('DEVICES'):.3g} vs "
                     f"{bmed['init'] / bscn.get('DEVICES'):.3g} s", "-", "info"])
    return rows


def num(v):
    return f"{v:.0f}" if v >= 1000 else f"{v:.3g}"


def fmt_target(t):
    return "-" if t is None else f">= {t:g}x"


def print_table(rows, header, out):
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip() for r in [header] + rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    text = "\n".join(lines)
    print(text)
    out.write(text + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("cases", nargs="*", metavar="CASE", help="cases to run (default: all)")
    ap.add_argument("--list", action="store_true", help="list the cases")
    ap.add_argument("--quick", action="store_true",
                    help="only the cases marked QUICK (make bench-quick)")
    ap.add_argument("--machine", default="",
                    help="extra -machine options for every case, e.g. cxl-fast-path=off")
    ap.add_argument("--reps", type=int, default=5, help="rounds per bandwidth case (default 5)")
    ap.add_argument("--ms", type=int, default=400, help="milliseconds per measurement (default 400)")
    ap.add_argument("--mib", type=int, default=32, help="MiB of each memory measured (default 32)")
    ap.add_argument("--boots", type=int, default=5, help="boots of the boot-time case (default 5)")
    ap.add_argument("-v", "--verbose", action="store_true", help="show the guest scripts' output")
    ap.add_argument("--qemu", default=os.environ.get("CXL_QEMU", str(run.DEFAULT_QEMU)))
    ap.add_argument("--image", default=None, help="guest image directory (default: image.sh)")
    opts = ap.parse_args()

    cases = load_cases()
    if opts.list:
        for n, s in cases.items():
            print(f"{n:14s} {'quick ' if s.get('QUICK') else '      '}{s.description}")
        return 0
    names = opts.cases or [n for n, s in cases.items() if s.get("QUICK") or not opts.quick]
    unknown = [n for n in names if n not in cases]
    if unknown:
        sys.exit(f"bench.py: unknown case(s): {' '.join(unknown)} (see --list)")
    opts.qemu = Path(opts.qemu)
    if not os.access(opts.qemu, os.X_OK):
        sys.exit(f"bench.py: no QEMU binary at {opts.qemu} (build it first: make build)")
    # the guest image of each architecture a selected case boots
    images = {}
    for n in names:
        arch = cases[n].arch
        if arch not in images:
            images[arch] = (opts.image if arch == "x86_64" and opts.image
                            else run.build_image(run.ARCHES[arch].deb))
    # what run.Run reads from its options
    ropts = argparse.Namespace(verbose=opts.verbose, timeout=None, qemu=opts.qemu, keep=False,
                               kernels={})
    # the full kernel (built or found in the cache) only if a case needs it
    if any(cases[n].kernel == "full" for n in names):
        ropts.kernels["full"] = run.build_kernel()
    conf = f"BENCH_MIB={opts.mib} BENCH_REPS={opts.reps} BENCH_MS={opts.ms}\n"

    rows, boot_rows, other_rows, failed = [], [], [], False
    scaled = {}             # boot cases with DEVICES: name -> (scenario, median per mark)
    for name in names:
        scn = cases[name]
        scn.name = f"bench-{name}"                  # build/guest-logs/bench-NAME/
        if opts.machine:
            scn.mod.MACHINE = (scn.get("MACHINE") or run.ARCHES[scn.arch].machine) + "," + opts.machine
        scn.mod.FILES = dict(scn.get("FILES") or {}, **{"/etc/cxlbench.conf": conf})
        run.say(f"=== {name}: {scn.description}")
        marks = scn.get("MARKS")
        if marks:
            times = {m: [] for m in ["init"] + marks}
            boots = scn.get("BOOTS") or opts.boots
            for _ in range(boots):
                r, res = one_run(scn, images[scn.arch], ropts)
                got = getattr(r.ctx, "marks", {})
                if not res.ok or any(m not in got for m in marks):
                    failed = True
                    break
                times["init"].append(res.boot)
                for m in marks:
                    times[m].append(got[m] - r.t0)
            for m, v in times.items():
                ok = len(v) == boots
                boot_rows.append([name, m, f"{statistics.median(v):.1f}" if ok else "",
                                  f"{min(v):.1f}-{max(v):.1f}" if ok else "",
                                  str(len(v)), "info" if ok else "FAIL"])
            if len(times["init"]) == boots and scn.get("DEVICES"):
                scaled[name] = (scn, {m: statistics.median(v) for m, v in times.items()})
            continue
        r, res = one_run(scn, images[scn.arch], ropts)
        measures = scn.get("MEASURES")
        if measures:
            case_rows = [[name] + row for row in measures(r.ctx, res)]
            if not res.ok:
                case_rows.append([name, "run", "", "", "FAIL (run failed)"])
            other_rows += case_rows
            failed |= any(row[-1].startswith("FAIL") for row in case_rows)
            continue
        case_rows = bandwidth_rows(name, scn, r.ctx)
        if not res.ok:
            for row in case_rows:
                row[-1] = "FAIL (run failed)" if row[-1] in ("pass", "info") else row[-1]
        rows += case_rows
        failed |= any(row[-1].startswith("FAIL") for row in case_rows)

    scale = scale_rows(scaled)
    other_rows += scale
    failed |= any(row[-1].startswith("FAIL") for row in scale)

    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "results.txt", "w") as out:
        header = (f"machine options: {opts.machine or '(defaults)'}; {opts.reps} rounds x "
                  f"{opts.ms} ms per measurement, {opts.mib} MiB per memory")
        print()
        print(header)
        out.write(header + "\n\n")
        if rows:
            print_table(rows, ["case", "metric", "unit", "CXL", "RAM", "ratio", "target",
                                    "fast-path MiB/xlat", "result"], out)
        if boot_rows:
            print()
            out.write("\n")
            print_table(boot_rows, ["case", "mark", "seconds from QEMU start (median)", "range",
                                    "boots", "result"], out)
        if other_rows:
            print()
            out.write("\n")
            print_table(other_rows, ["case", "measure", "value", "goal", "result"], out)
    missed = sum(row[-1].startswith("FAIL") for row in rows + boot_rows + other_rows)
    print()
    print(f"bench: {'all targets met' if not failed else f'{missed} target(s) missed or failed'}"
          f" (table in {OUT / 'results.txt'})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
