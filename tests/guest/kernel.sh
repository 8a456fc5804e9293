#!/usr/bin/env bash
# Build the full-coverage guest kernel (every CXL/DAX/NVDIMM/EDAC/fwctl/PMU/
# MCTP option built in, see tests/guest/kernel/full.config), or find it in the
# cache. Prints the kernel's directory on stdout (last line); logs go to stderr.
#
#   tests/guest/kernel.sh            build if needed, print the directory
#   tests/guest/kernel.sh --force    rebuild even if the cache has it
#
# Source: Debian's linux-source-7.3 (7.3.4, trixie-backports), the source of
# the stock guest kernel, so the two kernels differ only in configuration.
# The .deb scripts/fetch-oracles.sh downloaded is reused; otherwise it is
# downloaded through a private apt configuration (as image.sh does) under
# $CACHE/guest-kernel/apt. Nothing is installed on the host.
#
# Configuration: x86_64_defconfig + kvm_guest.config + full.config, then
# `make olddefconfig`; every assignment of full.config must come out as
# written, else the build fails naming the options that did not.
#
# Result: $CACHE/guest-kernel/<key>/ with bzImage, config, kernel-release and
# build-time (seconds of the compile); key = hash of the source package
# version, full.config and this script. The compile takes the machine-wide
# build lock /tmp/cxl-qemu-build.lock (so do not run this script under it).
# The object tree $CACHE/guest-kernel/obj is kept for incremental rebuilds.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC1091
. "$HERE/../../scripts/common.sh"

KVER=7.3.4
SRC_PKG=linux-source-${KVER%.*}
FRAGMENT=$HERE/kernel/full.config
SUITE=trixie
MIRROR=http://deb.debian.org/debian
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

force=0
for a in "$@"; do
    case $a in
        --force) force=1 ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) die "unknown argument '$a'" ;;
    esac
done

for t in dpkg-deb xz tar make gcc flex bison bc flock sha256sum; do
    command -v "$t" >/dev/null || die "host tool '$t' missing (scripts/deps.sh installs it)"
done
for h in /usr/include/gelf.h /usr/include/openssl/ssl.h; do
    [ -e "$h" ] || die "$h missing (libelf-dev, libssl-dev: scripts/deps.sh installs them)"
done

GK=$CACHE/guest-kernel
mkdir -p "$GK/debs"
exec 8>"$GK/.lock"
flock 8

# ---- the source package --------------------------------------------------------
find_deb() {
    ls "$CACHE/oracles/apt/debs/${SRC_PKG}_$KVER-"*_all.deb \
       "$GK/debs/${SRC_PKG}_$KVER-"*_all.deb 2>/dev/null | sort -V | tail -n 1 || true
}
deb=$(find_deb)
if [ -z "$deb" ]; then
    A=$GK/apt
    mkdir -p "$A"
    cat >"$A/sources.list" <<EOF
deb [signed-by=$KEYRING] $MIRROR $SUITE main
deb [signed-by=$KEYRING] $MIRROR $SUITE-backports main
EOF
    private_apt_opts "$A"
    log "updating the private apt lists ($SUITE, $SUITE-backports) in $A"
    apt-get "${PRIVATE_APT[@]}" update >&2 || die "apt-get update failed (private lists in $A)"
    ver=$(apt-cache "${PRIVATE_APT[@]}" show "$SRC_PKG" 2>/dev/null |
          sed -n 's/^Version: //p' | grep "^$KVER-" | sort -V | tail -n 1 || true)
    [ -n "$ver" ] || die "$SRC_PKG $KVER-* is not in $SUITE-backports"
    log "downloading $SRC_PKG=$ver"
    (cd "$GK/debs" && apt-get "${PRIVATE_APT[@]}" download "$SRC_PKG=$ver") >&2 ||
        die "apt-get download $SRC_PKG=$ver failed"
    deb=$(find_deb)
    [ -n "$deb" ] || die "apt-get download did not produce a $SRC_PKG .deb"
fi
pkgver=$(dpkg-deb -f "$deb" Version)

key=$({ echo "$SRC_PKG=$pkgver"; sha256sum "$FRAGMENT" "$HERE/kernel.sh" | cut -d' ' -f1; } |
      sha256sum | cut -c1-16)
OUT=$GK/$key
if [ $force -eq 0 ] && [ -e "$OUT/done" ]; then
    ln -sfn "$key" "$GK/current"
    echo "$OUT"
    exit 0
fi

