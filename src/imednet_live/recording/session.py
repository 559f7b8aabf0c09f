"""Recording or replay for one process, switched on from the environment the harness set.

Every process that talks to the API calls ``start()`` once: the smoke script and each
pytest process (controller and xdist workers). Recording writes one cassette per
process; replay loads the whole recording in every process, the session's own
cassettes first, because the run's discovery may have been recorded by another
session (it is computed once per run and shared through the discovery cache).
Write tags are the one value a test invents: they are recorded per test and handed
back to the same test on replay, so its requests are the recorded ones.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from imednet_live.core.env_vars import (
    API_KEY,
    RECORD,
    RECORD_KEY,
    RECORDING_DIR,
    REPLAY_DIR,
    REPORT_DIR,
    RUN_ID,
    SECURITY_KEY,
    TARGET_KIND,
)
from imednet_live.core.settings import read_var
from imednet_live.recording.layout import Recording, RecordingError, find_recordings


@dataclass
class _Active:
    mode: str  # "record" | "replay"
    context: AbstractContextManager[Any]
    cassette: Any
    tags: dict[str, list[str]] = field(default_factory=dict)


_ACTIVE: _Active | None = None


def recording_enabled(env: Mapping[str, str]) -> bool:
    return read_var(env, RECORD) == "1" and read_var(env, RECORDING_DIR) is not None


def scrubber_for(env: Mapping[str, str]) -> Any:
    from imednet_live.recording.scrub import Scrubber

    secrets = tuple(v for v in (read_var(env, API_KEY), read_var(env, SECURITY_KEY)) if v)
    key = read_var(env, RECORD_KEY)
    if key is None:  # outside nox: one key per run and identity, never written
        material = "\0".join(["imednet-live", *secrets, read_var(env, RUN_ID) or ""])
        key = hashlib.sha256(material.encode()).hexdigest()
    return Scrubber(key=key.encode(), secrets=secrets)


def replay_recordings(env: Mapping[str, str]) -> list[Recording]:
    """Every recording under IMEDNET_REPLAY_DIR, this session's own first."""
    root = Path(read_var(env, REPLAY_DIR) or "reports")
    recordings = find_recordings(root)
    own = Path(read_var(env, REPORT_DIR) or "").name
    return sorted(recordings, key=lambda r: r.path.parent.name != own)


def _cassettes(what: str) -> Any:
    """VCR.py's wiring, imported only when switched on: a missing package is one line."""
    try:
        from imednet_live.recording import cassettes
    except ModuleNotFoundError as exc:
        raise RecordingError(
            f"{what} needs the package {exc.name!r}, which this environment lacks; "
            "install imednet-live's recording extras (vcrpy) or switch "
            f"{RECORD if what == 'recording' else TARGET_KIND} off"
        ) from None
    return cassettes


def start(env: Mapping[str, str] | None = None) -> str | None:
    """Switch this process to recording or replay when the environment asks; returns which."""
    global _ACTIVE
    env = os.environ if env is None else env
    if _ACTIVE is not None:
        return _ACTIVE.mode
    replay = read_var(env, TARGET_KIND) == "replay"
    if not replay and not recording_enabled(env):
        return None
    cassettes = _cassettes("replay" if replay else "recording")
    if replay:
        recordings = replay_recordings(env)
        own = Path(read_var(env, REPORT_DIR) or "").name
        context: AbstractContextManager[Any] = cassettes.replaying(recordings, scrubber_for(env))
        tags = cassettes.recorded_tags([r for r in recordings if r.path.parent.name == own])
        _ACTIVE = _Active("replay", context, context.__enter__(), tags)
    else:
        directory = Path(read_var(env, RECORDING_DIR) or ".")
        directory.mkdir(parents=True, exist_ok=True)
        context = cassettes.recording(directory, scrubber_for(env))
        _ACTIVE = _Active("record", context, context.__enter__())
    return _ACTIVE.mode if _ACTIVE else None


def stop() -> None:
    """Save this process's cassette (scrubbed) and restore the real transports."""
    global _ACTIVE
    active, _ACTIVE = _ACTIVE, None
    if active is not None:
        active.context.__exit__(None, None, None)


def write_tag(fresh: str) -> str:
    """The tag a test writes: ``fresh``, remembered when recording; the recorded one on replay."""
    if _ACTIVE is None:
        return fresh
    from imednet_live.recording.cassettes import current_test

    test = current_test() or "(no test)"
    if _ACTIVE.mode == "replay":
        queue = _ACTIVE.tags.get(test)
        return queue.pop(0) if queue else fresh
    from imednet_live.recording.cassettes import write_tags

    write_tags(_ACTIVE.cassette).setdefault(test, []).append(fresh)
    return fresh
