"""The charter's smoke table, row by row, plus every bad input: the script runs as a real
subprocess against a real sandbox, and the exit code and annotations are the assertions."""

from __future__ import annotations

import json
import socket

from smoke_support import (
    RECORDS_POST,
    clean_env,
    edc_calls,
    job_batch_ids,
    run_smoke,
    sandbox_env,
)

from imednet_live import sandbox
from imednet_live.core.env_vars import API_KEY, BASE_URL, SECURITY_KEY
from imednet_live.sandbox import seed

KEYS = {API_KEY: "api-key-0001", SECURITY_KEY: "security-key-0002"}  # well-formed, never accepted
SCENARIO_NAMES = ("register subject", "new record", "scheduled record")


def test_green_every_job_completed_exit_0():
    with sandbox.running(scenario="default") as sb:
        result = run_smoke(sandbox_env(sb))
        calls = edc_calls(sb)
    assert result.code == 0, result.output
    assert result.lines("error") == []
    assert result.lines("notice") == []
    assert "OK: 3 of 3 scenarios reached COMPLETED" in result.stdout
    assert calls.count(RECORDS_POST) == 3


def test_empty_environment_is_red_naming_studies():
    with sandbox.running(scenario="empty") as sb:
        result = run_smoke(sandbox_env(sb))
        calls = edc_calls(sb)
    assert result.code == 1, result.output
    [error] = result.lines("error")
    assert error.startswith("No studies available to these credentials")
    assert "NoLiveDataError" in error
    assert RECORDS_POST not in calls


def test_no_eligible_form_is_red_naming_the_form():
    with sandbox.running(scenario="no-eligible-form") as sb:
        result = run_smoke(sandbox_env(sb))
        calls = edc_calls(sb)
    assert result.code == 1, result.output
    [error] = result.lines("error")
    assert error.startswith(f"No eligible subject-record forms for study {seed.STUDY_KEY}")
    assert RECORDS_POST not in calls


def test_no_write_identifiers_is_skip_exit_2_with_notices():
    with sandbox.running(scenario="read-only") as sb:
        result = run_smoke(sandbox_env(sb))
        calls = edc_calls(sb)
    assert result.code == 2, result.output
    assert result.lines("error") == []
    notices = result.lines("notice")
    study = seed.STUDY_KEY
    assert f"Skipped scenario 'register subject': No active sites for study {study}" in notices
    assert f"Skipped scenario 'new record': No active subjects for study {study}" in notices
    [scheduled] = [n for n in notices if "'scheduled record'" in n]
    assert "active subjects" in scheduled
    assert "non-disabled intervals" in scheduled
    assert any("nothing was submitted" in n for n in notices)
    assert RECORDS_POST not in calls


def test_stuck_job_times_out_red_naming_scenario_batch_and_state(tmp_path):
    report = tmp_path / "report.json"
    with sandbox.running(scenario="stuck-jobs") as sb:
        result = run_smoke(sandbox_env(sb), "--timeout", "1", "--report", str(report))
        polled = job_batch_ids(sb)
    assert result.code == 1, result.output
    errors = result.lines("error")
    assert len(errors) == 3
    data = json.loads(report.read_text())
    for scenario in data["scenarios"]:
        assert scenario["status"] == "timed-out"
        assert scenario["state"] == "PROCESSING"
        assert scenario["batch_id"] in polled
        [line] = [e for e in errors if f"'{scenario['name']}'" in e]
        assert f"job {scenario['batch_id']} is still PROCESSING after the 1 s timeout" in line
        assert "--timeout" in line


def test_failed_jobs_are_red_naming_failed():
    with sandbox.running(scenario="failing-jobs") as sb:
        result = run_smoke(sandbox_env(sb))
        polled = job_batch_ids(sb)
    assert result.code == 1, result.output
    errors = result.lines("error")
    assert len(errors) == 3
    for name in SCENARIO_NAMES:
        [line] = [e for e in errors if f"Scenario '{name}'" in e]
        assert "ended FAILED" in line
        assert any(batch in line for batch in polled)


def test_rejected_keys_are_red_and_never_echoed(tmp_path):
    wrong_api, wrong_security = "wrong-api-key-7f3a9c", "wrong-security-key-52be01"
    report = tmp_path / "report.json"
    with sandbox.running(scenario="default") as sb:
        env = sandbox_env(sb, **{API_KEY: wrong_api, SECURITY_KEY: wrong_security})
        result = run_smoke(env, "--verbose", "--report", str(report))
    assert result.code == 1, result.output
    [error] = result.lines("error")
    assert "rejected" in error
    assert "401" in error
    text = report.read_text()
    for secret in (wrong_api, wrong_security):
        assert secret not in result.stdout
        assert secret not in result.stderr
        assert secret not in text
    assert json.loads(text)["exit_code"] == 1


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_unreachable_host_is_red_naming_the_base_url():
    url = f"http://127.0.0.1:{_closed_port()}"
    env = clean_env(**KEYS, **{BASE_URL: url})
    result = run_smoke(env)
    assert result.code == 1, result.output
    [error] = result.lines("error")
    assert error.startswith("Network error")
    assert url in error
    assert "Traceback" not in result.output


def test_missing_credentials_are_red_naming_the_variables():
    result = run_smoke(clean_env())
    assert result.code == 1, result.output
    [error] = result.lines("error")
    assert f"{API_KEY} and {SECURITY_KEY} are not set" in error
    assert "Traceback" not in result.output


