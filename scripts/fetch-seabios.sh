#!/usr/bin/env bash
# Fetch Debian 13's SeaBIOS (package seabios, SEABIOS_VERSION below) into
#   $CACHE/seabios/<version>/   bios-256k.bin, bios.bin, vgabios*.bin
# and print that directory. build.sh links these into build/firmware in
# place of the host's.
#
# Why: bookworm's SeaBIOS 1.16.2 (the host's on Debian 12) stalls about
# 32 s before it boots a -kernel when q35's default devices are present
# (measured on this project's machines: 36.5 s to the kernel's first line,
# 4.2 s with trixie's 1.16.3, 4.8 s with -nodefaults). tests/guest/by-hand.py
# checks the README's plain example reaches the kernel within seconds.
#
# Nothing is installed and the system's apt state is not touched: apt runs
# with a private configuration under $CACHE/seabios/apt (scripts/common.sh
# private_apt_opts). The downloaded .deb is kept there; a version directory
# with its stamp is reused without network.
#
# Environment: CXL_SEABIOS_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail
. "$(dirname "$0")/common.sh"

SEABIOS_VERSION=1.16.3          # upstream version; Debian revision: any
SUITE=trixie
MIRROR=${CXL_SEABIOS_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
D=$CACHE/seabios
A=$D/apt

mkdir -p "$D"
exec 9>"$D/.lock"
flock 9

current=$(ls -d "$D/$SEABIOS_VERSION"-*/ 2>/dev/null | sort -V | tail -n 1 || true)
if [ -n "$current" ] && [ -f "$current/.stamp" ]; then
    echo "${current%/}"
    exit 0
fi

mkdir -p "$A/debs"
echo "deb [signed-by=$KEYRING] $MIRROR $SUITE main" > "$A/sources.list"
private_apt_opts "$A"
deb=$(ls "$A/debs/seabios_$SEABIOS_VERSION-"*_all.deb 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$deb" ]; then
    log "downloading seabios $SEABIOS_VERSION from $SUITE"
    apt-get "${PRIVATE_APT[@]}" update > "$A/update.log" 2>&1 ||
        die "apt-get update failed (see $A/update.log)"
    ver=$(apt-cache "${PRIVATE_APT[@]}" show seabios 2>/dev/null |
          sed -n 's/^Version: //p' | grep "^$SEABIOS_VERSION-" | sort -V | tail -n 1)
    [ -n "$ver" ] || die "seabios $SEABIOS_VERSION-* is not in $SUITE"
    (cd "$A/debs" && apt-get "${PRIVATE_APT[@]}" download "seabios=$ver") \
        > "$A/download.log" 2>&1 || die "apt-get download seabios=$ver failed (see $A/download.log)"
    deb=$(ls "$A/debs/seabios_$SEABIOS_VERSION-"*_all.deb | sort -V | tail -n 1)
fi
ver=$(dpkg-deb -f "$deb" Version)
out=$D/$ver
tmp=$(mktemp -d "$D/tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp/root"
mkdir -p "$tmp/out"
cp "$tmp/root/usr/share/seabios/"*.bin "$tmp/out/"
[ -f "$tmp/out/bios-256k.bin" ] || die "$deb has no bios-256k.bin"
echo "seabios=$ver" > "$tmp/out/.stamp"
rm -rf "$out"
mv "$tmp/out" "$out"
echo "$out"
