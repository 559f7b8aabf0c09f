"""Write workflows with discovered identifiers: every ``RecordUpdateWorkflow`` method and
``RegisterSubjectsWorkflow.register_subjects``, each read back by its unique tag.

Data only targets text and number variables: the workflow validates locally and rejects
every other type (radio, date, ...) with ``UnknownVariableTypeError`` before any request.
Jobs are awaited with ``wait_completed`` (the harness's reading of job states, then the SDK's
poller) rather than the workflow's own wait, so a job that reports ``SUCCESS`` or a blank
state is red in seconds, not after the workflow's timeout.

The writes and their job waits overlap: one module fixture makes every test's write at
once (a thread and a client each); each test then checks its own (``result()`` raises
again what its write raised, skips included) and reads it back. ``xdist_group`` keeps
them on one worker, so each write is made once per session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from live_checks import (
    one_tagged_record,
    selected_tests,
    text_variable,
    wait_completed,
    workflow_data,
)

from imednet_live.ahead import Ahead, prepare_then_run
from imednet_live.config import Settings
from imednet_live.discovery.rules import FormRef, IntervalRef, SiteRef, SubjectRef
from imednet_live.live_support import write_tag as new_write_tag
from imednet_live.sdk import compat as sdk_compat

if TYPE_CHECKING:  # the SDK (and pandas with it) is imported by the tests that run
    from imednet import ImednetSDK
    from imednet.models import Job, Record

pytestmark = [pytest.mark.mutating, pytest.mark.xdist_group("workflow-writes")]

WAIT = {"wait_for_completion": False}


def _completed(job: Job, sdk: ImednetSDK, study_key: str) -> None:
    assert job.batch_id, f"workflow returned a job without batchId: {job!r}"
    wait_completed(sdk, study_key, job.batch_id)


@dataclass(frozen=True)
class Written:
    """What a test's workflow wrote, its job COMPLETED: the tag and the data it carried."""

    tag: str
    data: dict[str, object]
    registered: Record | None = None  # the subject's record a registration created


@dataclass(frozen=True)
class Ids:
    """The discovered identifiers a workflow writes with (each resolved in its own test)."""

    study_key: str
    form: FormRef
    request: pytest.FixtureRequest

    def subject(self) -> SubjectRef:
        subject: SubjectRef = self.request.getfixturevalue("write_subject")
        return subject

    def site(self) -> SiteRef:
        site: SiteRef = self.request.getfixturevalue("write_site")
        return site

    def interval(self) -> IntervalRef:
        interval: IntervalRef = self.request.getfixturevalue("interval")
        return interval


def _create_or_update(ids: Ids) -> Callable[[ImednetSDK], Written]:
    tag = new_write_tag()
    data = workflow_data(ids.form, ids.study_key, tag)
    record = {"formKey": ids.form.form_key, "subjectKey": ids.subject().subject_key, "data": data}

    def write(sdk: ImednetSDK) -> Written:
        workflow = sdk.workflows.record_update
        job = workflow.create_or_update_records(ids.study_key, [record], **WAIT)
        _completed(job, sdk, ids.study_key)
        return Written(tag, data)

    return write


def _create_new(ids: Ids) -> Callable[[ImednetSDK], Written]:
    tag = new_write_tag()
    data = workflow_data(ids.form, ids.study_key, tag)
    subject_key = ids.subject().subject_key

    def write(sdk: ImednetSDK) -> Written:
        workflow = sdk.workflows.record_update
        form_key = ids.form.form_key
        job = workflow.create_new_record(ids.study_key, form_key, subject_key, data, **WAIT)
        _completed(job, sdk, ids.study_key)
        return Written(tag, data)

    return write


def _register_then_update(ids: Ids) -> Callable[[ImednetSDK], Written]:
    """Registers a subject of its own, so no other test writes to the same scheduled record."""
    register_tag, update_tag = new_write_tag(), new_write_tag()
    register_data = workflow_data(ids.form, ids.study_key, register_tag)
    update_data = workflow_data(ids.form, ids.study_key, update_tag)
    site, interval = ids.site(), ids.interval()
    variable = text_variable(ids.form, ids.study_key).name

    def write(sdk: ImednetSDK) -> Written:
        workflow = sdk.workflows.record_update
        form_key = ids.form.form_key
        job = workflow.register_subject(
            ids.study_key, form_key, site.site_name, register_data, **WAIT
        )
        _completed(job, sdk, ids.study_key)
        registered = one_tagged_record(sdk, ids.study_key, variable, register_tag)
        assert registered.site_id == site.site_id
        assert registered.subject_key, "register_subject must create a subject"
        job = workflow.update_scheduled_record(
            ids.study_key, form_key, registered.subject_key, interval.interval_name, update_data,
            **WAIT,
        )  # fmt: skip
        _completed(job, sdk, ids.study_key)
        return Written(update_tag, update_data, registered)

    return write


