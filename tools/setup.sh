#!/bin/sh
# Installs the Debian packages the build and the three test tiers need,
# only those missing, so `make test` and `make run` work on a fresh
# Debian 12 machine.  Xen itself is not installed system-wide: the Xen test
# host fetches its own copy into a cache (tests/xen/fetch.sh).
set -eu
pkgs="gcc make binutils python3 qemu-system-x86 libxen-dev busybox-static
cpio kmod grub-pc-bin grub-common xorriso mtools clang libclang-rt-14-dev
clang-format gzip zstd ccache"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "setup: installing:$missing"
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
