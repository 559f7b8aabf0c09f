"""No secret in any output: terminal, JUnit, outcomes.json, warnings.log, or the report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from plugin_support import CANARY_API_KEY, CANARY_SECURITY_KEY, LiveSuite, enabled_env

from imednet_live import sandbox
from imednet_live.config import HISTORY_FILE_NAME

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
        # nothing of the run's secrets; bytecode where the session keeps it, not in src/
        env={"PATH": "/usr/bin:/bin", "PYTHONPYCACHEPREFIX": sys.pycache_prefix or ""},
        check=True,
    )
    outputs = {"stdout": run.stdout, "stderr": run.stderr, "report stdout": report.stdout}
    for path in sorted((suite.root / "reports").rglob("*")):
        if path.is_file():
            outputs[str(path.relative_to(suite.root))] = path.read_text(encoding="utf-8")
    history = suite.root / HISTORY_FILE_NAME  # the run history, beside reports/
    outputs[history.name] = history.read_text(encoding="utf-8")
    assert {"reports/unit-session/junit.xml", "reports/summary.html"} <= outputs.keys()
    for name, text in outputs.items():
        for canary in (CANARY_API_KEY, CANARY_SECURITY_KEY):
            assert canary not in text, f"{canary} leaked into {name}"


URL_PASSWORD = "url-PASSWORD-7c1e94"  # recognisable: grepped for in every output
URL_USER = "opsuser-3d1f"
SMOKE_SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "post_smoke_record.py"

URL_LEAKY = """
    import os
    import pytest
    from imednet import ImednetSDK
    from imednet_live.config import Settings

    @pytest.mark.resource("sites")
    def test_api_error_through_a_url_with_userinfo():
        with ImednetSDK(**Settings.from_env().sdk_kwargs()) as sdk:
            sdk.sites.list("NO-SUCH-STUDY")

    @pytest.mark.resource("studies")
    def test_network_error_through_a_url_with_userinfo():
        kwargs = Settings.from_env().sdk_kwargs()
        kwargs["base_url"] = "http://{user}:{password}@127.0.0.1:9"
        with ImednetSDK(**kwargs) as sdk:
            sdk.studies.list()

    @pytest.mark.resource("users")
    def test_message_quoting_the_base_url():
        raise RuntimeError("could not use " + os.environ["IMEDNET_BASE_URL"])

    @pytest.mark.resource("forms")
    def test_passes():
        assert True
"""


def _with_userinfo(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{URL_USER}:{URL_PASSWORD}@{rest}"


def test_a_password_in_the_base_url_leaves_no_trace_in_any_output(
    suite: LiveSuite, canary_sandbox: sandbox.SandboxHandle
) -> None:
    """Smoke (green and unreachable), banner, terminal, JUnit, outcomes.json and reports."""
    reports = suite.root / "reports"
    keys = {"IMEDNET_API_KEY": CANARY_API_KEY, "IMEDNET_SECURITY_KEY": CANARY_SECURITY_KEY}
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("IMEDNET", "GITHUB_"))}
    outputs: dict[str, str] = {}
    for name, url in (
        ("smoke", _with_userinfo(canary_sandbox.base_url)),
        ("smoke-unreachable", _with_userinfo("http://127.0.0.1:9")),
    ):
        (reports / name).mkdir(parents=True)
        smoke = subprocess.run(
            [
                sys.executable,
                str(SMOKE_SCRIPT),
                "--verbose",
                "--report",
                str(reports / name / "smoke.json"),
            ],
            env={**base_env, **keys, "IMEDNET_BASE_URL": url},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        outputs[f"{name} stdout"], outputs[f"{name} stderr"] = smoke.stdout, smoke.stderr
    assert (
        "::error::Network error: cannot reach IMEDNET_BASE_URL http://***@127.0.0.1:9"
        in (outputs["smoke-unreachable stdout"])
    )
    assert "smoke: OK: " in outputs["smoke stdout"], outputs["smoke stdout"]

    suite.write("test_live.py", URL_LEAKY.format(user=URL_USER, password=URL_PASSWORD))
    env = enabled_env(
        _with_userinfo(canary_sandbox.base_url), **keys, IMEDNET_LIVE_TARGET_KIND="live"
    )
    junit = suite.report_dir / "junit.xml"
    run = suite.run("-rA", "-l", "--junitxml", str(junit), env=env)
    assert run.returncode == 1, run
    assert "base URL: http://***@127.0.0.1:" in run.stdout  # the banner, masked
    assert "ForbiddenError: HTTP 403" in run.stdout  # the failures really happened
    assert "network error: cannot reach http://127.0.0.1:9" in run.stdout
    outcomes = run.outcomes()
    assert outcomes["base_url"].startswith("http://***@127.0.0.1:")
    assert outcomes["wall_seconds"] > 0
    report = subprocess.run(
        [sys.executable, "-m", "imednet_live.report", str(reports)],
        capture_output=True,
        text=True,
        env=base_env,
        check=True,
    )
    outputs.update({"stdout": run.stdout, "stderr": run.stderr, "report stdout": report.stdout})
    for path in sorted(reports.rglob("*")):
        if path.is_file():
            outputs[str(path.relative_to(suite.root))] = path.read_text(encoding="utf-8")
    history = suite.root / HISTORY_FILE_NAME  # the run history, beside reports/
    outputs[history.name] = history.read_text(encoding="utf-8")
    expected = {"reports/unit-session/junit.xml", "reports/summary.md", "reports/summary.html"}
    assert expected <= outputs.keys()
    assert "reports/smoke/smoke.json" in outputs
    for name, text in outputs.items():
        assert URL_PASSWORD not in text, f"the URL's password leaked into {name}"
        assert URL_USER not in text, f"the URL's user name leaked into {name}"
