"""Aggregate bandwidth with 1, 2 and 4 vCPUs on a 4-way region at 4 KiB
(page-granular, the topology of 4way-4k): the guest has 4 vCPUs and runs
cxlbench with 1, 2 and 4 threads, each pinned to its own vCPU, on device
DAX and on anonymous guest RAM. The goal (issue 19): at least 0.8 of
RAM's aggregate at every vCPU count, so no lock is taken on the hot
path."""

from _bench import devdax_case, tree

T, hbs = tree([12, 128], 2)
T.window(hbs, granularity="4k")

globals().update(devdax_case(
    T, 4, 4096, T.position_order(list(T.devices), [2, 2]),
    "4-way ram region at 4 KiB, 1/2/4 vCPUs, against guest RAM",
    {"read": 0.8, "write": 0.8, "copy": 0.8}, threads=[1, 2, 4]))
QUICK = True
