"""Scenarios that reproduce what the real API was seen to do, and writes as strict as it is.

Each test drives the sandbox over HTTP (raw httpx, or the unmodified SDK 0.5.0) and checks
the behaviour of one observation row (REAL-API-OBSERVATIONS.md: W1-W10, R1-R4).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx
import pydantic
import pytest

from imednet_live.sandbox import SandboxHandle, seed
from imednet_live.sandbox.backend import ListQuery

STUDY_KEY = seed.STUDY_KEY
FORM_KEY = seed.FORM_KEY
GOOD = {"formKey": FORM_KEY, "subjectKey": seed.SUBJECT_ENROLLED[1], "data": {"SUBJINIT": "OB"}}


def _finished(client: httpx.Client, batch: str, *, within_s: float = 30.0) -> dict[str, Any]:
    """The job once its result exists (jobs finish after ~0.25 s; bounded by ``within_s``)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        result = client.get(f"/studies/{STUDY_KEY}/jobs/{batch}/result")
        if result.status_code == 200:
            return client.get(f"/studies/{STUDY_KEY}/jobs/{batch}").json()
        assert result.status_code == 404, result.text
    raise AssertionError(f"job {batch} did not finish within {within_s:g} s")


# ----- strict writes (every scenario) ----------------------------------------------------
@pytest.mark.parametrize(
    ("item", "field", "value", "words"),
    [
        (
            {"formKey": FORM_KEY, "subjectKey": "02-002", "recordData": {"SUBJINIT": "X"}},
            "recordData",
            '{"SUBJINIT":"X"}',
            "data",
        ),
        ({"formKey": FORM_KEY, "subjectKey": "02-002"}, "data", "record 1", "is required"),
        ({"formKey": FORM_KEY, "subjectKey": "02-002", "data": {}}, "data", "{}", "not be empty"),
    ],
    ids=["recordData-key", "missing-data", "empty-data"],
)
def test_writes_the_real_api_rejects_answer_400_naming_the_field(
    sandbox_writable: SandboxHandle,
    raw_client: Callable[..., httpx.Client],
    item: dict[str, Any],
    field: str,
    value: str,
    words: str,
) -> None:
    client = raw_client(sandbox_writable)
    jobs_before = len(sandbox_writable.backend.jobs(STUDY_KEY, ListQuery()))
    response = client.post(f"/studies/{STUDY_KEY}/records", json=[GOOD, item])
    assert response.status_code == 400
    error = response.json()["metadata"]["error"]
    assert error["code"] == "1000"
    assert error["field"] == {"attribute": field, "value": value}
    assert field in error["message"]
    assert words in error["message"]
    assert "record 1" in error["message"]
    assert len(sandbox_writable.backend.jobs(STUDY_KEY, ListQuery())) == jobs_before  # no job


@pytest.mark.parametrize(
    ("form_key", "reason"),
    [
        ("SS", "Form with formKey of SS not found."),
        (seed.FORM_AE_KEY, f"Form with formKey of {seed.FORM_AE_KEY} not found"),
        (seed.FORM_SITE_KEY, f"Form with formKey of {seed.FORM_SITE_KEY} not found"),
    ],
    ids=["unknown", "not-subject-record", "site-form"],
)
def test_a_failed_jobs_reason_is_plain_text_at_its_result_url(
    sandbox_writable: SandboxHandle,
    raw_client: Callable[..., httpx.Client],
    form_key: str,
    reason: str,
) -> None:
    client = raw_client(sandbox_writable)
    item = {"formKey": form_key, "subjectKey": "02-002", "data": {"AETERM": "Rash"}}
    accepted = client.post(f"/studies/{STUDY_KEY}/records", json=[item])
    assert accepted.status_code == 202
    job = _finished(client, accepted.json()["batchId"])
    assert job["state"] == "FAILED"
    assert job["resultUrl"].endswith(f"/jobs/{job['batchId']}/result")
    result = httpx.get(
        sandbox_writable.base_url + job["resultUrl"], headers=client.headers, timeout=10
    )
    assert result.status_code == 200
    assert result.headers["content-type"].startswith("text/plain")
    assert reason in result.text


