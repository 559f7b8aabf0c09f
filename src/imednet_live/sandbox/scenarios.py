"""Scenarios: named variations of the seed data and of job/fault behaviour, chosen at start."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from imednet_live.sandbox import seed
from imednet_live.sandbox.seed import StudyData


class JobOutcome(str, Enum):
    COMPLETE = "complete"  # created -> PROCESSING -> COMPLETED (or FAILED on a bad item)
    STUCK = "stuck"  # never leaves PROCESSING
    FAIL = "fail"  # always ends FAILED with a reason


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    transform: Callable[[list[StudyData]], list[StudyData]] = lambda studies: studies
    job_outcome: JobOutcome = JobOutcome.COMPLETE
    flaky: bool = False


def _no_studies(_studies: list[StudyData]) -> list[StudyData]:
    return []


def _no_eligible_form(studies: list[StudyData]) -> list[StudyData]:
    """Forms remain, but none is subjectRecordReport-and-enabled."""
    for study in studies:
        for form in study.resources["forms"]:
            if form["subjectRecordReport"]:
                form["disabled"] = True
    return studies


def _read_only(studies: list[StudyData]) -> list[StudyData]:
    """Eligible form kept; no open site, no active subject, every interval disabled."""
    for study in studies:
        res = study.resources
        for i, site in enumerate(res["sites"]):
            site["siteEnrollmentStatus"] = "Inactive" if i % 2 == 0 else "Enrollment Closed"
        for i, subject in enumerate(res["subjects"]):
            subject["subjectStatus"] = "Screened" if i % 2 == 0 else "Inactive"
        for interval in res["intervals"]:
            interval["disabled"] = True
    return studies


DRIFT_ADDED_FIELD = "siteRegion"  # on every site
DRIFT_MISSING_FIELD = "intervalGroupName"  # gone from every interval
DRIFT_NEW_STATUS = "Pending Transfer"  # a subject status the default seed never has


def _drift(studies: list[StudyData]) -> list[StudyData]:
    """One added field, one missing field, one changed type, one new enum value."""
    for study in studies:
        study.study["studyId"] = str(study.study["studyId"])  # integer -> string
        res = study.resources
        for site in res["sites"]:
            site[DRIFT_ADDED_FIELD] = "EMEA"
        for interval in res["intervals"]:
            interval.pop(DRIFT_MISSING_FIELD, None)
        if res["subjects"]:
            res["subjects"][-1]["subjectStatus"] = DRIFT_NEW_STATUS
    return studies


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario("default", "the full seed; jobs complete in well under a second"),
        Scenario("empty", "no studies at all", transform=_no_studies),
        Scenario(
            "no-eligible-form",
            "studies and forms, but no enabled subjectRecordReport form",
            transform=_no_eligible_form,
        ),
        Scenario(
            "read-only",
            "an eligible form, but no eligible site, subject or interval for writes",
            transform=_read_only,
        ),
        Scenario("stuck-jobs", "jobs never leave PROCESSING", job_outcome=JobOutcome.STUCK),
        Scenario(
            "failing-jobs", "every job ends FAILED with a reason", job_outcome=JobOutcome.FAIL
        ),
        Scenario(
            "flaky",
            "every 4th request answers 503 or 429 (never twice in a row for the same request)",
            flaky=True,
        ),
        Scenario(
            "drift",
            "default data plus one added field, one missing, one changed type, one new status",
            transform=_drift,
        ),
    )
}


def get_scenario(name: str) -> Scenario:
    try:
        return SCENARIOS[name]
    except KeyError:
        raise ValueError(
            f"unknown scenario {name!r}; choose one of: {', '.join(SCENARIOS)}"
        ) from None


def build_studies(
    scenario: Scenario, subjects: int | None = None, base: list[StudyData] | None = None
) -> list[StudyData]:
    """The scenario applied to ``base`` (e.g. a recording's studies) or to the seed."""
    return scenario.transform(base if base is not None else seed.build(subjects))
