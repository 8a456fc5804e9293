"""Sanitize and Secure Erase of a cxl-type3 with volatile and persistent
capacity, through the memdev's sysfs security files as ndctl's
test/cxl-sanitize.sh drives them.

The host fills both backend files with a pattern before boot. While a pmem
region maps the device, the sanitize request is refused and the data stays.
With the region gone, sanitize runs as a background operation (2 s here):
the security state reads "sanitize" until it completes, `cxl wait-sanitize`
returns once it has, and the host finds both backend files all zero. The
host writes the pattern again, the guest writes security/erase, and the
files are all zero once more. The kernel logs no CXL warning.
"""

from _cxl import (GUEST_LIB, sanitize_intact as intact, sanitize_prewrite as prewrite,
                  sanitize_topology, sanitize_zeroed as zeroed)

DESCRIPTION = "1 HB / 1 RP / ram + pmem: sysfs sanitize and erase zero the backend files"
MACHINE = "q35,cxl=on"
TIMEOUT = 400


def topology(ctx):
    return sanitize_topology(ctx, 2000)


HOST = {"prewrite": prewrite, "intact": intact, "zeroed": zeroed}


def check(ctx):
    ctx.check("files-zero-at-exit", zeroed(ctx) == "all zero",
              "both backend files are all zero after the secure erase")


GUEST = GUEST_LIB + r'''
sec=/sys/bus/cxl/devices/mem0/security
step memdevs-probed wait_memdevs 1
step sanitize-offered test -w $sec/sanitize -a -w $sec/erase
step_eq state-disabled disabled cat $sec/state
step host-pattern-there host intact

step region cxl create-region -t pmem -d decoder0.0 -m mem0
region=$(only_region)
step_match region-committed '"decode_state":"commit"' cxl list -R -r "$region"
step_fails sanitize-refused-while-mapped sh -c "echo 1 > $sec/sanitize"
step_fails erase-refused-while-mapped sh -c "echo 1 > $sec/erase"
step destroy-region cxl destroy-region -f "$region"
step host-pattern-kept host intact

start_sanitize() { echo 1 > $sec/sanitize && date +%s > /tmp/t0 && cat $sec/state; }
step_eq sanitize sanitize start_sanitize
step wait-sanitize cxl wait-sanitize mem0
step took-a-while sh -c 'test $(date +%s) -ge $(($(cat /tmp/t0) + 1))'
step_eq state-disabled-again disabled cat $sec/state
step host-sanitized host zeroed

step host-rewrite host prewrite
step erase sh -c "echo 1 > $sec/erase"
step host-erased host zeroed
step_match memdev-still-there '"memdev":"mem0"' cxl list -M
step_eq kernel-log-clean "" kernel_cxl_trouble
'''
