"""Persistent memory on arm virt: one host bridge, one root port, one
cxl-type3 with a label storage area, its pmem region committed by
firmware (Debian's arm64 kernel cannot commit a region it creates: it has
no way to invalidate CPU caches for it; see FACTS), used as ndctl users do.

Boot 1: the memdev appears, Linux assembles the region from the
committed decoders, a raw namespace is created on it (labels go to the
LSA) and a pattern is written through /dev/pmem0. Boot 2, QEMU restarted
on the same backend files: the region is assembled again, the namespace
comes back from the labels with the same UUID, and the pattern reads
back. On the host, the pattern is at the DPA the 1-way decoder maps it to
in the pmem backend file, and the LSA holds the labels.
"""

from _cxl import GUEST_LIB, PMEM_BOOT1, PMEM_BOOT2, kv_store, pmem_check, pmem_lsa_device

DESCRIPTION = "arm virt, 1 HB / 1 RP / pmem + LSA, firmware region: labelled namespace, data survive a QEMU restart"
ARCH = "aarch64"
MACHINE = "virt,gic-version=3,cxl=on"
TIMEOUT = 300
REGION = ("cxl-region.0.window=0,cxl-region.0.size=256M,cxl-region.0.targets.0=t3,"
          "cxl-region.0.type=pmem")


def topology(ctx):
    return pmem_lsa_device(ctx, 1) + ["-M", REGION]


HOST = kv_store()
check = pmem_check


COMMON = GUEST_LIB + r'''
step_eq arch-aarch64 aarch64 uname -m
step memdevs-probed wait_memdevs 1
step_match memdev-pmem-size '"pmem_size":268435456' cxl list -M
step_match memdev-serial '"serial":1,' cxl list -M
step region-assembled wait_regions 1
region=$(only_region)
step_match region-pmem '"type":"pmem"' cxl list -R -r "$region"
step_match region-committed '"decode_state":"commit"' cxl list -R -r "$region"
step_match region-size '"size":268435456,' cxl list -R -r "$region"
'''

GUEST = [COMMON + PMEM_BOOT1, COMMON + PMEM_BOOT2 + r'''
step_eq kernel-log-clean "" kernel_cxl_trouble
''']
