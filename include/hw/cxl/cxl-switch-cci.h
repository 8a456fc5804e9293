/*
 * cxl-switch-mailbox-cci: the mailbox CCI of a CXL switch, a PCI function
 * beside the switch's upstream port (see hw/cxl/cxl-switch-cci.c).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_SWITCH_CCI_H
#define HW_CXL_SWITCH_CCI_H

#include "hw/pci/pci_device.h"
#include "hw/cxl/cxl-cci.h"
#include "hw/cxl/cxl-device-regs.h"
#include "hw/cxl/cxl-events.h"
#include "hw/cxl/cxl-switch.h"

#define TYPE_CXL_SWITCH_CCI "cxl-switch-mailbox-cci"
OBJECT_DECLARE_SIMPLE_TYPE(CXLSwitchCCI, CXL_SWITCH_CCI)

/* A physical port of the switch as the FM API sees it */
typedef struct CXLSwitchPortInfo {
    uint8_t id;                 /* physical port ID */
    PCIDevice *port;            /* the upstream or downstream port */
    bool upstream;
    uint8_t vcs;                /* an upstream port's VCS */
} CXLSwitchPortInfo;

#define CXL_SWITCH_MAX_PORTS    256

struct CXLSwitchCCI {
    PCIDevice parent_obj;

    /* properties */
    CXLUpstreamPort *target;
    uint32_t payload_size;

    CXLCCI cci;
    CXLDeviceRegs regs;
    /* the vPPB of the running Bind or Unbind vPPB */
    CXLDownstreamPort *bg_dsp;
    /* migration: bg_dsp as VCS and vPPB numbers (valid: it is set) */
    bool mig_bg_valid;
    uint8_t mig_bg_vcs;
    uint8_t mig_bg_vppb;
    /* the switch's event logs (physical and virtual switch events) */
    CXLEventLogs events;
};

/*
 * The switch's physical ports: the upstream port, then each downstream
 * port on its bus. A downstream port's ID is its PCIe port number; the
 * upstream port's is its own port number unless a downstream port has
 * it, then the lowest free one. Returns the number of ports.
 */
unsigned cxl_switch_ports(CXLUpstreamPort *usp, CXLSwitchPortInfo *ports);

/*
 * The switch's physical ports with every VCS (hw/cxl/cxl-switch-mld.c):
 * cxl_switch_ports() of VCS 0's upstream port @usp, then the upstream
 * ports of VCS 1, 2... (ID: the port's own port number unless taken, then
 * the lowest free one). Another VCS's downstream ports are vPPBs only.
 */
unsigned cxl_switch_phys_ports(CXLUpstreamPort *usp, CXLSwitchPortInfo *ports);
/* VCS @vcs's upstream port, or NULL */
CXLUpstreamPort *cxl_switch_vcs(CXLUpstreamPort *usp, unsigned vcs);
/* The physical port ID of VCS @vcs's upstream port */
uint8_t cxl_switch_usp_id(CXLUpstreamPort *usp, unsigned vcs);
/* The LD ID of a binding to a single logical device (or an empty port) */
#define CXL_LD_ID_NONE          0xffff
/*
 * The one binding vPPB @dsp (of any VCS of switch @usp) can take: the
 * device declared below it, at (*@port, *@ld). An LD of an MLD (the MLD
 * itself is LD 0, a cxl-type3-ld LD ld-id): the MLD's physical port;
 * anything else, or nothing: the vPPB's own physical port, LD FFFFh.
 * False if that port is not a physical port of the switch (a vPPB of
 * another VCS whose device is not an LD of an MLD on the switch).
 */
bool cxl_vppb_target(CXLUpstreamPort *usp, CXLDownstreamPort *dsp,
                     uint8_t *port, uint16_t *ld);
struct CXLType3Dev;
/* LD @ld of the MLD on physical port @port, or NULL (*@why) */
struct CXLType3Dev *cxl_switch_ld(CXLUpstreamPort *usp, uint8_t port,
                                  uint16_t ld, const char **why);
/* Send LD CXL.io Configuration / Memory Request (5301h, 5302h) */
extern const CXLCCICommand cxl_switch_ld_commands[];
extern const size_t cxl_switch_ld_commands_len;
/* The switch mailbox CCI whose target is @usp, or NULL */
CXLSwitchCCI *cxl_switch_cci_of(CXLUpstreamPort *usp);

/* The FM API physical switch command set */
extern const CXLCCICommand cxl_switch_commands[];
extern const size_t cxl_switch_commands_len;

#endif /* HW_CXL_SWITCH_CCI_H */
