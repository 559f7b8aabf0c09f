"""The session graph, profile installs and target handling of noxfile.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import nox
import pytest

from imednet_live.core.profiles import MUTATING_PROFILE, PROFILES, READONLY_PROFILES
from imednet_live.matrix import install as matrix_install
from imednet_live.matrix import session_env
from imednet_live.matrix.checkout import Checkout
from imednet_live.matrix.target import Target, TargetKind
from imednet_live.recording import layout as recording_layout

ROOT = Path(__file__).resolve().parents[3]


def nox_list_json(env: dict[str, str] | None = None) -> list[dict[str, Any]]:
    out = subprocess.run(
        [sys.executable, "-m", "nox", "-l", "--json", "-f", str(ROOT / "noxfile.py")],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return json.loads(out.stdout)


class FakeSession:
    """Records what a session function asks of nox; ``error`` raises like nox does."""

    python = None
    venv_backend = "uv"
    posargs: list[str] = []  # noqa: RUF012
    bin = "/nonexistent"

    def __init__(self, name: str) -> None:
        self.name = name
        self.installs: list[tuple[str, ...]] = []
        self.runs: list[tuple[tuple[str, ...], dict[str, Any]]] = []
        self.logs: list[str] = []

    def install(self, *args: str) -> None:
        self.installs.append(args)

    def run(self, *args: str, **kwargs: Any) -> None:
        self.runs.append((args, kwargs))

    def log(self, msg: str) -> None:
        self.logs.append(msg)

    def error(self, msg: str) -> None:
        raise SystemExit(msg)

    def skip(self, msg: str) -> None:
        raise Skipped(msg)


class Skipped(Exception):
    """What nox's session.skip raises, stood in for."""


def test_needs_a_nox_with_parallel_sessions(noxfile: dict[str, Any]) -> None:
    assert nox.needs_version == ">=2026.8.10"
    assert nox.options.default_venv_backend == "uv|virtualenv"


def test_every_live_session_requires_smoke_and_may_run_in_parallel(
    registry: dict[str, Any],
) -> None:
    live = {name: f for name, f in registry.items() if name.startswith("live-")}
    assert set(live) == {"live-readonly", "live-mutating"}
    for name, func in live.items():
        assert func.requires == ["smoke"], name
        assert func.allow_parallel is True, name
        assert "live" in func.tags, name
    assert registry["smoke"].requires == []


def test_nox_lists_every_live_session_with_its_profile() -> None:
    sessions = {s["session"]: s for s in nox_list_json()}
    readonly = {
        s["call_spec"]["profile"] for s in sessions.values() if s["name"] == "live-readonly"
    }
    assert readonly == set(READONLY_PROFILES) == {"core", "exports", "airflow"}
    mutating = [s for s in sessions.values() if s["name"] == "live-mutating"]
    assert [s["call_spec"] for s in mutating] == [{"profile": MUTATING_PROFILE}]
    assert {"unit", "smoke"} <= set(sessions)


@pytest.mark.parametrize("profile", list(PROFILES))
def test_each_profile_venv_gets_exactly_its_extras(noxfile: dict[str, Any], profile: str) -> None:
    session = FakeSession(f"live-readonly(profile='{profile}')")
    noxfile["install_profile"](session, profile)
    first = session.installs[0]
    extras = first[first.index("-e") + 1]
    assert extras == f".[{','.join(PROFILES[profile].extras)}]"
    constraints = Path(first[first.index("-c") + 1])
    assert constraints.name == f"{profile}-py{sys.version_info.major}.{sys.version_info.minor}.txt"
    # The venv is then proved to hold exactly the profile's optional packages.
    checks = [args for args, _ in session.runs if "imednet_live.matrix.profile_check" in args]
    assert checks
    assert checks[0][-1] == profile


