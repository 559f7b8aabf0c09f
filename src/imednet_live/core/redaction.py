"""Scrub secrets from any text before it leaves the process.

Two rules, both here so that nothing else needs to know them:

- **URLs.** ``safe_url`` is the one way a configured URL (base URL, export database URL)
  is printed or written: userinfo and query string are masked, the rest stays readable.
  ``redact`` also masks the userinfo of every URL it finds in free text, so an exception
  that quotes a URL cannot carry a password out.
- **No garbling.** A secret of ``MIN_SECRET_CHARS`` or more is masked wherever it occurs,
  inside longer strings too. A shorter value is masked only where it stands as a whole
  token: replacing every ``a`` would turn output into noise that hides real messages.
  Credentials that short are refused up front (``config.Settings.from_env``), so in
  practice the token rule only ever meets short URL passwords or user names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from imednet_live.core.auth import AUTH_HEADERS

MASK = "***"
MIN_SECRET_CHARS = 8
_SECRET_HEADERS = AUTH_HEADERS
# scheme://userinfo@ inside free text; userinfo stops at the first '/', whitespace or '@'.
_URL_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)(?P<userinfo>[^/\s@]+)@")
_TOKEN_EDGE = r"[A-Za-z0-9_\-]"


def redact(text: str, secrets: Iterable[str]) -> str:
    """Mask every secret (longest first, so overlaps cannot leak) and every URL's userinfo."""
    text = _URL_USERINFO.sub(lambda m: f"{m['scheme']}{MASK}@", text)
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        if len(secret) >= MIN_SECRET_CHARS:
            text = text.replace(secret, MASK)
        else:
            pattern = rf"(?<!{_TOKEN_EDGE}){re.escape(secret)}(?!{_TOKEN_EDGE})"
            text = re.sub(pattern, MASK, text)
    return text


def needs_redaction(text: str, secrets: Iterable[str]) -> bool:
    """Whether ``redact`` would change ``text``: a cheap test before rebuilding structures."""
    return _URL_USERINFO.search(text) is not None or any(s and s in text for s in secrets)


def redact_headers(headers: dict[str, str]) -> dict[str, str]:
    return {k: (MASK if k.lower() in _SECRET_HEADERS else v) for k, v in headers.items()}


def safe_url(url: str) -> str:
    """``url`` fit to print: ``https://***@host:port/path?***`` (userinfo and query masked).

    Text that is not a URL is returned with any ``scheme://userinfo@`` masked, so the
    function is safe to call on whatever a configuration holds.
    """
    try:
        parts = urlsplit(url)
        host_port = parts.netloc.rpartition("@")[2]
    except ValueError:
        return redact(url, ())
    if not parts.scheme or not parts.netloc:
        return redact(url, ())
    netloc = f"{MASK}@{host_port}" if "@" in parts.netloc else host_port
    query = MASK if parts.query else ""
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def url_secrets(url: str | None) -> tuple[str, ...]:
    """The parts of a configured URL that are secret: its password, long user and query values.

    They join the credentials in every ``redact`` call, so they are masked even where
    they appear without their URL (an SDK log line, a driver's error message). A long
    user name may be a token (``https://TOKEN@host``); short user names and query values
    (``sslmode=require``) are not secrets, and masking them as words would garble output.
    Inside the URL itself ``safe_url`` and ``redact`` hide them all.
    """
    if not url:
        return ()
    try:
        parts = urlsplit(url)
        query = [value for _, value in parse_qsl(parts.query, keep_blank_values=False)]
        found = [parts.password, *(v for v in query if len(v) >= MIN_SECRET_CHARS)]
        if parts.username and len(parts.username) >= MIN_SECRET_CHARS:
            found.append(parts.username)
    except ValueError:
        return ()
    values = {v for v in found if v}
    return tuple(sorted(values | {unquote(v) for v in values}))


def redact_tree(
    data: Any,
    scrub: Callable[[str], str],
    *,
    keep: frozenset[str] = frozenset(),
    pairs: frozenset[str] = frozenset(),
) -> Any:
    """Every string of a JSON-like tree through ``scrub``: the one walk over nested output.

    Values under a ``keep`` key stay as they are (identities a reader needs); under a
    ``pairs`` key is a list of ``(name, value)`` whose names stay readable.
    """
    if isinstance(data, str):
        return scrub(data)
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            if key in keep:
                out[key] = value
            elif key in pairs:
                out[key] = [(name, redact_tree(item, scrub)) for name, item in value]
            else:
                out[key] = redact_tree(value, scrub, keep=keep, pairs=pairs)
        return out
    if isinstance(data, list):
        return [redact_tree(v, scrub, keep=keep, pairs=pairs) for v in data]
    if isinstance(data, tuple):
        return tuple(redact_tree(v, scrub, keep=keep, pairs=pairs) for v in data)
    return data
