"""Subject dates move by a per-subject, per-run offset; their format and intervals are kept."""

from __future__ import annotations

import json
from datetime import date

import pytest

from imednet_live.recording.dates import parse_day, shift
from imednet_live.recording.scrub import Scrubber


@pytest.mark.parametrize(
    "text",
    ["2024-03-05", "2024-03-05 10:11:12", "2024-03-05 10:11:12.123456", "2024-03-05 10:11:12.1",
     "2024-03-05T10:11:12Z", "2024-03-05T10:11:12.5+02:00", "2024-03-05T10:11"],
)  # fmt: skip
def test_the_format_is_kept_exactly(text: str) -> None:
    moved = shift(text, 40)
    assert moved is not None
    assert moved[:10] == "2024-04-14"
    assert moved[10:] == text[10:]


@pytest.mark.parametrize("text", ["", "05/03/2024", "2024-13-01", "2024-03-05 junk", "today"])
def test_anything_else_is_not_a_date(text: str) -> None:
    assert shift(text, 3) is None


def subject_body(key: str, enrolled: str, created: str) -> str:
    return json.dumps({"data": [{"subjectKey": key, "enrollmentStartDate": enrolled,
                                 "dateCreated": created, "dateModified": "",
                                 "keywords": [{"dateAdded": None}]}]})  # fmt: skip


def test_one_subjects_intervals_hold_across_resources() -> None:
    scrubber = Scrubber(key=b"run-key")
    raw = scrubber.body(subject_body("P-1", "2024-01-10", "2024-01-01"), "subjects")
    subject = json.loads(raw or "")["data"][0]
    visits = {"data": [{"subjectKey": "P-1", "visitDate": "2024-02-09 08:00:00",
                        "startDate": "2024-02-01T00:00:00Z"}]}  # fmt: skip
    visit = json.loads(scrubber.body(json.dumps(visits), "visits") or "")["data"][0]
    enrolled = parse_day(subject["enrollmentStartDate"])
    created = parse_day(subject["dateCreated"])
    visited = parse_day(visit["visitDate"])
    assert enrolled is not None
    assert created is not None
    assert visited is not None
    assert enrolled != date(2024, 1, 10)
    assert (enrolled - created).days == 9
    assert (visited - enrolled).days == 30
    assert visit["visitDate"].endswith(" 08:00:00")
    assert visit["startDate"].endswith("T00:00:00Z")
    assert subject["dateModified"] == ""
    assert subject["keywords"] == [{"dateAdded": None}]


def test_two_subjects_shift_differently_and_the_key_decides() -> None:
    scrubber = Scrubber(key=b"run-key")
    offsets = {scrubber.offset_days(scrubber.pseudonym("subj", f"P-{n}")) for n in range(20)}
    assert len(offsets) > 10  # subjects do not share one offset
    assert 0 not in offsets
    assert all(-365 <= d <= 365 for d in offsets)
    one = scrubber.offset_days(scrubber.pseudonym("subj", "P-1"))
    other_run = Scrubber(key=b"another-run")
    shifted = [
        Scrubber(key=b"run-key").offset_days(scrubber.pseudonym("subj", "P-1")) for _ in "ab"
    ]
    assert shifted == [one, one]  # the same run: the same offset in every process
    keys = [f"P-{n}" for n in range(8)]
    this = [scrubber.offset_days(scrubber.pseudonym("subj", k)) for k in keys]
    assert [other_run.offset_days(other_run.pseudonym("subj", k)) for k in keys] != this


def test_a_replayed_request_matches_the_recorded_one_under_another_run_key() -> None:
    """Record and replay are separate runs with separate keys (.ci/run): the request a
    replay builds from pseudonymised responses scrubs to the recorded body. Its dates are
    the harness's own synthetic record data, kept as written; a response's are shifted."""
    recording, replaying = Scrubber(key=b"record-run"), Scrubber(key=b"replay-run")
    pseudonym = recording.pseudonym("subj", "P-1")
    recorded = [{"subjectKey": "P-1", "formKey": "F", "data": {"DAT": "2024-01-01"}}]
    replayed = [{"subjectKey": pseudonym, "formKey": "F", "data": {"DAT": "2024-01-01"}}]
    first = recording.body(json.dumps(recorded), "records", request=True)
    assert first == replaying.body(json.dumps(replayed), "records", request=True)
    assert "P-1" not in str(first)
    assert "2024-01-01" in str(first)
    response = {"data": [{"subjectKey": "P-1", "dateCreated": "2024-01-01 10:00:00"}]}
    assert "2024-01-01" not in str(recording.body(json.dumps(response), "records"))
