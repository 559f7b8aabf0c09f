"""Charter 6 failure rows and charter 7 failure messages, against a real sandbox."""

from __future__ import annotations

import socket

from plugin_support import LiveSuite, enabled_env

from imednet_live import sandbox

SDK_TESTS = """
    import pytest
    from imednet import ImednetSDK
    from imednet_live.core.settings import Settings

    @pytest.mark.resource("sites")
    def test_unknown_study():
        with ImednetSDK(**Settings.from_env().sdk_kwargs()) as sdk:
            sdk.sites.list("NO-SUCH-STUDY")

    @pytest.mark.resource("studies")
    def test_wrong_keys():
        s = Settings.from_env()
        with ImednetSDK(api_key="wrong", security_key="wrong", base_url=s.base_url) as sdk:
            sdk.studies.list()
"""


def test_api_errors_fail_with_status_request_and_body(
    suite: LiveSuite, canary_sandbox: sandbox.SandboxHandle
) -> None:
    suite.write("test_live.py", SDK_TESTS)
    env = enabled_env(
        canary_sandbox.base_url,
        IMEDNET_API_KEY=canary_sandbox.api_key,
        IMEDNET_SECURITY_KEY=canary_sandbox.security_key,
    )
    run = suite.run("--junitxml", str(suite.report_dir / "junit.xml"), env=env)
    assert run.returncode == 1, run
    run.lines.fnmatch_lines(
        [
            "*- imednet api-error -*",
            "ForbiddenError: HTTP 403",
            "request: GET /api/v1/edc/studies/NO-SUCH-STUDY/sites on http://127.0.0.1:*",
            "response body:",
            '{"metadata":{"status":"FORBIDDEN",*',
        ]
    )
    run.lines.fnmatch_lines(
        [
            "FAILED test_live.py::test_unknown_study - ForbiddenError: HTTP 403 GET "
            '/api/v1/edc/studies/NO-SUCH-STUDY/sites: {"metadata":*',
            "FAILED test_live.py::test_wrong_keys - UnauthorizedError: HTTP 401 GET "
            '/api/v1/edc/studies: {"metadata":{"status":"UNAUTHORIZED"*',
        ]
    )
    forbidden = run.test("test_unknown_study")
    assert forbidden["failure_kind"] == "api-error"
    assert forbidden["message"].startswith(
        "ForbiddenError: HTTP 403 GET /api/v1/edc/studies/NO-SUCH-STUDY/sites: "
    )
    assert "FORBIDDEN" in forbidden["message"]
    junit = (suite.report_dir / "junit.xml").read_text(encoding="utf-8")
    assert 'message="UnauthorizedError: HTTP 401 GET /api/v1/edc/studies:' in junit


def _closed_port() -> int:
    """A port nothing listens on: bind, read the number, close."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_network_error_fails_naming_the_base_url(suite: LiveSuite) -> None:
    suite.write(
        "test_live.py",
        """
        import pytest
        from imednet import ImednetSDK
        from imednet_live.core.settings import Settings

        @pytest.mark.resource("studies")
        def test_studies():
            with ImednetSDK(**Settings.from_env().sdk_kwargs()) as sdk:
                sdk.studies.list()
        """,
    )
    base_url = f"http://127.0.0.1:{_closed_port()}"
    run = suite.run(env=enabled_env(base_url))
    assert run.returncode == 1, run
    run.lines.fnmatch_lines(
        [
            f"FAILED test_live.py::test_studies - network error: cannot reach {base_url} "
            "(ConnectError: *",
        ]
    )
    entry = run.test("test_studies")
    assert entry["failure_kind"] == "network-error"
    assert base_url in entry["message"]


def test_assertion_failure_shows_the_actual_value(suite: LiveSuite) -> None:
    suite.write(
        "test_live.py",
        """
        import pytest

        @pytest.mark.resource("subjects")
        def test_statuses():
            statuses = ["Enrolled", "Screened"]
            assert "Active" in statuses
        """,
    )
    run = suite.run(env=enabled_env())
    assert run.returncode == 1, run
    run.lines.fnmatch_lines(
        [
            '>       assert "Active" in statuses',
            "E       AssertionError: assert 'Active' in ['Enrolled', 'Screened']",
        ]
    )
    entry = run.test("test_statuses")
    assert entry["failure_kind"] == "assertion"
    assert "['Enrolled', 'Screened']" in entry["message"]
