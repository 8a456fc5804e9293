"""Code run from CXL memory is the code last written there, whichever path
wrote it and whichever path runs it.

A 2-way ram region at 4 KiB over two root ports, as device DAX. The
guest writes a function returning 0x1111 into the region and calls it
while the region is mapped as RAM (TCG translates and caches the code).
The host turns the fast path off (qom-set); the guest rewrites the
function to return 0x2222 through the per-access path and calls it (TCG
runs it from MMIO). The host turns the fast path on again and the guest
only calls the function: it must return 0x2222. Then a second page:
written, called, and called again after a remap (the region destroyed
and created again). ASLR is off so that every daxpoke run maps the device
at the same address.

Note: making the per-access write skip the TB invalidation (a memcpy
instead of the write through the device's DPA address space) did not
make this scenario fail: something else drops or bypasses the old
translation in this sequence, so this is a test of correct execution,
not of that invalidation.
"""

from _cxl import GUEST_LIB, two_rp_topology, type3_sum

DESCRIPTION = "1 HB x 2 RP: code written and run in a 2-way region, fast path on, off, on again"
MACHINE = "q35,cxl=on"
TOOLS = ["daxpoke"]
MODULES = ["cxl_acpi", "cxl_pci", "cxl_port", "cxl_mem", "device_dax", "dax_cxl"]
TIMEOUT = 300
TOPO = two_rp_topology()


def topology(ctx):
    return TOPO.args(ctx)


def fast_path(ctx, mode):
    """HOST["fast-path"] on|off: set the option; the region is mapped as
    RAM exactly when it is on."""
    ctx.qmp("qom-set", path="/machine", property="cxl-fast-path", value=mode == "on")
    n = type3_sum(ctx, "x-fast-path-mapped", TOPO.devices)
    ctx.check(f"fast-path-{mode}-mapped-{n >> 20}MiB", (n > 0) == (mode == "on"), f"{n} bytes mapped")
    return str(n)


HOST = {"fast-path": fast_path}

GUEST = GUEST_LIB + r'''
step memdevs-probed wait_memdevs 2
# the same virtual addresses in every daxpoke run
echo 0 > /proc/sys/kernel/randomize_va_space
order="$(memdev_of 1) $(memdev_of 2)"
make_region() { cxl create-region -t ram -d decoder0.0 -w 2 -g 4096 -m $order; }
step region make_region
region=$(only_region)
step devdax devdax "$region"
step mapped host fast-path on
step exec-mapped daxpoke exec $dax 0x10000 0x1111
step per-access host fast-path off
step rewrite-per-access daxpoke exec $dax 0x10000 0x2222
step mapped-again host fast-path on
step call-sees-rewrite daxpoke call $dax 0x10000 0x2222
step exec-second-page daxpoke exec $dax 0x23000 0x3333
step destroy cxl destroy-region -f "$region"
step region-again make_region
region=$(only_region)
step devdax-again devdax "$region"
step call-after-remap daxpoke call $dax 0x23000 0x3333
step call-first-after-remap daxpoke call $dax 0x10000 0x2222
step_eq kernel-log-clean "" kernel_cxl_trouble
'''
