"""Wall time of the nox matrix against the sandbox, and what xdist buys under latency.

    python benchmarks/bench_matrix.py [--skip-cold] [--latency-only]

Prints figures; asserts nothing. "Cold" means no session venvs (uv's download cache may
still be warm, as on any machine that ran the matrix once); "warm" reuses them (`-R`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MATRIX = ["smoke", "live-readonly", "live-mutating"]
LATENCY_SESSION = "live-readonly(profile='core')"
LATENCY_JUNIT = ROOT / "reports" / "live-readonly-core" / "junit.xml"


def pytest_seconds(junit: Path) -> float:
    """pytest's own wall time for the suite (junit testsuite time), without nox's overhead."""
    suite = ET.parse(junit).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    return float(suite.get("time", "nan")) if suite is not None else float("nan")


def nox(args: list[str], envdir: Path, extra_env: dict[str, str] | None = None) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMEDNET_")}
    env.update(extra_env or {})
    cmd = [sys.executable, "-m", "nox", "--envdir", str(envdir), *args]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode:
        tail = (proc.stdout + proc.stderr).strip().splitlines()[-5:]
        print(f"  ! {' '.join(args)} exited {proc.returncode}: {' | '.join(tail)}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-cold", action="store_true")
    parser.add_argument("--latency-only", action="store_true")
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-matrix-") as tmp:
        serial_env, parallel_env = Path(tmp) / "serial", Path(tmp) / "parallel"
        rows: list[tuple[str, float]] = []
        if not opts.latency_only:
            if not opts.skip_cold:
                rows.append(("cold, serial", nox(["-s", *MATRIX], serial_env)))
                rows.append(("cold, -j auto", nox(["-j", "auto", "-s", *MATRIX], parallel_env)))
            rows.append(("warm (-R), serial", nox(["-R", "-s", *MATRIX], serial_env)))
            rows.append(
                ("warm (-R), -j auto", nox(["-R", "-j", "auto", "-s", *MATRIX], serial_env))
            )
            print("nox -s smoke live-readonly live-mutating against the sandbox")
            for label, seconds in rows:
                print(f"  {label:<22} {seconds:7.1f} s")
        latency = {"IMEDNET_LIVE_SANDBOX_LATENCY_MS": "100"}
        # Make sure the session's venv exists and is installed; the timed runs reuse it.
        nox(["--no-dependencies", "-s", LATENCY_SESSION, "--", "-n", "0"], serial_env)
        runs = []
        for label, posargs in (
            ("xdist off (-n 0)", ["--", "-n", "0"]),
            ("xdist on (default -n)", []),
        ):
            args = ["-R", "--no-dependencies", "-s", LATENCY_SESSION, *posargs]
            session_s = nox(args, serial_env, latency)
            runs.append((label, session_s, pytest_seconds(LATENCY_JUNIT)))
        print(f"{LATENCY_SESSION} with --latency-ms 100 (session wall time / pytest's own time)")
        for label, session_s, suite_s in runs:
            print(f"  {label:<22} {session_s:7.1f} s / {suite_s:6.1f} s")
        (_, off_session, off_suite), (_, on_session, on_suite) = runs
        ratio_session, ratio_suite = off_session / on_session, off_suite / on_suite
        print(
            f"  speed-up               {ratio_session:7.1f}x / {ratio_suite:5.1f}x  (target >= 4x)"
        )
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
