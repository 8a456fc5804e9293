/*
 * cxl-type3: CXL Type 3 memory device.
 *
 * A PCIe endpoint of class "CXL memory device" (0502h, prog-if 10h) with
 * volatile and/or persistent capacity, each backed by a memory backend
 * (volatile first in DPA space, then persistent), and an optional label
 * storage area backend. It carries:
 *  - config space: PCIe, MSI-X, AER, DSN, a DOE mailbox serving CDAT and
 *    Compliance Mode (hw/cxl/cxl-compliance.c), and
 *    the CXL DVSECs (CXL device with range registers, GPF for devices,
 *    flex bus port, register locator);
 *  - BAR 0: component registers with RAS, link and 4 HDM decoders; with
 *    hdm-db=on also the BI Decoder capability, HDM decoders that take the
 *    BI (HDM-DB) bit and report both coherency models (Back-Invalidate is
 *    advertised and programmable; no BI snoop is ever sent);
 *  - BAR 2: device registers with the primary mailbox (cxl-device-regs.c)
 *    served by the CCI engine with the generic, event and memory device
 *    command sets;
 *  - BAR 4: the MSI-X table. Vectors: 0 mailbox background completion,
 *    1 DOE, 2-5 the informational, warning, failure and fatal event logs,
 *    6 the dynamic capacity log, and with CPMUs 7 their overflow;
 *  - with num-cpmus=N, N CPMUs (hw/cxl/cxl-pmu.c) in BAR 0 after the
 *    component registers, at 64 KiB steps, in the register locator.
 * On the root bus of a Restricted CXL Host (pxb-cxl,rch=on) the device is
 * a CXL 1.1 RCD: a Root Complex Integrated Endpoint (QEMU's PCIe code
 * makes any endpoint on a root bus one) without BAR 0 and without a
 * register locator entry for its component registers, which the RCH maps
 * behind its upstream port RCRB (hw/pci-bridge/cxl-host-bridge.c). They
 * keep their HDM decoder capability, disabled at reset: Linux 7.3 takes
 * an RCD's component registers from the RCRB and refuses an endpoint
 * whose component registers lack one ("HDM decoder registers not found",
 * devm_cxl_setup_hdm()). With HDM Decoder Enable clear and Mem_Enable set
 * it emulates decoders from the DVSEC range registers, which are what
 * decodes then (firmware sets them: -machine cxl-region.N with the RCD as
 * target, hw/cxl/cxl-fw-region.c); with both clear it enables the HDM
 * decoders and uses them like any endpoint's. An RCD has no dynamic
 * capacity, logical devices, Back-Invalidate (CXL 1.1 has none) or CPMUs
 * (not modelled on an RCD).
 * The PCIe link (Link Capabilities and Status) reports the x-speed and
 * x-width properties; x-256b-flit sets Flit Mode Supported, and Flit Mode
 * Status when the port above supports flit mode too (upstream 11.1's
 * properties and defaults). hdm-db=on needs x-256b-flit=on, as upstream
 * 11.1 requires: BI messages only exist in 256-byte flit mode.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/error-report.h"
#include "qemu/host-utils.h"
#include "qemu/range.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "hw/pci/msix.h"
#include "hw/pci/pci_bus.h"
#include "hw/pci/pcie.h"
#include "hw/pci/pcie_aer.h"
#include "hw/qdev-properties.h"
#include "hw/qdev-properties-system.h"
#include "migration/vmstate.h"
#include "hw/cxl/cxl-cdat.h"
#include "hw/cxl/cxl-compliance.h"
#include "hw/cxl/cxl-dc.h"
#include "hw/cxl/cxl-doe.h"
#include "hw/cxl/cxl-dvsec.h"
#include "hw/cxl/cxl-host.h"
#include "hw/cxl/cxl-notify.h"
#include "hw/cxl/cxl-ras.h"
#include "hw/cxl/cxl-type3.h"
#include "trace.h"

#define CT3_PCIE_OFFSET         0x80
#define CT3_AER_OFFSET          0x100
#define CT3_DSN_OFFSET          (CT3_AER_OFFSET + PCI_ERR_SIZEOF)
#define CT3_DOE_OFFSET          (CT3_DSN_OFFSET + PCI_EXT_CAP_DSN_SIZEOF)
#define CT3_DVSEC_OFFSET        0x200

#define CT3_BAR_COMPONENT       0
#define CT3_BAR_DEVICE          2
#define CT3_BAR_MSIX            4

#define CT3_VEC_MBOX            0
#define CT3_VEC_DOE             1
#define CT3_VEC_EVENTS          2
#define CT3_NR_VECTORS          (CT3_VEC_EVENTS + CXL_EVLOG_ALL)
/* Linux takes Interrupt Message Number 0 for no interrupt: not the mailbox's */
#define CT3_VEC_PMU             CT3_NR_VECTORS

/* CXL device DVSEC (CXL r3.1 8.1.3), revision 1 layout */
#define DEV_DVSEC_REV           1
#define DEV_DVSEC_LENGTH        0x38
#define DEV_DVSEC_CAP           0x0a
#define   DEV_CAP_IO            BIT(1)
#define   DEV_CAP_MEM           BIT(2)
#define   DEV_CAP_HDM_COUNT_SHIFT 4
#define   DEV_CAP_VIRAL         BIT(14)
#define DEV_DVSEC_CTRL          0x0c
#define   DEV_CTRL_IO_ENABLE    BIT(1)
#define   DEV_CTRL_MEM_ENABLE   BIT(2)
#define   DEV_CTRL_VIRAL_ENABLE BIT(14)
#define DEV_DVSEC_STATUS        0x0e
#define   DEV_STATUS_VIRAL      BIT(14)         /* RW1CS */
#define DEV_DVSEC_LOCK          0x14
#define   DEV_LOCK_CONFIG       BIT(0)
#define DEV_DVSEC_RANGE_SIZE_HI(i)  (0x18 + 0x10 * (i))
#define DEV_DVSEC_RANGE_SIZE_LO(i)  (0x1c + 0x10 * (i))
#define   RANGE_INFO_VALID      BIT(0)
#define   RANGE_ACTIVE          BIT(1)
#define   RANGE_MEDIA_CDAT      (2 << 2)    /* characteristics in CDAT */
#define   RANGE_CLASS_CDAT      (2 << 5)
#define DEV_DVSEC_RANGE_BASE_HI(i)  (0x20 + 0x10 * (i))
#define DEV_DVSEC_RANGE_BASE_LO(i)  (0x24 + 0x10 * (i))
#define   RANGE_BASE_LO_MASK    0xf0000000u

/* GPF DVSEC for devices (CXL r3.1 8.1.7) */
#define DEV_GPF_LENGTH          0x10
#define DEV_GPF_PHASE2_DURATION 0x0a
#define DEV_GPF_PHASE2_POWER    0x0c

/* ---- memory ---- */

uint8_t *cxl_type3_dpa_ptr(CXLType3Dev *ct3, uint64_t dpa, uint64_t len)
{
    if (unlikely(ct3->cci.media_disabled || ct3->cci.media_locked)) {
        return NULL;            /* Sanitize runs, or locked: all ones */
    }
    if (dpa < ct3->vsize) {
        return len <= ct3->vsize - dpa ? ct3->vptr + dpa : NULL;
    }
    dpa -= ct3->vsize;
    if (dpa < ct3->psize) {
        return len <= ct3->psize - dpa ? ct3->pptr + dpa : NULL;
    }
    /* dynamic capacity: only what the host accepted */
    return cxl_type3_dc_ptr(ct3, dpa + ct3->vsize, len);
}

CXLMemSharing cxl_type3_dpa_sharing(CXLType3Dev *ct3, uint64_t dpa,
                                    uint64_t len)
{
    HostMemoryBackend *b[3] = { ct3->hostvmem, ct3->hostpmem, ct3->hostdc };
    uint64_t size[3] = { ct3->vsize, ct3->psize, ct3->dcsize };

    for (unsigned i = 0; i < 3; i++) {
        if (dpa < size[i]) {
            if (len > size[i] - dpa) {
                return CXL_MEM_MIXED;   /* more than one backend */
            }
            if (!b[i]->share) {
                return CXL_MEM_PRIVATE;
            }
            /* the heads of a multi-headed device share the DC backend */
            return b[i] == ct3->hostdc && ct3->mhd ? CXL_MEM_MULTI_HOST
                                                   : CXL_MEM_SHARED;
        }
        dpa -= size[i];
    }
    return CXL_MEM_MIXED;
}

