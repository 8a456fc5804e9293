/*
 * Firmware update of cxl-type3: Get FW Info, Transfer FW and Activate FW
 * (CXL r3.1 8.2.9.3). Payloads are CXLGetFWInfoOut, CXLTransferFWIn and
 * CXLActivateFWIn of cxl-mailbox.h (Linux's struct cxl_mbox_get_fw_info,
 * cxl_mbox_transfer_fw, cxl_mbox_activate_fw):
 *
 *  Transfer FW action: 0 full, 1 initiate, 2 continue, 3 end, 4 abort;
 *    the slot counts for full and end only.
 *  Activate FW action: 0 online, 1 on the next cold reset.
 *
 * Slot 1 holds the device's built-in firmware. A transfer goes to another
 * slot; each part is a background operation whose duration follows the
 * fw-transfer-ms-per-mib property, and Request Abort Background Operation
 * abandons the whole transfer. The received bytes are kept; when the last
 * part completes the image is verified (a blank image of only 00h or only
 * FFh bytes fails verification) and stored in the slot. Its revision is
 * its first 16 bytes if they are printable ASCII (NUL padding allowed),
 * otherwise "image " and the CRC-32C of the image in hex. Activate FW
 * makes a slot active at once (online) or at the next device reset
 * (staged).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/crc32c.h"
#include "qemu/cutils.h"
#include "qemu/units.h"
#include "migration/vmstate.h"
#include "hw/registerfields.h"
#include "hw/cxl/cxl-mailbox.h"
#include "hw/cxl/cxl-type3.h"
#include "trace.h"

/* Get FW Info output: slot info and activation capabilities */
FIELD(FW_SLOT_INFO, ACTIVE, 0, 3)
FIELD(FW_SLOT_INFO, STAGED, 3, 3)
FIELD(FW_ACT_CAPS, ONLINE, 0, 1)

/* Transfer FW input: offsets and parts are in 128-byte units */
#define XFER_UNIT               128

enum {
    XFER_FULL = 0,
    XFER_INITIATE = 1,
    XFER_CONTINUE = 2,
    XFER_END = 3,
    XFER_ABORT = 4,
};

/* Activate FW input actions */
enum {
    ACTIVATE_ONLINE = 0,
    ACTIVATE_ON_RESET = 1,
};

static CXLType3FW *fw_of(CXLCCI *cci)
{
    return &ct3_of(cci)->fw;
}

static bool slot_valid(CXLType3FW *fw, unsigned slot)
{
    return slot >= 1 && slot <= fw->nr_slots;
}

/* Forget a transfer in progress and the bytes it brought. */
static void xfer_discard(CXLType3FW *fw)
{
    g_clear_pointer(&fw->xfer_buf, g_free);
    fw->xfer_len = fw->xfer_pending = 0;
    fw->xfer_open = false;
}

/* The revision an image carries (see the top of the file). */
static void image_revision(const uint8_t *image, size_t len, char *rev)
{
    size_t n = MIN(len, CXL_TYPE3_FW_REVISION_LEN), text = 0;
    bool printable = true;

    while (text < n && image[text] >= 0x20 && image[text] < 0x7f) {
        text++;
    }
    for (size_t i = text; i < n; i++) {
        printable &= image[i] == 0;
    }
    memset(rev, 0, CXL_TYPE3_FW_REVISION_LEN);
    if (printable && text) {
        memcpy(rev, image, text);
    } else {
        snprintf(rev, CXL_TYPE3_FW_REVISION_LEN, "image %08" PRIx32,
                 crc32c(0xffffffff, image, len));
    }
}

static bool image_blank(const uint8_t *image, size_t len)
{
    return buffer_is_zero(image, len) ||
        (image[0] == 0xff && !memcmp(image, image + 1, len - 1));
}

void cxl_type3_fw_init(CXLType3Dev *ct3)
{
    CXLType3FW *fw = &ct3->fw;

    fw->nr_slots = CXL_TYPE3_FW_SLOTS;
    fw->active = 1;
    fw->staged = 0;
    fw->slot[0].valid = true;
    strpadcpy(fw->slot[0].revision, CXL_TYPE3_FW_REVISION_LEN,
              CXL_TYPE3_FW_REVISION, '\0');
}

void cxl_type3_fw_cleanup(CXLType3Dev *ct3)
{
    xfer_discard(&ct3->fw);
    for (unsigned i = 0; i < CXL_TYPE3_FW_MAX_SLOTS; i++) {
        g_clear_pointer(&ct3->fw.slot[i].image, g_free);
    }
}

