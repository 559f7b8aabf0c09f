"""Wall time of the README's main job as written: cold, warm, warm at 100 ms, beside ``-R``.

    python benchmarks/bench_matrix.py [--tiny] [--keep] [--xdist]

Prints figures; asserts nothing (issue 28). The README's command line is read from
README.md and run as written (``bash -c``, the user's ``python3``, not this session's venv),
in a copy of the checkout in a temporary folder, so "cold" is fresh venvs and fresh
bytecode without touching this checkout's ``.nox``:

1. cold: the copy's first run (uv's download cache may be warm, as on any machine that
   ran the matrix once);
2. warm: the same line again (venvs reused: nox.options.reuse_venv, the install stamp);
3. warm at 100 ms sandbox latency (IMEDNET_LIVE_SANDBOX_LATENCY_MS=100);
4. the same two warm runs with ``-R`` added to each nox command, and the ratio
   warm / ``-R`` (target <= 1.15; warm <= 25 s at 0 ms, <= 35 s at 100 ms).

Each run's log is scanned for what its sessions installed and compiled. ``--tiny`` runs
the line with ``-s smoke`` in place of the session list (cheap proof that the bench works);
``--xdist`` adds the earlier figure: one read-only session at 100 ms, xdist off and on.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAIN_JOB = re.compile(r"^python3 -m pip .*-j auto -s smoke .*$", re.MULTILINE)
SESSION_LIST = "-s smoke live-mutating live-readonly"
LATENCY = "IMEDNET_LIVE_SANDBOX_LATENCY_MS"
LATENCY_SESSION = "live-readonly(profile='core')"
# Not copied: venvs, bytecode, reports and caches of this checkout (the copy starts cold).
NOT_COPIED = (".nox", ".git", "reports", ".imednet-live-cache", "__pycache__", "site")
# nox's and our own log lines that say a session installed or compiled something.
INSTALLED = re.compile(r"nox > (uv pip install|python -m pip install|uv pip sync|Creating virtual)")
SKIPPED = "install: as in this venv's last session"
COMPILED = "bytecode: compiled"


@dataclass(frozen=True)
class Run:
    label: str
    seconds: float
    code: int
    installs: int
    skipped: int
    compiled: int
    mutating_s: float  # pytest's own time in live-mutating, the long pole

    def line(self) -> str:
        status = "green" if self.code == 0 else f"RED (exit {self.code})"
        work = f"{self.installs} installs/venvs, {self.skipped} skipped, {self.compiled} compiled"
        pole = f"live-mutating pytest {self.mutating_s:5.1f} s"
        return f"  {self.label:<20} {self.seconds:7.1f} s  {status:<14} {pole}; {work}"


def readme_line() -> str:
    """The README's main job, exactly as the README writes it."""
    (line,) = MAIN_JOB.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    return line.strip()


def with_reuse_flag(line: str) -> str:
    """The same line with ``-R`` after each ``python3 -m nox``."""
    return line.replace("python3 -m nox ", "python3 -m nox -R ")


def user_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a user's shell would have: no session venv, no harness variables."""
    venv = os.environ.get("VIRTUAL_ENV")
    path = [
        p
        for p in os.environ.get("PATH", "").split(os.pathsep)
        if not venv or not p.startswith(venv)
    ]
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("IMEDNET_", "NOX_"))
        and k not in ("VIRTUAL_ENV", "PYTHONPYCACHEPREFIX", "CONDA_PREFIX", "PATH")
    }
    env["PATH"] = os.pathsep.join(path)
    env.update(extra or {})
    return env


def copy_checkout(into: Path) -> Path:
    """This checkout's files, without its venvs and reports, as a sibling of ../shared."""
    target = into / ROOT.name
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(*NOT_COPIED), symlinks=True)
    return target


def timed(label: str, line: str, cwd: Path, extra: dict[str, str] | None = None) -> Run:
    start = time.perf_counter()
    proc = subprocess.run(
        ["bash", "-c", line], cwd=cwd, env=user_env(extra), capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    log = proc.stdout + proc.stderr
    if proc.returncode:
        tail = log.strip().splitlines()[-5:]
        print(f"  ! {label} exited {proc.returncode}: {' | '.join(tail)}")
    return Run(
        label,
        seconds,
        proc.returncode,
        installs=len(INSTALLED.findall(log)),
        skipped=log.count(SKIPPED),
        compiled=log.count(COMPILED),
        mutating_s=pytest_seconds(cwd / "reports" / "live-mutating" / "junit.xml"),
    )


def pytest_seconds(junit: Path) -> float:
    """pytest's own wall time for the suite (junit testsuite time), without nox's overhead."""
    try:
        suite = ET.parse(junit).getroot()
    except (OSError, ET.ParseError):
        return float("nan")
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    return float(suite.get("time", "nan")) if suite is not None else float("nan")


def readme_job(copy: Path, line: str) -> None:
    print(f"README main job, as written, in a copy ({copy}):\n  {line}")
    runs = [
        timed("cold (fresh venvs)", line, copy),
        timed("warm", line, copy),
        timed("warm, 100 ms", line, copy, {LATENCY: "100"}),
        timed("warm, -R", with_reuse_flag(line), copy),
        timed("warm, -R, 100 ms", with_reuse_flag(line), copy, {LATENCY: "100"}),
    ]
    for run in runs:
        print(run.line())
    by = {r.label: r.seconds for r in runs}
    pairs = (("0", "warm", "warm, -R"), ("100", "warm, 100 ms", "warm, -R, 100 ms"))
    for ms, warm, flagged in pairs:
        ratio = by[warm] / by[flagged]
        print(f"  ratio warm / -R at {ms:>3} ms {ratio:7.2f}x  (target <= 1.15)")
    print("  targets: warm <= 25 s at 0 ms and <= 35 s at 100 ms, installing and compiling nothing")


def xdist(copy: Path) -> None:
    """One read-only session at 100 ms, xdist off and as chosen (the copy's venvs, warm)."""
    junit = copy / "reports" / "live-readonly-core" / "junit.xml"
    base = f'python3 -m nox -R --no-dependencies -s "{LATENCY_SESSION}"'
    print(f"{LATENCY_SESSION} at 100 ms (session wall time / pytest's own time)")
    rows = []
    for label, posargs in (("xdist off (-n 0)", " -- -n 0"), ("xdist as chosen", "")):
        run = timed(label, base + posargs, copy, {LATENCY: "100"})
        rows.append((label, run.seconds, pytest_seconds(junit)))
        print(f"  {label:<22} {run.seconds:7.1f} s / {rows[-1][2]:6.1f} s")
    (_, off, off_suite), (_, on, on_suite) = rows
    print(f"  speed-up               {off / on:7.1f}x / {off_suite / on_suite:5.1f}x")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tiny", action="store_true", help=f"'-s smoke' for '{SESSION_LIST}'")
    parser.add_argument("--keep", action="store_true", help="keep the copy (prints its path)")
    parser.add_argument("--xdist", action="store_true", help="add the xdist figure at 100 ms")
    opts = parser.parse_args()
    line = readme_line()
    if opts.tiny:
        line = line.replace(SESSION_LIST, "-s smoke")
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start")
    tmp = Path(tempfile.mkdtemp(prefix="bench-matrix-"))
    try:
        copy = copy_checkout(tmp)
        readme_job(copy, line)
        if opts.xdist:
            xdist(copy)
    finally:
        if opts.keep:
            print(f"copy kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"load average {os.getloadavg()[0]:.1f} at end (figures are noisy on a shared machine)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
