"""The run-scoped file cache on its own: keys, locking across real processes, no secrets."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from imednet_live.core.env_vars import CACHE_DIR, RUN_ID
from imednet_live.discovery import cache as discovery_cache

BASE = {
    "run_id": "run-1",
    "base_url": "http://127.0.0.1:1",
    "api_key": "api-secret-1",
    "security_key": "sec-secret-1",
    "study_key": None,
    "form_key": None,
}


@pytest.mark.parametrize(
    "change",
    [
        {"run_id": "run-2"},
        {"base_url": "http://127.0.0.1:2"},
        {"api_key": "api-secret-2"},
        {"security_key": "sec-secret-2"},
        {"study_key": "S"},
        {"form_key": "F"},
    ],
)
def test_every_input_changes_the_key(change):
    assert discovery_cache.cache_key(**BASE) != discovery_cache.cache_key(**{**BASE, **change})


def test_key_is_stable_and_never_contains_a_secret():
    key = discovery_cache.cache_key(**BASE)
    assert key == discovery_cache.cache_key(**BASE)
    assert "secret" not in key


def test_run_id_and_cache_dir_come_from_the_environment(tmp_path):
    assert discovery_cache.run_id({}) is None
    assert discovery_cache.run_id({RUN_ID: "  "}) is None
    assert discovery_cache.run_id({RUN_ID: "r"}) == "r"
    assert discovery_cache.cache_dir({CACHE_DIR: str(tmp_path)}) == tmp_path
    assert discovery_cache.cache_dir({}).name == discovery_cache.DEFAULT_DIR_NAME


def test_second_lookup_reads_the_file_instead_of_computing(tmp_path):
    calls: list[int] = []

    def compute() -> str:
        calls.append(1)
        return '{"v": 1}'

    first = discovery_cache.load_or_compute("k", compute, directory=tmp_path)
    second = discovery_cache.load_or_compute("k", compute, directory=tmp_path)
    assert first == second == '{"v": 1}'
    assert len(calls) == 1
    assert (tmp_path / "k.json").read_text() == '{"v": 1}'


def test_failed_compute_stores_nothing(tmp_path):
    def boom() -> str:
        raise RuntimeError("API down")

    with pytest.raises(RuntimeError):
        discovery_cache.load_or_compute("k", boom, directory=tmp_path)
    assert not (tmp_path / "k.json").exists()
    assert not list(tmp_path.glob("*.tmp"))


WORKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from imednet_live.discovery import cache as discovery_cache

    directory, log = Path(sys.argv[1]), Path(sys.argv[2])

    def compute():
        with log.open("a") as handle:
            handle.write("computed\\n")
        time.sleep(0.3)  # widen the race window: peers must wait on the lock, not recompute
        return "value"

    print(discovery_cache.load_or_compute("shared", compute, directory=directory))
    """
)


def test_concurrent_processes_compute_once(tmp_path: Path):
    log = tmp_path / "log"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(tmp_path / "cache"), str(log)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=60)[0].strip() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0]
    assert outputs == ["value"] * 4
    assert log.read_text().splitlines() == ["computed"]
