"""Build outcomes.json files for report tests through the same models the plugin uses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from imednet_live.charter.outcomes import SessionOutcomes, TestOutcome, Violation, count_outcomes


def outcome(
    name: str,
    resource: str | None,
    result: str = "passed",
    *,
    expected: bool = True,
    category: str | None = None,
    message: str = "",
    failure_kind: str | None = None,
    sdk_log: list[str] | None = None,
) -> TestOutcome:
    return TestOutcome(
        nodeid=f"tests/live/test_x.py::{name}",
        resource=resource,
        outcome=result,  # type: ignore[arg-type]
        category=category,
        expected=expected,
        failure_kind=failure_kind,
        message=message,
        sdk_log=sdk_log or [],
    )


def write_session(
    reports: Path,
    name: str,
    tests: list[TestOutcome],
    *,
    profile: str | None = "core",
    violations: list[Violation] | None = None,
    **fields: Any,
) -> Path:
    """``fields``: any other SessionOutcomes field (sdk_version, wall_seconds, base_url...)."""
    session = SessionOutcomes(
        session=name,
        profile=profile,
        target_kind=fields.pop("target_kind", "sandbox"),
        base_url=fields.pop("base_url", "http://127.0.0.1:1"),
        counts=count_outcomes(tests),
        violations=violations or [],
        tests=tests,
        **fields,
    )
    path = reports / name / "outcomes.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(session.model_dump_json(indent=2), encoding="utf-8")
    return path


def run_report(reports: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m imednet_live.report`` as nox runs it, without the caller's credentials.

    Each reports folder gets its own run history beside it unless ``env`` names one, so
    that tests sharing a temporary parent folder never see each other's runs.
    """
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("IMEDNET_", "GITHUB_"))}
    history = {"IMEDNET_LIVE_HISTORY": str(reports.parent / f".{reports.name}-history.jsonl")}
    return subprocess.run(
        [sys.executable, "-m", "imednet_live.report", str(reports), *args],
        capture_output=True,
        text=True,
        env={**clean, **history, **env},
        check=False,
    )
