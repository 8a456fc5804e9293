/*
 * Helpers shared by the CXL qtests (all of them, directly or through
 * cxl-type3-qtest.h and cxl-switch-qtest.h): starting QEMU with our firmware
 * directory, enabling q35's ECAM (no firmware runs under qtest),
 * configuration space walks (capabilities, extended capabilities, CXL
 * DVSECs, the register locator), BAR and bridge window assignment as
 * firmware does it, addresses from the memory map, the CXL.cache/mem
 * capability array and HDM decoder registers of a component register
 * block, DOE exchanges and the CDAT read over DOE Table Access, the CXL
 * device register capability array and the mailbox (sending a command as
 * Linux does, reading the Command Effects Log, tables of commands and
 * return codes), reading backend files, and command lines that must fail.
 *
 * Register layouts are Linux's (drivers/cxl/cxl.h, cxlpci.h, cxlmem.h,
 * drivers/pci/doe.c, include/uapi/linux/pci_regs.h). The helpers are in
 * cxl-qtest.c, a library linked into every CXL qtest (tests/qtest/
 * meson.build); only one-line wrappers are static inline here.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TESTS_QTEST_CXL_QTEST_H
#define TESTS_QTEST_CXL_QTEST_H

#include "qemu/bswap.h"
#include "libqtest.h"

/*
 * The platform: the tests are written for q35 (qemu-system-x86_64); with
 * qemu-system-aarch64 as QTEST_QEMU_BINARY, cxl_qtest_start() and
 * cxl_qtest_start_error() run the same command lines on arm virt:
 * "-machine q35" becomes "-machine virt,gic-version=3" with "-cpu max"
 * (48 physical address bits, so the CXL windows fit above virt's high
 * PCIe window). What differs between the two is here.
 */
typedef struct CXLQtestPlatform {
    bool virt;          /* arm virt, not q35 */
    uint64_t ecam;      /* ECAM base: q35's MCH PCIEXBAR as the tests set
                         * it, virt's from its memory map (enable_ecam) */
    uint64_t mmio;      /* 32-bit PCI memory the tests place BARs in... */
    uint64_t mmio_end;  /* ...up to here */
    uint64_t ram;       /* guest RAM base */
} CXLQtestPlatform;
extern CXLQtestPlatform cxl_qtest_platform;
/* Where the tests place q35's ECAM window (MCH PCIEXBAR) */
#define CXL_QTEST_Q35_ECAM      0xb0000000ull
/* PCI vendor ID of the CXL consortium (its DVSECs and DOE protocols) */
#define CXL_QTEST_VENDOR        0x1e98
/* CXL.cache/mem registers (capability array) in a component register block */
#define CXL_QTEST_CM            0x1000

/* DOE extended capability registers (PCI_DOE_*) */
#define DOE_CTRL            0x08
#define   DOE_CTRL_GO           0x80000000u
#define DOE_STATUS          0x0c
#define   DOE_STATUS_BUSY       0x1u
#define   DOE_STATUS_ERROR      0x4u
#define   DOE_STATUS_READY      0x80000000u
#define DOE_WRITE           0x10
#define DOE_READ            0x14

/* Device registers (Linux's CXLDEV_*), offsets within the mailbox */
#define MBOX_CAPS           0x00
#define MBOX_CTRL           0x04
#define   MBOX_CTRL_DOORBELL    (1u << 0)
#define   MBOX_CTRL_BG_IRQ      (1u << 2)
#define MBOX_CMD            0x08
#define MBOX_STATUS         0x10
#define MBOX_BG_STATUS      0x18
#define MBOX_PAYLOAD        0x20

/* Mailbox return codes (CXL r3.1 Table 8-34) */
#define RC_SUCCESS          0x00
#define RC_BACKGROUND       0x01
#define RC_INVALID_INPUT    0x02
#define RC_UNSUPPORTED      0x03
#define RC_INVALID_HANDLE   0x0e
#define RC_PAYLOAD_LEN      0x16
#define RC_INVALID_LOG      0x17

