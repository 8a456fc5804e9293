/*
 * Helpers shared by the cxl-type3 qtests (cxl-type3-test: registers,
 * configuration space, CXL.mem, CDAT; cxl-type3-mbox-test: the CEL and
 * the command tables; cxl-type3-media-test: firmware update, poison, Scan
 * Media, Sanitize, Secure Erase and Media Operations; cxl-type3-mgmt-test:
 * features, maintenance and security; cxl-fast-path-test): the test
 * topology (one cxl-type3 behind a cxl-rp on a pxb-cxl) started and set
 * up as firmware would, the mailbox, background operation status, HDM
 * decoders, the poison commands, mapping the media through the window
 * and reading the backend files.
 *
 * Register and payload layouts are Linux's (drivers/cxl/cxl.h, cxlmem.h,
 * cxlpci.h). The helpers are in cxl-type3-qtest.c, part of the library
 * linked into every CXL qtest; one-line wrappers are static inline here.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TESTS_QTEST_CXL_TYPE3_QTEST_H
#define TESTS_QTEST_CXL_TYPE3_QTEST_H

#include "qemu/units.h"
#include "qemu/bswap.h"
#include "libqtest.h"
#include "qobject/qdict.h"
#include "cxl-qtest.h"

#define MMIO_BASE           (cxl_qtest_platform.mmio)
#define RP_BUS              12
#define DEV_BUS             13

#define SERIAL              0x1234
#define VMEM_SIZE           (256 * MiB)
#define PMEM_SIZE           (512 * MiB)
#define LSA_SIZE            (1 * MiB)

/* Return codes of background and firmware commands (CXL r3.1 Table 8-34) */
#define RC_BACKGROUND       0x01
#define RC_BUSY             0x06
#define RC_FW_IN_PROGRESS   0x08
#define RC_FW_OUT_OF_ORDER  0x09
#define RC_FW_VERIFY_FAILED 0x0a
#define RC_INVALID_SLOT     0x0b
#define RC_ABORTED          0x12
#define RC_MEDIA_DISABLED   0x07
/* ... and of the poison commands */
#define RC_INVALID_PA       0x0f
#define RC_POISON_LIMIT     0x10
/* ... and of the security commands */
#define RC_SECURITY_STATE   0x13
#define RC_PASSPHRASE       0x14

/* CXL device DVSEC (Linux's PCI_DVSEC_CXL_*) */
#define DVSEC_CAP           0x0a
#define   DVSEC_MEM_CAPABLE     (1u << 2)
#define DVSEC_CTRL          0x0c
#define   DVSEC_MEM_ENABLE      (1u << 2)
#define DVSEC_LOCK          0x14
#define   DVSEC_CONFIG_LOCK     (1u << 0)
#define DVSEC_SIZE_HI(i)    (0x18 + (i) * 0x10)
#define DVSEC_SIZE_LO(i)    (0x1c + (i) * 0x10)
#define   DVSEC_MEM_INFO_VALID  (1u << 0)
#define   DVSEC_MEM_ACTIVE      (1u << 1)
#define DVSEC_BASE_HI(i)    (0x20 + (i) * 0x10)
#define DVSEC_BASE_LO(i)    (0x24 + (i) * 0x10)

typedef struct T3 {
    QTestState *qts;
    uint64_t bar[6];
    uint64_t bar_size[6];
    uint64_t comp;          /* component registers (register locator) */
    uint64_t devregs;       /* memory device registers */
    uint64_t mbox;          /* primary mailbox */
    uint32_t mbox_len;      /* its length in the capability header */
    uint64_t memdev;        /* memory device status */
    uint64_t status;        /* device status (event status) */
    uint64_t hdm;           /* HDM decoder capability */
    uint64_t window;        /* CXL fixed memory window 0 */
    uint16_t dvsec;         /* CXL device DVSEC */
    uint16_t msix_vectors;
    uint32_t payload_max;
    char *dir;              /* memory-backend-file directory, or NULL */
    char *vfile;
    char *pfile;
} T3;

/* ---- configuration space ---- */

static inline uint32_t dcfgl(T3 *t, int off)
{
    return qtest_readl(t->qts, cxl_qtest_cfg(DEV_BUS, 0, 0, off));
}

static inline uint16_t dcfgw(T3 *t, int off)
{
    return qtest_readw(t->qts, cxl_qtest_cfg(DEV_BUS, 0, 0, off));
}

static inline void dcfg_writel(T3 *t, int off, uint32_t v)
{
    qtest_writel(t->qts, cxl_qtest_cfg(DEV_BUS, 0, 0, off), v);
}

