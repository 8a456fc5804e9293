#!/usr/bin/env python3
"""A fabric manager client for QEMU's CXL MCTP endpoints, on the host.

It speaks to a cxl-mctp-chardev device through its chardev (a UNIX
socket): MCTP packets in DSP0253 serial frames (docs/system/devices/cxl.rst,
"Fabric management over MCTP"). The guest's twin is
tests/guest/tools/cxlfm.c (AF_MCTP over usb-cxl-mctp); both print the same
lines for the same commands.

    scripts/cxl-fm.py -s /tmp/fm.sock discover [--assign EID]
    scripts/cxl-fm.py -s /tmp/fm.sock identify
    scripts/cxl-fm.py -s /tmp/fm.sock port-state [PORT...]
    scripts/cxl-fm.py -s /tmp/fm.sock raw OPCODE [HEX] [--type 7|8]

Options: --eid N, the endpoint's EID (default 0, the null EID: physical
addressing, which an endpoint answers before and after it has an EID);
--local-eid N, this fabric manager's EID (default 8); --timeout S.
Exit status: 0 success, 1 the command failed (a completion or return code
other than success, printed), 2 no answer or a usage error.
"""

import argparse
import socket
import struct
import sys
import time

FLAG, ESC = 0x7E, 0x7D
TYPE_CONTROL, TYPE_FM_API, TYPE_CCI = 0x00, 0x07, 0x08
BTU = 64

CC_NAMES = {0: "success", 1: "error", 2: "invalid data", 3: "invalid length",
            4: "not ready", 5: "unsupported command",
            0x80: "message type not supported"}
RC_NAMES = {0: "Success", 1: "Background Command Started", 2: "Invalid Input",
            3: "Unsupported", 4: "Internal Error", 5: "Retry Required",
            6: "Busy", 0x16: "Invalid Payload Length"}
DEVICE_TYPES = {0: "none", 1: "PCIe", 2: "CXL type 1", 3: "CXL type 2/switch",
                4: "CXL type 3 SLD", 5: "CXL type 3 MLD"}
CONFIG_STATES = {0: "disabled", 1: "bind in progress", 2: "unbind in progress",
                 3: "DSP", 4: "USP", 5: "fabric port", 0xF: "invalid port id"}


def fcs16(data, crc=0xFFFF):
    """CRC-16/CCITT as DSP0253 and Linux's mctp-serial compute it"""
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
    return crc


def frame(pkt):
    """One DSP0253 frame around an MCTP packet"""
    body = bytearray()
    for b in pkt:
        if b in (FLAG, ESC):
            body += bytes([ESC, b ^ 0x20])
        else:
            body.append(b)
    fcs = fcs16(bytes([1, len(pkt)]) + pkt)
    return bytes([FLAG, 1, len(pkt)]) + bytes(body) + bytes([fcs >> 8, fcs & 0xFF, FLAG])


class Deframer:
    """DSP0253 frames out of a byte stream: packets whose FCS is right"""

    def __init__(self):
        self.buf = None
        self.esc = False

    def feed(self, data):
        out = []
        for b in data:
            if b == FLAG:
                if self.buf is not None and len(self.buf) >= 4:
                    f = bytes(self.buf)
                    n = f[1]
                    if f[0] == 1 and len(f) == n + 4 and \
                            fcs16(f[:2 + n]) == (f[2 + n] << 8 | f[3 + n]):
                        out.append(f[2:2 + n])
                self.buf = bytearray()
                self.esc = False
            elif self.buf is not None:
                if b == ESC:
                    self.esc = True
                    continue
                self.buf.append(b ^ 0x20 if self.esc else b)
                self.esc = False
        return out


