"""The plugins use pytest's public API only: a ``_pytest`` import, or a private attribute of
pytest's objects (``tr._tw``), breaks on any pytest release without notice."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[3] / "src"
# Private attributes of pytest's own objects that a plugin reaches for.
PRIVATE_PYTEST_ATTRIBUTES = {"_tw", "_session", "_fixturemanager", "_store", "_xml", "_pyfuncitem"}


def _private_uses(path: Path, root: Path = SRC) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Attribute) and node.attr in PRIVATE_PYTEST_ATTRIBUTES:
            found.append(f"{path.relative_to(root)}:{node.lineno}: .{node.attr}")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.split(".")[0] == "_pytest"  # importlib.import_module("_pytest...")
        ):
            found.append(f"{path.relative_to(root)}:{node.lineno}: {node.value!r}")
        found += [
            f"{path.relative_to(root)}:{node.lineno}: import {name}"
            for name in names
            if name.split(".")[0] == "_pytest"
        ]
    return found


def test_no_module_under_src_imports_or_reaches_into_pytest_internals() -> None:
    found = [use for path in sorted(SRC.rglob("*.py")) for use in _private_uses(path)]
    assert found == []


def test_the_check_sees_what_it_forbids(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from _pytest.junitxml import xml_key\n"
        "import _pytest.terminal\n"
        "def f(tr):\n    return tr._tw.fullwidth\n",
        encoding="utf-8",
    )
    found = _private_uses(sample, tmp_path)
    assert sorted(use.split(": ", 1)[1] for use in found) == [
        "._tw",
        "import _pytest.junitxml",
        "import _pytest.terminal",
    ]
