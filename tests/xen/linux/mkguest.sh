#!/bin/bash
# Build the Linux client domU: Debian's Linux (6.1; trixie's 6.12 for Xen
# 4.20), the dom0 kernel package of the cache, as an uncompressed vmlinux,
# and a small busybox initramfs with xen-netfront.ko from the same package,
# the xenstore tools with their libraries, udp-rtt and udp-bench
# (tests/peer/) and tests/xen/linux/init with bench.sh.
# Usage: mkguest.sh CACHE OUTDIR UDP_RTT [VMLINUX]
#        -> OUTDIR/linux.elf, OUTDIR/linux.cpio.gz
set -eu
[ $# -ge 3 ] || { sed -n '2,9p' "$0" >&2; exit 2; }
CACHE=$(realpath "$1") OUT=$(realpath -m "$2") UDP=$(realpath "$3") VMLINUX=${4:+$(realpath -m "$4")}
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$CACHE/root
mkdir -p "$OUT"

# libxc would decompress the bzImage at every domain build (about 6 s
# under TCG, measured); the ELF inside it boots as is.  VMLINUX: where that
# ELF is kept between builds (mkinitramfs.sh's copy for dom0, the same
# kernel package).
. "$HERE/../rootlibs.sh"
root_vmlinux "$SRC" "${VMLINUX:=$OUT/linux.elf}"
[ "$VMLINUX" -ef "$OUT/linux.elf" ] || cp "$VMLINUX" "$OUT/linux.elf"

STAGE=$OUT/linux.root
rm -rf "$STAGE"
mkdir -p "$STAGE"/{bin,sbin,usr/bin,usr/sbin,lib/modules,lib/x86_64-linux-gnu,lib64,proc,sys,dev,tmp,etc}
cd "$STAGE"
cp /bin/busybox bin/busybox
for a in $(bin/busybox --list-full); do
    [ -e "$a" ] || [ -L "$a" ] || ln -s /bin/busybox "$a"
done
NF=$(root_mod "$(root_moddir "$SRC")" xen-netfront lib/modules/xen-netfront.ko) ||
    { echo "mkguest: no xen-netfront module in $SRC" >&2; exit 1; }
[ -z "$(modinfo -F depends "$NF")" ] || { echo "mkguest: xen-netfront has dependencies" >&2; exit 1; }
install -m 0755 "$SRC/usr/bin/xenstore" usr/bin/xenstore
for t in read write watch exists list ls rm; do ln -s xenstore usr/bin/xenstore-$t; done
install -m 0755 "$UDP" usr/bin/udp-rtt
# make bench's rate tools (tests/peer/udp-bench.c), built beside udp-rtt.
install -m 0755 "$(dirname "$UDP")/udp-bench" usr/bin/udp-bench
libs=$(root_libs "$SRC" usr/bin/xenstore usr/bin/udp-rtt usr/bin/udp-bench) ||
    { echo "mkguest: libraries not found" >&2; exit 1; }
for l in $libs; do
    case $l in
    */ld-linux-x86-64.so.2) cp -L "$l" lib64/ ;;
    *) cp -L "$l" lib/x86_64-linux-gnu/ ;;
    esac
done
install -m 0755 "$HERE/init" init
install -m 0644 "$HERE/bench.sh" bench.sh
find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -6 -n > "$OUT/linux.cpio.gz"
cd "$OUT"
rm -rf "$STAGE"
echo "mkguest: $OUT/linux.elf $(du -k "$OUT/linux.elf" | cut -f1) KiB, linux.cpio.gz $(du -k "$OUT/linux.cpio.gz" | cut -f1) KiB" >&2
