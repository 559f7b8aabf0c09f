"""Fixtures for the charter plugin's conformance tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from plugin_support import CANARY_API_KEY, CANARY_SECURITY_KEY, LiveSuite

from imednet_live import sandbox


@pytest.fixture
def suite(tmp_path: Path) -> LiveSuite:
    return LiveSuite(tmp_path)


@pytest.fixture(scope="session")
def canary_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sandbox.SandboxHandle]:
    """One real sandbox on 127.0.0.1 whose keys are the canaries."""
    audit = tmp_path_factory.mktemp("sandbox") / "audit.jsonl"
    with sandbox.running(
        api_key=CANARY_API_KEY, security_key=CANARY_SECURITY_KEY, audit_path=audit
    ) as handle:
        yield handle
