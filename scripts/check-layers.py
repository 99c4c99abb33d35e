#!/usr/bin/env python3
"""Fails when the top-level modules of a crate import each other in a circle.

For each crate (src-tauri/src and crates/*/src) it reads every top-level module's file (its
`mod tests` left out), takes the modules it names (`crate::x`, `use crate::{x, y::z}`), and looks
for circles (strongly connected components of more than one module). `lib.rs` and `main.rs`, the
roots that wire the modules together, are left out. Prints each circle with its edges.
Usage: scripts/check-layers.py   (exit 1 on a circle)
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def named_modules(source):
    """The top-level module names a file refers to through `crate::`."""
    names = set(re.findall(r"\bcrate::([a-z_][a-z0-9_]*)", source))
    for opening in re.finditer(r"\bcrate::\{", source):
        # The group up to its matching brace, then its nested groups dropped: what is left is
        # `a, b::c, d` at the top level.
        depth, end = 1, opening.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(source[end], 0)
            end += 1
        group = source[opening.end():end - 1]
        while re.search(r"\{[^{}]*\}", group):
            group = re.sub(r"\{[^{}]*\}", "", group)
        names.update(item.strip().split("::")[0] for item in group.split(",") if item.strip())
    return names


def graph_of(src):
    files = {p.stem: p for p in src.glob("*.rs") if p.stem not in ("lib", "main")}
    files.update({p.name: p / "mod.rs" for p in src.iterdir() if (p / "mod.rs").exists()})
    graph = {}
    for name, path in files.items():
        text = path.read_text()
        text = re.split(r"#\[cfg\(test\)\]\s*mod tests", text)[0]
        graph[name] = {m for m in named_modules(text) if m in files and m != name}
    return graph


def circles(graph):
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def main():
    sys.setrecursionlimit(10_000)
    crates = [ROOT / "src-tauri/src"] + sorted(ROOT.glob("crates/*/src"))
    bad = False
    for src in crates:
        graph = graph_of(src)
        for circle in circles(graph):
            bad = True
            print(f"{src.relative_to(ROOT)}: modules import each other in a circle: {', '.join(circle)}")
            for module in circle:
                print(f"  {module} -> {', '.join(sorted(graph[module] & set(circle)))}")
    if not bad:
        print(f"check-layers: no import circle in {len(crates)} crates")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
