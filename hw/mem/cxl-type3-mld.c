/*
 * Multi-logical devices (MLD): cxl-type3 with num-lds=N, and its LD views
 * (cxl-type3-ld).
 *
 * An MLD is one device whose media is partitioned into N logical devices
 * (LDs), each bound through a switch to (at most) one host. In QEMU a PCI
 * device cannot move between buses, so every LD a host may see is
 * declared where the host sees it:
 *  - the cxl-type3 with num-lds=N sits on a switch downstream port (its
 *    physical port) and is, as a PCI function, the host view of LD 0. It
 *    owns the media (its volatile-memdev or persistent-memdev, exactly one
 *    of them; no dynamic capacity), the LD allocation table, and the
 *    FM-owned LD's CCI, the LD-FAM CCI (its fm_cci, cxl_type3_fm_cci():
 *    no mailbox registers; a switch's Tunnel Management Command to the
 *    physical port, or usb-cxl-mctp / cxl-mctp-chardev target=<id>,
 *    reach it);
 *  - a cxl-type3-ld,mld=<id>,ld-id=k (1 <= k < N) is LD k's host view: a
 *    full Type 3 endpoint (mailbox, HDM decoders, DVSECs, CDAT), below a
 *    vPPB (a cxl-downstream, normally of another VCS, bound=off) that a
 *    fabric manager binds to (the MLD's port, LD k).
 * Each view's capacity is its LD's allocation: a window of the media
 * (cxl_type3_set_window(): the DPA space, fast path and shadow see the
 * window only; Identify Memory Device, CDAT DSMAS and the DVSEC ranges
 * report its size). Allocations are multiples of 256 MiB, contiguous per
 * LD in LD order from the start of the media; by default the capacity is
 * split evenly with the remainder to LD 0 (the LD bound at boot on the
 * MLD's own port, so a host that only knows SLDs sees most of it).
 * Allocations change only while no host sees the LDs whose window moves:
 * Set LD Allocations returns Busy otherwise (the fabric manager unbinds
 * first). They are not kept across QEMU runs.
 *
 * The LD-FAM CCI serves the generic commands and the FM API MLD
 * Components command set (CXL r3.x 7.6.7.4), payloads in
 * include/hw/cxl/cxl-mld.h, all FROM MEMORY:
 *  5400h Get LD Info: media size, LD count, QoS telemetry capabilities.
 *  5401h Get LD Allocations, 5402h Set LD Allocations: range 1 of each
 *        entry is the LD's allocation in 256 MiB units; range 2 must be 0
 *        (one range per LD). Invalid Input: LD IDs out of range, an entry
 *        count of 0, a range 2, more than the capacity in total; Busy: an
 *        LD whose window would change is bound to a vPPB.
 *  5403h-5409h QoS: Get/Set QoS Control, Get QoS Status, Get/Set QoS
 *        Allocated BW, Get/Set QoS BW Limit. The state is kept and
 *        validated (percentages 1..100 with moderate <= severe, sample
 *        interval 0..15, known control bits; LD IDs in range) but nothing
 *        shapes traffic: the backpressure average is always 0.
 *  5300h Tunnel Management Command, target type 0: the request runs on
 *        LD port_or_ld's own CCI (the mailbox CCI of its view; LD 0 the
 *        MLD's). Invalid Input: an LD without a view, other target types.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/error-report.h"
#include "qemu/log.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "hw/pci/pci_bridge.h"
#include "hw/pci/pci_bus.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "hw/cxl/cxl-mailbox.h"
#include "hw/cxl/cxl-switch.h"
#include "hw/cxl/cxl-type3.h"

#define QOS_TELEMETRY_CAPS  (CXL_QOS_EGRESS_CONGESTION | \
                             CXL_QOS_TEMP_THROUGHPUT_RED)

/* The switch downstream port @ct3 sits on, or NULL */
static CXLDownstreamPort *ct3_dsp(CXLType3Dev *ct3)
{
    PCIDevice *up = pci_get_bus(PCI_DEVICE(ct3))->parent_dev;

    return up && object_dynamic_cast(OBJECT(up), TYPE_CXL_DSP) ?
           CXL_DSP(up) : NULL;
}

