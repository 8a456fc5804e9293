"""Self-test of two guests in one scenario (PEER), independent of the CXL
device models: two QEMU processes map one shared backend file as an ACPI
NVDIMM each. The first guest writes a pattern and posts a mark; the
second waits for the mark, reads the pattern the first wrote, writes its
own and posts; the first reads that. Exercises the peer's own topology,
script and HOST handlers, the marks (ctx.post/ctx.wait), ctx.peer, the
shared work directory, and the merging of the peer's steps and host
checks into the scenario's result.
"""

DESCRIPTION = "harness self-test: two guests (PEER) sharing a backend file"

SIZE = "128M"
A_TEXT = "written-by-guest-a"
B_TEXT = "written-by-guest-b"
A_PAGE, B_PAGE = 256, 512          # 4 KiB pages of the shared file

MACHINE = "q35,nvdimm=on"
MEMORY = "1G,slots=2,maxmem=2G"


def nvdimm(path):
    return ["-object", f"memory-backend-file,id=pmem0,share=on,mem-path={path},size={SIZE}",
            "-device", "nvdimm,id=nvdimm0,memdev=pmem0"]


def topology(ctx):
    return nvdimm(ctx.file("shared.img", size=SIZE))


def peer_topology(ctx):
    # the same file, made by the first guest's topology
    return nvdimm(ctx.path("shared.img"))


def qmp_name(ctx):
    """The peer's QEMU is another process: its own QMP answers."""
    ctx.qmp("query-name")
    ctx.peer.qmp("query-name")
    return f"pid {ctx.proc.pid} peer pid {ctx.peer.proc.pid}"


def read_file(ctx, page, text):
    with open(ctx.path("shared.img"), "rb") as f:
        f.seek(int(page) * 4096)
        return f.read(len(text)).decode(errors="replace")


HOST = {
    "post": lambda ctx, name: ctx.post(name),
    "wait": lambda ctx, name: ctx.wait(name),
    "pids": qmp_name,
}

GUEST = r'''
step write sh -c "printf '%s' A_TEXT | dd of=/dev/pmem0 bs=4096 seek=A_PAGE conv=notrunc,fsync 2>&1"
step_match two-processes '^pid [0-9]+ peer pid [0-9]+$' host pids
step post-a host post a-written
step wait-b host wait b-written
step_eq read-b B_TEXT sh -c "dd if=/dev/pmem0 bs=4096 skip=B_PAGE count=1 iflag=direct 2>/dev/null | head -c BLEN"
'''

PEER = {
    "topology": peer_topology,
    "HOST": HOST,
    "GUEST": r'''
step wait-a host wait a-written
step_eq read-a A_TEXT sh -c "dd if=/dev/pmem0 bs=4096 skip=A_PAGE count=1 iflag=direct 2>/dev/null | head -c ALEN"
step write sh -c "printf '%s' B_TEXT | dd of=/dev/pmem0 bs=4096 seek=B_PAGE conv=notrunc,fsync 2>&1"
step post-b host post b-written
''',
    "check": lambda ctx: ctx.check("peer-wrote", read_file(ctx, B_PAGE, B_TEXT) == B_TEXT),
}


def check(ctx):
    ctx.check("a-wrote", read_file(ctx, A_PAGE, A_TEXT) == A_TEXT)
    ctx.check("peer-linked", ctx.peer is not None and ctx.peer.peer is ctx)


def _fill(script):
    for k, v in (("A_TEXT", A_TEXT), ("B_TEXT", B_TEXT), ("A_PAGE", A_PAGE), ("B_PAGE", B_PAGE),
                 ("ALEN", len(A_TEXT)), ("BLEN", len(B_TEXT))):
        script = script.replace(k, str(v))
    return script


GUEST = _fill(GUEST)
PEER["GUEST"] = _fill(PEER["GUEST"])
