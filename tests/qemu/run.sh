#!/bin/sh
# Tier 2: boot the kernel through its PVH entry in plain QEMU (software
# emulation) with a kernel command line.  COM1 goes to $LOG (and to stdout
# when STREAM=1); the kernel ends through isa-debug-exit, whose written
# code encodes the verdict, and QEMU exits with (code << 1) | 1
# (kernel/power.h).  This script exits with QEMU's status.
#   usage: run.sh KERNEL LOG "CMDLINE" [TIMEOUT]
set -u
kernel=$1 log=$2 cmdline=$3 limit=${4:-120}
if [ "${STREAM:-0}" = 1 ]; then
	serial="-serial stdio"
else
	serial="-serial file:$log"
fi
# shellcheck disable=SC2086
timeout --foreground "$limit" qemu-system-x86_64 \
	-accel tcg -machine q35 -cpu max -m 64 -smp 1 \
	-display none -no-reboot -net none -monitor none $serial \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-kernel "$kernel" -append "$cmdline" </dev/null
