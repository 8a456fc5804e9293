"""arm virt, 4-way at 4 KiB (page-granular): 2 host bridges x 2 root
ports x 1 device, a region firmware committed; device DAX against
anonymous guest RAM under aarch64 TCG (the 4way-4k case on virt)."""

from _bench import devdax_case, tree

T, hbs = tree([12, 128], 2)
T.window(hbs, granularity="4k")

globals().update(devdax_case(
    T, 4, 4096, T.position_order(list(T.devices), [2, 2]),
    "arm virt: 4-way ram region at 4 KiB (device DAX) against guest RAM",
    {"read": 0.9, "write": 0.9, "exec": 0.9}, arch="aarch64"))
