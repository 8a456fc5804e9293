/*
 * qtest: vPPB binding of a CXL switch, without a guest. A cxl-downstream
 * with bound=off shows an empty slot and hides the device on its port;
 * the FM API virtual switch commands of cxl-switch-mailbox-cci (Get
 * Virtual CXL Switch Info 5200h, Bind vPPB 5201h, Unbind vPPB 5202h:
 * background operations) and their QMP mirrors (cxl-bind-vppb,
 * cxl-unbind-vppb, cxl-query-switch) bind it (a PCIe hot-add: presence
 * detect, link active, Presence Detect Changed, Data Link Layer State
 * Changed) and unbind it (surprise; managed: attention button, then the
 * host powers the slot off; wait: the host powers it off), every error
 * case, what a host reset keeps, and that the device's decoders are reset
 * and its backend's data kept; QMP cxl-port-control (Physical Port
 * Control's mirror); the switch's event records of port control and
 * binding changes.
 *
 * The topology and its set-up are cxl-switch-test's (cxl-switch-qtest.h):
 * vPPB 0 is downstream port 3 (device t3a, EP1), vPPB 1 port 5 (t3b, EP2).
 * Payload layouts are from memory of CXL r3.1 7.6.7.2 (as in
 * include/hw/cxl/cxl-mailbox.h); PCIe slot registers are Linux's
 * (include/uapi/linux/pci_regs.h).
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/bswap.h"
#include "libqtest.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qjson.h"
#include "qapi/error.h"
#include "cxl-switch-qtest.h"

/* PCIe capability registers (pci_regs.h) */
#define PCIE_LNKSTA         0x12
#define   LNKSTA_DLLLA          0x2000
#define PCIE_SLTCTL         0x18
#define   SLTCTL_ABPE           0x0001
#define   SLTCTL_PDCE           0x0008
#define   SLTCTL_HPIE           0x0020
#define   SLTCTL_PIC_OFF        0x0300
#define   SLTCTL_PIC            0x0300
#define   SLTCTL_PCC_OFF        0x0400
#define   SLTCTL_DLLSCE         0x1000
#define PCIE_SLTSTA         0x1a
#define   SLTSTA_ABP            0x0001
#define   SLTSTA_PDC            0x0008
#define   SLTSTA_PDS            0x0040
#define   SLTSTA_DLLSC          0x0100

/* the ports' AER capability (hw/pci-bridge/cxl-switch.c, pci_regs.h) */
#define AER_UNCOR_STATUS    (0x100 + 0x04)
#define AER_HEADER_LOG      (0x100 + 0x1c)

#define RC_BUSY             0x06
#define RC_ABORTED          0x12

#define OP_BG_STATUS        0x0002
#define OP_ABORT_BG         0x0005
#define OP_IDENTIFY_SWITCH  0x5100
#define OP_GET_VCS_INFO     0x5200
#define OP_BIND_VPPB        0x5201
#define OP_UNBIND_VPPB      0x5202
#define OP_GENERATE_AER     0x5203

/* Binding Status */
#define VPPB_UNBOUND        0
#define VPPB_IN_PROGRESS    1
#define VPPB_BOUND_PORT     2

/* Unbind options */
#define UNBIND_WAIT         0
#define UNBIND_MANAGED      1
#define UNBIND_SURPRISE     2

#define UNBOUND5    "-set device.ds5.bound=off"

/* The PCIe capability of downstream port 5 (vPPB 1) */
static uint64_t dsp5_exp(Sw *s, int reg)
{
    uint8_t exp = cxl_qtest_find_cap(s->qts, fn_at[DSP5].bus,
                                     fn_at[DSP5].dev, 0x10);

    g_assert_cmphex(exp, !=, 0);
    return cfg(DSP5, exp + reg);
}

static uint16_t sltsta(Sw *s)
{
    return qtest_readw(s->qts, dsp5_exp(s, PCIE_SLTSTA));
}

static bool link_active(Sw *s)
{
    return qtest_readw(s->qts, dsp5_exp(s, PCIE_LNKSTA)) & LNKSTA_DLLLA;
}

/*
 * Clear the slot's events (RW1C) as Linux does, writing back those set
 * (pcie.c ignores a write that clears events not set)
 */
static void clear_events(Sw *s)
{
    qtest_writew(s->qts, dsp5_exp(s, PCIE_SLTSTA), sltsta(s) &
                 (SLTSTA_ABP | SLTSTA_PDC | SLTSTA_DLLSC));
    g_assert_cmphex(sltsta(s) & (SLTSTA_ABP | SLTSTA_PDC | SLTSTA_DLLSC), ==,
                    0);
}

/* The host powers the slot off, as pciehp does to remove a device */
static void power_off_slot(Sw *s)
{
    uint64_t ctl = dsp5_exp(s, PCIE_SLTCTL);

    qtest_writew(s->qts, ctl, (qtest_readw(s->qts, ctl) & ~SLTCTL_PIC) |
                 SLTCTL_PCC_OFF | SLTCTL_PIC_OFF);
}

static void power_on_slot(Sw *s)
{
    uint64_t ctl = dsp5_exp(s, PCIE_SLTCTL);

    qtest_writew(s->qts, ctl, (qtest_readw(s->qts, ctl) & ~(SLTCTL_PIC |
                 SLTCTL_PCC_OFF)) | 0x0100 /* power indicator on */);
}

static bool ep2_visible(Sw *s)
{
    return qtest_readw(s->qts, cfg(EP2, 0)) != 0xffff;
}

/* Background Command Status: percent complete */
static unsigned bg_percent(Sw *s)
{
    return (qtest_readq(s->qts, s->mbox + MBOX_BG_STATUS) >> 16) & 0x7f;
}

static uint16_t vppb_bind(Sw *s, uint8_t vcs, uint8_t vppb, uint8_t port,
                     uint16_t ld)
{
    uint8_t in[6] = { vcs, vppb, port, 0, ld & 0xff, ld >> 8 };

    return sw_cci_send(s, OP_BIND_VPPB, in, sizeof(in), NULL, 0, NULL);
}

