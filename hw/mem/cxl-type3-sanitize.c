/*
 * Sanitize and Secure Erase for cxl-type3 (CXL r3.1 8.2.9.9.5).
 *
 * Sanitize (4400h, no payload) is a background operation lasting the
 * sanitize-ms property. When it starts the device overwrites all of its
 * capacity, volatile, persistent and dynamic, with zeros, clears its
 * poison list, and disables its media until the operation completes:
 *  - the memory device status register reports Media Status "disabled";
 *  - mailbox commands that access the media (table entries with
 *    CXL_CCI_F_MEDIA: LSA, poison, scan media, Secure Erase) return Media
 *    Disabled (07h);
 *  - CXL.mem reads return all ones and writes are dropped
 *    (cxl_type3_dpa_ptr() finds no memory).
 * The overwrite is done when the operation starts, so that data does not
 * survive even if QEMU dies while the operation runs; a reset while it
 * runs ends it with the media enabled again. Sanitize cannot be aborted
 * (Request Abort Background Operation returns Busy).
 *
 * Secure Erase (4401h, no payload) makes all user data unrecoverable: this
 * device has no media encryption key to change, so it overwrites the
 * capacity with zeros and clears poison, as Sanitize does, and completes
 * before returning (it is not a background operation; Linux sends it
 * without polling).
 *
 * Both are refused with Busy (06h) while any HDM decoder of the device is
 * committed: the host has the memory mapped, so it is in use (Linux's
 * cxl_mem_sanitize() refuses with -EBUSY in the same case before asking
 * the device). Secure Erase also returns Busy while a background
 * operation runs (Sanitize itself gets Busy from the engine). The Label
 * Storage Area is not touched.
 *
 * Both are refused with Invalid Security State (13h) while a user
 * passphrase is set (cxl-type3-security.c), as the kernel's mock device
 * does: Passphrase Secure Erase erases such a device.
 *
 * Dynamic capacity is user data too: all of it is zeroed, allocated to
 * the host or not. Its extents stay as they are (accepted extents stay
 * accepted, offers pending): from memory of CXL r3.1, Sanitize acts on
 * the media's content, and the allocation of dynamic capacity belongs to
 * the fabric manager, which gives and takes extents with its own
 * commands. (While the host maps the DC partition its decoder is
 * committed, so Sanitize is refused with Busy, as above.)
 *
 * Media Operations (4402h), the same over DPA ranges, is in
 * cxl-type3-media-ops.c; it shares the overwrite and media disabling here.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/module.h"
#include "hw/cxl/cxl-notify.h"
#include "hw/cxl/cxl-type3.h"
#include "trace.h"

/* Overwrite granule: chunks already zero are left alone (no allocation) */
#define SANITIZE_CHUNK          4096

/*
 * Overwrite the @size bytes at offset @base of backend @b (host pointer
 * @ptr) with zeros; returns how many were not zero.
 */
static uint64_t zero_backend(HostMemoryBackend *b, uint8_t *ptr,
                             uint64_t base, uint64_t size)
{
    MemoryRegion *mr = host_memory_backend_get_memory(b);
    uint64_t written = 0;

    for (uint64_t off = 0; off < size; off += SANITIZE_CHUNK) {
        uint64_t len = MIN(SANITIZE_CHUNK, size - off);

        if (!buffer_is_zero(ptr + off, len)) {
            memset(ptr + off, 0, len);
            memory_region_set_dirty(mr, base + off, len);
            written += len;
        }
    }
    return written;
}

uint64_t cxl_type3_zero_dpa(CXLType3Dev *ct3, uint64_t dpa, uint64_t len)
{
    HostMemoryBackend *b[3] = { ct3->hostvmem, ct3->hostpmem, ct3->hostdc };
    uint8_t *ptr[3] = { ct3->vptr, ct3->pptr, ct3->dcptr };
    uint64_t size[3] = { ct3->vsize, ct3->psize, ct3->dcsize };
    uint64_t written = 0, dpa0 = dpa, len0 = len, at = dpa;

    /* volatile, persistent, then dynamic capacity, in DPA order */
    for (unsigned i = 0; i < 3 && len; i++) {
        uint64_t n;

        if (at >= size[i]) {
            at -= size[i];
            continue;
        }
        n = MIN(len, size[i] - at);
        written += zero_backend(b[i], ptr[i] + at, at, n);
        len -= n;
        at = 0;
    }
    assert(!len);
    /* a copy of these bytes (a fast-path shadow) must take the zeros */
    cxl_notify_data_changed(OBJECT(ct3), dpa0, len0);
    return written;
}

