"""Persistent memory security of a cxl-type3 (pmem, an LSA and a
device-state file) as a user drives it with ndctl and the kernel keyring,
across four QEMU runs.

The guest's /etc/ndctl/keys holds a master key blob (a "user" key: the
Debian kernel has no TRUSTED_KEYS). /init loads no module: the script
loads the CXL modules with kmod's modprobe, so that libnvdimm's install
hook (Debian's /etc/modprobe.d/nvdimm-security.conf) runs `ndctl
load-keys` first, as at a real boot. The DIMM key blob one boot makes is
carried to the next through the host (HOST save/load).

Boot 1: security disabled; `ndctl setup-passphrase` sets the user
passphrase (unlocked; the device-state file holds it); a pmem region and a
raw labelled namespace are created and a pattern written at DPA 1 MiB.
Boot 2: the DIMM key is not there at module load: the device is locked
and so is the nvdimm. `ndctl load-keys` and `ndctl enable-dimm` unlock it;
the region and namespace come back and the pattern reads back. With the
region gone, `ndctl sanitize-dimm --crypto-erase` (Passphrase Secure
Erase) removes the passphrase and the host finds the pmem backend file all
zero. A new passphrase is set and removed (`ndctl remove-passphrase`),
another set and frozen (`ndctl freeze-security`): removing it is refused.
Boot 3: the key blob is in place before the modules load: the kernel
unlocks the DIMM when it probes; the freeze ended with the reset.
`ndctl remove-passphrase` removes the passphrase; one is set, changed
(`ndctl update-passphrase`) and removed. A master passphrase is set
(`setup-passphrase -m`), then a user passphrase, whose key is then "lost".
Boot 4: only the master passphrase's blob is back: the device is locked
and `ndctl enable-dimm` fails. The host writes data into the backend;
`ndctl sanitize-dimm --crypto-erase --master-passphrase` erases the locked
device (the backend file all zero) and removes the user passphrase; the
DIMM enables; `ndctl remove-passphrase -m` leaves the device-state file
without passphrases.
"""

from _security import (FILES, GUEST_SEC_LIB, PMEM_READ_BACK, PMEM_WRITE, check,
                       host_handlers, topology)
from _cxl import pattern, PMEM_OFFSET as OFFSET, PMEM_LENGTH as LENGTH

DESCRIPTION = "1 HB / 1 RP / pmem + LSA: ndctl passphrases, unlock at boot, crypto-erase, freeze, master erase"
MACHINE = "q35,cxl=on"
TIMEOUT = 600

# /init loads none: the script loads the CXL modules once the keys are in
# place (cxl_acpi needs cxl_pmem, which needs libnvdimm)
MODULES = []


def prewrite(ctx):
    """The data a lost-passphrase device holds: the pattern at DPA 1 MiB."""
    with open(ctx.path("pmem0.img"), "r+b") as f:
        f.seek(OFFSET)
        f.write(pattern(9, LENGTH))
    return "pattern written"


HOST = dict(host_handlers(), prewrite=prewrite)


COMMON = GUEST_SEC_LIB + r'''
# load the CXL and nvdimm modules with kmod's modprobe (busybox sh would
# run its own applet, which ignores install commands): libnvdimm's install
# hook runs ndctl load-keys first. Then wait until the memdev and the
# nvdimm have probed.
load_modules() {
    /sbin/modprobe -a cxl_acpi cxl_pci cxl_port cxl_mem cxl_pmem nd_pmem &&
        wait_nmem0
}
'''

