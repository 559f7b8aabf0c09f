"""Sandbox state from a recording: the recorded list responses, scrubbed as recorded.

``imednet-live sandbox serve --seed-from DIR`` serves the recorded study's shape (its
studies, sites, subjects, forms, variables, intervals, visits, records, ...) and then
behaves as any sandbox: writes go through the same backend. Items are merged by their
identifier across every recorded page and filter; a later response wins, so records
written during the recorded run are part of the state.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from imednet_live.core.api_paths import endpoint_of, study_key_of
from imednet_live.recording.layout import RecordingError, find_recordings
from imednet_live.sandbox.seed import RESOURCES, StudyData

# The field that identifies an item of each collection.
ID_FIELDS: dict[str, str] = {
    "studies": "studyKey", "sites": "siteId", "forms": "formId", "intervals": "intervalId",
    "visits": "visitId", "subjects": "subjectKey", "users": "userId", "variables": "variableId",
    "codings": "codingId", "queries": "annotationId", "recordRevisions": "recordRevisionId",
    "records": "recordId",
}  # fmt: skip


def studies_from_recording(directory: Path) -> list[StudyData]:
    """Every study of the recordings under ``directory``; RecordingError (one line) if none."""
    collected: dict[str, dict[str, dict[Any, dict[str, Any]]]] = {}
    studies: dict[str, dict[str, Any]] = {}
    for recording in find_recordings(directory):
        for path in recording.cassettes:
            data = json.loads(path.read_text(encoding="utf-8"))
            for pair in data.get("interactions", []):
                _collect(pair, studies, collected)
    if not studies:
        raise RecordingError(
            f"{directory} holds no recorded studies list (GET /studies); "
            "record a run that lists studies (any live session does)"
        )
    result = []
    for key, study in studies.items():
        resources = {
            name: list(collected.get(key, {}).get(name, {}).values()) for name in RESOURCES
        }
        result.append(StudyData(study=study, resources=resources))
    return result


def _collect(
    pair: dict[str, Any],
    studies: dict[str, dict[str, Any]],
    collected: dict[str, dict[str, dict[Any, dict[str, Any]]]],
) -> None:
    request, response = pair["request"], pair["response"]
    if request["method"] != "GET" or not 200 <= int(response["status"]["code"]) < 300:
        return
    try:
        body = json.loads(response.get("body", {}).get("string") or "")
    except ValueError:
        return
    items = body.get("data") if isinstance(body, dict) else None
    if not isinstance(items, list):
        return
    segments = [s for s in endpoint_of(request["uri"]).split("/") if s]
    if segments == ["studies"]:
        for item in items:
            if isinstance(item, dict) and item.get("studyKey"):
                studies[item["studyKey"]] = item
        return
    if len(segments) != 3 or segments[2] not in ID_FIELDS:
        return
    resource = segments[2]
    study_key = study_key_of(request["uri"])
    store = collected.setdefault(study_key, {}).setdefault(resource, {})
    for item in items:
        if isinstance(item, dict):
            store[item.get(ID_FIELDS[resource], json.dumps(item, sort_keys=True))] = item