class Endpoint:
    """An MCTP requester on a stream socket to one endpoint"""

    def __init__(self, path, eid=0, local=8, timeout=5.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.sock.settimeout(timeout)
        self.timeout = timeout
        self.eid, self.local, self.tag = eid, local, 0
        self.deframer = Deframer()
        self.pending = []

    def send_packets(self, dst, msg, tag, to=True, mtu=BTU):
        for seq, off in enumerate(range(0, max(len(msg), 1), mtu)):
            chunk = msg[off:off + mtu]
            flags = (tag & 7) | (to << 3) | ((seq & 3) << 4)
            flags |= 0x80 if off == 0 else 0
            flags |= 0x40 if off + mtu >= len(msg) else 0
            self.sock.sendall(frame(bytes([1, dst, self.local, flags]) + chunk))

    def packet(self, deadline):
        while not self.pending:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from the endpoint")
            self.sock.settimeout(left)
            data = self.sock.recv(4096)
            if not data:
                raise ConnectionError("the endpoint closed the connection")
            self.pending += self.deframer.feed(data)
        return self.pending.pop(0)

    def request(self, msg):
        """Send a request message (type byte first); return the response
        message and the EID it came from"""
        tag = self.tag
        self.tag = (self.tag + 1) & 7
        self.send_packets(self.eid, msg, tag)
        deadline = time.monotonic() + self.timeout
        body, src = b"", None
        while True:
            p = self.packet(deadline)
            if len(p) < 4 or p[3] & 0x0F != tag:    # another tag or TO set
                continue
            if p[3] & 0x80:
                body, src = b"", p[2]
            body += p[4:]
            if p[3] & 0x40:
                return body, src

    def control(self, cmd, data=b""):
        """An MCTP control request: (completion code, data, source EID)"""
        iid = self.tag & 0x1F
        rsp, src = self.request(bytes([TYPE_CONTROL, 0x80 | iid, cmd]) + data)
        if len(rsp) < 4 or rsp[0] != TYPE_CONTROL or rsp[2] != cmd:
            raise ValueError(f"malformed control response {rsp.hex()}")
        return rsp[3], rsp[4:], src

    def cci(self, opcode, payload=b"", mtype=TYPE_FM_API):
        """A CCI request message: (return code, output payload)"""
        tag = self.tag
        hdr = struct.pack("<BBBH", 0, tag, 0, opcode)
        hdr += len(payload).to_bytes(3, "little") + struct.pack("<HH", 0, 0)
        rsp, _ = self.request(bytes([mtype]) + hdr + payload)
        if len(rsp) < 13 or rsp[0] != mtype:
            raise ValueError(f"malformed CCI response {rsp.hex()}")
        rc = struct.unpack_from("<H", rsp, 9)[0]
        n = int.from_bytes(rsp[6:9], "little") & 0x1FFFFF
        return rc, rsp[13:13 + n]


def version(v):
    def bcd(b):
        return "" if b == 0xFF else str(b & 0xF) if b >= 0xF0 else f"{b >> 4}{b & 0xF}"
    s = ".".join(x for x in (bcd(v[0]), bcd(v[1]), bcd(v[2])) if x)
    return s + (chr(v[3]) if v[3] else "")


def rc_text(rc):
    return f"{rc:02x}h ({RC_NAMES.get(rc, 'return code')})"


def cmd_discover(ep, args):
    ok = True
    if args.assign is not None:
        cc, d, src = ep.control(0x01, bytes([0, args.assign]))
        print(f"set-eid: cc={cc:02x}" + (f" eid={d[1]}" if cc == 0 and len(d) > 1 else
                                          f" ({CC_NAMES.get(cc, '?')})"))
        ok &= cc == 0
        if cc == 0:
            ep.eid = d[1]
    cc, d, src = ep.control(0x02)
    if cc == 0 and len(d) >= 2:
        kind = "dynamic" if d[1] & 3 == 0 else "static"
        print(f"eid: {d[0]} ({kind})")
    else:
        print(f"eid: cc={cc:02x} ({CC_NAMES.get(cc, '?')})")
        ok = False
    cc, d, src = ep.control(0x05)
    if cc == 0 and d and len(d) >= 1 + d[0]:
        print("message-types: " + " ".join(f"{t:02x}h" for t in [0] + list(d[1:1 + d[0]])))
    else:
        print(f"message-types: cc={cc:02x}")
        ok = False
    for t, name in ((0xFF, "base"), (0, "control"), (7, "fm-api"), (8, "cci")):
        cc, d, src = ep.control(0x04, bytes([t]))
        if cc == 0 and d and len(d) >= 1 + 4 * d[0]:
            print(f"version {name}: " + " ".join(version(d[1 + 4 * i:5 + 4 * i])
                                                 for i in range(d[0])))
        else:
            print(f"version {name}: cc={cc:02x} ({CC_NAMES.get(cc, '?')})")
    return ok


def identify(ep):
    rc, out = ep.cci(0x5100)
    if rc or len(out) < 0x49:
        print(f"identify-switch: return code {rc_text(rc)}")
        return None
    ports = [i for i in range(256) if out[4 + i // 8] & (1 << (i % 8))]
    total, bound = struct.unpack_from("<HH", out, 68)
    print(f"ingress-port: {out[0]}")
    print(f"physical-ports: {out[2]}")
    print(f"vcss: {out[3]}")
    print("active-ports: " + " ".join(str(p) for p in ports))
    print(f"vppbs: {total} bound: {bound}")
    print(f"hdm-decoders: {out[72]}")
    return ports


def cmd_identify(ep, args):
    return identify(ep) is not None


def cmd_port_state(ep, args):
    ports = [int(p, 0) for p in args.ports]
    if not ports:
        rc, out = ep.cci(0x5100)
        if rc or len(out) < 0x49:
            print(f"identify-switch: return code {rc_text(rc)}")
            return False
        ports = [i for i in range(256) if out[4 + i // 8] & (1 << (i % 8))]
    rc, out = ep.cci(0x5101, bytes([len(ports)] + ports))
    if rc:
        print(f"port-state: return code {rc_text(rc)}")
        return False
    for i in range(out[0]):
        p = out[4 + 16 * i:20 + 16 * i]
        print(f"port {p[0]}: {CONFIG_STATES.get(p[1], p[1])} "
              f"device={DEVICE_TYPES.get(p[4], p[4])} width=x{p[7]} "
              f"speed={p[10]} ltssm={p[11]} lds={p[15]}")
    return True


def cmd_raw(ep, args):
    rc, out = ep.cci(int(args.opcode, 16), bytes.fromhex(args.hex or ""), args.type)
    print(f"return-code: {rc_text(rc)}")
    print(f"output: {out.hex()}")
    return rc == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-s", "--socket", required=True, help="the chardev's UNIX socket")
    ap.add_argument("--eid", type=lambda x: int(x, 0), default=0)
    ap.add_argument("--local-eid", type=lambda x: int(x, 0), default=8)
    ap.add_argument("--timeout", type=float, default=5.0)
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("discover", help="MCTP control: Get Endpoint ID, "
                       "Message Type Support, Version Support")
    d.add_argument("--assign", type=lambda x: int(x, 0),
                   help="Set Endpoint ID first (then address it)")
    sub.add_parser("identify", help="FM API Identify Switch Device (5100h)")
    p = sub.add_parser("port-state", help="FM API Get Physical Port State (5101h)")
    p.add_argument("ports", nargs="*", help="port IDs (default: every active port)")
    r = sub.add_parser("raw", help="any CCI command: OPCODE (hex) and payload (hex)")
    r.add_argument("opcode")
    r.add_argument("hex", nargs="?")
    r.add_argument("--type", type=int, default=TYPE_FM_API, choices=(7, 8))
    args = ap.parse_args()
    try:
        ep = Endpoint(args.socket, args.eid, args.local_eid, args.timeout)
        ok = {"discover": cmd_discover, "identify": cmd_identify,
              "port-state": cmd_port_state, "raw": cmd_raw}[args.cmd](ep, args)
    except (OSError, TimeoutError, ValueError) as e:
        print(f"cxl-fm: {e}", file=sys.stderr)
        return 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
