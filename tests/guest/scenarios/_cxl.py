"""Shared pieces of the CXL scenarios: topology builders and guest shell
helpers. Not a scenario (the name starts with '_')."""

import os

MiB = 1 << 20


def backend(ctx, kind, name, size):
    """-object args for a file-backed memory backend in the work dir
    (share=on, so the host can check the file after the run)."""
    path = ctx.file(f"{name}.img", size=size)
    return ["-object", f"memory-backend-file,id={name},share=on,mem-path={path},size={size}"]


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


# Guest shell helpers, prepended to the scenarios' GUEST scripts.
GUEST_LIB = r'''
# pattern SEED LEN: deterministic bytes (see _cxl.pattern on the host)
pattern() { seq $(($1 * 1000000 + 1)) $(($1 * 1000000 + $2)) | head -c "$2"; }
# kernel log lines at warning level or worse that mention CXL, NVDIMM or DAX
kernel_cxl_trouble() {
    dmesg -r | grep -E '^<[0-4]>' | grep -iE 'cxl|nvdimm|nd_|pmem|dax|region' || true
}
# the only region's name
only_region() { cxl list -R 2>/dev/null | sed -n 's/.*"region":"\(region[0-9]*\)".*/\1/p' | head -1; }
'''


def spec_dpa(hpa_offset, ways, gran):
    """CXL r3.1 8.2.4.20.13 / 9.13.1 arithmetic for an endpoint decoder, in
    its plainest form (valid for 1, 2, 4, 8, 16 and 3, 6, 12 ways, as
    Linux's cxl_calculate_position()/cxl_calculate_dpa_offset()): the
    position of the device an HPA offset reaches and the DPA offset there."""
    return (hpa_offset // gran) % ways, (hpa_offset // (gran * ways)) * gran + hpa_offset % gran


def dax_word(x, seed):
    """The word daxpoke writes at device offset x."""
    return (x ^ (seed * 0x9e3779b97f4a7c15)) & (2**64 - 1)


def check_interleave(ctx, files, offset, length, seed, ways, gran, dpa_base=0):
    """After daxpoke wrote [offset, offset + length) of a region whose
    position p is backed by files[p]: every word is where the spec's
    arithmetic puts it, and every other byte of the files is zero.
    Returns (ok, detail)."""
    want = [dict() for _ in range(ways)]          # dpa -> 8 bytes
    for x in range(offset, offset + length, 8):
        pos, dpa = spec_dpa(x, ways, gran)
        want[pos][dpa_base + dpa] = dax_word(x, seed).to_bytes(8, "little")
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
