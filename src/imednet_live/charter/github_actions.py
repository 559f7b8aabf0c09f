"""What the live suite tells GitHub Actions, and only Actions (``GITHUB_ACTIONS=true``).

Each failing test becomes an ``::error`` workflow command at its file and line, titled with
its node id, carrying the charter's one-line headline; junit.xml becomes a table in the
job's step summary (``$GITHUB_STEP_SUMMARY``). Everything this module emits passes through
one ``scrub`` (the run's secret and personal-data scrub) in ``ActionsFeedback._emit`` and
``_append_summary``: the only two places it writes.

Outside Actions it prints nothing: a workflow command in a local terminal is noise. (The
smoke's ``::notice::``/``::error::`` lines are the charter's runbook and print everywhere;
they are not these.)
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from imednet_live.charter.collector import PROP_FAILURE, crash_message
from imednet_live.workflow_commands import error_command, under_actions

if TYPE_CHECKING:
    import pytest

STEP_SUMMARY = "GITHUB_STEP_SUMMARY"
WORKSPACE = "GITHUB_WORKSPACE"
# A step summary is limited to 1 MiB per step; a failure list this long says enough.
MAX_SUMMARY_FAILURES = 50
MAX_MESSAGE_CHARS = 300


@dataclass(frozen=True)
class FailedTest:
    nodeid: str
    path: Path  # absolute
    line: int  # 1-based
    headline: str


class ActionsFeedback:
    """Collects the session's failures on the controller; emits them under Actions only."""

    def __init__(self, scrub: Callable[[str], str], env: Mapping[str, str] | None = None) -> None:
        self._env = os.environ if env is None else env
        self.enabled = under_actions(self._env)
        self._scrub = scrub
        self.failed: list[FailedTest] = []

    def add_report(self, report: pytest.TestReport, rootpath: Path) -> None:
        """A failed report (already scrubbed): at the deepest line of the traceback in the
        test's own file (where it failed, or the call that hung), else at its definition."""
        if not self.enabled:
            return
        fspath, lineno, _ = report.location
        path = Path(os.path.abspath(rootpath / fspath))
        line = _line_in(report, path) or (lineno or 0) + 1
        headline = str(dict(report.user_properties).get(PROP_FAILURE) or crash_message(report))
        self.failed.append(FailedTest(report.nodeid, path, line, headline.splitlines()[0]))

    def _where(self, path: Path) -> str:
        """The path as the runner resolves it: relative to the checkout (GITHUB_WORKSPACE)."""
        base = self._env.get(WORKSPACE) or os.getcwd()
        try:
            return Path(os.path.relpath(path, base)).as_posix()
        except ValueError:  # another drive (Windows): the absolute path still names it
            return path.as_posix()

    def annotations(self) -> list[str]:
        return [
            self._emit(error_command(self._where(f.path), f.line, f.nodeid, f.headline))
            for f in self.failed
        ]

    def _emit(self, command: str) -> str:
        return self._scrub(command)

    def write_step_summary(self, junit_xml: Path | None, heading: str) -> str | None:
        """Append junit.xml's counts and failures to the step summary; a problem, or None."""
        target = self._env.get(STEP_SUMMARY)
        if not self.enabled or not target or junit_xml is None:
            return None
        try:
            text = junit_markdown(junit_xml, heading)
        except (OSError, ET.ParseError) as exc:
            text = f"### {heading}\n\njunit.xml could not be read ({junit_xml}: {exc})\n"
        return self._append_summary(Path(target), text)

    def _append_summary(self, target: Path, text: str) -> str | None:
        try:
            with target.open("a", encoding="utf-8") as out:
                out.write(self._scrub(text) + "\n")
        except OSError as exc:
            return f"cannot append to {STEP_SUMMARY} {target}: {exc.strerror or exc}"
        return None


def _line_in(report: pytest.TestReport, path: Path) -> int | None:
    longrepr = report.longrepr
    crash = getattr(longrepr, "reprcrash", None)
    entries = getattr(getattr(longrepr, "reprtraceback", None), "reprentries", None) or []
    locations = [getattr(entry, "reprfileloc", None) for entry in entries]
    for location in [crash, *reversed(locations)]:
        where = getattr(location, "path", None)
        if where and Path(os.path.abspath(where)) == path:
            return int(getattr(location, "lineno", 0)) or None
    return None


def _cell(text: str) -> str:
    one_line = " ".join(text.split())
    if len(one_line) > MAX_MESSAGE_CHARS:
        one_line = one_line[: MAX_MESSAGE_CHARS - 1] + "…"
    return one_line.replace("|", "\\|")


def junit_markdown(path: Path, heading: str) -> str:
    """junit.xml as Markdown: the counts, then each failure and error with its message."""
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    seconds = 0.0
    broken: list[tuple[str, str, str]] = []
    for suite in suites:
        for key in totals:
            totals[key] += int(suite.get(key, "0") or 0)
        seconds += float(suite.get("time", "0") or 0)
        for case in suite.iter("testcase"):
            for kind in ("failure", "error"):
                found = case.find(kind)
                if found is not None:
                    name = f"{case.get('classname', '')}::{case.get('name', '')}".strip(":")
                    broken.append((kind, name, found.get("message", "") or ""))
    passed = totals["tests"] - totals["failures"] - totals["errors"] - totals["skipped"]
    lines = [
        f"### {heading}",
        "",
        "| tests | passed | failed | errors | skipped | time |",
        "|---|---|---|---|---|---|",
        f"| {totals['tests']} | {passed} | {totals['failures']} | {totals['errors']} "
        f"| {totals['skipped']} | {seconds:.1f} s |",
    ]
    if broken:
        lines += ["", "| outcome | test | message |", "|---|---|---|"]
        lines += [
            f"| {kind} | `{_cell(name)}` | {_cell(message)} |"
            for kind, name, message in broken[:MAX_SUMMARY_FAILURES]
        ]
        if len(broken) > MAX_SUMMARY_FAILURES:
            lines.append(f"\n… and {len(broken) - MAX_SUMMARY_FAILURES} more in junit.xml")
    return "\n".join(lines) + "\n"
