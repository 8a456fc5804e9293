#!/usr/bin/python3
"""Command-line checks for the CXL machine options and host bridges, and
for every example command line in docs/system/devices/cxl.rst.

Each case starts QEMU (stopped, no guest code runs) with a command line and
expects either a clean start and quit over QMP, or an exit with status 1 and
an error that names the property and what is allowed. No crash, ever.

Documentation examples are the literal blocks of cxl.rst whose first line
starts with "qemu-system-x86_64" (backslash continuations joined); each must
start. So must those of upstream QEMU's cxl.rst in the pristine base (the
documented interface we keep), when its path is given. Every QMP example
of cxl.rst (a literal block line starting '{ "execute"') must succeed
against a machine with the cxl-type3 devices they name, in document order
(one QEMU runs them all); an example followed by a line starting
'<- { "error"' must fail with an error whose description contains the
"desc" shown there. Options that only matter once a guest runs (-kernel, -append, -nographic,
-serial, -m) are kept: QEMU is stopped before any guest code runs.

Usage: cxl-options.py QEMU FIRMWARE_DIR DOCS_RST [UPSTREAM_DOCS_RST]
Prints one line per case and "N passed, N failed".
"""
import hashlib
import json
import os
import re
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile

HB1 = ["-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1"]
HB2 = ["-device", "pxb-cxl,bus_nr=222,bus=pcie.0,id=cxl.2"]
W1 = "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G"
RP0 = ["-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2"]
NODE0 = ["-object", "memory-backend-ram,id=r0,size=128M", "-numa", "node,nodeid=0,memdev=r0"]
REGION = "cxl-region.0.window=0,cxl-region.0.size=256M,cxl-region.0.targets.0=t3"
# CXL 1.1: a Restricted CXL Host, its RCD, a region firmware sets up on it
RCH = ["-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=rch,rch=on"]
RCD = ["-object", "memory-backend-ram,id=m0,size=256M",
       "-device", "cxl-type3,bus=rch,volatile-memdev=m0,id=rcd"]
RCD_REGION = ",cxl-region.0.window=0,cxl-region.0.size=256M,cxl-region.0.targets.0=rcd"

