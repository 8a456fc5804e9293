/*
 * Persistent memory data-at-rest security for cxl-type3 (CXL r3.1
 * 8.2.9.9.6): Get Security State (4500h), Set Passphrase (4501h),
 * Disable Passphrase (4502h), Unlock (4503h), Freeze Security State
 * (4504h) and Passphrase Secure Erase (4505h).
 *
 * The device has a user and a master passphrase of 32 bytes each. The
 * security state (Linux's CXL_PMEM_SEC_STATE_*) reports which are set,
 * whether the device is locked or frozen, and whether the user or master
 * passphrase attempt count has reached its limit (CXL_TYPE3_SEC_TRY_LIMIT
 * wrong passphrases; the counts restart after a correct passphrase, and
 * the limit bits clear at the next reset). The behaviour follows
 * the kernel's mock device (tools/testing/cxl/test/mem.c):
 *  - a command the state does not allow (frozen, limit reached, no such
 *    passphrase set, not locked...) returns Invalid Security State (13h);
 *  - a wrong passphrase returns Incorrect Passphrase (14h) and counts an
 *    attempt;
 *  - an unknown passphrase type returns Invalid Input (02h);
 *  - the master passphrase can only be set while no user passphrase is;
 *  - Freeze makes every later security change fail until the next reset.
 *
 * While a user passphrase is set the device is locked after every reset
 * (and at power on): until Unlock, commands that access the media
 * (CXL_CCI_F_MEDIA) return Invalid Security State and CXL.mem reads
 * return all ones, writes are dropped (cxl_type3_dpa_ptr() finds no
 * memory). Sanitize and Secure Erase are refused with Invalid Security
 * State while a user passphrase is set (Passphrase Secure Erase is the
 * way to erase such a device). Passphrase Secure Erase overwrites all
 * capacity with zeros as Secure Erase does and removes the user
 * passphrase (with the master passphrase, also unlocking the device); like
 * Secure Erase it returns Busy while a decoder is committed or a
 * background operation runs.
 *
 * With the device-state property the passphrases and which of them are
 * set outlive the QEMU run (cxl-type3-state.c, group [security]).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "hw/cxl/cxl-mailbox.h"
#include "hw/cxl/cxl-notify.h"
#include "hw/cxl/cxl-type3.h"
#include "trace.h"

QEMU_BUILD_BUG_ON(CXL_TYPE3_PASS_LEN != CXL_PASSPHRASE_LEN);

#define PASS_TYPE_MASTER        0
#define PASS_TYPE_USER          1

static bool sec_has(CXLType3Dev *ct3, uint32_t bits)
{
    return ct3->sec.state & bits;
}

static void sec_apply(CXLType3Dev *ct3)
{
    ct3->cci.media_locked = sec_has(ct3, CXL_TYPE3_SEC_LOCKED);
    cxl_notify_state_changed(OBJECT(ct3), CXL_NOTIFY_ALL, 0, 0);
    trace_cxl_type3_security_state(ct3->sec.state);
}

/* The passphrases changed: keep them in the device-state file */
static void sec_changed(CXLType3Dev *ct3)
{
    sec_apply(ct3);
    cxl_type3_state_save(ct3);
}

/* The passphrase of @type, its wrong attempts and its "set" bit */
static uint8_t *pass_of(CXLType3Dev *ct3, unsigned type)
{
    return type == PASS_TYPE_USER ? ct3->sec.user_pass : ct3->sec.master_pass;
}

static uint8_t *tries_of(CXLType3Dev *ct3, unsigned type)
{
    return type == PASS_TYPE_USER ? &ct3->sec.user_tries
                                  : &ct3->sec.master_tries;
}

static uint32_t set_bit_of(unsigned type)
{
    return type == PASS_TYPE_USER ? CXL_TYPE3_SEC_USER_PASS_SET
                                  : CXL_TYPE3_SEC_MASTER_PASS_SET;
}

/* A wrong passphrase of @type: count the attempt. */
static CXLRetCode sec_wrong(CXLType3Dev *ct3, unsigned type)
{
    uint8_t *tries = tries_of(ct3, type);

    if (*tries < CXL_TYPE3_SEC_TRY_LIMIT &&
        ++*tries == CXL_TYPE3_SEC_TRY_LIMIT) {
        ct3->sec.state |= type == PASS_TYPE_USER ? CXL_TYPE3_SEC_USER_PLIMIT
                                                 : CXL_TYPE3_SEC_MASTER_PLIMIT;
        sec_apply(ct3);
    }
    return CXL_RC_INCORRECT_PASSPHRASE;
}

