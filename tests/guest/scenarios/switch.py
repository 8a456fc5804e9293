"""A switch: host bridge -> root port -> cxl-upstream -> 4 cxl-downstream
-> 4 volatile devices, and a 4-way region interleaved by the switch.

Linux enumerates the switch as a port with four downstream ports,
programs the upstream port's HDM decoder 4-way and the endpoints 4-way
at 1 KiB. Through device DAX, a pattern written at an unaligned offset
lands in the backend files at the positions and DPAs the spec's
arithmetic gives (checked by the host while the guest runs, with every
other byte zero). Then the region goes online as system RAM on its own
node, memfill fills 64 MiB of it and the host finds every granule it
wrote at the DPA that the physical address maps to.
"""

from _cxl import GUEST_LIB, Topology, check_interleave, count_hpa_pattern, layout

DESCRIPTION = "HB -> RP -> switch (4 DSPs) -> 4 devices: 4-way region, exact placement, onlined as system RAM"
MACHINE = "q35,cxl=on"
TOOLS = ["daxpoke", "memfill"]
APPEND = "memhp_default_state=offline"
TIMEOUT = 400

WAYS, GRAN = 4, 1024
OFFSET = 7 * WAYS * GRAN + 264
LENGTH = 3 * WAYS * GRAN + 3 * GRAN
SEED, FILL_SEED, FILL_MIB = 11, 12, 64
CXL_USP_DECODERS = 8          # include/hw/cxl/cxl-switch.h


T = Topology()
HB = T.host_bridge(12)
for ds in T.switch(T.root_port(HB, 0), 4):
    T.memdev(ds)
T.window([HB])


def topology(ctx):
    return ["-object", "memory-backend-ram,id=ram0,size=2G", "-numa", "node,nodeid=0,memdev=ram0"] + T.args(ctx)


def files(ctx):
    return [f"mem{sn}" for sn in ctx.layouts["r0"]]


def exact(ctx):
    ok, detail = check_interleave(ctx, files(ctx), OFFSET, LENGTH, SEED, WAYS, GRAN)
    ctx.check("devdax-data-where-the-spec-puts-it", ok, detail)
    if not ok:
        raise RuntimeError(detail)
    return detail


def filled(ctx, base, nbytes):
    good = count_hpa_pattern(ctx, files(ctx), int(base), WAYS, GRAN, FILL_SEED)
    ok = ctx.check("system-ram-data-where-the-spec-puts-it", good >= int(nbytes),
                   f"{good} bytes hold the pattern of their HPA; memfill wrote {nbytes}")
    if not ok:
        raise RuntimeError(f"only {good} bytes")
    return f"{good} bytes"


HOST = {"layout": layout, "exact": exact, "filled": filled}

GUEST = GUEST_LIB + r'''
# gpf_ctrl PCIDEV: the phase 1 and phase 2 control words (hex) of the GPF
# DVSEC for ports (DVSEC ID 4) of the PCI device at sysfs path PCIDEV
gpf_ctrl() {
    local off=256 v
    while [ $off -ne 0 ]; do
        v=$(cfg_rd $1 $off 4)
        if [ $((0x$v & 0xffff)) -eq 35 ] && [ "$(cfg_rd $1 $((off + 4)) 2)" = 1e98 ] &&
           [ "$(cfg_rd $1 $((off + 8)) 2)" = 0004 ]; then
            echo "$(cfg_rd $1 $((off + 12)) 2) $(cfg_rd $1 $((off + 14)) 2)"
            return 0
        fi
        off=$((0x$v >> 20))
    done
    return 1
}
''' + rf'''
step memdevs-probed wait_memdevs 4
step_eq memdevs 4 sh -c 'cxl list -M | grep -c "\"memdev\""'
# the switch is the port whose parent port is not the root: its dports
swport=$(for p in /sys/bus/cxl/devices/port*; do [ "$(basename $(readlink -f $p/..))" != root0 ] && basename $p; done | head -1)
step_eq switch-dports 4 sh -c "ls -d /sys/bus/cxl/devices/$swport/dport* | wc -l"
step_eq switch-decoders {CXL_USP_DECODERS} sh -c "ls -d /sys/bus/cxl/devices/$swport/decoder*.* | wc -l"
step_match switch-in-cxl-list "\"port\":\"$swport\"" cxl list -P
# Linux sets the GPF timeouts of every dport on an endpoint's path to its
# maximum, base 2 scale 7 (10 s): control 0702h in both phases
hbport=$(basename $(readlink -f /sys/bus/cxl/devices/$swport/..))
for d in /sys/bus/cxl/devices/$hbport/dport* /sys/bus/cxl/devices/$swport/dport*; do
    step_eq gpf-${{d##*/}}-$(basename $(dirname $d)) "0702 0702" gpf_ctrl $(readlink -f $d)
done
order="$(memdev_of 1) $(memdev_of 2) $(memdev_of 3) $(memdev_of 4)"
step region cxl create-region -t ram -d decoder0.0 -w {WAYS} -g {GRAN} -m $order || exit 1
region=$(only_region)
base=$(region_base "$region")
step_match region-committed '"decode_state":"commit"' cxl list -R -r "$region"
step layout report_layout "$region" {WAYS} r0
step devdax devdax "$region"
step write daxpoke write $dax {OFFSET} {LENGTH} {SEED}
step read-back daxpoke check $dax {OFFSET} {LENGTH} {SEED}
step host-exact host exact
step online daxctl reconfigure-device --mode=system-ram "${{dax#/dev/}}" || exit 1
node=$(cat /sys/bus/dax/devices/${{dax#/dev/}}/target_node)
step own-node test "$node" -gt 0 || exit 1
MEMFILL_HOLD=1 memfill "$node" {FILL_MIB} {FILL_SEED} > /tmp/fill.out 2>&1 &
fill_pid=$!
i=0; while ! grep -q pages /tmp/fill.out && kill -0 $fill_pid 2>/dev/null && [ $i -lt 300 ]; do sleep 1; i=$((i + 1)); done
step_match fill-reads-back ' bad 0$' cat /tmp/fill.out
step host-filled host filled "$base" $(({FILL_MIB} * 1048576))
kill $fill_pid
step_eq kernel-log-clean "" kernel_cxl_trouble
'''
