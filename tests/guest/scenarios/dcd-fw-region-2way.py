"""Dynamic capacity interleaved 2 ways at 4 KiB behind decoders that
firmware committed, through /dev/mem.

Two devices (256 MiB static and a 256 MiB DC region each, the DC
backends share=on files) below two root ports of one host bridge;
-machine cxl-region.0.type=dc commits a 2-way region at 4 KiB over their
DC partitions at the start of window 0, so HPA offset x is at position
(x / 4k) % 2, DC offset (x / 8k) * 4k + x % 4k. Linux 7.3 gives both
endpoints up (see dcd-fw-region); the host offers extents over QMP and
the guest accepts them on each device with raw mailbox commands:

- the same 2 MiB accepted on both devices: 4 MiB of the window, which the
  fast path maps page by page (x-fast-path-mapped 2 MiB each); a pattern
  written through /dev/mem reads back and each word is in the backend
  file of its position at its DC offset; code runs from a page of each;
- 2 MiB accepted on the first device only: its pages of the 4 MiB read
  what was written, the second's read all ones and nothing reaches its
  backend; each page of the first device is a run of its own, and with
  the window's 16 overlays the fast path maps 15 of them (the rest is
  served per access);
- a forced release on the second device: its pages read all ones, its
  backend range is zeroed and unmapped, the first's pages keep their data
  (16 single pages of them mapped).
"""

from _cxl import DCD_LIB, GUEST_LIB, MiB, dax_bytes, dc_host, spec_dpa

KiB = 1024

DESCRIPTION = "dynamic capacity over a firmware-committed 2-way 4 KiB region: accepted extents through /dev/mem"
MACHINE = "q35,cxl=on"
KERNEL = "full"
TOOLS = ["cxlmbox", "daxpoke"]
ALLOW_WARNINGS = ["raw command path used"]
TIMEOUT = 300

WAYS, GRAN = 2, 4096
STATIC, DC = 256 * MiB, 256 * MiB       # DC base: DPA 256 MiB on each
BOTH_OFF, ONE_OFF, EXT_LEN = 8 * MiB, 12 * MiB, 2 * MiB
SEED, SEED2 = 51, 52


def topology(ctx):
    args = ["-M", "q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G,"
                  "cxl-region.0.window=0,cxl-region.0.size=512M,cxl-region.0.interleave-granularity=4k,"
                  "cxl-region.0.targets.0=dcd0,cxl-region.0.targets.1=dcd1,cxl-region.0.type=dc",
            "-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1"]
    for i in range(WAYS):
        dc = ctx.file(f"dc{i}.img", size=DC)
        args += ["-object", f"memory-backend-ram,id=vmem{i},size={STATIC}",
                 "-object", f"memory-backend-file,id=dc{i},share=on,mem-path={dc},size={DC}",
                 "-device", f"cxl-rp,port={i},bus=cxl.1,id=rp{i},chassis=0,slot={2 + i}",
                 "-device", f"cxl-type3,bus=rp{i},volatile-memdev=vmem{i},volatile-dc-memdev=dc{i},"
                            f"num-dc-regions=1,id=dcd{i},sn={1 + i}"]
    return args


def backend(ctx, what, hpa_off, length, seed=0):
    """What daxpoke wrote with SEED at region offsets [HPA_OFF, +LENGTH)
    (mapped from the region's start) against the backend files: "pattern"
    every word in the file of its position at its DC offset; "pattern0"
    the words of position 0 there and position 1's range zero; "zero1"
    position 1's range zero."""
    hpa_off, length, seed = int(hpa_off), int(length), int(seed)
    words = dax_bytes(hpa_off, seed, length)
    for pos in range(WAYS):
        lo = spec_dpa(hpa_off, WAYS, GRAN)[1]
        n = length // WAYS
        with open(ctx.path(f"dc{pos}.img"), "rb") as f:
            f.seek(lo)
            got = f.read(n)
        if what == "pattern" or (what == "pattern0" and pos == 0):
            want = bytearray(n)
            for x in range(0, length, 8):
                p, dpa = spec_dpa(hpa_off + x, WAYS, GRAN)
                if p == pos:
                    want[dpa - lo:dpa - lo + 8] = words[x:x + 8]
        elif what == "zero1" and pos == 0:
            continue
        else:
            want = bytes(n)
        if got != want:
            i = next(i for i in range(n) if got[i] != want[i])
            return f"dc{pos}.img differs at DC offset 0x{lo + i:x}"
    return "ok"


