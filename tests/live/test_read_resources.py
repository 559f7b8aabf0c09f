"""Every list/get endpoint, sync and async, returns the SDK's model with its identity intact.

``get`` is checked on the *last* listed item: the SDK implements ``get`` as a filtered
list that returns the first match, so checking the first item would pass even against
a server that ignored the filter.

Resources that grow with the study (subjects and their data) are listed as a bounded
slice, as users narrow them: the subject of the resource's first item (read from a
one-item page), passed as the SDK's own ``subject_key`` filter. Every listed item must
honour the filter and the anchor must be among them. Structure (studies, sites, forms,
intervals, variables, users) is listed whole: it does not grow with enrolment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from live_checks import run_async
from study_size import first_item

from imednet_live.sdk import compat as sdk_compat
from imednet_live.skips import first_or_skip

if TYPE_CHECKING:  # the SDK (and pandas with it) is imported by the tests that run
    from imednet import AsyncImednetSDK, ImednetSDK


@dataclass(frozen=True)
class Resource:
    """One endpoint: its SDK attribute, model, id used by ``get`` and identity fields."""

    attr: str
    model_name: str  # in imednet.models, imported when a test runs (collection stays SDK-free)
    id_field: str  # the attribute ``get`` takes
    identity: tuple[str, ...]  # fields that must be populated and equal between list and get
    entity: str  # plural noun for the skip message
    study_scoped: bool = True
    path: str | None = None  # API path of a resource listed as a bounded slice

    @property
    def model(self) -> type:
        import imednet.models

        return getattr(imednet.models, self.model_name)

    def list_args(self, study_key: str) -> tuple[Any, ...]:
        return (study_key,) if self.study_scoped else ()

    def get_args(self, study_key: str, item: Any) -> tuple[Any, ...]:
        return (study_key if self.study_scoped else None, getattr(item, self.id_field))


RESOURCES: tuple[Resource, ...] = (
    Resource("studies", "Study", "study_key", ("study_key", "study_id"), "studies", False),
    Resource("sites", "Site", "site_id", ("site_id", "site_name"), "sites"),
    Resource(
        "subjects",
        "Subject",
        "subject_key",
        ("subject_key", "subject_id"),
        "subjects",
        path="subjects",
    ),
    Resource("records", "Record", "record_id", ("record_id", "form_id"), "records", path="records"),
    Resource("forms", "Form", "form_id", ("form_id", "form_key"), "forms"),
    Resource("intervals", "Interval", "interval_id", ("interval_id", "interval_name"), "intervals"),
    Resource(
        "visits",
        "Visit",
        "visit_id",
        ("visit_id", "interval_id", "subject_key"),
        "visits",
        path="visits",
    ),
    Resource(
        "variables",
        "Variable",
        "variable_id",
        ("variable_id", "variable_name", "form_id"),
        "variables",
    ),
    Resource("queries", "Query", "annotation_id", ("annotation_id",), "queries", path="queries"),
    Resource(
        "record_revisions",
        "RecordRevision",
        "record_revision_id",
        ("record_revision_id", "record_id"),
        "record revisions",
        path="recordRevisions",
    ),
    Resource("users", "User", "user_id", ("user_id", "login"), "users"),
    Resource(
        "codings", "Coding", "coding_id", ("coding_id", "record_id"), "codings", path="codings"
    ),
)


@dataclass(frozen=True)
class Slice:
    """How a listing is bounded: SDK filters, and the anchor item it must contain."""

    filters: dict[str, Any]
    anchor_id: Any = None


def _narrowing(resource: Resource, sdk: ImednetSDK, study_key: str) -> Slice:
    """The SDK filter that bounds a growing resource's listing: its first item's subject."""
    if resource.path is None:
        return Slice({})
    anchor = first_item(sdk, study_key, resource.path, resource.model, resource.entity)
    anchor_id = getattr(anchor, resource.id_field)
    key = getattr(anchor, "subject_key", "")
    return Slice({"subject_key": key} if key else {resource.id_field: anchor_id}, anchor_id)


def _check_listing(
    resource: Resource, items: list[Any], study_key: str | None, narrowing: Slice
) -> Any:
    """All items are the SDK model with identity populated; returns the one to ``get``."""
    if narrowing.anchor_id is not None:
        ids = [getattr(i, resource.id_field) for i in items]
        assert narrowing.anchor_id in ids, (
            f"{resource.attr}.list({narrowing.filters}) lacks {narrowing.anchor_id!r}, "
            "the first item of the unfiltered listing"
        )
    last = first_or_skip(items[::-1], resource.entity, study_key)
    for name, value in narrowing.filters.items():
        strays = [getattr(i, resource.id_field) for i in items if getattr(i, name) != value]
        assert not strays, f"{resource.attr}.list({name}={value!r}) also returned {strays[:5]}"
    wrong = {type(i).__name__ for i in items if not isinstance(i, resource.model)}
    assert not wrong, f"{resource.attr}.list returned {wrong}, not {resource.model.__name__}"
    for item in items:
        empty = [f for f in resource.identity if getattr(item, f) in ("", 0, None)]
        assert not empty, f"{resource.attr} item has empty identity fields {empty}: {item!r}"
    return last


def _check_same(resource: Resource, listed: Any, got: Any) -> None:
    assert isinstance(got, resource.model), f"{resource.attr}.get returned {type(got).__name__}"
    for name in resource.identity:
        assert getattr(got, name) == getattr(listed, name), (
            f"{resource.attr}.get({getattr(listed, resource.id_field)!r}) returned "
            f"{name}={getattr(got, name)!r}, listed item has {getattr(listed, name)!r}"
        )


def _marks(resource: Resource) -> list[pytest.MarkDecorator]:
    return [pytest.mark.resource(resource.attr)]


PARAMS = [pytest.param(r, id=r.attr, marks=_marks(r)) for r in RESOURCES]


@pytest.mark.parametrize("resource", PARAMS)
def test_list_and_get(resource: Resource, sdk: ImednetSDK, study_key: str) -> None:
    endpoint = getattr(sdk, resource.attr)
    narrowing = _narrowing(resource, sdk, study_key)
    items = sdk_compat.items(endpoint.list(*resource.list_args(study_key), **narrowing.filters))
    scope = study_key if resource.study_scoped else None
    listed = _check_listing(resource, items, scope, narrowing)
    _check_same(resource, listed, endpoint.get(*resource.get_args(study_key, listed)))
    if resource.attr == "studies":
        assert study_key in {s.study_key for s in items}, f"discovered study {study_key} not listed"


@pytest.mark.parametrize("resource", PARAMS)
def test_async_list_and_get(
    resource: Resource, async_sdk: AsyncImednetSDK, sdk: ImednetSDK, study_key: str
) -> None:
    endpoint = getattr(async_sdk, resource.attr)
    narrowing = _narrowing(resource, sdk, study_key)

    async def scenario() -> tuple[list[Any], Any, Any]:
        args = resource.list_args(study_key)
        items = await sdk_compat.async_list(endpoint, *args, **narrowing.filters)
        if not items:
            return items, None, None
        listed = items[-1]
        return (
            items,
            listed,
            await sdk_compat.async_get(endpoint, *resource.get_args(study_key, listed)),
        )

    items, listed, got = run_async(async_sdk, scenario())
    scope = study_key if resource.study_scoped else None
    assert _check_listing(resource, items, scope, narrowing) is listed
    _check_same(resource, listed, got)
