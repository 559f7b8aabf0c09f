"""The iMednet API's two authentication headers: their names, and the pair for a request."""

from __future__ import annotations

API_KEY_HEADER = "x-api-key"
SECURITY_KEY_HEADER = "x-imn-security-key"
AUTH_HEADERS = (API_KEY_HEADER, SECURITY_KEY_HEADER)


def auth_headers(api_key: str | None, security_key: str | None) -> dict[str, str]:
    """The headers that authenticate a request (an unset key is sent empty)."""
    return {API_KEY_HEADER: api_key or "", SECURITY_KEY_HEADER: security_key or ""}
