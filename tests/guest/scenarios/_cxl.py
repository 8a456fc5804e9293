"""Shared pieces of the CXL scenarios: topology builders and guest shell
helpers. Not a scenario (the name starts with '_')."""

import os
import time

MiB = 1 << 20
# where the guest's pmem_write/pmem_cmp (GUEST_LIB) put their pattern in
# /dev/pmem0
PMEM_OFFSET, PMEM_LENGTH = 1 * MiB, 192 * 1024


def backend(ctx, kind, name, size, shared=True):
    """-object args for a file-backed memory backend in the work dir
    (share=on, so the host can check the file after the run); with
    shared=False a memory-backend-ram, which only QEMU sees (the fast path
    may then serve interleaves finer than a page from a shadow copy)."""
    if not shared:
        return ["-object", f"memory-backend-ram,id={name},size={size}"]
    path = ctx.file(f"{name}.img", size=size)
    return ["-object", f"memory-backend-file,id={name},share=on,mem-path={path},size={size}"]


def pmem_lsa_device(ctx, sn, state=None):
    """One host bridge, one root port and a cxl-type3 "t3" with 256 MiB of
    pmem (backend pmem0.img) and a 1 MiB LSA (lsa0.img), serial @sn, and the
    per-run device-state file named @state if given."""
    dev = f"cxl-type3,bus=rp0,persistent-memdev=pmem0,lsa=lsa0,id=t3,sn={sn}"
    if state:
        dev += f",device-state={ctx.path(state)}"
    return (backend(ctx, "pmem", "pmem0", "256M") + backend(ctx, "lsa", "lsa0", "1M") +
            ["-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1",
             "-device", "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2",
             "-device", dev,
             "-M", "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G"])


def ram_online_topology(ctx):
    """type3-ram's and arm-ram's machine: 2 GiB of RAM as NUMA node 0 (with
    a NUMA description, SRAT, Linux gives each CXL window a node of its
    own; without one everything is node 0), one host bridge, one root port
    and a volatile cxl-type3 "cxl-vmem0" (256 MiB, backend
    cxl-vmem0.img), window 0 of 4 GiB over the host bridge."""
    return (["-object", "memory-backend-ram,id=ram0,size=2G", "-numa", "node,nodeid=0,memdev=ram0"] +
            backend(ctx, "ram", "cxl-vmem0", "256M") +
            ["-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1",
             "-device", "cxl-rp,port=0,bus=cxl.1,id=root_port13,chassis=0,slot=2",
             "-device", "cxl-type3,bus=root_port13,volatile-memdev=cxl-vmem0,id=cxl-vmem0,sn=0x2",
             "-M", "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G"])


def pmem_check(ctx):
    """type3-pmem's and arm-pmem's host check (pmem_lsa_device, the guest's
    PMEM_BOOT1/PMEM_BOOT2): the pattern at its DPA, labels in the LSA."""
    data = read_file(ctx, "pmem0", PMEM_OFFSET, PMEM_LENGTH)
    ctx.check("pattern-at-dpa", data == pattern(7, PMEM_LENGTH),
              "the bytes written at /dev/pmem0 offset 1 MiB are at DPA 1 MiB of the backend")
    lsa = read_file(ctx, "lsa0", 0, 1 * MiB)
    ctx.check("labels-in-lsa", b"NAMESPACE_INDEX" in lsa, "the LSA holds namespace index blocks")


# The guest steps of type3-pmem and arm-pmem after their pmem region
# $region exists: boot 1 makes a raw namespace (labels in the LSA) and
# writes the pattern; boot 2 finds the namespace again by its labels (the
# UUID boot 1 saved with the kv_store handlers) and reads the pattern.
PMEM_BOOT1 = r'''
step_match nvdimm-bridge 'nmem' ndctl list -D
step namespace ndctl create-namespace -r "$region" -m raw
uuid=$(only_ns_uuid)
step save-uuid host save uuid "$uuid"
step write-pattern pmem_write 7
step_eq kernel-log-clean "" kernel_cxl_trouble
'''
PMEM_BOOT2 = r'''
step namespace-from-labels test -b /dev/pmem0
want=$(host load uuid | tail -n 1)
step_match namespace-same-uuid "\"uuid\":\"$want\"" ndctl list -N
step read-pattern pmem_cmp 7
'''


def kv_store():
    """HOST handlers "save KEY VALUE" and "load KEY": values a boot of a
    multi-boot scenario leaves for the next (the guest reads the reply's
    last line: `host load KEY | tail -n 1`)."""
    saved = {}

    def save(ctx, key, value):
        saved[key] = value
        return "saved"

    def load(ctx, key):
        return saved[key]

    return {"save": save, "load": load}


