"""A 2-way region at 256 B over share=on backend files, with -machine
cxl-fast-path-shadow-shared=on: served from a shadow copy, and the files
get everything Linux wrote by the time QEMU has quit.

One host bridge, two root ports, a 256 MiB volatile cxl-type3 below each
(serials 1 and 2, backend files mem1.img and mem2.img, share=on). The
write-back period is 60 s, so while the guest runs only the shadow has
its writes: the host checks that all of the region is shadowed, and,
after daxpoke wrote a pattern through device DAX, that the files do not
have it yet (they lag by up to a period; this is what makes the region
RAM-fast). Then the host sets the period to 100 ms (qom-set) and the
files must have the pattern within 10 s, at the DPAs the spec's
interleave arithmetic gives. The guest writes a second pattern further
on and powers off at once: after QEMU has quit, both patterns are in the
files, and every other byte is zero (the write-back at the VM's stop).
"""

import time

from _cxl import GUEST_LIB, check_interleave, layout, two_rp_topology, type3_sum

DESCRIPTION = "2-way 256 B region on share=on files, shadowed: files synced within a period and whole at exit"
MACHINE = "q35,cxl=on,cxl-fast-path-shadow-shared=on,cxl-fast-path-shadow-writeback-ms=60000"
TOOLS = ["daxpoke"]
MODULES = ["cxl_acpi", "cxl_pci", "cxl_port", "cxl_mem", "device_dax", "dax_cxl"]
TIMEOUT = 300

TOPO = two_rp_topology(size="256M", shared=True)
WAYS, GRAN = 2, 256
OFF1, LEN1, SEED1 = 3 * 4096 + 128, 64 * 1024 + 512, 5
OFF2, LEN2, SEED2 = 8 << 20, 96 * 1024, 6


def topology(ctx):
    return TOPO.args(ctx)


def files(ctx):
    return [f"mem{sn}" for sn in ctx.layout]


def shadowed(ctx):
    """HOST["shadowed"]: bytes of the devices mapped (shadows count)"""
    return str(type3_sum(ctx, "x-fast-path-mapped", [1, 2]))


def stale(ctx):
    """HOST["stale"]: the files do not have the first pattern yet"""
    ok, detail = check_interleave(ctx, files(ctx), OFF1, LEN1, SEED1, WAYS, GRAN)
    return "stale" if not ok else "synced already"


def synced(ctx):
    """HOST["synced"]: period 100 ms; the files get the first pattern"""
    ctx.qmp("qom-set", path="/machine", property="cxl-fast-path-shadow-writeback-ms",
            value=100)
    deadline = time.monotonic() + 10
    while True:
        ok, detail = check_interleave(ctx, files(ctx), OFF1, LEN1, SEED1, WAYS, GRAN)
        if ok:
            return f"synced after {10 - (deadline - time.monotonic()):.2f} s"
        if time.monotonic() > deadline:
            return f"not synced in 10 s: {detail}"
        time.sleep(0.05)


def check(ctx):
    if not ctx.check("guest-reported-layout", getattr(ctx, "layout", None) is not None):
        return
    ok, detail = check_interleave(ctx, files(ctx), 0, 0,
                                  [(OFF1, LEN1, SEED1), (OFF2, LEN2, SEED2)], WAYS, GRAN)
    ctx.check("files-have-both-patterns-at-exit", ok, detail)

HOST = {"layout": layout, "shadowed": shadowed, "stale": stale, "synced": synced}

GUEST = GUEST_LIB + rf'''
step memdevs-probed wait_memdevs 2
order="$(memdev_of 1) $(memdev_of 2)"
step region cxl create-region -t ram -d decoder0.0 -w {WAYS} -g {GRAN} -m $order || exit 1
region=$(only_region)
step_match region-committed '"decode_state":"commit"' cxl list -R -r "$region"
step layout report_layout "$region" {WAYS}
step devdax devdax "$region" || exit 1
step_eq all-shadowed {2 * 256 << 20} host shadowed
step write1 daxpoke write $dax {OFF1} {LEN1} {SEED1}
step read1 daxpoke check $dax {OFF1} {LEN1} {SEED1}
step_eq files-lag stale host stale
step_match files-synced-in-a-period "synced after" host synced
step write2 daxpoke write $dax {OFF2} {LEN2} {SEED2}
step read2 daxpoke check $dax {OFF2} {LEN2} {SEED2}
'''
