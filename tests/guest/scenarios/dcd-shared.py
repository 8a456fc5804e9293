"""Two hosts share dynamic capacity: two guests, each the host of one head
of a multi-headed device, in two QEMU processes.

Heads 0 and 1 of one two-headed cxl-type3 (mhd-state: one shared state
file; one share=on DC backend file; DC region 0 sharable, region 1 not)
are each in their own QEMU with a guest (this scenario and its PEER).
Firmware-committed decoders map each head's DC partition at the start of
its window 0 (as dcd-fw-region), the guests accept extents with raw
mailbox commands and use them through /dev/mem, each host plays the
fabric manager of its head over its own QMP:

- host A is offered a tagged extent of region 0, accepts it and writes a
  pattern; host B is given access to it (enable-shared-access with the
  tag), accepts it, reads A's pattern and writes a second one into the
  other half, which A reads: both see the same memory;
- an extent of region 1 (not sharable) offered to A is refused to B,
  both by enable-shared-access and by an overlapping offer, and B reads
  all ones there;
- A gives the shared extent up (forced release): A reads all ones, B
  still reads both patterns and the backend keeps them; when B gives it
  up too, nobody holds it and the backend range is zeroed.

Head 0's FM CCI is also an MCTP endpoint on a cxl-mctp-chardev: the
host's fabric manager client (scripts/cxl-fm.py) gets Get Multi-Headed
Info (5500h) through it: two LDs, two heads, LD n on head n.
"""

import uuid

from _cxl import DCD_LIB, GUEST_LIB, MiB, dax_bytes
from _fm import HostFM

DESCRIPTION = "multi-headed DCD: two guests in two QEMU processes share an extent; a private one is refused"
MACHINE = "q35,cxl=on"
KERNEL = "full"
TOOLS = ["cxlmbox", "daxpoke"]
ALLOW_WARNINGS = ["raw command path used"]
MEMORY = "1G"
TIMEOUT = 400

STATIC, DC = 256 * MiB, 512 * MiB       # DC base: DPA 256 MiB; regions of 256 MiB
SHARED_LEN = 4 * MiB                    # region 0, offset 0
PRIV_LEN = 2 * MiB                      # region 1, offset 0
TAG = str(uuid.UUID("7d1e5a4c-3b2a-4f19-8e07-6c5d4b3a2918"))
TAG2 = str(uuid.UUID("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"))
SEED_A, SEED_B, SEED_P = 51, 52, 53


def head(ctx, n):
    dc = ctx.path("dc.img") if n else ctx.file("dc.img", size=DC)
    return ["-M", "q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G,"
                  "cxl-region.0.window=0,cxl-region.0.size=512M,"
                  f"cxl-region.0.targets.0=mhd{n},cxl-region.0.type=dc",
            "-object", f"memory-backend-ram,id=vmem0,size={STATIC}",
            "-object", f"memory-backend-file,id=dc0,share=on,mem-path={dc},size={DC}",
            "-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1",
            "-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2",
            "-device", "cxl-type3,bus=rp0,volatile-memdev=vmem0,volatile-dc-memdev=dc0,"
                       f"num-dc-regions=2,dc-sharable-regions=1,mhd-state={ctx.path('mhd.state')},"
                       f"mhd-head={n},id=mhd{n},sn=7"] + ([
            "-chardev", f"socket,id=fm,path={ctx.path('fm.sock')},server=on,wait=off",
            "-device", "cxl-mctp-chardev,chardev=fm,target=mhd0"] if n == 0 else [])


def host_handlers(n):
    path = f"mhd{n}"

    def offer(ctx, policy, region, off, length, tag="-"):
        args = {"path": path, "host-id": n, "region": int(region), "selection-policy": policy,
                "extents": [] if policy == "enable-shared-access"
                else [{"offset": int(off), "len": int(length)}]}
        if tag != "-":
            args["tag"] = tag
        ctx.qmp("cxl-add-dynamic-capacity", **args)
        return "offered"

    def release(ctx, region, off, length):
        ctx.qmp("cxl-release-dynamic-capacity", path=path, **{
            "host-id": n, "region": int(region), "removal-policy": "prescriptive",
            "forced-removal": True, "extents": [{"offset": int(off), "len": int(length)}]})
        return "released"

    def query(ctx):
        r = ctx.qmp("cxl-query-dynamic-capacity", path=path)
        return " ".join(f"{e['region']}/{e['offset'] // MiB}/{e['len'] // MiB}/{e['state']}"
                        f"/{','.join(map(str, e.get('other-heads', []))) or '-'}"
                        for e in r["extents"]) or "none"

    return {"offer": offer, "release": release, "query": query, "backend": backend,
            "post": lambda ctx, name: ctx.post(name), "wait": lambda ctx, name: ctx.wait(name)}


def backend(ctx, what, off, length, seed=0):
    """The DC backend file at DC offset OFF: "pattern" (what daxpoke writes
    with SEED at device offset OFF) or "zero"."""
    with open(ctx.path("dc.img"), "rb") as f:
        f.seek(int(off))
        got = f.read(int(length))
    want = dax_bytes(int(off), int(seed), int(length)) if what == "pattern" else bytes(int(length))
    if got != want:
        bad = next(i for i in range(len(got)) if got[i:i + 1] != want[i:i + 1])
        return f"differs at +0x{bad:x}"
    return "ok"


