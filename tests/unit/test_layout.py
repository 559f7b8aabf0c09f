"""The shape of src/imednet_live/: the numbers issue 30 set, measured on the tree itself.

A newcomer reads the layout from the folder names; these checks keep it readable: a few
modules at the top, none too long to read, one home per shared fact, imports that only go
down the layers, and a tests/unit/ folder for every source package.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
PACKAGE = SRC / "imednet_live"

MAX_TOP_MODULES = 6
MAX_MODULE_LINES = 450
# Lowest first. A module may import its own folder and any folder of a LOWER layer, never
# one of its own layer or above: so the folders form no circle, and data flows one way.
LAYERS: tuple[frozenset[str], ...] = tuple(
    frozenset(names.split())
    for names in (
        "core",  # standard library only: one home per shared fact
        "sdk postgres",  # the build under test; a database for the SQL exports
        "discovery recording",  # what to read and write; traffic to disk and back, scrubbed
        "drift sandbox",  # shapes against the spec; the embedded API
        "charter live",  # the live suite's plugin and the helpers its tests import
        "smoke",  # the gate (it reads the charter's classifications)
        "matrix report",  # what the noxfile runs; what a run's outcomes become
        "doc_tables",  # the docs rendered from the registries
        "__init__ cli mock pytest_sandbox fault_rules",  # the public face and old paths
    )
)
# Facts that have one home in src/ (core/api_paths.py, core/auth.py).
WRITTEN_ONCE = ("/api/v1/edc", "x-api-key", "x-imn-security-key")


def modules() -> Iterator[Path]:
    yield from sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def folder_of(name: str) -> str:
    """``imednet_live.sandbox.seed.ids`` -> ``sandbox``; a top module is its own folder."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports(path: Path, known: set[str]) -> Iterator[str]:
    """Every imednet_live module ``path`` imports, deferred imports included."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if full in known:
                    yield full
                elif node.module in known:
                    yield node.module


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(p): p for p in modules()}
    known = set(paths)
    return {name: set(imports(path, known)) - {name} for name, path in paths.items()}


def layer_of(folder: str) -> int:
    for index, layer in enumerate(LAYERS):
        if folder in layer:
            return index
    raise AssertionError(f"folder {folder!r} has no layer in tests/unit/test_layout.py: add it")


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    found = []
    for name, targets in graph.items():
        for target in targets:
            here, there = folder_of(name), folder_of(target)
            if here != there and layer_of(there) >= layer_of(here):
                found.append(f"{name} -> {target}")
    return sorted(found)


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), parent packages aside.

    Importing ``a.b`` always runs ``a/__init__``; a submodule naming its own parent is no
    circle unless the parent imports it back, which the graph then shows both ways.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def source_packages() -> list[str]:
    return sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py"))


def test_few_modules_at_the_top() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_MODULES, top


def test_no_module_is_too_long_to_read() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


@pytest.mark.parametrize("fact", WRITTEN_ONCE)
def test_a_shared_fact_is_written_once(fact: str) -> None:
    homes = [
        f"{p.relative_to(ROOT)}:{number}"
        for p in modules()
        for number, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        for _ in re.finditer(rf"(?<![\w-]){re.escape(fact)}(?![\w-])", line, re.IGNORECASE)
    ]
    assert len(homes) == 1, homes


def test_no_folder_is_named_like_build_output() -> None:
    assert not (PACKAGE / "target").exists()


def test_imports_go_down_the_layers_and_close_no_circle() -> None:
    graph = import_graph()
    assert upward_imports(graph) == []
    assert circles(graph) == []


def test_the_checks_see_a_circle_and_an_upward_import() -> None:
    graph = {
        "imednet_live.core.a": {"imednet_live.report.b"},
        "imednet_live.report.b": {"imednet_live.core.a"},
    }
    assert upward_imports(graph) == ["imednet_live.core.a -> imednet_live.report.b"]
    assert circles(graph) == [["imednet_live.core.a", "imednet_live.report.b"]]


def test_every_source_package_has_its_tests() -> None:
    missing = [name for name in source_packages() if not (ROOT / "tests/unit" / name).is_dir()]
    assert missing == []


def test_every_test_folder_names_a_source_package() -> None:
    folders = sorted(p.name for p in (ROOT / "tests/unit").iterdir() if p.is_dir())
    strays = [f for f in folders if f not in source_packages() and not f.startswith((".", "__"))]
    assert strays == []
