#!/usr/bin/env python3
"""Module dependency graph, import cycles and longest functions of huddle's src/.

Run from the repository root (standard library only):

    python3 bench/module_graph.py                  # imports per top-level module + cycles
    python3 bench/module_graph.py --functions 10   # also the 10 longest fns and files
    python3 bench/module_graph.py --edges          # every module-level edge with file:line
    python3 bench/module_graph.py --fail-on-cycles # exit 1 if any cycle exists

Maps src/**/*.rs to modules, resolves `use` trees and inline `crate::`, `super::`,
`self::` paths (`huddle::` in main.rs; bare paths into a module's own children) to
the longest existing module, then finds cycles with Tarjan's algorithm on the graph
collapsed to top-level modules, ignoring edges within one top-level module and into
the crate root `lib`. Comments, literals and `#[cfg(test)]` items never count.
"""
import argparse
import os
import re
import sys
from collections import deque, namedtuple

TOKEN = re.compile(r"""
    //[^\n]*
  | (?P<block>/\*)
  | (?<!\w) b?r(?P<hashes>\#*)".*?"(?P=hashes)   # raw strings r"..", r#".."#, br".."
  | "(?:\\.|[^"\\])*"                        # strings (a b"" prefix just stays)
  | '(?:\\(?:.|[^']+)|[^\\'])'                 # chars '{' '\'' '\u{7b}'; not lifetimes 'a
""", re.X | re.S)
CFG_TEST = re.compile(r"#\[cfg\(test\)\]")
USE_STMT = re.compile(r"\buse\s+([^;]+);")
PATH = re.compile(r"(?<![\w:])([a-z_]\w*(?:::\w+)+)")
FN_ITEM = re.compile(r"\bfn\s+([A-Za-z_]\w*)")
# `impl` / `trait` at the start of a line, with impl's own generics `<...>` skipped
OWNER_ITEM = re.compile(r"^[ \t]*(?:pub(?:\([^)]*\))?\s+)?(?:unsafe\s+)?(?:impl|trait)\b"
                        r"(?:\s*<[^{]*?>(?=\s))?", re.M)


def block_comment_end(text, start):
    """Index just past the block comment opened at start (they nest in Rust)."""
    depth = 0
    for m in re.compile(r"/\*|\*/").finditer(text, start):
        depth += 1 if m.group() == "/*" else -1
        if depth == 0:
            return m.end()
    return len(text)


def blank_literals(text):
    """Replace comments, strings and char literals with spaces (newlines kept)."""
    out, i = [], 0
    while m := TOKEN.search(text, i):
        end = block_comment_end(text, m.start()) if m.group("block") else m.end()
        out += [text[i:m.start()], re.sub(r"[^\n]", " ", text[m.start():end])]
        i = end
    return "".join(out + [text[i:]])


def brace_pairs(code):
    """Map the index of every '{' to the index of its matching '}'."""
    pairs, stack = {}, []
    for i, c in enumerate(code):
        if c == "{":
            stack.append(i)
        elif c == "}" and stack:
            pairs[stack.pop()] = i
    return pairs


def body_open(code, pos):
    """Index of the first '{' after pos outside () and [], or None if ';' comes first."""
    depth = 0
    for i in range(pos, len(code)):
        depth += (code[i] in "([") - (code[i] in ")]")
        if depth == 0 and code[i] in "{;":
            return i if code[i] == "{" else None
    return None


def blank_cfg_test(code):
    """Blank every item marked #[cfg(test)] (e.g. `mod tests { ... }`), keeping newlines."""
    pairs = brace_pairs(code)
    for m in reversed(list(CFG_TEST.finditer(code))):
        start = code.rfind("\n", 0, m.start()) + 1
        open_ = body_open(code, m.end())
        end = pairs.get(open_, len(code)) if open_ is not None else code.find(";", m.end())
        code = code[:start] + re.sub(r"[^\n]", " ", code[start:end + 1]) + code[end + 1:]
    return code


