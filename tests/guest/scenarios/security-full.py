"""Persistent memory security of a cxl-type3 (pmem, an LSA and a
device-state file) on the full-coverage kernel, where cxl_pmem and
libnvdimm are built in, as a user drives it with ndctl and keyctl, across
six QEMU runs; then wrong user and master passphrases up to the device's
attempt limit (CXL_TYPE3_SEC_TRY_LIMIT, 3).

Every step checks three views: the kernel's (`ndctl list -D`: "security",
"security_frozen" from the nvdimm's frozen attribute, "state"; the memdev's
security/state), the device's security state (what Get Security State
returns, from the cxl_type3_security_state trace point) and the security
commands the device ran with their return codes (cxl_cci_command trace
point: "unlock:14" is an Unlock refused with Incorrect Passphrase, "none"
means the kernel refused before any command reached the device).

Reboot locked, with the drivers built in: the nvdimm driver probes the DIMM
during boot, before user space can load a key. nvdimm_probe()
(drivers/nvdimm/dimm.c) calls nvdimm_security_unlock(), and
nvdimm_get_key_payload() (drivers/nvdimm/security.c) sends the zero key
when request_key() finds no "nvdimm:<id>" key: the device counts that as
a wrong Unlock (boots 2-5 each start with "unlock:14"). Reading the label
area then fails (the device refuses media commands while locked), so the
probe fails and the DIMM stays disabled. The user unlocks it with `ndctl
load-keys` (the master key blob and the DIMM key blob from
/etc/ndctl/keys) and `ndctl enable-dimm`, whose probe unlocks with the key
now in the keyring. On a real system the boot's attempt costs one of the
limit's tries.

Boot 1: security disabled (no Unlock at boot); `ndctl setup-passphrase`;
a pmem region, a raw labelled namespace, a pattern at DPA 1 MiB.
Boot 2: locked; unlocked (above); the region and namespace come back and
the pattern reads back. `ndctl update-passphrase` (a new key blob);
`ndctl sanitize-dimm --crypto-erase` with the new passphrase: security
disabled and the host finds the pmem backend all zero. A passphrase is
set and frozen (`ndctl freeze-security`): removing it is refused (by the
kernel: check_security_state() sees NVDIMM_SECURITY_FROZEN).
Boot 3: the reset ended the freeze; unlocked; `ndctl remove-passphrase`.
Wrong passphrases, disabling: a passphrase is set, and a wrong key (a new
random encrypted key made with keyctl) replaces it in the keyring. Three
`ndctl remove-passphrase` fail with Incorrect Passphrase; after the third
the device sets the user passphrase limit bit, which Linux
(cxl_pmem_get_security_flags(), drivers/cxl/security.c) turns into
NVDIMM_SECURITY_FROZEN: ndctl shows "security_frozen" and the memdev's
security/state "frozen". With the right key back the kernel refuses
remove-passphrase and update-passphrase itself (frozen), nothing reaches
the device.
Boot 4: wrong passphrases, unlocking: a stale key blob (the previous
passphrase's) is loaded; with the boot's zero-key attempt, two failing
`ndctl enable-dimm` reach the limit: the DIMM stays locked and frozen. The
right blob's key is then refused by the device itself (the kernel's
unlock path does not check the frozen flag): Invalid Security State
(unlock:13), still locked.
Boot 5: the reset ended the limit: the right key unlocks, and the
passphrase is removed. Wrong master passphrases: a master passphrase is
set (`setup-passphrase -m`), a wrong key replaces its key, and three
`remove-passphrase -m` reach the master passphrase limit. The kernel's
view does not show it: cxl_pmem_get_security_flags() reports the master
limit as NVDIMM_SECURITY_FROZEN only for NVDIMM_MASTER, which libnvdimm
keeps in ext_flags, and no sysfs attribute shows ext_flags (ndctl: security
"disabled", not frozen; the memdev's security/state says "disabled"
before it looks at the limit bits). So the kernel passes the right master
passphrase on, and the device refuses it: Invalid Security State
(disable-passphrase:13).
Boot 6: no user passphrase, so no Unlock at boot; the reset ended the
master limit: the master passphrase is removed with the right key; the
device-state file keeps none.
"""

