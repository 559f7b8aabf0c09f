"""What a session's commands run against: the target, its sandbox process, its environment.

``prepare_run`` is the one change the noxfile makes to its own environment, once per
``nox`` invocation; everything else here is per session and returns the variables to pass.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from imednet_live.core import env_vars
from imednet_live.core.auth import auth_headers
from imednet_live.core.redaction import safe_url
from imednet_live.core.settings import ConfigError, Settings, read_count, read_seconds, read_var
from imednet_live.matrix import sandbox_process, workers
from imednet_live.matrix.checkout import Checkout
from imednet_live.matrix.target import Target, TargetKind, resolve_target
from imednet_live.recording import layout as recording_layout
from imednet_live.recording import leak_scan, personal
from imednet_live.sandbox.fault_rules import FaultRule, FaultRuleError, parse_rules
from imednet_live.sandbox.options import DEFAULT_JOB_SECONDS, SandboxOptions, options_for
from imednet_live.sdk import resolution as dep_resolution
from imednet_live.sdk.resolution import Resolution

if TYPE_CHECKING:
    import nox

T = TypeVar("T")
Vars = dict[str, str | None]


def prepare_run(
    env: MutableMapping[str, str], root: Path, argv: Sequence[str], live_sessions: Sequence[str]
) -> None:
    """Set what every session of this ``nox`` run (and its parallel children) shares.

    Bytecode of the checkout goes to .nox/pycache, never into the source tree, and is kept
    (see bench_concurrency's start-up figures; the venvs' own packages are compiled at
    install, matrix/bytecode.py). One run id: parallel sessions are child processes that
    inherit it, so discovery is computed once per run and target. The live sessions that
    ``-j`` runs at once are counted by the nox that reads the command line (a nested nox,
    sdk-matrix, counts its own). Recordings get one pseudonym key per run, never written.
    """
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("PYTHONPYCACHEPREFIX", str(root / ".nox" / "pycache"))
    # Hypothesis's caches (the unit suite's property tests) likewise stay out of the source tree.
    env.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(root / ".nox" / "hypothesis"))
    env.setdefault(env_vars.RUN_ID, uuid.uuid4().hex)
    env.setdefault(env_vars.CACHE_DIR, str(root / ".imednet-live-cache"))
    parallel = workers.parallel_live_sessions(
        list(argv), env, cores=os.cpu_count() or 1, live_sessions=tuple(live_sessions)
    )
    if parallel is not None:
        env[env_vars.PARALLEL_SESSIONS] = str(parallel)
    if read_var(env, env_vars.RECORD) == "1" and not read_var(env, env_vars.RECORD_KEY):
        env[env_vars.RECORD_KEY] = secrets.token_hex(32)


def run_resolution() -> Resolution:
    """IMEDNET_LIVE_RESOLUTION, or a one-line error ending nox before any venv is touched."""
    from nox.logger import logger as nox_logger

    try:
        return dep_resolution.parse(os.environ)
    except ConfigError as exc:
        nox_logger.error(str(exc))
        raise SystemExit(2) from None


def announce_target(session: nox.Session) -> Target:
    """Resolve the target and print it as the session's first line; a contradiction is red."""
    try:
        target = resolve_target(os.environ)
    except ConfigError as exc:
        session.error(str(exc))
    session.log(target.describe())
    return target


def checked(session: nox.Session, read: Callable[[], T]) -> T:
    """``read()``, or a red session with its one-line ConfigError."""
    try:
        return read()
    except ConfigError as exc:
        session.error(str(exc))


def slow_jobs(target: Target) -> bool:
    """Jobs take long enough that waiting on them, not the CPU, bounds a mutating session."""
    if target.kind is TargetKind.LIVE:
        return True
    raw = read_var(os.environ, env_vars.SANDBOX_JOB_SECONDS) or "0"
    try:
        return float(raw) >= 1.0
    except ValueError:
        return False  # target_env reports the bad value


