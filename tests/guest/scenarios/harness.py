"""Self-test of the guest harness, independent of the CXL device models.

Exercises what CXL scenarios build on: a per-run backend file in the
topology, the guest -> host channel (a QMP command list, a Python handler
with arguments and a reply), QMP from the host, and host checks that read
the backend file after the guest wrote through it. The memory device is an
ACPI NVDIMM (nfit + nd_pmem), so ndctl is exercised too.
"""

DESCRIPTION = "harness self-test: backend file, host channel, QMP, host checks (NVDIMM pmem)"

PMEM_SIZE = "128M"
PATTERN = "cxltest-pattern-0123456789"
OFFSET = 1 << 20                     # where the guest writes PATTERN

MACHINE = "q35,nvdimm=on"
MEMORY = "2G,slots=2,maxmem=4G"


def topology(ctx):
    backend = ctx.file("pmem0.img", size=PMEM_SIZE)
    return ["-object", f"memory-backend-file,id=pmem0,share=on,mem-path={backend},size={PMEM_SIZE}",
            "-device", "nvdimm,id=nvdimm0,memdev=pmem0"]


def verify_backend(ctx, offset, text):
    """Guest asks: does the backend file hold TEXT at OFFSET now?"""
    with open(ctx.path("pmem0.img"), "rb") as f:
        f.seek(int(offset))
        got = f.read(len(text)).decode(errors="replace")
    if got != text:
        raise AssertionError(f"backend holds {got[:8]!r}..., expected {text!r}")
    return f"host read {got} at offset {offset}"


def qmp_status(ctx):
    st = ctx.qmp("query-status")
    return f"status={st['status']} running={st['running']}"


HOST = {
    # A list of QMP commands; their results are sent back as JSON.
    "qmp-name": [("query-name", {}), ("query-kvm", {})],
    # Python handlers: (ctx, *args) -> reply text; an exception is a FAIL.
    "status": qmp_status,
    "verify": verify_backend,
}


def check(ctx):
    """After QEMU exited: the guest's write reached the backend file."""
    with open(ctx.path("pmem0.img"), "rb") as f:
        f.seek(OFFSET)
        got = f.read(len(PATTERN)).decode(errors="replace")
    ctx.check("backend-after-run", got == PATTERN, f"read {got!r}")
    ctx.check("qmp-shutdown-event", ctx.qmp_events("SHUTDOWN"), "SHUTDOWN event seen")


GUEST = r'''
step_match qmp-command-list '"enabled": false' host qmp-name
step_match qmp-from-handler '^status=running running=True$' host status
step_match pmem-namespace '"blockdev":"pmem0"' ndctl list -N
step pmem-blockdev test -b /dev/pmem0
step write-pattern sh -c "printf '%s' PATTERN | dd of=/dev/pmem0 bs=4096 seek=OFFSET_PAGES conv=notrunc 2>&1"
step sync-pmem sync
step_match host-sees-write '^host read PATTERN' host verify OFFSET PATTERN
step_fails host-handler-failure host verify 0 PATTERN
'''.replace("PATTERN", PATTERN).replace("OFFSET_PAGES", str(OFFSET // 4096)).replace("OFFSET", str(OFFSET))
