"""The pmem1t case interleaved: two devices of 128 GiB on two root ports
of one host bridge, sparse files, a 256 GiB pmem region at 4 KiB that
firmware commits; the guest writes 256 MiB. The fast path scans such a
region page by page (a route each) and translates it from tables of 8
bytes per page in runs of 16 GiB, so this shows what that costs at
start (one round each way;
_scale.pmem_case). 256 GiB, not 1 TiB: a 1 TiB region kept QEMU busy
140 s (before the fixes in tests/perf/README.md) before the guest could start (run.py gives up on a guest that has
not reached /init after 120 s)."""

from _scale import pmem_case

globals().update(pmem_case("256G", 0.25, "2 x 128 GiB sparse pmem, 4 KiB interleave: start time and RSS, guest touches 256 MiB",
                           ways=2, rounds=1))
