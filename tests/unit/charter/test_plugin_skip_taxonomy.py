"""Charter 6, single-test skip rows, and our rule that any other skip fails the run."""

from __future__ import annotations

import pytest
from plugin_support import LiveSuite, enabled_env


def test_no_eligible_data_is_one_skip_naming_entity_and_study_on_a_live_target(
    suite: LiveSuite,
) -> None:
    suite.write(
        "test_live.py",
        """
        import pytest
        from imednet_live.charter.skips import skip_no_data

        @pytest.mark.resource("sites")
        def test_sites():
            skip_no_data("active sites", "ABC123")

        @pytest.mark.resource("studies")
        def test_studies():
            pass
        """,
    )
    run = suite.run("-rs", env=enabled_env(IMEDNET_LIVE_TARGET_KIND="live"))
    assert run.returncode == 0, run
    run.lines.fnmatch_lines(["SKIPPED [[]1[]] test_live.py:5: No active sites for study ABC123"])
    entry = run.test("test_sites")
    assert entry["category"] == "no-eligible-data"
    assert entry["message"] == "No active sites for study ABC123"
    assert entry["expected"] is True
    assert "IMEDNET_API_KEY" not in entry["message"]  # no unrelated context


def test_no_eligible_data_against_the_sandbox_fails_the_session(suite: LiveSuite) -> None:
    suite.write(
        "test_live.py",
        """
        import pytest
        from imednet_live.charter.skips import skip_no_data

        @pytest.mark.resource("visits")
        def test_visits():
            skip_no_data("visits", "PHARMADEMO")
        """,
    )
    run = suite.run(env=enabled_env(IMEDNET_LIVE_TARGET_KIND="sandbox"))
    assert run.returncode == 1, run
    run.lines.fnmatch_lines(
        ["no-eligible-data: test_live.py::test_visits: no-eligible-data skip against the sandbox*"]
    )
    assert run.test("test_visits")["expected"] is False


def test_study_too_large_is_its_own_category_allowed_on_a_scaled_sandbox(
    suite: LiveSuite,
) -> None:
    suite.write(
        "test_live.py",
        """
        import pytest
        from imednet_live.charter.skips import skip_study_too_large

        @pytest.mark.resource("export.csv")
        def test_export():
            skip_study_too_large("PHARMADEMO", "records", 100000, 1000, "export_to_csv")
        """,
    )
    scaled = enabled_env(IMEDNET_LIVE_TARGET_KIND="sandbox", IMEDNET_LIVE_SANDBOX_SUBJECTS="20000")
    run = suite.run(env=scaled)
    assert run.returncode == 0, run
    test = run.test("test_export")
    assert (test["category"], test["expected"]) == ("study-too-large", True)
    assert test["message"] == (
        "Study PHARMADEMO has 100,000 records, over IMEDNET_LIVE_MAX_RECORDS=1,000: "
        "export_to_csv reads them all"
    )
    seeded = suite.run(env=enabled_env(IMEDNET_LIVE_TARGET_KIND="sandbox"))
    assert seeded.returncode == 1, seeded
    seeded.lines.fnmatch_lines(
        ["study-too-large: test_live.py::test_export: study-too-large skip*"]
    )


MUTATING = """
    import pytest

    @pytest.mark.resource("records.create")
    @pytest.mark.mutating
    def test_create():
        print("wrote a record")

    @pytest.mark.resource("jobs")
    @pytest.mark.mutating(unless_env="IMEDNET_BATCH_ID")
    def test_job_status():
        pass
"""


def test_mutating_tests_skip_when_mutation_is_not_allowed(suite: LiveSuite) -> None:
    suite.write("test_live.py", MUTATING)
    run = suite.run("-rs", env=enabled_env())
    assert run.returncode == 0, run
    run.lines.fnmatch_lines(
        ["SKIPPED [[]1[]] test_live.py:*: IMEDNET_ALLOW_MUTATION is not 1: test_create writes*"]
    )
    assert run.test("test_create")["category"] == "mutation-not-allowed"
    assert run.test("test_job_status")["category"] == "mutation-not-allowed"


def test_mutating_tests_run_when_allowed_or_when_their_variable_is_set(suite: LiveSuite) -> None:
    suite.write("test_live.py", MUTATING)
    batch = suite.run(env=enabled_env(IMEDNET_BATCH_ID="b-1"))
    assert batch.test("test_job_status")["outcome"] == "passed"
    assert batch.test("test_create")["outcome"] == "skipped"
    allowed = suite.run(env=enabled_env(IMEDNET_ALLOW_MUTATION="1"))
    assert allowed.returncode == 0, allowed
    assert {t["outcome"] for t in allowed.outcomes()["tests"]} == {"passed"}


