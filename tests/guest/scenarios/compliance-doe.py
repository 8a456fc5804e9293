"""The CXL Compliance DOE (CXL r3.1 14.16, vendor 1E98h, type 0) from a
Linux guest, on a root port, a switch's upstream and downstream ports and
a memory device.

Linux reads every DOE mailbox's discovery when it enumerates the device
and lists the protocols in sysfs (doe_features/VVVV:TT): Compliance
(1e98:00) is there on each, beside CDAT's Table Access (1e98:02) on the
upstream port and the device. Linux has no interface to exchange objects
with it, so tools/cxldoe.c speaks DOE through the device's configuration
space in sysfs (the kernel does not keep its DOE capability from user
space): Query Capabilities on each (codes 0-2 on the ports, also 0Ch,
Inject Viral, and 10h, Inject Memory Device Poison, on the device), Query
Status, Halt All, an injection our components cannot do (unsupported,
03h), a request shorter than its layout (no response); Inject Viral while
Linux leaves viral disabled (target not initialized, 06h), then with
Viral_Enable set in the CXL device DVSEC (a config write from the shell):
Viral_Status set, and cleared by writing 1; and Inject Memory Device
Poison, whose line `cxl list --media-errors` then lists as injected
poison (Get Poison List), and whose clear removes it again.
"""

from _cxl import GUEST_LIB, Topology

DESCRIPTION = "Compliance DOE from the guest through config space: discovery in sysfs, queries, poison injection"
MACHINE = "q35,cxl=on"
TOOLS = ["cxldoe"]
TIMEOUT = 300

T = Topology()
HB = T.host_bridge(12)
DSPS = T.switch(T.root_port(HB, 0), 2)
T.memdev(DSPS[0])


def topology(ctx):
    return T.args(ctx)


# responses: the DOE header (vendor 1e98, type 0, length in dwords), code,
# version 2, length in bytes, then the status or the bitmasks
RSP = {
    "@CAPS_PORT@": "981e000007000000" + "00021c00" + "0700000000000000" * 2,
    "@CAPS_TYPE3@": "981e000007000000" + "00021c00" + "0710010000000000" * 2,
    "@STATUS@": "981e000005000000" + "010212" + "00" * 9,
    "@HALT_OK@": "981e000003000000" + "02020c00",
    "@POISON_OK@": "981e000003000000" + "10020c00",
    "@POISON_BAD_ADDRESS@": "981e000003000000" + "10020c07",
    "@VIRAL_NOT_ENABLED@": "981e000003000000" + "0c020c06",
    "@VIRAL_OK@": "981e000003000000" + "0c020c00",
    "@CRC_UNSUPPORTED@": "981e000003000000" + "07020c03",
    # requests: code, version 2, reserved; Inject Memory Device Poison's
    # opcode (0 inject, 1 clear), reserved, DPA 0x4000 (and 64 bytes)
    "@INJECT@": "1002000000000000" + "0040000000000000",
    "@CLEAR@": "1002000001000000" + "0040000000000000" + "5a" * 64,
    "@INJECT_UNALIGNED@": "1002000000000000" + "0800000000000000",
}

