/*
 * Media Operations (opcode 4402h) for cxl-type3: Sanitize and Zero over
 * ranges of device physical addresses, and their discovery.
 *
 * Linux 7.3 (our oracle) does not send this command and its headers do
 * not describe it, so the payload layout below is from memory of CXL r3.2
 * 8.2.10.9.5.3, not checked against the specification text. It was
 * cross-checked as a black box against another implementation, upstream
 * QEMU 11.1.3's cxl-type3 (Debian's binary; its source was not read):
 * the same raw mailbox commands, sent by a Linux guest to both, found
 * the same layout (header, Discovery input and output, 16-byte ranges
 * with lengths in bytes, a 64-byte granularity, exactly the ranges
 * written). Behaviour differs where the spec leaves room or is not known
 * to us (upstream: Discovery lists only Sanitize and Zero, a range
 * beyond the capacity is Invalid Input, range count 0 and trailing
 * payload bytes are accepted; ours as below). Both answer an unknown
 * class or subclass with Unsupported, as our Perform Maintenance does
 * (ours said Invalid Input before the cross-check). The replies of both are recorded in the project's
 * tests/data/upstream-11.1/media-ops.txt.
 *
 *  in:  class (1), subclass (1), reserved (2), DPA range count (4), then
 *       - for class 0 (General), subclass 0 (Discovery): start index (2),
 *         number of operations to return (2); the range count must be 0;
 *       - for class 1 (Sanitize), subclass 0 (Sanitize) or 1 (Zero): the
 *         DPA ranges, each a starting DPA (8) and a length in bytes (8),
 *         both multiples of the DPA range granularity.
 *  out (Discovery only): DPA range granularity in bytes (8), total number
 *       of supported operations (2), number returned (2), then one entry
 *       per operation: class (1), subclass (1).
 * (CXLMediaOpsIn, CXLMediaOpsDiscoveryIn, CXLMediaOpsRange and
 * CXLMediaOpsDiscoveryOut in cxl-mailbox.h.)
 *
 * Behaviour (the parts the spec leaves to the device are our choices, as
 * documented in docs/system/devices/cxl.rst):
 *  - the granularity is CXL_TYPE3_MEDIA_OP_GRANULE (64 bytes, a cache
 *    line, the poison granule); the operations listed are Discovery,
 *    Sanitize and Zero;
 *  - the payload length must be exactly what the class needs (12 bytes
 *    for Discovery, 8 + 16 x count for the Sanitize class; count 0 is
 *    invalid input): Invalid Payload Length otherwise;
 *  - a range that is empty or misaligned is Invalid Input, one beyond
 *    the capacity (dynamic capacity included) Invalid Physical Address,
 *    unknown class or subclass Unsupported;
 *  - dynamic capacity (cxl-type3-dc.c) only in extents the host accepted:
 *    a range with DC DPA outside them is Invalid Physical Address (the
 *    host addresses only capacity allocated to it, as for Inject Poison);
 *  - a range overlapping the static DPA of a committed HDM decoder is
 *    refused with Busy: the host has it mapped (as whole-device Sanitize
 *    is refused while any decoder is committed); ranges elsewhere can be
 *    sanitized while other regions are in use. Accepted dynamic capacity
 *    is not busy under a committed decoder: the host accepted it and
 *    manages its use per extent;
 *  - with a user passphrase set the Sanitize class is refused with
 *    Invalid Security State, as Sanitize is; while locked the engine
 *    returns Invalid Security State (CXL_CCI_F_MEDIA);
 *  - Sanitize and Zero are background operations of the sanitize-ms
 *    property's duration; the ranges are overwritten with zeros and
 *    their poison forgotten when the operation starts (as Sanitize does,
 *    so nothing survives QEMU dying meanwhile). Sanitize disables the
 *    media until it completes, as whole-device Sanitize does; Zero leaves
 *    the media enabled. Neither can be aborted (Request Abort returns
 *    Busy);
 *  - the engine serializes by opcode: while another background operation
 *    runs every Media Operations request, Discovery included, gets Busy,
 *    and while the media is disabled (Sanitize) Media Disabled.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/module.h"
#include "hw/cxl/cxl-mailbox.h"
#include "hw/cxl/cxl-type3.h"
#include "hw/cxl/cxl-hdm.h"
#include "trace.h"

#define CLASS_GENERAL           0
#define   SUBCLASS_DISCOVERY    0
#define CLASS_SANITIZE          1
#define   SUBCLASS_SANITIZE     0
#define   SUBCLASS_ZERO         1

static const CXLMediaOpsEntry supported[] = {
    { CLASS_GENERAL, SUBCLASS_DISCOVERY },
    { CLASS_SANITIZE, SUBCLASS_SANITIZE },
    { CLASS_SANITIZE, SUBCLASS_ZERO },
};

static CXLRetCode discovery(CXLCCI *cci, const uint8_t *in, size_t in_len,
                            uint8_t *out, size_t *out_len)
{
    const CXLMediaOpsDiscoveryIn *i = (const CXLMediaOpsDiscoveryIn *)in;
    CXLMediaOpsDiscoveryOut *o = (CXLMediaOpsDiscoveryOut *)out;
    uint16_t start, count;
    size_t room = (cci->payload_max - sizeof(*o)) / sizeof(o->entry[0]);

    if (in_len != sizeof(*i)) {
        return CXL_RC_INVALID_PAYLOAD_LENGTH;
    }
    if (le32_to_cpu(i->hdr.dpa_range_count)) {
        return CXL_RC_INVALID_INPUT;
    }
    start = le16_to_cpu(i->start_index);
    count = le16_to_cpu(i->num_ops);
    if (start > ARRAY_SIZE(supported)) {
        return CXL_RC_INVALID_INPUT;
    }
    count = MIN(MIN(count, ARRAY_SIZE(supported) - start), room);
    o->granularity = cpu_to_le64(CXL_TYPE3_MEDIA_OP_GRANULE);
    o->total_ops = cpu_to_le16(ARRAY_SIZE(supported));
    o->num_ops = cpu_to_le16(count);
    for (unsigned e = 0; e < count; e++) {
        o->entry[e] = supported[start + e];
    }
    *out_len = sizeof(*o) + count * sizeof(o->entry[0]);
    return CXL_RC_SUCCESS;
}

/*
 * Whether the static capacity of [@dpa, @dpa + @len) overlaps the DPA of
 * a committed decoder. Dynamic capacity is left out: there the host's
 * access is per extent (the range is in accepted extents, checked
 * before), and the decoder over the DC partition stays committed while
 * extents come and go, so it does not make a range busy.
 */