static uint16_t vppb_unbind(Sw *s, uint8_t vcs, uint8_t vppb, uint8_t option)
{
    uint8_t in[3] = { vcs, vppb, option };

    return sw_cci_send(s, OP_UNBIND_VPPB, in, sizeof(in), NULL, 0, NULL);
}

/* Get Virtual CXL Switch Info of VCS 0: status and port of each vPPB */
static unsigned vcs_info(Sw *s, uint8_t start, uint8_t limit,
                         uint8_t *status, uint8_t *port)
{
    uint8_t in[4] = { start, limit, 1, 0 }, out[256];
    uint32_t len;
    unsigned listed;

    g_assert_cmphex(sw_cci_send(s, OP_GET_VCS_INFO, in, sizeof(in), out,
                                sizeof(out), &len), ==, RC_SUCCESS);
    g_assert_cmpuint(out[0], ==, 1);                /* VCSs */
    g_assert_cmpuint(out[4], ==, 0);                /* VCS ID */
    g_assert_cmpuint(out[5], ==, 1);                /* enabled */
    g_assert_cmpuint(out[6], ==, 0);                /* USP ID */
    g_assert_cmpuint(out[7], ==, 2);                /* vPPBs in the VCS */
    g_assert_cmpuint((len - 8) % 4, ==, 0);
    listed = (len - 8) / 4;
    for (unsigned i = 0; i < listed; i++) {
        status[i] = out[8 + 4 * i];
        port[i] = out[9 + 4 * i];
        g_assert_cmpuint(out[10 + 4 * i], ==, 0xff);  /* no LD */
    }
    return listed;
}

static uint8_t vppb_status(Sw *s, uint8_t vppb)
{
    uint8_t st[2], port[2];

    g_assert_cmpuint(vcs_info(s, vppb, 1, st, port), ==, 1);
    return st[0];
}

/* Bound vPPBs, as Identify Switch Device counts them */
static unsigned bound_vppbs(Sw *s)
{
    uint8_t out[0x49];
    uint32_t len;

    g_assert_cmphex(sw_cci_send(s, OP_IDENTIFY_SWITCH, NULL, 0, out,
                                sizeof(out), &len), ==, RC_SUCCESS);
    g_assert_cmpuint(lduw_le_p(out + 68), ==, 2);
    return lduw_le_p(out + 70);
}

/* ---- QMP ---- */

static QDict *qmp_vppb(Sw *s, const char *cmd, const char *args)
{
    QObject *a = qobject_from_json(args, &error_abort);

    return qtest_qmp(s->qts, "{'execute': %s, 'arguments': %p}", cmd, a);
}

/* cxl-query-switch of @path: "state:port:device-id" for each vPPB */
static char *query_switch(Sw *s, const char *path)
{
    g_autofree char *args = g_strdup_printf("{'path': '%s'}", path);
    QDict *rsp = qmp_vppb(s, "cxl-query-switch", args);
    QDict *ret;
    QListEntry *e;
    GString *str = g_string_new("");

    g_assert_false(qdict_haskey(rsp, "error"));
    ret = qdict_get_qdict(rsp, "return");
    g_assert_cmpuint(qdict_get_int(ret, "upstream-port-id"), ==, 0);
    QLIST_FOREACH_ENTRY(qdict_get_qlist(ret, "vppbs"), e) {
        QDict *v = qobject_to(QDict, qlist_entry_obj(e));
        const char *dev = qdict_haskey(v, "device") ?
                          qdict_get_str(v, "device") : "-";
        const char *dsp = qdict_get_str(v, "downstream-port");

        g_assert_nonnull(strstr(dsp, "/"));
        g_string_append_printf(str, "%s%" PRId64 "=%s:%" PRId64 ":%s",
                               str->len ? " " : "",
                               qdict_get_int(v, "vppb"),
                               qdict_get_str(v, "state"),
                               qdict_get_int(v, "port"),
                               strrchr(dev, '/') ? strrchr(dev, '/') + 1 :
                               dev);
    }
    qobject_unref(rsp);
    return g_string_free(str, false);
}

static void check_switch(Sw *s, const char *path, const char *want)
{
    g_autofree char *q = query_switch(s, path);

    g_assert_cmpstr(q, ==, want);
}

#define STATE_UNBOUND5 "0=bound:3:t3a 1=unbound:5:t3b"
#define STATE_BOUND    "0=bound:3:t3a 1=bound:5:t3b"

/* ---- tests ---- */

/*
 * bound=off: an empty slot, the device hidden; Bind vPPB through the CCI
 * is a background hot-add; the bound device enumerates and works.
 */
