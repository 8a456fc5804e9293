#!/usr/bin/python3
"""Run the documentation's "boot a guest by hand" examples.

The examples are the code blocks of README.md and tests/guest/README.md
(``` fences or indented) and the literal blocks of docs/system/devices/cxl.rst (after "::") whose QEMU
command line boots -kernel. Each is a few shell lines (variable
assignments, comments) and that command line; it is run as written with
bash from the top of the checkout, except:
- `make ...` lines are skipped: what they build must exist already (the
  guest suite built the image and the full kernel before this runs), or
  QEMU fails to load the kernel and the example fails;
- a command starting `qemu-system-x86_64` (cxl.rst's spelling) runs our
  build, build/bin/qemu-system-x86_64 -L build/firmware (and
  `qemu-system-aarch64` build/bin/qemu-system-aarch64: the aarch64 guest,
  whose firmware the example names with -bios).
The kernel's first console line must come within FIRST_LINE_LIMIT seconds
(firmware that stalls fails). The guest's /init finds no scenario and
starts a shell on the console (tests/guest/init): the check types `uname
-r` and `cxl list -M` into it, expects the kernel the example names and as
many memdevs as the command line has cxl-type3 devices, then `exit` powers
the guest off.

Usage: by-hand.py [FILE...]   (default: the two documents above)
Prints one line per example and "N passed, N failed".
"""
import os
import re
import select
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCS = ["README.md", "tests/guest/README.md", "docs/system/devices/cxl.rst"]
BOOT_TIMEOUT = 180     # seconds from QEMU's start to the guest's shell
# seconds from QEMU's start to the kernel's first console line: SeaBIOS
# 1.16.2 (Debian 12) stalled ~32 s there with q35's default devices,
# 1.16.3 boots in ~4 s (scripts/fetch-seabios.sh)
FIRST_LINE_LIMIT = 15
CMD_TIMEOUT = 60
SHELL_MARK = "cxltest: no /scenario.sh: a shell"
# the release each kernel reports: the full kernel's bzImage
# (tests/guest/kernel.sh), the image's Debian vmlinuz (image.sh; the
# arm64 image's for qemu-system-aarch64)
RELEASE = {"bzImage": r"-cxl-full", "vmlinuz": r"\+deb13-amd64"}
RELEASE_AARCH64 = {"vmlinuz": r"\+deb13-arm64"}
QEMU_CMD = r"(build/bin/)?qemu-system-(x86_64|aarch64)"


def blocks(path):
    """(line number, text) of each code block of PATH that boots -kernel."""
    lines = open(os.path.join(TOP, path)).read().split("\n")
    found = []
    i = 0
    while i < len(lines):
        start = None
        if path.endswith(".md") and lines[i].startswith("```"):
            start, i = i + 2, i + 1
            body = []
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
        elif (path.endswith(".md") and lines[i].startswith("    ") and
              (i == 0 or not lines[i - 1].strip())):
            # an indented code block
            start, body = i + 1, []
            while i < len(lines) and (lines[i].startswith("    ") or
                                      (not lines[i].strip() and i + 1 < len(lines) and
                                       lines[i + 1].startswith("    "))):
                body.append(lines[i][4:])
                i += 1
        elif path.endswith(".rst") and lines[i].rstrip().endswith("::"):
            start, i = i + 3, i + 1
            while i < len(lines) and not lines[i].strip():
                i += 1
            body = []
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith(" ")):
                body.append(lines[i])
                i += 1
            body = [b[2:] if b.startswith("  ") else b for b in body]
        if start is not None and any(re.match(QEMU_CMD + r"\s.*\s-kernel\s", b)
                                     for b in "\n".join(body).replace("\\\n", " ").split("\n")):
            found.append((start, "\n".join(body).strip() + "\n"))
        i += 1
    return found


