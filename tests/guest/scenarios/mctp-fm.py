"""Fabric management over MCTP, in the guest and from the host at once.

A switch (USP, DSPs 0 and 2, a cxl-type3 below DSP 0) with its mailbox
CCI; a usb-cxl-mctp on qemu-xhci targets that CCI, and a cxl-mctp-chardev
serves the same switch on a UNIX socket. In the guest (the full kernel:
MCTP, MCTP over USB, xHCI), Linux's mctp-usb driver binds to the USB
device and makes mctpusb0; tools/cxlfm.c brings it up, gives it EID 8 and
a route to 9 over rtnetlink, assigns the endpoint EID 9 with Set Endpoint
ID sent to the null EID (direct addressing), then over AF_MCTP sockets:
Get Endpoint ID / Message Type Support / Version Support, Identify Switch
Device and Get Physical Port State, matching the topology (USP port ID 1,
three active ports, a type 3 SLD below port 0, nothing below port 2), a
request of two packets and a response of sixteen (and the request in one
packet after the interface's MTU is raised to 251), and
return codes for a truncated payload and an unknown opcode. While the
guest runs, the host's scripts/cxl-fm.py asks the same through the socket
(assigning that endpoint EID 20).
"""

import subprocess
import sys

from _fm import FM, GUEST_LIB as FM_LIB

DESCRIPTION = "FM API over MCTP: usb-cxl-mctp in the guest (mctp-usb, AF_MCTP), cxl-mctp-chardev from the host"
MACHINE = "q35,cxl=on"
KERNEL = "full"
TOOLS = ["cxlfm"]
TIMEOUT = 300


IDENTIFY = ["ingress-port: 1", "physical-ports: 3", "vcss: 1",
            "active-ports: 0 1 2", "vppbs: 2 bound: 2", "hdm-decoders: 8"]
PORTS = ["port 0: DSP device=CXL type 3 SLD width=x16 speed=5 ltssm=3 lds=1",
         "port 1: USP device=none width=x16 speed=5 ltssm=3 lds=1",
         "port 2: DSP device=none width=x0 speed=0 ltssm=0 lds=1"]


def topology(ctx):
    return ["-M", "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G",
            "-object", "memory-backend-ram,id=vmem0,size=256M",
            "-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1",
            "-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2",
            "-device", "cxl-upstream,bus=rp0,id=us0,addr=0.0,multifunction=on,sn=0x99",
            "-device", "cxl-switch-mailbox-cci,bus=rp0,addr=0.1,target=us0,id=swcci",
            "-device", "cxl-downstream,port=0,bus=us0,id=ds0,chassis=0,slot=4",
            "-device", "cxl-downstream,port=2,bus=us0,id=ds2,chassis=0,slot=5",
            "-device", "cxl-type3,bus=ds0,volatile-memdev=vmem0,id=t3,sn=1",
            "-device", "qemu-xhci,bus=pcie.0,id=xhci",
            "-device", "usb-cxl-mctp,bus=xhci.0,target=swcci,id=mctp-usb",
            "-chardev", f"socket,id=fm,path={ctx.path('fm.sock')},server=on,wait=off",
            "-device", "cxl-mctp-chardev,chardev=fm,target=us0,id=mctp-host"]


def fm(ctx, *args):
    r = subprocess.run([sys.executable, str(FM), "-s", ctx.path("fm.sock"), *args],
                       capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout + r.stderr


def host_fm(ctx):
    """The host's fabric manager through the socket, while the guest runs"""
    rc, disc = fm(ctx, "discover", "--assign", "20")
    ok = ctx.check("host-discover", rc == 0 and "eid: 20 (dynamic)" in disc
                   and "message-types: 00h 07h 08h" in disc, disc)
    rc, ident = fm(ctx, "--eid", "20", "identify")
    ok &= ctx.check("host-identify", rc == 0 and ident.split("\n")[:6] == IDENTIFY, ident)
    rc, ports = fm(ctx, "--eid", "20", "port-state")
    ok &= ctx.check("host-port-state", rc == 0 and ports.split("\n")[:3] == PORTS, ports)
    rc, raw = fm(ctx, "--eid", "20", "raw", "5101")
    ok &= ctx.check("host-truncated", rc == 1 and "16h (Invalid Payload Length)" in raw, raw)
    if not ok:
        raise RuntimeError("the host's fabric manager saw something else")
    return disc + ident + ports + raw


HOST = {"fm": host_fm}

GUEST = FM_LIB + r'''
lines() { printf '%s\n' "$@"; }
step usb-interface wait_if mctpusb0
step_match mctp-usb-driver '/mctp-usb$' readlink -f /sys/class/net/mctpusb0/device/driver
step_match usb-class '^14$' cat /sys/class/net/mctpusb0/device/bInterfaceClass
step_match setup 'eid: 9 \(assigned\)' cxlfm setup
step discover sh -c 'cxlfm discover > /tmp/discover'
step_match discover-eid '^eid: 9 \(dynamic\)$' cat /tmp/discover
step_match discover-types '^message-types: 00h 07h 08h$' cat /tmp/discover
step_match discover-version '^version base: 1\.3\.1$' cat /tmp/discover
step_match discover-fm-api-version '^version fm-api: 1\.0\.0$' cat /tmp/discover
step identify sh -c 'cxlfm identify > /tmp/identify'
step_eq identify-topology "$(lines 'ingress-port: 1' 'physical-ports: 3' 'vcss: 1' \
    'active-ports: 0 1 2' 'vppbs: 2 bound: 2' 'hdm-decoders: 8')" cat /tmp/identify
step port-state sh -c 'cxlfm port-state > /tmp/ports'
step_eq port-state-topology "$(lines \
    'port 0: DSP device=CXL type 3 SLD width=x16 speed=5 ltssm=3 lds=1' \
    'port 1: USP device=none width=x16 speed=5 ltssm=3 lds=1' \
    'port 2: DSP device=none width=x0 speed=0 ltssm=0 lds=1')" cat /tmp/ports
step_match port-state-one '^port 2: DSP device=none' cxlfm port-state 2
# 60 ports: a request of two packets, a response of sixteen; then the
# same with the interface's MTU at its maximum (251: one packet out)
P60=$(for i in $(seq 20); do printf '0 1 2 '; done)
step_eq port-state-60 60 sh -c "cxlfm port-state $P60 | grep -c '^port [012]: '"
step mtu-251 ip link set mctpusb0 mtu 251
step_eq port-state-60-mtu-251 60 sh -c "cxlfm port-state $P60 | grep -c '^port [012]: '"
step_match truncated '^return-code: 16h' sh -c 'cxlfm raw 5101; true'
step_match unknown-opcode '^return-code: 03h' sh -c 'cxlfm raw 51ff; true'
step_match no-such-port '^return-code: 02h' sh -c 'cxlfm raw 5101 0107; true'
step_match cci-identify '^output: [0-9a-f]{32}1000$' cxlfm raw -t 8 0001
step host-fm host fm
step_match still-answering '^ingress-port: 1$' cxlfm identify
'''
