/*
 * CXL fuzz target for QEMU's fuzzer (qemu-fuzz-x86_64
 * --fuzz-target=cxl-fuzz): the structured interpreter of cxl-fuzz-ops.c
 * on its topology, the machine reset after each input.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "tests/qtest/libqtest.h"
#include "system/memory.h"
#include "system/address-spaces.h"
#include "fuzz.h"
#include "cxl-fuzz-ops.h"

static CXLFuzz *cxl_fz;

/* Address of the memory region @name below @mr (based at @base) */
static bool find_region(MemoryRegion *mr, hwaddr base, const char *name,
                        hwaddr *addr)
{
    MemoryRegion *sub;

    QTAILQ_FOREACH(sub, &mr->subregions, subregions_link) {
        hwaddr a = base + sub->addr;

        if (!g_strcmp0(memory_region_name(sub), name)) {
            *addr = a;
            return true;
        }
        if (find_region(sub, a, name, addr)) {
            return true;
        }
    }
    return false;
}

static GString *cxl_fuzz_cmdline(FuzzTarget *t)
{
    const char *fw = g_getenv("CXL_QTEST_FIRMWARE");
    GString *s = g_string_new(TARGET_NAME " -display none "
                              "-machine accel=qtest ");

    if (fw) {
        g_string_append_printf(s, "-L %s ", fw);
    }
    g_string_append(s, CXL_FUZZ_ARGS);
    return s;
}

static void cxl_fuzz_pre(QTestState *s)
{
    hwaddr hb = 0, window = 0;

    if (!find_region(get_system_memory(), 0, "cxl-host-registers", &hb) ||
        !find_region(get_system_memory(), 0, "cxl-fixed-memory-window-0",
                     &window)) {
        fprintf(stderr, "cxl-fuzz: no CXL host registers or window\n");
        abort();
    }
    cxl_fz = cxl_fuzz_new(s, hb, window);
    if (getenv("QTEST_LOG")) {
        g_autofree char *d = cxl_fuzz_describe(cxl_fz);

        fprintf(stderr, "cxl-fuzz: host registers 0x%" HWADDR_PRIx
                ", window 0x%" HWADDR_PRIx "\n%s", hb, window, d);
    }
    fuzz_reset(s);
}

static void cxl_fuzz(QTestState *s, const unsigned char *data, size_t size)
{
    cxl_fuzz_reinit(cxl_fz);
    cxl_fuzz_run(cxl_fz, data, size);
    flush_events(s);
    fuzz_reset(s);
}

static void register_cxl_fuzz_targets(void)
{
    fuzz_add_target(&(FuzzTarget){
        .name = "cxl-fuzz",
        .description = "Fuzz the CXL host bridge, ports, switch, its "
                       "mailbox CCI and cxl-type3 devices through a "
                       "structured interpreter (cxl-fuzz-ops.c)",
        .get_init_cmdline = cxl_fuzz_cmdline,
        .pre_fuzz = cxl_fuzz_pre,
        .fuzz = cxl_fuzz,
    });
}

fuzz_target_init(register_cxl_fuzz_targets);
