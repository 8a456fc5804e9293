"""Dynamic capacity driven by a guest through raw mailbox commands.

Linux 7.3 has no DCD driver, so the guest plays its part with the raw
command path of the full kernel (CONFIG_CXL_MEM_RAW_COMMANDS, tools/cxlmbox.c)
while the host plays the fabric manager over QMP:

- Get Dynamic Capacity Configuration (4800h) reports the two regions after
  the 256 MiB of static capacity (bases 256 MiB and 512 MiB, 256 MiB each,
  2 MiB blocks, DSMAD handles after the static one's) and 512 extents;
- the host offers two tagged extents of region 0 (cxl-add-dynamic-capacity);
  the Dynamic Capacity log (Get Event Records, log 4) has two Add Capacity
  records, the first with More, each with its DPA, length and tag;
- the guest accepts the first (Add Dynamic Capacity Response, 4802h), which
  ends the offer: the extent list (4801h) and cxl-query-dynamic-capacity
  show it accepted and the other one gone;
- malformed responses get the spec's return codes and change nothing: no
  offer open (Invalid Input), a wrong length (Invalid Payload Length);
  with an offer open: an extent never offered (Invalid Extent List), one
  not block aligned (Invalid Input), one outside every region (Invalid
  Physical Address);
- the host asks for the extent back (cxl-release-dynamic-capacity): a
  Release Capacity record; the guest releases it (4803h) and the list is
  empty; releasing it again is an Invalid Extent List;
- a forced release (forced-removal) of a newly accepted extent needs no
  guest action: a Forced Capacity Release record, and the list is empty;
- poison over dynamic capacity (Linux keeps the poison commands from raw
  users unless debugfs' raw_allow_all is set): QMP cxl-inject-poison in
  the accepted extent shows in Get Poison List (4300h) over region 0; the
  guest's Inject Poison (4301h) is refused outside accepted extents
  (Invalid Physical Address) and listed inside; the forced release
  clears the extent's poison;
- the fabric manager's Set DC Region Configuration (5602h, on this
  mailbox with x-fm-api-mailbox=on) gives region 1, which has no extent,
  4 MiB blocks: one Region Configuration Updated record (type 03h, region
  1), and Get DC Configuration reports the new block size; a block size
  that is not a power of two is Invalid Input and adds no record.

Record layouts: include/hw/cxl/cxl-mailbox.h (CXLEventDC, the layout of
Linux's DCD series; Get Event Records' 32-byte header, 128-byte records).
"""

from _cxl import DCD_LIB, GUEST_LIB, MiB

DESCRIPTION = "dynamic capacity: QMP offers and releases, the guest answers through raw mailbox commands; poison over it"
MACHINE = "q35,cxl=on"
KERNEL = "full"
TOOLS = ["cxlmbox"]
ALLOW_WARNINGS = ["raw command path used"]
TIMEOUT = 300

TAG = "5be4d9b6-0a1c-4a66-9d7e-2f1a6b9c4d01"


def topology(ctx):
    return ["-M", "q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G",
            "-object", "memory-backend-ram,id=vmem0,size=256M",
            "-object", "memory-backend-ram,id=dc0,size=512M",
            "-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1",
            "-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2",
            "-device", "cxl-type3,bus=rp0,volatile-memdev=vmem0,volatile-dc-memdev=dc0,"
                       "num-dc-regions=2,id=dcd0,sn=1,x-fm-api-mailbox=on"]


def _extents(args):
    """OFFSET:LEN (MiB) arguments as QMP extents"""
    return [{"offset": int(o) * MiB, "len": int(n) * MiB}
            for o, n in (a.split(":") for a in args)]


def add(ctx, tag, *exts):
    args = {"path": "dcd0", "host-id": 0, "selection-policy": "prescriptive",
            "region": 0, "extents": _extents(exts)}
    if tag != "-":
        args["tag"] = tag
    ctx.qmp("cxl-add-dynamic-capacity", **args)
    return "offered"


def release(ctx, forced, *exts):
    ctx.qmp("cxl-release-dynamic-capacity", **{
        "path": "dcd0", "host-id": 0, "removal-policy": "prescriptive",
        "forced-removal": forced == "forced", "region": 0,
        "extents": _extents(exts)})
    return "asked"