HOST = {f"{k}{i}": v for i in range(WAYS) for k, v in dc_host(f"dcd{i}", unit=KiB).items()}
HOST["backend"] = backend

GUEST = GUEST_LIB + DCD_LIB + rf'''
M=1048576
DCB=$(( {STATIC} ))                     # the DC base DPA of each device
# rc_on MEMDEV OPCODE HEX: rc to that memdev
rc_on() {{ local MBOX="$1"; shift; rc "$@"; }}
step memdevs-endpoints-given-up wait_fw_dc_memdevs 2
MEM0=$(memdev_dev 1)
MEM1=$(memdev_dev 2)
step memdevs-by-serial test -n "$MEM0" -a -n "$MEM1"
step_eq no-region "" only_region
BASE=$(cat /sys/bus/cxl/devices/decoder0.0/start)
step window-base test -n "$BASE"
WIN=mem:$BASE+$(( 32 * M ))             # the first 32 MiB of the region
B=$(( 2 * {BOTH_OFF} ))                 # region offset of DC offset {BOTH_OFF}
O=$(( 2 * {ONE_OFF} ))                  # and of {ONE_OFF}
L=$(( 2 * {EXT_LEN} ))                  # the region bytes of an extent per device

# the same 2 MiB accepted on both devices
step_eq offer0 offered host add0 {BOTH_OFF} {EXT_LEN}
step_eq offer1 offered host add1 {BOTH_OFF} {EXT_LEN}
step_eq accept0 00 rc_on $MEM0 4802 "$(response 4802 $(( DCB + {BOTH_OFF} )) {EXT_LEN})"
step_eq accept1 00 rc_on $MEM1 4802 "$(response 4802 $(( DCB + {BOTH_OFF} )) {EXT_LEN})"
# (x-fast-path-mapped in KiB) one run of 4 MiB, 2 MiB of each device
step_eq mapped0 {EXT_LEN // KiB} host mapped0 {EXT_LEN // KiB}
step_eq mapped1 {EXT_LEN // KiB} host mapped1 {EXT_LEN // KiB}
step write-both daxpoke write $WIN $B $L {SEED}
step read-both daxpoke check $WIN $B $L {SEED}
step_eq both-in-backends ok host backend pattern $B $L {SEED}
step exec-position0 daxpoke exec $WIN $(( B + 16 )) 0x1111222233334444
step exec-position1 daxpoke exec $WIN $(( B + 4096 + 16 )) 0x5555666677778888
step rewrite-both daxpoke write $WIN $B $L {SEED}

# 2 MiB accepted on the first device only
step_eq offer0-only offered host add0 {ONE_OFF} {EXT_LEN}
step_eq accept0-only 00 rc_on $MEM0 4802 "$(response 4802 $(( DCB + {ONE_OFF} )) {EXT_LEN})"
# every other page of those 4 MiB routes to memory the host may use: each
# is a run of its own, and a window has 16 overlays (cxl-fast-path.c):
# the first run above and 15 single pages are mapped, the rest of the
# pages stay on the per-access path
step_eq mapped0-15-pages-more {(EXT_LEN + 15 * 4096) // KiB} host mapped0 {(EXT_LEN + 15 * 4096) // KiB}
step write-one daxpoke write $WIN $O $L {SEED2}
for p in 0 2 510 1022; do
    step read-one-page$p daxpoke check $WIN $(( O + p * 4096 )) 4096 {SEED2}
    step ones-one-page$(( p + 1 )) daxpoke ones $WIN $(( O + (p + 1) * 4096 )) 4096
done
step_eq one-in-backend0-only ok host backend pattern0 $O $L {SEED2}

# forced release on the second device: its pages read all ones, zeroed
step_eq release1 released host release1 {BOTH_OFF} {EXT_LEN}
step_eq unmapped1 0 host mapped1 0
# now both ranges alternate: 16 single pages of the first device mapped
step_eq mapped0-16-pages {16 * 4096 // KiB} host mapped0 {16 * 4096 // KiB}
for p in 0 2 1022; do
    step kept-page$p daxpoke check $WIN $(( B + p * 4096 )) 4096 {SEED}
    step ones-page$(( p + 1 )) daxpoke ones $WIN $(( B + (p + 1) * 4096 )) 4096
done
step_eq released-zeroed ok host backend zero1 $B $L
step_eq kernel-log-clean "" fw_dc_kernel_errors
'''
