"""The leak scan finds a planted secret or e-mail, names it without its value, deletes the file."""

from __future__ import annotations

import json
from pathlib import Path

from imednet_live.recording.known_values import Personal
from imednet_live.recording.leak_scan import scan_and_purge, scrub_files


def test_a_planted_secret_fails_the_scan_and_the_file_is_deleted(tmp_path: Path) -> None:
    clean = tmp_path / "gw0-1.cassette.json"
    clean.write_text('{"interactions": []}')
    planted = tmp_path / "gw1-2.cassette.json"
    planted.write_text('{"x": "the-real-security-key"}')
    leaks = scan_and_purge(tmp_path, ["the-real-api-key", "the-real-security-key"])
    assert [(leak.path, leak.what) for leak in leaks] == [(planted, "configured secret #2")]
    assert "the-real" not in str(leaks[0])
    assert not planted.exists()
    assert clean.exists()


def test_an_email_address_fails_the_scan(tmp_path: Path) -> None:
    planted = tmp_path / "main-1.cassette.json"
    planted.write_text('{"note": "mail j.doe@site.example.org"}')
    assert [leak.what for leak in scan_and_purge(tmp_path, [])] == ["e-mail address"]
    assert not planted.exists()


def test_a_known_personal_value_fails_the_scan_naming_the_field_not_the_value(
    tmp_path: Path,
) -> None:
    seen = {"Jane Q. Roe-Smith": Personal("Query.description", "[description]")}
    junit = tmp_path / "junit.xml"
    junit.write_text('<failure message="saw Jane Q. Roe-Smith"/>')
    outcomes = tmp_path / "outcomes.json"
    outcomes.write_text(json.dumps({"message": "Jane Q. Roe-Smith \u00e9"}, ensure_ascii=True))
    clean = tmp_path / "sdk.log"
    clean.write_text("nothing personal")
    leaks = scan_and_purge(tmp_path, [], seen, emails=False)
    assert [(leak.path.name, leak.what) for leak in leaks] == [
        ("junit.xml", "personal value of field Query.description"),
        ("outcomes.json", "personal value of field Query.description"),
    ]
    assert all("Jane" not in str(leak) for leak in leaks)
    assert clean.exists()
    assert not junit.exists()


def test_artifacts_are_rewritten_with_the_runs_pseudonyms(tmp_path: Path) -> None:
    seen = {"SUBJ-0042": Personal("Subject.subjectKey", "subj-0123456789")}
    report = tmp_path / "warnings.log"
    report.write_text("subject SUBJ-0042 enrolled datetime.date(2023, 5, 6) and 2023-05-06")
    assert scrub_files(tmp_path, seen, {"2023-05-06": "2023-07-01"}) == 1
    assert report.read_text() == (
        "subject subj-0123456789 enrolled datetime.date(2023, 7, 1) and 2023-07-01"
    )
    assert scan_and_purge(tmp_path, [], seen) == []
