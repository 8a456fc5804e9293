/*
 * Helpers shared by the CXL switch qtests: see cxl-switch-qtest.h.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/bswap.h"
#include "libqtest.h"
#include "cxl-switch-qtest.h"

const SwFn fn_at[NR_FN] = {
    [RP]   = { 12, 0, 13, 20 },
    [USP]  = { 13, 0, 14, 20 },
    [DSP3] = { 14, 0, 15, 15 },     /* created first: device 0 */
    [DSP5] = { 14, 1, 16, 16 },
    [EP1]  = { 15, 0 },             /* sn 1, below port 3 */
    [EP2]  = { 16, 0 },             /* sn 2, below port 5 */
};

/*
 * What firmware does: ECAM, bus numbers of every bridge, then BARs and
 * memory windows depth first (a bridge's own BARs before the window it
 * forwards to the functions below it).
 */
void sw_platform_init(Sw *s)
{
    uint64_t cursor = MMIO_BASE, win[NR_FN];

    cxl_qtest_enable_ecam(s->qts);
    for (int f = RP; f <= DSP5; f++) {
        qtest_writel(s->qts, cfg(f, 0x18), fn_at[f].bus |
                     fn_at[f].sec << 8 | fn_at[f].sub << 16);
    }
    for (int f = 0; f < NR_FN; f++) {
        s->absent[f] = qtest_readw(s->qts, cfg(f, 0)) == 0xffff;
        /* only a device below an unbound vPPB may be hidden */
        g_assert_true(!s->absent[f] || f >= EP1);
    }
    g_assert_cmphex(qtest_readw(s->qts, cci_cfg(0)), !=, 0xffff);
    for (int f = RP; f <= USP; f++) {
        cursor = cxl_qtest_assign_bars(s->qts, fn_at[f].bus, fn_at[f].dev,
                                       cursor, s->bar[f], s->bar_size[f]);
        if (f == USP) {
            /* the CCI is on the root port's bus, outside the USP's window */
            cursor = cxl_qtest_assign_bars_fn(s->qts, fn_at[USP].bus,
                                              fn_at[USP].dev, CCI_FN, cursor,
                                              s->cci_bar, s->cci_bar_size);
        }
        win[f] = cursor = ROUND_UP(cursor, 1 * MiB);
    }
    for (int f = DSP3; f <= DSP5; f++) {
        cursor = cxl_qtest_assign_bars(s->qts, fn_at[f].bus, fn_at[f].dev,
                                       cursor, s->bar[f], s->bar_size[f]);
    }
    for (int f = EP1; f <= EP2; f++) {
        int dsp = f - EP1 + DSP3;

        win[dsp] = cursor = ROUND_UP(cursor, 1 * MiB);
        if (!s->absent[f]) {
            cursor = cxl_qtest_assign_bars(s->qts, fn_at[f].bus,
                                           fn_at[f].dev, cursor, s->bar[f],
                                           s->bar_size[f]);
        } else {
            /* room for a hot-added device, as Linux's hpmemsize */
            cursor += 4 * MiB;
        }
        cursor = ROUND_UP(cursor, 1 * MiB);
        cxl_qtest_bridge_window(s->qts, fn_at[dsp].bus, fn_at[dsp].dev,
                                win[dsp], cursor);
    }
    g_assert_cmphex(cursor, <=, 0xfec00000ull);
    for (int f = USP; f >= RP; f--) {
        cxl_qtest_bridge_window(s->qts, fn_at[f].bus, fn_at[f].dev, win[f],
                                cursor);
    }
    for (int f = 0; f < NR_FN; f++) {
        if (s->absent[f]) {
            s->comp[f] = 0;
            continue;
        }
        s->comp[f] = cxl_qtest_regloc(s->qts, fn_at[f].bus, fn_at[f].dev,
                                      s->bar[f], 1);
        g_assert_cmphex(s->comp[f], !=, 0);
    }
    sw_find_cci_mbox(s);
}

