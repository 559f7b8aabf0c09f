"""A run-scoped JSON file cache so discovery costs the same API calls for any worker count.

pytest-xdist workers and the nox sessions of one run share IMEDNET_LIVE_RUN_ID; the
first process to take the lock computes, the others read its file. A sandbox target is
keyed by what it serves (IMEDNET_LIVE_SANDBOX_IDENTITY: scenario and data options), not by
its URL, so the sessions of a run, each with a fresh sandbox of its own, share one
discovery; a live target or a replay by its URL. Keys are hashes, values are identifiers
only: no secret is ever written here.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from imednet_live.atomic_files import write_text_atomic
from imednet_live.config import CACHE_DIR, RUN_ID, SANDBOX_IDENTITY, TARGET_KIND, read_var

DEFAULT_DIR_NAME = "imednet-live-discovery"
LOCK_TIMEOUT_S = 300.0  # a peer holding the lock is making at most a handful of list calls


def run_id(env: Mapping[str, str] | None = None) -> str | None:
    """The run this process belongs to, or None when nothing should be shared."""
    return read_var(os.environ if env is None else env, RUN_ID)


def sandbox_identity(env: Mapping[str, str] | None = None) -> str | None:
    """What this process's sandbox serves, when the target is a sandbox the harness started."""
    env = os.environ if env is None else env
    if read_var(env, TARGET_KIND) != "sandbox":
        return None
    return read_var(env, SANDBOX_IDENTITY)


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    configured = read_var(os.environ if env is None else env, CACHE_DIR)
    return Path(configured) if configured else Path(tempfile.gettempdir()) / DEFAULT_DIR_NAME


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def cache_key(
    *,
    run_id: str,
    base_url: str,
    api_key: str,
    security_key: str,
    study_key: str | None,
    form_key: str | None,
    sandbox: str | None = None,
    sdk_build: str | None = None,
) -> str:
    """One entry per run, target, identity, override set and SDK build; keys hashed first.

    ``sandbox`` (a sandbox's identity) stands for the target instead of ``base_url``:
    two fresh sandboxes of one scenario and seed data serve the same study.
    """
    target = f"sandbox:{sandbox}" if sandbox else base_url
    parts = [run_id, target, _digest(api_key), _digest(security_key), study_key, form_key]
    parts.append(sdk_build)
    return _digest(json.dumps(parts))


def load_or_compute(key: str, compute: Callable[[], str], *, directory: Path | None = None) -> str:
    """Return the cached text for ``key``, computing and storing it under a lock if absent.

    A failing ``compute`` stores nothing, so the next process tries (and fails) for itself.
    """
    directory = cache_dir() if directory is None else directory
    directory.mkdir(parents=True, exist_ok=True)
    entry = directory / f"{key}.json"
    from filelock import FileLock  # imported by the first discovery, not at collection

    with FileLock(str(entry) + ".lock", timeout=LOCK_TIMEOUT_S):
        if entry.exists():
            return entry.read_text(encoding="utf-8")
        text = compute()
        write_text_atomic(entry, text)
        return text
