"""summary.html: the grid as one static page, readable offline.

Inline CSS only, no script, no external asset, and a Content-Security-Policy that
forbids the page from fetching anything; every value from outcomes and smoke files is
escaped. The smoke gate comes first: it says whether the grid can be trusted at all.
"""

from __future__ import annotations

from html import escape

from imednet_live.charter.outcomes import SessionOutcomes
from imednet_live.report.merge import OUTCOMES_FILE, Cell, CellStatus, Matrix, sdk_build
from imednet_live.report.smoke_gate import SMOKE_FILE, SmokeGate, format_seconds

_CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1b1f24; background: #fff; }
h1 { font-size: 20px; margin: 0 0 8px; }
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


def render_html(matrix: Matrix, smoke: SmokeGate | None) -> str:
    legend = "".join(
        f'<span class="{status.value}">{escape(text)}</span>' for status, text in _LEGEND
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>imednet-live matrix</title>
<style>{_CSS}</style>
</head>
<body>
<h1>imednet-live matrix</h1>
<p class="legend">{legend}</p>
{_smoke(smoke)}
<h2>Live sessions</h2>
{_grid(matrix)}
</body>
</html>
"""


def _sdk_line(session: SessionOutcomes) -> str:
    build = sdk_build(session)
    return f"<br>{escape(build)}" if build else ""


def _grid(matrix: Matrix) -> str:
    if not matrix.sessions:
        return (
            f"<p>No live session outcomes were found (no <code>*/{escape(OUTCOMES_FILE)}</code>): "
            "the live sessions did not run in this folder, or were aborted after the smoke "
            "gate.</p>"
        )
    head = "".join(
        f"<th>{escape(s.session)}<br><small>{escape(s.profile or 'no profile')} · "
        f"{escape(s.target_kind)}{_sdk_line(s)}</small></th>"
        for s in matrix.sessions
    )
    rows = "\n".join(
        f'<tr><th class="resource">{escape(resource)}</th>'
        + "".join(_cell(matrix.cell(resource, s.session)) for s in matrix.sessions)
        + "</tr>"
        for resource in matrix.resources
    )
    return f"""<table>
<thead><tr><th>resource / feature</th>{head}</tr></thead>
<tbody>
{rows}
</tbody>
</table>
{_violations(matrix)}"""


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
        ("target", f"<code>{escape(smoke.target.base_url or 'unknown')}</code>"),
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
            f"<code>{escape(t.nodeid)}</code>: {escape(t.message)}</li>"
            for t in cell.notable
        )
        body += f"<details><summary>{len(cell.notable)} details</summary><ul>{items}</ul></details>"
    return f'<td class="cell {status}" data-status="{status}">{body}</td>'


def _violations(matrix: Matrix) -> str:
    violations = matrix.violations()
    if not violations:
        return "<p>No charter violations.</p>"
    items = "".join(
        f"<li><b>{escape(session)}</b> [{escape(v.category)}] <code>{escape(v.nodeid)}</code>: "
        f"{escape(v.message)}</li>"
        for session, v in violations
    )
    return f"<h2>Charter violations</h2><ul>{items}</ul>"
