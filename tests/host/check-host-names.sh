#!/bin/sh
# Check that the host test binary really tests lib/ and not glibc:
#   1. every name tests/host/host-names.h renames is defined as lib_<name>
#      in the binary;
#   2. the project objects call lib_<name> (each at least once), and never
#      the libc <name>, except for memcpy, memmove, memset and memcmp,
#      which the compiler emits on its own (struct copies) and which are
#      then glibc's, harmlessly.
# Usage: check-host-names.sh BINARY PROJECT-OBJECT...
set -eu

bin=$1
shift
names=$(sed -n 's/^#define \([a-z0-9_]*\) lib_\1$/\1/p' \
	"$(dirname "$0")/host-names.h")
[ -n "$names" ] || { echo "check-host-names: no names found" >&2; exit 1; }

defined=$(nm --defined-only "$bin" | awk '{print $3}')
undef=$(nm -u "$@" 2>/dev/null | awk 'NF == 2 {print $2}' | sort -u)
fail=0
for n in $names; do
	if ! echo "$defined" | grep -qx "lib_$n"; then
		echo "check-host-names: $bin does not define lib_$n" >&2
		fail=1
	fi
	if ! echo "$undef" | grep -qx "lib_$n"; then
		echo "check-host-names: no project object calls lib_$n" >&2
		fail=1
	fi
	case $n in memcpy | memmove | memset | memcmp) continue ;; esac
	if echo "$undef" | grep -qx "$n"; then
		echo "check-host-names: project code calls libc's $n:" \
			"was a file built without host-names.h?" >&2
		fail=1
	fi
done
exit $fail
