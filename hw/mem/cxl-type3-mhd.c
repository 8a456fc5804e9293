/*
 * Multi-headed dynamic capacity (MH-SLD) of cxl-type3: the heads of one
 * device live in different QEMU processes (one host each), share the DC
 * backend (a memory-backend-file with share=on) and a state file
 * (mhd-state) holding the extent table of include/hw/cxl/cxl-mhd.h; and
 * the FM API command Get Multi-Headed Info (5500h).
 *
 * The state file: a fixed-layout, versioned, little-endian header (the
 * heads, the DC geometry, the identity of the backend's file) and a table
 * of CXL_DC_MAX_EXTENTS entries, mapped MAP_SHARED by every head. The
 * first head creates it (and zeroes the whole DC capacity: nothing of an
 * earlier run leaks); the others must agree on its header or are refused.
 * Every read-modify-write holds flock(LOCK_EX) on it: an offer's overlap
 * check and its insertion are one step, so two processes never both get
 * overlapping unshared extents. Each head also holds an OFD lock on one
 * byte past the table (its head number), so two running processes cannot
 * be the same head.
 *
 * A head starting (realize) is a power-on: it drops every holding an
 * earlier process of its head left, and capacity nobody holds then is
 * zeroed. Capacity is zeroed whenever no head holds it any more, not
 * before: releasing a shared extent on one head leaves the other heads'
 * data intact.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <sys/file.h>
#include "qemu/bswap.h"
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "qom/object.h"
#include "migration/misc.h"
#include "system/runstate.h"
#include "system/hostmem.h"
#include "system/ramblock.h"
#include "hw/cxl/cxl-mailbox.h"
#include "hw/cxl/cxl-mhd.h"
#include "hw/cxl/cxl-type3.h"

#define MHD_MAGIC           "QCXLMHD"           /* 8 bytes with the NUL */
#define MHD_VERSION         1
#define MHD_HEADER_SIZE     512
/* the heads' OFD locks: one byte each, past the end of the file */
#define MHD_HEAD_LOCK_BASE  (1ull << 30)

/* A DC region in the header */
typedef struct QEMU_PACKED MHDFileRegion {
    uint64_t base;
    uint64_t len;
    uint64_t block_size;
    uint8_t sharable;
    uint8_t rsvd[7];
} MHDFileRegion;
QEMU_BUILD_BUG_ON(sizeof(MHDFileRegion) != 32);

/* The header (little endian) */
typedef struct QEMU_PACKED MHDFileHeader {
    char magic[8];
    uint32_t version;
    uint32_t max_extents;               /* table entries */
    uint16_t heads;
    uint8_t nr_regions;
    uint8_t rsvd1[5];
    uint64_t backend_dev;               /* the DC backend file's st_dev */
    uint64_t backend_ino;               /* ... and st_ino */
    uint64_t dc_size;
    MHDFileRegion region[CXL_DC_MAX_REGIONS];
} MHDFileHeader;
QEMU_BUILD_BUG_ON(sizeof(MHDFileHeader) > MHD_HEADER_SIZE);

#define MHD_ENTRY_IN_USE    BIT(0)
#define MHD_ENTRY_SHARED    BIT(1)

/* A table entry (little endian); in use entries first, in DPA order */
typedef struct QEMU_PACKED MHDFileEntry {
    uint64_t dpa;
    uint64_t len;
    uint8_t tag[CXL_DC_TAG_LEN];
    uint16_t shared_seq;
    uint16_t pending;
    uint16_t accepted;
    uint8_t region;
    uint8_t flags;                      /* MHD_ENTRY_* */
    uint8_t rsvd[8];
} MHDFileEntry;
QEMU_BUILD_BUG_ON(sizeof(MHDFileEntry) != 48);

#define MHD_FILE_SIZE   (MHD_HEADER_SIZE + \
                         CXL_DC_MAX_EXTENTS * sizeof(MHDFileEntry))