def _register_subjects(ids: Ids) -> Callable[[ImednetSDK], Written]:
    """The SDK's workflow needs an existing subject key and its site (it checks both first)."""
    from imednet.models import RegisterSubjectRequest

    tag = new_write_tag()
    subject = ids.subject()
    data = workflow_data(ids.form, ids.study_key, tag)
    request = RegisterSubjectRequest(
        form_key=ids.form.form_key,
        site_name=subject.site_name,
        subject_key=subject.subject_key,
        data=data,
    )
    workflow = sdk_compat.workflow_module("register_subjects").RegisterSubjectsWorkflow

    def write(sdk: ImednetSDK) -> Written:
        job = workflow(sdk).register_subjects(ids.study_key, [request])
        assert job.batch_id, f"register_subjects returned no batchId: {job!r}"
        wait_completed(sdk, ids.study_key, job.batch_id)
        return Written(tag, data)

    return write


WRITES: dict[str, Callable[[Ids], Callable[[ImednetSDK], Written]]] = {
    "test_create_or_update_records": _create_or_update,
    "test_create_new_record": _create_new,
    "test_register_subject_then_update_its_scheduled_record": _register_then_update,
    "test_register_subjects": _register_subjects,
}


@pytest.fixture(scope="module")
def written(
    request: pytest.FixtureRequest, settings: Settings, study_key: str, form: FormRef
) -> dict[str, Ahead[Written]]:
    """Each selected test's workflow write, made at once and its job COMPLETED.

    Identifiers, tags and requests are prepared here, in order (fixtures are not
    thread-safe; what is missing is that test's skip); the writes and their waits then
    run together, a thread and a client each.
    """
    ids = Ids(study_key, form, request)

    def prepare(name: str) -> Callable[[], Written]:
        write = WRITES[name](ids)

        def work() -> Written:
            with sdk_compat.open_sync(settings.sdk_kwargs()) as sdk:
                return write(sdk)

        return work

    names = [n for n in selected_tests(request) if n in WRITES]
    return prepare_then_run(names, prepare, prefix="workflow")


@pytest.mark.resource("workflows.record_update")
def test_create_or_update_records(
    written: dict[str, Ahead[Written]],
    sdk: ImednetSDK,
    study_key: str,
    form: FormRef,
    write_subject: SubjectRef,
) -> None:
    wrote = written["test_create_or_update_records"].result()
    found = one_tagged_record(sdk, study_key, text_variable(form, study_key).name, wrote.tag)
    assert found.subject_key == write_subject.subject_key
    for name, value in wrote.data.items():
        assert found.record_data.get(name) == value, (
            f"{name}: wrote {value!r}, read {found.record_data.get(name)!r}"
        )


@pytest.mark.resource("workflows.record_update")
def test_create_new_record(
    written: dict[str, Ahead[Written]],
    sdk: ImednetSDK,
    study_key: str,
    form: FormRef,
    write_subject: SubjectRef,
) -> None:
    wrote = written["test_create_new_record"].result()
    found = one_tagged_record(sdk, study_key, text_variable(form, study_key).name, wrote.tag)
    assert (found.subject_key, found.form_key) == (write_subject.subject_key, form.form_key)


@pytest.mark.resource("workflows.record_update")
def test_register_subject_then_update_its_scheduled_record(
    written: dict[str, Ahead[Written]],
    sdk: ImednetSDK,
    study_key: str,
    form: FormRef,
    write_site: SiteRef,
    interval: IntervalRef,
) -> None:
    """Registers a subject of its own, so no other test can write to the same scheduled record."""
    wrote = written["test_register_subject_then_update_its_scheduled_record"].result()
    assert wrote.registered is not None
    updated = one_tagged_record(sdk, study_key, text_variable(form, study_key).name, wrote.tag)
    assert updated.subject_key == wrote.registered.subject_key
    assert updated.interval_id == interval.interval_id


@pytest.mark.resource("workflows.register_subjects")
def test_register_subjects(
    written: dict[str, Ahead[Written]],
    sdk: ImednetSDK,
    study_key: str,
    form: FormRef,
    write_subject: SubjectRef,
) -> None:
    """The SDK's workflow needs an existing subject key and its site (it checks both first)."""
    from imednet.models import RegisterSubjectRequest

    wrote = written["test_register_subjects"].result()
    found = one_tagged_record(sdk, study_key, text_variable(form, study_key).name, wrote.tag)
    if sdk_compat.has_field(RegisterSubjectRequest, "subject_key"):
        assert found.subject_key == write_subject.subject_key
    else:  # the request has no subject key (a declared surface change): a new subject
        assert found.subject_key, found
        assert found.subject_key != write_subject.subject_key, found
        assert found.site_id == write_subject.site_id, found


@pytest.mark.resource("workflows.register_subjects")
def test_register_subjects_rejects_unknown_site_before_writing(
    sdk: ImednetSDK, study_key: str, form: FormRef, write_subject: SubjectRef, write_tag: str
) -> None:
    from imednet.models import RegisterSubjectRequest

    request = RegisterSubjectRequest(
        form_key=form.form_key,
        site_name=f"no-such-site-{write_tag}",
        subject_key=write_subject.subject_key,
    )
    workflow = sdk_compat.workflow_module("register_subjects").RegisterSubjectsWorkflow(sdk)
    with pytest.raises(ValueError, match=f"site 'no-such-site-{write_tag}' not found"):
        workflow.register_subjects(study_key, [request])
