/*
 * CXL mailbox payloads: the input and output layouts of every command the
 * project's CCIs serve, and the event records they return.
 *
 * One struct per spec table (CXL r3.1 8.2.9 unless noted; the FM API
 * switch commands are r3.1 7.6.7, Memory Sparing and Media Operations
 * r3.2 8.2.10). The structs are packed and their multi-byte fields hold
 * little-endian values: read them with le16_to_cpu() etc. and write them
 * with cpu_to_le16() etc. (3-byte fields are uint8_t[3], written with
 * st24_le_p()). Bit fields inside a field are described with FIELD() from
 * hw/registerfields.h where the code that uses them lives. Sizes are
 * checked at build time; Linux's drivers/cxl/cxlmem.h and
 * include/cxl/event.h have the same layouts where they have them. The
 * specification text is not available to the project: table numbers are
 * given where Linux's sources cite them (with the revision they cite),
 * otherwise the section only.
 *
 * Handlers cast their payload buffers to these types: the structs are
 * packed, so any alignment of the buffer is fine.
 *
 * Copyright (c) 2026 The CXL QEMU developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_CXL_MAILBOX_H
#define HW_CXL_MAILBOX_H

#define CXL_UUID_LEN                    16

/* A 3-byte little-endian field (uint8_t[3]); st24_le_p() writes one */
static inline uint32_t cxl_ld24_le(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16;
}

/*
 * ---- CCI messages (CXL r3.1 7.6.3, from memory) ----
 *
 * The format of a command and of its response outside a mailbox: in an
 * MCTP message and inside the FM API Tunnel Management Command (5300h).
 * Layout from memory of the table "CXL CCI Message Format" (Linux has no
 * code for it): a 12-byte header, then the payload.
 */

/* category: message category [3:0], reserved [7:4] */
#define CXL_CCI_MSG_REQUEST             0
#define CXL_CCI_MSG_RESPONSE            1
#define CXL_CCI_MSG_CATEGORY_MASK       0x0f
/* payload_len: payload length [20:0], background operation [23] */
#define CXL_CCI_MSG_LEN_MASK            0x1fffff
#define CXL_CCI_MSG_BO                  (1u << 23)

typedef struct CXLCCIMsgHeader {
    uint8_t category;
    uint8_t tag;                        /* echoed in the response */
    uint8_t rsvd;
    uint16_t opcode;
    uint8_t payload_len[3];
    uint16_t return_code;               /* responses; 0 in requests */
    uint16_t vendor_status;             /* vendor specific extended status */
    uint8_t payload[];
} QEMU_PACKED CXLCCIMsgHeader;
QEMU_BUILD_BUG_ON(sizeof(CXLCCIMsgHeader) != 12);

/* ---- Generic commands (CXL r3.1 8.2.9.1 to 8.2.9.5) ---- */

/* Identify (0001h) output, CXL r3.1 8.2.9.1.1 */
typedef struct CXLIdentifyOut {
    uint16_t vendor_id;
    uint16_t device_id;
    uint16_t subsys_vendor_id;
    uint16_t subsys_id;
    uint64_t serial;
    uint8_t max_message_size;           /* 2^n bytes */
    uint8_t component_type;             /* CXL_CCI_COMPONENT_* */
} QEMU_PACKED CXLIdentifyOut;
QEMU_BUILD_BUG_ON(sizeof(CXLIdentifyOut) != 0x12);

/*
 * Background Operation Status (0002h) output, CXL r3.1 8.2.9.1.2.
 * status: operation in progress [0], percent complete [7:1].
 */
typedef struct CXLBgOpStatusOut {
    uint8_t status;
    uint8_t rsvd;
    uint16_t opcode;
    uint16_t return_code;
    uint16_t vendor_status;
} QEMU_PACKED CXLBgOpStatusOut;
QEMU_BUILD_BUG_ON(sizeof(CXLBgOpStatusOut) != 8);

/*
 * Get Timestamp (0300h) output and Set Timestamp (0301h) input, CXL r3.1
 * 8.2.9.4.1/2: nanoseconds since the epoch.
 */
typedef struct CXLTimestamp {
    uint64_t timestamp;
} QEMU_PACKED CXLTimestamp;
QEMU_BUILD_BUG_ON(sizeof(CXLTimestamp) != 8);

/* Supported Log Entry, CXL r3.1 8.2.9.5.1 */
typedef struct CXLSupportedLogEntry {
    uint8_t uuid[CXL_UUID_LEN];
    uint32_t size;
} QEMU_PACKED CXLSupportedLogEntry;
QEMU_BUILD_BUG_ON(sizeof(CXLSupportedLogEntry) != 20);

/* Get Supported Logs (0400h) output, CXL r3.1 8.2.9.5.1 */
typedef struct CXLGetSupportedLogsOut {
    uint16_t entries;
    uint8_t rsvd[6];
    CXLSupportedLogEntry entry[];
} QEMU_PACKED CXLGetSupportedLogsOut;
QEMU_BUILD_BUG_ON(sizeof(CXLGetSupportedLogsOut) != 8);

/* Get Log (0401h) input, CXL r3.1 8.2.9.5.2 */
typedef struct CXLGetLogIn {
    uint8_t uuid[CXL_UUID_LEN];
    uint32_t offset;
    uint32_t length;
} QEMU_PACKED CXLGetLogIn;
QEMU_BUILD_BUG_ON(sizeof(CXLGetLogIn) != 24);

/* Command Effects Log entry, CXL r3.1 8.2.9.5.2.1 */
typedef struct CXLCELEntry {
    uint16_t opcode;
    uint16_t effects;                   /* CXL_CEL_* */
} QEMU_PACKED CXLCELEntry;
QEMU_BUILD_BUG_ON(sizeof(CXLCELEntry) != 4);

/* Get Log Capabilities (0402h) input, CXL r3.1 8.2.9.5.3 */
typedef struct CXLGetLogCapsIn {
    uint8_t uuid[CXL_UUID_LEN];
} QEMU_PACKED CXLGetLogCapsIn;
QEMU_BUILD_BUG_ON(sizeof(CXLGetLogCapsIn) != 16);

/* Get Log Capabilities (0402h) output, CXL r3.1 8.2.9.5.3 */
typedef struct CXLGetLogCapsOut {
    uint32_t caps;
} QEMU_PACKED CXLGetLogCapsOut;
QEMU_BUILD_BUG_ON(sizeof(CXLGetLogCapsOut) != 4);

/* ---- Events (CXL r3.1 8.2.9.2) ---- */

/*
 * Common Event Record, CXL r3.0 8.2.9.2.1, Table 8-42: the UUID and the
 * common header. (Linux's struct cxl_event_record_hdr is the same without
 * the UUID, which its struct cxl_event_record_raw puts first.) flags:
 * severity [1:0], permanent [2], maintenance needed [3], performance
 * degraded [4], hardware replacement needed [5].
 */
typedef struct CXLEventRecordHdr {
    uint8_t uuid[CXL_UUID_LEN];
    uint8_t length;
    uint8_t flags[3];
    uint16_t handle;
    uint16_t related_handle;
    uint64_t timestamp;
    uint8_t maint_op_class;
    uint8_t maint_op_subclass;
    uint16_t ld_id;
    uint8_t head_id;
    uint8_t rsvd[11];
} QEMU_PACKED CXLEventRecordHdr;
QEMU_BUILD_BUG_ON(sizeof(CXLEventRecordHdr) != 0x30);

#define CXL_EVENT_RECORD_DATA_LEN       0x50

/* A whole event record, any kind, CXL r3.0 Table 8-42 */
typedef struct CXLEventRecord {
    CXLEventRecordHdr hdr;
    uint8_t data[CXL_EVENT_RECORD_DATA_LEN];
} QEMU_PACKED CXLEventRecord;
QEMU_BUILD_BUG_ON(sizeof(CXLEventRecord) != 0x80);

/*
 * The fields General Media and DRAM Event Records share, CXL r3.1
 * Tables 8-45 and 8-46 up to Rank (Linux's struct cxl_event_media_hdr).
 */
