"""What changed since the previous run, test by test ("Changed since last run").

The previous run is a reports folder (``--previous DIR``) or, by default, the test states
the run history kept of its last run (report/run_history.py). Sessions are matched by
their column key (session name, and SDK build where names repeat), tests by node id.
Only changes an operator acts on are listed: a test that went red, one that went green,
and a skip that was not there before.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from imednet_live.charter.outcomes import TestOutcome
from imednet_live.report.merge import Matrix
from imednet_live.report.verdict import first_line, is_failure


class Change(str, Enum):
    WENT_RED = "went red"
    WENT_GREEN = "went green"
    NEW_SKIP = "new skip"


@dataclass(frozen=True)
class TestChange:
    change: Change
    session: str
    test: TestOutcome
    before: str  # the previous state: red, green, skipped, or absent

    @property
    def text(self) -> str:
        return first_line(self.test.message) if self.test.message else self.test.outcome


def _state(test: TestOutcome | None) -> str:
    if test is None:
        return "absent"
    if is_failure(test) or not test.expected:
        return "red"
    return "skipped" if test.outcome == "skipped" else "green"


def states_of(matrix: Matrix) -> dict[str, dict[str, str]]:
    """Column key -> node id -> red, green or skipped: all a later run's diff needs."""
    return {
        column.key: {test.nodeid: _state(test) for test in column.outcomes.tests}
        for column in matrix.columns
    }


def changes(current: Matrix, previous: Matrix) -> list[TestChange]:
    return changes_since(current, states_of(previous))


def changes_since(current: Matrix, before: dict[str, dict[str, str]]) -> list[TestChange]:
    found: list[TestChange] = []
    for column in current.columns:
        then_states = before.get(column.key, {})
        for test in column.outcomes.tests:
            now, then = _state(test), then_states.get(test.nodeid, "absent")
            if now == "red" and then != "red":
                found.append(TestChange(Change.WENT_RED, column.key, test, then))
            elif now == "green" and then == "red":
                found.append(TestChange(Change.WENT_GREEN, column.key, test, then))
            elif now == "skipped" and then not in ("skipped", "red"):
                found.append(TestChange(Change.NEW_SKIP, column.key, test, then))
    order = list(Change)
    return sorted(found, key=lambda c: order.index(c.change))
