"""Scenarios: named variations of the seed data and of job/fault behaviour, chosen at start.

Besides the charter's rows, some scenarios reproduce one behaviour the real API was seen to
show (``../shared/imednet-api/REAL-API-OBSERVATIONS.md``; the row is in each description).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from imednet_live.core.api_paths import api_path
from imednet_live.sandbox import seed
from imednet_live.sandbox.fault_rules import FaultRule
from imednet_live.sandbox.seed import StudyData


class JobOutcome(str, Enum):
    COMPLETE = "complete"  # created -> PROCESSING -> COMPLETED (or FAILED on a bad item)
    STUCK = "stuck"  # never leaves PROCESSING
    FAIL = "fail"  # always ends FAILED with a reason


class PostAnswer(str, Enum):
    """How ``POST .../records`` answers once the job exists."""

    JOB = "job"  # 202 {jobId, batchId, state}
    EMPTY_ARRAY = "empty-array"  # 200 [] (W1)
    NO_BATCH_ID = "no-batch-id"  # 202 {jobId, state}, no batchId (W2)
    PROCESSED_THEN_503 = "processed-then-503"  # first POST of a body: applied, answered 503 (W10)


# (canonical state, how many times this job was read) -> the state on the wire.
StateSpelling = Callable[[str, int], "str | None"]


def _as_is(state: str, _reads: int) -> str | None:
    return state


def _success_word(state: str, _reads: int) -> str | None:
    return "SUCCESS" if state == "COMPLETED" else state


def _lower_case(state: str, _reads: int) -> str | None:
    return state.lower()


def _blank(_state: str, reads: int) -> str | None:
    return None if reads % 3 == 2 else ""  # "" on most reads, null on every third


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
    state_spelling: StateSpelling = _as_is
    post_answer: PostAnswer = PostAnswer.JOB
    seed_jobs: bool = True  # one finished job per study, for jobs.list/jobs.get to read
    # Job objects also carry studyKey, recordIds and (FAILED) reason/message: fields no
    # document gives them, which a strict client (SDK main's drift check) rejects.
    job_extras: bool = False


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
    FaultRule("*", api_path("studies", "*", "records"), 500),
    FaultRule("GET", api_path("studies", "*", "queries"), 504, delay_s=UNSTABLE_DELAY_S),
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


_DEV_SITE_STATUSES = {
    "Enrollment Open": "ENROLLMENT_OPEN",
    "Inactive": "READ_ONLY",
    "Enrollment Closed": "READ_ONLY",
}
_DEV_SUBJECT_STATUSES = {"Enrolled": "Registered", "active": "Baseline"}


def _dev_spellings(studies: list[StudyData]) -> list[StudyData]:
    """R1: DEV's spellings of site and subject statuses."""
    for study in studies:
        res = study.resources
        for site in res["sites"]:
            status = site["siteEnrollmentStatus"]
            site["siteEnrollmentStatus"] = _DEV_SITE_STATUSES.get(status, status)
        for subject in res["subjects"]:
            status = subject["subjectStatus"]
            subject["subjectStatus"] = _DEV_SUBJECT_STATUSES.get(status, status)
    return studies


def _wire_quirks(studies: list[StudyData]) -> list[StudyData]:
    """R3/R4: short fractions in date-times, empty dates, string codingIds, booleans as ""."""
    for study in studies:
        res = study.resources
        for n, record in enumerate(res["records"]):
            record["dateCreated"] = f"{record['dateCreated']}.{n % 100:02d}"
            if n % 2:
                record["dateModified"] = ""
            if record.get("deleted") is False:
                record["deleted"] = ""
        for subject in res["subjects"]:
            if subject.get("deleted") is False:
                subject["deleted"] = ""
        for variable in res["variables"]:
            if variable.get("disabled") is False:
                variable["disabled"] = ""
        for n, coding in enumerate(res["codings"], start=1):
            coding["codingId"] = f"C{n}"
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
        Scenario(
            "sparse",
            "forms, variables, sites, subjects and intervals, but no records, visits, queries, "
            "codings, record revisions or jobs; the eligible form hangs in no interval",
            transform=_sparse,
            seed_jobs=False,
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
        Scenario(
            "success-state",
            "finished jobs report SUCCESS instead of COMPLETED (records are written)",
            state_spelling=_success_word,
            observation="W3",
        ),
        Scenario(
            "blank-state",
            'job state "" on every read, null on every third (records are written)',
            state_spelling=_blank,
            observation="W5",
        ),
        Scenario(
            "lowercase-states",
            "job states in lower case (created, processing, completed, failed)",
            state_spelling=_lower_case,
            observation="W4",
        ),
        Scenario(
            "post-array",
            "POST records answers 200 [] instead of the job object (the job still runs)",
            post_answer=PostAnswer.EMPTY_ARRAY,
            observation="W1",
        ),
        Scenario(
            "post-no-batch",
            "POST records answers a job object without batchId (the job still runs)",
            post_answer=PostAnswer.NO_BATCH_ID,
            observation="W2",
        ),
        Scenario(
            "dev-spellings",
            "sites ENROLLMENT_OPEN/READ_ONLY, subjects Registered/Baseline (DEV spellings)",
            transform=_dev_spellings,
            observation="R1",
        ),
        Scenario(
            "processed-then-503",
            "the first POST of each body is applied and answered 503; "
            "a retry of the same body is applied again and answered 202",
            post_answer=PostAnswer.PROCESSED_THEN_503,
            observation="W10",
        ),
        Scenario(
            "wire-quirks",
            'date-times with short fractions, empty dates, codingId "C1", booleans as ""',
            transform=_wire_quirks,
            observation="R3/R4",
        ),
        Scenario(
            "job-extras",
            "the sandbox's own convenience, in no spec or observation: job objects also carry "
            "studyKey, recordIds and, when FAILED, reason and message (the real API serves "
            "the reason at resultUrl, W8)",
            job_extras=True,
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
