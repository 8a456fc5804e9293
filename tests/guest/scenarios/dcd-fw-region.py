"""Dynamic capacity behind decoders that firmware committed, reached
through /dev/mem.

Linux 7.3 has no DCD driver and cannot create a region over dynamic
capacity, so firmware does it: -machine cxl-region.0.type=dc commits the
host bridge's and the device's HDM decoders over the device's DC
partition (both DC regions, DPA 256 MiB to 768 MiB after 256 MiB of
static capacity) at the start of window 0. Linux cannot reserve that DPA
range (it knows the static capacity only) and leaves the endpoint's
decoders alone; the memdev and its mailbox work. The host plays the
fabric manager over QMP, the guest accepts with raw mailbox commands (as
in dcd-raw) and uses the window's HPA through /dev/mem (the full kernel
has STRICT_DEVMEM but not IO_STRICT_DEVMEM, and nothing claims the
range):

- an accepted extent is mapped by the fast path (x-fast-path-mapped) and
  a pattern written through /dev/mem reads back and lands in the
  share=on backend file at the extent's DPA minus the DC base; code runs
  from it (PROT_EXEC of /dev/mem);
- DC capacity not accepted (region 0 past the extent, and region 1)
  reads all ones and a write there reaches nothing;
- after a forced release (QMP) the extent is unmapped, reads all ones,
  and its backend range is zeroed.
"""

from _cxl import DCD_LIB, GUEST_LIB, MiB, dax_bytes, dc_host

DESCRIPTION = "dynamic capacity over firmware-committed decoders: accepted extents through /dev/mem, fast path"
MACHINE = "q35,cxl=on"
KERNEL = "full"
TOOLS = ["cxlmbox", "daxpoke"]
ALLOW_WARNINGS = ["raw command path used"]
TIMEOUT = 300

STATIC, DC = 256 * MiB, 512 * MiB       # DC base: DPA 256 MiB
EXT_OFF, EXT_LEN = 8 * MiB, 4 * MiB     # the extent accepted (region 0)
HOLE_OFF = 32 * MiB                     # region 0, never offered
SEED, SEED2 = 41, 42


def topology(ctx):
    dc = ctx.file("dc0.img", size=DC)
    return ["-M", "q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G,"
                  "cxl-region.0.window=0,cxl-region.0.size=512M,"
                  "cxl-region.0.targets.0=dcd0,cxl-region.0.type=dc",
            "-object", f"memory-backend-ram,id=vmem0,size={STATIC}",
            "-object", f"memory-backend-file,id=dc0,share=on,mem-path={dc},size={DC}",
            "-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1",
            "-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2",
            "-device", "cxl-type3,bus=rp0,volatile-memdev=vmem0,volatile-dc-memdev=dc0,"
                       "num-dc-regions=2,id=dcd0,sn=1"]


def backend(ctx, what, off, length, seed=0):
    """Check the backend file at DC offset OFF: "pattern" (what daxpoke
    writes with SEED) or "zero"."""
    with open(ctx.path("dc0.img"), "rb") as f:
        f.seek(int(off))
        got = f.read(int(length))
    want = dax_bytes(0, int(seed), int(length)) if what == "pattern" else bytes(int(length))
    ok = got == want
    if not ok:
        bad = next(i for i in range(len(got)) if got[i:i + 1] != want[i:i + 1])
        return f"differs at +0x{bad:x}"
    return "ok"


HOST = dict(dc_host("dcd0"), backend=backend)

GUEST = GUEST_LIB + DCD_LIB + rf'''
M=1048576
DCB=$(( {STATIC} ))                     # the DC base DPA
# the memdev and its mailbox; Linux cannot reserve the committed
# decoder's DPA range (beyond the static capacity Identify reports), so
# the endpoint port fails to probe and cxl_mem gives the memdev up
step memdev-endpoint-given-up wait_fw_dc_memdevs 1
step_match dpa-not-reserved 'Failed to reserve DPA range 0x0 - 0x2fffffff: -16' dmesg
step_eq no-region "" only_region
BASE=$(cat /sys/bus/cxl/devices/decoder0.0/start)
step window-base test -n "$BASE"
echo "window base $BASE"
step_match window-in-iomem "CXL Window 0" cat /proc/iomem
A=$(( BASE + {EXT_OFF} ))
HOLE=$(( BASE + {HOLE_OFF} ))
R1=$(( BASE + 256 * M ))                # DC region 1 (never offered)

# before any extent: the window reads all ones
step_eq nothing-mapped 0 host mapped 0
step ones-before daxpoke ones mem:$A+$M 0 $M

# the host offers 4 MiB at 8 MiB of region 0; the guest accepts it
step_eq host-offers offered host add {EXT_OFF} {EXT_LEN}
step_eq accept 00 rc 4802 "$(response 4802 $(( DCB + {EXT_OFF} )) {EXT_LEN})"
step_eq log-cleared 00 clear_dc_log
step_eq host-sees-accepted "0/{EXT_OFF // MiB}/{EXT_LEN // MiB}/accepted" host query
step_eq extent-mapped {EXT_LEN // MiB} host mapped {EXT_LEN // MiB}

# the pattern through /dev/mem, read back, in the backend at DPA - DC base
step write-pattern daxpoke write mem:$A+{EXT_LEN} 0 {EXT_LEN} {SEED}
step read-pattern daxpoke check mem:$A+{EXT_LEN} 0 {EXT_LEN} {SEED}
step_eq pattern-in-backend ok host backend pattern {EXT_OFF} {EXT_LEN} {SEED}
# code runs from it (and is then overwritten by the check's pattern again)
step exec-from-extent daxpoke exec mem:$A+{EXT_LEN} 4096 0x1234abcd5678ef01
step rewrite-pattern daxpoke write mem:$A+{EXT_LEN} 0 {EXT_LEN} {SEED}

# DC capacity not accepted: all ones, writes reach nothing
step ones-hole daxpoke ones mem:$HOLE+$M 0 $M
step write-hole daxpoke write mem:$HOLE+$M 0 $M {SEED2}
step ones-hole-after-write daxpoke ones mem:$HOLE+$M 0 $M
step_eq hole-backend-zero ok host backend zero {HOLE_OFF} $M
step ones-region1 daxpoke ones mem:$R1+$M 0 $M
step write-region1 daxpoke write mem:$R1+$M 0 $M {SEED2}
step ones-region1-after-write daxpoke ones mem:$R1+$M 0 $M
step_eq region1-backend-zero ok host backend zero $(( 256 * M )) $M
step_eq pattern-still-there ok host backend pattern {EXT_OFF} {EXT_LEN} {SEED}

# forced release: unmapped, all ones, the backend range zeroed
step_eq host-forces released host release {EXT_OFF} {EXT_LEN}
step_eq host-sees-none none host query
step_eq extent-unmapped 0 host mapped 0
step ones-after-release daxpoke ones mem:$A+{EXT_LEN} 0 {EXT_LEN}
step_eq released-backend-zero ok host backend zero {EXT_OFF} {EXT_LEN}
step_eq records-cleared 00 clear_dc_log
# nothing else went wrong (the raw path's one warning is allowed)
step_eq kernel-log-clean "" fw_dc_kernel_errors
'''