def prepare(text):
    """The script to run and the kernel path's release pattern."""
    out = []
    for line in text.split("\n"):
        if re.match(r"\s*make\s", line):
            continue
        line = re.sub(r"^qemu-system-x86_64\s",
                      "build/bin/qemu-system-x86_64 -L build/firmware ", line)
        line = re.sub(r"^qemu-system-aarch64\s", "build/bin/qemu-system-aarch64 ", line)
        out.append(line)
    script = "\n".join(out)
    release = None
    releases = RELEASE_AARCH64 if re.search(r"^build/bin/qemu-system-aarch64\s", script,
                                            flags=re.M) else RELEASE
    for key, pattern in releases.items():
        if re.search(r"-kernel\s+\S*" + re.escape(key) + r"\s", script):
            release = pattern
            break
    # exec: QEMU is the shell's last command and gets its stdin
    script = re.sub(r"^(build/bin/qemu-system-(x86_64|aarch64))", r"exec \1", script, flags=re.M)
    return script, release


def expect(proc, buf, pattern, timeout):
    """Read the console until PATTERN matches; return (match, buffer)."""
    deadline = time.time() + timeout
    while True:
        m = re.search(pattern, buf)
        if m:
            return m, buf
        left = deadline - time.time()
        if left <= 0 or proc.poll() is not None:
            return None, buf
        r, _, _ = select.select([proc.stdout], [], [], min(left, 1.0))
        if r:
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                return None, buf
            buf += chunk.decode(errors="replace")


def run_example(text):
    script, release = prepare(text)
    if release is None:
        return False, "the -kernel path is neither the image's nor the full kernel's"
    memdevs = len(re.findall(r"cxl-type3,", script))
    t0 = time.time()
    proc = subprocess.Popen(["bash", "-c", script], cwd=TOP, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    buf = ""
    try:
        m, buf = expect(proc, buf, r"Linux version ", BOOT_TIMEOUT)
        if not m:
            return False, "the kernel did not start: " + buf[-600:]
        first_line = time.time() - t0
        if first_line > FIRST_LINE_LIMIT:
            return False, f"the kernel's first line came after {first_line:.1f} s (limit {FIRST_LINE_LIMIT} s)"
        m, buf = expect(proc, buf, re.escape(SHELL_MARK), BOOT_TIMEOUT)
        if not m:
            return False, "no guest shell: " + buf[-600:]
        # busybox ash asks the terminal where the cursor is (ESC [ 6 n) when
        # it starts editing a line, and takes what it reads next as the
        # answer: answer it, or a command typed meanwhile is eaten (its
        # first 'R' ends the "answer"). Without the query, go on after 1 s.
        m, buf = expect(proc, buf, r"\x1b\[6n", 5)
        if m:
            proc.stdin.write(b"\x1b[1;5R")
            proc.stdin.flush()
        time.sleep(1)
        # printf: the console's echo of the line must not match the answers
        proc.stdin.write(b"printf 'R%s=%s M%s=%s\\n' EL \"$(uname -r)\" EMDEVS "
                         b"\"$(cxl list -M | grep -c memdev)\"; exit\n")
        proc.stdin.flush()
        m, buf = expect(proc, buf, r"MEMDEVS=(\d+)", CMD_TIMEOUT)
        if not m:
            return False, "no answer from the guest shell: " + buf[-600:]
        rel = re.search(r"REL=(\S+)", buf)
        if not rel or not re.search(release, rel.group(1)):
            return False, f"kernel {rel.group(1) if rel else '?'}, want /{release}/"
        if m.group(1) != str(memdevs):
            return False, f"{m.group(1)} memdevs in cxl list, want {memdevs}"
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            return False, "the guest did not power off after the shell exited"
        return True, (f"kernel {rel.group(1)} after {first_line:.1f} s, "
                      f"{memdevs} memdev{'s' if memdevs != 1 else ''}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def main():
    docs = sys.argv[1:] or DOCS
    passed = failed = 0
    for doc in docs:
        for line, text in blocks(doc):
            name = f"by-hand:{os.path.basename(doc)}:{line}"
            ok, why = run_example(text)
            print(f"{'PASS' if ok else 'FAIL'} {name} ({why})", flush=True)
            passed += ok
            failed += not ok
    if passed + failed == 0:
        print("FAIL by-hand: no example boots -kernel in " + " ".join(docs))
        failed = 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
