"""From recorded interactions to observed shapes: endpoint template, JSON path, types, values."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from imednet_live.core.api_paths import endpoint_of
from imednet_live.recording.layout import Recording

# Fields whose values are a small closed set worth comparing value by value.
ENUM_FIELDS: frozenset[str] = frozenset(
    {"state", "subjectStatus", "siteEnrollmentStatus", "recordStatus", "variableType",
     "formType", "recordType", "annotationStatus", "studyType", "direction"}
)  # fmt: skip
# Objects keyed by study-specific names (variable names): their keys are not API shape.
OPAQUE_FIELDS: frozenset[str] = frozenset({"recordData"})


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


@dataclass(frozen=True)
class Interaction:
    """One recorded exchange with a JSON body; ``where`` names it for a finding."""

    where: str
    method: str
    endpoint: str
    status: int
    body: Any


@dataclass
class Shape:
    """Per JSON path: the types seen, and the values of enum-like fields."""

    types: set[str] = field(default_factory=set)
    values: set[str] = field(default_factory=set)
    count: int = 0  # interactions that showed this path
    first: str = ""  # the first of them


def interactions(recordings: list[Recording], root: Path) -> Iterator[Interaction]:
    for recording in recordings:
        for path in recording.cassettes:
            data = json.loads(path.read_text(encoding="utf-8"))
            for n, pair in enumerate(data.get("interactions", [])):
                response = pair["response"]
                status = int(response["status"]["code"])
                text = response.get("body", {}).get("string") or ""
                if not 200 <= status < 300 or not text:
                    continue
                try:
                    body = json.loads(text)
                except ValueError:
                    continue
                where = f"{_relative(path, root)}#{n}"
                request = pair["request"]
                yield Interaction(
                    where, request["method"], endpoint_of(request["uri"]), status, body
                )


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def walk(value: Any, path: str = "$") -> Iterator[tuple[str, Any]]:
    """Every (JSON path, value) with list indices as ``[*]``; opaque maps are not entered."""
    yield path, value
    if isinstance(value, dict):
        for key, child in value.items():
            child_path = f"{path}.{key}"
            if key in OPAQUE_FIELDS:
                yield child_path, child
            else:
                yield from walk(child, child_path)
    elif isinstance(value, list):
        for child in value:
            yield from walk(child, f"{path}[*]")


def observe(body: Any, into: dict[str, Shape], where: str = "") -> None:
    seen: set[str] = set()
    for path, value in walk(body):
        shape = into.setdefault(path, Shape(first=where))
        shape.types.add(json_type(value))
        if path.rsplit(".", 1)[-1] in ENUM_FIELDS and isinstance(value, str):
            shape.values.add(value)
        if path not in seen:
            seen.add(path)
            shape.count += 1


def parent_of(path: str) -> tuple[str, str]:
    """``$.data[*].x`` -> (``$.data[*]``, object); ``$.data[*]`` -> (``$.data``, array)."""
    if path.endswith("[*]"):
        return path[:-3], "array"
    return path.rsplit(".", 1)[0], "object"