def sandbox_options(session: nox.Session) -> SandboxOptions:
    """Every session's sandbox from the sandbox variables (scenario, latency, fail rules,
    subjects, job seconds) as one SandboxOptions; a bad value is one red line naming it."""
    name = env_vars.SANDBOX_JOB_SECONDS
    latency = sandbox_count(session, env_vars.SANDBOX_LATENCY_MS, "milliseconds")
    rules = sandbox_fault_rules(session)
    subjects = sandbox_count(session, env_vars.SANDBOX_SUBJECTS, "subjects")
    seconds = checked(
        session, lambda: read_seconds(os.environ, name, allow_zero=True, example="60")
    )
    return options_for(
        scenario=read_var(os.environ, env_vars.SANDBOX_SCENARIO) or "default",
        latency_ms=latency or 0,
        fail=rules,
        subjects=subjects,
        job_seconds=DEFAULT_JOB_SECONDS if seconds is None else seconds,
    )


def sandbox_count(session: nox.Session, name: str, unit: str) -> int | None:
    """A whole-number variable, None when unset; a bad value ends the session."""
    return checked(session, lambda: read_count(os.environ, name, None, unit=unit))


def sandbox_fault_rules(session: nox.Session) -> tuple[FaultRule, ...]:
    """IMEDNET_LIVE_SANDBOX_FAIL as rules; a malformed rule is a one-line red session."""
    name = env_vars.SANDBOX_FAIL
    try:
        rules = parse_rules(read_var(os.environ, name) or "")
    except FaultRuleError as exc:
        session.error(f"{name}: {exc}")
    if rules:
        session.log(f"sandbox fault rules ({name}): {'; '.join(map(str, rules))}")
    return rules


@contextmanager
def target_env(
    session: nox.Session, checkout: Checkout, target: Target, reports: Path
) -> Iterator[Vars]:
    """The session's command environment; runs a sandbox for it when that is the target.

    The sandbox variables (scenario, latency, fail rules, subjects, job seconds) apply to
    every session's sandbox, so a scenario is seen by the smoke and the live suite alike.
    """
    if target.kind is TargetKind.LIVE:
        yield {env_vars.TARGET_KIND: "live", env_vars.SANDBOX_AUDIT: None}
        return
    if target.kind is TargetKind.REPLAY:
        yield replay_env(session, checkout, target)
        return
    audit = reports / "sandbox-audit.jsonl"
    audit.unlink(missing_ok=True)
    executable = Path(session.bin) / "imednet-live"
    options = sandbox_options(session)
    scenario_var, scenario = env_vars.SANDBOX_SCENARIO, options.scenario
    try:
        with sandbox_process.launch([str(executable)], options, audit_path=audit) as sb:
            session.log(
                f"sandbox {safe_url(sb.base_url)} (pid {sb.pid}, scenario {scenario}), "
                f"audit {os.path.relpath(audit, checkout.root)}"
            )
            yield dict(sb.client_env())
    except sandbox_process.SandboxStartError as exc:
        text = str(exc)
        if "unknown scenario" in text:  # the sandbox's own words list the allowed names
            allowed = text[text.index("unknown scenario") :].rstrip(")")
            session.error(f"{scenario_var}={scenario!r}: {allowed}")
        session.error(text)


def replay_env(session: nox.Session, checkout: Checkout, target: Target) -> Vars:
    """No sandbox and no credentials: placeholders the SDK sends to a blocked network."""
    directory = Path(target.recording or "reports")
    directory = directory if directory.is_absolute() else checkout.root / directory
    try:
        recording_layout.find_recordings(directory)
    except recording_layout.RecordingError as exc:
        session.error(str(exc))
    return {
        env_vars.TARGET_KIND: "replay",
        env_vars.REPLAY_DIR: str(directory),
        env_vars.API_KEY: "replay-api-key",
        env_vars.SECURITY_KEY: "replay-security-key",
        env_vars.BASE_URL: "https://replay.invalid",
        env_vars.SANDBOX_AUDIT: None,
        env_vars.RECORDING_DIR: None,
    }


