"""How many xdist workers a live session runs: chosen from the target, not fixed.

A worker pays start-up CPU before its first request, and on a 2-core machine several
nox sessions (``nox -j auto``) share the cores, each with its own sandbox. So fan-out
pays only where a test waits on the network: against a local sandbox the session runs
serially (``-n 0``); as the measured round-trip grows, more workers overlap the waits,
bounded so that the sessions running in parallel together stay within
``WORKERS_PER_CORE`` workers a core. The mutating session waits on jobs whatever the
round-trip: against a local sandbox two workers overlap those waits, and jobs that take
long (a live server, or ``IMEDNET_LIVE_SANDBOX_JOB_SECONDS`` >= 1) keep one worker per
job-waiting test, so its writes overlap their waits (benchmarks/bench_job_seconds.py).

``choose_workers`` is pure (data in, workers and reason out); ``probe_round_trip`` is the
measurement the noxfile feeds it, and ``parallel_live_sessions`` reads nox's own
command line for how many live sessions ``-j`` runs at once.
"""

from __future__ import annotations

import argparse
import statistics
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from imednet_live.core.api_paths import api_url

# Below this round-trip the target is local: a worker's start-up costs more than it overlaps.
# A loopback sandbox answers well under it even on a loaded machine; a remote API does not
# (bench_sandbox prints how fast the sandbox answers).
LOCAL_MS = 25.0
# CPU a request costs (SDK, pytest, a local sandbox's handler), in ms: a worker waits
# ``latency / REQUEST_CPU_MS`` times as long as it computes (bench_concurrency's read-only
# suite at 100 ms, serial, gives the split between waiting and computing).
REQUEST_CPU_MS = 50.0
# All sessions together: at most this many workers a core (start-up CPU and memory).
WORKERS_PER_CORE = 3
# The mutating session when jobs are slow: one worker per unit that waits on jobs. The
# write modules await their jobs together (live/ahead.py), each on one worker
# (xdist_group: jobs, records.create, workflows; Airflow's DAG group, whose sensors
# submit theirs at once), beside the SDK surface's job-failed poll and the CLI's
# `jobs wait`: six (bench_job_seconds prints what fewer or more workers give).
JOB_BOUND_WORKERS = 6
# The mutating session against a local sandbox: its job-waiting tests idle for a good part
# of a serial run, and a worker starts in under a second of CPU, so two workers overlap the
# waits (bench_job_seconds and bench_concurrency's main job print what that buys).
LOCAL_JOB_WORKERS = 2
# Round-trip assumed for a live target the probe could not measure.
UNMEASURED_LIVE_MS = 100.0
# How xdist hands out the tests: a group (``xdist_group``) stays on one worker, and groups
# go out in collection order, which tests/live/conftest.py sets (writes first, the longest
# chain, Airflow's, at the front). xdist's default reorders groups by their number of tests,
# so the 24 quick resource reads went first and Airflow's start-up (7-9 s on one worker) ran
# last, the tail of the mutating session.
XDIST_ARGS = ("--dist", "loadgroup", "--no-loadscope-reorder")


@dataclass(frozen=True)
class WorkerChoice:
    """``workers`` for ``pytest -n`` (0: in-process, no workers; None: posargs decide)."""

    workers: int | None
    reason: str

    def describe(self) -> str:
        chosen = "as in posargs" if self.workers is None else f"-n {self.workers}"
        return f"{chosen}: {self.reason}"


def posargs_workers(posargs: Sequence[str]) -> str | None:
    """The ``-n`` value posargs set (or ``"no:xdist"``), else None."""
    for i, arg in enumerate(posargs):
        if arg in ("-n", "--numprocesses") and i + 1 < len(posargs):
            return posargs[i + 1]
        if arg.startswith("--numprocesses="):
            return arg.split("=", 1)[1]
        if arg.startswith("-n") and len(arg) > 2 and arg[2:].isalnum():
            return arg[2:]
        if arg == "-pno:xdist" or (arg == "no:xdist" and i > 0 and posargs[i - 1] == "-p"):
            return "no:xdist"
    return None


