"""summary.html: the run's verdict, its failures, then the detail, as one static page.

Top to bottom in the order an operator needs it: the verdict (GREEN / RED / NOT RUN
with counts and red sessions, visible without scrolling), each failure with a link to
its full details, what changed since the previous run, the trend across the runs in the
history, the sessions at a glance, the
smoke gate, and the grid. Inline CSS only, no script, no external asset, and a
Content-Security-Policy that forbids the page from fetching anything; every value from
outcomes and smoke files is escaped.
"""

from __future__ import annotations

from html import escape

from imednet_live.redaction import safe_url
from imednet_live.report import resolution as report_resolution
from imednet_live.report.changes import TestChange
from imednet_live.report.merge import OUTCOMES_FILE, Cell, CellStatus, Matrix, sdk_log_excerpt
from imednet_live.report.smoke_gate import SMOKE_FILE, SmokeGate, format_seconds
from imednet_live.report.verdict import (
    Counts,
    Failure,
    KnownDefect,
    Status,
    Verdict,
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

_CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1b1f24; background: #fff; }
h1 { font-size: 20px; margin: 0 0 8px; }
.verdict { padding: 12px 16px; margin: 0 0 16px; color: #fff; font-size: 16px; }
.verdict .status { font-size: 24px; margin-right: 12px; }
.verdict p { margin: 4px 0 0; font-size: 14px; }
.verdict.red { background: #b3261e; }
.verdict.green { background: #1a7f37; }
.verdict.not-run { background: #57606a; }
table.failures td.msg { max-width: 640px; }
td.mono, td.mono code { white-space: nowrap; }
pre { white-space: pre-wrap; word-break: break-word; margin: 4px 0; font-size: 12px; }
h2 { font-size: 16px; margin: 24px 0 8px; }
.gate { display: inline-block; padding: 6px 10px; border: 1px solid #c9d1d9; margin: 0; }
table.facts th { background: #eef1f4; font-weight: 600; white-space: nowrap; }
table.facts, table.scenarios { margin: 8px 0; }
td.num { text-align: right; white-space: nowrap; }
td.nowrap { white-space: nowrap; }
td.nowrap code { word-break: normal; }
table { border-collapse: collapse; margin: 16px 0; }
th, td { border: 1px solid #c9d1d9; padding: 6px 8px; vertical-align: top; text-align: left; }
thead th { background: #eef1f4; }
th.resource { font-family: ui-monospace, monospace; font-weight: normal; white-space: nowrap; }
td.cell { min-width: 150px; }
.fail { background: #f8d0d0; }
.unexpected-skip { background: #fbe3b5; }
.pass { background: #cdebd3; }
.expected-skip { background: #dde3ea; }
.empty { background: #ffffff; color: #8c959f; }
.legend span { display: inline-block; padding: 2px 8px; margin-right: 6px; }
.legend span { border: 1px solid #c9d1d9; }
details { margin-top: 4px; }
summary { cursor: pointer; }
ul { margin: 4px 0; padding-left: 18px; }
code { font-size: 12px; word-break: break-all; }
small { color: #57606a; }
"""

_LEGEND = (
    (CellStatus.PASS, "pass"),
    (CellStatus.EXPECTED_SKIP, "expected skip"),
    (CellStatus.UNEXPECTED_SKIP, "unexpected skip / ran when it should have skipped"),
    (CellStatus.FAIL, "fail"),
)


_VERDICT_CLASS = {Status.RED: "red", Status.GREEN: "green", Status.NOT_RUN: "not-run"}


def render_html(
    matrix: Matrix,
    smoke: SmokeGate | None,
    history: list[TestChange] | None = None,
    trend: str = "",
) -> str:
    """``trend``: the run history's picture (report/trend.py), shown after the changes."""
    verdict = judge(matrix, smoke)
    found = failures(matrix)
    legend = "".join(
        f'<span class="{status.value}">{escape(text)}</span>' for status, text in _LEGEND
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{escape(verdict.status.value)} · imednet-live matrix</title>
<style>{_CSS}</style>
</head>
<body>
{_verdict(verdict)}
{_failures(found)}
{_expected_findings(known_defects(matrix), "Known SDK defects", "known-defects")}
{_expected_findings(surface_changes(matrix), SURFACE_CHANGES_TITLE, "surface-changes")}
{_dependency_breaks(matrix)}
{_resolution(matrix)}
{_violations(matrix)}
{_history(history)}
{trend}
{_sessions(matrix)}
{_smoke(smoke)}
<h2>Live sessions</h2>
<p class="legend">{legend}</p>
{_grid(matrix)}
{_failure_details(found)}
</body>
</html>
"""


def _verdict(verdict: Verdict) -> str:
    counts = " · ".join(escape(part) for part in verdict.counts.parts())
    red = ", ".join(f"<b>{escape(name)}</b>" for name in verdict.red_sessions) or "none"
    notes = "".join(f"<p>{escape(note)}</p>" for note in verdict.notes)
    return f"""<h1>imednet-live matrix</h1>
<div class="verdict {_VERDICT_CLASS[verdict.status]}" id="verdict" \
data-status="{escape(verdict.status.value)}"><b class="status">{escape(verdict.status.value)}</b>\
{counts}
<p>red sessions: {red}</p>{notes}</div>"""


def _failures(found: list[Failure]) -> str:
    if not found:
        return "<h2>Failures</h2>\n<p>No test failed.</p>"
    rows = "\n".join(
        f'<tr id="row-{f.anchor}"><td class="mono">{escape(f.column.key)}</td>'
        f'<td class="mono"><code>{escape(f.test.resource or "no resource")}</code></td>'
        f'<td class="mono">{escape(f.test.failure_kind or "other")}</td>'
        f'<td class="msg">{escape(f.first_line)}<br><small><code>{escape(f.test.nodeid)}</code>'
        f"</small></td>"
        f'<td class="mono"><a href="#{f.anchor}">details</a></td></tr>'
        for f in found
    )
    return f"""<h2>Failures ({len(found)})</h2>
<table class="failures">
<thead><tr><th>session</th><th>resource</th><th>kind</th><th>first line of the message</th>\
<th></th></tr></thead>
<tbody>
{rows}
</tbody>
</table>"""


SURFACE_CHANGES_TITLE = "SDK surface changes in this build"


def _expected_findings(found: list[KnownDefect], title: str, element_id: str) -> str:
    """A listed section of expected SDK findings (known defects, declared surface changes)."""
    if not found:
        return ""
    items = "".join(
        f"<li><b>{escape(d.column.key)}</b> <code>{escape(d.test.nodeid)}</code>: "
        f"{escape(first_line(d.test.message))}</li>"
        for d in found
    )
    return f'<h2>{title} ({len(found)})</h2><ul id="{element_id}">{items}</ul>'


def _dependency_breaks(matrix: Matrix) -> str:
    found = report_resolution.dependency_breaks(matrix)
    return _expected_findings(found, report_resolution.BREAKS_TITLE, "dependency-breaks")


def _resolution(matrix: Matrix) -> str:
    rows = report_resolution.resolution_rows(matrix)
    if not rows:
        return ""
    items = "".join(f"<li><b>{escape(key)}</b> {escape(text)}</li>" for key, text in rows)
    return f'<h2>{report_resolution.TITLE}</h2><ul id="resolution">{items}</ul>'


def _failure_details(found: list[Failure]) -> str:
    if not found:
        return ""
    items = []
    for f in found:
        sdk_log = (
            "<p>the SDK logged:</p><pre>"
            + escape("\n".join(sdk_log_excerpt(f.test.sdk_log)))
            + "</pre>"
            if f.test.sdk_log
            else ""
        )
        files = (
            f' · <a href="{escape(f.column.folder)}/junit.xml">junit.xml</a>'
            if f.column.folder
            else ""
        )
        items.append(
            f'<section id="{f.anchor}"><h3>{f.number}. {escape(f.column.key)} · '
            f"<code>{escape(f.test.nodeid)}</code></h3>"
            f"<p>{escape(f.test.outcome)} · {escape(f.test.failure_kind or 'other')} · "
            f'{f.test.duration_s:.2f} s{files} · <a href="#row-{f.anchor}">back</a></p>'
            f"<pre>{escape(f.test.message.strip() or '(no message)')}</pre>{sdk_log}</section>"
        )
    return "<h2>Failure details</h2>\n" + "\n".join(items)


def _history(history: list[TestChange] | None) -> str:
    if history is None:
        return ""
    if not history:
        return (
            "<h2>Changed since last run</h2>\n"
            "<p>Nothing changed: no test went red or green, no new skip.</p>"
        )
    status = {"went red": "fail", "went green": "pass", "new skip": "expected-skip"}
    items = "".join(
        f'<li><span class="{status[c.change.value]}">{escape(c.change.value)}</span> '
        f"(was {escape(c.before)}) <b>{escape(c.session)}</b> <code>{escape(c.test.nodeid)}</code>:"
        f" {escape(c.text)}</li>"
        for c in history
    )
    return f"<h2>Changed since last run</h2>\n<ul>{items}</ul>"


def _sessions(matrix: Matrix) -> str:
    if not matrix.columns:
        return ""
    rows = []
    for column in matrix.columns:
        s, c = column.outcomes, Counts.of([column.outcomes])
        status = CellStatus.FAIL if column.is_red else CellStatus.PASS
        numbers = (c.passed, c.failed, c.unexpected, c.expected_skips, c.violations)
        cells = "".join(f'<td class="num">{n}</td>' for n in numbers)
        rows.append(
            f'<tr><td class="mono {status.value}" data-status="{status.value}">'
            f"{escape(column.key)}</td><td>{escape(s.profile or '-')}</td>"
            f"<td><code>{escape(target_text(s))}</code></td><td>{escape(sdk_text(s))}</td>"
            f"{cells}<td>{escape(workers_text(s))}</td>"
            f'<td class="num">{escape(wall_text(s))}</td>'
            f'<td class="num">{escape(requests_text(s))}</td></tr>'
        )
    body = "\n".join(rows)
    return f"""<h2>Sessions at a glance</h2>
<table class="sessions">
<thead><tr><th>session</th><th>profile</th><th>target</th><th>SDK</th><th>passed</th>\
<th>failed</th><th>unexpected</th><th>expected skips</th><th>violations</th>\
<th>workers</th><th>wall time</th><th>API requests</th></tr></thead>
<tbody>
{body}
</tbody>
</table>"""


def _grid(matrix: Matrix) -> str:
    if not matrix.sessions:
        return (
            f"<p>No live session outcomes were found (no <code>*/{escape(OUTCOMES_FILE)}</code>): "
            "the live sessions did not run in this folder, or were aborted after the smoke "
            "gate.</p>"
        )
    head = "".join(
        f"<th>{escape(c.key)}<br><small>{escape(c.outcomes.profile or 'no profile')} · "
        f"{escape(c.outcomes.target_kind)}</small></th>"
        for c in matrix.columns
    )
    rows = "\n".join(
        f'<tr><th class="resource">{escape(resource)}</th>'
        + "".join(_cell(matrix.cell(resource, c.key)) for c in matrix.columns)
        + "</tr>"
        for resource in matrix.resources
    )
    return f"""<table>
<thead><tr><th>resource / feature</th>{head}</tr></thead>
<tbody>
{rows}
</tbody>
</table>"""


def _smoke(smoke: SmokeGate | None) -> str:
    if smoke is None:
        return (
            "<h2>Smoke gate</h2>\n<p>Smoke was not run in this report's folder "
            f"(no <code>{escape(str(SMOKE_FILE))}</code>).</p>"
        )
    status = smoke.status.value
    identifiers = ", ".join(
        f"{escape(key)} <b>{escape(value)}</b>" for key, value in smoke.ordered_identifiers()
    )
    facts = (
        ("reason", escape(smoke.reason) or "-"),
        ("target", f"<code>{escape(safe_url(smoke.target.base_url or 'unknown'))}</code>"),
        ("duration", escape(smoke.duration_text)),
        ("identifiers", identifiers or "none discovered"),
    )
    fact_rows = "".join(f"<tr><th>{name}</th><td>{value}</td></tr>" for name, value in facts)
    return f"""<h2>Smoke gate</h2>
<p class="gate {status}" data-status="{status}"><b>exit {smoke.exit_code}</b> · \
{escape(smoke.meaning)}</p>
<table class="facts">{fact_rows}</table>
{_scenarios(smoke)}"""


def _scenarios(smoke: SmokeGate) -> str:
    if not smoke.scenarios:
        return "<p>No write scenario ran: smoke stopped before submitting any.</p>"
    rows = "\n".join(
        f'<tr><td class="nowrap">{escape(s.name)}</td>'
        f'<td class="nowrap {s.cell_status.value}" data-status="{s.cell_status.value}">'
        f"{escape(s.outcome)}</td>"
        f'<td class="nowrap"><code>{escape(s.batch_id or "-")}</code></td>'
        f'<td class="num">{escape(format_seconds(s.duration_s))}</td>'
        f"<td>{escape(s.detail or '')}</td></tr>"
        for s in smoke.scenarios
    )
    return f"""<table class="scenarios">
<thead><tr><th>scenario</th><th>status (final state)</th><th>batch id</th><th>duration</th>\
<th>detail</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>"""


def _cell(cell: Cell) -> str:
    status = cell.status.value
    body = escape(cell.label())
    if cell.notable:
        items = "".join(
            f"<li>{escape(t.outcome)} [{escape(t.category or t.failure_kind or t.outcome)}] "
            f"<code>{escape(t.nodeid)}</code>: {escape(t.message)}{_sdk_log(t.sdk_log)}</li>"
            for t in cell.notable
        )
        body += f"<details><summary>{len(cell.notable)} details</summary><ul>{items}</ul></details>"
    return f'<td class="cell {status}" data-status="{status}">{body}</td>'


def _sdk_log(lines: list[str]) -> str:
    """A failure's SDK log lines under its entry (the first few; all in outcomes.json)."""
    if not lines:
        return ""
    items = "".join(
        f'<li class="sdk-log"><code>{escape(line)}</code></li>' for line in sdk_log_excerpt(lines)
    )
    return f"<br><small>the SDK logged:</small><ul>{items}</ul>"


def _violations(matrix: Matrix) -> str:
    violations = matrix.violations()
    if not violations:
        return ""
    items = "".join(
        f"<li><b>{escape(session)}</b> [{escape(v.category)}] <code>{escape(v.nodeid)}</code>: "
        f"{escape(v.message)}</li>"
        for session, v in violations
    )
    return f"<h2>Charter violations ({len(violations)})</h2><ul>{items}</ul>"
