"""Keep a live test's cost independent of the study's size (imported by name, like live_checks).

Two tools: ``first_item`` reads one item from a one-item page, as an anchor for a
bounded, filtered listing through the SDK's public API; ``require_walkable`` guards an
SDK call that reads a whole resource (exports, CLI listings, client-side workflows):
it skips as no-eligible-data when the resource is empty and as study-too-large when it
holds more than IMEDNET_LIVE_MAX_RECORDS items.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from imednet_live.bounded_reads import count, walk
from imednet_live.config import Settings
from imednet_live.skips import skip_no_data, skip_study_too_large

if TYPE_CHECKING:  # the SDK (and pandas with it) is imported by the tests that run
    from imednet import ImednetSDK
    from pydantic import BaseModel

M = TypeVar("M", bound="BaseModel")


def first_item(
    sdk: ImednetSDK,
    study_key: str,
    resource: str,
    model: type[M],
    entity: str,
    *,
    filters: Mapping[str, Any] | None = None,
) -> M:
    """The resource's first item (one request); skips naming ``entity`` when there is none."""
    item = next(walk(sdk, study_key, resource, model, filters=filters, page_size=1), None)
    if item is None:
        skip_no_data(entity, study_key)
    return item


def require_walkable(
    sdk: ImednetSDK,
    settings: Settings,
    study_key: str,
    resource: str,
    entity: str,
    reader: str,
    *,
    filters: Mapping[str, Any] | None = None,
    allow_empty: bool = False,
) -> int:
    """The resource's size (one request), when ``reader`` may read all of it; else a skip.

    ``allow_empty``: the test holds on an empty resource too, so only the limit applies.
    When the size probe itself fails with an API error, the guard steps aside (-1): the
    call under test meets the same error and is judged on what it does with it (raises it,
    or swallows it, which the plugin names as sdk-swallowed-api-error).
    """
    from imednet.errors import ApiError

    try:
        size = count(sdk, study_key, resource, filters=filters)
    except ApiError:
        return -1
    if size == 0 and not allow_empty:
        skip_no_data(entity, study_key)
    if size > settings.max_records:
        skip_study_too_large(study_key, entity, size, settings.max_records, reader)
    return size
