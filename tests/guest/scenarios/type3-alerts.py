"""Health alerts: thresholds the host sets with `cxl set-alert-config`
raise warning events when the device's health crosses them, and the
settings outlive QEMU in the device-state file.

Boot 1: the guest sets a life-used warning threshold of 50 % and an
over-temperature warning of 60 C; the host injects a Memory Module event
reporting 70 % life used and 65 C (informational log). The device's
health becomes that, so Get Health Info shows both warnings, and because
both alerts rose the device adds Memory Module events (life used change,
temperature change) to the warning log: Linux traces them. Boot 2, QEMU
restarted with the same device-state file: the alert configuration is
still there.
"""

from _cxl import GUEST_LIB, Topology

DESCRIPTION = "alert thresholds raise warning events when crossed; settings persist in device-state"
MACHINE = "q35,cxl=on"

T = Topology()
T.memdev(T.root_port(T.host_bridge(12), 0))
T.window(["cxl.1"])

MM = {"path": "t3-1", "log": "informational", "flags": 0, "type": 0, "health-status": 0,
      "media-status": 0, "additional-status": 0, "life-used": 70, "temperature": 65,
      "dirty-shutdown-count": 0, "corrected-volatile-error-count": 0,
      "corrected-persistent-error-count": 0}


def topology(ctx):
    args = T.args(ctx)
    i = args.index("cxl-type3,bus=cxl.1-rp0,volatile-memdev=mem1,id=t3-1,sn=1")
    args[i] += ",device-state=" + ctx.path("t3.state")
    return args


HOST = {"inject": [("cxl-inject-memory-module-event", MM)]}

COMMON = GUEST_LIB + r'''
step memdevs-probed wait_memdevs 1
'''

GUEST = [COMMON + r'''
step set-alerts cxl set-alert-config mem0 --life-used-threshold=50 --life-used-alert=on --over-temperature-threshold=60 --over-temperature-alert=on
step_match alert-life-used '"life_used_prog_warn_threshold":50' cxl list -A -m mem0
TR=/sys/kernel/tracing
echo 1 > $TR/events/cxl/cxl_memory_module/enable
step inject host inject
step two-warning-events wait_lines 2 'cxl_memory_module: .*log=Warning'
step_match life-used-warning "cxl_memory_module: .*log=Warning .*event_type='Life Used Change' .*life_used=70 device_temp=65" cat $TR/trace
step_match temperature-warning "cxl_memory_module: .*log=Warning .*event_type='Temperature Change' .*life_used=70 device_temp=65" cat $TR/trace
step_match injected-informational "cxl_memory_module: .*log=Informational .*life_used=70" cat $TR/trace
step_match health-life-used-warning '"ext_life_used":"warning"' cxl list -H -m mem0
step_match health-temperature-warning '"ext_temperature":"warning"' cxl list -H -m mem0
step_match health-life-used '"life_used_percent":70' cxl list -H -m mem0
step_eq kernel-log-clean "" kernel_cxl_trouble
''', COMMON + r'''
step_match alert-config-persisted '"life_used_prog_warn_threshold":50' cxl list -A -m mem0
step_match over-temperature-persisted '"dev_over_temperature_prog_warn_threshold":60' cxl list -A -m mem0
''']
