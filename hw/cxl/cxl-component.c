/*
 * CXL component registers (see include/hw/cxl/cxl-component.h).
 *
 * The CXL.io part of the block (0x0-0xfff) is reserved and reads as zero.
 * In the CXL.cache/mem part the capability array lists, in this order, RAS,
 * link, (if present) HDM decoder, and (if present) BI Decoder and BI Route
 * Table capabilities. HDM decoder registers are
 * a view of a CXLHDMDecoderSet: writes program it, Commit asks
 * cxl_hdm_commit() and reports Committed or Error Not Committed. A change
 * of what the decoders claim is a state-change notification of the
 * block's owner (include/hw/cxl/cxl-notify.h).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "qemu/log.h"
#include "qemu/error-report.h"
#include "migration/vmstate.h"
#include "qapi/error.h"
#include "hw/pci/pci_bridge.h"
#include "hw/cxl/cxl-component.h"
#include "hw/cxl/cxl-notify.h"
#include "trace.h"

#define CAP_VERSION_RAS     2
#define CAP_VERSION_LINK    2
#define CAP_VERSION_HDM     3
#define CAP_VERSION_BI      1       /* both BI capabilities (upstream 11.1's) */
#define CM_MAX_CAPS         5

/* Where the HDM decoder capability ends (its decoders) */
#define CXL_CM_HDM_END(c) \
    (CXL_CM_HDM_OFFSET + CXL_HDM_DECODER_FIRST + \
     CXL_HDM_DECODER_STRIDE * (c)->hdm.caps.nr_decoders)

/*
 * Commit timeout reported in the BI status registers: scale 6, base 2,
 * the values upstream QEMU 11.1 reports. Commit takes effect at once
 * here, so software never waits for it.
 */
#define BI_TIMEOUT_SCALE    6
#define BI_TIMEOUT_BASE     2

typedef struct CMCap {
    uint16_t id;
    uint8_t version;
    uint16_t offset;
} CMCap;

static unsigned cm_caps(const CXLComponentRegs *c, CMCap *caps)
{
    unsigned n = 0;

    if (c->has_ras) {
        caps[n++] = (CMCap) { CXL_CM_CAP_ID_RAS, CAP_VERSION_RAS, CXL_CM_RAS_OFFSET };
    }
    if (c->has_link) {
        caps[n++] = (CMCap) { CXL_CM_CAP_ID_LINK, CAP_VERSION_LINK, CXL_CM_LINK_OFFSET };
    }
    if (c->has_hdm) {
        caps[n++] = (CMCap) { CXL_CM_CAP_ID_HDM, CAP_VERSION_HDM, CXL_CM_HDM_OFFSET };
    }
    if (c->has_bi_dec) {
        caps[n++] = (CMCap) { CXL_CM_CAP_ID_BI_DEC, CAP_VERSION_BI,
                              CXL_CM_BI_DEC_OFFSET };
    }
    if (c->has_bi_rt) {
        caps[n++] = (CMCap) { CXL_CM_CAP_ID_BI_RT, CAP_VERSION_BI,
                              CXL_CM_BI_RT_OFFSET };
    }
    return n;
}

static uint32_t cap_array_read(CXLComponentRegs *c, hwaddr off)
{
    CMCap caps[CM_MAX_CAPS];
    unsigned n = cm_caps(c, caps);
    uint32_t v = 0;

    if (off == A_CXL_CM_CAP_ARRAY) {
        v = FIELD_DP32(v, CXL_CM_CAP_ARRAY, ID, CXL_CM_CAP_ID_ARRAY);
        v = FIELD_DP32(v, CXL_CM_CAP_ARRAY, VERSION, 1);
        v = FIELD_DP32(v, CXL_CM_CAP_ARRAY, CM_VERSION, 1);
        return FIELD_DP32(v, CXL_CM_CAP_ARRAY, SIZE, n);
    }
    if (off / 4 > n) {
        return 0;
    }
    v = FIELD_DP32(v, CXL_CM_CAP_HDR, ID, caps[off / 4 - 1].id);
    v = FIELD_DP32(v, CXL_CM_CAP_HDR, VERSION, caps[off / 4 - 1].version);
    return FIELD_DP32(v, CXL_CM_CAP_HDR, POINTER, caps[off / 4 - 1].offset);
}

