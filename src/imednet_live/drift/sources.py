"""The three sources of expectation: our committed baseline, the OpenAPI spec, the SDK models.

The SDK's models are found by feature detection in one function (``sdk_models``): classes
of ``imednet.models`` by name, so any SDK release that has them is checked and a release
without one is simply not checked for that collection. Models are compared with the raw
body, field alias by field alias, before pydantic (and the SDK's validators) coerce
anything: ``"C1"`` where the model says ``int`` is a type change, not a ``0``.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from imednet_live.core.atomic_files import write_text_atomic
from imednet_live.drift.findings import Finding, Kind, describe_types, type_finding
from imednet_live.drift.observe import ENUM_FIELDS, Interaction, Shape, json_type, parent_of

BASELINE_FORMAT = 1
DEFAULT_BASELINE = Path(__file__).with_name("baseline.json")
Observed = dict[str, dict[str, Shape]]  # endpoint -> JSON path -> shape


class DriftInputError(ValueError):
    """A bad --spec or --baseline; the message is one line naming the file."""


# -- baseline ------------------------------------------------------------------------------


def load_baseline(path: Path) -> dict[str, dict[str, dict[str, list[str]]]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise DriftInputError(f"baseline {path} is unreadable: {exc}") from None
    if not isinstance(data, dict) or data.get("format_version") != BASELINE_FORMAT:
        raise DriftInputError(
            f"baseline {path} is not format {BASELINE_FORMAT}; rebuild it with --update-baseline"
        )
    endpoints: dict[str, dict[str, dict[str, list[str]]]] = data.get("endpoints", {})
    return endpoints


def save_baseline(path: Path, observed: Observed) -> None:
    endpoints = {
        endpoint: {
            p: {"types": sorted(s.types), "values": sorted(s.values)}
            for p, s in sorted(shapes.items())
        }
        for endpoint, shapes in sorted(observed.items())
    }
    text = json.dumps({"format_version": BASELINE_FORMAT, "endpoints": endpoints}, indent=1)
    write_text_atomic(path, text + "\n")


def against_baseline(observed: Observed, baseline: Mapping[str, Any]) -> Iterator[Finding]:
    source = "baseline"
    for endpoint, shapes in observed.items():
        expected = baseline.get(endpoint)
        if expected is None:
            continue  # an endpoint the baseline never saw says nothing about drift
        for path, shape in shapes.items():
            where: dict[str, Any] = {"endpoint": endpoint, "path": path, "source": source}
            parent, parent_type = parent_of(path)
            if path not in expected:
                if path != "$" and parent in expected:  # only the top of a new subtree
                    yield Finding(
                        kind=Kind.ADDED_FIELD,
                        observed=describe_types(shape.types),
                        count=shape.count,
                        first_interaction=shape.first,
                        **where,
                    )
                continue
            old = expected[path]
            change = type_finding(
                set(old["types"]), shape.types, first_interaction=shape.first, **where
            )
            if change is not None:
                yield change.model_copy(update={"count": shape.count})
            for value in sorted(shape.values - set(old.get("values", []))):
                if old.get("values"):
                    yield Finding(
                        kind=Kind.NEW_ENUM_VALUE,
                        expected="|".join(old["values"]),
                        observed=value,
                        count=shape.count,
                        first_interaction=shape.first,
                        **where,
                    )
        for path, old in expected.items():
            parent, parent_type = parent_of(path)
            if path in shapes or path == "$" or parent not in shapes:
                continue  # seen, or its parent is missing too (only the top is reported)
            if parent_type not in shapes[parent].types:
                continue
            yield Finding(
                kind=Kind.MISSING_FIELD,
                expected=describe_types(old["types"]),
                count=shapes[parent].count,
                first_interaction=shapes[parent].first,
                endpoint=endpoint,
                path=path,
                source=source,
            )


# -- OpenAPI spec --------------------------------------------------------------------------


class Spec:
    """The spec's response schemas, $refs resolved, additional properties treated strictly.

    openapi-core validates the document (a bad --spec is one line naming the file); the
    walk below compares bodies with the schemas so each difference has a JSON path.
    """

    def __init__(self, path: Path) -> None:
        import yaml
        from openapi_core import OpenAPI

        try:
            OpenAPI.from_file_path(str(path))
            self.document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DriftInputError(f"--spec {path} does not exist") from None
        except Exception as exc:  # any parse or validation error: one line
            first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc)
            raise DriftInputError(
                f"--spec {path} is not a readable OpenAPI document ({first})"
            ) from None
        self.path = path

    def resolve(self, schema: Any) -> Any:
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema and seen < 50:
            node: Any = self.document
            for part in schema["$ref"].lstrip("#/").split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
            schema, seen = node, seen + 1
        if isinstance(schema, dict) and "allOf" in schema:
            merged: dict[str, Any] = {"type": "object", "properties": {}}
            for part in schema["allOf"]:
                part = self.resolve(part)
                merged["properties"].update(part.get("properties", {}))
            return merged
        return schema

    def response_schema(self, endpoint: str, method: str, status: int) -> Any:
        operation = self.document.get("paths", {}).get(endpoint, {}).get(method.lower())
        if not isinstance(operation, dict):
            return None
        responses = operation.get("responses", {})
        response = self.resolve(responses.get(str(status)) or responses.get("default") or {})
        content = (response.get("content") or {}).get("application/json") or {}
        return content.get("schema")

    def check(self, interaction: Interaction) -> Iterator[Finding]:
        schema = self.response_schema(interaction.endpoint, interaction.method, interaction.status)
        if schema is not None:
            yield from self._walk(schema, interaction.body, "$", interaction)

    def _walk(self, schema: Any, value: Any, path: str, it: Interaction) -> Iterator[Finding]:
        schema = self.resolve(schema)
        if not isinstance(schema, dict) or "oneOf" in schema or "anyOf" in schema:
            return
        where: dict[str, Any] = {
            "endpoint": it.endpoint,
            "path": path,
            "source": "spec",
            "first_interaction": it.where,
        }
        expected = schema.get("type")
        if value is None:
            return
        if isinstance(expected, str):
            allowed = {expected} | ({"integer"} if expected == "number" else set())
            change = type_finding(allowed, {json_type(value)}, **where)
            if change is not None:
                yield change
                return
        if "enum" in schema and isinstance(value, str) and value not in schema["enum"]:
            yield Finding(kind=Kind.NEW_ENUM_VALUE, expected="|".join(map(str, schema["enum"])),
                          observed=value, **where)  # fmt: skip
        if isinstance(value, dict):
            properties = schema.get("properties") or {}
            extra = schema.get("additionalProperties")
            for key, child in value.items():
                child_path = f"{path}.{key}"
                if key in properties:
                    yield from self._walk(properties[key], child, child_path, it)
                elif isinstance(extra, dict):
                    yield from self._walk(extra, child, child_path, it)
                elif properties:  # strict: an undeclared key is drift
                    yield Finding(kind=Kind.ADDED_FIELD, observed=json_type(child),
                                  **{**where, "path": child_path})  # fmt: skip
        elif isinstance(value, list) and "items" in schema:
            for child in value:
                yield from self._walk(schema["items"], child, f"{path}[*]", it)


# -- SDK models ----------------------------------------------------------------------------

# Collection (last literal path segment) -> model class name in imednet.models.
MODEL_NAMES: Mapping[str, str] = {
    "studies": "Study", "sites": "Site", "forms": "Form", "intervals": "Interval",
    "visits": "Visit", "subjects": "Subject", "users": "User", "variables": "Variable",
    "codings": "Coding", "queries": "Query", "recordRevisions": "RecordRevision",
    "records": "Record", "jobs": "JobStatus",
}  # fmt: skip


def sdk_models() -> dict[str, type[BaseModel]]:
    """The installed SDK's response models by collection, found by feature detection."""
    try:
        import imednet.models as models
    except ImportError:
        return {}
    found: dict[str, type[BaseModel]] = {}
    for collection, name in MODEL_NAMES.items():
        model = getattr(models, name, None)
        if isinstance(model, type) and issubclass(model, BaseModel):
            found[collection] = model
    return found


