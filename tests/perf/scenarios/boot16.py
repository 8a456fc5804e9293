"""Boot to region ready: 16 devices below two levels of switches (2 host
bridges x 1 root port x a switch with 2 downstream ports x a switch with
4 downstream ports x 1 device). The host notes the time when the guest
has probed every memdev and when a 16-way ram region at 256 B over them
is committed and its device DAX device bound; bench.py reports both from
QEMU's start."""

import _bench
from _bench import BENCH_LIB, DEVDAX_MODULES, tree

T, hbs = tree([12, 128], 1, 2, 4)
T.window(hbs, size="8G", granularity="256")
ORDER = T.position_order(list(T.devices), [2, 1, 2, 4])

DESCRIPTION = "16 devices, two switch levels: time from QEMU start to a 16-way region ready"
MACHINE = "q35,cxl=on"
MODULES = DEVDAX_MODULES
TIMEOUT = 600
MARKS = ["memdevs-probed", "region-ready"]


def topology(ctx):
    return T.args(ctx)


HOST = _bench.HOST

GUEST = BENCH_LIB + rf'''
step memdevs-probed wait_memdevs 16 || exit 1
step mark-probed host mark memdevs-probed
order=""
for sn in {" ".join(map(str, ORDER))}; do order="$order $(memdev_of $sn)"; done
step region cxl create-region -t ram -d decoder0.0 -w 16 -g 256 -m $order || exit 1
region=$(only_region)
step_match region-committed '"decode_state":"commit"' cxl list -R -r "$region" || exit 1
step devdax devdax "$region" || exit 1
step mark-ready host mark region-ready
'''
