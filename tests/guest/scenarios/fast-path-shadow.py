"""A 2-way region at 256 B over memory-backend-ram devices is served from a
shadow copy (hw/cxl/cxl-shadow.c), and stays the memory Linux wrote,
through every change that unmaps and maps it again.

One host bridge, two root ports, a 512 MiB volatile cxl-type3 below each
(serials 1 and 2), backends with share=off. Region A (2-way, 256 B,
512 MiB) as device DAX: the host checks that all of it is shadowed. The
guest writes a pattern and a function into it, then creates region B on
the same devices while a second process keeps rewriting and checking part
of A with a new value each time: B's commit unmaps A's shadow, writes it
back (as safe work) and maps it again, and no write of the loop may get
lost. Then code and data in A are as last written; Clear Poison (debugfs)
on A's first line writes zeros through the device, which the shadow must
show; and after A is destroyed and created again (written back, filled
again) everything is still there. A virtio-blk disk moves 2 MiB into A
and 2 MiB out of it by DMA (O_DIRECT): a shadow is RAM to devices too.

The writer's rounds in flight while B is committed, and while B is then
destroyed and created again three times, exercise the remap under load:
a write lost between the write-back and the new fill fails its round's
check. This is how the fill race was found and is caught: the vCPU that
runs the writer, on the per-access path between the write-back and the
fill, waited for the BQL the main loop held while it scanned and filled,
and its write then landed in the devices' memory behind the mapped
copy. With the vCPUs now stopped while shadows are filled and mapped
(cxl_fast_path_map_all()), it is gone; before, with three busy loops
beside QEMU, 2 of 5 runs of B's creation and destruction four times
lost a write. Unloaded it rarely shows: the vCPUs must run between the
write-back and the fill. The writer does not catch the narrower race the
safe work exists for (a vCPU writing through a TLB entry the unmap has
not flushed yet): with the write-back done at once in the flush instead,
two runs passed. Leaving out the copy of Clear Poison's data into the
shadow makes cleared-line-zero fail.
"""

from _cxl import GUEST_LIB, MiB, dax_bytes, two_rp_topology, type3_sum

DESCRIPTION = "2-way 256 B region on private memory: shadowed, coherent across remaps and Clear Poison"
MACHINE = "q35,cxl=on"
TOOLS = ["daxpoke"]
MODULES = ["cxl_acpi", "cxl_pci", "cxl_port", "cxl_mem", "device_dax", "dax_cxl", "virtio_blk"]
TIMEOUT = 400

TOPO = two_rp_topology(size="512M", shared=False)


# DMA: the disk's first 2 MiB hold daxpoke's pattern 31 for region offset
# DMA_IN; region [0, 2 MiB) (pattern 7) goes to disk offset DMA_LEN
DMA_IN, DMA_LEN = 16 * MiB, 2 * MiB
# times B is destroyed and created again while the writer runs
CYCLES = 3


def topology(ctx):
    ctx.file("disk.img", data=dax_bytes(DMA_IN, 31, DMA_LEN) + bytes(DMA_LEN))
    return TOPO.args(ctx) + [
        "-drive", f"file={ctx.path('disk.img')},if=none,id=disk0,format=raw",
        "-device", "virtio-blk-pci,drive=disk0,bus=pcie.0"]


def check(ctx):
    with open(ctx.path("disk.img"), "rb") as f:
        disk = f.read()
    ctx.check("dma-out-on-disk", disk[DMA_LEN:2 * DMA_LEN] == dax_bytes(0, 7, DMA_LEN),
              f"disk [0x{DMA_LEN:x}, +0x{DMA_LEN:x}) holds region [0, +0x{DMA_LEN:x})")


def shadowed(ctx, mib):
    """HOST["shadowed"] MIB: the devices' memory mapped by the fast path is
    MIB MiB, and the window has a shadow overlay."""
    n = type3_sum(ctx, "x-fast-path-mapped", TOPO.devices)
    mtree = ctx.qmp("human-monitor-command", **{"command-line": "info mtree"})
    ok = n == int(mib) << 20 and "cxl-fixed-memory-window-0-shadow-" in mtree
    ctx.check(f"shadowed-{mib}MiB", ok, f"{n} bytes mapped")
    return str(n)


HOST = {"shadowed": shadowed}