/* Log UUID of the Command Effects Log (CXL r3.1 8.2.9.5.2.1) */
extern const uint8_t cxl_qtest_cel_uuid[16];

/* HDM decoder n's registers: cxl_qtest_hdm_dec(hdm, n, reg) */
enum {
    HDM_DEC_BASE_LO = 0x00,
    HDM_DEC_BASE_HI = 0x04,
    HDM_DEC_SIZE_LO = 0x08,
    HDM_DEC_SIZE_HI = 0x0c,
    HDM_DEC_CTRL    = 0x10,
    /* ports: target list; endpoints: DPA skip */
    HDM_DEC_TL_LO   = 0x14,
    HDM_DEC_TL_HI   = 0x18,
    HDM_DEC_SKIP_LO = 0x14,
    HDM_DEC_SKIP_HI = 0x18,
};
/* HDM decoder control: IG [3:0], IW [7:4] and these */
#define HDM_CTRL_LOCK       (1u << 8)
#define HDM_CTRL_COMMIT     (1u << 9)
#define HDM_CTRL_COMMITTED  (1u << 10)
#define HDM_CTRL_ERR        (1u << 11)
#define HDM_CTRL_HOSTONLY   (1u << 12)

/*
 * Back-Invalidate (hdm-db=on). Capability IDs and register layout from
 * memory of CXL r3.1 (8.2.4.20 HDM Decoder Capability: Supported
 * Coherency Models at bits 22:21; decoder control BI at bit 13; 8.2.4.27
 * BI Decoder: capability bit 1 Explicit BI Decoder Commit Required,
 * control BI Forward [0], BI Enable [1], BI Decoder Commit [2], status
 * Committed [0], Error Not Committed [1], commit timeout scale [11:8] and
 * base [15:12]; 8.2.4.26 BI Route Table: capability bit 0 Explicit BI RT
 * Commit Required, control Commit [0], status as the BI Decoder's).
 */
#define CM_CAP_ID_BI_RT         0xb
#define CM_CAP_ID_BI_DEC        0xc
#define HDM_CAP_COHERENCY(v)    (((v) >> 21) & 3)
#define HDM_CTRL_BI             (1u << 13)
#define BI_CAP                  0x0
#define BI_CTRL                 0x4
#define   BI_FORWARD            (1u << 0)
#define   BI_ENABLE             (1u << 1)
#define   BI_COMMIT             (1u << 2)
#define   BI_RT_COMMIT          (1u << 0)
#define BI_STATUS               0x8
#define   BI_COMMITTED          (1u << 0)
#define   BI_ERR_NOT_COMMITTED  (1u << 1)
#define   BI_TIMEOUT_MASK       0xff00
#define   BI_TIMEOUT_2S         0x2600      /* scale 6, base 2 */

/*
 * Start QEMU with @args, -nodefaults and the firmware directory from
 * CXL_QTEST_FIRMWARE (make check sets it) when there is one.
 */
QTestState *cxl_qtest_start(const char *args);

/*
 * Enable q35's ECAM at CXL_QTEST_Q35_ECAM as firmware would: MCH
 * PCIEXBAR (0:0.0, config 0x60) = base, 256 buses, enable. On virt the
 * ECAM is always on: find it in the memory map.
 */
void cxl_qtest_enable_ecam(QTestState *qts);

/* The contents of fw_cfg file @name (g_free it), its size in @size */
uint8_t *cxl_qtest_fw_cfg_file(QTestState *qts, const char *name,
                               size_t *size);

/* Address of configuration space offset @off of @bus:@dev.@fn in ECAM */
static inline uint64_t cxl_qtest_cfg(int bus, int dev, int fn, int off)
{
    return cxl_qtest_platform.ecam + ((uint64_t)bus << 20) + (dev << 15) +
           (fn << 12) + off;
}

