#!/usr/bin/env python3
"""Turn `nm -n` output into the kernel's symbol table (assembly).

Only text symbols are kept, sorted by address, so a backtrace can name the
function containing a return address by binary search (arch/x86/backtrace.c).
Input '/dev/null' gives the empty table used for the first link pass.

The table is compressed (issue 11: it was 27 KiB of a 460 KiB image, a
quad address, a long offset and the name in full per symbol):
- ksyms_addr[i] is a 32-bit offset from ksyms_base (the kernel's text is
  far smaller than 4 GiB);
- names are byte-pair encoded, as Linux's kallsyms does with its token
  table: a byte below 0x80 is itself, a byte c >= 0x80 stands for the two
  bytes ksyms_pairs[2 * (c - 0x80)] and [+1], each of which may be a pair
  again.  The most frequent adjacent pair is replaced first, up to 128
  pairs;
- ksyms_name_off[i] is a 16-bit offset of name i in ksyms_names, names
  NUL-terminated (no symbol byte or pair is 0).
Every name is decoded back here and compared, so a wrong table fails the
build rather than a backtrace.
"""
import sys
from collections import Counter

NR_PAIRS = 128


def encode(names):
    """Byte-pair encode `names` (lists of byte values); returns the pairs."""
    seqs = [list(n.encode()) for n in names]
    pairs = []
    for code in range(0x80, 0x80 + NR_PAIRS):
        count = Counter()
        for s in seqs:
            count.update(zip(s, s[1:]))
        if not count:
            break
        (a, b), n = count.most_common(1)[0]
        if n < 3:  # a pair must pay for its two table bytes
            break
        pairs.append((a, b))
        for i, s in enumerate(seqs):
            out, j = [], 0
            while j < len(s):
                if j + 1 < len(s) and s[j] == a and s[j + 1] == b:
                    out.append(code)
                    j += 2
                else:
                    out.append(s[j])
                    j += 1
            seqs[i] = out
    return seqs, pairs


def decode(seq, pairs):
    out, stack = [], list(reversed(seq))
    while stack:
        c = stack.pop()
        if c < 0x80:
            out.append(c)
        else:
            a, b = pairs[c - 0x80]
            stack += [b, a]
    return bytes(out).decode()


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
        if any(ord(c) >= 0x80 or ord(c) == 0 for c in name):
            sys.exit('ksyms: symbol %r is not 7-bit' % name)
        syms.append((addr, name))
    syms.sort()
    base = syms[0][0] if syms else 0
    seqs, pairs = encode([n for _, n in syms])
    for (_, name), s in zip(syms, seqs):
        if decode(s, pairs) != name:
            sys.exit('ksyms: %s does not decode back' % name)
    out = ['\t.section .ksyms, "a"', '\t.balign 8',
           '\t.globl ksyms_count, ksyms_base, ksyms_addr, ksyms_name_off',
           '\t.globl ksyms_pairs, ksyms_names',
           'ksyms_count:', '\t.quad %d' % len(syms),
           'ksyms_base:', '\t.quad 0x%x' % base, 'ksyms_addr:']
    for a, _ in syms:
        if a - base >= 1 << 32:
            sys.exit('ksyms: text larger than 4 GiB')
        out.append('\t.long 0x%x' % (a - base))
    out.append('ksyms_pairs:')
    out += ['\t.byte %d, %d' % p for p in pairs]
    out.append('\t.byte 0')
    out.append('\t.balign 2')
    out.append('ksyms_name_off:')
    off = 0
    for s in seqs:
        if off >= 1 << 16:
            sys.exit('ksyms: names over 64 KiB compressed')
        out.append('\t.short %d' % off)
        off += len(s) + 1
    out.append('ksyms_names:')
    out += ['\t.byte %s' % ', '.join(str(c) for c in s + [0]) for s in seqs]
    out.append('\t.byte 0')
    print('\n'.join(out))


main()
