"""summary.md for GitHub's job summary: verdict, failures, sessions, smoke gate, grid.

The first line is the verdict (``RED · 7 failed · ...``), so that a glance at the job
summary, or ``head -1 summary.md``, answers whether the run is fit.

GitHub renders inline HTML (``<details>``), so ``&``, ``<`` and ``>`` in values are
escaped; quotes are not (they need no escaping in markdown and read badly as entities),
and ``|`` only matters inside tables.
"""

from __future__ import annotations

import html

from imednet_live.redaction import safe_url
from imednet_live.report import resolution as report_resolution
from imednet_live.report.changes import TestChange
from imednet_live.report.merge import OUTCOMES_FILE, CellStatus, Matrix, sdk_log_excerpt
from imednet_live.report.smoke_gate import SMOKE_FILE, SmokeGate, format_seconds
from imednet_live.report.verdict import (
    Counts,
    Failure,
    KnownDefect,
    Status,
    failures,
    first_line,
    judge,
    known_defects,
    requests_text,
    sdk_text,
    surface_changes,
    target_text,
    wall_text,
    workers_text,
)

ICONS = {
    CellStatus.FAIL: "❌",
    CellStatus.UNEXPECTED_SKIP: "⚠️",
    CellStatus.PASS: "✅",
    CellStatus.EXPECTED_SKIP: "⏭️",
    CellStatus.EMPTY: "",
}
VERDICT_ICONS = {Status.RED: "🔴", Status.GREEN: "🟢", Status.NOT_RUN: "⚪"}
LEGEND = (
    "✅ pass · ⏭️ expected skip · ⚠️ unexpected skip or ran when it should have skipped · ❌ fail"
)


def _text(text: str) -> str:
    """Prose: one line, no live HTML; quotes stay as they are."""
    return html.escape(" ".join(text.split()), quote=False)


def _cell_text(text: str) -> str:
    """Markdown table cells: prose plus the column separator escaped."""
    return _text(text).replace("|", "&#124;")


def render_markdown(
    matrix: Matrix,
    smoke: SmokeGate | None,
    history: list[TestChange] | None = None,
    trend: list[str] | None = None,
) -> str:
    """``trend``: the last runs of the history as table lines (report/trend.py)."""
    verdict = judge(matrix, smoke)
    red = ", ".join(f"**{_text(name)}**" for name in verdict.red_sessions)
    lines = [
        f"{verdict.headline} {VERDICT_ICONS[verdict.status]}",
        "",
        f"**imednet-live matrix** · red sessions: {red or 'none'}",
        "",
        *(f"- {_text(note)}" for note in verdict.notes),
        *([""] if verdict.notes else []),
    ]
    lines += _failures_section(failures(matrix))
    lines += _expected_findings(known_defects(matrix), "Known SDK defects", "🐞")
    lines += _expected_findings(surface_changes(matrix), "SDK surface changes in this build", "🔀")
    breaks = report_resolution.dependency_breaks(matrix)
    lines += _expected_findings(breaks, report_resolution.BREAKS_TITLE, "🧩")
    lines += _resolution_section(matrix)
    lines += _violations_section(matrix)
    if history is not None:
        lines += _history_section(history)
    lines += trend or []
    lines += _sessions_section(matrix)
    lines += _smoke_section(smoke)
    lines += ["## Live sessions", "", LEGEND, ""]
    if not matrix.columns:
        lines += [
            f"No live session outcomes were found (no `*/{OUTCOMES_FILE}`): the live "
            "sessions did not run in this folder, or were aborted after the smoke gate.",
        ]
        return "\n".join(lines) + "\n"
    header = [
        "resource",
        *(
            f"{c.key} ({c.outcomes.profile or 'no profile'}, {c.outcomes.target_kind})"
            for c in matrix.columns
        ),
    ]
    lines.append("| " + " | ".join(_cell_text(h) for h in header) + " |")
    lines.append("|" + "---|" * len(header))
    for resource in matrix.resources:
        row = [f"`{_cell_text(resource)}`"]
        for column in matrix.columns:
            cell = matrix.cell(resource, column.key)
            row.append(f"{ICONS[cell.status]} {_cell_text(cell.label())}".strip())
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    lines += _details(matrix)
    return "\n".join(lines) + "\n"


def _failures_section(found: list[Failure]) -> list[str]:
    if not found:
        return ["## Failures", "", "No test failed.", ""]
    lines = [f"## Failures ({len(found)})", ""]
    for failure in found:
        test = failure.test
        lines.append(
            f"{failure.number}. ❌ **{_text(failure.column.key)}** · "
            f"<code>{_text(test.resource or 'no resource')}</code> · "
            f"{_text(test.failure_kind or 'other')} · <code>{_text(test.nodeid)}</code><br>"
            f"{_text(failure.first_line)}"
        )
        if failure.has_more:
            lines.append(f"   <details><summary>full details</summary>{_pre(failure)}</details>")
    return [*lines, ""]


