"""Figures of issue 22: parallelism that fits the target, and workers that start cheaply.

    python benchmarks/bench_concurrency.py [--skip-matrix] [--skip-startup] [--skip-readonly]

Prints, in one run:
- the warm main job (``nox -R -j auto -s smoke live-readonly live-mutating``, and with
  ``live-mutating`` named first) at 0 ms and at 100 ms sandbox latency
  (``IMEDNET_LIVE_SANDBOX_LATENCY_MS``), with the workers each session chose (its
  ``outcomes.json``);
- worker start-up per profile: CPU seconds of ``pytest --collect-only`` of tests/live in
  the profile's session venv (what a worker pays before its first test);
- the read-only suite (exports profile) at 100 ms, as chosen and serial (``-n 0``).

Targets (issue 22): matrix <= 45 s at 0 ms and at 100 ms; start-up <= 1 s CPU per profile;
read-only suite at 100 ms faster than 16.3 s wall. Asserts nothing. Venvs are the
checkout's own ``.nox`` (warm: created once if missing, before anything is timed).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MATRIX = ["smoke", "live-readonly", "live-mutating"]
MATRIX_MUTATING_FIRST = ["smoke", "live-mutating", "live-readonly"]
READONLY = "live-readonly(profile='exports')"
PROFILE_VENVS = {
    "core": "live-readonly-profile-core",
    "exports": "live-readonly-profile-exports",
    "airflow": "live-readonly-profile-airflow",
    "mutating": "live-mutating-profile-mutating",
}
LATENCY = "IMEDNET_LIVE_SANDBOX_LATENCY_MS"


def nox(args: list[str], extra_env: dict[str, str] | None = None) -> tuple[float, int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMEDNET_", "NOX_"))}
    env.update(extra_env or {})
    cmd = [sys.executable, "-m", "nox", *args]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode:
        tail = (proc.stdout + proc.stderr).strip().splitlines()[-5:]
        print(f"  ! nox {' '.join(args)} exited {proc.returncode}: {' | '.join(tail)}")
    return elapsed, proc.returncode


def pytest_seconds(junit: Path) -> float:
    """pytest's own wall time for the suite (junit testsuite time), without nox's overhead."""
    try:
        suite = ET.parse(junit).getroot()
    except (OSError, ET.ParseError):
        return float("nan")
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    return float(suite.get("time", "nan")) if suite is not None else float("nan")


def chosen_workers() -> dict[str, str]:
    """Each live session's choice, from reports/*/outcomes.json."""
    out = {}
    for path in sorted((ROOT / "reports").glob("live-*/outcomes.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        out[path.parent.name] = str(data.get("concurrency") or "-")
    return out


def warm_up() -> None:
    missing = [v for v in PROFILE_VENVS.values() if not (ROOT / ".nox" / v).is_dir()]
    if missing or not (ROOT / ".nox" / "smoke").is_dir():
        print(f"  (creating venvs first, untimed: {', '.join(missing) or 'smoke'})")
        nox(["-s", *MATRIX, "--install-only"])


def matrix() -> None:
    """Both orders of ``-s``: nox starts sessions in the order given, as slots free up."""
    print("warm main job: nox -R -j auto -s smoke <live sessions> (target <= 45 s)")
    for order in (MATRIX, MATRIX_MUTATING_FIRST):
        print(f"  -s {' '.join(order)}")
        for ms in ("0", "100"):
            seconds, code = nox(["-R", "-j", "auto", "-s", *order], {LATENCY: ms})
            status = "green" if code == 0 else f"RED (exit {code})"
            print(f"    {ms:>3} ms latency  {seconds:6.1f} s  {status}")
            for session, choice in chosen_workers().items():
                print(f"        {session:<24} {choice}")


def collect_cpu(python: Path, cwd: Path, env: dict[str, str]) -> list[float]:
    """CPU seconds of three ``pytest --collect-only`` runs in ``cwd``."""
    samples = []
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(
            [str(python), "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
            cwd=cwd, env=env, capture_output=True, check=False,
        )  # fmt: skip
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        samples.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return samples


def startup() -> None:
    print("worker start-up: CPU of `pytest --collect-only` of tests/live (target <= 1 s)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMEDNET_")}
    for profile, venv in PROFILE_VENVS.items():
        python = ROOT / ".nox" / venv / "bin" / "python"
        if not python.exists():
            print(f"  {profile:<9} (no venv {venv})")
            continue
        env.update(IMEDNET_RUN_E2E="1", IMEDNET_LIVE_PROFILE=profile)
        samples = collect_cpu(python, ROOT / "tests" / "live", env)
        print(f"  {profile:<9} {min(samples):5.2f} s CPU (best of 3; {max(samples):.2f} worst)")
    # pytest's own floor on this machine: one empty test file, same venv and plugins.
    python = ROOT / ".nox" / PROFILE_VENVS["core"] / "bin" / "python"
    if python.exists():
        with tempfile.TemporaryDirectory(prefix="bench-collect-") as tmp:
            (Path(tmp) / "test_empty.py").write_text("def test_empty():\n    pass\n")
            samples = collect_cpu(python, Path(tmp), env)
        print(f"  (pytest alone, one empty test: {min(samples):.2f} s CPU, best of 3)")


def readonly() -> None:
    print(f"{READONLY} at 100 ms (pytest's own wall time; target < 16.3 s)")
    junit = ROOT / "reports" / "live-readonly-exports" / "junit.xml"
    for label, posargs in (("as chosen", []), ("serial (-n 0)", ["--", "-n", "0"])):
        args = ["-R", "--no-dependencies", "-s", READONLY, *posargs]
        session_s, _ = nox(args, {LATENCY: "100"})
        choice = chosen_workers().get("live-readonly-exports", "-")
        print(f"  {label:<14} {pytest_seconds(junit):6.1f} s  (session {session_s:5.1f} s)")
        print(f"      {choice}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-matrix", action="store_true")
    parser.add_argument("--skip-startup", action="store_true")
    parser.add_argument("--skip-readonly", action="store_true")
    opts = parser.parse_args()
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start")
    warm_up()
    if not opts.skip_startup:
        startup()
    if not opts.skip_readonly:
        readonly()
    if not opts.skip_matrix:
        matrix()
    print(f"load average {os.getloadavg()[0]:.1f} at end (figures are noisy on a shared machine)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
