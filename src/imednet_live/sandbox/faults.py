"""Deterministic fault injection for the ``flaky`` scenario.

Every 4th request fails with 503 or 429 (alternating), except that a request identical to
one that was just faulted (same method, path, query and body: a client retry) always goes
through. So the SDK's 3 attempts always succeed, and since a faulted POST never reaches the
backend, a retried POST cannot create a second job.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    status: int
    retry_after: str


class FaultInjector:
    def __init__(self, every: int = 4) -> None:
        self.every = every
        self._count = 0
        self._faults = 0
        self._just_faulted: set[tuple[str, str, str, bytes]] = set()
        self._lock = threading.Lock()

    def decide(self, method: str, path: str, query: str, body: bytes) -> Fault | None:
        fingerprint = (method, path, query, body)
        with self._lock:
            self._count += 1
            if self._count % self.every or fingerprint in self._just_faulted:
                self._just_faulted.discard(fingerprint)
                return None
            self._just_faulted.add(fingerprint)
            self._faults += 1
            if self._faults % 2:
                return Fault(503, "1")
            return Fault(429, "0")
