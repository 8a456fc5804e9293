"""vPPB binding on a switch: host bridge -> root port -> cxl-upstream ->
2 cxl-downstream; a device below each, the one below port 1 on a vPPB
that is unbound at boot (cxl-downstream bound=off).

Linux sees one memdev. The host binds vPPB 1 (QMP cxl-bind-vppb): a PCIe
hot-add that pciehp enumerates, and cxl_pci probes the second memdev. A
region over it is created, written and read through device DAX, and
destroyed. A managed unbind (attention button; pciehp powers the slot
off) removes the memdev cleanly; binding again brings it back, and a new
region over it reads the data written before. A surprise unbind with
that region live: the guest takes pciehp's surprise-removal path and
keeps running, and QEMU too.
"""

from _cxl import GUEST_LIB, backend, expected_words

DESCRIPTION = "switch with an unbound vPPB: QMP bind -> pciehp hot-add -> region, managed unbind, rebind keeps data, surprise unbind"
MACHINE = "q35,cxl=on"
TOOLS = ["daxpoke"]
APPEND = "memhp_default_state=offline"
TIMEOUT = 400

OFFSET, LENGTH, SEED = 4096 + 264, 3 * 4096 + 96, 21


def topology(ctx):
    return (backend(ctx, "volatile", "mem1", "256M") +
            backend(ctx, "volatile", "mem2", "256M") +
            ["-M", "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G",
             "-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1",
             "-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2",
             "-device", "cxl-upstream,bus=rp0,id=us1,sn=4097",
             "-device", "cxl-downstream,port=0,bus=us1,id=ds0,chassis=0,slot=3",
             "-device", "cxl-downstream,port=1,bus=us1,id=ds1,chassis=0,slot=4,bound=off",
             "-device", "cxl-type3,bus=ds0,volatile-memdev=mem1,id=t3-1,sn=1",
             "-device", "cxl-type3,bus=ds1,volatile-memdev=mem2,id=t3-2,sn=2"])


def vppb1_state(ctx):
    return ctx.qmp("cxl-query-switch", path="us1")["vppbs"][1]["state"]


def wait_unbound(ctx):
    """The managed unbind completes when the guest powers the slot off"""
    import time
    for _ in range(120):
        state = vppb1_state(ctx)
        if state == "unbound":
            return state
        time.sleep(0.5)
    raise RuntimeError(f"vPPB 1 still {state}")


def alive(ctx):
    status = ctx.qmp("query-status")["status"]
    if status != "running":
        raise RuntimeError(status)
    return status + ", vPPB 1 " + vppb1_state(ctx)


HOST = {
    "bind": [("cxl-bind-vppb", {"path": "us1", "vppb": 1})],
    "unbind-managed": [("cxl-unbind-vppb", {"path": "us1", "vppb": 1, "mode": "managed"})],
    "unbind-surprise": [("cxl-unbind-vppb", {"path": "us1", "vppb": 1, "mode": "surprise"})],
    "state": lambda ctx: vppb1_state(ctx),
    "wait-unbound": wait_unbound,
    "alive": alive,
}


def check(ctx):
    # the words the guest wrote through DAX are at their DPA in mem2's
    # backend (a 1-way region from DPA 0)
    want = expected_words(OFFSET, LENGTH, SEED, 1, 256)[0]
    with open(ctx.path("mem2.img"), "rb") as f:
        bad = 0
        for dpa, word in want.items():
            f.seek(dpa)
            bad += f.read(8) != word
    ctx.check("data-in-the-backend", bad == 0,
              f"{len(want) - bad} of {len(want)} words written through DAX "
              "are at their DPA in mem2.img")


GUEST = GUEST_LIB + rf'''
memdevs() {{ cxl list -M | grep -c '"memdev"'; }}
# region_on MEMDEV: a 1-way ram region over it, in DAX mode; sets $region, $dax
region_on() {{
    cxl create-region -t ram -d decoder0.0 -w 1 -m "$1" || return 1
    region=$(only_region)
    devdax "$region"
}}
step memdev-probed wait_memdevs 1
step_eq one-memdev-at-boot 1 memdevs
step_match only-serial-1 '"serial":1' cxl list -M
step_eq vppb1-unbound unbound host state

# bind: pciehp hot-add, cxl_pci probes the memdev
step bind host bind
step second-memdev-probed endpoints 2
step_eq two-memdevs 2 memdevs
mem=$(memdev_of 2)
step_match hot-added-memdev 'mem[0-9]+' echo "$mem"
step_match pciehp-hot-add 'pciehp: Slot\(4\): (Card present|Link Up)' dmesg
step region region_on "$mem" || exit 1
step_match region-committed '"decode_state":"commit"' cxl list -R -r "$region"
step write daxpoke write $dax {OFFSET} {LENGTH} {SEED}
step read-back daxpoke check $dax {OFFSET} {LENGTH} {SEED}
step disable-region cxl disable-region "$region"
step destroy-region cxl destroy-region "$region"

# managed unbind: attention button, pciehp removes the device, powers off
step unbind-managed host unbind-managed
step memdev-removed endpoints 1
step_eq one-memdev-after-unbind 1 memdevs
step_eq vppb1-unbound-again unbound host wait-unbound
step_match pciehp-button 'pciehp: Slot\(4\): (Button press|Attention button pressed|Powering off)' dmesg

# bound again: the device comes back with its data
step rebind host bind
step memdev-back endpoints 2
mem=$(memdev_of 2)
step region-again region_on "$mem" || exit 1
step data-kept daxpoke check $dax {OFFSET} {LENGTH} {SEED}

step_eq kernel-log-clean "" kernel_cxl_trouble

# surprise unbind with the region live: the guest keeps running
step unbind-surprise host unbind-surprise
sleep 5
step_match pciehp-surprise 'pciehp: Slot\(4\): (Card not present|Link Down)' dmesg
step guest-alive echo alive
step qemu-alive host alive
step memdev-gone endpoints 1
step_eq memdevs-after-surprise 1 memdevs
'''
