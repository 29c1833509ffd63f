#!/usr/bin/env python3
"""Copy stdin to LOG unchanged and write LOG.times: one line per LOG line,
seconds since this program started (= QEMU start) when that line began.
With --echo, also copy stdin to stdout as it arrives; with --echo-nodup,
the same less Xen's "(dN) ..." echo of guests' port 0xE9 lines, which
repeat the guest console (whole lines only, so it lags by a partial line).

  stamp.py LOG [--echo | --echo-nodup]
"""
import os
import re
import sys
import time


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    echo = '--echo' in sys.argv[2:]
    nodup = '--echo-nodup' in sys.argv[2:]
    dup_re = re.compile(rb'^\(d[1-9][0-9]*\) ')
    pending = b''
    t0 = time.monotonic()
    at_line_start = True
    with open(sys.argv[1], 'wb') as log, open(sys.argv[1] + '.times', 'w') as times:
        while True:
            try:
                buf = os.read(0, 65536)
            except KeyboardInterrupt:
                break
            if not buf:
                if nodup and pending and not dup_re.match(pending):
                    os.write(1, pending)
                break
            now = '%.3f\n' % (time.monotonic() - t0)
            for i, b in enumerate(buf):
                if at_line_start:
                    times.write(now)
                at_line_start = b == 0x0a
            log.write(buf)
            log.flush()
            times.flush()
            out = buf
            if nodup:
                lines = (pending + buf).split(b'\n')
                pending = lines.pop()
                out = b''.join(x + b'\n' for x in lines if not dup_re.match(x))
            if echo or nodup:
                try:
                    os.write(1, out)
                except BrokenPipeError:
                    echo = nodup = False
    return 0


if __name__ == '__main__':
    sys.exit(main())
