"""The noxfile, loaded once per test module: its namespace and the sessions it registers."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import nox
import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def noxfile() -> dict[str, Any]:
    """The noxfile's namespace; loading it sets ``nox.options`` and registers its sessions."""
    return runpy.run_path(str(ROOT / "noxfile.py"))


@pytest.fixture(scope="module")
def registry(noxfile: dict[str, Any]) -> dict[str, Any]:
    return dict(nox.registry.get())
