"""Cost of a run by study size: smoke requests, read-only suite requests and pytest time.

For each ``--subjects`` (0: the default seed) and ``--latency-ms`` it starts a fresh
sandbox, runs the smoke script, then the read-only live suite (exports profile, the
interpreter's packages), counting requests from the sandbox's own audit and the
``study-too-large`` skips from the run's outcomes.json. Targets (issues 13, 20): smoke
requests constant; suite requests within 1.2x and pytest time within 1.3x of the
default study; study-too-large skips only where the SDK has no bounded call (the file
exports, the long SQL format, CLI listings). Prints numbers; exits 1 only if a run failed.

Run: ``.nox/unit/bin/python benchmarks/bench_scale.py [--subjects 0 2000 20000]
[--latency-ms 0 100] [--workers 2]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from imednet_live import sandbox
from imednet_live.charter.outcomes import OUTCOMES_FILE
from imednet_live.core.env_vars import (
    CACHE_DIR,
    PROFILE,
    REPORT_DIR,
    RUN_E2E,
    RUN_ID,
    SANDBOX_SUBJECTS,
    TARGET_KIND,
)
from imednet_live.sandbox import SandboxHandle

REPO = Path(__file__).resolve().parents[1]
SMOKE = REPO / "scripts" / "post_smoke_record.py"
RUN_TIMEOUT_S = 900


@dataclass(frozen=True)
class ScaleFigures:
    subjects: int
    latency_ms: int
    seed_seconds: float
    smoke_requests: int
    suite_requests: int
    suite_seconds: float
    too_large: int  # tests skipped as study-too-large
    exit_codes: tuple[int, int]


def _edc_requests(sb: SandboxHandle) -> int:
    return sum(1 for e in sb.requests() if e["path"].startswith("/api/v1/edc/"))


def _env(sb: SandboxHandle, subjects: int, tmp: str, run: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMEDNET")}
    env.update(sb.env)
    env.update(
        {
            RUN_E2E: "1",
            PROFILE: "exports",
            TARGET_KIND: "sandbox",
            RUN_ID: run,
            CACHE_DIR: str(Path(tmp) / "cache"),
            REPORT_DIR: str(Path(tmp) / "reports"),
        }
    )
    if subjects:
        env[SANDBOX_SUBJECTS] = str(subjects)
    return env


def _too_large(outcomes: Path) -> int:
    """Tests the run skipped as study-too-large (-1: the run wrote no outcomes)."""
    if not outcomes.is_file():
        return -1
    tests = json.loads(outcomes.read_text(encoding="utf-8")).get("tests", [])
    return sum(1 for t in tests if t.get("category") == "study-too-large")


def measure(subjects: int, latency_ms: int, workers: int) -> ScaleFigures:
    started = time.perf_counter()
    with (
        sandbox.running(subjects=subjects or None, latency_ms=latency_ms) as sb,
        tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp,
    ):
        seeded = time.perf_counter() - started
        env = _env(sb, subjects, tmp, f"bench-scale-{subjects}-{latency_ms}-{os.getpid()}")
        smoke = subprocess.run(
            [sys.executable, str(SMOKE)], env=env, capture_output=True, text=True, check=False
        )
        smoke_requests = _edc_requests(sb)
        command = [sys.executable, "-m", "pytest", "tests/live", "-q", "-p", "no:cacheprovider"]
        command += ["-n", str(workers), "--dist", "loadgroup"]
        began = time.perf_counter()
        suite = subprocess.run(
            command, cwd=REPO, env=env, capture_output=True, text=True,
            timeout=RUN_TIMEOUT_S, check=False,
        )  # fmt: skip
        seconds = time.perf_counter() - began
        if suite.returncode != 0:
            tail = "\n".join(suite.stdout.splitlines()[-15:])
            print(
                f"--subjects {subjects}: pytest exited {suite.returncode}\n{tail}", file=sys.stderr
            )
        return ScaleFigures(
            subjects=subjects,
            latency_ms=latency_ms,
            seed_seconds=seeded,
            smoke_requests=smoke_requests,
            suite_requests=_edc_requests(sb) - smoke_requests,
            suite_seconds=seconds,
            too_large=_too_large(Path(tmp) / "reports" / OUTCOMES_FILE),
            exit_codes=(smoke.returncode, suite.returncode),
        )


def print_figures(runs: list[ScaleFigures]) -> None:
    print(
        f"{'subjects':>9} {'latency':>8} {'seed s':>7} {'smoke req':>10} {'suite req':>10} "
        f"{'x default':>10} {'pytest s':>9} {'x default':>10} {'too large':>10} {'exit':>6}"
    )
    for run in runs:
        base = next(r for r in runs if r.latency_ms == run.latency_ms)
        exits = "/".join(map(str, run.exit_codes))
        print(
            f"{run.subjects:>9} {run.latency_ms:>6}ms {run.seed_seconds:>7.1f} "
            f"{run.smoke_requests:>10} {run.suite_requests:>10} "
            f"{run.suite_requests / base.suite_requests:>9.2f}x {run.suite_seconds:>9.1f} "
            f"{run.suite_seconds / base.suite_seconds:>9.2f}x {run.too_large:>10} {exits:>6}"
        )
    print(
        "targets: smoke requests constant; suite requests <= 1.2x, pytest time <= 1.3x; "
        "too large: study-too-large skips (only calls the SDK cannot bound)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, nargs="+", default=[0, 2000, 20000])
    parser.add_argument("--latency-ms", type=int, nargs="+", default=[0])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    if any(n < 0 for n in args.subjects) or any(ms < 0 for ms in args.latency_ms):
        parser.error("--subjects and --latency-ms take whole numbers >= 0")
    subjects = sorted(set(args.subjects) | {0})
    runs = [measure(n, ms, args.workers) for ms in args.latency_ms for n in subjects]
    print_figures(runs)
    return 1 if any(any(r.exit_codes) for r in runs) else 0


if __name__ == "__main__":
    raise SystemExit(main())