typedef struct CXLEventMediaHdr {
    CXLEventRecordHdr hdr;
    uint64_t dpa;                       /* flags in [5:0] */
    uint8_t descriptor;
    uint8_t type;
    uint8_t transaction_type;
    uint16_t validity_flags;
    uint8_t channel;
    uint8_t rank;
} QEMU_PACKED CXLEventMediaHdr;
QEMU_BUILD_BUG_ON(sizeof(CXLEventMediaHdr) != 0x3f);

#define CXL_EVENT_COMPONENT_ID_LEN      16

/* General Media Event Record, CXL r3.1 8.2.9.2.1.1, Table 8-45 */
typedef struct CXLEventGenMedia {
    CXLEventMediaHdr media;
    uint8_t device[3];
    uint8_t component_id[CXL_EVENT_COMPONENT_ID_LEN];
    uint8_t cme_threshold_ev_flags;
    uint8_t cme_count[3];
    uint8_t sub_type;
    uint8_t rsvd[41];
} QEMU_PACKED CXLEventGenMedia;
QEMU_BUILD_BUG_ON(sizeof(CXLEventGenMedia) != 0x80);
QEMU_BUILD_BUG_ON(offsetof(CXLEventGenMedia, component_id) != 0x42);

#define CXL_EVENT_DRAM_CORRECTION_MASKS 4

/* DRAM Event Record, CXL r3.1 8.2.9.2.1.2, Table 8-46 */
typedef struct CXLEventDram {
    CXLEventMediaHdr media;
    uint8_t nibble_mask[3];
    uint8_t bank_group;
    uint8_t bank;
    uint8_t row[3];
    uint16_t column;
    uint64_t correction_mask[CXL_EVENT_DRAM_CORRECTION_MASKS];
    uint8_t component_id[CXL_EVENT_COMPONENT_ID_LEN];
    uint8_t sub_channel;
    uint8_t cme_threshold_ev_flags;
    uint8_t cvme_count[3];
    uint8_t sub_type;
    uint8_t rsvd;
} QEMU_PACKED CXLEventDram;
QEMU_BUILD_BUG_ON(sizeof(CXLEventDram) != 0x80);
QEMU_BUILD_BUG_ON(offsetof(CXLEventDram, correction_mask) != 0x49);

/*
 * Device Health Information: the Get Health Info (4200h) output, CXL r3.1
 * 8.2.9.9.3.1, Table 8-133, also carried by Memory Module Event Records.
 * additional_status: life used [1:0], device temperature [3:2] (normal,
 * warning, critical), corrected volatile [4] and persistent [5] error
 * counts over their warning thresholds.
 */
typedef struct CXLHealthInfo {
    uint8_t health_status;
    uint8_t media_status;
    uint8_t additional_status;
    uint8_t life_used;
    uint16_t temperature;               /* signed, degrees Celsius */
    uint32_t dirty_shutdowns;
    uint32_t corrected_volatile;
    uint32_t corrected_persistent;
} QEMU_PACKED CXLHealthInfo;
QEMU_BUILD_BUG_ON(sizeof(CXLHealthInfo) != 0x12);

/* Memory Module Event Record, CXL r3.1 8.2.9.2.1.3, Table 8-47 */
typedef struct CXLEventMemModule {
    CXLEventRecordHdr hdr;
    uint8_t event_type;
    CXLHealthInfo info;
    uint16_t validity_flags;
    uint8_t component_id[CXL_EVENT_COMPONENT_ID_LEN];
    uint8_t event_sub_type;
    uint8_t rsvd[0x2a];
} QEMU_PACKED CXLEventMemModule;
QEMU_BUILD_BUG_ON(sizeof(CXLEventMemModule) != 0x80);
QEMU_BUILD_BUG_ON(offsetof(CXLEventMemModule, validity_flags) != 0x43);

/*
 * Memory Sparing Event Record, CXL r3.2 8.2.10.2.1.4, Table 8-60. Its own
 * maintenance class and subclass (0x30, 0x31) duplicate the header's and
 * are left reserved, as Linux does.
 */
typedef struct CXLEventMemSparing {
    CXLEventRecordHdr hdr;
    uint8_t rsvd1[2];
    uint8_t flags;
    uint8_t result;
    uint16_t validity_flags;
    uint8_t rsvd2[6];
    uint16_t resources_available;
    uint8_t channel;
    uint8_t rank;
    uint8_t nibble_mask[3];
    uint8_t bank_group;
    uint8_t bank;
    uint8_t row[3];
    uint16_t column;
    uint8_t component_id[CXL_EVENT_COMPONENT_ID_LEN];
    uint8_t sub_channel;
    uint8_t rsvd3[0x25];
} QEMU_PACKED CXLEventMemSparing;
QEMU_BUILD_BUG_ON(sizeof(CXLEventMemSparing) != 0x80);
QEMU_BUILD_BUG_ON(offsetof(CXLEventMemSparing, sub_channel) != 0x5a);

/* Get Event Records (0100h) input, CXL r3.0 8.2.9.2.2, Table 8-49 */
typedef struct CXLGetEventRecordsIn {
    uint8_t log;                        /* CXLEventLogType */
} QEMU_PACKED CXLGetEventRecordsIn;
QEMU_BUILD_BUG_ON(sizeof(CXLGetEventRecordsIn) != 1);

/*
 * Get Event Records (0100h) output, CXL r3.0 8.2.9.2.2, Table 8-50.
 * flags: overflow [0], more event records [1].
 */
typedef struct CXLGetEventRecordsOut {
    uint8_t flags;
    uint8_t rsvd1;
    uint16_t overflow_err_count;
    uint64_t first_overflow_ts;
    uint64_t last_overflow_ts;
    uint16_t record_count;
    uint8_t rsvd2[10];
    CXLEventRecord records[];
} QEMU_PACKED CXLGetEventRecordsOut;
QEMU_BUILD_BUG_ON(sizeof(CXLGetEventRecordsOut) != 0x20);

/*
 * Clear Event Records (0101h) input, CXL r3.0 8.2.9.2.3, Table 8-51.
 * flags: clear all events [0].
 */
typedef struct CXLClearEventRecordsIn {
    uint8_t log;
    uint8_t flags;
    uint8_t nr_handles;
    uint8_t rsvd[3];
    uint16_t handles[];
} QEMU_PACKED CXLClearEventRecordsIn;
QEMU_BUILD_BUG_ON(sizeof(CXLClearEventRecordsIn) != 6);

/*
 * Get Event Interrupt Policy (0102h) output and Set Event Interrupt
 * Policy (0103h) input, CXL r3.0 8.2.9.2.4/5, Table 8-52 (Get): one
 * settings byte per log, interrupt mode [1:0] and message number [7:4].
 * The dynamic capacity byte is optional in the Set input.
 */
typedef struct CXLEventIntPolicy {
    uint8_t settings[4];                /* info, warning, failure, fatal */
    uint8_t dcd_settings;
} QEMU_PACKED CXLEventIntPolicy;
QEMU_BUILD_BUG_ON(sizeof(CXLEventIntPolicy) != 5);
#define CXL_EVENT_INT_POLICY_MIN_LEN \
    offsetof(CXLEventIntPolicy, dcd_settings)

/* ---- Firmware update (CXL r3.1 8.2.9.3) ---- */

#define CXL_FW_REVISION_LEN             16
#define CXL_FW_INFO_SLOTS               4

/*
 * Get FW Info (0200h) output, CXL r3.0 8.2.9.3.1, Table 8-56. slot_info:
 * active slot [2:0], staged slot [5:3]; activation_caps: online [0].
 */
typedef struct CXLGetFWInfoOut {
    uint8_t slots_supported;
    uint8_t slot_info;
    uint8_t activation_caps;
    uint8_t rsvd[13];
    char revision[CXL_FW_INFO_SLOTS][CXL_FW_REVISION_LEN];  /* slots 1-4 */
} QEMU_PACKED CXLGetFWInfoOut;
QEMU_BUILD_BUG_ON(sizeof(CXLGetFWInfoOut) != 0x50);

