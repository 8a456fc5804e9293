"""Windows interleaved 3-way and 6-way across host bridges (modulo-3
arithmetic), each host bridge with one root port and one device; a 3-way
region at 256 B and a 6-way region at 1 KiB, data where the spec's
arithmetic puts it."""

from _cxl import Topology
from _interleave import make

T = Topology()
hbs = [T.host_bridge(12 + 24 * i) for i in range(9)]
three, six = [], []
for i, hb in enumerate(hbs):
    (three if i < 3 else six).append(T.memdev(T.root_port(hb, 0)))
T.window(hbs[:3], size="3G", granularity="256")
T.window(hbs[3:], size="6G", granularity="1k")

globals().update(make(T, [
    dict(root=0, ways=3, gran=256, serials=three),
    dict(root=1, ways=6, gran=1024, serials=six),
], "3-way and 6-way windows (modulo 3): a region on each, data lands per the spec"))
