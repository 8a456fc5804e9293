"""Switches two and three levels deep.

Window 0 (host bridge cxl.1): root port -> switch with 2 downstream ports
-> a switch below each with 2 downstream ports -> 4 devices; a 4-way
region interleaved by the two switch levels at 1 KiB. Window 1 (host
bridge cxl.2): root port -> switch -> switch -> switch with 2 downstream
ports -> 2 devices; a 2-way region at 256 B decoded through three levels."""

from _cxl import Topology
from _interleave import make

T = Topology()
hb1, hb2 = T.host_bridge(12), T.host_bridge(128)
two_level = []
for ds in T.switch(T.root_port(hb1, 0), 2):
    for ds2 in T.switch(ds, 2):
        two_level.append(T.memdev(ds2))
three_level = []
(ds,) = T.switch(T.root_port(hb2, 0), 1)
(ds,) = T.switch(ds, 1)
for ds3 in T.switch(ds, 2):
    three_level.append(T.memdev(ds3))
T.window([hb1])
T.window([hb2])

globals().update(make(T, [
    dict(root=0, ways=4, gran=1024, serials=T.position_order(two_level, [1, 1, 2, 2])),
    dict(root=1, ways=2, gran=256, serials=T.position_order(three_level, [1, 1, 1, 1, 2])),
], "switches 2 and 3 levels deep: a 4-way and a 2-way region, data lands per the spec"))
