"""The Live Test Charter as a pytest plugin, loaded for tests/live only (its pytest.ini).

What it enforces, so nobody has to by hand: the startup context is always printed
(on the controller, never a secret); every skip carries a charter category and a
skip the profile did not predict, or a predicted skip that did not happen, fails
the session; API and network failures say status, request and body or base URL;
what the SDK logged at WARNING+ travels with a failure (an API error it swallowed
names the failure), and into sdk.log otherwise; non-SDK warnings go to a log;
outcomes.json is written once, merged from all xdist workers; a read-only session
that wrote to the sandbox fails.

Workers classify (they hold the exception and the markers) and put what they learnt
into ``report.user_properties``; the controller judges and writes.
"""

from __future__ import annotations

import gc
import importlib.util
import os
import sys
import time
import warnings
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import pytest

from imednet_live.atomic_files import write_text_atomic
from imednet_live.charter import dependency_outcome
from imednet_live.charter.audit import AuditError, writes_in_audit
from imednet_live.charter.classification import (
    ASSERTION,
    OTHER,
    SDK_DEFECT_FIXED,
    describe_failure,
    describe_swallowed,
    drift_in_log,
)
from imednet_live.charter.collector import (
    PROP_EXPECTED_SKIP,
    PROP_FAILURE,
    PROP_FAILURE_KIND,
    PROP_MARKER_PROBLEM,
    PROP_RESOURCE,
    PROP_SDK_LOG,
    PROP_SKIP_CATEGORY,
    OutcomeCollector,
    crash_message,
    skip_reason,
)
from imednet_live.charter.context import RunContext
from imednet_live.charter.expectations import expected_skip_for
from imednet_live.charter.github_actions import ActionsFeedback
from imednet_live.charter.junit_properties import add_suite_properties
from imednet_live.charter.markers import (
    MARKERS,
    Requirements,
    SdkDefect,
    requirements_of,
    sdk_defect_of,
)
from imednet_live.charter.request_counter import RequestCounter
from imednet_live.charter.sdk_log import SDK_LOG_FILE, SdkLogCapture
from imednet_live.charter.summary import render_resource_table
from imednet_live.charter.surface_gate import SurfaceGate
from imednet_live.charter.timeouts import describe_timeout
from imednet_live.charter.warning_origin import SDK_ORIGIN, SdkOriginMarker, is_sdk_warning
from imednet_live.config import ConfigError
from imednet_live.recording import boundary
from imednet_live.redaction import safe_url
from imednet_live.skip_categories import SkipCategory
from imednet_live.skips import (
    CharterSkip,
    SuiteDisabled,
    category_of,
    require_package,
    skip_dependency_missing,
    skip_mutation_not_allowed,
)

if TYPE_CHECKING:
    # pydantic (the outcome models) and httpx (the request counter's tap) are imported when
    # first needed, so a worker's start-up (collection) pays for neither.
    from imednet_live.charter.outcomes import TestOutcome, Violation

PLUGIN_NAME = "imednet-live-charter"
WARNINGS_FILE = "warnings.log"
_REQUIREMENTS = pytest.StashKey[Requirements]()
_SDK_DEFECT = pytest.StashKey[SdkDefect]()
_SDK_WARNINGS_OUTPUT = "imednet_live_sdk_warnings"
_API_REQUESTS_OUTPUT = "imednet_live_api_requests"


# pytest-xdist registers this marker; without it (``-p no:xdist``, the usual way to debug
# one test serially) --strict-markers would stop collection at test_airflow.py.
XDIST_GROUP_MARKER = "xdist_group(name): tests that share one xdist worker (inert without xdist)"


def pytest_configure(config: pytest.Config) -> None:
    for line in MARKERS:
        config.addinivalue_line("markers", line)
    if not config.pluginmanager.hasplugin("xdist"):
        config.addinivalue_line("markers", XDIST_GROUP_MARKER)
    try:
        ctx = RunContext.from_env()
    except ConfigError as exc:
        raise pytest.UsageError(str(exc)) from None
    if ctx.sdk_contract_defect and not ctx.suite_disabled_reason:
        # Every test would fail on a missing attribute: one line instead, before any runs.
        raise pytest.UsageError(ctx.sdk_contract_defect)
    config.pluginmanager.register(CharterPlugin(config, ctx), PLUGIN_NAME)


