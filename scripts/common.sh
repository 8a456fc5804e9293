# Shared settings for the project's scripts. Source it; do not run it.
# shellcheck disable=SC2034
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$TOP/scripts/base.env"

# Everything downloaded or derived from outside the checkout lives here.
CACHE=${CXL_QEMU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cxl-qemu}
BASE_DIR=$CACHE/base/qemu-$QEMU_VERSION        # pristine, Debian patches applied
BASE_FILES=$CACHE/base/files                   # the verified source-package files
BUILD=$TOP/build                               # build outputs (git-ignored)
SRC=$BUILD/qemu                                # the assembled tree
PYTHON=/usr/bin/python3

# Directories of the QEMU tree that our files overlay (our sources live in
# this repository at the same paths).
OVERLAY_DIRS="hw include qapi docs tests/qtest tests/unit"

# Our unit tests (tests/unit/NAME.c, built by QEMU's meson).
UNIT_TESTS="test-cxl-interleave test-cxl-hdm test-cxl-cdat test-cxl-cci test-cxl-dc
            test-cxl-mhd test-cxl-mctp test-cxl-mld"
# Our qtests (tests/qtest/NAME.c): MMIO-level tests of the models, no guest.
QTESTS="cxl-hdm-test cxl-port-test cxl-type3-test cxl-type3-mbox-test
        cxl-type3-media-test cxl-type3-mgmt-test cxl-switch-test
        cxl-switch-cci-test cxl-switch-bind-test cxl-fast-path-test
        cxl-type3-dc-test cxl-type3-fm-dcd-test cxl-type3-mhd-test cxl-mctp-test
        cxl-type3-mld-test cxl-migrate-test cxl-snapshot-test
        cxl-fuzz-replay-test cxl-bad-input-test cxl-pmu-test
        cxl-pmu-switch-test cxl-rch-test cxl-compliance-test"
# The qtests that also run on arm virt (qemu-system-aarch64): the same
# command lines, on virt (tests/qtest/cxl-qtest.h), and virt's own test.
# (cxl-fast-path-test, 2+ minutes, tests machine-independent code: not
# twice.)
QTESTS_AARCH64="cxl-virt-test cxl-hdm-test cxl-port-test cxl-type3-test
        cxl-type3-mbox-test cxl-type3-media-test cxl-type3-mgmt-test
        cxl-switch-test cxl-switch-cci-test cxl-switch-bind-test
        cxl-type3-dc-test cxl-type3-fm-dcd-test cxl-type3-mhd-test cxl-mctp-test
        cxl-type3-mld-test cxl-migrate-test cxl-pmu-test cxl-pmu-switch-test
        cxl-rch-test cxl-compliance-test"

# apt-get options for a private configuration rooted at DIR (DIR/sources.list,
# DIR/lists, DIR/cache, DIR/status): the system's sources, preferences and
# package state are neither used nor changed, so downloads (never installs)
# of Debian 12/13 packages cannot mix with the host's. Release files are
# still signature-checked, but their Valid-Until is not enforced: we fetch
# pinned versions, and mirrors may be frozen snapshots of the archive.
# Sets the array PRIVATE_APT.
private_apt_opts() {
    local d=$1
    mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
    [ -f "$d/status" ] || : > "$d/status"
    PRIVATE_APT=(-o Dir::Etc::SourceList="$d/sources.list" -o Dir::Etc::SourceParts=/dev/null
                 -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
                 -o Dir::State::Lists="$d/lists" -o Dir::Cache="$d/cache"
                 -o Dir::State::status="$d/status" -o APT::Sandbox::User=root
                 -o Acquire::Check-Valid-Until=false -o Acquire::Languages=none -q)
}

log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }
