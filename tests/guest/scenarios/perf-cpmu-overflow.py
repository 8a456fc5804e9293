"""A CPMU counter wraps under the guest's perf: a cxl-type3 with
cpmu-counter-width=28, whose clock-ticks counter (1 GHz) wraps every 2^28
ns (268 ms). Over 0.1 s nothing wraps and perf reports the time; over
0.5 s the counter wraps once, the CPMU's MSI-X interrupt reaches Linux's
cxl_pmu driver (its /proc/interrupts count grows) and perf's total
includes the wrap (at least 2^28: the counter itself holds only what
came after it). Linux 7.3 leaves the counters frozen after the wrap
(cxl.rst), so the total is not checked against the run's duration here,
with the spec's freeze; perf-cpmu-wrap checks it with the device's
x-cpmu-ignore-freeze-on-overflow=on.
"""

from _cpmu import GUEST_HELPERS, topology as cpmu_topology
from _cxl import GUEST_LIB

DESCRIPTION = "full kernel + perf, CPMU counters of 28 bits: a clock-ticks wrap, its interrupt, perf counts it"
MACHINE = "q35,cxl=on"
KERNEL = "full"
PERF = True


def topology(ctx):
    return cpmu_topology(ctx, width=28)


GUEST = GUEST_LIB + GUEST_HELPERS + r'''
step memdevs-probed wait_memdevs 1
step_match perf-pmu-registered '^cxl_pmu_mem0\.0$' ls /sys/bus/event_source/devices/
step_match irq-registered 'cxl_pmu_mem0\.0_overflow' cat /proc/interrupts
before=$(overflow_irqs cxl_pmu_mem0.0)
step no-wrap perf stat -x, -e duration_time,cxl_pmu_mem0.0/clock_ticks/ sleep 0.1
t=$(stat_val cxl_pmu_mem0.0/clock_ticks/)
step no-wrap-follows-time within "$t" "$(stat_ran cxl_pmu_mem0.0/clock_ticks/)" 5
step no-wrap-below-2^28 test "$t" -lt 268435456
step_eq no-wrap-no-interrupt "$before" overflow_irqs cxl_pmu_mem0.0
step wrap perf stat -x, -e cxl_pmu_mem0.0/clock_ticks/ sleep 0.5
t=$(stat_val cxl_pmu_mem0.0/clock_ticks/)
note "clock ticks over 0.5 s with a 28-bit counter: $t"
step wrap-counted test "$t" -ge 268435456
step wrap-counted-once test "$t" -lt 536870912
after=$(overflow_irqs cxl_pmu_mem0.0)
step wrap-interrupt test "$after" -gt "$before"
step_eq kernel-log-clean "" kernel_cxl_trouble
'''
