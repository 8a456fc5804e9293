"""Aggregate bandwidth with 1, 2 and 4 vCPUs on a 4-way region at 256 B
(sub-page: a shadow copy, so private memory-backend-ram backends): 2
host bridges x 2 root ports x 1 device. The guest has 4 vCPUs and runs
cxlbench with 1, 2 and 4 threads, each pinned to its own vCPU, on device
DAX and on anonymous guest RAM. Goal (issue 19): at least 0.8 of RAM's
aggregate at every vCPU count."""

from _bench import devdax_case, tree

T, hbs = tree([12, 128], 2, shared=False)
T.window(hbs, granularity="256")

globals().update(devdax_case(
    T, 4, 256, T.position_order(list(T.devices), [2, 2]),
    "4-way ram region at 256 B (shadowed), 1/2/4 vCPUs, against guest RAM",
    {"read": 0.8, "write": 0.8, "copy": 0.8}, threads=[1, 2, 4]))
