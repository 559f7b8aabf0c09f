"""Reads whose cost does not grow with the study: a lazy page walk and a one-item size probe.

The SDK's ``list`` always reads every page, so discovery walks pages itself (the SDK's
own ``imednet.core.Paginator``, one request a page) and stops at the first eligible
item; tests that must call a helper which reads a whole resource first ask the API
how many items it holds (``pagination.totalElements`` of a one-item page) and skip
above ``IMEDNET_LIVE_MAX_RECORDS``. Both go through the SDK's authenticated client,
so retries, headers and errors are the SDK's.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # imported where used: collecting tests/live must not import the SDK
    from imednet import ImednetSDK
    from pydantic import BaseModel

M = TypeVar("M", bound="BaseModel")

EDC_PATH = "/api/v1/edc/studies"
# Items per request of a lazy walk: the SDK's own default page size.
PAGE_SIZE = 100


def sdk_requestor(sdk: ImednetSDK) -> Any:
    """The SDK's authenticated sync HTTP client: the one SDK internal this project reads.

    Every release from 0.5 to 0.8 keeps it as ``ImednetSDK._client`` with
    ``get(path, params=...) -> httpx.Response``.
    """
    return sdk._client


def resource_path(study_key: str | None, resource: str) -> str:
    """``/api/v1/edc/studies`` for the studies list, else the study's resource path."""
    return EDC_PATH if study_key is None else f"{EDC_PATH}/{study_key}/{resource}"


def _params(filters: Mapping[str, Any] | None) -> dict[str, Any]:
    from imednet.utils.filters import build_filter_string

    return {"filter": build_filter_string(dict(filters))} if filters else {}


def _parse(model: type[M], raw: Any) -> M:
    from_json = getattr(model, "from_json", None)
    return from_json(raw) if callable(from_json) else model.model_validate(raw)


def walk(
    sdk: ImednetSDK,
    study_key: str | None,
    resource: str,
    model: type[M],
    *,
    filters: Mapping[str, Any] | None = None,
    page_size: int = PAGE_SIZE,
) -> Iterator[M]:
    """Items of one resource, parsed as the SDK parses them, one page fetched at a time.

    The next page is requested only when the caller asks for an item beyond this one,
    so ``next(x for x in walk(...) if eligible(x))`` costs as many pages as it reads.
    """
    from imednet.core import Paginator

    pages = Paginator(
        sdk_requestor(sdk),
        resource_path(study_key, resource),
        params=_params(filters),
        page_size=page_size,
    )
    for raw in pages:
        yield _parse(model, raw)


def count(
    sdk: ImednetSDK,
    study_key: str,
    resource: str,
    *,
    filters: Mapping[str, Any] | None = None,
) -> int:
    """How many items a resource holds, from one request for a one-item page.

    A response without ``totalElements`` counts what the page held, which can only
    under-count when the server ignored the page size, never hide a non-empty resource.
    """
    params = {**_params(filters), "page": 0, "size": 1}
    payload = sdk_requestor(sdk).get(resource_path(study_key, resource), params=params).json()
    pagination = payload.get("pagination") or {}
    total = pagination.get("totalElements")
    if isinstance(total, int):
        return total
    return len(payload.get("data") or [])
