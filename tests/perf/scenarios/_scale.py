"""Shared pieces of the scale cases (tests/perf/scenarios): boots of
4, 16 and 32 devices behind two switch levels (boot4, boot16, boot32,
boot16-x20), and a large sparse file-backed pmem device (pmem1t,
pmem64g). Not a scenario (the name starts with '_')."""

import os
import re
import socket
import statistics
import subprocess
import tempfile
import time
import json
from pathlib import Path

import _bench
from _bench import BENCH_LIB, DEVDAX_MODULES
from _cxl import Topology

GiB = 1 << 30
TOP = Path(__file__).resolve().parents[3]


# ------------------------------------------------------------ boot cases --

def boot_case(leaves, regions, description):
    """A boot case: 2 host bridges x 1 root port x a switch with 2
    downstream ports x a switch with @leaves downstream ports x 1 device
    (4 * leaves devices). The guest waits for every memdev to be probed
    (mark memdevs-probed), then creates @regions ram regions at 256 B,
    each over 16 // ... an equal share of the devices (at most 16 ways,
    the CXL maximum: 32 devices take two 16-way regions), each switch
    below the second level contributing leaves // regions of its ports,
    commits them and binds their device DAX devices (mark region-ready).
    bench.py reports both marks from QEMU's start (MARKS) and compares
    the time per device across the cases (DEVICES, SCALE_BASE)."""
    # as _bench.tree([12, 128], 1, 2, leaves); with more than one region
    # the host bridges need HDM decoders (with one root port they have
    # none, and Linux's passthrough decoder serves one region)
    T = Topology()
    hb_opts = ",hdm_for_passthrough=on" if regions > 1 else ""
    hbs = [T.host_bridge(bus, hb_opts) for bus in (12, 128)]
    for hb in hbs:
        for ds in T.switch(T.root_port(hb, 0), 2):
            for leaf in T.switch(ds, leaves):
                T.memdev(leaf)
    n = len(T.devices)
    ways = n // regions
    per_switch = leaves // regions
    T.window(hbs, size=f"{n // 2}G", granularity="256")
    # region r takes the ports r*per_switch .. (r+1)*per_switch-1 of each
    # second-level switch
    groups = []
    for r in range(regions):
        sns = [sn for sn, port in T.devices.items()
               if r * per_switch <= int(port.rsplit("-ds", 1)[1]) < (r + 1) * per_switch]
        groups.append(T.position_order(sns, [2, 1, 2, per_switch]))
    make = ""
    for r, order in enumerate(groups):
        make += rf'''
order=""
for sn in {" ".join(map(str, order))}; do order="$order $(memdev_in /tmp/memdevs $sn)"; done
step region{r} cxl create-region -t ram -d decoder0.0 -w {ways} -g 256 -m $order || exit 1
'''
    guest = BENCH_LIB + rf'''
step memdevs-probed wait_memdevs {n} || exit 1
step mark-probed host mark memdevs-probed
# the memdevs and their serials, listed once (memdev_of lists them all
# for each device it looks up: quadratic in the devices)
cxl list -M > /tmp/memdevs
memdev_in() {{
    awk -v s="$2" '/"memdev"/ {{ m = $0; sub(/.*"memdev":"/, "", m); sub(/".*/, "", m) }}
                   /"serial"/ {{ v = $0; sub(/.*"serial":/, "", v); sub(/[^0-9].*/, "", v); if (v == s) print m }}' "$1"
}}
{make}
step mark-created host mark regions-created
step_eq regions-listed {regions} sh -c "cxl list -R | grep -c '\"region\"'"
for region in $(cxl list -R | sed -n 's/.*"region":"\(region[0-9]*\)".*/\1/p'); do
    step_match $region-committed '"decode_state":"commit"' cxl list -R -r "$region" || exit 1
    step $region-devdax devdax "$region" || exit 1
done
step mark-ready host mark region-ready
'''

    def topology(ctx):
        return T.args(ctx)

    return {
        "DESCRIPTION": description,
        "MACHINE": "q35,cxl=on",
        "MODULES": DEVDAX_MODULES,
        "TIMEOUT": 600,
        "MARKS": ["memdevs-probed", "regions-created", "region-ready"],
        "DEVICES": n,
        "SCALE_BASE": "boot4",
        "topology": topology,
        "HOST": _bench.HOST,
        "GUEST": guest,
    }


# ------------------------------------------------------ large pmem cases --

