#!/usr/bin/env python3
"""For tests/xen/bench.py: the figures' format in make bench's tables
(median with min and max, ratios of medians, aligned columns), and the
boot rows (tests/xen/bench-scenarios boot-floorN, boot-noneN, boot-bigN,
and the Linux client's netbench-linux): xl create to the domain built,
the first console line and the verdict."""
import re
import statistics

import runner

KV_RE = re.compile(r'(\w+)=([\d.]+)')


def mmm(values):
    """(min, median, max) or None."""
    v = [x for x in values if x is not None]
    return (min(v), statistics.median(v), max(v)) if v else None


def fmt(t, f='%.0f'):
    if t is None:
        return 'n/a'
    if t[0] == t[2]:
        return f % t[1]
    return (f + ' (' + f + '-' + f + ')') % (t[1], t[0], t[2])


def ratio(a, b):
    return '%.2f' % (a[1] / b[1]) if a and b and b[1] else 'n/a'


def table(head, rows):
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    for r in [head] + rows:
        print('  '.join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    print()


TIMES_RE = re.compile(r'^ktest: scenario (\S+) times: (.*)$')
SKIP_FIRST = re.compile(r'^(Parsing config|ktest|===|\[\S+\] (Parsing|ktest))')


def dom0_times(seg, scen):
    """(built, first, verdict) from dom0's own clock (tests/xen/init's
    "ktest: scenario X times: built=S first=S verdict=S"), or None."""
    for _, t in seg:
        m = TIMES_RE.match(t)
        if m and m.group(1) == scen:
            kv = {k: float(v) for k, v in KV_RE.findall(m.group(2))}
            built, first = kv.get('built'), kv.get('first')
            # A line before the domain was built is xl's ("got a tsc mode
            # string"), not the guest's: its first line is not known then.
            if first is not None and built is not None and first < built:
                first = None
            return built, first, kv.get('verdict')
    return None


def boot_times(lines, times, segs):
    """({'floor'|'big'|'none'|'linux': [(built, first, verdict)]}, source),
    seconds since BEGIN (just before xl create): domain built (xl create -p
    done), the guest's first console line (nothing of the guest's comes
    before: it is unpaused then), and its verdict line.  From dom0's clock
    where its init printed them (source 'dom0'), else from the serial log's
    arrival times (source 'serial': those lag behind whatever else the one
    serial line carries, the guests' 0xE9 echo and Xen's own lines)."""
    out, src = {}, set()
    for scen, seg in segs.items():
        m = re.match(r'boot-(floor|none|big)\d+$', scen)
        who = m.group(1) if m else ('linux' if scen == 'netbench-linux' else None)
        if who is None or not seg:
            continue
        d0 = dom0_times(seg, scen)
        if d0:
            out.setdefault(who, []).append(d0)
            src.add('dom0')
            continue
        if not times:
            continue
        src.add('serial')
        begin = seg[0][0] - 1
        built = next((i for i, t in seg if t.startswith('ktest: scenario %s domid' % scen)), None)
        if built is None:
            continue
        console, _ = runner.split_guest_lines([x for x in seg if x[0] > built])
        first = next((i for i, t in console if t.strip() and not SKIP_FIRST.match(t)), None)
        verdict = next((i for i, t in console if t.startswith('Test result:')), None)
        at = lambda i: times[i] - times[begin] if i is not None and i < len(times) else None  # noqa: E731
        out.setdefault(who, []).append((at(built), at(first), at(verdict)))
    return out, ' and '.join(sorted(src))


def boot_table(result):
    bt, src = result
    if not bt:
        return False
    print('xl create (scenario BEGIN) to the domain built, to the guest\'s first '
          'console line and to its verdict line, seconds (%s clock), '
          'median (min-max):' % {'dom0': 'dom0\'s', 'serial': 'serial arrival'}.get(src, src))
    rows = []
    stats = {w: [mmm([x[k] for x in v]) for k in range(3)] + [len(v)]
             for w, v in bt.items()}
    names = {'floor': 'toolstack floor (tests/xen/floor)',
             'big': 'the floor at our image\'s size (floor-big)',
             'none': 'ours, test=none', 'linux': 'Linux client (netbench-linux)'}
    for w in ('floor', 'big', 'none', 'linux'):
        if w in stats:
            b, f, v, n = stats[w]
            rows.append([names[w], str(n), fmt(b, '%.2f'), fmt(f, '%.2f'),
                         fmt(v, '%.2f')])
    if 'none' in stats and 'floor' in stats:
        rows.append(['ratio ours / floor', ''] +
                    [ratio(stats['none'][k], stats['floor'][k]) for k in range(3)])
    if 'big' in stats and 'floor' in stats:
        rows.append(['ratio floor-big / floor', ''] +
                    [ratio(stats['big'][k], stats['floor'][k]) for k in range(3)])
    table(['guest', 'runs', 'domain built', 'first line', 'verdict'], rows)
    return True
