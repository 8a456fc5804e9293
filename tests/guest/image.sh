#!/usr/bin/env bash
# Build the guest image (kernel + initramfs) for the guest scenarios, or find
# it in the cache. Prints the image directory on stdout; logs go to stderr.
#
#   tests/guest/image.sh            build if needed, print the directory
#   tests/guest/image.sh --update   refresh the private apt lists first
#   tests/guest/image.sh --force    rebuild even if the cache has the image
#   tests/guest/image.sh --arch arm64   the image of aarch64 guests (default
#                                   amd64); combines with the options above
#
# The image lives under $CACHE/guest/<key>/ (key: the architecture, the
# resolved package versions and the hashes of this script, init and
# lib.sh; $CACHE/guest/current links to the newest amd64 image,
# current-arm64 to the newest arm64 one). It contains
#   vmlinuz              the pinned Debian kernel
#   initramfs.cpio.zst   busybox, kmod, cxl/ndctl/daxctl, keyutils, acpica-tools,
#                        the CXL/DAX/NVDIMM modules (decompressed), /init
#   initramfs-perf.cpio.zst  (amd64) the same followed by a second archive
#                        with Debian's perf (linux-perf of the kernel's
#                        version) and the libraries it needs that the first
#                        lacks: for the scenarios with PERF = True
#   root/                the staging root the initramfs was made from (amd64:
#                        its loader can run the Debian 13 tools on the host)
#   kernel-release, manifest.txt (package=version), config (kernel config)
#   arch                 amd64 or arm64
#   QEMU_EFI.fd          (arm64) the UEFI firmware for -bios, from Debian's
#                        qemu-efi-aarch64
# Debian packages are downloaded through a private apt configuration under
# $CACHE/guest/apt (arm64: apt-arm64); nothing is installed on the host and
# the system's apt state is not touched.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC1091
. "$HERE/../../scripts/common.sh"

ARCH=amd64
update=0 force=0
while [ $# -gt 0 ]; do
    case $1 in
        --update) update=1 ;;
        --force) force=1 ;;
        --arch) [ $# -ge 2 ] || die "--arch needs a value (amd64 or arm64)"
                ARCH=$2; shift ;;
        --arch=*) ARCH=${1#--arch=} ;;
        -h|--help) sed -n '2,/^set /{/^#/p}' "$0"; exit 0 ;;
        *) die "unknown argument '$1'" ;;
    esac
    shift
done

# ---- pins -------------------------------------------------------------------
# The guest kernel: Debian's trixie-backports build. Never switched silently:
# if this kernel cannot be found the build fails.
KERNEL_RELEASE=7.3.4+deb13-$ARCH
KERNEL_PKGS=("linux-binary-$KERNEL_RELEASE" "linux-modules-$KERNEL_RELEASE"
             "linux-base-$KERNEL_RELEASE")
# User space from trixie (their shared-library closure comes along).
USER_PKGS=(cxl ndctl daxctl keyutils busybox-static kmod acpica-tools)
# Packages of the closure that the guest does not need.
SKIP_PKGS=(init-system-helpers gcc-14-base)
# perf (amd64 only): Debian's linux-perf of the kernel's version, from
# $SUITE-backports (trixie's own is older). Only /usr/bin/perf and the shared
# libraries it loads go into the image (its perl and python dependencies are
# for `perf script` and its scripts, which the guests do not run), in a layer
# of its own: it is larger than the rest of the initramfs, so only the
# scenarios that use perf boot it.
PERF_PKGS=()
[ "$ARCH" != amd64 ] || PERF_PKGS=(linux-perf)
# Kernel module directories to ship (plus their dependencies).
MODULE_DIRS=(kernel/drivers/cxl kernel/drivers/dax kernel/drivers/nvdimm
             kernel/drivers/acpi/nfit kernel/drivers/block/virtio_blk)
# Firmware packages (arm64: the UEFI firmware QEMU's virt boots with -bios):
# downloaded with the closure, not put into the initramfs.
FIRMWARE_PKGS=()
case $ARCH in
    amd64) TRIPLET=x86_64-linux-gnu ;;
    arm64) TRIPLET=aarch64-linux-gnu
           FIRMWARE_PKGS=(qemu-efi-aarch64) ;;
    *) die "unknown architecture '$ARCH' (amd64 or arm64)" ;;