# (name, args, None for "starts", or a regex the error must match)
CASES = [
    ("cxl-off-default", ["-M", "q35"], None),
    ("cxl-on-no-devices", ["-M", "q35,cxl=on"], None),
    ("one-window-one-bridge", ["-M", "q35,cxl=on," + W1] + HB1, None),
    ("documented-8k-window", ["-M", "q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G,"
                              "cxl-fmw.0.interleave-granularity=8k"] + HB1, None),
    ("two-way-window", ["-M", "q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.targets.1=cxl.2,"
                        "cxl-fmw.0.size=8G,cxl-fmw.0.interleave-granularity=16k"] + HB1 + HB2, None),
    ("bridge-without-window", ["-M", "q35,cxl=on"] + HB1, None),
    ("size-not-256M-multiple", ["-M", "q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=100M"] + HB1,
     r"cxl-fmw\.0\.size: must be a non-zero multiple of 256 MiB"),
    ("size-zero", ["-M", "q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=0"] + HB1,
     r"cxl-fmw\.0\.size: must be a non-zero multiple of 256 MiB"),
    ("size-missing", ["-M", "q35,cxl=on,cxl-fmw.0.targets.0=cxl.1"] + HB1,
     r"size"),
    ("granularity-not-power-of-2", ["-M", "q35,cxl=on," + W1 + ",cxl-fmw.0.interleave-granularity=3k"] + HB1,
     r"cxl-fmw\.0\.interleave-granularity: 3072 is not allowed; use 256, 512, 1k, 2k, 4k, 8k or 16k"),
    ("granularity-too-small", ["-M", "q35,cxl=on," + W1 + ",cxl-fmw.0.interleave-granularity=128"] + HB1,
     r"interleave-granularity: 128 is not allowed"),
    ("granularity-too-large", ["-M", "q35,cxl=on," + W1 + ",cxl-fmw.0.interleave-granularity=32k"] + HB1,
     r"interleave-granularity: 32768 is not allowed"),
    ("five-targets", ["-M", "q35,cxl=on," + ",".join("cxl-fmw.0.targets.%d=h%d" % (i, i) for i in range(5))
                      + ",cxl-fmw.0.size=4G"],
     r"cxl-fmw\.0\.targets: 5 host bridges given; a window interleaves across 1, 2, 3, 4, 6, 8, 12 or 16"),
    ("seventeen-targets", ["-M", "q35,cxl=on," + ",".join("cxl-fmw.0.targets.%d=h%d" % (i, i) for i in range(17))
                           + ",cxl-fmw.0.size=4G"],
     r"cxl-fmw\.0\.targets: more than 16 host bridges"),
    ("unknown-target", ["-M", "q35,cxl=on,cxl-fmw.0.targets.0=nope,cxl-fmw.0.size=4G"] + HB1,
     r"cxl-fmw\.0\.targets\.0: 'nope' is not a CXL host bridge"),
    ("non-cxl-target", ["-M", "q35,cxl=on," + W1, "-device", "pxb-pcie,bus_nr=12,bus=pcie.0,id=cxl.1"],
     r"cxl-fmw\.0\.targets\.0: 'cxl\.1' is not a CXL host bridge"),
    ("target-twice", ["-M", "q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.targets.1=cxl.1,"
                      "cxl-fmw.0.size=4G"] + HB1,
     r"cxl-fmw\.0\.targets\.1: host bridge 'cxl\.1' is already target 0"),
    ("second-window-bad", ["-M", "q35,cxl=on," + W1 + ",cxl-fmw.1.targets.0=cxl.1,cxl-fmw.1.size=1G,"
                           "cxl-fmw.1.interleave-granularity=100"] + HB1,
     r"cxl-fmw\.1\.interleave-granularity: 100 is not allowed"),
    ("fw-region-without-cxl-on", ["-M", "q35,cxl-region.0.window=0,cxl-region.0.size=256M,"
                                        "cxl-region.0.targets.0=t3"],
     r"cxl-region: CXL regions need the machine option cxl=on"),
    ("fw-region-window-restricted", ["-M", "q35,cxl=on," + W1 + ",cxl-fmw.0.restrictions.0=persistent," + REGION]
     + HB1 + RP0 + ["-object", "memory-backend-ram,id=m0,size=256M",
                    "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,id=t3"],
     r"cxl-region\.0\.type: window 0 does not allow volatile memory"),
    ("pxb-cxl-without-cxl-on", ["-M", "q35"] + HB1,
     r"pxb-cxl: CXL host bridges need the machine option cxl=on"),
    ("windows-without-cxl-on", ["-M", "q35," + W1],
     r"cxl-fmw: CXL fixed memory windows need the machine option cxl=on"),
    ("pxb-cxl-on-conventional-pci", ["-M", "pc,cxl=on"] + HB1[:1] + ["pxb-cxl,bus_nr=12,bus=pci.0,id=cxl.1"],
     r"pxb-cxl: CXL host bridges must be on a PCI Express bus"),
    ("cxl-not-a-bool", ["-M", "q35,cxl=maybe"], r"cxl"),
    ("restrictions", ["-M", "q35,cxl=on," + W1 + ",cxl-fmw.0.restrictions.0=host-only-coherent,"
                      "cxl-fmw.0.restrictions.1=persistent"] + HB1, None),
    ("restriction-unknown", ["-M", "q35,cxl=on," + W1 + ",cxl-fmw.0.restrictions.0=bogus"] + HB1,
     r"cxl-fmw\.0\.restrictions: 'bogus' is not a restriction; use device-coherent, "
     r"host-only-coherent, volatile, persistent, fixed-config or back-invalidate"),
    ("restriction-back-invalidate", ["-M", "q35,cxl=on," + W1 + ",cxl-fmw.0.restrictions.0=host-only-coherent,"
                                     "cxl-fmw.0.restrictions.1=volatile,cxl-fmw.0.restrictions.2=back-invalidate"]
     + HB1, None),
    ("restriction-no-memory-kind", ["-M", "q35,cxl=on," + W1 + ",cxl-fmw.0.restrictions.0=fixed-config"] + HB1,
     r"cxl-fmw\.0\.restrictions: a window must allow volatile or persistent memory"),
    ("root-ports", ["-M", "q35,cxl=on," + W1] + HB1 +
     ["-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2",
      "-device", "cxl-rp,port=1,bus=cxl.1,id=rp1,chassis=0,slot=3"], None),
    ("root-port-on-pcie0", ["-M", "q35,cxl=on",
                            "-device", "cxl-rp,port=0,bus=pcie.0,id=rp0,chassis=0,slot=2"],
     r"cxl-rp: a CXL root port must be on the root bus of a CXL host bridge"),
    ("root-port-on-pxb-pcie", ["-M", "q35,cxl=on", "-device", "pxb-pcie,bus_nr=12,bus=pcie.0,id=p1",
                               "-device", "cxl-rp,port=0,bus=p1,id=rp0,chassis=0,slot=2"],
     r"cxl-rp: a CXL root port must be on the root bus of a CXL host bridge"),
    ("xor-window", ["-M", "q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.targets.1=cxl.2,cxl-fmw.0.size=8G,"
                    "cxl-fmw.0.interleave-arithmetic=xor"] + HB1 + HB2, None),
    ("modulo-window", ["-M", "q35,cxl=on," + W1 + ",cxl-fmw.0.interleave-arithmetic=modulo"] + HB1, None),
    ("fast-path-off", ["-M", "q35,cxl=on,cxl-fast-path=off," + W1] + HB1, None),
    ("fast-path-bad", ["-M", "q35,cxl=on,cxl-fast-path=maybe," + W1] + HB1,
     r"Parameter 'cxl-fast-path' expects 'on' or 'off'"),
    ("fast-path-shadow-off", ["-M", "q35,cxl=on,cxl-fast-path-shadow=off," + W1] + HB1, None),
    ("fast-path-shadow-bad", ["-M", "q35,cxl=on,cxl-fast-path-shadow=2," + W1] + HB1,
     r"Parameter 'cxl-fast-path-shadow' expects 'on' or 'off'"),
    ("fast-path-shadow-shared", ["-M", "q35,cxl=on,cxl-fast-path-shadow-shared=on,"
                                 "cxl-fast-path-shadow-writeback-ms=20," + W1] + HB1, None),
    ("fast-path-writeback-ms-zero", ["-M", "q35,cxl=on,cxl-fast-path-shadow-writeback-ms=0," + W1] + HB1,
     r"cxl-fast-path-shadow-writeback-ms must be 1 to 60000 \(milliseconds\), not 0"),
    ("fast-path-writeback-ms-big", ["-M", "q35,cxl=on,cxl-fast-path-shadow-writeback-ms=60001," + W1] + HB1,
     r"cxl-fast-path-shadow-writeback-ms must be 1 to 60000 \(milliseconds\), not 60001"),
    ("arithmetic-unknown", ["-M", "q35,cxl=on," + W1 + ",cxl-fmw.0.interleave-arithmetic=hash"] + HB1,
     r"cxl-fmw\.0\.interleave-arithmetic: 'hash' is not allowed; use modulo or xor"),
    ("xor-three-way", ["-M", "q35,cxl=on," + ",".join("cxl-fmw.0.targets.%d=cxl.%d" % (i, i + 1) for i in range(3))
                       + ",cxl-fmw.0.size=3G,cxl-fmw.0.interleave-arithmetic=xor"] + HB1 + HB2 +
     ["-device", "pxb-cxl,bus_nr=100,bus=pcie.0,id=cxl.3"],
     r"cxl-fmw\.0\.interleave-arithmetic: xor needs 1, 2, 4, 8 or 16 host bridges \(3 given\)"),
    ("switch", ["-M", "q35,cxl=on," + W1] + HB1 + RP0 +
     ["-device", "cxl-upstream,bus=rp0,id=us0,sn=5",
      "-device", "cxl-downstream,port=0,bus=us0,id=ds0,chassis=0,slot=4",
      "-device", "cxl-downstream,port=1,bus=us0,id=ds1,chassis=0,slot=5"], None),
    ("hdm-decoders-32", ["-M", "q35,cxl=on," + W1,
                         "-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1,hdm-decoders=32"] + RP0 +
     ["-device", "cxl-upstream,bus=rp0,id=us0,hdm-decoders=20",
      "-device", "cxl-downstream,port=0,bus=us0,id=ds0,chassis=0,slot=4",
      "-object", "memory-backend-ram,id=m0,size=256M",
      "-device", "cxl-type3,bus=ds0,volatile-memdev=m0,hdm-decoders=1"], None),
    ("hdm-decoders-host-bridge", ["-M", "q35,cxl=on",
                                  "-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1,hdm-decoders=3"],
     r"pxb-cxl: hdm-decoders: 3 is not a decoder count the HDM Decoder Capability can report; "
     r"use 1, 2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 28 or 32"),
    ("hdm-decoders-upstream", ["-M", "q35,cxl=on," + W1] + HB1 + RP0 +
     ["-device", "cxl-upstream,bus=rp0,id=us0,hdm-decoders=18"],
     r"cxl-upstream: hdm-decoders: 18 is not a decoder count"),
    ("hdm-decoders-type3", ["-M", "q35,cxl=on," + W1] + HB1 + RP0 +
     ["-object", "memory-backend-ram,id=m0,size=256M",
      "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,hdm-decoders=0"],
     r"cxl-type3: hdm-decoders: 0 is not a decoder count"),
    ("hdm-decoders-too-many", ["-M", "q35,cxl=on," + W1] + HB1 + RP0 +
     ["-object", "memory-backend-ram,id=m0,size=256M",
      "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,hdm-decoders=64"],
     r"cxl-type3: hdm-decoders: 64 is not a decoder count"),
    ("upstream-on-pcie0", ["-M", "q35,cxl=on", "-device", "cxl-upstream,bus=pcie.0,id=us0"],
     r"cxl-upstream: a CXL switch upstream port must be below a CXL root port or switch downstream port"),
    ("downstream-without-upstream", ["-M", "q35,cxl=on," + W1] + HB1 + RP0 +
     ["-device", "cxl-downstream,port=0,bus=rp0,id=ds0,chassis=0,slot=4"],
     r"cxl-downstream: a CXL switch downstream port must be on the bus of a CXL switch upstream port"),
    ("downstream-port-twice", ["-M", "q35,cxl=on," + W1] + HB1 + RP0 +
     ["-device", "cxl-upstream,bus=rp0,id=us0",
      "-device", "cxl-downstream,port=2,bus=us0,id=ds0,chassis=0,slot=4",
      "-device", "cxl-downstream,port=2,bus=us0,id=ds1,chassis=0,slot=5"],
     r"cxl-downstream: port 2 is already used by downstream port 'ds0' of this switch"),
    # acpi-generic-port
    ("generic-port", ["-M", "q35,cxl=on,hmat=on," + W1, "-smp", "2", "-m", "512M",
                      "-object", "memory-backend-ram,id=r0,size=512M",
                      "-numa", "node,nodeid=0,cpus=0-1,memdev=r0", "-numa", "node,nodeid=1",
                      "-object", "acpi-generic-port,id=gp0,pci-bus=cxl.1,node=1"] + HB1, None),
    ("generic-port-not-a-cxl-bridge", ["-M", "q35,cxl=on"] + NODE0 +
     ["-device", "pxb-pcie,bus_nr=12,bus=pcie.0,id=pxb0",
      "-object", "acpi-generic-port,id=gp0,pci-bus=pxb0,node=0"],
     r"acpi-generic-port 'gp0': property 'pci-bus': 'pxb0' is not a CXL host bridge; "
     r"allowed: the id of a pxb-cxl device"),
    ("generic-port-no-pci-bus", ["-M", "q35,cxl=on"] + NODE0 +
     ["-object", "acpi-generic-port,id=gp0,node=0"] + HB1,
     r"acpi-generic-port,id=gp0,node=0: Parameter 'pci-bus' is missing"),
    ("generic-port-no-node", ["-M", "q35,cxl=on"] + NODE0 +
     ["-object", "acpi-generic-port,id=gp0,pci-bus=cxl.1"] + HB1,
     r"Parameter 'node' is missing"),
    ("generic-port-missing-node", ["-M", "q35,cxl=on"] + NODE0 +
     ["-object", "acpi-generic-port,id=gp0,pci-bus=cxl.1,node=3"] + HB1,
     r"acpi-generic-port 'gp0': property 'node': NUMA node 3 does not exist \(the machine has 1"),
    ("generic-port-node-out-of-range", ["-M", "q35,cxl=on",
                                        "-object", "acpi-generic-port,id=gp0,pci-bus=cxl.1,node=9999"] + HB1,
     r"acpi-generic-port: node 9999 is out of range"),
] + [(name, ["-M", "q35,cxl=on," + W1] + HB1 + RP0 +
         ["-object", "memory-backend-ram,id=m0,size=256M", "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,id=t3",
          "-M", REGION + args], expect) for name, args, expect in [
    ("fw-region", "", None),
    ("fw-region-locked", ",cxl-region.0.locked=on", None),
    ("fw-region-no-window", ",cxl-region.0.window=1", r"cxl-region\.0\.window: there is no window 1"),
    ("fw-region-not-type3", ",cxl-region.0.targets.0=rp0", r"cxl-region\.0\.targets\.0: 'rp0' is not a cxl-type3"),
    ("fw-region-too-big", ",cxl-region.0.size=512M",
     r"cxl-region\.0: device 't3' has not enough volatile capacity left"),
    ("fw-region-no-pmem", ",cxl-region.0.type=pmem",
     r"cxl-region\.0: device 't3' has not enough persistent capacity left"),
    ("fw-region-bad-type", ",cxl-region.0.type=disk", r"cxl-region\.0\.type: 'disk' is not allowed; use ram, pmem or dc"),
    ("fw-region-outside-window", ",cxl-region.0.offset=4G", r"cxl-region\.0: .* do not fit 256 MiB aligned in window 0"),
    ("fw-region-size", ",cxl-region.0.size=100M",
     r"cxl-region\.0\.size: must be 0 or a multiple of 256 MiB times the number of targets \(1\)"),
    # decoders firmware commits with size 0 (and must lock)
    ("fw-region-zero-size", ",cxl-region.0.size=0,cxl-region.0.locked=on", None),
    ("fw-region-zero-size-after", ",cxl-region.1.window=0,cxl-region.1.size=0,cxl-region.1.targets.0=t3,"
                                  "cxl-region.1.locked=on", None),
    ("fw-region-zero-size-before", ",cxl-region.0.size=0,cxl-region.0.locked=on,cxl-region.1.window=0,"
                                   "cxl-region.1.size=256M,cxl-region.1.targets.0=t3", None),
    ("fw-region-zero-size-unlocked", ",cxl-region.0.size=0",
     r"cxl-region\.0\.size: 0 \(decoders committed empty\) needs cxl-region\.0\.locked=on"),
    ("fw-region-zero-size-explicitly-unlocked", ",cxl-region.0.size=0,cxl-region.0.locked=off",
     r"cxl-region\.0\.size: 0 \(decoders committed empty\) needs cxl-region\.0\.locked=on"),
    ("fw-region-zero-size-window-end", ",cxl-region.0.size=0,cxl-region.0.locked=on,cxl-region.0.offset=4G",
     r"cxl-region\.0: 0x0 bytes at offset 0x100000000 do not fit 256 MiB aligned in window 0"),
    ("fw-region-zero-size-unaligned", ",cxl-region.0.size=0,cxl-region.0.locked=on,cxl-region.0.offset=1M",
     r"cxl-region\.0: 0x0 bytes at offset 0x100000 do not fit 256 MiB aligned in window 0"),
    ("fw-region-zero-size-inside-previous", ",cxl-region.1.window=0,cxl-region.1.size=0,cxl-region.1.offset=0,"
                                            "cxl-region.1.targets.0=t3,cxl-region.1.locked=on",
     r"cxl-region\.1\.offset: overlaps the window's previous region"),
    ("fw-region-zero-size-no-decoder-left",
     "".join(f",cxl-region.{i}.window=0,cxl-region.{i}.size=0,cxl-region.{i}.targets.0=t3,"
             f"cxl-region.{i}.locked=on" for i in range(1, 5)),
     r"cxl-region\.4: cxl\.1 has no free HDM decoder left \(it has 4\)"),
    ("fw-region-twice", ",cxl-region.0.targets.1=t3,cxl-region.0.size=512M", r"cxl-region\.0\.targets\.1: 't3' is already target 0"),
    ("fw-region-granularity", ",cxl-region.0.interleave-granularity=3000",
     r"cxl-region\.0\.interleave-granularity: 3000 is not allowed"),
    ("fw-region-dc-without-dc", ",cxl-region.0.type=dc",
     r"cxl-region\.0\.type: dc needs dynamic capacity, and target 0 \('t3'\) has none "
     r"\(see its num-dc-regions and volatile-dc-memdev\)"),
]] + [(name, ["-M", "q35,cxl=on," + W1 + window] + HB1 + RP0 +
         ["-object", "memory-backend-ram,id=m0,size=256M",
          "-object", "memory-backend-ram,id=dc0,size=512M",
          "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,volatile-dc-memdev=dc0,num-dc-regions=2,id=t3",
          "-M", REGION + args], expect) for name, window, args, expect in [
    ("fw-region-dc", "", ",cxl-region.0.type=dc", None),
    ("fw-region-dc-both-dc-regions", "", ",cxl-region.0.type=dc,cxl-region.0.size=512M", None),
    ("fw-region-dc-too-big", "", ",cxl-region.0.type=dc,cxl-region.0.size=768M",
     r"cxl-region\.0: device 't3' has not enough dynamic capacity left"),
    ("fw-region-dc-after-ram", "", ",cxl-region.1.window=0,cxl-region.1.size=256M,"
                                   "cxl-region.1.targets.0=t3,cxl-region.1.type=dc", None),
    ("fw-region-dc-before-ram", "", ",cxl-region.0.type=dc,cxl-region.1.window=0,cxl-region.1.size=256M,"
                                    "cxl-region.1.targets.0=t3",
     r"cxl-region\.1: device 't3' has not enough volatile capacity left"),
    ("fw-region-dc-window-persistent", ",cxl-fmw.0.restrictions.0=persistent", ",cxl-region.0.type=dc",
     r"cxl-region\.0\.type: window 0 does not allow volatile memory"),
]] + [(name, ["-M", "q35,cxl=on," + W1] + HB1 + RP0 + args, expect) for name, args, expect in [
    ("type3-volatile", ["-object", "memory-backend-ram,id=m0,size=256M",
                        "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,id=t3"], None),
    ("type3-both-with-lsa", ["-object", "memory-backend-ram,id=m0,size=256M",
                             "-object", "memory-backend-ram,id=m1,size=512M",
                             "-object", "memory-backend-ram,id=l0,size=1M",
                             "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,persistent-memdev=m1,"
                                        "lsa=l0,sn=7,mailbox-payload-size=1048576"], None),
    ("type3-memdev-old-name", ["-object", "memory-backend-ram,id=m0,size=256M",
                               "-device", "cxl-type3,bus=rp0,memdev=m0"], None),
    # multi-headed dynamic capacity (mhd-*, dc-sharable-regions)
    ("type3-mhd-head-past-heads", ["-object", "memory-backend-ram,id=dc0,size=512M",
                                   "-device", "cxl-type3,bus=rp0,volatile-dc-memdev=dc0,num-dc-regions=2,"
                                              "mhd-state=/nonexistent/mhd,mhd-head=2"],
     r"cxl-type3: mhd-head must be from 0 to 1, below mhd-heads \(got 2\)"),
    ("type3-mhd-heads-1", ["-object", "memory-backend-ram,id=dc0,size=512M",
                           "-device", "cxl-type3,bus=rp0,volatile-dc-memdev=dc0,num-dc-regions=2,"
                                      "mhd-state=/nonexistent/mhd,mhd-heads=1"],
     r"cxl-type3: mhd-heads must be from 2 to 16 \(got 1\)"),
    ("type3-mhd-head-no-state", ["-object", "memory-backend-ram,id=dc0,size=512M",
                                 "-device", "cxl-type3,bus=rp0,volatile-dc-memdev=dc0,num-dc-regions=2,"
                                            "mhd-head=1"],
     r"cxl-type3: mhd-head, mhd-heads and dc-sharable-regions need mhd-state"),
    ("type3-sharable-no-state", ["-object", "memory-backend-ram,id=dc0,size=512M",
                                 "-device", "cxl-type3,bus=rp0,volatile-dc-memdev=dc0,num-dc-regions=2,"
                                            "dc-sharable-regions=1"],
     r"dc-sharable-regions need mhd-state"),
    ("type3-sharable-bad-region", ["-object", "memory-backend-ram,id=dc0,size=512M",
                                   "-device", "cxl-type3,bus=rp0,volatile-dc-memdev=dc0,num-dc-regions=2,"
                                              "mhd-state=/nonexistent/mhd,dc-sharable-regions=4"],
     r"cxl-type3: dc-sharable-regions 0x4 names regions the device does not have \(bits 0 to 1"),
    ("type3-mhd-no-dc", ["-object", "memory-backend-ram,id=m0,size=256M",
                         "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,mhd-state=/nonexistent/mhd"],
     r"cxl-type3: mhd-state needs dynamic capacity \(volatile-dc-memdev and num-dc-regions\)"),
    ("type3-mhd-ram-backend", ["-object", "memory-backend-ram,id=dc0,size=512M,share=on",
                               "-device", "cxl-type3,bus=rp0,volatile-dc-memdev=dc0,num-dc-regions=2,"
                                          "mhd-state=/nonexistent/mhd"],
     r"cxl-type3: volatile-dc-memdev: a multi-headed device \(mhd-state\) needs a memory-backend-file "
     r"with share=on"),
    ("type3-no-memory", ["-device", "cxl-type3,bus=rp0,id=t3"],
     r"cxl-type3: at least one of volatile-memdev, persistent-memdev and volatile-dc-memdev must be set"),
    ("type3-size-not-256M", ["-object", "memory-backend-ram,id=m0,size=100M",
                             "-device", "cxl-type3,bus=rp0,volatile-memdev=m0"],
     r"cxl-type3: volatile-memdev: the size of memory backend 'm0' \(0x6400000\) must be a non-zero "
     r"multiple of 256 MiB"),
    ("type3-backend-twice", ["-object", "memory-backend-ram,id=m0,size=256M",
                             "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,persistent-memdev=m0"],
     r"cxl-type3: persistent-memdev: memory backend 'm0' is already in use"),
    ("type3-memdev-and-persistent", ["-object", "memory-backend-ram,id=m0,size=256M",
                                     "-object", "memory-backend-ram,id=m1,size=256M",
                                     "-device", "cxl-type3,bus=rp0,memdev=m0,persistent-memdev=m1"],
     r"cxl-type3: memdev is the old name of persistent-memdev: set only one of them"),
    ("type3-memdev-legacy", ["-object", "memory-backend-ram,id=m0,size=256M",
                             "-device", "cxl-type3,bus=rp0,memdev=m0"],
     None),
    ("type3-bad-payload-size", ["-object", "memory-backend-ram,id=m0,size=256M",
                                "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,mailbox-payload-size=1000"],
     r"cxl-type3: mailbox-payload-size must be a power of two from 256 to 1048576 \(got 1000\)"),
    ("type3-payload-too-small", ["-object", "memory-backend-ram,id=m0,size=256M",
                                 "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,mailbox-payload-size=128"],
     r"mailbox-payload-size must be a power of two from 256 to 1048576 \(got 128\)"),
    ("type3-maintenance-ms-zero", ["-object", "memory-backend-ram,id=m0,size=256M",
                                   "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,maintenance-ms=0"],
     None),
    ("type3-maintenance-ms-too-long", ["-object", "memory-backend-ram,id=m0,size=256M",
                                       "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,maintenance-ms=16"],
     r"cxl-type3: maintenance-ms must be from 0 \(no background operation\) to 15, "
     r"the features' maximum latency field \(got 16\)"),
    ("type3-scan-media-ms-too-long", ["-object", "memory-backend-ram,id=m0,size=256M",
                                      "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,"
                                                 "scan-media-ms=3600001"],
     r"cxl-type3: scan-media-ms must be at most 3600000, an hour \(got 3600001\)"),
    ("type3-fw-transfer-too-long", ["-object", "memory-backend-ram,id=m0,size=256M",
                                    "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,"
                                               "fw-transfer-ms-per-mib=4000000000"],
     r"cxl-type3: fw-transfer-ms-per-mib must be at most 3600000, an hour \(got 4000000000\)"),
    ("type3-sanitize-ms-too-long", ["-object", "memory-backend-ram,id=m0,size=256M",
                                    "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,"
                                               "sanitize-ms=3600001"],
     r"cxl-type3: sanitize-ms must be at most 3600000, an hour \(got 3600001\)"),
    ("type3-maintenance-spares-too-many", ["-object", "memory-backend-ram,id=m0,size=256M",
                                           "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,"
                                                      "maintenance-spares=65536"],
     r"cxl-type3: maintenance-spares must be at most 65535, the event record's 16-bit field "
     r"\(got 65536\)"),
    ("type3-event-log-size-zero", ["-object", "memory-backend-ram,id=m0,size=256M",
                                   "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,"
                                              "event-log-size=0"],
     r"cxl-type3: event-log-size must be from 1 to 65535 records, the most Identify Memory "
     r"Device's 16-bit Event Log Size fields report \(got 0\)"),
    ("type3-event-log-size-too-big", ["-object", "memory-backend-ram,id=m0,size=256M",
                                      "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,"
                                                 "event-log-size=65536"],
     r"cxl-type3: event-log-size must be from 1 to 65535 records, .* \(got 65536\)"),
    ("type3-poison-list-max-too-big", ["-object", "memory-backend-ram,id=m0,size=256M",
                                       "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,"
                                                  "poison-list-max=16777216"],
     r"cxl-type3: poison-list-max must be from 1 to 16777215 records, the most Identify "
     r"Memory Device's 24-bit Poison List Maximum Media Error Records field reports "
     r"\(got 16777216\)"),
    ("type3-not-below-root-port", ["-object", "memory-backend-ram,id=m0,size=256M",
                                   "-device", "cxl-type3,bus=pcie.0,volatile-memdev=m0"],
     r"cxl-type3: a CXL memory device must be below a CXL root port or switch downstream port "
     r"\(bus=<cxl-rp or cxl-downstream id>\)"),
    ("type3-device-state-unwritable", ["-object", "memory-backend-ram,id=m0,size=256M",
                                       "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,"
                                                  "device-state=/nonexistent/dir/t3.state"],
     r"cxl-type3: device-state: cannot write '/nonexistent/dir/t3\.state'"),
    ("type3-device-state-unreadable", ["-object", "memory-backend-ram,id=m0,size=256M",
                                       "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,device-state=/"],
     r"cxl-type3: device-state: cannot read '/'"),
    ("type3-unknown-backend", ["-device", "cxl-type3,bus=rp0,volatile-memdev=nope"],
     r"volatile-memdev=nope: Device 'nope' not found"),
    ("type3-missing-cdat-file", ["-object", "memory-backend-ram,id=m0,size=256M",
                                 "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,cdat=/nonexistent/cdat.bin"],
     r"cxl-type3: cdat: .*/nonexistent/cdat\.bin"),    ("type3-link", ["-object", "memory-backend-ram,id=m0,size=256M",
                    "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,x-speed=64,x-width=8,"
                               "x-256b-flit=on"], None),
    ("type3-bad-speed", ["-object", "memory-backend-ram,id=m0,size=256M",
                         "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,x-speed=128"],
     r"Parameter 'x-speed' does not accept value '128'"),
    ("type3-bad-width", ["-object", "memory-backend-ram,id=m0,size=256M",
                         "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,x-width=3"],
     r"Parameter 'x-width' does not accept value '3'"),
    ("type3-bad-flit", ["-object", "memory-backend-ram,id=m0,size=256M",
                        "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,x-256b-flit=maybe"],
     r"Parameter 'x-256b-flit' expects 'on' or 'off'"),
    ("type3-hdm-db", ["-object", "memory-backend-ram,id=m0,size=256M",
                      "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,hdm-db=on,x-256b-flit=on"], None),
    ("type3-hdm-db-without-flit", ["-object", "memory-backend-ram,id=m0,size=256M",
                                   "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,hdm-db=on"],
     r"cxl-type3: hdm-db=on \(Back-Invalidate\) requires x-256b-flit=on"),
    ("type3-bad-hdm-db", ["-object", "memory-backend-ram,id=m0,size=256M",
                          "-device", "cxl-type3,bus=rp0,volatile-memdev=m0,hdm-db=maybe"],
     r"Parameter 'hdm-db' expects 'on' or 'off'"),
]] + [(name, ["-M", "q35,cxl=on," + W1] + HB1 + args, expect) for name, args, expect in [
    ("root-port-link-and-reserves",
     ["-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2,x-speed=16,x-width=8,"
                 "x-256b-flit=off,bus-reserve=4,io-reserve=0,mem-reserve=2M,pref64-reserve=1G"], None),
    ("root-port-pref32-reserve", ["-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2,"
                                             "pref32-reserve=64M"], None),
    ("root-port-bad-speed", ["-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2,x-speed=7"],
     r"Parameter 'x-speed' does not accept value '7'"),
    ("root-port-bad-width", ["-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2,x-width=64"],
     r"Parameter 'x-width' does not accept value '64'"),
    ("root-port-io-reserve", ["-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2,io-reserve=4K"],
     r"cxl-rp: io-reserve: a CXL root port has no I/O window; only io-reserve=0 is accepted"),
    ("root-port-pref32-and-pref64", ["-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2,"
                                                "pref32-reserve=1M,pref64-reserve=1G"],
     r"cxl-rp: pref32-reserve and pref64-reserve: set at most one"),
    ("root-port-mem-reserve-4G", ["-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2,"
                                             "mem-reserve=4G"],
     r"cxl-rp: PCI resource reserve cap: mem-reserve must be less than 4G"),
    ("root-port-pref32-reserve-4G", ["-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2,"
                                                "pref32-reserve=4G"],
     r"cxl-rp: PCI resource reserve cap: pref32-reserve +must be less than 4G"),
    ("root-port-bad-bus-reserve", ["-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2,"
                                              "bus-reserve=-2"],
     r"bus-reserve"),
    ("switch-links", ["-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2",
                      "-device", "cxl-upstream,bus=rp0,id=us0,x-speed=16,x-width=4,x-256b-flit=on",
                      "-device", "cxl-downstream,port=0,bus=us0,id=ds0,chassis=0,slot=4,"
                                 "x-speed=8,x-width=2,x-256b-flit=off"], None),
    ("upstream-bad-speed", ["-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2",
                            "-device", "cxl-upstream,bus=rp0,id=us0,x-speed=3"],
     r"Parameter 'x-speed' does not accept value '3'"),
    ("downstream-bad-width", ["-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2",
                              "-device", "cxl-upstream,bus=rp0,id=us0",
                              "-device", "cxl-downstream,port=0,bus=us0,id=ds0,chassis=0,slot=4,x-width=0"],
     r"Parameter 'x-width' does not accept value '0'"),
    # the Linux 7.3 cxl_pmu workaround: a wrap does not freeze (every
    # device with CPMUs has it; tests/qtest/cxl-pmu-test.c checks what it does)
    ("cpmu-ignore-freeze-on-overflow",
     ["-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2,num-cpmus=1,"
                 "x-cpmu-ignore-freeze-on-overflow=on",
      "-device", "cxl-upstream,bus=rp0,id=us0,num-cpmus=1,x-cpmu-ignore-freeze-on-overflow=on",
      "-device", "cxl-downstream,port=0,bus=us0,id=ds0,chassis=0,slot=4,num-cpmus=1,"
                 "x-cpmu-ignore-freeze-on-overflow=on",
      "-object", "memory-backend-ram,id=m0,size=256M",
      "-device", "cxl-type3,bus=ds0,volatile-memdev=m0,num-cpmus=1,cpmu-counter-width=28,"
                 "x-cpmu-ignore-freeze-on-overflow=on"], None),
    ("cpmu-ignore-freeze-bad-value",
     ["-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2,num-cpmus=1,"
                 "x-cpmu-ignore-freeze-on-overflow=maybe"],
     r"Parameter 'x-cpmu-ignore-freeze-on-overflow' expects 'on' or 'off'"),
]] + [(name, ["-M", "q35,cxl=on,cxl-fmw.0.targets.0=rch,cxl-fmw.0.size=4G" + machine] + RCH + args, expect)
      for name, machine, args, expect in [
    # CXL 1.1: a Restricted CXL Host (pxb-cxl,rch=on) and its RCD
    ("rch-rcd-ram-region", RCD_REGION, RCD, None),
    ("rch-rcd-pmem-region", ",cxl-region.0.window=0,cxl-region.0.size=256M,cxl-region.0.type=pmem,"
                            "cxl-region.0.targets.0=rcd",
     ["-object", "memory-backend-ram,id=p0,size=256M",
      "-device", "cxl-type3,bus=rch,persistent-memdev=p0,id=rcd"], None),
    ("rch-without-rcd", "", [], None),
    ("rch-root-port", "", ["-device", "cxl-rp,port=0,bus=rch,id=rp0,chassis=0,slot=2"],
     r"cxl-rp 'rp0': a Restricted CXL Host \(pxb-cxl 'rch', rch=on\) has no root ports or other "
     r"devices on its bus, only its RCD \(one cxl-type3\)"),
    ("rch-second-rcd", "", RCD + ["-object", "memory-backend-ram,id=m1,size=256M",
                                  "-device", "cxl-type3,bus=rch,volatile-memdev=m1,id=rcd2"],
     r"cxl-type3 'rcd2': a Restricted CXL Host \(pxb-cxl 'rch', rch=on\) links to one RCD, "
     r"and 'rcd' is that already"),
    ("rch-rcd-dynamic-capacity", "", ["-object", "memory-backend-ram,id=m0,size=256M",
                                      "-device", "cxl-type3,bus=rch,volatile-dc-memdev=m0,"
                                                 "num-dc-regions=1,id=rcd"],
     r"cxl-type3 'rcd': an RCD \(a memory device on the bus of Restricted CXL Host 'rch'\) "
     r"cannot have dynamic capacity"),
    ("rch-hdm-for-passthrough", "", ["-device", "pxb-cxl,bus_nr=64,bus=pcie.0,id=rch2,rch=on,"
                                                "hdm_for_passthrough=on"],
     r"pxb-cxl 'rch2': rch=on and hdm_for_passthrough=on exclude each other"),
    ("rch-rcd-region-size", RCD_REGION.replace("size=256M", "size=512M"), RCD,
     r"cxl-region\.0\.size: 'rcd' is a CXL 1\.1 RCD: a range register maps its whole volatile "
     r"capacity \(0x10000000 bytes\)"),
    ("rch-rcd-region-locked", RCD_REGION + ",cxl-region.0.locked=on", RCD,
     r"cxl-region\.0\.locked: 'rcd' is a CXL 1\.1 RCD: there are no decoders to lock"),
    ("rch-rcd-region-twice", RCD_REGION + RCD_REGION.replace(".0.", ".1."), RCD,
     r"cxl-region\.1: the volatile capacity of CXL 1\.1 RCD 'rcd' is in a region already"),
]]


