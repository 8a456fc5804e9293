#!/usr/bin/env bash
# Obtain, verify and extract the pinned QEMU base into the cache.
#   1. the directory named by CXL_QEMU_BASE_SRC (CI: ../shared/cache/qemu-10.2.2)
#   2. Debian's archive (apt-get source through a private apt configuration)
#   3. upstream's release tarball (needs CXL_QEMU_UPSTREAM_SHA256)
# Result: $BASE_DIR, a pristine tree with Debian's patches applied.
set -euo pipefail
. "$(dirname "$0")/common.sh"

stamp=$BASE_DIR/.cxl-base-stamp
want="$QEMU_DEB_VERSION $QEMU_DSC_SHA256"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    exit 0
fi

mkdir -p "$BASE_FILES"
verify() { # file sha256
    [ -f "$1" ] && echo "$2  $1" | sha256sum -c --status -
}
have_debian_files() {
    verify "$BASE_FILES/$QEMU_DSC" "$QEMU_DSC_SHA256" &&
    verify "$BASE_FILES/$QEMU_ORIG" "$QEMU_ORIG_SHA256" &&
    verify "$BASE_FILES/$QEMU_DEBIAN" "$QEMU_DEBIAN_SHA256"
}

if ! have_debian_files && [ -n "${CXL_QEMU_BASE_SRC:-}" ] && [ -d "$CXL_QEMU_BASE_SRC" ]; then
    log "copying source package from $CXL_QEMU_BASE_SRC"
    for f in "$QEMU_DSC" "$QEMU_ORIG" "$QEMU_DEBIAN"; do
        [ -f "$CXL_QEMU_BASE_SRC/$f" ] && cp "$CXL_QEMU_BASE_SRC/$f" "$BASE_FILES/"
    done
    have_debian_files || log "files in $CXL_QEMU_BASE_SRC are missing or fail verification"
fi

if ! have_debian_files; then
    log "fetching qemu=$QEMU_DEB_VERSION from Debian's archive (sid)"
    apt_dir=$CACHE/apt-sid
    mkdir -p "$apt_dir"
    cat > "$apt_dir/sources.list" <<SRC
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main
SRC
    private_apt_opts "$apt_dir"
    aptopts=("${PRIVATE_APT[@]}")
    if apt-get "${aptopts[@]}" update -q >"$apt_dir/update.log" 2>&1; then
        (cd "$BASE_FILES" && apt-get "${aptopts[@]}" source --download-only -q "qemu=$QEMU_DEB_VERSION") \
            >"$apt_dir/source.log" 2>&1 || log "apt-get source failed (see $apt_dir/source.log)"
    else
        log "apt-get update for sid failed (see $apt_dir/update.log)"
    fi
    have_debian_files || log "Debian's archive did not provide verified files"
fi

tmp=$(mktemp -d "$CACHE/base/extract.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if have_debian_files; then
    log "extracting $QEMU_DSC"
    (cd "$tmp" && dpkg-source --no-check -x "$BASE_FILES/$QEMU_DSC" tree >/dev/null)
else
    [ -n "$QEMU_UPSTREAM_SHA256" ] ||
        die "no verified QEMU base found. Point CXL_QEMU_BASE_SRC at a directory holding
$QEMU_DSC, $QEMU_ORIG and $QEMU_DEBIAN, or set CXL_QEMU_UPSTREAM_SHA256 to
the published sha256 of $QEMU_UPSTREAM_URL"
    up=$BASE_FILES/qemu-$QEMU_VERSION.tar.xz
    verify "$up" "$QEMU_UPSTREAM_SHA256" || {
        log "downloading $QEMU_UPSTREAM_URL"
        curl -fL -o "$up.part" "$QEMU_UPSTREAM_URL" && mv "$up.part" "$up"
    }
    verify "$up" "$QEMU_UPSTREAM_SHA256" || die "$up fails sha256 verification"
    log "extracting upstream tarball (without Debian's patches)"
    tar -C "$tmp" -xJf "$up" && mv "$tmp/qemu-$QEMU_VERSION" "$tmp/tree"
fi
rm -rf "$BASE_DIR"
mkdir -p "$(dirname "$BASE_DIR")"
mv "$tmp/tree" "$BASE_DIR"
rm -rf "$BASE_DIR/.pc"
echo "$want" > "$stamp"
log "base ready in $BASE_DIR"
