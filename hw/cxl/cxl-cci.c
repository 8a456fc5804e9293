/*
 * CXL CCI command engine and the generic command set (see
 * include/hw/cxl/cxl-cci.h).
 *
 * Generic commands served by every CCI (CXL r3.1 8.2.9):
 *  0001h Identify: vendor/device/subsystem IDs, serial number, maximum
 *        message size (2^n) and component type, 18 bytes;
 *  0002h Background Operation Status: byte 0 bit 0 "operation in progress",
 *        bits 7:1 percent complete, opcode at 2, return code at 4, vendor
 *        status at 6; 8 bytes;
 *  0005h Request Abort Background Operation;
 *  0300h/0301h Get/Set Timestamp: nanoseconds since the epoch, 8 bytes;
 *  0400h Get Supported Logs: entry count at 0, entries of UUID + size from 8;
 *  0401h Get Log: UUID, offset, length in (24 bytes), log bytes out;
 *  0402h Get Log Capabilities: UUID in, 4 bytes of capability flags out.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/host-utils.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "hw/pci/pci_device.h"
#include "hw/registerfields.h"
#include "hw/cxl/cxl-cci.h"
#include "hw/cxl/cxl-mailbox.h"
#include "trace.h"

/* Command Effects Log, CXL r3.1 8.2.9.5.2.1 */
static const uint8_t cel_uuid[16] = {
    0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78,
    0x8f, 0x79, 0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17,
};

/* Background Operation Status: status byte */
FIELD(BG_STATUS, RUNNING, 0, 1)
FIELD(BG_STATUS, PERCENT, 1, 7)

static const char *const retcode_names[] = {
    [CXL_RC_SUCCESS] = "success",
    [CXL_RC_BACKGROUND] = "background operation started",
    [CXL_RC_INVALID_INPUT] = "invalid input",
    [CXL_RC_UNSUPPORTED] = "unsupported",
    [CXL_RC_INTERNAL_ERROR] = "internal error",
    [CXL_RC_RETRY] = "retry required",
    [CXL_RC_BUSY] = "busy",
    [CXL_RC_MEDIA_DISABLED] = "media disabled",
    [CXL_RC_FW_TRANSFER_IN_PROGRESS] = "FW transfer in progress",
    [CXL_RC_FW_TRANSFER_OUT_OF_ORDER] = "FW transfer out of order",
    [CXL_RC_FW_VERIFICATION_FAILED] = "FW verification failed",
    [CXL_RC_INVALID_SLOT] = "invalid slot",
    [CXL_RC_ACTIVATION_FAILED_ROLLED_BACK] = "activation failed, rolled back",
    [CXL_RC_ACTIVATION_FAILED_COLD_RESET] = "activation failed, cold reset required",
    [CXL_RC_INVALID_HANDLE] = "invalid handle",
    [CXL_RC_INVALID_PHYSICAL_ADDRESS] = "invalid physical address",
    [CXL_RC_INJECT_POISON_LIMIT] = "inject poison limit reached",
    [CXL_RC_PERMANENT_MEDIA_FAILURE] = "permanent media failure",
    [CXL_RC_ABORTED] = "aborted",
    [CXL_RC_INVALID_SECURITY_STATE] = "invalid security state",
    [CXL_RC_INCORRECT_PASSPHRASE] = "incorrect passphrase",
    [CXL_RC_UNSUPPORTED_MAILBOX] = "unsupported mailbox",
    [CXL_RC_INVALID_PAYLOAD_LENGTH] = "invalid payload length",
    [CXL_RC_INVALID_LOG] = "invalid log",
    [CXL_RC_INTERRUPTED] = "interrupted",
    [CXL_RC_UNSUPPORTED_FEATURE_VERSION] = "unsupported feature version",
    [CXL_RC_UNSUPPORTED_FEATURE_SELECTION] = "unsupported feature selection value",
    [CXL_RC_FEATURE_TRANSFER_IN_PROGRESS] = "feature transfer in progress",
    [CXL_RC_FEATURE_TRANSFER_OUT_OF_ORDER] = "feature transfer out of order",
    [CXL_RC_RESOURCES_EXHAUSTED] = "resources exhausted",
    [CXL_RC_INVALID_EXTENT_LIST] = "invalid extent list",
};

const char *cxl_cci_retcode_name(CXLRetCode rc)
{
    if (rc < ARRAY_SIZE(retcode_names) && retcode_names[rc]) {
        return retcode_names[rc];
    }
    return "unknown";
}

