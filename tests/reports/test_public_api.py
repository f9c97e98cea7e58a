"""mesodesk uses reportlab's public API only (design.md: no private API of a
dependency, no copy of its internals).

Every module of ``mesodesk/`` is read with ``ast``: no private name (``_x``) is
imported from reportlab or reached through a reportlab module or class, no
reportlab module is private, and the modules that use reportlab touch none of its
private attributes: not on a reportlab object (``flowable._content``), and not
from a subclass of a reportlab class (``self._startPage()`` in a Canvas).
"""

from __future__ import annotations

import ast
import importlib
import inspect
from functools import cache
from pathlib import Path

import pytest

MESODESK = Path(__file__).resolve().parents[2] / "mesodesk"


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _is_reportlab(module: str | None) -> bool:
    return bool(module) and module.split(".")[0] == "reportlab"


def _reportlab_names(tree: ast.AST) -> dict[str, tuple[str, str | None]]:
    """The names a module binds to reportlab: name -> (module, attribute or None)."""
    names: dict[str, tuple[str, str | None]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _is_reportlab(alias.name):
                    if alias.asname:
                        names[alias.asname] = (alias.name, None)
                    else:
                        names["reportlab"] = ("reportlab", None)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _is_reportlab(node.module):
            for alias in node.names:
                names[alias.asname or alias.name] = (node.module, alias.name)
    return names


def _root(node: ast.expr) -> ast.expr:
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node


def _private_attributes_of_tree(tree: ast.AST) -> set[str]:
    """The private names a piece of reportlab uses as its own: ``self._x``/``cls._x``,
    and private methods and class attributes."""
    names = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and is_private(node.attr)
                and isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"}):
            names.add(node.attr)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and is_private(
                        item.name):
                    names.add(item.name)
                elif isinstance(item, ast.Assign):
                    names |= {t.id for t in item.targets
                              if isinstance(t, ast.Name) and is_private(t.id)}
    return names


@cache
def _parsed(path: str) -> ast.Module:
    return ast.parse(Path(path).read_text(encoding="utf-8"))


@cache
def _private_attributes_of_file(path: str) -> frozenset[str]:
    return frozenset(_private_attributes_of_tree(_parsed(path)))


def _defining_files(module: str, name: str | None) -> set[str]:
    """The reportlab source files behind an imported name: its module's, and for a
    class those of its reportlab bases, for a module its own."""
    try:
        imported = importlib.import_module(module)
    except ImportError:
        return set()
    files = {inspect.getfile(imported)}
    value = getattr(imported, name, None) if name else None
    if inspect.ismodule(value) and _is_reportlab(value.__name__):
        files.add(inspect.getfile(value))
    elif inspect.isclass(value):
        files |= {inspect.getfile(klass) for klass in value.__mro__
                  if _is_reportlab(klass.__module__)}
    return {f for f in files if f.endswith(".py")}


# What every user of reportlab's platypus holds: flowables, frames, the document
# template and its canvas.
CORE = [("reportlab.pdfgen.canvas", "Canvas"), ("reportlab.platypus", "Flowable"),
        ("reportlab.platypus", "Frame"), ("reportlab.platypus", "BaseDocTemplate")]


def reportlab_private_attributes(bound: dict[str, tuple[str, str | None]]) -> frozenset[str]:
    """The private attribute names used in the reportlab code a module imports and
    in reportlab's core: those the reportlab objects it holds can have."""
    names: set[str] = set()
    for module, name in {*bound.values(), *CORE}:
        for path in _defining_files(module, name):
            names |= _private_attributes_of_file(path)
    return frozenset(names)


@cache
def _class_private_attributes(module: str, name: str) -> frozenset[str]:
    """The private attributes of a reportlab class and of its reportlab bases."""
    try:
        cls = getattr(importlib.import_module(module), name, None)
    except ImportError:
        return frozenset()
    if not inspect.isclass(cls):
        return frozenset()
    names: set[str] = set()
    for klass in cls.__mro__:
        if not _is_reportlab(klass.__module__):
            continue
        names |= {n for n in vars(klass) if is_private(n)}
        tree = _parsed(inspect.getfile(klass))
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and node.name == klass.__name__:
                names |= _private_attributes_of_tree(node)
    return frozenset(names)


def _own_attributes(tree: ast.AST) -> set[str]:
    """Private names a module defines for itself (``self._x = …``, ``def _x``)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute):
                    names.add(target.attr)
                elif isinstance(target, ast.Name):
                    names.add(target.id)
    return {n for n in names if is_private(n)}


def private_uses(source: str, where: str = "<source>") -> list[str]:
    """What a module uses of reportlab's private API, one line each."""
    tree = ast.parse(source)
    found = []

    def flag(node: ast.AST, what: str) -> None:
        found.append(f"{where}:{node.lineno}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _is_reportlab(alias.name) and any(map(is_private, alias.name.split("."))):
                    flag(node, f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _is_reportlab(node.module):
            assert node.module is not None
            if any(map(is_private, node.module.split("."))):
                flag(node, f"from {node.module} import …")
            for alias in node.names:
                if is_private(alias.name):
                    flag(node, f"from {node.module} import {alias.name}")

    bound = _reportlab_names(tree)
    if not bound:
        return found  # a module that does not use reportlab holds none of its objects
    everywhere = reportlab_private_attributes(bound)
    own = _own_attributes(tree)

    # Through a reportlab module or class: reportlab.rl_config._FUZZ, Canvas._code.
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and is_private(node.attr):
            root = _root(node)
            if isinstance(root, ast.Name) and root.id in bound:
                flag(node, f"{root.id}….{node.attr}")
            elif not (isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"}):
                # On some object: one of reportlab's own private attributes, unless
                # the module defines that name for itself.
                if node.attr in everywhere and node.attr not in own:
                    flag(node, f"….{node.attr} (a private attribute of reportlab's)")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in {"getattr", "setattr", "hasattr", "delattr"}
              and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)
              and isinstance(node.args[1].value, str) and is_private(node.args[1].value)
              and node.args[1].value in everywhere and node.args[1].value not in own):
            flag(node, f"{node.func.id}(…, {node.args[1].value!r})")

    # From a subclass of a reportlab class: its inherited private attributes.
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        inherited: set[str] = set()
        for base in node.bases:
            root = _root(base)
            if isinstance(base, ast.Name) and base.id in bound:
                module, name = bound[base.id]
                if name is not None:
                    inherited |= _class_private_attributes(module, name)
            elif isinstance(root, ast.Name) and root.id in bound:
                inherited |= everywhere
        for item in ast.walk(node):
            if (isinstance(item, ast.Attribute) and item.attr in inherited
                    and isinstance(item.value, ast.Name) and item.value.id in {"self", "cls"}):
                flag(item, f"{node.name}: self.{item.attr} (reportlab's, inherited)")
            elif (isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                  and item.name in inherited):
                flag(item, f"{node.name}.{item.name} overrides reportlab's private method")
    return found


def _mesodesk_modules() -> list[Path]:
    return sorted(MESODESK.rglob("*.py"))


def test_no_module_of_mesodesk_uses_reportlabs_private_api():
    modules = _mesodesk_modules()
    assert len(modules) > 20 and MESODESK / "reports" / "blocks.py" in modules
    found = []
    for path in modules:
        found += private_uses(path.read_text(encoding="utf-8"), str(path.relative_to(MESODESK)))
    assert found == []


# What the scan must find: the shortcuts mesodesk once took, and their like.
PRIVATE = {
    "a private name imported": "from reportlab.platypus.paragraph import _hyphenateWord",
    "one of several": "from reportlab.platypus.paragraph import (\n    split,\n    _leftDrawParaLine,\n)",
    "a private setting": "from reportlab.rl_config import _FUZZ",
    "a private module": "from reportlab.platypus._private import thing",
    "a private module imported": "import reportlab._private",
    "through a module": "import reportlab.rl_config\nx = reportlab.rl_config._FUZZ",
    "through a module alias": "from reportlab.platypus import paragraph as p\np._handleBulletWidth(1, 2, 3)",
    "through a class": "from reportlab.platypus import KeepTogether\nKeepTogether._content",
    "on a reportlab object": (
        "from reportlab.platypus import KeepTogether\n"
        "def glue(item):\n    return list(item._content)"),
    "on the canvas of a flowable": (
        "from reportlab.platypus import Flowable\n"
        "class Marker(Flowable):\n    def draw(self):\n        self.canv._code.append('')"),
    "by getattr": (
        "from reportlab.platypus import Paragraph\n"
        "def lines(p):\n    return getattr(p, '_splitLongWordCount', 0)"),
    "inherited, in a subclass": (
        "from reportlab.pdfgen.canvas import Canvas\n"
        "class Numbered(Canvas):\n    def showPage(self):\n        self._startPage()"),
    "inherited state, in a subclass": (
        "from reportlab.pdfgen import canvas\n"
        "class Numbered(canvas.Canvas):\n    def size(self):\n        return self._pagesize"),
    "a private method overridden": (
        "from reportlab.platypus import Paragraph\n"
        "class Fast(Paragraph):\n    def _get_split_blParaFunc(self):\n        return None"),
}

PUBLIC = {
    "public names": "from reportlab.platypus import Paragraph, KeepTogether\nParagraph.wrap",
    "a subclass's own state": (
        "from reportlab.platypus import Flowable\n"
        "class Box(Flowable):\n    def __init__(self):\n        self._tint = 1\n"
        "    def draw(self):\n        self.canv.rect(0, 0, self._tint, 1)"),
    "no reportlab at all": "class A:\n    def f(self, other):\n        return other._code",
}


@pytest.mark.parametrize("case", PRIVATE)
def test_the_scan_finds_private_api(case):
    assert private_uses(PRIVATE[case]) != []


@pytest.mark.parametrize("case", PUBLIC)
def test_the_scan_lets_public_api_pass(case):
    assert private_uses(PUBLIC[case]) == []