/* The CCI's device registers and mailbox, once its BARs are assigned */
void sw_find_cci_mbox(Sw *s)
{
    s->cci_regs = cxl_qtest_regloc_fn(s->qts, fn_at[USP].bus, fn_at[USP].dev,
                                      CCI_FN, s->cci_bar, 3);
    g_assert_cmphex(s->cci_regs, !=, 0);
    s->mbox = cxl_qtest_dev_cap(s->qts, s->cci_regs, 2, &s->mbox_len);
    g_assert_cmphex(s->mbox, !=, 0);
    s->payload_max = 1u << (qtest_readl(s->qts, s->mbox + MBOX_CAPS) & 0x1f);
}

void sw_start_with(Sw *s, const char *extra)
{
    sw_start_opts(s, "", extra);
}

void sw_start_opts(Sw *s, const char *t3b_opts, const char *extra)
{
    sw_start_sized(s, "256M", t3b_opts, extra);
}

void sw_start_sized(Sw *s, const char *vmem2_size, const char *t3b_opts,
                    const char *extra)
{
    g_autofree char *args = NULL;
    GError *err = NULL;

    memset(s, 0, sizeof(*s));
    s->dir = g_dir_make_tmp("cxl-switch-test-XXXXXX", &err);
    g_assert_no_error(err);
    s->file[0] = g_build_filename(s->dir, "vmem1", NULL);
    s->file[1] = g_build_filename(s->dir, "vmem2", NULL);
    args = g_strdup_printf(
        "-machine q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G "
        "-object memory-backend-file,id=vmem1,size=256M,share=on,mem-path=%s "
        "-object memory-backend-file,id=vmem2,size=%s,share=on,mem-path=%s "
        "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 "
        "-device cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2 "
        "-device cxl-upstream,bus=rp0,id=us0,addr=0.0,multifunction=on,"
        "sn=0x%x "
        "-device cxl-switch-mailbox-cci,bus=rp0,addr=0.1,target=us0,id=cci0 "
        "-device cxl-downstream,port=3,bus=us0,id=ds3,chassis=0,slot=4 "
        "-device cxl-downstream,port=5,bus=us0,id=ds5,chassis=0,slot=5 "
        "-device cxl-type3,bus=ds3,volatile-memdev=vmem1,id=t3a,sn=1 "
        "-device cxl-type3,bus=ds5,volatile-memdev=vmem2,id=t3b,sn=2%s %s",
        s->file[0], vmem2_size, s->file[1], USP_SN, t3b_opts, extra);
    s->qts = cxl_qtest_start(args);
    sw_platform_init(s);
    s->window = cxl_qtest_window(s->qts, 0);
}

void sw_stop(Sw *s)
{
    qtest_quit(s->qts);
    for (int i = 0; i < 2; i++) {
        unlink(s->file[i]);
        g_free(s->file[i]);
    }
    rmdir(s->dir);
    g_free(s->dir);
}

uint32_t sw_commit_2way(Sw *s, uint64_t hdm, uint32_t tl)
{
    qtest_writel(s->qts, cxl_qtest_hdm_dec(hdm, 0, HDM_DEC_BASE_HI),
                 s->window >> 32);
    qtest_writel(s->qts, cxl_qtest_hdm_dec(hdm, 0, HDM_DEC_BASE_LO),
                 (uint32_t)s->window);
    qtest_writel(s->qts, cxl_qtest_hdm_dec(hdm, 0, HDM_DEC_SIZE_HI), 0);
    qtest_writel(s->qts, cxl_qtest_hdm_dec(hdm, 0, HDM_DEC_SIZE_LO),
                 512 * MiB);
    qtest_writel(s->qts, cxl_qtest_hdm_dec(hdm, 0, HDM_DEC_TL_HI), 0);
    qtest_writel(s->qts, cxl_qtest_hdm_dec(hdm, 0, HDM_DEC_TL_LO), tl);
    qtest_writel(s->qts, cxl_qtest_hdm_dec(hdm, 0, HDM_DEC_CTRL),
                 2 | 1 << 4 | HDM_CTRL_COMMIT | HDM_CTRL_HOSTONLY);
    return qtest_readl(s->qts, cxl_qtest_hdm_dec(hdm, 0, HDM_DEC_CTRL)) &
           (HDM_CTRL_COMMITTED | HDM_CTRL_ERR);
}

