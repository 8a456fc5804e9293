#!/usr/bin/env bash
# Assemble the QEMU tree we build: the pristine base, minus upstream's CXL
# implementation, plus the patches in patches/ (one git commit each), plus our
# own sources from this repository, symlinked in place so that editing them
# here and running `make` is an incremental rebuild.
#
# The assembled tree ($SRC) is a git repository:
#   tag cxl-base          the pristine base
#   tag cxl-strip-files   upstream's CXL files deleted (scripts/upstream-cxl-files.txt)
#   then one commit per patches/*.patch (git am)
# Our files are untracked symlinks (listed in .git/info/exclude).
# Edit QEMU files there, commit into the right patch, then
# `make refresh-patches` writes patches/ back.
set -euo pipefail
. "$(dirname "$0")/common.sh"

"$TOP/scripts/fetch-base.sh"

GIT=(git -c user.name=cxl-qemu -c user.email=cxl-qemu@localhost -c commit.gpgsign=false
     -c core.autocrlf=false -c gc.auto=0 -c advice.detachedHead=false)

# 1. A git repository of the pristine base, kept in the cache.
base_git=$CACHE/base/git-$QEMU_VERSION
if [ ! -f "$base_git/.cxl-ready" ]; then
    log "creating git repository of the base (one time)"
    rm -rf "$base_git"
    mkdir -p "$base_git"
    "${GIT[@]}" -C "$base_git" init -q
    "${GIT[@]}" -C "$base_git" --work-tree="$BASE_DIR" add -A -f .
    "${GIT[@]}" -C "$base_git" reset -q -- .cxl-base-stamp
    "${GIT[@]}" -C "$base_git" --work-tree="$BASE_DIR" commit -q -m "QEMU $QEMU_DEB_VERSION (Debian source package, patches applied)"
    "${GIT[@]}" -C "$base_git" tag cxl-base
    touch "$base_git/.cxl-ready"
fi

# What the assembled tree is made of; a change triggers re-assembly.
patches=("$TOP"/patches/*.patch)
[ -e "${patches[0]}" ] || patches=()
want=$( { echo "$QEMU_DEB_VERSION"; cat "$TOP/scripts/upstream-cxl-files.txt" "$TOP/scripts/assemble.sh";
          [ ${#patches[@]} -eq 0 ] || cat "${patches[@]}"; } | sha256sum | cut -d' ' -f1)
stamp=$SRC/.git/cxl-assembled

if [ "${1:-}" = --record ]; then
    # refresh-patches.sh: the tree is what patches/ now describes
    echo "$want" > "$stamp"
    git -C "$SRC" rev-parse HEAD > "$SRC/.git/cxl-exported"
    exit 0
fi

if [ -d "$SRC/.git" ] && [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    # Do not throw away work done in the assembled tree.
    if [ -n "$(git -C "$SRC" status --porcelain --untracked-files=no)" ]; then
        die "$SRC has uncommitted changes to QEMU files and patches/ changed.
Commit them into their patch and run 'make refresh-patches', or discard them
(git -C $SRC reset --hard), then run make again."
    fi
    if [ -f "$SRC/.git/cxl-exported" ] && [ "$(git -C "$SRC" rev-parse HEAD)" != "$(cat "$SRC/.git/cxl-exported")" ]; then
        die "$SRC has commits that are not in patches/ yet: run 'make refresh-patches' first
(or delete $SRC to start over)."
    fi
fi

if [ ! -d "$SRC/.git" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    if [ ! -d "$SRC/.git" ]; then
        log "checking out the base into $SRC"
        rm -rf "$SRC"
        mkdir -p "$(dirname "$SRC")"
        "${GIT[@]}" clone -q --shared --no-checkout "$base_git" "$SRC"
        "${GIT[@]}" -C "$SRC" checkout -q cxl-base
    else
        log "re-assembling $SRC (patches changed)"
        "${GIT[@]}" -C "$SRC" am --abort >/dev/null 2>&1 || true
        "${GIT[@]}" -C "$SRC" checkout -q --detach cxl-base
    fi
    "${GIT[@]}" -C "$SRC" tag -d cxl-strip-files >/dev/null 2>&1 || true
    # 2. Delete upstream's CXL implementation.
    (cd "$SRC" && grep -v '^[[:space:]]*\(#\|$\)' "$TOP/scripts/upstream-cxl-files.txt" |
        while read -r glob; do
            # shellcheck disable=SC2086
            set -- $glob
            [ -e "$1" ] || die "upstream CXL path '$glob' not found in the base"
            "${GIT[@]}" rm -q -r -- "$@"
        done)
    "${GIT[@]}" -C "$SRC" commit -q -m "Remove upstream QEMU's CXL implementation files"
    "${GIT[@]}" -C "$SRC" tag cxl-strip-files
    # 3. Our patches to shared QEMU files.
    if [ ${#patches[@]} -gt 0 ]; then
        "${GIT[@]}" -C "$SRC" am -q --committer-date-is-author-date "${patches[@]}" ||
            die "a patch in patches/ does not apply; see 'git -C $SRC am --show-current-patch'"
    fi
    "${GIT[@]}" -C "$SRC" checkout -q -B cxl
    git -C "$SRC" rev-parse HEAD > "$SRC/.git/cxl-exported"
    echo "$want" > "$stamp"
fi

# 4. Our own files, symlinked in place. Stale links from removed files go.
exclude=$SRC/.git/info/exclude
mkdir -p "$(dirname "$exclude")"
: > "$exclude.new"
# dangling links are ours (the base has none): their file was removed here
find "$SRC" -path "$SRC/.git" -prune -o -xtype l -print | xargs -r rm -f
for d in $OVERLAY_DIRS; do
    [ -d "$TOP/$d" ] || continue
    (cd "$TOP" && git ls-files --cached --others --exclude-standard -- "$d" 2>/dev/null || find "$d" -type f) |
    while read -r f; do
        [ -f "$TOP/$f" ] || continue
        dst=$SRC/$f
        if [ -e "$dst" ] && [ ! -L "$dst" ]; then
            if git -C "$SRC" ls-files --error-unmatch -- "$f" >/dev/null 2>&1; then
                die "$f exists in the QEMU tree: our files must not shadow QEMU files (change it with a patch instead)"
            fi
            rm -f "$dst"
        fi
        rel=$(realpath --relative-to="$(dirname "$dst")" -m "$TOP/$f")
        mkdir -p "$(dirname "$dst")"
        [ "$(readlink "$dst" 2>/dev/null)" = "$rel" ] || ln -sfn "$rel" "$dst"
        echo "/$f" >> "$exclude.new"
    done
done
mv "$exclude.new" "$exclude"