typedef struct CXLType3MHD {
    int fd;
    uint8_t *map;                       /* MHD_FILE_SIZE bytes, shared */
    CXLMHDTable table;                  /* loaded by begin */
    bool locked;
    bool dirty;                         /* the table changed: write it */
    /* migration: this process holds its head's lock (see below) */
    CXLType3Dev *ct3;
    bool head_locked;
    NotifierWithReturn migration;
} CXLType3MHD;

static MHDFileHeader *mhd_header(CXLType3MHD *m)
{
    return (MHDFileHeader *)m->map;
}

static MHDFileEntry *mhd_entries(CXLType3MHD *m)
{
    return (MHDFileEntry *)(m->map + MHD_HEADER_SIZE);
}

uint16_t cxl_type3_dc_host(CXLType3Dev *ct3)
{
    return ct3->mhd ? ct3->mhd_head : 0;
}

bool cxl_type3_mhd_check_props(CXLType3Dev *ct3, Error **errp)
{
    if (!ct3->mhd_state) {
        if (ct3->mhd_head || ct3->mhd_heads != 2 ||
            ct3->dc_sharable_regions) {
            error_setg(errp, "%s: mhd-head, mhd-heads and "
                       "dc-sharable-regions need mhd-state (a multi-headed "
                       "device's shared state file)", TYPE_CXL_TYPE3);
            return false;
        }
        return true;
    }
    if (!ct3->num_dc_regions || !ct3->hostdc) {
        error_setg(errp, "%s: mhd-state needs dynamic capacity "
                   "(volatile-dc-memdev and num-dc-regions)", TYPE_CXL_TYPE3);
        return false;
    }
    if (ct3->mhd_heads < 2 || ct3->mhd_heads > CXL_TYPE3_MHD_HEADS_MAX) {
        error_setg(errp, "%s: mhd-heads must be from 2 to %d (got %u)",
                   TYPE_CXL_TYPE3, CXL_TYPE3_MHD_HEADS_MAX, ct3->mhd_heads);
        return false;
    }
    if (ct3->mhd_head >= ct3->mhd_heads) {
        error_setg(errp, "%s: mhd-head must be from 0 to %u, below mhd-heads "
                   "(got %u)", TYPE_CXL_TYPE3, ct3->mhd_heads - 1,
                   ct3->mhd_head);
        return false;
    }
    if (ct3->num_dc_regions <= CXL_DC_MAX_REGIONS &&
        ct3->dc_sharable_regions >> ct3->num_dc_regions) {
        error_setg(errp, "%s: dc-sharable-regions 0x%x names regions the "
                   "device does not have (bits 0 to %u: num-dc-regions is "
                   "%u)", TYPE_CXL_TYPE3, ct3->dc_sharable_regions,
                   ct3->num_dc_regions - 1, ct3->num_dc_regions);
        return false;
    }
    return true;
}

/* The DC backend: a memory-backend-file with share=on, on a regular file */
static bool mhd_backend_identity(CXLType3Dev *ct3, struct stat *st,
                                 Error **errp)
{
    Object *b = OBJECT(ct3->hostdc);
    g_autofree char *path = NULL;

    if (!object_dynamic_cast(b, TYPE_MEMORY_BACKEND_FILE) ||
        !object_property_get_bool(b, "share", NULL)) {
        error_setg(errp, "%s: volatile-dc-memdev: a multi-headed device "
                   "(mhd-state) needs a %s with share=on, the file every "
                   "head's QEMU maps", TYPE_CXL_TYPE3,
                   TYPE_MEMORY_BACKEND_FILE);
        return false;
    }
    path = object_property_get_str(b, "mem-path", NULL);
    if (!path || stat(path, st) < 0 || !S_ISREG(st->st_mode)) {
        error_setg(errp, "%s: volatile-dc-memdev: mem-path '%s' of a "
                   "multi-headed device (mhd-state) must be a regular file",
                   TYPE_CXL_TYPE3, path ?: "");
        return false;
    }
    return true;
}