def file_cases(tmp):
    """(name, args, expected error or None, files that must not change) of
    cdat= and device-state= files that are empty, truncated or corrupt:
    each is refused with an error naming the property and the file (an
    empty device-state is a new device's: it starts), and the memory and
    label backends are untouched."""
    hdr = struct.pack("<IBB6xI", 16, 1, 256 - 17, 0)   # sums to 0
    files = {
        "cdat-empty": b"",
        "cdat-truncated": hdr[:10],
        "cdat-checksum": hdr[:5] + b"\x55" + hdr[6:],
        "cdat-length": struct.pack("<IBB6xI", 4096, 1, 0, 0),
        "state-empty": b"",
        "state-truncated": b"[shutdown]\narm",
        "state-garbage": bytes(range(256)),
    }
    for name, data in files.items():
        with open(os.path.join(tmp, name), "wb") as f:
            f.write(data)
    pm, lsa = os.path.join(tmp, "file-pm"), os.path.join(tmp, "file-lsa")
    for path, size in ((pm, 256 << 20), (lsa, 1 << 20)):
        with open(path, "wb") as f:
            f.truncate(size)
            f.write(b"data that must stay")
    dev = (["-M", "q35,cxl=on," + W1] + HB1 + RP0 +
           ["-object", "memory-backend-file,id=m0,size=256M,share=on,mem-path=" + pm,
            "-object", "memory-backend-file,id=l0,size=1M,share=on,mem-path=" + lsa,
            "-device"])
    t3 = "cxl-type3,bus=rp0,persistent-memdev=m0,lsa=l0,"
    out = []
    for name, why in (("cdat-empty", r"CDAT of 0 bytes is shorter than its 16-byte header"),
                      ("cdat-truncated", r"CDAT of 10 bytes is shorter"),
                      ("cdat-checksum", r"CDAT checksum is wrong"),
                      ("cdat-length", r"CDAT header length 4096 does not match the table size 16")):
        path = os.path.join(tmp, name)
        out.append(("file-" + name, dev + [t3 + "cdat=" + path],
                    r"cxl-type3: cdat: CDAT file '%s': %s" % (re.escape(path), why), [pm, lsa, path]))
    for name, why in (("state-empty", None),
                      ("state-truncated", r"Key file"),
                      ("state-garbage", r"Key file")):
        path = os.path.join(tmp, name)
        want = why and r"cxl-type3: device-state: cannot read '%s': .*%s" % (re.escape(path), why)
        # a refused file stays as it was; an empty one becomes the new state
        out.append(("file-" + name, dev + [t3 + "device-state=" + path], want,
                    [pm, lsa] + ([path] if why else [])))
    return out


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def run(qemu, fw, args):
    cmd = [qemu, "-L", fw, "-S", "-display", "none", "-nodefaults", "-monitor", "none",
           "-qmp", "stdio"] + args
    qmp = json.dumps({"execute": "qmp_capabilities"}) + json.dumps({"execute": "quit"})
    return subprocess.run(cmd, input=qmp, capture_output=True, text=True, timeout=60)