/* ---- background operations ---- */

static int64_t now_ns(void)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

static void bg_finish(CXLCCI *cci, CXLRetCode rc)
{
    cci->bg.running = false;
    cci->bg.percent = 100;
    cci->bg.ret = rc;
    timer_del(cci->bg.timer);
    trace_cxl_cci_bg_done(cci->name, cci->bg.opcode, rc);
    if (cci->bg_notify) {
        cci->bg_notify(cci, cci->bg_notify_opaque);
    }
}

static void bg_timer_cb(void *opaque)
{
    CXLCCI *cci = opaque;
    CXLRetCode rc;

    if (!cci->bg.running) {
        return;
    }
    rc = cci->bg.complete ? cci->bg.complete(cci) : CXL_RC_SUCCESS;
    if (rc == CXL_RC_BACKGROUND) {
        /* not done yet: ask again after another period */
        timer_mod(cci->bg.timer, now_ns() + cci->bg.duration_ns);
        return;
    }
    bg_finish(cci, rc);
}

void cxl_cci_bg_start(CXLCCI *cci, uint16_t opcode, uint64_t duration_ms,
                      CXLCCIBgComplete complete, CXLCCIBgAbort abort)
{
    cci->bg.running = true;
    cci->bg.opcode = opcode;
    cci->bg.percent = 0;
    cci->bg.ret = CXL_RC_SUCCESS;
    cci->bg.start_ns = now_ns();
    cci->bg.duration_ns = duration_ms * SCALE_MS;
    cci->bg.complete = complete;
    cci->bg.abort = abort;
    timer_mod(cci->bg.timer, cci->bg.start_ns + cci->bg.duration_ns);
    trace_cxl_cci_bg_start(cci->name, opcode, duration_ms);
}

bool cxl_cci_bg_running(CXLCCI *cci)
{
    return cci->bg.running;
}

uint8_t cxl_cci_bg_percent(CXLCCI *cci)
{
    if (cci->bg.running) {
        int64_t done = now_ns() - cci->bg.start_ns;

        /* 100 only once complete() has run */
        cci->bg.percent = cci->bg.duration_ns <= 0 ? 99 :
            MIN(99, MAX(0, done) * 100 / cci->bg.duration_ns);
    }
    return cci->bg.percent;
}

uint16_t cxl_cci_bg_opcode(CXLCCI *cci)
{
    return cci->bg.opcode;
}

uint16_t cxl_cci_bg_retcode(CXLCCI *cci)
{
    return cci->bg.running ? 0 : cci->bg.ret;
}

/* ---- timestamp ---- */

uint64_t cxl_cci_timestamp(CXLCCI *cci)
{
    if (!cci->timestamp_set) {
        return 0;
    }
    return cci->timestamp + (now_ns() - cci->timestamp_at_ns);
}

/* ---- generic commands ---- */

