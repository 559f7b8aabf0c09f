"""The smoke run: prove credentials, connectivity and the write path, per charter section 6.

Unlike the SDK's own smoke script, an expired key, an empty environment or a failed job
is red (exit 1); only "a study and form exist but no write scenario has identifiers" is
the skip exit 2. Every line leaves through one ``Reporter``, which formats the GitHub
annotations and scrubs secrets. Behaviours the real API was seen to show (a job that ends
``SUCCESS`` or keeps a blank state, a POST answered ``[]``) are red at once with the value
named (``job_states``), never after waiting out the timeout.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
from collections.abc import Sequence
from urllib.parse import urljoin

import httpx
import pydantic
from imednet import ImednetSDK
from imednet.errors import ApiError, AuthenticationError, RequestError

from imednet_live.charter.classification import SDK_SURFACE_CHANGE
from imednet_live.core.api_paths import api_url
from imednet_live.core.auth import auth_headers
from imednet_live.core.env_vars import (
    API_KEY,
    BASE_URL,
    SECURITY_KEY,
)
from imednet_live.core.job_states import (
    MAX_POLL_DELAY_S,
    SUCCESS_STATE,
    UNKNOWN_STATE_GRACE_S,
    JobWait,
    WaitOutcome,
    describe_state,
    poll_delays,
    read_job,
    wait_for_jobs,
)
from imednet_live.core.redaction import safe_url
from imednet_live.core.settings import (
    DEFAULT_SMOKE_HEARTBEAT_S,
    ConfigError,
    Settings,
    env_secrets,
    smoke_heartbeat_s,
)
from imednet_live.core.skip_categories import SkipCategory
from imednet_live.discovery.rules import NoLiveDataError, discover
from imednet_live.recording import boundary, personal
from imednet_live.recording import session as recording_session
from imednet_live.recording.layout import RecordingError
from imednet_live.sdk import compat as sdk_compat
from imednet_live.sdk import surface_check
from imednet_live.smoke.args import UsageError, parse_args
from imednet_live.smoke.exits import EXIT_GREEN, EXIT_RED, EXIT_SKIP
from imednet_live.smoke.heartbeat import Heartbeat
from imednet_live.smoke.reporter import (
    LastRequest,
    Reporter,
    ScenarioResult,
    SmokeReport,
    track_requests,
    write_report,
)
from imednet_live.smoke.scenarios import (
    Scenario,
    describe_discovery,
    identifiers_of,
    plan_scenarios,
)

__all__ = ["MAX_POLL_DELAY_S", "JobWait", "main", "poll_delays", "read_job", "wait_for_jobs"]


KNOWN_SDK_DEFECT = SkipCategory.KNOWN_SDK_DEFECT.value  # the build itself is the cause
SDK_DRIFT = "sdk-drift"  # the strict drift check rejected a field (charter/classification)
REASON_MAX_CHARS = 300  # a FAILED job's reason, cut to keep the red line one readable line


def one_line(text: str, limit: int = REASON_MAX_CHARS) -> str:
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "\u2026"


def failure_reason(settings: Settings, study_key: str, batch_id: str, result_url: str) -> str:
    """Why a FAILED job failed: the text (or JSON) at its ``resultUrl``, else its own message.

    The real API serves the reason as plain text at ``resultUrl`` (observation W8); the
    SDK's job model drops any ``message``, so without a resultUrl the job is read as JSON.
    """
    try:
        headers = auth_headers(settings.api_key, settings.security_key)
        with httpx.Client(headers=headers, timeout=30.0) as client:
            if result_url:
                result = client.get(urljoin(settings.base_url + "/", result_url))
                if result.is_success:
                    text = result.text
                    if "json" in result.headers.get("content-type", ""):
                        text = json.dumps(result.json(), separators=(",", ":"))
                    if text.strip():
                        return one_line(text)
            job_url = api_url(settings.base_url, "studies", study_key, "jobs", batch_id)
            raw = client.get(job_url).json()
    except (httpx.HTTPError, ValueError) as exc:
        return f"the reason could not be read ({type(exc).__name__}: {exc})"
    if isinstance(raw, dict):
        for key in ("message", "reason", "error"):
            if isinstance(raw.get(key), str) and raw[key].strip():
                return one_line(raw[key])
    return "the server gave no reason (no resultUrl text, no message on the job)"


class SmokeRun:
    """One smoke run; ``execute`` never raises, it records the exit code and its reason."""

    def __init__(self, args: argparse.Namespace, reporter: Reporter, report: SmokeReport) -> None:
        self.args = args
        self.reporter = reporter
        self.report = report
        self.base_url: str | None = None
        self.settings: Settings | None = None
        self.last = LastRequest()
        self.heartbeat_s = DEFAULT_SMOKE_HEARTBEAT_S

    def execute(self) -> int:
        started = time.monotonic()
        try:
            with track_requests() as self.last:
                code, reason = self._run()
        except ConfigError as exc:
            code, reason = EXIT_RED, str(exc)
            self.reporter.error(reason)
        except AuthenticationError as exc:
            code = EXIT_RED
            reason = (
                f"Authentication failed: {self.base_url} rejected the keys in "
                f"{API_KEY}/{SECURITY_KEY} (HTTP {exc.status_code}); check they are current"
            )
            self.reporter.error(reason)
        except ApiError as exc:
            code = EXIT_RED
            reason = (
                f"API error from {self.base_url}: HTTP {exc.status_code} on {self.last}: "
                f"{one_line(str(exc.response))}"
            )
            self.reporter.error(reason)
            self.reporter.traceback()
        except (RequestError, httpx.HTTPError) as exc:
            code = EXIT_RED
            reason = f"Network error: {self._network_text(exc)}"
            self.reporter.error(reason)
            self.reporter.traceback()
        except Exception as exc:
            code = EXIT_RED
            drift = sdk_compat.strict_drift(exc)
            if drift is not None:  # IMEDNET_LIVE_SDK_STRICT=1: a finding about the SDK
                self.report.classification = SDK_DRIFT
                reason = sdk_compat.describe_strict_drift(*drift)
                self.reporter.error(reason)
            else:
                reason = f"Unhandled error: {type(exc).__name__}: {exc}"
                self.reporter.error(
                    reason + ("" if self.reporter.verbose else " (--verbose shows the traceback)")
                )
            self.reporter.traceback()
        self.report.exit_code, self.report.reason = code, self.reporter.scrub(reason)
        self.report.duration_s = round(time.monotonic() - started, 3)
        return code

    def _network_text(self, exc: BaseException) -> str:
        cause = exc.__cause__ or exc
        if isinstance(cause, httpx.TimeoutException):
            return f"{self.last} timed out ({BASE_URL} {self.base_url}; {type(cause).__name__})"
        return (
            f"cannot reach {BASE_URL} {self.base_url} on {self.last} "
            f"({type(cause).__name__}: {cause})"
        )

    def _run(self) -> tuple[int, str]:
        settings = self.settings = Settings.from_env()
        self.heartbeat_s = smoke_heartbeat_s()  # a bad value: one line, before any request
        self.base_url = self.report.base_url = safe_url(settings.base_url)
        self.report.timeout_s = self.args.timeout
        self.report.sdk_distributions = sdk_compat.build_versions()
        self.reporter.detail(f"SDK: {sdk_compat.build_description()}")
        contract = sdk_compat.contract_source()
        if contract:
            self.reporter.detail(f"SDK contract: {contract}")
        strict = sdk_compat.apply_strict(settings.sdk_strict)
        self.reporter.detail(f"SDK strict drift check: {strict}")
        defect = sdk_compat.contract_defect()
        if defect is not None:  # before any request: every model would lack its fields
            self.report.classification = KNOWN_SDK_DEFECT
            self.reporter.error(defect)
            return EXIT_RED, defect
        surface = surface_check.check()  # before any request, too: one line, not a crash
        changed = surface.line()
        if changed is not None:
            self.report.classification = SDK_SURFACE_CHANGE
            self.reporter.error(changed)
            return EXIT_RED, changed
        self.reporter.detail(surface.status())
        with sdk_compat.open_sync(settings.sdk_kwargs()) as sdk:
            found = discover(sdk, settings)
            self.report.identifiers = identifiers_of(found)
            try:
                describe_discovery(found, self.reporter)
                scenarios = plan_scenarios(found)
            except NoLiveDataError as absent:
                reason = f"{absent}; the smoke run cannot prove anything (NoLiveDataError)"
                self.reporter.error(reason)
                return EXIT_RED, reason
            return self._submit_and_wait(sdk, found.study(), scenarios)

    def _submit(self, sdk: ImednetSDK, study: str, scenario: Scenario) -> str:
        """POST one scenario's record; returns its batch id or raises ``_ScenarioRed``."""
        assert scenario.payload is not None
        path = f"/studies/{study}/records"
        before = {key: len(v) for key, v in self.last.sent.items()}
        try:
            job = sdk.records.create(study, [scenario.payload])
        except pydantic.ValidationError as exc:
            drift = sdk_compat.strict_drift(exc)
            if drift is not None:
                raise _ScenarioRed(
                    SDK_DRIFT,
                    f"Scenario '{scenario.name}': {sdk_compat.describe_strict_drift(*drift)}",
                ) from None
            seen = exc.errors()[0].get("input") if exc.errors() else None
            raise _ScenarioRed(
                "api-contract",
                f"Scenario '{scenario.name}': API contract: POST {path} answered "
                f"{one_line(json.dumps(seen, default=str), 120)}, not a job object",
            ) from None
        except AuthenticationError:
            raise
        except ApiError as exc:
            raise _ScenarioRed(
                "error",
                f"Scenario '{scenario.name}': HTTP {exc.status_code} on {self.last}: "
                f"{one_line(str(exc.response))}",
            ) from None
        except (RequestError, httpx.HTTPError) as exc:
            raise _ScenarioRed(
                "error", f"Scenario '{scenario.name}': {self._network_text(exc)}"
            ) from None
        self._warn_resent(scenario, before)
        if not job.batch_id:
            raise _ScenarioRed(
                "api-contract",
                f"Scenario '{scenario.name}': API contract: POST {path} answered a job "
                f"without batchId (jobId {job.job_id or 'missing'}, "
                f"state {describe_state(job.state)}); the job cannot be followed",
            )
        return job.batch_id

    def _warn_resent(self, scenario: Scenario, before: dict[tuple[str, str], int]) -> None:
        """The SDK sent the POST more than once: a server that processed the first may hold
        the record twice (W10). The job's outcome still decides the exit code."""
        for (method, path), answers in self.last.sent.items():
            new = answers[before.get((method, path), 0) :]
            if method == "POST" and len(new) > 1:
                self.reporter.warning(
                    f"Scenario '{scenario.name}': the SDK sent {method} {path} {len(new)} times "
                    f"(answers: {', '.join(str(a) for a in new)}); if the server processed an "
                    "earlier attempt, the record now exists more than once"
                )

    def _submit_and_wait(
        self, sdk: ImednetSDK, study: str, scenarios: list[Scenario]
    ) -> tuple[int, str]:
        """Submit every scenario (one going red does not stop the others), then wait for all."""
        submitted: dict[str, tuple[Scenario, float]] = {}
        failures: list[str] = []
        attempted = 0
        for scenario in scenarios:
            if scenario.payload is None:
                self.reporter.notice(f"Skipped scenario '{scenario.name}': {scenario.missing}")
                self.report.scenarios.append(
                    ScenarioResult(scenario.name, "skipped", detail=scenario.missing)
                )
                continue
            attempted += 1
            submitted_at = time.monotonic()
            try:
                batch_id = self._submit(sdk, study, scenario)
            except _ScenarioRed as red:
                failures.append(red.text)
                self.reporter.error(red.text)
                self.report.scenarios.append(
                    ScenarioResult(scenario.name, red.status, detail=red.text)
                )
                continue
            self.reporter.detail(f"scenario '{scenario.name}': submitted, batch {batch_id}")
            submitted[batch_id] = (scenario, submitted_at)
        if not attempted:
            reason = (
                f"Study {study} and its form exist, but no write scenario has identifiers; "
                "nothing was submitted"
            )
            self.reporter.notice(reason)
            return EXIT_SKIP, reason
        heartbeat = Heartbeat(self.reporter.line, every=self.heartbeat_s, timeout=self.args.timeout)
        waits = wait_for_jobs(
            lambda batch: read_job(sdk, study, batch),
            [(batch, at) for batch, (_, at) in submitted.items()],
            timeout=self.args.timeout,
            on_wait=heartbeat,
        )
        for batch_id, (scenario, _) in submitted.items():
            failure = self._verdict(study, scenario, waits[batch_id])
            if failure is not None:
                failures.append(failure)
        if failures:
            return EXIT_RED, "; ".join(failures)
        reason = f"{len(submitted)} of {len(scenarios)} scenarios reached {SUCCESS_STATE}"
        self.reporter.line(f"OK: {reason} on study {study}")
        return EXIT_GREEN, reason

    def _verdict(self, study: str, scenario: Scenario, wait: JobWait) -> str | None:
        """Report one job's outcome; return the failure text, or None when it COMPLETED."""
        batch_id, state = wait.batch_id, wait.reading.state
        seen = describe_state(state)
        head = f"Scenario '{scenario.name}' job {batch_id}"
        failure: str | None = None
        if wait.outcome is WaitOutcome.COMPLETED:
            status = "completed"
        elif wait.outcome is WaitOutcome.ENDED and (state or "").upper() == "FAILED":
            status = "failed"
            assert self.settings is not None
            why = failure_reason(self.settings, study, batch_id, wait.reading.result_url)
            failure = f"{head} ended FAILED: {why}"
        elif wait.outcome is WaitOutcome.ENDED:
            status = "failed"
            failure = (
                f"{head} ended {seen}, not {SUCCESS_STATE} (the charter's only success state); "
                "record submission not confirmed"
            )
        elif wait.outcome is WaitOutcome.UNKNOWN_STATE:
            status = "unknown-state"
            lasted = min(wait.elapsed_s, UNKNOWN_STATE_GRACE_S)
            failure = (
                f"{head} reported state {seen} for {lasted:.0f} s,"
                " a state the charter does not know (API contract); it is not in progress "
                f"and not {SUCCESS_STATE}"
            )
        else:
            status = "timed-out"
            failure = (
                f"{head} is still {seen} after the {self.args.timeout:g} s timeout; "
                "retry with a larger --timeout"
            )
        self.report.scenarios.append(
            ScenarioResult(
                scenario.name,
                status,
                batch_id=batch_id,
                job_id=wait.reading.job_id or None,
                state=state,
                duration_s=round(wait.elapsed_s, 3),
                detail=failure,
            )
        )
        if failure:
            self.reporter.error(failure)
        else:
            self.reporter.detail(
                f"scenario '{scenario.name}': {state} in {wait.elapsed_s:.2f} s (batch {batch_id})"
            )
        return failure


