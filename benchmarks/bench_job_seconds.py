"""Slow jobs and observed API behaviours: what they cost the harness (issue 9's figures).

    python benchmarks/bench_job_seconds.py [--job-seconds 60] [--skip-session]

1. The mutating session's pytest time (junit) under IMEDNET_LIVE_SANDBOX_JOB_SECONDS=N,
   divided by N: how many jobs' worth of time it takes. Target: at most 2.5 (independent
   writes overlap; they do not queue one per worker round).
2. The smoke's wall time under the ``success-state`` scenario with ``--timeout 600``.
   Target: under 5 s (red at once, not after the timeout).

Prints figures; asserts nothing. Uses the session venvs in .nox (``-R``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from imednet_live import sandbox
from imednet_live.core.env_vars import SANDBOX_JOB_SECONDS

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "post_smoke_record.py"
MUTATING = "live-mutating(profile='mutating')"
JUNIT = ROOT / "reports" / "live-mutating" / "junit.xml"


def pytest_seconds(junit: Path) -> float:
    suite = ET.parse(junit).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    return float(suite.get("time", "nan")) if suite is not None else float("nan")


def mutating_session(job_seconds: float) -> tuple[float, float, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMEDNET_")}
    env[SANDBOX_JOB_SECONDS] = f"{job_seconds:g}"
    cmd = [sys.executable, "-m", "nox", "-R", "--no-dependencies", "-s", MUTATING]
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    tail = " | ".join((proc.stdout + proc.stderr).strip().splitlines()[-2:])
    return pytest_seconds(JUNIT), wall, f"exit {proc.returncode}: {tail}"


def smoke_success_state() -> tuple[float, float, int]:
    """Wall time of the process, the run's own duration (its --report, after imports), exit."""
    with tempfile.TemporaryDirectory() as tmp, sandbox.running(scenario="success-state") as sb:
        env = {k: v for k, v in os.environ.items() if not k.startswith("IMEDNET")}
        env.update(sb.env)
        report = Path(tmp) / "smoke.json"
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, str(SCRIPT), "--timeout", "600", "--report", str(report)],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        wall = time.perf_counter() - started
        return wall, float(json.loads(report.read_text())["duration_s"]), proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--job-seconds", type=float, default=60.0)
    parser.add_argument("--skip-session", action="store_true")
    opts = parser.parse_args()
    wall, run_s, code = smoke_success_state()
    print(
        f"smoke, success-state, --timeout 600: {wall:.2f} s wall (target < 5 s), "
        f"{run_s:.2f} s after imports, exit {code}"
    )
    if not opts.skip_session:
        seconds, session_wall, status = mutating_session(opts.job_seconds)
        ratio = seconds / opts.job_seconds
        print(
            f"live-mutating, {SANDBOX_JOB_SECONDS}={opts.job_seconds:g}: pytest {seconds:.1f} s"
            f" = {ratio:.2f} jobs' time (target <= 2.5); nox wall {session_wall:.1f} s; {status}"
        )


if __name__ == "__main__":
    main()
