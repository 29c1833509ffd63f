#!/usr/bin/env python3
"""Unit tests of lanes.py's plan (no QEMU): python3 lanes_test.py"""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lanes  # noqa: E402


def flat(planned):
    return [(v, n) for lane in planned for v, _, ns in lane if v for n in ns]


class Plan(unittest.TestCase):
    def setUp(self):
        self.a = ['a%d' % i for i in range(20)]
        self.b = ['b%d' % i for i in range(10)]
        self.secs = {n: 10.0 for n in self.a + self.b}

    def test_every_row_once_in_table_order(self):
        boots = [('4.17', 'T', self.a), ('4.20', 'U', self.b)]
        for n in (1, 2, 3):
            got = flat(lanes.plan(boots, n, self.secs))
            self.assertEqual(got, [('4.17', x) for x in self.a] + [('4.20', x) for x in self.b])

    def test_lanes_balanced_and_counted(self):
        boots = [('4.17', 'T', self.a), ('4.20', 'U', self.b)]
        planned = lanes.plan(boots, 2, self.secs)
        self.assertEqual(len(planned), 2)
        load = [sum(lanes.BOOT_SECONDS + 10.0 * len(ns) for _, _, ns in lane)
                for lane in planned]
        # Off by at most one row and one boot's start.
        self.assertLessEqual(abs(load[0] - load[1]), 10.0 + lanes.BOOT_SECONDS)

    def test_cut_boot_counted(self):
        # One table cut in two: the second lane pays a boot's start too,
        # so equal rows split evenly.
        planned = lanes.plan([('4.17', 'T', self.a)], 2, self.secs)
        self.assertEqual([len(lane[0][2]) for lane in planned], [10, 10])

    def test_one_lane_is_one_boot_per_version(self):
        planned = lanes.plan([('4.17', 'T', self.a), ('4.20', 'U', self.b)], 1, self.secs)
        self.assertEqual([[(v, len(ns)) for v, _, ns in lane] for lane in planned],
                         [[('4.17', 20), ('4.20', 10)]])

    def test_version_figure_first(self):
        secs = {'x': 1.0, '4.20:x': 99.0}
        self.assertEqual(lanes.row_seconds(secs, '4.20', 'x'), 99.0)
        self.assertEqual(lanes.row_seconds(secs, '4.17', 'x'), 1.0)
        self.assertEqual(lanes.row_seconds(secs, '4.17', 'new'), lanes.DEFAULT_SECONDS)

    def test_part_names(self):
        named = lanes.name_parts([[('4.17', 'T', ['a'], [])],
                                  [('4.17', 'T', ['b'], []), ('4.20', 'U', ['c'], [])]])
        self.assertEqual([p for lane in named for _, _, _, p, _ in lane], ['', '-2', ''])

    def test_jobs_fill_the_last_lane(self):
        # 20 rows of 10 s and two jobs of 60 s: the jobs (whole, after the
        # rows) go to the last lane, which takes fewer rows for them.
        planned = lanes.plan([('4.17', 'T', self.a)], 2, self.secs,
                             [('test-peer-xen', 60.0), ('test-iso', 60.0)])
        self.assertEqual(flat(planned), [('4.17', x) for x in self.a])
        self.assertEqual(planned[-1][-1], (None, None, ['test-peer-xen', 'test-iso']))
        load = [sum((lanes.BOOT_SECONDS + 10.0 * len(ns)) if v else 120.0
                    for v, _, ns in lane) for lane in planned]
        self.assertLessEqual(abs(load[0] - load[1]), 10.0 + lanes.BOOT_SECONDS)

    def test_pin_only_the_boot_holding_it(self):
        runs = lanes.expand([('4.17', 'T', ['a0', 'dd3']), ('4.20', 'U', ['b0']),
                             (None, None, ['test-iso'])],
                            ['X=1'], {'dd3'}, ['P=1'],
                            {'test-iso': [(None, 'test-iso', ['test-iso'], ['test-iso', 'Y=2'])]})
        self.assertEqual(runs, [('4.17', 'T', ['a0', 'dd3'], ['X=1', 'P=1']),
                                ('4.20', 'U', ['b0'], ['X=1']),
                                (None, 'test-iso', ['test-iso'], ['test-iso', 'Y=2'])])

    def test_after_boots_one_job_in_a_lane(self):
        # --after-in-lanes: both versions' multi-thread boots in one lane,
        # one after the other, the pinned rows' boot with --pin-make too;
        # nothing is left to boot after the lanes.
        table = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'scenarios')
        names = lanes.table_names(table)
        after, pin = names[-1], names[-2]
        out = subprocess.run([sys.executable, lanes.__file__, '--lanes', '2', '--dry-run',
                              '--after', after + '+' + pin, '--after-make', 'M=1',
                              '--pin', pin, '--pin-make', 'P=1', '--after-in-lanes',
                              '--', '4.17=' + table, '4.20=' + table],
                             check=True, capture_output=True, text=True).stdout
        self.assertNotIn('AFTER', out)
        lane = [ln for ln in out.splitlines() if '2 rows (pinned)' in ln]
        self.assertEqual(len(lane), 1, out)
        self.assertIn('2 rows (pinned), Xen 4.20', lane[0])


if __name__ == '__main__':
    unittest.main()
