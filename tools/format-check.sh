#!/bin/sh
# Check that the C sources follow the repository's .clang-format (Linux
# style): lists every file clang-format would change and exits 1 if any.
# Fix with: clang-format -i FILE...
# Usage: format-check.sh [-v] [FILE...]   (default: every .c/.h we format;
# -v also shows clang-format's complaints)
set -eu
cd "$(dirname "$0")/.."

CLANG_FORMAT=${CLANG_FORMAT:-clang-format}
verbose=0
if [ "${1:-}" = -v ]; then
	verbose=1
	shift
fi
if ! command -v "$CLANG_FORMAT" >/dev/null 2>&1; then
	echo "format-check: $CLANG_FORMAT not found (make setup installs it)" >&2
	exit 2
fi

if [ $# -eq 0 ]; then
	set -- $(find lib kernel drivers arch boot tests/guest tests/host \
		-type f \( -name '*.c' -o -name '*.h' \) 2>/dev/null | sort) \
		$(find . -maxdepth 1 -type f \( -name '*.c' -o -name '*.h' \) |
			sed 's|^\./||' | sort)
fi
[ $# -gt 0 ] || { echo "format-check: no files"; exit 0; }

# One clang-format process for all files: a per-file loop is ten times
# slower.  Each complaint starts with "file:line:col: error:".
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if "$CLANG_FORMAT" --style=file --dry-run -Werror "$@" 2>"$log"; then
	echo "format-check: $# file(s) ok"
	exit 0
fi
[ $verbose = 1 ] && cat "$log" >&2
bad=$(sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error:.*/\1/p' "$log" | sort -u)
if [ -z "$bad" ]; then
	cat "$log" >&2 # clang-format failed for another reason
	exit 1
fi
for f in $bad; do
	echo "format-check: $f: not formatted (clang-format -i $f)" >&2
done
echo "format-check: $(echo "$bad" | wc -l) of $# file(s) need formatting" >&2
exit 1
