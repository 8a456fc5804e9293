/*
 * CXL device registers and the primary mailbox transport (see
 * include/hw/cxl/cxl-device-regs.h).
 *
 * The doorbell runs the command synchronously: when the host's write that
 * sets it returns, the doorbell is clear again and the status, command
 * (output length) and payload registers hold the result. A command that
 * starts a background operation returns "background operation started";
 * the Background Command Status register then tracks it, and its end
 * raises the background interrupt if the host enabled it.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/host-utils.h"
#include "qemu/log.h"
#include "migration/vmstate.h"
#include "hw/cxl/cxl-device-regs.h"
#include "trace.h"

#define CAP_VERSION_ARRAY   1
#define CAP_VERSION_STATUS  2
#define CAP_VERSION_MBOX    1
#define CAP_VERSION_MEMDEV  1

static void add_cap(CXLDeviceRegs *r, unsigned n, uint16_t id, uint8_t ver,
                    uint32_t offset, uint32_t length)
{
    uint8_t *h = r->caps + 16 * (n + 1);

    stl_le_p(h, id | (ver << 16));
    stl_le_p(h + 4, offset);
    stl_le_p(h + 8, length);
}

static uint64_t mbox_status(CXLDeviceRegs *r)
{
    uint64_t v = ldq_le_p(r->mbox_regs + A_CXL_MBOX_STATUS);

    return FIELD_DP64(v, CXL_MBOX_STATUS, BG_OP, cxl_cci_bg_running(r->cci));
}

static uint64_t mbox_bg_status(CXLDeviceRegs *r)
{
    uint64_t v = 0;

    v = FIELD_DP64(v, CXL_MBOX_BG_STATUS, OPCODE, cxl_cci_bg_opcode(r->cci));
    v = FIELD_DP64(v, CXL_MBOX_BG_STATUS, PERCENT, cxl_cci_bg_percent(r->cci));
    return FIELD_DP64(v, CXL_MBOX_BG_STATUS, RET_CODE,
                      cxl_cci_bg_retcode(r->cci));
}

static void mbox_doorbell(CXLDeviceRegs *r)
{
    uint64_t cmd = ldq_le_p(r->mbox_regs + A_CXL_MBOX_CMD);
    uint16_t opcode = FIELD_EX64(cmd, CXL_MBOX_CMD, OPCODE);
    size_t in_len = FIELD_EX64(cmd, CXL_MBOX_CMD, LENGTH);
    size_t out_len = 0;
    CXLRetCode rc;
    uint64_t status = 0;

    trace_cxl_mbox_doorbell(r->cci->name, opcode, in_len);
    if (in_len > r->cci->payload_max) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: doorbell: command 0x%04x "
                      "payload length %zu is larger than the payload "
                      "registers (%zu bytes)\n", r->cci->name, opcode, in_len,
                      r->cci->payload_max);
        rc = CXL_RC_INVALID_PAYLOAD_LENGTH;
    } else {
        memcpy(r->in_copy, r->payload, in_len);
        rc = cxl_cci_execute(r->cci, opcode, r->in_copy, in_len,
                             r->payload, &out_len);
    }
    cmd = FIELD_DP64(cmd, CXL_MBOX_CMD, LENGTH, out_len);
    stq_le_p(r->mbox_regs + A_CXL_MBOX_CMD, cmd);
    status = FIELD_DP64(status, CXL_MBOX_STATUS, RET_CODE, rc);
    stq_le_p(r->mbox_regs + A_CXL_MBOX_STATUS, status);
    trace_cxl_mbox_doorbell_done(r->cci->name, opcode, rc, out_len);
}

static void mbox_bg_done(CXLCCI *cci, void *opaque)
{
    CXLDeviceRegs *r = opaque;
    uint32_t ctrl = ldl_le_p(r->mbox_regs + A_CXL_MBOX_CTRL);
    bool irq = r->irq && FIELD_EX32(ctrl, CXL_MBOX_CTRL, BG_IRQ);

    trace_cxl_mbox_bg_done(cci->name, irq, r->irq_vector);
    if (irq) {
        r->irq(r->opaque, r->irq_vector);
    }
}

static uint64_t mbox_read(CXLDeviceRegs *r, hwaddr off, unsigned size)
{
    uint8_t regs[CXL_DEV_MBOX_PAYLOAD];

    if (off >= CXL_DEV_MBOX_PAYLOAD) {
        off -= CXL_DEV_MBOX_PAYLOAD;
        if (off + size > r->cci->payload_max) {
            return 0;
        }
        return ldn_le_p(r->payload + off, size);
    }
    memcpy(regs, r->mbox_regs, sizeof(regs));
    stq_le_p(regs + A_CXL_MBOX_STATUS, mbox_status(r));
    stq_le_p(regs + A_CXL_MBOX_BG_STATUS, mbox_bg_status(r));
    if (off + size > sizeof(regs)) {
        return 0;
    }
    return ldn_le_p(regs + off, size);
}

static void mbox_write(CXLDeviceRegs *r, hwaddr off, uint64_t data,
                       unsigned size)
{
    uint32_t ctrl, old = ldl_le_p(r->mbox_regs + A_CXL_MBOX_CTRL);

    if (off >= CXL_DEV_MBOX_PAYLOAD) {
        off -= CXL_DEV_MBOX_PAYLOAD;
        if (off + size <= r->cci->payload_max) {
            stn_le_p(r->payload + off, size, data);
        }
        return;
    }
    /* only control and command are writable */
    if (off < A_CXL_MBOX_CTRL || off + size > A_CXL_MBOX_STATUS) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: write to read-only mailbox "
                      "register at 0x%" HWADDR_PRIx "\n", r->cci->name, off);
        return;
    }
    stn_le_p(r->mbox_regs + off, size, data);
    ctrl = ldl_le_p(r->mbox_regs + A_CXL_MBOX_CTRL);
    /* no doorbell interrupt capability */
    ctrl = FIELD_DP32(ctrl, CXL_MBOX_CTRL, DOORBELL_IRQ, 0);
    if (!r->irq) {
        ctrl = FIELD_DP32(ctrl, CXL_MBOX_CTRL, BG_IRQ, 0);
    }
    ctrl &= R_CXL_MBOX_CTRL_DOORBELL_MASK | R_CXL_MBOX_CTRL_BG_IRQ_MASK;
    if (FIELD_EX32(ctrl, CXL_MBOX_CTRL, DOORBELL)) {
        /*
         * Linux rings the doorbell by writing the doorbell bit alone
         * (__cxl_pci_mbox_send_cmd()): that keeps the background
         * interrupt it enabled at probe (cxl_pci_setup_mailbox()).
         */
        ctrl = FIELD_DP32(ctrl, CXL_MBOX_CTRL, BG_IRQ,
                          FIELD_EX32(old, CXL_MBOX_CTRL, BG_IRQ));
        mbox_doorbell(r);
        ctrl = FIELD_DP32(ctrl, CXL_MBOX_CTRL, DOORBELL, 0);
    }
    stl_le_p(r->mbox_regs + A_CXL_MBOX_CTRL, ctrl);
}