void cxl_type3_fw_reset(CXLType3Dev *ct3)
{
    CXLType3FW *fw = &ct3->fw;

    /* a reset abandons a transfer; a staged slot becomes the active one */
    xfer_discard(fw);
    if (fw->staged) {
        trace_cxl_type3_fw_activate(1, fw->staged, "reset", 0);
        fw->active = fw->staged;
        fw->staged = 0;
    }
}

const char *cxl_type3_fw_revision(CXLType3Dev *ct3)
{
    return ct3->fw.slot[ct3->fw.active - 1].revision;
}

static CXLRetCode cmd_get_fw_info(CXLCCI *cci, const uint8_t *in,
                                  size_t in_len, uint8_t *out,
                                  size_t *out_len)
{
    CXLType3FW *fw = fw_of(cci);
    CXLGetFWInfoOut *o = (CXLGetFWInfoOut *)out;
    uint8_t info = 0;

    QEMU_BUILD_BUG_ON(CXL_TYPE3_FW_MAX_SLOTS > CXL_FW_INFO_SLOTS);
    memset(o, 0, sizeof(*o));
    o->slots_supported = fw->nr_slots;
    info = FIELD_DP8(info, FW_SLOT_INFO, ACTIVE, fw->active);
    info = FIELD_DP8(info, FW_SLOT_INFO, STAGED, fw->staged);
    o->slot_info = info;
    o->activation_caps = FIELD_DP8(0, FW_ACT_CAPS, ONLINE, 1);
    for (unsigned s = 0; s < fw->nr_slots; s++) {
        memcpy(o->revision[s], fw->slot[s].revision,
               CXL_TYPE3_FW_REVISION_LEN);
    }
    *out_len = sizeof(*o);
    return CXL_RC_SUCCESS;
}

/* The running transfer part is done: take its bytes, store the image. */
static CXLRetCode xfer_complete(CXLCCI *cci)
{
    CXLType3FW *fw = fw_of(cci);
    CXLType3FWSlot *slot;

    fw->xfer_len = fw->xfer_pending;
    if (fw->xfer_open) {
        trace_cxl_type3_fw_transfer_done(0, fw->xfer_len, "part");
        return CXL_RC_SUCCESS;
    }
    if (!fw->xfer_len || image_blank(fw->xfer_buf, fw->xfer_len)) {
        trace_cxl_type3_fw_transfer_done(fw->xfer_slot, fw->xfer_len,
                                         "verification failed");
        xfer_discard(fw);
        return CXL_RC_FW_VERIFICATION_FAILED;
    }
    slot = &fw->slot[fw->xfer_slot - 1];
    g_free(slot->image);
    slot->image = g_steal_pointer(&fw->xfer_buf);
    slot->image_len = fw->xfer_len;
    slot->valid = true;
    image_revision(slot->image, slot->image_len, slot->revision);
    /* the image that was staged there is gone */
    if (fw->staged == fw->xfer_slot) {
        fw->staged = 0;
    }
    trace_cxl_type3_fw_transfer_done(fw->xfer_slot, fw->xfer_len, "stored");
    xfer_discard(fw);
    cxl_type3_state_save(cci->opaque);
    return CXL_RC_SUCCESS;
}

static void xfer_abort(CXLCCI *cci)
{
    trace_cxl_type3_fw_transfer_done(0, fw_of(cci)->xfer_pending, "aborted");
    xfer_discard(fw_of(cci));
}

