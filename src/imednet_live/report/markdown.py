"""summary.md: the smoke gate and the grid for GitHub's job summary.

GitHub renders inline HTML (``<details>``), so ``&``, ``<`` and ``>`` in values are
escaped; quotes are not (they need no escaping in markdown and read badly as entities),
and ``|`` only matters inside tables.
"""

from __future__ import annotations

import html

from imednet_live.report.merge import OUTCOMES_FILE, CellStatus, Matrix, sdk_build
from imednet_live.report.smoke_gate import SMOKE_FILE, SmokeGate, format_seconds

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


def _text(text: str) -> str:
    """Prose: one line, no live HTML; quotes stay as they are."""
    return html.escape(" ".join(text.split()), quote=False)


def _cell_text(text: str) -> str:
    """Markdown table cells: prose plus the column separator escaped."""
    return _text(text).replace("|", "&#124;")


def render_markdown(matrix: Matrix, smoke: SmokeGate | None) -> str:
    lines = ["# imednet-live matrix", "", LEGEND, ""]
    lines += _smoke_section(smoke)
    lines += ["## Live sessions", ""]
    if not matrix.sessions:
        lines += [
            f"No live session outcomes were found (no `*/{OUTCOMES_FILE}`): the live "
            "sessions did not run in this folder, or were aborted after the smoke gate.",
        ]
        return "\n".join(lines) + "\n"
    header = [
        "resource",
        *(
            f"{s.session} ({', '.join(filter(None, (s.profile or 'no profile', s.target_kind, sdk_build(s))))})"  # noqa: E501
            for s in matrix.sessions
        ),
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
        out += ["<details>", f"<summary>{_text(summary)}</summary>", "", "<ul>"]
        for violation in violations:
            category, nodeid = _text(violation.category), _text(violation.nodeid)
            out.append(
                f"<li><b>violation</b> [{category}] <code>{nodeid}</code>: "
                f"{_text(violation.message)}</li>"
            )
        for resource, test in notable:
            kind = test.category or test.failure_kind or test.outcome
            out.append(
                f"<li>{_text(test.outcome)} [{_text(kind)}] "
                f"<code>{_text(test.nodeid)}</code> ({_text(resource)}): "
                f"{_text(test.message)}</li>"
            )
        out += ["</ul>", "</details>", ""]
    return out


def _smoke_section(smoke: SmokeGate | None) -> list[str]:
    lines = ["## Smoke gate", ""]
    if smoke is None:
        return [*lines, f"Smoke was not run in this report's folder (no `{SMOKE_FILE}`).", ""]
    identifiers = " · ".join(f"{key}: {_text(value)}" for key, value in smoke.ordered_identifiers())
    lines += [
        f"{ICONS[smoke.status]} **exit {smoke.exit_code} · {_text(smoke.meaning)}**",
        "",
        f"- reason: {_text(smoke.reason) or '-'}",
        f"- target: {_text(smoke.target.base_url or 'unknown')}",
        f"- duration: {smoke.duration_text}",
        f"- identifiers: {identifiers or 'none discovered'}",
        "",
    ]
    if not smoke.scenarios:
        return [*lines, "No write scenario ran: smoke stopped before submitting any.", ""]
    lines += [
        "| scenario | status (final state) | batch id | duration | detail |",
        "|---|---|---|---|---|",
    ]
    for scenario in smoke.scenarios:
        row = [
            _cell_text(scenario.name),
            f"{ICONS[scenario.cell_status]} {_cell_text(scenario.outcome)}",
            _cell_text(scenario.batch_id or "-"),
            format_seconds(scenario.duration_s),
            _cell_text(scenario.detail or ""),
        ]
        lines.append("| " + " | ".join(row) + " |")
    return [*lines, ""]
