"""Every FM API command of a switch through both fabric manager clients.

A switch (USP port 3; DSP 0 with a cxl-type3 with dynamic capacity, DSP 1
with a cxl-type3 on a vPPB unbound at boot, DSP 2 empty) with its mailbox
CCI, reached by the guest's cxlfm over usb-cxl-mctp (mctp-usb, AF_MCTP)
and by the host's scripts/cxl-fm.py over a cxl-mctp-chardev socket.

In the guest: identify, port-state, vcs-info against the topology; Send
PPB CXL.io Configuration Request (5103h) reads the unbound device's
identity and the empty port's all ones; Bind vPPB through the client
(a background operation it polls) is a pciehp hot-add and cxl_pci probes
the memdev; binding twice, unbinding an unbound vPPB, a truncated payload
and bad ports get their return codes; Generate AER Event reaches Linux's
AER driver; Physical Port Control resets the empty port; a managed
unbind is pciehp's hot-remove; the DCD FM commands through the Tunnel
Management Command (dcd-info, dc-config, extents, dc-add, dc-release);
mhd-info is Unsupported on a single-headed device; the switch's event log
holds a Virtual CXL Switch record for the bind and Physical Switch ones
for the port controls, and clears; with the MCTP Event Interrupt Policy
set, a port control sends an Event Notification that `cxlfm listen`
receives.

From the host, meanwhile: discover and assign EID 20, identify, vcs-info,
the unbound device's CXL DVSEC found by walking its extended
capabilities with 5103h, the tunnel commands, then bind (a hot-add the
guest sees) and a surprise unbind (pciehp's surprise removal), an Event
Notification received by `listen`, and the binding changes in the event
log.
"""

import json

from _fm import GUEST_LIB as FM_LIB, HostFM

DESCRIPTION = "FM API clients: every switch command through cxlfm (MCTP-USB) and cxl-fm.py (chardev)"
MACHINE = "q35,cxl=on"
KERNEL = "full"
TOOLS = ["cxlfm"]
TIMEOUT = 400


def topology(ctx):
    return ["-M", "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G",
            "-object", "memory-backend-ram,id=vmem0,size=256M",
            "-object", "memory-backend-ram,id=vmem1,size=256M",
            "-object", "memory-backend-ram,id=dc0,size=512M",
            "-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1",
            "-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2",
            "-device", "cxl-upstream,bus=rp0,id=us0,addr=0.0,multifunction=on,sn=0x99",
            "-device", "cxl-switch-mailbox-cci,bus=rp0,addr=0.1,target=us0,id=swcci",
            "-device", "cxl-downstream,port=0,bus=us0,id=ds0,chassis=0,slot=4",
            "-device", "cxl-downstream,port=1,bus=us0,id=ds1,chassis=0,slot=5,bound=off",
            "-device", "cxl-downstream,port=2,bus=us0,id=ds2,chassis=0,slot=6",
            "-device", "cxl-type3,bus=ds0,volatile-memdev=vmem0,volatile-dc-memdev=dc0,"
                       "num-dc-regions=2,id=t3,sn=1",
            "-device", "cxl-type3,bus=ds1,volatile-memdev=vmem1,id=t3b,sn=2",
            "-device", "qemu-xhci,bus=pcie.0,id=xhci",
            "-device", "usb-cxl-mctp,bus=xhci.0,target=swcci,id=mctp-usb",
            "-chardev", f"socket,id=fm,path={ctx.path('fm.sock')},server=on,wait=off",
            "-device", "cxl-mctp-chardev,chardev=fm,target=us0,id=mctp-host"]


# the switch's endpoint on the socket (EID 20 once host_check assigned it)
HOST_FM = HostFM("fm.sock", 20)
fm = HOST_FM.run
expect = HOST_FM.expect


def dvsec_walk(ctx, port):
    """The CXL DVSECs (vendor 1E98h) of the device below @port, walking its
    extended capabilities with Send PPB CXL.io Configuration Request"""
    def read(off):
        return json.loads(fm(ctx, "--json", "ppb-config", str(port), "read", hex(off))[1])["data"]

    found, off = [], 0x100
    while off:
        hdr = read(off)
        if hdr & 0xFFFF == 0x23 and read(off + 4) & 0xFFFF == 0x1E98:
            found.append(read(off + 8) & 0xFFFF)
        off = hdr >> 20
    return found


