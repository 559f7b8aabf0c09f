"""Read-only workflows, checked against the plain endpoints they are built on."""

from __future__ import annotations

import pytest
from imednet import AsyncImednetSDK, ImednetSDK
from imednet.models import Query, Record, RecordRevision, StudyStructure
from live_checks import assert_snapshot, run_async

from imednet_live import sdk_compat
from imednet_live.discovery import FormRef, SiteRef, SubjectRef
from imednet_live.skips import first_or_skip


def _subject_record_ids(sdk: ImednetSDK, study_key: str, subject_key: str) -> list[int]:
    return [r.record_id for r in sdk.records.list(study_key, subject_key=subject_key)]


@pytest.mark.resource("workflows.data_extraction")
def test_extract_records_by_form(sdk: ImednetSDK, study_key: str, form: FormRef) -> None:
    def on_form() -> list[int]:
        return [r.record_id for r in sdk.records.list(study_key) if r.form_key == form.form_key]

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
    sdk: ImednetSDK, study_key: str, read_subject: SubjectRef
) -> None:
    """Subject criteria are applied client-side by the workflow; the result must honour them."""

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
    def revision_ids() -> list[int]:
        return [r.record_revision_id for r in sdk.record_revisions.list(study_key)]

    before = revision_ids()
    first_or_skip(before, "record revisions", study_key)
    trail = sdk.workflows.data_extraction.extract_audit_trail(study_key)
    assert all(isinstance(r, RecordRevision) for r in trail)
    assert_snapshot((r.record_revision_id for r in trail), before, revision_ids(), "audit trail")
    record_ids = {r.record_id for r in sdk.records.list(study_key)}
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
    queries = sdk.queries.list(study_key)
    first_or_skip(queries, "queries", study_key)
    workflow = sdk.workflows.query_management
    counts = workflow.get_query_state_counts(study_key)
    assert set(counts) == {"open", "closed", "unknown"}
    assert sum(counts.values()) == len(queries)

    open_queries = workflow.get_open_queries(study_key)
    assert len(open_queries) == counts["open"]
    for query in open_queries:
        assert isinstance(query, Query)
        latest = max(query.query_comments, key=lambda c: c.sequence)
        assert not latest.closed, (
            f"query {query.annotation_id} reported open but its latest comment is closed"
        )


@pytest.mark.resource("workflows.query_management")
def test_queries_by_site(sdk: ImednetSDK, study_key: str, read_site: SiteRef) -> None:
    site_subjects = {
        s.subject_key for s in sdk.subjects.list(study_key, site_name=read_site.site_name)
    }
    found = sdk.workflows.query_management.get_queries_by_site(study_key, read_site.site_name)
    strays = {q.subject_key for q in found} - site_subjects
    assert not strays, f"queries of subjects outside {read_site.site_name}: {strays}"
    expected = [q for q in sdk.queries.list(study_key) if q.subject_key in site_subjects]
    assert sorted(q.annotation_id for q in found) == sorted(q.annotation_id for q in expected)


def _check_structure(structure: StudyStructure, study_key: str, form: FormRef) -> None:
    assert isinstance(structure, StudyStructure)
    assert structure.study_key == study_key
    first_or_skip(structure.intervals, "intervals", study_key)
    forms = {f.form_key: f for i in structure.intervals for f in i.forms}
    assert form.form_key in forms, (
        f"structure lacks the discovered form {form.form_key}: {sorted(forms)}"
    )
    names = {v.variable_name for v in forms[form.form_key].variables}
    missing = {v.name for v in form.variables} - names
    assert not missing, f"structure of {form.form_key} lacks variables {missing}"


@pytest.mark.resource("workflows.study_structure")
def test_study_structure(sdk: ImednetSDK, study_key: str, form: FormRef) -> None:
    workflows = sdk_compat.workflow_module("study_structure")
    _check_structure(workflows.get_study_structure(sdk, study_key), study_key, form)


@pytest.mark.resource("workflows.study_structure")
def test_async_study_structure(async_sdk: AsyncImednetSDK, study_key: str, form: FormRef) -> None:
    workflows = sdk_compat.workflow_module("study_structure")
    structure = run_async(async_sdk, workflows.async_get_study_structure(async_sdk, study_key))
    _check_structure(structure, study_key, form)
