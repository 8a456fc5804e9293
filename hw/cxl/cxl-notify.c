/*
 * CXL state-change notifications (see include/hw/cxl/cxl-notify.h): one
 * list of subscribers for the whole machine. Devices raise events where
 * their state changes; the fast path and the per-access path's decode
 * cache subscribe.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "hw/cxl/cxl-notify.h"

static NotifierList cxl_subscribers =
    NOTIFIER_LIST_INITIALIZER(cxl_subscribers);

void cxl_notify_subscribe(Notifier *n)
{
    notifier_list_add(&cxl_subscribers, n);
}

void cxl_notify_unsubscribe(Notifier *n)
{
    notifier_remove(n);
}

void cxl_notify(const CXLNotifyEvent *ev)
{
    notifier_list_notify(&cxl_subscribers, (void *)ev);
}

void cxl_notify_state_changed(Object *source, CXLNotifySpace space,
                              uint64_t lo, uint64_t len)
{
    CXLNotifyEvent ev = {
        .kind = CXL_NOTIFY_STATE_CHANGED, .source = source,
        .space = space, .lo = lo, .len = len,
    };

    cxl_notify(&ev);
}

void cxl_notify_data_changed(Object *target, uint64_t dpa, uint64_t len)
{
    CXLNotifyEvent ev = {
        .kind = CXL_NOTIFY_DATA_CHANGED, .source = target,
        .space = CXL_NOTIFY_DPA, .lo = dpa, .len = len,
    };

    cxl_notify(&ev);
}

void cxl_notify_target(Object *target, CXLNotifyKind kind)
{
    CXLNotifyEvent ev = {
        .kind = kind, .source = target, .space = CXL_NOTIFY_ALL,
    };

    assert(kind == CXL_NOTIFY_TARGET_ADDED ||
           kind == CXL_NOTIFY_TARGET_REMOVED);
    cxl_notify(&ev);
}
