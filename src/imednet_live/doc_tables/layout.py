"""The README's layout table, from the tree itself: each folder's docstring and modules.

A folder's first sentence is its ``__init__`` docstring's; moving or adding a module
changes the table, so ``nox -s docs -- --check`` notices a README that no longer matches.
"""

from __future__ import annotations

import ast
from pathlib import Path

from imednet_live.doc_tables.markdown import code, table

PACKAGE = Path(__file__).resolve().parents[1]


def first_sentence(path: Path) -> str:
    """The docstring's first sentence, on one line (its first paragraph if it has no stop)."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    paragraph = " ".join(doc.split("\n\n")[0].split())
    stop = paragraph.find(". ")
    return paragraph if stop < 0 else paragraph[: stop + 1]


def layout() -> str:
    rows = []
    for path in sorted(PACKAGE.glob("*.py")):
        rows.append((code(path.name), first_sentence(path), ""))
    for folder in sorted(p.parent for p in PACKAGE.glob("*/__init__.py")):
        modules = sorted(
            p.relative_to(folder).with_suffix("").as_posix()
            for p in folder.rglob("*.py")
            if p.name != "__init__.py"
        )
        rows.append(
            (code(f"{folder.name}/"), first_sentence(folder / "__init__.py"), ", ".join(modules))
        )
    return table(("src/imednet_live/", "what it holds", "modules"), rows)
