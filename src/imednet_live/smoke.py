"""The smoke run: prove credentials, connectivity and the write path, per charter section 6.

Unlike the SDK's own smoke script, an expired key, an empty environment or a failed job
is red (exit 1); only "a study and form exist but no write scenario has identifiers" is
the skip exit 2. Every line leaves through one ``Reporter``, which formats the GitHub
annotations and scrubs secrets.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

import httpx
from imednet import ImednetSDK
from imednet.errors import ApiError, AuthenticationError, RequestError

from imednet_live.atomic_files import write_text_atomic
from imednet_live.config import API_KEY, BASE_URL, SECURITY_KEY, ConfigError, Settings
from imednet_live.discovery import Discovery, NoEligibleEntityError, NoLiveDataError, discover
from imednet_live.record_data import sample_record_data
from imednet_live.recording import session as recording_session
from imednet_live.recording.layout import RecordingError
from imednet_live.redaction import redact

EXIT_GREEN = 0
EXIT_RED = 1
EXIT_SKIP = 2

DEFAULT_TIMEOUT_S = 300.0
FIRST_POLL_DELAY_S = 0.2
MAX_POLL_DELAY_S = 5.0
SUCCESS_STATE = "COMPLETED"
TERMINAL_STATES = frozenset({"COMPLETED", "FAILED", "CANCELLED"})


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
        return redact(text, self.secrets)

    def _annotation(self, kind: str, message: str) -> None:
        # Workflow commands are one line; GitHub's escapes keep multi-line text intact.
        text = self.scrub(message).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        print(f"::{kind}::{text}", file=self.out, flush=True)

    def error(self, message: str) -> None:
        self._annotation("error", message)

    def notice(self, message: str) -> None:
        self._annotation("notice", message)

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
    status: str  # completed | failed | timed-out | skipped
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
    identifiers: dict[str, Any] = field(default_factory=dict)
    scenarios: list[ScenarioResult] = field(default_factory=list)
    exit_code: int = EXIT_RED
    reason: str = "not started"
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


@dataclass(frozen=True)
class JobWait:
    state: str
    job_id: str
    elapsed_s: float

    @property
    def finished(self) -> bool:
        return self.state.upper() in TERMINAL_STATES


def poll_delays(
    first: float = FIRST_POLL_DELAY_S, cap: float = MAX_POLL_DELAY_S
) -> Iterator[float]:
    """0.2 s doubling to 5 s: sub-second jobs are seen within a second, slow ones cost few GETs."""
    delay = first
    while True:
        yield delay
        delay = min(delay * 2, cap)


def wait_for_job(
    sdk: ImednetSDK,
    study_key: str,
    batch_id: str,
    *,
    deadline: float,
    started: float,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> JobWait:
    """Poll ``jobs.get`` until a terminal state or ``deadline`` (a ``clock`` value).

    Our own loop rather than ``sdk.poll_job``, whose fixed interval would make every
    smoke run take at least one full interval.
    """
    delays = poll_delays()
    while True:
        job = sdk.jobs.get(study_key, batch_id)
        now = clock()
        wait = JobWait(state=job.state or "", job_id=job.job_id, elapsed_s=now - started)
        remaining = deadline - now
        if wait.finished or remaining <= 0:
            return wait
        sleep(min(next(delays), remaining))


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
            "Prove that an iMednet environment accepts the credentials in IMEDNET_API_KEY/"
            "IMEDNET_SECURITY_KEY and completes record writes. Always mutates the target. "
            "Exit 0 green, 1 red, 2 skipped (no write identifiers)."
        ),
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

    def execute(self) -> int:
        started = time.monotonic()
        try:
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
            reason = f"API error from {self.base_url}: HTTP {exc.status_code}: {exc.response}"
            self.reporter.error(reason)
            self.reporter.traceback()
        except (RequestError, httpx.HTTPError) as exc:
            code = EXIT_RED
            cause = exc.__cause__ or exc
            reason = (
                f"Network error: cannot reach {BASE_URL} {self.base_url} "
                f"({type(cause).__name__}: {cause})"
            )
            self.reporter.error(reason)
            self.reporter.traceback()
        except Exception as exc:
            code = EXIT_RED
            reason = f"Unhandled error: {type(exc).__name__}: {exc}"
            self.reporter.error(
                reason + ("" if self.reporter.verbose else " (--verbose shows the traceback)")
            )
            self.reporter.traceback()
        self.report.exit_code, self.report.reason = code, self.reporter.scrub(reason)
        self.report.duration_s = round(time.monotonic() - started, 3)
        return code

    def _run(self) -> tuple[int, str]:
        settings = Settings.from_env()
        self.base_url = self.report.base_url = settings.base_url
        self.report.timeout_s = self.args.timeout
        with ImednetSDK(**settings.sdk_kwargs()) as sdk:
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

    def _submit_and_wait(
        self, sdk: ImednetSDK, study: str, scenarios: list[Scenario]
    ) -> tuple[int, str]:
        submitted: list[tuple[Scenario, str, float]] = []
        for scenario in scenarios:
            if scenario.payload is None:
                self.reporter.notice(f"Skipped scenario '{scenario.name}': {scenario.missing}")
                self.report.scenarios.append(
                    ScenarioResult(scenario.name, "skipped", detail=scenario.missing)
                )
                continue
            submitted_at = time.monotonic()
            job = sdk.records.create(study, [scenario.payload])
            if not job.batch_id:
                raise RuntimeError(f"scenario '{scenario.name}': the API returned no batchId")
            self.reporter.detail(f"scenario '{scenario.name}': submitted, batch {job.batch_id}")
            submitted.append((scenario, job.batch_id, submitted_at))
        if not submitted:
            reason = (
                f"Study {study} and its form exist, but no write scenario has identifiers; "
                "nothing was submitted"
            )
            self.reporter.notice(reason)
            return EXIT_SKIP, reason
        failures = [
            failure
            for scenario, batch_id, at in submitted
            if (failure := self._await(sdk, study, scenario, batch_id, at)) is not None
        ]
        if failures:
            return EXIT_RED, "; ".join(failures)
        reason = f"{len(submitted)} of {len(scenarios)} scenarios reached {SUCCESS_STATE}"
        self.reporter.line(f"OK: {reason} on study {study}")
        return EXIT_GREEN, reason

    def _await(
        self, sdk: ImednetSDK, study: str, scenario: Scenario, batch_id: str, submitted_at: float
    ) -> str | None:
        """Wait for one job; return the failure text, or None when it COMPLETED."""
        wait = wait_for_job(
            sdk,
            study,
            batch_id,
            deadline=submitted_at + self.args.timeout,
            started=submitted_at,
        )
        state = wait.state.upper()
        if state == SUCCESS_STATE:
            status, failure = "completed", None
        elif wait.finished:
            status = "failed"
            failure = (
                f"Scenario '{scenario.name}' job {batch_id} ended {state}, "
                f"not {SUCCESS_STATE}: record submission failed"
            )
        else:
            status = "timed-out"
            failure = (
                f"Scenario '{scenario.name}' job {batch_id} is still {wait.state or 'unknown'} "
                f"after the {self.args.timeout:g} s timeout; retry with a larger --timeout"
            )
        self.report.scenarios.append(
            ScenarioResult(
                scenario.name,
                status,
                batch_id=batch_id,
                job_id=wait.job_id or None,
                state=wait.state,
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


def write_report(path: Path, report: SmokeReport, reporter: Reporter) -> None:
    """Atomically (temp file + rename), so a reader never sees half a report."""
    text = reporter.scrub(json.dumps(report.to_dict(), indent=2, sort_keys=True)) + "\n"
    write_text_atomic(path.resolve(), text, make_parents=False)


def main(argv: Sequence[str] | None = None) -> int:
    secrets = [v for v in (os.environ.get(API_KEY), os.environ.get(SECURITY_KEY)) if v]
    secrets += [s.strip() for s in secrets if s.strip()]
    reporter = Reporter(secrets)
    try:
        args = parse_args(argv)
    except UsageError as exc:
        reporter.error(f"{exc}; see --help")
        return EXIT_RED
    reporter.verbose = args.verbose
    report = SmokeReport()
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
    return code
