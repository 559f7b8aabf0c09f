"""summary.html: the grid as one static page, readable offline.

Inline CSS only, no script, no external asset, and a Content-Security-Policy that
forbids the page from fetching anything; every value from outcomes files is escaped.
"""

from __future__ import annotations

from html import escape

from imednet_live.report.merge import Cell, CellStatus, Matrix

_CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1b1f24; background: #fff; }
h1 { font-size: 20px; margin: 0 0 8px; }
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


def render_html(matrix: Matrix) -> str:
    head = "".join(
        f"<th>{escape(s.session)}<br><small>{escape(s.profile or 'no profile')} · "
        f"{escape(s.target_kind)}</small></th>"
        for s in matrix.sessions
    )
    rows = "\n".join(
        f'<tr><th class="resource">{escape(resource)}</th>'
        + "".join(_cell(matrix.cell(resource, s.session)) for s in matrix.sessions)
        + "</tr>"
        for resource in matrix.resources
    )
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
<table>
<thead><tr><th>resource / feature</th>{head}</tr></thead>
<tbody>
{rows}
</tbody>
</table>
{_violations(matrix)}
</body>
</html>
"""


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
