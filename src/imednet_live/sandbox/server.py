"""Serving the sandbox with uvicorn on a socket we bind ourselves (loopback only).

Binding first means the port is known (``--port 0``) and connections queue in the kernel
before the server loop starts, so nobody has to poll for readiness.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import uvicorn

from imednet_live.sandbox.app import create_app
from imednet_live.sandbox.audit import AuditLog
from imednet_live.sandbox.backend import Backend
from imednet_live.sandbox.dependencies import SandboxState
from imednet_live.sandbox.fault_rules import FaultRule
from imednet_live.sandbox.faults import FaultInjector
from imednet_live.sandbox.options import (
    SandboxConfigError,
    SandboxOptions,
    SandboxStartError,
)
from imednet_live.sandbox.scenarios import Scenario, build_studies
from imednet_live.sandbox.seed import StudyData


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind_loopback(host: str, port: int) -> socket.socket:
    """A listening TCP socket on a loopback address (port 0: the OS picks a free one)."""
    if not is_loopback(host):
        raise SandboxConfigError(
            f"--host must be a loopback address (127.0.0.1, ::1 or localhost), got {host!r}"
        )
    if not 0 <= port <= 65535:
        raise SandboxConfigError(f"--port must be between 0 and 65535, got {port}")
    address = "127.0.0.1" if host == "localhost" else host
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Inherited by accepted sockets: without it, uvicorn's separate header and body writes
    # meet Nagle + delayed ACK and every response stalls a delayed-ACK timeout (bench_sandbox).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((address, port))
    except OSError as exc:
        sock.close()
        raise SandboxConfigError(
            f"--port: cannot listen on {address}:{port}: {exc.strerror}"
        ) from None
    sock.listen(2048)
    return sock


def url_for(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _recorded(seed_from: str | Path | None) -> list[StudyData] | None:
    if seed_from is None:
        return None
    from imednet_live.recording.layout import RecordingError
    from imednet_live.sandbox.recorded_seed import studies_from_recording

    try:
        return studies_from_recording(Path(seed_from))
    except RecordingError as exc:
        raise SandboxConfigError(f"--seed-from: {exc}") from None


class _Server(uvicorn.Server):
    """uvicorn.Server that reports readiness and leaves signal handling to us.

    uvicorn re-raises a captured SIGTERM after shutdown, which would end the process with
    -15; we want a clean exit 0, so signals are handled by SandboxServer instead.
    """

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if not self.should_exit:
            self._on_ready()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def build_state(options: SandboxOptions, scenario: Scenario) -> SandboxState:
    """A fresh study and everything the views read for one configuration (no HTTP here)."""
    backend = Backend(
        build_studies(scenario, options.subjects, _recorded(options.seed_from)),
        job_outcome=scenario.job_outcome,
        finish_after=options.job_seconds,
        state_spelling=scenario.state_spelling,
        seed_jobs=scenario.seed_jobs,
        job_extras=scenario.job_extras,
    )
    return SandboxState(
        backend=backend,
        api_key=options.api_key,
        security_key=options.security_key,
        latency_ms=options.latency_ms,
        faults=FaultInjector() if scenario.flaky else None,
        fault_rules=(*options.fault_rules, *scenario.fault_rules),
        post_answer=scenario.post_answer,
    )


class SandboxServer:
    """One sandbox: backend + app + uvicorn on a bound loopback socket."""

    def __init__(self, options: SandboxOptions) -> None:
        scenario = options.validate()
        self.options = options
        self.scenario = scenario.name
        state = build_state(options, scenario)
        try:
            self.audit = AuditLog(options.audit_path)
        except OSError as exc:
            raise SandboxConfigError(
                f"--audit: cannot open {options.audit_path}: {exc.strerror}"
            ) from None
        self.app = create_app(state, audit=self.audit)
        try:
            self.socket = bind_loopback(options.host, options.port)
        except SandboxConfigError:
            self.audit.close()
            raise
        self.base_url = url_for(self.socket)
        self.ready = threading.Event()
        config = uvicorn.Config(
            self.app,
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="off",
            ws="none",
            timeout_graceful_shutdown=2,
        )
        self._server = _Server(config, on_ready=self.ready.set)
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None

    @property
    def state(self) -> SandboxState:
        state: SandboxState = self.app.state.sandbox
        return state

    @property
    def backend(self) -> Backend:
        return self.state.backend

    def reset(self, options: SandboxOptions | None = None) -> None:
        """Serve a fresh study (same socket, same keys), with the audit emptied.

        ``options`` may change everything but where the server listens and its keys; the
        new state is built completely before it replaces the old, so a bad option leaves
        the running sandbox as it was.
        """
        options = options or self.options
        fixed = ("host", "port", "api_key", "security_key", "audit_path")
        changed = [n for n in fixed if getattr(options, n) != getattr(self.options, n)]
        if changed:
            raise SandboxConfigError(f"cannot change {', '.join(changed)} of a running sandbox")
        scenario = options.validate()
        state = build_state(options, scenario)
        self.app.state.sandbox = state
        self.options, self.scenario = options, scenario.name
        self.audit.clear()

    def add_fault_rule(self, rule: FaultRule) -> None:
        """Fail matching requests from now on; checked before every earlier rule."""
        state = self.state
        state.fault_rules = (rule, *state.fault_rules)

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # reported by start_in_thread, one line
            self._failure = exc

    async def _serve(self) -> None:
        await self._server.serve(sockets=[self.socket])

    def start_in_thread(self, timeout: float = 10.0) -> None:
        """Serve from a daemon thread; returns once the server accepts requests.

        A thread that dies before it is ready ends the wait at once: one line, never a hang.
        """
        self._thread = threading.Thread(target=self._run, name="imednet-sandbox", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.ready.wait(0.01):
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                why = (
                    f"{type(self._failure).__name__}: {self._failure}"
                    if self._failure is not None
                    else f"not ready after {timeout:g} s"
                )
                raise SandboxStartError(
                    f"the sandbox server on {self.base_url} did not start ({why})"
                )

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.socket.close()
        self.audit.close()

    def serve_forever(self, on_ready: Callable[[str], None]) -> None:
        """Serve in this (main) thread until SIGINT/SIGTERM, then shut down cleanly."""

        def handle_exit(_sig: int, _frame: object) -> None:
            self._server.should_exit = True

        def mark_ready() -> None:
            self.ready.set()
            on_ready(self.base_url)

        previous = {s: signal.signal(s, handle_exit) for s in (signal.SIGINT, signal.SIGTERM)}
        self._server._on_ready = mark_ready
        try:
            asyncio.run(self._serve())
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            self.socket.close()
            self.audit.close()
