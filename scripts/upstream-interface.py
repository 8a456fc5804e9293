#!/usr/bin/env python3
"""Upstream QEMU's CXL user interface as reference data, and a comparison.

Users moving to this emulation from upstream QEMU expect the same QMP
commands, device properties and machine options (names and types are a
compatibility contract). This script records that interface as JSON data
files and compares a live QEMU (ours) against them.

  upstream-interface.py capture --qemu QEMU [--label TEXT] OUTDIR [-- QEMU-ARGS]
      Run QEMU (e.g. the wrapper of scripts/fetch-upstream-qemu.sh) and
      write OUTDIR/qmp.json (every QMP command named cxl-*: arguments with
      their types resolved from query-qmp-schema, return type, features),
      OUTDIR/devices.json (the properties of the CXL devices, as
      `-device NAME,help` shows them) and OUTDIR/machine.json (the q35
      machine's properties whose name contains "cxl", as qom-list shows
      them; `-M q35,help` lists none of them in 11.1).

  upstream-interface.py from-qapi [--label TEXT] CXL_JSON OUTDIR
      Convert a QAPI schema file (upstream's qapi/cxl.json of the pinned
      base) into OUTDIR/qmp.json, in the same format. Integer widths are
      folded to "int" as introspection does; the QAPI type is kept as
      "qapi-type" for reference.

  upstream-interface.py compare --qemu QEMU DATADIR [-- QEMU-ARGS]
      Compare a live QEMU with the data in DATADIR (whichever of the three
      files exist) and print, per command, device and machine option, what
      is missing, extra or differently typed. Exit status 1 if anything
      is missing or differently typed, or if an upstream call would fail
      here (an argument required here that upstream lacks or has optional);
      optional extras, and arguments optional here that upstream requires,
      are not failures.

  upstream-interface.py compare --qapi CXL_JSON DATADIR
      The same for QMP only, from a QAPI schema file (ours: qapi/cxl.json)
      instead of a live QEMU; where both sides come from schema files the
      QAPI types (integer widths) are compared too.

Type expressions (introspection hides the schema's type names, so types are
written structurally): builtins by their JSON type as introspection names
it (int, string, boolean, number, null, value), "enum{a|b|c}", "[T]" for arrays, "{name: T, *opt: T}" for
objects (a "*" marks an optional member), "alternate{T|T}".
"""

import argparse
import ast
import json
import os
import re
import subprocess
import sys

DEVICES = ["cxl-type3", "cxl-rp", "cxl-upstream", "cxl-downstream",
           "cxl-switch-mailbox-cci", "pxb-cxl"]
# A non-CXL device of the same kind for each: a property that the baseline
# device of this binary lacks too comes from QEMU's generic PCI code, so a
# difference there is one between the QEMU versions, not a CXL gap.
BASELINE = {"cxl-type3": "pci-testdev", "cxl-rp": "pcie-root-port",
            "cxl-upstream": "x3130-upstream",
            "cxl-downstream": "xio3130-downstream",
            "cxl-switch-mailbox-cci": "pci-testdev", "pxb-cxl": "pxb-pcie"}


# ---- QMP over stdio -----------------------------------------------------------

class QMP:
    def __init__(self, qemu, extra):
        cmd = [qemu, "-M", "q35", "-S", "-nodefaults", "-display", "none",
               "-qmp", "stdio"] + extra
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        greeting = self._read()
        if "QMP" not in greeting:
            sys.exit("no QMP greeting from %s: %r" % (qemu, greeting))
        self.cmd("qmp_capabilities")

    def _read(self):
        while True:
            line = self.p.stdout.readline()
            if not line:
                sys.exit("QEMU exited (status %s)" % self.p.wait())
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def cmd(self, name, **args):
        req = {"execute": name}
        if args:
            req["arguments"] = args
        self.p.stdin.write(json.dumps(req) + "\n")
        self.p.stdin.flush()
        return self._read()

    def close(self):
        self.cmd("quit")
        self.p.stdin.close()
        self.p.wait(timeout=30)


# ---- type expressions from introspection -------------------------------------

