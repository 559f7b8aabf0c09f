"""Count the HTTP requests a live session sends, for the report's request budget, and
know which are in flight, for a timed-out test's message.

Counted at httpx's transport (``http_tap``), so the count holds against the live API and
the sandbox alike, for any SDK release. One counter per process; xdist workers report
theirs to the controller.
"""

from __future__ import annotations

import threading
from contextlib import ExitStack
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx


class RequestCounter:
    """Counts from ``install`` until ``uninstall``."""

    def __init__(self) -> None:
        self._count = 0
        self._lock = threading.Lock()
        self._tap: ExitStack | None = None
        self._in_flight: dict[int, httpx.Request] = {}

    @property
    def count(self) -> int:
        return self._count

    def in_flight(self) -> list[httpx.Request]:
        """Requests sent and not answered, oldest first: what a hung test waits on."""
        with self._lock:
            return list(self._in_flight.values())

    def start_test(self) -> None:
        """A new test: whatever an earlier one left unanswered is not this one's."""
        with self._lock:
            self._in_flight.clear()

    def _add(self, request: httpx.Request) -> None:
        with self._lock:
            self._count += 1
            self._in_flight[id(request)] = request

    def _answered(self, request: httpx.Request, _response: httpx.Response) -> None:
        self._forget(request)

    def _forget(self, request: httpx.Request) -> None:
        with self._lock:
            self._in_flight.pop(id(request), None)

    def _raised(self, request: httpx.Request, error: BaseException) -> None:
        """An ordinary error ends the request; an interruption (pytest-timeout's failure is
        a BaseException) leaves it in flight, which is what the timeout message names."""
        if isinstance(error, Exception):
            self._forget(request)

    def install(self) -> None:
        if self._tap is not None:
            return
        from imednet_live.http_tap import tapped  # httpx: imported when the first test starts

        self._tap = ExitStack()
        self._tap.enter_context(tapped(self._add, self._answered, self._raised))

    def uninstall(self) -> None:
        if self._tap is not None:
            self._tap.close()
            self._tap = None
