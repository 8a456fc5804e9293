"""Mailbox commands per second: Identify Memory Device (4000h), Get Health
Info (4200h) and Get Log (0401h, the whole Command Effects Log), at three
levels, each checked command by command (return code, output size):

- engine: cxl_cci_execute() in a loop, in tests/unit/test-cxl-cci's
  benchmark mode (--bench; a CCI laid out like cxl-type3's, see there),
  run on the host after the guest: the goal, >= 100k commands/s each;
- qtest: the Type 3 primary mailbox driven through its registers from a
  qtest, no QMP in the loop (cxl-type3-mbox-test with CXL_MBOX_BENCH, the
  same register sequence as Linux's __cxl_pci_mbox_send_cmd()): reported;
- guest: a guest program through Linux's CXL_MEM_SEND_COMMAND ioctl
  (tests/perf/cxlmboxbench.c) with the kernel's own command numbers
  (IDENTIFY, GET_HEALTH_INFO, GET_LOG), which Debian's kernel allows (it
  has no CONFIG_CXL_MEM_RAW_COMMANDS; cxlmboxbench -r takes the raw
  path on a kernel that has it): reported.

BENCH_MS (bench.py --ms, default 400) is each measurement's length in
the guest; the host's run 1 s per command.
"""

import os
import subprocess

from _bench import BENCH_LIB

DESCRIPTION = "mailbox commands per second: engine (goal), QMP-free qtest, guest ioctl"
MACHINE = "q35,cxl=on"
TOOLS = ["cxlmboxbench"]
TIMEOUT = 300
QUICK = True
GOAL = 100000
OPCODES = ["4000", "4200", "0401"]
NAMES = {"4000": "Identify Memory Device", "4200": "Get Health Info", "0401": "Get Log (CEL)"}


def topology(ctx):
    return ["-M", "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G",
            "-object", "memory-backend-ram,id=vmem0,size=256M",
            "-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1",
            "-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2",
            "-device", "cxl-type3,bus=rp0,volatile-memdev=vmem0,id=t3,sn=1"]


def mbox_result(ctx, name, n, secs, rate):
    """HOST["mbox"]: one "result" line of cxlmboxbench."""
    if not hasattr(ctx, "mbox"):
        ctx.mbox = {}
    ctx.mbox[name] = (int(n), float(secs), float(rate))
    return name


HOST = {"result": mbox_result}

GUEST = BENCH_LIB + r'''
step memdevs-probed wait_memdevs 1 || exit 1
mem=$(ls /sys/bus/cxl/devices | grep '^mem[0-9]' | head -1)
cxlmboxbench -d /dev/cxl/$mem -t "$BENCH_MS" >/tmp/mbox.out 2>&1
rc=$?
cat /tmp/mbox.out
step mbox-bench test $rc -eq 0 || exit 1
grep '^result ' /tmp/mbox.out >/tmp/mbox.res
while read -r line; do
    host $line >/dev/null || exit 1
done </tmp/mbox.res
'''


def top():
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))))


def host_lines(argv, env=None, prefix=""):
    """Run @argv; its output lines that start with @prefix, split, and
    its exit status and output."""
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       env=dict(os.environ, **(env or {})), timeout=300)
    rows = [ln[len(prefix):].split() for ln in p.stdout.splitlines() if ln.startswith(prefix)]
    return p.returncode, p.stdout, rows


def host_figures(ctx, prefix, kind, argv, env=None):
    """{opcode: rate} from a host-side benchmark run, or the failure."""
    try:
        rc, out, rows = host_lines(argv, env, prefix)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, str(e)
    (ctx.logdir / f"{kind}.log").write_text(out)
    if rc != 0:
        return None, f"exit {rc} (see {ctx.logdir / (kind + '.log')})"
    return {r[1]: float(r[4]) for r in rows if len(r) == 5 and r[0] == kind}, None


def MEASURES(ctx, res):
    build = os.path.join(top(), "build")
    qemu = str(ctx.opts.qemu)
    engine, eerr = host_figures(ctx, "", "engine",
                                [os.path.join(build, "qemu-build/tests/unit/test-cxl-cci"),
                                 "--bench", "1"])
    qtest, qerr = host_figures(ctx, "# bench ", "qtest",
                               [os.path.join(build, "qemu-build/tests/qtest/cxl-type3-mbox-test"),
                                "--tap", "-k", "-p", "/x86_64/cxl/type3/bench/rate"],
                               {"QTEST_QEMU_BINARY": qemu,
                                "CXL_QTEST_FIRMWARE": os.path.join(build, "firmware"),
                                "CXL_MBOX_BENCH": "1"})
    guest = getattr(ctx, "mbox", {})
    rows = []
    for op in OPCODES:
        what = f"{op}h {NAMES[op]}"
        if engine is None or op not in engine:
            rows.append([f"engine {what}", "", f">= {GOAL // 1000}k/s",
                         f"FAIL ({eerr or 'no figure'})"])
        else:
            rate = engine[op]
            rows.append([f"engine {what}", f"{rate / 1000:.0f}k/s", f">= {GOAL // 1000}k/s",
                         "pass" if rate >= GOAL else "FAIL"])
    for op in OPCODES:
        what = f"{op}h {NAMES[op]}"
        if qtest is None or op not in qtest:
            rows.append([f"qtest MMIO {what}", "", "-", f"FAIL ({qerr or 'no figure'})"])
        else:
            rows.append([f"qtest MMIO {what}", f"{qtest[op] / 1000:.1f}k/s", "-", "info"])
    for op in OPCODES:
        what = f"{op}h {NAMES[op]}"
        got = guest.get(f"guest-{op}")
        if got is None:
            rows.append([f"guest ioctl {what}", "", "-", "FAIL (no figure)"])
        else:
            rows.append([f"guest ioctl {what}", f"{got[2] / 1000:.1f}k/s", "-", "info"])
    return rows
