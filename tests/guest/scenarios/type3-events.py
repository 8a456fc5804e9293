"""Event records injected through QMP reach the guest's CXL driver.

One volatile cxl-type3. The guest enables the cxl_general_media,
cxl_dram, cxl_memory_module and cxl_memory_sparing trace events; the host
injects one record of each kind with cxl-inject-*-event (upstream QEMU's
commands and arguments, and our memory sparing one) into the four logs;
the device raises the logs' MSI-X interrupts, Linux reads and clears the
records, and each trace line carries the injected values. Then a General
Media, a DRAM and a Memory Module record with the arguments upstream QEMU
11.1 added (CXL r3.2: sub-types, CME/CVME counts, component IDs in PLDM
format, maintenance operation class and subclass, LD-ID, head ID): Linux
7.3 prints each of them. Bad arguments are refused with messages naming
the argument, nothing reaches the guest, and the guest keeps running.
"""

from _cxl import GUEST_LIB, Topology, qmp_refusals

DESCRIPTION = "QMP-injected general media, DRAM, memory module and sparing events reach Linux's trace events"
MACHINE = "q35,cxl=on"

T = Topology()
T.memdev(T.root_port(T.host_bridge(12), 0))
T.window(["cxl.1"])

GM = dict(path="t3-1", log="informational", flags=0x08, dpa=0x1000040, descriptor=1, type=0,
          **{"transaction-type": 2, "channel": 3, "rank": 5, "device": 0x1234,
             "component-id": "DIMM7"})
DRAM = dict(path="t3-1", log="warning", flags=0x04, dpa=0x2000080, descriptor=2, type=1,
            **{"transaction-type": 1, "channel": 6, "rank": 2, "nibble-mask": 0xabcdef,
               "bank-group": 3, "bank": 7, "row": 0x12345, "column": 0x2aa,
               "correction-mask": [0x1122334455667788, 0x99]})
MM = dict(path="t3-1", log="failure", flags=0x10, type=3,
          **{"health-status": 2, "media-status": 0, "additional-status": 0, "life-used": 42,
             "temperature": -7, "dirty-shutdown-count": 12345,
             "corrected-volatile-error-count": 777, "corrected-persistent-error-count": 888})
SPARE = dict(path="t3-1", log="fatal", flags=0x08,
             **{"sparing-flags": 0x2, "result": 0, "resources-available": 9, "channel": 4,
                "rank": 1, "bank-group": 2, "bank": 6, "row": 4097, "column": 80,
                "sub-channel": 1})

# The 11.1 forms (CXL r3.2 fields). The descriptor has the threshold event
# flag, without which Linux does not report the CME/CVME counts.
R32 = {"maint-op-class": 1, "maint-op-subclass": 2, "ld-id": 5, "head-id": 3}
GM32 = dict(GM, log="warning", descriptor=2, **R32,
            **{"sub-type": 5, "cme-ev-flags": 2, "cme-count": 7,
               "component-id": "\x03ABCDEFGHIJ", "is-comp-id-pldm": True})
DRAM32 = dict(DRAM, log="fatal", **R32,
              **{"sub-type": 1, "cme-ev-flags": 3, "cvme-count": 9, "sub-channel": 4,
                 "component-id": "CH0", "is-comp-id-pldm": False})
MM32 = dict(MM, log="informational", **R32,
            **{"sub-type": 3, "component-id": "\x01" "ABCDEF", "is-comp-id-pldm": True})

BAD = [
    ("cxl-inject-general-media-event", dict(GM, path="/machine/nope"), "path"),
    ("cxl-inject-general-media-event", dict(GM, path="cxl.1"), "path"),
    ("cxl-inject-general-media-event", dict(GM, dpa=1 << 40), "dpa"),
    ("cxl-inject-general-media-event", dict(GM, device=1 << 24), "device"),
    ("cxl-inject-general-media-event", dict(GM, **{"component-id": "x" * 17}), "component-id"),
    ("cxl-inject-general-media-event", dict(GM, log="verbose"), "log"),
    ("cxl-inject-dram-event", dict(DRAM, **{"correction-mask": []}), "correction-mask"),
    ("cxl-inject-dram-event", dict(DRAM, **{"correction-mask": [1, 2, 3, 4, 5]}), "correction-mask"),
    ("cxl-inject-dram-event", dict(DRAM, row=1 << 24), "row"),
    ("cxl-inject-memory-module-event", dict(MM, **{"life-used": 101}), "life-used"),
    ("cxl-inject-memory-sparing-event", dict(SPARE, **{"nibble-mask": 1 << 30}), "nibble-mask"),
    ("cxl-inject-general-media-event", dict(GM32, **{"sub-type": 6}), "sub-type"),
    ("cxl-inject-general-media-event", dict(GM32, **{"cme-count": 1 << 24}), "cme-count"),
    ("cxl-inject-general-media-event", dict(GM32, **{"head-id": 256}), "head-id"),
    ("cxl-inject-dram-event", dict(DRAM32, **{"ld-id": 1 << 16}), "ld-id"),
    ("cxl-inject-dram-event", dict(DRAM32, **{"cvme-count": 1 << 24}), "cvme-count"),
    ("cxl-inject-dram-event", dict(DRAM32, **{"component-id": "y" * 17}), "component-id"),
    ("cxl-inject-memory-module-event", dict(MM32, **{"sub-type": 4}), "sub-type"),
    ("cxl-inject-memory-module-event",
     {k: v for k, v in MM32.items() if k != "component-id"}, "is-comp-id-pldm"),
]


def topology(ctx):
    return T.args(ctx)


