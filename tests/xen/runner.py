#!/usr/bin/env python3
"""Judge a Xen test host serial log: one KTAP run per guest scenario.

  runner.py SERIAL_LOG [--table tests/xen/scenarios] [--scenarios 'a b']
            [--junit FILE] [--expect-failure [SCEN:]TEST[,TEST...]]...
            [--timings] [--quiet]

Exit status: 0 every scenario as expected, 1 some scenario failed or is
missing, 2 the log or the table cannot be read.  See tests/xen/README.md.
"""
import argparse
import fnmatch
import os
import re
import sys
import xml.etree.ElementTree as ET

# No __pycache__ in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkconfigs  # noqa: E402

ANSI_RE = re.compile(r'\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07]*\x07|[@-Z\\-_])')
BEGIN_RE = re.compile(r'=== KTEST-SCENARIO (\S+) BEGIN ===')
END_RE = re.compile(r'=== KTEST-SCENARIO (\S+) END reason=(\S+) seconds=([\d.]+) ===')
# A scenario of several domains (tests/xen/group.sh): each domain's end, and
# its console lines prefixed "[DOM] ".
DOM_END_RE = re.compile(r'=== KTEST-DOMAIN (\S+) END reason=(\S+) seconds=([\d.]+) ===')
PREFIX_RE = re.compile(r'^\[([A-Za-z0-9_-]+)\] ?(.*)$')
RETRY_RE = re.compile(r'^ktest: scenario (\S+) retry (\d+): (.*)$')
# The phase orchestrator's complaints: an ack or a key that never came.
PHASE_TIMEOUT_RE = re.compile(r'^ktest-dd: .*timeout waiting for')
READY_RE = re.compile(r'=== KTEST-DOM0 READY scenarios=(\S*) ===')
DONE_RE = re.compile(r'=== KTEST-DONE ===')
DOMID_RE = re.compile(r'^ktest: scenario (\S+) domid (\d+)$')
# Lines Xen itself puts on the serial line: its own, and guests' 0xE9 echo.
XENLINE_RE = re.compile(r'\((XEN|d\d+)\) ')
E9_RE = re.compile(r'^\(d(\d+)\) ?(.*)$')
# Which Xen the log is from (make test boots 4.17 and 4.20): named per row.
XEN_VERSION_RE = re.compile(r'\(XEN\) Xen version (\d+\.\d+)')

HEADER_RE = re.compile(r'^KTAP version (\d+)$')
PLAN_RE = re.compile(r'^1\.\.(\d+)$')
RESULT_RE = re.compile(r'^(not ok|ok) (\d+)(?: (?:- )?([^#]*?))?\s*(?:#\s*(.*))?$')
SUMMARY_RE = re.compile(r'^(\d+) passed, (\d+) failed, (\d+) skipped$')
FINAL_RE = re.compile(r'^Test result: (SUCCESS|FAILURE|ERROR|SKIP)$')

# The shutdown reason the guest must give for each verdict (DESIGN.md).
RUN_RE = re.compile(r'^# RUN (\S+)$')
REASON_FOR = {'SUCCESS': 'poweroff', 'SKIP': 'poweroff',
              'FAILURE': 'crash', 'ERROR': 'crash', 'DESTROYED': 'destroyed'}


# Control characters are not allowed in XML 1.0 (JUnit) and mean nothing here.
CTRL_RE = re.compile(r'[\x00-\x08\x0b-\x1f\x7f]')


def clean(line):
    return CTRL_RE.sub('', ANSI_RE.sub('', line))


def read_log(path):
    with open(path, 'rb') as f:
        lines = [clean(x) for x in f.read().decode('utf-8', 'replace').split('\n')]
    times = None
    try:
        with open(path + '.times') as f:
            times = [float(x) for x in f.read().split()]
    except (OSError, ValueError):
        pass
    return lines, times


class Test:
    def __init__(self, num, name, status, directive, diags):
        self.num, self.name, self.status = num, name, status
        self.directive, self.diags = directive, diags


