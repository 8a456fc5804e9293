"""Boot to regions ready: 32 devices below two levels of switches (2 host
bridges x 1 root port x a switch with 2 downstream ports x a switch with
8 downstream ports x 1 device). CXL interleaves at most 16 ways, so the
guest creates two 16-way ram regions at 256 B, one over the first four
ports of each second-level switch and one over the last four
(_scale.boot_case). Two regions need HDM decoders on the host bridges
(hdm_for_passthrough=on), which boot4 and boot16 do without."""

from _scale import boot_case

globals().update(boot_case(8, 2, "32 devices, two switch levels: time from QEMU start to two 16-way regions ready"))
