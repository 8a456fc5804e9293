"""CXL host bridges and fixed memory windows, as Linux's cxl_acpi sees them.

Two pxb-cxl host bridges and three windows (one on a bridge at 8k, one
interleaved across both, one restricted to persistent memory): the CEDT and DSDT disassemble cleanly, CHBS UIDs,
CFMWS targets and the ACPI0016 _UIDs agree, and cxl_acpi builds a CXL root
with one root decoder per window, with the sizes, ways, granularity and
targets given on the command line.
"""

DESCRIPTION = "pxb-cxl host bridges + cxl-fmw windows: CEDT/DSDT, cxl_acpi root decoders"

TOPOLOGY = [
    "-M", "q35,cxl=on,"
          "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G,cxl-fmw.0.interleave-granularity=8k,"
          "cxl-fmw.1.targets.0=cxl.1,cxl-fmw.1.targets.1=cxl.2,cxl-fmw.1.size=4G,"
          "cxl-fmw.1.interleave-granularity=8k,"
          "cxl-fmw.2.targets.0=cxl.2,cxl-fmw.2.size=1G,"
          "cxl-fmw.2.restrictions.0=host-only-coherent,cxl-fmw.2.restrictions.1=persistent",
    "-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1",
    "-device", "pxb-cxl,bus_nr=222,bus=pcie.0,id=cxl.2",
]

GUEST = r'''
T=/sys/firmware/acpi/tables
step cedt-present test -r $T/CEDT
cd /tmp
cp $T/CEDT cedt.dat
cp $T/DSDT dsdt.dat
# iasl fails (exit status) on tables it cannot decode; no error or warning lines
iasl_clean() { iasl -d "$1" > "$1.log" 2>&1 && ! grep -iE "error|warning" "$1.log"; }
step cedt-disassembles iasl_clean cedt.dat
step dsdt-disassembles iasl_clean dsdt.dat

# CEDT contents: two CHBS with UIDs 12 and 222 (the bus numbers), two CFMWS
chbs_uids=$(grep -A3 "Subtable Type : 00" cedt.dsl | sed -n 's/.*Associated host bridge : \([0-9A-F]*\)/\1/p' | tr '\n' ' ')
step_eq chbs-uids "0000000C 000000DE " echo "$chbs_uids"
step_match chbs-cxl20-chbcr 'Register length : 0000000000010000' cat cedt.dsl
step_eq cfmws-count 3 sh -c 'grep -c "Subtable Type : 01" cedt.dsl'
step_match cfmws-window-size 'Window size : 0000000100000000' cat cedt.dsl
step_match cfmws1-targets 'First Target : 0000000C' cat cedt.dsl
step_match cfmws1-second-target 'Next Target : 000000DE' cat cedt.dsl

# DSDT: ACPI0016 host bridges with matching _UIDs, and ACPI0017
step_match dsdt-acpi0016 'ACPI0016' cat dsdt.dsl
step_match dsdt-acpi0017 'ACPI0017' cat dsdt.dsl
step_eq acpi0016-uids "12 222" sh -c 'for d in /sys/bus/acpi/devices/ACPI0016:*; do cat $d/uid; done | sort -n | tr "\n" " " | sed "s/ $//"'
step acpi0017-device test -e /sys/bus/acpi/devices/ACPI0017:00
# _OSC: both host bridges grant what Linux asks, incl. CXL memory error reporting
step_eq osc-cxl-mem-error-reporting 2 sh -c 'dmesg | grep -c "_OSC: OS now controls \[CXLMemErrorReporting\]"'
step_eq osc-pcie-aer 2 sh -c 'dmesg | grep "ACPI0016" | grep -c "_OSC: OS now controls .*AER"'

# Linux's view
step_match cxl-root 'root0' cxl list -B
step_eq root-decoders 3 sh -c 'cxl list -D -d root | grep -c "\"decoder\""'
step_match decoder-sizes '"size":4294967296' cxl list -D -d root
step_match decoder-1way '"interleave_ways":1' cxl list -D -d root
step_match decoder-2way '"interleave_ways":2' cxl list -D -d root
step_match decoder-granularity '"interleave_granularity":8192' cxl list -D -d root
step_eq decoders-pmem-capable 3 sh -c 'cxl list -D -d root | grep -c "\"pmem_capable\":true"'
step_eq decoders-ram-capable 2 sh -c 'cxl list -D -d root | grep -c "\"volatile_capable\":true"'
step_match cfmws-restrictions-persistent 'Restrictions : 000A' cat /tmp/cedt.dsl
step_eq host-bridge-dports 2 sh -c 'cxl list -B -T | grep -c "\"dport\""'
'''
