"""A decoder that firmware committed and locked with size 0, beside
firmware-committed regions.

Some firmware locks the HDM decoders it leaves unused by committing them
with size 0; -machine cxl-region.N.size=0,cxl-region.N.locked=on does
that at the next free decoder of each component on the path. Two host
bridges, each with one root port and one device, and a window each:

- region 0: 256 MiB of t3-1 (below cxl.1, bus 12) in window 0;
- region 1: 256 MiB of t3-2 (below cxl.2, bus 64) in window 1, decoder 0
  of that host bridge and of t3-2;
- region 2: size 0, locked, in window 1 after region 1 on t3-2: decoder 1
  of that host bridge and of t3-2 are committed, locked, size 0.

What Linux 7.3 (our guests' kernel) does, seen here: init_hdm_decoder()
refuses a committed decoder of size 0 ("decoderN.1: Committed with zero
size", -ENXIO), so the host bridge port of cxl.2 fails to enumerate its
decoders: it keeps none (not even decoder 0, region 1's), gets no dport,
t3-2's memdev gets no endpoint, and region 1 is not assembled; putting
the normal region first on that path does not help, since the whole
port's enumeration fails. The other path is untouched: region 0 is
assembled at boot and the pattern the host wrote into t3-1's backend
reads back through it; the two warnings are the kernel's only CXL
complaints.

Linux 7.4 accepts such a decoder (it is committed and locked, decodes
nothing and is skipped by region assembly), so a 7.4 guest is expected
to assemble both regions 0 and 1 and log no warning. 7.4 is not
available here: the scenario checks 7.3's behaviour on a 7.3 kernel and
that expectation on any later one, which has not been run.
"""

from _cxl import GUEST_LIB, Topology, prewrite_interleave

DESCRIPTION = "zero-size locked decoder from firmware: Linux 7.3 refuses its port, the other region assembles"
MACHINE = "q35,cxl=on"
CPU = "max"                     # hypervisor bit set: Linux cannot flush caches
TOOLS = ["daxpoke"]
MODULES = ["cxl_acpi", "cxl_pci", "cxl_port", "cxl_mem", "device_dax", "dax_cxl"]

OFFSET, LENGTH, SEED = 520, 5 * 4096, 37

T = Topology()
hb1, hb2 = T.host_bridge(12), T.host_bridge(64)
T.memdev(T.root_port(hb1, 0))           # t3-1
T.memdev(T.root_port(hb2, 0))           # t3-2
T.window([hb1], size="1G")
T.window([hb2], size="1G")
REGIONS = ("cxl-region.0.window=0,cxl-region.0.size=256M,cxl-region.0.targets.0=t3-1,"
           "cxl-region.1.window=1,cxl-region.1.size=256M,cxl-region.1.targets.0=t3-2,"
           "cxl-region.2.window=1,cxl-region.2.size=0,cxl-region.2.targets.0=t3-2,"
           "cxl-region.2.locked=on")


def topology(ctx):
    args = T.args(ctx) + ["-M", REGIONS]
    prewrite_interleave(ctx, ["mem1"], OFFSET, LENGTH, SEED, 1, 4096)
    return args


GUEST = GUEST_LIB + rf'''
# the port of host bridge cxl.2 (bus 64)
port_of_hb2() {{ cxl list -P | awk '/"port"/ {{ p = $0; sub(/.*"port":"/, "", p); sub(/".*/, "", p) }}
    /"host":"pci0000:40"/ {{ print p }}'; }}
# the serials of the memdevs that have an endpoint port
endpoint_serials() {{
    local e
    for e in /sys/bus/cxl/devices/endpoint*; do
        cat /sys/bus/cxl/devices/$(basename "$(readlink -f $e/uport)")/serial
    done
}}
# wait_dmesg REGEX: until the kernel logged it; 60 s at most
wait_dmesg() {{
    local i=0
    while [ $i -lt 120 ]; do
        dmesg | grep -qE "$1" && return 0
        sleep 0.5; i=$((i + 1))
    done
    return 1
}}
# wait_regions N: until N regions are there; 30 s at most
wait_regions() {{
    local i=0
    while [ $i -lt 60 ]; do
        [ "$(cxl list -R 2>/dev/null | grep -c '"region"')" -ge "$1" ] && return 0
        sleep 0.5; i=$((i + 1))
    done
    return 1
}}
region_of() {{ cxl list -R -d "$1" | sed -n 's/.*"region":"\(region[0-9]*\)".*/\1/p'; }}

step memdevs-there wait_memdevs 1
step_eq two-memdevs 2 sh -c 'ls -d /sys/bus/cxl/devices/mem* | wc -l'
case "$(uname -r)" in
7.3.*)
    # Linux 7.3: the host bridge port of cxl.2 refuses decoder 1 (size 0)
    step zero-size-refused wait_dmesg 'cxl_port port[0-9]+: decoder[0-9]+\.1: Committed with zero size'
    P=$(port_of_hb2)
    echo "host bridge cxl.2: $P"
    step hb2-port test -n "$P"
    N=${{P#port}}
    step_match zero-size-on-hb2 "cxl_port $P: decoder$N.1: Committed with zero size" dmesg
    step_match hb2-decoders-failed "cxl_port $P: Failed to initialize decoder$N.1" dmesg
    # it keeps no decoder and no dport
    step_eq hb2-no-decoders 0 sh -c "ls /sys/bus/cxl/devices/$P/ | grep -c '^decoder[0-9]' || true"
    step_eq hb2-no-dport 0 sh -c "ls /sys/bus/cxl/devices/$P/ | grep -c '^dport' || true"
    # t3-2 gets no endpoint; t3-1 does
    step_eq only-t3-1-endpoint 0x1 endpoint_serials
    step region0-assembled wait_regions 1
    sleep 2
    step_eq one-region 1 sh -c "cxl list -R | grep -c '\"region\"'"
    ;;
*)
    # a later kernel (7.4 accepts zero-size decoders; not run here)
    step both-endpoints wait_memdevs 2
    step regions-assembled wait_regions 2
    R1=$(region_of decoder0.1)
    step region1-in-window-1 test -n "$R1"
    step_match region1-committed '"decode_state":"commit"' cxl list -R -r "$R1"
    step_match region1-size '"size":268435456,' cxl list -R -r "$R1"
    step_eq no-zero-size-warning "" sh -c "dmesg | grep 'Committed with zero size' || true"
    ;;
esac
cxl list -R -v
R0=$(region_of decoder0.0)
step region0-in-window-0 test -n "$R0"
step_match region0-committed '"decode_state":"commit"' cxl list -R -r "$R0"
step_match region0-size '"size":268435456,' cxl list -R -r "$R0"
step_eq region0-on-t3-1 1 serial_of "$(cxl list -R -r "$R0" -v | sed -n 's/.*"memdev":"\(mem[0-9]*\)".*/\1/p' | head -1)"
step devdax devdax "$R0"
step data-from-firmware-time daxpoke check $dax {OFFSET} {LENGTH} {SEED}
# nothing else went wrong: the kernel's only CXL complaints are about
# the zero-size decoder
step_eq kernel-log-clean "" sh -c "dmesg -r | grep -E '^<[0-4]>' | grep -iE 'cxl|nvdimm|nd_|pmem|dax|region' |
    grep -vE ': decoder[0-9]+\.1: Committed with zero size|: Failed to initialize decoder[0-9]+\.1$' || true"
'''