/* Transfer FW (0201h) input, CXL r3.0 8.2.9.3.2, Table 8-57 */
typedef struct CXLTransferFWIn {
    uint8_t action;
    uint8_t slot;
    uint8_t rsvd1[2];
    uint32_t offset;                    /* 128-byte units */
    uint8_t rsvd2[0x78];
    uint8_t data[];
} QEMU_PACKED CXLTransferFWIn;
QEMU_BUILD_BUG_ON(sizeof(CXLTransferFWIn) != 0x80);

/* Activate FW (0202h) input, CXL r3.0 8.2.9.3.3, Table 8-58 */
typedef struct CXLActivateFWIn {
    uint8_t action;
    uint8_t slot;
} QEMU_PACKED CXLActivateFWIn;
QEMU_BUILD_BUG_ON(sizeof(CXLActivateFWIn) != 2);

/* ---- Features (CXL r3.2 8.2.10.6) and maintenance (8.2.10.7) ---- */

/* Get Supported Features (0500h) input, CXL r3.2 8.2.10.6.1 */
typedef struct CXLGetSupportedFeaturesIn {
    uint32_t count;                     /* bytes of output room */
    uint16_t start_index;
    uint16_t rsvd;
} QEMU_PACKED CXLGetSupportedFeaturesIn;
QEMU_BUILD_BUG_ON(sizeof(CXLGetSupportedFeaturesIn) != 8);

/*
 * Supported Feature Entry, CXL r3.2 8.2.10.6.1. flags: see
 * FEAT_FLAGS in cxl-type3-features.c.
 */
typedef struct CXLFeatureEntry {
    uint8_t uuid[CXL_UUID_LEN];
    uint16_t index;
    uint16_t get_size;
    uint16_t set_size;
    uint32_t flags;
    uint8_t get_version;
    uint8_t set_version;
    uint16_t effects;
    uint8_t rsvd[18];
} QEMU_PACKED CXLFeatureEntry;
QEMU_BUILD_BUG_ON(sizeof(CXLFeatureEntry) != 48);

/* Get Supported Features (0500h) output, CXL r3.2 8.2.10.6.1 */
typedef struct CXLGetSupportedFeaturesOut {
    uint16_t entries;
    uint16_t supported;
    uint8_t rsvd[4];
    CXLFeatureEntry entry[];
} QEMU_PACKED CXLGetSupportedFeaturesOut;
QEMU_BUILD_BUG_ON(sizeof(CXLGetSupportedFeaturesOut) != 8);

/*
 * Get Feature (0501h) input, CXL r3.2 8.2.10.6.2. selection:
 * 0 current, 1 default, 2 saved value.
 */
typedef struct CXLGetFeatureIn {
    uint8_t uuid[CXL_UUID_LEN];
    uint16_t offset;
    uint16_t count;
    uint8_t selection;
} QEMU_PACKED CXLGetFeatureIn;
QEMU_BUILD_BUG_ON(sizeof(CXLGetFeatureIn) != 21);

/*
 * Set Feature (0502h) input, CXL r3.2 8.2.10.6.3: the header
 * and the feature data. flags: see SF_FLAGS in cxl-type3-features.c.
 */
typedef struct CXLSetFeatureIn {
    uint8_t uuid[CXL_UUID_LEN];
    uint32_t flags;
    uint16_t offset;
    uint8_t version;
    uint8_t rsvd[9];
    uint8_t data[];
} QEMU_PACKED CXLSetFeatureIn;
QEMU_BUILD_BUG_ON(sizeof(CXLSetFeatureIn) != 32);

/*
 * Feature data: the readable attributes Get Feature returns and the
 * writable ones Set Feature takes, per feature (CXL r3.2 8.2.10.9.11 and
 * 8.2.10.7.2; Linux's drivers/cxl/core/edac.c has the same layouts).
 */

/* Device Patrol Scrub Control readable attributes, CXL r3.2 Table 8-222 */
typedef struct CXLFeatScrubRead {
    uint8_t cycle_cap;
    uint16_t cycle;                     /* hours [7:0], minimum [15:8] */
    uint8_t flags;
} QEMU_PACKED CXLFeatScrubRead;
QEMU_BUILD_BUG_ON(sizeof(CXLFeatScrubRead) != 4);

/* Device Patrol Scrub Control writable attributes, CXL r3.2 Table 8-223 */
typedef struct CXLFeatScrubWrite {
    uint8_t cycle_hours;
    uint8_t flags;
} QEMU_PACKED CXLFeatScrubWrite;
QEMU_BUILD_BUG_ON(sizeof(CXLFeatScrubWrite) != 2);

/* DDR5 ECS Control readable attributes of a media FRU, CXL r3.2 Table 8-225 */
typedef struct CXLFeatECSFruRead {
    uint8_t cap;
    uint16_t config;
    uint8_t flags;
} QEMU_PACKED CXLFeatECSFruRead;
QEMU_BUILD_BUG_ON(sizeof(CXLFeatECSFruRead) != 4);

/* DDR5 ECS Control readable attributes, CXL r3.2 Table 8-225 */
typedef struct CXLFeatECSRead {
    uint8_t log_cap;
    CXLFeatECSFruRead fru[];
} QEMU_PACKED CXLFeatECSRead;
QEMU_BUILD_BUG_ON(sizeof(CXLFeatECSRead) != 1);

/* DDR5 ECS Control writable attributes, CXL r3.2 Table 8-226 */
typedef struct CXLFeatECSWrite {
    uint8_t log_cap;
    uint16_t config[];                  /* one per media FRU */
} QEMU_PACKED CXLFeatECSWrite;
QEMU_BUILD_BUG_ON(sizeof(CXLFeatECSWrite) != 1);

/*
 * The readable attributes maintenance features (PPR, memory sparing)
 * start with, CXL r3.2 8.2.10.7.2 (Linux's struct
 * cxl_memdev_repair_rd_attrbs_hdr)
 */
typedef struct CXLFeatMaintRead {
    uint8_t max_latency;
    uint16_t op_cap;
    uint16_t op_mode;
    uint8_t op_class;
    uint8_t op_subclass;
    uint8_t rsvd[9];
} QEMU_PACKED CXLFeatMaintRead;
QEMU_BUILD_BUG_ON(sizeof(CXLFeatMaintRead) != 16);

/*
 * sPPR and hPPR readable attributes, CXL r3.2 8.2.10.7.2.1/2, Tables
 * 8-128 and 8-131
 */
typedef struct CXLFeatPPRRead {
    CXLFeatMaintRead hdr;
    uint8_t ppr_flags;
    uint16_t restriction_flags;
    uint8_t ppr_op_mode;
} QEMU_PACKED CXLFeatPPRRead;
QEMU_BUILD_BUG_ON(sizeof(CXLFeatPPRRead) != 20);

/* sPPR and hPPR writable attributes, CXL r3.2 8.2.10.7.2.1/2 */
typedef struct CXLFeatPPRWrite {
    uint16_t op_mode;
    uint8_t ppr_op_mode;
} QEMU_PACKED CXLFeatPPRWrite;
QEMU_BUILD_BUG_ON(sizeof(CXLFeatPPRWrite) != 3);

/* Memory Sparing readable attributes, CXL r3.2 8.2.10.7.2.3, Table 8-134 */
typedef struct CXLFeatSparingRead {
    CXLFeatMaintRead hdr;
    uint8_t rsvd;
    uint16_t restriction_flags;
} QEMU_PACKED CXLFeatSparingRead;
QEMU_BUILD_BUG_ON(sizeof(CXLFeatSparingRead) != 19);

/* Memory Sparing writable attributes, CXL r3.2 8.2.10.7.2.3 */
typedef struct CXLFeatSparingWrite {
    uint16_t op_mode;
} QEMU_PACKED CXLFeatSparingWrite;
QEMU_BUILD_BUG_ON(sizeof(CXLFeatSparingWrite) != 2);

/*
 * QEMU's own feature "emulated operation durations", vendor specific
 * (UUID b0f9f846-2882-47fa-947d-fb72c85fcb6d, generated for it; see
 * cxl-type3-features.c and docs/system/devices/cxl.rst): the cxl-type3
 * properties of the same names, in milliseconds, little endian. The
 * readable and the writable attributes are both this structure.
 */
