"""The domain's modules import each other in one direction: no import circles."""

from __future__ import annotations

import pytest

grimp = pytest.importorskip("grimp")  # installed with import-linter (the dev extra)

PACKAGE = "mesodesk.domain"


def _cycles(graph, package: str) -> list[tuple[str, ...]]:
    """Each import circle among the package's modules, found by a depth-first search."""
    modules = sorted(m for m in graph.modules if m.startswith(package + "."))
    inside = set(modules)
    found: list[tuple[str, ...]] = []
    state: dict[str, str] = {}  # "open" while on the path, "done" when finished
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = "open"
        path.append(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module) & inside):
            if state.get(imported) == "open":
                found.append((*path[path.index(imported):], imported))
            elif imported not in state:
                visit(imported)
        path.pop()
        state[module] = "done"

    for module in modules:
        if module not in state:
            visit(module)
    return found


def test_no_import_circles_inside_the_domain():
    graph = grimp.build_graph("mesodesk", cache_dir=None)
    assert _cycles(graph, PACKAGE) == []


def test_the_search_finds_a_circle():
    graph = grimp.ImportGraph()
    for module in ("p", "p.a", "p.b", "p.c"):
        graph.add_module(module)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.c")
    graph.add_import(importer="p.c", imported="p.a")
    assert _cycles(graph, "p") == [("p.a", "p.b", "p.c", "p.a")]