static void test_boot_unbound_bind(void)
{
    uint8_t st[4], port[4];
    Sw s;

    sw_start_with(&s, UNBOUND5);
    /* the host sees port 5 but nothing below it */
    g_assert_true(s.absent[EP2]);
    g_assert_false(s.absent[EP1]);
    g_assert_false(ep2_visible(&s));
    g_assert_cmphex(sltsta(&s) & SLTSTA_PDS, ==, 0);
    g_assert_false(link_active(&s));
    /* slot powered off, power indicator off: an empty slot after reset */
    g_assert_cmphex(qtest_readw(s.qts, dsp5_exp(&s, PCIE_SLTCTL)) &
                    (SLTCTL_PCC_OFF | SLTCTL_PIC), ==,
                    SLTCTL_PCC_OFF | SLTCTL_PIC_OFF);
    /* port 3 is unchanged: bound, its device there */
    g_assert_cmphex(qtest_readw(s.qts, cfg(EP1, 0)), !=, 0xffff);

    /* the FM's view: vPPB 0 bound to port 3, vPPB 1 unbound */
    g_assert_cmpuint(vcs_info(&s, 0, 255, st, port), ==, 2);
    g_assert_cmpuint(st[0], ==, VPPB_BOUND_PORT);
    g_assert_cmpuint(port[0], ==, 3);
    g_assert_cmpuint(st[1], ==, VPPB_UNBOUND);
    g_assert_cmpuint(port[1], ==, 0xff);
    g_assert_cmpuint(bound_vppbs(&s), ==, 1);
    check_switch(&s, "us0", STATE_UNBOUND5);
    /* the same through the CCI's id */
    check_switch(&s, "cci0", STATE_UNBOUND5);

    /* the host's slot: hot-plug interrupts enabled, powered on */
    qtest_writew(s.qts, dsp5_exp(&s, PCIE_SLTCTL), SLTCTL_HPIE |
                 SLTCTL_PDCE | SLTCTL_ABPE | SLTCTL_DLLSCE | SLTCTL_PIC_OFF |
                 SLTCTL_PCC_OFF);
    clear_events(&s);
    /* an unbound slot shows nothing even powered on */
    power_on_slot(&s);
    g_assert_false(ep2_visible(&s));
    g_assert_cmphex(sltsta(&s) & SLTSTA_PDS, ==, 0);

    /* Bind vPPB 1 to port 5: a background operation */
    g_assert_cmphex(vppb_bind(&s, 0, 1, 5, 0xffff), ==, RC_BACKGROUND);
    g_assert_cmpuint(bg_percent(&s), <, 100);
    g_assert_cmpuint(vppb_status(&s, 1), ==, VPPB_IN_PROGRESS);
    check_switch(&s, "us0", "0=bound:3:t3a 1=binding:5:t3b");
    /* one background operation at a time */
    g_assert_cmphex(vppb_bind(&s, 0, 1, 5, 0xffff), ==, RC_BUSY);
    /* QMP waits for the FM API's bind */
    sw_qmp_err(qmp_vppb(&s, "cxl-bind-vppb", "{'path': 'us0', 'vppb': 1}"),
               "vppb: a bind of vPPB 1 is in progress");
    g_assert_false(ep2_visible(&s));
    g_assert_cmphex(sw_bg_wait(&s, OP_BIND_VPPB), ==, RC_SUCCESS);

    /* the hot-add: presence, link up, both events; the device there */
    g_assert_cmphex(sltsta(&s) & (SLTSTA_PDS | SLTSTA_PDC | SLTSTA_DLLSC),
                    ==, SLTSTA_PDS | SLTSTA_PDC | SLTSTA_DLLSC);
    g_assert_true(link_active(&s));
    g_assert_true(ep2_visible(&s));
    g_assert_cmpuint(vppb_status(&s, 1), ==, VPPB_BOUND_PORT);
    g_assert_cmpuint(bound_vppbs(&s), ==, 2);
    check_switch(&s, "us0", STATE_BOUND);
    /* DLLSC and PDC are RW1C */
    clear_events(&s);

    /* firmware (or pciehp) enumerates it; it decodes like the other */
    sw_platform_init(&s);
    g_assert_false(s.absent[EP2]);
    sw_enable_devices(&s);

    /* a host reset keeps the fabric manager's binding */
    qtest_system_reset(s.qts);
    sw_platform_init(&s);
    g_assert_false(s.absent[EP2]);
    g_assert_cmphex(sltsta(&s) & SLTSTA_PDS, ==, SLTSTA_PDS);
    g_assert_true(link_active(&s));
    sw_stop(&s);
}

/*
 * Unbind: surprise (at once), managed (attention button, the host powers
 * the slot off), wait (the host powers it off on its own); the device is
 * reset, hidden, kept, and comes back with its backend's data.
 */
