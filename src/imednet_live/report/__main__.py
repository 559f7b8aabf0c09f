"""``python -m imednet_live.report [REPORTS_DIR]``: write summary.md and summary.html.

Exit 0 when the report rendered (it reports failures, it does not judge them);
exit 2 with one line naming the file when an outcomes file is missing or corrupt.
Nothing is written unless every input was read, and each file is replaced whole.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from imednet_live.atomic_files import write_text_atomic
from imednet_live.config import ConfigError, Settings
from imednet_live.redaction import redact
from imednet_live.report.html import render_html
from imednet_live.report.markdown import render_markdown
from imednet_live.report.merge import ReportInputError, load_matrix

STEP_SUMMARY = "GITHUB_STEP_SUMMARY"


def _secrets() -> tuple[str, ...]:
    """Outcomes are redacted when written; this is belt and braces for keys still in env."""
    try:
        return Settings.from_env().secrets
    except ConfigError:
        return ()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m imednet_live.report", description=__doc__)
    parser.add_argument("reports_dir", nargs="?", default="reports", type=Path)
    args = parser.parse_args(argv)
    reports_dir: Path = args.reports_dir
    try:
        matrix = load_matrix(reports_dir)
    except ReportInputError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 2
    secrets = _secrets()
    markdown = redact(render_markdown(matrix), secrets)
    page = redact(render_html(matrix), secrets)
    md_path, html_path = reports_dir / "summary.md", reports_dir / "summary.html"
    write_text_atomic(md_path, markdown)
    write_text_atomic(html_path, page)
    step_summary = os.environ.get(STEP_SUMMARY, "").strip()
    if step_summary:
        with open(step_summary, "a", encoding="utf-8") as handle:
            handle.write(markdown)
    print(f"report: {len(matrix.sessions)} session(s) -> {md_path}, {html_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
