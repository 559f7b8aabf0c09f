"""Smoke run figures against the default sandbox: wall time (target < 2 s) and API calls.

Prints numbers; asserts nothing. Run: ``.venv/bin/python benchmarks/bench_smoke.py [--runs N]``.
Each run gets a fresh sandbox so the seed is the same every time.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any
from unittest import mock

from imednet_live import sandbox

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "post_smoke_record.py"
# SDK 0.5.0 imports pandas at import time only for a type alias (imednet.utils.typing);
# hiding it shows what the `core` profile (no pandas installed) pays.
WITHOUT_PANDAS = (
    "import runpy, sys; sys.modules['pandas'] = None; sys.argv = sys.argv[:1]; "
    f"runpy.run_path({str(SCRIPT)!r}, run_name='__main__')"
)


def _calls(sb: Any) -> Counter[str]:
    """API calls by kind, e.g. ``GET sites``, ``POST records``, ``GET jobs``."""
    kinds: Counter[str] = Counter()
    for entry in sb.requests():
        parts = entry["path"].split("/")
        if parts[1:5] == ["api", "v1", "edc", "studies"]:
            kinds[f"{entry['method']} {parts[6] if len(parts) > 6 else 'studies'}"] += 1
    return kinds


def _timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, Any]:
    started = time.perf_counter()
    proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, proc


def _subprocess_run(sb: Any, *, hide_pandas: bool = False) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMEDNET")}
    env.update(sb.env)
    command = (
        [sys.executable, "-c", WITHOUT_PANDAS] if hide_pandas else [sys.executable, str(SCRIPT)]
    )
    elapsed, proc = _timed(command, env)
    if proc.returncode != 0:
        raise SystemExit(f"smoke run failed (exit {proc.returncode}): {proc.stdout}{proc.stderr}")
    return elapsed


def _in_process_run(sb: Any) -> float:
    from imednet_live.smoke import run as smoke

    with (
        mock.patch.dict(os.environ, sb.env),
        open(os.devnull, "w") as sink,
        contextlib.redirect_stdout(sink),
    ):
        started = time.perf_counter()
        code = smoke.main([])
        elapsed = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"in-process smoke run failed (exit {code})")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs

    walls: list[float] = []
    core_walls: list[float] = []
    inner: list[float] = []
    imports: list[float] = []
    calls: Counter[str] = Counter()
    for _ in range(runs):
        with sandbox.running(scenario="default") as sb:
            walls.append(_subprocess_run(sb))
            calls = _calls(sb)
        with sandbox.running(scenario="default") as sb:
            core_walls.append(_subprocess_run(sb, hide_pandas=True))
        with sandbox.running(scenario="default") as sb:
            inner.append(_in_process_run(sb))
        imports.append(_timed([sys.executable, "-c", "import imednet_live.smoke.run"])[0])

    def fmt(values: list[float]) -> str:
        return (
            f"median {statistics.median(values):.3f} s, min {min(values):.3f} s, "
            f"max {max(values):.3f} s"
        )

    print(f"smoke against the default sandbox, {runs} runs each")
    print(f"  wall time, script as a subprocess (incl. interpreter + imports): {fmt(walls)}")
    print(f"  same, pandas not importable (the `core` profile):                {fmt(core_walls)}")
    print(f"  interpreter start + imports alone:                               {fmt(imports)}")
    print(f"  time inside main() (discovery + 3 writes + polling):            {fmt(inner)}")
    verdict = "met" if statistics.median(walls) < 2 else "NOT met"
    print(f"  target < 2 s (median subprocess wall time, pandas installed): {verdict}")
    print(f"  API calls per run: {sum(calls.values())}")
    for kind, count in sorted(calls.items()):
        print(f"    {kind:<14} {count}")


if __name__ == "__main__":
    main()