typedef struct CXLFeatDurations {
    uint32_t scan_media_ms;             /* scan-media-ms */
    uint32_t fw_transfer_ms_per_mib;    /* fw-transfer-ms-per-mib */
    uint32_t sanitize_ms;               /* sanitize-ms */
    uint32_t maint_ms;                  /* maintenance-ms */
} QEMU_PACKED CXLFeatDurations;
QEMU_BUILD_BUG_ON(sizeof(CXLFeatDurations) != 16);

/* Perform Maintenance (0600h) input header, CXL r3.2 8.2.10.7.1, Table 8-117 */
typedef struct CXLPerformMaintenanceIn {
    uint8_t op_class;
    uint8_t op_subclass;
} QEMU_PACKED CXLPerformMaintenanceIn;
QEMU_BUILD_BUG_ON(sizeof(CXLPerformMaintenanceIn) != 2);

/*
 * Perform Maintenance input for soft and hard PPR, CXL r3.2 8.2.10.7.1.2/3,
 * Tables 8-118 and 8-119
 */
typedef struct CXLMaintPPRIn {
    CXLPerformMaintenanceIn hdr;
    uint8_t flags;
    uint64_t dpa;
    uint8_t nibble_mask[3];
} QEMU_PACKED CXLMaintPPRIn;
QEMU_BUILD_BUG_ON(sizeof(CXLMaintPPRIn) != 14);

/*
 * Perform Maintenance input for memory sparing, CXL r3.2 8.2.10.7.1.4,
 * Table 8-120. The device takes 17 bytes, the last one reserved; Linux
 * 7.3's struct cxl_memdev_sparing_in_payload ends at sub_channel (16
 * bytes with the header), which this device refuses with Invalid Payload
 * Length: which of the two the spec has is not checked.
 */
typedef struct CXLMaintSparingIn {
    CXLPerformMaintenanceIn hdr;
    uint8_t flags;
    uint8_t channel;
    uint8_t rank;
    uint8_t nibble_mask[3];
    uint8_t bank_group;
    uint8_t bank;
    uint8_t row[3];
    uint16_t column;
    uint8_t sub_channel;
    uint8_t rsvd;
} QEMU_PACKED CXLMaintSparingIn;
QEMU_BUILD_BUG_ON(sizeof(CXLMaintSparingIn) != 17);

/* ---- Memory device commands (CXL r3.1 8.2.9.9) ---- */

/*
 * Identify Memory Device (4000h) output, CXL r3.1 8.2.9.9.1.1 (CXL 2.0
 * Table 175)
 */
typedef struct CXLIdentifyMemdevOut {
    char fw_revision[CXL_FW_REVISION_LEN];
    uint64_t total_capacity;            /* 256 MiB units */
    uint64_t volatile_capacity;
    uint64_t persistent_capacity;
    uint64_t partition_align;
    uint16_t event_log_size[4];         /* info, warning, failure, fatal */
    uint32_t lsa_size;
    uint8_t poison_list_max[3];
    uint16_t inject_poison_limit;
    uint8_t poison_caps;
    uint8_t qos_telemetry_caps;
    uint16_t dc_event_log_size;
} QEMU_PACKED CXLIdentifyMemdevOut;
QEMU_BUILD_BUG_ON(sizeof(CXLIdentifyMemdevOut) != 0x45);
QEMU_BUILD_BUG_ON(offsetof(CXLIdentifyMemdevOut, poison_list_max) != 0x3c);

/* Get Partition Info (4100h) output, CXL r3.1 8.2.9.9.2.1 */
typedef struct CXLGetPartitionInfoOut {
    uint64_t active_volatile;           /* 256 MiB units */
    uint64_t active_persistent;
    uint64_t next_volatile;
    uint64_t next_persistent;
} QEMU_PACKED CXLGetPartitionInfoOut;
QEMU_BUILD_BUG_ON(sizeof(CXLGetPartitionInfoOut) != 0x20);

/*
 * Set Partition Info (4101h) input, CXL r3.1 8.2.9.9.2.2.
 * flags: immediate [0].
 */
typedef struct CXLSetPartitionInfoIn {
    uint64_t volatile_capacity;         /* 256 MiB units */
    uint8_t flags;
    uint8_t rsvd;
} QEMU_PACKED CXLSetPartitionInfoIn;
QEMU_BUILD_BUG_ON(sizeof(CXLSetPartitionInfoIn) != 0x0a);

/* Get LSA (4102h) input, CXL r3.1 8.2.9.9.2.3 */
typedef struct CXLGetLSAIn {
    uint32_t offset;
    uint32_t length;
} QEMU_PACKED CXLGetLSAIn;
QEMU_BUILD_BUG_ON(sizeof(CXLGetLSAIn) != 8);

/* Set LSA (4103h) input, CXL r3.1 8.2.9.9.2.4 */
typedef struct CXLSetLSAIn {
    uint32_t offset;
    uint32_t rsvd;
    uint8_t data[];
} QEMU_PACKED CXLSetLSAIn;
QEMU_BUILD_BUG_ON(sizeof(CXLSetLSAIn) != 8);

/*
 * Get Alert Configuration (4201h) output, CXL r3.1 8.2.9.9.3.2. Alert
 * bits: life used [0], over-temperature [1], under-temperature [2],
 * corrected volatile [3] and persistent [4] errors.
 */
typedef struct CXLGetAlertConfigOut {
    uint8_t valid_alerts;
    uint8_t programmable_alerts;
    uint8_t life_used_crit;
    uint8_t life_used_warn;
    uint16_t over_temp_crit;            /* signed, degrees Celsius */
    uint16_t under_temp_crit;
    uint16_t over_temp_warn;
    uint16_t under_temp_warn;
    uint16_t corr_volatile_warn;
    uint16_t corr_persistent_warn;
} QEMU_PACKED CXLGetAlertConfigOut;
QEMU_BUILD_BUG_ON(sizeof(CXLGetAlertConfigOut) != 0x10);

/* Set Alert Configuration (4202h) input, CXL r3.1 8.2.9.9.3.3 */
typedef struct CXLSetAlertConfigIn {
    uint8_t valid_actions;
    uint8_t enable_actions;
    uint8_t life_used_warn;
    uint8_t rsvd;
    uint16_t over_temp_warn;
    uint16_t under_temp_warn;
    uint16_t corr_volatile_warn;
    uint16_t corr_persistent_warn;
} QEMU_PACKED CXLSetAlertConfigIn;
QEMU_BUILD_BUG_ON(sizeof(CXLSetAlertConfigIn) != 0x0c);

/*
 * Get Shutdown State (4203h) output and Set Shutdown State (4204h) input,
 * CXL r3.1 8.2.9.9.3.4/5 (Set: CXL r3.2 8.2.10.9.3.5, Table 8-152). state:
 * dirty [0].
 */
typedef struct CXLShutdownState {
    uint8_t state;
} QEMU_PACKED CXLShutdownState;
QEMU_BUILD_BUG_ON(sizeof(CXLShutdownState) != 1);

/*
 * Get Poison List (4300h) input, CXL r3.1 8.2.9.9.4.1; also the input of
 * Get Scan Media Capabilities (4303h, 8.2.9.9.4.4).
 */
typedef struct CXLGetPoisonListIn {
    uint64_t dpa;                       /* 64-byte aligned */
    uint64_t length;                    /* 64-byte units */
} QEMU_PACKED CXLGetPoisonListIn;
QEMU_BUILD_BUG_ON(sizeof(CXLGetPoisonListIn) != 16);

/*
 * Media Error Record, CXL r3.1 8.2.9.9.4.1: address with the
 * poison source in [2:0], length in 64-byte units.
 */
typedef struct CXLMediaErrorRecord {
    uint64_t address;
    uint32_t length;
    uint32_t rsvd;
} QEMU_PACKED CXLMediaErrorRecord;
QEMU_BUILD_BUG_ON(sizeof(CXLMediaErrorRecord) != 16);