def _json_types(annotation: Any) -> set[str] | None:
    """JSON types a raw value may have for ``annotation``; None when anything goes."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        union: set[str] = set()
        for arg in typing.get_args(annotation):
            part = _json_types(arg)
            if part is None:
                return None
            union |= part
        return union
    if origin is typing.Literal:
        return {json_type(v) for v in typing.get_args(annotation)}
    if origin in (list, tuple, set, frozenset):
        return {"array"}
    if origin in (dict, Mapping):
        return {"object"}
    if annotation is type(None):
        return {"null"}
    simple = {bool: {"boolean"}, int: {"integer"}, float: {"integer", "number"},
              str: {"string"}, datetime: {"string"}, date: {"string"}}  # fmt: skip
    if annotation in simple:
        return simple[annotation]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return {"object"}
    return None


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        inner = _nested_model(arg)
        if inner is not None:
            return inner
    return None


class SdkModels:
    def __init__(self) -> None:
        self.models = sdk_models()

    def check(self, interaction: Interaction) -> Iterator[Finding]:
        literal = [s for s in interaction.endpoint.split("/") if s and not s.startswith("{")]
        model = self.models.get(literal[-1]) if literal else None
        body = interaction.body
        if model is None or not isinstance(body, dict):
            return
        if "data" in body and isinstance(body["data"], list):
            for item in body["data"]:
                yield from self._walk(model, item, "$.data[*]", interaction)
        elif literal[-1] == "jobs":
            yield from self._walk(model, body, "$", interaction)

    def _walk(
        self, model: type[BaseModel], value: Any, path: str, it: Interaction
    ) -> Iterator[Finding]:
        if not isinstance(value, dict):
            return
        fields = {(f.alias or name): f for name, f in model.model_fields.items()}
        where: dict[str, Any] = {
            "endpoint": it.endpoint,
            "source": "sdk-models",
            "first_interaction": it.where,
        }
        for key, child in value.items():
            child_path = f"{path}.{key}"
            field = fields.get(key)
            if field is None:
                if model.model_config.get("extra") != "allow":
                    yield Finding(kind=Kind.ADDED_FIELD, observed=json_type(child),
                                  path=child_path, **where)  # fmt: skip
                continue
            allowed = _json_types(field.annotation)
            if allowed is not None:
                change = type_finding(allowed, {json_type(child)}, path=child_path, **where)
                if change is not None:
                    yield change
                    continue
            nested = _nested_model(field.annotation)
            if nested is not None and key not in ("recordData",):
                if isinstance(child, list):
                    for element in child:
                        yield from self._walk(nested, element, f"{child_path}[*]", it)
                else:
                    yield from self._walk(nested, child, child_path, it)


__all__ = ["ENUM_FIELDS", "Observed"]