def test_malformed_base_url_is_red_naming_the_variable():
    result = run_smoke(clean_env(**KEYS, **{BASE_URL: "edc.example.com"}))
    assert result.code == 1, result.output
    [error] = result.lines("error")
    assert error.startswith(f"{BASE_URL} is not a valid http(s) URL")
    assert "Traceback" not in result.output


def test_invalid_timeout_is_a_one_line_exit_1_not_argparse_exit_2():
    result = run_smoke(clean_env(**KEYS), "--timeout", "0")
    assert result.code == 1, result.output
    assert result.lines("error") == [
        "argument --timeout: --timeout must be a number of seconds greater than 0, got '0'; "
        "see --help"
    ]
    assert result.stdout.count("\n") == 1
    assert result.stderr == ""


def test_help_exits_0():
    result = run_smoke(clean_env(), "--help")
    assert result.code == 0
    assert "--timeout" in result.stdout


def test_report_describes_a_green_run(tmp_path):
    report = tmp_path / "smoke.json"
    with sandbox.running(scenario="default") as sb:
        result = run_smoke(sandbox_env(sb), "--report", str(report))
        polled = job_batch_ids(sb)
        base_url, secrets = sb.base_url, (sb.api_key, sb.security_key)
    assert result.code == 0, result.output
    text = report.read_text()
    data = json.loads(text)
    assert data["target"] == {"base_url": base_url}
    assert data["exit_code"] == 0
    assert data["reason"] == "3 of 3 scenarios reached COMPLETED"
    assert data["identifiers"] == {
        "study_key": seed.STUDY_KEY,
        "form_key": seed.FORM_KEY,
        "form_id": seed.FORM_ID,
        "site_name": seed.SITE_OPEN_NAME,
        "site_id": seed.SITE_OPEN_ID,
        "subject_key": seed.SUBJECT_ENROLLED[1],
        "interval_name": seed.INTERVAL_SCREENING_NAME,
    }
    assert [s["name"] for s in data["scenarios"]] == list(SCENARIO_NAMES)
    for scenario in data["scenarios"]:
        assert scenario["status"] == "completed"
        assert scenario["state"].upper() == "COMPLETED"
        assert scenario["batch_id"] in polled
        assert scenario["duration_s"] > 0
    assert not any(secret in text for secret in secrets)
    assert not list(tmp_path.glob("*.tmp"))  # the temp file was renamed, not left behind


def test_report_is_written_when_the_run_is_red(tmp_path):
    report = tmp_path / "smoke.json"
    with sandbox.running(scenario="empty") as sb:
        result = run_smoke(sandbox_env(sb), "--report", str(report))
    assert result.code == 1
    data = json.loads(report.read_text())
    assert data["exit_code"] == 1
    assert data["reason"].startswith("No studies available to these credentials")
    assert data["scenarios"] == []


def test_report_is_written_for_a_config_error(tmp_path):
    report = tmp_path / "smoke.json"
    result = run_smoke(clean_env(), "--report", str(report))
    assert result.code == 1
    assert API_KEY in json.loads(report.read_text())["reason"]


def test_verbose_prints_identifiers_and_per_scenario_outcome():
    with sandbox.running(scenario="default") as sb:
        result = run_smoke(sandbox_env(sb), "--verbose")
    assert result.code == 0, result.output
    out = result.stdout
    assert f"smoke: study key: {seed.STUDY_KEY}" in out
    assert f"smoke: form key: {seed.FORM_KEY}" in out
    assert f"smoke: site: {seed.SITE_OPEN_NAME}" in out
    assert f"smoke: subject: {seed.SUBJECT_ENROLLED[1]}" in out
    assert f"smoke: interval: {seed.INTERVAL_SCREENING_NAME}" in out
    for name in SCENARIO_NAMES:
        assert f"smoke: scenario '{name}': COMPLETED in " in out


def test_verbose_names_what_is_missing_in_a_read_only_study():
    with sandbox.running(scenario="read-only") as sb:
        result = run_smoke(sandbox_env(sb), "--verbose")
    assert result.code == 2
    assert f"smoke: site: none (No active sites for study {seed.STUDY_KEY})" in result.stdout
    assert f"smoke: interval: none (No non-disabled intervals for study {seed.STUDY_KEY})" in (
        result.stdout
    )


def test_pinned_study_and_form_are_used(tmp_path):
    report = tmp_path / "smoke.json"
    with sandbox.running(scenario="default") as sb:
        env = sandbox_env(sb, IMEDNET_STUDY_KEY=seed.SECOND_STUDY_KEY, IMEDNET_FORM_KEY="VITALS")
        result = run_smoke(env, "--report", str(report))
        calls = edc_calls(sb)
    assert result.code == 0, result.output
    ids = json.loads(report.read_text())["identifiers"]
    assert (ids["study_key"], ids["form_key"]) == (seed.SECOND_STUDY_KEY, "VITALS")
    assert ("GET", "studies") not in calls
    assert ("GET", "forms") not in calls


def test_transient_503_and_429_are_retried_not_red():
    with sandbox.running(scenario="flaky") as sb:
        result = run_smoke(sandbox_env(sb))
        statuses = {entry["status"] for entry in sb.requests()}
    assert statuses & {429, 503}, "the flaky scenario injected no fault"
    assert result.code == 0, result.output