static void test_unbind_modes(void)
{
    static const uint64_t pattern = 0x5a5a0123456789a5ull;
    int fd;
    Sw s;

    sw_start(&s);
    /* data in t3b's backend file */
    fd = open(s.file[1], O_RDWR);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(pwrite(fd, &pattern, 8, 4096), ==, 8);
    close(fd);

    sw_enable_devices(&s);
    qtest_writew(s.qts, dsp5_exp(&s, PCIE_SLTCTL), SLTCTL_HPIE |
                 SLTCTL_PDCE | SLTCTL_ABPE | SLTCTL_DLLSCE | 0x0100);
    clear_events(&s);

    /* surprise: presence and link gone, events, the device hidden */
    g_assert_cmphex(vppb_unbind(&s, 0, 1, UNBIND_SURPRISE), ==, RC_BACKGROUND);
    g_assert_false(ep2_visible(&s));
    g_assert_cmphex(sw_bg_wait(&s, OP_UNBIND_VPPB), ==, RC_SUCCESS);
    g_assert_cmphex(sltsta(&s) & (SLTSTA_PDS | SLTSTA_PDC | SLTSTA_DLLSC),
                    ==, SLTSTA_PDC | SLTSTA_DLLSC);
    g_assert_false(link_active(&s));
    g_assert_cmpuint(vppb_status(&s, 1), ==, VPPB_UNBOUND);
    check_switch(&s, "us0", STATE_UNBOUND5);
    g_assert_cmphex(cxl_qtest_file_read64(s.file[1], 4096), ==, pattern);
    clear_events(&s);

    /* bound again (QMP): reset by the unbind, its data still there */
    sw_qmp_ok(qmp_vppb(&s, "cxl-bind-vppb",
                       "{'path': 'us0', 'vppb': 1, 'port': 5}"));
    g_assert_cmphex(sltsta(&s) & (SLTSTA_PDS | SLTSTA_PDC), ==,
                    SLTSTA_PDS | SLTSTA_PDC);
    g_assert_true(ep2_visible(&s));
    sw_platform_init(&s);
    g_assert_cmphex(cxl_qtest_file_read64(s.file[1], 4096), ==, pattern);
    {
        uint64_t hdm = cxl_qtest_cm_cap(s.qts, s.comp[EP2], 5);

        g_assert_cmphex(qtest_readl(s.qts, cxl_qtest_hdm_dec(hdm, 0,
                        HDM_DEC_CTRL)) & HDM_CTRL_COMMITTED, ==, 0);
    }
    clear_events(&s);

    /* managed: the attention button; pending until the host powers off */
    g_assert_cmphex(vppb_unbind(&s, 0, 1, UNBIND_MANAGED), ==, RC_BACKGROUND);
    g_assert_cmphex(sltsta(&s) & (SLTSTA_ABP | SLTSTA_PDS), ==,
                    SLTSTA_ABP | SLTSTA_PDS);
    qtest_clock_step(s.qts, 1000 * 1000 * 1000);        /* 1 s */
    g_assert_cmpuint(bg_percent(&s), <, 100);
    g_assert_cmpuint(vppb_status(&s, 1), ==, VPPB_IN_PROGRESS);
    check_switch(&s, "us0", "0=bound:3:t3a 1=unbinding:5:t3b");
    g_assert_true(ep2_visible(&s));
    sw_qmp_err(qmp_vppb(&s, "cxl-unbind-vppb", "{'path': 'us0', 'vppb': 1}"),
               "vppb: a unbind of vPPB 1 is in progress");
    power_off_slot(&s);
    g_assert_cmphex(sltsta(&s) & SLTSTA_PDS, ==, 0);
    g_assert_false(link_active(&s));
    g_assert_false(ep2_visible(&s));
    g_assert_cmphex(sw_bg_wait(&s, OP_UNBIND_VPPB), ==, RC_SUCCESS);
    /* the device was not unplugged: it is still on the port */
    check_switch(&s, "us0", STATE_UNBOUND5);
    clear_events(&s);

    /* bound again: presence; the host powers the slot on, it shows */
    g_assert_cmphex(vppb_bind(&s, 0, 1, 5, 0xffff), ==, RC_BACKGROUND);
    g_assert_cmphex(sw_bg_wait(&s, OP_BIND_VPPB), ==, RC_SUCCESS);
    g_assert_cmphex(sltsta(&s) & SLTSTA_PDS, ==, SLTSTA_PDS);
    g_assert_false(ep2_visible(&s));                    /* powered off */
    power_on_slot(&s);
    g_assert_true(ep2_visible(&s));
    clear_events(&s);

    /* wait: no attention button; aborted, it stays bound */
    g_assert_cmphex(vppb_unbind(&s, 0, 1, UNBIND_WAIT), ==, RC_BACKGROUND);
    qtest_clock_step(s.qts, 100 * 1000 * 1000);
    g_assert_cmphex(sltsta(&s) & SLTSTA_ABP, ==, 0);
    g_assert_cmpuint(bg_percent(&s), <, 100);
    g_assert_cmphex(sw_cci_send(&s, OP_ABORT_BG, NULL, 0, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    g_assert_cmphex(sw_bg_wait(&s, OP_UNBIND_VPPB), ==, RC_ABORTED);
    g_assert_cmpuint(vppb_status(&s, 1), ==, VPPB_BOUND_PORT);
    g_assert_true(ep2_visible(&s));
    /* again, and the host powers the slot off */
    g_assert_cmphex(vppb_unbind(&s, 0, 1, UNBIND_WAIT), ==, RC_BACKGROUND);
    power_off_slot(&s);
    g_assert_cmphex(sw_bg_wait(&s, OP_UNBIND_VPPB), ==, RC_SUCCESS);
    g_assert_cmpuint(vppb_status(&s, 1), ==, VPPB_UNBOUND);
    g_assert_false(ep2_visible(&s));

    /* a host reset keeps it unbound */
    qtest_system_reset(s.qts);
    sw_platform_init(&s);
    g_assert_true(s.absent[EP2]);
    g_assert_cmphex(sltsta(&s) & SLTSTA_PDS, ==, 0);

    /* QMP: a managed unbind pending at a host reset completes there */
    sw_qmp_ok(qmp_vppb(&s, "cxl-bind-vppb", "{'path': 'cci0', 'vppb': 1}"));
    power_on_slot(&s);
    g_assert_true(ep2_visible(&s));
    sw_qmp_ok(qmp_vppb(&s, "cxl-unbind-vppb",
                       "{'path': 'us0', 'vppb': 1, 'mode': 'managed'}"));
    g_assert_cmphex(sltsta(&s) & SLTSTA_ABP, ==, SLTSTA_ABP);
    qtest_system_reset(s.qts);
    check_switch(&s, "us0", STATE_UNBOUND5);
    sw_platform_init(&s);
    g_assert_true(s.absent[EP2]);

    /* QMP surprise */
    sw_qmp_ok(qmp_vppb(&s, "cxl-bind-vppb", "{'path': 'us0', 'vppb': 1}"));
    sw_qmp_ok(qmp_vppb(&s, "cxl-unbind-vppb",
                       "{'path': 'us0', 'vppb': 1, 'mode': 'surprise'}"));
    g_assert_false(ep2_visible(&s));
    g_assert_cmphex(sltsta(&s) & SLTSTA_PDS, ==, 0);
    g_assert_cmphex(cxl_qtest_file_read64(s.file[1], 4096), ==, pattern);

    /*
     * bound while the host keeps the slot powered off: present but not
     * shown; a managed unbind has nothing to wait for
     */
    power_off_slot(&s);
    clear_events(&s);
    g_assert_cmphex(vppb_bind(&s, 0, 1, 5, 0xffff), ==, RC_BACKGROUND);
    g_assert_cmphex(sw_bg_wait(&s, OP_BIND_VPPB), ==, RC_SUCCESS);
    g_assert_cmphex(sltsta(&s) & SLTSTA_PDS, ==, SLTSTA_PDS);
    g_assert_false(ep2_visible(&s));
    clear_events(&s);
    g_assert_cmphex(vppb_unbind(&s, 0, 1, UNBIND_MANAGED), ==,
                    RC_BACKGROUND);
    g_assert_cmphex(sw_bg_wait(&s, OP_UNBIND_VPPB), ==, RC_SUCCESS);
    g_assert_cmphex(sltsta(&s) & (SLTSTA_ABP | SLTSTA_PDS | SLTSTA_PDC), ==,
                    SLTSTA_PDC);
    check_switch(&s, "us0", STATE_UNBOUND5);
    sw_stop(&s);
}

/* Every error of the commands: the spec's return codes, nothing changes */
static void test_bind_errors(void)
{
    static const CXLQtestMboxCase cases[] = {
        /* Get Virtual CXL Switch Info: start, limit, count, VCS IDs */
        { "VCS info", OP_GET_VCS_INFO, { 0, 255, 1, 0 }, 4, false,
          RC_SUCCESS, 8 + 2 * 4, .exact = true },
        { "VCS info from vPPB 1", OP_GET_VCS_INFO, { 1, 255, 1, 0 }, 4,
          false, RC_SUCCESS, 8 + 4, .exact = true },
        { "VCS info limit 1", OP_GET_VCS_INFO, { 0, 1, 1, 0 }, 4, false,
          RC_SUCCESS, 8 + 4, .exact = true },
        { "VCS info past the vPPBs", OP_GET_VCS_INFO, { 2, 255, 1, 0 }, 4,
          false, RC_SUCCESS, 8, .exact = true },
        { "VCS info of VCS 0 twice", OP_GET_VCS_INFO, { 0, 255, 2, 0, 0 }, 5,
          false, RC_SUCCESS, 4 + 2 * (4 + 2 * 4), .exact = true },
        { "VCS info short", OP_GET_VCS_INFO, { 0, 255 }, 2, false,
          RC_PAYLOAD_LEN },
        { "VCS info without its ID", OP_GET_VCS_INFO, { 0, 255, 1 }, 3, false,
          RC_PAYLOAD_LEN },
        { "VCS info of no VCS", OP_GET_VCS_INFO, { 0, 255, 0 }, 3, false,
          RC_INVALID_INPUT },
        { "VCS info of VCS 1", OP_GET_VCS_INFO, { 0, 255, 1, 1 }, 4, false,
          RC_INVALID_INPUT },
        /* Bind vPPB: VCS, vPPB, port, reserved, LD ID */
        { "bind short", OP_BIND_VPPB, { 0, 1, 5, 0, 0xff }, 5, false,
          RC_PAYLOAD_LEN },
        { "bind long", OP_BIND_VPPB, { 0, 1, 5, 0, 0xff, 0xff, 0 }, 7, false,
          RC_PAYLOAD_LEN },
        { "bind in VCS 1", OP_BIND_VPPB, { 1, 1, 5, 0, 0xff, 0xff }, 6, false,
          RC_INVALID_INPUT },
        { "bind vPPB 2", OP_BIND_VPPB, { 0, 2, 5, 0, 0xff, 0xff }, 6, false,
          RC_INVALID_INPUT },
        { "bind vPPB 1 to port 3", OP_BIND_VPPB, { 0, 1, 3, 0, 0xff, 0xff },
          6, false, RC_INVALID_INPUT },
        { "bind vPPB 1 to port 9", OP_BIND_VPPB, { 0, 1, 9, 0, 0xff, 0xff },
          6, false, RC_INVALID_INPUT },
        { "bind vPPB 1 to port 0 (the USP)", OP_BIND_VPPB,
          { 0, 1, 0, 0, 0xff, 0xff }, 6, false, RC_INVALID_INPUT },
        { "bind vPPB 1 to LD 0", OP_BIND_VPPB, { 0, 1, 5, 0, 0, 0 }, 6, false,
          RC_INVALID_INPUT },
        { "bind bound vPPB 0", OP_BIND_VPPB, { 0, 0, 3, 0, 0xff, 0xff }, 6,
          false, RC_INVALID_INPUT },
        /* Unbind vPPB: VCS, vPPB, option */
        { "unbind short", OP_UNBIND_VPPB, { 0, 1 }, 2, false,
          RC_PAYLOAD_LEN },
        { "unbind long", OP_UNBIND_VPPB, { 0, 1, 2, 0 }, 4, false,
          RC_PAYLOAD_LEN },
        { "unbind unbound vPPB 1", OP_UNBIND_VPPB, { 0, 1, 2 }, 3, false,
          RC_INVALID_INPUT },
        { "unbind in VCS 1", OP_UNBIND_VPPB, { 1, 0, 2 }, 3, false,
          RC_INVALID_INPUT },
        { "unbind vPPB 2", OP_UNBIND_VPPB, { 0, 2, 2 }, 3, false,
          RC_INVALID_INPUT },
        { "unbind option 3", OP_UNBIND_VPPB, { 0, 0, 3 }, 3, false,
          RC_INVALID_INPUT },
        { "unbind option 15", OP_UNBIND_VPPB, { 0, 0, 0xf }, 3, false,
          RC_INVALID_INPUT },
        /* Generate AER Event on the unbound vPPB */
        { "AER on unbound vPPB 1", OP_GENERATE_AER, { 0, 1, 0, 0, 14 }, 40,
          false, RC_INVALID_INPUT },
    };
    Sw s;

    sw_start_with(&s, UNBOUND5);
    g_assert_cmpuint(cxl_qtest_run_cases(s.qts, s.mbox, s.payload_max, cases,
                                         ARRAY_SIZE(cases)), ==, 0);
    /* nothing changed, no background operation started */
    g_assert_cmpuint(bg_percent(&s), ==, 100);
    g_assert_cmphex(qtest_readl(s.qts, cfg(DSP5, AER_UNCOR_STATUS)), ==, 0);
    /* Generate AER Event on vPPB 0: logged in port 3's AER capability */
    {
        uint8_t in[40] = { 0, 0, 0, 0, 14 };

        in[8] = 0x4a;                   /* first byte of the TLP header */
        g_assert_cmphex(sw_cci_send(&s, OP_GENERATE_AER, in, sizeof(in), NULL,
                                    0, NULL), ==, RC_SUCCESS);
        g_assert_cmphex(qtest_readl(s.qts, cfg(DSP3, AER_UNCOR_STATUS)), ==,
                        1u << 14);
        /* the header's bytes, in order */
        g_assert_cmphex(qtest_readb(s.qts, cfg(DSP3, AER_HEADER_LOG)), ==,
                        0x4a);
    }
    check_switch(&s, "us0", STATE_UNBOUND5);
    g_assert_false(ep2_visible(&s));

    /* a QMP unbind in progress: the FM API gets Busy for that vPPB */
    g_assert_cmphex(vppb_unbind(&s, 0, 0, UNBIND_MANAGED), ==, RC_BACKGROUND);
    g_assert_cmphex(sw_cci_send(&s, OP_ABORT_BG, NULL, 0, NULL, 0, NULL), ==,
                    RC_SUCCESS);
    g_assert_cmphex(sw_bg_wait(&s, OP_UNBIND_VPPB), ==, RC_ABORTED);
    sw_qmp_ok(qmp_vppb(&s, "cxl-unbind-vppb",
                       "{'path': 'us0', 'vppb': 0, 'mode': 'wait'}"));
    g_assert_cmphex(vppb_unbind(&s, 0, 0, UNBIND_SURPRISE), ==, RC_BUSY);
    g_assert_cmphex(vppb_bind(&s, 0, 0, 3, 0xffff), ==, RC_BUSY);

    /* QMP's errors name the argument and what it may be */
    sw_qmp_err(qmp_vppb(&s, "cxl-query-switch", "{'path': 'nothing'}"),
               "path: 'nothing'");
    sw_qmp_err(qmp_vppb(&s, "cxl-query-switch", "{'path': 't3a'}"),
               "path: 't3a' is a cxl-type3, not a cxl-upstream or "
               "cxl-switch-mailbox-cci");
    sw_qmp_err(qmp_vppb(&s, "cxl-bind-vppb", "{'path': 'ds3', 'vppb': 1}"),
               "path: 'ds3' is a cxl-downstream");
    sw_qmp_err(qmp_vppb(&s, "cxl-bind-vppb", "{'path': 'us0', 'vppb': 2}"),
               "vppb: switch 'us0' has vPPBs 0 to 1, not 2");
    sw_qmp_err(qmp_vppb(&s, "cxl-bind-vppb",
                        "{'path': 'us0', 'vppb': 1, 'port': 3}"),
               "port: vPPB 1 can be bound to its own physical port 5 only, "
               "not 3");
    sw_qmp_err(qmp_vppb(&s, "cxl-unbind-vppb", "{'path': 'us0', 'vppb': 1}"),
               "vppb: vPPB 1 is not bound");
    sw_qmp_err(qmp_vppb(&s, "cxl-unbind-vppb",
                        "{'path': 'us0', 'vppb': 1, 'mode': 'gently'}"),
               "mode");
    sw_qmp_err(qmp_vppb(&s, "cxl-bind-vppb", "{'path': 'us0', 'vppb': 0}"),
               "vppb: a unbind of vPPB 0 is in progress");
    sw_qmp_ok(qmp_vppb(&s, "cxl-bind-vppb", "{'path': 'us0', 'vppb': 1}"));
    sw_qmp_err(qmp_vppb(&s, "cxl-bind-vppb", "{'path': 'us0', 'vppb': 1}"),
               "vppb: vPPB 1 is already bound");
    sw_stop(&s);

    /* a switch without downstream ports */
    s.qts = cxl_qtest_start(
        "-machine q35,cxl=on -device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1 "
        "-device cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2 "
        "-device cxl-upstream,bus=rp0,id=us0");
    sw_qmp_err(qmp_vppb(&s, "cxl-bind-vppb", "{'path': 'us0', 'vppb': 0}"),
               "vppb: switch 'us0' has no vPPB");
    check_switch(&s, "us0", "");
    qtest_quit(s.qts);
}

/*
 * Binding an empty port succeeds (an empty slot). A (hot-pluggable)
 * device plugged below an unbound vPPB stays hidden until a bind; one
 * below an unbound vPPB is unplugged without the host.
 */
#define DS7_BUS     17
static uint64_t ds7_cfg(int off)
{
    return cxl_qtest_cfg(fn_at[USP].sec, 2, 0, off);
}

static void test_hotplug_unbound(void)
{
    uint8_t exp;
    QDict *rsp;
    Sw s;

    sw_start_with(&s, UNBOUND5 " -device cxl-downstream,port=7,bus=us0,"
                  "id=ds7,chassis=0,slot=6,bound=off,addr=2.0");
    /* vPPB 2 (port 7) is empty and unbound: binding it is fine */
    sw_qmp_ok(qmp_vppb(&s, "cxl-bind-vppb", "{'path': 'us0', 'vppb': 2}"));
    check_switch(&s, "us0", "0=bound:3:t3a 1=unbound:5:t3b 2=bound:7:-");
    sw_qmp_ok(qmp_vppb(&s, "cxl-unbind-vppb",
                       "{'path': 'us0', 'vppb': 2, 'mode': 'managed'}"));
    check_switch(&s, "us0", "0=bound:3:t3a 1=unbound:5:t3b 2=unbound:7:-");

    /* device_add below the unbound port: no presence, hidden */
    qtest_writel(s.qts, ds7_cfg(0x18), fn_at[USP].sec | DS7_BUS << 8 |
                 DS7_BUS << 16);
    exp = cxl_qtest_find_cap(s.qts, fn_at[USP].sec, 2, 0x10);
    g_assert_cmphex(exp, !=, 0);
    qtest_qmp_device_add(s.qts, "e1000e", "nic", "{'bus': 'ds7'}");
    check_switch(&s, "us0", "0=bound:3:t3a 1=unbound:5:t3b 2=unbound:7:nic");
    g_assert_cmphex(qtest_readw(s.qts, ds7_cfg(exp + PCIE_SLTSTA)) &
                    SLTSTA_PDS, ==, 0);
    g_assert_cmphex(qtest_readw(s.qts, cxl_qtest_cfg(DS7_BUS, 0, 0, 0)), ==,
                    0xffff);
    /* bound: presence; shown once the host powers the slot */
    sw_qmp_ok(qmp_vppb(&s, "cxl-bind-vppb", "{'path': 'us0', 'vppb': 2}"));
    g_assert_cmphex(qtest_readw(s.qts, ds7_cfg(exp + PCIE_SLTSTA)) &
                    SLTSTA_PDS, ==, SLTSTA_PDS);
    qtest_writew(s.qts, ds7_cfg(exp + PCIE_SLTCTL), 0x0100);
    g_assert_cmphex(qtest_readw(s.qts, cxl_qtest_cfg(DS7_BUS, 0, 0, 0)), ==,
                    0x8086);
    /* surprise unbind, then device_del: gone at once */
    sw_qmp_ok(qmp_vppb(&s, "cxl-unbind-vppb",
                       "{'path': 'us0', 'vppb': 2, 'mode': 'surprise'}"));
    g_assert_cmphex(qtest_readw(s.qts, cxl_qtest_cfg(DS7_BUS, 0, 0, 0)), ==,
                    0xffff);
    rsp = qtest_qmp(s.qts, "{'execute': 'device_del', "
                    "'arguments': {'id': 'nic'}}");
    sw_qmp_ok(rsp);
    qtest_qmp_eventwait(s.qts, "DEVICE_DELETED");
    check_switch(&s, "us0", "0=bound:3:t3a 1=unbound:5:t3b 2=unbound:7:-");
    /* cxl-type3 is not hot-pluggable */
    sw_qmp_err(qtest_qmp(s.qts, "{'execute': 'device_del', "
                         "'arguments': {'id': 't3b'}}"),
               "does not support hotplugging");
    sw_stop(&s);
}

/*
 * QMP cxl-port-control, the mirror of Physical Port Control (5102h):
 * reset of port 3 resets the downstream port (its bus numbers) and only
 * it; PERST# operations succeed; errors name the argument.
 */
/* the Secondary Bus Number register of a bridge is at 19h */
static void test_port_control_qmp(void)
{
    Sw s;

    sw_start(&s);
    g_assert_cmphex(qtest_readb(s.qts, cfg(DSP3, 0x19)), ==,
                    fn_at[DSP3].sec);
    sw_qmp_ok(qmp_vppb(&s, "cxl-port-control",
                    "{'path': 'us0', 'port': 3, 'operation': 'reset'}"));
    g_assert_cmphex(qtest_readb(s.qts, cfg(DSP3, 0x19)), ==, 0);
    g_assert_cmphex(qtest_readb(s.qts, cfg(DSP5, 0x19)), ==,
                    fn_at[DSP5].sec);
    sw_qmp_ok(qmp_vppb(&s, "cxl-port-control",
                    "{'path': 'cci0', 'port': 5, "
                    "'operation': 'perst-assert'}"));
    sw_qmp_ok(qmp_vppb(&s, "cxl-port-control",
                    "{'path': 'us0', 'port': 5, "
                    "'operation': 'perst-deassert'}"));
    g_assert_cmphex(qtest_readb(s.qts, cfg(DSP5, 0x19)), ==,
                    fn_at[DSP5].sec);
    sw_qmp_err(qmp_vppb(&s, "cxl-port-control",
                     "{'path': 'us0', 'port': 9, 'operation': 'reset'}"),
            "port: port 9 of switch 'us0': no such physical port");
    sw_qmp_err(qmp_vppb(&s, "cxl-port-control",
                     "{'path': 'us0', 'port': 0, 'operation': 'reset'}"),
            "port: port 0 of switch 'us0': the upstream port");
    sw_qmp_err(qmp_vppb(&s, "cxl-port-control",
                     "{'path': 't3a', 'port': 3, 'operation': 'reset'}"),
            "path: 't3a' is a cxl-type3");
    sw_qmp_err(qmp_vppb(&s, "cxl-port-control",
                     "{'path': 'us0', 'port': 3, 'operation': 'bogus'}"),
            "operation");
    sw_stop(&s);
}

/*
 * Switch event records (layouts and UUIDs from memory of CXL r3.1 7.6.8,
 * as in include/hw/cxl/cxl-mailbox.h): Get Event Records of the
 * informational log, one record at a time
 */
static const uint8_t phys_uuid[16] = {
    0x77, 0xcf, 0x92, 0x71, 0x9c, 0x02, 0x47, 0x0b,
    0x9f, 0xe4, 0xbc, 0x7b, 0x75, 0xf2, 0xda, 0x97,
};
static const uint8_t virt_uuid[16] = {
    0x40, 0xd2, 0x64, 0x25, 0x33, 0x96, 0x4c, 0x4d,
    0xa5, 0xda, 0x3d, 0x47, 0x26, 0x3a, 0xf4, 0x25,
};

/* The records of the informational log (at most @max), into @rec */
static unsigned get_events(Sw *s, uint8_t (*rec)[128], unsigned max)
{
    g_autofree uint8_t *out = g_malloc0(s->payload_max);
    uint32_t len;
    unsigned n;

    g_assert_cmphex(sw_cci_send(s, 0x0100, (uint8_t[]) { 0 }, 1, out,
                             s->payload_max, &len), ==, RC_SUCCESS);
    n = lduw_le_p(out + 0x14);
    g_assert_cmpuint(len, ==, 0x20 + 128 * n);
    g_assert_cmpuint(n, <=, max);
    memcpy(rec, out + 0x20, 128 * n);
    return n;
}

static void clear_all_events(Sw *s)
{
    g_assert_cmphex(sw_cci_send(s, 0x0101, (uint8_t[]) { 0, 1, 0, 0, 0, 0 }, 6,
                             NULL, 0, NULL), ==, RC_SUCCESS);
}

/*
 * A Physical Switch Event Record: Link State Change of @port, with a
 * type 3 device linked below it
 */
static void check_phys(const uint8_t *r, uint8_t port)
{
    g_assert_cmpmem(r, 16, phys_uuid, 16);
    g_assert_cmpuint(r[16], ==, 128);               /* length */
    g_assert_cmpuint(r[0x30], ==, port);
    g_assert_cmpuint(r[0x31], ==, 0);               /* link state change */
    g_assert_cmpuint(r[0x32], ==, port);            /* the port's state */
    g_assert_cmpuint(r[0x33], ==, 3);               /* a DSP */
    g_assert_cmpuint(r[0x32 + 4], ==, 4);           /* type 3 SLD */
    g_assert_cmpuint(r[0x32 + 11], ==, 3);          /* LTSSM: L0 */
}

/* A Virtual CXL Switch Event Record: Binding Change of @vppb */
static void check_virt(const uint8_t *r, uint8_t vppb, uint8_t status,
                       uint8_t port)
{
    g_assert_cmpmem(r, 16, virt_uuid, 16);
    g_assert_cmpuint(r[0x30], ==, 0);               /* VCS */
    g_assert_cmpuint(r[0x31], ==, vppb);
    g_assert_cmpuint(r[0x32], ==, 0);               /* binding change */
    g_assert_cmpuint(r[0x33], ==, status);
    g_assert_cmpuint(r[0x34], ==, port);
    g_assert_cmpuint(r[0x35], ==, 0xff);            /* LD ID */
}

/*
 * The switch CCI logs a Physical Switch Event Record for Physical Port
 * Control (FM API and QMP) and a Virtual CXL Switch Event Record for
 * each binding change (Bind and
 * Unbind vPPB, QMP cxl-bind-vppb and cxl-unbind-vppb); the Event Status
 * register shows the informational log non-empty; handles increase;
 * Clear Event Records empties it; a host reset of the CCI too.
 */
static void test_switch_events(void)
{
    Sw s;
    uint8_t rec[8][128];
    uint64_t status_cap;
    uint16_t h;

    sw_start_with(&s, UNBOUND5);
    status_cap = cxl_qtest_dev_cap(s.qts, s.cci_regs, 0x0001, NULL);
    g_assert_cmphex(status_cap, !=, 0);
    g_assert_cmpuint(get_events(&s, rec, 8), ==, 0);
    g_assert_cmphex(qtest_readl(s.qts, status_cap) & 1, ==, 0);

    /* Physical Port Control: PERST# of port 3 */
    g_assert_cmphex(sw_cci_send(&s, 0x5102, (uint8_t[]) { 3, 0 }, 2, NULL, 0,
                             NULL), ==, RC_SUCCESS);
    g_assert_cmpuint(get_events(&s, rec, 8), ==, 1);
    check_phys(rec[0], 3);
    h = lduw_le_p(rec[0] + 0x14);
    g_assert_cmphex(qtest_readl(s.qts, status_cap) & 1, ==, 1);
    /* a refused one logs nothing */
    g_assert_cmphex(sw_cci_send(&s, 0x5102, (uint8_t[]) { 9, 0 }, 2, NULL, 0,
                             NULL), ==, RC_INVALID_INPUT);
    g_assert_cmpuint(get_events(&s, rec, 8), ==, 1);

    /* Bind vPPB 1: its binding change */
    g_assert_cmphex(vppb_bind(&s, 0, 1, 5, 0xffff), ==, RC_BACKGROUND);
    g_assert_cmphex(sw_bg_wait(&s, OP_BIND_VPPB), ==, RC_SUCCESS);
    g_assert_cmpuint(get_events(&s, rec, 8), ==, 2);
    check_virt(rec[1], 1, VPPB_BOUND_PORT, 5);
    g_assert_cmpuint(lduw_le_p(rec[1] + 0x14), ==, h + 1);
    clear_all_events(&s);
    g_assert_cmpuint(get_events(&s, rec, 8), ==, 0);
    g_assert_cmphex(qtest_readl(s.qts, status_cap) & 1, ==, 0);

    /* Unbind vPPB 1 (surprise) */
    g_assert_cmphex(vppb_unbind(&s, 0, 1, UNBIND_SURPRISE), ==,
                    RC_BACKGROUND);
    g_assert_cmphex(sw_bg_wait(&s, OP_UNBIND_VPPB), ==, RC_SUCCESS);
    g_assert_cmpuint(get_events(&s, rec, 8), ==, 1);
    check_virt(rec[0], 1, VPPB_UNBOUND, 0xff);
    clear_all_events(&s);

    /* the same through QMP */
    sw_qmp_ok(qmp_vppb(&s, "cxl-bind-vppb", "{'path': 'us0', 'vppb': 1}"));
    sw_qmp_ok(qmp_vppb(&s, "cxl-port-control",
                    "{'path': 'us0', 'port': 5, 'operation': 'reset'}"));
    sw_qmp_ok(qmp_vppb(&s, "cxl-unbind-vppb",
                    "{'path': 'us0', 'vppb': 1, 'mode': 'surprise'}"));
    g_assert_cmpuint(get_events(&s, rec, 8), ==, 3);
    check_virt(rec[0], 1, VPPB_BOUND_PORT, 5);
    check_phys(rec[1], 5);
    check_virt(rec[2], 1, VPPB_UNBOUND, 0xff);

    /* a host reset of the CCI empties its logs */
    g_assert_cmphex(sw_cci_send(&s, 0x5102, (uint8_t[]) { 3, 1 }, 2, NULL, 0,
                             NULL), ==, RC_SUCCESS);
    g_assert_cmpuint(get_events(&s, rec, 8), ==, 4);
    qtest_system_reset(s.qts);
    sw_platform_init(&s);
    sw_find_cci_mbox(&s);
    g_assert_cmpuint(get_events(&s, rec, 8), ==, 0);
    sw_stop(&s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/cxl/switch/bind/boot-unbound", test_boot_unbound_bind);
    qtest_add_func("/cxl/switch/bind/unbind-modes", test_unbind_modes);
    qtest_add_func("/cxl/switch/bind/errors", test_bind_errors);
    qtest_add_func("/cxl/switch/bind/hotplug-unbound", test_hotplug_unbound);
    qtest_add_func("/cxl/switch/port-control-qmp", test_port_control_qmp);
    qtest_add_func("/cxl/switch/events", test_switch_events);
    return g_test_run();
}
