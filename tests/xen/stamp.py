#!/usr/bin/env python3
"""Copy stdin to LOG unchanged and write LOG.times: one line per LOG line,
seconds since this program started (= QEMU start) when that line began.
With --echo, also copy stdin to stdout as it arrives.

  stamp.py LOG [--echo]
"""
import os
import sys
import time


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    echo = '--echo' in sys.argv[2:]
    t0 = time.monotonic()
    at_line_start = True
    with open(sys.argv[1], 'wb') as log, open(sys.argv[1] + '.times', 'w') as times:
        while True:
            try:
                buf = os.read(0, 65536)
            except KeyboardInterrupt:
                break
            if not buf:
                break
            now = '%.3f\n' % (time.monotonic() - t0)
            for i, b in enumerate(buf):
                if at_line_start:
                    times.write(now)
                at_line_start = b == 0x0a
            log.write(buf)
            log.flush()
            times.flush()
            if echo:
                try:
                    os.write(1, buf)
                except BrokenPipeError:
                    echo = False
    return 0


if __name__ == '__main__':
    sys.exit(main())
