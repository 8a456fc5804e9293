"""An XOR window across 4 host bridges (one root port and one device
each) and a 4-way region at 512 B over it.

The CEDT carries a CFMWS with interleave arithmetic 1 and a CXIMS with
the platform's XOR maps; Linux builds the region and the data lands where
the maps the guest found in its CEDT (sent to the host) and the spec's
arithmetic put it: the XOR-folded HPA picks the host bridge, the DPA is
the modulo one."""

from _cxl import Topology
from _interleave import make

T = Topology()
hbs = [T.host_bridge(12 + 32 * i) for i in range(4)]
for hb in hbs:
    T.memdev(T.root_port(hb, 0))
T.window(hbs, size="4G", granularity="512", arithmetic="xor")

CEDT = r'''
cp /sys/firmware/acpi/tables/CEDT /tmp/cedt.dat
step_match cfmws-xor 'Interleave Arithmetic : 01' sh -c 'iasl -d /tmp/cedt.dat >/dev/null 2>&1; cat /tmp/cedt.dsl'
step_match cxims-present 'Subtable Type : 02' cat /tmp/cedt.dsl
step_nomatch cedt-clean '[Ee]rror|[Ww]arning' sh -c 'iasl -d /tmp/cedt.dat 2>&1'
'''

globals().update(make(T, [dict(root=0, ways=4, gran=512, xor=True, hb_ways=4, window_gran=512,
                               offset=14 * 1024 + 264, length=40 * 1024,  # bits 14 and 15 flip
                               serials=T.position_order(list(T.devices), [4]))],
                      "XOR window across 4 host bridges: CFMWS/CXIMS, 4-way region, data lands per the XOR maps",
                      extra_guest=CEDT))