esac
SUITE=trixie
MIRROR=http://deb.debian.org/debian
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
# ----------------------------------------------------------------------------

for t in dpkg-deb cpio zstd xz flock sha256sum; do
    command -v "$t" >/dev/null || die "host tool '$t' missing (scripts/deps.sh installs it)"
done
[ -r "$KEYRING" ] || die "$KEYRING missing (package debian-archive-keyring)"

G=$CACHE/guest
# One private apt state per architecture (autoclean would drop the other
# architecture's .debs). The arm64 one also knows amd64 packages: see the
# busybox applets below.
A=$G/apt
CURRENT=current
[ "$ARCH" = amd64 ] || { A=$G/apt-$ARCH; CURRENT=current-$ARCH; }
mkdir -p "$G" "$A/lists/partial" "$A/cache" "$A/debs/partial"
exec 9>"$G/.lock"
flock 9

cat >"$A/sources.list.new" <<EOF
deb [signed-by=$KEYRING] $MIRROR $SUITE main
deb [signed-by=$KEYRING] $MIRROR $SUITE-backports main
EOF
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
     -o APT::Architecture="$ARCH" -o APT::Architectures::="$ARCH"
     -o APT::Install-Recommends=false)
[ "$ARCH" = amd64 ] || APT+=(-o APT::Architectures::=amd64)

apt_update() {
    log "updating the private apt lists ($SUITE, $SUITE-backports)"
    apt-get "${APT[@]}" update >&2 || die "apt-get update failed (private lists in $A)"
}
ls "$A"/lists/*_Packages* >/dev/null 2>&1 || update=1
[ $update -eq 0 ] || apt_update

# Resolve the closure (exact versions) with an empty status file.
resolve() {
    { apt-get "${APT[@]}" -s install "${USER_PKGS[@]}" "${KERNEL_PKGS[@]}" \
          ${FIRMWARE_PKGS[@]+"${FIRMWARE_PKGS[@]}"} 2>&1 || true; } |
        sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*/\1=\2/p' | LC_ALL=C sort
}
missing_pkgs() {  # the requested packages that the closure lacks
    local p
    for p in "${KERNEL_PKGS[@]}" "${USER_PKGS[@]}" ${FIRMWARE_PKGS[@]+"${FIRMWARE_PKGS[@]}"}; do
        awk -F= -v p="$p" '$1 == p {f=1} END {exit !f}' <<<"$closure" || echo "$p"
    done
}
closure=$(resolve)
missing=$(missing_pkgs)
if [ -n "$missing" ] && [ $update -eq 0 ]; then
    apt_update; update=1
    closure=$(resolve); missing=$(missing_pkgs)
fi
if grep -q "^linux-" <<<"$missing"; then
    die "the pinned guest kernel $KERNEL_RELEASE is not available from $SUITE-backports (missing: $(grep "^linux-" <<<"$missing" | xargs)). Not switching kernels: change KERNEL_RELEASE in $0 deliberately."