bool cxl_type3_mld_ld_bound(CXLType3MLD *mld, unsigned k)
{
    CXLDownstreamPort *dsp;

    if (!mld->ld[k]) {
        return false;
    }
    dsp = ct3_dsp(mld->ld[k]);
    return dsp && dsp->binding != CXL_DSP_UNBOUND;
}

bool cxl_type3_mld_check(CXLType3Dev *ct3, Error **errp)
{
    bool view = object_dynamic_cast(OBJECT(ct3), TYPE_CXL_TYPE3_LD);
    const char *type = view ? TYPE_CXL_TYPE3_LD : TYPE_CXL_TYPE3;
    CXLType3Dev *m = ct3->ld_of;

    if (view && ct3->num_lds != 1) {
        error_setg(errp, "%s: num-lds is the MLD's property (set it on the "
                   "cxl-type3 that mld names)", type);
        return false;
    }
    if (!ct3->num_lds || ct3->num_lds > CXL_MLD_MAX_LDS) {
        error_setg(errp, "%s: num-lds must be 1 (a single logical device) "
                   "to %d (got %u)", type, CXL_MLD_MAX_LDS, ct3->num_lds);
        return false;
    }
    if (!view && ct3->num_lds == 1) {
        return true;            /* a single logical device */
    }
    if (!ct3_dsp(ct3)) {
        error_setg(errp, "%s: %s must be below a switch downstream port "
                   "(bus=<cxl-downstream id>): the LDs of an MLD are bound "
                   "to a switch's vPPBs", type,
                   view ? "an LD's view" : "an MLD (num-lds > 1)");
        return false;
    }
    if (!view) {
        if (!!ct3->hostvmem + !!ct3->hostpmem != 1 || ct3->hostdc ||
            ct3->mhd_state) {
            error_setg(errp, "%s: an MLD (num-lds > 1) takes exactly one of "
                       "volatile-memdev and persistent-memdev, and no "
                       "volatile-dc-memdev or mhd-state", type);
            return false;
        }
        return true;
    }
    if (!m) {
        error_setg(errp, "%s: mld must name the cxl-type3 whose LD this is "
                   "(mld=<cxl-type3 id>)", type);
        return false;
    }
    if (!DEVICE(m)->realized || !m->mld || m->mld->owner != m) {
        error_setg(errp, "%s: mld: '%s' is not a multi-logical device "
                   "(a cxl-type3 with num-lds > 1, declared before its LDs)",
                   type, DEVICE(m)->id ?: "");
        return false;
    }
    if (ct3->ld_id < 1 || ct3->ld_id >= m->mld->num_lds) {
        error_setg(errp, "%s: ld-id must be 1 to %u (LD 0 is the MLD '%s' "
                   "itself; got %u)", type, m->mld->num_lds - 1,
                   DEVICE(m)->id ?: "", ct3->ld_id);
        return false;
    }
    if (m->mld->ld[ct3->ld_id]) {
        error_setg(errp, "%s: ld-id: LD %u of '%s' already has a view",
                   type, ct3->ld_id, DEVICE(m)->id ?: "");
        return false;
    }
    if (ct3->hostvmem || ct3->hostpmem || ct3->hostdc || ct3->mhd_state) {
        error_setg(errp, "%s: an LD's memory is the MLD's: set no "
                   "volatile-memdev, persistent-memdev, volatile-dc-memdev "
                   "or mhd-state", type);
        return false;
    }
    /*
     * The MLD's backend, mapped by it. The fields are link properties,
     * which drop a reference when the view is finalized: take it.
     */
    ct3->hostvmem = m->hostvmem;
    ct3->hostpmem = m->hostpmem;
    if (ct3->hostvmem) {
        object_ref(OBJECT(ct3->hostvmem));
    }
    if (ct3->hostpmem) {
        object_ref(OBJECT(ct3->hostpmem));
    }
    return true;
}

