"""Fold each test's setup/call/teardown reports into one outcome, on the controller.

Everything a worker knew (resource, expected skip, skip category, failure headline)
arrives in ``report.user_properties``, which xdist serialises; nothing travels
through side files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest

from imednet_live.charter.context import RunContext
from imednet_live.charter.expectations import (
    module_skip_violation,
    run_violation,
    skip_violation,
)
from imednet_live.skip_categories import SkipCategory

if TYPE_CHECKING:  # pydantic is imported on the controller at the end, not by every worker
    from imednet_live.charter.outcomes import TestOutcome, Violation

PROP_RESOURCE = "charter.resource"
PROP_EXPECTED_SKIP = "charter.expected_skip"
PROP_MARKER_PROBLEM = "charter.marker_problem"
PROP_SKIP_CATEGORY = "charter.skip_category"
PROP_FAILURE_KIND = "charter.failure_kind"
PROP_FAILURE = "charter.failure"
PROP_SDK_LOG = "charter.sdk_log"  # list of the SDK's log lines (>= WARNING) of one phase

MESSAGE_CHARS = 2000


def _text_prop(props: dict[str, object], key: str) -> str | None:
    """A user property the plugin wrote as text; empty or missing reads as None."""
    value = props.get(key)
    return str(value) if value else None


@dataclass
class _Entry:
    nodeid: str
    resource: str | None
    expected_skip: str | None
    marker_problem: str | None
    outcome: str = "passed"
    category: str | None = None
    failure_kind: str | None = None
    message: str = ""
    duration_s: float = 0.0
    module_level: bool = False
    sdk_log: list[str] = field(default_factory=list)


class OutcomeCollector:
    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}

    def add_test_report(self, report: pytest.TestReport) -> None:
        props = {str(k): v for k, v in report.user_properties}
        entry = self._entries.get(report.nodeid)
        if entry is None:
            entry = self._entries[report.nodeid] = _Entry(
                nodeid=report.nodeid,
                resource=_text_prop(props, PROP_RESOURCE),
                expected_skip=_text_prop(props, PROP_EXPECTED_SKIP),
                marker_problem=_text_prop(props, PROP_MARKER_PROBLEM),
            )
        entry.duration_s += report.duration
        logged = props.get(PROP_SDK_LOG)
        if isinstance(logged, (list, tuple)):
            entry.sdk_log += [str(line) for line in logged]
        if report.skipped and report.when in ("setup", "call"):
            entry.outcome = "skipped"
            entry.category = str(props.get(PROP_SKIP_CATEGORY, SkipCategory.UNCLASSIFIED))
            entry.message = skip_reason(report)
            if entry.category in (
                SkipCategory.KNOWN_SDK_DEFECT,
                SkipCategory.SDK_SURFACE_CHANGE,
                SkipCategory.DEPENDENCY_BREAK,
            ):
                # the marker's reason, bare
                entry.message = str(getattr(report, "wasxfail", "") or entry.message)
        elif report.failed:
            broken_fixture = report.when != "call" and entry.outcome != "failed"
            entry.outcome = "error" if broken_fixture else "failed"
            entry.failure_kind = _text_prop(props, PROP_FAILURE_KIND)
            entry.message = str(props.get(PROP_FAILURE) or crash_message(report))

    def add_module_skip(self, report: pytest.CollectReport, category: str) -> None:
        self._entries[report.nodeid] = _Entry(
            nodeid=report.nodeid,
            resource=None,
            expected_skip=None,
            marker_problem=None,
            outcome="skipped",
            category=category,
            message=skip_reason(report),
            module_level=True,
        )

    def finish(self, ctx: RunContext) -> tuple[list[TestOutcome], list[Violation]]:
        from imednet_live.charter.outcomes import TestOutcome, Violation

        tests: list[TestOutcome] = []
        violations: list[Violation] = []
        for entry in sorted(self._entries.values(), key=lambda e: e.nodeid):
            if entry.module_level:
                problem = module_skip_violation(entry.category or "", entry.message, ctx)
            elif entry.outcome == "skipped":
                problem = skip_violation(entry.category or "", entry.expected_skip, ctx)
            else:
                problem = run_violation(entry.outcome, entry.expected_skip, ctx)
            if problem:
                rule = entry.category or entry.expected_skip or "expectation"
                violations.append(Violation(nodeid=entry.nodeid, category=rule, message=problem))
            if entry.marker_problem:
                violations.append(
                    Violation(nodeid=entry.nodeid, category="marker", message=entry.marker_problem)
                )
            tests.append(
                TestOutcome(
                    nodeid=entry.nodeid,
                    resource=entry.resource,
                    outcome=entry.outcome,  # type: ignore[arg-type]
                    category=entry.category if entry.outcome == "skipped" else None,
                    expected=problem is None,
                    expected_skip=entry.expected_skip,
                    failure_kind=entry.failure_kind,
                    message=ctx.redact(entry.message)[:MESSAGE_CHARS],
                    duration_s=round(entry.duration_s, 3),
                    sdk_log=entry.sdk_log if entry.outcome in ("failed", "error") else [],
                )
            )
        return tests, violations

    def sdk_log_by_test(self) -> list[tuple[str, str, list[str]]]:
        """(nodeid, outcome, lines) of every test the SDK logged in, in nodeid order."""
        return [
            (e.nodeid, e.outcome, e.sdk_log)
            for e in sorted(self._entries.values(), key=lambda e: e.nodeid)
            if e.sdk_log
        ]


def skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    wasxfail = getattr(report, "wasxfail", None)
    if wasxfail is not None:
        return f"xfail: {wasxfail}" if wasxfail else "xfail"
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
    return reason.removeprefix("Skipped: ")


def crash_message(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        return str(crash.message)
    text = str(report.longrepr or "").strip().splitlines()
    return text[-1] if text else "failed"