void cxl_type3_erase_media(CXLType3Dev *ct3, const char *what)
{
    uint64_t capacity = ct3->vsize + ct3->psize + ct3->dcsize;
    uint64_t written = cxl_type3_zero_dpa(ct3, 0, capacity);

    cxl_type3_poison_clear_all(ct3);
    trace_cxl_type3_sanitize_media(what, capacity, written);
}

bool cxl_type3_memory_in_use(CXLType3Dev *ct3)
{
    for (unsigned i = 0; i < ct3->nr_decoders; i++) {
        if (ct3->comp.hdm.dec[i].committed) {
            return true;
        }
    }
    return false;
}

void cxl_type3_media_set_disabled(CXLType3Dev *ct3, bool disabled)
{
    ct3->cci.media_disabled = disabled;
    cxl_notify_state_changed(OBJECT(ct3), CXL_NOTIFY_ALL, 0, 0);
    trace_cxl_type3_media_disabled(disabled);
}

static CXLRetCode sanitize_complete(CXLCCI *cci)
{
    cxl_type3_media_set_disabled(ct3_of(cci), false);
    return CXL_RC_SUCCESS;
}

/* A reset while Sanitize runs: the media was overwritten at the start */
static void sanitize_abort(CXLCCI *cci)
{
    cxl_type3_media_set_disabled(ct3_of(cci), false);
}

static CXLRetCode cmd_sanitize(CXLCCI *cci, const uint8_t *in, size_t in_len,
                               uint8_t *out, size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);

    if (cxl_type3_security_user_pass_set(ct3)) {
        trace_cxl_type3_sanitize_refused("sanitize", "a passphrase is set");
        return CXL_RC_INVALID_SECURITY_STATE;
    }
    if (cxl_type3_memory_in_use(ct3)) {
        trace_cxl_type3_sanitize_refused("sanitize", "a decoder is committed");
        return CXL_RC_BUSY;
    }
    cxl_type3_media_set_disabled(ct3, true);
    cxl_type3_erase_media(ct3, "sanitize");
    cxl_cci_bg_start(cci, CXL_OP_SANITIZE, ct3->sanitize_ms,
                     sanitize_complete, sanitize_abort);
    return CXL_RC_BACKGROUND;
}

static CXLRetCode cmd_secure_erase(CXLCCI *cci, const uint8_t *in,
                                   size_t in_len, uint8_t *out,
                                   size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);

    if (cxl_type3_security_user_pass_set(ct3)) {
        trace_cxl_type3_sanitize_refused("secure erase",
                                         "a passphrase is set");
        return CXL_RC_INVALID_SECURITY_STATE;
    }
    if (cxl_type3_memory_in_use(ct3)) {
        trace_cxl_type3_sanitize_refused("secure erase",
                                         "a decoder is committed");
        return CXL_RC_BUSY;
    }
    if (cxl_cci_bg_running(cci)) {
        trace_cxl_type3_sanitize_refused("secure erase",
                                         "a background operation runs");
        return CXL_RC_BUSY;
    }
    cxl_type3_erase_media(ct3, "secure erase");
    return CXL_RC_SUCCESS;
}

const CXLCCICommand cxl_type3_sanitize_commands[] = {
    { CXL_OP_SANITIZE, "Sanitize", cmd_sanitize, CXL_CCI_IN_EXACT, 0,
      CXL_CEL_IMMEDIATE_DATA_CHANGE | CXL_CEL_SECURITY_STATE_CHANGE |
      CXL_CEL_BACKGROUND_OP, CXL_CCI_F_MEDIA },
    { CXL_OP_SECURE_ERASE, "Secure Erase", cmd_secure_erase,
      CXL_CCI_IN_EXACT, 0,
      CXL_CEL_IMMEDIATE_DATA_CHANGE | CXL_CEL_SECURITY_STATE_CHANGE,
      CXL_CCI_F_MEDIA },
};
const size_t cxl_type3_sanitize_commands_len =
    ARRAY_SIZE(cxl_type3_sanitize_commands);

/* ---- migration: a running Sanitize goes on on the destination ---- */

static const CXLCCIBgOp sanitize_op = {
    .name = "cxl-type3-sanitize",
    .complete = sanitize_complete,
    .abort = sanitize_abort,
};

static void sanitize_register_bg_ops(void)
{
    cxl_cci_bg_register(&sanitize_op);
}

type_init(sanitize_register_bg_ops)