bool cxl_type3_mld_realize(CXLType3Dev *ct3, Error **errp)
{
    CXLType3MLD *mld;
    unsigned k;

    if (ct3->ld_of) {
        mld = ct3->mld = ct3->ld_of->mld;
        k = ct3->ld_id;
        mld->ld[k] = ct3;
        cxl_type3_set_window(ct3, mld->base[k], mld->size[k]);
        return true;
    }
    if (ct3->num_lds == 1) {
        return true;
    }
    mld = g_new0(CXLType3MLD, 1);
    mld->owner = ct3;
    mld->num_lds = ct3->num_lds;
    mld->persistent = !!ct3->hostpmem;
    mld->capacity = mld->persistent ? ct3->psize : ct3->vsize;
    mld->media = mld->persistent ? ct3->pptr : ct3->vptr;
    if (mld->capacity < mld->num_lds * CXL_MLD_GRANULE) {
        error_setg(errp, "%s: num-lds: %u LDs need at least %u x 256 MiB of "
                   "memory (the allocation unit); the memdev has 0x%" PRIx64
                   " bytes", TYPE_CXL_TYPE3, mld->num_lds, mld->num_lds,
                   mld->capacity);
        g_free(mld);
        return false;
    }
    cxl_mld_default_alloc(mld->capacity, mld->num_lds, mld->size);
    cxl_mld_layout(mld->size, mld->num_lds, mld->base);
    mld->qos = (CXLQoSControl) {
        .egress_moderate_pct = 10,
        .egress_severe_pct = 25,
        .backpressure_sample_interval = 8,
    };
    for (k = 0; k < mld->num_lds; k++) {
        mld->alloc_bw[k] = 256 / mld->num_lds;
        mld->bw_limit[k] = 0xff;
    }
    mld->ld[0] = ct3;
    ct3->mld = mld;
    cxl_type3_set_window(ct3, mld->base[0], mld->size[0]);
    vmstate_register_any(VMSTATE_IF(ct3), &vmstate_cxl_type3_mld, mld);
    return true;
}

void cxl_type3_mld_cleanup(CXLType3Dev *ct3)
{
    CXLType3MLD *mld = ct3->mld;

    if (!mld) {
        return;
    }
    ct3->mld = NULL;
    if (mld->owner != ct3) {
        if (mld->ld[ct3->ld_id] == ct3) {
            mld->ld[ct3->ld_id] = NULL;
        }
        return;
    }
    for (unsigned k = 1; k < mld->num_lds; k++) {
        if (mld->ld[k]) {
            mld->ld[k]->mld = NULL;
        }
    }
    vmstate_unregister(VMSTATE_IF(ct3), &vmstate_cxl_type3_mld, mld);
    g_free(mld);
}

bool cxl_type3_mld_set_alloc(CXLType3MLD *mld, unsigned start, unsigned n,
                             const uint64_t *size, CXLRetCode *rc,
                             Error **errp)
{
    uint64_t new_size[CXL_MLD_MAX_LDS], new_base[CXL_MLD_MAX_LDS];
    const char *why;

    *rc = CXL_RC_INVALID_INPUT;
    if (!n || start >= mld->num_lds || n > mld->num_lds - start) {
        error_setg(errp, "LDs %u to %u: the MLD has LDs 0 to %u", start,
                   start + n - 1, mld->num_lds - 1);
        return false;
    }
    memcpy(new_size, mld->size, sizeof(new_size));
    memcpy(new_size + start, size, n * sizeof(*size));
    why = cxl_mld_check_alloc(mld->capacity, mld->num_lds, new_size);
    if (why) {
        error_setg(errp, "%s (the MLD has 0x%" PRIx64 " bytes)", why,
                   mld->capacity);
        return false;
    }
    cxl_mld_layout(new_size, mld->num_lds, new_base);
    for (unsigned k = 0; k < mld->num_lds; k++) {
        if ((new_size[k] != mld->size[k] || new_base[k] != mld->base[k]) &&
            cxl_type3_mld_ld_bound(mld, k)) {
            error_setg(errp, "LD %u is bound to a vPPB (its allocation would "
                       "change): unbind it first", k);
            *rc = CXL_RC_BUSY;
            return false;
        }
    }
    for (unsigned k = 0; k < mld->num_lds; k++) {
        bool moved = new_size[k] != mld->size[k] ||
                     new_base[k] != mld->base[k];

        mld->size[k] = new_size[k];
        mld->base[k] = new_base[k];
        if (moved && mld->ld[k]) {
            cxl_type3_set_window(mld->ld[k], new_base[k], new_size[k]);
        }
    }
    *rc = CXL_RC_SUCCESS;
    return true;
}

