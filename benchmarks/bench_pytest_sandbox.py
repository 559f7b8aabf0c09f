"""What the imednet_sandbox pytest plugin costs a user's suite (issue 21's figures).

    python benchmarks/bench_pytest_sandbox.py [--tests 100] [--function-tests 30]

1. ``imednet_sandbox`` (one server, a fresh study per test): wall time of a pytest run of
   N tests that each make one request, and the per-test overhead over N tests that use no
   fixture. Target: 100 tests in under 10 s on a 2-core machine.
2. ``imednet_sandbox`` with ``@pytest.mark.imednet_sandbox(private=True)`` (a server per
   test): the same, per test.
3. The worked example's suite (examples/pipeline) in the venv ``scripts/example_pipeline.sh
   pinned`` builds (skipped when that venv does not exist yet).

Prints figures; asserts nothing. Each run is a fresh ``python -m pytest`` (no xdist).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "pipeline"
EXAMPLE_PYTHON = ROOT / ".nox" / "example-pipeline-pinned" / "bin" / "python"

BODY = """
import json, urllib.request
import pytest

def studies(sb):
    request = urllib.request.Request(
        sb.base_url + "/api/v1/edc/studies",
        headers={{"x-api-key": sb.api_key, "x-imn-security-key": sb.security_key}},
    )
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)["data"]

{marker}
@pytest.mark.parametrize("n", range({count}))
def test_one_request(n, imednet_sandbox):
    assert studies(imednet_sandbox)
"""
BASELINE = """
import pytest

@pytest.mark.parametrize("n", range({count}))
def test_nothing(n):
    assert n >= 0
"""


def timed_pytest(python: Path | str, directory: Path, *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", *args],
        cwd=directory,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    last = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
    return elapsed, last


def suite(directory: Path, name: str, text: str) -> Path:
    folder = directory / name.replace("=", "-")
    folder.mkdir()
    (folder / "test_bench.py").write_text(text)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=100)
    parser.add_argument("--function-tests", type=int, default=30)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        runs = {
            "baseline": (options.tests, BASELINE.format(count=options.tests)),
            "imednet_sandbox": (
                options.tests,
                BODY.format(count=options.tests, marker=""),
            ),
            "private=True": (
                options.function_tests,
                BODY.format(
                    count=options.function_tests,
                    marker="@pytest.mark.imednet_sandbox(private=True)",
                ),
            ),
        }
        measured: dict[str, tuple[int, float]] = {}
        for name, (count, text) in runs.items():
            seconds, last = timed_pytest(sys.executable, suite(tmp_path, name, text))
            measured[name] = (count, seconds)
            print(f"{name:>24}: {count} tests in {seconds:.2f} s wall ({last})")
        # The baseline is pytest's start-up and collection; its tests cost next to nothing.
        base_seconds = measured["baseline"][1]
        for name in ("imednet_sandbox", "private=True"):
            count, seconds = measured[name]
            overhead = (seconds - base_seconds) / count * 1000
            print(f"{name:>24}: {overhead:.1f} ms per test over the baseline (one request each)")
        count, seconds = measured["imednet_sandbox"]
        print(f"{'target':>24}: {count} imednet_sandbox tests in {seconds:.2f} s (target < 10 s)")
    if EXAMPLE_PYTHON.exists():
        seconds, last = timed_pytest(EXAMPLE_PYTHON, EXAMPLE)
        print(f"{'examples/pipeline':>24}: {seconds:.2f} s wall, SDK pinned ({last})")
    else:
        print(f"{'examples/pipeline':>24}: not measured; run scripts/example_pipeline.sh pinned")


if __name__ == "__main__":
    main()
