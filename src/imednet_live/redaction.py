"""Scrub secrets from any text before it leaves the process."""

from __future__ import annotations

from collections.abc import Iterable

MASK = "***"
_SECRET_HEADERS = ("x-api-key", "x-imn-security-key")


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of each secret (longest first, so overlaps cannot leak)."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def redact_headers(headers: dict[str, str]) -> dict[str, str]:
    return {k: (MASK if k.lower() in _SECRET_HEADERS else v) for k, v in headers.items()}