class Schema:
    def __init__(self, entities):
        self.by_name = {e["name"]: e for e in entities}

    def expr(self, name, depth=0):
        e = self.by_name[name]
        mt = e["meta-type"]
        if depth > 8:
            return "..."
        if mt == "builtin":
            return e["json-type"]
        if mt == "enum":
            return "enum{%s}" % "|".join(e["values"])
        if mt == "array":
            return "[%s]" % self.expr(e["element-type"], depth + 1)
        if mt == "object":
            return self.object_expr(e, depth)
        if mt == "alternate":
            return "alternate{%s}" % "|".join(
                self.expr(m["type"], depth + 1) for m in e["members"])
        return mt

    def members(self, e, depth=0):
        out = []
        for m in e.get("members", []):
            out.append({"name": m["name"],
                        "type": self.expr(m["type"], depth + 1),
                        "optional": "default" in m})
        return out

    def object_expr(self, e, depth):
        parts = ["%s%s: %s" % ("*" if m["optional"] else "", m["name"],
                               m["type"])
                 for m in self.members(e, depth)]
        s = "{%s}" % ", ".join(parts)
        if e.get("variants"):
            s += " (union on %s)" % e.get("tag")
        return s


def capture_qmp(q):
    ents = q.cmd("query-qmp-schema")["return"]
    schema = Schema(ents)
    cmds = {}
    for e in sorted(ents, key=lambda e: e["name"]):
        if e["meta-type"] != "command" or not e["name"].startswith("cxl-"):
            continue
        arg = schema.by_name[e["arg-type"]]
        cmds[e["name"]] = {
            "arguments": schema.members(arg),
            "returns": schema.expr(e["ret-type"]),
            "features": e.get("features", []),
        }
    return cmds


def capture_devices(q):
    devs = {}
    for d in DEVICES + sorted(set(BASELINE.values())):
        r = q.cmd("device-list-properties", typename=d)
        if "error" in r:
            devs[d] = None
            continue
        props = {}
        for p in sorted(r["return"], key=lambda p: p["name"]):
            props[p["name"]] = {"type": p["type"]}
            if "default-value" in p:
                props[p["name"]]["default"] = p["default-value"]
        devs[d] = props
    return devs