GUEST = [COMMON + r'''
step load-modules load_modules
step_eq cxl-state-disabled disabled cat $sec
step master-key-loaded keyctl search @u user nvdimm-master
step_eq nmem-security-disabled disabled nmem_field security
step setup-passphrase ndctl setup-passphrase nmem0 -k user:nvdimm-master
step_eq nmem-security-unlocked unlocked nmem_field security
step_eq cxl-state-unlocked unlocked cat $sec
step dimm-key-in-keyring keyctl search @u encrypted nvdimm:1
step save-key-blob save_blob
step host-passphrase-kept host kept

''' + PMEM_WRITE + r'''
step_eq kernel-log-clean "" kernel_cxl_trouble
''', COMMON + r'''
step load-modules load_modules
step master-key-loaded keyctl search @u user nvdimm-master
step_eq cxl-state-locked locked cat $sec
step_eq nmem-security-locked locked nmem_field security
step restore-key-blob restore_blob
step load-keys ndctl load-keys
step dimm-key-loaded keyctl search @u encrypted nvdimm:1
step enable-dimm-unlocks ndctl enable-dimm nmem0
step_eq nmem-security-unlocked unlocked nmem_field security
step_eq cxl-state-unlocked unlocked cat $sec

''' + PMEM_READ_BACK + r'''
step crypto-erase ndctl sanitize-dimm nmem0 --crypto-erase
step_eq nmem-disabled-after-erase disabled nmem_field security
step_eq cxl-state-disabled-after-erase disabled cat $sec
step key-blob-discarded test ! -e "$blob"
step host-erased host zeroed

step setup-passphrase-again ndctl setup-passphrase nmem0 -k user:nvdimm-master
step_eq nmem-unlocked-again unlocked nmem_field security
step remove-passphrase ndctl remove-passphrase nmem0
step_eq nmem-disabled-after-remove disabled nmem_field security
step_eq cxl-state-disabled-after-remove disabled cat $sec

step setup-passphrase-to-freeze ndctl setup-passphrase nmem0 -k user:nvdimm-master
step save-key-blob save_blob
step freeze ndctl freeze-security nmem0
step_eq nmem-frozen true nmem_field security_frozen
step_eq cxl-state-frozen frozen cat $sec
step_fails remove-refused-frozen ndctl remove-passphrase nmem0
step_eq nmem-still-unlocked unlocked nmem_field security
step key-blob-kept test -s "$blob"
step host-passphrase-kept host kept
step_eq kernel-log-clean "" kernel_cxl_trouble
''', COMMON + r'''
step restore-key-blob restore_blob
step load-modules-unlocks load_modules
step dimm-key-loaded keyctl search @u encrypted nvdimm:1
step_eq nmem-security-unlocked unlocked nmem_field security
step_eq cxl-state-unlocked unlocked cat $sec
step_eq nmem-not-frozen "" nmem_field security_frozen
step remove-passphrase ndctl remove-passphrase nmem0
step_eq nmem-disabled disabled nmem_field security
step_eq cxl-state-disabled disabled cat $sec

step setup-passphrase-to-update ndctl setup-passphrase nmem0 -k user:nvdimm-master
step update-passphrase ndctl update-passphrase nmem0
step_eq nmem-unlocked-after-update unlocked nmem_field security
step remove-updated-passphrase ndctl remove-passphrase nmem0
step_eq nmem-disabled-after-remove disabled nmem_field security

step setup-master-passphrase ndctl setup-passphrase nmem0 -m -k user:nvdimm-master
step_match host-master-kept '^master-passphrase$' host passphrases
step_eq nmem-disabled-with-master disabled nmem_field security
step setup-user-passphrase ndctl setup-passphrase nmem0 -k user:nvdimm-master
step_match host-both-kept '^master-passphrase user-passphrase$' host passphrases
step save-master-key-blob save_blob mblob "$mblob"
step_eq kernel-log-clean "" kernel_cxl_trouble
''', COMMON + r'''
# the user passphrase is lost: only the master passphrase's blob is back
step restore-master-key-blob restore_blob mblob "$mblob"
step load-modules load_modules
step_eq cxl-state-locked locked cat $sec
step_eq nmem-security-locked locked nmem_field security
step_fails enable-dimm-refused ndctl enable-dimm nmem0
step host-prewrite host prewrite
step master-passphrase-key-loaded load_master_pass_key
step master-crypto-erase ndctl sanitize-dimm nmem0 --crypto-erase --master-passphrase
step_eq cxl-state-disabled-after-erase disabled cat $sec
step host-erased host zeroed
step enable-dimm ndctl enable-dimm nmem0
step_eq nmem-disabled-after-erase disabled nmem_field security
step_match host-master-left '^master-passphrase$' host passphrases
step remove-master-passphrase ndctl remove-passphrase -m nmem0
step_match host-none-left '^none$' host passphrases
step_eq kernel-log-clean "" kernel_cxl_trouble
''']