fi
[ -z "$missing" ] || die "cannot resolve $(xargs <<<"$missing") from $SUITE: $(apt-get "${APT[@]}" -s install "${USER_PKGS[@]}" 2>&1 | grep '^E:' | head -3)"
pv_of() { awk -F= -v p="$1" '$1 == p' <<<"$closure"; }  # NAME -> NAME=VERSION
# perf's closure (the same lists; the packages of the closure above come out
# at the same versions). Its upstream version must be the kernel's.
perf_closure=
resolve_perf() {
    [ ${#PERF_PKGS[@]} -gt 0 ] || return 0
    local p pv
    perf_closure=$({ apt-get "${APT[@]}" -s install "${PERF_PKGS[@]/%//$SUITE-backports}" 2>&1 || true; } |
                   sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*/\1=\2/p' | LC_ALL=C sort)
    for p in "${PERF_PKGS[@]}"; do
        pv=$(awk -F= -v p="$p" '$1 == p' <<<"$perf_closure")
        [ -n "$pv" ] || die "cannot resolve $p from $SUITE-backports (try --update)"
        case ${pv#*=} in
            "${KERNEL_RELEASE%%+*}"-*) ;;
            *) die "$pv is not the guest kernel's version ${KERNEL_RELEASE%%+*}" ;;
        esac
    done
}
resolve_perf
# (apt names a package of another architecture than $ARCH NAME:ARCH)
! grep -q '^[^=]*:' <<<"$closure" ||
    die "the closure has packages of another architecture: $(grep '^[^=]*:' <<<"$closure" | xargs)"

key=$({ echo "$closure"; echo "$perf_closure"; echo "${MODULE_DIRS[*]}" "${SKIP_PKGS[*]}" "$ARCH";
        sha256sum "$HERE/image.sh" "$HERE/init" "$HERE/lib.sh" | cut -d' ' -f1; } |
      sha256sum | cut -c1-16)
OUT=$G/$key
if [ $force -eq 0 ] && [ -e "$OUT/done" ]; then
    ln -sfn "$key" "$G/$CURRENT"
    echo "$OUT"
    exit 0
fi

# The applets busybox provides, and where, come from running `busybox
# --list-full`, which this x86 host cannot do with an arm64 binary: a
# foreign image takes the list from the amd64 busybox-static of the same
# source version (Debian builds it with one configuration on every
# architecture), and each applet is checked against the guest's binary.
# (Resolved from the same lists as the closure, so not part of the key.)
t0=$SECONDS
bb_host=
bb_resolve() {  # sets bb_host (busybox-static=VERSION of amd64)
    [ "$ARCH" != amd64 ] || return 0
    bb_host=$({ apt-get "${APT[@]}" -s install busybox-static:amd64 2>&1 || true; } |
                  sed -n 's/^Inst busybox-static:amd64 (\([^ ]*\) .*/busybox-static=\1/p')
    [ -n "$bb_host" ] || die "cannot resolve busybox-static:amd64 (for the applet list; try --update)"
    bb_src() { sed -E 's/\+b[0-9]+$//' <<<"${1#*=}"; }   # drop a binNMU suffix
    [ "$(bb_src "$bb_host")" = "$(bb_src "$(pv_of busybox-static)")" ] ||
        die "busybox-static: amd64 $bb_host and $ARCH $(pv_of busybox-static) are not the same source version (try --update)"
}
bb_resolve
log "building the $ARCH guest image $key (kernel $KERNEL_RELEASE)"
download() {
    local pkgs
    mapfile -t pkgs < <({ echo "$closure"; echo "$perf_closure"; } | sed '/^$/d' | LC_ALL=C sort -u)
    apt-get "${APT[@]}" -qq -y --download-only install "${pkgs[@]}" >&2 || return
    [ -z "$bb_host" ] ||
        apt-get "${APT[@]}" -qq -y --download-only install "busybox-static:amd64=${bb_host#*=}" >&2
}
if ! download; then
    # A stale list may name a file the archive no longer has.
    [ $update -eq 1 ] || { apt_update; closure=$(resolve); resolve_perf; bb_resolve; }
    download || die "downloading the guest packages failed"
fi
apt-get "${APT[@]}" -qq autoclean >&2 || true   # drop superseded .debs

deb_of() {  # deb_of NAME=VERSION [ARCH] -> path of the downloaded .deb
    local n=${1%%=*} v=${1#*=} a=${2:-$ARCH} f
    v=${v//:/%3a}
    for f in "$A/debs/${n}_${v}_$a.deb" "$A/debs/${n}_${v}_all.deb"; do
        [ -e "$f" ] && { echo "$f"; return; }
    done
    die "downloaded package file for $1 not found in $A/debs"
}

rm -rf "$G/tmp.$key"
W=$G/tmp.$key
R=$W/root
mkdir -p "$R/usr/bin" "$R/usr/sbin" "$R/usr/lib" "$R/usr/lib64" "$W/kernel"
ln -s usr/bin "$R/bin"; ln -s usr/sbin "$R/sbin"
ln -s usr/lib "$R/lib"; ln -s usr/lib64 "$R/lib64"

# ---- user space ---------------------------------------------------------------
in_list() {  # in_list WORD LIST...
    local w=$1 x; shift
    for x in "$@"; do [ "$x" = "$w" ] && return 0; done
    return 1
}
while read -r pv; do
    in_list "${pv%%=*}" "${KERNEL_PKGS[@]}" "${SKIP_PKGS[@]}" \
        ${FIRMWARE_PKGS[@]+"${FIRMWARE_PKGS[@]}"} && continue
    dpkg-deb -x "$(deb_of "$pv")" "$R"
done <<<"$closure"
for l in bin sbin lib lib64; do
    [ -L "$R/$l" ] || die "extracting the packages replaced the /$l symlink"
done
rm -rf "$R"/usr/share/{doc,man,info,locale,i18n,lintian,bug,bash-completion,zsh,fish,initramfs-tools,keyutils} \
       "$R/usr/lib/$TRIPLET/gconv" "$R"/usr/lib/systemd "$R"/etc/init.d "$R"/usr/include
find "$R" -name '*.a' -delete
# busybox applets for everything Debian did not ship a real program for.
BB=$R/usr/bin/busybox
[ -x "$BB" ] || die "busybox missing from the staging root"
if [ "$ARCH" = amd64 ]; then
    "$BB" --list-full
else
    dpkg-deb --fsys-tarfile "$(deb_of "$bb_host" amd64)" |
        tar -xO ./usr/bin/busybox >"$W/busybox.amd64"
    chmod +x "$W/busybox.amd64"
    "$W/busybox.amd64" --list-full
    rm -f "$W/busybox.amd64"
fi | while read -r app; do
    # (the guest's binary holds each applet's name as a string)
    [ "$ARCH" = amd64 ] || grep -aqxF -- "${app##*/}" <(tr '\0' '\n' <"$BB") ||
        die "applet ${app##*/} of the amd64 busybox not in the $ARCH one"
    [ -e "$R/$app" ] || [ -L "$R/$app" ] || ln -s /usr/bin/busybox "$R/$app"
done

# Every dynamic program must find its libraries inside the root.
PROGS=(/usr/bin/cxl /usr/bin/ndctl /usr/bin/daxctl /usr/bin/keyctl /usr/bin/kmod /usr/bin/iasl)
if [ "$ARCH" = amd64 ]; then
    # Run a Debian 13 program from the staging root on the host.
    guestrun() {  # guestrun PROGRAM-PATH-IN-ROOT ARGS...
        local p=$1; shift
        "$R/usr/lib64/ld-linux-x86-64.so.2" --library-path "$R/usr/lib/x86_64-linux-gnu" \
            --argv0 "${p##*/}" "$R$p" "$@"
    }
    for p in "${PROGS[@]}"; do
        libs=$("$R/usr/lib64/ld-linux-x86-64.so.2" --library-path "$R/usr/lib/x86_64-linux-gnu" --list "$R$p") ||
            die "$p: cannot resolve its libraries"
        ! grep -q 'not found' <<<"$libs" || die "$p: missing libraries: $(grep 'not found' <<<"$libs")"
    done
else
    # A foreign root cannot run here: the library closure is followed
    # through the ELF headers (interpreter, NEEDED entries) instead.
    command -v readelf >/dev/null || die "host tool 'readelf' missing (package binutils)"
    in_root() {  # in_root PATH: PATH inside the root, symlinks resolved there
        local p=$1 t n=0
        while [ -L "$R$p" ] && [ $n -lt 20 ]; do
            t=$(readlink "$R$p")
            case $t in /*) p=$t ;; *) p=$(dirname "$p")/$t ;; esac
            n=$((n + 1))
        done
        [ -f "$R$p" ] && echo "$R$p"
    }
    for p in "${PROGS[@]}"; do
        f=$(in_root "$p") || die "$p missing from the root"
        interp=$(readelf -l "$f" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
        [ -z "$interp" ] || in_root "$interp" >/dev/null || die "$p: its loader $interp is missing"
        todo=("$f") seen=" "
        while [ ${#todo[@]} -gt 0 ]; do
            f=${todo[0]}; todo=("${todo[@]:1}")
            for lib in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
                case $seen in *" $lib "*) continue ;; esac
                seen+="$lib "
                l=$(in_root "/usr/lib/$TRIPLET/$lib" || in_root "/usr/lib/$lib") ||
                    die "$p: missing library $lib"
                todo+=("$l")
            done
        done
    done
fi

# ---- kernel -------------------------------------------------------------------
# modules.dep: made by the image's own kmod on amd64; for a foreign
# architecture by the host's (kmod reads any architecture's modules).
run_depmod() {
    if [ "$ARCH" = amd64 ]; then
        guestrun /usr/sbin/depmod "$@"
    else
        PATH=/usr/sbin:/sbin:$PATH depmod "$@"
    fi
}
for p in "${KERNEL_PKGS[@]}"; do
    dpkg-deb -x "$(deb_of "$(pv_of "$p")")" "$W/kernel"
done
KM=$W/kernel/usr/lib/modules/$KERNEL_RELEASE
[ -f "$KM/vmlinuz" ] || die "vmlinuz not found in linux-binary-$KERNEL_RELEASE"
run_depmod -b "$W/kernel/usr" "$KERNEL_RELEASE"
# modules.dep lines: "kernel/a.ko.xz: kernel/b.ko.xz kernel/c.ko.xz"
mods=$(for d in "${MODULE_DIRS[@]}"; do
           grep -E "^$d(/[^:]*|\.ko[^:/]*):" "$KM/modules.dep" || true
       done | tr -d ':' | tr ' ' '\n' | sed '/^$/d' | LC_ALL=C sort -u)
[ -n "$mods" ] || die "no module found under ${MODULE_DIRS[*]}"
RM=$R/usr/lib/modules/$KERNEL_RELEASE
mkdir -p "$RM"
for m in $mods; do
    mkdir -p "$RM/$(dirname "$m")"
    case $m in
        *.ko.xz)  xz -dc "$KM/$m" >"$RM/${m%.xz}" ;;
        *.ko.zst) zstd -qdc "$KM/$m" >"$RM/${m%.zst}" ;;
        *.ko.gz)  gzip -dc "$KM/$m" >"$RM/${m%.gz}" ;;
        *.ko)     cp "$KM/$m" "$RM/$m" ;;
        *) die "unexpected module file $m" ;;
    esac
done
cp "$KM"/modules.builtin "$KM"/modules.builtin.modinfo "$KM"/modules.order "$RM/"
run_depmod -b "$R/usr" "$KERNEL_RELEASE"
# (The package's System.map is a placeholder, so depmod -e cannot check
# symbols.) The subset must keep every dependency the full tree has.
strip_ext() { sed -E 's/\.ko\.(xz|zst|gz)/.ko/g' | LC_ALL=C sort; }
for m in $mods; do grep -E "^${m//./\\.}:" "$KM/modules.dep"; done | strip_ext >"$W/dep.full"
strip_ext <"$RM/modules.dep" >"$W/dep.subset"
cmp -s "$W/dep.full" "$W/dep.subset" ||
    die "module dependencies differ after copying: $(diff "$W/dep.full" "$W/dep.subset" | head)"

# ---- the image's own files ----------------------------------------------------
mkdir -p "$R"/{dev,proc,sys,tmp,run,mnt,root,var/tmp,etc/cxltest,usr/lib/cxltest}
install -m 0755 "$HERE/init" "$R/init"
install -m 0644 "$HERE/lib.sh" "$R/usr/lib/cxltest/lib.sh"
echo "$KERNEL_RELEASE" >"$R/etc/cxltest/kernel-release"
echo "$closure" >"$R/etc/cxltest/manifest"
echo "root:x:0:0:root:/root:/bin/sh" >"$R/etc/passwd"
echo "root:x:0:" >"$R/etc/group"

(cd "$R" && find . -mindepth 1 | LC_ALL=C sort |
     cpio -o -H newc -R 0:0 --quiet) | zstd -q -15 -T0 >"$W/initramfs.cpio.zst"

# ---- the perf layer -------------------------------------------------------------
# /usr/bin/perf and the libraries it loads that the root above lacks, found
# by the root's loader over the unpacked perf closure; the loader's answer
# must name only files of the two trees (not the host's). A second archive
# after the first: the kernel unpacks each in turn into the same rootfs.
if [ -n "$perf_closure" ]; then
    P=$W/perf-pkgs L=$W/perf-layer
    mkdir -p "$P" "$L/usr/bin" "$L/usr/lib/$TRIPLET"
    while read -r pv; do
        in_list "${pv%%=*}" "${KERNEL_PKGS[@]}" && continue
        grep -qxF "$pv" <<<"$closure" && continue
        dpkg-deb -x "$(deb_of "$pv")" "$P"
    done <<<"$perf_closure"
    [ -x "$P/usr/bin/perf" ] || die "/usr/bin/perf not found in ${PERF_PKGS[*]}"
    cp "$P/usr/bin/perf" "$L/usr/bin/perf"
    libs=$("$R/usr/lib64/ld-linux-x86-64.so.2" --library-path "$P/usr/lib/$TRIPLET:$R/usr/lib/$TRIPLET" \
               --list "$P/usr/bin/perf") || die "perf: cannot resolve its libraries"
    ! grep -q 'not found' <<<"$libs" || die "perf: missing libraries: $(grep 'not found' <<<"$libs")"
    while read -r name _ path _; do
        case $path in
            "$P"/*) cp -L "$path" "$L/usr/lib/$TRIPLET/$name" ;;
            "$R"/*) ;;
            *) die "perf: $name resolved outside the image ($path)" ;;
        esac
    done < <(grep ' => ' <<<"$libs")
    # It runs here too (same C library): a first check of the layer.
    v=$("$R/usr/lib64/ld-linux-x86-64.so.2" --library-path "$L/usr/lib/$TRIPLET:$R/usr/lib/$TRIPLET" \
            --argv0 perf "$L/usr/bin/perf" --version) || die "perf --version failed on the host"
    log "perf layer: $v, $(du -sh "$L" | cut -f1) unpacked"
    cp "$W/initramfs.cpio.zst" "$W/initramfs-perf.cpio.zst"
    # (zero padding to a 4-byte boundary between the archives, as the
    # kernel expects)
    head -c $(( (4 - $(stat -c %s "$W/initramfs.cpio.zst") % 4) % 4 )) /dev/zero \
        >>"$W/initramfs-perf.cpio.zst"
    (cd "$L" && find . -mindepth 1 | LC_ALL=C sort |
         cpio -o -H newc -R 0:0 --quiet) | zstd -q -15 -T0 >>"$W/initramfs-perf.cpio.zst"
    rm -rf "$P" "$L"
fi
mv "$KM/vmlinuz" "$W/vmlinuz"
cp "$KM/config" "$W/config"
echo "$KERNEL_RELEASE" >"$W/kernel-release"
echo "$closure" >"$W/manifest.txt"
echo "$ARCH" >"$W/arch"
if [ "$ARCH" = arm64 ]; then
    # edk2 for QEMU's virt: QEMU_EFI.fd is the image for -bios (the
    # package's AAVMF_CODE.fd is the 64 MiB pflash variant).
    dpkg-deb -x "$(deb_of "$(pv_of qemu-efi-aarch64)")" "$W/fw"
    [ -f "$W/fw/usr/share/qemu-efi-aarch64/QEMU_EFI.fd" ] ||
        die "QEMU_EFI.fd not found in qemu-efi-aarch64"
    cp "$W/fw/usr/share/qemu-efi-aarch64/QEMU_EFI.fd" "$W/QEMU_EFI.fd"
    rm -rf "$W/fw"
fi
rm -rf "$W/kernel" "$W/dep.full" "$W/dep.subset"
touch "$W/done"
rm -rf "$OUT"
mv "$W" "$OUT"
ln -sfn "$key" "$G/$CURRENT"
# Keep the three most recent images of this architecture (an image without
# an arch file is amd64's).
for d in $(cd "$G" && ls -1dt -- ???????????????? 2>/dev/null); do
    [[ $d =~ ^[0-9a-f]{16}$ ]] || continue
    if [ "$(cat "$G/$d/arch" 2>/dev/null || echo amd64)" = "$ARCH" ]; then echo "$d"; fi
done | tail -n +4 | while read -r d; do rm -rf "${G:?}/$d"; done
log "guest image ready in $((SECONDS - t0))s: $OUT ($(du -h "$OUT/initramfs.cpio.zst" | cut -f1) initramfs,${perf_closure:+ $(du -h "$OUT/initramfs-perf.cpio.zst" | cut -f1) with perf,} $(du -h "$OUT/vmlinuz" | cut -f1) kernel)"
echo "$OUT"
