#!/usr/bin/env python3
"""Unit tests of runner.py on made-up serial logs (no QEMU): python3 runner_test.py"""
import io
import os
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET
from contextlib import redirect_stdout

# No __pycache__ in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runner  # noqa: E402

TABLE = """\
# test table
a | memory=8 | test=all | |
b | memory=8 | test=all | seq=big |
c | memory=8 | test=all | xfail=s.two |
r | memory=8 retry=1 | test=all | |
g | phases=one,two timeout=100 | - | forbid=^ktest-dd:\sbad |
g/g-b | memory=8 wait=ack | x | |
g/g-c | memory=8 | y | xfail=s.two |
g/g-h | memory=8 start=two stop=two | z | require=^ok\s1\ss.one$ |
e | memory=8 | test=all | source=0xE9 |
h | memory=8 | test=all | ran=s.one,s.two |
p | memory=8 | test=all | passed=s.one |
x | memory=8 hostile=dup-id | test=all | ran=s.two xfail=s.two |
v | memory=8 | test=all | verdict=ERROR |
"""


def group(name, doms, extra=(), end=True):
    """A group's part of the log: doms is [(dom, body lines, reason)]; the
    consoles are interleaved line by line, each "[dom] "-prefixed."""
    out = ['=== KTEST-SCENARIO %s BEGIN ===' % name]
    for i, (d, _, _) in enumerate(doms):
        out.append('ktest: scenario %s/%s domid %d' % (name, d, i + 1))
    bodies = [['[%s] %s' % (d, x) for x in body] for d, body, _ in doms]
    for i in range(max(len(b) for b in bodies)):
        out += [b[i] for b in bodies if i < len(b)]
    out += list(extra)
    for d, _, reason in doms:
        out.append('=== KTEST-DOMAIN %s/%s END reason=%s seconds=2.00 ===' % (name, d, reason))
    if end:
        out.append('=== KTEST-SCENARIO %s END reason=done seconds=9.00 ===' % name)
    return out


def ktap(results=('ok 1 s.one', 'ok 2 s.two'), summary=None, final='SUCCESS'):
    p = sum(1 for r in results if r.startswith('ok') and '# SKIP' not in r)
    f = sum(1 for r in results if r.startswith('not ok'))
    k = sum(1 for r in results if '# SKIP' in r)
    out = ['KTAP version 1', '1..%d' % len(results)] + list(results)
    out.append(summary or '%d passed, %d failed, %d skipped' % (p, f, k))
    if final:
        out.append('Test result: ' + final)
    return out


def scenario(name, body, reason='poweroff', domid=1, end=True):
    out = ['=== KTEST-SCENARIO %s BEGIN ===' % name,
           'ktest: scenario %s domid %d' % (name, domid)] + body
    if end:
        out.append('=== KTEST-SCENARIO %s END reason=%s seconds=1.50 ===' % (name, reason))
    return out


def seq_lines(tag, n, skip=None, corrupt=None):
    out = []
    for i in range(n):
        if i == skip:
            continue
        p = runner.seq_payload(i)
        if i == corrupt:
            p = p[:10] + p[11:]
        out.append('# %s line %d %s' % (tag, i, p))
    return out + ['# %s end lines=%d' % (tag, n)]


