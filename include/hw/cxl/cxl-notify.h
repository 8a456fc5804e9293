/*
 * CXL state-change notifications (see hw/cxl/cxl-notify.c).
 *
 * Devices and components say what changed; whoever keeps something
 * derived from that state subscribes. The fast path (cxl-fast-path.c,
 * with its shadows) and the per-access path's decode cache
 * (cxl-route-cache.c) do today. A device does not know who listens.
 *
 * Events are raised and delivered with the BQL held, synchronously: when
 * cxl_notify() returns, every subscriber has dropped what the change made
 * stale.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_NOTIFY_H
#define HW_CXL_NOTIFY_H

#include "qemu/notify.h"

typedef enum CXLNotifyKind {
    /*
     * Decode or media state changed: what an HPA routes to, or whether the
     * memory there may be accessed directly (a decoder commit, uncommit or
     * reset, HDM Decoder Enable, Mem_Enable or a DVSEC range register, the
     * poison list, the media disabled or locked, a fast-path option).
     */
    CXL_NOTIFY_STATE_CHANGED,
    /*
     * The device itself changed the bytes of its memory in [lo, lo + len)
     * of its DPA space (Clear Poison's data, Sanitize, Media Operations);
     * the routes are the same. The source is a memory target
     * (TYPE_CXL_MEM_TARGET, include/hw/cxl/cxl-mem-target.h).
     */
    CXL_NOTIFY_DATA_CHANGED,
    /*
     * A memory target was realized (its DPA space exists), or is about to
     * go away (its DPA space still exists). The source is the target.
     */
    CXL_NOTIFY_TARGET_ADDED,
    CXL_NOTIFY_TARGET_REMOVED,
} CXLNotifyKind;

/* Which addresses an event's range is in */
typedef enum CXLNotifySpace {
    CXL_NOTIFY_ALL,             /* not known: all of the source's */
    CXL_NOTIFY_HPA,             /* host physical addresses */
    CXL_NOTIFY_DPA,             /* the source device's DPA space */
} CXLNotifySpace;

typedef struct CXLNotifyEvent {
    CXLNotifyKind kind;
    /*
     * The device or component whose state changed (the owner of the
     * component registers, the memory device), or the machine for a
     * machine option.
     */
    Object *source;
    CXLNotifySpace space;
    uint64_t lo;                /* [lo, lo + len) where known */
    uint64_t len;
} CXLNotifyEvent;

/*
 * Subscribe @n: n->notify(n, ev) gets every event, a CXLNotifyEvent *.
 * Subscribers do not depend on each other's order.
 */
void cxl_notify_subscribe(Notifier *n);
void cxl_notify_unsubscribe(Notifier *n);

/* Deliver @ev to every subscriber (with the BQL) */
void cxl_notify(const CXLNotifyEvent *ev);

/* CXL_NOTIFY_STATE_CHANGED of @source, over @space [@lo, @lo + @len) */
void cxl_notify_state_changed(Object *source, CXLNotifySpace space,
                              uint64_t lo, uint64_t len);
/* CXL_NOTIFY_DATA_CHANGED of memory target @target, DPA [@dpa, +@len) */
void cxl_notify_data_changed(Object *target, uint64_t dpa, uint64_t len);
/* CXL_NOTIFY_TARGET_ADDED or CXL_NOTIFY_TARGET_REMOVED of @target */
void cxl_notify_target(Object *target, CXLNotifyKind kind);

#endif /* HW_CXL_NOTIFY_H */
