"""The output boundary's parts, in-process: what it replaces, what it keeps, how it fails."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from imednet_live.recording import boundary, personal, pytest_hooks

STUDY = "https://h.example/api/v1/edc/studies/S"
# "Week 1" is an interval's name (study structure, kept) and also a free-text record value.
BODIES: dict[str, Any] = {
    "intervals": {"data": [{"intervalName": "Week 1", "intervalId": 3}]},
    "variables": {"data": [{"variableName": "NOTE", "variableType": "text"}]},
    "records": {"data": [{"subjectKey": "PAT-5521", "recordId": 9,
                          "recordData": {"NOTE": "Week 1"}},
                         {"subjectKey": "PAT-5521", "recordId": 10,
                          "recordData": {"NOTE": "Mrs Quennell, Elm Row"}}]},
}  # fmt: skip


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    env = {"IMEDNET_LIVE_TARGET_KIND": "live", "IMEDNET_LIVE_RECORD_KEY": "k" * 64,
           "IMEDNET_LIVE_PERSONAL_DIR": str(tmp_path / "personal"),
           "IMEDNET_LIVE_REPORT_DIR": str(tmp_path / "reports")}  # fmt: skip
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("IMEDNET_LIVE_KEEP_PERSONAL", raising=False)
    (tmp_path / "personal").mkdir()
    (tmp_path / "reports").mkdir()
    assert personal.start(env)
    with httpx.Client(transport=httpx.MockTransport(serve)) as client:
        for resource in BODIES:
            client.get(f"{STUDY}/{resource}")
    yield env
    personal.stop()


def serve(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=BODIES[request.url.path.rsplit("/", 1)[-1]])


def test_a_study_word_in_a_free_text_field_does_not_blank_unrelated_text(live: object) -> None:
    text = boundary.scrub("interval Week 1 of PAT-5521: 'Mrs Quennell, Elm Row'")
    assert text.startswith("interval Week 1 of subj-")
    assert "PAT-5521" not in text
    assert "Mrs Quennell" not in text


def test_the_streams_scrub_whole_lines_even_when_written_in_pieces(live: object) -> None:
    out = io.StringIO()
    stream = boundary.ScrubbingStream(out, ("sekrit-key-123",))
    stream.write("subject PAT-")
    stream.write("5521 with sekrit-key-123\nnext ")
    assert "PAT-5521" not in out.getvalue()
    assert "sekrit-key-123" not in out.getvalue()
    stream.write("line")
    stream.flush()
    assert out.getvalue().endswith("next line")


@pytest.mark.parametrize("cut_at", [3, 5, 7])
def test_a_value_a_repr_cut_in_two_loses_both_pieces(live: object, cut_at: int) -> None:
    from _pytest._io.saferepr import saferepr  # the cut pytest makes (tests may use it)

    assert boundary.scrub("PAT-5521") != "PAT-5521"  # the fixture's run has seen it
    head = "x" * (58 - len("{'k': '") - cut_at)
    cut = saferepr({"k": head + "PAT-5521" + "y" * 200}, maxsize=120)
    assert "..." in cut
    assert "PAT-5521"[:cut_at] in cut  # pytest cut inside the value
    scrubbed = boundary.scrub(cut)
    assert "PAT-5521"[:cut_at] not in scrubbed
    assert scrubbed.startswith("{'k': 'xxx")
    assert scrubbed.endswith("yyy'}")


def test_a_cut_piece_of_no_known_value_is_kept(live: object) -> None:
    assert boundary.scrub("{'k': 'ordinary te...xt'}") == "{'k': 'ordinary te...xt'}"
    assert boundary.scrub("....... [ 18%]") == "....... [ 18%]"


def test_the_controller_absorbs_what_its_workers_left(live: dict[str, str]) -> None:
    folder = Path(live["IMEDNET_LIVE_PERSONAL_DIR"])
    (folder / "gw0-1.json").write_text(
        '{"personal": {"PAT-9090": ["subjectKey", "subj-0123456789"]}, "dates": {}}'
    )
    assert boundary.scrub("PAT-9090") == "PAT-9090"
    assert personal.absorb(live) == 1
    assert boundary.scrub("PAT-9090") == "subj-0123456789"


def test_an_artifact_that_cannot_be_scrubbed_fails_the_session_naming_it(
    live: dict[str, str],
) -> None:
    reports = Path(live["IMEDNET_LIVE_REPORT_DIR"])
    (reports / "outcomes.json").write_text('{"subject": "PAT-5521"}', encoding="utf-8")
    (reports / "sdk.log").write_bytes(b"\xff\xfe not text")
    session = SimpleNamespace(
        config=SimpleNamespace(
            option=SimpleNamespace(xmlpath=None),
            pluginmanager=SimpleNamespace(get_plugin=lambda _name: None),
        ),
        exitstatus=0,
    )
    pytest_hooks.pytest_sessionfinish_last(session)  # type: ignore[arg-type]
    assert session.exitstatus == pytest.ExitCode.TESTS_FAILED
    assert "PAT-5521" not in (reports / "outcomes.json").read_text(encoding="utf-8")
    _, failures = boundary.scrub_artifacts([reports])
    assert [str(f) for f in failures] == [f"cannot scrub {reports / 'sdk.log'}: not UTF-8 text"]


def test_the_banner_says_whether_the_boundary_is_on() -> None:
    on = boundary.banner_lines({"IMEDNET_LIVE_TARGET_KIND": "live"})
    assert len(on) == 1
    assert "output boundary" in on[0]
    kept = boundary.banner_lines(
        {"IMEDNET_LIVE_TARGET_KIND": "live", "IMEDNET_LIVE_KEEP_PERSONAL": "1"}
    )
    assert "KEPT" in kept[0]
    assert "boundary is off" in kept[0]
    assert boundary.banner_lines({"IMEDNET_LIVE_TARGET_KIND": "sandbox"}) == []
    assert not boundary.wanted({"IMEDNET_LIVE_TARGET_KIND": "live",
                                "IMEDNET_LIVE_KEEP_PERSONAL": "1"})  # fmt: skip


def test_a_registry_that_grows_between_scrubs_is_replaced_whole() -> None:
    from imednet_live.recording.known_values import Personal, replace_known

    registry = {"PAT-0001": Personal("subjectKey", "subj-a"), "884471": Personal("subjectId", "9")}
    assert replace_known("PAT-0001 884471 1884471", registry, {}) == "subj-a 9 1884471"
    # Added after the compile, found one by one: the longer value wins where both start.
    registry["PAT-0001-B"] = Personal("subjectKey", "subj-b")
    registry["Mrs Q, PAT-0001"] = Personal("NOTE", "[text]")
    registry["5512"] = Personal("subjectId", "8")
    text = replace_known("PAT-0001-B, Mrs Q, PAT-0001 5512 PAT-0001", registry, {})
    assert text == "subj-b, [text] 8 subj-a"
    # Enough new beginnings to compile a pattern; then one more, found beside it.
    registry.update({f"n{n:03d} note here": Personal("NOTE", "[text]") for n in range(100)})
    assert replace_known("n042 note here PAT-0001-B", registry, {}) == "[text] subj-b"
    registry["Zed Quennell"] = Personal("lastName", "name-z")
    text = replace_known("n099 note here, Zed Quennell, PAT-0001-B 5512", registry, {})
    assert text == "[text], name-z, subj-b 8"