class Ktap:
    """One KTAP run, parsed from a list of (index, text) lines."""

    def __init__(self, lines):
        self.header = self.plan = self.summary = self.final = None
        self.tests, self.problems, self.diags = [], [], []
        self.final_index = self.header_index = None
        # The test that announced itself ("# RUN suite.case") and has no
        # result yet: where a guest that died was.
        self.running = None
        pending = []
        for idx, text in lines:
            if self.header is None:
                if HEADER_RE.match(text):
                    self.header, self.header_index = text, idx
                continue
            if self.final is not None:
                continue
            m = RESULT_RE.match(text)
            if HEADER_RE.match(text):
                self.problems.append('second "KTAP version" line: did the guest restart?')
            elif PLAN_RE.match(text) and self.plan is None and not self.tests:
                self.plan = int(PLAN_RE.match(text).group(1))
            elif m:
                directive = (m.group(4) or '').strip()
                status = 'fail' if m.group(1) == 'not ok' else 'pass'
                if directive.upper().startswith('SKIP'):
                    status = 'skip'
                self.tests.append(Test(int(m.group(2)), (m.group(3) or '').strip(),
                                       status, directive, pending))
                pending = []
                self.running = None
            elif RUN_RE.match(text):
                self.running = RUN_RE.match(text).group(1)
            elif text.lstrip().startswith('#'):
                # Diagnostics may be indented like KTAP subtest lines.
                pending.append(text.strip())
                self.diags.append(text.strip())
            elif SUMMARY_RE.match(text):
                self.summary = tuple(int(x) for x in SUMMARY_RE.match(text).groups())
            elif FINAL_RE.match(text):
                self.final, self.final_index = FINAL_RE.match(text).group(1), idx
        self.trailing_diags = pending
        self._check()

    def count(self, status):
        return sum(1 for t in self.tests if t.status == status)

    def _check(self):
        if self.header is None:
            return
        p = self.problems
        if self.plan is None:
            p.append('no "1..N" plan line')
        elif self.final is not None and self.plan != len(self.tests):
            p.append('plan says %d tests, %d results seen' % (self.plan, len(self.tests)))
        nums = [t.num for t in self.tests]
        if nums != list(range(1, len(nums) + 1)):
            p.append('test numbers are not 1..%d in order' % len(nums))
        if self.final is None:
            return
        tally = (self.count('pass'), self.count('fail'), self.count('skip'))
        if self.summary is None:
            p.append('no "X passed, Y failed, Z skipped" line')
        elif self.summary != tally:
            p.append('summary says %d/%d/%d passed/failed/skipped, results say %d/%d/%d'
                     % (self.summary + tally))
        if self.final == 'SUCCESS' and tally[1]:
            p.append('verdict SUCCESS with %d failed tests' % tally[1])
        if self.final == 'FAILURE' and not tally[1]:
            p.append('verdict FAILURE but no test failed')


def seq_check(tag, lines):
    """The numbered-line check, see README.md "Numbered lines"."""
    line_re = re.compile(r'^\s*# %s line (\d+) (.*)$' % re.escape(tag))
    end_re = re.compile(r'^\s*# %s end lines=(\d+)$' % re.escape(tag))
    expect, errors, end = 0, [], None
    for _, text in lines:
        m = line_re.match(text)
        if m:
            n = int(m.group(1))
            if n != expect:
                errors.append('line %d where %d was due' % (n, expect))
                expect = n
            if m.group(2) != seq_payload(n):
                errors.append('line %d: payload %r, want %r' % (n, m.group(2), seq_payload(n)))
            expect += 1
        elif end_re.match(text):
            end = int(end_re.match(text).group(1))
    if end is None:
        errors.append('no "# %s end lines=N" line (%d numbered lines seen)' % (tag, expect))
    elif end != expect:
        errors.append('end line says %d lines, %d seen' % (end, expect))
    if errors:
        more = ' (+%d more)' % (len(errors) - 3) if len(errors) > 3 else ''
        return ['seq=%s: %s%s' % (tag, '; '.join(errors[:3]), more)]
    return []


