"""16 devices behind switches on 2 host bridges, all probed, and a 16-way
region at 256 B over them.

2 host bridges x 2 root ports x a switch with 4 downstream ports: PCI bus
numbers and memory windows must leave nothing unassigned. The window
interleaves 2-way across the host bridges at 256 B; Linux programs the
host bridges 2-way (512 B), the switches 4-way (1 KiB) and the endpoints
16-way (256 B)."""

from _cxl import Topology
from _interleave import make

T = Topology()
hbs = [T.host_bridge(12), T.host_bridge(64)]
for hb in hbs:
    for rp in (0, 1):
        for ds in T.switch(T.root_port(hb, rp), 4):
            T.memdev(ds)
T.window(hbs, size="8G", granularity="256")

PROBE = r'''
# cxl list: 2 host bridge ports and 4 switch ports below root0, 16 endpoints;
# dports: 2 root ports per host bridge, 4 downstream ports per switch
step_eq cxl-ports 6 sh -c 'ls -d /sys/bus/cxl/devices/port* | wc -l'
step_eq cxl-endpoints 16 sh -c 'ls -d /sys/bus/cxl/devices/endpoint* | wc -l'
step_eq cxl-dports 20 sh -c 'ls -d /sys/bus/cxl/devices/port*/dport* | wc -l'
# sysfs names dports by their port id: root ports 0 and 1, downstream ports 0..3
step_eq switch-dport-ids 4 sh -c 'n=0; for p in /sys/bus/cxl/devices/port*; do [ -e $p/dport3 ] && [ -e $p/dport0 ] && [ -e $p/dport1 ] && [ -e $p/dport2 ] && n=$((n + 1)); done; echo $n'
step_eq root-port-dport-ids 2 sh -c 'n=0; for p in /sys/bus/cxl/devices/port*; do [ -e $p/dport0 ] && [ -e $p/dport1 ] && [ ! -e $p/dport2 ] && n=$((n + 1)); done; echo $n'
step_eq port-decoders 40 sh -c 'ls -d /sys/bus/cxl/devices/port*/decoder*.* | wc -l'
step_eq endpoint-decoders 64 sh -c 'ls -d /sys/bus/cxl/devices/endpoint*/decoder*.* | wc -l'

step_eq pci-devices-enabled 0 sh -c 'n=0; for d in /sys/bus/pci/devices/*; do [ "$(cat $d/class)" = 0x050210 ] && [ "$(cat $d/enable)" != 1 ] && n=$((n + 1)); done; echo $n'
step_nomatch no-unassigned-bars 'BAR .* no space|failed to assign|can.t assign' dmesg
'''

globals().update(make(T, [dict(root=0, ways=16, gran=256,
                               serials=T.position_order(list(T.devices), [2, 2, 4]))],
                      "16 devices behind switches on 2 host bridges all probe; 16-way region at 256 B",
                      extra_guest=PROBE))
