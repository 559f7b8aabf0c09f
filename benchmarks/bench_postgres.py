"""PostgreSQL figures: server start time, and export_to_sql into PostgreSQL vs SQLite.

    python benchmarks/bench_postgres.py [--subjects 1000] [--starts 3] [--rounds 3]

The server is the one the live sessions start (``imednet_live.postgres.server``); the
study is the sandbox's first study scaled to N subjects (5 records each). Each export
is timed end to end (records fetched through the SDK, then written), once per database.
Prints; never asserts.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from imednet import ImednetSDK

from imednet_live.matrix import sandbox_process
from imednet_live.postgres import server
from imednet_live.postgres.databases import fresh_database
from imednet_live.sandbox import DEFAULT_API_KEY, DEFAULT_SECURITY_KEY
from imednet_live.sandbox.seed import STUDY_KEY


def _rows(url: str, table: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())
    finally:
        engine.dispose()


def _time_export(sdk: ImednetSDK, url: str) -> tuple[float, int]:
    from imednet.integrations.export import export_to_sql

    began = time.perf_counter()
    export_to_sql(sdk, STUDY_KEY, "records", url)
    return time.perf_counter() - began, _rows(url, "records")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=1000)
    parser.add_argument("--starts", type=int, default=3, help="server starts to time")
    parser.add_argument("--rounds", type=int, default=3, help="exports to time per database")
    args = parser.parse_args()

    binaries = server.find_binaries()
    if binaries is None:
        raise SystemExit(server.INSTALL_HINT)
    starts: list[float] = []
    for _ in range(args.starts):
        began = time.perf_counter()
        pg = server.start(binaries)
        starts.append(time.perf_counter() - began)
        pg.stop()
    print(f"postgres: {binaries.source}")
    print(
        f"server start (initdb + pg_ctl start -w), {args.starts} runs: "
        f"median {statistics.median(starts):.2f} s, min {min(starts):.2f} s, "
        f"max {max(starts):.2f} s"
    )

    script = Path(sys.executable).with_name("imednet-live")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "imednet_live.cli"]
    extra = ["--subjects", str(args.subjects)]
    times: dict[str, list[float]] = {"SQLite": [], "PostgreSQL": []}
    rows: dict[str, int] = {}
    kwargs = {"api_key": DEFAULT_API_KEY, "security_key": DEFAULT_SECURITY_KEY}
    with (
        sandbox_process.launch(command, extra_args=extra, timeout=180) as sb,
        server.running_server(binaries) as pg,
        tempfile.TemporaryDirectory() as tmp,
    ):
        # Alternating rounds, so a warm-up of the sandbox is not billed to one database.
        for n in range(args.rounds):
            with ImednetSDK(**kwargs, base_url=sb.base_url) as sdk:
                seconds, rows["SQLite"] = _time_export(sdk, f"sqlite:///{Path(tmp) / f'{n}.db'}")
                times["SQLite"].append(seconds)
            with (
                ImednetSDK(**kwargs, base_url=sb.base_url) as sdk,
                fresh_database(pg.url, f"bench_{n}", owned=True) as url,
            ):
                seconds, rows["PostgreSQL"] = _time_export(sdk, url)
                times["PostgreSQL"].append(seconds)
    print(f"export_to_sql of {STUDY_KEY} scaled to {args.subjects} subjects, {args.rounds} rounds:")
    for name, values in times.items():
        print(
            f"  {name + ':':12} median {statistics.median(values):.2f} s "
            f"(min {min(values):.2f}, max {max(values):.2f}; {rows[name]} rows)"
        )


if __name__ == "__main__":
    main()