def ran_check(k, checks):
    """ran=T1,T2: each test has a result line that is not a SKIP (the
    peer's misbehaviour reached it; on a BUGGY= kernel it may fail).
    passed=T1,T2: each test has an "ok" line that is not a SKIP."""
    out = []
    for key, val in checks:
        if key not in ('ran', 'passed'):
            continue
        for name in (t for t in val.split(',') if t):
            got = [t.status for t in k.tests if t.name == name]
            want = ('pass', 'fail') if key == 'ran' else ('pass',)
            if not any(st in want for st in got):
                said = {'pass': 'passed', 'fail': 'failed', 'skip': 'skipped'}
                out.append('%s=%s: %s' % (key, name, 'no result line' if not got else
                                          'it ' + '/'.join(sorted(said[st] for st in set(got)))))
    return out


def seq_payload(n):
    return '%05d-%s' % (n, ''.join(chr(ord('a') + (n + i) % 26) for i in range(32)))


class Result:
    def __init__(self, name):
        self.name = name
        self.begin = self.end = None
        self.reason, self.seconds, self.domid = 'none', None, None
        self.source, self.ktap, self.lines = None, None, []
        self.verdict, self.problems, self.notes = 'MISSING', [], []
        self.xfail = []
        # A domain of a group: its xl name (console prefix), where its
        # lines start (after its last retry), the group's END line.
        self.domain = self.seg_start = self.group_end = None


def split_guest_lines(seg):
    """Console lines and 0xE9 lines of one scenario's part of the log.

    A Xen line can still land in the middle of a console line: the text
    before it is then the start of the next console line."""
    console, e9, carry = [], [], ''
    for idx, text in seg:
        m = XENLINE_RE.search(text)
        if m and m.start() > 0:
            carry += text[:m.start()]
            text = text[m.start():]
        if XENLINE_RE.match(text):
            e = E9_RE.match(text)
            if e:
                e9.append((idx, int(e.group(1)), e.group(2)))
            continue
        console.append((idx, carry + text))
        carry = ''
    return console, e9


