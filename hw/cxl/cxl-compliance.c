/*
 * CXL Compliance Mode over DOE (CXL r3.1 14.16; see
 * include/hw/cxl/cxl-compliance.h).
 *
 * Our components have no link, flits, caches or IDE to inject errors
 * into, and no CXL.cache to run the traffic algorithms on: they answer
 * Query Capabilities, Query Status and Halt All, and do the injections
 * their CXLComplianceOps model (a memory device's poison list, viral).
 * Every other request code, known or not, gets "unsupported injection
 * function"; Query Capabilities' bitmasks say the same, bit n standing
 * for request code n. Nothing an injection does stays "in effect" as a
 * mode (poison lands in the poison list, viral in the DVSEC's Viral
 * Status), so Query Status reports none and Halt All has nothing to stop:
 * the protocol keeps no state of its own.
 *
 * A request shorter than its code's layout is malformed: it is discarded,
 * as DOE discards what it cannot answer (no response; Linux's DOE driver
 * times out). A longer one is answered (the bytes past the layout are
 * ignored). Any version is answered with ours (CXL_COMPLIANCE_VERSION).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/log.h"
#include "hw/registerfields.h"
#include "hw/cxl/cxl-compliance.h"
#include "hw/cxl/cxl-dvsec.h"
#include "trace.h"

/* The DOE header's two DWORDs (PCIe r6.0 6.30.1) */
REG32(COMP_DOE_HDR1, 0)
    FIELD(COMP_DOE_HDR1, VENDOR, 0, 16)
    FIELD(COMP_DOE_HDR1, TYPE, 16, 8)
REG32(COMP_DOE_HDR2, 4)
    FIELD(COMP_DOE_HDR2, LENGTH, 0, 18)

/* ---- layouts ---- */

typedef struct CXLCompReqHeader {
    uint32_t doe[2];
    uint8_t code;                   /* CXLCompOption */
    uint8_t version;
    uint16_t reserved;
} QEMU_PACKED CXLCompReqHeader;
QEMU_BUILD_BUG_ON(sizeof(CXLCompReqHeader) != 0x0c);

typedef struct CXLCompRspHeader {
    uint32_t doe[2];
    uint8_t code;                   /* the request's */
    uint8_t version;
    uint8_t length;                 /* bytes, the DOE header included */
} QEMU_PACKED CXLCompRspHeader;
QEMU_BUILD_BUG_ON(sizeof(CXLCompRspHeader) != 0x0b);

/* 00h Query Capabilities: the header only */
typedef struct CXLCompCapsRsp {
    CXLCompRspHeader hdr;
    uint8_t status;
    uint64_t available;             /* bit n: request code n */
    uint64_t enabled;
} QEMU_PACKED CXLCompCapsRsp;
QEMU_BUILD_BUG_ON(sizeof(CXLCompCapsRsp) != 0x1c);

/* 01h Query Status: the header only */
typedef struct CXLCompStatusRsp {
    CXLCompRspHeader hdr;
    uint32_t in_effect;             /* bit n: request code n */
    uint16_t cache_size;
    uint8_t cache_size_units;
} QEMU_PACKED CXLCompStatusRsp;
QEMU_BUILD_BUG_ON(sizeof(CXLCompStatusRsp) != 0x12);

/* 02h and up: a status */
typedef struct CXLCompGenericRsp {
    CXLCompRspHeader hdr;
    uint8_t status;                 /* CXLCompStatus */
} QEMU_PACKED CXLCompGenericRsp;
QEMU_BUILD_BUG_ON(sizeof(CXLCompGenericRsp) != 0x0c);

/* The write streaming parameters algorithms 1a and 1b share */
typedef struct CXLCompWriteStream {
    uint8_t protocol;
    uint8_t virtual_address;
    uint8_t self_checking;
    uint8_t verify_read_semantics;
    uint8_t num_increments;
    uint8_t num_sets;
    uint8_t num_loops;
    uint8_t reserved;
    uint64_t start_address;
    uint64_t write_address;
    uint64_t writeback_address;
    uint64_t byte_mask;
    uint32_t address_increment;
    uint32_t set_offset;
    uint32_t pattern_p;
} QEMU_PACKED CXLCompWriteStream;
QEMU_BUILD_BUG_ON(sizeof(CXLCompWriteStream) != 0x34);

/* 03h Multiple Write Streaming (algorithm 1a) */
typedef struct CXLCompMultiWriteReq {
    CXLCompReqHeader hdr;
    CXLCompWriteStream ws;
    uint32_t increment_pattern_b;
} QEMU_PACKED CXLCompMultiWriteReq;
QEMU_BUILD_BUG_ON(sizeof(CXLCompMultiWriteReq) != 0x44);