GUEST = (GUEST_LIB + r'''
step memdevs-probed wait_memdevs 2
# the same virtual addresses in every daxpoke run
echo 0 > /proc/sys/kernel/randomize_va_space
m1=$(memdev_of 1)
order="$m1 $(memdev_of 2)"
make_region() { cxl create-region -t ram -d decoder0.0 -w 2 -g 256 -s 512M -m $order; }
# the region that is not A
other_region() {
    cxl list -R | sed -n 's/.*"region":"\(region[0-9]*\)".*/\1/p' | grep -vx "$region_a" | head -1
}
step region-a make_region
region_a=$(only_region)
step devdax-a devdax "$region_a"
dax_a=$dax
step shadowed-a host shadowed 512
step write-pattern daxpoke write $dax_a 0 0x400000 7
step exec-shadow daxpoke exec $dax_a 0x800000 0x1111
disk=/dev/$(ls /sys/block | grep '^vd' | head -1)
step dma-in daxpoke dma-in $dax_a __DMA_IN__ __DMA_LEN__ $disk 0
step dma-arrived daxpoke check $dax_a __DMA_IN__ __DMA_LEN__ 31
step dma-out daxpoke dma-out $dax_a 0 __DMA_LEN__ $disk __DMA_LEN__

# A process keeps writing part of A, a new value each round, and checks it
start_writer() {
    rm -f /tmp/stop /tmp/bgfail
    (
        i=0
        while [ ! -f /tmp/stop ]; do
            i=$((i + 1))
            daxpoke write $dax_a 0x400000 0x100000 $i >/dev/null &&
                daxpoke check $dax_a 0x400000 0x100000 $i >/tmp/bgout ||
                { echo "round $i: $(cat /tmp/bgout)" > /tmp/bgfail; break; }
        done
        echo $i > /tmp/bgrounds
    ) &
    bg=$!
}
stop_writer() {
    touch /tmp/stop
    wait $bg
    echo "writer rounds: $(cat /tmp/bgrounds)"
    [ -f /tmp/bgfail ] && cat /tmp/bgfail
    test ! -f /tmp/bgfail
}
# region B while the writer runs
start_writer
step region-b make_region
sleep 1
step writes-kept stop_writer
region_b=$(other_region)
step shadowed-a-and-b host shadowed 1024
step pattern-after-b daxpoke check $dax_a 0 0x400000 7
step call-after-b daxpoke call $dax_a 0x800000 0x1111
step rewrite-code daxpoke exec $dax_a 0x800000 0x2222
# B destroyed and created again, __CYCLES__ times, while the writer runs:
# each time A is written back and filled again, from a vCPU's decoder
# commits (see the docstring)
cycle_b() {
    for i in $(seq __CYCLES__); do
        cxl destroy-region -f "$region_b" && make_region >/dev/null || return 1
        region_b=$(other_region)
    done
}
start_writer
step recreate-b cycle_b
step writes-kept-recreate stop_writer

# Clear Poison writes zeros through the device: the shadow shows them.
# The line's page is written first, so that the write-back that follows
# (the poison list changed) would bring the old bytes back otherwise.
step redirty daxpoke write $dax_a 0 4096 7
step clear-poison sh -c "echo 0 > /sys/kernel/debug/cxl/$m1/clear_poison"
step cleared-line-zero daxpoke zero $dax_a 0 64
step rest-kept daxpoke check $dax_a 64 0x3fffc0 7

# written back (B first: Linux hands out endpoint decoders in order),
# then A created again on the same DPA and filled from it
step destroy-b cxl destroy-region -f "$region_b"
step destroy-a cxl destroy-region -f "$region_a"
step region-a-again make_region
step devdax-a-again devdax "$(only_region)"
step shadowed-again host shadowed 512
step zero-kept daxpoke zero $dax 0 64
step pattern-kept daxpoke check $dax 64 0x3fffc0 7
step code-kept daxpoke call $dax 0x800000 0x2222
step dma-data-kept daxpoke check $dax __DMA_IN__ __DMA_LEN__ 31
# (Linux warns once when it clears poison in a region's DPA: expected)
expected_trouble() { kernel_cxl_trouble | grep -v 'poison clear dpa:0x0 region: ' || true; }
step_eq kernel-log-clean "" expected_trouble
''').replace("__DMA_IN__", str(DMA_IN)).replace("__DMA_LEN__", str(DMA_LEN)).replace("__CYCLES__", str(CYCLES))