def poison(ctx, start, length):
    ctx.qmp("cxl-inject-poison", path="dcd0", start=int(start),
            length=int(length))
    return "poisoned"


def query(ctx):
    """The device's extents: region/offset MiB/len MiB/state[/tag]"""
    r = ctx.qmp("cxl-query-dynamic-capacity", path="dcd0")
    return " ".join(f"{e['region']}/{e['offset'] // MiB}/{e['len'] // MiB}/{e['state']}"
                    + (f"/{e['tag']}" if e.get("tag") else "")
                    for e in r["extents"]) or "none"


HOST = {"add": add, "release": release, "query": query, "poison": poison}

GUEST = GUEST_LIB + DCD_LIB + r'''
# event N EVENTS: "type more dpa len tag" of record N of Get Event Records
event() {
    local r=$(( 32 + $1 * 128 ))
    echo "$(hexat "$2" $(( r + 48 )) 1) $(hexat "$2" $(( r + 53 )) 1)" \
         "$(hexat "$2" $(( r + 56 )) 8) $(hexat "$2" $(( r + 64 )) 8) $(hexat "$2" $(( r + 72 )) 16)"
}
# the DC log's record count; the extent list's first BYTES bytes
dc_log_count() { hexat "$(out 0100 04)" 20 2; }
extent_list() { hexat "$(out 4801 0800000000000000)" 0 $1; }
handles() { echo "$(hexat "$C" 40 4) $(hexat "$C" 80 4)"; }
# Get Poison List of DC region 0: the record count; the count and record 0
poison_out() { out 4300 "$(le64 $B0)$(le64 $(( 256 * M / 64 )))"; }
poison_count() { hexat "$(poison_out)" 10 2; }
poison_list() { L=$(poison_out); echo "$(hexat "$L" 10 2) $(hexat "$L" 32 12)"; }
M=1048576
B0=$(( 256 * M ))            # DC region 0's base DPA
TAGHEX=5be4d9b60a1c4a669d7e2f1a6b9c4d01
NOTAG=00000000000000000000000000000000

step memdevs-probed wait_memdevs 1

# Get Dynamic Capacity Configuration: 2 regions, then 512 extents / tags
C=$(out 4800 0200)
step_eq dc-config-regions 0202 hexat "$C" 0 2
step_eq dc-region0 "$(le64 $B0)$(le64 1)$(le64 $(( 256 * M )))$(le64 $(( 2 * M )))" \
    hexat "$C" 8 32
step_eq dc-region1-base "$(le64 $(( 512 * M )))" hexat "$C" 48 8
step_eq dc-region-handles "01000000 02000000" handles
step_eq dc-extents-tags 00020000000200000002000000020000 hexat "$C" 88 16
step_eq extent-list-empty 0000000000000000 extent_list 8
step_eq response-nothing-offered 02 rc 4802 "$(response 4802 $B0 $(( 2 * M )))"

# the host offers 2 MiB at 0 and 4 MiB at 8 MiB of region 0, tagged
step_eq host-offers offered host add __TAG__ 0:2 8:4
E=$(out 0100 04)
step_eq two-records 0200 hexat "$E" 20 2
step_eq record0-add-more "00 01 $(le64 $B0) $(le64 $(( 2 * M ))) $TAGHEX" event 0 "$E"
step_eq record1-add-last "00 00 $(le64 $(( B0 + 8 * M ))) $(le64 $(( 4 * M ))) $TAGHEX" event 1 "$E"
step_eq records-cleared 00 clear_dc_log
step_eq log-empty 0000 dc_log_count
step_eq pending-both "0/0/2/pending/__TAG__ 0/8/4/pending/__TAG__" host query

# bad responses while the offer is open: nothing changes
step_eq response-never-offered 1e rc 4802 "$(response 4802 $(( B0 + 64 * M )) $(( 2 * M )))"
step_eq response-unaligned 02 rc 4802 "$(response 4802 $(( B0 + 4096 )) $(( 2 * M )))"
step_eq response-outside-regions 0f rc 4802 "$(response 4802 $(( 2048 * M )) $(( 2 * M )))"
step_eq response-short 16 rc 4802 "$(response 4802 $B0 $(( 2 * M )) | cut -c1-40)"
step_eq still-pending "0/0/2/pending/__TAG__ 0/8/4/pending/__TAG__" host query

# accept the first: the offer ends, the second is dropped
step_eq accept-first 00 rc 4802 "$(response 4802 $B0 $(( 2 * M )))"
L=$(out 4801 0800000000000000)
step_eq list-one "0100000001000000" hexat "$L" 0 8
step_eq list-extent "$(le64 $B0)$(le64 $(( 2 * M )))$TAGHEX" hexat "$L" 16 32
step_eq host-sees-accepted "0/0/2/accepted/__TAG__" host query

# the host asks for it back; the guest releases it
step_eq host-asks-release asked host release asked 0:2
E=$(out 0100 04)
step_eq release-record "01 00 $(le64 $B0) $(le64 $(( 2 * M ))) $TAGHEX" event 0 "$E"
step_eq release-records-cleared 00 clear_dc_log
step_eq guest-releases 00 rc 4803 "$(response 4803 $B0 $(( 2 * M )))"
step_eq list-empty-after-release 0000000000000000 extent_list 8
step_eq release-again 1e rc 4803 "$(response 4803 $B0 $(( 2 * M )))"
step_eq host-sees-none none host query

# forced release: offered untagged, accepted, then taken without asking
step_eq host-offers-again offered host add - 16:2
step_eq records-cleared-2 00 clear_dc_log
step_eq accept-again 00 rc 4802 "$(response 4802 $(( B0 + 16 * M )) $(( 2 * M )))"
# poison in it: QMP's (source internal, 2) and the guest's (injected, 3)
step allow-raw-poison sh -c "echo 1 > /sys/kernel/debug/cxl/mbox/raw_allow_all"
P=$(( B0 + 16 * M + 4096 ))
step_eq host-poisons poisoned host poison $P 128
step_eq poison-list-qmp "0100 $(le64 $(( P | 2 )))02000000" poison_list
step_eq inject-not-accepted 0f rc 4301 "$(le64 $(( B0 + 64 * M )))"
step_eq inject-accepted 00 rc 4301 "$(le64 $(( B0 + 16 * M )))"
step_eq poison-list-two 0200 poison_count
step_eq host-forces asked host release forced 16:2
E=$(out 0100 04)
step_eq forced-record "02 00 $(le64 $(( B0 + 16 * M ))) $(le64 $(( 2 * M ))) $NOTAG" event 0 "$E"
step_eq list-empty-after-forced 0000000000000000 extent_list 8
step_eq released-poison-cleared 0000 poison_count
# the fabric manager's Set DC Region Configuration (on this mailbox with
# x-fm-api-mailbox=on): region 1 (no extent) to 4 MiB blocks; a Region
# Configuration Updated record (type 03h, region 1) tells the host
step_eq forced-record-cleared 00 clear_dc_log
step_eq set-region1-4m 00 rc 5602 "01000000$(le64 $(( 4 * M )))00000000"
E=$(out 0100 04)
step_eq region-config-record "0100 03 01 00" sh -c "echo $(hexat "$E" 20 2) $(hexat "$E" 80 1) $(hexat "$E" 84 1) $(hexat "$E" 85 1)"
step_eq region-config-cleared 00 clear_dc_log
step_eq region1-block-4m "$(le64 $(( 4 * M )))" hexat "$(out 4800 0200)" 72 8
step_eq set-region-bad-block 02 rc 5602 "01000000$(le64 $(( 3 * M )))00000000"
step_eq no-record-after-refusal 0000 dc_log_count
step allow-raw-none sh -c "echo 0 > /sys/kernel/debug/cxl/mbox/raw_allow_all"
step_eq host-sees-none-after-forced none host query
# (the raw path's one warning is allowed: errors only)
step_eq kernel-log-clean "" sh -c "dmesg -r | grep -E '^<[0-3]>' | grep -iE 'cxl' || true"
'''.replace("__TAG__", TAG)
