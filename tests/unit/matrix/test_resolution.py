"""The resolution axis (resolution.py): parsing, uv's switches, the stamp key, the lock diff.

The offline and unreachable-index failures run the real uv (``--dry-run``, no cache, the
index on a refused loopback port or the network switched off): nothing leaves the machine.
"""

from __future__ import annotations

import datetime
import os
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from nox.virtualenv import UV

from imednet_live import config, resolution
from imednet_live.config import ConfigError
from imednet_live.resolution import Difference, Resolution

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests" / "unit" / "matrix"))

from test_noxfile import FakeSession  # noqa: E402


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, Resolution.LOCKED), ("latest", Resolution.LATEST), (" Lowest ", Resolution.LOWEST)],
)
def test_parse_reads_the_three_and_defaults_to_locked(
    raw: str | None, expected: Resolution
) -> None:
    env = {} if raw is None else {config.RESOLUTION: raw}
    assert resolution.parse(env) is expected


def test_an_unknown_value_is_one_line_naming_the_three() -> None:
    with pytest.raises(ConfigError) as caught:
        resolution.parse({config.RESOLUTION: "newest"})
    message = str(caught.value)
    assert "\n" not in message
    assert "'newest'" in message
    assert all(name in message for name in ("locked", "latest", "lowest"))


