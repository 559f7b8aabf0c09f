"""``python -m imednet_live.report [REPORTS_DIR]``: write summary.md and summary.html.

Exit 0 when the report rendered (it reports failures, it does not judge them);
exit 2 with one line naming the file when an outcomes file or smoke/smoke.json is
corrupt, or when there is nothing to report at all. A folder holding only smoke.json
still renders: a red smoke gate aborts the live sessions, and that is when the report
is needed most. Nothing is written unless every input was read; each file is replaced whole.
``--previous DIR`` (the previous run's reports folder) adds what changed since then; by
default the report compares with the last run in the run history (IMEDNET_LIVE_HISTORY),
draws the history's trend, and then appends this run to it. A history file that cannot
be used is named in one line; the report is written all the same.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from imednet_live.atomic_files import write_text_atomic
from imednet_live.config import ENV_VARS, Reader, env_help, env_secrets
from imednet_live.redaction import redact
from imednet_live.report.changes import TestChange, changes, changes_since
from imednet_live.report.drift_link import drift_html, drift_kinds, drift_markdown
from imednet_live.report.html import render_html
from imednet_live.report.markdown import render_markdown
from imednet_live.report.merge import Matrix, ReportInputError, load_matrix
from imednet_live.report.run_history import (
    History,
    HistoryError,
    RunRecord,
    append_run,
    earlier_runs,
    history_path,
    read_history,
    record_run,
)
from imednet_live.report.smoke_gate import load_smoke_gate
from imednet_live.report.trend import trend_html, trend_markdown
from imednet_live.report.verdict import judge

STEP_SUMMARY = "GITHUB_STEP_SUMMARY"


def _secrets() -> tuple[str, ...]:
    """Outcomes are redacted when written; this is belt and braces for keys still in env."""
    return env_secrets(os.environ)


def _history(
    matrix: Matrix, previous: Path | None, earlier: list[RunRecord], run: RunRecord
) -> list[TestChange] | None:
    """Changes since ``--previous DIR``, else since the last run in the history.

    Only a run of the same SDK build, resolution and target is compared test by test:
    against another build every declared difference would read as a test that went red.
    """
    if previous is not None:
        if not previous.is_dir():
            raise ReportInputError(f"--previous {previous} is not a directory")
        return changes(matrix, load_matrix(previous))
    if not earlier:
        return None
    last = earlier[-1]
    when = last.when.strftime("%Y-%m-%d %H:%M UTC")
    if _build(last) != _build(run):
        print(
            f"report: the last run in the history ({when}) tested {_build(last)}, this one "
            f"{_build(run)}: no 'changed since last run'; pass --previous DIR to compare anyway",
            file=sys.stderr,
        )
        return None
    if last.tests is None:
        print(
            f"report: the last run in the history ({when}) kept no test states, so there is "
            f"no 'changed since last run'; pass --previous DIR (its reports folder) to compare",
            file=sys.stderr,
        )
        return None
    print(f"report: changes since the last run in the history ({when})")
    return changes_since(matrix, last.tests)


def _build(run: RunRecord) -> str:
    return f"{run.sdk} ({run.resolution}) on {run.target}"


def _open_history(reports_dir: Path) -> History | None:
    try:
        history = read_history(history_path(reports_dir))
    except HistoryError as exc:
        print(f"report: {exc}; the report is written without the history", file=sys.stderr)
        return None
    for warning in history.warnings:
        print(f"report: {warning}", file=sys.stderr)
    return history


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m imednet_live.report",
        description=__doc__,
        epilog="environment:\n" + env_help(v for v in ENV_VARS if Reader.REPORT in v.read_by),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("reports_dir", nargs="?", default="reports", type=Path)
    parser.add_argument(
        "--previous",
        type=Path,
        metavar="DIR",
        help="compare with this reports folder for 'changed since last run' (default: the "
        "test states the run history kept of its last run)",
    )
    args = parser.parse_args(argv)
    reports_dir: Path = args.reports_dir
    try:
        smoke = load_smoke_gate(reports_dir)
        matrix = load_matrix(reports_dir, allow_empty=smoke is not None)
        run_history = _open_history(reports_dir)
        run = record_run(matrix, smoke, reports_dir, drift_kinds(reports_dir))
        earlier = [] if run_history is None else earlier_runs(run_history, run)
        history = _history(matrix, args.previous, earlier, run)
    except ReportInputError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 2
    secrets = _secrets()
    drift = drift_markdown(reports_dir)
    runs = [] if run_history is None else [*earlier, run]
    trend_lines = trend_markdown(runs, str(run_history.path) if run_history else "")
    markdown = redact(render_markdown(matrix, smoke, history, trend_lines) + drift, secrets)
    page = redact(
        render_html(matrix, smoke, history, trend_html(runs)).replace(
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
    if run_history is not None:
        _append(run_history, run, secrets)
    return 0


def _append(run_history: History, run: RunRecord, secrets: tuple[str, ...]) -> None:
    try:
        append_run(run_history, run, lambda text: redact(text, secrets))
    except HistoryError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return
    print(f"report: run appended to the history {run_history.path}")


if __name__ == "__main__":
    sys.exit(main())