def doc_examples(rst):
    """(name, args) of each qemu-system-x86_64 command line in literal blocks;
    those of qemu-system-aarch64 are named "aarch64:..." and run with it."""
    lines = open(rst).read().split("\n")
    examples = []
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        m = re.match(r"qemu-system-(x86_64|aarch64)\s", line)  # not "...:" messages
        if m:
            arch = "" if m.group(1) == "x86_64" else "aarch64:"
            start = i + 1
            cmd = line
            while cmd.endswith("\\") and i + 1 < len(lines):
                i += 1
                cmd = cmd[:-1] + " " + lines[i].strip()
            # "..." stands for the options a real command line adds
            args = [a for a in shlex.split(cmd)[1:] if a != "..."]
            # examples that boot a kernel are run, guest and all, by
            # tests/guest/by-hand.py
            if "-kernel" not in args:
                examples.append(("%sdocs:%s:%d" % (arch, os.path.basename(rst), start),
                                 args))
        i += 1
    return examples


# The devices the docs' QMP examples name (paths "cxl-pmem0" and, with
# dynamic capacity, "cxl-dcd0"; the RCD "rch-rcd0" and its RCEC
# "rch-rcec0"; the heads "cxl-mhd0" and "cxl-mhd1" are added by
# qmp_example_mhd())
QMP_EXAMPLE_MACHINE = (["-M", "q35,cxl=on," + W1] + HB1 + RP0 +
                       ["-object", "memory-backend-ram,id=pm0,size=256M",
                        "-object", "memory-backend-ram,id=lsa0,size=1M",
                        "-device", "cxl-type3,bus=rp0,persistent-memdev=pm0,lsa=lsa0,"
                                   "id=cxl-pmem0,sn=1",
                        "-device", "cxl-rp,port=1,bus=cxl.1,id=rp1,chassis=0,slot=3",
                        "-object", "memory-backend-ram,id=dc0,size=512M",
                        "-device", "cxl-type3,bus=rp1,volatile-dc-memdev=dc0,"
                                   "num-dc-regions=2,id=cxl-dcd0,sn=2",
                        # a switch whose vPPB 1 starts unbound (vPPB binding)
                        "-device", "cxl-rp,port=4,bus=cxl.1,id=rp4,chassis=0,slot=6",
                        "-device", "cxl-upstream,bus=rp4,id=us0,addr=0.0,"
                                   "multifunction=on",
                        "-device", "cxl-switch-mailbox-cci,bus=rp4,addr=0.1,"
                                   "target=us0,id=swcci0",
                        "-device", "cxl-downstream,port=0,bus=us0,id=ds0,"
                                   "chassis=0,slot=7",
                        "-device", "cxl-downstream,port=1,bus=us0,id=ds1,"
                                   "chassis=0,slot=8,bound=off",
                        "-object", "memory-backend-ram,id=swmem1,size=256M",
                        "-device", "cxl-type3,bus=ds1,volatile-memdev=swmem1,"
                                   "id=cxl-sw-mem1,sn=5",
                        # an MLD of two LDs: LD 0 on the switch's port 0,
                        # LD 1 below VCS 1's vPPB 0, unbound at boot
                        "-object", "memory-backend-ram,id=mldmem,size=1G",
                        "-device", "cxl-type3,bus=ds0,volatile-memdev=mldmem,"
                                   "id=mld0,sn=6,num-lds=2",
                        "-device", "cxl-rp,port=5,bus=cxl.1,id=rp5,chassis=0,"
                                   "slot=10",
                        "-device", "cxl-upstream,bus=rp5,id=us1,vcs-of=us0",
                        "-device", "cxl-downstream,port=0,bus=us1,id=vds0,"
                                   "chassis=0,slot=11,bound=off",
                        "-device", "cxl-type3-ld,bus=vds0,mld=mld0,ld-id=1,"
                                   "id=mld0-ld1,sn=7",
                        # a CXL 1.1 RCH, its RCD and an RCEC (RCH errors)
                        "-device", "pxb-cxl,bus_nr=100,bus=pcie.0,id=rch0,rch=on",
                        "-object", "memory-backend-ram,id=rcdmem,size=256M",
                        "-device", "cxl-type3,bus=rch0,volatile-memdev=rcdmem,"
                                   "id=rch-rcd0,sn=8",
                        "-device", "pcie-rcec,bus=rch0,addr=1f,id=rch-rcec0"])


