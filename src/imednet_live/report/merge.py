"""Read every session's outcomes.json and fold them into a resource x session grid.

Columns follow the order the matrix runs (core, exports, airflow, mutating). Two
sessions may share a name when they tested different SDK builds; each column gets a
label that tells them apart, so they stand side by side instead of being refused.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from imednet_live.charter.markers import RESOURCES, UNASSIGNED
from imednet_live.charter.outcomes import (
    OUTCOMES_FILE,
    SessionOutcomes,
    TestOutcome,
    Violation,
    is_known_sdk_defect,
    is_sdk_surface_change,
)
from imednet_live.core.profiles import PROFILES

_Model = TypeVar("_Model", bound=BaseModel)


class ReportInputError(ValueError):
    """An outcomes file is missing or unreadable; the message is one line naming it."""


class CellStatus(str, Enum):
    """Worst first: a cell shows the worst thing that happened in it."""

    FAIL = "fail"
    UNEXPECTED_SKIP = "unexpected-skip"
    PASS = "pass"
    EXPECTED_SKIP = "expected-skip"
    EMPTY = "empty"


@dataclass
class Cell:
    counts: Counter[str] = field(default_factory=Counter)
    notable: list[TestOutcome] = field(default_factory=list)  # everything but plain passes

    def add(self, test: TestOutcome) -> None:
        if test.outcome in ("failed", "error"):
            self.counts["failed"] += 1
        elif not test.expected:
            self.counts["unexpected"] += 1
        elif is_known_sdk_defect(test):
            self.counts["known_defects"] += 1
        elif is_sdk_surface_change(test):
            self.counts["surface_changes"] += 1
        elif test.outcome == "skipped":
            self.counts["skipped"] += 1
        else:
            self.counts["passed"] += 1
        if test.outcome != "passed" or not test.expected:
            self.notable.append(test)

    @property
    def status(self) -> CellStatus:
        if self.counts["failed"]:
            return CellStatus.FAIL
        if self.counts["unexpected"]:
            return CellStatus.UNEXPECTED_SKIP
        if self.counts["passed"]:
            return CellStatus.PASS
        if self.counts["skipped"] or self.counts["known_defects"] or self.counts["surface_changes"]:
            return CellStatus.EXPECTED_SKIP
        return CellStatus.EMPTY

    def label(self) -> str:
        parts = [
            f"{self.counts[key]} {word}"
            for key, word in (
                ("passed", "pass"),
                ("skipped", "skip"),
                ("known_defects", "known defect"),
                ("surface_changes", "surface change"),
                ("unexpected", "unexpected"),
                ("failed", "fail"),
            )
            if self.counts[key]
        ]
        return " · ".join(parts) or "-"


@dataclass(frozen=True)
class Column:
    """One session's outcomes as a grid column; ``key`` is unique within the report."""

    key: str
    outcomes: SessionOutcomes
    folder: str = ""  # the session's folder under the reports directory, when read from disk

    @property
    def is_red(self) -> bool:
        """The charter's red: a failure, an unexpected skip (or run), or a violation."""
        return bool(
            self.outcomes.violations
            or any(t.outcome in ("failed", "error") or not t.expected for t in self.outcomes.tests)
        )


@dataclass(frozen=True)
class Matrix:
    columns: list[Column]
    resources: list[str]
    cells: dict[tuple[str, str], Cell]

    @property
    def sessions(self) -> list[SessionOutcomes]:
        return [c.outcomes for c in self.columns]

    def cell(self, resource: str, key: str) -> Cell:
        return self.cells.get((resource, key), Cell())

    def violations(self) -> list[tuple[str, Violation]]:
        return [(c.key, v) for c in self.columns for v in c.outcomes.violations]


def sdk_build(session: SessionOutcomes) -> str:
    """The SDK build a session tested (``imednet 0.8.0 + ...``); "" when not recorded."""
    dists = session.sdk_distributions or (
        {"imednet": session.sdk_version} if session.sdk_version else {}
    )
    return " + ".join(f"{name} {version}" for name, version in dists.items())


