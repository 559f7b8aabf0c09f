"""Watch every HTTP request the SDK sends, at httpx's transport, whatever the SDK release.

``httpx.Client.send`` and ``httpx.AsyncClient.send`` are where every request (sync,
async, CLI in-process, retries included) leaves the process, so one wrapper there serves
the live session's request budget and the smoke's "which request failed" alike, without
knowing the SDK's internals.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

OnSend = Callable[[httpx.Request], None]
OnResponse = Callable[[httpx.Request, httpx.Response], None]
OnError = Callable[[httpx.Request, BaseException], None]


def _nothing(_request: httpx.Request, _response: httpx.Response) -> None:
    return None


def _no_error(_request: httpx.Request, _error: BaseException) -> None:
    return None


@contextmanager
def tapped(
    on_send: OnSend, on_response: OnResponse = _nothing, on_error: OnError = _no_error
) -> Iterator[None]:
    """Call ``on_send`` before each request and ``on_response`` after it, or ``on_error``
    when sending raised (the error still propagates), while the block runs."""
    sync_send = httpx.Client.send
    async_send = httpx.AsyncClient.send

    @functools.wraps(sync_send)
    def send(
        client: httpx.Client, request: httpx.Request, *args: Any, **kwargs: Any
    ) -> httpx.Response:
        on_send(request)
        try:
            response = sync_send(client, request, *args, **kwargs)
        except BaseException as exc:
            on_error(request, exc)
            raise
        on_response(request, response)
        return response

    @functools.wraps(async_send)
    async def asend(
        client: httpx.AsyncClient, request: httpx.Request, *args: Any, **kwargs: Any
    ) -> httpx.Response:
        on_send(request)
        try:
            response = await async_send(client, request, *args, **kwargs)
        except BaseException as exc:
            on_error(request, exc)
            raise
        on_response(request, response)
        return response

    httpx.Client.send = send  # type: ignore[method-assign,assignment]
    httpx.AsyncClient.send = asend  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        httpx.Client.send = sync_send  # type: ignore[method-assign]
        httpx.AsyncClient.send = async_send  # type: ignore[method-assign]
