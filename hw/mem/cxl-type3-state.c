/*
 * The state a cxl-type3 device keeps across power cycles, in the file its
 * device-state property names (a GKeyFile; firmware images beside it as
 * FILE.slotN). Guest data stays in the memory and LSA backends; this is
 * the device's own state:
 *
 *   [shutdown]  armed: the host set the shutdown state dirty (Set Shutdown
 *               State) and the device has not shut down cleanly since;
 *               dirty-count: the Dirty Shutdown Count of Get Health Info.
 *   [alerts]    the Set Alert Configuration settings.
 *   [firmware]  active and staged slot, and each slot's revision; the
 *               images of transferred slots in FILE.slotN.
 *   [security]  user-passphrase, master-passphrase: the passphrases that
 *               are set (Set Passphrase), base64; a device with a user
 *               passphrase starts locked.
 *   [features]  the saved feature values (Set Feature, saved across
 *               reset) and the maintenance spares left
 *               (cxl-type3-features.c).
 *
 * A clean shutdown is QEMU exiting normally (guest power-off, quit,
 * SIGTERM): the platform's Global Persistent Flush completes and the
 * device clears its dirty state. If QEMU dies instead (SIGKILL, a
 * crash, the host losing power), the state stays armed in the file and
 * the next start counts a dirty shutdown, as a device that lost power
 * with its shutdown state dirty does. Without device-state the same
 * state lasts for the QEMU run only.
 *
 * Migration: the stream carries this state, and the file belongs to the
 * QEMU that runs the device. A destination (-incoming) reads the file at
 * realize but neither counts a dirty shutdown nor writes it; it writes
 * the migrated state after the load (ct3_post_load()). The source stops
 * writing once the migration completes, so its exit does not overwrite
 * what the destination wrote; it owns the file again if the migration
 * fails or its VM is resumed.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qapi/error.h"
#include "qemu/cutils.h"
#include "system/system.h"
#include "system/runstate.h"
#include "migration/misc.h"
#include "hw/cxl/cxl-type3.h"
#include "trace.h"

#define GRP_SHUTDOWN    "shutdown"
#define GRP_ALERTS      "alerts"
#define GRP_FIRMWARE    "firmware"
#define GRP_SECURITY    "security"

static char *slot_file(CXLType3Dev *ct3, unsigned slot)
{
    return g_strdup_printf("%s.slot%u", ct3->state_file, slot);
}

static void alerts_to_file(GKeyFile *kf, const CXLAlertConfig *a)
{
    g_key_file_set_integer(kf, GRP_ALERTS, "valid", a->valid);
    g_key_file_set_integer(kf, GRP_ALERTS, "life-used-warn", a->life_used_warn);
    g_key_file_set_integer(kf, GRP_ALERTS, "over-temp-warn", a->over_temp_warn);
    g_key_file_set_integer(kf, GRP_ALERTS, "under-temp-warn",
                           a->under_temp_warn);
    g_key_file_set_integer(kf, GRP_ALERTS, "corr-volatile-warn",
                           a->corr_volatile_warn);
    g_key_file_set_integer(kf, GRP_ALERTS, "corr-persistent-warn",
                           a->corr_persistent_warn);
}

static void alerts_from_file(GKeyFile *kf, CXLAlertConfig *a)
{
    if (!g_key_file_has_group(kf, GRP_ALERTS)) {
        return;
    }
    a->valid = g_key_file_get_integer(kf, GRP_ALERTS, "valid", NULL) & 0x1f;
    a->life_used_warn = g_key_file_get_integer(kf, GRP_ALERTS,
                                               "life-used-warn", NULL);
    a->over_temp_warn = g_key_file_get_integer(kf, GRP_ALERTS,
                                               "over-temp-warn", NULL);
    a->under_temp_warn = g_key_file_get_integer(kf, GRP_ALERTS,
                                                "under-temp-warn", NULL);
    a->corr_volatile_warn = g_key_file_get_integer(kf, GRP_ALERTS,
                                                   "corr-volatile-warn", NULL);
    a->corr_persistent_warn = g_key_file_get_integer(kf, GRP_ALERTS,
                                                     "corr-persistent-warn",
                                                     NULL);
}

static bool firmware_to_file(CXLType3Dev *ct3, GKeyFile *kf, Error **errp)
{
    CXLType3FW *fw = &ct3->fw;

    g_key_file_set_integer(kf, GRP_FIRMWARE, "active", fw->active);
    g_key_file_set_integer(kf, GRP_FIRMWARE, "staged", fw->staged);
    for (unsigned i = 0; i < fw->nr_slots; i++) {
        CXLType3FWSlot *slot = &fw->slot[i];
        g_autofree char *key = g_strdup_printf("slot%u", i + 1);
        g_autofree char *rev = g_strndup(slot->revision,
                                         CXL_TYPE3_FW_REVISION_LEN);
        g_autofree char *path = slot_file(ct3, i + 1);

        if (!slot->valid) {
            continue;
        }
        g_key_file_set_string(kf, GRP_FIRMWARE, key, rev);
        if (slot->image && !g_file_set_contents(path, (char *)slot->image,
                                                slot->image_len, NULL)) {
            error_setg(errp, "cannot write firmware image to %s", path);
            return false;
        }
    }
    return true;
}

static void firmware_from_file(CXLType3Dev *ct3, GKeyFile *kf)
{
    CXLType3FW *fw = &ct3->fw;
    int active, staged;

    if (!g_key_file_has_group(kf, GRP_FIRMWARE)) {
        return;
    }
    for (unsigned i = 1; i < fw->nr_slots; i++) {
        CXLType3FWSlot *slot = &fw->slot[i];
        g_autofree char *key = g_strdup_printf("slot%u", i + 1);
        g_autofree char *rev = g_key_file_get_string(kf, GRP_FIRMWARE, key,
                                                     NULL);
        g_autofree char *path = slot_file(ct3, i + 1);
        gchar *image = NULL;
        gsize len = 0;

        /* slot 1 holds the built-in firmware; others need their image */
        if (!rev || !g_file_get_contents(path, &image, &len, NULL) || !len) {
            g_free(image);
            continue;
        }
        g_free(slot->image);
        slot->image = (uint8_t *)image;
        slot->image_len = len;
        slot->valid = true;
        strpadcpy(slot->revision, CXL_TYPE3_FW_REVISION_LEN, rev, '\0');
    }
    active = g_key_file_get_integer(kf, GRP_FIRMWARE, "active", NULL);
    staged = g_key_file_get_integer(kf, GRP_FIRMWARE, "staged", NULL);
    if (active >= 1 && active <= fw->nr_slots && fw->slot[active - 1].valid) {
        fw->active = active;
    }
    if (staged >= 1 && staged <= fw->nr_slots && fw->slot[staged - 1].valid &&
        staged != fw->active) {
        fw->staged = staged;
    }
}

