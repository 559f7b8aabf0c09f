"""The Discovery value: accessors, the entity-naming absence errors, JSON round trip."""

from __future__ import annotations

import json

import pytest

from imednet_live.discovery.rules import (
    Discovery,
    FormRef,
    IntervalRef,
    NoEligibleEntityError,
    NoLiveDataError,
    SiteRef,
    SubjectRef,
    VariableRef,
)

FORM = FormRef("AE", 7, (VariableRef("AETERM", "text"), VariableRef("AESEV", "radio")))
READ_SITE = SiteRef(1, "Boston", "Inactive")
WRITE_SITE = SiteRef(2, "Minneapolis", "Enrollment Open")
READ_SUBJECT = SubjectRef("01-001", 10, 1, "Boston", "Screened")
WRITE_SUBJECT = SubjectRef("01-002", 11, 2, "Minneapolis", "Enrolled")
INTERVAL = IntervalRef(5, "Baseline")

FULL = Discovery(
    study_key="ABC123",
    form_ref=FORM,
    read_site=READ_SITE,
    write_site=WRITE_SITE,
    read_subject=READ_SUBJECT,
    write_subject=WRITE_SUBJECT,
    interval_ref=INTERVAL,
)


def test_accessors_return_the_discovered_references():
    assert FULL.study() == "ABC123"
    assert FULL.form() == FORM
    assert FULL.site() == READ_SITE
    assert FULL.site(for_write=True) == WRITE_SITE
    assert FULL.subject() == READ_SUBJECT
    assert FULL.subject(for_write=True) == WRITE_SUBJECT
    assert FULL.interval() == INTERVAL


def test_no_study_is_no_live_data_for_every_accessor():
    empty = Discovery(study_key=None)
    for accessor in (
        empty.study,
        empty.form,
        empty.site,
        empty.subject,
        empty.interval,
        lambda: empty.site(for_write=True),
    ):
        with pytest.raises(NoLiveDataError) as caught:
            accessor()
        assert str(caught.value) == "No studies available to these credentials"
        assert caught.value.entity == "studies"
        assert caught.value.study_key is None


def test_no_eligible_form_is_no_live_data_naming_the_study():
    with pytest.raises(NoLiveDataError) as caught:
        Discovery(study_key="ABC123").form()
    assert str(caught.value) == "No eligible subject-record forms for study ABC123"
    assert caught.value.study_key == "ABC123"


@pytest.mark.parametrize(
    ("call", "message", "entity"),
    [
        (lambda d: d.site(), "No sites for study ABC123", "sites"),
        (lambda d: d.site(for_write=True), "No active sites for study ABC123", "active sites"),
        (lambda d: d.subject(), "No subjects for study ABC123", "subjects"),
        (
            lambda d: d.subject(for_write=True),
            "No active subjects for study ABC123",
            "active subjects",
        ),
        (
            lambda d: d.interval(),
            "No non-disabled intervals for study ABC123",
            "non-disabled intervals",
        ),
    ],
)
def test_absence_names_entity_and_study_and_nothing_else(call, message, entity):
    with pytest.raises(NoEligibleEntityError) as caught:
        call(Discovery(study_key="ABC123", form_ref=FORM))
    assert not isinstance(caught.value, NoLiveDataError)
    assert str(caught.value) == message
    assert caught.value.entity == entity
    assert caught.value.study_key == "ABC123"
    assert "credential" not in str(caught.value).lower()
    assert "key" not in str(caught.value).lower()


def test_errors_are_lookup_errors_so_callers_can_catch_absence_broadly():
    assert issubclass(NoLiveDataError, NoEligibleEntityError)
    assert issubclass(NoEligibleEntityError, LookupError)


def test_read_entities_without_write_entities_still_serve_reads():
    reads_only = Discovery(study_key="S", form_ref=FORM, read_site=READ_SITE)
    assert reads_only.site() == READ_SITE
    with pytest.raises(NoEligibleEntityError, match="No active sites for study S"):
        reads_only.site(for_write=True)


@pytest.mark.parametrize("value", [FULL, Discovery(study_key=None), Discovery(study_key="X")])
def test_json_round_trip_is_lossless(value):
    text = value.to_json()
    json.loads(text)  # plain JSON, readable by any process
    assert Discovery.from_json(text) == value


def test_from_json_rejects_an_unknown_format():
    raw = json.loads(FULL.to_json())
    raw["format"] = 999
    with pytest.raises(ValueError, match="unknown format"):
        Discovery.from_json(json.dumps(raw))


def test_discovery_is_immutable():
    with pytest.raises(AttributeError):
        FULL.study_key = "OTHER"  # type: ignore[misc]
