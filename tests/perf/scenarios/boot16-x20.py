"""Stability: the boot16 case (16 devices behind two switch levels, a
16-way region at 256 B) booted 20 times; every boot must reach both
marks (a boot that fails or times out fails the case)."""

from _scale import boot_case

globals().update(boot_case(4, 1, "boot16 20 times: every boot reaches its 16-way region"))
BOOTS = 20
SCALE_BASE = None