static inline void dcfg_writew(T3 *t, int off, uint16_t v)
{
    qtest_writew(t->qts, cxl_qtest_cfg(DEV_BUS, 0, 0, off), v);
}

/* Offset of CXL DVSEC @id, 0 if absent; counts the CXL DVSECs. */
static inline uint16_t find_dvsec(T3 *t, uint16_t id, unsigned *nr_cxl)
{
    return cxl_qtest_find_dvsec(t->qts, DEV_BUS, 0, id, nr_cxl);
}

/*
 * Size every BAR by writing all ones as a guest does, place them from
 * MMIO_BASE, open the root port's non-prefetchable window over them and
 * enable memory decoding and bus mastering on both functions.
 */
void assign_bars(T3 *t);

/* Find the register blocks, mailbox, HDM decoders and MSI-X vectors */
void find_regs(T3 *t);

/*
 * What firmware would do, at start and after a reset: enable ECAM, give
 * the root port its secondary bus, assign the device's BARs.
 */
void platform_init(T3 *t);

/*
 * Start QEMU with the test topology; @files: file backends in a tmp dir;
 * @dev_opts appended to the cxl-type3 device's options
 */
void t3_start_opts(T3 *t, bool files, const char *dev_opts);
/* The same without the device's sn=SERIAL (@dev_opts may give one) */
void t3_start_raw(T3 *t, bool files, const char *dev_opts);
/* The command line of t3_start_opts(t, false, @dev_opts) (migration) */
char *t3_cmdline(const char *dev_opts);

static inline void t3_start(T3 *t, bool files)
{
    t3_start_opts(t, files, "");
}

/* Run a table of mailbox cases on @t's device; returns the failures */
#define t3_run_cases(t, cases) \
    cxl_qtest_run_cases((t)->qts, (t)->mbox, (t)->payload_max, (cases), \
                        ARRAY_SIZE(cases))

/* Quit QEMU, remove the backend files */
void t3_stop(T3 *t);

/* ---- mailbox, as Linux's __cxl_pci_mbox_send_cmd() ---- */

/* Send @opcode as cxl_qtest_mbox_send_raw() does */
static inline uint16_t mbox_send_raw(T3 *t, uint16_t opcode, const void *in,
                                     size_t copy, uint32_t len, void *out,
                                     size_t out_size, uint32_t *out_len)
{
    return cxl_qtest_mbox_send_raw(t->qts, t->mbox, t->payload_max, opcode,
                                   in, copy, len, out, out_size, out_len);
}

static inline uint16_t mbox_send(T3 *t, uint16_t opcode, const void *in,
                                 size_t in_len, void *out, size_t out_size,
                                 uint32_t *out_len)
{
    return mbox_send_raw(t, opcode, in, in_len, in_len, out, out_size,
                         out_len);
}

/* ---- background operations ---- */

/* Where the mailbox MSI-X vector writes in guest RAM, and what */
/* guest RAM the MSI writes */
#define FW_MSI_ADDR         (cxl_qtest_platform.ram + 0x200000ull)
#define FW_MSI_DATA         0xf1f2f3f4u

/* Background Operation Status (0002h): in progress; percent, opcode, rc */
bool bg_status(T3 *t, unsigned *pct, uint16_t *op, uint16_t *rc);

/* Let the running background operation of @opcode end; its return code */
uint16_t bg_wait(T3 *t, uint16_t opcode);

/* MSI-X vector 0 (the mailbox) writes FW_MSI_DATA to FW_MSI_ADDR */
void enable_mbox_msix(T3 *t);

/* ---- event logs ---- */

/*
 * Records of event log @log (0 info .. 3 fatal): their number; up to @max
 * of them (128 bytes each) copied to @recs
 */
unsigned event_records(T3 *t, uint8_t log, uint8_t *recs, unsigned max);

/* Clear Event Records: the record @rec of log @log */
void event_clear(T3 *t, uint8_t log, const uint8_t *rec);

/* ---- HDM decoders and CXL.mem ---- */

static inline uint64_t dec(T3 *t, unsigned n, unsigned reg)
{
    return cxl_qtest_hdm_dec(t->hdm, n, reg);
}

static inline uint32_t dec_ctrl(T3 *t, unsigned n)
{
    return qtest_readl(t->qts, dec(t, n, HDM_DEC_CTRL));
}

/*
 * Program and commit decoder @n as Linux's cxl_decoder_commit() does,
 * with @iw_ig (Control bits 7:0: IW << 4 | IG); its Committed and Error
 * bits
 */
uint32_t dec_commit_ways(T3 *t, unsigned n, uint64_t base, uint64_t size,
                         uint64_t skip, uint32_t iw_ig);

