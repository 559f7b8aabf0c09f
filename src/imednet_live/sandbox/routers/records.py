"""Record writes and the jobs they start (POST records, GET jobs, GET jobs/{batchId})."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from starlette.responses import Response

from imednet_live.sandbox.dependencies import known_study, sandbox_state
from imednet_live.sandbox.query import parse_list_query
from imednet_live.sandbox.responses import ApiError, bad_request, json_response

router = APIRouter()


@router.post("/studies/{studyKey}/records")
async def create_records(request: Request, studyKey: str) -> Response:
    """Validates the body's shape only; everything else is the job's business."""
    study_key = known_study(request, studyKey)
    raw = await request.body()
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise bad_request("body", raw[:80].decode("utf-8", "replace"), "must be JSON") from None
    if not isinstance(body, list):
        raise bad_request("body", type(body).__name__, "must be a JSON array of records")
    return json_response(sandbox_state(request).backend.create_job(study_key, body), status=202)


@router.get("/studies/{studyKey}/jobs")
async def list_jobs(request: Request, studyKey: str) -> Response:
    """A bare JSON array, as SDK 0.5.0's ``jobs.list`` expects (not in the spec)."""
    study_key = known_study(request, studyKey)
    query = parse_list_query(request.query_params)
    return json_response(sandbox_state(request).backend.jobs(study_key, query))


@router.get("/studies/{studyKey}/jobs/{batchId}")
async def get_job(request: Request, studyKey: str, batchId: str) -> Response:
    study_key = known_study(request, studyKey)
    job = sandbox_state(request).backend.job(study_key, batchId)
    if job is None:
        raise ApiError(404, f"Job {batchId} not found in study {study_key}")
    return json_response(job)