/* Offset of PCI capability @id of @bus:@dev.@fn, 0 if absent */
uint8_t cxl_qtest_find_cap_fn(QTestState *qts, int bus, int dev, int fn,
                              uint8_t id);

/* The same for function 0 */
static inline uint8_t cxl_qtest_find_cap(QTestState *qts, int bus, int dev,
                                         uint8_t id)
{
    return cxl_qtest_find_cap_fn(qts, bus, dev, 0, id);
}

/*
 * Offset of the first CXL DVSEC (vendor 0x1e98) with DVSEC ID @id of
 * @bus:@dev.@fn, 0 if absent. If @nr_cxl is not NULL, it is set to the
 * number of CXL DVSECs of the function.
 */
uint16_t cxl_qtest_find_dvsec_fn(QTestState *qts, int bus, int dev, int fn,
                                 uint16_t id, unsigned *nr_cxl);

/* The same for function 0 */
static inline uint16_t cxl_qtest_find_dvsec(QTestState *qts, int bus, int dev,
                                            uint16_t id, unsigned *nr_cxl)
{
    return cxl_qtest_find_dvsec_fn(qts, bus, dev, 0, id, nr_cxl);
}

/* Guest physical address of memory region @name in `info mtree -f` */
uint64_t cxl_qtest_mtree_addr(QTestState *qts, const char *name);

/*
 * Address of memory region (or alias) @name in the memory tree (not
 * flattened), 0 if it is not there.
 */
uint64_t cxl_qtest_mtree_find(QTestState *qts, const char *name);

/*
 * Base of CXL fixed memory window @n: its container in the (not flattened)
 * memory tree; the flat view shows what is mapped in it, which with the
 * fast path may be a device's memory at the window's start.
 */
uint64_t cxl_qtest_window(QTestState *qts, unsigned n);

/*
 * Address of the CXL.cache/mem capability @id (2 RAS, 4 link, 5 HDM
 * decoder) of the component register block at @comp, 0 if it has none.
 */
uint64_t cxl_qtest_cm_cap(QTestState *qts, uint64_t comp, uint16_t id);

/* Address of register @reg of HDM decoder @n of the capability at @hdm */
static inline uint64_t cxl_qtest_hdm_dec(uint64_t hdm, unsigned n,
                                         unsigned reg)
{
    return hdm + 0x10 + 0x20 * n + reg;
}

/* Offset of extended capability @id of @bus:@dev.0, 0 if absent */
uint16_t cxl_qtest_find_ext_cap(QTestState *qts, int bus, int dev,
                                uint16_t id);

/*
 * Size every memory BAR of @bus:@dev.@fn (6 for a device, 2 for a bridge)
 * by writing all ones as a guest does, place each from @cursor (naturally
 * aligned) and enable memory decoding and bus mastering. @bar and @size (6
 * entries each) receive the addresses and sizes, 0 for unused BARs.
 * Returns the first free address.
 */
uint64_t cxl_qtest_assign_bars_fn(QTestState *qts, int bus, int dev, int fn,
                                  uint64_t cursor, uint64_t *bar,
                                  uint64_t *size);

/* The same for function 0 */
static inline uint64_t cxl_qtest_assign_bars(QTestState *qts, int bus, int dev,
                                             uint64_t cursor, uint64_t *bar,
                                             uint64_t *size)
{
    return cxl_qtest_assign_bars_fn(qts, bus, dev, 0, cursor, bar, size);
}

/*
 * Open the non-prefetchable memory window of bridge @bus:@dev.0 over
 * [@base, @end) (1 MiB granules: bits 31:20 in [15:4] of the base and
 * limit words) and enable memory decoding and bus mastering on it.
 */
void cxl_qtest_bridge_window(QTestState *qts, int bus, int dev, uint64_t base,
                             uint64_t end);

/*
 * Address of register block @id (1 component registers, 3 memory device
 * registers) that the register locator DVSEC of @bus:@dev.@fn lists, with
 * the BARs at @bar; 0 if it lists none.
 */
