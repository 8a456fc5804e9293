"""Shared pieces of the benchmark scenarios (tests/perf/scenarios): the
guest side of a measurement and the host handlers that collect it. Not a
scenario (the name starts with '_'). The guest scenarios' helpers
(tests/guest/scenarios/_cxl.py) are importable too: bench.py puts both
directories on sys.path."""

import time

from _cxl import GUEST_LIB, Topology

# device DAX only: without kmem the region's DAX device stays unbound until
# the script binds it to device_dax
DEVDAX_MODULES = ["cxl_acpi", "cxl_pci", "cxl_port", "cxl_mem", "device_dax", "dax_cxl"]

# Guest helpers. /etc/cxlbench.conf (written by bench.py) may set
# BENCH_MIB, BENCH_REPS and BENCH_MS, cxlbench's -s, -n and -t.
BENCH_LIB = GUEST_LIB + r'''
BENCH_MIB=32 BENCH_REPS=5 BENCH_MS=400
[ -f /etc/cxlbench.conf ] && . /etc/cxlbench.conf
# bench MEM...: run cxlbench on the memories (the first is the reference),
# print its output, send each "result" line to the host (HOST["result"])
bench() {
    cxlbench -s "$BENCH_MIB" -n "$BENCH_REPS" -t "$BENCH_MS" "$@" >/tmp/bench.out 2>&1
    local rc=$?
    cat /tmp/bench.out
    [ $rc -eq 0 ] || return $rc
    grep '^result ' /tmp/bench.out >/tmp/bench.res
    while read -r line; do
        host $line >/dev/null || return 1
    done </tmp/bench.res
    host fastpath
}
'''


def tree(buses, rps, *switches, shared=True):
    """A _cxl.Topology (shared: its backends, see _cxl.Topology): a host
    bridge at each PCI bus number of @buses,
    each with @rps root ports; below each root port a switch with
    switches[0] downstream ports, below each of those one with switches[1],
    and so on; a volatile device at each leaf. Returns the topology and its
    host bridges."""
    T = Topology(shared=shared)
    hbs = [T.host_bridge(bus) for bus in buses]
    ports = [T.root_port(hb, rp) for hb in hbs for rp in range(rps)]
    for n in switches:
        ports = [ds for p in ports for ds in T.switch(p, n)]
    for p in ports:
        T.memdev(p)
    return T, hbs


def result(ctx, mem, metric, unit, *values):
    """HOST["result"]: one "result" line of cxlbench."""
    if not hasattr(ctx, "results"):
        ctx.results = {}
    ctx.results[(mem, metric)] = (unit, [float(v) for v in values])
    return f"{len(values)} values"


def mark(ctx, name):
    """HOST["mark"]: the host's clock when the guest got to NAME."""
    if not hasattr(ctx, "marks"):
        ctx.marks = {}
    ctx.marks[name] = time.monotonic()
    return name


def fast_path_maps(ctx):
    """HOST["fastpath"]: over the cxl-type3 devices, the MiB the windows
    map as RAM (x-fast-path-mapped) and the translations of interleaved
    memory handed out (x-fast-path-maps), as "MIB/TRANSLATIONS"; "n/a" if
    this QEMU has no such properties. Kept in ctx.fast_path_maps."""
    mapped = maps = 0
    try:
        for child in ctx.qmp("qom-list", path="/machine/peripheral"):
            if child["type"] != "child<cxl-type3>":
                continue
            path = f"/machine/peripheral/{child['name']}"
            mapped += ctx.qmp("qom-get", path=path, property="x-fast-path-mapped")
            maps += ctx.qmp("qom-get", path=path, property="x-fast-path-maps")
        total = f"{mapped >> 20}/{maps}"
    except Exception:
        total = "n/a"
    ctx.fast_path_maps = total
    return total


HOST = {"result": result, "mark": mark, "fastpath": fast_path_maps}


def devdax_case(topo, ways, gran, serials, description, targets, root=0,
                arch="x86_64", threads=None):
    """A scenario measuring a `ways`-way ram region at `gran` bytes over the
    devices `serials` (in interleave-position order) of the _cxl.Topology
    `topo`, through its device DAX device, against anonymous guest RAM.
    The guest creates the region; on aarch64 (@arch), whose Debian kernel
    cannot commit a region it creates, firmware commits it (window
    @root, cxl-region.0.*) and Linux assembles it. With @threads (a list
    of thread counts), the guest has as many vCPUs as the largest count
    and measures with each count in turn (cxlbench -j N: aggregate
    bandwidth, memories "ram-jN" and "cxl-jN")."""
    if arch == "x86_64":
        geometry = f"-w {ways} -g {gran}" if ways > 1 else ""  # 1-way: the window's
        make_region = f'''order=""
for sn in {" ".join(map(str, serials))}; do order="$order $(memdev_of $sn)"; done
step region cxl create-region -t ram -d decoder0.{root} {geometry} -m $order || exit 1
'''
        machine, topology = "q35,cxl=on", topo.args
    else:
        make_region = "step region wait_regions 1 || exit 1\n"
        machine = "virt,gic-version=3,cxl=on"
        fw = (f"cxl-region.0.window={root},cxl-region.0.interleave-granularity={gran},"
              f"cxl-region.0.size={256 * len(serials)}M," +
              ",".join(f"cxl-region.0.targets.{i}=t3-{sn}" for i, sn in enumerate(serials)))

        def topology(ctx):
            return topo.args(ctx) + ["-M", fw]
    if threads:
        bench_steps = "\n".join(f"step bench-j{j} bench -j {j} ram-j{j}=anon cxl-j{j}=dax:$dax"
                                for j in threads)
    else:
        bench_steps = "step bench bench ram=anon cxl=dax:$dax"
    script = BENCH_LIB + f'''
step memdevs-probed wait_memdevs {len(topo.devices)} || exit 1
{make_region}region=$(only_region)
step_match region-committed '"decode_state":"commit"' cxl list -R -r "$region" || exit 1
step devdax devdax "$region" || exit 1
{bench_steps}
'''
    return {
        "DESCRIPTION": description,
        "ARCH": arch,
        "MACHINE": machine,
        "MODULES": DEVDAX_MODULES,
        "TOOLS": ["cxlbench"],
        "TIMEOUT": 600 + 300 * len(threads or []),
        "SMP": max(threads) if threads else 2,
        "TARGETS": targets,
        "topology": topology,
        "HOST": HOST,
        "GUEST": script,
    }
