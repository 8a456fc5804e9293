"""A 4-way ram region over 2 host bridges x 2 root ports x 4 devices.

The window interleaves 2-way across the host bridges at 4 KiB; Linux
programs each host bridge's HDM decoder 2-way across its root ports and
the four endpoint decoders 4-way at 4 KiB. The guest writes three and a
quarter stripes at an offset that is not granule-aligned through the
region's DAX device; on the host, every word is found in the backend file
of the device Linux put at the position the spec's HPA-offset arithmetic
gives, at the DPA it gives, and every other byte of the four files is
zero. Then the region is destroyed, the memdevs are disabled and enabled
again, and a re-created region reads the same data.
"""

from _cxl import GUEST_LIB, backend, check_layout_interleave, layout

DESCRIPTION = "2 HB x 2 RP x 4 devices: 4-way region, data lands per the spec; destroy/re-create, memdev disable/enable"
MACHINE = "q35,cxl=on"
TOOLS = ["daxpoke"]
# no kmem: the region's DAX device (which prefers kmem) stays unbound until
# the script binds it to device_dax
MODULES = ["cxl_acpi", "cxl_pci", "cxl_port", "cxl_mem", "device_dax", "dax_cxl"]
TIMEOUT = 400

WAYS, GRAN = 4, 4096
OFFSET = 5 * WAYS * GRAN + 512
LENGTH = 3 * WAYS * GRAN + GRAN
SEED = 9
# device serial -> (host bridge, root port)
DEVICES = {1: ("cxl.1", "rp0"), 2: ("cxl.1", "rp1"), 3: ("cxl.2", "rp2"), 4: ("cxl.2", "rp3")}


def topology(ctx):
    args = ["-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1",
            "-device", "pxb-cxl,bus_nr=222,bus=pcie.0,id=cxl.2",
            "-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2",
            "-device", "cxl-rp,port=1,bus=cxl.1,id=rp1,chassis=0,slot=3",
            "-device", "cxl-rp,port=0,bus=cxl.2,id=rp2,chassis=0,slot=4",
            "-device", "cxl-rp,port=1,bus=cxl.2,id=rp3,chassis=0,slot=5",
            "-M", "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.targets.1=cxl.2,"
                  "cxl-fmw.0.size=4G,cxl-fmw.0.interleave-granularity=4k"]
    for sn, (hb, rp) in DEVICES.items():
        args += backend(ctx, "ram", f"vmem{sn}", "256M")
        args += ["-device", f"cxl-type3,bus={rp},volatile-memdev=vmem{sn},id=t3-{sn},sn={sn}"]
    return args


def check(ctx):
    check_layout_interleave(ctx, "vmem", OFFSET, LENGTH, SEED, WAYS, GRAN)


HOST = {"layout": layout}

GUEST = GUEST_LIB + rf'''
step memdevs-probed wait_memdevs 4
step_eq memdevs 4 sh -c 'cxl list -M | grep -c "\"memdev\""'
step_eq host-bridge-decoders 8 sh -c 'ls -d /sys/bus/cxl/devices/port*/decoder*.* | wc -l'
# positions: 0 HB0/RP0, 1 HB1/RP0, 2 HB0/RP1, 3 HB1/RP1
order="$(memdev_of 1) $(memdev_of 3) $(memdev_of 2) $(memdev_of 4)"
note "region order: $order"
make_region() {{ cxl create-region -t ram -d decoder0.0 -w {WAYS} -g {GRAN} -m $order; }}
step region make_region || exit 1
region=$(only_region)
step_match region-4way '"interleave_ways":4' cxl list -R -r "$region"
step_match region-committed '"decode_state":"commit"' cxl list -R -r "$region"
step layout report_layout "$region" 4
step devdax devdax "$region"
step write daxpoke write $dax {OFFSET} {LENGTH} {SEED}
step read-back daxpoke check $dax {OFFSET} {LENGTH} {SEED}

# destroy and re-create; memdevs disabled and enabled in between
step destroy cxl destroy-region -f "$region"
step_eq no-region "" only_region
step disable-memdevs cxl disable-memdev $order
step_eq memdevs-disabled 4 sh -c 'cxl list -Mi | grep -c "\"state\":\"disabled\""'
step enable-memdevs cxl enable-memdev $order
step region-again make_region
region=$(only_region)
step devdax-again devdax "$region"
step data-survives-recreate daxpoke check $dax {OFFSET} {LENGTH} {SEED}
step destroy-again cxl destroy-region -f "$region"
step_eq kernel-log-clean "" kernel_cxl_trouble
'''