t0=$SECONDS
SRC=$GK/src/$SRC_PKG-$pkgver
if [ ! -e "$SRC/.unpacked" ]; then
    log "unpacking $SRC_PKG=$pkgver"
    inner=$(dpkg-deb -c "$deb" | awk '{print $NF}' |
            grep -E '^\./usr/src/linux-source-[^/]*\.tar\.xz$' | head -n 1) ||
        die "no kernel tarball in $deb"
    rm -rf "$GK/src.tmp"
    mkdir -p "$GK/src.tmp" "$GK/src"
    dpkg-deb --fsys-tarfile "$deb" | tar -xO "$inner" | xz -dc | tar -x -C "$GK/src.tmp" ||
        die "unpacking ${inner##*/} failed"
    top=$(ls "$GK/src.tmp")
    [ "$(wc -l <<<"$top")" -eq 1 ] && [ -f "$GK/src.tmp/$top/Makefile" ] ||
        die "unexpected layout of ${inner##*/}"
    rm -rf "$SRC"
    mv "$GK/src.tmp/$top" "$SRC"
    rmdir "$GK/src.tmp"
    touch "$SRC/.unpacked"
    # Older unpacked versions are not needed any more.
    for d in "$GK"/src/*; do
        [ "$d" = "$SRC" ] || rm -rf "$d"
    done
fi

# ---- configure and build (under the machine-wide build lock) -----------------
OBJ=$GK/obj
W=$GK/tmp.$key
rm -rf "$W"
mkdir -p "$OBJ" "$W"
# Stamp the build so an identical config gives an identical kernel.
export KBUILD_BUILD_USER=cxl-qemu KBUILD_BUILD_HOST=cxl-qemu \
       KBUILD_BUILD_TIMESTAMP="$pkgver" KBUILD_BUILD_VERSION=1
K=(make -C "$SRC" O="$OBJ" ARCH=x86_64 -j"$(nproc)")

exec 9>"${TMPDIR:-/tmp}/cxl-qemu-build.lock"
log "waiting for the build lock"
flock 9
tb=$SECONDS
log "configuring $SRC_PKG=$pkgver with ${FRAGMENT#"$HERE"/}"
"${K[@]}" -s x86_64_defconfig >&2
"${K[@]}" -s kvm_guest.config >&2
(cd "$OBJ" && "$SRC/scripts/kconfig/merge_config.sh" -m -O "$OBJ" "$OBJ/.config" "$FRAGMENT") \
    >"$W/merge.log" 2>&1 || { cat "$W/merge.log" >&2; die "merging $FRAGMENT failed"; }
"${K[@]}" -s olddefconfig >&2

# Every assignment of the fragment must have survived olddefconfig.
bad=()
while IFS= read -r line; do
    case $line in
        "# CONFIG_"*" is not set")
            opt=${line#\# }; opt=${opt%% *}
            grep -q "^$opt=" "$OBJ/.config" && bad+=("$opt (wanted off, got $(grep "^$opt=" "$OBJ/.config"))") ;;
        CONFIG_*=*)
            opt=${line%%=*}
            grep -qxF -- "$line" "$OBJ/.config" ||
                bad+=("$opt (wanted ${line#*=}, got $(grep -E "^(# )?$opt[= ]" "$OBJ/.config" || echo 'not in .config'))") ;;
    esac
done <"$FRAGMENT"
if [ ${#bad[@]} -gt 0 ]; then
    for b in "${bad[@]}"; do
        log "not as in ${FRAGMENT##*/}: $b"
    done
    die "${#bad[@]} option(s) of ${FRAGMENT##*/} did not come out as written (dependencies missing?)"
fi

log "building bzImage in $OBJ ($(nproc) jobs)"
"${K[@]}" bzImage >"$W/build.log" 2>&1 || { tail -n 40 "$W/build.log" >&2; die "kernel build failed (log: $W/build.log)"; }
release=$("${K[@]}" -s kernelrelease)
build_time=$((SECONDS - tb))
flock -u 9
exec 9>&-

cp "$OBJ/arch/x86/boot/bzImage" "$W/bzImage"
cp "$OBJ/.config" "$W/config"
echo "$release" >"$W/kernel-release"
echo "$build_time" >"$W/build-time"
echo "$SRC_PKG=$pkgver" >"$W/source"
gzip -9 "$W/build.log"
touch "$W/done"
rm -rf "$OUT"
mv "$W" "$OUT"
ln -sfn "$key" "$GK/current"
# Keep the three most recent kernels.
for d in $(cd "$GK" && ls -1dt -- ???????????????? 2>/dev/null | tail -n +4); do
    [[ $d =~ ^[0-9a-f]{16}$ ]] && rm -rf "${GK:?}/$d"
done
log "guest kernel $release ready: compile $((build_time / 60)) min $((build_time % 60)) s (config included), $((SECONDS - t0)) s in all: $OUT"
echo "$OUT"
