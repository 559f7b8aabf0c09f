"""Each test's report: classified on the worker, redacted before anyone sees it."""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import pytest

from imednet_live.charter import dependency_outcome
from imednet_live.charter.classification import (
    ASSERTION,
    OTHER,
    SDK_DEFECT_FIXED,
    describe_failure,
    describe_swallowed,
    drift_in_log,
)
from imednet_live.charter.collector import (
    PROP_FAILURE,
    PROP_FAILURE_KIND,
    PROP_SDK_LOG,
    PROP_SKIP_CATEGORY,
    crash_message,
    skip_reason,
)
from imednet_live.charter.plugin_state import _SDK_DEFECT
from imednet_live.charter.skips import (
    CharterSkip,
    category_of,
)
from imednet_live.charter.timeouts import describe_timeout
from imednet_live.core.skip_categories import SkipCategory
from imednet_live.recording import boundary

if TYPE_CHECKING:
    # pydantic (the outcome models) and httpx (the request counter's tap) are imported when
    # first needed, so a worker's start-up (collection) pays for neither.
    pass

from imednet_live.charter.plugin_state import PluginState


class ReportHooks(PluginState):
    """Each test's report: classified on the worker, redacted before anyone sees it."""

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        exc = call.excinfo.value if call.excinfo is not None else None
        logged = self.sdk_log.new_lines()
        if logged:
            report.user_properties.append((PROP_SDK_LOG, logged))
        swallowed = self.sdk_log.swallowed
        defect = item.stash.get(_SDK_DEFECT, None)
        if report.skipped and swallowed and not hasattr(report, "wasxfail"):
            _fail_skip_after_swallowed_error(report, skip_reason(report))
        if defect is not None and report.when != "call" and hasattr(report, "wasxfail"):
            # pytest xfailed an error in a fixture: that is no SDK defect. A skip in set-up
            # (a missing package, absent data) carries no ``wasxfail`` and stays a skip.
            _fail_broken_setup_of_known_defect(report)
        otherwise = None
        if defect is not None and report.skipped and hasattr(report, "wasxfail"):
            otherwise = dependency_outcome.symptom_missing(report, exc, defect)
            if otherwise:
                dependency_outcome.fail_as_gone(report, otherwise, report.user_properties)
        if report.skipped:
            category = category_of(exc) if exc is not None else SkipCategory.UNCLASSIFIED
            if hasattr(report, "wasxfail"):
                imperative = isinstance(exc, pytest.xfail.Exception)
                known = defect is not None and not imperative
                category = SkipCategory.KNOWN_SDK_DEFECT if known else SkipCategory.UNCLASSIFIED
                if defect is not None and known and defect.surface_change:
                    category = SkipCategory.SDK_SURFACE_CHANGE
                if defect is not None and known and defect.dependency_break:
                    category = SkipCategory.DEPENDENCY_BREAK
            report.user_properties.append((PROP_SKIP_CATEGORY, str(category)))
            if isinstance(exc, CharterSkip):
                _plain_skip_reason(report, item, exc)
        elif report.failed and exc is None and defect is not None and report.when == "call":
            fixed = (
                f"SDK defect fixed: {defect.reason}: the test now passes (strict XPASS); "
                "remove its @pytest.mark.sdk_defect marker"
            )
            if defect.surface_change:
                fixed = (
                    f"declared surface change absent: {defect.reason}: its contract test "
                    "passes (strict XPASS); fix its detection in sdk/surface_changes.py"
                )
            if defect.dependency_break:
                dependency_outcome.fail_as_gone(
                    report, dependency_outcome.passed_line(defect), report.user_properties
                )
            else:
                report.user_properties.append((PROP_FAILURE_KIND, SDK_DEFECT_FIXED))
                report.user_properties.append((PROP_FAILURE, fixed))
                report.longrepr = fixed
        elif report.failed and exc is not None and otherwise is None:
            base_url = self.ctx.settings.base_url
            in_flight = self._requests.in_flight()
            info = describe_timeout(exc, in_flight, base_url) or self.surface.classify(
                exc, describe_failure(exc, base_url)
            )
            lines = self.sdk_log.lines
            if swallowed and info.kind in (ASSERTION, OTHER):
                first, logged_line = swallowed[0]
                info = describe_swallowed(first, crash_message(report), logged_line)
            elif info.kind in (ASSERTION, OTHER):  # a strict drift error the SDK only logged
                info = drift_in_log(lines, crash_message(report)) or info
            if info.kind in (ASSERTION, OTHER) and self.ctx.resolution != "locked":
                moved = self.ctx.lock_differences
                info = dependency_outcome.undeclared(exc, moved, crash_message(report)) or info
            report.user_properties.append((PROP_FAILURE_KIND, info.kind))
            headline = info.headline
            if lines:
                headline = f"{headline or crash_message(report)} | {_logged_summary(lines)}"
            if headline:
                report.user_properties.append((PROP_FAILURE, headline))
                _annotate_longrepr(report, headline, f"imednet {info.kind}", info.details)
            if lines and isinstance(report.longrepr, _Sectioned):
                report.longrepr.addsection("imednet SDK log (WARNING and above)", "\n".join(lines))
        return self._redacted(report)

    def pytest_runtest_logstart(self) -> None:
        self._requests.install()  # no request precedes a test's set-up (fixtures included)
        self._requests.start_test()
        self.sdk_log.install()
        self.sdk_log.start_test()

    @pytest.hookimpl(wrapper=True)
    def pytest_make_collect_report(
        self, collector: pytest.Collector
    ) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
        report = yield
        if report.passed:
            return report
        if report.skipped:
            call = getattr(report, "call", None)  # pytest leaves it for collect_one_node
            exc = call.excinfo.value if call is not None and call.excinfo is not None else None
            category = category_of(exc) if exc is not None else SkipCategory.UNCLASSIFIED
            report.charter_category = str(category)  # type: ignore[attr-defined]
        return self._redacted(report)

    def _redacted(self, report: Any) -> Any:
        """The same report through the output boundary, before terminal, JUnit or xdist."""
        return boundary.scrub_report(self.config, report, self.ctx.secrets)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if not self.is_worker:
            self.collector.add_test_report(report)
            if report.failed:
                self.actions.add_report(report, self.config.rootpath)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if not self.is_worker and report.skipped:
            category = getattr(report, "charter_category", SkipCategory.UNCLASSIFIED)
            self.collector.add_module_skip(report, str(category))