def host_check(ctx):
    """Before the guest binds: the host's view of the same switch"""
    HOST_FM.connect(ctx, 0)
    rc, disc = fm(ctx, "discover", "--assign", "20")
    ctx.check("host-discover", rc == 0 and "eid: 20 (dynamic)" in disc, disc)
    log = disc
    log += expect(ctx, "identify", ["identify"], 0, "ingress-port: 3", "physical-ports: 4",
                  "active-ports: 0 1 2 3", "vppbs: 3 bound: 2")
    log += expect(ctx, "vcs-info", ["vcs-info"], 0, "usp: 3", "vppbs: 3",
                  "vppb 0: status=bound port=0 ld=255",
                  "vppb 1: status=unbound port=255 ld=255",
                  "vppb 2: status=bound port=2 ld=255")
    log += expect(ctx, "ppb-config-unbound", ["ppb-config", "1", "read", "0"], 0,
                  "data: 0x0d938086")
    dvsecs = dvsec_walk(ctx, 1)
    ctx.check("host-unbound-dvsecs", 0 in dvsecs and 8 in dvsecs,
              f"CXL DVSEC IDs of the unbound device: {dvsecs}")
    log += expect(ctx, "ppb-config-usp", ["ppb-config", "3", "read", "0"], 1,
                  "return-code: 02h (Invalid Input)")
    log += expect(ctx, "port-control-usp", ["port-control", "3", "reset"], 1,
                  "return-code: 02h (Invalid Input)")
    log += expect(ctx, "tunnel-dcd-info", ["tunnel", "0", "dcd-info"], 0,
                  "regions: 2", "capacity-256m: 2")
    log += expect(ctx, "tunnel-dc-config", ["tunnel", "0", "dc-config", "get"], 0,
                  "returned: 2", "total-extents: 512")
    log += expect(ctx, "tunnel-extents", ["tunnel", "0", "extents"], 0, "host: 0")
    log += expect(ctx, "tunnel-empty-port", ["tunnel", "2", "dcd-info"], 1,
                  "tunnel: return code 02h (Invalid Input)")
    log += expect(ctx, "truncated", ["raw", "5201", "0001"], 1,
                  "return-code: 16h (Invalid Payload Length)")
    return log + f"dvsecs: {dvsecs}\n"


def host_bind(ctx):
    return expect(ctx, "bind", ["bind", "1", "1"], 0,
                  "return-code: 01h (Background Command Started)",
                  "background: 00h (Success)")


def host_unbind(ctx):
    out = expect(ctx, "unbind-surprise", ["unbind", "1", "surprise"], 0,
                 "return-code: 01h (Background Command Started)",
                 "background: 00h (Success)")
    out += expect(ctx, "unbind-again", ["unbind", "1"], 1,
                  "return-code: 02h (Invalid Input)")
    # MCTP event notification to the host's client (EID 8 on the socket)
    out += expect(ctx, "mctp-policy", ["mctp-event-policy", "set", "1"], 0,
                  "settings: 0x1")
    out += expect(ctx, "notify-trigger", ["port-control", "2", "perst-deassert"], 0,
                  "return-code: 00h (Success)")
    out += expect(ctx, "listen", ["listen", "--wait", "10"], 0,
                  "event-notification: eid=20 type=7 logs=info")
    # since the guest cleared the log: its port control and managed
    # unbind, the host's bind, unbind and port control
    ev = expect(ctx, "events", ["events", "get", "info"], 0, "count: 5")
    ctx.check("host-events-binding",
              ev.count("uuid=40d2642533964c4da5da3d47263af425") == 3, ev)
    return out + ev


def alive(ctx):
    status = ctx.qmp("query-status")["status"]
    if status != "running":
        raise RuntimeError(status)
    return status


HOST = {"check": host_check, "bind": host_bind, "unbind": host_unbind, "alive": alive}

