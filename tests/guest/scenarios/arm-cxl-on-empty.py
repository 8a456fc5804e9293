"""cxl=on on aarch64's virt with no CXL device: the arm64 counterpart of
cxl-on-empty. Turning CXL on without a host bridge or a window must not
give the guest anything to use: the CEDT is absent or only its 36-byte
header, no ACPI0016 host bridge, at most the CXL root (ACPI0017 -> root0)
with nothing below it, `cxl list` shows no memdev, decoder or region, and
the kernel logs no CXL trouble.
"""

from _cxl import GUEST_LIB

DESCRIPTION = "aarch64 virt,cxl=on, no CXL device: CEDT absent or empty, nothing below the CXL root, cxl list empty"
ARCH = "aarch64"
MACHINE = "virt,gic-version=3,cxl=on"
TOPOLOGY = []

GUEST = GUEST_LIB + r'''
T=/sys/firmware/acpi/tables
step_eq arch-aarch64 aarch64 uname -m
step_match acpi-tables '^DSDT$' ls $T
cedt_absent_or_empty() {
    if [ -e $T/CEDT ]; then
        echo "CEDT of $(wc -c < $T/CEDT) bytes"
    else
        echo "no CEDT"
    fi
}
step_match cedt-absent-or-header-only '^(no CEDT|CEDT of 36 bytes)$' cedt_absent_or_empty
step_eq no-acpi0016 "" sh -c 'ls -d /sys/bus/acpi/devices/ACPI0016:* 2>/dev/null || true'
step_match cxl-root-at-most '^(|root0)$' sh -c 'echo $(ls /sys/bus/cxl/devices)'
step_eq root-without-dports "" sh -c 'ls -d /sys/bus/cxl/devices/root0/dport* 2>/dev/null || true'
step_eq cxl-list-empty "" sh -c 'cxl list -M -D -R -P 2>/dev/null | grep -E "memdev|decoder|region" || true'
step no-memdev-nodes sh -c '! ls /dev/cxl/mem* 2>/dev/null'
step_eq kernel-log-clean "" kernel_cxl_trouble
'''
