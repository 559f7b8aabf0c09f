"""The ``imednet_sandbox`` pytest plugin (entry point ``pytest11``): a stateful iMednet per test.

    @pytest.mark.imednet_sandbox(scenario="flaky", subjects=40, job_seconds=3600)
    def test_pipeline(imednet_sandbox):
        imednet_sandbox.setenv()                 # IMEDNET_* for code that reads them
        batch = submit(imednet_sandbox.sdk)      # a ready ImednetSDK (when it is installed)
        imednet_sandbox.finish_jobs()            # the test drives the job clock
        assert imednet_sandbox.records(form_key="AE")

Named as pytest-httpserver and pytest-postgresql name theirs: ``imednet_sandbox`` is the fast
path (one server per session, per xdist worker, reset to a fresh study before each test),
``imednet_sandbox_server`` that session server itself, and ``private=True`` on the marker
gives a test a server of its own. ``imednet_sandbox_session`` (0.1's name for the fast path)
still works for one release, with a deprecation warning naming ``imednet_sandbox``.

It costs nothing unless used: this module imports pytest and the standard library only; the
sandbox (FastAPI, uvicorn) is imported when a test first asks for a fixture. It is not the
live suite's charter plugin (``imednet_live.pytest_plugin``), which only ``tests/live`` loads.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Iterator
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from imednet_live.fault_rules import FaultRule
    from imednet_live.sandbox import SandboxHandle, SandboxOptions

MARKER = "imednet_sandbox"
PRIVATE = "private"  # the marker argument for a server of the test's own


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(scenario=, subjects=, latency_ms=, fail=[...], job_seconds=, seed_from=, "
        "private=): "
        "configure the imednet_sandbox fixtures for this test",
    )


class ImednetSandbox:
    """The fixtures' value: one test's view of a running sandbox, and its controls."""

    def __init__(self, handle: SandboxHandle, monkeypatch: pytest.MonkeyPatch) -> None:
        self.handle = handle
        self._monkeypatch = monkeypatch
        self._sdk: Any = None

    def __repr__(self) -> str:
        return f"<ImednetSandbox {self.base_url} scenario={self.scenario}>"

    # ----- where it is --------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return self.handle.base_url

    @property
    def api_key(self) -> str:
        return self.handle.api_key

    @property
    def security_key(self) -> str:
        return self.handle.security_key

    @property
    def scenario(self) -> str:
        return self.handle.scenario

    @property
    def env(self) -> dict[str, str]:
        """IMEDNET_API_KEY, IMEDNET_SECURITY_KEY and IMEDNET_BASE_URL for this sandbox."""
        return self.handle.env

    @property
    def study_keys(self) -> list[str]:
        return self.handle.study_keys

    @property
    def study_key(self) -> str:
        """The first study's key (most scenarios have one study a pipeline works on)."""
        return self.handle.study_keys[0]

    def setenv(self) -> dict[str, str]:
        """Point the ``IMEDNET_*`` environment at the sandbox until the test ends."""
        for name, value in self.env.items():
            self._monkeypatch.setenv(name, value)
        return self.env

    @property
    def sdk(self) -> Any:
        """An ``imednet.ImednetSDK`` for this sandbox, built on first use, closed after the test."""
        if self._sdk is None:
            try:
                imednet: Any = importlib.import_module("imednet")
            except ImportError:
                imednet = None
            if imednet is None:
                pytest.fail(
                    f"{MARKER}.sdk needs the imednet SDK installed (pip install imednet); "
                    "without it use base_url and the keys",
                    pytrace=False,
                )
            self._sdk = imednet.ImednetSDK(**self.handle.sdk_kwargs())
        return self._sdk

    # ----- what happened ------------------------------------------------------------------
    def requests(self) -> list[dict[str, Any]]:
        """The request audit of this test: method, path, query, status, duration_ms."""
        return self.handle.requests()

    def records(
        self,
        form_key: str | None = None,
        subject_key: str | None = None,
        *,
        study_key: str | None = None,
    ) -> list[dict[str, Any]]:
        """Records as stored now (seeded and written), narrowed by form and subject."""
        return self.handle.records(form_key, subject_key, study_key=study_key)

    def jobs(self, state: str | None = None) -> list[dict[str, Any]]:
        """Every job and its true state (``created``, ``PROCESSING``, ``COMPLETED``, ``FAILED``)."""
        return self.handle.jobs(state)

    # ----- control ------------------------------------------------------------------------
    def finish_jobs(self) -> list[str]:
        """Complete every pending job now; their batchIds."""
        return self.handle.finish_jobs()

    def fail_jobs(self, reason: str = "Job failed by the test.") -> list[str]:
        """Fail every pending job now with ``reason``; their batchIds."""
        return self.handle.fail_jobs(reason)

    def add_fault(self, rule: str | FaultRule) -> FaultRule:
        """Answer matching requests with an error from now on: ``'POST /api/**=500'``."""
        return self.handle.add_fault(rule)

    def close(self) -> None:
        close = getattr(self._sdk, "close", None)
        self._sdk = None
        if callable(close):
            close()


