"""RAS of a CXL 1.1 Restricted CXL Host: errors of the RCH downstream
port, injected through QMP at the RCD, reach Linux through a Root
Complex Event Collector, and the guest lives on with its region.

pxb-cxl,rch=on with its RCD (firmware-set DVSEC range, region assembled
at boot) and a pcie-rcec on the RCH's bus (device 1Fh; its RCEC Endpoint
Association bitmap names the RCD's device 0). Linux binds portdrv to the
RCEC, finds the RCD among its associated RCiEPs and unmasks the RCEC's
internal errors (cxl_rch_enable_rcec(): "CXL: Internal errors
unmasked"). QMP's cxl-inject-correctable-error with the RCD as path logs
the error in the downstream port's RAS and RCRB AER and the RCEC reports
a Corrected Internal Error of its own: Linux's AER driver logs it for the
RCEC, and its RCH handler (cxl_rch_handle_error()) calls the RCD's
cxl_pci error handler, which handles the RCH downstream port's errors
(cxl_handle_rdport_errors()); the function tracer shows both calls.
Then, with the RCEC's Uncorrectable Internal Error made non-fatal (its
AER severity, as an OS may set it), an uncorrectable error: the same
path (cxl_error_detected() for the RCD, which finds no error of its own
and lets it run), then AER recovery of the RCEC ("device recovery
successful"); the memdev stays bound and the region committed. (A fatal
one, the default severity, would detach the memdev: "frozen state error
detected, disable CXL.mem".) Afterwards the region is onlined, filled
and read back, and the host finds the data in the backend. Bad paths
(the RCEC, the RCH) are refused naming the argument.

What Linux 7.3.4 does not do: log the downstream port's AER and RAS
detail (pci_print_aer() of the RCRB's AER, the cxl_aer_* trace events).
devm_cxl_dport_rch_ras_setup() (drivers/cxl/core/ras.c) returns at once
for every RCH: it asks dev_is_pci() of the dport device, which for an
RCH is the host bridge (pci_root->bus->bridge, no PCI device), so it
never maps the port's RAS or AER and cxl_handle_rdport_errors() finds
nothing to read. Were that fixed, cxl_rcrb_to_aer() would still fail to
reserve the whole RCRB, whose PCIe capability cxl_dport_map_rcd_linkcap()
keeps reserved since cxl_pci's probe. The qtest cxl-rch-test checks what
the kernel would read there (the Device ID pointer walk, the AER and RAS
status bits).

Linux 7.3 warns once when it attaches an RCD to a region (see _rch.py):
the scenario allows that warning only.
"""

from _cxl import GUEST_LIB, RAM_ONLINE_STEPS, backend, memfill_verifier, qmp_refusals, MiB
from _rch import ALLOW_WARNINGS, RCH_LIB, rch_args

DESCRIPTION = "CXL 1.1 RCH RAS: QMP errors at the RCD reach Linux through a pcie-rcec, the region lives on"
MACHINE = "q35,cxl=on"
CPU = "max"                     # hypervisor bit set: Linux cannot flush caches
TOOLS = ["memfill"]
APPEND = "memhp_default_state=offline"
TIMEOUT = 400
SIZE = 256 * MiB
SEED = 13

BAD = [
    ("cxl-inject-correctable-error", dict(path="rcec", type="mem-data-ecc"), "path"),
    ("cxl-inject-uncorrectable-errors", dict(path="rch", errors=[dict(type="internal", header=[])]),
     "path"),
]


def topology(ctx):
    return (["-object", "memory-backend-ram,id=ram0,size=2G", "-numa", "node,nodeid=0,memdev=ram0"] +
            backend(ctx, "ram", "rcd-vmem", "256M") +
            rch_args("volatile-memdev=rcd-vmem,sn=0x13",
                     "cxl-region.0.window=0,cxl-region.0.size=256M,cxl-region.0.targets.0=rcd") +
            ["-device", "pcie-rcec,bus=rch,addr=1f,id=rcec"])


HOST = {
    "verify": memfill_verifier("rcd-vmem", SIZE, SEED),
    "correctable": [("cxl-inject-correctable-error", dict(path="rcd", type="mem-data-ecc"))],
    "uncorrectable": [("cxl-inject-uncorrectable-errors",
                       dict(path="rcd", errors=[dict(type="mem-data-ecc", header=[0x11, 0x22])]))],
    "bad": lambda ctx: qmp_refusals(ctx, BAD),
}

