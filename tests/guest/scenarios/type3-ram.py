"""Volatile memory on one host bridge, one root port, one cxl-type3: a ram
region, its DAX device onlined as system RAM, and memory on that node
filled and checked.

The guest creates a ram region, `daxctl reconfigure-device
--mode=system-ram` onlines it, MemTotal grows by the region's size, and
`memfill` (tests/guest/tools/memfill.c) binds to the new NUMA node and
fills at least 90 % of the region with a pattern derived from each page's
physical address, reading it back. While the pages are held, the host
scans the volatile backend file: every page memfill wrote is found at
DPA = HPA - region base (1-way), with the pattern of its own address.
"""

from _cxl import GUEST_LIB, RAM_ONLINE_STEPS, memfill_verifier, ram_online_topology, MiB

DESCRIPTION = "1 HB / 1 RP / volatile: ram region onlined as system RAM, 90 % filled, checked in the backend"
MACHINE = "q35,cxl=on"
TOOLS = ["memfill"]
# daxctl onlines the region itself (as ZONE_MOVABLE); the Debian kernel
# would otherwise auto-online hot-added memory and daxctl refuses then
APPEND = "memhp_default_state=offline"
TIMEOUT = 400
SIZE = 256 * MiB
SEED = 5


topology = ram_online_topology


HOST = {"verify": memfill_verifier("cxl-vmem0", SIZE, SEED)}

GUEST = GUEST_LIB + r'''
step memdevs-probed wait_memdevs 1
step_match memdev-ram-size '"ram_size":268435456' cxl list -M
step region cxl create-region -t ram -d decoder0.0 -m mem0
region=$(only_region)
''' + RAM_ONLINE_STEPS
