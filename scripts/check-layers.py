#!/usr/bin/env python3
"""Fails when modules import each other in a circle, or a layer names a layer above it.

For each crate (src-tauri/src and crates/*/src) it reads every top-level module (a file, or a
folder's files together; `mod tests` left out), takes the modules it names (`crate::x`,
`use crate::{x, y::z}`), and looks for circles (strongly connected components of more than one
module). It does the same inside each folder module, between the folder's files (named as
`super::x` or `crate::folder::x`). `lib.rs` and `main.rs`, the roots that wire the modules
together, are left out. In the app (src-tauri/src) the folders are layers, in the order of
LAYERS: a layer may name only the layers before it. Prints each fault with its edges.
Usage: scripts/check-layers.py   (exit 1 on a fault)
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
# The app's layers, lowest first (see src-tauri/src/lib.rs).
LAYERS = ["model", "platform", "shell", "control"]


def named_modules(source, prefix="crate::"):
    """The module names a file refers to through `prefix` (`crate::` for the top-level ones):
    `prefix x` and `prefix {x, y::z}`."""
    names = set(re.findall(r"\b" + re.escape(prefix) + r"([a-z_][a-z0-9_]*)", source))
    for opening in re.finditer(r"\b" + re.escape(prefix) + r"\{", source):
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


def without_tests(path):
    return re.split(r"#\[cfg\(test\)\]\s*mod tests", path.read_text())[0]


def graph_of(src):
    """Top-level modules and whom they name: a folder module counts all its files."""
    files = {p.stem: [p] for p in src.glob("*.rs") if p.stem not in ("lib", "main")}
    files.update({p.name: sorted(p.rglob("*.rs")) for p in src.iterdir() if (p / "mod.rs").exists()})
    graph = {}
    for name, paths in files.items():
        text = "\n".join(without_tests(path) for path in paths)
        graph[name] = {m for m in named_modules(text) if m in files and m != name}
    return graph


def folder_graph(folder, src):
    """The files of a folder module and which of them each names."""
    files = {p.stem: p for p in folder.glob("*.rs") if p.stem != "mod"}
    prefix = "crate::" + "::".join(folder.relative_to(src).parts) + "::"
    graph = {}
    for name, path in files.items():
        text = without_tests(path)
        named = named_modules(text, "super::") | named_modules(text, prefix)
        graph[name] = {m for m in named if m in files and m != name}
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
        graphs = [(src, graph_of(src))]
        graphs += [(folder, folder_graph(folder, src)) for folder in sorted(src.rglob("mod.rs"))
                   for folder in [folder.parent]]
        for where, graph in graphs:
            for circle in circles(graph):
                bad = True
                print(f"{where.relative_to(ROOT)}: modules import each other in a circle: {', '.join(circle)}")
                for module in circle:
                    print(f"  {module} -> {', '.join(sorted(graph[module] & set(circle)))}")
        if src.parent.name == "src-tauri":
            graph = graphs[0][1]
            for lower, layer in enumerate(LAYERS):
                for above in LAYERS[lower + 1:]:
                    if above in graph.get(layer, ()):
                        bad = True
                        print(f"{src.relative_to(ROOT)}: layer {layer} names {above}, a layer above it")
    if not bad:
        print(f"check-layers: no import circle in {len(crates)} crates (nor inside their folders); "
              f"the app's layers {' < '.join(LAYERS)} keep their order")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