/* 04h Producer-Consumer (algorithm 2) */
typedef struct CXLCompProducerConsumerReq {
    CXLCompReqHeader hdr;
    uint8_t protocol;
    uint8_t num_increments;
    uint8_t num_sets;
    uint8_t num_loops;
    uint8_t write_semantics;
    uint8_t reserved[3];
    uint64_t start_address;
    uint64_t byte_mask;
    uint32_t address_increment;
    uint32_t set_offset;
    uint32_t pattern;
} QEMU_PACKED CXLCompProducerConsumerReq;
QEMU_BUILD_BUG_ON(sizeof(CXLCompProducerConsumerReq) != 0x30);

/* 05h Multiple Write Streaming with Bogus Writes (algorithm 1b) */
typedef struct CXLCompBogusWritesReq {
    CXLCompReqHeader hdr;
    CXLCompWriteStream ws;
    uint8_t bogus_writes_count;
    uint8_t reserved[3];
    uint32_t bogus_writes_pattern;
} QEMU_PACKED CXLCompBogusWritesReq;
QEMU_BUILD_BUG_ON(sizeof(CXLCompBogusWritesReq) != 0x48);

/* 06h Inject Poison, 0Ch Inject Viral: a protocol (CXL_COMP_PROTOCOL_*) */
typedef struct CXLCompProtocolReq {
    CXLCompReqHeader hdr;
    uint8_t protocol;
} QEMU_PACKED CXLCompProtocolReq;
QEMU_BUILD_BUG_ON(sizeof(CXLCompProtocolReq) != 0x0d);

/* 07h Inject CRC */
typedef struct CXLCompInjectCRCReq {
    CXLCompReqHeader hdr;
    uint8_t num_bits_flipped;
    uint8_t num_flits_injected;
} QEMU_PACKED CXLCompInjectCRCReq;
QEMU_BUILD_BUG_ON(sizeof(CXLCompInjectCRCReq) != 0x0e);

/*
 * 08h Inject Flow Control (start/stop), 09h Toggle Cache Flush (cache
 * flush control), 0Dh Inject ALMP, 0Eh Ignore Received ALMP, 0Fh Inject
 * Bit Error in Flit (their opcode): one byte
 */
typedef struct CXLCompByteReq {
    CXLCompReqHeader hdr;
    uint8_t value;
} QEMU_PACKED CXLCompByteReq;
QEMU_BUILD_BUG_ON(sizeof(CXLCompByteReq) != 0x0d);

/* 0Ah Inject MAC Delay */
typedef struct CXLCompMACDelayReq {
    CXLCompReqHeader hdr;
    uint8_t enable;
    uint8_t mode;                   /* CXL_COMP_PROTOCOL_* */
    uint8_t delay;                  /* flits */
} QEMU_PACKED CXLCompMACDelayReq;
QEMU_BUILD_BUG_ON(sizeof(CXLCompMACDelayReq) != 0x0f);

/* 0Bh Insert Unexpected MAC */
typedef struct CXLCompUnexpectedMACReq {
    CXLCompReqHeader hdr;
    uint8_t enable;
    uint8_t mode;
} QEMU_PACKED CXLCompUnexpectedMACReq;
QEMU_BUILD_BUG_ON(sizeof(CXLCompUnexpectedMACReq) != 0x0e);

/* 10h Inject Memory Device Poison */
typedef struct CXLCompMemPoisonReq {
    CXLCompReqHeader hdr;
    uint8_t opcode;                 /* CXL_COMP_MEM_POISON_* */
    uint8_t reserved[3];
    uint64_t dpa;                   /* 64-byte aligned */
    uint8_t clear_data[CXL_COMP_MEM_POISON_LINE];   /* CLEAR only */
} QEMU_PACKED CXLCompMemPoisonReq;
QEMU_BUILD_BUG_ON(sizeof(CXLCompMemPoisonReq) != 0x58);
/* an inject needs no data: its request may end before it */
#define MEM_POISON_INJECT_LEN   offsetof(CXLCompMemPoisonReq, clear_data)

typedef union CXLCompReq {
    CXLCompReqHeader hdr;
    CXLCompMultiWriteReq multi_write;
    CXLCompProducerConsumerReq producer_consumer;
    CXLCompBogusWritesReq bogus_writes;
    CXLCompProtocolReq protocol;
    CXLCompInjectCRCReq crc;
    CXLCompByteReq byte;
    CXLCompMACDelayReq mac_delay;
    CXLCompUnexpectedMACReq unexpected_mac;
    CXLCompMemPoisonReq mem_poison;
    uint32_t dw[DIV_ROUND_UP(sizeof(CXLCompMemPoisonReq), 4)];
} CXLCompReq;
QEMU_BUILD_BUG_ON(sizeof(CXLCompReq) != sizeof(((CXLCompReq *)0)->dw));