static void security_pass_to_file(GKeyFile *kf, const char *key,
                                  const uint8_t *pass, bool set)
{
    g_autofree char *b64 = NULL;

    if (set) {
        b64 = g_base64_encode(pass, CXL_TYPE3_PASS_LEN);
        g_key_file_set_string(kf, GRP_SECURITY, key, b64);
    }
}

static void security_to_file(GKeyFile *kf, const CXLType3Security *sec)
{
    security_pass_to_file(kf, "user-passphrase", sec->user_pass,
                          sec->state & CXL_TYPE3_SEC_USER_PASS_SET);
    security_pass_to_file(kf, "master-passphrase", sec->master_pass,
                          sec->state & CXL_TYPE3_SEC_MASTER_PASS_SET);
}

/* A passphrase from the file: false if absent or not 32 bytes of base64 */
static bool security_pass_from_file(GKeyFile *kf, const char *key,
                                    uint8_t *pass)
{
    g_autofree char *b64 = g_key_file_get_string(kf, GRP_SECURITY, key, NULL);
    g_autofree guchar *raw = NULL;
    gsize len = 0;

    if (!b64) {
        return false;
    }
    raw = g_base64_decode(b64, &len);
    if (len != CXL_TYPE3_PASS_LEN) {
        warn_report("%s: device-state: [%s] %s is not %d bytes of base64; "
                    "ignored", TYPE_CXL_TYPE3, GRP_SECURITY, key,
                    CXL_TYPE3_PASS_LEN);
        return false;
    }
    memcpy(pass, raw, CXL_TYPE3_PASS_LEN);
    return true;
}

static void security_from_file(GKeyFile *kf, CXLType3Security *sec)
{
    if (security_pass_from_file(kf, "user-passphrase", sec->user_pass)) {
        sec->state |= CXL_TYPE3_SEC_USER_PASS_SET;
    }
    if (security_pass_from_file(kf, "master-passphrase", sec->master_pass)) {
        sec->state |= CXL_TYPE3_SEC_MASTER_PASS_SET;
    }
}

static bool state_write(CXLType3Dev *ct3, Error **errp)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *data = NULL;
    gsize len;

    g_key_file_set_boolean(kf, GRP_SHUTDOWN, "armed", ct3->shutdown_dirty);
    g_key_file_set_uint64(kf, GRP_SHUTDOWN, "dirty-count",
                          ct3->health.dirty_shutdowns);
    alerts_to_file(kf, &ct3->alerts);
    security_to_file(kf, &ct3->sec);
    cxl_type3_features_to_file(ct3, kf);
    if (!firmware_to_file(ct3, kf, errp)) {
        return false;
    }
    data = g_key_file_to_data(kf, &len, NULL);
    if (!g_file_set_contents(ct3->state_file, data, len, NULL)) {
        error_setg(errp, "cannot write '%s'", ct3->state_file);
        return false;
    }
    trace_cxl_type3_state_save(ct3->state_file, ct3->shutdown_dirty,
                               ct3->health.dirty_shutdowns);
    return true;
}

