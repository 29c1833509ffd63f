#!/bin/bash
# Build the dom0 initramfs (gzipped newc cpio): busybox, bash, the Xen
# toolstack from the unpacked Debian packages, dom0 kernel modules, the guest
# kernel, one xl config per scenario, and the peer programs.
# Usage: mkinitramfs.sh CACHE OUT.cpio.gz GUEST_ELF SCENARIO_TABLE [PEER_DIR]
# Also writes dom0-vmlinux beside OUT: dom0's kernel, unpacked.
set -eu

[ $# -ge 4 ] || { sed -n '2,6p' "$0" >&2; exit 2; }
# Absolute paths: the staging below happens inside the staging directory.
abs() { realpath -m "$1"; }
CACHE=$(abs "$1") OUT=$(abs "$2") GUEST=$(abs "$3") TABLE=$(abs "$4") PEERDIR=${5:+$(abs "$5")}
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$CACHE/root
. "$HERE/rootlibs.sh"
# The one Xen the cache holds (fetch.sh): usr/lib/xen-4.17 or xen-4.20.
XENBIN=$(cd "$SRC" && ls -d usr/lib/xen-*/bin | head -n1)
[ -n "$XENBIN" ] || { echo "mkinitramfs: no usr/lib/xen-*/bin in $SRC" >&2; exit 1; }
STAGE=$OUT.root   # not *.d: the top Makefile includes every *.d under $(O)
# dom0's kernel as the ELF inside its bzImage, for boot.sh (rootlibs.sh
# says what that saves); the Linux client domU is the same kernel.
VMLINUX=$(dirname "$OUT")/dom0-vmlinux
root_vmlinux "$SRC" "$VMLINUX"

[ -r "$GUEST" ] || { echo "mkinitramfs: no guest kernel $GUEST" >&2; exit 1; }
rm -rf "$STAGE"
mkdir -p "$STAGE"
cd "$STAGE"
mkdir -p bin sbin usr/bin usr/sbin lib/x86_64-linux-gnu lib64 lib/modules \
    etc/ktest guest peer proc sys dev run tmp root $XENBIN \
    var/lock var/log/xen var/lib/xen var/lib/xenstored var/tmp
ln -s ../run var/run
# Made at boot on tmpfs /run: xen and xenstored (sockets, pid files).

# Executables whose shared libraries must come along; ldd runs later on all.
ELFS=""
add_elf() { # src dst
    install -D -m 0755 "$1" "$2"
    ELFS="$ELFS $2"
}

cp /bin/busybox bin/busybox
for a in $(bin/busybox --list-full); do
    [ -e "$a" ] || [ -L "$a" ] || ln -s /bin/busybox "$a"
done
add_elf /bin/bash bin/bash
# vif hotplug scripts lock with flock(1), which busybox lacks.
add_elf /usr/bin/flock usr/bin/flock

# xenctx: the registers of a guest that stopped answering (group.sh).
for b in xl xenstored xenconsoled xenconsole xen-init-dom0 libxl-save-helper xenctx; do
    add_elf "$SRC/$XENBIN/$b" "$XENBIN/$b"
done
# xl and friends look in $XENBIN for helpers; users type the short names.
for b in xl xenstored xenconsoled xen-init-dom0 xenctx; do
    ln -sf "/$XENBIN/$b" usr/sbin/$b
done
# xenstore-* are one binary that looks at argv[0].
add_elf "$SRC/usr/bin/xenstore" usr/bin/xenstore
for l in "$SRC"/usr/bin/xenstore-*; do
    cmp -s "$l" "$SRC/usr/bin/xenstore" && ln -sf xenstore "usr/bin/$(basename "$l")"
done
mkdir -p etc/xen
cp -a "$SRC/etc/xen/scripts" etc/xen/
install -m 0755 "$HERE/xl/vif-ktest" etc/xen/scripts/vif-ktest
# dom0 memory is fixed by dom0_mem=: ballooning it down for guests only costs time.
# Every vif without a script= of its own (xl network-attach's too) is
# hotplugged by vif-ktest, not Debian's bash vif-bridge: its header says why.
printf '%s\n' 'autoballoon="off"' 'vif.default.script="vif-ktest"' > etc/xen/xl.conf

# Kernel modules, dependencies first; modinfo reads .modinfo, no depmod needed.
MODDIR=$(root_moddir "$SRC")
ORDER=""
add_mod() {
    local f dep
    case " $ORDER " in *" $1 "*) return ;; esac
    f=$(root_mod "$MODDIR" "$1" "lib/modules/$1.ko") ||
        { echo "mkinitramfs: module $1 not found in $MODDIR" >&2; exit 1; }
    for dep in $(modinfo -F depends "$f" | tr , ' '); do add_mod "$dep"; done
    ORDER="$ORDER $1"
}
for m in xen-evtchn xen-privcmd xenfs xen-gntdev xen-gntalloc xen-netback llc stp bridge; do
    add_mod $m
