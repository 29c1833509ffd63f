#!/usr/bin/env python3
"""Turn `nm -n` output into the kernel's symbol table (assembly).

Only text symbols are kept, sorted by address, so a backtrace can name the
function containing a return address by binary search (arch/x86/backtrace.c).
Input '/dev/null' gives the empty table used for the first link pass.
"""
import sys

def main():
    src = sys.stdin if sys.argv[1] == '-' else open(sys.argv[1])
    syms = []
    for line in src:
        parts = line.split()
        if len(parts) != 3 or parts[1] not in 'tTW':
            continue
        addr, name = int(parts[0], 16), parts[2]
        if name.startswith('.L'):
            continue
        syms.append((addr, name))
    syms.sort()
    out = ['\t.section .ksyms, "a"', '\t.balign 8',
           '\t.globl ksyms_count, ksyms_addr, ksyms_name_off, ksyms_names',
           'ksyms_count:', '\t.quad %d' % len(syms), 'ksyms_addr:']
    out += ['\t.quad 0x%x' % a for a, _ in syms]
    out.append('ksyms_name_off:')
    off = 0
    for _, name in syms:
        out.append('\t.long %d' % off)
        off += len(name) + 1
    out.append('ksyms_names:')
    out += ['\t.asciz "%s"' % n for _, n in syms]
    out.append('\t.byte 0')
    print('\n'.join(out))

main()