def balanced_json(lines, i):
    """The JSON text starting at lines[i] up to where its braces balance,
    and the index of its last line."""
    text = ""
    while True:
        text += lines[i].strip() + " "
        if text.count("{") == text.count("}") or i + 1 == len(lines):
            return text, i
        i += 1


def doc_qmp_examples(rst):
    """(name, command, expected error description or None) of each QMP
    command in cxl.rst's literal blocks: a line starting with '{ "execute"',
    up to where its braces balance, and the '<- { "error" ... }' reply
    that may follow it."""
    lines = open(rst).read().split("\n")
    out = []
    i = 0
    while i < len(lines):
        if lines[i].strip().startswith('{ "execute"'):
            start = i + 1
            text, i = balanced_json(lines, i)
            err = None
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j < len(lines) and lines[j].strip().startswith('<- { "error"'):
                lines[j] = lines[j].replace("<-", "", 1)
                reply, i = balanced_json(lines, j)
                err = json.loads(reply)["error"]["desc"]
            out.append(("docs-qmp:%s:%d" % (os.path.basename(rst), start),
                        json.loads(text), err))
        i += 1
    return out


def qmp_example_mhd(tmp):
    """Heads 0 and 1 of a multi-headed device ("cxl-mhd0", "cxl-mhd1"),
    here in one QEMU, sharing a backend file and a state file in @tmp."""
    args = ["-device", "cxl-rp,port=2,bus=cxl.1,id=rp2,chassis=0,slot=4",
            "-device", "cxl-rp,port=3,bus=cxl.1,id=rp3,chassis=0,slot=5"]
    for head in range(2):
        args += ["-object", "memory-backend-file,id=mhd%d,size=512M,share=on,"
                            "mem-path=%s/qmp-mhd-dc" % (head, tmp),
                 "-device", "cxl-type3,bus=rp%d,volatile-dc-memdev=mhd%d,"
                            "num-dc-regions=2,dc-sharable-regions=1,"
                            "mhd-state=%s/qmp-mhd-state,mhd-head=%d,"
                            "id=cxl-mhd%d,sn=%d" % (head + 2, head, tmp, head, head,
                                                    head + 3)]
    return args


