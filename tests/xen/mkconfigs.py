#!/usr/bin/env python3
"""Parse tests/xen/scenarios (format in its header) and turn it into xl configs.

  mkconfigs.py gen TABLE OUTDIR [KERNEL_PATH]  write OUTDIR/<name>.cfg and <name>.env;
                                               a scenario of several domains writes
                                               OUTDIR/<name>.group and OUTDIR/<name>/<dom>.*
  mkconfigs.py names TABLE [NAME...]           print the selected names, '+'-joined
                                               (no NAME: the whole table)
  mkconfigs.py timeout TABLE [NAME...]         print a QEMU time limit for them
  mkconfigs.py guests TABLE [NAME...]          print the guest= kernels they use

runner.py imports parse() from here so both sides read the table the same way.
"""
import re
import shlex
import sys

# The real kernel's test=all took 30-60 s of guest time under TCG with other
# jobs on the machine; a hung guest costs this much.
DEFAULT_TIMEOUT = 180
# Boot of Xen + dom0 until the first scenario, and per-scenario toolstack cost,
# measured at about 10 s and 2 s; doubled because TCG speed varies 2x.
BOOT_SECONDS = 40
PER_SCENARIO_SECONDS = 10

NAME_RE = re.compile(r'^[A-Za-z0-9_-]+$')
CHECK_KEYS = ('seq', 'require', 'forbid', 'xfail', 'reason', 'source', 'ran', 'passed',
              'verdict')
# Checks that take a comma list of KTAP test names.
TEST_LIST_KEYS = ('xfail', 'ran', 'passed')
TEST_NAME_RE = re.compile(r'^[A-Za-z0-9_.*?\[\]-]+$')
# hostile=MODE: the hostile dom0 peers and the guest parameter that tells
# the guest which misbehaviour to expect (the test that must see it runs
# instead of skipping).  The peer field names the program and its options,
# "exec hostile-netback" when empty; the generator appends MODE to both
# (hostile-netback: MODE[,MODE...] to the guest's, "good" to the peer's:
# each test asks the peer for its own mode, tests/peer/nb_switch.c).
HOSTILE_PEERS = {'hostile-netback': 'netfront.expect', 'hostile-console': 'msa03.peer'}
# The Linux client domU (guest=linux, tests/xen/linux/) boots with these
# after its table command line.  Each skips boot work that only this
# emulated machine makes slow and that no test looks at (measured with
# initcall_debug and ktest.dmesg=1, tests/xen/README.md "The Linux
# client"); netfront, its tests and what they check are unchanged.
LINUX_ARGS = (
    # Early PCI config reads, the K8 GART aperture scan of every bus and
    # slot, done twice because QEMU's CPU says AMD family 0xf: a PVH domU
    # has no PCI (Linux finds no config space later anyway) and each read is
    # a VM exit, 1.4-3.0 s of emulated CPU.
    'pci=noearly',
    # The crypto self-tests at each algorithm's registration (0.75 s under
    # TCG); the client's tests use no kernel crypto.
    'cryptomgr.notests',
)
# Keys for dom0, not xl: of every domain line, and of a group's header line.
DOMAIN_KEYS = ('start', 'stop', 'wait', 'stopwait', 'retry', 'alone')
GROUP_KEYS = ('phases', 'timeout')
# A group (several domains) with no timeout= on its header line.
DEFAULT_GROUP_TIMEOUT = 300


class Scenario:
    """One line of the table: a scenario, or one domain of a group (then
    name is GROUP/DOMAIN, group and domain are set, and domain is the xl
    name).  A group itself is a Scenario with domains set."""

    def __init__(self, name, xl, cmdline, checks, peer, lineno):
        self.name, self.xl, self.cmdline = name, xl, cmdline
        self.checks, self.peer, self.lineno = checks, peer, lineno
        self.timeout_given = 'timeout' in xl
        self.timeout = int(xl.pop('timeout', DEFAULT_TIMEOUT))
        self.group, _, self.domain = name.rpartition('/')
        self.domains = None
        self.phases = []
        self.dom0 = {k: xl.pop(k) for k in DOMAIN_KEYS if k in xl}
        self.retry = int(self.dom0.get('retry', 0))

    def xl_name(self):
        return self.domain or self.name