def proc_status(pid):
    """VmRSS and VmHWM of process @pid, in bytes."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem"):
                out[k] = int(v.split()[0]) << 10
    return out


def allocated(path):
    """The bytes of data a sparse file holds (its extents between holes,
    SEEK_DATA/SEEK_HOLE: what was written, not the file system's own
    metadata blocks, which st_blocks also counts)."""
    total, pos = 0, 0
    with open(path, "rb") as f:
        fd = f.fileno()
        while True:
            try:
                start = os.lseek(fd, pos, os.SEEK_DATA)
            except OSError:             # ENXIO: no data after pos
                return total
            pos = os.lseek(fd, start, os.SEEK_HOLE)
            total += pos - start


def start_once(qemu, args):
    """Start @qemu paused (-S) with @args; returns (seconds until QMP
    answers query-status, its /proc status 1 s later, CPU seconds by
    then). The time covers creating and realizing every device and the
    machine's reset (firmware-committed decoders are committed there);
    the second of idling lets main-loop work scheduled by the reset (the
    fast path's scan) run before the RSS is read."""
    sockdir = tempfile.mkdtemp(prefix="cxl-scale-")
    sock_path = os.path.join(sockdir, "qmp.sock")
    cmd = [str(qemu), "-S", "-nodefaults", "-nographic", "-accel", "tcg",
           "-L", str(TOP / "build" / "firmware"),
           "-qmp", f"unix:{sock_path},server=on,wait=off"] + args
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        while True:
            try:
                s.connect(sock_path)
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError("QEMU exited at start: "
                                       + proc.stdout.read().decode(errors="replace")[-400:])
                if time.monotonic() - t0 > 600:
                    raise RuntimeError("QEMU did not open QMP within 600 s")
                time.sleep(0.005)
        f = s.makefile("rw")
        f.readline()                                    # greeting

        def cmd_(name):
            f.write(json.dumps({"execute": name}) + "\n")
            f.flush()
            while True:
                msg = json.loads(f.readline())
                if "return" in msg or "error" in msg:
                    return msg
        cmd_("qmp_capabilities")
        cmd_("query-status")
        ready = time.monotonic() - t0
        time.sleep(1)
        status = proc_status(proc.pid)
        with open(f"/proc/{proc.pid}/stat") as st:
            fields = st.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        cmd_("quit")
        s.close()
        proc.wait(timeout=60)
        return ready, status, cpu
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for p in os.listdir(sockdir):
            os.unlink(os.path.join(sockdir, p))
        os.rmdir(sockdir)


MACHINE_ARGS = ["-machine", "q35,cxl=on", "-cpu", "max,hypervisor=off,phys-bits=42",
                "-m", "2G", "-smp", "2"]


def pmem_args(paths, size, region=True):
    """len(@paths) cxl-type3 devices t3-0.. (one a root port, on one host
    bridge), each with @size / len(@paths) of persistent memory (a
    share=on memory-backend-file on the sparse file of @paths), a window
    of @size (interleaving at 4 KiB), and (@region) a pmem region over
    all of it that firmware commits (cxl-region.0.*), interleaved at
    4 KiB if there are several devices."""
    n = len(paths)
    m = [f"cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size={size},cxl-fmw.0.interleave-granularity=4k"]
    if region:
        m.append(f"cxl-region.0.window=0,cxl-region.0.size={size},cxl-region.0.type=pmem,"
                 "cxl-region.0.interleave-granularity=4k," +
                 ",".join(f"cxl-region.0.targets.{i}=t3-{i}" for i in range(n)))
    out = backends(paths, size) + ["-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1"]
    for i in range(n):
        out += ["-device", f"cxl-rp,port={i},bus=cxl.1,id=rp{i},chassis=0,slot={2 + i}",
                "-device", f"cxl-type3,bus=rp{i},persistent-memdev=pmem{i},id=t3-{i},sn={i + 1}"]
    for x in m:
        out += ["-M", x]
    return out


def backends(paths, size):
    each = _bench_parse(size) // len(paths)
    out = []
    for i, path in enumerate(paths):
        out += ["-object", f"memory-backend-file,id=pmem{i},share=on,mem-path={path},size={each}"]
    return out


def start_costs(qemu, paths, size, rounds=3):
    """Start QEMU (start_once) @rounds times each way, alternating: with
    the machine alone ("none"), with only the memory backends
    ("backend": what QEMU itself costs for RAM blocks that large), and
    with the devices, their window and a committed region ("device").
    Returns {way: (median seconds, median VmRSS, median VmHWM, median
    CPU s)}."""
    ways = {
        "none": MACHINE_ARGS,
        "backend": MACHINE_ARGS + backends(paths, size),
        "device": MACHINE_ARGS + pmem_args(paths, size),
    }
    got = {w: [] for w in ways}
    for _ in range(rounds):
        for w, args in ways.items():
            got[w].append(start_once(qemu, args))
    return {w: (statistics.median(r[0] for r in v),
                statistics.median(r[1]["VmRSS"] for r in v),
                statistics.median(r[1]["VmHWM"] for r in v),
                statistics.median(r[2] for r in v)) for w, v in got.items()}


def mib(b):
    return f"{b / (1 << 20):.1f} MiB"


def pmem_case(size, touch_gib, description, free_margin_gib=4, ways=1, rounds=3):
    """A case measuring a sparse file-backed pmem device of @size (a
    size string, e.g. "1T"): QEMU's start time and RSS with and without
    it (host only, start_costs), then a guest on it: Linux assembles the
    region firmware committed over all of it, and writes and reads back
    @touch_gib GiB of it through /dev/mem (daxpoke); the host reads
    QEMU's VmRSS before and after and checks that the file stays sparse
    (no more allocated than written). @ways devices share @size, the
    region interleaving them at 4 KiB; @rounds starts each way."""
    touch = int(touch_gib * GiB)
    nbytes = _bench_parse(size)
    state = {}

    def topology(ctx):
        free = os.statvfs(ctx.workdir)
        avail = free.f_bavail * free.f_frsize
        if avail < touch + free_margin_gib * GiB:
            raise RuntimeError(f"only {avail >> 30} GiB free in {ctx.workdir}; the case "
                               f"writes {touch_gib} GiB to a sparse file and needs "
                               f"{free_margin_gib} GiB more")
        each = nbytes // ways
        paths = [ctx.file(f"pmem{i}.img", size=each) for i in range(ways)]
        ctx.pmem_paths = paths
        # host-only start costs first, on the same (still empty) files
        ctx.start = start_costs(ctx.opts.qemu, paths, size, rounds)
        ctx.start_allocated = sum(allocated(p) for p in paths)
        return pmem_args(paths, size)

    def rss(ctx, when):
        """HOST["rss"]: QEMU's VmRSS/VmHWM and the file's allocated bytes
        now, kept as ctx.rss[when]."""
        st = proc_status(ctx.proc.pid)
        st["t"] = time.monotonic()
        st["allocated"] = sum(allocated(p) for p in ctx.pmem_paths)
        st["mapped"] = sum(ctx.qmp("qom-get", path=f"/machine/peripheral/t3-{i}",
                                   property="x-fast-path-mapped") for i in range(ways))
        if not hasattr(ctx, "rss"):
            ctx.rss = {}
        ctx.rss[when] = st
        return f"VmRSS {st['VmRSS'] >> 20} MiB, file {st['allocated'] >> 20} MiB"

    def backend(ctx, off, length, seed):
        """HOST["backend"]: daxpoke's pattern (seed @seed) is in the files
        at region offset @off: the first, last and a middle 4 KiB of
        @length bytes (4 KiB granules: region page x is on device x % ways
        at page x // ways)."""
        off, length, seed = int(off), int(length), int(seed)
        mul = (seed * 0x9e3779b97f4a7c15) & ((1 << 64) - 1)
        for at in (0, (length // 2) & ~4095, length - 4096):
            page = (off + at) // 4096
            with open(ctx.pmem_paths[page % ways], "rb") as f:
                f.seek(page // ways * 4096)
                data = f.read(4096)
                for i in range(0, 4096, 8):
                    x = at + i
                    if int.from_bytes(data[i:i + 8], "little") != (x ^ mul):
                        return f"mismatch at {off + x:#x}"
        return "ok"

    guest = _bench.BENCH_LIB + rf'''
step memdevs-probed wait_memdevs 1 || exit 1
step region-assembled wait_regions 1 || exit 1
region=$(only_region)
step_match region-pmem '"type":"pmem"' cxl list -R -r "$region"
step_match region-size '"size":{nbytes},' cxl list -R -r "$region"
step_match region-committed '"decode_state":"commit"' cxl list -R -r "$region"
base=$(region_base "$region")
step rss-before host rss before
step touch daxpoke write mem:$base+{touch} 0 {touch} 5 || exit 1
step rss-touched host rss touched
step read-back daxpoke check mem:$base+{touch} 0 {touch} 5 || exit 1
step_eq in-backend ok host backend 0 {touch} 5
# the far end too: the last 4 KiB of the region
last=$(( base + {nbytes} - 4096 ))
step touch-end daxpoke write mem:$last+4096 0 4096 6 || exit 1
step_eq end-in-backend ok host backend $(( {nbytes} - 4096 )) 4096 6
step rss-after host rss after
'''

    def measures(ctx, res):
        rows = []
        start = getattr(ctx, "start", None)
        if start:
            t_none, r_none, h_none, c_none = start["none"]
            t_back, r_back, h_back, c_back = start["backend"]
            t_dev, r_dev, h_dev, c_dev = start["device"]
            dt = t_dev - t_none
            rows.append(["start: QEMU ready (paused), +device", f"{dt:+.2f} s "
                         f"({t_none:.2f} -> {t_dev:.2f} s; CPU {c_none:.2f} -> {c_dev:.2f} s)",
                         "< +1 s", "pass" if dt < 1 else "FAIL"])
            rows.append(["start: VmRSS, backend alone (QEMU's own)", f"{(r_back - r_none) / (1 << 20):+.1f} MiB "
                         f"({mib(r_none)} -> {mib(r_back)})", "-", "info"])
            extra = r_dev - r_back
            rows.append(["start: VmRSS, device beyond its backend", f"{extra / (1 << 20):+.1f} MiB "
                         f"({mib(r_back)} -> {mib(r_dev)})", "< +32 MiB",
                         "pass" if extra < 32 << 20 else "FAIL"])
            peak = h_dev - h_back
            rows.append(["start: VmHWM, device beyond its backend", f"{peak / (1 << 20):+.1f} MiB "
                         f"({mib(h_back)} -> {mib(h_dev)})", "< +32 MiB",
                         "pass" if peak < 32 << 20 else "FAIL"])
            rows.append(["start: file data", mib(ctx.start_allocated), "0",
                         "pass" if ctx.start_allocated == 0 else "FAIL"])
        else:
            rows.append(["start", "", "", "FAIL (not measured)"])
        r = getattr(ctx, "rss", {})
        if "before" in r and "touched" in r and "after" in r:
            grew = r["touched"]["VmRSS"] - r["before"]["VmRSS"]
            rows.append([f"guest touched {touch_gib} GiB: VmRSS growth", f"{grew / (1 << 20):.1f} MiB "
                         f"({mib(r['before']['VmRSS'])} -> {mib(r['touched']['VmRSS'])})",
                         f"{touch >> 20} MiB + < 64", "pass"
                         if touch <= grew + (16 << 20) and grew < touch + (64 << 20) else "FAIL"])
            rows.append(["VmHWM at the end", mib(r["after"]["VmHWM"]), "-", "info"])
            alloc = r["touched"]["allocated"]
            rows.append([f"file data after {touch_gib} GiB (SEEK_DATA)", mib(alloc),
                         f"{touch >> 20} MiB", "pass" if alloc == touch else "FAIL"])
            # QEMU madvises every RAM block MADV_HUGEPAGE: a host kernel
            # whose file system has large folios (ext4 on 6.18) then fills
            # the file, and the RSS, in 2 MiB units
            end = r["after"]["allocated"] - alloc
            rows.append(["file data for 4 KiB at the end", mib(end), "<= 2 MiB (a THP)",
                         "pass" if 0 < end <= 2 << 20 else "FAIL"])
            rows.append(["fast path: MiB mapped as RAM", str(r["after"]["mapped"] >> 20),
                         str(nbytes >> 20), "pass" if r["after"]["mapped"] == nbytes else "FAIL"])
            rows.append(["guest steps (touch, read back)", f"{r['touched']['t'] - r['before']['t']:.1f} s, "
                         f"{r['after']['t'] - r['touched']['t']:.1f} s", "-", "info"])
        else:
            rows.append(["guest touch", "", "", "FAIL (no RSS figures)"])
        rows.append(["guest /init from QEMU start", f"{res.boot:.1f} s" if res.boot else "", "-",
                     "info"])
        return rows

    return {
        "DESCRIPTION": description,
        "MACHINE": "q35,cxl=on",
        "CPU": "max,hypervisor=off,phys-bits=42",
        "MODULES": ["cxl_acpi", "cxl_pci", "cxl_port", "cxl_mem"],
        "TOOLS": ["daxpoke"],
        "TIMEOUT": 600,
        "topology": topology,
        "HOST": {"rss": rss, "backend": backend},
        "GUEST": guest,
        "MEASURES": measures,
    }


def _bench_parse(size):
    m = re.fullmatch(r"(\d+)([KMGT]?)", size.upper())
    return int(m.group(1)) << {"": 0, "K": 10, "M": 20, "G": 30, "T": 40}[m.group(2)]
