"""A CXL 1.1 Restricted CXL Host and a CXL 2.0 host bridge in one guest.

rch (bus 12) is an RCH with its RCD (volatile, serial 1) and window 0,
whose region firmware set up with the RCD's DVSEC range; vh (bus 64) is a
CXL 2.0 host bridge with a root port, a cxl-type3 (volatile, serial 2)
and window 1. Linux says the platform mixes both kinds ("Unsupported
platform config, mixed Virtual Host and Restricted CXL Host hierarchy",
an informational message of cxl_get_chbs()) and handles both: the RCH
region is assembled at boot and reads the pattern the host wrote into the
RCD's backend before QEMU started; a region the guest creates on the CXL
2.0 device works beside it, and the host finds what the guest wrote there
at the DPA the 1-way decoders give. See _rch.py for Linux 7.3's one
warning about the RCD.
"""

from _cxl import GUEST_LIB, backend, check_interleave, prewrite_interleave
from _rch import ALLOW_WARNINGS, RCH_LIB, rch_args

DESCRIPTION = "CXL 1.1 RCH + RCD beside a CXL 2.0 host bridge: both regions work in one guest"
MACHINE = "q35,cxl=on"
TOOLS = ["daxpoke"]
MODULES = ["cxl_acpi", "cxl_pci", "cxl_port", "cxl_mem", "device_dax", "dax_cxl"]
TIMEOUT = 400
OFFSET, LENGTH = 520, 5 * 4096
SEED_RCD, SEED_VH = 41, 43


def topology(ctx):
    args = (backend(ctx, "ram", "rcd-vmem", "256M") + backend(ctx, "ram", "vh-vmem", "256M") +
            rch_args("volatile-memdev=rcd-vmem,sn=1",
                     "cxl-fmw.1.targets.0=vh,cxl-fmw.1.size=4G,"
                     "cxl-region.0.window=0,cxl-region.0.size=256M,cxl-region.0.targets.0=rcd") +
            ["-device", "pxb-cxl,bus_nr=64,bus=pcie.0,id=vh",
             "-device", "cxl-rp,port=0,bus=vh,id=rp0,chassis=0,slot=2",
             "-device", "cxl-type3,bus=rp0,volatile-memdev=vh-vmem,id=t3,sn=2"])
    prewrite_interleave(ctx, ["rcd-vmem"], OFFSET, LENGTH, SEED_RCD, 1, 4096)
    return args


def check(ctx):
    ok, detail = check_interleave(ctx, ["vh-vmem"], OFFSET, LENGTH, SEED_VH, 1, 4096)
    ctx.check("vh-data-at-dpa", ok, detail)


GUEST = GUEST_LIB + RCH_LIB + rf'''
step memdevs-probed wait_memdevs 2
step_match mixed-platform-noted 'mixed Virtual Host and Restricted CXL Host' dmesg
step_match rch-found 'pci0000:0c: host supports CXL \(restricted\)' dmesg
step_match vh-found 'pci0000:40: host supports CXL$' dmesg
step_match rcd-memdev '"host":"0000:0c:00.0"' cxl list -M
step_eq two-root-decoders 2 sh -c 'ls -d /sys/bus/cxl/devices/decoder0.* | wc -l'
step regions-assembled wait_regions 1
r0=$(cxl list -R -d decoder0.0 | sed -n 's/.*"region":"\(region[0-9]*\)".*/\1/p')
step_match rch-region-committed '"decode_state":"commit"' cxl list -R -r "$r0"
step rch-devdax devdax "$r0"
step rch-data-from-firmware-time daxpoke check $dax {OFFSET} {LENGTH} {SEED_RCD}
vh=$(memdev_of 2)
step vh-region cxl create-region -t ram -d decoder0.1 -m "$vh"
r1=$(cxl list -R -d decoder0.1 | sed -n 's/.*"region":"\(region[0-9]*\)".*/\1/p')
step_match vh-region-committed '"decode_state":"commit"' cxl list -R -r "$r1"
step vh-devdax devdax "$r1"
step vh-write daxpoke write $dax {OFFSET} {LENGTH} {SEED_VH}
step vh-read-back daxpoke check $dax {OFFSET} {LENGTH} {SEED_VH}
step vh-destroy cxl destroy-region -f "$r1"
step_match rch-region-still-there '"decode_state":"commit"' cxl list -R -r "$r0"
step_eq kernel-log-clean "" rch_trouble
'''
