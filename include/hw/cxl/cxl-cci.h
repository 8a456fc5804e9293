/*
 * CXL Component Command Interface (CCI): the one command engine behind
 * every mailbox of the project (Type 3 primary mailbox, switch mailbox CCI,
 * MCTP endpoints, tunnels).
 *
 * A transport (a mailbox register block, an MCTP endpoint...) hands the
 * engine an opcode and an input payload; the engine finds the command in
 * the tables registered with it, checks the input length against the
 * table's rule, runs the handler and returns the spec's return code and the
 * output payload. Background operations (one at a time), their progress,
 * abort and completion notification live here, not in handlers. The
 * Command Effects Log is generated from the tables.
 *
 * Opcodes, return codes and payloads follow CXL r3.1 8.2.9 (Linux's
 * drivers/cxl/cxlmem.h and include/uapi/linux/cxl_mem.h carry the same
 * values).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_CCI_H
#define HW_CXL_CCI_H

#include "qemu/timer.h"
#include "qom/object.h"

/* Return codes (CXL r3.1 8.2.8.4.5.1, Table 8-34) */
typedef enum CXLRetCode {
    CXL_RC_SUCCESS = 0x00,
    CXL_RC_BACKGROUND = 0x01,
    CXL_RC_INVALID_INPUT = 0x02,
    CXL_RC_UNSUPPORTED = 0x03,
    CXL_RC_INTERNAL_ERROR = 0x04,
    CXL_RC_RETRY = 0x05,
    CXL_RC_BUSY = 0x06,
    CXL_RC_MEDIA_DISABLED = 0x07,
    CXL_RC_FW_TRANSFER_IN_PROGRESS = 0x08,
    CXL_RC_FW_TRANSFER_OUT_OF_ORDER = 0x09,
    CXL_RC_FW_VERIFICATION_FAILED = 0x0a,
    CXL_RC_INVALID_SLOT = 0x0b,
    CXL_RC_ACTIVATION_FAILED_ROLLED_BACK = 0x0c,
    CXL_RC_ACTIVATION_FAILED_COLD_RESET = 0x0d,
    CXL_RC_INVALID_HANDLE = 0x0e,
    CXL_RC_INVALID_PHYSICAL_ADDRESS = 0x0f,
    CXL_RC_INJECT_POISON_LIMIT = 0x10,
    CXL_RC_PERMANENT_MEDIA_FAILURE = 0x11,
    CXL_RC_ABORTED = 0x12,
    CXL_RC_INVALID_SECURITY_STATE = 0x13,
    CXL_RC_INCORRECT_PASSPHRASE = 0x14,
    CXL_RC_UNSUPPORTED_MAILBOX = 0x15,
    CXL_RC_INVALID_PAYLOAD_LENGTH = 0x16,
    CXL_RC_INVALID_LOG = 0x17,
    CXL_RC_INTERRUPTED = 0x18,
    CXL_RC_UNSUPPORTED_FEATURE_VERSION = 0x19,
    CXL_RC_UNSUPPORTED_FEATURE_SELECTION = 0x1a,
    CXL_RC_FEATURE_TRANSFER_IN_PROGRESS = 0x1b,
    CXL_RC_FEATURE_TRANSFER_OUT_OF_ORDER = 0x1c,
    CXL_RC_RESOURCES_EXHAUSTED = 0x1d,
    CXL_RC_INVALID_EXTENT_LIST = 0x1e,
} CXLRetCode;

