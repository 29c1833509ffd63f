#!/usr/bin/env python3
"""Which rows make run boots, how, and in which order (tests/xen/report.py
table / order / lanes call these): its copy of the tables, with each BUGGY
row stopping once its xfail= tests have run (make test's copy of
tests/xen/buggy-scenarios too, tests/xen/buggy.mk); the order dom0 runs
them in; their split over two boots side by side."""
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lanes as lanes_py  # noqa: E402  (make test's planner: one for both)
import mkconfigs  # noqa: E402
import runner  # noqa: E402

# make run's own seconds per row (its BUGGY rows stop early: make test's
# tests/xen/row-seconds figures are not theirs), measured on a fresh
# clone's make run; a later run's log here overrides them.
RUN_SECONDS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'run-seconds')


def order(table_path, names, prev_log, figures=None):
    """The order dom0 runs them in: the rows that run alone (a group, or
    alone=) first, then the longest first (seconds()), so the pool does
    not end on one long straggler."""
    table = {s.name: s for s in mkconfigs.parse(table_path)}
    secs = seconds(table, names, prev_log, figures)
    alone = lambda s: bool(s.domains) or s.dom0.get('alone', '0') not in ('', '0')  # noqa: E731
    key = lambda n: (not alone(table[n]), -secs[n])  # noqa: E731
    return sorted(names, key=key)


def took(prev_log):
    """Seconds each row took in the log of an earlier run, if there is one."""
    out = {}
    if prev_log and os.path.exists(prev_log):
        for m in map(runner.END_RE.search, runner.read_log(prev_log)[0]):
            if m:
                out[m.group(1)] = float(m.group(3))
    return out


def seconds(table, names, prev_log, figures=None):
    """Each row's expected seconds: the last run's log (this machine, now),
    else tests/xen/run-seconds, else a tenth of its timeout."""
    fig = dict(lanes_py.read_seconds(RUN_SECONDS) if figures is None else figures)
    fig.update(took(prev_log))
    return {n: fig.get(n, table[n].timeout / 10.0) for n in names}


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


def lanes(table_path, names, prev_log, pinned, figures=None, single=()):
    """Two boots' rows (each in order()'s order), cut by make test's
    planner (tests/xen/lanes.py plan(): contiguous runs balanced by
    seconds) from the rows longest at both ends and shortest in the middle
    (where the cut falls: the lanes even within a short row), the pinned
    ones as one block ahead of them, so all go to the first boot, and the
    `single` ones as one block after them, so all go to the second.  A
    pinned row's peer needs dom0 and the guest running at once: on one TCG
    thread (the second boot) they take turns, and nf-mixed-storm's port
    was never backed off (SPEED, 18:46); the driver-domain groups need
    the one TCG thread (tests/xen/dd.mk)."""
    table = {s.name: s for s in mkconfigs.parse(table_path)}
    secs = seconds(table, names, prev_log, figures)
    one = [n for n in names if n in single and n not in pinned]
    pin = [n for n in names if n in pinned]
    rest = sorted((n for n in names if n not in pinned and n not in one),
                  key=lambda n: -secs[n])
    rest = rest[0::2] + rest[1::2][::-1]
    blocks = [' '.join(b) for b in (pin, one)]  # names no row has: spaces
    for b, rows in zip(blocks, (pin, one)):
        secs[b] = sum(secs[n] for n in rows)
    planned = lanes_py.plan([('run', table_path, ([blocks[0]] if pin else []) + rest +
                              ([blocks[1]] if one else []))], 2, secs)
    out = [[n for _, _, ns in lane for n in ns] for lane in planned] + [[], []]
    if one and not out[1]:  # all in the first: the second takes the block
        out = [out[0][:-1], out[0][-1:]]
    out = [sum((n.split() for n in lane), []) for lane in out[:2]]
    return [order(table_path, lane, prev_log, figures) if lane else [] for lane in out]
