"""Guest DMA to and from CXL memory, with and without the fast path.

A 2-way ram region at 4 KiB over two root ports is used as device DAX. A
virtio-blk disk moves data between its backing file and the region by
DMA (`daxpoke dma-in` / `dma-out`: O_DIRECT reads and writes whose
buffer is the mapped DAX device). First with the fast path (the region
is mapped as RAM; both devices count translations), then, after the host
turns it off with `qom-set /machine cxl-fast-path false`, through the
per-access path, at other offsets. The guest checks what arrived in the
region; the host checks what arrived on the disk, and that the two
backend files hold all four transfers where the spec's interleave
arithmetic puts them, with every other byte zero. The fast path must
not serve a translation while it is off.
"""

from _cxl import GUEST_LIB, dax_bytes, expected_words, layout, two_rp_topology, type3_sum, MiB

DESCRIPTION = "1 HB x 2 RP: virtio-blk DMA into and out of a 2-way CXL region, fast path on and off"
MACHINE = "q35,cxl=on"
TOOLS = ["daxpoke"]
MODULES = ["cxl_acpi", "cxl_pci", "cxl_port", "cxl_mem", "device_dax", "dax_cxl", "virtio_blk"]
TIMEOUT = 400

WAYS, GRAN = 2, 4096
LEN = 2 * MiB
# (region offset, seed, disk offset) of each transfer
IN_FAST, OUT_FAST = (4 * MiB, 21, 0), (8 * MiB + 12 * 4096, 22, 2 * MiB)
IN_SLOW, OUT_SLOW = (16 * MiB + 4096, 23, 4 * MiB), (24 * MiB, 24, 6 * MiB)
DISK = 8 * MiB
TOPO = two_rp_topology()


def topology(ctx):
    # the disk holds what dma-in brings into the region: daxpoke's pattern
    # for the region offsets it lands at
    disk = bytearray(DISK)
    for off, seed, doff in (IN_FAST, IN_SLOW):
        disk[doff:doff + LEN] = dax_bytes(off, seed, LEN)
    ctx.file("disk.img", data=bytes(disk))
    return TOPO.args(ctx) + [
        "-drive", f"file={ctx.path('disk.img')},if=none,id=disk0,format=raw",
        "-device", "virtio-blk-pci,drive=disk0,bus=pcie.0"]


def maps(ctx):
    return type3_sum(ctx, "x-fast-path-maps", TOPO.devices)


def fast_path(ctx, mode):
    """HOST["fast-path"] off|end: the fast path served translations while
    on; turn it off; at the end, it served none while off."""
    n = maps(ctx)
    if mode == "off":
        ctx.check("fast-path-served-the-fast-phase", n > 0, f"{n} translations")
        ctx.qmp("qom-set", path="/machine", property="cxl-fast-path", value=False)
        ctx.maps_at_off = n
    else:
        ctx.check("no-translation-while-off", n == getattr(ctx, "maps_at_off", -1),
                  f"{n} translations, {getattr(ctx, 'maps_at_off', None)} when turned off")
    return str(n)


def check(ctx):
    with open(ctx.path("disk.img"), "rb") as f:
        disk = f.read()
    for name, (off, seed, doff) in (("dma-out-fast", OUT_FAST), ("dma-out-slow", OUT_SLOW)):
        ctx.check(f"{name}-on-disk", disk[doff:doff + LEN] == dax_bytes(off, seed, LEN),
                  f"disk [0x{doff:x}, +0x{LEN:x}) holds region offset 0x{off:x}")
    order = getattr(ctx, "layout", None)
    if not ctx.check("guest-reported-layout", order is not None):
        return
    want = [dict() for _ in range(WAYS)]
    for off, seed, _ in (IN_FAST, OUT_FAST, IN_SLOW, OUT_SLOW):
        for pos, w in enumerate(expected_words(off, LEN, seed, WAYS, GRAN)):
            want[pos].update(w)
    bad = []
    for pos, sn in enumerate(order):
        with open(ctx.path(f"mem{sn}.img"), "rb") as f:
            data = f.read(64 * MiB)
        exp = bytearray(len(data))
        for dpa, word in want[pos].items():
            exp[dpa:dpa + 8] = word
        if data != exp:
            i = next(i for i in range(len(data)) if data[i] != exp[i])
            bad.append(f"mem{sn} (position {pos}) differs at DPA 0x{i:x}")
        with open(ctx.path(f"mem{sn}.img"), "rb") as f:
            f.seek(64 * MiB)
            rest = f.read()
        if rest.strip(b"\0"):
            bad.append(f"mem{sn} has data beyond 64 MiB")
    ctx.check("transfers-where-the-spec-puts-them", not bad,
              "; ".join(bad) or f"4 transfers of 0x{LEN:x} bytes in {WAYS} files, all other bytes zero")


HOST = {"layout": layout, "fast-path": fast_path}


def _phase(name, inb, outb):
    (ioff, iseed, idisk), (ooff, oseed, odisk) = inb, outb
    return rf'''
step {name}-dma-in daxpoke dma-in $dax {ioff} {LEN} $disk {idisk}
step {name}-arrived daxpoke check $dax {ioff} {LEN} {iseed}
step {name}-write daxpoke write $dax {ooff} {LEN} {oseed}
step {name}-dma-out daxpoke dma-out $dax {ooff} {LEN} $disk {odisk}
'''


GUEST = GUEST_LIB + rf'''
step memdevs-probed wait_memdevs 2
disk=$(ls /sys/block | grep '^vd' | head -1)
step_match virtio-disk 'vd[a-z]+' echo "$disk"
disk=/dev/$disk
order="$(memdev_of 1) $(memdev_of 2)"
step region cxl create-region -t ram -d decoder0.0 -w {WAYS} -g {GRAN} -m $order
region=$(only_region)
step layout report_layout "$region" {WAYS}
step devdax devdax "$region"
{_phase("fast", IN_FAST, OUT_FAST)}
step fast-path-off host fast-path off
{_phase("slow", IN_SLOW, OUT_SLOW)}
step fast-data-still-there daxpoke check $dax {IN_FAST[0]} {LEN} {IN_FAST[1]}
step fast-path-unused host fast-path end
step_eq kernel-log-clean "" kernel_cxl_trouble
'''
