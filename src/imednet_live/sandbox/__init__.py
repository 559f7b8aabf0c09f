"""The embedded iMednet EDC API sandbox: a real HTTP server speaking the API on loopback.

with sandbox.running(scenario="default") as sb:
    sdk = ImednetSDK(api_key=sb.api_key, security_key=sb.security_key, base_url=sb.base_url)

A thin, lazy face (PEP 562): importing the package, its options or its fault rules costs
no web framework; ``running``, ``serving`` and ``SandboxHandle`` load the server on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from imednet_live.sandbox.handle import SandboxHandle, running, serving
    from imednet_live.sandbox.options import (
        DEFAULT_API_KEY,
        DEFAULT_SECURITY_KEY,
        SandboxConfigError,
        SandboxOptions,
        SandboxStartError,
        options_for,
    )
    from imednet_live.sandbox.scenarios import SCENARIOS

# Each public name and the module that defines it.
_HOMES = {
    "DEFAULT_API_KEY": "options",
    "DEFAULT_SECURITY_KEY": "options",
    "SandboxConfigError": "options",
    "SandboxOptions": "options",
    "SandboxStartError": "options",
    "SCENARIOS": "scenarios",
    "SandboxHandle": "handle",
    "options_for": "options",
    "running": "handle",
    "serving": "handle",
}

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_SECURITY_KEY",
    "SCENARIOS",
    "SandboxConfigError",
    "SandboxHandle",
    "SandboxOptions",
    "SandboxStartError",
    "options_for",
    "running",
    "serving",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
