"""One typed view of the environment, built once and handed to everything else.

Every operator-facing variable is read here and nowhere else, so an invalid value
is explained in one place, in one line, naming the variable and what to do. The
variables themselves (names, meanings, defaults) are registered in ``core/env_vars.py``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypedDict
from urllib.parse import urlsplit

from imednet_live.core.env_vars import (
    ALLOW_MUTATION,
    API_KEY,
    BASE_URL,
    BATCH_ID,
    DEFAULT_BASE_URL,
    DEFAULT_JOB_TIMEOUT_S,
    DEFAULT_MAX_RECORDS,
    EXPORT_DB_URL,
    FORM_KEY,
    JOB_TIMEOUT,
    MAX_RECORDS,
    PROFILE,
    RUN_E2E,
    SDK_STRICT,
    SECURITY_KEY,
    SMOKE_HEARTBEAT,
    STUDY_KEY,
    TARGET_KIND,
)
from imednet_live.core.redaction import MIN_SECRET_CHARS, safe_url, url_secrets


class SdkKwargs(TypedDict):
    """Keyword arguments for ``ImednetSDK``/``AsyncImednetSDK``: credentials and base URL."""

    api_key: str
    security_key: str
    base_url: str


class ConfigError(ValueError):
    """An operator mistake in the environment; its message is one line, safe to print."""


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip() == "1"


def read_var(env: Mapping[str, str], name: str) -> str | None:
    """A variable's value stripped, or None when unset or blank: the one reading rule."""
    value = env.get(name, "").strip()
    return value or None


def validate_credential(value: str | None, variable: str) -> str | None:
    """Refuse a credential too short to be masked without garbling output (redaction.py)."""
    if value is not None and len(value) < MIN_SECRET_CHARS:
        raise ConfigError(
            f"{variable} is {len(value)} characters long; a credential must have at least "
            f"{MIN_SECRET_CHARS} so that it can be masked in every output without masking "
            "ordinary words (check that the whole key was set)"
        )
    return value