/* @pass is the passphrase of @type: its attempt count starts again */
static bool pass_check(CXLType3Dev *ct3, unsigned type, const uint8_t *pass)
{
    if (memcmp(pass_of(ct3, type), pass, CXL_TYPE3_PASS_LEN)) {
        return false;
    }
    *tries_of(ct3, type) = 0;
    return true;
}

/* Frozen, or the attempt limit of @type reached */
static bool sec_blocked(CXLType3Dev *ct3, unsigned type)
{
    return sec_has(ct3, CXL_TYPE3_SEC_FROZEN) ||
           sec_has(ct3, type == PASS_TYPE_USER ? CXL_TYPE3_SEC_USER_PLIMIT
                                               : CXL_TYPE3_SEC_MASTER_PLIMIT);
}

/* Remove the passphrase of @type (no user passphrase: not locked) */
static void pass_clear(CXLType3Dev *ct3, unsigned type)
{
    memset(pass_of(ct3, type), 0, CXL_TYPE3_PASS_LEN);
    *tries_of(ct3, type) = 0;
    ct3->sec.state &= ~set_bit_of(type);
    if (type == PASS_TYPE_USER) {
        ct3->sec.state &= ~CXL_TYPE3_SEC_LOCKED;
    }
}

/*
 * The checks of a command with the passphrase @pass of @type: Invalid
 * Input for an unknown type; Invalid Security State when frozen, at the
 * attempt limit of @type, with a state bit of @refuse set or of @need
 * clear; Incorrect Passphrase (an attempt) unless @pass is right.
 */
static CXLRetCode pass_authorize(CXLType3Dev *ct3, unsigned type,
                                 uint32_t refuse, uint32_t need,
                                 const uint8_t *pass)
{
    if (type != PASS_TYPE_MASTER && type != PASS_TYPE_USER) {
        return CXL_RC_INVALID_INPUT;
    }
    if (sec_blocked(ct3, type) || sec_has(ct3, refuse) ||
        (ct3->sec.state & need) != need) {
        return CXL_RC_INVALID_SECURITY_STATE;
    }
    if (!pass_check(ct3, type, pass)) {
        return sec_wrong(ct3, type);
    }
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_get_security_state(CXLCCI *cci, const uint8_t *in,
                                         size_t in_len, uint8_t *out,
                                         size_t *out_len)
{
    CXLGetSecurityStateOut *o = (CXLGetSecurityStateOut *)out;

    o->state = cpu_to_le32(ct3_of(cci)->sec.state);
    *out_len = sizeof(*o);
    return CXL_RC_SUCCESS;
}

/*
 * Set Passphrase: the master passphrase only while no user passphrase is
 * set, the user passphrase only while unlocked.
 */
static CXLRetCode cmd_set_passphrase(CXLCCI *cci, const uint8_t *in,
                                     size_t in_len, uint8_t *out,
                                     size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);
    const CXLSetPassphraseIn *i = (const CXLSetPassphraseIn *)in;
    unsigned type = i->type;
    uint32_t refuse = type == PASS_TYPE_USER ? CXL_TYPE3_SEC_LOCKED
                                             : CXL_TYPE3_SEC_USER_PASS_SET;
    CXLRetCode rc = pass_authorize(ct3, type, refuse, 0, i->current_pass);

    if (rc != CXL_RC_SUCCESS) {
        return rc;
    }
    memcpy(pass_of(ct3, type), i->new_pass, CXL_TYPE3_PASS_LEN);
    ct3->sec.state |= set_bit_of(type);
    sec_changed(ct3);
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_disable_passphrase(CXLCCI *cci, const uint8_t *in,
                                         size_t in_len, uint8_t *out,
                                         size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);
    const CXLPassphraseIn *i = (const CXLPassphraseIn *)in;
    unsigned type = i->type;
    CXLRetCode rc = pass_authorize(ct3, type, 0, set_bit_of(type), i->pass);

    if (rc != CXL_RC_SUCCESS) {
        return rc;
    }
    pass_clear(ct3, type);
    sec_changed(ct3);
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_unlock(CXLCCI *cci, const uint8_t *in, size_t in_len,
                             uint8_t *out, size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);
    const CXLUnlockIn *i = (const CXLUnlockIn *)in;
    CXLRetCode rc = pass_authorize(ct3, PASS_TYPE_USER, 0,
                                   CXL_TYPE3_SEC_USER_PASS_SET |
                                   CXL_TYPE3_SEC_LOCKED, i->pass);

    if (rc != CXL_RC_SUCCESS) {
        return rc;
    }
    ct3->sec.state &= ~CXL_TYPE3_SEC_LOCKED;
    sec_apply(ct3);
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_freeze_security(CXLCCI *cci, const uint8_t *in,
                                      size_t in_len, uint8_t *out,
                                      size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);

    ct3->sec.state |= CXL_TYPE3_SEC_FROZEN;
    sec_apply(ct3);
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_passphrase_secure_erase(CXLCCI *cci, const uint8_t *in,
                                              size_t in_len, uint8_t *out,
                                              size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);
    const CXLPassphraseIn *i = (const CXLPassphraseIn *)in;
    const uint8_t *pass = i->pass;

    if (i->type != PASS_TYPE_MASTER && i->type != PASS_TYPE_USER) {
        return CXL_RC_INVALID_INPUT;
    }
    if (sec_blocked(ct3, i->type)) {
        return CXL_RC_INVALID_SECURITY_STATE;
    }
    if (cxl_type3_memory_in_use(ct3) || cxl_cci_bg_running(cci)) {
        return CXL_RC_BUSY;
    }
    if (i->type == PASS_TYPE_MASTER) {
        /* without a master passphrase there is nothing to authorize it */
        if (!sec_has(ct3, CXL_TYPE3_SEC_MASTER_PASS_SET)) {
            return CXL_RC_INVALID_INPUT;
        }
        if (!pass_check(ct3, PASS_TYPE_MASTER, pass)) {
            return sec_wrong(ct3, PASS_TYPE_MASTER);
        }
    } else if (sec_has(ct3, CXL_TYPE3_SEC_USER_PASS_SET) &&
               !pass_check(ct3, PASS_TYPE_USER, pass)) {
        return sec_wrong(ct3, PASS_TYPE_USER);
    }
    /* no user passphrase set: the passphrase given is ignored */
    pass_clear(ct3, PASS_TYPE_USER);
    cxl_type3_erase_media(ct3, "passphrase secure erase");
    sec_changed(ct3);
    return CXL_RC_SUCCESS;
}

