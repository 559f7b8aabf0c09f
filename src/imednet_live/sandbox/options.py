"""What a sandbox is started with: one ``SandboxOptions`` value for every way to start one.

The server, ``running()``, ``mock_imednet``, the pytest marker, the CLI and the noxfile's
sandbox process all speak these options. Standard library only (the noxfile imports it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from imednet_live.sandbox.fault_rules import FaultRule, parse_rule

if TYPE_CHECKING:
    from imednet_live.sandbox.scenarios import Scenario

DEFAULT_JOB_SECONDS = 0.25
DEFAULT_HOST = "127.0.0.1"
DEFAULT_API_KEY = "sandbox-api-key"
DEFAULT_SECURITY_KEY = "sandbox-security-key"


class SandboxConfigError(ValueError):
    """A bad option value; the message is one line naming the option."""


class SandboxStartError(RuntimeError):
    """The sandbox (a server thread or a child process) did not start; one line."""


@dataclass(frozen=True)
class SandboxOptions:
    scenario: str = "default"
    latency_ms: int = 0
    api_key: str = DEFAULT_API_KEY
    security_key: str = DEFAULT_SECURITY_KEY
    subjects: int | None = None
    audit_path: str | Path | None = None
    host: str = DEFAULT_HOST
    port: int = 0
    fault_rules: tuple[FaultRule, ...] = ()  # --fail, checked before the scenario's own
    job_seconds: float = DEFAULT_JOB_SECONDS
    seed_from: str | Path | None = None  # a recording directory (sandbox/recorded_seed.py)

    def validate(self) -> Scenario:
        """Raise SandboxConfigError for a bad option; returns the chosen scenario."""
        from imednet_live.sandbox.scenarios import get_scenario

        try:
            scenario = get_scenario(self.scenario)
        except ValueError as exc:
            raise SandboxConfigError(f"--scenario: {exc}") from None
        if self.latency_ms < 0:
            raise SandboxConfigError(f"--latency-ms must be >= 0, got {self.latency_ms}")
        if not 0 <= self.job_seconds < float("inf"):
            raise SandboxConfigError(
                f"--job-seconds must be a number of seconds >= 0, got {self.job_seconds}"
            )
        if self.subjects is not None and self.subjects < 0:
            raise SandboxConfigError(f"--subjects must be >= 0, got {self.subjects}")
        for option, value in (("--api-key", self.api_key), ("--security-key", self.security_key)):
            if not value.strip():
                raise SandboxConfigError(f"{option} must not be empty")
        return scenario

    def cli_args(self) -> list[str]:
        """``imednet-live sandbox serve`` options that start a sandbox with this value.

        The other way to run one: a child process (the noxfile's sessions). Defaults are left
        out; the keys too (a process's arguments are visible to every user of the machine),
        so a process with other keys is refused rather than started with the defaults.
        """
        if (self.api_key, self.security_key) != (DEFAULT_API_KEY, DEFAULT_SECURITY_KEY):
            raise SandboxConfigError("a sandbox process takes the default keys only")
        args = ["--scenario", self.scenario, "--port", str(self.port)]
        if self.latency_ms:
            args += ["--latency-ms", str(self.latency_ms)]
        args += [arg for rule in self.fault_rules for arg in ("--fail", str(rule))]
        if self.subjects is not None:
            args += ["--subjects", str(self.subjects)]
        if self.job_seconds != DEFAULT_JOB_SECONDS:
            args += ["--job-seconds", f"{self.job_seconds:g}"]
        if self.seed_from is not None:
            args += ["--seed-from", str(self.seed_from)]
        if self.host != DEFAULT_HOST:
            args += ["--host", self.host]
        return args


def options_for(
    scenario: str = "default",
    latency_ms: int = 0,
    api_key: str = DEFAULT_API_KEY,
    security_key: str = DEFAULT_SECURITY_KEY,
    subjects: int | None = None,
    audit_path: str | Path | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    fail: tuple[str | FaultRule, ...] = (),
    job_seconds: float = DEFAULT_JOB_SECONDS,
    seed_from: str | Path | None = None,
) -> SandboxOptions:
    """``running``'s arguments as SandboxOptions (fault rules parsed: FaultRuleError if bad)."""
    return SandboxOptions(
        scenario=scenario,
        latency_ms=latency_ms,
        api_key=api_key,
        security_key=security_key,
        subjects=subjects,
        audit_path=audit_path,
        host=host,
        port=port,
        fault_rules=tuple(r if isinstance(r, FaultRule) else parse_rule(r) for r in fail),
        job_seconds=job_seconds,
        seed_from=seed_from,
    )
