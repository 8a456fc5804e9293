"""perf's totals across CPMU counter wraps, with the device property
x-cpmu-ignore-freeze-on-overflow=on (the workaround for Linux 7.3's
cxl_pmu driver, which sets Freeze on Overflow and never unfreezes: see
perf-cpmu-overflow for the spec's freeze, and cxl.rst).

Two cxl-type3 behind one host bridge, each with one CPMU and the
property: serial 0x1c with 28-bit counters (clock ticks at 1 GHz wrap
every 2^28 ns, 268 ms) and serial 0x8 with 8-bit counters (traffic
wraps every 256 lines), on which a 1-way ram region's device-DAX is
read and written by `cachelines` (one access per 64-byte line, as in
perf-cpmu-traffic).

Across one wrap the driver's total is right: clock ticks over `sleep
0.4` (one wrap, one interrupt) within 5 % of the time the counter ran,
and exactly 300 MemRd/MemData for 300 line reads and 400 MemWr/Cmp for
400 line writes on the 8-bit counters (which hold at most 255).

Across several wraps it is not, and the scenario asserts what is true.
drivers/perf/cxl_pmu.c's __cxl_pmu_read(event, true), called by
cxl_pmu_irq() for each overflowed counter, computes
    delta = (new_cnt - prev_cnt) & GENMASK_ULL(counter_width - 1, 0);
    if (overflow && delta < GENMASK_ULL(counter_width - 1, 0))
        delta += (1UL << info->counter_width);
with prev_cnt the counter at its last read. The first interrupt's
prev_cnt is the 0 cxl_pmu_event_start() wrote: exact. A later one's is
the value the previous interrupt read, some time after that wrap; when
this interrupt reads a smaller value (it came sooner after its wrap),
the masked delta already spans the wrap and the added 2^width counts it
twice. An interrupt that comes after a second wrap (the 8-bit counters
wrap within 256 accesses, and interrupts came that late here) adds one
2^width for two, and one that comes after perf stopped the counter adds
none. So a total across n wraps is the true count plus k * 2^width, k
from -n to n - 1 (clock ticks: 0 to n - 1, their interrupts come well
within a wrap, before the end): over `sleep 2` (7 wraps) the ticks minus
the time ran are a multiple of 2^28 (within 2 % of the time), and 1000
line reads (3 wraps) count 1000 modulo 256, within 768 of it. Measured figures: cxl.rst, "Counting with
perf in a Linux guest".
"""

from _cpmu import DAX_APPEND, DEVDAX_STEPS, GUEST_HELPERS, devices
from _cxl import GUEST_LIB

DESCRIPTION = "perf's totals across CPMU wraps with x-cpmu-ignore-freeze-on-overflow: exact over one wrap"
MACHINE = "q35,cxl=on"
KERNEL = "full"
PERF = True
TOOLS = ["cachelines"]
APPEND = DAX_APPEND


def topology(ctx):
    wrap = "num-cpmus=1,x-cpmu-ignore-freeze-on-overflow=on"
    return devices(ctx, [f"id=clk,sn=28,{wrap},cpmu-counter-width=28",
                         f"id=trf,sn=8,{wrap},cpmu-counter-width=8"])


