"""cxl=on and no CXL device: what systemd-vmspawn now passes on every
x86_64 guest. The guest must see what it sees with cxl=off, plus the
empty CXL description it must have: a CEDT with no structure (its
36-byte header) and the ACPI0017 CXL root object, which cxl_acpi binds to
as the CXL root (root0) with no host bridge below it. No memdev, no
decoder, no region; the kernel logs no CXL trouble. (The cost in boot time
and host memory, measured against cxl=off, is in tests/perf/README.md.)
"""

from _cxl import GUEST_LIB

DESCRIPTION = "cxl=on, no CXL device: empty CEDT, ACPI0017 root with nothing below, cxl list empty"
MACHINE = "q35,cxl=on"
TOPOLOGY = []

GUEST = GUEST_LIB + r'''
T=/sys/firmware/acpi/tables
step cedt-present test -f $T/CEDT
step_eq cedt-header-only 36 sh -c "wc -c < $T/CEDT"
step_match acpi0017-present 'ACPI0017' sh -c 'cat /sys/bus/acpi/devices/ACPI0017:*/hid'
step_eq no-acpi0016 "" sh -c 'ls -d /sys/bus/acpi/devices/ACPI0016:* 2>/dev/null || true'
step_eq cxl-root-only "root0" ls /sys/bus/cxl/devices
step_eq root-without-dports "" sh -c 'ls -d /sys/bus/cxl/devices/root0/dport* 2>/dev/null || true'
step_eq cxl-list-empty "" sh -c 'cxl list -M -D -R -P 2>/dev/null | grep -E "memdev|decoder|region" || true'
step no-memdev-nodes sh -c '! ls /dev/cxl/mem* 2>/dev/null'
step_eq kernel-log-clean "" kernel_cxl_trouble
'''
