"""A known SDK defect: ``sdk_defect(reason)`` is a strict xfail with its own category.

The test asserts the correct behaviour; while the SDK is wrong it xfails and is recorded
as ``known-sdk-defect`` (expected, never a violation); once the SDK is fixed the strict
XPASS fails the session, naming the defect, so the marker cannot outlive it.
"""

from __future__ import annotations

from plugin_support import LiveSuite, enabled_env

REASON = "SDK 0.5.0: export_to_sql truncates names over 63 characters"


def test_sdk_defect_that_still_fails_is_an_expected_known_defect(suite: LiveSuite) -> None:
    suite.write(
        "test_live.py",
        f"""
        import pytest

        @pytest.mark.resource("export.sql")
        @pytest.mark.sdk_defect({REASON!r})
        def test_long_names_kept():
            assert "x" * 64 == "x" * 63

        @pytest.mark.resource("studies")
        def test_studies():
            pass
        """,
    )
    run = suite.run("-rx", env=enabled_env())
    assert run.returncode == 0, run
    run.lines.fnmatch_lines([f"XFAIL test_live.py::test_long_names_kept - {REASON}"])
    entry = run.test("test_long_names_kept")
    assert entry["outcome"] == "skipped"
    assert entry["category"] == "known-sdk-defect"
    assert entry["expected"] is True
    assert entry["message"] == REASON
    outcomes = run.outcomes()
    assert outcomes["violations"] == []
    assert outcomes["counts"]["known_sdk_defects"] == 1
    assert outcomes["counts"]["unexpected_skips"] == 0


def test_sdk_defect_that_passes_fails_the_session_naming_the_fixed_defect(
    suite: LiveSuite,
) -> None:
    suite.write(
        "test_live.py",
        f"""
        import pytest

        @pytest.mark.resource("export.sql")
        @pytest.mark.sdk_defect({REASON!r})
        def test_long_names_kept():
            assert "x" * 64 == "x" * 64
        """,
    )
    run = suite.run(env=enabled_env())
    assert run.returncode == 1, run
    run.lines.fnmatch_lines([f"*SDK defect fixed: {REASON}: the test now passes*sdk_defect*"])
    entry = run.test("test_long_names_kept")
    assert entry["outcome"] == "failed"
    assert entry["failure_kind"] == "sdk-defect-fixed"
    assert entry["message"].startswith(f"SDK defect fixed: {REASON}")
    assert "remove its @pytest.mark.sdk_defect marker" in entry["message"]
    assert entry["category"] is None


def test_sdk_defect_is_strict_even_where_the_ini_says_otherwise(suite: LiveSuite) -> None:
    ini = suite.root / "pytest.ini"
    ini.write_text(ini.read_text().replace("xfail_strict = true", "xfail_strict = false"))
    suite.write(
        "test_live.py",
        """
        import pytest

        @pytest.mark.resource("studies")
        @pytest.mark.sdk_defect("SDK 0.5.0: fixed meanwhile")
        def test_fixed():
            pass
        """,
    )
    run = suite.run(env=enabled_env())
    assert run.returncode == 1, run
    assert run.test("test_fixed")["failure_kind"] == "sdk-defect-fixed"


def test_bare_xfail_stays_unclassified_beside_an_sdk_defect(suite: LiveSuite) -> None:
    suite.write(
        "test_live.py",
        f"""
        import pytest

        @pytest.mark.resource("studies")
        @pytest.mark.xfail(reason="known")
        def test_bare():
            assert False

        @pytest.mark.resource("export.sql")
        @pytest.mark.sdk_defect({REASON!r})
        def test_defect():
            assert False

        @pytest.mark.resource("sites")
        @pytest.mark.sdk_defect({REASON!r})
        def test_imperative():
            pytest.xfail("decided at run time")
        """,
    )
    run = suite.run(env=enabled_env())
    assert run.returncode == 1, run
    run.lines.fnmatch_lines(["unclassified: test_live.py::test_bare: unclassified skip*"])
    assert run.test("test_bare")["category"] == "unclassified"
    assert run.test("test_imperative")["category"] == "unclassified"
    assert run.test("test_defect")["category"] == "known-sdk-defect"
    assert {v["nodeid"] for v in run.violations()} == {
        "test_live.py::test_bare",
        "test_live.py::test_imperative",
    }


def test_a_broken_fixture_of_an_sdk_defect_test_is_an_error_not_a_known_defect(
    suite: LiveSuite,
) -> None:
    suite.write(
        "test_live.py",
        f"""
        import pytest

        @pytest.fixture
        def database():
            raise ConnectionError("database unreachable")

        @pytest.mark.resource("export.sql")
        @pytest.mark.sdk_defect({REASON!r})
        def test_defect(database):
            assert False
        """,
    )
    run = suite.run(env=enabled_env())
    assert run.returncode == 1, run
    entry = run.test("test_defect")
    assert entry["outcome"] == "error"
    assert "database unreachable" in entry["message"]
    assert run.outcomes()["counts"]["known_sdk_defects"] == 0


def test_sdk_defect_without_a_reason_is_a_marker_violation(suite: LiveSuite) -> None:
    suite.write(
        "test_live.py",
        """
        import pytest

        @pytest.mark.resource("studies")
        @pytest.mark.sdk_defect()
        def test_unexplained():
            pass
        """,
    )
    run = suite.run(env=enabled_env())
    assert run.returncode == 1, run
    run.lines.fnmatch_lines(
        ["marker: test_live.py::test_unexplained: *sdk_defect without a reason*"]
    )


def test_sdk_defect_whose_package_is_missing_skips_as_dependency_missing(
    suite: LiveSuite,
) -> None:
    """In a profile without the integration, the skip in set-up is the profile's, not an error."""
    suite.write(
        "test_live.py",
        f"""
        import pytest

        @pytest.mark.resource("airflow.hook")
        @pytest.mark.requires_package("airflow")
        @pytest.mark.sdk_defect({REASON!r})
        def test_long_names_kept():
            assert "x" * 64 == "x" * 63
        """,
    )
    run = suite.run(env=enabled_env(IMEDNET_LIVE_PROFILE="exports"))
    assert run.returncode == 0, run
    entry = run.test("test_long_names_kept")
    assert entry["outcome"] == "skipped"
    assert entry["category"] == "dependency-missing"
    assert entry["expected"] is True
    assert run.outcomes()["counts"]["known_sdk_defects"] == 0
