"""Settings from the environment: flags, overrides, base URL checks, secrets out of repr."""

from __future__ import annotations

import pytest

from imednet_live.core.env_vars import DEFAULT_BASE_URL
from imednet_live.core.settings import ConfigError, Settings


def test_defaults_from_an_empty_environment() -> None:
    s = Settings.from_env({})
    assert (s.api_key, s.base_url, s.run_e2e, s.allow_mutation) == (
        None,
        DEFAULT_BASE_URL,
        False,
        False,
    )
    assert s.missing_credentials == ["IMEDNET_API_KEY", "IMEDNET_SECURITY_KEY"]


@pytest.mark.parametrize(
    ("value", "expected"), [("1", True), (" 1 ", True), ("true", False), ("0", False)]
)
def test_flags_are_exactly_one(value: str, expected: bool) -> None:
    s = Settings.from_env({"IMEDNET_RUN_E2E": value, "IMEDNET_ALLOW_MUTATION": value})
    assert (s.run_e2e, s.allow_mutation) == (expected, expected)


def test_overrides_and_trailing_slash() -> None:
    s = Settings.from_env(
        {
            "IMEDNET_BASE_URL": "http://127.0.0.1:8080/",
            "IMEDNET_STUDY_KEY": " S1 ",
            "IMEDNET_FORM_KEY": "F1",
            "IMEDNET_BATCH_ID": "b-1",
        }
    )
    assert (s.base_url, s.study_key, s.form_key, s.batch_id) == (
        "http://127.0.0.1:8080",
        "S1",
        "F1",
        "b-1",
    )


@pytest.mark.parametrize("url", ["not a url", "ftp://host", "http://", "http://h:99999"])
def test_malformed_base_url_names_the_variable(url: str) -> None:
    with pytest.raises(ConfigError, match="IMEDNET_BASE_URL") as info:
        Settings.from_env({"IMEDNET_BASE_URL": url})
    assert "\n" not in str(info.value)


def test_secrets_stay_out_of_repr_and_errors() -> None:
    s = Settings.from_env({"IMEDNET_API_KEY": "AKEY-123", "IMEDNET_SECURITY_KEY": "SKEY-456"})
    assert "AKEY-123" not in repr(s)
    assert "SKEY-456" not in repr(s)
    assert set(s.secrets) == {"AKEY-123", "SKEY-456"}
    assert s.sdk_kwargs()["api_key"] == "AKEY-123"


def test_missing_credentials_message_names_the_variable() -> None:
    with pytest.raises(ConfigError, match=r"^IMEDNET_SECURITY_KEY is not set"):
        Settings.from_env({"IMEDNET_API_KEY": "api-key-0001"}).require_credentials()


def test_export_database_password_is_a_secret() -> None:
    url = "postgresql://alice:pg-pass-789@db.example:5432/exports"
    s = Settings.from_env({"IMEDNET_EXPORT_DB_URL": url})
    assert "pg-pass-789" not in repr(s)
    assert s.secrets == ("pg-pass-789",)


def test_job_timeout_defaults_to_the_smokes_300_s_and_is_configurable() -> None:
    from imednet_live.core.env_vars import DEFAULT_JOB_TIMEOUT_S, JOB_TIMEOUT
    from imednet_live.core.settings import job_timeout_s

    assert job_timeout_s({}) == DEFAULT_JOB_TIMEOUT_S == 300.0
    assert job_timeout_s({JOB_TIMEOUT: " 90 "}) == 90.0


@pytest.mark.parametrize("value", ["0", "-5", "soon", "inf"])
def test_a_bad_job_timeout_is_one_line_naming_the_variable(value: str) -> None:
    from imednet_live.core.env_vars import JOB_TIMEOUT
    from imednet_live.core.settings import job_timeout_s

    with pytest.raises(ConfigError, match=f"^{JOB_TIMEOUT} must be a number of seconds > 0"):
        job_timeout_s({JOB_TIMEOUT: value})
