/*
 * CXL switch ports: cxl-upstream (USP) and cxl-downstream (DSP), see
 * hw/pci-bridge/cxl-switch.c.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_SWITCH_H
#define HW_CXL_SWITCH_H

#include "hw/pci/pcie_port.h"
#include "hw/pci/pcie_doe.h"
#include "hw/cxl/cxl-component.h"
#include "hw/cxl/cxl-pmu.h"

#define TYPE_CXL_USP "cxl-upstream"
OBJECT_DECLARE_SIMPLE_TYPE(CXLUpstreamPort, CXL_USP)

#define TYPE_CXL_DSP "cxl-downstream"
OBJECT_DECLARE_SIMPLE_TYPE(CXLDownstreamPort, CXL_DSP)

/*
 * Downstream ports per switch: with the upstream port, the FM API's one-byte
 * port count must hold them, and one port ID stays free for the upstream
 * port
 */
#define CXL_SWITCH_MAX_DSPS     254

/*
 * Virtual CXL switches (VCSs) of a switch: each is an upstream port with
 * its vPPBs; VCS 0 is the switch's first cxl-upstream, each other one a
 * cxl-upstream with vcs-of naming it
 */
#define CXL_SWITCH_MAX_VCSS     8

/* HDM decoders of an upstream port (each with an 8-entry target list) */
#define CXL_USP_DECODERS        8

struct CXLUpstreamPort {
    PCIEPort parent_obj;

    /* properties */
    uint64_t sn;
    char *cdat_file;
    uint8_t nr_decoders;        /* hdm-decoders */
    PCIExpLinkSpeed speed;      /* x-speed */
    PCIExpLinkWidth width;      /* x-width */
    bool flit;                  /* x-256b-flit */
    struct CXLUpstreamPort *vcs_of; /* vcs-of: VCS 0's upstream port */

    CXLComponentRegs regs;
    CXLPMUGroup pmus;           /* num-cpmus, ... (hw/cxl/cxl-pmu.c) */
    DOECap doe;
    GByteArray *cdat;
    /*
     * The switch's VCSs (VCS 0 only): vcs[c] is VCS c's upstream port,
     * vcs[0] this one. Another VCS's downstream ports are vPPBs without
     * a physical port of their own: their devices are LDs of MLDs on VCS
     * 0's physical ports (cxl-type3-ld, see hw/cxl/cxl-switch-cci.c).
     */
    struct CXLUpstreamPort *vcs[CXL_SWITCH_MAX_VCSS];
    unsigned nr_vcss;
    uint8_t vcs_id;
};

/*
 * The binding of a downstream port's vPPB (the PCI bridge the host sees)
 * to its physical port (where the device on the port's bus sits). The
 * switch has one virtual CXL switch; its vPPB n is its n-th downstream
 * port (by devfn), which can be bound only to its own physical port.
 */
typedef enum CXLVPPBBinding {
    CXL_DSP_UNBOUND,            /* empty slot; the device is hidden */
    CXL_DSP_BINDING,            /* Bind vPPB in progress (FM API) */
    CXL_DSP_BOUND,
    CXL_DSP_UNBINDING,          /* waiting for the host to power down */
} CXLVPPBBinding;

/* How an unbind takes the device away from the host */
typedef enum CXLUnbindMode {
    CXL_DSP_UNBIND_WAIT,        /* wait for the host to power the slot off */
    CXL_DSP_UNBIND_MANAGED,     /* attention button, then wait as above */
    CXL_DSP_UNBIND_SURPRISE,    /* presence and link gone at once */
} CXLUnbindMode;

struct CXLDownstreamPort {
    PCIESlot parent_obj;
    /* properties (x-speed, x-width are PCIESlot's) */
    bool flit;                  /* x-256b-flit */
    bool bound_at_boot;         /* bound */
    CXLComponentRegs regs;
    CXLPMUGroup pmus;           /* num-cpmus, ... (hw/cxl/cxl-pmu.c) */
    DOECap doe;                 /* Compliance Mode */
    CXLVPPBBinding binding;     /* survives host resets */
    uint32_t mig_binding;       /* migration: binding as a number */
};

/* The device on @dsp's physical port (its bus), visible or not, or NULL */
PCIDevice *cxl_dsp_device(CXLDownstreamPort *dsp);
/*
 * Bind @dsp's vPPB (CXL_DSP_UNBOUND or CXL_DSP_BINDING) to its port: a
 * PCIe hot-add of the device there, if any (presence detect, data link
 * layer link active, Presence Detect Changed and Data Link Layer State
 * Changed events).
 */
void cxl_dsp_bind(CXLDownstreamPort *dsp);
/*
 * Unbind @dsp's vPPB (CXL_DSP_BOUND). A surprise unbind, or one with no
 * device on the port, is done on return; a wait or managed one leaves
 * the vPPB CXL_DSP_UNBINDING until the host powers the slot off (or a
 * host reset), then unbound.
 */
void cxl_dsp_unbind(CXLDownstreamPort *dsp, CXLUnbindMode mode);
/* Give up a pending wait or managed unbind: the vPPB stays bound. */
void cxl_dsp_unbind_cancel(CXLDownstreamPort *dsp);

#endif /* HW_CXL_SWITCH_H */
