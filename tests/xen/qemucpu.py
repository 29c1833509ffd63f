#!/usr/bin/env python3
"""Host CPU of a test-host QEMU, set against its rows (tests/xen/README.md,
"Where the emulated CPU goes").  Measuring only; no make target runs it.

  qemucpu.py watch DIR OUT [--perf PERF.data]
      wait (up to 10 min) for a qemu-system-x86_64 whose working directory
      is DIR and that started after this program, then write its CPU
      seconds (utime + stime) four times a second to OUT as
      "SECONDS_SINCE_QEMU_START CPU_SECONDS" until it exits; with --perf,
      also `perf record -F 499 -g` it for its whole life
  qemucpu.py rows OUT LOG
      per row of LOG (its BEGIN/END markers, and the idle window of
      tests/xen/prof.sh), from LOG.times: wall seconds, QEMU CPU seconds,
      busy %, and dom0's `ktest: prof` figures when the boot had them

LOG.times counts from when stamp.py started, a few milliseconds before
QEMU's exec: the same clock to within a sample.
"""
import os
import re
import subprocess
import sys
import time

HZ = os.sysconf('SC_CLK_TCK')


def stat(pid):
    with open('/proc/%d/stat' % pid) as f:
        # The command may hold spaces: fields after the ')'.
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / HZ, int(fields[19]) / HZ


def uptime():
    with open('/proc/uptime') as f:
        return float(f.read().split()[0])


def find(directory, after):
    for name in os.listdir('/proc'):
        if not name.isdigit():
            continue
        pid = int(name)
        try:
            if not os.readlink('/proc/%d/exe' % pid).endswith('qemu-system-x86_64'):
                continue
            if os.readlink('/proc/%d/cwd' % pid) != directory:
                continue
            if stat(pid)[1] >= after:
                return pid
        except OSError:
            continue
    return None


def watch(directory, out, perf):
    start = uptime()
    pid = None
    while pid is None and uptime() - start < 600:
        pid = find(os.path.realpath(directory), start - 1)
        time.sleep(0.05)
    if pid is None:
        raise SystemExit('qemucpu: no QEMU in %s' % directory)
    prof = None
    if perf:
        prof = subprocess.Popen(['perf', 'record', '-q', '-F', '499', '-g',
                                 '-p', str(pid), '-o', perf],
                                stdout=subprocess.DEVNULL)
    began = stat(pid)[1]
    with open(out, 'w') as f:
        while True:
            try:
                cpu = stat(pid)[0]
            except OSError:
                break
            f.write('%.2f %.2f\n' % (uptime() - began, cpu))
            f.flush()
            time.sleep(0.25)
    if prof:
        prof.wait()


def cpu_at(samples, t):
    """CPU seconds at time t, linear between the samples around it."""
    prev = (0.0, 0.0)
    for s in samples:
        if s[0] >= t:
            if s[0] == prev[0]:
                return s[1]
            return prev[1] + (s[1] - prev[1]) * (t - prev[0]) / (s[0] - prev[0])
        prev = s
    return prev[1]


def rows(out, log):
    with open(out) as f:
        samples = [tuple(map(float, l.split())) for l in f if l.strip()]
    with open(log, 'rb') as f:
        lines = [l.decode('utf-8', 'replace') for l in f]
    with open(log + '.times') as f:
        times = [float(l) for l in f]
    mark = re.compile(r'=== KTEST-(?:SCENARIO (\S+)|IDLE) (BEGIN|END)( sampler)?')
    prof = re.compile(r'ktest: prof (\S+) (.*)')
    begin, extra = {}, {}
    print('%-22s %7s %7s %5s  %s' % ('row', 'wall', 'qemu', 'busy', "Xen's accounting (dom0 prof)"))
    done = []
    for line, t in zip(lines, times):
        m = prof.search(line)
        if m:
            extra[m.group(1)] = m.group(2).strip()
        m = mark.search(line)
        if not m:
            continue
        name = m.group(1) or ('idle' + (m.group(3) or '').replace(' ', '+'))
        if m.group(2) == 'BEGIN':
            begin[name] = t
            continue
        if name not in begin:
            continue
        if name.startswith('idle'):
            extra[name] = line.split('END', 1)[1].replace('sampler', '').strip(' =\r\n')
        done.append((name, begin.pop(name), t))
    if 'READY' in ''.join(lines):
        ready = next(t for l, t in zip(lines, times) if 'KTEST-DOM0 READY' in l)
        print('%-22s %7.1f %7.1f %4.0f%%' % ('(boot to READY)', ready, cpu_at(samples, ready),
                                          100 * cpu_at(samples, ready) / max(ready, 0.01)))
    total = 0.0
    for name, a, b in done:
        cpu = cpu_at(samples, b) - cpu_at(samples, a)
        total += cpu
        print('%-22s %7.1f %7.1f %4.0f%%  %s' % (name, b - a, cpu, 100 * cpu / max(b - a, 0.01),
                                              extra.get(name, '')))
    if samples:
        print('%-22s %7.1f %7.1f   (rows %.1f)' % ('(whole QEMU)', samples[-1][0], samples[-1][1], total))


def main():
    args = sys.argv[1:]
    if len(args) >= 3 and args[0] == 'watch':
        perf = args[4] if len(args) >= 5 and args[3] == '--perf' else None
        watch(args[1], args[2], perf)
    elif len(args) == 3 and args[0] == 'rows':
        rows(args[1], args[2])
    else:
        raise SystemExit(__doc__)


if __name__ == '__main__':
    main()
