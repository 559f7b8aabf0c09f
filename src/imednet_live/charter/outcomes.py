"""outcomes.json: one live session's results, the contract between the plugin and the report.

The pydantic models are the single statement of the file's shape: the plugin writes
through them and the report reads through them, so drift fails loudly in one place.
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from imednet_live.skip_categories import SkipCategory

SCHEMA_VERSION: Final = 1
OUTCOMES_FILE: Final = "outcomes.json"  # in each session's report folder

Outcome = Literal["passed", "failed", "skipped", "error"]
OUTCOMES: tuple[Outcome, ...] = ("passed", "failed", "skipped", "error")


class TestOutcome(BaseModel):
    """One test (or one module skipped at collection) after all its phases."""

    __test__ = False  # not a pytest test class
    model_config = ConfigDict(extra="forbid")

    nodeid: str = Field(description="pytest's test id")
    resource: str | None = Field(
        default=None, description="the `resource` marker: the report's row"
    )
    outcome: Outcome = Field(description="after setup, call and teardown")
    category: str | None = Field(
        default=None,
        description="skip category; null unless skipped (`known-sdk-defect`: a strict xfail "
        "of an `sdk_defect` test, its reason in `message`)",
    )
    expected: bool = Field(description="the outcome agrees with the profile's expectation")
    expected_skip: str | None = Field(
        default=None, description="the skip category the profile demanded; null: it must run"
    )
    failure_kind: str | None = Field(
        default=None, description="how it failed (see the failure kinds); null unless failed"
    )
    message: str = Field(default="", description="skip reason or failure headline, redacted")
    duration_s: float = Field(default=0.0, description="seconds, all phases")
    sdk_log: list[str] = Field(
        default_factory=list, description="SDK log lines at WARNING and above, redacted (failures)"
    )


class LockDifference(BaseModel):
    """One dependency whose installed version is not its lock's (resolution.py)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="the distribution, canonical name")
    locked: str | None = Field(description="the constraints file's version; null: not in it")
    installed: str | None = Field(description="the venv's version; null: not installed")


class Violation(BaseModel):
    """A charter breach that fails the session even if every test passed."""

    model_config = ConfigDict(extra="forbid")

    nodeid: str = Field(description="the test, or `(session)` for a session-wide rule")
    category: str = Field(description="skip category, or a rule name such as read-only or marker")
    message: str = Field(description="why, in one line")


class SessionOutcomes(BaseModel):
    """One live session: who ran what where, and every test's outcome."""

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1] = Field(
        default=SCHEMA_VERSION, description="the file's format version"
    )
    session: str = Field(description="the nox session (`IMEDNET_LIVE_SESSION`) or report folder")
    profile: str | None = Field(description="the dependency profile (`IMEDNET_LIVE_PROFILE`)")
    target_kind: str = Field(description="`sandbox`, `live` or `replay`")
    base_url: str = Field(description="the target's base URL, userinfo and query masked")
    run_id: str | None = Field(default=None, description="one id per `nox` invocation")
    # The SDK build under test: distribution name -> version ("imednet", and from the 0.8
    # line "imednet-workflows" / "apache-airflow-providers-imednet" where installed).
    sdk_version: str | None = Field(default=None, description="the `imednet` version under test")
    sdk_distributions: dict[str, str] = Field(
        default_factory=dict, description="SDK distribution name -> version, where installed"
    )
    api_requests: int | None = Field(
        default=None, description="HTTP requests the SDK sent during the session"
    )
    wall_seconds: float | None = Field(default=None, description="the session's pytest wall time")
    concurrency: str | None = Field(
        default=None,
        description="the xdist workers the session chose and why (cores, round-trip, "
        "sessions in parallel)",
    )
    recording: str | None = Field(
        default=None, description="replay target: the recording the session replayed"
    )
    resolution: str = Field(
        default="locked",
        description="the dependency resolution (`IMEDNET_LIVE_RESOLUTION`): locked, latest, lowest",
    )
    lock_differences: list[LockDifference] = Field(
        default_factory=list,
        description="every installed dependency whose version differs from the profile's lock",
    )
    context: list[str] = Field(default_factory=list, description="the startup banner, redacted")
    counts: dict[str, int] = Field(
        description="passed, failed, skipped, error, expected_skips, unexpected_skips, "
        "known_sdk_defects (expected skips of category known-sdk-defect), "
        "sdk_surface_changes (of category sdk-surface-change), dependency_breaks (of category "
        "dependency-break), total"
    )
    violations: list[Violation] = Field(
        default_factory=list, description="charter breaches; any one fails the session"
    )
    warnings: dict[str, int] = Field(
        default_factory=dict, description="warning counts: `sdk` (shown by pytest), `other`"
    )
    tests: list[TestOutcome] = Field(description="one entry per test, across xdist workers")


def count_outcomes(tests: list[TestOutcome]) -> dict[str, int]:
    counts: dict[str, int] = {name: 0 for name in OUTCOMES}
    for test in tests:
        counts[test.outcome] += 1
    counts["expected_skips"] = sum(t.outcome == "skipped" and t.expected for t in tests)
    counts["unexpected_skips"] = sum(t.outcome == "skipped" and not t.expected for t in tests)
    counts["known_sdk_defects"] = sum(is_known_sdk_defect(t) for t in tests)
    counts["sdk_surface_changes"] = sum(is_sdk_surface_change(t) for t in tests)
    counts["dependency_breaks"] = sum(is_dependency_break(t) for t in tests)
    counts["total"] = len(tests)
    return counts


def is_sdk_surface_change(test: TestOutcome) -> bool:
    """The contract test of a declared surface change, failing as declared on this build."""
    changed = test.category == SkipCategory.SDK_SURFACE_CHANGE
    return test.outcome == "skipped" and test.expected and changed


def is_known_sdk_defect(test: TestOutcome) -> bool:
    """An ``sdk_defect`` test that failed as its marker says: expected, but not a plain skip."""
    known = test.category == SkipCategory.KNOWN_SDK_DEFECT
    return test.outcome == "skipped" and test.expected and known


def is_dependency_break(test: TestOutcome) -> bool:
    """A ``dependency_break`` test failing as declared under this venv's versions."""
    broken = test.category == SkipCategory.DEPENDENCY_BREAK
    return test.outcome == "skipped" and test.expected and broken
