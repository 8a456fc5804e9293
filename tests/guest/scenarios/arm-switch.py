"""A CXL switch on arm virt, with poison and events injected through QMP.

One host bridge, one root port, a switch (upstream port and two
downstream ports) and two volatile cxl-type3 below it; firmware commits a
2-way region at 4 KiB across the switch's downstream ports (Debian's
arm64 kernel cannot commit a region it creates). Linux enumerates the
switch port, its decoders and the memdevs below it and assembles the
region; the guest writes and reads through its DAX device (daxpoke), and
the host finds each word in the backend of the device at the position
the spec gives. Then the host injects poison into the first device with
QMP cxl-inject-poison and Linux lists it, and injects general media and
DRAM event records with cxl-inject-*-event: the device raises the
event-log MSI-X interrupts (GICv3 ITS here) and Linux traces both
records with the injected values. Last, a correctable RAS error of the
second device, injected with cxl-inject-correctable-error, reaches
Linux's CXL error handler through AER.
"""

from _cxl import GUEST_LIB, Topology, check_layout_interleave, layout

DESCRIPTION = "arm virt, switch with 2 devices, firmware 2-way region; QMP poison, events and a RAS error reach Linux"
ARCH = "aarch64"
MACHINE = "virt,gic-version=3,cxl=on"
TOOLS = ["daxpoke"]
MODULES = ["cxl_acpi", "cxl_pci", "cxl_port", "cxl_mem", "device_dax", "dax_cxl"]
TIMEOUT = 300

WAYS, GRAN = 2, 4096
OFFSET = 3 * WAYS * GRAN + 512
LENGTH = 4 * WAYS * GRAN + GRAN
SEED = 21

T = Topology()
ds = T.switch(T.root_port(T.host_bridge(12), 0), 2)
T.memdev(ds[0])                         # t3-1, position 0
T.memdev(ds[1])                         # t3-2, position 1
T.window(["cxl.1"], size="4G", granularity="4k")
REGION = ("cxl-region.0.window=0,cxl-region.0.size=512M,cxl-region.0.targets.0=t3-1,"
          "cxl-region.0.targets.1=t3-2,cxl-region.0.interleave-granularity=4k")

GM = dict(path="t3-1", log="informational", flags=0x08, dpa=0x1000040, descriptor=1, type=0,
          **{"transaction-type": 2, "channel": 3, "rank": 5, "device": 0x1234})
DRAM = dict(path="t3-2", log="warning", flags=0x04, dpa=0x2000080, descriptor=2, type=1,
            **{"transaction-type": 1, "channel": 6, "rank": 2, "bank": 7, "row": 0x12345})


def topology(ctx):
    return T.args(ctx) + ["-M", REGION]


def check(ctx):
    check_layout_interleave(ctx, "mem", OFFSET, LENGTH, SEED, WAYS, GRAN, want=[1, 2])


HOST = {
    "layout": layout,
    # four 64-byte lines at DPA 0x1000 of the first device
    "poison": [("cxl-inject-poison", {"path": "t3-1", "start": 0x1000, "length": 0x100})],
    "events": [("cxl-inject-general-media-event", GM), ("cxl-inject-dram-event", DRAM)],
    "correctable": [("cxl-inject-correctable-error", dict(path="t3-2", type="mem-data-ecc"))],
}

GUEST = GUEST_LIB + rf'''
step memdevs-probed wait_memdevs 2
# port1 is the host bridge, port2 the switch: its two downstream ports
step_eq switch-dports 2 sh -c 'ls -d /sys/bus/cxl/devices/port2/dport* | wc -l'
step_eq endpoints-below-switch 2 sh -c 'ls -d /sys/bus/cxl/devices/port2/endpoint* | wc -l'
step region-assembled wait_regions 1 || exit 1
region=$(only_region)
step_match region-2way '"interleave_ways":2,' cxl list -R -r "$region"
step_match region-committed '"decode_state":"commit"' cxl list -R -r "$region"
step layout report_layout "$region" 2
step devdax devdax "$region"
step write daxpoke write $dax {OFFSET} {LENGTH} {SEED}
step read-back daxpoke check $dax {OFFSET} {LENGTH} {SEED}

m1=$(memdev_of 1)
errors() {{ cxl list -m $m1 --media-errors | tr -d ' \n'; echo; }}
step_nomatch no-poison-at-start '"offset"' errors
step qmp-poison host poison
step_match qmp-poison-listed '"offset":4096,"length":256,"source":"Internal"' errors

TR=/sys/kernel/tracing
echo 1 > $TR/events/cxl/cxl_general_media/enable
echo 1 > $TR/events/cxl/cxl_dram/enable
step qmp-events host events
step both-traced wait_lines 2 'cxl_(general_media|dram):'
grep cxl_ $TR/trace > /tmp/trace.txt
step_match general-media "cxl_general_media: memdev=$m1 .* log=Informational .*dpa=1000040 .*channel=3 rank=5 device=1234 " cat /tmp/trace.txt
step_match dram "cxl_dram: memdev=$(memdev_of 2) .* log=Warning .*dpa=2000080 .*channel=6 rank=2 .*bank=7 row=74565 " cat /tmp/trace.txt
step_eq kernel-log-clean "" kernel_cxl_trouble

# RAS: a correctable error of the second device reaches Linux through AER
# (the root port's AER service, MSI through the ITS)
echo 1 > $TR/events/cxl/cxl_aer_correctable_error/enable
step inject-correctable host correctable
step correctable-traced wait_lines 1 cxl_aer_correctable_error
step_match correctable-status "cxl_aer_correctable_error: memdev=$(memdev_of 2) .*status: 'Memory Data ECC Error'" grep cxl_aer $TR/trace
step_match aer-correctable 'cxl_pci .*CXL Bus Error: severity=Correctable' dmesg
step guest-still-running true
'''