SCRIPT = r"""
# bdf VENDOR:DEVICE [N]: the N-th (default 1st) PCI function with these IDs
bdf() {
    for d in /sys/bus/pci/devices/*; do
        [ "$(cat $d/vendor):$(cat $d/device)" = "$1" ] && echo ${d##*/}
    done | sed -n "${2:-1}p"
}
RP=$(bdf 0x8086:0x7075)
USP=$(bdf 0x8086:0xc001)
DSP0=$(bdf 0x8086:0xc002 1)
DSP1=$(bdf 0x8086:0xc002 2)
EP=$(bdf 0x8086:0x0d93)
echo "rp=$RP usp=$USP dsp=$DSP0,$DSP1 ep=$EP"
feat() { ls /sys/bus/pci/devices/$1/doe_features/; }
comp() { cxldoe $1 1e98 0 "$2"; }
step memdevs-probed wait_memdevs 1
step found-all test -n "$RP" -a -n "$USP" -a -n "$DSP1" -a -n "$EP"

# discovery, as the kernel read it at enumeration
for f in RP DSP0 DSP1; do
    eval d=\$$f
    step_match discovery-$f '^1e98:00$' feat $d
    step_nomatch discovery-$f-no-cdat '^1e98:02$' feat $d
done
step_match discovery-USP '^1e98:00$' feat $USP
step_match discovery-USP-cdat '^1e98:02$' feat $USP
step_match discovery-EP '^1e98:00$' feat $EP
step_match discovery-EP-cdat '^1e98:02$' feat $EP

# Query Capabilities on each; Query Status, Halt All
for f in RP USP DSP0 DSP1; do
    eval d=\$$f
    step_match caps-$f '^rsp=@CAPS_PORT@$' comp $d 00020000
done
step_match caps-EP '^rsp=@CAPS_TYPE3@$' comp $EP 00020000
step_match status-EP '^rsp=@STATUS@$' comp $EP 01020000
step_match halt-EP '^rsp=@HALT_OK@$' comp $EP 02020000
step_match halt-DSP0 '^rsp=@HALT_OK@$' comp $DSP0 02020000
# Inject Viral on CXL.mem: Linux leaves Viral_Enable clear
step_match viral-not-enabled-EP '^rsp=@VIRAL_NOT_ENABLED@$' comp $EP 0c02000002
# dvsec_of BDF ID: config offset of the device's CXL DVSEC ID (vendor 1e98)
dvsec_of() {
    local d=/sys/bus/pci/devices/$1 off=256 h
    while [ $off -ne 0 ]; do
        h=$((0x$(cfg_rd $d $off 4)))
        if [ $((h & 0xffff)) -eq 35 ] && [ "$(cfg_rd $d $((off + 4)) 2)" = 1e98 ] &&
           [ $((0x$(cfg_rd $d $((off + 8)) 2))) -eq $2 ]; then
            echo $off
            return 0
        fi
        off=$((h >> 20))
    done
    return 1
}
DV=$(dvsec_of $EP 0)
step_match device-dvsec '^[0-9]+$' echo "$DV"
# Viral_Enable (control bit 14), then viral on CXL.mem: Viral_Status (bit 14)
step viral-enable cfg_wb $EP $((DV + 0xd)) 0x40
step_match viral-enabled '^4[0-9a-f]{3}$' cfg_rd /sys/bus/pci/devices/$EP $((DV + 0xc)) 2
step_match viral-EP '^rsp=@VIRAL_OK@$' comp $EP 0c02000002
step_match viral-status '^4000$' cfg_rd /sys/bus/pci/devices/$EP $((DV + 0xe)) 2
step viral-clear cfg_wb $EP $((DV + 0xf)) 0x40
step_match viral-cleared '^0000$' cfg_rd /sys/bus/pci/devices/$EP $((DV + 0xe)) 2

# Inject CRC: not something our components do
step_match crc-unsupported-RP '^rsp=@CRC_UNSUPPORTED@$' comp $RP 070200000101
# Multiple Write Streaming with only its header: no response at all
step_match short-discarded '^rc=3$' sh -c "cxldoe $EP 1e98 0 03020000; echo rc=\$?"
step_match caps-after-discard '^rsp=@CAPS_TYPE3@$' comp $EP 00020000

# Inject Memory Device Poison: in the poison list as injected poison
errors() { cxl list -m mem0 --media-errors | tr -d ' \n'; echo; }
step_nomatch no-poison-at-start '"offset"' errors
step_match inject-mem-poison '^rsp=@POISON_OK@$' comp $EP @INJECT@
step_match injected-listed '"offset":16384,"length":64,"source":"Injected"' errors
step_match clear-mem-poison '^rsp=@POISON_OK@$' comp $EP @CLEAR@
step_nomatch cleared '"offset"' errors
step_match unaligned-address '^rsp=@POISON_BAD_ADDRESS@$' comp $EP @INJECT_UNALIGNED@
step_nomatch kernel-quiet '.' kernel_cxl_trouble
"""
for k, v in RSP.items():
    SCRIPT = SCRIPT.replace(k, v)
GUEST = GUEST_LIB + SCRIPT
