"""A fresh database per test on our own server, a fresh schema on an external one.

Tests of one session (and its xdist workers) never share tables: each gets a database
(or, on a server we do not own, a schema) named after its write tag, dropped after.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from imednet_live.core.redaction import redact, safe_url
from imednet_live.postgres.server import PostgresUnavailable
from imednet_live.postgres.urls import host_port, secrets_of

CONNECT_TIMEOUT_S = 5
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_DRIVER_SCHEMES = ("postgresql", "postgres")


def sqlalchemy_url(url: str) -> str:
    """``postgresql+psycopg://``: SQLAlchemy would otherwise pick psycopg2, not installed."""
    parts = urlsplit(url)
    if parts.scheme in _DRIVER_SCHEMES:
        return urlunsplit(parts._replace(scheme="postgresql+psycopg"))
    return url


def libpq_url(url: str) -> str:
    """The URL psycopg itself accepts (no SQLAlchemy driver suffix)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql")) if "+" in parts.scheme else url


def probe(url: str) -> str:
    """Connect once; return the server version or raise a one-line, scrubbed error."""
    import psycopg

    try:
        with psycopg.connect(libpq_url(url), connect_timeout=CONNECT_TIMEOUT_S) as conn:
            return str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
    except (psycopg.Error, ValueError) as exc:
        first = next((ln.strip() for ln in str(exc).splitlines() if ln.strip()), type(exc).__name__)
        reason = redact(first, secrets_of(url))
        raise PostgresUnavailable(
            f"PostgreSQL at {host_port(url)} is unreachable ({safe_url(url)}): {reason}"
        ) from None


def _with_path(url: str, database: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


def _with_search_path(url: str, schema: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "options"]
    query.append(("options", f"-csearch_path={schema}"))
    return urlunsplit(parts._replace(query=urlencode(query)))


@contextmanager
def fresh_database(admin_url: str, name: str, *, owned: bool) -> Iterator[str]:
    """Yield a SQLAlchemy URL to an empty database (owned server) or schema (external)."""
    import psycopg
    from psycopg import sql

    if not _NAME.match(name):
        raise ValueError(f"not a plain PostgreSQL identifier: {name!r}")
    ident = sql.Identifier(name)
    with psycopg.connect(libpq_url(admin_url), autocommit=True) as conn:
        if owned:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(ident))
            url = _with_path(admin_url, name)
        else:
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(ident))
            url = _with_search_path(admin_url, name)
    try:
        yield sqlalchemy_url(url)
    finally:
        with psycopg.connect(libpq_url(admin_url), autocommit=True) as conn:
            if owned:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
            else:
                conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(ident))
