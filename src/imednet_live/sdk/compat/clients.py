"""Opening and closing the SDK's clients, and dispatching to async endpoints."""

from __future__ import annotations

import inspect
import itertools
from collections.abc import AsyncIterable
from typing import TYPE_CHECKING, Any

from imednet_live.core.settings import SdkKwargs
from imednet_live.sdk import shared_tls

if TYPE_CHECKING:
    from imednet import AsyncImednetSDK, ImednetSDK


def open_sync(kwargs: SdkKwargs) -> ImednetSDK:
    """A sync client; ``with`` closes it in every release."""
    from imednet import ImednetSDK

    shared_tls.install()  # a client per test: one CA bundle parse per process, not per client
    return ImednetSDK(**kwargs)


def open_async(kwargs: SdkKwargs) -> AsyncImednetSDK:
    """An async client: ``AsyncImednetSDK`` takes the same credentials in every release."""
    from imednet import AsyncImednetSDK

    shared_tls.install()
    return AsyncImednetSDK(**kwargs)


def close_async(client: AsyncImednetSDK) -> None:
    """Close an async client from synchronous code, in any release.

    ``aclose()`` exists everywhere and is idempotent; ``close()`` raises TypeError
    from 0.5.3 on, and on 0.8 the async client has no sync half to close.
    """
    import asyncio  # not at import: the plugin asks this module at every worker's start-up

    asyncio.run(client.aclose())


def _async_method(endpoint: Any, name: str) -> Any:
    """``async_<name>`` up to 0.8; on SDK main the endpoint's own ``<name>`` is async."""
    legacy = getattr(endpoint, f"async_{name}", None)
    return legacy if legacy is not None else getattr(endpoint, name)


def has_async_prefix(endpoint: Any) -> bool:
    """Whether async endpoints spell their methods ``async_list``/``async_get``."""
    return getattr(endpoint, "async_list", None) is not None


async def async_list(
    endpoint: Any, *args: Any, limit: int | None = None, **kwargs: Any
) -> list[Any]:
    """An async endpoint's listing as a list (at most ``limit`` items), in any build."""
    result = _async_method(endpoint, "list")(*args, **kwargs)
    if inspect.isawaitable(result):
        result = await result
    if isinstance(result, AsyncIterable):
        taken: list[Any] = []
        async for item in result:
            if limit is not None and len(taken) >= limit:
                break
            taken.append(item)
        return taken
    return list(itertools.islice(result, limit))


async def async_get(endpoint: Any, *args: Any, **kwargs: Any) -> Any:
    """An async endpoint's ``get``, in any build."""
    return await _async_method(endpoint, "get")(*args, **kwargs)


async def async_create(endpoint: Any, *args: Any, **kwargs: Any) -> Any:
    """An async endpoint's ``create`` (records), in any build."""
    return await _async_method(endpoint, "create")(*args, **kwargs)
