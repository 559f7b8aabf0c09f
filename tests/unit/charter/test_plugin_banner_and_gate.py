"""Charter 6 row 1 (suite disabled) and charter 7 (startup context, always visible)."""

from __future__ import annotations

import pytest
from plugin_support import LiveSuite, enabled_env

TWO_TESTS = """
    import pytest

    @pytest.mark.resource("studies")
    def test_one():
        pass

    @pytest.mark.resource("sites")
    def test_two():
        pass
"""


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        ({}, "live suite disabled: IMEDNET_RUN_E2E is not 1"),
        (
            {"IMEDNET_RUN_E2E": "1"},
            "live suite disabled: IMEDNET_API_KEY and IMEDNET_SECURITY_KEY are not set",
        ),
        (
            {"IMEDNET_RUN_E2E": "1", "IMEDNET_API_KEY": "only-the-api-key"},
            "live suite disabled: IMEDNET_SECURITY_KEY is not set",
        ),
    ],
)
def test_disabled_suite_skips_every_test_with_one_message(
    suite: LiveSuite, env: dict[str, str], reason: str
) -> None:
    suite.write("test_live.py", TWO_TESTS)
    run = suite.run(env=env)
    assert run.returncode == 0, run
    run.lines.fnmatch_lines(["imednet-live charter context:", f"*SKIPPED [[]2[]] *: {reason}"])
    assert run.stdout.count("SKIPPED [") == 1, run  # one folded line, one message
    tests = run.outcomes()["tests"]
    assert {t["category"] for t in tests} == {"suite-disabled"}
    assert all(t["expected"] for t in tests)


def test_banner_names_every_input_and_is_visible_when_everything_skips(suite: LiveSuite) -> None:
    suite.write("test_live.py", TWO_TESTS)
    run = suite.run(env={"IMEDNET_STUDY_KEY": "STUDY-42", "IMEDNET_LIVE_PROFILE": "core"})
    run.lines.fnmatch_lines(
        [
            "imednet-live charter context:",
            "  IMEDNET_RUN_E2E: not 1",
            "  IMEDNET_ALLOW_MUTATION: not 1 (read-only)",
            "  study: STUDY-42",
            "  form: auto-discover",
            "  base URL: https://edc.prod.imednetapi.com",
            "  target: live (inferred from the base URL)",
            "  profile: core",
            "  SDK: imednet 0.5.0",  # the build under test (sdk_compat)
            "  SDK surfaces missing: none",
            "  credentials: IMEDNET_API_KEY NOT SET, IMEDNET_SECURITY_KEY NOT SET",
            "  optional dependencies: pandas *, pyarrow *, openpyxl *, sqlalchemy *, airflow *",
            "  suite: live suite disabled: IMEDNET_RUN_E2E is not 1",
        ]
    )


def test_banner_says_auto_discover_and_the_resolved_url(suite: LiveSuite) -> None:
    suite.write("test_live.py", TWO_TESTS)
    run = suite.run(env=enabled_env("http://127.0.0.1:9/", IMEDNET_ALLOW_MUTATION="1"))
    run.lines.fnmatch_lines(
        [
            "  IMEDNET_RUN_E2E: 1",
            "  IMEDNET_ALLOW_MUTATION: 1 (writes allowed)",
            "  study: auto-discover",
            "  base URL: http://127.0.0.1:9",  # trailing slash resolved away
            "  target: sandbox",
            "  suite: enabled",
        ]
    )


@pytest.mark.parametrize("quiet", [["-q"], ["-qq"], ["--no-header"], ["-s"]])
def test_banner_survives_quiet_no_header_and_no_capture(suite: LiveSuite, quiet: list[str]) -> None:
    suite.write("test_live.py", TWO_TESTS)
    run = suite.run(*quiet)
    assert run.stdout.count("imednet-live charter context:") == 1, run


def test_banner_printed_once_under_xdist(suite: LiveSuite) -> None:
    suite.write("test_live.py", TWO_TESTS)
    run = suite.run("-n", "2", env=enabled_env())
    assert run.stdout.count("imednet-live charter context:") == 1, run
    assert run.returncode == 0, run


def test_banner_never_shows_a_secret(suite: LiveSuite) -> None:
    suite.write("test_live.py", TWO_TESTS)
    env = enabled_env(IMEDNET_API_KEY="banner-secret-1", IMEDNET_SECURITY_KEY="banner-secret-2")
    run = suite.run(env=env)
    assert "IMEDNET_API_KEY set, IMEDNET_SECURITY_KEY set" in run.stdout
    assert "banner-secret" not in run.stdout + run.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"IMEDNET_LIVE_PROFILE": "nightly"},
            "IMEDNET_LIVE_PROFILE='nightly' is not a profile; use one of: core, exports, "
            "airflow, mutating",
        ),
        ({"IMEDNET_BASE_URL": "edc.example.com"}, "IMEDNET_BASE_URL is not a valid http(s) URL*"),
        ({"IMEDNET_LIVE_TARGET_KIND": "staging"}, "IMEDNET_LIVE_TARGET_KIND='staging' is not*"),
        (
            {"IMEDNET_SECURITY_KEY": "s3c"},
            "IMEDNET_SECURITY_KEY is 3 characters long; a credential must have at least 8 *",
        ),
    ],
)
def test_bad_operator_input_is_one_line_not_a_traceback(
    suite: LiveSuite, env: dict[str, str], message: str
) -> None:
    suite.write("test_live.py", TWO_TESTS)
    run = suite.run(env=env)
    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run
    errors = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(errors) == 1, run
    pytest.LineMatcher(errors).fnmatch_lines([f"ERROR: {message}"])
    assert "Traceback" not in run.stderr + run.stdout