def memfill_verifier(name, size, seed):
    """A HOST handler "verify REGION_BASE PAGES" for memfill (tests/guest/
    tools/memfill.c) on a 1-way ram region over backend @name.img of @size
    bytes, run with seed @seed: the pages of the backend file holding
    memfill's pattern for the HPA they are mapped at (DPA + region base)
    must be at least the PAGES memfill wrote and 90 % of the region."""
    k = (seed * 0x9e3779b97f4a7c15) & (2**64 - 1)
    base_pattern = int.from_bytes(b"".join(((i * 8) ^ k).to_bytes(8, "little")
                                           for i in range(512)), "little")

    def count(path, region_base):
        good = 0
        with open(path, "rb") as f:
            dpa = 0
            while True:
                page = f.read(4096)
                if len(page) < 4096:
                    break
                pfn = (region_base + dpa) >> 12
                want = base_pattern ^ int.from_bytes((pfn << 12).to_bytes(8, "little") * 512,
                                                     "little")
                if int.from_bytes(page, "little") == want:
                    good += 1
                dpa += 4096
        return good

    def verify(ctx, region_base, pages):
        pages = int(pages)
        good = count(ctx.path(f"{name}.img"), int(region_base))
        ok = ctx.check("pattern-in-backend", good >= pages and good >= 0.9 * size / 4096,
                       f"{good} pages of the backend hold the pattern of their HPA; "
                       f"memfill wrote {pages}, 90 % of the region is {int(0.9 * size / 4096)}")
        if not ok:
            raise RuntimeError(f"only {good} pattern pages in the backend")
        return f"{good} pages"

    return verify


def read_file(ctx, name, offset, length):
    with open(ctx.path(f"{name}.img"), "rb") as f:
        f.seek(offset)
        return f.read(length)


def pattern(seed, length):
    """The bytes the guest's `pattern SEED LEN` writes (shell helper below):
    the decimal numbers SEED*1000000+1, +2, ... one per line, cut to LEN."""
    out, i = [], 0
    total = 0
    while total < length:
        i += 1
        line = f"{seed * 1000000 + i}\n".encode()
        out.append(line)
        total += len(line)
    return b"".join(out)[:length]


# The guest steps of a guest without CXL device on Debian's stock kernel
# (no-cxl on x86, arm-boot on aarch64): the pinned kernel, the CXL modules
# load, the tools run, and nothing is listed.
NO_CXL_CHECKS = r'''
step_eq kernel-is-pinned "$(cat /etc/cxltest/kernel-release)" uname -r
step cxl-core-builtin grep -qx 'kernel/drivers/cxl/core/cxl_core.ko' \
    "/lib/modules/$(uname -r)/modules.builtin"
step_match cxl-modules-loaded '^cxl_(acpi|pci|mem|pmem) ' lsmod
step_match cxl-bus-registered '^cxl_port$' ls /sys/bus/cxl/drivers
step_match cxl-version '^[0-9]+$' cxl --version
step_match ndctl-version '^[0-9]+$' ndctl --version
step_match daxctl-version '^[0-9]+$' daxctl --version
step_match keyctl-runs '^keyctl from' keyctl --version

# `cxl list` succeeds and lists nothing (stdout: nothing or []; its
# "no matching devices" warning goes to stderr).
cxl_list_empty() {
    local out rc
    out=$(cxl list -v)
    rc=$?
    [ $rc -eq 0 ] || return $rc
    case $out in
        ""|"[]") echo "no CXL device present" ;;
        *) echo "$out"; return 1 ;;
    esac
}
step_match cxl-list-empty '^no CXL device present$' cxl_list_empty
step no-memdev-nodes sh -c '! ls /dev/cxl/mem* 2>/dev/null'
step_eq no-cxl-bus-devices "" ls /sys/bus/cxl/devices
'''


# Guest steps after a 1-way ram region $region of 256 MiB exists (on
# type3-ram, arm-ram): its DAX device onlined as system RAM, MemTotal grows
# by the region's size, memfill (TOOLS) fills 90 % of the new node and
# reads it back, and the host's "verify" handler (memfill_verifier) finds
# the pattern in the backend. Needs memhp_default_state=offline (APPEND).
RAM_ONLINE_STEPS = r'''
base=$(cxl list -R -r "$region" | sed -n 's/.*"resource":\([0-9]*\).*/\1/p')
dax=$(ls /sys/bus/cxl/devices/$region/dax_region*/ | grep '^dax[0-9]*\.[0-9]*$' | head -1)
step_match dax-device 'dax[0-9]+\.[0-9]+' echo "$dax"
memtotal() { sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo; }
before=$(memtotal)
step online daxctl reconfigure-device --mode=system-ram "$dax" || exit 1
after=$(memtotal)
step_eq memtotal-grew-by-region 262144 echo $((after - before))
node=$(cat /sys/bus/dax/devices/$dax/target_node)
step node-has-only-cxl-memory test "$node" -gt 0 || exit 1
note "region $region at $base, $dax online on node $node"
free_mib=$(($(sed -n 's/.*MemFree: *\([0-9]*\) kB/\1/p' /sys/devices/system/node/node$node/meminfo) / 1024 - 8))
step fill-at-least-90-percent test "$free_mib" -ge 231
MEMFILL_HOLD=1 memfill "$node" "$free_mib" 5 > /tmp/fill.out 2>&1 &
fill_pid=$!
i=0; while ! grep -q pages /tmp/fill.out && kill -0 $fill_pid 2>/dev/null && [ $i -lt 600 ]; do sleep 1; i=$((i + 1)); done
step_match fill-reads-back ' bad 0$' cat /tmp/fill.out
pages=$(sed -n 's/^pages \([0-9]*\) .*/\1/p' /tmp/fill.out)
step backend-holds-pattern host verify "$base" "${pages:-0}"
kill $fill_pid
step_eq kernel-log-clean "" kernel_cxl_trouble
'''


