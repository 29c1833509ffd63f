#!/usr/bin/env python3
"""Unit tests of report.py's verdicts and tools/advisories.py's header
parser, on made-up tables and logs (no QEMU).  make test-xen-runner runs
them with runner_test.py."""
import os
import sys
import tempfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import report  # noqa: E402

advisories = report.advisories

TABLE = """\
norm   | memory=32 | test=x | - |
other  | memory=32 | test=x | - |
norm-off | memory=32 guest=x | test=x | xfail=x.rule,x.other |
"""
HEADER = """---
id: XSA-1
title: t
rule: r
code: a.c:f
tests: x.rule x.other
scenarios: norm
switch: x
buggy: norm-off
---
body
"""


def scenario(name, results, verdict, reason):
    out = ['=== KTEST-SCENARIO %s BEGIN ===' % name, 'KTAP version 1',
           '1..%d' % len(results)]
    for i, (t, st) in enumerate(results, 1):
        if st == 'fail':
            out += ['# %s went wrong' % t, 'not ok %d %s' % (i, t)]
        else:
            out.append('ok %d %s%s' % (i, t, {'skip': ' # SKIP no peer', 'stop': STOP}.get(st, '')))
    n = [{'stop': 'skip'}.get(st, st) for _, st in results]
    out += ['%d passed, %d failed, %d skipped' % (n.count('pass'), n.count('fail'),
                                                  n.count('skip')),
            'Test result: %s' % verdict,
            '=== KTEST-SCENARIO %s END reason=%s seconds=1.00 ===' % (name, reason)]
    return out


def judge(log_lines, table=TABLE):
    with tempfile.TemporaryDirectory() as d:
        t = os.path.join(d, 'scenarios')
        with open(t, 'w') as f:
            f.write(table)
        report.TABLE = t
        h = os.path.join(d, 'xsa-1.md')
        with open(h, 'w') as f:
            f.write(HEADER)
        a = advisories.Advisory('advisories/xsa-1.md', advisories.parse_header(h))
        by = report.judge_all(log_lines, ['norm', 'norm-off'])
        return report.verdict(a, by)


FAILS = 0
STOP = ' # SKIP test.stop_after= (stopped: its tests have run)'


class Two:
    tests = ['x.rule', 'x.other']
    kind, switch = 'rule', ['x']


def expect(what, got, want):
    global FAILS
    ok = got == want
    FAILS += not ok
    print('%s %s%s' % ('ok' if ok else 'not ok', what, '' if ok else ': %r, want %r' % (got, want)))


def main():
    good = scenario('norm', [('x.rule', 'pass'), ('x.other', 'pass')], 'SUCCESS', 'poweroff')
    off = scenario('norm-off', [('x.rule', 'fail'), ('x.other', 'fail')], 'FAILURE', 'crash')
    v = judge(good + off)
    expect('both halves in one run: PROVEN', v['word'], 'PROVEN')
    expect('counts', report.counts(Two(), v), ('2/2', '2/2'))
    stopped = scenario('norm-off', [('x.rule', 'fail'), ('x.other', 'stop')], 'FAILURE', 'crash')
    v = judge(good + stopped)
    expect('an expected failure left unrun (stopped): NOT PROVEN', v['word'], 'NOT PROVEN')
    v = judge(scenario('norm', [('x.rule', 'pass'), ('x.other', 'skip')], 'SUCCESS',
                       'poweroff') + off)
    expect('a SKIP on the normal kernel is not a pass', v['word'], 'NOT PROVEN')
    v = judge(good + scenario('norm-off', [('x.rule', 'fail'), ('x.other', 'pass')],
                              'FAILURE', 'crash'))
    expect('the switched-off kernel passed one: NOT PROVEN', v['word'], 'NOT PROVEN')
    expect('... and that is a failure of the run', v['bad'], True)
    v = judge(good)
    expect('no buggy row in the log: NOT PROVEN', v['word'], 'NOT PROVEN')
    # The row names two tests; its buggy row expects only one to fail.
    one = TABLE.replace('xfail=x.rule,x.other', 'xfail=x.rule')
    v = judge(good + scenario('norm-off', [('x.rule', 'fail'), ('x.other', 'pass')],
                              'FAILURE', 'crash'), one)
    expect('a test that passes switched off: PARTLY PROVEN', v['word'], 'PARTLY PROVEN')
    expect('... named, with its outcome', (v['weaker'], v['tests']['x.other'][2:]),
           (['x.other'], ('passes', ['norm-off'])))
    expect('... counted out of every test', report.counts(Two(), v), ('2/2', '1/2'))
    expect('... and no failure of the run', v['bad'], False)
    v = judge(good + scenario('norm-off', [('x.rule', 'fail'), ('x.other', 'stop')],
                              'FAILURE', 'crash'), one)
    expect('a test stopped before it ran switched off: not run, PARTLY PROVEN',
           (v['word'], v['tests']['x.other'][2]), ('PARTLY PROVEN', 'not run'))
    v = judge(good + scenario('norm-off', [('x.rule', 'fail'), ('x.other', 'fail')],
                              'FAILURE', 'crash'), one)
    expect('both fail, though xfail= names one: PROVEN', v['word'], 'PROVEN')
    md = '\n'.join(report.proof.test_lines(Two(), judge(
        good + scenario('norm-off', [('x.rule', 'fail')], 'FAILURE', 'crash'), one)))
    expect('report.md marks the weaker test', '| `x.other` | passed (norm) | '
           '**not run: weaker** |' in md, True)
    crash = ['=== KTEST-SCENARIO norm-off BEGIN ===', 'KTAP version 1', '1..2',
             '# RUN x.rule', '=== KTEST-SCENARIO norm-off END reason=crash seconds=1.00 ===']
    v = judge(good + crash)
    expect('died inside the test that must fail: counted as failing', v['failed'], ['x.rule'])
    with tempfile.TemporaryDirectory() as d:
        t = os.path.join(d, 't')
        with open(t, 'w') as f:
            f.write(TABLE)
        got = report.run_rows.run_table([t]).split('\n')[2]
        expect('make run\'s table: a BUGGY row stops after its expected failures',
               got.split('|')[2].split(), ['test=x', 'test.stop_after=x.rule,x.other'])
    with tempfile.TemporaryDirectory() as d:
        h = os.path.join(d, 'x.md')
        with open(h, 'w') as f:
            f.write('---\nid: X\nrule: a\n  b\n---\n')
        expect('continuation lines join', advisories.parse_header(h)['rule'], 'a b')
        with open(h, 'w') as f:
            f.write('---\nid: X\nbogus: 1\n---\n')
        try:
            advisories.parse_header(h)
            expect('unknown key refused', 'accepted', 'refused')
        except ValueError:
            expect('unknown key refused', 'refused', 'refused')
    print('%s' % ('report_test: all passed' if not FAILS else 'report_test: %d FAILED' % FAILS))
    return 1 if FAILS else 0


if __name__ == '__main__':
    sys.exit(main())
