"""The smoke against servers that behave as the real API was seen to (one behaviour each).

Each run is the script as a real subprocess against a sandbox scenario; the exit code, the
named cause and the absence of a traceback are the assertions. Runs that must end "well
before" a 600 s ``--timeout`` carry a subprocess timeout far below it: waiting out the
timeout would fail the test with ``TimeoutExpired``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from smoke_support import SmokeResult, job_batch_ids, run_smoke, sandbox_env

from imednet_live import sandbox
from imednet_live.core.env_vars import FORM_KEY
from imednet_live.sandbox import seed

SCENARIO_NAMES = ("register subject", "new record", "scheduled record")
WELL_BEFORE_600_S = 120.0
_SEEN: list[str] = []  # request paths of the last run's sandbox


def _smoke(scenario: str, tmp_path: Path, **env: str) -> tuple[SmokeResult, dict, set[str]]:
    report = tmp_path / "smoke.json"
    with sandbox.running(scenario=scenario) as sb:
        _SEEN.clear()
        result = run_smoke(
            sandbox_env(sb, **env),
            "--timeout",
            "600",
            "--report",
            str(report),
            timeout=WELL_BEFORE_600_S,
        )
        polled = job_batch_ids(sb)
        _SEEN.extend(entry["path"] for entry in sb.requests())
    assert "Traceback" not in result.output
    assert "Unhandled error" not in result.output
    return result, json.loads(report.read_text()), polled


def _line_for(errors: list[str], name: str) -> str:
    [line] = [e for e in errors if f"Scenario '{name}'" in e]
    return line


@pytest.mark.parametrize("scenario", ["lowercase-states", "dev-spellings", "wire-quirks"])
def test_green_where_the_observed_server_still_completes_jobs(
    scenario: str, tmp_path: Path
) -> None:
    result, report, _ = _smoke(scenario, tmp_path)
    assert result.code == 0, result.output
    assert result.lines("error") == []
    assert [s["status"] for s in report["scenarios"]] == ["completed"] * 3


def test_success_state_is_red_at_once_naming_state_batch_and_scenario(tmp_path: Path) -> None:
    result, report, polled = _smoke("success-state", tmp_path)
    assert result.code == 1, result.output
    errors = result.lines("error")
    assert len(errors) == 3
    for scenario in report["scenarios"]:
        line = _line_for(errors, scenario["name"])
        assert f"job {scenario['batch_id']} ended SUCCESS, not COMPLETED" in line
        assert scenario["batch_id"] in polled
        assert "--timeout" not in line
        assert scenario["status"] == "failed"


def test_blank_state_is_red_within_the_grace_naming_the_value(tmp_path: Path) -> None:
    result, report, _ = _smoke("blank-state", tmp_path)
    assert result.code == 1, result.output
    errors = result.lines("error")
    assert len(errors) == 3
    for scenario in report["scenarios"]:
        line = _line_for(errors, scenario["name"])
        assert f"job {scenario['batch_id']} reported state blank ('')" in line
        assert "the charter does not know" in line
        assert "--timeout" not in line  # a larger timeout would not help
        assert scenario["status"] == "unknown-state"
    assert report["duration_s"] < 600


@pytest.mark.parametrize(
    ("scenario", "named"),
    [
        ("post-array", "API contract: POST /studies/PHARMADEMO/records answered [], not a job"),
        ("post-no-batch", "API contract: POST /studies/PHARMADEMO/records answered a job without"),
    ],
)
def test_a_post_answer_that_is_not_a_followable_job_is_an_api_contract_red(
    scenario: str, named: str, tmp_path: Path
) -> None:
    result, report, polled = _smoke(scenario, tmp_path)
    assert result.code == 1, result.output
    errors = result.lines("error")
    assert len(errors) == 3  # every scenario attempted and reported
    for name in SCENARIO_NAMES:
        assert named in _line_for(errors, name)
    assert [s["status"] for s in report["scenarios"]] == ["api-contract"] * 3
    assert polled == set()


def test_processed_then_503_stays_green_but_names_the_resent_post(tmp_path: Path) -> None:
    result, _, _ = _smoke("processed-then-503", tmp_path)
    assert result.code == 0, result.output  # every job COMPLETED: the charter's green
    warnings = result.lines("warning")
    assert len(warnings) == 3
    for warning in warnings:
        assert "sent POST /api/v1/edc/studies/PHARMADEMO/records 2 times (answers: 503, 202)" in (
            warning
        )
        assert "more than once" in warning


def test_a_failed_job_carries_the_servers_reason(tmp_path: Path) -> None:
    """A form that is not a subject-record form: the job FAILS, its resultUrl says why."""
    result, report, _ = _smoke("default", tmp_path, **{FORM_KEY: seed.FORM_AE_KEY})
    assert result.code == 1, result.output
    errors = result.lines("error")
    assert len(errors) == 3
    for scenario in report["scenarios"]:
        line = _line_for(errors, scenario["name"])
        assert f"job {scenario['batch_id']} ended FAILED: " in line
        assert "Form with formKey of AE not found" in line
        result_path = f"/studies/PHARMADEMO/jobs/{scenario['batch_id']}/result"
        assert f"/api/v1/edc{result_path}" in _SEEN  # the reason was read at its resultUrl


def test_an_http_error_names_status_method_and_path(tmp_path: Path) -> None:
    """A pinned form without variables: the POST carries empty data, which the API rejects."""
    result, report, _ = _smoke("default", tmp_path, **{FORM_KEY: "NOVARS"})
    assert result.code == 1, result.output
    errors = result.lines("error")
    assert len(errors) == 3
    for name in SCENARIO_NAMES:
        line = _line_for(errors, name)
        assert "HTTP 400 on POST /api/v1/edc/studies/PHARMADEMO/records" in line
        assert "must not be empty" in line
    assert [s["status"] for s in report["scenarios"]] == ["error"] * 3
