"""The live suite's export tests against a sandbox whose records listing always answers 500.

SDK 0.5.0's export helpers swallow that 500 and write empty files; every export test must
still fail, naming the 500 and the records path, and none may pass with an empty file.
A real subprocess of the real tests/live, bounded: only the export tests, two workers.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from plugin_support import run_real_live_suite

from imednet_live import sandbox

PYTEST_ARGS = ("-n", "2")
RECORDS_500 = "GET /api/v1/edc/studies/*/records=500"
RECORDS_PATH = "/api/v1/edc/studies/PHARMADEMO/records"


def test_every_export_test_fails_naming_the_500_and_the_records_path(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    with sandbox.running(fail=(RECORDS_500,)) as sb:
        done = run_real_live_suite(
            sb.env, reports, *PYTEST_ARGS, "test_exports.py", "test_cli.py", "-k", "export",
            IMEDNET_LIVE_PROFILE="exports",
            IMEDNET_LIVE_RUN_ID=uuid.uuid4().hex,
            IMEDNET_LIVE_CACHE_DIR=str(tmp_path / "cache"),
        )  # fmt: skip
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
