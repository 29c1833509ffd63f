#!/bin/sh
# Report the kernel's loaded size (PT_LOAD memory size) and check that the
# two link passes put every function at the same address, which is what
# makes the symbol table of pass 1 valid for the final image.
#   usage: check-kernel-size.sh ELF [MAX_BYTES]
# With MAX_BYTES, a loaded size above it fails the build (the production
# image's budget, issue 11: under 256 KiB).
set -eu
elf=$1 max=${2:-}
pass1=${elf%.elf}.pass1.elf
sizes=$(readelf -lW "$elf" | awk '$1 == "LOAD" { print $5, $6 }')
loaded=0 file=0
while read -r f m; do
	file=$((file + f)) loaded=$((loaded + m))
done <<EOF2
$sizes
EOF2
echo "  SIZE    $elf: $loaded bytes loaded ($file in file, rest is bss)"
if [ -n "$max" ] && [ "$loaded" -gt "$max" ]; then
	echo "error: $elf loads $loaded bytes, over its budget of $max" \
		"(README.md, Footprint: what each item costs)" >&2
	exit 1
fi
if [ -f "$pass1" ]; then
	a=$(nm -n "$pass1" | awk '$2 ~ /^[tT]$/' | grep -v ' ksyms_' | md5sum)
	b=$(nm -n "$elf" | awk '$2 ~ /^[tT]$/' | grep -v ' ksyms_' | md5sum)
	[ "$a" = "$b" ] || { echo "error: text moved between link passes" >&2; exit 1; }
fi
