"""The opt-out of personal-data scrubbing is named in the banner whenever it is set."""

from __future__ import annotations

from plugin_support import LiveSuite, enabled_env

PASSING = """
import pytest

@pytest.mark.resource("studies")
def test_ok():
    assert True
"""


def test_the_banner_names_the_opt_out_when_set(suite: LiveSuite) -> None:
    suite.write("test_ok.py", PASSING)
    kept = suite.run(env=enabled_env(IMEDNET_LIVE_KEEP_PERSONAL="1"))
    kept.lines.fnmatch_lines(["*personal data: KEPT*IMEDNET_LIVE_KEEP_PERSONAL=1*"])
    plain = suite.run(env=enabled_env())
    assert "personal data:" not in plain.stdout, plain
