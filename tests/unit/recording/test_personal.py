"""A live process learns the personal values it sees; its texts and its dump carry pseudonyms."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from imednet_live.recording import personal

SUBJECTS = {"data": [{"subjectKey": "PAT-7781", "enrollmentStartDate": "2019-04-02",
                      "subjectStatus": "Enrolled", "siteName": "Site A"}]}  # fmt: skip


@pytest.fixture
def live(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {"IMEDNET_LIVE_TARGET_KIND": "live", "IMEDNET_LIVE_RECORD_KEY": "k" * 64,
           "IMEDNET_LIVE_PERSONAL_DIR": str(tmp_path)}  # fmt: skip
    assert personal.start(env)
    yield env
    personal.stop()


def serve(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=SUBJECTS)


def test_values_seen_in_responses_are_pseudonymised_in_any_text(live: dict[str, str]) -> None:
    with httpx.Client(transport=httpx.MockTransport(serve)) as client:
        client.get("https://h.example/api/v1/edc/studies/S/subjects")
    text = personal.scrub_text("got Subject(subject_key='PAT-7781', status='Enrolled', "
                               "enrolled=datetime.datetime(2019, 4, 2, 0, 0))")  # fmt: skip
    assert "PAT-7781" not in text
    assert "subj-" in text
    assert "2019, 4, 2" not in text
    assert "Enrolled" in text  # allowlisted values stay readable
    path = personal.dump(live)
    assert path is not None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    seen = personal.load(path.parent)
    assert seen.personal["PAT-7781"].field == "subjectKey"
    assert "Site A" not in seen.personal
    assert json.loads(path.read_text())["dates"] == {"2019-04-02": seen.dates["2019-04-02"]}


def test_nothing_is_watched_off_a_live_target_or_when_the_operator_keeps_personal_data() -> None:
    assert not personal.start({"IMEDNET_LIVE_TARGET_KIND": "sandbox"})
    keep = {"IMEDNET_LIVE_TARGET_KIND": "live", "IMEDNET_LIVE_KEEP_PERSONAL": "1"}
    assert not personal.start(keep)
    assert personal.scrub_text("PAT-7781") == "PAT-7781"
