"""Boot to region ready: 4 devices below two levels of switches (2 host
bridges x 1 root port x a switch with 2 downstream ports x a switch with
1 downstream port x 1 device), a 4-way ram region at 256 B over them: the
baseline of boot16 and boot32 (_scale.boot_case)."""

from _scale import boot_case

globals().update(boot_case(1, 1, "4 devices, two switch levels: time from QEMU start to a 4-way region ready"))
QUICK = True
