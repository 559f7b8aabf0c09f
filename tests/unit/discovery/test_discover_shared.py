"""Cross-process sharing: one set of discovery calls per run, whatever the process count."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from discovery_support import Audit, sdk_for, settings_for

from imednet_live.core.env_vars import API_KEY, BASE_URL, CACHE_DIR, RUN_ID, SECURITY_KEY
from imednet_live.discovery.rules import discover

WORKER = textwrap.dedent(
    """
    from imednet import ImednetSDK
    from imednet_live.core.settings import Settings
    from imednet_live.discovery.rules import discover

    settings = Settings.from_env()
    with ImednetSDK(**settings.sdk_kwargs()) as sdk:
        found = discover(sdk, settings)
    print(found.study(), found.form().form_key, found.site(for_write=True).site_name)
    """
)


def _env(sb, cache_dir: Path, run_id: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMEDNET")}
    env.update(
        {
            API_KEY: sb.api_key,
            SECURITY_KEY: sb.security_key,
            BASE_URL: sb.base_url,
            RUN_ID: run_id,
            CACHE_DIR: str(cache_dir),
        }
    )
    return env


def _run_workers(sb, cache_dir: Path, run_id: str, count: int) -> list[str]:
    env = _env(sb, cache_dir, run_id)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    for proc, (_, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
    return [out.strip() for out, _ in results]


def test_four_processes_of_one_run_make_one_set_of_calls(default_sb, tmp_path):
    audit = Audit(default_sb)
    audit.mark()
    outputs = _run_workers(default_sb, tmp_path, "run-A", 4)
    assert len(set(outputs)) == 1  # every worker sees the same discovery
    calls = audit.since_mark()
    for resource in ("studies", "forms", "variables", "sites", "subjects", "intervals"):
        assert calls.count(("GET", resource)) == 1, calls
    assert len(calls) == 6


def test_same_run_reads_the_cache_and_a_new_run_id_discovers_again(
    default_sb, tmp_path, monkeypatch
):
    monkeypatch.setenv(CACHE_DIR, str(tmp_path))
    monkeypatch.setenv(RUN_ID, "run-B")
    with sdk_for(default_sb) as sdk:
        first = discover(sdk, settings_for(default_sb))
    audit = Audit(default_sb)
    audit.mark()
    with sdk_for(default_sb) as sdk:  # a fresh SDK: nothing cached inside the client
        assert discover(sdk, settings_for(default_sb)) == first
    assert audit.since_mark() == []
    monkeypatch.setenv(RUN_ID, "run-C")
    with sdk_for(default_sb) as sdk:
        assert discover(sdk, settings_for(default_sb)) == first
    assert len(audit.since_mark()) == 6


def test_cache_file_holds_identifiers_but_no_secret(default_sb, tmp_path, monkeypatch):
    monkeypatch.setenv(RUN_ID, "run-D")
    monkeypatch.setenv(CACHE_DIR, str(tmp_path))
    with sdk_for(default_sb) as sdk:
        found = discover(sdk, settings_for(default_sb))
    [entry] = tmp_path.glob("*.json")
    text = entry.read_text()
    assert found.study() in text
    assert default_sb.api_key not in text
    assert default_sb.security_key not in text
    assert default_sb.api_key not in entry.name


def test_without_run_id_nothing_is_shared(default_sb, tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_DIR, str(tmp_path))
    audit = Audit(default_sb)
    audit.mark()
    with sdk_for(default_sb) as sdk:
        discover(sdk, settings_for(default_sb))
        discover(sdk, settings_for(default_sb))
    assert not list(tmp_path.iterdir())
    assert audit.since_mark().count(("GET", "sites")) == 2


def test_use_cache_false_always_asks_the_api(default_sb, tmp_path, monkeypatch):
    monkeypatch.setenv(RUN_ID, "run-E")
    monkeypatch.setenv(CACHE_DIR, str(tmp_path))
    with sdk_for(default_sb) as sdk:
        discover(sdk, settings_for(default_sb))
        audit = Audit(default_sb)
        audit.mark()
        discover(sdk, settings_for(default_sb), use_cache=False)
    assert audit.since_mark().count(("GET", "sites")) == 1
