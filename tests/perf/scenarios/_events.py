"""Shared body of the event and poison drain benchmarks (events-10k,
events-1k): N event records and N poison records injected through QMP
and drained by Linux. Not a scenario (the name starts with '_').

Two cxl-type3 devices on one host bridge: "max" with the spec's maximum
capacities (event-log-size=65535, the 16-bit Event Log Size of Identify
Memory Device; poison-list-max=16777215, its 24-bit Poison List Maximum
Media Error Records) and "def" with the defaults (32 records per log,
256 poison ranges). The guest reads both capacities back through
Identify Memory Device (the kernel's IDENTIFY command, tools/cxlmbox.c),
enables the cxl_general_media and cxl_overflow trace events, then:

1. stopped: the host stops the VM, injects N General Media records
   into the max device's informational log, resumes it and times how
   long Linux takes to read and clear them all (interrupt, Get Event
   Records, trace, Clear Event Records): the guest's drain time per
   record, with nothing else going on;
2. running: N more while the guest runs and drains as they come: the
   end-to-end time per record, injection included;
3. overflow: N into the default device (32 records), once with the VM
   stopped (32 fit, the rest must overflow) and once while it runs.
   Whatever Linux does not get must have been dropped by the device
   and counted: the device's overflows (QEMU's cxl_event_overflow trace
   points, in qemu-debug.log) plus the records Linux traced must be N,
   and Linux must have been told (cxl_overflow trace events) if any was
   dropped;
4. poison: N separate 64-byte lines poisoned on the max device with
   cxl-inject-poison; Linux must report all N, through the memdev's
   trigger_poison_list (cxl_poison trace events) and through `cxl list
   --media-errors` (both timed).

Each count is a row; "no record lost" rows fail when a record is
missing or unaccounted for.
"""

import time

from _cxl import GUEST_LIB


def topology(ctx):
    return ["-M", "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G",
            "-object", "memory-backend-ram,id=vmem0,size=256M",
            "-object", "memory-backend-ram,id=vmem1,size=256M",
            "-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1",
            "-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2",
            "-device", "cxl-rp,port=1,bus=cxl.1,id=rp1,chassis=0,slot=3",
            "-device", "cxl-type3,bus=rp0,volatile-memdev=vmem0,id=max,sn=1,"
                       "event-log-size=65535,poison-list-max=16777215",
            "-device", "cxl-type3,bus=rp1,volatile-memdev=vmem1,id=def,sn=2",
            # the device's dropped records, counted in qemu-debug.log
            "-trace", "enable=cxl_event_overflow"]


def _inject(ctx, dev, n, first):
    for i in range(first, first + n):
        ctx.qmp("cxl-inject-general-media-event", path=dev, log="informational", flags=8,
                dpa=64 * i, descriptor=2, type=0, **{"transaction-type": 2})


def h_inject(ctx, phase, memdev, n, first):
    """HOST["inject"]: N records into the device of MEMDEV, "max" or "def"
    by its name in the guest (phases "*stopped": with the VM stopped,
    resumed after); the times in ctx.times[phase]."""
    n, first = int(n), int(first)
    dev = "def" if phase.startswith("overflow") else "max"
    t = ctx.times = getattr(ctx, "times", {})
    stop = phase.endswith("stopped")
    t[phase] = {"dropped-before": _count_device_overflows(ctx)}
    if stop:
        ctx.qmp("stop")
    t0 = time.monotonic()
    _inject(ctx, dev, n, first)
    t1 = time.monotonic()
    if stop:
        ctx.qmp("cont")
    t[phase].update(n=n, start=t0, injected=t1, resumed=time.monotonic())
    return f"{n} records into {dev} ({memdev}) in {t1 - t0:.2f}s"


def h_drained(ctx, phase):
    """HOST["drained"]: the guest has every record of PHASE it will get;
    the records the devices dropped so far."""
    t = ctx.times[phase]
    t["drained"] = time.monotonic()
    t["dropped"] = _count_device_overflows(ctx)
    return phase


def h_traced(ctx, phase, traced):
    """HOST["traced"]: Linux traced TRACED records of PHASE."""
    ctx.times[phase]["traced"] = int(traced)
    return phase


