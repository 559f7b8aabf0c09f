"""pytest side of recording and replay: every process records or replays its own traffic.

Against a live target each process also learns the personal values it sees
(``personal``), so the charter plugin pseudonymises them in everything it writes and
prints, and leaves them for the noxfile's leak scan when the session ends.

Loaded next to the charter plugin by ``tests/live/pytest.ini``. Controller and xdist
workers each start in ``pytest_configure``; a worker saves its cassette in
``pytest_sessionfinish``, before it reports itself finished, so the noxfile's leak
scan after the session sees every file.
"""

from __future__ import annotations

import pytest

from imednet_live.recording import personal
from imednet_live.recording import session as recording_session
from imednet_live.recording.layout import RecordingError


def pytest_configure(config: pytest.Config) -> None:
    personal.start()
    try:
        recording_session.start()
    except RecordingError as exc:
        raise pytest.UsageError(str(exc)) from None


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    _stop()
    personal.dump()


def pytest_unconfigure(config: pytest.Config) -> None:
    _stop()
    personal.stop()


def _stop() -> None:
    recording_session.stop()
