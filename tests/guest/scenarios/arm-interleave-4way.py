"""A 4-way interleaved ram region on arm virt: 2 host bridges x 2 root
ports x 4 devices, committed by firmware (Debian's arm64 kernel cannot
commit a region it creates).

The window interleaves 2-way across the host bridges at 4 KiB; the
region's decoders (host bridges 2-way across their root ports, the
devices 4-way at 4 KiB) are committed at reset and Linux assembles the
region at boot. The guest writes three and a quarter stripes at an
offset that is not granule-aligned through the region's DAX device
(daxpoke, cross-built for aarch64) and reads them back; on the host,
every word is in the backend file of the device at the position the
spec's HPA-offset arithmetic gives, at the DPA it gives, and every other
byte of the four files is zero (as interleave-4way on q35). Code written
into the region and called runs, also after it is rewritten in place.
"""

from _cxl import GUEST_LIB, Topology, check_layout_interleave, layout

DESCRIPTION = "arm virt, 2 HB x 2 RP x 4 devices, firmware 4-way region: data lands where the spec puts it"
ARCH = "aarch64"
MACHINE = "virt,gic-version=3,cxl=on"
TOOLS = ["daxpoke"]
# no kmem: the region's DAX device stays unbound until devdax binds it
MODULES = ["cxl_acpi", "cxl_pci", "cxl_port", "cxl_mem", "device_dax", "dax_cxl"]
TIMEOUT = 300

WAYS, GRAN = 4, 4096
OFFSET = 5 * WAYS * GRAN + 512
LENGTH = 3 * WAYS * GRAN + GRAN
SEED = 9

T = Topology()
hb1, hb2 = T.host_bridge(12), T.host_bridge(222)
T.memdev(T.root_port(hb1, 0))           # 1: position 0
T.memdev(T.root_port(hb1, 1))           # 2: position 2
T.memdev(T.root_port(hb2, 0))           # 3: position 1
T.memdev(T.root_port(hb2, 1))           # 4: position 3
T.window([hb1, hb2], size="4G", granularity="4k")
REGION = ("cxl-region.0.window=0,cxl-region.0.size=1G,cxl-region.0.targets.0=t3-1,"
          "cxl-region.0.targets.1=t3-3,cxl-region.0.targets.2=t3-2,"
          "cxl-region.0.targets.3=t3-4")


def topology(ctx):
    return T.args(ctx) + ["-M", REGION]


def check(ctx):
    check_layout_interleave(ctx, "mem", OFFSET, LENGTH, SEED, WAYS, GRAN, want=[1, 3, 2, 4])


HOST = {"layout": layout}

GUEST = GUEST_LIB + rf'''
step memdevs-probed wait_memdevs 4
step_eq host-bridge-decoders 8 sh -c 'ls -d /sys/bus/cxl/devices/port*/decoder*.* | wc -l'
step region-assembled wait_regions 1 || exit 1
region=$(only_region)
step_match region-4way '"interleave_ways":4,' cxl list -R -r "$region"
step_match region-granularity '"interleave_granularity":{GRAN},' cxl list -R -r "$region"
step_match region-committed '"decode_state":"commit"' cxl list -R -r "$region"
step_match region-size '"size":1073741824,' cxl list -R -r "$region"
step layout report_layout "$region" 4
step devdax devdax "$region"
# code run from the region (the fast path maps it as RAM): what was last
# written there, also after it is rewritten (the pattern then overwrites
# it)
step exec daxpoke exec $dax {OFFSET} 0x1111222233334444
step exec-rewritten daxpoke exec $dax {OFFSET} 0x5555666677778888
step write daxpoke write $dax {OFFSET} {LENGTH} {SEED}
step read-back daxpoke check $dax {OFFSET} {LENGTH} {SEED}
step_eq kernel-log-clean "" kernel_cxl_trouble
'''