static uint64_t cxl_device_regs_read(void *opaque, hwaddr addr, unsigned size)
{
    CXLDeviceRegs *r = opaque;
    uint64_t v;

    if (addr >= CXL_DEV_MBOX_OFFSET) {
        return mbox_read(r, addr - CXL_DEV_MBOX_OFFSET, size);
    }
    if (addr + size <= sizeof(r->caps)) {
        return ldn_le_p(r->caps + addr, size);
    }
    if (addr >= CXL_DEV_STATUS_OFFSET &&
        addr + size <= CXL_DEV_STATUS_OFFSET + CXL_DEV_STATUS_LENGTH) {
        v = r->event_status ? r->event_status(r->opaque) : 0;
        return extract64(v, (addr - CXL_DEV_STATUS_OFFSET) * 8, size * 8);
    }
    if (r->memdev && addr >= CXL_DEV_MEMDEV_OFFSET &&
        addr + size <= CXL_DEV_MEMDEV_OFFSET + CXL_DEV_MEMDEV_LENGTH) {
        v = r->memdev_status(r->opaque);
        return extract64(v, (addr - CXL_DEV_MEMDEV_OFFSET) * 8, size * 8);
    }
    return 0;
}

static void cxl_device_regs_write(void *opaque, hwaddr addr, uint64_t data,
                                  unsigned size)
{
    CXLDeviceRegs *r = opaque;

    if (addr >= CXL_DEV_MBOX_OFFSET) {
        mbox_write(r, addr - CXL_DEV_MBOX_OFFSET, data, size);
    }
    /* everything else is read-only (event status clears through the logs) */
}

