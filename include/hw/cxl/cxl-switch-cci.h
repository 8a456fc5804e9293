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

/* The switch mailbox CCI whose target is @usp, or NULL */
CXLSwitchCCI *cxl_switch_cci_of(CXLUpstreamPort *usp);

/* The FM API physical switch command set */
extern const CXLCCICommand cxl_switch_commands[];
extern const size_t cxl_switch_commands_len;

#endif /* HW_CXL_SWITCH_CCI_H */
