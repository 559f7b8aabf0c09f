"""Run small synthetic live suites in a real pytest subprocess under the charter plugin.

A subprocess, not pytester in-process: the plugin's verdict *is* an exit code, and the
synthetic project uses the live suite's own pytest.ini, so the ini under test is real.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
LIVE_INI = REPO_ROOT / "tests" / "live" / "pytest.ini"
SESSION = "unit-session"
# Recognisable on purpose: the leak tests grep every output for these.
CANARY_API_KEY = "canary-API-KEY-5f2e9d71"
CANARY_SECURITY_KEY = "canary-SEC-KEY-a83c04be"


@dataclass(repr=False)
class SuiteRun:
    returncode: int
    stdout: str
    stderr: str
    report_dir: Path

    @property
    def lines(self) -> pytest.LineMatcher:
        return pytest.LineMatcher(self.stdout.splitlines())

    def outcomes(self) -> dict[str, Any]:
        return json.loads((self.report_dir / "outcomes.json").read_text(encoding="utf-8"))

    def test(self, name: str) -> dict[str, Any]:
        """The outcomes.json entry whose nodeid ends with ``::name``."""
        matches = [t for t in self.outcomes()["tests"] if t["nodeid"].endswith(f"::{name}")]
        assert len(matches) == 1, f"{name}: {matches}"
        return matches[0]

    def violations(self) -> list[dict[str, Any]]:
        return self.outcomes()["violations"]

    def __repr__(self) -> str:  # shown by pytest when an assertion on a run fails
        return f"exit {self.returncode}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


class LiveSuite:
    """A throwaway project shaped like tests/live: its pytest.ini plus test files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "pytest.ini").write_text(LIVE_INI.read_text(encoding="utf-8"), encoding="utf-8")
        self.report_dir = root / "reports" / SESSION

    def write(self, name: str, source: str) -> Path:
        path = self.root / name
        path.write_text(textwrap.dedent(source), encoding="utf-8")
        return path

    def hide_packages(self, *names: str) -> None:
        """Make packages unimportable here, as a broken install would (find_spec -> None)."""
        lines = ["import sys", *(f"sys.modules[{name!r}] = None" for name in names)]
        self.write("conftest.py", "\n".join(lines) + "\n")

    def run(self, *args: str, env: dict[str, str] | None = None) -> SuiteRun:
        full_env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("IMEDNET_", "PYTEST_", "GITHUB_")) and k != "COLUMNS"
        }
        full_env.update(
            COLUMNS="240",
            PYTHONDONTWRITEBYTECODE="1",
            IMEDNET_LIVE_REPORT_DIR=str(self.report_dir),
        )
        full_env.update(env or {})
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
            cwd=self.root,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        return SuiteRun(done.returncode, done.stdout, done.stderr, self.report_dir)


def enabled_env(base_url: str = "http://127.0.0.1:9", **extra: str) -> dict[str, str]:
    """A suite that is switched on; keys are dummies unless a sandbox is involved."""
    env = {
        "IMEDNET_RUN_E2E": "1",
        "IMEDNET_API_KEY": "unit-api-key",
        "IMEDNET_SECURITY_KEY": "unit-security-key",
        "IMEDNET_BASE_URL": base_url,
        "IMEDNET_LIVE_TARGET_KIND": "sandbox",
    }
    env.update(extra)
    return env


def run_real_live_suite(
    sandbox_env: dict[str, str], report_dir: Path, *args: str, **extra_env: str
) -> subprocess.CompletedProcess[str]:
    """The project's own tests/live (``args`` name tests under it) against a sandbox.

    Bounded: at most 300 s. Outside variables of the harness and of pytest are dropped, so
    the run sees only the sandbox's credentials and ``extra_env``.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMEDNET_", "PYTEST_"))}
    env.update(
        sandbox_env,
        IMEDNET_RUN_E2E="1",
        IMEDNET_LIVE_TARGET_KIND="sandbox",
        IMEDNET_LIVE_REPORT_DIR=str(report_dir),
        PYTHONDONTWRITEBYTECODE="1",
        **extra_env,
    )
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
        cwd=REPO_ROOT / "tests" / "live", env=env, capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip


def most_at_once(spans: Iterable[tuple[datetime, datetime]]) -> int:
    """The most ``(start, end)`` spans open at one moment (requests served, jobs awaited)."""
    events = sorted(step for start, end in spans for step in ((start, 1), (end, -1)))
    peak = current = 0
    for _, step in events:
        current += step
        peak = max(peak, current)
    return peak
