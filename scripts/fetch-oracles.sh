#!/usr/bin/env bash
# Fetch the "spec oracles" (see ../shared/FACTS.md, "Oracles") into the cache:
#   $CACHE/oracles/linux/  the CXL parts of Debian's linux-source-7.3 (the
#                          source of the guest kernel 7.3.4), paths preserved
#   $CACHE/oracles/ndctl/  Debian's ndctl source package, unpacked and patched
# Nothing is installed and the system's apt state is not touched: apt runs with
# a private configuration (sources, lists, cache, empty dpkg status) under
# $CACHE/oracles/apt. The downloaded .deb/.dsc files are kept there, so a
# re-extraction works offline. Each tree has a stamp; a tree whose stamp is
# present and current is skipped. Remove a tree to fetch it again.
#
# Environment: CXL_ORACLE_KERNEL (default 7.3.4) is the upstream kernel version
# the source must match; CXL_ORACLE_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail
. "$(dirname "$0")/common.sh"

KVER=${CXL_ORACLE_KERNEL:-7.3.4}
LINUX_PKG=linux-source-${KVER%.*}
MIRROR=${CXL_ORACLE_MIRROR:-http://deb.debian.org/debian}
SUITE=trixie
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

ORACLES=$CACHE/oracles
LINUX_DIR=$ORACLES/linux
NDCTL_DIR=$ORACLES/ndctl
A=$ORACLES/apt

# Members of the kernel tarball to keep (extended regex on the path below the
# tarball's top-level directory). include/linux/cxl*, include/cxl/ and the
# documentation are taken when the version has them.
LINUX_PATHS='drivers/cxl/|include/uapi/linux/pci_regs\.h$|include/uapi/linux/cxl_mem\.h$|include/linux/cxl[^/]*$|include/cxl/|tools/testing/cxl/|drivers/dax/|drivers/nvdimm/|Documentation/driver-api/cxl/'
LINUX_REQUIRED="drivers/cxl/core include/uapi/linux/cxl_mem.h tools/testing/cxl/test/mem.c tools/testing/cxl/test/cxl_translate.c"

mkdir -p "$ORACLES"
exec 9>"$ORACLES/.lock"
flock 9

linux_want_re="^$LINUX_PKG=$KVER-"
linux_current() {
    [ -f "$LINUX_DIR/.oracle-stamp" ] &&
    sed -n 1p "$LINUX_DIR/.oracle-stamp" | grep -q "$linux_want_re" &&
    [ "$(sed -n 2p "$LINUX_DIR/.oracle-stamp")" = "paths=$LINUX_PATHS" ]
}
ndctl_current() { [ -f "$NDCTL_DIR/.oracle-stamp" ]; }

report() {
    echo "linux oracle:  $LINUX_DIR  ($(sed -n 1p "$LINUX_DIR/.oracle-stamp"))"
    echo "ndctl oracle:  $NDCTL_DIR  ($(sed -n 1p "$NDCTL_DIR/.oracle-stamp"))"
    echo "  e.g. $LINUX_DIR/drivers/cxl/cxlmem.h"
    echo "       $LINUX_DIR/tools/testing/cxl/test/mem.c"
    echo "       $NDCTL_DIR/test/cxl-*.sh"
}

if linux_current && ndctl_current; then
    report
    exit 0
fi

# --- the private apt configuration -------------------------------------------
mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$A/debs" "$A/src"
: >"$A/status"
cat >"$A/sources.list.new" <<EOF
deb [signed-by=$KEYRING] $MIRROR $SUITE main
deb [signed-by=$KEYRING] $MIRROR $SUITE-backports main
deb-src [signed-by=$KEYRING] $MIRROR $SUITE main
deb-src [signed-by=$KEYRING] $MIRROR $SUITE-backports main
EOF
lists_fresh=0
if cmp -s "$A/sources.list.new" "$A/sources.list" 2>/dev/null; then
    rm -f "$A/sources.list.new"
else
    mv "$A/sources.list.new" "$A/sources.list"
    rm -f "$A"/lists/*_Packages* "$A"/lists/*_Sources*
fi
private_apt_opts "$A"
APT=("${PRIVATE_APT[@]}")

apt_update() { # once per run
    [ $lists_fresh -eq 0 ] || return 0
    log "updating the private apt lists ($SUITE, $SUITE-backports) in $A"
    apt-get "${APT[@]}" update >"$A/update.log" 2>&1 ||
        die "apt-get update failed (see $A/update.log)"
    lists_fresh=1
}

tmp=$(mktemp -d "$ORACLES/tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# --- 1. the kernel source -----------------------------------------------------
fetch_linux() {
    local deb ver inner top n missing=() p
    # A previously downloaded package for this kernel version is reused.
    deb=$(ls "$A/debs/${LINUX_PKG}_$KVER-"*_all.deb 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -z "$deb" ]; then
        apt_update
        ver=$(apt-cache "${APT[@]}" show "$LINUX_PKG" 2>/dev/null |
              sed -n 's/^Version: //p' | grep "^$KVER-" | sort -V | tail -n 1 || true)
        [ -n "$ver" ] || die "$LINUX_PKG $KVER-* is not in $SUITE-backports (apt-cache policy $LINUX_PKG:
$(apt-cache "${APT[@]}" policy "$LINUX_PKG" 2>&1 | sed -n 's/^ *Candidate:/  candidate:/p'))
It may be on https://snapshot.debian.org/package/linux/; put the .deb in $A/debs/."
        log "downloading $LINUX_PKG=$ver"
        (cd "$A/debs" && apt-get "${APT[@]}" download "$LINUX_PKG=$ver") >"$A/download.log" 2>&1 ||
            die "apt-get download $LINUX_PKG=$ver failed (see $A/download.log)"
        deb=$A/debs/${LINUX_PKG}_${ver}_all.deb
        [ -f "$deb" ] || die "apt-get download did not produce $deb"
    fi
    ver=$(dpkg-deb -f "$deb" Version)
    inner=$(dpkg-deb -c "$deb" | awk '{print $NF}' | grep -E '^\./usr/src/linux-source-[^/]*\.tar\.xz$' | head -n 1) ||
        die "no kernel tarball in $deb"

    log "listing ${inner##*/} from $LINUX_PKG=$ver"
    dpkg-deb --fsys-tarfile "$deb" | tar -xO "$inner" | xz -dc | tar -t >"$tmp/all" ||
        die "cannot read ${inner##*/} in $deb"
    top=$(head -n 1 "$tmp/all"); top=${top%%/*}
    grep -E "^$top/($LINUX_PATHS)" "$tmp/all" | grep -v '/$' >"$tmp/members" || true
    n=$(wc -l <"$tmp/members")
    [ "$n" -gt 0 ] || die "none of the wanted paths are in ${inner##*/}"

    log "extracting $n files"
    mkdir "$tmp/linux"
    dpkg-deb --fsys-tarfile "$deb" | tar -xO "$inner" | xz -dc |
        tar -x -C "$tmp/linux" --no-recursion --verbatim-files-from -T "$tmp/members" ||
        die "extraction from ${inner##*/} failed"
    for p in $LINUX_REQUIRED; do
        [ -e "$tmp/linux/$top/$p" ] || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] || die "$LINUX_PKG=$ver lacks: ${missing[*]}"
    printf '%s\n' "$LINUX_PKG=$ver" "paths=$LINUX_PATHS" >"$tmp/linux/$top/.oracle-stamp"
    rm -rf "$LINUX_DIR"
    mv "$tmp/linux/$top" "$LINUX_DIR"
    log "kernel oracle ready in $LINUX_DIR"
}

