"""The trend across runs, from the run history: an inline SVG for summary.html, a table for md.

The picture is three panels over the same runs, oldest left: the outcomes of each run as a
stacked bar (so a study losing its eligible forms shows as bars turning grey or shrinking),
then wall time and API requests as lines. A red run is marked under its bar and its points
are red. Every bar and point carries a ``<title>`` (its date and verdict), which a browser
shows on hover. Plain SVG elements styled by the SVG's own ``<style>``: no script, no
external asset, no ``xmlns`` URL, within the page's Content-Security-Policy.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from imednet_live.report.run_history import RunRecord
from imednet_live.report.verdict import seconds_text

MARKDOWN_RUNS = 10
WIDTH, LEFT, RIGHT = 960, 64, 8
MAX_STEP = 40  # px per run: a short history stays bars, not blocks
KEY_TOP, BARS_TOP, BARS_HEIGHT = 4, 42, 140
MARK_TOP, MARK_HEIGHT = BARS_TOP + BARS_HEIGHT + 4, 6
WALL_TOP, REQUESTS_TOP, LINE_HEIGHT = MARK_TOP + 32, MARK_TOP + 32 + 92, 60
HEIGHT = REQUESTS_TOP + LINE_HEIGHT + 24

# Bottom to top; colours apart from the verdict banner's, so a screenshot tells them apart.
STACK = (
    ("passed", "passed", "#2da44e"),
    ("expected_skips", "expected skips", "#afb8c1"),
    ("known_defects", "known SDK defects", "#8250df"),
    ("surface_changes", "SDK surface changes", "#0969da"),
    ("unexpected", "unexpected", "#d4a72c"),
    ("failed", "failed", "#cf222e"),
)
TABLE_COUNTS = (
    "passed", "failed", "unexpected", "expected_skips", "known_defects", "surface_changes",
)  # fmt: skip
_CSS = (
    "".join(f".t-{key}{{fill:{colour}}}" for key, _, colour in STACK)
    + ".t-red{fill:#cf222e}.t-wall{stroke:#0550ae}.t-requests{stroke:#953800}"
    + "polyline.t-wall,polyline.t-requests{fill:none;stroke-width:1.5}"
    + "circle.t-wall{fill:#0550ae}circle.t-requests{fill:#953800}circle.t-red{fill:#cf222e}"
    + "svg.trend text{font:11px system-ui,sans-serif;fill:#57606a}"
)


def _when(run: RunRecord) -> str:
    return run.when.strftime("%Y-%m-%d %H:%M UTC")


def _counts(run: RunRecord) -> str:
    return ", ".join(f"{run.total(key)} {word}" for key, word, _ in STACK if run.total(key))


def _title(run: RunRecord, detail: str) -> str:
    return f"<title>{html.escape(f'{_when(run)} · {run.verdict} · {detail}')}</title>"


def _n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _bars(runs: list[RunRecord], step: float, width: float) -> list[str]:
    top = max((sum(r.total(key) for key, _, _ in STACK) for r in runs), default=0) or 1
    scale = BARS_HEIGHT / top
    out = []
    for i, run in enumerate(runs):
        x, y = LEFT + i * step, float(BARS_TOP + BARS_HEIGHT)
        rects = []
        for key, _, _ in STACK:
            height = run.total(key) * scale
            if height:
                y -= height
                rects.append(
                    f'<rect class="t-{key}" x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" '
                    f'height="{_n(height)}"/>'
                )
        if run.red:
            rects.append(
                f'<rect class="t-red" x="{_n(x)}" y="{MARK_TOP}" width="{_n(width)}" '
                f'height="{MARK_HEIGHT}"/>'
            )
        out.append(f'<g class="run">{_title(run, _counts(run) or "no tests")}{"".join(rects)}</g>')
    out.append(f'<text x="{LEFT - 4}" y="{BARS_TOP + 4}" text-anchor="end">{top}</text>')
    out.append(f'<text x="{LEFT - 4}" y="{BARS_TOP + BARS_HEIGHT}" text-anchor="end">0</text>')
    out.append(f'<text x="{LEFT}" y="{BARS_TOP - 8}">tests per run, by outcome</text>')
    return out


def _line(
    runs: list[RunRecord],
    step: float,
    width: float,
    name: str,
    label: str,
    top_y: int,
    value: Callable[[RunRecord], float | None],
    text: Callable[[float], str],
    axis: Callable[[float], str],
) -> list[str]:
    points = [(i, run, v) for i, run in enumerate(runs) if (v := value(run)) is not None]
    out = [f'<text x="{LEFT}" y="{top_y - 8}">{label}</text>']
    if not points:
        out.append(f'<text x="{LEFT}" y="{top_y + LINE_HEIGHT // 2}">not recorded</text>')
        return out
    peak = max(v for _, _, v in points) or 1.0
    xy = [
        (i, run, v, LEFT + i * step + width / 2, top_y + LINE_HEIGHT - v / peak * LINE_HEIGHT)
        for i, run, v in points
    ]
    out.append(
        f'<polyline class="t-{name}" points="'
        + " ".join(f"{_n(x)},{_n(y)}" for _, _, _, x, y in xy)
        + '"/>'
    )
    out += [
        f'<circle class="t-{name}{" t-red" if run.red else ""}" cx="{_n(x)}" cy="{_n(y)}" '
        f'r="{2.5 if step > 6 else 1.5}">{_title(run, text(v))}</circle>'
        for _, run, v, x, y in xy
    ]
    out.append(f'<text x="{LEFT - 4}" y="{top_y + 4}" text-anchor="end">{axis(peak)}</text>')
    out.append(f'<text x="{LEFT - 4}" y="{top_y + LINE_HEIGHT}" text-anchor="end">0</text>')
    return out


def _key() -> list[str]:
    """The colour key, drawn in the picture itself: one swatch per outcome, then red runs."""
    out, x = [], LEFT
    for key, word, _ in (*STACK, ("red", "red run (marked under its bar)", "")):
        out.append(f'<rect class="t-{key}" x="{x}" y="{KEY_TOP}" width="10" height="10"/>')
        out.append(f'<text x="{x + 14}" y="{KEY_TOP + 9}">{html.escape(word)}</text>')
        x += 24 + 6 * len(word)
    return out


def trend_svg(runs: list[RunRecord]) -> str:
    step = min(MAX_STEP, (WIDTH - LEFT - RIGHT) / max(len(runs), 1))
    width = step * 0.8 if step > 4 else step
    parts = [*_key(), *_bars(runs, step, width)]
    parts += _line(
        runs, step, width, "wall", "wall time (sessions summed)", WALL_TOP,
        lambda r: r.wall_seconds, lambda v: f"wall time {seconds_text(v)}",
        lambda v: f"{v / 60:.0f} min" if v >= 120 else f"{v:.0f} s",
    )  # fmt: skip
    parts += _line(
        runs, step, width, "requests", "API requests", REQUESTS_TOP,
        lambda r: None if r.api_requests is None else float(r.api_requests),
        lambda v: f"{v:.0f} API requests", lambda v: f"{v:.0f}",
    )  # fmt: skip
    if runs:
        bottom, end = HEIGHT - 6, LEFT + len(runs) * step
        parts.append(f'<text x="{LEFT}" y="{bottom}">{html.escape(_when(runs[0]))}</text>')
        if end - LEFT > 300:  # room for both dates; every bar's title has its own
            parts.append(
                f'<text x="{_n(end)}" y="{bottom}" text-anchor="end">'
                f"{html.escape(_when(runs[-1]))}</text>"
            )
    return (
        f'<svg class="trend" role="img" aria-label="trend of the last {len(runs)} runs" '
        f'width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">'
        f"<style>{_CSS}</style>" + "".join(parts) + "</svg>"
    )


def trend_html(runs: list[RunRecord]) -> str:
    if not runs:
        return ""
    red = sum(r.red for r in runs)
    return (
        f"<h2>Trend ({len(runs)} run{'s' if len(runs) != 1 else ''}, {red} red)</h2>\n"
        f"{trend_svg(runs)}\n"
    )


def _cell(text: str) -> str:
    return html.escape(" ".join(text.split()), quote=False).replace("|", "&#124;")


def trend_markdown(runs: list[RunRecord], path: str) -> list[str]:
    if not runs:
        return []
    shown = runs[-MARKDOWN_RUNS:][::-1]
    icons = {"RED": "🔴", "GREEN": "🟢"}
    lines = [
        f"## Last runs ({len(shown)} of {len(runs)} in `{_cell(path)}`)",
        "",
        "| run | verdict | target | SDK | resolution | passed | failed | unexpected "
        "| expected skips | known defects | surface changes | wall time | API requests "
        "| drift | smoke |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in shown:
        drift = (
            "-"
            if run.drift is None
            else ", ".join(f"{n} {k}" for k, n in run.drift.items()) or "none"
        )
        row = [
            _when(run),
            f"{icons.get(run.verdict, '⚪')} {run.verdict}",
            _cell(run.target),
            _cell(run.sdk),
            _cell(run.resolution),
            *(str(run.total(key)) for key in TABLE_COUNTS),
            seconds_text(run.wall_seconds),
            "-" if run.api_requests is None else str(run.api_requests),
            _cell(drift),
            "-" if run.smoke_exit is None else f"exit {run.smoke_exit}",
        ]
        lines.append("| " + " | ".join(row) + " |")
    return [*lines, ""]