def topology(ctx):
    return head(ctx, 0)


def mhd_info(ctx):
    """Get Multi-Headed Info from head 0's FM CCI over MCTP (the socket)"""
    fm = HostFM("fm.sock", 0)
    rc, out = fm.run(ctx, "discover", "--assign", "22")
    ctx.check("host-discover", rc == 0 and "eid: 22 (dynamic)" in out, out)
    return out + fm.expect(ctx, "mhd-info", ["mhd-info"], 0, "lds: 2", "heads: 2",
                           "ld 0: head=0", "ld 1: head=1")


HOST = dict(host_handlers(0), **{"mhd-info": mhd_info})

# the first half of the shared extent is A's, the second B's
HALF = SHARED_LEN // 2
COMMON = GUEST_LIB + DCD_LIB + rf'''
M=1048576
DCB={STATIC}
step memdev-endpoint-given-up wait_fw_dc_memdevs 1 || exit 1
BASE=$(cat /sys/bus/cxl/devices/decoder0.0/start)
step window-base test -n "$BASE" || exit 1
S=mem:$BASE+{SHARED_LEN}              # the shared extent (region 0)
P=mem:$(( BASE + 256 * M ))+{PRIV_LEN}  # region 1's first 2 MiB
accept() {{ rc 4802 "$(response 4802 $(( DCB + $1 )) $2)"; }}
'''

GUEST = COMMON + rf'''
step mhd-info host mhd-info
step_eq offered offered host offer prescriptive 0 0 {SHARED_LEN} {TAG}
step_eq accept 00 accept 0 {SHARED_LEN}
step_eq log-cleared 00 clear_dc_log
step write-a daxpoke write $S 0 {HALF} {SEED_A}
step post-a-wrote host post a-wrote
step wait-b-wrote host wait b-wrote
step reads-b daxpoke check $S {HALF} {HALF} {SEED_B}
step_eq query-shared "0/0/{SHARED_LEN // MiB}/accepted/1" host query
# a private extent of region 1, written; B must not get it
step_eq private-offered offered host offer prescriptive 1 0 {PRIV_LEN} {TAG2}
step_eq private-accept 00 accept $(( 256 * M )) {PRIV_LEN}
step_eq private-log-cleared 00 clear_dc_log
step write-private daxpoke write $P 0 {PRIV_LEN} {SEED_P}
step post-a-private host post a-private
step wait-b-checked host wait b-checked
# A gives the shared extent up; B keeps it
step_eq release released host release 0 0 {SHARED_LEN}
step_eq release-log-cleared 00 clear_dc_log
step ones-after-release daxpoke ones $S 0 {SHARED_LEN}
step_eq backend-kept ok host backend pattern 0 {HALF} {SEED_A}
step post-a-released host post a-released
step reads-private daxpoke check $P 0 {PRIV_LEN} {SEED_P}
step wait-b-done host wait b-done
step_eq kernel-log-clean "" fw_dc_kernel_errors
'''

PEER = {
    "topology": lambda ctx: head(ctx, 1),
    "HOST": host_handlers(1),
    "GUEST": COMMON + rf'''
step ones-before daxpoke ones $S 0 {SHARED_LEN}
step wait-a-wrote host wait a-wrote
step_eq shared-offered offered host offer enable-shared-access 0 0 0 {TAG}
step_eq accept 00 accept 0 {SHARED_LEN}
step_eq log-cleared 00 clear_dc_log
step reads-a daxpoke check $S 0 {HALF} {SEED_A}
step write-b daxpoke write $S {HALF} {HALF} {SEED_B}
step post-b-wrote host post b-wrote
step wait-a-private host wait a-private
# region 1 is not sharable, and its extent is A's
step_fails private-not-shared host offer enable-shared-access 1 0 0 {TAG2}
step_fails private-not-offered host offer prescriptive 1 0 {PRIV_LEN}
step ones-private daxpoke ones $P 0 {PRIV_LEN}
step_eq query-one "0/0/{SHARED_LEN // MiB}/accepted/0" host query
step post-b-checked host post b-checked
step wait-a-released host wait a-released
# A gave it up: B still has both halves
step still-reads-a daxpoke check $S 0 {HALF} {SEED_A}
step still-reads-b daxpoke check $S {HALF} {HALF} {SEED_B}
step_eq query-alone "0/0/{SHARED_LEN // MiB}/accepted/-" host query
# the last holder gives it up: the backend range is zeroed
step_eq release released host release 0 0 {SHARED_LEN}
step_eq release-log-cleared 00 clear_dc_log
step ones-after-release daxpoke ones $S 0 {SHARED_LEN}
step_eq backend-zeroed ok host backend zero 0 {SHARED_LEN}
step post-b-done host post b-done
step_eq kernel-log-clean "" fw_dc_kernel_errors
''',
}
