"""The pmem1t case on a 64 GiB sparse file, the guest touching 1 GiB
(make bench-quick; _scale.pmem_case)."""

from _scale import pmem_case

globals().update(pmem_case("64G", 1, "64 GiB sparse file-backed pmem: start time and RSS, guest touches 1 GiB"))
QUICK = True
