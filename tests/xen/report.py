#!/usr/bin/env python3
"""make run's view of one Xen test-host boot: every advisory's tests on the
normal kernel and on its BUGGY= kernel, judged together.

  report.py live LOG TABLE [TAG] < serial stream
      the guests' console lines (no Xen, dom0 or 0xE9 lines) and, as each
      scenario ends, a progress line; once all of an advisory's rows have
      ended, its verdict.  LOG is where boot.sh saves the whole stream.
  report.py order TABLE PREV_LOG NAME...
      the names in the order dom0 should run them (alone rows first, then
      the longest as PREV_LOG measured them, if it exists)
  report.py lanes TABLE PREV_LOG PINNED SINGLE NAME...
      two lines, "multi A+B+..." and "single C+D+...": the rows split over
      two boots side by side, balanced by PREV_LOG's seconds; the rows in
      PINNED (space-separated) go to the first, whose QEMU runs a host
      thread per emulated CPU, those in SINGLE to the second
  report.py seconds LOG...
      "NAME SECONDS" for each row the logs ran (tests/xen/run-seconds:
      make run's lanes when there is no earlier run's log to go by)
  report.py table TABLE...
      the tables' rows as make run boots them: a BUGGY= kernel's row with
      xfail= gets test.stop_after= with those tests, so its kernel stops
      once all of them have run (make test's BUGGY rows too:
      tests/xen/buggy.mk, $(O)/buggy.scenarios)
  report.py final LOG TABLE --junit FILE --md FILE [--t0 EPOCH]
      the closing table (one row per advisory: its tests that passed on the
      normal kernel, those that failed on the rule-off kernel, PROVEN,
      PARTLY PROVEN (a test passes or does not run switched off: named
      below the table) or NOT PROVEN; tests/xen/proof.py), build/report.md
      (Xen version, kernel commit, each test's outcome on both kernels,
      every failure's KTAP diagnostics), JUnit,
      and the boot's own logs split into files.  Exit 1 when a test failed
      on the normal kernel or a switched-off kernel passed a test that must
      fail; NOT PROVEN for want of a switch or a scenario outside the run
      does not fail.

TABLE holds the rows of tests/xen/scenarios and tests/xen/buggy-scenarios
(make run concatenates them); the advisories come from advisories/*.md.
"""
import fnmatch
import glob
import os
import re
import subprocess
import sys
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(TOP, 'tools'))
import advisories  # noqa: E402
import mkconfigs  # noqa: E402
import proof  # noqa: E402
import run_rows  # noqa: E402
import runner  # noqa: E402


rows_of, died_in = proof.rows_of, proof.died_in


def verdict(a, by):
    """proof.verdict() on this run's table."""
    return proof.verdict(a, by, TABLE)


counts = proof.counts


def judge_all(lines, names):
    """Results by name; a group's domain row (GROUP/DOM, as advisories name
    the driver-domain rows) is judged with its group."""
    table = mkconfigs.parse(TABLE)
    want = []
    for n in names:
        if n.split('/')[0] not in want:
            want.append(n.split('/')[0])
    results, _ = runner.analyse(lines, table, want, [])
    return {r.name: r for r in results}


def ended(lines):
    """Scenarios and group domains that ended (a domain: GROUP/DOM)."""
    return [m.group(1) for x in lines
            for m in (runner.END_RE.search(x), runner.DOM_END_RE.search(x)) if m]


def chosen():
    """The advisories of this run (make run ADVISORIES="MSA00 ...")."""
    return advisories.load(only=os.environ.get('ADVISORIES', '').split())


def show(text, current, tests, pending):
    """Print a guest line if a person wants it: results of the advisories'
    tests that ran, every failure with its diagnostics, the verdict.
    With RUN_VERBOSE=1 every guest line; all of them are in console.log."""
    m = runner.PREFIX_RE.match(text)
    who, inner = (m.group(1), m.group(2)) if m else (current, text)
    inner = inner.strip()
    tag = '[%s] ' % who if who else ''
    if os.environ.get('RUN_VERBOSE') == '1':
        print(tag + inner, flush=True)
        return
    r = runner.RESULT_RE.match(inner)
    if r:
        diags, pending[who] = pending.get(who, []), []
        skip = (r.group(4) or '').upper().startswith('SKIP')
        if r.group(1) == 'not ok':
            for d in telling(diags, (r.group(3) or '').strip()):
                print(tag + '  ' + d)
            print(tag + inner, flush=True)
        elif not skip and (r.group(3) or '').strip() in tests:
            print(tag + inner, flush=True)
    elif inner.startswith('#') and not runner.RUN_RE.match(inner):
        pending.setdefault(who, []).append(inner)
    elif runner.FINAL_RE.match(inner):
        print(tag + inner, flush=True)


