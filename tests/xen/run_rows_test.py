#!/usr/bin/env python3
"""Unit tests of make run's row planning (run_rows.py lanes()/order()) on a
made-up table (no QEMU): that it is make test's planner (tests/xen/lanes.py
plan()) that cuts the lanes, every row once, the pinned rows on the first
boot.  make test-xen-runner runs it with lanes_test.py."""
import os
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lanes  # noqa: E402
import run_rows  # noqa: E402

ROWS = ['r%02d' % i for i in range(12)]
# Seconds as a run measured them: mixed, so a bad cut shows.
SECS = {n: float(s) for n, s in zip(ROWS, (80, 5, 30, 4, 12, 9, 3, 50, 7, 20, 6, 4))}


class Lanes(unittest.TestCase):
    def setUp(self):
        fd, self.table = tempfile.mkstemp()
        with os.fdopen(fd, 'w') as f:
            for n in ROWS:
                f.write('%s | memory=32 timeout=100 | test=x | - |\n' % n)
        f = SECS.copy()
        self.figures = lambda: dict(f)

    def tearDown(self):
        os.unlink(self.table)

    def plan(self, names, pinned=()):
        return run_rows.lanes(self.table, names, None, set(pinned), self.figures())

    def load(self, lane):
        return sum(SECS[n] for n in lane)

    def test_every_row_once(self):
        got = self.plan(ROWS, ['r00', 'r07'])
        self.assertEqual(sorted(got[0] + got[1]), sorted(ROWS))
        self.assertEqual(len(got), 2)

    def test_pinned_first_even_past_half(self):
        # r00 + r07 + r02 = 160 s of 230: more than half, still lane 1.
        got = self.plan(ROWS, ['r00', 'r07', 'r02'])
        self.assertTrue({'r00', 'r07', 'r02'} <= set(got[0]))
        self.assertFalse({'r00', 'r07', 'r02'} & set(got[1]))

    def test_balanced_within_a_row(self):
        got = self.plan(ROWS)
        self.assertLessEqual(abs(self.load(got[0]) - self.load(got[1])), max(SECS.values()))
        got = self.plan([n for n in ROWS if n != 'r00'], ['r07'])
        self.assertLessEqual(abs(self.load(got[0]) - self.load(got[1])), 12.0)

    def test_cut_is_lanes_plan(self):
        seen = []
        real = lanes.plan

        def spy(boots, n, secs):
            seen.append((boots, n))
            return real(boots, n, secs)
        run_rows.lanes_py.plan = spy
        try:
            self.plan(ROWS, ['r00'])
        finally:
            run_rows.lanes_py.plan = real
        self.assertEqual(len(seen), 1)
        self.assertEqual(seen[0][1], 2)
        self.assertEqual(seen[0][0][0][2][0], 'r00')

    def test_single_rows_second(self):
        got = run_rows.lanes(self.table, ROWS, None, {'r00'}, self.figures(), single={'r07', 'r09'})
        self.assertTrue({'r07', 'r09'} <= set(got[1]))
        self.assertIn('r00', got[0])
        self.assertEqual(sorted(got[0] + got[1]), sorted(ROWS))
        # Even when the rest fits in the first boot.
        got = run_rows.lanes(self.table, ['r03', 'r05'], None, set(), self.figures(), single={'r05'})
        self.assertEqual(got, [['r03'], ['r05']])

    def test_one_row_one_boot(self):
        self.assertEqual(self.plan(['r03']), [['r03'], []])

    def test_order_longest_first(self):
        got = run_rows.order(self.table, ['r01', 'r00', 'r02'], None, self.figures())
        self.assertEqual(got, ['r00', 'r02', 'r01'])
        got = self.plan(['r01', 'r00', 'r02', 'r03', 'r04'])
        for lane in got:
            self.assertEqual(lane, sorted(lane, key=lambda n: -SECS[n]))
        # Each lane's own order (longest first), not the order of the cut
        # (the pinned block first).
        got = self.plan(['r03', 'r05', 'r00', 'r07'], ['r03'])
        self.assertIn('r03', got[0])
        for lane in got:
            self.assertEqual(lane, sorted(lane, key=lambda n: -SECS[n]))

    def test_unmeasured_row_counts_a_tenth_of_its_timeout(self):
        secs = run_rows.seconds({'new': type('S', (), {'timeout': 70})()}, ['new'], None, {})
        self.assertEqual(secs, {'new': 7.0})


if __name__ == '__main__':
    unittest.main()