void sw_enable_devices(Sw *s)
{
    for (int f = EP1; f <= EP2; f++) {
        uint64_t hdm = cxl_qtest_cm_cap(s->qts, s->comp[f], 5);
        uint16_t dvsec = find_dvsec(s, f, 0, NULL);
        uint16_t ctrl;

        g_assert_cmphex(hdm, !=, 0);
        g_assert_cmphex(dvsec, !=, 0);
        qtest_writel(s->qts, hdm + 4, HDM_GLOBAL_ENABLE);
        g_assert_cmphex(sw_commit_2way(s, hdm, 0), ==, HDM_CTRL_COMMITTED);
        ctrl = qtest_readw(s->qts, cfg(f, dvsec + DVSEC_CTRL));
        qtest_writew(s->qts, cfg(f, dvsec + DVSEC_CTRL),
                     ctrl | DVSEC_MEM_ENABLE);
    }
}

void expect_start_error_machine(const char *machine, const char *devices,
                                const char *msg)
{
    g_autofree char *args = g_strdup_printf(
        "-machine q35,cxl=on%s%s "
        "-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 "
        "-device cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2 %s",
        machine ? "," : "", machine ? machine : "", devices);
    g_autofree char *msgs = cxl_qtest_start_error(args);

    g_assert_nonnull(strstr(msgs, msg));
}

void expect_start_error(const char *devices, const char *msg)
{
    expect_start_error_machine(NULL, devices, msg);
}

uint16_t sw_cci_send(Sw *s, uint16_t opcode, const void *in, size_t len,
                     void *out, size_t out_size, uint32_t *out_len)
{
    uint32_t dummy;

    return cxl_qtest_mbox_send_raw(s->qts, s->mbox, s->payload_max, opcode,
                                   in, len, len, out, out_size,
                                   out_len ? out_len : &dummy);
}

uint16_t sw_bg_wait(Sw *s, uint16_t opcode)
{
    for (int i = 0; i < 1000; i++) {
        uint64_t st = qtest_readq(s->qts, s->mbox + MBOX_BG_STATUS);

        if (((st >> 16) & 0x7f) == 100) {
            g_assert_cmphex(st & 0xffff, ==, opcode);
            return (st >> 32) & 0xffff;
        }
        qtest_clock_step(s->qts, 10 * 1000 * 1000);
    }
    g_assert_not_reached();
}

size_t sw_make_msg(uint8_t *buf, uint8_t tag, uint16_t op, const void *in,
                   size_t n)
{
    memset(buf, 0, SW_MSG_HDR);
    buf[1] = tag;
    stw_le_p(buf + 3, op);
    buf[5] = n;
    buf[6] = n >> 8;
    buf[7] = n >> 16;
    if (n) {
        memcpy(buf + SW_MSG_HDR, in, n);
    }
    return SW_MSG_HDR + n;
}

void sw_qmp_ok(QDict *rsp)
{
    g_assert_nonnull(rsp);
    if (qdict_haskey(rsp, "error")) {
        g_test_message("unexpected error: %s", qdict_get_str(
                       qdict_get_qdict(rsp, "error"), "desc"));
    }
    g_assert_false(qdict_haskey(rsp, "error"));
    qobject_unref(rsp);
}

void sw_qmp_err(QDict *rsp, const char *want)
{
    const char *desc;

    g_assert_nonnull(rsp);
    g_assert_true(qdict_haskey(rsp, "error"));
    desc = qdict_get_str(qdict_get_qdict(rsp, "error"), "desc");
    g_test_message("error: %s", desc);
    g_assert_nonnull(strstr(desc, want));
    qobject_unref(rsp);
}
