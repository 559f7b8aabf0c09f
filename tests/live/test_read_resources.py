"""Every list/get endpoint, sync and async, returns the SDK's model with its identity intact.

``get`` is checked on the *last* listed item: the SDK implements ``get`` as a filtered
list that returns the first match, so checking the first item would pass even against
a server that ignored the filter.

Resources that grow with the study (subjects and their data) are listed as a bounded
slice, as users narrow them: the subject of the resource's first item (read from a
one-item page), passed as the SDK's own ``subject_key`` filter. Every listed item must
honour the filter and the anchor must be among them. Structure (studies, sites, forms,
intervals, variables, users) is listed whole: it does not grow with enrolment.

The reads themselves overlap: one module fixture issues all 12 resources' list and get,
sync (a thread each) and async (one event loop), at once, and each per-resource test
checks its own read. Against a remote API that is one round of waits instead of 24 tests'
worth of them, and each test keeps its outcome, message and resource; a read that raised
(an SDK error, a no-data skip) raises again in its own test. ``xdist_group`` keeps the 24
tests on one worker, so the reads are issued once per session, not once per worker.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from study_size import first_item

from imednet_live.charter.skips import first_or_skip
from imednet_live.core.settings import Settings
from imednet_live.sdk import compat as sdk_compat

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


@dataclass(frozen=True)
class Read:
    """One resource's list and get, done ahead; ``error`` is raised again by its test."""

    narrowing: Slice | None = None
    items: list[Any] | None = None
    listed: Any = None
    got: Any = None
    error: BaseException | None = None

    def result(self) -> tuple[Slice, list[Any], Any, Any]:
        if self.error is not None:
            raise self.error
        assert self.narrowing is not None
        assert self.items is not None
        return self.narrowing, self.items, self.listed, self.got


def _attempt(read: Callable[[], Read]) -> Read:
    """``read()``, or what it raised (skips included), for its own test to raise."""
    try:
        return read()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # pytest's skip and fail are BaseExceptions
        return Read(error=exc)


def _slice(resource: Resource, settings: Settings, study_key: str) -> Read:
    with sdk_compat.open_sync(settings.sdk_kwargs()) as sdk:
        return Read(_narrowing(resource, sdk, study_key))


def _sync_read(resource: Resource, settings: Settings, study_key: str, narrowing: Slice) -> Read:
    with sdk_compat.open_sync(settings.sdk_kwargs()) as sdk:
        endpoint = getattr(sdk, resource.attr)
        listing = endpoint.list(*resource.list_args(study_key), **narrowing.filters)
        items = sdk_compat.items(listing)
        scope = study_key if resource.study_scoped else None
        listed = _check_listing(resource, items, scope, narrowing)
        got = endpoint.get(*resource.get_args(study_key, listed))
    return Read(narrowing, items, listed, got)


async def _async_read(
    resource: Resource, client: AsyncImednetSDK, study_key: str, narrowing: Slice
) -> Read:
    endpoint = getattr(client, resource.attr)
    args = resource.list_args(study_key)
    items = await sdk_compat.async_list(endpoint, *args, **narrowing.filters)
    if not items:
        return Read(narrowing, items)
    listed = items[-1]
    got = await sdk_compat.async_get(endpoint, *resource.get_args(study_key, listed))
    return Read(narrowing, items, listed, got)


def _async_reads(settings: Settings, study_key: str, slices: dict[str, Read]) -> list[Read]:
    """Every resource's async list and get in one event loop (``RESOURCES`` order)."""

    async def one(client: AsyncImednetSDK, resource: Resource) -> Read:
        bounded = slices[resource.attr]
        if bounded.narrowing is None:  # the slice could not be read: its error, or skip
            return bounded
        try:
            return await _async_read(resource, client, study_key, bounded.narrowing)
        except Exception as exc:  # raised again by its own test
            return Read(error=exc)

    async def main() -> list[Read]:
        client = sdk_compat.open_async(settings.sdk_kwargs())
        try:
            return await asyncio.gather(*(one(client, r) for r in RESOURCES))
        finally:
            await client.aclose()

    return asyncio.run(main())


@pytest.fixture(scope="module")
def reads(settings: Settings, study_key: str) -> dict[tuple[str, str], Read]:
    """All 12 resources read at once, sync and async: ``(attr, "sync" | "async") -> Read``.

    First each growing resource's slice (its one-item anchor read), then the sync reads
    (a thread each) and the async reads (one event loop, in one more thread) of it.
    """
    workers = len(RESOURCES) + 1
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="read") as pool:
        slices = dict(
            zip(
                (r.attr for r in RESOURCES),
                pool.map(lambda r: _attempt(lambda: _slice(r, settings, study_key)), RESOURCES),
                strict=True,
            )
        )
        asynchronous = pool.submit(_async_reads, settings, study_key, slices)

        def sync_read(resource: Resource) -> Read:
            bounded = slices[resource.attr]
            if bounded.narrowing is None:
                return bounded
            narrowing = bounded.narrowing
            return _attempt(lambda: _sync_read(resource, settings, study_key, narrowing))

        sync = list(pool.map(sync_read, RESOURCES))
        reads = {(r.attr, "sync"): read for r, read in zip(RESOURCES, sync, strict=True)}
        for resource, read in zip(RESOURCES, asynchronous.result(), strict=True):
            reads[resource.attr, "async"] = read
    return reads


def _marks(resource: Resource) -> list[pytest.MarkDecorator]:
    return [pytest.mark.resource(resource.attr), pytest.mark.xdist_group("resource-reads")]


PARAMS = [pytest.param(r, id=r.attr, marks=_marks(r)) for r in RESOURCES]


@pytest.mark.parametrize("resource", PARAMS)
def test_list_and_get(
    resource: Resource, reads: dict[tuple[str, str], Read], study_key: str
) -> None:
    _, items, listed, got = reads[resource.attr, "sync"].result()
    _check_same(resource, listed, got)
    if resource.attr == "studies":
        assert study_key in {s.study_key for s in items}, f"discovered study {study_key} not listed"


@pytest.mark.parametrize("resource", PARAMS)
def test_async_list_and_get(
    resource: Resource, reads: dict[tuple[str, str], Read], study_key: str
) -> None:
    narrowing, items, listed, got = reads[resource.attr, "async"].result()
    scope = study_key if resource.study_scoped else None
    assert _check_listing(resource, items, scope, narrowing) is listed
    _check_same(resource, listed, got)