def judge(res, lines, scen, xfail):
    start = max(res.begin, res.seg_start or 0)
    stop = res.end if res.end else len(lines)
    if res.domain:
        stop = res.group_end if res.group_end else len(lines)
    seg = [(i, lines[i]) for i in range(start + 1, stop)]
    for _, text in seg:
        m = DOMID_RE.match(text)
        if m and m.group(1) == res.name:
            res.domid = int(m.group(2))
    console, e9 = split_guest_lines(seg)
    # A domain of a group, or a scenario run beside others (ktest.jobs=N):
    # only its own lines, without their "[NAME] " prefix.
    own = res.domain or res.name
    mine = [(i, PREFIX_RE.match(t)) for i, t in console]
    mine = [(i, m.group(2)) for i, m in mine if m and m.group(1) == own]
    if res.domain or mine:
        console = mine
    # Without a domid, every domain's 0xE9 lines would do only if this
    # scenario ran alone: not when others ran beside it (prefixed lines).
    e9 = [(i, t) for i, d, t in e9 if d != 0 and (d == res.domid or
                                                  (res.domid is None and not mine))]
    k = Ktap(console)
    res.source = 'console'
    # source=0xE9: a scenario whose peer breaks the PV console on purpose.
    if scen and ('source', '0xE9') in scen.checks:
        k, res.source, console = Ktap(e9), '0xE9', e9
        res.notes.append('source=0xE9: judged on the 0xE9 (dN) lines')
    elif k.header is None:
        k2 = Ktap(e9)
        if k2.header is not None:
            k, res.source = k2, '0xE9'
            res.notes.append('no KTAP on the PV console: used the 0xE9 (dN) lines')
        console = e9
    elif k.final is None:
        if Ktap(e9).final is not None:
            res.notes.append('the 0xE9 channel has a final line the PV console lacks: '
                             'console output lost before shutdown?')
    res.ktap, res.lines = k, console
    res.problems += k.problems

    if not k.final and res.domid is not None:
        # What Xen said about the guest (triple fault, domain_crash, ...).
        tag = re.compile(r'\bd%dv?\d*\b|[Dd]omain %d\b' % (res.domid, res.domid))
        said = [t for _, t in seg if t.startswith('(XEN) ') and
                (tag.search(t) or re.match(r'\(XEN\) (RIP|rsp|cr3): ', t))
                and 'save:' not in t and 'restore:' not in t]
        if said:
            res.notes.append('Xen about d%d: %s' % (res.domid, ' | '.join(said[:6])))
    if res.end is None:
        res.verdict = 'INCOMPLETE'
        res.problems.append('no END marker: dom0 or QEMU stopped during this scenario')
    elif k.final:
        res.verdict = k.final
    elif res.reason == 'destroyed':
        # stop=PHASE: dom0 destroyed it; what it printed until then counts.
        res.verdict = 'DESTROYED'
    elif res.reason == 'timeout':
        res.verdict = 'TIMEOUT'
    elif k.header is None:
        res.verdict = 'NO-KTAP'
    else:
        res.verdict = 'CRASH'

    xf = list(xfail)
    checks = scen.checks if scen else []
    xf += [p for k_, v in checks if k_ == 'xfail' for p in v.split(',') if p]
    res.xfail = xf
    want_verdicts = ('FAILURE',) if xf else ('SUCCESS', 'SKIP')
    if dict(checks).get('verdict'):
        # verdict=ERROR: a command line the kernel must refuse (xsa485-cmdline);
        # verdict=NO-KTAP: a BUGGY= kernel that must halt before its tests
        # (xsa485-cmdline-off).
        want_verdicts = (dict(checks)['verdict'],)
    if scen is not None and 'stop' in scen.dom0:
        want_verdicts += ('DESTROYED',)
    if res.verdict == 'DESTROYED':
        bad = [t.name for t in k.tests if t.status == 'fail'
               and not any(fnmatch.fnmatchcase(t.name, p) for p in xf)]
        if bad:
            res.problems.append('failed before it was destroyed: ' + ' '.join(bad))
    died_in = None
    if xf and res.verdict in ('CRASH', 'TIMEOUT') and k.running and \
            any(fnmatch.fnmatchcase(k.running, p) for p in xf):
        # A kernel with the rule switched off may crash or hang in the very
        # test that exercises the bug: that test failed, the hard way.
        died_in = k.running
        want_verdicts += (res.verdict,)
        res.notes.append('died in %s (%s): counted as its failure'
                         % (died_in, res.verdict.lower()))
    if res.verdict not in want_verdicts:
        res.problems.append('verdict %s, want %s' % (res.verdict, ' or '.join(want_verdicts)))
    if xf:
        for pat in xf:
            hit = [t for t in k.tests if fnmatch.fnmatchcase(t.name, pat)]
            if died_in and fnmatch.fnmatchcase(died_in, pat):
                continue
            if not hit:
                res.problems.append('expected failure %s: no such test ran' % pat)
            for t in hit:
                if t.status != 'fail':
                    res.problems.append('expected failure %s: it %sed' % (t.name, t.status))
        other = [t.name for t in k.tests if t.status == 'fail'
                 and not any(fnmatch.fnmatchcase(t.name, p) for p in xf)]
        if other:
            res.notes.append('also failed: ' + ' '.join(other))

    want_reason = dict(checks).get('reason') or REASON_FOR.get(res.verdict)
    if died_in:
        want_reason = None
    if res.end is not None and want_reason and res.reason != want_reason:
        res.problems.append('shutdown reason %s, verdict %s wants %s'
                            % (res.reason, res.verdict, want_reason))
    res.problems += ran_check(k, checks)
    for key, val in checks:
        if key == 'seq':
            res.problems += seq_check(val, console)
        elif key == 'require' and not any(re.search(val, t) for _, t in console):
            res.problems.append('require=%s: no guest line matches' % val)
        elif key == 'forbid':
            bad = [t for _, t in console if re.search(val, t)]
            if bad:
                res.problems.append('forbid=%s: %r' % (val, bad[0]))


