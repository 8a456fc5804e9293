"""The aarch64 guest on a plain virt machine, no CXL device: the arm64
counterpart of no-cxl and of the harness's host-channel checks.

Boots QEMU's virt (GICv3, -cpu max, TCG) under edk2 (the arm64 image's
QEMU_EFI.fd) with Debian's arm64 kernel of the same release as the x86
one, and checks: the guest is aarch64; the host channel, on virt's
second PL011 (ttyAMA1 in the guest), works both ways (arguments reach a
Python handler, its reply and a QMP result come back, a failing handler
answers FAIL); Linux runs on the ACPI tables QEMU made (the way CXL on
virt reaches it: CEDT, ACPI0016/ACPI0017), with no CEDT without cxl=on;
a guest tool (TOOLS), cross-built for aarch64 on the host, runs; then
no-cxl's checks (_cxl.NO_CXL_CHECKS): the pinned kernel, the CXL modules
load, the tools run and `cxl list` is empty.
"""

from _cxl import NO_CXL_CHECKS

DESCRIPTION = "aarch64 virt (edk2, Debian arm64 kernel), no CXL device: host channel both ways, ACPI, CXL modules, cxl list empty"

ARCH = "aarch64"
TOPOLOGY = []
# a guest tool, cross-built (aarch64-linux-gnu-gcc -static) by run.py
TOOLS = ["memfill"]

_asked = []          # what the guest sent to the "echo" handler


def echo(ctx, *words):
    """Guest asks: answer its words back (and remember them)."""
    _asked.append(list(words))
    return "host got " + " ".join(words) + f" ({len(words)} words)"


def fail(ctx):
    raise RuntimeError("failing on purpose")


HOST = {
    "echo": echo,
    "target": [("query-target", {})],
    "fail": fail,
}


def check(ctx):
    """After QEMU exited: the guest's request reached the handler as sent."""
    ctx.check("handler-got-args", ["hello-from-aarch64", "42"] in _asked, f"asked {_asked}")
    ctx.check("qmp-shutdown-event", ctx.qmp_events("SHUTDOWN"), "SHUTDOWN event seen")


GUEST = r'''
step_eq arch-aarch64 aarch64 uname -m
step_eq sync-port /dev/ttyAMA1 echo "$CXLTEST_SYNC_PORT"
step_match host-echo '^host got hello-from-aarch64 42 \(2 words\)$' host echo hello-from-aarch64 42
step_match host-qmp '"arch": "aarch64"' host target
step_fails host-handler-failure host fail

# edk2 hands Linux QEMU's ACPI tables (no device tree in use); the DSDT
# describes both PL011s (console and host channel).
step_match acpi-tables '^DSDT$' ls /sys/firmware/acpi/tables
step_eq acpi-pl011s "ARMH0011:00 ARMH0011:01" sh -c 'cd /sys/bus/acpi/devices && echo ARMH0011:*'
step_eq no-cedt "" sh -c 'ls /sys/firmware/acpi/tables/CEDT 2>/dev/null || true'
step_match cross-built-tool '^pages 2048 .* bad 0$' memfill 0 8 7
step_match iasl-runs 'ASL\+? Optimizing Compiler' sh -c 'iasl -v 2>&1'
''' + NO_CXL_CHECKS
