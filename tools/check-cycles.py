#!/usr/bin/env python3
"""File-level call cycles in the kernel (make check-layering).

Layers call one way (STYLE.md): a file that both serves helpers to its
callers and calls them back is one subsystem cut in the wrong place.  This
check reads each kernel object's symbol table with nm: an object that uses
(U) a symbol another object defines depends on that object.  A strongly
connected component of two or more files is a cycle.  Every cycle must be
inside one group of the allow-list (tools/cycles.allow), or be closed only
by a reference that list names; it says why each is natural.  Any other
cycle fails the check and is printed with the references that close it.

    check-cycles.py [--nm NM] [--root DIR] [--allow FILE] OBJ...

Objects are named by their source path: DIR/kernel/time.o is
kernel/time.c (or .S when that is what exists; DIR defaults to build/k).
"""
import argparse
import os
import subprocess
import sys

# No __pycache__ in the source tree (the unit test imports this file).
sys.dont_write_bytecode = True

ALLOW_DEFAULT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                             "cycles.allow")


def parse_nm(text):
    """(defined, undefined) global symbol sets of one object's nm output."""
    defined, undefined = set(), set()
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in ("U", "w"):
            undefined.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBRGSVWiu":
            # Upper case (and weak V/W) are global; lower case are local
            # to the file and cannot link two files together.
            defined.add(parts[2])
    return defined, undefined


def build_graph(objects):
    """objects: {name: (defined, undefined)} -> {name: {dep: [symbols]}}.

    A symbol more than one object defines (there should be none in a
    link) counts as a reference to each of them."""
    owner = {}
    for name, (defined, _) in objects.items():
        for sym in defined:
            owner.setdefault(sym, []).append(name)
    graph = {name: {} for name in objects}
    for name, (_, undefined) in objects.items():
        for sym in sorted(undefined):
            for dep in owner.get(sym, ()):
                if dep != name:
                    graph[name].setdefault(dep, []).append(sym)
    return graph


def components(graph):
    """Strongly connected components of two or more nodes (Tarjan's
    algorithm, iterative so a long chain cannot overflow the stack)."""
    index, low, on_stack = {}, {}, set()
    stack, found, counter = [], [], [0]
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                scc = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    scc.append(top)
                    if top == node:
                        break
                if len(scc) > 1:
                    found.append(sorted(scc))
    return sorted(found)


def parse_allow(text):
    """The allow-list, one entry a line, each with a comment (lines
    starting with #) right above it saying why:
        NAME: FILE FILE ...    a group whose files may call each other
        NAME: FILE -> FILE     one reference against the layering, dropped
                               from the graph before cycles are looked for
    -> ({name: set(files)}, {name: (from, to)})"""
    groups, edges, comment = {}, {}, False
    for num, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            comment = False
            continue
        if line.startswith("#"):
            comment = True
            continue
        name, sep, rest = line.partition(":")
        name, words = name.strip(), rest.split()
        if not sep or not name or not words:
            raise ValueError(f"line {num}: want 'name: file file ...' "
                             "or 'name: file -> file'")
        if not comment:
            raise ValueError(f"line {num}: {name} has no comment saying "
                             "why its cycle is allowed")
        if name in groups or name in edges:
            raise ValueError(f"line {num}: {name} named twice")
        if "->" in words:
            if len(words) != 3 or words[1] != "->":
                raise ValueError(f"line {num}: want 'name: file -> file'")
            edges[name] = (words[0], words[2])
        elif len(words) < 2:
            raise ValueError(f"line {num}: a group needs two files")
        else:
            groups[name] = set(words)
        comment = False
    return groups, edges


def check(graph, groups, edges):
    """-> (allowed, refused, unused): the cycles inside a group as
    (group, files), the cycles nothing allows, the entries nothing needs
    any more.  graph is not changed."""
    used = set()
    graph = {name: dict(deps) for name, deps in graph.items()}
    for name, (src, dst) in sorted(edges.items()):
        if graph.get(src, {}).pop(dst, None) is not None:
            used.add(name)
    allowed, refused = [], []
    for scc in components(graph):
        group = next((g for g, files in sorted(groups.items())
                      if set(scc) <= files), None)
        if group is None:
            refused.append(scc)
        else:
            allowed.append((group, scc))
            used.add(group)
    return allowed, refused, sorted((set(groups) | set(edges)) - used)


def describe(graph, scc, out):
    """Print the references between the files of one cycle."""
    members = set(scc)
    for name in scc:
        for dep, syms in sorted(graph[name].items()):
            if dep in members:
                shown = ", ".join(syms[:4])
                more = f" (+{len(syms) - 4})" if len(syms) > 4 else ""
                print(f"    {name} -> {dep}: {shown}{more}", file=out)


def source_name(obj, root):
    rel = os.path.relpath(obj, root)
    base = os.path.splitext(rel)[0]
    for ext in (".c", ".S"):
        if os.path.exists(base + ext):
            return base + ext
    return rel


def main(argv=None, out=sys.stdout, err=sys.stderr):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nm", default="nm")
    ap.add_argument("--root", default="build/k")
    ap.add_argument("--allow", default=ALLOW_DEFAULT)
    ap.add_argument("objects", nargs="+")
    args = ap.parse_args(argv)

    try:
        with open(args.allow) as f:
            groups, edges = parse_allow(f.read())
    except (OSError, ValueError) as e:
        print(f"check-cycles: {args.allow}: {e}", file=err)
        return 1
    objects = {}
    for obj in args.objects:
        text = subprocess.run([args.nm, obj], check=True, text=True,
                              capture_output=True).stdout
        objects[source_name(obj, args.root)] = parse_nm(text)
    graph = build_graph(objects)
    allowed, refused, unused = check(graph, groups, edges)

    for group, scc in allowed:
        print(f"check-cycles: allowed ({group}): {' '.join(scc)}", file=out)
    for name in unused:
        # Not a failure: a cycle broken elsewhere should not stop a build,
        # but the list should shrink with it.
        print(f"check-cycles: note: {name} allows nothing any more: "
              "drop it from the allow-list", file=out)
    for scc in refused:
        print(f"check-cycles: cycle: {' '.join(scc)}", file=err)
        describe(graph, scc, err)
    if refused:
        print(f"check-cycles: {len(refused)} cycle(s) not in "
              f"{os.path.relpath(args.allow)}: make calls go one way, "
              "or name the group there and say why", file=err)
        return 1
    print(f"check-cycles: ok ({len(objects)} objects)", file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
