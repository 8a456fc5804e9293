"""A CXL 1.1 Restricted CXL Host with its RCD: Linux finds the RCRBs,
assembles the region firmware set up with the RCD's DVSEC range, and the
region is onlined as system RAM.

pxb-cxl,rch=on is an RCH: the CEDT CHBS (CXL 1.1) gives its downstream
and upstream port RCRBs; the cxl-type3 on its bus is the RCD, a Root
Complex Integrated Endpoint whose component registers Linux finds through
the upstream port RCRB's MEMBAR0. -machine cxl-region.0 with the RCD as
target sets its volatile range register at the window's base and
Mem_Enable, as a BIOS does: Linux emulates an endpoint decoder from the
range (locked, one per range) and assembles the region at boot. The
memdev's endpoint port sits right below the ACPI root (no ports between),
the RCD shows its link (the downstream port RCRB's PCIe capability) in
sysfs. The region's DAX device is onlined as system RAM, memfill fills
90 % of it, and the host finds each page at DPA = HPA - region base in
the backend.

Linux 7.3 warns once when it attaches an RCD to a region (see _rch.py):
the scenario allows that warning only.
"""

from _cxl import GUEST_LIB, RAM_ONLINE_STEPS, backend, memfill_verifier, MiB
from _rch import ALLOW_WARNINGS, RCH_LIB, rch_args

DESCRIPTION = "CXL 1.1 RCH + RCD (volatile): RCRBs, firmware DVSEC range, region assembled and onlined"
MACHINE = "q35,cxl=on"
CPU = "max"                     # hypervisor bit set: Linux cannot flush caches
TOOLS = ["memfill"]
APPEND = "memhp_default_state=offline"
TIMEOUT = 400
SIZE = 256 * MiB
SEED = 11


def topology(ctx):
    return (["-object", "memory-backend-ram,id=ram0,size=2G", "-numa", "node,nodeid=0,memdev=ram0"] +
            backend(ctx, "ram", "rcd-vmem", "256M") +
            rch_args("volatile-memdev=rcd-vmem,sn=0x11",
                     "cxl-region.0.window=0,cxl-region.0.size=256M,cxl-region.0.targets.0=rcd"))


HOST = {"verify": memfill_verifier("rcd-vmem", SIZE, SEED)}

GUEST = GUEST_LIB + RCH_LIB + r'''
step memdevs-probed wait_memdevs 1
step_match rch-found 'pci0000:0c: host supports CXL \(restricted\)' dmesg
step_match rch-dport '"dport":"pci0000:0c"' cxl list -P -v
step_match memdev-is-rcd '"host":"0000:0c:00.0"' cxl list -M
step_match memdev-ram-size '"ram_size":268435456' cxl list -M
# the endpoint hangs right below the root: no ports in between
step_match endpoint-below-root '"depth":1' cxl list -E
step_eq rcd-is-rciep 9 pcie_type 0000:0c:00.0
step_match rcd-link-cap '^0x' cat /sys/bus/pci/devices/0000:0c:00.0/rcd_link_cap
step_match rcd-link-status '^0x' cat /sys/bus/pci/devices/0000:0c:00.0/rcd_link_status
step regions-assembled wait_regions 1
region=$(only_region)
cxl list -R -v -r "$region"
step_match region-ram '"type":"ram"' cxl list -R -r "$region"
step_match region-committed '"decode_state":"commit"' cxl list -R -r "$region"
step_match region-size '"size":268435456,' cxl list -R -r "$region"
step_eq endpoint-decoder-locked 1 cat /sys/bus/cxl/devices/decoder1.0/locked
''' + RAM_ONLINE_STEPS.replace("memfill \"$node\" \"$free_mib\" 5", "memfill \"$node\" \"$free_mib\" 11").replace(
    'step_eq kernel-log-clean "" kernel_cxl_trouble', 'step_eq kernel-log-clean "" rch_trouble')
