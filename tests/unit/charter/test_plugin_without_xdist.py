"""Serial debugging: the live suite collects with xdist switched off (``-p no:xdist``)."""

from __future__ import annotations

import pytest
from plugin_support import LiveSuite, enabled_env

GROUPED = """
    import pytest

    pytestmark = pytest.mark.xdist_group("airflow")

    @pytest.mark.resource("studies")
    def test_grouped():
        pass
"""


@pytest.mark.parametrize("xdist", [("-p", "no:xdist"), ("-n", "0")], ids=["no-xdist", "xdist"])
def test_xdist_group_marker_is_known_with_or_without_xdist(
    suite: LiveSuite, xdist: tuple[str, str]
) -> None:
    suite.write("test_live.py", GROUPED)
    run = suite.run(*xdist, env=enabled_env())
    assert run.returncode == 0, run
    assert "'xdist_group' not found" not in run.stdout + run.stderr, run
    assert run.test("test_grouped")["outcome"] == "passed"
