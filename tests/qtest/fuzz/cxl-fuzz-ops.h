/*
 * The CXL fuzz interpreter: decodes fuzzer input bytes into CXL-aware
 * guest operations (component and device register MMIO, configuration
 * space writes to DVSECs and DOE mailboxes, DOE exchanges, mailbox
 * commands with fuzzed opcodes and payloads, HDM decoder programming and
 * accesses through the CXL fixed memory window) on one fixed topology,
 * through libqtest calls only (no QMP), so the same code runs in QEMU's
 * in-process fuzzer (tests/qtest/fuzz/cxl_fuzz.c, qemu-fuzz-x86_64
 * --fuzz-target=cxl-fuzz) and in an ordinary qtest that replays the
 * corpus (tests/qtest/cxl-fuzz-replay-test.c).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TESTS_QTEST_FUZZ_CXL_FUZZ_OPS_H
#define TESTS_QTEST_FUZZ_CXL_FUZZ_OPS_H

#include "tests/qtest/libqtest.h"

/*
 * The topology (q35): a pxb-cxl host bridge (bus 12) with two root ports;
 * below rp0 a switch (cxl-upstream with its cxl-switch-mailbox-cci as
 * function 1, downstream ports 3 and 5) with a volatile cxl-type3 below
 * port 3 and a persistent one with a label storage area and dynamic
 * capacity below port 5 (its FM CCI reached through the switch CCI's
 * tunnel); below rp1 a cxl-type3 with volatile and dynamic capacity. One 4 GiB
 * fixed memory window on the host bridge. RAM backends only: nothing on
 * disk.
 */
#define CXL_FUZZ_ARGS \
    "-machine q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G " \
    "-nodefaults -m 128M " \
    "-object memory-backend-ram,id=cxlfz-vmem0,size=256M " \
    "-object memory-backend-ram,id=cxlfz-pmem0,size=256M " \
    "-object memory-backend-ram,id=cxlfz-lsa0,size=1M " \
    "-object memory-backend-ram,id=cxlfz-vmem1,size=256M " \
    "-object memory-backend-ram,id=cxlfz-dc0,size=512M " \
    "-object memory-backend-ram,id=cxlfz-dc1,size=512M " \
    "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 " \
    "-device cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2 " \
    "-device cxl-rp,port=1,bus=cxl.1,id=rp1,chassis=0,slot=3 " \
    "-device cxl-upstream,bus=rp0,id=us0,addr=0.0,multifunction=on,sn=0x99 " \
    "-device cxl-switch-mailbox-cci,bus=rp0,addr=0.1,target=us0,id=cci0 " \
    "-device cxl-downstream,port=3,bus=us0,id=ds3,chassis=0,slot=4 " \
    "-device cxl-downstream,port=5,bus=us0,id=ds5,chassis=0,slot=5 " \
    "-device cxl-type3,bus=ds3,volatile-memdev=cxlfz-vmem0,id=t3a,sn=1 " \
    "-device cxl-type3,bus=ds5,persistent-memdev=cxlfz-pmem0," \
    "lsa=cxlfz-lsa0,volatile-dc-memdev=cxlfz-dc1,num-dc-regions=2," \
    "id=t3b,sn=2 " \
    "-device cxl-type3,bus=rp1,volatile-memdev=cxlfz-vmem1," \
    "volatile-dc-memdev=cxlfz-dc0,num-dc-regions=2,id=t3c,sn=3 "

/* Where the set-up places q35's ECAM (MCH PCIEXBAR) and the BARs */
#define CXL_FUZZ_ECAM       0xb0000000ull
#define CXL_FUZZ_MMIO       0xc0000000ull

typedef struct CXLFuzz CXLFuzz;

/*
 * Set the machine up as firmware would (ECAM, bus numbers, BARs, bridge
 * windows) and find every function's registers, DVSECs, DOE mailboxes,
 * mailbox and Command Effects Log. @hb_regs: the host bridge's component
 * registers (its CHBCR, the start of "cxl-host-registers"); @window: the
 * base of CXL fixed memory window 0. Call once, on a fresh machine.
 */
CXLFuzz *cxl_fuzz_new(QTestState *qts, uint64_t hb_regs, uint64_t window);

/* After a system reset: firmware's set-up again (the same writes) */
void cxl_fuzz_reinit(CXLFuzz *f);

/* Run the operations that @data encodes */
void cxl_fuzz_run(CXLFuzz *f, const uint8_t *data, size_t len);

/*
 * The return code and output of the last structured mailbox command
 * (operation bytes F0h-FFh; for a tunnelled one, the inner command's)
 */
uint16_t cxl_fuzz_last_reply(CXLFuzz *f, const uint8_t **out,
                             uint32_t *len);

/* A line per function found (for logs) */
char *cxl_fuzz_describe(CXLFuzz *f);

void cxl_fuzz_free(CXLFuzz *f);

#endif