/*
 * Get Poison List (4300h) output, CXL r3.1 8.2.9.9.4.1.
 * flags: more media error records [0], poison list overflow [1], scan
 * media in progress [2].
 */
typedef struct CXLGetPoisonListOut {
    uint8_t flags;
    uint8_t rsvd1;
    uint64_t overflow_ts;
    uint16_t count;
    uint8_t rsvd2[20];
    CXLMediaErrorRecord record[];
} QEMU_PACKED CXLGetPoisonListOut;
QEMU_BUILD_BUG_ON(sizeof(CXLGetPoisonListOut) != 0x20);

/* Inject Poison (4301h) input, CXL r3.1 8.2.9.9.4.2 */
typedef struct CXLInjectPoisonIn {
    uint64_t dpa;
} QEMU_PACKED CXLInjectPoisonIn;
QEMU_BUILD_BUG_ON(sizeof(CXLInjectPoisonIn) != 8);

#define CXL_POISON_LINE                 64

/* Clear Poison (4302h) input, CXL r3.1 8.2.9.9.4.3 */
typedef struct CXLClearPoisonIn {
    uint64_t dpa;
    uint8_t write_data[CXL_POISON_LINE];
} QEMU_PACKED CXLClearPoisonIn;
QEMU_BUILD_BUG_ON(sizeof(CXLClearPoisonIn) != 0x48);

/*
 * Get Scan Media Capabilities (4303h) output, CXL r3.1 8.2.9.9.4.4
 */
typedef struct CXLGetScanMediaCapsOut {
    uint32_t estimated_runtime_ms;
} QEMU_PACKED CXLGetScanMediaCapsOut;
QEMU_BUILD_BUG_ON(sizeof(CXLGetScanMediaCapsOut) != 4);

/*
 * Scan Media (4304h) input, CXL r3.1 8.2.9.9.4.5. flags: no
 * event log [0].
 */
typedef struct CXLScanMediaIn {
    uint64_t dpa;
    uint64_t length;                    /* 64-byte units */
    uint8_t flags;
} QEMU_PACKED CXLScanMediaIn;
QEMU_BUILD_BUG_ON(sizeof(CXLScanMediaIn) != 17);

/*
 * Get Scan Media Results (4305h) output, CXL r3.1 8.2.9.9.4.6. flags:
 * more media error records [0], scan stopped prematurely [1].
 */
typedef struct CXLGetScanMediaResultsOut {
    uint64_t restart_dpa;
    uint64_t restart_length;            /* 64-byte units */
    uint8_t flags;
    uint8_t rsvd1;
    uint16_t count;
    uint8_t rsvd2[12];
    CXLMediaErrorRecord record[];
} QEMU_PACKED CXLGetScanMediaResultsOut;
QEMU_BUILD_BUG_ON(sizeof(CXLGetScanMediaResultsOut) != 0x20);

/*
 * Media Operations (4402h) input header, CXL r3.2 8.2.10.9.5.3 (see
 * cxl-type3-media-ops.c: not checked against the spec text)
 */
typedef struct CXLMediaOpsIn {
    uint8_t op_class;
    uint8_t op_subclass;
    uint8_t rsvd[2];
    uint32_t dpa_range_count;
} QEMU_PACKED CXLMediaOpsIn;
QEMU_BUILD_BUG_ON(sizeof(CXLMediaOpsIn) != 8);

/* Media Operations input for Discovery */
typedef struct CXLMediaOpsDiscoveryIn {
    CXLMediaOpsIn hdr;
    uint16_t start_index;
    uint16_t num_ops;
} QEMU_PACKED CXLMediaOpsDiscoveryIn;
QEMU_BUILD_BUG_ON(sizeof(CXLMediaOpsDiscoveryIn) != 12);

/* Media Operations DPA range (Sanitize class input, after the header) */
typedef struct CXLMediaOpsRange {
    uint64_t dpa;
    uint64_t length;                    /* bytes */
} QEMU_PACKED CXLMediaOpsRange;
QEMU_BUILD_BUG_ON(sizeof(CXLMediaOpsRange) != 16);

/* Media Operations Discovery output entry */
typedef struct CXLMediaOpsEntry {
    uint8_t op_class;
    uint8_t op_subclass;
} QEMU_PACKED CXLMediaOpsEntry;
QEMU_BUILD_BUG_ON(sizeof(CXLMediaOpsEntry) != 2);

/* Media Operations Discovery output */
typedef struct CXLMediaOpsDiscoveryOut {
    uint64_t granularity;               /* bytes */
    uint16_t total_ops;
    uint16_t num_ops;
    CXLMediaOpsEntry entry[];
} QEMU_PACKED CXLMediaOpsDiscoveryOut;
QEMU_BUILD_BUG_ON(sizeof(CXLMediaOpsDiscoveryOut) != 12);

#define CXL_PASSPHRASE_LEN              32

/*
 * Get Security State (4500h) output, CXL r3.1 8.2.9.9.6.1
 * (CXL_TYPE3_SEC_* bits)
 */
typedef struct CXLGetSecurityStateOut {
    uint32_t state;
} QEMU_PACKED CXLGetSecurityStateOut;
QEMU_BUILD_BUG_ON(sizeof(CXLGetSecurityStateOut) != 4);

/*
 * Set Passphrase (4501h) input, CXL r3.1 8.2.9.9.6.2. type:
 * 0 master, 1 user.
 */
typedef struct CXLSetPassphraseIn {
    uint8_t type;
    uint8_t rsvd[31];
    uint8_t current_pass[CXL_PASSPHRASE_LEN];
    uint8_t new_pass[CXL_PASSPHRASE_LEN];
} QEMU_PACKED CXLSetPassphraseIn;
QEMU_BUILD_BUG_ON(sizeof(CXLSetPassphraseIn) != 0x60);

/*
 * Disable Passphrase (4502h) input, CXL r3.1 8.2.9.9.6.3, and Passphrase
 * Secure Erase (4505h) input, 8.2.9.9.6.6
 */
typedef struct CXLPassphraseIn {
    uint8_t type;
    uint8_t rsvd[31];
    uint8_t pass[CXL_PASSPHRASE_LEN];
} QEMU_PACKED CXLPassphraseIn;
QEMU_BUILD_BUG_ON(sizeof(CXLPassphraseIn) != 0x40);

/* Unlock (4503h) input, CXL r3.1 8.2.9.9.6.4 */
typedef struct CXLUnlockIn {
    uint8_t pass[CXL_PASSPHRASE_LEN];
} QEMU_PACKED CXLUnlockIn;
QEMU_BUILD_BUG_ON(sizeof(CXLUnlockIn) != 0x20);

/*
 * ---- Dynamic capacity (CXL r3.1 8.2.9.9.9) ----
 *
 * Linux 7.3 has no DCD code: these layouts are from memory of CXL r3.1
 * 8.2.9.9.9 (Tables 8-163 to 8-170) and of the structs Linux's posted
 * DCD series declares in drivers/cxl/cxlmem.h (struct
 * cxl_mbox_get_dc_config_in/out, cxl_dc_region_config, cxl_extent,
 * cxl_mbox_get_extent_in/out, cxl_mbox_dc_response).
 */

/* Get Dynamic Capacity Configuration (4800h) input */
typedef struct CXLGetDCConfigIn {
    uint8_t region_count;               /* regions requested */
    uint8_t start_region;               /* starting region index */
} QEMU_PACKED CXLGetDCConfigIn;
QEMU_BUILD_BUG_ON(sizeof(CXLGetDCConfigIn) != 2);

/*
 * DC Region Configuration, a Get DC Configuration output entry. Base,
 * length and block size in bytes; decode length in 256 MiB units.
 * flags: sanitize on release [0] (from memory); sharable [3]: the
 * region's extents can be shared between hosts (this project's choice of
 * bit, not checked against the spec text, which we remember to mark
 * sharability in the CDAT DSMAS Shareable flag [3]; both are reported).
 */
