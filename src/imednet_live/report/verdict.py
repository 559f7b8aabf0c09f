"""The one-line answer an operator reads first, and the facts both report formats show.

The charter's meanings: any failure, unexpected skip, charter violation or red smoke gate
makes the run RED; a run in which no test passed (all skipped, or no live session at
all) did not execute, so it is NOT RUN rather than green; anything else is GREEN. A known
SDK defect (an ``sdk_defect`` test failing as its marker says) is counted and listed
apart, and changes none of this.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from imednet_live.charter.outcomes import (
    SessionOutcomes,
    TestOutcome,
    is_dependency_break,
    is_known_sdk_defect,
    is_sdk_surface_change,
)
from imednet_live.core.redaction import safe_url
from imednet_live.report.merge import CellStatus, Column, Matrix, sdk_build
from imednet_live.report.smoke_gate import SmokeGate

FIRST_LINE_CHARS = 300


class Status(str, Enum):
    GREEN = "GREEN"
    RED = "RED"
    NOT_RUN = "NOT RUN"


@dataclass(frozen=True)
class Counts:
    failed: int = 0
    unexpected: int = 0
    violations: int = 0
    expected_skips: int = 0
    passed: int = 0
    known_defects: int = 0  # expected skips of category known-sdk-defect, counted apart
    surface_changes: int = 0  # declared SDK surface changes this build has, counted apart
    dependency_breaks: int = 0  # declared breaks these dependency versions have, apart

    @classmethod
    def of(cls, sessions: list[SessionOutcomes]) -> Counts:
        tests = [t for s in sessions for t in s.tests]
        return cls(
            failed=sum(is_failure(t) for t in tests),
            unexpected=sum(not is_failure(t) and not t.expected for t in tests),
            violations=sum(len(s.violations) for s in sessions),
            expected_skips=sum(
                t.outcome == "skipped"
                and t.expected
                and not is_known_sdk_defect(t)
                and not is_sdk_surface_change(t)
                and not is_dependency_break(t)
                for t in tests
            ),
            passed=sum(t.outcome == "passed" and t.expected for t in tests),
            known_defects=sum(is_known_sdk_defect(t) for t in tests),
            surface_changes=sum(is_sdk_surface_change(t) for t in tests),
            dependency_breaks=sum(is_dependency_break(t) for t in tests),
        )

    def parts(self) -> list[str]:
        return [
            f"{self.failed} failed",
            _plural(self.unexpected, "unexpected skip"),
            _plural(self.violations, "charter violation"),
            _plural(self.expected_skips, "expected skip"),
            *([_plural(self.known_defects, "known SDK defect")] if self.known_defects else []),
            *(
                [_plural(self.surface_changes, "SDK surface change")]
                if self.surface_changes
                else []
            ),
            *(
                [_plural(self.dependency_breaks, "dependency break")]
                if self.dependency_breaks
                else []
            ),
            f"{self.passed} passed",
        ]


@dataclass(frozen=True)
class Failure:
    """A failed (or errored) test, numbered for its anchor in the report."""

    number: int
    column: Column
    test: TestOutcome

    @property
    def anchor(self) -> str:
        return f"failure-{self.number}"

    @property
    def first_line(self) -> str:
        return first_line(self.test.message)

    @property
    def has_more(self) -> bool:
        """Whether the full details say more than the first line."""
        return bool(self.test.sdk_log) or self.test.message.strip() != self.first_line


@dataclass(frozen=True)
class Verdict:
    status: Status
    counts: Counts
    red_sessions: list[str]
    notes: list[str]

    @property
    def headline(self) -> str:
        """``RED · 2 failed · ...``: the first line of summary.md and the step summary."""
        return " · ".join([self.status.value, *self.counts.parts()])


def is_failure(test: TestOutcome) -> bool:
    return test.outcome in ("failed", "error")


def first_line(message: str) -> str:
    line = next((ln.strip() for ln in message.splitlines() if ln.strip()), "(no message)")
    return line if len(line) <= FIRST_LINE_CHARS else line[: FIRST_LINE_CHARS - 1] + "…"


def judge(matrix: Matrix, smoke: SmokeGate | None) -> Verdict:
    counts = Counts.of(matrix.sessions)
    red_sessions = [c.key for c in matrix.columns if c.is_red]
    smoke_red = smoke is not None and smoke.status is CellStatus.FAIL
    notes: list[str] = []
    if smoke_red and smoke is not None:
        notes.append(
            f"smoke gate red (exit {smoke.exit_code}): {smoke.meaning.removeprefix('red: ')}"
        )
    if counts.failed or counts.unexpected or counts.violations or smoke_red:
        status = Status.RED
    elif counts.passed == 0:
        status = Status.NOT_RUN
        notes.append(
            "no live session ran" if not matrix.columns else "no test ran: every test skipped"
        )
    else:
        status = Status.GREEN
    if smoke is not None and smoke.status is CellStatus.EXPECTED_SKIP:
        notes.append("smoke gate skipped (exit 2): the write path was not proved")
    return Verdict(status, counts, red_sessions, notes)


def failures(matrix: Matrix) -> list[Failure]:
    found = [
        (column, test) for column in matrix.columns for test in column.outcomes.tests
        if is_failure(test)
    ]  # fmt: skip
    return [Failure(n, column, test) for n, (column, test) in enumerate(found, start=1)]


@dataclass(frozen=True)
class KnownDefect:
    """A test that failed as its ``sdk_defect`` marker says; ``test.message`` is the reason."""

    column: Column
    test: TestOutcome


def _tests_where(matrix: Matrix, keep: Callable[[TestOutcome], bool]) -> list[KnownDefect]:
    return [
        KnownDefect(column, test)
        for column in matrix.columns
        for test in column.outcomes.tests
        if keep(test)
    ]


def known_defects(matrix: Matrix) -> list[KnownDefect]:
    return _tests_where(matrix, is_known_sdk_defect)


def surface_changes(matrix: Matrix) -> list[KnownDefect]:
    """The declared SDK surface changes the build has (their contract tests' outcomes)."""
    return _tests_where(matrix, is_sdk_surface_change)


def target_text(session: SessionOutcomes) -> str:
    """Target kind and where it points: base URL without userinfo, or the recording."""
    if session.target_kind == "replay":
        return f"replay · recording {session.recording or 'unknown'}"
    return f"{session.target_kind} · {safe_url(session.base_url)}"


def sdk_text(session: SessionOutcomes) -> str:
    return sdk_build(session) or "-"


def wall_text(session: SessionOutcomes) -> str:
    return seconds_text(session.wall_seconds)


def seconds_text(wall_seconds: float | None) -> str:
    if wall_seconds is None:
        return "-"
    minutes, seconds = divmod(wall_seconds, 60)
    return f"{int(minutes)} min {seconds:.0f} s" if minutes else f"{seconds:.1f} s"


def workers_text(session: SessionOutcomes) -> str:
    """What the session chose for xdist and why (``-n 0: 2 cores, round-trip 1 ms ...``)."""
    return session.concurrency or "-"


def requests_text(session: SessionOutcomes) -> str:
    return "-" if session.api_requests is None else str(session.api_requests)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