/* ... 1-way (IW 0, IG 0: 256 bytes), Type 3 */
static inline uint32_t dec_commit(T3 *t, unsigned n, uint64_t base,
                                  uint64_t size, uint64_t skip)
{
    return dec_commit_ways(t, n, base, size, skip, 0);
}

/* Uncommit decoder @n */
void dec_clear(T3 *t, unsigned n);

/* Set or clear Mem_Enable in the CXL device DVSEC */
void set_mem_enable(T3 *t, bool on);

/* ---- poison ---- */

#define POISON_LIST_MAX     256
#define INJECT_LIMIT        32
#define SRC_INTERNAL        2
#define SRC_INJECTED        3

/* Get Poison List of [@dpa, @dpa + @len): the reply's flags and count */
uint16_t poison_list(T3 *t, uint64_t dpa, uint64_t len, uint8_t *out,
                     size_t out_size, uint8_t *flags);

/* Record @i of the Get Poison List reply @out is [@dpa, @dpa + @len) */
void check_record(const uint8_t *out, unsigned i, uint64_t dpa, uint64_t len,
                  unsigned source);

/* Inject Poison at @dpa: the return code */
uint16_t poison_inject(T3 *t, uint64_t dpa);

/* Clear Poison at @dpa, writing 64 bytes of @fill: the return code */
uint16_t poison_clear(T3 *t, uint64_t dpa, uint8_t fill);

/* Free a QMP reply: NULL if it succeeded, else the error's description */
char *qmp_error_desc(QDict *rsp);

/*
 * QMP command @cmd with the arguments @args (a JSON object, single quotes
 * allowed): NULL on success, else the error's description
 */
char *t3_qmp(T3 *t, const char *cmd, const char *args);

/* cxl-inject-poison; NULL on success, else the error's description */
char *qmp_poison(T3 *t, const char *path, uint64_t start, uint64_t length);

/* Scan Media of [@dpa, @dpa + @len): the return code */
uint16_t scan_media(T3 *t, uint64_t dpa, uint64_t len);

/*
 * Media Operations (4402h) of the Sanitize class on one DPA range:
 * @subclass 0 Sanitize, 1 Zero; the return code
 */
uint16_t media_op(T3 *t, uint8_t subclass, uint64_t dpa, uint64_t len);

/* ---- media status, the media through the window, backend files ---- */

#define MEDIA_STATUS(v)     (((v) >> 2) & 3)
#define MEDIA_READY         1
#define MEDIA_DISABLED      3
#define SANITIZE_MS         200

static inline unsigned media_status(T3 *t)
{
    return MEDIA_STATUS(qtest_readq(t->qts, t->memdev));
}

/* Commit decoders 0 (volatile) and 1 (persistent) at the window base */
void map_all(T3 *t);

/* Uncommit them */
void unmap_all(T3 *t);

/* Write a word near the start and the end of both capacities */
void write_pattern(T3 *t, uint64_t v);

/* Every byte of the file at @path is zero */
bool file_is_zero(const char *path);

/* Number of records in the poison list of the whole capacity */
unsigned poison_count(T3 *t);

/* ---- features ---- */

/* Feature UUIDs (Linux's include/cxl/features.h), as input bytes */
#define UUID_SCRUB      0x96, 0xda, 0xd7, 0xd6, 0xfd, 0xe8, 0x48, 0x2b, \
                        0xa7, 0x33, 0x75, 0x77, 0x4e, 0x06, 0xdb, 0x8a
#define UUID_ECS        0xe5, 0xb1, 0x3f, 0x22, 0x23, 0x28, 0x4a, 0x14, \
                        0xb8, 0xba, 0xb9, 0x69, 0x1e, 0x89, 0x33, 0x86
#define UUID_SPPR       0x89, 0x2b, 0xa4, 0x75, 0xfa, 0xd8, 0x47, 0x4e, \
                        0x9d, 0x3e, 0x69, 0x2c, 0x91, 0x75, 0x68, 0xbb
#define UUID_HPPR       0x80, 0xea, 0x45, 0x21, 0x78, 0x6f, 0x41, 0x27, \
                        0xaf, 0xb1, 0xec, 0x74, 0x59, 0xfb, 0x0e, 0x24
#define UUID_CACHELINE  0x96, 0xc3, 0x33, 0x86, 0x91, 0xdd, 0x44, 0xc7, \
                        0x9e, 0xcb, 0xfd, 0xaf, 0x65, 0x03, 0xba, 0xc4
#define UUID_ROW        0x45, 0x0e, 0xbf, 0x67, 0xb1, 0x35, 0x4f, 0x97, \
                        0xa4, 0x98, 0xc2, 0xd5, 0x7f, 0x27, 0x9b, 0xed
