"""The charter's eligibility table, evaluated on the SDK's own model objects (no server)."""

from __future__ import annotations

import pytest
from imednet.models.forms import Form
from imednet.models.intervals import Interval
from imednet.models.sites import Site
from imednet.models.subjects import Subject

from imednet_live.discovery import rules as discovery
from imednet_live.discovery.rules import (
    WRITABLE_SITE_STATUSES,
    WRITABLE_SUBJECT_STATUSES,
    is_eligible_form,
    is_eligible_interval,
    is_writable_site,
    is_writable_subject,
    normalise_status,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Enrollment Open", "enrollment_open"),
        ("enrollment_open", "enrollment_open"),
        ("ENROLLMENT-OPEN", "enrollment_open"),
        ("  Enrollment   Open ", "enrollment_open"),
        ("Enrollment - Open", "enrollment_open"),
        ("ACTIVE", "active"),
        ("Inactive", "inactive"),
        ("", ""),
    ],
)
def test_normalise_status_folds_case_and_separators_only(raw, expected):
    assert normalise_status(raw) == expected


def test_vocabularies_are_frozensets_of_normalised_words():
    for vocabulary in (WRITABLE_SITE_STATUSES, WRITABLE_SUBJECT_STATUSES):
        assert isinstance(vocabulary, frozenset)
        assert all(normalise_status(word) == word for word in vocabulary)


@pytest.mark.parametrize(
    "status",
    ["Active", "ACTIVE", "active", " Active ", "Enrollment Open", "enrollment_open",
     "ENROLLMENT-OPEN", "Enrollment_Open", "enrollment open"],
)  # fmt: skip
def test_site_with_active_or_enrollment_open_status_is_writable(status):
    assert is_writable_site(Site(siteEnrollmentStatus=status))


@pytest.mark.parametrize(
    "status",
    ["Inactive", "INACTIVE", "Deactivated", "Enrollment Closed", "Enrollment", "Open",
     "Not Active", "active-pending", "Reactivated", ""],
)  # fmt: skip
def test_site_status_is_never_matched_by_substring(status):
    assert not is_writable_site(Site(siteEnrollmentStatus=status))


@pytest.mark.parametrize(
    "status",
    ["Active", "ACTIVE", "Registered", "registered", "Baseline", "BASELINE", "Enrolled",
     "enrolled", " Enrolled "],
)  # fmt: skip
def test_subject_with_charter_status_is_writable(status):
    assert is_writable_subject(Subject(subjectStatus=status))


@pytest.mark.parametrize(
    "status",
    ["Inactive", "Deactivated", "Screened", "Unregistered", "Pre-Enrolled", "Not Enrolled",
     "Screen Failed", "Completed", ""],
)  # fmt: skip
def test_subject_with_other_status_is_not_writable(status):
    assert not is_writable_subject(Subject(subjectStatus=status))


def test_deleted_subject_is_never_writable_even_when_enrolled():
    assert not is_writable_subject(Subject(subjectStatus="Enrolled", deleted=True))


@pytest.mark.parametrize(
    ("subject_record_report", "disabled", "eligible"),
    [(True, False, True), (True, True, False), (False, False, False), (False, True, False)],
)
def test_form_needs_srr_and_not_disabled(subject_record_report, disabled, eligible):
    form = Form(subjectRecordReport=subject_record_report, disabled=disabled)
    assert is_eligible_form(form) is eligible


def test_form_flags_are_read_from_the_api_spelling():
    """The SDK coerces "true"/"false" strings; eligibility must follow the parsed model."""
    assert is_eligible_form(Form.from_json({"subjectRecordReport": "true", "disabled": "false"}))
    assert not is_eligible_form(Form.from_json({"subjectRecordReport": "true", "disabled": "true"}))


@pytest.mark.parametrize(("disabled", "eligible"), [(False, True), (True, False)])
def test_interval_must_not_be_disabled(disabled, eligible):
    assert is_eligible_interval(Interval(disabled=disabled)) is eligible


def test_published_sdk_discovery_would_reject_enrollment_open():
    """Why this module exists: the SDK compares ``.lower() == "active"``."""
    status = "Enrollment Open"
    assert status.lower() != "active"
    assert is_writable_site(Site(siteEnrollmentStatus=status))
    assert discovery.normalise_status(status) in WRITABLE_SITE_STATUSES
