"""Reads whose cost does not grow with the study: a lazy page walk and a one-item size probe.

The SDK's ``list`` always reads every page, so discovery walks pages itself (the SDK's
own ``imednet.core.Paginator``, one request a page) and stops at the first eligible
item; tests that must call a helper which reads a whole resource first ask the API
how many items it holds (``pagination.totalElements`` of a one-item page) and skip
above ``IMEDNET_LIVE_MAX_RECORDS``. Both go through the SDK's authenticated client,
so retries, headers and errors are the SDK's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from imednet_live.core.api_paths import api_path

if TYPE_CHECKING:  # imported where used: collecting tests/live must not import the SDK
    from imednet import ImednetSDK
    from pydantic import BaseModel

M = TypeVar("M", bound="BaseModel")

EDC_PATH = api_path("studies")
# Items per request of a lazy walk: the SDK's own default page size.
PAGE_SIZE = 100


def sdk_requestor(sdk: ImednetSDK) -> Any:
    """The SDK's authenticated sync HTTP client: the one SDK internal this project reads.

    Every release from 0.5 to 0.8 keeps it as ``ImednetSDK._client`` with
    ``get(path, params=...) -> httpx.Response``.
    """
    return sdk._client


def resource_path(study_key: str | None, resource: str) -> str:
    """The studies list's path, else the path of the study's resource."""
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


@dataclass(frozen=True)
class FormSize:
    """How many records a form holds, from a one-item probe."""

    form_id: int
    form_key: str
    records: int


def form_sizes(sdk: ImednetSDK, study_key: str, forms: Iterable[tuple[int, str]]) -> list[FormSize]:
    """Each form's record count: one one-item page per form (``formId`` filter), no listing.

    ``forms`` are ``(form_id, form_key)`` pairs; their number, not the study's records,
    sets the cost.
    """
    return [
        FormSize(form_id, form_key, count(sdk, study_key, "records", filters={"formId": form_id}))
        for form_id, form_key in forms
    ]


def smallest_forms(sizes: Iterable[FormSize], *, n: int = 1, minimum: int = 1) -> list[FormSize]:
    """The ``n`` forms with the fewest records among those holding at least ``minimum``.

    Smallest first; ties go to the lower form id, so every run of a study picks the same
    form. An export bounded by ``form_whitelist`` to these reads the least it can.
    """
    eligible = [s for s in sizes if s.records >= max(minimum, 1)]
    return sorted(eligible, key=lambda s: (s.records, s.form_id))[:n]
