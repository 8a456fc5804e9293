"""Live migration of a guest using CXL memory to a new QEMU process.

One host bridge, four root ports: two volatile devices (memory-backend-ram,
so the 256-byte interleave is served from a fast-path shadow), a
persistent device with a label storage area (backend files) and a spare
volatile device. The guest creates a 2-way ram region at 256 bytes, onlines
it and fills most of it with memfill (which keeps the pages); creates a
pmem region with a raw namespace and writes a pattern through /dev/pmem0;
then asks the host to migrate it (run.py's ctx.migrate(): the stream goes
through a file, a second QEMU with the same command line and -incoming
loads it, the first one quits). On the new QEMU the guest goes on: memfill
reads every page back, the pmem pattern reads back, `cxl list` shows the
same decoders and regions committed, and a new region on the spare device
is created and committed. On the host, the pattern is at its
DPA in the pmem backend file.
"""

from _cxl import (GUEST_LIB, PMEM_LENGTH, PMEM_OFFSET, RAM_REGION_ONLINE_FILLED, backend,
                  pattern, read_file)

DESCRIPTION = "2-way ram region online + pmem region with data: migrated to a new QEMU, data and decoders intact, new region after"
MACHINE = "q35,cxl=on"
TOOLS = ["memfill"]
TIMEOUT = 600


def topology(ctx):
    args = ["-object", "memory-backend-ram,id=ram0,size=2G",
            "-numa", "node,nodeid=0,memdev=ram0",
            "-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1"]
    for port in range(4):
        args += ["-device", f"cxl-rp,port={port},bus=cxl.1,id=rp{port},chassis=0,"
                            f"slot={port + 2}"]
    args += ["-object", "memory-backend-ram,id=vmem1,size=256M",
             "-device", "cxl-type3,bus=rp0,volatile-memdev=vmem1,id=t3-1,sn=1",
             "-object", "memory-backend-ram,id=vmem2,size=256M",
             "-device", "cxl-type3,bus=rp1,volatile-memdev=vmem2,id=t3-2,sn=2"]
    args += backend(ctx, "pmem", "pmem3", "256M") + backend(ctx, "lsa", "lsa3", "1M")
    args += ["-device", "cxl-type3,bus=rp2,persistent-memdev=pmem3,lsa=lsa3,id=t3-3,sn=3",
             "-object", "memory-backend-ram,id=vmem4,size=256M",
             "-device", "cxl-type3,bus=rp3,volatile-memdev=vmem4,id=t3-4,sn=4",
             "-M", "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G"]
    return args


def check(ctx):
    data = read_file(ctx, "pmem3", PMEM_OFFSET, PMEM_LENGTH)
    ctx.check("pattern-at-dpa", data == pattern(7, PMEM_LENGTH),
              "the bytes written at the namespace's offset 1 MiB are at DPA 1 MiB of the backend")


HOST = {"migrate": lambda ctx: ctx.migrate()}

GUEST = GUEST_LIB + r'''
step memdevs-probed wait_memdevs 4
m1=$(memdev_of 1); m2=$(memdev_of 2); m3=$(memdev_of 3); m4=$(memdev_of 4)
note "memdevs $m1 $m2 $m3 $m4"
fill_mib=400
''' + RAM_REGION_ONLINE_FILLED + r'''

# a pmem region, a raw namespace, a pattern
pmem=$(cxl create-region -t pmem -d decoder0.0 -m $m3 | region_new)
step pmem-region test -n "$pmem"
ns=$(ndctl create-namespace -r "$pmem" -m raw)
echo "$ns"
blk=$(echo "$ns" | sed -n 's/.*"blockdev":"\([^"]*\)".*/\1/p')
step namespace test -b "/dev/$blk"
pattern 7 196608 > /tmp/pat
step write-pattern dd if=/tmp/pat of=/dev/$blk bs=4096 seek=256 conv=fsync
cxl list -D -d all > /tmp/decoders.before
cxl list -R > /tmp/regions.before

step migrate host migrate

# the guest goes on in the new QEMU
kill -USR1 $fill_pid
i=0; while ! grep -q recheck /tmp/fill.out && [ $i -lt 300 ]; do sleep 1; i=$((i + 1)); done
step_match ram-reads-back '^recheck bad 0$' cat /tmp/fill.out
step read-pattern sh -c "dd if=/dev/$blk of=/tmp/got bs=4096 skip=256 count=48 && cmp /tmp/pat /tmp/got"
step decoders-same sh -c 'cxl list -D -d all > /tmp/decoders.after && cmp /tmp/decoders.before /tmp/decoders.after'
step regions-same sh -c 'cxl list -R > /tmp/regions.after && cmp /tmp/regions.before /tmp/regions.after'
step_match ram-still-committed '"decode_state":"commit"' cxl list -R -r "$ram"
step_match pmem-still-committed '"decode_state":"commit"' cxl list -R -r "$pmem"

# a new region after the migration
new=$(cxl create-region -t ram -d decoder0.0 -m $m4 | region_new)
step new-region test -n "$new"
step_match new-region-committed '"decode_state":"commit"' cxl list -R -r "$new"
kill $fill_pid
step_eq kernel-log-clean "" kernel_cxl_trouble
'''
