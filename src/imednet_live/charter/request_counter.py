"""Count the HTTP requests a live session sends, for the report's request budget.

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

    @property
    def count(self) -> int:
        return self._count

    def _add(self, _request: httpx.Request) -> None:
        with self._lock:
            self._count += 1

    def install(self) -> None:
        if self._tap is not None:
            return
        from imednet_live.sdk.http_tap import tapped  # httpx: imported when the first test starts

        self._tap = ExitStack()
        self._tap.enter_context(tapped(self._add))

    def uninstall(self) -> None:
        if self._tap is not None:
            self._tap.close()
            self._tap = None