def run_qmp_examples(qemu, fw, examples, tmp):
    """Send every example to one QEMU; returns [(name, error or None)]."""
    cmd = [qemu, "-L", fw, "-S", "-display", "none", "-nodefaults", "-monitor", "none",
           "-qmp", "stdio"] + QMP_EXAMPLE_MACHINE + qmp_example_mhd(tmp)
    qmp = json.dumps({"execute": "qmp_capabilities"})
    qmp += "".join(json.dumps(dict(c, id=n)) for n, c, _ in examples)
    qmp += json.dumps({"execute": "quit"})
    p = subprocess.run(cmd, input=qmp, capture_output=True, text=True, timeout=60)
    replies = {}
    for line in p.stdout.splitlines():
        try:
            r = json.loads(line)
        except ValueError:
            continue
        if "id" in r:
            replies[r["id"]] = r
    out = []
    for n, _, want in examples:
        r = replies.get(n)
        if r is None:
            out.append((n, "no reply (exit %d: %s)" % (p.returncode, p.stderr.strip())))
        elif want is None:
            out.append((n, None if "return" in r else r.get("error")))
        elif "error" not in r:
            out.append((n, "succeeded; the docs show the error %r" % want))
        else:
            desc = r["error"].get("desc", "")
            out.append((n, None if want in desc else
                        "error %r, the docs show %r" % (desc, want)))
    return out


