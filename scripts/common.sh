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
UNIT_TESTS="test-cxl-interleave"

log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }
