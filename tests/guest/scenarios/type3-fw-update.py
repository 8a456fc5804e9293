"""Firmware update of one cxl-type3 as a user of `cxl` drives it.

`cxl list -F` shows the device's firmware slots (2 slots, slot 1 active
with the built-in revision, online activation capable). `cxl
update-firmware --wait` sends a 1 MiB image (its first 16 bytes are its
version string) through Linux's fw_upload: Transfer FW parts as
background operations, completed through the mailbox interrupt, then
Activate FW for the next reset. It must finish in under 10 s, measured in
the guest. Afterwards slot 2 holds the new version and is staged; a
secondary bus reset of the device (sysfs `reset`) makes it the active
slot. The kernel log stays free of CXL warnings. QEMU restarted with the
same device-state file: slot 2 is still active with the new version, and
the file beside it holds the image.
"""

from _cxl import GUEST_LIB, MiB

DESCRIPTION = "1 HB / 1 RP / 1 MiB cxl update-firmware --wait < 10 s, staged then active after reset"
MACHINE = "q35,cxl=on"
TIMEOUT = 300

VERSION = b"QEMU-FW-TEST 2.0"      # exactly 16 bytes: the slot revision


def image():
    body = bytes((i * 131 + 7) & 0xff for i in range(1 * MiB - len(VERSION)))
    return VERSION + body


FILES = {"/fw.bin": image()}

def topology(ctx):
    return ["-object", "memory-backend-ram,id=vmem0,size=256M",
            "-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1",
            "-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2",
            "-device", "cxl-type3,bus=rp0,volatile-memdev=vmem0,id=t3,sn=0x7,"
                       "device-state=" + ctx.path("t3.state"),
            "-M", "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G"]


def check(ctx):
    try:
        kept = open(ctx.path("t3.state") + ".slot2", "rb").read()
    except OSError as e:
        kept = str(e).encode()
    ctx.check("image-in-device-state", kept == image(), "FILE.slot2 holds the transferred image")


GUEST = [GUEST_LIB + r'''
step memdevs-probed wait_memdevs 1
fw() { cxl list -F -m mem0; }
step_match fw-slots '"num_slots":2' fw
step_match fw-active-1 '"active_slot":1' fw
step_nomatch fw-none-staged '"staged_slot"' fw
step_match fw-online-capable '"online_activate_capable":true' fw
step_match fw-slot1-version '"slot_1_version":"QEMU CXL 1.0"' fw
step_eq fw-image-size 1048576 sh -c 'wc -c < /fw.bin'
update() {
    local t0 t1
    t0=$(date +%s)
    cxl update-firmware --wait -F /fw.bin mem0 || return 1
    t1=$(date +%s)
    echo "update took $((t1 - t0)) s"
    [ $((t1 - t0)) -lt 10 ]
}
step fw-update-under-10s update
step_nomatch fw-update-done '"fw_update_in_progress":true' fw
step_match fw-staged-2 '"staged_slot":2' fw
step_match fw-still-active-1 '"active_slot":1' fw
step_match fw-slot2-version '"slot_2_version":"QEMU-FW-TEST 2.0"' fw
step_eq kernel-log-clean "" kernel_cxl_trouble
pci=$(cxl list -M -m mem0 | sed -n 's/.*"host":"\([^"]*\)".*/\1/p')
step device-reset sh -c "echo 1 > /sys/bus/pci/devices/$pci/reset"
step_match fw-active-2 '"active_slot":2' fw
step_nomatch fw-nothing-staged '"staged_slot"' fw
step_match fw-slot2-kept '"slot_2_version":"QEMU-FW-TEST 2.0"' fw
# the PCI core announces the reset it was asked for ("resetting"); nothing else
after_reset_trouble() { kernel_cxl_trouble | grep -v "cxl_pci $pci: resetting\$" || true; }
step_eq kernel-log-clean-after-reset "" after_reset_trouble
''', GUEST_LIB + r'''
# QEMU restarted with the same device-state file: the device still runs
# the new firmware
step memdevs-probed wait_memdevs 1
fw() { cxl list -F -m mem0; }
step_match fw-active-2-after-restart '"active_slot":2' fw
step_match fw-slot2-version-after-restart '"slot_2_version":"QEMU-FW-TEST 2.0"' fw
step_match identify-revision '"firmware_version":"QEMU-FW-TEST 2.0"' cxl list -m mem0
''']
