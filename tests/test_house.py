"""The house rules of ``../shared/STYLE.md`` that a machine can check: which room imports which.

Every import of a ``compare`` module is read from the source (module level and inside functions),
so a lazy import that goes the wrong way counts as much as one at the top of a file.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import compare

SRC = Path(compare.__file__).resolve().parent

#: rooms and the rooms each must never import (data flows one way: see STYLE.md).
FORBIDDEN = {
    "sources": ("indicators", "governance", "evaluation", "qca", "plots", "pages", "reports"),
    "indicators": ("governance", "evaluation", "qca", "plots", "pages", "reports"),
    "governance": ("indicators", "evaluation", "qca", "plots", "pages", "reports"),
    "evaluation": ("governance", "plots", "pages", "reports"),
    "qca": ("governance", "plots", "pages", "reports"),
    "plots": ("pages", "reports"),
    "pages": ("reports",),
    "schema": ("indicators", "evaluation", "qca", "plots", "pages", "reports"),
}


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """``compare.*`` modules imported anywhere in ``path`` (module level or in functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "compare"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "compare":
                out.add(node.module)
    return out


MODULES = {_module_name(p): _imports(p) for p in sorted(SRC.rglob("*.py"))}


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_room_imports_only_from_rooms_above_it(room):
    bad = sorted(
        f"{m} imports {i}"
        for m, imports in MODULES.items()
        if _room(m) == room
        for i in imports
        if _room(i) in FORBIDDEN[room]
    )
    assert not bad, f"compare.{room} must not import {FORBIDDEN[room]}: " + "; ".join(bad)


def test_no_import_cycle_between_modules():
    # edges to a package's own __init__ re-exports are not cycles of concepts: a package
    # __init__ importing its modules, and a module using the package's public names, is fine
    graph = {
        m: {i for i in imports if i in MODULES and not m.startswith(i + ".") and i != m}
        for m, imports in MODULES.items()
        if not m.endswith("__init__")
    }
    graph = {
        m: {i for i in deps if not (MODULES.get(i) is not None and _is_package(i))}
        for m, deps in graph.items()
    }
    cycles = _cycles(graph)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def _is_package(module: str) -> bool:
    return (SRC.parent / Path(*module.split(".")) / "__init__.py").is_file()


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_checker_sees_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
