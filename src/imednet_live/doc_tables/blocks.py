"""Find, rewrite and compare the generated blocks of the project's documents."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from imednet_live.core.atomic_files import write_text_atomic
from imednet_live.doc_tables.markdown import body_rows

# Documents that may hold generated blocks, relative to the repository root.
DOCUMENTS: tuple[str, ...] = (
    "README.md",
    "docs/charter.md",
    "docs/runbook.md",
    "docs/sandbox.md",
    "docs/smoke.md",
    "docs/live-suite.md",
)
END = "<!-- /generated -->"
_BLOCK = re.compile(
    r"^<!-- generated:(?P<name>[a-z0-9-]+) -->\n(?P<body>.*?)^<!-- /generated -->$",
    re.MULTILINE | re.DOTALL,
)
_OPEN = re.compile(r"^<!-- generated:(?P<name>[^ ]*) -->$", re.MULTILINE)
_CLOSE = re.compile(r"^<!-- /generated -->$", re.MULTILINE)  # whole lines: prose may quote it


class DocBlockError(ValueError):
    """A malformed or unknown block: one line naming the document and the table."""


@dataclass(frozen=True)
class Drift:
    """A document whose block differs from what the code renders, said so a reviewer can act."""

    document: str
    table: str
    committed: str
    generated: str

    def describe(self) -> str:
        old = self.committed.splitlines()
        new = self.generated.splitlines()
        old_rows = body_rows(old)
        new_rows = body_rows(new)
        lines = [f"{self.document}: table {self.table} differs from the code (run: nox -s docs)"]
        missing = [k for k in new_rows if k not in old_rows]
        extra = [k for k in old_rows if k not in new_rows]
        changed = [k for k in new_rows if k in old_rows and old_rows[k] != new_rows[k]]
        for label, keys in (
            ("missing from the doc", missing),
            ("not in the code", extra),
            ("changed", changed),
        ):
            if keys:
                lines.append(f"  {label}: {', '.join(keys)}")
        diff = difflib.unified_diff(old, new, "committed", "generated", lineterm="", n=0)
        lines.extend(f"    {line}" for line in diff)
        return "\n".join(lines)


Renderers = Mapping[str, Callable[[], str]]


def render_document(document: str, text: str, tables: Renderers) -> tuple[str, list[Drift]]:
    """``text`` with every block regenerated, and the blocks that changed."""
    opened = [m.group("name") for m in _OPEN.finditer(text)]
    closed = [m.group("name") for m in _BLOCK.finditer(text)]
    if opened != closed or len(_CLOSE.findall(text)) != len(closed):
        raise DocBlockError(
            f"{document}: unbalanced generated block markers (opened {opened}, "
            f"closed {closed}); each <!-- generated:NAME --> needs one {END}"
        )
    drifts: list[Drift] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in tables:
            raise DocBlockError(
                f"{document}: unknown generated table {name!r}; known: {', '.join(tables)}"
            )
        generated = tables[name]().rstrip("\n") + "\n"
        if match.group("body") != generated:
            drifts.append(Drift(document, name, match.group("body"), generated))
        return f"<!-- generated:{name} -->\n{generated}{END}"

    return _BLOCK.sub(replace, text), drifts


def _scan(root: Path, tables: Renderers) -> tuple[dict[Path, str], list[Drift], set[str]]:
    rewritten: dict[Path, str] = {}
    drifts: list[Drift] = []
    used: set[str] = set()
    for document in DOCUMENTS:
        path = root / document
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        new, found = render_document(document, text, tables)
        used.update(m.group("name") for m in _BLOCK.finditer(text))
        drifts.extend(found)
        if new != text:
            rewritten[path] = new
    return rewritten, drifts, used


def _unused(tables: Renderers, used: set[str]) -> None:
    missing = [name for name in tables if name not in used]
    if missing:
        raise DocBlockError(
            f"generated table(s) {', '.join(missing)} appear in no document; add "
            f"<!-- generated:NAME --> ... {END} where they belong"
        )


def check(root: Path, tables: Renderers) -> list[Drift]:
    """Every block that differs from the code; nothing is written."""
    _, drifts, used = _scan(root, tables)
    _unused(tables, used)
    return drifts


def sync(root: Path, tables: Renderers) -> list[Drift]:
    """Rewrite every stale block in place (each document whole or not at all)."""
    rewritten, drifts, used = _scan(root, tables)
    _unused(tables, used)
    for path, text in rewritten.items():
        write_text_atomic(path, text)
    return drifts