void cxl_type3_dpa_write(CXLType3Dev *ct3, uint64_t dpa, const void *buf,
                         uint64_t len)
{
    address_space_write(&ct3->dpa_as, dpa, MEMTXATTRS_UNSPECIFIED, buf, len);
}

/*
 * With HDM Decoder Enable clear, the CXL device DVSEC's range registers
 * decode instead (CXL r3.1 8.1.3.8): range n maps [base, base + size) to
 * the DPA range of capacity n, volatile first. This is how firmware that
 * does not know HDM decoders sets a device up, and Linux keeps using such
 * ranges.
 */
static bool ct3_dvsec_range_decode(CXLType3Dev *ct3, uint64_t hpa,
                                   uint64_t *dpa, CXLExtent *ext)
{
    PCIDevice *d = PCI_DEVICE(ct3);
    uint16_t o = ct3->dvsec_device;
    uint64_t sizes[2] = { ct3->vsize, ct3->psize };
    uint64_t dpa_base = 0;
    unsigned n = 0;

    for (unsigned i = 0; i < 2; i++) {
        uint64_t base;

        if (!sizes[i]) {
            continue;
        }
        base = (uint64_t)pci_get_long(d->config + o + DEV_DVSEC_RANGE_BASE_HI(n))
                   << 32 |
               (pci_get_long(d->config + o + DEV_DVSEC_RANGE_BASE_LO(n)) &
                RANGE_BASE_LO_MASK);
        if (hpa >= base && hpa - base < sizes[i]) {
            *dpa = dpa_base + (hpa - base);
            if (ext) {
                cxl_extent_clip(ext, base, base + sizes[i]);
            }
            return true;
        }
        dpa_base += sizes[i];
        n++;
    }
    return false;
}

bool cxl_type3_decode(CXLType3Dev *ct3, uint64_t hpa, uint64_t *dpa,
                      CXLExtent *ext)
{
    int i;

    if (!ct3->comp.hdm.enabled) {
        return ct3_dvsec_range_decode(ct3, hpa, dpa, ext);
    }
    i = cxl_hdm_decode(&ct3->comp.hdm, hpa, NULL, dpa);
    if (i >= 0 && ext) {
        cxl_extent_clip_decoder(ext, &ct3->comp.hdm.dec[i], hpa);
        cxl_type3_dc_clip(ct3, hpa, *dpa, ext);
    }
    return i >= 0;
}

bool cxl_type3_mem_enabled(CXLType3Dev *ct3)
{
    PCIDevice *d = PCI_DEVICE(ct3);

    return pci_get_word(d->config + ct3->dvsec_device + DEV_DVSEC_CTRL) &
           DEV_CTRL_MEM_ENABLE;
}

void cxl_type3_fw_set_range(CXLType3Dev *ct3, bool persistent, uint64_t base)
{
    PCIDevice *d = PCI_DEVICE(ct3);
    /* one range per capacity, volatile first (ct3_dvsec_ranges_init()) */
    unsigned n = persistent && ct3->vsize ? 1 : 0;
    uint16_t o = ct3->dvsec_device;

    pci_set_long(d->config + o + DEV_DVSEC_RANGE_BASE_HI(n), base >> 32);
    pci_set_long(d->config + o + DEV_DVSEC_RANGE_BASE_LO(n),
                 base & RANGE_BASE_LO_MASK);
}

void cxl_type3_fw_enable_mem(CXLType3Dev *ct3)
{
    PCIDevice *d = PCI_DEVICE(ct3);
    uint16_t o = ct3->dvsec_device + DEV_DVSEC_CTRL;

    pci_set_word(d->config + o, pci_get_word(d->config + o) |
                 DEV_CTRL_MEM_ENABLE);
}

CXLType3Dev *cxl_type3_from_qmp_path(const char *path, Error **errp)
{
    Object *obj = cxl_qmp_device(path, TYPE_CXL_TYPE3, errp);

    return obj ? CXL_TYPE3(obj) : NULL;
}

/* ---- the memory target (include/hw/cxl/cxl-mem-target.h) ---- */

/*
 * The hooks below are this class's (and its subclasses'): @t is a
 * CXLType3Dev. Unchecked, as they run for every route and per-access
 * access, where a checked cast (a type lookup) cost a quarter of a scan.
 */
static inline CXLType3Dev *ct3_of_target(CXLMemTarget *t)
{
    return (CXLType3Dev *)t;
}

static CXLDecodeResult ct3_target_decode(CXLMemTarget *t, uint64_t hpa,
                                         CXLExtent *ext, PCIDevice **port,
                                         uint64_t *dpa)
{
    CXLType3Dev *ct3 = ct3_of_target(t);

    return cxl_type3_mem_enabled(ct3) && cxl_type3_decode(ct3, hpa, dpa, ext)
           ? CXL_DECODE_DPA : CXL_DECODE_NONE;
}

static uint8_t *ct3_target_dpa_ptr(CXLMemTarget *t, uint64_t dpa,
                                   uint64_t len)
{
    return cxl_type3_dpa_ptr(ct3_of_target(t), dpa, len);
}

static bool ct3_target_poisoned(CXLMemTarget *t, uint64_t dpa, uint64_t len)
{
    return cxl_type3_poisoned(ct3_of_target(t), dpa, len);
}

static CXLMemSharing ct3_target_dpa_sharing(CXLMemTarget *t, uint64_t dpa,
                                            uint64_t len)
{
    return cxl_type3_dpa_sharing(ct3_of_target(t), dpa, len);
}

static AddressSpace *ct3_target_dpa_space(CXLMemTarget *t)
{
    return &ct3_of_target(t)->dpa_as;
}

static CXLFastTarget *ct3_target_fast_path(CXLMemTarget *t)
{
    return &ct3_of_target(t)->fast_path;
}

/* ---- interrupts ---- */

static void ct3_irq(void *opaque, unsigned vector)
{
    PCIDevice *d = opaque;

    if (msix_enabled(d)) {
        msix_notify(d, vector);
    }
}

static uint32_t ct3_event_status(void *opaque)
{
    return cxl_events_status(&CXL_TYPE3(opaque)->events);
}

static uint64_t ct3_memdev_status(void *opaque)
{
    uint64_t v = 0;

    v = FIELD_DP64(v, CXL_MEMDEV_STATUS, MEDIA_STATUS,
                   CXL_TYPE3(opaque)->cci.media_disabled ? CXL_MEDIA_DISABLED
                                                         : CXL_MEDIA_READY);
    return FIELD_DP64(v, CXL_MEMDEV_STATUS, MBOX_READY, 1);
}

/* The HDM decoder filter of the CPMUs: which decoder decodes @hpa */
static int ct3_pmu_decoder(PCIDevice *d, uint64_t hpa)
{
    CXLType3Dev *ct3 = CXL_TYPE3(d);
    uint64_t dpa;

    return ct3->comp.hdm.enabled ? cxl_hdm_decode(&ct3->comp.hdm, hpa, NULL,
                                                  &dpa) : -1;
}

/* ---- DOE: CDAT over Table Access (CXL r3.1 8.1.11) ---- */

static bool ct3_doe_cdat(DOECap *doe)
{
    return cxl_doe_cdat_respond(doe, CXL_TYPE3(doe->pdev)->cdat);
}

/* ---- DOE: Compliance (CXL r3.1 14.16, hw/cxl/cxl-compliance.c) ---- */

