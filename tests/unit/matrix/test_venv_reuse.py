"""The README's commands, run a second time, reuse every venv and install nothing.

Two decisions make a warm run: nox's (is the venv reused?), taken by nox's own parser and
resolver from the command line and the noxfile's ``nox.options``, and ours (is the install
skipped?), the install stamp. Both are checked here on the README's commands as written,
not on the flags a benchmark might add.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import nox
import pytest
from nox import _options
from nox._merge import merge_noxfile_options
from nox._option_set import to_argv
from nox.sessions import resolve_reuse_existing_venv
from nox.virtualenv import VirtualEnv
from test_noxfile import FakeSession

from imednet_live.bytecode import compile_venv
from imednet_live.profiles import MUTATING_PROFILE, READONLY_PROFILES

ROOT = Path(__file__).resolve().parents[3]
MAIN_JOB = re.compile(r"^python3 -m pip .*-j auto -s smoke .*$", re.MULTILINE)


def readme_nox_commands() -> list[list[str]]:
    """The nox argument lists of the README's main job, as the README writes it."""
    (line,) = MAIN_JOB.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    commands = [shlex.split(part) for part in line.split("&&")]
    return [argv[3:] for argv in commands if argv[:3] == ["python3", "-m", "nox"]]


def decide(argv: list[str], func: Any) -> tuple[bool, bool]:
    """(reuse the venv, skip installs) as nox decides them for ``argv`` and this noxfile."""
    config = _options.options.parse_args(argv)
    merge_noxfile_options(config, nox.options)
    return resolve_reuse_existing_venv(config, func), config.no_install


def child_argv(argv: list[str]) -> list[str]:
    """What a ``-j`` parent hands its worker nox: its merged config, serialised."""
    config = _options.options.parse_args(argv)
    merge_noxfile_options(config, nox.options)
    return to_argv(config)


def test_the_readme_main_job_reuses_every_venv_and_still_installs_what_changed(
    registry: dict[str, Any],
) -> None:
    commands = readme_nox_commands()
    assert [c[-1] for c in commands] == ["live-readonly", "report"], commands
    for argv in commands:
        for name in ("smoke", "live-mutating", "live-readonly", "report"):
            # reused, and install calls still run: the stamp decides (not nox's -R)
            assert decide(argv, registry[name]) == (True, False), (argv, name)
            # so do the parallel children nox -j starts for each session
            assert decide(child_argv(argv), registry[name]) == (True, False), (argv, name)


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["--reuse-venv=no"], (False, False)),
        (["--reuse-venv=never"], (False, False)),
        (["-N"], (False, False)),
        (["--no-reuse-existing-virtualenvs"], (False, False)),
        (["-R"], (True, True)),
        (["-r"], (True, False)),
    ],
)
def test_fresh_venvs_and_no_installs_stay_on_request(
    registry: dict[str, Any], flags: list[str], expected: tuple[bool, bool]
) -> None:
    argv = [*flags, "-j", "auto", "-s", "smoke", "live-mutating", "live-readonly"]
    assert decide(argv, registry["live-mutating"]) == expected
    assert decide(child_argv(argv), registry["live-mutating"]) == expected


def test_a_second_run_of_the_main_job_installs_and_compiles_nothing(
    noxfile: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Each session of the main job, twice in its reused venv: the second installs nothing.

    A changed input (another IMEDNET_SDK, a constraint) installs again in the reused venv:
    test_noxfile.py::test_an_unchanged_install_is_skipped_and_any_change_installs_again.
    """
    install_profile = noxfile["install_profile"]
    uv_calls: list[tuple[str, ...]] = []
    monkeypatch.setitem(
        install_profile.__globals__, "uv_pip", lambda _s, *a: (uv_calls.append(a), (0, ""))[1]
    )
    for name in ("IMEDNET_SDK", "IMEDNET_SDK_WORKFLOWS", "IMEDNET_SDK_AIRFLOW"):
        monkeypatch.delenv(name, raising=False)
    sessions = [
        ("smoke", "core", True),
        *((f"live-readonly(profile='{p}')", p, True) for p in READONLY_PROFILES),
        (f"live-mutating(profile='{MUTATING_PROFILE}')", MUTATING_PROFILE, True),
        ("report", "core", False),
    ]

    def run(name: str, profile: str, sdk: bool) -> FakeSession:
        session = FakeSession(name)
        venv = tmp_path / name
        venv.mkdir(exist_ok=True)
        session.virtualenv = VirtualEnv(str(venv), venv_backend="uv")  # type: ignore[attr-defined]
        session.create_tmp = lambda: str(tmp_path)  # type: ignore[attr-defined]
        install_profile(session, profile, sdk=sdk)
        return session

    for name, profile, sdk in sessions:
        uv_calls.clear()
        first = run(name, profile, sdk)
        assert uv_calls or first.installs, f"{name}: a new venv installs"
        uv_calls.clear()
        second = run(name, profile, sdk)
        assert not uv_calls, f"{name}: {uv_calls}"
        assert not second.installs, f"{name}: {second.installs}"
        assert any("skipped" in line for line in second.logs), second.logs
        # The venv is still proved and its bytecode step still runs, as a no-op (below).
        commands = [args[:3] for args, _ in second.runs]
        assert ("python", "-m", "imednet_live.profile_check") in commands
        assert ("python", "-m", "imednet_live.bytecode") in commands

    # The bytecode step of a reused venv whose packages did not change compiles nothing.
    site = tmp_path / "site-packages"
    (site / "pkg").mkdir(parents=True)
    (site / "pkg" / "__init__.py").write_text("X = 1\n", encoding="utf-8")
    (site / "pkg-1.0.dist-info").mkdir()
    assert "compiled" in compile_venv(tmp_path, [site])
    assert compile_venv(tmp_path, [site]) == "bytecode: up to date"
