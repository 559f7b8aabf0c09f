"""Which PostgreSQL a live session uses, decided once: the external URL or our own server.

The controller (or the only process, without xdist) calls ``start_for_session`` before
any worker exists and publishes the outcome in the environment the workers inherit:
``IMEDNET_LIVE_POSTGRES_URL`` (our server) or ``IMEDNET_LIVE_POSTGRES_ERROR`` (why there
is none). ``admin_url`` turns that into the URL tests use, or one line saying what to
install or set.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, MutableMapping

from imednet_live.core import env_vars
from imednet_live.core.settings import Settings, read_var
from imednet_live.postgres import server
from imednet_live.postgres.databases import probe
from imednet_live.postgres.server import PostgresUnavailable, RunningServer

# What the PostgreSQL tests need to use a server at all (the profile's SQL packages).
DRIVER_PACKAGES = ("psycopg", "sqlalchemy")


def wants_own_server(env: Mapping[str, str]) -> bool:
    """Start one only where the SQL tests can use it and no external database is set."""
    if read_var(env, env_vars.EXPORT_DB_URL):
        return False
    settings = Settings.from_env(env)
    if not (settings.run_e2e and settings.has_credentials):
        return False
    return all(importlib.util.find_spec(p) is not None for p in DRIVER_PACKAGES)


def start_for_session(env: MutableMapping[str, str]) -> RunningServer | None:
    """Start the session's server and publish its URL (or the reason) in ``env``."""
    env.pop(env_vars.POSTGRES_URL, None)
    env.pop(env_vars.POSTGRES_ERROR, None)
    try:
        running = server.start()
    except PostgresUnavailable as exc:
        env[env_vars.POSTGRES_ERROR] = str(exc)
        return None
    env[env_vars.POSTGRES_URL] = running.url
    return running


def admin_url(env: Mapping[str, str]) -> tuple[str, bool]:
    """(URL, whether we own the server) or PostgresUnavailable with a one-line reason."""
    external = read_var(env, env_vars.EXPORT_DB_URL)
    if external:
        probe(external)
        return external, False
    own = read_var(env, env_vars.POSTGRES_URL)
    if own:
        return own, True
    raise PostgresUnavailable(read_var(env, env_vars.POSTGRES_ERROR) or server.INSTALL_HINT)