uint64_t cxl_qtest_regloc_fn(QTestState *qts, int bus, int dev, int fn,
                             const uint64_t *bar, unsigned id);

/* The same for function 0 */
static inline uint64_t cxl_qtest_regloc(QTestState *qts, int bus, int dev,
                                        const uint64_t *bar, unsigned id)
{
    return cxl_qtest_regloc_fn(qts, bus, dev, 0, bar, id);
}

/*
 * One exchange with the DOE mailbox at @doe of @bus:@dev.0, as Linux's
 * drivers/pci/doe.c does it: write the request's @req_dw dwords, set Go,
 * poll for Data Object Ready, then read the response one dword at a time
 * (acknowledging each). The response's first header dword must echo the
 * request's (vendor and type). Copies the dwords after the two header
 * dwords to @rsp (at most @max_dw) and returns their count.
 */
unsigned cxl_qtest_doe_exchange(QTestState *qts, int bus, int dev,
                                uint16_t doe, const uint32_t *req,
                                unsigned req_dw, uint32_t *rsp,
                                unsigned max_dw);

/*
 * Read the CDAT of @bus:@dev.0 over its DOE mailbox (Table Access, read
 * entry, table type CDAT) entry by entry as Linux's cxl_cdat_read_table()
 * does, checking what Linux checks: the header is 16 bytes, every entry is
 * as long as its header says, the header's length is the sum of all, and
 * the checksum (cdat_checksum()) is 0. Returns the table (little endian).
 */
GByteArray *cxl_qtest_read_cdat(QTestState *qts, int bus, int dev);

/*
 * Address of capability @id (1 device status, 2 primary mailbox, 0x4000
 * memory device status) in the CXL device register capability array at
 * @devregs, 0 if absent; *@len (if not NULL) receives its length.
 */
uint64_t cxl_qtest_dev_cap(QTestState *qts, uint64_t devregs, uint16_t id,
                           uint32_t *len);

/*
 * Send @opcode to the mailbox at @mbox (payload registers of @payload_max
 * bytes) exactly as Linux's __cxl_pci_mbox_send_cmd() does: @copy bytes
 * of @in go to the payload registers and @len to the command register's
 * payload length (normally the same). Returns the return code; on success
 * copies up to @out_size bytes of the output to @out and sets *@out_len
 * to the output payload length the device gave.
 */
uint16_t cxl_qtest_mbox_send_raw(QTestState *qts, uint64_t mbox,
                                 uint32_t payload_max, uint16_t opcode,
                                 const void *in, size_t copy, uint32_t len,
                                 void *out, size_t out_size,
                                 uint32_t *out_len);

/*
 * Read the whole Command Effects Log of the mailbox at @mbox as Linux
 * does: its size from Get Supported Logs (0400h), then one Get Log
 * (0401h). Returns its entries (4 bytes each) and sets *@cel_len.
 */
uint8_t *cxl_qtest_read_cel(QTestState *qts, uint64_t mbox,
                            uint32_t payload_max, uint32_t *cel_len);

/*
 * Set Timestamp (0301h), let 1 ms of virtual time pass, then Get Timestamp
 * (0300h): the value set plus at least that millisecond (and less than a
 * minute).
 */
void cxl_qtest_check_timestamp(QTestState *qts, uint64_t mbox,
                               uint32_t payload_max);

/* A command a test covers: the CEL must list it and nothing else */
typedef struct CXLQtestOp {
    uint16_t opcode;
    const char *name;
} CXLQtestOp;

bool cxl_qtest_op_known(const CXLQtestOp *ops, unsigned nops, uint16_t opcode);

/* The generic commands of a CCI without event logs (a switch's, an FM's) */
#define CXL_QTEST_GENERIC_OPS \
    { 0x0001, "Identify" }, \
    { 0x0002, "Background Operation Status" }, \
    { 0x0005, "Request Abort Background Operation" }, \
    { 0x0300, "Get Timestamp" }, \
    { 0x0301, "Set Timestamp" }, \
    { 0x0400, "Get Supported Logs" }, \
    { 0x0401, "Get Log" }, \
    { 0x0402, "Get Log Capabilities" }

