"""Shared pieces of the CPMU scenarios that count with the guest's perf
(perf-cpmu, perf-cpmu-overflow, perf-cpmu-traffic, perf-cpmu-wrap). Not a
scenario."""

import re

from _cxl import backend

CXL_RST = "docs/system/devices/cxl.rst"
# the subsection of cxl.rst whose perf commands the scenarios run
DOC_SECTION = "Counting with perf in a Linux guest"

# Guest shell helpers: the value perf stat -x, printed for an event (in the
# last step's output), within PCT percent, the overflow interrupts of a PMU
# so far
GUEST_HELPERS = r'''
# (in FILE if given: a step's own output replaces $STEP_OUT)
stat_val() { awk -F, -v e="$1" '$3 == e { print $1 }' "${2:-$STEP_OUT}"; }
# ... and how long the event counted (its running time, ns)
stat_ran() { awk -F, -v e="$1" '$3 == e { print $4 }' "$STEP_OUT"; }
# within PCT percent of REF: within VALUE REF PCT
within() { [ -n "$1" ] && [ -n "$2" ] && [ $(( ($1 - $2) * 100 )) -le $(($2 * $3)) ] &&
           [ $(( ($2 - $1) * 100 )) -le $(($2 * $3)) ]; }
overflow_irqs() { awk -v n="$1_overflow" '$NF == n { s = 0; for (i = 2; i < NF; i++) if ($i ~ /^[0-9]+$/) s += $i; print s }' /proc/interrupts; }
'''


def devices(ctx, opts):
    """One host bridge; per entry i of @opts, a root port rpI and behind it
    a volatile cxl-type3 (256 MiB, backend vmemI) with those options."""
    args = []
    for i in range(len(opts)):
        args += backend(ctx, "ram", f"vmem{i}", "256M", shared=False)
    args += ["-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1"]
    for i, o in enumerate(opts):
        args += ["-device", f"cxl-rp,port={i},bus=cxl.1,id=rp{i},chassis=0,slot={2 + i}",
                 "-device", f"cxl-type3,bus=rp{i},volatile-memdev=vmem{i},{o}"]
    return args + ["-M", "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G"]


def topology(ctx, width=None):
    """cxl.rst's CPMU example: one host bridge, one root port, a volatile
    cxl-type3 "cxl-vmem0" (256 MiB) with one CPMU of 8 counters (of @width
    bits if given)."""
    dev = "id=cxl-vmem0,num-cpmus=1"
    if width:
        dev += f",cpmu-counter-width={width}"
    return devices(ctx, [dev])


# Guest steps: a 1-way ram region on memdev $MEMDEV, its device-DAX
# device $dax bound to device_dax (/dev/$dax). Needs
# APPEND = DAX_APPEND: the region's DAX device stays unbound (the full
# kernel would online it as system RAM, whose kernel accesses would count
# too).
DAX_APPEND = "memhp_default_state=offline"
DEVDAX_STEPS = r'''
step region cxl create-region -t ram -d decoder0.0 -m $MEMDEV
region=$(only_region)
dax=$(ls /sys/bus/cxl/devices/$region/dax_region*/ | grep '^dax[0-9]*\.[0-9]*$' | head -1)
# (the full kernel has no modules for daxctl to load: bind by hand, the
# way daxctl does: new_id lets device_dax claim a kmem-type device)
bind_devdax() {
    [ -e /sys/bus/dax/devices/$dax/driver ] && echo $dax > /sys/bus/dax/devices/$dax/driver/unbind
    echo $dax > /sys/bus/dax/drivers/device_dax/new_id
    test -c /dev/$dax
}
step devdax bind_devdax
'''


def doc_commands(top):
    """The guest commands (lines starting "perf ") of cxl.rst's literal
    blocks in DOC_SECTION."""
    text = (top / CXL_RST).read_text()
    start = text.index("\n" + DOC_SECTION + "\n")
    m = re.search(r"\n[^\n]+\n([-~=^])\1{3,}\n", text[start + len(DOC_SECTION) + 2:])
    body = text[start:start + len(DOC_SECTION) + 2 + (m.start() if m else len(text))]
    return [line.strip() for line in body.splitlines() if line.startswith("    perf ")]


def check_doc_commands(ctx, top, guest, which):
    """Host check: the documented perf commands @which (indices into
    doc_commands) are in the guest script @guest, so the test runs them."""
    cmds = doc_commands(top)
    for i in which:
        ok = i < len(cmds) and cmds[i] in guest
        ctx.check(f"doc-command-{i}-runs", ok, cmds[i] if i < len(cmds) else "missing in cxl.rst")