def main():
    qemu, fw, rst = sys.argv[1:4]
    upstream = sys.argv[4] if len(sys.argv) > 4 else None
    passed = failed = 0
    # the examples' backend files (mem-path=/tmp/...) go to a private
    # directory, removed afterwards
    tmp = tempfile.mkdtemp(prefix="cxl-cli-")
    examples = doc_examples(rst)
    # the command lines upstream QEMU documented for CXL (the pristine
    # base's cxl.rst) are the interface users rely on: they must start too
    if upstream:
        examples += [("upstream-" + n, a) for n, a in doc_examples(upstream)]
    docs = [(n, [a.replace("/tmp/", tmp + "/") for a in args]) for n, args in examples]
    if not docs:
        print("  note: no command lines in %s" % rst)
    # qemu-system-aarch64 beside qemu-system-x86_64 (build/bin)
    qemu_arm = os.path.join(os.path.dirname(qemu), "qemu-system-aarch64")
    for name, args, expect in CASES + [(n, a, None) for n, a in docs]:
        p = run(qemu_arm if "aarch64:" in name else qemu, fw, args)
        err = p.stderr.strip()
        if expect is None:
            ok = p.returncode == 0 and not err
            why = "exit %d: %s" % (p.returncode, err)
        else:
            ok = p.returncode == 1 and re.search(expect, err) is not None
            why = "exit %d, stderr %r, wanted /%s/" % (p.returncode, err, expect)
        if ok:
            passed += 1
            print("  PASS cli: %s" % name)
        else:
            failed += 1
            print("  FAIL cli: %s (%s)" % (name, why))
    # empty, truncated and corrupt cdat= and device-state= files; the
    # backends stay untouched
    for name, args, expect, keep in file_cases(tmp):
        before = [digest(f) for f in keep]
        p = run(qemu, fw, args)
        err = p.stderr.strip()
        if expect is None:
            ok = p.returncode == 0 and not err
        else:
            ok = p.returncode == 1 and re.search(expect, err) is not None
        changed = [f for f, d in zip(keep, before) if digest(f) != d]
        if ok and not changed:
            passed += 1
            print("  PASS cli: %s" % name)
        else:
            failed += 1
            print("  FAIL cli: %s (exit %d, stderr %r, wanted /%s/; changed: %s)"
                  % (name, p.returncode, err, expect, changed))
    # every QMP example of the docs runs against the device it names
    for name, err in run_qmp_examples(qemu, fw, doc_qmp_examples(rst), tmp):
        if err is None:
            passed += 1
            print("  PASS cli: %s" % name)
        else:
            failed += 1
            print("  FAIL cli: %s (%s)" % (name, err))
    shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
