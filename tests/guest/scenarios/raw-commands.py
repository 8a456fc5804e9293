"""Mailbox commands sent by a guest program through Linux's
CXL_MEM_SEND_COMMAND ioctl (tools/cxlmbox.c), mostly as raw commands
(CONFIG_CXL_MEM_RAW_COMMANDS, so the full kernel).

A sample of opcodes from every command set the cxl-type3 implements gets
the spec's return code and output: generic (Identify, Background Operation
Status, Request Abort), events, firmware, timestamp, logs (the CEL's first
entries), Identify Memory Device, partition, LSA, health and alerts,
shutdown state, Get Scan Media Capabilities; malformed payload lengths get
Invalid Payload Length (16h), and Get Dynamic Capacity Configuration on a
device without dynamic capacity Unsupported (03h). The opcodes Linux keeps from raw users (its cxl_disabled_raw_commands
and the Sanitize/security command sets) fail in the kernel with EPERM,
without a return code; with the kernel's debugfs raw_allow_all they reach
the device and succeed (Get Supported Features, Get Poison List, Get
Security State): the refusal is the kernel's, not the device's.

Linux warns (once, with a stack trace) the first time the raw path is
used: ALLOW_WARNINGS accepts exactly that warning.
"""

from _cxl import GUEST_LIB, pmem_lsa_device

DESCRIPTION = "raw mailbox commands through the CXL ioctl: spec return codes, malformed lengths, kernel refusals"
MACHINE = "q35,cxl=on"
KERNEL = "full"
TOOLS = ["cxlmbox"]
ALLOW_WARNINGS = ["raw command path used"]
TIMEOUT = 300


def topology(ctx):
    return pmem_lsa_device(ctx, 1)


GUEST = GUEST_LIB + r'''
# refused CMD...: cxlmbox CMD... fails in the kernel (exit 2, errno=...)
refused() { cxlmbox "$@"; [ $? -eq 2 ]; }
ok() { echo "^retval=00 size=$1\$"; }
# Invalid Payload Length. (On an error Linux reports the output room it
# was given as the size: __cxl_pci_mbox_send_cmd() returns before it reads
# the payload length.)
BADLEN='^retval=16 '
# UUIDs, as the bytes of a command's input: Command Effects Log, patrol scrub
CEL=0da9c0b5bf414b788f7996b1623b3f17
SCRUB=96dad7d6fde8482ba73375774e06db8a
step memdevs-probed wait_memdevs 1

# the kernel's own command numbers (not raw): Get Health Info
step_match id-health-info "$(ok 18)" cxlmbox send 7

# generic command set
step_match identify "$(ok 18)" cxlmbox raw 0001
step_match identify-serial '^out=.{16}0100000000000000' cxlmbox raw 0001
step_match identify-too-long "$BADLEN" cxlmbox raw 0001 00
step_match bg-status "$(ok 8)" cxlmbox raw 0002
step_match abort-bg-idle "$(ok 0)" cxlmbox raw 0005
# Get Dynamic Capacity Configuration on a device without dynamic capacity
# (no num-dc-regions): the device does not serve the DC command set
step_match no-dc-unsupported '^retval=03 ' cxlmbox raw 4800 0800

# events
step_match get-events-info "^retval=00 size=" cxlmbox raw 0100 00
step_match get-events-no-log "$BADLEN" cxlmbox raw 0100
step_match clear-events-short "$BADLEN" cxlmbox raw 0101 000001000000
step_match get-int-policy "$(ok 5)|$(ok 4)" cxlmbox raw 0102

# firmware
step_match fw-info "$(ok 80)" cxlmbox raw 0200
step_match transfer-fw-short "$BADLEN" cxlmbox raw 0201 01000000
step_match activate-fw-kernel-refuses 'errno=EPERM' refused raw 0202 0001

# timestamp: set, then read back (the top 32 bits do not move in 4 s)
step_match set-timestamp "$(ok 0)" cxlmbox raw 0301 0000000044332211
step_match get-timestamp '^out=.{8}44332211$' cxlmbox raw 0300
step_match set-timestamp-short "$BADLEN" cxlmbox raw 0301 00000000

# logs: Get Supported Logs, the CEL's first two entries, log capabilities
step_match supported-logs "^retval=00 size=" cxlmbox raw 0400
step_match cel-head '^out=0100000002000000$' cxlmbox raw 0401 -o 8 "${CEL}0000000008000000"
step_match get-log-unknown '^retval=17 ' cxlmbox raw 0401 "$(echo $CEL | tr 0 1)0000000008000000"
step_match get-log-short "$BADLEN" cxlmbox raw 0401 "$CEL"
step_match log-caps "$(ok 4)" cxlmbox raw 0402 "$CEL"

# features and maintenance: Perform Maintenance is not refused by the kernel
step_match maintenance-short "$BADLEN" cxlmbox raw 0600 0100

# memory device: identify, partition, LSA, health, alerts, shutdown state
step_match identify-memdev "$(ok 69)" cxlmbox raw 4000
step_match partition-info "$(ok 32)" cxlmbox raw 4100
step_match get-lsa "$(ok 16)" cxlmbox raw 4102 0000000010000000
step_match get-lsa-short "$BADLEN" cxlmbox raw 4102 00000000
step_match health-info "$(ok 18)" cxlmbox raw 4200
step_match alert-config "$(ok 16)" cxlmbox raw 4201
step_match set-alert-short "$BADLEN" cxlmbox raw 4202 0000
step_match shutdown-state "$(ok 1)" cxlmbox raw 4203
# (the estimated time: the scan-media-ms property, 20 ms)
step_match scan-media-caps '^out=14000000$' cxlmbox raw 4303 00000000000000000100000000000000
step_match scan-media-caps-short "$BADLEN" cxlmbox raw 4303 0000000000000000

# what the kernel keeps from raw users: refused before the device sees it
gsf=0500 ; gsf_in=2800000000000000
step_match kernel-refuses-features 'errno=EPERM' refused raw $gsf $gsf_in
step_match kernel-refuses-poison 'errno=EPERM' refused raw 4300 00000000000000000100000000000000
step_match kernel-refuses-security 'errno=EPERM' refused raw 4500
step_match kernel-refuses-media-ops 'errno=EPERM' refused raw 4402 00
step_match kernel-refuses-set-lsa 'errno=EPERM' refused raw 4103 00000000000000000000
# ... and reaches the device once the kernel allows every raw command
allow=/sys/kernel/debug/cxl/mbox/raw_allow_all
step allow-all sh -c "echo 1 > $allow"
step_match allowed-features '^retval=00 size=' cxlmbox raw $gsf $gsf_in
step_match allowed-get-feature "$(ok 4)" cxlmbox raw 0501 "${SCRUB}0000040000"
step_match allowed-poison '^retval=00 size=' cxlmbox raw 4300 00000000000000000100000000000000
step_match allowed-security "$(ok 4)" cxlmbox raw 4500
step_match allowed-security-short "$BADLEN" cxlmbox raw 4500 00
step allow-none sh -c "echo 0 > $allow"
step_match refused-again 'errno=EPERM' refused raw 4500
# errors only: the raw path's warning is level 4 and names cxl functions
step_eq kernel-log-clean "" sh -c "dmesg -r | grep -E '^<[0-3]>' | grep -iE 'cxl|nvdimm|pmem|region' || true"
'''
