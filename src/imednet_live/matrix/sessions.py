"""The bodies of the noxfile's longer sessions, and what they read from earlier sessions.

The noxfile stays a table of sessions; what a session does beyond a few lines lives here,
taking the session and the ``Checkout`` (never importing the noxfile).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from imednet_live.core import env_vars
from imednet_live.core.profiles import MUTATING_PROFILE, PROFILES, READONLY_PROFILES
from imednet_live.core.settings import ConfigError
from imednet_live.core.workflow_commands import Progress
from imednet_live.matrix.checkout import Checkout
from imednet_live.matrix.install import SDK_VARIABLES
from imednet_live.sdk import resolution as dep_resolution
from imednet_live.sdk.matrix_builds import PINNED, build_label, parse_matrix, shared_builds

if TYPE_CHECKING:
    import nox

SMOKE_SKIP_EXIT = 2
LOCK_PYTHONS = ("3.10", "3.11", "3.12", "3.13")
LIVE_SESSIONS = (
    *(f"live-readonly(profile='{p}')" for p in READONLY_PROFILES),
    f"live-mutating(profile='{MUTATING_PROFILE}')",
)
# Seconds, warm, serial, per read-only profile: `nox -j` starts sessions in noxfile order
# as slots free up (with `-s`, in the order named), so the longest go first; started
# last, the mutating session made the main job wait (bench_concurrency).
SESSION_COST = {"airflow": 12.0, "exports": 8.0, "core": 3.0}


def readonly_profiles_longest_first() -> list[str]:
    return sorted(READONLY_PROFILES, key=lambda p: -SESSION_COST.get(p, 0.0))


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


def run_sdk_matrix(session: nox.Session, checkout: Checkout) -> None:
    """Run ``nox`` once per SDK build, then its report; red if any build is red."""
    text = os.environ.get(env_vars.SDK_MATRIX, "").strip()
    try:
        if text:
            builds = parse_matrix(text, checkout.root)
        else:
            shared = checkout.shared_sdk
            builds = [{}, *(shared_builds(shared) if shared.is_dir() else [])]
    except ConfigError as exc:
        session.error(str(exc))
    posargs = list(session.posargs)
    try:
        default = dep_resolution.parse(os.environ)
        resolutions = dep_resolution.take_resolutions(posargs, default)
    except ConfigError as exc:
        session.error(str(exc))
    sessions = posargs or ["smoke", "live-readonly", "live-mutating"]
    nox_args = ["-r", "-j", "auto", "-s", *sessions]
    results: list[str] = []
    runs = [(b, r) for b in builds for r in resolutions]
    # [i/N] and the elapsed time per build; under Actions each build folds in a ::group::.
    progress = Progress(len(runs), session.log, what="build", env=os.environ)
    for build, res in runs:
        label = dep_resolution.label(build_label(build), res)
        reports = checkout.reports / "sdk-matrix" / label
        env = {k: v for k, v in os.environ.items() if k not in SDK_VARIABLES}
        env |= {**build, env_vars.REPORTS_ROOT: str(reports), env_vars.RUN_ID: uuid.uuid4().hex}
        env[env_vars.RESOLUTION] = str(res)
        history = checkout.root / f".imednet-live-history.sdk-{label}.jsonl"
        env.setdefault(env_vars.HISTORY, str(history))
        with progress.step(label) as step:
            session.log(
                f"SDK build {label}: {' '.join(f'{k}={v}' for k, v in build.items()) or PINNED}"
                f", resolution {res}"
            )
            nox = [sys.executable, "-m", "nox"]
            code = subprocess.run([*nox, *nox_args], cwd=checkout.root, env=env).returncode
            subprocess.run([*nox, "-r", "-s", "report"], cwd=checkout.root, env=env)
            results.append(f"{label}: {'green' if code == 0 else 'RED'} ({build_counts(reports)})")
            step.result = results[-1].split(": ", 1)[1]
    for line in results:
        session.log(line)
    if any(": RED" in line for line in results):
        session.error(f"sdk-matrix: {sum(': RED' in r for r in results)} build(s) red")


def build_counts(reports: Path) -> str:
    """passed/skipped/failed over a build's live sessions, from their outcomes.json."""
    totals = {"passed": 0, "skipped": 0, "failed": 0, "error": 0}
    for path in reports.glob("*/outcomes.json"):
        counts = json.loads(path.read_text(encoding="utf-8")).get("counts", {})
        for key in totals:
            totals[key] += int(counts.get(key, 0))
    return ", ".join(f"{v} {k}" for k, v in totals.items())


def lock_constraints(session: nox.Session, checkout: Checkout, *, check: bool) -> None:
    """Compile constraints/<profile>-py<X.Y>.txt with uv; ``check``: fail on a stale one."""
    checkout.constraints.mkdir(exist_ok=True)
    stale: list[str] = []
    for name, profile in PROFILES.items():
        for python in LOCK_PYTHONS:
            target = checkout.constraints_file(name, python)
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
            if check and (not target.exists() or pins(target) != pins(out)):
                stale.append(str(target.relative_to(checkout.root)))
    if stale:
        session.error(f"stale constraints: {', '.join(stale)}; run: nox -s lock")


def pins(path: Path) -> set[str]:
    """The `name==version` lines of a constraints file (comments ignored)."""
    lines = (line.split(";")[0].strip() for line in path.read_text().splitlines())
    return {line for line in lines if "==" in line and not line.startswith("#")}