GUEST = GUEST_LIB + GUEST_HELPERS + r'''
step memdevs-probed wait_memdevs 2
memdev_sn() { for m in /sys/bus/cxl/devices/mem*; do [ "$(cat $m/serial)" = "$1" ] && basename $m; done; }
mc=$(memdev_sn 0x1c); mt=$(memdev_sn 0x8)
C=cxl_pmu_$mc.0; T=cxl_pmu_$mt.0
note "clock ticks on $C (28 bits), traffic on $T (8 bits)"
step_match clock-pmu-registered "^$C\$" ls /sys/bus/event_source/devices/
step_match traffic-pmu-registered "^$T\$" ls /sys/bus/event_source/devices/
W=268435456

# clock ticks, one wrap: right
b=$(overflow_irqs $C)
step clock-one-wrap perf stat -x, -e duration_time,$C/clock_ticks/ sleep 0.4
t=$(stat_val $C/clock_ticks/); r=$(stat_ran $C/clock_ticks/)
n=$(($(overflow_irqs $C) - b))
note "clock ticks over sleep 0.4: $t, ran $r ns, $n interrupts"
step clock-one-wrap-wrapped test "$t" -ge $W -a "$t" -lt $((2 * W))
step_eq clock-one-wrap-interrupt 1 echo $n
step clock-one-wrap-follows-time within "$t" "$r" 5

# clock ticks, 7 wraps: the time ran plus k * 2^28, 0 <= k < wraps
b=$(overflow_irqs $C)
step clock-wraps perf stat -x, -e $C/clock_ticks/ sleep 2
t=$(stat_val $C/clock_ticks/); r=$(stat_ran $C/clock_ticks/)
n=$(($(overflow_irqs $C) - b))
k=$(( (t - r + W / 2) / W )); res=$((t - r - k * W))
note "clock ticks over sleep 2: $t, ran $r ns, $n interrupts: ran + $k * 2^28 + $res"
step clock-wraps-interrupts test "$n" -ge 7
step clock-wraps-multiple-of-2^28 test "$res" -le $((r / 50)) -a "$res" -ge $((-r / 50))
step clock-wraps-extra-below-wraps test "$k" -ge 0 -a "$k" -lt "$n"

MEMDEV=$mt
''' + DEVDAX_STEPS + r'''
EV="$T/m2s_req_memrd/,$T/s2m_drs_memdata/,$T/m2s_rwd_memwr/,$T/s2m_ndr_cmp/"

# traffic on 8-bit counters, one wrap: exact (the sleep gives the wrap's
# interrupt time to come before perf stops the counter)
b=$(overflow_irqs $T)
step read-one-wrap perf stat -x, -e "$EV" sh -c "cachelines read /dev/$dax 0 300 && sleep 0.2"
cp "$STEP_OUT" /tmp/read.csv
note "300 line reads: $(($(overflow_irqs $T) - b)) interrupts"
step read-one-wrap-interrupt test $(($(overflow_irqs $T) - b)) -ge 1
step_eq read-one-wrap-memrd 300 stat_val $T/m2s_req_memrd/ /tmp/read.csv
step_eq read-one-wrap-memdata 300 stat_val $T/s2m_drs_memdata/ /tmp/read.csv
step_eq read-one-wrap-no-memwr 0 stat_val $T/m2s_rwd_memwr/ /tmp/read.csv
b=$(overflow_irqs $T)
step write-one-wrap perf stat -x, -e "$EV" sh -c "cachelines write /dev/$dax 65536 400 && sleep 0.2"
cp "$STEP_OUT" /tmp/write.csv
step write-one-wrap-interrupt test $(($(overflow_irqs $T) - b)) -ge 1
step_eq write-one-wrap-memwr 400 stat_val $T/m2s_rwd_memwr/ /tmp/write.csv
step_eq write-one-wrap-cmp 400 stat_val $T/s2m_ndr_cmp/ /tmp/write.csv
step_eq write-one-wrap-no-memrd 0 stat_val $T/m2s_req_memrd/ /tmp/write.csv

# traffic, 3 wraps: 1000 modulo 256, within 3 * 256
step read-wraps perf stat -x, -e "$EV" cachelines read /dev/$dax 0 1000
m=$(stat_val $T/m2s_req_memrd/); d=$(stat_val $T/s2m_drs_memdata/)
note "1000 line reads: memrd $m, memdata $d"
step_eq read-wraps-memrd-modulo-256 0 echo $(( (m - 1000) % 256 ))
step_eq read-wraps-memdata-modulo-256 0 echo $(( (d - 1000) % 256 ))
step read-wraps-within-3-wraps test $((m - 1000)) -le 768 -a $((1000 - m)) -le 768
step_eq kernel-log-clean "" kernel_cxl_trouble
'''