class RunnerTest(unittest.TestCase):
    def run_log(self, lines, names, *extra):
        d = tempfile.mkdtemp()
        log, table, junit = (os.path.join(d, x) for x in ('serial.log', 'table', 'j.xml'))
        with open(log, 'w') as f:
            f.write('\r\n'.join(['(XEN) Xen version 4.17', '=== KTEST-DOM0 READY scenarios=%s ==='
                                 % '+'.join(names)] + lines + ['=== KTEST-DONE ===']))
        with open(table, 'w') as f:
            f.write(TABLE)
        buf = io.StringIO()
        with redirect_stdout(buf):
            rc = runner.main([log, '--table', table, '--junit', junit] + list(extra))
        self.out = buf.getvalue()
        self.junit = ET.parse(junit).getroot()
        return rc

    def test_success(self):
        self.assertEqual(self.run_log(scenario('a', ktap()), ['a']), 0, self.out)

    def test_failure_and_crash_reason(self):
        body = ktap(('ok 1 s.one', '# s.two: expected 1', 'not ok 2 s.two'), final='FAILURE')
        self.assertEqual(self.run_log(scenario('a', body, 'crash'), ['a']), 1)
        self.assertIn('verdict FAILURE', self.out)
        self.assertIn('expected 1', self.out)
        f = self.junit.find(".//testcase[@name='s.two']/failure")
        self.assertIn('expected 1', f.text)

    def test_xfail_from_table_and_cli(self):
        body = ktap(('ok 1 s.one', 'not ok 2 s.two'), final='FAILURE')
        self.assertEqual(self.run_log(scenario('c', body, 'crash'), ['c']), 0, self.out)
        self.assertEqual(self.run_log(scenario('a', body, 'crash'), ['a'],
                                      '--expect-failure', 'a:s.t*'), 0, self.out)
        self.assertEqual(self.run_log(scenario('a', body, 'crash'), ['a'],
                                      '--expect-failure', 's.one'), 1)
        self.assertIn('expected failure s.one: it passed', self.out)

    def test_xfail_died_in_the_test(self):
        # A BUGGY kernel that hangs or crashes inside the expected failure.
        body = ['KTAP version 1', '1..2', '# RUN s.one', 'ok 1 s.one', '# RUN s.two']
        self.assertEqual(self.run_log(scenario('c', body, 'timeout'), ['c']), 0, self.out)
        self.assertIn('died in s.two (timeout)', self.out)
        # Dying in a test that was meant to pass is no excuse.
        body = ['KTAP version 1', '1..2', '# RUN s.one']
        self.assertEqual(self.run_log(scenario('c', body, 'crash'), ['c']), 1)
        self.assertIn('verdict CRASH, want FAILURE', self.out)
        # Nor is dying outside any test in a normal scenario.
        body = ['KTAP version 1', '1..2', '# RUN s.two']
        self.assertEqual(self.run_log(scenario('a', body, 'crash'), ['a']), 1)

    def test_verdict_error_wanted(self):
        body = ['KTAP version 1', '1..0', '0 passed, 0 failed, 0 skipped', 'Test result: ERROR']
        self.assertEqual(self.run_log(scenario('v', body, 'crash'), ['v']), 0, self.out)
        self.assertEqual(self.run_log(scenario('v', ktap(), 'poweroff'), ['v']), 1)
        self.assertIn('verdict SUCCESS, want ERROR', self.out)

    def test_reason_mismatch(self):
        self.assertEqual(self.run_log(scenario('a', ktap(), 'crash'), ['a']), 1)
        self.assertIn('shutdown reason crash', self.out)

    def test_crash_timeout_missing_incomplete(self):
        lines = (scenario('a', ktap(final=None), 'crash') +
                 scenario('b', ktap(final=None), 'timeout') +
                 scenario('c', ['KTAP version 1'], end=False))
        self.assertEqual(self.run_log(lines, ['a', 'b', 'c', 'd']), 1)
        for want in ('verdict CRASH', 'verdict TIMEOUT', 'no END marker', 'd: FAIL: missing'):
            self.assertIn(want, self.out)

    def test_summary_and_plan_checks(self):
        body = ktap(summary='5 passed, 0 failed, 0 skipped')
        self.run_log(scenario('a', body), ['a'])
        self.assertIn('summary says', self.out)
        body = ['KTAP version 1', '1..3', 'ok 1 s.one', 'ok 3 s.three',
                '2 passed, 0 failed, 0 skipped', 'Test result: SUCCESS']
        self.assertEqual(self.run_log(scenario('a', body), ['a']), 1)
        self.assertIn('plan says 3', self.out)
        self.assertIn('not 1..2 in order', self.out)

    def test_skip_directive(self):
        body = ktap(('ok 1 s.one', 'ok 2 s.two # SKIP no xen'), final='SKIP')
        self.assertEqual(self.run_log(scenario('a', body), ['a']), 0, self.out)
        self.assertIsNotNone(self.junit.find(".//testcase[@name='s.two']/skipped"))

    def test_fallback_to_e9(self):
        body = ['(d1) ' + x for x in ktap()] + ['(d2) KTAP version 1']
        self.assertEqual(self.run_log(scenario('a', body), ['a']), 0, self.out)
        self.assertIn('used the 0xE9', self.out)

    def test_source_e9(self):
        # The PV console broken on purpose: its half run is not judged.
        body = ktap(final=None) + ['(d1) ' + x for x in ktap()]
        self.assertEqual(self.run_log(scenario('e', body), ['e']), 0, self.out)
        self.assertIn('source=0xE9', self.out)
        self.assertEqual(self.run_log(scenario('a', body), ['a']), 1)
        body = ktap() + ['(d1) ' + x for x in ktap(final=None)]
        self.assertEqual(self.run_log(scenario('e', body), ['e']), 1)

    def test_xen_line_inside_console_line_and_ansi(self):
        body = ktap()
        body[2] = 'ok 1 s.(d1) ok 1 s.one'
        body.insert(3, 'one')
        body[0] = '\x1b[0m' + body[0]
        self.assertEqual(self.run_log(scenario('a', body), ['a']), 0, self.out)

    def test_seq(self):
        good = ktap() + seq_lines('big', 50)
        self.assertEqual(self.run_log(scenario('b', good), ['b']), 0, self.out)
        for bad, want in ((seq_lines('big', 50, skip=7), 'line 8 where 7 was due'),
                          (seq_lines('big', 50, corrupt=9), 'line 9: payload'),
                          (seq_lines('big', 50)[:-1], 'no "# big end')):
            self.assertEqual(self.run_log(scenario('b', ktap() + bad), ['b']), 1)
            self.assertIn(want, self.out)

    def good_group(self):
        return [('g-b', ktap(), 'poweroff'),
                ('g-c', ktap(('ok 1 s.one', 'not ok 2 s.two'), final='FAILURE'), 'crash'),
                ('g-h', ['KTAP version 1', '1..2', 'ok 1 s.one'], 'destroyed')]

    def test_group_rows(self):
        rc = self.run_log(group('g', self.good_group(), ['ktest-dd: phase two']), ['g'])
        self.assertEqual(rc, 0, self.out)
        for row in ('g/g-b', 'g/g-c', 'g/g-h'):
            self.assertRegex(self.out, r'(?m)^%s\s' % row)
        self.assertRegex(self.out, r'(?m)^g\s+4\s+1\s+0\s+SUCCESS')
        self.assertIn('DESTROYED', self.out)
        names = [x.get('name') for x in self.junit.findall('testsuite')]
        self.assertEqual(names, ['xen-4.17.g/g-b', 'xen-4.17.g/g-c', 'xen-4.17.g/g-h', 'xen-4.17.g'])

    def test_group_lines_stay_with_their_domain(self):
        doms = self.good_group()
        # g-b's lines without prefix are dom0's, not g-b's: no KTAP for it.
        lines = group('g', doms)
        lines = [x[len('[g-b] '):] if x.startswith('[g-b] ') else x for x in lines]
        self.assertEqual(self.run_log(lines, ['g']), 1)
        self.assertIn('g/g-b: FAIL: verdict NO-KTAP', self.out)
        self.assertIn('g: FAIL: domain g-b', self.out)

    def test_group_domain_failures(self):
        doms = self.good_group()
        doms[0] = ('g-b', ktap(('ok 1 s.one', 'not ok 2 s.two'), final='FAILURE'), 'crash')
        doms[2] = ('g-h', ['KTAP version 1', '1..2', 'not ok 1 s.one'], 'destroyed')
        self.assertEqual(self.run_log(group('g', doms), ['g']), 1)
        self.assertIn('g/g-b: FAIL: verdict FAILURE', self.out)
        self.assertIn('failed before it was destroyed: s.one', self.out)
        # A domain that is not stop= may not just be destroyed.
        doms = self.good_group()
        doms[0] = ('g-b', ['KTAP version 1', '1..2', 'ok 1 s.one'], 'destroyed')
        self.assertEqual(self.run_log(group('g', doms), ['g']), 1)
        self.assertIn('g/g-b: FAIL: verdict DESTROYED', self.out)

    def test_group_phase_timeout_checks_and_incomplete(self):
        extra = ['ktest-dd: phase one timeout waiting for g-c']
        self.assertEqual(self.run_log(group('g', self.good_group(), extra), ['g']), 0,
                         'a group with an xfail domain notes timeouts')
        self.assertIn('note: orchestrator: phase one timeout', self.out)
        self.assertEqual(self.run_log(group('g', self.good_group(), ['ktest-dd: bad']), ['g']), 1)
        self.assertIn('forbid=', self.out)
        self.assertEqual(self.run_log(group('g', self.good_group(), end=False), ['g']), 1)
        self.assertIn('g: FAIL: no END marker', self.out)

    def test_group_retry_counts_the_last_run(self):
        doms = self.good_group()
        lines = group('g', doms)
        at = lines.index('ktest: scenario g/g-b domid 1') + 1
        lines[at:at] = ['[g-b] traps: sh[1] trap invalid opcode',
                        '[g-b] KTAP version 1', '[g-b] not ok 1 s.one',
                        'ktest: scenario g/g-b retry 1: no KTAP before shutdown (reason=crash)',
                        'ktest: scenario g/g-b domid 4']
        self.assertEqual(self.run_log(lines, ['g']), 0, self.out)
        self.assertIn('g/g-b: note: retry 1', self.out)

    def test_scenario_retry(self):
        lines = (scenario('r', ['traps: trap invalid opcode'], 'crash') +
                 ['ktest: scenario r retry 1: no KTAP before shutdown (reason=crash)'] +
                 scenario('r', ktap()))
        self.assertEqual(self.run_log(lines, ['r']), 0, self.out)
        self.assertIn('r: note: retry 1', self.out)

    def test_side_by_side_scenarios(self):
        # ktest.jobs=N: a and c overlap, each console line "[NAME] "-prefixed.
        a = ['[a] ' + x for x in ktap()]
        c = ['[c] ' + x for x in ktap(('ok 1 s.one', 'not ok 2 s.two'), final='FAILURE')]
        lines = ['=== KTEST-SCENARIO a BEGIN ===', 'ktest: scenario a domid 1',
                 '=== KTEST-SCENARIO c BEGIN ===', 'ktest: scenario c domid 2']
        for x, y in zip(a, c):
            lines += [x, y]
        lines += ['=== KTEST-SCENARIO a END reason=poweroff seconds=1.50 ===',
                  '=== KTEST-SCENARIO c END reason=crash seconds=1.50 ===']
        self.assertEqual(self.run_log(lines, ['a', 'c']), 0, self.out)
        # c's failure is c's alone: a with c's verdict would fail.
        lines[-1] = '=== KTEST-SCENARIO c END reason=poweroff seconds=1.50 ==='
        self.assertEqual(self.run_log(lines, ['a', 'c']), 1)
        self.assertIn('c: FAIL: shutdown reason poweroff', self.out)
        self.assertNotIn('a: FAIL', self.out)

    def test_xen_version_per_row(self):
        self.run_log(scenario('a', ktap()), ['a'])
        self.assertRegex(self.out, r'(?m)^a\s.*\sok\s+4\.17$')
        self.assertIsNotNone(self.junit.find(".//testsuite[@name='xen-4.17.a']"))

    def test_ran_and_passed(self):
        # ran=: a result line, ok or not ok; a SKIP or no line is not one.
        self.assertEqual(self.run_log(scenario('h', ktap()), ['h']), 0, self.out)
        body = ktap(('ok 1 s.one', 'ok 2 s.two # SKIP no peer'))
        self.assertEqual(self.run_log(scenario('h', body), ['h']), 1)
        self.assertIn('ran=s.two: it skipped', self.out)
        body = ktap(('ok 1 s.one', 'ok 2 s.three'))
        self.assertEqual(self.run_log(scenario('h', body), ['h']), 1)
        self.assertIn('ran=s.two: no result line', self.out)
        # A result line after the final line, or a prefix of the name, is no result.
        body = ktap(('ok 1 s.one',)) + ['not ok 2 s.two']
        self.assertEqual(self.run_log(scenario('h', body), ['h']), 1)
        body = ktap(('ok 1 s.one', 'not ok 2 s.two_more'), final='FAILURE')
        self.assertEqual(self.run_log(scenario('x', body, 'crash'), ['x']), 1)
        self.assertIn('ran=s.two: no result line', self.out)
        # ran= holds on a BUGGY row, where the test fails.
        body = ktap(('ok 1 s.one', 'not ok 2 s.two'), final='FAILURE')
        self.assertEqual(self.run_log(scenario('x', body, 'crash'), ['x']), 0, self.out)
        # passed=: an ok line, not SKIP.
        self.assertEqual(self.run_log(scenario('p', ktap()), ['p']), 0, self.out)
        body = ktap(('ok 1 s.one # SKIP no peer', 'ok 2 s.two'))
        self.assertEqual(self.run_log(scenario('p', body), ['p']), 1)
        self.assertIn('passed=s.one: it skipped', self.out)

    def test_payload_format(self):
        self.assertEqual(runner.seq_payload(0), '00000-abcdefghijklmnopqrstuvwxyzabcdef')
        self.assertEqual(runner.seq_payload(27)[:8], '00027-bc')



