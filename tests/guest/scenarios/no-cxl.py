"""A plain q35 guest without CXL devices: the tooling works and sees nothing."""

from _cxl import NO_CXL_CHECKS

DESCRIPTION = "plain q35, no CXL device: pinned kernel, CXL modules, cxl/ndctl/daxctl run, cxl list is empty"

# No CXL device at all (the runner adds only the console and host channel).
TOPOLOGY = []

GUEST = NO_CXL_CHECKS