/* Opcodes of the generic and memory device command sets */
enum {
    CXL_OP_IDENTIFY = 0x0001,
    CXL_OP_BG_OP_STATUS = 0x0002,
    CXL_OP_REQUEST_ABORT_BG_OP = 0x0005,
    CXL_OP_GET_EVENT_RECORDS = 0x0100,
    CXL_OP_CLEAR_EVENT_RECORDS = 0x0101,
    CXL_OP_GET_EVENT_INT_POLICY = 0x0102,
    CXL_OP_SET_EVENT_INT_POLICY = 0x0103,
    CXL_OP_GET_FW_INFO = 0x0200,
    CXL_OP_TRANSFER_FW = 0x0201,
    CXL_OP_ACTIVATE_FW = 0x0202,
    CXL_OP_GET_TIMESTAMP = 0x0300,
    CXL_OP_SET_TIMESTAMP = 0x0301,
    CXL_OP_GET_SUPPORTED_LOGS = 0x0400,
    CXL_OP_GET_LOG = 0x0401,
    CXL_OP_GET_LOG_CAPS = 0x0402,
    CXL_OP_GET_SUPPORTED_FEATURES = 0x0500,
    CXL_OP_GET_FEATURE = 0x0501,
    CXL_OP_SET_FEATURE = 0x0502,
    CXL_OP_PERFORM_MAINTENANCE = 0x0600,
    CXL_OP_IDENTIFY_MEMDEV = 0x4000,
    CXL_OP_GET_PARTITION_INFO = 0x4100,
    CXL_OP_SET_PARTITION_INFO = 0x4101,
    CXL_OP_GET_LSA = 0x4102,
    CXL_OP_SET_LSA = 0x4103,
    CXL_OP_GET_HEALTH_INFO = 0x4200,
    CXL_OP_GET_ALERT_CONFIG = 0x4201,
    CXL_OP_SET_ALERT_CONFIG = 0x4202,
    CXL_OP_GET_SHUTDOWN_STATE = 0x4203,
    CXL_OP_SET_SHUTDOWN_STATE = 0x4204,
    CXL_OP_GET_POISON_LIST = 0x4300,
    CXL_OP_INJECT_POISON = 0x4301,
    CXL_OP_CLEAR_POISON = 0x4302,
    CXL_OP_GET_SCAN_MEDIA_CAPS = 0x4303,
    CXL_OP_SCAN_MEDIA = 0x4304,
    CXL_OP_GET_SCAN_MEDIA_RESULTS = 0x4305,
    CXL_OP_SANITIZE = 0x4400,
    CXL_OP_SECURE_ERASE = 0x4401,
    CXL_OP_MEDIA_OPERATIONS = 0x4402,
    CXL_OP_GET_SECURITY_STATE = 0x4500,
    CXL_OP_SET_PASSPHRASE = 0x4501,
    CXL_OP_DISABLE_PASSPHRASE = 0x4502,
    CXL_OP_UNLOCK = 0x4503,
    CXL_OP_FREEZE_SECURITY = 0x4504,
    CXL_OP_PASSPHRASE_SECURE_ERASE = 0x4505,
    CXL_OP_GET_DC_CONFIG = 0x4800,
    CXL_OP_GET_DC_EXTENT_LIST = 0x4801,
    CXL_OP_ADD_DC_RESPONSE = 0x4802,
    CXL_OP_RELEASE_DC = 0x4803,
    /* FM API physical switch command set (CXL r3.1 7.6.7.1) */
    CXL_OP_IDENTIFY_SWITCH_DEVICE = 0x5100,
    CXL_OP_GET_PHYSICAL_PORT_STATE = 0x5101,
    CXL_OP_PHYSICAL_PORT_CONTROL = 0x5102,
    CXL_OP_SEND_PPB_CONFIG = 0x5103,
    /* FM API virtual switch command set (CXL r3.1 7.6.7.2) */
    CXL_OP_GET_VCS_INFO = 0x5200,
    CXL_OP_BIND_VPPB = 0x5201,
    CXL_OP_UNBIND_VPPB = 0x5202,
    CXL_OP_GENERATE_AER_EVENT = 0x5203,
    /* FM API tunneling (CXL r3.1 7.6.7.3) */
    CXL_OP_TUNNEL_MANAGEMENT = 0x5300,
    /* FM API multi-headed device command set (CXL r3.1 7.6.7.5) */
    CXL_OP_GET_MHD_INFO = 0x5500,
    /* FM API DCD management command set (CXL r3.1 7.6.7.6) */
    CXL_OP_GET_DCD_INFO = 0x5600,
    CXL_OP_GET_HOST_DC_REGION_CONFIG = 0x5601,
    CXL_OP_SET_DC_REGION_CONFIG = 0x5602,
    CXL_OP_GET_DC_REGION_EXTENT_LISTS = 0x5603,
    CXL_OP_INITIATE_DC_ADD = 0x5604,
    CXL_OP_INITIATE_DC_RELEASE = 0x5605,
};

