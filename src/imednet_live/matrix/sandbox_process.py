"""Run ``imednet-live sandbox serve`` as a child process and wait for its ready line.

Pure standard library so the noxfile (which runs outside the session venvs) can use it.
The sandbox prints ``sandbox ready: URL`` only once it accepts connections, so reading
that line is the synchronisation: no polling, no sleeps.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from imednet_live.core.env_vars import (
    API_KEY,
    BASE_URL,
    SANDBOX_AUDIT,
    SANDBOX_IDENTITY,
    SECURITY_KEY,
    TARGET_KIND,
)
from imednet_live.matrix.sandbox_identity import sandbox_identity
from imednet_live.sandbox.options import (
    DEFAULT_API_KEY,
    DEFAULT_SECURITY_KEY,
    SandboxOptions,
    SandboxStartError,
)

READY_PREFIX = "sandbox ready: "


@dataclass(frozen=True)
class SandboxProcess:
    base_url: str
    pid: int
    api_key: str = DEFAULT_API_KEY
    security_key: str = DEFAULT_SECURITY_KEY
    audit_path: Path | None = None
    identity: str | None = None  # what it serves (sandbox_identity.py), for shared discovery

    def client_env(self) -> dict[str, str]:
        """Environment that points the SDK, the CLI and the live suite at this sandbox."""
        env = {
            API_KEY: self.api_key,
            SECURITY_KEY: self.security_key,
            BASE_URL: self.base_url,
            TARGET_KIND: "sandbox",
        }
        if self.audit_path is not None:
            env[SANDBOX_AUDIT] = str(self.audit_path)
        if self.identity is not None:
            env[SANDBOX_IDENTITY] = self.identity
        return env


def _read_ready_line(proc: subprocess.Popen[str], timeout: float) -> str:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    exited: int | None = None
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        while (remaining := deadline - time.monotonic()) > 0:
            if not sel.select(remaining):
                break
            line = proc.stdout.readline()
            if not line:  # EOF: the process is exiting
                exited = proc.wait()
                break
            if line.startswith(READY_PREFIX):
                return line[len(READY_PREFIX) :].strip()
            seen.append(line.strip())
    if exited is None:
        proc.kill()
        proc.wait()
    detail = "; ".join(s for s in seen if s)[-300:] or "no output"
    if exited is not None:
        raise SandboxStartError(f"sandbox exited with code {exited} before it was ready ({detail})")
    raise SandboxStartError(f"sandbox did not become ready within {timeout:g}s ({detail})")


@contextmanager
def launch(
    command: Sequence[str],
    options: SandboxOptions | None = None,
    *,
    scenario: str = "default",
    audit_path: Path | None = None,
    extra_args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    timeout: float = 60.0,
) -> Iterator[SandboxProcess]:
    """Start the sandbox (``command``: the ``imednet-live`` executable), yield, SIGTERM it.

    ``options`` (one SandboxOptions, as every other way to start a sandbox takes), else a
    ``scenario`` and ``extra_args`` as ``sandbox serve`` reads them.
    """
    port = "0"
    if options is not None:  # --scenario S --port P, then the rest
        _, scenario, _, port, *extra_args = options.cli_args()
    args = [*command, "sandbox", "serve", "--port", port, "--scenario", scenario, *extra_args]
    if audit_path is not None:
        audit_path.parent.mkdir(parents=True, exist_ok=True)
        args += ["--audit", str(audit_path)]
    proc = subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **(env or {})},
    )
    try:
        base_url = _read_ready_line(proc, timeout)
        identity = sandbox_identity(scenario, extra_args)
        yield SandboxProcess(
            base_url=base_url, pid=proc.pid, audit_path=audit_path, identity=identity
        )
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
