"""Checks shared by several live test modules (imported by name: tests/live is on sys.path)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pytest

from imednet_live.config import Settings, job_timeout_s
from imednet_live.discovery.rules import FormRef, VariableRef
from imednet_live.job_states import JobWait, WaitOutcome, describe_state, read_job, wait_for_jobs
from imednet_live.live_support import TEXT_TYPES, first_variable, validator_safe_data
from imednet_live.sdk import compat as sdk_compat
from imednet_live.skips import skip_no_data

if TYPE_CHECKING:  # the SDK (and pandas with it) is imported by the tests that run
    from imednet import AsyncImednetSDK, ImednetSDK
    from imednet.models import Job, JobStatus, Record

T = TypeVar("T")

# Seconds between job polls: the sandbox finishes a job in about 0.3 s; a live server
# takes longer, and the poll count stays small either way.
POLL_INTERVAL_S = 0.2
# The smoke's job timeout (300 s), or IMEDNET_LIVE_JOB_TIMEOUT. Whole seconds: the SDK's
# pollers take an int.
JOB_TIMEOUT_S = int(job_timeout_s())


def run_async(client: AsyncImednetSDK, work: Awaitable[T]) -> T:
    """Run ``work`` and close the async client inside the same event loop."""

    async def main() -> T:
        try:
            return await work
        finally:
            await client.aclose()

    return asyncio.run(main())


def run_cli(
    settings: Settings, env: dict[str, str], *args: str, cwd: Path | None = None
) -> sdk_compat.CliResult:
    """Run ``imednet ARGS`` as the build's users do; no credential may appear in its output."""
    result = sdk_compat.run_cli(list(args), env, cwd)
    leaked = [s for s in settings.secrets if s in result.output]
    assert not leaked, f"imednet {args[0]} printed a credential"
    return result


def text_variable(form: FormRef, study_key: str) -> VariableRef:
    """The text variable that carries a write tag; skips when the form has none."""
    variable = first_variable(form, TEXT_TYPES)
    if variable is None:
        skip_no_data(f"text variables on form {form.form_key}", study_key)
    return variable


def tagged_data(
    base: dict[str, object], form: FormRef, study_key: str, tag: str
) -> dict[str, object]:
    """``base`` with the tag written into the form's first text variable."""
    return {**base, text_variable(form, study_key).name: tag}


def workflow_data(form: FormRef, study_key: str, tag: str) -> dict[str, object]:
    """Tagged data limited to the types the SDK's local validator knows."""
    text_variable(form, study_key)  # skip first, with the charter's message
    return validator_safe_data(form, tag)


def wait_finished(sdk: ImednetSDK, study_key: str, batch_id: str) -> JobWait:
    """Wait for a job the way the smoke does: terminal states and unknown ones end it at once.

    Runs before any SDK poller, so a job that reports ``SUCCESS`` or a blank state is red in
    seconds with the state named, instead of the poller waiting out its timeout.
    """
    wait = wait_for_jobs(
        lambda batch: read_job(sdk, study_key, batch),
        [(batch_id, time.monotonic())],
        timeout=JOB_TIMEOUT_S,
    )[batch_id]
    state = describe_state(wait.reading.state)
    assert wait.outcome is not WaitOutcome.UNKNOWN_STATE, (
        f"job {batch_id} reported state {state}, which the charter does not know (API contract)"
    )
    assert wait.outcome is not WaitOutcome.TIMED_OUT, (
        f"job {batch_id} is still {state} after {JOB_TIMEOUT_S} s"
    )
    return wait


def wait_completed(sdk: ImednetSDK, study_key: str, batch_id: str) -> JobStatus:
    """Insist on COMPLETED, the charter's only success state; then the SDK's poller agrees."""
    wait = wait_finished(sdk, study_key, batch_id)
    assert wait.outcome is WaitOutcome.COMPLETED, (
        f"job {batch_id} ended {describe_state(wait.reading.state)}, not COMPLETED"
    )
    status = sdk_compat.poll_job(
        sdk, study_key, batch_id, interval=POLL_INTERVAL_S, timeout=JOB_TIMEOUT_S
    )
    assert status.batch_id == batch_id, f"polled {batch_id}, got status for {status.batch_id}"
    assert status.state.upper() == "COMPLETED", f"job {batch_id} ended {status.state!r}"
    return status


def records_tagged(sdk: ImednetSDK, study_key: str, variable: str, tag: str) -> list[Record]:
    """Records whose ``variable`` holds ``tag``, found through the server's recordDataFilter.

    Every returned record must carry the tag: a server that ignored the filter would
    otherwise pass this check with unrelated data.
    """
    found = sdk_compat.items(sdk.records.list(study_key, record_data_filter=f"{variable}=={tag}"))
    strays = [r.record_id for r in found if r.record_data.get(variable) != tag]
    assert not strays, f"recordDataFilter {variable}=={tag} also returned records {strays}"
    return found


def one_tagged_record(sdk: ImednetSDK, study_key: str, variable: str, tag: str) -> Record:
    """The single record a test wrote with ``tag``: read-after-write, exactly once.

    More than one is a duplicate write: the POST was applied twice, e.g. an SDK that
    retried a POST the server had processed but answered with a 5xx (observation W10).
    """
    found = records_tagged(sdk, study_key, variable, tag)
    assert len(found) <= 1, (
        f"duplicate write: {len(found)} records carry {variable}=={tag} (recordIds "
        f"{sorted(r.record_id for r in found)}) although the test posted it once; the POST "
        "was applied more than once (an SDK retry of a processed POST?)"
    )
    assert found, f"no record with {variable}=={tag} after the job completed"
    return found[0]


def assert_snapshot(
    got: Iterable[int], before: Iterable[int], after: Iterable[int], what: str
) -> None:
    """``got`` was read between two listings: all of ``before``, nothing beyond ``after``.

    In the mutating profile other workers add records while a read-only test runs;
    writes only ever add ids, so this bracket is exact without pretending the data is static.
    """
    got_ids, before_ids, after_ids = set(got), set(before), set(after)
    assert before_ids <= got_ids, f"{what}: missing {sorted(before_ids - got_ids)}"
    assert got_ids <= after_ids, f"{what}: unknown ids {sorted(got_ids - after_ids)}"


def selected_tests(request: pytest.FixtureRequest) -> list[str]:
    """This module's tests that the run selected (``-k`` and deselection honoured), in order.

    A module fixture that does its tests' writes ahead does them for these only.
    """
    module = request.module
    return [
        getattr(item, "originalname", item.name)
        for item in request.session.items
        if getattr(item, "module", None) is module
    ]


def submit_and_complete(settings: Settings, study_key: str, record: dict[str, object]) -> Job:
    """``records.create`` of one record, then its job awaited to COMPLETED, on a client of its own.

    Its own client, so several run at once from the threads of a module fixture.
    """
    from imednet.models import Job

    with sdk_compat.open_sync(settings.sdk_kwargs()) as sdk:
        job = sdk.records.create(study_key, [record])
        assert isinstance(job, Job)
        assert job.batch_id, f"records.create returned no batchId: {job!r}"
        wait_completed(sdk, study_key, job.batch_id)
    return job