static CXLRetCode cmd_transfer_fw(CXLCCI *cci, const uint8_t *in,
                                  size_t in_len, uint8_t *out,
                                  size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);
    CXLType3FW *fw = &ct3->fw;
    const CXLTransferFWIn *i = (const CXLTransferFWIn *)in;
    uint8_t action = i->action, slot = i->slot;
    uint64_t offset = (uint64_t)le32_to_cpu(i->offset) * XFER_UNIT;
    size_t len = in_len - sizeof(*i);
    bool last = action == XFER_FULL || action == XFER_END;

    trace_cxl_type3_fw_transfer(action, slot, offset, len);
    switch (action) {
    case XFER_ABORT:
        xfer_discard(fw);
        return CXL_RC_SUCCESS;
    case XFER_FULL:
    case XFER_INITIATE:
        /* one package at a time */
        if (fw->xfer_open) {
            return CXL_RC_FW_TRANSFER_IN_PROGRESS;
        }
        if (action == XFER_FULL) {
            offset = 0;         /* ignored for a full transfer */
        } else if (offset) {
            return CXL_RC_FW_TRANSFER_OUT_OF_ORDER;
        }
        break;
    case XFER_CONTINUE:
    case XFER_END:
        if (!fw->xfer_open || offset != fw->xfer_len) {
            /* the package is abandoned */
            xfer_discard(fw);
            return CXL_RC_FW_TRANSFER_OUT_OF_ORDER;
        }
        break;
    default:
        return CXL_RC_INVALID_INPUT;
    }
    if (last && (!slot_valid(fw, slot) || slot == fw->active)) {
        return CXL_RC_INVALID_SLOT;
    }
    /* parts before the last come in 128-byte units; no empty image */
    if ((!last && (!len || len % XFER_UNIT)) ||
        (action == XFER_FULL && !len)) {
        return CXL_RC_INVALID_INPUT;
    }
    if (offset + len > CXL_TYPE3_FW_MAX_IMAGE) {
        return CXL_RC_INVALID_INPUT;
    }

    if (action == XFER_FULL || action == XFER_INITIATE) {
        xfer_discard(fw);
    }
    fw->xfer_buf = g_realloc(fw->xfer_buf, offset + len);
    memcpy(fw->xfer_buf + offset, i->data, len);
    fw->xfer_pending = offset + len;
    fw->xfer_open = !last;
    fw->xfer_slot = last ? slot : 0;
    cxl_cci_bg_start(cci, CXL_OP_TRANSFER_FW,
                     DIV_ROUND_UP((uint64_t)len * ct3->fw_transfer_ms_per_mib,
                                  MiB),
                     xfer_complete, xfer_abort);
    return CXL_RC_BACKGROUND;
}

static CXLRetCode cmd_activate_fw(CXLCCI *cci, const uint8_t *in,
                                  size_t in_len, uint8_t *out,
                                  size_t *out_len)
{
    CXLType3FW *fw = fw_of(cci);
    const CXLActivateFWIn *i = (const CXLActivateFWIn *)in;
    uint8_t action = i->action, slot = i->slot;
    CXLRetCode rc = CXL_RC_SUCCESS;

    if (action != ACTIVATE_ONLINE && action != ACTIVATE_ON_RESET) {
        rc = CXL_RC_INVALID_INPUT;
    } else if (!slot_valid(fw, slot) || !fw->slot[slot - 1].valid) {
        rc = CXL_RC_INVALID_SLOT;
    } else if (action == ACTIVATE_ONLINE) {
        fw->active = slot;
        fw->staged = 0;
    } else {
        /* staging the active slot cancels a staged activation */
        fw->staged = slot == fw->active ? 0 : slot;
    }
    trace_cxl_type3_fw_activate(action, slot,
                                action == ACTIVATE_ONLINE ? "online" :
                                "on reset", rc);
    if (rc == CXL_RC_SUCCESS) {
        cxl_type3_state_save(cci->opaque);
    }
    return rc;
}

const CXLCCICommand cxl_type3_fw_commands[] = {
    { CXL_OP_GET_FW_INFO, "Get FW Info", cmd_get_fw_info,
      CXL_CCI_IN_EXACT, 0, 0 },
    { CXL_OP_TRANSFER_FW, "Transfer FW", cmd_transfer_fw,
      CXL_CCI_IN_MIN, sizeof(CXLTransferFWIn),
      CXL_CEL_BACKGROUND_OP | CXL_CEL_ABORT_SUPPORTED },
    { CXL_OP_ACTIVATE_FW, "Activate FW", cmd_activate_fw,
      CXL_CCI_IN_EXACT, sizeof(CXLActivateFWIn),
      CXL_CEL_CONFIG_CHANGE_COLD_RESET | CXL_CEL_IMMEDIATE_CONFIG_CHANGE },
};
const size_t cxl_type3_fw_commands_len = ARRAY_SIZE(cxl_type3_fw_commands);

/* ---- migration ---- */

static int fw_pre_save(void *opaque)
{
    CXLType3FW *fw = opaque;

    for (unsigned s = 0; s < CXL_TYPE3_FW_MAX_SLOTS; s++) {
        fw->slot[s].mig_len = fw->slot[s].image ? fw->slot[s].image_len : 0;
    }
    fw->mig_xfer_len = fw->xfer_len;
    fw->mig_xfer_pending = fw->xfer_buf ? fw->xfer_pending : 0;
    return 0;
}

