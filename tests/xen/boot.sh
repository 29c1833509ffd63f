#!/bin/bash
# Boot Debian's Xen (4.17 or 4.20, whichever CACHE holds) + its dom0 in QEMU
# (TCG) and save the serial log.
# Usage: boot.sh [options]
#   -c CACHE      unpacked packages (fetch.sh)     default $XEN_CACHE or ~/.cache/pvh-ktest-xen
#   -i INITRD     dom0 initramfs (mkinitramfs.sh)  required unless -I
#   -I ISO        boot this ISO with -cdrom instead (its grub.cfg has the command lines)
#   -s A+B        scenarios for dom0 (ktest.scenarios=)
#   -o LOG        serial log (and LOG.times)       required
#   -t SECONDS    time limit for QEMU              default 300
#   -l            also stream the serial console to stdout
#   -L            the same without Xen's "(dN)" copies of guest lines
#   -x ARGS       extra dom0 command line words (e.g. ktest.run_cmdline=...)
#   -S            interactive: keep stdin (QEMU's serial input) and ask dom0 for
#                 a shell after the scenarios (ktest.shell)
# Exit status: QEMU's, 124 when the time limit hit.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${XEN_CACHE:-$HOME/.cache/pvh-ktest-xen}
INITRD= ISO= SCEN= LOG= LIMIT=300 LIVE= EXTRA= SHELL_IN=/dev/null
while getopts c:i:I:s:o:t:lLx:S opt; do
    case $opt in
    c) CACHE=$OPTARG ;; i) INITRD=$OPTARG ;; I) ISO=$OPTARG ;; s) SCEN=$OPTARG ;;
    o) LOG=$OPTARG ;; t) LIMIT=$OPTARG ;; l) LIVE=--echo ;; L) LIVE=--echo-nodup ;; x) EXTRA=$OPTARG ;;
    S) SHELL_IN=/dev/stdin EXTRA="$EXTRA ktest.shell" LIVE=--echo ;;
    *) sed -n '2,16p' "$0" >&2; exit 2 ;;
    esac
done
[ -n "$LOG" ] && { [ -n "$INITRD" ] || [ -n "$ISO" ]; } || { sed -n '2,16p' "$0" >&2; exit 2; }

# Numbers from XEN-TEST-HOST.md: plain -cpu max kills dom0 (SMAP emulation),
# EPYC has no MWAIT, Intel models have no VMX under TCG.
# XEN_TCG_THREAD=single: one host thread for both emulated CPUs;
# XEN_QEMU_MEM (MiB, default 2048) and XEN_DOM0_MEM (args.sh): more memory
# for the emulated host and dom0 (see tests/xen/README.md, "Several guests
# at once").  XEN_SMP (default 2): the emulated host's CPUs (Xen's pCPUs).
# For measuring (tests/xen/README.md, "Where the emulated CPU goes"):
# XEN_TCG_OPTS more -accel tcg options (tb-size=MiB), XEN_QEMU_MONITOR a
# unix socket for QEMU's monitor (`info jit`: translations, TLB flushes).
QEMU=(qemu-system-x86_64 -accel tcg,thread=${XEN_TCG_THREAD:-multi}${XEN_TCG_OPTS:+,$XEN_TCG_OPTS}
      -machine q35 -smp ${XEN_SMP:-2} -m ${XEN_QEMU_MEM:-2048}
      -cpu max,-smap -nographic -serial stdio -no-reboot -net none)
if [ -n "${XEN_QEMU_MONITOR:-}" ]; then
    QEMU+=(-monitor "unix:$XEN_QEMU_MONITOR,server=on,wait=off")
else
    QEMU+=(-monitor none)
fi

if [ -n "$ISO" ]; then
    QEMU+=(-cdrom "$ISO" -boot d)
else
    # The one Xen of the cache (fetch.sh): xen-4.17-amd64.gz or xen-4.20-amd64.gz.
    XENGZ=$(ls "$CACHE"/root/boot/xen-*-amd64.gz | head -n1)
    VMLINUZ=$(ls "$CACHE"/root/boot/vmlinuz-* | head -n1)
    # The ELF inside that bzImage, which mkinitramfs.sh leaves beside the
    # initramfs: Xen's PV dom0 builder decompressed the bzImage at every
    # boot, 6.2 s of TCG (tests/xen/rootlibs.sh, root_vmlinux).
    [ -r "$(dirname "$INITRD")/dom0-vmlinux" ] && VMLINUZ=$(dirname "$INITRD")/dom0-vmlinux
    # QEMU's multiboot loader takes the ELF, not the gzip.
    XEN=$(dirname "$LOG")/$(basename "$XENGZ" .gz)
    # Through a temporary file: two boots of one version side by side
    # (tests/xen/lanes.py) must not load each other's half-written copy.
    [ "$XEN" -nt "$XENGZ" ] || { gunzip -c "$XENGZ" > "$XEN.$$" && mv -f "$XEN.$$" "$XEN"; }
    . "$HERE/args.sh"
    DOM0ARGS="$DOM0_ARGS ktest.scenarios=$SCEN $EXTRA"
    # QEMU splits -initrd at commas into multiboot modules.
    case "$DOM0ARGS" in *,*) echo "boot: no comma allowed in dom0 args: $DOM0ARGS" >&2; exit 2 ;; esac
    QEMU+=(-kernel "$XEN" -append "$XEN_ARGS" -initrd "$VMLINUZ $DOM0ARGS,$INITRD")
fi

echo "boot: timeout $LIMIT ${QEMU[*]}" >&2
set +e
timeout --foreground -k 5 "$LIMIT" "${QEMU[@]}" <$SHELL_IN |
    python3 "$HERE/stamp.py" "$LOG" $LIVE
rc=${PIPESTATUS[0]}
set -e
[ $rc -eq 124 ] && echo "boot: QEMU killed after ${LIMIT}s" >&2
echo "boot: QEMU exit $rc, serial log $LOG" >&2
exit $rc