# --- 2. ndctl's source package ------------------------------------------------
# Normally apt-get source + dpkg-source -x (Debian's patches applied). When the
# mirror serves the upstream tarball but not the .dsc/.debian.tar.xz (seen on
# this project's machines), the tarball alone is used, after checking its
# sha256 against the signed Sources index.
fetch_ndctl() {
    local dsc orig ver f sum want note=""
    dsc=$(ls "$A/src/"ndctl_*.dsc 2>/dev/null | sort -V | tail -n 1 || true)
    orig=$(ls "$A/src/"ndctl_*.orig.tar.* 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -z "$dsc" ] && [ -z "$orig" ]; then
        apt_update
        log "downloading the source package ndctl ($SUITE)"
        mkdir "$tmp/src"
        (cd "$tmp/src" && apt-get "${APT[@]}" source --download-only "ndctl/$SUITE") >"$A/source.log" 2>&1 ||
            log "apt-get source ndctl failed (see $A/source.log); looking for the upstream tarball alone"
        for f in "$tmp/src/"ndctl_*; do
            [ -f "$f" ] || continue
            want=$(apt-cache "${APT[@]}" showsrc ndctl 2>/dev/null |
                   awk -v n="${f##*/}" '/^Checksums-Sha256:/ {c=1; next} /^[^ ]/ {c=0} c && $3 == n {print $1; exit}')
            sum=$(sha256sum "$f" | cut -d' ' -f1)
            if [ -z "$want" ] || [ "$sum" != "$want" ]; then
                die "${f##*/}: sha256 $sum does not match the Sources index (${want:-not listed})"
            fi
            mv "$f" "$A/src/"
        done
        dsc=$(ls "$A/src/"ndctl_*.dsc 2>/dev/null | sort -V | tail -n 1 || true)
        orig=$(ls "$A/src/"ndctl_*.orig.tar.* 2>/dev/null | sort -V | tail -n 1 || true)
        [ -n "$dsc" ] || [ -n "$orig" ] || die "could not download ndctl's source (see $A/source.log)"
        if [ -z "$dsc" ]; then # remember which Debian version the tarball belongs to
            apt-cache "${APT[@]}" showsrc "ndctl" 2>/dev/null | awk -v n="${orig##*/}" '
                /^Version:/ {v=$2} /^Checksums-Sha256:/ {c=1; next} /^[^ ]/ {c=0}
                c && $3 == n {print v; exit}' >"$A/src/ndctl-orig.version"
        fi
    fi
    if [ -n "$dsc" ]; then
        ver=$(sed -n 's/^Version: //p' "$dsc" | head -n 1)
        log "unpacking ndctl=$ver"
        # dpkg-source checks the files' sizes and hashes against the .dsc
        # and applies Debian's patches.
        dpkg-source -x "$dsc" "$tmp/ndctl" >"$A/dpkg-source.log" 2>&1 ||
            die "dpkg-source -x $dsc failed (see $A/dpkg-source.log)"
    else
        ver=$(cat "$A/src/ndctl-orig.version" 2>/dev/null || true)
        ver=${ver:-unknown}
        note=" (${orig##*/} only: the mirror lacks the .dsc, Debian's patches are not applied)"
        log "unpacking ${orig##*/} (ndctl=$ver)$note"
        mkdir "$tmp/ndctl"
        tar -xf "$orig" -C "$tmp/ndctl" --strip-components=1 || die "cannot unpack $orig"
    fi
    [ -n "$(ls "$tmp/ndctl/test/"cxl-*.sh 2>/dev/null)" ] || die "ndctl=$ver has no test/cxl-*.sh"
    echo "ndctl=$ver$note" >"$tmp/ndctl/.oracle-stamp"
    rm -rf "$NDCTL_DIR"
    mv "$tmp/ndctl" "$NDCTL_DIR"
    log "ndctl oracle ready in $NDCTL_DIR"
}

linux_current || fetch_linux
ndctl_current || fetch_ndctl
report