from _security import (FILES, GUEST_SEC_LIB, PMEM_READ_BACK, PMEM_WRITE, check,
                       host_handlers, topology)

DESCRIPTION = "full kernel, pmem + LSA: ndctl passphrases, locked reboot, erase, freeze, user and master passphrase limits"
MACHINE = "q35,cxl=on"
KERNEL = "full"
TIMEOUT = 600

HOST = host_handlers()


COMMON = GUEST_SEC_LIB + r'''
# wrong_key DESC: a wrong key in place of passphrase key DESC: a new random
# 32-byte passphrase, made as ndctl makes them (sealed by the master key)
wrong_key() {
    keyctl unlink "$(key_of "$1")" @u &&
        keyctl add encrypted "$1" "new enc32 user:nvdimm-master 32" @u
}
# the user passphrase's key from the blob in $keys instead of the one in
# the keyring
reload_key() { keyctl unlink "$(key_of nvdimm:1)" @u && ndctl load-keys; }
step nmem-probed wait_nmem0
'''
# boots 2-5 start on a device locked since the reset: the nvdimm probe at
# boot tried the zero key (one wrong Unlock) and failed, so the DIMM is
# disabled
LOCKED_AT_BOOT = r'''
step_eq nmem-security-locked locked nmem_field security
step_eq nmem-disabled-at-boot disabled nmem_field state
step_eq cxl-state-locked locked cat $sec
step_eq nmem-not-frozen "" nmem_field security_frozen
step_eq device-boot-unlock-wrong unlock:14 host seccmds
'''
# restore key blob KEY, load it, enable the DIMM: the unlock
UNLOCK = r'''
step restore-key-blob restore_blob %s
step load-keys ndctl load-keys
step dimm-key-loaded key_of nvdimm:1
step enable-dimm-unlocks ndctl enable-dimm nmem0
step_eq device-unlocked "unlock:00" host seccmds
step_eq device-state-unlocked "0x01 user-pass-set" host devsec
step_eq nmem-security-unlocked unlocked nmem_field security
step_eq nmem-enabled "" nmem_field state
step_eq cxl-state-unlocked unlocked cat $sec
'''
# remove-passphrase: the device's passphrase gone, the key and its blob too
REMOVE = r'''
step remove-passphrase ndctl remove-passphrase nmem0
step_eq device-passphrase-removed disable-passphrase:00 host seccmds
step_eq device-no-passphrase "0x00 none" host devsec
step_eq nmem-disabled disabled nmem_field security
step_eq cxl-state-disabled disabled cat $sec
step key-blob-discarded test ! -e "$blob"
step_eq host-no-passphrase none host passphrases
'''