def test_a_completed_jobs_result_lists_its_records(
    sandbox_writable: SandboxHandle, raw_client: Callable[..., httpx.Client]
) -> None:
    client = raw_client(sandbox_writable)
    accepted = client.post(f"/studies/{STUDY_KEY}/records", json=[GOOD])
    job = _finished(client, accepted.json()["batchId"])
    assert job["state"] == "COMPLETED"
    result = client.get(f"/studies/{STUDY_KEY}/jobs/{job['batchId']}/result").json()
    assert len(result["recordIds"]) == 1
    assert "recordIds" not in job  # the default job object carries only documented fields


# ----- --job-seconds ---------------------------------------------------------------------
def test_job_seconds_keeps_a_job_in_progress_that_long(
    sandbox_factory: Callable[..., SandboxHandle], raw_client: Callable[..., httpx.Client]
) -> None:
    sb = sandbox_factory(job_seconds=3600)
    client = raw_client(sb)
    batch = client.post(f"/studies/{STUDY_KEY}/records", json=[GOOD]).json()["batchId"]
    job = client.get(f"/studies/{STUDY_KEY}/jobs/{batch}").json()
    assert job["state"] in ("created", "PROCESSING")
    assert job["dateFinished"] is None
    assert client.get(f"/studies/{STUDY_KEY}/jobs/{batch}/result").status_code == 404


@pytest.mark.parametrize("value", ["-1", "soon", "inf"])
def test_a_bad_job_seconds_is_one_line_exit_2(value: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "imednet_live.cli", "sandbox", "serve", "--port", "0",
         "--job-seconds", value],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "--job-seconds" in lines[0]
    assert "Traceback" not in proc.stderr


# ----- job state spellings (W3, W4, W5) --------------------------------------------------
@pytest.mark.parametrize(
    ("scenario", "finished_states"),
    [
        ("success-state", {"SUCCESS"}),
        ("lowercase-states", {"completed"}),
        ("blank-state", {"", None}),
    ],
)
def test_state_spelling_scenarios_show_the_observed_words_and_still_write(
    scenario_sandboxes: Callable[[str], SandboxHandle],
    raw_client: Callable[..., httpx.Client],
    scenario: str,
    finished_states: set[str | None],
) -> None:
    sb = scenario_sandboxes(scenario)
    client = raw_client(sb)
    records_before = len(sb.backend.items(STUDY_KEY, "records", ListQuery()))
    batch = client.post(f"/studies/{STUDY_KEY}/records", json=[GOOD]).json()["batchId"]
    _finished(client, batch)
    seen = {client.get(f"/studies/{STUDY_KEY}/jobs/{batch}").json()["state"] for _ in range(3)}
    assert seen == finished_states
    assert len(sb.backend.items(STUDY_KEY, "records", ListQuery())) == records_before + 1


# ----- POST answers (W1, W2, W10) --------------------------------------------------------
def test_post_array_answers_200_empty_list_and_the_sdk_cannot_read_it(
    scenario_sandboxes: Callable[[str], SandboxHandle], make_sdk: Callable[..., Any]
) -> None:
    sb = scenario_sandboxes("post-array")
    with pytest.raises(pydantic.ValidationError, match=r"input_value=\[\]"):
        make_sdk(sb).records.create(STUDY_KEY, [GOOD])
    assert sb.requests()[-1]["status"] == 200


def test_post_no_batch_answers_a_job_without_batch_id(
    scenario_sandboxes: Callable[[str], SandboxHandle], raw_client: Callable[..., httpx.Client]
) -> None:
    response = raw_client(scenario_sandboxes("post-no-batch")).post(
        f"/studies/{STUDY_KEY}/records", json=[GOOD]
    )
    assert response.status_code == 202
    body = response.json()
    assert "batchId" not in body
    assert body["jobId"]
    assert body["state"]


