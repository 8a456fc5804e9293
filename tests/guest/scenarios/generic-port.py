"""Generic Ports, SRAT and HMAT: CXL regions with their QoS class and
access coordinates, as the stock kernel computes them.

Two host bridges, each with a Generic Port (acpi-generic-port) on a NUMA
node of its own and HMAT latency/bandwidth from the CPUs' node 0 to it, one
root port and one volatile cxl-type3 each, and one window per host bridge.
The SRAT has the two Generic Port Affinity structures (ACPI0016 handles
with the host bridges' UIDs), the HMAT the figures given here; Linux gives
the memdevs and the root decoders QoS class 0 (the QTG _DSM's answer and
the windows' QTG), no region reports a mismatch, and each region's
access0/access1 coordinates equal what this file computes, by the rules of
Linux 7.3 (drivers/cxl/core/port.c cxl_endpoint_get_perf_coordinates,
core/cdat.c cxl_region_perf_data_calculate and
cxl_region_shared_upstream_bandwidth_update), from
- the device's CDAT DSLBIS (hw/cxl/cxl-cdat.c volatile defaults: 150 ns read
  and write latency, 25600 MB/s read and write bandwidth),
- the HMAT figures for the Generic Port's node (GENERIC_PORTS below),
- the PCIe link speed and width of the endpoint and its root port, as the
  guest reads them (current_link_speed/width), and the flit size of the
  root port's link as Linux's cxl_pci_flit_256() reads it (Link Status 2
  Flit Mode Status: 256 bytes when set, else 68).
The devices' links are set with upstream 11.1's x-speed, x-width and
x-256b-flit properties (the root ports keep their defaults, 64 GT/s x32
with flit mode): host bridge 2's device runs at 8 GT/s x16 in flit mode
(the root port's link runs in 256-byte flits), host bridge 3's at 8 GT/s x8
(68-byte flits): both are limited by their links, so halving the width
halves the region bandwidth the guest reports (16000 -> 8000 MB/s), which
a check compares.
Host bridge 1's Generic Port has less bandwidth than the link (the HMAT
figure is the limit), host bridge 2's more (the link is the limit), host
bridge 3's has no -numa hmat-lb: QEMU's defaults (50 ns, 64 GiB/s) apply.
A fourth window on host bridge 3 has QTG 1 where the QTG _DSM answers 0:
host bridge 3's region is made in it, and Linux reports the mismatch.
Host bridge 4 has a switch between its root port and the device; the
switch's CDAT (a file this scenario writes, cdat= on cxl-upstream) has
SSLBIS latency and bandwidth for its downstream port 2 (and different
figures for port 1, which must not be used), the bandwidth lower than the
links' and the device's DSLBIS: the region's coordinates add the SSLBIS
latency and both link latencies (switch downstream port and root port)
and take the SSLBIS bandwidth as the limit (cxl_endpoint_get_perf_coordinates,
cxl_endpoint_gather_bandwidth, cxl_switch_gather_bandwidth).
The SRAT's Generic Port structures and the HMAT's entries are checked as
iasl decodes them.
"""

import struct

from _cxl import GUEST_LIB

DESCRIPTION = "acpi-generic-port + HMAT: SRAT/HMAT, qos_class, region access0/1 computed from CDAT+HMAT+link"
TIMEOUT = 300

# host bridge id -> (bus_nr, node, HMAT latency ns, HMAT bandwidth MiB/s);
# None: no -numa hmat-lb for the node, QEMU's defaults apply (hw/cxl/cxl-acpi.c
# CXL_GP_DEFAULT_LATENCY_NS, CXL_GP_DEFAULT_BANDWIDTH)
GENERIC_PORTS = {
    "cxl.1": (12, 1, 40, 200),
    "cxl.2": (222, 2, 70, 65536),
    "cxl.3": (100, 3, None, None),
    "cxl.4": (150, 4, 20, 65536),
}
# host bridge 4: root port -> cxl-upstream -> cxl-downstream port SWITCH_DSP
SWITCH_HB = "cxl.4"
SWITCH_DSP = 2
# SSLBIS (upstream port -> downstream port): read/write latency ns,
# read/write bandwidth MB/s; DECOY for port 1 (no device there)
SSLBIS = {SWITCH_DSP: (33, 37, 180, 150), 1: (5, 5, 100, 100)}
GP_DEFAULT = (50, 65536)
CDAT_LATENCY_NS = 150           # CXL_CDAT_DEFAULT_VOLATILE_*_LATENCY_PS / 1000
CDAT_BANDWIDTH_MBS = 25600      # CXL_CDAT_DEFAULT_VOLATILE_BANDWIDTH_MBS
# host bridge id -> the cxl-type3's link properties (others: the defaults,
# 32 GT/s x16 without flit mode)
DEVICE_LINK = {
    "cxl.2": ",x-speed=8,x-256b-flit=on",
    "cxl.3": ",x-speed=8,x-width=8",
}
# the expected region bandwidth of those two, and their ratio: the width halved
HALVED_WIDTH = ("cxl.2", "cxl.3")


