#!/bin/bash
# Build a BIOS-bootable GRUB rescue ISO: Xen (multiboot2) + dom0 kernel +
# the dom0 initramfs, running the given scenarios at boot.  On real hardware
# or in QEMU (-cdrom) it prints the same serial log as boot.sh.
# Usage: mkiso.sh CACHE INITRD SCENARIOS OUT.iso      (SCENARIOS: a+b+c)
set -eu

[ $# -eq 4 ] || { sed -n '2,5p' "$0" >&2; exit 2; }
CACHE=$1 INITRD=$2 SCEN=$3 OUT=$4
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/args.sh"
ISODIR=$OUT.tree   # not *.d: the top Makefile includes every *.d under $(O)
rm -rf "$ISODIR"
mkdir -p "$ISODIR/boot/grub"
# GRUB decompresses xen.gz itself; no need for the ELF that QEMU -kernel wants.
XENGZ=$(ls "$CACHE"/root/boot/xen-*-amd64.gz | head -n1)
XV=$(basename "$XENGZ" -amd64.gz)
cp "$XENGZ" "$ISODIR/boot/xen.gz"
cp "$(ls "$CACHE"/root/boot/vmlinuz-* | head -n1)" "$ISODIR/boot/vmlinuz"
cp "$INITRD" "$ISODIR/boot/initrd.gz"
cat > "$ISODIR/boot/grub/grub.cfg" <<CFG
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=0
menuentry "ktest: $XV + dom0, scenarios $SCEN" {
    multiboot2 /boot/xen.gz $XEN_ARGS
    module2 /boot/vmlinuz $DOM0_ARGS ktest.scenarios=$SCEN
    module2 /boot/initrd.gz
}
CFG
grub-mkrescue -o "$OUT.tmp" "$ISODIR" 2>"$ISODIR.log" || { cat "$ISODIR.log" >&2; exit 1; }
mv "$OUT.tmp" "$OUT"
echo "mkiso: $OUT $(du -k "$OUT" | cut -f1) KiB, scenarios $SCEN" >&2
