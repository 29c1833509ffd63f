#!/bin/bash
# Seed the build folder of a BUGGY=RULE kernel with the normal build's
# objects that the rule cannot change, so that make compiles only the rest.
# An object can differ only if its source or a header it includes (its .d
# file, from gcc -MMD) switches on the rule: the BUGGY flag
# (-DKTEST_BUGGY_<RULE>=1) is the only difference between the two compiler
# command lines (the top Makefile), and BUGGY(<RULE>) is the one spelling
# that reads it (lib/compiler.h; make check-layering rule 9 fails any other).
# lib/compiler.h itself defines the macro and names a rule only in its
# doc comment, which every file includes: it is not searched (searching
# for the rule's name anywhere, in any case, rebuilt 128 of 132 objects for
# msa00, 47 for "drain", 50 for msa02).  Copies keep their time stamps and
# get a .d naming their new place, so a later change to a source still
# rebuilds them.
# Usage: buggy-seed.sh NORMAL_O BUGGY_O RULE     (from the top of the tree)
set -eu
[ $# -eq 3 ] || { sed -n '2,15p' "$0" >&2; exit 2; }
N=${1%/} B=${2%/} M="BUGGY($(echo "$3" | tr a-z- A-Z_))"
seeded=0 own=0
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
find "$N/k" -name '*.d' > "$T/deps"
# One pass for all objects (a grep per object cost ~2 s a kernel): each
# .d line is "TARGET: PREREQUISITES" or a continuation; the files that
# write the switch; the objects that include one of them.
[ -s "$T/deps" ] && xargs awk '{ sub(/\\$/, ""); sub(/^[^:]*:/, "")
    for (i = 1; i <= NF; i++) print FILENAME, $i }' < "$T/deps" > "$T/pairs"
touch "$T/pairs"
cut -d' ' -f2 "$T/pairs" | sort -u | grep -v '^lib/compiler\.h$' |
    xargs -r grep -lF -- "$M" > "$T/hits" || true
awk 'NR == FNR { hit[$1] = 1; next } ($2 in hit) { print $1 }' "$T/hits" "$T/pairs" |
    sort -u > "$T/own"
declare -A owned
while read -r d; do owned[$d]=1; done < "$T/own"
: > "$T/copy"
while read -r d; do
    o=${d%.d}.o
    [ -f "$o" ] || continue
    if [ -n "${owned[$d]:-}" ]; then
        own=$((own + 1))
        continue
    fi
    seeded=$((seeded + 1))
    rel=${o#"$N"/}
    [ "$o" -nt "$B/$rel" ] && echo "${rel%.o}" >> "$T/copy"
done < "$T/deps"
# The copies, and their .d with the new folder's paths, in one go each.
if [ -s "$T/copy" ]; then
    mkdir -p "$B"
    dest=$(cd "$B" && pwd)
    (cd "$N" && sed 's/$/.o/' "$T/copy" | xargs cp -p --parents -t "$dest")
    sed "s|^|$N/|; s/$/.d/" "$T/copy" | xargs awk -v n="$N/" -v b="$B/" '
        FNR == 1 { if (out) close(out); out = b substr(FILENAME, length(n) + 1) }
        { if (index($0, n) == 1) $0 = b substr($0, length(n) + 1); print > out }'
fi
echo "  SEED    $B: $seeded objects of $N, $own naming $M to build"
