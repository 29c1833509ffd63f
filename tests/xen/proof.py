#!/usr/bin/env python3
"""What one make run proves of an advisory (tests/xen/report.py prints it).

An advisory is PROVEN when every test it names passed on the normal kernel
and failed on the kernel with its rule switched off, in the same run.  The
second half is judged test by test, not row by row: a row whose switched-
off kernel fails one test says nothing of the others, so each test's
outcome on both kernels is kept (outcomes()) and a test that passes, or
never runs, switched off makes the row PARTLY PROVEN, with its name, never
hidden behind the row's other tests.
"""
import os
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'tools'))
import advisories  # noqa: E402

# Outcomes of one test on the switched-off kernels.
FAILS, PASSES, NOT_RUN = 'fails', 'passes', 'not run'


def rows_of(a):
    """(normal rows, buggy rows) of the run's table; rows of the tables
    make run leaves out (advisories.RUN_EXCLUDED) are not among them."""
    norm = [r for t, r in map(advisories.table_row, a.scenarios) if advisories.in_run(t)]
    bug = [r for t, r in map(advisories.table_row, a.buggy) if advisories.in_run(t)]
    return norm, bug


def died_in(r):
    k = r.ktap
    if k and r.verdict in ('CRASH', 'TIMEOUT') and k.running:
        return k.running
    return None


def statuses(r, t):
    """t's results in row result r: 'pass', 'fail', 'skip' (several when
    a row runs it twice); dying inside it counts as 'fail'."""
    st = [x.status for x in (r.ktap.tests if r.ktap else []) if x.name == t]
    return st + (['fail'] if died_in(r) == t else [])


def first_of(by_row, order):
    """(word, rows) for the first (status, word) of order that some row's
    statuses hold, with those rows; ('not run', []) if none."""
    for st, word in order:
        rows = [n for n, s in by_row.items() if st in s]
        if rows:
            return word, rows
    return NOT_RUN, []


def outcomes(a, by, rows):
    """For each of a's tests: (word, rows) on the kernels of `rows` (the
    ended ones in by).  Normal kernel: passed / failed / skipped / not
    run; switched off (rows of buggy:): fails / passes / not run (a SKIP
    there, test.stop_after= included, is not run)."""
    norm, bug = rows
    out = {}
    for t in a.tests:
        on = {n: statuses(by[n], t) for n in norm if n in by}
        off = {n: statuses(by[n], t) for n in bug if n in by}
        w, won = first_of(on, (('fail', 'failed'), ('pass', 'passed'), ('skip', 'skipped')))
        wo, woff = first_of(off, (('fail', FAILS), ('pass', PASSES)))
        out[t] = (w, won, wo, woff)
    return out


def verdict(a, by, table_path):
    """What one run says of advisory a: a dict for the table and the report.
    by: scenario name -> runner.Result (only scenarios that have ended)."""
    norm, bug = rows_of(a)
    v = {'passed': [], 'notpassed': [], 'xfail': [], 'failed': [], 'why': [],
         'weaker': [], 'tests': outcomes(a, by, (norm, bug))}
    for t in a.tests:
        w = v['tests'][t][0]
        (v['passed'] if w == 'passed' else v['notpassed']).append(t)
        if w == 'failed':
            v['why'].append('%s failed on the normal kernel' % t)
        elif w != 'passed' and norm and all(n in by for n in norm):
            v['why'].append('%s %s on the normal kernel'
                            % (t, 'skipped' if w == 'skipped' else 'did not run'))
    for n in norm + bug:
        if n not in by:
            v['why'].append('%s: did not end in this run' % n)
        elif by[n].problems:
            v['why'].append('%s: %s' % (n, by[n].problems[0]))
    table = advisories.read_table(os.path.abspath(table_path))
    for n in bug:
        r = by.get(n)
        xf = advisories.xfail_of(table[n]) if n in table else []
        v['xfail'] += [x for x in xf if x not in v['xfail']]
        if r is None:
            continue
        hit = [x for x in xf if 'fail' in statuses(r, x)]
        # A row without xfail= (verdict=) shows the switch by how it ends:
        # the runner's judgement, whose problems are in 'why' above.
        if xf and not hit:
            v['why'].append('%s: none of its tests failed' % n)
        v['failed'] += [x for x in hit if x not in v['failed']]
    outside = [s for s in a.scenarios + a.buggy
               if not advisories.in_run(advisories.table_row(s)[0])]
    done = all(n in by for n in norm + bug)
    # The proof's own gap: a test of the row that the switched-off kernels
    # do not fail (it passes there, or no buggy row runs it).
    if a.kind == 'rule' and a.switch and norm and bug and done:
        for t in a.tests:
            wo, rows = v['tests'][t][2:]
            if wo != FAILS:
                v['weaker'].append(t)
                v['why'].append('%s %s switched off%s: weaker than its row' % (
                    t, wo, ' (%s)' % ' '.join(rows) if rows else ''))
    if a.kind == 'diagnostic':
        v['word'] = 'DIAGNOSTIC ' + ('ok' if done and not v['why'] else 'FAILED')
    elif not a.switch:
        v['word'] = 'NOT PROVEN'
        v['why'].append('no BUGGY= switch')
    elif not norm or not bug:
        v['word'] = 'NOT PROVEN'
        v['why'].append('its scenarios are outside make run: ' + ' '.join(outside))
    elif (done and len(v['why']) == len(v['weaker']) and not v['notpassed']
          and v['failed'] == v['xfail']):
        v['word'] = 'PARTLY PROVEN' if v['weaker'] else 'PROVEN'
    else:
        v['word'] = 'NOT PROVEN'
    v['done'] = done
    v['bad'] = any(by[n].problems for n in norm + bug if n in by)
    return v


def counts(a, v):
    """'passed/tests' on the normal kernel; 'failed/tests' switched off
    (every test of the row, not only those xfail= names: '-' without a
    switch)."""
    off = sum(1 for t in a.tests if v['tests'].get(t, ('',) * 3)[2] == FAILS)
    return ('%d/%d' % (len(v['passed']), len(a.tests)),
            '%d/%d' % (off, len(a.tests)) if v['xfail'] else '-')


def test_lines(a, v):
    """Markdown table rows: each test, its outcome on both kernels."""
    out = ['| test | normal kernel | switched off |', '|---|---|---|']
    for t in a.tests:
        w, won, wo, woff = v['tests'][t]
        off = wo + (' (%s)' % ', '.join(woff) if woff else '')
        if a.kind == 'rule' and a.switch and wo != FAILS:
            off = '**%s: weaker**' % off
        out.append('| `%s` | %s%s | %s |' % (t, w, ' (%s)' % ', '.join(won) if won else '',
                                            off if a.switch else 'no switch'))
    return out