void cxl_type3_state_save(CXLType3Dev *ct3)
{
    Error *err = NULL;

    if (ct3->state_file && ct3->state_handed_over) {
        trace_cxl_type3_state_handed_over(ct3->state_file);
        return;
    }
    if (ct3->state_file && !state_write(ct3, &err)) {
        /* the device goes on; its state will not outlive this run */
        warn_report_once("%s: device-state: %s", TYPE_CXL_TYPE3,
                         error_get_pretty(err));
        error_free(err);
    }
}

bool cxl_type3_state_load(CXLType3Dev *ct3, Error **errp)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) gerr = NULL;
    bool incoming = runstate_check(RUN_STATE_INMIGRATE);

    if (!ct3->state_file) {
        return true;
    }
    if (!g_file_test(ct3->state_file, G_FILE_TEST_EXISTS)) {
        if (incoming) {
            /* the destination writes it after the load */
            ct3->state_handed_over = true;
            return true;
        }
        /* a new device: create the file */
        if (!state_write(ct3, errp)) {
            error_prepend(errp, "%s: device-state: ", TYPE_CXL_TYPE3);
            return false;
        }
        return true;
    }
    if (!g_key_file_load_from_file(kf, ct3->state_file, G_KEY_FILE_NONE,
                                   &gerr)) {
        error_setg(errp, "%s: device-state: cannot read '%s': %s",
                   TYPE_CXL_TYPE3, ct3->state_file, gerr->message);
        return false;
    }
    ct3->health.dirty_shutdowns = g_key_file_get_uint64(kf, GRP_SHUTDOWN,
                                                        "dirty-count", NULL);
    if (incoming) {
        /* the source runs the device: the stream brings its state */
        ct3->state_handed_over = true;
    } else if (g_key_file_get_boolean(kf, GRP_SHUTDOWN, "armed", NULL)) {
        /* power went away with the shutdown state dirty */
        ct3->health.dirty_shutdowns++;
    }
    ct3->shutdown_dirty = false;
    alerts_from_file(kf, &ct3->alerts);
    firmware_from_file(ct3, kf);
    security_from_file(kf, &ct3->sec);
    cxl_type3_features_from_file(ct3, kf);
    cxl_type3_state_save(ct3);
    return true;
}

/* The state was loaded from the stream: this QEMU owns the file now */
void cxl_type3_state_loaded(CXLType3Dev *ct3)
{
    ct3->state_handed_over = false;
    cxl_type3_state_save(ct3);
}

static int state_migration(NotifierWithReturn *n, MigrationEvent *e,
                           Error **errp)
{
    CXLType3Dev *ct3 = container_of(n, CXLType3Dev, state_migration);

    if (e->type == MIG_EVENT_PRECOPY_DONE) {
        ct3->state_handed_over = true;
    } else if (e->type == MIG_EVENT_PRECOPY_FAILED &&
               ct3->state_handed_over) {
        ct3->state_handed_over = false;
        cxl_type3_state_save(ct3);
    }
    return 0;
}

/* The VM runs (a source resumed after its migration): the file is ours */
static void state_vm_change(void *opaque, bool running, RunState state)
{
    CXLType3Dev *ct3 = opaque;

    if (running && ct3->state_handed_over) {
        ct3->state_handed_over = false;
        cxl_type3_state_save(ct3);
    }
}

/* QEMU exits normally: the Global Persistent Flush completes */
static void state_exit(Notifier *n, void *data)
{
    CXLType3Dev *ct3 = container_of(n, CXLType3Dev, state_exit);

    ct3->shutdown_dirty = false;
    cxl_type3_state_save(ct3);
}

void cxl_type3_state_init(CXLType3Dev *ct3)
{
    ct3->state_exit.notify = state_exit;
    qemu_add_exit_notifier(&ct3->state_exit);
    if (ct3->state_file) {
        migration_add_notifier(&ct3->state_migration, state_migration);
        ct3->state_vmse = qemu_add_vm_change_state_handler(state_vm_change,
                                                           ct3);
    }
}

void cxl_type3_state_cleanup(CXLType3Dev *ct3)
{
    if (ct3->state_exit.notify) {
        qemu_remove_exit_notifier(&ct3->state_exit);
        ct3->state_exit.notify = NULL;
    }
    if (ct3->state_vmse) {
        migration_remove_notifier(&ct3->state_migration);
        qemu_del_vm_change_state_handler(ct3->state_vmse);
        ct3->state_vmse = NULL;
    }
}