def test_nox_refuses_an_unknown_value_before_any_venv(tmp_path: Path) -> None:
    envdir = tmp_path / "envs"
    env = {**os.environ, config.RESOLUTION: "newest"}
    done = subprocess.run(
        [sys.executable, "-m", "nox", "-f", str(ROOT / "noxfile.py"), "-s", "unit",
         "--envdir", str(envdir)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "IMEDNET_LIVE_RESOLUTION='newest'" in lines[0]
    assert "lowest" in lines[0]
    assert not envdir.exists()


def test_each_resolution_keeps_its_own_venvs() -> None:
    assert resolution.envdir(Resolution.LOCKED) == ".nox"
    dirs = {resolution.envdir(r) for r in Resolution}
    assert len(dirs) == 3
    assert all(d.startswith(".nox") for d in dirs)


def test_uv_switches(tmp_path: Path) -> None:
    lock = tmp_path / "core-py3.11.txt"
    assert resolution.uv_install_args(Resolution.LOCKED, lock) == ["-c", str(lock)]
    latest = resolution.uv_install_args(Resolution.LATEST, lock)
    assert latest == ["--resolution", "highest", "--upgrade"]
    lowest = resolution.uv_install_args(Resolution.LOWEST, lock)
    assert lowest[:2] == ["--resolution", "lowest-direct"]
    assert str(lock) not in latest + lowest  # nothing of the lock holds


def test_the_stamp_key_knows_the_resolution_and_latest_goes_stale_daily() -> None:
    day = datetime.date(2026, 12, 6)
    assert resolution.stamp_parts(Resolution.LOCKED, day) == ()  # old stamps stay valid
    today = resolution.stamp_parts(Resolution.LATEST, day)
    tomorrow = resolution.stamp_parts(Resolution.LATEST, day + datetime.timedelta(days=1))
    assert today != tomorrow
    assert resolution.stamp_parts(Resolution.LOWEST, day) == ("lowest",)
    assert len({today, resolution.stamp_parts(Resolution.LOWEST, day), ()}) == 3


def test_upgrade_posargs_are_taken_out() -> None:
    posargs = ["-k", "cli", "--upgrade"]
    assert resolution.take_upgrade(posargs) is True
    assert posargs == ["-k", "cli"]
    assert resolution.take_upgrade(posargs) is False


def test_lock_diff_names_every_differing_dependency() -> None:
    lock = resolution.parse_pins("click==8.1.8\n    # via typer\nTyper==0.15.4\nidna==3.20 ; x\n")
    installed = {"click": "8.5.1", "typer": "0.15.3", "idna": "3.20", "imednet-live": "0.1.0"}
    diff = resolution.lock_diff(lock, {**installed, "rich": "15.0.0"}, ("imednet-live",))
    assert diff == [
        Difference("click", "8.1.8", "8.5.1"),
        Difference("rich", None, "15.0.0"),
        Difference("typer", "0.15.4", "0.15.3"),
    ]
    line = resolution.describe(Resolution.LATEST, diff)
    assert line.startswith("latest: 3 differing from the lock")
    assert "click 8.1.8 -> 8.5.1" in line
    assert "rich not locked -> 15.0.0" in line


def test_a_latest_that_resolves_exactly_the_lock_says_so() -> None:
    lock = {"click": "8.1.8"}
    assert resolution.lock_diff(lock, {"click": "8.1.8"}) == []
    line = resolution.describe(Resolution.LATEST, [])
    assert line.startswith("latest")
    assert "no differing dependencies" in line


def _uv_dry_run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "UV_HTTP_RETRIES": "0", "UV_NO_CONFIG": "1"}
    return subprocess.run(
        [UV, "pip", "install", "--dry-run", "--python", sys.executable, "--no-cache",
         *resolution.uv_install_args(Resolution.LATEST, Path("unused")), *args, "click>=8.2"],
        capture_output=True, text=True, env=env, check=False, timeout=60,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("switches", "why"),
    [
        (("--offline",), "offline"),
        (("--index-url", "http://127.0.0.1:9/simple"), "unreachable"),  # refused, loopback
    ],
)
def test_latest_without_the_index_fails_in_one_line_naming_the_package(
    switches: tuple[str, ...], why: str
) -> None:
    done = _uv_dry_run(*switches)
    assert done.returncode != 0
    line = resolution.failure_line(Resolution.LATEST, done.stdout + done.stderr)
    assert "\n" not in line
    assert line.startswith("IMEDNET_LIVE_RESOLUTION=latest: cannot resolve click (")
    assert why in line
    assert "no fall back to the lock" in line


@pytest.fixture(scope="module")
def noxfile() -> dict[str, Any]:
    return runpy.run_path(str(ROOT / "noxfile.py"))


class InstallSession(FakeSession):
    def __init__(self, name: str, tmp: Path) -> None:
        super().__init__(name)
        self.tmp = tmp
        self.posargs = ["--upgrade"]

    def create_tmp(self) -> str:
        return str(self.tmp)


@pytest.mark.parametrize("name", ["latest", "lowest"])
def test_every_session_installs_under_the_resolution_and_names_the_diff(
    noxfile: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    calls: list[tuple[str, ...]] = []

    def fake_uv_pip(session: Any, *args: str) -> tuple[int, str]:
        calls.append(args)
        return 0, ""

    monkeypatch.setitem(noxfile["install_profile"].__globals__, "uv_pip", fake_uv_pip)
    monkeypatch.setenv(config.RESOLUTION, name)
    for variable in (config.SDK, config.SDK_WORKFLOWS, config.SDK_AIRFLOW):
        monkeypatch.delenv(variable, raising=False)
    session = InstallSession("unit", tmp_path)  # not an SDK session: still the resolution
    noxfile["install_profile"](session, "exports")
    install = calls[0]
    assert install[:3] == ("install", "-e", ".[harness,test,exports]")
    assert "-c" not in install
    strategy = "highest" if name == "latest" else "lowest-direct"
    assert install[install.index("--resolution") + 1] == strategy
    assert session.posargs == []  # --upgrade was the install's, not pytest's
    diff = [args for args, _ in session.runs if "imednet_live.resolution" in args]
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert diff
    assert diff[0][-1].endswith(f"exports-py{python}.txt")


def test_a_failed_latest_install_is_one_line_not_the_lock(
    noxfile: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    offline = (
        "error: No solution found\n  cause: Because click was not found in the cache\n"
        "hint: Packages were unavailable because the network was disabled."
    )
    monkeypatch.setitem(noxfile["install_profile"].__globals__, "uv_pip", lambda *_: (1, offline))
    monkeypatch.setenv(config.RESOLUTION, "latest")
    session = InstallSession("smoke", tmp_path)
    with pytest.raises(SystemExit) as caught:
        noxfile["install_profile"](session, "core", sdk=True)
    assert str(caught.value).startswith("IMEDNET_LIVE_RESOLUTION=latest: cannot resolve click")
    assert session.installs == []  # no second, locked attempt


def test_take_resolutions_reads_the_posarg_and_defaults_to_the_env() -> None:
    posargs = ["smoke", "--resolution", "locked,latest"]
    got = resolution.take_resolutions(posargs, Resolution.LOWEST)
    assert got == [Resolution.LOCKED, Resolution.LATEST]
    assert posargs == ["smoke"]
    assert resolution.take_resolutions([], Resolution.LOWEST) == [Resolution.LOWEST]
    with pytest.raises(ConfigError, match="locked, latest, lowest"):
        resolution.take_resolutions(["--resolution", "newest"], Resolution.LOCKED)


def test_sdk_matrix_runs_each_build_under_each_resolution(
    noxfile: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[tuple[list[str], dict[str, str]]] = []

    class Done:
        returncode = 0

    def fake_run(command: list[str], **kwargs: Any) -> Done:
        runs.append((command, kwargs["env"]))
        return Done()

    globals_ = noxfile["install_profile"].__globals__
    monkeypatch.setitem(globals_, "REPORTS", tmp_path)
    monkeypatch.setattr(globals_["subprocess"], "run", fake_run)
    monkeypatch.setenv(config.SDK_MATRIX, "pinned")
    session = FakeSession("sdk-matrix")
    session.posargs = ["--resolution", "locked,latest", "smoke"]
    noxfile["sdk_matrix"](session)
    matrix = [(env[config.RESOLUTION], Path(env[config.REPORTS_ROOT]).name, cmd[-1])
              for cmd, env in runs if "report" not in cmd]  # fmt: skip
    assert matrix == [("locked", "pinned", "smoke"), ("latest", "pinned-latest", "smoke")]
