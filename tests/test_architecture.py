"""The shape of the code (docs/architecture.md): no import circles, one SQLite library,
short GUI files, no private names of a dependency. import-linter (``make test``) checks
the direction of imports between the layers."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "mesodesk"
MAX_UI_LINES = 500


def import_circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every group of modules that import one another (Tarjan's strongly connected
    components), each sorted; type-checking imports count too."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return circles


def test_mesodesk_has_no_import_circles() -> None:
    graph = grimp.build_graph("mesodesk", exclude_type_checking_imports=False)
    assert import_circles(graph) == []


def test_the_circle_finder_finds_a_circle() -> None:
    graph = grimp.ImportGraph()
    for name in ("a", "a.b", "a.c", "a.d"):
        graph.add_module(name)
    graph.add_import(importer="a.b", imported="a.c")
    graph.add_import(importer="a.c", imported="a.d")
    graph.add_import(importer="a.d", imported="a.b")
    assert import_circles(graph) == [["a.b", "a.c", "a.d"]]


def python_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def imports_of(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) for every import statement of a file, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def test_only_one_sqlite_library_serves_the_app() -> None:
    """Python's built-in sqlite3 beside sqlcipher3 is a second copy of SQLite in the
    process: closing either drops the other's POSIX locks, and saves are lost."""
    users = [str(path.relative_to(ROOT)) for path in python_files(PACKAGE)
             for module, _names in imports_of(path)
             if module == "sqlite3" or module.startswith("sqlite3.")]
    assert users == []


@pytest.mark.parametrize("library", ["reportlab", "shiboken6", "PySide6", "sqlalchemy"])
def test_nothing_imports_a_private_name_of_a_dependency(library: str) -> None:
    private = []
    for path in python_files(PACKAGE):
        for module, names in imports_of(path):
            if module.split(".")[0] != library:
                continue
            parts = module.split(".")[1:] + names
            if any(part.startswith("_") and not part.startswith("__") for part in parts):
                private.append(f"{path.relative_to(ROOT)}: {module} {names}")
    assert private == []


def test_no_gui_file_is_two_widgets() -> None:
    long_files = {str(path.relative_to(ROOT)): lines for path in python_files(PACKAGE / "ui")
                  if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_UI_LINES}
    assert long_files == {}


def test_the_workarounds_are_gone() -> None:
    for name in ("none_guard.py", "lazylog.py", "import_hook.py"):
        assert not (PACKAGE / "ui" / name).exists(), name
    for path in python_files(PACKAGE):
        text = path.read_text(encoding="utf-8")
        assert "TYPE_CHECKING = False" not in text, path
        assert "import ctypes" not in text, path
