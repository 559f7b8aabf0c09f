"""Count the HTTP requests a live session sends, at the transport, for the report's budget.

``httpx.Client.send`` and ``httpx.AsyncClient.send`` are where every request of every
SDK release (sync, async, CLI in-process, retries included) leaves the process, so
wrapping them counts against the live API and the sandbox alike without knowing the
SDK's internals. One counter per process; xdist workers report theirs to the controller.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

import httpx


class RequestCounter:
    """Installs the wrappers on ``install`` and removes them on ``uninstall``."""

    def __init__(self) -> None:
        self._count = 0
        self._lock = threading.Lock()
        self._originals: dict[type, Any] = {}

    @property
    def count(self) -> int:
        return self._count

    def _add(self) -> None:
        with self._lock:
            self._count += 1

    def install(self) -> None:
        if self._originals:
            return
        sync_send = httpx.Client.send
        async_send = httpx.AsyncClient.send

        @functools.wraps(sync_send)
        def send(client: httpx.Client, request: httpx.Request, **kwargs: Any) -> httpx.Response:
            self._add()
            return sync_send(client, request, **kwargs)

        @functools.wraps(async_send)
        async def asend(
            client: httpx.AsyncClient, request: httpx.Request, **kwargs: Any
        ) -> httpx.Response:
            self._add()
            return await async_send(client, request, **kwargs)

        self._originals = {httpx.Client: sync_send, httpx.AsyncClient: async_send}
        httpx.Client.send = send  # type: ignore[method-assign,assignment]
        httpx.AsyncClient.send = asend  # type: ignore[method-assign,assignment]

    def uninstall(self) -> None:
        for cls, original in self._originals.items():
            cls.send = original  # type: ignore[attr-defined]
        self._originals = {}
