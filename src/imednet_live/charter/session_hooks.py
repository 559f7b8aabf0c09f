"""The session's end: outcomes merged on the controller, files written, the summary."""

from __future__ import annotations

import gc
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from imednet_live.charter.audit import AuditError, writes_in_audit
from imednet_live.charter.junit_properties import add_suite_properties
from imednet_live.charter.plugin_state import (
    _API_REQUESTS_OUTPUT,
    _SDK_WARNINGS_OUTPUT,
    WARNINGS_FILE,
)
from imednet_live.charter.sdk_log import SDK_LOG_FILE
from imednet_live.charter.summary import render_resource_table
from imednet_live.core.atomic_files import write_text_atomic
from imednet_live.core.redaction import safe_url

if TYPE_CHECKING:
    # pydantic (the outcome models) and httpx (the request counter's tap) are imported when
    # first needed, so a worker's start-up (collection) pays for neither.
    from imednet_live.charter.outcomes import Violation

from imednet_live.charter.warning_hooks import WarningHooks


class SessionHooks(WarningHooks):
    """The session's end: outcomes merged on the controller, files written, the summary."""

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

    def _junit_xml(self) -> Path | None:
        """The --junitxml file, which pytest has written by the time the session ends."""
        option = self.config.getoption("xmlpath", None)
        if not option or self.is_worker or self.config.option.collectonly:
            return None
        return self.config.invocation_params.dir / os.path.expanduser(option)

    def _finish_junit(self) -> None:
        """The SDK build (and the resolution, and what moved from the lock) as testsuite
        properties, then, under GitHub Actions, the file's counts and failures in the job's
        step summary."""
        junit = self._junit_xml()
        if junit is None:
            return
        sdk = self.ctx.sdk_distributions
        properties = [("sdk_version", sdk.get("imednet", ""))]
        properties += [(f"sdk:{name}", version) for name, version in sdk.items()]
        properties.append(("resolution", self.ctx.resolution))
        properties += [  # lock:<name> = "<locked> -> <installed>"
            (f"lock:{moved.name}", moved.describe().split(" ", 1)[1])
            for moved in self.ctx.lock_differences
        ]
        problems = [
            add_suite_properties(junit, properties),
            self.actions.write_step_summary(junit, f"live session {self.ctx.session_name}"),
        ]
        for problem in filter(None, problems):
            print(self.ctx.redact(f"imednet-live: {problem}"), file=sys.stderr)

    @pytest.hookimpl(trylast=True)
    def pytest_unconfigure(self) -> None:
        self._finish_junit()
        self._origin_marker.uninstall()
        self.sdk_log.uninstall()
        self._requests.uninstall()
        # Every report is written by now. A process that ran dag.test() holds a heap of
        # Airflow, SQLAlchemy and FastAPI objects whose final garbage collection made its
        # exit slow: moved out of the collector's reach, they are freed by the
        # interpreter's teardown without a cycle search over all of them.
        gc.freeze()


def _session_violation(category: str, message: str) -> Violation:
    """A breach of the whole session rather than of one test."""
    from imednet_live.charter.outcomes import Violation

    return Violation(nodeid="(session)", category=category, message=message)
