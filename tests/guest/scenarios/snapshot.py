"""A snapshot (QMP snapshot-save and snapshot-load, into a qcow2 image) of a
running guest with an interleaved ram region online.

One host bridge, three root ports with a 256 MiB volatile cxl-type3 each
(memory-backend-ram: the 2-way region at 256 bytes is served from a
fast-path shadow), and a qcow2 image for the snapshot (written by the
host, see qcow2_image()). The guest creates the 2-way region, onlines it
and fills 160 MiB of it with memfill, which keeps its pages; then asks
the host for a snapshot. After it the guest kills memfill and runs a
second one with another pattern over the node's memory, then asks the
host to load the snapshot. The guest goes on from the snapshot: the
request it made for the snapshot answers "restored", the first memfill
is alive again and reads every page back with the old pattern, `cxl
list` shows the same decoders and regions committed, and a new region on
the spare device can be created. The host checks that the window maps
the region from a shadow after the load.

The host's handler answers both requests with the tag "snapshot", so
after the load the guest's pending request for the snapshot gets the
answer ("restored" instead of "saved").
"""

import struct
import time

from _cxl import GUEST_LIB, MiB, RAM_REGION_ONLINE_FILLED, type3_sum

DESCRIPTION = "2-way 256 B ram region online with data: snapshot-save, data changed, snapshot-load: old data, decoders, new region"
MACHINE = "q35,cxl=on"
MEMORY = "1G"
TOOLS = ["memfill"]
TIMEOUT = 300


def qcow2_image(size):
    """An empty qcow2 (version 3) image of @size bytes, as qemu-img makes
    it: 64 KiB clusters; header, refcount table, one refcount block (for
    the four clusters used) and the L1 table, one cluster each."""
    cluster = 64 * 1024
    l1_entries = -(-size // (cluster * cluster // 8))
    header = struct.pack(">4sIQIIQIIQQIIQQQQII", b"QFI\xfb", 3, 0, 0, 16, size, 0,
                         l1_entries, 3 * cluster, cluster, 1, 0, 0,
                         0, 0, 0, 4, 104)
    img = bytearray(4 * cluster)
    img[:len(header)] = header
    struct.pack_into(">Q", img, cluster, 2 * cluster)
    for i in range(4):
        struct.pack_into(">H", img, 2 * cluster + 2 * i, 1)
    return bytes(img)


def topology(ctx):
    disk = ctx.file("snap.qcow2", data=qcow2_image(64 * MiB))
    args = ["-object", "memory-backend-ram,id=ram0,size=1G",
            "-numa", "node,nodeid=0,memdev=ram0",
            "-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1",
            "-blockdev", f"driver=file,filename={disk},node-name=snapf",
            "-blockdev", "driver=qcow2,file=snapf,node-name=snap"]
    for port in range(3):
        args += ["-device", f"cxl-rp,port={port},bus=cxl.1,id=rp{port},chassis=0,"
                            f"slot={port + 2}",
                 "-object", f"memory-backend-ram,id=vmem{port + 1},size=256M",
                 "-device", f"cxl-type3,bus=rp{port},volatile-memdev=vmem{port + 1},"
                            f"id=t3-{port + 1},sn={port + 1}"]
    args += ["-M", "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G"]
    return args


def job(ctx, cmd, n, **args):
    """Run the snapshot job CMD (snapshot-save, snapshot-load) to its end."""
    jid = f"{cmd}-{n}"
    ctx.qmp(cmd, **{"job-id": jid, "tag": "s1", "vmstate": "snap", "devices": ["snap"]},
            **args)
    ctx.wait_event("JOB_STATUS_CHANGE", timeout=120, id=jid, status="concluded")
    err = [j.get("error") for j in ctx.qmp("query-jobs") if j["id"] == jid and j.get("error")]
    ctx.qmp("job-dismiss", id=jid)
    if err:
        raise RuntimeError(f"{cmd}: {err[0]}")


def shadowed(ctx):
    n = type3_sum(ctx, "x-fast-path-mapped", (1, 2))
    mtree = ctx.qmp("human-monitor-command", **{"command-line": "info mtree"})
    return n == 512 * MiB and "cxl-fixed-memory-window-0-shadow-" in mtree


def snapshot(ctx, what):
    if what == "save":
        job(ctx, "snapshot-save", 1)
        ctx.check("shadowed-after-save", shadowed(ctx), "the region is mapped from a shadow")
        return "saved"
    job(ctx, "snapshot-load", 1)
    # mapped again by a bottom half after the load: soon
    ok = False
    for _ in range(50):
        ok = shadowed(ctx)
        if ok:
            break
        time.sleep(0.2)
    ctx.check("shadowed-after-load", ok, "the region is mapped from a shadow")
    return "restored"


HOST = {"snapshot": snapshot}

GUEST = GUEST_LIB + r'''
step memdevs-probed wait_memdevs 3
m1=$(memdev_of 1); m2=$(memdev_of 2); m3=$(memdev_of 3)
fill_mib=160
''' + RAM_REGION_ONLINE_FILLED + r'''
cxl list -D -d all > /tmp/decoders.before
cxl list -R > /tmp/regions.before

r=$(host snapshot save)
note "snapshot: $r"
if [ "$r" = saved ]; then
    # new data over the node's memory, then back to the snapshot
    kill $fill_pid; wait $fill_pid 2>/dev/null
    step_match overwrite ' bad 0$' memfill "$node" 160 9
    host snapshot load
    step_eq not-reached "" echo "the load did not go back to the snapshot: $?"
fi
step_eq restored restored echo "$r"

# the guest goes on from the snapshot
kill -USR1 $fill_pid
i=0; while ! grep -q recheck /tmp/fill.out && [ $i -lt 120 ]; do sleep 1; i=$((i + 1)); done
step_match ram-reads-back '^recheck bad 0$' cat /tmp/fill.out
step decoders-same sh -c 'cxl list -D -d all > /tmp/decoders.after && cmp /tmp/decoders.before /tmp/decoders.after'
step regions-same sh -c 'cxl list -R > /tmp/regions.after && cmp /tmp/regions.before /tmp/regions.after'
step_match ram-still-committed '"decode_state":"commit"' cxl list -R -r "$ram"

new=$(cxl create-region -t ram -d decoder0.0 -m $m3 | region_new)
step new-region test -n "$new"
step_match new-region-committed '"decode_state":"commit"' cxl list -R -r "$new"
kill $fill_pid
step_eq kernel-log-clean "" kernel_cxl_trouble
'''