# Guest shell helpers, prepended to the scenarios' GUEST scripts.
GUEST_LIB = r'''
# cfg_rd PCIDEV OFFSET SIZE: SIZE (1, 2 or 4) bytes of the configuration
# space of the PCI device at sysfs path PCIDEV, as hex digits
cfg_rd() { od -A n -t x$3 -j $(($2)) -N $3 "$1/config" | tr -d ' '; }
# cfg_wb BDF OFFSET VALUE: write one byte of the configuration space of
# PCI device BDF
cfg_wb() {
    printf "\\$(printf %o $3)" |
        dd of=/sys/bus/pci/devices/$1/config bs=1 seek=$2 count=1 conv=notrunc 2>/dev/null
}
# pci_flit_mode BDF: Flit Mode Status of the device's link (Link Status 2
# bit 10 of the PCIe capability, found in config space), as Linux's
# cxl_pci_flit_256() reads it: 1 when it runs in 256-byte flits
pci_flit_mode() {
    local d=/sys/bus/pci/devices/$1 p w=0
    p=$((0x$(cfg_rd $d 52 1)))
    while [ $p -ne 0 ]; do
        if [ $((0x$(cfg_rd $d $p 1))) -eq 16 ]; then
            w=$((0x$(cfg_rd $d $((p + 0x32)) 2)))
            break
        fi
        p=$((0x$(cfg_rd $d $((p + 1)) 1)))
    done
    echo $(( (w >> 10) & 1 ))
}
# pattern SEED LEN: deterministic bytes (see _cxl.pattern on the host)
pattern() { seq $(($1 * 1000000 + 1)) $(($1 * 1000000 + $2)) | head -c "$2"; }
# kernel log lines at warning level or worse that mention CXL, NVDIMM or DAX
kernel_cxl_trouble() {
    dmesg -r | grep -E '^<[0-4]>' | grep -iE 'cxl|nvdimm|nd_|pmem|dax|region' || true
}
# pmem_write SEED / pmem_cmp SEED: write / compare 192 KiB of pattern SEED
# at offset 1 MiB of /dev/pmem0
pmem_write() { pattern $1 196608 > /tmp/pat && dd if=/tmp/pat of=/dev/pmem0 bs=4096 seek=256 conv=fsync; }
pmem_cmp() { pattern $1 196608 > /tmp/pat && dd if=/dev/pmem0 of=/tmp/got bs=4096 skip=256 count=48 && cmp /tmp/pat /tmp/got; }
# the only namespace's UUID
only_ns_uuid() { ndctl list -N | sed -n 's/.*"uuid":"\([^"]*\)".*/\1/p'; }
# the only region's name
only_region() { cxl list -R 2>/dev/null | sed -n 's/.*"region":"\(region[0-9]*\)".*/\1/p' | head -1; }
# wait_memdevs N: until N memdevs have an endpoint port (probing goes on
# after /init's settle on a loaded machine); at most 90 s
# wait_regions N: until `cxl list -R` lists N regions (those firmware
# committed are assembled by Linux at boot), at most 30 s
wait_regions() {
    local i=0
    while [ $i -lt 60 ]; do
        [ "$(cxl list -R 2>/dev/null | grep -c '"region"')" -ge "$1" ] && return 0
        sleep 0.5; i=$((i + 1))
    done
    cxl list -R
    return 1
}
wait_memdevs() {
    local i=0
    while [ $i -lt 180 ]; do
        [ "$(ls -d /sys/bus/cxl/devices/endpoint* 2>/dev/null | wc -l)" -ge "$1" ] && return 0
        sleep 0.5
        i=$((i + 1))
    done
    # say why: each CXL memory device function (class 0502) and its driver,
    # the memdevs and endpoints there are, and the kernel's messages about
    # PCI resources, CXL and the ports
    echo "wait_memdevs: only $(ls -d /sys/bus/cxl/devices/endpoint* 2>/dev/null | wc -l) of $1 endpoints"
    for d in /sys/bus/pci/devices/*; do
        [ "$(cat $d/class)" = 0x050210 ] || continue
        echo "  ${d##*/}: driver $(basename "$(readlink $d/driver 2>/dev/null)" 2>/dev/null)"
    done
    ls /sys/bus/cxl/devices/
    dmesg | grep -iE 'cxl|BAR|bridge window|pciehp|mem[0-9]|link|fail|error' | tail -60
    return 1
}
# endpoints N: until exactly N memdevs have an endpoint port (after a
# hot-add or hot-remove); 60 s at most
endpoints() {
    local i=0
    while [ $i -lt 120 ]; do
        [ "$(ls -d /sys/bus/cxl/devices/endpoint* 2>/dev/null | wc -l)" -eq "$1" ] && return 0
        sleep 0.5; i=$((i + 1))
    done
    ls /sys/bus/cxl/devices/; dmesg | grep -iE 'pciehp|cxl|mem[0-9]' | tail -30
    return 1
}
# wait_lines N REGEX: until the trace buffer has N lines matching the
# extended REGEX (events are read by Linux's interrupt threads); 10 s at most
wait_lines() {
    local i=0
    while [ $i -lt 40 ]; do
        [ "$(grep -cE "$2" /sys/kernel/tracing/trace)" -ge "$1" ] && return 0
        sleep 0.25; i=$((i + 1))
    done
    return 1
}
# memdev_of SERIAL: the memdev with that serial number
memdev_of() {
    cxl list -M | awk -v s="$1" '/"memdev"/ { m = $0; sub(/.*"memdev":"/, "", m); sub(/".*/, "", m) }
                                 /"serial"/ { v = $0; sub(/.*"serial":/, "", v); sub(/[^0-9].*/, "", v); if (v == s) print m }'
}
serial_of() { cxl list -M -m "$1" | sed -n 's/.*"serial":\([0-9]*\).*/\1/p'; }
# report_layout REGION WAYS [KEY]: tell the host (HOST["layout"]) which
# serial Linux put at each interleave position of REGION (stored under KEY,
# default the region's name)
report_layout() {
    local pairs="" pos mem
    pos=0
    while [ $pos -lt "$2" ]; do
        mem=$(cxl list -R -r "$1" -v | awk -v p=$pos '/"position"/ { q = $0; sub(/.*"position":/, "", q); sub(/[^0-9].*/, "", q) }
              /"memdev"/ { if (q == p) { m = $0; sub(/.*"memdev":"/, "", m); sub(/".*/, "", m); print m; q = -1 } }')
        pairs="$pairs $pos:$(serial_of $mem)"
        pos=$((pos + 1))
    done
    host layout "${3:-$1}" $pairs
}
# devdax REGION: bind the region's DAX device to device_dax; sets $dax
devdax() {
    [ -n "$1" ] || return 1
    dax=$(ls /sys/bus/cxl/devices/$1/dax_region*/ | grep '^dax[0-9]*\.[0-9]*$' | head -1)
    daxctl reconfigure-device --mode=devdax "$dax" && dax=/dev/$dax
}
# region_base REGION: its HPA
region_base() { cxl list -R -r "$1" | sed -n 's/.*"resource":\([0-9]*\).*/\1/p'; }
'''