def module_of(rel):
    """'lib.rs' -> (), 'foo.rs' -> ('foo',), 'foo/mod.rs' -> ('foo',), 'foo/bar.rs' -> ('foo','bar')."""
    parts = rel.replace(os.sep, "/")[:-3].split("/")
    if parts in (["lib"], ["main"]) or parts[-1] == "mod":
        parts = parts[:-1]
    return tuple(parts)


def expand_use_tree(tree):
    """'a::{b, c::{d, self}}' -> ['a::b', 'a::c::d', 'a::c']."""
    tree = re.sub(r"\s+", "", re.sub(r"\s+as\s+\w+", "", tree))
    brace = tree.find("{")
    if brace < 0:
        return [tree]
    prefix, inner = tree[:brace], tree[brace + 1:tree.rindex("}")]
    parts, depth, last = [], 0, 0
    for i, c in enumerate(inner + ","):
        depth += {"{": 1, "}": -1}.get(c, 0)
        if c == "," and depth == 0:
            parts.append(inner[last:i])
            last = i + 1
    paths = []
    for part in filter(None, parts):
        for sub in expand_use_tree(part):
            paths.append(prefix.rstrip(":") if sub == "self" else prefix + sub)
    return paths


def resolve(path, cur, modules, is_main):
    """Module a path refers to ('lib' for the crate root), or None if not this crate."""
    segs = [s for s in path.split("::") if s]
    if not segs:
        return None
    if segs[0] == ("huddle" if is_main else "crate"):
        base, rest = [], segs[1:]
    elif segs[0] in ("self", "super") and not is_main:
        base, rest = list(cur), segs
        while rest and rest[0] in ("self", "super"):
            if rest.pop(0) == "super" and base:
                base.pop()
    elif not is_main and tuple(cur) + (segs[0],) in modules:  # bare path into a child
        base, rest = list(cur), segs
    else:
        return None
    best = base
    for k in range(1, len(rest) + 1):
        if tuple(base + rest[:k]) not in modules:
            break
        best = base + rest[:k]
    return "::".join(best) or "lib"


def line_at(code, pos):
    return code.count("\n", 0, pos) + 1


def module_edges(code, name, cur, modules, is_main, where):
    """{target module: first 'file:line'} for every reference from this file."""
    found = {}
    refs = [(p, m.start()) for m in USE_STMT.finditer(code) for p in expand_use_tree(m.group(1))]
    without_uses = USE_STMT.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), code)
    refs += [(m.group(1), m.start()) for m in PATH.finditer(without_uses)]
    for path, pos in sorted(refs, key=lambda r: r[1]):
        target = resolve(path, cur, modules, is_main)
        if target and target != name and target not in found:
            found[target] = f"{where}:{line_at(code, pos)}"
    return found


def tarjan(graph):
    """Strongly connected components of graph (dict node -> set of nodes)."""
    index, low, stack, on_stack, sccs = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:  # v is the root of a component: pop it off the stack
            scc = stack[stack.index(v):]
            del stack[stack.index(v):]
            on_stack.difference_update(scc)
            sccs.append(sorted(scc))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sccs


def example_cycle(start, members, graph):
    """Shortest path start -> ... -> start inside one SCC, found by BFS."""
    queue, seen = deque([[start]]), {start}
    while queue:
        path = queue.popleft()
        for w in sorted(graph.get(path[-1], ())):
            if w == start:
                return path + [start]
            if w in members and w not in seen:
                seen.add(w)
                queue.append(path + [w])
    return [start]


def longest_functions(code, where):
    """(lines, 'file:line', name) for every fn item with a body."""
    pairs = brace_pairs(code)
    owners = []  # (open, close, type name) of impl and trait blocks
    for m in OWNER_ITEM.finditer(code):
        open_ = body_open(code, m.end())
        header = re.split(r"\bwhere\b", code[m.end():open_ or m.end()])[0]
        owner = re.match(r"\s*&?\s*(?:\w+::)*(\w+)", re.split(r"\bfor\b", header)[-1])
        if open_ in pairs and owner:  # `impl Trait for Type` -> Type; `trait Name: Bound` -> Name
            owners.append((open_, pairs[open_], owner.group(1)))
    result = []
    for m in FN_ITEM.finditer(code):
        open_ = body_open(code, m.end())
        if open_ is None or open_ not in pairs:
            continue  # trait method declaration without a body
        inside = [o for o in owners if o[0] < m.start() < o[1]]
        name = m.group(1)
        if inside:
            name = max(inside)[2] + "::" + name  # innermost impl/trait
        first = line_at(code, m.start())
        result.append((line_at(code, pairs[open_]) - first + 1, f"{where}:{first}", name))
    return result


