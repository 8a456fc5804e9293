"""The memdev's fwctl device (Linux's drivers/cxl/core/features.c and
drivers/fwctl) through a guest program (tools/cxlfwctl.c).

Linux makes /dev/fwctl/fwctl0 for the memdev because the device reports a
feature user space may change: QEMU's emulated operation durations (UUID
b0f9f846-2882-47fa-947d-fb72c85fcb6d); the other eight are the kernel's
own (cxl_exclusive_feats). Through it: FWCTL_INFO says CXL; Get Supported
Features lists the nine, the kernel's eight shown not changeable (set size
0, the changeable flag cleared); Get Feature on ours returns the
properties the command line gave (scan-media-ms=25, sanitize-ms=60, the
others their defaults); Set Feature in the full write scope changes them:
Get Feature reads them back and the host's qom-get sees them. The kernel
refuses a Set Feature of ours in a lower scope (EINVAL: the feature's
effects are an immediate configuration change), one of patrol scrub
(EPERM: kernel-exclusive) and one of an unknown feature (EINVAL); the
device answers a malformed one with its return code: Invalid Payload
Length (16h) for a short value, Invalid Input (02h) for a maintenance
time of 16 ms or a sanitize time over an hour, Unsupported Feature Version (19h) for version 2, and nothing
changes.
"""

from _cxl import GUEST_LIB, pmem_lsa_device

DESCRIPTION = "fwctl: CXL features through /dev/fwctl, QEMU's durations feature set from the guest"
MACHINE = "q35,cxl=on"
KERNEL = "full"
TOOLS = ["cxlfwctl"]
TIMEOUT = 300

PROPS = ["scan-media-ms", "fw-transfer-ms-per-mib", "sanitize-ms", "maintenance-ms"]


def topology(ctx):
    args = pmem_lsa_device(ctx, 1)
    i = next(j for j in range(len(args)) if args[j].startswith("cxl-type3,"))
    args[i] += ",scan-media-ms=25,sanitize-ms=60"
    return args


def durations(ctx):
    """The device's duration properties, as qom-get reads them"""
    return " ".join(f"{p}={ctx.qmp('qom-get', path='/machine/peripheral/t3', property=p)}"
                    for p in PROPS)


HOST = {"durations": durations}

