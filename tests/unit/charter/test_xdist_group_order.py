"""The live sessions' xdist options hand groups out in collection order.

tests/live/conftest.py puts the writes first (Airflow's sensors at the front) so that the
longest chain starts in the first round; xdist's default reorders groups by their number
of tests and would start the biggest group first instead.
"""

from __future__ import annotations

import re

from plugin_support import LiveSuite, enabled_env

from imednet_live.matrix.workers import XDIST_ARGS

# Collected first: a one-test group; then a three-test group xdist's default would start first.
GROUPS = """
    import pytest

    @pytest.mark.resource("studies")
    @pytest.mark.xdist_group("long-chain")
    def test_long_chain():
        pass

    @pytest.mark.resource("studies")
    @pytest.mark.xdist_group("many")
    @pytest.mark.parametrize("n", [1, 2, 3])
    def test_many(n):
        pass
"""


def test_groups_start_in_collection_order(suite: LiveSuite) -> None:
    """One worker runs the groups in the order xdist hands them out (its default: ``many``)."""
    suite.write("test_live.py", GROUPS)
    run = suite.run("-n", "1", *XDIST_ARGS, "-v", "-p", "no:randomly", env=enabled_env())
    assert run.returncode == 0, run
    order = re.findall(r"PASSED \S+::(test_\w+)", run.stdout)
    assert order[0] == "test_long_chain", order
    assert len(order) == 4, order
