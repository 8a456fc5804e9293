"""A multi-logical device managed through the fabric manager clients.

The topology of the mld scenario (an MLD of two LDs on VCS 0's physical
port 0, LD 1's view below an unbound vPPB of VCS 1), with the switch's
mailbox CCI on usb-cxl-mctp for the guest's cxlfm and the MLD's own MCTP
endpoint (its LD-FAM CCI) on a cxl-mctp-chardev socket for the host's
scripts/cxl-fm.py.

In the guest, over MCTP through the switch: Get Physical Port State shows
an MLD with two LDs; through the Tunnel Management Command to port 0 the
LD-FAM commands: Get LD Info, Get LD Allocations (the default even
split), Set LD Allocations (refused for LD 0, which a host sees; LD 1 gets
256 MiB), the QoS commands (control, status, allocated bandwidth, limit;
bad values refused); then Bind vPPB of VCS 1 to (port 0, LD 1), which
pciehp hot-adds as a memdev of 256 MiB; Get Virtual CXL Switch Info of
VCS 1 shows the binding; Send LD CXL.io Configuration Request reads LD
1's IDs; Send LD CXL.io Memory Request writes bytes at an offset of LD 1
and reads them back. The host's client reads the LD-FAM CCI directly
(Get LD Info, Get LD Allocations with LD 1's new size) and the host finds
the bytes at LD 1's allocation offset of the MLD's backend.
"""

from _cxl import backend, MiB
from _fm import GUEST_LIB as FM_LIB, HostFM

DESCRIPTION = "MLD through the FM clients: LD-FAM commands over the switch tunnel (MCTP-USB) and its own endpoint (chardev), bind an LD, LD config/memory requests"
MACHINE = "q35,cxl=on"
KERNEL = "full"
TOOLS = ["cxlfm"]
TIMEOUT = 400

LD0_SIZE = 512 * MiB            # the default split of 1 GiB in two
MEM_OFFSET = 0x1000             # where ld-mem writes in LD 1
MEM_BYTES = bytes([0x11, 0x22, 0x33, 0x44, 0xa5])


def topology(ctx):
    return (backend(ctx, "volatile", "mld0", "1G") +
            ["-M", "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G",
             "-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1",
             "-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2",
             "-device", "cxl-rp,port=1,bus=cxl.1,id=rp1,chassis=0,slot=3",
             "-device", "cxl-upstream,bus=rp0,id=us0,addr=0.0,multifunction=on,sn=4097",
             "-device", "cxl-switch-mailbox-cci,bus=rp0,addr=0.1,target=us0,id=swcci",
             "-device", "cxl-downstream,port=0,bus=us0,id=ds0,chassis=0,slot=4",
             "-device", "cxl-type3,bus=ds0,volatile-memdev=mld0,id=mld0,sn=1,num-lds=2",
             "-device", "cxl-upstream,bus=rp1,id=us1,sn=4098,vcs-of=us0",
             "-device", "cxl-downstream,port=0,bus=us1,id=ds1,chassis=0,slot=5,bound=off",
             "-device", "cxl-type3-ld,bus=ds1,mld=mld0,ld-id=1,id=ld1,sn=2",
             "-device", "qemu-xhci,bus=pcie.0,id=xhci",
             "-device", "usb-cxl-mctp,bus=xhci.0,target=swcci,id=mctp-usb",
             "-chardev", f"socket,id=fm,path={ctx.path('fm.sock')},server=on,wait=off",
             "-device", "cxl-mctp-chardev,chardev=fm,target=mld0,id=mctp-mld"])


# the MLD's endpoint on the socket: EID 21, assigned on first use
HOST_FM = HostFM("fm.sock", 0)


def host_ld_fam(ctx):
    """The host's client on the MLD's own endpoint (its LD-FAM CCI), after
    the guest gave LD 1 256 MiB"""
    rc, out = HOST_FM.run(ctx, "discover", "--assign", "21")
    ctx.check("host-discover", rc == 0 and "eid: 21 (dynamic)" in out, out)
    HOST_FM.connect(ctx, 21)
    out += HOST_FM.expect(ctx, "ld-info", ["ld-info"], 0, "memory-size: 0x40000000", "lds: 2")
    out += HOST_FM.expect(ctx, "ld-alloc", ["ld-alloc", "get"], 0, "lds: 2",
                          "granularity: 256m", "ld 0: range1=2 range2=0",
                          "ld 1: range1=1 range2=0")
    out += HOST_FM.expect(ctx, "ld-alloc-bound", ["ld-alloc", "set", "1", "2"], 1,
                          "return-code: 06h (Busy)")
    return out


def check(ctx):
    with open(ctx.path("mld0.img"), "rb") as f:
        f.seek(LD0_SIZE + MEM_OFFSET)
        got = f.read(len(MEM_BYTES))
    ctx.check("ld1-bytes-at-its-offset", got == MEM_BYTES,
              f"mld0.img at LD 1's base {LD0_SIZE:#x} + {MEM_OFFSET:#x}: {got.hex()} "
              f"(written through Send LD CXL.io Memory Request: {MEM_BYTES.hex()})")


