"""mock_imednet: a sandbox for a block, with the IMEDNET_* environment pointing at it."""

from __future__ import annotations

import os

import httpx
import pytest

from imednet_live import mock_imednet
from imednet_live.sandbox import SandboxStartError
from imednet_live.sandbox.options import SandboxOptions
from imednet_live.sandbox.server import SandboxServer, _Server

pytestmark = pytest.mark.sandbox

NAMES = ("IMEDNET_API_KEY", "IMEDNET_SECURITY_KEY", "IMEDNET_BASE_URL")


def studies_from_env() -> int:
    """What code that builds its own client from the environment would do."""
    headers = {
        "x-api-key": os.environ["IMEDNET_API_KEY"],
        "x-imn-security-key": os.environ["IMEDNET_SECURITY_KEY"],
    }
    url = os.environ["IMEDNET_BASE_URL"] + "/api/v1/edc/studies"
    answer = httpx.get(url, headers=headers, timeout=30)
    answer.raise_for_status()
    return len(answer.json()["data"])


def test_context_manager_sets_then_restores_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("IMEDNET_API_KEY", "the-caller-s-own")
    monkeypatch.delenv("IMEDNET_BASE_URL", raising=False)
    with mock_imednet(scenario="empty") as sb:
        assert {n: os.environ[n] for n in NAMES} == sb.env
        assert studies_from_env() == 0  # the empty scenario: no studies
        assert sb.requests()[0]["path"] == "/api/v1/edc/studies"
    assert os.environ["IMEDNET_API_KEY"] == "the-caller-s-own"
    assert "IMEDNET_BASE_URL" not in os.environ
    with pytest.raises(httpx.ConnectError):  # the sandbox is gone
        httpx.get(sb.base_url + "/api/v1/edc/studies", timeout=5)


def test_restores_the_environment_when_the_block_raises(monkeypatch) -> None:
    monkeypatch.delenv("IMEDNET_BASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="boom"), mock_imednet():
        raise RuntimeError("boom")
    assert "IMEDNET_BASE_URL" not in os.environ


@mock_imednet
def test_bare_decorator() -> None:
    assert studies_from_env() == 2


URLS: list[str] = []


@mock_imednet(scenario="empty")
class TestClassDecorator:
    def test_one(self) -> None:
        URLS.append(os.environ["IMEDNET_BASE_URL"])
        assert studies_from_env() == 0

    def test_two(self) -> None:
        URLS.append(os.environ["IMEDNET_BASE_URL"])
        assert studies_from_env() == 0

    def helper_is_left_alone(self) -> bool:
        return "IMEDNET_BASE_URL" in os.environ


def test_each_decorated_call_gets_its_own_sandbox_and_helpers_none() -> None:
    if len(URLS) == 2:  # both ran in this process (not split by xdist)
        assert URLS[0] != URLS[1]
    os.environ.pop("IMEDNET_BASE_URL", None)
    assert TestClassDecorator().helper_is_left_alone() is False


def test_a_server_thread_that_dies_is_one_line_not_a_hang(monkeypatch) -> None:
    async def broken(self: _Server, sockets: object = None) -> None:
        raise OSError("no event loop for you")

    monkeypatch.setattr(_Server, "serve", broken)
    server = SandboxServer(SandboxOptions())
    with pytest.raises(SandboxStartError) as caught:
        server.start_in_thread(timeout=600)  # the dead thread ends the wait, not the timeout
    message = str(caught.value)
    assert "\n" not in message
    assert message.endswith("did not start (OSError: no event loop for you)")