def live(log, tag=''):
    """Filter the serial stream for a person; judge as scenarios end."""
    advs = chosen()
    want = {}
    for a in advs:
        for n in sum(rows_of(a), []):
            want.setdefault(n, []).append(a.id)
    lines, told, t0, ready, total = [], set(), time.monotonic(), False, 0
    tests = {t for a in advs for t in a.tests}
    pending, current = {}, None
    # tag: which of make run's boots side by side ("lane 1: "), if several.
    say = lambda s: print('== ' + tag + s, flush=True)  # noqa: E731
    say('booting Xen and dom0 in QEMU (their log: %s)' % log)
    for raw in sys.stdin.buffer:
        text = runner.clean(raw.decode('utf-8', 'replace').rstrip('\r\n'))
        lines.append(text)
        m = runner.READY_RE.search(text)
        if m:
            ready = True
            total = len([x for x in m.group(1).split('+') if x])
            say('dom0 ready after %.0f s: %d scenarios' % (time.monotonic() - t0, total))
            continue
        m = runner.END_RE.search(text)
        if m:
            name = m.group(1)
            done = ended(lines)
            # Scenarios, not a group's domains, against dom0's count.
            nscen = sum(1 for n in done if '/' not in n)
            by = judge_all(lines, [name])
            r = by.get(name)
            k = r.ktap if r else None
            # [done/all m:ss since QEMU started]: how far, how long.
            say('[%d/%d %d:%02d] %s: %s, %s passed %s failed %s skipped%s (%s)'
                % (nscen, total, *divmod(int(time.monotonic() - t0), 60),
                   name, r.verdict if r else '?',
                   k.count('pass') if k else '-', k.count('fail') if k else '-',
                   k.count('skip') if k else '-',
                   ', as its xfail= wants' if r and r.xfail and not r.problems else
                   (', PROBLEM: ' + r.problems[0]) if r and r.problems else '',
                   ' '.join(want.get(name) or sorted({i for n, ids in want.items()
                                                      if n.startswith(name + '/')
                                                      for i in ids}) or ['no advisory'])))
            for a in advs:
                norm, bug = rows_of(a)
                if a.id in told or not (norm + bug) or not all(n in done for n in norm + bug):
                    continue
                told.add(a.id)
                v = verdict(a, judge_all(lines, norm + bug))
                p, f = counts(a, v)
                say('%s %s: %s tests passed on the normal kernel, %s%s' % (
                    a.id, v['word'], p, '%s failed switched off' % f
                    if a.kind == 'rule' else 'no switch (it tests the host)',
                    ''.join('; %s %s switched off' % (t, v['tests'][t][2])
                            for t in v['weaker'])))
            continue
        m = runner.BEGIN_RE.search(text)
        if m:
            current = m.group(1)
        # A Xen line inside a guest line (runner.py joins the two halves;
        # for the eye the guest's part is enough).
        m = runner.XENLINE_RE.search(text)
        if m and m.start() > 0:
            text = text[:m.start()]
        if not ready or runner.XENLINE_RE.match(text) or text.startswith(('ktest', '===')):
            continue
        show(text, current, tests, pending)
    return 0


def telling(diags, name, n=8):
    """The last n diagnostics of a failed test, preferring those that name
    it or a source line (a test's bulk output, e.g. filler, says nothing)."""
    key = [d for d in diags if (name and name in d) or re.search(r'\.[ch]:\d+:', d)]
    return (key or diags)[-n:]


