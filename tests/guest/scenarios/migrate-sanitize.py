"""Live migration in the middle of a Sanitize the guest started.

One host bridge, one root port, a cxl-type3 with volatile and persistent
capacity in backend files (share=on, which the host fills with a pattern
before boot) and a Sanitize that takes 15 s (sanitize-ms). The guest
starts Sanitize through the memdev's sysfs security file, as ndctl's
test/cxl-sanitize.sh does; while it runs the guest asks the host to
migrate it (run.py's ctx.migrate(): through a file to a new QEMU with
the same command line). On the destination the security state still
reads "sanitize", the operation completes there at the time it was due
(the background operation and the virtual clock migrate), the kernel
learns of it from the mailbox interrupt (`cxl wait-sanitize` returns,
the state reads "disabled" again), and both backend files are still all
zero (the device overwrites its media when Sanitize starts,
cxl-type3-sanitize.c). The kernel logs no CXL warning.
"""

from _cxl import GUEST_LIB, sanitize_intact, sanitize_topology, sanitize_zeroed

DESCRIPTION = "1 HB / 1 RP / ram + pmem: migrated during a 15 s Sanitize, which completes on the destination"
MACHINE = "q35,cxl=on"
TIMEOUT = 300


def topology(ctx):
    return sanitize_topology(ctx, 15000)


HOST = {"intact": sanitize_intact, "zeroed": sanitize_zeroed,
        "migrate": lambda ctx: ctx.migrate()}


def check(ctx):
    ctx.check("files-zero-at-exit", sanitize_zeroed(ctx) == "all zero",
              "both backend files are all zero after the sanitize")


GUEST = GUEST_LIB + r'''
sec=/sys/bus/cxl/devices/mem0/security
step memdevs-probed wait_memdevs 1
step_eq state-disabled disabled cat $sec/state
step host-pattern-there host intact

start_sanitize() { echo 1 > $sec/sanitize && date +%s > /tmp/t0 && cat $sec/state; }
step_eq sanitize sanitize start_sanitize
step host-zeroed-at-start host zeroed
step migrate host migrate

# on the destination
step_eq still-sanitizing sanitize cat $sec/state
step wait-sanitize cxl wait-sanitize mem0
took() { echo "sanitize took $(($(date +%s) - $(cat /tmp/t0))) s"; test $(date +%s) -ge $(($(cat /tmp/t0) + 14)); }
step took-its-time took
step_eq state-disabled-again disabled cat $sec/state
step host-sanitized host zeroed
step_match memdev-still-there '"memdev":"mem0"' cxl list -M
step_eq kernel-log-clean "" kernel_cxl_trouble
'''