class Tally:
    """The counts of a group's row: the sums of its domains' rows."""

    def __init__(self, rows):
        self.rows, self.tests = rows, []
        self.header_index = self.final_index = None

    def count(self, status):
        return sum(r.ktap.count(status) for r in self.rows if r.ktap)


def judge_group(res, lines, g, rows):
    """A scenario of several domains as a whole: every domain as expected,
    no phase timeout (unless a domain expects failures), dom0's checks."""
    stop = res.end if res.end else len(lines)
    dom0 = [(i, lines[i]) for i in range(res.begin + 1, stop)
            if not PREFIX_RE.match(lines[i]) and not XENLINE_RE.match(lines[i])]
    res.lines, res.ktap = dom0, Tally(rows)
    for r in rows:
        if r.problems:
            res.problems.append('domain %s: %s' % (r.domain, r.problems[0]))
    timeouts = [t for _, t in dom0 if PHASE_TIMEOUT_RE.match(t)]
    expect_fail = any(r.xfail for r in rows)
    for t in timeouts:
        (res.notes if expect_fail else res.problems).append('orchestrator: ' + t[10:])
    for key, val in g.checks:
        if key == 'require' and not any(re.search(val, t) for _, t in dom0):
            res.problems.append('require=%s: no dom0 line matches' % val)
        elif key == 'forbid':
            bad = [t for _, t in dom0 if re.search(val, t)]
            if bad:
                res.problems.append('forbid=%s: %r' % (val, bad[0]))
    if res.end is None:
        res.verdict = 'INCOMPLETE'
        res.problems.append('no END marker: dom0 or QEMU stopped during this scenario')
    else:
        res.verdict = 'FAILURE' if res.problems else 'SUCCESS'


def analyse(lines, table, wanted, xfail_args):
    ready = next((READY_RE.search(x) for x in lines if READY_RE.search(x)), None)
    if wanted is None:
        if ready:
            wanted = [x for x in ready.group(1).split('+') if x]
        else:
            wanted = [s.name for s in table]
    by = {s.name: s for s in mkconfigs.with_builtins(table)}
    # A group's rows: GROUP/DOM for each domain, then GROUP as a whole.
    order = []
    for n in wanted:
        g = by.get(n)
        if g is not None and g.domains:
            order += [d.name for d in g.domains]
            by.update({d.name: d for d in g.domains})
        order.append(n)
    results = {n: Result(n) for n in order}
    for n in order:
        if by.get(n) is not None and by[n].group:
            results[n].domain = by[n].domain
    for i, text in enumerate(lines):
        m = BEGIN_RE.search(text)
        if m:
            r = results.get(m.group(1))
            if r is not None:  # scenarios not asked for are not judged
                r.begin, r.end = i, None
            continue
        m = END_RE.search(text)
        if m and m.group(1) in results and results[m.group(1)].begin is not None:
            r = results[m.group(1)]
            r.end, r.reason, r.seconds = i, m.group(2), float(m.group(3))
            continue
        m = DOM_END_RE.search(text)
        if m and m.group(1) in results:
            r = results[m.group(1)]
            r.end, r.reason, r.seconds = i, m.group(2), float(m.group(3))
            continue
        m = RETRY_RE.match(text)
        if m and m.group(1) in results:
            results[m.group(1)].notes.append('retry %s: %s' % (m.group(2), m.group(3)))
            results[m.group(1)].seg_start = i
    for name in order:
        r = results[name]
        s = by.get(name)
        if s is not None and s.group:
            # The domain shares its group's BEGIN; its own END, if any, is
            # where it ended (a BEGIN after it means a new run).
            g = results[s.group]
            if r.end is not None and g.begin is not None and r.end < g.begin:
                r.end = None
            r.begin, r.group_end = g.begin, g.end
            if r.seg_start is not None and (g.begin is None or r.seg_start < g.begin):
                r.seg_start = None
            if r.end is None:
                r.seconds = None
        xf = [p for scope, p in xfail_args if scope in (None, name)]
        if r.begin is None:
            why = 'dom0 never got ready' if not ready else 'dom0 did not run it'
            r.problems.append('missing from the log: ' + why)
        elif s is not None and s.domains:
            judge_group(r, lines, s, [results[d.name] for d in s.domains])
        else:
            judge(r, lines, s, xf)
        if s is None:
            r.notes.append('not in the scenario table')
    return [results[n] for n in order], ready


