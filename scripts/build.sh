#!/usr/bin/env bash
# Configure (once) and build qemu-system-x86_64 and qemu-system-aarch64 from
# the assembled tree (one configure), then place the binaries and the firmware
# they need where the README says:
#   build/bin/qemu-system-x86_64      (symlinks to the build)
#   build/bin/qemu-system-aarch64
#   build/firmware/                   (pass with -L)
# With CXL_QEMU_SANITIZE=1 (make check-sanitize): the same tree built with
# AddressSanitizer and UndefinedBehaviorSanitizer in build/qemu-build-sanitize,
# x86_64 only by default, binaries in build/bin-sanitize/.
# With CXL_QEMU_FUZZ=1 (make fuzz): built with clang, libFuzzer, ASan and
# UBSan (QEMU's --enable-fuzzing) in build/qemu-build-fuzz; only the fuzzer
# qemu-fuzz-x86_64 (tests/qtest/fuzz/), linked to build/bin-fuzz/.
set -euo pipefail
. "$(dirname "$0")/common.sh"

if [ -n "${CXL_QEMU_FUZZ:-}" ]; then
    OBJ=$BUILD/qemu-build-fuzz
    BIN=$BUILD/bin-fuzz
    TARGETS=x86_64-softmmu
    EXTRA_FLAGS=(--cc=clang --cxx=clang++ --enable-fuzzing --enable-asan
                 --enable-ubsan)
    NINJA_TARGETS=${NINJA_TARGETS:-qemu-fuzz-x86_64}
elif [ -n "${CXL_QEMU_SANITIZE:-}" ]; then
    OBJ=$BUILD/qemu-build-sanitize
    BIN=$BUILD/bin-sanitize
    TARGETS=${CXL_QEMU_TARGETS:-x86_64-softmmu}
    EXTRA_FLAGS=(--enable-asan --enable-ubsan)
else
    OBJ=$BUILD/qemu-build
    BIN=$BUILD/bin
    TARGETS=${CXL_QEMU_TARGETS:-x86_64-softmmu,aarch64-softmmu}
    EXTRA_FLAGS=()
fi

# ccache: caches outside the checkout, paths relative to the checkout so a
# clone at another path (CI) hits the same cache.
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export CCACHE_BASEDIR=$TOP
export CCACHE_NOHASHDIR=1
# The build must not write into the source tree (check-series compares it).
export PYTHONDONTWRITEBYTECODE=1
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
# QEMU's configure names the compiler in meson's native file, so meson's own
# ccache detection never applies: put Debian's ccache masquerade links first.
ccache_sig=none
if [ -z "${CXL_QEMU_NO_CCACHE:-}" ] && [ -x /usr/lib/ccache/cc ]; then
    export PATH=/usr/lib/ccache:$PATH
    ccache_sig=ccache
fi

CONFIGURE_FLAGS=(--python="$PYTHON" --target-list="$TARGETS" --disable-docs
    --disable-user --disable-install-blobs --without-default-features
    --enable-tcg --enable-fdt=system --enable-pixman "${EXTRA_FLAGS[@]}")
flags_sig=$(printf '%s\n' "${CONFIGURE_FLAGS[@]}" "$ccache_sig" | sha256sum | cut -d' ' -f1)

# Several checkouts (git worktrees) on one 2-core machine: one build at a time.
exec 9>"${TMPDIR:-/tmp}/cxl-qemu-build.lock"
flock 9

if [ ! -f "$OBJ/build.ninja" ] || [ "$(cat "$OBJ/.cxl-configure" 2>/dev/null)" != "$flags_sig" ]; then
    log "configuring in $OBJ"
    rm -rf "$OBJ"
    mkdir -p "$OBJ"
    (cd "$OBJ" && "$SRC/configure" "${CONFIGURE_FLAGS[@]}" > configure.log 2>&1) ||
        { tail -30 "$OBJ/configure.log" >&2; die "configure failed (log: $OBJ/configure.log)"; }
    echo "$flags_sig" > "$OBJ/.cxl-configure"
fi

jobs=$(nproc)
targets=()
for t in ${TARGETS//,/ }; do targets+=("qemu-system-${t%-softmmu}"); done
for t in $UNIT_TESTS; do targets+=("tests/unit/$t"); done
qtests=$QTESTS
case $TARGETS in *aarch64*) qtests="$QTESTS $QTESTS_AARCH64" ;; esac
# shellcheck disable=SC2086
for t in $(printf '%s\n' $qtests | sort -u); do targets+=("tests/qtest/$t"); done
# shellcheck disable=SC2086
ninja -C "$OBJ" -j"$jobs" ${NINJA_TARGETS:-${targets[*]}}

mkdir -p "$BIN" "$BUILD/firmware"
if [ -n "${CXL_QEMU_FUZZ:-}" ]; then
    ln -sfn "../${OBJ##*/}/qemu-fuzz-x86_64" "$BIN/qemu-fuzz-x86_64"
    exit 0
fi
for t in ${TARGETS//,/ }; do
    b=qemu-system-${t%-softmmu}
    ln -sfn "../${OBJ##*/}/$b" "$BIN/$b"
done
# Firmware from Debian's seabios, qemu-system-data and ipxe-qemu packages
# (the +ds base ships no binary blobs).
for f in /usr/share/seabios/*.bin /usr/share/qemu/* /usr/lib/ipxe/qemu/*.rom; do
    [ -e "$f" ] && ln -sfn "$f" "$BUILD/firmware/${f##*/}"
done
# SeaBIOS from Debian 13 in place of the host's (bookworm's stalls ~30 s
# with q35's default devices: scripts/fetch-seabios.sh)
if seabios=$("$TOP/scripts/fetch-seabios.sh"); then
    for f in "$seabios"/*.bin; do
        ln -sfn "$f" "$BUILD/firmware/${f##*/}"
    done
else
    log "warning: keeping the host's SeaBIOS (fetch-seabios.sh failed)"
fi
[ -e "$BUILD/firmware/bios-256k.bin" ] || die "bios-256k.bin missing: run 'make deps' (package seabios)"
