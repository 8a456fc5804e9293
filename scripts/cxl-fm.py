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

Several commands separated by ';' run in turn on one connection (the
chardev takes one at a time): e.g. mctp-event-policy set 1 ';'
port-control 2 reset ';' listen.

Options: --eid N, the endpoint's EID (default 0, the null EID: physical
addressing, which an endpoint answers before and after it has an EID);
--local-eid N, this fabric manager's EID (default 8); --timeout S.
Exit status: 0 success, 1 the command failed (a completion or return code
other than success, printed), 2 no answer or a usage error.
"""

import argparse
import json
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
            6: "Busy", 7: "Media Disabled", 0x0E: "Invalid Handle",
            0x0F: "Invalid Physical Address", 0x12: "Aborted",
            0x15: "Unsupported Mailbox", 0x16: "Invalid Payload Length",
            0x1D: "Resources Exhausted", 0x1E: "Invalid Extent List"}
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
    """DSP0253 frames out of a byte stream: packets whose FCS is right.
    As Linux's mctp-serial (and QEMU's cxl-mctp-chardev) frame them, the
    packet's bytes are escaped and the two FCS bytes are not: the byte
    count says where the packet ends."""

    def __init__(self):
        self.state = "idle"
        self.buf = bytearray()
        self.count = self.fcs = 0

    def feed(self, data):
        out = []
        for b in data:
            st = self.state
            if st == "idle":
                if b == FLAG:
                    self.state = "revision"
            elif st == "revision":
                if b != FLAG:
                    self.state = "count" if b == 1 else "idle"
            elif st == "count":
                self.count, self.buf = b, bytearray()
                self.state = "data" if b else "fcs-hi"
            elif st in ("data", "escape"):
                if st == "data" and b == FLAG:
                    self.state = "revision"         # cut short
                    continue
                if st == "data" and b == ESC:
                    self.state = "escape"
                    continue
                self.buf.append(b ^ 0x20 if st == "escape" else b)
                self.state = "fcs-hi" if len(self.buf) == self.count else "data"
            elif st == "fcs-hi":
                self.fcs, self.state = b << 8, "fcs-lo"
            elif st == "fcs-lo":
                self.fcs, self.state = self.fcs | b, "end"
            elif st == "end":
                if b == FLAG:
                    if fcs16(bytes([1, self.count]) + self.buf) == self.fcs:
                        out.append(bytes(self.buf))
                    self.state = "revision"         # the flag opens the next
                else:
                    self.state = "idle"
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
        self.incoming = []          # packets of requests to us (TO set)

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
            if len(p) >= 4 and p[3] & 0x08:         # a request to us
                self.incoming.append(p)
                continue
            if len(p) < 4 or p[3] & 0x0F != tag:    # another tag
                continue
            if p[3] & 0x80:
                body, src = b"", p[2]
            body += p[4:]
            if p[3] & 0x40:
                return body, src

    def incoming_request(self, deadline):
        """The next request message the endpoint sends us (an Event
        Notification): (message, source EID, MCTP tag)"""
        body = None
        while True:
            p = self.incoming.pop(0) if self.incoming else self.packet(deadline)
            if len(p) < 4 or not p[3] & 0x08:
                continue
            if p[3] & 0x80:
                body = b""
            if body is None:
                continue
            body += p[4:]
            if p[3] & 0x40:
                return body, p[2], p[3] & 7

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


# ---- the FM API commands, one declaration each ----
#
# A spec is a list of fields "name:TYPE[{e0,e1,...}][=DEFAULT]" in payload
# order. TYPE: u8/u16/u32/u64 (printed in decimal), x8/x16/x32/x64 (in hex),
# bN (N bytes, given and printed as hex), rN (N reserved bytes, name "_").
# {e0,e1,...} names the values 0, 1...; DEFAULT "#" is the number of list
# entries. An output spec has up to three sections separated by "|": the
# header, a list "label[COUNT,BASE]: fields" (COUNT a header field or a
# number; entries numbered from the field BASE, of the output or the input)
# and a trailer. An input spec may end with such a list, whose entries are
# given as colon-separated values ("DPA:LEN"). tests/guest/tools/cxlfm.c
# declares the same commands with the same specs and prints the same lines.
#
# Input and output layouts are those of include/hw/cxl/cxl-mailbox.h; the
# FM API ones there are from memory of CXL r3.1 7.6.7 (see its comments).

class Field:
    def __init__(self, text):
        name, rest = text.split(":", 1)
        self.default = None
        if "=" in rest:
            rest, self.default = rest.split("=", 1)
        self.enum = None
        if "{" in rest:
            rest, e = rest.split("{", 1)
            self.enum = e.rstrip("}").split(",")
        self.name, self.kind = name, rest[0]
        n = int(rest[1:])
        self.size = n // 8 if self.kind in "ux" else n

    def parse(self, text):
        if self.kind == "b":
            v = bytes.fromhex(text if text != "0" else "")
            if len(v) > self.size:
                raise ValueError(f"{self.name}: at most {self.size} bytes")
            return v.ljust(self.size, b"\0")
        if self.enum and text in self.enum:
            return self.enum.index(text)
        try:
            v = int(text, 0)
        except ValueError:
            raise ValueError(f"{self.name}: '{text}' is not "
                             + (f"one of {','.join(self.enum)} or " if self.enum else "")
                             + "a number") from None
        if v < 0 or v >= 1 << (8 * self.size):
            raise ValueError(f"{self.name}: {text} does not fit in {self.size} bytes")
        return v

    def pack(self, v):
        if self.kind == "r":
            return bytes(self.size)
        if self.kind == "b":
            return v
        return v.to_bytes(self.size, "little")

    def unpack(self, data, off):
        raw = data[off:off + self.size]
        if self.kind in "rb":
            return raw.hex()
        return int.from_bytes(raw, "little")

    def text(self, v):
        if self.kind in "rb":
            return v
        if self.enum and v < len(self.enum):
            return self.enum[v]
        return f"0x{v:x}" if self.kind == "x" else str(v)


def parse_fields(text):
    return [Field(f) for f in text.split()]


def parse_list_head(text):
    """'label[COUNT,BASE]: fields' -> (label, count, base, fields)"""
    head, fields = text.split(":", 1)
    label, rest = head.strip().split("[")
    count, _, base = rest.rstrip("]").partition(",")
    return label, count, base or None, parse_fields(fields)


def parse_section_list(text):
    parts = text.split("|")
    return parse_fields(parts[0]), parse_list_head(parts[1]) if len(parts) > 1 else None


class Cmd:
    def __init__(self, name, opcode, inp="", args="", out="", bg=False, doc=""):
        self.name, self.opcode, self.bg, self.doc = name, opcode, bg, doc
        self.inp, self.inlist = parse_section_list(inp)
        self.args = args.split()
        self.out = out


EVENT_LOGS = "{info,warn,fail,fatal,dcd}"
EXTENT = "dpa:x64 len:x64 tag:b16=00 seq:u16=0 _:r6"

COMMANDS = [
    Cmd("bg-status", 0x0002, out="status:x8 _:r1 opcode:x16 rc:x16 vendor:x16",
        doc="Background Operation Status (0002h)"),
    Cmd("bg-abort", 0x0005, doc="Request Abort Background Operation (0005h)"),
    Cmd("events get", 0x0100, f"log:u8{EVENT_LOGS}", "log",
        "flags:x8 _:r1 overflow:u16 first-overflow:u64 last-overflow:u64 count:u16 _:r10"
        " | record[count]: uuid:b16 length:u8 flags:b3 handle:u16 related:u16"
        " timestamp:u64 maint-class:u8 maint-subclass:u8 ld:u16 head:u8 _:r11 data:b80",
        doc="Get Event Records (0100h) of a log"),
    Cmd("events clear", 0x0101,
        f"log:u8{EVENT_LOGS} flags:x8=0 nr:u8=# _:r3 | handle[nr]: handle:u16", "log",
        doc="Clear Event Records (0101h): LOG HANDLE... (or flags=1: all)"),
    Cmd("events policy get", 0x0102, out="info:x8 warn:x8 fail:x8 fatal:x8 dcd:x8",
        doc="Get Event Interrupt Policy (0102h)"),
    Cmd("events policy set", 0x0103, "info:x8=0 warn:x8=0 fail:x8=0 fatal:x8=0",
        "info warn fail fatal", doc="Set Event Interrupt Policy (0103h)"),
    Cmd("mctp-event-policy get", 0x0104, out="settings:x16",
        doc="Get MCTP Event Interrupt Policy (0104h): bit n = event log n"),
    Cmd("mctp-event-policy set", 0x0105, "settings:x16", "settings", "settings:x16",
        doc="Set MCTP Event Interrupt Policy (0105h): 1 info, 2 warn, 4 fail, "
            "8 fatal, 10h DC"),
    Cmd("port-control", 0x5102, "port:u8 op:u8{perst-assert,perst-deassert,reset}",
        "port op", doc="Physical Port Control (5102h)"),
    Cmd("vcs-info", 0x5200, "start:u8=0 limit:u8=255 nr-vcss:u8=1 vcs:u8=0",
        "vcs start limit",
        "vcss:u8 _:r3 vcs:u8 state:u8{disabled,enabled} usp:u8 vppbs:u8"
        " | vppb[vppbs,start]: status:u8{unbound,in-progress,bound,bound-ld}"
        " port:u8 ld:u8 _:r1", doc="Get Virtual CXL Switch Info (5200h) of one VCS"),
    Cmd("bind", 0x5201, "vcs:u8=0 vppb:u8 port:u8 _:r1 ld:x16=0xffff", "vppb port",
        bg=True, doc="Bind vPPB (5201h)"),
    Cmd("unbind", 0x5202, "vcs:u8=0 vppb:u8 mode:u8{wait,managed,surprise}=managed",
        "vppb mode", bg=True, doc="Unbind vPPB (5202h)"),
    Cmd("aer", 0x5203, "vcs:u8=0 vppb:u8 _:r2 error:x32 header:b32=00",
        "vppb error header",
        doc="Generate AER Event (5203h): ERROR is the bit (+0x80000000: correctable)"),
    Cmd("mhd-info", 0x5500, "start:u8=0 limit:u8=255", "start limit",
        "lds:u8 heads:u8 _:r2 start:u8 map-len:u8 _:r2 | ld[map-len,start]: head:u8",
        doc="Get Multi-Headed Info (5500h)"),
    Cmd("dcd-info", 0x5600, out="hosts:u8 regions:u8 _:r2 add-policies:x16 _:r2"
        " removal-policies:x16 sanitize-mask:x8 _:r1 capacity-256m:u64"
        " | region[regions]: block-size-mask:x64", doc="Get DCD Info (5600h)"),
    Cmd("dc-config get", 0x5601, "host:u16=0 count:u8=8 start:u8=0", "host count start",
        "host:u16 regions:u8 returned:u8 | region[returned,start]: base:x64"
        " decode-len:x64 len:x64 block-size:x64 dsmad:u32 flags:x8 _:r3"
        " | total-extents:u32 avail-extents:u32 total-tags:u32 avail-tags:u32",
        doc="Get Host DC Region Configuration (5601h)"),
    Cmd("dc-config set", 0x5602, "region:u8 _:r3 block-size:x64 flags:x8=0 _:r3",
        "region block-size flags", doc="Set DC Region Configuration (5602h)"),
    Cmd("extents", 0x5603, "host:u16=0 _:r2 count:u32=64 start:u32=0", "host start count",
        "host:u16 _:r2 start:u32 returned:u32 total:u32 generation:u32 _:r4"
        f" | extent[returned,start]: {EXTENT}",
        doc="Get DC Region Extent Lists (5603h)"),
    Cmd("dc-add", 0x5604,
        "host:u16=0 policy:u8{free,contiguous,prescriptive,enable-shared}=prescriptive"
        f" region:u8=0 length:x64=0 tag:b16=00 nr:u32=# | extent[nr]: {EXTENT}",
        "host region", doc="Initiate Dynamic Capacity Add (5604h): HOST REGION DPA:LEN..."),
    Cmd("dc-release", 0x5605,
        "host:u16=0 flags:x8{tag-based,prescriptive}=prescriptive _:r1 length:x64=0"
        f" tag:b16=00 nr:u32=# | extent[nr]: {EXTENT}",
        "host", doc="Initiate Dynamic Capacity Release (5605h): HOST DPA:LEN..."),
    # Multi-logical devices, payloads from memory of CXL r3.x 7.6.7.3 and
    # 7.6.7.4 as include/hw/cxl/cxl-mld.h has them: 5301h/5302h on the
    # switch; 54xxh on an MLD's LD-FAM CCI (its own endpoint, or
    # "tunnel PORT ..." through the switch)
    Cmd("ld-config read", 0x5301, "port:u8 _:r1 ld:u16 offset:x16 be:x8=0xf rw:x8=0 data:x32=0",
        "port ld offset", "data:x32",
        doc="Send LD CXL.io Configuration Request (5301h): a dword read"),
    Cmd("ld-config write", 0x5301, "port:u8 _:r1 ld:u16 offset:x16 be:x8=0xf rw:x8=0x80 data:x32",
        "port ld offset data", "",
        doc="Send LD CXL.io Configuration Request (5301h): a dword write"),
    Cmd("ld-mem read", 0x5302, "port:u8 _:r1 ld:u16 flags:x8=0 _:r1 length:u16 offset:x64",
        "port ld offset length", "length:u16 _:r2 | byte[length]: v:x8",
        doc="Send LD CXL.io Memory Request (5302h): LENGTH bytes at OFFSET of the LD's memory"),
    Cmd("ld-mem write", 0x5302, "port:u8 _:r1 ld:u16 flags:x8=1 _:r1 length:u16=# offset:x64 | byte[length]: v:x8",
        "port ld offset", "length:u16 _:r2",
        doc="Send LD CXL.io Memory Request (5302h): write BYTE... at OFFSET"),
    Cmd("ld-info", 0x5400, "",
        "", "memory-size:x64 lds:u16 qos-caps:x8",
        doc="Get LD Info (5400h)"),
    Cmd("ld-alloc get", 0x5401, "start:u8=0 limit:u8=255",
        "start limit", "lds:u8 granularity:u8{256m,512m,1g} start:u8 len:u8 | ld[len,start]: range1:u64 range2:u64",
        doc="Get LD Allocations (5401h): ranges in units of the granularity"),
    Cmd("ld-alloc set", 0x5402, "nr:u8=# start:u8=0 _:r2 | ld[nr]: range1:u64 range2:u64=0",
        "start", "nr:u8 start:u8 _:r2 | ld[nr,start]: range1:u64 range2:u64",
        doc="Set LD Allocations (5402h): START RANGE1[:RANGE2]... (256 MiB units)"),
    Cmd("qos-control get", 0x5403, "",
        "", "control:x8 moderate-pct:u8 severe-pct:u8 sample-interval:u8 req-cmp-basis:u16 collection-interval:u8",
        doc="Get QoS Control (5403h)"),
    Cmd("qos-control set", 0x5404, "control:x8 moderate-pct:u8 severe-pct:u8 sample-interval:u8 req-cmp-basis:u16 collection-interval:u8",
        "control moderate-pct severe-pct sample-interval req-cmp-basis collection-interval", "control:x8 moderate-pct:u8 severe-pct:u8 sample-interval:u8 req-cmp-basis:u16 collection-interval:u8",
        doc="Set QoS Control (5404h)"),
    Cmd("qos-status", 0x5405, "",
        "", "backpressure-avg-pct:u8",
        doc="Get QoS Status (5405h)"),
    Cmd("qos-bw get", 0x5406, "nr:u8=1 start:u8=0",
        "start nr", "nr:u8 start:u8 | ld[nr,start]: fraction:u8",
        doc="Get QoS Allocated BW (5406h): fractions of 256"),
    Cmd("qos-bw set", 0x5407, "nr:u8=# start:u8=0 | ld[nr]: fraction:u8",
        "start", "nr:u8 start:u8 | ld[nr,start]: fraction:u8",
        doc="Set QoS Allocated BW (5407h): START FRACTION..."),
    Cmd("qos-limit get", 0x5408, "nr:u8=1 start:u8=0",
        "start nr", "nr:u8 start:u8 | ld[nr,start]: fraction:u8",
        doc="Get QoS BW Limit (5408h): fractions of 256"),
    Cmd("qos-limit set", 0x5409, "nr:u8=# start:u8=0 | ld[nr]: fraction:u8",
        "start", "nr:u8 start:u8 | ld[nr,start]: fraction:u8",
        doc="Set QoS BW Limit (5409h): START FRACTION..."),
]
BY_NAME = {c.name: c for c in COMMANDS}


def build_input(cmd, argv):
    """The payload of @cmd from command line words (VALUE in the order of
    cmd.args, NAME=VALUE, list entries A:B:...)"""
    vals, pos, entries = {}, list(cmd.args), []
    for a in argv:
        name, eq, v = a.partition("=")
        if eq and any(f.name == name for f in cmd.inp):
            vals[name] = v
        elif pos and not (cmd.inlist and ":" in a):
            vals[pos.pop(0)] = a
        elif cmd.inlist:
            entries.append(a.split(":"))
        else:
            raise ValueError(f"{cmd.name}: unexpected argument '{a}'")
    out = b""
    for f in cmd.inp:
        if f.kind == "r":
            out += f.pack(0)
            continue
        t = vals.get(f.name, f.default)
        if t is None:
            raise ValueError(f"{cmd.name}: {f.name} is required")
        out += f.pack(len(entries) if t == "#" else f.parse(t))
    if cmd.inlist:
        fields = [f for f in cmd.inlist[3] if f.kind != "r"]
        for e in entries:
            if len(e) > len(fields):
                raise ValueError(f"{cmd.name}: too many values in '{':'.join(e)}'")
            for f in cmd.inlist[3]:
                if f.kind == "r":
                    out += f.pack(0)
                    continue
                i = fields.index(f)
                t = e[i] if i < len(e) else f.default
                if t is None:
                    raise ValueError(f"{cmd.name}: {f.name} is required in '{':'.join(e)}'")
                out += f.pack(f.parse(t))
    return out, vals


def decode(fields, data, off):
    rec = {}
    for f in fields:
        if f.kind != "r" and off + f.size <= len(data):
            rec[f.name] = f.unpack(data, off)
        off += f.size
    return rec, off


def show_output(cmd, data, inp_vals, as_json):
    """Print the output payload as the command's spec says (lines, or a
    JSON object)"""
    parts = cmd.out.split("|") if cmd.out else []
    lines, obj = [], {}
    if not parts:
        return lines, obj
    hfields = parse_fields(parts[0])
    hdr, off = decode(hfields, data, 0)
    obj.update(hdr)
    for f in hfields:
        if f.name in hdr:
            lines.append(f"{f.name}: {f.text(hdr[f.name])}")
    if len(parts) > 1:
        label, count, base, efields = parse_list_head(parts[1])
        n = hdr[count] if count in hdr else int(count)
        first = 0
        if base:
            first = hdr.get(base, int(inp_vals.get(base, "0"), 0))
        obj[label] = []
        size = sum(f.size for f in efields)
        for i in range(n):
            if off + size > len(data):
                break
            e, off = decode(efields, data, off)
            obj[label].append(e)
            lines.append(f"{label} {first + i}: " + " ".join(
                f"{f.name}={f.text(e[f.name])}" for f in efields if f.name in e))
    if len(parts) > 2:
        tfields = parse_fields(parts[2])
        tr, off = decode(tfields, data, off)
        obj.update(tr)
        lines += [f"{f.name}: {f.text(tr[f.name])}" for f in tfields if f.name in tr]
    return lines, obj


class Tunnel:
    """A CCI reached through a switch's Tunnel Management Command (5300h)
    to the component below PORT"""

    def __init__(self, outer, port):
        self.outer, self.port = outer, port

    def cci(self, opcode, payload=b"", mtype=TYPE_FM_API):
        hdr = struct.pack("<BBBH", 0, 0, 0, opcode)
        hdr += len(payload).to_bytes(3, "little") + struct.pack("<HH", 0, 0)
        msg = hdr + payload
        rc, out = self.outer.cci(0x5300, struct.pack("<BBH", self.port, 0, len(msg)) + msg,
                                 mtype)
        if rc:
            print(f"tunnel: return code {rc_text(rc)}")
            raise Failed()
        if len(out) < 4 + 12:
            raise ValueError(f"malformed tunnel response {out.hex()}")
        rsp = out[4:4 + struct.unpack_from("<H", out, 0)[0]]
        n = int.from_bytes(rsp[5:8], "little") & 0x1FFFFF
        return struct.unpack_from("<H", rsp, 8)[0], rsp[12:12 + n]


class Failed(Exception):
    pass


def poll_background(ep, args, opcode):
    """Background Operation Status until the operation is done: its return
    code"""
    deadline = time.monotonic() + args.bg_timeout
    while time.monotonic() < deadline:
        rc, out = ep.cci(0x0002, b"", args.type)
        if rc == 0 and len(out) >= 8 and not out[0] & 1 and \
                struct.unpack_from("<H", out, 2)[0] == opcode:
            return struct.unpack_from("<H", out, 4)[0]
        time.sleep(0.05)
    raise TimeoutError("the background operation did not finish")


def run_table(ep, args, cmd, argv):
    payload, vals = build_input(cmd, argv)
    rc, out = ep.cci(cmd.opcode, payload, args.type)
    bg = None
    if rc == 1 and cmd.bg:
        bg = poll_background(ep, args, cmd.opcode)
    lines, obj = show_output(cmd, out, vals, args.json) if rc == 0 else ([], {})
    if args.json:
        obj = {"return-code": rc, **({"background": bg} if bg is not None else {}), **obj}
        print(json.dumps(obj))
    else:
        print(f"return-code: {rc_text(rc)}")
        if bg is not None:
            print(f"background: {rc_text(bg)}")
        for line in lines:
            print(line)
    return rc == 0 or (rc == 1 and bg == 0)


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


def cmd_identify(ep, args, argv):
    return identify(ep) is not None


def cmd_port_state(ep, args, argv):
    ports = [int(p, 0) for p in argv]
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


def cmd_raw(ep, args, argv):
    ap = argparse.ArgumentParser(prog="cxl-fm.py raw")
    ap.add_argument("opcode")
    ap.add_argument("hex", nargs="?")
    ap.add_argument("--type", type=int, default=args.type, choices=(7, 8))
    a = ap.parse_args(argv)
    rc, out = ep.cci(int(a.opcode, 16), bytes.fromhex(a.hex or ""), a.type)
    print(f"return-code: {rc_text(rc)}")
    print(f"output: {out.hex()}")
    return rc == 0


def cmd_ppb_config(ep, args, argv):
    """Send PPB CXL.io Configuration Request (5103h): PORT read OFFSET [BE]
    or PORT write OFFSET VALUE [BE]"""
    if len(argv) < 3 or argv[1] not in ("read", "write") or \
            len(argv) > (4 if argv[1] == "read" else 5):
        raise ValueError("ppb-config PORT read OFFSET [BE] | "
                         "ppb-config PORT write OFFSET VALUE [BE]")
    write = argv[1] == "write"
    port, off = int(argv[0], 0), int(argv[2], 0)
    data = int(argv[3], 0) if write else 0
    rest = argv[4:] if write else argv[3:]
    be = int(rest[0], 0) if rest else 0xF
    payload = bytes([port & 0xFF, off & 0xFF, (off >> 8 & 0xF) | (be & 0xF) << 4,
                     0x80 if write else 0]) + struct.pack("<I", data & 0xFFFFFFFF)
    rc, out = ep.cci(0x5103, payload, args.type)
    value = struct.unpack_from("<I", out)[0] if rc == 0 and len(out) >= 4 else None
    if args.json:
        print(json.dumps({"return-code": rc, **({"data": value} if value is not None else {})}))
    else:
        print(f"return-code: {rc_text(rc)}")
        if value is not None and not write:
            print(f"data: 0x{value:08x}")
    return rc == 0


LOG_NAMES = ["info", "warn", "fail", "fatal", "dcd"]


def cmd_listen(ep, args, argv):
    """Print the Event Notifications (0106h) the endpoint sends us, and
    answer each: listen [--count N] [--wait S]"""
    ap = argparse.ArgumentParser(prog="cxl-fm.py listen")
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--wait", type=float, default=30.0)
    a = ap.parse_args(argv)
    deadline = time.monotonic() + a.wait
    for _ in range(a.count):
        while True:
            msg, src, tag = ep.incoming_request(deadline)
            if len(msg) >= 13 and msg[0] in (TYPE_FM_API, TYPE_CCI) and \
                    struct.unpack_from("<H", msg, 4)[0] == 0x0106:
                break
        logs = struct.unpack_from("<H", msg, 13)[0] if len(msg) >= 15 else 0
        names = ",".join(n for i, n in enumerate(LOG_NAMES) if logs & (1 << i))
        print(f"event-notification: eid={src} type={msg[0]} logs={names or hex(logs)}")
        rsp = bytes([msg[0], 1, msg[2], 0]) + msg[4:6] + bytes(7)
        ep.send_packets(src, rsp, tag, to=False)
    return True


SPECIAL = {"discover": None, "listen": cmd_listen, "identify": cmd_identify, "port-state": cmd_port_state,
           "ppb-config": cmd_ppb_config, "raw": cmd_raw}


def lookup(words):
    """(command, its arguments) for the command line words"""
    for n in (3, 2, 1):
        if len(words) >= n and " ".join(words[:n]) in BY_NAME:
            return BY_NAME[" ".join(words[:n])], words[n:]
    if words[0] in SPECIAL:
        return SPECIAL[words[0]], words[1:]
    raise ValueError(f"unknown command '{' '.join(words[:2])}'")


def dispatch(ep, args, words):
    if not words:
        raise ValueError("a command is needed")
    if words[0] == "tunnel":
        if len(words) < 3:
            raise ValueError("tunnel PORT COMMAND...")
        return dispatch(Tunnel(ep, int(words[1], 0)), args, words[2:])
    cmd, argv = lookup(words)
    if isinstance(cmd, Cmd):
        return run_table(ep, args, cmd, argv)
    if words[0] == "discover":
        ap = argparse.ArgumentParser(prog="cxl-fm.py discover")
        ap.add_argument("--assign", type=lambda x: int(x, 0),
                        help="Set Endpoint ID first (then address it)")
        return cmd_discover(ep, ap.parse_args(argv))
    return cmd(ep, args, argv)


def usage_text():
    lines = ["commands:",
             "  discover [--assign EID]   MCTP control: Get Endpoint ID, Message Type and Version Support",
             "  identify                  Identify Switch Device (5100h)",
             "  port-state [PORT...]      Get Physical Port State (5101h)",
             "  ppb-config PORT read OFFSET [BE] | PORT write OFFSET VALUE [BE]",
             "                            Send PPB CXL.io Configuration Request (5103h)",
             "  tunnel PORT COMMAND...    COMMAND through Tunnel Management (5300h)",
             "  listen [--count N] [--wait S]  print (and answer) Event Notifications (0106h)",
             "  raw OPCODE [HEX] [--type 7|8]  any command"]
    for c in COMMANDS:
        opt = {f.name for f in c.inp if f.default is not None}
        args = " ".join(f"[{a.upper()}]" if a in opt else a.upper() for a in c.args)
        lines.append(f"  {c.name} {args}")
        lines.append(f"      {c.doc}")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], epilog=usage_text(),
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-s", "--socket", required=True, help="the chardev's UNIX socket")
    ap.add_argument("--eid", type=lambda x: int(x, 0), default=0)
    ap.add_argument("--local-eid", type=lambda x: int(x, 0), default=8)
    ap.add_argument("--timeout", type=float, default=5.0)
    ap.add_argument("--bg-timeout", type=float, default=60.0,
                    help="how long to poll a background operation")
    ap.add_argument("-t", "--type", type=int, default=TYPE_FM_API, choices=(7, 8),
                    help="MCTP message type of the commands (7 FM API, 8 CCI)")
    ap.add_argument("--json", action="store_true", help="table commands print JSON")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    try:
        ep = Endpoint(args.socket, args.eid, args.local_eid, args.timeout)
        # commands separated by ';' run in turn on the one connection
        ok, words = True, list(args.command)
        while words:
            n = words.index(";") if ";" in words else len(words)
            ok = dispatch(ep, args, words[:n]) and ok
            words = words[n + 1:]
    except Failed:
        return 1
    except ValueError as e:
        print(f"cxl-fm: {e}", file=sys.stderr)
        return 2
    except (OSError, TimeoutError) as e:
        print(f"cxl-fm: {e}", file=sys.stderr)
        return 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
