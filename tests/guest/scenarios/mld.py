"""A multi-logical device shared by two virtual CXL switches of one
switch, in one guest: host bridge -> root ports rp0 and rp1; rp0 ->
cxl-upstream us0 (VCS 0) -> cxl-downstream ds0 (physical port 0) -> the
MLD mld0 (cxl-type3,num-lds=2, 1 GiB: LD 0's host view); rp1 ->
cxl-upstream us1 (vcs-of=us0: VCS 1) -> cxl-downstream ds1 (bound=off, a
vPPB without a physical port) -> ld1 (cxl-type3-ld,mld=mld0,ld-id=1).

Linux sees one memdev at boot, LD 0 with 512 MiB (the default split).
The fabric manager (QMP mirrors) gives LD 1 256 MiB (Set LD Allocations
while it is unbound; LD 0, bound, cannot change) and binds VCS 1's vPPB
0 to (ds0's port, LD 1): a PCIe hot-add pciehp enumerates, cxl_pci
probes a second memdev with 256 MiB. A ram region over each, a pattern
written and read back through device DAX. LD 1 is then released (managed
unbind: pciehp removes its memdev), given 512 MiB and bound again: its
memdev comes back with 512 MiB and its data. The host finds LD 0's words
at their DPA in [0, 512 MiB) of the MLD's backend and LD 1's at 512 MiB
+ DPA (its allocation follows LD 0's).
"""

from _cxl import GUEST_LIB, backend, expected_words, MiB

DESCRIPTION = "MLD with 2 LDs on two VCSs: set LD allocations, bind VCS 1's vPPB to LD 1 -> hot-add, a region on each LD, data at each LD's offset"
MACHINE = "q35,cxl=on"
TOOLS = ["daxpoke"]
APPEND = "memhp_default_state=offline"
TIMEOUT = 400

OFFSET, LENGTH = 4096 + 520, 2 * 4096 + 200
SEED0, SEED1 = 31, 32
LD0_SIZE, LD1_SIZE, LD1_GROWN = 512 * MiB, 256 * MiB, 512 * MiB


def topology(ctx):
    return (backend(ctx, "volatile", "mld0", "1G") +
            ["-M", "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G",
             "-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1",
             "-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2",
             "-device", "cxl-rp,port=1,bus=cxl.1,id=rp1,chassis=0,slot=3",
             "-device", "cxl-upstream,bus=rp0,id=us0,sn=4097",
             "-device", "cxl-downstream,port=0,bus=us0,id=ds0,chassis=0,slot=4",
             "-device", "cxl-type3,bus=ds0,volatile-memdev=mld0,id=mld0,sn=1,num-lds=2",
             "-device", "cxl-upstream,bus=rp1,id=us1,sn=4098,vcs-of=us0",
             "-device", "cxl-downstream,port=0,bus=us1,id=ds1,chassis=0,slot=5,bound=off",
             "-device", "cxl-type3-ld,bus=ds1,mld=mld0,ld-id=1,id=ld1,sn=2"])


def ld_state(ctx):
    info = ctx.qmp("cxl-query-switch", path="us0")
    vppb = info["vcss"][1]["vppbs"][0]
    lds = {ld["ld-id"]: ld for ld in info["lds"]}
    return (f"vcs1-vppb0 {vppb['state']} port {vppb.get('bound-port')} "
            f"ld {vppb.get('bound-ld')}; " +
            "; ".join(f"ld{k} {ld['base']:#x}+{ld['size']:#x}"
                      f"{' bound' if ld['bound'] else ''}"
                      for k, ld in sorted(lds.items())))


def wait_unbound(ctx):
    """A managed unbind completes when the guest powers the slot off"""
    import time
    for _ in range(120):
        state = ld_state(ctx)
        if state.startswith("vcs1-vppb0 unbound"):
            return state
        time.sleep(0.5)
    raise RuntimeError(state)


def refused(ctx, args):
    try:
        ctx.qmp("cxl-set-ld-allocations", **args)
    except Exception as e:
        return f"refused: {e}"
    return "accepted"


HOST = {
    "state": ld_state,
    # LD 0 is bound (ds0 at boot): its allocation cannot change
    "alloc-ld0": lambda ctx: refused(ctx, {"path": "mld0", "sizes": [256 * MiB]}),
    "alloc-ld1": [("cxl-set-ld-allocations",
                   {"path": "mld0", "sizes": [LD1_SIZE], "start-ld": 1})],
    "bind": [("cxl-bind-vppb", {"path": "us0", "vcs": 1, "vppb": 0})],
    # LD 1 is bound now
    "alloc-ld1-bound": lambda ctx: refused(ctx, {"path": "mld0", "sizes": [512 * MiB],
                                                 "start-ld": 1}),
    "unbind": [("cxl-unbind-vppb", {"path": "us1", "vppb": 0, "mode": "managed"})],
    "wait-unbound": wait_unbound,
    "grow-ld1": [("cxl-set-ld-allocations",
                  {"path": "mld0", "sizes": [LD1_GROWN], "start-ld": 1})],
}