typedef struct CXLDCRegionConfig {
    uint64_t base;
    uint64_t decode_len;
    uint64_t len;
    uint64_t block_size;
    uint32_t dsmad_handle;
    uint8_t flags;
    uint8_t rsvd[3];
} QEMU_PACKED CXLDCRegionConfig;
QEMU_BUILD_BUG_ON(sizeof(CXLDCRegionConfig) != 0x28);

/*
 * Get Dynamic Capacity Configuration (4800h) output: the header, the
 * returned regions' entries, then CXLGetDCConfigTrailer.
 */
typedef struct CXLGetDCConfigOut {
    uint8_t nr_regions;                 /* number of available regions */
    uint8_t regions_returned;
    uint8_t rsvd[6];
    CXLDCRegionConfig region[];
} QEMU_PACKED CXLGetDCConfigOut;
QEMU_BUILD_BUG_ON(sizeof(CXLGetDCConfigOut) != 8);

/* The fields after the region entries (CXL r3.1) */
typedef struct CXLGetDCConfigTrailer {
    uint32_t total_extents;             /* total number supported */
    uint32_t avail_extents;
    uint32_t total_tags;
    uint32_t avail_tags;
} QEMU_PACKED CXLGetDCConfigTrailer;
QEMU_BUILD_BUG_ON(sizeof(CXLGetDCConfigTrailer) != 16);

/* Dynamic Capacity Extent (in the extent list and in event records) */
typedef struct CXLDCExtentRaw {
    uint64_t start_dpa;
    uint64_t len;
    uint8_t tag[CXL_UUID_LEN];
    uint16_t shared_seq;
    uint8_t rsvd[6];
} QEMU_PACKED CXLDCExtentRaw;
QEMU_BUILD_BUG_ON(sizeof(CXLDCExtentRaw) != 0x28);

/*
 * Dynamic Capacity Event Record, CXL r3.1 8.2.9.2.1.6 (from memory; Linux's
 * DCD series: struct cxl_event_dcd). event_type: CXL_DC_EVENT_*; flags:
 * more [0] (more records of this batch follow).
 */
typedef struct CXLEventDC {
    CXLEventRecordHdr hdr;
    uint8_t event_type;
    uint8_t validity_flags;
    uint16_t host_id;
    uint8_t region;
    uint8_t flags;
    uint8_t rsvd1[2];
    CXLDCExtentRaw extent;
    uint8_t rsvd2[0x18];
    uint32_t avail_extents;
    uint32_t avail_tags;
} QEMU_PACKED CXLEventDC;
QEMU_BUILD_BUG_ON(sizeof(CXLEventDC) != 0x80);
#define CXL_DC_EVENT_ADD_CAPACITY       0x00
#define CXL_DC_EVENT_RELEASE_CAPACITY   0x01
#define CXL_DC_EVENT_FORCED_RELEASE     0x02
#define CXL_DC_EVENT_REGION_CONFIG      0x03
#define CXL_DC_EVENT_FLAG_MORE          BIT(0)

/* Get Dynamic Capacity Extent List (4801h) input */
typedef struct CXLGetDCExtentListIn {
    uint32_t count;                     /* extents requested */
    uint32_t start;                     /* starting extent index */
} QEMU_PACKED CXLGetDCExtentListIn;
QEMU_BUILD_BUG_ON(sizeof(CXLGetDCExtentListIn) != 8);

/* Get Dynamic Capacity Extent List (4801h) output */
typedef struct CXLGetDCExtentListOut {
    uint32_t returned;
    uint32_t total;                     /* total extent count */
    uint32_t generation;                /* extent list generation number */
    uint8_t rsvd[4];
    CXLDCExtentRaw extent[];
} QEMU_PACKED CXLGetDCExtentListOut;
QEMU_BUILD_BUG_ON(sizeof(CXLGetDCExtentListOut) != 16);

/* An extent of Add Dynamic Capacity Response / Release Dynamic Capacity */
typedef struct CXLDCUpdatedExtent {
    uint64_t start_dpa;
    uint64_t len;
    uint8_t rsvd[8];
} QEMU_PACKED CXLDCUpdatedExtent;
QEMU_BUILD_BUG_ON(sizeof(CXLDCUpdatedExtent) != 0x18);

/*
 * Add Dynamic Capacity Response (4802h) and Release Dynamic Capacity
 * (4803h) input. flags: more [0] (more responses follow; r3.1).
 */
typedef struct CXLDCResponseIn {
    uint32_t nr_extents;
    uint8_t flags;
    uint8_t rsvd[3];
    CXLDCUpdatedExtent extent[];
} QEMU_PACKED CXLDCResponseIn;
QEMU_BUILD_BUG_ON(sizeof(CXLDCResponseIn) != 8);

/*
 * ---- FM API DCD management (CXL r3.1 7.6.7.6) ----
 *
 * Linux has none of these commands: every layout below is from memory of
 * CXL r3.1 7.6.7.6 (Get DCD Info to Initiate Dynamic Capacity Release),
 * not checked against the spec text or any other implementation.
 */

/*
 * Get DCD Info (5600h) output, CXL r3.1 7.6.7.6.1 (from memory). Policy
 * masks: bit n = selection policy n (free, contiguous, prescriptive,
 * enable shared access) or removal policy n (tag-based, prescriptive).
 * Sanitize on release mask: bit n = region n's flag can be configured.
 * Total dynamic capacity in 256 MiB units. Block size mask of region n:
 * bit k = a block size of 2^k bytes is supported.
 */
typedef struct CXLGetDCDInfoOut {
    uint8_t num_hosts;
    uint8_t num_regions;
    uint8_t rsvd1[2];
    uint16_t add_policies;
    uint8_t rsvd2[2];
    uint16_t removal_policies;
    uint8_t sanitize_mask;
    uint8_t rsvd3;
    uint64_t total_capacity;
    uint64_t block_size_mask[8];        /* regions 0 to 7 */
} QEMU_PACKED CXLGetDCDInfoOut;
QEMU_BUILD_BUG_ON(sizeof(CXLGetDCDInfoOut) != 0x54);

/* Get Host DC Region Configuration (5601h) input, 7.6.7.6.2 (from memory) */
typedef struct CXLGetHostDCConfigIn {
    uint16_t host_id;
    uint8_t region_count;               /* regions requested */
    uint8_t start_region;               /* starting region index */
} QEMU_PACKED CXLGetHostDCConfigIn;
QEMU_BUILD_BUG_ON(sizeof(CXLGetHostDCConfigIn) != 4);

/*
 * Get Host DC Region Configuration (5601h) output (from memory): the
 * header, the returned regions' CXLDCRegionConfig entries (as in Get
 * Dynamic Capacity Configuration), then CXLGetDCConfigTrailer (extents
 * and tags: total and available).
 */
typedef struct CXLGetHostDCConfigOut {
    uint16_t host_id;
    uint8_t nr_regions;                 /* number of available regions */
    uint8_t regions_returned;
    CXLDCRegionConfig region[];
} QEMU_PACKED CXLGetHostDCConfigOut;
QEMU_BUILD_BUG_ON(sizeof(CXLGetHostDCConfigOut) != 4);

/*
 * Set DC Region Configuration (5602h) input, 7.6.7.6.3 (from memory).
 * flags: sanitize on release [0].
 */
typedef struct CXLSetDCRegionConfigIn {
    uint8_t region;
    uint8_t rsvd1[3];
    uint64_t block_size;
    uint8_t flags;
    uint8_t rsvd2[3];
} QEMU_PACKED CXLSetDCRegionConfigIn;
QEMU_BUILD_BUG_ON(sizeof(CXLSetDCRegionConfigIn) != 0x10);
#define CXL_DC_REGION_SANITIZE_ON_RELEASE   BIT(0)
#define CXL_DC_REGION_SHARABLE              BIT(3)

/* Get DC Region Extent Lists (5603h) input, 7.6.7.6.4 (from memory) */
typedef struct CXLGetDCRegionExtentsIn {
    uint16_t host_id;
    uint8_t rsvd[2];
    uint32_t count;                     /* extents requested */
    uint32_t start;                     /* starting extent index */
} QEMU_PACKED CXLGetDCRegionExtentsIn;
QEMU_BUILD_BUG_ON(sizeof(CXLGetDCRegionExtentsIn) != 12);

