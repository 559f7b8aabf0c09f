"""The expectation table: which skip each profile demands, judged without running pytest."""

from __future__ import annotations

import pytest

from imednet_live.charter.context import RunContext
from imednet_live.charter.expectations import (
    expected_skip_for,
    module_skip_violation,
    run_violation,
    skip_violation,
)
from imednet_live.charter.markers import Requirements

ON = {
    "IMEDNET_RUN_E2E": "1",
    "IMEDNET_API_KEY": "api-key-0001",
    "IMEDNET_SECURITY_KEY": "sec-key-0002",
}


def ctx(**env: str) -> RunContext:
    return RunContext.from_env({**ON, **env})


def req(*requires: str, mutating: bool = False) -> Requirements:
    return Requirements("export.csv", requires, (), mutating)


@pytest.mark.parametrize(
    ("profile", "requirements", "expected"),
    [
        ("core", req("pandas"), "dependency-missing"),
        ("core", req(), None),
        ("core", req(mutating=True), "mutation-not-allowed"),
        ("core", req("airflow", mutating=True), "dependency-missing"),
        ("exports", req("pandas", "pyarrow"), None),
        ("exports", req("airflow"), "dependency-missing"),
        ("airflow", req("airflow", "pandas"), None),
        ("airflow", req("pyarrow"), "dependency-missing"),
        ("mutating", req("airflow", "pyarrow", mutating=True), None),
    ],
)
def test_profile_expectations(
    profile: str, requirements: Requirements, expected: str | None
) -> None:
    assert expected_skip_for(requirements, ctx(IMEDNET_LIVE_PROFILE=profile)) == expected


def test_disabled_suite_expects_suite_disabled_everywhere() -> None:
    disabled = RunContext.from_env({"IMEDNET_LIVE_PROFILE": "mutating"})
    assert expected_skip_for(req("pandas", mutating=True), disabled) == "suite-disabled"


def test_no_eligible_data_is_allowed_live_only() -> None:
    live, sandbox = ctx(IMEDNET_LIVE_TARGET_KIND="live"), ctx(IMEDNET_LIVE_TARGET_KIND="sandbox")
    assert skip_violation("no-eligible-data", None, live) is None
    assert skip_violation("no-eligible-data", None, sandbox) is not None
    assert skip_violation("no-eligible-data", "dependency-missing", live) is not None


@pytest.mark.parametrize("category", ["no-eligible-data", "study-too-large"])
def test_data_skips_are_allowed_where_the_data_is_not_the_full_seed(category: str) -> None:
    """The unscaled default seed covers every test; a sparse or scaled sandbox need not."""
    sandbox = {"IMEDNET_LIVE_TARGET_KIND": "sandbox"}
    assert skip_violation(category, None, ctx(**sandbox)) is not None
    for shaped in (
        {"IMEDNET_LIVE_SANDBOX_SCENARIO": "sparse"},
        {"IMEDNET_LIVE_SANDBOX_SUBJECTS": "20000"},
        {"IMEDNET_LIVE_TARGET_KIND": "live"},
    ):
        assert skip_violation(category, None, ctx(**{**sandbox, **shaped})) is None, shaped
    assert skip_violation(category, None, ctx(**sandbox, IMEDNET_LIVE_SANDBOX_SUBJECTS="0"))
    live = ctx(IMEDNET_LIVE_TARGET_KIND="live", IMEDNET_LIVE_PROFILE="exports")
    assert skip_violation(category, "dependency-missing", live) is not None


def test_study_too_large_against_the_default_seed_says_what_to_do() -> None:
    problem = skip_violation("study-too-large", None, ctx(IMEDNET_LIVE_TARGET_KIND="sandbox"))
    assert problem is not None
    assert "IMEDNET_LIVE_MAX_RECORDS" in problem


@pytest.mark.parametrize(
    ("name", "value"),
    [("IMEDNET_LIVE_MAX_RECORDS", "many"), ("IMEDNET_LIVE_SANDBOX_SUBJECTS", "-1")],
)
def test_bad_counts_are_one_line_config_errors(name: str, value: str) -> None:
    from imednet_live.core.settings import ConfigError

    with pytest.raises(ConfigError, match=f"^{name} must be a whole number >= 0, not '{value}'$"):
        ctx(**{name: value})


def test_max_records_defaults_and_shows_in_the_banner() -> None:
    assert ctx().settings.max_records == 1000
    assert "  IMEDNET_LIVE_MAX_RECORDS: 50" in ctx(IMEDNET_LIVE_MAX_RECORDS="50").banner_lines()


def test_judgements_name_the_profile_and_category() -> None:
    core = ctx(IMEDNET_LIVE_PROFILE="core")
    assert skip_violation("unclassified", None, core) is not None
    assert skip_violation("dependency-missing", "dependency-missing", core) is None
    assert run_violation("passed", "mutation-not-allowed", core) == (
        "passed, but profile core expects a mutation-not-allowed skip: it should not have run"
    )
    assert run_violation("failed", None, core) is None
    message = "optional dependency 'pyarrow' is not installed"
    assert module_skip_violation("dependency-missing", message, core) is None
    exports = ctx(IMEDNET_LIVE_PROFILE="exports")
    assert module_skip_violation("dependency-missing", message, exports) is not None
