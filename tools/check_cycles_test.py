#!/usr/bin/env python3
"""Unit tests of check-cycles.py on made-up symbol tables (no compiler):
python3 tools/check_cycles_test.py.  Run by make check-layering."""
import importlib.util
import io
import os
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
_spec = importlib.util.spec_from_file_location(
    "check_cycles",
    os.path.join(os.path.dirname(os.path.abspath(__file__)),
                 "check-cycles.py"))
cc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cc)

# nm output of made-up objects: a calls b, b calls c (a DAG) ...
DAG = {
    "a.o": "0000000000000000 T a_fn\n                 U b_fn\n",
    "b.o": "0000000000000000 T b_fn\n0000000000000010 t local\n"
           "                 U c_var\n",
    "c.o": "0000000000000000 D c_var\n0000000000000008 b c_local\n",
}
# ... and c calling back into a closes the cycle a -> b -> c -> a.
CYCLE = dict(DAG, **{"c.o": DAG["c.o"] + "                 U a_fn\n"})


class Run:
    """main() over made-up objects: nm is `cat` of files holding nm text."""

    def __init__(self, objects, allow=""):
        self.dir = tempfile.TemporaryDirectory()
        paths = []
        for name, text in objects.items():
            path = os.path.join(self.dir.name, name)
            with open(path, "w") as f:
                f.write(text)
            paths.append(path)
        allow_path = os.path.join(self.dir.name, "allow")
        with open(allow_path, "w") as f:
            f.write(allow)
        self.out, self.err = io.StringIO(), io.StringIO()
        self.rc = cc.main(["--nm", "cat", "--root", self.dir.name,
                           "--allow", allow_path] + sorted(paths),
                          out=self.out, err=self.err)
        self.dir.cleanup()


class ParseNm(unittest.TestCase):
    def test_globals_defined_undefined_locals_ignored(self):
        d, u = cc.parse_nm(DAG["b.o"] + "                 w weak_ref\n"
                           "0000000000000000 W weak_def\n")
        self.assertEqual(d, {"b_fn", "weak_def"})
        self.assertEqual(u, {"c_var", "weak_ref"})


class Graph(unittest.TestCase):
    def objs(self, tables):
        return {n: cc.parse_nm(t) for n, t in tables.items()}

    def test_dag_has_no_component(self):
        self.assertEqual(cc.components(cc.build_graph(self.objs(DAG))), [])

    def test_cycle_is_one_component(self):
        g = cc.build_graph(self.objs(CYCLE))
        self.assertEqual(cc.components(g), [["a.o", "b.o", "c.o"]])
        self.assertEqual(g["c.o"], {"a.o": ["a_fn"]})

    def test_two_separate_cycles(self):
        g = {"a": {"b": []}, "b": {"a": []}, "c": {"d": []}, "d": {"c": []},
             "e": {"a": [], "c": []}}
        self.assertEqual(cc.components(g), [["a", "b"], ["c", "d"]])

    def test_long_chain_does_not_recurse(self):
        n = 5000
        g = {i: {i + 1: []} for i in range(n)}
        g[n] = {0: []}
        self.assertEqual(len(cc.components(g)[0]), n + 1)


class Main(unittest.TestCase):
    def test_dag_passes(self):
        r = Run(DAG)
        self.assertEqual(r.rc, 0, r.err.getvalue())
        self.assertIn("ok (3 objects)", r.out.getvalue())

    def test_cycle_fails_and_names_its_references(self):
        r = Run(CYCLE)
        self.assertEqual(r.rc, 1)
        self.assertIn("cycle: a.o b.o c.o", r.err.getvalue())
        self.assertIn("c.o -> a.o: a_fn", r.err.getvalue())

    def test_group_allows_its_cycle(self):
        r = Run(CYCLE, "# why\nabc: a.o b.o c.o\n")
        self.assertEqual(r.rc, 0, r.err.getvalue())
        self.assertIn("allowed (abc): a.o b.o c.o", r.out.getvalue())

    def test_group_too_small_does_not(self):
        r = Run(CYCLE, "# why\nab: a.o b.o\n")
        self.assertEqual(r.rc, 1)

    def test_edge_allows_the_cycle_it_closes(self):
        r = Run(CYCLE, "# why\nback: c.o -> a.o\n")
        self.assertEqual(r.rc, 0, r.err.getvalue())

    def test_edge_elsewhere_does_not(self):
        r = Run(CYCLE, "# why\nother: b.o -> a.o\n")
        self.assertEqual(r.rc, 1)
        self.assertIn("other allows nothing", r.out.getvalue())

    def test_unused_group_is_a_note_not_a_failure(self):
        r = Run(DAG, "# why\nold: a.o b.o\n")
        self.assertEqual(r.rc, 0)
        self.assertIn("old allows nothing", r.out.getvalue())

    def test_entry_without_comment_is_refused(self):
        r = Run(CYCLE, "# why\nabc: a.o b.o c.o\n\nxy: x.o y.o\n")
        self.assertEqual(r.rc, 1)
        self.assertIn("xy has no comment", r.err.getvalue())

    def test_malformed_entries_are_refused(self):
        for bad in ("# why\nabc a.o b.o\n", "# why\nx: a.o\n",
                    "# why\nx: a.o -> b.o c.o\n",
                    "# why\nx: a.o b.o\n# why\nx: a.o c.o\n"):
            with self.subTest(bad=bad):
                self.assertEqual(Run(CYCLE, bad).rc, 1)


if __name__ == "__main__":
    unittest.main(verbosity=0)
