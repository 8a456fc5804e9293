#!/usr/bin/python3
"""What `-M q35,cxl=on` costs a guest with no CXL device, against cxl=off.

systemd-vmspawn passes cxl=on on every guest it starts, so with no CXL
device it must cost nothing. Each round boots the tests' image (Debian's
kernel, the initramfs's shell, as in README.md's example: default devices,
-nographic) once with cxl=off and once with cxl=on, alternating, and
measures QEMU's time to the kernel's first console line and to the
guest's shell, and QEMU's peak resident memory (VmHWM) at the shell.
Prints each round and the medians.

Usage: tests/perf/cxl-on-cost.py [--rounds N] [--qemu PATH]
"""
import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("by_hand", TOP / "tests" / "guest" / "by-hand.py")
by_hand = importlib.util.module_from_spec(spec)
spec.loader.exec_module(by_hand)


def hwm_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def boot(qemu, img, machine):
    cmd = [qemu, "-L", str(TOP / "build" / "firmware"), "-M", machine, "-m", "2G",
           "-nographic", "-kernel", f"{img}/vmlinuz", "-initrd", f"{img}/initramfs.cpio.zst",
           "-append", "console=ttyS0"]
    t0 = time.time()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        m, buf = by_hand.expect(proc, "", r"Linux version ", 120)
        if not m:
            raise RuntimeError(f"{machine}: the kernel did not start")
        first = time.time() - t0
        m, buf = by_hand.expect(proc, buf, by_hand.SHELL_MARK, 180)
        if not m:
            raise RuntimeError(f"{machine}: no shell")
        shell = time.time() - t0
        hwm = hwm_kib(proc.pid)
        proc.stdin.write(b"exit\n")
        proc.stdin.flush()
        proc.wait(timeout=60)
        return first, shell, hwm
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--qemu", default=str(TOP / "build" / "bin" / "qemu-system-x86_64"))
    opts = ap.parse_args()
    img = subprocess.run([str(TOP / "tests" / "guest" / "image.sh")], capture_output=True,
                         text=True, check=True).stdout.strip().splitlines()[-1]
    res = {"q35": [], "q35,cxl=on": []}
    for r in range(opts.rounds):
        for machine in res:
            first, shell, hwm = boot(opts.qemu, img, machine)
            res[machine].append((first, shell, hwm))
            print(f"round {r + 1} {machine:12} kernel {first:5.2f} s  shell {shell:5.2f} s  "
                  f"VmHWM {hwm / 1024:7.1f} MiB", flush=True)
    print()
    for machine, v in res.items():
        print(f"median {machine:12} kernel {statistics.median(x[0] for x in v):5.2f} s  "
              f"shell {statistics.median(x[1] for x in v):5.2f} s  "
              f"VmHWM {statistics.median(x[2] for x in v) / 1024:7.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
