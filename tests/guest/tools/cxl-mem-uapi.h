/*
 * Linux's CXL memory device ioctl ABI (include/uapi/linux/cxl_mem.h),
 * repeated for the guest tools (cxlmbox, tests/perf/cxlmboxbench) so they
 * build against any host's headers (older ones number the command IDs
 * differently).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef GUEST_TOOLS_CXL_MEM_UAPI_H
#define GUEST_TOOLS_CXL_MEM_UAPI_H

#include <stdint.h>
#include <sys/ioctl.h>

#define CXL_MEM_COMMAND_ID_RAW  2

struct cxl_command_info {
    uint32_t id;
    uint32_t flags;
    uint32_t size_in;
    uint32_t size_out;
};

struct cxl_mem_query_commands {
    uint32_t n_commands;
    uint32_t rsvd;
    struct cxl_command_info commands[];
};

struct cxl_send_command {
    uint32_t id;
    uint32_t flags;
    union {
        struct {
            uint16_t opcode;
            uint16_t rsvd;
        } raw;
        uint32_t rsvd;
    };
    uint32_t retval;
    struct {
        uint32_t size;
        uint32_t rsvd;
        uint64_t payload;
    } in;
    struct {
        uint32_t size;
        uint32_t rsvd;
        uint64_t payload;
    } out;
};

#define CXL_MEM_QUERY_COMMANDS _IOR(0xCE, 1, struct cxl_mem_query_commands)
#define CXL_MEM_SEND_COMMAND _IOWR(0xCE, 2, struct cxl_send_command)

#endif