def fail(path, lineno, msg):
    raise SystemExit('%s:%d: %s' % (path, lineno, msg))


def parse(path):
    """Return the scenarios of the table at path, in file order."""
    out = []
    with open(path) as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith('#'):
                continue
            fields = [x.strip() for x in line.split('|', 4)]
            fields += [''] * (5 - len(fields))
            name, xl_s, cmdline, checks_s, peer = fields
            gname, slash, dname = name.rpartition('/')
            if not NAME_RE.match(dname) or (slash and not NAME_RE.match(gname)):
                fail(path, lineno, 'bad scenario name %r' % name)
            if any(s.name == name for s in out):
                fail(path, lineno, 'duplicate scenario %r' % name)
            if cmdline == '-':
                cmdline = ''
            if '"' in cmdline or '\\' in cmdline:
                fail(path, lineno, 'no " or \\ in the guest command line')
            xl = {}
            for tok in xl_s.split():
                if '=' not in tok:
                    fail(path, lineno, 'xl setting %r is not key=value' % tok)
                k, v = tok.split('=', 1)
                xl[k] = v
            if 'hostile' in xl:
                cmdline, peer = hostile(path, lineno, xl.pop('hostile'), cmdline,
                                        '' if peer == '-' else peer)
            checks = []
            for tok in ([] if checks_s in ('', '-') else checks_s.split()):
                k, _, v = tok.partition('=')
                if k not in CHECK_KEYS or not v:
                    fail(path, lineno, 'unknown check %r' % tok)
                if k == 'source' and v != '0xE9':
                    fail(path, lineno, 'source= takes only 0xE9')
                if k == 'verdict' and v not in ('ERROR', 'TIMEOUT', 'NO-KTAP'):
                    fail(path, lineno, 'verdict= takes only ERROR, TIMEOUT or NO-KTAP')
                if k in TEST_LIST_KEYS and not all(
                        TEST_NAME_RE.match(t) for t in v.split(',')):
                    fail(path, lineno, '%s= takes test names separated by commas' % k)
                if k in ('require', 'forbid'):
                    try:
                        re.compile(v)
                    except re.error as e:
                        fail(path, lineno, 'bad regex %r: %s' % (v, e))
                checks.append((k, v))
            try:
                out.append(Scenario(name, xl, cmdline, checks,
                                    '' if peer == '-' else peer, lineno))
            except ValueError:
                fail(path, lineno, 'timeout= and retry= must be numbers')
    return groups(path, out)


def hostile(path, lineno, mode, cmdline, peer):
    """hostile=MODE[,MODE...]: the guest parameter (the whole list) and the
    peer's last argument: hostile-console's MODE; for hostile-netback
    "good", since each guest test asks it for its own mode
    (tests/peer/nb_switch.c) and the boot's connection must not
    misbehave before any test looks (a storm at boot cost 10 s)."""
    if not re.match(r'^[a-z0-9-]+(,[a-z0-9-]+)*$', mode):
        fail(path, lineno, 'hostile=%r: modes are [a-z0-9-]+, comma-separated' % mode)
    peer = peer or 'exec hostile-netback'
    words = peer.split()
    prog = words[1] if len(words) > 1 and words[0] == 'exec' else ''
    if prog not in HOSTILE_PEERS or any(w.startswith('$') or ';' in w for w in words):
        fail(path, lineno, 'hostile=: the peer field is "exec PROGRAM [OPTIONS]" with '
             'PROGRAM one of %s (or empty)' % ', '.join(sorted(HOSTILE_PEERS)))
    if ',' in mode and prog != 'hostile-netback':
        fail(path, lineno, 'hostile=: only hostile-netback switches modes')
    param = HOSTILE_PEERS[prog]
    if re.search(r'(^|\s)%s=' % re.escape(param), cmdline):
        fail(path, lineno, 'hostile= writes %s= itself' % param)
    first = 'good' if prog == 'hostile-netback' else mode
    return ('%s %s=%s' % (cmdline, param, mode)).strip(), '%s %s' % (peer, first)