GUEST = GUEST_LIB + r'''
# refused ARGS...: cxlfwctl ARGS... fails in the kernel (exit 2, errno=...)
refused() { cxlfwctl "$@"; [ $? -eq 2 ]; }
D=b0f9f846288247fa947dfb72c85fcb6d
SCRUB=96dad7d6fde8482ba73375774e06db8a
# the durations as feature data: le32 scan media, firmware transfer per
# MiB, sanitize, maintenance (ms)
CMDLINE=19000000640000003c00000000000000    # 25, 100, 60, 0
NEW=e803000007000000c40900000c000000        # 1000, 7, 2500, 12
OTHER=01000000010000000100000001000000      # 1, 1, 1, 1
SHORT=010000000100000001000000010000        # 15 bytes
SAN3601=010000000100000081ee360001000000    # sanitize 3600001 ms
MAINT16=01000000010000000100000010000000    # maintenance 16 ms
step memdevs-probed wait_memdevs 1
step fwctl-device test -c /dev/fwctl/fwctl0
step_match fwctl-of-mem0 '/mem0$' readlink -f /sys/class/fwctl/fwctl0/device
step_eq info-cxl "type=2" cxlfwctl info

# Get Supported Features: nine, the kernel's eight not changeable
step features sh -c "cxlfwctl features > /tmp/features"
step_match features-nine '^retval=00 entries=9 supported=9$' cat /tmp/features
# (index, UUID, Get size, effects: immediate configuration 202 or policy
# 208 change; changeable with cold reset persistence, default and saved
# selections is flags 69, 68 without changeable)
for f in "0 96dad7d6fde8482ba73375774e06db8a 4 202" \
         "1 e5b13f2223284a14b8bab9691e893386 9 202" \
         "2 892ba475fad8474e9d3e692c917568bb 20 208" \
         "3 80ea4521786f4127afb1ec7459fb0e24 20 208" \
         "4 96c3338691dd44c79ecbfdaf6503bac4 19 208" \
         "5 450ebf67b1354f97a498c2d57f279bed 19 208" \
         "6 78b7963690ac4b64a4effaac5d18a863 19 208" \
         "7 34dbaff5055242818f76da0b5e7a76a7 19 208"; do
    set -- $f
    step_match "exclusive-$1" "^uuid=$2 id=$1 get=$3 set=0 flags=68 effects=$4 version=1/1\$" grep "^uuid=$2 " /tmp/features
done
step_match durations-changeable "^uuid=$D id=8 get=16 set=16 flags=69 effects=202 version=1/1\$" grep "^uuid=$D " /tmp/features

# Get Feature: the command line's values, current, default and saved
step_match get-size '^retval=00 size=16$' cxlfwctl get $D 16
step_match get-cmdline "^out=$CMDLINE\$" cxlfwctl get $D 16
step_match get-default "^out=$CMDLINE\$" cxlfwctl get $D 16 1
step_match get-saved "^out=$CMDLINE\$" cxlfwctl get $D 16 2
step_match host-cmdline '^scan-media-ms=25 fw-transfer-ms-per-mib=100 sanitize-ms=60 maintenance-ms=0$' host durations
step_match get-scrub '^out=010c0101$' cxlfwctl get $SCRUB 4

# Set Feature in the full write scope (3): the device changes at once
step_match set-full-scope '^retval=00$' cxlfwctl set $D 1 $NEW 3
step_match get-new "^out=$NEW\$" cxlfwctl get $D 16
step_match host-new '^scan-media-ms=1000 fw-transfer-ms-per-mib=7 sanitize-ms=2500 maintenance-ms=12$' host durations
# (Linux sets "saved across reset" on every Set Feature)
step_match get-saved-new "^out=$NEW\$" cxlfwctl get $D 16 2
step_match get-default-kept "^out=$CMDLINE\$" cxlfwctl get $D 16 1

# what the kernel refuses: lower scopes, a kernel-exclusive feature, an
# unknown one; the device never sees them
step_match set-debug-write-scope 'errno=EINVAL' refused set $D 1 $OTHER 2
step_match set-read-only-scope 'errno=EINVAL' refused set $D 1 $OTHER 1
step_match set-configuration-scope 'errno=EINVAL' refused set $D 1 $OTHER 0
step_match set-scrub-exclusive 'errno=EPERM' refused set $SCRUB 1 0601 3
step_match set-unknown-feature 'errno=EINVAL' refused set "$(echo $D | tr b c)" 1 $OTHER 3
step_match scrub-unchanged '^out=010c0101$' cxlfwctl get $SCRUB 4

# what the device refuses: its return codes
step_match set-short '^retval=16$' cxlfwctl set $D 1 $SHORT 3
step_match set-long '^retval=16$' cxlfwctl set $D 1 ${OTHER}00 3
step_match set-sanitize-over-an-hour '^retval=02$' cxlfwctl set $D 1 $SAN3601 3
step_match set-maintenance-16 '^retval=02$' cxlfwctl set $D 1 $MAINT16 3
step_match set-version-2 '^retval=19$' cxlfwctl set $D 2 $OTHER 3
step_match unchanged "^out=$NEW\$" cxlfwctl get $D 16
step_match host-unchanged '^scan-media-ms=1000 fw-transfer-ms-per-mib=7 sanitize-ms=2500 maintenance-ms=12$' host durations

# and back to the command line's values
step_match set-back '^retval=00$' cxlfwctl set $D 1 $CMDLINE 3
step_match host-back '^scan-media-ms=25 fw-transfer-ms-per-mib=100 sanitize-ms=60 maintenance-ms=0$' host durations
step_eq kernel-log-clean "" sh -c "dmesg -r | grep -E '^<[0-3]>' | grep -iE 'cxl|fwctl' || true"
'''
