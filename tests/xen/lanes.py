#!/usr/bin/env python3
"""make test-xen-all's boots of the Xen test host, side by side.

  lanes.py [--lanes N] [--seconds FILE] [--make ARG]... [--after NAMES
           [--after-make ARG]... [--after-in-lanes]] [--pin NAMES
           [--pin-make ARG]...] [--job SECONDS 'TARGET ARG...']...
           [--dry-run] -- VERSION=TABLE...

Each VERSION=TABLE is one Xen version and the scenario table it boots
(every row of it).  With N lanes (default 1) the rows are cut into at
most N + len(boots) - 1 boots, each a contiguous run of one table's rows
in table order, so that the lanes' shares of the expected seconds
(FILE: "NAME SECONDS" or "VERSION:NAME SECONDS" lines measured on this
host, tests/xen/row-seconds; a row it lacks counts DEFAULT_SECONDS) come out about equal; the lanes
run at the same time, each its boots one after another, with
`make test-xen-boot` (one QEMU with one TCG thread per lane, so each
uses one host core: tests/xen/README.md, "Two test hosts at once").
--make ARG goes to every lane's make (XEN_TCG_THREAD=single).  The rows
of --after NAMES (space or '+' separated) leave the lanes and boot after
them, one version at a time, with the --after-make ARGs instead
(XEN_TCG_THREAD=multi): rows whose test needs dom0 and the guest running
at the same time on two host threads (tests/xen/README.md, "Two test
hosts at once").  With --after-in-lanes those boots are one job in a
lane instead (below), one after another, each beside the other lane's
one-thread boot: a multi-thread QEMU takes only ~1.1 cores, so a core
idled while they ran alone.  The rows of --pin NAMES boot apart from the
others, with the --pin-make ARGs too (XEN_EXTRA_ARGS=dom0_vcpus_pin for
the driver-domain groups, tests/xen/dd.mk; an --after boot holding one
gets them as well).  --job SECONDS 'TARGET ARG...': a make run of its own
(a boot with another initramfs: test-peer-xen, test-iso) that takes a
lane for about SECONDS, planned after the rows, so that it fills the
last lane instead of a tier of its own with one core idle.  A boot's (and
a job's) make output is printed whole once it ends, so two lanes' tables
do not interleave.  Exit status 1 if any boot or job failed.
"""
import os
import shlex
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# A row no measurement names (a new one): about a short netfront row.
DEFAULT_SECONDS = 10.0
# Xen + dom0 up to the first scenario, and QEMU's exit (measured 14-20 s).
BOOT_SECONDS = 20.0
# --after-in-lanes: the label of the job that holds the --after boots.
AFTER_JOB = 'after'


def table_names(table):
    out = subprocess.run([sys.executable, os.path.join(HERE, 'mkconfigs.py'),
                          'names', table], check=True, capture_output=True,
                         text=True).stdout.strip()
    return [n for n in out.split('+') if n]


def read_seconds(path):
    secs = {}
    if path and os.path.exists(path):
        for line in open(path):
            f = line.split('#', 1)[0].split()
            if len(f) == 2:
                secs[f[0]] = float(f[1])
    return secs


def row_seconds(secs, ver, name):
    """A row's figure on that Xen version ("4.20:net"), else on any."""
    return secs.get(ver + ':' + name, secs.get(name, DEFAULT_SECONDS))


def plan(boots, lanes, secs, jobs=()):
    """boots: [(version, table, [names])] -> lanes: [[(version, table, names)]].

    Greedy cut in the given order: a lane takes rows while that brings it
    nearer the per-lane goal (a row is taken if less than half of it
    lies past the goal), then the rest of that boot goes on in the next
    lane.  Cuts only between rows (a group is one row).  Every lane after
    a cut starts a boot of its own, so the boots to share out are the
    input's plus one per further lane (RUN, 21:03: counted once per input
    boot, the last lane came out a boot's start too long).  jobs:
    [(label, seconds)], each whole and its boot in its seconds, come after
    the rows, as (None, None, [label]) in the lanes they fall into."""
    jsecs = dict(jobs)
    total = sum(row_seconds(secs, v, n) for v, _, ns in boots for n in ns) + \
        BOOT_SECONDS * (len(boots) + lanes - 1) + sum(jsecs.values())
    goal = total / lanes
    out, cur, load = [], [], 0.0
    todo = list(boots) + ([(None, None, [j for j, _ in jobs])] if jobs else [])
    for ver, table, names in todo:
        part = []
        start = BOOT_SECONDS if ver else 0.0
        load += start
        for n in names:
            w = row_seconds(secs, ver, n) if ver else jsecs[n]
            if part and load + w / 2 > goal and len(out) < lanes - 1:
                cur.append((ver, table, part))
                out.append(cur)
                cur, part, load = [], [], start
            part.append(n)
            load += w
        if part:
            cur.append((ver, table, part))
    if cur:
        out.append(cur)
    return out


