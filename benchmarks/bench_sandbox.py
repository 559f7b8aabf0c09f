"""Sandbox speed figures: requests/second, SDK paging time, process RSS. Prints; never asserts.

    python benchmarks/bench_sandbox.py [--requests 5000] [--connections 4] [--subjects 2002]

The load client is a minimal HTTP/1.1 keep-alive client on raw asyncio streams: a full
client library (httpx) costs more CPU per request than the server does, so it would measure
itself. The load is bounded by a request count and a deadline. The server is pinned to one
core and the client to another when the machine has two.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from imednet import ImednetSDK

from imednet_live.sandbox import DEFAULT_API_KEY, DEFAULT_SECURITY_KEY
from imednet_live.sandbox.seed import STUDY_KEY

TARGET_RPS = 1000
TARGET_PAGING_S = 3.0
TARGET_RSS_MB = 300
LIST_PATH = f"/api/v1/edc/studies/{STUDY_KEY}/records?page=1&size=100"


def start_sandbox(subjects: int) -> tuple[subprocess.Popen[str], str]:
    script = Path(sys.executable).with_name("imednet-live")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "imednet_live.cli"]
    proc = subprocess.Popen(
        [*base, "sandbox", "serve", "--port", "0", "--subjects", str(subjects)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    readable, _, _ = select.select([proc.stdout], [], [], 120)
    line = proc.stdout.readline() if readable else ""
    if not line.startswith("sandbox ready: "):
        proc.kill()
        raise SystemExit(f"sandbox did not start: {line!r}")
    return proc, line.split(": ", 1)[1].strip()


def pin_to_separate_cores(server_pid: int) -> str:
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return "single core shared by server and client"
    os.sched_setaffinity(server_pid, {cpus[0]})
    os.sched_setaffinity(0, set(cpus[1:]))
    return f"server pinned to cpu {cpus[0]}, client to cpu(s) {cpus[1:]}"


async def _worker(
    host: str, port: int, request: bytes, count: int, deadline: float, tally: list[int]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for _ in range(count):
            if time.perf_counter() > deadline:
                return
            writer.write(request)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            tally[0 if head.startswith(b"HTTP/1.1 200") else 1] += 1
    finally:
        writer.close()


async def measure_rps(
    base_url: str, total: int, connections: int, max_seconds: float
) -> tuple[float, int, int]:
    url = urlsplit(base_url)
    request = (
        f"GET {LIST_PATH} HTTP/1.1\r\nHost: {url.netloc}\r\n"
        f"x-api-key: {DEFAULT_API_KEY}\r\nx-imn-security-key: {DEFAULT_SECURITY_KEY}\r\n\r\n"
    ).encode()
    host, port = url.hostname or "127.0.0.1", url.port or 80
    warm: list[int] = [0, 0]
    await _worker(host, port, request, 50, time.perf_counter() + 10, warm)
    tally = [0, 0]
    started = time.perf_counter()
    deadline = started + max_seconds
    await asyncio.gather(
        *(
            _worker(host, port, request, total // connections, deadline, tally)
            for _ in range(connections)
        )
    )
    elapsed = time.perf_counter() - started
    return sum(tally) / elapsed, tally[0], tally[1]


def measure_paging(base_url: str) -> tuple[float, int]:
    with ImednetSDK(
        api_key=DEFAULT_API_KEY, security_key=DEFAULT_SECURITY_KEY, base_url=base_url
    ) as sdk:
        started = time.perf_counter()
        records = sdk.records.list(STUDY_KEY)
        return time.perf_counter() - started, len(records)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used (/proc/PID/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--max-seconds", type=float, default=30.0)
    parser.add_argument("--subjects", type=int, default=2002, help="2002 subjects: ~10,000 records")
    args = parser.parse_args()

    proc, base_url = start_sandbox(args.subjects)
    try:
        placement = pin_to_separate_cores(proc.pid)
        cpu_before = cpu_seconds(proc.pid)
        rps, ok, failed = asyncio.run(
            measure_rps(base_url, args.requests, args.connections, args.max_seconds)
        )
        server_cpu = cpu_seconds(proc.pid) - cpu_before
        paging_s, records = measure_paging(base_url)
        rss = rss_mb(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    print(f"sandbox {base_url} ({placement}); exit code after SIGTERM: {proc.returncode}")
    # +50: the warm-up requests, which also ran while server CPU time was being counted.
    per_core = (ok + failed + 50) / server_cpu if server_cpu else float("nan")
    print(
        f"list page (100 items): {rps:8.0f} requests/s   target >= {TARGET_RPS}"
        f"   (wall clock; {ok} ok, {failed} failed, {args.connections} connections)"
    )
    print(
        f"list page (100 items): {per_core:8.0f} requests per server CPU-second"
        f"   (one core fully busy; robust to other load on the machine)"
    )
    print(
        f"SDK records.list paging: {paging_s:8.2f} s         target < {TARGET_PAGING_S:.0f} s"
        f"   ({records} records, size 100)"
    )
    print(f"sandbox RSS at that scale: {rss:6.0f} MB       target < {TARGET_RSS_MB} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