def _expected_findings(found: list[KnownDefect], title: str, mark: str) -> list[str]:
    """A listed section of expected SDK findings (known defects, declared surface changes)."""
    if not found:
        return []
    lines = [f"## {title} ({len(found)})", ""]
    lines += [
        f"- {mark} **{_text(d.column.key)}** · <code>{_text(d.test.nodeid)}</code>: "
        f"{_text(first_line(d.test.message))}"
        for d in found
    ]
    return [*lines, ""]


def _resolution_section(matrix: Matrix) -> list[str]:
    rows = report_resolution.resolution_rows(matrix)
    if not rows:
        return []
    lines = [f"## {report_resolution.TITLE}", ""]
    lines += [f"- **{_text(key)}** · {_text(text)}" for key, text in rows]
    return [*lines, ""]


def _pre(failure: Failure) -> str:
    """The whole message and the SDK's log lines, as one line of HTML (lists cannot break)."""
    body = failure.test.message.strip().splitlines()
    if failure.test.sdk_log:
        body += ["", "the SDK logged:", *sdk_log_excerpt(failure.test.sdk_log)]
    return "<pre>" + "&#10;".join(html.escape(line, quote=False) for line in body) + "</pre>"


def _violations_section(matrix: Matrix) -> list[str]:
    violations = matrix.violations()
    if not violations:
        return []
    lines = [f"## Charter violations ({len(violations)})", ""]
    lines += [
        f"- ⚠️ **{_text(key)}** [{_text(v.category)}] <code>{_text(v.nodeid)}</code>: "
        f"{_text(v.message)}"
        for key, v in violations
    ]
    return [*lines, ""]


def _history_section(history: list[TestChange]) -> list[str]:
    lines = ["## Changed since last run", ""]
    if not history:
        return [*lines, "Nothing changed: no test went red or green, no new skip.", ""]
    icons = {"went red": "❌", "went green": "✅", "new skip": "⏭️"}
    lines += [
        f"- {icons[c.change.value]} {c.change.value} (was {c.before}): **{_text(c.session)}** "
        f"<code>{_text(c.test.nodeid)}</code>: {_text(c.text)}"
        for c in history
    ]
    return [*lines, ""]


def _sessions_section(matrix: Matrix) -> list[str]:
    if not matrix.columns:
        return []
    lines = [
        "## Sessions at a glance",
        "",
        "| session | profile | target | SDK | passed | failed | unexpected | expected skips "
        "| violations | workers | wall time | API requests |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for column in matrix.columns:
        s, c = column.outcomes, Counts.of([column.outcomes])
        row = [
            f"{'🔴' if column.is_red else '🟢'} {_cell_text(column.key)}",
            _cell_text(s.profile or "-"),
            _cell_text(target_text(s)),
            _cell_text(sdk_text(s)),
            *(str(n) for n in (c.passed, c.failed, c.unexpected, c.expected_skips, c.violations)),
            _cell_text(workers_text(s)),
            wall_text(s),
            requests_text(s),
        ]
        lines.append("| " + " | ".join(row) + " |")
    return [*lines, ""]


def _details(matrix: Matrix) -> list[str]:
    out: list[str] = []
    for column in matrix.columns:
        notable = [
            (resource, test)
            for resource in matrix.resources
            for test in matrix.cell(resource, column.key).notable
        ]
        if not notable:
            continue
        summary = f"{column.key}: every failure and skip, by resource ({len(notable)})"
        out += ["<details>", f"<summary>{_text(summary)}</summary>", "", "<ul>"]
        for resource, test in notable:
            kind = test.category or test.failure_kind or test.outcome
            out.append(
                f"<li>{_text(test.outcome)} [{_text(kind)}] "
                f"<code>{_text(test.nodeid)}</code> ({_text(resource)}): "
                f"{_text(test.message)}{_sdk_log(test.sdk_log)}</li>"
            )
        out += ["</ul>", "</details>", ""]
    return out


def _sdk_log(lines: list[str]) -> str:
    """A failure's SDK log lines, as sub-items of its entry (the first few; all in outcomes)."""
    if not lines:
        return ""
    items = "".join(f"<li><code>{_text(line)}</code></li>" for line in sdk_log_excerpt(lines))
    return f"<br>the SDK logged:<ul>{items}</ul>"


def _smoke_section(smoke: SmokeGate | None) -> list[str]:
    lines = ["## Smoke gate", ""]
    if smoke is None:
        return [*lines, f"Smoke was not run in this report's folder (no `{SMOKE_FILE}`).", ""]
    identifiers = " · ".join(f"{key}: {_text(value)}" for key, value in smoke.ordered_identifiers())
    lines += [
        f"{ICONS[smoke.status]} **exit {smoke.exit_code} · {_text(smoke.meaning)}**",
        "",
        f"- reason: {_text(smoke.reason) or '-'}",
        f"- target: {_text(safe_url(smoke.target.base_url or 'unknown'))}",
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
