"""perf counts a program's reads and writes of a devdax region exactly,
on the device's CPMU.

The acceptance test of issue 15's traffic counts: `cachelines`
(tests/guest/tools/cachelines.c) does one aligned 8-byte load or store
per 64-byte line of a device-DAX device on a 1-way ram region of the
cxl-type3, and perf stat must report exactly that many m2s_req_memrd and
s2m_drs_memdata (reads) or m2s_rwd_memwr and s2m_ndr_cmp (writes), and
none of the other kind. Nothing else touches the region's memory.

Linux 7.3's cxl_pmu driver counts these on the CPMU's fixed-function
counters (1 to 4): it never programs a configurable counter's Event
Group ID Index (see cxl.rst, "Why fixed counters").
"""

from _cpmu import DAX_APPEND, DEVDAX_STEPS, GUEST_HELPERS, topology
from _cxl import GUEST_LIB

DESCRIPTION = "perf counts exact reads and writes of a devdax region (CPMU)"
MACHINE = "q35,cxl=on"
KERNEL = "full"
PERF = True
TOOLS = ["cachelines"]
APPEND = DAX_APPEND

GUEST = GUEST_LIB + GUEST_HELPERS + r'''
step memdevs-probed wait_memdevs 1
MEMDEV=mem0
''' + DEVDAX_STEPS + r'''
E=cxl_pmu_mem0.0
EV="$E/m2s_req_memrd/,$E/s2m_drs_memdata/,$E/m2s_rwd_memwr/,$E/s2m_ndr_cmp/"
step read-lines perf stat -x, -e "$EV" cachelines read /dev/$dax 0 1000
cp "$STEP_OUT" /tmp/read.csv
step_eq memrd-counted 1000 stat_val $E/m2s_req_memrd/ /tmp/read.csv
step_eq memdata-counted 1000 stat_val $E/s2m_drs_memdata/ /tmp/read.csv
step_eq no-memwr-on-read 0 stat_val $E/m2s_rwd_memwr/ /tmp/read.csv
step_eq no-cmp-on-read 0 stat_val $E/s2m_ndr_cmp/ /tmp/read.csv
step write-lines perf stat -x, -e "$EV" cachelines write /dev/$dax 65536 777
cp "$STEP_OUT" /tmp/write.csv
step_eq memwr-counted 777 stat_val $E/m2s_rwd_memwr/ /tmp/write.csv
step_eq cmp-counted 777 stat_val $E/s2m_ndr_cmp/ /tmp/write.csv
step_eq no-memrd-on-write 0 stat_val $E/m2s_req_memrd/ /tmp/write.csv
step_eq no-memdata-on-write 0 stat_val $E/s2m_drs_memdata/ /tmp/write.csv
# cxl.rst's command (the device is dax0.0 here)
step_eq doc-device dax0.0 echo $dax
step doc-read perf stat -x, -e cxl_pmu_mem0.0/m2s_req_memrd/,cxl_pmu_mem0.0/s2m_drs_memdata/ cachelines read /dev/dax0.0 0 1000
cp "$STEP_OUT" /tmp/doc.csv
step_eq doc-memrd-counted 1000 stat_val $E/m2s_req_memrd/ /tmp/doc.csv
step_eq doc-memdata-counted 1000 stat_val $E/s2m_drs_memdata/ /tmp/doc.csv
step_eq kernel-log-clean "" kernel_cxl_trouble
'''
