"""``records.create`` for the three documented scenarios, each read back after its job completed.

Each test writes a fresh tag into a text variable and finds exactly that record again,
so nothing an earlier run (or a parallel worker) wrote can satisfy the check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from live_checks import one_tagged_record, tagged_data, text_variable, wait_completed

from imednet_live.discovery.rules import (
    FormRef,
    IntervalRef,
    SiteRef,
    SubjectRef,
    sample_record_data,
)
from imednet_live.sdk import compat as sdk_compat

if TYPE_CHECKING:  # the SDK (and pandas with it) is imported by the tests that run
    from imednet import ImednetSDK
    from imednet.models import Job

pytestmark = [pytest.mark.resource("records.create"), pytest.mark.mutating]


def _submit(sdk: ImednetSDK, study_key: str, record: dict[str, object]) -> Job:
    from imednet.models import Job

    job = sdk.records.create(study_key, [record])
    assert isinstance(job, Job)
    assert job.batch_id, f"records.create returned no batchId: {job!r}"
    wait_completed(sdk, study_key, job.batch_id)
    return job


def test_register_subject_at_write_site(
    sdk: ImednetSDK, study_key: str, form: FormRef, write_site: SiteRef, write_tag: str
) -> None:
    variable = text_variable(form, study_key).name
    data = tagged_data(sample_record_data(form), form, study_key, write_tag)
    _submit(
        sdk, study_key, {"formKey": form.form_key, "siteName": write_site.site_name, "data": data}
    )

    record = one_tagged_record(sdk, study_key, variable, write_tag)
    assert record.form_key == form.form_key
    assert record.site_id == write_site.site_id
    assert record.subject_key, "a registration must create a subject"
    registered = sdk_compat.items(sdk.subjects.list(study_key, subject_key=record.subject_key))
    assert [s.site_name for s in registered] == [write_site.site_name], (
        f"subject {record.subject_key} is not listed at {write_site.site_name}: {registered!r}"
    )


def test_new_record_for_write_subject(
    sdk: ImednetSDK, study_key: str, form: FormRef, write_subject: SubjectRef, write_tag: str
) -> None:
    variable = text_variable(form, study_key).name
    data = tagged_data(sample_record_data(form), form, study_key, write_tag)
    record_in = {"formKey": form.form_key, "subjectKey": write_subject.subject_key, "data": data}
    _submit(sdk, study_key, record_in)

    record = one_tagged_record(sdk, study_key, variable, write_tag)
    assert (record.subject_key, record.form_key) == (write_subject.subject_key, form.form_key)
    subject_records = sdk.records.list(study_key, subject_key=write_subject.subject_key)
    assert record.record_id in {r.record_id for r in subject_records}


def test_scheduled_record_for_write_subject(
    sdk: ImednetSDK,
    study_key: str,
    form: FormRef,
    write_subject: SubjectRef,
    interval: IntervalRef,
    write_tag: str,
) -> None:
    variable = text_variable(form, study_key).name
    data = tagged_data(sample_record_data(form), form, study_key, write_tag)
    _submit(
        sdk,
        study_key,
        {
            "formKey": form.form_key,
            "subjectKey": write_subject.subject_key,
            "intervalName": interval.interval_name,
            "data": data,
        },
    )

    record = one_tagged_record(sdk, study_key, variable, write_tag)
    assert (record.subject_key, record.form_key) == (write_subject.subject_key, form.form_key)
    assert record.interval_id == interval.interval_id, (
        f"scheduled record landed in interval {record.interval_id}, not {interval.interval_id}"
    )
