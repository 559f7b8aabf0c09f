"""CI feedback: under GitHub Actions a failing live test is an ``::error`` annotation at its
file and line, and junit.xml lands in the step summary; a green run annotates nothing;
outside Actions the live suite prints no workflow command at all. Scrubbed like every output."""

from __future__ import annotations

from pathlib import Path

from plugin_support import CANARY_API_KEY, LiveSuite, SuiteRun, enabled_env

TESTS = """
    import os
    import pytest

    @pytest.mark.resource("studies")
    def test_green():
        assert True

    @pytest.mark.resource("sites")
    def test_red():
        key = os.environ["IMEDNET_API_KEY"]
        assert key == "something else", f"the key {key} was wrong"
"""
GREEN = """
    import pytest

    @pytest.mark.resource("studies")
    def test_green():
        assert True
"""


def _run(suite: LiveSuite, source: str, **actions: str) -> tuple[SuiteRun, Path]:
    summary = suite.root / "step-summary.md"
    suite.write("test_live.py", source)
    env = enabled_env(IMEDNET_API_KEY=CANARY_API_KEY, **actions)
    if actions:
        env.update(GITHUB_WORKSPACE=str(suite.root.parent), GITHUB_STEP_SUMMARY=str(summary))
    run = suite.run(f"--junitxml={suite.report_dir / 'junit.xml'}", env=env)
    return run, summary


def _commands(run: SuiteRun) -> list[str]:
    return [ln for ln in (run.stdout + run.stderr).splitlines() if ln.startswith("::")]


def test_a_failing_test_under_actions_is_an_error_at_its_file_and_line(suite: LiveSuite) -> None:
    run, summary = _run(suite, TESTS, GITHUB_ACTIONS="true")
    assert run.returncode == 1, run
    failing_line = next(
        n
        for n, text in enumerate((suite.root / "test_live.py").read_text().splitlines(), 1)
        if "assert key ==" in text
    )
    (command,) = _commands(run)
    where = f"{suite.root.name}/test_live.py"  # relative to GITHUB_WORKSPACE
    assert command.startswith(
        f"::error file={where},line={failing_line},title=test_live.py%3A%3Atest_red::"
    ), command
    assert "the key *** was wrong" in command  # the charter's headline, scrubbed
    assert CANARY_API_KEY not in run.stdout + run.stderr
    written = summary.read_text(encoding="utf-8")
    assert "### live session unit-session" in written
    assert "| 2 | 1 | 1 | 0 | 0 |" in written  # tests, passed, failed, errors, skipped
    assert "`test_live::test_red`" in written
    assert "the key *** was wrong" in written
    assert CANARY_API_KEY not in written


def test_a_green_run_under_actions_annotates_nothing(suite: LiveSuite) -> None:
    run, summary = _run(suite, GREEN, GITHUB_ACTIONS="true")
    assert run.returncode == 0, run
    assert _commands(run) == []
    assert "| 1 | 1 | 0 | 0 | 0 |" in summary.read_text(encoding="utf-8")


def test_outside_actions_the_live_suite_prints_no_workflow_command(suite: LiveSuite) -> None:
    run, summary = _run(suite, TESTS)
    assert run.returncode == 1, run
    assert "FAILED test_live.py::test_red" in run.stdout
    assert _commands(run) == []
    assert not summary.exists()
