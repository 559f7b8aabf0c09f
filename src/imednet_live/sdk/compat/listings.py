"""What a listing is (a list, or SDK main's lazy iterator), and model fields."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from imednet_live.sdk.compat.builds import T

if TYPE_CHECKING:
    pass


def first(listing: Iterable[T], n: int) -> list[T]:
    """The first ``n`` items of an endpoint's ``list()``.

    Up to 0.8 a listing is a list; SDK main returns a lazy iterator over pages, where
    indexing, slicing and ``len()`` break and reading on costs a page per 100 items, so
    tests take what they need through here and never read a study whole by accident.
    """
    return list(itertools.islice(listing, n))


def has_field(model: type, name: str) -> bool:
    """Whether a pydantic model of the build defines ``name`` (its Python name)."""
    return name in (getattr(model, "model_fields", None) or {})


def is_lazy(listing: object) -> bool:
    """Whether a ``list()`` result is a lazy iterator (SDK main) rather than a list."""
    return not isinstance(listing, Sequence)


def items(listing: Iterable[T]) -> list[T]:
    """Every item of a listing the caller has already bounded (a filter, a structure).

    For a whole growing resource use ``first``: on SDK main every item read past the
    first page costs another request.
    """
    return listing if isinstance(listing, list) else list(listing)
