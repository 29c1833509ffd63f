#!/bin/sh
# Report the kernel's loaded size (PT_LOAD memory size) and check that the
# two link passes put every function at the same address, which is what
# makes the symbol table of pass 1 valid for the final image.
set -eu
elf=$1
pass1=${elf%.elf}.pass1.elf
sizes=$(readelf -lW "$elf" | awk '$1 == "LOAD" { print $5, $6 }')
loaded=0 file=0
while read -r f m; do
	file=$((file + f)) loaded=$((loaded + m))
done <<EOF2
$sizes
EOF2
echo "  SIZE    $elf: $loaded bytes loaded ($file in file, rest is bss)"
if [ -f "$pass1" ]; then
	a=$(nm -n "$pass1" | awk '$2 ~ /^[tT]$/' | grep -v ' ksyms_' | md5sum)
	b=$(nm -n "$elf" | awk '$2 ~ /^[tT]$/' | grep -v ' ksyms_' | md5sum)
	[ "$a" = "$b" ] || { echo "error: text moved between link passes" >&2; exit 1; }
fi