static CXLCompStatus ct3_compliance_mem_poison(PCIDevice *d, uint8_t opcode,
                                               uint64_t dpa,
                                               const uint8_t *data)
{
    CXLType3Dev *ct3 = CXL_TYPE3(d);
    CXLRetCode rc;

    if (ct3->cci.media_disabled) {
        return CXL_COMP_TARGET_BUSY;            /* Sanitize runs */
    }
    if (ct3->cci.media_locked) {
        return CXL_COMP_NOT_AUTHORIZED;         /* security: locked */
    }
    rc = opcode == CXL_COMP_MEM_POISON_CLEAR ?
         cxl_type3_clear_poison(ct3, dpa, data) :
         cxl_type3_inject_poison(ct3, dpa);
    switch (rc) {
    case CXL_RC_SUCCESS:
        return CXL_COMP_SUCCESS;
    case CXL_RC_INVALID_INPUT:                  /* not 64-byte aligned */
    case CXL_RC_INVALID_PHYSICAL_ADDRESS:
        return CXL_COMP_INVALID_ADDRESS;
    default:                                    /* the injection limit */
        return CXL_COMP_UNKNOWN_FAILURE;
    }
}

/*
 * Inject Viral: with Viral_Enable set, the device enters viral (Viral
 * Status in the CXL device DVSEC, until software clears it). That is all
 * of viral we model: no link carries the indication, and the data path
 * goes on as before. CXL.io and CXL.mem only: the device has no CXL.cache.
 */
static CXLCompStatus ct3_compliance_viral(PCIDevice *d, uint8_t protocol)
{
    uint16_t o = CXL_TYPE3(d)->dvsec_device;

    if (protocol != CXL_COMP_PROTOCOL_IO &&
        protocol != CXL_COMP_PROTOCOL_MEM) {
        return CXL_COMP_UNSUPPORTED;
    }
    if (!(pci_get_word(d->config + o + DEV_DVSEC_CTRL) &
          DEV_CTRL_VIRAL_ENABLE)) {
        return CXL_COMP_TARGET_NOT_INITIALIZED;
    }
    pci_word_test_and_set_mask(d->config + o + DEV_DVSEC_STATUS,
                               DEV_STATUS_VIRAL);
    return CXL_COMP_SUCCESS;
}

static const CXLComplianceOps ct3_compliance_ops = {
    .mem_poison = ct3_compliance_mem_poison,
    .viral = ct3_compliance_viral,
};

static bool ct3_doe_compliance(DOECap *doe)
{
    return cxl_compliance_respond(doe, &ct3_compliance_ops);
}

static DOEProtocol ct3_doe_protocols[] = {
    { CXL_VENDOR_ID, CXL_DOE_PROTOCOL_TABLE_ACCESS, ct3_doe_cdat },
    { CXL_VENDOR_ID, CXL_DOE_PROTOCOL_COMPLIANCE, ct3_doe_compliance },
    { }
};

static bool ct3_build_cdat(CXLType3Dev *ct3, Error **errp)
{
    CXLCDATRange ranges[2 + CXL_DC_MAX_REGIONS];
    unsigned n = 0;

    if (ct3->cdat_file) {
        ct3->cdat = cxl_cdat_load_file(ct3->cdat_file, errp);
        if (!ct3->cdat) {
            error_prepend(errp, "%s: cdat: ", TYPE_CXL_TYPE3);
            return false;
        }
        return true;
    }
    if (ct3->vsize) {
        cxl_cdat_range_init(&ranges[n++], 0, ct3->vsize, false);
    }
    if (ct3->psize) {
        cxl_cdat_range_init(&ranges[n++], ct3->vsize, ct3->psize, true);
    }
    /* a DSMAS per DC region: its DSMAD handle is its index here */
    n += cxl_type3_dc_cdat_ranges(ct3, &ranges[n]);
    ct3->cdat = cxl_cdat_build_type3(ranges, n, errp);
    return ct3->cdat != NULL;
}

/* ---- config space ---- */

/* CXL device DVSEC: one range register per capacity */
static void ct3_dvsec_ranges_init(CXLType3Dev *ct3)
{
    PCIDevice *d = PCI_DEVICE(ct3);
    uint16_t o = ct3->dvsec_device;
    uint64_t sizes[2] = { ct3->vsize, ct3->psize };
    unsigned nr_ranges = 0;

    for (unsigned i = 0; i < 2; i++) {
        pci_set_long(d->config + o + DEV_DVSEC_RANGE_SIZE_HI(i), 0);
        pci_set_long(d->config + o + DEV_DVSEC_RANGE_SIZE_LO(i), 0);
        pci_set_long(d->wmask + o + DEV_DVSEC_RANGE_BASE_HI(i), 0);
        pci_set_long(d->wmask + o + DEV_DVSEC_RANGE_BASE_LO(i), 0);
    }
    for (unsigned i = 0; i < 2; i++) {
        if (!sizes[i]) {
            continue;
        }
        pci_set_long(d->config + o + DEV_DVSEC_RANGE_SIZE_HI(nr_ranges),
                     sizes[i] >> 32);
        pci_set_long(d->config + o + DEV_DVSEC_RANGE_SIZE_LO(nr_ranges),
                     (sizes[i] & RANGE_BASE_LO_MASK) | RANGE_INFO_VALID |
                     RANGE_ACTIVE | RANGE_MEDIA_CDAT | RANGE_CLASS_CDAT);
        pci_set_long(d->wmask + o + DEV_DVSEC_RANGE_BASE_HI(nr_ranges),
                     0xffffffff);
        pci_set_long(d->wmask + o + DEV_DVSEC_RANGE_BASE_LO(nr_ranges),
                     RANGE_BASE_LO_MASK);
        nr_ranges++;
    }
    pci_set_word(d->config + o + DEV_DVSEC_CAP, DEV_CAP_IO | DEV_CAP_MEM |
                 nr_ranges << DEV_CAP_HDM_COUNT_SHIFT | DEV_CAP_VIRAL);
}

static void ct3_dvsecs_init(CXLType3Dev *ct3)
{
    PCIDevice *d = PCI_DEVICE(ct3);
    uint16_t o = CT3_DVSEC_OFFSET;
    CXLRegBlock blocks[2 + CXL_PMU_MAX_INSTANCES] = {
        { .bar = CT3_BAR_COMPONENT, .id = CXL_REGLOC_COMPONENT, .offset = 0 },
        { .bar = CT3_BAR_DEVICE, .id = CXL_REGLOC_MEMDEV, .offset = 0 },
    };
    unsigned nr_blocks = 2;

    ct3->dvsec_device = o;
    cxl_dvsec_add(d, o, CXL_DVSEC_DEVICE, DEV_DVSEC_REV, DEV_DVSEC_LENGTH);
    ct3_dvsec_ranges_init(ct3);
    pci_set_word(d->config + o + DEV_DVSEC_CTRL, DEV_CTRL_IO_ENABLE);
    pci_set_word(d->wmask + o + DEV_DVSEC_CTRL, DEV_CTRL_MEM_ENABLE |
                 DEV_CTRL_VIRAL_ENABLE);
    pci_set_word(d->wmask + o + DEV_DVSEC_LOCK, DEV_LOCK_CONFIG);
    /* Viral Status: sticky, so a reset leaves it (QEMU's only clears the
     * standard header's status) */
    pci_set_word(d->w1cmask + o + DEV_DVSEC_STATUS, DEV_STATUS_VIRAL);
    o += DEV_DVSEC_LENGTH;

    /* GPF for devices: phase 2 takes 10 ms (base 1, scale 10 ms) and 0 mW */
    cxl_dvsec_add(d, o, CXL_DVSEC_DEVICE_GPF, 0, DEV_GPF_LENGTH);
    pci_set_word(d->config + o + DEV_GPF_PHASE2_DURATION, 1 | (4 << 8));
    pci_set_long(d->config + o + DEV_GPF_PHASE2_POWER, 0);
    o += DEV_GPF_LENGTH;

    o = cxl_dvsec_add_flexbus(d, o);
    cxl_pmu_reg_blocks(&ct3->pmus, blocks, &nr_blocks);
    /* an RCD's component registers are behind the RCRB, not in a BAR */
    cxl_dvsec_add_register_locator(d, o, ct3->rch ? &blocks[1] : blocks,
                                   ct3->rch ? nr_blocks - 1 : nr_blocks);
}

static void ct3_apply_config_lock(PCIDevice *d, uint16_t o);

