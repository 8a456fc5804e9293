#!/usr/bin/env bash
# Install the Debian packages this project needs on the host (Debian 12 or 13).
# Idempotent: prints nothing and does nothing when everything is present.
# On Debian 12, meson >= 1.5 comes from bookworm-backports, which is added to
# the system's apt sources if missing.
set -euo pipefail

PKGS=(python3 python3-venv libglib2.0-dev libpixman-1-dev zlib1g-dev libfdt-dev
      flex bison pkgconf ninja-build ccache dpkg-dev xz-utils git
      seabios qemu-system-data ipxe-qemu cpio kmod socat busybox-static acpica-tools
      gcc libc6-dev make curl zstd
      # the full guest kernel (tests/guest/kernel.sh)
      bc libelf-dev libssl-dev
      # the guest tools of arm64 guest scenarios (tests/guest/run.py)
      gcc-aarch64-linux-gnu libc6-dev-arm64-cross)

missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || missing+=("$p")
done

meson_ok() {
    [ -x /usr/bin/meson ] || return 1
    /usr/bin/python3 - <<'PY' 2>/dev/null
import subprocess, sys
v = subprocess.run(['/usr/bin/meson', '--version'], capture_output=True, text=True).stdout.strip()
parts = [int(x) for x in v.split('.')[:2]]
sys.exit(0 if parts >= [1, 5] else 1)
PY
}

need_meson=0
meson_ok || need_meson=1

[ ${#missing[@]} -eq 0 ] && [ $need_meson -eq 0 ] && exit 0

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

codename=$(. /etc/os-release; echo "${VERSION_CODENAME:-}")
meson_target=()
if [ $need_meson -eq 1 ]; then
    if [ "$codename" = bookworm ]; then
        if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
            echo "deps: adding bookworm-backports to apt sources (for meson >= 1.5)"
            $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
        fi
        meson_target=(-t bookworm-backports meson)
    else
        missing+=(meson)
    fi
fi

echo "deps: installing: ${missing[*]} ${meson_target[*]:+meson (backports)}"
$SUDO apt-get update -q
[ ${#missing[@]} -eq 0 ] || $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
[ ${#meson_target[@]} -eq 0 ] || $SUDO apt-get install -y -q --no-install-recommends "${meson_target[@]}"
meson_ok || { echo "deps: meson >= 1.5 still missing" >&2; exit 1; }
