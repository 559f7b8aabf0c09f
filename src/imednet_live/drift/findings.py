"""A finding and how they are merged: one per kind, endpoint, path and source, counted."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from pydantic import BaseModel


class Kind(str, Enum):
    ADDED_FIELD = "added-field"
    MISSING_FIELD = "missing-field"
    TYPE_CHANGE = "type-change"
    NEW_ENUM_VALUE = "new-enum-value"
    SHAPE_CHANGE = "shape-change"  # object vs array (or scalar) where the other was expected

    def __str__(self) -> str:
        return self.value


class Finding(BaseModel):
    kind: Kind
    endpoint: str
    path: str
    expected: str | None = None  # types; values only for enum-like fields
    observed: str | None = None
    source: str  # spec | sdk-models | baseline
    count: int = 1
    first_interaction: str  # <recording file>#<index>

    @property
    def key(self) -> tuple[str, str, str, str, str | None]:
        return (str(self.kind), self.endpoint, self.path, self.source, self.observed)


def merge(findings: Iterable[Finding]) -> list[Finding]:
    merged: dict[tuple[str, str, str, str, str | None], Finding] = {}
    for finding in findings:
        if finding.key in merged:
            merged[finding.key].count += finding.count
        else:
            merged[finding.key] = finding.model_copy()
    return sorted(merged.values(), key=lambda f: (f.endpoint, f.path, str(f.kind), f.source))


def describe_types(types: Iterable[str]) -> str:
    return "|".join(sorted(set(types)))


def type_finding(expected: set[str], observed: set[str], **where: str) -> Finding | None:
    """type-change, or shape-change when containers and scalars swapped; None if compatible."""
    expected_nn, observed_nn = expected - {"null"}, observed - {"null"}
    if not expected_nn or not observed_nn or observed_nn <= expected_nn:
        return None
    if expected_nn == {"number"} and observed_nn <= {"integer", "number"}:
        return None
    containers = {"object", "array"}
    kind = (
        Kind.SHAPE_CHANGE
        if (expected_nn & containers) != (observed_nn & containers)
        else Kind.TYPE_CHANGE
    )
    return Finding(
        kind=kind,
        expected=describe_types(expected_nn),
        observed=describe_types(observed_nn - expected_nn),
        **where,  # type: ignore[arg-type]
    )
