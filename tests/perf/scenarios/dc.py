"""Dynamic capacity: an accepted extent behind a decoder that firmware
committed over the DC partition (cxl-region.0.type=dc), through
/dev/mem, against anonymous guest RAM. One device (256 MiB static, a
256 MiB DC region) on one root port of one host bridge; the host offers
an extent as large as the bench size at the start of the DC region, the
guest accepts it with a raw Add Dynamic Capacity Response (the full
kernel; Linux 7.3 has no DCD driver and gives the endpoint up, see
tests/guest/scenarios/dcd-fw-region.py) and measures it at the window's
base through /dev/mem."""

import _bench
from _bench import BENCH_LIB
from _cxl import DCD_LIB, dc_host

DESCRIPTION = "accepted DC extent behind a firmware-committed decoder (/dev/mem) against guest RAM"
MACHINE = "q35,cxl=on"
KERNEL = "full"
TOOLS = ["cxlbench", "cxlmbox"]
ALLOW_WARNINGS = ["raw command path used"]
TIMEOUT = 600
TARGETS = {"read": 0.9, "write": 0.9, "exec": 0.9}


def topology(ctx):
    return ["-M", "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G,"
                  "cxl-region.0.window=0,cxl-region.0.size=256M,"
                  "cxl-region.0.targets.0=dcd0,cxl-region.0.type=dc",
            "-object", "memory-backend-ram,id=vmem0,size=256M",
            "-object", "memory-backend-ram,id=dc0,size=256M",
            "-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1",
            "-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2",
            "-device", "cxl-type3,bus=rp0,volatile-memdev=vmem0,volatile-dc-memdev=dc0,"
                       "num-dc-regions=1,id=dcd0,sn=1"]


HOST = dict(_bench.HOST, **dc_host("dcd0"))

GUEST = BENCH_LIB + DCD_LIB + r'''
M=1048576
DCB=$(( 256 * M ))                      # the DC base DPA
# the extent: the bench size in whole 2 MiB blocks
LEN=$(( (BENCH_MIB + 1) / 2 * 2 * M ))
step memdev wait_fw_dc_memdevs 1 || exit 1
BASE=$(cat /sys/bus/cxl/devices/decoder0.0/start)
step_eq host-offers offered host add 0 $LEN || exit 1
step_eq accept 00 rc 4802 "$(response 4802 $DCB $LEN)" || exit 1
step_eq log-cleared 00 clear_dc_log
# wait for the fast path to map it (the table shows what it mapped;
# nothing with cxl-fast-path=off)
echo "fast path maps $(host mapped $(( LEN / M )) | tail -n 1) MiB"
step bench bench ram=anon cxl=mem:$BASE
'''
