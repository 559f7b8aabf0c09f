"""Helpers shared by the discovery tests: count API calls from the sandbox audit."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
from imednet import ImednetSDK

from imednet_live.config import Settings
from imednet_live.sandbox import SandboxHandle

EDC_PREFIX = "/api/v1/edc/studies"


BARRIER_PARAM = "audit-barrier"


def settled_requests(sb: SandboxHandle, timeout: float = 5.0) -> list[dict[str, Any]]:
    """The audit once every request answered so far is in it.

    The sandbox records an entry just after sending the response, so a reader can be a
    moment ahead of the last entry. A barrier request is read by the server only after
    those entries are written; once the barrier itself is audited, the audit is complete.
    """
    token = uuid.uuid4().hex
    headers = {"x-api-key": sb.api_key, "x-imn-security-key": sb.security_key}
    httpx.get(f"{sb.base_url}/api/v1/edc/studies", params={BARRIER_PARAM: token}, headers=headers)
    deadline = time.monotonic() + timeout
    while True:
        entries = sb.requests()
        if any(token in e["query"] for e in entries):
            return [e for e in entries if BARRIER_PARAM not in e["query"]]
        if time.monotonic() > deadline:
            raise AssertionError("the sandbox never audited the barrier request")
        time.sleep(0.001)


def edc_calls(requests: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(method, resource) per EDC request, e.g. ``/studies/S/forms`` -> ("GET", "forms")."""
    calls = []
    for entry in requests:
        path: str = entry["path"]
        if not path.startswith(EDC_PREFIX):
            continue
        parts = path[len(EDC_PREFIX) :].strip("/").split("/")
        resource = "studies" if parts == [""] or len(parts) == 1 else parts[1]
        calls.append((entry["method"], resource))
    return calls


class Audit:
    """Requests made since the last ``mark``, so module-scoped sandboxes can be shared."""

    def __init__(self, sb: SandboxHandle) -> None:
        self.sb = sb
        self._seen = 0

    def mark(self) -> None:
        self._seen = len(settled_requests(self.sb))

    def since_mark(self) -> list[tuple[str, str]]:
        return edc_calls(settled_requests(self.sb)[self._seen :])


def settings_for(sb: SandboxHandle, **overrides: Any) -> Settings:
    return Settings(
        api_key=sb.api_key, security_key=sb.security_key, base_url=sb.base_url, **overrides
    )


def sdk_for(sb: SandboxHandle, **keys: str) -> ImednetSDK:
    return ImednetSDK(
        api_key=keys.get("api_key", sb.api_key),
        security_key=keys.get("security_key", sb.security_key),
        base_url=sb.base_url,
    )
