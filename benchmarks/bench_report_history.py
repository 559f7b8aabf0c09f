"""The report with a full run history: time to read it, draw the trend, render and append.

Target (issue 29): 400 runs in the history render in under a second, and summary.html
stays under 1 MB (the size is also a unit test: tests/unit/report/test_report_run_history.py).
It fabricates a history of ``--runs`` runs of ``--sessions`` sessions each and one
reports folder of the same sessions (``--tests`` tests each), then times
``python -m imednet_live.report``'s main in-process, best of ``--repeat``. Prints numbers;
asserts nothing.

Run: ``.nox/unit/bin/python benchmarks/bench_report_history.py [--runs 400] [--sessions 6]``
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from imednet_live.charter.outcomes import SessionOutcomes, TestOutcome, count_outcomes
from imednet_live.config import HISTORY
from imednet_live.report.__main__ import main as report_main
from imednet_live.report.merge import build_matrix
from imednet_live.report.run_history import KEEP_RUNS, read_history, record_run
from imednet_live.report.trend import trend_html


def _session(name: str, tests: int, n: int) -> SessionOutcomes:
    outcomes = [
        TestOutcome(
            nodeid=f"tests/live/test_x.py::t{i}",
            resource="sites",
            outcome="failed" if i == n % tests else "passed",  # type: ignore[arg-type]
            expected=True,
        )
        for i in range(tests)
    ]
    return SessionOutcomes(
        session=name,
        profile="core",
        target_kind="sandbox",
        base_url="http://127.0.0.1:1",
        run_id=f"run-{n}",
        sdk_version="0.5.0",
        wall_seconds=60.0 + n,
        api_requests=400 + n,
        counts=count_outcomes(outcomes),
        tests=outcomes,
    )


def _fabricate(folder: Path, runs: int, sessions: int, tests: int) -> tuple[Path, Path]:
    reports, history = folder / "reports", folder / "history.jsonl"
    names = [f"live-readonly(profile='p{i}')" for i in range(sessions)]
    start = datetime(2026, 1, 1, 3, 17, tzinfo=timezone.utc)
    lines = []
    for n in range(runs):
        matrix = build_matrix([_session(name, tests, n) for name in names])
        record = record_run(matrix, None, reports, None, start + timedelta(days=n))
        keep = n >= runs - 2  # as append_run writes it: states on the last two runs only
        lines.append(record.model_dump_json(exclude=None if keep else {"tests"}))
    history.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for name in names:
        path = reports / name / "outcomes.json"
        path.parent.mkdir(parents=True)
        path.write_text(_session(name, tests, runs).model_dump_json(), encoding="utf-8")
    return reports, history


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=KEEP_RUNS)
    parser.add_argument("--sessions", type=int, default=6)
    parser.add_argument("--tests", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        reports, history = _fabricate(Path(tmp), args.runs, args.sessions, args.tests)
        original = history.read_text(encoding="utf-8")
        os.environ[HISTORY] = str(history)
        read_s, trend_s, report_s = [], [], []
        for _ in range(args.repeat):
            history.write_text(original, encoding="utf-8")
            begin = time.perf_counter()
            runs = read_history(history).runs
            read_s.append(time.perf_counter() - begin)
            begin = time.perf_counter()
            trend_html(runs)
            trend_s.append(time.perf_counter() - begin)
            begin = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                code = report_main([str(reports)])
            report_s.append(time.perf_counter() - begin)
            if code != 0:
                print(f"report exited {code}")
                return 1
        page = (reports / "summary.html").stat().st_size
        print(
            f"history of {args.runs} runs x {args.sessions} sessions "
            f"({history.stat().st_size / 1024:.0f} KiB on disk after the append)"
        )
        print(f"read the history:   {min(read_s) * 1000:7.1f} ms (best of {args.repeat})")
        print(f"draw the trend SVG: {min(trend_s) * 1000:7.1f} ms")
        print(f"whole report:       {min(report_s) * 1000:7.1f} ms (read, render, write, append)")
        print(f"summary.html:       {page / 1024:7.0f} KiB (target < 1 MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