def capture_machine(q, qemu, extra):
    props = {}
    for p in q.cmd("qom-list", path="/machine")["return"]:
        if "cxl" in p["name"]:
            props[p["name"]] = {"type": p["type"]}
    out = subprocess.run([qemu, "-M", "q35,help"] + extra, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    help_lines = [l.strip() for l in out.stdout.splitlines() if "cxl" in l]
    return {"qom-list /machine (q35)": dict(sorted(props.items())),
            "-M q35,help lines": help_lines}


def version_of(qemu, extra):
    out = subprocess.run([qemu, "--version"] + extra, text=True,
                         stdout=subprocess.PIPE)
    return out.stdout.splitlines()[0] if out.stdout else "?"


# ---- QAPI schema files ---------------------------------------------------------

QAPI_INT = {"int", "int8", "int16", "int32", "int64", "uint8", "uint16",
            "uint32", "uint64", "size"}
# QAPI builtin -> the json-type introspection reports for it.
QAPI_BUILTIN = {"str": "string", "bool": "boolean", "number": "number",
                "null": "null", "any": "value"}


def read_qapi(path):
    """The expressions of a QAPI schema file (comments stripped)."""
    text = "\n".join(re.sub(r"#.*", "", l) if l.lstrip().startswith("#")
                     else l for l in open(path).read().splitlines())
    exprs, depth, start = [], 0, None
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "'":
            i = text.index("'", i + 1)
        elif c == "#":
            i = text.find("\n", i)
            if i < 0:
                break
        elif c == "{":
            if depth == 0:
                start = i
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                src = re.sub(r"#[^\n']*\n", "\n", text[start:i + 1])
                exprs.append(ast.literal_eval(src))
        i += 1
    return exprs


class QapiFile:
    def __init__(self, exprs):
        self.types = {}
        for e in exprs:
            for k in ("enum", "struct", "union", "alternate"):
                if k in e:
                    self.types[e[k]] = (k, e)

    def expr(self, t):
        if isinstance(t, list):
            return "[%s]" % self.expr(t[0])
        if t in QAPI_INT:
            return "int"
        if t in QAPI_BUILTIN:
            return QAPI_BUILTIN[t]
        if t not in self.types:
            return "?" + t       # defined in another schema file
        kind, e = self.types[t]
        if kind == "enum":
            return "enum{%s}" % "|".join(
                v if isinstance(v, str) else v["name"] for v in e["data"])
        if kind == "struct":
            return "{%s}" % ", ".join(
                "%s%s: %s" % ("*" if m["optional"] else "", m["name"],
                              m["type"]) for m in self.members(e["data"]))
        return kind + " " + t

    def members(self, data):
        out = []
        for k, v in data.items():
            if isinstance(v, dict):
                v = v["type"]
            out.append({"name": k.lstrip("*"), "type": self.expr(v),
                        "optional": k.startswith("*"),
                        "qapi-type": v if isinstance(v, str) else
                        "[%s]" % v[0]})
        return out


def from_qapi(path):
    exprs = read_qapi(path)
    f = QapiFile(exprs)
    cmds = {}
    for e in sorted((e for e in exprs if "command" in e),
                    key=lambda e: e["command"]):
        if not e["command"].startswith("cxl-"):
            continue
        data = e.get("data", {})
        if isinstance(data, str):
            data = f.types[data][1]["data"]
        ret = e.get("returns")
        cmds[e["command"]] = {
            "arguments": f.members(data),
            "returns": f.expr(ret) if ret else "{}",
            "features": list(e.get("features", [])),
        }
    return cmds


# ---- output ----------------------------------------------------------------------

def dumps(obj, ind=""):
    """JSON with one line per leaf object (an argument, a property)."""
    flat = not any(isinstance(v, (dict, list)) and v
                   for v in (obj.values() if isinstance(obj, dict) else obj))
    if not isinstance(obj, (dict, list)) or flat or not obj:
        return json.dumps(obj)
    sub = ind + " "
    if isinstance(obj, list):
        items = [sub + dumps(v, sub) for v in obj]
        return "[\n%s\n%s]" % (",\n".join(items), ind)
    items = ["%s%s: %s" % (sub, json.dumps(k), dumps(v, sub))
             for k, v in obj.items()]
    return "{\n%s\n%s}" % (",\n".join(items), ind)


def write(path, label, what, data):
    with open(path, "w") as f:
        f.write(dumps({"source": label, "what": what, "data": data}) + "\n")
    print("wrote", path)


def load(path):
    if not os.path.exists(path):
        return None
    return json.load(open(path))


# ---- compare ----------------------------------------------------------------------

def compare_qmp(ref, ours, out):
    bad = 0
    for name, rc in ref.items():
        oc = ours.get(name)
        if oc is None:
            out.append("command %s: MISSING" % name)
            bad += 1
            continue
        lines = []
        oargs = {a["name"]: a for a in oc["arguments"]}
        rargs = {a["name"]: a for a in rc["arguments"]}
        for a in rc["arguments"]:
            o = oargs.get(a["name"])
            opt = "optional" if a["optional"] else "required"
            if o is None:
                lines.append("  missing argument %s: %s (%s)" %
                             (a["name"], a["type"], opt))
                bad += 1
                continue
            if o["type"] != a["type"]:
                lines.append("  argument %s: type %s, upstream %s" %
                             (a["name"], o["type"], a["type"]))
                bad += 1
            if "qapi-type" in o and "qapi-type" in a and \
                    o["qapi-type"] != a["qapi-type"]:
                lines.append("  argument %s: QAPI type %s, upstream %s" %
                             (a["name"], o["qapi-type"], a["qapi-type"]))
                bad += 1
            if o["optional"] != a["optional"]:
                # optional here, required upstream: every upstream call
                # still works (a superset); the other way round breaks them
                lines.append("  argument %s: %s here, %s upstream%s" %
                             (a["name"], "optional" if o["optional"]
                              else "required", opt,
                              "" if o["optional"] else " (BREAKS calls)"))
                bad += not o["optional"]
        for a in oc["arguments"]:
            if a["name"] not in rargs:
                lines.append("  extra argument %s: %s (%s)" %
                             (a["name"], a["type"], "optional"
                              if a["optional"] else "required: BREAKS calls"))
                bad += not a["optional"]
        if oc["returns"] != rc["returns"]:
            lines.append("  returns %s, upstream %s" %
                         (oc["returns"], rc["returns"]))
            bad += 1
        if sorted(oc["features"]) != sorted(rc["features"]):
            lines.append("  features %s, upstream %s" %
                         (oc["features"], rc["features"]))
        out.append("command %s: %s" % (name, "differs" if lines else "ok"))
        out.extend(lines)
    for name in ours:
        if name not in ref:
            out.append("command %s: extra (not upstream)" % name)
    return bad


def compare_props(kind, ref, ours, out, names=None):
    """Compare property sets; with names, only those entries (devices),
    classifying differences through their BASELINE devices."""
    bad = 0
    for name in names or ref:
        rp = ref.get(name)
        op = ours.get(name)
        if rp is None:
            out.append("%s %s: absent upstream too" % (kind, name))
            continue
        if op is None:
            out.append("%s %s: MISSING" % (kind, name))
            bad += 1
            continue
        lines, generic = [], []
        ob = ours.get(BASELINE.get(name)) or {}
        rb = ref.get(BASELINE.get(name)) or {}
        for p, ri in rp.items():
            oi = op.get(p)
            if oi is None:
                line = "  missing property %s: %s%s" % (
                    p, ri["type"], " (default %s)" % json.dumps(ri["default"])
                    if "default" in ri else "")
                if names and p in rb and p not in ob:
                    generic.append(line.replace("missing", "lacks generic"))
                    continue
                lines.append(line)
                bad += 1
                continue
            if oi["type"] != ri["type"]:
                lines.append("  property %s: type %s, upstream %s" %
                             (p, oi["type"], ri["type"]))
                bad += 1
            if oi.get("default") != ri.get("default"):
                lines.append("  property %s: default %s, upstream %s" %
                             (p, json.dumps(oi.get("default")),
                              json.dumps(ri.get("default"))))
        for p, oi in op.items():
            if p not in rp:
                line = "  extra property %s: %s" % (p, oi["type"])
                if names and p in ob:
                    generic.append(line.replace("extra", "has generic"))
                else:
                    lines.append(line)
        out.append("%s %s: %s" % (kind, name, "differs" if lines else "ok"))
        out.extend(lines)
        if generic:
            out.append("  (generic PCI properties that differ between the "
                       "QEMU versions, on %s as well: not CXL gaps)" %
                       BASELINE[name])
            out.extend(generic)
    return bad


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="mode", required=True)
    c = sub.add_parser("capture")
    c.add_argument("--qemu", required=True)
    c.add_argument("--label")
    c.add_argument("outdir")
    c.add_argument("qemu_args", nargs="*")
    f = sub.add_parser("from-qapi")
    f.add_argument("--label")
    f.add_argument("cxl_json")
    f.add_argument("outdir")
    m = sub.add_parser("compare")
    g = m.add_mutually_exclusive_group(required=True)
    g.add_argument("--qemu")
    g.add_argument("--qapi")
    m.add_argument("datadir")
    m.add_argument("qemu_args", nargs="*")
    args = ap.parse_args()

    if args.mode == "from-qapi":
        os.makedirs(args.outdir, exist_ok=True)
        write(os.path.join(args.outdir, "qmp.json"),
              args.label or args.cxl_json,
              "QMP commands named cxl-*, from the QAPI schema file",
              from_qapi(args.cxl_json))
        return 0

    if args.mode == "compare" and args.qapi:
        qmp, devs, mach = from_qapi(args.qapi), None, None
    else:
        q = QMP(args.qemu, args.qemu_args)
        qmp = capture_qmp(q)
        devs = capture_devices(q)
        mach = capture_machine(q, args.qemu, args.qemu_args)
        q.close()

    if args.mode == "capture":
        label = args.label or version_of(args.qemu, args.qemu_args)
        os.makedirs(args.outdir, exist_ok=True)
        write(os.path.join(args.outdir, "qmp.json"), label,
              "QMP commands named cxl-*, from query-qmp-schema", qmp)
        write(os.path.join(args.outdir, "devices.json"), label,
              "device-list-properties (what -device NAME,help shows)", devs)
        write(os.path.join(args.outdir, "machine.json"), label,
              "q35 machine properties containing 'cxl'", mach)
        return 0

    out, bad = [], 0
    d = args.datadir
    ref = load(os.path.join(d, "qmp.json"))
    if ref:
        out.append("== QMP (reference: %s)" % ref["source"])
        bad += compare_qmp(ref["data"], qmp, out)
    ref = load(os.path.join(d, "devices.json"))
    if ref and devs is not None:
        out.append("== devices (reference: %s)" % ref["source"])
        bad += compare_props("device", ref["data"], devs, out, DEVICES)
    ref = load(os.path.join(d, "machine.json"))
    if ref and mach is not None:
        out.append("== machine (reference: %s)" % ref["source"])
        key = "qom-list /machine (q35)"
        bad += compare_props("machine", {"q35": ref["data"][key]},
                             {"q35": mach[key]}, out)
    print("\n".join(out))
    print("%d missing or differently typed" % bad)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