def test_processed_then_503_applies_the_first_post_and_again_its_retry(
    sandbox_factory: Callable[..., SandboxHandle],
    raw_client: Callable[..., httpx.Client],
    make_sdk: Callable[..., Any],
) -> None:
    sb = sandbox_factory(scenario="processed-then-503")
    client = raw_client(sb)
    tagged = {**GOOD, "data": {"SUBJINIT": "W10"}}
    first = client.post(f"/studies/{STUDY_KEY}/records", json=[tagged])
    assert first.status_code == 503
    retry = client.post(f"/studies/{STUDY_KEY}/records", json=[tagged])
    assert retry.status_code == 202
    _finished(client, retry.json()["batchId"])
    sdk = make_sdk(sb, backoff_factor=0.01)  # SDK 0.5.0 retries the POST itself
    job = sdk.records.create(STUDY_KEY, [{**GOOD, "data": {"SUBJINIT": "SDK"}}])
    sdk.poll_job(STUDY_KEY, job.batch_id, interval=0.05, timeout=30)
    written = sdk.records.list(STUDY_KEY, record_data_filter="SUBJINIT==W10")
    assert len(written) == 2  # the lost answer cost a duplicate
    assert len(sdk.records.list(STUDY_KEY, record_data_filter="SUBJINIT==SDK")) == 2


# ----- reads (R1, R3, R4) ----------------------------------------------------------------
def test_dev_spellings_writes_complete_at_an_enrollment_open_site(
    scenario_sandboxes: Callable[[str], SandboxHandle], make_sdk: Callable[..., Any]
) -> None:
    sb = scenario_sandboxes("dev-spellings")
    sdk = make_sdk(sb)
    statuses = {s.site_name: s.site_enrollment_status for s in sdk.sites.list(STUDY_KEY)}
    assert statuses[seed.SITE_OPEN_NAME] == "ENROLLMENT_OPEN"
    assert "READ_ONLY" in statuses.values()
    assert {"Registered", "Baseline"} <= {s.subject_status for s in sdk.subjects.list(STUDY_KEY)}
    job = sdk.records.create(
        STUDY_KEY,
        [{"formKey": FORM_KEY, "siteName": seed.SITE_OPEN_NAME, "data": {"SUBJINIT": "DEV"}}],
    )
    assert sdk.poll_job(STUDY_KEY, job.batch_id, interval=0.05, timeout=30).state == "COMPLETED"


def test_dev_spellings_read_only_site_refuses_a_registration(
    scenario_sandboxes: Callable[[str], SandboxHandle], make_sdk: Callable[..., Any]
) -> None:
    sdk = make_sdk(scenario_sandboxes("dev-spellings"))
    job = sdk.records.create(
        STUDY_KEY,
        [{"formKey": FORM_KEY, "siteName": seed.SITE_INACTIVE_NAME, "data": {"SUBJINIT": "RO"}}],
    )
    with pytest.raises(RuntimeError, match="failed"):
        sdk.poll_job(STUDY_KEY, job.batch_id, interval=0.05, timeout=30)


def test_wire_quirks_serve_the_observed_shapes(
    scenario_sandboxes: Callable[[str], SandboxHandle], raw_client: Callable[..., httpx.Client]
) -> None:
    client = raw_client(scenario_sandboxes("wire-quirks"))
    records = client.get(f"/studies/{STUDY_KEY}/records", params={"size": 500}).json()["data"]
    assert any(r["dateModified"] == "" for r in records)
    assert all(len(r["dateCreated"].split(".")[1]) == 2 for r in records)
    assert " " in records[0]["dateCreated"]
    assert "T" not in records[0]["dateCreated"]
    assert {r["deleted"] for r in records} == {""}
    codings = client.get(f"/studies/{STUDY_KEY}/codings").json()["data"]
    assert codings
    assert all(str(c["codingId"]).startswith("C") for c in codings)