GUEST = [COMMON + r'''
step_eq nmem-enabled "" nmem_field state
step_eq cxl-state-disabled disabled cat $sec
step_eq nmem-security-disabled disabled nmem_field security
step_eq device-no-passphrase "0x00 none" host devsec
step_eq device-no-unlock-at-boot none host seccmds
step load-master-key ndctl load-keys
step master-key-loaded keyctl search @u user nvdimm-master
step setup-passphrase ndctl setup-passphrase nmem0 -k user:nvdimm-master
step_eq device-set-passphrase set-passphrase:00 host seccmds
step_eq device-user-passphrase "0x01 user-pass-set" host devsec
step_eq nmem-security-unlocked unlocked nmem_field security
step_eq cxl-state-unlocked unlocked cat $sec
step dimm-key-in-keyring key_of nvdimm:1
step save-key-blob save_blob p1
step host-passphrase-kept host kept

''' + PMEM_WRITE + r'''
step_eq kernel-log-clean "" kernel_cxl_trouble
''', COMMON + LOCKED_AT_BOOT + r'''
step_eq device-locked "0x05 user-pass-set locked" host devsec
''' + UNLOCK % "p1" + PMEM_READ_BACK + r'''
cp "$blob" /tmp/p1.blob
step update-passphrase ndctl update-passphrase nmem0
step_eq device-passphrase-changed set-passphrase:00 host seccmds
step_eq nmem-unlocked-after-update unlocked nmem_field security
step key-blob-replaced sh -c "test -s $blob && ! cmp -s /tmp/p1.blob $blob"

step crypto-erase ndctl sanitize-dimm nmem0 --crypto-erase
step_eq device-erased passphrase-secure-erase:00 host seccmds
step_eq device-no-passphrase-after-erase "0x00 none" host devsec
step_eq nmem-disabled-after-erase disabled nmem_field security
step_eq cxl-state-disabled-after-erase disabled cat $sec
step key-blob-discarded test ! -e "$blob"
step host-erased host zeroed

step setup-passphrase-to-freeze ndctl setup-passphrase nmem0 -k user:nvdimm-master
step save-key-blob-p3 save_blob p3
step freeze ndctl freeze-security nmem0
step_eq device-froze "set-passphrase:00 freeze-security-state:00" host seccmds
step_eq device-frozen "0x09 user-pass-set frozen" host devsec
step_eq nmem-frozen true nmem_field security_frozen
step_eq cxl-state-frozen frozen cat $sec
step_fails remove-refused-frozen ndctl remove-passphrase nmem0
step_eq kernel-refused-frozen none host seccmds
step_eq device-still-frozen "0x09 user-pass-set frozen" host devsec
step_eq nmem-still-unlocked unlocked nmem_field security
step key-blob-kept test -s "$blob"
step_eq kernel-log-clean "" kernel_cxl_trouble
''', COMMON + LOCKED_AT_BOOT + r'''
step_eq device-locked-not-frozen "0x05 user-pass-set locked" host devsec
''' + UNLOCK % "p3" + REMOVE + r'''
# wrong passphrases: disabling the user passphrase
step setup-passphrase ndctl setup-passphrase nmem0 -k user:nvdimm-master
step save-key-blob save_blob p4
step_eq device-set-passphrase set-passphrase:00 host seccmds
step wrong-key-in-keyring wrong_key nvdimm:1
step_fails remove-wrong-1 ndctl remove-passphrase nmem0
step_eq device-wrong-1 disable-passphrase:14 host seccmds
step_fails remove-wrong-2 ndctl remove-passphrase nmem0
step_eq device-wrong-2 disable-passphrase:14 host seccmds
step_eq device-under-limit "0x01 user-pass-set" host devsec
step_eq nmem-not-frozen-yet "" nmem_field security_frozen
step_fails remove-wrong-3 ndctl remove-passphrase nmem0
step_eq device-wrong-3 disable-passphrase:14 host seccmds
step_eq device-user-limit "0x11 user-pass-set user-plimit" host devsec
step_eq nmem-frozen-at-limit true nmem_field security_frozen
step_eq nmem-unlocked-at-limit unlocked nmem_field security
step_eq cxl-state-frozen-at-limit frozen cat $sec
step key-blob-kept test -s "$blob"
step right-key-in-keyring reload_key
step_fails remove-right-refused ndctl remove-passphrase nmem0
step_eq kernel-refused-at-limit none host seccmds
step_fails update-refused ndctl update-passphrase nmem0
step_eq kernel-refused-update none host seccmds
step_eq device-still-at-limit "0x11 user-pass-set user-plimit" host devsec
step host-passphrase-kept host kept
step_eq kernel-log-clean "" kernel_cxl_trouble
''', COMMON + LOCKED_AT_BOOT + r'''
# wrong passphrases: unlocking, with a stale key blob (that of the passphrase
# before); the probe at boot was the first wrong attempt
step_eq device-locked "0x05 user-pass-set locked" host devsec
step restore-stale-blob restore_blob p3
step load-stale-key ndctl load-keys
step_fails enable-wrong-2 ndctl enable-dimm nmem0
step_eq device-wrong-2 unlock:14 host seccmds
step_eq device-under-limit "0x05 user-pass-set locked" host devsec
step_eq nmem-not-frozen-yet "" nmem_field security_frozen
step_fails enable-wrong-3 ndctl enable-dimm nmem0
step_eq device-wrong-3 unlock:14 host seccmds
step_eq device-user-limit "0x15 user-pass-set locked user-plimit" host devsec
step_eq nmem-locked-at-limit locked nmem_field security
step_eq nmem-frozen-at-limit true nmem_field security_frozen
step_eq cxl-state-frozen-at-limit frozen cat $sec
step restore-right-blob restore_blob p4
step right-key-in-keyring reload_key
step_fails enable-right-refused ndctl enable-dimm nmem0
step_eq device-refused-right unlock:13 host seccmds
step_eq device-still-at-limit "0x15 user-pass-set locked user-plimit" host devsec
step_eq nmem-still-locked locked nmem_field security
step_eq nmem-still-disabled disabled nmem_field state
step_eq kernel-log-clean "" kernel_cxl_trouble
''', COMMON + LOCKED_AT_BOOT + r'''
# the reset ended the limit: the right passphrase unlocks
step_eq device-reset-ends-limit "0x05 user-pass-set locked" host devsec
''' + UNLOCK % "p4" + REMOVE + r'''
# wrong passphrases: the master passphrase
step setup-master-passphrase ndctl setup-passphrase nmem0 -m -k user:nvdimm-master
step_eq device-set-master set-passphrase:00 host seccmds
step_eq device-master-passphrase "0x02 master-pass-set" host devsec
step save-master-key-blob save_blob mblob "$mblob"
step wrong-master-key wrong_key nvdimm-master:1
step_fails remove-master-wrong-1 ndctl remove-passphrase -m nmem0
step_eq device-master-wrong-1 disable-passphrase:14 host seccmds
step_fails remove-master-wrong-2 ndctl remove-passphrase -m nmem0
step_eq device-master-wrong-2 disable-passphrase:14 host seccmds
step_eq device-master-under-limit "0x02 master-pass-set" host devsec
step_fails remove-master-wrong-3 ndctl remove-passphrase -m nmem0
step_eq device-master-wrong-3 disable-passphrase:14 host seccmds
step_eq device-master-limit "0x22 master-pass-set master-plimit" host devsec
# Linux keeps the master limit in the nvdimm's ext_flags, which no sysfs
# attribute shows, and the memdev's state reports "disabled" first
step_eq nmem-master-limit-unseen disabled nmem_field security
step_eq nmem-master-limit-not-frozen "" nmem_field security_frozen
step_eq cxl-state-master-limit-unseen disabled cat $sec
step right-master-key load_master_pass_key
step_fails remove-master-right-refused ndctl remove-passphrase -m nmem0
step_eq device-refused-right-master disable-passphrase:13 host seccmds
step_eq device-still-master-limit "0x22 master-pass-set master-plimit" host devsec
step master-key-blob-kept test -s "$mblob"
step_eq host-master-kept master-passphrase host passphrases
step_eq kernel-log-clean "" kernel_cxl_trouble
''', COMMON + r'''
# the reset ended the master limit: the right master passphrase removes it
step_eq nmem-enabled "" nmem_field state
step_eq nmem-security-disabled disabled nmem_field security
step_eq device-no-unlock-at-boot none host seccmds
step_eq device-reset-ends-master-limit "0x02 master-pass-set" host devsec
step restore-master-key-blob restore_blob mblob "$mblob"
step load-master-key ndctl load-keys
step master-passphrase-key-loaded load_master_pass_key
step remove-master-passphrase ndctl remove-passphrase -m nmem0
step_eq device-master-removed disable-passphrase:00 host seccmds
step_eq device-no-passphrase "0x00 none" host devsec
step master-key-blob-discarded test ! -e "$mblob"
step_eq host-no-passphrase none host passphrases
step_eq kernel-log-clean "" kernel_cxl_trouble
''']