static void mhd_header_fill(CXLType3Dev *ct3, const struct stat *st,
                            MHDFileHeader *h)
{
    CXLType3DC *dc = ct3->dc;

    memset(h, 0, sizeof(*h));
    memcpy(h->magic, MHD_MAGIC, sizeof(h->magic));
    h->version = cpu_to_le32(MHD_VERSION);
    h->max_extents = cpu_to_le32(CXL_DC_MAX_EXTENTS);
    h->heads = cpu_to_le16(ct3->mhd_heads);
    h->nr_regions = dc->nr_regions;
    h->backend_dev = cpu_to_le64(st->st_dev);
    h->backend_ino = cpu_to_le64(st->st_ino);
    h->dc_size = cpu_to_le64(ct3->dcsize);
    for (unsigned r = 0; r < dc->nr_regions; r++) {
        h->region[r] = (MHDFileRegion) {
            .base = cpu_to_le64(dc->region[r].base),
            .len = cpu_to_le64(dc->region[r].len),
            .block_size = cpu_to_le64(dc->region[r].block_size),
            .sharable = dc->region[r].sharable,
        };
    }
}

/* The existing header @have against this head's @want */
static bool mhd_header_check(CXLType3Dev *ct3, const MHDFileHeader *have,
                             const MHDFileHeader *want, Error **errp)
{
    const char *path = ct3->mhd_state;

    if (memcmp(have->magic, want->magic, sizeof(have->magic)) ||
        have->version != want->version ||
        have->max_extents != want->max_extents) {
        error_setg(errp, "%s: mhd-state '%s' is not a version %d "
                   "multi-headed device state file", TYPE_CXL_TYPE3, path,
                   MHD_VERSION);
        return false;
    }
    if (have->heads != want->heads) {
        error_setg(errp, "%s: mhd-state '%s' is of a device with %u heads; "
                   "this one has mhd-heads=%u", TYPE_CXL_TYPE3, path,
                   le16_to_cpu(have->heads), ct3->mhd_heads);
        return false;
    }
    if (have->backend_dev != want->backend_dev ||
        have->backend_ino != want->backend_ino) {
        error_setg(errp, "%s: mhd-state '%s' is of a device whose "
                   "volatile-dc-memdev is another file (every head must map "
                   "the same mem-path)", TYPE_CXL_TYPE3, path);
        return false;
    }
    if (have->nr_regions != want->nr_regions ||
        have->dc_size != want->dc_size ||
        memcmp(have->region, want->region, sizeof(have->region))) {
        error_setg(errp, "%s: mhd-state '%s' is of a device with another "
                   "dynamic capacity geometry (num-dc-regions, the regions' "
                   "size, base, dc-block-size or dc-sharable-regions differ "
                   "from this head's)", TYPE_CXL_TYPE3, path);
        return false;
    }
    return true;
}

/* Zero the DC capacity no head holds any more: @freed of (dpa, len) */
static void mhd_zero(CXLType3Dev *ct3, GArray *freed)
{
    for (unsigned i = 0; i + 1 < freed->len; i += 2) {
        cxl_type3_zero_dpa(ct3, g_array_index(freed, uint64_t, i),
                           g_array_index(freed, uint64_t, i + 1));
    }
}

/* A fresh state file: none of the backend's earlier contents may leak */
static void mhd_zero_all(CXLType3Dev *ct3)
{
    MemoryRegion *mr = host_memory_backend_get_memory(ct3->hostdc);

    /* punch the file's pages out; if it cannot, overwrite them */
    if (ram_block_discard_range(mr->ram_block, 0, ct3->dcsize) < 0) {
        cxl_type3_zero_dpa(ct3, cxl_type3_dc_base(ct3), ct3->dcsize);
    }
}

