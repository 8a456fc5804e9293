"""A 1 TiB pmem device on a sparse file (memory-backend-file, share=on):
QEMU's start time and RSS with it against the same QEMU without it, and
the RSS after the guest writes 1 GiB of it through /dev/mem, behind a
pmem region firmware committed over all of it (_scale.pmem_case)."""

from _scale import pmem_case

globals().update(pmem_case("1T", 1, "1 TiB sparse file-backed pmem: start time and RSS, guest touches 1 GiB"))
