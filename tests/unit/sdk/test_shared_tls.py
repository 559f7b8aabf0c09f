"""SDK clients of one process share the default TLS context; other contexts are untouched."""

from __future__ import annotations

import ssl

import httpx
import pytest

from imednet_live.sdk import shared_tls


def _context(client: httpx.Client | httpx.AsyncClient) -> ssl.SSLContext:
    context = client._transport._pool._ssl_context  # type: ignore[attr-defined]
    assert isinstance(context, ssl.SSLContext)
    return context


def test_default_clients_share_one_verifying_context(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    assert shared_tls.install()
    assert shared_tls.install()  # idempotent
    with httpx.Client() as one, httpx.Client() as two:
        shared = _context(one)
        assert _context(two) is shared
    assert shared.verify_mode is ssl.CERT_REQUIRED
    assert shared.check_hostname
    assert shared.cert_store_stats()["x509_ca"] > 0  # the CA bundle is loaded
    client = httpx.AsyncClient()
    assert _context(client) is shared


def test_other_verification_settings_get_their_own_context(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert shared_tls.install()
    with httpx.Client() as default, httpx.Client(verify=False) as unverified:
        assert _context(unverified) is not _context(default)
        assert _context(unverified).verify_mode is ssl.CERT_NONE
    import certifi

    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())
    with httpx.Client() as from_env:
        assert _context(from_env) is not _context(default)