class _ScenarioRed(Exception):
    """One write scenario is red before it has a job to wait for."""

    def __init__(self, status: str, text: str) -> None:
        super().__init__(text)
        self.status, self.text = status, text


def main(argv: Sequence[str] | None = None) -> int:
    reporter = Reporter(env_secrets(os.environ))
    try:
        args = parse_args(argv)
    except UsageError as exc:
        reporter.error(f"{exc}; see --help")
        return EXIT_RED
    reporter.verbose = args.verbose
    report = SmokeReport()
    personal.start()  # a live target: what the smoke prints and writes is pseudonymised
    boundary.install_streams()  # whatever prints it (a traceback, the SDK's own output)
    try:
        return _run(args, reporter, report)
    finally:
        boundary.uninstall_streams()


def _run(args: argparse.Namespace, reporter: Reporter, report: SmokeReport) -> int:
    try:  # IMEDNET_LIVE_RECORD=1 or the replay target (docs/runbook.md)
        recording_session.start()
    except RecordingError as exc:
        reporter.error(str(exc))
        return EXIT_RED
    try:
        code = SmokeRun(args, reporter, report).execute()
    finally:
        recording_session.stop()
    if args.report is not None:
        try:
            write_report(args.report, report, reporter)
        except OSError as exc:
            reporter.error(f"cannot write --report {args.report}: {exc.strerror or exc}")
            return EXIT_RED
        reporter.detail(f"report written to {args.report}")
    personal.dump()
    personal.stop()
    return code
