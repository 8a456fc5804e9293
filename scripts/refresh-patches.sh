#!/usr/bin/env bash
# Write the commits of the assembled tree (after tag cxl-strip-files) back to
# patches/ as one git format-patch file each. Our own files are not in these
# commits: they live in this repository and are symlinked into the tree.
set -euo pipefail
. "$(dirname "$0")/common.sh"

[ -d "$SRC/.git" ] || die "no assembled tree in $SRC (run make first)"
if [ -n "$(git -C "$SRC" status --porcelain --untracked-files=no)" ]; then
    git -C "$SRC" status --short --untracked-files=no >&2
    die "uncommitted changes to QEMU files in $SRC: commit them into the patch they
belong to (git -C $SRC commit --fixup=<commit>; git -C $SRC rebase -i --autosquash
cxl-strip-files), or as a new commit, then run this again"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$SRC" format-patch -q -N --zero-commit --no-signature --no-stat --full-index \
    --no-renames -o "$tmp" cxl-strip-files..HEAD
rm -f "$TOP"/patches/*.patch
mkdir -p "$TOP/patches"
[ -z "$(ls "$tmp")" ] || cp "$tmp"/*.patch "$TOP/patches/"
# The tree now matches patches/: record that so assemble.sh keeps it.
"$TOP/scripts/assemble.sh" --record
ls "$TOP"/patches/*.patch 2>/dev/null | sed "s|$TOP/||"