CXLType3MLD *cxl_type3_mld_from_qmp_path(const char *path, Error **errp)
{
    CXLType3Dev *ct3 = cxl_type3_from_qmp_path(path, errp);

    if (!ct3) {
        return NULL;
    }
    if (!ct3->mld) {
        error_setg(errp, "path: '%s' is not a multi-logical device (no "
                   "num-lds > 1)", path);
        return NULL;
    }
    return ct3->mld;
}

/* ---- the MLD Components command set, FROM MEMORY ---- */

static CXLType3MLD *mld_of(CXLCCI *cci)
{
    return ct3_of(cci)->mld;
}

static CXLRetCode mld_refuse(CXLCCI *cci, const char *cmd, CXLRetCode rc,
                             Error *err)
{
    qemu_log_mask(LOG_GUEST_ERROR, "%s: %s: %s\n", cci->name, cmd,
                  error_get_pretty(err));
    error_free(err);
    return rc;
}

static CXLRetCode cmd_get_ld_info(CXLCCI *cci, const uint8_t *in,
                                  size_t in_len, uint8_t *out,
                                  size_t *out_len)
{
    CXLType3MLD *mld = mld_of(cci);
    CXLGetLDInfoOut *o = (CXLGetLDInfoOut *)out;

    o->memory_size = cpu_to_le64(mld->capacity);
    o->ld_count = cpu_to_le16(mld->num_lds);
    o->qos_telemetry_caps = QOS_TELEMETRY_CAPS;
    *out_len = sizeof(*o);
    return CXL_RC_SUCCESS;
}

/* The entries from @start on, at most @limit of them, into @list */
static unsigned put_allocs(CXLType3MLD *mld, unsigned start, unsigned limit,
                           CXLLDAllocEntry *list)
{
    unsigned n = start < mld->num_lds ? MIN(mld->num_lds - start, limit) : 0;

    for (unsigned k = 0; k < n; k++) {
        list[k].range1 = cpu_to_le64(mld->size[start + k] / CXL_MLD_GRANULE);
        list[k].range2 = 0;
    }
    return n;
}

