"""A plain q35 guest without CXL devices: the tooling works and sees nothing."""

DESCRIPTION = "plain q35, no CXL device: pinned kernel, CXL modules, cxl/ndctl/daxctl run, cxl list is empty"

# No CXL device at all (the runner adds only the console and host channel).
TOPOLOGY = []

GUEST = r'''
step_eq kernel-is-pinned "$(cat /etc/cxltest/kernel-release)" uname -r
step cxl-core-builtin grep -qx 'kernel/drivers/cxl/core/cxl_core.ko' \
    "/lib/modules/$(uname -r)/modules.builtin"
step_match cxl-modules-loaded '^cxl_(acpi|pci|mem|pmem) ' lsmod
step_match cxl-bus-registered '^cxl_port$' ls /sys/bus/cxl/drivers
step_match cxl-version '^[0-9]+$' cxl --version
step_match ndctl-version '^[0-9]+$' ndctl --version
step_match daxctl-version '^[0-9]+$' daxctl --version
step_match keyctl-runs '^keyctl from' keyctl --version

# `cxl list` succeeds and lists nothing (stdout: nothing or []; its
# "no matching devices" warning goes to stderr).
cxl_list_empty() {
    local out rc
    out=$(cxl list -v)
    rc=$?
    [ $rc -eq 0 ] || return $rc
    case $out in
        ""|"[]") echo "no CXL device present" ;;
        *) echo "$out"; return 1 ;;
    esac
}
step_match cxl-list-empty '^no CXL device present$' cxl_list_empty
step no-memdev-nodes sh -c '! ls /dev/cxl/mem* 2>/dev/null'
step_eq no-cxl-bus-devices "" ls /sys/bus/cxl/devices
'''
