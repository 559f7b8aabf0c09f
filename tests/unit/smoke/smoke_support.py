"""Run the smoke script as a real subprocess, the way CI runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from imednet_live.core.env_vars import API_KEY, BASE_URL, SECURITY_KEY
from imednet_live.sandbox import SandboxHandle

REPO_ROOT = Path(__file__).resolve().parents[3]
SCRIPT = REPO_ROOT / "scripts" / "post_smoke_record.py"
RECORDS_POST = ("POST", "records")


@dataclass
class SmokeResult:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def lines(self, kind: str) -> list[str]:
        prefix = f"::{kind}::"
        return [line[len(prefix) :] for line in self.stdout.splitlines() if line.startswith(prefix)]


def clean_env(**values: str) -> dict[str, str]:
    """The parent's environment without any IMEDNET variable, plus ``values``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMEDNET")}
    env.update(values)
    return env


def sandbox_env(sb: SandboxHandle, **overrides: str) -> dict[str, str]:
    values = {API_KEY: sb.api_key, SECURITY_KEY: sb.security_key, BASE_URL: sb.base_url}
    values.update(overrides)
    return clean_env(**values)


def run_smoke(env: dict[str, str], *args: str, timeout: float = 120) -> SmokeResult:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return SmokeResult(proc.returncode, proc.stdout, proc.stderr)


def edc_calls(sb: SandboxHandle) -> list[tuple[str, str]]:
    """(method, resource) per EDC request in the sandbox audit."""
    calls = []
    for entry in sb.requests():
        parts = entry["path"].split("/")
        # /api/v1/edc/studies[/S/resource[/id]]
        if parts[1:5] != ["api", "v1", "edc", "studies"]:
            continue
        calls.append((entry["method"], parts[6] if len(parts) > 6 else "studies"))
    return calls


def job_batch_ids(sb: SandboxHandle) -> set[str]:
    return {
        entry["path"].rsplit("/", 1)[-1]
        for entry in sb.requests()
        if entry["method"] == "GET" and "/jobs/" in entry["path"]
    }