static void ct3_config_write(PCIDevice *d, uint32_t addr, uint32_t val,
                             int len)
{
    CXLType3Dev *ct3 = CXL_TYPE3(d);
    uint16_t o = ct3->dvsec_device;

    pcie_doe_write_config(&ct3->doe, addr, val, len);
    pci_default_write_config(d, addr, val, len);
    pcie_aer_write_config(d, addr, val, len);
    if (ranges_overlap(o, DEV_DVSEC_LENGTH, addr, len)) {
        /* Mem_Enable, the range registers: what the device decodes */
        cxl_notify_state_changed(OBJECT(d), CXL_NOTIFY_ALL, 0, 0);
    }

    ct3_apply_config_lock(d, o);
}

static uint32_t ct3_config_read(PCIDevice *d, uint32_t addr, int len)
{
    CXLType3Dev *ct3 = CXL_TYPE3(d);
    uint32_t val;

    if (pcie_doe_read_config(&ct3->doe, addr, len, &val)) {
        return val;
    }
    return pci_default_read_config(d, addr, len);
}

/* ---- realize ---- */

static bool ct3_backend(CXLType3Dev *ct3, HostMemoryBackend *b,
                        const char *prop, uint64_t *size, uint8_t **ptr,
                        Error **errp)
{
    MemoryRegion *mr;

    if (!b) {
        *size = 0;
        return true;
    }
    if (host_memory_backend_is_mapped(b)) {
        error_setg(errp, "%s: %s: memory backend '%s' is already in use",
                   TYPE_CXL_TYPE3, prop,
                   object_get_canonical_path_component(OBJECT(b)));
        return false;
    }
    mr = host_memory_backend_get_memory(b);
    *size = memory_region_size(mr);
    if (!*size || *size % CXL_HDM_ALIGN) {
        error_setg(errp, "%s: %s: the size of memory backend '%s' (0x%" PRIx64
                   ") must be a non-zero multiple of 256 MiB", TYPE_CXL_TYPE3,
                   prop, object_get_canonical_path_component(OBJECT(b)),
                   *size);
        return false;
    }
    *ptr = memory_region_get_ram_ptr(mr);
    host_memory_backend_set_mapped(b, true);
    return true;
}

/*
 * The backends' memory migrates with RAM migration, under the device's
 * name (a view's backend is its MLD's, which registers it). Not the DC
 * backend of a head of a multi-headed device: the other heads share it
 * and go on writing it (cxl-type3-mhd.c).
 */
static void ct3_register_ram(CXLType3Dev *ct3, bool reg)
{
    HostMemoryBackend *b[] = { ct3->hostvmem, ct3->hostpmem, ct3->lsa,
                               ct3->mhd_state ? NULL : ct3->hostdc };

    for (unsigned i = 0; !ct3->ld_of && i < ARRAY_SIZE(b); i++) {
        if (!b[i]) {
            continue;
        }
        if (reg) {
            vmstate_register_ram(host_memory_backend_get_memory(b[i]),
                                 DEVICE(ct3));
        } else {
            vmstate_unregister_ram(host_memory_backend_get_memory(b[i]),
                                   DEVICE(ct3));
        }
    }
}

/*
 * "memdev" is the old name of "persistent-memdev". It has a field of its
 * own: two strong link properties on one field would each drop the
 * backend's reference when the device is finalized (an unplug), one
 * more than was taken. Its reference moves to hostpmem here.
 */
static bool ct3_legacy_memdev(CXLType3Dev *ct3, Error **errp)
{
    if (!ct3->hostmem_legacy) {
        return true;
    }
    if (ct3->hostpmem) {
        error_setg(errp, "%s: memdev is the old name of persistent-memdev: "
                   "set only one of them", TYPE_CXL_TYPE3);
        return false;
    }
    ct3->hostpmem = ct3->hostmem_legacy;
    ct3->hostmem_legacy = NULL;
    return true;
}

static bool ct3_check_props(CXLType3Dev *ct3, Error **errp)
{
    PCIBus *bus = pci_get_bus(PCI_DEVICE(ct3));
    const struct {
        const char *name;
        uint32_t ms;
    } durations[] = {
        { "scan-media-ms", ct3->scan_media_ms },
        { "fw-transfer-ms-per-mib", ct3->fw_transfer_ms_per_mib },
        { "sanitize-ms", ct3->sanitize_ms },
    };

    CXLHostBridge *rch = cxl_rch_of_bus(bus);

    if (rch) {
        const char *what = ct3->hostdc ? "dynamic capacity" :
                           ct3->num_lds > 1 || ct3->ld_of ? "logical devices" :
                           ct3->hdm_db ? "Back-Invalidate (hdm-db)" :
                           ct3->pmus.nr ? "CPMUs (num-cpmus)" : NULL;

        if (what) {
            error_setg(errp, "%s '%s': an RCD (a memory device on the bus of "
                       "Restricted CXL Host '%s') cannot have %s: CXL 1.1 "
                       "devices have none", TYPE_CXL_TYPE3,
                       DEVICE(ct3)->id ?: "",
                       DEVICE(rch)->id ?: TYPE_CXL_HOST_BRIDGE, what);
            return false;
        }
        if (rch->rcd) {
            error_setg(errp, "%s '%s': a Restricted CXL Host (pxb-cxl '%s', "
                       "rch=on) links to one RCD, and '%s' is that already",
                       TYPE_CXL_TYPE3, DEVICE(ct3)->id ?: "",
                       DEVICE(rch)->id ?: "",
                       DEVICE(rch->rcd)->id ?: TYPE_CXL_TYPE3);
            return false;
        }
    } else if (!pci_bus_is_cxl(bus) || pci_bus_is_root(bus)) {
        error_setg(errp, "%s: a CXL memory device must be below a CXL root "
                   "port or switch downstream port (bus=<cxl-rp or "
                   "cxl-downstream id>), or on the bus of a Restricted CXL "
                   "Host (pxb-cxl with rch=on) as its CXL 1.1 RCD",
                   TYPE_CXL_TYPE3);
        return false;
    }
    if (!ct3->hostvmem && !ct3->hostpmem && !ct3->hostdc) {
        error_setg(errp, "%s: at least one of volatile-memdev, "
                   "persistent-memdev and volatile-dc-memdev must be set",
                   TYPE_CXL_TYPE3);
        return false;
    }
    if (ct3->hdm_db && !ct3->flit) {
        /* BI channels only exist in 256-byte flit mode (CXL 3.x) */
        error_setg(errp, "%s: hdm-db=on (Back-Invalidate) requires "
                   "x-256b-flit=on: BI messages need 256-byte flit mode",
                   TYPE_CXL_TYPE3);
        return false;
    }
    if (ct3->lsa && !ct3->hostpmem) {
        /* labels describe persistent capacity; Linux ignores them otherwise */
        warn_report("%s: lsa is set but persistent-memdev is not",
                    TYPE_CXL_TYPE3);
    }
    if (!cxl_cci_check_payload_size(ct3->payload_size, TYPE_CXL_TYPE3,
                                    errp) ||
        !cxl_hdm_check_count(TYPE_CXL_TYPE3, ct3->nr_decoders, errp)) {
        return false;
    }
    if (ct3->maint_ms > CXL_TYPE3_MAINT_MS_MAX) {
        error_setg(errp, "%s: maintenance-ms must be from 0 (no background "
                   "operation) to %d, the features' maximum latency field "
                   "(got %" PRIu32 ")",
                   TYPE_CXL_TYPE3, CXL_TYPE3_MAINT_MS_MAX, ct3->maint_ms);
        return false;
    }
    /* the range the durations feature takes too (Set Feature) */
    for (unsigned i = 0; i < ARRAY_SIZE(durations); i++) {
        if (durations[i].ms > CXL_TYPE3_DURATION_MS_MAX) {
            error_setg(errp, "%s: %s must be at most %d, an hour (got %"
                       PRIu32 ")", TYPE_CXL_TYPE3, durations[i].name,
                       CXL_TYPE3_DURATION_MS_MAX, durations[i].ms);
            return false;
        }
    }
    if (!ct3->event_log_size ||
        ct3->event_log_size > CXL_EVENT_LOG_CAPACITY_MAX) {
        error_setg(errp, "%s: event-log-size must be from 1 to %d records, "
                   "the most Identify Memory Device's 16-bit Event Log Size "
                   "fields report (got %" PRIu32 ")", TYPE_CXL_TYPE3,
                   CXL_EVENT_LOG_CAPACITY_MAX, ct3->event_log_size);
        return false;
    }
    if (!ct3->poison_list_max ||
        ct3->poison_list_max > CXL_TYPE3_POISON_LIST_MAX_MAX) {
        error_setg(errp, "%s: poison-list-max must be from 1 to %d records, "
                   "the most Identify Memory Device's 24-bit Poison List "
                   "Maximum Media Error Records field reports (got %" PRIu32
                   ")", TYPE_CXL_TYPE3, CXL_TYPE3_POISON_LIST_MAX_MAX,
                   ct3->poison_list_max);
        return false;
    }
    if (ct3->maint_spares > CXL_TYPE3_MAINT_SPARES_MAX) {
        error_setg(errp, "%s: maintenance-spares must be at most %d, the "
                   "event record's 16-bit field (got %" PRIu32 ")",
                   TYPE_CXL_TYPE3, CXL_TYPE3_MAINT_SPARES_MAX,
                   ct3->maint_spares);
        return false;
    }
    if (ct3->lsa) {
        uint64_t lsa_size =
            memory_region_size(host_memory_backend_get_memory(ct3->lsa));

        if (host_memory_backend_is_mapped(ct3->lsa)) {
            error_setg(errp, "%s: lsa: memory backend '%s' is already in use",
                       TYPE_CXL_TYPE3,
                       object_get_canonical_path_component(OBJECT(ct3->lsa)));
            return false;
        }
        if (lsa_size > UINT32_MAX) {
            error_setg(errp, "%s: lsa: the label storage area is limited to "
                       "4 GiB", TYPE_CXL_TYPE3);
            return false;
        }
    }
    return true;
}