HOST = {"ld-fam": host_ld_fam}

GUEST = FM_LIB + r'''
ram_size() { cxl list -M -m "$1" | sed -n 's/.*"ram_size":\([0-9]*\).*/\1/p'; }
step usb-interface wait_if mctpusb0
step_match setup 'eid: 9 \(assigned\)' cxlfm setup
step memdev-at-boot memdevs 1
step port-state fmx port-state 'port-state 0' \
    'port 0: DSP device=CXL type 3 MLD width=x16 speed=5 ltssm=3 lds=2' exit=0
step vcs1-unbound fmx vcs1 'vcs-info 1' 'vcs: 1' 'vppb 0: status=unbound port=255 ld=255' exit=0

# the LD-FAM CCI through the switch's tunnel to port 0
step ld-info fmx ld-info 'tunnel 0 ld-info' 'memory-size: 0x40000000' 'lds: 2' exit=0
step ld-alloc fmx ld-alloc 'tunnel 0 ld-alloc get' 'lds: 2' 'granularity: 256m' \
    'ld 0: range1=2 range2=0' 'ld 1: range1=2 range2=0' exit=0
step ld-alloc-ld0-bound fmx alloc-ld0 'tunnel 0 ld-alloc set 0 1' \
    'return-code: 06h (Busy)' exit=1
step ld-alloc-too-big fmx alloc-big 'tunnel 0 ld-alloc set 1 3' \
    'return-code: 02h (Invalid Input)' exit=1
step ld-alloc-ld1 fmx alloc-ld1 'tunnel 0 ld-alloc set 1 1' 'ld 1: range1=1 range2=0' exit=0
step qos-control-set fmx qos-set 'tunnel 0 qos-control set 1 50 80 8 100 5' \
    'moderate-pct: 50' 'severe-pct: 80' exit=0
step qos-control-get fmx qos-get 'tunnel 0 qos-control get' 'control: 0x1' \
    'moderate-pct: 50' 'severe-pct: 80' 'sample-interval: 8' 'req-cmp-basis: 100' \
    'collection-interval: 5' exit=0
step qos-control-bad fmx qos-bad 'tunnel 0 qos-control set 1 90 80 8 100 5' \
    'return-code: 02h (Invalid Input)' exit=1
step qos-status fmx qos-status 'tunnel 0 qos-status' 'backpressure-avg-pct: 0' exit=0
step qos-bw-set fmx qos-bw-set 'tunnel 0 qos-bw set 0 96 160' exit=0
step qos-bw-get fmx qos-bw 'tunnel 0 qos-bw get 0 2' 'ld 0: fraction=96' 'ld 1: fraction=160' exit=0
step qos-limit-set fmx qos-lim-set 'tunnel 0 qos-limit set 1 200' exit=0
step qos-limit-get fmx qos-lim 'tunnel 0 qos-limit get 1 1' 'ld 1: fraction=200' exit=0
step qos-bw-no-ld fmx qos-bw-bad 'tunnel 0 qos-bw get 2 1' \
    'return-code: 02h (Invalid Input)' exit=1

# bind VCS 1's vPPB 0 to (port 0, LD 1): pciehp hot-adds LD 1's view
step bind-wrong-ld fmx bind-ld0 'bind vcs=1 0 0 ld=0' 'return-code: 02h (Invalid Input)' exit=1
step bind fmx bind 'bind vcs=1 0 0 ld=1' 'return-code: 01h (Background Command Started)' \
    'background: 00h (Success)' exit=0
step memdev-hot-added memdevs 2
step_match pciehp-hot-add 'pciehp: Slot\(5\): (Card present|Link Up)' dmesg
step vcs1-bound fmx vcs1-bound 'vcs-info 1' 'vppb 0: status=bound-ld port=0 ld=1' exit=0
mem1=$(ls -d /sys/bus/cxl/devices/mem* | sort | tail -1 | xargs basename)
step_eq ld1-capacity 268435456 ram_size "$mem1"
step host-ld-fam host ld-fam

# Send LD CXL.io Configuration / Memory Request to LD 1
step ld-config fmx ld-config 'ld-config read 0 1 0' 'data: 0xd938086' exit=0
step ld-config-no-ld fmx ld-config-bad 'ld-config read 0 2 0' 'return-code: 02h (Invalid Input)' exit=1
step ld-mem-write fmx ld-mem-w 'ld-mem write 0 1 0x1000 0x11 0x22 0x33 0x44 0xa5' \
    'return-code: 00h (Success)' exit=0
step ld-mem-read fmx ld-mem-r 'ld-mem read 0 1 0x1000 5' 'length: 5' 'byte 0: v=0x11' \
    'byte 4: v=0xa5' exit=0
step ld-mem-outside fmx ld-mem-bad 'ld-mem read 0 1 0x10000000 8' \
    'return-code: 02h (Invalid Input)' exit=1
step_match kernel-log-clean '^clean$' sh -c 'dmesg | grep -E "BUG|Oops|WARNING: CPU|Call Trace" || echo clean'
'''
