"""The session's PostgreSQL: started once by the controller, a fresh database per test.

Under xdist only the controller (the process without ``workerinput``) starts the server,
before the workers exist, and hands its URL to them through the environment; the
controller stops it when the session ends. Without xdist the one process does both.
``IMEDNET_EXPORT_DB_URL`` replaces the server with an external database (a fresh schema
per test there). The server starts only where the SQL tests can use it (psycopg and
SQLAlchemy importable, suite enabled); where it cannot start, the PostgreSQL tests fail
with the one-line reason: a profile that promises exports never skips them away.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator

import pytest

from imednet_live import config as names
from imednet_live.config import Settings
from imednet_live.live_support import write_tag
from imednet_live.postgres import server as pg_server
from imednet_live.postgres.databases import fresh_database, probe
from imednet_live.postgres.server import PostgresUnavailable

_SERVER_KEY = pytest.StashKey[pg_server.RunningServer]()
_HEADER_KEY = pytest.StashKey[str]()


def _wanted(config: pytest.Config) -> bool:
    if hasattr(config, "workerinput"):
        return False  # a worker: the controller started (or failed to start) the server
    if names.read_var(os.environ, names.EXPORT_DB_URL):
        return False
    settings = Settings.from_env()
    if not (settings.run_e2e and settings.has_credentials):
        return False
    return all(importlib.util.find_spec(p) is not None for p in ("psycopg", "sqlalchemy"))


def pytest_configure(config: pytest.Config) -> None:
    if not _wanted(config):
        return
    os.environ.pop(names.POSTGRES_ERROR, None)
    try:
        running = pg_server.start()
    except PostgresUnavailable as exc:
        os.environ[names.POSTGRES_ERROR] = str(exc)
        config.stash[_HEADER_KEY] = f"postgres: none ({exc})"
        return
    config.stash[_SERVER_KEY] = running
    os.environ[names.POSTGRES_URL] = running.url
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
        os.environ.pop(names.POSTGRES_URL, None)
        running.stop()


@pytest.fixture(scope="session")
def postgres_admin() -> tuple[str, bool]:
    """(admin URL, whether we own the server); fails in one line when there is none."""
    external = names.read_var(os.environ, names.EXPORT_DB_URL)
    own = names.read_var(os.environ, names.POSTGRES_URL)
    reason = names.read_var(os.environ, names.POSTGRES_ERROR) or pg_server.INSTALL_HINT
    if external:
        try:
            probe(external)
            return external, False
        except PostgresUnavailable as exc:
            reason = str(exc)
    elif own:
        return own, True
    pytest.fail(reason, pytrace=False)


@pytest.fixture
def postgres_url(postgres_admin: tuple[str, bool]) -> Iterator[str]:
    """A SQLAlchemy URL to a database (or schema) of this test alone, dropped after."""
    admin_url, owned = postgres_admin
    with fresh_database(admin_url, f"imednet_live_{write_tag()}".lower(), owned=owned) as url:
        yield url
