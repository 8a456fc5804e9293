"""The dirty shutdown count rises after QEMU dies, not after a clean
shutdown: a pmem device with a device-state file.

Linux arms dirty shutdown tracking when the CXL nvdimm probes (Set
Shutdown State: dirty). Boot 1 reads the count (0) and the host kills
QEMU with SIGKILL, as a power failure would. Boot 2 finds the count at 1
(Get Health Info, through the nvdimm's dirty_shutdown attribute and cxl
list -H) and powers off cleanly. Boot 3 still finds 1. The device-state
file ends with the count and the shutdown state clean.
"""

from _cxl import GUEST_LIB, pmem_lsa_device

DESCRIPTION = "dirty shutdown count: +1 after SIGKILL of QEMU, unchanged after a clean shutdown"
MACHINE = "q35,cxl=on"
TIMEOUT = 400


def topology(ctx):
    return pmem_lsa_device(ctx, 7, state="t3.state")


def check(ctx):
    text = open(ctx.path("t3.state")).read()
    ctx.check("state-file-count", "dirty-count=1" in text, text.replace("\n", " "))
    ctx.check("state-file-clean", "armed=false" in text, "clean after the last (clean) shutdown")


HOST = {"kill": lambda ctx: ctx.kill_qemu()}

COUNT = GUEST_LIB + r'''
step memdevs-probed wait_memdevs 1
ds_attr() {
    local i=0 f
    while [ $i -lt 60 ]; do
        f=$(find /sys/devices -name dirty_shutdown 2>/dev/null | head -1)
        [ -n "$f" ] && { cat "$f"; return 0; }
        sleep 0.5; i=$((i + 1))
    done
    return 1
}
'''

GUEST = [COUNT + r'''
step_eq dirty-shutdowns-at-first 0 ds_attr
step_match health-count '"dirty_shutdowns":0,' cxl list -H -m mem0
step power-failure host kill
''', COUNT + r'''
step_eq dirty-shutdowns-after-kill 1 ds_attr
step_match health-count '"dirty_shutdowns":1,' cxl list -H -m mem0
step_eq kernel-log-clean "" kernel_cxl_trouble
''', COUNT + r'''
step_eq dirty-shutdowns-after-clean-shutdown 1 ds_attr
step_eq kernel-log-clean "" kernel_cxl_trouble
''']
