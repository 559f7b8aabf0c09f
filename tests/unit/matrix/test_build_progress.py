"""sdk-matrix's progress: ``[i/N] build <label>`` and its elapsed time per build, folded in
``::group::`` under GitHub Actions only."""

from __future__ import annotations

import io
import re
import runpy
import subprocess
import warnings
from pathlib import Path
from typing import Any

import pytest

from imednet_live.workflow_commands import Progress, elapsed

ROOT = Path(__file__).resolve().parents[3]


class _Session:
    """What sdk_matrix asks of a nox session."""

    posargs = ("smoke",)

    def __init__(self) -> None:
        self.logs: list[str] = []

    def log(self, message: str) -> None:
        self.logs.append(message)

    def error(self, message: str) -> None:
        raise SystemExit(message)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _run(env: dict[str, str]) -> tuple[list[str], list[str]]:
    said: list[str] = []
    out = io.StringIO()
    clock = Clock()
    progress = Progress(2, said.append, what="build", env=env, clock=clock, out=out)
    with progress.step("pinned") as step:
        clock.now += 42.25
        step.result = "green (3 passed)"
    with progress.step("0.6.0"):
        clock.now += 185
    return said, out.getvalue().splitlines()


def test_each_build_is_numbered_and_timed_and_folded_under_actions() -> None:
    said, commands = _run({"GITHUB_ACTIONS": "true"})
    assert said == [
        "[1/2] build pinned",
        "[1/2] build pinned: green (3 passed) (42.2 s)",
        "[2/2] build 0.6.0",
        "[2/2] build 0.6.0: ended (3m05s)",
    ]
    assert commands == [
        "::group::[1/2] build pinned",
        "::endgroup::",
        "::group::[2/2] build 0.6.0",
        "::endgroup::",
    ]


def test_outside_actions_no_group_is_printed() -> None:
    said, commands = _run({})
    assert len(said) == 4
    assert commands == []


def test_a_build_that_raises_still_closes_its_group() -> None:
    out = io.StringIO()
    progress = Progress(1, lambda _: None, what="build", env={"GITHUB_ACTIONS": "true"}, out=out)
    with pytest.raises(RuntimeError, match="nox died"), progress.step("main"):
        raise RuntimeError("nox died")
    assert out.getvalue().splitlines() == ["::group::[1/1] build main", "::endgroup::"]


def test_elapsed_reads_at_a_glance() -> None:
    assert [elapsed(s) for s in (0.04, 59.94, 60, 3599, 3600, 7322)] == [
        "0.0 s", "59.9 s", "1m00s", "59m59s", "1h00m", "2h02m",
    ]  # fmt: skip


def test_sdk_matrix_numbers_times_and_folds_each_build(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The session itself, its nox subprocesses stood in for (each build's runs recorded)."""
    with warnings.catch_warnings():  # another test module may have registered them first
        warnings.filterwarnings("ignore", "The session .* has already been registered")
        sdk_matrix = runpy.run_path(str(ROOT / "noxfile.py"))["sdk_matrix"].func
    ran: list[list[str]] = []

    def fake_run(args: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        ran.append(args)
        return subprocess.CompletedProcess(args, 0)

    monkeypatch.setitem(sdk_matrix.__globals__, "REPORTS", tmp_path)
    monkeypatch.setattr(subprocess, "run", fake_run)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("IMEDNET_LIVE_SDK_MATRIX", "pinned; pinned")
    session = _Session()
    sdk_matrix(session)
    assert len(ran) == 4  # per build: the sessions, then its report
    heads = [line for line in session.logs if line.startswith("[")]
    assert heads[0] == "[1/2] build pinned"
    assert re.fullmatch(r"\[1/2\] build pinned: green \(0 passed.*\) \(\d+\.\d s\)", heads[1])
    assert heads[2] == "[2/2] build pinned"
    groups = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("::")]
    assert groups == [
        "::group::[1/2] build pinned",
        "::endgroup::",
        "::group::[2/2] build pinned",
        "::endgroup::",
    ]
