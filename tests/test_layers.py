"""The layers of ``together/`` read top-down: no module imports from a layer above its
own, and no modules import each other in a loop (within one layer too).

The layers are the rows of the table "The layers of together/, top to bottom" in
together/ARCHITECTURE.md, read from that file, so that the document and this test can't
disagree; a module no row names fails here. The modules are read as source (``ast``),
never imported.

What counts as an import: every ``import`` and ``from ... import`` of a together module,
at module level or inside a function, since a deferred import still ties the two modules
at run time. Imports under ``if TYPE_CHECKING:`` don't count: they never run, and name
types only. ``from . import name`` counts as importing the submodule ``name`` when there
is one, else the package. Loads by ``importlib`` are not seen.

KNOWN_UPWARD and KNOWN_CYCLES list what is known and left to other work, each with why;
an entry that no longer occurs fails too, so the lists only shrink.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "together"
TABLE_TITLE = "## The layers of `together/`, top to bottom"

# (importer, imported) → why it is still there.
KNOWN_UPWARD: dict[tuple[str, str], str] = {}

# The modules of one import cycle → why it is still there.
KNOWN_CYCLES: dict[frozenset[str], str] = {}


def layer_table(text: str) -> list[list[str]]:
    """The module names of each row of the layer table (top row first): files as
    ``_client.py``, folders as ``_cli/``."""
    section = text.split(TABLE_TITLE, 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")][2:]
    return [re.findall(r"`([^`]+)`", row.split("|")[2]) for row in rows]


def imports(root: Path) -> dict[str, set[str]]:
    """Each module of the package at ``root`` (as ``_cli/tree.py``) → the modules of the
    package it imports at run time."""
    files = {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*.py"))}
    dotted = {}
    for name in files:
        parts = name.removesuffix(".py").split("/")
        dotted[".".join([root.name, *(parts[:-1] if parts[-1] == "__init__" else parts)])] = name
    found: dict[str, set[str]] = {}
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        skipped = {id(n) for n in _type_checking_only(tree)}
        package = ".".join([root.name, *name.split("/")[:-1]])
        targets: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                targets |= {dotted[a.name] for a in node.names if a.name in dotted}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, *([node.module] if node.module else [])])
                for alias in node.names:
                    target = dotted.get(f"{base}.{alias.name}") or dotted.get(base)
                    if target is not None:
                        targets.add(target)
        found[name] = targets - {name}
    return found


def _type_checking_only(tree: ast.AST) -> list[ast.AST]:
    """The nodes inside ``if TYPE_CHECKING:`` blocks (not their ``else``)."""
    inside: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.attr if isinstance(test, ast.Attribute) else getattr(test, "id", None)
            if name == "TYPE_CHECKING":
                for statement in node.body:
                    inside.extend(ast.walk(statement))
    return inside


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The sets of modules that import each other in a loop (strongly connected
    components of more than one module), by Tarjan's algorithm."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def layers_of(modules: set[str], table: list[list[str]]) -> dict[str, int]:
    """Each module → its row in ``table`` (0 is the top), by file name or folder."""
    rows: dict[str, int] = {}
    for module in modules:
        matches = [
            i
            for i, names in enumerate(table)
            for n in names
            if module == n or (n.endswith("/") and module.startswith(n))
        ]
        if len(matches) == 1:
            rows[module] = matches[0]
    return rows


GRAPH = imports(PACKAGE)
TABLE = layer_table((PACKAGE / "ARCHITECTURE.md").read_text(encoding="utf-8"))
LAYERS = layers_of(set(GRAPH), TABLE)


def upward(graph: dict[str, set[str]], layers: dict[str, int]) -> set[tuple[str, str]]:
    """The imports (importer, imported) from a layer to one above it."""
    return {(a, b) for a, targets in graph.items() for b in targets if layers[b] < layers[a]}


def test_each_module_is_in_one_row_of_the_layer_table() -> None:
    unplaced = sorted(m for m in GRAPH if m not in LAYERS)
    assert not unplaced, f"no row (or several) of ARCHITECTURE.md's layer table names {unplaced}"
    named = [n for row in TABLE for n in row]
    missing = [n for n in named if not any(m == n or m.startswith(n) for m in GRAPH)]
    assert not missing, f"the layer table names modules that don't exist: {missing}"


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    found = upward(GRAPH, LAYERS) - set(KNOWN_UPWARD)
    assert not found, "imports from a layer above:\n" + "\n".join(
        f"  {a} (layer {LAYERS[a] + 1}) imports {b} (layer {LAYERS[b] + 1})"
        for a, b in sorted(found)
    )


def test_no_modules_import_each_other_in_a_loop() -> None:
    found = [c for c in cycles(GRAPH) if c not in KNOWN_CYCLES]
    assert not found, "import cycles:\n" + "\n".join("  " + ", ".join(sorted(c)) for c in found)


def test_each_known_exception_still_occurs() -> None:
    """A fixed one is taken off its list, so that it can't come back unnoticed."""
    gone = [f"upward {a} -> {b}" for a, b in KNOWN_UPWARD if (a, b) not in upward(GRAPH, LAYERS)]
    gone += [f"cycle {sorted(c)}" for c in KNOWN_CYCLES if c not in cycles(GRAPH)]
    assert not gone, "no longer found; take them off the known lists:\n" + "\n".join(gone)


def test_the_reader_counts_deferred_imports_and_skips_type_checking_ones(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    sources = {
        "__init__.py": "",
        "top.py": "def later():\n    from .low import x\n",
        "low.py": (
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from .top import T\n"
            "from . import mid\nfrom .sub import name\n"
        ),
        "mid.py": "import pkg.low\n",
        "sub/__init__.py": "name = 1\n",
    }
    for name, source in sources.items():
        (package / name).write_text(source, encoding="utf-8")

    graph = imports(package)

    assert graph == {
        "__init__.py": set(),
        "top.py": {"low.py"},
        "low.py": {"mid.py", "sub/__init__.py"},
        "mid.py": {"low.py"},
        "sub/__init__.py": set(),
    }
    assert cycles(graph) == [frozenset({"low.py", "mid.py"})]
    table = [["low.py", "mid.py"], ["top.py", "__init__.py", "sub/"]]
    assert upward(graph, layers_of(set(graph), table)) == {("top.py", "low.py")}