static const MemoryRegionOps cxl_device_regs_ops = {
    .read = cxl_device_regs_read,
    .write = cxl_device_regs_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

void cxl_device_regs_init(CXLDeviceRegs *r, Object *owner, const char *name,
                          CXLCCI *cci, bool memdev)
{
    unsigned n = 0;
    uint64_t array = 0;
    uint64_t size = pow2ceil(CXL_DEV_MBOX_OFFSET + CXL_DEV_MBOX_PAYLOAD +
                             cci->payload_max);
    uint32_t cap = 0;

    r->cci = cci;
    r->memdev = memdev;
    r->payload = g_malloc0(cci->payload_max);
    r->payload_len = cci->payload_max;
    r->in_copy = g_malloc0(cci->payload_max);

    add_cap(r, n++, CXL_DEV_CAP_ID_STATUS, CAP_VERSION_STATUS,
            CXL_DEV_STATUS_OFFSET, CXL_DEV_STATUS_LENGTH);
    add_cap(r, n++, CXL_DEV_CAP_ID_PRIMARY_MBOX, CAP_VERSION_MBOX,
            CXL_DEV_MBOX_OFFSET, CXL_DEV_MBOX_PAYLOAD + cci->payload_max);
    if (memdev) {
        add_cap(r, n++, CXL_DEV_CAP_ID_MEMDEV_STATUS, CAP_VERSION_MEMDEV,
                CXL_DEV_MEMDEV_OFFSET, CXL_DEV_MEMDEV_LENGTH);
    }
    array = FIELD_DP64(array, CXL_DEV_CAP_ARRAY, ID, CXL_DEV_CAP_ID_ARRAY);
    array = FIELD_DP64(array, CXL_DEV_CAP_ARRAY, VERSION, CAP_VERSION_ARRAY);
    array = FIELD_DP64(array, CXL_DEV_CAP_ARRAY, COUNT, n);
    stq_le_p(r->caps, array);

    cap = FIELD_DP32(cap, CXL_MBOX_CAP, PAYLOAD_SIZE, ctz64(cci->payload_max));
    cap = FIELD_DP32(cap, CXL_MBOX_CAP, BG_IRQ, !!r->irq);
    cap = FIELD_DP32(cap, CXL_MBOX_CAP, IRQ_MSGNUM, r->irq_vector);
    stl_le_p(r->mbox_regs + A_CXL_MBOX_CAP, cap);

    cci->bg_notify = mbox_bg_done;
    cci->bg_notify_opaque = r;
    memory_region_init_io(&r->mr, owner, &cxl_device_regs_ops, r, name, size);
}

void cxl_device_regs_cleanup(CXLDeviceRegs *r)
{
    g_free(r->payload);
    g_free(r->in_copy);
    r->payload = r->in_copy = NULL;
}

void cxl_device_regs_reset(CXLDeviceRegs *r)
{
    memset(r->mbox_regs + A_CXL_MBOX_CTRL, 0,
           sizeof(r->mbox_regs) - A_CXL_MBOX_CTRL);
    memset(r->payload, 0, r->cci->payload_max);
}

/* ---- migration ---- */

static int cxl_device_regs_post_load(void *opaque, int version_id)
{
    CXLDeviceRegs *r = opaque;
    uint32_t ctrl = ldl_le_p(r->mbox_regs + A_CXL_MBOX_CTRL);

    /* a command completes before its doorbell write returns */
    stl_le_p(r->mbox_regs + A_CXL_MBOX_CTRL,
             FIELD_DP32(ctrl, CXL_MBOX_CTRL, DOORBELL, 0));
    return 0;
}

const VMStateDescription vmstate_cxl_device_regs = {
    .name = "cxl-device-regs",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = cxl_device_regs_post_load,
    .fields = (const VMStateField[]) {
        /* the capability register is the device's, not the stream's */
        VMSTATE_BUFFER_START_MIDDLE(mbox_regs, CXLDeviceRegs,
                                    A_CXL_MBOX_CTRL),
        VMSTATE_UINT32_EQUAL(payload_len, CXLDeviceRegs, NULL),
        VMSTATE_VBUFFER_UINT32(payload, CXLDeviceRegs, 1, NULL, payload_len),
        VMSTATE_END_OF_LIST()
    },
};
