"""A 1-way ram region onlined as system RAM on a NUMA node of its own
(the window gets a node because the machine has a NUMA description), its
memory against node 0's, both through anonymous memory bound with mbind."""

import _bench
from _bench import BENCH_LIB, tree

T, hbs = tree([12], 1)
T.window(hbs)

DESCRIPTION = "1-way ram region onlined as system RAM (own NUMA node) against node 0"
MACHINE = "q35,cxl=on"
TOOLS = ["cxlbench"]
# daxctl onlines the region itself; the kernel would otherwise auto-online
# hot-added memory and daxctl refuses then (as in type3-ram)
APPEND = "memhp_default_state=offline"
TIMEOUT = 600
TARGETS = {"read": 0.9, "write": 0.9, "exec": 0.9}


def topology(ctx):
    return ["-object", "memory-backend-ram,id=ram0,size=2G",
            "-numa", "node,nodeid=0,memdev=ram0"] + T.args(ctx)


HOST = _bench.HOST

GUEST = BENCH_LIB + r'''
step memdevs-probed wait_memdevs 1 || exit 1
step region cxl create-region -t ram -d decoder0.0 -m $(memdev_of 1) || exit 1
region=$(only_region)
dax=$(ls /sys/bus/cxl/devices/$region/dax_region*/ | grep '^dax[0-9]*\.[0-9]*$' | head -1)
step online daxctl reconfigure-device --mode=system-ram "$dax" || exit 1
node=$(cat /sys/bus/dax/devices/$dax/target_node)
step cxl-node-of-its-own test "$node" -gt 0 || exit 1
step bench bench ram=node:0 cxl=node:$node
'''