# Guest helpers for dynamic capacity through raw mailbox commands (the full
# kernel's CONFIG_CXL_MEM_RAW_COMMANDS and the cxlmbox tool; Linux 7.3 has
# no DCD driver), for scenarios that also take GUEST_LIB.
DCD_LIB = r'''
# (to the memdev $MBOX, default /dev/cxl/mem0)
# out OPCODE HEX: the output bytes (hex) of a raw command that succeeded
out() { cxlmbox -d "${MBOX:-/dev/cxl/mem0}" raw "$1" -o 2048 "$2" | sed -n 's/^out=//p'; }
# rc OPCODE HEX: the device's return code
rc() { cxlmbox -d "${MBOX:-/dev/cxl/mem0}" raw "$1" -o 2048 "$2" | sed -n 's/^retval=\([0-9a-f]*\) .*/\1/p'; }
# hexat HEX OFFSET LEN: LEN bytes at byte OFFSET of HEX, as hex
hexat() { echo "$1" | cut -c$(( $2 * 2 + 1 ))-$(( ($2 + $3) * 2 )); }
# le64 N: N as 8 little-endian bytes in hex
le64() { printf '%016x' "$1" | sed 's/\(..\)/\1 /g' | awk '{for (i = NF; i; i--) printf "%s", $i}'; }
# response OPCODE DPA LEN: Add Response / Release with one extent
response() { echo "0100000000000000$(le64 $2)$(le64 $3)0000000000000000"; }
# clear_dc_log: Clear Event Records of the Dynamic Capacity log (all)
clear_dc_log() { rc 0101 040100000000; }
# wait_fw_dc_memdevs [N]: until N memdevs (default 1) are there and
# cxl_mem has given their endpoints up, as Linux 7.3 does when firmware
# committed a decoder over dynamic capacity (cxl-region.N.type=dc: Linux
# cannot reserve its DPA range, beyond the static capacity Identify
# reports); 60 s at most
wait_fw_dc_memdevs() {
    local i=0
    while [ $i -lt 120 ]; do
        [ "$(ls /dev/cxl/ | grep -c '^mem[0-9]')" -ge "${1:-1}" ] &&
            [ "$(dmesg | grep -cE 'cxl_mem mem[0-9]+: endpoint[0-9]* failed probe')" -ge "${1:-1}" ] && return 0
        sleep 0.5; i=$((i + 1))
    done
    return 1
}
# fw_dc_kernel_errors: the kernel's errors about CXL, but for those of
# giving the endpoints up (see wait_fw_dc_memdevs)
fw_dc_kernel_errors() {
    dmesg -r | grep -E '^<[0-3]>' | grep -iE 'cxl' |
        grep -vE 'endpoint[0-9]*(: decoder[0-9.]*: Failed to reserve DPA range| failed probe|: probe with driver cxl_port failed)' || true
}
# memdev_dev SERIAL: /dev/cxl/memN of the memdev with that serial number
# (also when no driver took the memdev, where cxl list does not show it)
memdev_dev() {
    local m
    for m in /sys/bus/cxl/devices/mem*; do
        [ "$(cat $m/serial)" = "$(printf '0x%x' $1)" ] && echo /dev/cxl/${m##*/} && return 0
    done
    return 1
}
'''


