"""The full-coverage guest kernel (tests/guest/kernel.sh) on one host
bridge, one root port and a cxl-type3 with pmem and an LSA: the drivers
Debian's kernel lacks are built in and bind to our device.

The memdev probes; its fwctl device exists (for QEMU's durations feature,
the one user space may change; the fwctl scenario uses it); EDAC
registers cxl_mem0 with the memory features our device reports (patrol
scrub, DDR5 ECS, memory repair: CXL_EDAC_*); the CXL PMU driver is
registered; MCTP sockets exist; /proc/config.gz says raw mailbox commands,
region invalidation test and EINJ-CXL are on. The kernel log stays clean.
"""

from _cxl import GUEST_LIB, pmem_lsa_device

DESCRIPTION = "full kernel, 1 HB / 1 RP / pmem: EDAC memory features, fwctl, PMU, MCTP, raw commands built in"
MACHINE = "q35,cxl=on"
KERNEL = "full"


def topology(ctx):
    return pmem_lsa_device(ctx, 0x31)


GUEST = GUEST_LIB + r'''
step_match kernel-is-full '^7\.3\.4-cxl-full$' uname -r
step memdevs-probed wait_memdevs 1
step_match memdev-bound '^mem0$' ls /sys/bus/cxl/drivers/cxl_mem/
step_match memdev-listed '"memdev":"mem0"' cxl list -M
# FWCTL: Linux creates the memdev's fwctl device only when the device
# reports a feature user space may use (devm_cxl_setup_fwctl(),
# drivers/cxl/core/features.c): patrol scrub, ECS, soft/hard PPR and the
# four sparings are on its cxl_exclusive_feats list, QEMU's emulated
# operation durations is not, so there is fwctl0 (scenario fwctl).
step fwctl-class test -d /sys/class/fwctl
step_eq fwctl-device-for-user-feature "fwctl0" ls /sys/class/fwctl/
step fwctl-chardev test -c /dev/fwctl/fwctl0
# CXL_EDAC_*: /sys/bus/edac/devices/cxl_mem0/{scrub0,ecs_fru0,mem_repair0}
step_match edac-memdev '^cxl_mem0$' ls /sys/bus/edac/devices/
step_match edac-scrub '^scrub0$' ls /sys/bus/edac/devices/cxl_mem0/
step_match edac-ecs '^ecs_fru0$' ls /sys/bus/edac/devices/cxl_mem0/
step_match edac-mem-repair '^mem_repair0$' ls /sys/bus/edac/devices/cxl_mem0/
step_match edac-scrub-readable '^[0-9]+$' cat /sys/bus/edac/devices/cxl_mem0/scrub0/current_cycle_duration
# CXL_PMU: the driver is there (our device has no CPMU to bind to)
step cxl-pmu-driver test -d /sys/bus/cxl/drivers/cxl_pmu
# MCTP core: the address family is registered
step_match mctp-protocol '^MCTP ' cat /proc/net/protocols
zcat /proc/config.gz > /tmp/config
for opt in CXL_MEM_RAW_COMMANDS CXL_REGION_INVALIDATION_TEST ACPI_APEI_EINJ_CXL \
           MCTP_TRANSPORT_I2C MCTP_TRANSPORT_USB NVDIMM_KEYS DEV_DAX_KMEM; do
    step_match config-$opt "^CONFIG_$opt=y\$" cat /tmp/config
done
step_eq kernel-log-clean "" kernel_cxl_trouble
'''
