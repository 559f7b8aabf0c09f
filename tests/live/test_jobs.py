"""Job status and polling: ``jobs.get`` (an existing job, no write needed), ``poll_job``, FAILED.

Only ``COMPLETED`` is success (the charter's word): every wait goes through
``live_checks.wait_finished`` first, so a server that reports ``SUCCESS`` or a blank state
is red in seconds, naming the state.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from live_checks import (
    JOB_TIMEOUT_S,
    POLL_INTERVAL_S,
    run_async,
    tagged_data,
    wait_completed,
    wait_finished,
)

from imednet_live.discovery.rules import FormRef, SubjectRef, sample_record_data
from imednet_live.sdk import compat as sdk_compat

if TYPE_CHECKING:  # the SDK (and pandas with it) is imported by the tests that run
    from imednet import AsyncImednetSDK, ImednetSDK
    from imednet.models import JobStatus

KNOWN_STATES = {"CREATED", "PENDING", "PROCESSING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"}


@pytest.mark.resource("jobs")
def test_jobs_get(sdk: ImednetSDK, study_key: str, batch_id: str) -> None:
    from imednet.models import JobStatus

    status = sdk.jobs.get(study_key, batch_id)
    assert isinstance(status, JobStatus)
    assert status.batch_id == batch_id
    assert status.state.upper() in KNOWN_STATES, f"unexpected job state {status.state!r}"


@pytest.mark.resource("jobs")
def test_async_jobs_get(async_sdk: AsyncImednetSDK, study_key: str, batch_id: str) -> None:
    from imednet.models import JobStatus

    status = run_async(async_sdk, sdk_compat.async_get(async_sdk.jobs, study_key, batch_id))
    assert isinstance(status, JobStatus)
    assert status.batch_id == batch_id
    assert status.state.upper() in KNOWN_STATES, f"unexpected job state {status.state!r}"


@pytest.mark.resource("poll_job")
@pytest.mark.mutating
def test_poll_job_reaches_completed(
    sdk: ImednetSDK, study_key: str, new_batch: Callable[[], str]
) -> None:
    from imednet.models import JobStatus

    batch = new_batch()
    status = wait_completed(sdk, study_key, batch)
    assert isinstance(status, JobStatus)
    assert status.is_successful
    # A terminal job stays terminal: a second read agrees with the poller.
    assert sdk.jobs.get(study_key, batch).state.upper() == "COMPLETED"


@pytest.mark.resource("poll_job")
@pytest.mark.mutating
def test_async_create_and_poll(
    async_sdk: AsyncImednetSDK,
    sdk: ImednetSDK,
    study_key: str,
    form: FormRef,
    write_subject: SubjectRef,
    write_tag: str,
) -> None:
    data = tagged_data(sample_record_data(form), form, study_key, write_tag)

    async def scenario() -> tuple[str, JobStatus]:
        job = await sdk_compat.async_create(
            async_sdk.records,
            study_key,
            [{"formKey": form.form_key, "subjectKey": write_subject.subject_key, "data": data}],
        )
        await asyncio.to_thread(wait_completed, sdk, study_key, job.batch_id)
        status = await async_sdk.async_poll_job(
            study_key, job.batch_id, interval=POLL_INTERVAL_S, timeout=JOB_TIMEOUT_S
        )
        return job.batch_id, status

    batch, status = run_async(async_sdk, scenario())
    assert batch
    assert status.batch_id == batch
    assert status.state.upper() == "COMPLETED"


@pytest.mark.resource("poll_job")
@pytest.mark.mutating
def test_job_for_unknown_subject_fails(
    sdk: ImednetSDK, study_key: str, form: FormRef, write_tag: str
) -> None:
    """A write the server accepts but cannot apply ends FAILED; poll_job raises on it."""
    missing = f"missing-{write_tag}"
    data = tagged_data(sample_record_data(form), form, study_key, write_tag)
    job = sdk.records.create(
        study_key, [{"formKey": form.form_key, "subjectKey": missing, "data": data}]
    )
    assert job.batch_id, f"records.create returned no batchId: {job!r}"
    ended = wait_finished(sdk, study_key, job.batch_id)
    assert ended.state.upper() == "FAILED", f"job {job.batch_id} ended {ended.state!r}"
    with pytest.raises(
        sdk_compat.job_failed_error(), match=sdk_compat.job_failed_pattern(job.batch_id)
    ):
        sdk.poll_job(study_key, job.batch_id, interval=POLL_INTERVAL_S, timeout=JOB_TIMEOUT_S)
    assert sdk.jobs.get(study_key, job.batch_id).state.upper() == "FAILED"
