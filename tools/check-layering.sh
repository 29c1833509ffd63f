#!/bin/sh
# Layering rules of STYLE.md, checked on the sources (make check-layering):
#   1. lib/ depends on nothing: it includes only lib/ headers and the
#      compiler's <stdint.h> <stddef.h> <stdarg.h> <stdbool.h>.
#   2. drivers/ never include arch/ or boot/ headers: they reach the CPU
#      through kernel/ APIs (kernel/arch.h).
#   3. asm only in boot/ and arch/x86/ (and the host fakes in tests/host/,
#      and make bench's toolstack floor tests/xen/floor/, a guest of its
#      own that is not our kernel):
#      no asm statement in any other .c/.h, no .S/.s file elsewhere.
#   4. No hand-written Xen ABI outside tests/host/fake*: no definition of
#      a struct, union or enum, and no #define, whose name the Xen public
#      headers (/usr/include/xen) define; no __HYPERVISOR_* numbers.
#   5. No hypercall page (XSA-466): outside the BUGGY(XSA466) block, no
#      kernel source asks Xen for one (an MSR write: x86_wrmsr() calls,
#      the ELF note XEN_ELFNOTE_HYPERCALL_PAGE) or names one.
#   6. A subsystem's private header (<folder>/*_priv.h) is included only
#      from its own folder and from the tests its fragment (<folder>/*.mk)
#      names (and their headers, same name with .h), save the exceptions
#      named below.
#   7. One place per advisory (advisories/*.md) matches the code: each
#      named function exists and holds the advisory's why-comment, the
#      tests are declared, scenario rows and BUGGY= switches exist; the
#      README's advisory table is the one generated from them.
#   8. One interrupts-off helper: arch_irq_save()/arch_irq_restore() in
#      kernel/arch.h.  No other file reads the flag and then turns
#      interrupts off (a copy of the helper), save the fakes in tests/host/.
#   9. One spelling of a BUGGY= switch, BUGGY(RULE) (lib/compiler.h): each
#      RULE the kernel's sources name is in tests/xen/buggy.mk's BUGGY_RULES
#      (lower case, '_' as '-') and each of those is named; no other
#      KTEST_BUGGY_<RULE> test and no <SUBSYS>_BUGGY_<RULE> macro.
# Prints every violation as file:line and exits 1 if there is any.
set -eu
cd "$(dirname "$0")/.."

XEN_INC=${XEN_INC:-/usr/include/xen}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# report RULE < grep -n output (file:line:text).  Runs in a pipeline's
# subshell, so violations are counted in a file, not a variable.
report() {
	while IFS= read -r hit; do
		echo "check-layering: $hit" >&2
		echo "    -> $1" >&2
		echo x >>"$tmp/violations"
	done
}

sources() {
	find "$@" -type f \( -name '*.c' -o -name '*.h' \) 2>/dev/null | sort
}

sources lib kernel drivers arch boot tests >"$tmp/all"
include_re='^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]'

# 1. lib/ depends on nothing.
sources lib | xargs -r grep -nE "$include_re" |
	grep -vE '#[[:space:]]*include[[:space:]]*("lib/[^"]*"|<std(int|def|arg|bool)\.h>)' |
	report "lib/ depends on nothing: only lib/ headers and <stdint.h> <stddef.h> <stdarg.h> <stdbool.h>" ||
	true

# 2. drivers/ reach the CPU only through kernel/ APIs.
sources drivers | xargs -r grep -nE "$include_re"'(arch|boot)/' |
	report "drivers/ must not include arch/ or boot/ headers: use kernel/arch.h" ||
	true

# 3. asm only in boot/ and arch/x86/.
asm_re='(^|[^A-Za-z0-9_])(asm|__asm|__asm__)([[:space:]]+(volatile|__volatile__|goto|inline|__inline__))*[[:space:]]*\('
grep -vE '^(boot|arch/x86|tests/host|tests/xen/floor)/' "$tmp/all" | xargs -r grep -nE "$asm_re" |
	report "asm belongs in boot/ or arch/x86/ only: call a kernel/arch.h function" ||
	true
find lib kernel drivers arch boot tests -type f \( -name '*.S' -o -name '*.s' \) \
	2>/dev/null | grep -vE '^(boot|arch/x86)/' | sed 's/$/:1:assembly file/' |
	report "assembly files belong in boot/ or arch/x86/ only" || true

