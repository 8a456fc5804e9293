"""1-way with a CPMU counting: the 1way case's device with num-cpmus=1, and
two of its counters (M2S Req MemRd, M2S RwD MemWr) enabled through
/dev/mem (iomem=relaxed: Debian's kernel has no CPMU driver, and cxl_pci
claims the block) before the measurement. While they count, the device's
memory takes the per-access path (hw/cxl/cxl-pmu.c): this is the cost of
counting. No targets (informational); the counts are printed after."""

from _bench import devdax_case, tree

T, hbs = tree([12], 1)
T.window(hbs)

case = devdax_case(
    T, 1, 256, [1], "1-way ram region with a CPMU counting its traffic",
    {})

# CPMU 0 at BAR 0 + 64 KiB; counter n's configuration at 200h + 8n, its
# value at C00h + 8n. Counter 1: group index 1 (M2S Req), event MemRd
# (bit 1), threshold 1, enabled; counter 2: group index 2 (M2S RwD),
# MemWr. The high half first: the group index is there. (Counters 1 and 2
# are the fixed MemRd and MemWr counters: the index and events written
# are the read-only values they hold.)
ENABLE = r'''
pmu_base() {
    local d
    for d in /sys/bus/pci/devices/*; do
        [ "$(cat $d/class)" = 0x050210 ] || continue
        echo $(( $(cut -d' ' -f1 $d/resource | head -1) + 0x10000 ))
        return 0
    done
    return 1
}
pmu=$(pmu_base) || { echo "no cxl-type3"; exit 1; }
devmem $((pmu + 0x20c)) 32 0x08000000
devmem $((pmu + 0x208)) 32 0x02010100
devmem $((pmu + 0x214)) 32 0x10000000
devmem $((pmu + 0x210)) 32 0x02010100
echo "cpmu at $(printf 0x%x $pmu): counter 1 $(devmem $((pmu + 0x208)) 32)"
'''
COUNTS = r'''
echo "cpmu counts: MemRd $(devmem $((pmu + 0xc08)) 32) $(devmem $((pmu + 0xc0c)) 32)" \
     "MemWr $(devmem $((pmu + 0xc10)) 32) $(devmem $((pmu + 0xc14)) 32) (low, high)"
'''
case["GUEST"] = case["GUEST"].replace(
    "step bench bench ", ENABLE + "step bench bench ") + COUNTS
case["APPEND"] = "iomem=relaxed"
_args = case["topology"]


def _topology(ctx):
    return _args(ctx) + ["-global", "cxl-type3.num-cpmus=1"]


case["topology"] = _topology
globals().update(case)
