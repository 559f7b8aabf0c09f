"""``python -m imednet_live.report [REPORTS_DIR]``: write summary.md and summary.html.

Exit 0 when the report rendered (it reports failures, it does not judge them);
exit 2 with one line naming the file when an outcomes file or smoke/smoke.json is
corrupt, or when there is nothing to report at all. A folder holding only smoke.json
still renders: a red smoke gate aborts the live sessions, and that is when the report
is needed most. Nothing is written unless every input was read; each file is replaced whole.
``--previous DIR`` (the previous run's reports folder) adds what changed since then.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from imednet_live.core.atomic_files import write_text_atomic
from imednet_live.core.redaction import redact
from imednet_live.core.settings import env_secrets
from imednet_live.report.drift_link import drift_html, drift_markdown
from imednet_live.report.history import TestChange, changes
from imednet_live.report.html import render_html
from imednet_live.report.markdown import render_markdown
from imednet_live.report.merge import Matrix, ReportInputError, load_matrix
from imednet_live.report.smoke_gate import load_smoke_gate
from imednet_live.report.verdict import judge

STEP_SUMMARY = "GITHUB_STEP_SUMMARY"


def _secrets() -> tuple[str, ...]:
    """Outcomes are redacted when written; this is belt and braces for keys still in env."""
    return env_secrets(os.environ)


def _history(matrix: Matrix, previous: Path | None) -> list[TestChange] | None:
    if previous is None:
        return None
    if not previous.is_dir():
        raise ReportInputError(f"--previous {previous} is not a directory")
    return changes(matrix, load_matrix(previous))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m imednet_live.report", description=__doc__)
    parser.add_argument("reports_dir", nargs="?", default="reports", type=Path)
    parser.add_argument(
        "--previous",
        type=Path,
        metavar="DIR",
        help="the previous run's reports folder: adds a 'changed since last run' section",
    )
    args = parser.parse_args(argv)
    reports_dir: Path = args.reports_dir
    try:
        smoke = load_smoke_gate(reports_dir)
        matrix = load_matrix(reports_dir, allow_empty=smoke is not None)
        history = _history(matrix, args.previous)
    except ReportInputError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 2
    secrets = _secrets()
    drift = drift_markdown(reports_dir)
    markdown = redact(render_markdown(matrix, smoke, history) + drift, secrets)
    page = redact(
        render_html(matrix, smoke, history).replace(
            "</body>", drift_html(reports_dir) + "</body>", 1
        ),
        secrets,
    )
    md_path, html_path = reports_dir / "summary.md", reports_dir / "summary.html"
    write_text_atomic(md_path, markdown)
    write_text_atomic(html_path, page)
    step_summary = os.environ.get(STEP_SUMMARY, "").strip()
    if step_summary:
        with open(step_summary, "a", encoding="utf-8") as handle:
            handle.write(markdown)
    gate = "no smoke gate" if smoke is None else f"smoke exit {smoke.exit_code}"
    print(f"report: {len(matrix.columns)} session(s), {gate} -> {md_path}, {html_path}")
    print(f"report: {judge(matrix, smoke).headline}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
