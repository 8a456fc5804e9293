"""Regions that firmware committed: the guest assembles them at boot.

-machine cxl-region.N.* describes regions whose decoders are committed at
reset, as platform firmware leaves them. Region 0: 2-way across two host
bridges at 4 KiB (t3-1 below cxl.1, t3-2 below cxl.2). Region 1: one
device (t3-3, a second root port of cxl.1), committed with Lock On
Commit. The host writes a pattern into the backend files before QEMU
starts, where the spec's arithmetic puts each word of region 0; the
guest, with a CPU that says it is a guest (no cache flush is possible,
which regions Linux creates itself would need), finds both regions
assembled by itself, reads the pattern through device DAX, and cannot
destroy the locked region.
"""

from _cxl import GUEST_LIB, Topology, prewrite_interleave

DESCRIPTION = "firmware-committed regions (2-way and locked): assembled by Linux at boot, data readable"
MACHINE = "q35,cxl=on"
CPU = "max"                     # hypervisor bit set: Linux cannot flush caches
TOOLS = ["daxpoke"]
MODULES = ["cxl_acpi", "cxl_pci", "cxl_port", "cxl_mem", "device_dax", "dax_cxl"]

WAYS, GRAN = 2, 4096
OFFSET, LENGTH, SEED = 3 * WAYS * GRAN + 520, 5 * WAYS * GRAN, 31

T = Topology()
hb1, hb2 = T.host_bridge(12), T.host_bridge(64)
T.memdev(T.root_port(hb1, 0))           # t3-1
T.memdev(T.root_port(hb2, 0))           # t3-2
T.memdev(T.root_port(hb1, 1))           # t3-3
T.window([hb1, hb2], size="4G", granularity="4k")
T.window([hb1], size="1G")
REGIONS = ("cxl-region.0.window=0,cxl-region.0.size=512M,"
           "cxl-region.0.targets.0=t3-1,cxl-region.0.targets.1=t3-2,"
           "cxl-region.1.window=1,cxl-region.1.size=256M,cxl-region.1.targets.0=t3-3,"
           "cxl-region.1.locked=on")


def topology(ctx):
    args = T.args(ctx) + ["-M", REGIONS]
    prewrite_interleave(ctx, ["mem1", "mem2"], OFFSET, LENGTH, SEED, WAYS, GRAN)
    return args


GUEST = GUEST_LIB + rf'''
step memdevs-probed wait_memdevs 3
# the regions appear without anyone creating them
step regions-assembled wait_regions 2
cxl list -R -v
r0=$(cxl list -R -d decoder0.0 | sed -n 's/.*"region":"\(region[0-9]*\)".*/\1/p')
r1=$(cxl list -R -d decoder0.1 | sed -n 's/.*"region":"\(region[0-9]*\)".*/\1/p')
step_match region0-2way '"interleave_ways":2,' cxl list -R -r "$r0"
step_match region0-granularity '"interleave_granularity":{GRAN},' cxl list -R -r "$r0"
step_match region0-committed '"decode_state":"commit"' cxl list -R -r "$r0"
step_match region0-size '"size":536870912,' cxl list -R -r "$r0"
# the mappings in position order are the devices firmware put there
positions() {{ cxl list -R -r "$r0" -v | awk '/"position"/ {{ p = $0; sub(/.*"position":/, "", p); sub(/[^0-9].*/, "", p) }}
    /"memdev"/ {{ m = $0; sub(/.*"memdev":"/, "", m); sub(/".*/, "", m); print p, m }}' | sort -n | awk '{{ print $2 }}' | tr '\n' ' '; }}
step_eq region0-positions "$(memdev_of 1) $(memdev_of 2) " positions
step devdax devdax "$r0"
step data-from-firmware-time daxpoke check $dax {OFFSET} {LENGTH} {SEED}
step_match region1-committed '"decode_state":"commit"' cxl list -R -r "$r1"
step_eq region1-locked 1 cat /sys/bus/cxl/devices/$r1/locked
step_fails locked-region-not-destroyed cxl destroy-region -f "$r1"
# (the tool disables it before it tries to reset the decoders)
step_match locked-region-still-committed '"decode_state":"commit"' cxl list -R -i -r "$r1"
step_eq kernel-log-clean "" kernel_cxl_trouble
'''
