"""Record against a sandbox, stop it, replay offline: same answers, misses named, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from recording_support import KEY, as_recorded, list_everything, record

from imednet_live import sandbox
from imednet_live.recording import cassettes
from imednet_live.recording.cassettes import ReplayMiss
from imednet_live.recording.layout import (
    MANIFEST,
    RECORDING_DIR_NAME,
    RecordingError,
    find_recordings,
)
from imednet_live.recording.scrub import Scrubber


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    reports = tmp_path_factory.mktemp("reports")
    with sandbox.running() as sb:
        _, answers = record(reports, "live-readonly-core", sb, list_everything)
    return reports, answers


def test_the_recording_holds_no_credential_and_no_email(recorded: tuple[Path, object]) -> None:
    reports, _ = recorded
    text = "".join(p.read_text() for p in reports.rglob("*.json"))
    assert "sandbox-api-key" not in text
    assert "sandbox-security-key" not in text
    assert "x-api-key" not in text.lower()
    assert "@" not in text


def test_replay_answers_as_recorded_with_the_server_gone(
    recorded: tuple[Path, dict[str, object]],
) -> None:
    reports, answers = recorded
    from imednet import ImednetSDK

    with cassettes.replaying(find_recordings(reports), Scrubber(key=KEY)):
        sdk = ImednetSDK(api_key="replay", security_key="replay", base_url="https://replay.invalid")
        with sdk:
            assert list_everything(sdk) == as_recorded(answers)
            miss = r"^replay: the recording has no response for GET /api/v1/edc/studies/NOPE/"
            with pytest.raises(ReplayMiss, match=miss + r"sites\?page=0&size=100$"):
                sdk.sites.list("NOPE")


def test_bad_recording_directories_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(RecordingError, match="does not exist"):
        find_recordings(tmp_path / "missing")
    with pytest.raises(RecordingError, match="holds no recorded traffic"):
        find_recordings(tmp_path)
    old = tmp_path / "smoke" / RECORDING_DIR_NAME
    old.mkdir(parents=True)
    (old / MANIFEST).write_text(json.dumps({"format_version": 0}))
    with pytest.raises(RecordingError) as excinfo:
        find_recordings(tmp_path)
    assert "is recording format 0, expected 1" in str(excinfo.value)
    assert "\n" not in str(excinfo.value)
