"""Discovery reads pages only until it finds what it needs: its cost ignores the study size."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from discovery_support import Audit, sdk_for, settings_for

from imednet_live import sandbox
from imednet_live.discovery.pages import PAGE_SIZE
from imednet_live.discovery.rules import discover
from imednet_live.sandbox import SandboxHandle, seed
from imednet_live.sandbox.scenarios import SCENARIOS, Scenario
from imednet_live.sandbox.seed import StudyData

PAGES = 5
WRITABLE_INDEX = 2 * PAGE_SIZE + PAGE_SIZE // 2  # on page 3 of 5


def _late_writable(studies: list[StudyData]) -> list[StudyData]:
    """Only one subject of the first study accepts writes, half-way down its third page."""
    subjects = studies[0].resources["subjects"]
    for i, subject in enumerate(subjects):
        subject["subjectStatus"] = "Enrolled" if i == WRITABLE_INDEX else "Screened"
        subject["deleted"] = False
    return studies


@pytest.fixture(scope="module")
def late_sb() -> Iterator[SandboxHandle]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(
            SCENARIOS,
            "late-writable",
            Scenario("late-writable", "test only", transform=_late_writable),
        )
        with sandbox.running(scenario="late-writable", subjects=PAGES * PAGE_SIZE) as sb:
            yield sb


def test_eligible_subject_on_page_3_of_5_costs_3_requests(late_sb: SandboxHandle) -> None:
    audit = Audit(late_sb)
    audit.mark()
    with sdk_for(late_sb) as sdk:
        found = discover(sdk, settings_for(late_sb))
    subject_pages = [call for call in audit.since_mark() if call == ("GET", "subjects")]
    assert len(subject_pages) == 3
    assert found.subject().subject_id == seed.SUBJECT_SCREENED[0]  # reads: the first listed
    assert found.subject(for_write=True).subject_id == WRITABLE_INDEX + 1


def test_first_page_suffices_when_it_holds_every_pick(late_sb: SandboxHandle) -> None:
    audit = Audit(late_sb)
    audit.mark()
    with sdk_for(late_sb) as sdk:
        discover(sdk, settings_for(late_sb))
    calls = audit.since_mark()
    for resource in ("studies", "forms", "sites", "intervals"):
        assert calls.count(("GET", resource)) == 1, resource
