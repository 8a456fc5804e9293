"""Not a test: the guest scenario that recorded media-ops.txt. It sends
Media Operations (4402h) and Get Supported Features / Get Feature as raw
mailbox commands and prints every reply ("@@X NAME ..." lines), and the
host prints which bytes of the pmem backend changed ("@@H" lines), so two
QEMU binaries can be compared. To re-run, copy it into
tests/guest/scenarios/ and run it with -v on each binary:

  tests/guest/run.py -v --qemu "$(scripts/fetch-upstream-qemu.sh --wrapper)" xcheck-media-ops
  tests/guest/run.py -v xcheck-media-ops
"""

from _cxl import GUEST_LIB, pmem_lsa_device

DESCRIPTION = "xcheck: media operations raw bytes"
DEFAULT = False
MACHINE = "q35,cxl=on"
KERNEL = "full"
TOOLS = ["cxlmbox"]
ALLOW_WARNINGS = ["raw command path used"]
TIMEOUT = 600
FILL = 4 << 20
SIZE = 256 << 20


def topology(ctx):
    args = pmem_lsa_device(ctx, 1)
    with open(ctx.path("pmem0.img"), "r+b") as f:
        f.write(b"\xaa" * FILL)
        f.seek(SIZE - 4096)
        f.write(b"\xaa" * 4096)
    return args


def check(ctx):
    with open(ctx.path("pmem0.img"), "rb") as f:
        head = f.read(FILL)
        f.seek(SIZE - 4096)
        tail = f.read(4096)
    for base, data in ((0, head), (SIZE - 4096, tail)):
        i = 0
        while i < len(data):
            if data[i] != 0xaa:
                j = i
                while j < len(data) and data[j] != 0xaa:
                    j += 1
                vals = sorted(set(data[i:j]))[:4]
                print(f"@@H changed [{base + i:#x}, {base + j:#x}) len {j - i:#x} values {vals}")
                i = j
            else:
                i += 1
    ctx.check("ran", True)


GUEST = GUEST_LIB + r'''
step memdevs-probed wait_memdevs 1
echo 1 > /sys/kernel/debug/cxl/mbox/raw_allow_all
m() { n=$1; shift; echo "@@X $n: $*"; cxlmbox raw 4402 -o 1024 "$*" 2>&1 | sed "s/^/@@X $n /"; true; }
f() { n=$1; shift; echo "@@X $n: $*"; cxlmbox raw "$@" 2>&1 | sed "s/^/@@X $n /"; true; }
# wait until Media Operations Discovery is neither Busy nor Media Disabled
w() { i=0; first=; while [ $i -lt 300 ]; do
        r=$(cxlmbox raw 4402 -o 64 000000000000000000000100 | head -1)
        [ -n "$first" ] || first=$r
        case $r in *retval=06*|*retval=07*) i=$((i+1)); sleep 0.2 ;; *) break ;; esac
      done; echo "@@X wait polls=$i first=$first"; }
f identify 0001
f cel 0401 -o 1024 0da9c0b5bf414b788f7996b1623b3f170000000000040000
f idmem 4000
f partition 4100
# Discovery: class 0 subclass 0, rsvd, count 0, start, num
m disc-0-8     000000000000000000000800
m disc-0-1     000000000000000000000100
m disc-1-1     000000000000000001000100
m disc-2-8     000000000000000002000800
m disc-3-8     000000000000000003000800
m disc-9-8     000000000000000009000800
m disc-0-0     000000000000000000000000
m disc-0-ffff  00000000000000000000ffff
m disc-cnt1    000000000100000000000800
m disc-short8  0000000000000000
m disc-short10 00000000000000000000
m disc-long13  00000000000000000000080000
m disc-long16  00000000000000000000080000000000
m disc-sub1    000100000000000000000800
m disc-empty
# Sanitize class: class 1, subclass 0 sanitize / 1 zero, count, ranges
# (each valid one on its own DPA range; the host reports what changed)
m zero-A-0-64        0101000001000000 0000000000000000 4000000000000000
w
m zero-B-64k-4k      0101000001000000 0000010000000000 0010000000000000
w
m zero-C-1M-2M       0101000001000000 0000100000000000 0000200000000000
w
m zero-D-20040-64    0101000001000000 4000020000000000 4000000000000000
w
m zero-end           0101000001000000 c0ffff0f00000000 4000000000000000
w
m zero-cnt2-30000-31000 0101000002000000 0000030000000000 4000000000000000 0010030000000000 4000000000000000
w
m san-A-40000-64     0100000001000000 0000040000000000 4000000000000000
m zero-while-san     0101000001000000 0000090000000000 4000000000000000
w
m san-cnt2-50000-51000 0100000002000000 0000050000000000 4000000000000000 0010050000000000 4000000000000000
w
m zero-long-60000    0101000001000000 0000060000000000 4000000000000000 00
w
m zero-cnt1-2r-70000-71000 0101000001000000 0000070000000000 4000000000000000 0010070000000000 4000000000000000
w
m zero-cnt2-ov-80000 0101000002000000 0000080000000000 4000000000000000 0000080000000000 4000000000000000
w
m zero-0-63    0101000001000000 00000a0000000000 3f00000000000000
m zero-0-0     0101000001000000 00000a0000000000 0000000000000000
m zero-1-64    0101000001000000 01000a0000000000 4000000000000000
m zero-beyond  0101000001000000 0000001000000000 4000000000000000
m zero-cross   0101000001000000 c0ffff0f00000000 8000000000000000
m zero-cnt0    0101000000000000
m zero-cnt0-r  0101000000000000 00000a0000000000 4000000000000000
m zero-short   0101000001000000
m zero-short2  0101000001000000 00000a0000000000 40000000000000
m sub2         0102000001000000 00000a0000000000 4000000000000000
m class2       0200000001000000 00000a0000000000 4000000000000000
m class0-sub1  0001000000000000
w
f bg-status 0002
# Features
f gsf-hdr 0500 -o 1024 0800000000000000
f gsf-all 0500 -o 1024 0004000000000000
f gsf-1   0500 -o 1024 0004000001000000
f gsf-short 0500 -o 1024 00040000
for u in 96dad7d6fde8482ba73375774e06db8a e5b13f2223284a14b8bab9691e893386 \
         892ba475fad8474e9d3e692c917568bb 80ea4521786f4127afb1ec7459fb0e24 \
         96c3338691dd44c79ecbfdaf6503bac4 450ebf67b1354f97a498c2d57f279bed \
         78b7963690ac4b64a4effaac5d18a863 34dbaff5055242818f76da0b5e7a76a7; do
    f get-feat-$u 0501 -o 256 ${u}0000800000
    f get-feat-def-$u 0501 -o 256 ${u}0000800001
done
'''
