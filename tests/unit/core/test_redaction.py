from __future__ import annotations

import pytest

from imednet_live.core.env_vars import API_KEY, BASE_URL, EXPORT_DB_URL, SECURITY_KEY
from imednet_live.core.redaction import (
    MASK,
    needs_redaction,
    redact,
    redact_headers,
    safe_url,
    url_secrets,
)
from imednet_live.core.settings import ConfigError, Settings, env_secrets
from imednet_live.matrix.sandbox_process import DEFAULT_API_KEY, DEFAULT_SECURITY_KEY


def test_every_occurrence_and_overlaps_are_masked() -> None:
    text = "key=abc12345 again abc12345, longer abc123456"
    out = redact(text, ["abc12345", "abc123456", ""])
    assert "abc12345" not in out
    assert out.count(MASK) == 3


def test_headers_are_masked_by_name() -> None:
    assert redact_headers({"X-API-Key": "k", "Accept": "json"}) == {
        "X-API-Key": MASK,
        "Accept": "json",
    }


def test_realistic_secrets_are_masked_inside_longer_strings() -> None:
    key = "sandbox-api-key"  # the sandbox's default: long enough for the substring rule
    out = redact(f"x-api-key={key}; url?k={key}&z=1 prefix{key}suffix", [key])
    assert key not in out
    assert out == f"x-api-key={MASK}; url?k={MASK}&z=1 prefix{MASK}suffix"


def test_short_values_are_masked_only_as_whole_tokens_so_output_is_not_garbled() -> None:
    """A one-letter value must not turn 'Network error' into 'Networ*** error'."""
    out = redact("Network error: cannot reach host with key r", ["r", "pw"])
    assert out == f"Network error: cannot reach host with key {MASK}"
    assert redact("password pw: pw, pwd", ["pw"]) == f"password {MASK}: {MASK}, pwd"


def test_userinfo_of_any_url_in_free_text_is_masked() -> None:
    text = "ConnectError for https://ops:hunter2@edc.example.com/api/v1 and http://127.0.0.1:9/x"
    assert redact(text, []) == (
        f"ConnectError for https://{MASK}@edc.example.com/api/v1 and http://127.0.0.1:9/x"
    )


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://edc.prod.imednetapi.com", "https://edc.prod.imednetapi.com"),
        ("http://user:password@127.0.0.1:8080/base", f"http://{MASK}@127.0.0.1:8080/base"),
        ("https://token@host/p?apikey=abc&x=1#frag", f"https://{MASK}@host/p?{MASK}#frag"),
        ("postgresql://u:p@db:5432/x?sslmode=require", f"postgresql://{MASK}@db:5432/x?{MASK}"),
        ("not a url", "not a url"),
        ("", ""),
    ],
)
def test_safe_url_masks_userinfo_and_query(url: str, shown: str) -> None:
    assert safe_url(url) == shown


def test_url_secrets_are_the_password_and_long_query_values() -> None:
    found = url_secrets("https://ops:p%40ss-word-1@h/x?sslmode=require&token=abcdefgh1234")
    assert set(found) == {"p%40ss-word-1", "p@ss-word-1", "abcdefgh1234"}
    assert url_secrets("https://h/x") == ()
    assert url_secrets(None) == ()


@pytest.mark.parametrize("variable", [API_KEY, SECURITY_KEY])
def test_a_credential_too_short_to_mask_is_refused_in_one_line(variable: str) -> None:
    env = {API_KEY: "long-enough-key", SECURITY_KEY: "long-enough-too", variable: "abc"}
    with pytest.raises(ConfigError) as info:
        Settings.from_env(env)
    message = str(info.value)
    assert message.startswith(f"{variable} is 3 characters long; a credential must have at least")
    assert "abc" not in message
    assert "\n" not in message


def test_the_sandbox_default_credentials_are_accepted() -> None:
    settings = Settings.from_env({API_KEY: DEFAULT_API_KEY, SECURITY_KEY: DEFAULT_SECURITY_KEY})
    assert settings.has_credentials


def test_settings_secrets_include_the_base_url_password_and_errors_hide_it() -> None:
    env = {
        API_KEY: "api-key-0001",
        SECURITY_KEY: "security-key-0002",
        BASE_URL: "http://ops:s3cret-pass@127.0.0.1:8080",
        EXPORT_DB_URL: "postgresql://etl:db-pass-123@db/x",
    }
    assert {"s3cret-pass", "db-pass-123"} <= set(Settings.from_env(env).secrets)
    assert {"s3cret-pass", "db-pass-123", "api-key-0001"} <= set(env_secrets(env))
    with pytest.raises(ConfigError) as info:
        Settings.from_env({BASE_URL: "http://ops:s3cret-pass@127.0.0.1:99999"})
    assert "s3cret-pass" not in str(info.value)
    assert f"http://{MASK}@127.0.0.1:99999" in str(info.value)


def test_a_long_user_name_is_a_token_and_a_secret() -> None:
    assert url_secrets("https://tok-0123456789@h/x") == ("tok-0123456789",)
    assert needs_redaction("see https://a@h", [])
    assert not needs_redaction("see https://h/x", ["abcdefgh"])