class CharterPlugin:
    def __init__(self, config: pytest.Config, ctx: RunContext) -> None:
        self.config = config
        self.ctx = ctx
        self.is_worker = hasattr(config, "workerinput")
        self.collector = OutcomeCollector()
        self.tests: list[TestOutcome] = []
        self.violations: list[Violation] = []
        self.sdk_warnings = 0
        self.other_warnings: list[str] = []
        self._other_warning_sites: set[tuple[str, str, int]] = set()
        self._sdk_warning_keys: set[tuple[str, str, int, str]] = set()
        self._recorded_warnings: list[tuple[tuple[str, str, int, str], type[Warning], str]] = []
        self._origin_marker = SdkOriginMarker()
        self._origin_marker.install()
        self.sdk_log = SdkLogCapture(ctx.redact)
        self.sdk_log.install()
        self.written: list[str] = []
        self._started = time.monotonic()  # wall time of the session, for the report
        self._requests = RequestCounter()  # this process's HTTP requests, from the first test
        self._worker_requests = 0  # summed from xdist workers on the controller
        # The SDK surface against its snapshot: here, before any worker starts or test runs.
        self.surface = SurfaceGate(config, enabled=not ctx.suite_disabled_reason)
        self.actions = ActionsFeedback(ctx.redact)  # annotations: under GitHub Actions only

    # -- startup context (charter section 7) ---------------------------------------

    def pytest_report_header(self) -> list[str]:
        return self.ctx.banner_lines()

    @pytest.hookimpl(trylast=True)
    def pytest_sessionstart(self) -> None:
        """With -q or --no-header pytest prints no header; the charter says always."""
        terminal = self._terminal()
        header_hidden = self.config.get_verbosity() < 0 or self.config.getoption("no_header")
        if terminal is not None and header_hidden:
            for line in self.ctx.banner_lines():
                terminal.write_line(line)
        if not self.is_worker:
            self.surface.announce(terminal)

    def _junit_xml(self) -> Path | None:
        """The --junitxml file, which pytest has written by the time the session ends."""
        option = self.config.getoption("xmlpath", None)
        if not option or self.is_worker or self.config.option.collectonly:
            return None
        return self.config.invocation_params.dir / os.path.expanduser(option)

    def _finish_junit(self) -> None:
        """The SDK build as testsuite properties (``sdk_version``, ``sdk:<dist>``), then,
        under GitHub Actions, the file's counts and failures in the job's step summary."""
        junit = self._junit_xml()
        if junit is None:
            return
        sdk = self.ctx.sdk_distributions
        properties = [("sdk_version", sdk.get("imednet", ""))]
        properties += [(f"sdk:{name}", version) for name, version in sdk.items()]
        properties.append(("resolution", self.ctx.resolution))
        # lock:<name> = "<locked> -> <installed>"
        properties += [
            (f"lock:{m.name}", m.describe().split(" ", 1)[1]) for m in self.ctx.lock_differences
        ]
        problems = [
            add_suite_properties(junit, properties),
            self.actions.write_step_summary(junit, f"live session {self.ctx.session_name}"),
        ]
        for problem in filter(None, problems):
            print(self.ctx.redact(f"imednet-live: {problem}"), file=sys.stderr)

    # -- collection: markers, expectations, requires_absent ------------------------

    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        keep: list[pytest.Item] = []
        dropped: list[pytest.Item] = []
        for item in items:
            requirements = requirements_of(item, os.environ)
            if any(self._importable(name) for name in requirements.requires_absent):
                dropped.append(item)
                continue
            item.stash[_REQUIREMENTS] = requirements
            expected = expected_skip_for(requirements, self.ctx)
            item.user_properties.append((PROP_RESOURCE, requirements.resource or ""))
            item.user_properties.append((PROP_EXPECTED_SKIP, str(expected or "")))
            if requirements.marker_problem:
                item.user_properties.append((PROP_MARKER_PROBLEM, requirements.marker_problem))
            keep.append(item)
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = keep

    def _importable(self, name: str) -> bool:
        if name in self.ctx.importable:
            return self.ctx.importable[name]
        return importlib.util.find_spec(name) is not None

    # -- the plugin's own, classified skips ----------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        reason = self.ctx.suite_disabled_reason
        if reason:
            raise SuiteDisabled(reason)
        self._mark_sdk_defect(item)
        requirements = item.stash.get(_REQUIREMENTS, None) or requirements_of(item, os.environ)
        for package in requirements.requires:  # the first missing one names the skip
            require_package(package)
        for surface in requirements.sdk_surfaces:
            if surface in self.ctx.sdk_missing:
                skip_dependency_missing(self.ctx.sdk_missing[surface])
        if requirements.mutating and not self.ctx.settings.allow_mutation:
            skip_mutation_not_allowed(item.name, unless_env=requirements.unless_env)

    @staticmethod
    def _mark_sdk_defect(item: pytest.Item) -> None:
        """A known SDK defect or declared surface change becomes a strict xfail here, at set-up,
        not at collection: whether the build has it is detected on the SDK itself, which a
        worker imports with its first test, never while it collects (cheap workers).

        This hook is tryfirst and registered after pytest's skipping plugin, so it runs before
        pytest evaluates xfail marks; were it later, pytest evaluates them again at call.
        """
        defect = sdk_defect_of(item)
        if isinstance(defect, str):
            earlier = dict(item.user_properties).get(PROP_MARKER_PROBLEM)
            problem = f"{earlier}; {defect}" if earlier else defect
            item.user_properties.append((PROP_MARKER_PROBLEM, problem))
        elif defect is not None:  # first, so pytest's xfail evaluation finds it first
            item.stash[_SDK_DEFECT] = defect
            item.add_marker(defect.as_xfail(), append=False)

    # -- classification and redaction, where the exception still exists ------------

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

    # -- warnings: SDK ones are shown, the rest are logged -------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_warning_recorded(
        self, warning_message: warnings.WarningMessage, nodeid: str
    ) -> None:
        text = str(warning_message.message)
        clean = self.ctx.redact(text)
        if clean != text:  # before the terminal, xdist or anyone else sees it
            warning_message.message = _same_kind(warning_message.category, clean)
        key = (nodeid, str(warning_message.filename), int(warning_message.lineno or 0), clean)
        if getattr(warning_message, SDK_ORIGIN, False):
            self._sdk_warning_keys.add(key)
        if not self.is_worker:
            formatted = warnings.formatwarning(
                clean, warning_message.category, warning_message.filename, warning_message.lineno
            )
            self._recorded_warnings.append((key, warning_message.category, formatted.rstrip()))

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """xdist: each worker gets the controller's surface check, not its own."""
        self.surface.configure_node(node)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any) -> None:
        """xdist: a worker's tagged SDK warnings arrive in its workeroutput."""
        output = getattr(node, "workeroutput", None) or {}
        self._sdk_warning_keys.update(tuple(k) for k in output.get(_SDK_WARNINGS_OUTPUT, []))
        self._worker_requests += int(output.get(_API_REQUESTS_OUTPUT, 0))

    @property
    def api_requests(self) -> int:
        """HTTP requests this session sent: the controller's own plus every worker's."""
        return self._requests.count + self._worker_requests

    def _sort_warnings(self) -> None:
        for key, category, formatted in self._recorded_warnings:
            nodeid, filename, _, text = key
            if key in self._sdk_warning_keys or is_sdk_warning(filename, category, text):
                self.sdk_warnings += 1
            else:
                self._other_warning_sites.add(key[:3])
                self.other_warnings.append(f"{nodeid or '(session)'}: {formatted}")

    def _hide_other_warnings(self) -> None:
        terminal = self._terminal()
        if terminal is None or "warnings" not in terminal.stats:
            return
        terminal.stats["warnings"] = [
            w
            for w in terminal.stats["warnings"]
            if (w.nodeid, str(w.fslocation[0]), int(w.fslocation[1] or 0))
            not in self._other_warning_sites
        ]
        if not terminal.stats["warnings"]:
            del terminal.stats["warnings"]

    # -- outcomes, merged on the controller ----------------------------------------

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if not self.is_worker:
            self.collector.add_test_report(report)
            if report.failed:
                self.actions.add_report(report, self.config.rootpath)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if not self.is_worker and report.skipped:
            category = getattr(report, "charter_category", SkipCategory.UNCLASSIFIED)
            self.collector.add_module_skip(report, str(category))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.is_worker:
            workeroutput: dict[str, Any] = self.config.workeroutput  # type: ignore[attr-defined]
            workeroutput[_SDK_WARNINGS_OUTPUT] = sorted(self._sdk_warning_keys)
            workeroutput[_API_REQUESTS_OUTPUT] = self._requests.count
            return
        if self.config.option.collectonly:
            return
        self._sort_warnings()
        self.tests, self.violations = self.collector.finish(self.ctx)
        self.violations += self._read_only_violations() + self.surface.violations()
        self._hide_other_warnings()
        self.violations += self._write_files()
        if self.violations and session.exitstatus in (
            pytest.ExitCode.OK,
            pytest.ExitCode.NO_TESTS_COLLECTED,
        ):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def _read_only_violations(self) -> list[Violation]:
        audit = self.ctx.sandbox_audit
        if audit is None or self.ctx.settings.allow_mutation:
            return []
        if not audit.exists():
            if all(t.outcome == "skipped" for t in self.tests):
                return []  # nothing ran, so nothing can have written
            problem = f"sandbox audit {audit} is missing: the read-only guarantee is unchecked"
            return [_session_violation("read-only", problem)]
        try:
            writes = writes_in_audit(audit)
        except AuditError as exc:
            return [_session_violation("read-only", str(exc))]
        return [
            _session_violation(
                "read-only", self.ctx.redact(f"read-only session wrote to the sandbox: {write}")
            )
            for write in writes
        ]

    def _write_files(self) -> list[Violation]:
        from imednet_live.charter.outcomes import (
            OUTCOMES_FILE,
            LockDifference,
            SessionOutcomes,
            count_outcomes,
        )

        report_dir = self.ctx.report_dir
        if report_dir is None:
            return []
        outcomes = SessionOutcomes(
            session=self.ctx.session_name,
            profile=self.ctx.profile.name if self.ctx.profile else None,
            target_kind=self.ctx.target_kind,
            recording=self.ctx.recording,
            base_url=safe_url(self.ctx.settings.base_url),
            run_id=self.ctx.run_id,
            wall_seconds=round(time.monotonic() - self._started, 3),
            concurrency=self.ctx.concurrency,
            resolution=self.ctx.resolution,
            lock_differences=[
                LockDifference(name=d.name, locked=d.locked, installed=d.installed)
                for d in self.ctx.lock_differences
            ],
            api_requests=self.api_requests,
            sdk_version=self.ctx.sdk_distributions.get("imednet"),
            sdk_distributions=dict(self.ctx.sdk_distributions),
            context=self.ctx.banner_lines(),
            counts=count_outcomes(self.tests),
            violations=self.violations,
            warnings={"sdk": self.sdk_warnings, "other": len(self.other_warnings)},
            tests=self.tests,
        )
        count = len(self.other_warnings)
        log = [f"# non-SDK warnings of live session {self.ctx.session_name}: {count}"]
        try:
            outcomes_path = report_dir / OUTCOMES_FILE
            write_text_atomic(
                outcomes_path, self.ctx.redact(outcomes.model_dump_json(indent=2)) + "\n"
            )
            warnings_path = report_dir / WARNINGS_FILE
            write_text_atomic(
                warnings_path, self.ctx.redact("\n".join(log + self.other_warnings)) + "\n"
            )
            sdk_log_path = report_dir / SDK_LOG_FILE
            write_text_atomic(sdk_log_path, self.ctx.redact(self._sdk_log_text()))
        except OSError as exc:
            problem = (
                f"cannot write the session's reports under {report_dir}: {exc.strerror or exc}"
            )
            return [_session_violation("report", problem)]
        self.written = [str(outcomes_path), str(warnings_path), str(sdk_log_path)]
        return []

    def _sdk_log_text(self) -> str:
        """sdk.log: every test's SDK log lines; a failure's are in outcomes.json as well."""
        logged = self.collector.sdk_log_by_test()
        out = [
            f"# SDK log lines (WARNING and above) of live session {self.ctx.session_name}: "
            f"{sum(len(lines) for _, _, lines in logged)} in {len(logged)} tests"
        ]
        for nodeid, outcome, lines in logged:
            out.append(f"{nodeid} ({outcome}):")
            out += [f"  {line}" for line in lines]
        return "\n".join(out) + "\n"

    # -- what the operator reads last ----------------------------------------------

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.is_worker or self.config.option.collectonly:
            return
        tr = terminalreporter
        tr.section("imednet-live charter", sep="=")
        profile = self.ctx.profile.name if self.ctx.profile else "none"
        if self.tests:
            tr.write_line(
                f"outcomes by resource: session {self.ctx.session_name}, profile {profile}, "
                f"target {self.ctx.target_kind}"
            )
            width = self.config.get_terminal_writer().fullwidth
            tr.write(render_resource_table(self.tests, color=tr.hasmarkup, width=width))
        if self.ctx.suite_disabled_reason:
            tr.write_line(self.ctx.suite_disabled_reason)
        if self.sdk_warnings or self.other_warnings:
            where = (
                str(self.ctx.report_dir / WARNINGS_FILE)
                if self.ctx.report_dir
                else "nowhere (set IMEDNET_LIVE_REPORT_DIR to keep them)"
            )
            tr.write_line(
                f"warnings: {self.sdk_warnings} from the SDK shown above; "
                f"{len(self.other_warnings)} others written to {where}"
            )
        if not self.ctx.suite_disabled_reason:
            tr.write_line(f"API requests: {self.api_requests}")
        for path in self.written:
            tr.write_line(f"wrote {path}")
        if self.violations:
            tr.write_sep(
                "-", f"{len(self.violations)} charter violation(s): the session fails", red=True
            )
            for violation in self.violations:
                tr.write_line(
                    self.ctx.redact(
                        f"{violation.category}: {violation.nodeid}: {violation.message}"
                    ),
                    red=True,
                )
        for annotation in self.actions.annotations():  # GitHub Actions only
            tr.write_line(annotation)

    @pytest.hookimpl(trylast=True)
    def pytest_unconfigure(self) -> None:
        self._finish_junit()
        self._origin_marker.uninstall()
        self.sdk_log.uninstall()
        self._requests.uninstall()
        # Every report is written by now. A process that ran dag.test() holds a heap of
        # Airflow, SQLAlchemy and FastAPI objects whose final garbage collection made its
        # exit take 1.8 s (0.13 s frozen): moved out of the collector's reach, they are
        # freed by the interpreter's teardown without a cycle search over all of them.
        gc.freeze()

    def _terminal(self) -> pytest.TerminalReporter | None:
        return self.config.pluginmanager.get_plugin("terminalreporter")


def _session_violation(category: str, message: str) -> Violation:
    """A breach of the whole session rather than of one test."""
    from imednet_live.charter.outcomes import Violation

    return Violation(nodeid="(session)", category=category, message=message)


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


def _same_kind(category: type[Warning], text: str) -> Warning | str:
    try:
        return category(text)
    except Exception:  # an exotic constructor: the redacted text is what matters
        return text
