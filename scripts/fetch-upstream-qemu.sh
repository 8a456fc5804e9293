#!/usr/bin/env bash
# Fetch Debian's build of upstream QEMU (qemu-system-x86, default 11.1.3) and
# its library closure into the cache, without installing anything, and print
# how to run it. Upstream's binary is a black-box reference: its QMP schema
# and device properties are the interface users moving from it expect (see
# scripts/upstream-interface.py). Its source is not ours to read.
#
#   scripts/fetch-upstream-qemu.sh            fetch if needed, print usage
#   scripts/fetch-upstream-qemu.sh --root     print only the root directory
#   scripts/fetch-upstream-qemu.sh --wrapper  print only the wrapper's path
#   scripts/fetch-upstream-qemu.sh --update   refresh the private apt lists
#
# Result: $CACHE/upstream-qemu/<version>/root (the extracted packages) and
# $CACHE/upstream-qemu/<version>/qemu-system-x86_64, a wrapper that starts
# the binary through the root's own loader and passes -L for its firmware
# (<version>-sid for packages from sid).
# The packages come from trixie-backports (user space from trixie) by
# default; CXL_UPSTREAM_SUITE=sid takes them from sid instead. apt runs with
# a private configuration (sources, lists, cache, empty dpkg status) under
# $CACHE/upstream-qemu/apt-<suite>; the system's apt state is not touched.
#
# Environment: CXL_UPSTREAM_VERSION (default 11.1.3, the upstream version;
# Debian's revision is whatever the suite has), CXL_UPSTREAM_SUITE
# (trixie-backports or sid), CXL_UPSTREAM_MIRROR (default deb.debian.org).
set -euo pipefail
. "$(dirname "$0")/common.sh"

VERSION=${CXL_UPSTREAM_VERSION:-11.1.3}
SUITE=${CXL_UPSTREAM_SUITE:-trixie-backports}
MIRROR=${CXL_UPSTREAM_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
PKG=qemu-system-x86

mode=usage update=0
for a in "$@"; do
    case $a in
        --root) mode=root ;;
        --wrapper) mode=wrapper ;;
        --update) update=1 ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) die "unknown argument '$a'" ;;
    esac
done
case $SUITE in
    trixie-backports) SOURCES="trixie trixie-backports" ;;
    sid) SOURCES="sid" ;;
    *) die "CXL_UPSTREAM_SUITE must be trixie-backports or sid, not '$SUITE'" ;;
esac
for t in apt-get dpkg-deb flock; do
    command -v "$t" >/dev/null || die "host tool '$t' missing"
done
[ -r "$KEYRING" ] || die "$KEYRING missing (package debian-archive-keyring)"

U=$CACHE/upstream-qemu
OUT=$U/$VERSION
[ "$SUITE" = trixie-backports ] || OUT=$U/$VERSION-$SUITE
R=$OUT/root
WRAPPER=$OUT/qemu-system-x86_64

usage() {
    case $mode in
        root) echo "$R"; return ;;
        wrapper) echo "$WRAPPER"; return ;;
    esac
    cat <<EOF
upstream QEMU $(cat "$OUT/package-version") in $R
run it through the wrapper (it adds the loader and the firmware -L dirs):
  $WRAPPER -M q35 -nographic ...
or by hand:
  $R/usr/lib64/ld-linux-x86-64.so.2 --library-path $R/usr/lib/x86_64-linux-gnu \\
      $R/usr/bin/qemu-system-x86_64 -L $R/usr/share/qemu -L $R/usr/share/seabios ...
EOF
}

mkdir -p "$U"
exec 9>"$U/.lock"
flock 9
if [ $update -eq 0 ] && [ -e "$OUT/done" ]; then
    usage
    exit 0
fi

A=$U/apt-$SUITE
mkdir -p "$A/debs/partial"
for s in $SOURCES; do
    echo "deb [signed-by=$KEYRING] $MIRROR $s main"
done >"$A/sources.list.new"
if ! cmp -s "$A/sources.list.new" "$A/sources.list" 2>/dev/null; then
    mv "$A/sources.list.new" "$A/sources.list"; update=1
else
    rm -f "$A/sources.list.new"
fi
: >"$A/status"
private_apt_opts "$A"
APT=("${PRIVATE_APT[@]}"
     -o Dir::Cache::archives="$A/debs"
     -o Dir::State::extended_states="$A/extended_states"
     -o APT::Architecture=amd64 -o APT::Architectures::=amd64
     -o APT::Install-Recommends=false
     -o APT::Default-Release="$SUITE")  # backports' dependencies from backports
