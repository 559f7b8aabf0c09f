"""Scenarios: named variations of the seed data and of job/fault behaviour, chosen at start."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from imednet_live.fault_rules import FaultRule
from imednet_live.sandbox import seed
from imednet_live.sandbox.seed import StudyData


class JobOutcome(str, Enum):
    COMPLETE = "complete"  # created -> PROCESSING -> COMPLETED (or FAILED on a bad item)
    STUCK = "stuck"  # never leaves PROCESSING
    FAIL = "fail"  # always ends FAILED with a reason


@dataclass(frozen=True)
class Scenario:
    """One scenario; ``name``, ``description`` and ``observation`` feed the docs and ``--help``."""

    name: str
    description: str
    transform: Callable[[list[StudyData]], list[StudyData]] = lambda studies: studies
    job_outcome: JobOutcome = JobOutcome.COMPLETE
    flaky: bool = False
    # The row of ../shared/imednet-api/REAL-API-OBSERVATIONS.md it reproduces (e.g. "W3").
    observation: str | None = None
    fault_rules: tuple[FaultRule, ...] = ()  # persistent faults (fault_rules.py)


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


# R2 (persistent 500s on one resource family, responses slower than the client timeout on
# another): records fail during writes and exports; queries outlast the SDK's 30 s timeout.
UNSTABLE_DELAY_S = 35.0
UNSTABLE_RULES = (
    FaultRule("*", "/api/v1/edc/studies/*/records", 500),
    FaultRule("GET", "/api/v1/edc/studies/*/queries", 504, delay_s=UNSTABLE_DELAY_S),
)

# What a study has before anyone entered data; structure, sites and subjects stay.
_DATA_RESOURCES = ("records", "visits", "queries", "codings", "recordRevisions")


def _sparse(studies: list[StudyData]) -> list[StudyData]:
    """A new study: structure, sites and subjects, no data; its eligible forms in no interval.

    Unscheduled subject-record forms are normal, so the study structure must be read
    from wherever forms hang, not from the intervals alone.
    """
    for study in studies:
        res = study.resources
        for name in _DATA_RESOURCES:
            res[name] = []
        unscheduled = {
            f["formId"] for f in res["forms"] if f["subjectRecordReport"] and not f["disabled"]
        }
        for interval in res["intervals"]:
            interval["forms"] = [f for f in interval["forms"] if f["formId"] not in unscheduled]
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
        Scenario(
            "sparse",
            "forms, variables, sites, subjects and intervals, but no records, visits, queries, "
            "codings, record revisions or jobs; the eligible form hangs in no interval",
            transform=_sparse,
        ),
        Scenario(
            "stuck-jobs",
            "jobs never leave PROCESSING and are never applied",
            job_outcome=JobOutcome.STUCK,
            observation="W9",
        ),
        Scenario(
            "failing-jobs", "every job ends FAILED with a reason", job_outcome=JobOutcome.FAIL
        ),
        Scenario(
            "flaky",
            "a quarter of requests fail their first attempt with 503 or 429; retries pass",
            flaky=True,
            observation="R2",
        ),
        Scenario(
            "unstable",
            "records always answer 500; queries answer 504 after "
            f"{UNSTABLE_DELAY_S:g} s, beyond the SDK's 30 s timeout",
            fault_rules=UNSTABLE_RULES,
            observation="R2",
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


def build_studies(scenario: Scenario, subjects: int | None = None) -> list[StudyData]:
    return scenario.transform(seed.build(subjects))