# 4. No hand-copied Xen ABI.  The names come from the real headers, so the
# check follows whatever Xen version is installed.
tag_re='(struct|union|enum)[[:space:]]+[A-Za-z_][A-Za-z0-9_]*[[:space:]]*\{'
def_re='^[[:space:]]*#[[:space:]]*define[[:space:]]+[A-Za-z_][A-Za-z0-9_]*'
if [ -d "$XEN_INC" ]; then
	grep -rhoE "$tag_re" "$XEN_INC" | sed -E 's/^[a-z]+[[:space:]]+//; s/[[:space:]]*\{$//' |
		grep -vx name | sort -u >"$tmp/xen-tags"
	# xen_mb/xen_rmb/xen_wmb are not ABI: io/ring.h asks its includer to
	# supply them (kernel/xen/ring.h does for the kernel).
	grep -rhoE "$def_re" "$XEN_INC" | sed -E 's/.*define[[:space:]]+//' |
		grep -vxE 'xen_[rw]?mb' | sort -u >"$tmp/xen-defs"
else
	echo "check-layering: $XEN_INC missing: checking a fixed list of Xen names" >&2
	printf '%s\n' grant_entry_v1 grant_entry_v2 grant_entry_header \
		shared_info vcpu_info vcpu_time_info arch_shared_info \
		arch_vcpu_info hvm_start_info hvm_memmap_table_entry \
		xenstore_domain_interface xsd_sockmsg xencons_interface \
		sched_shutdown evtchn_send evtchn_alloc_unbound \
		gnttab_setup_table gnttab_map_grant_ref \
		netif_tx_request netif_rx_response >"$tmp/xen-tags"
	: >"$tmp/xen-defs"
fi
grep -vE '^tests/host/fake' "$tmp/all" >"$tmp/abi-scope"

xargs -r grep -nE "^[[:space:]]*(typedef[[:space:]]+)?$tag_re" <"$tmp/abi-scope" |
	awk -v list="$tmp/xen-tags" '
		BEGIN { while ((getline n < list) > 0) xen[n] = 1 }
		{
			s = $0
			sub(/^[^:]*:[0-9]+:/, "", s)
			match(s, /(struct|union|enum)[ \t]+[A-Za-z_][A-Za-z0-9_]*/)
			split(substr(s, RSTART, RLENGTH), w, /[ \t]+/)
			if (w[2] in xen)
				print
		}' |
	report "Xen ABI type copied by hand: include the Xen public header instead" ||
	true