typedef union CXLCompRsp {
    CXLCompRspHeader hdr;
    CXLCompCapsRsp caps;
    CXLCompStatusRsp status;
    CXLCompGenericRsp generic;
    uint32_t dw[DIV_ROUND_UP(sizeof(CXLCompCapsRsp), 4)];
} CXLCompRsp;
QEMU_BUILD_BUG_ON(sizeof(CXLCompRsp) != sizeof(((CXLCompRsp *)0)->dw));

/* Each request code's layout, and its name for the logs */
static const struct {
    const char *name;
    size_t len;
} options[CXL_COMP_NR_OPTIONS] = {
    [CXL_COMP_QUERY_CAPS] = {
        "Query Capabilities", sizeof(CXLCompReqHeader) },
    [CXL_COMP_QUERY_STATUS] = {
        "Query Status", sizeof(CXLCompReqHeader) },
    [CXL_COMP_HALT_ALL] = {
        "Halt All", sizeof(CXLCompReqHeader) },
    [CXL_COMP_MULTI_WRITE_STREAMING] = {
        "Multiple Write Streaming", sizeof(CXLCompMultiWriteReq) },
    [CXL_COMP_PRODUCER_CONSUMER] = {
        "Producer-Consumer", sizeof(CXLCompProducerConsumerReq) },
    [CXL_COMP_BOGUS_WRITES] = {
        "Bogus Writes", sizeof(CXLCompBogusWritesReq) },
    [CXL_COMP_INJECT_POISON] = {
        "Inject Poison", sizeof(CXLCompProtocolReq) },
    [CXL_COMP_INJECT_CRC] = {
        "Inject CRC", sizeof(CXLCompInjectCRCReq) },
    [CXL_COMP_INJECT_FLOW_CONTROL] = {
        "Inject Flow Control", sizeof(CXLCompByteReq) },
    [CXL_COMP_TOGGLE_CACHE_FLUSH] = {
        "Toggle Cache Flush", sizeof(CXLCompByteReq) },
    [CXL_COMP_INJECT_MAC_DELAY] = {
        "Inject MAC Delay", sizeof(CXLCompMACDelayReq) },
    [CXL_COMP_INSERT_UNEXPECTED_MAC] = {
        "Insert Unexpected MAC", sizeof(CXLCompUnexpectedMACReq) },
    [CXL_COMP_INJECT_VIRAL] = {
        "Inject Viral", sizeof(CXLCompProtocolReq) },
    [CXL_COMP_INJECT_ALMP] = {
        "Inject ALMP in Any State", sizeof(CXLCompByteReq) },
    [CXL_COMP_IGNORE_ALMP] = {
        "Ignore Received ALMP", sizeof(CXLCompByteReq) },
    [CXL_COMP_INJECT_BIT_ERROR] = {
        "Inject Bit Error in Flit", sizeof(CXLCompByteReq) },
    [CXL_COMP_INJECT_MEM_POISON] = {
        "Inject Memory Device Poison", MEM_POISON_INJECT_LEN },
};

uint64_t cxl_compliance_caps(const CXLComplianceOps *ops)
{
    uint64_t caps = BIT_ULL(CXL_COMP_QUERY_CAPS) |
                    BIT_ULL(CXL_COMP_QUERY_STATUS) |
                    BIT_ULL(CXL_COMP_HALT_ALL);

    if (ops && ops->mem_poison) {
        caps |= BIT_ULL(CXL_COMP_INJECT_MEM_POISON);
    }
    if (ops && ops->viral) {
        caps |= BIT_ULL(CXL_COMP_INJECT_VIRAL);
    }
    return caps;
}

static uint8_t comp_mem_poison(PCIDevice *d, const CXLComplianceOps *ops,
                               const CXLCompMemPoisonReq *req)
{
    uint64_t dpa = le64_to_cpu(req->dpa);

    switch (req->opcode) {
    case CXL_COMP_MEM_POISON_INJECT:
        return ops->mem_poison(d, req->opcode, dpa, NULL);
    case CXL_COMP_MEM_POISON_CLEAR:
        return ops->mem_poison(d, req->opcode, dpa, req->clear_data);
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "CXL Compliance DOE: Inject Memory "
                      "Device Poison: opcode %u unknown\n", req->opcode);
        return CXL_COMP_UNSUPPORTED;
    }
}

/* The bytes @req's layout has (a code we do not know: its header) */
static size_t req_layout_len(const CXLCompReq *req)
{
    uint8_t code = req->hdr.code;

    if (code == CXL_COMP_INJECT_MEM_POISON &&
        req->mem_poison.opcode == CXL_COMP_MEM_POISON_CLEAR) {
        return sizeof(req->mem_poison);     /* with the line's data */
    }
    return code < CXL_COMP_NR_OPTIONS ? options[code].len
                                      : sizeof(req->hdr);
}

