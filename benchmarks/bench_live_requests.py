"""API requests the read-only live suite makes, by worker count (and its wall time).

Each run gets a fresh default sandbox and its own run id, so discovery is computed once
per run and shared through the discovery cache. The request count must not grow with
the worker count: every test makes its own calls on a fresh SDK, and nothing else is
repeated per worker. Prints numbers; exits 1 only if a run failed or the count grew.

Run: ``.venv/bin/python benchmarks/bench_live_requests.py [--workers 1 4] [--profile exports]``
(``--python`` picks the interpreter whose packages make up the profile).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imednet_live import sandbox
from imednet_live.core.env_vars import CACHE_DIR, PROFILE, RUN_E2E, RUN_ID, TARGET_KIND

REPO = Path(__file__).resolve().parents[1]
RUN_TIMEOUT_S = 600


@dataclass(frozen=True)
class RunFigures:
    workers: int
    requests: int
    by_kind: Counter[str]
    seconds: float
    exit_code: int


def _kind(entry: dict[str, Any]) -> str:
    """``GET sites``, ``GET sites?filter``, ``POST records``: the endpoint and filtered or not."""
    parts = entry["path"].split("/")
    name = parts[6] if len(parts) > 6 else "studies"
    filtered = "?filter" if "filter=" in (entry.get("query") or "") else ""
    return f"{entry['method']} {name}{filtered}"


def run_suite(python: str, profile: str, workers: int) -> RunFigures:
    with sandbox.running() as sb, tempfile.TemporaryDirectory(prefix="bench-live-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("IMEDNET")}
        env.update(sb.env)
        env.update(
            {
                RUN_E2E: "1",
                PROFILE: profile,
                TARGET_KIND: "sandbox",
                RUN_ID: f"bench-{workers}-{os.getpid()}",
                CACHE_DIR: str(Path(tmp) / "cache"),
            }
        )
        command = [python, "-m", "pytest", "tests/live", "-q", "-p", "no:cacheprovider"]
        if workers > 1:
            command += ["-n", str(workers), "--dist", "loadgroup"]
        started = time.perf_counter()
        proc = subprocess.run(
            command,
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT_S,
            check=False,
        )
        seconds = time.perf_counter() - started
        if proc.returncode != 0:
            tail = "\n".join(proc.stdout.splitlines()[-15:])
            print(f"-n {workers}: pytest exited {proc.returncode}\n{tail}", file=sys.stderr)
        entries = [e for e in sb.requests() if e["path"].startswith("/api/v1/edc/")]
        return RunFigures(
            workers=workers,
            requests=len(entries),
            by_kind=Counter(_kind(e) for e in entries),
            seconds=seconds,
            exit_code=proc.returncode,
        )


def print_figures(runs: list[RunFigures]) -> None:
    kinds = sorted(set().union(*(r.by_kind for r in runs)))
    header = f"{'requests by endpoint':<28}" + "".join(f"{f'-n {r.workers}':>10}" for r in runs)
    print(header)
    print("-" * len(header))
    for kind in kinds:
        print(f"{kind:<28}" + "".join(f"{r.by_kind[kind]:>10}" for r in runs))
    print("-" * len(header))
    print(f"{'total API requests':<28}" + "".join(f"{r.requests:>10}" for r in runs))
    print(f"{'wall time (s)':<28}" + "".join(f"{r.seconds:>10.1f}" for r in runs))
    print(f"{'pytest exit code':<28}" + "".join(f"{r.exit_code:>10}" for r in runs))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--profile", default="exports", choices=["core", "exports", "airflow"])
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args(argv)
    if any(w < 1 for w in args.workers):
        parser.error("--workers takes whole numbers >= 1")

    runs = [run_suite(args.python, args.profile, w) for w in args.workers]
    print(f"read-only live suite, profile {args.profile}, default sandbox seed")
    print_figures(runs)
    baseline = runs[0].requests
    growth = [r for r in runs if r.requests > baseline]
    for run in growth:
        print(f"request count grew with -n {run.workers}: {run.requests} > {baseline}")
    if not growth:
        print(f"request count is independent of the worker count ({baseline})")
    return 1 if growth or any(r.exit_code for r in runs) else 0


if __name__ == "__main__":
    raise SystemExit(main())
