"""Volatile memory on arm virt: one host bridge, one root port, one
cxl-type3, its ram region committed by firmware (Debian's arm64 kernel
cannot commit a region it creates), onlined as system RAM and filled.

Linux assembles the region at boot; `daxctl reconfigure-device
--mode=system-ram` onlines it, MemTotal grows by the region's size, and
`memfill` (cross-built for aarch64) binds to the window's NUMA node and
fills at least 90 % of the region with a pattern derived from each
page's physical address, reading it back; the host then finds every page
memfill wrote at DPA = HPA - region base in the backend file (the same
steps as type3-ram on q35).
"""

from _cxl import GUEST_LIB, RAM_ONLINE_STEPS, memfill_verifier, ram_online_topology, MiB

DESCRIPTION = "arm virt, 1 HB / 1 RP / volatile, firmware region: onlined as system RAM, 90 % filled, checked in the backend"
ARCH = "aarch64"
MACHINE = "virt,gic-version=3,cxl=on"
TOOLS = ["memfill"]
APPEND = "memhp_default_state=offline"
TIMEOUT = 300
SIZE = 256 * MiB
SEED = 5


def topology(ctx):
    return ram_online_topology(ctx) + [
        "-M", "cxl-region.0.window=0,cxl-region.0.size=256M,cxl-region.0.targets.0=cxl-vmem0"]


HOST = {"verify": memfill_verifier("cxl-vmem0", SIZE, SEED)}

GUEST = GUEST_LIB + r'''
step memdevs-probed wait_memdevs 1
step_match memdev-ram-size '"ram_size":268435456' cxl list -M
step region-assembled wait_regions 1 || exit 1
region=$(only_region)
step_match region-committed '"decode_state":"commit"' cxl list -R -r "$region"
''' + RAM_ONLINE_STEPS
