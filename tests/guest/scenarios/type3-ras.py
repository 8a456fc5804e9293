"""RAS errors injected through QMP are reported through AER and logged by
Linux's CXL error handlers.

One cxl-type3 below a root port. The guest enables the cxl_aer_* trace
events. The host injects a correctable error (mem-data-ecc): the device
sets it in its RAS capability and signals a correctable internal error
through AER; Linux's handler traces the status and clears it. Then two
uncorrectable errors (mem-data-ecc with a header log, then internal):
Linux traces both status bits, the first error and its header log, and
goes through AER recovery. Bad arguments are refused with messages
naming the argument; the guest keeps running.
"""

from _cxl import GUEST_LIB, Topology, qmp_refusals

DESCRIPTION = "QMP-injected correctable and uncorrectable RAS errors reach Linux through AER"
MACHINE = "q35,cxl=on"

T = Topology()
T.memdev(T.root_port(T.host_bridge(12), 0))
T.window(["cxl.1"])

BAD = [
    ("cxl-inject-correctable-error", dict(path="nope", type="mem-data-ecc"), "path"),
    ("cxl-inject-correctable-error", dict(path="t3-1", type="melted"), "type"),
    ("cxl-inject-uncorrectable-errors", dict(path="t3-1", errors=[]), "errors"),
    ("cxl-inject-uncorrectable-errors",
     dict(path="t3-1", errors=[dict(type="internal", header=list(range(17)))]), "header"),
    ("cxl-inject-uncorrectable-errors", dict(path="cxl.1", errors=[dict(type="internal", header=[])]),
     "path"),
]


def topology(ctx):
    return T.args(ctx)


HOST = {
    "correctable": [("cxl-inject-correctable-error", dict(path="t3-1", type="mem-data-ecc"))],
    "uncorrectable": [("cxl-inject-uncorrectable-errors",
                       dict(path="t3-1", errors=[dict(type="mem-data-ecc", header=[0x11, 0x22, 0x33]),
                                                 dict(type="internal", header=[0x44])]))],
    "bad": lambda ctx: qmp_refusals(ctx, BAD),
    "port-correctable": [("cxl-inject-correctable-error", dict(path="cxl.1-rp0", type="retry-threshold"))],
    "port-uncorrectable": [("cxl-inject-uncorrectable-errors",
                            dict(path="cxl.1-rp0", errors=[dict(type="mem-data-parity", header=[0x55])]))],
}

GUEST = GUEST_LIB + r'''
# wait_dmesg REGEX: until the kernel log has a line matching REGEX (10 s
# at most); prints the kernel log
wait_dmesg() {
    local i=0
    while [ $i -lt 40 ] && ! dmesg | grep -qE "$1"; do sleep 0.25; i=$((i + 1)); done
    dmesg
}
step memdevs-probed wait_memdevs 1
TR=/sys/kernel/tracing
echo 1 > $TR/events/cxl/cxl_aer_correctable_error/enable
echo 1 > $TR/events/cxl/cxl_aer_uncorrectable_error/enable
step inject-correctable host correctable
step correctable-traced wait_lines 1 cxl_aer_correctable_error
step_match correctable-status "cxl_aer_correctable_error: memdev=mem0 .*status: 'Memory Data ECC Error'" grep cxl_aer $TR/trace
step_match aer-correctable 'cxl_pci .*CXL Bus Error: severity=Correctable' dmesg
step inject-uncorrectable host uncorrectable
step uncorrectable-traced wait_lines 1 cxl_aer_uncorrectable_error
# internal error is bit 14, "Component Specific Error" to Linux; the
# header log is checked by cxl-type3-test (Linux does not print it)
step_match uncorrectable-status "cxl_aer_uncorrectable_error: memdev=mem0 .*status: 'Memory Data ECC Error [|] Component Specific Error' first_error: 'Memory Data ECC Error'" grep cxl_aer $TR/trace
step_match aer-uncorrectable 'cxl_pci .*CXL Bus Error: severity=Uncorrectable' dmesg
step bad-arguments-refused host bad
# the root port: its RAS capability records the error and it signals an
# internal error through its own AER
rp=$(basename $(readlink -f /sys/bus/cxl/devices/port1/dport0))
note "root port $rp"
step port-inject-correctable host port-correctable
step_match port-aer-correctable "$rp: .*Corrected Internal Error|$rp: .*CorrIntErr" wait_dmesg "CorrIntErr|Corrected Internal"
step port-inject-uncorrectable host port-uncorrectable
step_match port-aer-uncorrectable "$rp: .*(UncorrIntErr|Uncorrectable Internal)" wait_dmesg "UncorrIntErr|Uncorrectable Internal"
dmesg | tail -30
step guest-still-running true
'''
