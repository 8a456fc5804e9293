"""Shared pieces of the CPMU scenarios that count with the guest's perf
(perf-cpmu, perf-cpmu-overflow). Not a scenario."""

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


def topology(ctx, width=None):
    """cxl.rst's CPMU example: one host bridge, one root port, a volatile
    cxl-type3 "cxl-vmem0" (256 MiB) with one CPMU of 4 counters (of @width
    bits if given)."""
    dev = "cxl-type3,bus=rp0,volatile-memdev=vmem0,id=cxl-vmem0,num-cpmus=1"
    if width:
        dev += f",cpmu-counter-width={width}"
    return (backend(ctx, "ram", "vmem0", "256M", shared=False) +
            ["-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1",
             "-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2",
             "-device", dev,
             "-M", "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G"])


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
