"""The allowlist classifies every field the spec defines; anything else keeps only name and type."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from imednet_live.recording.allowlist import RESOURCES, SCHEMAS, Rule
from imednet_live.recording.scrub import Scrubber


def spec_fields(spec: dict[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """(schema, field, property) for every property of every component schema, nested too."""
    for name, schema in spec["components"]["schemas"].items():
        yield from _fields(name, schema)


def _fields(name: str, schema: dict[str, Any]) -> Iterator[tuple[str, str, Any]]:
    for field, prop in (schema.get("properties") or {}).items():
        yield name, field, prop
        items = prop.get("items") or {}
        if "properties" in items and "$ref" not in items:  # an inline item schema
            yield from _fields(f"{name}.{field}[]", items)
        if "properties" in prop:
            yield from _fields(f"{name}.{field}", prop)


# Inline spec schemas and the allowlist schema that classifies them.
INLINE = {"Interval.forms[]": "IntervalForm", "Metadata.error": "Error"}


@pytest.fixture(scope="module")
def spec(shared_dir: Path) -> dict[str, Any]:
    path = shared_dir / "imednet-api" / "mednet.yaml"
    if not path.is_file():
        pytest.skip(f"{path} is not there")
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


def test_every_spec_field_is_classified(spec: dict[str, Any]) -> None:
    missing = []
    for schema, field, _prop in spec_fields(spec):
        table = SCHEMAS.get(INLINE.get(schema, schema), {})
        if field not in table:
            missing.append(f"{schema}.{field}")
    assert not missing, f"fields the spec defines but recording/allowlist.py does not: {missing}"


def test_every_spec_collection_has_an_item_schema(spec: dict[str, Any]) -> None:
    collections = {path.strip("/").split("/")[2] for path in spec["paths"] if path.count("/") >= 3}
    assert collections <= RESOURCES.keys(), sorted(collections - RESOURCES.keys())
    assert {"studies"} <= RESOURCES.keys()


def test_every_nested_schema_the_table_names_exists() -> None:
    for schema, fields in SCHEMAS.items():
        for field, rule in fields.items():
            if not isinstance(rule, Rule):
                assert rule == "*item*" or rule in SCHEMAS, f"{schema}.{field} -> {rule}"


def canary(prop: dict[str, Any], n: int) -> Any:
    kind = prop.get("type")
    if kind == "integer":
        return 7000 + n
    if kind == "boolean":
        return True
    return f"CANARY{n:03d}-value"


def test_nothing_but_allowlisted_fields_keeps_its_value(spec: dict[str, Any]) -> None:
    """Every text field of every resource carries a canary; only KEEP fields may show it."""
    scrubber = Scrubber(key=b"allowlist-test")
    for resource, schema_name in RESOURCES.items():
        schema = spec["components"]["schemas"][schema_name]
        item = {f: canary(p, n) for n, (f, p) in enumerate(schema["properties"].items())}
        item["fieldTheSpecLacks"] = "CANARY-unknown-value"
        body = json.loads(scrubber.body(json.dumps({"data": [item]}), resource) or "")
        clean = body["data"][0]
        assert clean["fieldTheSpecLacks"] == "[text]"  # name and type kept, value never
        for field, value in item.items():
            rule = SCHEMAS[schema_name].get(field)
            if isinstance(value, str) and rule is not Rule.KEEP:
                assert clean[field] != value, f"{resource}.{field} ({rule}) kept its value"


def test_issue_fields_are_scrubbed() -> None:
    scrubber = Scrubber(key=b"k")
    queries = {"data": [{"subjectKey": "S-1", "description": "Dr Who saw Jane Roe",
                         "dateCreated": "2024-03-05 10:11:12"}]}  # fmt: skip
    query = json.loads(scrubber.body(json.dumps(queries), "queries") or "")["data"][0]
    assert query["description"] == "[description]"
    assert query["dateCreated"] != "2024-03-05 10:11:12"
    codings = {"data": [{"codedBy": "coder.smith", "reason": "per Dr Who", "value": "fell"}]}
    coding = json.loads(scrubber.body(json.dumps(codings), "codings") or "")["data"][0]
    assert coding["codedBy"].startswith("user-")
    assert coding["reason"] == "[reason]"


def test_unknown_fields_keep_their_json_type_never_their_value() -> None:
    scrubber = Scrubber(key=b"k")
    body = {"data": [{"studyKey": "ST", "surprise": {"n": 42, "f": 1.5, "b": True,
                      "s": "Jane Roe", "l": ["x1", 3], "z": None}}]}  # fmt: skip
    clean = json.loads(scrubber.body(json.dumps(body), "studies") or "")["data"][0]
    assert clean == {"studyKey": "ST", "surprise": {"n": 0, "f": 0.0, "b": False,
                     "s": "[text]", "l": ["[text]", 0], "z": None}}  # fmt: skip
    assert scrubber.personal["Jane Roe"].field == "Study.surprise.s"
