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

from _cxl import (GUEST_LIB, kv_store, pmem_lsa_device, read_file, pattern, MiB,
                  PMEM_OFFSET as OFFSET, PMEM_LENGTH as LENGTH)

DESCRIPTION = "1 HB / 1 RP / pmem + LSA: region, labelled namespace, data survive a QEMU restart"
MACHINE = "q35,cxl=on"
TIMEOUT = 400


def topology(ctx):
    return pmem_lsa_device(ctx, 1)


HOST = kv_store()


def check(ctx):
    data = read_file(ctx, "pmem0", OFFSET, LENGTH)
    ctx.check("pattern-at-dpa", data == pattern(7, LENGTH),
              "the bytes written at /dev/pmem0 offset 1 MiB are at DPA 1 MiB of the backend")
    lsa = read_file(ctx, "lsa0", 0, 1 * MiB)
    ctx.check("labels-in-lsa", b"NAMESPACE_INDEX" in lsa, "the LSA holds namespace index blocks")


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

GUEST = [COMMON + r'''
step_match nvdimm-bridge 'nmem' ndctl list -D
step namespace ndctl create-namespace -r "$region" -m raw
uuid=$(only_ns_uuid)
step save-uuid host save uuid "$uuid"
step write-pattern pmem_write 7
step_eq kernel-log-clean "" kernel_cxl_trouble
''', COMMON + r'''
step namespace-from-labels test -b /dev/pmem0
want=$(host load uuid | tail -n 1)
step_match namespace-same-uuid "\"uuid\":\"$want\"" ndctl list -N
step read-pattern pmem_cmp 7
step destroy-namespace ndctl destroy-namespace -f all
step destroy-region cxl destroy-region -f "$region"
step_eq kernel-log-clean "" kernel_cxl_trouble
''']
