"""Module-scoped sandboxes for discovery tests (discovery only reads, so they can be shared)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from imednet_live import sandbox
from imednet_live.core.env_vars import RUN_ID
from imednet_live.sandbox import SandboxHandle


def _serve(scenario: str) -> Iterator[SandboxHandle]:
    with sandbox.running(scenario=scenario) as sb:
        yield sb


@pytest.fixture(scope="module")
def default_sb() -> Iterator[SandboxHandle]:
    yield from _serve("default")


@pytest.fixture(scope="module")
def read_only_sb() -> Iterator[SandboxHandle]:
    yield from _serve("read-only")


@pytest.fixture(scope="module")
def empty_sb() -> Iterator[SandboxHandle]:
    yield from _serve("empty")


@pytest.fixture(scope="module")
def no_form_sb() -> Iterator[SandboxHandle]:
    yield from _serve("no-eligible-form")


@pytest.fixture(autouse=True)
def _no_shared_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process discovery unless a test opts into a run id itself."""
    monkeypatch.delenv(RUN_ID, raising=False)
