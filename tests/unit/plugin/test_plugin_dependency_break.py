"""A failure a dependency upgrade causes is a dependency break, never a plain failure.

Declared breaks (``dependency_break(key)``, sdk/dependency_breaks.py) are strict xfails
where the installed versions have them, naming the package and both versions; one that
passes, or fails otherwise than declared, fails the session naming it. Under ``latest``
an undeclared failure whose traceback runs through a package that moved from the lock
is classified ``dependency-break`` naming it. The resolution and the lock diff are in
the banner, outcomes.json and the JUnit properties.
"""

from __future__ import annotations

from importlib import metadata

from plugin_support import LiveSuite, enabled_env

_DECLARE = """
from imednet_live.sdk import dependency_breaks as b

def _declare(key, present, symptom="boom: ctx missing"):
    b._BREAKS[key] = b.DependencyBreak(
        key, "pytest", "the fake CLI", "pytest<0.1", symptom, lambda: present
    )

_declare("fake_present", True)
_declare("fake_absent", False)
"""

_TESTS = """
import conftest_declared  # noqa: F401
import pytest

@pytest.mark.resource("cli")
@pytest.mark.dependency_break("fake_present")
def test_broken():
    raise TypeError("boom: ctx missing")

@pytest.mark.resource("cli")
@pytest.mark.dependency_break("fake_present")
def test_passes_despite_break():
    pass

@pytest.mark.resource("cli")
@pytest.mark.dependency_break("fake_present")
def test_fails_otherwise():
    raise KeyError("something else")

@pytest.mark.resource("cli")
@pytest.mark.dependency_break("fake_absent")
def test_unaffected():
    pass

@pytest.mark.resource("studies")
def test_undeclared():
    from packaging.version import Version
    Version("not a version")
"""


def test_breaks_under_latest_are_named_with_both_versions(suite: LiveSuite) -> None:
    lock = suite.root / "core-py3.11.txt"
    lock.write_text("pytest==0.0.1\npackaging==0.0.2\n    # via pytest\n")
    suite.write("conftest_declared.py", _DECLARE)
    suite.write("test_live.py", _TESTS)
    junit = suite.root / "junit.xml"
    env = enabled_env(IMEDNET_LIVE_RESOLUTION="latest", IMEDNET_LIVE_LOCK_FILE=str(lock))
    run = suite.run("-rx", "--junitxml", str(junit), env=env)
    assert run.returncode == 1, run
    pytest_version = metadata.version("pytest")

    broken = run.test("test_broken")
    assert (broken["outcome"], broken["category"], broken["expected"]) == (
        "skipped", "dependency-break", True,
    )  # fmt: skip
    assert broken["message"].startswith(
        f"dependency break: pytest {pytest_version} (lock: 0.0.1) breaks the fake CLI"
    )
    assert "works with pytest<0.1" in broken["message"]

    gone = run.test("test_passes_despite_break")
    assert (gone["outcome"], gone["failure_kind"]) == ("failed", "dependency-break-gone")
    assert gone["message"].startswith("declared dependency break absent: dependency break:")
    otherwise = run.test("test_fails_otherwise")
    assert (otherwise["outcome"], otherwise["failure_kind"]) == ("failed", "dependency-break-gone")
    assert "failed otherwise: 'something else'" in otherwise["message"]
    assert run.test("test_unaffected")["outcome"] == "passed"

    undeclared = run.test("test_undeclared")
    assert undeclared["failure_kind"] == "dependency-break"
    packaging_version = metadata.version("packaging")
    assert undeclared["message"].startswith(
        f"dependency break: packaging {packaging_version} (lock: 0.0.2) is in the failure's "
        "traceback: "
    )

    outcomes = run.outcomes()
    assert outcomes["resolution"] == "latest"
    moved = {d["name"]: d for d in outcomes["lock_differences"]}
    assert moved["pytest"] == {"name": "pytest", "locked": "0.0.1", "installed": pytest_version}
    assert outcomes["counts"]["dependency_breaks"] == 1
    assert outcomes["violations"] == []
    banner = [line for line in outcomes["context"] if "resolution:" in line]
    assert banner
    assert banner[0].strip().startswith("resolution: latest:")
    assert f"pytest 0.0.1 -> {pytest_version}" in banner[0]
    xml = junit.read_text(encoding="utf-8")
    assert '<property name="resolution" value="latest"' in xml
    assert f'<property name="lock:pytest" value="0.0.1 -&gt; {pytest_version}"' in xml


def test_under_the_lock_an_undeclared_failure_stays_what_it_is(suite: LiveSuite) -> None:
    lock = suite.root / "core-py3.11.txt"
    lock.write_text("packaging==0.0.2\n")
    suite.write("conftest_declared.py", _DECLARE)
    suite.write("test_live.py", _TESTS)
    run = suite.run("-k", "undeclared", env=enabled_env(IMEDNET_LIVE_LOCK_FILE=str(lock)))
    assert run.returncode == 1, run
    assert run.test("test_undeclared")["failure_kind"] == "other"
    assert run.outcomes()["resolution"] == "locked"
