#!/usr/bin/env python3
"""Print the netbench table from a Xen test host serial log (make bench).

  bench.py SERIAL_LOG

The guest (tests/guest/bench_net.c) prints one KTAP diagnostic per
measurement:

  # netbench dir=tx size=64 round=1 pkts=N us=U pps=P hc_per_pkt=H
    notify_per_pkt=X irq_per_pkt=Y upcall_per_pkt=Z peer: <peer result>

where the peer result is "received=N span_us=U dom0_irqs=I" (tx: dom0
counted what arrived) or "sent=N ms=M dom0_irqs=I" (rx: dom0 sent).  The
table shows the median over the rounds.  Exit status 1 if no measurement
is found.
"""
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runner  # noqa: E402

LINE_RE = re.compile(r'^\s*#\s+(?:\S+:\s+)?netbench (dir=.*)$')
KV_RE = re.compile(r'(\w+)=([\d.]+)')

# Linux 6.1 netfront on the same test host (shared/XEN-TEST-HOST.md).
LINUX = {('tx', 64): '9.1k sent, 0.31 upcalls/pkt',
         ('tx', 1472): '11.3k sent',
         ('rx', 64): '4.4k recv, 0.43 upcalls/pkt',
         ('rx', 1472): '4.2k recv'}


GUEST_KEYS = ('size', 'pkts', 'pps', 'hc_per_pkt', 'notify_per_pkt',
              'irq_per_pkt', 'upcall_per_pkt')
PEER_KEYS = {'tx': ('received', 'span_us', 'dom0_irqs'),
             'rx': ('sent', 'ms', 'dom0_irqs')}


def parse(path):
    """Measurements by (dir, size); incomplete lines are counted apart."""
    lines, _ = runner.read_log(path)
    # Console lines only (the 0xE9 copies are cut at ~110 characters), with
    # a Xen line that landed inside one taken out as the runner does.
    console, _ = runner.split_guest_lines(list(enumerate(lines)))
    runs, broken = {}, 0
    for _, line in console:
        m = LINE_RE.match(line)
        if not m:
            continue
        guest, _, peer = m.group(1).partition(' peer: ')
        g = {k: float(v) for k, v in KV_RE.findall(guest)}
        p = {k: float(v) for k, v in KV_RE.findall(peer)}
        d = guest.split()[0][4:]
        if (d not in PEER_KEYS or any(k not in g for k in GUEST_KEYS) or
                any(k not in p for k in PEER_KEYS[d])):
            broken += 1
            continue
        runs.setdefault((d, int(g['size'])), []).append((g, p))
    return runs, broken


def med(values):
    return statistics.median(values) if values else 0.0


def row(key, samples):
    d, size = key
    g = [s[0] for s in samples]
    p = [s[1] for s in samples]
    pps = med([x['pps'] for x in g])
    if d == 'tx':
        # What dom0 counted over its own arrival span.
        other = med([q['received'] * 1e6 / q['span_us'] for q in p
                     if q.get('span_us')])
        lost = med([1 - q['received'] / x['pkts'] for x, q in zip(g, p)
                    if x['pkts']])
        dom0_irq = med([q['dom0_irqs'] / x['pkts'] for x, q in zip(g, p)
                        if x['pkts']])
    else:
        other = med([q['sent'] * 1000 / q['ms'] for q in p if q.get('ms')])
        lost = med([1 - x['pkts'] / q['sent'] for x, q in zip(g, p)
                    if q.get('sent')])
        dom0_irq = med([q['dom0_irqs'] / x['pkts'] for x, q in zip(g, p)
                        if x['pkts']])
    name = 'guest->dom0' if d == 'tx' else 'dom0->guest'
    return [name, str(size), '%d' % len(samples), '%.0f' % pps,
            '%.0f' % other, '%.1f%%' % (100 * max(lost, 0)),
            '%.3f' % med([x['notify_per_pkt'] for x in g]),
            '%.3f' % med([x['irq_per_pkt'] for x in g]),
            '%.3f' % dom0_irq,
            '%.3f' % med([x['upcall_per_pkt'] for x in g]),
            '%.3f' % med([x['hc_per_pkt'] for x in g]),
            LINUX.get(key, '')]


def main(argv):
    if len(argv) != 2:
        raise SystemExit(__doc__)
    runs, broken = parse(argv[1])
    if broken:
        print('bench: %d garbled measurement line(s) skipped' % broken)
    if not runs:
        print('bench: no netbench measurements in %s' % argv[1])
        return 1
    head = ['direction', 'size', 'runs', 'guest pps', 'dom0 pps', 'lost',
            'notify/pkt', 'irq/pkt', 'dom0 irq/pkt', 'upcall/pkt',
            'hcall/pkt', 'Linux guest, same host']
    rows = [row(k, runs[k]) for k in sorted(runs, key=lambda k: (k[0] != 'tx', k[1]))]
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    for r in [head] + rows:
        print('  '.join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    print()
    print('guest pps: tx = datagrams the guest sent per second; rx = datagrams '
          'it received, over first..last arrival.')
    print('dom0 pps: tx = what dom0 received per second; rx = what dom0 sent. '
          'lost = the difference.')
    print('notify/pkt: our event channel notifications to netback; irq/pkt: '
          "netback's to us (netfront's counters);")
    print('dom0 irq/pkt: interrupts dom0 took on vif<domid>.0 (/proc/interrupts), '
          'measured the same for any guest.')
    print('upcall/pkt, hcall/pkt: all of the guest\'s upcalls and hypercalls '
          'in the window, timers included.  Medians over the rounds.')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
