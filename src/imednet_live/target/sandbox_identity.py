"""What a fresh sandbox serves, named so that the sessions of one run share one discovery.

Each nox session starts its own sandbox on its own port, so a discovery keyed by URL was
computed once per session (five times a main job) against identical data: the seed has
no randomness (sandbox/seed.py), so what a fresh sandbox serves follows from its scenario
and the options that shape its data (``--subjects``, ``--seed-from``, ``--fail``, keys).
The identity is a digest of those. Options that change only timing or bookkeeping
(``--latency-ms``, ``--job-seconds``, ``--audit``, ``--port``, ``--host``) are left out;
any other option counts, so a new data option can never make two sandboxes share wrongly.

Pure standard library: the noxfile computes it when it launches a session's sandbox.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

# Options of `imednet-live sandbox serve` that take a value and leave the served data alone.
TIMING_ONLY = frozenset({"--latency-ms", "--job-seconds", "--audit", "--port", "--host"})
PATH_VALUED = frozenset({"--seed-from"})


def sandbox_identity(scenario: str, args: Sequence[str]) -> str:
    """A digest of ``scenario`` and the data-shaping options among ``args`` (serve's options).

    Order of repeated options (``--fail``) is kept: the first matching rule wins.
    """
    parts: list[str] = [f"--scenario={scenario}"]
    items = list(args)
    index = 0
    while index < len(items):
        arg = items[index]
        index += 1
        name, has_value, value = arg.partition("=")
        if not name.startswith("--"):
            parts.append(arg)
            continue
        if not has_value and index < len(items) and not items[index].startswith("--"):
            value, index = items[index], index + 1
        if name in TIMING_ONLY:
            continue
        if name in PATH_VALUED:
            value = str(Path(value).resolve())
        parts.append(f"{name}={value}")
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()[:32]
