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
import math
import os
import re
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urljoin

import httpx
import pydantic
from imednet import ImednetSDK
from imednet.errors import ApiError, AuthenticationError, RequestError

from imednet_live.atomic_files import write_text_atomic
from imednet_live.charter.classification import SDK_SURFACE_CHANGE
from imednet_live.config import (
    API_KEY,
    BASE_URL,
    DEFAULT_JOB_TIMEOUT_S,
    DEFAULT_SMOKE_HEARTBEAT_S,
    ENV_VARS,
    SECURITY_KEY,
    ConfigError,
    Reader,
    Settings,
    env_help,
    env_secrets,
    smoke_heartbeat_s,
)
from imednet_live.discovery.rules import Discovery, NoEligibleEntityError, NoLiveDataError, discover
from imednet_live.http_tap import tapped
from imednet_live.job_states import (
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
from imednet_live.record_data import sample_record_data
from imednet_live.recording import boundary, personal
from imednet_live.recording import session as recording_session
from imednet_live.recording.layout import RecordingError
from imednet_live.redaction import safe_url
from imednet_live.sdk import compat as sdk_compat
from imednet_live.sdk import surface_check
from imednet_live.skip_categories import SkipCategory
from imednet_live.smoke.exits import SmokeExit
from imednet_live.smoke.heartbeat import Heartbeat
from imednet_live.workflow_commands import escape_data

__all__ = ["MAX_POLL_DELAY_S", "JobWait", "main", "poll_delays", "read_job", "wait_for_jobs"]

EXIT_GREEN = int(SmokeExit.GREEN)
EXIT_RED = int(SmokeExit.RED)
EXIT_SKIP = int(SmokeExit.SKIP)

DEFAULT_TIMEOUT_S = DEFAULT_JOB_TIMEOUT_S
KNOWN_SDK_DEFECT = SkipCategory.KNOWN_SDK_DEFECT.value  # the build itself is the cause
SDK_DRIFT = "sdk-drift"  # the strict drift check rejected a field (charter/classification)
REASON_MAX_CHARS = 300  # a FAILED job's reason, cut to keep the red line one readable line


class UsageError(Exception):
    """Bad command-line input; reported as one ``::error::`` line with exit 1, not argparse's 2."""


class Reporter:
    """The only way smoke output leaves the process: annotations in one format, secrets masked."""

    def __init__(
        self, secrets: Sequence[str] = (), *, verbose: bool = False, out: TextIO | None = None
    ) -> None:
        self.secrets = tuple(secrets)
        self.verbose = verbose
        self._out = out

    @property
    def out(self) -> TextIO:
        return self._out if self._out is not None else sys.stdout

    def scrub(self, text: str) -> str:
        return boundary.scrub(text, self.secrets)

    def _annotation(self, kind: str, message: str) -> None:
        # Workflow commands are one line; GitHub's escapes keep multi-line text intact.
        print(f"::{kind}::{escape_data(self.scrub(message))}", file=self.out, flush=True)

    def error(self, message: str) -> None:
        self._annotation("error", message)

    def notice(self, message: str) -> None:
        self._annotation("notice", message)

    def warning(self, message: str) -> None:
        self._annotation("warning", message)

    def line(self, message: str) -> None:
        print(f"smoke: {self.scrub(message)}", file=self.out, flush=True)

    def detail(self, message: str) -> None:
        if self.verbose:
            self.line(message)

    def traceback(self) -> None:
        if self.verbose:
            print(self.scrub(traceback.format_exc()), file=sys.stderr, flush=True)


@dataclass
class ScenarioResult:
    name: str
    # completed | failed | timed-out | unknown-state | api-contract | sdk-drift | error | skipped
    status: str
    batch_id: str | None = None
    job_id: str | None = None
    state: str | None = None
    duration_s: float | None = None
    detail: str | None = None


@dataclass
class SmokeReport:
    """The ``--report`` document; identifiers and outcomes only, never a credential."""

    base_url: str | None = None
    timeout_s: float | None = None
    sdk_distributions: dict[str, str] = field(default_factory=dict)  # the SDK build tested
    identifiers: dict[str, Any] = field(default_factory=dict)
    scenarios: list[ScenarioResult] = field(default_factory=list)
    exit_code: int = EXIT_RED
    reason: str = "not started"
    # known-sdk-defect or sdk-surface-change: red because of the build itself
    classification: str | None = None
    duration_s: float | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["target"] = {"base_url": data.pop("base_url")}
        return data


@dataclass(frozen=True)
class Scenario:
    name: str
    payload: dict[str, Any] | None  # None: identifiers missing
    missing: str | None = None


@dataclass
class LastRequest:
    """The request in flight when an HTTP error or timeout surfaced (for the red line).

    ``sent`` counts every request by (method, path) with the statuses it was answered,
    so a POST the SDK sent twice (W10: retried after a 5xx) can be named.
    """

    method: str = ""
    path: str = ""
    sent: dict[tuple[str, str], list[int | None]] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.method} {self.path}" if self.method else "a request"


