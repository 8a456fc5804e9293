"""2-way at 1 KiB on share=on file backends, with -machine
cxl-fast-path-shadow-shared=on (see shared-256): 1 host bridge x 2 root
ports x 1 device. Device DAX against anonymous guest RAM. Goal (issue
19): at least 0.3x RAM."""

from _bench import devdax_case, tree

T, hbs = tree([12], 2, shared=True)
T.window(hbs, granularity="1k")

globals().update(devdax_case(
    T, 2, 1024, T.position_order(list(T.devices), [2]),
    "2-way ram region at 1 KiB on share=on files (shared shadow) against guest RAM",
    {"read": 0.3, "write": 0.3, "copy": 0.3}))
MACHINE = "q35,cxl=on,cxl-fast-path-shadow-shared=on"