static CXLRetCode cmd_get_ld_alloc(CXLCCI *cci, const uint8_t *in,
                                   size_t in_len, uint8_t *out,
                                   size_t *out_len)
{
    CXLType3MLD *mld = mld_of(cci);
    const CXLGetLDAllocIn *i = (const CXLGetLDAllocIn *)in;
    CXLGetLDAllocOut *o = (CXLGetLDAllocOut *)out;

    if (i->start_ld >= mld->num_lds) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: Get LD Allocations: start LD %u, "
                      "the MLD has %u LDs\n", cci->name, i->start_ld,
                      mld->num_lds);
        return CXL_RC_INVALID_INPUT;
    }
    o->num_lds = mld->num_lds;
    o->granularity = CXL_MLD_GRANULARITY_256M;
    o->start_ld = i->start_ld;
    o->list_len = put_allocs(mld, i->start_ld, i->list_limit, o->list);
    *out_len = sizeof(*o) + o->list_len * sizeof(o->list[0]);
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_set_ld_alloc(CXLCCI *cci, const uint8_t *in,
                                   size_t in_len, uint8_t *out,
                                   size_t *out_len)
{
    CXLType3MLD *mld = mld_of(cci);
    const CXLSetLDAlloc *i = (const CXLSetLDAlloc *)in;
    CXLSetLDAlloc *o = (CXLSetLDAlloc *)out;
    uint64_t size[CXL_MLD_MAX_LDS];
    Error *err = NULL;
    CXLRetCode rc;

    if (in_len != sizeof(*i) + i->num_lds * sizeof(i->list[0])) {
        return CXL_RC_INVALID_PAYLOAD_LENGTH;
    }
    if (!i->num_lds || i->start_ld >= mld->num_lds ||
        i->num_lds > mld->num_lds - i->start_ld) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: Set LD Allocations: LDs %u to "
                      "%u, the MLD has LDs 0 to %u\n", cci->name, i->start_ld,
                      i->start_ld + i->num_lds - 1, mld->num_lds - 1);
        return CXL_RC_INVALID_INPUT;
    }
    for (unsigned k = 0; k < i->num_lds; k++) {
        uint64_t units = le64_to_cpu(i->list[k].range1);

        if (i->list[k].range2 || units > mld->capacity / CXL_MLD_GRANULE) {
            qemu_log_mask(LOG_GUEST_ERROR, "%s: Set LD Allocations: LD %u: "
                          "%s\n", cci->name, i->start_ld + k,
                          i->list[k].range2 ? "range 2 is not supported (one "
                          "range per LD)" : "more than the capacity");
            return CXL_RC_INVALID_INPUT;
        }
        size[k] = units * CXL_MLD_GRANULE;
    }
    if (!cxl_type3_mld_set_alloc(mld, i->start_ld, i->num_lds, size, &rc,
                                 &err)) {
        return mld_refuse(cci, "Set LD Allocations", rc, err);
    }
    o->num_lds = i->num_lds;
    o->start_ld = i->start_ld;
    memset(o->rsvd, 0, sizeof(o->rsvd));
    put_allocs(mld, i->start_ld, i->num_lds, o->list);
    *out_len = sizeof(*o) + i->num_lds * sizeof(o->list[0]);
    return CXL_RC_SUCCESS;
}

/* What is wrong with QoS control @i, or NULL */
static const char *qos_control_check(const CXLQoSControl *i)
{
    if (i->telemetry_control & ~QOS_TELEMETRY_CAPS) {
        return "unknown telemetry control bits";
    } else if (!i->egress_moderate_pct || i->egress_moderate_pct > 100 ||
               !i->egress_severe_pct || i->egress_severe_pct > 100) {
        return "egress percentages must be 1 to 100";
    } else if (i->egress_moderate_pct > i->egress_severe_pct) {
        return "the moderate percentage is above the severe one";
    } else if (i->backpressure_sample_interval > 15) {
        return "backpressure sample interval above 15";
    }
    return NULL;
}

static CXLRetCode cmd_get_qos_control(CXLCCI *cci, const uint8_t *in,
                                      size_t in_len, uint8_t *out,
                                      size_t *out_len)
{
    memcpy(out, &mld_of(cci)->qos, sizeof(CXLQoSControl));
    *out_len = sizeof(CXLQoSControl);
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_set_qos_control(CXLCCI *cci, const uint8_t *in,
                                      size_t in_len, uint8_t *out,
                                      size_t *out_len)
{
    const CXLQoSControl *i = (const CXLQoSControl *)in;
    const char *why = qos_control_check(i);

    if (why) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: Set QoS Control: %s\n",
                      cci->name, why);
        return CXL_RC_INVALID_INPUT;
    }
    mld_of(cci)->qos = *i;
    return cmd_get_qos_control(cci, NULL, 0, out, out_len);
}

static CXLRetCode cmd_get_qos_status(CXLCCI *cci, const uint8_t *in,
                                     size_t in_len, uint8_t *out,
                                     size_t *out_len)
{
    CXLQoSStatus *o = (CXLQoSStatus *)out;

    o->backpressure_avg_pct = 0;        /* no traffic shaping, no pressure */
    *out_len = sizeof(*o);
    return CXL_RC_SUCCESS;
}

