/*
 * CXL device registers (CXL r3.1 8.2.8): the register block a register
 * locator calls "memory device registers" (block ID 3) on a Type 3 device,
 * or the mailbox CCI block of a switch: a capability array, device status,
 * the primary mailbox (the transport of a CXLCCI) and, for memory devices,
 * the memory device status register.
 *
 * Layout of our block:
 *   0x000  capabilities array register, then one 16-byte header per
 *          capability (ID [15:0], version [23:16]; offset at +4, length
 *          at +8)
 *   0x100  device status (event status, 8 bytes)
 *   0x180  memory device status (8 bytes; memory devices only)
 *   0x200  primary mailbox: capabilities, control, command, status,
 *          background command status, then the payload from +0x20
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_DEVICE_REGS_H
#define HW_CXL_DEVICE_REGS_H

#include "hw/registerfields.h"
#include "system/memory.h"
#include "hw/cxl/cxl-cci.h"

/* Device capability IDs (CXL r3.1 8.2.8.2.1) */
#define CXL_DEV_CAP_ID_ARRAY            0x0000
#define CXL_DEV_CAP_ID_STATUS           0x0001
#define CXL_DEV_CAP_ID_PRIMARY_MBOX     0x0002
#define CXL_DEV_CAP_ID_MEMDEV_STATUS    0x4000

#define CXL_DEV_CAPS_OFFSET             0x000
#define CXL_DEV_STATUS_OFFSET           0x100
#define CXL_DEV_STATUS_LENGTH           0x8
#define CXL_DEV_MEMDEV_OFFSET           0x180
#define CXL_DEV_MEMDEV_LENGTH           0x8
#define CXL_DEV_MBOX_OFFSET             0x200
#define CXL_DEV_MBOX_PAYLOAD            0x20

REG64(CXL_DEV_CAP_ARRAY, 0x0)
    FIELD(CXL_DEV_CAP_ARRAY, ID, 0, 16)
    FIELD(CXL_DEV_CAP_ARRAY, VERSION, 16, 8)
    FIELD(CXL_DEV_CAP_ARRAY, COUNT, 32, 16)

/* Event status (device status capability) */
REG64(CXL_DEV_EVENT_STATUS, 0x0)
    FIELD(CXL_DEV_EVENT_STATUS, INFO, 0, 1)
    FIELD(CXL_DEV_EVENT_STATUS, WARN, 1, 1)
    FIELD(CXL_DEV_EVENT_STATUS, FAIL, 2, 1)
    FIELD(CXL_DEV_EVENT_STATUS, FATAL, 3, 1)
    FIELD(CXL_DEV_EVENT_STATUS, DCD, 4, 1)

/* Memory device status (CXL r3.1 8.2.8.5.1.1) */
REG64(CXL_MEMDEV_STATUS, 0x0)
    FIELD(CXL_MEMDEV_STATUS, FATAL, 0, 1)
    FIELD(CXL_MEMDEV_STATUS, FW_HALT, 1, 1)
    FIELD(CXL_MEMDEV_STATUS, MEDIA_STATUS, 2, 2)
    FIELD(CXL_MEMDEV_STATUS, MBOX_READY, 4, 1)
    FIELD(CXL_MEMDEV_STATUS, RESET_NEEDED, 5, 3)
#define CXL_MEDIA_NOT_READY     0
#define CXL_MEDIA_READY         1
#define CXL_MEDIA_ERROR         2
#define CXL_MEDIA_DISABLED      3

/* Mailbox registers (CXL r3.1 8.2.8.4), offsets within the mailbox */
REG32(CXL_MBOX_CAP, 0x00)
    FIELD(CXL_MBOX_CAP, PAYLOAD_SIZE, 0, 5)
    FIELD(CXL_MBOX_CAP, DOORBELL_IRQ, 5, 1)
    FIELD(CXL_MBOX_CAP, BG_IRQ, 6, 1)
    FIELD(CXL_MBOX_CAP, IRQ_MSGNUM, 7, 4)
REG32(CXL_MBOX_CTRL, 0x04)
    FIELD(CXL_MBOX_CTRL, DOORBELL, 0, 1)
    FIELD(CXL_MBOX_CTRL, DOORBELL_IRQ, 1, 1)
    FIELD(CXL_MBOX_CTRL, BG_IRQ, 2, 1)
REG64(CXL_MBOX_CMD, 0x08)
    FIELD(CXL_MBOX_CMD, OPCODE, 0, 16)
    FIELD(CXL_MBOX_CMD, LENGTH, 16, 21)
REG64(CXL_MBOX_STATUS, 0x10)
    FIELD(CXL_MBOX_STATUS, BG_OP, 0, 1)
    FIELD(CXL_MBOX_STATUS, RET_CODE, 32, 16)
    FIELD(CXL_MBOX_STATUS, VENDOR, 48, 16)
REG64(CXL_MBOX_BG_STATUS, 0x18)
    FIELD(CXL_MBOX_BG_STATUS, OPCODE, 0, 16)
    FIELD(CXL_MBOX_BG_STATUS, PERCENT, 16, 7)
    FIELD(CXL_MBOX_BG_STATUS, RET_CODE, 32, 16)
    FIELD(CXL_MBOX_BG_STATUS, VENDOR, 48, 16)

typedef struct CXLDeviceRegs {
    MemoryRegion mr;
    CXLCCI *cci;
    bool memdev;                /* has the memory device status register */
    uint8_t caps[CXL_DEV_STATUS_OFFSET];    /* the capability array */
    uint8_t mbox_regs[CXL_DEV_MBOX_PAYLOAD];
    uint8_t *payload;
    uint32_t payload_len;       /* the CCI's payload_max */
    uint8_t *in_copy;           /* a command's input while it runs */

    /* device callbacks */
    void *opaque;
    uint32_t (*event_status)(void *opaque);
    uint64_t (*memdev_status)(void *opaque);
    /* background completion interrupt; NULL: not capable */
    void (*irq)(void *opaque, unsigned vector);
    unsigned irq_vector;
} CXLDeviceRegs;

/*
 * Set up the block for @cci. With @memdev the memory device status
 * capability is present. The block's size is a power of two that fits the
 * mailbox payload.
 */
void cxl_device_regs_init(CXLDeviceRegs *r, Object *owner, const char *name,
                          CXLCCI *cci, bool memdev);
void cxl_device_regs_cleanup(CXLDeviceRegs *r);
void cxl_device_regs_reset(CXLDeviceRegs *r);

/*
 * The mailbox registers and payload (VMSTATE_STRUCT in the owner's
 * description); the payload size must match. No command is ever in
 * flight: commands complete before their doorbell write returns.
 */
extern const VMStateDescription vmstate_cxl_device_regs;

#endif /* HW_CXL_DEVICE_REGS_H */
