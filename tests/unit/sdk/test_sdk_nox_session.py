"""A bad IMEDNET_SDK turns a real nox session red with one line naming it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from imednet_live.core import env_vars

ROOT = Path(__file__).resolve().parents[3]
NOX_TIMEOUT_S = 300


def run_smoke(tmp_path: Path, value: str) -> tuple[int, list[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMEDNET_")}
    env[env_vars.SDK] = value
    done = subprocess.run(
        [sys.executable, "-m", "nox", "-f", str(ROOT / "noxfile.py"), "--envdir",
         str(tmp_path / "envs"), "-s", "smoke"],
        capture_output=True, text=True, timeout=NOX_TIMEOUT_S, env=env, cwd=ROOT,
    )  # fmt: skip
    return done.returncode, (done.stdout + done.stderr).splitlines()


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        # Resolved by uv against the package index: no such release.
        ("==9.9.9", "No solution found when resolving dependencies: Because there is no version"),
        ("/nonexistent/imednet-9.whl", "no such file or folder"),
    ],
)
def test_uninstallable_sdk_is_a_red_session_with_one_line(
    tmp_path: Path, value: str, reason: str
) -> None:
    code, lines = run_smoke(tmp_path, value)
    assert code != 0
    aborted = [line for line in lines if "Session smoke aborted" in line]
    assert len(aborted) == 1, lines
    assert f"IMEDNET_SDK={value!r}" in aborted[0]
    assert reason in aborted[0]
    assert not any("Traceback" in line for line in lines)
