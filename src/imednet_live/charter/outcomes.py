"""outcomes.json: one live session's results, the contract between the plugin and the report.

The pydantic models are the single statement of the file's shape: the plugin writes
through them and the report reads through them, so drift fails loudly in one place.
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION: Final = 1
OUTCOMES_FILE: Final = "outcomes.json"  # in each session's report folder

Outcome = Literal["passed", "failed", "skipped", "error"]
OUTCOMES: tuple[Outcome, ...] = ("passed", "failed", "skipped", "error")


class TestOutcome(BaseModel):
    """One test (or one module skipped at collection) after all its phases."""

    __test__ = False  # not a pytest test class
    model_config = ConfigDict(extra="forbid")

    nodeid: str
    resource: str | None = None
    outcome: Outcome
    category: str | None = None  # skip category; None unless skipped
    expected: bool  # the outcome agrees with the profile's expectation
    expected_skip: str | None = None  # what the profile demanded (None: must run)
    failure_kind: str | None = None  # api-error, network-error, assertion, other
    message: str = ""  # skip reason or failure headline, redacted
    duration_s: float = 0.0
    # SDK log lines >= WARNING, redacted, of a failed test (the others': sdk.log)
    sdk_log: list[str] = Field(default_factory=list)


class Violation(BaseModel):
    """A charter breach that fails the session even if every test passed."""

    model_config = ConfigDict(extra="forbid")

    nodeid: str
    category: str  # skip category, or a rule name such as read-only or marker
    message: str


class SessionOutcomes(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1] = SCHEMA_VERSION
    session: str
    profile: str | None
    target_kind: str
    base_url: str
    run_id: str | None = None
    # The SDK build under test: distribution name -> version ("imednet", and from the 0.8
    # line "imednet-workflows" / "apache-airflow-providers-imednet" where installed).
    sdk_version: str | None = None
    sdk_distributions: dict[str, str] = Field(default_factory=dict)
    api_requests: int | None = None  # HTTP requests the SDK sent during the session
    wall_seconds: float | None = None  # the session's pytest wall time
    recording: str | None = None  # replay target: the recording the session replayed
    context: list[str] = Field(default_factory=list)  # the startup banner, redacted
    counts: dict[str, int]
    violations: list[Violation] = Field(default_factory=list)
    warnings: dict[str, int] = Field(default_factory=dict)  # sdk / other
    tests: list[TestOutcome]


def count_outcomes(tests: list[TestOutcome]) -> dict[str, int]:
    counts: dict[str, int] = {name: 0 for name in OUTCOMES}
    for test in tests:
        counts[test.outcome] += 1
    counts["expected_skips"] = sum(t.outcome == "skipped" and t.expected for t in tests)
    counts["unexpected_skips"] = sum(t.outcome == "skipped" and not t.expected for t in tests)
    counts["total"] = len(tests)
    return counts