def _lb(init, target, kind, value):
    unit = "latency" if kind == "latency" else "bandwidth"
    return ["-numa", f"hmat-lb,initiator={init},target={target},hierarchy=memory,"
                     f"data-type=access-{kind},{unit}={value}"]


def switch_cdat():
    """A CDAT of one SSLBIS per data type (HMAT read/write latency and
    bandwidth: 1, 2, 4, 5), entries upstream port (0x100) -> downstream
    port N; latency in ns with a 1000 ps base unit, bandwidth in MB/s."""
    body = b""
    for k, data_type in enumerate((1, 2, 4, 5)):
        unit = 1000 if data_type < 3 else 1
        entries = b"".join(struct.pack("<HHHH", 0x100, port, vals[k], 0)
                           for port, vals in sorted(SSLBIS.items()))
        body += struct.pack("<BBHB3xQ", 5, 0, 16 + len(entries), data_type, unit) + entries
    length = 16 + len(body)
    table = bytearray(struct.pack("<IBB6xI", length, 1, 0, 0) + body)
    table[5] = -sum(table) & 0xff
    return bytes(table)


def topology(ctx):
    with open(ctx.path("switch.cdat"), "wb") as f:
        f.write(switch_cdat())
    args = ["-M", "q35,cxl=on,hmat=on,"
                  "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G,"
                  "cxl-fmw.1.targets.0=cxl.2,cxl-fmw.1.size=4G,"
                  "cxl-fmw.2.targets.0=cxl.3,cxl-fmw.2.size=4G,"
                  "cxl-fmw.3.targets.0=cxl.3,cxl-fmw.3.size=4G,cxl-fmw.3.qtg-id=1,"
                  "cxl-fmw.4.targets.0=cxl.4,cxl-fmw.4.size=4G",
            "-smp", "2",
            "-object", "memory-backend-ram,id=ram0,size=2G",
            "-numa", "node,nodeid=0,cpus=0-1,memdev=ram0"]
    args += _lb(0, 0, "latency", 10) + _lb(0, 0, "bandwidth", "20G")
    for slot, (hb, (bus_nr, node, lat, bw)) in enumerate(sorted(GENERIC_PORTS.items())):
        n = slot + 1
        args += ["-numa", f"node,nodeid={node}",
                 "-device", f"pxb-cxl,bus_nr={bus_nr},bus=pcie.0,id={hb}",
                 "-object", f"acpi-generic-port,id=gp{n},pci-bus={hb},node={node}",
                 "-device", f"cxl-rp,port=0,bus={hb},id=rp{n},chassis=0,slot={n + 1}",
                 "-object", f"memory-backend-ram,id=vmem{n},size=256M"]
        parent = f"rp{n}"
        if hb == SWITCH_HB:
            args += ["-device", f"cxl-upstream,bus=rp{n},id=us{n},sn=0x100{n},"
                                f"cdat={ctx.path('switch.cdat')}",
                     "-device", f"cxl-downstream,port={SWITCH_DSP},bus=us{n},id=ds{n},"
                                f"chassis=0,slot={n + 10}"]
            parent = f"ds{n}"
        args += ["-device", f"cxl-type3,bus={parent},volatile-memdev=vmem{n},id=t3{n},sn={n}"
                            + DEVICE_LINK.get(hb, "")]
        if lat is not None:
            args += _lb(0, node, "latency", lat) + _lb(0, node, "bandwidth", f"{bw}M")
    return args


