"""4-way at 256 B on share=on file backends (pmem-like data that outlives
QEMU), with -machine cxl-fast-path-shadow-shared=on: the region is served
from a shadow written back to the files every 100 ms (see "Shadows of
shared backends" in docs/system/devices/cxl.rst). 2 host bridges x 2
root ports x 1 device. Device DAX against anonymous guest RAM. Goal
(issue 19): at least 0.3x RAM; without the option these go per access
(about 0.01x: BENCH_MACHINE=cxl-fast-path-shadow-shared=off)."""

from _bench import devdax_case, tree

T, hbs = tree([12, 128], 2, shared=True)
T.window(hbs, granularity="256")

globals().update(devdax_case(
    T, 4, 256, T.position_order(list(T.devices), [2, 2]),
    "4-way ram region at 256 B on share=on files (shared shadow) against guest RAM",
    {"read": 0.3, "write": 0.3, "copy": 0.3}))
MACHINE = "q35,cxl=on,cxl-fast-path-shadow-shared=on"
QUICK = True