static uint32_t hdm_cap_value(CXLComponentRegs *c)
{
    const CXLHDMCaps *caps = &c->hdm.caps;
    uint8_t count = 0;
    uint32_t v = 0;

    cxl_hdm_count_encode(caps->nr_decoders, &count);
    v = FIELD_DP32(v, CXL_HDM_CAP, DECODER_COUNT, count);
    if (caps->kind == CXL_HDM_SWITCH) {
        v = FIELD_DP32(v, CXL_HDM_CAP, TARGET_COUNT, caps->nr_targets);
    }
    v = FIELD_DP32(v, CXL_HDM_CAP, IL_11_8, 1);
    v = FIELD_DP32(v, CXL_HDM_CAP, IL_14_12, 1);
    v = FIELD_DP32(v, CXL_HDM_CAP, IW_3_6_12, caps->iw_3_6_12);
    if (caps->hdm_db) {
        v = FIELD_DP32(v, CXL_HDM_CAP, COHERENCY,
                       CXL_HDM_COHERENCY_HDM_H_AND_D);
    }
    return FIELD_DP32(v, CXL_HDM_CAP, IW_16, caps->iw_16);
}

/*
 * What the decoders claim changed: over decoder @d's HPA range, or (@d
 * NULL) all of it.
 */
static void hdm_notify(CXLComponentRegs *c, const CXLHDMDecoder *d)
{
    if (d) {
        cxl_notify_state_changed(c->owner, CXL_NOTIFY_HPA, d->base, d->size);
    } else {
        cxl_notify_state_changed(c->owner, CXL_NOTIFY_ALL, 0, 0);
    }
}

static uint32_t hdm_decoder_read(CXLComponentRegs *c, unsigned i, hwaddr reg)
{
    CXLHDMDecoder *d = &c->hdm.dec[i];
    bool sw = c->hdm.caps.kind == CXL_HDM_SWITCH;
    uint32_t v = 0;

    switch (reg) {
    case A_CXL_HDM_DEC_BASE_LO:
        return d->base & R_CXL_HDM_DEC_BASE_LO_BASE_MASK;
    case A_CXL_HDM_DEC_BASE_HI:
        return d->base >> 32;
    case A_CXL_HDM_DEC_SIZE_LO:
        return d->size & R_CXL_HDM_DEC_SIZE_LO_SIZE_MASK;
    case A_CXL_HDM_DEC_SIZE_HI:
        return d->size >> 32;
    case A_CXL_HDM_DEC_CTRL:
        v = FIELD_DP32(v, CXL_HDM_DEC_CTRL, IG, d->eig);
        v = FIELD_DP32(v, CXL_HDM_DEC_CTRL, IW, d->eiw);
        v = FIELD_DP32(v, CXL_HDM_DEC_CTRL, LOCK_ON_COMMIT, d->lock_on_commit);
        v = FIELD_DP32(v, CXL_HDM_DEC_CTRL, COMMIT, c->commit_bit[i]);
        v = FIELD_DP32(v, CXL_HDM_DEC_CTRL, COMMITTED, d->committed);
        v = FIELD_DP32(v, CXL_HDM_DEC_CTRL, ERR_NOT_COMMITTED, d->commit_error);
        v = FIELD_DP32(v, CXL_HDM_DEC_CTRL, BI, d->bi);
        return FIELD_DP32(v, CXL_HDM_DEC_CTRL, TARGET_TYPE, d->host_only);
    case A_CXL_HDM_DEC_TL_LO:
        return sw ? ldl_le_p(&d->targets[0])
                  : d->dpa_skip & R_CXL_HDM_DEC_TL_LO_SKIP_MASK;
    case A_CXL_HDM_DEC_TL_HI:
        return sw ? ldl_le_p(&d->targets[4]) : d->dpa_skip >> 32;
    }
    return 0;
}