/*
 * The CEL (@size bytes at @cel) lists each opcode once, exactly the @nops
 * commands of @ops: fails naming the listed opcodes without a test and
 * the tested ones the CEL lacks.
 */
void cxl_qtest_check_cel(const uint8_t *cel, uint32_t size,
                         const CXLQtestOp *ops, unsigned nops);

/* Longest input a case may have (UUID included); the rest is zero */
#define CXL_QTEST_CASE_IN_MAX   512

/*
 * One mailbox command and the return code the spec asks for. For a
 * success, the reply must be at least @min_out bytes (Linux's structure
 * size: it rejects shorter replies), exactly @min_out with @exact.
 * @len_over: instead of @in_len, claim a payload one byte longer than the
 * mailbox can hold. @uuid: the input starts with a log UUID.
 */
typedef struct CXLQtestMboxCase {
    const char *what;
    uint16_t opcode;
    uint8_t in[72];             /* little-endian fields, after the UUID */
    uint32_t in_len;            /* total, UUID included */
    bool len_over;
    uint16_t rc;
    uint32_t min_out;
    uint8_t uuid;
    bool exact;
} CXLQtestMboxCase;

enum { NO_UUID, CEL_UUID, BAD_UUID };

/* A log UUID no CCI has */
extern const uint8_t cxl_qtest_bad_uuid[16];

/*
 * The generic commands every CCI serves (CXL r3.1 8.2.9.1, 8.2.9.4,
 * 8.2.9.5), when no background operation runs.
 */
extern const CXLQtestMboxCase cxl_qtest_generic_cases[];
extern const unsigned cxl_qtest_nr_generic_cases;

/*
 * Every command of @ops has a success and an invalid payload length case
 * among the @n @cases and cxl_qtest_generic_cases; returns the number of
 * commands that lack one.
 */
unsigned cxl_qtest_cases_cover(const CXLQtestOp *ops, unsigned nops,
                               const CXLQtestMboxCase *cases, unsigned n);

/*
 * Send each of the @n @cases to the mailbox at @mbox; returns the number
 * of cases whose return code or reply length is not the expected one,
 * each described with g_test_message().
 */
unsigned cxl_qtest_run_cases(QTestState *qts, uint64_t mbox,
                             uint32_t payload_max,
                             const CXLQtestMboxCase *cases, unsigned n);

/* The little-endian 64-bit value at offset @off of file @path */
uint64_t cxl_qtest_file_read64(const char *path, off_t off);

/*
 * cxl-query-dynamic-capacity of the device @path: its extents as
 * "state:region:offset+len,..." (offsets in the region, hex)
 */
char *cxl_qtest_dc_query(QTestState *qts, const char *path);

/* Integer property @prop of device @id (qom-get) */
uint64_t cxl_qtest_qom_uint(QTestState *qts, const char *id,
                            const char *prop);

/*
 * Run QEMU (QTEST_QEMU_BINARY, with the firmware directory as
 * cxl_qtest_start() does) with @args and expect it to exit with status 1;
 * returns its error messages, without the location QEMU puts before them.
 * Should it start anyway, QMP on stdin makes it quit (status 0).
 */
char *cxl_qtest_start_error(const char *args);

/* ---- migration ---- */

/* Wait for the migration of @qts to end: whether it completed */
bool cxl_qtest_mig_wait(QTestState *qts);

/*
 * A second QEMU with @args (and -incoming defer) loads @file (a "file:"
 * stream), its virtual clock at @clock (under qtest the clock is the
 * test's, not the stream's); @ok: whether the load completed. A failed
 * load leaves the QEMU running.
 */
QTestState *cxl_qtest_mig_load(const char *args, const char *file,
                               int64_t clock, bool *ok);

#endif /* TESTS_QTEST_CXL_QTEST_H */