def groups(path, lines):
    """Fold the lines NAME/DOM into one scenario NAME of several domains.
    The line NAME, if any, comes first and holds what is the group's:
    phases=, timeout=, checks on dom0's lines, a dom0 command."""
    out, by = [], {}
    for s in lines:
        if not s.group:
            if s.name in by:
                fail(path, s.lineno, 'scenario %r already has domain lines' % s.name)
            out.append(s)
            by[s.name] = s
            continue
        g = by.get(s.group)
        if g is None:
            g = Scenario(s.group, {}, '', [], '', s.lineno)
            out.append(g)
            by[g.name] = g
        if g.domains is None:
            if g is not out[-1] or g.cmdline or set(g.xl) - {'phases'} or g.dom0:
                fail(path, s.lineno, '%r: a group line has only phases=, timeout=, '
                     'checks and a dom0 command, and its domains follow it' % g.name)
            if not g.timeout_given:
                g.timeout = DEFAULT_GROUP_TIMEOUT
            g.phases = [p for p in g.xl.pop('phases', '').split(',') if p]
            g.domains = []
        if out[-1] is not g:
            fail(path, s.lineno, 'the lines of group %r must be consecutive' % g.name)
        for k in ('start', 'stop'):
            if k in s.dom0 and s.dom0[k] not in g.phases:
                fail(path, s.lineno, '%s=%s: not one of the phases %s'
                     % (k, s.dom0[k], ','.join(g.phases) or '(none)'))
        if not re.match(r'^[a-z_]+$', s.dom0.get('wait', 'ack')):
            fail(path, s.lineno, 'wait= takes "ack" or a data/ktest/ key name')
        if not re.match(r'^([a-z_]+:[A-Za-z0-9_-]+)?$', s.dom0.get('stopwait', '')):
            fail(path, s.lineno, 'stopwait= takes KEY:VALUE')
        if 'stopwait' in s.dom0 and 'stop' not in s.dom0:
            fail(path, s.lineno, 'stopwait= without stop=')
        if 'phases' in s.xl:
            fail(path, s.lineno, 'phases= belongs on the group line %r' % g.name)
        if any(d.domain == s.domain for d in g.domains):
            fail(path, s.lineno, 'duplicate domain %r' % s.domain)
        g.domains.append(s)
    for s in out:
        if s.domains is not None and not s.domains:
            fail(path, s.lineno, 'group %r has no domains' % s.name)
        if s.domains is None and (s.dom0.keys() - {'retry', 'alone'} or 'phases' in s.xl):
            fail(path, s.lineno, '%r: start=, stop=, wait=, stopwait=, phases= are for groups'
                 % s.name)
    return out


def with_builtins(scenarios):
    """The table plus 'run' (make run-xen: test=all, command line replaceable
    at boot with ktest.run_cmdline=), unless the table defines its own."""
    if any(s.name == 'run' for s in scenarios):
        return scenarios
    return scenarios + [Scenario('run', {'memory': '32', 'timeout': '600'},
                                 'test=all', [], '', 0)]


def select(scenarios, names):
    if not names:
        return scenarios
    by = {s.name: s for s in with_builtins(scenarios)}
    missing = [n for n in names if n not in by]
    if missing:
        raise SystemExit('unknown scenario(s): %s (known: %s)'
                         % (' '.join(missing), ' '.join(by)))
    return [by[n] for n in names]


def xl_value(v):
    if re.match(r'^-?\d+$', v) or v[:1] in '["':
        return v
    return '"%s"' % v.replace('\\', '\\\\').replace('"', '\\"')