static bool mhd_load(CXLType3MHD *m, Error **errp)
{
    const MHDFileEntry *f = mhd_entries(m);

    cxl_mhd_table_init(&m->table, CXL_DC_MAX_EXTENTS);
    for (unsigned i = 0; i < CXL_DC_MAX_EXTENTS && (f[i].flags &
                                                  MHD_ENTRY_IN_USE); i++) {
        CXLMHDEntry e = {
            .dpa = le64_to_cpu(f[i].dpa),
            .len = le64_to_cpu(f[i].len),
            .shared_seq = le16_to_cpu(f[i].shared_seq),
            .shared = f[i].flags & MHD_ENTRY_SHARED,
            .region = f[i].region,
            .pending = le16_to_cpu(f[i].pending),
            .accepted = le16_to_cpu(f[i].accepted),
        };

        memcpy(e.tag, f[i].tag, sizeof(e.tag));
        if (!cxl_mhd_append(&m->table, &e)) {
            error_setg(errp, "mhd-state: entry %u of the shared state file "
                       "is corrupt", i);
            cxl_mhd_table_cleanup(&m->table);
            return false;
        }
    }
    return true;
}

static void mhd_store(CXLType3MHD *m)
{
    MHDFileEntry *f = mhd_entries(m);
    unsigned n = cxl_mhd_count(&m->table);

    for (unsigned i = 0; i < n; i++) {
        const CXLMHDEntry *e = cxl_mhd_at(&m->table, i);

        f[i] = (MHDFileEntry) {
            .dpa = cpu_to_le64(e->dpa),
            .len = cpu_to_le64(e->len),
            .shared_seq = cpu_to_le16(e->shared_seq),
            .pending = cpu_to_le16(e->pending),
            .accepted = cpu_to_le16(e->accepted),
            .region = e->region,
            .flags = MHD_ENTRY_IN_USE | (e->shared ? MHD_ENTRY_SHARED : 0),
        };
        memcpy(f[i].tag, e->tag, sizeof(f[i].tag));
    }
    memset(&f[n], 0, (CXL_DC_MAX_EXTENTS - n) * sizeof(*f));
}

/* Take this head's lock; false if another process holds it */
static bool mhd_take_head(CXLType3MHD *m)
{
    if (!m->head_locked) {
        m->head_locked = !qemu_lock_fd(m->fd, MHD_HEAD_LOCK_BASE +
                                       m->ct3->mhd_head, 1, true);
    }
    return m->head_locked;
}

bool cxl_type3_mhd_begin(CXLType3Dev *ct3, Error **errp)
{
    CXLType3MHD *m = ct3->mhd;

    if (!m) {
        return true;
    }
    assert(!m->locked);
    /* a migration destination takes the head once the source let it go */
    mhd_take_head(m);
    while (flock(m->fd, LOCK_EX) < 0) {
        if (errno != EINTR) {
            error_setg_errno(errp, errno, "mhd-state: cannot lock '%s'",
                             ct3->mhd_state);
            return false;
        }
    }
    if (!mhd_load(m, errp)) {
        flock(m->fd, LOCK_UN);
        return false;
    }
    m->locked = true;
    m->dirty = false;
    return true;
}

CXLMHDTable *cxl_type3_mhd_table(CXLType3Dev *ct3)
{
    return ct3->mhd ? &ct3->mhd->table : NULL;
}

bool cxl_type3_mhd_update(CXLType3Dev *ct3, const CXLDCStore *s)
{
    CXLType3MHD *m = ct3->mhd;
    g_autoptr(GArray) freed = g_array_new(false, false, sizeof(uint64_t));

    if (!m) {
        return true;
    }
    assert(m->locked);
    if (!cxl_mhd_set_head(&m->table, ct3->mhd_head,
                          (const CXLDCExtent *)s->extents->data,
                          cxl_dc_count(s), freed)) {
        return false;
    }
    /* under the lock: nobody can be given this capacity before it is zero */
    mhd_zero(ct3, freed);
    m->dirty = true;
    return true;
}

void cxl_type3_mhd_end(CXLType3Dev *ct3)
{
    CXLType3MHD *m = ct3->mhd;

    if (!m) {
        return;
    }
    assert(m->locked);
    if (m->dirty) {
        mhd_store(m);
    }
    cxl_mhd_table_cleanup(&m->table);
    m->locked = false;
    flock(m->fd, LOCK_UN);
}

