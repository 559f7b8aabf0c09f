"""Fault injection: persistent fault rules, and the ``flaky`` scenario's transient faults.

Persistent rules (``--fail``, scenario data) answer every matching request with their
status, after their delay, before the backend sees it.

``flaky`` decides each request's fate from the request and its own attempt number, never
from a counter shared by every client. "The same request" is: the same client connection
(peer address and port) sending the same method, path, raw query and body (SHA-256). On
each connection, the 1st, 5th, 9th, ... distinct request fails its first attempt, with 503
(``Retry-After: 1``) or 429 (``Retry-After: 0``) by a hash of the request; every retry
passes. So every client meets a fault at once and a quarter of its requests are faulted,
whatever other clients do. A client retry reuses its keep-alive connection (httpx pools
it; the SDK's backoff is far below uvicorn's 5 s keep-alive), so the SDK's 3 attempts
always suffice. A retry that arrives on a new connection counts as a new client (attempt
1 again). A faulted POST never reaches the backend, so a retried POST creates one job.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

from imednet_live.sandbox.fault_rules import FaultRule

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
    """The ``flaky`` scenario's decisions: 1 in ``every`` distinct requests fails once."""

    def __init__(self, every: int = 4) -> None:
        self.every = every
        self._attempts: OrderedDict[tuple[str, str], int] = OrderedDict()
        self._distinct: OrderedDict[str, int] = OrderedDict()  # per connection
        self._lock = threading.Lock()

    @staticmethod
    def identity(method: str, path: str, query: str, body: bytes) -> str:
        digest = hashlib.sha256(body).hexdigest()
        return hashlib.sha256(f"{method}\n{path}\n{query}\n{digest}".encode()).hexdigest()

    def decide(self, client: str, method: str, path: str, query: str, body: bytes) -> Fault | None:
        identity = self.identity(method, path, query, body)
        key = (client, identity)
        with self._lock:
            attempt = self._attempts.pop(key, 0) + 1
            self._attempts[key] = attempt
            if attempt > 1:
                return None
            ordinal = self._distinct.pop(client, 0)  # distinct requests seen before this one
            self._distinct[client] = ordinal + 1
            for tracked in (self._attempts, self._distinct):
                if len(tracked) > _MAX_TRACKED:
                    tracked.popitem(last=False)
        if ordinal % self.every:
            return None
        return Fault(503, "1") if int(identity[:8], 16) % 2 == 0 else Fault(429, "0")
