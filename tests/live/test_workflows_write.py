"""Write workflows with discovered identifiers: every ``RecordUpdateWorkflow`` method and
``RegisterSubjectsWorkflow.register_subjects``, each read back by its unique tag.

Data only targets text and number variables: the workflow validates locally and rejects
every other type (radio, date, ...) with ``UnknownVariableTypeError`` before any request.
Jobs are awaited with ``wait_completed`` (the harness's reading of job states, then the SDK's
poller) rather than the workflow's own wait, so a job that reports ``SUCCESS`` or a blank
state is red in seconds, not after the workflow's timeout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from live_checks import (
    one_tagged_record,
    text_variable,
    wait_completed,
    workflow_data,
)

from imednet_live.discovery.rules import FormRef, IntervalRef, SiteRef, SubjectRef
from imednet_live.live.support import write_tag as new_write_tag
from imednet_live.sdk import compat as sdk_compat

if TYPE_CHECKING:  # the SDK (and pandas with it) is imported by the tests that run
    from imednet import ImednetSDK
    from imednet.models import Job

pytestmark = pytest.mark.mutating

WAIT = {"wait_for_completion": False}


def _completed(job: Job, sdk: ImednetSDK, study_key: str) -> None:
    assert job.batch_id, f"workflow returned a job without batchId: {job!r}"
    wait_completed(sdk, study_key, job.batch_id)


@pytest.mark.resource("workflows.record_update")
def test_create_or_update_records(
    sdk: ImednetSDK, study_key: str, form: FormRef, write_subject: SubjectRef, write_tag: str
) -> None:
    data = workflow_data(form, study_key, write_tag)
    record = {"formKey": form.form_key, "subjectKey": write_subject.subject_key, "data": data}
    _completed(
        sdk.workflows.record_update.create_or_update_records(study_key, [record], **WAIT),
        sdk,
        study_key,
    )

    found = one_tagged_record(sdk, study_key, text_variable(form, study_key).name, write_tag)
    assert found.subject_key == write_subject.subject_key
    for name, value in data.items():
        assert found.record_data.get(name) == value, (
            f"{name}: wrote {value!r}, read {found.record_data.get(name)!r}"
        )


@pytest.mark.resource("workflows.record_update")
def test_create_new_record(
    sdk: ImednetSDK, study_key: str, form: FormRef, write_subject: SubjectRef, write_tag: str
) -> None:
    job = sdk.workflows.record_update.create_new_record(
        study_key,
        form.form_key,
        write_subject.subject_key,
        workflow_data(form, study_key, write_tag),
        **WAIT,
    )
    _completed(job, sdk, study_key)
    found = one_tagged_record(sdk, study_key, text_variable(form, study_key).name, write_tag)
    assert (found.subject_key, found.form_key) == (write_subject.subject_key, form.form_key)


@pytest.mark.resource("workflows.record_update")
def test_register_subject_then_update_its_scheduled_record(
    sdk: ImednetSDK,
    study_key: str,
    form: FormRef,
    write_site: SiteRef,
    interval: IntervalRef,
    write_tag: str,
) -> None:
    """Registers a subject of its own, so no other test can write to the same scheduled record."""
    variable = text_variable(form, study_key).name
    workflow = sdk.workflows.record_update
    _completed(
        workflow.register_subject(
            study_key,
            form.form_key,
            write_site.site_name,
            workflow_data(form, study_key, write_tag),
            **WAIT,
        ),
        sdk,
        study_key,
    )
    registered = one_tagged_record(sdk, study_key, variable, write_tag)
    assert registered.site_id == write_site.site_id
    assert registered.subject_key, "register_subject must create a subject"

    update_tag = new_write_tag()
    _completed(
        workflow.update_scheduled_record(
            study_key,
            form.form_key,
            registered.subject_key,
            interval.interval_name,
            workflow_data(form, study_key, update_tag),
            **WAIT,
        ),
        sdk,
        study_key,
    )
    updated = one_tagged_record(sdk, study_key, variable, update_tag)
    assert updated.subject_key == registered.subject_key
    assert updated.interval_id == interval.interval_id


@pytest.mark.resource("workflows.register_subjects")
def test_register_subjects(
    sdk: ImednetSDK, study_key: str, form: FormRef, write_subject: SubjectRef, write_tag: str
) -> None:
    """The SDK's workflow needs an existing subject key and its site (it checks both first)."""
    from imednet.models import RegisterSubjectRequest

    request = RegisterSubjectRequest(
        form_key=form.form_key,
        site_name=write_subject.site_name,
        subject_key=write_subject.subject_key,
        data=workflow_data(form, study_key, write_tag),
    )
    workflow = sdk_compat.workflow_module("register_subjects").RegisterSubjectsWorkflow
    job = workflow(sdk).register_subjects(study_key, [request])
    assert job.batch_id, f"register_subjects returned no batchId: {job!r}"
    wait_completed(sdk, study_key, job.batch_id)
    found = one_tagged_record(sdk, study_key, text_variable(form, study_key).name, write_tag)
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
