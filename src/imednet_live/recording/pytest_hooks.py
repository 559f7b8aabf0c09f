"""pytest side of recording and replay: every process records or replays its own traffic.

Against a live target each process also learns the personal values it sees
(``personal``), and everything it writes or prints passes the output boundary
(``boundary``): its streams are wrapped before pytest captures them, its reprs are
scrubbed before pytest cuts them, and once every worker has left its values the
controller scrubs the session's files (junit.xml included) with all of them. The
values stay for the noxfile's leak scan when the session ends.

Loaded next to the charter plugin by ``tests/live/pytest.ini``. Controller and xdist
workers each start in ``pytest_configure``; a worker saves its cassette in
``pytest_sessionfinish``, before it reports itself finished, so the noxfile's leak
scan after the session sees every file.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path

import pytest

from imednet_live.core.env_vars import REPORT_DIR
from imednet_live.core.settings import env_secrets, read_var
from imednet_live.recording import boundary, personal
from imednet_live.recording import session as recording_session
from imednet_live.recording.layout import RecordingError


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> Generator[None, None, None]:
    """Around pytest's capture plugin, so before it starts: the terminal writer and every
    capture it restores then hold the wrapped streams."""
    boundary.install_streams()
    return (yield)


def pytest_configure(config: pytest.Config) -> None:
    personal.start()
    try:
        recording_session.start()
    except RecordingError as exc:
        raise pytest.UsageError(str(exc)) from None


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """The controller learns what its workers saw before anything writes the session's files."""
    if not hasattr(session.config, "workerinput"):
        personal.absorb()


@pytest.hookimpl(trylast=True, specname="pytest_sessionfinish")
def pytest_sessionfinish_last(session: pytest.Session) -> None:
    """After every writer (junitxml too): the files through the boundary, a failure red."""
    _stop()
    personal.dump()
    if hasattr(session.config, "workerinput") or personal.scrubber() is None:
        return
    _, failures = boundary.scrub_artifacts(_artifacts(session.config), env_secrets(os.environ))
    if failures:
        terminal = session.config.pluginmanager.get_plugin("terminalreporter")
        for failure in failures:
            if terminal is not None:
                terminal.write_line(f"output boundary: {failure}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _artifacts(config: pytest.Config) -> list[Path]:
    """The session's files: its report directory and a JUnit file written elsewhere."""
    found = read_var(os.environ, REPORT_DIR)
    report_dir = Path(found).resolve() if found else None
    paths = [report_dir] if report_dir is not None else []
    xml = getattr(config.option, "xmlpath", None)
    if xml and Path(xml).is_file():
        xml_path = Path(xml).resolve()
        if report_dir is None or not xml_path.is_relative_to(report_dir):
            paths.append(xml_path)
    return paths


def pytest_unconfigure(config: pytest.Config) -> None:
    _stop()
    personal.stop()


def _stop() -> None:
    recording_session.stop()