HOST = {
    "inject": [("cxl-inject-general-media-event", GM), ("cxl-inject-dram-event", DRAM),
               ("cxl-inject-memory-module-event", MM), ("cxl-inject-memory-sparing-event", SPARE)],
    "inject-r32": [("cxl-inject-general-media-event", GM32), ("cxl-inject-dram-event", DRAM32),
                   ("cxl-inject-memory-module-event", MM32)],
    "bad": lambda ctx: qmp_refusals(ctx, BAD),
}

GUEST = GUEST_LIB + r'''
step memdevs-probed wait_memdevs 1
TR=/sys/kernel/tracing
for e in cxl_general_media cxl_dram cxl_memory_module cxl_memory_sparing; do
    echo 1 > $TR/events/cxl/$e/enable
done
step inject host inject
# Linux reads and clears the records from its interrupt thread
step all-four-traced wait_lines 4 'cxl_(general_media|dram|memory_module|memory_sparing):'
grep cxl_ $TR/trace > /tmp/trace.txt
step_match general-media 'cxl_general_media: memdev=mem0 .* log=Informational .*dpa=1000040 .*transaction_type=.* channel=3 rank=5 device=1234 ' cat /tmp/trace.txt
step_match general-media-component 'cxl_general_media: .*comp_id=44 49 4d 4d 37 00' cat /tmp/trace.txt
step_match dram 'cxl_dram: memdev=mem0 .* log=Warning .*dpa=2000080 .*channel=6 rank=2 nibble_mask=abcdef bank_group=3 bank=7 row=74565 column=682 cor_mask=88 77 66 55 44 33 22 11 99 00' cat /tmp/trace.txt
step_match memory-module 'cxl_memory_module: memdev=mem0 .* log=Failure .*life_used=42 device_temp=-7 dirty_shutdown_cnt=12345 cor_vol_err_cnt=777 cor_per_err_cnt=888' cat /tmp/trace.txt
step_match memory-sparing 'cxl_memory_sparing: memdev=mem0 .* log=Fatal .*result=0 .*avail=9 channel=4 rank=1 nibble_mask=0 bank_group=2 bank=6 row=4097 column=80 sub_channel=1' cat /tmp/trace.txt
step_match flags-permanent "cxl_dram: .*flags='PERMANENT_CONDITION'" cat /tmp/trace.txt
step_match sub-type-not-reported "cxl_general_media: .*log=Informational .*sub_type='Not Reported'" cat /tmp/trace.txt
step inject-r32 host inject-r32
step all-seven-traced wait_lines 7 'cxl_(general_media|dram|memory_module|memory_sparing):'
grep cxl_ $TR/trace > /tmp/trace.txt
R32HDR="maint_op_class=1 maint_op_sub_class=2 ld_id=5 head_id=3 "
R32FLAGS="MAINT_OP_SUB_CLASS_VALID \| LD_ID_VALID \| HEAD_ID_VALID'"
step_match r32-general-media "cxl_general_media: memdev=mem0 .* log=Warning .*flags='MAINTENANCE_NEEDED \| $R32FLAGS .*${R32HDR}: dpa=1000040 .*sub_type='Media Link CRC Error' " cat /tmp/trace.txt
step_match r32-general-media-pldm "cxl_general_media: .*log=Warning .*validity_flags='CHANNEL\|RANK\|DEVICE\|COMPONENT\|COMPONENT PLDM FORMAT' comp_id=03 41 42 43 44 45 46 47 48 49 4a 00 00 00 00 00 comp_id_pldm_valid_flags='PLDM Entity ID \| Resource ID' pldm_entity_id=41 42 43 44 45 46 pldm_resource_id=47 48 49 4a " cat /tmp/trace.txt
step_match r32-general-media-cme "cxl_general_media: .*log=Warning .*cme_threshold_ev_flags='Exceeded Programmable Threshold' cme_count=7" cat /tmp/trace.txt
step_match r32-dram "cxl_dram: memdev=mem0 .* log=Fatal .*flags='PERMANENT_CONDITION \| $R32FLAGS .*${R32HDR}: dpa=2000080 .*sub_type='Internal Datapath Error' " cat /tmp/trace.txt
step_match r32-dram-fields "cxl_dram: .*log=Fatal .*validity_flags='CHANNEL\|RANK\|NIBBLE\|BANK GROUP\|BANK\|ROW\|COLUMN\|CORRECTION MASK\|COMPONENT\|SUB CHANNEL' comp_id=43 48 30 00 .* pldm_entity_id=0x00 pldm_resource_id=0x00 .*sub_channel=4 cme_threshold_ev_flags='Corrected Memory Errors in Multiple Media Components\|Exceeded Programmable Threshold' cvme_count=9" cat /tmp/trace.txt
step_match r32-memory-module "cxl_memory_module: memdev=mem0 .* log=Informational .*flags='PERFORMANCE_DEGRADED \| $R32FLAGS .*${R32HDR}: .*event_sub_type='Unsupported Memory Media FRU' " cat /tmp/trace.txt
step_match r32-memory-module-pldm "cxl_memory_module: .*log=Informational .*validity_flags='COMPONENT\|COMPONENT PLDM FORMAT' comp_id=01 41 42 43 44 45 46 00 .*pldm_entity_id=41 42 43 44 45 46 pldm_resource_id=0x00" cat /tmp/trace.txt
step bad-arguments-refused host bad
# a refused injection queues nothing: still seven records traced
sleep 1
step_eq nothing-queued-by-refusals 7 grep -cE 'cxl_(general_media|dram|memory_module|memory_sparing):' $TR/trace
step_eq kernel-log-clean "" kernel_cxl_trouble
'''