static bool range_mapped(CXLType3Dev *ct3, uint64_t dpa, uint64_t len)
{
    CXLHDMDecoderSet *s = &ct3->comp.hdm;
    uint64_t dc_base = cxl_type3_dc_base(ct3);

    if (dpa >= dc_base) {
        return false;
    }
    len = MIN(len, dc_base - dpa);
    for (unsigned i = 0; i < ct3->nr_decoders; i++) {
        uint64_t base, size;

        if (!s->dec[i].committed) {
            continue;
        }
        base = cxl_hdm_dpa_base(s, i);
        size = cxl_hdm_dpa_len(s, i);
        if (dpa < base + size && base < dpa + len) {
            return true;
        }
    }
    return false;
}

static CXLRetCode check_ranges(CXLType3Dev *ct3,
                               const CXLMediaOpsRange *ranges, uint32_t count)
{
    uint64_t cap = cxl_type3_dpa_size(ct3);

    for (uint32_t i = 0; i < count; i++) {
        uint64_t dpa = le64_to_cpu(ranges[i].dpa);
        uint64_t len = le64_to_cpu(ranges[i].length);

        if (!len || dpa % CXL_TYPE3_MEDIA_OP_GRANULE ||
            len % CXL_TYPE3_MEDIA_OP_GRANULE) {
            return CXL_RC_INVALID_INPUT;
        }
        if (dpa >= cap || len > cap - dpa) {
            return CXL_RC_INVALID_PHYSICAL_ADDRESS;
        }
        if (!cxl_type3_dpa_host_owned(ct3, dpa, len)) {
            trace_cxl_type3_media_op_refused(dpa, len, "dynamic capacity "
                                             "the host has not accepted");
            return CXL_RC_INVALID_PHYSICAL_ADDRESS;
        }
        if (range_mapped(ct3, dpa, len)) {
            trace_cxl_type3_media_op_refused(dpa, len,
                                             "a committed decoder maps it");
            return CXL_RC_BUSY;
        }
    }
    return CXL_RC_SUCCESS;
}

static CXLRetCode sanitize_complete(CXLCCI *cci)
{
    cxl_type3_media_set_disabled(ct3_of(cci), false);
    return CXL_RC_SUCCESS;
}