bool cxl_type3_security_user_pass_set(CXLType3Dev *ct3)
{
    return sec_has(ct3, CXL_TYPE3_SEC_USER_PASS_SET);
}

/*
 * Reset or power on: frozen state and attempt counts end; a device with a
 * user passphrase is locked.
 */
void cxl_type3_security_reset(CXLType3Dev *ct3)
{
    ct3->sec.state &= CXL_TYPE3_SEC_USER_PASS_SET |
                      CXL_TYPE3_SEC_MASTER_PASS_SET;
    if (sec_has(ct3, CXL_TYPE3_SEC_USER_PASS_SET)) {
        ct3->sec.state |= CXL_TYPE3_SEC_LOCKED;
    }
    ct3->sec.user_tries = 0;
    ct3->sec.master_tries = 0;
    sec_apply(ct3);
}

#define SEC_CHANGE  CXL_CEL_SECURITY_STATE_CHANGE

const CXLCCICommand cxl_type3_security_commands[] = {
    { CXL_OP_GET_SECURITY_STATE, "Get Security State",
      cmd_get_security_state, CXL_CCI_IN_EXACT, 0, 0 },
    { CXL_OP_SET_PASSPHRASE, "Set Passphrase", cmd_set_passphrase,
      CXL_CCI_IN_EXACT, sizeof(CXLSetPassphraseIn), SEC_CHANGE },
    { CXL_OP_DISABLE_PASSPHRASE, "Disable Passphrase", cmd_disable_passphrase,
      CXL_CCI_IN_EXACT, sizeof(CXLPassphraseIn), SEC_CHANGE },
    { CXL_OP_UNLOCK, "Unlock", cmd_unlock, CXL_CCI_IN_EXACT,
      sizeof(CXLUnlockIn), SEC_CHANGE },
    { CXL_OP_FREEZE_SECURITY, "Freeze Security State", cmd_freeze_security,
      CXL_CCI_IN_EXACT, 0, SEC_CHANGE },
    { CXL_OP_PASSPHRASE_SECURE_ERASE, "Passphrase Secure Erase",
      cmd_passphrase_secure_erase, CXL_CCI_IN_EXACT, sizeof(CXLPassphraseIn),
      SEC_CHANGE | CXL_CEL_IMMEDIATE_DATA_CHANGE },
};
const size_t cxl_type3_security_commands_len =
    ARRAY_SIZE(cxl_type3_security_commands);
