"""Scan Media seen by the full kernel's guest, through raw mailbox commands
(tools/cxlmbox.c; Linux keeps Scan Media and Get Scan Media Results from
raw users unless its debugfs raw_allow_all is on).

Poison the host injects beforehand (QMP cxl-inject-poison, four lines at
DPA 0x1000) is found by a Scan Media of the first 1 MiB and listed by Get
Scan Media Results with its DPA, source and length; Get Scan Media
Capabilities gives the scan's estimated time (the scan-media-ms property,
20 ms). Scan Media is a background command: Linux does not wait for raw
background commands (its raw path has no poll count), so the ioctl may
fail with ETIMEDOUT while the device goes on scanning; Get Scan Media
Results returns Busy (06h) until the scan is done.
"""

from _cxl import GUEST_LIB, pmem_lsa_device

DESCRIPTION = "Scan Media through raw commands finds the poison QMP injected"
MACHINE = "q35,cxl=on"
KERNEL = "full"
TOOLS = ["cxlmbox"]
ALLOW_WARNINGS = ["raw command path used"]
TIMEOUT = 300


def topology(ctx):
    return pmem_lsa_device(ctx, 1)


HOST = {
    "inject": [("cxl-inject-poison",
                {"path": "t3", "start": 0x1000, "length": 0x100})],
}

GUEST = GUEST_LIB + r'''
step memdevs-probed wait_memdevs 1
step qmp-inject host inject
step allow-raw sh -c "echo 1 > /sys/kernel/debug/cxl/mbox/raw_allow_all"
# DPA 0, 1 MiB (16384 lines)
range=00000000000000000040000000000000
step_match scan-caps '^out=14000000$' cxlmbox raw 4303 $range
step_match scan-start 'errno=ETIMEDOUT|^retval=0[01] ' sh -c "cxlmbox raw 4304 ${range}00; true"
results() {
    for i in $(seq 50); do
        cxlmbox raw 4305 -o 4096 > /tmp/scan.out
        grep -q '^retval=06 ' /tmp/scan.out || break
        sleep 0.1
    done
    cat /tmp/scan.out
}
step_match scan-results '^retval=00 size=48$' results
# header: restart DPA/length 0, flags 0, one record; the record: DPA 0x1000
# with source Internal (2) in its low bits, 4 lines
step_match scan-record '^out=.{32}00000100.{24}021000000000000004000000' cat /tmp/scan.out
step_match scan-results-drained '^retval=00 size=32$' cxlmbox raw 4305
step_eq kernel-log-errors "" sh -c "dmesg -r | grep -E '^<[0-3]>' | grep -iE 'cxl' | grep -v 'timeout waiting for background' || true"
'''