Source = namedtuple("Source", "path name segs is_main text code")


def read_sources(src_dir):
    """Every .rs file under src_dir, sorted by path, with its module and blanked code."""
    sources = []
    for dirpath, _, names in os.walk(src_dir):
        for fname in (n for n in names if n.endswith(".rs")):
            path = os.path.join(dirpath, fname)
            rel = os.path.relpath(path, src_dir)
            segs, is_main = module_of(rel), rel == "main.rs"
            with open(path, encoding="utf-8") as f:
                text = f.read()
            name = "main" if is_main else "::".join(segs) or "lib"
            sources.append(Source(path, name, segs, is_main, text, blank_cfg_test(blank_literals(text))))
    return sorted(sources)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", default="src", help="source folder (default: src)")
    ap.add_argument("--functions", type=int, nargs="?", const=10, metavar="N",
                    help="also print the N (default 10) longest functions and the 10 longest files")
    ap.add_argument("--edges", action="store_true", help="print every module-level edge with file:line")
    ap.add_argument("--fail-on-cycles", action="store_true", help="exit 1 if any cycle exists")
    args = ap.parse_args()

    sources = read_sources(args.src)
    modules = {s.segs for s in sources if not s.is_main}
    edges = {s.name: module_edges(s.code, s.name, list(s.segs), modules, s.is_main, s.path) for s in sources}
    top = lambda mod: mod.split("::")[0]
    top_imports = {}
    for mod, targets in edges.items():
        top_imports.setdefault(top(mod), set()).update(top(t) for t in targets if top(t) != top(mod))

    width = max(map(len, edges))
    print("== imports per top-level module (edges to lib are listed but not used for cycles)")
    for mod in sorted(top_imports):
        print(f"{mod:<{width}} -> {', '.join(sorted(top_imports[mod])) or '(none)'}")
    print("\n== imports of nested modules (full module paths)")
    for mod in sorted(m for m in edges if "::" in m):
        print(f"{mod:<{width}} -> {', '.join(sorted(edges[mod])) or '(none)'}")
    if args.edges:
        print("\n== every module-level edge (first reference)")
        for mod in sorted(edges):
            for target, where in sorted(edges[mod].items()):
                print(f"{mod} -> {target}  ({where})")

    graph = {mod: {t for t in targets if t != "lib"} for mod, targets in top_imports.items()}
    sccs = [scc for scc in tarjan(graph) if len(scc) > 1]
    print("\n== import cycles (strongly connected components of top-level modules)")
    for i, scc in enumerate(sccs, 1):
        print(f"cycle {i}: {{{', '.join(scc)}}}")
        print(f"  e.g. {' -> '.join(example_cycle(scc[0], set(scc), graph))}")
    print(f"cycles: {len(sccs)}")
    print(f"modules in cycles: {sum(map(len, sccs))}")

    if args.functions is not None:
        fns = sorted((fn for s in sources for fn in longest_functions(s.code, s.path)),
                     key=lambda fn: (-fn[0], fn[1]))
        print(f"\n== {args.functions} longest functions (lines  file:line  name; tests excluded)")
        for lines, where, name in fns[:args.functions]:
            print(f"{lines:5}  {where}  {name}")
        print("\n== 10 longest files (lines  file)")
        for lines, path in sorted((-s.text.count("\n"), s.path) for s in sources)[:10]:
            print(f"{-lines:5}  {path}")
    return 1 if args.fail_on_cycles and sccs else 0


if __name__ == "__main__":
    sys.exit(main())