/* Get DC Region Extent Lists (5603h) output (from memory) */
typedef struct CXLGetDCRegionExtentsOut {
    uint16_t host_id;
    uint8_t rsvd1[2];
    uint32_t start;
    uint32_t returned;
    uint32_t total;                     /* the host's extents */
    uint32_t generation;                /* extent list generation number */
    uint8_t rsvd2[4];
    CXLDCExtentRaw extent[];
} QEMU_PACKED CXLGetDCRegionExtentsOut;
QEMU_BUILD_BUG_ON(sizeof(CXLGetDCRegionExtentsOut) != 0x18);

/*
 * Initiate Dynamic Capacity Add (5604h) input, 7.6.7.6.5 (from memory).
 * policy: selection policy [3:0]. length: the capacity the device is to
 * choose (free and contiguous policies).
 */
typedef struct CXLInitiateDCAddIn {
    uint16_t host_id;
    uint8_t policy;
    uint8_t region;
    uint64_t length;
    uint8_t tag[CXL_UUID_LEN];
    uint32_t nr_extents;
    CXLDCExtentRaw extent[];
} QEMU_PACKED CXLInitiateDCAddIn;
QEMU_BUILD_BUG_ON(sizeof(CXLInitiateDCAddIn) != 0x20);

/*
 * Initiate Dynamic Capacity Release (5605h) input, 7.6.7.6.6 (from
 * memory). flags: removal policy [3:0], forced removal [4], sanitize on
 * release [5]. length: as for the add.
 */
typedef struct CXLInitiateDCReleaseIn {
    uint16_t host_id;
    uint8_t flags;
    uint8_t rsvd;
    uint64_t length;
    uint8_t tag[CXL_UUID_LEN];
    uint32_t nr_extents;
    CXLDCExtentRaw extent[];
} QEMU_PACKED CXLInitiateDCReleaseIn;
QEMU_BUILD_BUG_ON(sizeof(CXLInitiateDCReleaseIn) != 0x20);

/*
 * ---- FM API multi-headed device commands (CXL r3.1 7.6.7.5) ----
 *
 * Get Multi-Headed Info (5500h), CXL r3.1 7.6.7.5.1: from memory of the
 * specification (Linux has no such command), not checked against the
 * spec text or any other implementation. The output's LD Map has one byte
 * per LD from Start LD ID: the head (port) the LD is on.
 */
typedef struct CXLGetMHDInfoIn {
    uint8_t start_ld;
    uint8_t ld_map_limit;               /* LD Map List Limit */
} QEMU_PACKED CXLGetMHDInfoIn;
QEMU_BUILD_BUG_ON(sizeof(CXLGetMHDInfoIn) != 2);

typedef struct CXLGetMHDInfoOut {
    uint8_t nr_lds;
    uint8_t nr_heads;
    uint8_t rsvd1[2];
    uint8_t start_ld;
    uint8_t ld_map_len;
    uint8_t rsvd2[2];
    uint8_t ld_map[];
} QEMU_PACKED CXLGetMHDInfoOut;
QEMU_BUILD_BUG_ON(sizeof(CXLGetMHDInfoOut) != 8);

/* ---- FM API physical switch commands (CXL r3.1 7.6.7.1) ---- */

#define CXL_SWITCH_BITMASK_LEN          32

/* Identify Switch Device (5100h) output, CXL r3.1 7.6.7.1.1 */
typedef struct CXLIdentifySwitchOut {
    uint8_t ingress_port_id;
    uint8_t rsvd;
    uint8_t num_physical_ports;
    uint8_t num_vcss;
    uint8_t active_port_mask[CXL_SWITCH_BITMASK_LEN];
    uint8_t active_vcs_mask[CXL_SWITCH_BITMASK_LEN];
    uint16_t total_vppbs;
    uint16_t bound_vppbs;
    uint8_t num_hdm_decoders;
} QEMU_PACKED CXLIdentifySwitchOut;
QEMU_BUILD_BUG_ON(sizeof(CXLIdentifySwitchOut) != 0x49);

/* Get Physical Port State (5101h) input, CXL r3.1 7.6.7.1.2 */
typedef struct CXLGetPortStateIn {
    uint8_t num_ports;
    uint8_t port_id[];
} QEMU_PACKED CXLGetPortStateIn;
QEMU_BUILD_BUG_ON(sizeof(CXLGetPortStateIn) != 1);

/* Physical Port Information, CXL r3.1 7.6.7.1.2 */
typedef struct CXLPortStateInfo {
    uint8_t port_id;
    uint8_t config_state;               /* 3 DSP, 4 USP */
    uint8_t connected_cxl_version;
    uint8_t rsvd;
    uint8_t connected_device_type;
    uint8_t connected_protocols;        /* CXL.io [0], CXL.mem [2] */
    uint8_t max_link_width;
    uint8_t negotiated_link_width;
    uint8_t supported_speeds;
    uint8_t max_link_speed;
    uint8_t current_link_speed;
    uint8_t ltssm_state;
    uint8_t first_lane;
    uint16_t link_state_flags;
    uint8_t supported_ld_count;
} QEMU_PACKED CXLPortStateInfo;
QEMU_BUILD_BUG_ON(sizeof(CXLPortStateInfo) != 16);

/* Get Physical Port State (5101h) output, CXL r3.1 7.6.7.1.2 */
typedef struct CXLGetPortStateOut {
    uint8_t num_ports;
    uint8_t rsvd[3];
    CXLPortStateInfo ports[];
} QEMU_PACKED CXLGetPortStateOut;
QEMU_BUILD_BUG_ON(sizeof(CXLGetPortStateOut) != 4);

/*
 * Physical Port Control (5102h) input, CXL r3.1 7.6.7.1.3.
 * opcode: 0 assert PERST#, 1 deassert PERST#, 2 reset PPB.
 */
typedef struct CXLPortControlIn {
    uint8_t ppb_id;
    uint8_t opcode;
} QEMU_PACKED CXLPortControlIn;
QEMU_BUILD_BUG_ON(sizeof(CXLPortControlIn) != 2);

/*
 * Send PPB CXL.io Configuration Request (5103h) input, CXL r3.1 7.6.7.1.4
 * (from memory, not checked against the spec text): the PPB (physical
 * port) ID, then a 24-bit field: Register Number [7:0] (bits 7:0 of the
 * byte offset; 1:0 must be 0, a DWORD), Extended Register Number [11:8]
 * (offset bits 11:8), First DWORD Byte Enables [15:12], reserved
 * [22:16], Transaction Type [23] (0 read, 1 write); then the DWORD to
 * write. The output is the DWORD read (0 for a write).
 */
typedef struct CXLPPBConfigIn {
    uint8_t ppb_id;
    uint8_t request[3];                 /* CXL_PPB_CFG_* fields */
    uint32_t data;
} QEMU_PACKED CXLPPBConfigIn;
QEMU_BUILD_BUG_ON(sizeof(CXLPPBConfigIn) != 8);

typedef struct CXLPPBConfigOut {
    uint32_t data;
} QEMU_PACKED CXLPPBConfigOut;
QEMU_BUILD_BUG_ON(sizeof(CXLPPBConfigOut) != 4);

/*
 * ---- FM API event records of a switch (from memory of CXL r3.1
 * 7.6.8; not checked against the spec text) ----
 *
 * Physical Switch Event Record: the port, the event type, then the port's
 * state as Get Physical Port State reports it (CXLPortStateInfo; the
 * spec's record carries these fields, our layout of them follows
 * CXLPortStateInfo).
 */
#define CXL_EVENT_PHYS_SWITCH_UUID \
    0x77, 0xcf, 0x92, 0x71, 0x9c, 0x02, 0x47, 0x0b, \
    0x9f, 0xe4, 0xbc, 0x7b, 0x75, 0xf2, 0xda, 0x97
#define CXL_PHYS_SWITCH_LINK_STATE_CHANGE       0
#define CXL_PHYS_SWITCH_SLOT_STATUS_UPDATED     1

