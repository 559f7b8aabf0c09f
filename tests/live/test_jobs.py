"""Job status and polling: ``jobs.get`` (an existing job, no write needed), ``poll_job``, FAILED.

Only ``COMPLETED`` is success (the charter's word): every wait goes through
``live_checks.wait_finished`` first, so a server that reports ``SUCCESS`` or a blank state
is red in seconds, naming the state.

The writing tests' jobs are awaited together: one module fixture submits them at once (a
thread and a client each, the async one in its own event loop); each test then checks
its own job (``result()`` raises again what its write raised).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from live_checks import (
    JOB_TIMEOUT_S,
    POLL_INTERVAL_S,
    run_async,
    selected_tests,
    submit_and_complete,
    tagged_data,
    wait_completed,
    wait_finished,
)

from imednet_live.ahead import Ahead, prepare_then_run
from imednet_live.config import Settings
from imednet_live.discovery.rules import FormRef, SubjectRef, sample_record_data
from imednet_live.live_support import write_tag as new_write_tag
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


WRITES_AHEAD = pytest.mark.xdist_group("job-writes")


def _completed_batch(
    settings: Settings, study_key: str, form: FormRef, subject: SubjectRef, tag: str
) -> str:
    """One tagged record for the write subject, its job awaited to COMPLETED."""
    data = tagged_data(sample_record_data(form), form, study_key, tag)
    record = {"formKey": form.form_key, "subjectKey": subject.subject_key, "data": data}
    return str(submit_and_complete(settings, study_key, record).batch_id)


def _async_created_and_polled(
    settings: Settings, study_key: str, form: FormRef, subject: SubjectRef, tag: str
) -> tuple[str, JobStatus]:
    """The async client's create and poller, in an event loop of this thread's own."""
    data = tagged_data(sample_record_data(form), form, study_key, tag)
    async_sdk = sdk_compat.open_async(settings.sdk_kwargs())

    async def scenario() -> tuple[str, JobStatus]:
        job = await sdk_compat.async_create(
            async_sdk.records,
            study_key,
            [{"formKey": form.form_key, "subjectKey": subject.subject_key, "data": data}],
        )
        with sdk_compat.open_sync(settings.sdk_kwargs()) as sdk:
            await asyncio.to_thread(wait_completed, sdk, study_key, job.batch_id)
        status = await async_sdk.async_poll_job(
            study_key, job.batch_id, interval=POLL_INTERVAL_S, timeout=JOB_TIMEOUT_S
        )
        return job.batch_id, status

    return run_async(async_sdk, scenario())


def _failed_batch(settings: Settings, study_key: str, form: FormRef, tag: str) -> tuple[str, str]:
    """A write the server accepts but cannot apply (an unknown subject): (batch, end state)."""
    data = tagged_data(sample_record_data(form), form, study_key, tag)
    with sdk_compat.open_sync(settings.sdk_kwargs()) as sdk:
        job = sdk.records.create(
            study_key, [{"formKey": form.form_key, "subjectKey": f"missing-{tag}", "data": data}]
        )
        assert job.batch_id, f"records.create returned no batchId: {job!r}"
        return job.batch_id, wait_finished(sdk, study_key, job.batch_id).state


@pytest.fixture(scope="module")
def jobs_ahead(
    request: pytest.FixtureRequest, settings: Settings, study_key: str, form: FormRef
) -> dict[str, Ahead[Any]]:
    """The writing tests' jobs, submitted at once and awaited together (a thread each).

    Tags and identifiers are taken here, in order (a missing write subject is the skip of
    the tests that need it); each test then checks its own job.
    """
    needs_subject = {"test_poll_job_reaches_completed", "test_async_create_and_poll"}
    works: dict[str, Callable[..., Any]] = {
        "test_poll_job_reaches_completed": _completed_batch,
        "test_async_create_and_poll": _async_created_and_polled,
        "test_job_for_unknown_subject_fails": _failed_batch,
    }

    def prepare(name: str) -> Callable[[], Any]:
        subject = [request.getfixturevalue("write_subject")] if name in needs_subject else []
        args = (*subject, new_write_tag())
        return lambda: works[name](settings, study_key, form, *args)

    names = [n for n in selected_tests(request) if n in works]
    return prepare_then_run(names, prepare, prefix="job")


@pytest.mark.resource("poll_job")
@pytest.mark.mutating
@WRITES_AHEAD
def test_poll_job_reaches_completed(
    jobs_ahead: dict[str, Ahead[Any]], sdk: ImednetSDK, study_key: str, write_subject: SubjectRef
) -> None:
    from imednet.models import JobStatus

    batch: str = jobs_ahead["test_poll_job_reaches_completed"].result()
    status = wait_completed(sdk, study_key, batch)
    assert isinstance(status, JobStatus)
    assert status.is_successful
    # A terminal job stays terminal: a second read agrees with the poller.
    assert sdk.jobs.get(study_key, batch).state.upper() == "COMPLETED"


@pytest.mark.resource("poll_job")
@pytest.mark.mutating
@WRITES_AHEAD
def test_async_create_and_poll(
    jobs_ahead: dict[str, Ahead[Any]], write_subject: SubjectRef
) -> None:
    batch, status = jobs_ahead["test_async_create_and_poll"].result()
    assert batch
    assert status.batch_id == batch
    assert status.state.upper() == "COMPLETED"


@pytest.mark.resource("poll_job")
@pytest.mark.mutating
@WRITES_AHEAD
def test_job_for_unknown_subject_fails(
    jobs_ahead: dict[str, Ahead[Any]], sdk: ImednetSDK, study_key: str
) -> None:
    """A write the server accepts but cannot apply ends FAILED; poll_job raises on it."""
    batch, state = jobs_ahead["test_job_for_unknown_subject_fails"].result()
    assert state.upper() == "FAILED", f"job {batch} ended {state!r}"
    with pytest.raises(sdk_compat.job_failed_error(), match=sdk_compat.job_failed_pattern(batch)):
        sdk.poll_job(study_key, batch, interval=POLL_INTERVAL_S, timeout=JOB_TIMEOUT_S)
    assert sdk.jobs.get(study_key, batch).state.upper() == "FAILED"