static void mhd_close(CXLType3MHD *m)
{
    if (m->migration.notify) {
        migration_remove_notifier(&m->migration);
    }
    if (m->map) {
        munmap(m->map, MHD_FILE_SIZE);
    }
    close(m->fd);
    g_free(m);
}

/*
 * Migration of a head. The shared state stays where it is: the DC backend
 * (not registered for RAM migration: a copy sent by the source would
 * overwrite what the other heads wrote since) and the state file, which
 * source and destination must both reach (the same host, or shared
 * storage, as for a shared disk). The stream carries this head's store
 * (cxl-type3-dc.c); the table already holds it, and the destination makes
 * sure it does after the load (cxl_type3_mhd_migrated()). A destination
 * (-incoming) does not drop the head's holdings at realize, as a power-on
 * does, and takes the head's lock once the source let it go: the source
 * releases it when the migration completes, and takes it back if it
 * fails.
 */
static int mhd_migration(NotifierWithReturn *n, MigrationEvent *e,
                         Error **errp)
{
    CXLType3MHD *m = container_of(n, CXLType3MHD, migration);

    if (e->type == MIG_EVENT_PRECOPY_DONE && m->head_locked) {
        qemu_unlock_fd(m->fd, MHD_HEAD_LOCK_BASE + m->ct3->mhd_head, 1);
        m->head_locked = false;
    } else if (e->type == MIG_EVENT_PRECOPY_FAILED && !mhd_take_head(m)) {
        warn_report("%s: mhd-head=%u of mhd-state '%s': the migration "
                    "failed and another process holds the head now",
                    TYPE_CXL_TYPE3, m->ct3->mhd_head, m->ct3->mhd_state);
    }
    return 0;
}

bool cxl_type3_mhd_migrated(CXLType3Dev *ct3, const CXLDCStore *s,
                            Error **errp)
{
    bool ok;

    if (!ct3->mhd) {
        return true;
    }
    if (!cxl_type3_mhd_begin(ct3, errp)) {
        return false;
    }
    ok = cxl_type3_mhd_update(ct3, s);
    cxl_type3_mhd_end(ct3);
    if (!ok) {
        error_setg(errp, "mhd-state: the shared table has no room for the "
                   "head's extents");
    }
    return ok;
}

