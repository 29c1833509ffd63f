#!/bin/sh
# XSA-466, checked on the linked kernel (every build but BUGGY=xsa466):
# nothing asks Xen for a hypercall page.  A PVH guest gets one by writing
# its address to the MSR that CPUID leaf base+2 names; a PV guest by the
# ELF note XEN_ELFNOTE_HYPERCALL_PAGE.  So: no wrmsr anywhere but in
# _start (boot/head.S sets EFER.LME), no such note, no symbol named so.
# Hypercalls go through arch/x86/hypercall.c's own VMCALL/VMMCALL.
set -eu
elf=$1
bad=$(objdump -d "$elf" | awk '
	/^[0-9a-f]+ <.*>:$/ { fn = $2 }
	/\twrmsr/ && fn != "<_start>:" { print fn }' | sort -u)
if [ -n "$bad" ]; then
	echo "error: XSA-466: wrmsr outside _start in $elf: $bad" >&2
	exit 1
fi
# Note type 2 = XEN_ELFNOTE_HYPERCALL_PAGE, owner "Xen".
if readelf -nW "$elf" | grep -E '^ +Xen ' | grep -qE '\(0x0+2\)|HYPERCALL_PAGE'; then
	echo "error: XSA-466: $elf asks for a hypercall page (ELF note)" >&2
	exit 1
fi
if nm "$elf" | grep -v ' ktest_' | grep -qi 'hypercall_page'; then
	echo "error: XSA-466: $elf has a hypercall_page symbol" >&2
	exit 1
fi