def xl_config(s, kernel):
    xl = dict(s.xl)
    # guest=NAME picks another kernel copied into the initramfs as
    # /guest/NAME.elf (XEN_EXTRA_GUESTS), e.g. a BUGGY= build.
    cmdline = s.cmdline
    if xl.get('guest') == 'linux':
        cmdline = ' '.join((cmdline,) + LINUX_ARGS)
    if 'guest' in xl:
        kernel = '/guest/%s.elf' % xl.pop('guest')
    lines = ['# generated by tests/xen/mkconfigs.py from %s'
             % ('tests/xen/scenarios:%d' % s.lineno if s.lineno else 'its built-in list'),
             'name = "%s"' % s.xl_name(),
             'type = "pvh"',
             'kernel = "%s"' % kernel,
             'cmdline = "%s"' % cmdline]
    # A rebooting guest would loop until the timeout; destroy on every
    # shutdown and read the reason from xl's log instead.
    for ev in ('on_poweroff', 'on_reboot', 'on_crash', 'on_watchdog'):
        lines.append('%s = "destroy"' % ev)
    if 'shadow_memory' not in xl:
        # libxl 4.17's default paging pool fails guests of 8-16 MiB with
        # ENOMEM/EBUSY at build time (measured); use libxl's own formula,
        # 4 KiB * (256 * vcpus + 2 * MiB), rounded up to whole MiB.
        mem, vcpus = int(xl.get('maxmem', xl.get('memory', 128))), int(xl.get('vcpus', 1))
        xl['shadow_memory'] = str(max(2, -(-4 * (256 * vcpus + 2 * mem) // 1024)))
    for k, v in xl.items():
        if k == 'vif':
            specs = [x for x in v.split(';') if x]
            v = '[ %s ]' % ', '.join('"%s"' % x for x in specs)
        lines.append('%s = %s' % (k, xl_value(v)))
    return '\n'.join(lines) + '\n'


def main(argv):
    if len(argv) < 3 or argv[1] not in ('gen', 'names', 'timeout', 'guests'):
        raise SystemExit(__doc__)
    cmd, table = argv[1], argv[2]
    scen = parse(table)
    if cmd == 'gen':
        import os
        outdir = argv[3]
        kernel = argv[4] if len(argv) > 4 else '/guest/kernel.elf'
        os.makedirs(outdir, exist_ok=True)
        for s in with_builtins(scen):
            if s.domains is None:
                write_domain(outdir, s, kernel)
                continue
            os.makedirs(os.path.join(outdir, s.name), exist_ok=True)
            for d in s.domains:
                write_domain(os.path.join(outdir, s.name), d, kernel)
            with open(os.path.join(outdir, s.name + '.group'), 'w') as f:
                f.write('TIMEOUT=%d\nPHASES=%s\nDOMAINS=%s\nPEER=%s\n'
                        % (s.timeout, shlex.quote(' '.join(s.phases)),
                           shlex.quote(' '.join(d.domain for d in s.domains)),
                           shlex.quote(s.peer)))
        return 0
    names = [n for a in argv[3:] for n in re.split(r'[\s+:,]+', a) if n]
    sel = select(scen, names)
    if cmd == 'names':
        print('+'.join(s.name for s in sel))
    elif cmd == 'guests':
        print(' '.join(sorted({d.xl['guest'] for s in sel for d in (s.domains or [s])
                               if 'guest' in d.xl})))
    else:
        print(BOOT_SECONDS + sum(time_limit(s) for s in sel))
    return 0


def time_limit(s):
    """dom0's limit for a scenario plus its toolstack cost (and a retry's)."""
    doms = s.domains or [s]
    return s.timeout + sum(PER_SCENARIO_SECONDS * (1 + d.retry) for d in doms) + \
        sum(d.timeout * d.retry for d in doms if s.domains is None)


def write_domain(outdir, s, kernel):
    import os
    with open(os.path.join(outdir, s.xl_name() + '.cfg'), 'w') as f:
        f.write(xl_config(s, kernel))
    with open(os.path.join(outdir, s.xl_name() + '.env'), 'w') as f:
        f.write('TIMEOUT=%d\nPEER=%s\nRETRY=%d\nSTART=%s\nSTOP=%s\nWAIT=%s\nSTOPWAIT=%s\n'
                'ALONE=%s\n'
                % (s.timeout, shlex.quote(s.peer), s.retry, s.dom0.get('start', ''),
                   s.dom0.get('stop', ''), s.dom0.get('wait', ''), s.dom0.get('stopwait', ''),
                   '1' if s.dom0.get('alone', '0') not in ('', '0') else ''))


if __name__ == '__main__':
    sys.exit(main(sys.argv))
