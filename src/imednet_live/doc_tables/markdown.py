"""Markdown table text: one place decides escaping and layout."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def cell(text: object) -> str:
    """A table cell: a pipe would end the cell, a newline the row."""
    return " ".join(str(text).split()).replace("|", "\\|")


def code(text: str) -> str:
    return f"`{text}`"


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = [
        "| " + " | ".join(cell(h) for h in headers) + " |",
        "|" + "---|" * len(headers),
    ]
    lines.extend("| " + " | ".join(cell(c) for c in row) + " |" for row in rows)
    return "\n".join(lines)


def body_rows(lines: list[str]) -> dict[str, str]:
    """Table body rows by their first cell (backticks dropped): the entry each row names."""
    rows: dict[str, str] = {}
    for i, line in enumerate(lines):
        header = i + 1 < len(lines) and lines[i + 1].startswith("|---")
        if not line.startswith("|") or line.startswith("|---") or header:
            continue
        first = line.strip("|").split(" | ")[0].strip().replace("`", "").replace("**", "")
        key, n = first, 1
        while key in rows:  # several rows may share a first cell (e.g. smoke's exit 1)
            n += 1
            key = f"{first} (row {n})"
        rows[key] = line
    return rows
