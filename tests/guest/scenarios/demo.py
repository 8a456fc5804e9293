"""`make demo`: boot the richest topology we have and show what Linux sees.

To demo a real CXL topology, change TOPOLOGY below (the only place it
lives); the guest script already prints whatever `cxl list` finds.
"""

DESCRIPTION = "the richest topology available, shown through cxl list"

# Two host bridges, each with two root ports and a memory device: two
# persistent (with labels) and two volatile, and one window interleaved
# across both host bridges. The guest script creates a 2-way ram region and
# a 2-way pmem region before it looks.
TOPOLOGY = [
    "-M", "q35,cxl=on,"
          "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.targets.1=cxl.2,cxl-fmw.0.size=4G,"
          "cxl-fmw.0.interleave-granularity=4k",
    "-object", "memory-backend-ram,id=vmem0,size=256M",
    "-object", "memory-backend-ram,id=vmem1,size=256M",
    "-object", "memory-backend-ram,id=pmem0,size=256M",
    "-object", "memory-backend-ram,id=pmem1,size=256M",
    "-object", "memory-backend-ram,id=lsa0,size=1M",
    "-object", "memory-backend-ram,id=lsa1,size=1M",
    "-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1",
    "-device", "pxb-cxl,bus_nr=222,bus=pcie.0,id=cxl.2",
    "-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2",
    "-device", "cxl-rp,port=1,bus=cxl.1,id=rp1,chassis=0,slot=3",
    "-device", "cxl-rp,port=0,bus=cxl.2,id=rp2,chassis=0,slot=4",
    "-device", "cxl-rp,port=1,bus=cxl.2,id=rp3,chassis=0,slot=5",
    "-device", "cxl-type3,bus=rp0,volatile-memdev=vmem0,id=cxl-vmem0,sn=1",
    "-device", "cxl-type3,bus=rp2,volatile-memdev=vmem1,id=cxl-vmem1,sn=2",
    "-device", "cxl-type3,bus=rp1,persistent-memdev=pmem0,lsa=lsa0,id=cxl-pmem0,sn=3",
    "-device", "cxl-type3,bus=rp3,persistent-memdev=pmem1,lsa=lsa1,id=cxl-pmem1,sn=4",
]

GUEST = r'''
# wait for the four memdevs (as _cxl.GUEST_LIB's wait_memdevs does)
i=0; while [ $(ls -d /sys/bus/cxl/devices/endpoint* 2>/dev/null | wc -l) -lt 4 ] && [ $i -lt 180 ]; do sleep 0.5; i=$((i + 1)); done
# memdevs by serial, then one 2-way region of each kind across the bridges
memdev_of() {
    cxl list -M | awk -v s="$1" '/"memdev"/ { m = $0; sub(/.*"memdev":"/, "", m); sub(/".*/, "", m) }
                                 /"serial"/ { v = $0; sub(/.*"serial":/, "", v); sub(/[^0-9].*/, "", v); if (v == s) print m }'
}
cxl create-region -t ram -d decoder0.0 -w 2 -g 4096 -m $(memdev_of 1) $(memdev_of 2) >/dev/null 2>/tmp/region.err ||
    cat /tmp/region.err
cxl create-region -t pmem -d decoder0.0 -w 2 -g 4096 -m $(memdev_of 3) $(memdev_of 4) >/dev/null 2>/tmp/region.err ||
    cat /tmp/region.err
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