static void rsp_header(CXLCompRspHeader *hdr, uint8_t code, size_t len)
{
    uint32_t hdr1 = FIELD_DP32(0, COMP_DOE_HDR1, VENDOR, CXL_VENDOR_ID);

    hdr1 = FIELD_DP32(hdr1, COMP_DOE_HDR1, TYPE, CXL_DOE_PROTOCOL_COMPLIANCE);
    hdr->doe[0] = cpu_to_le32(hdr1);
    hdr->doe[1] = cpu_to_le32(FIELD_DP32(0, COMP_DOE_HDR2, LENGTH,
                                         DIV_ROUND_UP(len, 4)));
    hdr->code = code;
    hdr->version = CXL_COMPLIANCE_VERSION;
    hdr->length = len;
}

bool cxl_compliance_respond(DOECap *doe, const CXLComplianceOps *ops)
{
    const uint32_t *mbox = pcie_doe_get_write_mbox_ptr(doe);
    /* pcie_doe called us with exactly this many DWORDs written */
    size_t len = (size_t)pcie_doe_get_obj_len((void *)mbox) * 4;
    CXLCompReq req = { };
    CXLCompRsp rsp = { };
    size_t rsp_len;
    uint64_t caps;
    uint8_t code, status;
    uint32_t rsp_dw[ARRAY_SIZE(rsp.dw)];

    /* the mailbox holds DWORDs in host order: the wire's bytes, LE */
    for (unsigned i = 0; i < MIN(len / 4, ARRAY_SIZE(req.dw)); i++) {
        req.dw[i] = cpu_to_le32(mbox[i]);
    }
    if (len < sizeof(req.hdr)) {
        trace_cxl_compliance_discard(len, -1);
        qemu_log_mask(LOG_GUEST_ERROR, "CXL Compliance DOE: request of %zu "
                      "bytes, shorter than its header (%zu): discarded\n",
                      len, sizeof(req.hdr));
        return false;
    }
    code = req.hdr.code;
    trace_cxl_compliance_request(code, req.hdr.version, len);
    if (len < req_layout_len(&req)) {
        trace_cxl_compliance_discard(len, code);
        qemu_log_mask(LOG_GUEST_ERROR, "CXL Compliance DOE: request %02xh "
                      "of %zu bytes, its layout has %zu: discarded\n",
                      code, len, req_layout_len(&req));
        return false;
    }

    caps = cxl_compliance_caps(ops);
    switch (code) {
    case CXL_COMP_QUERY_CAPS:
        rsp_len = sizeof(rsp.caps);
        rsp.caps.status = CXL_COMP_SUCCESS;
        /* all we have is usable: nothing is disabled */
        rsp.caps.available = cpu_to_le64(caps);
        rsp.caps.enabled = rsp.caps.available;
        status = CXL_COMP_SUCCESS;
        break;
    case CXL_COMP_QUERY_STATUS:
        /* nothing stays in effect; no cache (size 0) */
        rsp_len = sizeof(rsp.status);
        status = CXL_COMP_SUCCESS;
        break;
    case CXL_COMP_HALT_ALL:
        rsp_len = sizeof(rsp.generic);
        status = CXL_COMP_SUCCESS;          /* nothing runs */
        break;
    case CXL_COMP_INJECT_MEM_POISON:
        rsp_len = sizeof(rsp.generic);
        status = caps & BIT_ULL(code) ?
                 comp_mem_poison(doe->pdev, ops, &req.mem_poison) :
                 CXL_COMP_UNSUPPORTED;
        break;
    case CXL_COMP_INJECT_VIRAL:
        rsp_len = sizeof(rsp.generic);
        status = caps & BIT_ULL(code) ?
                 ops->viral(doe->pdev, req.protocol.protocol) :
                 CXL_COMP_UNSUPPORTED;
        break;
    default:
        /* no link, flits, cache, IDE or CXL.cache here; or a code unknown */
        rsp_len = sizeof(rsp.generic);
        status = CXL_COMP_UNSUPPORTED;
        break;
    }
    if (rsp_len == sizeof(rsp.generic)) {
        rsp.generic.status = status;
    }
    trace_cxl_compliance_response(code < CXL_COMP_NR_OPTIONS ?
                                  options[code].name : "unknown", code,
                                  status);

    rsp_header(&rsp.hdr, code, rsp_len);
    for (unsigned i = 0; i < DIV_ROUND_UP(rsp_len, 4); i++) {
        rsp_dw[i] = le32_to_cpu(rsp.dw[i]);
    }
    pcie_doe_set_rsp(doe, rsp_dw);
    return true;
}