static void hdm_decoder_write(CXLComponentRegs *c, unsigned i, hwaddr reg,
                              uint32_t v)
{
    CXLHDMDecoder *d = &c->hdm.dec[i];
    bool sw = c->hdm.caps.kind == CXL_HDM_SWITCH;
    const char *why = NULL;

    if (d->committed && d->lock_on_commit) {
        trace_cxl_hdm_write_locked(c->name, i, reg, v);
        return;
    }
    if (d->committed && reg != A_CXL_HDM_DEC_CTRL) {
        /* programming is frozen while committed */
        trace_cxl_hdm_write_committed(c->name, i, reg, v);
        return;
    }

    switch (reg) {
    case A_CXL_HDM_DEC_BASE_LO:
        d->base = deposit64(d->base, 0, 32,
                            v & R_CXL_HDM_DEC_BASE_LO_BASE_MASK);
        break;
    case A_CXL_HDM_DEC_BASE_HI:
        d->base = deposit64(d->base, 32, 32, v);
        break;
    case A_CXL_HDM_DEC_SIZE_LO:
        d->size = deposit64(d->size, 0, 32,
                            v & R_CXL_HDM_DEC_SIZE_LO_SIZE_MASK);
        break;
    case A_CXL_HDM_DEC_SIZE_HI:
        d->size = deposit64(d->size, 32, 32, v);
        break;
    case A_CXL_HDM_DEC_TL_LO:
        if (sw) {
            stl_le_p(&d->targets[0], v);
        } else {
            d->dpa_skip = deposit64(d->dpa_skip, 0, 32,
                                    v & R_CXL_HDM_DEC_TL_LO_SKIP_MASK);
        }
        break;
    case A_CXL_HDM_DEC_TL_HI:
        if (sw) {
            stl_le_p(&d->targets[4], v);
        } else {
            d->dpa_skip = deposit64(d->dpa_skip, 32, 32, v);
        }
        break;
    case A_CXL_HDM_DEC_CTRL: {
        bool commit = FIELD_EX32(v, CXL_HDM_DEC_CTRL, COMMIT);

        if (d->committed) {
            if (!commit && cxl_hdm_uncommit(&c->hdm, i)) {
                c->commit_bit[i] = false;
                trace_cxl_hdm_uncommit(c->name, i);
                hdm_notify(c, d);
            }
            return;
        }
        d->eig = FIELD_EX32(v, CXL_HDM_DEC_CTRL, IG);
        d->eiw = FIELD_EX32(v, CXL_HDM_DEC_CTRL, IW);
        d->lock_on_commit = FIELD_EX32(v, CXL_HDM_DEC_CTRL, LOCK_ON_COMMIT);
        d->host_only = FIELD_EX32(v, CXL_HDM_DEC_CTRL, TARGET_TYPE);
        d->bi = c->hdm.caps.hdm_db && FIELD_EX32(v, CXL_HDM_DEC_CTRL, BI);
        c->commit_bit[i] = commit;
        if (!commit) {
            d->commit_error = false;
            return;
        }
        if (cxl_hdm_commit(&c->hdm, i, &why)) {
            trace_cxl_hdm_commit(c->name, i, d->base, d->size, d->eiw, d->eig);
            hdm_notify(c, d);
        } else {
            /* Error Not Committed is set: the guest programmed it wrong */
            qemu_log_mask(LOG_GUEST_ERROR, "%s: HDM decoder %u: commit "
                          "refused (Error Not Committed): %s\n", c->name, i,
                          why);
            trace_cxl_hdm_commit_error(c->name, i, why);
        }
        break;
    }
    }
}

static uint32_t hdm_read(CXLComponentRegs *c, hwaddr off)
{
    unsigned i;

    if (off == A_CXL_HDM_CAP) {
        return hdm_cap_value(c);
    }
    if (off == A_CXL_HDM_GLOBAL_CTRL) {
        return FIELD_DP32(0, CXL_HDM_GLOBAL_CTRL, ENABLE, c->hdm.enabled);
    }
    if (off < CXL_HDM_DECODER_FIRST) {
        return 0;
    }
    i = (off - CXL_HDM_DECODER_FIRST) / CXL_HDM_DECODER_STRIDE;
    if (i >= c->hdm.caps.nr_decoders) {
        return 0;
    }
    return hdm_decoder_read(c, i, (off - CXL_HDM_DECODER_FIRST) % CXL_HDM_DECODER_STRIDE);
}

