"""The leak scan finds a planted secret or e-mail, names it without its value, deletes the file."""

from __future__ import annotations

from pathlib import Path

from imednet_live.recording.leak_scan import scan_and_purge


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
