"""Shared pieces of the persistent-memory security scenarios
(type3-security on Debian's kernel, security-full on the full-coverage
kernel): the topology, host handlers that look at the device-state file,
the pmem backend and the device's security state, and the guest's ndctl
and keyring helpers. Not a scenario (the name starts with '_')."""

import base64
import re

from _cxl import (GUEST_LIB, kv_store, pmem_lsa_device, read_file, pattern, MiB,
                  PMEM_OFFSET, PMEM_LENGTH)

PMEM_SIZE = 256 * MiB
MASTER = bytes(range(0x40, 0x60))     # the 32-byte "user" master key
# the guest's /etc/ndctl/keys holds the master key blob (a "user" key: the
# kernels have no TRUSTED_KEYS)
FILES = {"/etc/ndctl/keys/nvdimm-master.blob": MASTER}

# CXL r3.1 Get Security State bits (Linux's CXL_PMEM_SEC_STATE_*)
SEC_BITS = [(0x01, "user-pass-set"), (0x02, "master-pass-set"), (0x04, "locked"),
            (0x08, "frozen"), (0x10, "user-plimit"), (0x20, "master-plimit")]
# QEMU trace points the host handlers read in qemu-debug.log (run.py's -D):
# the security state at every reset and change, and every mailbox command
# with its return code
STATE_TRACE, CMD_TRACE = "cxl_type3_security_state", "cxl_cci_command"


def topology(ctx):
    """pmem + LSA device "t3" (serial 1) with the device-state file
    t3.state; the device's security state and mailbox commands traced
    (see device_security, security_commands)."""
    return (pmem_lsa_device(ctx, 1, state="t3.state") +
            ["-trace", STATE_TRACE, "-trace", CMD_TRACE])


def state_passphrases(ctx):
    """The passphrase keys of the device-state file's [security] group."""
    try:
        text = open(ctx.path("t3.state")).read()
    except FileNotFoundError:
        return "no file"
    keys = [line.split("=")[0] for line in text.splitlines()
            if line.split("=")[0].endswith("-passphrase")]
    return " ".join(sorted(keys)) or "none"


def user_passphrase_kept(ctx):
    """The device-state file holds a 32-byte user passphrase."""
    for line in open(ctx.path("t3.state")).read().splitlines():
        if line.startswith("user-passphrase="):
            if len(base64.b64decode(line.split("=", 1)[1])) == 32:
                return "user passphrase kept"
    raise RuntimeError(f"no user passphrase in the device-state file ({state_passphrases(ctx)})")


def intact(ctx, seed=9):
    if read_file(ctx, "pmem0", PMEM_OFFSET, PMEM_LENGTH) != pattern(int(seed), PMEM_LENGTH):
        raise RuntimeError("the pattern is not at DPA 1 MiB of the pmem backend")
    return "pattern at DPA 1 MiB"


def zeroed(ctx):
    with open(ctx.path("pmem0.img"), "rb") as f:
        off = 0
        while True:
            data = f.read(4 * MiB)
            if not data:
                break
            if data.count(0) != len(data):
                i = next(i for i, b in enumerate(data) if b)
                raise RuntimeError(f"pmem backend not zero at 0x{off + i:x}")
            off += len(data)
    if off != PMEM_SIZE:
        raise RuntimeError(f"pmem backend is {off} bytes")
    return "pmem backend all zero"


def _trace(ctx):
    """This QEMU run's trace (QEMU opens the -D file anew at every boot and
    writes each line before the command it traces completes)."""
    return open(ctx.logdir / "qemu-debug.log", errors="replace").read()


def device_security(ctx):
    """The device's security state, what Get Security State returns: the
    last value the state trace point logged in this QEMU run (at every
    reset and state change), as "0xNN bit-name...", or "0x00 none"."""
    states = re.findall(STATE_TRACE + r" security state 0x([0-9a-f]+)", _trace(ctx))
    if not states:
        raise RuntimeError("no security state traced")
    state = int(states[-1], 16)
    names = [name for bit, name in SEC_BITS if state & bit]
    return f"0x{state:02x} " + (" ".join(names) or "none")


def security_commands(ctx):
    """The security commands that changed or tried to change the state
    (opcodes 4501h-4505h; Get Security State is left out) the device ran
    since the last call in this QEMU run, with their return codes (hex):
    "unlock:14 set-passphrase:00", or "none". Tells the device's
    refusals (Incorrect Passphrase 14h, Invalid Security State 13h) from
    the kernel's (no command reaches the device)."""
    cmds = re.findall(CMD_TRACE + r" .*: command 0x45(0[1-5]) \(([^)]*)\) in \d+ bytes: "
                      r"return code 0x([0-9a-f]+)", _trace(ctx))
    # (the count seen so far belongs to this boot's QEMU process)
    proc, seen = getattr(ctx, "security_commands_seen", (None, 0))
    if proc is not ctx.proc:
        seen = 0
    ctx.security_commands_seen = (ctx.proc, len(cmds))
    out = [f"{name.lower().replace(' ', '-')}:{int(rc, 16):02x}" for _, name, rc in cmds[seen:]]
    return " ".join(out) or "none"