static CXLRetCode cmd_identify(CXLCCI *cci, const uint8_t *in, size_t in_len,
                               uint8_t *out, size_t *out_len)
{
    CXLIdentifyOut *o = (CXLIdentifyOut *)out;

    o->vendor_id = cpu_to_le16(cci->vendor_id);
    o->device_id = cpu_to_le16(cci->device_id);
    o->subsys_vendor_id = cpu_to_le16(cci->subsys_vendor_id);
    o->subsys_id = cpu_to_le16(cci->subsys_id);
    o->serial = cpu_to_le64(cci->serial);
    o->max_message_size = ctz64(cci->payload_max);
    o->component_type = cci->component_type;
    *out_len = sizeof(*o);
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_bg_status(CXLCCI *cci, const uint8_t *in, size_t in_len,
                                uint8_t *out, size_t *out_len)
{
    CXLBgOpStatusOut *o = (CXLBgOpStatusOut *)out;
    uint8_t status = 0;

    status = FIELD_DP8(status, BG_STATUS, RUNNING, cci->bg.running);
    status = FIELD_DP8(status, BG_STATUS, PERCENT, cxl_cci_bg_percent(cci));
    *o = (CXLBgOpStatusOut) {
        .status = status,
        .opcode = cpu_to_le16(cci->bg.opcode),
        .return_code = cpu_to_le16(cxl_cci_bg_retcode(cci)),
        .vendor_status = 0,
    };
    *out_len = sizeof(*o);
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_abort_bg(CXLCCI *cci, const uint8_t *in, size_t in_len,
                               uint8_t *out, size_t *out_len)
{
    const CXLCCICommand *cmd;

    if (!cci->bg.running) {
        return CXL_RC_SUCCESS;
    }
    cmd = cxl_cci_find(cci, cci->bg.opcode);
    if (!cmd || !(cmd->effects & CXL_CEL_ABORT_SUPPORTED)) {
        /* this operation cannot be aborted: it runs to completion */
        return CXL_RC_BUSY;
    }
    if (cci->bg.abort) {
        cci->bg.abort(cci);
    }
    cxl_cci_bg_percent(cci);
    bg_finish(cci, CXL_RC_ABORTED);
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_get_timestamp(CXLCCI *cci, const uint8_t *in,
                                    size_t in_len, uint8_t *out,
                                    size_t *out_len)
{
    CXLTimestamp *o = (CXLTimestamp *)out;

    o->timestamp = cpu_to_le64(cxl_cci_timestamp(cci));
    *out_len = sizeof(*o);
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_set_timestamp(CXLCCI *cci, const uint8_t *in,
                                    size_t in_len, uint8_t *out,
                                    size_t *out_len)
{
    const CXLTimestamp *i = (const CXLTimestamp *)in;

    cci->timestamp = le64_to_cpu(i->timestamp);
    cci->timestamp_at_ns = now_ns();
    cci->timestamp_set = true;
    return CXL_RC_SUCCESS;
}

static uint32_t cel_size(CXLCCI *cci)
{
    return cci->cel_len;
}

static void cel_read(CXLCCI *cci, uint32_t offset, uint32_t len, uint8_t *out)
{
    memcpy(out, cci->cel + offset, len);
}

static const CXLCCILog *find_log(CXLCCI *cci, const uint8_t *uuid)
{
    for (unsigned i = 0; i < cci->nr_logs; i++) {
        if (!memcmp(cci->logs[i].uuid, uuid, 16)) {
            return &cci->logs[i];
        }
    }
    return NULL;
}

static CXLRetCode cmd_get_supported_logs(CXLCCI *cci, const uint8_t *in,
                                         size_t in_len, uint8_t *out,
                                         size_t *out_len)
{
    CXLGetSupportedLogsOut *o = (CXLGetSupportedLogsOut *)out;

    memset(o, 0, sizeof(*o));
    o->entries = cpu_to_le16(cci->nr_logs);
    for (unsigned i = 0; i < cci->nr_logs; i++) {
        memcpy(o->entry[i].uuid, cci->logs[i].uuid, CXL_UUID_LEN);
        o->entry[i].size = cpu_to_le32(cci->logs[i].size(cci));
    }
    *out_len = sizeof(*o) + sizeof(o->entry[0]) * cci->nr_logs;
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_get_log(CXLCCI *cci, const uint8_t *in, size_t in_len,
                              uint8_t *out, size_t *out_len)
{
    const CXLGetLogIn *i = (const CXLGetLogIn *)in;
    const CXLCCILog *log = find_log(cci, i->uuid);
    uint32_t offset = le32_to_cpu(i->offset);
    uint32_t len = le32_to_cpu(i->length);
    uint32_t size;

    if (!log) {
        return CXL_RC_INVALID_LOG;
    }
    size = log->size(cci);
    if (len > cci->payload_max || offset > size) {
        return CXL_RC_INVALID_INPUT;
    }
    /* a read past the end returns the bytes the log has */
    len = MIN(len, size - offset);
    log->read(cci, offset, len, out);
    *out_len = len;
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_get_log_caps(CXLCCI *cci, const uint8_t *in,
                                   size_t in_len, uint8_t *out,
                                   size_t *out_len)
{
    const CXLGetLogCapsIn *i = (const CXLGetLogCapsIn *)in;
    CXLGetLogCapsOut *o = (CXLGetLogCapsOut *)out;

    if (!find_log(cci, i->uuid)) {
        return CXL_RC_INVALID_LOG;
    }
    /* no clear, no populate, not persistent across cold reset */
    o->caps = cpu_to_le32(0);
    *out_len = sizeof(*o);
    return CXL_RC_SUCCESS;
}

const CXLCCICommand cxl_cci_generic_commands[] = {
    { CXL_OP_IDENTIFY, "Identify", cmd_identify, CXL_CCI_IN_EXACT, 0, 0 },
    { CXL_OP_BG_OP_STATUS, "Background Operation Status", cmd_bg_status,
      CXL_CCI_IN_EXACT, 0, 0 },
    { CXL_OP_REQUEST_ABORT_BG_OP, "Request Abort Background Operation",
      cmd_abort_bg, CXL_CCI_IN_EXACT, 0, 0 },
    { CXL_OP_GET_TIMESTAMP, "Get Timestamp", cmd_get_timestamp,
      CXL_CCI_IN_EXACT, 0, 0 },
    { CXL_OP_SET_TIMESTAMP, "Set Timestamp", cmd_set_timestamp,
      CXL_CCI_IN_EXACT, sizeof(CXLTimestamp), CXL_CEL_IMMEDIATE_POLICY_CHANGE },
    { CXL_OP_GET_SUPPORTED_LOGS, "Get Supported Logs", cmd_get_supported_logs,
      CXL_CCI_IN_EXACT, 0, 0 },
    { CXL_OP_GET_LOG, "Get Log", cmd_get_log, CXL_CCI_IN_EXACT,
      sizeof(CXLGetLogIn), 0 },
    { CXL_OP_GET_LOG_CAPS, "Get Log Capabilities", cmd_get_log_caps,
      CXL_CCI_IN_EXACT, sizeof(CXLGetLogCapsIn), 0 },
};
const size_t cxl_cci_generic_commands_len = ARRAY_SIZE(cxl_cci_generic_commands);

/* ---- engine ---- */

void cxl_cci_init(CXLCCI *cci, Object *owner, const char *name,
                  void *opaque, size_t payload_max)
{
    assert(is_power_of_2(payload_max) && payload_max >= CXL_CCI_PAYLOAD_MIN &&
           payload_max <= CXL_CCI_PAYLOAD_MAX);
    memset(cci, 0, sizeof(*cci));
    cci->owner = owner;
    cci->name = name;
    cci->opaque = opaque;
    cci->payload_max = payload_max;
    cci->bg.percent = 100;
    cci->bg.timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, bg_timer_cb, cci);
    cxl_cci_add_commands(cci, cxl_cci_generic_commands,
                         cxl_cci_generic_commands_len);
    memcpy(cci->logs[0].uuid, cel_uuid, 16);
    cci->logs[0].size = cel_size;
    cci->logs[0].read = cel_read;
    cci->nr_logs = 1;
}

void cxl_cci_add_commands(CXLCCI *cci, const CXLCCICommand *cmds, size_t n)
{
    assert(cci->nr_sets < CXL_CCI_MAX_SETS && !cci->cel);
    cci->sets[cci->nr_sets] = cmds;
    cci->set_len[cci->nr_sets++] = n;
}

void cxl_cci_add_log(CXLCCI *cci, const CXLCCILog *log)
{
    assert(cci->nr_logs < CXL_CCI_MAX_LOGS && log->size && log->read);
    cci->logs[cci->nr_logs++] = *log;
}

const CXLCCICommand *cxl_cci_find(CXLCCI *cci, uint16_t opcode)
{
    for (unsigned s = 0; s < cci->nr_sets; s++) {
        for (size_t i = 0; i < cci->set_len[s]; i++) {
            if (cci->sets[s][i].opcode == opcode) {
                return &cci->sets[s][i];
            }
        }
    }
    return NULL;
}

void cxl_cci_finalize(CXLCCI *cci)
{
    size_t n = 0, k = 0;
    CXLCELEntry *cel;

    for (unsigned s = 0; s < cci->nr_sets; s++) {
        n += cci->set_len[s];
    }
    cel = g_new0(CXLCELEntry, n);
    for (unsigned s = 0; s < cci->nr_sets; s++) {
        for (size_t i = 0; i < cci->set_len[s]; i++) {
            const CXLCCICommand *c = &cci->sets[s][i];

            /* one table entry per opcode across all sets */
            assert(cxl_cci_find(cci, c->opcode) == c);
            cel[k].opcode = cpu_to_le16(c->opcode);
            cel[k].effects = cpu_to_le16(c->effects);
            k++;
        }
    }
    cci->cel = (uint8_t *)cel;
    cci->cel_len = k * sizeof(CXLCELEntry);
    /* the CEL never exceeds one payload: Linux reads it in one go */
    assert(cci->cel_len <= cci->payload_max);
}

void cxl_cci_cleanup(CXLCCI *cci)
{
    g_free(cci->cel);
    cci->cel = NULL;
    if (cci->bg.timer) {
        timer_free(cci->bg.timer);
        cci->bg.timer = NULL;
    }
}

void cxl_cci_reset(CXLCCI *cci)
{
    if (cci->bg.running) {
        if (cci->bg.abort) {
            cci->bg.abort(cci);
        }
        timer_del(cci->bg.timer);
        cci->bg.running = false;
    }
    cci->bg.opcode = 0;
    cci->bg.percent = 100;
    cci->bg.ret = CXL_RC_SUCCESS;
    cci->timestamp_set = false;
}

bool cxl_cci_check_payload_size(uint32_t size, const char *dev, Error **errp)
{
    if (!is_power_of_2(size) || size < CXL_CCI_PAYLOAD_MIN ||
        size > CXL_CCI_PAYLOAD_MAX) {
        error_setg(errp, "%s: mailbox-payload-size must be a power of two "
                   "from 256 to 1048576 (got %" PRIu32 ")", dev, size);
        return false;
    }
    return true;
}

void cxl_cci_set_pci_identity(CXLCCI *cci, PCIDevice *d)
{
    cci->vendor_id = pci_get_word(d->config + PCI_VENDOR_ID);
    cci->device_id = pci_get_word(d->config + PCI_DEVICE_ID);
    cci->subsys_vendor_id = pci_get_word(d->config + PCI_SUBSYSTEM_VENDOR_ID);
    cci->subsys_id = pci_get_word(d->config + PCI_SUBSYSTEM_ID);
}

/*
 * The input length rule @cmd's @in_len breaks, or NULL if it is a length
 * the command takes.
 */
static const char *in_len_rule_broken(CXLCCI *cci, const CXLCCICommand *cmd,
                                      size_t in_len)
{
    if (in_len > cci->payload_max) {
        return "longer than the mailbox payload";
    }
    if (cmd->in_rule == CXL_CCI_IN_EXACT && in_len != cmd->in_len) {
        return "length must be exactly";
    }
    if (cmd->in_rule == CXL_CCI_IN_MIN && in_len < cmd->in_len) {
        return "length must be at least";
    }
    return NULL;
}

CXLRetCode cxl_cci_execute(CXLCCI *cci, uint16_t opcode, const uint8_t *in,
                           size_t in_len, uint8_t *out, size_t *out_len)
{
    const CXLCCICommand *cmd = cxl_cci_find(cci, opcode);
    const char *broken = cmd ? in_len_rule_broken(cci, cmd, in_len) : NULL;
    CXLRetCode rc;

    *out_len = 0;
    if (!cmd) {
        rc = CXL_RC_UNSUPPORTED;
    } else if (broken) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: %s (%04xh): malformed payload: "
                      "%zu bytes, %s %zu\n", cci->name, cmd->name, opcode,
                      in_len, broken,
                      in_len > cci->payload_max ? cci->payload_max :
                      (size_t)cmd->in_len);
        rc = CXL_RC_INVALID_PAYLOAD_LENGTH;
    } else if ((cmd->flags & CXL_CCI_F_MEDIA) && cci->media_disabled) {
        rc = CXL_RC_MEDIA_DISABLED;
    } else if ((cmd->flags & CXL_CCI_F_MEDIA) && cci->media_locked) {
        rc = CXL_RC_INVALID_SECURITY_STATE;
    } else if ((cmd->effects & CXL_CEL_BACKGROUND_OP) && cci->bg.running) {
        /* one background operation at a time */
        rc = CXL_RC_BUSY;
    } else {
        rc = cmd->handler(cci, in, in_len, out, out_len);
        assert(*out_len <= cci->payload_max);
        assert(rc != CXL_RC_BACKGROUND || cci->bg.running);
        if (rc == CXL_RC_INVALID_PAYLOAD_LENGTH) {
            qemu_log_mask(LOG_GUEST_ERROR, "%s: %s (%04xh): malformed "
                          "payload: %zu bytes do not match the length its "
                          "own fields give\n", cci->name, cmd->name, opcode,
                          in_len);
        }
        if (rc != CXL_RC_SUCCESS && rc != CXL_RC_BACKGROUND) {
            *out_len = 0;
        }
    }
    trace_cxl_cci_command(cci->name, opcode, cmd ? cmd->name : "unknown",
                          in_len, rc, *out_len);
    return rc;
}

/* ---- CCI messages (see cxl-cci.h) ---- */

CXLRetCode cxl_cci_msg_execute(CXLCCI *cci, const uint8_t *req,
                               size_t req_len, uint8_t *rsp, size_t rsp_size,
                               size_t *rsp_len)
{
    const CXLCCIMsgHeader *rq = (const CXLCCIMsgHeader *)req;
    CXLCCIMsgHeader *rs = (CXLCCIMsgHeader *)rsp;
    g_autofree uint8_t *out = NULL;
    size_t out_len = 0, in_len;
    uint16_t opcode;
    uint8_t tag;
    CXLRetCode rc;

    QEMU_BUILD_BUG_ON(sizeof(CXLCCIMsgHeader) != CXL_CCI_MSG_HDR_LEN);
    assert(rsp_size >= CXL_CCI_MSG_HDR_LEN);
    *rsp_len = 0;
    if (req_len < CXL_CCI_MSG_HDR_LEN) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: CCI message of %zu bytes: "
                      "shorter than its header\n", cci->name, req_len);
        trace_cxl_cci_msg_refused(cci->name, req_len, "short");
        return CXL_RC_INVALID_PAYLOAD_LENGTH;
    }
    if ((rq->category & CXL_CCI_MSG_CATEGORY_MASK) != CXL_CCI_MSG_REQUEST) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: CCI message category %u: not a "
                      "request\n", cci->name,
                      rq->category & CXL_CCI_MSG_CATEGORY_MASK);
        trace_cxl_cci_msg_refused(cci->name, req_len, "not a request");
        return CXL_RC_INVALID_INPUT;
    }
    opcode = le16_to_cpu(rq->opcode);
    tag = rq->tag;
    in_len = cxl_ld24_le(rq->payload_len) & CXL_CCI_MSG_LEN_MASK;
    if (in_len != req_len - CXL_CCI_MSG_HDR_LEN) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: CCI message for command %04xh: "
                      "its payload length says %zu bytes, it has %zu\n",
                      cci->name, opcode, in_len,
                      req_len - CXL_CCI_MSG_HDR_LEN);
        rc = CXL_RC_INVALID_PAYLOAD_LENGTH;
    } else {
        out = g_malloc0(cci->payload_max);
        rc = cxl_cci_execute(cci, opcode, rq->payload, in_len, out,
                             &out_len);
        if (out_len > rsp_size - CXL_CCI_MSG_HDR_LEN) {
            qemu_log_mask(LOG_GUEST_ERROR, "%s: command %04xh: its %zu "
                          "bytes of output do not fit in the %zu bytes of "
                          "the response message\n", cci->name, opcode,
                          out_len, rsp_size);
            trace_cxl_cci_msg_refused(cci->name, req_len, "output too long");
            return CXL_RC_INVALID_PAYLOAD_LENGTH;
        }
    }
    memset(rs, 0, sizeof(*rs));
    rs->category = CXL_CCI_MSG_RESPONSE;
    rs->tag = tag;
    rs->opcode = cpu_to_le16(opcode);
    st24_le_p(rs->payload_len, out_len |
              (rc == CXL_RC_BACKGROUND ? CXL_CCI_MSG_BO : 0));
    rs->return_code = cpu_to_le16(rc);
    if (out_len) {
        memcpy(rs->payload, out, out_len);
    }
    *rsp_len = CXL_CCI_MSG_HDR_LEN + out_len;
    trace_cxl_cci_msg(cci->name, tag, opcode, in_len, rc, out_len);
    return CXL_RC_SUCCESS;
}

