"""Fixtures shared by every unit test package."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = REPO_ROOT.parent / "shared"

# The imednet_sandbox plugin's tests run pytest inside pytest (tests/unit/sandbox).
pytest_plugins = ("pytester",)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only reference folder beside the repo; tests that need it skip without it."""
    if not SHARED.is_dir():
        pytest.skip("../shared reference material is not beside the repo")
    return SHARED