/*
 * The DPA space: what the fast path maps (the memory target's dpa_space)
 * and device writes go through, so TCG drops code translated from what
 * they change.
 */
static void ct3_dpa_space_init(CXLType3Dev *ct3)
{
    HostMemoryBackend *b[3] = { ct3->hostvmem, ct3->hostpmem, ct3->hostdc };
    uint64_t size[3] = { ct3->vsize, ct3->psize, ct3->dcsize };
    static const char *const names[3] = {
        "cxl-type3-dpa-volatile", "cxl-type3-dpa-persistent",
        "cxl-type3-dpa-dynamic",
    };
    Object *obj = OBJECT(ct3);
    uint64_t at = 0;

    memory_region_init(&ct3->dpa_mr, obj, "cxl-type3-dpa",
                       ct3->vsize + ct3->psize + ct3->dcsize);
    for (unsigned i = 0; i < 3; i++) {
        /* an LD's window may be empty now and grow (cxl_type3_set_window) */
        if (!size[i] && !(ct3->mld && b[i])) {
            continue;
        }
        memory_region_init_alias(&ct3->dpa_alias[i], obj, names[i],
                                 host_memory_backend_get_memory(b[i]),
                                 ct3->media_offset, size[i]);
        memory_region_add_subregion(&ct3->dpa_mr, at, &ct3->dpa_alias[i]);
        at += size[i];
    }
    address_space_init(&ct3->dpa_as, &ct3->dpa_mr, "cxl-type3-dpa");
}

void cxl_type3_set_window(CXLType3Dev *ct3, uint64_t offset, uint64_t size)
{
    CXLType3MLD *mld = ct3->mld;
    unsigned i = mld->persistent;
    Error *err = NULL;

    ct3->media_offset = offset;
    if (mld->persistent) {
        ct3->psize = size;
        ct3->pptr = mld->media + offset;
    } else {
        ct3->vsize = size;
        ct3->vptr = mld->media + offset;
    }
    if (!DEVICE(ct3)->realized) {
        return;                 /* realize builds the rest */
    }
    memory_region_transaction_begin();
    memory_region_set_size(&ct3->dpa_mr, size);
    memory_region_set_alias_offset(&ct3->dpa_alias[i], offset);
    memory_region_set_size(&ct3->dpa_alias[i], size);
    memory_region_transaction_commit();
    ct3->comp.hdm.caps.dpa_size = size;
    ct3_dvsec_ranges_init(ct3);
    if (!ct3->cdat_file) {
        g_clear_pointer(&ct3->cdat, g_byte_array_unref);
        if (!ct3_build_cdat(ct3, &err)) {
            /* cannot happen for a window within the media */
            error_report_err(err);
        }
    }
    /* a window may map other memory now */
    cxl_notify_state_changed(OBJECT(ct3), CXL_NOTIFY_ALL, 0, 0);
}

/*
 * The fabric manager's CCI (FM-owned) of a device with dynamic capacity:
 * the generic commands (Identify, Background Operation Status, logs with
 * its own CEL, timestamp) and the FM API command sets of the device. No
 * mailbox registers: a switch's Tunnel Management Command (5300h) reaches
 * it with CCI messages (cxl_cci_msg_execute()), as MCTP will. Its payload
 * size is the host mailbox's.
 */
/* What the device's CCIs (the mailbox's and the FM's) have in common */
static void ct3_cci_init(CXLType3Dev *ct3, CXLCCI *cci, const char *name)
{
    cxl_cci_init(cci, OBJECT(ct3), name, ct3, ct3->payload_size);
    cxl_cci_set_pci_identity(cci, PCI_DEVICE(ct3));
    cci->serial = cxl_serial(ct3->sn);
    cci->component_type = CXL_CCI_COMPONENT_TYPE3;
}

static void ct3_ccis_cleanup(CXLType3Dev *ct3)
{
    cxl_cci_cleanup(&ct3->cci);
    cxl_cci_cleanup(&ct3->fm_cci);
    cxl_events_cleanup(&ct3->events);
    ct3->has_fm_cci = false;
}

static void ct3_fm_cci_init(CXLType3Dev *ct3)
{
    CXLCCI *cci = &ct3->fm_cci;

    if (!ct3->dc && !(ct3->mld && ct3->mld->owner == ct3)) {
        return;
    }
    ct3_cci_init(ct3, cci, "cxl-type3-fm");
    /* the FM API command sets, one table each (add others here) */
    if (ct3->dc) {
        cxl_type3_fm_dcd_add_commands(cci);
        cxl_type3_mhd_add_commands(ct3, cci);
    } else {
        /* an MLD's: the LD-FAM CCI (FM-owned LD) */
        cxl_type3_mld_add_commands(cci);
    }
    cxl_cci_finalize(cci);
    ct3->has_fm_cci = true;
}

