"""The live suite's export tests against a sandbox whose records listing always answers 500.

SDK 0.5.0's export helpers swallow that 500 and write empty files; every export test must
still fail, naming the 500 and the records path, and none may pass with an empty file.
A real subprocess of the real tests/live, bounded: only the export tests, two workers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

from imednet_live import sandbox

REPO_ROOT = Path(__file__).resolve().parents[3]
PYTEST = (sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-n", "2")
RECORDS_500 = "GET /api/v1/edc/studies/*/records=500"
RECORDS_PATH = "/api/v1/edc/studies/PHARMADEMO/records"


def test_every_export_test_fails_naming_the_500_and_the_records_path(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    with sandbox.running(fail=(RECORDS_500,)) as sb:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("IMEDNET_", "PYTEST_"))}
        env.update(
            sb.env,
            IMEDNET_RUN_E2E="1",
            IMEDNET_LIVE_PROFILE="exports",
            IMEDNET_LIVE_TARGET_KIND="sandbox",
            IMEDNET_LIVE_REPORT_DIR=str(reports),
            IMEDNET_LIVE_RUN_ID=uuid.uuid4().hex,
            IMEDNET_LIVE_CACHE_DIR=str(tmp_path / "cache"),
            PYTHONDONTWRITEBYTECODE="1",
        )
        done = subprocess.run(
            [*PYTEST, "tests/live/test_exports.py", "tests/live/test_cli.py", "-k", "export"],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    outcomes = json.loads((reports / "outcomes.json").read_text(encoding="utf-8"))
    tests = outcomes["tests"]
    assert len(tests) >= 12, [t["nodeid"] for t in tests]
    for test in tests:
        assert test["outcome"] == "failed", test
        assert "HTTP 500 GET " + RECORDS_PATH in test["message"], test
        assert test["failure_kind"] in ("api-error", "sdk-swallowed-api-error"), test
    swallowed = [t for t in tests if t["failure_kind"] == "sdk-swallowed-api-error"]
    cli_files = [t for t in tests if "test_cli.py::test_export_file" in t["nodeid"]]
    assert len(cli_files) == 4
    assert all(t in swallowed for t in cli_files)
    for test in swallowed:
        assert any("Failed to fetch records for study 'PHARMADEMO'" in s for s in test["sdk_log"])