bool cxl_type3_mhd_realize(CXLType3Dev *ct3, Error **errp)
{
    CXLType3MHD *m;
    MHDFileHeader want;
    struct stat st, bst;
    bool fresh;
    CXLDCStore none;
    bool ok;
    bool incoming = runstate_check(RUN_STATE_INMIGRATE);

    if (!ct3->mhd_state) {
        return true;
    }
    for (unsigned r = 0; r < ct3->dc->nr_regions; r++) {
        ct3->dc->region[r].sharable = ct3->dc_sharable_regions & BIT(r);
    }
    if (!mhd_backend_identity(ct3, &bst, errp)) {
        return false;
    }
    m = g_new0(CXLType3MHD, 1);
    m->ct3 = ct3;
    m->fd = qemu_create(ct3->mhd_state, O_RDWR, 0600, errp);
    if (m->fd < 0) {
        error_prepend(errp, "%s: mhd-state: ", TYPE_CXL_TYPE3);
        g_free(m);
        return false;
    }
    /* a migration destination: the source holds the head until it is done */
    if (!mhd_take_head(m) && !incoming) {
        error_setg(errp, "%s: mhd-head=%u of mhd-state '%s' is in use by "
                   "another QEMU process", TYPE_CXL_TYPE3, ct3->mhd_head,
                   ct3->mhd_state);
        mhd_close(m);
        return false;
    }
    while (flock(m->fd, LOCK_EX) < 0) {
        if (errno != EINTR) {
            error_setg_errno(errp, errno, "%s: mhd-state: cannot lock '%s'",
                             TYPE_CXL_TYPE3, ct3->mhd_state);
            mhd_close(m);
            return false;
        }
    }
    if (fstat(m->fd, &st) < 0 ||
        (!(fresh = !st.st_size) && st.st_size != MHD_FILE_SIZE) ||
        (fresh && ftruncate(m->fd, MHD_FILE_SIZE) < 0)) {
        error_setg(errp, "%s: mhd-state '%s' is not a multi-headed device "
                   "state file (its size is not %zu bytes) or cannot be "
                   "created", TYPE_CXL_TYPE3, ct3->mhd_state,
                   (size_t)MHD_FILE_SIZE);
        flock(m->fd, LOCK_UN);
        mhd_close(m);
        return false;
    }
    m->map = mmap(NULL, MHD_FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
                  m->fd, 0);
    if (m->map == MAP_FAILED) {
        m->map = NULL;
        error_setg_errno(errp, errno, "%s: mhd-state: cannot map '%s'",
                         TYPE_CXL_TYPE3, ct3->mhd_state);
        flock(m->fd, LOCK_UN);
        mhd_close(m);
        return false;
    }
    mhd_header_fill(ct3, &bst, &want);
    if (fresh) {
        memcpy(mhd_header(m), &want, sizeof(want));
        mhd_zero_all(ct3);
    } else if (!mhd_header_check(ct3, mhd_header(m), &want, errp)) {
        flock(m->fd, LOCK_UN);
        mhd_close(m);
        return false;
    }
    flock(m->fd, LOCK_UN);
    ct3->mhd = m;
    migration_add_notifier(&m->migration, mhd_migration);
    if (incoming) {
        /* not a power-on: the head's holdings are the source's, and stay */
        return true;
    }

    /* a power-on: whatever an earlier process of this head held is gone */
    if (!cxl_type3_mhd_begin(ct3, errp)) {
        error_prepend(errp, "%s: ", TYPE_CXL_TYPE3);
        ct3->mhd = NULL;
        mhd_close(m);
        return false;
    }
    cxl_dc_store_init(&none, CXL_DC_MAX_EXTENTS);
    ok = cxl_type3_mhd_update(ct3, &none);
    assert(ok);                 /* removing holdings never needs entries */
    cxl_dc_store_cleanup(&none);
    cxl_type3_mhd_end(ct3);
    return true;
}

void cxl_type3_mhd_cleanup(CXLType3Dev *ct3)
{
    if (ct3->mhd) {
        mhd_close(ct3->mhd);
        ct3->mhd = NULL;
    }
}

/* ---- Get Multi-Headed Info (FM API 5500h) ---- */

static CXLRetCode cmd_get_mhd_info(CXLCCI *cci, const uint8_t *in,
                                   size_t in_len, uint8_t *out,
                                   size_t *out_len)
{
    CXLType3Dev *ct3 = ct3_of(cci);
    const CXLGetMHDInfoIn *i = (const CXLGetMHDInfoIn *)in;
    CXLGetMHDInfoOut *o = (CXLGetMHDInfoOut *)out;
    /* an MH-SLD: one LD per head, LD n on head n */
    unsigned lds = ct3->mhd_heads, n;

    if (i->start_ld >= lds) {
        return CXL_RC_INVALID_INPUT;
    }
    n = MIN(i->ld_map_limit, lds - i->start_ld);
    memset(o, 0, sizeof(*o));
    o->nr_lds = lds;
    o->nr_heads = ct3->mhd_heads;
    o->start_ld = i->start_ld;
    o->ld_map_len = n;
    for (unsigned k = 0; k < n; k++) {
        o->ld_map[k] = i->start_ld + k;
    }
    *out_len = sizeof(*o) + n;
    return CXL_RC_SUCCESS;
}

/* Kept apart from the DCD commands so it can move to an FM CCI with them */
static const CXLCCICommand mhd_commands[] = {
    { CXL_OP_GET_MHD_INFO, "Get Multi-Headed Info", cmd_get_mhd_info,
      CXL_CCI_IN_EXACT, sizeof(CXLGetMHDInfoIn), 0 },
};

void cxl_type3_mhd_add_commands(CXLType3Dev *ct3, CXLCCI *cci)
{
    if (ct3->mhd) {
        cxl_cci_add_commands(cci, mhd_commands, ARRAY_SIZE(mhd_commands));
    }
}
