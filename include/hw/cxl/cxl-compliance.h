/*
 * CXL Compliance Mode over DOE (CXL r3.1 14.16): vendor 1E98h, data
 * object type 0. A compliance tool asks a component what it can inject
 * (Query Capabilities), what is in effect (Query Status), stops it all
 * (Halt All) and asks for one injection or traffic algorithm per request.
 *
 * The layouts below are our reading of CXL r3.1 14.16 (the spec text is
 * not on our machines, and Linux has no code for this protocol to check
 * them against): every request starts with the DOE header, the request
 * code (the "compliance option") and the version; every response with the
 * DOE header, the same code, the version we answer with and the response's
 * length in bytes. All fields are little endian.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_COMPLIANCE_H
#define HW_CXL_COMPLIANCE_H

#include "hw/pci/pcie_doe.h"

#define CXL_DOE_PROTOCOL_COMPLIANCE     0

/* The version of the protocol we answer with, whatever is asked */
#define CXL_COMPLIANCE_VERSION          2

/* Request codes: the compliance options */
typedef enum CXLCompOption {
    CXL_COMP_QUERY_CAPS             = 0x00,
    CXL_COMP_QUERY_STATUS           = 0x01,
    CXL_COMP_HALT_ALL               = 0x02,
    CXL_COMP_MULTI_WRITE_STREAMING  = 0x03,     /* algorithm 1a */
    CXL_COMP_PRODUCER_CONSUMER      = 0x04,     /* algorithm 2 */
    CXL_COMP_BOGUS_WRITES           = 0x05,     /* algorithm 1b */
    CXL_COMP_INJECT_POISON          = 0x06,
    CXL_COMP_INJECT_CRC             = 0x07,
    CXL_COMP_INJECT_FLOW_CONTROL    = 0x08,
    CXL_COMP_TOGGLE_CACHE_FLUSH     = 0x09,
    CXL_COMP_INJECT_MAC_DELAY       = 0x0a,
    CXL_COMP_INSERT_UNEXPECTED_MAC  = 0x0b,
    CXL_COMP_INJECT_VIRAL           = 0x0c,
    CXL_COMP_INJECT_ALMP            = 0x0d,     /* in any state */
    CXL_COMP_IGNORE_ALMP            = 0x0e,     /* ignore received ALMPs */
    CXL_COMP_INJECT_BIT_ERROR       = 0x0f,     /* in a flit */
    CXL_COMP_INJECT_MEM_POISON      = 0x10,     /* memory device poison */
    CXL_COMP_NR_OPTIONS,
} CXLCompOption;

/* The status byte of the responses to requests 02h and up */
typedef enum CXLCompStatus {
    CXL_COMP_SUCCESS                = 0x00,
    CXL_COMP_NOT_AUTHORIZED         = 0x01,
    CXL_COMP_UNKNOWN_FAILURE        = 0x02,
    CXL_COMP_UNSUPPORTED            = 0x03,     /* injection function */
    CXL_COMP_INTERNAL_ERROR         = 0x04,
    CXL_COMP_TARGET_BUSY            = 0x05,
    CXL_COMP_TARGET_NOT_INITIALIZED = 0x06,
    CXL_COMP_INVALID_ADDRESS        = 0x07,
} CXLCompStatus;

/* Inject Memory Device Poison's opcode */
#define CXL_COMP_MEM_POISON_INJECT      0
#define CXL_COMP_MEM_POISON_CLEAR       1
#define CXL_COMP_MEM_POISON_LINE        64

/* Inject Viral's protocol (also Inject Poison's) */
#define CXL_COMP_PROTOCOL_IO            0
#define CXL_COMP_PROTOCOL_CACHE         1
#define CXL_COMP_PROTOCOL_MEM           2

/*
 * What a component does with the requests that have an effect we model;
 * a NULL hook: the component cannot, and Query Capabilities says so.
 */
typedef struct CXLComplianceOps {
    /*
     * Inject Memory Device Poison: poison the 64-byte line at @dpa
     * (CXL_COMP_MEM_POISON_INJECT), or write @data (64 bytes) there and
     * forget its poison (CXL_COMP_MEM_POISON_CLEAR).
     */
    CXLCompStatus (*mem_poison)(PCIDevice *d, uint8_t opcode, uint64_t dpa,
                                const uint8_t *data);
    /* Inject Viral on @protocol (CXL_COMP_PROTOCOL_*): enter viral */
    CXLCompStatus (*viral)(PCIDevice *d, uint8_t protocol);
} CXLComplianceOps;

/*
 * Answer the Compliance request in @doe's write mailbox for the component
 * that owns @doe, which can do what @ops has hooks for (@ops may be NULL:
 * a port, which answers the queries and Halt All only). Unsupported and
 * unknown request codes get status CXL_COMP_UNSUPPORTED. Returns false
 * (the DOE discards the request and gives no response) when the request
 * is shorter than its code's layout. Use it from a DOEProtocol handler.
 */
bool cxl_compliance_respond(DOECap *doe, const CXLComplianceOps *ops);

/* The Available Capabilities bitmask of Query Capabilities for @ops */
uint64_t cxl_compliance_caps(const CXLComplianceOps *ops);

#endif /* HW_CXL_COMPLIANCE_H */
