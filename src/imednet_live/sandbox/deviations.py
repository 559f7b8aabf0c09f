"""Every deliberate difference between the sandbox and the OpenAPI spec, in one place.

The schema-validation test applies SCHEMA_OVERRIDES to the spec before validating, so a
deviation not listed here fails the test; docs/sandbox.md lists the same entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Deviation:
    where: str
    what: str
    why: str


DEVIATIONS: tuple[Deviation, ...] = (
    Deviation(
        "Role.dateCreated, Role.dateModified",
        "strings 'YYYY-MM-DD HH:MM:SS' instead of int arrays",
        "SDK 0.5.0 rejects the spec's arrays (ValidationError aborts users.list)",
    ),
    Deviation(
        "Job.dateStarted, Job.dateFinished",
        "null until the job has started / finished",
        "an honest 'not yet'; the SDK maps null to its sentinel date",
    ),
    Deviation(
        "Job (GET jobs/{batchId}, GET jobs)",
        "extra fields progress and resultUrl",
        "documented beyond the spec: both in the SDK repository's collection (CONTRACT.md), "
        "resultUrl where the real API serves a failure's reason (observation W8)",
    ),
    Deviation(
        "Job, scenario job-extras only",
        "extra fields studyKey, recordIds; reason and message when FAILED",
        "the sandbox's own convenience, documented nowhere: kept out of the default scenario "
        "so a strict client (SDK main, IMEDNET_STRICT_MODE=1) sees only documented fields",
    ),
    Deviation(
        "GET /studies/{studyKey}, GET /studies/{studyKey}/jobs",
        "served although not in the spec (bare Study; bare array of jobs)",
        "the SDK repo's postman collection / SDK 0.5.0 jobs.list use them",
    ),
    Deviation(
        "GET /studies/{studyKey}/jobs/{batchId}/result",
        "served although not in the spec: a FAILED job's reason as plain text",
        "the real API serves a failure's reason at the job's resultUrl (observation W8)",
    ),
    Deviation(
        "POST /studies/{studyKey}/records",
        "400 (code 1000) for a recordData key or a missing or empty data",
        "the real API rejects them (observations W6, W7); the spec does not say",
    ),
    Deviation(
        "POST /studies/{studyKey}/records",
        "an item naming its form by formId alone is accepted (the spec requires formKey)",
        "the spec calls formId the alternative to formKey; SDK workflows send formId only "
        "(CONTRACT.md 4.1 #15)",
    ),
    Deviation(
        "GET /studies/{studyKey}/users?filter=",
        "filter accepted on users",
        "SDK 0.5.0 users.get sends it",
    ),
    Deviation(
        "filter attributes",
        "unknown attributes match everything; studyKey terms on study paths are ignored",
        "the SDK emits non-spec attributes (startDate, formIds, variableNames)",
    ),
)

# Applied to components.schemas.<Schema>.properties.<property> before validation.
SCHEMA_OVERRIDES: dict[tuple[str, str], dict[str, Any]] = {
    ("Role", "dateCreated"): {"type": "string"},
    ("Role", "dateModified"): {"type": "string"},
    ("Job", "dateStarted"): {"type": ["string", "null"]},
    ("Job", "dateFinished"): {"type": ["string", "null"]},
}

# Properties the default sandbox adds to a spec schema (the test otherwise forbids
# undeclared fields), each with the document that gives it to the real API.
EXTRA_PROPERTIES: dict[str, dict[str, dict[str, Any]]] = {
    "Job": {
        "progress": {"type": "integer"},
        "resultUrl": {"type": "string"},
    },
}
# Where each of them is documented: (file in ../shared/imednet-api, text that names it).
DOCUMENTED_BY: dict[tuple[str, str], tuple[str, str]] = {
    ("Job", "progress"): ("CONTRACT.md", "+ optional progress, resultUrl"),
    ("Job", "resultUrl"): ("REAL-API-OBSERVATIONS.md", "served at the job's `resultUrl`"),
}
# What the job-extras scenario adds on top: the sandbox's convenience, documented nowhere.
JOB_EXTRAS_SCENARIO = "job-extras"
SCENARIO_EXTRA_PROPERTIES: dict[str, dict[str, dict[str, dict[str, Any]]]] = {
    JOB_EXTRAS_SCENARIO: {
        "Job": {
            "studyKey": {"type": "string"},
            "recordIds": {"type": "array", "items": {"type": "integer"}},
            "reason": {"type": "string"},
            "message": {"type": "string"},
        },
    },
}
