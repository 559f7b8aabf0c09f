"""No secret in any output: terminal, JUnit, outcomes.json, warnings.log, or the report."""

from __future__ import annotations

import subprocess
import sys

import pytest
from plugin_support import CANARY_API_KEY, CANARY_SECURITY_KEY, LiveSuite, enabled_env

from imednet_live import sandbox

LEAKY = """
    import os
    import warnings
    import pytest
    from imednet import ImednetSDK
    from imednet_live.config import Settings
    from imednet_live.skips import skip_no_data

    KEY = os.environ["IMEDNET_API_KEY"]
    SECRET = os.environ["IMEDNET_SECURITY_KEY"]

    @pytest.fixture
    def settings():
        return Settings.from_env()

    @pytest.mark.resource("sites")
    def test_api_error_printing_settings(settings):
        print("settings:", settings, settings.sdk_kwargs())
        with ImednetSDK(**settings.sdk_kwargs()) as sdk:
            sdk.sites.list("NO-SUCH-STUDY")

    @pytest.mark.resource("studies")
    def test_assert_on_the_key(settings):
        api_key = settings.api_key
        warnings.warn(f"key in a warning {KEY}", UserWarning)
        assert api_key == "something else"

    @pytest.mark.resource("users")
    def test_failing_fixture_with_key():
        raise RuntimeError(f"boom {KEY} {SECRET}")

    @pytest.mark.resource("visits")
    def test_skip_message_with_key():
        skip_no_data(f"visits {KEY}", "S1")

    @pytest.mark.resource("forms")
    def test_passes_but_prints(capsys):
        print(KEY, SECRET)
"""


@pytest.mark.parametrize("workers", [[], ["-n", "2"]])
def test_canary_keys_appear_in_no_output(
    suite: LiveSuite, canary_sandbox: sandbox.SandboxHandle, workers: list[str]
) -> None:
    suite.write("test_live.py", LEAKY)
    env = enabled_env(
        canary_sandbox.base_url,
        IMEDNET_API_KEY=CANARY_API_KEY,
        IMEDNET_SECURITY_KEY=CANARY_SECURITY_KEY,
        IMEDNET_LIVE_TARGET_KIND="live",
    )
    junit = suite.report_dir / "junit.xml"
    run = suite.run(*workers, "-rA", "-l", "--junitxml", str(junit), env=env)
    assert run.returncode == 1, run
    assert "ForbiddenError: HTTP 403" in run.stdout  # the failures really happened
    assert "***" in run.stdout  # ... and were masked, not dropped
    report = subprocess.run(
        [sys.executable, "-m", "imednet_live.report", str(suite.root / "reports")],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=True,
    )
    outputs = {"stdout": run.stdout, "stderr": run.stderr, "report stdout": report.stdout}
    for path in sorted((suite.root / "reports").rglob("*")):
        if path.is_file():
            outputs[str(path.relative_to(suite.root))] = path.read_text(encoding="utf-8")
    assert {"reports/unit-session/junit.xml", "reports/summary.html"} <= outputs.keys()
    for name, text in outputs.items():
        for canary in (CANARY_API_KEY, CANARY_SECURITY_KEY):
            assert canary not in text, f"{canary} leaked into {name}"
