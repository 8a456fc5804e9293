"""Debian's perf in the guest (the image's perf layer, PERF = True) on the
full-coverage kernel, no CXL device: the binary is the kernel's version,
finds every library, lists events and counts a software event.

Under TCG the x86 CPU has no hardware PMU, so only software events are
there; the CXL PMU scenarios count the device's events with the same perf.
"""

from _cxl import GUEST_LIB

DESCRIPTION = "Debian's perf (linux-perf 7.3) in the guest, full kernel: perf list, perf stat -e task-clock"
KERNEL = "full"
PERF = True
TOPOLOGY = []

GUEST = GUEST_LIB + r'''
step_match perf-version '^perf version 7\.3\.4$' perf --version
step_match perf-list-software '^ *task-clock *$' perf list sw
step_match perf-list-tracepoints 'sched:sched_switch' perf list tracepoint
# -x, : CSV on stderr, "VALUE,UNIT,EVENT,RUN-TIME,PERCENT,..."
step_match perf-stat-task-clock '^[0-9]+\.[0-9]+,msec,task-clock,[0-9]+,100\.00' \
    perf stat -x, -e task-clock true
step_match perf-stat-page-faults '^[1-9][0-9]*,,page-faults,' \
    perf stat -x, -e page-faults true
step_eq kernel-log-clean "" kernel_cxl_trouble
'''
