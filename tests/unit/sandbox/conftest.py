"""Sandbox fixtures: one server per scenario per xdist worker (each worker starts its own)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import httpx
import pytest

from imednet_live import sandbox
from imednet_live.sandbox import SandboxHandle


@pytest.fixture(scope="session")
def sandbox_default() -> Iterator[SandboxHandle]:
    """The default scenario, never written to: read tests may rely on the seed as-is."""
    with sandbox.running() as sb:
        yield sb


@pytest.fixture(scope="session")
def sandbox_writable() -> Iterator[SandboxHandle]:
    """A second default sandbox for write tests (their effects would disturb read tests)."""
    with sandbox.running() as sb:
        yield sb


@pytest.fixture(scope="session")
def sandbox_scaled() -> Iterator[SandboxHandle]:
    """The first study scaled to 60 subjects, so SDK listings span several 100-item pages."""
    with sandbox.running(subjects=60) as sb:
        yield sb


@pytest.fixture(scope="session")
def scenario_sandboxes() -> Iterator[Callable[[str], SandboxHandle]]:
    """Lazily started, session-cached sandboxes keyed by scenario name."""
    started: dict[str, SandboxHandle] = {}
    with ExitStack() as stack:

        def get(name: str) -> SandboxHandle:
            if name not in started:
                started[name] = stack.enter_context(sandbox.running(scenario=name))
            return started[name]

        yield get


@pytest.fixture
def sandbox_factory() -> Iterator[Callable[..., SandboxHandle]]:
    """Fresh sandboxes for tests that need private state (stopped after the test)."""
    with ExitStack() as stack:
        yield lambda **kwargs: stack.enter_context(sandbox.running(**kwargs))


def _headers(sb: SandboxHandle) -> dict[str, str]:
    return {"x-api-key": sb.api_key, "x-imn-security-key": sb.security_key}


@pytest.fixture
def raw_client() -> Iterator[Callable[[SandboxHandle], httpx.Client]]:
    """Authenticated httpx clients rooted at a sandbox's /api/v1/edc (closed after the test)."""
    with ExitStack() as stack:

        def make(sb: SandboxHandle, **kwargs: Any) -> httpx.Client:
            headers = {**_headers(sb), **kwargs.pop("headers", {})}
            client = httpx.Client(base_url=sb.base_url + "/api/v1/edc", headers=headers, **kwargs)
            return stack.enter_context(client)

        yield make


@pytest.fixture
def http(sandbox_default: SandboxHandle, raw_client: Callable[..., httpx.Client]) -> httpx.Client:
    """Raw HTTP against the default sandbox, for size/sort/filter control."""
    return raw_client(sandbox_default)


@pytest.fixture
def make_sdk() -> Iterator[Callable[..., Any]]:
    """Unmodified SDK 0.5.0 clients for a sandbox (closed after the test)."""
    from imednet import ImednetSDK

    with ExitStack() as stack:

        def make(sb: SandboxHandle, **kwargs: Any) -> ImednetSDK:
            return stack.enter_context(ImednetSDK(**sb.sdk_kwargs(), **kwargs))

        yield make
