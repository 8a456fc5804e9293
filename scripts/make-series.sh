#!/usr/bin/env bash
# Export our work as a git format-patch series on the pristine base, into
# build/series/:
#   0001  removes upstream's CXL implementation (its files, and the CXL hunks
#         of shared files: patches/0001-*)
#   0002… one patch per logical part: each further patches/*.patch together
#         with our own files that belong to it. A patch claims our files with
#         a "Series-files:" line in its message (shell globs, relative to the
#         QEMU root); every one of our files must be claimed exactly once.
set -euo pipefail
. "$(dirname "$0")/common.sh"

OUT=$BUILD/series
WORK=$BUILD/series-work
base_git=$CACHE/base/git-$QEMU_VERSION
[ -f "$base_git/.cxl-ready" ] || die "run 'make assemble' first"

GIT=(git -c user.name="CXL QEMU developers" -c user.email=cxl-qemu@localhost
     -c commit.gpgsign=false -c core.autocrlf=false -c gc.auto=0 -c advice.detachedHead=false)

rm -rf "$WORK" "$OUT"
"${GIT[@]}" clone -q --shared --no-checkout "$base_git" "$WORK"
"${GIT[@]}" -C "$WORK" checkout -q -b series cxl-base

# Our files (paths relative to the QEMU root).
ours=$(cd "$TOP" && for d in $OVERLAY_DIRS; do
           if [ -d "$d" ]; then git ls-files --cached --others --exclude-standard -- "$d"; fi
       done | sort -u)
declare -A claimed=()

patches=("$TOP"/patches/*.patch)
[ -e "${patches[0]}" ] || die "no patches in patches/"

msgfile=$(mktemp)
trap 'rm -f "$msgfile"' EXIT
first=1
for p in "${patches[@]}"; do
    "${GIT[@]}" -C "$WORK" am -q --committer-date-is-author-date "$p" ||
        die "$(basename "$p") does not apply to the base"
    "${GIT[@]}" -C "$WORK" log -1 --format=%B > "$msgfile"
    if [ $first = 1 ]; then
        first=0
        (cd "$WORK" && grep -v '^[[:space:]]*\(#\|$\)' "$TOP/scripts/upstream-cxl-files.txt" |
            while read -r glob; do
                # shellcheck disable=SC2086
                set -- $glob
                "${GIT[@]}" rm -q -r -- "$@"
            done)
        "${GIT[@]}" -C "$WORK" commit -q --amend --no-edit
        continue
    fi
    globs=$(sed -n 's/^Series-files:[[:space:]]*//p' "$msgfile")
    for f in $ours; do
        for g in $globs; do
            # shellcheck disable=SC2053
            if [[ $f == $g ]]; then
                [ -z "${claimed[$f]:-}" ] || die "$f is claimed by two patches (${claimed[$f]} and $(basename "$p"))"
                claimed[$f]=$(basename "$p")
                mkdir -p "$WORK/$(dirname "$f")"
                cp "$TOP/$f" "$WORK/$f"
                "${GIT[@]}" -C "$WORK" add -- "$f"
                break
            fi
        done
    done
    "${GIT[@]}" -C "$WORK" commit -q --amend --no-edit
done

unclaimed=()
for f in $ours; do [ -n "${claimed[$f]:-}" ] || unclaimed+=("$f"); done
[ ${#unclaimed[@]} -eq 0 ] ||
    die "our files not claimed by any patch's Series-files: line: ${unclaimed[*]}"

# The Series-files: lines are for this script, not for reviewers.
"${GIT[@]}" -C "$WORK" filter-branch -f --msg-filter "sed '/^Series-files:/d'" \
    cxl-base..series >/dev/null 2>&1 || die "could not strip the Series-files: lines"

mkdir -p "$OUT"
"${GIT[@]}" -C "$WORK" format-patch -q --zero-commit --no-signature -o "$OUT" cxl-base..series
# A cover letter: scripts/series-cover.txt (subject, then body), the
# shortlog and the diffstat of the whole series.
n=$(ls "$OUT" | wc -l)
{
    echo "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001"
    echo "From: CXL QEMU developers <cxl-qemu@localhost>"
    echo "Subject: [PATCH 00/$n] $(head -1 "$TOP/scripts/series-cover.txt")"
    echo
    tail -n +3 "$TOP/scripts/series-cover.txt"
    echo
    "${GIT[@]}" -C "$WORK" shortlog cxl-base..series
    "${GIT[@]}" -C "$WORK" diff --shortstat cxl-base series
} > "$OUT/0000-cover-letter.patch"
rm -rf "$WORK"
log "series written to ${OUT#"$TOP"/}:"
ls "$OUT" >&2
