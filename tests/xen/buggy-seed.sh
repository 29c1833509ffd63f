#!/bin/bash
# Seed the build folder of a BUGGY=RULE kernel with the normal build's
# objects that the rule cannot change, so that make compiles only the rest.
# An object can differ only if its source or a header it includes (its .d
# file, from gcc -MMD) names the rule (KTEST_BUGGY_MSA00, BUGGY(MSA00), any
# spelling: the rule's name in any case, '-' as '_', as a substring): the
# BUGGY flag is the only difference between the two compiler command lines
# (the top Makefile).  Naming it in a comment only costs a compile.  Copies keep their time stamps and get a .d naming their
# new place, so a later change to a source still rebuilds them.
# Usage: buggy-seed.sh NORMAL_O BUGGY_O RULE     (from the top of the tree)
set -eu
[ $# -eq 3 ] || { sed -n '2,9p' "$0" >&2; exit 2; }
N=${1%/} B=${2%/} M=$(echo "$3" | tr - _)
seeded=0 own=0
for d in $(find "$N/k" -name '*.d'); do
    o=${d%.d}.o
    [ -f "$o" ] || continue
    # Every line of a .d is "TARGET: PREREQUISITES" or a continuation.
    if sed -e 's/\\$//' -e 's/^[^:]*://' "$d" | xargs -r grep -qsi -- "$M"; then
        own=$((own + 1))
        continue
    fi
    rel=${o#"$N"/}
    [ "$o" -nt "$B/$rel" ] || { seeded=$((seeded + 1)); continue; }
    mkdir -p "$B/$(dirname "$rel")"
    cp -p "$o" "$B/$rel"
    sed "s|^$N/|$B/|" "$d" > "$B/${rel%.o}.d"
    seeded=$((seeded + 1))
done
echo "  SEED    $B: $seeded objects of $N, $own naming $M to build"
