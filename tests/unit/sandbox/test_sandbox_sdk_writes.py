"""Record writes through the unmodified SDK: jobs complete (or fail) and their effects show."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from imednet import AsyncImednetSDK
from imednet.workflows.job_poller import JobTimeoutError

from imednet_live.sandbox import SandboxHandle, seed
from imednet_live.sandbox.seed import FORM_KEY, STUDY_KEY

POLL = {"interval": 0.1, "timeout": 10}


@pytest.fixture
def sdk(sandbox_writable: SandboxHandle, make_sdk: Callable[..., Any]) -> Any:
    return make_sdk(sandbox_writable)


def subject_keys(sdk: Any) -> set[str]:
    return {s.subject_key for s in sdk.subjects.list(STUDY_KEY)}


def test_register_subject_then_visible_in_subjects_and_records(sdk: Any) -> None:
    before = subject_keys(sdk)
    data = {"SUBJINIT": "RGX", "AGE": 44, "HEIGHT": 1.8, "CONSENT": True, "BRTHDAT": "1980-02-03"}
    job = sdk.records.create(
        STUDY_KEY, [{"formKey": FORM_KEY, "siteName": seed.SITE_OPEN_NAME, "data": data}]
    )
    assert job.state == "created"
    assert sdk.poll_job(STUDY_KEY, job.batch_id, **POLL).state == "COMPLETED"
    (new_key,) = subject_keys(sdk) - before
    (record,) = sdk.records.list(STUDY_KEY, subject_key=new_key)
    assert record.record_data == data  # stored as given, types included
    assert record.form_key == FORM_KEY
    assert {v.interval_id for v in sdk.visits.list(STUDY_KEY, subject_key=new_key)} == {2, 3, 4}


def test_update_scheduled_record_by_interval(sdk: Any) -> None:
    key = seed.SUBJECT_ENROLLED[1]
    job = sdk.records.create(
        STUDY_KEY,
        [
            {
                "formKey": FORM_KEY,
                "subjectKey": key,
                "intervalName": seed.INTERVAL_WEEK4_NAME,
                "data": {"COMMENTS": "updated at week 4"},
            }
        ],
    )
    sdk.poll_job(STUDY_KEY, job.batch_id, **POLL)
    records = sdk.records.list(
        STUDY_KEY, subject_key=key, interval_id=seed.INTERVAL_WEEK4_ID, form_key=FORM_KEY
    )
    assert len(records) == 1
    assert records[0].record_data["COMMENTS"] == "updated at week 4"
    revisions = sdk.record_revisions.list(STUDY_KEY, record_id=records[0].record_id)
    assert len(revisions) >= 2


def test_new_record_for_existing_subject_via_async_sdk(sandbox_writable: SandboxHandle) -> None:
    key = seed.SUBJECT_ACTIVE[1]

    async def run() -> tuple[int, int, Any]:
        async with AsyncImednetSDK(**sandbox_writable.sdk_kwargs()) as asdk:
            before = len(await asdk.records.async_list(STUDY_KEY, subject_key=key))
            job = await asdk.records.async_create(
                STUDY_KEY,
                [{"formKey": FORM_KEY, "subjectKey": key, "data": {"COMMENTS": "Rash"}}],
            )
            status = await asdk.async_poll_job(STUDY_KEY, job.batch_id, **POLL)
            after = await asdk.records.async_list(STUDY_KEY, subject_key=key)
            return before, len(after), (status, after)

    before, after, (status, records) = asyncio.run(run())
    assert status.state == "COMPLETED"
    assert after == before + 1
    assert "Rash" in {r.record_data.get("COMMENTS") for r in records}


def test_record_update_workflow_waits_for_completion(sdk: Any) -> None:
    key = seed.SUBJECT_ENROLLED[1]
    status = sdk.workflows.record_update.create_or_update_records(
        STUDY_KEY,
        [{"formKey": FORM_KEY, "subjectKey": key, "data": {"SUBJINIT": "WFL"}}],
        wait_for_completion=True,
        poll_interval=0.1,
        timeout=10,
    )
    assert status.state == "COMPLETED"
    assert "WFL" in {
        r.record_data.get("SUBJINIT") for r in sdk.records.list(STUDY_KEY, subject_key=key)
    }


def test_register_subjects_workflow_with_existing_key(sdk: Any) -> None:
    from imednet.workflows.register_subjects import RegisterSubjectRequest, RegisterSubjectsWorkflow

    key = seed.SUBJECT_ENROLLED[1]
    before = subject_keys(sdk)
    job = RegisterSubjectsWorkflow(sdk).register_subjects(
        STUDY_KEY,
        [
            RegisterSubjectRequest(
                form_key=FORM_KEY,
                site_name=seed.SITE_OPEN_NAME,
                subject_key=key,
                data={"SUBJINIT": "RSW"},
            )
        ],
    )
    assert sdk.poll_job(STUDY_KEY, job.batch_id, **POLL).state == "COMPLETED"
    assert subject_keys(sdk) == before  # treated as a new record for that subject


@pytest.mark.parametrize(
    "body",
    [[], [{"formKey": FORM_KEY, "data": {"AGE": 5}}]],
    ids=["empty-batch", "no-subject-no-site"],
)
def test_batches_that_change_nothing_complete(sdk: Any, body: list[Any]) -> None:
    job = sdk.records.create(STUDY_KEY, body)
    assert sdk.poll_job(STUDY_KEY, job.batch_id, **POLL).state == "COMPLETED"


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        (
            {"formKey": FORM_KEY, "siteName": "Atlantis Clinic", "data": {"AGE": 5}},
            "unknown siteName",
        ),
        ({"formKey": FORM_KEY, "subjectKey": "02-002", "data": {"NOTAVAR": 1}}, "NOTAVAR"),
    ],
    ids=["unknown-site", "unknown-variable"],
)
def test_bad_items_end_failed_with_a_reason(
    sdk: Any,
    sandbox_writable: SandboxHandle,
    raw_client: Callable[..., httpx.Client],
    item: dict[str, Any],
    reason: str,
) -> None:
    job = sdk.records.create(STUDY_KEY, [item])
    with pytest.raises(RuntimeError, match="failed"):
        sdk.poll_job(STUDY_KEY, job.batch_id, **POLL)
    client = raw_client(sandbox_writable)
    body = client.get(f"/studies/{STUDY_KEY}/jobs/{job.batch_id}").json()
    assert body["state"] == "FAILED"
    assert body["dateFinished"]
    assert "reason" not in body  # served where the real API serves it (W8)
    result = client.get(body["resultUrl"].removeprefix("/api/v1/edc"))
    assert reason in result.text


def test_failing_jobs_scenario(
    scenario_sandboxes: Callable[[str], SandboxHandle], make_sdk: Callable[..., Any]
) -> None:
    sdk = make_sdk(scenario_sandboxes("failing-jobs"))
    job = sdk.records.create(
        STUDY_KEY, [{"formKey": FORM_KEY, "siteName": seed.SITE_OPEN_NAME, "data": {"AGE": 5}}]
    )
    with pytest.raises(RuntimeError, match="failed"):
        sdk.poll_job(STUDY_KEY, job.batch_id, **POLL)


def test_stuck_jobs_scenario_times_out(
    scenario_sandboxes: Callable[[str], SandboxHandle], make_sdk: Callable[..., Any]
) -> None:
    sdk = make_sdk(scenario_sandboxes("stuck-jobs"))
    job = sdk.records.create(STUDY_KEY, [])
    with pytest.raises(JobTimeoutError):
        sdk.poll_job(STUDY_KEY, job.batch_id, interval=0.1, timeout=0.5)
    assert sdk.jobs.get(STUDY_KEY, job.batch_id).state == "PROCESSING"


@pytest.mark.parametrize(
    ("content", "field_value"),
    [(b"not json", "not json"), (b'{"formKey": "DEMOG"}', '{"formKey":"DEMOG"}')],
    ids=["non-json", "non-array"],
)
def test_malformed_post_body_is_400(
    sandbox_writable: SandboxHandle,
    raw_client: Callable[..., httpx.Client],
    content: bytes,
    field_value: str,
) -> None:
    response = raw_client(sandbox_writable).post(f"/studies/{STUDY_KEY}/records", content=content)
    assert response.status_code == 400
    assert response.json()["metadata"]["error"]["field"] == {
        "attribute": "body",
        "value": field_value,
    }
