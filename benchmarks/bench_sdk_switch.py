"""Extra wall time of switching a warm matrix from one SDK build to another.

    python benchmarks/bench_sdk_switch.py

Runs the matrix's installs only (`nox --install-only -r`: venvs reused, installs run) in a
private envdir: once to warm it, once unchanged (the baseline every warm run pays), then
switched to each wheel set of ../shared/sdk and back to the pinned release. The figure is
each switch minus the baseline: what reinstalling only the SDK distributions costs.
Prints figures; asserts nothing. Skips itself without ../shared/sdk.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from imednet_live.sdk.matrix_builds import build_label, wheel_builds  # noqa: E402

SHARED_SDK = ROOT.parent / "shared" / "sdk"
MATRIX = ["smoke", "live-readonly", "live-mutating"]


def install_only(envdir: Path, build: dict[str, str]) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMEDNET_")}
    env.update(build)
    cmd = [sys.executable, "-m", "nox", "--envdir", str(envdir), "-r", "--install-only"]
    start = time.perf_counter()
    proc = subprocess.run([*cmd, "-s", *MATRIX], cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-5:])
        raise SystemExit(f"bench_sdk_switch: install failed for {build_label(build)}:\n{tail}")
    return elapsed


def main() -> int:
    if not SHARED_SDK.is_dir():
        print("bench_sdk_switch: ../shared/sdk is absent; nothing to measure")
        return 0
    builds = wheel_builds(SHARED_SDK)
    with tempfile.TemporaryDirectory(prefix="bench-sdk-") as tmp:
        envdir = Path(tmp) / "envs"
        cold = install_only(envdir, {})
        baseline = install_only(envdir, {})
        print(f"matrix venvs ({len(MATRIX)} session groups, 5 venvs), pinned SDK:")
        print(f"  create from uv's cache: {cold:.1f} s; warm, unchanged: {baseline:.1f} s")
        for build in [*builds, {}]:
            seconds = install_only(envdir, build)
            print(
                f"  switch to {build_label(build):<18} {seconds:5.1f} s "
                f"(extra over warm: {seconds - baseline:+.1f} s)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
