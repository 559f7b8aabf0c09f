"""The workers nox chose, and why, reach the banner and outcomes.json."""

from __future__ import annotations

from plugin_support import LiveSuite, enabled_env

ONE_TEST = """
    import pytest

    @pytest.mark.resource("studies")
    def test_one():
        pass
"""
WHY = "-n 0: 2 cores, round-trip 1 ms (probe of 3 GETs), 4 session(s) in parallel; local target"


def test_the_chosen_workers_are_in_the_banner_and_the_outcomes(suite: LiveSuite) -> None:
    suite.write("test_live.py", ONE_TEST)
    run = suite.run("-n", "0", env=enabled_env(IMEDNET_LIVE_CONCURRENCY=WHY))
    assert run.returncode == 0, run
    run.lines.fnmatch_lines(["imednet-live charter context:", f"  workers: {WHY}"])
    outcomes = run.outcomes()
    assert outcomes["concurrency"] == WHY
    assert f"  workers: {WHY}" in outcomes["context"]


def test_without_a_choice_the_banner_says_nothing_of_workers(suite: LiveSuite) -> None:
    suite.write("test_live.py", ONE_TEST)
    run = suite.run(env=enabled_env())
    assert run.returncode == 0, run
    assert "  workers:" not in run.stdout
    assert run.outcomes()["concurrency"] is None