/* Command Effects Log effect bits (CXL r3.1 8.2.9.5.2.1, Table 8-75) */
#define CXL_CEL_CONFIG_CHANGE_COLD_RESET    BIT(0)
#define CXL_CEL_IMMEDIATE_CONFIG_CHANGE     BIT(1)
#define CXL_CEL_IMMEDIATE_DATA_CHANGE       BIT(2)
#define CXL_CEL_IMMEDIATE_POLICY_CHANGE     BIT(3)
#define CXL_CEL_IMMEDIATE_LOG_CHANGE        BIT(4)
#define CXL_CEL_SECURITY_STATE_CHANGE       BIT(5)
#define CXL_CEL_BACKGROUND_OP               BIT(6)
#define CXL_CEL_SECONDARY_MBOX_SUPPORTED    BIT(7)
#define CXL_CEL_ABORT_SUPPORTED             BIT(8)

/* Smallest payload a CCI may have (Linux refuses smaller mailboxes) */
#define CXL_CCI_PAYLOAD_MIN     256
#define CXL_CCI_PAYLOAD_MAX     (1024 * 1024)

typedef struct CXLCCI CXLCCI;
typedef struct CXLCCICommand CXLCCICommand;

/*
 * A command handler. @in/@in_len: the input payload, already checked
 * against the command's length rule. @out: room for cci->payload_max
 * bytes; the handler sets *@out_len to the bytes it produced (0 on entry).
 */
typedef CXLRetCode (*CXLCCIHandler)(CXLCCI *cci, const uint8_t *in,
                                    size_t in_len, uint8_t *out,
                                    size_t *out_len);

/* Input length rules */
typedef enum CXLCCIInLen {
    CXL_CCI_IN_EXACT,           /* in_len must equal .in_len */
    CXL_CCI_IN_MIN,             /* in_len must be at least .in_len */
} CXLCCIInLen;

struct CXLCCICommand {
    uint16_t opcode;
    const char *name;
    CXLCCIHandler handler;
    CXLCCIInLen in_rule;
    uint32_t in_len;
    uint16_t effects;           /* CEL effects; CXL_CEL_BACKGROUND_OP: may
                                 * start a background operation */
    uint8_t flags;              /* CXL_CCI_F_* */
};

/*
 * The command accesses the media: while the component has its media
 * disabled (CXLCCI.media_disabled, e.g. during Sanitize) the engine
 * returns Media Disabled instead of running it; while it is locked
 * (CXLCCI.media_locked, security) Invalid Security State.
 */
#define CXL_CCI_F_MEDIA         BIT(0)

/*
 * A background operation in progress. Handlers start one with
 * cxl_cci_bg_start() and return CXL_RC_BACKGROUND; when its duration has
 * passed the engine calls @complete (which does the work, or its last part)
 * and records its return code. An operation that waits for something
 * outside the CCI (e.g. Unbind vPPB waiting for the host to power the slot
 * down) returns CXL_RC_BACKGROUND from @complete while it is not done: the
 * engine asks again after another @duration_ms (percent complete stays at
 * 99).
 */
typedef CXLRetCode (*CXLCCIBgComplete)(CXLCCI *cci);
/* Called instead of complete when the host aborts the operation. */
typedef void (*CXLCCIBgAbort)(CXLCCI *cci);

/* A log the CCI serves through Get Supported Logs / Get Log */
typedef struct CXLCCILog {
    uint8_t uuid[16];
    /* current size and a reader; NULL reader: the Command Effects Log */
    uint32_t (*size)(CXLCCI *cci);
    void (*read)(CXLCCI *cci, uint32_t offset, uint32_t len, uint8_t *out);
} CXLCCILog;

#define CXL_CCI_MAX_SETS        16
#define CXL_CCI_MAX_LOGS        4

struct CXLCCI {
    Object *owner;
    const char *name;           /* for traces */
    void *opaque;               /* the component behind the CCI */
    size_t payload_max;

    /* Identify (0001h) */
    uint16_t vendor_id;
    uint16_t device_id;
    uint16_t subsys_vendor_id;
    uint16_t subsys_id;
    uint64_t serial;
    uint8_t component_type;     /* CXL_CCI_COMPONENT_* */

