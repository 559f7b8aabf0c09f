"""The embedded iMednet EDC API sandbox: a real HTTP server speaking the API on loopback.

with sandbox.running(scenario="default") as sb:
    sdk = ImednetSDK(api_key=sb.api_key, security_key=sb.security_key, base_url=sb.base_url)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from imednet_live import config
from imednet_live.config import SdkKwargs
from imednet_live.fault_rules import FaultRule, parse_rule
from imednet_live.sandbox.backend import DEFAULT_JOB_SECONDS, Backend
from imednet_live.sandbox.scenarios import SCENARIOS
from imednet_live.sandbox.server import (
    DEFAULT_API_KEY,
    DEFAULT_SECURITY_KEY,
    SandboxConfigError,
    SandboxOptions,
    SandboxServer,
)

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_SECURITY_KEY",
    "SCENARIOS",
    "SandboxConfigError",
    "SandboxHandle",
    "running",
]


@dataclass(frozen=True)
class SandboxHandle:
    """What a test needs to talk to a running sandbox."""

    base_url: str
    api_key: str = field(repr=False)
    security_key: str = field(repr=False)
    scenario: str
    backend: Backend = field(repr=False)
    _server: SandboxServer = field(repr=False)

    def requests(self) -> list[dict[str, Any]]:
        """The audit so far: method, path, query, status, duration_ms, timestamp per request."""
        return self._server.audit.entries()

    @property
    def env(self) -> dict[str, str]:
        """The SDK/CLI environment variables pointing at this sandbox."""
        return {
            config.API_KEY: self.api_key,
            config.SECURITY_KEY: self.security_key,
            config.BASE_URL: self.base_url,
        }

    def sdk_kwargs(self) -> SdkKwargs:
        return {
            "api_key": self.api_key,
            "security_key": self.security_key,
            "base_url": self.base_url,
        }


@contextmanager
def running(
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
) -> Iterator[SandboxHandle]:
    """Run a sandbox in a daemon thread of this process for the duration of the block.

    ``fail``: persistent fault rules, as ``--fail`` takes them (``"GET /path/*=500"``).
    """
    server = SandboxServer(
        SandboxOptions(
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
    )
    server.start_in_thread()
    try:
        yield SandboxHandle(
            base_url=server.base_url,
            api_key=api_key,
            security_key=security_key,
            scenario=server.scenario,
            backend=server.backend,
            _server=server,
        )
    finally:
        server.stop()
