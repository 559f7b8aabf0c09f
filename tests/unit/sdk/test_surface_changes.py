"""Surface snapshots, the undeclared-change detector and compat's feature detection,
against stand-ins for both shapes of the SDK (a list-returning release, SDK main)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Iterator
from typing import Any, List  # noqa: UP035 - the SDK's own spelling up to 0.8

import pytest

from imednet_live.sdk import compat, surface_changes, surface_snapshot


class _Model:
    model_fields = {"record_id": None, "keywords": None}  # noqa: RUF012


class _Models:
    __all__ = ("Record",)
    Record = _Model


class _ReleaseRecords:
    def list(self, study_key: str | None = None, **filters: Any) -> List[_Model]:  # noqa: UP006
        return [_Model()]

    def get(self, study_key: str | None, item_id: int) -> _Model:
        return _Model()


class _LazyRecords(_ReleaseRecords):
    def list(self, study_key: str | None = None, **filters: Any) -> Iterator[_Model]:  # type: ignore[override]
        yield _Model()


class _Sdk:
    def __init__(self, records: Any) -> None:
        self.records = records


def _snapshot(records: Any, version: str) -> surface_snapshot.Snapshot:
    return surface_snapshot.take(_Sdk(records), _Models, version)


def test_a_build_that_changes_one_return_type_is_red_naming_it() -> None:
    before = _snapshot(_ReleaseRecords(), "1.0")
    after = _snapshot(_LazyRecords(), "1.1")
    changed = surface_snapshot.diff(before, after)
    assert changed == [
        "endpoint records.list: signature (study_key=, **filters) -> list "
        "became (study_key=, **filters) -> Iterator"
    ]
    assert surface_snapshot.undeclared(changed, surface_changes.CHANGES[0].covers) == changed
    covers = ["endpoint *.list: signature * -> list became * -> Iterator"]
    assert surface_snapshot.undeclared(changed, covers) == []


def test_an_unchanged_build_and_an_added_optional_argument_are_no_change() -> None:
    class Wider(_ReleaseRecords):
        def get(self, study_key: str | None, item_id: int, *, cache: bool = True) -> _Model:
            return _Model()

    before = _snapshot(_ReleaseRecords(), "1.0")
    assert surface_snapshot.diff(before, _snapshot(_ReleaseRecords(), "1.0")) == []
    assert surface_snapshot.diff(before, _snapshot(Wider(), "1.1")) == []


def test_a_removed_model_field_is_named() -> None:
    class Lean:
        model_fields = {"record_id": None}  # noqa: RUF012

    class LeanModels:
        __all__ = ("Record",)
        Record = Lean

    before = _snapshot(_ReleaseRecords(), "1.0")
    after = surface_snapshot.take(_Sdk(_ReleaseRecords()), LeanModels, "1.1")
    assert surface_snapshot.diff(before, after) == ["model Record.keywords: removed"]


def test_previous_is_the_nearest_earlier_build_a_local_label_after_its_release() -> None:
    snaps = [{"version": v} for v in ("0.5.0", "0.6.0", "0.8.0", "0.8.0+main.84b2fd36")]
    assert surface_snapshot.previous(snaps, "0.8.0+main.84b2fd36") == {"version": "0.8.0"}
    assert surface_snapshot.previous(snaps, "0.5.6") == {"version": "0.5.0"}
    assert surface_snapshot.previous(snaps, "0.5.0") is None


def test_committed_snapshots_differ_only_by_declared_changes_and_defects() -> None:
    """The data as committed: each build against the one before, minus everything
    declared (any build), leaves nothing; so a new undeclared difference is the build's."""
    every = [
        p for item in (*surface_changes.CHANGES, *surface_changes.DEFECTS) for p in item.covers
    ]
    snaps = sorted(
        surface_snapshot.load_all(), key=lambda s: surface_snapshot.Version(s["version"])
    )
    assert len(snaps) >= 2
    for before, after in itertools.pairwise(snaps):
        changed = surface_snapshot.diff(before, after)
        assert surface_snapshot.undeclared(changed, every) == [], after["version"]


def test_every_declared_change_has_exactly_one_contract_test() -> None:
    """One marked test per change in tests/live (most in test_sdk_surface.py; a change
    that only shows where a package is absent marks that test), so each shows once."""
    from pathlib import Path

    live = Path(__file__).parents[3] / "tests/live"
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(live.glob("test_*.py")))
    for change in surface_changes.CHANGES:
        assert text.count(f'sdk_surface_change("{change.key}")') == 1, change.key


# -- compat against stand-ins for both shapes ----------------------------------------


def test_first_and_items_take_from_a_list_and_a_lazy_iterator_alike() -> None:
    read: list[int] = []

    def pages() -> Iterator[int]:
        for n in range(1000):
            read.append(n)
            yield n

    assert compat.first([1, 2, 3], 2) == [1, 2]
    assert compat.first(pages(), 2) == [0, 1]
    assert read == [0, 1], "first() read past what it returned"
    assert compat.items(iter([1, 2])) == [1, 2]
    assert compat.is_lazy(pages())
    assert not compat.is_lazy([1])


class _LegacyAsync:
    async def async_list(self, *args: Any, **kwargs: Any) -> list[str]:
        return ["a", "b", "c"]

    async def async_get(self, study: str, item: str) -> str:
        return f"legacy {item}"

    def list(self, *args: Any, **kwargs: Any) -> list[str]:
        raise AssertionError("the sync list of an async endpoint was called")


class _DispatchAsync:
    def list(self, *args: Any, **kwargs: Any) -> AsyncIterator[str]:
        async def gen() -> AsyncIterator[str]:
            for item in ("a", "b", "c"):
                yield item

        return gen()

    async def get(self, study: str, item: str) -> str:
        return f"dispatch {item}"

    async def create(self, study: str, records: list[Any]) -> str:
        return "job"


@pytest.mark.parametrize("endpoint", [_LegacyAsync(), _DispatchAsync()], ids=["legacy", "main"])
def test_async_dispatch_in_either_shape(endpoint: Any) -> None:
    async def run() -> tuple[list[str], list[str], str]:
        return (
            await compat.async_list(endpoint, "S"),
            await compat.async_list(endpoint, "S", limit=1),
            await compat.async_get(endpoint, "S", "x"),
        )

    everything, one, got = asyncio.run(run())
    assert everything == ["a", "b", "c"]
    assert one == ["a"]
    assert got.endswith(" x")
    assert compat.has_async_prefix(endpoint) is isinstance(endpoint, _LegacyAsync)


def test_a_plain_function_cli_is_not_driven_by_click() -> None:
    def app(argv: list[str] | None = None) -> None:
        return None

    assert compat.cli_is_click(app) is False


def test_has_field_reads_pydantic_model_fields() -> None:
    assert compat.has_field(_Model, "keywords")
    assert not compat.has_field(_Model, "subject_key")
    assert not compat.has_field(object, "anything")


def test_job_failed_pattern_matches_both_wordings() -> None:
    import re

    pattern = compat.job_failed_pattern("B1")
    assert re.search(pattern, "Job B1 failed")
    assert re.search(pattern, "Job B1 ended in state FAILED")
    assert not re.search(pattern, "Job B1 ended in state COMPLETED")
