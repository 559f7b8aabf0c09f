"""Read-only workflows, checked against the plain endpoints they are built on.

Workflows that take the SDK's narrowing arguments are called with them (the subject of
the resource's first item); those that read a whole resource are guarded by the study
size limit (``study_size.require_walkable``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from live_checks import assert_snapshot, run_async
from study_size import export_forms, first_item, require_walkable

from imednet_live.charter.skips import first_or_skip
from imednet_live.core.settings import Settings
from imednet_live.discovery.rules import FormRef, SiteRef, SubjectRef
from imednet_live.sdk import compat as sdk_compat

if TYPE_CHECKING:  # the SDK (and pandas with it) is imported by the tests that run
    from imednet import AsyncImednetSDK, ImednetSDK
    from imednet.models import (
        Form,
        Interval,
        StudyStructure,
        Variable,
    )


def _subject_record_ids(sdk: ImednetSDK, study_key: str, subject_key: str) -> list[int]:
    return [r.record_id for r in sdk.records.list(study_key, subject_key=subject_key)]


@pytest.mark.resource("workflows.data_extraction")
def test_extract_records_by_form(sdk: ImednetSDK, settings: Settings, study_key: str) -> None:
    """``record_filter={form_key}`` is a server-side filter: the smallest form with records
    (sized by one-item probes) keeps the read bounded on a study of any size."""
    from imednet.models import Record

    reader = "extract_records_by_criteria(record_filter={form_key})"
    (form,) = export_forms(sdk, settings, study_key, reader)

    def on_form() -> list[int]:
        return [r.record_id for r in sdk.records.list(study_key, form_key=form.form_key)]

    require_walkable(
        sdk,
        settings,
        study_key,
        "records",
        f"records on form {form.form_key}",
        reader,
        filters={"form_key": form.form_key},
    )
    before = on_form()
    first_or_skip(before, f"records on form {form.form_key}", study_key)
    extracted = sdk.workflows.data_extraction.extract_records_by_criteria(
        study_key, record_filter={"form_key": form.form_key}
    )
    assert all(isinstance(r, Record) for r in extracted)
    assert {r.form_key for r in extracted} == {form.form_key}
    assert_snapshot((r.record_id for r in extracted), before, on_form(), "extracted records")


@pytest.mark.resource("workflows.data_extraction")
def test_extract_records_by_subject_criteria(
    sdk: ImednetSDK, settings: Settings, study_key: str, read_subject: SubjectRef
) -> None:
    """Subject criteria are applied client-side by the workflow; the result must honour them.

    The workflow lists every record of the study before filtering, so the size limit holds.
    """
    reader = "extract_records_by_criteria(subject_filter)"
    require_walkable(sdk, settings, study_key, "records", "records", reader)
    before = _subject_record_ids(sdk, study_key, read_subject.subject_key)
    first_or_skip(before, f"records for subject {read_subject.subject_key}", study_key)
    extracted = sdk.workflows.data_extraction.extract_records_by_criteria(
        study_key, subject_filter={"subject_key": read_subject.subject_key}
    )
    assert {r.subject_key for r in extracted} == {read_subject.subject_key}
    assert_snapshot(
        (r.record_id for r in extracted),
        before,
        _subject_record_ids(sdk, study_key, read_subject.subject_key),
        "extracted records",
    )


@pytest.mark.resource("workflows.audit_trail")
def test_audit_trail(sdk: ImednetSDK, study_key: str) -> None:
    """The trail of one subject (its filter is the workflow's own ``**filters``)."""
    from imednet.models import RecordRevision

    anchor = first_item(sdk, study_key, "recordRevisions", RecordRevision, "record revisions")
    subject = {"subject_key": anchor.subject_key}

    def revision_ids() -> list[int]:
        return [r.record_revision_id for r in sdk.record_revisions.list(study_key, **subject)]

    before = revision_ids()
    assert anchor.record_revision_id in before, f"record_revisions.list({subject}) lacks it"
    trail = sdk.workflows.data_extraction.extract_audit_trail(study_key, **subject)
    assert all(isinstance(r, RecordRevision) for r in trail)
    assert {r.subject_key for r in trail} == {anchor.subject_key}
    assert_snapshot((r.record_revision_id for r in trail), before, revision_ids(), "audit trail")
    record_ids = {r.record_id for r in sdk.records.list(study_key, **subject)}
    orphans = {r.record_id for r in trail} - record_ids
    assert not orphans, f"revisions refer to records that records.list does not return: {orphans}"


@pytest.mark.resource("workflows.subject_data")
def test_subject_data(sdk: ImednetSDK, study_key: str, read_subject: SubjectRef) -> None:
    before = _subject_record_ids(sdk, study_key, read_subject.subject_key)
    data = sdk.workflows.subject_data.get_all_subject_data(study_key, read_subject.subject_key)
    assert data.subject_details is not None, f"subject {read_subject.subject_key} not returned"
    assert data.subject_details.subject_key == read_subject.subject_key
    assert data.subject_details.subject_id == read_subject.subject_id
    for kind, items in (
        ("visits", data.visits),
        ("records", data.records),
        ("queries", data.queries),
    ):
        strays = {i.subject_key for i in items} - {read_subject.subject_key}
        assert not strays, f"subject data for {read_subject.subject_key} has {kind} of {strays}"
    assert_snapshot(
        (r.record_id for r in data.records),
        before,
        _subject_record_ids(sdk, study_key, read_subject.subject_key),
        "subject records",
    )


@pytest.mark.resource("workflows.query_management")
def test_query_state_counts_and_open_queries(sdk: ImednetSDK, study_key: str) -> None:
    """Counted for one subject's queries (the workflows pass ``**kwargs`` to queries.list)."""
    from imednet.models import Query

    anchor = first_item(sdk, study_key, "queries", Query, "queries")
    subject = {"subject_key": anchor.subject_key}
    queries = sdk_compat.items(sdk.queries.list(study_key, **subject))
    assert anchor.annotation_id in {q.annotation_id for q in queries}
    workflow = sdk.workflows.query_management
    counts = workflow.get_query_state_counts(study_key, **subject)
    assert set(counts) == {"open", "closed", "unknown"}
    assert sum(counts.values()) == len(queries)

    open_queries = sdk_compat.items(workflow.get_open_queries(study_key, **subject))
    assert len(open_queries) == counts["open"]
    assert {q.subject_key for q in open_queries} <= {anchor.subject_key}
    for query in open_queries:
        assert isinstance(query, Query)
        latest = max(query.query_comments, key=lambda c: c.sequence)
        assert not latest.closed, (
            f"query {query.annotation_id} reported open but its latest comment is closed"
        )


@pytest.mark.resource("workflows.query_management")
def test_queries_by_site(
    sdk: ImednetSDK, settings: Settings, study_key: str, read_site: SiteRef
) -> None:
    """The workflow reads every subject of the site and the test every query: both bounded."""
    site = {"site_name": read_site.site_name}
    entity = f"subjects at site {read_site.site_name}"
    reader = "get_queries_by_site"
    require_walkable(sdk, settings, study_key, "subjects", entity, reader, filters=site)
    require_walkable(sdk, settings, study_key, "queries", "queries", reader)
    site_subjects = {
        s.subject_key for s in sdk.subjects.list(study_key, site_name=read_site.site_name)
    }
    found = sdk.workflows.query_management.get_queries_by_site(study_key, read_site.site_name)
    strays = {q.subject_key for q in found} - site_subjects
    assert not strays, f"queries of subjects outside {read_site.site_name}: {strays}"
    expected = [q for q in sdk.queries.list(study_key) if q.subject_key in site_subjects]
    assert sorted(q.annotation_id for q in found) == sorted(q.annotation_id for q in expected)


def _check_structure(
    structure: StudyStructure, sdk: ImednetSDK, study_key: str, form: FormRef
) -> None:
    """The structure agrees with the interval, form and variable listings, wherever forms hang.

    Unscheduled subject-record forms (in no interval) are normal: the discovered form is
    checked inside the structure when an interval lists it, and must be absent otherwise.
    """
    from imednet.models import StudyStructure

    assert isinstance(structure, StudyStructure)
    assert structure.study_key == study_key
    intervals: list[Interval] = sdk_compat.items(sdk.intervals.list(study_key))
    first_or_skip(intervals, "intervals", study_key)
    known: dict[int, Form] = {f.form_id: f for f in sdk.forms.list(study_key)}
    variables: list[Variable] = sdk_compat.items(sdk.variables.list(study_key))
    listed = {i.interval_id: [f.form_id for f in i.forms if f.form_id in known] for i in intervals}
    built = {i.interval_id: [f.form_id for f in i.forms] for i in structure.intervals}
    assert built == listed, f"structure intervals/forms {built} differ from the listings {listed}"
    for each in (f for i in structure.intervals for f in i.forms):
        names = sorted(v.variable_name for v in each.variables)
        expected = sorted(v.variable_name for v in variables if v.form_id == each.form_id)
        assert names == expected, f"structure of {each.form_key} has variables {names}"
    forms = {f.form_key: f for i in structure.intervals for f in i.forms}
    scheduled = any(form.form_id in ids for ids in listed.values())
    if not scheduled:
        assert form.form_key not in forms, f"{form.form_key} is in no interval, yet structured"
        return
    assert form.form_key in forms, (
        f"structure lacks the discovered form {form.form_key}: {sorted(forms)}"
    )
    names = {v.variable_name for v in forms[form.form_key].variables}
    missing = {v.name for v in form.variables} - names
    assert not missing, f"structure of {form.form_key} lacks variables {missing}"


@pytest.mark.resource("workflows.study_structure")
def test_study_structure(sdk: ImednetSDK, study_key: str, form: FormRef) -> None:
    workflows = sdk_compat.workflow_module("study_structure")
    _check_structure(workflows.get_study_structure(sdk, study_key), sdk, study_key, form)


@pytest.mark.resource("workflows.study_structure")
def test_async_study_structure(
    async_sdk: AsyncImednetSDK, sdk: ImednetSDK, study_key: str, form: FormRef
) -> None:
    workflows = sdk_compat.workflow_module("study_structure")
    structure = run_async(async_sdk, workflows.async_get_study_structure(async_sdk, study_key))
    _check_structure(structure, sdk, study_key, form)
