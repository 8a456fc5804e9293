"""8-way: 2 host bridges x 2 root ports x a switch with 2 downstream ports
x 1 device each. The window interleaves 2-way across the host bridges at
512 B; Linux programs each host bridge 2-way across its root ports, each
switch 2-way across its downstream ports, and the endpoints 8-way."""

from _cxl import Topology
from _interleave import make

T = Topology()
hbs = [T.host_bridge(12), T.host_bridge(128)]
for hb in hbs:
    for rp in (0, 1):
        for ds in T.switch(T.root_port(hb, rp), 2):
            T.memdev(ds)
T.window(hbs, size="4G", granularity="512")

globals().update(make(T, [dict(root=0, ways=8, gran=512,
                               serials=T.position_order(list(T.devices), [2, 2, 2]))],
                      "2 HB x 2 RP x switch x 2 devices: 8-way region at 512 B, data lands per the spec"))