def first(lines, regex, start=0, stop=None):
    rx = re.compile(regex)
    for i in range(start, len(lines) if stop is None else stop):
        if rx.search(lines[i]):
            return i
    return None


def timings(lines, times, results):
    """(stage, seconds since QEMU start) pairs, from stamp.py's LOG.times."""
    if not times:
        return []
    at = lambda i: times[i] if i is not None and i < len(times) else None  # noqa: E731
    out = [('Xen banner', at(first(lines, r'\(XEN\) Xen version'))),
           ('Xen: HAP detected', at(first(lines, r'\(XEN\) HVM: Hardware Assisted Paging'))),
           ('dom0 Linux starts', at(first(lines, r'Linux version'))),
           ('dom0 init ready', at(first(lines, READY_RE.pattern)))]
    for r in results:
        if r.begin is None:
            continue
        stop = r.end if r.end is not None else len(lines)
        if not r.domain:
            out.append(('%s: BEGIN' % r.name, at(r.begin)))
        out.append(('%s: domain built' % r.name,
                    at(first(lines, r'^ktest: scenario %s domid' % re.escape(r.name),
                             r.seg_start or r.begin, stop))))
        if r.ktap and r.ktap.header_index is not None:
            out.append(('%s: KTAP header' % r.name, at(r.ktap.header_index)))
        if r.ktap and r.ktap.final_index is not None:
            out.append(('%s: verdict line' % r.name, at(r.ktap.final_index)))
        out.append(('%s: END' % r.name, at(r.end)))
    out.append(('dom0 done', at(first(lines, DONE_RE.pattern))))
    out.append(('Xen ACPI S5 (power off)', at(first(lines, r'Entering ACPI S5'))))
    out.append(('last serial output', times[-1]))
    return [(a, b) for a, b in out if b is not None]


def xen_version(lines):
    m = next((XEN_VERSION_RE.search(x) for x in lines if XEN_VERSION_RE.search(x)), None)
    return m.group(1) if m else '?'


def write_junit(path, results, xen='?'):
    """Suites xen-VERSION.SCENARIO: the same scenario on 4.17 and 4.20 are
    two rows of a report."""
    suites = ET.Element('testsuites', name='xen-' + xen)
    for r in results:
        k = r.ktap
        tests = k.tests if k else []
        suite = 'xen-%s.%s' % (xen, r.name)
        s = ET.SubElement(suites, 'testsuite', name=suite, hostname='xen-' + xen,
                          time='%.2f' % (r.seconds or 0))
        nfail = 0
        for t in tests:
            c = ET.SubElement(s, 'testcase', classname=suite,
                              name=t.name or str(t.num))
            expected = any(fnmatch.fnmatchcase(t.name, p) for p in r.xfail)
            if t.status == 'skip':
                ET.SubElement(c, 'skipped', message=t.directive)
            elif t.status == 'fail' and not expected:
                nfail += 1
                f = ET.SubElement(c, 'failure', message='not ok %d %s' % (t.num, t.name))
                f.text = '\n'.join(t.diags)
            elif t.status == 'pass' and expected:
                nfail += 1
                ET.SubElement(c, 'failure', message='expected to fail, passed')
            elif t.status == 'fail':
                ET.SubElement(c, 'system-out').text = 'expected failure\n' + '\n'.join(t.diags)
        c = ET.SubElement(s, 'testcase', classname=suite, name='verdict')
        if r.problems:
            nfail += 1
            f = ET.SubElement(c, 'failure', message='%s: %s' % (r.verdict, r.problems[0]))
            f.text = '\n'.join(r.problems + r.notes)
        out = ET.SubElement(s, 'system-out')
        out.text = '\n'.join(t for _, t in r.lines)
        s.set('tests', str(len(tests) + 1))
        s.set('failures', str(nfail))
        s.set('skipped', str(sum(1 for t in tests if t.status == 'skip')))
    tree = ET.ElementTree(suites)
    if hasattr(ET, 'indent'):
        ET.indent(tree)
    tree.write(path, encoding='utf-8', xml_declaration=True)


