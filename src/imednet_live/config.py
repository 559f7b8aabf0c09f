"""One typed view of the environment, built once and handed to everything else.

Every operator-facing variable is read here and nowhere else, so an invalid value
is explained in one place, in one line, naming the variable and what to do.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypedDict
from urllib.parse import urlsplit

DEFAULT_BASE_URL = "https://edc.prod.imednetapi.com"

# Environment variable names, as the Live Test Charter (section 4) spells them.
API_KEY = "IMEDNET_API_KEY"
SECURITY_KEY = "IMEDNET_SECURITY_KEY"
BASE_URL = "IMEDNET_BASE_URL"
RUN_E2E = "IMEDNET_RUN_E2E"
ALLOW_MUTATION = "IMEDNET_ALLOW_MUTATION"
STUDY_KEY = "IMEDNET_STUDY_KEY"
FORM_KEY = "IMEDNET_FORM_KEY"
BATCH_ID = "IMEDNET_BATCH_ID"
# Harness variables (ours, not the charter's).
TARGET = "IMEDNET_TARGET"  # live | sandbox | replay: forces the target, else chosen by credentials
TARGET_KIND = "IMEDNET_LIVE_TARGET_KIND"  # set by the harness once it resolved the target
PROFILE = "IMEDNET_LIVE_PROFILE"
REPORT_DIR = "IMEDNET_LIVE_REPORT_DIR"
CACHE_DIR = "IMEDNET_LIVE_CACHE_DIR"
RUN_ID = "IMEDNET_LIVE_RUN_ID"
SANDBOX_AUDIT = "IMEDNET_LIVE_SANDBOX_AUDIT"  # JSON-lines audit of the session's sandbox
SESSION = "IMEDNET_LIVE_SESSION"  # the nox session name, for outcomes.json
# Recording and replay (src/imednet_live/recording/).
RECORD = "IMEDNET_LIVE_RECORD"  # 1: record each session's traffic, scrubbed (default: off)
RECORDING_DIR = "IMEDNET_LIVE_RECORDING_DIR"  # set by the harness: this session's recording dir
RECORD_KEY = "IMEDNET_LIVE_RECORD_KEY"  # set by nox per run: pseudonym key, never written
REPLAY_DIR = "IMEDNET_REPLAY_DIR"  # IMEDNET_TARGET=replay reads here (default reports/)


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


def validate_base_url(value: str, variable: str = BASE_URL) -> str:
    """Return the URL without a trailing slash, or raise a one-line ConfigError."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"{variable} is not a valid http(s) URL: {value!r}; "
            "set it to the host root, e.g. https://edc.prod.imednetapi.com"
        )
    try:
        parts.port  # noqa: B018 - urlsplit validates the port lazily
    except ValueError:
        raise ConfigError(
            f"{variable} has an invalid port: {value!r}; use e.g. http://127.0.0.1:8080"
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

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        raw_url = read_var(env, BASE_URL)
        return cls(
            api_key=read_var(env, API_KEY),
            security_key=read_var(env, SECURITY_KEY),
            base_url=validate_base_url(raw_url) if raw_url else DEFAULT_BASE_URL,
            run_e2e=_flag(env, RUN_E2E),
            allow_mutation=_flag(env, ALLOW_MUTATION),
            study_key=read_var(env, STUDY_KEY),
            form_key=read_var(env, FORM_KEY),
            batch_id=read_var(env, BATCH_ID),
            target_kind=read_var(env, TARGET_KIND),
            profile=read_var(env, PROFILE),
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
        """Values that must never appear in any output."""
        return tuple(s for s in (self.api_key, self.security_key) if s)

    def sdk_kwargs(self) -> SdkKwargs:
        """Keyword arguments for ``ImednetSDK``/``AsyncImednetSDK``."""
        self.require_credentials()
        return {
            "api_key": self.api_key or "",
            "security_key": self.security_key or "",
            "base_url": self.base_url,
        }