bool cxl_cci_tunnel_size_ok(CXLCCI *cci, const uint8_t *in, size_t in_len)
{
    const CXLTunnelIn *i = (const CXLTunnelIn *)in;
    size_t size = le16_to_cpu(i->command_size);

    if (size != in_len - sizeof(*i) || size < CXL_CCI_MSG_HDR_LEN) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: Tunnel Management Command: "
                      "command size %zu, %zu bytes after the header\n",
                      cci->name, size, in_len - sizeof(*i));
        return false;
    }
    return true;
}

CXLRetCode cxl_cci_tunnel_forward(CXLCCI *cci, CXLCCI *target,
                                  const uint8_t *in, uint8_t *out,
                                  size_t *out_len)
{
    const CXLTunnelIn *i = (const CXLTunnelIn *)in;
    CXLTunnelOut *o = (CXLTunnelOut *)out;
    size_t rsp_len;
    CXLRetCode rc;

    rc = cxl_cci_msg_execute(target, i->message,
                             le16_to_cpu(i->command_size), o->message,
                             MIN(cci->payload_max - sizeof(*o), UINT16_MAX),
                             &rsp_len);
    if (rc != CXL_RC_SUCCESS) {
        return rc;
    }
    o->response_length = cpu_to_le16(rsp_len);
    o->rsvd = 0;
    *out_len = sizeof(*o) + rsp_len;
    return CXL_RC_SUCCESS;
}