def run_lane(i, lane, results, lock):
    for ver, table, names, part, args in lane:
        t0 = time.monotonic()
        what = 'Xen %s%s' % (ver, part) if ver else table
        with lock:
            print('  LANE    %d: %s, %d scenarios (%s ... %s) %s'
                  % (i + 1, what, len(names), names[0], names[-1], ' '.join(args))
                  if ver else '  LANE    %d: %s' % (i + 1, what), flush=True)
        if ver:
            cmd = ['test-xen-boot', 'XEN=' + ver, 'XEN_TABLE=' + table,
                   'SCENARIOS=' + ' '.join(names), 'XEN_PART=' + part] + args
        else:
            cmd = args
        p = subprocess.run([os.environ.get('MAKE', 'make'), '--no-print-directory'] + cmd,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        with lock:
            sys.stdout.write(p.stdout.decode('utf-8', 'replace'))
            print('  LANE    %d: %s done in %.0f s, %s'
                  % (i + 1, what, time.monotonic() - t0,
                     'ok' if p.returncode == 0 else 'FAILED'), flush=True)
        results.append(p.returncode)


def expand(lane, lane_args, pin, pin_args, job_runs):
    """A planned lane -> its runs, (version, table, names, make args); a
    job is its runs in job_runs: (None, its label, [its label], its own
    make words), or the --after boots, one after another."""
    out = []
    for ver, table, names in lane:
        if ver:
            out.append((ver, table, names, lane_args + (pin_args if pin & set(names) else [])))
        else:
            for j in names:
                out.extend(job_runs[j])
    return out


def name_parts(lanes_plan):
    """The first boot of a version keeps the plain file names (build/xen/
    serial.log, build/xen-junit.xml: what people and CI look at); its
    other boots get -2, -3, ... (XEN_PART)."""
    count = {}
    out = []
    for lane in lanes_plan:
        out.append([])
        for ver, table, names, args in lane:
            count[ver] = count.get(ver, 0) + 1
            part = '' if count[ver] == 1 or not ver else '-%d' % count[ver]
            out[-1].append((ver, table, names, part, args))
    return out


def main(argv):
    lanes, secs_file, dry, lane_args, after, after_args = 1, None, False, [], set(), []
    pin, pin_args, jobs, in_lanes = set(), [], [], False
    args = argv[1:]
    while args and args[0] != '--':
        a = args.pop(0)
        if a == '--lanes':
            lanes = int(args.pop(0))
        elif a == '--seconds':
            secs_file = args.pop(0)
        elif a == '--dry-run':
            dry = True
        elif a == '--make':
            lane_args.append(args.pop(0))
        elif a == '--after':
            after |= set(args.pop(0).replace('+', ' ').split())
        elif a == '--after-make':
            after_args.append(args.pop(0))
        elif a == '--pin':
            pin |= set(args.pop(0).replace('+', ' ').split())
        elif a == '--pin-make':
            pin_args.append(args.pop(0))
        elif a == '--after-in-lanes':
            in_lanes = True
        elif a == '--job':
            jobs.append((float(args.pop(0)), shlex.split(args.pop(0))))
        else:
            raise SystemExit(__doc__)
    boots, tail, pinned = [], [], []
    for b in args[1:]:
        ver, _, table = b.partition('=')
        names = table_names(table)
        boots.append((ver, table, [n for n in names if n not in after and n not in pin]))
        # The pinned rows in boots of their own, as their own tier had them
        # (no other row runs with dom0 pinned), after all the others: the
        # cut between the lanes then falls among short rows.
        pinned.append((ver, table, [n for n in names if n in pin and n not in after]))
        tail_names = [n for n in names if n in after]
        if tail_names:
            tail.append((ver, table, tail_names,
                         after_args + (pin_args if pin & set(tail_names) else [])))
    if not boots or lanes < 1:
        raise SystemExit(__doc__)
    boots += pinned
    secs = read_seconds(secs_file)
    job_runs = {' '.join(a): [(None, ' '.join(a), [' '.join(a)], a)] for _, a in jobs}
    jsecs = {' '.join(a): s for s, a in jobs}
    if in_lanes and tail:
        # The multi-thread boots as one job, first of the jobs: one lane
        # runs them one after another (two multi-thread QEMUs at once
        # fight for the cores), beside the other lane's one-thread boot.
        job_runs[AFTER_JOB] = tail
        jsecs[AFTER_JOB] = sum(BOOT_SECONDS + sum(row_seconds(secs, v, n) for n in ns)
                               for v, _, ns, _ in tail)
        jobs.insert(0, (jsecs[AFTER_JOB], [AFTER_JOB]))
        tail = []
    planned = [expand(lane, lane_args, pin, pin_args, job_runs)
               for lane in plan([b for b in boots if b[2]], lanes, secs,
                                [(' '.join(a), s) for s, a in jobs])]
    stages = name_parts(planned + [tail])
    stages, tail = stages[:-1], stages[-1]
    for i, lane in enumerate(stages + [tail]):
        est = sum(BOOT_SECONDS + sum(row_seconds(secs, v, n) for n in ns) if v
                  else jsecs[t] for v, t, ns, _, _ in lane)
        if lane:
            print('  %s %s (about %.0f s by the row-seconds figures)'
                  % ('LANES   %d:' % (i + 1) if i < len(stages) else 'AFTER     ',
                     ', '.join('Xen %s%s %d rows%s' % (v, p, len(ns), ' (pinned)'
                                                        if pin & set(ns) else '')
                               if v else t for v, t, ns, p, _ in lane), est))
    if dry:
        return 0
    results, lock, t0 = [], threading.Lock(), time.monotonic()
    threads = [threading.Thread(target=run_lane, args=(i, lane, results, lock))
               for i, lane in enumerate(stages)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # The rows that need both host cores, once the lanes have let go of them.
    run_lane(len(stages), tail, results, lock)
    bad = sum(1 for r in results if r)
    print('  LANES   %d boot(s) in %.0f s: %s' % (len(results), time.monotonic() - t0,
                                                 '%d FAILED' % bad if bad else 'all ok'))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
