"""The cxl-type3's features as the full kernel's EDAC sees them
(drivers/cxl/core/edac.c, Documentation/ABI/testing/sysfs-edac-*).

Feature discovery (Get Supported Features at probe) gives the memdev an
EDAC device cxl_mem0 with one patrol scrub, an ECS control per media FRU
(2) and a memory repair instance per repair feature Linux drives (the four
memory sparing features and soft PPR). Their sysfs attributes read the
device's values (Get Feature), and each write reaches the device: read
back with Get Feature through the raw ioctl (tools/cxlmbox.c, the kernel's
raw_allow_all on, as it keeps Get Feature for itself). A soft PPR repair
request goes to the device (Perform Maintenance) with the nibble mask the
guest asked for, as the Memory Sparing Event Record the device then logs
shows (the kernel's cxl_memory_sparing trace), and uses one of the
device's spare resources (host check on the device-state file). The DPA
and nibble mask the device received are in QEMU's cxl_type3_ppr trace
(read by the host from qemu-debug.log); a DPA outside the device's range
is refused by the kernel.
"""

import configparser

from _cxl import GUEST_LIB, pmem_lsa_device

DESCRIPTION = "EDAC scrub/ECS/memory repair of the full kernel on the cxl-type3 features"
MACHINE = "q35,cxl=on"
KERNEL = "full"
TOOLS = ["cxlmbox"]
ALLOW_WARNINGS = ["raw command path used"]
TIMEOUT = 300
SPARES = 4


def topology(ctx):
    args = pmem_lsa_device(ctx, 1, state="dev.state")
    i = next(j for j in range(len(args)) if args[j].startswith("cxl-type3,"))
    args[i] += f",maintenance-spares={SPARES}"
    return args + ["-trace", "cxl_type3_ppr"]


def ppr_trace(ctx):
    """The PPR requests the device received (QEMU's trace, run.py's -D log)"""
    text = open(ctx.logdir / "qemu-debug.log", errors="replace").read()
    return "; ".join(l.split("cxl_type3_ppr ", 1)[1] for l in text.splitlines()
                     if "cxl_type3_ppr " in l) or "none"


HOST = {"ppr_trace": ppr_trace}


def check(ctx):
    kf = configparser.ConfigParser()
    kf.read(ctx.path("dev.state"))
    left = kf.get("features", "soft-ppr-spares", fallback=None)
    ctx.check("soft-ppr-spare-used", left == str(SPARES - 1),
              f"soft-ppr-spares={left}, expected {SPARES - 1}")


GUEST = GUEST_LIB + r'''
E=/sys/bus/edac/devices/cxl_mem0
SCRUB=96dad7d6fde8482ba73375774e06db8a
ECS=e5b13f2223284a14b8bab9691e893386
# feature UUID COUNT: Get Feature (current value) of COUNT bytes, as hex
feature() {
    cxlmbox raw 0501 -o "$2" "$1$(printf '0000%02x0000' "$2")" |
        sed -n 's/^out=//p'
}
step memdevs-probed wait_memdevs 1
step allow-raw sh -c "echo 1 > /sys/kernel/debug/cxl/mbox/raw_allow_all"

# discovery: an EDAC device with the features Linux drives
step edac-device test -d $E
step_eq edac-features "ecs_fru0 ecs_fru1 mem_repair0 mem_repair1 mem_repair2 mem_repair3 mem_repair4 scrub0" \
    sh -c "cd $E && ls -d scrub* ecs_fru* mem_repair* | sort | xargs"

# patrol scrub: defaults 12 h, minimum 1 h, enabled
step_eq scrub-cycle 43200 cat $E/scrub0/current_cycle_duration
step_eq scrub-min 3600 cat $E/scrub0/min_cycle_duration
step_eq scrub-enabled 1 cat $E/scrub0/enable_background
step_eq scrub-device-default 010c0101 feature $SCRUB 4
step scrub-set-2h sh -c "echo 7200 > $E/scrub0/current_cycle_duration"
step_eq scrub-device-2h 01020101 feature $SCRUB 4
step_eq scrub-cycle-2h 7200 cat $E/scrub0/current_cycle_duration
step scrub-disable sh -c "echo 0 > $E/scrub0/enable_background"
step_eq scrub-device-disabled 01020100 feature $SCRUB 4
step_eq scrub-disabled 0 cat $E/scrub0/enable_background
step_fails scrub-below-min sh -c "echo 60 > $E/scrub0/current_cycle_duration"

# ECS: per FRU threshold 1024 (index 4), count mode 0, log entry type 0
step_eq ecs-threshold 1024 cat $E/ecs_fru0/threshold
step_eq ecs-mode 0 cat $E/ecs_fru0/mode
step_eq ecs-log-type 0 cat $E/ecs_fru0/log_entry_type
step_eq ecs-device-default 000004000000040000 feature $ECS 9
step ecs-set-threshold sh -c "echo 4096 > $E/ecs_fru0/threshold"
step_eq ecs-device-threshold 000005000000040000 feature $ECS 9
step_eq ecs-threshold-4096 4096 cat $E/ecs_fru0/threshold
step ecs-set-mode sh -c "echo 1 > $E/ecs_fru1/mode"
step_eq ecs-device-mode 0000050000000c0000 feature $ECS 9
step_fails ecs-bad-threshold sh -c "echo 100 > $E/ecs_fru0/threshold"

# memory repair: soft PPR of DPA 0x1000, nibble mask 0x5a5a5a
ppr=$(grep -l '^ppr$' $E/mem_repair*/repair_type | head -n 1 | xargs dirname)
step ppr-instance test -n "$ppr"
step_eq ppr-soft 0 cat $ppr/persist_mode
T=/sys/kernel/tracing
step trace-sparing sh -c "echo 1 > $T/events/cxl/cxl_memory_sparing/enable"
step ppr-dpa sh -c "echo 0x1000 > $ppr/dpa"
step ppr-nibble sh -c "echo 0x5a5a5a > $ppr/nibble_mask"
step_eq ppr-dpa-read 0x1000 cat $ppr/dpa
# Perform Maintenance completes before it returns (maintenance-ms 0, the
# default): Linux's EDAC repair sends it without polling for a background
# operation (cxl_perform_maintenance leaves poll_count 0)
step ppr-repair sh -c "echo 1 > $ppr/repair"
step_match ppr-reached-device-with-dpa '^soft PPR at DPA 0x1000 nibble mask 0x5a5a5a query 0$' host ppr_trace
sparing() { for i in $(seq 50); do grep cxl_memory_sparing $T/trace && return; sleep 0.2; done; return 1; }
step_match ppr-event-nibble 'nibble_mask=5a5a5a' sparing
step_match ppr-event-spares "avail=$(( __SPARES__ - 1 ))" sparing
step_fails ppr-dpa-outside sh -c "echo 0x40000000 > $ppr/dpa"
step_eq kernel-log-clean "" sh -c "dmesg -r | grep -E '^<[0-3]>' | grep -iE 'cxl|edac' || true"
'''.replace("__SPARES__", str(SPARES))