static void hdm_write(CXLComponentRegs *c, hwaddr off, uint32_t v)
{
    unsigned i;

    if (off == A_CXL_HDM_GLOBAL_CTRL) {
        bool en = FIELD_EX32(v, CXL_HDM_GLOBAL_CTRL, ENABLE);

        /* applicable to devices only: reads 0 on ports (CXL r3.1 8.2.4.20.2) */
        if (c->hdm.caps.kind != CXL_HDM_ENDPOINT) {
            return;
        }
        if (en != c->hdm.enabled) {
            c->hdm.enabled = en;
            hdm_notify(c, NULL);
        }
        return;
    }
    if (off < CXL_HDM_DECODER_FIRST) {
        return;
    }
    i = (off - CXL_HDM_DECODER_FIRST) / CXL_HDM_DECODER_STRIDE;
    if (i < c->hdm.caps.nr_decoders) {
        hdm_decoder_write(c, i, (off - CXL_HDM_DECODER_FIRST) % CXL_HDM_DECODER_STRIDE, v);
    }
}

/* The status register of both BI capabilities (the same layout) */
static uint32_t bi_status(bool committed)
{
    uint32_t v = FIELD_DP32(0, CXL_BI_DEC_STATUS, COMMITTED, committed);

    v = FIELD_DP32(v, CXL_BI_DEC_STATUS, TIMEOUT_SCALE, BI_TIMEOUT_SCALE);
    return FIELD_DP32(v, CXL_BI_DEC_STATUS, TIMEOUT_BASE, BI_TIMEOUT_BASE);
}

/*
 * BI Decoder (see the header). Explicit commit: software programs BI
 * Enable (device) or BI Forward (port) and sets Commit; status then
 * reports Committed, and the programming is frozen until software clears
 * Commit. Nothing refuses a commit here: BI messages are not modelled
 * (no BISnp is ever sent), so Error Not Committed stays clear.
 */
static uint32_t bi_dec_read(CXLComponentRegs *c, hwaddr off)
{
    bool endpoint = c->has_hdm && c->hdm.caps.kind == CXL_HDM_ENDPOINT;
    uint32_t v = c->bi_dec_ctrl;

    switch (off) {
    case A_CXL_BI_DEC_CAP:
        return FIELD_DP32(0, CXL_BI_DEC_CAP, EXPLICIT_COMMIT, 1);
    case A_CXL_BI_DEC_CTRL:
        /* BI Forward is a port's, BI Enable a device's (reserved else) */
        return endpoint ? FIELD_DP32(v, CXL_BI_DEC_CTRL, BI_FORWARD, 0)
                        : FIELD_DP32(v, CXL_BI_DEC_CTRL, BI_ENABLE, 0);
    case A_CXL_BI_DEC_STATUS:
        return bi_status(c->bi_dec_committed);
    }
    return 0;
}

static void bi_dec_write_ctrl(CXLComponentRegs *c, uint32_t v)
{
    bool commit = FIELD_EX32(v, CXL_BI_DEC_CTRL, COMMIT);

    if (c->bi_dec_committed) {
        if (!commit) {
            c->bi_dec_committed = false;
            c->bi_dec_ctrl = FIELD_DP32(c->bi_dec_ctrl, CXL_BI_DEC_CTRL,
                                        COMMIT, 0);
            trace_cxl_bi_commit(c->name, "decoder", false);
        }
        return;         /* programming is frozen while committed */
    }
    c->bi_dec_ctrl = v & (R_CXL_BI_DEC_CTRL_BI_FORWARD_MASK |
                          R_CXL_BI_DEC_CTRL_BI_ENABLE_MASK |
                          R_CXL_BI_DEC_CTRL_COMMIT_MASK);
    if (commit) {
        c->bi_dec_committed = true;
        trace_cxl_bi_commit(c->name, "decoder", true);
    }
}

/* BI Route Table: the same commit protocol, with nothing to program. */
static uint32_t bi_rt_read(CXLComponentRegs *c, hwaddr off)
{
    switch (off) {
    case A_CXL_BI_RT_CAP:
        return FIELD_DP32(0, CXL_BI_RT_CAP, EXPLICIT_COMMIT, 1);
    case A_CXL_BI_RT_CTRL:
        return c->bi_rt_ctrl;
    case A_CXL_BI_RT_STATUS:
        return bi_status(c->bi_rt_committed);
    }
    return 0;
}

