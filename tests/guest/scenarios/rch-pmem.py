"""A CXL 1.1 RCD with persistent memory and a label storage area below a
Restricted CXL Host: the pmem region firmware set up with the RCD's DVSEC
range, a labelled namespace and its data survive a QEMU restart.

Boot 1: Linux assembles the pmem region from the range firmware set
(-machine cxl-region.0.type=pmem, the RCD as target), makes a raw
namespace (labels into the LSA through the mailbox) and writes a pattern
through /dev/pmem0. Boot 2, QEMU restarted on the same backend files:
firmware sets the range again, the region is assembled again, the
namespace comes back from its labels with the same UUID and the pattern
reads back. On the host, the pattern is at DPA = offset in the region in
the pmem backend file (the range maps the whole capacity linearly), and
the LSA holds the labels. See rch-ram for the one warning Linux 7.3 gives
when it attaches an RCD to a region.
"""

from _cxl import GUEST_LIB, PMEM_BOOT1, PMEM_BOOT2, backend, kv_store, pmem_check
from _rch import ALLOW_WARNINGS, RCH_LIB, rch_args

DESCRIPTION = "CXL 1.1 RCH + RCD (pmem + LSA): firmware DVSEC range, labelled namespace, data survive a restart"
MACHINE = "q35,cxl=on"
CPU = "max"                     # hypervisor bit set: Linux cannot flush caches
TIMEOUT = 400


def topology(ctx):
    return (backend(ctx, "pmem", "pmem0", "256M") + backend(ctx, "lsa", "lsa0", "1M") +
            rch_args("persistent-memdev=pmem0,lsa=lsa0,sn=1",
                     "cxl-region.0.window=0,cxl-region.0.size=256M,cxl-region.0.type=pmem,"
                     "cxl-region.0.targets.0=rcd"))


HOST = kv_store()
check = pmem_check

COMMON = GUEST_LIB + RCH_LIB + r'''
step memdevs-probed wait_memdevs 1
step_match memdev-is-rcd '"host":"0000:0c:00.0"' cxl list -M
step_match memdev-pmem-size '"pmem_size":268435456' cxl list -M
step regions-assembled wait_regions 1
region=$(only_region)
step_match region-pmem '"type":"pmem"' cxl list -R -r "$region"
step_match region-committed '"decode_state":"commit"' cxl list -R -r "$region"
'''

GUEST = [COMMON + PMEM_BOOT1.replace("kernel_cxl_trouble", "rch_trouble"),
         COMMON + PMEM_BOOT2 + r'''
step destroy-namespace ndctl destroy-namespace -f all
step_eq kernel-log-clean "" rch_trouble
''']