def check(ctx):
    """The scenarios' end: no passphrase left, the erased pattern stays
    zero."""
    ctx.check("state-file-no-passphrase", state_passphrases(ctx) == "none",
              f"passphrases left in the device-state file: {state_passphrases(ctx)}")
    data = read_file(ctx, "pmem0", PMEM_OFFSET, PMEM_LENGTH)
    ctx.check("pattern-erased", data == bytes(PMEM_LENGTH),
              "the pattern's bytes stay zero after the erase")


def host_handlers():
    return dict(kv_store(), kept=user_passphrase_kept, passphrases=state_passphrases,
                intact=intact, zeroed=zeroed, devsec=device_security,
                seccmds=security_commands)


# Guest helpers: the DIMM's key blob (serial 1), ndctl's view of the DIMM,
# the key blobs a boot leaves for the next through the host
GUEST_SEC_LIB = GUEST_LIB + r'''
sec=/sys/bus/cxl/devices/mem0/security/state
keys=/etc/ndctl/keys
blob=$keys/nvdimm_1_$(hostname).blob
mblob=$keys/nvdimm-master_1_$(hostname).blob
# wait_nmem0: until the memdev and its nvdimm have probed
wait_nmem0() {
    wait_memdevs 1 || return 1
    local i=0
    while [ ! -e /sys/bus/nd/devices/nmem0 ] && [ $i -lt 60 ]; do sleep 0.5; i=$((i + 1)); done
    cat /sys/bus/nd/devices/ndbus*/wait_probe >/dev/null
    test -e /sys/bus/nd/devices/nmem0
}
# nmem_field NAME: a field of the DIMM in ndctl list -D
nmem_field() { ndctl list -D -i -d nmem0 | sed -n "s/.*\"$1\":\"*\([^\",]*\).*/\1/p"; }
# key_of DESC: the encrypted key DESC in the user keyring (nvdimm:1 holds
# the user passphrase, nvdimm-master:1 the master passphrase)
key_of() { keyctl search @u encrypted "$1"; }
# load_master_pass_key: the master passphrase's key from its blob. ndctl 81
# passes key 0 (the zero passphrase) when it has to load a key from its
# blob itself (check_dimm_key() in ndctl/keys.c sets the key it just loaded
# to 0), and load-keys loads only nvdimm_* blobs: put the key in the
# keyring as load-keys does for user keys (in place of any key there)
load_master_pass_key() {
    local k
    k=$(key_of nvdimm-master:1 2>/dev/null) && keyctl unlink "$k" @u
    keyctl add encrypted nvdimm-master:1 "load $(cat "$mblob")" @u
}
# save_blob [KEY [FILE]] / restore_blob [KEY [FILE]]: a key blob (default
# the DIMM's, $blob) to / from the host under KEY (default "blob"; host
# prints its @@HOST marker line before the reply)
save_blob() { test -s "${2:-$blob}" && host save "${1:-blob}" "$(base64 -w 0 "${2:-$blob}")"; }
restore_blob() {
    host load "${1:-blob}" | tail -n 1 | base64 -d > "${2:-$blob}" && test -s "${2:-$blob}"
}
'''
# A pmem region on mem0 with a raw labelled namespace (its UUID saved on the
# host) and pattern 9 at offset 1 MiB of /dev/pmem0
PMEM_WRITE = r'''
step region cxl create-region -t pmem -d decoder0.0 -m mem0
region=$(only_region)
step namespace ndctl create-namespace -r "$region" -m raw
uuid=$(only_ns_uuid)
step save-uuid host save uuid "$uuid"
step write-pattern pmem_write 9
'''
# After a reboot: the region again, the namespace from the labels with the
# same UUID, the pattern read back; the region destroyed, the pattern in the
# pmem backend file
PMEM_READ_BACK = r'''
step region cxl create-region -t pmem -d decoder0.0 -m mem0
region=$(only_region)
step namespace-from-labels test -b /dev/pmem0
want=$(host load uuid | tail -n 1)
step_match namespace-same-uuid "\"uuid\":\"$want\"" ndctl list -N
step read-pattern pmem_cmp 9
step destroy-region cxl destroy-region -f "$region"
step host-pattern-there host intact
'''
