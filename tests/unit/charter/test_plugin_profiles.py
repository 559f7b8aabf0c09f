"""Expected skips per profile: unpredicted skips and predicted skips that did not happen fail."""

from __future__ import annotations

from plugin_support import LiveSuite, enabled_env

EXPORT_AND_AIRFLOW = """
    import pytest

    @pytest.mark.resource("export.parquet")
    @pytest.mark.requires_package("pandas", "pyarrow")
    def test_parquet():
        pass

    @pytest.mark.resource("airflow.hook")
    @pytest.mark.requires_package("airflow")
    @pytest.mark.xdist_group("airflow")
    def test_hook():
        pass

    @pytest.mark.resource("studies")
    def test_studies():
        pass
"""


def test_core_profile_is_green_when_exports_and_airflow_skip(suite: LiveSuite) -> None:
    suite.hide_packages("pandas", "pyarrow", "openpyxl", "sqlalchemy", "airflow")
    suite.write("test_live.py", EXPORT_AND_AIRFLOW)
    run = suite.run(env=enabled_env(IMEDNET_LIVE_PROFILE="core"))
    assert run.returncode == 0, run
    for name in ("test_parquet", "test_hook"):
        entry = run.test(name)
        assert (entry["category"], entry["expected"]) == ("dependency-missing", True)
    assert run.outcomes()["profile"] == "core"


def test_core_profile_fails_when_an_export_test_runs(suite: LiveSuite) -> None:
    """A leaky core venv (pandas installed) would hide the graceful-degradation checks."""
    suite.hide_packages("airflow")  # pandas and pyarrow stay importable
    suite.write("test_live.py", EXPORT_AND_AIRFLOW)
    run = suite.run(env=enabled_env(IMEDNET_LIVE_PROFILE="core"))
    assert run.returncode == 1, run
    run.lines.fnmatch_lines(
        [
            "dependency-missing: test_live.py::test_parquet: passed, but profile core expects "
            "a dependency-missing skip: it should not have run",
        ]
    )
    assert run.test("test_parquet")["expected"] is False
    assert run.test("test_hook")["expected"] is True


def test_exports_profile_fails_when_an_export_test_skips(suite: LiveSuite) -> None:
    suite.hide_packages("pyarrow", "airflow")  # a broken exports install
    suite.write("test_live.py", EXPORT_AND_AIRFLOW)
    run = suite.run(env=enabled_env(IMEDNET_LIVE_PROFILE="exports"))
    assert run.returncode == 1, run
    run.lines.fnmatch_lines(
        [
            "*1 charter violation(s): the session fails*",
            "dependency-missing: test_live.py::test_parquet: skipped as dependency-missing, "
            "but profile exports expects it to run",
        ]
    )
    assert run.test("test_hook")["expected"] is True  # airflow is not part of exports


def test_airflow_profile_fails_when_airflow_is_missing(suite: LiveSuite) -> None:
    suite.hide_packages("airflow", "pyarrow")
    suite.write("test_live.py", EXPORT_AND_AIRFLOW)
    run = suite.run(env=enabled_env(IMEDNET_LIVE_PROFILE="airflow"))
    assert run.returncode == 1, run
    run.lines.fnmatch_lines(
        [
            "dependency-missing: test_live.py::test_hook: skipped as dependency-missing, "
            "but profile airflow expects it to run"
        ]
    )
    assert run.test("test_parquet")["expected"] is True  # pyarrow is not part of airflow


MUTATING = """
    import pytest

    @pytest.mark.resource("records.create")
    @pytest.mark.mutating
    def test_create():
        pass
"""


def test_read_only_profile_fails_when_a_mutating_test_runs(suite: LiveSuite) -> None:
    suite.write("test_live.py", MUTATING)
    run = suite.run(env=enabled_env(IMEDNET_LIVE_PROFILE="core", IMEDNET_ALLOW_MUTATION="1"))
    assert run.returncode == 1, run
    run.lines.fnmatch_lines(
        [
            "mutation-not-allowed: test_live.py::test_create: passed, but profile core expects "
            "a mutation-not-allowed skip: it should not have run",
        ]
    )


def test_read_only_profile_is_green_when_mutating_tests_skip(suite: LiveSuite) -> None:
    suite.write("test_live.py", MUTATING)
    run = suite.run(env=enabled_env(IMEDNET_LIVE_PROFILE="exports"))
    assert run.returncode == 0, run
    assert run.test("test_create")["category"] == "mutation-not-allowed"


def test_mutating_profile_fails_when_mutation_is_not_switched_on(suite: LiveSuite) -> None:
    suite.write("test_live.py", MUTATING)
    run = suite.run(env=enabled_env(IMEDNET_LIVE_PROFILE="mutating"))
    assert run.returncode == 1, run
    run.lines.fnmatch_lines(
        [
            "mutation-not-allowed: test_live.py::test_create: skipped as mutation-not-allowed, "
            "but profile mutating expects it to run",
        ]
    )
    allowed = suite.run(
        env=enabled_env(IMEDNET_LIVE_PROFILE="mutating", IMEDNET_ALLOW_MUTATION="1")
    )
    assert allowed.returncode == 0, allowed
