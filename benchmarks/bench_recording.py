"""Recording overhead on the read-only suite, and replay vs sandbox wall time for mutating.

Three figures, each from one pytest run of ``tests/live`` under xdist against a fresh
default sandbox: read-only without and with IMEDNET_LIVE_RECORD (same sandbox, same
worker count), mutating with recording, then the same mutating run replayed from that
recording (no sandbox, no network: replay has no job waits). Prints numbers; exits 1
only if a run failed.

Run: ``.nox/live-mutating-profile-mutating/bin/python benchmarks/bench_recording.py
[--workers 4]`` (the interpreter's packages make up the profile; mutating has them all).
``--read-only`` stops after the first two figures; ``--as-live`` labels the sandbox a live
target, so both read-only runs also learn and pseudonymise personal values as a live run
does (``recording/personal.py``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from imednet_live import sandbox
from imednet_live.core.env_vars import (
    ALLOW_MUTATION,
    API_KEY,
    BASE_URL,
    CACHE_DIR,
    PERSONAL_DIR,
    PROFILE,
    RECORD,
    RECORDING_DIR,
    REPLAY_DIR,
    REPORT_DIR,
    RUN_E2E,
    RUN_ID,
    SECURITY_KEY,
    TARGET_KIND,
)
from imednet_live.recording.layout import write_manifest

REPO = Path(__file__).resolve().parents[1]
RUN_TIMEOUT_S = 900


def run(python: str, env: dict[str, str], workers: int) -> tuple[float, int]:
    started = time.perf_counter()
    result = subprocess.run(
        [
            python,
            "-m",
            "pytest",
            "tests/live",
            "-q",
            "-p",
            "no:cacheprovider",
            "--dist",
            "loadgroup",
            "-n",
            str(workers),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    return time.perf_counter() - started, result.returncode


def base_env(tmp: Path, name: str, mutating: bool) -> dict[str, str]:
    """The read-only runs name no profile (the venv has every extra, and the mutating
    profile would expect its writes to run), so skips follow the environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMEDNET")}
    if mutating:
        env[PROFILE] = "mutating"
    env.update(
        {
            RUN_E2E: "1",
            ALLOW_MUTATION: "1" if mutating else "0",
            RUN_ID: f"bench-recording-{name}-{os.getpid()}",
            CACHE_DIR: str(tmp / "cache"),
            REPORT_DIR: str(tmp / "reports" / name),
        }
    )
    return env


def readonly_line(figures: dict[str, float], workers: int, as_live: bool) -> str:
    plain, recorded = figures["readonly-plain"], figures["readonly-recorded"]
    overhead = f"{recorded - plain:+.1f} s, {100 * (recorded / plain - 1):+.0f}%"
    target = " (sandbox as a live target)" if as_live else ""
    return (
        f"read-only suite{target}, -n {workers}: {plain:.1f} s plain, "
        f"{recorded:.1f} s recorded (overhead {overhead})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--read-only", action="store_true", help="only the read-only figures")
    parser.add_argument("--as-live", action="store_true", help="the sandbox as a live target")
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory(prefix="bench-recording-") as tmp_name:
        tmp = Path(tmp_name)
        figures: dict[str, float] = {}
        for name, record in (("readonly-plain", False), ("readonly-recorded", True)):
            env = base_env(tmp, name, mutating=False)
            with sandbox.running() as sb:
                env.update(sb.env)
                if args.as_live:
                    personal = tmp / name / "personal"
                    personal.mkdir(parents=True)
                    env.update({TARGET_KIND: "live", PERSONAL_DIR: str(personal)})
                if record:
                    env.update({RECORD: "1", RECORDING_DIR: str(tmp / name / "recording")})
                figures[name], code = run(args.python, env, args.workers)
            failed |= code != 0
        if args.read_only:
            print(readonly_line(figures, args.workers, args.as_live))
            return 1 if failed else 0
        reports = tmp / "recorded"
        directory = reports / "live-mutating" / "recording"
        env = base_env(tmp, "live-mutating", mutating=True)
        with sandbox.running() as sb:
            env.update({**sb.env, RECORD: "1", RECORDING_DIR: str(directory)})
            figures["mutating-sandbox"], code = run(args.python, env, args.workers)
        failed |= code != 0
        write_manifest(directory, session="live-mutating", target_kind="sandbox")
        env = base_env(tmp, "live-mutating", mutating=True)
        env.update(
            {
                TARGET_KIND: "replay",
                REPLAY_DIR: str(reports),
                API_KEY: "replay-api-key",
                SECURITY_KEY: "replay-security-key",
                BASE_URL: "https://replay.invalid",
            }
        )
        figures["mutating-replay"], code = run(args.python, env, args.workers)
        failed |= code != 0
    print(readonly_line(figures, args.workers, args.as_live))
    sandbox_s, replay_s = figures["mutating-sandbox"], figures["mutating-replay"]
    print(
        f"mutating suite, -n {args.workers}: {sandbox_s:.1f} s against the sandbox "
        f"(recording), {replay_s:.1f} s replayed ({replay_s / sandbox_s:.2f}x)"
    )
    if failed:
        print("a run failed: figures are not comparable", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
