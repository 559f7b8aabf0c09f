"""The charter skip helpers: category on the exception, messages as the charter words them."""

from __future__ import annotations

import pytest

from imednet_live.charter.skips import (
    category_of,
    first_or_skip,
    require_package,
    skip_dependency_missing,
    skip_mutation_not_allowed,
    skip_no_data,
)
from imednet_live.core.skip_categories import SkipCategory


def caught(func, *args, **kwargs) -> BaseException:
    with pytest.raises(pytest.skip.Exception) as info:
        func(*args, **kwargs)
    return info.value


def test_no_data_names_entity_and_study_and_nothing_else() -> None:
    exc = caught(skip_no_data, "active sites", "ABC123")
    assert exc.msg == "No active sites for study ABC123"
    assert category_of(exc) is SkipCategory.NO_ELIGIBLE_DATA
    assert "credential" not in exc.msg.lower()


def test_mutation_not_allowed_names_the_alternative_variable() -> None:
    plain = caught(skip_mutation_not_allowed, "test_x")
    assert plain.msg == "IMEDNET_ALLOW_MUTATION is not 1: test_x writes to the target"
    with_alt = caught(skip_mutation_not_allowed, "test_jobs_get", unless_env="IMEDNET_BATCH_ID")
    assert with_alt.msg.endswith("(or set IMEDNET_BATCH_ID to run it without writing)")
    assert category_of(with_alt) is SkipCategory.MUTATION_NOT_ALLOWED


def test_dependency_missing_names_the_distribution() -> None:
    exc = caught(skip_dependency_missing, "airflow")
    assert exc.msg == "optional dependency 'apache-airflow' is not installed"
    assert category_of(exc) is SkipCategory.DEPENDENCY_MISSING


def test_require_package_skips_only_when_absent() -> None:
    require_package("json")  # importable: no skip
    exc = caught(require_package, "no_such_package_xyz")
    assert category_of(exc) is SkipCategory.DEPENDENCY_MISSING


def test_first_or_skip() -> None:
    assert first_or_skip([3, 4], "visits", "S") == 3
    assert caught(first_or_skip, [], "visits", "S").msg == "No visits for study S"


def test_a_plain_skip_is_unclassified() -> None:
    exc = caught(pytest.skip, "because")
    assert category_of(exc) is SkipCategory.UNCLASSIFIED
