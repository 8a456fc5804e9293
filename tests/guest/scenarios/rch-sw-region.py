"""A CXL 1.1 RCD that firmware left alone: Linux uses its HDM decoders
and creates a region itself.

No -machine cxl-region: the RCD's Mem_Enable is clear and its DVSEC
ranges are unset. Linux (cxl_hdm_decode_init()) then enables the HDM
decoder capability of the RCD's component registers (reached through the
upstream port RCRB) and Mem_Enable itself, and its endpoint has the
device's four HDM decoders, unlocked. `cxl create-region` makes a ram
region on it: the RCH has no decoders, so Linux commits only the
endpoint's decoder, and the window sends the accesses through the RCH to
the RCD, which decodes with that decoder. The guest writes a pattern
through the region's DAX device and reads it back; the host finds it at
the DPA the 1-way decoder gives in the backend. See _rch.py for Linux
7.3's one warning about an RCD in a region.
"""

from _cxl import GUEST_LIB, backend, check_interleave
from _rch import ALLOW_WARNINGS, RCH_LIB, rch_args

DESCRIPTION = "CXL 1.1 RCD without firmware ranges: Linux enables its HDM decoders and creates a region"
MACHINE = "q35,cxl=on"
TOOLS = ["daxpoke"]
MODULES = ["cxl_acpi", "cxl_pci", "cxl_port", "cxl_mem", "device_dax", "dax_cxl"]
OFFSET, LENGTH, SEED = 520, 5 * 4096, 47


def topology(ctx):
    return backend(ctx, "ram", "rcd-vmem", "256M") + rch_args("volatile-memdev=rcd-vmem,sn=1")


def check(ctx):
    ok, detail = check_interleave(ctx, ["rcd-vmem"], OFFSET, LENGTH, SEED, 1, 4096)
    ctx.check("data-at-dpa", ok, detail)


GUEST = GUEST_LIB + RCH_LIB + rf'''
step memdevs-probed wait_memdevs 1
step_match memdev-is-rcd '"host":"0000:0c:00.0"' cxl list -M
step_eq no-region-at-boot "" only_region
step_eq endpoint-hdm-decoders 4 sh -c 'ls -d /sys/bus/cxl/devices/endpoint1/decoder1.* | wc -l'
step_eq endpoint-decoder-unlocked 0 cat /sys/bus/cxl/devices/decoder1.0/locked
step region cxl create-region -t ram -d decoder0.0 -m mem0
region=$(only_region)
step_match region-committed '"decode_state":"commit"' cxl list -R -r "$region"
step_match region-size '"size":268435456,' cxl list -R -r "$region"
step devdax devdax "$region"
step write daxpoke write $dax {OFFSET} {LENGTH} {SEED}
step read-back daxpoke check $dax {OFFSET} {LENGTH} {SEED}
step destroy cxl destroy-region -f "$region"
step_eq no-region-after-destroy "" only_region
step_eq kernel-log-clean "" rch_trouble
'''