#define UUID_BANK       0x78, 0xb7, 0x96, 0x36, 0x90, 0xac, 0x4b, 0x64, \
                        0xa4, 0xef, 0xfa, 0xac, 0x5d, 0x18, 0xa8, 0x63
#define UUID_RANK       0x34, 0xdb, 0xaf, 0xf5, 0x05, 0x52, 0x42, 0x81, \
                        0x8f, 0x76, 0xda, 0x0b, 0x5e, 0x7a, 0x76, 0xa7
/* QEMU's emulated operation durations (hw/mem/cxl-type3-features.c) */
#define UUID_DURATIONS  0xb0, 0xf9, 0xf8, 0x46, 0x28, 0x82, 0x47, 0xfa, \
                        0x94, 0x7d, 0xfb, 0x72, 0xc8, 0x5f, 0xcb, 0x6d

#define NR_FEATURES     9
#define FEAT_ENTRY      48
#define RC_FEAT_VERSION         0x19
#define RC_FEAT_SELECTION       0x1a
#define RC_FEAT_IN_PROGRESS     0x1b
#define RC_FEAT_OUT_OF_ORDER    0x1c
#define RC_RESOURCES_EXHAUSTED  0x1d

/* ---- security ---- */

#define SEC_USER_SET        (1u << 0)
#define SEC_MASTER_SET      (1u << 1)
#define SEC_LOCKED          (1u << 2)
#define SEC_FROZEN          (1u << 3)
#define SEC_USER_PLIMIT     (1u << 4)
#define SEC_MASTER_PLIMIT   (1u << 5)
#define PASS_USER           1
#define PASS_MASTER         0

/* Get Security State (4500h) */
uint32_t sec_state(T3 *t);

/* Set Passphrase of @type from 32 bytes of @cur to 32 bytes of @new */
uint16_t sec_set(T3 *t, uint8_t type, uint8_t cur, uint8_t new);

/* Disable Passphrase or Passphrase Secure Erase with 32 bytes of @pass */
uint16_t sec_pass(T3 *t, uint16_t opcode, uint8_t type, uint8_t pass);

/* Unlock with 32 bytes of @pass */
uint16_t sec_unlock(T3 *t, uint8_t pass);

/* Get LSA of 16 bytes at 0: the return code (a media access) */
uint16_t get_lsa(T3 *t);

/* System reset, then firmware's set-up again */
void sec_reset(T3 *t);

/* ---- dynamic capacity ---- */

#define DC_SIZE             (512 * MiB)
#define DC_REGION_LEN       (256 * MiB)
#define DC_BASE             (VMEM_SIZE + PMEM_SIZE)
#define BLOCK               (2 * MiB)
#define LOG_DC              4
#define RC_EXTENT_LIST      0x1e
#define TAG_A               "5be4d9b6-0a1c-4a66-9d7e-2f1a6b9c4d01"

/* Start with two DC regions of 256 MiB (block 2 MiB) after the static */
void dc_start(T3 *t, const char *extra);

/* Run @cmd with the JSON object @args; NULL or the error's description */
char * G_GNUC_PRINTF(3, 4) dc_qmp(T3 *t, const char *cmd,
                                  const char *fmt, ...);

/* @desc (of dc_qmp()) is NULL; is an error mentioning @what (freed) */
void qmp_ok(char *desc);
void qmp_err(char *desc, const char *what);

/* cxl-add-dynamic-capacity, prescriptive, of region @r (JSON @extents) */
char *dc_add(T3 *t, unsigned r, const char *tag, const char *extents);

/* cxl-query-dynamic-capacity's extents, as "state:region:offset+len,..." */
char *dc_query(T3 *t);
void check_query(T3 *t, const char *want);

/* Add Dynamic Capacity Response or Release Dynamic Capacity (@op) */
uint16_t dc_respond(T3 *t, uint16_t op, uint8_t flags, unsigned n,
                    const uint64_t *dpa, const uint64_t *len);
uint16_t dc_respond1(T3 *t, uint16_t op, uint64_t dpa, uint64_t len);

/* The records of the Dynamic Capacity log (at most 16), cleared */
unsigned dc_events(T3 *t, uint8_t *recs);

/* The CEL lists each of the @n opcodes want[i][0] with effects want[i][1] */
void dc_check_cel(T3 *t, const uint16_t (*want)[2], unsigned n);

/* The Dynamic Capacity Event Record UUID */
extern const uint8_t dc_uuid[16];

/* Dynamic Capacity Event Record @rec: @type, extent, More */
void check_dc_record(const uint8_t *rec, uint8_t type, uint8_t region,
                     uint64_t dpa, uint64_t len, bool more);

#endif
