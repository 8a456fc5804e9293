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

from _cxl import GUEST_LIB, backend, MiB

DESCRIPTION = "1 HB / 1 RP / volatile: ram region onlined as system RAM, 90 % filled, checked in the backend"
MACHINE = "q35,cxl=on"
TOOLS = ["memfill"]
# daxctl onlines the region itself (as ZONE_MOVABLE); the Debian kernel
# would otherwise auto-online hot-added memory and daxctl refuses then
APPEND = "memhp_default_state=offline"
TIMEOUT = 400
SIZE = 256 * MiB
SEED = 5
K = (SEED * 0x9e3779b97f4a7c15) & (2**64 - 1)


def topology(ctx):
    # With a NUMA description (SRAT), Linux gives each CXL window a node of
    # its own; without one everything is node 0.
    return (["-object", "memory-backend-ram,id=ram0,size=2G", "-numa", "node,nodeid=0,memdev=ram0"] +
            backend(ctx, "ram", "cxl-vmem0", "256M") +
            ["-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1",
             "-device", "cxl-rp,port=0,bus=cxl.1,id=root_port13,chassis=0,slot=2",
             "-device", "cxl-type3,bus=root_port13,volatile-memdev=cxl-vmem0,id=cxl-vmem0,sn=0x2",
             "-M", "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G"])


def count_pattern_pages(path, hpa_of_dpa):
    """Pages of the backend file holding memfill's pattern for the HPA
    they are mapped at."""
    base = int.from_bytes(b"".join(((i * 8) ^ K).to_bytes(8, "little") for i in range(512)), "little")
    good = 0
    with open(path, "rb") as f:
        dpa = 0
        while True:
            page = f.read(4096)
            if len(page) < 4096:
                break
            pfn = hpa_of_dpa(dpa) >> 12
            want = base ^ int.from_bytes((pfn << 12).to_bytes(8, "little") * 512, "little")
            if int.from_bytes(page, "little") == want:
                good += 1
            dpa += 4096
    return good


def verify(ctx, region_base, pages):
    base, pages = int(region_base), int(pages)
    good = count_pattern_pages(ctx.path("cxl-vmem0.img"), lambda dpa: base + dpa)
    ok = ctx.check("pattern-in-backend", good >= pages and good >= 0.9 * SIZE / 4096,
                   f"{good} pages of the backend hold the pattern of their HPA; "
                   f"memfill wrote {pages}, 90 % of the region is {int(0.9 * SIZE / 4096)}")
    if not ok:
        raise RuntimeError(f"only {good} pattern pages in the backend")
    return f"{good} pages"


HOST = {"verify": verify}

GUEST = GUEST_LIB + r'''
step memdevs-probed wait_memdevs 1
step_match memdev-ram-size '"ram_size":268435456' cxl list -M
step region cxl create-region -t ram -d decoder0.0 -m mem0
region=$(only_region)
base=$(cxl list -R -r "$region" | sed -n 's/.*"resource":\([0-9]*\).*/\1/p')
dax=$(ls /sys/bus/cxl/devices/$region/dax_region*/ | grep '^dax[0-9]*\.[0-9]*$' | head -1)
step_match dax-device 'dax[0-9]+\.[0-9]+' echo "$dax"
memtotal() { sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo; }
before=$(memtotal)
step online daxctl reconfigure-device --mode=system-ram "$dax" || exit 1
after=$(memtotal)
step_eq memtotal-grew-by-region 262144 echo $((after - before))
node=$(cat /sys/bus/dax/devices/$dax/target_node)
step node-has-only-cxl-memory test "$node" -gt 0 || exit 1
note "region $region at $base, $dax online on node $node"
free_mib=$(($(sed -n 's/.*MemFree: *\([0-9]*\) kB/\1/p' /sys/devices/system/node/node$node/meminfo) / 1024 - 8))
step fill-at-least-90-percent test "$free_mib" -ge 231
MEMFILL_HOLD=1 memfill "$node" "$free_mib" 5 > /tmp/fill.out 2>&1 &
fill_pid=$!
i=0; while ! grep -q pages /tmp/fill.out && kill -0 $fill_pid 2>/dev/null && [ $i -lt 600 ]; do sleep 1; i=$((i + 1)); done
step_match fill-reads-back ' bad 0$' cat /tmp/fill.out
pages=$(sed -n 's/^pages \([0-9]*\) .*/\1/p' /tmp/fill.out)
step backend-holds-pattern host verify "$base" "${pages:-0}"
kill $fill_pid
step_eq kernel-log-clean "" kernel_cxl_trouble
'''