    /* command tables, searched in order */
    const CXLCCICommand *sets[CXL_CCI_MAX_SETS];
    size_t set_len[CXL_CCI_MAX_SETS];
    unsigned nr_sets;
    uint8_t *cel;               /* generated Command Effects Log */
    size_t cel_len;

    CXLCCILog logs[CXL_CCI_MAX_LOGS];
    unsigned nr_logs;

    /* the component's event logs, if it has them (cxl-events.h) */
    struct CXLEventLogs *events;

    /* timestamp: value set by the host, and when (virtual clock) */
    bool timestamp_set;
    uint64_t timestamp;
    int64_t timestamp_at_ns;

    /* media disabled: CXL_CCI_F_MEDIA commands return Media Disabled */
    bool media_disabled;
    /*
     * media locked (security): CXL_CCI_F_MEDIA commands return Invalid
     * Security State
     */
    bool media_locked;

    /* background operation */
    struct {
        bool running;
        uint16_t opcode;
        uint8_t percent;        /* last reported */
        uint16_t ret;           /* of the last completed operation */
        int64_t start_ns;
        int64_t duration_ns;
        CXLCCIBgComplete complete;
        CXLCCIBgAbort abort;
        QEMUTimer *timer;
        uint8_t mig_name[32];   /* migration: its CXLCCIBgOp's name */
    } bg;
    /* the transport's completion notification (e.g. an MSI-X vector) */
    void (*bg_notify)(CXLCCI *cci, void *opaque);
    void *bg_notify_opaque;
};

#define CXL_CCI_COMPONENT_SWITCH    0x00
#define CXL_CCI_COMPONENT_TYPE3     0x03

/* The generic command set every CCI serves (Identify, logs, timestamp...) */
extern const CXLCCICommand cxl_cci_generic_commands[];
extern const size_t cxl_cci_generic_commands_len;

/*
 * Set up @cci with the generic command set. @payload_max is a power of two
 * in CXL_CCI_PAYLOAD_MIN..CXL_CCI_PAYLOAD_MAX.
 */
void cxl_cci_init(CXLCCI *cci, Object *owner, const char *name,
                  void *opaque, size_t payload_max);
/*
 * Check a mailbox-payload-size property: a power of two in
 * CXL_CCI_PAYLOAD_MIN..CXL_CCI_PAYLOAD_MAX. @dev names the device in the
 * error.
 */
bool cxl_cci_check_payload_size(uint32_t size, const char *dev, Error **errp);
/* Identify reports the vendor, device and subsystem IDs of @d. */
void cxl_cci_set_pci_identity(CXLCCI *cci, PCIDevice *d);
/* Add a command table; call before cxl_cci_finalize(). */
void cxl_cci_add_commands(CXLCCI *cci, const CXLCCICommand *cmds, size_t n);
/* Add a log other than the CEL; call before cxl_cci_finalize(). */
void cxl_cci_add_log(CXLCCI *cci, const CXLCCILog *log);
/* Build the CEL from the tables; after this the CCI serves commands. */
void cxl_cci_finalize(CXLCCI *cci);
void cxl_cci_cleanup(CXLCCI *cci);
/* Reset: abort a running background operation, forget the timestamp. */
void cxl_cci_reset(CXLCCI *cci);

/* The command @opcode, or NULL. */
const CXLCCICommand *cxl_cci_find(CXLCCI *cci, uint16_t opcode);

/*
 * Run one command. @out has room for payload_max bytes; *@out_len is set to
 * the output payload length (0 unless the command succeeded or started a
 * background operation). A malformed payload (Invalid Payload Length) is
 * logged as a guest error.
 */
CXLRetCode cxl_cci_execute(CXLCCI *cci, uint16_t opcode, const uint8_t *in,
                           size_t in_len, uint8_t *out, size_t *out_len);

/* Start a background operation of @duration_ms for the running command. */
void cxl_cci_bg_start(CXLCCI *cci, uint16_t opcode, uint64_t duration_ms,
                      CXLCCIBgComplete complete, CXLCCIBgAbort abort);
