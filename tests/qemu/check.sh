#!/bin/sh
# Boot once in plain QEMU and check the verdict both ways: QEMU's exit
# status (from isa-debug-exit) and the final console line must agree with
# the expected verdict, and each `expect` pattern must appear in the log.
#   usage: check.sh KERNEL LOG VERDICT "CMDLINE" [PATTERN...]
set -u
kernel=$1 log=$2 verdict=$3 cmdline=$4
shift 4
case $verdict in
SUCCESS) want=33 ;; FAILURE) want=35 ;; ERROR) want=37 ;; SKIP) want=39 ;;
*) echo "check.sh: unknown verdict $verdict" >&2; exit 2 ;;
esac
start=$(date +%s.%N)
"$(dirname "$0")/run.sh" "$kernel" "$log" "$cmdline"
rc=$?
secs=$(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $start }")
tr -d '\r' < "$log" > "$log.txt"
fail=0
last=$(grep -a '^Test result: ' "$log.txt" | tail -n 1)
[ "$last" = "Test result: $verdict" ] ||
	{ echo "FAIL: final line '${last:-<none: crash>}', want '$verdict'"; fail=1; }
[ "$rc" = "$want" ] ||
	{ echo "FAIL: QEMU exit status $rc, want $want ($verdict)"; fail=1; }
for pat in "$@"; do
	grep -aq -- "$pat" "$log.txt" || { echo "FAIL: no line matching '$pat'"; fail=1; }
done
summary=$(grep -a -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$log.txt" | tail -n 1)
if [ $fail = 0 ]; then
	echo "  QEMU    [$cmdline] -> $verdict: ${summary:-no tests} (${secs}s wall)"
else
	grep -a -E '^not ok|^    # |PANIC|FATAL' "$log.txt" | head -n 40
	echo "  (full log: $log.txt)"
fi
exit $fail
