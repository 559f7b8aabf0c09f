"""Database URLs in error messages: host and port named, secret parts known.

Printing a URL goes through ``redaction.safe_url``.
"""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit


def host_port(url: str) -> str:
    """``host:port`` of a PostgreSQL URL (port 5432 when unset), for error messages."""
    parts: SplitResult = urlsplit(url)
    try:
        port = parts.port or 5432
    except ValueError:
        port = 5432
    return f"{parts.hostname or 'localhost'}:{port}"


def secrets_of(url: str) -> tuple[str, ...]:
    """User and password of a URL, so driver messages that echo them can be scrubbed."""
    parts = urlsplit(url)
    return tuple(s for s in (parts.password, parts.username) if s)