def env_secrets(env: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """Every secret the environment holds, read without validation.

    For code that must scrub output even when the settings are invalid (the smoke's
    first error line, the report): raw and stripped keys, and the secret parts of URLs.
    """
    env = os.environ if env is None else env
    keys = [env.get(name, "") for name in (API_KEY, SECURITY_KEY)]
    found = {k for k in (*keys, *(k.strip() for k in keys)) if k}
    for name in (BASE_URL, EXPORT_DB_URL):
        found.update(url_secrets(read_var(env, name)))
    return tuple(sorted(found))


def read_count(
    env: Mapping[str, str], name: str, default: int | None, *, unit: str | None = None
) -> int | None:
    """A whole number >= 0 from ``name``, ``default`` when unset; a one-line ConfigError else.

    ``unit`` names what is counted in the message (``subjects``, ``milliseconds``).
    """
    value = read_var(env, name)
    if value is None:
        return default
    if not value.isdigit():
        what = f"a whole number of {unit}" if unit else "a whole number >= 0"
        raise ConfigError(f"{name} must be {what}, not {value!r}")
    return int(value)


def read_seconds(
    env: Mapping[str, str], name: str, *, allow_zero: bool, example: str
) -> float | None:
    """A finite number of seconds from ``name``, None when unset; a one-line ConfigError else."""
    raw = read_var(env, name)
    if raw is None:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    above = seconds >= 0 if allow_zero else seconds > 0  # NaN fails either comparison
    if not (above and seconds < float("inf")):
        bound = ">= 0" if allow_zero else "> 0"
        raise ConfigError(
            f"{name} must be a number of seconds {bound} (e.g. {example}), not {raw!r}"
        )
    return seconds


def job_timeout_s(env: Mapping[str, str] | None = None) -> float:
    """The live suite's job timeout: JOB_TIMEOUT seconds, else DEFAULT_JOB_TIMEOUT_S."""
    env = os.environ if env is None else env
    seconds = read_seconds(env, JOB_TIMEOUT, allow_zero=False, example="300")
    return DEFAULT_JOB_TIMEOUT_S if seconds is None else seconds


DEFAULT_SMOKE_HEARTBEAT_S = 15.0


def smoke_heartbeat_s(env: Mapping[str, str] | None = None) -> float:
    """Seconds between the smoke's heartbeat lines: SMOKE_HEARTBEAT, else 15."""
    env = os.environ if env is None else env
    seconds = read_seconds(env, SMOKE_HEARTBEAT, allow_zero=False, example="15")
    return DEFAULT_SMOKE_HEARTBEAT_S if seconds is None else seconds


def validate_base_url(value: str, variable: str = BASE_URL) -> str:
    """Return the URL without a trailing slash, or raise a one-line ConfigError."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"{variable} is not a valid http(s) URL: {safe_url(value)!r}; "
            "set it to the host root, e.g. https://edc.prod.imednetapi.com"
        )
    try:
        parts.port  # noqa: B018 - urlsplit validates the port lazily
    except ValueError:
        raise ConfigError(
            f"{variable} has an invalid port: {safe_url(value)!r}; use e.g. http://127.0.0.1:8080"
        ) from None
    return value.rstrip("/")


@dataclass(frozen=True)
class Settings:
    """What a run is pointed at and allowed to do. Secrets are excluded from repr."""

    api_key: str | None = field(default=None, repr=False)
    security_key: str | None = field(default=None, repr=False)
    base_url: str = DEFAULT_BASE_URL
    run_e2e: bool = False
    allow_mutation: bool = False
    study_key: str | None = None
    form_key: str | None = None
    batch_id: str | None = None
    target_kind: str | None = None
    profile: str | None = None
    export_db_url: str | None = field(default=None, repr=False)
    max_records: int = DEFAULT_MAX_RECORDS
    sdk_strict: bool = False  # IMEDNET_LIVE_SDK_STRICT: the SDK's strict drift check on

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        raw_url = read_var(env, BASE_URL)
        return cls(
            api_key=validate_credential(read_var(env, API_KEY), API_KEY),
            security_key=validate_credential(read_var(env, SECURITY_KEY), SECURITY_KEY),
            base_url=validate_base_url(raw_url) if raw_url else DEFAULT_BASE_URL,
            run_e2e=_flag(env, RUN_E2E),
            allow_mutation=_flag(env, ALLOW_MUTATION),
            study_key=read_var(env, STUDY_KEY),
            form_key=read_var(env, FORM_KEY),
            batch_id=read_var(env, BATCH_ID),
            target_kind=read_var(env, TARGET_KIND),
            profile=read_var(env, PROFILE),
            export_db_url=read_var(env, EXPORT_DB_URL),
            max_records=read_count(env, MAX_RECORDS, DEFAULT_MAX_RECORDS) or 0,
            sdk_strict=_flag(env, SDK_STRICT),
        )

    @property
    def has_credentials(self) -> bool:
        return bool(self.api_key and self.security_key)

    @property
    def missing_credentials(self) -> list[str]:
        """Names of the credential variables that are unset, in charter order."""
        return [
            name
            for name, value in ((API_KEY, self.api_key), (SECURITY_KEY, self.security_key))
            if not value
        ]

    def require_credentials(self) -> None:
        missing = self.missing_credentials
        if missing:
            raise ConfigError(
                f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set; "
                "export the iMednet API credentials (or unset them all to use the sandbox)"
            )

    @property
    def secrets(self) -> tuple[str, ...]:
        """Values that must never appear in any output: the keys and the URLs' secret parts."""
        keys = tuple(s for s in (self.api_key, self.security_key) if s)
        return keys + url_secrets(self.base_url) + url_secrets(self.export_db_url)

    def sdk_kwargs(self) -> SdkKwargs:
        """Keyword arguments for ``ImednetSDK``/``AsyncImednetSDK``."""
        self.require_credentials()
        return {
            "api_key": self.api_key or "",
            "security_key": self.security_key or "",
            "base_url": self.base_url,
        }