def find_outcome_files(reports_dir: Path, *, allow_empty: bool = False) -> list[Path]:
    """``allow_empty``: smoke ran but went red, so the live sessions never wrote anything."""
    if not reports_dir.is_dir():
        raise ReportInputError(f"reports directory {reports_dir} does not exist")
    files = sorted(reports_dir.glob(f"*/{OUTCOMES_FILE}"))
    if not files and not allow_empty:
        raise ReportInputError(
            f"no {reports_dir}/*/{OUTCOMES_FILE} found: run a live nox session first"
        )
    return files


def load_session(path: Path) -> SessionOutcomes:
    advice = "re-run that session or delete its folder"
    return read_model(path, SessionOutcomes, "outcomes file", advice)


def read_model(path: Path, model: type[_Model], what: str, advice: str) -> _Model:
    """``path`` read as ``model``; any problem is a one-line ReportInputError naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReportInputError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ReportInputError(f"{path} is not UTF-8 text; {advice}") from None
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        raise ReportInputError(
            f"{path} is not a valid {what} ({first_error(exc)}); {advice}"
        ) from None


def first_error(exc: ValidationError) -> str:
    """One line for the operator: where the first problem is and what it is."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "(top level)"
    return f"{where}: {first['msg']}"


def matrix_order(session: SessionOutcomes, folder: str = "") -> tuple[int, str, str, str]:
    """The order the matrix runs: by profile (core, exports, airflow, mutating), then name."""
    rank = list(PROFILES).index(session.profile) if session.profile in PROFILES else len(PROFILES)
    return (rank, session.session, session.sdk_version or "", folder)


def _keys(sessions: list[tuple[SessionOutcomes, str]]) -> list[str]:
    """Session names, told apart by SDK build and then by folder when names repeat."""
    names = [s.session for s, _ in sessions]
    keys = [
        f"{s.session} [imednet {s.sdk_version or 'unknown'}]"
        if names.count(s.session) > 1
        else s.session
        for s, _ in sessions
    ]
    return [
        f"{key} ({folder or index + 1})" if keys.count(key) > 1 else key
        for index, (key, (_, folder)) in enumerate(zip(keys, sessions, strict=True))
    ]


def build_matrix(sessions: list[SessionOutcomes], folders: list[str] | None = None) -> Matrix:
    pairs = sorted(
        zip(sessions, folders or [""] * len(sessions), strict=True), key=lambda p: matrix_order(*p)
    )
    columns = [Column(key, s, folder) for key, (s, folder) in zip(_keys(pairs), pairs, strict=True)]
    cells: dict[tuple[str, str], Cell] = {}
    for column in columns:
        for test in column.outcomes.tests:
            key = (test.resource or UNASSIGNED, column.key)
            cells.setdefault(key, Cell()).add(test)
    seen = {resource for resource, _ in cells}
    extra = sorted(seen - set(RESOURCES))
    # Every charter resource gets a row: an empty row is a coverage gap worth seeing.
    return Matrix(columns, [*RESOURCES, *extra], cells)


def load_matrix(reports_dir: Path, *, allow_empty: bool = False) -> Matrix:
    files = find_outcome_files(reports_dir, allow_empty=allow_empty)
    folders = [path.parent.relative_to(reports_dir).as_posix() for path in files]
    return build_matrix([load_session(path) for path in files], folders)


SDK_LOG_LINES_SHOWN = 5
SDK_LOG_LINE_CHARS = 400


def sdk_log_excerpt(lines: list[str]) -> list[str]:
    """What the report shows of a failure's SDK log: the first lines, each cut short."""
    shown = [
        line if len(line) <= SDK_LOG_LINE_CHARS else line[: SDK_LOG_LINE_CHARS - 1] + "…"
        for line in lines[:SDK_LOG_LINES_SHOWN]
    ]
    if len(lines) > SDK_LOG_LINES_SHOWN:
        shown.append(f"(+{len(lines) - SDK_LOG_LINES_SHOWN} more in {OUTCOMES_FILE})")
    return shown