class TableTest(unittest.TestCase):
    """The generator's hostile= key and its refusals."""

    def parse(self, text):
        d = tempfile.mkdtemp()
        path = os.path.join(d, 'table')
        with open(path, 'w') as f:
            f.write(text)
        return runner.mkconfigs.parse(path)

    def test_hostile_writes_the_mode_twice(self):
        s = self.parse('a | memory=8 hostile=dup-id | test=msa00 | |\n'
                       'b | hostile=storm | test=netfront | | exec hostile-netback --storm 9\n'
                       'c | hostile=leap | test=msa03 | | exec hostile-console --timeout 80\n')
        self.assertEqual([(x.cmdline, x.peer) for x in s],
                         [('test=msa00 netfront.expect=dup-id', 'exec hostile-netback good'),
                          ('test=netfront netfront.expect=storm',
                           'exec hostile-netback --storm 9 good'),
                          ('test=msa03 msa03.peer=leap', 'exec hostile-console --timeout 80 leap')])
        self.assertNotIn('hostile', s[0].xl)

    def test_hostile_mode_list(self):
        # The guest gets the whole list; the peer starts as good whatever
        # the list (each test asks for its mode).
        s = self.parse('a | hostile=dup-id,storm | test=netfront | |\n')
        self.assertEqual((s[0].cmdline, s[0].peer),
                         ('test=netfront netfront.expect=dup-id,storm',
                          'exec hostile-netback good'))

    def test_hostile_refusals(self):
        for line, want in (('a | hostile=x | netfront.expect=y | |', 'writes netfront.expect'),
                           ('a | hostile=x | - | | traffic', 'the peer field'),
                           ('a | hostile=x | - | | exec grant-holder', 'the peer field'),
                           ('a | hostile=X_1 | - | |', 'modes are'),
                           ('a | hostile=good, | - | |', 'modes are'),
                           ('a | hostile=leap,creep | - | | exec hostile-console',
                            'only hostile-netback switches'),
                           ('a | memory=8 | - | ran=a\\.b |', 'test names')):
            with self.assertRaises(SystemExit) as cm:
                self.parse(line + '\n')
            self.assertIn(want, str(cm.exception))


if __name__ == '__main__':
    unittest.main()