/* The LD range of a QoS BW command, or false (logged) */
static bool qos_bw_range(CXLCCI *cci, const char *cmd, unsigned start,
                         unsigned n)
{
    unsigned num = mld_of(cci)->num_lds;

    if (!n || start >= num || n > num - start) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: %s: LDs %u to %u, the MLD has "
                      "LDs 0 to %u\n", cci->name, cmd, start, start + n - 1,
                      num - 1);
        return false;
    }
    return true;
}

static CXLRetCode qos_bw_get(CXLCCI *cci, const char *cmd, const uint8_t *in,
                             uint8_t *out, size_t *out_len,
                             const uint8_t *table)
{
    const CXLQoSBWIn *i = (const CXLQoSBWIn *)in;
    CXLQoSBW *o = (CXLQoSBW *)out;

    if (!qos_bw_range(cci, cmd, i->start_ld, i->num_lds)) {
        return CXL_RC_INVALID_INPUT;
    }
    o->num_lds = i->num_lds;
    o->start_ld = i->start_ld;
    memcpy(o->fraction, table + i->start_ld, i->num_lds);
    *out_len = sizeof(*o) + i->num_lds;
    return CXL_RC_SUCCESS;
}

static CXLRetCode qos_bw_set(CXLCCI *cci, const char *cmd, const uint8_t *in,
                             size_t in_len, uint8_t *out, size_t *out_len,
                             uint8_t *table)
{
    const CXLQoSBW *i = (const CXLQoSBW *)in;

    if (in_len != sizeof(*i) + i->num_lds) {
        return CXL_RC_INVALID_PAYLOAD_LENGTH;
    }
    if (!qos_bw_range(cci, cmd, i->start_ld, i->num_lds)) {
        return CXL_RC_INVALID_INPUT;
    }
    /* every fraction of 256 is a valid value */
    memcpy(table + i->start_ld, i->fraction, i->num_lds);
    memcpy(out, in, in_len);
    *out_len = in_len;
    return CXL_RC_SUCCESS;
}

static CXLRetCode cmd_get_qos_alloc_bw(CXLCCI *cci, const uint8_t *in,
                                       size_t in_len, uint8_t *out,
                                       size_t *out_len)
{
    return qos_bw_get(cci, "Get QoS Allocated BW", in, out, out_len,
                      mld_of(cci)->alloc_bw);
}

static CXLRetCode cmd_set_qos_alloc_bw(CXLCCI *cci, const uint8_t *in,
                                       size_t in_len, uint8_t *out,
                                       size_t *out_len)
{
    return qos_bw_set(cci, "Set QoS Allocated BW", in, in_len, out, out_len,
                      mld_of(cci)->alloc_bw);
}

static CXLRetCode cmd_get_qos_bw_limit(CXLCCI *cci, const uint8_t *in,
                                       size_t in_len, uint8_t *out,
                                       size_t *out_len)
{
    return qos_bw_get(cci, "Get QoS BW Limit", in, out, out_len,
                      mld_of(cci)->bw_limit);
}

static CXLRetCode cmd_set_qos_bw_limit(CXLCCI *cci, const uint8_t *in,
                                       size_t in_len, uint8_t *out,
                                       size_t *out_len)
{
    return qos_bw_set(cci, "Set QoS BW Limit", in, in_len, out, out_len,
                      mld_of(cci)->bw_limit);
}

/*
 * Tunnel Management Command (5300h) on the LD-FAM CCI: to LD
 * port_or_ld's CCI (the mailbox CCI of its view). The tunnel's own
 * errors are the switch's (hw/cxl/cxl-switch-cci.c).
 */