@contextmanager
def track_requests() -> Iterator[LastRequest]:
    """Remember the method and path of every request any ``httpx.Client`` sends.

    A transport-level hook, so it works for any SDK release; the SDK's own errors do not
    say which request failed.
    """
    last = LastRequest()

    def sent(request: httpx.Request) -> None:
        last.method, last.path = request.method, request.url.path
        last.sent.setdefault((request.method, request.url.path), []).append(None)

    def answered(request: httpx.Request, response: httpx.Response) -> None:
        last.sent[(request.method, request.url.path)][-1] = response.status_code

    with tapped(sent, answered):
        yield last


def one_line(text: str, limit: int = REASON_MAX_CHARS) -> str:
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "\u2026"


def _auth_headers(settings: Settings) -> dict[str, str]:
    return {"x-api-key": settings.api_key or "", "x-imn-security-key": settings.security_key or ""}


def failure_reason(settings: Settings, study_key: str, batch_id: str, result_url: str) -> str:
    """Why a FAILED job failed: the text (or JSON) at its ``resultUrl``, else its own message.

    The real API serves the reason as plain text at ``resultUrl`` (observation W8); the
    SDK's job model drops any ``message``, so without a resultUrl the job is read as JSON.
    """
    try:
        with httpx.Client(headers=_auth_headers(settings), timeout=30.0) as client:
            if result_url:
                result = client.get(urljoin(settings.base_url + "/", result_url))
                if result.is_success:
                    text = result.text
                    if "json" in result.headers.get("content-type", ""):
                        text = json.dumps(result.json(), separators=(",", ":"))
                    if text.strip():
                        return one_line(text)
            job_url = f"{settings.base_url}/api/v1/edc/studies/{study_key}/jobs/{batch_id}"
            raw = client.get(job_url).json()
    except (httpx.HTTPError, ValueError) as exc:
        return f"the reason could not be read ({type(exc).__name__}: {exc})"
    if isinstance(raw, dict):
        for key in ("message", "reason", "error"):
            if isinstance(raw.get(key), str) and raw[key].strip():
                return one_line(raw[key])
    return "the server gave no reason (no resultUrl text, no message on the job)"


def _timeout(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise argparse.ArgumentTypeError(
            f"--timeout must be a number of seconds greater than 0, got {value!r}"
        )
    return seconds


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="post_smoke_record.py",
        description=(
            "Prove that an iMednet environment accepts the credentials in\n"
            "IMEDNET_API_KEY/IMEDNET_SECURITY_KEY and completes record writes.\n"
            "Always mutates the target."
        ),
        epilog=help_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--timeout",
        type=_timeout,
        default=DEFAULT_TIMEOUT_S,
        metavar="SECONDS",
        help="how long to wait for each job to reach COMPLETED (default: %(default)s)",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="print the discovered identifiers, each scenario's outcome and tracebacks",
    )
    parser.add_argument(
        "--report", type=Path, metavar="PATH", help="write a JSON summary of the run to PATH"
    )
    return parser


