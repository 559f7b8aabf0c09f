"""The workflows: no job without a time limit (a hung job would run for six hours), CI runs
what .ci/run runs (docs check, the example pipeline), and a release publishes by tag with
trusted publishing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

WORKFLOWS = Path(__file__).resolve().parents[2] / ".github" / "workflows"


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("name", ["ci.yml", "release.yml"])
def test_every_job_has_a_time_limit(name: str) -> None:
    jobs = _load(name)["jobs"]
    assert [job for job, spec in jobs.items() if not spec.get("timeout-minutes")] == []


def test_ci_checks_the_docs_and_runs_the_example_pipeline() -> None:
    jobs = _load("ci.yml")["jobs"].values()
    runs = [step.get("run", "") for job in jobs for step in job["steps"]]
    assert "nox -s docs -- --check" in runs
    assert "scripts/example_pipeline.sh pinned" in runs
    # nox -s report writes summary.md into $GITHUB_STEP_SUMMARY itself (test_report_render).
    report = _load("ci.yml")["jobs"]["report"]["steps"]
    assert "nox -s report" in [step.get("run", "") for step in report]


def test_a_tag_builds_once_and_publishes_with_trusted_publishing() -> None:
    release = _load("release.yml")
    on = release.get("on", release.get(True))  # YAML 1.1 reads a bare `on` as True
    assert on["push"]["tags"] == ["v*"]
    build, publish = release["jobs"]["build"], release["jobs"]["publish"]
    assert any(step.get("run") == "uv build" for step in build["steps"])
    assert publish["needs"] == ["build"]
    assert publish["permissions"] == {"id-token": "write"}
    (uses,) = [s["uses"] for s in publish["steps"] if "pypi-publish" in s.get("uses", "")]
    assert uses.startswith("pypa/gh-action-pypi-publish@")
    assert not any("password" in s.get("with", {}) for s in publish["steps"])  # no token
