#!/usr/bin/python3
"""Boot the guest image under QEMU (TCG) and run guest scenarios.

    tests/guest/run.py                 every scenario (2 guests in parallel)
    tests/guest/run.py NAME...         the named scenarios
    tests/guest/run.py --list          list the scenarios
    tests/guest/run.py --demo          the `demo` scenario, showing its output

A scenario is tests/guest/scenarios/NAME.py: a QEMU topology, a guest shell
script, optional host handlers the guest can call (QMP commands, host
checks) and optional host checks after the run. See tests/guest/README.md.

Prints one line per step and per scenario, and last "N passed, N failed"
(counting scenarios). Logs: build/guest-logs/NAME/. Stdlib only.
"""

import argparse
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.dont_write_bytecode = True    # no __pycache__ next to the scenarios

TOP = Path(__file__).resolve().parents[2]
HERE = TOP / "tests" / "guest"
SCENARIOS = HERE / "scenarios"
# where TOOLS are found (NAME.c); tests/perf/bench.py adds its own directory
TOOL_DIRS = [HERE / "tools"]
LOGS = TOP / "build" / "guest-logs"
DEFAULT_QEMU = TOP / "build" / "bin" / "qemu-system-x86_64"
DEFAULT_QEMU_AARCH64 = TOP / "build" / "bin" / "qemu-system-aarch64"
FIRMWARE = TOP / "build" / "firmware"

# CXL_GUEST_DIAG=1: when the guest resets or powers off before the end
# marker, pause QEMU there and write its CPU state to diag.txt.
DIAG = os.environ.get("CXL_GUEST_DIAG") == "1"
# The guest kernels a scenario can ask for (its KERNEL, default "stock").
KERNELS = ("stock", "full")
DEFAULT_TIMEOUT = 300          # seconds per scenario (boot included)
# CXL_GUEST_TIME_SCALE=F: every limit below and each scenario's TIMEOUT times
# F, for a slower QEMU (make check-sanitize runs an ASan build with 3)
TIME_SCALE = float(os.environ.get("CXL_GUEST_TIME_SCALE", 1))
POWEROFF_GRACE = 30            # seconds between the end marker and QEMU's exit
# A guest kernel that has not reached /init this long after QEMU started
# (boots take 5-10 s) hangs in early boot, before any CXL driver runs: seen
# rarely under TCG with the host loaded, stuck after "tsc: Unable to
# calibrate against PIT". Its vCPU state goes to hang-early-boot-N.txt and
# the boot is started again, at most this many times per scenario; the
# result line says so.
EARLY_BOOT_LIMIT = int(os.environ.get("CXL_GUEST_EARLY_BOOT_LIMIT", 120)) * TIME_SCALE
EARLY_BOOT_RETRIES = 1
# Kernel console options: warnings (level 4) still reach the console.
BASE_APPEND = ("console=ttyS0,115200 loglevel=5 printk.time=1 panic=-1 "
               "mitigations=off")


class Arch:
    """What differs between the guest architectures a scenario can ask for
    (its ARCH, default "x86_64")."""

    def __init__(self, name, deb, machine, cpu, append, kernels):
        self.name = name
        self.deb = deb              # image.sh --arch
        self.machine = machine      # default MACHINE
        self.cpu = cpu              # default CPU
        self.append = append        # the kernel command line's base
        self.kernels = kernels      # the KERNEL values it supports


ARCHES = {
    # q35 under SeaBIOS (build/firmware); console COM1 (ttyS0), host
    # channel COM2 (ttyS1, lib.sh's default)
    "x86_64": Arch("x86_64", "amd64", "q35", "max,hypervisor=off", BASE_APPEND,
                   KERNELS),
    # virt under edk2 (the image's QEMU_EFI.fd, -bios), which hands Linux
    # QEMU's ACPI tables. The console is the first PL011 (ttyAMA0); a second
    # -serial makes virt add a second non-secure PL011 (UART1, in the DT
    # and the DSDT), the guest's ttyAMA1: the host channel, named to lib.sh
    # on the command line. Only Debian's kernel so far (no arm64 full one).
    "aarch64": Arch("aarch64", "arm64", "virt,gic-version=3", "max",
                    BASE_APPEND.replace("console=ttyS0,115200", "console=ttyAMA0")
                    + " cxltest.sync=/dev/ttyAMA1", ("stock",)),
}

# Kernel trouble in the console: only lines carrying a printk timestamp, so a
# scenario printing the word WARNING does not trip it.
KERNEL_TROUBLE = re.compile(
    r"\[\s*\d+\.\d+\](?:\[\s*[TC]\d+\])?\s*"
    r"(WARNING:|BUG:|Oops|Call Trace|Kernel panic|kernel BUG|"
    r"general protection fault|UBSAN:|KASAN:|INFO: task .* blocked|"
    r"rcu: INFO:|watchdog: BUG:)")
KERNEL_LINE = re.compile(r"^\s*\[\s*\d+\.\d+\]")
MARK = re.compile(r"@@(STEP (BEGIN|PASS|FAIL|SKIP) (\S+)(?: \((.*)\))?|INIT (\S+)|"
                  r"SCENARIO BEGIN|END status=(\d+) failed=(\d+)|HOST .*)@@")

_print_lock = threading.Lock()


def say(*lines):
    with _print_lock:
        for line in lines:
            print(line, flush=True)


def parse_size(s):
    if isinstance(s, int):
        return s
    m = re.fullmatch(r"(\d+)([KMGT]?)", str(s).strip().upper())
    if not m:
        raise ValueError(f"bad size {s!r}")
    return int(m.group(1)) << {"": 0, "K": 10, "M": 20, "G": 30, "T": 40}[m.group(2)]


# ---------------------------------------------------------------- cpio ------

def cpio_newc(files):
    """An uncompressed newc cpio of {path: bytes} (+ their directories)."""
    out = bytearray()
    ino = [0x7000]

    def entry(name, mode, data=b""):
        ino[0] += 1
        nm = name.encode() + b"\0"
        fields = (ino[0], mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nm), 0)
        out.extend(b"070701" + "".join(f"{v:08X}" for v in fields).encode() + nm)
        out.extend(b"\0" * (-len(out) % 4))
        out.extend(data)
        out.extend(b"\0" * (-len(out) % 4))

    dirs = set()
    for path in files:
        parts = path.strip("/").split("/")[:-1]
        for i in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:i]))
    for d in sorted(dirs):
        entry(d, 0o040755)
    for path, data in sorted(files.items()):
        if isinstance(data, str):
            data = data.encode()
        mode = 0o100755 if path.endswith(".sh") or path.startswith("usr/bin/") else 0o100644
        entry(path.strip("/"), mode, data)
    entry("TRAILER!!!", 0)
    return bytes(out)