def h_poison(ctx, n):
    """HOST["poison"]: N separate lines poisoned on the max device."""
    n = int(n)
    t0 = time.monotonic()
    for i in range(n):
        ctx.qmp("cxl-inject-poison", path="max", start=128 * i, length=64)
    ctx.poison = {"n": n, "inject": time.monotonic() - t0}
    return f"{n} lines in {ctx.poison['inject']:.2f}s"


def h_mark(ctx, name, *values):
    """HOST["mark"]: the host's clock at NAME, and what the guest says."""
    ctx.marks = getattr(ctx, "marks", {})
    ctx.marks[name] = (time.monotonic(), values)
    return name


HOST = {"inject": h_inject, "drained": h_drained, "traced": h_traced, "poison": h_poison,
        "mark": h_mark}

GUEST_BODY = r'''
step memdevs-probed wait_memdevs 2 || exit 1
MAX=$(memdev_of 1) DEF=$(memdev_of 2)
echo "max=$MAX def=$DEF"
# Identify Memory Device: event log sizes at 30h (4 x 16 bits), poison
# list maximum at 3Ch (24 bits)
ident() { cxlmbox -d /dev/cxl/$1 send 1 -o 256 | sed -n 's/^out=//p'; }
id=$(ident $MAX)
echo "identify $MAX: $id"
# sizes HEX: the event log sizes and the poison list maximum, as hex
sizes() { echo "$(echo $1 | cut -c97-112) $(echo $1 | cut -c121-126)"; }
echo "event-log-sizes, poison-list-max: $(sizes $id)"
host mark capacities $(sizes $id) >/dev/null
host mark default-capacities $(sizes $(ident $DEF)) >/dev/null

TR=/sys/kernel/tracing
echo 16384 > $TR/buffer_size_kb
echo 1 > $TR/events/cxl/cxl_general_media/enable
echo 1 > $TR/events/cxl/cxl_overflow/enable
# traced DEV: cxl_general_media lines of memdev DEV so far
traced() { grep -c "cxl_general_media: memdev=$1 " $TR/trace; }
# entries: events in the trace buffer (cheap to poll)
entries() { cat $TR/per_cpu/cpu*/stats | awk '/^entries:/ { n += $2 } END { print n }'; }
# wait_entries N: until the buffer has N events, or nothing new for 3 s
# (the host has injected everything by then: only Linux's draining is left)
wait_entries() {
    local last=-1 same=0 e
    while :; do
        e=$(entries)
        [ "$e" -ge "$1" ] && return 0
        if [ "$e" = "$last" ]; then
            same=$((same + 1)); [ $same -ge 30 ] && return 1
        else
            same=0; last=$e
        fi
        sleep 0.1
    done
}

# phase NAME DEV FIRST: N records into DEV (DPAs from 64 * FIRST), then
# wait until Linux has traced them all, or nothing new came for a while
# (the default device drops what its log cannot hold)
phase() {
    local before=$(traced $2) all=$(entries)
    step inject-$1 host inject $1 $2 $N $3 || return 1
    wait_entries $((all + N))
    # the time first: reading the trace back formats every line (slow)
    host drained $1 >/dev/null
    t=$(( $(traced $2) - before ))
    echo "$1: traced $t of $N"
    host traced $1 $t >/dev/null
}
phase stopped $MAX 0
phase running $MAX $N
phase overflow-stopped $DEF 0
phase overflow-running $DEF $N
o=$(grep -c "cxl_overflow: memdev=$DEF " $TR/trace)
echo "$o cxl_overflow events:"
grep "cxl_overflow: memdev=$DEF " $TR/trace | tail -3
host mark linux-overflow-events $o >/dev/null

step inject-poison host poison $N
echo 1 > $TR/events/cxl/cxl_poison/enable
host mark poison-trigger >/dev/null
echo 1 > /sys/bus/cxl/devices/$MAX/trigger_poison_list
host mark poison-triggered >/dev/null
echo 0 > $TR/events/cxl/cxl_poison/enable
host mark poison-trigger-records $(grep -c "cxl_poison: memdev=$MAX " $TR/trace) >/dev/null
host mark poison-list >/dev/null
cxl list -m $MAX --media-errors > /tmp/poison.json
host mark poison-listed >/dev/null
host mark poison-list-records $(grep -o '"offset"' /tmp/poison.json | wc -l) >/dev/null
head -c 600 /tmp/poison.json; echo
'''


def guest(n):
    return GUEST_LIB + f"N={n}\n" + GUEST_BODY