static CXLRetCode cmd_ld_tunnel(CXLCCI *cci, const uint8_t *in,
                                size_t in_len, uint8_t *out, size_t *out_len)
{
    CXLType3MLD *mld = mld_of(cci);
    const CXLTunnelIn *i = (const CXLTunnelIn *)in;

    if (!cxl_cci_tunnel_size_ok(cci, in, in_len)) {
        return CXL_RC_INVALID_PAYLOAD_LENGTH;
    }
    if (i->target_type != CXL_TUNNEL_TARGET_PORT_OR_LD ||
        i->port_or_ld >= mld->num_lds || !mld->ld[i->port_or_ld]) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: Tunnel Management Command: "
                      "target type %u LD %u: %s\n", cci->name,
                      i->target_type, i->port_or_ld,
                      i->target_type != CXL_TUNNEL_TARGET_PORT_OR_LD ?
                      "not an LD (target type 0)" :
                      i->port_or_ld >= mld->num_lds ? "no such LD" :
                      "the LD has no view (no cxl-type3-ld with its ld-id)");
        return CXL_RC_INVALID_INPUT;
    }
    return cxl_cci_tunnel_forward(cci, &mld->ld[i->port_or_ld]->cci, in, out,
                                  out_len);
}

static const CXLCCICommand mld_commands[] = {
    { CXL_OP_TUNNEL_MANAGEMENT, "Tunnel Management Command", cmd_ld_tunnel,
      CXL_CCI_IN_MIN, sizeof(CXLTunnelIn), 0 },
    { CXL_OP_GET_LD_INFO, "Get LD Info", cmd_get_ld_info, CXL_CCI_IN_EXACT,
      0, 0 },
    { CXL_OP_GET_LD_ALLOCATIONS, "Get LD Allocations", cmd_get_ld_alloc,
      CXL_CCI_IN_EXACT, sizeof(CXLGetLDAllocIn), 0 },
    { CXL_OP_SET_LD_ALLOCATIONS, "Set LD Allocations", cmd_set_ld_alloc,
      CXL_CCI_IN_MIN, sizeof(CXLSetLDAlloc),
      CXL_CEL_IMMEDIATE_CONFIG_CHANGE | CXL_CEL_IMMEDIATE_DATA_CHANGE },
    { CXL_OP_GET_QOS_CONTROL, "Get QoS Control", cmd_get_qos_control,
      CXL_CCI_IN_EXACT, 0, 0 },
    { CXL_OP_SET_QOS_CONTROL, "Set QoS Control", cmd_set_qos_control,
      CXL_CCI_IN_EXACT, sizeof(CXLQoSControl),
      CXL_CEL_IMMEDIATE_POLICY_CHANGE },
    { CXL_OP_GET_QOS_STATUS, "Get QoS Status", cmd_get_qos_status,
      CXL_CCI_IN_EXACT, 0, 0 },
    { CXL_OP_GET_QOS_ALLOC_BW, "Get QoS Allocated BW", cmd_get_qos_alloc_bw,
      CXL_CCI_IN_EXACT, sizeof(CXLQoSBWIn), 0 },
    { CXL_OP_SET_QOS_ALLOC_BW, "Set QoS Allocated BW", cmd_set_qos_alloc_bw,
      CXL_CCI_IN_MIN, sizeof(CXLQoSBW), CXL_CEL_IMMEDIATE_POLICY_CHANGE },
    { CXL_OP_GET_QOS_BW_LIMIT, "Get QoS BW Limit", cmd_get_qos_bw_limit,
      CXL_CCI_IN_EXACT, sizeof(CXLQoSBWIn), 0 },
    { CXL_OP_SET_QOS_BW_LIMIT, "Set QoS BW Limit", cmd_set_qos_bw_limit,
      CXL_CCI_IN_MIN, sizeof(CXLQoSBW), CXL_CEL_IMMEDIATE_POLICY_CHANGE },
};

void cxl_type3_mld_add_commands(CXLCCI *cci)
{
    cxl_cci_add_commands(cci, mld_commands, ARRAY_SIZE(mld_commands));
}

/* ---- cxl-type3-ld: the host view of an LD ---- */

static const Property ct3_ld_properties[] = {
    DEFINE_PROP_LINK("mld", CXLType3Dev, ld_of, TYPE_CXL_TYPE3,
                     CXLType3Dev *),
    DEFINE_PROP_UINT8("ld-id", CXLType3Dev, ld_id, 0),
};