# Linux drivers/pci: raw Mb/s per lane (pcie_dev_speed_mbps) and after the
# line encoding (PCIE_SPEED2MBS_ENC)
RAW_MBPS = {"2.5": 2500, "5.0": 5000, "8.0": 8000, "16.0": 16000, "32.0": 32000, "64.0": 64000}
ENC_MBPS = {"2.5": 2500 * 8 // 10, "5.0": 5000 * 8 // 10, "8.0": 8000 * 128 // 130,
            "16.0": 16000 * 128 // 130, "32.0": 32000 * 128 // 130, "64.0": 64000}


def flit_bytes(flit):
    """cxl_flit_size(): 256 in flit mode (Link Status 2 bit), else 68"""
    return 256 if flit else 68


def gp_figures(hb):
    """HB's Generic Port latency (ns) and bandwidth (MB/s): its -numa
    hmat-lb figures, or QEMU's defaults"""
    _, _, gp_lat, gp_bw = GENERIC_PORTS[hb]
    return GP_DEFAULT if gp_lat is None else (gp_lat, gp_bw)


def link_latency_ns(speed, width, flit):
    """cxl_pci_get_latency (flit / raw link bandwidth, ps) rounded up to ns
    by add_latency"""
    return -(-(flit_bytes(flit) * 1000000 // (RAW_MBPS[speed] * width // 8)) // 1000)


def expected_switch(hb, links, flits):
    """Region coordinates of a 1-way region on the device below HB's
    switch. LINKS: (speed, width) of the endpoint, the switch downstream
    port, the switch upstream port and the root port, as the guest reads
    them, and FLITS the flit mode of the downstream port's and the root
    port's links."""
    (ep_s, ep_w), (dsp_s, dsp_w), (usp_s, usp_w), (rp_s, rp_w) = links
    dsp_flit, rp_flit = flits
    gp_lat, gp_bw = gp_figures(hb)
    r_lat, w_lat, r_bw, w_bw = SSLBIS[SWITCH_DSP]
    # cxl_endpoint_get_perf_coordinates: the downstream port's SSLBIS and
    # link latency, the root port's link latency, the Generic Port; then
    # the PCIe bandwidth available on the whole path (encoded, minimum of
    # every link) / 8
    path_lat = (link_latency_ns(dsp_s, dsp_w, dsp_flit) +
                link_latency_ns(rp_s, rp_w, rp_flit) + gp_lat)
    avail = min(ENC_MBPS[s] * w for s, w in links) // 8
    # cxl_endpoint_gather_bandwidth: min(endpoint raw link, DSLBIS, SSLBIS);
    # cxl_switch_gather_bandwidth: min with the upstream port's raw link;
    # cxl_hb_gather_bandwidth: min with the Generic Port
    def bw(sslbis_bw):
        return min(RAW_MBPS[ep_s] * ep_w // 8, CDAT_BANDWIDTH_MBS, sslbis_bw,
                   RAW_MBPS[usp_s] * usp_w // 8, gp_bw)
    return {"read_latency": CDAT_LATENCY_NS + r_lat + path_lat,
            "write_latency": CDAT_LATENCY_NS + w_lat + path_lat,
            "read_bandwidth": bw(r_bw), "write_bandwidth": bw(w_bw)}, \
        {"path_latency": path_lat, "pcie_available": avail}


def expected(hb, ep_speed, ep_width, rp_speed, rp_width, rp_flit):
    """Region coordinates (same for access0 and access1: node 0, the only
    initiator, has the CPUs) of a 1-way region on the device below HB."""
    gp_lat, gp_bw = gp_figures(hb)
    # HMAT: QEMU writes latency in ps and bandwidth in MB/s (1 MiB units of
    # -numa hmat-lb); Linux reads ns (rounded up) and MB/s
    # cxl_endpoint_get_perf_coordinates: the root port's link latency
    # (cxl_pci_get_latency: flit / raw link bandwidth, in ps, rounded up to
    # ns by add_latency), plus the Generic Port's; bandwidth: the Generic
    # Port's, capped by pcie_bandwidth_available (encoded, minimum over the
    # endpoint and root port links) / 8
    link_ns = link_latency_ns(rp_speed, rp_width, rp_flit)
    ep_lat = link_ns + gp_lat
    avail = min(ENC_MBPS[ep_speed] * ep_width, ENC_MBPS[rp_speed] * rp_width) // 8
    ep_bw = min(gp_bw, avail)
    # cxl_port_perf_data_calculate: + the CDAT DSLBIS
    lat = CDAT_LATENCY_NS + ep_lat
    # cxl_region_shared_upstream_bandwidth_update (after the perf sum) for a
    # device on a root port: min(endpoint raw link / 8, DSLBIS), then min
    # with the host bridge's (Generic Port) bandwidth
    bw = min(RAW_MBPS[ep_speed] * ep_width // 8, CDAT_BANDWIDTH_MBS, gp_bw)
    return {"read_latency": lat, "write_latency": lat, "read_bandwidth": bw,
            "write_bandwidth": bw}, {"link_ns": link_ns, "pcie_available": avail, "endpoint_bw": ep_bw}


ATTRS = ("read_latency", "write_latency", "read_bandwidth", "write_bandwidth")


def perf(ctx, hb, ep_speed, ep_width, ep_flit, rp_speed, rp_width, rp_flit, *values):
    want, why = expected(hb, ep_speed, int(ep_width), rp_speed, int(rp_width), int(rp_flit))
    return compare(ctx, hb, want, f"link {ep_speed}x{ep_width} flit {ep_flit} / "
                   f"{rp_speed}x{rp_width} flit {rp_flit}, {why}", values)


def perf_switch(ctx, hb, *args):
    links = [(args[i], int(args[i + 1])) for i in range(0, 12, 3)]
    flits = (int(args[5]), int(args[11]))
    want, why = expected_switch(hb, links, flits)
    return compare(ctx, hb, want, f"links {links}, flits {flits}, {why}", args[12:])


def halved_width(ctx):
    """The two devices that differ only in width (x16, x8 at 8 GT/s): the
    guest's region bandwidth is halved, both link-limited as computed."""
    wide, narrow = (ctx.region_bw.get(hb) for hb in HALVED_WIDTH)
    ok = ctx.check("halved-width-halves-bandwidth",
                   wide is not None and narrow is not None and wide == 16000 and
                   narrow == 8000, f"read/write bandwidth {wide} (x16) and {narrow} (x8), "
                                   "want 16000 and 8000 MB/s")
    return f"{wide} -> {narrow}" if ok else "mismatch"


def compare(ctx, hb, want, why, values):
    got = [int(v) for v in values]
    if not hasattr(ctx, "region_bw"):
        ctx.region_bw = {}
    if got[2:4] == got[6:8] and got[2] == got[3]:
        ctx.region_bw[hb] = got[2]
    details = []
    for i, access in enumerate(("access0", "access1")):
        for j, attr in enumerate(ATTRS):
            g = got[i * 4 + j]
            ctx.check(f"{hb}-{access}-{attr}", g == want[attr],
                      f"sysfs {g}, computed {want[attr]} ({why})")
            details.append(f"{access}.{attr}={g}/{want[attr]}")
    return " ".join(details)


HOST = {"perf": perf, "perf_switch": perf_switch, "halved_width": halved_width}

GUEST = GUEST_LIB + r'''
cd /tmp
T=/sys/firmware/acpi/tables
iasl_clean() { iasl -d "$1" > "$1.log" 2>&1 && ! grep -iE "error|warning" "$1.log"; }
cp $T/SRAT srat.dat
cp $T/HMAT hmat.dat
step srat-disassembles iasl_clean srat.dat
step hmat-disassembles iasl_clean hmat.dat
# Generic Port Affinity: "proximity domain / handle type / device handle"
# (ACPI device handle: _HID ACPI0016, then the _UID = bus number)
gp_list() {
    awk -F' : ' '/Subtable Type : 06/ { on = 1 } !on { next }
                 /Device Handle Type/ { t = $2 } /Proximity Domain/ { pd = $2 }
                 /Device Handle :/ { h = $2; sub(/ +$/, "", h); print pd "/" t "/" h; on = 0 }' srat.dsl | sort
}
H="41 43 50 49 30 30 31 36"
step_eq srat-generic-ports "00000001/00/$H 0C 00 00 00 00 00 00 00
00000002/00/$H DE 00 00 00 00 00 00 00
00000003/00/$H 64 00 00 00 00 00 00 00
00000004/00/$H 96 00 00 00 00 00 00 00" gp_list
step_match srat-gp-enabled 'Enabled : 1' sh -c 'grep -A8 "Subtable Type : 06" srat.dsl'
# HMAT System Locality Latency and Bandwidth (initiator node 0; targets
# nodes 0-4): "data type / base unit / entries"; latency in ps units
# (10000 ps = 10 ns: 10, 40, 70, 50, 20 ns), bandwidth in MB/s units
# (8 MB/s: 20480, 200, 65536, 65536, 65536 MB/s)
hmat_lb() {
    awk -F' : ' '/Data Type/ { if (d != "") print d "/" b "/" e; d = $2; e = "" }
                 /Entry Base Unit/ { b = $2 } /Entry :/ { e = e (e == "" ? "" : ",") $2 }
                 END { if (d != "") print d "/" b "/" e }' hmat.dsl
}
step_eq hmat-latency-bandwidth "00/0000000000002710/0001,0004,0007,0005,0002
03/0000000000000008/0A00,0019,2000,2000,2000" hmat_lb

step memdevs-probed wait_memdevs 4
m1=$(memdev_of 1); m2=$(memdev_of 2); m3=$(memdev_of 3); m4=$(memdev_of 4)
step_match memdev1-ram-qos-class '"ram_qos_class":0' cxl list -M -m "$m1"
step_match memdev2-ram-qos-class '"ram_qos_class":0' cxl list -M -m "$m2"
step_match memdev3-ram-qos-class '"ram_qos_class":0' cxl list -M -m "$m3"
step_match memdev4-ram-qos-class '"ram_qos_class":0' cxl list -M -m "$m4"
step_eq root-decoders-qos-class-0 4 sh -c 'cxl list -D -d root | grep -c "\"qos_class\":0"'
step_match root-decoder3-qos-class-1 '"qos_class":1' cxl list -D -d decoder0.3
r1=$(cxl create-region -t ram -d decoder0.0 -m "$m1" | sed -n 's/.*"region":"\(region[0-9]*\)".*/\1/p' | head -1)
step_match region1 'region[0-9]+' echo "$r1"
r2=$(cxl create-region -t ram -d decoder0.1 -m "$m2" | sed -n 's/.*"region":"\(region[0-9]*\)".*/\1/p' | head -1)
step_match region2 'region[0-9]+' echo "$r2"
r3=$(cxl create-region -t ram -d decoder0.3 -m "$m3" | sed -n 's/.*"region":"\(region[0-9]*\)".*/\1/p' | head -1)
step_match region3 'region[0-9]+' echo "$r3"
r4=$(cxl create-region -t ram -d decoder0.4 -m "$m4" | sed -n 's/.*"region":"\(region[0-9]*\)".*/\1/p' | head -1)
step_match region4-behind-switch 'region[0-9]+' echo "$r4"
step_eq regions 4 sh -c 'cxl list -R | grep -c "\"region\":"'
step_eq no-qos-class-mismatch "" sh -c "{ cxl list -R -r $r1; cxl list -R -r $r2; cxl list -R -r $r4; } | grep qos_class_mismatch || true"
step_match qtg-1-window-mismatch '"qos_class_mismatch":true' cxl list -R -r "$r3"
note "$(cxl list -R -M -D)"

# speed, width and flit mode of a PCI device's link: current_link_speed and
# current_link_width, and Flit Mode Status (pci_flit_mode, GUEST_LIB)
link() {
    cat /sys/bus/pci/devices/$1/current_link_speed | cut -d' ' -f1
    cat /sys/bus/pci/devices/$1/current_link_width
    pci_flit_mode "$1"
}
coords() {
    for a in access0 access1; do
        for f in read_latency write_latency read_bandwidth write_bandwidth; do
            cat /sys/bus/cxl/devices/$1/$a/$f 2>/dev/null || echo 0
        done
    done
}
check_region() {
    local hb=$1 m=$2 r=$3 ep rp
    ep=$(basename "$(dirname "$(readlink -f /sys/bus/cxl/devices/$m)")")
    rp=$(basename "$(dirname "$(readlink -f /sys/bus/pci/devices/$ep)")")
    note "$hb: $m on $ep below $rp, $r: $(coords $r | tr '\n' ' ')"
    host perf $hb $(link $ep) $(link $rp) $(coords $r)
}
step region1-coordinates check_region cxl.1 "$m1" "$r1"
step region2-coordinates check_region cxl.2 "$m2" "$r2"
step region3-coordinates check_region cxl.3 "$m3" "$r3"
# below the switch: endpoint, downstream port, upstream port, root port
check_switch_region() {
    local hb=$1 m=$2 r=$3 ep dsp usp rp
    ep=$(basename "$(dirname "$(readlink -f /sys/bus/cxl/devices/$m)")")
    dsp=$(basename "$(dirname "$(readlink -f /sys/bus/pci/devices/$ep)")")
    usp=$(basename "$(dirname "$(readlink -f /sys/bus/pci/devices/$dsp)")")
    rp=$(basename "$(dirname "$(readlink -f /sys/bus/pci/devices/$usp)")")
    note "$hb: $m on $ep below $dsp / $usp / $rp, $r: $(coords $r | tr '\n' ' ')"
    host perf_switch $hb $(link $ep) $(link $dsp) $(link $usp) $(link $rp) $(coords $r)
}
step region4-coordinates-through-switch check_switch_region cxl.4 "$m4" "$r4"
step halved-width-halves-bandwidth host halved_width
step_eq kernel-log-clean "" kernel_cxl_trouble
'''