# ---------------------------------------------------------------- QMP -------

class QMPError(Exception):
    pass


class QMP:
    """A small synchronous QMP client; every message goes to the transcript."""

    def __init__(self, path, transcript, t0, alive=lambda: True):
        self.t0 = t0
        self.log = open(transcript, "a", buffering=1)
        self.lock = threading.Lock()
        self.cond = threading.Condition()
        self.replies = {}
        self.events = []
        self.next_id = 0
        self.closed = False
        deadline = time.monotonic() + 15
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(str(path))
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline or not alive():
                    raise
                time.sleep(0.1)
        self.rfile = self.sock.makefile("r", encoding="utf-8", errors="replace")
        greeting = self.rfile.readline()
        self._log("<-", greeting.strip())
        threading.Thread(target=self._reader, daemon=True).start()
        self.cmd("qmp_capabilities")

    def _log(self, direction, text):
        self.log.write(f"{time.monotonic() - self.t0:8.3f} {direction} {text}\n")

    def _reader(self):
        try:
            for line in self.rfile:
                self._log("<-", line.strip())
                try:
                    msg = json.loads(line)
                except ValueError:
                    continue
                with self.cond:
                    if "event" in msg:
                        self.events.append(msg)
                    elif "id" in msg:
                        self.replies[msg["id"]] = msg
                    self.cond.notify_all()
        except OSError:
            pass
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    def cmd(self, name, timeout=60, **args):
        with self.lock:
            self.next_id += 1
            mid = self.next_id
            msg = {"execute": name, "id": mid}
            if args:
                msg["arguments"] = args
            text = json.dumps(msg)
            self._log("->", text)
            self.sock.sendall(text.encode() + b"\n")
        deadline = time.monotonic() + timeout * TIME_SCALE
        with self.cond:
            while mid not in self.replies:
                left = deadline - time.monotonic()
                if self.closed or left <= 0:
                    raise QMPError(f"{name}: no reply ({'closed' if self.closed else 'timeout'})")
                self.cond.wait(left)
            reply = self.replies.pop(mid)
        if "error" in reply:
            e = reply["error"]
            raise QMPError(f"{name}: {e.get('class')}: {e.get('desc')}")
        return reply.get("return")

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
        self.log.close()


# ---------------------------------------------------------------- context ---

class Board:
    """Named marks two guests of one scenario (PEER) wait for each other
    with: one posts a mark (with a value), the other waits for it."""

    def __init__(self):
        self.cond = threading.Condition()
        self.marks = {}

    def post(self, name, value=""):
        with self.cond:
            self.marks[name] = str(value)
            self.cond.notify_all()
        return f"posted {name}"

    def wait(self, name, timeout=120):
        with self.cond:
            if not self.cond.wait_for(lambda: name in self.marks, timeout * TIME_SCALE):
                raise TimeoutError(f"no mark {name!r} within {timeout}s")
            return self.marks[name]


class Context:
    """What a scenario's topology(), HOST handlers and check() get."""

    def __init__(self, name, logdir, image, opts, workdir=None, board=None,
                 arch="x86_64"):
        self.name = name
        self.logdir = logdir
        self.workdir = workdir or logdir / "work"
        self.image = image                  # the guest image directory
        self.arch = arch                    # the guest's architecture
        self.opts = opts
        self.qmp_client = None
        self.proc = None                    # the running QEMU
        self.killed = False                 # kill_qemu() ended this boot
        self.checks = []                    # (name, ok, detail)
        self._console = logdir / "console.log"
        self.board = board or Board()       # shared with the peer's
        self.peer = None                    # the other guest's Context
        self._migrate = None                # set by the Run while QEMU runs
        self.workdir.mkdir(parents=True, exist_ok=True)

    def post(self, name, value=""):
        """Post mark NAME (for the other guest's wait())."""
        return self.board.post(name, value)

    def wait(self, name, timeout=120):
        """Wait until mark NAME is posted (by either guest); its value."""
        return self.board.wait(name, timeout)

    def file(self, name, size=None, data=None):
        """A per-run file in the work directory (sparse SIZE, or DATA)."""
        p = self.workdir / name
        p.parent.mkdir(parents=True, exist_ok=True)
        with open(p, "wb") as f:
            if data is not None:
                f.write(data.encode() if isinstance(data, str) else data)
            if size is not None:
                f.truncate(parse_size(size))
        return str(p)

    def path(self, name):
        """Path of a per-run file (created by the scenario or the guest)."""
        return str(self.workdir / name)

    def qmp(self, command, **args):
        """Run a QMP command now; returns its 'return', raises QMPError."""
        if self.qmp_client is None:
            raise QMPError("QMP is not connected")
        return self.qmp_client.cmd(command, **args)

    def qmp_events(self, name=None):
        """The QMP events received so far (optionally only NAME)."""
        if self.qmp_client is None:
            return []
        with self.qmp_client.cond:
            return [e for e in self.qmp_client.events if name is None or e["event"] == name]

    def wait_event(self, name, timeout=30, **data):
        """Wait for a QMP event NAME (whose data contains DATA) received
        since the start; returns it, raises QMPError on timeout."""
        c = self.qmp_client
        if c is None:
            raise QMPError("QMP is not connected")
        deadline = time.monotonic() + timeout * TIME_SCALE
        with c.cond:
            while True:
                for e in c.events:
                    if e["event"] == name and all(e.get("data", {}).get(k) == v for k, v in data.items()):
                        return e
                left = deadline - time.monotonic()
                if left <= 0 or c.closed:
                    raise QMPError(f"no {name} event {data or ''} within {timeout}s")
                c.cond.wait(left)

    def kill_qemu(self):
        """Kill QEMU with SIGKILL, as a power failure would: this boot ends
        there (the next one, if GUEST lists one, starts on the same files).
        For a HOST handler; the guest's request gets no answer."""
        self.killed = True
        if self.proc is not None:
            self.proc.kill()
        return "killed"

    def migrate(self):
        """Migrate the running guest to a new QEMU process: the same command
        line with -incoming, the stream through a file in the work
        directory. The console file is shared; QMP and the guest's sync
        channel move to the new process, and the old one quits. For a HOST
        handler: the guest's request is answered by the new process (the
        guest continues there). Returns a description."""
        if self._migrate is None:
            raise RuntimeError("no running QEMU to migrate")
        return self._migrate()

    def check(self, name, ok, detail=""):
        """Record a host-side check; a false one fails the scenario."""
        self.checks.append((name, bool(ok), str(detail)))
        return bool(ok)

    def console(self):
        try:
            return self._console.read_text(errors="replace").replace("\r", "")
        except OSError:
            return ""

    def image_tool(self, argv, **kw):
        """Run a program of the guest image's root (Debian 13) on the host,
        e.g. ctx.image_tool(['/usr/bin/iasl', '-d', 'cedt.dat']). For a
        guest of another architecture than the host's, the program of the
        x86_64 image (the same Debian version; image.sh builds it now if
        needed)."""
        image = self.image if self.arch == "x86_64" else build_image("amd64", fatal=False)
        root = Path(image) / "root"
        cmd = [str(root / "usr/lib64/ld-linux-x86-64.so.2"), "--library-path",
               str(root / "usr/lib/x86_64-linux-gnu"), "--argv0", argv[0].rsplit("/", 1)[-1],
               str(root / argv[0].lstrip("/"))] + list(argv[1:])
        kw.setdefault("capture_output", True)
        kw.setdefault("text", True)
        return subprocess.run(cmd, **kw)


