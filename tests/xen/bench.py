#!/usr/bin/env python3
"""Print make bench's side-by-side tables from one Xen test host serial log.

  bench.py SERIAL_LOG

Guests print one KTAP diagnostic per measurement (tests/guest/bench_net.c
for our kernel, tests/xen/linux/bench.sh for the Linux client):

  # netbench dir=tx size=64 round=1 pkts=N us=U pps=P [hc_per_pkt=H
    notify_per_pkt=X] irq_per_pkt=Y upcall_per_pkt=Z peer: <peer result>

where the peer result is "received=N span_us=U dom0_irqs=I" (tx: dom0
counted what arrived) or "sent=N ms=M dom0_irqs=I dom0_busy=B
dom0_steal=S" (rx: dom0 sent; its CPU in per mille).  The
scenario a line is in says whose it is (bench-scenarios: netbench is ours,
netbench-linux Linux's, netbench-base* the BENCH_BASE kernel's, printed as
"before" beside ours; likewise ddbench-base and ddflood-base for the driver
domain).  "ddbench" lines (issue 8, the Linux client
against a rate server) carry "received=N span_us=U" (tx) or "sent=N us=U"
(rx) from the server.  Boot rows boot-floorN / boot-noneN are timed from
the serial log's arrival times (LOG.times).  Every figure is the median of
the runs with min and max beside it; ratios are ours / Linux (or ours /
floor, and floor-big / floor: boot-bigN, the floor padded to our image's
size) of the medians.  Exit status 1 if no measurement is found.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runner  # noqa: E402
from bench_boot import KV_RE, boot_table, boot_times, fmt, mmm, ratio, table  # noqa: E402,E501

# A group's domains print "[DOM] " first.
LINE_RE = re.compile(r'^(?:\[\S+\] )?\s*#\s+(?:\S+:\s+)?(netbench|ddbench) (dir=.*)$')
FLOOD_RE = re.compile(r'^\[(\S+)\] # (?:baseline (\d+) round trips/s|under flood (\d+) '
                      r'round trips/s, baseline (\d+))')
BEGIN_RE = re.compile(r'=== KTEST-SCENARIO (\S+) BEGIN ===')
END_RE = re.compile(r'=== KTEST-SCENARIO (\S+) END ')

# Who a scenario's measurements belong to; netbench-base* is the kernel
# make bench BENCH_BASE= names, the "before" beside ours.
OWNER = {'netbench': 'ours', 'netbench-linux': 'linux',
         'ddbench': 'ours', 'ddbench-dom0': 'linux'}


def owner(scen):
    name = scen.split('/')[0]
    if name in ('ddswitch', 'ddswitch-base'):  # vif to vif: a table of its own
        return 'switch-base' if name.endswith('-base') else 'switch'
    return 'base' if re.match(r'(netbench|ddbench)-base\d*$', name) else OWNER.get(name)


def segments(lines):
    """{scenario: [(index, text)]} between its BEGIN and END markers."""
    segs, cur = {}, None
    for i, text in enumerate(lines):
        m = BEGIN_RE.search(text)
        if m:
            cur = m.group(1)
            segs[cur] = []
            continue
        if cur and END_RE.search(text) and END_RE.search(text).group(1) == cur:
            cur = None
            continue
        if cur:
            segs[cur].append((i, text))
    return segs


def parse_rates(segs):
    """{(tag, owner, dir, size): [(guest kv, peer kv)]}, broken count."""
    runs, broken = {}, 0
    for scen, seg in segs.items():
        who = owner(scen)
        if who is None:
            continue
        console, _ = runner.split_guest_lines(seg)
        for _, line in console:
            m = LINE_RE.match(line)
            if not m:
                continue
            guest, _, peer = m.group(2).partition(' peer: ')
            g = {k: float(v) for k, v in KV_RE.findall(guest)}
            p = {k: float(v) for k, v in KV_RE.findall(peer)}
            d = guest.split()[0][4:]
            if d not in ('tx', 'rx') or 'size' not in g or 'pkts' not in g:
                broken += 1
                continue
            runs.setdefault((m.group(1), who, d, int(g['size'])), []).append((g, p))
    return runs, broken


def per_sample(tag, d, g, p):
    """What one measurement says: sent/s, received/s, lost, dom0 irqs."""
    sent_n = recv_n = sent_s = recv_s = None
    if d == 'tx':
        sent_n, sent_s = g['pkts'], g['us'] / 1e6 if g.get('us') else None
        recv_n = p.get('received')
        recv_s = p['span_us'] / 1e6 if p.get('span_us') else None
    else:
        recv_n, recv_s = g['pkts'], g['us'] / 1e6 if g.get('us') else None
        sent_n = p.get('sent')
        if 'ms' in p:
            sent_s = p['ms'] / 1e3 if p['ms'] else None
        elif p.get('us'):
            sent_s = p['us'] / 1e6
    rate = lambda n, s: n / s if n is not None and s else None  # noqa: E731
    lost = 1 - recv_n / sent_n if sent_n and recv_n is not None else None
    # The guest's notifications to the backend, counted in dom0.
    dom0 = p['dom0_irqs'] / g['pkts'] if 'dom0_irqs' in p and g['pkts'] else None
    return {'sent': rate(sent_n, sent_s), 'recv': rate(recv_n, recv_s),
            'lost': None if lost is None else 100 * max(lost, 0.0),
            'dom0_irq': dom0, 'notify': g.get('notify_per_pkt'),
            'irq': g.get('irq_per_pkt'), 'upcall': g.get('upcall_per_pkt'),
            'hcall': g.get('hc_per_pkt'),
            # dom0's CPU over a bench-rx blast (per mille -> %): near 100,
            # the rate is dom0's (sender, stack, netback), not the guest's.
            'dom0_busy': p['dom0_busy'] / 10 if 'dom0_busy' in p else None,
            'dom0_steal': p['dom0_steal'] / 10 if 'dom0_steal' in p else None}


def summarise(samples, tag, d):
    per = [per_sample(tag, d, g, p) for g, p in samples]
    return {k: mmm([x[k] for x in per]) for k in per[0]}, len(per)


def rate_tables(runs, tag, title):
    keys = sorted({(d, s) for (t, w, d, s) in runs
                   if t == tag and w in ('ours', 'linux')},
                  key=lambda k: (k[0] != 'tx', k[1]))
    if not keys:
        return False
    print(title)
    rows, cost = [], []
    for d, size in keys:
        name = 'guest->dom0' if d == 'tx' else 'dom0->guest'
        if tag == 'ddbench':
            name = 'linux->backend' if d == 'tx' else 'backend->linux'
        res = {}
        for who in ('ours', 'linux'):
            s = runs.get((tag, who, d, size))
            res[who] = summarise(s, tag, d) if s else ({}, 0)
        o, ln = res['ours'][0], res['linux'][0]
        rows.append([name, str(size), '%d/%d' % (res['ours'][1], res['linux'][1]),
                     fmt(o.get('recv')), fmt(o.get('lost'), '%.1f'),
                     fmt(ln.get('recv')), fmt(ln.get('lost'), '%.1f'),
                     ratio(o.get('recv'), ln.get('recv')),
                     fmt(o.get('sent')), fmt(ln.get('sent'))])
        cost.append([name, str(size),
                     fmt(o.get('dom0_irq'), '%.3f'), fmt(ln.get('dom0_irq'), '%.3f'),
                     fmt(o.get('irq'), '%.3f'), fmt(ln.get('irq'), '%.3f'),
                     fmt(o.get('upcall'), '%.3f'), fmt(ln.get('upcall'), '%.3f'),
                     fmt(o.get('hcall'), '%.3f'), fmt(o.get('notify'), '%.3f'),
                     fmt(o.get('dom0_busy')), fmt(ln.get('dom0_busy')),
                     fmt(o.get('dom0_steal')), fmt(ln.get('dom0_steal'))])
    first = 'ours' if tag == 'netbench' else 'backend=ours'
    other = 'Linux' if tag == 'netbench' else 'backend=dom0'
    table(['direction', 'size', 'runs', first + ' recv/s', 'lost %',
           other + ' recv/s', 'lost %', 'ratio', first + ' sent/s',
           other + ' sent/s'], rows)
    if tag == 'ddbench':  # the Linux client's counters, per backend
        table(['direction', 'size', 'to-client/pkt backend=ours', 'backend=dom0',
               'client upcall/pkt backend=ours', 'backend=dom0'],
              [c[:2] + c[4:8] for c in cost])
    if tag == 'netbench':
        table(['direction', 'size', 'to-backend/pkt ours', 'Linux',
               'to-guest/pkt ours', 'Linux', 'upcall/pkt ours', 'Linux',
               'hcall/pkt ours', 'notify/pkt ours (netfront)',
               'dom0 busy % ours', 'Linux', 'dom0 steal % ours', 'Linux'], cost)
    return True


def base_table(runs, tag='netbench'):
    """Ours beside the BENCH_BASE kernel (rows netbench-base*, or
    ddbench-base for the driver domain), if any."""
    keys = sorted({(d, s) for (t, w, d, s) in runs if t == tag and w == 'base'},
                  key=lambda k: (k[0] != 'tx', k[1]))
    if not keys:
        return False
    print('Before / after: the BENCH_BASE kernel (%s-base rows) and ours, '
          'same boot (median (min-max) over the rounds):' % tag)
    names = (('guest->dom0', 'dom0->guest') if tag == 'netbench'
             else ('linux->backend', 'backend->linux'))
    rows = []
    for d, size in keys:
        b, nb = summarise(runs[(tag, 'base', d, size)], tag, d)
        o, no = (summarise(runs[(tag, 'ours', d, size)], tag, d)
                 if (tag, 'ours', d, size) in runs else ({}, 0))
        rows.append([names[d != 'tx'], str(size),
                     '%d/%d' % (nb, no), fmt(b.get('recv')), fmt(o.get('recv')),
                     ratio(o.get('recv'), b.get('recv')),
                     fmt(b.get('dom0_irq'), '%.3f'), fmt(o.get('dom0_irq'), '%.3f'),
                     fmt(b.get('irq'), '%.3f'), fmt(o.get('irq'), '%.3f'),
                     fmt(b.get('upcall'), '%.3f'), fmt(o.get('upcall'), '%.3f')])
    if tag != 'netbench':  # the client's counters: not the backend's
        rows = [r[:3] + [r[3] + ' lost ' + fmt(lb, '%.1f') + '%',
                         r[4] + ' lost ' + fmt(lo, '%.1f') + '%', r[5]]
                for r, lb, lo in zip(rows, *lost_pairs(runs, tag, keys))]
        table(['direction', 'size', 'runs', 'before recv/s', 'after recv/s',
               'after/before'], rows)
        return True
    table(['direction', 'size', 'runs', 'before recv/s', 'after recv/s',
           'after/before', 'to-backend/pkt before', 'after', 'to-guest/pkt before',
           'after', 'upcall/pkt before', 'after'], rows)
    return True


def lost_pairs(runs, tag, keys):
    """The lost % medians of base and ours per (dir, size) in keys."""
    out = ([], [])
    for d, size in keys:
        for k, who in enumerate(('base', 'ours')):
            s = runs.get((tag, who, d, size))
            out[k].append(summarise(s, tag, d)[0].get('lost') if s else None)
    return out


def switch_table(runs):
    """ddswitch (and ddswitch-base, the BENCH_BASE backend): the Linux
    client against our kernel as a frontend of our driver domain, every
    datagram switched from one vif to the other."""
    keys = sorted({(d, s) for (t, w, d, s) in runs if w == 'switch'},
                  key=lambda k: (k[0] != 'tx', k[1]))
    if not keys:
        return False
    print('Issue 11: vif to vif through our driver domain\'s switch, the Linux '
          'client against our kernel as its other frontend (ddswitch; before: '
          'ddswitch-base, the BENCH_BASE kernel as the backend), same boot:')
    rows = []
    for d, size in keys:
        o, no = summarise(runs[('ddbench', 'switch', d, size)], 'ddbench', d)
        b, nb = (summarise(runs[('ddbench', 'switch-base', d, size)], 'ddbench', d)
                 if ('ddbench', 'switch-base', d, size) in runs else ({}, 0))
        rows.append(['linux->frontend' if d == 'tx' else 'frontend->linux',
                     str(size), '%d/%d' % (nb, no),
                     fmt(b.get('recv')) + ' lost ' + fmt(b.get('lost'), '%.1f') + '%',
                     fmt(o.get('recv')) + ' lost ' + fmt(o.get('lost'), '%.1f') + '%',
                     ratio(o.get('recv'), b.get('recv'))])
    table(['direction', 'size', 'runs', 'before recv/s', 'after recv/s',
           'after/before'], rows)
    return True


def flood_table(segs):
    """The ddflood group (and ddflood-base, the BENCH_BASE backend): the
    Linux client's round trips/s unloaded and while the hostile frontend
    floods the backend."""
    rows = []
    for scen, who in (('ddflood-base', 'before (BENCH_BASE)'), ('ddflood', 'ours')):
        seg = segs.get(scen)
        if not seg:
            continue
        base = flood = None
        for _, t in seg:
            m = FLOOD_RE.match(t)
            if m and m.group(2):
                base = int(m.group(2))
            elif m and m.group(3):
                flood, base = int(m.group(3)), int(m.group(4))
        rows.append([who, str(base) if base is not None else 'n/a',
                     str(flood) if flood is not None else 'n/a',
                     '%.2f' % (flood / base) if base and flood is not None else 'n/a'])
    if not rows:
        return False
    print('Issue 8: the good client (Linux) served by our backend, sequential 64 B '
          'UDP echo round trips/s for 5 s, with and without the hostile '
          'frontend flooding (ddflood, one run each):')
    table(['backend', 'unloaded', 'under flood', 'ratio'], rows)
    return True


def main(argv):
    if len(argv) != 2:
        raise SystemExit(__doc__)
    lines, times = runner.read_log(argv[1])
    segs = segments(lines)
    runs, broken = parse_rates(segs)
    if broken:
        print('bench: %d garbled measurement line(s) skipped' % broken)
    shown = rate_tables(runs, 'netbench', 'UDP packets per second, our netfront '
                        'and Linux 6.1 xen-netfront against the same Linux netback '
                        'and dom0 peer, same boot (median (min-max) over the rounds):')
    if shown:
        print('recv/s: what the receiver counted over its first..last arrival '
              '(dom0 for guest->dom0, the guest for dom0->guest); lost: 1 - '
              'received / sent; ratio: ours / Linux of the received medians.')
        print('to-backend/pkt: the interrupts dom0 took on vif<domid>.0* '
              '(/proc/interrupts), i.e. the guest\'s notifications to netback, '
              'the same count for both guests; to-guest/pkt: netback\'s '
              'notifications to the guest (ours: netfront\'s count; Linux: its '
              'xen-dyn event lines in /proc/interrupts, an upper bound); upcall/pkt: ours all upcalls, '
              'Linux the HYP line; hcall/pkt: ours only (Xen 4.17 as Debian '
              'builds it has no perf counters to count Linux\'s); dom0 busy / '
              'steal %: dom0\'s one vCPU over the dom0->guest blast '
              '(/proc/stat), busy near 100 means dom0 sets the rate.')
        print()
    shown |= base_table(runs)
    shown |= rate_tables(runs, 'ddbench', 'Issue 8: the Linux client against our '
                         'driver domain (netback=1, suite netbench_srv) and against '
                         'dom0 (Linux netback, udp-bench server), same boot:')
    shown |= base_table(runs, 'ddbench')
    shown |= switch_table(runs)
    shown |= flood_table(segs)
    shown |= boot_table(boot_times(lines, times, segs))
    if not shown:
        print('bench: no measurements in %s' % argv[1])
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
