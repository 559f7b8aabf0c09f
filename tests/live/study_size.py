"""Keep a live test's cost independent of the study's size (imported by name, like live_checks).

Three tools: ``first_item`` reads one item from a one-item page, as an anchor for a
bounded, filtered listing through the SDK's public API; ``require_walkable`` guards an
SDK call that reads a whole resource (exports, CLI listings, client-side workflows):
it skips as no-eligible-data when the resource is empty and as study-too-large when it
holds more than IMEDNET_LIVE_MAX_RECORDS items; ``export_forms`` picks the smallest forms
with records (a one-item probe per form), so an export the SDK can bound by
``form_whitelist`` reads a slice of any study instead of skipping on a large one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from imednet_live.charter.skips import skip_no_data, skip_study_too_large
from imednet_live.core.settings import Settings
from imednet_live.discovery.pages import FormSize, count, form_sizes, smallest_forms, walk
from imednet_live.sdk import compat as sdk_compat

if TYPE_CHECKING:  # the SDK (and pandas with it) is imported by the tests that run
    from imednet import ImednetSDK
    from imednet.models import Record, Variable
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


def export_forms(
    sdk: ImednetSDK,
    settings: Settings,
    study_key: str,
    reader: str,
    *,
    n: int = 1,
    minimum: int = 1,
) -> list[FormSize]:
    """Up to ``n`` of the smallest forms holding at least ``minimum`` records each, as many
    as fit together within IMEDNET_LIVE_MAX_RECORDS, for ``reader`` to export by
    ``form_whitelist``.

    Costs the forms listing and one one-item probe per form, never a record listing.
    Skips as no-eligible-data naming the study when no form qualifies, and as
    study-too-large only when even the smallest qualifying form is over the limit.
    """
    forms = [(f.form_id, f.form_key) for f in sdk.forms.list(study_key)]
    ranked = smallest_forms(form_sizes(sdk, study_key, forms), n=n, minimum=minimum)
    if not ranked:
        held = "records" if minimum <= 1 else f"{minimum} or more records"
        skip_no_data(f"forms with {held}", study_key)
    smallest = ranked[0]
    if smallest.records > settings.max_records:
        skip_study_too_large(
            study_key, f"records on its smallest form {smallest.form_key}", smallest.records,
            settings.max_records, reader,
        )  # fmt: skip
    chosen = [smallest]
    for each in ranked[1:]:
        if sum(c.records for c in chosen) + each.records > settings.max_records:
            break
        chosen.append(each)
    return chosen


def form_records(sdk: ImednetSDK, settings: Settings, study_key: str, form_id: int) -> list[Record]:
    """One form's records through the SDK's filtered listing (``formId``), at most the
    size limit: callers have sized the form first (``export_forms``)."""
    return sdk_compat.first(sdk.records.list(study_key, form_id=form_id), settings.max_records)


def form_variables(sdk: ImednetSDK, study_key: str, form_id: int) -> list[Variable]:
    """One form's variables, in the study's order (a study's variables do not grow with it)."""
    return [v for v in sdk.variables.list(study_key) if v.form_id == form_id]
