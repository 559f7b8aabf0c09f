"""The per-resource table printed at the end of a session (passed/skipped/failed counts)."""

from __future__ import annotations

import io
from collections import Counter
from typing import TYPE_CHECKING

from imednet_live.charter.markers import RESOURCES, UNASSIGNED

if TYPE_CHECKING:  # pydantic is imported when outcomes are built, not at plugin start-up
    from imednet_live.charter.outcomes import TestOutcome


def resource_counts(tests: list[TestOutcome]) -> dict[str, Counter[str]]:
    """Counts per resource, rows in charter order; failed includes errors."""
    rows: dict[str, Counter[str]] = {}
    for test in tests:
        row = rows.setdefault(test.resource or UNASSIGNED, Counter())
        if test.outcome == "skipped":
            row["skipped" if test.expected else "unexpected skips"] += 1
        else:
            row["failed" if test.outcome in ("failed", "error") else "passed"] += 1
    order = {name: i for i, name in enumerate(RESOURCES)}
    return dict(sorted(rows.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))


def render_resource_table(tests: list[TestOutcome], *, color: bool, width: int) -> str:
    from rich.console import Console  # imported when a session ends, not at startup
    from rich.table import Table

    table = Table()
    table.add_column("resource")
    for column, style in (
        ("passed", "green"),
        ("skipped", "yellow"),
        ("unexpected skips", "red"),
        ("failed", "red"),
    ):
        table.add_column(column, justify="right", style=style)
    for resource, counts in resource_counts(tests).items():
        table.add_row(
            resource, *(str(counts[c]) for c in ("passed", "skipped", "unexpected skips", "failed"))
        )
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        color_system="standard" if color else None,
        no_color=not color,
        highlight=False,
    )
    console.print(table)
    return buffer.getvalue()
