"""type3-ram with Back-Invalidate, behind a switch: the cxl-type3 has
hdm-db=on and x-256b-flit=on below a switch (root port -> cxl-upstream ->
cxl-downstream, every link in 256-byte flit mode), so the root port and
the downstream port carry a BI Decoder and the upstream port the BI Route
Table; the window also carries the back-invalidate restriction (CFMWS
bit 5). Linux 7.3 has no BI support: it must still create the ram region
through the switch, online it and get the memory back intact, with a
clean kernel log. Everything else is type3-ram's (its guest script, fill
and backend check).
"""

import importlib.util
import pathlib

from _cxl import backend

_spec = importlib.util.spec_from_file_location(
    "cxl_scenario_type3_ram_base", pathlib.Path(__file__).with_name("type3-ram.py"))
_base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_base)

DESCRIPTION = ("HB -> RP -> switch -> volatile hdm-db=on device, 256 B flit, back-invalidate "
               "window: ram region onlined, 90 % filled, checked in the backend")
MACHINE = _base.MACHINE
TOOLS = _base.TOOLS
APPEND = _base.APPEND
TIMEOUT = _base.TIMEOUT
HOST = _base.HOST
GUEST = _base.GUEST + r'''
# both ends of the device's link run in 256-byte flits: the device
# (bus 15) and the downstream port above it (bus 14)
step_eq device-link-flit-mode 1 pci_flit_mode 0000:0f:00.0
step_eq dsp-link-flit-mode 1 pci_flit_mode 0000:0e:00.0
# the switch's upstream port (bus 13, below the root port) is a CXL port
step_match switch-port-enumerated '"host":"0000:0d:00.0"' cxl list -P
# the window's CFMWS (after the CEDT header, 36 bytes, and the host
# bridge's CHBS, 32): Window Restrictions at offset 32 of it, bits 1-3
# (host-only coherent, volatile, persistent) and 5 (back-invalidate);
# the raw word, as iasl may not name bit 5
step_eq cfmws-restrictions-back-invalidate 002e sh -c "od -An -tx2 -j 100 -N 2 /sys/firmware/acpi/tables/CEDT | tr -d ' '"
'''


def topology(ctx):
    return (["-object", "memory-backend-ram,id=ram0,size=2G", "-numa", "node,nodeid=0,memdev=ram0"] +
            backend(ctx, "ram", "cxl-vmem0", "256M") +
            ["-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1",
             "-device", "cxl-rp,port=0,bus=cxl.1,id=root_port13,chassis=0,slot=2,x-256b-flit=on",
             "-device", "cxl-upstream,bus=root_port13,id=us0,sn=0x1001,x-256b-flit=on",
             "-device", "cxl-downstream,port=0,bus=us0,id=ds0,chassis=0,slot=3,x-256b-flit=on",
             "-device", "cxl-type3,bus=ds0,volatile-memdev=cxl-vmem0,id=cxl-vmem0,sn=0x2,"
                        "x-256b-flit=on,hdm-db=on",
             "-M", "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G,"
                   "cxl-fmw.0.restrictions.0=host-only-coherent,cxl-fmw.0.restrictions.1=volatile,"
                   "cxl-fmw.0.restrictions.2=persistent,cxl-fmw.0.restrictions.3=back-invalidate"])
