"""Database URLs as they may be printed: userinfo never shown, host and port named."""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit, urlunsplit

from imednet_live.redaction import MASK


def mask_url(url: str) -> str:
    """The URL with any user and password replaced by ``***``.

    A local stand-in until the shared URL-masking helper lands in ``redaction.py``.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return MASK
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{MASK}@{host}"))


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
