"""What the SDK logs travels with the failure: terminal, JUnit, outcomes.json, sdk.log.

A real sandbox whose records listing always answers 500 makes SDK 0.5.0's export helper
swallow the error (``RecordMapper._fetch_records`` logs it and returns no records).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from plugin_support import CANARY_API_KEY, CANARY_SECURITY_KEY, LiveSuite, enabled_env

from imednet_live import sandbox

RECORDS_500 = "GET /api/v1/edc/studies/*/records=500"
RECORDS_PATH = "/api/v1/edc/studies/PHARMADEMO/records"

TESTS = """
    import csv
    import logging
    import os

    import pytest
    from imednet import ImednetSDK
    from imednet.integrations.export import export_to_csv
    from imednet_live.core.settings import Settings

    def _sdk():
        return ImednetSDK(**Settings.from_env().sdk_kwargs(), backoff_factor=0.01)

    @pytest.mark.resource("export.csv")
    def test_export_swallowed(tmp_path):
        path = tmp_path / "out.csv"
        with _sdk() as sdk:
            export_to_csv(sdk, "PHARMADEMO", str(path))
        rows = list(csv.DictReader(path.open()))
        assert len(rows) > 0, "export csv wrote no rows"

    @pytest.mark.resource("records")
    def test_records_raised():
        with _sdk() as sdk:
            sdk.records.list("PHARMADEMO")

    @pytest.mark.resource("studies")
    def test_secret_in_sdk_log():
        key = os.environ["IMEDNET_API_KEY"]
        logging.getLogger("imednet.core.client").error("sent x-api-key %s", key)
        assert False, "failed after the SDK logged"

    @pytest.mark.resource("sites")
    def test_passes_after_a_warning():
        logging.getLogger("imednet.workflows").warning("harmless SDK warning")
        logging.getLogger("imednet.workflows").info("info is below the bar")

    @pytest.mark.resource("export.sql")
    def test_skip_after_swallowed(tmp_path):
        path = tmp_path / "out.csv"
        with _sdk() as sdk:
            export_to_csv(sdk, "PHARMADEMO", str(path))
        pytest.skip("No records for study PHARMADEMO")
"""


@pytest.fixture(scope="module")
def failing_records() -> Iterator[sandbox.SandboxHandle]:
    with sandbox.running(
        api_key=CANARY_API_KEY, security_key=CANARY_SECURITY_KEY, fail=(RECORDS_500,)
    ) as handle:
        yield handle


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["in-process", "xdist"])
def test_sdk_log_names_the_swallowed_api_error(
    suite: LiveSuite, failing_records: sandbox.SandboxHandle, workers: list[str]
) -> None:
    suite.write("test_live.py", TESTS)
    env = enabled_env(
        failing_records.base_url,
        IMEDNET_API_KEY=CANARY_API_KEY,
        IMEDNET_SECURITY_KEY=CANARY_SECURITY_KEY,
    )
    junit = suite.report_dir / "junit.xml"
    run = suite.run("--junitxml", str(junit), *workers, env=env)
    assert run.returncode == 1, run

    swallowed = run.test("test_export_swallowed")
    assert swallowed["outcome"] == "failed"
    assert swallowed["failure_kind"] == "sdk-swallowed-api-error"
    assert f"the SDK swallowed HTTP 500 GET {RECORDS_PATH}" in swallowed["message"]
    assert "export csv wrote no rows" in swallowed["message"]
    assert (
        "the SDK logged: ERROR imednet.workflows.record_mapper: Failed to fetch records"
        in (swallowed["message"])
    )
    assert any("Failed to fetch records for study 'PHARMADEMO'" in s for s in swallowed["sdk_log"])
    assert any("Status Code: 500" in s for s in swallowed["sdk_log"])
    run.lines.fnmatch_lines(
        [
            "*- imednet sdk-swallowed-api-error -*",
            f"the SDK caught HTTP 500 GET {RECORDS_PATH} and carried on without raising it;",
        ]
    )
    run.lines.fnmatch_lines(["*- imednet SDK log (WARNING and above) -*"])
    failed_line = "FAILED test_live.py::test_export_swallowed - the SDK swallowed HTTP 500 GET"
    run.lines.fnmatch_lines([f"{failed_line} {RECORDS_PATH}*"])

    raised = run.test("test_records_raised")
    assert raised["failure_kind"] == "api-error"
    assert raised["message"].startswith(f"ServerError: HTTP 500 GET {RECORDS_PATH}")

    skipped_after = run.test("test_skip_after_swallowed")
    assert skipped_after["outcome"] == "failed"
    assert skipped_after["failure_kind"] == "sdk-swallowed-api-error"

    secret = run.test("test_secret_in_sdk_log")
    assert secret["sdk_log"] == ["ERROR imednet.core.client: sent x-api-key ***"]
    assert "the SDK logged: ERROR imednet.core.client: sent x-api-key ***" in secret["message"]

    passed = run.test("test_passes_after_a_warning")
    assert passed["outcome"] == "passed"
    assert passed["sdk_log"] == []
    sdk_log = (suite.report_dir / "sdk.log").read_text(encoding="utf-8")
    assert "test_live.py::test_passes_after_a_warning (passed):" in sdk_log
    assert "WARNING imednet.workflows: harmless SDK warning" in sdk_log
    assert "info is below the bar" not in sdk_log

    outputs = [run.stdout, run.stderr, junit.read_text(encoding="utf-8"), sdk_log]
    outputs.append((suite.report_dir / "outcomes.json").read_text(encoding="utf-8"))
    for text in outputs:
        assert CANARY_API_KEY not in text
        assert CANARY_SECURITY_KEY not in text