def _credentials(target_vars: Vars) -> list[str]:
    names = (env_vars.API_KEY, env_vars.SECURITY_KEY)
    values = [target_vars.get(n) for n in names] + [os.environ.get(n) for n in names]
    return [v for v in values if v]


@contextmanager
def recording(
    session: nox.Session, reports: Path, target: Target, target_vars: Vars
) -> Iterator[Vars]:
    """IMEDNET_LIVE_RECORD=1: a fresh reports/<session>/recording/, leak-scanned at the end.

    A leak (a configured secret or an e-mail address in any file) deletes the file and
    fails the session; the manifest lists only what survived.
    """
    if read_var(os.environ, env_vars.RECORD) != "1" or target.kind is TargetKind.REPLAY:
        yield {}
        return
    directory = reports / recording_layout.RECORDING_DIR_NAME
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    try:
        yield {env_vars.RECORDING_DIR: str(directory)}
    finally:
        leaks = leak_scan.scan_and_purge(directory, _credentials(target_vars))
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
    session: nox.Session, reports: Path, target: Target, target_vars: Vars
) -> Iterator[Vars]:
    """A live target: every personal value the session saw is replaced in reports/<session>/,
    then looked for there (and the credentials); a hit deletes the file and fails the session.

    The session's processes leave the values in a private temporary folder outside
    reports/ (owner-only), deleted here after the scan.
    """
    if target.kind is not TargetKind.LIVE or read_var(os.environ, env_vars.KEEP_PERSONAL) == "1":
        yield {}
        return
    folder = Path(tempfile.mkdtemp(prefix="imednet-live-personal-"))
    try:
        yield {env_vars.PERSONAL_DIR: str(folder)}
    finally:
        swept = personal.sweep(folder, reports, _credentials(target_vars))
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


@contextmanager
def session_env(
    session: nox.Session, checkout: Checkout, target: Target, reports: Path
) -> Iterator[tuple[Vars, Vars]]:
    """The target's variables, and those of the recording and the personal-data scan."""
    with (
        target_env(session, checkout, target, reports) as target_vars,
        recording(session, reports, target, target_vars) as record_vars,
        personal_scan(session, reports, target, target_vars) as personal_vars,
    ):
        yield target_vars, {**target_vars, **record_vars, **personal_vars}


def session_workers(
    session: nox.Session, target: Target, target_vars: Vars, mutating: bool
) -> workers.WorkerChoice:
    """The session's xdist workers: posargs ``-n`` wins, else cores, round-trip and siblings."""
    explicit = workers.posargs_workers(session.posargs) is not None
    latency, source = (0.0, "not probed") if explicit else target_round_trip(target, target_vars)
    name = env_vars.PARALLEL_SESSIONS
    parallel = checked(session, lambda: read_count(os.environ, name, 1, unit="sessions"))
    return workers.choose_workers(
        cores=os.cpu_count() or 1,
        latency_ms=latency,
        parallel_sessions=parallel or 1,
        slow_jobs=slow_jobs(target),
        mutating=mutating,
        posargs=session.posargs,
        latency_source=source,
    )


def target_round_trip(target: Target, target_vars: Vars) -> tuple[float | None, str]:
    """The target's round-trip in ms (None: unmeasured) and how it was found.

    A replay has no network; a sandbox or a live API answers a few one-item GETs with the
    session's own credentials (read-only, so a read-only session's audit stays clean).
    """
    if target.kind is TargetKind.REPLAY:
        return 0.0, "replay: no network"
    merged = {**os.environ, **{k: v for k, v in target_vars.items() if v is not None}}
    if target.kind is TargetKind.SANDBOX and not target_vars.get(env_vars.BASE_URL):
        return None, "no sandbox URL"
    try:
        settings = Settings.from_env(merged)
    except ConfigError:
        return None, "unreadable settings"
    headers = auth_headers(settings.api_key, settings.security_key)
    latency = workers.probe_round_trip(settings.base_url, headers)
    return latency, "probe of 3 GETs" if latency is not None else "probe failed"