bool cxl_cci_bg_running(CXLCCI *cci);
/* Background Command Status fields: percent complete (100 when idle). */
uint8_t cxl_cci_bg_percent(CXLCCI *cci);
uint16_t cxl_cci_bg_opcode(CXLCCI *cci);
uint16_t cxl_cci_bg_retcode(CXLCCI *cci);

/*
 * Migration. A background operation survives a migration when its
 * callbacks were registered under a name (the stream carries the name,
 * the time it started and its duration on the virtual clock, which
 * migrates): it goes on where it was and completes on the destination.
 * Saving a CCI whose running operation is not registered fails (the
 * migration does), rather than losing the operation. Registering the
 * same name again does nothing.
 */
typedef struct CXLCCIBgOp {
    const char *name;           /* at most 31 characters */
    CXLCCIBgComplete complete;
    CXLCCIBgAbort abort;
} CXLCCIBgOp;
void cxl_cci_bg_register(const CXLCCIBgOp *op);
/*
 * The CCI's state (VMSTATE_STRUCT in its owner's description): the
 * timestamp, media disabled and locked, the background operation.
 */
extern const VMStateDescription vmstate_cxl_cci;

/* The host's timestamp now (0 if never set), CXL r3.1 8.2.9.4 */
uint64_t cxl_cci_timestamp(CXLCCI *cci);

/* Printable name of a return code */
const char *cxl_cci_retcode_name(CXLRetCode rc);

/*
 * ---- CCI messages: a command outside a mailbox ----
 *
 * The codec every message transport shares: the FM API Tunnel Management
 * Command (5300h, hw/cxl/cxl-switch-cci.c) and MCTP (issue 16: an MCTP
 * endpoint hands each CXL FM API / CCI message it receives, without the
 * MCTP header, to cxl_cci_msg_execute() and sends back the response it
 * builds). The message format is CXLCCIMsgHeader (cxl-mailbox.h, from
 * memory of CXL r3.1 7.6.3).
 *
 * The command runs through cxl_cci_execute() as it would from a mailbox:
 * the same input length rules, return codes and CEL. A command that
 * starts a background operation gets a response with Background Command
 * Started (01h) and the background operation flag set; its progress and
 * result are read with Background Operation Status (0002h) in another
 * message (the engine's one background operation per CCI, whichever
 * transport started it).
 *
 * Request @req of @req_len bytes; the response goes to @rsp, @rsp_size
 * bytes of room (at least CXL_CCI_MSG_HDR_LEN; must not overlap @req).
 * Returns CXL_RC_SUCCESS when a response message was built (*@rsp_len
 * bytes, whatever the command's own return code in it), else the reason
 * there is none (*@rsp_len 0), for the transport to report or drop:
 *  - Invalid Payload Length: @req_len is shorter than the header; or the
 *    command ran but its output does not fit in @rsp_size (commands whose
 *    output can be long, Get Log and the list commands, change nothing;
 *    the requester asks for less);
 *  - Invalid Input: the message is not a request (category not 0).
 * A request whose payload length field disagrees with the bytes after the
 * header gets a response with Invalid Payload Length and no payload; the
 * command does not run. The header's reserved fields, the request's return
 * code, vendor status and background operation flag are ignored.
 */
#define CXL_CCI_MSG_HDR_LEN     12

CXLRetCode cxl_cci_msg_execute(CXLCCI *cci, const uint8_t *req,
                               size_t req_len, uint8_t *rsp, size_t rsp_size,
                               size_t *rsp_len);

/*
 * The Tunnel Management Command (5300h, CXLTunnelIn/Out in cxl-mailbox.h)
 * on @cci, the CCIs that serve it (a switch's, an MLD's LD-FAM CCI):
 * whether the Command Size of @in (@in_len bytes) is the message after
 * the header, at least a message header (logged if not: Invalid Payload
 * Length); then, the target chosen, its message run on @target, the
 * response to @out (CXL_RC_SUCCESS: a response came back).
 */
bool cxl_cci_tunnel_size_ok(CXLCCI *cci, const uint8_t *in, size_t in_len);
CXLRetCode cxl_cci_tunnel_forward(CXLCCI *cci, CXLCCI *target,
                                  const uint8_t *in, uint8_t *out,
                                  size_t *out_len);

#endif /* HW_CXL_CCI_H */