def dc_host(path, region=0, unit=MiB):
    """HOST handlers for the dynamic capacity of the cxl-type3 @path,
    region @region (offsets and lengths in bytes): "add OFF LEN" offers an
    extent (prescriptive), "release OFF LEN" takes it back by force,
    "query" lists the extents (region/offset MiB/len MiB/state), and
    "mapped N" gives the device's x-fast-path-mapped in @unit bytes once
    it is N (the main loop maps after a change; 10 s at most)."""
    def ext(off, length):
        return {"path": path, "host-id": 0, "region": region,
                "extents": [{"offset": int(off), "len": int(length)}]}

    def add(ctx, off, length):
        ctx.qmp("cxl-add-dynamic-capacity", **ext(off, length),
                **{"selection-policy": "prescriptive"})
        return "offered"

    def release(ctx, off, length):
        ctx.qmp("cxl-release-dynamic-capacity", **ext(off, length),
                **{"removal-policy": "prescriptive", "forced-removal": True})
        return "released"

    def query(ctx):
        r = ctx.qmp("cxl-query-dynamic-capacity", path=path)
        return " ".join(f"{e['region']}/{e['offset'] // MiB}/{e['len'] // MiB}/{e['state']}"
                        for e in r["extents"]) or "none"

    def mapped(ctx, want):
        deadline = time.monotonic() + 10
        while True:
            got = ctx.qmp("qom-get", path=path, property="x-fast-path-mapped") // unit
            if str(got) == want or time.monotonic() > deadline:
                return str(got)
            time.sleep(0.1)

    return {"add": add, "release": release, "query": query, "mapped": mapped}