@runtime_checkable
class _Sectioned(Protocol):
    """A failure representation that takes extra sections (pytest's ``ExceptionRepr``)."""

    def addsection(self, name: str, content: str, sep: str = "-") -> None: ...


def _annotate_longrepr(
    report: pytest.TestReport, headline: str, title: str, details: str | None
) -> None:
    """Put the charter's headline where -ra and JUnit read it, details under the traceback."""
    longrepr = report.longrepr
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None:
        crash.message = headline
    if details and isinstance(longrepr, _Sectioned):
        longrepr.addsection(title, details)
    elif isinstance(longrepr, str):
        report.longrepr = f"{headline}\n{longrepr}"


def _logged_summary(lines: list[str]) -> str:
    more = f" (+{len(lines) - 1} more)" if len(lines) > 1 else ""
    first = lines[0] if len(lines[0]) <= 300 else lines[0][:299] + "…"
    return f"the SDK logged: {first}{more}"


def _fail_skip_after_swallowed_error(report: pytest.TestReport, reason: str) -> None:
    """A skip for missing data after the SDK hid an API error would hide the error too."""
    report.outcome = "failed"
    report.longrepr = f"skipped ({reason}) after the SDK swallowed an API error"


def _fail_broken_setup_of_known_defect(report: pytest.TestReport) -> None:
    """pytest xfails a strict-xfail test whose fixture broke; that would hide the error."""
    report.outcome = "failed"
    del report.wasxfail


def _plain_skip_reason(report: pytest.TestReport, item: pytest.Item, exc: CharterSkip) -> None:
    """Show the helper's message without its class name, at the test's own location.

    A disabled suite keeps one location for all its skips, so ``-ra`` folds them
    into the single line the charter asks for.
    """
    if not isinstance(report.longrepr, tuple):
        return
    path, lineno, _ = report.longrepr
    if exc.category != SkipCategory.SUITE_DISABLED:
        fspath, line = item.reportinfo()[:2]
        path, lineno = os.fspath(fspath), (line or 0) + 1
    report.longrepr = (path, lineno, str(exc.msg))
