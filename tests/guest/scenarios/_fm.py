"""What the fabric manager scenarios share (not a scenario itself): the
host's client, scripts/cxl-fm.py, loaded as a module and kept on one
connection to a cxl-mctp-chardev socket (the chardev takes one client at
a time), and the guest's shell helpers around cxlfm."""

import argparse
import contextlib
import importlib.util
import io
from pathlib import Path

FM = Path(__file__).resolve().parents[3] / "scripts" / "cxl-fm.py"


def _client():
    spec = importlib.util.spec_from_file_location("cxl_fm", FM)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


CLIENT = _client()
# seconds to wait for a response: generous, since a loaded 2-core machine
# running guests can keep QEMU's main loop from answering for seconds
RESPONSE_TIMEOUT = 30.0


class HostFM:
    """scripts/cxl-fm.py's commands (FM API messages, type 7) to endpoint
    @eid on the scenario's socket file @sock, as its command line runs
    them (exit status 0, 1 for a failing return code, 2 for an error)"""

    def __init__(self, sock, eid):
        self.sock, self.eid, self.ep = sock, eid, None

    def connect(self, ctx, eid):
        """A new connection, to endpoint @eid"""
        self.eid = eid
        self.ep = CLIENT.Endpoint(ctx.path(self.sock), eid, 8, RESPONSE_TIMEOUT)

    def run(self, ctx, *args):
        """(exit status, output) of the command words @args ("--json"
        first: JSON output)"""
        if self.ep is None:
            self.connect(ctx, self.eid)
        words, as_json = list(args), False
        if words[0] == "--json":
            as_json, words = True, words[1:]
        opts = argparse.Namespace(type=7, json=as_json, bg_timeout=60.0)
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            try:
                rc = 0 if CLIENT.dispatch(self.ep, opts, words) else 1
            except CLIENT.Failed:
                rc = 1
            except (ValueError, OSError, TimeoutError) as e:
                print(f"cxl-fm: {e}")
                rc = 2
        return rc, buf.getvalue()

    def expect(self, ctx, name, args, rc, *lines):
        """Run @args: the exit status is @rc and the output has @lines (a
        check host-NAME); the output"""
        got, out = self.run(ctx, *args)
        ok = got == rc and all(line in out.split("\n") for line in lines)
        ctx.check(f"host-{name}", ok, f"cxl-fm.py {' '.join(args)}: exit {got}\n{out}")
        if not ok:
            raise RuntimeError(f"host client: {name}")
        return out


# The guest's helpers: wait_if NAME (the network interface NAME exists:
# USB enumeration), memdevs N (exactly N CXL memdevs, 60 s at most),
# fm ARGS (cxlfm ARGS into /tmp/out with its exit status), fmx NAME
# 'ARGS' LINE... (fm ARGS, and every LINE is in its output)
GUEST_LIB = r'''
wait_if() {
    for i in $(seq 50); do
        [ -e /sys/class/net/$1 ] && return 0
        sleep 0.2
    done
    ls /sys/class/net
    return 1
}
memdevs() {
    for i in $(seq 120); do
        [ "$(ls -d /sys/bus/cxl/devices/mem* 2>/dev/null | wc -l)" -eq "$1" ] && return 0
        sleep 0.5
    done
    ls /sys/bus/cxl/devices/
    return 1
}
has() { grep -qxF "$1" /tmp/out || { cat /tmp/out; return 1; }; }
fm() { cxlfm "$@" > /tmp/out; echo "exit=$?" >> /tmp/out; cat /tmp/out; }
fmx() {
    local name=$1; shift
    local args=$1; shift
    fm $args >/dev/null
    for l in "$@"; do
        has "$l" || { echo "$name: missing '$l'"; return 1; }
    done
    cat /tmp/out
}
'''
