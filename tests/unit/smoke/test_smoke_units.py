"""Smoke internals that need no server: backoff schedule, polling against a virtual clock,
the reporter's annotation format and redaction, argument validation."""

from __future__ import annotations

import io
import itertools
import json
import os
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from imednet_live.core.env_vars import API_KEY, BASE_URL, SECURITY_KEY
from imednet_live.core.job_states import (
    UNKNOWN_STATE_GRACE_S,
    StateKind,
    WaitOutcome,
    classify,
    describe_state,
)
from imednet_live.discovery.rules import (
    Discovery,
    FormRef,
    IntervalRef,
    NoLiveDataError,
    SiteRef,
    SubjectRef,
    VariableRef,
)
from imednet_live.smoke import args as smoke_args
from imednet_live.smoke import reporter as smoke_reporter
from imednet_live.smoke import run as smoke
from imednet_live.smoke import scenarios as smoke_scenarios


def test_poll_delays_start_at_200ms_double_and_cap_at_5s():
    delays = list(itertools.islice(smoke.poll_delays(), 8))
    assert delays == [0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0, 5.0]


class VirtualClock:
    """Time that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.sleeps.append(seconds)
        self.now += seconds


@dataclass
class _Job:
    state: str | None
    job_id: str = "job-1"
    result_url: str = ""


class JobsAt:
    """A job endpoint whose state is a function of the virtual clock."""

    def __init__(
        self,
        clock: VirtualClock,
        completes_at: float | None,
        final: str | None = "COMPLETED",
        running: str | None = "PROCESSING",
    ):
        self.clock, self.completes_at, self.final, self.running = (
            clock,
            completes_at,
            final,
            running,
        )
        self.calls = 0

    def get(self, study_key: str, batch_id: str) -> _Job:
        self.calls += 1
        done = self.completes_at is not None and self.clock.now >= self.completes_at
        return _Job(self.final if done else self.running)


class _Sdk:
    def __init__(self, jobs: JobsAt) -> None:
        self.jobs = jobs


def _wait(clock: VirtualClock, jobs: JobsAt, timeout: float) -> smoke.JobWait:
    sdk = _Sdk(jobs)
    return smoke.wait_for_jobs(
        lambda batch: smoke.read_job(sdk, "S", batch),
        [("b", 0.0)],
        timeout=timeout,
        clock=clock,
        sleep=clock.sleep,
    )["b"]


def test_a_job_done_in_300ms_is_seen_in_under_a_second():
    clock = VirtualClock()
    wait = _wait(clock, JobsAt(clock, completes_at=0.3), timeout=300)
    assert wait.state == "COMPLETED"
    assert wait.outcome is WaitOutcome.COMPLETED
    assert wait.elapsed_s < 1.0


@pytest.mark.parametrize(
    ("final", "outcome"),
    [
        ("FAILED", WaitOutcome.ENDED),
        ("CANCELLED", WaitOutcome.ENDED),
        ("SUCCESS", WaitOutcome.ENDED),
        ("COMPLETE", WaitOutcome.ENDED),
        ("completed", WaitOutcome.COMPLETED),
    ],
)
def test_any_terminal_state_ends_the_wait_and_only_completed_is_success(final, outcome):
    clock = VirtualClock()
    wait = _wait(clock, JobsAt(clock, completes_at=2.0, final=final), timeout=300)
    assert wait.state == final
    assert wait.outcome is outcome
    assert wait.elapsed_s <= 3.0  # the first look after 2 s (0.2 + 0.4 + 0.8 + 1.6)


@pytest.mark.parametrize("seen", ["", None, "WEIRD"])
def test_an_unknown_state_is_decided_after_the_grace_not_the_timeout(seen):
    clock = VirtualClock()
    jobs = JobsAt(clock, completes_at=None, running=seen)
    wait = _wait(clock, jobs, timeout=600)
    assert wait.outcome is WaitOutcome.UNKNOWN_STATE
    assert clock.now == pytest.approx(UNKNOWN_STATE_GRACE_S)
    assert jobs.calls >= 3  # several looks before the verdict


def test_an_unknown_state_between_known_ones_is_tolerated():
    clock = VirtualClock()
    states = iter(["PROCESSING", "", "PROCESSING", "", "COMPLETED"])

    class Flicker:
        def get(self, study_key: str, batch_id: str) -> _Job:
            return _Job(next(states))

    sdk = _Sdk(Flicker())  # type: ignore[arg-type]
    waits = smoke.wait_for_jobs(
        lambda b: smoke.read_job(sdk, "S", b), [("b", 0.0)], timeout=600,
        clock=clock, sleep=clock.sleep,
    )  # fmt: skip
    assert waits["b"].outcome is WaitOutcome.COMPLETED


def test_jobs_are_awaited_together_not_one_after_another():
    clock = VirtualClock()
    blank = JobsAt(clock, completes_at=None, running="")
    sdk = _Sdk(blank)
    waits = smoke.wait_for_jobs(
        lambda b: smoke.read_job(sdk, "S", b), [("a", 0.0), ("b", 0.0), ("c", 0.0)],
        timeout=600, clock=clock, sleep=clock.sleep,
    )  # fmt: skip
    assert {w.outcome for w in waits.values()} == {WaitOutcome.UNKNOWN_STATE}
    assert clock.now == pytest.approx(UNKNOWN_STATE_GRACE_S)  # one grace, not three


def test_stuck_job_stops_exactly_at_the_deadline_with_its_last_state():
    clock = VirtualClock()
    jobs = JobsAt(clock, completes_at=None)
    wait = _wait(clock, jobs, timeout=7.0)
    assert wait.state == "PROCESSING"
    assert wait.outcome is WaitOutcome.TIMED_OUT
    assert clock.now == pytest.approx(7.0)  # the last sleep is capped by the remaining time
    assert max(clock.sleeps) <= smoke.MAX_POLL_DELAY_S
    assert jobs.calls == len(clock.sleeps) + 1  # a final look after the last sleep


def test_slow_job_costs_few_polls():
    clock = VirtualClock()
    jobs = JobsAt(clock, completes_at=60.0)
    _wait(clock, jobs, timeout=300)
    assert jobs.calls <= 18  # 6 ramp-up polls, then one per 5 s


@pytest.mark.parametrize(
    ("state", "kind"),
    [
        ("COMPLETED", StateKind.SUCCESS),
        ("completed", StateKind.SUCCESS),
        ("SUCCESS", StateKind.TERMINAL),
        ("Failed", StateKind.TERMINAL),
        ("processing", StateKind.IN_PROGRESS),
        ("created", StateKind.IN_PROGRESS),
        ("", StateKind.UNKNOWN),
        (None, StateKind.UNKNOWN),
        ("DONE-ISH", StateKind.UNKNOWN),
    ],
)
def test_state_classification_follows_the_charter(state, kind):
    assert classify(state) is kind


def test_blank_and_null_states_are_named_not_left_empty():
    assert describe_state(None) == "null"
    assert describe_state("") == "blank ('')"
    assert describe_state("SUCCESS") == "SUCCESS"


def test_reporter_masks_secrets_and_keeps_annotations_on_one_line():
    out = io.StringIO()
    reporter = smoke_reporter.Reporter(["s3cret-key"], out=out)
    reporter.error("bad key s3cret-key\nsecond line 100%")
    reporter.notice("plain")
    lines = out.getvalue().splitlines()
    assert lines == ["::error::bad key ***%0Asecond line 100%25", "::notice::plain"]


def test_reporter_details_only_when_verbose():
    out = io.StringIO()
    quiet = smoke_reporter.Reporter(out=out)
    quiet.detail("hidden")
    loud = smoke_reporter.Reporter(verbose=True, out=out)
    loud.detail("shown")
    assert out.getvalue() == "smoke: shown\n"


@pytest.mark.parametrize("value", ["0", "-1", "abc", "nan", "inf", ""])
def test_invalid_timeout_is_a_usage_error(value):
    with pytest.raises(
        smoke_args.UsageError, match="--timeout must be a number of seconds greater"
    ):
        smoke_args.parse_args(["--timeout", value])


def test_valid_arguments(tmp_path: Path):
    args = smoke_args.parse_args(
        ["--timeout", "1.5", "--verbose", "--report", str(tmp_path / "r.json")]
    )
    assert args.timeout == 1.5
    assert args.verbose
    assert args.report == tmp_path / "r.json"
    assert smoke_args.parse_args([]).timeout == smoke_args.DEFAULT_TIMEOUT_S


def test_report_in_a_missing_directory_is_a_usage_error(tmp_path: Path):
    with pytest.raises(smoke_args.UsageError, match="does not exist"):
        smoke_args.parse_args(["--report", str(tmp_path / "nope" / "r.json")])


def test_unknown_option_is_a_usage_error_not_argparse_exit_2():
    with pytest.raises(smoke_args.UsageError, match="unrecognized arguments"):
        smoke_args.parse_args(["--frobnicate"])


FORM = FormRef("DEMOG", 2, (VariableRef("AGE", "integer"), VariableRef("CONSENT", "checkbox")))
SITE = SiteRef(2, "Minneapolis Clinic", "Enrollment Open")
SUBJECT = SubjectRef("02-002", 2, 2, "Minneapolis Clinic", "Enrolled")
INTERVAL = IntervalRef(2, "Screening")


def test_payloads_follow_the_three_documented_record_scenarios():
    found = Discovery("S", FORM, write_site=SITE, write_subject=SUBJECT, interval_ref=INTERVAL)
    data = {"AGE": 1, "CONSENT": True}
    assert [(s.name, s.payload) for s in smoke_scenarios.plan_scenarios(found)] == [
        ("register subject", {"formKey": "DEMOG", "data": data, "siteName": "Minneapolis Clinic"}),
        ("new record", {"formKey": "DEMOG", "data": data, "subjectKey": "02-002"}),
        (
            "scheduled record",
            {"formKey": "DEMOG", "data": data, "subjectKey": "02-002", "intervalName": "Screening"},
        ),
    ]


def test_a_scenario_without_identifiers_says_what_is_missing():
    found = Discovery("S", FORM, write_site=SITE)  # no write subject, no interval
    register, new, scheduled = smoke_scenarios.plan_scenarios(found)
    assert register.payload is not None
    assert (new.payload, new.missing) == (None, "No active subjects for study S")
    assert scheduled.payload is None
    assert scheduled.missing == "No active subjects or non-disabled intervals for study S"


def test_planning_without_study_or_form_is_no_live_data():
    with pytest.raises(NoLiveDataError):
        smoke_scenarios.plan_scenarios(Discovery(None))
    with pytest.raises(NoLiveDataError):
        smoke_scenarios.plan_scenarios(Discovery("S"))


SECRET = "api-key-do-not-print-9d1e"


@pytest.fixture
def crashing_discovery(monkeypatch: pytest.MonkeyPatch) -> None:
    """Credentials that parse, and a discovery that dies with the key in its message."""
    for name in list(os.environ):
        if name.startswith("IMEDNET"):
            monkeypatch.delenv(name)
    monkeypatch.setenv(API_KEY, SECRET)
    monkeypatch.setenv(SECURITY_KEY, "security-key-0002")
    monkeypatch.setenv(BASE_URL, "http://127.0.0.1:9")

    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError(f"unexpected shape while using {SECRET}")

    monkeypatch.setattr(smoke, "discover", explode)


@pytest.mark.usefixtures("crashing_discovery")
def test_unhandled_exception_is_one_masked_line_without_traceback(capsys):
    assert smoke.main([]) == smoke.EXIT_RED
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "::error::Unhandled error: RuntimeError: unexpected shape while using *** "
        "(--verbose shows the traceback)"
    ]
    assert err == ""


@pytest.mark.usefixtures("crashing_discovery")
def test_verbose_adds_the_masked_traceback(capsys):
    assert smoke.main(["--verbose"]) == smoke.EXIT_RED
    out, err = capsys.readouterr()
    assert "Traceback" in err
    assert "RuntimeError" in err
    assert SECRET not in out + err


@pytest.fixture
def operator_env(monkeypatch: pytest.MonkeyPatch):
    """Set exactly the given IMEDNET variables for an in-process ``main``."""
    for name in list(os.environ):
        if name.startswith("IMEDNET"):
            monkeypatch.delenv(name)

    def apply(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return apply


@pytest.mark.parametrize(
    ("present", "named"),
    [
        ({SECURITY_KEY: "security-key-0002"}, f"{API_KEY} is not set"),
        ({API_KEY: "api-key-0001"}, f"{SECURITY_KEY} is not set"),
        ({}, f"{API_KEY} and {SECURITY_KEY} are not set"),
    ],
)
def test_missing_credentials_name_the_variable(operator_env, capsys, present, named):
    operator_env(**present)
    assert smoke.main([]) == smoke.EXIT_RED
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith(f"::error::{named}")


@pytest.mark.parametrize(
    "url", ["edc.example.com", "ftp://edc.example.com", "http://host:99999", "http://"]
)
def test_malformed_base_url_names_the_variable(operator_env, capsys, url):
    operator_env(**{API_KEY: "api-key-0001", SECURITY_KEY: "security-key-0002", BASE_URL: url})
    assert smoke.main([]) == smoke.EXIT_RED
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith(f"::error::{BASE_URL}")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--timeout", "soon"], "--timeout must be a number of seconds greater than 0"),
        (["--timeout", "-3"], "--timeout must be a number of seconds greater than 0"),
        (["--no-such-option"], "unrecognized arguments: --no-such-option"),
        (["--report", "/no/such/dir/report.json"], "does not exist"),
    ],
)
def test_bad_arguments_are_one_error_line(operator_env, capsys, args, fragment):
    operator_env(**{API_KEY: "api-key-0001", SECURITY_KEY: "security-key-0002"})
    assert smoke.main(args) == smoke.EXIT_RED
    out, err = capsys.readouterr()
    [line] = out.splitlines()
    assert line.startswith("::error::")
    assert fragment in line
    assert err == ""


def test_a_timeout_names_timed_out_method_and_path():
    args = smoke_args.parse_args([])
    run = smoke.SmokeRun(args, smoke_reporter.Reporter(), smoke_reporter.SmokeReport())
    run.base_url = "http://127.0.0.1:1"
    run.last.method, run.last.path = "GET", "/api/v1/edc/studies/S/jobs/b"
    error = RuntimeError("Network request failed after retries")
    error.__cause__ = httpx.ReadTimeout("read timed out")
    text = run._network_text(error)
    assert text.startswith("GET /api/v1/edc/studies/S/jobs/b timed out")
    refused = RuntimeError("Network request failed after retries")
    refused.__cause__ = httpx.ConnectError("connection refused")
    assert "on GET /api/v1/edc/studies/S/jobs/b" in run._network_text(refused)


def test_the_request_tracker_sees_every_send_and_restores_httpx():
    original = httpx.Client.send

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503 if request.method == "POST" else 200, json={})

    with (
        smoke_reporter.track_requests() as last,
        httpx.Client(transport=httpx.MockTransport(handler)) as c,
    ):
        c.post("http://x/api/records", json=[])
        c.post("http://x/api/records", json=[])
        c.get("http://x/api/jobs/1")
    assert httpx.Client.send is original
    assert (last.method, last.path) == ("GET", "/api/jobs/1")
    assert last.sent[("POST", "/api/records")] == [503, 503]


DEFECT = "known SDK defect of imednet 0.8.0+main.1: the build's models have no fields (...)"


def test_a_build_defect_is_red_at_once_before_any_request(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The contract check comes first: a build whose models lack fields never reaches discovery."""
    monkeypatch.setenv(API_KEY, "api-key-0001")
    monkeypatch.setenv(SECURITY_KEY, "security-key-0002")
    monkeypatch.setenv(BASE_URL, "http://127.0.0.1:9")
    monkeypatch.setattr(smoke.sdk_compat, "contract_defect", lambda *a: DEFECT)
    monkeypatch.setattr(smoke, "discover", lambda *a: pytest.fail("discovery ran"))
    report = tmp_path / "smoke.json"
    assert smoke.main(["--report", str(report)]) == smoke.EXIT_RED
    out, _ = capsys.readouterr()
    assert out.splitlines() == [f"::error::{DEFECT}"]
    written = json.loads(report.read_text())
    assert (written["reason"], written["classification"]) == (DEFECT, "known-sdk-defect")


def test_a_strict_drift_is_named_as_the_sdks_not_unhandled(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv(API_KEY, "api-key-0001")
    monkeypatch.setenv(SECURITY_KEY, "security-key-0002")
    monkeypatch.setenv(BASE_URL, "http://127.0.0.1:9")

    def strict(*_args: object) -> None:
        raise ValueError("Drift detected (additive): Site received unexpected fields: siteRegion")

    monkeypatch.setattr(smoke, "discover", strict)
    report = tmp_path / "smoke.json"
    assert smoke.main(["--report", str(report)]) == smoke.EXIT_RED
    out, _ = capsys.readouterr()
    (line,) = out.splitlines()
    assert line.startswith(
        "::error::SDK drift: the SDK's Site model does not define Site.siteRegion"
    )
    assert json.loads(report.read_text())["classification"] == "sdk-drift"