def spec_dpa(hpa_offset, ways, gran):
    """CXL r3.1 8.2.4.20.13 / 9.13.1 arithmetic for an endpoint decoder, in
    its plainest form (valid for 1, 2, 4, 8, 16 and 3, 6, 12 ways, as
    Linux's cxl_calculate_position()/cxl_calculate_dpa_offset()): the
    position of the device an HPA offset reaches and the DPA offset there."""
    return (hpa_offset // gran) % ways, (hpa_offset // (gran * ways)) * gran + hpa_offset % gran


def dax_word(x, seed):
    """The word daxpoke writes at device offset x."""
    return (x ^ (seed * 0x9e3779b97f4a7c15)) & (2**64 - 1)


def dax_bytes(off, seed, length):
    """The @length bytes daxpoke writes at device offset @off (8-aligned)."""
    return b"".join(dax_word(off + i, seed).to_bytes(8, "little") for i in range(0, length, 8))


def xor_fold(addr, maps):
    """CXL r3.1 9.13.1.1 XOR arithmetic: for each map, its lowest set bit
    becomes the parity of the address bits the map selects."""
    for m in maps:
        if m:
            bit = (m & -m).bit_length() - 1
            addr = (addr & ~(1 << bit)) | ((bin(addr & m).count("1") & 1) << bit)
    return addr


def cxims_maps(cedt, gran):
    """The XOR maps of the CEDT's CXIMS for host bridge granularity @gran
    (bytes): CXIMS is type 2, HBIG at +6, map count at +7, maps from +8."""
    off, maps = 36, None
    while off + 4 <= len(cedt):
        typ, length = cedt[off], int.from_bytes(cedt[off + 2:off + 4], "little")
        if typ == 2 and (256 << cedt[off + 6]) == gran:
            n = cedt[off + 7]
            maps = [int.from_bytes(cedt[off + 8 + 8 * i:off + 16 + 8 * i], "little") for i in range(n)]
        off += max(length, 4)
    return maps


def expected_words(offset, length, seed, ways, gran, dpa_base=0, xor=None):
    """Per position, {DPA: 8 bytes} of the words daxpoke writes at region
    offsets [offset, offset + length) (see check_interleave)."""
    want = [dict() for _ in range(ways)]
    for x in range(offset, offset + length, 8):
        pos, dpa = spec_dpa(x, ways, gran)
        if xor:
            base, maps = xor
            pos = ((xor_fold(base + x, maps) - base) // gran) % ways
        want[pos][dpa_base + dpa] = dax_word(x, seed).to_bytes(8, "little")
    return want


def prewrite_interleave(ctx, files, offset, length, seed, ways, gran, dpa_base=0):
    """Write into the backend files (by position) what daxpoke would write
    through the region: the host's side of data that is there at boot."""
    want = expected_words(offset, length, seed, ways, gran, dpa_base)
    for pos, name in enumerate(files):
        with open(ctx.path(f"{name}.img"), "r+b") as f:
            for dpa, word in want[pos].items():
                f.seek(dpa)
                f.write(word)


def check_interleave(ctx, files, offset, length, seed, ways, gran, dpa_base=0,
                     xor=None):
    """After daxpoke wrote [offset, offset + length) of a region whose
    position p is backed by files[p]: every word is where the spec's
    arithmetic puts it, and every other byte of the files is zero.
    @xor: (region base HPA, XOR maps) when the window uses XOR arithmetic
    (the maps apply to the full HPA and pick the position; the DPA is
    that of modulo arithmetic). @seed may also be a list of (offset,
    length, seed) ranges daxpoke wrote (@offset and @length unused).
    Returns (ok, detail)."""
    ranges = seed if isinstance(seed, list) else [(offset, length, seed)]
    want = [dict() for _ in range(ways)]
    for o, n, s in ranges:
        for pos, words in enumerate(expected_words(o, n, s, ways, gran, dpa_base, xor)):
            want[pos].update(words)
    bad = []
    chunk = 1 << 20
    for pos, name in enumerate(files):
        with open(ctx.path(f"{name}.img"), "rb") as f:
            base = 0
            while True:
                data = f.read(chunk)
                if not data:
                    break
                exp = bytearray(len(data))
                for dpa, word in want[pos].items():
                    if base <= dpa < base + len(data):
                        exp[dpa - base:dpa - base + 8] = word
                if data != exp:
                    i = next(i for i in range(len(data)) if data[i] != exp[i])
                    bad.append(f"{name} (position {pos}) differs at DPA 0x{base + i:x}")
                    break
                base += len(data)
    words = sum(len(w) for w in want)
    return not bad, "; ".join(bad) or f"{words} words in {ways} files, all other bytes zero"


def check_layout_interleave(ctx, prefix, offset, length, seed, ways, gran, want=None):
    """The host check after a guest that reported its region's layout
    (report_layout) wrote it with daxpoke: the layout came (and is @want,
    serials by position, if given), then check_interleave() over the
    backends PREFIX<serial>.img in position order."""
    files = getattr(ctx, "layout", None)
    ok = files is not None if want is None else files == want
    if not ctx.check("guest-reported-layout", ok,
                     "" if want is None else f"positions {files}"):
        return
    ok, detail = check_interleave(ctx, [f"{prefix}{sn}" for sn in files], offset, length,
                                  seed, ways, gran)
    ctx.check("data-where-the-spec-puts-it", ok, detail)


def layout(ctx, region, *pairs):
    """HOST["layout"]: the guest reports position:serial for each mapping of
    REGION (report_layout); ctx.layouts[REGION], and ctx.layout for the
    last one, list the serials by position."""
    order = dict(p.split(":") for p in pairs)
    ctx.layout = [int(order[str(p)]) for p in range(len(order))]
    if not hasattr(ctx, "layouts"):
        ctx.layouts = {}
    ctx.layouts[region] = ctx.layout
    return " ".join(map(str, ctx.layout))


def count_hpa_pattern(ctx, files, base, ways, gran, seed):
    """Bytes of the files (by interleave position) that hold memfill's
    pattern for the HPA the spec's arithmetic maps them to: the word at
    HPA a is a ^ (seed * 0x9e3779b97f4a7c15), region base @base. Counts
    whole granules."""
    k = (seed * 0x9e3779b97f4a7c15) & (2**64 - 1)
    pat = int.from_bytes(b"".join(((8 * i) ^ k).to_bytes(8, "little") for i in range(gran // 8)), "little")
    good = 0
    for pos, name in enumerate(files):
        with open(ctx.path(f"{name}.img"), "rb") as f:
            dpa = 0
            while True:
                data = f.read(1 << 20)
                if not data:
                    break
                for off in range(0, len(data), gran):
                    d = dpa + off
                    hpa = base + (d // gran) * gran * ways + pos * gran
                    want = pat ^ int.from_bytes(hpa.to_bytes(8, "little") * (gran // 8), "little")
                    if int.from_bytes(data[off:off + gran], "little") == want:
                        good += gran
                dpa += len(data)
    return good


class Topology:
    """Builds the arguments of a CXL tree: host bridges, root ports,
    switches (upstream + downstream ports) and cxl-type3 devices with file
    backends mem<serial>.img (serials from 1, in order), or with
    shared=False memory-backend-ram backends. Built at import time;
    args(ctx) creates the backend files and returns the arguments."""

    def __init__(self, size="256M", shared=True):
        self.size, self.shared = size, shared
        self._args, self.hbs, self.windows = [], [], []
        self.slot, self.sn, self.nsw = 1, 0, 0
        self.devices = {}           # serial -> parent port id
        self.kinds = {}             # serial -> volatile | persistent
        self.coords = {}            # port id -> (host bridge index, port indexes...)

    def args(self, ctx):
        out = []
        for sn, kind in self.kinds.items():
            out += backend(ctx, kind, f"mem{sn}", self.size, self.shared)
        if self.windows:
            out += ["-M", ",".join(self.windows)]
        return out + self._args

    def host_bridge(self, bus_nr, opts=""):
        """A pxb-cxl (@opts: more of its properties, ",name=value...")."""
        hid = f"cxl.{len(self.hbs) + 1}"
        self.coords[hid] = (len(self.hbs),)
        self.hbs.append(hid)
        self._args += ["-device", f"pxb-cxl,bus_nr={bus_nr},bus=pcie.0,id={hid}{opts}"]
        return hid

    def _slot(self):
        self.slot += 1
        return self.slot

    def root_port(self, hb, port):
        rid = f"{hb}-rp{port}"
        self.coords[rid] = self.coords[hb] + (port,)
        self._args += ["-device", f"cxl-rp,port={port},bus={hb},id={rid},chassis=0,slot={self._slot()}"]
        return rid

    def switch(self, parent, nr_dsps, opts=""):
        """An upstream port below @parent (@opts: more of its properties)
        and @nr_dsps downstream ports (port numbers 0..n-1); returns their
        ids."""
        self.nsw += 1
        us = f"us{self.nsw}"
        self._args += ["-device", f"cxl-upstream,bus={parent},id={us},sn={0x1000 + self.nsw}{opts}"]
        dsps = []
        for p in range(nr_dsps):
            ds = f"{us}-ds{p}"
            self.coords[ds] = self.coords[parent] + (p,)
            self._args += ["-device", f"cxl-downstream,port={p},bus={us},id={ds},chassis=0,slot={self._slot()}"]
            dsps.append(ds)
        return dsps

    def memdev(self, parent, kind="volatile"):
        self.sn += 1
        sn = self.sn
        self.kinds[sn] = kind
        self._args += ["-device", f"cxl-type3,bus={parent},{kind}-memdev=mem{sn},id=t3-{sn},sn={sn}"]
        self.devices[sn] = parent
        return sn

    def window(self, targets, size="4G", granularity=None, arithmetic=None):
        index = len(self.windows)
        opt = ",".join(f"cxl-fmw.{index}.targets.{i}={t}" for i, t in enumerate(targets))
        opt += f",cxl-fmw.{index}.size={size}"
        if granularity:
            opt += f",cxl-fmw.{index}.interleave-granularity={granularity}"
        if arithmetic:
            opt += f",cxl-fmw.{index}.interleave-arithmetic={arithmetic}"
        self.windows.append(opt)
        return index

    def position_order(self, serials, fanouts):
        """@serials sorted into the interleave positions Linux wants for a
        region over them: position p = sum(index_l * prod(fanouts[:l])),
        where index_l is the device's host bridge (level 0, its index in
        the window) or port index (deeper levels) and fanouts[l] the number
        of ways at that level; the host-most level takes the lowest bits."""
        def pos(sn):
            path = self.coords[self.devices[sn]]
            p, mul = 0, 1
            for idx, fan in zip(path, fanouts):
                p += (idx % fan) * mul
                mul *= fan
            return p
        return sorted(serials, key=pos)


def type3_sum(ctx, prop, serials):
    """The sum of the integer property @prop of the cxl-type3 devices
    t3-<serial> (as Topology.memdev names them) for @serials."""
    return sum(ctx.qmp("qom-get", path=f"/machine/peripheral/t3-{sn}", property=prop)
               for sn in serials)


def two_rp_topology(size="256M", shared=True):
    """One host bridge, two root ports, a volatile cxl-type3 of @size below
    each (serials 1 and 2, backend files mem1.img and mem2.img, or with
    shared=False memory-backend-ram) and a 4 GiB window on the host
    bridge."""
    topo = Topology(size, shared)
    hb = topo.host_bridge(12)
    for port in (0, 1):
        topo.memdev(topo.root_port(hb, port))
    topo.window([hb])
    return topo


def qmp_refusals(ctx, cases):
    """Run each (command, arguments, argument name) of @cases over QMP:
    each must fail with a message naming the argument. A HOST handler."""
    wrong = []
    for cmd, args, name in cases:
        try:
            ctx.qmp(cmd, **args)
            wrong.append(f"{cmd} {name}: accepted")
        except Exception as e:
            if name not in str(e):
                wrong.append(f"{cmd} {name}: {e}")
    if wrong:
        raise RuntimeError("; ".join(wrong))
    return f"{len(cases)} refused"


# ---- Sanitize scenarios: one device, ram + pmem backend files ----

SANITIZE_FILES = ("cxl-vmem1", "cxl-pmem1")
# where sanitize_prewrite() writes its pattern in each backend file
SANITIZE_OFFSETS = (0, 1 * MiB, 256 * MiB - 64 * 1024)
SANITIZE_LENGTH = 64 * 1024


def sanitize_topology(ctx, sanitize_ms):
    """One host bridge, one root port, a cxl-type3 "cxl-mem0" with 256 MiB
    volatile and 256 MiB persistent capacity in backend files (share=on),
    a 1 MiB LSA, and a Sanitize of @sanitize_ms; the backend files hold
    sanitize_prewrite()'s pattern."""
    args = (backend(ctx, "ram", "cxl-vmem1", "256M") + backend(ctx, "pmem", "cxl-pmem1", "256M") +
            backend(ctx, "lsa", "cxl-lsa1", "1M") +
            ["-device", "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1",
             "-device", "cxl-rp,port=0,bus=cxl.1,id=root_port13,chassis=0,slot=2",
             "-device", "cxl-type3,bus=root_port13,volatile-memdev=cxl-vmem1,"
                        "persistent-memdev=cxl-pmem1,lsa=cxl-lsa1,id=cxl-mem0,sn=0x1,"
                        f"sanitize-ms={sanitize_ms}",
             "-M", "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G"])
    sanitize_prewrite(ctx)
    return args


def sanitize_prewrite(ctx, *args):
    """Write a pattern at SANITIZE_OFFSETS of both backend files."""
    for name in SANITIZE_FILES:
        with open(ctx.path(f"{name}.img"), "r+b") as f:
            for i, off in enumerate(SANITIZE_OFFSETS):
                f.seek(off)
                f.write(pattern(3 + i, SANITIZE_LENGTH))
    return "pattern written"


def sanitize_intact(ctx, *args):
    """HOST handler: sanitize_prewrite()'s pattern is still there."""
    for name in SANITIZE_FILES:
        with open(ctx.path(f"{name}.img"), "rb") as f:
            for i, off in enumerate(SANITIZE_OFFSETS):
                f.seek(off)
                if f.read(SANITIZE_LENGTH) != pattern(3 + i, SANITIZE_LENGTH):
                    raise RuntimeError(f"{name}: pattern at 0x{off:x} changed")
    return "pattern intact"


def sanitize_zeroed(ctx, *args):
    """HOST handler: every byte of both backend files is zero."""
    # check_interleave with nothing written: every byte of the files is zero
    ok, detail = check_interleave(ctx, SANITIZE_FILES, 0, 0, 0, len(SANITIZE_FILES), 256)
    if not ok:
        raise RuntimeError(detail)
    return "all zero"


# Guest shell (after GUEST_LIB), for migrations and snapshots: a 2-way ram
# region at 256 bytes over $m1 and $m2 (served from a shadow when their
# backends are private), online, and memfill keeping $fill_mib MiB of it
# filled with seed 5 (MEMFILL_HOLD: SIGUSR1 checks it again). Sets ram,
# dax, node, fill_pid; region_new reads a new region's name from
# `cxl create-region`.
RAM_REGION_ONLINE_FILLED = r'''
region_new() { sed -n 's/.*"region":"\(region[0-9]*\)".*/\1/p' | head -1; }
ram=$(cxl create-region -t ram -d decoder0.0 -w 2 -g 256 -m $m1 $m2 | region_new)
step ram-region test -n "$ram"
step_match ram-region-committed '"decode_state":"commit"' cxl list -R -r "$ram"
dax=$(ls /sys/bus/cxl/devices/$ram/dax_region*/ | grep '^dax[0-9]*\.[0-9]*$' | head -1)
# (kmem may have onlined it already, as the kernel's policy says)
online() {
    daxctl list -d "$dax" | grep -q '"mode":"system-ram"' ||
        daxctl reconfigure-device --mode=system-ram "$dax"
}
step online online
node=$(cat /sys/bus/dax/devices/$dax/target_node)
step node-is-cxl test "$node" -gt 0
MEMFILL_HOLD=1 memfill "$node" $fill_mib 5 > /tmp/fill.out 2>&1 &
fill_pid=$!
i=0; while ! grep -q pages /tmp/fill.out && kill -0 $fill_pid 2>/dev/null && [ $i -lt 600 ]; do sleep 1; i=$((i + 1)); done
step_match fill-reads-back ' bad 0$' cat /tmp/fill.out
'''