def choose_workers(
    *,
    cores: int,
    latency_ms: float | None,
    parallel_sessions: int,
    slow_jobs: bool = False,
    mutating: bool = False,
    posargs: Sequence[str] = (),
    latency_source: str = "probe",
) -> WorkerChoice:
    """Workers for one live session, and why (the banner and outcomes.json show it).

    ``latency_ms`` None means unmeasured (a live target whose probe failed: assumed
    remote). An explicit ``-n`` in posargs wins; so do ``slow_jobs`` for the mutating
    session, whose job waits need overlap whatever the round-trip.

    The load average is deliberately not read: the sessions of this same run are most of
    it, and they are already counted in ``parallel_sessions``. Reading it counted them
    twice and starved each session of workers at 100 ms (bench_concurrency).
    """
    explicit = posargs_workers(posargs)
    if explicit is not None:
        return WorkerChoice(None, f"explicit {'-p' if explicit == 'no:xdist' else '-n'} "
                            f"{explicit} in posargs")  # fmt: skip
    cores = max(1, cores)
    sessions = max(1, parallel_sessions)
    if latency_ms is None:
        measured = f"round-trip unmeasured (assumed {UNMEASURED_LIVE_MS:.0f} ms)"
        latency = UNMEASURED_LIVE_MS
    else:
        measured = f"round-trip {latency_ms:.0f} ms ({latency_source})"
        latency = latency_ms
    facts = f"{cores} cores, {measured}, {sessions} session(s) in parallel"
    if mutating and slow_jobs:
        return WorkerChoice(
            JOB_BOUND_WORKERS, f"{facts}; slow jobs: one worker per job-waiting group"
        )
    if latency < LOCAL_MS and mutating:
        return WorkerChoice(
            LOCAL_JOB_WORKERS, f"{facts}; local target: two workers overlap the job waits"
        )
    if latency < LOCAL_MS:
        return WorkerChoice(0, f"{facts}; local target: serial beats worker start-up")
    share = cores / sessions  # this session's part of the machine
    wanted = share * (1 + latency / REQUEST_CPU_MS)  # workers that keep that share busy
    bound = WORKERS_PER_CORE * share
    workers = min(wanted, bound)
    if workers < 1.5:
        return WorkerChoice(0, f"{facts}; under 2 workers fit: serial")
    capped = " (bounded by cores)" if bound < wanted else ""
    if mutating:  # its job waits idle on top of the round-trips, as against a local sandbox
        return WorkerChoice(
            int(workers + 0.5) + 1, f"{facts}; waits overlap{capped}, one more for job waits"
        )
    return WorkerChoice(int(workers + 0.5), f"{facts}; waits overlap{capped}")


def probe_round_trip(
    base_url: str, headers: Mapping[str, str], *, requests: int = 3, timeout_s: float = 10.0
) -> float | None:
    """Median ms of a one-item studies GET, the first (connection set-up) left out.

    None when the target does not answer 2xx: the caller assumes a remote target.
    """
    url = api_url(base_url, "studies") + "?page=0&size=1"
    seconds: list[float] = []
    for _ in range(requests):
        request = urllib.request.Request(url, headers=dict(headers), method="GET")
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as response:
                response.read()
        except (OSError, urllib.error.URLError, ValueError):
            return None
        seconds.append(time.perf_counter() - start)
    timed = seconds[1:] or seconds
    return statistics.median(timed) * 1000


# nox's own options that say which sessions run and how many at once.
_NOX_ARGS = argparse.ArgumentParser(add_help=False, exit_on_error=False)
_NOX_ARGS.add_argument("-j", "--parallel", default=None)
_NOX_ARGS.add_argument("-s", "-e", "--sessions", "--session", nargs="*", default=None)
_NOX_ARGS.add_argument("-t", "--tags", nargs="*", default=None)
_NOX_ARGS.add_argument("--parallel-worker", action="store_true")


def parallel_live_sessions(
    argv: Sequence[str],
    env: Mapping[str, str],
    *,
    cores: int,
    live_sessions: Iterable[str],
    tagged_live: bool = True,
) -> int | None:
    """How many live sessions ``nox`` runs at once, from its command line (None: a child).

    ``live_sessions`` are the signatures of the live sessions (``live-readonly(profile='core')``
    ...); a bare name selects all its parametrisations; no ``-s`` selects every default
    session. ``-j auto`` is the core count, as nox reads it.
    """
    try:
        known, _ = _NOX_ARGS.parse_known_args(list(argv))
    except argparse.ArgumentError:
        return 1  # nox itself reports its bad command line
    if known.parallel_worker:
        return None  # a parallel child: its parent counted
    raw = known.parallel or env.get("NOX_PARALLEL")
    try:
        jobs = cores if str(raw).strip().lower() == "auto" else int(raw) if raw else 1
    except ValueError:
        jobs = 1
    names = list(live_sessions)
    if known.sessions:
        picked = [n for n in names if any(n == s or n.split("(")[0] == s for s in known.sessions)]
    elif known.tags:
        picked = names if tagged_live and "live" in known.tags else []
    else:
        picked = names
    return max(1, min(max(1, jobs), len(picked) or 1))
