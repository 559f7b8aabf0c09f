"""What a live run is pointed at, read once from the environment (charter section 7).

The banner built here is the first thing an operator sees; it names every input that
decides what the run means and never a secret.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from imednet_live import config, resolution
from imednet_live.config import ConfigError, Settings
from imednet_live.profiles import OPTIONAL_PACKAGES, PROFILES, Profile
from imednet_live.recording import boundary
from imednet_live.redaction import safe_url
from imednet_live.resolution import Difference
from imednet_live.sdk import compat as sdk_compat

# Set by the nox sessions; re-exported here for the plugin's modules.
SANDBOX_AUDIT = config.SANDBOX_AUDIT
SESSION = config.SESSION  # optional override of the session name in outcomes.json

TARGET_KINDS = ("sandbox", "live", "replay")
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def importable_packages() -> dict[str, bool]:
    """Which optional packages import here, found without importing them (airflow is slow)."""
    return {name: importlib.util.find_spec(name) is not None for name in OPTIONAL_PACKAGES}


@dataclass(frozen=True)
class RunContext:
    settings: Settings
    profile: Profile | None
    importable: Mapping[str, bool]
    target_kind: str
    target_kind_inferred: bool
    report_dir: Path | None
    sandbox_audit: Path | None
    run_id: str | None
    session_name: str
    sandbox_fail: str | None = None  # fault rules the sandbox was started with, if any
    sandbox_scenario: str = "default"  # the session sandbox's --scenario
    sandbox_subjects: int | None = None  # the session sandbox's --subjects, when scaled
    # The SDK build under test (sdk_compat): distribution -> build version (local label or
    # checkout commit included), and the surfaces it
    # lacks -> the distribution that would provide them.
    sdk_distributions: Mapping[str, str] = field(default_factory=dict)
    sdk_missing: Mapping[str, str] = field(default_factory=dict)
    sdk_build: str = ""
    sdk_contract: str | None = None  # IMEDNET_POSTMAN_PATH / IMEDNET_OPENAPI_PATH as set
    sdk_contract_defect: str | None = None  # the build's models lack fields (SDK main wheel)
    sdk_strict: str = "off"  # the SDK's strict drift check, as the banner names it
    recording: str | None = None  # replay target: the recordings replayed
    concurrency: str | None = None  # the workers nox chose and why (IMEDNET_LIVE_CONCURRENCY)
    resolution: str = "locked"  # IMEDNET_LIVE_RESOLUTION (resolution.py)
    lock_file: Path | None = None  # the session's constraints file (IMEDNET_LIVE_LOCK_FILE)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> RunContext:
        """Raise ConfigError (one line, names the variable) on any invalid value."""
        env = os.environ if env is None else env
        settings = Settings.from_env(env)
        profile = _profile(settings.profile)
        kind, inferred = _target_kind(settings)
        report_dir = _path(env, config.REPORT_DIR)
        return cls(
            settings=settings,
            profile=profile,
            importable=importable_packages(),
            target_kind=kind,
            target_kind_inferred=inferred,
            report_dir=report_dir,
            sandbox_audit=_path(env, SANDBOX_AUDIT),
            run_id=config.read_var(env, config.RUN_ID),
            session_name=(
                config.read_var(env, SESSION)
                or (report_dir.name if report_dir else None)
                or (settings.profile or "local")
            ),
            sandbox_fail=config.read_var(env, config.SANDBOX_FAIL),
            sandbox_scenario=config.read_var(env, config.SANDBOX_SCENARIO) or "default",
            sandbox_subjects=config.read_count(env, config.SANDBOX_SUBJECTS, None),
            sdk_distributions=sdk_compat.build_versions(),
            sdk_missing=sdk_compat.missing_surfaces(),
            sdk_build=sdk_compat.build_description(),
            sdk_contract=sdk_compat.contract_source(env),
            sdk_contract_defect=sdk_compat.contract_defect(env),
            sdk_strict=sdk_compat.apply_strict(settings.sdk_strict),
            recording=(
                config.read_var(env, config.REPLAY_DIR) or "reports" if kind == "replay" else None
            ),
            concurrency=config.read_var(env, config.CONCURRENCY),
            resolution=str(resolution.parse(env)),
            lock_file=_path(env, config.LOCK_FILE),
        )

    @cached_property
    def lock_differences(self) -> tuple[Difference, ...]:
        """Installed versions that differ from the lock; read when first asked (the banner,
        a failure to classify), not in every worker's start-up."""
        if self.lock_file is None:
            return ()
        try:
            return tuple(resolution.session_diff(self.lock_file))
        except OSError as exc:
            raise ConfigError(
                f"{config.LOCK_FILE}: cannot read {self.lock_file}: {exc.strerror}"
            ) from None

    @property
    def resolution_line(self) -> str:
        name = resolution.Resolution(self.resolution)
        return resolution.describe(name, list(self.lock_differences))

    @property
    def secrets(self) -> tuple[str, ...]:
        return self.settings.secrets

    def redact(self, text: str) -> str:
        """Secrets masked and, against a live target, the run's personal values replaced."""
        return boundary.scrub(text, self.secrets)

    @property
    def suite_disabled_reason(self) -> str | None:
        """The single skip message of a disabled suite, or None when the suite runs."""
        if not self.settings.run_e2e:
            return f"live suite disabled: {config.RUN_E2E} is not 1"
        missing = self.settings.missing_credentials
        if missing:
            verb = "is" if len(missing) == 1 else "are"
            return f"live suite disabled: {' and '.join(missing)} {verb} not set"
        return None

    @property
    def sandbox_is_seeded_default(self) -> bool:
        """The sandbox serves its full, unscaled seed, which must cover every test."""
        return (
            self.target_kind == "sandbox"
            and self.sandbox_scenario == "default"
            and not self.sandbox_subjects
        )

    @property
    def expectation_profile(self) -> Profile:
        """The declared profile, or one describing this environment when none is declared.

        Without a profile there is nothing to hold the environment to, so skips that
        follow from it (missing packages, mutation off) are expected, nothing more.
        """
        if self.profile is not None:
            return self.profile
        return Profile(
            name="(none)",
            extras=(),
            packages=frozenset(p for p, ok in self.importable.items() if ok),
            allow_mutation=self.settings.allow_mutation,
            description="no IMEDNET_LIVE_PROFILE: expectations follow the environment",
        )

    def banner_lines(self) -> list[str]:
        s = self.settings
        kind = (
            f"{self.target_kind} (inferred from the base URL)"
            if self.target_kind_inferred
            else self.target_kind
        )
        deps = ", ".join(f"{n} {'yes' if ok else 'no'}" for n, ok in self.importable.items())
        creds = ", ".join(
            f"{name} {'set' if value else 'NOT SET'}"
            for name, value in ((config.API_KEY, s.api_key), (config.SECURITY_KEY, s.security_key))
        )
        mutation = "1 (writes allowed)" if s.allow_mutation else "not 1 (read-only)"
        profile = (
            self.profile.name if self.profile else "none (expectations follow this environment)"
        )
        lines = [
            "imednet-live charter context:",
            f"  {config.RUN_E2E}: {'1' if s.run_e2e else 'not 1'}",
            f"  {config.ALLOW_MUTATION}: {mutation}",
            f"  study: {s.study_key if s.study_key else 'auto-discover'}",
            f"  form: {s.form_key if s.form_key else 'auto-discover'}",
            f"  base URL: {safe_url(s.base_url)}",
            f"  target: {kind}",
            *([f"  recording: {self.recording}"] if self.recording else []),
            f"  profile: {profile}",
            f"  SDK: {self.sdk_build or 'unknown'}",
            f"  SDK surfaces missing: {_missing(self.sdk_missing)}",
            *([f"  SDK contract: {self.sdk_contract}"] if self.sdk_contract else []),
            *([f"  SDK strict drift check: {self.sdk_strict}"] if s.sdk_strict else []),
            f"  credentials: {creds}",
            f"  optional dependencies: {deps}",
            f"  suite: {self.suite_disabled_reason or 'enabled'}",
            f"  {config.MAX_RECORDS}: {s.max_records}",
            *([f"  workers: {self.concurrency}"] if self.concurrency else []),
            f"  resolution: {self.resolution_line}",
        ]
        if self.sandbox_fail and self.target_kind == "sandbox":
            lines.append(f"  sandbox fault rules: {self.sandbox_fail} ({config.SANDBOX_FAIL})")
        if self.target_kind == "sandbox" and not self.sandbox_is_seeded_default:
            lines.append(
                f"  sandbox: scenario {self.sandbox_scenario}, "
                f"subjects {self.sandbox_subjects or 'as seeded'}"
            )
        lines += boundary.banner_lines(os.environ)
        if self.report_dir:
            lines.append(f"  report dir: {self.report_dir}")
        return [self.redact(line) for line in lines]


def _missing(missing: Mapping[str, str]) -> str:
    return ", ".join(f"{s} ({d})" for s, d in missing.items()) or "none"


def _profile(name: str | None) -> Profile | None:
    if name is None:
        return None
    try:
        return PROFILES[name]
    except KeyError:
        raise ConfigError(
            f"{config.PROFILE}={name!r} is not a profile; use one of: {', '.join(PROFILES)}"
        ) from None


def _target_kind(settings: Settings) -> tuple[str, bool]:
    if settings.target_kind is not None:
        if settings.target_kind not in TARGET_KINDS:
            raise ConfigError(
                f"{config.TARGET_KIND}={settings.target_kind!r} is not valid; "
                f"use {' or '.join(TARGET_KINDS)}"
            )
        return settings.target_kind, False
    host = urlsplit(settings.base_url).hostname or ""
    return ("sandbox" if host in _LOOPBACK else "live"), True


def _path(env: Mapping[str, str], name: str) -> Path | None:
    value = config.read_var(env, name)
    return Path(value) if value else None