def _count_device_overflows(ctx):
    try:
        text = (ctx.logdir / "qemu-debug.log").read_text(errors="replace")
    except OSError:
        return None
    return sum(1 for ln in text.splitlines() if "cxl_event_overflow" in ln)


def measures(ctx, res):
    rows = []
    marks = getattr(ctx, "marks", {})
    times = getattr(ctx, "times", {})

    def row(measure, value, goal, ok):
        rows.append([measure, value, goal, ok if isinstance(ok, str) else
                     ("pass" if ok else "FAIL")])

    caps = marks.get("capacities", (0, ("", "")))[1]
    row("max device: Identify event log sizes / poison list max",
        " ".join(caps) or "none", "ffff x4 / ffffff (spec maxima)",
        tuple(caps) == ("ffffffffffffffff", "ffffff"))
    dcaps = marks.get("default-capacities", (0, ("", "")))[1]
    row("default device: Identify event log sizes / poison list max",
        " ".join(dcaps) or "none", "2000 x4 / 000100 (32, 256)",
        tuple(dcaps) == ("2000200020002000", "000100"))
    for phase, what in (("stopped", "injected with the VM stopped"),
                        ("running", "injected while the guest drains")):
        t = times.get(phase)
        if not t or "traced" not in t:
            row(f"{what}: records traced", "", "no record lost", "FAIL (did not finish)")
            continue
        row(f"{what}: records traced / injected", f"{t['traced']}/{t['n']}",
            "no record lost", t["traced"] == t["n"])
        row(f"{what}: QMP injection per record",
            f"{(t['injected'] - t['start']) / t['n'] * 1e6:.0f} us", "-", "info")
        if phase == "stopped":
            d = t['drained'] - t['resumed']
            row("guest drain after resume: time (per record)",
                f"{d:.2f} s ({d / t['n'] * 1e6:.0f} us)", "-", "info")
        else:
            d = t['drained'] - t['start']
            row("injection + drain, end to end: time (per record)",
                f"{d:.2f} s ({d / t['n'] * 1e6:.0f} us)", "-", "info")
    linux = int(marks.get("linux-overflow-events", (0, ("0",)))[1][0])
    any_dropped = False
    for phase, what in (("overflow-stopped", "default log (32), injected with the VM stopped"),
                        ("overflow-running", "default log (32), injected while running")):
        t = times.get(phase)
        if not t or "traced" not in t or t["dropped"] is None:
            row(f"{what}: traced + dropped", "", "= injected", "FAIL (did not finish)")
            continue
        dropped = t["dropped"] - t["dropped-before"]
        any_dropped |= dropped > 0
        row(f"{what}: traced + dropped by the device",
            f"{t['traced']} + {dropped} = {t['traced'] + dropped}/{t['n']}",
            "= injected (every loss counted)", t["traced"] + dropped == t["n"])
    row("default log (32): Linux's cxl_overflow events", str(linux),
        "> 0 if any dropped", (linux > 0) == any_dropped)
    p = getattr(ctx, "poison", None)
    for start, end, what in (("poison-trigger", "poison-triggered",
                              "trigger_poison_list (cxl_poison trace events)"),
                             ("poison-list", "poison-listed", "cxl list --media-errors")):
        a, b, c = marks.get(start), marks.get(end), marks.get(start + "-records")
        if not p or not a or not b or not c:
            row(f"poison: {what}", "", "no record lost", "FAIL (did not finish)")
            continue
        got = int(c[1][0]) if c[1] else 0
        row(f"poison: {what}: records / injected", f"{got}/{p['n']}", "no record lost",
            got == p["n"])
        row(f"poison: {what}: time (per record)",
            f"{b[0] - a[0]:.2f} s ({(b[0] - a[0]) / p['n'] * 1e6:.0f} us)", "-", "info")
    if p:
        row("poison: QMP injection per record", f"{p['inject'] / p['n'] * 1e6:.0f} us", "-",
            "info")
    return rows


def case(n, quick):
    return {
        "DESCRIPTION": f"{n} event and {n} poison records injected through QMP, drained by Linux",
        "MACHINE": "q35,cxl=on",
        "TOOLS": ["cxlmbox"],
        "TIMEOUT": 900,
        "QUICK": quick,
        "topology": topology,
        "HOST": HOST,
        "GUEST": guest(n),
        "MEASURES": measures,
    }
