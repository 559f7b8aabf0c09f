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
        "extra fields progress, resultUrl, studyKey, recordIds; reason and message when FAILED",
        "progress/resultUrl are in the SDK's JobStatus; reason says why a job failed",
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

# Properties the sandbox adds to a spec schema (the test otherwise forbids undeclared fields).
EXTRA_PROPERTIES: dict[str, dict[str, dict[str, Any]]] = {
    "Job": {
        "progress": {"type": "integer"},
        "resultUrl": {"type": "string"},
        "studyKey": {"type": "string"},
        "recordIds": {"type": "array", "items": {"type": "integer"}},
        "reason": {"type": "string"},
        "message": {"type": "string"},
    },
}