static void ct3_realize(PCIDevice *d, Error **errp)
{
    ERRP_GUARD();
    CXLType3Dev *ct3 = CXL_TYPE3(d);
    Object *obj = OBJECT(d);
    CXLHDMCaps caps;
    uint64_t dc_backend_size;
    MemoryRegion *bar0;
    unsigned nr_vectors;

    trace_cxl_type3_realize(DEVICE(d)->id ?: "", d->devfn);
    if (!ct3_legacy_memdev(ct3, errp) || !cxl_type3_mld_check(ct3, errp) ||
        !ct3_check_props(ct3, errp)) {
        goto fail_backends;
    }
    ct3->rch = cxl_rch_of_bus(pci_get_bus(d));
    if (ct3->ld_of) {
        /* an LD's view: the MLD has the backend mapped */
        if (!cxl_type3_mld_realize(ct3, errp)) {
            goto fail_backends;
        }
    } else if (!ct3_backend(ct3, ct3->hostvmem, "volatile-memdev",
                            &ct3->vsize, &ct3->vptr, errp) ||
               !ct3_backend(ct3, ct3->hostpmem, "persistent-memdev",
                            &ct3->psize, &ct3->pptr, errp) ||
               !ct3_backend(ct3, ct3->hostdc, "volatile-dc-memdev",
                            &dc_backend_size, &ct3->dcptr, errp) ||
               !cxl_type3_dc_realize(ct3, dc_backend_size, errp) ||
               !cxl_type3_mld_realize(ct3, errp)) {
        goto fail_backends;
    }
    if (!ct3_build_cdat(ct3, errp)) {
        goto fail_backends;
    }

    pci_config_set_prog_interface(d->config, 0x10);
    pcie_endpoint_cap_init(d, CT3_PCIE_OFFSET);
    cxl_link_init_ep_usp(d, ct3->speed, ct3->width, ct3->flit);
    /* error reporting enables in Device Control (AER needs them) */
    pcie_cap_deverr_init(d);

    /* component registers: 4 HDM decoders, every interleave the spec has */
    caps = (CXLHDMCaps) {
        .kind = CXL_HDM_ENDPOINT, .nr_decoders = ct3->nr_decoders,
        .iw_3_6_12 = true, .iw_16 = true,
        .dpa_size = ct3->vsize + ct3->psize + ct3->dcsize,
    };
    cxl_component_init(&ct3->comp, obj, "cxl-type3-component", &caps);
    if (ct3->hdm_db) {
        cxl_component_init_bi(&ct3->comp, CXL_BI_DECODER);
    }
    if (!ct3->rch) {
        bar0 = cxl_pmu_realize(&ct3->pmus, d, &ct3->comp.mr, "cxl-type3-cpmu",
                               CT3_VEC_PMU, cxl_pmu_irq_msi, ct3_pmu_decoder,
                               errp);
        if (!bar0) {
            goto fail_backends;
        }
        pci_register_bar(d, CT3_BAR_COMPONENT, PCI_BASE_ADDRESS_SPACE_MEMORY |
                         PCI_BASE_ADDRESS_MEM_TYPE_64, bar0);
    }

    /* mailbox and device registers */
    ct3_cci_init(ct3, &ct3->cci, "cxl-type3");
    ct3->cci.events = &ct3->events;
    cxl_events_init(&ct3->events, ct3->event_log_size);
    cxl_cci_add_commands(&ct3->cci, cxl_event_commands, cxl_event_commands_len);
    cxl_cci_add_commands(&ct3->cci, cxl_type3_commands, cxl_type3_commands_len);
    cxl_type3_poison_init(ct3);
    cxl_cci_add_commands(&ct3->cci, cxl_type3_fw_commands,
                         cxl_type3_fw_commands_len);
    cxl_type3_fw_init(ct3);
    cxl_cci_add_commands(&ct3->cci, cxl_type3_sanitize_commands,
                         cxl_type3_sanitize_commands_len);
    cxl_cci_add_commands(&ct3->cci, cxl_type3_media_ops_commands,
                         cxl_type3_media_ops_commands_len);
    cxl_cci_add_commands(&ct3->cci, cxl_type3_security_commands,
                         cxl_type3_security_commands_len);
    cxl_cci_add_commands(&ct3->cci, cxl_type3_feature_commands,
                         cxl_type3_feature_commands_len);
    cxl_type3_features_init(ct3);
    cxl_type3_dc_add_commands(ct3);
    if (!cxl_type3_state_load(ct3, errp)) {
        goto fail_cci;
    }
    cxl_cci_finalize(&ct3->cci);
    ct3_fm_cci_init(ct3);
    ct3->events.irq = ct3_irq;
    ct3->events.opaque = d;

    ct3->devregs.opaque = d;
    ct3->devregs.event_status = ct3_event_status;
    ct3->devregs.memdev_status = ct3_memdev_status;
    ct3->devregs.irq = ct3_irq;
    ct3->devregs.irq_vector = CT3_VEC_MBOX;
    cxl_device_regs_init(&ct3->devregs, obj, "cxl-type3-device-registers",
                         &ct3->cci, true);
    pci_register_bar(d, CT3_BAR_DEVICE, PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64, &ct3->devregs.mr);

    nr_vectors = CT3_NR_VECTORS + (ct3->pmus.nr ? 1 : 0);
    if (msix_init_exclusive_bar(d, nr_vectors, CT3_BAR_MSIX, errp)) {
        goto fail_regs;
    }
    for (unsigned v = 0; v < nr_vectors; v++) {
        msix_vector_use(d, v);
    }

    if (pcie_aer_init(d, PCI_ERR_VER, CT3_AER_OFFSET, PCI_ERR_SIZEOF, errp)) {
        goto fail_msix;
    }
    if (ct3->sn != CXL_SN_UNSET) {
        pcie_dev_ser_num_init(d, CT3_DSN_OFFSET, ct3->sn);
    }
    pcie_doe_init(d, &ct3->doe, CT3_DOE_OFFSET, ct3_doe_protocols, true,
                  CT3_VEC_DOE);
    ct3_dvsecs_init(ct3);
    if (ct3->lsa) {
        host_memory_backend_set_mapped(ct3->lsa, true);
    }
    ct3_dpa_space_init(ct3);
    ct3_register_ram(ct3, true);
    cxl_type3_state_init(ct3);
    if (ct3->rch) {
        /* checked in ct3_check_props(): cannot fail */
        cxl_rch_attach_rcd(ct3->rch, d, &ct3->comp.mr, &error_abort);
    }
    /* a window may now reach memory it found nothing behind before */
    cxl_notify_target(obj, CXL_NOTIFY_TARGET_ADDED);
    return;

fail_msix:
    msix_uninit_exclusive_bar(d);
fail_regs:
    cxl_device_regs_cleanup(&ct3->devregs);
fail_cci:
    ct3_ccis_cleanup(ct3);
    cxl_pmu_unrealize(&ct3->pmus);
    cxl_type3_poison_cleanup(ct3);
    cxl_type3_fw_cleanup(ct3);
    cxl_type3_features_cleanup(ct3);
fail_backends:
    g_clear_pointer(&ct3->cdat, g_byte_array_unref);
    cxl_type3_dc_cleanup(ct3);
    if (ct3->ld_of) {
        /* the backend is the MLD's */
        cxl_type3_mld_cleanup(ct3);
        ct3->vptr = ct3->pptr = NULL;
        return;
    }
    cxl_type3_mld_cleanup(ct3);
    if (ct3->vptr) {
        host_memory_backend_set_mapped(ct3->hostvmem, false);
    }
    if (ct3->pptr) {
        host_memory_backend_set_mapped(ct3->hostpmem, false);
    }
    if (ct3->dcptr) {
        host_memory_backend_set_mapped(ct3->hostdc, false);
    }
    ct3->vptr = ct3->pptr = ct3->dcptr = NULL;
}

static void ct3_exit(PCIDevice *d)
{
    CXLType3Dev *ct3 = CXL_TYPE3(d);

    if (ct3->rch) {
        cxl_rch_detach_rcd(ct3->rch, d);
        ct3->rch = NULL;
    }
    /* no window may keep mapping the memory */
    cxl_notify_target(OBJECT(d), CXL_NOTIFY_TARGET_REMOVED);
    address_space_destroy(&ct3->dpa_as);

    ct3_register_ram(ct3, false);
    cxl_type3_state_cleanup(ct3);
    pcie_doe_fini(&ct3->doe);
    pcie_aer_exit(d);
    msix_uninit_exclusive_bar(d);
    cxl_device_regs_cleanup(&ct3->devregs);
    ct3_ccis_cleanup(ct3);
    cxl_pmu_unrealize(&ct3->pmus);
    cxl_type3_poison_cleanup(ct3);
    cxl_type3_fw_cleanup(ct3);
    cxl_type3_features_cleanup(ct3);
    cxl_type3_dc_cleanup(ct3);
    g_clear_pointer(&ct3->cdat, g_byte_array_unref);
    cxl_type3_mld_cleanup(ct3);
    if (ct3->ld_of) {
        return;                 /* the backend is the MLD's */
    }
    if (ct3->hostdc) {
        host_memory_backend_set_mapped(ct3->hostdc, false);
    }
    if (ct3->hostvmem) {
        host_memory_backend_set_mapped(ct3->hostvmem, false);
    }
    if (ct3->hostpmem) {
        host_memory_backend_set_mapped(ct3->hostpmem, false);
    }
    if (ct3->lsa) {
        host_memory_backend_set_mapped(ct3->lsa, false);
    }
}

