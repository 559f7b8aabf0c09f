"""The session's PostgreSQL: started once by the controller, a fresh database per test.

Under xdist only the controller (the process without ``workerinput``) starts the server,
before the workers exist, and hands its URL to them through the environment; it stops
the server when the session ends. Without xdist the one process does both.
``IMEDNET_EXPORT_DB_URL`` replaces the server with an external database (a fresh schema
per test there). Where there is no server, the PostgreSQL tests fail with the one-line
reason (``imednet_live.postgres.session``): a profile that promises exports never skips
them away.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from imednet_live.core import env_vars
from imednet_live.live.support import write_tag
from imednet_live.postgres import session
from imednet_live.postgres.databases import fresh_database
from imednet_live.postgres.server import PostgresUnavailable, RunningServer

_SERVER_KEY = pytest.StashKey[RunningServer]()
_HEADER_KEY = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput") or not session.wants_own_server(os.environ):
        return  # a worker (the controller decided), or nothing to start
    running = session.start_for_session(os.environ)
    if running is None:
        reason = os.environ.get(env_vars.POSTGRES_ERROR, "")
        config.stash[_HEADER_KEY] = f"postgres: none, the PostgreSQL tests will fail: {reason}"
        return
    config.stash[_SERVER_KEY] = running
    config.stash[_HEADER_KEY] = (
        f"postgres: {running.source} on 127.0.0.1:{running.port} "
        f"(started in {running.start_seconds:.1f} s, stopped at the end)"
    )


@pytest.hookimpl(tryfirst=True)  # tryfirst: printed after the charter context
def pytest_report_header(config: pytest.Config) -> str | None:
    return config.stash.get(_HEADER_KEY, None)


def pytest_unconfigure(config: pytest.Config) -> None:
    running = config.stash.get(_SERVER_KEY, None)
    if running is not None:
        running.stop()


@pytest.fixture(scope="session")
def postgres_admin() -> tuple[str, bool]:
    """(admin URL, whether we own the server); fails in one line when there is none."""
    try:
        return session.admin_url(os.environ)
    except PostgresUnavailable as exc:
        reason = str(exc)
    pytest.fail(reason, pytrace=False)


@pytest.fixture
def postgres_url(postgres_admin: tuple[str, bool]) -> Iterator[str]:
    """A SQLAlchemy URL to a database (or schema) of this test alone, dropped after."""
    admin_url, owned = postgres_admin
    with fresh_database(admin_url, f"imednet_live_{write_tag()}".lower(), owned=owned) as url:
        yield url
