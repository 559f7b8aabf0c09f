"""``records.create`` for the three documented scenarios, each read back after its job completed.

Each test writes a fresh tag into a text variable and finds exactly that record again,
so nothing an earlier run (or a parallel worker) wrote can satisfy the check.

The writes and their job waits overlap: one module fixture submits the three records at
once (a thread and a client each) and waits for their jobs together; each test then
checks its own write (``result()`` raises again what its write raised, skips included)
and reads its record back. ``xdist_group`` keeps the three on one worker, so each write
is made once per session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from live_checks import (
    one_tagged_record,
    selected_tests,
    submit_and_complete,
    tagged_data,
    text_variable,
)

from imednet_live.ahead import Ahead, prepare_then_run
from imednet_live.config import Settings
from imednet_live.discovery.rules import (
    FormRef,
    IntervalRef,
    SiteRef,
    SubjectRef,
    sample_record_data,
)
from imednet_live.live_support import write_tag as new_write_tag
from imednet_live.sdk import compat as sdk_compat

if TYPE_CHECKING:  # the SDK (and pandas with it) is imported by the tests that run
    from imednet import ImednetSDK

pytestmark = [
    pytest.mark.resource("records.create"),
    pytest.mark.mutating,
    pytest.mark.xdist_group("records-create"),
]


def _register(request: pytest.FixtureRequest, form: FormRef) -> dict[str, object]:
    return {"formKey": form.form_key, "siteName": request.getfixturevalue("write_site").site_name}


def _new_record(request: pytest.FixtureRequest, form: FormRef) -> dict[str, object]:
    subject = request.getfixturevalue("write_subject")
    return {"formKey": form.form_key, "subjectKey": subject.subject_key}


def _scheduled(request: pytest.FixtureRequest, form: FormRef) -> dict[str, object]:
    interval = request.getfixturevalue("interval")
    return {**_new_record(request, form), "intervalName": interval.interval_name}


RECORDS: dict[str, Callable[[pytest.FixtureRequest, FormRef], dict[str, object]]] = {
    "test_register_subject_at_write_site": _register,
    "test_new_record_for_write_subject": _new_record,
    "test_scheduled_record_for_write_subject": _scheduled,
}


@pytest.fixture(scope="module")
def written(
    request: pytest.FixtureRequest, settings: Settings, study_key: str, form: FormRef
) -> dict[str, Ahead[str]]:
    """Each selected test's record, submitted at once and its job COMPLETED: test -> tag.

    The records are built here, in order (fixtures are not thread-safe; a missing site,
    subject or text variable is that test's skip), then submitted together.
    """

    def prepare(name: str) -> Callable[[], str]:
        tag = new_write_tag()
        data = tagged_data(sample_record_data(form), form, study_key, tag)
        record = {**RECORDS[name](request, form), "data": data}

        def submit() -> str:
            submit_and_complete(settings, study_key, record)
            return tag

        return submit

    names = [n for n in selected_tests(request) if n in RECORDS]
    return prepare_then_run(names, prepare, prefix="write")


def test_register_subject_at_write_site(
    written: dict[str, Ahead[str]],
    sdk: ImednetSDK,
    study_key: str,
    form: FormRef,
    write_site: SiteRef,
) -> None:
    write_tag = written["test_register_subject_at_write_site"].result()
    variable = text_variable(form, study_key).name

    record = one_tagged_record(sdk, study_key, variable, write_tag)
    assert record.form_key == form.form_key
    assert record.site_id == write_site.site_id
    assert record.subject_key, "a registration must create a subject"
    registered = sdk_compat.items(sdk.subjects.list(study_key, subject_key=record.subject_key))
    assert [s.site_name for s in registered] == [write_site.site_name], (
        f"subject {record.subject_key} is not listed at {write_site.site_name}: {registered!r}"
    )


def test_new_record_for_write_subject(
    written: dict[str, Ahead[str]],
    sdk: ImednetSDK,
    study_key: str,
    form: FormRef,
    write_subject: SubjectRef,
) -> None:
    write_tag = written["test_new_record_for_write_subject"].result()
    variable = text_variable(form, study_key).name

    record = one_tagged_record(sdk, study_key, variable, write_tag)
    assert (record.subject_key, record.form_key) == (write_subject.subject_key, form.form_key)
    subject_records = sdk.records.list(study_key, subject_key=write_subject.subject_key)
    assert record.record_id in {r.record_id for r in subject_records}


def test_scheduled_record_for_write_subject(
    written: dict[str, Ahead[str]],
    sdk: ImednetSDK,
    study_key: str,
    form: FormRef,
    write_subject: SubjectRef,
    interval: IntervalRef,
) -> None:
    write_tag = written["test_scheduled_record_for_write_subject"].result()
    variable = text_variable(form, study_key).name

    record = one_tagged_record(sdk, study_key, variable, write_tag)
    assert (record.subject_key, record.form_key) == (write_subject.subject_key, form.form_key)
    assert record.interval_id == interval.interval_id, (
        f"scheduled record landed in interval {record.interval_id}, not {interval.interval_id}"
    )
