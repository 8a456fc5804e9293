"""Debian's perf on the full kernel counts the CPMU of a cxl-type3 (the
command line of cxl.rst's "Performance monitoring (CPMU)" example): the
device's PMU and its five events are listed, and clock ticks follow the
guest's clock over 0.2 s and 1 s (within 5 % of the time the
counter ran and of the program's duration_time).

The perf commands of cxl.rst's "Counting with perf in a Linux guest" are
the ones this scenario, perf-cpmu-overflow and perf-cpmu-traffic (the
exact traffic counts) run (a host check compares them).
"""

from pathlib import Path

from _cpmu import GUEST_HELPERS, doc_commands, topology
from _cxl import GUEST_LIB

DESCRIPTION = "full kernel + perf, 1 HB / 1 RP / volatile with a CPMU: perf list, clock ticks follow time"
MACHINE = "q35,cxl=on"
KERNEL = "full"
PERF = True
TOP = Path(__file__).resolve().parents[3]
EVENTS = ["clock_ticks", "m2s_req_memrd", "m2s_rwd_memwr", "s2m_drs_memdata", "s2m_ndr_cmp"]


def check(ctx):
    here = Path(__file__).resolve().parent
    scripts = GUEST + "".join((here / f).read_text() for f in
                              ("perf-cpmu-overflow.py", "perf-cpmu-traffic.py"))
    cmds = doc_commands(TOP)
    ctx.check("doc-commands-found", len(cmds) >= 3, f"{len(cmds)} perf commands in cxl.rst")
    for c in cmds:
        ctx.check("doc-command-runs", c in scripts, c)


GUEST = GUEST_LIB + GUEST_HELPERS + r'''
step memdevs-probed wait_memdevs 1
step_match pmu-device '^pmu_mem0\.0$' ls /sys/bus/cxl/devices/
step_match pmu-driver-bound '^pmu_mem0\.0$' ls /sys/bus/cxl/drivers/cxl_pmu/
step_match perf-pmu-registered '^cxl_pmu_mem0\.0$' ls /sys/bus/event_source/devices/
step perf-list perf list pmu
cp "$STEP_OUT" /tmp/pmu-events
''' + "".join(f"step_match perf-list-{e} '^ *cxl_pmu_mem0\\.0/{e}/ +\\[Kernel PMU event\\]' cat /tmp/pmu-events\n"
              for e in EVENTS) + r'''
n=$(grep -c 'cxl_pmu_mem0\.0/.*Kernel PMU event' /tmp/pmu-events)
step_eq perf-list-only-these-events 5 echo "$n"
step_match format-hdm-filter '^config1:18$' cat /sys/bus/event_source/devices/cxl_pmu_mem0.0/format/hdm_filter_en
# clock ticks: 1 GHz of QEMU's virtual clock, the guest's clock too
step clock-short perf stat -x, -e duration_time,cxl_pmu_mem0.0/clock_ticks/ sleep 0.2
d=$(stat_val duration_time); t=$(stat_val cxl_pmu_mem0.0/clock_ticks/)
r=$(stat_ran cxl_pmu_mem0.0/clock_ticks/)
# ticks: the time the counter ran, and the program's duration_time
step clock-short-follows-time within "$t" "$r" 5
step clock-short-follows-duration within "$t" "$d" 5
step clock-short-at-least-0.2s test "$t" -ge 200000000
step clock-long perf stat -x, -e duration_time,cxl_pmu_mem0.0/clock_ticks/ sleep 1
d1=$(stat_val duration_time); t1=$(stat_val cxl_pmu_mem0.0/clock_ticks/)
r=$(stat_ran cxl_pmu_mem0.0/clock_ticks/)
step clock-long-follows-time within "$t1" "$r" 5
step clock-long-follows-duration within "$t1" "$d1" 5
step clock-long-at-least-1s test "$t1" -ge 1000000000
step clock-advances test "$t1" -gt $((t + 500000000))
step doc-clock perf stat -x, -e duration_time,cxl_pmu_mem0.0/clock_ticks/ sleep 0.5
step doc-clock-follows-time within "$(stat_val cxl_pmu_mem0.0/clock_ticks/)" "$(stat_ran cxl_pmu_mem0.0/clock_ticks/)" 5
step_eq kernel-log-clean "" kernel_cxl_trouble
'''
