"""Charter-classified skips: the only sanctioned way for a live test to skip.

Each helper raises a subclass of pytest's own skip exception that carries its
category, so the pytest plugin can classify skips mechanically; a plain
``pytest.skip`` is ``unclassified`` and fails the run.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from typing import NoReturn, TypeVar

import pytest

from imednet_live.core.env_vars import MAX_RECORDS
from imednet_live.core.profiles import DISTRIBUTIONS
from imednet_live.core.skip_categories import SkipCategory

T = TypeVar("T")

_Skipped: type[BaseException] = pytest.skip.Exception


class CharterSkip(_Skipped):  # type: ignore[misc,valid-type]
    """A skip whose reason is one of the charter's categories."""

    category: SkipCategory = SkipCategory.UNCLASSIFIED

    def __init__(self, msg: str) -> None:
        super().__init__(msg=msg, pytrace=False, allow_module_level=True)


class SuiteDisabled(CharterSkip):
    category = SkipCategory.SUITE_DISABLED


class NoEligibleData(CharterSkip):
    category = SkipCategory.NO_ELIGIBLE_DATA


class MutationNotAllowed(CharterSkip):
    category = SkipCategory.MUTATION_NOT_ALLOWED


class DependencyMissing(CharterSkip):
    category = SkipCategory.DEPENDENCY_MISSING


class StudyTooLarge(CharterSkip):
    category = SkipCategory.STUDY_TOO_LARGE


def skip_no_data(entity: str, study_key: str) -> NoReturn:
    """Skip because the target lacks data; names the entity and study, nothing else.

    The study is required (charter: name the entity and the study); where several
    studies were searched, pass them joined (``"A or B"``).
    """
    raise NoEligibleData(f"No {entity} for study {study_key}")


def skip_mutation_not_allowed(
    what: str = "this test", *, unless_env: str | None = None
) -> NoReturn:
    """Skip a writing test; ``unless_env`` names the variable that would let it run read-only."""
    alternative = f" (or set {unless_env} to run it without writing)" if unless_env else ""
    raise MutationNotAllowed(
        f"IMEDNET_ALLOW_MUTATION is not 1: {what} writes to the target{alternative}"
    )


def skip_study_too_large(
    study_key: str, entity: str, size: int, limit: int, reader: str
) -> NoReturn:
    """Skip a test whose SDK call reads a whole resource of a study bigger than the limit."""
    raise StudyTooLarge(
        f"Study {study_key} has {size:,} {entity}, over {MAX_RECORDS}={limit:,}: "
        f"{reader} reads them all"
    )


def skip_dependency_missing(package: str) -> NoReturn:
    dist = DISTRIBUTIONS.get(package, package)
    raise DependencyMissing(f"optional dependency {dist!r} is not installed")


def require_package(package: str) -> None:
    """Skip as dependency-missing unless ``package`` is importable."""
    if importlib.util.find_spec(package) is None:
        skip_dependency_missing(package)


def first_or_skip(items: Iterable[T], entity: str, study_key: str) -> T:
    """The first listed item; an empty listing skips naming the entity and study.

    Reads one item, so a lazy listing (SDK main) costs one page, not the whole resource.
    """
    for item in items:
        return item
    skip_no_data(entity, study_key)


def category_of(exc: BaseException) -> SkipCategory:
    return exc.category if isinstance(exc, CharterSkip) else SkipCategory.UNCLASSIFIED
