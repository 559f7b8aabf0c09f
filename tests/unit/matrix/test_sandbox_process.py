"""The nox sessions' sandbox launcher: ready line as the only synchronisation, clean stop."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import httpx
import pytest

from imednet_live.matrix.sandbox_process import SandboxStartError, launch

IMEDNET_LIVE = Path(sys.executable).with_name("imednet-live")


def test_launch_serves_until_the_block_ends_then_stops(tmp_path: Path) -> None:
    audit = tmp_path / "reports" / "audit.jsonl"
    with launch([str(IMEDNET_LIVE)], audit_path=audit) as sb:
        env = sb.client_env()
        headers = {"x-api-key": env["IMEDNET_API_KEY"], "x-imn-security-key": sb.security_key}
        reply = httpx.get(f"{sb.base_url}/api/v1/edc/studies", headers=headers)
        assert reply.status_code == 200
        assert env["IMEDNET_BASE_URL"] == sb.base_url
        assert env["IMEDNET_LIVE_TARGET_KIND"] == "sandbox"
        assert env["IMEDNET_LIVE_SANDBOX_AUDIT"] == str(audit)
        pid = sb.pid
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # reaped: the process is gone, not a zombie
    assert "/api/v1/edc/studies" in audit.read_text()


def test_a_sandbox_that_refuses_its_options_is_reported_with_its_own_words() -> None:
    with pytest.raises(SandboxStartError) as info, launch([str(IMEDNET_LIVE)], scenario="bogus"):
        pass
    message = str(info.value)
    assert message.startswith("sandbox exited with code 2 before it was ready")
    assert "unknown scenario 'bogus'" in message


def test_a_silent_process_times_out_and_is_killed() -> None:
    silent = [sys.executable, "-c", "import time; print('starting', flush=True); time.sleep(60)"]
    expected = r"did not become ready within 0.5s \(starting\)"
    with pytest.raises(SandboxStartError, match=expected), launch(silent, timeout=0.5):
        pass