/*
 * ---- migration ----
 *
 * The MLD's stream carries the LD allocations (their layout follows) and
 * the QoS state (control, allocated bandwidth, bandwidth limits); loaded
 * aside, checked as Set LD Allocations and the QoS commands check them,
 * then applied: the windows of the LDs whose allocation differs move
 * (cxl_type3_set_window()). It is a section of its own, loaded before
 * the PCI devices' (MIG_PRI_PCI_BUS): their configuration space has the
 * windows' sizes in read-only DVSEC range registers, which the load
 * compares. The LD
 * bindings are the vPPBs' (the downstream ports' state); the views'
 * state is their own cxl-type3 state.
 */

static int mld_pre_save(void *opaque)
{
    CXLType3MLD *mld = opaque;

    memcpy(mld->mig_size, mld->size, sizeof(mld->size));
    mld->mig_qos = mld->qos;
    memcpy(mld->mig_alloc_bw, mld->alloc_bw, sizeof(mld->alloc_bw));
    memcpy(mld->mig_bw_limit, mld->bw_limit, sizeof(mld->bw_limit));
    return 0;
}

static int mld_post_load(void *opaque, int version_id)
{
    CXLType3MLD *mld = opaque;
    uint64_t base[CXL_MLD_MAX_LDS];
    const char *why = cxl_mld_check_alloc(mld->capacity, mld->num_lds,
                                          mld->mig_size);

    for (unsigned k = mld->num_lds; !why && k < CXL_MLD_MAX_LDS; k++) {
        if (mld->mig_size[k] || mld->mig_alloc_bw[k] ||
            mld->mig_bw_limit[k]) {
            why = "an LD past num-lds has state";
        }
    }
    why = why ?: qos_control_check(&mld->mig_qos);
    if (why) {
        error_report("%s: LD state in the stream: %s", TYPE_CXL_TYPE3, why);
        return -EINVAL;
    }
    cxl_mld_layout(mld->mig_size, mld->num_lds, base);
    mld->qos = mld->mig_qos;
    memcpy(mld->alloc_bw, mld->mig_alloc_bw, sizeof(mld->alloc_bw));
    memcpy(mld->bw_limit, mld->mig_bw_limit, sizeof(mld->bw_limit));
    for (unsigned k = 0; k < mld->num_lds; k++) {
        bool moved = mld->mig_size[k] != mld->size[k] ||
                     base[k] != mld->base[k];

        mld->size[k] = mld->mig_size[k];
        mld->base[k] = base[k];
        if (moved && mld->ld[k]) {
            cxl_type3_set_window(mld->ld[k], base[k], mld->size[k]);
        }
    }
    return 0;
}

const VMStateDescription vmstate_cxl_type3_mld = {
    .name = "cxl-type3-mld",
    .version_id = 1,
    .minimum_version_id = 1,
    .priority = MIG_PRI_PCI_BUS,
    .pre_save = mld_pre_save,
    .post_load = mld_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32_EQUAL(num_lds, CXLType3MLD, NULL),
        VMSTATE_UINT64_EQUAL(capacity, CXLType3MLD, NULL),
        VMSTATE_UINT64_ARRAY(mig_size, CXLType3MLD, CXL_MLD_MAX_LDS),
        /* the QoS control as its (little-endian) payload */
        VMSTATE_BUFFER_UNSAFE(mig_qos, CXLType3MLD, 1, sizeof(CXLQoSControl)),
        VMSTATE_UINT8_ARRAY(mig_alloc_bw, CXLType3MLD, CXL_MLD_MAX_LDS),
        VMSTATE_UINT8_ARRAY(mig_bw_limit, CXLType3MLD, CXL_MLD_MAX_LDS),
        VMSTATE_END_OF_LIST()
    },
};

static void ct3_ld_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "CXL Type 3 memory device: a logical device of an MLD";
    device_class_set_props(dc, ct3_ld_properties);
}

static const TypeInfo ct3_ld_info = {
    .name = TYPE_CXL_TYPE3_LD,
    .parent = TYPE_CXL_TYPE3,
    .class_init = ct3_ld_class_init,
};

static void ct3_ld_register_types(void)
{
    type_register_static(&ct3_ld_info);
}

type_init(ct3_ld_register_types)
