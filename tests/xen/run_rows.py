#!/usr/bin/env python3
"""Which rows make run boots, how, and in which order (tests/xen/report.py
table / order / lanes call these): its copy of the tables, with each BUGGY
row stopping once its xfail= tests have run; the order dom0 runs them in;
their split over two boots side by side."""
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkconfigs  # noqa: E402
import runner  # noqa: E402


def order(table_path, names, prev_log):
    """The order dom0 runs them in: the rows that run alone (a group, or
    alone=) first, then the longest first (as the last run measured them,
    else by timeout), so the pool does not end on one long straggler."""
    table = {s.name: s for s in mkconfigs.parse(table_path)}
    secs = took(prev_log)
    alone = lambda s: bool(s.domains) or s.dom0.get('alone', '0') not in ('', '0')  # noqa: E731
    key = lambda n: (not alone(table[n]), -secs.get(n, table[n].timeout / 10.0))  # noqa: E731
    return sorted(names, key=key)


def took(prev_log):
    """Seconds each row took in the log of an earlier run, if there is one."""
    out = {}
    if prev_log and os.path.exists(prev_log):
        for m in map(runner.END_RE.search, runner.read_log(prev_log)[0]):
            if m:
                out[m.group(1)] = float(m.group(3))
    return out


def run_table(paths):
    """The rows of the tables at paths, a BUGGY row stopping once its
    xfail= tests have all run: the rest of a switched-off kernel's suite
    is no part of the proof and only costs time (up to 10 s a row, in
    waits for a backend the rule-off kernel left in a bad state)."""
    out = []
    for path in paths:
        for raw in open(path):
            f = raw.rstrip('\n').split('|', 4)
            line = raw.strip()
            if len(f) < 4 or not line or line.startswith('#'):
                out.append(raw.rstrip('\n'))
                continue
            xf = [t for tok in f[3].split() if tok.startswith('xfail=')
                  for t in tok[len('xfail='):].split(',') if t]
            # Not a group's domain: its phases wait for the whole run.
            plain = '/' not in f[0] and re.search(r'(^|\s)guest=', f[1])
            if plain and xf and not any(c in t for t in xf for c in '*?['):
                f[2] = '%s test.stop_after=%s ' % (f[2].rstrip(), ','.join(xf))
            out.append('|'.join(f))
    return '\n'.join(out) + '\n'


def lanes(table_path, names, prev_log, pinned):
    """Two boots' rows (each in order()'s order), the longest first onto
    the lane with less so far.  A pinned row's peer needs dom0 and the
    guest running at once: on one TCG thread (the second lane) they take
    turns, and nf-mixed-storm's port was never backed off (SPEED, 18:46)."""
    est = took(prev_log)
    table = {s.name: s for s in mkconfigs.parse(table_path)}
    secs = {n: est.get(n, table[n].timeout / 10.0) for n in names}
    out, load = [[], []], [0.0, 0.0]
    for n in sorted(names, key=lambda n: (n not in pinned, -secs[n])):
        i = 0 if n in pinned or load[0] <= load[1] else 1
        out[i].append(n)
        load[i] += secs[n]
    return [order(table_path, lane, prev_log) for lane in out]
