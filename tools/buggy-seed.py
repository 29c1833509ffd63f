#!/usr/bin/env python3
"""Seed a BUGGY= build folder with the normal build's objects that the
switch cannot change, so `make O=BUGGY_O BUGGY=RULE` compiles only the
files that see KTEST_BUGGY_<RULE>.

  buggy-seed.py NORMAL_O BUGGY_O RULE

-DKTEST_BUGGY_<RULE>=1 can only change an object whose source or one of
the headers it includes (its .d file, from -MMD) names that macro; every
other object is byte for byte the normal one.  Those are copied with
their times (never hard-linked: a later rebuild would write through the
link), and their .d files retargeted, so make sees them up to date and
still rebuilds them when a source changes.  Objects the switch reaches
are left to make.  make run uses it for the BUGGY kernels it boots.
"""
import os
import re
import shutil
import sys


def deps(dfile):
    """The prerequisites named in a make dependency file."""
    text = open(dfile).read().replace('\\\n', ' ')
    out = []
    for line in text.split('\n'):
        target, sep, rest = line.partition(':')
        if sep and not target.startswith('\t'):
            out += rest.split()
    return out


def main(argv):
    if len(argv) != 4:
        raise SystemExit(__doc__.strip())
    normal, buggy, rule = argv[1:]
    macro = re.compile(r'\bKTEST_BUGGY_%s\b' % re.escape(rule.upper().replace('-', '_')))
    seen, copied, left = {}, 0, 0
    base = os.path.join(normal, 'k')
    for d, _, files in os.walk(base):
        for f in files:
            if not f.endswith('.o') or not os.path.exists(os.path.join(d, f[:-2] + '.d')):
                continue
            obj = os.path.join(d, f)
            rel = os.path.relpath(obj, normal)
            src = deps(obj[:-2] + '.d')
            reached = False
            for p in src:
                if p not in seen:
                    try:
                        seen[p] = bool(macro.search(open(p, errors='replace').read()))
                    except OSError:
                        seen[p] = True  # cannot tell: let make decide
                reached = reached or seen[p]
            dst = os.path.join(buggy, rel)
            if reached:
                left += 1
                continue
            if os.path.exists(dst) and os.path.getmtime(dst) >= os.path.getmtime(obj):
                continue
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(obj, dst)
            dep = open(obj[:-2] + '.d').read().replace(obj, dst, 1)
            with open(dst[:-2] + '.d', 'w') as out:
                out.write(dep)
            copied += 1
    print('buggy-seed: %s: %d objects copied from %s, %d left to build'
          % (rule, copied, normal, left))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
