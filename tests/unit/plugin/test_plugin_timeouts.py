"""Every live test has a time limit (pytest-timeout, signal method): a hang fails that test
alone with the charter's kind of message, naming the request in flight and its target."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from plugin_support import LiveSuite, enabled_env

HANGS = """
    import os
    import threading
    import httpx
    import pytest

    @pytest.mark.resource("studies")
    def test_waits_on_the_api():
        httpx.get(os.environ["IMEDNET_BASE_URL"] + "/api/v1/edc/studies", timeout=120)

    @pytest.mark.resource("sites")
    def test_hangs_between_requests():
        threading.Event().wait()

    @pytest.mark.resource("forms")
    def test_after_them_runs_as_usual():
        pass
"""


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback socket that takes connections and never answers: a hung API."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def test_a_hung_request_fails_its_test_naming_the_request_and_the_run_goes_on(
    suite: LiveSuite, silent_server: str
) -> None:
    suite.write("test_live.py", HANGS)
    env = enabled_env(silent_server, GITHUB_ACTIONS="true", GITHUB_WORKSPACE=str(suite.root))
    run = suite.run("--timeout=1", "-p", "no:randomly", env=env)
    assert run.returncode == 1, run
    run.lines.fnmatch_lines(
        [
            "FAILED test_live.py::test_waits_on_the_api - timeout: no answer to GET "
            f"/api/v1/edc/studies on {silent_server} within the test's 1 s limit",
            "FAILED test_live.py::test_hangs_between_requests - timeout: the test ran over its "
            "1 s limit with no API request in flight *",
        ]
    )
    waited = run.test("test_waits_on_the_api")
    assert waited["failure_kind"] == "timeout"
    assert waited["message"].startswith("timeout: no answer to GET /api/v1/edc/studies on ")
    assert run.test("test_hangs_between_requests")["failure_kind"] == "timeout"
    assert run.test("test_after_them_runs_as_usual")["outcome"] == "passed"
    run.lines.fnmatch_lines(["*- imednet timeout -*", "limit: 1 s (timeout in tests/live*"])
    source = (suite.root / "test_live.py").read_text().splitlines()
    call = next(n for n, text in enumerate(source, 1) if "httpx.get(" in text)
    annotations = [ln for ln in run.stdout.splitlines() if ln.startswith("::error ")]
    assert (
        f"::error file=test_live.py,line={call},title=test_live.py%3A%3Atest_waits_on_the_api"
        "::timeout: no answer to GET /api/v1/edc/studies on "
    ) in "\n".join(annotations)  # at the call that hung
