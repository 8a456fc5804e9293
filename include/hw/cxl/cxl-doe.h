/*
 * CXL over DOE (Data Object Exchange, PCIe r6.0 6.30): the CXL Table
 * Access protocol serving a component's CDAT (CXL r3.1 8.1.11).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_DOE_H
#define HW_CXL_DOE_H

#include "hw/pci/pcie_doe.h"

/*
 * Answer the Table Access request in @doe's write mailbox from @cdat (a
 * validated table): a Read Entry of the CDAT returns the entry and the
 * handle of the next one. Returns false (the DOE aborts) for anything
 * else: a short request, another request code or table type, or a handle
 * past the end. Use it as the handler of a DOEProtocol.
 */
bool cxl_doe_cdat_respond(DOECap *doe, const GByteArray *cdat);

/* A DOE capability's exchange state (VMSTATE_STRUCT in its device's) */
extern const VMStateDescription vmstate_cxl_doe;

#endif /* HW_CXL_DOE_H */