def check(ctx):
    # each LD's words (1-way regions from DPA 0) at its allocation's offset
    # of the MLD's backend: LD 0 at 0, LD 1 after LD 0's 512 MiB
    for name, seed, base, size in (("ld0", SEED0, 0, LD0_SIZE),
                                   ("ld1", SEED1, LD0_SIZE, LD1_SIZE)):
        want = expected_words(OFFSET, LENGTH, seed, 1, 256)[0]
        bad = 0
        with open(ctx.path("mld0.img"), "rb") as f:
            for dpa, word in want.items():
                bad += dpa >= size
                f.seek(base + dpa)
                bad += f.read(8) != word
        ctx.check(f"{name}-data-at-its-offset", bad == 0,
                  f"{len(want) - bad} of {len(want)} words written through "
                  f"{name}'s DAX device are at {base:#x} + DPA in mld0.img")


GUEST = GUEST_LIB + rf'''
memdevs() {{ cxl list -M | grep -c '"memdev"'; }}
ram_size() {{ cxl list -M -m "$1" | sed -n 's/.*"ram_size":\([0-9]*\).*/\1/p'; }}
# region_on MEMDEV: a 1-way ram region over it, in DAX mode; sets $region, $dax
region_on() {{
    local out
    out=$(cxl create-region -t ram -d decoder0.0 -w 1 -m "$1") || return 1
    echo "$out"
    region=$(echo "$out" | sed -n 's/.*"region":"\(region[0-9]*\)".*/\1/p' | head -1)
    devdax "$region"
}}
step memdev-probed wait_memdevs 1
step_eq one-memdev-at-boot 1 memdevs
mem0=$(memdev_of 1)
step_eq ld0-capacity {LD0_SIZE} ram_size "$mem0"
step_match ld1-unbound 'vcs1-vppb0 unbound port 0 ld 1' host state

# the fabric manager: LD 0 is bound, LD 1 not; then bind LD 1 to VCS 1
step_match alloc-ld0-refused 'sizes: LD 0 is bound' host alloc-ld0
step alloc-ld1 host alloc-ld1
step_match allocations 'ld0 0x0\+0x20000000 bound; ld1 0x20000000\+0x10000000' host state
step bind host bind
step second-memdev-probed endpoints 2
step_eq two-memdevs 2 memdevs
step_match pciehp-hot-add 'pciehp: Slot\(5\): (Card present|Link Up)' dmesg
step_match ld1-bound 'vcs1-vppb0 bound port 0 ld 1' host state
step_match alloc-ld1-refused 'sizes: LD 1 is bound' host alloc-ld1-bound
mem1=$(memdev_of 2)
step_match ld1-memdev 'mem[0-9]+' echo "$mem1"
step_eq ld1-capacity {LD1_SIZE} ram_size "$mem1"

# a region on each LD, data through DAX
step region-ld0 region_on "$mem0" || exit 1
dax0=$dax
step region-ld1 region_on "$mem1" || exit 1
dax1=$dax
region1=$region
step write-ld0 daxpoke write $dax0 {OFFSET} {LENGTH} {SEED0}
step write-ld1 daxpoke write $dax1 {OFFSET} {LENGTH} {SEED1}
step read-ld0 daxpoke check $dax0 {OFFSET} {LENGTH} {SEED0}
step read-ld1 daxpoke check $dax1 {OFFSET} {LENGTH} {SEED1}

# LD 1 released (managed unbind), given 512 MiB, bound again: its memdev
# comes back with the new capacity and the data (its base is the same)
step disable-region-ld1 cxl disable-region "$region1"
step destroy-region-ld1 cxl destroy-region "$region1"
step unbind host unbind
step ld1-memdev-removed endpoints 1
step_match ld1-unbound-again 'vcs1-vppb0 unbound' host wait-unbound
step grow-ld1 host grow-ld1
step_match grown 'ld1 0x20000000\+0x20000000' host state
step rebind host bind
step ld1-memdev-back endpoints 2
mem1=$(memdev_of 2)
step_eq ld1-grown-capacity {LD1_GROWN} ram_size "$mem1"
step region-ld1-again region_on "$mem1" || exit 1
step ld1-data-kept daxpoke check $dax {OFFSET} {LENGTH} {SEED1}
step_eq kernel-log-clean "" kernel_cxl_trouble
'''
