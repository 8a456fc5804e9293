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
only_region() { cxl list -R | sed -n 's/.*"region":"\(region[0-9]*\)".*/\1/p' | head -1; }
'''