apt_update() {
    log "updating the private apt lists ($SOURCES) in $A"
    apt-get "${APT[@]}" update >&2 || die "apt-get update failed (private lists in $A)"
}
ls "$A"/lists/*_Packages* >/dev/null 2>&1 || update=1
[ $update -eq 0 ] || apt_update

# The Debian version of upstream $VERSION (epoch and revision vary).
find_version() {
    apt-cache "${APT[@]}" madison "$PKG" 2>/dev/null |
        awk -F'|' '{gsub(/ /, "", $2); print $2}' |
        grep -E "^([0-9]+:)?${VERSION//./\\.}(\+[^-]*)?-" | head -1 || true
}
pv=$(find_version)
if [ -z "$pv" ] && [ $update -eq 0 ]; then
    apt_update; update=1; pv=$(find_version)
fi
[ -n "$pv" ] || die "$PKG $VERSION is not in $SOURCES (has: $(apt-cache "${APT[@]}" madison "$PKG" | awk -F'|' '{print $2}' | xargs)); try CXL_UPSTREAM_SUITE=sid"

# The closure, with exact versions, resolved against an empty dpkg status.
resolve() {
    { apt-get "${APT[@]}" -s install "$PKG=$pv" 2>&1 || true; } |
        sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*/\1=\2/p' | LC_ALL=C sort
}
closure=$(resolve)
grep -qx "$PKG=$pv" <<<"$closure" ||
    die "cannot resolve $PKG=$pv: $(apt-get "${APT[@]}" -s install "$PKG=$pv" 2>&1 | grep '^E:' | head -3)"

log "downloading $PKG $pv and $(($(wc -l <<<"$closure") - 1)) packages of its closure"
mapfile -t pkgs <<<"$closure"
apt-get "${APT[@]}" -qq -y --download-only install "${pkgs[@]}" >&2 ||
    die "downloading the packages failed"

deb_of() {  # deb_of NAME=VERSION -> path of the downloaded .deb
    local n=${1%%=*} v=${1#*=} f
    v=${v//:/%3a}
    for f in "$A/debs/${n}_${v}_"*.deb; do
        [ -e "$f" ] && { echo "$f"; return; }
    done
    die "downloaded package file for $1 not found in $A/debs"
}

W=$OUT.tmp
rm -rf "$W"
mkdir -p "$W/root/usr/bin" "$W/root/usr/sbin" "$W/root/usr/lib" "$W/root/usr/lib64"
for l in bin sbin lib lib64; do ln -s "usr/$l" "$W/root/$l"; done
while read -r p; do
    dpkg-deb -x "$(deb_of "$p")" "$W/root"
done <<<"$closure"
for l in bin sbin lib lib64; do
    [ -L "$W/root/$l" ] || die "extracting the packages replaced the /$l symlink"
done
rm -rf "$W"/root/usr/share/{doc,man,info,locale,lintian,bug}

WR=$W/root
LD=$WR/usr/lib64/ld-linux-x86-64.so.2
[ -x "$LD" ] || die "no loader in the extracted root"
[ -x "$WR/usr/bin/qemu-system-x86_64" ] || die "no qemu-system-x86_64 in $PKG"
libs=$("$LD" --library-path "$WR/usr/lib/x86_64-linux-gnu" --list "$WR/usr/bin/qemu-system-x86_64") ||
    die "qemu-system-x86_64: cannot resolve its libraries"
! grep -q 'not found' <<<"$libs" || die "missing libraries: $(grep 'not found' <<<"$libs")"

# The wrapper: the root's loader and libraries, its firmware first on -L.
# The root path is resolved at run time, so the cache may move.
cat >"$W/qemu-system-x86_64" <<'EOF'
#!/bin/sh
# Upstream QEMU from Debian, run through its own loader (generated by
# scripts/fetch-upstream-qemu.sh). Extra -L dirs may follow on the command line.
R=$(dirname "$(readlink -f "$0")")/root
export QEMU_MODULE_DIR=${QEMU_MODULE_DIR:-$R/usr/lib/x86_64-linux-gnu/qemu}
exec "$R/usr/lib64/ld-linux-x86-64.so.2" --library-path "$R/usr/lib/x86_64-linux-gnu" \
    --argv0 qemu-system-x86_64 "$R/usr/bin/qemu-system-x86_64" \
    -L "$R/usr/share/qemu" -L "$R/usr/share/seabios" "$@"
EOF
chmod +x "$W/qemu-system-x86_64"
"$W/qemu-system-x86_64" --version | head -1 | grep -q "version ${VERSION//./\\.}" ||
    die "the extracted binary is not version $VERSION: $("$W/qemu-system-x86_64" --version | head -1)"
echo "$pv" >"$W/package-version"
echo "$closure" >"$W/manifest.txt"
touch "$W/done"
rm -rf "$OUT"
mv "$W" "$OUT"
log "upstream QEMU $pv ready in $OUT"
usage