xargs -r grep -nE "$def_re" <"$tmp/abi-scope" |
	awk -v list="$tmp/xen-defs" '
		BEGIN { while ((getline n < list) > 0) xen[n] = 1 }
		{
			s = $0
			sub(/^[^:]*:[0-9]+:[ \t]*#[ \t]*define[ \t]+/, "", s)
			match(s, /^[A-Za-z_][A-Za-z0-9_]*/)
			name = substr(s, 1, RLENGTH)
			if (name in xen || name ~ /^__HYPERVISOR_/)
				print
		}' |
	report "Xen ABI constant defined by hand: include the Xen public header instead" ||
	true

# 5. No hypercall page.  Lines inside "#if BUGGY(XSA466)" up to
# its #else/#endif are the switch that brings the old way back for the
# tests; everything else is checked.
sources lib kernel drivers arch boot | xargs -r awk '
	FNR == 1 { skip = 0; depth = 0 }
	/^[ \t]*#[ \t]*if/ {
		if (skip) depth++
		else if ($0 ~ /BUGGY\(XSA466\)/) { skip = 1; depth = 0; next }
	}
	skip && /^[ \t]*#[ \t]*(else|elif|endif)/ {
		if (depth == 0) { skip = 0; next }
		if ($0 ~ /endif/) depth--
	}
	skip { next }
	/XEN_ELFNOTE_HYPERCALL_PAGE|hypercall_page|hc_page/ ||
	(/x86_wrmsr[ \t]*\(/ && !/static inline/) {
		print FILENAME ":" FNR ":" $0
	}' |
	report "XSA-466: no hypercall page: hypercalls go through arch/x86/hypercall.c's own VMCALL/VMMCALL stub" ||
	true
grep -n 'HYPERCALL_PAGE\|hypercall_page' linker.ld boot/*.S 2>/dev/null |
	report "XSA-466: no hypercall page in the image or its ELF notes" || true

# 6. Private headers stay in their subsystem.  Exceptions: "includer
# header  why", one a line.
priv_exceptions='
tests/fuzz/xs_fuzz.c kernel/xen/xenstore/xs_priv.h the fuzz harness drives the client layers (tests/fuzz/fuzz.mk)
tests/guest/net_msa01_test.c drivers/netfront/netfront_priv.h msa01 on the wire (kernel/net/net.mk) poisons netfront TX pool
'
find lib kernel drivers arch boot -name '*_priv.h' | sort | while read -r priv; do
	dir=${priv%/*}
	# The tests the subsystem's fragment builds, and their headers.
	cat "$dir"/*.mk 2>/dev/null | grep -oE 'tests/[A-Za-z0-9_/.-]+\.c' |
		sed 's/\.c$//' | sort -u >"$tmp/own"
	echo "$priv" | sed 's/[.]/\\./g' >"$tmp/priv-re"
	xargs -r grep -nE "$include_re$(cat "$tmp/priv-re")\"" <"$tmp/all" |
		while IFS= read -r hit; do
			file=${hit%%:*}
			case $file in "$dir"/*) continue ;; esac
			grep -qx "${file%.[ch]}" "$tmp/own" && continue
			echo "$priv_exceptions" | grep -q "^$file $priv " && continue
			echo "$hit"
		done |
		report "$priv is private to $dir/ and the tests $dir/*.mk builds: include its public header" ||
		true
done

# 7. The advisories' headers against the code, and the README's table.
for what in check "readme README.md"; do
	# shellcheck disable=SC2086 # two words on purpose
	python3 tools/advisories.py $what >"$tmp/adv" 2>&1 ||
		{ [ -s "$tmp/adv" ] || echo "advisories.py $what failed" >"$tmp/adv"
			grep -v ' entries match the code$' "$tmp/adv" | sed 's/^advisories: //' |
			report "advisories/*.md must match the code and the README (format: advisories/README.md)"; }
done

# 8. A copy of arch_irq_save(): arch_irqs_enabled() read, then
# arch_irq_disable() within the next four lines.
sources lib kernel drivers arch | grep -vx 'kernel/arch\.h' | xargs -r awk '
	FNR == 1 { seen = 0 }
	/arch_irqs_enabled[ \t]*\(/ { seen = FNR; at = $0 }
	seen && FNR - seen <= 4 && /arch_irq_disable[ \t]*\(/ {
		print FILENAME ":" seen ":" at
		seen = 0
	}' |
	report "interrupts off and back: use arch_irq_save()/arch_irq_restore() (kernel/arch.h), not a copy" ||
	true

# 9. BUGGY(RULE) against BUGGY_RULES, both ways.  The kernel's sources
# (what BUGGY= builds); lib/compiler.h defines the macro itself.
sources lib kernel drivers arch boot tests/guest | grep -v '^lib/compiler\.h$' >"$tmp/buggy-src"
xargs -r grep -noE '\bBUGGY\([A-Za-z0-9_]+\)' <"$tmp/buggy-src" >"$tmp/buggy-uses" || true
sed -n '/^BUGGY_RULES ?=/,/[^\\]$/p' tests/xen/buggy.mk | sed 's/^BUGGY_RULES ?=//; s/\\$//' |
	tr ' \t' '\n\n' | grep . | sort -u >"$tmp/buggy-rules"
[ -s "$tmp/buggy-rules" ] || echo "tests/xen/buggy.mk:1: no BUGGY_RULES ?= list found" |
	report "BUGGY_RULES must be readable" || true
awk -F: -v list="$tmp/buggy-rules" '
	BEGIN { while ((getline r < list) > 0) rules[r] = 1 }
	{
		r = $3; sub(/^BUGGY\(/, "", r); sub(/\)$/, "", r)
		r = tolower(r); gsub(/_/, "-", r)
		if (!(r in rules))
			print $1 ":" $2 ":" $3 " (rule " r ")"
	}' "$tmp/buggy-uses" |
	report "BUGGY(RULE): the rule is not in tests/xen/buggy.mk BUGGY_RULES" || true
sed 's/^[^:]*:[0-9]*:BUGGY(//; s/)$//' "$tmp/buggy-uses" | tr 'A-Z_' 'a-z-' | sort -u >"$tmp/buggy-used"
comm -23 "$tmp/buggy-rules" "$tmp/buggy-used" | sed 's|^|tests/xen/buggy.mk:1: |' |
	report "BUGGY_RULES names a rule no source switches with BUGGY(RULE)" || true
xargs -r grep -nE 'KTEST_BUGGY_|\b[A-Z][A-Z0-9]*_BUGGY_[A-Z0-9_]+\b' <"$tmp/buggy-src" |
	report "one spelling of a BUGGY= switch: write BUGGY(RULE) (lib/compiler.h)" || true

if [ -s "$tmp/violations" ]; then
	echo "check-layering: $(wc -l <"$tmp/violations") violation(s)" >&2
	exit 1
fi
echo "check-layering: ok"