static void ct3_reset(DeviceState *dev)
{
    CXLType3Dev *ct3 = CXL_TYPE3(dev);
    PCIDevice *d = PCI_DEVICE(dev);
    uint16_t o = ct3->dvsec_device;
    unsigned nr_ranges = !!ct3->vsize + !!ct3->psize;

    trace_cxl_type3_reset(dev->id ?: "", d->devfn);
    cxl_component_reset(&ct3->comp);
    cxl_pmu_reset(&ct3->pmus);
    cxl_cci_reset(&ct3->cci);
    if (ct3->has_fm_cci) {
        cxl_cci_reset(&ct3->fm_cci);
    }
    cxl_type3_poison_reset(ct3);
    cxl_type3_fw_reset(ct3);
    cxl_type3_features_reset(ct3);
    cxl_type3_security_reset(ct3);
    cxl_device_regs_reset(&ct3->devregs);
    cxl_events_reset(&ct3->events, CT3_VEC_EVENTS);
    cxl_type3_dc_reset(ct3);
    /* a reset goes through the flush: the shutdown state is clean again */
    ct3->shutdown_dirty = false;
    cxl_type3_state_save(ct3);

    /* DVSEC: memory disabled, unlocked, range bases 0 */
    pci_set_word(d->config + o + DEV_DVSEC_CTRL, DEV_CTRL_IO_ENABLE);
    pci_set_word(d->config + o + DEV_DVSEC_LOCK, 0);
    pci_set_word(d->wmask + o + DEV_DVSEC_LOCK, DEV_LOCK_CONFIG);
    pci_set_word(d->wmask + o + DEV_DVSEC_CTRL, DEV_CTRL_MEM_ENABLE |
                 DEV_CTRL_VIRAL_ENABLE);
    for (unsigned i = 0; i < nr_ranges; i++) {
        pci_set_long(d->config + o + DEV_DVSEC_RANGE_BASE_HI(i), 0);
        pci_set_long(d->config + o + DEV_DVSEC_RANGE_BASE_LO(i), 0);
        pci_set_long(d->wmask + o + DEV_DVSEC_RANGE_BASE_HI(i), 0xffffffff);
        pci_set_long(d->wmask + o + DEV_DVSEC_RANGE_BASE_LO(i),
                     RANGE_BASE_LO_MASK);
    }
    pcie_cap_deverr_reset(d);
    cxl_aer_unmask_internal(d);
}

static void ct3_instance_init(Object *obj)
{
    CXLType3Dev *ct3 = CXL_TYPE3(obj);

    ct3->health.temperature = 25;
    ct3->alerts.life_used_crit = 100;
    ct3->alerts.over_temp_crit = 90;
    ct3->alerts.under_temp_crit = -10;
    cxl_mem_target_init_fast_path(obj, &ct3->fast_path);
}

static const Property ct3_properties[] = {
    DEFINE_PROP_LINK("volatile-memdev", CXLType3Dev, hostvmem,
                     TYPE_MEMORY_BACKEND, HostMemoryBackend *),
    DEFINE_PROP_LINK("persistent-memdev", CXLType3Dev, hostpmem,
                     TYPE_MEMORY_BACKEND, HostMemoryBackend *),
    /* the name of persistent-memdev before volatile capacity existed */
    DEFINE_PROP_LINK("memdev", CXLType3Dev, hostmem_legacy,
                     TYPE_MEMORY_BACKEND, HostMemoryBackend *),
    DEFINE_PROP_LINK("lsa", CXLType3Dev, lsa,
                     TYPE_MEMORY_BACKEND, HostMemoryBackend *),
    /* dynamic capacity (cxl-type3-dc.c) */
    DEFINE_PROP_LINK("volatile-dc-memdev", CXLType3Dev, hostdc,
                     TYPE_MEMORY_BACKEND, HostMemoryBackend *),
    DEFINE_PROP_UINT8("num-dc-regions", CXLType3Dev, num_dc_regions, 0),
    DEFINE_PROP_SIZE("dc-regions-total-size", CXLType3Dev, dc_total_size, 0),
    DEFINE_PROP_SIZE("dc-block-size", CXLType3Dev, dc_block_size,
                     CXL_TYPE3_DC_BLOCK_SIZE),
    /* multi-headed dynamic capacity (cxl-type3-mhd.c) */
    DEFINE_PROP_STRING("mhd-state", CXLType3Dev, mhd_state),
    DEFINE_PROP_UINT8("mhd-head", CXLType3Dev, mhd_head, 0),
    DEFINE_PROP_UINT8("mhd-heads", CXLType3Dev, mhd_heads, 2),
    DEFINE_PROP_UINT8("dc-sharable-regions", CXLType3Dev, dc_sharable_regions,
                      0),
    /* multi-logical device (cxl-type3-mld.c) */
    DEFINE_PROP_UINT8("num-lds", CXLType3Dev, num_lds, 1),
    DEFINE_PROP_UINT64("sn", CXLType3Dev, sn, CXL_SN_UNSET),
    DEFINE_PROP_UINT8("hdm-decoders", CXLType3Dev, nr_decoders,
                      CXL_TYPE3_DECODERS),
    DEFINE_PROP_STRING("cdat", CXLType3Dev, cdat_file),
    DEFINE_PROP_PCIE_LINK_SPEED("x-speed", CXLType3Dev, speed,
                                PCIE_LINK_SPEED_32),
    DEFINE_PROP_PCIE_LINK_WIDTH("x-width", CXLType3Dev, width,
                                PCIE_LINK_WIDTH_16),
    DEFINE_PROP_BOOL("x-256b-flit", CXLType3Dev, flit, false),
    DEFINE_PROP_BOOL("hdm-db", CXLType3Dev, hdm_db, false),
    DEFINE_PROP_BOOL("x-fm-api-mailbox", CXLType3Dev, fm_api_mailbox, false),
    DEFINE_PROP_STRING("device-state", CXLType3Dev, state_file),
    DEFINE_PROP_UINT32("mailbox-payload-size", CXLType3Dev, payload_size,
                       CXL_TYPE3_DEFAULT_PAYLOAD),
    DEFINE_PROP_UINT32("event-log-size", CXLType3Dev, event_log_size,
                       CXL_EVENT_LOG_CAPACITY),
    DEFINE_PROP_UINT32("poison-list-max", CXLType3Dev, poison_list_max,
                       CXL_TYPE3_POISON_LIST_MAX),
    DEFINE_PROP_UINT32("scan-media-ms", CXLType3Dev, scan_media_ms,
                       CXL_TYPE3_SCAN_MEDIA_MS),
    DEFINE_PROP_UINT32("fw-transfer-ms-per-mib", CXLType3Dev,
                       fw_transfer_ms_per_mib, CXL_TYPE3_FW_MS_PER_MIB),
    DEFINE_PROP_UINT32("sanitize-ms", CXLType3Dev, sanitize_ms,
                       CXL_TYPE3_SANITIZE_MS),
    DEFINE_PROP_UINT32("maintenance-ms", CXLType3Dev, maint_ms,
                       CXL_TYPE3_MAINT_MS),
    DEFINE_PROP_UINT32("maintenance-spares", CXLType3Dev, maint_spares,
                       CXL_TYPE3_MAINT_SPARES),
    /* CPMUs (hw/cxl/cxl-pmu.c): none by default */
    DEFINE_CXL_PMU_PROPERTIES(CXLType3Dev, pmus),
};

/* ---- migration ---- */

/* Config Lock (RWO) made the control and range bases read-only */
static void ct3_apply_config_lock(PCIDevice *d, uint16_t o)
{
    if (pci_get_word(d->config + o + DEV_DVSEC_LOCK) & DEV_LOCK_CONFIG) {
        pci_set_word(d->wmask + o + DEV_DVSEC_LOCK, 0);
        pci_set_word(d->wmask + o + DEV_DVSEC_CTRL, 0);
        for (unsigned i = 0; i < 2; i++) {
            pci_set_long(d->wmask + o + DEV_DVSEC_RANGE_BASE_HI(i), 0);
            pci_set_long(d->wmask + o + DEV_DVSEC_RANGE_BASE_LO(i), 0);
        }
    }
}