def git(*args):
    try:
        return subprocess.run(['git', '-C', TOP] + list(args), capture_output=True,
                              text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ''


def split_logs(lines, outdir):
    """The boot's lines by who wrote them, for the person who wants them."""
    ready = next((i for i, x in enumerate(lines) if runner.READY_RE.search(x)), len(lines))
    files = {'boot.log': lines[:ready + 1],
             'xen.log': [x for x in lines[ready:] if x.startswith('(XEN)')],
             'e9.log': [x for x in lines[ready:] if runner.E9_RE.match(x)],
             'console.log': [x for x in lines[ready:] if not runner.XENLINE_RE.match(x)]}
    out = []
    for name, body in files.items():
        p = os.path.relpath(os.path.join(outdir, name))
        with open(p, 'w') as f:
            f.write('\n'.join(body) + '\n')
        out.append(p)
    return out


def final(log, junit, md, t0):
    advs = chosen()
    lines, _ = runner.read_log(log)
    names = []
    for a in advs:
        names += [n for n in sum(rows_of(a), []) if n not in names]
    ran = set(ended(lines)) & set(names)
    by = judge_all(lines, [n for n in names if n in ran] or names)
    verdicts = [(a, verdict(a, by)) for a in advs]
    xen = next((m.group(1) for m in map(re.compile(r'\(XEN\) Xen version (\S+)').search, lines)
                if m), 'unknown')
    commit = git('rev-parse', '--short', 'HEAD') or 'unknown'
    if git('status', '--porcelain', '--untracked-files=no'):
        commit += ' (with uncommitted changes)'
    wall = time.time() - t0 if t0 else None
    ntests = sum(len(a.tests) for a in advs)
    rows = [('advisory', 'normal', 'rule-off', 'verdict', 'rule')]
    for a, v in verdicts:
        p, f = counts(a, v)
        rows.append((a.id, p, f, v['word'], a.rule))
    w = [max(len(r[i]) for r in rows) for i in range(4)]
    print()
    for r in rows:
        print('  '.join(c.ljust(w[i]) for i, c in enumerate(r[:4])) + '  ' + r[4])
    for a, v in verdicts:
        for why in v['why'] if v['word'] != 'PROVEN' else []:
            print('%s: %s' % (a.id, why))
    logs = split_logs(lines, os.path.dirname(os.path.abspath(log)))
    runner.write_junit(junit, list(by.values()))
    boots = sum(1 for x in lines if runner.READY_RE.search(x))
    write_md(md, verdicts, by, xen, commit, wall, (len(ran), boots), ntests)
    proven = sum(1 for _, v in verdicts if v['word'] == 'PROVEN')
    partly = sum(1 for _, v in verdicts if v['word'] == 'PARTLY PROVEN')
    # A diagnostic judges the host, not a rule of ours: counted apart, so
    # "not" counts only rules that are not proven.
    diags = sum(1 for _, v in verdicts if v['word'].startswith('DIAGNOSTIC'))
    print('\nmake run: Xen %s, kernel %s: %d advisories, %d PROVEN, %d partly (a test '
          'that does not fail switched off), %d diagnostic, %d not; %d tests; %d scenarios%s'
          % (xen, commit, len(advs), proven, partly, diags,
             len(advs) - proven - partly - diags, ntests,
             len(ran), ', wall %d:%02d' % divmod(int(wall), 60) if wall else ''))
    print('report %s, JUnit %s; logs: %s %s' % (md, junit, log, ' '.join(logs)))
    missing = [n for n in names if n not in ran]
    if missing:
        print('make run: scenarios that never ended: ' + ' '.join(missing))
        ready = sum(1 for x in lines if runner.READY_RE.search(x))
        qlogs = sorted(glob.glob(os.path.join(os.path.dirname(log), 'qemu*.log')))
        if ready < max(1, len(qlogs)):
            for qlog in qlogs:
                print('make run: dom0 ready in %d of %d boots; %s says:'
                      % (ready, len(qlogs), os.path.relpath(qlog)))
                print(''.join(open(qlog, errors='replace').readlines()[-5:]), end='')
    return 1 if any(v['bad'] for _, v in verdicts) or missing else 0


def unexpected_failures(by):
    """Every 'not ok' of the run that no xfail= expects, with its row:
    (row, test, diagnostics).  A verdict above may not name them all."""
    out = []
    for n, r in sorted(by.items()):
        for t in (r.ktap.tests if r.ktap else []):
            if t.status == 'fail' and not any(fnmatch.fnmatchcase(t.name, p) for p in r.xfail):
                out.append((n, t.name, telling(t.diags, t.name)))
    return out


def write_md(path, verdicts, by, xen, commit, wall, nran_boots, ntests):
    nran, boots = nran_boots
    npass = sum(len(v['passed']) for _, v in verdicts)
    nxf = sum(len(v['xfail']) for _, v in verdicts)
    nfail = sum(len(v['failed']) for _, v in verdicts)
    weak = sum(len(v['weaker']) for _, v in verdicts)
    out = ['# make run: the advisories on the Xen test host', '',
           '- Xen: %s (Debian, in QEMU TCG); kernel commit: %s' % (xen, commit),
           '- %s; %d scenarios (rows) in %d boot(s) of the test host; generated %s'
           % ('wall %d:%02d' % divmod(int(wall), 60) if wall else 'wall time unknown',
              nran, boots, time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())),
           '- %d advisories, %d tests: %d passed on the normal kernel; %d of the %d '
           'expected failures failed on the switched-off kernels'
           % (len(verdicts), ntests, npass, nfail, nxf),
           '- %d tests of switched rows do not fail on their switched-off kernels '
           '(they pass there or no BUGGY= row runs them): those rows are PARTLY PROVEN'
           % weak,
           '- PROVEN: every test passed on the normal kernel and every one of them '
           'failed on the kernel with that rule off, in this boot.',
           '', '| advisory | rule | passed (normal) | failed (rule off) | verdict |',
           '|---|---|---|---|---|']
    for a, v in verdicts:
        p, f = counts(a, v)
        out.append('| [%s](../%s) | %s | %s | %s | %s |' % (a.id, a.path, a.rule, p, f, v['word']))
    for a, v in verdicts:
        norm, bug = rows_of(a)
        out += ['', '## %s: %s' % (a.id, a.title), '', 'Rule: %s.  Verdict: **%s**.'
                % (a.rule, v['word'])]
        out += ['- %s' % w for w in v['why']]
        out += [''] + proof.test_lines(a, v) + ['']
        for label, rows in (('normal kernel', norm), ('rule switched off', bug)):
            for n in rows:
                r = by.get(n)
                if r is None:
                    out.append('- %s (%s): not run' % (n, label))
                    continue
                k = r.ktap
                mine = [t for t in (k.tests if k else []) if t.name in a.tests]
                ran = [t for t in mine if t.status != 'skip']
                out.append('- %s (%s): %s, reason %s%s; %s%s' % (
                    n, label, r.verdict, r.reason,
                    ', problems: ' + '; '.join(r.problems) if r.problems else '',
                    ', '.join('`%s` %s' % (t.name, t.status) for t in ran) or 'none of its tests ran',
                    ' (%d more skip here)' % (len(mine) - len(ran)) if len(mine) > len(ran) else ''))
                for t in mine:
                    if t.status == 'fail':
                        out.append('  - `not ok %s`:' % t.name)
                        out += ['    `%s`' % d for d in telling(t.diags, t.name)] or \
                            ['    (no diagnostics)']
                if died_in(r):
                    out.append('  - died in `%s` (%s)' % (died_in(r), r.verdict))
    table = advisories.read_table(os.path.abspath(TABLE))
    bad = unexpected_failures(by)
    for title, off in (('on the normal kernel', False),
                       ('besides the expected ones, on the switched-off kernels '
                        '(side effects of the rule off)', True)):
        mine = [b for b in bad if (table[b[0]].xl.get('guest', 'linux') != 'linux') == off]
        out += ['', '## Failures %s: %d' % (title, len(mine)), '']
        out += ['- %s: `not ok %s`%s' % (n, t, ''.join('\n    `%s`' % d for d in ds) or
                                       ' (no diagnostics)') for n, t, ds in mine] or ['None.']
    with open(path, 'w') as f:
        f.write('\n'.join(out) + '\n')


