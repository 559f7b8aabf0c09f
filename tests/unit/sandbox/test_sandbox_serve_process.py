"""``imednet-live sandbox serve`` as a real process: ready line, signals, audit, bad options."""

from __future__ import annotations

import json
import select
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

READY_PREFIX = "sandbox ready: "
API_KEY, SECURITY_KEY = "proc-api-key-123", "proc-security-key-456"


def command(*args: str) -> list[str]:
    script = Path(sys.executable).with_name("imednet-live")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "imednet_live.cli"]
    return [*base, "sandbox", "serve", *args]


def read_ready_line(proc: subprocess.Popen[str], timeout: float = 30) -> str:
    assert proc.stdout is not None
    readable, _, _ = select.select([proc.stdout], [], [], timeout)
    assert readable, "no ready line"
    return proc.stdout.readline()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str, Path]]:
    audit = tmp_path / "audit.jsonl"
    proc = subprocess.Popen(
        command(
            "--port",
            "0",
            "--audit",
            str(audit),
            "--api-key",
            API_KEY,
            "--security-key",
            SECURITY_KEY,
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = read_ready_line(proc)
        assert line.startswith(READY_PREFIX), line
        yield proc, line[len(READY_PREFIX) :].strip(), audit
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serves_until_signal_then_exits_0_with_complete_audit(
    serve: tuple[subprocess.Popen[str], str, Path], sig: signal.Signals
) -> None:
    proc, url, audit = serve
    assert url.startswith("http://127.0.0.1:")
    headers = {"x-api-key": API_KEY, "x-imn-security-key": SECURITY_KEY}
    with httpx.Client(base_url=url, headers=headers) as client:
        assert client.get("/api/v1/edc/studies").status_code == 200
        assert (
            client.get("/api/v1/edc/studies/PHARMADEMO/sites", params={"size": 2}).status_code
            == 200
        )
        assert client.get("/api/v1/edc/studies/NOPE/sites").status_code == 403
        assert client.get("/_sandbox/requests").json()[-1]["status"] == 403  # not itself audited
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=15)
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    lines = [json.loads(line) for line in audit.read_text().splitlines()]
    assert [(e["method"], e["path"], e["status"]) for e in lines] == [
        ("GET", "/api/v1/edc/studies", 200),
        ("GET", "/api/v1/edc/studies/PHARMADEMO/sites", 200),
        ("GET", "/api/v1/edc/studies/NOPE/sites", 403),
    ]
    assert lines[1]["query"] == "size=2"
    assert all(isinstance(e["duration_ms"], float) and e["timestamp"] for e in lines)
    everything = stdout + stderr + audit.read_text()
    assert API_KEY not in everything
    assert SECURITY_KEY not in everything


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--port", "0", "--host", "0.0.0.0"], "--host"),
        (["--port", "0", "--host", "example.org"], "--host"),
        (["--port", "0", "--scenario", "nope"], "--scenario"),
        (["--port", "0", "--latency-ms", "-1"], "--latency-ms"),
        (["--port", "0", "--latency-ms", "fast"], "--latency-ms"),
        (["--port", "0", "--subjects", "-3"], "--subjects"),
        (["--port", "70000"], "--port"),
        (["--port", "0", "--api-key", " "], "--api-key"),
        (["--port", "0", "--audit", "/no/such/dir/audit.jsonl"], "--audit"),
        ([], "--port"),
    ],
)
def test_bad_options_one_line_exit_2(args: list[str], option: str) -> None:
    result = subprocess.run(command(*args), capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert option in lines[0]
    assert "Traceback" not in result.stderr


def test_ipv6_loopback_is_accepted_or_cleanly_refused() -> None:
    proc = subprocess.Popen(
        command("--port", "0", "--host", "::1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        readable, _, _ = select.select([proc.stdout], [], [], 30)
        if proc.poll() is not None:  # no IPv6 on this machine: must still be one clean line
            assert proc.returncode == 2
            return
        assert readable
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith("sandbox ready: http://[::1]:")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