typedef struct CXLEventPhysSwitch {
    CXLEventRecordHdr hdr;
    uint8_t port_id;
    uint8_t event_type;                 /* CXL_PHYS_SWITCH_* */
    CXLPortStateInfo state;
    uint8_t rsvd[CXL_EVENT_RECORD_DATA_LEN - 2 - sizeof(CXLPortStateInfo)];
} QEMU_PACKED CXLEventPhysSwitch;
QEMU_BUILD_BUG_ON(sizeof(CXLEventPhysSwitch) != 0x80);

/*
 * Virtual CXL Switch Event Record: the VCS and vPPB, the event type, the
 * vPPB's binding (status as in Get Virtual CXL Switch Info, bound port
 * and LD IDs, FFh unbound), the port's Link Control and Slot Control
 * registers.
 */
#define CXL_EVENT_VIRT_SWITCH_UUID \
    0x40, 0xd2, 0x64, 0x25, 0x33, 0x96, 0x4c, 0x4d, \
    0xa5, 0xda, 0x3d, 0x47, 0x26, 0x3a, 0xf4, 0x25
#define CXL_VIRT_SWITCH_BINDING_CHANGE          0
#define CXL_VIRT_SWITCH_SECONDARY_BUS_RESET     1
#define CXL_VIRT_SWITCH_LINK_CONTROL_UPDATED    2
#define CXL_VIRT_SWITCH_SLOT_CONTROL_UPDATED    3

typedef struct CXLEventVirtSwitch {
    CXLEventRecordHdr hdr;
    uint8_t vcs_id;
    uint8_t vppb_id;
    uint8_t event_type;                 /* CXL_VIRT_SWITCH_* */
    uint8_t binding_status;             /* CXL_VPPB_* */
    uint8_t port_id;
    uint8_t ld_id;
    uint16_t link_control;
    uint16_t slot_control;
    uint8_t rsvd[CXL_EVENT_RECORD_DATA_LEN - 10];
} QEMU_PACKED CXLEventVirtSwitch;
QEMU_BUILD_BUG_ON(sizeof(CXLEventVirtSwitch) != 0x80);

/*
 * ---- FM API virtual switch command set (from memory of CXL r3.1
 * 7.6.7.2; Linux has no definitions of these) ----
 */

/* Get Virtual CXL Switch Info (5200h) input */
typedef struct CXLGetVCSInfoIn {
    uint8_t start_vppb;                 /* first vPPB to report */
    uint8_t vppb_list_limit;            /* at most this many vPPBs */
    uint8_t num_vcss;
    uint8_t vcs_id[];
} QEMU_PACKED CXLGetVCSInfoIn;
QEMU_BUILD_BUG_ON(sizeof(CXLGetVCSInfoIn) != 3);

/* Binding Status of a vPPB */
#define CXL_VPPB_UNBOUND                0
#define CXL_VPPB_IN_PROGRESS            1   /* bind or unbind in progress */
#define CXL_VPPB_BOUND_PORT             2   /* bound to a physical port */
#define CXL_VPPB_BOUND_LD               3   /* bound to an LD of an MLD */

/* One vPPB in a VCS Information Block */
typedef struct CXLVPPBInfo {
    uint8_t binding_status;             /* CXL_VPPB_* */
    uint8_t bound_port_id;
    uint8_t bound_ld_id;                /* FFh unless bound to an LD */
    uint8_t rsvd;
} QEMU_PACKED CXLVPPBInfo;
QEMU_BUILD_BUG_ON(sizeof(CXLVPPBInfo) != 4);

/* VCS Information Block; @vppbs from the request's start_vppb on */
#define CXL_VCS_STATE_DISABLED          0
#define CXL_VCS_STATE_ENABLED           1
#define CXL_VCS_STATE_INVALID           0xff

typedef struct CXLVCSInfo {
    uint8_t vcs_id;
    uint8_t vcs_state;                  /* CXL_VCS_STATE_* */
    uint8_t usp_id;                     /* physical port of the USP */
    uint8_t num_vppbs;                  /* vPPB entries that follow */
    CXLVPPBInfo vppbs[];
} QEMU_PACKED CXLVCSInfo;
QEMU_BUILD_BUG_ON(sizeof(CXLVCSInfo) != 4);

/* Get Virtual CXL Switch Info (5200h) output */
typedef struct CXLGetVCSInfoOut {
    uint8_t num_vcss;
    uint8_t rsvd[3];
    /* CXLVCSInfo blocks, each with its vPPB entries */
    uint8_t vcs_info[];
} QEMU_PACKED CXLGetVCSInfoOut;
QEMU_BUILD_BUG_ON(sizeof(CXLGetVCSInfoOut) != 4);

/* Bind vPPB (5201h) input; a background command */
typedef struct CXLBindVPPBIn {
    uint8_t vcs_id;
    uint8_t vppb_id;
    uint8_t port_id;                    /* physical port */
    uint8_t rsvd;
    uint16_t ld_id;                     /* FFFFh: not an LD of an MLD */
} QEMU_PACKED CXLBindVPPBIn;
QEMU_BUILD_BUG_ON(sizeof(CXLBindVPPBIn) != 6);

/* Unbind vPPB (5202h) input; a background command */
#define CXL_UNBIND_WAIT_LINK_DOWN       0   /* wait for the host */
#define CXL_UNBIND_MANAGED              1   /* simulate managed hot-remove */
#define CXL_UNBIND_SURPRISE             2   /* simulate surprise hot-remove */
#define CXL_UNBIND_OPTION_MASK          0x0f    /* bits 3:0 */

typedef struct CXLUnbindVPPBIn {
    uint8_t vcs_id;
    uint8_t vppb_id;
    uint8_t option;                     /* bits 3:0 CXL_UNBIND_* */
} QEMU_PACKED CXLUnbindVPPBIn;
QEMU_BUILD_BUG_ON(sizeof(CXLUnbindVPPBIn) != 3);

/*
 * Generate AER Event (5203h) input (from memory of CXL r3.1 7.6.7.2.4):
 * @aer_error bits 4:0 the error's bit in the AER Uncorrectable (or, with
 * CXL_GEN_AER_CORRECTABLE, Correctable) Error Status register; @header the
 * TLP header to log (its first 16 bytes are the 4 DWORDs of the AER Header
 * Log).
 */
#define CXL_GEN_AER_ERROR_BIT_MASK      0x1f
#define CXL_GEN_AER_CORRECTABLE         BIT(31)

typedef struct CXLGenerateAERIn {
    uint8_t vcs_id;
    uint8_t vppb_id;
    uint16_t rsvd;
    uint32_t aer_error;
    uint8_t header[32];
} QEMU_PACKED CXLGenerateAERIn;
QEMU_BUILD_BUG_ON(sizeof(CXLGenerateAERIn) != 40);

/* ---- FM API tunneling (CXL r3.1 7.6.7.3, from memory) ---- */

/* Tunnel Management Command (5300h) target types */
#define CXL_TUNNEL_TARGET_PORT_OR_LD    0
#define CXL_TUNNEL_TARGET_LD_POOL_CCI   1

/*
 * Tunnel Management Command (5300h) input, CXL r3.1 7.6.7.3.1 (from
 * memory): for target type 0 @port_or_ld is the physical port number of
 * a downstream port of the switch (an LD ID for an MLD port); the
 * command is a CCI request message (CXLCCIMsgHeader) of @command_size
 * bytes.
 */
typedef struct CXLTunnelIn {
    uint8_t port_or_ld;
    uint8_t target_type;
    uint16_t command_size;
    uint8_t message[];
} QEMU_PACKED CXLTunnelIn;
QEMU_BUILD_BUG_ON(sizeof(CXLTunnelIn) != 4);

/*
 * Tunnel Management Command (5300h) output (from memory): the target's
 * CCI response message of @response_length bytes.
 */
typedef struct CXLTunnelOut {
    uint16_t response_length;
    uint16_t rsvd;
    uint8_t message[];
} QEMU_PACKED CXLTunnelOut;
QEMU_BUILD_BUG_ON(sizeof(CXLTunnelOut) != 4);

#endif /* HW_CXL_MAILBOX_H */
