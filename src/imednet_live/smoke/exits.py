"""The smoke script's exit codes and the charter's reading of each result, as data.

Pure standard library: the report reads these without importing the SDK. ``smoke/run.py``,
its ``--help``, the report's smoke gate and the docs tables (``nox -s docs``) all draw on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class SmokeExit(IntEnum):
    """An exit code: ``label`` and ``summary`` are what the report and ``--help`` print."""

    label: str
    summary: str

    def __new__(cls, code: int, label: str, summary: str) -> SmokeExit:
        member = int.__new__(cls, code)
        member._value_ = code
        member.label = label
        member.summary = summary
        return member

    GREEN = (0, "green", "write path confirmed")
    RED = (1, "red", "the write path is not confirmed")
    SKIP = (2, "skip", "no write scenario had identifiers")

    @classmethod
    def of(cls, code: int) -> SmokeExit | None:
        """The member for ``code``, or None for a code smoke never exits with."""
        return next((member for member in cls if member == code), None)


@dataclass(frozen=True)
class SmokeResult:
    """One row of the charter's "Interpreting smoke results" table."""

    exit: SmokeExit
    annotation: str
    meaning: str
    action: str


# Adding a way smoke can end: one row here (in the order an operator should read them),
# then `nox -s docs`.
SMOKE_RESULTS: tuple[SmokeResult, ...] = (
    SmokeResult(
        SmokeExit.GREEN,
        "—",
        "The write path is confirmed. Record creation completed within the timeout.",
        "Safe to proceed to the full live suite.",
    ),
    SmokeResult(
        SmokeExit.SKIP,
        "`::notice::` per skipped scenario, and one saying nothing was submitted",
        "Authentication succeeded but the identifiers (site, subject, or interval) were not "
        "available, so no write scenario could run.",
        "Check whether the study is correctly populated: an open site, an active subject, a "
        "non-disabled interval.",
    ),
    SmokeResult(
        SmokeExit.RED,
        "`::error::No studies available to these credentials; … (NoLiveDataError)` or "
        "`::error::No eligible subject-record forms for study X; … (NoLiveDataError)`",
        "`NoLiveDataError`: no study or form was discoverable.",
        "Check that valid credentials point to an environment with at least one study and one "
        "subject-record form.",
    ),
    SmokeResult(
        SmokeExit.RED,
        "`::error::Scenario 'S' job BATCH is still PROCESSING after the N s timeout; …`",
        "Timeout, `COMPLETED` not reached: the job was created but did not finish.",
        "May be server-side latency: retry with a larger `--timeout`. If it persists, check "
        "server logs.",
    ),
    SmokeResult(
        SmokeExit.RED,
        "`::error::Scenario 'S' job BATCH ended FAILED, not COMPLETED: …` (or `CANCELLED`)",
        "Record submission failed.",
        "Check the form, the identifiers and the server logs.",
    ),
    SmokeResult(
        SmokeExit.RED,
        "`::error::Authentication failed: URL rejected the keys in "
        "IMEDNET_API_KEY/IMEDNET_SECURITY_KEY (HTTP 401); …`",
        "Authentication error.",
        "`IMEDNET_API_KEY` or `IMEDNET_SECURITY_KEY` is wrong or expired. The keys are never "
        "printed.",
    ),
    SmokeResult(
        SmokeExit.RED,
        "`::error::Network error: cannot reach IMEDNET_BASE_URL URL (…)`",
        "The environment is unreachable.",
        "Check `IMEDNET_BASE_URL` and network access.",
    ),
    SmokeResult(
        SmokeExit.RED,
        "`::error::API error from URL: HTTP 403: …`",
        "The server rejected a request (e.g. a pinned `IMEDNET_STUDY_KEY` it does not know).",
        "Check the pinned study/form keys and the response body.",
    ),
    SmokeResult(
        SmokeExit.RED,
        "`::error::IMEDNET_API_KEY is not set; …`, "
        "`::error::IMEDNET_BASE_URL is not a valid http(s) URL: …`",
        "Operator input is missing or malformed; nothing was sent.",
        "Set the named variable.",
    ),
    SmokeResult(
        SmokeExit.RED,
        "`::error::known SDK defect of imednet V: the build's models have no fields "
        "(Study.study_key, … missing); cause: …`",
        "The SDK build generates its models from an API contract it cannot find (SDK main's "
        "wheels carry none); checked before any request.",
        "Set `IMEDNET_POSTMAN_PATH` to the SDK's `imednet.postman_collection.json` from the "
        "same commit.",
    ),
    SmokeResult(
        SmokeExit.RED,
        "`::error::undeclared SDK surface change in imednet V (WHEEL): Subject.subject_status "
        "is gone (V snapshot has it; Subject.status is new)`",
        "The build's public surface differs from the nearest committed snapshot in a way no "
        "declared surface change explains; checked before any request.",
        "Report it to the SDK, or declare the change in `sdk/surface_changes.py` with a "
        "contract test if it is deliberate (docs/live-suite.md).",
    ),
    SmokeResult(
        SmokeExit.RED,
        "`::error::Unhandled error: …`",
        "Anything else.",
        "Re-run with `--verbose` for the traceback.",
    ),
)
