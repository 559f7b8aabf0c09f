"""summary.md: the grid for GitHub's job summary (which renders HTML ``<details>``)."""

from __future__ import annotations

import html

from imednet_live.report.merge import CellStatus, Matrix

ICONS = {
    CellStatus.FAIL: "❌",
    CellStatus.UNEXPECTED_SKIP: "⚠️",
    CellStatus.PASS: "✅",
    CellStatus.EXPECTED_SKIP: "⏭️",
    CellStatus.EMPTY: "",
}
LEGEND = (
    "✅ pass · ⏭️ expected skip · ⚠️ unexpected skip or ran when it should have skipped · ❌ fail"
)


def _cell_text(text: str) -> str:
    """Markdown table cells: escape HTML and the column separator, keep one line."""
    return html.escape(" ".join(text.split())).replace("|", "&#124;")


def render_markdown(matrix: Matrix) -> str:
    lines = ["# imednet-live matrix", "", LEGEND, ""]
    header = [
        "resource",
        *(f"{s.session} ({s.profile or 'no profile'}, {s.target_kind})" for s in matrix.sessions),
    ]
    lines.append("| " + " | ".join(_cell_text(h) for h in header) + " |")
    lines.append("|" + "---|" * len(header))
    for resource in matrix.resources:
        row = [f"`{_cell_text(resource)}`"]
        for session in matrix.sessions:
            cell = matrix.cell(resource, session.session)
            row.append(f"{ICONS[cell.status]} {_cell_text(cell.label())}".strip())
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    lines += _details(matrix)
    return "\n".join(lines) + "\n"


def _details(matrix: Matrix) -> list[str]:
    out: list[str] = []
    for session in matrix.sessions:
        notable = [
            (resource, test)
            for resource in matrix.resources
            for test in matrix.cell(resource, session.session).notable
        ]
        violations = session.violations
        if not notable and not violations:
            continue
        c = session.counts
        summary = (
            f"{session.session}: {c.get('failed', 0) + c.get('error', 0)} failed, "
            f"{c.get('unexpected_skips', 0)} unexpected skips, {len(violations)} charter violations"
        )
        out += ["<details>", f"<summary>{html.escape(summary)}</summary>", "", "<ul>"]
        for violation in violations:
            category, nodeid = html.escape(violation.category), html.escape(violation.nodeid)
            out.append(
                f"<li><b>violation</b> [{category}] <code>{nodeid}</code>: "
                f"{html.escape(violation.message)}</li>"
            )
        for resource, test in notable:
            kind = test.category or test.failure_kind or test.outcome
            out.append(
                f"<li>{html.escape(test.outcome)} [{html.escape(kind)}] "
                f"<code>{html.escape(test.nodeid)}</code> ({html.escape(resource)}): "
                f"{html.escape(test.message)}</li>"
            )
        out += ["</ul>", "</details>", ""]
    return out
