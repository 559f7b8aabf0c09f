"""Fault injection: persistent fault rules, and the ``flaky`` scenario's transient faults.

Persistent rules (``--fail``, scenario data) answer every matching request with their
status, after their delay, before the backend sees it.

``flaky`` decides each request's fate from the request alone and its own attempt number,
never from a counter shared by every client. "The same request" is: the same client
connection (peer address and port) sending the same method, path, raw query and body
(SHA-256). A deterministic quarter of request identities (by hash of method, path, query
and body, so every client meets the same ones) fails its first attempt with 503
(``Retry-After: 1``) or 429 (``Retry-After: 0``); every retry passes. A client retry reuses
its keep-alive connection (httpx pools it; the SDK's backoff is far below uvicorn's 5 s
keep-alive), so the SDK's 3 attempts always suffice, whatever other clients do. A retry
that arrives on a new connection counts as a new client, i.e. attempt 1 again. A faulted
POST never reaches the backend, so a retried POST creates exactly one job.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

from imednet_live.fault_rules import FaultRule

# Attempts remembered per (connection, request); the oldest are forgotten first.
_MAX_TRACKED = 100_000


@dataclass(frozen=True)
class Fault:
    status: int
    retry_after: str


def matching_rule(rules: tuple[FaultRule, ...], method: str, path: str) -> FaultRule | None:
    """The first rule that applies to the request (rules are checked in order)."""
    return next((rule for rule in rules if rule.matches(method, path)), None)


class FaultInjector:
    """The ``flaky`` scenario's decisions: first attempt faulted for 1 in ``every`` requests."""

    def __init__(self, every: int = 4) -> None:
        self.every = every
        self._attempts: OrderedDict[tuple[str, str], int] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def identity(method: str, path: str, query: str, body: bytes) -> str:
        digest = hashlib.sha256(body).hexdigest()
        return hashlib.sha256(f"{method}\n{path}\n{query}\n{digest}".encode()).hexdigest()

    def decide(self, client: str, method: str, path: str, query: str, body: bytes) -> Fault | None:
        identity = self.identity(method, path, query, body)
        with self._lock:
            key = (client, identity)
            attempt = self._attempts.pop(key, 0) + 1
            self._attempts[key] = attempt
            if len(self._attempts) > _MAX_TRACKED:
                self._attempts.popitem(last=False)
        selector = int(identity[:8], 16)
        if attempt > 1 or selector % self.every:
            return None
        return Fault(503, "1") if (selector // self.every) % 2 == 0 else Fault(429, "0")
