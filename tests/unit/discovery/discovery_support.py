"""Helpers shared by the discovery tests: count API calls from the sandbox audit."""

from __future__ import annotations

from typing import Any

from imednet import ImednetSDK

from imednet_live.core.settings import Settings
from imednet_live.sandbox import SandboxHandle

EDC_PREFIX = "/api/v1/edc/studies"


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
        self._seen = len(self.sb.requests())

    def since_mark(self) -> list[tuple[str, str]]:
        return edc_calls(self.sb.requests()[self._seen :])


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
