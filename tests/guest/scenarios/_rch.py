"""Helpers of the CXL 1.1 (RCH/RCD) scenarios.

Linux 7.3 warns once when it attaches an RCD to a region:
cxl_endpoint_gather_bandwidth() (drivers/cxl/core/cdat.c) looks up the
root port's parent as a port ("cxl_acpi ACPI0017:00: not a cxl_port
device", a WARNING from to_cxl_port()) before it checks for an RCD and
gives up on bandwidth; nothing else follows from it. RCH scenarios allow
that warning only (ALLOW_WARNINGS) and check the kernel log without it
(rch_trouble).
"""

ALLOW_WARNINGS = ["not a cxl_port device"]

# rch_trouble: the kernel's CXL messages at warning level or worse, but
# for the one report above; pcie_type BDF: the Device/Port Type of the
# PCIe capability (9: Root Complex Integrated Endpoint)
RCH_LIB = r'''
pcie_type() {
    local d=/sys/bus/pci/devices/$1 p
    p=$((0x$(cfg_rd $d 52 1)))
    while [ $p -ne 0 ]; do
        if [ $((0x$(cfg_rd $d $p 1))) -eq 16 ]; then
            echo $(( (0x$(cfg_rd $d $((p + 2)) 2) >> 4) & 15 ))
            return 0
        fi
        p=$((0x$(cfg_rd $d $((p + 1)) 1)))
    done
    return 1
}
rch_trouble() {
    dmesg -r | awk '/not a cxl_port device/ { skip = 1 } !skip { print } /end trace/ { skip = 0 }' |
        grep -E '^<[0-4]>' | grep -iE 'cxl|nvdimm|nd_|pmem|dax|region' || true
}
'''


def rch_args(dev_opts, regions="", window="cxl-fmw.0.targets.0=rch,cxl-fmw.0.size=4G"):
    """An RCH "rch" (bus 12) with an RCD "rcd" (cxl-type3 with @dev_opts),
    window 0 over the RCH, and the -machine cxl-region options @regions."""
    return (["-M", window + ("," + regions if regions else ""),
             "-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=rch,rch=on",
             "-device", f"cxl-type3,bus=rch,id=rcd,{dev_opts}"])