GUEST = FM_LIB + r'''
# wait_dmesg PATTERN: until the kernel log has it; 30 s at most
wait_dmesg() {
    for i in $(seq 60); do
        dmesg | grep -E "$1" && return 0
        sleep 0.5
    done
    return 1
}
step usb-interface wait_if mctpusb0
step_match setup 'eid: 9 \(assigned\)' cxlfm setup
step memdev-at-boot memdevs 1
step identify fmx identify identify 'ingress-port: 3' 'physical-ports: 4' \
    'active-ports: 0 1 2 3' 'vppbs: 3 bound: 2' 'hdm-decoders: 8' exit=0
step port-state fmx port-state port-state \
    'port 0: DSP device=CXL type 3 SLD width=x16 speed=5 ltssm=3 lds=1' \
    'port 1: DSP device=CXL type 3 SLD width=x16 speed=5 ltssm=3 lds=1' \
    'port 2: DSP device=none width=x0 speed=0 ltssm=0 lds=1' \
    'port 3: USP device=none width=x16 speed=5 ltssm=3 lds=1' exit=0
step vcs-info fmx vcs-info vcs-info 'return-code: 00h (Success)' 'state: enabled' \
    'usp: 3' 'vppb 1: status=unbound port=255 ld=255' exit=0
step vcs-info-from-1 fmx vcs-info-1 'vcs-info 0 1 1' 'vppb 1: status=unbound port=255 ld=255' exit=0
step ppb-config-unbound fmx ppb 'ppb-config 1 read 0' 'data: 0x0d938086' exit=0
step ppb-config-word fmx ppb-word 'ppb-config 1 read 0 0xc' 'data: 0x0d930000' exit=0
step ppb-config-empty fmx ppb-empty 'ppb-config 2 read 0' 'data: 0xffffffff' exit=0
step ppb-config-no-be fmx ppb-be 'ppb-config 1 read 0 0' 'return-code: 02h (Invalid Input)' exit=1
step ppb-config-unaligned fmx ppb-al 'ppb-config 1 read 2' 'return-code: 02h (Invalid Input)' exit=1
step ppb-config-no-port fmx ppb-port 'ppb-config 9 read 0' 'return-code: 02h (Invalid Input)' exit=1
step_eq unbound-hidden 0 sh -c 'grep -l 0x0d93 /sys/bus/pci/devices/*/device | wc -l | sed s/^1$/0/; true'
step unbind-unbound fmx unbind-unbound 'unbind 1' 'return-code: 02h (Invalid Input)' exit=1
step host-check host check

# bind through the client: pciehp hot-add, cxl_pci probes the memdev
step bind fmx bind 'bind 1 1' 'return-code: 01h (Background Command Started)' \
    'background: 00h (Success)' exit=0
step memdev-hot-added memdevs 2
step_match pciehp-hot-add 'pciehp: Slot\(5\): (Card present|Link Up)' dmesg
step bind-twice fmx bind2 'bind 1 1' 'return-code: 02h (Invalid Input)' exit=1
step bind-other-port fmx bind-other 'bind 2 1' 'return-code: 02h (Invalid Input)' exit=1
step vcs-info-bound fmx vcs-bound vcs-info 'vppb 1: status=bound port=1 ld=255' exit=0
step identify-bound fmx id-bound identify 'vppbs: 3 bound: 3' exit=0

# AER: a correctable Receiver Error detected by vPPB 0's port
step aer fmx aer 'aer 0 0x80000000' 'return-code: 00h (Success)' exit=0
step_match aer-seen 'RxErr|Receiver Error' wait_dmesg 'RxErr|Receiver Error'
step aer-not-an-error fmx aer-bad 'aer 0 0x8000001f' 'return-code: 02h (Invalid Input)' exit=1
step aer-no-vppb fmx aer-vppb 'aer 7 0' 'return-code: 02h (Invalid Input)' exit=1

# Physical Port Control
step port-reset fmx port-reset 'port-control 2 reset' 'return-code: 00h (Success)' exit=0
step perst fmx perst 'port-control 2 perst-assert' 'return-code: 00h (Success)' exit=0
step perst-off fmx perst-off 'port-control 2 perst-deassert' 'return-code: 00h (Success)' exit=0
step port-control-usp fmx pc-usp 'port-control 3 reset' 'return-code: 02h (Invalid Input)' exit=1
step port-control-op fmx pc-op 'port-control 2 7' 'return-code: 02h (Invalid Input)' exit=1
step truncated fmx truncated 'raw 5102 02' 'return-code: 16h (Invalid Payload Length)' exit=1

# the switch's event log: the bind above, the three port controls
PHYS=uuid=77cf92719c02470b9fe4bc7b75f2da97
VIRT=uuid=40d2642533964c4da5da3d47263af425
step events fmx events 'events get info' 'return-code: 00h (Success)' 'count: 4' exit=0
step_match events-bind "^record [0-9]+: $VIRT" cat /tmp/out
step_match events-port-control "^record [0-9]+: $PHYS" cat /tmp/out
step events-clear fmx events-clear 'events clear info flags=1' 'return-code: 00h (Success)' exit=0
step events-empty fmx events-empty 'events get info' 'count: 0' exit=0
step events-no-dc-log fmx events-dc 'events get dcd' 'return-code: 02h (Invalid Input)' exit=1

# MCTP event notification: the informational log enabled for us (EID 8);
# a port control logs a record, and the endpoint sends an Event
# Notification that `cxlfm listen` (a socket bound to type 7) receives
step mctp-policy fmx mpol 'mctp-event-policy set 1' 'settings: 0x1' exit=0
step mctp-policy-get fmx mpol-get 'mctp-event-policy get' 'settings: 0x1' exit=0
step mctp-policy-no-dc fmx mpol-dc 'mctp-event-policy set 0x10' 'return-code: 02h (Invalid Input)' exit=1
(cxlfm listen --count 1 --wait 30 > /tmp/listen 2>&1; echo "exit=$?" >> /tmp/listen) &
sleep 2
step notify-trigger fmx ntrig 'port-control 2 perst-assert' 'return-code: 00h (Success)' exit=0
listened() {
    for i in $(seq 60); do grep -q '^exit=' /tmp/listen && break; sleep 0.5; done
    cat /tmp/listen
}
step_match listen-notified '^event-notification: eid=9 type=7 logs=info$' listened
step_match listen-exit '^exit=0$' cat /tmp/listen
step mctp-policy-off fmx mpol-off 'mctp-event-policy set 0' 'settings: 0x0' exit=0
step event-policy fmx policy 'events policy get' 'info: 0x0' 'fatal: 0x0' exit=0
step event-policy-msi fmx policy-msi 'events policy set 1' 'return-code: 02h (Invalid Input)' exit=1

# the DCD FM commands through the tunnel to port 0's device
step dcd-info fmx dcd 'tunnel 0 dcd-info' 'hosts: 1' 'regions: 2' 'capacity-256m: 2' exit=0
step dc-config fmx dcc 'tunnel 0 dc-config get' 'returned: 2' \
    'region 1: base=0x20000000 decode-len=0x1 len=0x10000000 block-size=0x200000 dsmad=2 flags=0x0' exit=0
step dc-config-one fmx dcc1 'tunnel 0 dc-config get 0 1 1' 'returned: 1' exit=0
step dc-add fmx dc-add 'tunnel 0 dc-add 0 0 0x10000000:0x200000' 'return-code: 00h (Success)' exit=0
step extents fmx ext 'tunnel 0 extents' 'return-code: 00h (Success)' exit=0
step dc-add-outside fmx dc-add-bad 'tunnel 0 dc-add 0 0 0:0x200000' \
    'return-code: 0fh (Invalid Physical Address)' exit=1
step mhd-info fmx mhd 'tunnel 0 mhd-info' 'return-code: 03h (Unsupported)' exit=1
step tunnel-empty fmx tun-empty 'tunnel 2 dcd-info' 'tunnel: return code 02h (Invalid Input)' exit=1
step tunnel-bg-status fmx tun-bg 'tunnel 0 bg-status' 'return-code: 00h (Success)' exit=0

# managed unbind through the client: pciehp removes the device
step unbind-managed fmx unbind 'unbind 1 managed' 'return-code: 01h (Background Command Started)' \
    'background: 00h (Success)' exit=0
step memdev-removed memdevs 1
step_match pciehp-button 'pciehp: Slot\(5\): (Button press|Attention button pressed|Powering off)' dmesg

# the host's client binds and surprise-unbinds
step host-bind host bind
step memdev-host-bound memdevs 2
step host-unbind host unbind
step memdev-surprise-removed memdevs 1
step_match pciehp-surprise 'pciehp: Slot\(5\): (Card not present|Link Down)' dmesg
step still-answering fmx alive identify 'ingress-port: 3' exit=0
step qemu-alive host alive
'''
