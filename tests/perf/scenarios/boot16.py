"""Boot to region ready: 16 devices below two levels of switches (2 host
bridges x 1 root port x a switch with 2 downstream ports x a switch with
4 downstream ports x 1 device). The host notes the time when the guest
has probed every memdev and when a 16-way ram region at 256 B over them
is committed and its device DAX device bound; bench.py reports both from
QEMU's start, and the time per device against boot4
(_scale.boot_case)."""

from _scale import boot_case

globals().update(boot_case(4, 1, "16 devices, two switch levels: time from QEMU start to a 16-way region ready"))