/* A reset while it runs: the ranges were overwritten at the start */
static void sanitize_abort(CXLCCI *cci)
{
    cxl_type3_media_set_disabled(ct3_of(cci), false);
}

static CXLRetCode zero_complete(CXLCCI *cci)
{
    return CXL_RC_SUCCESS;
}

static CXLRetCode sanitize_class(CXLCCI *cci, uint8_t subclass,
                                 const uint8_t *in, size_t in_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);
    const CXLMediaOpsIn *hdr = (const CXLMediaOpsIn *)in;
    uint32_t count = le32_to_cpu(hdr->dpa_range_count);
    const CXLMediaOpsRange *ranges = (const CXLMediaOpsRange *)(hdr + 1);
    CXLRetCode rc;

    if (in_len != sizeof(*hdr) + (uint64_t)count * sizeof(*ranges)) {
        return CXL_RC_INVALID_PAYLOAD_LENGTH;
    }
    if (subclass != SUBCLASS_SANITIZE && subclass != SUBCLASS_ZERO) {
        return CXL_RC_UNSUPPORTED;
    }
    if (!count) {
        return CXL_RC_INVALID_INPUT;
    }
    rc = check_ranges(ct3, ranges, count);
    if (rc) {
        return rc;
    }
    if (cxl_type3_security_user_pass_set(ct3)) {
        trace_cxl_type3_media_op_refused(0, 0, "a passphrase is set");
        return CXL_RC_INVALID_SECURITY_STATE;
    }
    if (subclass == SUBCLASS_SANITIZE) {
        cxl_type3_media_set_disabled(ct3, true);
    }
    for (uint32_t i = 0; i < count; i++) {
        uint64_t dpa = le64_to_cpu(ranges[i].dpa);
        uint64_t len = le64_to_cpu(ranges[i].length);
        uint64_t written = cxl_type3_zero_dpa(ct3, dpa, len);

        cxl_type3_poison_clear_range(ct3, dpa, len);
        trace_cxl_type3_media_op(subclass == SUBCLASS_SANITIZE ?
                                 "sanitize" : "zero", dpa, len, written);
    }
    if (subclass == SUBCLASS_SANITIZE) {
        cxl_cci_bg_start(cci, CXL_OP_MEDIA_OPERATIONS, ct3->sanitize_ms,
                         sanitize_complete, sanitize_abort);
    } else {
        cxl_cci_bg_start(cci, CXL_OP_MEDIA_OPERATIONS, ct3->sanitize_ms,
                         zero_complete, NULL);
    }
    return CXL_RC_BACKGROUND;
}

static CXLRetCode cmd_media_operations(CXLCCI *cci, const uint8_t *in,
                                       size_t in_len, uint8_t *out,
                                       size_t *out_len)
{
    const CXLMediaOpsIn *hdr = (const CXLMediaOpsIn *)in;

    switch (hdr->op_class) {
    case CLASS_GENERAL:
        if (hdr->op_subclass != SUBCLASS_DISCOVERY) {
            return CXL_RC_UNSUPPORTED;
        }
        return discovery(cci, in, in_len, out, out_len);
    case CLASS_SANITIZE:
        return sanitize_class(cci, hdr->op_subclass, in, in_len);
    default:
        return CXL_RC_UNSUPPORTED;
    }
}

const CXLCCICommand cxl_type3_media_ops_commands[] = {
    { CXL_OP_MEDIA_OPERATIONS, "Media Operations", cmd_media_operations,
      CXL_CCI_IN_MIN, sizeof(CXLMediaOpsIn),
      CXL_CEL_IMMEDIATE_DATA_CHANGE | CXL_CEL_BACKGROUND_OP,
      CXL_CCI_F_MEDIA },
};
const size_t cxl_type3_media_ops_commands_len =
    ARRAY_SIZE(cxl_type3_media_ops_commands);

/* ---- migration: running operations go on on the destination ---- */

static const CXLCCIBgOp media_ops_sanitize_op = {
    .name = "cxl-type3-media-sanitize",
    .complete = sanitize_complete,
    .abort = sanitize_abort,
};

static const CXLCCIBgOp media_ops_zero_op = {
    .name = "cxl-type3-media-zero",
    .complete = zero_complete,
};

static void media_ops_register_bg_ops(void)
{
    cxl_cci_bg_register(&media_ops_sanitize_op);
    cxl_cci_bg_register(&media_ops_zero_op);
}

type_init(media_ops_register_bg_ops)
