"""Persistent memory on one host bridge, one root port, one cxl-type3 with
a label storage area, as a user of `cxl` and `ndctl` drives it.

Boot 1: the memdev, its ports and decoders appear; a pmem region and a raw
namespace are created (labels go to the LSA); a pattern is written
through /dev/pmem0. Boot 2, QEMU restarted on the same backend files: the
region is created again, the namespace comes back from the labels with the
same UUID, and the pattern reads back. On the host, the pattern is at the
DPA the 1-way decoder maps it to in the pmem backend file, and the LSA
holds the labels.
"""

from _cxl import GUEST_LIB, PMEM_BOOT1, PMEM_BOOT2, kv_store, pmem_check, pmem_lsa_device

DESCRIPTION = "1 HB / 1 RP / pmem + LSA: region, labelled namespace, data survive a QEMU restart"
MACHINE = "q35,cxl=on"
TIMEOUT = 400


def topology(ctx):
    return pmem_lsa_device(ctx, 1)


HOST = kv_store()
check = pmem_check


COMMON = GUEST_LIB + r'''
step memdevs-probed wait_memdevs 1
step_match memdev '"memdev":"mem0"' cxl list -M
step_match memdev-pmem-size '"pmem_size":268435456' cxl list -M
step_match memdev-serial '"serial":1,' cxl list -M
step_eq endpoint-decoders 4 sh -c 'ls -d /sys/bus/cxl/devices/endpoint*/decoder*.* | wc -l'
step region cxl create-region -t pmem -d decoder0.0 -m mem0
region=$(only_region)
step_match region-committed '"decode_state":"commit"' cxl list -R -r "$region"
'''

GUEST = [COMMON + PMEM_BOOT1, COMMON + PMEM_BOOT2 + r'''
step destroy-namespace ndctl destroy-namespace -f all
step destroy-region cxl destroy-region -f "$region"
step_eq kernel-log-clean "" kernel_cxl_trouble
''']
