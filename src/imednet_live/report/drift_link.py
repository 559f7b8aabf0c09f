"""A line in the summary linking drift.md/drift.json when ``nox -s drift`` wrote them."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

DRIFT_JSON, DRIFT_MD = "drift.json", "drift.md"


def drift_kinds(reports_dir: Path) -> dict[str, int] | None:
    """Findings of drift.json by kind; None when drift did not run (or its file is unreadable)."""
    try:
        data = json.loads((reports_dir / DRIFT_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    findings = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(findings, list):
        return None
    kinds: dict[str, int] = {}
    for finding in findings:
        kind = str(finding.get("kind")) if isinstance(finding, dict) else "?"
        kinds[kind] = kinds.get(kind, 0) + 1
    return dict(sorted(kinds.items()))


def _summary(reports_dir: Path) -> str | None:
    kinds = drift_kinds(reports_dir)
    if kinds is None:
        return None
    return ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "no findings"


def drift_markdown(reports_dir: Path) -> str:
    summary = _summary(reports_dir)
    if summary is None:
        return ""
    return f"\n## API drift\n\n{summary}: [{DRIFT_MD}]({DRIFT_MD}) ([{DRIFT_JSON}]({DRIFT_JSON}))\n"


def drift_html(reports_dir: Path) -> str:
    summary = _summary(reports_dir)
    if summary is None:
        return ""
    return (
        f'<h2>API drift</h2>\n<p>{escape(summary)}: <a href="{DRIFT_MD}">{DRIFT_MD}</a> '
        f'(<a href="{DRIFT_JSON}">{DRIFT_JSON}</a>)</p>\n'
    )