# ---------------------------------------------------------------- scenarios -

class Scenario:
    def __init__(self, path):
        self.path = path
        self.name = path.stem
        spec = importlib.util.spec_from_file_location(f"cxl_scenario_{self.name.replace('-', '_')}", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        self.mod = mod
        if not hasattr(mod, "GUEST"):
            raise ValueError(f"{path}: no GUEST script")
        self.description = getattr(mod, "DESCRIPTION", "").strip()
        self.default = getattr(mod, "DEFAULT", True)
        # KERNEL: "stock" (Debian's kernel, what users boot) or "full" (the
        # project's build with every CXL driver built in, kernel.sh)
        self.kernel = getattr(mod, "KERNEL", "stock")
        if self.kernel not in KERNELS:
            raise ValueError(f"{path}: KERNEL must be one of {', '.join(KERNELS)}, not {self.kernel!r}")
        # ARCH: the guest's architecture, "x86_64" (q35) or "aarch64" (virt)
        self.arch = getattr(mod, "ARCH", "x86_64")
        if self.arch not in ARCHES:
            raise ValueError(f"{path}: ARCH must be one of {', '.join(ARCHES)}, not {self.arch!r}")
        if self.kernel not in ARCHES[self.arch].kernels:
            raise ValueError(f"{path}: KERNEL {self.kernel!r} is not supported for ARCH "
                             f"{self.arch!r} yet (only {', '.join(ARCHES[self.arch].kernels)})")
        # PERF: boot the image with Debian's perf (initramfs-perf.cpio.zst)
        if getattr(mod, "PERF", False) and self.arch != "x86_64":
            raise ValueError(f"{path}: PERF is only in the x86_64 image so far")

    def get(self, attr, default=None):
        return getattr(self.mod, attr, default)


class PeerScenario:
    """The second guest of a scenario with PEER (a dict of the same
    attributes as a scenario's): its own GUEST, HOST, topology/TOPOLOGY,
    FILES and check; anything else it does not set (KERNEL, MACHINE,
    MEMORY, MODULES, TOOLS, ARCH, ...) is the scenario's."""
    OWN = ("GUEST", "HOST", "topology", "TOPOLOGY", "FILES", "check", "PEER")

    def __init__(self, main):
        self.main = main
        self.spec = main.get("PEER")
        self.name = main.name + "/peer"
        self.kernel = main.kernel
        self.arch = main.arch
        self.description = "peer of " + main.name
        if not isinstance(self.spec, dict) or "GUEST" not in self.spec:
            raise ValueError(f"{main.path}: PEER must be a dict with a GUEST script")
        if isinstance(self.spec["GUEST"], (list, tuple)):
            raise ValueError(f"{main.path}: PEER's GUEST is one script (one boot)")

    def get(self, attr, default=None):
        if attr in self.spec:
            return self.spec[attr]
        if attr in self.OWN:
            return default
        return self.main.get(attr, default)


def load_scenarios():
    # Shared helpers live in scenarios/_*.py: not scenarios, but importable.
    if str(SCENARIOS) not in sys.path:
        sys.path.insert(0, str(SCENARIOS))
    out = {}
    for p in sorted(SCENARIOS.glob("*.py")):
        if p.name.startswith("_"):
            continue
        s = Scenario(p)
        out[s.name] = s
    return out


# ---------------------------------------------------------------- running ---

class Result:
    def __init__(self, name):
        self.name = name
        self.steps = []            # (name, status, detail)
        self.reasons = []          # why the scenario failed
        self.duration = 0.0
        self.boot = None           # seconds until /init ran
        self.kernel = None         # `uname -r` of the booted guest (@@INIT@@)
        self.end_status = None
        self.details = []          # extra lines printed on failure
        self.early_boot_retries = 0   # boots started again (EARLY_BOOT_LIMIT)

    @property
    def ok(self):
        return not self.reasons


class Run:
    def __init__(self, scn, image, opts, logdir=None):
        self.scn = scn
        self.image = Path(image)
        self.arch = ARCHES[getattr(scn, "arch", "x86_64")]
        # the kernel to boot and the release its /init must report
        kdir = self.image if scn.kernel == "stock" else Path(opts.kernels[scn.kernel])
        self.kernel_path = kdir / ("vmlinuz" if scn.kernel == "stock" else "bzImage")
        self.kernel_release = (kdir / "kernel-release").read_text().strip()
        self.opts = opts
        self.res = Result(scn.name)
        self.logdir = logdir or LOGS / scn.name
        self.verbose = opts.verbose
        self.in_scenario = False
        self.current_step = None
        self.step_lines = {}
        self.handler_errors = []
        self.want_tail = False             # print the console's tail on failure

    # -- guest -> host channel (second serial port) --
    def _sync_serve(self, path, t0):
        log = open(self.logdir / "sync.log", "a", buffering=1)
        handlers = self.scn.get("HOST", {}) or {}
        try:
            sock = None
            deadline = time.monotonic() + 15
            while sock is None:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    s.connect(str(path))
                    sock = s
                except OSError:
                    s.close()
                    if time.monotonic() > deadline:
                        log.write("could not connect to the sync socket\n")
                        return
                    time.sleep(0.1)
            self.sync_sock = sock
            buf = b""
            while True:
                data = sock.recv(4096)
                if not data:
                    break
                buf += data
                while b"\n" in buf:
                    raw, buf = buf.split(b"\n", 1)
                    line = raw.decode(errors="replace").strip("\r\0 ")
                    if not line.startswith("REQ "):
                        if line:
                            log.write(f"{time.monotonic() - t0:8.3f} ?? {line}\n")
                        continue
                    words = line.split()[1:]
                    tag, args = (words[0], words[1:]) if words else ("", [])
                    log.write(f"{time.monotonic() - t0:8.3f} <- {line}\n")
                    ok, text = self._handle(handlers, tag, args)
                    text = str(text or "").replace("\r", "").replace("\n", "\\n")
                    reply = f"ACK {tag} {'OK' if ok else 'FAIL'} {text}".rstrip()
                    log.write(f"{time.monotonic() - t0:8.3f} -> {reply}\n")
                    if self.sync_sock is not sock:
                        # the handler migrated the guest: its new QEMU
                        sock.close()
                        sock = self.sync_sock
                        log.write(f"{time.monotonic() - t0:8.3f} (channel of the new QEMU)\n")
                    sock.sendall(reply.encode() + b"\n")
        except OSError as e:
            log.write(f"sync channel: {e}\n")
        finally:
            log.close()

    def _handle(self, handlers, tag, args):
        h = handlers.get(tag)
        if h is None:
            msg = f"no HOST handler '{tag}'"
            self.handler_errors.append(msg)
            return False, msg
        try:
            if callable(h):
                return True, h(self.ctx, *args)
            out = []
            for item in h:  # a list of QMP commands
                if isinstance(item, dict):
                    cmd, cargs = item["execute"], item.get("arguments", {})
                else:
                    cmd, cargs = item[0], (item[1] if len(item) > 1 else {})
                out.append(json.dumps(self.ctx.qmp(cmd, **cargs)))
            return True, " ".join(out)
        except Exception as e:  # reported to the guest, which decides
            say(f"  note {self.scn.name}: host handler '{tag}' answered FAIL: {str(e)[:160]}")
            return False, f"{type(e).__name__}: {e}"

    # -- console --
    def _on_line(self, line):
        m = MARK.search(line)
        if m:
            if m.group(2):
                kind, name, detail = m.group(2), m.group(3), m.group(4) or ""
                if kind == "BEGIN":
                    self.current_step = name
                    self.step_lines[name] = []
                else:
                    self.current_step = None
                    self.res.steps.append((name, kind, detail))
                    tail = f" ({detail})" if detail else ""
                    say(f"  {kind} {self.scn.name}: {name}{tail}")
                    if kind == "FAIL":
                        self.res.reasons.append(f"step {name} failed")
                        out = self.step_lines.get(name, [])
                        self.res.details += [f"    | {name}: {x}" for x in out[-40:]]
            elif m.group(5):
                self.reached_init = True
                if self.res.boot is None:
                    self.res.boot = time.monotonic() - self.t0
                self.res.kernel = m.group(5)
                if m.group(5) != self.kernel_release:
                    self.res.reasons.append(f"booted kernel {m.group(5)}, expected "
                                            f"{self.kernel_release} ({self.scn.kernel})")
            elif m.group(1) == "SCENARIO BEGIN":
                self.in_scenario = True
            elif m.group(6) is not None:
                self.res.end_status = int(m.group(6))
                self.in_scenario = False
            return
        if self.current_step is not None:
            self.step_lines[self.current_step].append(line.strip())
        if self.verbose and self.in_scenario and not KERNEL_LINE.match(line):
            say(line[4:] if line.startswith("    ") and self.current_step else line)

    def run(self):
        try:
            self._run()
        except Exception:
            self.res.reasons.append("runner error")
            self.res.details += ["    " + x for x in traceback.format_exc().splitlines()]
        return self.res

    def _run(self):
        scn, opts = self.scn, self.opts
        if self.logdir.exists():
            shutil.rmtree(self.logdir)
        self.logdir.mkdir(parents=True)
        self.ctx = ctx = Context(scn.name, self.logdir, self.image, opts, arch=self.arch.name)
        console = self.logdir / "console.log"

        # GUEST is one script, or a list: one script per boot of the same
        # topology and backend files (e.g. to check that data persists).
        scripts = scn.get("GUEST")
        scripts = scripts if isinstance(scripts, (list, tuple)) else [scripts]
        topo = scn.get("topology")
        topo = topo(ctx) if callable(topo) else list(scn.get("TOPOLOGY", []))
        timeout = (opts.timeout or scn.get("TIMEOUT", DEFAULT_TIMEOUT)) * TIME_SCALE
        self.t0 = time.monotonic()
        self.console_pos = 0
        initrd = self.logdir / "initrd.img"
        peer = self._peer_setup(scripts)
        for boot, script in enumerate(scripts, 1):
            ctx.boot = boot
            if len(scripts) > 1:
                say(f"  boot {boot}/{len(scripts)} {scn.name}")
            self._make_initrd(initrd, script)
            if peer:
                peer.start(self.t0 + timeout)
            if not self._boot(topo, initrd, console, self.t0 + timeout) or not self.res.ok:
                break
        if peer:
            peer.finish(self.t0 + timeout)
        self.res.duration = time.monotonic() - self.t0
        self._conclude()
        if peer:
            peer.merge(self.res)
        if self.res.ok and not opts.keep:
            initrd.unlink()
            shutil.rmtree(ctx.workdir, ignore_errors=True)

    def _conclude(self):
        """After the guest is gone: kernel trouble in its console, failed
        host requests, and the scenario's host checks (check())."""
        ctx = self.ctx
        text = ctx.console()
        if not self._kernel_trouble(text) and self.want_tail:
            self.res.details += ["    | " + x for x in text.splitlines()[-30:]]
        for e in self.handler_errors:
            self.res.reasons.append(e)
        check = self.scn.get("check")
        if callable(check):
            try:
                check(ctx)
            except Exception as e:
                ctx.check("check()", False, f"{type(e).__name__}: {e}")
        for name, ok, detail in ctx.checks:
            self.res.steps.append((f"host:{name}", "PASS" if ok else "FAIL", detail))
            tail = f" ({detail})" if detail else ""
            say(f"  {'PASS' if ok else 'FAIL'} {self.scn.name}: host:{name}{tail}")
            if not ok:
                self.res.reasons.append(f"host check {name} failed")

    def _peer_setup(self, scripts):
        """A scenario with PEER: the second guest's Run, its Context
        sharing this one's work directory and marks (ctx.peer links
        them), its topology made after this one's."""
        if not self.scn.get("PEER"):
            return None
        if len(scripts) > 1:
            raise ValueError("a scenario with PEER boots once (GUEST is one script)")
        pscn = PeerScenario(self.scn)
        peer = PeerRun(pscn, self.image, self.opts, self.logdir / "peer")
        peer.logdir.mkdir(parents=True)
        peer.ctx = Context(pscn.name, peer.logdir, self.image, self.opts,
                           workdir=self.ctx.workdir, board=self.ctx.board, arch=self.arch.name)
        peer.ctx.peer, self.ctx.peer = self.ctx, peer.ctx
        peer.ctx.boot = 1
        peer.t0 = self.t0
        peer.console_pos = 0
        topo = pscn.get("topology")
        peer.topo = topo(peer.ctx) if callable(topo) else list(pscn.get("TOPOLOGY", []))
        peer._make_initrd(peer.logdir / "initrd.img", pscn.get("GUEST"))
        return peer

    def _make_initrd(self, initrd, script):
        """The base image plus a cpio with /scenario.sh and the FILES."""
        scn = self.scn
        files = {"scenario.sh": "#!/bin/sh\n" + script}
        mods = scn.get("MODULES")
        if mods is not None:
            files["etc/cxltest/modules"] = "\n".join(mods) + "\n"
        for k, v in (scn.get("FILES") or {}).items():
            files[k.lstrip("/")] = v
        for tool in scn.get("TOOLS") or []:
            files[f"usr/bin/{tool}"] = guest_tool(tool, self.arch.name).read_bytes()
        with open(initrd, "wb") as f:
            base = (self.image / ("initramfs-perf.cpio.zst" if scn.get("PERF")
                                  else "initramfs.cpio.zst")).read_bytes()
            # The kernel looks for a cpio header only at 4-byte aligned
            # offsets, skipping zero bytes after a compressed archive.
            f.write(base + b"\0" * (-len(base) % 4))
            f.write(cpio_newc(files))

    def _boot(self, topo, initrd, console, deadline):
        """One boot of the scenario's topology until the guest powers off
        (started again if the kernel hangs in early boot: EARLY_BOOT_LIMIT).
        Returns False if QEMU could not start. The console log is appended
        to, so a multi-boot scenario keeps every boot's output."""
        while True:
            self.reached_init = self.early_hang = False
            retry = self.res.early_boot_retries < EARLY_BOOT_RETRIES
            started = self._boot_once(topo, initrd, console, deadline, retry)
            if not self.early_hang:
                return started
            self.res.early_boot_retries += 1
            say(f"  RETRY {self.scn.name}: the kernel did not reach /init within "
                f"{EARLY_BOOT_LIMIT:.0f}s (vCPU state in {self.early_hang}); booting again")

    def _boot_once(self, topo, initrd, console, deadline, retry):
        scn, opts, ctx = self.scn, self.opts, self.ctx
        sockdir = Path(tempfile.mkdtemp(prefix="cxl-guest-"))
        qmp_sock, sync_sock = sockdir / "qmp.sock", sockdir / "sync.sock"
        arch = self.arch
        append = arch.append + (" " + scn.get("APPEND") if scn.get("APPEND") else "")
        machine = scn.get("MACHINE", arch.machine)
        # x86: SeaBIOS and option ROMs from build/firmware; aarch64: edk2
        firmware = (["-L", str(FIRMWARE)] if arch.name == "x86_64" else
                    ["-bios", str(self.image / "QEMU_EFI.fd")])
        cmd = [str(qemu_binary(opts, arch.name)), "-machine", machine, "-accel", "tcg",
               "-cpu", scn.get("CPU", arch.cpu),
               "-m", str(scn.get("MEMORY", "2G")), "-smp", str(scn.get("SMP", 2)),
               "-nographic", "-nodefaults", "-no-reboot", *firmware,
               "-kernel", str(self.kernel_path), "-initrd", str(initrd),
               "-append", append,
               "-chardev", f"file,id=cxltest-con,path={console},append=on",
               "-serial", "chardev:cxltest-con",
               "-chardev", f"socket,id=cxltest-sync,path={sync_sock},server=on,wait=off",
               "-serial", "chardev:cxltest-sync",
               "-qmp", f"unix:{qmp_sock},server=on,wait=off",
               # why a guest died: "Triple fault", rejected accesses
               "-d", "cpu_reset,guest_errors,invalid_mem",
               "-D", str(self.logdir / "qemu-debug.log")]
        if DIAG:
            cmd += ["-action", "shutdown=pause"]
        cmd += [str(a) for a in topo]
        with open(self.logdir / "qemu-cmdline.txt", "a") as f:
            f.write(" ".join(a if re.fullmatch(r"[\w@%+=:,./-]+", a) else repr(a) for a in cmd) + "\n")

        self.res.end_status = None
        qlog = open(self.logdir / "qemu.log", "ab")
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=qlog, stderr=subprocess.STDOUT)
        self.proc = proc
        ctx.proc, ctx.killed = proc, False
        # what a migration (ctx.migrate()) starts the new process with
        self.qemu_cmd, self.qemu_socks, self.qlog = cmd, (qmp_sock, sync_sock), qlog
        self.sockdirs = [sockdir]
        ctx._migrate = self._migrate
        try:
            try:
                ctx.qmp_client = QMP(qmp_sock, self.logdir / "qmp.log", self.t0,
                                     alive=lambda: proc.poll() is None)
            except OSError:
                if proc.wait(timeout=5) is None:
                    raise
                self.res.reasons.append(f"QEMU exited at start (status {proc.returncode})")
                self._tail_qemu_log()
                return False
            sync_thread = threading.Thread(target=self._sync_serve, args=(sync_sock, self.t0), daemon=True)
            sync_thread.start()
            self._watch(proc, console, deadline,
                        time.monotonic() + EARLY_BOOT_LIMIT if retry else None)
        finally:
            ctx._migrate = None
            proc = self.proc                # the last, after migrations
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            qlog.close()
            if ctx.qmp_client:
                ctx.qmp_client.close()
            for d in self.sockdirs:
                shutil.rmtree(d, ignore_errors=True)
        if (proc.returncode not in (0, None) and not self.res.reasons and not ctx.killed
                and not self.early_hang):
            self.res.reasons.append(f"QEMU exit status {proc.returncode}")
            self._tail_qemu_log()
        return True

    def _migrate(self):
        """ctx.migrate(): migrate to a file, start the same command line
        with -incoming from it, move QMP and the sync channel there, quit
        the old process."""
        ctx = self.ctx
        self.migrations = getattr(self, "migrations", 0) + 1
        stream = Path(ctx.workdir) / f"migration-{self.migrations}.bin"
        t = time.monotonic()
        ctx.qmp("migrate", uri=f"file:{stream}")
        deadline = time.monotonic() + 180
        while True:
            status = ctx.qmp("query-migrate").get("status")
            if status == "completed":
                break
            if status in ("failed", "cancelled") or time.monotonic() > deadline:
                raise RuntimeError(f"migration {status}: {ctx.qmp('query-migrate')}")
            time.sleep(0.1)
        sockdir = Path(tempfile.mkdtemp(prefix="cxl-guest-"))
        self.sockdirs.append(sockdir)
        qmp_sock, sync_sock = sockdir / "qmp.sock", sockdir / "sync.sock"
        old_qmp_sock, old_sync_sock = self.qemu_socks
        cmd = [a.replace(str(old_qmp_sock), str(qmp_sock)).replace(str(old_sync_sock), str(sync_sock))
               for a in self.qemu_cmd] + ["-incoming", f"file:{stream}"]
        with open(self.logdir / "qemu-cmdline.txt", "a") as f:
            f.write(" ".join(a if re.fullmatch(r"[\w@%+=:,./-]+", a) else repr(a) for a in cmd) + "\n")
        old, old_qmp = self.proc, ctx.qmp_client
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self.qlog, stderr=subprocess.STDOUT)
        try:
            client = QMP(qmp_sock, self.logdir / "qmp.log", self.t0, alive=lambda: proc.poll() is None)
        except OSError:
            proc.kill()
            proc.wait()
            raise RuntimeError(f"the destination QEMU exited at start (status {proc.returncode})")
        # the destination runs once the stream is loaded
        while True:
            status = client.cmd("query-status").get("status")
            if status == "running":
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"the destination did not run (status {status})")
            time.sleep(0.1)
        # from here the new process is the guest's
        self.proc, ctx.proc, ctx.qmp_client = proc, proc, client
        self.qemu_cmd, self.qemu_socks = cmd[:-2], (qmp_sock, sync_sock)
        try:
            old_qmp.cmd("quit")
        except Exception:
            pass
        try:
            old.wait(timeout=30)
        except subprocess.TimeoutExpired:
            old.kill()
            old.wait()
        old_qmp.close()
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(str(sync_sock))
        self.sync_sock = s
        size = stream.stat().st_size
        stream.unlink()
        return f"migrated to QEMU pid {proc.pid} ({size >> 20} MiB in {time.monotonic() - t:.1f}s)"

    def _watch(self, proc, console, deadline, early_deadline=None):
        timeout = round(deadline - self.t0)
        pos, partial = self.console_pos, b""
        end_at = None
        while True:
            proc = self.proc                # a migration replaces it
            exited = proc.poll() is not None
            try:
                with open(console, "rb") as f:
                    f.seek(pos)
                    data = f.read()
                    pos += len(data)
                    self.console_pos = pos
            except FileNotFoundError:
                data = b""
            partial += data
            *lines, partial = partial.split(b"\n")
            for raw in lines:
                self._on_line(raw.decode(errors="replace").replace("\r", ""))
            if self.res.end_status is not None and end_at is None:
                end_at = time.monotonic()
                if self.res.end_status != 0:
                    self.res.reasons.append(f"scenario script exit status {self.res.end_status}")
            if DIAG and not exited and self.ctx.qmp_events("SHUTDOWN"):
                self._diag_dump(proc)
                continue
            if exited and self.ctx.killed:
                return                      # the scenario killed it on purpose
            if exited:
                if partial:
                    self._on_line(partial.decode(errors="replace").replace("\r", ""))
                if self.res.end_status is None:
                    self.res.reasons.append(f"no end marker: QEMU exited (status {proc.returncode}"
                                            f"{self._exit_cause()}) before the scenario finished")
                    self.want_tail = True
                return
            now = time.monotonic()
            if end_at is not None and now - end_at > POWEROFF_GRACE:
                self.res.reasons.append("the guest did not power off after the end marker")
                return
            if early_deadline and not self.reached_init and now > early_deadline:
                name = f"hang-early-boot-{self.res.early_boot_retries + 1}.txt"
                self._hang_dump(proc, name)
                self.early_hang = name
                return
            if now > deadline:
                where = f" (in step {self.current_step})" if self.current_step else ""
                self.res.reasons.append(f"timeout after {timeout}s{where}")
                self.want_tail = True
                self._hang_dump(proc)
                return
            time.sleep(0.2)

    def _hang_dump(self, proc, name=None):
        """At a timeout, before QEMU is killed: what each vCPU was doing
        (QMP query-cpus-fast and HMP 'info registers -a') and the stacks of
        QEMU's threads (gdb, if installed), into hang.txt, so that a guest
        that hangs (or a QEMU that deadlocks) can be told apart."""
        out = [f"QEMU pid {proc.pid}, {time.monotonic() - self.t0:.1f}s after start"]
        try:
            with open(f"/proc/{proc.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            out.append(f"state {fields[0]}, CPU time {(int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK'):.1f}s")
        except (OSError, IndexError, ValueError):
            pass
        for cmd, args in (("query-cpus-fast", {}),
                          ("human-monitor-command", {"command-line": "info registers -a"})):
            try:
                out.append(f"--- {cmd}\n{self.ctx.qmp(cmd, **args)}")
            except Exception as e:         # QMP may be what hangs
                out.append(f"--- {cmd}: {e}")
        if shutil.which("gdb"):
            try:
                r = subprocess.run(["gdb", "-p", str(proc.pid), "-batch", "-ex",
                                    "thread apply all bt"], capture_output=True,
                                   text=True, timeout=60)
                out.append("--- gdb: thread apply all bt\n" + r.stdout[-20000:])
            except (OSError, subprocess.TimeoutExpired) as e:
                out.append(f"--- gdb: {e}")
        with open(self.logdir / (name or "hang.txt"), "w") as f:
            f.write("\n".join(out) + "\n")
        if not name:
            self.res.reasons.append("vCPU state and QEMU's thread stacks in hang.txt")

    def _exit_cause(self):
        """Why the guest stopped: the SHUTDOWN event's reason, and a
        triple fault if QEMU logged one."""
        why = [e.get("data", {}).get("reason", "?") for e in self.ctx.qmp_events("SHUTDOWN")
               if e.get("data", {}).get("guest")]
        try:
            with open(self.logdir / "qemu-debug.log", errors="replace") as f:
                if any(line.startswith("Triple fault") for line in f):
                    why.append("triple fault, see qemu-debug.log")
        except OSError:
            pass
        return ", " + ", ".join(why[:2]) if why else ""

    def _diag_dump(self, proc):
        """CXL_GUEST_DIAG: QEMU paused at the guest's reset or poweroff."""
        ctx = self.ctx
        if self.res.end_status is None:
            with open(self.logdir / "diag.txt", "w") as out:
                def hmp(line):
                    try:
                        r = ctx.qmp("human-monitor-command", **{"command-line": line})
                    except QMPError as e:
                        r = f"error: {e}"
                    out.write(f"===== {line}\n{r}\n")
                    return r
                regs = hmp("info registers -a")
                hmp("info mtree -f")
                # each CPU's top-level page table
                for cr3 in sorted(set(re.findall(r"CR3=([0-9a-f]+)", regs))):
                    hmp(f"xp /512gx 0x{cr3}")
        try:
            ctx.qmp("quit")
        except QMPError:
            pass
        proc.wait(timeout=30)

    def _allowed_warning(self, lines, i):
        """Whether the WARNING at lines[i] is one the scenario expects: its
        message (the kernel line before it, or the line itself) contains a
        string of ALLOW_WARNINGS. Returns the index of the report's end
        ("---[ end trace"), or None."""
        allowed = self.scn.get("ALLOW_WARNINGS") or []
        if not allowed or "WARNING:" not in lines[i]:
            return None
        prev = [x for x in lines[max(0, i - 5):i] if KERNEL_LINE.match(x)][-1:]
        if not any(a in x for a in allowed for x in prev + [lines[i]]):
            return None
        for j in range(i + 1, min(len(lines), i + 80)):
            if "---[ end trace" in lines[j]:
                return j
        return None

    def _kernel_trouble(self, text):
        lines = text.splitlines()
        skip_to = -1
        for i, line in enumerate(lines):
            if i <= skip_to:
                continue
            m = KERNEL_TROUBLE.search(line)
            if m:
                end = self._allowed_warning(lines, i)
                if end is not None:
                    skip_to = end
                    continue
                self.res.reasons.append(f"kernel trouble in the console ({m.group(1).rstrip(':')})")
                self.res.details += ["    | " + x for x in lines[max(0, i - 3):i + 25]]
                return True
        return False

    def _tail_qemu_log(self):
        try:
            lines = (self.logdir / "qemu.log").read_text(errors="replace").splitlines()
        except OSError:
            lines = []
        self.res.details += ["    | qemu: " + x for x in lines[-20:]]


class PeerRun(Run):
    """The second guest of a scenario with PEER, booted beside the first
    in a thread; its steps and checks join the scenario's result, named
    "peer:STEP"."""

    def start(self, deadline):
        self.thread = threading.Thread(target=self._thread, args=(deadline,), daemon=True)
        self.thread.start()

    def _thread(self, deadline):
        try:
            self._boot(self.topo, self.logdir / "initrd.img", self.logdir / "console.log",
                       deadline)
        except Exception:
            self.res.reasons.append("runner error")
            self.res.details += ["    " + x for x in traceback.format_exc().splitlines()]

    def finish(self, deadline):
        """Wait for the peer's QEMU to end (it times out by itself)."""
        self.thread.join(max(1, deadline - time.monotonic()) + 60)
        if self.thread.is_alive():
            self.res.reasons.append("the peer's runner did not end")
            if self.proc is not None and self.proc.poll() is None:
                self.proc.kill()

    def merge(self, res):
        """Into the scenario's result @res: the peer's steps, host checks
        and failures."""
        self._conclude()
        res.steps += [(f"peer:{n}", k, d) for n, k, d in self.res.steps]
        res.reasons += [f"peer: {r}" for r in self.res.reasons]
        res.details += self.res.details
        if self.res.boot is not None and res.boot is not None:
            res.boot = max(res.boot, self.res.boot)


_tool_lock = threading.Lock()


def guest_tool(name, arch="x86_64"):
    """NAME.c (in tests/guest/tools/ or another of TOOL_DIRS) built as a
    static program for the guest (which has no compiler), in
    build/guest-tools/ (another ARCH than x86_64: build/guest-tools/ARCH/,
    with Debian's ARCH-linux-gnu-gcc cross compiler); rebuilt when older
    than its source."""
    src = next((d / f"{name}.c" for d in TOOL_DIRS if (d / f"{name}.c").exists()),
               HERE / "tools" / f"{name}.c")
    out = TOP / "build" / "guest-tools" / name
    cc = "gcc"
    if arch != "x86_64":
        out = TOP / "build" / "guest-tools" / arch / name
        cc = f"{arch}-linux-gnu-gcc"
    with _tool_lock:
        # (the tools share headers beside them)
        newest = max(f.stat().st_mtime for f in [src, *src.parent.glob("*.h")])
        if not out.exists() or out.stat().st_mtime < newest:
            out.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([cc, "-static", "-O2", "-Wall", "-Werror", "-o", str(out), str(src)],
                           check=True)
    return out


def qemu_binary(opts, arch):
    """The QEMU binary for guests of ARCH (options --qemu, --qemu-aarch64)."""
    if arch == "x86_64":
        return Path(opts.qemu)
    return Path(getattr(opts, "qemu_" + arch, None) or TOP / "build" / "bin" / f"qemu-system-{arch}")


_images = {}
_image_lock = threading.Lock()


def build_image(deb_arch="amd64", fatal=True):
    """The guest image directory for Debian architecture DEB_ARCH (amd64,
    arm64): image.sh's answer, asked once per run. If it fails: exit, or
    (not FATAL) raise RuntimeError."""
    with _image_lock:
        if deb_arch not in _images:
            argv = [str(HERE / "image.sh")]
            if deb_arch != "amd64":
                argv += ["--arch", deb_arch]
            p = subprocess.run(argv, stdout=subprocess.PIPE, text=True)
            if p.returncode != 0:
                msg = f"run.py: building the {deb_arch} guest image failed (exit {p.returncode})"
                if fatal:
                    sys.exit(msg)
                raise RuntimeError(msg)
            _images[deb_arch] = p.stdout.strip().splitlines()[-1]
        return _images[deb_arch]


def build_kernel():
    """The full kernel's directory (tests/guest/kernel.sh: from the cache, or
    built now, which takes ~10 min on 2 cores the first time)."""
    say("run.py: getting the full guest kernel (tests/guest/kernel.sh; the first build takes 10-15 min)")
    p = subprocess.run([str(HERE / "kernel.sh")], stdout=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"run.py: building the full guest kernel failed (exit {p.returncode})")
    return p.stdout.strip().splitlines()[-1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*", metavar="NAME", help="scenarios to run (default: all)")
    ap.add_argument("--list", action="store_true", help="list the scenarios")
    ap.add_argument("--demo", action="store_true",
                    help="run the 'demo' scenario and show what the guest prints")
    ap.add_argument("-v", "--verbose", action="store_true", help="show the guest scripts' output")
    ap.add_argument("--jobs", "-j", type=int, default=None,
                    help="guests in parallel (default: 2 if several scenarios)")
    ap.add_argument("--timeout", type=int, default=None,
                    help="seconds per scenario (default: the scenario's TIMEOUT or %d)" % DEFAULT_TIMEOUT)
    ap.add_argument("--qemu", default=os.environ.get("CXL_QEMU", str(DEFAULT_QEMU)),
                    help="QEMU binary (default: build/bin/qemu-system-x86_64)")
    ap.add_argument("--qemu-aarch64", default=os.environ.get("CXL_QEMU_AARCH64", str(DEFAULT_QEMU_AARCH64)),
                    help="QEMU binary of the aarch64 scenarios (default: build/bin/qemu-system-aarch64)")
    ap.add_argument("--image", default=None, help="guest image directory (default: build it with image.sh)")
    ap.add_argument("--image-aarch64", default=None, metavar="DIR",
                    help="the aarch64 scenarios' image directory (default: image.sh --arch arm64)")
    ap.add_argument("--full-kernel", default=None, metavar="DIR",
                    help="directory of the full kernel (bzImage, kernel-release; default: kernel.sh)")
    ap.add_argument("--keep", action="store_true", help="keep the initrd and work files of passing scenarios")
    opts = ap.parse_args()

    try:
        scenarios = load_scenarios()
    except Exception as e:
        sys.exit(f"run.py: loading the scenarios failed: {e}")
    if opts.list:
        for n, s in scenarios.items():
            flag = "" if s.default else " (not in the default run)"
            flag += "" if s.kernel == "stock" else f" [kernel {s.kernel}]"
            flag += "" if s.arch == "x86_64" else f" [{s.arch}]"
            print(f"{n:20s} {s.description.splitlines()[0] if s.description else ''}{flag}")
        return 0
    if opts.demo:
        opts.names = ["demo"]
        opts.verbose = True
    names = opts.names or [n for n, s in scenarios.items() if s.default]
    unknown = [n for n in names if n not in scenarios]
    if unknown:
        sys.exit(f"run.py: unknown scenario(s): {' '.join(unknown)} (see --list)")
    opts.qemu = Path(opts.qemu)
    arches = {scenarios[n].arch for n in names}
    # A missing binary for x86_64 guests stops the run; one for another
    # architecture fails that architecture's scenarios (the others run).
    if "x86_64" in arches and not os.access(opts.qemu, os.X_OK):
        sys.exit(f"run.py: no QEMU binary at {opts.qemu} (build it first: make build)")
    missing = {a for a in arches - {"x86_64"} if not os.access(qemu_binary(opts, a), os.X_OK)}
    # the images of the architectures that a selected scenario boots
    given = {"x86_64": opts.image, "aarch64": opts.image_aarch64}
    images = {a: given[a] or build_image(ARCHES[a].deb) for a in sorted(arches - missing)}
    # The full kernel is built (or found in the cache) only when a selected
    # scenario needs it.
    opts.kernels = {}
    if any(scenarios[n].kernel == "full" for n in names):
        opts.kernels["full"] = opts.full_kernel or build_kernel()
    jobs = opts.jobs or (2 if len(names) > 1 else 1)

    def one(name):
        arch = scenarios[name].arch
        if arch in missing:
            say(f"FAIL {name}: no QEMU binary for {arch} guests at {qemu_binary(opts, arch)} "
                f"(make build, or --qemu-{arch})")
            res = Result(name)
            res.reasons.append(f"no qemu-system-{arch}")
            return res
        run = Run(scenarios[name], images[arch], opts)
        say(f"=== {name}: {scenarios[name].description.splitlines()[0] if scenarios[name].description else ''}",
            f"  kernel {scenarios[name].kernel}: {run.kernel_path}"
            + ("" if arch == "x86_64" else f" ({arch}, {qemu_binary(opts, arch)})"))
        res = run.run()
        boot = f", init after {res.boot:.1f}s" if res.boot is not None else ""
        boot += f", kernel {res.kernel}" if res.kernel else ", kernel did not reach /init"
        if res.early_boot_retries:
            boot += f", after {res.early_boot_retries} early-boot hang(s): hang-early-boot-*.txt"
        if res.ok:
            say(f"PASS {name} ({res.duration:.1f}s{boot})")
        else:
            say(f"FAIL {name} ({res.duration:.1f}s{boot}): {'; '.join(res.reasons)}",
                *res.details, f"    logs: {LOGS / name}/")
        return res

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as ex:
        results = list(ex.map(one, names))
    passed = sum(r.ok for r in results)
    failed = len(results) - passed
    print()
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