done
echo $ORDER > etc/ktest/modules

# Debug info only costs initramfs size and TCG decompression time.  Each
# guest's symbols beside it (NAME.map, nm's System.map format): group.sh
# names a stuck guest's stack and reads its variables (stuck.sh).
objcopy --strip-debug "$GUEST" guest/kernel.elf 2>/dev/null || cp "$GUEST" guest/kernel.elf
nm -n "$GUEST" > guest/kernel.map 2>/dev/null || true
# More guests, "name=elf ..." (scenarios pick one with guest=name).
for g in ${XEN_EXTRA_GUESTS:-}; do
    objcopy --strip-debug "${g#*=}" "guest/${g%%=*}.elf"
    nm -n "${g#*=}" > "guest/${g%%=*}.map" 2>/dev/null || true
done
# The Linux client domU (guest=linux) only when the scenarios to run use it
# (XEN_WANT_GUESTS, from mkconfigs.py guests): its 64 MiB vmlinux costs every
# boot of dom0 the unpacking.
case " ${XEN_WANT_GUESTS:-} " in
*" linux "*) "$HERE/linux/mkguest.sh" "$CACHE" guest "$PEERDIR/udp-rtt" "$VMLINUX" ;;
esac
python3 "$HERE/mkconfigs.py" gen "$TABLE" etc/ktest /guest/kernel.elf
install -m 0644 "$HERE/group.sh" etc/ktest/group.sh
install -m 0644 "$HERE/stuck.sh" etc/ktest/stuck.sh
install -m 0644 "$HERE/prof.sh" etc/ktest/prof.sh

if [ -n "$PEERDIR" ] && [ -d "$PEERDIR" ]; then
    for p in "$PEERDIR"/*; do
        [ -f "$p" ] && [ -x "$p" ] || continue
        if [ "$(head -c 4 "$p" | tail -c 3)" = ELF ]; then add_elf "$p" "peer/$(basename "$p")"
        else install -m 0755 "$p" peer/; fi
    done
fi

# Shared libraries: Xen's from the unpacked tree first, the rest from the
# host, or all from the tree when it has its own C library (rootlibs.sh).
libs=$(root_libs "$SRC" $ELFS) || { echo "mkinitramfs: libraries not found" >&2; exit 1; }
# glibc loads libgcc_s with dlopen for pthread_cancel: ldd cannot see it.
libs="$libs $(root_libgcc "$SRC")"
for l in $libs; do
    case $l in
    */ld-linux-x86-64.so.2) cp -L "$l" lib64/ld-linux-x86-64.so.2 ;;
    *) cp -L "$l" "lib/x86_64-linux-gnu/$(basename "$l")" ;;
    esac
done
echo /lib/x86_64-linux-gnu > etc/ld.so.conf
ldconfig -r "$STAGE" 2>/dev/null || true

install -m 0755 "$HERE/init" init
echo root:x:0:0:root:/root:/bin/sh > etc/passwd
echo root:x:0: > etc/group

find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -6 -n > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "mkinitramfs: $OUT $(du -k "$OUT" | cut -f1) KiB, modules:$ORDER" >&2
