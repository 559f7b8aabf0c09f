"""The report's view of the resolution axis: which dependencies each session ran, and breaks.

A session is listed when it ran outside the lock (``latest``/``lowest``) or its venv
differs from the lock; a ``latest`` that resolved exactly the lock says so.
"""

from __future__ import annotations

from imednet_live.charter.outcomes import SessionOutcomes, is_dependency_break
from imednet_live.report.merge import Matrix
from imednet_live.report.verdict import KnownDefect, _tests_where
from imednet_live.resolution import Difference, Resolution, describe

TITLE = "Dependency resolution"
BREAKS_TITLE = "Dependency breaks"


def resolution_text(session: SessionOutcomes) -> str:
    """``latest: 2 differing from the lock: click 8.1.8 -> 8.5.1, ...``"""
    moved = [Difference(d.name, d.locked, d.installed) for d in session.lock_differences]
    try:
        name = Resolution(session.resolution)
    except ValueError:
        return session.resolution
    return describe(name, moved)


def resolution_rows(matrix: Matrix) -> list[tuple[str, str]]:
    """(session, text) for every session that ran outside the lock or differs from it."""
    return [
        (column.key, resolution_text(column.outcomes))
        for column in matrix.columns
        if column.outcomes.resolution != Resolution.LOCKED or column.outcomes.lock_differences
    ]


def dependency_breaks(matrix: Matrix) -> list[KnownDefect]:
    """Declared dependency breaks these sessions' versions have (their tests' outcomes)."""
    return _tests_where(matrix, is_dependency_break)