static void bi_rt_write_ctrl(CXLComponentRegs *c, uint32_t v)
{
    bool commit = FIELD_EX32(v, CXL_BI_RT_CTRL, COMMIT);

    c->bi_rt_ctrl = FIELD_DP32(0, CXL_BI_RT_CTRL, COMMIT, commit);
    if (commit != c->bi_rt_committed) {
        c->bi_rt_committed = commit;
        trace_cxl_bi_commit(c->name, "route table", commit);
    }
}

static uint64_t cxl_component_read(void *opaque, hwaddr addr, unsigned size)
{
    CXLComponentRegs *c = opaque;
    hwaddr off;

    if (addr < CXL_CM_OFFSET || addr >= CXL_CM_OFFSET + CXL_CM_SIZE) {
        return 0;
    }
    off = addr - CXL_CM_OFFSET;
    if (c->has_ras && off >= CXL_CM_RAS_OFFSET &&
        off < CXL_CM_RAS_OFFSET + CXL_RAS_LENGTH) {
        return cxl_ras_read(c, off - CXL_CM_RAS_OFFSET);
    }
    if (c->has_hdm && off >= CXL_CM_HDM_OFFSET && off < CXL_CM_HDM_END(c)) {
        return hdm_read(c, off - CXL_CM_HDM_OFFSET);
    }
    if (c->has_bi_dec && off >= CXL_CM_BI_DEC_OFFSET &&
        off < CXL_CM_BI_DEC_OFFSET + CXL_BI_DEC_LENGTH) {
        return bi_dec_read(c, off - CXL_CM_BI_DEC_OFFSET);
    }
    if (c->has_bi_rt && off >= CXL_CM_BI_RT_OFFSET &&
        off < CXL_CM_BI_RT_OFFSET + CXL_BI_RT_LENGTH) {
        return bi_rt_read(c, off - CXL_CM_BI_RT_OFFSET);
    }
    if (off < CXL_CM_RAS_OFFSET) {
        return cap_array_read(c, off);
    }
    return 0;
}

static void cxl_component_write(void *opaque, hwaddr addr, uint64_t data,
                                unsigned size)
{
    CXLComponentRegs *c = opaque;
    hwaddr off;

    if (addr < CXL_CM_OFFSET || addr >= CXL_CM_OFFSET + CXL_CM_SIZE) {
        return;
    }
    off = addr - CXL_CM_OFFSET;
    if (c->has_ras && off >= CXL_CM_RAS_OFFSET &&
        off < CXL_CM_RAS_OFFSET + CXL_RAS_LENGTH) {
        cxl_ras_write(c, off - CXL_CM_RAS_OFFSET, data);
    } else if (c->has_hdm && off >= CXL_CM_HDM_OFFSET &&
               off < CXL_CM_HDM_END(c)) {
        hdm_write(c, off - CXL_CM_HDM_OFFSET, data);
    } else if (c->has_bi_dec && off == CXL_CM_BI_DEC_OFFSET + A_CXL_BI_DEC_CTRL) {
        bi_dec_write_ctrl(c, data);
    } else if (c->has_bi_rt && off == CXL_CM_BI_RT_OFFSET + A_CXL_BI_RT_CTRL) {
        bi_rt_write_ctrl(c, data);
    }
}

