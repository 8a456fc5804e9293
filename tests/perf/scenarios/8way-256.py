"""8-way at 256 B (sub-page: a shadow copy, see hw/cxl/cxl-shadow.c): 2
host bridges x 2 root ports x a switch with 2 downstream ports x 1
device, with memory-backend-ram backends (shadows need share=off).
Device DAX against anonymous guest RAM."""

from _bench import devdax_case, tree

T, hbs = tree([12, 128], 2, 2, shared=False)
T.window(hbs, granularity="256")

globals().update(devdax_case(
    T, 8, 256, T.position_order(list(T.devices), [2, 2, 2]),
    "8-way ram region at 256 B (device DAX) against guest RAM",
    {"read": 0.05, "write": 0.05}))
