"""`make demo`: boot the richest topology we have and show what Linux sees.

To demo a real CXL topology, change TOPOLOGY below (the only place it
lives); the guest script already prints whatever `cxl list` finds.
"""

DESCRIPTION = "the richest topology available, shown through cxl list"

# The richest topology available today: CXL host bridges and fixed memory
# windows (root ports and memory devices have not landed yet).
TOPOLOGY = [
    "-M", "q35,cxl=on,"
          "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G,cxl-fmw.0.interleave-granularity=8k,"
          "cxl-fmw.1.targets.0=cxl.1,cxl-fmw.1.targets.1=cxl.2,cxl-fmw.1.size=8G",
    "-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1",
    "-device", "pxb-cxl,bus_nr=222,bus=pcie.0,id=cxl.2",
]

GUEST = r'''
echo
echo "=== Guest: Linux $(uname -r), cxl-cli $(cxl --version 2>/dev/null)"
echo
list=$(cxl list -B -P -D -T -E -M -R -v 2>/tmp/cxl-list.err)
rc=$?
echo "=== What the guest's 'cxl list -BPDTEMR -v' sees:"
case $list in
    ""|"[]")
        [ $rc -eq 0 ] && echo "no CXL device present" || cat /tmp/cxl-list.err
        ;;
    *)
        count() { cxl list "$1" 2>/dev/null | grep -c "\"$2\""; }
        echo "  $(count -B bus) bus(es), $(count -P port) port(s)," \
             "$(count -E endpoint) endpoint(s), $(count -M memdev) memdev(s)," \
             "$(count -D decoder) decoder(s), $(count -R region) region(s)"
        echo
        echo "$list"
        echo
        echo "=== CXL windows and regions in /proc/iomem:"
        grep -iE 'cxl|window|region' /proc/iomem || echo "  (none)"
        echo
        echo "=== DAX devices (daxctl list):"
        dax=$(daxctl list 2>/dev/null)
        echo "${dax:-  (none)}"
        ;;
esac
echo
echo "=== PCI devices (bus:dev.fn vendor:device class):"
for d in /sys/bus/pci/devices/*; do
    printf '  %s  %s:%s  %s\n' "${d##*/}" "$(sed 's/0x//' $d/vendor)" \
        "$(sed 's/0x//' $d/device)" "$(sed 's/0x//' $d/class)"
done
echo
step cxl-list-ran test $rc -eq 0
'''