static const MemoryRegionOps cxl_component_ops = {
    .read = cxl_component_read,
    .write = cxl_component_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

void cxl_component_init(CXLComponentRegs *c, Object *owner, const char *name,
                        const CXLHDMCaps *hdm_caps)
{
    c->owner = owner;
    c->name = name;
    c->has_ras = true;
    c->has_link = true;
    c->has_hdm = hdm_caps != NULL;
    if (hdm_caps) {
        c->hdm.caps = *hdm_caps;
    }
    memory_region_init_io(&c->mr, owner, &cxl_component_ops, c, name,
                          CXL_COMPONENT_BLOCK_SIZE);
    cxl_component_reset(c);
}

void cxl_component_init_bi(CXLComponentRegs *c, CXLBICaps bi)
{
    c->has_bi_dec = bi & CXL_BI_DECODER;
    c->has_bi_rt = bi & CXL_BI_ROUTE_TABLE;
    if (c->has_hdm && c->hdm.caps.kind == CXL_HDM_ENDPOINT) {
        c->hdm.caps.hdm_db = c->has_bi_dec;
    }
}

static void bus_hdm_db(PCIBus *bus, PCIDevice *d, void *opaque)
{
    bool *found = opaque;
    Object *obj = OBJECT(d);

    if (*found) {
        return;
    }
    if (object_property_find(obj, "hdm-db")) {
        *found = object_property_get_bool(obj, "hdm-db", NULL);
    } else if (object_dynamic_cast(obj, TYPE_PCI_BRIDGE)) {
        *found = cxl_bus_has_hdm_db(pci_bridge_get_sec_bus(PCI_BRIDGE(d)));
    }
}

bool cxl_bus_has_hdm_db(PCIBus *bus)
{
    bool found = false;

    pci_for_each_device_under_bus(bus, bus_hdm_db, &found);
    return found;
}

void cxl_component_reset(CXLComponentRegs *c)
{
    CXLHDMCaps caps = c->hdm.caps;

    memset(&c->hdm, 0, sizeof(c->hdm));
    c->hdm.caps = caps;
    cxl_notify_state_changed(c->owner, CXL_NOTIFY_ALL, 0, 0);
    memset(c->commit_bit, 0, sizeof(c->commit_bit));
    c->bi_dec_ctrl = 0;
    c->bi_dec_committed = false;
    c->bi_rt_ctrl = 0;
    c->bi_rt_committed = false;
    cxl_ras_reset(c);
}

bool cxl_component_fw_commit(CXLComponentRegs *c, unsigned idx,
                             const CXLHDMDecoder *d, const char **why)
{
    if (!c->has_hdm || idx >= c->hdm.caps.nr_decoders) {
        *why = "no such decoder";
        return false;
    }
    c->hdm.dec[idx] = *d;
    c->hdm.dec[idx].committed = false;
    c->hdm.dec[idx].commit_error = false;
    c->commit_bit[idx] = true;
    if (!cxl_hdm_commit(&c->hdm, idx, why)) {
        return false;
    }
    trace_cxl_hdm_commit(c->name, idx, d->base, d->size, d->eiw, d->eig);
    hdm_notify(c, d);
    return true;
}

void cxl_component_fw_enable_hdm(CXLComponentRegs *c)
{
    if (c->has_hdm && c->hdm.caps.kind == CXL_HDM_ENDPOINT && !c->hdm.enabled) {
        c->hdm.enabled = true;
        hdm_notify(c, NULL);
    }
}

Object *cxl_peripheral(const char *id)
{
    Object *peripherals = object_resolve_path("/machine/peripheral", NULL);

    return peripherals ? object_resolve_path_component(peripherals, id) : NULL;
}

Object *cxl_qmp_device(const char *path, const char *type, Error **errp)
{
    bool ambiguous = false;
    Object *obj = strchr(path, '/') ? NULL : cxl_peripheral(path);

    if (!obj) {
        obj = object_resolve_path(path, &ambiguous);
    }
    if (!obj) {
        error_setg(errp, "path: '%s' %s", path, ambiguous ?
                   "matches more than one object; give the full QOM path" :
                   "is not a device (give its QOM path or id)");
        return NULL;
    }
    if (type && !object_dynamic_cast(obj, type)) {
        error_setg(errp, "path: '%s' is a %s, not a %s", path,
                   object_get_typename(obj), type);
        return NULL;
    }
    return obj;
}

/* ---- migration ---- */

static const VMStateDescription vmstate_cxl_hdm_decoder = {
    .name = "cxl-hdm-decoder",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT64(base, CXLHDMDecoder),
        VMSTATE_UINT64(size, CXLHDMDecoder),
        VMSTATE_UINT8(eiw, CXLHDMDecoder),
        VMSTATE_UINT8(eig, CXLHDMDecoder),
        VMSTATE_BOOL(lock_on_commit, CXLHDMDecoder),
        VMSTATE_BOOL(committed, CXLHDMDecoder),
        VMSTATE_BOOL(commit_error, CXLHDMDecoder),
        VMSTATE_BOOL(host_only, CXLHDMDecoder),
        VMSTATE_BOOL(bi, CXLHDMDecoder),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_cxl_ras_record = {
    .name = "cxl-ras-record",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8(bit, CXLRasRecord),
        VMSTATE_UINT32_ARRAY(header, CXLRasRecord, CXL_RAS_HEADER_LOG_DWORDS),
        VMSTATE_END_OF_LIST()
    },
};

/*
 * The target list (switch) and the DPA skip (endpoint) share their bytes:
 * the stream has them as one little-endian number, whatever the host.
 */
static int cxl_component_pre_save(void *opaque)
{
    CXLComponentRegs *c = opaque;

    for (unsigned i = 0; i < CXL_HDM_MAX_DECODERS; i++) {
        const CXLHDMDecoder *d = &c->hdm.dec[i];

        c->mig_tl[i] = c->hdm.caps.kind == CXL_HDM_ENDPOINT ? d->dpa_skip :
                       ldq_le_p(d->targets);
    }
    return 0;
}

static int cxl_component_post_load(void *opaque, int version_id)
{
    CXLComponentRegs *c = opaque;
    const char *why;

    if (c->ras_nr_pending > CXL_RAS_MAX_PENDING) {
        return -EINVAL;
    }
    for (unsigned i = 0; i < c->ras_nr_pending; i++) {
        /* an uncorrectable error's status bit */
        if (c->ras_pending[i].bit >= 32 ||
            !(BIT(c->ras_pending[i].bit) & CXL_RAS_UC_BITS)) {
            return -EINVAL;
        }
    }
    for (unsigned i = 0; i < CXL_HDM_MAX_DECODERS; i++) {
        CXLHDMDecoder *d = &c->hdm.dec[i];

        if (c->hdm.caps.kind == CXL_HDM_ENDPOINT) {
            d->dpa_skip = c->mig_tl[i];
        } else {
            stq_le_p(d->targets, c->mig_tl[i]);
        }
        if (d->committed && (!c->has_hdm || i >= c->hdm.caps.nr_decoders)) {
            return -EINVAL;
        }
    }
    /* a committed decoder must pass the checks a commit makes */
    for (unsigned i = 0; c->has_hdm && i < c->hdm.caps.nr_decoders; i++) {
        CXLHDMDecoder *d = &c->hdm.dec[i];

        if (d->committed) {
            d->committed = false;
            if (!cxl_hdm_commit(&c->hdm, i, &why)) {
                error_report("%s: decoder %u in the migration stream: %s",
                             c->name, i, why);
                return -EINVAL;
            }
        }
    }
    /* what routes through the decoders is derived: rebuild it */
    cxl_notify_state_changed(c->owner, CXL_NOTIFY_ALL, 0, 0);
    return 0;
}

const VMStateDescription vmstate_cxl_component = {
    .name = "cxl-component",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = cxl_component_pre_save,
    .post_load = cxl_component_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(bi_dec_ctrl, CXLComponentRegs),
        VMSTATE_BOOL(bi_dec_committed, CXLComponentRegs),
        VMSTATE_UINT32(bi_rt_ctrl, CXLComponentRegs),
        VMSTATE_BOOL(bi_rt_committed, CXLComponentRegs),
        VMSTATE_BOOL(hdm.enabled, CXLComponentRegs),
        VMSTATE_BOOL(hdm.locked, CXLComponentRegs),
        VMSTATE_STRUCT_ARRAY(hdm.dec, CXLComponentRegs, CXL_HDM_MAX_DECODERS,
                             1, vmstate_cxl_hdm_decoder, CXLHDMDecoder),
        VMSTATE_UINT64_ARRAY(mig_tl, CXLComponentRegs, CXL_HDM_MAX_DECODERS),
        VMSTATE_BOOL_ARRAY(commit_bit, CXLComponentRegs,
                           CXL_HDM_MAX_DECODERS),
        VMSTATE_UINT32_ARRAY(ras, CXLComponentRegs, CXL_RAS_LENGTH / 4),
        VMSTATE_STRUCT_ARRAY(ras_pending, CXLComponentRegs,
                             CXL_RAS_MAX_PENDING, 1, vmstate_cxl_ras_record,
                             CXLRasRecord),
        VMSTATE_UINT32(ras_nr_pending, CXLComponentRegs),
        VMSTATE_END_OF_LIST()
    },
};