def test_mutation_is_allowed_only_in_the_mutating_session(
    noxfile: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(session_env, "target_env", _no_target)
    monkeypatch.setitem(noxfile["live_session"].__globals__, "CHECKOUT", Checkout(ROOT, tmp_path))
    monkeypatch.setattr(matrix_install, "uv_pip", lambda *_: (0, ""))
    envs = {}
    for profile in PROFILES:
        session = FakeSession("live")
        session.posargs = []
        noxfile["live_session"](session, profile)
        (pytest_call,) = [kw["env"] for args, kw in session.runs if args[0] == "pytest"]
        envs[profile] = pytest_call["IMEDNET_ALLOW_MUTATION"]
    assert envs == {"core": "0", "exports": "0", "airflow": "0", "mutating": "1"}


@pytest.mark.parametrize(
    ("latency", "parallel", "posargs", "expected"),
    [
        (1.0, "4", [], ["-n", "0", "--dist", "loadgroup"]),
        (100.0, "1", [], ["-n", "6", "--dist", "loadgroup"]),
        (100.0, "4", ["-k", "studies"], ["-n", "2", "-k", "studies", "--dist", "loadgroup"]),
        (100.0, "4", ["-n", "3"], ["-n", "3", "--dist", "loadgroup"]),
        (100.0, "1", ["-p", "no:xdist"], ["-p", "no:xdist"]),
    ],
)
def test_live_sessions_run_pytest_with_the_chosen_workers(
    noxfile: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    latency: float,
    parallel: str,
    posargs: list[str],
    expected: list[str],
) -> None:
    """Round-trip and sessions in parallel choose -n; posargs -n (or no xdist) win."""
    monkeypatch.setattr(session_env, "target_env", _no_target)
    monkeypatch.setitem(noxfile["live_session"].__globals__, "CHECKOUT", Checkout(ROOT, tmp_path))
    monkeypatch.setattr(matrix_install, "uv_pip", lambda *_: (0, ""))
    monkeypatch.setattr(session_env, "target_round_trip", lambda *_: (latency, "test"))
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setenv("IMEDNET_LIVE_PARALLEL_SESSIONS", parallel)
    monkeypatch.delenv("IMEDNET_LIVE_SANDBOX_JOB_SECONDS", raising=False)
    monkeypatch.delenv("IMEDNET_API_KEY", raising=False)
    monkeypatch.delenv("IMEDNET_SECURITY_KEY", raising=False)
    monkeypatch.delenv("IMEDNET_TARGET", raising=False)
    session = FakeSession("live-readonly(profile='core')")
    session.posargs = posargs
    noxfile["live_session"](session, "core")
    ((args, kwargs),) = [(a, kw) for a, kw in session.runs if a[0] == "pytest"]
    options = ("-n", "--dist", "-k", "-p")
    flags = [x for i, a in enumerate(args) if a in options for x in (a, args[i + 1])]
    assert sorted(flags) == sorted(expected)
    assert kwargs["env"]["IMEDNET_LIVE_CONCURRENCY"].startswith(
        "as in posargs" if "-n" in posargs or "-p" in posargs else f"-n {expected[1]}"
    )


def _no_target(*_: Any, **__: Any) -> Any:
    from contextlib import nullcontext

    return nullcontext({})


def test_report_dirs_are_named_after_session_and_profile(tmp_path: Path) -> None:
    rd = Checkout(ROOT, tmp_path).report_dir
    assert rd("live-readonly(profile='core')", "core").name == "live-readonly-core"
    assert rd("live-mutating(profile='mutating')", "mutating").name == "live-mutating"
    assert rd("smoke").name == "smoke"
    assert rd("live-mutating", "mutating", replay=True) == tmp_path / "replay" / "live-mutating"


def test_target_line_comes_first_and_contradictions_are_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("IMEDNET_API_KEY", raising=False)
    monkeypatch.delenv("IMEDNET_SECURITY_KEY", raising=False)
    monkeypatch.delenv("IMEDNET_TARGET", raising=False)
    session = FakeSession("smoke")
    session_env.announce_target(session)
    assert session.logs == ["target: sandbox (no credentials set)"]

    monkeypatch.setenv("IMEDNET_TARGET", "live")
    with pytest.raises(SystemExit, match="IMEDNET_TARGET=live but IMEDNET_API_KEY"):
        session_env.announce_target(FakeSession("smoke"))


def test_forced_live_without_secrets_turns_a_real_session_red(tmp_path: Path) -> None:
    """A scheduled run that lost its secrets must fail, not skip or fall back to the sandbox."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMEDNET_")}
    env["IMEDNET_TARGET"] = "live"
    proc = subprocess.run(
        [sys.executable, "-m", "nox", "-f", str(ROOT / "noxfile.py"), "-s", "smoke",
         "--envdir", str(tmp_path / "envs")],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300,
    )  # fmt: skip
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "IMEDNET_TARGET=live but IMEDNET_API_KEY and IMEDNET_SECURITY_KEY are not set" in output
    assert "skipped" not in output.lower()


@pytest.fixture
def smoke_session(noxfile: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run the smoke session body with a stand-in script that records ``exit_code``."""
    smoke = noxfile["smoke"].func  # the plain function behind nox's Func
    globals_ = smoke.__globals__
    monkeypatch.setitem(globals_, "CHECKOUT", Checkout(ROOT, tmp_path))
    monkeypatch.setattr(session_env, "target_env", _recording_target)
    monkeypatch.setitem(globals_, "install_profile", lambda *_, **__: None)
    monkeypatch.delenv("IMEDNET_TARGET", raising=False)
    monkeypatch.delenv("IMEDNET_API_KEY", raising=False)
    monkeypatch.delenv("IMEDNET_SECURITY_KEY", raising=False)

    def run(exit_code: int | None, scenario: str | None = None) -> FakeSession:
        if scenario:
            monkeypatch.setenv("IMEDNET_LIVE_SANDBOX_SCENARIO", scenario)
        session = FakeSession("smoke")

        def fake_run(*args: str, **kwargs: Any) -> None:
            session.runs.append((args, kwargs))
            if exit_code is not None:
                report = Path(args[args.index("--report") + 1])
                report.write_text(json.dumps({"exit_code": exit_code}))

        session.run = fake_run  # type: ignore[method-assign]
        noxfile["smoke"].func(session) if hasattr(noxfile["smoke"], "func") else noxfile["smoke"](
            session
        )
        return session

    return run


def _recording_target(session: Any, checkout: Any, target: Any, reports: Path) -> Any:
    from contextlib import nullcontext

    return nullcontext({})


def test_smoke_exit_0_passes_and_accepts_2_as_a_success_code(smoke_session: Any) -> None:
    session = smoke_session(0)
    (_, kwargs), *_ = session.runs
    assert kwargs["success_codes"] == [0, 2]


def test_smoke_exit_2_is_the_charter_skip_so_live_sessions_still_run(smoke_session: Any) -> None:
    with pytest.raises(Skipped, match="smoke exit 2: no write scenario had identifiers"):
        smoke_session(2)


def test_smoke_without_a_report_is_not_mistaken_for_a_skip(smoke_session: Any) -> None:
    smoke_session(None)  # e.g. the script crashed before writing; nox already failed it


@pytest.mark.parametrize("posargs", [[], ["--check"]])
def test_docs_session_runs_the_table_generator_in_the_core_venv(
    noxfile: dict[str, Any], posargs: list[str], tmp_path: Path
) -> None:
    session = FakeSession("docs")
    session.posargs = posargs
    session.create_tmp = lambda: str(tmp_path)  # type: ignore[attr-defined]
    noxfile["docs"].func(session)
    assert any("core-py" in arg for arg in session.installs[0])  # the core constraints
    [tables, site] = [args for args, _ in session.runs[-2:]]
    assert tables == ("python", "-m", "imednet_live.doc_tables", *posargs, str(ROOT))
    assert site[:3] == ("mkdocs", "build", "--strict")
    assert ("mkdocs==1.6.1",) in session.installs


def test_docs_session_rejects_unknown_arguments(noxfile: dict[str, Any]) -> None:
    session = FakeSession("docs")
    session.posargs = ["--fix"]
    with pytest.raises(SystemExit, match=r"Usage: nox -s docs \[-- --check\] \(unexpected --fix\)"):
        noxfile["docs"].func(session)
    assert session.installs == []


def test_sandbox_fail_rules_become_fail_options(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = "GET /api/v1/edc/studies/*/records=500 ; POST /api/v1/edc/studies/*/records=503"
    monkeypatch.setenv("IMEDNET_LIVE_SANDBOX_FAIL", rules)
    session = FakeSession("live-readonly(profile='exports')")
    assert list(map(str, session_env.sandbox_fault_rules(session))) == [
        "GET /api/v1/edc/studies/*/records=500",
        "POST /api/v1/edc/studies/*/records=503",
    ]
    assert session.logs == [
        "sandbox fault rules (IMEDNET_LIVE_SANDBOX_FAIL): GET /api/v1/edc/studies/*/records=500; "
        "POST /api/v1/edc/studies/*/records=503"
    ]
    monkeypatch.setenv("IMEDNET_LIVE_SANDBOX_FAIL", "  ")
    assert session_env.sandbox_fault_rules(session) == ()


def test_a_malformed_sandbox_fail_rule_is_a_one_line_red_session(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("IMEDNET_LIVE_SANDBOX_FAIL", "GET /api/v1/edc/studies/*/records")
    with pytest.raises(SystemExit) as stopped:
        session_env.sandbox_fault_rules(FakeSession("smoke"))
    message = str(stopped.value)
    assert message == (
        "IMEDNET_LIVE_SANDBOX_FAIL: bad fault rule 'GET /api/v1/edc/studies/*/records': "
        "expected METHOD PATH_GLOB=STATUS, e.g. 'GET /api/v1/edc/studies/*/records=500'"
    )


@pytest.fixture
def launches(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Calls ``target_env`` would make to the sandbox launcher, recorded instead of run."""
    from contextlib import contextmanager
    from types import SimpleNamespace

    from imednet_live.matrix import sandbox_process

    seen: list[dict[str, Any]] = []

    @contextmanager
    def launch(command: Any, options: Any, **kwargs: Any) -> Any:
        # what the sandbox process is started with: one SandboxOptions, as its serve options
        seen.append({"scenario": options.scenario, "extra_args": options.cli_args()[4:], **kwargs})
        yield sandbox_process.SandboxProcess(base_url="http://127.0.0.1:1", pid=1)

    fake = SimpleNamespace(launch=launch, SandboxStartError=sandbox_process.SandboxStartError)
    monkeypatch.setattr(session_env, "sandbox_process", fake)
    for name in (
        "IMEDNET_LIVE_SANDBOX_SCENARIO",
        "IMEDNET_LIVE_SANDBOX_JOB_SECONDS",
        "IMEDNET_LIVE_SANDBOX_LATENCY_MS",
        "IMEDNET_LIVE_SANDBOX_SUBJECTS",
        "IMEDNET_LIVE_SANDBOX_FAIL",
    ):
        monkeypatch.delenv(name, raising=False)
    return seen


def _enter_target_env(session_name: str, tmp_path: Path) -> None:
    target = Target(kind=TargetKind.SANDBOX, reason="test")
    checkout = Checkout(tmp_path, tmp_path)
    with session_env.target_env(FakeSession(session_name), checkout, target, tmp_path):
        pass


@pytest.mark.parametrize(
    "session_name", ["smoke", "live-readonly(profile='core')", "live-mutating"]
)
def test_sandbox_scenario_and_job_seconds_reach_every_session(
    launches: list[dict[str, Any]], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, session_name: str,
) -> None:  # fmt: skip
    _enter_target_env(session_name, tmp_path)
    monkeypatch.setenv("IMEDNET_LIVE_SANDBOX_SCENARIO", "success-state")
    monkeypatch.setenv("IMEDNET_LIVE_SANDBOX_JOB_SECONDS", "60")
    _enter_target_env(session_name, tmp_path)
    assert [c["scenario"] for c in launches] == ["default", "success-state"]
    assert "--job-seconds" not in launches[0]["extra_args"]
    extra = list(launches[1]["extra_args"])
    assert extra[extra.index("--job-seconds") + 1] == "60"


@pytest.mark.parametrize("value", ["soon", "-1", "inf", "nan"])
def test_a_bad_job_seconds_value_is_one_red_line_naming_the_variable(
    launches: list[dict[str, Any]], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, value: str,
) -> None:  # fmt: skip
    monkeypatch.setenv("IMEDNET_LIVE_SANDBOX_JOB_SECONDS", value)
    with pytest.raises(SystemExit) as info:
        _enter_target_env("live-mutating", tmp_path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("IMEDNET_LIVE_SANDBOX_JOB_SECONDS must be a number of seconds >= 0")
    assert repr(value) in message
    assert launches == []


def test_an_unknown_scenario_is_one_red_line_naming_the_variable_and_the_choices(
    launches: list[dict[str, Any]], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from contextlib import contextmanager
    from types import SimpleNamespace

    from imednet_live.matrix import sandbox_process

    @contextmanager
    def refuse(command: Any, *args: Any, **kwargs: Any) -> Any:
        raise sandbox_process.SandboxStartError(
            "sandbox exited with code 2 before it was ready (imednet-live sandbox serve: error: "
            "argument --scenario: unknown scenario 'nope'; choose one of: default, empty)"
        )
        yield  # pragma: no cover

    fake = SimpleNamespace(launch=refuse, SandboxStartError=sandbox_process.SandboxStartError)
    monkeypatch.setattr(session_env, "sandbox_process", fake)
    monkeypatch.setenv("IMEDNET_LIVE_SANDBOX_SCENARIO", "nope")
    with pytest.raises(SystemExit) as info:
        _enter_target_env("live-readonly(profile='core')", tmp_path)
    assert str(info.value) == (
        "IMEDNET_LIVE_SANDBOX_SCENARIO='nope': unknown scenario 'nope'; "
        "choose one of: default, empty"
    )


def test_sandbox_subjects_scale_every_sessions_sandbox(
    launches: list[dict[str, Any]], tmp_path: Path, monkeypatch: Any
) -> None:
    _enter_target_env("live-readonly(profile='core')", tmp_path)
    monkeypatch.setenv("IMEDNET_LIVE_SANDBOX_SUBJECTS", "20000")
    monkeypatch.setenv("IMEDNET_LIVE_SANDBOX_SCENARIO", "sparse")
    _enter_target_env("live-readonly(profile='core')", tmp_path)
    assert [kw["extra_args"] for kw in launches] == [[], ["--subjects", "20000"]]
    assert launches[1]["scenario"] == "sparse"


@pytest.mark.parametrize("value", ["lots", "-5", "2e4"])
def test_bad_sandbox_subjects_is_a_one_line_red_session(
    launches: list[dict[str, Any]], tmp_path: Path, monkeypatch: Any,
    value: str,
) -> None:  # fmt: skip
    monkeypatch.setenv("IMEDNET_LIVE_SANDBOX_SUBJECTS", value)
    with pytest.raises(SystemExit) as raised:
        _enter_target_env("live-readonly(profile='core')", tmp_path)
    message = str(raised.value)
    assert message == (
        f"IMEDNET_LIVE_SANDBOX_SUBJECTS must be a whole number of subjects, not {value!r}"
    )
    assert not launches


def test_replay_without_a_recording_is_one_line_and_runs_no_sandbox(tmp_path: Path) -> None:
    checkout = Checkout(ROOT, tmp_path)
    target = Target(TargetKind.REPLAY, "forced", str(tmp_path / "none"))
    with pytest.raises(SystemExit, match=r"^recording directory .*none does not exist") as exc:
        session_env.replay_env(FakeSession("live-mutating"), checkout, target)
    assert "\n" not in str(exc.value)
    recording = tmp_path / "smoke" / "recording"
    recording.mkdir(parents=True)
    (recording / "main-1.cassette.json").write_text('{"interactions": []}')
    recording_layout.write_manifest(recording, session="smoke", target_kind="sandbox")
    found = Target(target.kind, "forced", str(tmp_path))
    env = session_env.replay_env(FakeSession("live-mutating"), checkout, found)
    assert env["IMEDNET_LIVE_TARGET_KIND"] == "replay"
    assert env["IMEDNET_REPLAY_DIR"] == str(tmp_path)
    assert env["IMEDNET_LIVE_SANDBOX_AUDIT"] is None


def test_a_leak_in_a_recording_deletes_the_file_and_fails_the_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMEDNET_LIVE_RECORD", "1")
    sandbox = Target(TargetKind.SANDBOX, "no credentials set")
    reports = tmp_path / "live-mutating"
    secret = {"IMEDNET_API_KEY": "planted-api-key", "IMEDNET_SECURITY_KEY": "sec"}
    session = FakeSession("live-mutating")
    directory = reports / "recording"

    def record_a_leak() -> None:
        with session_env.recording(session, reports, sandbox, secret) as env:
            assert Path(env["IMEDNET_LIVE_RECORDING_DIR"]) == directory
            (directory / "gw0-1.cassette.json").write_text('{"x": "planted-api-key"}')
            (directory / "gw1-2.cassette.json").write_text('{"interactions": []}')

    with pytest.raises(SystemExit, match=r"recording leak scan: .*gw0-1.cassette.json: configured"):
        record_a_leak()
    manifest = json.loads((directory / "manifest.json").read_text())
    assert manifest["cassettes"] == ["gw1-2.cassette.json"]
    assert not (directory / "gw0-1.cassette.json").exists()
    assert "planted-api-key" not in " ".join(session.logs)


def test_an_unchanged_install_is_skipped_and_any_change_installs_again(
    noxfile: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The stamp says what the venv holds; a different build or constraint reinstalls."""
    from nox.virtualenv import VirtualEnv

    uv_calls: list[tuple[str, ...]] = []

    def fake_uv_pip(_session: Any, _checkout: Any, *args: str) -> tuple[int, str]:
        uv_calls.append(args)
        return 0, ""

    monkeypatch.setattr(matrix_install, "uv_pip", fake_uv_pip)
    for name in ("IMEDNET_SDK", "IMEDNET_SDK_WORKFLOWS", "IMEDNET_SDK_AIRFLOW"):
        monkeypatch.delenv(name, raising=False)

    def install(sdk_value: str | None = None) -> FakeSession:
        if sdk_value is None:
            monkeypatch.delenv("IMEDNET_SDK", raising=False)
        else:
            monkeypatch.setenv("IMEDNET_SDK", sdk_value)
        session = FakeSession("live-readonly(profile='core')")
        session.virtualenv = VirtualEnv(str(tmp_path / "venv"), venv_backend="uv")  # type: ignore[attr-defined]
        session.create_tmp = lambda: str(tmp_path)  # type: ignore[attr-defined]
        uv_calls.clear()
        noxfile["install_profile"](session, "core", sdk=True)
        return session

    (tmp_path / "venv").mkdir()
    install()
    assert uv_calls, "a new venv installs"
    assert (tmp_path / "venv" / ".imednet-live-install").is_file()
    second = install()
    assert not uv_calls
    assert not second.installs
    assert any("skipped" in line for line in second.logs)
    check = ("python", "-m", "imednet_live.matrix.profile_check")
    assert any(a[:3] == check for a, _ in second.runs)

    install("==0.5.6")  # another version: installs, and stamps that
    assert uv_calls
    install("==0.5.6")
    assert not uv_calls
    wheel = tmp_path / "imednet-0.8.0-py3-none-any.whl"
    wheel.write_bytes(b"")
    install(str(wheel))  # a file may change under one name: always installs, no stamp
    assert uv_calls
    assert not (tmp_path / "venv" / ".imednet-live-install").exists()
    install()  # back to the pin: the wheel's build must go
    assert uv_calls