def report(results, times_out, quiet, xen='?'):
    rows = [('scenario', 'passed', 'failed', 'skipped', 'verdict', 'reason', 'seconds',
             'result', 'xen')]
    for r in results:
        k = r.ktap
        rows.append((r.name,
                     str(k.count('pass')) if k else '-', str(k.count('fail')) if k else '-',
                     str(k.count('skip')) if k else '-', r.verdict, r.reason,
                     '%.2f' % r.seconds if r.seconds is not None else '-',
                     'FAIL' if r.problems else ('ok' if not r.xfail else 'ok (xfail)'), xen))
    w = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print('  '.join(c.ljust(w[i]) for i, c in enumerate(row)).rstrip())
    for r in results:
        for p in r.problems:
            print('%s: FAIL: %s' % (r.name, p))
        if not quiet:
            for n in r.notes:
                print('%s: note: %s' % (r.name, n))
            if r.problems and r.ktap:
                for t in r.ktap.tests:
                    if t.status == 'fail':
                        for d in t.diags[-5:]:
                            print('%s:   %s  [%s]' % (r.name, d, t.name))
    if times_out:
        print('timings (seconds since QEMU start):')
        for stage, t in times_out:
            print('  %8.2f  %s' % (t, stage))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument('log')
    ap.add_argument('--table', default=os.path.join(here, 'scenarios'))
    ap.add_argument('--scenarios', help="expected scenarios, ' ', '+' or ':' separated "
                    '(default: those dom0 announced, else the whole table)')
    ap.add_argument('--junit')
    ap.add_argument('--expect-failure', action='append', default=[], metavar='[SCEN:]TESTS',
                    help='verdict must be FAILURE and these tests (comma list, globs) '
                    'must fail; SCEN: limits it to one scenario')
    ap.add_argument('--timings', action='store_true', help='print per-stage times')
    ap.add_argument('--quiet', action='store_true')
    a = ap.parse_args(argv)
    try:
        lines, times = read_log(a.log)
        table = mkconfigs.parse(a.table)
    except OSError as e:
        print('runner: %s' % e, file=sys.stderr)
        return 2
    except SystemExit as e:
        print('runner: %s' % e, file=sys.stderr)
        return 2
    wanted = None
    if a.scenarios is not None:
        wanted = [x for x in re.split(r'[\s+:]+', a.scenarios) if x] or None
    xfail = []
    for spec in a.expect_failure:
        scope, sep, tests = spec.rpartition(':')
        for t in tests.split(','):
            if t:
                xfail.append((scope or None, t))
    results, ready = analyse(lines, table, wanted, xfail)
    if not results:
        print('runner: no scenarios to judge', file=sys.stderr)
        return 2
    xen = xen_version(lines)
    report(results, timings(lines, times, results) if a.timings else [], a.quiet, xen)
    if a.junit:
        write_junit(a.junit, results, xen)
    bad = [r.name for r in results if r.problems]
    print('xen %s: %d scenario(s), %s' % (xen, len(results),
          'all as expected' if not bad else 'FAILED: ' + ' '.join(bad)))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
