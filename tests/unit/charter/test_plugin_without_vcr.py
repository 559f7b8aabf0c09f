"""VCR.py is needed only when recording or replay is switched on; then its absence is one line."""

from __future__ import annotations

from pathlib import Path

from plugin_support import LiveSuite, enabled_env

PASSING = """
import pytest

@pytest.mark.resource("studies")
def test_ok():
    assert True
"""


def test_a_suite_without_vcr_runs_when_recording_is_off(tmp_path: Path) -> None:
    suite = LiveSuite(tmp_path)
    suite.hide_packages("vcr")
    suite.write("test_ok.py", PASSING)
    run = suite.run(env=enabled_env())
    assert run.returncode == 0, run
    assert "INTERNALERROR" not in run.stdout + run.stderr


def test_recording_without_vcr_is_one_line_naming_the_package(tmp_path: Path) -> None:
    suite = LiveSuite(tmp_path)
    suite.hide_packages("vcr")
    suite.write("test_ok.py", PASSING)
    env = enabled_env(IMEDNET_LIVE_RECORD="1", IMEDNET_LIVE_RECORDING_DIR=str(tmp_path / "rec"))
    run = suite.run(env=env)
    assert run.returncode != 0, run
    output = run.stdout + run.stderr
    assert "Traceback" not in output, run
    assert "INTERNALERROR" not in output, run
    assert "recording needs the package 'vcr'" in output, run
    assert not (tmp_path / "rec").exists()