def _options(request: pytest.FixtureRequest) -> SandboxOptions:
    """This test's marker as SandboxOptions; a bad argument fails the set-up in one line."""
    from imednet_live.sandbox.marker import MarkerError, options_from_marker

    marker = request.node.get_closest_marker(MARKER)
    args, kwargs = (marker.args, marker.kwargs) if marker is not None else ((), {})
    try:
        return options_from_marker(args, kwargs, base_dir=request.path.parent)
    except MarkerError as exc:
        problem = str(exc)
    pytest.fail(problem, pytrace=False)  # outside the except: no chained traceback


def _one_line(exc: Exception) -> str:
    from imednet_live.sandbox import SandboxConfigError
    from imednet_live.sandbox.marker import marker_message

    if isinstance(exc, SandboxConfigError):
        return marker_message(exc)
    return f"{MARKER}: {exc}"


def _private_server(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker(MARKER)
    return bool(marker is not None and marker.kwargs.get(PRIVATE) is True)


@pytest.fixture
def imednet_sandbox(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ImednetSandbox]:
    """This test's sandbox, configured by ``@pytest.mark.imednet_sandbox``: the session's
    server reset to a fresh study (the fast path), or with ``private=True`` a server of its
    own for this test alone."""
    if _private_server(request):
        yield from _own_server(request, monkeypatch)
        return
    server: SandboxHandle = request.getfixturevalue("imednet_sandbox_server")
    yield from _reset_server(request, monkeypatch, server)


def _own_server(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ImednetSandbox]:
    from imednet_live.sandbox import SandboxConfigError, SandboxStartError, serving

    options = _options(request)
    with ExitStack() as stack:
        try:
            handle = stack.enter_context(serving(options))
        except (SandboxConfigError, SandboxStartError) as exc:
            problem = _one_line(exc)
        else:
            problem = ""
        if problem:
            pytest.fail(problem, pytrace=False)
        view = ImednetSandbox(handle, monkeypatch)
        stack.callback(view.close)
        yield view


def _reset_server(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, server: SandboxHandle
) -> Iterator[ImednetSandbox]:
    from imednet_live.sandbox import SandboxConfigError

    options = _options(request)
    try:
        server.reset(options)
    except SandboxConfigError as exc:
        problem = _one_line(exc)
    else:
        problem = ""
    if problem:
        pytest.fail(problem, pytrace=False)
    view = ImednetSandbox(server, monkeypatch)
    try:
        yield view
    finally:
        view.close()


@pytest.fixture(scope="session")
def imednet_sandbox_server() -> Iterator[SandboxHandle]:
    """One sandbox server for the session (per xdist worker); tests reset it to their marker."""
    from imednet_live.sandbox import SandboxConfigError, SandboxStartError, running

    with ExitStack() as stack:
        try:
            handle = stack.enter_context(running())
        except (SandboxConfigError, SandboxStartError) as exc:
            problem = _one_line(exc)
        else:
            problem = ""
        if problem:
            pytest.fail(problem, pytrace=False)
        yield handle


# -- deprecated names (kept for one release: 0.1 named the fast path the long way) -----------


class ImednetSandboxDeprecationWarning(DeprecationWarning):
    """A fixture name that goes away in the next release; the message names its successor."""


def _deprecated(old: str, new: str) -> None:
    warnings.warn(
        ImednetSandboxDeprecationWarning(
            f"fixture {old} is deprecated and goes away in the next release: use {new}"
        ),
        stacklevel=3,
    )


@pytest.fixture
def imednet_sandbox_session(
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    imednet_sandbox_server: SandboxHandle,
) -> Iterator[ImednetSandbox]:
    """Deprecated: ``imednet_sandbox`` (the same shared server, reset before each test)."""
    _deprecated("imednet_sandbox_session", "imednet_sandbox")
    yield from _reset_server(request, monkeypatch, imednet_sandbox_server)