GUEST = GUEST_LIB + RCH_LIB + r'''
RCEC=0000:0c:1f.0
# wait_dmesg REGEX: until the kernel log has a line matching REGEX (10 s
# at most); prints the kernel log
wait_dmesg() {
    local i=0
    while [ $i -lt 40 ] && ! dmesg | grep -qE "$1"; do sleep 0.25; i=$((i + 1)); done
    dmesg
}
# ext_cap BDF ID: the offset of extended capability ID in config space
ext_cap() {
    local d=/sys/bus/pci/devices/$1 off=256 h
    while [ $off -ne 0 ]; do
        h=$((0x$(cfg_rd $d $off 4)))
        if [ $((h & 0xffff)) -eq $2 ]; then
            echo $off
            return 0
        fi
        off=$((h >> 20))
    done
    return 1
}
step memdevs-probed wait_memdevs 1
step regions-assembled wait_regions 1
region=$(only_region)
step_match rcec-enumerated "pci $RCEC: .*class 0x080700 PCIe Root Complex Event Collector" dmesg
step_match rcec-aer "pcieport $RCEC: AER: enabled with IRQ" dmesg
# Linux found the RCD among the RCEC's RCiEPs
step_match rcec-handles-cxl "pcieport $RCEC: CXL: Internal errors unmasked" dmesg
TR=/sys/kernel/tracing
echo 'cxl_cor_error_detected cxl_error_detected cxl_handle_rdport_errors' > $TR/set_ftrace_filter
step_eq traced-functions 3 sh -c "grep -c . $TR/set_ftrace_filter"
echo function > $TR/current_tracer

step inject-correctable host correctable
step_match rcec-correctable "pcieport $RCEC: AER: Correctable Error message received from $RCEC" \
    wait_dmesg "Correctable Error message received"
step_match rcec-corr-internal "$RCEC: +\[14\] CorrIntErr" dmesg
step_match rch-handler-correctable 'cxl_cor_error_detected <-cxl_rch_handle_error_iter' cat $TR/trace
step_match rdport-correctable 'cxl_handle_rdport_errors <-cxl_cor_error_detected' cat $TR/trace

# the RCEC's Uncorrectable Internal Error non-fatal (severity bit 22)
aer=$(ext_cap $RCEC 1)
sev=$((0x$(cfg_rd /sys/bus/pci/devices/$RCEC $((aer + 14)) 1)))
step internal-non-fatal cfg_wb $RCEC $((aer + 14)) $((sev & ~0x40))
internal_sev() { echo $(( 0x$(cfg_rd /sys/bus/pci/devices/$RCEC $((aer + 12)) 4) & 0x400000 )); }
step_eq internal-severity 0 internal_sev
echo > $TR/trace
step inject-uncorrectable host uncorrectable
step_match rcec-uncorrectable "pcieport $RCEC: AER: Uncorrectable \(Non-Fatal\) Error message received from $RCEC" \
    wait_dmesg "Uncorrectable .*Error message received"
step_match rcec-uncorr-internal "$RCEC: +\[22\] UncorrIntErr" dmesg
step_match rch-handler-uncorrectable 'cxl_error_detected <-cxl_rch_handle_error_iter' cat $TR/trace
step_match rdport-uncorrectable 'cxl_handle_rdport_errors <-cxl_error_detected' cat $TR/trace
step_match rcec-recovered "pcieport $RCEC: AER: device recovery successful" \
    wait_dmesg "device recovery"
echo nop > $TR/current_tracer
step bad-arguments-refused host bad
step_match memdev-still-bound '"memdev":"mem0"' cxl list -M
step_match region-still-committed '"decode_state":"commit"' cxl list -R -r "$region"
''' + RAM_ONLINE_STEPS.replace("memfill \"$node\" \"$free_mib\" 5", "memfill \"$node\" \"$free_mib\" 13").replace(
    'step_eq kernel-log-clean "" kernel_cxl_trouble', 'step_eq kernel-log-clean "" rch_trouble')