def test_missing_optional_dependency_skips_naming_the_first_missing_package(
    suite: LiveSuite,
) -> None:
    suite.write(
        "test_live.py",
        """
        import pytest

        @pytest.mark.resource("export.parquet")
        @pytest.mark.requires_package("json", "no_such_pkg_a", "no_such_pkg_b")
        def test_parquet():
            raise AssertionError("must not run without its package")
        """,
    )
    run = suite.run("-rs", env=enabled_env())
    assert run.returncode == 0, run
    run.lines.fnmatch_lines(["SKIPPED *: optional dependency 'no_such_pkg_a' is not installed"])
    assert run.test("test_parquet")["category"] == "dependency-missing"


def test_requires_absent_deselects_where_the_package_imports(suite: LiveSuite) -> None:
    suite.write(
        "test_live.py",
        """
        import pytest

        @pytest.mark.resource("optional_deps")
        @pytest.mark.requires_absent("json")
        def test_needs_json_absent():
            pass

        @pytest.mark.resource("optional_deps")
        @pytest.mark.requires_absent("no_such_pkg_a")
        def test_needs_pkg_absent():
            pass
        """,
    )
    run = suite.run(env=enabled_env())
    assert run.returncode == 0, run
    run.lines.fnmatch_lines(["*1 passed, 1 deselected*"])
    assert [t["nodeid"] for t in run.outcomes()["tests"]] == ["test_live.py::test_needs_pkg_absent"]


def test_a_passing_test_passes(suite: LiveSuite) -> None:
    suite.write(
        "test_live.py",
        """
        import pytest

        @pytest.mark.resource("studies")
        def test_studies():
            assert [1, 2] == [1, 2]
        """,
    )
    run = suite.run(env=enabled_env())
    assert run.returncode == 0, run
    assert run.test("test_studies") | {"duration_s": 0} == {
        "nodeid": "test_live.py::test_studies",
        "resource": "studies",
        "outcome": "passed",
        "category": None,
        "expected": True,
        "expected_skip": None,
        "failure_kind": None,
        "message": "",
        "duration_s": 0,
        "sdk_log": [],
    }


@pytest.mark.parametrize(
    ("source", "name"),
    [
        (
            """
            import pytest

            @pytest.mark.resource("studies")
            def test_plain():
                pytest.skip("not today")
            """,
            "test_plain",
        ),
        (
            """
            import pytest

            @pytest.mark.resource("studies")
            @pytest.mark.skipif(True, reason="marker skip")
            def test_marker():
                pass
            """,
            "test_marker",
        ),
        (
            """
            import pytest

            @pytest.mark.resource("studies")
            def test_import():
                pytest.importorskip("no_such_pkg_a")
            """,
            "test_import",
        ),
        (
            """
            import pytest

            @pytest.mark.resource("studies")
            @pytest.mark.xfail(reason="known")
            def test_xfail():
                assert False
            """,
            "test_xfail",
        ),
    ],
)
def test_unclassified_skip_fails_the_run_naming_the_test(
    suite: LiveSuite, source: str, name: str
) -> None:
    suite.write("test_live.py", source)
    run = suite.run(env=enabled_env())
    assert run.returncode == 1, run
    run.lines.fnmatch_lines(
        [
            "*1 charter violation(s): the session fails*",
            f"unclassified: test_live.py::{name}: unclassified skip*",
        ]
    )
    assert run.test(name)["category"] == "unclassified"


def test_module_level_unclassified_skip_fails_the_run(suite: LiveSuite) -> None:
    suite.write(
        "test_live.py",
        """
        import pytest

        pytest.importorskip("no_such_pkg_a")

        @pytest.mark.resource("studies")
        def test_never_collected():
            pass
        """,
    )
    run = suite.run(env=enabled_env())
    assert run.returncode == 1, run
    run.lines.fnmatch_lines(["unclassified: test_live.py: unclassified skip*"])


def test_module_level_classified_skip_is_judged_against_the_profile(suite: LiveSuite) -> None:
    suite.hide_packages("airflow")
    suite.write(
        "test_live.py",
        """
        import pytest
        from imednet_live.charter.skips import require_package

        require_package("airflow")

        @pytest.mark.resource("airflow.hook")
        def test_hook():
            pass
        """,
    )
    core = suite.run(env=enabled_env(IMEDNET_LIVE_PROFILE="core"))
    assert core.outcomes()["violations"] == [], core
    assert core.outcomes()["tests"][0]["category"] == "dependency-missing"
    airflow = suite.run(env=enabled_env(IMEDNET_LIVE_PROFILE="airflow"))
    assert airflow.returncode == 1, airflow
    airflow.lines.fnmatch_lines(
        ["dependency-missing: test_live.py: skipped as dependency-missing, but profile airflow *"]
    )


def test_missing_or_unknown_resource_marker_fails_the_run(suite: LiveSuite) -> None:
    suite.write(
        "test_live.py",
        """
        import pytest

        def test_unmarked():
            pass

        @pytest.mark.resource("sitez")
        def test_typo():
            pass
        """,
    )
    run = suite.run(env=enabled_env())
    assert run.returncode == 1, run
    run.lines.fnmatch_lines(
        [
            "marker: test_live.py::test_typo: names unknown resource 'sitez'*",
            "marker: test_live.py::test_unmarked: has no @pytest.mark.resource(...) marker",
        ]
    )
