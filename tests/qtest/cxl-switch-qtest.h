/*
 * Helpers shared by the CXL switch qtests (cxl-switch-test: ports,
 * CXL.mem routing, CDAT, firmware-committed regions; cxl-switch-cci-test:
 * the switch mailbox CCI): the test topology (a pxb-cxl host bridge, a
 * root port, a cxl-upstream with its cxl-switch-mailbox-cci beside it,
 * downstream ports 3 and 5 and a cxl-type3 below each), started and set
 * up as firmware would, the devices' decoders committed for a 2-way
 * region, and command lines QEMU must refuse.
 *
 * Register layouts are Linux's (drivers/cxl/cxl.h, cxlpci.h,
 * include/uapi/linux/pci_regs.h). The helpers are in cxl-switch-qtest.c,
 * part of the library linked into every CXL qtest.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TESTS_QTEST_CXL_SWITCH_QTEST_H
#define TESTS_QTEST_CXL_SWITCH_QTEST_H

#include "qemu/units.h"
#include "libqtest.h"
#include "qobject/qdict.h"
#include "cxl-qtest.h"

#define MMIO_BASE           (cxl_qtest_platform.mmio)
#define USP_SN              0x99
#define VMEM_SIZE           (256 * MiB)

/* PCIe capability: Device/Port Type in flags [7:4], Link Capabilities */
#define PCIE_FLAGS          0x02
#define PCIE_LNKCAP         0x0c
#define PCIE_TYPE_UPSTREAM      5
#define PCIE_TYPE_DOWNSTREAM    6

/* CXL device DVSEC control: Mem_Enable */
#define DVSEC_CTRL          0x0c
#define   DVSEC_MEM_ENABLE      (1u << 2)

/* HDM decoder global control: HDM Decoder Enable */
#define HDM_GLOBAL_ENABLE   (1u << 1)

/* The functions of the topology, and where the test puts them */
enum { RP, USP, DSP3, DSP5, EP1, EP2, NR_FN };

typedef struct SwFn {
    int bus, dev;
    int sec, sub;           /* bridges: secondary and subordinate bus */
} SwFn;

extern const SwFn fn_at[NR_FN];

/* The switch mailbox CCI: function 1 beside the USP */
#define CCI_FN              1

typedef struct Sw {
    QTestState *qts;
    uint64_t bar[NR_FN][6];
    uint64_t bar_size[NR_FN][6];
    uint64_t comp[NR_FN];       /* component registers */
    uint64_t cci_bar[6];        /* the CCI's BARs */
    uint64_t cci_bar_size[6];
    uint64_t cci_regs;          /* its device registers */
    uint64_t mbox;              /* its primary mailbox */
    uint32_t mbox_len;          /* the mailbox's length in the array */
    uint32_t payload_max;
    uint64_t window;            /* CXL fixed memory window 0 */
    char *dir;
    char *file[2];              /* backends of EP1 and EP2 */
    bool absent[NR_FN];         /* a device hidden (an unbound vPPB) */
} Sw;

/* Address of configuration space offset @off of function @f */
static inline uint64_t cfg(int f, int off)
{
    return cxl_qtest_cfg(fn_at[f].bus, fn_at[f].dev, 0, off);
}

static inline uint32_t cfgl(Sw *s, int f, int off)
{
    return qtest_readl(s->qts, cfg(f, off));
}

/* Configuration space of the CCI */
static inline uint64_t cci_cfg(int off)
{
    return cxl_qtest_cfg(fn_at[USP].bus, fn_at[USP].dev, CCI_FN, off);
}

/* Offset of CXL DVSEC @id of function @f, 0 if absent */
static inline uint16_t find_dvsec(Sw *s, int f, uint16_t id,
                                  unsigned *nr_cxl)
{
    return cxl_qtest_find_dvsec(s->qts, fn_at[f].bus, fn_at[f].dev, id,
                                nr_cxl);
}

/*
 * What firmware does: ECAM, bus numbers of every bridge, then BARs and
 * memory windows depth first (a bridge's own BARs before the window it
 * forwards to the functions below it). A device whose vendor ID reads
 * as all ones (below an unbound vPPB) is marked absent and skipped.
 */
void sw_platform_init(Sw *s);

/* The CCI's device registers and mailbox, once its BARs are assigned */
void sw_find_cci_mbox(Sw *s);

/* Start the topology with @extra appended to the command line */
void sw_start_with(Sw *s, const char *extra);

/*
 * The same with @t3b_opts appended to the options of the second
 * cxl-type3 (t3b, below port 5)
 */
void sw_start_opts(Sw *s, const char *t3b_opts, const char *extra);

/* The same with t3b's backend (vmem2) of @vmem2_size (e.g. "1G") */
void sw_start_sized(Sw *s, const char *vmem2_size, const char *t3b_opts,
                    const char *extra);

/*
 * With sw_start_sized(s, "1G", ",num-lds=2", MLD_EXTRA): t3b an MLD of two
 * LDs, and a second root port rp1 with cxl-upstream us1 (VCS 1 of us0's
 * switch) whose downstream port ds1 (unbound) has LD 1's view ld1 below
 */
#define MLD_EXTRA \
    "-device cxl-rp,port=1,bus=cxl.1,id=rp1,chassis=0,slot=6 " \
    "-device cxl-upstream,bus=rp1,id=us1,vcs-of=us0 " \
    "-device cxl-downstream,port=7,bus=us1,id=ds1,chassis=0,slot=7," \
    "bound=off " \
    "-device cxl-type3-ld,bus=ds1,mld=t3b,ld-id=1,id=ld1,sn=3"

static inline void sw_start(Sw *s)
{
    sw_start_with(s, "");
}

/* Quit QEMU, remove the backend files */
void sw_stop(Sw *s);

/*
 * Program HDM decoder 0 of the capability at @hdm as Linux's
 * cxl_decoder_commit() does: 2 ways (IW 1) of 1 KiB (IG 2), Type 3
 * (host-only), at the window base for 512 MiB; @tl is the target list's
 * low dword (ports), or the DPA skip's (endpoints). Returns the commit
 * status bits.
 */
uint32_t sw_commit_2way(Sw *s, uint64_t hdm, uint32_t tl);

/* The devices: decoder 0 committed for the 2-way region, CXL.mem enabled */
void sw_enable_devices(Sw *s);

/*
 * Run QEMU with @devices after a CXL host bridge and root port rp0 (and
 * the machine options @machine, if any) and expect it to exit with status
 * 1 and @msg in its error message.
 */
void expect_start_error_machine(const char *machine, const char *devices,
                                const char *msg);

/* The same without machine options */
void expect_start_error(const char *devices, const char *msg);

/* Run a command on the switch CCI's mailbox: its return code */
uint16_t sw_cci_send(Sw *s, uint16_t opcode, const void *in, size_t len,
                     void *out, size_t out_size, uint32_t *out_len);

/* Step the clock until the background operation @opcode completes */
uint16_t sw_bg_wait(Sw *s, uint16_t opcode);

/*
 * A CCI request message (from memory of CXL r3.1 7.6.3: a 12-byte
 * header, then the payload) of @op with tag @tag and @n bytes of @in, at
 * @buf; returns its length
 */
#define SW_MSG_HDR          12
size_t sw_make_msg(uint8_t *buf, uint8_t tag, uint16_t op, const void *in,
                   size_t n);

/* A QMP response: a success; an error whose description has @want */
void sw_qmp_ok(QDict *rsp);
void sw_qmp_err(QDict *rsp, const char *want);

#endif