static int fw_pre_load(void *opaque)
{
    CXLType3FW *fw = opaque;

    /* the stream has every image; the ones the destination has go */
    for (unsigned s = 0; s < CXL_TYPE3_FW_MAX_SLOTS; s++) {
        g_clear_pointer(&fw->slot[s].image, g_free);
        fw->slot[s].image_len = 0;
    }
    xfer_discard(fw);
    return 0;
}

static bool fw_slot_len_ok(void *opaque, int version_id)
{
    return ((CXLType3FWSlot *)opaque)->mig_len <= CXL_TYPE3_FW_MAX_IMAGE;
}

static int fw_slot_post_load(void *opaque, int version_id)
{
    CXLType3FWSlot *slot = opaque;

    slot->image_len = slot->mig_len;
    if (!slot->image_len) {
        g_clear_pointer(&slot->image, g_free);
    }
    return 0;
}

static const VMStateDescription vmstate_cxl_type3_fw_slot = {
    .name = "cxl-type3-fw-slot",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = fw_slot_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_BOOL(valid, CXLType3FWSlot),
        VMSTATE_BUFFER_UNSAFE(revision, CXLType3FWSlot, 1,
                              CXL_TYPE3_FW_REVISION_LEN),
        VMSTATE_UINT32(mig_len, CXLType3FWSlot),
        VMSTATE_VALIDATE("firmware image size", fw_slot_len_ok),
        VMSTATE_VBUFFER_ALLOC_UINT32(image, CXLType3FWSlot, 1, NULL, mig_len),
        VMSTATE_END_OF_LIST()
    },
};

static bool fw_xfer_len_ok(void *opaque, int version_id)
{
    CXLType3FW *fw = opaque;

    return fw->mig_xfer_pending <= CXL_TYPE3_FW_MAX_IMAGE &&
           fw->mig_xfer_len <= fw->mig_xfer_pending;
}

static int fw_post_load(void *opaque, int version_id)
{
    CXLType3FW *fw = opaque;

    if (!fw->nr_slots || fw->nr_slots > CXL_TYPE3_FW_MAX_SLOTS ||
        !fw->active || fw->active > fw->nr_slots ||
        fw->staged > fw->nr_slots || fw->xfer_slot > fw->nr_slots ||
        !fw->slot[fw->active - 1].valid ||
        /* a running last part stores its image in its slot */
        (!fw->xfer_open && fw->mig_xfer_pending && !fw->xfer_slot)) {
        return -EINVAL;
    }
    fw->xfer_len = fw->mig_xfer_len;
    fw->xfer_pending = fw->mig_xfer_pending;
    if (!fw->xfer_pending) {
        g_clear_pointer(&fw->xfer_buf, g_free);
    }
    return 0;
}

const VMStateDescription vmstate_cxl_type3_fw = {
    .name = "cxl-type3-fw",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = fw_pre_save,
    .pre_load = fw_pre_load,
    .post_load = fw_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8_EQUAL(nr_slots, CXLType3FW, NULL),
        VMSTATE_UINT8(active, CXLType3FW),
        VMSTATE_UINT8(staged, CXLType3FW),
        VMSTATE_STRUCT_ARRAY(slot, CXLType3FW, CXL_TYPE3_FW_MAX_SLOTS, 1,
                             vmstate_cxl_type3_fw_slot, CXLType3FWSlot),
        VMSTATE_BOOL(xfer_open, CXLType3FW),
        VMSTATE_UINT8(xfer_slot, CXLType3FW),
        VMSTATE_UINT32(mig_xfer_len, CXLType3FW),
        VMSTATE_UINT32(mig_xfer_pending, CXLType3FW),
        VMSTATE_VALIDATE("firmware transfer size", fw_xfer_len_ok),
        VMSTATE_VBUFFER_ALLOC_UINT32(xfer_buf, CXLType3FW, 1, NULL,
                                     mig_xfer_pending),
        VMSTATE_END_OF_LIST()
    },
};

static const CXLCCIBgOp transfer_fw_op = {
    .name = "cxl-type3-transfer-fw",
    .complete = xfer_complete,
    .abort = xfer_abort,
};

static void fw_register_bg_ops(void)
{
    cxl_cci_bg_register(&transfer_fw_op);
}

type_init(fw_register_bg_ops)
