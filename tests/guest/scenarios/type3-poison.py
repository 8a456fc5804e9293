"""Poison on a persistent cxl-type3, as `cxl list --media-errors` and the
kernel's poison debugfs files (as ndctl's test/cxl-poison.sh) use it.

Without a region: poison injected and cleared through
/sys/kernel/debug/cxl/mem0/{inject,clear}_poison (Inject/Clear Poison)
appears in and disappears from `cxl list -m mem0 --media-errors` (Get
Poison List by memdev). With a pmem region: poison the host injects with
QMP cxl-inject-poison shows up with its DPA, length and source (Get Poison
List by endpoint decoder). After the region is gone, clearing one line in
the middle of that range splits it. The kernel logs no CXL warning.
(The kernel warns, once, when poison is injected or cleared at a DPA a
region maps; the debugfs steps therefore run without a region.)
"""

from _cxl import GUEST_LIB, pmem_lsa_device

DESCRIPTION = "1 HB / 1 RP / pmem: poison via QMP and debugfs in cxl list --media-errors"
MACHINE = "q35,cxl=on"
TIMEOUT = 400


def topology(ctx):
    return pmem_lsa_device(ctx, 1)


HOST = {
    # four 64-byte lines at DPA 0x1000
    "inject": [("cxl-inject-poison",
                {"path": "t3", "start": 0x1000, "length": 0x100})],
}


GUEST = GUEST_LIB + r'''
dbg=/sys/kernel/debug/cxl/mem0
# the media errors of mem0 as one line of JSON (DPA offsets in decimal)
errors() { cxl list -m mem0 --media-errors | tr -d ' \n'; echo; }
step memdevs-probed wait_memdevs 1
step poison-debugfs test -w $dbg/inject_poison -a -w $dbg/clear_poison
step_nomatch no-poison-at-start '"offset"' errors

step debugfs-inject sh -c "echo 0x2000 > $dbg/inject_poison"
step_match debugfs-injected-listed '"offset":8192,"length":64,"source":"Injected"' errors
step debugfs-clear sh -c "echo 0x2000 > $dbg/clear_poison"
step_nomatch debugfs-cleared '"offset"' errors

step region cxl create-region -t pmem -d decoder0.0 -m mem0
region=$(only_region)
step_match region-committed '"decode_state":"commit"' cxl list -R -r "$region"
step qmp-inject host inject
step_match qmp-injected-listed '"offset":4096,"length":256,"source":"Internal"' errors
step_eq qmp-injected-once 1 sh -c "cxl list -m mem0 --media-errors | grep -c '\"offset\"'"
step destroy-region cxl destroy-region -f "$region"

step debugfs-clear-middle sh -c "echo 0x1040 > $dbg/clear_poison"
step_match split-low '"offset":4096,"length":64,"source":"Internal"' errors
step_match split-high '"offset":4224,"length":128,"source":"Internal"' errors
step_eq split-two 2 sh -c "cxl list -m mem0 --media-errors | grep -c '\"offset\"'"
step_eq kernel-log-clean "" kernel_cxl_trouble
'''