def help_epilog() -> str:
    """Exit codes and environment variables for ``--help``, from the registries the docs use."""
    codes = [f"  {int(c)}  {c.label}: {c.summary}" for c in sorted(SmokeExit)]
    env = env_help(v for v in ENV_VARS if Reader.SMOKE in v.read_by)
    return "\n".join(["exit codes:", *codes, "", "environment:", env])


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    args = build_parser().parse_args(argv)
    if args.report is not None:
        parent = args.report.resolve().parent
        if not parent.is_dir():
            raise UsageError(f"--report {args.report}: directory {parent} does not exist")
    return args


def plan_scenarios(found: Discovery) -> list[Scenario]:
    """The three write scenarios of CONTRACT 1.5, each with its payload or what it lacks."""
    study = found.study()
    form = found.form()
    base = {"formKey": form.form_key, "data": sample_record_data(form)}

    def attempt(name: str, build: Callable[[], dict[str, Any]]) -> Scenario:
        try:
            return Scenario(name, {**base, **build()})
        except NoEligibleEntityError as absent:
            return Scenario(name, None, str(absent))

    def scheduled() -> dict[str, Any]:
        missing: list[str] = []
        subject = interval = None
        try:
            subject = found.subject(for_write=True)
        except NoEligibleEntityError as absent:
            missing.append(absent.entity)
        try:
            interval = found.interval()
        except NoEligibleEntityError as absent:
            missing.append(absent.entity)
        if subject is None or interval is None:
            raise NoEligibleEntityError(" or ".join(missing), study)
        return {"subjectKey": subject.subject_key, "intervalName": interval.interval_name}

    return [
        attempt("register subject", lambda: {"siteName": found.site(for_write=True).site_name}),
        attempt("new record", lambda: {"subjectKey": found.subject(for_write=True).subject_key}),
        attempt("scheduled record", scheduled),
    ]


def _identifiers(found: Discovery) -> dict[str, Any]:
    ids: dict[str, Any] = {"study_key": found.study_key}
    if found.form_ref is not None:
        ids.update(form_key=found.form_ref.form_key, form_id=found.form_ref.form_id)
    if found.write_site is not None:
        ids.update(site_name=found.write_site.site_name, site_id=found.write_site.site_id)
    if found.write_subject is not None:
        ids["subject_key"] = found.write_subject.subject_key
    if found.interval_ref is not None:
        ids["interval_name"] = found.interval_ref.interval_name
    return ids


def _describe(found: Discovery, reporter: Reporter) -> None:
    """The runbook's first diagnostic step: what discovery found, and what it did not."""
    study = found.study()
    pinned = " (IMEDNET_STUDY_KEY)" if found.study_overridden else ""
    reporter.detail(f"study key: {study}{pinned}")
    form = found.form()
    pinned = " (IMEDNET_FORM_KEY)" if found.form_overridden else ""
    reporter.detail(
        f"form key: {form.form_key}{pinned} (formId {form.form_id}, "
        f"{len(form.variables)} variables)"
    )
    lookups: list[tuple[str, Callable[[Discovery], str]]] = [
        ("site", _site_text),
        ("subject", _subject_text),
        ("interval", _interval_text),
    ]
    for label, lookup in lookups:
        try:
            reporter.detail(f"{label}: {lookup(found)}")
        except NoEligibleEntityError as absent:
            reporter.detail(f"{label}: none ({absent})")


def _site_text(found: Discovery) -> str:
    site = found.site(for_write=True)
    return f"{site.site_name} (siteId {site.site_id}, status {site.status!r})"


def _subject_text(found: Discovery) -> str:
    subject = found.subject(for_write=True)
    return f"{subject.subject_key} (subjectId {subject.subject_id}, status {subject.status!r})"


def _interval_text(found: Discovery) -> str:
    interval = found.interval()
    return f"{interval.interval_name} (intervalId {interval.interval_id})"


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
            self.report.identifiers = _identifiers(found)
            try:
                _describe(found, self.reporter)
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


def write_report(path: Path, report: SmokeReport, reporter: Reporter) -> None:
    """Atomically (temp file + rename), so a reader never sees half a report."""
    text = reporter.scrub(json.dumps(report.to_dict(), indent=2, sort_keys=True)) + "\n"
    write_text_atomic(path.resolve(), text, make_parents=False)


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
