"""More HDM decoders than the defaults: 10 regions through one switch.

The host bridge and the switch's upstream port have 16 HDM decoders each
(hdm-decoders=16; the defaults are 4 and 8; hdm_for_passthrough=on gives
the host bridge of one root port decoders at all), and three 1 GiB volatile
devices sit below the switch. Linux (7.1 and later handles up to 32
decoders on a switch port) enumerates 16 decoders on both ports and
creates ten 256 MiB ram regions, one after the other over the devices
in turn, so both ports commit decoders 0 to 9: more than the 8 decoders
a switch had before. Through the last region (the switch's decoder 9)
a pattern written with device DAX lands in the backend of its device at
the DPA Linux gave that region (the device's fourth, 768 MiB), and
nowhere else.
"""

from _cxl import GUEST_LIB, Topology, check_interleave

DESCRIPTION = "hdm-decoders=16 on a host bridge and a switch: 10 regions through one switch, data through decoder 9"
MACHINE = "q35,cxl=on"
TOOLS = ["daxpoke"]
APPEND = "memhp_default_state=offline"
TIMEOUT = 400

DECODERS, REGIONS, DEVICES = 16, 10, 3
OFFSET, LENGTH, SEED = 4096 + 200, 3 * 4096, 21
# the last region is the (REGIONS - 1) // DEVICES + 1-th on its device:
# Linux takes the lowest free DPA of the ram partition
LAST_DEV = (REGIONS - 1) % DEVICES + 1
LAST_DPA = (REGIONS - 1) // DEVICES * (256 << 20)

T = Topology(size="1G")
HB = T.host_bridge(12, opts=f",hdm-decoders={DECODERS},hdm_for_passthrough=on")
for ds in T.switch(T.root_port(HB, 0), DEVICES, opts=f",hdm-decoders={DECODERS}"):
    T.memdev(ds)
T.window([HB])


def topology(ctx):
    return ["-object", "memory-backend-ram,id=ram0,size=2G", "-numa", "node,nodeid=0,memdev=ram0"] + T.args(ctx)


def exact(ctx):
    ok, detail = check_interleave(ctx, [f"mem{LAST_DEV}"], OFFSET, LENGTH, SEED, 1, 256,
                                  dpa_base=LAST_DPA)
    ctx.check("data-through-decoder-9", ok, detail)
    if not ok:
        raise RuntimeError(detail)
    return detail


HOST = {"exact": exact}

GUEST = GUEST_LIB + rf'''
step memdevs-probed wait_memdevs {DEVICES} || exit 1
# the switch is the port whose parent port is not the root; the host bridge its parent
swport=$(for p in /sys/bus/cxl/devices/port*; do [ "$(basename $(readlink -f $p/..))" != root0 ] && basename $p; done | head -1)
hbport=$(basename $(readlink -f /sys/bus/cxl/devices/$swport/..))
note "switch $swport, host bridge $hbport"
step_eq switch-decoders {DECODERS} sh -c "ls -d /sys/bus/cxl/devices/$swport/decoder*.* | wc -l"
step_eq host-bridge-decoders {DECODERS} sh -c "ls -d /sys/bus/cxl/devices/$hbport/decoder*.* | wc -l"
i=0
while [ $i -lt {REGIONS} ]; do
    mem=$(memdev_of $((i % {DEVICES} + 1)))
    step region$i cxl create-region -t ram -d decoder0.0 -m $mem -s 256M || exit 1
    i=$((i + 1))
done
step_eq regions {REGIONS} sh -c 'cxl list -R | grep -c "\"region\""'
# a decoder in use has a size; the ports' decoders 0 to 9 are
active() {{ for d in /sys/bus/cxl/devices/$1/decoder*.*; do [ "$(cat $d/size)" != 0x0 ] && echo ${{d##*.}}; done | sort -n | tr '\n' ' '; }}
step_eq switch-decoders-active "0 1 2 3 4 5 6 7 8 9 " active $swport
step_eq host-bridge-decoders-active "0 1 2 3 4 5 6 7 8 9 " active $hbport
last=$(cxl list -R | sed -n 's/.*"region":"\(region[0-9]*\)".*/\1/p' | sort -t n -k 2 -n | tail -1)
step_match last-region-committed '"decode_state":"commit"' cxl list -R -r "$last"
step devdax devdax "$last" || exit 1
step write daxpoke write $dax {OFFSET} {LENGTH} {SEED}
step read-back daxpoke check $dax {OFFSET} {LENGTH} {SEED}
step host-exact host exact
step_nomatch no-kernel-trouble . kernel_cxl_trouble
'''
