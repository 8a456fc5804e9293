#!/usr/bin/env bash
# Apply build/series/ with `git am` to a fresh copy of the base and compare the
# result with the assembled tree (diff -r, following our symlinks). No build.
set -euo pipefail
. "$(dirname "$0")/common.sh"

# every patch but the cover letter (0000), in order
mapfile -t series < <(ls "$BUILD"/series/*.patch | grep -v "/0000-cover-letter.patch$")
[ ${#series[@]} -gt 0 ] || die "no series in build/series (run make series)"
base_git=$CACHE/base/git-$QEMU_VERSION
fresh=$BUILD/series-check
rm -rf "$fresh"
git -c advice.detachedHead=false clone -q --shared --no-checkout "$base_git" "$fresh"
git -c advice.detachedHead=false -C "$fresh" checkout -q cxl-base
git -C "$fresh" -c user.name=check -c user.email=check@localhost am -q "${series[@]}" ||
    die "the series does not apply to the base with git am"
# (__pycache__: bytecode Python may write next to QEMU's build scripts)
if diff -r -q -x .git -x .cxl-base-stamp -x __pycache__ "$fresh" "$SRC" > "$BUILD/series-check.diff" 2>&1; then
    echo "PASS: ${#series[@]} patches apply with git am; the result equals the assembled tree"
    rm -rf "$fresh"
else
    cat "$BUILD/series-check.diff" | head -40
    die "the series applied to the base differs from the assembled tree (see $BUILD/series-check.diff)"
fi