static int ct3_post_load(void *opaque, int version_id)
{
    CXLType3Dev *ct3 = opaque;
    CXLType3Security *sec = &ct3->sec;
    uint32_t sec_bits = CXL_TYPE3_SEC_USER_PASS_SET |
        CXL_TYPE3_SEC_MASTER_PASS_SET | CXL_TYPE3_SEC_LOCKED |
        CXL_TYPE3_SEC_FROZEN | CXL_TYPE3_SEC_USER_PLIMIT |
        CXL_TYPE3_SEC_MASTER_PLIMIT;

    if ((sec->state & ~sec_bits) || sec->user_tries > CXL_TYPE3_SEC_TRY_LIMIT ||
        sec->master_tries > CXL_TYPE3_SEC_TRY_LIMIT ||
        ct3->cci.media_locked != !!(sec->state & CXL_TYPE3_SEC_LOCKED)) {
        return -EINVAL;
    }
    ct3_apply_config_lock(PCI_DEVICE(ct3), ct3->dvsec_device);
    /*
     * Derived state follows the loaded state: the routes and the fast
     * path (decoders, Mem_Enable, media disabled or locked, poison) are
     * rebuilt on the notification; CDAT is built from the properties.
     */
    cxl_notify_state_changed(OBJECT(ct3), CXL_NOTIFY_ALL, 0, 0);
    /*
     * The device-state file holds the device's own persistent state: after
     * a load (loadvm, an incoming migration) that is the loaded state, not
     * what the machine had before (loadvm's reset wrote that)
     */
    cxl_type3_state_loaded(ct3);
    return 0;
}

static bool ct3_fm_cci_needed(void *opaque)
{
    return ((CXLType3Dev *)opaque)->has_fm_cci;
}

/*
 * A subsection the destination's device does not have (another command
 * line, a corrupt stream) fails the load before anything is loaded into it
 */
static int ct3_fm_cci_pre_load(void *opaque)
{
    return ct3_fm_cci_needed(opaque) ? 0 : -EINVAL;
}

static const VMStateDescription ct3_fm_cci_vmstate = {
    .name = TYPE_CXL_TYPE3 "/fm-cci",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = ct3_fm_cci_needed,
    .pre_load = ct3_fm_cci_pre_load,
    .fields = (const VMStateField[]) {
        VMSTATE_STRUCT(fm_cci, CXLType3Dev, 1, vmstate_cxl_cci, CXLCCI),
        VMSTATE_END_OF_LIST()
    },
};

static bool ct3_dc_needed(void *opaque)
{
    return ((CXLType3Dev *)opaque)->dc;
}

static int ct3_dc_pre_load(void *opaque)
{
    return ct3_dc_needed(opaque) ? 0 : -EINVAL;
}

static const VMStateDescription ct3_dc_vmstate = {
    .name = TYPE_CXL_TYPE3 "/dc",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = ct3_dc_needed,
    .pre_load = ct3_dc_pre_load,
    .fields = (const VMStateField[]) {
        VMSTATE_STRUCT_POINTER(dc, CXLType3Dev, vmstate_cxl_type3_dc,
                               CXLType3DC),
        VMSTATE_END_OF_LIST()
    },
};

DEFINE_CXL_PMU_VMSTATE(ct3_pmu_vmstate, TYPE_CXL_TYPE3, CXLType3Dev, pmus);

static const VMStateDescription ct3_vmstate = {
    .name = TYPE_CXL_TYPE3,
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = ct3_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_PCI_DEVICE(parent_obj, CXLType3Dev),
        VMSTATE_MSIX(parent_obj, CXLType3Dev),
        VMSTATE_STRUCT(parent_obj.exp.aer_log, CXLType3Dev, 0,
                       vmstate_pcie_aer_log, PCIEAERLog),
        VMSTATE_STRUCT(doe, CXLType3Dev, 1, vmstate_cxl_doe, DOECap),
        VMSTATE_STRUCT(comp, CXLType3Dev, 1, vmstate_cxl_component,
                       CXLComponentRegs),
        VMSTATE_STRUCT(cci, CXLType3Dev, 1, vmstate_cxl_cci, CXLCCI),
        VMSTATE_STRUCT(devregs, CXLType3Dev, 1, vmstate_cxl_device_regs,
                       CXLDeviceRegs),
        VMSTATE_STRUCT(events, CXLType3Dev, 1, vmstate_cxl_event_logs,
                       CXLEventLogs),
        VMSTATE_BOOL(shutdown_dirty, CXLType3Dev),
        VMSTATE_UINT8(health.health_status, CXLType3Dev),
        VMSTATE_UINT8(health.media_status, CXLType3Dev),
        VMSTATE_UINT8(health.life_used, CXLType3Dev),
        VMSTATE_INT16(health.temperature, CXLType3Dev),
        VMSTATE_UINT32(health.dirty_shutdowns, CXLType3Dev),
        VMSTATE_UINT32(health.corrected_volatile, CXLType3Dev),
        VMSTATE_UINT32(health.corrected_persistent, CXLType3Dev),
        VMSTATE_UINT8(alerts.valid, CXLType3Dev),
        VMSTATE_UINT8(alerts.life_used_crit, CXLType3Dev),
        VMSTATE_UINT8(alerts.life_used_warn, CXLType3Dev),
        VMSTATE_INT16(alerts.over_temp_crit, CXLType3Dev),
        VMSTATE_INT16(alerts.under_temp_crit, CXLType3Dev),
        VMSTATE_INT16(alerts.over_temp_warn, CXLType3Dev),
        VMSTATE_INT16(alerts.under_temp_warn, CXLType3Dev),
        VMSTATE_UINT16(alerts.corr_volatile_warn, CXLType3Dev),
        VMSTATE_UINT16(alerts.corr_persistent_warn, CXLType3Dev),
        VMSTATE_UINT32(sec.state, CXLType3Dev),
        VMSTATE_UINT8(sec.user_tries, CXLType3Dev),
        VMSTATE_UINT8(sec.master_tries, CXLType3Dev),
        VMSTATE_UINT8_ARRAY(sec.user_pass, CXLType3Dev, CXL_TYPE3_PASS_LEN),
        VMSTATE_UINT8_ARRAY(sec.master_pass, CXLType3Dev,
                            CXL_TYPE3_PASS_LEN),
        VMSTATE_STRUCT(fw, CXLType3Dev, 1, vmstate_cxl_type3_fw, CXLType3FW),
        VMSTATE_STRUCT_POINTER(poison, CXLType3Dev, vmstate_cxl_type3_poison,
                               struct CXLType3Poison),
        VMSTATE_STRUCT_POINTER(features, CXLType3Dev,
                               vmstate_cxl_type3_features, CXLType3Features),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription * const []) {
        &ct3_fm_cci_vmstate,
        &ct3_dc_vmstate,
        &ct3_pmu_vmstate,
        NULL
    },
};

static CXLComponentRegs *ct3_ras_regs(Object *obj)
{
    return &CXL_TYPE3(obj)->comp;
}

static void ct3_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);
    CXLMemTargetClass *mt = CXL_MEM_TARGET_CLASS(oc);

    CXL_RAS_SOURCE_CLASS(oc)->ras_regs = ct3_ras_regs;
    mt->decode = ct3_target_decode;
    mt->dpa_ptr = ct3_target_dpa_ptr;
    mt->poisoned = ct3_target_poisoned;
    mt->dpa_sharing = ct3_target_dpa_sharing;
    mt->dpa_space = ct3_target_dpa_space;
    mt->fast_path = ct3_target_fast_path;
    pc->realize = ct3_realize;
    pc->exit = ct3_exit;
    pc->config_write = ct3_config_write;
    pc->config_read = ct3_config_read;
    pc->vendor_id = PCI_VENDOR_ID_INTEL;
    pc->device_id = 0x0d93;     /* the IDs guests know QEMU's cxl-type3 by */
    pc->class_id = PCI_CLASS_MEMORY_CXL;
    pc->revision = 1;
    set_bit(DEVICE_CATEGORY_STORAGE, dc->categories);
    dc->desc = "CXL Type 3 memory device";
    device_class_set_legacy_reset(dc, ct3_reset);
    device_class_set_props(dc, ct3_properties);
    dc->hotpluggable = false;
    dc->vmsd = &ct3_vmstate;
}

static const TypeInfo ct3_info = {
    .name = TYPE_CXL_TYPE3,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(CXLType3Dev),
    .instance_init = ct3_instance_init,
    .class_init = ct3_class_init,
    .interfaces = (const InterfaceInfo[]) {
        { INTERFACE_CXL_DEVICE },
        { INTERFACE_PCIE_DEVICE },
        { TYPE_CXL_MEM_TARGET },
        { TYPE_CXL_RAS_SOURCE },
        { }
    },
};

static void ct3_register_types(void)
{
    type_register_static(&ct3_info);
}

type_init(ct3_register_types)