def main(argv):
    global TABLE
    if len(argv) >= 3 and argv[1] == 'order':
        print(' '.join(run_rows.order(argv[2], argv[4:], argv[3] if len(argv) > 3 else None)))
        return 0
    if len(argv) >= 6 and argv[1] == 'lanes':
        for thread, lane in zip(('multi', 'single'),
                                run_rows.lanes(argv[2], argv[6:], argv[3], argv[4].split(),
                                               single=argv[5].split())):
            print('%s %s' % (thread, '+'.join(lane)))
        return 0
    if len(argv) >= 3 and argv[1] == 'seconds':
        for log in argv[2:]:
            for name, secs in sorted(run_rows.took(log).items()):
                print('%s %.0f' % (name, secs))
        return 0
    if len(argv) >= 3 and argv[1] == 'table':
        sys.stdout.write(run_rows.run_table(argv[2:]))
        return 0
    if len(argv) < 4 or argv[1] not in ('live', 'final'):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    log, TABLE = argv[2], argv[3]
    if argv[1] == 'live':
        return live(log, argv[4] + ': ' if len(argv) > 4 and argv[4] else '')
    opt = dict(zip(argv[4::2], argv[5::2]))
    return final(log, opt.get('--junit'), opt.get('--md'), float(opt.get('--t0', 0)) or None)


TABLE = None
if __name__ == '__main__':
    sys.exit(main(sys.argv))
