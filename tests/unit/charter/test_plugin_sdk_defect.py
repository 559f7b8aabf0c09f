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


_DECLARE = """
from imednet_live.sdk import surface_changes as s

s._CHANGES["fake_lazy"] = s.SurfaceChange("fake_lazy", "list() is lazy", "9.9", lambda: True)
s._CHANGES["fake_absent"] = s.SurfaceChange("fake_absent", "gone", "9.9", lambda: False)
s._DEFECTS["fake_gate"] = s.BuildDefect("fake_gate", "SDK 9.9: drops rows", lambda: True)
s._DEFECTS["fake_other"] = s.BuildDefect("fake_other", "SDK 9.8: other", lambda: False)
"""


def test_declared_surface_change_shows_once_as_its_own_category(suite: LiveSuite) -> None:
    """Present: the contract test's failure is expected, category sdk-surface-change;
    absent: the contract test runs as any test. A build defect applies where present."""
    suite.write("conftest_declared.py", _DECLARE)
    suite.write(
        "test_live.py",
        """
        import conftest_declared  # noqa: F401
        import pytest

        @pytest.mark.resource("sdk.surface")
        @pytest.mark.sdk_surface_change("fake_lazy")
        def test_list_is_a_list():
            assert isinstance(iter([]), list)

        @pytest.mark.resource("sdk.surface")
        @pytest.mark.sdk_surface_change("fake_absent")
        def test_still_there():
            pass

        @pytest.mark.resource("export.csv")
        @pytest.mark.sdk_defect(known="fake_gate")
        def test_rows_kept():
            assert [] == [1]

        @pytest.mark.resource("export.csv")
        @pytest.mark.sdk_defect(known="fake_other")
        def test_unaffected_build():
            pass
        """,
    )
    run = suite.run("-rx", env=enabled_env())
    assert run.returncode == 0, run
    change = run.test("test_list_is_a_list")
    assert (change["outcome"], change["category"], change["expected"]) == (
        "skipped",
        "sdk-surface-change",
        True,
    )
    assert change["message"] == "SDK surface change since 9.9: list() is lazy"
    assert run.test("test_still_there")["outcome"] == "passed"
    assert run.test("test_rows_kept")["category"] == "known-sdk-defect"
    assert run.test("test_unaffected_build")["outcome"] == "passed"
    counts = run.outcomes()["counts"]
    assert (counts["sdk_surface_changes"], counts["known_sdk_defects"]) == (1, 1)
    assert run.outcomes()["violations"] == []


def test_declared_surface_change_that_is_absent_on_the_build_fails_naming_it(
    suite: LiveSuite,
) -> None:
    suite.write("conftest_declared.py", _DECLARE)
    suite.write(
        "test_live.py",
        """
        import conftest_declared  # noqa: F401
        import pytest

        @pytest.mark.resource("sdk.surface")
        @pytest.mark.sdk_surface_change("fake_lazy")
        def test_list_is_a_list():
            pass
        """,
    )
    run = suite.run(env=enabled_env())
    assert run.returncode == 1, run
    entry = run.test("test_list_is_a_list")
    assert entry["outcome"] == "failed"
    assert entry["message"].startswith("declared surface change absent: SDK surface change")
